//! The integrators against each other and against the varying-media checks of docs/physics.md ("How
//! the physics is checked"), on tracks short enough for a DOP853 truth (docs/integrators.md, "Why
//! this method").

use crate::evolve_common;
use evolve_common::*;
use nuspin::evolve::magnus::solve_magnus_ablated;
use nuspin::evolve::{solve, EvolveError, Method, Record, SolverOptions};
use nuspin::hamiltonian::PathHamiltonian;
use nuspin::medium::Side;
use nuspin::prelude::*;
use nuspin::units::{density_cm3_to_ev3, sqrt2_gf_ev2, AVOGADRO, EV_TO_INV_KM, R_SUN_KM};

const UNITARY: f64 = 1e-10;

fn check_magnus_vs_dop<const D: usize>(
    h: &dyn PathHamiltonian<D>,
    a: f64,
    b: f64,
    what: &str,
) -> u64 {
    let m = run(h, a, b, Method::Magnus, 1e-8);
    let d = run(h, a, b, Method::Dop853, 1e-12);
    let dp = max_dp(&last(&m), &last(&d));
    assert!(
        dp <= 1e-7,
        "{what}: max |ΔP| = {dp:e}, magnus {:?}",
        m.stats
    );
    assert!(
        m.stats.max_unitarity_error <= UNITARY,
        "{what}: {:?}",
        m.stats
    );
    m.stats.accepted
}

#[test]
fn magnus_matches_dop853_on_varying_4x4_and_6x6() {
    let two = Mixing::new(
        OscillationParams::Two(TwoFlavourParams {
            theta_deg: 10.0,
            dm2_ev2: 2.5e-3,
        }),
        0.01,
        &[],
    )
    .expect("mixing");
    let m2 = Model::new(
        Basis::Majorana,
        two.clone(),
        moments(Nature::Majorana, &two, "e_mu", 1e-12),
    );
    let sn = supernova(1e10, None, 1.0);
    check_magnus_vs_dop(
        &ham::<4>(&m2, 20.0, &sn),
        1e4,
        3e4,
        "4x4 Majorana supernova",
    );
    let m3 = model3(Basis::Majorana, Some(("e_mu", 1e-12)));
    check_magnus_vs_dop(
        &ham::<6>(&m3, 20.0, &sn),
        1e4,
        3e4,
        "6x6 Majorana supernova",
    );
    let twist = exp_sun(1e5, 2e-4);
    let md = model3(Basis::DiracNeutrino, Some(("e_mu", 1e-11)));
    check_magnus_vs_dop(
        &ham::<6>(&md, 5.0, &twist),
        2e5,
        2.5e5,
        "6x6 Dirac twisting field",
    );
}

#[test]
fn magnus_matches_layers_on_step_media() {
    let edges = [0.0, 300.0, 450.0, 1000.0, 1200.0, 2000.0];
    let rho = [3.0, 10.0, 5.0, 12.0, 2.5];
    let med = FnMedium {
        profile: Box::new(move |x, side| {
            let mut i = edges.partition_point(|&e| e < x).saturating_sub(1);
            if side == Side::Right && edges.contains(&x) {
                i = edges.partition_point(|&e| e <= x).saturating_sub(1);
            }
            let i = i.min(rho.len() - 1);
            matter_point(rho[i] * 0.5 * AVOGADRO, 0.0, 0.5, (0.0, 0.0), (0.0, 0.0))
        }),
        breaks: edges[1..5].to_vec(),
        present: MATTER,
        piecewise: true,
    };
    let model = model3(Basis::DiracNeutrino, None);
    let h = ham::<6>(&model, 500.0, &med);
    let l = run(&h, 0.0, 2000.0, Method::Layers, 1e-6);
    let m = run(&h, 0.0, 2000.0, Method::Magnus, 1e-6);
    assert_eq!(l.stats.accepted, 5);
    assert!(
        (last(&l) - last(&m)).norm() < 1e-6,
        "{:e}",
        (last(&l) - last(&m)).norm()
    );
    assert!(m.stats.max_unitarity_error <= UNITARY);
    // Layers on a smooth medium is refused with a message naming what works.
    let smooth = exp_sun(0.0, 0.0);
    let hs = ham::<6>(&model, 5.0, &smooth);
    let err = solve(&hs, 1e5, 2e5, &Record::End, &opts(Method::Layers, 1e-6)).unwrap_err();
    assert_eq!(err, EvolveError::NotPiecewiseConstant);
    assert!(err.to_string().contains("magnus"));
}

/// √2 G_F n_e in km⁻¹.
fn v_km(ne: f64) -> f64 {
    sqrt2_gf_ev2() * density_cm3_to_ev3(ne) * EV_TO_INV_KM
}

