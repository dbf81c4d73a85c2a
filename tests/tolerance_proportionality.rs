//! Tolerance proportionality of `magnus` (issue 15 item 3): the achieved global max |ΔP| over
//! a long track, divided by rtol, at rtol 1e-5 … 1e-8, must never exceed 1, and on the smooth
//! Sun, where the calibrated phase indicator limits the steps, must not fall below 0.1.
//!
//! The reference of the default tests is `magnus` at rtol 1e-12 (seconds): over a whole Sun a
//! DOP853 reference at rtol 1e-12 carries 1e-8–6e-7 of its own error (too much to judge
//! rtol 1e-7 and 1e-8 against) and takes minutes per case; the ignored test checks the same
//! cases against DOP853 at rtol 1e-5 and 1e-6, where its own error is small enough.
//! `examples/tolerance_table.rs` prints the full table (BENCHMARKS.md).

mod evolve_common;
use evolve_common::*;
use nuspin::evolve::{averaged_probabilities, solve, Method, Record, SolverOptions};
use nuspin::hamiltonian::{MediumHamiltonian, PathHamiltonian};
use nuspin::medium::{production_average_nodes, SolarMedium, SolarModel};
use nuspin::prelude::*;
use nuspin::units::R_SUN_KM;

type P = [[f64; 6]; 6];

fn probs(h: &dyn PathHamiltonian<6>, starts: &[(f64, f64)], end_km: f64, o: &SolverOptions) -> P {
    if starts.len() == 1 {
        let s = solve(h, starts[0].0, end_km, &Record::End, o).expect("solve");
        probabilities(&last(&s))
    } else {
        averaged_probabilities(h, starts, end_km, o)
            .expect("solve")
            .0
    }
}

fn truth(method: Method) -> SolverOptions {
    SolverOptions {
        max_steps: 200_000_000,
        ..opts(method, 1e-12)
    }
}

/// achieved/rtol at each of `rtols` against the reference `method` at rtol 1e-12.
fn ratios(
    h: &dyn PathHamiltonian<6>,
    starts: &[(f64, f64)],
    end_km: f64,
    reference: Method,
    rtols: &[f64],
) -> Vec<f64> {
    let p_ref = probs(h, starts, end_km, &truth(reference));
    let r: Vec<f64> = rtols
        .iter()
        .map(|&rtol| {
            max_diff(
                &probs(h, starts, end_km, &opts(Method::Magnus, rtol)),
                &p_ref,
            ) / rtol
        })
        .collect();
    // Printed (`--nocapture`) so that the achieved/rtol of each case can be reported.
    println!("achieved/rtol at {rtols:?}: {r:.3?}");
    r
}

const RTOLS: [f64; 4] = [1e-5, 1e-6, 1e-7, 1e-8];

#[test]
fn smooth_sun_lands_between_a_tenth_of_rtol_and_rtol() {
    let dirac = model3(Basis::DiracNeutrino, None);
    let sun = exp_sun(0.0, 0.0);
    for e_mev in [2.0, 10.0] {
        assert_sun_in_band(
            &format!("exp. Sun {e_mev} MeV"),
            &ham::<6>(&dirac, e_mev, &sun),
        );
    }
}

/// achieved/rtol ∈ [0.1, 1] at every rtol of [`RTOLS`] from 0.05 R_sun to the surface.
fn assert_sun_in_band(name: &str, h: &dyn PathHamiltonian<6>) {
    let r = ratios(
        h,
        &[(0.05 * R_SUN_KM, 1.0)],
        R_SUN_KM,
        Method::Magnus,
        &RTOLS,
    );
    for (rtol, q) in RTOLS.iter().zip(&r) {
        assert!(
            (0.1..=1.0).contains(q),
            "{name}, rtol {rtol:e}: achieved/rtol = {q:.3} not in [0.1, 1]"
        );
    }
}

/// The twisting-field Sun (Dirac 6×6 with μ_eμ): the helicity levels meet at low density
/// and form clusters, whose pairs' quadrature indicator limits most steps; calibrated
/// (`cluster_indicator` in src/evolve/adiabatic.rs) it lands at 0.10–0.17 × rtol (before:
/// 0.022–0.18).
#[test]
#[ignore = "tens of seconds: a 6×6 reference at rtol 1e-12 over 1 300 twisting-field steps"]
fn twisting_field_sun_lands_between_a_tenth_of_rtol_and_rtol() {
    let dirac_mu = model3(Basis::DiracNeutrino, Some(("e_mu", 1e-11)));
    let sun = exp_sun(1e5, 1e-5);
    assert_sun_in_band("twisting-field Sun", &ham::<6>(&dirac_mu, 10.0, &sun));
}

