//! A zenith grid in one run: `[scan] "medium.cos_zenith"` gives every scan point its own
//! chord; each point equals a plain run at that zenith bit for bit, `/track/x_km` holds each
//! point's record positions, and shards merge bit-identically.

use crate::common;
use common::cli::Case;

use nuspin::output::OutputFile;

const BASE: &str = r#"
name = "zenith"
[neutrino]
flavours = 3
nature = "dirac"
initial = ["nu_mu", "nu_e"]
[mixing]
preset = "nufit-5.2-no"
[energy]
scale = "log"
min_mev = 1000
max_mev = 100000
points = 9
[medium]
kind = "earth"
model = "prem4"
cos_zenith = -0.6
"#;

const SCAN: &str = "[scan]\n\"medium.cos_zenith\" = [-1.0, -0.6, -0.2]\n";

fn bits(v: impl IntoIterator<Item = f64>) -> Vec<u64> {
    v.into_iter().map(f64::to_bits).collect()
}

fn derived(f: &OutputFile, path: &str) -> Vec<f64> {
    f.derived
        .iter()
        .find(|d| d.path == path)
        .unwrap_or_else(|| panic!("no /{path}"))
        .values
        .clone()
}

#[test]
fn a_zenith_scan_is_one_chord_per_point() {
    let case = Case::new(&format!("{BASE}{SCAN}"));
    case.ok(&["run", "s.toml", "-o", "all.h5", "--quiet"]);
    let all = case.read("all.h5");
    assert!(all.complete);
    let r = 6371.0;
    let x = derived(&all, "track/x_km");
    let want = [2.0 * r, 1.2 * r, 0.4 * r];
    assert_eq!(x.len(), 3);
    for (a, b) in x.iter().zip(want) {
        assert!((a - b).abs() < 1e-9, "{x:?}");
    }
    assert_eq!(derived(&all, "track/end_km"), x);
    // Scan point 1 is the scenario as written: the same bits as a plain run.
    std::fs::write(case.path("p.toml"), BASE).unwrap();
    case.ok(&["run", "p.toml", "-o", "plain.h5", "--quiet"]);
    let plain = case.read("plain.h5");
    assert!(plain.derived.iter().all(|d| !d.path.starts_with("track/")));
    let scan = all.probability_nd();
    let at = scan.slice(ndarray::s![1, .., .., .., ..]);
    assert_eq!(
        bits(at.iter().copied()),
        bits(plain.probability.iter().copied())
    );
    // The chords differ: the core-crossing one is not the grazing one.
    let p = |s: usize| scan[[s, 4, 0, 0, 0]];
    assert!((p(0) - p(2)).abs() > 1e-3, "{} {}", p(0), p(2));
    // Shards with different thread counts merge to the same bits.
    case.ok(&[
        "run",
        "s.toml",
        "-o",
        "a.h5",
        "--quiet",
        "--shard",
        "1/2",
        "--threads",
        "1",
    ]);
    case.ok(&[
        "run",
        "s.toml",
        "-o",
        "b.h5",
        "--quiet",
        "--shard",
        "2/2",
        "--threads",
        "2",
    ]);
    case.ok(&["merge", "a.h5", "b.h5", "-o", "m.h5"]);
    let merged = case.read("m.h5");
    assert_eq!(
        bits(merged.probability.iter().copied()),
        bits(all.probability.iter().copied())
    );
    assert_eq!(merged.energy_done, all.energy_done);
    assert_eq!(merged.steps, all.steps);
    assert_eq!(bits(derived(&merged, "track/x_km")), bits(x));
}

/// `/medium` of a scan that changes the track samples the scenario as written (here
/// cos θ_z = −0.6, a 1.2 R⊕ chord), not each scan point's chord: per-point tracks are in
/// `/track/x_km` and `/track/end_km`, and `nuspin medium sample` samples any one zenith.
#[test]
fn the_medium_dataset_of_a_zenith_scan_is_the_written_track() {
    let case = Case::new(&format!("{BASE}[output]\nprofile_samples = 50\n{SCAN}"));
    case.ok(&["run", "s.toml", "-o", "all.h5", "--quiet"]);
    let all = case.read("all.h5");
    let medium = all
        .header
        .medium_samples
        .as_ref()
        .expect("/medium is written");
    assert_eq!(medium.x_km.len(), 50);
    assert_eq!(medium.x_km[0], 0.0);
    let end = *medium.x_km.last().unwrap();
    assert!((end - 1.2 * 6371.0).abs() < 1e-9, "{end}");
    // Not the longest chord of the scan (2 R⊕ at cos θ_z = −1).
    assert!(derived(&all, "track/end_km")[0] > end + 1000.0);
}
