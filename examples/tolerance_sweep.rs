//! "Never above rtol" sweep of `magnus` (issue 15 item 3): the achieved global max |ΔP| over
//! rtol at rtol 1e-5 … 1e-8 on the long-track cases of `examples/tolerance_table.rs`, over an
//! energy grid, for neutrinos and antineutrinos and both mass orderings where the case
//! supports them. The truth is `magnus` at rtol 1e-12 (cached in `$NUSPIN_TRUTH_DIR`, default
//! /tmp/nuspin-truth); `NUSPIN_SWEEP_CHECK=1` also prints its distance from `magnus` at
//! rtol 1e-13, so that the truth's own error is known; `NUSPIN_SWEEP_CHECK=dop853` compares
//! the truths and each rtol with `dop853` at rtol 1e-12 and 1e-13 (minutes per cell on long
//! tracks). `NUSPIN_SWEEP_ONLY=substring` keeps the cells whose name (`case-variant-energy`,
//! e.g. `snshock-maj-io-7.8557`) contains it.
//!
//! `cargo run --release --features tools --example tolerance_sweep -- CASE [N_ENERGIES]`
//!
//! CASE: `bs05-one`, `bs05-8b`, `exp-sun`, `table300`, `snshock`. One output line per
//! (case, variant, energy, rtol): steps, achieved/rtol.

#[path = "../tests/evolve_common/mod.rs"]
mod evolve_common;

use evolve_common::*;
use nuspin::evolve::{averaged_probabilities, solve, Method, Record, SolverOptions};
use nuspin::hamiltonian::{MediumHamiltonian, Model, PathHamiltonian};
use nuspin::medium::{production_average_nodes, Interpolation, Medium, SolarMedium, SolarModel};
use nuspin::mixing::{Mixing, Preset};
use nuspin::moments::Moments;
use nuspin::prelude::*;
use nuspin::units::R_SUN_KM;

type P = [[f64; 6]; 6];

const RTOLS: [f64; 4] = [1e-5, 1e-6, 1e-7, 1e-8];

/// P at the end of one track, or averaged over weighted start points; accepted steps.
fn probs(h: &dyn PathHamiltonian<6>, starts: &[(f64, f64)], end_km: f64, rtol: f64) -> (P, u64) {
    probs_with(Method::Magnus, h, starts, end_km, rtol)
}

/// [`probs`] with any method (the DOP853 check of the truth).
fn probs_with(
    method: Method,
    h: &dyn PathHamiltonian<6>,
    starts: &[(f64, f64)],
    end_km: f64,
    rtol: f64,
) -> (P, u64) {
    let options = SolverOptions {
        max_steps: 200_000_000,
        ..opts(method, rtol)
    };
    if starts.len() == 1 {
        let s = solve(h, starts[0].0, end_km, &Record::End, &options).expect("solve");
        (probabilities(&last(&s)), s.stats.accepted)
    } else {
        let (p, stats) = averaged_probabilities(h, starts, end_km, &options).expect("solve");
        (p, stats.accepted)
    }
}

/// NuFIT 5.2 in either ordering, lightest mass 0.01 eV, with an optional flavour moment.
fn model(basis: Basis, preset: Preset, moment: Option<(&str, f64)>) -> Model {
    let mixing = Mixing::from_preset(preset, 0.01, &[]).expect("preset");
    let moments = match moment {
        Some((key, mu_b)) => moments(basis.nature(), &mixing, key, mu_b),
        None => Moments::zero(),
    };
    Model::new(basis, mixing, moments)
}

/// `n` energies spread geometrically over [lo, hi] MeV.
fn energies(lo_mev: f64, hi_mev: f64, n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| lo_mev * (hi_mev / lo_mev).powf(i as f64 / (n - 1).max(1) as f64))
        .collect()
}

/// One case: every (variant, energy) cell at every rtol of [`RTOLS`].
fn sweep(
    case: &str,
    medium: &dyn Medium,
    variants: &[(&str, Model)],
    energies_mev: &[f64],
    starts: &[(f64, f64)],
    end_km: f64,
) {
    let check = std::env::var("NUSPIN_SWEEP_CHECK").ok();
    let only = std::env::var("NUSPIN_SWEEP_ONLY").unwrap_or_default();
    for (variant, m) in variants {
        for &e_mev in energies_mev {
            let h = MediumHamiltonian::new(EnergyHamiltonian::<6>::new(m, e_mev * 1e6), medium);
            let name = format!("{case}-{variant}-{e_mev:.4}");
            if !name.contains(&only) {
                continue;
            }
            let truth = cached_truth(&format!("sweep-{name}-1e-12"), || {
                probs(&h, starts, end_km, 1e-12).0
            });
            if check.as_deref() == Some("dop853") {
                dop853_check(&name, &h, starts, end_km, &truth);
            } else if check.is_some() {
                let finer = finer_truth(&name, &h, starts, end_km);
                println!(
                    "truth-check {name} |1e-12 - 1e-13| {:.2e}",
                    max_diff(&truth, &finer)
                );
            }
            for rtol in RTOLS {
                let (p, steps) = probs(&h, starts, end_km, rtol);
                println!(
                    "{case} {variant} {e_mev:.4} {rtol:.0e} {steps} {:.4}",
                    max_diff(&p, &truth) / rtol
                );
            }
        }
    }
}

