//! Runs that stop and resume (issue 18), end to end through the `nuspin` binary: Ctrl-C
//! (SIGINT) and SIGTERM stop a run within a step and leave the final file with
//! `complete = 0` (exit 130); a hard kill (SIGKILL) leaves `<out>.partial`; `nuspin run
//! --resume` finishes either into a file equal to the uninterrupted run's (all but
//! `created_utc` and `command`). Also: `--force` never loses the old file to an unfinished
//! run, a second run on the same output is refused at once, stale partial files are named,
//! and the cost of a run is estimated and limited before any work.
//!
//! No test asserts a duration: the signals are sent once the partial file shows progress,
//! and "promptly" is checked against a run that would otherwise take hours.

mod common;
use common::cli::{stderr, Case};
use common::compare::assert_same_run;
use common::lab::lab_scenario;
use common::signals::{signal, signal_once_started, wait_for_energies, wait_within};

use std::time::{Duration, Instant};

use nuspin::output::read_output;

/// Two flavours on a long constant-density track solved by dop853 (which steps through
/// every oscillation): 12 energies of a fraction of a second each.
const LONG: &str = lab_scenario!(
    name: "long",
    initial: r#"["nu_e", "nu_mu"]"#,
    points: 12,
    medium: "",
    end_km: 200000,
    "record = { points = 3 }\n",
    "\n[solver]\nmethod = \"dop853\"\nrtol = 1e-8\n",
    "\n[output]\nprofile_samples = 10\namplitudes = true\n",
);

/// Interrupts a run with `sig` once it has finished an energy, checks what it left, resumes
/// it from `resume_arg`, and compares with the uninterrupted run.
fn interrupt_and_resume(sig: &str) {
    // 40 energies: long enough (a few seconds) that the signal lands mid-run on a quiet
    // machine too, where 12 could finish before the first one-second sync of the partial.
    let case = Case::new(&LONG.replace("points = 12", "points = 40"));
    let reference = case.nuspin(&["run", "s.toml", "-o", "ref.h5", "-q"]);
    assert!(reference.status.success(), "{}", stderr(&reference));

    let mut child = case.spawn(&["run", "s.toml", "-o", "out.h5", "--threads", "2", "-q"]);
    wait_for_energies(&mut child, &case.path("out.h5.partial"), 1);
    signal(&mut child, sig);
    let stopped = wait_within(child, Duration::from_secs(60));
    let err = stderr(&stopped);
    let resume_arg = if stopped.status.success() {
        // The machine was fast enough to finish first: a resume then has nothing to do.
        let again = case.nuspin(&["run", "--resume", "out.h5"]);
        assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
        assert!(stderr(&again).contains("nothing to resume"));
        "out.h5"
    } else if sig == "KILL" {
        assert_eq!(case.files(), ["out.h5.partial", "ref.h5"]);
        "out.h5.partial"
    } else {
        assert_eq!(stopped.status.code(), Some(130), "{err}");
        assert!(err.contains("interrupted: "), "{err}");
        assert!(err.contains("nuspin run --resume out.h5"), "{err}");
        assert_eq!(case.files(), ["out.h5", "ref.h5"]);
        let left = read_output(&case.path("out.h5")).unwrap();
        assert!(!left.complete);
        "out.h5"
    };
    if !stopped.status.success() {
        let resumed = case.nuspin(&["run", "--resume", resume_arg]);
        assert!(resumed.status.success(), "{}", stderr(&resumed));
        assert!(
            stderr(&resumed).contains("(resuming: "),
            "{}",
            stderr(&resumed)
        );
    }
    assert_eq!(case.files(), ["out.h5", "ref.h5"]);
    let a = read_output(&case.path("ref.h5")).unwrap();
    let b = read_output(&case.path("out.h5")).unwrap();
    assert!(b.complete);
    assert_same_run(&a, &b);
}

#[test]
fn resume_after_sigint_equals_the_uninterrupted_run() {
    interrupt_and_resume("INT");
}

#[test]
fn resume_after_sigterm_equals_the_uninterrupted_run() {
    interrupt_and_resume("TERM");
}

#[test]
fn resume_after_sigkill_equals_the_uninterrupted_run() {
    interrupt_and_resume("KILL");
}

/// One energy that would take hours: the signal must stop it inside the energy.
#[test]
fn a_signal_stops_a_run_inside_one_long_energy() {
    let scenario = LONG
        .replace("max_mev = 10\npoints = 12", "max_mev = 1\npoints = 1")
        .replace("end_km = 200000", "end_km = 2e7")
        .replace("record = { points = 3 }", "")
        .replace("rtol = 1e-8", "rtol = 1e-12\nmax_steps = 1000000000000");
    let case = Case::new(&scenario);
    let child = case.spawn(&["run", "s.toml", "-o", "out.h5"]);
    let stopped = signal_once_started(child, &case.path("out.h5.partial"), "TERM");
    let err = stderr(&stopped);
    assert_eq!(stopped.status.code(), Some(130), "{err}");
    assert!(
        err.contains("interrupted: 0 of 1 energies finished"),
        "{err}"
    );
    assert!(err.contains("the scale is set by the "), "{err}");
    let left = read_output(&case.path("out.h5")).unwrap();
    assert!(!left.complete);
    assert_eq!(left.energy_done, [0]);
}

