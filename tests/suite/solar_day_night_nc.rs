//! NC on deuterium at SNO (issue 19 item 4): the `/detector/nc_rate_*` datasets of a run.
//!
//! - Without moments every arrival state is active (P_active = 1), so the NC rate by day, by
//!   night and in every night bin is deuterons × the unoscillated fold, exactly, whatever the
//!   mixing does.
//! - With a Dirac transition moment in a field part of the beam turns sterile (ν_R): the NC
//!   deficit against the unoscillated rate equals an independent fold (Simpson in E, σ_NC
//!   read from the shipped table here) of the run's own sterile fraction. With a Majorana
//!   moment the flipped part is ν̄, counted with σ_NC(ν̄ d): the deficit is the fold of
//!   (σ_ν − σ_ν̄) P_ν̄.
//!
//! The cross sections themselves are tested in `src/detector/deuteron_nc_tests.rs`.

use crate::common;

use std::path::Path;

use common::simpson;
use nuspin::detector::cross_section::Composition;
use nuspin::detector::deuteron_nc::fold_nc_rate;
use nuspin::flux::FluxTable;
use nuspin::output::DerivedDataset;
use nuspin::run::extra_specs;
use nuspin::scenario::{parse, Scenario};

const DEUTERONS: f64 = 6.014e31;

fn flux_file() -> &'static str {
    concat!(env!("CARGO_MANIFEST_DIR"), "/profiles/b8_spectrum.dat")
}

fn get(d: &[DerivedDataset], path: &str) -> Vec<f64> {
    d.iter()
        .find(|x| x.path == path)
        .unwrap_or_else(|| panic!("no {path}"))
        .values
        .clone()
}

/// deuterons × ∫ φ σ_NC(ν) over the flux inside [lo, hi] (nuspin's own fold of an all-ν beam).
fn unoscillated(lo: f64, hi: f64) -> f64 {
    let flux = FluxTable::b8().scaled(5.25e6).clipped(lo, hi).unwrap();
    let all = Composition {
        neutrino: [1.0, 0.0, 0.0],
        antineutrino: [0.0; 3],
    };
    DEUTERONS * fold_nc_rate(&flux, |_| all)
}

#[test]
fn without_moments_every_sample_is_the_unoscillated_nc_rate() {
    let text = format!(
        r#"
name = "nc"
[neutrino]
flavours = 2
nature = "dirac"
initial = ["nu_e"]
[mixing]
theta_deg = 33.65
dm2_ev2 = 7.46e-5
[energy]
scale = "linear"
min_mev = 3.0
max_mev = 16.0
points = 14
[medium]
kind = "solar"
model = "bs05"
production = "8B"
[arrival]
site = {{ latitude_deg = 46.475, chords = 30 }}
[output]
profile_samples = 0
observables = ["earth"]
[detector]
recoil_min_mev = 1.0
recoil_max_mev = 16.0
recoil_points = 16
recoil_scale = "linear"
flux_file = "{}"
flux_scale = 5.25e6
deuterons = {DEUTERONS:e}
"#,
        flux_file()
    );
    let s = parse(Path::new("nc.toml"), &text).unwrap();
    let (_, derived) = common::solve_all(&s);
    let expect = unoscillated(3.0, 16.0);
    let mut samples = get(&derived, "detector/nc_rate_day");
    samples.extend(get(&derived, "detector/nc_rate_night"));
    samples.extend(get(&derived, "detector/nc_rate_night_bins"));
    assert_eq!(samples.len(), 4);
    for r in &samples {
        assert!((r / expect - 1.0).abs() < 1e-12, "{r} vs {expect}");
    }
    for a in get(&derived, "detector/nc_rate_day_night_asymmetry")
        .into_iter()
        .chain(get(
            &derived,
            "detector/nc_rate_day_night_asymmetry_night_bins",
        ))
    {
        assert!(a.abs() < 1e-12, "{a}");
    }
    // The CC rate of the same run does see the oscillation: a check that the samples differ.
    let cc = get(&derived, "detector/cc_rate_day_night_asymmetry");
    assert!(cc[0].abs() > 1e-3, "{cc:?}");
    println!("NC per day {:.4} (every sample)", expect * 86400.0);
}

