//! ν–e and ν̄–e elastic scattering on free electrons at rest: dσ/dT at electron recoil T for
//! an incident energy E, and the total Standard-Model cross sections.
//!
//! Weak part ('t Hooft, PLB 37 (1971) 195; Vogel & Engel, PRD 39 (1989) 3378; Giunti &
//! Studenikin, RMP 87 (2015) 531, sec. IV):
//!
//! dσ/dT = (G_F² m_e / 2π) [(g_V + g_A)² + (g_V − g_A)² (1 − T/E)² − (g_V² − g_A²) m_e T/E²]
//!
//! with ν_e: g_V = 2 sin²θ_W + ½, g_A = ½; ν_μ,τ: g_V = 2 sin²θ_W − ½, g_A = −½; antineutrinos
//! g_A → −g_A. The neutrino charge radius ⟨r²_ν_ℓ⟩ shifts g_V → g_V + (2/3) m_W² ⟨r²⟩ sin²θ_W
//! (Giunti & Studenikin, sec. V.B; Vogel & Engel 1989): ⟨r²⟩ is the radius of the neutrino ν_ℓ
//! in cm², and the same shift enters the ν̄_ℓ formula (the operator is the same; papers that
//! write the antineutrino's own radius ⟨r²_ν̄⟩ = −⟨r²_ν⟩ put a minus sign there instead).
//!
//! Electromagnetic parts, which do not interfere with the weak one at this order (helicity
//! flip) or are kept to their leading term (millicharge):
//! - magnetic (Vogel & Engel 1989): πα²/m_e² (1/T − 1/E) (μ_eff/μ_B)²,
//! - millicharge q (units of e; Giunti & Studenikin, sec. VI): 2πα q²/(m_e T²), the pure
//!   photon-exchange term; its interference with the weak amplitude is not included.
//!
//! Kinematics: T_max = 2E²/(m_e + 2E); the minimum energy giving a recoil T is
//! E_min(T) = (T + √(T² + 2 m_e T))/2. Natural units in MeV, turned into cm² with (ħc)².

use crate::units::{ALPHA, G_F_MEV2, HBARC_MEV_CM, M_E_MEV, M_W_MEV, SIN2_THETA_W};

/// Neutrino or antineutrino of one flavour (0 = e, 1 = μ, 2 = τ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Projectile {
    pub flavour: usize,
    pub antineutrino: bool,
}

/// Active flavour weights at the detector: |ψ_α|² of neutrinos and antineutrinos (e, μ, τ).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Composition {
    pub neutrino: [f64; 3],
    pub antineutrino: [f64; 3],
}

impl Composition {
    /// A pure flavour state.
    pub fn pure(p: Projectile) -> Self {
        let mut c = Composition::default();
        let side = if p.antineutrino {
            &mut c.antineutrino
        } else {
            &mut c.neutrino
        };
        side[p.flavour.min(2)] = 1.0;
        c
    }
}

/// Everything about the incoming beam that the cross section needs at one energy.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Interaction {
    /// Flavour weights of the weak part.
    pub composition: Composition,
    /// μ_eff² in μ_B² (e.g. [`super::BlockMoments::total_mu_b2`]).
    pub mu_eff_sq_mu_b2: f64,
    /// Neutrino millicharge in units of e.
    pub millicharge_e: f64,
    /// Charge radii ⟨r²_ν_ℓ⟩ in cm² (e, μ, τ).
    pub charge_radius_cm2: [f64; 3],
}

/// (G_F² m_e / 2π)(ħc)²: the weak prefactor in cm²/MeV.
pub fn weak_prefactor_cm2_per_mev() -> f64 {
    G_F_MEV2 * G_F_MEV2 * M_E_MEV / (2.0 * std::f64::consts::PI) * HBARC_MEV_CM * HBARC_MEV_CM
}

/// The g_V shift (2/3) m_W² ⟨r²⟩ sin²θ_W of a charge radius given in cm².
pub fn charge_radius_shift(charge_radius_cm2: f64) -> f64 {
    let r2_per_mev2 = charge_radius_cm2 / (HBARC_MEV_CM * HBARC_MEV_CM);
    2.0 / 3.0 * M_W_MEV * M_W_MEV * r2_per_mev2 * SIN2_THETA_W
}

/// (g_V, g_A) of a projectile on electrons, with the charge-radius shift of g_V.
pub fn couplings(p: Projectile, charge_radius_cm2: f64) -> (f64, f64) {
    let (g_v, g_a) = if p.flavour == 0 {
        (2.0 * SIN2_THETA_W + 0.5, 0.5)
    } else {
        (2.0 * SIN2_THETA_W - 0.5, -0.5)
    };
    let g_a = if p.antineutrino { -g_a } else { g_a };
    (g_v + charge_radius_shift(charge_radius_cm2), g_a)
}

/// T_max = 2E²/(m_e + 2E) in MeV.
pub fn max_recoil_mev(energy_mev: f64) -> f64 {
    2.0 * energy_mev * energy_mev / (M_E_MEV + 2.0 * energy_mev)
}

/// E_min(T) = (T + √(T² + 2 m_e T))/2 in MeV, the inverse of [`max_recoil_mev`].
pub fn min_energy_mev(recoil_mev: f64) -> f64 {
    0.5 * (recoil_mev + (recoil_mev * recoil_mev + 2.0 * M_E_MEV * recoil_mev).sqrt())
}

fn in_range(energy_mev: f64, recoil_mev: f64) -> bool {
    energy_mev > 0.0 && recoil_mev > 0.0 && recoil_mev <= max_recoil_mev(energy_mev)
}

