//! `magnus` keeps its tolerance in a turbulent medium with a 1 km short cut-off (stop 28):
//! P from `magnus` at rtol 1e-6 against `dop853` at rtol 1e-11 on the same realisation, on
//! the stretch behind the reverse shock where the turbulence starts (the envelope's one-sided
//! slope and the phase indicator's weight for an unresolved λ), and the flavour-frame
//! fallback's estimate on a coupling that a quadratic through its Gauss points cannot follow.

use std::path::Path;

use num_complex::Complex64;
use nuspin::evolve::flavour::{gauss_defect, magnus46, GAUSS3};
use nuspin::evolve::{solve, Method, Record, SolverOptions};
use nuspin::hamiltonian::{CMat, EnergyHamiltonian, MediumHamiltonian, PathHamiltonian};
use nuspin::linalg::exp_minus_i_h_t;
use nuspin::medium::Side;
use nuspin::reference::turbulence::{density_table, supernova_toml};
use nuspin::scenario::parse;
use nuspin::units::mev_to_ev;

fn max_abs<const D: usize>(m: &CMat<D>) -> f64 {
    m.iter().map(|z| z.norm()).fold(0.0, f64::max)
}

#[test]
fn magnus_keeps_rtol_behind_the_reverse_shock_at_a_1_km_cut_off() {
    let text = supernova_toml("magnus", &[10.0], &density_table(0.1, 1000.0, 1.0));
    let s = parse(Path::new("turbulence_tolerance.toml"), &text).expect("valid scenario");
    let eh = EnergyHamiltonian::<6>::new(&s.model, mev_to_ev(10.0));
    let h = MediumHamiltonian::new(eh, s.medium.as_ref());
    let o = |method, rtol: f64| SolverOptions {
        method,
        rtol,
        atol: rtol * 1e-2,
        ..SolverOptions::default()
    };
    // From before the shock at 1.2e4 km into the turbulence.
    let (a, b) = (1.19e4, 1.23e4);
    let p = |m: &CMat<6>| CMat::<6>::from_fn(|i, j| Complex64::new(m[(i, j)].norm_sqr(), 0.0));
    let truth = solve(&h, a, b, &Record::End, &o(Method::Dop853, 1e-11)).expect("dop853");
    let got = solve(&h, a, b, &Record::End, &o(Method::Magnus, 1e-6)).expect("magnus");
    let dp = max_abs(&(p(&got.propagators[0]) - p(&truth.propagators[0])));
    assert!(dp <= 1e-6, "max |ΔP| {dp:.2e} > rtol 1e-6");
}

#[test]
fn the_fallback_step_that_was_accepted_at_1e_minus_6_is_now_rejected() {
    // One of the flavour-frame fallback steps the driver took on the whole track (10 MeV,
    // C* 0.1, λ* 1000 km, 1 km cut-off; the fallback takes over where the adiabatic step,
    // about 0.02 km at the resonance, falls below 1e-6 of the 2.8e4 km segment): its true
    // error was 1.3e-4 while |Ω₆ − Ω₄| said 6.7e-7.
    let text = supernova_toml("magnus", &[10.0], &density_table(0.1, 1000.0, 1.0));
    let s = parse(Path::new("turbulence_tolerance.toml"), &text).expect("valid scenario");
    let eh = EnergyHamiltonian::<6>::new(&s.model, mev_to_ev(10.0));
    let path = MediumHamiltonian::new(eh, s.medium.as_ref());
    let (x0, h) = (2.891382e4, 1.387);
    let o = SolverOptions {
        method: Method::Dop853,
        rtol: 1e-12,
        atol: 1e-14,
        ..SolverOptions::default()
    };
    let truth = solve(&path, x0, x0 + h, &Record::End, &o).expect("dop853");
    let at = |x: f64| path.h(x, Side::Right).expect("H");
    let hs: [CMat<6>; 3] = std::array::from_fn(|g| at(x0 + (0.5 + GAUSS3[g]) * h));
    let (o4, o6) = magnus46(&hs, h);
    let err = max_abs(&(exp_minus_i_h_t(&(o6 * Complex64::i()), 1.0) - truth.propagators[0]));
    let blind = max_abs(&(o6 - o4));
    let seen = gauss_defect(&hs, [&at(x0), &at(x0 + h)], h);
    assert!(
        err > 1e-5 && blind < 1e-6,
        "true {err:.2e}, |Ω₆ − Ω₄| {blind:.2e}"
    );
    assert!(
        seen >= err,
        "the defect {seen:.2e} under the true error {err:.2e}"
    );
}

