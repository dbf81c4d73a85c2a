//! The `[output] observables` (issue 10) against independent computations done here:
//! mass populations across vacuum, decoherent arrival (day and night) against brute-force
//! averages over energy and the Sun–Earth distance, resolution-averaged probabilities against
//! brute-force Gaussian averages over a dense energy grid (3ν solar and 6×6 supernova
//! spin-flavour), the adiabatic solar formula and the ⁸B day–night asymmetry.
#![allow(clippy::needless_range_loop)] // index loops mirror the matrix notation

use crate::common;

use std::path::Path;

use rayon::prelude::*;

use nuspin::evolve::{self, propagate_constant, Method, Record, SolverOptions};
use nuspin::hamiltonian::{CMat, EnergyHamiltonian, MediumHamiltonian};
use nuspin::medium::{EarthMedium, Medium, MediumPoint, Side};
use nuspin::output::EnergyResult;
use nuspin::run::{extra_specs, solve_energy};
use nuspin::scenario::{parse, Scenario};
use nuspin::units::{mev_to_ev, R_SUN_KM};

fn scenario(text: &str) -> Scenario {
    parse(Path::new("observables.toml"), text).unwrap()
}

/// The slab of dataset `path` in a result.
fn slab<'a>(s: &Scenario, r: &'a EnergyResult, path: &str) -> &'a [f64] {
    let i = extra_specs(s)
        .iter()
        .position(|e| e.path == path)
        .unwrap_or_else(|| panic!("no {path}"));
    &r.extras[i]
}

fn solve_all(s: &Scenario) -> Vec<EnergyResult> {
    (0..s.energies_mev.len())
        .into_par_iter()
        .map(|g| solve_energy(s, g).unwrap())
        .collect()
}

#[test]
fn mass_populations_sum_to_one_and_are_conserved_across_vacuum() {
    // Rock (which changes the populations), then vacuum (which must not): a steps table.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("rock.csv"),
        "x_km,rho_g_cm3,ye\n0,3.0,0.5\n2000,3.0,0.5\n2000,0,0.5\n9000,0,0.5\n",
    )
    .unwrap();
    let text = r#"
name = "mass"
[neutrino]
flavours = 3
nature = "majorana"
[moments]
magnetic_mu_b = { e_mu = 1e-11 }
[energy]
values_mev = [5.0, 20.0]
[medium]
kind = "table"
file = "rock.csv"
interpolation = "steps"
[track]
start_km = 0
end_km = 9000
record = { values_km = [1000, 2000, 4000, 9000] }
[output]
observables = ["mass"]
"#;
    let s = parse(&dir.path().join("s.toml"), text).unwrap();
    let mut moved = 0.0;
    for r in solve_all(&s) {
        let p = slab(&s, &r, "observables/mass_population");
        let (ni, d) = (s.initial.len(), 6);
        assert_eq!(p.len(), 4 * ni * d);
        for i in 0..ni {
            let at = |x: usize, k: usize| p[(x * ni + i) * d + k];
            for x in 0..4 {
                let sum: f64 = (0..d).map(|k| at(x, k)).sum();
                assert!((sum - 1.0).abs() < 1e-9, "sum {sum}");
            }
            moved += (0..d).map(|k| (at(0, k) - at(1, k)).abs()).sum::<f64>();
            for k in 0..d {
                for x in 2..4 {
                    assert!((at(x, k) - at(1, k)).abs() < 1e-9, "vacuum changed p_{k}");
                }
            }
        }
    }
    // The check has teeth: the rock does change the populations.
    assert!(moved > 1e-2, "rock moved the populations by {moved}");
}

const MAJORANA_SLAB: &str = r#"
name = "arrival"
[neutrino]
flavours = 3
nature = "majorana"
initial = ["nu_e", "nu_mu"]
[moments]
magnetic_mu_b = { e_mu = 1e-12 }
[energy]
values_mev = [ENERGIES]
[medium]
kind = "constant"
rho_g_cm3 = 100
ye = 0.45
b_perp_gauss = 3e9
[track]
start_km = 0
end_km = 2000
[arrival]
earth = { cos_zenith = [-0.6], weights = [2.0] }
[output]
observables = ["earth"]
"#;

