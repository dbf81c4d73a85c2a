//! Emission at the neutrinosphere (docs/collective.md, "The model"): per-species spectra, the
//! strength μ₀ of each species' self-interaction potential, the energy bins and their weights, and
//! the bulb's geometric factor D(r/R_ν).

use crate::units::{sqrt2_gf_ev2, EV_TO_INV_KM, HBARC_EV_CM};

/// 1 MeV in erg (exact, SI).
pub const ERG_PER_MEV: f64 = 1.602_176_634e-6;
/// Speed of light, cm/s.
const C_CM_S: f64 = 2.997_924_58e10;

/// The normalised shape f(E) of an emitted spectrum (∫ f dE = 1 for given ⟨E⟩).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SpectrumShape {
    /// Fermi–Dirac with degeneracy η: f ∝ E²/(e^{E/T − η} + 1), ⟨E⟩ = T F₃(η)/F₂(η).
    FermiDirac { eta: f64 },
    /// Keil–Raffelt–Janka pinched: f ∝ E^α e^{−(α+1)E/⟨E⟩}.
    Pinched { alpha: f64 },
}

/// What one species emits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpeciesEmission {
    pub luminosity_erg_s: f64,
    pub mean_energy_mev: f64,
    pub shape: SpectrumShape,
}

/// Emission of the four species of the bulb; ν_x (ν̄_x) stands for each non-electron flavour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Emission {
    pub r_nu_km: f64,
    pub nu_e: SpeciesEmission,
    pub nubar_e: SpeciesEmission,
    pub nu_x: SpeciesEmission,
    pub nubar_x: SpeciesEmission,
}

/// Uniform energy bins of width E_max/N with centres (i + ½) dE (docs/collective.md, "The model").
#[derive(Debug, Clone, PartialEq)]
pub struct EnergyBins {
    pub width_mev: f64,
    pub centres_mev: Vec<f64>,
}

impl EnergyBins {
    /// `count` bins of equal width up to `e_max_mev`.
    pub fn uniform(count: usize, e_max_mev: f64) -> Self {
        let width_mev = e_max_mev / count as f64;
        EnergyBins {
            width_mev,
            centres_mev: (0..count).map(|i| (i as f64 + 0.5) * width_mev).collect(),
        }
    }
}

/// Per-bin weights (km⁻¹) of the four species: `w[s][i]`, s in the order ν_e, ν̄_e, ν_x, ν̄_x.
#[derive(Debug, Clone, PartialEq)]
pub struct BinWeights {
    pub nu_e: Vec<f64>,
    pub nubar_e: Vec<f64>,
    pub nu_x: Vec<f64>,
    pub nubar_x: Vec<f64>,
}

