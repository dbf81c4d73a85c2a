//! `[arrival] site` (issue 19): the annual exposure of a detector site in the Sun's zenith
//! angle against brute-force sampling of a year minute by minute, and bad input rejected
//! with the field named.

use std::f64::consts::PI;
use std::path::Path;

use nuspin::observables::exposure::{named_bins, Exposure};
use nuspin::scenario::parse;

/// Solar declination (rad) from Spencer's Fourier series (Search 2 (1971) 172), a different
/// formula from nuspin's ecliptic-longitude one; day = days since 1 January 0h.
fn spencer_declination(day: f64) -> f64 {
    let g = 2.0 * PI * day / 365.0;
    0.006918 - 0.399912 * g.cos() + 0.070257 * g.sin() - 0.006758 * (2.0 * g).cos()
        + 0.000907 * (2.0 * g).sin()
        - 0.002697 * (3.0 * g).cos()
        + 0.00148 * (3.0 * g).sin()
}

#[test]
fn kamioka_exposure_matches_minute_by_minute_sampling() {
    let latitude = 36.43_f64.to_radians();
    // Day bins of 0.2 in cos θ_z and SK's night bins.
    let mut bins: Vec<(f64, f64)> = (0..5)
        .map(|i| (0.2 * i as f64, 0.2 * (i + 1) as f64))
        .collect();
    bins.extend(named_bins("sk").unwrap().iter().map(|b| (b.1, b.2)));
    let minutes = (365.0 * 1440.0) as usize;
    let mut counts = vec![0usize; bins.len()];
    for m in 0..minutes {
        let t_day = m as f64 / 1440.0;
        let delta = spencer_declination(t_day);
        let hour_angle = 2.0 * PI * (t_day.fract() - 0.5);
        let cz = latitude.sin() * delta.sin() + latitude.cos() * delta.cos() * hour_angle.cos();
        if let Some(b) = bins.iter().position(|&(lo, hi)| cz >= lo && cz < hi) {
            counts[b] += 1;
        }
    }
    let site = Exposure::new(36.43, false, 2000);
    let mut worst = 0.0_f64;
    for ((lo, hi), n) in bins.iter().zip(&counts) {
        let sampled = *n as f64 / minutes as f64;
        let computed = site.fraction(*lo, *hi);
        eprintln!("cos zenith [{lo:5.2}, {hi:5.2}): sampled {sampled:.5}, nuspin {computed:.5}");
        worst = worst.max((sampled - computed).abs());
    }
    assert!(worst < 1e-3, "worst bin differs by {worst}");
    assert!((site.night_fraction() - 0.5).abs() < 0.01);
    // 1/d² weighting: winter (near perihelion) nights are longer in the north, so the
    // weighted night fraction is larger.
    assert!(Exposure::new(36.43, true, 2000).night_fraction() > site.night_fraction());
}

fn site_scenario(site: &str) -> String {
    format!(
        r#"
name = "site"
[neutrino]
flavours = 3
nature = "dirac"
initial = ["nu_e"]
[energy]
values_mev = [10.0]
[medium]
kind = "solar"
model = "b16-agss09"
production = "8B"
[output]
profile_samples = 0
observables = ["earth"]
[arrival]
site = {site}
"#
    )
}

#[test]
fn site_gives_weighted_chords_and_bins() {
    let s = parse(
        Path::new("s.toml"),
        &site_scenario("{ latitude_deg = 36.43, night_bins = \"sk\", chords = 40 }"),
    )
    .unwrap();
    let chords = &s.arrival.chords;
    assert!(chords.len() >= 40);
    assert!((chords.iter().map(|c| c.weight).sum::<f64>() - 1.0).abs() < 1e-12);
    let bins = &s.arrival.night_bins;
    assert_eq!(bins.len(), 6);
    let used: usize = bins.iter().map(|b| b.chords.len()).sum();
    assert_eq!(used, chords.len());
    for b in bins {
        for &c in &b.chords {
            let cz = chords[c].cos_zenith;
            assert!(
                cz >= b.cos_zenith.0 && cz < b.cos_zenith.1,
                "{} {cz}",
                b.name
            );
        }
    }
}

