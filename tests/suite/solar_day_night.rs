//! Day and night at a detector (issue 19 item 4): the `/detector` day/night datasets against
//! an independent fold of the arrival probabilities, and the published day–night asymmetries
//! with the parameters the papers state:
//!
//! - Super-Kamiokande-I, hep-ex/0309011 (PRD 69 (2004) 011104), abstract: best fit
//!   tan²θ = 0.55, Δm² = 6.3e-5 eV² (two flavours); expected A_DN = −2.1 %.
//! - Super-Kamiokande-IV (I–IV), arXiv:1312.5176 (PRL 112 (2014) 091805), abstract: measured
//!   A_DN = (−3.2 ± 1.1 stat ± 0.5 syst) %, consistent with 4e-5 ≤ Δm²₂₁ ≤ 7e-5 eV² at 68 % C.L.
//! - SNO, arXiv:1109.0763 (PRC 88 (2013) 025501): three-flavour global fit Δm²₂₁ = 7.46e-5 eV²,
//!   tan²θ₁₂ = 0.443, sin²θ₁₃ = 0.0249 (abstract); day–night asymmetry of the ν_e survival
//!   probability A(E) = 2(N − D)/(N + D) = a₀ + a₁(E − 10 MeV) with a₀ = 0.046 ± 0.031 (stat)
//!   +0.014/−0.013 (syst), a₁ = −0.016 ± 0.025 ± 0.003.
//!
//! See the README ("Published day–night asymmetries") for where and why nuspin differs.

use crate::common;

use std::path::Path;

use common::simpson;
use nuspin::output::{DerivedDataset, EnergyResult};
use nuspin::run::extra_specs;
use nuspin::scenario::{parse, Scenario};

/// A solar 8B scenario at a site with a detector; `mixing`, `site`, `response` as TOML.
fn scenario(mixing: &str, latitude: f64, response: &str, flavours: usize, model: &str) -> Scenario {
    let flux = concat!(env!("CARGO_MANIFEST_DIR"), "/profiles/b8_spectrum.dat");
    let text = format!(
        r#"
name = "day-night"
[neutrino]
flavours = {flavours}
nature = "dirac"
initial = ["nu_e"]
[mixing]
{mixing}
[energy]
scale = "log"
min_mev = 2.5
max_mev = 16.0
points = 28
[medium]
kind = "solar"
model = "{model}"
production = "8B"
[arrival]
site = {{ latitude_deg = {latitude}, chords = 120 }}
[output]
profile_samples = 0
observables = ["earth"]
[detector]
recoil_min_mev = 0.25
recoil_max_mev = 20.0
recoil_points = 400
recoil_scale = "linear"
flux_file = "{flux}"
response = {response}
"#
    );
    parse(Path::new("day_night.toml"), &text).unwrap()
}

fn run(s: &Scenario) -> (Vec<EnergyResult>, Vec<DerivedDataset>) {
    common::solve_all(s)
}

fn dataset<'a>(d: &'a [DerivedDataset], path: &str) -> &'a DerivedDataset {
    d.iter()
        .find(|x| x.path == path)
        .unwrap_or_else(|| panic!("no {path}"))
}

fn rate_adn(d: &[DerivedDataset]) -> f64 {
    dataset(d, "detector/rate_day_night_asymmetry").values[0]
}

const SK_I: &str =
    r#"{ resolution = "sk-i", energy = "total", threshold_mev = 5.0, max_mev = 20.0 }"#;
const SK_IV: &str =
    r#"{ resolution = "sk-iv", energy = "kinetic", threshold_mev = 4.5, max_mev = 19.5 }"#;

/// Two-flavour mixing from tan²θ and Δm².
fn two_flavour(tan2: f64, dm2: f64) -> String {
    format!(
        "theta_deg = {}\ndm2_ev2 = {dm2}",
        tan2.sqrt().atan().to_degrees()
    )
}

