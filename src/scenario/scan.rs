//! `[scan]`: parameter scans. Each key is a dotted scenario field, each value the list of
//! values it takes (or a `{ min, max, points, scale }` range); the axes form an outer
//! product, in the order of the file, outermost first.
//!
//! A scan point is the scenario file with its fields replaced, validated like any other
//! scenario, so every rule and error message of a plain run applies to it. What a scan may
//! not change is the shape of the output: the energies, the states and the record positions
//! must be the same at every point. The track may change (`"medium.cos_zenith"`,
//! `"track.end_km"`): every point has its own, see `run::datasets::track`.
//!
//! `[scan]` stays a raw `toml::Table` (and this file uses `toml::Value`) by design: its keys
//! are paths into the rest of the scenario and its values are whatever those fields take
//! (numbers, words, lists, tables), so no type can describe it ahead of time. Each value is
//! written back into a copy of the TOML document and that copy goes through the typed raw
//! scenario like any file, so every value is still parsed and checked by serde there.

use std::path::Path;

use super::grid::{range_grid, Range, RangeFields, Scale};
use super::{DetectorSpec, Scenario, ScenarioError};

type Result<T> = std::result::Result<T, ScenarioError>;

pub use crate::output::ScanAxis;

/// The axes of a scan and one validated scenario per scan point (C order: the last axis
/// varies fastest).
#[derive(Debug)]
pub struct Scan {
    pub axes: Vec<ScanAxis>,
    pub points: Vec<Scenario>,
}

/// Tables a scan may not touch: they name the run, not the physics.
const NOT_SCANNABLE: [&str; 4] = ["output", "scan", "name", "description"];

/// The error for field `scan.<key>` at its value in the file.
fn scan_err(path: &Path, text: &str, key: &str, message: impl Into<String>) -> ScenarioError {
    ScenarioError::new(path, format!("scan.{key}"), message).located_in(text)
}

fn number(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Float(x) => Some(*x),
        toml::Value::Integer(i) => Some(*i as f64),
        _ => None,
    }
}

/// The values of one `[scan]` entry.
fn axis_values(path: &Path, text: &str, key: &str, value: &toml::Value) -> Result<Vec<f64>> {
    let err = |m: String| scan_err(path, text, key, m);
    let values = match value {
        toml::Value::Array(items) => items
            .iter()
            .map(|v| {
                number(v)
                    .filter(|x| x.is_finite())
                    .ok_or_else(|| err(format!("expected finite numbers, got {v}")))
            })
            .collect::<Result<Vec<f64>>>()?,
        toml::Value::Table(range) => {
            for k in range.keys() {
                if !["min", "max", "points", "scale"].contains(&k.as_str()) {
                    return Err(err(format!(
                        "unknown range key \"{k}\"; expected min, max, points, scale"
                    )));
                }
            }
            let get = |k: &str| range.get(k).and_then(number);
            let (Some(min), Some(max), Some(points)) = (get("min"), get("max"), get("points"))
            else {
                return Err(err(
                    "a range needs min, max and points (and optionally scale = \"linear\" | \"log\")"
                        .into(),
                ));
            };
            let scale = match range.get("scale").map(|s| s.as_str()) {
                None | Some(Some("linear")) => Scale::Linear,
                Some(Some("log")) => Scale::Log,
                Some(_) => return Err(err("scale must be \"linear\" or \"log\"".into())),
            };
            if !(min.is_finite() && max.is_finite()) {
                return Err(err(format!(
                    "needs finite min and max, got {min} and {max}"
                )));
            }
            if points < 1.0 || points.fract() != 0.0 {
                return Err(err(format!(
                    "points must be a whole number >= 1, got {points}"
                )));
            }
            let names = RangeFields {
                min: "min",
                max: "max",
                points: "points",
            };
            let range = Range {
                scale,
                min,
                max,
                points: points.min(i64::MAX as f64) as i64,
            };
            range_grid(range, names, i64::MAX).map_err(|(f, m)| err(format!("{f} {m}")))?
        }
        other => {
            return Err(err(format!(
                "expected a list of numbers or {{ min, max, points, scale }}, got {other}"
            )))
        }
    };
    if values.is_empty() {
        return Err(err("must have at least one value".into()));
    }
    Ok(values)
}

