//! Joining the shard files of one run (`nuspin run --shard K/N`): [`merged_header`] checks
//! that the files describe the same run and that their shards are distinct, from their
//! headers alone, and gives the header of the merged file (the run layer then copies the
//! shards' results one file at a time).

use std::path::{Path, PathBuf};

use super::error::{OutputError, Result};
use super::header::RunHeader;

/// The header of the merged file (no shard, the earliest `created_utc`, `command` as given)
/// from the headers of `shards` (path, header), which must be shards K/N of one run (same
/// scenario text, grid, states, solver, datasets, shard unit and N; no K twice). Errors name
/// the offending file.
pub fn merged_header(shards: &[(PathBuf, RunHeader)], command: &str) -> Result<RunHeader> {
    let Some((first_path, first)) = shards.first() else {
        return Err(OutputError::merge(Path::new("-"), "no files to merge"));
    };
    let shard_of = |path: &Path, h: &RunHeader| {
        h.shard.ok_or_else(|| {
            OutputError::merge(
                path,
                "is not a shard file (it was not written by nuspin run --shard K/N)",
            )
        })
    };
    let (_, n) = shard_of(first_path, first)?;
    let comparable = |h: &RunHeader| RunHeader {
        created_utc: String::new(),
        command: String::new(),
        shard: None,
        ..h.clone()
    };
    let reference = comparable(first);
    let mut seen = vec![None::<&Path>; n];
    for (path, h) in shards {
        let (k, n_here) = shard_of(path, h)?;
        // A different run first: it is the usual cause of the other mismatches too.
        if comparable(h) != reference {
            let what = format!(
                "comes from a different run than {} ({} differ)",
                first_path.display(),
                what_differs(&comparable(h), &reference)
            );
            return Err(OutputError::merge(path, what));
        }
        if n_here != n {
            let what = format!(
                "is shard {k}/{n_here}, but {} is one of {n}",
                first_path.display()
            );
            return Err(OutputError::merge(path, what));
        }
        if let Some(other) = seen[k - 1] {
            let what = format!("is shard {k}/{n}, and so is {}", other.display());
            return Err(OutputError::merge(path, what));
        }
        seen[k - 1] = Some(path);
    }
    let created_utc = shards
        .iter()
        .map(|(_, h)| h.created_utc.as_str())
        .min()
        .unwrap_or_default()
        .to_string();
    Ok(RunHeader {
        created_utc,
        command: command.to_string(),
        shard: None,
        ..first.clone()
    })
}

/// Which parts of two run headers differ, for the message: the scenario first, as it is the
/// usual cause (shards of two different runs).
fn what_differs(a: &RunHeader, b: &RunHeader) -> String {
    let parts = [
        ("the scenario name", a.scenario_name != b.scenario_name),
        ("the scenario text", a.scenario_toml != b.scenario_toml),
        (
            "the scenario file's path",
            a.scenario_file != b.scenario_file,
        ),
        (
            "the energy grid",
            a.energy_mev.len() != b.energy_mev.len()
                || a.energy_mev
                    .iter()
                    .zip(&b.energy_mev)
                    .any(|(x, y)| x.to_bits() != y.to_bits()),
        ),
        ("the record positions", a.x_km != b.x_km),
        (
            "the states",
            a.initial_states != b.initial_states || a.final_states != b.final_states,
        ),
        (
            "the solver",
            a.solver_method != b.solver_method || a.rtol != b.rtol || a.atol != b.atol,
        ),
        ("the nuspin version", a.nuspin_version != b.nuspin_version),
        (
            "the shard unit",
            a.shard_by_scan_point != b.shard_by_scan_point,
        ),
    ];
    let named: Vec<&str> = parts.iter().filter(|(_, d)| *d).map(|(n, _)| *n).collect();
    if named.is_empty() {
        "their datasets".to_string()
    } else {
        named.join(", ")
    }
}
