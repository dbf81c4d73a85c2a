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
        let medium = medium::build_medium(&kind, table, &base).map_err(|e| {
            let field = field_at_fault(&e);
            // The position names the key already: `[medium] ye: invalid type`, not
            // `[medium] ye: field 'ye': invalid type`.
            let message = e.to_string();
            let key = field.trim_start_matches("medium.");
            let message = message
                .strip_prefix(&format!("field '{key}': "))
                .map_or(message.clone(), str::to_string);
            self.err(&field, message)
        })?;
        Ok((kind, Arc::from(medium)))
    }
}

/// The `medium.<key>` an error is about, so that the message points at that key's line and
/// column (scenario.md: every error gives the position of the value at fault). serde's
/// messages name the key (`unknown field 'k'`, `field 'k': invalid type`); a table that cannot
/// be read is the `file` key's fault. Anything else, and a missing field, whose position is
/// its table's header, stays `medium.`.
fn field_at_fault(e: &medium::MediumConfigError) -> String {
    use medium::MediumConfigError as E;
    let key = match e {
        E::UnknownKind(_) => Some("kind"),
        E::Invalid { field, .. } => Some(*field),
        E::Table { .. } => Some("file"),
        E::Field(message) => ["unknown field '", "field '"]
            .iter()
            .find_map(|prefix| message.strip_prefix(prefix)?.split('\'').next()),
        _ => None,
    };
    format!("medium.{}", key.unwrap_or(""))
}
