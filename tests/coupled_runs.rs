//! Coupled (`[collective]`) runs like every other run (issue 21): sharded by scan point and
//! merged into the unsharded run's file bit for bit, stopped by a signal inside or between
//! scan points with the finished scan points kept and resumable, and progress reported from
//! inside a scan point. The scenario is the example `scenarios/collective-bulb.toml`, made
//! smaller.

mod common;
use common::cli::{stderr, Case};
use common::compare::assert_same_run;
use common::signals::{signal, signal_once_started, wait_for_energies, wait_within};

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use nuspin::output::{read_output, OutputFile};
use nuspin::run::{self, Progress, RunOptions};
use nuspin::scenario;

const EXAMPLE: &str = include_str!("../scenarios/collective-bulb.toml");

/// The example with `bins` energy bins to `end_km` (record points up to it) and the moment
/// scanned over `scan` (a TOML list).
fn bulb(bins: usize, end_km: &str, scan: &str) -> String {
    let record: Vec<&str> = ["10.0", "30.0", "100.0", "300.0", "1000.0"]
        .into_iter()
        .take_while(|x| x.parse::<f64>().unwrap() <= end_km.parse::<f64>().unwrap())
        .collect();
    let text = EXAMPLE
        .replace("points = 12", &format!("points = {bins}"))
        .replace("end_km = 1000.0", &format!("end_km = {end_km}"))
        .replace(
            "[10.0, 30.0, 100.0, 300.0, 1000.0]",
            &format!("[{}]", record.join(", ")),
        )
        .replace("\"moments.magnetic_mu_b.e_mu\" = [0.0, 1e-15]", "")
        .replace("file = \"out/collective-bulb.h5\"\n", "");
    assert!(!text.contains("[0.0, 1e-15]") && !text.contains("out/"));
    format!("{text}\"moments.magnetic_mu_b.e_mu\" = {scan}\n")
}

/// 3 scan points of 4 bins to 100 km at a tenth of the luminosity: about a second in all.
fn small() -> String {
    bulb(4, "100.0", "[0.0, 1e-15, 3e-15]").replace("1e51", "1e50")
}

/// The scan points whose energies are all done, and a check that no scan point is half done.
fn whole_scan_points(file: &OutputFile) -> Vec<usize> {
    let n_e = file.header.energy_mev.len();
    file.energy_done
        .chunks(n_e)
        .enumerate()
        .filter_map(|(scan, done)| {
            assert!(
                done.iter().all(|&d| d == done[0]),
                "scan point {scan} half done: {done:?}"
            );
            (done[0] != 0).then_some(scan)
        })
        .collect()
}

#[test]
fn merged_shards_of_a_coupled_run_equal_the_unsharded_run_bit_for_bit() {
    let case = Case::new(&small());
    case.ok(&["run", "s.toml", "-o", "all.h5", "--quiet", "--threads", "2"]);
    let all = case.read("all.h5");
    assert!(all.complete);
    for (k, mine) in [(1, vec![0, 2]), (2, vec![1])] {
        let name = format!("part{k}.h5");
        let shard = format!("{k}/2");
        let args = ["run", "s.toml", "-o", &name, "--quiet", "--shard", &shard];
        case.ok(&args);
        let part = case.read(&name);
        assert_eq!(part.header.shard, Some((k, 2)));
        assert!(part.header.shard_by_scan_point);
        // Whole scan points (4 energies each), every second one from k − 1.
        assert_eq!(whole_scan_points(&part), mine, "shard {k}");
        assert!(part.complete, "a shard file is complete when its shard is");
    }
    // Shards in any order.
    case.ok(&["merge", "part2.h5", "part1.h5", "-o", "merged.h5"]);
    let merged = case.read("merged.h5");
    assert_eq!(merged.header.shard, None);
    assert_same_run(&merged, &all);

    // A missing shard leaves its scan points undone.
    case.ok(&["merge", "part2.h5", "-o", "one.h5"]);
    let one = case.read("one.h5");
    assert!(!one.complete);
    assert_eq!(whole_scan_points(&one), [1]);
}

/// A run stopped by SIGINT between scan points keeps the finished ones, whole; the resumed
/// run equals the uninterrupted one bit for bit.
#[test]
fn an_interrupted_coupled_run_keeps_whole_scan_points_and_resumes() {
    let case = Case::new(&bulb(12, "300.0", "[0.0, 1e-15, 3e-15]"));
    case.ok(&["run", "s.toml", "-o", "ref.h5", "--quiet", "--threads", "2"]);
    // One thread: the scan points are solved one after the other, so the signal lands
    // inside one with the ones before it finished.
    let mut child = case.spawn(&["run", "s.toml", "-o", "out.h5", "--threads", "1", "-q"]);
    wait_for_energies(&mut child, &case.path("out.h5.partial"), 12);
    signal(&mut child, "INT");
    let stopped = wait_within(child, Duration::from_secs(60));
    if !stopped.status.success() {
        let err = stderr(&stopped);
        assert_eq!(stopped.status.code(), Some(130), "{err}");
        assert!(err.contains("nuspin run --resume out.h5"), "{err}");
        let left = case.read("out.h5");
        assert!(!left.complete);
        let done = whole_scan_points(&left);
        assert!(!done.is_empty() && done.len() < 3, "{done:?}");
        assert!(
            err.contains(&format!("interrupted: {} of 36 energies", 12 * done.len())),
            "{err}"
        );
        let resumed = case.ok(&["run", "--resume", "out.h5"]);
        assert!(stderr(&resumed).contains("(resuming: "));
    }
    // else the machine finished first: the file is the whole run.
    assert_eq!(case.files(), ["out.h5", "ref.h5"]);
    assert_same_run(&case.read("out.h5"), &case.read("ref.h5"));
}

