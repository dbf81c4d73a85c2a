//! A whole run: every energy × initial state of a [`Scenario`], in parallel (rayon), each
//! energy's result handed to a sink as soon as it is final. The library never prints; progress
//! goes through the [`Progress`] trait.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Arc;

use num_complex::Complex64;
use rayon::prelude::*;

use crate::basis::Flavours;
use crate::evolve::{self, EvolveError, Method, Record, SolverOptions};
use crate::hamiltonian::{EnergyHamiltonian, MediumHamiltonian};
use crate::output::{DerivedDataset, EnergyResult, ExtraSpec, RunHeader};
use crate::scenario::{MethodName, RecordSpec, Scenario};
use crate::units::mev_to_ev;

/// Receives progress reports (the CLI draws a bar; tests count).
pub trait Progress: Sync {
    /// One more energy is final.
    fn energy_done(&self, _energy_index: usize) {}
}

/// A [`Progress`] that ignores everything.
pub struct NoProgress;

impl Progress for NoProgress {}

/// Run-time settings that are not part of the scenario.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Worker threads (None: rayon's default, one per core).
    pub threads: Option<usize>,
    /// Set to stop starting new energies (Ctrl-C); finished energies are kept.
    pub cancel: Arc<AtomicBool>,
    /// `Some((k, n))`: solve only shard k of n (1-based) of the grid, the grid points `g`
    /// with `g % n == k - 1`.
    pub shard: Option<(usize, usize)>,
}

