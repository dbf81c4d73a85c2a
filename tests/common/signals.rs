//! Stopping a `nuspin` child process with a signal and waiting for it, for the tests of
//! interrupted runs (cli_interrupt.rs, cli_collective.rs). No wait asserts a duration: the
//! signals are sent once the partial file shows progress.

use std::path::Path;
use std::process::{Child, Command as StdCommand, Output};
use std::time::{Duration, Instant};

use nuspin::output::read_output;

/// Sends signal `name` to `child`; a child that has already exited (a fast machine finished
/// the run first) is left to the caller's "finished first" branch.
pub fn signal(child: &mut Child, name: &str) {
    let ok = StdCommand::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(
        ok || child.try_wait().unwrap().is_some(),
        "kill -{name} failed on a running process"
    );
}

/// Waits until `partial` holds at least `n` finished energies (or the run ended).
pub fn wait_for_energies(child: &mut Child, partial: &Path, n: usize) {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(300) {
        if child.try_wait().unwrap().is_some() {
            return;
        }
        if let Ok(f) = read_output(partial) {
            if f.energy_done.iter().filter(|&&d| d != 0).count() >= n {
                return;
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("no progress in {}", partial.display());
}

/// Waits for `child` at most `limit`; kills it and fails when it does not end.
pub fn wait_within(child: Child, limit: Duration) -> Output {
    let id = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(limit) {
        Ok(out) => out.unwrap(),
        Err(_) => {
            let _ = StdCommand::new("kill")
                .args(["-KILL", &id.to_string()])
                .status();
            panic!("the run did not stop within {limit:?} of the signal");
        }
    }
}

/// Waits until `partial` exists (the work has started; fails when the run ends first) and
/// half a second more, sends signal `name` and waits for the run to stop (at most a minute).
pub fn signal_once_started(mut child: Child, partial: &Path, name: &str) -> Output {
    let started = Instant::now();
    while !partial.exists() && started.elapsed() < Duration::from_secs(120) {
        assert!(child.try_wait().unwrap().is_none(), "the run ended early");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(500));
    signal(&mut child, name);
    wait_within(child, Duration::from_secs(60))
}