#[test]
fn rates_are_an_independent_fold_of_the_arrival_probabilities() {
    // Independent: the rate written out from the arrival probabilities with the textbook
    // ν–e cross section (tree level, sin²θ_W = 0.23122, no radiative corrections as nuspin)
    // integrated by Simpson over E and T, without resolution, T in [5, 15] MeV.
    let s = scenario(
        &two_flavour(0.45, 7.5e-5),
        36.43,
        r#"{ threshold_mev = 5.0, max_mev = 15.0 }"#,
        2,
        "bs05",
    );
    let (results, derived) = run(&s);
    let k_day = extra_specs(&s)
        .iter()
        .position(|e| e.path == "observables/arrival_day")
        .unwrap();
    let k_night = k_day + 1;
    let energies = &s.energies_mev;
    let pee = |k: usize, e: f64| -> f64 {
        let i = energies
            .partition_point(|&x| x <= e)
            .clamp(1, energies.len() - 1);
        let w = (e - energies[i - 1]) / (energies[i] - energies[i - 1]);
        let (a, b) = (results[i - 1].extras[k][0], results[i].extras[k][0]);
        a + (b - a) * w.clamp(0.0, 1.0)
    };
    let flux = nuspin::flux::FluxTable::b8();
    const ME: f64 = 0.51099895;
    const S2W: f64 = 0.23122;
    let dsigma = |nue: bool, e: f64, t: f64| -> f64 {
        let gl = if nue { 0.5 + S2W } else { -0.5 + S2W };
        let gr = S2W;
        let y = t / e;
        if t > 2.0 * e * e / (ME + 2.0 * e) {
            return 0.0;
        }
        gl * gl + gr * gr * (1.0 - y) * (1.0 - y) - gl * gr * ME * t / (e * e)
    };
    let rate = |k: usize| -> f64 {
        let inner = |t: f64| {
            let e_max = energies[energies.len() - 1].min(16.0);
            simpson(
                |e: f64| {
                    let p = pee(k, e);
                    flux.at(e) * (p * dsigma(true, e, t) + (1.0 - p) * dsigma(false, e, t))
                },
                2.5,
                e_max,
                3000,
            )
        };
        simpson(inner, 5.0, 15.0, 200)
    };
    let (d, n) = (rate(k_day), rate(k_night));
    let independent = 2.0 * (d - n) / (d + n);
    let ours = rate_adn(&derived);
    println!("A_DN rate 5-15 MeV: nuspin {ours:.6}, independent {independent:.6}");
    assert!((ours - independent).abs() < 2e-4, "{ours} vs {independent}");
    // Day and night rates themselves are in the ratio the asymmetry says.
    let day = dataset(&derived, "detector/rate_day").values[0];
    let night = dataset(&derived, "detector/rate_night").values[0];
    assert!((2.0 * (day - night) / (day + night) - ours).abs() < 1e-15);
    assert!((night / day - n / d).abs() < 2e-4);
}

#[test]
fn super_kamiokande_i_expected_asymmetry() {
    // hep-ex/0309011: tan²θ = 0.55, Δm² = 6.3e-5 eV², SK-I resolution, 5–20 MeV total energy.
    let s = scenario(&two_flavour(0.55, 6.3e-5), 36.43, SK_I, 2, "bs05");
    let (_, derived) = run(&s);
    let adn = rate_adn(&derived);
    println!("SK-I: nuspin A_DN = {:.3} % (paper: -2.1 %)", 100.0 * adn);
    // nuspin gives −2.68 %, 0.6 % (absolute) more negative than the paper's −2.1 %; the
    // README ("Published day–night asymmetries") lists what this is not (resolution, solar
    // model, exposure move it by < 0.06 %; a higher threshold makes it more negative) and the
    // likely cause. The bound
    // keeps nuspin within that documented difference.
    assert!((adn + 0.021).abs() < 0.007, "{adn}");
    assert!(
        adn < -0.021,
        "nuspin's regeneration is larger than SK-I's expectation"
    );
}

#[test]
#[ignore = "a minute: what moves the SK-I expectation (for the README)"]
fn super_kamiokande_i_sensitivity() {
    let mix = two_flavour(0.55, 6.3e-5);
    let base = rate_adn(&run(&scenario(&mix, 36.43, SK_I, 2, "bs05")).1);
    let cases = [
        (
            "no resolution",
            r#"{ energy = "total", threshold_mev = 5.0, max_mev = 20.0 }"#,
            "bs05",
            36.43,
        ),
        (
            "threshold 6.5 MeV",
            r#"{ resolution = "sk-i", energy = "total", threshold_mev = 6.5, max_mev = 20.0 }"#,
            "bs05",
            36.43,
        ),
        (
            "threshold 8 MeV",
            r#"{ resolution = "sk-i", energy = "total", threshold_mev = 8.0, max_mev = 20.0 }"#,
            "bs05",
            36.43,
        ),
        ("B16 Sun", SK_I, "b16-agss09", 36.43),
        ("latitude 0", SK_I, "bs05", 0.0),
    ];
    println!("SK-I base: {:.3} %", 100.0 * base);
    for (what, response, model, lat) in cases {
        let a = rate_adn(&run(&scenario(&mix, lat, response, 2, model)).1);
        println!(
            "SK-I {what}: {:.3} % (change {:+.3} %)",
            100.0 * a,
            100.0 * (a - base)
        );
    }
    for dm2 in [6.3e-5, 7.0e-5, 8.0e-5] {
        for tan2 in [0.40, 0.55] {
            let a = rate_adn(&run(&scenario(&two_flavour(tan2, dm2), 36.43, SK_I, 2, "bs05")).1);
            println!("SK-I tan2 {tan2} dm2 {dm2}: {:.3} %", 100.0 * a);
        }
    }
}