#[test]
fn arrival_equals_brute_force_averages_over_energy_and_distance() {
    // A 0.2 % energy bin around 10 MeV and the Sun–Earth distance ± 2.5e6 km (the orbit's
    // eccentricity): the instantaneous probability after vacuum (day) and after vacuum and an
    // Earth chord (night), averaged, against the decoherent arrival datasets.
    let energies: Vec<f64> = (0..11)
        .map(|k| 10.0 * (1.0 + 2e-4 * (k as f64 - 5.0)))
        .collect();
    let list: Vec<String> = energies.iter().map(|e| e.to_string()).collect();
    let s = scenario(&MAJORANA_SLAB.replace("ENERGIES", &list.join(", ")));
    let results = solve_all(&s);
    let point = MediumPoint {
        b_perp_gauss: 3e9,
        ..MediumPoint::from_rho_ye(100.0, 0.45)
    };
    let earth = EarthMedium::new(-0.6).unwrap();
    let n_l = 2000;
    let brute: Vec<[[f64; 6]; 4]> = energies
        .par_iter()
        .map(|&e| {
            let track = propagate_constant::<6>(&s.model, e, &point, 2000.0);
            // The chord, layer by layer from the PREM shells.
            let mut chord = CMat::<6>::identity();
            let mut edges = vec![0.0];
            edges.extend(earth.breakpoints());
            edges.push(earth.length_km());
            for w in edges.windows(2) {
                let m = earth.point(0.5 * (w[0] + w[1]), Side::Right).unwrap();
                chord = propagate_constant::<6>(&s.model, e, &m, w[1] - w[0]) * chord;
            }
            let mut acc = [[0.0; 6]; 4];
            for j in 0..n_l {
                // Incommensurate with every oscillation length in play.
                let l = 1.496e8 + 5e6 * ((j as f64 + 0.5) / n_l as f64 - 0.5);
                let vac = propagate_constant::<6>(&s.model, e, &MediumPoint::default(), l);
                let day = vac * track;
                let night = chord * day;
                for (i, &init) in [0usize, 1].iter().enumerate() {
                    for b in 0..6 {
                        acc[i][b] += day[(b, init)].norm_sqr() / n_l as f64;
                        acc[2 + i][b] += night[(b, init)].norm_sqr() / n_l as f64;
                    }
                }
            }
            acc
        })
        .collect();
    let mean = |f: &dyn Fn(usize) -> f64| (0..energies.len()).map(f).sum::<f64>() / 11.0;
    let mut worst: f64 = 0.0;
    for i in 0..2 {
        for b in 0..6 {
            let day = mean(&|e| slab(&s, &results[e], "observables/arrival_day")[i * 6 + b]);
            let night = mean(&|e| slab(&s, &results[e], "observables/arrival_night")[i * 6 + b]);
            let zenith =
                mean(&|e| slab(&s, &results[e], "observables/arrival_night_zenith")[i * 6 + b]);
            let bday = mean(&|e| brute[e][i][b]);
            let bnight = mean(&|e| brute[e][2 + i][b]);
            worst = worst.max((day - bday).abs()).max((night - bnight).abs());
            assert!((day - bday).abs() < 1e-3, "day {i}->{b}: {day} vs {bday}");
            assert!(
                (night - bnight).abs() < 1e-3,
                "night {i}->{b}: {night} vs {bnight}"
            );
            assert_eq!(night, zenith, "one chord: night is that chord");
        }
    }
    // The field populates the antineutrino block, so the check covers both blocks.
    let nubar: f64 = (3..6).map(|b| mean(&|e| brute[e][0][b])).sum();
    assert!(nubar > 1e-3, "antineutrino block population {nubar}");
    eprintln!("arrival vs brute force: worst {worst:.2e}");
}

/// The Gaussian average of P over a dense energy grid: ±6σ at `per_sigma` points per σ.
fn brute_gaussian(text: &str, e0: f64, sigma: f64, per_sigma: usize) -> Vec<f64> {
    let n = 12 * per_sigma + 1;
    let energies: Vec<f64> = (0..n)
        .map(|k| e0 * (1.0 + sigma * (k as f64 / per_sigma as f64 - 6.0)))
        .collect();
    let list: Vec<String> = energies.iter().map(|e| format!("{e:.12}")).collect();
    let plain = text
        .replace("ENERGIES", &list.join(", "))
        .replace("observables = [\"averaged\"]", "")
        .replace("energy_resolution = RES", "");
    let plain = plain.replace("[arrival]", "");
    let s = scenario(&plain);
    let results = solve_all(&s);
    let d = s.labels.len();
    let ni = s.initial.len();
    let mut acc = vec![0.0; ni * d];
    let mut norm = 0.0;
    for (r, &e) in results.iter().zip(&energies) {
        let t = (e / e0 - 1.0) / sigma;
        // Trapezoid weights (the ends carry e^{-18}: negligible).
        let g = (-0.5 * t * t).exp();
        norm += g;
        for (a, p) in acc.iter_mut().zip(&r.probability) {
            *a += g * p;
        }
    }
    acc.iter().map(|a| a / norm).collect()
}

