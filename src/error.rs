//! The crate's [`Error`]: what went wrong, said as a sentence about the user's input or the
//! run, with the typed error of the layer that found it as its [`source`](std::error::Error::source).
//!
//! Three kinds, for the exit code: [`Error::Input`] (bad input — the scenario, an argument, a
//! table, an output path that exists; exit 2), [`Error::Runtime`] (a failure while running
//! or writing; exit 1) and [`Error::Interrupted`] (Ctrl-C or SIGTERM; exit 130). The message is what the user reads first; the [`Cause`] keeps the
//! layer's own error (a [`ScenarioError`] with its field and line, an [`OutputError`] with its
//! path, a [`RunError`] with its energy) for programs and for the cause chain `nuspin` prints.

use crate::medium::{MediumConfigError, SampleError};
use crate::output::OutputError;
use crate::run::RunError;
use crate::scenario::ScenarioError;

/// The typed error of the layer that found the problem.
#[derive(Debug, thiserror::Error)]
pub enum Cause {
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error(transparent)]
    Run(#[from] RunError),
    #[error(transparent)]
    MediumSample(#[from] SampleError),
    #[error(transparent)]
    MediumConfig(#[from] MediumConfigError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// A failure of a `nuspin` command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input: exit code 2.
    #[error("{message}")]
    Input {
        message: String,
        #[source]
        cause: Option<Box<Cause>>,
    },
    /// A failure while running or writing: exit code 1.
    #[error("{message}")]
    Runtime {
        message: String,
        #[source]
        cause: Option<Box<Cause>>,
    },
    /// The run was stopped by Ctrl-C or SIGTERM and kept what finished: exit code
    /// [`Error::INTERRUPTED_EXIT_CODE`].
    #[error("{message}")]
    Interrupted { message: String },
}

impl Error {
    /// Bad input said in `message`, with no typed cause (e.g. a command-line argument).
    pub fn usage(message: impl Into<String>) -> Error {
        Error::Input {
            message: message.into(),
            cause: None,
        }
    }

    /// Bad input found by a layer, said as that layer says it.
    pub fn input(cause: impl Into<Cause>) -> Error {
        let cause = cause.into();
        Error::Input {
            message: cause.to_string(),
            cause: Some(Box::new(cause)),
        }
    }

    /// Bad input found by a layer, said as `message`.
    pub fn input_with(message: impl Into<String>, cause: impl Into<Cause>) -> Error {
        Error::Input {
            message: message.into(),
            cause: Some(Box::new(cause.into())),
        }
    }

    /// A run-time failure found by a layer, said as that layer says it.
    pub fn runtime(cause: impl Into<Cause>) -> Error {
        let cause = cause.into();
        Error::Runtime {
            message: cause.to_string(),
            cause: Some(Box::new(cause)),
        }
    }

    /// A run-time failure said as `message`, with its cause when there is one.
    pub fn runtime_with(message: impl Into<String>, cause: Option<Cause>) -> Error {
        Error::Runtime {
            message: message.into(),
            cause: cause.map(Box::new),
        }
    }

    /// Exit code of a run stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it).
    pub const INTERRUPTED_EXIT_CODE: i32 = 130;

    /// The process exit code: 2 for bad input, 1 for a failure while running, 130 for a
    /// run stopped by a signal.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input { .. } => 2,
            Error::Runtime { .. } => 1,
            Error::Interrupted { .. } => Self::INTERRUPTED_EXIT_CODE,
        }
    }

    /// The causes worth printing below the message: each error of the source chain whose
    /// text does not already appear in the one above it (most messages quote their cause).
    pub fn cause_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        let mut above = self.to_string();
        let mut source = std::error::Error::source(self);
        while let Some(s) = source {
            let text = s.to_string();
            if !above.contains(&text) {
                lines.push(text.clone());
            }
            above = text;
            source = s.source();
        }
        lines
    }
}

impl From<ScenarioError> for Error {
    fn from(e: ScenarioError) -> Error {
        Error::input(e)
    }
}

impl From<RunError> for Error {
    fn from(e: RunError) -> Error {
        match e {
            // The medium of the plan, sampled before any work: bad input.
            RunError::MediumSamples { .. } => Error::input(e),
            e => Error::runtime(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chain_skips_causes_the_message_already_quotes() {
        let io = std::io::Error::other("disk full");
        let quoted = Error::runtime_with("cannot write: disk full", Some(io.into()));
        assert!(quoted.cause_lines().is_empty());
        let io = std::io::Error::other("disk full");
        let bare = Error::runtime_with("cannot write out.h5", Some(io.into()));
        assert_eq!(bare.cause_lines(), vec!["disk full".to_string()]);
        assert_eq!(bare.exit_code(), 1);
        assert_eq!(Error::usage("--threads must be >= 1").exit_code(), 2);
    }
}
