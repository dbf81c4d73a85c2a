//! How well each term of `magnus`'s error estimate predicts the true local error of the steps
//! it limits (issue 15 item 3): every accepted step of a run at `rtol` is redone alone
//! (`diagnose_step`) and compared with `magnus` at rtol 1e-13 over the same interval; the
//! table gives, per case and per limiting indicator, how many steps it limits and the
//! quantiles of estimate / true error ("cluster": the Filon indicator, where its largest
//! share comes from a pair inside a cluster of nearly degenerate levels).
//!
//! `cargo run --release --features tools --example indicator_calibration [-- RTOL [CASE...]]`
//!
//! CASE `bs05-E` is the BS05 Sun from one start point at E MeV (any E); `snshock-no-E` and
//! `snshock-io-E` are the shocked supernova of `examples/tolerance_sweep.rs` (the same model:
//! Majorana, NuFIT 5.2, μ_eμ = 1e-12 μ_B) at E MeV. With `NUSPIN_CALIBRATION_STEPS` set,
//! every step is printed with its estimate and true error.

#[path = "../tests/evolve_common/mod.rs"]
mod evolve_common;

use evolve_common::*;
use nuspin::evolve::magnus::diagnose_step;
use nuspin::evolve::{solve, Method, Record};
use nuspin::hamiltonian::{MediumHamiltonian, PathHamiltonian};
use nuspin::medium::{Interpolation, SolarMedium, SolarModel};
use nuspin::mixing::{Mixing, Preset};
use nuspin::prelude::*;
use nuspin::units::R_SUN_KM;

const NAMES: [&str; 6] = ["phase", "filon", "slow", "chirp", "kink", "cluster"];

fn max_abs<const D: usize>(m: &CMat<D>) -> f64 {
    m.iter().map(|z| z.norm()).fold(0.0, f64::max)
}

fn quantile(v: &mut [f64], q: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * q).round() as usize]
}

