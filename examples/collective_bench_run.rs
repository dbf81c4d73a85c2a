//! The BENCHMARKS.md collective runs: a Majorana single-angle bulb with 200 bins from R_ν to
//! 1000 km, two or three flavours (inverted ordering, no matter, no moment), Lie-group CF4, or
//! the adiabatic-frame stepper (AFM) handing over to CF4, or both side by side.
//! Prints steps, H evaluations and wall time; run under `/usr/bin/time -v` for memory.
//! `cargo run --release --features tools --example collective_bench_run -- [2|3] [bins] [tol] [end_km]
//! [cf4|afm|both] [handover_ratio]`. With the environment variable `AFM_EMBEDDED` set, AFM
//! controls its step by the embedded Ω₃ estimate instead of step doubling. With
//! `BENCH_DUMP=FILE` the last state (every ρ and Ψ entry, full precision) is written to FILE,
//! to compare two builds' results (`scripts/compare_dumps.py`); `BENCH_KICK_ULP=n` scales the
//! initial state by 1 + n ε, to see how far round-off alone moves the result.

use std::time::Instant;

use nuspin::basis::Nature;
use nuspin::collective::{
    solve_afm_then_lie, solve_lie, AfmOptions, CollectiveProblem, CollectiveSolution,
    CollectiveState, EnergyBins, LieOptions,
};
use nuspin::mixing::Mixing;
use nuspin::moments::Moments;
use nuspin::reference::bulb;

struct Args {
    tol: f64,
    end_km: f64,
    method: String,
    ratio: f64,
}

fn solve<const D: usize>(
    problem: &CollectiveProblem<'_, D>,
    a: &Args,
    afm: bool,
) -> CollectiveSolution<D> {
    let lie = LieOptions {
        tol: a.tol,
        ..LieOptions::default()
    };
    let mut start = CollectiveState::initial(problem, 10.0);
    // BENCH_KICK_ULP=n scales every initial ρ by 1 + n ε: a round-off-sized perturbation, to
    // see how far round-off alone moves the end state of this run (the yardstick for
    // comparing two builds that should agree to round-off).
    if let Some(n) = std::env::var("BENCH_KICK_ULP")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
    {
        for r in start.rho.iter_mut() {
            *r *= num_complex::Complex64::new(1.0 + n * f64::EPSILON, 0.0);
        }
    }
    let t = Instant::now();
    let sol = if afm {
        let opts = AfmOptions {
            handover_ratio: a.ratio,
            step_doubling: std::env::var_os("AFM_EMBEDDED").is_none(),
            ..AfmOptions::default()
        };
        let (sol, stats) =
            solve_afm_then_lie(problem, start, a.end_km, &[], &lie, &opts, &|| false).unwrap();
        println!("AFM part: {stats:?}");
        sol
    } else {
        solve_lie(problem, start, a.end_km, &[], &lie).unwrap()
    };
    println!(
        "{}: D = {D}, {} bins, tol {:e}, R_nu → {} km: CF4 {} accepted, {} rejected, {} H evaluations, wall {:.1} s, threads {}",
        if afm { "AFM + CF4" } else { "CF4" },
        problem.len(),
        a.tol,
        a.end_km,
        sol.stats.accepted,
        sol.stats.rejected,
        sol.stats.h_evaluations,
        t.elapsed().as_secs_f64(),
        rayon::current_num_threads(),
    );
    if let Some(path) = std::env::var_os("BENCH_DUMP") {
        dump(&sol, &path);
    }
    sol
}

/// Writes the last state's ρ and Ψ entries, one complex number per line (re im, `{:e}`, which
/// prints the shortest representation that reads back exactly).
fn dump<const D: usize>(sol: &CollectiveSolution<D>, path: &std::ffi::OsStr) {
    use std::fmt::Write;
    let last = sol.records.last().unwrap();
    let mut text = format!("r_km {:e}\n", last.r_km);
    for m in last.rho.iter().chain(&last.psi) {
        for z in m.iter() {
            writeln!(text, "{:e} {:e}", z.re, z.im).unwrap();
        }
    }
    std::fs::write(path, text).unwrap();
}

/// Largest difference of a normalised population between two runs' last states.
fn max_dp<const D: usize>(a: &CollectiveSolution<D>, b: &CollectiveSolution<D>) -> f64 {
    let (a, b) = (a.records.last().unwrap(), b.records.last().unwrap());
    let mut m: f64 = 0.0;
    for (x, y) in a.rho.iter().zip(&b.rho) {
        let tr: f64 = (0..D).map(|i| x[(i, i)].re).sum();
        for i in 0..D {
            m = m.max((x[(i, i)] - y[(i, i)]).re.abs() / tr);
        }
    }
    m
}

fn run<const D: usize>(mixing: &Mixing, bins: &EnergyBins, a: &Args) {
    let medium = bulb::vacuum();
    let problem = CollectiveProblem::<D>::bulb(
        Nature::Majorana,
        mixing,
        &Moments::zero(),
        &medium,
        &bulb::emission(),
        bins,
    )
    .unwrap();
    match a.method.as_str() {
        "afm" => {
            solve(&problem, a, true);
        }
        "both" => {
            let x = solve(&problem, a, true);
            let y = solve(&problem, a, false);
            println!("max |dP| between the two: {:.2e}", max_dp(&x, &y));
        }
        _ => {
            solve(&problem, a, false);
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let flavours: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(2);
    let nbins: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(200);
    let a = Args {
        tol: args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1e-8),
        end_km: args.get(4).and_then(|s| s.parse().ok()).unwrap_or(1000.0),
        method: args.get(5).cloned().unwrap_or_else(|| "cf4".into()),
        ratio: args.get(6).and_then(|s| s.parse().ok()).unwrap_or(10.0),
    };
    let bins = EnergyBins::uniform(nbins, 80.0);
    if flavours == 3 {
        run::<6>(&bulb::mixing_three(), &bins, &a);
    } else {
        run::<4>(&bulb::mixing(), &bins, &a);
    }
}
