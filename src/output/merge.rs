//! Joining the shard files of one run (`nuspin run --shard K/N`) into one file's worth of
//! results: [`merge_shards`] checks that the files describe the same run and that their
//! shards are distinct, and returns the header and results for [`super::write_final_with`].

use std::path::Path;

use super::error::{OutputError, Result};
use super::header::{EnergyResult, RunHeader};
use super::read::OutputFile;

/// The header (no shard, the earliest `created_utc`, `command` as given) and the finished
/// results of `files`, which must be shards K/N of one run (same scenario text, grid,
/// states, solver, datasets and N; no K twice). Errors name the offending file.
pub fn merge_shards(files: &[OutputFile], command: &str) -> Result<(RunHeader, Vec<EnergyResult>)> {
    let Some(first) = files.first() else {
        return Err(OutputError::merge(Path::new("-"), "no files to merge"));
    };
    let shard_of = |f: &OutputFile| {
        f.header.shard.ok_or_else(|| {
            OutputError::merge(
                &f.path,
                "is not a shard file (it was not written by nuspin run --shard K/N)",
            )
        })
    };
    let (_, n) = shard_of(first)?;
    let comparable = |h: &RunHeader| RunHeader {
        created_utc: String::new(),
        command: String::new(),
        shard: None,
        ..h.clone()
    };
    let reference = comparable(&first.header);
    let mut seen = vec![None::<&Path>; n];
    let mut results = Vec::new();
    for f in files {
        let (k, n_here) = shard_of(f)?;
        // A different run first: it is the usual cause of the other mismatches too.
        if comparable(&f.header) != reference {
            let what = format!(
                "comes from a different run than {} ({} differ)",
                first.path.display(),
                what_differs(&comparable(&f.header), &reference)
            );
            return Err(OutputError::merge(&f.path, what));
        }
        if n_here != n {
            let what = format!(
                "is shard {k}/{n_here}, but {} is one of {n}",
                first.path.display()
            );
            return Err(OutputError::merge(&f.path, what));
        }
        if let Some(other) = seen[k - 1] {
            let what = format!("is shard {k}/{n}, and so is {}", other.display());
            return Err(OutputError::merge(&f.path, what));
        }
        seen[k - 1] = Some(&f.path);
        results.extend(f.finished_results());
    }
    let created_utc = files
        .iter()
        .map(|f| f.header.created_utc.as_str())
        .min()
        .unwrap_or_default()
        .to_string();
    let header = RunHeader {
        created_utc,
        command: command.to_string(),
        shard: None,
        ..first.header.clone()
    };
    Ok((header, results))
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
    ];
    let named: Vec<&str> = parts.iter().filter(|(_, d)| *d).map(|(n, _)| *n).collect();
    if named.is_empty() {
        "their datasets".to_string()
    } else {
        named.join(", ")
    }
}
