//! The full reference bulb (Majorana, 2 flavours, vacuum, no moment) from R_ν through the swap,
//! one run per process so that a slow tight-tolerance reference is computed once and every
//! other run is compared with its saved final state (BENCHMARKS.md, "Collective, stop 30").
//!
//! `cargo run --release --features tools --example collective_full_accuracy -- run BINS END_KM TOL cf4|afm
//! OUT [KICK]` writes the final ρ of every bin to OUT (text, one bin per line: the 16 complex
//! entries as 32 numbers) and prints the steps and this process's wall time; `afm` is
//! `solve_afm_then_lie` (what `[collective] method = "auto"` runs from 32 bins), `cf4` is CF4
//! alone. KICK adds a relative coherence KICK × Tr ρ to every initial ρ (entries (0, 1) and
//! (1, 0)): the amplification of a run is its population change against the unkicked run
//! divided by KICK.
//! `... -- compare A B [KICK]` prints max |ΔP| between two saved states (the largest
//! difference of a normalised population of any ν or ν̄ of any bin), divided by KICK if given.
//!
//! The far stretch alone (BENCHMARKS.md, "Collective, stop 36"): `... -- start BINS TOL OUT`
//! saves the `"auto"` state at 22.57 km (AFM's hand-over radius on this bulb); `... -- far BINS
//! START cf4|dop853|projected TOL OUT` integrates from that saved state to 1000 km band by band (22.57,
//! 30, 50, 100, 200, 500, 1000 km: the bands of stop 33's table), printing per band the
//! accepted and rejected steps, the H evaluations and this process's user CPU (from
//! /proc/self/stat, so that a loaded machine's waiting is not counted), and saving the state
//! at each band's end to `OUT.<end_km>`. DOP853 runs at rtol = atol = TOL (ρ normalised by
//! its trace); its steps are not unitary, so Ψ is not evolved and only ρ is compared.
//! `projected` is `collective::projected` (DOP853 on each bin's step propagator, made unitary).

use std::io::Write;
use std::time::Instant;

use num_complex::Complex64;
use nuspin::collective::{
    solve_afm_then_lie, solve_dop853_collective, solve_lie, solve_projected_until, AfmOptions,
    CollectiveState, EnergyBins, LieOptions, ProjectedOptions, ReferenceOptions,
};
use nuspin::hamiltonian::CMat;
use nuspin::reference::bulb;

fn save(path: &str, rho: &[CMat<4>]) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("create OUT"));
    for r in rho {
        let row: Vec<String> = r
            .iter()
            .flat_map(|z| [format!("{:e}", z.re), format!("{:e}", z.im)])
            .collect();
        writeln!(f, "{}", row.join(" ")).expect("write OUT");
    }
}

fn load(path: &str) -> Vec<CMat<4>> {
    let text = std::fs::read_to_string(path).expect("read a saved state");
    text.lines()
        .map(|line| {
            let x: Vec<f64> = line.split(' ').map(|s| s.parse().unwrap()).collect();
            CMat::<4>::from_iterator((0..16).map(|k| Complex64::new(x[2 * k], x[2 * k + 1])))
        })
        .collect()
}

fn run(args: &[String]) {
    let nbins: usize = args[0].parse().expect("BINS");
    let end_km: f64 = args[1].parse().expect("END_KM");
    let tol: f64 = args[2].parse().expect("TOL");
    let method = args[3].as_str();
    let out = &args[4];
    let kick: f64 = args.get(5).map_or(0.0, |s| s.parse().expect("KICK"));
    let medium = bulb::vacuum();
    let problem = bulb::majorana_problem(&medium, &EnergyBins::uniform(nbins, 80.0));
    let mut start = CollectiveState::initial(&problem, bulb::emission().r_nu_km);
    for r in start.rho.iter_mut() {
        let c = Complex64::new(kick * r.trace().re, 0.0);
        r[(0, 1)] += c;
        r[(1, 0)] += c;
    }
    let lie = LieOptions {
        tol,
        ..LieOptions::default()
    };
    let t = Instant::now();
    let sol = if method == "afm" {
        let (sol, stats) = solve_afm_then_lie(
            &problem,
            start,
            end_km,
            &[],
            &lie,
            &AfmOptions::default(),
            &|| false,
        )
        .expect("AFM + CF4");
        println!("AFM part: {stats:?}");
        sol
    } else {
        solve_lie(&problem, start, end_km, &[], &lie).expect("CF4")
    };
    println!(
        "{method} {nbins} bins, tol {tol:e}, kick {kick:e}, R_nu -> {end_km} km: CF4 {:?}, wall {:.1} s",
        sol.stats,
        t.elapsed().as_secs_f64()
    );
    save(out, &sol.records.last().unwrap().rho);
}

