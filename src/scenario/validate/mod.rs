//! Raw scenario → [`Scenario`]: every rule of scenario.md, checked before any work.
//!
//! This file reads the TOML, locates errors and assembles the [`Scenario`]; each table has
//! its own file of `Checker` methods: `neutrino.rs`, `mixing.rs`, `moments.rs`, `grids.rs`
//! (`[energy]`), `medium.rs`, `track.rs`, `solver.rs`, `output.rs`, `arrival.rs` and
//! `production.rs` (`[arrival] production`).

mod arrival;
mod grids;
mod medium;
mod mixing;
mod moments;
mod neutrino;
mod output;
mod production;
mod solver;
mod track;

use std::path::Path;

use crate::basis::state_labels;
use crate::evolve::Method;
use crate::hamiltonian::Model;
use crate::scenario::number::shown;
use crate::scenario::raw::RawScenario;
use crate::scenario::source_map::position;
use crate::scenario::{Scenario, ScenarioError};

type Result<T> = std::result::Result<T, ScenarioError>;

/// Reads and validates the scenario file at `path`.
pub fn load(path: &Path) -> Result<Scenario> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ScenarioError::new(path, "", format!("cannot read the scenario file: {e}")))?;
    parse(path, &text)
}

/// Validates scenario `text` as if read from `path` (relative table paths resolve against
/// `path`'s folder).
pub fn parse(path: &Path, text: &str) -> Result<Scenario> {
    let mut base = parse_one(path, text)?;
    base.scan =
        crate::scenario::scan::build(path, text, &base, |variant| parse_one(path, variant))?
            .map(Box::new);
    Ok(base)
}

/// Validates scenario `text` that has no file of its own (a TOML string, or a dict turned
/// into one, from Python): `display_name` names it in error messages (`<string>: [table]
/// field ...`), and relative table paths resolve against its folder (the current folder for a
/// plain name).
pub fn parse_str(display_name: &str, text: &str) -> Result<Scenario> {
    parse(Path::new(display_name), text)
}

/// One scenario, ignoring any `[scan]`.
fn parse_one(path: &Path, text: &str) -> Result<Scenario> {
    let raw = deserialize(path, text)?;
    Checker { path, text }.scenario(raw)
}

fn deserialize(path: &Path, text: &str) -> Result<RawScenario> {
    let de = toml::Deserializer::new(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let field = e.path().to_string();
        let inner = e.into_inner();
        let at = inner.span().map(|s| position(text, s.start));
        let field = if field == "." { String::new() } else { field };
        ScenarioError::new(path, field, inner.message().trim().to_string()).at(at)
    })
}

/// Validation context: the file, for error messages and their line and column.
struct Checker<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Checker<'_> {
    fn err(&self, field: &str, message: impl Into<String>) -> ScenarioError {
        ScenarioError::new(self.path, field, message).located_in(self.text)
    }

    fn finite(&self, field: &str, x: f64) -> Result<f64> {
        if x.is_finite() {
            Ok(x)
        } else {
            Err(self.err(field, format!("must be a finite number, got {x}")))
        }
    }

    fn positive(&self, field: &str, x: f64) -> Result<f64> {
        if x.is_finite() && x > 0.0 {
            Ok(x)
        } else {
            Err(self.err(field, format!("must be > 0, got {}", shown(x))))
        }
    }

    fn scenario(&self, raw: RawScenario) -> Result<Scenario> {
        if raw.name.trim().is_empty() {
            return Err(self.err("name", "must not be empty"));
        }
        let collective = super::collective::validate(&raw, &|f: &str, m: String| self.err(f, m))?;
        let (basis, flavours) = self.neutrino(&raw.neutrino)?;
        let mixing = self.mixing(raw.mixing.unwrap_or_default(), flavours, basis.nature())?;
        let moments = self.moments(raw.moments.unwrap_or_default(), basis.nature(), &mixing)?;
        let errf = |f: &str, m: String| self.err(f, m);
        let nsi = crate::scenario::extensions::nsi(raw.nsi.as_ref(), flavours, &errf)?;
        let model = Model::new(basis, mixing, moments).with_nsi(nsi);
        let labels = state_labels(basis, flavours);
        let initial = self.initial(raw.neutrino.initial.as_ref(), &labels, basis, flavours)?;
        let energies_mev = self.energy(&raw.energy)?;
        let (medium_kind, medium) = self.medium(raw.medium)?;
        let medium =
            super::turbulence::apply(raw.turbulence.as_ref(), &medium_kind, medium, &errf)?;
        crate::scenario::extensions::check_nsi_medium(&model.nsi, medium.as_ref(), &errf)?;
        let track = raw.track.unwrap_or_default();
        let (start_km, end_km) = self.track(&track, &medium_kind, medium.as_ref())?;
        let record = self.record(track.record.as_ref(), start_km, end_km, labels.len())?;
        // Exact and fastest where it applies: `layers` on piecewise-constant media.
        let default_method = if medium.is_piecewise_constant() {
            Method::Layers
        } else {
            Method::Magnus
        };
        let solver = self.solver(raw.solver.unwrap_or_default(), default_method)?;
        let output = self.output(raw.output.unwrap_or_default(), &raw.name)?;
        let mut arrival = self.arrival(raw.arrival.as_ref(), &output, &record, end_km)?;
        arrival.production = self.production(raw.arrival.as_ref(), medium.as_ref(), end_km)?;
        let starts = arrival
            .production
            .clone()
            .or_else(|| medium.averaged_starts_km());
        self.averaged_starts(starts, &record, &output)?;
        let detector = raw
            .detector
            .map(|d| {
                let base = self.path.parent().unwrap_or(Path::new("."));
                let err = |f: &str, m: String| self.err(&format!("detector.{f}"), m);
                crate::scenario::detector::validate(d, base, flavours, &energies_mev, &err)
            })
            .transpose()?;
        let limits = crate::scenario::limits::Inputs {
            model: &model,
            energies_mev: &energies_mev,
            medium: medium.as_ref(),
            medium_kind: &medium_kind,
            start_km,
            end_km,
            solver: &solver,
        };
        crate::scenario::limits::check(&limits, &|f, m| self.err(f, m))?;
        Ok(Scenario {
            path: self.path.to_path_buf(),
            text: self.text.to_string(),
            name: raw.name,
            description: raw.description,
            model,
            initial,
            labels,
            energies_mev,
            medium_kind,
            medium,
            start_km,
            end_km,
            record,
            solver,
            output,
            detector,
            arrival,
            scan: None,
            collective,
        })
    }
}