/// Sets dotted `field` of `doc` to `value`, creating missing tables; keeps an integer an
/// integer when the value is whole (fields like `rho_index` are integers).
fn set_field(doc: &mut toml::Table, field: &str, value: f64) -> std::result::Result<(), String> {
    let mut parts: Vec<&str> = field.split('.').collect();
    let leaf = parts.pop().unwrap_or(field);
    let mut table = doc;
    for (depth, part) in parts.iter().enumerate() {
        let entry = table
            .entry(part.to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        table = match entry {
            toml::Value::Table(t) => t,
            _ => return Err(format!("{} is not a table", parts[..=depth].join("."))),
        };
    }
    let new = match table.get(leaf) {
        Some(toml::Value::Integer(_)) if value.fract() == 0.0 && value.abs() < 9.0e15 => {
            toml::Value::Integer(value as i64)
        }
        Some(toml::Value::Integer(_) | toml::Value::Float(_)) | None => toml::Value::Float(value),
        Some(other) => {
            return Err(format!(
                "is {other} in the scenario, not a number that can be scanned"
            ))
        }
    };
    table.insert(leaf.to_string(), new);
    Ok(())
}

/// The scan of `text` (the scenario file with a `[scan]` table), or `None` without one.
/// `validate` checks one variant text as a scenario read from `path`; `base` is the scenario
/// of the file as written, whose output grid every point must share.
pub(crate) fn build(
    path: &Path,
    text: &str,
    base: &Scenario,
    validate: impl Fn(&str) -> Result<Scenario>,
) -> Result<Option<Scan>> {
    let mut doc: toml::Table =
        toml::from_str(text).map_err(|e| ScenarioError::new(path, "", e.message().to_string()))?;
    // `[turbulence] realisations = K`: a leading axis over the realisation index.
    let realisations = super::turbulence::realisation_axis(&doc);
    if let Some(axis) = &realisations {
        // The axis sets `realisation` in every point: a value written here would be ignored.
        let given = doc.get("turbulence").and_then(|t| t.get("realisation"));
        if given.is_some() {
            let k = axis.values.len();
            return Err(ScenarioError::new(
                path,
                super::turbulence::REALISATION_FIELD,
                format!("cannot be given with realisations = {k}: the run holds realisations 0 to {} (use realisations = 1 to run one realisation)", k - 1),
            )
            .located_in(text));
        }
    }
    let scan = match doc.remove("scan") {
        Some(toml::Value::Table(scan)) if scan.is_empty() => {
            return Err(ScenarioError::new(path, "scan", "lists no fields to scan"))
        }
        Some(toml::Value::Table(scan)) => scan,
        Some(_) => {
            return Err(ScenarioError::new(
                path,
                "scan",
                "must be a table of field = values",
            ))
        }
        None if realisations.is_some() => toml::Table::new(),
        None => return Ok(None),
    };
    let axes = scan_axes(path, text, realisations, &scan)?;
    let shape: Vec<usize> = axes.iter().map(|a| a.values.len()).collect();
    let total: usize = shape.iter().product();
    let mut points = Vec::with_capacity(total);
    for flat in 0..total {
        let mut rest = flat;
        let mut at = vec![0; axes.len()];
        for k in (0..axes.len()).rev() {
            at[k] = rest % shape[k];
            rest /= shape[k];
        }
        let point = scan_point(path, text, &doc, &axes, &at, &validate)?;
        same_grid(path, text, &axes[0].field, base, &point)?;
        points.push(point);
    }
    Ok(Some(Scan { axes, points }))
}

/// The axes of `[scan]` (after the realisation axis of `[turbulence]`, when there is one).
fn scan_axes(
    path: &Path,
    text: &str,
    realisations: Option<ScanAxis>,
    scan: &toml::Table,
) -> Result<Vec<ScanAxis>> {
    let mut axes: Vec<ScanAxis> = realisations.into_iter().collect();
    for (key, value) in scan {
        if key.starts_with(super::turbulence::REALISATION_FIELD) {
            return Err(scan_err(
                path,
                text,
                key,
                "cannot be scanned: [turbulence] realisations = K adds the realisation axis",
            ));
        }
        let top = key.split('.').next().unwrap_or(key);
        // The Earth chords set the shape of the night datasets (and are lists, not numbers);
        // `arrival.energy_resolution` is a physics number and may be scanned.
        if NOT_SCANNABLE.contains(&top) || key.starts_with("arrival.earth") {
            return Err(scan_err(
                path,
                text,
                key,
                format!("[{top}] cannot be scanned").replace(
                    "[arrival]",
                    "[arrival] earth (it sets the night datasets' shape)",
                ),
            ));
        }
        axes.push(ScanAxis {
            field: key.clone(),
            values: axis_values(path, text, key, value)?,
        });
    }
    Ok(axes)
}

/// The scenario at the scan point with value indices `at` (one per axis), validated; its
/// error names the axis at fault and the point.
fn scan_point(
    path: &Path,
    text: &str,
    doc: &toml::Table,
    axes: &[ScanAxis],
    at: &[usize],
    validate: &impl Fn(&str) -> Result<Scenario>,
) -> Result<Scenario> {
    let mut variant = doc.clone();
    let mut here = Vec::new();
    for (axis, &i) in axes.iter().zip(at) {
        let value = axis.values[i];
        set_field(&mut variant, &axis.field, value)
            .map_err(|m| scan_err(path, text, &axis.field, m))?;
        here.push(format!("{} = {value:e}", axis.field));
    }
    let variant_text = toml::to_string(&variant)
        .map_err(|e| ScenarioError::new(path, "scan", format!("cannot build a scan point: {e}")))?;
    let point = validate(&variant_text).map_err(|e| {
        let describe = |e: &ScenarioError| {
            if e.field.is_empty() {
                e.message.clone()
            } else {
                format!("{}: {}", e.field, e.message)
            }
        };
        // Name the axis that breaks the scenario on its own (a misspelt field, a value
        // out of range), not whichever axis comes first.
        match culprit(doc, axes, at, validate) {
            Some((k, alone)) => scan_err(
                path,
                text,
                &axes[k].field,
                format!(
                    "at the scan point {}: {}",
                    here.join(", "),
                    describe(&alone)
                ),
            ),
            None => scan_err(
                path,
                text,
                &axes[0].field,
                format!("at the scan point {}: {}", here.join(", "), describe(&e)),
            ),
        }
    })?;
    Ok(point)
}

/// The first axis that makes the scenario invalid when it alone is set to its value at
/// `at`, with that error; `None` when only the combination fails.
fn culprit(
    doc: &toml::Table,
    axes: &[ScanAxis],
    at: &[usize],
    validate: &impl Fn(&str) -> Result<Scenario>,
) -> Option<(usize, ScenarioError)> {
    axes.iter().zip(at).enumerate().find_map(|(k, (axis, &i))| {
        let mut alone = doc.clone();
        set_field(&mut alone, &axis.field, axis.values[i]).ok()?;
        let text = toml::to_string(&alone).ok()?;
        validate(&text).err().map(|e| (k, e))
    })
}

/// A scan point must have the output grid of the scenario as written. Its track may differ
/// (a zenith scan): `run::datasets::track` records each point's positions.
fn same_grid(path: &Path, text: &str, key: &str, base: &Scenario, point: &Scenario) -> Result<()> {
    let differs = [
        ("energies", base.energies_mev != point.energies_mev),
        (
            "states",
            base.labels != point.labels || base.initial != point.initial,
        ),
        ("record positions", base.record != point.record),
        (
            "observables",
            base.output.amplitudes != point.output.amplitudes
                || base.output.observables != point.output.observables
                || base.arrival.chords.len() != point.arrival.chords.len(),
        ),
        (
            "detector recoil grid or flux energies",
            base.detector.as_ref().map(DetectorSpec::grid_key)
                != point.detector.as_ref().map(DetectorSpec::grid_key),
        ),
    ];
    match differs.iter().find(|(_, d)| *d) {
        Some((what, _)) => Err(scan_err(
            path,
            text,
            key,
            format!("changes the {what} of the run, which a scan cannot (scan physics fields)"),
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_set_with_their_tables_created() {
        let mut doc: toml::Table = toml::from_str("[medium]\nrho_index = 3\n").unwrap();
        set_field(&mut doc, "moments.magnetic_mu_b.e_mu", 1e-12).unwrap();
        set_field(&mut doc, "medium.rho_index", 2.0).unwrap();
        let text = toml::to_string(&doc).unwrap();
        let back: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(back["medium"]["rho_index"].as_integer(), Some(2));
        assert_eq!(
            back["moments"]["magnetic_mu_b"]["e_mu"].as_float(),
            Some(1e-12)
        );
        let mut doc: toml::Table = toml::from_str("name = \"x\"\n").unwrap();
        assert!(set_field(&mut doc, "name.sub", 1.0).is_err());
        assert!(set_field(&mut doc, "name", 1.0).is_err());
    }

    #[test]
    fn ranges_and_lists() {
        let p = Path::new("s.toml");
        let v: toml::Value = toml::from_str::<toml::Table>(
            "v = { min = 1.0, max = 100.0, points = 3, scale = \"log\" }",
        )
        .unwrap()["v"]
            .clone();
        let got = axis_values(p, "", "k", &v).unwrap();
        assert_eq!(got.len(), 3);
        assert!((got[1] - 10.0).abs() < 1e-12);
        let v: toml::Value = toml::from_str::<toml::Table>("v = [1, 2.5]").unwrap()["v"].clone();
        assert_eq!(axis_values(p, "", "k", &v).unwrap(), vec![1.0, 2.5]);
        let v: toml::Value = toml::from_str::<toml::Table>("v = []").unwrap()["v"].clone();
        assert!(axis_values(p, "", "k", &v).is_err());
        let v: toml::Value = toml::from_str::<toml::Table>(
            "v = { min = 0.0, max = 1.0, points = 2, scale = \"log\" }",
        )
        .unwrap()["v"]
            .clone();
        assert!(axis_values(p, "", "k", &v).is_err());
    }
}
