//! One output file from the shard files of a run (`nuspin run --shard K/N`), equal (apart
//! from `created_utc` and `command`) to the file the unsharded run writes, and written the
//! same way: from a partial file the shards' results are appended to, one shard at a time.

use std::path::{Path, PathBuf};

use super::Datasets;
use crate::error::Error;
use crate::output::{self, read_output, read_run_header, PartialWriter, RunHeader};
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
///
/// Every header is checked first; then each shard's finished grid points are appended to
/// `<out>.partial` and dropped before the next shard is read, and `out` is written from the
/// partial file as a run writes it, so at most one shard's results are in memory. On failure
/// the partial file is removed.
pub fn merge_files(files: &[PathBuf], out: &Path, command: &str) -> Result<Merged, Error> {
    let headers = files
        .iter()
        .map(|f| Ok((f.clone(), read_run_header(f)?)))
        .collect::<Result<Vec<_>, output::OutputError>>()
        .map_err(Error::input)?;
    let header = output::merged_header(&headers, command).map_err(Error::input)?;
    drop(headers);
    let merged = copy_shards(files, out, &header).and_then(|(done, had_derived)| {
        let merged = Merged {
            shard_files: files.len(),
            grid_points_done: done,
            grid_points_total: header.n_grid(),
        };
        write_merged(out, &header, merged.complete(), had_derived)?;
        Ok(merged)
    });
    if merged.is_err() {
        let _ = std::fs::remove_file(output::partial_path(out));
    }
    merged
}

/// Appends the finished grid points of every shard in `files` to `<out>.partial`, one
/// shard in memory at a time; returns how many, and whether a shard had whole-run datasets.
fn copy_shards(files: &[PathBuf], out: &Path, header: &RunHeader) -> Result<(usize, bool), Error> {
    let mut writer = PartialWriter::create(out, header).map_err(Error::input)?;
    let mut done = 0;
    let mut had_derived = false;
    for f in files {
        let shard = read_output(f).map_err(Error::input)?;
        had_derived |= !shard.derived.is_empty();
        let results = shard.finished_results();
        drop(shard);
        writer.append_batch(&results).map_err(Error::runtime)?;
        done += results.len();
    }
    writer.close().map_err(Error::runtime)?;
    Ok((done, had_derived))
}

/// Writes `out` from its closed partial file, with the whole-run datasets (folded spectra,
/// asymmetries) computed again from the scenario text the run used, as they need every
/// shard's results.
fn write_merged(
    out: &Path,
    header: &RunHeader,
    complete: bool,
    had_derived: bool,
) -> Result<(), Error> {
    match scenario::parse(Path::new(&header.scenario_file), &header.scenario_toml) {
        Ok(plan) => {
            super::file::write_final(&plan, header, out, &Datasets::new(&plan), &[], complete)?;
        }
        Err(e) if had_derived => {
            let message = format!(
                "cannot recompute the whole-run datasets: the run's scenario no longer validates \
                 where it was ({e})"
            );
            return Err(Error::input_with(message, e));
        }
        Err(_) => output::write_final_from_partial(out, header, &[], complete, &[])
            .map_err(Error::runtime)?,
    }
    Ok(())
}
