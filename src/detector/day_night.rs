//! Day and night at a detector: the ν–e elastic-scattering recoil spectrum of a beam that
//! arrives as an incoherent flavour mixture (the decoherent arrival probabilities of the
//! solar neutrinos, day or night), the detector response (a Gaussian energy resolution
//! σ(E) = a + b√E + cE and a threshold, in kinetic or total electron energy), the rate in an
//! energy window, and the day–night asymmetry A_DN = 2(D − N)/(D + N).
//!
//! Plain functions of probabilities, spectra and response parameters: the run layer
//! (`run::datasets::day_night`) shapes them into `/detector/day_night/...` datasets.
//!
//! The arrival state is a mixture of states ([`super::mixture`]): its flavour weights weight
//! the weak part (with the charge radii and the millicharge, which do not depend on the
//! state), and its μ_eff² — the populations times each arriving state's own μ_eff² — the
//! magnetic part, both given per neutrino energy by the caller.

use super::cross_section::{Composition, Interaction};
use super::flux::FluxTable;
use super::spectrum::fold_recoil_spectrum;
use super::DetectorError;
use crate::quadrature::trapezoid_weights;
use crate::units::M_E_MEV;

/// A Gaussian energy resolution σ(E) = a + b√E + c E (E and σ in MeV) in the response's
/// energy variable.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Resolution {
    pub a_mev: f64,
    pub b_sqrt_mev: f64,
    pub c: f64,
}

impl Resolution {
    /// Super-Kamiokande-I, in total electron energy: σ = 0.2468 + 0.1492√E + 0.0690E
    /// (Hosaka et al., Phys. Rev. D 73 (2006) 112001, hep-ex/0508053).
    pub const SK_I: Resolution = Resolution {
        a_mev: 0.2468,
        b_sqrt_mev: 0.1492,
        c: 0.0690,
    };
    /// Super-Kamiokande-IV, in total electron energy: σ = −0.0839 + 0.349√E + 0.0397E
    /// (Abe et al., Phys. Rev. D 94 (2016) 052010, arXiv:1606.07538).
    pub const SK_IV: Resolution = Resolution {
        a_mev: -0.0839,
        b_sqrt_mev: 0.349,
        c: 0.0397,
    };

    /// σ at energy `energy_mev` of the response's variable, floored at a tiny positive
    /// width so the Gaussian stays defined at the lowest energies.
    pub fn sigma_mev(&self, energy_mev: f64) -> f64 {
        (self.a_mev + self.b_sqrt_mev * energy_mev.max(0.0).sqrt() + self.c * energy_mev).max(1e-6)
    }
}

/// Which electron energy the resolution and the window refer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EnergyVariable {
    /// Kinetic energy T.
    #[default]
    Kinetic,
    /// Total energy T + m_e (Super-Kamiokande quotes this).
    Total,
}

impl EnergyVariable {
    /// The variable's value for kinetic energy `t_mev`.
    pub fn of_kinetic(self, t_mev: f64) -> f64 {
        match self {
            EnergyVariable::Kinetic => t_mev,
            EnergyVariable::Total => t_mev + M_E_MEV,
        }
    }

    /// The kinetic energy where the variable equals `e_mev`.
    pub fn to_kinetic(self, e_mev: f64) -> f64 {
        match self {
            EnergyVariable::Kinetic => e_mev,
            EnergyVariable::Total => e_mev - M_E_MEV,
        }
    }
}

/// A detector's response: resolution (none: observed = true energy) and the energy window
/// [threshold, max) of the rate, both in `variable`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Response {
    pub resolution: Option<Resolution>,
    pub variable: EnergyVariable,
    pub threshold_mev: f64,
    pub max_mev: f64,
}