/// The grid points of shard `shard` (all of them for `None`), in increasing order.
pub fn shard_grid_points(n_grid: usize, shard: Option<(usize, usize)>) -> Vec<usize> {
    match shard {
        None => (0..n_grid).collect(),
        Some((k, n)) => (k.saturating_sub(1)..n_grid).step_by(n.max(1)).collect(),
    }
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
    #[error("could not start {threads} worker threads: {message}")]
    Threads { threads: usize, message: String },
    #[error(transparent)]
    Sink(Box<dyn std::error::Error + Send + Sync>),
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

/// The solver options of a scenario.
pub fn solver_options(scenario: &Scenario) -> SolverOptions {
    SolverOptions {
        method: match scenario.solver.method {
            MethodName::Magnus => Method::Magnus,
            MethodName::Dop853 => Method::Dop853,
            MethodName::Layers => Method::Layers,
        },
        rtol: scenario.solver.rtol,
        atol: scenario.solver.atol,
        max_step_km: scenario.solver.max_step_km,
        max_steps: scenario.solver.max_steps,
    }
}

fn record_of(spec: &RecordSpec) -> Record {
    match spec {
        RecordSpec::End => Record::End,
        RecordSpec::AllSteps => Record::AllSteps,
        RecordSpec::Points(xs) => Record::Points(xs.clone()),
    }
}

/// Solves one grid point of the scenario (energy `grid_index % nE` of scan point
/// `grid_index / nE`): probabilities [nX, nI, 2N] (and amplitudes when asked).
pub fn solve_energy(scenario: &Scenario, grid_index: usize) -> Result<EnergyResult, RunError> {
    let point = scenario.scan_point(grid_index / scenario.energies_mev.len());
    match point.flavours() {
        Flavours::Two => solve_energy_dim::<4>(point, grid_index),
        Flavours::Three => solve_energy_dim::<6>(point, grid_index),
    }
}

fn solve_energy_dim<const D: usize>(
    scenario: &Scenario,
    grid_index: usize,
) -> Result<EnergyResult, RunError> {
    let energy_mev = scenario.energies_mev[grid_index % scenario.energies_mev.len()];
    let eh = EnergyHamiltonian::<D>::new(&scenario.model, mev_to_ev(energy_mev));
    let path = MediumHamiltonian::new(eh, scenario.medium.as_ref());
    let record = record_of(&scenario.record);
    let options = solver_options(scenario);
    let solve_from = |start_km: f64| {
        evolve::solve(&path, start_km, scenario.end_km, &record, &options)
            .map_err(|source| RunError::Evolve { energy_mev, source })
    };
    // A production-region average (physics.md §8, solar) runs each start point to the end and
    // averages P, never amplitudes (validation refuses amplitudes and record points that lie
    // before a start).
    let evolve_err = |source| RunError::Evolve { energy_mev, source };
    let mut result = if let Some(starts) = scenario.averaged_starts_km() {
        let mut averaged: Option<EnergyResult> = None;
        for (start_km, weight) in starts {
            let solution = solve_from(start_km)?;
            let one =
                result_of::<D>(scenario, grid_index, start_km, &solution).map_err(evolve_err)?;
            match averaged.as_mut() {
                None => {
                    let mut first = one;
                    first.probability.iter_mut().for_each(|p| *p *= weight);
                    first.extras.iter_mut().flatten().for_each(|x| *x *= weight);
                    averaged = Some(first);
                }
                Some(acc) => {
                    for (a, p) in acc.probability.iter_mut().zip(&one.probability) {
                        *a += weight * p;
                    }
                    for (a, x) in acc
                        .extras
                        .iter_mut()
                        .flatten()
                        .zip(one.extras.iter().flatten())
                    {
                        *a += weight * x;
                    }
                    acc.steps += one.steps;
                    acc.rejected += one.rejected;
                    acc.unitarity_error = acc.unitarity_error.max(one.unitarity_error);
                }
            }
        }
        let mut acc = averaged.expect("a production average has start points");
        acc.amplitude = None;
        acc.step_x_km = None;
        acc.step_probability = None;
        acc
    } else {
        let solution = solve_from(scenario.start_km)?;
        result_of::<D>(scenario, grid_index, scenario.start_km, &solution).map_err(evolve_err)?
    };
    crate::observables::finish::<D>(scenario, &mut result).map_err(evolve_err)?;
    Ok(result)
}

/// The per-grid-point datasets beyond `/probability` that `scenario` asks for, in the order
/// every [`EnergyResult::extras`] holds them. Each must be linear in the evolved density
/// matrix, because a production-region average averages them with the same weights as P.
pub fn extra_specs(scenario: &Scenario) -> Vec<ExtraSpec> {
    let mut v = crate::observables::extra_specs(scenario);
    v.extend(crate::detector::datasets::extra_specs(scenario));
    v
}

/// The slabs of [`extra_specs`] for one solution started at `start_km`.
fn extras_of<const D: usize>(
    scenario: &Scenario,
    grid_index: usize,
    start_km: f64,
    solution: &evolve::Solution<D>,
) -> Result<Vec<Vec<f64>>, EvolveError> {
    // The observables come first: their end-of-point hook finds its slabs by position.
    let mut v = crate::observables::extras_of::<D>(scenario, grid_index, start_km, solution)?;
    v.extend(crate::detector::datasets::extras_of::<D>(
        scenario, grid_index, solution,
    ));
    Ok(v)
}

/// The whole-run datasets computed from the finished results at the end (`results` may
/// miss grid points when the run stopped early).
pub fn derived_datasets(
    scenario: &Scenario,
    header: &RunHeader,
    results: &[EnergyResult],
) -> Vec<DerivedDataset> {
    let mut v = crate::observables::derived_datasets(scenario, header, results);
    v.extend(crate::detector::datasets::derived_datasets(
        scenario, header, results,
    ));
    v.extend(crate::mass_matrix::derived_datasets(&scenario.model.mixing));
    v
}

/// Probabilities (and amplitudes) of the initial states from a solution.
fn result_of<const D: usize>(
    scenario: &Scenario,
    grid_index: usize,
    start_km: f64,
    solution: &evolve::Solution<D>,
) -> Result<EnergyResult, EvolveError> {
    let n_initial = scenario.initial.len();
    let slab = |props: &[crate::hamiltonian::CMat<D>]| {
        let mut probability = Vec::with_capacity(props.len() * n_initial * D);
        let mut amplitude = Vec::with_capacity(props.len() * n_initial * D);
        for s in props {
            for &i in &scenario.initial {
                for j in 0..D {
                    let a: Complex64 = s[(j, i)];
                    probability.push(a.norm_sqr());
                    amplitude.push(a);
                }
            }
        }
        (probability, amplitude)
    };
    let (step_x_km, step_probability) = if scenario.record == RecordSpec::AllSteps {
        (
            Some(solution.x_km.clone()),
            Some(slab(&solution.propagators).0),
        )
    } else {
        (None, None)
    };
    let (probability, amplitude) = slab(scenario.record.recorded(&solution.propagators));
    Ok(EnergyResult {
        grid_index,
        probability,
        amplitude: scenario.output.amplitudes.then_some(amplitude),
        steps: solution.stats.accepted,
        rejected: solution.stats.rejected,
        unitarity_error: solution.stats.max_unitarity_error,
        step_x_km,
        step_probability,
        extras: extras_of::<D>(scenario, grid_index, start_km, solution)?,
    })
}

/// Solves every energy in parallel and passes the finished ones to `sink` in batches (on the
/// calling thread, in the order they finish; a batch is whatever finished since the last call). Stops starting new energies when `options.cancel` is
/// set or an energy fails; the summary says which.
pub fn run<F>(
    scenario: &Scenario,
    options: &RunOptions,
    progress: &dyn Progress,
    mut sink: F,
) -> Result<RunSummary, RunError>
where
    F: FnMut(Vec<EnergyResult>) -> Result<(), Box<dyn std::error::Error + Send + Sync>>,
{
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(t) = options.threads {
        builder = builder.num_threads(t);
    }
    let pool = builder.build().map_err(|e| RunError::Threads {
        threads: options.threads.unwrap_or(0),
        message: e.to_string(),
    })?;
    let grid = shard_grid_points(scenario.n_grid(), options.shard);
    let n = grid.len();
    let stop = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel::<Result<EnergyResult, RunError>>();
    let mut summary = RunSummary {
        energies_total: n,
        ..Default::default()
    };
    let mut sink_error = None;
    std::thread::scope(|scope| {
        let stop_workers = Arc::clone(&stop);
        let cancel = Arc::clone(&options.cancel);
        scope.spawn(move || {
            pool.install(|| {
                grid.par_iter().for_each_with(tx, |tx, &i| {
                    if cancel.load(Ordering::Relaxed) || stop_workers.load(Ordering::Relaxed) {
                        return;
                    }
                    let _ = tx.send(solve_energy(scenario, i));
                });
            });
        });
        // Drain whatever has finished since the last write and hand it over as one batch:
        // when solving outpaces writing, the writer syncs once per batch, not per energy.
        while let Ok(first) = rx.recv() {
            let mut batch = Vec::new();
            for result in std::iter::once(first).chain(rx.try_iter()) {
                match result {
                    Ok(r) => batch.push(r),
                    Err(e) => {
                        stop.store(true, Ordering::Relaxed);
                        summary.failure.get_or_insert(e.to_string());
                    }
                }
            }
            if sink_error.is_some() || batch.is_empty() {
                continue;
            }
            let indices: Vec<usize> = batch.iter().map(|r| r.grid_index).collect();
            for r in &batch {
                summary.accepted_steps += r.steps;
                summary.rejected_steps += r.rejected;
                summary.max_unitarity_error = summary.max_unitarity_error.max(r.unitarity_error);
            }
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