/// `magnus` at rtol 1e-13 on one cell (cached): the check of the 1e-12 truth's own error.
fn finer_truth(name: &str, h: &dyn PathHamiltonian<6>, starts: &[(f64, f64)], end_km: f64) -> P {
    cached_truth(&format!("sweep-{name}-1e-13"), || {
        probs(h, starts, end_km, 1e-13).0
    })
}

/// The truth against DOP853 at rtol 1e-12 and 1e-13 on the same cell, and each rtol's
/// |ΔP| against DOP853 at 1e-13 (`NUSPIN_SWEEP_CHECK=dop853`): a second method, so that a
/// cell above rtol can be told from a truth that is itself off.
fn dop853_check(
    name: &str,
    h: &dyn PathHamiltonian<6>,
    starts: &[(f64, f64)],
    end_km: f64,
    truth: &P,
) {
    let dop = |rtol: f64| {
        cached_truth(&format!("sweep-{name}-dop853-{rtol:.0e}"), || {
            probs_with(Method::Dop853, h, starts, end_km, rtol).0
        })
    };
    let (d12, d13) = (dop(1e-12), dop(1e-13));
    let m13 = finer_truth(name, h, starts, end_km);
    println!(
        "dop853-check {name} |m12 - d13| {:.2e} |m13 - d13| {:.2e} |d12 - d13| {:.2e} |m12 - m13| {:.2e}",
        max_diff(truth, &d13),
        max_diff(&m13, &d13),
        max_diff(&d12, &d13),
        max_diff(truth, &m13)
    );
    for rtol in RTOLS {
        let (p, _) = probs(h, starts, end_km, rtol);
        println!(
            "dop853-check {name} {rtol:.0e} vs d13 {:.4} vs m13 {:.4}",
            max_diff(&p, &d13) / rtol,
            max_diff(&p, &m13) / rtol
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let case = args.first().map(String::as_str).unwrap_or("bs05-one");
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(16);
    let (no, io) = (Preset::Nufit52No, Preset::Nufit52Io);
    let sun_variants = || {
        vec![
            ("nu-no", model(Basis::DiracNeutrino, no, None)),
            ("nubar-no", model(Basis::DiracAntineutrino, no, None)),
            ("nu-io", model(Basis::DiracNeutrino, io, None)),
        ]
    };
    let one_sun = [(0.05 * R_SUN_KM, 1.0)];
    println!("case variant energy_mev rtol steps achieved/rtol");
    match case {
        "bs05-one" | "bs05-8b" => {
            let bs05 = SolarMedium::new(SolarModel::Bs05, 0.05, None).expect("bs05");
            let production: Vec<(f64, f64)> = production_average_nodes(8)
                .into_iter()
                .map(|(r, w)| (r * R_SUN_KM, w))
                .collect();
            let starts: &[(f64, f64)] = if case == "bs05-one" {
                &one_sun
            } else {
                &production
            };
            let e = energies(0.5, 20.0, n);
            sweep(case, &bs05, &sun_variants(), &e, starts, R_SUN_KM);
        }
        "exp-sun" => {
            let e = energies(0.5, 20.0, n);
            sweep(
                case,
                &exp_sun(0.0, 0.0),
                &sun_variants(),
                &e,
                &one_sun,
                R_SUN_KM,
            );
        }
        "table300" => {
            // The case of tolerance_table: Dirac 6×6 with μ_eμ and a twisting B⊥.
            let table = exp_sun_table(300, 1e5, 1e-5, Interpolation::Linear);
            let mu = Some(("e_mu", 1e-11));
            let variants = vec![("nu-no", model(Basis::DiracNeutrino, no, mu))];
            let e = energies(2.0, 20.0, n);
            sweep(case, &table, &variants, &e, &one_sun, R_SUN_KM);
        }
        "snshock" => {
            // Majorana: block B is the antineutrinos, so one solve covers both.
            let shock = supernova(1e10, Some(3e5), 10.0);
            let mu = Some(("e_mu", 1e-12));
            let variants = vec![
                ("maj-no", model(Basis::Majorana, no, mu)),
                ("maj-io", model(Basis::Majorana, io, mu)),
            ];
            let e = energies(5.0, 60.0, n);
            sweep(case, &shock, &variants, &e, &[(1e4, 1.0)], 1e6);
        }
        other => panic!("unknown case {other}"),
    }
}
