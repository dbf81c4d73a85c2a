//! `nuspin medium sample` (the medium along a scenario's track, as CSV) and `nuspin medium
//! check` (every problem of a user table, with line and column; exit code 2 on any).

use std::io::Write;

use super::MediumCommand;
use crate::error::Error;
use crate::medium::{check_table, sample_medium};
use crate::scenario;

/// Runs a `nuspin medium` subcommand.
pub fn execute(cmd: &MediumCommand) -> Result<(), Error> {
    match cmd {
        MediumCommand::Sample {
            scenario: path,
            points,
            csv,
            force,
        } => {
            let sc = scenario::load(path)?;
            if let Some(out) = csv {
                super::inputs::refuse_input_as_output(&sc, out)?;
                if out.exists() && !force {
                    return Err(Error::usage(format!(
                        "{}: already exists (use --force to overwrite it)",
                        out.display()
                    )));
                }
            }
            let samples = sample_medium(sc.medium.as_ref(), sc.start_km, sc.end_km, *points)
                .map_err(|e| Error::input_with(format!("{}: [medium] {e}", path.display()), e))?;
            let text = samples.to_csv();
            match csv {
                Some(out) => write_replacing(out, &text)?,
                None => std::io::stdout().write_all(text.as_bytes()).map_err(|e| {
                    let message = format!("cannot write to standard output: {e}");
                    Error::runtime_with(message, Some(e.into()))
                })?,
            }
            Ok(())
        }
        MediumCommand::Check { file } => {
            let problems = check_table(file);
            if problems.is_empty() {
                println!("{}: ok", file.display());
                Ok(())
            } else {
                let lines: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
                Err(Error::usage(format!(
                    "{} problem(s) in {}:\n{}",
                    problems.len(),
                    file.display(),
                    lines.join("\n")
                )))
            }
        }
    }
}

/// Writes `text` to a temporary name beside `out` and renames it onto `out`, so an old file
/// there is replaced only by a complete new one.
fn write_replacing(out: &std::path::Path, text: &str) -> Result<(), Error> {
    let mut tmp = out.as_os_str().to_owned();
    tmp.push(format!(".tmp-{}", std::process::id()));
    let tmp = std::path::PathBuf::from(tmp);
    let written = std::fs::write(&tmp, text).and_then(|()| std::fs::rename(&tmp, out));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        let message = format!("{}: cannot write: {e}", out.display());
        Error::runtime_with(message, Some(e.into()))
    })
}