/// F_k(η) = ∫₀^∞ x^k/(e^{x−η} + 1) dx by composite Simpson on [0, max(η, 0) + 60].
pub fn fermi_integral(k: i32, eta: f64) -> f64 {
    let upper = eta.max(0.0) + 60.0;
    let n = 20_000;
    let h = upper / n as f64;
    let f = |x: f64| {
        let e = x - eta;
        // x^k e^{−e}/(1 + e^{−e}) for large e avoids overflow.
        if e > 0.0 {
            x.powi(k) * (-e).exp() / (1.0 + (-e).exp())
        } else {
            x.powi(k) / (e.exp() + 1.0)
        }
    };
    let mut sum = f(0.0) + f(upper);
    for i in 1..n {
        sum += f(i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
    }
    sum * h / 3.0
}

/// f(E) up to a constant factor (only ratios between bins are used).
fn shape_unnormalised(e: &SpeciesEmission, energy_mev: f64) -> f64 {
    match e.shape {
        SpectrumShape::FermiDirac { eta } => {
            let t = e.mean_energy_mev * fermi_integral(2, eta) / fermi_integral(3, eta);
            let x = energy_mev / t - eta;
            energy_mev * energy_mev / (x.exp() + 1.0)
        }
        SpectrumShape::Pinched { alpha } => {
            let a1 = alpha + 1.0;
            (alpha * energy_mev.ln() - a1 * energy_mev / e.mean_energy_mev).exp()
        }
    }
}

/// μ₀ = √2 G_F (ħc)³ Ṅ/(2π R_ν² c) in km⁻¹, Ṅ = L/⟨E⟩ (docs/collective.md, "The model").
pub fn strength_inv_km(e: &SpeciesEmission, r_nu_km: f64) -> f64 {
    let ndot_per_s = e.luminosity_erg_s / (e.mean_energy_mev * ERG_PER_MEV);
    let r_cm = r_nu_km * 1e5;
    let n_cm3 = ndot_per_s / (2.0 * std::f64::consts::PI * r_cm * r_cm * C_CM_S);
    sqrt2_gf_ev2() * HBARC_EV_CM.powi(3) * n_cm3 * EV_TO_INV_KM
}

/// w_{s,i} = μ₀_s f_s(E_i)/Σ_j f_s(E_j): the bins of one species sum to μ₀_s exactly.
pub fn species_weights(e: &SpeciesEmission, r_nu_km: f64, bins: &EnergyBins) -> Vec<f64> {
    let f: Vec<f64> = bins
        .centres_mev
        .iter()
        .map(|&x| shape_unnormalised(e, x))
        .collect();
    let total: f64 = f.iter().sum();
    let mu0 = strength_inv_km(e, r_nu_km);
    if total > 0.0 {
        f.iter().map(|v| mu0 * v / total).collect()
    } else {
        vec![0.0; f.len()]
    }
}

impl Emission {
    /// The weights of every species in every bin.
    pub fn weights(&self, bins: &EnergyBins) -> BinWeights {
        let w = |e: &SpeciesEmission| species_weights(e, self.r_nu_km, bins);
        BinWeights {
            nu_e: w(&self.nu_e),
            nubar_e: w(&self.nubar_e),
            nu_x: w(&self.nu_x),
            nubar_x: w(&self.nubar_x),
        }
    }
}

/// D(x) = ½ [1 − √(1 − 1/x²)]² (docs/collective.md, "The model"), written as ½ [y/(1 + √(1 − y))]²
/// with y = 1/x² so that it keeps full relative precision at large x; ½ for x ≤ 1.
pub fn bulb_d(x: f64) -> f64 {
    if x <= 1.0 {
        return 0.5;
    }
    let y = 1.0 / (x * x);
    let q = y / (1.0 + (1.0 - y).sqrt());
    0.5 * q * q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strengths_match_spec_n1() {
        // docs/collective.md ("The model"): L = 1e51 erg/s, R_ν = 10 km.
        for (e_mev, expect) in [(10.0, 2.128220e5), (15.0, 1.418814e5), (20.0, 1.064110e5)] {
            let s = SpeciesEmission {
                luminosity_erg_s: 1e51,
                mean_energy_mev: e_mev,
                shape: SpectrumShape::FermiDirac { eta: 0.0 },
            };
            let mu0 = strength_inv_km(&s, 10.0);
            assert!((mu0 / expect - 1.0).abs() < 2e-6, "{mu0} vs {expect}");
        }
    }

    #[test]
    fn fermi_integrals_at_zero_degeneracy() {
        // F₂(0) = 3ζ(3)/2, F₃(0) = 7π⁴/120.
        assert!((fermi_integral(2, 0.0) - 1.5 * 1.202_056_903_159_594).abs() < 1e-10);
        let f3 = 7.0 * std::f64::consts::PI.powi(4) / 120.0;
        assert!((fermi_integral(3, 0.0) - f3).abs() < 1e-9);
    }

    #[test]
    fn bulb_factor_limits_and_integral() {
        assert_eq!(bulb_d(1.0), 0.5);
        let x: f64 = 1e3;
        assert!((bulb_d(x) * 8.0 * x.powi(4) - 1.0).abs() < 1e-5);
        // ∫₁^∞ D dx = (π − 3)/2: substitute x = 1/sin u, dx = −cos u/sin² u du.
        let n = 200_000;
        let h = std::f64::consts::FRAC_PI_2 / n as f64;
        let integrand = |u: f64| {
            let (s, c) = u.sin_cos();
            if s == 0.0 {
                0.0
            } else {
                bulb_d(1.0 / s) * c / (s * s)
            }
        };
        let mut sum = integrand(0.0) + integrand(std::f64::consts::FRAC_PI_2);
        for i in 1..n {
            sum += integrand(i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
        }
        let integral = sum * h / 3.0;
        assert!((integral - (std::f64::consts::PI - 3.0) / 2.0).abs() < 1e-9);
    }

    #[test]
    fn weights_sum_to_strength_and_mean_energy_is_kept() {
        let s = SpeciesEmission {
            luminosity_erg_s: 1e51,
            mean_energy_mev: 15.0,
            shape: SpectrumShape::Pinched { alpha: 3.0 },
        };
        let bins = EnergyBins::uniform(400, 200.0);
        let w = species_weights(&s, 10.0, &bins);
        let mu0 = strength_inv_km(&s, 10.0);
        assert!((w.iter().sum::<f64>() / mu0 - 1.0).abs() < 1e-12);
        let mean: f64 = w
            .iter()
            .zip(&bins.centres_mev)
            .map(|(a, e)| a * e)
            .sum::<f64>()
            / mu0;
        assert!((mean / 15.0 - 1.0).abs() < 1e-4, "{mean}");
        let fd = SpeciesEmission {
            shape: SpectrumShape::FermiDirac { eta: 3.0 },
            ..s
        };
        let w = species_weights(&fd, 10.0, &bins);
        let mean: f64 = w
            .iter()
            .zip(&bins.centres_mev)
            .map(|(a, e)| a * e)
            .sum::<f64>()
            / mu0;
        assert!((mean / 15.0 - 1.0).abs() < 1e-4, "{mean}");
    }
}
