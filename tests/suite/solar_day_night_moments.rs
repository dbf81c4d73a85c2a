//! The magnetic term in the day/night ν–e spectra (issue 19): the arrival's μ_eff² and the
//! folded spectra against independent computations.
//!
//! - Without intra-block coherence at the surface (zero mixing, diagonal or e–μ moments) the
//!   decoherent day arrival is the surface state itself: the surface-state folding
//!   (`/detector/recoil_spectrum`) and the day spectrum must agree to round-off, sterile
//!   (Dirac ν_R, magnetic only) and ν̄ (Majorana) components included.
//! - In the Sun without a field the moments do not change the evolution, so the day spectrum
//!   with moments minus the one without is the magnetic term alone: electrons × ∫ φ(E)
//!   πα²/m_e² (1/T − 1/E) μ²(E) dE with μ² = Σ_k p_k Σ_j |μ_jk|² from the mass populations and
//!   the mass-basis moments as typed in the file (closed form per mass state), integrated here
//!   by Simpson's rule.
//! - With equal diagonal mass-basis moments μ_eff² = μ² for every state, so the night arrival
//!   (after the Earth's chords) has μ² exactly and its magnetic term equals the day's.

use std::path::Path;

use nuspin::output::{DerivedDataset, EnergyResult};
use nuspin::run::{derived_datasets, extra_specs, header_for, solve_energy};
use nuspin::scenario::{parse, Scenario};

const ME: f64 = 0.51099895;
const ALPHA: f64 = 1.0 / 137.035999084;
const HBARC_MEV_CM: f64 = 1.973269804e-11;

fn run(text: &str) -> (Scenario, Vec<EnergyResult>, Vec<DerivedDataset>) {
    let s = parse(Path::new("moments.toml"), text).unwrap();
    let results: Vec<EnergyResult> = (0..s.n_grid())
        .map(|g| solve_energy(&s, g).unwrap())
        .collect();
    let header = header_for(&s, "test".into()).unwrap();
    let derived = derived_datasets(&s, &header, &results);
    (s, results, derived)
}

fn dataset<'a>(d: &'a [DerivedDataset], path: &str) -> &'a [f64] {
    &d.iter()
        .find(|x| x.path == path)
        .unwrap_or_else(|| panic!("no {path}"))
        .values
}

fn slab(s: &Scenario, path: &str) -> usize {
    extra_specs(s)
        .iter()
        .position(|e| e.path == path)
        .unwrap_or_else(|| panic!("no slab {path}"))
}

const DETECTOR: &str = r#"
[detector]
recoil_min_mev = 1e-3
recoil_max_mev = 12.0
recoil_points = 40
recoil_scale = "log"
flux_file = "FLUX"
electrons = 3.3e32
"#;

fn detector() -> String {
    DETECTOR.replace(
        "FLUX",
        concat!(env!("CARGO_MANIFEST_DIR"), "/profiles/b8_spectrum.dat"),
    )
}

#[test]
fn without_coherence_the_surface_fold_is_the_day_spectrum() {
    for (nature, moments) in [
        ("dirac", "e_e = 2e-11"),
        ("majorana", "e_mu = [2e-11, 1e-11]"),
    ] {
        let text = format!(
            r#"
name = "surface-day"
[neutrino]
flavours = 3
nature = "{nature}"
initial = ["nu_e"]
[mixing]
theta12_deg = 0.0
theta13_deg = 0.0
theta23_deg = 0.0
[moments]
magnetic_mu_b = {{ {moments} }}
[energy]
values_mev = [3.0, 5.0, 8.0, 11.0, 15.0]
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
{}"#,
            detector()
        );
        let (s, results, derived) = run(&text);
        // The field really flipped part of the beam into the other block.
        let day = slab(&s, "observables/arrival_day");
        let flipped: f64 = results[2].extras[day][3..].iter().sum();
        assert!(flipped > 0.02, "{nature}: flipped {flipped}");
        let surface = dataset(&derived, "detector/recoil_spectrum");
        let day_spec = dataset(&derived, "detector/recoil_spectrum_day");
        let sm = dataset(&derived, "detector/recoil_spectrum_sm");
        for t in 0..surface.len() {
            let (a, b) = (surface[t], day_spec[t]);
            assert!(
                (a - b).abs() <= 1e-12 * a.abs(),
                "{nature} T#{t}: {a} vs {b}"
            );
        }
        // At the lowest recoil the magnetic term dominates (GEMMA-type lift).
        assert!(
            day_spec[0] > 2.0 * sm[0],
            "{nature}: {} {}",
            day_spec[0],
            sm[0]
        );
    }
}

