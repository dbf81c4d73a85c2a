//! Transition-moment scan in the reference bulb (docs/collective.md, "The reference set-ups"; no
//! matter), for the de Gouvêa–Shalgar configurations: μ from 1e-21 to 1e-15 μ_B, B₀ = 1e12 or
//! 1e15 G at R_ν falling as r⁻² or r⁻³. Prints, per case, the change of the final spectra
//! against μ = 0.
//! `cargo run --release --example collective_moment_scan -- [bins] [tol] [dm2_ev2] [no-trace|dirac]`.

use std::time::Instant;

use nuspin::basis::Nature;
use nuspin::collective::observables::{helicity_flip_fraction, trace_p};
use nuspin::collective::{solve_lie, CollectiveProblem, CollectiveState, EnergyBins, LieOptions};
use nuspin::hamiltonian::CMat;
use nuspin::reference::bulb;

struct Outcome {
    pops: Vec<[f64; 4]>,
    trace_p: f64,
    flip: f64,
    steps: u64,
    wall_s: f64,
}

#[derive(Clone, Copy)]
struct Case {
    nature: Nature,
    trace: bool,
}

fn run(
    bins: &EnergyBins,
    tol: f64,
    mu_mub: f64,
    b0: f64,
    n: f64,
    dm2: f64,
    case: &Case,
) -> Outcome {
    let Case { nature, trace } = *case;
    let mixing = bulb::mixing_with_dm2(dm2);
    let moments = bulb::transition_moment(nature, &mixing, mu_mub);
    let medium = bulb::envelope(0.0, b0, n);
    let emission = bulb::emission();
    let problem =
        CollectiveProblem::<4>::bulb(nature, &mixing, &moments, &medium, &emission, bins).unwrap();
    let problem = if trace {
        problem
    } else {
        problem.without_trace_term()
    };
    let t = Instant::now();
    let sol = solve_lie(
        &problem,
        CollectiveState::initial(&problem, 10.0),
        1000.0,
        &[],
        &LieOptions {
            tol,
            ..LieOptions::default()
        },
    )
    .unwrap();
    let last = sol.records.last().unwrap();
    let norm = |r: &CMat<4>, d: &[f64; 4]| -> [f64; 4] {
        let tr: f64 = d.iter().sum();
        std::array::from_fn(|i| r[(i, i)].re / tr)
    };
    Outcome {
        pops: last
            .rho
            .iter()
            .zip(problem.initial_diagonal())
            .map(|(r, d)| norm(r, d))
            .collect(),
        trace_p: trace_p(&problem, &last.rho) / trace_p(&problem, &problem.initial_state()),
        flip: helicity_flip_fraction(&problem, &last.rho),
        steps: sol.stats.accepted + sol.stats.rejected,
        wall_s: t.elapsed().as_secs_f64(),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let nbins: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(20);
    let tol: f64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1e-8);
    let dm2: f64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(-3e-3);
    let bins = EnergyBins::uniform(nbins, 80.0);
    let mode = args.get(4).map(|s| s.as_str()).unwrap_or("");
    let trace = mode != "no-trace";
    let nature = if mode == "dirac" {
        Nature::Dirac
    } else {
        Nature::Majorana
    };
    let case = Case { nature, trace };
    let cases: Vec<(f64, f64, f64)> = if mode == "dirac" {
        vec![(1e-15, 1e15, 2.0), (1e-21, 1e15, 2.0)]
    } else if trace {
        vec![
            (1e-15, 1e15, 2.0),
            (1e-15, 1e12, 2.0),
            (1e-15, 1e12, 3.0),
            (1e-18, 1e15, 2.0),
            (1e-21, 1e15, 2.0),
            (1e-21, 1e15, 3.0),
            (1e-21, 1e12, 2.0),
            (1e-15, 1e15, 3.0),
            (1e-18, 1e12, 2.0),
        ]
    } else {
        // The pitfall of dropping the trace term Tr(P) 1 (docs/collective.md, "The model"): the
        // same strong and weak cases without it.
        vec![(1e-15, 1e15, 2.0), (1e-15, 1e12, 2.0), (1e-21, 1e15, 2.0)]
    };
    let base = run(&bins, tol, 0.0, 0.0, 2.0, dm2, &case);
    println!(
        "baseline (mu = 0): Tr P ratio {:.6}, {} steps, {:.1} s",
        base.trace_p, base.steps, base.wall_s
    );
    println!("mu_muB   B0_G   n  TrP/TrP0  flip_frac  max|dpop|  steps  wall_s");
    for &(mu, b0, n) in &cases {
        let o = run(&bins, tol, mu, b0, n, dm2, &case);
        let dpop = o
            .pops
            .iter()
            .zip(&base.pops)
            .flat_map(|(a, b)| (0..4).map(move |i| (a[i] - b[i]).abs()))
            .fold(0.0, f64::max);
        println!(
            "{mu:.0e} {b0:.0e} {n} {:.6} {:.3e} {dpop:.3e} {} {:.1}",
            o.trace_p, o.flip, o.steps, o.wall_s
        );
    }
}
