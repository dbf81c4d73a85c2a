//! One output file from the shard files of a run (`nuspin run --shard K/N`), equal (apart
//! from `created_utc` and `command`) to the file the unsharded run writes.

use std::path::{Path, PathBuf};

use super::derived_datasets;
use crate::error::Error;
use crate::output::{self, read_output};
use crate::scenario;

/// What a merge did.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    pub shard_files: usize,
    pub grid_points_done: usize,
    pub grid_points_total: usize,
}

impl Merged {
    /// Whether every grid point is in the merged file.
    pub fn complete(&self) -> bool {
        self.grid_points_done == self.grid_points_total
    }
}

/// Joins `files` into `out` (which must be writable: see [`output::check_writable`]).
/// `command` is stored as the root attribute `command`.
pub fn merge_files(files: &[PathBuf], out: &Path, command: &str) -> Result<Merged, Error> {
    let files = files
        .iter()
        .map(|f| read_output(f))
        .collect::<Result<Vec<_>, _>>()
        .map_err(Error::input)?;
    let (header, results) = output::merge_shards(&files, command).map_err(Error::input)?;
    // Whole-run datasets (folded spectra, asymmetries) need every shard's results, so they
    // are computed again here from the scenario text the run used.
    let had_derived = files.iter().any(|f| !f.derived.is_empty());
    let derived = match scenario::parse(Path::new(&header.scenario_file), &header.scenario_toml) {
        Ok(s) => derived_datasets(&s, &header, &results),
        Err(e) if had_derived => {
            let message = format!(
                "cannot recompute the whole-run datasets: the run's scenario no longer validates \
                 where it was ({e})"
            );
            return Err(Error::input_with(message, e));
        }
        Err(_) => Vec::new(),
    };
    let merged = Merged {
        shard_files: files.len(),
        grid_points_done: results.len(),
        grid_points_total: header.n_grid(),
    };
    output::write_final_with(out, &header, &results, merged.complete(), &derived)
        .map_err(Error::runtime)?;
    Ok(merged)
}
