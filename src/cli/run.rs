//! `nuspin run`: scenario in, HDF5 out, with a progress bar and a closing summary. The run
//! itself, the partial file and the final write are the run layer's ([`crate::run::file`]).

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::Instant;

use super::progress::EnergyBar;
use super::RunArgs;
use crate::error::Error;
use crate::output::{self, RunHeader};
use crate::run::{self, RunOptions};
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

/// Runs `nuspin run`.
pub fn execute(args: &RunArgs) -> Result<(), Error> {
    let started = Instant::now();
    let scenario = scenario::load(&args.scenario)?;
    // Shard files hold grid points g % N; a coupled run solves whole scan points.
    if scenario.collective.is_some() && args.shard.is_some() {
        return Err(Error::usage(
            "--shard is not supported for a [collective] run (its unit of work is a whole scan point)",
        ));
    }
    let out: PathBuf = match (&args.output, args.shard) {
        (Some(out), _) => out.clone(),
        (None, None) => scenario.output.file.clone(),
        (None, Some(shard)) => shard_file_name(&scenario.output.file, shard),
    };
    for warning in scenario::limits::warnings(&scenario) {
        eprintln!("warning: {warning}");
    }
    if args.threads == Some(0) {
        return Err(Error::usage("--threads must be >= 1"));
    }
    super::inputs::refuse_input_as_output(&scenario, &out)?;
    output::check_writable(&out, args.force).map_err(Error::input)?;
    let command: Vec<String> = std::env::args().collect();
    let header = RunHeader {
        shard: args.shard,
        ..run::header_for(&scenario, command.join(" "))?
    };
    let options = RunOptions {
        threads: args.threads,
        shard: args.shard,
        ..Default::default()
    };
    let cancel = options.cancel.clone();
    // A second Ctrl-C while the final file is written falls through to the default action;
    // the partial file stays valid.
    let _ = ctrlc::set_handler(move || cancel.store(true, Ordering::SeqCst));

    let n_points = run::shard_grid_points(scenario.n_grid(), args.shard).len();
    let bar = EnergyBar::new(n_points, !args.quiet);
    let outcome = run::run_to_file(&scenario, &header, &out, &options, &bar);
    bar.finish();
    let done = outcome?;
    let summary = &done.summary;
    if !args.quiet {
        eprintln!(
            "{}",
            describe(&scenario, summary, &out, started.elapsed().as_secs_f64())
        );
    }
    for warning in &done.warnings {
        eprintln!("warning: {warning}");
    }
    if let Some(failure) = &summary.failure {
        return Err(Error::runtime_with(
            format!(
                "{failure}; {} of {} energies finished and were written to {} (complete = 0)",
                summary.energies_done,
                summary.energies_total,
                out.display()
            ),
            None,
        ));
    }
    if summary.cancelled && !done.complete() {
        return Err(Error::runtime_with(
            format!(
                "interrupted: {} of {} energies finished and were written to {} (complete = 0)",
                summary.energies_done,
                summary.energies_total,
                out.display()
            ),
            None,
        ));
    }
    Ok(())
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
        Some(_) => "cf4 (coupled)",
        None => scenario.solver.method.as_str(),
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
