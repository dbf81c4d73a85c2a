//! Unit tests of the resolution-averaged probability (closed forms, brute-force averages).

use super::*;

#[test]
fn damping_is_the_gaussian_average_of_a_quadratic_phase() {
    // Brute force: ⟨e^{−i(aδ + bδ²/2)}⟩ over δ ~ N(0, 1) on a fine grid.
    for (s1, s2) in [(0.0, 0.0), (1.3, 0.0), (0.7, 0.4), (2.0, -1.5)] {
        let n = 200_000;
        let mut sum = Complex64::new(0.0, 0.0);
        let mut norm = 0.0;
        for k in 0..=n {
            let t = -12.0 + 24.0 * k as f64 / n as f64;
            let g = (-0.5 * t * t).exp();
            sum += g * Complex64::new(0.0, -(s1 * t + 0.5 * s2 * t * t)).exp();
            norm += g;
        }
        let brute = sum / norm;
        assert!((brute - damping(s1, s2)).norm() < 1e-10, "{s1} {s2}");
    }
}

fn solar_case(
    sun: &crate::medium::SolarMedium,
) -> (Model, MediumHamiltonian<'_, 6>, EnergyHamiltonian<6>) {
    use crate::prelude::*;
    let mixing = Mixing::from_preset(Preset::Nufit52No, 0.0, &[]).expect("preset");
    let model = Model::new(Basis::DiracNeutrino, mixing, Moments::zero());
    let path = MediumHamiltonian::new(EnergyHamiltonian::<6>::new(&model, 8e6), sun);
    let at_2e = EnergyHamiltonian::<6>::new(&model, 16e6);
    (model, path, at_2e)
}

#[test]
fn one_quadrature_for_all_starts_matches_a_quadrature_per_start() {
    use crate::medium::{SolarMedium, SolarModel};
    use crate::units::R_SUN_KM;
    let sun = SolarMedium::new(SolarModel::Exponential, 0.05, None).expect("sun");
    let (_, path, at_2e) = solar_case(&sun);
    let pair = Pair {
        at_e: path.energy_hamiltonian().clone(),
        at_2e,
        medium: &sun,
        blocks: Blocks::from_pattern(&path.coupling_pattern()).label,
    };
    // Unsorted, as a production rule may give them.
    let starts = [0.08 * R_SUN_KM, 0.02 * R_SUN_KM, 0.05 * R_SUN_KM];
    let tol = 1e-9;
    let bp = path.breakpoints();
    let all = phase_derivatives_from_starts(&pair, bp, false, &starts, R_SUN_KM, tol).unwrap();
    for (&r, got) in starts.iter().zip(&all) {
        let want = phase_derivatives(&pair, bp, false, r, R_SUN_KM, tol).unwrap();
        for a in 0..6 {
            for (g, w) in [
                (got.e_dphi[a], want.e_dphi[a]),
                (got.e2_d2phi[a], want.e2_d2phi[a]),
            ] {
                assert!(
                    (g - w).abs() <= 1e-10 * w.abs().max(1.0),
                    "{r} {a}: {g} vs {w}"
                );
            }
        }
    }
}

#[test]
fn production_average_starts_share_one_quadrature_and_give_the_per_start_values() {
    use crate::medium::{SolarMedium, SolarModel};
    use crate::units::R_SUN_KM;
    let sun = SolarMedium::new(SolarModel::Bs05, 0.05, None).expect("bs05");
    let (model, path, _) = solar_case(&sun);
    let starts = [0.03 * R_SUN_KM, 0.05 * R_SUN_KM, 0.07 * R_SUN_KM];
    let h = path.h(0.5 * R_SUN_KM, Side::Right).unwrap();
    let s_end = crate::linalg::exp_minus_i_h_t(&h, 1234.0);
    for sigma in [0.002, 0.05] {
        for &r in &starts {
            let shared =
                averaged_of_start(&model, &path, sigma, &starts, r, R_SUN_KM, &s_end, &[0])
                    .unwrap();
            let alone = averaged(&model, &path, sigma, r, R_SUN_KM, &s_end, &[0]).unwrap();
            for (p, q) in shared.probability.iter().zip(&alone.probability) {
                assert!((p - q).abs() <= 1e-10, "sigma {sigma}, r {r}: {p} vs {q}");
            }
        }
        // Every start served: the memo is gone.
        assert!(MEMO.with(|m| m.borrow().is_none()));
    }
}

#[test]
fn hermite_rules_integrate_polynomials() {
    for sigma in [0.05, 0.25, 0.5] {
        let rule = hermite_rule(sigma);
        // ⟨t²⟩ = 1/2 for the weight e^{−t²}; ⟨t⁴⟩ = 3/4.
        let m2: f64 = rule.iter().map(|(t, w)| w * t * t).sum();
        let m0: f64 = rule.iter().map(|(_, w)| w).sum();
        assert!((m0 - 1.0).abs() < 1e-14);
        if rule.len() > 1 {
            assert!((m2 - 0.5).abs() < 1e-14);
        }
    }
    assert_eq!(hermite_rule(0.1).len(), 5);
    assert_eq!(hermite_rule(0.3).len(), 3);
    assert_eq!(hermite_rule(0.5).len(), 1);
}
