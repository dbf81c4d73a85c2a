//! The `nuspin` command end to end (assert_cmd): success, and every class of bad input gives
//! exit code 2, a message naming the file and field, no panic and no output file (the cases:
//! tests/data/scenario_errors.toml).

mod common;
use common::cli::{stderr, Case};
use common::error_cases::error_cases;
use common::lab::lab_scenario;

use std::path::Path;

const LAB: &str = lab_scenario!(
    name: "lab",
    initial: r#"["nu_e"]"#,
    points: 5,
    medium: "",
    end_km: 300,
    "\n[output]\nprofile_samples = 10\n",
);

fn with(old: &str, new: &str) -> String {
    assert!(LAB.contains(old), "{old}");
    LAB.replacen(old, new, 1)
}

#[test]
fn runs_a_scenario_and_writes_a_complete_file() {
    let case = Case::new(LAB);
    let out = case.run_quiet(&[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = nuspin::output::read_output(&case.path("out.h5")).unwrap();
    assert!(file.complete);
    assert_eq!(file.energy_done, vec![1; 5]);
    assert!(!case.path("out.h5.partial").exists());
    // C1-like vacuum check is elsewhere; here: probabilities of nu_e sum to one.
    for e in 0..5 {
        let sum: f64 = (0..4).map(|j| file.probability[[e, 0, 0, j]]).sum();
        assert!((sum - 1.0).abs() < 1e-5, "{sum}");
    }
}

#[test]
fn existing_output_needs_force() {
    let case = Case::new(LAB);
    std::fs::write(case.path("out.h5"), b"keep me").unwrap();
    let out = case.run_quiet(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(std::fs::read(case.path("out.h5")).unwrap(), b"keep me");
    let out = case.run_quiet(&["--force"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        nuspin::output::read_output(&case.path("out.h5"))
            .unwrap()
            .complete
    );
}

/// Every case of tests/data/scenario_errors.toml (the library's checks are in
/// tests/suite/scenario_errors.rs): exit code 2, the message in stderr, no panic, no output file.
#[test]
fn every_shared_error_case_is_refused_before_any_output() {
    for bad in error_cases() {
        let case = Case::new(LAB);
        case.write("t.toml", &bad.text);
        let out = case.nuspin(&["run", "t.toml", "-o", "out.h5", "--quiet"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{}: {err}", bad.id);
        assert!(err.starts_with("error: t.toml"), "{}: {err}", bad.id);
        assert!(!err.contains("panicked"), "{}: {err}", bad.id);
        for p in &bad.parts {
            assert!(err.contains(p.as_str()), "{}: `{p}` not in {err}", bad.id);
        }
        assert!(
            case.outputs().is_empty(),
            "{}: {:?}",
            bad.id,
            case.outputs()
        );
    }
}

#[test]
fn missing_scenario_file() {
    let case = Case::new(LAB);
    let out = case
        .command()
        .args(["run", "nope.toml", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.toml"));
}

#[test]
fn averaging_that_cannot_average_warns_in_the_summary_and_the_file() {
    // 300 km at 1-10 MeV: the 1-2 phase is about a radian, far too slow for a 5 % resolution.
    let text = format!(
        "{}\n[arrival]\nenergy_resolution = 0.05\n",
        with(
            "profile_samples = 10",
            "profile_samples = 10\nobservables = [\"flavour\", \"mass\", \"averaged\"]"
        )
    );
    let case = Case::new(&text);
    let mut cmd = case.command();
    let out = cmd
        .args(["run", "s.toml", "-o", "out.h5"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("warning: averaged:"), "{stderr}");
    let file = nuspin::output::read_output(&case.path("out.h5")).unwrap();
    let res = file
        .derived
        .iter()
        .find(|d| d.path == "observables/energy_resolution")
        .unwrap();
    assert_eq!(res.values, vec![0.05]);
    let warning = &res
        .text_attrs
        .iter()
        .find(|(k, _)| k == "warning")
        .unwrap()
        .1;
    assert!(warning.contains("phase spread"), "{warning}");
    assert_eq!(
        file.extra("observables/averaged_probability")
            .unwrap()
            .shape(),
        &[5, 1, 4]
    );
    let inspect = case.command().args(["inspect", "out.h5"]).output().unwrap();
    let listing = String::from_utf8_lossy(&inspect.stdout);
    for path in [
        "/observables/mass_population",
        "/observables/averaged_probability",
        "/observables/energy_resolution",
    ] {
        assert!(listing.contains(path), "{path} not in {listing}");
    }
}

#[test]
fn unwritable_output() {
    let case = Case::new(LAB);
    std::fs::write(case.path("blocker"), b"a file, not a folder").unwrap();
    let out = case
        .command()
        .args(["run", "s.toml", "-o", "blocker/out.h5", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("blocker"));
    assert!(!Path::new(&case.path("blocker/out.h5")).exists());
}

#[test]
fn inspect_shows_the_file() {
    let case = Case::new(LAB);
    assert!(case.run_quiet(&[]).status.success());
    let out = case
        .command()
        .args(["inspect", "out.h5", "--energy-mev", "10"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for part in ["lab", "complete", "nu_e", "nuR_mu", "10"] {
        assert!(stdout.contains(part), "`{part}` not in: {stdout}");
    }
}

#[test]
fn medium_sample_writes_the_track_as_csv() {
    let case = Case::new(LAB);
    let out = case
        .command()
        .args([
            "medium", "sample", "s.toml", "--points", "5", "--csv", "m.csv",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(case.path("m.csv")).unwrap();
    let rows: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert!(rows[0].starts_with("x_km,ne_cm3,nn_cm3"), "{}", rows[0]);
    assert_eq!(rows.len(), 6);
    let last: Vec<f64> = rows[5]
        .split(',')
        .map(|v| v.trim().parse().unwrap())
        .collect();
    assert_eq!(last[0], 300.0);
    // n_e = ρ Y_e N_A = 3 × 0.5 × 6.02214076e23
    assert!((last[1] / (1.5 * 6.02214076e23) - 1.0).abs() < 1e-12);
    // The sample is itself a valid table.
    let check = case
        .command()
        .args(["medium", "check", "m.csv"])
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn medium_check_reports_line_and_column_with_exit_code_2() {
    let case = Case::new(LAB);
    std::fs::write(case.path("bad.csv"), "x_km,rho_g_cm3\n0,1\n1,abc\n0.5,2\n").unwrap();
    let out = case
        .command()
        .args(["medium", "check", "bad.csv"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("bad.csv:3:2"), "{stderr}");
    assert!(stderr.contains("bad.csv:4"), "{stderr}");
}

/// A run that is interrupted keeps exactly what finished, bit for bit equal to a full run:
/// Ctrl-C (SIGINT) writes the final file with complete = 0; a hard kill (SIGKILL) leaves the
/// partial file, which `read_output` and `inspect` read.
#[test]
fn interrupted_runs_keep_the_finished_energies() {
    // Many energies on one thread, so the run is still going when the signal arrives.
    let slow = with("points = 5", "points = 400").replace("end_km = 300", "end_km = 30000")
        + "\n[solver]\nmethod = \"dop853\"\nrtol = 1e-10\n";
    let full_case = Case::new(&slow);
    for signal in ["-INT", "-KILL"] {
        let case = Case::new(&slow);
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("nuspin"))
            .current_dir(case.dir())
            .args(["run", "s.toml", "-o", "out.h5", "--quiet", "--threads", "1"])
            .spawn()
            .unwrap();
        let partial = case.path("out.h5.partial");
        let started = std::time::Instant::now();
        // Wait until at least a few energies are committed.
        loop {
            if let Ok(f) = nuspin::output::read_output(&partial) {
                if f.energy_done.iter().filter(|&&d| d == 1).count() >= 3 {
                    break;
                }
            }
            assert!(
                started.elapsed().as_secs() < 120,
                "the run never committed an energy"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        std::process::Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        let status = child.wait().unwrap();
        let file = if signal == "-INT" {
            assert_eq!(status.code(), Some(130), "Ctrl-C exits 128 + SIGINT");
            assert!(!partial.exists());
            nuspin::output::read_output(&case.path("out.h5")).unwrap()
        } else {
            assert!(!case.path("out.h5").exists());
            nuspin::output::read_output(&partial).unwrap()
        };
        assert!(!file.complete);
        let done: Vec<usize> = (0..file.energy_done.len())
            .filter(|&i| file.energy_done[i] == 1)
            .collect();
        assert!(done.len() >= 3 && done.len() < 400, "{} done", done.len());
        // Each finished energy equals the same energy computed alone.
        let scenario = nuspin::scenario::load(&full_case.path("s.toml")).unwrap();
        for &i in done.iter().take(3) {
            let alone = nuspin::run::solve_energy(&scenario, i).unwrap();
            for (j, p) in alone.probability.iter().enumerate() {
                assert_eq!(file.probability[[i, 0, 0, j]].to_bits(), p.to_bits());
            }
        }
        for i in (0..file.energy_done.len()).filter(|i| !done.contains(i)) {
            assert!(file.probability[[i, 0, 0, 0]].is_nan());
        }
    }
}

/// Results do not depend on the number of threads: every energy is solved independently and
/// deterministically, so 1 and 2 threads give bit-identical data.
#[test]
fn one_and_two_threads_give_identical_results() {
    let case = Case::new(&with("points = 5", "points = 16"));
    let read = |threads: &str, name: &str| {
        let out = case
            .command()
            .args(["run", "s.toml", "-o", name, "--quiet", "--threads", threads])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        nuspin::output::read_output(&case.path(name)).unwrap()
    };
    let (one, two) = (read("1", "one.h5"), read("2", "two.h5"));
    let bits = |f: &nuspin::output::OutputFile| {
        f.probability
            .iter()
            .map(|p| p.to_bits())
            .collect::<Vec<_>>()
    };
    assert_eq!(bits(&one), bits(&two));
    assert_eq!(one.steps, two.steps);
    assert_eq!(one.energy_done, two.energy_done);
}