fn check_averaged(text: &str, e0: f64, sigma: f64, per_sigma: usize) {
    let s = scenario(
        &text
            .replace("ENERGIES", &e0.to_string())
            .replace("RES", &sigma.to_string()),
    );
    let r = solve_energy(&s, 0).unwrap();
    let averaged = slab(&s, &r, "observables/averaged_probability");
    let spread = slab(&s, &r, "observables/averaged_min_phase_spread_rad");
    let brute = brute_gaussian(text, e0, sigma, per_sigma);
    let worst = averaged
        .iter()
        .zip(&brute)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    let plain_diff = r
        .probability
        .iter()
        .zip(&brute)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    eprintln!(
        "averaged vs brute force: worst {worst:.2e} (unaveraged P differs by {plain_diff:.2e}); min spread {spread:?}"
    );
    eprintln!("averaged {averaged:?}\nbrute    {brute:?}");
    assert!(worst < 1e-3, "worst {worst}");
    // The test means something: the oscillation does not average itself.
    assert!(plain_diff > 1e-2, "unaveraged P already equals the average");
}

#[test]
fn averaged_equals_a_dense_gaussian_average_3nu_solar() {
    // 3000 km of the exponential Sun at the 8B production peak: the Δm²₃₁ phase (~1900 rad)
    // is averaged away, the matter-dominated 1–2 term (spread ~0.4 rad) only partly.
    let text = r#"
name = "solar-short"
[neutrino]
flavours = 3
nature = "dirac"
initial = ["nu_e", "nu_mu"]
[energy]
values_mev = [ENERGIES]
[medium]
kind = "solar"
model = "exponential"
[track]
start_km = 34785
end_km = 37785
[arrival]
energy_resolution = RES
[output]
profile_samples = 0
observables = ["averaged"]
"#;
    check_averaged(text, 10.0, 0.02, 80);
}

#[test]
fn averaged_equals_a_dense_gaussian_average_6x6_supernova_spin_flavour() {
    // Majorana, transition moment in the envelope's transverse field: spin-flavour precession
    // into ν̄ on 2500 km of the r⁻³ envelope.
    let text = r#"
name = "sn-short"
[neutrino]
flavours = 3
nature = "majorana"
initial = ["nu_e"]
[moments]
magnetic_mu_b = { e_mu = 1e-12, e_tau = 5e-13 }
[energy]
values_mev = [ENERGIES]
[medium]
kind = "supernova"
ye = 0.45
b0_gauss = 3e10
[track]
start_km = 30000
end_km = 32500
[arrival]
energy_resolution = RES
[output]
profile_samples = 0
observables = ["averaged"]
"#;
    check_averaged(text, 10.0, 0.02, 80);
}

fn b8_text(energies: &str) -> String {
    format!(
        r#"
name = "b8"
[neutrino]
flavours = 3
nature = "dirac"
initial = ["nu_e"]
[energy]
values_mev = [{energies}]
[medium]
kind = "solar"
production_average = true
production_average_points = 8
[arrival]
earth = {{ cos_zenith = [-0.3, -0.6, -0.9], weights = [1, 1, 1] }}
[output]
profile_samples = 0
observables = ["earth"]
"#
    )
}

