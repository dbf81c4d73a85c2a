//! [`Word`]: a scenario value that is one of a few words (`nature = "dirac"`), parsed by the
//! word type's own serde derive (`rename_all`) and reported like every other field.
//!
//! serde says "unknown variant `x`, expected `dirac` or `majorana`"; a scenario error says
//! `must be "dirac" or "majorana", got "x"`, at the value's line and column (the TOML
//! deserialiser attaches the value's span to the error). The rewrite happens once, here.

use serde::de::{DeserializeOwned, Deserializer, Error, IntoDeserializer};
use serde::Deserialize;

/// A word choice of type `T` (an enum deriving `Deserialize` with `rename_all`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word<T>(pub T);

impl<'de, T: DeserializeOwned> Deserialize<'de> for Word<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A number or a table is refused here, as for any string field.
        let given = String::deserialize(d)?;
        let word: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
            given.as_str().into_deserializer();
        T::deserialize(word)
            .map(Word)
            .map_err(|e| D::Error::custom(must_be(&e.to_string(), &given)))
    }
}

/// serde's "unknown variant `x`, expected `a`, `b` or `c`" (any of its forms) as
/// `must be "a", "b" or "c", got "x"`; any other message unchanged.
fn must_be(serde_message: &str, given: &str) -> String {
    let Some((_, expected)) = serde_message.split_once(", expected ") else {
        return serde_message.to_string();
    };
    let names: Vec<String> = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|n| format!("\"{n}\""))
        .collect();
    let list = match names.split_last() {
        None => return serde_message.to_string(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    };
    format!("must be {list}, got \"{given}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
    #[serde(rename_all = "kebab-case")]
    enum Pick {
        One,
        TwoWords,
        Three,
    }

    #[derive(Debug, Deserialize)]
    struct Holder {
        pick: Word<Pick>,
    }

    fn message(text: &str) -> String {
        toml::from_str::<Holder>(text)
            .unwrap_err()
            .message()
            .to_string()
    }

    #[test]
    fn words_parse_and_errors_say_what_was_expected() {
        let h: Holder = toml::from_str("pick = \"two-words\"").unwrap();
        assert_eq!(h.pick, Word(Pick::TwoWords));
        assert_eq!(
            message("pick = \"four\""),
            "must be \"one\", \"two-words\" or \"three\", got \"four\""
        );
        assert!(message("pick = 4").contains("expected a string"));
        assert_eq!(
            must_be("unknown variant `x`, expected `a` or `b`", "x"),
            "must be \"a\" or \"b\", got \"x\""
        );
        assert_eq!(
            must_be("unknown variant `x`, expected `a`", "x"),
            "must be \"a\", got \"x\""
        );
        assert_eq!(must_be("something else", "x"), "something else");
    }
}
