//! The scenario values that take more than one shape, typed: `[neutrino] initial`,
//! `[track] record`, `[arrival] earth`, `[arrival] production` and the `[moments]` values.
//!
//! Each has its own serde visitor, so a value of the wrong shape is refused while the file is
//! read, at the value's exact line and column (the TOML deserialiser attaches the span), with
//! the same words as every other message: `expected "end", "all-steps", { points = N } or
//! { values_km = [...] }, got 3`. What needs the rest of the scenario (the state labels, the
//! track's ends, the flavours) is checked in [`super::validate`].

use std::fmt;

use num_complex::Complex64;
use serde::de::{Deserializer, Error, Expected, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::number::Number;

/// `expected <what the visitor expects>, got <v>`.
fn got<E: Error>(expected: &dyn Expected, v: impl fmt::Display) -> E {
    E::custom(format!("expected {expected}, got {v}"))
}

/// Booleans and numbers refused in the union's own words (tables, lists and dates fall to
/// serde's `invalid type: ..., expected ...`, which uses the same `expecting`).
macro_rules! refuse_scalars {
    () => {
        fn visit_bool<E: Error>(self, v: bool) -> Result<Self::Value, E> {
            Err(got(&self, v))
        }
        fn visit_i64<E: Error>(self, v: i64) -> Result<Self::Value, E> {
            Err(got(&self, v))
        }
        fn visit_f64<E: Error>(self, v: f64) -> Result<Self::Value, E> {
            Err(got(&self, v))
        }
    };
}

/// `[neutrino] initial`: `"all"`, or a list of state labels (which labels exist depends on
/// the flavours and the basis, so they are checked in validation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawInitial {
    All,
    /// A single word other than `"all"` (refused in validation, where the labels are known).
    Word(String),
    Labels(Vec<String>),
}

impl<'de> Deserialize<'de> for RawInitial {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawInitial;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("\"all\" or a list of state labels")
            }
            fn visit_str<E: Error>(self, s: &str) -> Result<RawInitial, E> {
                Ok(match s {
                    "all" => RawInitial::All,
                    other => RawInitial::Word(other.to_string()),
                })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawInitial, A::Error> {
                let mut labels = Vec::new();
                while let Some(label) = seq.next_element::<String>()? {
                    labels.push(label);
                }
                Ok(RawInitial::Labels(labels))
            }
            refuse_scalars!();
        }
        d.deserialize_any(V)
    }
}

/// `[track] record`: what positions the solver records (the grid itself is built in
/// validation, from the track's ends).
#[derive(Debug, Clone, PartialEq)]
pub enum RawRecord {
    End,
    AllSteps,
    /// `{ points = N }`, N >= 1 evenly spaced positions ending at the track's end.
    Points(usize),
    /// `{ values_km = [...] }`.
    ValuesKm(Vec<f64>),
}

/// The table form of [`RawRecord`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RecordTable {
    points: Option<Count>,
    values_km: Option<Vec<f64>>,
}

/// An integer >= 1.
struct Count(usize);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Count;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an integer >= 1")
            }
            fn visit_i64<E: Error>(self, n: i64) -> Result<Count, E> {
                usize::try_from(n)
                    .ok()
                    .filter(|&n| n >= 1)
                    .map(Count)
                    .ok_or_else(|| E::custom(format!("must be an integer >= 1, got {n}")))
            }
            fn visit_f64<E: Error>(self, x: f64) -> Result<Count, E> {
                Err(E::custom(format!("must be an integer >= 1, got {x}")))
            }
            fn visit_str<E: Error>(self, s: &str) -> Result<Count, E> {
                Err(E::custom(format!("must be an integer >= 1, got \"{s}\"")))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for RawRecord {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawRecord;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("\"end\", \"all-steps\", { points = N } or { values_km = [...] }")
            }
            fn visit_str<E: Error>(self, s: &str) -> Result<RawRecord, E> {
                match s {
                    "end" => Ok(RawRecord::End),
                    "all-steps" => Ok(RawRecord::AllSteps),
                    other => Err(got(&self, format_args!("\"{other}\""))),
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawRecord, A::Error> {
                let de = serde::de::value::MapAccessDeserializer::new(map);
                match RecordTable::deserialize(de)? {
                    RecordTable {
                        points: Some(Count(n)),
                        values_km: None,
                    } => Ok(RawRecord::Points(n)),
                    RecordTable {
                        points: None,
                        values_km: Some(xs),
                    } => Ok(RawRecord::ValuesKm(xs)),
                    RecordTable { points: None, .. } => Err(got(&self, "an empty table")),
                    _ => Err(got(&self, "both points and values_km")),
                }
            }
            refuse_scalars!();
        }
        d.deserialize_any(V)
    }
}