#[test]
fn b8_day_follows_the_adiabatic_formula_and_night_regenerates_nu_e() {
    let s = scenario(&b8_text("10.0"));
    let r = solve_energy(&s, 0).unwrap();
    let day = slab(&s, &r, "observables/arrival_day")[0];
    let night = slab(&s, &r, "observables/arrival_night")[0];

    let ne = s.medium.point(0.05 * R_SUN_KM, Side::Right).unwrap().ne_cm3;
    let formula = common::adiabatic_solar_pee(ne, 10.0);
    let a_dn = 2.0 * (day - night) / (day + night);
    eprintln!("P_ee day {day:.5}, night {night:.5}, formula {formula:.5}, A_DN {a_dn:.4}");
    assert!((day - formula).abs() < 1e-2, "day {day} formula {formula}");
    // Regeneration in the Earth: night P_ee higher by a few per cent (SK measures
    // A_DN = −3.3 ± 1.0 ± 0.5 % above 4.5 MeV for Δm²₂₁ near 7.4e-5).
    assert!(
        (-0.08..=-0.01).contains(&a_dn),
        "A_DN = {a_dn} (day {day}, night {night})"
    );
    // The mass populations after the production average really are what arrives: the
    // day probabilities of all states sum to 1.
    let total: f64 = slab(&s, &r, "observables/arrival_day").iter().sum();
    assert!((total - 1.0).abs() < 1e-9);
    let _ = (mev_to_ev(1.0), EnergyHamiltonian::<6>::new(&s.model, 1e7));
}

#[test]
fn derived_asymmetry_matches_the_arrival_datasets() {
    let s = scenario(&MAJORANA_SLAB.replace("ENERGIES", "8.0, 12.0"));
    let results = solve_all(&s);
    let header = nuspin::run::header_for(&s, "test".into()).unwrap();
    let derived = nuspin::run::derived_datasets(&s, &header, &results);
    let a = derived
        .iter()
        .find(|d| d.path == "observables/day_night_asymmetry")
        .unwrap();
    assert_eq!(a.shape, vec![2, 2, 3]);
    for r in &results {
        for i in 0..2 {
            for b in 0..3 {
                let d = slab(&s, r, "observables/arrival_day")[i * 6 + b];
                let n = slab(&s, r, "observables/arrival_night")[i * 6 + b];
                let got = a.values[(r.grid_index * 2 + i) * 3 + b];
                assert!((got - 2.0 * (d - n) / (d + n)).abs() < 1e-15);
            }
        }
    }
    // Through nuspin's own Earth chord propagation: the same as the layer product above.
    let chord = &s.arrival.chords[0];
    assert_eq!(chord.weight, 1.0);
    let eh = EnergyHamiltonian::<6>::new(&s.model, mev_to_ev(8.0));
    let path = MediumHamiltonian::new(eh, &chord.medium);
    let options = SolverOptions {
        method: Method::Layers,
        ..Default::default()
    };
    let sol = evolve::solve(&path, 0.0, chord.medium.length_km(), &Record::End, &options).unwrap();
    assert!(sol.stats.max_unitarity_error < 1e-12);
}

#[test]
fn a_scan_may_vary_the_resolution_but_not_the_earth_chords() {
    let base = MAJORANA_SLAB
        .replace("ENERGIES", "10.0")
        .replace(
            "observables = [\"earth\"]",
            "observables = [\"earth\", \"averaged\"]",
        )
        .replace("[arrival]", "[arrival]\nenergy_resolution = 0.05");
    let ok = format!("{base}\n[scan]\n\"arrival.energy_resolution\" = [0.01, 0.1]\n");
    let s = scenario(&ok);
    assert_eq!(s.n_scan_points(), 2);
    assert_eq!(s.scan_point(1).arrival.energy_resolution, Some(0.1));
    let bad = format!("{base}\n[scan]\n\"arrival.earth.cos_zenith\" = [-0.5, -0.2]\n");
    let err = parse(Path::new("observables.toml"), &bad)
        .unwrap_err()
        .to_string();
    assert!(err.contains("cannot be scanned"), "{err}");
    let bad = format!("{base}\n[scan]\n\"arrival.energy_resolution\" = [0.1, 1.5]\n");
    let err = parse(Path::new("observables.toml"), &bad)
        .unwrap_err()
        .to_string();
    assert!(err.contains("energy_resolution"), "{err}");
}

