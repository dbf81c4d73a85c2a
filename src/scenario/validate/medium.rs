//! `[medium]`: the kind and its own strict table (built in the medium module).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::medium::{self, Medium};

use super::{Checker, Result};
use crate::scenario::raw::RawMedium;

impl Checker<'_> {
    pub(super) fn medium(&self, raw: RawMedium) -> Result<(String, Arc<dyn Medium>)> {
        let RawMedium { kind, table } = raw;
        let Some(kind) = kind else {
            return Err(self.err("medium.kind", "is required"));
        };
        let base = self
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        // The position names the key already (scenario.md: every error gives the position
        // of the value at fault), so the message leaves it out: `[medium] ye: invalid type`.
        let medium = medium::build_medium(&kind, table, &base)
            .map_err(|e| self.err(&format!("medium.{}", e.key().unwrap_or("")), e.detail()))?;
        Ok((kind, Arc::from(medium)))
    }
}