/// One scan point that would take hours: the signal stops it inside the point, which stays
/// undone in a valid file.
#[test]
fn a_signal_stops_a_coupled_run_inside_its_scan_point() {
    let text = bulb(4, "100.0", "[0.0]")
        .replace("end_km = 100.0", "end_km = 9e5")
        .replace(
            "\nrtol = 1e-6",
            "\nrtol = 1e-6\nmax_step_km = 0.001\nmax_steps = 1000000000000",
        );
    let case = Case::new(&text);
    let child = case.spawn(&["run", "s.toml", "-o", "out.h5"]);
    let stopped = signal_once_started(child, &case.path("out.h5.partial"), "TERM");
    let err = stderr(&stopped);
    assert_eq!(stopped.status.code(), Some(130), "{err}");
    assert!(
        err.contains("interrupted: 0 of 4 energies finished"),
        "{err}"
    );
    let left = read_output(&case.path("out.h5")).unwrap();
    assert!(!left.complete);
    assert_eq!(left.energy_done, [0, 0, 0, 0]);
    assert!(!case.path("out.h5.partial").exists());
}

/// Every report of the progress inside the scan points, and the finished energies.
#[derive(Default)]
struct Reports {
    inside: Mutex<Vec<(usize, f64, usize)>>,
    done: Mutex<Vec<usize>>,
}

impl Progress for Reports {
    fn energy_done(&self, g: usize) {
        self.done.lock().unwrap().push(g);
    }

    fn scan_point_progress(&self, scan: usize, fraction: f64, energies: usize) {
        self.inside.lock().unwrap().push((scan, fraction, energies));
    }
}

#[test]
fn a_coupled_run_reports_progress_inside_each_scan_point() {
    let plan = scenario::parse(Path::new("s.toml"), &small()).unwrap();
    let reports = Reports::default();
    let options = RunOptions {
        threads: Some(2),
        ..Default::default()
    };
    let summary = run::run(&plan, &options, &reports, |_| Ok(())).unwrap();
    assert_eq!(summary.energies_done, 12);
    let mut done = reports.done.into_inner().unwrap();
    done.sort_unstable();
    assert_eq!(done, (0..12).collect::<Vec<_>>());
    let inside = reports.inside.into_inner().unwrap();
    for scan in 0..3 {
        let fractions: Vec<f64> = inside
            .iter()
            .filter(|r| r.0 == scan)
            .map(|r| {
                assert_eq!(r.2, 4);
                r.1
            })
            .collect();
        // From the start, growing with every report, through the track.
        assert_eq!(fractions.first(), Some(&0.0), "scan point {scan}");
        assert!(fractions.windows(2).all(|w| w[1] > w[0]), "{fractions:?}");
        assert!(fractions.len() >= 20, "{fractions:?}");
        assert!(*fractions.last().unwrap() > 0.5 && *fractions.last().unwrap() <= 1.0);
    }
}

/// `NUSPIN_PROGRESS=lines` prints each scan point's progress through its track, whole percents
/// in order, before that point's energies are reported done.
#[test]
fn lines_progress_reports_inside_each_coupled_scan_point() {
    let case = Case::new(&small());
    let out = case
        .command()
        .args(["run", "s.toml", "-o", "out.h5", "--threads", "2"])
        .env("NUSPIN_PROGRESS", "lines")
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    for scan in 0..3 {
        let prefix = format!("scan point {scan}: ");
        let percents: Vec<(usize, u32)> = lines
            .iter()
            .enumerate()
            .filter_map(|(i, l)| {
                let p = l.strip_prefix(prefix.as_str())?.strip_suffix('%')?;
                Some((i, p.parse().unwrap()))
            })
            .collect();
        assert_eq!(percents.first().map(|p| p.1), Some(0), "{err}");
        assert!(percents.windows(2).all(|w| w[1].1 > w[0].1), "{err}");
        assert!(
            percents.len() >= 20 && percents.last().unwrap().1 <= 100,
            "{err}"
        );
        let last = percents.last().unwrap().0;
        for g in 4 * scan..4 * scan + 4 {
            let done = lines.iter().position(|l| *l == format!("done {g}"));
            assert!(done.is_some_and(|d| d > last), "done {g}: {err}");
        }
    }
}
