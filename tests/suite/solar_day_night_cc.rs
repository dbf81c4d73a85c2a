//! ν_e CC on deuterium at SNO (issue 19 item 4): the `/detector/cc_*` day/night datasets of a
//! run against an independent fold of the run's own arrival probabilities — the window taken
//! first (Simpson in T of dσ/dT for each E), then Simpson in E — and the channel's basic
//! identities. The cross section itself is tested in `src/detector/deuteron_tests.rs`.

use crate::common;

use std::path::Path;

use common::simpson;
use nuspin::detector::deuteron::DeuteronCc;
use nuspin::output::{DerivedDataset, EnergyResult};
use nuspin::run::extra_specs;
use nuspin::scenario::{parse, Scenario};

/// A small SNO-like run (46.475° N): `mixing` as TOML, no resolution, T in [3.5, 15) MeV.
fn sno(mixing: &str) -> Scenario {
    let flux = concat!(env!("CARGO_MANIFEST_DIR"), "/profiles/b8_spectrum.dat");
    let text = format!(
        r#"
name = "cc"
[neutrino]
flavours = 2
nature = "dirac"
initial = ["nu_e"]
[mixing]
{mixing}
[energy]
scale = "linear"
min_mev = 3.0
max_mev = 16.0
points = 27
[medium]
kind = "solar"
model = "bs05"
production = "8B"
[arrival]
site = {{ latitude_deg = 46.475, chords = 60 }}
[output]
profile_samples = 0
observables = ["earth"]
[detector]
recoil_min_mev = 0.25
recoil_max_mev = 16.0
recoil_points = 316
recoil_scale = "linear"
flux_file = "{flux}"
flux_scale = 5.25e6
deuterons = 6.014e31
response = {{ threshold_mev = 3.5, max_mev = 15.0 }}
"#
    );
    parse(Path::new("cc.toml"), &text).unwrap()
}

fn run(s: &Scenario) -> (Vec<EnergyResult>, Vec<DerivedDataset>) {
    common::solve_all(s)
}

fn values(d: &[DerivedDataset], path: &str) -> Vec<f64> {
    d.iter()
        .find(|x| x.path == path)
        .unwrap_or_else(|| panic!("no {path}"))
        .values
        .clone()
}

fn value(d: &[DerivedDataset], path: &str) -> f64 {
    values(d, path)[0]
}

#[test]
fn cc_rates_are_an_independent_fold_of_the_arrival_probabilities() {
    let s = sno("theta_deg = 33.65\ndm2_ev2 = 7.46e-5");
    let (results, derived) = run(&s);
    let k_day = extra_specs(&s)
        .iter()
        .position(|e| e.path == "observables/arrival_day")
        .unwrap();
    let energies = &s.energies_mev;
    // P_ee of sample k (day: k_day, night: k_day + 1), linear between the grid energies.
    let pee = |k: usize, e: f64| -> f64 {
        let i = energies
            .iter()
            .rposition(|&x| x <= e)
            .unwrap_or(0)
            .min(energies.len() - 2);
        let w = ((e - energies[i]) / (energies[i + 1] - energies[i])).clamp(0.0, 1.0);
        results[i].extras[k][0] * (1.0 - w) + results[i + 1].extras[k][0] * w
    };
    let cc = DeuteronCc::nakamura();
    let flux = nuspin::flux::FluxTable::b8().scaled(5.25e6);
    // The window's cross section at E: dσ/dT integrated over T in [3.5, 15) MeV.
    let window = |e: f64| -> f64 {
        let at = cc.at_energy(e);
        let hi = nuspin::detector::deuteron::end_point_mev(e).min(15.0);
        if hi <= 3.5 {
            return 0.0;
        }
        simpson(|t| at.dsigma_dt_cm2_per_mev(t), 3.5, hi, 2000)
    };
    let rate = |k: usize| -> f64 {
        6.014e31 * simpson(|e| flux.at(e) * pee(k, e) * window(e), 3.0, 16.0, 1300)
    };
    let (d, n) = (rate(k_day), rate(k_day + 1));
    let (day, night) = (
        value(&derived, "detector/cc_rate_day"),
        value(&derived, "detector/cc_rate_night"),
    );
    let adn = value(&derived, "detector/cc_rate_day_night_asymmetry");
    let independent = 2.0 * (d - n) / (d + n);
    println!(
        "CC per day: nuspin {:.4} / {:.4}, independent {:.4} / {:.4}; A_DN {adn:.6} vs {independent:.6}",
        day * 86400.0,
        night * 86400.0,
        d * 86400.0,
        n * 86400.0
    );
    assert!((day / d - 1.0).abs() < 2e-3, "{day} vs {d}");
    assert!((night / n - 1.0).abs() < 2e-3, "{night} vs {n}");
    assert!((adn - independent).abs() < 1e-4, "{adn} vs {independent}");
    // Regeneration: more ν_e by night, and CC (all ν_e) sees it more than ν–e scattering,
    // where ν_μ,τ dilute it.
    let es = value(&derived, "detector/rate_day_night_asymmetry");
    assert!(adn < 0.0 && adn < es && es < 0.0, "CC {adn}, ES {es}");
}

