//! The HDF5 output of a run (output.md), independent of the physics.
//!
//! A run writes in two stages:
//! 1. [`check_writable`] before any work, then [`PartialWriter::create`] and appends of
//!    finished energies into `<out>.partial` (crash-safe: after a hard kill every appended
//!    energy is readable); the run appends through [`TimedPartial`], which writes on its own
//!    thread at most once a second, so a hard kill loses at most the last second;
//! 2. [`write_final_from_partial`] at the end, on success or on Ctrl-C/error, writing
//!    `<out>` whole from the partial file (plus any results that never reached it) under a
//!    temporary name, renaming it and removing the partial file; [`write_final`] does the
//!    same from results in memory. `nuspin merge` takes the first way too: it appends each
//!    shard's results to the merged file's partial file, one shard at a time.
//!
//! [`read_output`] reads either kind of file back into an [`OutputFile`].
//!
//! What lives where:
//! - `header`: the inputs, [`RunHeader`], [`MediumSamples`], [`EnergyResult`], and their
//!   consistency checks;
//! - [`layout`]: output.md as data — every item's path, unit and description;
//! - `encode`: attributes, the `{r, i}` complex compound, chunk shapes;
//! - `final_file`: [`write_final`], [`write_final_from_partial`]; `grid_data`: the values
//!   by grid point, from memory or from the partial file a block at a time; `partial`:
//!   [`PartialWriter`]; `background`: [`TimedPartial`];
//! - `read` and `decode`: [`read_output`];
//! - `paths`: `<out>.partial`, `<out>.tmp-<pid>`, [`check_writable`], write-sync-rename;
//! - `merge`: [`merged_header`], checking `--shard` files before they are joined;
//! - `time`: [`now_utc_iso8601`] for `created_utc`;
//! - `field_unit`: the unit of a scanned field, from its name;
//! - `error`: [`OutputError`], which always names the file.
//!
//! Not here: running the physics, progress reporting, and the CLI (`nuspin inspect` uses
//! [`read_output`]).

mod background;
mod decode;
mod encode;
mod error;
mod field_unit;
mod final_file;
mod grid_data;
mod header;
pub mod layout;
mod merge;
mod partial;
mod paths;
mod read;
mod time;

pub use background::{TimedPartial, PENDING_MAX_BYTES};
pub use error::{OutputError, Result};
pub use final_file::{
    grid_data_bytes, partial_extras, write_final, write_final_from_partial, write_final_with,
    DEFLATE_MAX_BYTES,
};
pub use header::{DerivedDataset, EnergyResult, ExtraSpec, MediumSamples, RunHeader, ScanAxis};
pub use merge::merged_header;
pub use partial::PartialWriter;
pub use paths::{check_writable, in_use, partial_path};
pub use read::{read_output, read_run_header, OutputFile, StepRecord};
pub use time::{iso8601_utc, now_utc_iso8601};
