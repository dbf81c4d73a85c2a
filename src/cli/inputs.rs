//! What `nuspin run` must never write over: the scenario file and every table it reads
//! (`[medium] file`, `[detector] flux_file`, `[arrival] production.file`), whatever `-o` and
//! `--force` say.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::scenario::Scenario;

/// The files a scenario reads: the scenario itself and the tables it names, resolved against
/// its folder.
fn input_files(scenario: &Scenario) -> Vec<PathBuf> {
    let mut files = vec![scenario.path.clone()];
    let Ok(doc) = scenario.text.parse::<toml::Table>() else {
        return files;
    };
    let lookup = |path: &[&str]| -> Option<String> {
        let mut value = doc.get(path[0])?;
        for key in &path[1..] {
            value = value.get(key)?;
        }
        value.as_str().map(str::to_string)
    };
    for path in [
        &["medium", "file"][..],
        &["detector", "flux_file"],
        &["arrival", "production", "file"],
    ] {
        if let Some(file) = lookup(path) {
            files.push(scenario.base_dir().join(file));
        }
    }
    files
}

/// Whether `a` and `b` name the same existing file (through links and `..`).
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Refuses an output path (or its `.partial`) that is one of the run's inputs.
pub fn refuse_input_as_output(scenario: &Scenario, out: &Path) -> Result<(), Error> {
    let mut partial = out.as_os_str().to_owned();
    partial.push(".partial");
    for input in input_files(scenario) {
        for target in [out, Path::new(&partial)] {
            if same_file(target, &input) {
                return Err(Error::usage(format!(
                    "{}: is an input of this run (read by {}); nuspin never writes over its inputs, even with --force: choose another output file",
                    target.display(),
                    scenario.path.display()
                )));
            }
        }
    }
    Ok(())
}