#[test]
fn a_gaussian_production_region_averages_p_over_start_points() {
    // Two flavours in rock, start x0 ~ N(200 km, 20 km): P(ν_e → ν_μ) at 1000 km against a
    // dense average of the exact constant-medium probability over the start point.
    let text = r#"
name = "production"
[neutrino]
flavours = 2
nature = "dirac"
initial = ["nu_e"]
[mixing]
theta_deg = 33.0
dm2_ev2 = 7.5e-5
[energy]
values_mev = [3.0]
[medium]
kind = "constant"
rho_g_cm3 = 3
[track]
start_km = 0
end_km = 1000
[arrival]
production = { mean_km = 200, sigma_km = 20, points = 24 }
[output]
observables = ["earth"]
"#;
    let s = scenario(text);
    assert_eq!(s.averaged_starts_km().unwrap().len(), 24);
    let r = solve_energy(&s, 0).unwrap();
    let rock = MediumPoint::from_rho_ye(3.0, 0.5);
    let n = 6000;
    let (mut acc, mut norm) = (0.0, 0.0);
    for k in 0..=n {
        let x0 = 200.0 + 20.0 * (12.0 * k as f64 / n as f64 - 6.0);
        let g = (-0.5 * ((x0 - 200.0) / 20.0f64).powi(2)).exp();
        let sm = propagate_constant::<4>(&s.model, 3.0, &rock, 1000.0 - x0);
        acc += g * sm[(1, 0)].norm_sqr();
        norm += g;
    }
    let brute = acc / norm;
    let single = propagate_constant::<4>(&s.model, 3.0, &rock, 800.0)[(1, 0)].norm_sqr();
    eprintln!(
        "averaged {} brute {brute} single start {single}",
        r.probability[1]
    );
    assert!((r.probability[1] - brute).abs() < 1e-6);
    assert!((single - brute).abs() > 1e-2, "the average must matter");
    // The arrival datasets are averaged with the same weights.
    let day: f64 = slab(&s, &r, "observables/arrival_day").iter().sum();
    assert!((day - 1.0).abs() < 1e-9);

    for (bad, field) in [
        ("production = { mean_km = 200, sigma_km = 0 }", "sigma_km"),
        (
            "production = { mean_km = 5000, sigma_km = 10 }",
            "no overlap",
        ),
        ("production = { mean = 200 }", "expected { mean_km"),
        (
            "production = { mean_km = 200, sigma_km = 20, points = 0 }",
            "points",
        ),
        ("production = { file = \"missing.csv\" }", "cannot read"),
    ] {
        let text = text.replace(
            "production = { mean_km = 200, sigma_km = 20, points = 24 }",
            bad,
        );
        let err = parse(Path::new("observables.toml"), &text)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("[arrival] production") && err.contains(field),
            "{err}"
        );
    }
    let solar = b8_text("10.0").replace(
        "[arrival]",
        "[arrival]\nproduction = { mean_km = 34785, sigma_km = 1000 }",
    );
    let err = parse(Path::new("observables.toml"), &solar)
        .unwrap_err()
        .to_string();
    assert!(err.contains("production_average"), "{err}");
}

#[test]
fn a_tabulated_production_region_is_read_and_normalised() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("starts.csv"),
        "# start points\nx_km,weight\n100,1\n150, 3\n",
    )
    .unwrap();
    let text = r#"
name = "table-production"
[neutrino]
flavours = 2
nature = "dirac"
[mixing]
theta_deg = 33.0
dm2_ev2 = 7.5e-5
[energy]
values_mev = [3.0]
[medium]
kind = "constant"
rho_g_cm3 = 3
[track]
start_km = 0
end_km = 1000
[arrival]
production = { file = "starts.csv" }
"#;
    let s = parse(&dir.path().join("s.toml"), text).unwrap();
    assert_eq!(
        s.averaged_starts_km().unwrap(),
        vec![(100.0, 0.25), (150.0, 0.75)]
    );
    std::fs::write(dir.path().join("starts.csv"), "100,1\n2000,1\n").unwrap();
    let err = parse(&dir.path().join("s.toml"), text)
        .unwrap_err()
        .to_string();
    assert!(err.contains("2000"), "{err}");
}

#[test]
fn arrival_needs_the_end_of_the_track_recorded() {
    let text = MAJORANA_SLAB.replace("ENERGIES", "10.0").replace(
        "end_km = 2000",
        "end_km = 2000\nrecord = { values_km = [500, 1000] }",
    );
    let err = parse(Path::new("observables.toml"), &text)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("[track] record") && err.contains("end_km"),
        "{err}"
    );
    // Ending at the end is fine, and mass populations come at every record point.
    let text = text.replace("[500, 1000]", "[500, 2000]").replace(
        "observables = [\"earth\"]",
        "observables = [\"mass\", \"earth\"]",
    );
    let s = scenario(&text);
    let r = solve_energy(&s, 0).unwrap();
    assert_eq!(slab(&s, &r, "observables/mass_population").len(), 2 * 2 * 6);
}