/// dN/dT (true kinetic recoil energy, per electron and per unit of the flux's normalisation)
/// of a beam whose flavour weights and μ_eff² (μ_B²) at neutrino energy E are `arrival(E)`,
/// with the state-independent electromagnetic parameters of `base` (millicharge, charge
/// radii; its μ_eff² is not used).
pub fn recoil_spectrum(
    flux: &FluxTable,
    recoil_mev: &[f64],
    base: &Interaction,
    arrival: impl Fn(f64) -> (Composition, f64),
) -> Result<Vec<f64>, DetectorError> {
    fold_recoil_spectrum(flux, recoil_mev, |e| {
        let (composition, mu_eff_sq_mu_b2) = arrival(e);
        Interaction {
            composition,
            mu_eff_sq_mu_b2,
            ..*base
        }
    })
}

/// The observed spectrum on the same grid: dN/dT_obs = ∫ dT dN/dT(T) G(T_obs − T; σ(T)),
/// σ evaluated at the true energy in the response's variable, the T integral by the
/// trapezoid rule over `recoil_mev` (events outside the grid are not counted, so the grid
/// should start a few σ below the threshold). Without a resolution it returns the input.
pub fn observed_spectrum(
    recoil_mev: &[f64],
    true_spectrum: &[f64],
    response: &Response,
) -> Vec<f64> {
    let Some(res) = response.resolution else {
        return true_spectrum.to_vec();
    };
    let w = trapezoid_weights(recoil_mev);
    let norm = 1.0 / (2.0 * std::f64::consts::PI).sqrt();
    let sigmas: Vec<f64> = recoil_mev
        .iter()
        .map(|&t| res.sigma_mev(response.variable.of_kinetic(t)))
        .collect();
    recoil_mev
        .iter()
        .map(|&t_obs| {
            let mut sum = 0.0;
            for j in 0..recoil_mev.len() {
                let z = (t_obs - recoil_mev[j]) / sigmas[j];
                if z.abs() < 8.0 {
                    sum += w[j] * true_spectrum[j] * norm / sigmas[j] * (-0.5 * z * z).exp();
                }
            }
            sum
        })
        .collect()
}

/// ∫ of `spectrum` (on `recoil_mev`, kinetic) over the response's window, trapezoid rule
/// with the spectrum linear inside the intervals the window's ends cut.
pub fn window_rate(recoil_mev: &[f64], spectrum: &[f64], response: &Response) -> f64 {
    let lo = response.variable.to_kinetic(response.threshold_mev);
    let hi = response.variable.to_kinetic(response.max_mev);
    let mut sum = 0.0;
    for i in 1..recoil_mev.len() {
        let (x0, x1) = (recoil_mev[i - 1], recoil_mev[i]);
        let (a, b) = (x0.max(lo), x1.min(hi));
        if b <= a {
            continue;
        }
        let at = |x: f64| spectrum[i - 1] + (spectrum[i] - spectrum[i - 1]) * (x - x0) / (x1 - x0);
        sum += 0.5 * (b - a) * (at(a) + at(b));
    }
    sum
}

