//! `nuspin run --resume FILE`: the job an interrupted run left. FILE is its final file
//! (`complete = 0`, after Ctrl-C or SIGTERM) or its `<out>.partial` (after a hard kill); the
//! scenario is the text stored in the file, read again at the path stored with it (so its
//! tables are read from where the run read them), and every stored energy is kept.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::output::{self, read_output, EnergyResult, OutputFile, RunHeader};
use crate::run;
use crate::scenario::{self, Scenario};

/// What a resumed run starts from.
pub struct Resumed {
    pub scenario: Scenario,
    /// The final output file.
    pub out: PathBuf,
    pub header: RunHeader,
    pub previous: Vec<EnergyResult>,
    /// The file at `out` holds a subset of what the resumed run writes (so an unfinished
    /// resumed run may still replace it).
    pub replaces_subset: bool,
}

/// `out.h5.partial` → `out.h5`; anything else is the final name itself.
fn final_name(file: &Path) -> PathBuf {
    let text = file.as_os_str().to_string_lossy();
    match text.strip_suffix(".partial") {
        Some(stem) => PathBuf::from(stem),
        None => file.to_path_buf(),
    }
}

/// The header with what may differ between a run and its resumption blanked (and the shard
/// unit as a file stores it).
fn comparable(h: &RunHeader) -> RunHeader {
    RunHeader {
        created_utc: String::new(),
        command: String::new(),
        shard_by_scan_point: h.stored_shard_unit(),
        ..h.clone()
    }
}

/// Reads what the interrupted run left and checks it can be finished as it was started.
pub fn prepare(file: &Path, command: String) -> Result<Resumed, Error> {
    let out = final_name(file);
    let partial = output::partial_path(&out);
    // After a hard kill the partial file is the newest state of the run, even when an older
    // final file is beside it.
    let source = if partial.exists() {
        partial.clone()
    } else {
        out.clone()
    };
    if !source.exists() {
        return Err(Error::usage(format!(
            "{}: no such file (nor {}): nothing to resume",
            out.display(),
            partial.display()
        )));
    }
    if source == partial && output::in_use(&partial) {
        return Err(Error::input(output::OutputError::InUse { path: partial }));
    }
    let stored = read_output(&source).map_err(Error::input)?;
    if stored.complete {
        return Err(Error::usage(format!(
            "{}: the run is complete (complete = 1); there is nothing to resume",
            source.display()
        )));
    }
    let scenario_path = PathBuf::from(&stored.header.scenario_file);
    let scenario = scenario::parse(&scenario_path, &stored.header.scenario_toml).map_err(|e| {
        let message = format!(
            "cannot resume {}: the scenario stored in it no longer validates at {} ({e})",
            source.display(),
            scenario_path.display()
        );
        Error::input_with(message, e)
    })?;
    let fresh = RunHeader {
        shard: stored.header.shard,
        ..run::header_for(&scenario, command.clone())?
    };
    if comparable(&fresh) != comparable(&stored.header) {
        return Err(Error::usage(format!(
            "cannot resume {}: {} differ between the interrupted run and a run started now (a table it reads changed, or another nuspin version); start the run again",
            source.display(),
            differences(&fresh, &stored.header)
        )));
    }
    super::inputs::refuse_input_as_output(&scenario, &out)?;
    let replaces_subset = source == out || !out.exists() || holds_subset(&out, &stored);
    let header = RunHeader {
        created_utc: stored.header.created_utc.clone(),
        command,
        ..fresh
    };
    Ok(Resumed {
        scenario,
        out,
        header,
        previous: stored.finished_results(),
        replaces_subset,
    })
}

/// Whether the final file `out` is an earlier state of the run in `partial` (its finished
/// grid points are among the partial file's).
fn holds_subset(out: &Path, partial: &OutputFile) -> bool {
    let Ok(old) = read_output(out) else {
        return false;
    };
    comparable(&old.header) == comparable(&partial.header)
        && old
            .energy_done
            .iter()
            .zip(&partial.energy_done)
            .all(|(&a, &b)| a == 0 || b != 0)
}

/// Which parts of two run headers differ, for the message.
fn differences(a: &RunHeader, b: &RunHeader) -> String {
    let parts = [
        ("the nuspin version", a.nuspin_version != b.nuspin_version),
        ("the scenario text", a.scenario_toml != b.scenario_toml),
        ("the energies", a.energy_mev != b.energy_mev),
        ("the record positions", a.x_km != b.x_km),
        (
            "the states",
            a.initial_states != b.initial_states || a.final_states != b.final_states,
        ),
        (
            "the solver",
            a.solver_method != b.solver_method || a.rtol != b.rtol || a.atol != b.atol,
        ),
        ("the sampled medium", a.medium_samples != b.medium_samples),
        ("the datasets", a.extras != b.extras),
        ("the scan", a.scan != b.scan),
    ];
    let named: Vec<&str> = parts.iter().filter(|p| p.1).map(|p| p.0).collect();
    if named.is_empty() {
        "the run descriptions".to_string()
    } else {
        named.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_partial_file_names_its_final_file() {
        assert_eq!(
            final_name(Path::new("o/r.h5.partial")),
            PathBuf::from("o/r.h5")
        );
        assert_eq!(final_name(Path::new("o/r.h5")), PathBuf::from("o/r.h5"));
    }
}
