//! What a run will cost, known before any work: the output file's size and the memory peak
//! ([`Estimate`], from the plan's sizes), the memory the machine has ([`available_memory`]),
//! a sane thread count ([`thread_cap`]), and the step count one energy will take
//! ([`project_steps`], from a short probe solve).
//!
//! The sizes count the arrays the run holds and writes; HDF5's own overhead (a few kB of
//! headers and chunk indexes) and the scenario text are below the precision these are
//! printed with.

use std::time::Instant;

use super::datasets::Datasets;
use super::grid::{Grid, GridPoint};
use super::solve::solve_grid_point;
use super::RunError;
use crate::evolve::cancel;
use crate::evolve::{EvolveError, Method, Record};
use crate::output::{self, RunHeader};
use crate::scenario::{limits, Scenario};
pub use crate::system::{available_memory, bytes_text, parse_bytes};

/// Bytes of a complex double.
const COMPLEX_BYTES: f64 = 16.0;
/// Bytes of a double.
const F64_BYTES: f64 = 8.0;

/// Resident memory of the process before it holds any results: code, thread stacks, the
/// output writer's buffers. Measured (BENCHMARKS.md, "Memory peak"): 11.7–11.8 MB for runs
/// recording one point per energy.
pub const PROCESS_BYTES: f64 = 12e6;

/// Peak memory of the final write for `grid_bytes` of per-grid-point data (probability,
/// amplitude, extras). Up to `output::DEFLATE_MAX_BYTES` they are deflated, which holds the
/// data, its chunk copies and the compressed chunks: 2.5 × measured, 3 × counted here for
/// the allocator's slack; above it they are stored contiguous, straight from the one copy
/// handed to the writer, plus the block being read from the partial file.
pub fn final_write_bytes(grid_bytes: f64) -> f64 {
    if grid_bytes > output::DEFLATE_MAX_BYTES as f64 {
        grid_bytes + 2e6
    } else {
        3.0 * grid_bytes
    }
}

/// What a run will need, from the plan alone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Grid points this run solves.
    pub grid_points: usize,
    /// Worker threads actually busy (at most one per grid point).
    pub threads: usize,
    /// The final file's data before compression (the partial file, while running, is this
    /// size; a final file whose per-grid-point data stays below `output::DEFLATE_MAX_BYTES`
    /// is deflated and usually smaller): bytes.
    pub file_bytes: f64,
    /// One grid point being solved: its recorded propagators and its result, bytes.
    pub per_point_bytes: f64,
    /// The final write's peak ([`final_write_bytes`]), bytes.
    pub final_write_bytes: f64,
    /// The peak: the process itself ([`PROCESS_BYTES`]), the results waiting for the partial
    /// file and queued for its writer (`output::PENDING_MAX_BYTES` each), every busy thread's
    /// grid point and one finished row per thread, and the final write.
    pub memory_bytes: f64,
    /// Whether the file also holds every step (`record = "all_steps"`), whose number is not
    /// known before the run and is not counted.
    pub steps_not_counted: bool,
}

/// The estimate for solving `grid_points` grid points of `plan` (written with `header`) on
/// `threads` threads.
pub fn estimate(
    plan: &Scenario,
    header: &RunHeader,
    grid_points: usize,
    threads: usize,
) -> Estimate {
    let dim = plan.labels.len() as f64;
    let n_x = header.x_km.len() as f64;
    let slab = header.slab_len() as f64;
    let amplitude = if header.amplitudes { 2.0 } else { 0.0 };
    let extras: f64 = header.extras.iter().map(|e| e.slab_len() as f64).sum();
    // Probability (+ amplitude) and extras per grid point, plus steps, rejected, unitarity.
    let row_bytes = (slab * (1.0 + amplitude) + extras) * F64_BYTES + 3.0 * F64_BYTES;
    // The full grid's datasets are written (unsolved rows hold NaN).
    let file_bytes = header.n_grid() as f64 * row_bytes;
    // The solver keeps one dim × dim propagator per record position.
    let per_point_bytes = n_x * dim * dim * COMPLEX_BYTES + row_bytes;
    let threads = threads.min(grid_points).max(1);
    let final_write = final_write_bytes(output::grid_data_bytes(header) as f64);
    Estimate {
        grid_points,
        threads,
        file_bytes,
        per_point_bytes,
        final_write_bytes: final_write,
        // Finished results wait for the partial file up to `PENDING_MAX_BYTES`, as many
        // again queue for the writer, one row per thread waits in the driver's channel, and
        // what the allocator keeps of them stays resident through the final write.
        memory_bytes: PROCESS_BYTES
            + 2.0 * output::PENDING_MAX_BYTES as f64
            + threads as f64 * (per_point_bytes + row_bytes)
            + final_write,
        steps_not_counted: plan.record == Record::AllSteps,
    }
}