// --- files -------------------------------------------------------------------------------------

#[test]
fn force_over_a_good_file_keeps_it_when_the_run_fails() {
    let case = Case::new(LONG);
    let first = case.nuspin(&["run", "s.toml", "-o", "out.h5", "-q"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let before = std::fs::read(case.path("out.h5")).unwrap();
    // Too few steps: every energy fails while running (validation cannot know).
    let failing = LONG.replace("rtol = 1e-8", "rtol = 1e-8\nmax_steps = 50");
    std::fs::write(case.path("s.toml"), failing).unwrap();
    let o = case.nuspin(&["run", "s.toml", "-o", "out.h5", "--force", "-q"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("more than 50 steps"), "{err}");
    assert!(
        err.contains("out.h5 was left as it was (--force replaces it only with a finished run)"),
        "{err}"
    );
    assert_eq!(std::fs::read(case.path("out.h5")).unwrap(), before);
    assert_eq!(case.files(), ["out.h5", "out.h5.partial"]);
}

#[test]
fn force_replaces_a_good_file_with_a_finished_run() {
    let case = Case::new(LONG);
    std::fs::write(case.path("out.h5"), b"old").unwrap();
    let o = case.nuspin(&["run", "s.toml", "-o", "out.h5", "--force", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(read_output(&case.path("out.h5")).unwrap().complete);
    assert_eq!(case.files(), ["out.h5"]);
}

#[test]
fn a_second_run_on_the_same_output_is_refused_at_once() {
    let case = Case::new(LONG);
    let mut first = case.spawn(&["run", "s.toml", "-o", "out.h5", "-q"]);
    let started = Instant::now();
    while !case.path("out.h5.partial").exists() && started.elapsed() < Duration::from_secs(120) {
        assert!(
            first.try_wait().unwrap().is_none(),
            "the first run ended early"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    for extra in [&[][..], &["--force"]] {
        let mut args = vec!["run", "s.toml", "-o", "out.h5", "-q"];
        args.extend_from_slice(extra);
        let second = case.nuspin(&args);
        let err = stderr(&second);
        if first.try_wait().unwrap().is_some() {
            return; // the first run finished meanwhile (a very fast machine)
        }
        assert_eq!(second.status.code(), Some(2), "{err}");
        assert!(
            err.contains("out.h5.partial: another nuspin run is writing this file now"),
            "{err}"
        );
        assert!(
            !err.contains("swmr") && !err.contains("HDF5_USE_FILE_LOCKING"),
            "{err}"
        );
    }
    let first = wait_within(first, Duration::from_secs(600));
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(case.files(), ["out.h5"]);
}

#[test]
fn a_stale_partial_file_is_named_with_how_to_clear_it() {
    let case = Case::new(LONG);
    let mut child = case.spawn(&["run", "s.toml", "-o", "out.h5", "-q"]);
    wait_for_energies(&mut child, &case.path("out.h5.partial"), 1);
    let _ = child.kill();
    let _ = child.wait();
    if !case.path("out.h5.partial").exists() {
        return; // finished before the kill
    }
    let o = case.nuspin(&["run", "s.toml", "-o", "out.h5", "-q"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("out.h5.partial: left by an interrupted run (no run is writing it); finish that run with `nuspin run --resume out.h5.partial`, or start over with --force"), "{err}");
    let o = case.nuspin(&["run", "s.toml", "-o", "out.h5", "-q", "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(case.files(), ["out.h5"]);
}

#[test]
fn resume_refuses_a_complete_file_and_a_missing_one() {
    let case = Case::new(&LONG.replace("points = 12", "points = 2"));
    let o = case.nuspin(&["run", "--resume", "out.h5"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("out.h5: no such file (nor out.h5.partial): nothing to resume"));
    assert!(case
        .nuspin(&["run", "s.toml", "-o", "out.h5", "-q"])
        .status
        .success());
    let o = case.nuspin(&["run", "--resume", "out.h5"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("the run is complete (complete = 1); there is nothing to resume"));
}

#[test]
fn medium_sample_csv_obeys_force() {
    let case = Case::new(LONG);
    std::fs::write(case.path("m.csv"), "mine").unwrap();
    let o = case.nuspin(&["medium", "sample", "s.toml", "--csv", "m.csv"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("m.csv: already exists (use --force to overwrite it)"));
    assert_eq!(std::fs::read(case.path("m.csv")).unwrap(), b"mine");
    let o = case.nuspin(&["medium", "sample", "s.toml", "--csv", "m.csv", "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(case.path("m.csv")).unwrap();
    assert!(text.contains("\nx_km,ne_cm3,"), "{text}");
    let o = case.nuspin(&["medium", "sample", "s.toml", "--csv", "s.toml", "--force"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is an input of this run"));
}

// --- cost --------------------------------------------------------------------------------------

#[test]
fn the_output_size_is_printed_before_the_run() {
    let case = Case::new(&LONG.replace("points = 12", "points = 2"));
    let o = case.nuspin(&["run", "s.toml", "-o", "out.h5"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    // 2 energies × (3 positions × 2 × 4 probabilities, as many complex amplitudes, + 3
    // counters) × 8 bytes = 2 × 75 × 8.
    let line = err.lines().next().unwrap();
    assert!(line.starts_with("Running 2 energies on "), "{err}");
    assert!(line.contains("output up to 1.2 kB → out.h5"), "{err}");
    assert!(err.find("Running").unwrap() < err.find("Solved").unwrap());
}

#[test]
fn a_run_needing_more_memory_than_allowed_is_refused_with_the_numbers() {
    let case = Case::new(&LONG.replace("record = { points = 3 }", "record = { points = 100000 }"));
    let o = case.nuspin(&[
        "run",
        "s.toml",
        "-o",
        "out.h5",
        "--threads",
        "2",
        "--max-memory",
        "100M",
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    // Per energy: 1e5 positions × 4×4 complex propagator (25.6 MB) + its row (19.2 MB);
    // the file: 12 rows of 19.2 MB, above 8 MiB so written contiguous from one copy (+ 2 MB
    // of reading buffers); 12 MB for the process itself, 2 MiB of results waiting for the
    // partial file and 2 MiB queued for its writer, and one finished row per thread waiting
    // for the driver.
    assert!(
        err.contains("the run needs about 377 MB of memory (2 thread(s) × 44.8 MB per energy"),
        "{err}"
    );
    assert!(
        err.contains("+ 232 MB for the final write of the 230 MB of output data"),
        "{err}"
    );
    assert!(
        err.contains("more than the --max-memory limit, 100 MB"),
        "{err}"
    );
    assert_eq!(case.files(), Vec::<String>::new());
    let o = case.nuspin(&["run", "s.toml", "-o", "out.h5", "--max-memory", "lots"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("expected a size like 8G, 500M or 2e9, got \"lots\""));
}

#[test]
fn a_run_beyond_the_machines_memory_is_refused_before_any_file() {
    let case =
        Case::new(&LONG.replace("record = { points = 3 }", "record = { points = 10000000 }"));
    let o = case.nuspin(&["run", "s.toml", "-o", "out.h5"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(
            "more than the memory this machine has available (MemAvailable in /proc/meminfo)"
        ),
        "{err}"
    );
    assert_eq!(case.files(), Vec::<String>::new());
}

#[test]
fn a_record_grid_that_cannot_fit_is_refused_before_it_is_built() {
    // 1e11 positions × a 4×4 complex propagator = 25.6 TB: refused by validation, which
    // would otherwise allocate the positions themselves (0.8 TB) before any estimate.
    let case = Case::new(&LONG.replace(
        "record = { points = 3 }",
        "record = { points = 100000000000 }",
    ));
    let o = case.nuspin(&["run", "s.toml", "-o", "out.h5"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("s.toml"), "{err}");
    assert!(err.contains("[track] record.points"), "{err}");
    assert!(
        err.contains("100000000000 record positions need 25.6 TB for their propagators alone (one 4×4 complex matrix each"),
        "{err}"
    );
    assert!(!err.contains("Running"), "{err}");
    assert_eq!(case.files(), Vec::<String>::new());
}

#[test]
fn absurd_thread_counts_are_capped_saying_why() {
    let case = Case::new(&LONG.replace("points = 12", "points = 2"));
    let o = case.nuspin(&["run", "s.toml", "-o", "out.h5", "--threads", "100000"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("warning: --threads 100000 capped at "),
        "{err}"
    );
    assert!(err.contains("per core on this machine's"), "{err}");
}

#[test]
fn a_long_run_is_announced_with_the_term_that_sets_its_scale() {
    let case = Case::new(
        &LONG
            .replace("max_mev = 10\npoints = 12", "max_mev = 1\npoints = 1")
            .replace("end_km = 200000", "end_km = 2e6"),
    );
    let o = case.nuspin(&["run", "s.toml", "-o", "out.h5"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("warning: this run is projected to take about "),
        "{err}"
    );
    assert!(
        err.contains("the scale is set by the vacuum term Δm²/2E"),
        "{err}"
    );
    let short = Case::new(&LONG.replace("max_mev = 10\npoints = 12", "max_mev = 1\npoints = 1"));
    let o = short.nuspin(&["run", "s.toml", "-o", "out.h5"]);
    assert!(!stderr(&o).contains("projected"), "{}", stderr(&o));
}
