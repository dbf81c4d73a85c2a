//! The `.partial` file is synced on a timer (at most once a second, within a second of an
//! energy finishing): a run killed with SIGKILL mid-way keeps every energy that finished more
//! than about a second before the kill.
//!
//! The CLI reports each finished grid point with `NUSPIN_PROGRESS=lines` (after handing it to
//! the writer); the test notes when it read each line, kills the run, and checks that every
//! energy read well before the kill is in the `.partial` file. The margin is the 1 s contract
//! plus 1.5 s of slack for a loaded machine (a slow reader only makes lines look later, which
//! makes the check weaker, never wrong).

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use nuspin::output::{partial_path, read_output};

const SCENARIO: &str = r#"
name = "kill"
[neutrino]
flavours = 3
nature = "majorana"
initial = ["nu_e"]
[mixing]
preset = "nufit-5.2-no"
[moments]
basis = "flavour"
magnetic_mu_b = { e_mu = 1e-12 }
[energy]
scale = "log"
min_mev = 1.0
max_mev = 60.0
points = 20000
[medium]
kind = "supernova"
b0_gauss = 1e10
[solver]
rtol = 1e-9
"#;

#[test]
fn a_killed_run_loses_at_most_about_the_last_second() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("kill.toml");
    std::fs::write(&scenario, SCENARIO).unwrap();
    let out = dir.path().join("kill.h5");
    let mut child = Command::new(env!("CARGO_BIN_EXE_nuspin"))
        .args(["run", scenario.to_str().unwrap(), "-o"])
        .arg(&out)
        .args(["--threads", "1"])
        .env("NUSPIN_PROGRESS", "lines")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel::<(Instant, usize)>();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if let Some(i) = line.strip_prefix("done ").and_then(|i| i.parse().ok()) {
                let _ = tx.send((Instant::now(), i));
            }
        }
    });
    // Let it run 4 s past its first finished energy, so that several syncs have happened.
    let mut seen: Vec<(Instant, usize)> = vec![rx.recv().expect("the run reports progress")];
    while seen[0].0.elapsed() < Duration::from_secs(4) {
        if let Ok(x) = rx.recv_timeout(Duration::from_millis(50)) {
            seen.push(x);
        }
    }
    child.kill().unwrap();
    let killed = Instant::now();
    child.wait().unwrap();
    reader.join().unwrap();
    // Lines still in the pipe were printed before the kill.
    seen.extend(rx.try_iter());
    assert!(seen.len() < 20000, "the run finished before the kill");

    let back = read_output(&partial_path(&out)).unwrap();
    assert!(back.is_partial && !back.complete);
    let kept: BTreeSet<usize> = (0..back.energy_done.len())
        .filter(|&g| back.energy_done[g] == 1)
        .collect();
    let done: BTreeSet<usize> = seen.iter().map(|s| s.1).collect();
    assert!(kept.is_subset(&done), "only reported energies are kept");
    let margin = Duration::from_millis(2500);
    let old: Vec<usize> = seen
        .iter()
        .filter(|(t, _)| killed.duration_since(*t) > margin)
        .map(|s| s.1)
        .collect();
    assert!(!old.is_empty(), "energies finished well before the kill");
    let lost: Vec<&usize> = old.iter().filter(|g| !kept.contains(g)).collect();
    assert!(
        lost.is_empty(),
        "{} energies finished > {margin:?} before the kill were lost (kept {}, reported {})",
        lost.len(),
        kept.len(),
        done.len()
    );
    eprintln!(
        "reported {}, kept {}, lost {} (the last second or so)",
        done.len(),
        kept.len(),
        done.len() - kept.len()
    );
}
