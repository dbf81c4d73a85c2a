//! A run into an output file: the [`RunHeader`] of a plan, the `<out>.partial` file finished
//! grid points are appended to (by a writer thread, at most once a second), and the final file written at the end (also after Ctrl-C or a
//! failed grid point: what finished is kept), with the whole-run datasets of the producers.

use std::path::Path;
use std::sync::atomic::Ordering;

use super::datasets::{self, Datasets};
use super::{run_with, Progress, RunError, RunOptions, RunSummary};
use crate::error::Error;
use crate::evolve::Record;
use crate::output::{self, EnergyResult, PartialWriter, RunHeader};
use crate::scenario::Scenario;

/// Everything known before the run: the grid, the states, the solver, the datasets, the
/// sampled medium. `command` is stored as the root attribute `command`.
pub fn header_for(plan: &Scenario, command: String) -> Result<RunHeader, RunError> {
    let medium_samples = if plan.output.profile_samples > 0 {
        let samples = crate::medium::sample_medium(
            plan.medium.as_ref(),
            plan.start_km,
            plan.end_km,
            plan.output.profile_samples.max(2),
        )
        .map_err(|source| RunError::MediumSamples {
            path: plan.path.clone(),
            source,
        })?;
        Some(output::MediumSamples::from(&samples))
    } else {
        None
    };
    Ok(RunHeader {
        nuspin_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario_name: plan.name.clone(),
        scenario_toml: plan.text.clone(),
        scenario_file: std::path::absolute(&plan.path)
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        created_utc: output::now_utc_iso8601(),
        command,
        energy_mev: plan.energies_mev.clone(),
        x_km: match &plan.record {
            Record::End | Record::AllSteps => vec![plan.end_km],
            Record::Points(xs) => xs.clone(),
        },
        initial_states: plan.initial_labels(),
        final_states: plan.labels.clone(),
        solver_method: match &plan.collective {
            Some(c) => c.stepper_name().to_string(),
            None => plan.solver.method.as_str().to_string(),
        },
        rtol: plan.collective.as_ref().map_or(plan.solver.rtol, |c| c.tol),
        atol: plan.solver.atol,
        amplitudes: plan.output.amplitudes,
        all_steps: plan.record == Record::AllSteps,
        medium_samples,
        extras: Datasets::new(plan).specs().to_vec(),
        scan: plan.scan_axes().to_vec(),
        shard: None,
        shard_by_scan_point: plan.collective.is_some(),
    })
}

/// What a run into a file did.
#[derive(Debug, Clone, Default)]
pub struct FileRun {
    /// The whole file's counts: a resumed run's earlier energies are in `energies_done` and
    /// `energies_total` (and their steps in the step counts).
    pub summary: RunSummary,
    /// Warnings of the whole-run datasets worth printing (`warning` attributes).
    pub warnings: Vec<String>,
    /// The run did not finish and an older file was at the output name: that file was kept,
    /// and what finished is in `<out>.partial` (resumable).
    pub kept_old: bool,
}

impl FileRun {
    /// Whether every grid point of the file finished.
    pub fn complete(&self) -> bool {
        self.summary.energies_done == self.summary.energies_total
    }
}

/// Where a run into a file starts.
#[derive(Debug, Clone, Default)]
pub struct Start {
    /// Grid points a stopped run finished (`nuspin run --resume`): copied into the new
    /// partial file first and not solved again (`options.skip` must list them). Dropped
    /// once copied: the run keeps only their counts.
    pub previous: Vec<EnergyResult>,
    /// The file at the output name holds a subset of this run (the stopped run's own final
    /// file), so an unfinished run may replace it. Otherwise an existing file there is
    /// replaced only by a finished run.
    pub replaces_subset: bool,
}

/// Runs `plan` into `out` with `header` (its `shard` must match `options.shard`): appends
/// each finished batch to `<out>.partial` and drops it, then writes `out` whole from the
/// partial file, one dataset at a time (the results are never all in memory twice). The returned summary says
/// whether a grid point failed or the run was cancelled; the file holds what finished either
/// way. [`output::check_writable`] is the caller's job (before any work).
pub fn run_to_file(
    plan: &Scenario,
    header: &RunHeader,
    out: &Path,
    options: &RunOptions,
    progress: &dyn Progress,
) -> Result<FileRun, Error> {
    run_to_file_from(plan, header, out, options, progress, Start::default())
}

