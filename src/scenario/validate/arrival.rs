//! `[arrival]`: energy resolution, Earth chords and the detector site.

use std::path::Path;

use crate::evolve::Record;
use crate::scenario::unions::RawEarth;
use crate::scenario::{ArrivalSpec, EarthChord, OutputSpec};

use super::{Checker, Result};

impl Checker<'_> {
    /// `[arrival]`: only with the observables that use it; `earth` and `averaged` describe
    /// the state leaving the track, so the track's end must be recorded.
    pub(super) fn arrival(
        &self,
        raw: Option<&crate::scenario::raw::RawArrival>,
        output: &OutputSpec,
        record: &Record,
        end_km: f64,
    ) -> Result<ArrivalSpec> {
        let obs = output.observables;
        let default = crate::scenario::raw::RawArrival::default();
        let raw = raw.unwrap_or(&default);
        if (obs.earth || obs.averaged)
            && matches!(record, Record::Points(xs) if xs.last() != Some(&end_km))
        {
            return Err(self.err(
                "track.record",
                format!("the observables \"earth\" and \"averaged\" use the state at the end of the track: the record points must end at end_km = {end_km}"),
            ));
        }
        let wave_packet = crate::scenario::decoherence::wave_packet(
            raw.wave_packet.as_ref(),
            record,
            end_km,
            &|f, m| self.err(f, m),
        )?;
        let spec = ArrivalSpec {
            wave_packet,
            energy_resolution: self.energy_resolution(raw.energy_resolution, obs.averaged)?,
            ..ArrivalSpec::default()
        };
        if let Some(site) = &raw.site {
            return self.site(site, raw.earth.is_some(), obs.earth, spec);
        }
        let Some(earth) = &raw.earth else {
            return Ok(spec);
        };
        if !obs.earth {
            return Err(self.err(
                "arrival.earth",
                "is only used by the \"earth\" observable; add it to [output] observables",
            ));
        }
        self.earth_chords(earth, spec)
    }

    /// `[arrival] site` (see [`crate::scenario::site`]): the night chords of a detector site.
    pub(super) fn site(
        &self,
        table: &crate::scenario::site::RawSite,
        has_earth: bool,
        earth_observable: bool,
        mut spec: ArrivalSpec,
    ) -> Result<ArrivalSpec> {
        if has_earth {
            return Err(self.err("arrival.site", "excludes arrival.earth (give one of them)"));
        }
        if !earth_observable {
            return Err(self.err(
                "arrival.site",
                "is only used by the \"earth\" observable; add it to [output] observables",
            ));
        }
        let base = self.path.parent().unwrap_or(Path::new("."));
        let site =
            crate::scenario::site::validate(table, base).map_err(|(f, m)| self.err(&f, m))?;
        spec.chords = site.chords;
        spec.night_bins = site.bins;
        Ok(spec)
    }

    /// `[arrival] energy_resolution`: sigma_E/E, required by and only used with "averaged".
    fn energy_resolution(&self, given: Option<f64>, averaged: bool) -> Result<Option<f64>> {
        if let Some(r) = given {
            if !averaged {
                return Err(self.err(
                    "arrival.energy_resolution",
                    "is only used by the \"averaged\" observable; add it to [output] observables",
                ));
            }
            if !(r.is_finite() && (0.0..1.0).contains(&r)) {
                return Err(self.err(
                    "arrival.energy_resolution",
                    format!("must be sigma_E/E with 0 <= value < 1, got {r}"),
                ));
            }
            return Ok(Some(r));
        } else if averaged {
            return Err(self.err(
                "arrival.energy_resolution",
                "is required by the \"averaged\" observable (sigma_E/E, e.g. 0.1)",
            ));
        }
        Ok(None)
    }

    /// `[arrival] earth`: `"none"` or chords `{ cos_zenith = [...], weights = [...] }`, the
    /// weights normalised to 1.
    fn earth_chords(&self, earth: &RawEarth, mut spec: ArrivalSpec) -> Result<ArrivalSpec> {
        let RawEarth::Chords {
            cos_zenith,
            weights,
        } = earth
        else {
            return Ok(spec);
        };
        let cos = cos_zenith.as_deref().ok_or_else(|| {
            self.err(
                "arrival.earth.cos_zenith",
                "is required (a list of cos(zenith) in [-1, 0))",
            )
        })?;
        self.finite_list("cos_zenith", cos)?;
        if cos.is_empty() {
            return Err(self.err("arrival.earth.cos_zenith", "must list at least one chord"));
        }
        if let Some(c) = cos.iter().find(|c| !(-1.0..0.0).contains(*c)) {
            return Err(self.err(
                "arrival.earth.cos_zenith",
                format!("must lie in [-1, 0) (a chord through the Earth), got {c}"),
            ));
        }
        let weights = weights.clone().unwrap_or_else(|| vec![1.0; cos.len()]);
        self.finite_list("weights", &weights)?;
        if weights.len() != cos.len() {
            return Err(self.err(
                "arrival.earth.weights",
                format!(
                    "has {} entries, cos_zenith has {}",
                    weights.len(),
                    cos.len()
                ),
            ));
        }
        if let Some(w) = weights.iter().find(|w| **w < 0.0) {
            return Err(self.err("arrival.earth.weights", format!("must be >= 0, got {w}")));
        }
        let total: f64 = weights.iter().sum();
        if total <= 0.0 {
            return Err(self.err("arrival.earth.weights", "must not all be zero"));
        }
        for (&cos_zenith, &w) in cos.iter().zip(&weights) {
            let medium = crate::medium::EarthMedium::new(cos_zenith)
                .map_err(|e| self.err("arrival.earth.cos_zenith", e))?;
            spec.chords.push(EarthChord {
                cos_zenith,
                weight: w / total,
                medium,
            });
        }
        Ok(spec)
    }

    /// `[arrival] earth.<key>`: every entry finite (the TOML reader takes `nan` and `inf`).
    fn finite_list(&self, key: &str, xs: &[f64]) -> Result<()> {
        match xs.iter().position(|x| !x.is_finite()) {
            None => Ok(()),
            Some(i) => Err(self.err(
                &format!("arrival.earth.{key}[{i}]"),
                format!("expected finite numbers, got {}", xs[i]),
            )),
        }
    }
}
