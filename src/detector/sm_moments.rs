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
//! The same loop gives electric transition moments (the chirality flip on the heavier or the
//! lighter leg), ε^D_kj = i (eG_F/(8√2 π²)) (m_k − m_j) Σ_ℓ U*_ℓk U_ℓj f(a_ℓ), zero on the
//! diagonal, so ε^D_kj/μ^D_kj = −i (m_k − m_j)/(m_k + m_j) (the review's relative phase; the
//! overall sign is the convention above). Both are Hermitian.
//!
//! Majorana neutrinos (same references): μ^M_kj = 2i Im μ^D_kj and ε^M_kj = 2i Im ε^D_kj —
//! antisymmetric, zero on the diagonal; μ^M needs CP-violating phases of U, ε^M does not.
//!
//! In μ_B = e/(2m_e): μ^D_kj/μ_B = −(G_F m_e/(4√2 π²)) (m_k + m_j) Σ_ℓ U*_ℓk U_ℓj f(a_ℓ).
//!
//! Radiative decay (Giunti & Studenikin, sec. III.F; Raffelt, "Stars as Laboratories", ch. 7):
//! Γ(ν_i → ν_j γ) = (|μ_ij|² + |ε_ij|²)/(8π) ((m_i² − m_j²)/m_i)³, natural units, divided by ħ.
//! For μ_eff = μ_B, m_i = 1 eV, m_j = 0 this is 5.308 s⁻¹ (the review's number). With the SM
//! moments above, |μ^D|² + |ε^D|² ∝ (m_k + m_j)² + (m_k − m_j)² = 2(m_k² + m_j²): the electric
//! part is what turns the textbook (m_i² + m_j²) factor of the Dirac rate into moments.

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

/// The SM electric moment matrix ε_kj (mass basis, μ_B) for this mixing and these masses
/// (module docs): Hermitian for Dirac, antisymmetric for Majorana, zero on the diagonal.
pub fn sm_electric_moments_mu_b(mixing: &Mixing, nature: Nature) -> FlavourMatrix {
    let u = mixing.pmns();
    let m = mixing.masses_ev();
    let n = mixing.flavours().count();
    let mut dirac = FlavourMatrix::zeros();
    for k in 0..n {
        for j in 0..n {
            if k == j {
                continue;
            }
            let sum: Complex64 = (0..n)
                .map(|l| {
                    let a = (LEPTON_MASSES_MEV[l] / M_W_MEV).powi(2);
                    u[(l, k)].conj() * u[(l, j)] * (-1.5 + 0.75 * a)
                })
                .sum();
            dirac[(k, j)] = Complex64::i() * coefficient_per_ev() * (m[k] - m[j]) * sum;
        }
    }
    match nature {
        Nature::Dirac => dirac,
        Nature::Majorana => dirac.map(|z| Complex64::new(0.0, 2.0 * z.im)),
    }
}