#[test]
fn without_mixing_day_and_night_are_the_unoscillated_cc_spectrum() {
    let s = sno("theta_deg = 0.0\ndm2_ev2 = 7.46e-5");
    let (_, derived) = run(&s);
    let get = |p: &str| values(&derived, p);
    let (day, night) = (
        get("detector/cc_spectrum_day"),
        get("detector/cc_spectrum_night"),
    );
    let t = &s.detector.as_ref().unwrap().recoil_mev;
    let flux = nuspin::flux::FluxTable::b8()
        .scaled(5.25e6)
        .clipped(3.0, 16.0)
        .unwrap();
    let direct = nuspin::detector::deuteron::fold_cc_spectrum(&flux, t, |_| 1.0);
    for ((a, b), c) in day.iter().zip(&night).zip(&direct) {
        assert!((a - 6.014e31 * c).abs() <= 1e-12 * a.abs(), "{a} vs {c}");
        assert!((a - b).abs() <= 1e-12 * a.abs(), "{a} vs {b}");
    }
    assert!(value(&derived, "detector/cc_rate_day_night_asymmetry").abs() < 1e-12);
}

#[test]
fn cc_night_bins_add_up_to_the_night_and_differ() {
    // SNO's core and mantle bins (the site's default) cover the whole night, and every CC
    // quantity is linear in the arrival probabilities: the bins weighted by their share of
    // the night's exposure must give the exposure-averaged night.
    let s = sno("theta_deg = 33.65\ndm2_ev2 = 7.46e-5");
    let (_, derived) = run(&s);
    let get = |p: &str| values(&derived, p);
    let bins = &s.arrival.night_bins;
    assert_eq!(bins.len(), 2);
    let night_exposure: f64 = bins.iter().map(|b| b.exposure).sum();
    let nt = s.detector.as_ref().unwrap().recoil_mev.len();
    for (whole, per_bin, n) in [
        ("detector/cc_rate_night", "detector/cc_rate_night_bins", 1),
        (
            "detector/cc_observed_spectrum_night",
            "detector/cc_observed_spectrum_night_bins",
            nt,
        ),
    ] {
        let (whole, per_bin) = (get(whole), get(per_bin));
        assert_eq!(per_bin.len(), 2 * n);
        let scale = whole.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
        for t in 0..n {
            let sum: f64 = bins
                .iter()
                .enumerate()
                .map(|(b, bin)| bin.exposure / night_exposure * per_bin[b * n + t])
                .sum();
            assert!(
                (sum - whole[t]).abs() <= 1e-12 * scale,
                "{t}: {sum} vs {}",
                whole[t]
            );
        }
    }
    // The core's chords regenerate ν_e differently from the mantle's (0.4 % here, with 60
    // chords; bins are in named_bins order: mantle, core).
    let rates = get("detector/cc_rate_night_bins");
    assert!((rates[0] / rates[1] - 1.0).abs() > 2e-4, "{rates:?}");
    // Each bin's A_DN is against the day, rate and spectrum alike.
    let day = value(&derived, "detector/cc_rate_day");
    let adn = get("detector/cc_rate_day_night_asymmetry_night_bins");
    let obs_day = get("detector/cc_observed_spectrum_day");
    let obs_bins = get("detector/cc_observed_spectrum_night_bins");
    let adn_t = get("detector/cc_day_night_asymmetry_night_bins");
    for b in 0..2 {
        let expect = 2.0 * (day - rates[b]) / (day + rates[b]);
        assert!(
            (adn[b] - expect).abs() < 1e-14,
            "{b}: {} vs {expect}",
            adn[b]
        );
        let t = nt / 3;
        let (d, n) = (obs_day[t], obs_bins[b * nt + t]);
        assert!((adn_t[b * nt + t] - 2.0 * (d - n) / (d + n)).abs() < 1e-14);
    }
    println!(
        "CC per day: day {:.4}, mantle {:.4}, core {:.4}; A_DN mantle {:.5}, core {:.5}",
        day * 86400.0,
        rates[0] * 86400.0,
        rates[1] * 86400.0,
        adn[0],
        adn[1]
    );
}
