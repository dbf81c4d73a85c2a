//! Neutral current on deuterium, ν + d → ν + p + n (SNO's NC channel): the total cross
//! sections of neutrinos and antineutrinos, and the NC rate of a beam folded over a flux.
//!
//! Data: Nakamura et al., Nucl. Phys. A 707 (2002) 561, nucl-th/0201062, the columns
//! σ_NC(ν d) and σ_NC(ν̄ d) of `profiles/nue_d_nakamura_total.csv` (provenance in
//! profiles/README.md), interpolated like σ_CC (linear in ln σ) and vanishing as
//! (E − B)³ between the binding energy B = 2.2246 MeV and the first positive row (2.4 MeV,
//! 4.3e-47 cm², negligible for any flux).
//!
//! NC counts every active neutrino alike, whatever its flavour: a beam with flavour weights
//! [`Composition`] has σ = σ_NC(ν) Σ_α w_α(ν) + σ_NC(ν̄) Σ_α w_α(ν̄). A Dirac neutrino's
//! right-handed (sterile) components carry no weight in the composition
//! ([`super::mixture::arrival_composition`]), so they do not count; a Majorana neutrino's
//! spin-flipped components are antineutrinos, with the ν̄ d cross section (2 % below the
//! ν d one at 5 MeV, 5 % at 10 MeV, 8 % at 15 MeV).

use std::sync::OnceLock;

use super::cross_section::Composition;
use super::deuteron::LogTable;
use super::flux::FluxTable;
use crate::quadrature::trapezoid_weights;

/// The deuteron's binding energy (MeV): the NC threshold.
pub const BINDING_MEV: f64 = 2.224_566;

/// σ_NC of neutrinos and antineutrinos on deuterium (the shipped tables).
#[derive(Debug, Clone)]
pub struct DeuteronNc {
    neutrino: LogTable,
    antineutrino: LogTable,
}

impl DeuteronNc {
    /// The Nakamura et al. tables shipped in `profiles/` (parsed once).
    pub fn nakamura() -> &'static DeuteronNc {
        static NC: OnceLock<DeuteronNc> = OnceLock::new();
        NC.get_or_init(|| DeuteronNc {
            neutrino: LogTable::of_column(2, BINDING_MEV),
            antineutrino: LogTable::of_column(3, BINDING_MEV),
        })
    }

    /// σ_NC(ν d → ν p n) in cm², any active flavour.
    pub fn neutrino_cm2(&self, e_mev: f64) -> f64 {
        self.neutrino.at(e_mev)
    }

    /// σ_NC(ν̄ d → ν̄ p n) in cm², any active flavour.
    pub fn antineutrino_cm2(&self, e_mev: f64) -> f64 {
        self.antineutrino.at(e_mev)
    }

    /// σ_NC of a beam with flavour weights `c` at `e_mev` (cm²): the active ν and ν̄ weights
    /// times their cross sections.
    pub fn of_beam_cm2(&self, c: &Composition, e_mev: f64) -> f64 {
        let nu: f64 = c.neutrino.iter().sum();
        let nubar: f64 = c.antineutrino.iter().sum();
        nu * self.neutrino_cm2(e_mev) + nubar * self.antineutrino_cm2(e_mev)
    }
}

/// NC events per second per deuteron: ∫ φ(E) σ_NC(E; c(E)) dE by the trapezoid rule on the
/// flux table's nodes, `c(E)` the beam's flavour weights (as for the CC fold).
pub fn fold_nc_rate(flux: &FluxTable, composition: impl Fn(f64) -> Composition) -> f64 {
    let nc = DeuteronNc::nakamura();
    let (e, phi) = (flux.energy_mev(), flux.flux());
    let w = trapezoid_weights(e);
    (0..e.len())
        .filter(|&k| e[k] > BINDING_MEV)
        .map(|k| w[k] * phi[k] * nc.of_beam_cm2(&composition(e[k]), e[k]))
        .sum()
}

#[cfg(test)]
#[path = "deuteron_nc_tests.rs"]
mod tests;
