//! Long tracks (docs/integrators.md ("Why this method"), issue 9): the whole exponential Sun and a
//! supernova envelope, 6×6, at the default tolerance: max |ΔP| ≤ 1e-6 against DOP853 at rtol 1e-12
//! in at most 2000 accepted steps per energy. DOP853 needs ~1.5e6 steps (≈ 15–20 s in release) per
//! case, so only three cases run by default; the rest are `#[ignore]` (run with
//! `cargo test --release -- --ignored`).

use crate::evolve_common;
use evolve_common::*;
use nuspin::evolve::{solve, Method, Record, SolverOptions};
use nuspin::prelude::*;
use nuspin::units::R_SUN_KM;

fn long_track(model: &Model, medium: &FnMedium, a: f64, b: f64, e_mev: f64, what: &str) {
    let h = ham::<6>(model, e_mev, medium);
    let m = run(&h, a, b, Method::Magnus, 1e-6);
    // Below ~5 MeV across the Sun DOP853 at rtol 1e-12 carries ~1e-7 of its own error (1.2e-7
    // from rtol 1e-13 at 1 MeV, 18e6 steps), so the truth there is rtol 1e-13 (24e6 steps, more
    // than the default step limit).
    let truth_rtol = if e_mev < 5.0 { 1e-13 } else { 1e-12 };
    let truth = SolverOptions {
        max_steps: 100_000_000,
        ..opts(Method::Dop853, truth_rtol)
    };
    let d = solve(&h, a, b, &Record::End, &truth).expect("the DOP853 truth succeeds");
    let dp = max_dp(&last(&m), &last(&d));
    println!(
        "{what} E = {e_mev} MeV: magnus {:?}, dop853 {:?}, max |ΔP| = {dp:e}",
        m.stats, d.stats
    );
    assert!(dp <= 1e-6, "{what} at {e_mev} MeV: max |ΔP| = {dp:e}");
    assert!(m.stats.accepted <= 2000, "{what}: {:?}", m.stats);
    assert!(m.stats.max_unitarity_error <= 1e-10);
}

#[test]
fn whole_sun_10_mev_twisting_field_and_transition_moment() {
    let model = model3(Basis::DiracNeutrino, Some(("e_mu", 1e-11)));
    long_track(
        &model,
        &exp_sun(1e5, 1e-5),
        0.05 * R_SUN_KM,
        R_SUN_KM,
        10.0,
        "Sun, B twisting",
    );
}

#[test]
fn supernova_with_shock_20_mev() {
    let model = model3(Basis::Majorana, Some(("e_mu", 1e-12)));
    long_track(
        &model,
        &supernova(1e10, Some(3e5), 10.0),
        1e4,
        1e6,
        20.0,
        "supernova, shock",
    );
}

#[test]
#[ignore = "DOP853 truth takes minutes at 1–5 MeV"]
fn whole_sun_all_energies() {
    let plain = model3(Basis::DiracNeutrino, None);
    let moment = model3(Basis::DiracNeutrino, Some(("e_mu", 1e-11)));
    for e in [1.0, 3.0, 10.0] {
        long_track(
            &plain,
            &exp_sun(0.0, 0.0),
            0.05 * R_SUN_KM,
            R_SUN_KM,
            e,
            "Sun",
        );
        long_track(
            &moment,
            &exp_sun(1e5, 1e-5),
            0.05 * R_SUN_KM,
            R_SUN_KM,
            e,
            "Sun, B twisting",
        );
    }
}

/// The smooth envelope at 20 MeV crosses the H resonance with a slow pair advancing ~1.5 rad
/// per step: the case that exposed the slow-pair Ω₂ interpolation error (issue 9; 6.3e-6
/// before the Gauss-point sampling, 1.6e-7 after).
#[test]
fn supernova_without_shock_20_mev() {
    let model = model3(Basis::Majorana, Some(("e_mu", 1e-12)));
    long_track(
        &model,
        &supernova(1e10, None, 1.0),
        1e4,
        1e6,
        20.0,
        "supernova",
    );
}

#[test]
#[ignore = "DOP853 truth ~20 s; the 20 MeV case runs by default"]
fn supernova_without_shock_10_mev() {
    let model = model3(Basis::Majorana, Some(("e_mu", 1e-12)));
    long_track(
        &model,
        &supernova(1e10, None, 1.0),
        1e4,
        1e6,
        10.0,
        "supernova",
    );
}
