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

use std::fmt;

use serde::de::value::MapAccessDeserializer;
use serde::de::{Deserializer, Error, MapAccess, Visitor};
use serde::Deserialize;

use super::number::Number;
use super::word::Word;
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

/// `[detector] response`, as read: serde refuses unknown keys and values of the wrong type
/// at their line and column; ranges are checked in `validate`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawResponse {
    pub resolution: Option<RawResolution>,
    pub energy: Option<Word<ElectronEnergy>>,
    pub threshold_mev: Option<Number>,
    pub max_mev: Option<Number>,
}

/// `energy`: the electron energy the resolution and the window refer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ElectronEnergy {
    Kinetic,
    Total,
}

/// What `resolution` may be, in its error messages.
const RESOLUTIONS: &str = "\"none\", \"sk-i\", \"sk-iv\" or { a_mev, b_sqrt_mev, c }";

/// `resolution`: a preset name or `{ a_mev, b_sqrt_mev, c }`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RawResolution {
    /// `"none"`, `"sk-i"` or `"sk-iv"`.
    Preset(&'static str),
    Custom(CustomResolution),
}

/// `resolution = { a_mev, b_sqrt_mev, c }` (all three required, checked in validation).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomResolution {
    a_mev: Option<Number>,
    b_sqrt_mev: Option<Number>,
    c: Option<Number>,
}

impl<'de> Deserialize<'de> for RawResolution {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawResolution;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(RESOLUTIONS)
            }
            fn visit_str<E: Error>(self, s: &str) -> std::result::Result<RawResolution, E> {
                match ["none", "sk-i", "sk-iv"].into_iter().find(|p| *p == s) {
                    Some(p) => Ok(RawResolution::Preset(p)),
                    None => Err(E::custom(format!("must be {RESOLUTIONS}, got \"{s}\""))),
                }
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                map: A,
            ) -> std::result::Result<RawResolution, A::Error> {
                let custom = CustomResolution::deserialize(MapAccessDeserializer::new(map))?;
                Ok(RawResolution::Custom(custom))
            }
        }
        d.deserialize_any(V)
    }
}

/// Builds an error about `detector.response.<field>`.
type MakeError<'a> = &'a dyn Fn(&str, String) -> ScenarioError;

/// Validates `[detector] response`; `err(field, message)` builds an error about
/// `detector.response.<field>`.
pub(crate) fn validate(raw: Option<RawResponse>, err: MakeError) -> Result<ResponseSpec> {
    let Some(raw) = raw else {
        return Ok(ResponseSpec::default());
    };
    let (resolution_name, resolution, preset_total) = resolution_of(raw.resolution, err)?;
    let total_energy = match raw.energy {
        None => preset_total,
        Some(Word(e)) => e == ElectronEnergy::Total,
    };
    let (threshold_mev, max_mev) = window(&raw, err)?;
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
fn resolution_of(value: Option<RawResolution>, err: MakeError) -> Result<NamedResolution> {
    Ok(match value {
        None | Some(RawResolution::Preset("none")) => ("none".to_string(), None, false),
        Some(RawResolution::Preset("sk-i")) => {
            ("sk-i".into(), Some((0.2468, 0.1492, 0.0690)), true)
        }
        Some(RawResolution::Preset(_)) => ("sk-iv".into(), Some((-0.0839, 0.349, 0.0397)), true),
        Some(RawResolution::Custom(t)) => {
            ("custom".into(), Some(custom_resolution(&t, err)?), false)
        }
    })
}

/// `resolution = { a_mev, b_sqrt_mev, c }`.
fn custom_resolution(t: &CustomResolution, err: MakeError) -> Result<(f64, f64, f64)> {
    let mut abc = [0.0; 3];
    for (k, (name, v)) in [("a_mev", t.a_mev), ("b_sqrt_mev", t.b_sqrt_mev), ("c", t.c)]
        .into_iter()
        .enumerate()
    {
        match v {
            Some(Number(x)) if x.is_finite() => abc[k] = x,
            _ => {
                return Err(err(
                    &format!("response.resolution.{name}"),
                    "is required and must be a finite number (sigma(E) = a_mev + b_sqrt_mev sqrt(E) + c E)".into(),
                ))
            }
        }
    }
    Ok((abc[0], abc[1], abc[2]))
}

/// `threshold_mev` (≥ 0, default 0) and `max_mev` (> threshold, default ∞).
fn window(raw: &RawResponse, err: MakeError) -> Result<(f64, f64)> {
    let number = |key: &str, v: Option<Number>| -> Result<Option<f64>> {
        match v {
            Some(Number(x)) if !x.is_finite() => Err(err(
                &format!("response.{key}"),
                format!("must be a finite number, got {x}"),
            )),
            v => Ok(v.map(|n| n.0)),
        }
    };
    let threshold_mev = number("threshold_mev", raw.threshold_mev)?.unwrap_or(0.0);
    if threshold_mev < 0.0 {
        return Err(err(
            "response.threshold_mev",
            format!("must be >= 0, got {threshold_mev}"),
        ));
    }
    let max_mev = number("max_mev", raw.max_mev)?.unwrap_or(f64::INFINITY);
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

    /// `text` read as `[detector] response` and validated; a read error names the field
    /// serde's path gives, like the scenario's own reader.
    fn check(text: &str) -> Result<ResponseSpec> {
        let err = |field: &str, message: String| {
            ScenarioError::new(
                std::path::Path::new("s.toml"),
                format!("detector.{field}"),
                message,
            )
        };
        let raw: RawResponse = serde_path_to_error::deserialize(toml::Deserializer::new(text))
            .map_err(|e| {
                let field = match e.path().to_string() {
                    p if p == "." => "response".to_string(),
                    p => format!("response.{p}"),
                };
                err(&field, e.into_inner().message().to_string())
            })?;
        validate(Some(raw), &err)
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
            ("threshold_mev = \"5\"", "detector.response.threshold_mev"),
            ("energy = 3", "detector.response.energy"),
        ] {
            let e = check(text).unwrap_err();
            assert_eq!(e.field, field, "{text}: {e}");
            assert!(e.to_string().contains("[detector] response"), "{e}");
        }
        // The words of the hand-written reader this replaced.
        for (text, words) in [
            (
                r#"resolution = "sk-v""#,
                r#"must be "none", "sk-i", "sk-iv" or { a_mev, b_sqrt_mev, c }, got "sk-v""#,
            ),
            (
                r#"energy = "visible""#,
                r#"must be "kinetic" or "total", got "visible""#,
            ),
            ("max_mev = nan", "must be a finite number, got NaN"),
            ("treshold_mev = 5", "unknown field `treshold_mev`"),
        ] {
            let e = check(text).unwrap_err();
            assert!(e.message.contains(words), "{text}: {e}");
        }
    }
}
