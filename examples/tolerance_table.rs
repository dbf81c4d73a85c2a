//! Tolerance proportionality of `magnus` (issue 15 item 3): the achieved global max |ΔP| over
//! rtol at rtol 1e-5 … 1e-8 on the long-track cases, against truths cached in the directory
//! `$NUSPIN_TRUTH_DIR` (default /tmp/nuspin-truth; computed on first use, minutes per case):
//!
//! `cargo run --release --features tools --example tolerance_table [-- CASE...]`
//!
//! The truth of every case is DOP853 at rtol 1e-12 (`dop`), and, because over a whole Sun
//! that carries a few 1e-8 of its own error (too much to measure rtol 1e-8 against), also
//! `magnus` at rtol 1e-12 (`self`), whose difference from the DOP853 one is printed. The
//! table prints achieved/rtol against both.

#[path = "../tests/evolve_common/mod.rs"]
mod evolve_common;

use evolve_common::*;
use nuspin::evolve::{averaged_probabilities, solve, Method, Record, SolverOptions, Stats};
use nuspin::hamiltonian::{MediumHamiltonian, PathHamiltonian};
use nuspin::medium::{production_average_nodes, Interpolation, SolarMedium, SolarModel};
use nuspin::prelude::*;
use nuspin::units::R_SUN_KM;

type P = [[f64; 6]; 6];

/// P at the end of one track, or averaged over weighted start points.
fn probs(
    h: &dyn PathHamiltonian<6>,
    starts: &[(f64, f64)],
    end_km: f64,
    options: &SolverOptions,
) -> (P, Stats) {
    if starts.len() == 1 {
        let s = solve(h, starts[0].0, end_km, &Record::End, options).expect("solve");
        (probabilities(&last(&s)), s.stats)
    } else {
        averaged_probabilities(h, starts, end_km, options).expect("solve")
    }
}

fn truth_options(method: Method) -> SolverOptions {
    SolverOptions {
        max_steps: 200_000_000,
        ..opts(method, 1e-12)
    }
}

fn main() {
    let only: Vec<String> = std::env::args().skip(1).collect();
    let maj = model3(Basis::Majorana, Some(("e_mu", 1e-12)));
    let dirac_mu = model3(Basis::DiracNeutrino, Some(("e_mu", 1e-11)));
    let dirac = model3(Basis::DiracNeutrino, None);
    let smooth = supernova(1e10, None, 1.0);
    let shock = supernova(1e10, Some(3e5), 10.0);
    let sun_b = exp_sun(1e5, 1e-5);
    let sun = exp_sun(0.0, 0.0);
    let table = exp_sun_table(300, 1e5, 1e-5, Interpolation::Linear);
    let bs05 = SolarMedium::new(SolarModel::Bs05, 0.05, None).expect("bs05");
    let production: Vec<(f64, f64)> = production_average_nodes(8)
        .into_iter()
        .map(|(r, w)| (r * R_SUN_KM, w))
        .collect();
    let one = |r: f64| vec![(r, 1.0)];
    type Case<'a> = (
        &'a str,
        Box<dyn PathHamiltonian<6> + 'a>,
        Vec<(f64, f64)>,
        f64,
    );
    let cases: Vec<Case> = vec![
        (
            "sn10",
            Box::new(ham::<6>(&maj, 10.0, &smooth)),
            one(1e4),
            1e6,
        ),
        (
            "sn20",
            Box::new(ham::<6>(&maj, 20.0, &smooth)),
            one(1e4),
            1e6,
        ),
        (
            "snshock20",
            Box::new(ham::<6>(&maj, 20.0, &shock)),
            one(1e4),
            1e6,
        ),
        (
            "sun10-field",
            Box::new(ham::<6>(&dirac_mu, 10.0, &sun_b)),
            one(0.05 * R_SUN_KM),
            R_SUN_KM,
        ),
        (
            "sun2",
            Box::new(ham::<6>(&dirac, 2.0, &sun)),
            one(0.05 * R_SUN_KM),
            R_SUN_KM,
        ),
        (
            "sun10",
            Box::new(ham::<6>(&dirac, 10.0, &sun)),
            one(0.05 * R_SUN_KM),
            R_SUN_KM,
        ),
        (
            "table300-field",
            Box::new(MediumHamiltonian::new(
                EnergyHamiltonian::<6>::new(&dirac_mu, 10e6),
                &table,
            )),
            one(0.05 * R_SUN_KM),
            R_SUN_KM,
        ),
        (
            "bs05-8b-3",
            Box::new(MediumHamiltonian::new(
                EnergyHamiltonian::<6>::new(&dirac, 3e6),
                &bs05,
            )),
            production.clone(),
            R_SUN_KM,
        ),
        (
            "bs05-8b-10",
            Box::new(MediumHamiltonian::new(
                EnergyHamiltonian::<6>::new(&dirac, 10e6),
                &bs05,
            )),
            production.clone(),
            R_SUN_KM,
        ),
        (
            "bs05-one-3",
            Box::new(MediumHamiltonian::new(
                EnergyHamiltonian::<6>::new(&dirac, 3e6),
                &bs05,
            )),
            one(0.05 * R_SUN_KM),
            R_SUN_KM,
        ),
        (
            "bs05-one-10",
            Box::new(MediumHamiltonian::new(
                EnergyHamiltonian::<6>::new(&dirac, 10e6),
                &bs05,
            )),
            one(0.05 * R_SUN_KM),
            R_SUN_KM,
        ),
    ];
    println!("case | dop vs self | rtol | steps | achieved/rtol (dop) | achieved/rtol (self)");
    for (name, h, starts, end) in &cases {
        if !only.is_empty() && !only.iter().any(|o| o == name) {
            continue;
        }
        let dop = cached_truth(&format!("{name}-dop"), || {
            probs(h.as_ref(), starts, *end, &truth_options(Method::Dop853)).0
        });
        let own = cached_truth(&format!("{name}-self"), || {
            probs(h.as_ref(), starts, *end, &truth_options(Method::Magnus)).0
        });
        let gap = max_diff(&dop, &own);
        for rtol in [1e-5, 1e-6, 1e-7, 1e-8] {
            let (p, stats) = probs(h.as_ref(), starts, *end, &opts(Method::Magnus, rtol));
            println!(
                "{name} | {gap:.1e} | {rtol:.0e} | {} | {:.3} | {:.3}",
                stats.accepted,
                max_diff(&p, &dop) / rtol,
                max_diff(&p, &own) / rtol
            );
        }
    }
}