#[test]
fn the_fallback_estimate_sees_a_coupling_its_gauss_points_alias() {
    // A fixed mixing and a potential on the first state that oscillates with ε cos(k x), as
    // density turbulence does V_CC: a step of 1.4 wavelengths (the 1 km turbulence against
    // the fallback's 1.5-rad steps).
    let (eps, k) = (0.02, std::f64::consts::TAU);
    let hx = |x: f64| {
        let mut m = CMat::<2>::zeros();
        m[(0, 0)] = Complex64::new(0.5 + eps * (k * x).cos(), 0.0);
        m[(1, 1)] = Complex64::new(-0.5, 0.0);
        m[(0, 1)] = Complex64::new(0.1, 0.0);
        m[(1, 0)] = Complex64::new(0.1, 0.0);
        m
    };
    let (x0, h) = (0.3, 1.4);
    // The truth: many Magnus-6 substeps.
    let n = 4000;
    let mut truth = CMat::<2>::identity();
    for j in 0..n {
        let hs = h / n as f64;
        let xm = x0 + (j as f64 + 0.5) * hs;
        let (_, o6) = magnus46(&std::array::from_fn(|g| hx(xm + GAUSS3[g] * hs)), hs);
        truth = exp_minus_i_h_t(&(o6 * Complex64::i()), 1.0) * truth;
    }
    let xm = x0 + 0.5 * h;
    let hs: [CMat<2>; 3] = std::array::from_fn(|g| hx(xm + GAUSS3[g] * h));
    let (o4, o6) = magnus46(&hs, h);
    let err = max_abs(&(exp_minus_i_h_t(&(o6 * Complex64::i()), 1.0) - truth));
    let blind = max_abs(&(o6 - o4));
    let seen = gauss_defect(&hs, [&hx(x0), &hx(x0 + h)], h);
    assert!(blind < 0.2 * err, "|Ω₆ − Ω₄| {blind:.2e} against {err:.2e}");
    assert!(
        seen >= err,
        "the defect {seen:.2e} under the true error {err:.2e}"
    );
}

#[test]
fn the_density_clamp_is_declared_as_kinks_and_magnus_keeps_rtol_across_one() {
    // C* = 0.3, 1 km: 1 + C*Fδ reaches 0 beside the resonance (10.7 km clamped near
    // 2.62e4 km); undeclared, those kinks cost |ΔP| 1.2e-2 at any rtol.
    let text = supernova_toml("magnus", &[10.0], &density_table(0.3, 1000.0, 1.0));
    let s = parse(Path::new("turbulence_tolerance.toml"), &text).expect("valid scenario");
    let kinks = s.medium.kinks();
    let inside: Vec<f64> = kinks
        .iter()
        .copied()
        .filter(|k| (2.6e4..2.65e4).contains(k))
        .collect();
    assert!(inside.len() >= 2, "clamp kinks near 2.62e4 km: {inside:?}");
    let ne = |x: f64| s.medium.point(x, Side::Right).expect("point").ne_cm3;
    for &k in &inside {
        let around = ne(k - 0.05).max(ne(k + 0.05));
        assert!(
            ne(k) <= 1e-9 * around,
            "n_e at the kink {k} km: {:e}",
            ne(k)
        );
    }
    // magnus across the first clamped stretch against dop853.
    let eh = EnergyHamiltonian::<6>::new(&s.model, mev_to_ev(10.0));
    let h = MediumHamiltonian::new(eh, s.medium.as_ref());
    let (a, b) = (inside[0] - 3.0, inside[1] + 3.0);
    let o = |method, rtol: f64| SolverOptions {
        method,
        rtol,
        atol: rtol * 1e-2,
        ..SolverOptions::default()
    };
    let truth = solve(&h, a, b, &Record::End, &o(Method::Dop853, 1e-11)).expect("dop853");
    let got = solve(&h, a, b, &Record::End, &o(Method::Magnus, 1e-6)).expect("magnus");
    let err = max_abs(&(got.propagators[0] - truth.propagators[0]));
    assert!(err <= 1e-5, "max |ΔS| {err:.2e} across the clamp");
}