/// More threads than this multiple of the cores only add switching and memory: each grid
/// point is solved by one thread, and the cores are all there is to share.
pub const THREADS_PER_CORE: usize = 4;

/// The largest `--threads` worth having on this machine, and its core count.
pub fn thread_cap() -> (usize, usize) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (THREADS_PER_CORE * cores, cores)
}

/// Step attempts of the probe solve.
pub const PROBE_STEPS: u64 = 2000;
/// Projected step attempts per energy above which a run is worth a warning.
pub const LONG_RUN_STEPS: f64 = 2e5;

/// How long one energy's solve will be, from a probe of [`PROBE_STEPS`] attempts.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    pub energy_mev: f64,
    /// Projected step attempts for the whole track.
    pub steps: f64,
    /// Seconds per attempt in the probe (this machine, now).
    pub seconds_per_step: f64,
    /// The largest term of H along the track and its accumulated phase (rad).
    pub dominant: limits::Term,
    pub phase_rad: f64,
}

/// Probes the lowest and the highest energy of the first scan point (where the phase, and
/// so the step count, is largest) and returns the slower one, when either needs more than
/// [`LONG_RUN_STEPS`] attempts. `None` for `layers` (no steps) and short runs.
pub fn project_steps(plan: &Scenario) -> Option<Projection> {
    if plan.solver.method == Method::Layers {
        return None;
    }
    // The probe counts steps: the datasets (night chords, detector folding) would only cost.
    let datasets = Datasets::none();
    let grid = Grid::of(plan);
    let n_e = plan.energies_mev.len();
    let (lo, hi) = (0..n_e).fold((0, 0), |(lo, hi), i| {
        let e = plan.energies_mev[i];
        (
            if e < plan.energies_mev[lo] { i } else { lo },
            if e > plan.energies_mev[hi] { i } else { hi },
        )
    });
    let mut worst: Option<Projection> = None;
    for energy in [lo, hi] {
        let g = grid.index(GridPoint { scan: 0, energy });
        let started = Instant::now();
        let outcome = cancel::with_budget(PROBE_STEPS, || solve_grid_point(plan, &datasets, g));
        let seconds = started.elapsed().as_secs_f64();
        let Err(RunError::Evolve {
            source: EvolveError::Interrupted { x_km },
            ..
        }) = outcome
        else {
            continue; // finished within the probe (or failed: the run will say so)
        };
        let length = plan.end_km - plan.start_km;
        let advanced = (x_km - plan.start_km).max(length * 1e-12);
        let steps = PROBE_STEPS as f64 * length / advanced;
        if steps < LONG_RUN_STEPS || worst.as_ref().is_some_and(|w| w.steps >= steps) {
            continue;
        }
        let energy_mev = plan.energies_mev[energy];
        let physics = plan.scan_point(0);
        let Ok(phase) = limits::estimate_phase(
            &physics.model,
            energy_mev,
            physics.medium.as_ref(),
            physics.start_km,
            physics.end_km,
        ) else {
            continue;
        };
        worst = Some(Projection {
            energy_mev,
            steps,
            seconds_per_step: seconds / PROBE_STEPS as f64,
            dominant: phase.dominant,
            phase_rad: phase.dominant_phase_rad,
        });
    }
    worst
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::system::parse_mem_available;

    #[test]
    fn mem_available_is_read_in_kib() {
        let text = "MemTotal:       24000000 kB\nMemAvailable:   1000 kB\n";
        assert_eq!(parse_mem_available(text), Some(1024000.0));
        assert_eq!(parse_mem_available("MemTotal: 1 kB\n"), None);
    }

    #[test]
    fn the_final_write_holds_one_copy_above_the_deflate_limit_and_three_below() {
        let limit = output::DEFLATE_MAX_BYTES as f64;
        assert_eq!(final_write_bytes(1e6), 3e6);
        assert_eq!(final_write_bytes(limit), 3.0 * limit);
        // Above: the data once, plus the block read from the partial file and the writer's
        // buffer; so at most 1.5 × what is recorded once past the limit.
        assert_eq!(final_write_bytes(limit + 1.0), limit + 1.0 + 2e6);
        assert!(final_write_bytes(32e6) <= 1.5 * 32e6);
    }

    #[test]
    fn sizes_parse_and_print() {
        assert_eq!(parse_bytes("8G"), Ok(8e9));
        assert_eq!(parse_bytes("1.5GB"), Ok(1.5e9));
        assert_eq!(parse_bytes("500m"), Ok(5e8));
        assert_eq!(parse_bytes("2e9"), Ok(2e9));
        assert!(parse_bytes("-1G").is_err());
        assert!(parse_bytes("8X").is_err());
        assert!(parse_bytes("nan").is_err());
        assert_eq!(bytes_text(1.5e9), "1.5 GB");
        assert_eq!(bytes_text(3e6), "3 MB");
        assert_eq!(bytes_text(12.0), "12 B");
    }
}