/// The solar scenario with `[moments]` text `moments` (empty: none) and `[arrival]` chords.
fn solar(nature: &str, moments: &str) -> String {
    format!(
        r#"
name = "solar-moments"
[neutrino]
flavours = 3
nature = "{nature}"
initial = ["nu_e"]
[mixing]
preset = "nufit-5.2-no"
{moments}
[energy]
scale = "log"
min_mev = 3.0
max_mev = 16.0
points = 12
[medium]
kind = "solar"
model = "bs05"
[arrival]
earth = {{ cos_zenith = [-0.3, -0.9] }}
[output]
profile_samples = 0
observables = ["mass", "earth"]
{}"#,
        detector()
    )
}

/// electrons × ∫ φ(E) πα²/m_e² (1/T − 1/E) μ²(E) dE by Simpson's rule over the grid's span,
/// μ² linear between the grid energies.
fn magnetic_fold(s: &Scenario, mu2: &[f64], t: f64) -> f64 {
    let flux = nuspin::flux::FluxTable::b8();
    let e = &s.energies_mev;
    let mu2_at = |x: f64| {
        let i = e.partition_point(|&y| y <= x).clamp(1, e.len() - 1);
        let w = ((x - e[i - 1]) / (e[i] - e[i - 1])).clamp(0.0, 1.0);
        mu2[i - 1] * (1.0 - w) + mu2[i] * w
    };
    let e_min = 0.5 * (t + (t * t + 2.0 * ME * t).sqrt());
    let (a, b) = (e[0].max(e_min), e[e.len() - 1]);
    let n = 4000;
    let h = (b - a) / n as f64;
    let k = std::f64::consts::PI * ALPHA * ALPHA / (ME * ME) * HBARC_MEV_CM * HBARC_MEV_CM;
    let f = |x: f64| flux.at(x) * k * (1.0 / t - 1.0 / x) * mu2_at(x);
    let sum: f64 = (0..=n)
        .map(|i| {
            let w = if i == 0 || i == n {
                1.0
            } else {
                (2 + 2 * (i % 2)) as f64
            };
            w * f(a + h * i as f64)
        })
        .sum();
    3.3e32 * sum * h / 3.0
}

#[test]
fn the_day_magnetic_term_is_the_mass_state_closed_form() {
    // Mass-basis moments (μ_B): |μ_jk|² per column k gives each mass state's μ_eff².
    let cases = [
        (
            "dirac",
            r#"magnetic_mu_b = { 1_1 = 1e-11, 1_2 = [2e-11, 1e-11], 2_3 = [-0.5e-11, 0.8e-11], 3_3 = 0.3e-11 }"#,
            [1e-22 + 5e-22, 5e-22 + 0.89e-22, 0.89e-22 + 0.09e-22],
        ),
        (
            "majorana",
            r#"magnetic_mu_b = { 1_2 = [2e-11, 1e-11], 2_3 = [-0.5e-11, 0.8e-11] }"#,
            [5e-22, 5e-22 + 0.89e-22, 0.89e-22],
        ),
    ];
    for (nature, entries, m_k) in cases {
        let with = run(&solar(
            nature,
            &format!("[moments]\nbasis = \"mass\"\n{entries}"),
        ));
        let without = run(&solar(nature, ""));
        let (s, results, derived) = &with;
        let (ipop, imu) = (
            slab(s, "observables/mass_population"),
            slab(s, "observables/arrival_day_mu_eff_sq_mu_b2"),
        );
        let iday = slab(s, "observables/arrival_day");
        let mut mu2 = Vec::new();
        for (r, r0) in results.iter().zip(&without.1) {
            let p = &r.extras[ipop];
            let want: f64 = (0..3).map(|k| m_k[k] * (p[k] + p[3 + k])).sum();
            let ours = r.extras[imu][0];
            assert!(
                (ours / want - 1.0).abs() < 1e-12,
                "{nature}: {ours} vs {want}"
            );
            mu2.push(ours);
            // No field in the Sun: the moments leave the arrival probabilities alone.
            let day0 = &r0.extras[slab(&without.0, "observables/arrival_day")];
            for (a, b) in r.extras[iday].iter().zip(day0) {
                assert!((a - b).abs() < 1e-12, "{nature}");
            }
        }
        let recoil = dataset(derived, "detector/recoil_mev");
        let (a, b) = (
            dataset(derived, "detector/recoil_spectrum_day"),
            dataset(&without.2, "detector/recoil_spectrum_day"),
        );
        for (t, &tk) in recoil.iter().enumerate() {
            let want = magnetic_fold(s, &mu2, tk);
            if want > 0.0 {
                let ours = a[t] - b[t];
                assert!(
                    (ours / want - 1.0).abs() < 3e-3,
                    "{nature} T {tk}: {ours} vs {want}"
                );
            }
        }
    }
}

