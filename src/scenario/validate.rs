//! Raw scenario → [`Scenario`]: every rule of scenario.md, checked before any work.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use num_complex::Complex64;

use super::grid::{energy_grid, Scale};
use super::raw::{RawEnergy, RawMixing, RawMoments, RawNeutrino, RawScenario, RawSolver, RawTrack};
use super::{ArrivalSpec, EarthChord, ObservableSet, OutputSpec, Scenario, ScenarioError};
use crate::basis::{state_labels, Basis, Flavours, Nature, Particle};
use crate::evolve::{Method, Record, SolverOptions};
use crate::hamiltonian::Model;
use crate::medium::{self, Medium};
use crate::mixing::{Mixing, OscillationParams, Preset, ThreeFlavourParams, TwoFlavourParams};
use crate::moments::{MomentBasis, MomentInput, Moments};

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
        super::scan::build(path, text, &base, |variant| parse_one(path, variant))?.map(Box::new);
    Ok(base)
}

/// One scenario, ignoring any `[scan]`.
fn parse_one(path: &Path, text: &str) -> Result<Scenario> {
    let raw = deserialize(path, text)?;
    Checker { path, text }.scenario(raw)
}

/// `name` with every character other than letters, digits, `-`, `_`, `.` and `+` replaced by
/// `_`, so that it is one plain file name (no `/`, no `..` component of its own).
fn file_safe(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.+".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe.chars().all(|c| c == '.') {
        safe.replace('.', "_")
    } else {
        safe
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

fn deserialize(path: &Path, text: &str) -> Result<RawScenario> {
    let de = toml::Deserializer::new(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let field = e.path().to_string();
        let inner = e.into_inner();
        let line = inner.span().map(|s| line_of(text, s.start));
        let field = if field == "." { String::new() } else { field };
        ScenarioError::new(path, field, inner.message().trim().to_string()).at_line(line)
    })
}

/// Validation context: the file, for error messages and line look-ups.
struct Checker<'a> {
    path: &'a Path,
    text: &'a str,
}

fn describe(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    }
}

fn as_f64(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Float(x) => Some(*x),
        toml::Value::Integer(i) => Some(*i as f64),
        _ => None,
    }
}

