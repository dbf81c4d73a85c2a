//! `nuspin merge SHARDS... -o OUT`: one output file from the shard files of a run (the work
//! is [`crate::run::merge`]'s).

use super::MergeArgs;
use crate::error::Error;
use crate::output;
use crate::run::merge::merge_files;

/// Runs `nuspin merge`.
pub fn execute(args: &MergeArgs) -> Result<(), Error> {
    output::check_writable(&args.output, args.force).map_err(Error::input)?;
    let command: Vec<String> = std::env::args().collect();
    let merged = merge_files(&args.files, &args.output, &command.join(" "))?;
    eprintln!(
        "Merged {} shard files: {} of {} grid points done{}; wrote {}.",
        merged.shard_files,
        merged.grid_points_done,
        merged.grid_points_total,
        if merged.complete() {
            ""
        } else {
            " (complete = 0)"
        },
        args.output.display()
    );
    Ok(())
}
