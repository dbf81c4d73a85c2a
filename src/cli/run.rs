//! `nuspin run`: scenario in, HDF5 out, with a progress bar and a closing summary.
//!
//! Finished energies are appended to `<out>.partial` as they come; at the end (also after
//! Ctrl-C or a failed energy) the final file is written whole and renamed into place
//! (output.md).

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::Instant;

use super::progress::EnergyBar;
use super::{CliError, RunArgs};
use crate::output::{self, EnergyResult, PartialWriter, RunHeader};
use crate::run::{self, RunOptions};
use crate::scenario::{self, RecordSpec, Scenario};

/// Builds the output header of a scenario (everything known before the run).
pub fn header_for(scenario: &Scenario, command: String) -> Result<RunHeader, CliError> {
    let x_km = match &scenario.record {
        RecordSpec::End | RecordSpec::AllSteps => vec![scenario.end_km],
        RecordSpec::Points(xs) => xs.clone(),
    };
    let medium_samples = if scenario.output.profile_samples > 0 {
        let samples = crate::medium::sample_medium(
            scenario.medium.as_ref(),
            scenario.start_km,
            scenario.end_km,
            scenario.output.profile_samples.max(2),
        )
        .map_err(|e| CliError::Input(format!("{}: [medium] {e}", scenario.path.display())))?;
        Some(output::MediumSamples::from(&samples))
    } else {
        None
    };
    Ok(RunHeader {
        nuspin_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario_name: scenario.name.clone(),
        scenario_toml: scenario.text.clone(),
        scenario_file: std::path::absolute(&scenario.path)
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        created_utc: output::now_utc_iso8601(),
        command,
        energy_mev: scenario.energies_mev.clone(),
        x_km,
        initial_states: scenario.initial_labels(),
        final_states: scenario.labels.clone(),
        solver_method: scenario.solver.method.as_str().to_string(),
        rtol: scenario.solver.rtol,
        atol: scenario.solver.atol,
        amplitudes: scenario.output.amplitudes,
        all_steps: scenario.record == RecordSpec::AllSteps,
        medium_samples,
        extras: run::extra_specs(scenario),
        scan: scenario
            .scan_axes()
            .iter()
            .map(|a| output::ScanAxis {
                field: a.field.clone(),
                values: a.values.clone(),
            })
            .collect(),
        shard: None,
    })
}

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
pub fn execute(args: &RunArgs) -> Result<(), CliError> {
    let started = Instant::now();
    let scenario = scenario::load(&args.scenario).map_err(|e| CliError::Input(e.to_string()))?;
    let out: PathBuf = match (&args.output, args.shard) {
        (Some(out), _) => out.clone(),
        (None, None) => scenario.output.file.clone(),
        (None, Some(shard)) => shard_file_name(&scenario.output.file, shard),
    };
    for warning in scenario::limits::warnings(&scenario) {
        eprintln!("warning: {warning}");
    }
    if args.threads == Some(0) {
        return Err(CliError::Input("--threads must be >= 1".into()));
    }
    output::check_writable(&out, args.force).map_err(|e| CliError::Input(e.to_string()))?;
    let command: Vec<String> = std::env::args().collect();
    let header = RunHeader {
        shard: args.shard,
        ..header_for(&scenario, command.join(" "))?
    };
    let mut partial =
        PartialWriter::create(&out, &header).map_err(|e| CliError::Input(e.to_string()))?;

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
    let mut results: Vec<EnergyResult> = Vec::with_capacity(n_points);
    let stopping = options.cancel.clone();
    let outcome = run::run(&scenario, &options, &bar, |batch| {
        // After Ctrl-C the energies already computed are kept in memory and go straight into
        // the final file, so the stop is prompt even when the writer is behind.
        if !stopping.load(Ordering::Relaxed) {
            partial.append_batch(&batch)?;
        }
        results.extend(batch);
        Ok(())
    });
    bar.finish();
    drop(partial);
    let summary = match outcome {
        Ok(s) => s,
        Err(e) => {
            // The sink failed (e.g. disk full): keep what finished.
            let _ = output::write_final(&out, &header, &results, false);
            return Err(CliError::Runtime(format!(
                "{e}; kept the finished energies in {}",
                out.display()
            )));
        }
    };
    let complete = summary.energies_done == summary.energies_total;
    let derived = run::derived_datasets(&scenario, &header, &results);
    output::write_final_with(&out, &header, &results, complete, &derived)
        .map_err(|e| CliError::Runtime(e.to_string()))?;
    if !args.quiet {
        eprintln!(
            "{}",
            describe(&scenario, &summary, &out, started.elapsed().as_secs_f64())
        );
    }
    for warning in crate::observables::warnings(&derived) {
        eprintln!("warning: {warning}");
    }
    if let Some(failure) = summary.failure {
        return Err(CliError::Runtime(format!(
            "{failure}; {} of {} energies finished and were written to {} (complete = 0)",
            summary.energies_done,
            summary.energies_total,
            out.display()
        )));
    }
    if summary.cancelled && !complete {
        return Err(CliError::Runtime(format!(
            "interrupted: {} of {} energies finished and were written to {} (complete = 0)",
            summary.energies_done,
            summary.energies_total,
            out.display()
        )));
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
    let per_energy = if s.energies_done > 0 {
        s.accepted_steps as f64 / s.energies_done as f64
    } else {
        0.0
    };
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
         track {}–{} km) with {} at rtol {:e}: {} accepted steps ({:.0} per energy), {} rejected, \
         max unitarity error {:.1e}. Wrote {} in {:.2} s.",
        s.energies_done,
        s.energies_total,
        super::format::count(scenario.initial.len(), "initial state", "initial states"),
        scenario.name,
        dim,
        dim,
        scenario.model.basis,
        scenario.medium_kind,
        super::format::short(scenario.start_km),
        super::format::short(scenario.end_km),
        scenario.solver.method.as_str(),
        scenario.solver.rtol,
        s.accepted_steps,
        per_energy,
        s.rejected_steps,
        s.max_unitarity_error,
        out.display(),
        seconds
    )
}