#[test]
fn no_case_exceeds_rtol() {
    let maj = model3(Basis::Majorana, Some(("e_mu", 1e-12)));
    let dirac = model3(Basis::DiracNeutrino, None);
    let shock = supernova(1e10, Some(3e5), 10.0);
    let bs05 = SolarMedium::new(SolarModel::Bs05, 0.05, None).expect("bs05");
    let production: Vec<(f64, f64)> = production_average_nodes(8)
        .into_iter()
        .map(|(r, w)| (r * R_SUN_KM, w))
        .collect();
    let sn = ham::<6>(&maj, 20.0, &shock);
    let sun = MediumHamiltonian::new(EnergyHamiltonian::<6>::new(&dirac, 10e6), &bs05);
    type Case<'a> = (&'a str, &'a dyn PathHamiltonian<6>, Vec<(f64, f64)>, f64);
    let cases: [Case; 2] = [
        ("supernova with shock, 20 MeV", &sn, vec![(1e4, 1.0)], 1e6),
        (
            "BS05 8B production average, 10 MeV",
            &sun,
            production,
            R_SUN_KM,
        ),
    ];
    for (name, h, starts, end_km) in cases {
        let r = ratios(h, &starts, end_km, Method::Magnus, &RTOLS);
        for (rtol, q) in RTOLS.iter().zip(&r) {
            assert!(
                *q <= 1.0,
                "{name}, rtol {rtol:e}: achieved/rtol = {q:.3} > 1"
            );
        }
    }
}

/// The worst cells of the stop-31 sweep (examples/tolerance_sweep.rs): the BS05 Sun from one
/// start point at 20 MeV, where long steps through the dense core carried 3–6 × their
/// estimated error (the secular Ω₂'s linear-phase model, now the chirp indicator's second
/// term); main before it reached 1.9 × rtol at 1e-6 and 4.1 × at 1e-7 here (0.42 and 0.52
/// after). Its reference, `magnus` at rtol 1e-12, differs from `magnus` at 1e-13 by 4e-12.
#[test]
fn bs05_one_start_at_20_mev_stays_below_rtol() {
    let dirac = model3(Basis::DiracNeutrino, None);
    let bs05 = SolarMedium::new(SolarModel::Bs05, 0.05, None).expect("bs05");
    let h = MediumHamiltonian::new(EnergyHamiltonian::<6>::new(&dirac, 20e6), &bs05);
    let rtols = [1e-6, 1e-7];
    let r = ratios(
        &h,
        &[(0.05 * R_SUN_KM, 1.0)],
        R_SUN_KM,
        Method::Magnus,
        &rtols,
    );
    for (rtol, q) in rtols.iter().zip(&r) {
        assert!(
            *q <= 1.0,
            "BS05 one start, 20 MeV, rtol {rtol:e}: achieved/rtol = {q:.3} > 1"
        );
    }
}

/// The worst cell of the stop-31 sweep at rtol 1e-8 (examples/tolerance_sweep.rs): the BS05
/// Sun from one start point, ν, 15.64 MeV (the sweep's grid point). Each step's estimate was
/// ≥ 0.7 × its true local error, but the steps' errors added up to 2.59 × rtol in 227 steps;
/// steps across kinks now meet a tolerance that shrinks like rtol^(5/3) below 1e-6
/// (`kinked_tol_factor`): 0.17 × rtol in 1 047 steps (BENCHMARKS.md, "Issue 15, stop 33").
#[test]
fn bs05_one_start_at_15_6_mev_stays_below_rtol_at_1e_8() {
    let dirac = model3(Basis::DiracNeutrino, None);
    let bs05 = SolarMedium::new(SolarModel::Bs05, 0.05, None).expect("bs05");
    let e_ev = 0.5e6 * 40f64.powf(14.0 / 15.0);
    let h = MediumHamiltonian::new(EnergyHamiltonian::<6>::new(&dirac, e_ev), &bs05);
    let r = ratios(
        &h,
        &[(0.05 * R_SUN_KM, 1.0)],
        R_SUN_KM,
        Method::Magnus,
        &[1e-8],
    );
    assert!(
        r[0] <= 1.0,
        "BS05 one start, 15.64 MeV, rtol 1e-8: achieved/rtol = {:.3} > 1",
        r[0]
    );
}

#[test]
#[ignore = "minutes: DOP853 references at rtol 1e-12 over a whole Sun"]
fn smooth_sun_within_rtol_of_dop853() {
    let dirac = model3(Basis::DiracNeutrino, None);
    let sun = exp_sun(0.0, 0.0);
    let h = ham::<6>(&dirac, 10.0, &sun);
    let rtols = [1e-5, 1e-6];
    let r = ratios(
        &h,
        &[(0.05 * R_SUN_KM, 1.0)],
        R_SUN_KM,
        Method::Dop853,
        &rtols,
    );
    for (rtol, q) in rtols.iter().zip(&r) {
        // DOP853's own error over this track is 9e-8 (BENCHMARKS.md).
        assert!(
            *q <= 1.0 + 1e-7 / rtol,
            "rtol {rtol:e}: achieved/rtol = {q:.3}"
        );
    }
}