#[test]
fn equal_mass_moments_give_the_same_magnetic_term_by_night() {
    let moments =
        "[moments]\nbasis = \"mass\"\nmagnetic_mu_b = { 1_1 = 3e-11, 2_2 = 3e-11, 3_3 = 3e-11 }";
    let (s, results, derived) = run(&solar("dirac", moments));
    let (_, _, none) = run(&solar("dirac", ""));
    let (iday, inight, izen) = (
        slab(&s, "observables/arrival_day_mu_eff_sq_mu_b2"),
        slab(&s, "observables/arrival_night_mu_eff_sq_mu_b2"),
        slab(&s, "observables/arrival_night_zenith_mu_eff_sq_mu_b2"),
    );
    for r in &results {
        for v in [&r.extras[iday], &r.extras[inight], &r.extras[izen]] {
            for x in v.iter() {
                assert!((x / 9e-22 - 1.0).abs() < 1e-12, "{x}");
            }
        }
    }
    let diff = |path: &str| -> Vec<f64> {
        dataset(&derived, path)
            .iter()
            .zip(dataset(&none, path))
            .map(|(a, b)| a - b)
            .collect()
    };
    let (day, night) = (
        diff("detector/recoil_spectrum_day"),
        diff("detector/recoil_spectrum_night"),
    );
    let recoil = dataset(&derived, "detector/recoil_mev");
    let mu2 = vec![9e-22; s.energies_mev.len()];
    for t in 0..recoil.len() {
        assert!((day[t] - night[t]).abs() <= 1e-9 * day[t].abs(), "T#{t}");
        let want = magnetic_fold(&s, &mu2, recoil[t]);
        if want > 0.0 {
            assert!((night[t] / want - 1.0).abs() < 3e-3, "T#{t}");
        }
    }
    // The moment lifts both spectra by the same amount, so it dilutes A_DN at low recoil.
    let adn = dataset(&derived, "detector/day_night_asymmetry");
    let adn0 = dataset(&none, "detector/day_night_asymmetry");
    assert!(adn[0].abs() < adn0[0].abs(), "{} {}", adn[0], adn0[0]);
}

#[test]
fn night_bin_moments_are_the_exposure_average_of_their_chords() {
    let moments =
        "[moments]\nbasis = \"mass\"\nmagnetic_mu_b = { 1_1 = 3e-11, 2_2 = 1e-11, 3_3 = 2e-11 }";
    let text = solar("dirac", moments).replace(
        "earth = { cos_zenith = [-0.3, -0.9] }",
        "site = { latitude_deg = 46.475, night_bins = \"core-mantle\", chords = 40 }",
    );
    let (s, results, derived) = run(&text);
    let binned = derived
        .iter()
        .find(|d| d.path == "observables/arrival_night_bins_mu_eff_sq_mu_b2")
        .expect("the night-bin moment dataset");
    let (bins, chords) = (&s.arrival.night_bins, &s.arrival.chords);
    assert_eq!(binned.shape, [s.energies_mev.len(), bins.len(), 1]);
    let (izen, inight) = (
        slab(&s, "observables/arrival_night_zenith_mu_eff_sq_mu_b2"),
        slab(&s, "observables/arrival_night_mu_eff_sq_mu_b2"),
    );
    let mut spread: f64 = 0.0;
    for (e, r) in results.iter().enumerate() {
        let zen = &r.extras[izen];
        let mut whole = 0.0;
        for (b, bin) in bins.iter().enumerate() {
            let w: f64 = bin.chords.iter().map(|&c| chords[c].weight).sum();
            let sum: f64 = bin.chords.iter().map(|&c| chords[c].weight * zen[c]).sum();
            let ours = binned.values[e * bins.len() + b];
            assert!((ours - sum / w).abs() <= 1e-12 * ours, "E#{e} bin {b}");
            whole += sum;
            spread = spread.max((ours / r.extras[inight][0] - 1.0).abs());
        }
        // The bins split the night: their chord-weighted sum is the whole night's average,
        // which the arrival producer computes on its own.
        let total: f64 = chords.iter().map(|c| c.weight).sum();
        assert!(
            (whole / total / r.extras[inight][0] - 1.0).abs() < 1e-12,
            "E#{e}"
        );
    }
    // Core and mantle differ (regeneration moves the mass populations): the test can fail.
    assert!(spread > 1e-6, "{spread}");
}