/// `[arrival] earth`: `"none"`, or chords through the Earth (their range, count and weights
/// are checked in validation).
#[derive(Debug, Clone, PartialEq)]
pub enum RawEarth {
    None,
    Chords {
        cos_zenith: Option<Vec<f64>>,
        weights: Option<Vec<f64>>,
    },
}

/// The table form of [`RawEarth`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EarthTable {
    cos_zenith: Option<Vec<f64>>,
    weights: Option<Vec<f64>>,
}

impl<'de> Deserialize<'de> for RawEarth {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawEarth;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("\"none\" or { cos_zenith = [...], weights = [...] }")
            }
            fn visit_str<E: Error>(self, s: &str) -> Result<RawEarth, E> {
                match s {
                    "none" => Ok(RawEarth::None),
                    other => Err(got(&self, format_args!("\"{other}\""))),
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawEarth, A::Error> {
                let de = serde::de::value::MapAccessDeserializer::new(map);
                let t = EarthTable::deserialize(de)?;
                Ok(RawEarth::Chords {
                    cos_zenith: t.cos_zenith,
                    weights: t.weights,
                })
            }
            refuse_scalars!();
        }
        d.deserialize_any(V)
    }
}

/// A `[moments]` value: a real number or `[re, im]`, in Bohr magnetons.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RawMoment(pub Complex64);

