//! The closed-form checks, named C1–C7 here (docs/physics.md, "How the physics is checked",
//! lists them): each against a pinned value (12–13 digits, from the design's specification;
//! "spec" in the messages) and, where one exists, the closed form evaluated independently here.

use num_complex::Complex64;
use nuspin::basis::{state_index, Basis, Flavours};
use nuspin::prelude::*;
use nuspin::units::{
    density_cm3_to_ev3, number_density_cm3, sqrt2_gf_ev2, EV_TO_INV_KM, MU_B_EV_PER_GAUSS,
};

fn two_flavour(theta_deg: f64, dm2_ev2: f64, lightest_mass_ev: f64) -> Mixing {
    Mixing::new(
        OscillationParams::Two(TwoFlavourParams { theta_deg, dm2_ev2 }),
        lightest_mass_ev,
        &[],
    )
    .unwrap()
}

fn moments(basis: Basis, mixing: &Mixing, mb: MomentBasis, entries: &[(&str, f64)]) -> Moments {
    let input = MomentInput {
        basis: Some(mb),
        magnetic_mu_b: entries
            .iter()
            .map(|(k, v)| (k.to_string(), Complex64::new(*v, 0.0)))
            .collect(),
        electric_mu_b: vec![],
    };
    Moments::new(&input, basis.nature(), mixing).unwrap()
}

/// P(from → to) with labels, for a constant medium.
fn prob<const D: usize>(
    model: &Model,
    e_mev: f64,
    p: &MediumPoint,
    l_km: f64,
    from: &str,
    to: &str,
) -> f64 {
    let fl = if D == 4 {
        Flavours::Two
    } else {
        Flavours::Three
    };
    let s = propagate_constant::<D>(model, e_mev, p, l_km);
    assert!(unitarity_error(&s) < 1e-12);
    let a = state_index(model.basis, fl, from).unwrap();
    let b = state_index(model.basis, fl, to).unwrap();
    probabilities(&s)[a][b]
}

/// Two-level formula (docs/physics.md, "How the physics is checked") with a, b, c in km⁻¹.
fn two_level(a: f64, b: f64, c: f64, x: f64) -> f64 {
    let d = ((a - c).powi(2) + 4.0 * b * b).sqrt();
    4.0 * b * b / (d * d) * (d * x / 2.0).sin().powi(2)
}

/// √2 G_F n in km⁻¹ for density n in cm⁻³.
fn pot_km(n_cm3: f64) -> f64 {
    sqrt2_gf_ev2() * density_cm3_to_ev3(n_cm3) * EV_TO_INV_KM
}

fn assert_close(got: f64, want: f64, tol: f64, what: &str) {
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got:.15e}, want {want:.15e}, diff {:.2e}",
        got - want
    );
}

#[test]
fn c1_two_flavour_vacuum() {
    let m = Model::new(
        Basis::DiracNeutrino,
        two_flavour(33.0, 7.5e-5, 0.0),
        Moments::zero(),
    );
    let p = prob::<4>(&m, 3.0, &MediumPoint::default(), 150.0, "nu_e", "nu_mu");
    let closed = (66f64.to_radians().sin()).powi(2)
        * (7.5e-5 * 150.0 / (4.0 * 3e6) * EV_TO_INV_KM).sin().powi(2);
    assert_close(p, closed, 1e-13, "C1 closed form");
    assert_close(p, 8.333219002109e-01, 1e-12, "C1 spec");
}

#[test]
fn c2_two_flavour_msw() {
    let m = Model::new(
        Basis::DiracNeutrino,
        two_flavour(33.0, 7.5e-5, 0.0),
        Moments::zero(),
    );
    let pt = MediumPoint::from_rho_ye(150.0, 0.7);
    let p = prob::<4>(&m, 10.0, &pt, 300.0, "nu_e", "nu_mu");
    let w = 7.5e-5 / (4.0 * 10e6) * EV_TO_INV_KM;
    let (f_e, f_mu) = (
        pot_km(pt.ne_cm3 - pt.nn_cm3 / 2.0),
        pot_km(-pt.nn_cm3 / 2.0),
    );
    let a = -w * 66f64.to_radians().cos() + f_e / 2.0 - f_mu / 2.0;
    let closed = two_level(a, w * 66f64.to_radians().sin(), -a, 300.0);
    assert_close(p, closed, 1e-13, "C2 closed form");
    assert_close(p, 9.162658346992e-02, 1e-12, "C2 spec");
}