#[test]
fn landau_zener_linear_ramp() {
    // docs/physics.md ("How the physics is checked"): 2ν linear ramp of n_e from far above the MSW
    // resonance down to vacuum.
    let (theta, dm2, e_mev) = (10f64.to_radians(), 7.5e-5, 10.0);
    let delta = dm2 / (2.0 * e_mev * 1e6) * EV_TO_INV_KM;
    let v_res = delta * (2.0 * theta).cos();
    let gamma_per_ell = delta * (2.0 * theta).sin().powi(2) / (2.0 * theta).cos();
    let ell = 0.77 / gamma_per_ell; // resonance scale |d ln n_e/dx|⁻¹ = ell
    let start_factor = 40.0;
    let x_end = start_factor * ell; // V(x) = V_r (start_factor − x/ell): resonance at (f−1) ell
    let ne_res = v_res / v_km(1.0);
    let model_for = |e: f64| {
        let mixing = Mixing::new(
            OscillationParams::Two(TwoFlavourParams {
                theta_deg: 10.0,
                dm2_ev2: dm2,
            }),
            0.0,
            &[],
        )
        .expect("mixing");
        (Model::new(Basis::DiracNeutrino, mixing, Moments::zero()), e)
    };
    let med = FnMedium {
        profile: Box::new(move |x, _| {
            let f = (start_factor - x / ell).max(0.0);
            let df = if x < x_end { -1.0 / ell } else { 0.0 };
            matter_point(ne_res * f, ne_res * df, 1.0 - 1e-12, (0.0, 0.0), (0.0, 0.0))
        }),
        breaks: vec![x_end],
        present: MATTER,
        piecewise: false,
    };
    // Average P_ee over a 1 % energy bin and over positions in the vacuum tail.
    let vac_len = 2.0 * std::f64::consts::PI / delta;
    let points: Vec<f64> = (0..40)
        .map(|i| x_end + vac_len * (1.0 + i as f64 / 40.0))
        .collect();
    let mut sum = 0.0;
    let mut n = 0.0;
    for k in 0..5 {
        let (model, e) = model_for(e_mev * (0.995 + 0.0025 * k as f64));
        let h = ham::<4>(&model, e, &med);
        let sol = solve(
            &h,
            0.0,
            x_end + 2.0 * vac_len,
            &Record::Points(points.clone()),
            &SolverOptions::default(),
        )
        .expect("solve");
        assert!(sol.stats.max_unitarity_error <= UNITARY);
        for s in &sol.propagators {
            sum += probabilities(s)[0][0];
            n += 1.0;
        }
    }
    let p_lz = (-std::f64::consts::PI * 0.77 / 2.0).exp();
    let v0 = v_res * start_factor;
    let c2m = (delta * (2.0 * theta).cos() - v0)
        / ((delta * (2.0 * theta).cos() - v0).hypot(delta * (2.0 * theta).sin()));
    let want = 0.5 + (0.5 - p_lz) * (2.0 * theta).cos() * c2m;
    let got = sum / n;
    assert!((got - want).abs() < 1e-2, "LZ: got {got}, want {want}");
}

#[test]
fn adiabatic_solar_pee() {
    let p = Preset::Nufit52No.params();
    let (t12, t13) = (p.theta12_deg.to_radians(), p.theta13_deg.to_radians());
    let model = model3(Basis::DiracNeutrino, None);
    let sun = exp_sun(0.0, 0.0);
    let r0 = 0.05 * R_SUN_KM;
    let e0 = 10.0;
    let mut sum = 0.0;
    let energies: Vec<f64> = (0..9).map(|k| e0 * (0.995 + 0.00125 * k as f64)).collect();
    for &e in &energies {
        let h = ham::<6>(&model, e, &sun);
        let sol = run(&h, r0, R_SUN_KM, Method::Magnus, 1e-6);
        assert!(sol.stats.max_unitarity_error <= UNITARY);
        sum += probabilities(&last(&sol))[0][0];
    }
    let got = sum / energies.len() as f64;
    let ne0 = 245.0 * AVOGADRO * (-10.54f64 * 0.05).exp();
    let beta = 2.0 * v_km(ne0) / EV_TO_INV_KM * e0 * 1e6 * t13.cos().powi(2) / p.dm21_ev2;
    let c = (2.0 * t12).cos();
    let c2m = (c - beta) / ((c - beta).powi(2) + (2.0 * t12).sin().powi(2)).sqrt();
    let want = t13.sin().powi(4) + t13.cos().powi(4) * (0.5 + 0.5 * c * c2m);
    assert!((got - want).abs() < 1e-2, "solar: got {got}, want {want}");
}

