//! Scenarios shared by the benches: the shipped examples loaded through the scenario API, and
//! a few variants built in memory (the exponential Sun of BENCHMARKS.md from
//! [`nuspin::reference`], a 3-flavour copy of `lab-2nu`, fewer energies).

#![allow(dead_code)] // each bench binary uses a different subset

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::Criterion;

use nuspin::scenario::{parse, Scenario};

/// `scenarios/NAME.toml` of this checkout.
pub fn scenario_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{name}.toml"))
}

/// The shipped example `name`, with `edit` applied to its text before validation.
pub fn edited(name: &str, edit: impl FnOnce(String) -> String) -> Scenario {
    let path = scenario_path(name);
    let text = std::fs::read_to_string(&path).expect("scenario file");
    parse(&path, &edit(text)).expect("valid scenario")
}

/// The shipped example `name`, unchanged.
pub fn example(name: &str) -> Scenario {
    edited(name, |t| t)
}

/// Replaces the `points = 200` energy count of an example by `points`.
pub fn with_energies(text: String, points: usize) -> String {
    text.replacen("points = 200", &format!("points = {points}"), 1)
}

/// `lab-2nu` with 3 flavours (6×6): the same constant crust, field and e–μ moment.
pub fn lab_3nu() -> Scenario {
    edited("lab-2nu", |t| {
        t.replace("flavours = 2", "flavours = 3").replace(
            "theta_deg = 33.4\ndm2_ev2 = 7.41e-5",
            "preset = \"nufit-5.2-no\"",
        )
    })
}

/// The exponential Sun of BENCHMARKS.md (3ν Dirac, ν_e from 0.05 R_sun, no production
/// average, magnus rtol 1e-6) with `points` log-spaced energies in 1–20 MeV: the library's
/// [`nuspin::reference::solar::solar_exp`].
pub fn solar_exp(points: usize) -> Scenario {
    nuspin::reference::solar::solar_exp(&scenario_path("solar-exp"), points)
        .expect("valid scenario")
}

/// The grid index of the energy nearest `target_mev` (log distance).
pub fn nearest_energy(scenario: &Scenario, target_mev: f64) -> usize {
    let d = |i: usize| (scenario.energies_mev[i] / target_mev).ln().abs();
    (0..scenario.energies_mev.len())
        .min_by(|&a, &b| d(a).total_cmp(&d(b)))
        .expect("an energy grid")
}

/// The example scenarios timed per energy, with the energy each is timed at (MeV): 10 MeV,
/// 1 keV for the keV rotating-star case, 2 GeV for the Earth (as tests/suite/step_counts.rs, except
/// the Earth, whose grid starts at 1 GeV).
pub const EXAMPLES: [(&str, f64); 6] = [
    ("solar-8b", 10.0),
    ("sn-majorana-sfp", 10.0),
    ("sn-dirac-spin-flip", 10.0),
    ("rotating-star-spin", 1e-3),
    ("earth-core", 2000.0),
    ("lab-2nu", 10.0),
];

/// The benches' criterion settings: 10 samples after `warm_up_ms`, measured for about
/// `measurement_ms` (criterion stretches it when 10 samples do not fit), so that a whole
/// bench stays within a minute.
pub fn short_runs(warm_up_ms: u64, measurement_ms: u64) -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(warm_up_ms))
        .measurement_time(Duration::from_millis(measurement_ms))
}
