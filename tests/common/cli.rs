//! The `nuspin` binary run in a scratch folder: the one `Case` of the CLI tests (cli.rs,
//! cli_safety.rs, cli_interrupt.rs, cli_scan.rs, ...). The scenario is written to `s.toml`
//! in a fresh temporary folder, and every command runs with that folder as its working
//! directory, so relative paths in scenarios and arguments name files of the case.

use std::path::{Path, PathBuf};
use std::process::{Child, Command as StdCommand, Output, Stdio};

use assert_cmd::cargo::CommandCargoExt;
use assert_cmd::Command;
use nuspin::output::{read_output, OutputFile};

/// A scenario in a temporary folder (removed when the case is dropped).
pub struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    /// A fresh folder holding `scenario` as `s.toml`.
    pub fn new(scenario: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("s.toml"), scenario).unwrap();
        Case { dir }
    }

    /// The case's folder.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// `name` inside the case's folder.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes `text` to `name` inside the case's folder (tables, second scenarios).
    pub fn write(&self, name: &str, text: &str) {
        std::fs::write(self.path(name), text).unwrap();
    }

    /// `nuspin` with the case's folder as working directory, arguments still to add.
    pub fn command(&self) -> Command {
        let mut cmd = Command::cargo_bin("nuspin").unwrap();
        cmd.current_dir(self.dir.path());
        cmd
    }

    /// Runs `nuspin args...` to the end.
    pub fn nuspin(&self, args: &[&str]) -> Output {
        self.command().args(args).output().unwrap()
    }

    /// Starts `nuspin args...` in the background (stdout discarded, stderr piped).
    pub fn spawn(&self, args: &[&str]) -> Child {
        StdCommand::cargo_bin("nuspin")
            .unwrap()
            .current_dir(self.dir.path())
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }

    /// Runs `nuspin args...` and fails the test, with its stderr, unless it succeeds.
    pub fn ok(&self, args: &[&str]) -> Output {
        let out = self.nuspin(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        out
    }

    /// `nuspin run s.toml -o out.h5 extra...`.
    pub fn run(&self, extra: &[&str]) -> Output {
        let mut args = vec!["run", "s.toml", "-o", "out.h5"];
        args.extend_from_slice(extra);
        self.nuspin(&args)
    }

    /// `nuspin run s.toml -o out.h5 --quiet extra...`.
    pub fn run_quiet(&self, extra: &[&str]) -> Output {
        let mut args = vec!["run", "s.toml", "-o", "out.h5", "--quiet"];
        args.extend_from_slice(extra);
        self.nuspin(&args)
    }

    /// The output file `name` of the case, read back with the crate.
    pub fn read(&self, name: &str) -> OutputFile {
        read_output(&self.path(name)).unwrap()
    }

    /// The files at the top of the case's folder other than scenarios, sorted.
    pub fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.ends_with(".toml"))
            .collect();
        names.sort();
        names
    }

    /// Every file below the case's folder other than the scenario and its tables, sorted.
    pub fn outputs(&self) -> Vec<String> {
        let mut names: Vec<String> = walk(self.dir.path())
            .into_iter()
            .map(|p| {
                p.strip_prefix(self.dir.path())
                    .unwrap()
                    .display()
                    .to_string()
            })
            .filter(|n| !n.ends_with(".toml") && !n.ends_with(".csv"))
            .collect();
        names.sort();
        names
    }

    /// `run_quiet` fails as bad input: exit code 2, every part in stderr, no panic, no output
    /// written.
    pub fn expect_input_error(&self, parts: &[&str]) {
        let out = self.run_quiet(&[]);
        let stderr = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        for p in parts {
            assert!(stderr.contains(p), "`{p}` not in: {stderr}");
        }
        assert!(!self.path("out.h5").exists());
        assert!(!self.path("out.h5.partial").exists());
    }
}

/// Every file below `dir`, depth first.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// A process's stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