#[test]
fn twisting_field_needs_the_berry_term() {
    let twist = exp_sun(3e5, 1e-3);
    let md = model3(Basis::DiracNeutrino, Some(("e_mu", 1e-11)));
    let h = ham::<6>(&md, 5.0, &twist);
    let (a, b) = (2e5, 2.5e5);
    let truth = run(&h, a, b, Method::Dop853, 1e-12);
    let o = SolverOptions {
        rtol: 1e-8,
        ..SolverOptions::default()
    };
    let with = solve_magnus_ablated(&h, a, b, &Record::End, &o, true).expect("solve");
    let without = solve_magnus_ablated(&h, a, b, &Record::End, &o, false).expect("solve");
    let (dw, dn) = (
        max_dp(&last(&with), &last(&truth)),
        max_dp(&last(&without), &last(&truth)),
    );
    assert!(dw <= 1e-7, "with Berry: {dw:e}");
    assert!(
        dn > 10.0 * dw && dn > 1e-6,
        "without Berry: {dn:e} (with: {dw:e})"
    );
}

#[test]
fn a_shock_lands_on_a_step_end() {
    let model = model3(Basis::Majorana, Some(("e_mu", 1e-12)));
    let rs = 2.2e4;
    let med = supernova(1e10, Some(rs), 10.0);
    let h = ham::<6>(&model, 20.0, &med);
    let sol = solve(
        &h,
        1e4,
        3e4,
        &Record::AllSteps,
        &SolverOptions {
            rtol: 1e-8,
            ..Default::default()
        },
    )
    .expect("solve");
    assert!(sol.x_km.contains(&rs), "no step ends on the shock");
    let d = run(&h, 1e4, 3e4, Method::Dop853, 1e-12);
    let dp = max_dp(sol.propagators.last().expect("records"), &last(&d));
    assert!(dp <= 1e-7, "shock: {dp:e}");
    assert!(sol.stats.max_unitarity_error <= UNITARY);
}

/// The Dirac Hamiltonian with the sterile block shifted far away: same active dynamics, no
/// exact crossings between blocks.
struct Shifted<'a>(&'a dyn PathHamiltonian<6>, f64);
impl PathHamiltonian<6> for Shifted<'_> {
    fn h(&self, x: f64, s: Side) -> Result<CMat<6>, nuspin::medium::MediumError> {
        let mut m = self.0.h(x, s)?;
        for i in 3..6 {
            m[(i, i)] += num_complex::Complex64::new(self.1, 0.0);
        }
        Ok(m)
    }
    fn h_and_slope(
        &self,
        x: f64,
        s: Side,
    ) -> Result<(CMat<6>, CMat<6>), nuspin::medium::MediumError> {
        Ok((self.h(x, s)?, self.0.h_and_slope(x, s)?.1))
    }
    fn breakpoints(&self) -> &[f64] {
        self.0.breakpoints()
    }
    fn coupling_pattern(&self) -> [[bool; 6]; 6] {
        self.0.coupling_pattern()
    }
}

#[test]
fn decoupled_blocks_crossing_exactly_cost_no_extra_steps() {
    let model = model3(Basis::DiracNeutrino, None);
    let med = supernova(0.0, None, 1.0);
    let h = ham::<6>(&model, 20.0, &med);
    let crossing = run(&h, 1e4, 1e5, Method::Magnus, 1e-6);
    let apart = run(&Shifted(&h, -50.0), 1e4, 1e5, Method::Magnus, 1e-6);
    assert_eq!(crossing.stats.fallback_steps, 0);
    assert!(
        crossing.stats.accepted <= apart.stats.accepted + 2,
        "crossing {:?} vs apart {:?}",
        crossing.stats,
        apart.stats
    );
    let d = run(&h, 1e4, 1e5, Method::Dop853, 1e-12);
    assert!(max_dp(&last(&crossing), &last(&d)) <= 1e-6);
}

#[test]
fn nearly_diabatic_crossing_is_still_right() {
    let model = model3(Basis::DiracNeutrino, Some(("e_mu", 1e-14)));
    let med = supernova(1e10, None, 1.0);
    let h = ham::<6>(&model, 20.0, &med);
    let m = run(&h, 1e4, 3e4, Method::Magnus, 1e-6);
    let d = run(&h, 1e4, 3e4, Method::Dop853, 1e-12);
    let dp = max_dp(&last(&m), &last(&d));
    assert!(dp <= 1e-6, "diabatic: {dp:e} {:?}", m.stats);
    assert!(m.stats.max_unitarity_error <= UNITARY);
}

#[test]
fn non_finite_hamiltonian_is_an_error_naming_x() {
    let med = FnMedium {
        profile: Box::new(|x, _| {
            let ne = if x > 50.0 { f64::NAN } else { 1e24 };
            matter_point(ne, 0.0, 0.5, (0.0, 0.0), (0.0, 0.0))
        }),
        breaks: vec![],
        present: MATTER,
        piecewise: false,
    };
    let model = model3(Basis::DiracNeutrino, None);
    let h = ham::<6>(&model, 10.0, &med);
    for method in [Method::Magnus, Method::Dop853] {
        let err = solve(&h, 0.0, 100.0, &Record::End, &opts(method, 1e-6)).unwrap_err();
        assert!(
            matches!(err, EvolveError::NonFinite { x_km } if x_km > 50.0),
            "{method:?}: {err}"
        );
        assert!(err.to_string().contains("x ="));
    }
}
