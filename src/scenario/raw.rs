//! The serde mirror of scenario.md: one strict struct per table, unknown fields rejected.
//!
//! Nothing here is validated beyond types, word choices (a [`Word`] says
//! `must be "dirac" or "majorana", got "x"` at the value) and the shapes of the values that
//! take more than one ([`super::unions`]); [`super::validate`] turns a [`RawScenario`] into a
//! [`super::Scenario`]. The `[medium]` table stays a raw TOML table because its fields depend
//! on its `kind`; each kind has its own strict struct in the medium module.

use serde::Deserialize;
use std::collections::BTreeMap;

use super::grid::Scale;
use super::unions::{RawEarth, RawInitial, RawMoment, RawProduction, RawRecord};
use super::word::Word;
use crate::basis::{Nature, Particle};
use crate::evolve::Method;
use crate::moments::MomentBasis;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub name: String,
    pub description: Option<String>,
    pub neutrino: RawNeutrino,
    pub mixing: Option<RawMixing>,
    pub moments: Option<RawMoments>,
    pub energy: RawEnergy,
    pub medium: RawMedium,
    pub track: Option<RawTrack>,
    pub solver: Option<RawSolver>,
    pub output: Option<RawOutput>,
    pub detector: Option<RawDetector>,
    pub arrival: Option<RawArrival>,
    /// `[nsi]`: interpreted by `scenario::extensions`.
    pub nsi: Option<super::extensions::RawNsi>,
    /// `[turbulence]`: interpreted by `scenario::turbulence`.
    pub turbulence: Option<super::turbulence::RawTurbulence>,
    /// Interpreted by [`super::scan`] (field = values), after the file as written validated.
    pub scan: Option<toml::Table>,
    /// `[collective]`: validated in `scenario::collective`.
    pub collective: Option<super::collective::RawCollective>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNeutrino {
    pub flavours: i64,
    pub nature: Word<Nature>,
    pub particle: Option<Word<Particle>>,
    /// `"all"` or a list of state labels (which exist is checked in validation).
    pub initial: Option<RawInitial>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMixing {
    pub preset: Option<String>,
    pub theta12_deg: Option<f64>,
    pub theta13_deg: Option<f64>,
    pub theta23_deg: Option<f64>,
    pub delta_cp_deg: Option<f64>,
    pub dm21_ev2: Option<f64>,
    pub dm31_ev2: Option<f64>,
    pub theta_deg: Option<f64>,
    pub dm2_ev2: Option<f64>,
    pub lightest_mass_ev: Option<f64>,
    pub majorana_phases_deg: Option<Vec<f64>>,
    /// 3×3 rows of numbers or `[re, im]` (interpreted by `scenario::extensions`).
    pub mass_matrix_ev: Option<super::extensions::RawMassMatrix>,
}

impl RawMixing {
    /// The parameter fields (every field but `mass_matrix_ev`), in the order errors name them.
    pub const PARAMETERS: [&'static str; 11] = [
        "preset",
        "theta12_deg",
        "theta13_deg",
        "theta23_deg",
        "delta_cp_deg",
        "dm21_ev2",
        "dm31_ev2",
        "theta_deg",
        "dm2_ev2",
        "lightest_mass_ev",
        "majorana_phases_deg",
    ];
    /// The fields only three flavours have.
    pub const THREE_FLAVOUR: [&'static str; 7] = [
        "preset",
        "theta12_deg",
        "theta13_deg",
        "theta23_deg",
        "delta_cp_deg",
        "dm21_ev2",
        "dm31_ev2",
    ];
    /// The fields only two flavours have.
    pub const TWO_FLAVOUR: [&'static str; 2] = ["theta_deg", "dm2_ev2"];

    /// The first of the parameter fields `among` that the file sets, in [`Self::PARAMETERS`]
    /// order.
    pub fn first_set(&self, among: &[&str]) -> Option<&'static str> {
        let set = [
            self.preset.is_some(),
            self.theta12_deg.is_some(),
            self.theta13_deg.is_some(),
            self.theta23_deg.is_some(),
            self.delta_cp_deg.is_some(),
            self.dm21_ev2.is_some(),
            self.dm31_ev2.is_some(),
            self.theta_deg.is_some(),
            self.dm2_ev2.is_some(),
            self.lightest_mass_ev.is_some(),
            self.majorana_phases_deg.is_some(),
        ];
        Self::PARAMETERS
            .into_iter()
            .zip(set)
            .find(|(name, set)| *set && among.contains(name))
            .map(|(name, _)| name)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMoments {
    pub basis: Option<Word<MomentBasis>>,
    /// Values are a real number or `[re, im]`.
    #[serde(default)]
    pub magnetic_mu_b: BTreeMap<String, RawMoment>,
    #[serde(default)]
    pub electric_mu_b: BTreeMap<String, RawMoment>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEnergy {
    pub scale: Option<Word<Scale>>,
    pub min_mev: Option<f64>,
    pub max_mev: Option<f64>,
    pub points: Option<i64>,
    pub values_mev: Option<Vec<f64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTrack {
    pub start_km: Option<f64>,
    pub end_km: Option<f64>,
    /// `"end" | "all-steps" | { points = N } | { values_km = [...] }` (the positions are
    /// built in validation, from the track's ends).
    pub record: Option<RawRecord>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSolver {
    pub method: Option<Word<Method>>,
    pub rtol: Option<f64>,
    pub atol: Option<f64>,
    pub max_step_km: Option<f64>,
    pub max_steps: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOutput {
    pub file: Option<String>,
    pub amplitudes: Option<bool>,
    pub profile_samples: Option<i64>,
    pub observables: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawArrival {
    /// `"none"` or `{ cos_zenith = [...], weights = [...] }` (checked in validation).
    pub earth: Option<RawEarth>,
    pub energy_resolution: Option<f64>,
    /// `{ mean_km, sigma_km, points }` or `{ file }` (ranges checked in validation).
    pub production: Option<RawProduction>,
    /// `{ latitude_deg | livetime_file, inverse_square, chords, night_bins }` (interpreted in
    /// [`super::site`]).
    pub site: Option<super::site::RawSite>,
    /// `{ sigma_x_nm | sigma_x_cm | sigma_e_mev }` (validated in `scenario::decoherence`).
    pub wave_packet: Option<super::decoherence::RawWavePacket>,
}

/// `[detector]` (validated in [`super::detector`]).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDetector {
    pub recoil_min_mev: Option<f64>,
    pub recoil_max_mev: Option<f64>,
    pub recoil_points: Option<i64>,
    pub recoil_scale: Option<Word<Scale>>,
    pub flux_file: Option<String>,
    pub flux_scale: Option<f64>,
    pub electrons: Option<f64>,
    pub millicharge_e: Option<f64>,
    pub charge_radius_cm2: Option<RawChargeRadius>,
    /// `{ resolution, energy, threshold_mev, max_mev }` (interpreted in
    /// [`super::detector_response`]).
    pub response: Option<super::detector_response::RawResponse>,
    /// Target deuterons of the ν_e CC channel ([`super::detector_deuteron`]).
    pub deuterons: Option<f64>,
}

/// `[detector] charge_radius_cm2 = { e = .., mu = .., tau = .. }`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChargeRadius {
    pub e: Option<f64>,
    pub mu: Option<f64>,
    pub tau: Option<f64>,
}

/// `[medium]`: its `kind` (a string; required, checked in validation) and the kind's own
/// table, which the medium module reads strictly ([`crate::medium::build_medium`]: which
/// keys exist depends on the kind).
#[derive(Debug, Default)]
pub struct RawMedium {
    pub kind: Option<String>,
    pub table: toml::Table,
}

impl<'de> Deserialize<'de> for RawMedium {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawMedium;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a table with kind = \"...\"")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawMedium, A::Error> {
                let mut medium = RawMedium::default();
                while let Some(key) = map.next_key::<String>()? {
                    if key == "kind" {
                        medium.kind = Some(map.next_value()?);
                    } else {
                        let value = map.next_value()?;
                        medium.table.insert(key, value);
                    }
                }
                Ok(medium)
            }
        }
        d.deserialize_map(V)
    }
}
