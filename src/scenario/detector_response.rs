//! `[detector] response = { resolution, energy, threshold_mev, max_mev }`: the detector's
//! energy response for the day/night recoil spectra and rates, validated into plain data
//! ([`ResponseSpec`]); the run layer turns it into the detector physics' response.
//!
//! - `resolution`: `"none"` (default), `"sk-i"`, `"sk-iv"` (Super-Kamiokande's published
//!   σ(E) = a + b√E + cE in total energy), or `{ a_mev, b_sqrt_mev, c }`.
//! - `energy`: `"kinetic"` or `"total"` (electron energy the resolution and window refer to;
//!   default: `"total"` for the SK presets, else `"kinetic"`).
//! - `threshold_mev` (default 0) and `max_mev` (default: no upper end): the window of the
//!   rates, in `energy`.

use super::ScenarioError;

type Result<T> = std::result::Result<T, ScenarioError>;

/// A validated `[detector] response`.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseSpec {
    /// What the scenario asked for (`"none"`, `"sk-i"`, `"sk-iv"` or `"custom"`).
    pub resolution_name: String,
    /// σ(E) = a + b√E + cE: (a_mev, b_sqrt_mev, c); `None`: no smearing.
    pub resolution: Option<(f64, f64, f64)>,
    /// `true`: total electron energy; `false`: kinetic.
    pub total_energy: bool,
    pub threshold_mev: f64,
    /// Upper end of the window (infinite when not given).
    pub max_mev: f64,
}

impl Default for ResponseSpec {
    fn default() -> Self {
        ResponseSpec {
            resolution_name: "none".into(),
            resolution: None,
            total_energy: false,
            threshold_mev: 0.0,
            max_mev: f64::INFINITY,
        }
    }
}

/// Builds an error about `detector.response.<field>`.
type MakeError<'a> = &'a dyn Fn(&str, String) -> ScenarioError;

/// Validates `[detector] response`; `err(field, message)` builds an error about
/// `detector.response.<field>`.
pub(crate) fn validate(table: Option<toml::Table>, err: MakeError) -> Result<ResponseSpec> {
    let Some(table) = table else {
        return Ok(ResponseSpec::default());
    };
    for key in table.keys() {
        if !["resolution", "energy", "threshold_mev", "max_mev"].contains(&key.as_str()) {
            return Err(err(
                &format!("response.{key}"),
                "is not a response field (expected resolution, energy, threshold_mev, max_mev)"
                    .into(),
            ));
        }
    }
    let (resolution_name, resolution, preset_total) = resolution_of(table.get("resolution"), err)?;
    let total_energy = match table.get("energy") {
        None => preset_total,
        Some(toml::Value::String(s)) if s == "kinetic" => false,
        Some(toml::Value::String(s)) if s == "total" => true,
        Some(v) => {
            return Err(err(
                "response.energy",
                format!("must be \"kinetic\" or \"total\", got {v}"),
            ))
        }
    };
    let (threshold_mev, max_mev) = window(&table, err)?;
    Ok(ResponseSpec {
        resolution_name,
        resolution,
        total_energy,
        threshold_mev,
        max_mev,
    })
}

/// A resolution's name, its (a, b, c) and whether the preset quotes total energy.
type NamedResolution = (String, Option<(f64, f64, f64)>, bool);

/// `resolution` as a [`NamedResolution`].
fn resolution_of(value: Option<&toml::Value>, err: MakeError) -> Result<NamedResolution> {
    match value {
        None => Ok(("none".to_string(), None, false)),
        Some(toml::Value::String(s)) => match s.as_str() {
            "none" => Ok(("none".into(), None, false)),
            "sk-i" => Ok(("sk-i".into(), Some((0.2468, 0.1492, 0.0690)), true)),
            "sk-iv" => Ok(("sk-iv".into(), Some((-0.0839, 0.349, 0.0397)), true)),
            other => Err(err(
                "response.resolution",
                format!(
                    "must be \"none\", \"sk-i\", \"sk-iv\" or {{ a_mev, b_sqrt_mev, c }}, got \"{other}\""
                ),
            )),
        },
        Some(toml::Value::Table(t)) => {
            let abc = custom_resolution(t, err)?;
            Ok(("custom".into(), Some(abc), false))
        }
        Some(v) => Err(err(
            "response.resolution",
            format!("must be a string or a table, got {v}"),
        )),
    }
}

