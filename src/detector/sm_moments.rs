//! Magnetic moments of the minimally extended Standard Model and radiative decay rates.
//!
//! One loop with W and charged leptons ℓ (Fujikawa & Shrock, PRL 45 (1980) 963; Shrock,
//! Nucl. Phys. B 206 (1982) 359; Pal & Wolfenstein, PRD 25 (1982) 766), as written in Giunti &
//! Studenikin, RMP 87 (2015) 531, sec. III, to leading order in a_ℓ = (m_ℓ/m_W)² ≪ 1:
//!
//! μ^D_kj = −(e G_F / (8√2 π²)) (m_k + m_j) Σ_ℓ U*_ℓk U_ℓj f(a_ℓ),  f(a) = −3/2 + (3/4) a.
//!
//! The overall sign is fixed so that μ_kk > 0 (the sign of a moment is a convention; the
//! review quotes magnitudes). This single formula gives both:
//! - diagonal: μ_kk = (3 e G_F m_k / (8√2 π²)) (1 − ½ Σ_ℓ |U_ℓk|² a_ℓ) ≈ 3.2e-19 (m_k/eV) μ_B;
//! - transition (k ≠ j): the −3/2 cancels by unitarity (GIM), leaving
//!   μ_kj = −(3 e G_F/(32√2 π²)) (m_k + m_j) Σ_ℓ U*_ℓk U_ℓj a_ℓ.
//!
//! Majorana neutrinos (same references): μ^M_kj = 2i Im μ^D_kj — antisymmetric, zero on the
//! diagonal, and nonzero only through CP-violating phases of U (Dirac or Majorana).
//!
//! In μ_B = e/(2m_e): μ^D_kj/μ_B = −(G_F m_e/(4√2 π²)) (m_k + m_j) Σ_ℓ U*_ℓk U_ℓj f(a_ℓ).
//!
//! Radiative decay (Giunti & Studenikin, sec. III.F; Raffelt, "Stars as Laboratories", ch. 7):
//! Γ(ν_i → ν_j γ) = (|μ_ij|² + |ε_ij|²)/(8π) ((m_i² − m_j²)/m_i)³, natural units, divided by ħ.
//! For μ_eff = μ_B, m_i = 1 eV, m_j = 0 this is 5.308 s⁻¹ (the review's number).

use num_complex::Complex64;

use crate::basis::Nature;
use crate::mixing::{FlavourMatrix, Mixing};
use crate::units::{ALPHA, G_F_EV2, HBAR_EV_S, M_E_MEV, M_MU_MEV, M_TAU_MEV, M_W_MEV};

/// Charged-lepton masses in MeV (e, μ, τ).
const LEPTON_MASSES_MEV: [f64; 3] = [M_E_MEV, M_MU_MEV, M_TAU_MEV];

/// μ_B in eV⁻¹ (natural units): e/(2m_e) with e = √(4πα).
pub fn bohr_magneton_inv_ev() -> f64 {
    (4.0 * std::f64::consts::PI * ALPHA).sqrt() / (2.0 * M_E_MEV * 1e6)
}

/// The coefficient G_F m_e/(4√2 π²) in eV⁻¹: μ_kk ≈ 3 × this × m_k in μ_B.
fn coefficient_per_ev() -> f64 {
    let pi2 = std::f64::consts::PI * std::f64::consts::PI;
    G_F_EV2 * M_E_MEV * 1e6 / (4.0 * std::f64::consts::SQRT_2 * pi2)
}

/// The SM moment matrix μ_kj (mass basis, μ_B) for this mixing and these masses.
pub fn sm_moments_mu_b(mixing: &Mixing, nature: Nature) -> FlavourMatrix {
    let u = mixing.pmns();
    let m = mixing.masses_ev();
    let n = mixing.flavours().count();
    let mut dirac = FlavourMatrix::zeros();
    for k in 0..n {
        for j in 0..n {
            let sum: Complex64 = (0..n)
                .map(|l| {
                    let a = (LEPTON_MASSES_MEV[l] / M_W_MEV).powi(2);
                    u[(l, k)].conj() * u[(l, j)] * (-1.5 + 0.75 * a)
                })
                .sum();
            dirac[(k, j)] = -coefficient_per_ev() * (m[k] + m[j]) * sum;
        }
    }
    match nature {
        Nature::Dirac => dirac,
        Nature::Majorana => dirac.map(|z| Complex64::new(0.0, 2.0 * z.im)),
    }
}