/// Weak dσ/dT (cm²/MeV) for given couplings; 0 outside 0 < T ≤ T_max.
pub fn dsigma_dt_weak(g_v: f64, g_a: f64, energy_mev: f64, recoil_mev: f64) -> f64 {
    if !in_range(energy_mev, recoil_mev) {
        return 0.0;
    }
    let y = 1.0 - recoil_mev / energy_mev;
    let bracket = (g_v + g_a).powi(2) + (g_v - g_a).powi(2) * y * y
        - (g_v * g_v - g_a * g_a) * M_E_MEV * recoil_mev / (energy_mev * energy_mev);
    weak_prefactor_cm2_per_mev() * bracket
}

/// Weak dσ/dT (cm²/MeV) of one flavour, ν or ν̄.
pub fn dsigma_dt_sm(
    p: Projectile,
    energy_mev: f64,
    recoil_mev: f64,
    charge_radius_cm2: f64,
) -> f64 {
    let (g_v, g_a) = couplings(p, charge_radius_cm2);
    dsigma_dt_weak(g_v, g_a, energy_mev, recoil_mev)
}

/// Magnetic dσ/dT (cm²/MeV): πα²/m_e² (1/T − 1/E) μ_eff², μ_eff² in μ_B².
pub fn dsigma_dt_magnetic(mu_eff_sq_mu_b2: f64, energy_mev: f64, recoil_mev: f64) -> f64 {
    if !in_range(energy_mev, recoil_mev) {
        return 0.0;
    }
    let pi = std::f64::consts::PI;
    pi * ALPHA * ALPHA / (M_E_MEV * M_E_MEV)
        * (1.0 / recoil_mev - 1.0 / energy_mev)
        * mu_eff_sq_mu_b2
        * HBARC_MEV_CM
        * HBARC_MEV_CM
}

/// Millicharge dσ/dT (cm²/MeV): 2πα q²/(m_e T²), q in units of e.
pub fn dsigma_dt_millicharge(millicharge_e: f64, energy_mev: f64, recoil_mev: f64) -> f64 {
    if !in_range(energy_mev, recoil_mev) {
        return 0.0;
    }
    let pi = std::f64::consts::PI;
    2.0 * pi * ALPHA * millicharge_e * millicharge_e / (M_E_MEV * recoil_mev * recoil_mev)
        * HBARC_MEV_CM
        * HBARC_MEV_CM
}

/// The full dσ/dT (cm²/MeV) per unit flux: the weak part weighted by the composition, plus
/// the magnetic part (μ_eff² already carries the state's norm) and the millicharge part, which
/// is helicity-conserving photon exchange and so counts every component of a normalised state
/// (weight 1).
pub fn dsigma_dt(interaction: &Interaction, energy_mev: f64, recoil_mev: f64) -> f64 {
    let c = &interaction.composition;
    let mut sum = 0.0;
    for flavour in 0..3 {
        let r2 = interaction.charge_radius_cm2[flavour];
        for (antineutrino, w) in [
            (false, c.neutrino[flavour]),
            (true, c.antineutrino[flavour]),
        ] {
            if w != 0.0 {
                let p = Projectile {
                    flavour,
                    antineutrino,
                };
                sum += w * dsigma_dt_sm(p, energy_mev, recoil_mev, r2);
            }
        }
    }
    sum + dsigma_dt_magnetic(interaction.mu_eff_sq_mu_b2, energy_mev, recoil_mev)
        + dsigma_dt_millicharge(interaction.millicharge_e, energy_mev, recoil_mev)
}

/// Total weak cross section (cm²) for given couplings: the exact integral of
/// [`dsigma_dt_weak`] over 0 < T ≤ T_max (a polynomial in T).
pub fn sigma_weak_cm2(g_v: f64, g_a: f64, energy_mev: f64) -> f64 {
    if energy_mev <= 0.0 {
        return 0.0;
    }
    let e = energy_mev;
    let t = max_recoil_mev(e);
    let y = 1.0 - t / e;
    let integral = (g_v + g_a).powi(2) * t + (g_v - g_a).powi(2) * e / 3.0 * (1.0 - y * y * y)
        - (g_v * g_v - g_a * g_a) * M_E_MEV * t * t / (2.0 * e * e);
    weak_prefactor_cm2_per_mev() * integral
}

/// Total Standard-Model cross section (cm²) of one flavour, ν or ν̄.
pub fn sigma_sm_cm2(p: Projectile, energy_mev: f64, charge_radius_cm2: f64) -> f64 {
    let (g_v, g_a) = couplings(p, charge_radius_cm2);
    sigma_weak_cm2(g_v, g_a, energy_mev)
}

/// The recoil T (MeV) below which the magnetic dσ/dT exceeds the weak one, found by bisection
/// on (0, T_max]; `None` if the magnetic part never dominates (μ = 0).
pub fn magnetic_crossover_mev(p: Projectile, energy_mev: f64, mu_eff_sq_mu_b2: f64) -> Option<f64> {
    let excess = |t: f64| {
        dsigma_dt_magnetic(mu_eff_sq_mu_b2, energy_mev, t) - dsigma_dt_sm(p, energy_mev, t, 0.0)
    };
    let mut hi = max_recoil_mev(energy_mev);
    if excess(hi) > 0.0 {
        return Some(hi);
    }
    let mut lo = hi * 1e-30;
    if excess(lo) <= 0.0 {
        return None;
    }
    // Bisect in log T: the crossover can sit many decades below T_max.
    for _ in 0..200 {
        let mid = (lo * hi).sqrt();
        if excess(mid) > 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some((lo * hi).sqrt())
}

#[cfg(test)]
#[path = "cross_section_tests.rs"]
mod tests;
