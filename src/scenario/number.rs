//! [`Number`]: a number in a feature table (an integer or a float in the file). A value of
//! another type is refused while the file is read, at its line and column, in the words of
//! the hand-written readers it replaced: `must be a number, got "wide"` (serde's `f64` says
//! `invalid type: string "wide", expected f64`).

use std::fmt;

use serde::de::{Deserializer, Error, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

fn not_a_number<E: Error>(got: impl fmt::Display) -> E {
    E::custom(format!("must be a number, got {got}"))
}

/// `x` for an error message: as Rust prints it where that is short, in exponent notation
/// (`-1e50`, `2.5e-9`) for very large or small magnitudes, which `{x}` spells out in full
/// (`luminosity_erg_s = -1e50` would show as 51 digits).
pub fn shown(x: f64) -> String {
    if x != 0.0 && x.is_finite() && !(1e-4..1e7).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// A number as `f64`; whether it is finite or in range is checked in validation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number(pub f64);

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Number;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_i64<E: Error>(self, v: i64) -> Result<Number, E> {
                Ok(Number(v as f64))
            }
            fn visit_u64<E: Error>(self, v: u64) -> Result<Number, E> {
                Ok(Number(v as f64))
            }
            fn visit_f64<E: Error>(self, v: f64) -> Result<Number, E> {
                Ok(Number(v))
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<Number, E> {
                Err(not_a_number(format_args!("\"{v}\"")))
            }
            fn visit_bool<E: Error>(self, v: bool) -> Result<Number, E> {
                Err(not_a_number(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Number, A::Error> {
                Err(not_a_number("a list"))
            }
            fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Number, A::Error> {
                Err(not_a_number("a table"))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Holder {
        x: Number,
    }

    #[test]
    fn large_and_small_numbers_are_shown_in_exponent_notation() {
        assert_eq!(shown(-1e50), "-1e50");
        assert_eq!(shown(2.5e-9), "2.5e-9");
        assert_eq!(shown(1.5e7), "1.5e7");
        assert_eq!(shown(-0.1), "-0.1");
        assert_eq!(shown(0.0), "0");
        assert_eq!(shown(123456.0), "123456");
        assert_eq!(shown(f64::NAN), "NaN");
    }

    #[test]
    fn integers_and_floats_are_numbers_and_nothing_else_is() {
        let read = |t: &str| toml::from_str::<Holder>(t).map(|h| h.x.0);
        assert_eq!(read("x = 3").unwrap(), 3.0);
        assert_eq!(read("x = -2.5e-3").unwrap(), -2.5e-3);
        assert!(read("x = nan").unwrap().is_nan());
        let e = read("x = \"wide\"").unwrap_err();
        assert_eq!(e.message(), "must be a number, got \"wide\"");
        assert_eq!(e.span().map(|s| s.start), Some(4));
        for (text, got) in [
            ("true", "true"),
            ("[1]", "a list"),
            ("{ a = 1 }", "a table"),
        ] {
            let message = read(&format!("x = {text}"))
                .unwrap_err()
                .message()
                .to_string();
            assert_eq!(message, format!("must be a number, got {got}"));
        }
    }
}