/// σ_NC of ν and ν̄ on d read here from the shipped table (columns 2 and 3), linear in ln σ.
fn sigma_nc(e: f64) -> (f64, f64) {
    let text = include_str!("../../profiles/nue_d_nakamura_total.csv");
    let rows: Vec<Vec<f64>> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("E_nu"))
        .map(|l| l.split(',').map(|x| x.parse().unwrap()).collect())
        .collect();
    let k = rows.iter().rposition(|r| r[0] <= e).unwrap();
    let (a, b) = (&rows[k], &rows[k + 1]);
    let w = (e - a[0]) / (b[0] - a[0]);
    let ln = |i: usize| (a[i].ln() * (1.0 - w) + b[i].ln() * w).exp();
    (ln(2), ln(3))
}

/// A constant medium with a transverse field and moment `moment` ([moments] entries).
fn flipped(nature: &str, moment: &str) -> Scenario {
    let text = format!(
        r#"
name = "nc-flip"
[neutrino]
flavours = 3
nature = "{nature}"
initial = ["nu_e"]
[mixing]
theta12_deg = 0.0
theta13_deg = 0.0
theta23_deg = 0.0
[moments]
magnetic_mu_b = {{ {moment} }}
[energy]
scale = "linear"
min_mev = 3.0
max_mev = 15.0
points = 25
[medium]
kind = "constant"
rho_g_cm3 = 3.0
b_perp_gauss = 3e7
[track]
start_km = 0.0
end_km = 700.0
[output]
profile_samples = 0
observables = ["earth"]
[detector]
recoil_min_mev = 1.0
recoil_max_mev = 15.0
recoil_points = 8
recoil_scale = "linear"
flux_file = "{}"
flux_scale = 5.25e6
deuterons = {DEUTERONS:e}
"#,
        flux_file()
    );
    parse(Path::new("nc-flip.toml"), &text).unwrap()
}

#[test]
fn the_nc_deficit_is_the_fold_of_the_sterile_or_flipped_fraction() {
    for (nature, moment) in [
        ("dirac", "e_mu = 2e-11"),
        ("majorana", "e_mu = [2e-11, 1e-11]"),
    ] {
        let s = flipped(nature, moment);
        let (results, derived) = common::solve_all(&s);
        let k_day = extra_specs(&s)
            .iter()
            .position(|e| e.path == "observables/arrival_day")
            .unwrap();
        // The flipped fraction (second block) per grid energy, linear in E between them.
        let e = &s.energies_mev;
        let flip: Vec<f64> = results
            .iter()
            .map(|r| r.extras[k_day][3..6].iter().sum())
            .collect();
        let flip_at = |x: f64| {
            let i = e.partition_point(|&y| y <= x).clamp(1, e.len() - 1);
            let w = ((x - e[i - 1]) / (e[i] - e[i - 1])).clamp(0.0, 1.0);
            flip[i - 1] * (1.0 - w) + flip[i] * w
        };
        let flux = FluxTable::b8().scaled(5.25e6);
        // Dirac: the flipped part is sterile and loses all of σ_ν; Majorana: it is ν̄ and
        // loses σ_ν − σ_ν̄.
        let lost = |x: f64| {
            let (nu, nubar) = sigma_nc(x);
            if nature == "dirac" {
                nu
            } else {
                nu - nubar
            }
        };
        let independent =
            DEUTERONS * simpson(|x| flux.at(x) * lost(x) * flip_at(x), 3.0, 15.0, 4800);
        let deficit = unoscillated(3.0, 15.0) - get(&derived, "detector/nc_rate_day")[0];
        let max_flip = flip.iter().fold(0.0_f64, |m, &x| m.max(x));
        println!(
            "{nature}: flipped up to {max_flip:.4}; NC deficit {:.6e} vs independent {:.6e} per day",
            deficit * 86400.0,
            independent * 86400.0
        );
        assert!(max_flip > 0.02, "{nature}: {max_flip}");
        assert!(
            (deficit / independent - 1.0).abs() < 1e-4,
            "{nature}: {deficit} vs {independent}"
        );
    }
}