/// Γ(ν_i → ν_j γ) in s⁻¹ of the SM moments (magnetic and electric) for this mixing, masses
/// and nature; zero unless m_i > m_j.
pub fn sm_radiative_decay_rate_per_s(mixing: &Mixing, nature: Nature, i: usize, j: usize) -> f64 {
    let mu = sm_moments_mu_b(mixing, nature);
    let eps = sm_electric_moments_mu_b(mixing, nature);
    let m = mixing.masses_ev();
    let mu_eff = (mu[(i, j)].norm_sqr() + eps[(i, j)].norm_sqr()).sqrt();
    radiative_decay_rate_per_s(mu_eff, m[i], m[j])
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
        let two = two_flavour_mixing();
        assert_eq!(sm_moments_mu_b(&two, Nature::Majorana).norm(), 0.0);
    }

    /// Two flavours with a real U: CP is conserved.
    fn two_flavour_mixing() -> Mixing {
        Mixing::new(
            crate::mixing::OscillationParams::Two(crate::mixing::TwoFlavourParams {
                theta_deg: 33.0,
                dm2_ev2: 7.5e-5,
            }),
            0.01,
            &[],
        )
        .unwrap()
    }

    /// S_ij = Σ_ℓ U*_ℓi U_ℓj (m_ℓ/m_W)², the GIM sum.
    fn gim_sum(u: &FlavourMatrix, i: usize, j: usize) -> Complex64 {
        (0..3)
            .map(|l| u[(l, i)].conj() * u[(l, j)] * (LEPTON_MASSES_MEV[l] / M_W_MEV).powi(2))
            .sum()
    }

    #[test]
    fn electric_transition_moments() {
        // Closed forms: ε^D_kj = −i (m_k − m_j)/(m_k + m_j) μ^D_kj (k ≠ j), ε_kk = 0, Hermitian;
        // Majorana ε^M = 2i Im ε^D = 2 (3 G_F m_e/(16√2 π²)) (m_k − m_j) Re S_kj up to sign,
        // antisymmetric and nonzero for a real U (CP conserved), unlike μ^M.
        let mix = Mixing::from_preset(Preset::Nufit52No, 0.05, &[20.0, 50.0]).unwrap();
        let m = mix.masses_ev();
        let mu = sm_moments_mu_b(&mix, Nature::Dirac);
        let eps = sm_electric_moments_mu_b(&mix, Nature::Dirac);
        assert!((eps - eps.adjoint()).norm() < 1e-40);
        for k in 0..3 {
            assert_eq!(eps[(k, k)], Complex64::new(0.0, 0.0));
            for j in 0..3 {
                if j != k {
                    let expected = -Complex64::i() * (m[k] - m[j]) / (m[k] + m[j]) * mu[(k, j)];
                    assert!((eps[(k, j)] - expected).norm() <= 1e-12 * expected.norm());
                }
            }
        }
        let eps_m = sm_electric_moments_mu_b(&mix, Nature::Majorana);
        assert!((eps_m + eps_m.transpose()).norm() < 1e-40);
        let u = *mix.pmns();
        let c = 0.75 * coefficient_per_ev();
        let expected = 2.0 * c * (m[2] - m[0]) * gim_sum(&u, 2, 0).re;
        assert!((eps_m[(2, 0)].norm() / expected.abs() - 1.0).abs() < 1e-9);
        let two = two_flavour_mixing();
        assert!(sm_electric_moments_mu_b(&two, Nature::Majorana).norm() > 0.0);
    }

    #[test]
    fn sm_decay_rates_match_the_textbook_formula() {
        // Independent closed form, the textbook one (Petcov 1977; Pal & Wolfenstein 1982;
        // Mohapatra & Pal, "Massive Neutrinos", ch. 10), with α, G_F, ħ written out here:
        // Dirac Γ = (G_F² m_i⁵/192π³)(27α/32π)(1 − r²)³(1 + r²)|S_ij|², r = m_j/m_i, i.e.
        // 9αG_F²/(2048π⁴) q³ (m_i² + m_j²)|S|² with q = (m_i² − m_j²)/m_i; Majorana: twice
        // that prefactor times q³ [(m_i + m_j)² (Im S)² + (m_i − m_j)² (Re S)²] (2× Dirac
        // for m_j → 0).
        let alpha = 1.0 / 137.035999084;
        let g_f = 1.1663788e-23; // eV⁻²
        let hbar = 6.582119569e-16; // eV s
        let pi = std::f64::consts::PI;
        let pre = g_f * g_f / (192.0 * pi.powi(3)) * 27.0 * alpha / (32.0 * pi);
        for lightest in [0.0, 0.05] {
            let mix = Mixing::from_preset(Preset::Nufit52No, lightest, &[20.0, 50.0]).unwrap();
            let m = mix.masses_ev();
            let u = *mix.pmns();
            for (i, j) in [(1, 0), (2, 0), (2, 1)] {
                let q = (m[i] * m[i] - m[j] * m[j]) / m[i];
                let s = gim_sum(&u, i, j);
                let dirac = pre * q.powi(3) * (m[i] * m[i] + m[j] * m[j]) * s.norm_sqr() / hbar;
                let got = sm_radiative_decay_rate_per_s(&mix, Nature::Dirac, i, j);
                assert!(
                    (got / dirac - 1.0).abs() < 1e-6,
                    "{i}->{j}: {got} vs {dirac}"
                );
                let majorana = 2.0
                    * pre
                    * q.powi(3)
                    * ((m[i] + m[j]).powi(2) * s.im * s.im + (m[i] - m[j]).powi(2) * s.re * s.re)
                    / hbar;
                let got = sm_radiative_decay_rate_per_s(&mix, Nature::Majorana, i, j);
                assert!(
                    (got / majorana - 1.0).abs() < 1e-6,
                    "{i}->{j}: {got} vs {majorana}"
                );
            }
            assert_eq!(
                sm_radiative_decay_rate_per_s(&mix, Nature::Dirac, 0, 2),
                0.0
            );
        }
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
