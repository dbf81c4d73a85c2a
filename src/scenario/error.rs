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
            message: message.into(),
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
}