/// `resolution = { a_mev, b_sqrt_mev, c }`.
fn custom_resolution(t: &toml::Table, err: MakeError) -> Result<(f64, f64, f64)> {
    let mut abc = [0.0; 3];
    for (k, name) in ["a_mev", "b_sqrt_mev", "c"].iter().enumerate() {
        let v = t
            .get(*name)
            .and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)));
        match v {
            Some(x) if x.is_finite() => abc[k] = x,
            _ => {
                return Err(err(
                    &format!("response.resolution.{name}"),
                    "is required and must be a finite number (sigma(E) = a_mev + b_sqrt_mev sqrt(E) + c E)".into(),
                ))
            }
        }
    }
    if t.len() > 3 {
        return Err(err(
            "response.resolution",
            "takes only a_mev, b_sqrt_mev and c".into(),
        ));
    }
    Ok((abc[0], abc[1], abc[2]))
}

/// `threshold_mev` (≥ 0, default 0) and `max_mev` (> threshold, default ∞).
fn window(table: &toml::Table, err: MakeError) -> Result<(f64, f64)> {
    let number = |key: &str| -> Result<Option<f64>> {
        match table.get(key) {
            None => Ok(None),
            Some(v) => match v.as_float().or_else(|| v.as_integer().map(|i| i as f64)) {
                Some(x) if x.is_finite() => Ok(Some(x)),
                _ => Err(err(
                    &format!("response.{key}"),
                    format!("must be a finite number, got {v}"),
                )),
            },
        }
    };
    let threshold_mev = number("threshold_mev")?.unwrap_or(0.0);
    if threshold_mev < 0.0 {
        return Err(err(
            "response.threshold_mev",
            format!("must be >= 0, got {threshold_mev}"),
        ));
    }
    let max_mev = number("max_mev")?.unwrap_or(f64::INFINITY);
    if max_mev <= threshold_mev {
        return Err(err(
            "response.max_mev",
            format!("must be > threshold_mev = {threshold_mev}, got {max_mev}"),
        ));
    }
    Ok((threshold_mev, max_mev))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Result<ResponseSpec> {
        let table: toml::Table = toml::from_str(text).unwrap();
        let err = |field: &str, message: String| {
            ScenarioError::new(
                std::path::Path::new("s.toml"),
                format!("detector.{field}"),
                message,
            )
        };
        validate(Some(table), &err)
    }

    #[test]
    fn presets_and_custom_resolutions() {
        let r = check(r#"resolution = "sk-iv""#).unwrap();
        assert_eq!(r.resolution, Some((-0.0839, 0.349, 0.0397)));
        assert!(r.total_energy, "SK quotes total energy");
        let r = check("resolution = { a_mev = 0.1, b_sqrt_mev = 0.2, c = 0 }\nthreshold_mev = 3")
            .unwrap();
        assert_eq!(
            (r.resolution, r.total_energy, r.threshold_mev),
            (Some((0.1, 0.2, 0.0)), false, 3.0)
        );
        assert_eq!(
            validate(None, &|_, _| unreachable!()).unwrap(),
            ResponseSpec::default()
        );
    }

    #[test]
    fn bad_responses_name_the_field() {
        for (text, field) in [
            (r#"resolution = "sk-v""#, "detector.response.resolution"),
            (
                r#"resolution = { a_mev = 0.1 }"#,
                "detector.response.resolution.b_sqrt_mev",
            ),
            (r#"energy = "visible""#, "detector.response.energy"),
            ("threshold_mev = -1", "detector.response.threshold_mev"),
            (
                "threshold_mev = 5\nmax_mev = 4",
                "detector.response.max_mev",
            ),
            ("treshold_mev = 5", "detector.response.treshold_mev"),
        ] {
            let e = check(text).unwrap_err();
            assert_eq!(e.field, field, "{text}: {e}");
            assert!(e.to_string().contains("[detector] response."), "{e}");
        }
    }
}