/// A_DN = 2(D − N)/(D + N); NaN when D + N is not positive.
pub fn asymmetry(day: f64, night: f64) -> f64 {
    if day + night > 0.0 {
        2.0 * (day - night) / (day + night)
    } else {
        f64::NAN
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::basis::Basis;
    use crate::detector::cross_section::{max_recoil_mev, Projectile};
    use crate::detector::mixture::arrival_composition;
    use crate::detector::spectrum::fold_recoil_spectrum;

    fn grid(lo: f64, hi: f64, n: usize) -> Vec<f64> {
        (0..n)
            .map(|i| lo + (hi - lo) * i as f64 / (n - 1) as f64)
            .collect()
    }

    const NO_RESOLUTION: Response = Response {
        resolution: None,
        variable: EnergyVariable::Kinetic,
        threshold_mev: 0.0,
        max_mev: f64::INFINITY,
    };

    #[test]
    fn a_pure_nu_e_arrival_is_the_pure_nu_e_fold() {
        let flux = FluxTable::b8();
        let t = [1.0, 5.0, 10.0];
        let p = [1.0, 0.0, 0.0, 0.0, 0.0, 0.0];
        let ours = recoil_spectrum(&flux, &t, &Interaction::default(), |_| {
            (arrival_composition(&p, Basis::DiracNeutrino), 0.0)
        })
        .unwrap();
        let pure = Composition::pure(Projectile {
            flavour: 0,
            antineutrino: false,
        });
        let direct = fold_recoil_spectrum(&flux, &t, |_| Interaction {
            composition: pure,
            ..Default::default()
        })
        .unwrap();
        assert_eq!(ours, direct);
    }

    #[test]
    fn the_mixture_is_linear_in_the_probabilities() {
        // dN/dT(P_ee) = P_ee dN/dT(ν_e) + (1 − P_ee) dN/dT(ν_μ): linear, so A_DN of a constant
        // P_ee shift follows from the two pure spectra (closed form).
        let flux = FluxTable::b8();
        let t = [2.0, 6.0, 9.0];
        let spec = |pee: f64| {
            recoil_spectrum(&flux, &t, &Interaction::default(), |_| {
                let p = [pee, 1.0 - pee, 0.0, 0.0, 0.0, 0.0];
                (arrival_composition(&p, Basis::DiracNeutrino), 0.0)
            })
            .unwrap()
        };
        let (e, m, x) = (spec(1.0), spec(0.0), spec(0.31));
        for i in 0..t.len() {
            let want = 0.31 * e[i] + 0.69 * m[i];
            assert!((x[i] / want - 1.0).abs() < 1e-13, "{i}");
            assert!(m[i] < 0.25 * e[i], "ν_μ scatters ~6x less than ν_e");
        }
        // Majorana: the second block scatters as antineutrinos; Dirac: sterile.
        let c = arrival_composition(&[0.5, 0.0, 0.0, 0.5, 0.0, 0.0], Basis::Majorana);
        assert_eq!((c.neutrino[0], c.antineutrino[0]), (0.5, 0.5));
        let c = arrival_composition(&[0.5, 0.0, 0.0, 0.5, 0.0, 0.0], Basis::DiracNeutrino);
        assert_eq!(c.antineutrino[0], 0.0);
    }

    #[test]
    fn a_sterile_arrival_scatters_only_magnetically_as_the_closed_form() {
        // A Dirac arrival entirely in the sterile block: no weak weight, only the magnetic
        // term with the arrival's μ_eff². For a flat flux φ₀ on [E₁, E₂] the fold is
        // φ₀ πα²/m_e² μ² [(E₂ − E_lo)/T − ln(E₂/E_lo)], E_lo = max(E₁, E_min(T)) (closed
        // form). The fold agrees to 7.5e-6 at worst (T = 9 MeV): dσ_mag/dT is finite at E_min(T),
        // and when E_min rounds to just outside the kinematic range the partial interval below
        // the first node loses up to half a node step of it.
        use crate::detector::cross_section::min_energy_mev;
        use crate::units::{ALPHA, HBARC_MEV_CM};
        let (e1, e2, phi0, mu2) = (2.0, 14.0, 3.0, 4e-22);
        let n = 20001;
        let e: Vec<f64> = (0..n)
            .map(|i| e1 + (e2 - e1) * i as f64 / (n - 1) as f64)
            .collect();
        let flux = FluxTable::new(e, vec![phi0; n]).unwrap();
        let p = [0.0, 0.0, 0.0, 0.7, 0.2, 0.1];
        let t = [0.01, 0.5, 3.0, 9.0];
        let ours = recoil_spectrum(&flux, &t, &Interaction::default(), |_| {
            (arrival_composition(&p, Basis::DiracNeutrino), mu2)
        })
        .unwrap();
        for (k, &tk) in t.iter().enumerate() {
            let lo = e1.max(min_energy_mev(tk));
            // dσ_mag/dT = K (1/T − 1/E) μ², K = πα²/m_e² in cm² (Vogel & Engel 1989).
            let k_mag = std::f64::consts::PI * ALPHA * ALPHA / (M_E_MEV * M_E_MEV)
                * HBARC_MEV_CM
                * HBARC_MEV_CM;
            let want = phi0 * k_mag * mu2 * ((e2 - lo) / tk - (e2 / lo).ln());
            assert!(
                (ours[k] / want - 1.0).abs() < 2e-5,
                "T {tk}: {} vs {want}",
                ours[k]
            );
        }
        // Without the moment the sterile arrival is invisible.
        let none = recoil_spectrum(&flux, &t, &Interaction::default(), |_| {
            (arrival_composition(&p, Basis::DiracNeutrino), 0.0)
        })
        .unwrap();
        assert_eq!(none, [0.0; 4]);
    }

    #[test]
    fn resolution_keeps_the_events_and_spreads_a_line_by_sigma() {
        // A narrow true line at 8 MeV (kinetic): the observed spectrum has the same integral
        // and the width σ(8 + m_e) of SK-IV (total energy), checked by its second moment.
        let t = grid(0.01, 20.0, 4001);
        let true_spec: Vec<f64> = t
            .iter()
            .map(|&x| (-0.5 * ((x - 8.0) / 0.02).powi(2)).exp())
            .collect();
        let response = Response {
            resolution: Some(Resolution::SK_IV),
            variable: EnergyVariable::Total,
            ..NO_RESOLUTION
        };
        let obs = observed_spectrum(&t, &true_spec, &response);
        let w = trapezoid_weights(&t);
        let n_true: f64 = w.iter().zip(&true_spec).map(|(a, b)| a * b).sum();
        let n_obs: f64 = w.iter().zip(&obs).map(|(a, b)| a * b).sum();
        assert!((n_obs / n_true - 1.0).abs() < 1e-6, "{n_obs} {n_true}");
        let var: f64 = w
            .iter()
            .zip(&obs)
            .zip(&t)
            .map(|((a, b), x)| a * b * (x - 8.0).powi(2))
            .sum::<f64>()
            / n_obs;
        let sigma = Resolution::SK_IV.sigma_mev(8.0 + M_E_MEV);
        let want = (sigma * sigma + 0.02 * 0.02).sqrt();
        assert!(
            (var.sqrt() / want - 1.0).abs() < 1e-4,
            "{} vs {want}",
            var.sqrt()
        );
        // σ(10 MeV total) of SK-IV ≈ 1.49 MeV (the paper's ~15 % at 10 MeV).
        assert!((Resolution::SK_IV.sigma_mev(10.0) - 1.4166).abs() < 1e-3);
    }

    #[test]
    fn window_rate_integrates_exactly_for_linear_spectra() {
        // ∫_{3}^{7.5} (2 + x) dx = 4.5·2 + (7.5² − 3²)/2 = 32.625 (kinetic); with total
        // energy the window shifts by m_e.
        let t = grid(0.0, 10.0, 11);
        let s: Vec<f64> = t.iter().map(|x| 2.0 + x).collect();
        let kin = Response {
            threshold_mev: 3.0,
            max_mev: 7.5,
            ..NO_RESOLUTION
        };
        assert!((window_rate(&t, &s, &kin) - 32.625).abs() < 1e-12);
        let tot = Response {
            variable: EnergyVariable::Total,
            threshold_mev: 3.0 + M_E_MEV,
            max_mev: 7.5 + M_E_MEV,
            ..kin
        };
        assert!((window_rate(&t, &s, &tot) - 32.625).abs() < 1e-12);
        assert!((asymmetry(1.0, 1.02) + 0.0198019801980198).abs() < 1e-15);
        assert!(asymmetry(0.0, 0.0).is_nan());
        assert!(max_recoil_mev(16.0) > 15.0);
    }
}