fn report(name: &str, h: &dyn PathHamiltonian<6>, a: f64, b: f64, rtol: f64) {
    let sol = solve(h, a, b, &Record::AllSteps, &opts(Method::Magnus, rtol)).expect("magnus");
    let mut ratios: [Vec<f64>; 6] = Default::default();
    // The weights the step's error estimate gives the indicators (src/evolve/adiabatic.rs).
    let weights = [0.004, 1.0, 1.0, 1.0, 2.0];
    let (mut sum_true, mut sum_est) = (0.0, 0.0);
    let print_steps = std::env::var_os("NUSPIN_CALIBRATION_STEPS").is_some();
    // With the steps printed: the global error of the propagator at each step's end, against
    // `magnus` at rtol 1e-12 landing on the same points (where along the track it grows).
    let global: Vec<f64> = if print_steps {
        let points = Record::Points(sol.x_km[1..].to_vec());
        let t = solve(h, a, b, &points, &opts(Method::Magnus, 1e-12)).expect("global reference");
        (0..sol.x_km.len() - 1)
            .map(|k| max_abs(&(sol.propagators[k + 1] - t.propagators[k])))
            .collect()
    } else {
        Vec::new()
    };
    for (k, w) in sol.x_km.windows(2).enumerate() {
        let (x0, x1) = (w[0], w[1]);
        let reference = solve(h, x0, x1, &Record::End, &opts(Method::Magnus, 1e-13))
            .expect("reference")
            .propagators[0];
        let Some((s, parts)) = diagnose_step(h, x0, x1, rtol).expect("eval") else {
            continue;
        };
        let truth = max_abs(&(s - reference)).max(1e-16);
        sum_true += truth;
        let weighted: [f64; 5] = std::array::from_fn(|i| parts[i] * weights[i]);
        let (mut i, est) =
            weighted
                .iter()
                .enumerate()
                .fold((0, 0.0), |m, (i, &e)| if e > m.1 { (i, e) } else { m });
        if i == 1 && parts[5] >= parts[1] {
            i = 5;
        }
        sum_est += est;
        if print_steps {
            println!(
                "  step {x0:.6e}..{x1:.6e}: {} est/rtol {:.3} true/rtol {:.3} global/rtol {:.3}",
                NAMES[i],
                est / rtol,
                truth / rtol,
                global[k] / rtol
            );
        }
        ratios[i].push(est / truth);
    }
    // The whole track's |ΔP| against `magnus` at rtol 1e-12, next to the sums of the steps'
    // true local errors and of their estimates: how much of the sum reaches the end.
    let reference = solve(h, a, b, &Record::End, &opts(Method::Magnus, 1e-12)).expect("reference");
    println!(
        "{name} rtol {rtol:.0e}: {} steps, sum of true local errors / rtol {:.3}, \
         sum of estimates / rtol {:.1}, global max |ΔP| / rtol {:.3}",
        sol.stats.accepted,
        sum_true / rtol,
        sum_est / rtol,
        max_dp(&last(&sol), &last(&reference)) / rtol
    );
    for (i, r) in ratios.iter_mut().enumerate() {
        if !r.is_empty() {
            let n = r.len();
            println!(
                "  {:6} limits {n:5}: est/true min {:.2e} q10 {:.2e} median {:.2e} q90 {:.2e}",
                NAMES[i],
                quantile(r, 0.0),
                quantile(r, 0.1),
                quantile(r, 0.5),
                quantile(r, 0.9)
            );
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rtol: f64 = args.first().map_or(1e-6, |s| s.parse().expect("rtol"));
    let only = &args[args.len().min(1)..];
    let want = |n: &str| only.is_empty() || only.iter().any(|o| o == n);
    let dirac_mu = model3(Basis::DiracNeutrino, Some(("e_mu", 1e-11)));
    let dirac = model3(Basis::DiracNeutrino, None);
    let maj = model3(Basis::Majorana, Some(("e_mu", 1e-12)));
    let start = 0.05 * R_SUN_KM;
    if want("sn20") {
        let sn = supernova(1e10, None, 1.0);
        report("sn20", &ham::<6>(&maj, 20.0, &sn), 1e4, 1e6, rtol);
    }
    if want("sun10") {
        let sun = exp_sun(0.0, 0.0);
        report(
            "sun10",
            &ham::<6>(&dirac, 10.0, &sun),
            start,
            R_SUN_KM,
            rtol,
        );
    }
    if want("sun10-field") {
        let sun = exp_sun(1e5, 1e-5);
        let h = ham::<6>(&dirac_mu, 10.0, &sun);
        report("sun10-field", &h, start, R_SUN_KM, rtol);
    }
    if want("table300-field") {
        let table = exp_sun_table(300, 1e5, 1e-5, Interpolation::Linear);
        let h = MediumHamiltonian::new(EnergyHamiltonian::<6>::new(&dirac_mu, 10e6), &table);
        report("table300-field", &h, start, R_SUN_KM, rtol);
    }
    // `snshock-no-E` / `snshock-io-E`: the sweep's shocked supernova at E MeV.
    for o in only {
        let Some((ordering, e)) = o.strip_prefix("snshock-").and_then(|t| t.split_once('-')) else {
            continue;
        };
        let preset = if ordering == "io" {
            Preset::Nufit52Io
        } else {
            Preset::Nufit52No
        };
        let mixing = Mixing::from_preset(preset, 0.01, &[]).expect("preset");
        let mu = moments(Basis::Majorana.nature(), &mixing, "e_mu", 1e-12);
        let m = Model::new(Basis::Majorana, mixing, mu);
        let shock = supernova(1e10, Some(3e5), 10.0);
        let e_mev: f64 = e.parse().expect("energy");
        report(o, &ham::<6>(&m, e_mev, &shock), 1e4, 1e6, rtol);
    }
    // `bs05-E`: the BS05 Sun at E MeV (any E given on the command line; 3 and 10 by default).
    let mut bs05_mev: Vec<f64> = only
        .iter()
        .filter_map(|o| o.strip_prefix("bs05-")?.parse().ok())
        .collect();
    if only.is_empty() {
        bs05_mev = vec![3.0, 10.0];
    }
    for e_mev in bs05_mev {
        let name = format!("bs05-{e_mev}");
        {
            let bs05 = SolarMedium::new(SolarModel::Bs05, 0.05, None).expect("bs05");
            let h = MediumHamiltonian::new(EnergyHamiltonian::<6>::new(&dirac, e_mev * 1e6), &bs05);
            report(&name, &h, start, R_SUN_KM, rtol);
        }
    }
}