/// Γ(ν_i → ν_j γ) in s⁻¹ for an effective transition moment μ_eff (μ_B), with
/// μ_eff² = |μ_ij|² + |ε_ij|²; zero unless m_i > m_j.
pub fn radiative_decay_rate_per_s(mu_eff_mu_b: f64, mass_i_ev: f64, mass_j_ev: f64) -> f64 {
    if mass_i_ev <= mass_j_ev || mass_i_ev <= 0.0 {
        return 0.0;
    }
    let mu = mu_eff_mu_b * bohr_magneton_inv_ev();
    let q = (mass_i_ev * mass_i_ev - mass_j_ev * mass_j_ev) / mass_i_ev;
    mu * mu / (8.0 * std::f64::consts::PI) * q * q * q / HBAR_EV_S
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mixing::Preset;

    #[test]
    fn diagonal_dirac_moment_is_3_2e_19_per_ev() {
        // Closed form 3 e G_F m/(8√2 π²) (1 − ½ Σ_ℓ |U_ℓk|² a_ℓ) = 3.203e-19 (m/eV) μ_B
        // (Fujikawa & Shrock 1980); the a_τ correction is ~1e-4.
        let mix = Mixing::from_preset(Preset::Nufit52No, 0.1, &[]).unwrap();
        let mu = sm_moments_mu_b(&mix, Nature::Dirac);
        let m = mix.masses_ev();
        for k in 0..3 {
            let per_ev = mu[(k, k)].re / m[k];
            assert!((per_ev / 3.2e-19 - 1.0).abs() < 0.01, "{per_ev}");
            let u = mix.pmns();
            let corr: f64 = (0..3)
                .map(|l| u[(l, k)].norm_sqr() * (LEPTON_MASSES_MEV[l] / M_W_MEV).powi(2))
                .sum();
            let exact = 3.0 * coefficient_per_ev() * (1.0 - 0.5 * corr);
            assert!((per_ev / exact - 1.0).abs() < 1e-12);
            assert!(mu[(k, k)].im.abs() < 1e-30);
        }
        assert!((3.0 * coefficient_per_ev() / 3.2026e-19 - 1.0).abs() < 1e-3);
    }

    #[test]
    fn transition_moments_are_gim_suppressed() {
        // Closed form for k ≠ j: −(3 G_F m_e/(16√2 π²)) (m_k + m_j) Σ_ℓ U*_ℓk U_ℓj a_ℓ in μ_B,
        // i.e. the −3/2 term cancels by unitarity; |μ_12/μ_11| ~ a_τ ~ 5e-4.
        let mix = Mixing::from_preset(Preset::Nufit52No, 0.05, &[20.0, 50.0]).unwrap();
        let u = *mix.pmns();
        let m = mix.masses_ev();
        let mu = sm_moments_mu_b(&mix, Nature::Dirac);
        assert!((mu - mu.adjoint()).norm() < 1e-35);
        let (k, j) = (0, 2);
        let gim: Complex64 = (0..3)
            .map(|l| u[(l, k)].conj() * u[(l, j)] * (LEPTON_MASSES_MEV[l] / M_W_MEV).powi(2))
            .sum();
        let expected = -gim * 0.75 * coefficient_per_ev() * (m[k] + m[j]);
        assert!((mu[(k, j)] - expected).norm() / expected.norm() < 1e-6);
        assert!(mu[(k, j)].norm() / mu[(k, k)].norm() < 1e-3);
    }

    #[test]
    fn majorana_moments_are_antisymmetric_and_need_cp_phases() {
        let mix = Mixing::from_preset(Preset::Nufit52No, 0.05, &[20.0, 50.0]).unwrap();
        let mu = sm_moments_mu_b(&mix, Nature::Majorana);
        assert!((mu + mu.transpose()).norm() < 1e-40);
        assert!(mu.norm() > 0.0);
        // CP conserving (real U: two flavours, no phases) → no Majorana moment at all.
        let two = Mixing::new(
            crate::mixing::OscillationParams::Two(crate::mixing::TwoFlavourParams {
                theta_deg: 33.0,
                dm2_ev2: 7.5e-5,
            }),
            0.01,
            &[],
        )
        .unwrap();
        assert_eq!(sm_moments_mu_b(&two, Nature::Majorana).norm(), 0.0);
    }

    #[test]
    fn radiative_decay_matches_the_review() {
        // Giunti & Studenikin (RMP 2015) eq. for Γ: 5.308 s⁻¹ (μ_eff/μ_B)² (m_i/eV)³ for m_j = 0.
        let g = radiative_decay_rate_per_s(1.0, 1.0, 0.0);
        assert!((g / 5.308 - 1.0).abs() < 1e-3, "{g}");
        // Cubic scaling in (m_i² − m_j²)/m_i.
        let g2 = radiative_decay_rate_per_s(1e-10, 0.05, 0.03);
        let q: f64 = (0.05f64.powi(2) - 0.03f64.powi(2)) / 0.05;
        assert!((g2 / (5.308e-20 * q.powi(3)) - 1.0).abs() < 1e-3);
        assert_eq!(radiative_decay_rate_per_s(1.0, 0.01, 0.02), 0.0);
    }
}
