//! `nuspin merge SHARDS... -o OUT`: one output file from the shard files of a run, equal
//! (apart from `created_utc` and `command`) to the file the unsharded run writes.

use std::path::Path;

use super::{CliError, MergeArgs};
use crate::output::{self, read_output};
use crate::{run, scenario};

/// Runs `nuspin merge`.
pub fn execute(args: &MergeArgs) -> Result<(), CliError> {
    output::check_writable(&args.output, args.force).map_err(|e| CliError::Input(e.to_string()))?;
    let files = args
        .files
        .iter()
        .map(|f| read_output(f))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| CliError::Input(e.to_string()))?;
    let command: Vec<String> = std::env::args().collect();
    let (header, results) = output::merge_shards(&files, &command.join(" "))
        .map_err(|e| CliError::Input(e.to_string()))?;
    // Whole-run datasets (folded spectra, asymmetries) need every shard's results, so they
    // are computed again here from the scenario text the run used.
    let had_derived = files.iter().any(|f| !f.derived.is_empty());
    let derived = match scenario::parse(Path::new(&header.scenario_file), &header.scenario_toml) {
        Ok(s) => run::derived_datasets(&s, &header, &results),
        Err(e) if had_derived => {
            return Err(CliError::Input(format!(
                "cannot recompute the whole-run datasets: the run's scenario no longer validates \
                 where it was ({e})"
            )))
        }
        Err(_) => Vec::new(),
    };
    let complete = results.len() == header.n_grid();
    output::write_final_with(&args.output, &header, &results, complete, &derived)
        .map_err(|e| CliError::Runtime(e.to_string()))?;
    eprintln!(
        "Merged {} shard files: {} of {} grid points done{}; wrote {}.",
        files.len(),
        results.len(),
        header.n_grid(),
        if complete { "" } else { " (complete = 0)" },
        args.output.display()
    );
    Ok(())
}