#[test]
fn bad_solar_input_is_rejected_naming_the_field() {
    let dir = std::env::temp_dir().join(format!("nuspin-site-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("short.csv"), "cos_zenith,livetime\n-1,1\n0.5,1\n").unwrap();
    let path = dir.join("s.toml");
    let cases = [
        (
            site_scenario("{ latitude_deg = 95 }"),
            "[arrival] site.latitude_deg",
        ),
        (
            site_scenario("{ latitude_deg = -90.5 }"),
            "[arrival] site.latitude_deg",
        ),
        (
            site_scenario("{ livetime_file = \"short.csv\" }"),
            "cover cos_zenith in [-1, 1]",
        ),
        (
            site_scenario("{ latitude_deg = 36, night_bins = \"sno\" }"),
            "[arrival] site.night_bins",
        ),
        (
            site_scenario("{ latitude = 36 }"),
            "unknown field `latitude`",
        ),
        (
            site_scenario("{ latitude_deg = 36 }")
                .replace("production = \"8B\"", "production = \"7Li\""),
            "production",
        ),
        (
            site_scenario("{ latitude_deg = 36 }").replace("b16-agss09", "b16-gs99"),
            "model",
        ),
        (
            site_scenario("{ latitude_deg = 36 }")
                .replace("model = \"b16-agss09\"", "model = \"exponential\"")
                .replace("\"8B\"", "\"pp\""),
            "no production table",
        ),
    ];
    for (text, want) in cases {
        let err = parse(&path, &text).unwrap_err().to_string();
        assert!(err.contains(want), "expected {want:?} in: {err}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A whole run through the CLI writes the night-bin dataset from the partial file: each bin
/// is the exposure-weighted mean of its chords' `/observables/arrival_night_zenith` slabs.
#[test]
fn night_bins_are_written_by_a_run_to_file() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("site.toml");
    let text = site_scenario("{ latitude_deg = 36.43, night_bins = \"sk\", chords = 12 }");
    std::fs::write(
        &scenario,
        text.replace(
            "profile_samples = 0",
            "profile_samples = 0\nfile = \"site.h5\"",
        ),
    )
    .unwrap();
    let out = dir.path().join("site.h5");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_nuspin"))
        .args(["run", "--quiet", "--threads", "1"])
        .arg(&scenario)
        .arg("-o")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let s = parse(&scenario, &std::fs::read_to_string(&scenario).unwrap()).unwrap();
    let file = nuspin::output::read_output(&out).unwrap();
    let bins = file
        .derived("observables/arrival_night_bins")
        .expect("night bins written");
    let zenith = file.extra("observables/arrival_night_zenith").unwrap();
    let shape = zenith.shape();
    let slab = shape[shape.len() - 2] * shape[shape.len() - 1];
    assert_eq!(bins.values.len(), s.arrival.night_bins.len() * slab);
    assert!(bins.values.iter().sum::<f64>() > 0.0);
    // The nZ axis is written beside the slab: each chord's cos θ_z and weight.
    for (path, want) in [
        (
            "observables/arrival_night_cos_zenith",
            s.arrival
                .chords
                .iter()
                .map(|c| c.cos_zenith)
                .collect::<Vec<f64>>(),
        ),
        (
            "observables/arrival_night_chord_weight",
            s.arrival.chords.iter().map(|c| c.weight).collect(),
        ),
    ] {
        let axis = file.derived(path).expect(path);
        assert_eq!(axis.shape, vec![shape[shape.len() - 3]], "{path}");
        assert_eq!(axis.values, want, "{path}");
    }
    let z: Vec<f64> = zenith.iter().copied().collect();
    for (b, bin) in s.arrival.night_bins.iter().enumerate() {
        let total: f64 = bin.chords.iter().map(|&c| s.arrival.chords[c].weight).sum();
        for f in 0..slab {
            let mean: f64 = bin
                .chords
                .iter()
                .map(|&c| s.arrival.chords[c].weight / total * z[c * slab + f])
                .sum();
            let got = bins.values[b * slab + f];
            assert!(
                (got - mean).abs() < 1e-14 && got >= 0.0,
                "bin {b} flavour {f}: {got} vs {mean}"
            );
        }
    }
}

/// The night chords' shared layers are built once per run from the scenario's chords; a scan
/// of the site's latitude moves the chords at every scan point, and each point's night must
/// be that of a run of its own at that latitude (not the first point's chords).
#[test]
fn a_latitude_scan_gives_each_point_its_own_night() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, text: String| {
        let scenario = dir.path().join(format!("{name}.toml"));
        std::fs::write(&scenario, text).unwrap();
        let out = dir.path().join(format!("{name}.h5"));
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_nuspin"))
            .args(["run", "--quiet", "--threads", "1", "-o"])
            .arg(&out)
            .arg(&scenario)
            .status()
            .unwrap();
        assert!(status.success(), "{name}");
        let file = nuspin::output::read_output(&out).unwrap();
        let night = file.extra("observables/arrival_night").unwrap();
        let cos_zenith = file
            .derived("observables/arrival_night_cos_zenith")
            .expect("the chords' cos zenith")
            .values
            .clone();
        (night.iter().copied().collect::<Vec<f64>>(), cos_zenith)
    };
    let site = |lat: f64| site_scenario(&format!("{{ latitude_deg = {lat}, chords = 24 }}"));
    let north = run("north", site(36.43));
    let south = run("south", site(-20.0));
    let scan = run(
        "scan",
        site(36.43) + "[scan]\n\"arrival.site.latitude_deg\" = [36.43, -20.0]\n",
    );
    let ((north, north_cos), (south, south_cos), (scan, scan_cos)) = (north, south, scan);
    assert_eq!(scan.len(), 2 * north.len());
    assert!(north.iter().zip(&south).any(|(a, b)| (a - b).abs() > 1e-4));
    for (k, (got, want)) in scan.iter().zip(north.iter().chain(&south)).enumerate() {
        assert!((got - want).abs() < 1e-15, "{k}: {got} vs {want}");
    }
    // Each scan point's chords are its own latitude's: the nZ axis is [scan, nZ].
    assert_ne!(north_cos, south_cos);
    assert_eq!(scan_cos, [north_cos, south_cos].concat());
}