/// [`run_to_file`] from `start`. An existing `out` (`--force`) is replaced only by a finished
/// run (or, with `start.replaces_subset`, by any): when the run stops or fails, the old file
/// stays and the finished energies stay in `<out>.partial` ([`FileRun::kept_old`]).
pub fn run_to_file_from(
    plan: &Scenario,
    header: &RunHeader,
    out: &Path,
    options: &RunOptions,
    progress: &dyn Progress,
    start: Start,
) -> Result<FileRun, Error> {
    let keep_old = out.exists() && !start.replaces_subset;
    let partial = if start.previous.is_empty() {
        PartialWriter::create(out, header)
    } else {
        PartialWriter::create_resumed(out, header, &start.previous)
    }
    .map_err(Error::input)?;
    // The stopped run's results are in the new partial file now; only their counts are
    // needed from here on (the final file is written from the partial file).
    let previous = Previous::of(&start.previous, plan);
    drop(start.previous);
    // Synced at most once a second, off the solving threads: a hard kill loses at most the
    // last second of finished grid points.
    let partial = output::TimedPartial::start(partial, std::time::Duration::from_secs(1));
    let datasets = Datasets::new(plan);
    // Results live in the partial file; only those that never reach it stay in memory: a
    // batch after Ctrl-C (so the stop is prompt even when the writer is behind) or the batch
    // whose append failed. When the old file is kept, the partial file is all there is, so
    // everything goes there.
    let mut late: Vec<EnergyResult> = Vec::new();
    let stopping = options.cancel.clone();
    let outcome = run_with(plan, &datasets, options, progress, |batch| {
        if stopping.load(Ordering::Relaxed) && !keep_old {
            late.extend(batch);
            return Ok(());
        }
        Ok(partial.push(batch)?)
    });
    // Everything pushed reaches the partial file here, except what an append failed to
    // write, which stays in memory for the final file.
    let (unwritten, append_error) = partial.finish();
    late.extend(unwritten);
    let summary = match outcome {
        Ok(s) => previous.added_to(s),
        Err(e) if keep_old => {
            return Err(Error::runtime_with(
                format!("{e}; {}", kept_old_text(out)),
                Some(e.into()),
            ))
        }
        Err(e) => {
            // The sink failed (e.g. disk full): keep what finished.
            let _ = output::write_final_from_partial(out, header, &late, false, &[]);
            return Err(Error::runtime_with(
                format!("{e}; kept the finished energies in {}", out.display()),
                Some(e.into()),
            ));
        }
    };
    let complete = summary.energies_done == summary.energies_total;
    if let Some(e) = append_error {
        if !keep_old {
            let _ = output::write_final_from_partial(out, header, &late, false, &[]);
        }
        return Err(Error::runtime(e));
    }
    if keep_old && !complete {
        return Ok(FileRun {
            summary,
            warnings: Vec::new(),
            kept_old: true,
        });
    }
    let warnings = write_final(plan, header, out, &datasets, &late, complete)?;
    Ok(FileRun {
        summary,
        warnings,
        kept_old: false,
    })
}

/// What a resumed run keeps of the grid points the stopped run finished: their counts.
struct Previous {
    grid_points: usize,
    accepted_steps: u64,
    rejected_steps: u64,
    max_unitarity_error: f64,
}

impl Previous {
    /// The counts of `results`; the grid points of a coupled scan point all carry its steps,
    /// counted once (as the driver does).
    fn of(results: &[EnergyResult], plan: &Scenario) -> Self {
        let n_e = plan.energies_mev.len().max(1);
        let counted = results
            .iter()
            .filter(|r| plan.collective.is_none() || r.grid_index % n_e == 0);
        let (accepted_steps, rejected_steps) =
            counted.fold((0, 0), |(a, r), x| (a + x.steps, r + x.rejected));
        Previous {
            grid_points: results.len(),
            accepted_steps,
            rejected_steps,
            max_unitarity_error: results.iter().fold(0.0, |m, r| m.max(r.unitarity_error)),
        }
    }

    /// The summary of this run's part counted with the grid points a stopped run finished.
    fn added_to(&self, mut s: RunSummary) -> RunSummary {
        s.energies_done += self.grid_points;
        s.energies_total += self.grid_points;
        s.accepted_steps += self.accepted_steps;
        s.rejected_steps += self.rejected_steps;
        s.max_unitarity_error = s.max_unitarity_error.max(self.max_unitarity_error);
        s
    }
}

/// The whole-run datasets, from the closed partial file and `late`, and then the final file;
/// returns the datasets' warnings.
pub(super) fn write_final(
    plan: &Scenario,
    header: &RunHeader,
    out: &Path,
    datasets: &Datasets,
    late: &[EnergyResult],
    complete: bool,
) -> Result<Vec<String>, Error> {
    let inputs = output::partial_extras(out, header, late, &datasets.derived_inputs())
        .map_err(Error::runtime)?;
    let derived = datasets.derived(plan, header, &inputs);
    drop(inputs);
    output::write_final_from_partial(out, header, late, complete, &derived)
        .map_err(Error::runtime)?;
    Ok(datasets::warnings(&derived))
}

/// What happened to the files when an unfinished run met an older output file.
pub fn kept_old_text(out: &Path) -> String {
    let partial = output::partial_path(out);
    format!(
        "{} was left as it was (--force replaces it only with a finished run); the finished \
         energies are in {}: `nuspin run --resume {}` finishes them",
        out.display(),
        partial.display(),
        partial.display()
    )
}
