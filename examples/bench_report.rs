//! The numbers of BENCHMARKS.md that are counts, not times: accepted and rejected steps per
//! energy over the whole grid of every example scenario (with the CPU time of that run), and
//! the accuracy of magnus and dop853 against the exact `layers` on the cases the method
//!
//! benches time (`cargo bench --bench scenarios`); and 1 against 2 threads on whole runs,
//! wall and CPU time, in interleaved rounds.
//!
//! `cargo run --release --features tools --example bench_report [steps|accuracy|threads]...` (all by default)

#[path = "../benches/common/mod.rs"]
mod common;

use std::collections::HashMap;
use std::time::Instant;

use nuspin::evolve::Method;
use nuspin::output::EnergyResult;
use nuspin::run::{run, solve_energy, NoProgress, RunOptions};
use nuspin::scenario::Scenario;

/// utime + stime, seconds, from a /proc `stat` line (fields 14 and 15; USER_HZ = 100).
fn stat_seconds(stat: &str) -> Option<f64> {
    // The command name (in parentheses) may hold spaces: count fields after it.
    let (_, rest) = stat.rsplit_once(')')?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i)?.parse::<f64>().ok();
    Some((ticks(11)? + ticks(12)?) / 100.0)
}

/// CPU time (user + system) of this process so far, seconds (Linux /proc).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    stat_seconds(&stat).unwrap_or(f64::NAN)
}

/// CPU seconds of each live thread of this process, by thread id.
fn thread_cpu_seconds() -> HashMap<String, f64> {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return HashMap::new();
    };
    tasks
        .flatten()
        .filter_map(|t| {
            let stat = std::fs::read_to_string(t.path().join("stat")).ok()?;
            Some((
                t.file_name().to_string_lossy().into_owned(),
                stat_seconds(&stat)?,
            ))
        })
        .collect()
}

fn median(v: &mut [u64]) -> u64 {
    v.sort_unstable();
    v[v.len() / 2]
}

/// A whole run on `threads` threads.
struct Timed {
    results: Vec<EnergyResult>,
    cpu: f64,
    wall: f64,
    /// CPU seconds of the busiest thread started by the run, as last seen when a batch of
    /// results arrived (a worker's last energy is in a batch, so this misses little).
    busiest_worker_cpu: f64,
}

fn timed_run(scenario: &Scenario, threads: usize) -> Timed {
    let mut results: Vec<EnergyResult> = Vec::new();
    let options = RunOptions {
        threads: Some(threads),
        ..RunOptions::default()
    };
    let before = thread_cpu_seconds();
    let mut workers: HashMap<String, f64> = HashMap::new();
    let (cpu0, wall0) = (cpu_seconds(), Instant::now());
    run(scenario, &options, &NoProgress, |batch| {
        results.extend(batch);
        for (tid, cpu) in thread_cpu_seconds() {
            if !before.contains_key(&tid) {
                workers.insert(tid, cpu);
            }
        }
        Ok(())
    })
    .expect("run");
    Timed {
        results,
        cpu: cpu_seconds() - cpu0,
        wall: wall0.elapsed().as_secs_f64(),
        busiest_worker_cpu: workers.values().copied().fold(0.0, f64::max),
    }
}

fn steps_per_energy(name: &str, scenario: &Scenario) {
    let Timed {
        results, cpu, wall, ..
    } = timed_run(scenario, 2);
    let mut acc: Vec<u64> = results.iter().map(|r| r.steps).collect();
    let mut rej: Vec<u64> = results.iter().map(|r| r.rejected).collect();
    let (lo, hi) = (acc.iter().min().copied(), acc.iter().max().copied());
    println!(
        "| {name} | {} | {} ({}–{}) | {} | {} | {cpu:.2} | {wall:.2} |",
        results.len(),
        median(&mut acc),
        lo.unwrap_or(0),
        hi.unwrap_or(0),
        median(&mut rej),
        acc.iter().sum::<u64>(),
    );
}

