//! A run killed with SIGKILL leaves a `.partial` file holding exactly the energies it had
//! reported as appended.
//!
//! The child is this test binary re-run on the ignored helper test [`kill_child_helper`]
//! with `NUSPIN_KILL_CHILD` naming the output file. It prints `NUSPIN-APPENDED <e>` after
//! each append returns (libtest may put its own text before it on the same line).

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};

use common::{assert_same, header, result, Shape, SMALL};
use nuspin::output::{partial_path, read_output, PartialWriter};

const ENV_PATH: &str = "NUSPIN_KILL_CHILD";
const ENV_MODE: &str = "NUSPIN_KILL_MODE";
const N_E: usize = 24;
const MARKER: &str = "NUSPIN-APPENDED ";

fn shape() -> Shape {
    Shape {
        n_e: N_E,
        n_x: 50,
        all_steps: false,
        ..SMALL
    }
}

/// Energies in the order the child finishes them (not monotonic, like a parallel run).
fn order() -> Vec<usize> {
    (0..N_E).map(|k| (k * 7 + 3) % N_E).collect()
}

#[test]
#[ignore = "helper: run by the kill tests in a child process"]
fn kill_child_helper() {
    let Ok(out) = std::env::var(ENV_PATH) else {
        return;
    };
    let handshake = std::env::var(ENV_MODE).as_deref() == Ok("handshake");
    let h = header(shape());
    let mut writer = PartialWriter::create(Path::new(&out), &h).unwrap();
    let stdin = std::io::stdin();
    // Never outlive a parent that stopped listening: end after a minute whatever happens.
    std::thread::spawn(|| {
        std::thread::sleep(std::time::Duration::from_secs(60));
        std::process::exit(3);
    });
    for e in order() {
        writer.append(&result(&h, e)).unwrap();
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{MARKER}{e}").unwrap();
        stdout.flush().unwrap();
        drop(stdout);
        if handshake {
            // Wait for the parent's go-ahead, so the kill lands between appends.
            let mut line = String::new();
            stdin.read_line(&mut line).unwrap();
        }
    }
}

fn spawn_child(out: &Path, mode: &str) -> (Child, BufReader<ChildStdout>) {
    let exe = std::env::current_exe().unwrap();
    let mut child = Command::new(exe)
        .args([
            "--ignored",
            "--exact",
            "kill_child_helper",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ENV_PATH, out)
        .env(ENV_MODE, mode)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    (child, stdout)
}

fn appended(line: &str) -> Option<usize> {
    let (_, e) = line.split_once(MARKER)?;
    e.trim().parse().ok()
}

/// Reads `appended` lines until `n` were seen; returns them in order.
fn read_appends(
    stdout: &mut BufReader<ChildStdout>,
    n: usize,
    mut after: impl FnMut(usize),
) -> Vec<usize> {
    let mut seen = Vec::new();
    let mut line = String::new();
    while seen.len() < n {
        line.clear();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "child ended early"
        );
        if let Some(e) = appended(&line) {
            seen.push(e);
            after(seen.len());
        }
    }
    seen
}

fn check_partial(out: &Path, done: &BTreeSet<usize>) {
    let back = read_output(&partial_path(out)).unwrap();
    assert!(back.is_partial && !back.complete);
    let marked: BTreeSet<usize> = (0..N_E).filter(|&e| back.energy_done[e] == 1).collect();
    assert_eq!(&marked, done);
    let h = header(shape());
    for r in back.finished_results() {
        assert_same(&r, &result(&h, r.grid_index));
    }
}

#[test]
fn killed_between_appends_leaves_exactly_the_reported_energies() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run.h5");
    let (mut child, mut stdout) = spawn_child(&out, "handshake");
    let mut stdin = child.stdin.take().unwrap();
    let kill_after = 7;
    let seen = read_appends(&mut stdout, kill_after, |k| {
        if k < kill_after {
            writeln!(stdin, "go").unwrap();
        }
    });
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_eq!(seen, order()[..kill_after]);
    check_partial(&out, &seen.into_iter().collect());
}

#[test]
fn killed_mid_stream_leaves_a_readable_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run.h5");
    let (mut child, mut stdout) = spawn_child(&out, "free");
    let mut seen = read_appends(&mut stdout, 5, |_| {});
    child.kill().unwrap(); // SIGKILL, most likely in the middle of an append
    child.wait().unwrap();
    // Lines already in the pipe were appended too.
    for line in stdout.lines() {
        if let Some(e) = appended(&line.unwrap()) {
            seen.push(e);
        }
    }
    if seen.len() == N_E {
        // On a very fast disk the child can finish first; the file must then be complete.
        eprintln!("note: the child finished all appends before the kill");
    }
    let back = read_output(&partial_path(&out)).unwrap();
    let marked: BTreeSet<usize> = (0..N_E).filter(|&e| back.energy_done[e] == 1).collect();
    let reported: BTreeSet<usize> = seen.iter().copied().collect();
    // The kill may land after an append finished but before its line was printed.
    let mut with_next = reported.clone();
    if let Some(&next) = order().get(seen.len()) {
        with_next.insert(next);
    }
    assert!(
        marked == reported || marked == with_next,
        "marked {marked:?}, reported {reported:?}"
    );
    check_partial(&out, &marked);
}
