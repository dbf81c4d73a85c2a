//! `[mixing]`: a preset or explicit angles and splittings (or a mass matrix, in `scenario::extensions`).

use crate::basis::{Flavours, Nature};
use crate::mixing::{Mixing, OscillationParams, Preset, ThreeFlavourParams, TwoFlavourParams};
use crate::scenario::raw::RawMixing;

use super::{Checker, Result};

impl Checker<'_> {
    pub(super) fn mixing(
        &self,
        m: RawMixing,
        flavours: Flavours,
        nature: Nature,
    ) -> Result<Mixing> {
        let errf = |f: &str, msg: String| self.err(f, msg);
        if let Some(mixing) =
            crate::scenario::extensions::mass_matrix_mixing(&m, flavours, nature, &errf)?
        {
            return Ok(mixing);
        }
        let params = match flavours {
            Flavours::Two => self.two_flavour(&m)?,
            Flavours::Three => self.three_flavour(&m)?,
        };
        let lightest = m.lightest_mass_ev.unwrap_or(0.0);
        let phases = m.majorana_phases_deg.unwrap_or_default();
        if nature == Nature::Dirac && phases.iter().any(|&p| p != 0.0) {
            return Err(self.err(
                "mixing.majorana_phases_deg",
                "applies only to nature = \"majorana\" (Dirac neutrinos have no Majorana phases)",
            ));
        }
        let phases: &[f64] = if nature == Nature::Majorana {
            &phases
        } else {
            &[]
        };
        Mixing::new(params, lightest, phases).map_err(|e| {
            let field = match &e {
                crate::mixing::MixingError::NotFinite { name, .. } => format!("mixing.{name}"),
                crate::mixing::MixingError::NegativeMass(_) => "mixing.lightest_mass_ev".into(),
                crate::mixing::MixingError::ZeroSplitting { name } => format!("mixing.{name}"),
                crate::mixing::MixingError::TachyonicMass { .. } => "mixing".into(),
                crate::mixing::MixingError::PhaseCount { .. } => {
                    "mixing.majorana_phases_deg".into()
                }
            };
            self.err(&field, e.to_string())
        })
    }

    /// `theta_deg`, `dm2_ev2`: required with two flavours, no three-flavour field.
    fn two_flavour(&self, m: &RawMixing) -> Result<OscillationParams> {
        if let Some(name) = m.first_set(&RawMixing::THREE_FLAVOUR) {
            return Err(self.err(
                &format!("mixing.{name}"),
                "is a three-flavour parameter; with flavours = 2 give theta_deg and dm2_ev2",
            ));
        }
        let theta_deg = m
            .theta_deg
            .ok_or_else(|| self.err("mixing.theta_deg", "is required for flavours = 2"))?;
        let dm2_ev2 = m
            .dm2_ev2
            .ok_or_else(|| self.err("mixing.dm2_ev2", "is required for flavours = 2"))?;
        Ok(OscillationParams::Two(TwoFlavourParams {
            theta_deg: self.finite("mixing.theta_deg", theta_deg)?,
            dm2_ev2: self.finite("mixing.dm2_ev2", dm2_ev2)?,
        }))
    }

    /// A preset (default NuFIT 5.2 normal ordering) with any parameter overridden.
    fn three_flavour(&self, m: &RawMixing) -> Result<OscillationParams> {
        if let Some(name) = m.first_set(&RawMixing::TWO_FLAVOUR) {
            return Err(self.err(
                &format!("mixing.{name}"),
                "is a two-flavour parameter; with flavours = 3 use the preset or theta12_deg, ...",
            ));
        }
        let name = m.preset.as_deref().unwrap_or("nufit-5.2-no");
        let preset = Preset::from_name(name).ok_or_else(|| {
            let known: Vec<&str> = Preset::ALL.iter().map(|(n, _)| *n).collect();
            self.err(
                "mixing.preset",
                format!(
                    "unknown preset \"{name}\"; expected one of {}",
                    known.join(", ")
                ),
            )
        })?;
        let p = preset.params();
        let pick = |field: &str, v: Option<f64>, default: f64| -> Result<f64> {
            self.finite(&format!("mixing.{field}"), v.unwrap_or(default))
        };
        Ok(OscillationParams::Three(ThreeFlavourParams {
            theta12_deg: pick("theta12_deg", m.theta12_deg, p.theta12_deg)?,
            theta13_deg: pick("theta13_deg", m.theta13_deg, p.theta13_deg)?,
            theta23_deg: pick("theta23_deg", m.theta23_deg, p.theta23_deg)?,
            delta_cp_deg: pick("delta_cp_deg", m.delta_cp_deg, p.delta_cp_deg)?,
            dm21_ev2: pick("dm21_ev2", m.dm21_ev2, p.dm21_ev2)?,
            dm31_ev2: pick("dm31_ev2", m.dm31_ev2, p.dm31_ev2)?,
        }))
    }
}