fn c3_model() -> Model {
    let mixing = two_flavour(0.0, 7.5e-5, 0.0);
    let mom = moments(
        Basis::DiracNeutrino,
        &mixing,
        MomentBasis::Flavour,
        &[("e_mu", 1e-11)],
    );
    Model::new(Basis::DiracNeutrino, mixing, mom)
}

fn c3_closed(pt: &MediumPoint, l_km: f64) -> f64 {
    let a = pot_km(pt.ne_cm3 - pt.nn_cm3 / 2.0);
    let c = 7.5e-5 / (2.0 * 5e6) * EV_TO_INV_KM;
    let b = 1e-11 * MU_B_EV_PER_GAUSS * 1e6 * EV_TO_INV_KM;
    two_level(a, b, c, l_km)
}

#[test]
fn c3_dirac_spin_flavour_precession() {
    let pt = MediumPoint {
        b_perp_gauss: 1e6,
        ..MediumPoint::from_rho_ye(10.0, 0.5)
    };
    let p = prob::<4>(&c3_model(), 5.0, &pt, 2000.0, "nu_e", "nuR_mu");
    assert_close(p, c3_closed(&pt, 2000.0), 1e-13, "C3 closed form");
    assert_close(p, 9.269438795417e-05, 1e-13, "C3 spec");
}

#[test]
fn c3b_at_the_rsfp_resonance() {
    // Δm²/2E = f⁰_e = √2 G_F ρ N_A (Y_e − (1 − Y_e)/2) at Y_e = 0.5.
    let unit = sqrt2_gf_ev2() * density_cm3_to_ev3(number_density_cm3(1.0, 0.25));
    let rho = 7.5e-5 / (2.0 * 5e6) / unit;
    assert!((rho - 393.058).abs() < 1e-3, "{rho}");
    let pt = MediumPoint {
        b_perp_gauss: 1e6,
        ..MediumPoint::from_rho_ye(rho, 0.5)
    };
    let p = prob::<4>(&c3_model(), 5.0, &pt, 2000.0, "nu_e", "nuR_mu");
    assert_close(p, c3_closed(&pt, 2000.0), 1e-13, "C3b closed form");
    assert_close(p, 3.064713846936e-01, 1e-12, "C3b spec");
}

#[test]
fn c3m_majorana_spin_flavour_precession() {
    let mixing = two_flavour(0.0, 7.5e-5, 0.0);
    let mom = moments(
        Basis::Majorana,
        &mixing,
        MomentBasis::Flavour,
        &[("e_mu", 1e-11)],
    );
    let m = Model::new(Basis::Majorana, mixing, mom);
    let pt = MediumPoint {
        b_perp_gauss: 1e6,
        ..MediumPoint::from_rho_ye(200.0, 0.45)
    };
    let p = prob::<4>(&m, 5.0, &pt, 3000.0, "nu_e", "nubar_mu");
    let a = pot_km(pt.ne_cm3 - pt.nn_cm3 / 2.0);
    let c = 7.5e-5 / (2.0 * 5e6) * EV_TO_INV_KM - pot_km(-pt.nn_cm3 / 2.0);
    let b = 1e-11 * MU_B_EV_PER_GAUSS * 1e6 * EV_TO_INV_KM;
    assert_close(p, two_level(a, b, c, 3000.0), 1e-13, "C3m closed form");
    assert_close(p, 3.692461629839e-05, 1e-13, "C3m spec");
}

#[test]
fn c4_transverse_matter_current_flips_helicity() {
    let m = Model::new(
        Basis::DiracNeutrino,
        two_flavour(0.0, 7.5e-5, 0.1),
        Moments::zero(),
    );
    let pt = MediumPoint {
        v_par: 1.0 - 1e-4,
        v_perp: 1e-2,
        ..MediumPoint::from_rho_ye(1e6, 0.5)
    };
    let p = prob::<4>(&m, 10e-6, &pt, 3.0, "nu_e", "nuR_e");
    let f0 = pot_km(pt.ne_cm3 - pt.nn_cm3 / 2.0);
    let gamma = 1.0 / pt.one_minus_v2().sqrt();
    let a = gamma * f0 * 1e-4;
    let b = -(0.1 / (2.0 * 10.0)) * gamma * f0 * 1e-2;
    assert_close(p, two_level(a, b, 0.0, 3.0), 1e-10, "C4 closed form");
    assert_close(p, 3.931402049658e-01, 1e-10, "C4 spec");
}

