//! The run layer: a validated plan ([`Scenario`]) in, results and an output file out. It is
//! the only layer that knows both the scenario and the writer; the physics below it
//! (`medium`, `hamiltonian`, `evolve`, `observables`, `detector`) knows neither, and the CLI
//! above it only parses arguments and prints.
//!
//! - [`grid`]: the grid of a plan, [`GridPoint`] `{ scan, energy }`, and shards of it.
//! - [`solve`](mod@solve): one grid point — its Hamiltonian built once, solved (averaged over
//!   production start points when asked), its datasets filled.
//! - [`datasets`]: the named dataset producers, built once from the plan and handed each
//!   solution with the Hamiltonian it was solved with.
//! - [`coupled`]: a `[collective]` plan's unit of work, one scan point whose energies evolve as
//!   one state (the coupled solve below).
//! - [`driver`]: the parallel loop over grid points (rayon), results to a sink as they finish.
//! - [`estimate`]: the file size, memory peak and step count of a plan before any work.
//! - [`file`](mod@file): the output header of a plan, and a run into `<out>.partial` and the final file.
//! - [`merge`]: one output file from the shard files of a run.
//! - [`layers`]: the shared-layer fast path of the `layers` method (one eigensystem per layer
//!   and energy for every chord and scan point).
//!
//! ## What the plan holds, and where the seams for what is coming are
//! A [`Scenario`] is the plan: what a scan cannot change — energies, states, track and
//! record positions, observables, detector grid, output. [`Scenario::scan_point`] gives each
//! scan point's physics (model, medium, solver). Two extensions fit without a second
//! pipeline:
//! - **A coupled solve** (all energies of a scan point as one state, for neutrino–neutrino
//!   interactions): the unit of work becomes a scan point instead of a grid point. The
//!   driver's work list is then `0..n_scan` and a coupled solver returns the nE
//!   [`EnergyResult`]s of its point at once; the sink, the partial file and the final write
//!   already take results in batches and in any order, and the producers' per-energy slabs are
//!   filled from each energy's part of the coupled state exactly as now.
//! - **Scan points with their own tracks** (an Earth zenith grid): each scan point's physics
//!   already carries its own medium and track ([`Scenario::scan_point`] is a whole validated
//!   scenario); only the scan validation (`scenario::scan`) forbids a different track today.
//!   With record = end the datasets keep their shape; per-point record positions would become
//!   a `[scan..., nX]` dataset beside `/x_km`. Work shared across scan points (one
//!   eigensystem per Earth shell and energy for all chords) belongs in a producer or solver
//!   built once from the plan, like [`datasets::Datasets`].

pub mod coupled;
pub mod datasets;
pub mod driver;
pub mod estimate;
pub mod file;
pub mod grid;
pub mod layers;
pub mod merge;
pub mod solve;

pub use datasets::Datasets;
pub use driver::{run, run_with, NoProgress, Progress, RunError, RunOptions, RunSummary};
pub use file::{header_for, run_to_file, run_to_file_from, FileRun, Start};
pub use grid::{shard_grid_points, Grid, GridPoint};
pub use solve::{solve_energy, solve_grid_point};

use crate::output::{DerivedDataset, EnergyResult, ExtraSpec, RunHeader};
use crate::scenario::Scenario;

/// The per-grid-point datasets beyond `/probability` that `plan` asks for, in the order every
/// [`EnergyResult::extras`] holds them.
pub fn extra_specs(plan: &Scenario) -> Vec<ExtraSpec> {
    Datasets::new(plan).specs().to_vec()
}

/// The whole-run datasets computed from the finished results at the end (`results` may miss
/// grid points when the run stopped early).
pub fn derived_datasets(
    plan: &Scenario,
    header: &RunHeader,
    results: &[EnergyResult],
) -> Vec<DerivedDataset> {
    Datasets::new(plan).derived(plan, header, results)
}
