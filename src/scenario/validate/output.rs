//! `[output]`: file, amplitudes, profile samples and observables.

use std::path::PathBuf;

use crate::scenario::{ObservableSet, OutputSpec};

use super::{Checker, Result};

impl Checker<'_> {
    pub(super) fn output(
        &self,
        o: crate::scenario::raw::RawOutput,
        name: &str,
    ) -> Result<OutputSpec> {
        let file = match o.file {
            Some(f) if f.trim().is_empty() => {
                return Err(self.err("output.file", "must not be empty"))
            }
            Some(f) => PathBuf::from(f),
            // The name is free text: keep the default file inside out/ whatever it holds.
            None => PathBuf::from("out").join(format!("{}.h5", file_safe(name))),
        };
        let profile_samples = o.profile_samples.unwrap_or(2000);
        if profile_samples < 0 {
            return Err(self.err(
                "output.profile_samples",
                format!("must be >= 0, got {profile_samples}"),
            ));
        }
        Ok(OutputSpec {
            file,
            amplitudes: o.amplitudes.unwrap_or(false),
            profile_samples: profile_samples as usize,
            observables: self.observables(o.observables.as_deref())?,
        })
    }

    pub(super) fn observables(&self, names: Option<&[String]>) -> Result<ObservableSet> {
        let field = "output.observables";
        let mut set = ObservableSet::default();
        let mut seen: Vec<&str> = Vec::new();
        for name in names.unwrap_or_default() {
            if seen.contains(&name.as_str()) {
                return Err(self.err(field, format!("lists \"{name}\" twice")));
            }
            seen.push(name);
            match name.as_str() {
                "flavour" => {}
                "mass" => set.mass = true,
                "earth" => set.earth = true,
                "averaged" => set.averaged = true,
                other => {
                    return Err(self.err(
                        field,
                        format!(
                            "unknown observable \"{other}\"; expected any of \"flavour\", \"mass\", \"earth\", \"averaged\""
                        ),
                    ))
                }
            }
        }
        Ok(set)
    }
}

/// `name` with every character other than letters, digits, `-`, `_`, `.` and `+` replaced by
/// `_`, so that it is one plain file name (no `/`, no `..` component of its own).
fn file_safe(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.+".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe.chars().all(|c| c == '.') {
        safe.replace('.', "_")
    } else {
        safe
    }
}