#[test]
fn c5_longitudinal_field_through_p_minus() {
    let mixing = two_flavour(10.0, 1e-5, 1.0);
    let mom = moments(
        Basis::DiracNeutrino,
        &mixing,
        MomentBasis::Mass,
        &[("1_1", 1e-11), ("1_2", 2e-11), ("2_2", 3e-11)],
    );
    let m = Model::new(Basis::DiracNeutrino, mixing.clone(), mom);
    let pt = MediumPoint {
        b_par_gauss: 1e9,
        ..Default::default()
    };
    let e_ev = 10e3;
    let p = prob::<4>(&m, e_ev * 1e-6, &pt, 50.0, "nu_e", "nu_mu");
    // Block A in the flavour basis, built here by hand from docs/physics.md, "The Hamiltonian":
    // U (M² + μ_B P₋) U†, with P₋ = μ_ij B∥ (m_i + m_j)/2E for real symmetric μ.
    let masses = mixing.masses_ev();
    let mu = [[1e-11, 2e-11], [2e-11, 3e-11]];
    let dm2 = [0.0, 1e-5];
    let (s, c) = 10f64.to_radians().sin_cos();
    let u = [[c, s], [-s, c]];
    let hm = |i: usize, j: usize| {
        let vac = if i == j { dm2[i] / (2.0 * e_ev) } else { 0.0 };
        vac + MU_B_EV_PER_GAUSS * mu[i][j] * 1e9 * (masses[i] + masses[j]) / (2.0 * e_ev)
    };
    let hf = |a: usize, b: usize| {
        let mut sum = 0.0;
        for i in 0..2 {
            for j in 0..2 {
                sum += u[a][i] * hm(i, j) * u[b][j];
            }
        }
        sum * EV_TO_INV_KM
    };
    assert_close(
        p,
        two_level(hf(0, 0), hf(0, 1), hf(1, 1), 50.0),
        1e-13,
        "C5 closed form",
    );
    assert_close(p, 2.851017652777e-02, 1e-12, "C5 spec");
}

#[test]
fn c6_vacuum_spin_precession() {
    let mixing = two_flavour(0.0, 7.5e-5, 0.0);
    let mom = moments(
        Basis::DiracNeutrino,
        &mixing,
        MomentBasis::Flavour,
        &[("e_e", 1e-12)],
    );
    let m = Model::new(Basis::DiracNeutrino, mixing, mom);
    let pt = MediumPoint {
        b_perp_gauss: 3e9,
        ..Default::default()
    };
    let p = prob::<4>(&m, 1.0, &pt, 1e4, "nu_e", "nuR_e");
    let closed = (1e-12 * MU_B_EV_PER_GAUSS * 3e9 * EV_TO_INV_KM * 1e4)
        .sin()
        .powi(2);
    assert_close(p, closed, 1e-13, "C6 closed form");
    assert_close(p, 1.327039541930e-01, 1e-13, "C6 spec");
}

#[test]
fn c7_three_flavour_majorana_assembly() {
    let mixing = Mixing::from_preset(Preset::Nufit52No, 0.0, &[]).unwrap();
    let mom = moments(
        Basis::Majorana,
        &mixing,
        MomentBasis::Flavour,
        &[("e_mu", 1e-12)],
    );
    let m = Model::new(Basis::Majorana, mixing, mom);
    let pt = MediumPoint {
        b_perp_gauss: 1e11,
        ..MediumPoint::from_rho_ye(1e3, 0.5)
    };
    let p_flip = prob::<6>(&m, 20.0, &pt, 100.0, "nu_e", "nubar_mu");
    let p_ee = prob::<6>(&m, 20.0, &pt, 100.0, "nu_e", "nu_e");
    assert_close(p_flip, 9.743845864084e-01, 1e-12, "C7 nu_e -> nubar_mu");
    assert_close(p_ee, 2.227708063393e-02, 1e-12, "C7 nu_e -> nu_e");
}
