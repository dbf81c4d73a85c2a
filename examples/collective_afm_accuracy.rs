//! Accuracy of the adiabatic-frame stepper (AFM, then CF4) against CF4 at the same tolerance,
//! both judged against a reference run, on the reference bulb (Majorana, 2 flavours, vacuum, no
//! moment) from R_ν to a radius before the swap amplifies differences (BENCHMARKS.md,
//! "Collective, stop 29").
//! `cargo run --release --features tools --example collective_afm_accuracy -- BINS END_KM TOL REF [REF_TOL]`
//! with REF `cf4` (CF4 at REF_TOL, default 1e-12) or `dop853` (DOP853 at rtol REF_TOL).
//! Prints, per run: steps, user-visible CPU of this thread, and max |ΔP| (the largest
//! difference of a normalised population ρ_jj / Tr(block) of any ν or ν̄ of any bin).

use std::time::Instant;

use nuspin::collective::{
    solve_afm_then_lie, solve_dop853_collective, solve_lie, AfmOptions, CollectiveState,
    EnergyBins, LieOptions, ReferenceOptions,
};
use nuspin::hamiltonian::CMat;
use nuspin::reference::bulb;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize, default: &str| args.get(i).cloned().unwrap_or_else(|| default.into());
    let nbins: usize = arg(1, "100").parse().unwrap();
    let end_km: f64 = arg(2, "20").parse().unwrap();
    let tol: f64 = arg(3, "1e-6").parse().unwrap();
    let reference = arg(4, "cf4");
    let ref_tol: f64 = arg(5, "1e-12").parse().unwrap();
    let medium = bulb::vacuum();
    let problem = bulb::majorana_problem(&medium, &EnergyBins::uniform(nbins, 80.0));
    let start = CollectiveState::initial(&problem, bulb::emission().r_nu_km);
    let lie = |tol: f64| LieOptions {
        tol,
        ..LieOptions::default()
    };

    let t = Instant::now();
    let exact = match reference.as_str() {
        "dop853" => {
            let options = ReferenceOptions {
                rtol: ref_tol,
                atol: 1e-3 * ref_tol,
                ..ReferenceOptions::default()
            };
            let sol = solve_dop853_collective(&problem, start.clone(), end_km, &[], &options)
                .expect("DOP853 reference");
            println!(
                "reference DOP853 rtol {ref_tol:e}: {:?}, {:.1} s",
                sol.stats,
                t.elapsed().as_secs_f64()
            );
            sol.records.last().unwrap().rho.clone()
        }
        _ => {
            let sol = solve_lie(&problem, start.clone(), end_km, &[], &lie(ref_tol))
                .expect("CF4 reference");
            println!(
                "reference CF4 tol {ref_tol:e}: {:?}, {:.1} s",
                sol.stats,
                t.elapsed().as_secs_f64()
            );
            sol.records.last().unwrap().rho.clone()
        }
    };

    let t = Instant::now();
    let (afm, stats) = solve_afm_then_lie(
        &problem,
        start.clone(),
        end_km,
        &[],
        &lie(tol),
        &AfmOptions::default(),
        &|| false,
    )
    .expect("AFM + CF4");
    let afm_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let cf4 = solve_lie(&problem, start, end_km, &[], &lie(tol)).expect("CF4");
    let cf4_s = t.elapsed().as_secs_f64();
    let dp = |rho: &[CMat<4>]| bulb::max_population_difference(rho, &exact);
    println!(
        "{nbins} bins, R_nu -> {end_km} km, tol {tol:e}:\n  AFM + CF4: AFM {stats:?}, CF4 {:?}, {afm_s:.1} s, max |dP| {:.2e}\n  CF4 alone: {:?}, {cf4_s:.1} s, max |dP| {:.2e}",
        afm.stats,
        dp(&afm.records.last().unwrap().rho),
        cf4.stats,
        dp(&cf4.records.last().unwrap().rho),
    );
}
