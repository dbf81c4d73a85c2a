//! The parallel driver: every grid point of a plan solved on a rayon pool, each result handed
//! to a sink on the calling thread as soon as it is final. The library never prints; progress
//! goes through the [`Progress`] trait.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Arc;

use rayon::prelude::*;

use super::datasets::Datasets;
use super::grid::shard_grid_points;
use super::solve::solve_grid_point;
use crate::evolve::EvolveError;
use crate::medium::SampleError;
use crate::output::EnergyResult;
use crate::scenario::Scenario;

/// Receives progress reports (the CLI draws a bar; tests count).
pub trait Progress: Sync {
    /// One more energy is final.
    fn energy_done(&self, _energy_index: usize) {}

    /// Scan point `scan` of a coupled run, whose `energies` energies are solved as one state
    /// and become final together, has solved `fraction` (0 → 1) of its track. Called from
    /// the thread solving it, as the fraction grows.
    fn scan_point_progress(&self, _scan: usize, _fraction: f64, _energies: usize) {}
}

/// A [`Progress`] that ignores everything.
pub struct NoProgress;

impl Progress for NoProgress {}

/// Run-time settings that are not part of the scenario.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Worker threads (None: rayon's default, one per core).
    pub threads: Option<usize>,
    /// Set to stop the run (Ctrl-C, SIGTERM): no new energy starts and the integrators stop
    /// within a step ([`crate::evolve::cancel`]); finished energies are kept.
    pub cancel: Arc<AtomicBool>,
    /// `Some((k, n))`: solve only shard k of n (1-based) of the grid, the grid points `g`
    /// with `g % n == k - 1`.
    pub shard: Option<(usize, usize)>,
    /// Grid points already finished (a resumed run): not solved again.
    pub skip: Vec<usize>,
}

/// A failure while running.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("at E = {energy_mev} MeV: {source}")]
    Evolve {
        energy_mev: f64,
        #[source]
        source: EvolveError,
    },
    #[error("collective run, scan point {scan}: {source}")]
    Collective {
        scan: usize,
        #[source]
        source: crate::collective::CollectiveError,
    },
    #[error("could not start {threads} worker threads: {message}")]
    Threads { threads: usize, message: String },
    #[error(transparent)]
    Sink(Box<dyn std::error::Error + Send + Sync>),
    /// The medium could not be sampled for `/medium` (bad input: found before any work).
    #[error("{}: [medium] {source}", path.display())]
    MediumSamples {
        path: std::path::PathBuf,
        #[source]
        source: SampleError,
    },
}

/// What a finished (or stopped) run did.
#[derive(Debug, Clone, Default)]
pub struct RunSummary {
    pub energies_done: usize,
    pub energies_total: usize,
    pub accepted_steps: u64,
    pub rejected_steps: u64,
    pub max_unitarity_error: f64,
    pub cancelled: bool,
    /// The first failure, when one energy failed (the others may have finished).
    pub failure: Option<String>,
}

/// Solves every energy in parallel and passes the finished ones to `sink` in batches (on the
/// calling thread, in the order they finish; a batch is whatever finished since the last call). Stops starting new energies when `options.cancel` is
/// set or an energy fails; the summary says which.
pub fn run<F>(
    plan: &Scenario,
    options: &RunOptions,
    progress: &dyn Progress,
    sink: F,
) -> Result<RunSummary, RunError>
where
    F: FnMut(Vec<EnergyResult>) -> Result<(), Box<dyn std::error::Error + Send + Sync>>,
{
    run_with(plan, &Datasets::new(plan), options, progress, sink)
}

/// [`run`] with the plan's dataset producers already built.
pub fn run_with<F>(
    plan: &Scenario,
    datasets: &Datasets,
    options: &RunOptions,
    progress: &dyn Progress,
    mut sink: F,
) -> Result<RunSummary, RunError>
where
    F: FnMut(Vec<EnergyResult>) -> Result<(), Box<dyn std::error::Error + Send + Sync>>,
{
    let pool = thread_pool(options)?;
    // A coupled run's unit of work is a scan point (all its energies as one state).
    let coupled = plan.collective.is_some();
    let n_e = plan.energies_mev.len();
    let layers = super::layers::LayerRun::new(plan).filter(|_| !coupled);
    let grid = work_list(plan, options, coupled, layers.is_some());
    let stop = Arc::new(AtomicBool::new(false));
    // Bounded: when the sink falls behind, workers wait instead of piling results up.
    let (tx, rx) =
        mpsc::sync_channel::<Vec<Result<EnergyResult, RunError>>>(pool.current_num_threads());
    // Grid points that take microseconds (shared layers) go to the sink in chunks, so the
    // channel and the thread switches do not outweigh the physics.
    let chunk = if layers.is_some() { 64 } else { 1 };
    let per_unit = if coupled { n_e } else { 1 };
    let mut summary = RunSummary {
        energies_total: grid.len() * per_unit,
        ..Default::default()
    };
    let mut sink_error = None;
    std::thread::scope(|scope| {
        let stop_workers = Arc::clone(&stop);
        let cancel = Arc::clone(&options.cancel);
        let layers = &layers;
        scope.spawn(move || {
            pool.install(|| {
                grid.par_chunks(chunk).for_each_with(tx, |tx, points| {
                    if cancel.load(Ordering::Relaxed) || stop_workers.load(Ordering::Relaxed) {
                        return;
                    }
                    // The integrators' step loops see the stop flag, so Ctrl-C stops even
                    // one long energy within a step.
                    let results = crate::evolve::cancel::with_token(&cancel, || {
                        points
                            .iter()
                            .flat_map(|&i| {
                                solve_unit(plan, datasets, layers.as_ref(), i, &cancel, progress)
                            })
                            .collect()
                    });
                    let _ = tx.send(results);
                });
            });
        });
        // Drain whatever has finished since the last write and hand it over as one batch:
        // when solving outpaces writing, the writer syncs once per batch, not per energy.
        while let Ok(first) = rx.recv() {
            let batch = take_batch(first, &rx, &stop, &mut summary);
            if sink_error.is_some() || batch.is_empty() {
                continue;
            }
            count_steps(&mut summary, &batch, coupled, n_e);
            let indices: Vec<usize> = batch.iter().map(|r| r.grid_index).collect();
            match sink(batch) {
                Ok(()) => {
                    summary.energies_done += indices.len();
                    indices.iter().for_each(|&i| progress.energy_done(i));
                }
                Err(e) => {
                    stop.store(true, Ordering::Relaxed);
                    sink_error = Some(e);
                }
            }
        }
    });
    if let Some(e) = sink_error {
        return Err(RunError::Sink(e));
    }
    summary.cancelled = options.cancel.load(Ordering::Relaxed);
    Ok(summary)
}

