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

use std::io::Write;
use std::time::Instant;

use num_complex::Complex64;
use nuspin::collective::{
    solve_afm_then_lie, solve_lie, AfmOptions, CollectiveState, EnergyBins, LieOptions,
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

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("compare") => {
            let (a, b) = (load(&args[1]), load(&args[2]));
            let scale: f64 = args.get(3).map_or(1.0, |s| s.parse().expect("KICK"));
            let dp = bulb::max_population_difference(&a, &b) / scale;
            println!(
                "max |dP| {dp:.3e}{}",
                if scale != 1.0 { " (per unit kick)" } else { "" }
            );
        }
        _ => eprintln!("usage: run BINS END_KM TOL cf4|afm OUT [KICK] | compare A B [KICK]"),
    }
}
