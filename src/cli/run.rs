//! `nuspin run`: scenario in, HDF5 out, with a progress bar and a closing summary. The run
//! itself, the partial file and the final write are the run layer's ([`crate::run::file`]).

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::Instant;

use super::progress::EnergyBar;
use super::RunArgs;
use crate::error::Error;
use crate::output::{self, RunHeader};
use crate::run::{self, estimate, RunOptions};
use crate::scenario::{self, Scenario};

/// `out/run.h5` → `out/run.shard-2-of-8.h5`.
pub fn shard_file_name(out: &std::path::Path, (k, n): (usize, usize)) -> PathBuf {
    let stem = out.file_stem().map_or_else(
        || "nuspin".to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    let name = match out.extension() {
        Some(ext) => format!("{stem}.shard-{k}-of-{n}.{}", ext.to_string_lossy()),
        None => format!("{stem}.shard-{k}-of-{n}"),
    };
    out.with_file_name(name)
}

/// A run ready to start: what it solves, where it writes, and what it starts from.
struct Job {
    scenario: Scenario,
    out: PathBuf,
    header: RunHeader,
    previous: Vec<output::EnergyResult>,
    replaces_subset: bool,
}

/// A new run from a scenario file: everything checked before any file is created.
fn fresh_job(
    args: &RunArgs,
    scenario_path: &std::path::Path,
    command: String,
) -> Result<Job, Error> {
    let scenario = scenario::load(scenario_path)?;
    let out: PathBuf = match (&args.output, args.shard) {
        (Some(out), _) => out.clone(),
        (None, None) => scenario.output.file.clone(),
        (None, Some(shard)) => shard_file_name(&scenario.output.file, shard),
    };
    super::inputs::refuse_input_as_output(&scenario, &out)?;
    output::check_writable(&out, args.force).map_err(Error::input)?;
    let header = RunHeader {
        shard: args.shard,
        ..run::header_for(&scenario, command)?
    };
    Ok(Job {
        scenario,
        out,
        header,
        previous: Vec::new(),
        replaces_subset: false,
    })
}

/// `--threads`, checked and capped at [`estimate::THREADS_PER_CORE`] per core.
fn thread_count(requested: Option<usize>) -> Result<usize, Error> {
    let (cap, cores) = estimate::thread_cap();
    match requested {
        Some(0) => Err(Error::usage("--threads must be >= 1")),
        Some(t) if t > cap => {
            eprintln!(
                "warning: --threads {t} capped at {cap} ({} per core on this machine's {cores} cores): each energy is solved by one thread, so more threads than cores only add switching and memory",
                estimate::THREADS_PER_CORE
            );
            Ok(cap)
        }
        Some(t) => Ok(t),
        None => Ok(cores),
    }
}

/// Runs `nuspin run`.
pub fn execute(args: &RunArgs) -> Result<(), Error> {
    let started = Instant::now();
    let threads = thread_count(args.threads)?;
    let mut job = job(args)?;
    let scenario = &job.scenario;
    let out = &job.out;
    for warning in scenario::limits::warnings(scenario) {
        eprintln!("warning: {warning}");
    }
    let shard = job.header.shard;
    let skip: Vec<usize> = job.previous.iter().map(|r| r.grid_index).collect();
    let n_points = job.header.grid_points_in_shard();
    let n_todo = n_points - skip.len();
    let cost = estimate::estimate(scenario, &job.header, n_todo, threads);
    check_memory(&cost, args.max_memory)?;
    if !args.quiet {
        eprintln!("{}", plan_line(&cost, n_points, skip.len(), out));
    }
    if let Some(p) = estimate::project_steps(scenario) {
        eprintln!("warning: {}", long_run_text(&p, n_todo, cost.threads));
    }
    let options = RunOptions {
        threads: Some(threads),
        shard,
        skip,
        ..Default::default()
    };
    let cancel = options.cancel.clone();
    // Ctrl-C and SIGTERM (the `termination` feature of ctrlc) stop the run within a step;
    // what finished is written. The handler stays installed, so a second signal changes
    // nothing: the final file is written either way.
    let _ = ctrlc::set_handler(move || cancel.store(true, Ordering::SeqCst));

    let bar = EnergyBar::new(n_todo, !args.quiet);
    let start = run::Start {
        // The run owns the stopped run's results and drops them once they are copied.
        previous: std::mem::take(&mut job.previous),
        replaces_subset: job.replaces_subset,
    };
    let outcome = run::run_to_file_from(scenario, &job.header, out, &options, &bar, start);
    bar.finish();
    let done = outcome?;
    report(args, &job, &done, started)
}

/// The job `nuspin run` was given: a scenario file, or a file to resume.
fn job(args: &RunArgs) -> Result<Job, Error> {
    let command = std::env::args().collect::<Vec<_>>().join(" ");
    match (&args.resume, &args.scenario) {
        (Some(file), _) => {
            let r = super::resume::prepare(file, command)?;
            Ok(Job {
                scenario: r.scenario,
                out: r.out,
                header: r.header,
                previous: r.previous,
                replaces_subset: r.replaces_subset,
            })
        }
        (None, Some(path)) => fresh_job(args, path, command),
        (None, None) => Err(Error::usage("give a scenario file, or --resume FILE")),
    }
}

/// Prints the run's summary and warnings; a failed or interrupted run becomes the error
/// that says what was written and how to resume.
fn report(
    args: &RunArgs,
    job: &Job,
    done: &run::file::FileRun,
    started: Instant,
) -> Result<(), Error> {
    let (scenario, out) = (&job.scenario, &job.out);
    let summary = &done.summary;
    let written = if done.kept_old {
        run::file::kept_old_text(out)
    } else {
        format!("written to {} (complete = 0)", out.display())
    };
    if !args.quiet && !done.kept_old {
        eprintln!(
            "{}",
            describe(scenario, summary, out, started.elapsed().as_secs_f64())
        );
    }
    for warning in &done.warnings {
        eprintln!("warning: {warning}");
    }
    if let Some(failure) = &summary.failure {
        return Err(Error::runtime_with(
            format!(
                "{failure}; {} of {} energies finished: {written}",
                summary.energies_done, summary.energies_total,
            ),
            None,
        ));
    }
    if summary.cancelled && !done.complete() {
        let resume_from = if done.kept_old {
            output::partial_path(out)
        } else {
            out.clone()
        };
        return Err(Error::Interrupted {
            message: format!(
                "interrupted: {} of {} energies finished: {written}; `nuspin run --resume {}` solves the other {}",
                summary.energies_done,
                summary.energies_total,
                resume_from.display(),
                summary.energies_total - summary.energies_done
            ),
        });
    }
    Ok(())
}

/// Refuses a run whose memory peak exceeds `--max-memory` or what the machine has free.
fn check_memory(cost: &estimate::Estimate, max_memory: Option<f64>) -> Result<(), Error> {
    let limits = [
        max_memory.map(|m| (m, "the --max-memory limit".to_string())),
        estimate::available_memory().map(|m| {
            (
                m,
                "the memory this machine has available (MemAvailable in /proc/meminfo)".to_string(),
            )
        }),
    ];
    for (limit, what) in limits.into_iter().flatten() {
        if cost.memory_bytes > limit {
            return Err(Error::usage(format!(
                "the run needs about {} of memory ({} thread(s) × {} per energy being solved, for its recorded propagators, + {} for the final write of the {} of output data), more than {what}, {}; record fewer positions ([track] record), use fewer --threads, or split the grid with --shard",
                estimate::bytes_text(cost.memory_bytes),
                cost.threads,
                estimate::bytes_text(cost.per_point_bytes),
                estimate::bytes_text(cost.final_write_bytes),
                estimate::bytes_text(cost.file_bytes),
                estimate::bytes_text(limit)
            )));
        }
    }
    Ok(())
}

/// The line printed before the work starts: how much, on how many threads, how big.
fn plan_line(
    cost: &estimate::Estimate,
    n_points: usize,
    n_done: usize,
    out: &std::path::Path,
) -> String {
    let resumed = if n_done > 0 {
        format!(" (resuming: {n_done} of {n_points} already done)")
    } else {
        String::new()
    };
    format!(
        "Running {} {}{resumed} on {} thread(s): output up to {}{} → {}, memory peak about {}.",
        cost.grid_points,
        if cost.grid_points == 1 {
            "energy"
        } else {
            "energies"
        },
        cost.threads,
        estimate::bytes_text(cost.file_bytes),
        if cost.steps_not_counted {
            " plus every step's record"
        } else {
            ""
        },
        out.display(),
        estimate::bytes_text(cost.memory_bytes)
    )
}

/// The warning for a run projected to be long.
fn long_run_text(p: &estimate::Projection, n_todo: usize, threads: usize) -> String {
    let seconds = p.steps * p.seconds_per_step * n_todo as f64 / threads.max(1) as f64;
    format!(
        "this run is projected to take about {:.1e} steps per energy (at E = {} MeV; {} energies, about {} on {threads} thread(s) at this machine's pace): the scale is set by {}, whose phase along the track is ~{:.1e} rad. Shorten the track, reduce that term, or loosen solver.rtol to make it faster",
        p.steps,
        p.energy_mev,
        n_todo,
        duration_text(seconds),
        p.dominant.describe(),
        p.phase_rad
    )
}

fn duration_text(seconds: f64) -> String {
    if seconds < 120.0 {
        format!("{seconds:.0} s")
    } else if seconds < 7200.0 {
        format!("{:.0} min", seconds / 60.0)
    } else {
        format!("{:.1} h", seconds / 3600.0)
    }
}

/// The closing paragraph: what was solved, the work, the accuracy, where it went.
fn describe(
    scenario: &Scenario,
    s: &run::RunSummary,
    out: &std::path::Path,
    seconds: f64,
) -> String {
    let dim = scenario.labels.len();
    // A coupled ([collective]) run takes its steps once per scan point, for all its energies.
    let coupled = scenario.collective.as_ref();
    let (units_done, per) = match coupled {
        Some(_) => (
            s.energies_done / scenario.energies_mev.len().max(1),
            "per scan point",
        ),
        None => (s.energies_done, "per energy"),
    };
    let per_energy = if units_done > 0 {
        s.accepted_steps as f64 / units_done as f64
    } else {
        0.0
    };
    let method = match coupled {
        Some(c) => format!("{} (coupled)", c.stepper_name()),
        None => scenario.solver.method.as_str().to_string(),
    };
    let rtol = coupled.map_or(scenario.solver.rtol, |c| c.tol);
    // With a scan or a shard the unit of work is a grid point (an energy at a scan point).
    let what = if scenario.scan.is_some() {
        format!(
            "grid points ({} scan points × {} energies)",
            scenario.n_scan_points(),
            scenario.energies_mev.len()
        )
    } else {
        "energies".to_string()
    };
    format!(
        "Solved {}/{} {what} × {} of \"{}\" ({}×{} {:?}, medium \"{}\", \
         {}) with {} at rtol {:e}: {} accepted steps ({:.0} {per}), {} rejected, \
         {}. Wrote {} in {:.2} s.",
        s.energies_done,
        s.energies_total,
        super::format::count(scenario.initial.len(), "initial state", "initial states"),
        scenario.name,
        dim,
        dim,
        scenario.model.basis,
        scenario.medium_kind,
        track_text(scenario),
        method,
        rtol,
        s.accepted_steps,
        per_energy,
        s.rejected_steps,
        if coupled.is_none() && scenario.solver.method == crate::evolve::Method::Layers {
            "unitary by construction (exact layer exponentials; not measured)".to_string()
        } else {
            format!("max unitarity error {:.1e}", s.max_unitarity_error)
        },
        out.display(),
        seconds
    )
}

/// The track as the run solved it: with a start-point average, the range of its start
/// points (the scenario's own start is not used then).
fn track_text(scenario: &Scenario) -> String {
    match scenario.averaged_starts_km() {
        Some(starts) => {
            let (lo, hi) = starts
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), s| {
                    (lo.min(s.0), hi.max(s.0))
                });
            format!(
                "tracks from {} start points at {lo:.0}–{hi:.0} km to {} km, averaged",
                starts.len(),
                super::format::short(scenario.end_km)
            )
        }
        None => format!(
            "track {}–{} km",
            super::format::short(scenario.start_km),
            super::format::short(scenario.end_km)
        ),
    }
}