#[test]
fn super_kamiokande_iv_band_matches_the_measured_asymmetry() {
    // arXiv:1312.5176: A_DN = −3.2 ± 1.2 % (stat ⊕ syst) is consistent with
    // 4e-5 <= Δm²₂₁ <= 7e-5 eV² at 68 % C.L.: nuspin's expected A_DN at the two ends of that
    // range must lie near the two ends of the 1σ band, −4.4 % and −2.0 %.
    let mix = |dm21: f64| format!("theta12_deg = 33.2\ntheta13_deg = 8.8\ndm21_ev2 = {dm21}");
    let lo = rate_adn(&run(&scenario(&mix(4e-5), 36.43, SK_IV, 3, "bs05")).1);
    let hi = rate_adn(&run(&scenario(&mix(7e-5), 36.43, SK_IV, 3, "bs05")).1);
    println!(
        "SK-IV: nuspin A_DN = {:.3} % at 4e-5, {:.3} % at 7e-5 (measured -3.2 +- 1.2 %)",
        100.0 * lo,
        100.0 * hi
    );
    assert!(lo < hi, "larger Δm² means a smaller regeneration");
    assert!((lo + 0.044).abs() < 0.006, "{lo}");
    assert!((hi + 0.020).abs() < 0.004, "{hi}");
}

#[test]
fn sno_day_night_asymmetry_of_the_survival_probability() {
    // arXiv:1109.0763: the global three-flavour fit, SNO at 46.475° N; A(E) = 2(N − D)/(N + D)
    // of P_ee, fitted as a0 + a1 (E − 10 MeV) over 6–14 MeV.
    let theta12 = 0.443_f64.sqrt().atan().to_degrees();
    let theta13 = 0.0249_f64.sqrt().asin().to_degrees();
    let mix = format!("theta12_deg = {theta12}\ntheta13_deg = {theta13}\ndm21_ev2 = 7.46e-5");
    let s = scenario(&mix, 46.475, SK_IV, 3, "bs05");
    let (_, derived) = run(&s);
    // observables/day_night_asymmetry = 2(D − N)/(D + N) of P(ν_e → β) [nE, nI, N]: flip the sign.
    let a = &dataset(&derived, "observables/day_night_asymmetry").values;
    let (mut sx, mut sy, mut sxx, mut sxy, mut n) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (i, &e) in s.energies_mev.iter().enumerate() {
        if (6.0..=14.0).contains(&e) {
            let (x, y) = (e - 10.0, -a[i * 3]);
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
            n += 1.0;
        }
    }
    let a1 = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    let a0 = (sy - a1 * sx) / n;
    println!("SNO: nuspin a0 = {a0:.4}, a1 = {a1:.4} (measured 0.046 +- 0.034, -0.016 +- 0.025)");
    // Within one standard deviation of the measurement, and of the LMA expectation's sign
    // and size (regeneration: nights richer in ν_e by ~2–3 %).
    assert!((a0 - 0.046).abs() < 0.034, "{a0}");
    assert!((a1 + 0.016).abs() < 0.025, "{a1}");
    assert!(a0 > 0.015 && a0 < 0.04, "{a0}");
}

#[test]
fn a_site_run_with_night_bins_and_a_detector_writes_its_file() {
    // Through the command line and the final-from-partial writer: the night-bin and day/night
    // datasets are computed from slabs read back from the partial file (a run of
    // solar-8b-sk.toml panicked there when the per-chord night slab was not read back).
    let dir = tempfile::tempdir().unwrap();
    let flux = concat!(env!("CARGO_MANIFEST_DIR"), "/profiles/b8_spectrum.dat");
    let text = format!(
        r#"
name = "site-file"
[neutrino]
flavours = 3
nature = "dirac"
initial = ["nu_e"]
[energy]
values_mev = [4.0, 8.0, 12.0]
[medium]
kind = "solar"
model = "b16-agss09"
production = "8B"
production_average_points = 4
[arrival]
site = {{ latitude_deg = 36.43, night_bins = "sk", chords = 24 }}
[output]
profile_samples = 0
observables = ["earth"]
[detector]
recoil_min_mev = 1.0
recoil_max_mev = 15.0
recoil_points = 60
recoil_scale = "linear"
flux_file = "{flux}"
response = {{ resolution = "sk-iv", threshold_mev = 5.0 }}
"#
    );
    let scenario = dir.path().join("s.toml");
    std::fs::write(&scenario, text).unwrap();
    let out = dir.path().join("s.h5");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_nuspin"))
        .args(["run", "-q", "-o"])
        .arg(&out)
        .arg(&scenario)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let bytes = std::fs::read(&out).unwrap();
    let has = |name: &str| bytes.windows(name.len()).any(|w| w == name.as_bytes());
    for name in [
        "arrival_night_bins",
        "rate_day_night_asymmetry",
        "observed_spectrum_night_bins",
    ] {
        assert!(has(name), "{name} missing from the file");
    }
}