impl Checker<'_> {
    fn err(&self, field: &str, message: impl Into<String>) -> ScenarioError {
        ScenarioError::new(self.path, field, message).at_line(self.line_of_field(field))
    }

    /// Best-effort line of `table.key` in the file: the first line that assigns `key` after
    /// the table's header (or anywhere, for top-level keys).
    fn line_of_field(&self, field: &str) -> Option<usize> {
        let (table, key) = match field.split_once('.') {
            Some((t, k)) => (Some(t), k.split(['.', '[']).next().unwrap_or(k)),
            None => (None, field),
        };
        let mut in_table = table.is_none();
        for (i, line) in self.text.lines().enumerate() {
            let trimmed = line.trim_start();
            if let Some(t) = table {
                if trimmed.starts_with('[') {
                    in_table = trimmed.trim_start_matches('[').starts_with(t)
                        && trimmed[1 + t.len()..].starts_with(']');
                    continue;
                }
            }
            if in_table && !key.is_empty() {
                if let Some(rest) = trimmed.strip_prefix(key) {
                    if rest.trim_start().starts_with('=') {
                        return Some(i + 1);
                    }
                }
            }
        }
        None
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
            Err(self.err(field, format!("must be > 0, got {x}")))
        }
    }

    fn scenario(&self, raw: RawScenario) -> Result<Scenario> {
        if raw.name.trim().is_empty() {
            return Err(self.err("name", "must not be empty"));
        }
        let (basis, flavours) = self.neutrino(&raw.neutrino)?;
        let mixing = self.mixing(raw.mixing.unwrap_or_default(), flavours, basis.nature())?;
        let moments = self.moments(raw.moments.unwrap_or_default(), basis.nature(), &mixing)?;
        let errf = |f: &str, m: String| self.err(f, m);
        let nsi = super::extensions::nsi(raw.nsi.as_ref(), flavours, &errf)?;
        let model = Model::new(basis, mixing, moments).with_nsi(nsi);
        let labels = state_labels(basis, flavours);
        let initial = self.initial(raw.neutrino.initial.as_ref(), &labels, basis, flavours)?;
        let energies_mev = self.energy(&raw.energy)?;
        let (medium_kind, medium) = self.medium(raw.medium)?;
        let medium =
            super::turbulence::apply(raw.turbulence.as_ref(), &medium_kind, medium, &errf)?;
        super::extensions::check_nsi_medium(&model.nsi, medium.as_ref(), &errf)?;
        let track = raw.track.unwrap_or_default();
        let (start_km, end_km) = self.track(&track, &medium_kind, medium.as_ref())?;
        let record = self.record(track.record.as_ref(), start_km, end_km)?;
        // Exact and fastest where it applies: `layers` on piecewise-constant media.
        let default_method = if medium.is_piecewise_constant() {
            "layers"
        } else {
            "magnus"
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
                super::detector::validate(d, base, flavours, &energies_mev, &err)
            })
            .transpose()?;
        let limits = super::limits::Inputs {
            model: &model,
            energies_mev: &energies_mev,
            medium: medium.as_ref(),
            medium_kind: &medium_kind,
            start_km,
            end_km,
            solver: &solver,
        };
        super::limits::check(&limits, &|f, m| self.err(f, m))?;
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
        })
    }

    fn neutrino(&self, n: &RawNeutrino) -> Result<(Basis, Flavours)> {
        let flavours = Flavours::from_count(n.flavours.max(0) as usize).ok_or_else(|| {
            self.err(
                "neutrino.flavours",
                format!("must be 2 or 3, got {}", n.flavours),
            )
        })?;
        let nature = match n.nature.as_str() {
            "dirac" => Nature::Dirac,
            "majorana" => Nature::Majorana,
            other => {
                return Err(self.err(
                    "neutrino.nature",
                    format!("must be \"dirac\" or \"majorana\", got \"{other}\""),
                ))
            }
        };
        let particle = match n.particle.as_deref().unwrap_or("neutrino") {
            "neutrino" => Particle::Neutrino,
            "antineutrino" => Particle::Antineutrino,
            other => {
                return Err(self.err(
                    "neutrino.particle",
                    format!("must be \"neutrino\" or \"antineutrino\", got \"{other}\""),
                ))
            }
        };
        let basis = Basis::new(nature, particle)
            .map_err(|e| self.err("neutrino.particle", e.to_string()))?;
        Ok((basis, flavours))
    }

    fn mixing(&self, m: RawMixing, flavours: Flavours, nature: Nature) -> Result<Mixing> {
        let errf = |f: &str, msg: String| self.err(f, msg);
        if let Some(mixing) = super::extensions::mass_matrix_mixing(&m, flavours, nature, &errf)? {
            return Ok(mixing);
        }
        let three_only = [
            ("preset", m.preset.is_some()),
            ("theta12_deg", m.theta12_deg.is_some()),
            ("theta13_deg", m.theta13_deg.is_some()),
            ("theta23_deg", m.theta23_deg.is_some()),
            ("delta_cp_deg", m.delta_cp_deg.is_some()),
            ("dm21_ev2", m.dm21_ev2.is_some()),
            ("dm31_ev2", m.dm31_ev2.is_some()),
        ];
        let two_only = [
            ("theta_deg", m.theta_deg.is_some()),
            ("dm2_ev2", m.dm2_ev2.is_some()),
        ];
        let params = match flavours {
            Flavours::Two => {
                if let Some((name, _)) = three_only.iter().find(|(_, given)| *given) {
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
                OscillationParams::Two(TwoFlavourParams {
                    theta_deg: self.finite("mixing.theta_deg", theta_deg)?,
                    dm2_ev2: self.finite("mixing.dm2_ev2", dm2_ev2)?,
                })
            }
            Flavours::Three => {
                if let Some((name, _)) = two_only.iter().find(|(_, given)| *given) {
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
                OscillationParams::Three(ThreeFlavourParams {
                    theta12_deg: pick("theta12_deg", m.theta12_deg, p.theta12_deg)?,
                    theta13_deg: pick("theta13_deg", m.theta13_deg, p.theta13_deg)?,
                    theta23_deg: pick("theta23_deg", m.theta23_deg, p.theta23_deg)?,
                    delta_cp_deg: pick("delta_cp_deg", m.delta_cp_deg, p.delta_cp_deg)?,
                    dm21_ev2: pick("dm21_ev2", m.dm21_ev2, p.dm21_ev2)?,
                    dm31_ev2: pick("dm31_ev2", m.dm31_ev2, p.dm31_ev2)?,
                })
            }
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

    fn moments(&self, m: RawMoments, nature: Nature, mixing: &Mixing) -> Result<Moments> {
        let basis = match m.basis.as_deref().unwrap_or("flavour") {
            "flavour" => MomentBasis::Flavour,
            "mass" => MomentBasis::Mass,
            other => {
                return Err(self.err(
                    "moments.basis",
                    format!("must be \"flavour\" or \"mass\", got \"{other}\""),
                ))
            }
        };
        let entries = |table: &str, map: &std::collections::BTreeMap<String, toml::Value>| {
            map.iter()
                .map(|(k, v)| {
                    let field = format!("moments.{table}.{k}");
                    let value = match v {
                        toml::Value::Array(a) if a.len() == 2 => {
                            match (as_f64(&a[0]), as_f64(&a[1])) {
                                (Some(re), Some(im)) => Some(Complex64::new(re, im)),
                                _ => None,
                            }
                        }
                        other => as_f64(other).map(|re| Complex64::new(re, 0.0)),
                    };
                    value.map(|z| (k.clone(), z)).ok_or_else(|| {
                        self.err(
                            &field,
                            format!("expected a number or [re, im], got {}", describe(v)),
                        )
                    })
                })
                .collect::<Result<Vec<_>>>()
        };
        let input = MomentInput {
            basis: Some(basis),
            magnetic_mu_b: entries("magnetic_mu_b", &m.magnetic_mu_b)?,
            electric_mu_b: entries("electric_mu_b", &m.electric_mu_b)?,
        };
        Moments::new(&input, nature, mixing).map_err(|e| {
            let field = match &e {
                crate::moments::MomentError::UnknownKey { field, .. }
                | crate::moments::MomentError::NotFinite { field, .. }
                | crate::moments::MomentError::MajoranaDiagonal { field }
                | crate::moments::MomentError::BothEntries { field, .. }
                | crate::moments::MomentError::ComplexDiagonal { field, .. } => field.clone(),
            };
            let full = format!("moments.{field}");
            let message = e.to_string();
            let message = message
                .strip_prefix(&format!("{field}: "))
                .unwrap_or(&message)
                .to_string();
            self.err(&full, message)
        })
    }

    fn initial(
        &self,
        v: Option<&toml::Value>,
        labels: &[String],
        basis: Basis,
        flavours: Flavours,
    ) -> Result<Vec<usize>> {
        let field = "neutrino.initial";
        let all = || (0..labels.len()).collect();
        let expected = || format!("expected \"all\" or labels from {}", labels.join(", "));
        let Some(v) = v else { return Ok(all()) };
        match v {
            toml::Value::String(s) if s == "all" => Ok(all()),
            toml::Value::String(s) => {
                Err(self.err(field, format!("unknown state \"{s}\"; {}", expected())))
            }
            toml::Value::Array(items) if !items.is_empty() => {
                let mut out = Vec::new();
                for item in items {
                    let toml::Value::String(s) = item else {
                        return Err(
                            self.err(field, format!("{}, got {}", expected(), describe(item)))
                        );
                    };
                    let i = crate::basis::state_index(basis, flavours, s).ok_or_else(|| {
                        self.err(field, format!("unknown state \"{s}\"; {}", expected()))
                    })?;
                    if out.contains(&i) {
                        return Err(self.err(field, format!("state \"{s}\" is listed twice")));
                    }
                    out.push(i);
                }
                Ok(out)
            }
            other => Err(self.err(field, format!("{}, got {}", expected(), describe(other)))),
        }
    }

    fn energy(&self, e: &RawEnergy) -> Result<Vec<f64>> {
        if let Some(values) = &e.values_mev {
            for (name, given) in [
                ("min_mev", e.min_mev.is_some()),
                ("max_mev", e.max_mev.is_some()),
                ("points", e.points.is_some()),
                ("scale", e.scale.is_some()),
            ] {
                if given {
                    return Err(self.err(
                        &format!("energy.{name}"),
                        "cannot be combined with values_mev (give either values_mev or min_mev/max_mev/points)",
                    ));
                }
            }
            if values.is_empty() {
                return Err(self.err("energy.values_mev", "must list at least one energy"));
            }
            for (i, &v) in values.iter().enumerate() {
                self.positive(&format!("energy.values_mev[{i}]"), v)?;
                if values[..i].contains(&v) {
                    return Err(self.err("energy.values_mev", format!("repeats the value {v}")));
                }
            }
            return Ok(values.clone());
        }
        let scale = match e.scale.as_deref().unwrap_or("log") {
            "log" => Scale::Log,
            "linear" => Scale::Linear,
            other => {
                return Err(self.err(
                    "energy.scale",
                    format!("must be \"log\" or \"linear\", got \"{other}\""),
                ))
            }
        };
        let need = |name: &str, v: Option<f64>| {
            v.ok_or_else(|| {
                self.err(
                    &format!("energy.{name}"),
                    "is required (give values_mev, or min_mev, max_mev and points)",
                )
            })
        };
        let min = self.positive("energy.min_mev", need("min_mev", e.min_mev)?)?;
        let max = self.positive("energy.max_mev", need("max_mev", e.max_mev)?)?;
        let points = e
            .points
            .ok_or_else(|| self.err("energy.points", "is required"))?;
        if points < 1 {
            return Err(self.err("energy.points", format!("must be >= 1, got {points}")));
        }
        if points == 1 && max != min {
            return Err(self.err(
                "energy.max_mev",
                format!("must equal min_mev when points = 1, got {max}"),
            ));
        }
        if points > 1 && min >= max {
            return Err(self.err(
                "energy.min_mev",
                format!("must be < max_mev, got min_mev = {min} and max_mev = {max}"),
            ));
        }
        Ok(energy_grid(scale, min, max, points as usize))
    }

    fn medium(&self, mut table: toml::Table) -> Result<(String, Arc<dyn Medium>)> {
        let kind = match table.remove("kind") {
            Some(toml::Value::String(k)) => k,
            Some(other) => {
                return Err(self.err(
                    "medium.kind",
                    format!("expected a string, got {}", describe(&other)),
                ))
            }
            None => return Err(self.err("medium.kind", "is required")),
        };
        let base = self
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let medium = medium::build_medium(&kind, table, &base).map_err(|e| {
            let field = match &e {
                medium::MediumConfigError::UnknownKind(_) => "medium.kind".to_string(),
                medium::MediumConfigError::Invalid { field, .. } => format!("medium.{field}"),
                _ => "medium.".to_string(),
            };
            self.err(&field, e.to_string())
        })?;
        Ok((kind, Arc::from(medium)))
    }

    fn track(&self, t: &RawTrack, kind: &str, medium: &dyn Medium) -> Result<(f64, f64)> {
        let natural = medium.natural_track_km();
        let start = match (t.start_km, natural) {
            (Some(s), _) => self.finite("track.start_km", s)?,
            (None, Some((s, _))) => s,
            (None, None) => {
                return Err(self.err(
                    "track.start_km",
                    format!("is required for medium kind \"{kind}\""),
                ))
            }
        };
        let end = match (t.end_km, natural) {
            (Some(e), _) => self.finite("track.end_km", e)?,
            (None, Some((_, e))) => e,
            (None, None) => {
                return Err(self.err(
                    "track.end_km",
                    format!("is required for medium kind \"{kind}\""),
                ))
            }
        };
        if end <= start {
            return Err(self.err(
                "track.end_km",
                format!("must be > start_km, got start_km = {start} and end_km = {end}"),
            ));
        }
        medium.check_track(start, end).map_err(|e| {
            self.err(
                "track.",
                format!("the track [{start}, {end}] km does not fit the medium: {e}"),
            )
        })?;
        Ok((start, end))
    }

    fn record(&self, v: Option<&toml::Value>, start: f64, end: f64) -> Result<Record> {
        let field = "track.record";
        let expected = "expected \"end\", \"all-steps\", { points = N } or { values_km = [...] }";
        let Some(v) = v else {
            return Ok(Record::End);
        };
        match v {
            toml::Value::String(s) if s == "end" => Ok(Record::End),
            toml::Value::String(s) if s == "all-steps" => Ok(Record::AllSteps),
            toml::Value::Table(t) if t.len() == 1 && t.contains_key("points") => {
                let n = match &t["points"] {
                    toml::Value::Integer(n) if *n >= 1 => *n as usize,
                    other => {
                        return Err(self.err(
                            "track.record.points",
                            format!("must be an integer >= 1, got {}", describe(other)),
                        ))
                    }
                };
                if n == 1 {
                    return Ok(Record::Points(vec![end]));
                }
                let step = (end - start) / (n - 1) as f64;
                let mut xs: Vec<f64> = (0..n).map(|i| start + i as f64 * step).collect();
                xs[n - 1] = end;
                Ok(Record::Points(xs))
            }
            toml::Value::Table(t) if t.len() == 1 && t.contains_key("values_km") => {
                let toml::Value::Array(items) = &t["values_km"] else {
                    return Err(self.err(
                        "track.record.values_km",
                        "expected a list of positions in km",
                    ));
                };
                let mut xs = Vec::with_capacity(items.len());
                for item in items {
                    let x = as_f64(item).ok_or_else(|| {
                        self.err(
                            "track.record.values_km",
                            format!("expected numbers, got {}", describe(item)),
                        )
                    })?;
                    if !(x.is_finite() && (start..=end).contains(&x)) {
                        return Err(self.err(
                            "track.record.values_km",
                            format!("{x} is outside the track [{start}, {end}] km"),
                        ));
                    }
                    if xs.last().is_some_and(|&last| x <= last) {
                        return Err(
                            self.err("track.record.values_km", "must be strictly increasing")
                        );
                    }
                    xs.push(x);
                }
                if xs.is_empty() {
                    return Err(
                        self.err("track.record.values_km", "must list at least one position")
                    );
                }
                Ok(Record::Points(xs))
            }
            other => Err(self.err(field, format!("{expected}, got {}", describe(other)))),
        }
    }

    /// A production-region average runs several starts to the same end and averages P:
    /// amplitudes and per-step records are not averageable, and record points must lie after
    /// every start.
    fn averaged_starts(
        &self,
        starts: Option<Vec<(f64, f64)>>,
        record: &Record,
        output: &OutputSpec,
    ) -> Result<()> {
        let Some(starts) = starts else {
            return Ok(());
        };
        let last_start = starts
            .iter()
            .map(|(x, _)| *x)
            .fold(f64::NEG_INFINITY, f64::max);
        if output.amplitudes {
            return Err(self.err(
                "output.amplitudes",
                "cannot be written with a production-region average (probabilities are averaged over start points, amplitudes are not)",
            ));
        }
        match record {
            Record::End => Ok(()),
            Record::AllSteps => Err(self.err(
                "track.record",
                "\"all-steps\" cannot be combined with a production-region average (each start has its own steps)",
            )),
            Record::Points(xs) => match xs.iter().find(|&&x| x < last_start) {
                Some(x) => Err(self.err(
                    "track.record",
                    format!("record point {x} km lies before the last averaged start point {last_start} km"),
                )),
                None => Ok(()),
            },
        }
    }

    fn solver(&self, s: RawSolver, default_method: &str) -> Result<SolverOptions> {
        let method = match s.method.as_deref().unwrap_or(default_method) {
            "magnus" => Method::Magnus,
            "dop853" => Method::Dop853,
            "layers" => Method::Layers,
            other => {
                return Err(self.err(
                    "solver.method",
                    format!("must be \"magnus\", \"dop853\" or \"layers\", got \"{other}\""),
                ))
            }
        };
        let rtol = self.positive("solver.rtol", s.rtol.unwrap_or(1e-6))?;
        let atol = self.positive("solver.atol", s.atol.unwrap_or(1e-9))?;
        let max_step_km = s.max_step_km.unwrap_or(f64::INFINITY);
        if max_step_km.is_nan() || max_step_km <= 0.0 {
            return Err(self.err(
                "solver.max_step_km",
                format!("must be > 0 (or inf), got {max_step_km}"),
            ));
        }
        let max_steps = s.max_steps.unwrap_or(10_000_000);
        if max_steps < 1 {
            return Err(self.err("solver.max_steps", format!("must be >= 1, got {max_steps}")));
        }
        Ok(SolverOptions {
            method,
            rtol,
            atol,
            max_step_km,
            max_steps: max_steps as u64,
        })
    }

    fn output(&self, o: super::raw::RawOutput, name: &str) -> Result<OutputSpec> {
        let file = match o.file {
            Some(f) if f.trim().is_empty() => {
                return Err(self.err("output.file", "must not be empty"))
            }
            Some(f) => PathBuf::from(f),
            // The name is free text: keep the default file inside out/ whatever it holds.
            None => PathBuf::from("out").join(format!("{}.h5", file_safe(name))),
        };
        let profile_samples = o.profile_samples.unwrap_or(2000);
        if profile_samples < 0 {
            return Err(self.err(
                "output.profile_samples",
                format!("must be >= 0, got {profile_samples}"),
            ));
        }
        Ok(OutputSpec {
            file,
            amplitudes: o.amplitudes.unwrap_or(false),
            profile_samples: profile_samples as usize,
            observables: self.observables(o.observables.as_deref())?,
        })
    }

    /// `[arrival] production`: a Gaussian `{ mean_km, sigma_km, points }` (Gauss–Legendre
    /// nodes on mean ± 5σ, cut to the medium's range and the track's end, weighted by the
    /// Gaussian) or a table `{ file }` of `x_km,weight` rows; weights normalised to 1.
    fn production(
        &self,
        raw: Option<&super::raw::RawArrival>,
        medium: &dyn Medium,
        end_km: f64,
    ) -> Result<Option<Vec<(f64, f64)>>> {
        let field = "arrival.production";
        let Some(table) = raw.and_then(|r| r.production.as_ref()) else {
            return Ok(None);
        };
        if medium.averaged_starts_km().is_some() {
            return Err(self.err(
                field,
                "cannot be combined with the medium's own production_average (use one of them)",
            ));
        }
        let keys: Vec<&str> = table.keys().map(String::as_str).collect();
        let number = |key: &str| -> Result<Option<f64>> {
            match table.get(key) {
                None => Ok(None),
                Some(v) => as_f64(v)
                    .filter(|x| x.is_finite())
                    .map(Some)
                    .ok_or_else(|| {
                        self.err(
                            &format!("{field}.{key}"),
                            format!("expected a finite number, got {}", describe(v)),
                        )
                    }),
            }
        };
        let (lo, hi) = medium
            .domain_km()
            .unwrap_or((f64::NEG_INFINITY, f64::INFINITY));
        let starts: Vec<(f64, f64)> = if keys == ["file"] {
            let toml::Value::String(name) = &table["file"] else {
                return Err(self.err(&format!("{field}.file"), "expected a file name"));
            };
            let path = self.path.parent().unwrap_or(Path::new(".")).join(name);
            let text = std::fs::read_to_string(&path).map_err(|e| {
                self.err(
                    &format!("{field}.file"),
                    format!("cannot read {}: {e}", path.display()),
                )
            })?;
            let mut rows = Vec::new();
            for (n, line) in text.lines().enumerate() {
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') || line.starts_with("x_km") {
                    continue;
                }
                let bad = |what: String| {
                    self.err(
                        &format!("{field}.file"),
                        format!("{}:{}: {what}", path.display(), n + 1),
                    )
                };
                let cols: Vec<&str> = line.split(',').map(str::trim).collect();
                let [x, w] = cols.as_slice() else {
                    return Err(bad("expected two columns x_km,weight".into()));
                };
                let (Ok(x), Ok(w)) = (x.parse::<f64>(), w.parse::<f64>()) else {
                    return Err(bad(format!("expected numbers, got {line:?}")));
                };
                if !(x.is_finite() && w.is_finite() && w >= 0.0) {
                    return Err(bad(format!(
                        "needs a finite x_km and a weight >= 0, got {line:?}"
                    )));
                }
                rows.push((x, w));
            }
            rows
        } else if keys
            .iter()
            .all(|k| ["mean_km", "sigma_km", "points"].contains(k))
        {
            let mean = number("mean_km")?.ok_or_else(|| {
                self.err(
                    &format!("{field}.mean_km"),
                    "is required (or give file = \"starts.csv\")",
                )
            })?;
            let sigma = number("sigma_km")?
                .ok_or_else(|| self.err(&format!("{field}.sigma_km"), "is required"))?;
            if sigma <= 0.0 {
                return Err(self.err(
                    &format!("{field}.sigma_km"),
                    format!("must be > 0, got {sigma}"),
                ));
            }
            let points = number("points")?.unwrap_or(12.0);
            if !(1.0..=64.0).contains(&points) || points.fract() != 0.0 {
                return Err(self.err(
                    &format!("{field}.points"),
                    format!("must be a whole number in 1..=64, got {points}"),
                ));
            }
            let (a, b) = (
                (mean - 5.0 * sigma).max(lo),
                (mean + 5.0 * sigma).min(hi).min(end_km),
            );
            if a >= b {
                return Err(self.err(field, format!("mean_km ± 5 sigma_km = [{}, {}] km has no overlap with the medium before end_km = {end_km}", mean - 5.0 * sigma, mean + 5.0 * sigma)));
            }
            crate::quadrature::gaussian_nodes(mean, sigma, a, b, points as usize)
        } else {
            return Err(self.err(
                field,
                format!(
                    "expected {{ mean_km, sigma_km, points }} or {{ file }}, got the keys {}",
                    keys.join(", ")
                ),
            ));
        };
        let total: f64 = starts.iter().map(|(_, w)| w).sum();
        if starts.is_empty() || total <= 0.0 {
            return Err(self.err(field, "has no start point with a positive weight"));
        }
        if let Some((x, _)) = starts
            .iter()
            .find(|(x, _)| !(*x >= lo && *x <= hi && *x < end_km))
        {
            return Err(self.err(field, format!("start point {x} km lies outside the medium [{lo}, {hi}] km or not before end_km = {end_km}")));
        }
        Ok(Some(
            starts
                .into_iter()
                .filter(|(_, w)| *w > 0.0)
                .map(|(x, w)| (x, w / total))
                .collect(),
        ))
    }

    fn observables(&self, names: Option<&[String]>) -> Result<ObservableSet> {
        let field = "output.observables";
        let mut set = ObservableSet::default();
        let mut seen: Vec<&str> = Vec::new();
        for name in names.unwrap_or_default() {
            if seen.contains(&name.as_str()) {
                return Err(self.err(field, format!("lists \"{name}\" twice")));
            }
            seen.push(name);
            match name.as_str() {
                "flavour" => {}
                "mass" => set.mass = true,
                "earth" => set.earth = true,
                "averaged" => set.averaged = true,
                other => {
                    return Err(self.err(
                        field,
                        format!(
                            "unknown observable \"{other}\"; expected any of \"flavour\", \"mass\", \"earth\", \"averaged\""
                        ),
                    ))
                }
            }
        }
        Ok(set)
    }

    /// `[arrival] site` (see [`super::site`]): the night chords of a detector site.
    fn site(
        &self,
        table: &toml::Table,
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
        let site = super::site::validate(table, base).map_err(|(f, m)| self.err(&f, m))?;
        spec.chords = site.chords;
        spec.night_bins = site.bins;
        Ok(spec)
    }

    /// `[arrival]`: only with the observables that use it; `earth` and `averaged` describe
    /// the state leaving the track, so the track's end must be recorded.
    fn arrival(
        &self,
        raw: Option<&super::raw::RawArrival>,
        output: &OutputSpec,
        record: &Record,
        end_km: f64,
    ) -> Result<ArrivalSpec> {
        let obs = output.observables;
        let default = super::raw::RawArrival::default();
        let raw = raw.unwrap_or(&default);
        if (obs.earth || obs.averaged)
            && matches!(record, Record::Points(xs) if xs.last() != Some(&end_km))
        {
            return Err(self.err(
                "track.record",
                format!("the observables \"earth\" and \"averaged\" use the state at the end of the track: the record points must end at end_km = {end_km}"),
            ));
        }
        let wave_packet =
            super::decoherence::wave_packet(raw.wave_packet.as_ref(), record, end_km, &|f, m| {
                self.err(f, m)
            })?;
        let mut spec = ArrivalSpec {
            wave_packet,
            ..ArrivalSpec::default()
        };
        if let Some(r) = raw.energy_resolution {
            if !obs.averaged {
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
            spec.energy_resolution = Some(r);
        } else if obs.averaged {
            return Err(self.err(
                "arrival.energy_resolution",
                "is required by the \"averaged\" observable (sigma_E/E, e.g. 0.1)",
            ));
        }
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
        let expected = "expected \"none\" or { cos_zenith = [...], weights = [...] }";
        let table = match earth {
            toml::Value::String(s) if s == "none" => return Ok(spec),
            toml::Value::Table(t) => t,
            other => {
                return Err(self.err(
                    "arrival.earth",
                    format!("{expected}, got {}", describe(other)),
                ))
            }
        };
        if let Some(k) = table.keys().find(|k| *k != "cos_zenith" && *k != "weights") {
            return Err(self.err("arrival.earth", format!("unknown key \"{k}\"; {expected}")));
        }
        let numbers = |key: &str| -> Result<Option<Vec<f64>>> {
            let field = format!("arrival.earth.{key}");
            let Some(v) = table.get(key) else {
                return Ok(None);
            };
            let toml::Value::Array(items) = v else {
                return Err(self.err(
                    &field,
                    format!("expected a list of numbers, got {}", describe(v)),
                ));
            };
            items
                .iter()
                .map(|item| {
                    as_f64(item).filter(|x| x.is_finite()).ok_or_else(|| {
                        self.err(
                            &field,
                            format!("expected finite numbers, got {}", describe(item)),
                        )
                    })
                })
                .collect::<Result<Vec<f64>>>()
                .map(Some)
        };
        let cos = numbers("cos_zenith")?.ok_or_else(|| {
            self.err(
                "arrival.earth.cos_zenith",
                "is required (a list of cos(zenith) in [-1, 0))",
            )
        })?;
        if cos.is_empty() {
            return Err(self.err("arrival.earth.cos_zenith", "must list at least one chord"));
        }
        if let Some(c) = cos.iter().find(|c| !(-1.0..0.0).contains(*c)) {
            return Err(self.err(
                "arrival.earth.cos_zenith",
                format!("must lie in [-1, 0) (a chord through the Earth), got {c}"),
            ));
        }
        let weights = numbers("weights")?.unwrap_or_else(|| vec![1.0; cos.len()]);
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
}
