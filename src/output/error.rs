//! [`OutputError`]: every failure of the writer and the reader, naming the file it concerns.
//!
//! Messages read as a sentence about a path, e.g. `out/run.h5: cannot create: Permission
//! denied (os error 13)`. The underlying error is part of the message (not a separate
//! `source`), so printing the error alone is already a complete report.

use std::path::{Path, PathBuf};

/// A failure while checking, writing or reading an output file.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// An operating-system call on `path` failed.
    #[error("{}: {action}: {error}", path.display())]
    Io {
        /// The file or directory concerned.
        path: PathBuf,
        /// What was being done, e.g. "cannot create".
        action: &'static str,
        /// The operating system's answer.
        error: std::io::Error,
    },
    /// The HDF5 library refused an operation on `path`.
    #[error("{}: {action}: {error}", path.display())]
    Hdf5 {
        /// The file concerned.
        path: PathBuf,
        /// What was being done, e.g. "cannot append to /partial/probability".
        action: String,
        /// The library's answer.
        error: hdf5_pure::Error,
    },
    /// The output file exists and overwriting was not allowed.
    #[error("{}: already exists (use --force to overwrite it)", path.display())]
    Exists {
        /// The existing file.
        path: PathBuf,
    },
    /// Another process (a second `nuspin run` on the same output) is writing this partial
    /// file now: it holds the file's lock.
    #[error("{}: another nuspin run is writing this file now; wait for it to finish, stop it, or choose another output file (-o)", path.display())]
    InUse {
        /// The partial file.
        path: PathBuf,
    },
    /// A partial file left by a run that was stopped (no process holds its lock).
    #[error("{}: left by an interrupted run (no run is writing it); finish that run with `nuspin run --resume {}`, or start over with --force (or delete the file)", path.display(), path.display())]
    StalePartial {
        /// The partial file.
        path: PathBuf,
    },
    /// A file being read does not follow the nuspin layout (output.md).
    #[error("{}: not a nuspin output file: {what}", path.display())]
    Layout {
        /// The file being read.
        path: PathBuf,
        /// What is missing or malformed.
        what: String,
    },
    /// The file ends before the length its HDF5 superblock records.
    #[error("{}: the file is truncated ({len} of {expected} bytes): it was cut while being written or copied; rerun or copy it again", path.display())]
    Truncated {
        /// The file.
        path: PathBuf,
        /// Its length, bytes.
        len: u64,
        /// The length its superblock records.
        expected: u64,
    },
    /// Files given to `nuspin merge` that are valid output but do not belong together (a
    /// different run, a shard twice, not a shard).
    #[error("{}: cannot merge: {what}", path.display())]
    Merge {
        /// The offending file.
        path: PathBuf,
        /// Why it does not fit with the others.
        what: String,
    },
    /// The data handed to the writer does not match the run header (a caller bug).
    #[error("{}: cannot write energy result: {what}", path.display())]
    Mismatch {
        /// The file being written.
        path: PathBuf,
        /// Which length or index disagrees with the header.
        what: String,
    },
    /// An earlier append failed, so the partial file can no longer be extended safely.
    #[error("{}: an earlier append failed; no further energies are written", path.display())]
    Poisoned {
        /// The partial file.
        path: PathBuf,
    },
}

impl OutputError {
    pub(crate) fn io(path: &Path, action: &'static str, error: std::io::Error) -> Self {
        OutputError::Io {
            path: path.to_path_buf(),
            action,
            error,
        }
    }

    pub(crate) fn hdf5(path: &Path, action: impl Into<String>, error: hdf5_pure::Error) -> Self {
        OutputError::Hdf5 {
            path: path.to_path_buf(),
            action: action.into(),
            error,
        }
    }

    pub(crate) fn layout(path: &Path, what: impl Into<String>) -> Self {
        OutputError::Layout {
            path: path.to_path_buf(),
            what: what.into(),
        }
    }

    pub(crate) fn merge(path: &Path, what: impl Into<String>) -> Self {
        OutputError::Merge {
            path: path.to_path_buf(),
            what: what.into(),
        }
    }

    pub(crate) fn mismatch(path: &Path, what: impl Into<String>) -> Self {
        OutputError::Mismatch {
            path: path.to_path_buf(),
            what: what.into(),
        }
    }

    /// The path this error is about.
    pub fn path(&self) -> &Path {
        match self {
            OutputError::Io { path, .. }
            | OutputError::Hdf5 { path, .. }
            | OutputError::Exists { path }
            | OutputError::InUse { path }
            | OutputError::StalePartial { path }
            | OutputError::Layout { path, .. }
            | OutputError::Merge { path, .. }
            | OutputError::Truncated { path, .. }
            | OutputError::Mismatch { path, .. }
            | OutputError::Poisoned { path } => path,
        }
    }
}

/// Result alias of this module.
pub type Result<T, E = OutputError> = std::result::Result<T, E>;
