//! The BENCHMARKS.md collective runs: a Majorana single-angle bulb with 200 bins from R_ν to
//! 1000 km, two or three flavours (inverted ordering, no matter, no moment), Lie-group CF4.
//! Prints steps, H evaluations and wall time; run under `/usr/bin/time -v` for memory.
//! `cargo run --release --example collective_bench_run -- [2|3] [bins] [tol] [end_km]`.

use std::time::Instant;

use nuspin::basis::Nature;
use nuspin::collective::{solve_lie, CollectiveProblem, CollectiveState, EnergyBins, LieOptions};
use nuspin::mixing::Mixing;
use nuspin::moments::Moments;
use nuspin::reference::bulb;

fn run<const D: usize>(mixing: &Mixing, bins: &EnergyBins, tol: f64, end_km: f64) {
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
    let t = Instant::now();
    let sol = solve_lie(
        &problem,
        CollectiveState::initial(&problem, 10.0),
        end_km,
        &[],
        &LieOptions {
            tol,
            ..LieOptions::default()
        },
    )
    .unwrap();
    let last = sol.records.last().unwrap();
    let pee_low = last.psi[bins.centres_mev.len() / 20]
        .get((0, 0))
        .unwrap()
        .norm_sqr();
    let pee_high = last.psi[bins.centres_mev.len() / 4]
        .get((0, 0))
        .unwrap()
        .norm_sqr();
    println!(
        "D = {D}, {} bins, tol {tol:e}, R_nu → {end_km} km: {} accepted, {} rejected, {} H evaluations, wall {:.1} s, threads {}; P_ee(nu) at bins {}/{}: {pee_low:.4} {pee_high:.4}",
        bins.centres_mev.len(),
        sol.stats.accepted,
        sol.stats.rejected,
        sol.stats.h_evaluations,
        t.elapsed().as_secs_f64(),
        rayon::current_num_threads(),
        bins.centres_mev.len() / 20,
        bins.centres_mev.len() / 4,
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let flavours: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(2);
    let nbins: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(200);
    let tol: f64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1e-8);
    let end_km: f64 = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(1000.0);
    let bins = EnergyBins::uniform(nbins, 80.0);
    if flavours == 3 {
        run::<6>(&bulb::mixing_three(), &bins, tol, end_km);
    } else {
        run::<4>(&bulb::mixing(), &bins, tol, end_km);
    }
}