/// This process's user CPU time in seconds (Linux: field 14 of /proc/self/stat, in clock
/// ticks of 1/100 s).
fn user_cpu_s() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    let rest = stat.rsplit(')').next().unwrap_or("");
    let ticks: f64 = rest
        .split_whitespace()
        .nth(11)
        .and_then(|s| s.parse().ok())
        .unwrap_or(f64::NAN);
    ticks / 100.0
}

/// The band edges of the far stretch (km).
const FAR_EDGES_KM: [f64; 7] = [22.57, 30.0, 50.0, 100.0, 200.0, 500.0, 1000.0];

fn start_state(args: &[String]) {
    let nbins: usize = args[0].parse().expect("BINS");
    let tol: f64 = args[1].parse().expect("TOL");
    let medium = bulb::vacuum();
    let problem = bulb::majorana_problem(&medium, &EnergyBins::uniform(nbins, 80.0));
    let start = CollectiveState::initial(&problem, bulb::emission().r_nu_km);
    let lie = LieOptions {
        tol,
        ..LieOptions::default()
    };
    let (sol, stats) = solve_afm_then_lie(
        &problem,
        start,
        FAR_EDGES_KM[0],
        &[],
        &lie,
        &AfmOptions::default(),
        &|| false,
    )
    .expect("AFM");
    println!("AFM part: {stats:?}, CF4 {:?}", sol.stats);
    save(&args[2], &sol.records.last().unwrap().rho);
}

fn far(args: &[String]) {
    let nbins: usize = args[0].parse().expect("BINS");
    let method = args[2].as_str();
    let tol: f64 = args[3].parse().expect("TOL");
    let out = &args[4];
    let medium = bulb::vacuum();
    let problem = bulb::majorana_problem(&medium, &EnergyBins::uniform(nbins, 80.0));
    let mut state = CollectiveState::initial(&problem, FAR_EDGES_KM[0]);
    state.rho = load(&args[1]);
    println!("band_km accepted rejected h_evaluations user_cpu_s");
    let (mut steps, mut evals, mut cpu) = (0u64, 0u64, 0.0);
    for w in FAR_EDGES_KM.windows(2) {
        let c0 = user_cpu_s();
        let sol = match method {
            "cf4" => {
                let lie = LieOptions {
                    tol,
                    ..LieOptions::default()
                };
                solve_lie(&problem, state, w[1], &[], &lie).expect("CF4")
            }
            "dop853" => {
                let opts = ReferenceOptions {
                    rtol: tol,
                    atol: tol,
                    ..ReferenceOptions::default()
                };
                solve_dop853_collective(&problem, state, w[1], &[], &opts).expect("DOP853")
            }
            "projected" => {
                let opts = ProjectedOptions {
                    tol,
                    ..ProjectedOptions::default()
                };
                solve_projected_until(&problem, state, w[1], &[], &opts, &|| false)
                    .expect("projected DOP853")
            }
            _ => panic!("method: cf4 | dop853 | projected"),
        };
        let c = user_cpu_s() - c0;
        let st = sol.stats;
        println!(
            "{}-{} {} {} {} {c:.2}",
            w[0], w[1], st.accepted, st.rejected, st.h_evaluations
        );
        steps += st.accepted + st.rejected;
        evals += st.h_evaluations;
        cpu += c;
        state = sol.records.last().unwrap().clone();
        save(&format!("{out}.{}", w[1]), &state.rho);
    }
    println!("{method} tol {tol:e} {nbins} bins, 22.57 -> 1000 km: {steps} steps, {evals} H evaluations, {cpu:.2} s user CPU");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("start") => start_state(&args[1..]),
        Some("far") => far(&args[1..]),
        Some("compare") => {
            let (a, b) = (load(&args[1]), load(&args[2]));
            let scale: f64 = args.get(3).map_or(1.0, |s| s.parse().expect("KICK"));
            let dp = bulb::max_population_difference(&a, &b) / scale;
            println!(
                "max |dP| {dp:.3e}{}",
                if scale != 1.0 { " (per unit kick)" } else { "" }
            );
        }
        _ => eprintln!(
            "usage: run BINS END_KM TOL cf4|afm OUT [KICK] | compare A B [KICK] | start BINS TOL OUT | far BINS START cf4|dop853|projected TOL OUT"
        ),
    }
}