/// Rounds of (1 thread, 2 threads) on `scenario`: wall and CPU of each, and the speed-up
/// two idle cores would give, CPU(1 thread) / CPU(busiest of the 2 workers).
fn threads(name: &str, scenario: &Scenario, rounds: usize) {
    for round in 1..=rounds {
        let one = timed_run(scenario, 1);
        let two = timed_run(scenario, 2);
        println!(
            "| {name} | {round} | {:.2} ({:.2}) | {:.2} ({:.2}) | {:.2} | {:.2} | {:.2} | {:.2} |",
            one.wall,
            one.cpu,
            two.wall,
            two.cpu,
            one.wall / two.wall,
            two.cpu / one.cpu,
            two.busiest_worker_cpu,
            one.cpu / two.busiest_worker_cpu
        );
    }
}

/// Largest |ΔP| between two results of the same grid point.
fn max_dp(a: &EnergyResult, b: &EnergyResult) -> f64 {
    a.probability
        .iter()
        .zip(&b.probability)
        .map(|(p, q)| (p - q).abs())
        .fold(0.0, f64::max)
}

fn accuracy(name: &str, mut scenario: Scenario, e_mev: f64) {
    let i = common::nearest_energy(&scenario, e_mev);
    let mut solve_with = |method, rtol, atol| {
        scenario.solver.method = method;
        (scenario.solver.rtol, scenario.solver.atol) = (rtol, atol);
        solve_energy(&scenario, i).expect("solve")
    };
    let exact = solve_with(Method::Layers, 1e-6, 1e-9);
    let magnus = solve_with(Method::Magnus, 1e-6, 1e-9);
    let dop = solve_with(Method::Dop853, 1e-10, 1e-10);
    let dop6 = solve_with(Method::Dop853, 1e-6, 1e-6);
    println!(
        "| {name} | {:.4} | {} | {:.1e} | {} | {:.1e} | {} | {:.1e} | {} |",
        scenario.energies_mev[i],
        magnus.steps,
        max_dp(&magnus, &exact),
        dop.steps,
        max_dp(&dop, &exact),
        dop6.steps,
        max_dp(&dop6, &exact),
        exact.steps
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let wanted = |what: &str| args.is_empty() || args.iter().any(|a| a == what);
    if wanted("steps") {
        println!("Steps per energy over the whole grid (2 threads):\n");
        println!("| scenario | energies | accepted per energy: median (min–max) | rejected per energy (median) | accepted, total | CPU (s) | wall (s) |");
        println!("| --- | --- | --- | --- | --- | --- | --- |");
        for (name, _) in common::EXAMPLES {
            steps_per_energy(name, &common::example(name));
        }
        steps_per_energy("solar-exp", &common::solar_exp(200));
    }
    if wanted("accuracy") {
        println!("\nmagnus (rtol 1e-6) and dop853 against the exact layers:\n");
        println!("| case | E (MeV) | magnus steps | magnus max \\|ΔP\\| | dop853 1e-10 steps | max \\|ΔP\\| | dop853 1e-6 steps | max \\|ΔP\\| | layers |");
        println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        accuracy("earth-core", common::example("earth-core"), 2000.0);
        accuracy("lab-2nu", common::example("lab-2nu"), 10.0);
        accuracy("lab-3nu", common::lab_3nu(), 10.0);
    }
    if wanted("threads") {
        println!("\n1 against 2 threads, interleaved rounds, wall (CPU) seconds:\n");
        println!("| run | round | 1 thread | 2 threads | wall 1 / wall 2 | CPU 2 / CPU 1 | busiest worker CPU | CPU 1 / busiest |");
        println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
        threads("solar-exp, 200 E", &common::solar_exp(200), 3);
        threads(
            "sn-majorana-sfp, 200 E",
            &common::example("sn-majorana-sfp"),
            2,
        );
    }
}
