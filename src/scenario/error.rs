//! [`ScenarioError`]: what is wrong with a scenario file, as a sentence about the user's input.

use std::fmt;
use std::path::{Path, PathBuf};

use super::source_map::{self, Position};

/// An invalid scenario: the file, the `table.field` path, the line and column when known, and
/// what was expected. Displays as
/// `scenarios/x.toml:12:13: [medium] rho_g_cm3: must be >= 0, got -3`.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioError {
    pub file: PathBuf,
    /// Dotted path of the field, e.g. `medium.rho_g_cm3`; empty for whole-file errors.
    pub field: String,
    /// 1-based line of the field's value (or of its table when the field is missing).
    pub line: Option<usize>,
    /// 1-based column (in characters) on `line`.
    pub column: Option<usize>,
    pub message: String,
}

impl ScenarioError {
    /// An error about `field` (dotted path) of `file`.
    pub fn new(file: &Path, field: impl Into<String>, message: impl Into<String>) -> Self {
        ScenarioError {
            file: file.to_path_buf(),
            field: field.into(),
            line: None,
            column: None,
            message: in_plain_words(&message.into()),
        }
    }

    /// The same error at `position` in the file.
    pub fn at(mut self, position: Option<Position>) -> Self {
        self.line = position.map(|p| p.line);
        self.column = position.map(|p| p.column);
        self
    }

    /// The same error at dotted `field`'s place in scenario `text` (see
    /// [`source_map::locate`]).
    pub fn located_in(self, text: &str) -> Self {
        let position = source_map::locate(text, &self.field);
        self.at(position)
    }
}

/// serde's messages name Rust's types (`invalid type: string "x", expected f64`); the author of
/// a scenario wrote a number or an integer, so those words are replaced: `expected f64` →
/// `expected a number`, `expected u32` (and the other integer types) → `expected an integer`.
fn in_plain_words(message: &str) -> String {
    const NUMBER: [&str; 2] = ["f64", "f32"];
    const INTEGER: [&str; 12] = [
        "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize",
    ];
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find("expected ") {
        let (before, after) = rest.split_at(at + "expected ".len());
        out.push_str(before);
        let word_end = after
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(after.len());
        let word = &after[..word_end];
        if NUMBER.contains(&word) {
            out.push_str("a number");
        } else if INTEGER.contains(&word) {
            out.push_str("an integer");
        } else {
            out.push_str(word);
        }
        rest = &after[word_end..];
    }
    out.push_str(rest);
    out
}

/// `medium.rho_g_cm3` → `[medium] rho_g_cm3`; `name` → `name`.
fn describe_field(field: &str) -> String {
    match field.split_once('.') {
        Some((table, "")) => format!("[{table}]"),
        Some((table, rest)) => format!("[{table}] {rest}"),
        None => field.to_string(),
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if self.field.is_empty() {
            write!(f, ": {}", self.message)
        } else {
            write!(f, ": {}: {}", describe_field(&self.field), self.message)
        }
    }
}

impl std::error::Error for ScenarioError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_line_table_and_field() {
        let e = ScenarioError::new(
            Path::new("scenarios/x.toml"),
            "medium.rho_g_cm3",
            "must be >= 0, got -3",
        )
        .at(Some(Position {
            line: 12,
            column: 13,
        }));
        assert_eq!(
            e.to_string(),
            "scenarios/x.toml:12:13: [medium] rho_g_cm3: must be >= 0, got -3"
        );
    }

    #[test]
    fn rust_type_names_become_plain_words() {
        assert_eq!(
            in_plain_words(r#"invalid type: string "x", expected f64"#),
            r#"invalid type: string "x", expected a number"#
        );
        assert_eq!(
            in_plain_words("invalid type: floating point `2.5`, expected u32"),
            "invalid type: floating point `2.5`, expected an integer"
        );
        // Only whole words after "expected" change: other words and names stay as written.
        assert_eq!(
            in_plain_words("unknown field `u64x`, expected one of `f64s`, `i64`"),
            "unknown field `u64x`, expected one of `f64s`, `i64`"
        );
        assert_eq!(
            in_plain_words("expected i64 or expected usize"),
            "expected an integer or expected an integer"
        );
    }
}