impl<'de> Deserialize<'de> for RawMoment {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawMoment;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or [re, im]")
            }
            fn visit_i64<E: Error>(self, re: i64) -> Result<RawMoment, E> {
                Ok(RawMoment(Complex64::new(re as f64, 0.0)))
            }
            fn visit_f64<E: Error>(self, re: f64) -> Result<RawMoment, E> {
                Ok(RawMoment(Complex64::new(re, 0.0)))
            }
            fn visit_str<E: Error>(self, s: &str) -> Result<RawMoment, E> {
                Err(got(&self, format_args!("\"{s}\"")))
            }
            fn visit_bool<E: Error>(self, b: bool) -> Result<RawMoment, E> {
                Err(got(&self, b))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawMoment, A::Error> {
                let mut parts = Vec::with_capacity(2);
                while let Some(x) = seq.next_element::<f64>()? {
                    parts.push(x);
                }
                match parts[..] {
                    [re, im] => Ok(RawMoment(Complex64::new(re, im))),
                    _ => Err(got(&self, format_args!("a list of {}", parts.len()))),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// `[arrival] production`: a Gaussian `{ mean_km, sigma_km, points }` (any of the three;
/// which are required, and their ranges, are checked in validation) or `{ file }`.
#[derive(Debug, Clone, PartialEq)]
pub enum RawProduction {
    Gaussian {
        mean_km: Option<f64>,
        sigma_km: Option<f64>,
        points: Option<f64>,
    },
    File(String),
}

impl<'de> Deserialize<'de> for RawProduction {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawProduction;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("{ mean_km, sigma_km, points } or { file }")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let (mut keys, mut gaussian, mut file) = (Vec::new(), [None; 3], None);
                while let Some(key) = map.next_key::<String>()? {
                    match ["mean_km", "sigma_km", "points"]
                        .iter()
                        .position(|k| *k == key)
                    {
                        Some(i) => gaussian[i] = Some(map.next_value::<Number>()?.0),
                        None if key == "file" => file = Some(map.next_value::<String>()?),
                        None => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                    keys.push(key);
                }
                let [mean_km, sigma_km, points] = gaussian;
                match file {
                    Some(name) if keys.len() == 1 => Ok(RawProduction::File(name)),
                    None if gaussian_only(&keys) => Ok(RawProduction::Gaussian {
                        mean_km,
                        sigma_km,
                        points,
                    }),
                    _ => Err(got(&self, format_args!("the keys {}", keys.join(", ")))),
                }
            }
        }
        d.deserialize_map(V)
    }
}

/// Every key is one of the Gaussian's.
fn gaussian_only(keys: &[String]) -> bool {
    keys.iter()
        .all(|k| ["mean_km", "sigma_km", "points"].contains(&k.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Holder {
        initial: Option<RawInitial>,
        record: Option<RawRecord>,
        earth: Option<RawEarth>,
        moment: Option<RawMoment>,
    }

    fn read(text: &str) -> Holder {
        toml::from_str(text).unwrap()
    }

    /// The message and the column (1-based) of the span serde gives the error.
    fn refused(text: &str) -> (String, usize) {
        let e = toml::from_str::<Holder>(text).unwrap_err();
        let column = e.span().expect("a span").start + 1;
        (e.message().to_string(), column)
    }

    #[test]
    fn every_shape_of_every_union_parses() {
        assert_eq!(read("initial = \"all\"").initial, Some(RawInitial::All));
        assert_eq!(
            read("initial = \"nue\"").initial,
            Some(RawInitial::Word("nue".into()))
        );
        assert_eq!(
            read("initial = [\"nue\", \"numu\"]").initial,
            Some(RawInitial::Labels(vec!["nue".into(), "numu".into()]))
        );
        assert_eq!(read("record = \"end\"").record, Some(RawRecord::End));
        assert_eq!(
            read("record = \"all-steps\"").record,
            Some(RawRecord::AllSteps)
        );
        assert_eq!(
            read("record = { points = 7 }").record,
            Some(RawRecord::Points(7))
        );
        assert_eq!(
            read("record = { values_km = [1, 2.5] }").record,
            Some(RawRecord::ValuesKm(vec![1.0, 2.5]))
        );
        assert_eq!(read("earth = \"none\"").earth, Some(RawEarth::None));
        assert_eq!(
            read("earth = { cos_zenith = [-0.5] }").earth,
            Some(RawEarth::Chords {
                cos_zenith: Some(vec![-0.5]),
                weights: None
            })
        );
        assert_eq!(
            read("moment = 2").moment,
            Some(RawMoment(Complex64::new(2.0, 0.0)))
        );
        assert_eq!(
            read("moment = [1e-12, -2]").moment,
            Some(RawMoment(Complex64::new(1e-12, -2.0)))
        );
    }

    #[test]
    fn wrong_shapes_are_refused_at_the_value_in_the_union_s_words() {
        let record = "\"end\", \"all-steps\", { points = N } or { values_km = [...] }";
        assert_eq!(
            refused("record = \"middle\""),
            (format!("expected {record}, got \"middle\""), 10)
        );
        assert_eq!(
            refused("record = 3"),
            (format!("expected {record}, got 3"), 10)
        );
        assert_eq!(
            refused("record = { points = 3, values_km = [1] }"),
            (
                format!("expected {record}, got both points and values_km"),
                10
            )
        );
        assert_eq!(
            refused("record = { points = 0 }"),
            ("must be an integer >= 1, got 0".to_string(), 21)
        );
        assert_eq!(
            refused("record = { points = 1.5 }"),
            ("must be an integer >= 1, got 1.5".to_string(), 21)
        );
        assert!(refused("record = { point = 3 }")
            .0
            .contains("unknown field `point`"));
        assert_eq!(
            refused("earth = \"moon\""),
            (
                "expected \"none\" or { cos_zenith = [...], weights = [...] }, got \"moon\""
                    .to_string(),
                9
            )
        );
        assert!(refused("earth = { zenith = [1] }")
            .0
            .contains("unknown field `zenith`"));
        assert_eq!(
            refused("initial = 3"),
            (
                "expected \"all\" or a list of state labels, got 3".to_string(),
                11
            )
        );
        // A list item of the wrong type is pointed at itself.
        let (message, column) = refused("initial = [\"nue\", 3]");
        assert!(message.contains("expected a string"), "{message}");
        assert_eq!(column, 19);
        assert_eq!(
            refused("moment = \"big\""),
            ("expected a number or [re, im], got \"big\"".to_string(), 10)
        );
        assert_eq!(
            refused("moment = [1, 2, 3]"),
            (
                "expected a number or [re, im], got a list of 3".to_string(),
                10
            )
        );
    }
}