/// The rayon pool of `options.threads` workers (rayon's default without).
fn thread_pool(options: &RunOptions) -> Result<rayon::ThreadPool, RunError> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(t) = options.threads {
        builder = builder.num_threads(t);
    }
    builder.build().map_err(|e| RunError::Threads {
        threads: options.threads.unwrap_or(0),
        message: e.to_string(),
    })
}

/// The units of work of this run: grid points (scan points for a `coupled` run) of the
/// shard, less those a resumed run already finished; energy-major for the shared-`layers`
/// path, whose grid points of one energy share its layer eigensystems.
fn work_list(plan: &Scenario, options: &RunOptions, coupled: bool, layers: bool) -> Vec<usize> {
    let n_e = plan.energies_mev.len();
    let units = if coupled {
        plan.n_scan_points()
    } else {
        plan.n_grid()
    };
    let mut grid = shard_grid_points(units, options.shard);
    if !options.skip.is_empty() {
        let mut done = vec![false; plan.n_grid()];
        options.skip.iter().for_each(|&g| done[g] = true);
        if coupled {
            grid.retain(|&p| !done[p * n_e..(p + 1) * n_e].iter().all(|&d| d));
        } else {
            grid.retain(|&g| !done[g]);
        }
    }
    if layers {
        grid.sort_by_key(|&g| (g % n_e, g / n_e));
    }
    grid
}

/// Solves unit `i`: a grid point (through the shared layers when given), or a whole scan
/// point of a coupled run (reporting its progress inside the point).
fn solve_unit(
    plan: &Scenario,
    datasets: &Datasets,
    layers: Option<&super::layers::LayerRun>,
    i: usize,
    cancel: &AtomicBool,
    progress: &dyn Progress,
) -> Vec<Result<EnergyResult, RunError>> {
    if plan.collective.is_some() {
        let watch = super::coupled::Watch::new(plan, i, cancel, progress);
        return match super::coupled::solve_scan_point(plan, datasets, i, &watch) {
            Ok(all) => all.into_iter().map(Ok).collect(),
            Err(e) => vec![Err(e)],
        };
    }
    match layers {
        Some(fast) => vec![fast.solve(plan, i)],
        None => vec![solve_grid_point(plan, datasets, i)],
    }
}

/// `first` and whatever else has arrived, as one batch of finished results. A failure sets
/// `stop` and is kept in the summary; an interruption by the stop flag is neither.
fn take_batch(
    first: Vec<Result<EnergyResult, RunError>>,
    rx: &mpsc::Receiver<Vec<Result<EnergyResult, RunError>>>,
    stop: &AtomicBool,
    summary: &mut RunSummary,
) -> Vec<EnergyResult> {
    let mut batch = Vec::new();
    for result in first.into_iter().chain(rx.try_iter().flatten()) {
        match result {
            Ok(r) => batch.push(r),
            Err(RunError::Evolve {
                source: EvolveError::Interrupted { .. },
                ..
            }) => {}
            Err(e) => {
                stop.store(true, Ordering::Relaxed);
                summary.failure.get_or_insert(e.to_string());
            }
        }
    }
    batch
}

/// Adds the batch's step counts and unitarity to the summary; every bin of a coupled solve
/// carries its point's steps, counted once.
fn count_steps(summary: &mut RunSummary, batch: &[EnergyResult], coupled: bool, n_e: usize) {
    for r in batch {
        if !coupled || r.grid_index % n_e == 0 {
            summary.accepted_steps += r.steps;
            summary.rejected_steps += r.rejected;
        }
        summary.max_unitarity_error = summary.max_unitarity_error.max(r.unitarity_error);
    }
}
