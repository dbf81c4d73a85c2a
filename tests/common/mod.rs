//! Fixtures shared by the integration tests: a run header and deterministic energy results
//! whose values depend on every index, so a misplaced slab cannot go unnoticed (output tests),
//! the adiabatic solar P_ee of docs/physics.md ("Built-in media") (solar tests), and in [`cli`] the
//! `nuspin` binary run in a scratch folder (CLI tests), in [`error_cases`] the shared
//! scenario-error cases of tests/data/scenario_errors.toml, in [`lab`] the two-flavour scenario the
//! CLI tests edit, in [`compare`] two files of one run compared bit for bit, and in [`signals`] a
//! child run stopped by a signal; [`solve_all`] solves a scenario's grid in parallel with its
//! derived datasets (day/night tests).
#![allow(dead_code)]

pub mod cli;
pub mod compare;
pub mod error_cases;
pub mod lab;
pub mod signals;

use num_complex::Complex64;
use nuspin::output::{EnergyResult, MediumSamples, RunHeader};

/// Shape and options of a fixture run.
#[derive(Clone, Copy)]
pub struct Shape {
    pub n_e: usize,
    pub n_x: usize,
    pub n_i: usize,
    pub n_f: usize,
    pub amplitudes: bool,
    pub all_steps: bool,
    pub medium: bool,
}

pub const SMALL: Shape = Shape {
    n_e: 5,
    n_x: 3,
    n_i: 2,
    n_f: 4,
    amplitudes: true,
    all_steps: false,
    medium: true,
};

pub fn header(s: Shape) -> RunHeader {
    let labels = [
        "nu_e",
        "nu_mu",
        "nu_tau",
        "nubar_e",
        "nubar_mu",
        "nubar_tau",
    ];
    let n_x = if s.all_steps { 1 } else { s.n_x };
    RunHeader {
        nuspin_version: "0.1.0".into(),
        scenario_name: "fixture".into(),
        scenario_toml: "name = \"fixture\"\n# ünïcode µ_B\n[energy]\nvalues_mev = [1.0]\n".into(),
        created_utc: "2025-11-25T10:29:03Z".into(),
        command: "nuspin run fixture.toml --force".into(),
        energy_mev: (0..s.n_e).map(|e| 1.0 + 0.1 * e as f64 + 1e-13).collect(),
        x_km: (0..n_x)
            .map(|x| 1000.0 * (x as f64 + 1.0) / n_x as f64)
            .collect(),
        initial_states: (0..s.n_i).map(|i| labels[i % 6].to_string()).collect(),
        final_states: (0..s.n_f).map(|j| labels[j % 6].to_string()).collect(),
        solver_method: "magnus".into(),
        rtol: 1e-6,
        atol: 1e-9,
        amplitudes: s.amplitudes,
        all_steps: s.all_steps,
        medium_samples: s.medium.then(|| MediumSamples {
            x_km: vec![0.0, 250.0, 500.0, 1000.0],
            quantities: vec![
                (
                    "ne_cm3".into(),
                    "cm^-3".into(),
                    vec![1e24, 5e23, 2.5e23, 1.0e-300],
                ),
                (
                    "b_perp_gauss".into(),
                    "G".into(),
                    vec![1e12, 1e11, -0.0, f64::MIN_POSITIVE],
                ),
                ("nn_cm3".into(), "cm^-3".into(), vec![3.0, 2.0, 1.0, 0.5]),
            ],
        }),
        ..RunHeader::default()
    }
}

/// A value in [0, 1) depending on every index, with all 52 mantissa bits in use.
fn value(e: usize, x: usize, i: usize, j: usize) -> f64 {
    let seed = (e * 7919 + x * 104_729 + i * 31 + j * 3) as f64;
    (seed.sin() * 43_758.545_312_3).rem_euclid(1.0)
}

pub fn result(h: &RunHeader, e: usize) -> EnergyResult {
    let (n_x, n_i, n_f) = (h.x_km.len(), h.initial_states.len(), h.final_states.len());
    let mut probability = Vec::new();
    let mut amplitude = Vec::new();
    for x in 0..n_x {
        for i in 0..n_i {
            for j in 0..n_f {
                let v = value(e, x, i, j);
                probability.push(v);
                amplitude.push(Complex64::new(v.sqrt(), -v / 3.0));
            }
        }
    }
    let n_s = if h.all_steps { (e * 3) % 7 } else { 0 }; // includes an energy with 0 steps
    EnergyResult {
        grid_index: e,
        probability,
        amplitude: h.amplitudes.then_some(amplitude),
        steps: 1000 + e as u64,
        rejected: e as u64 * 3,
        unitarity_error: 1e-15 * (e as f64 + 0.5),
        step_x_km: h
            .all_steps
            .then(|| (0..n_s).map(|s| 10.0 * s as f64 + 0.25).collect()),
        step_probability: h
            .all_steps
            .then(|| (0..n_s * n_i * n_f).map(|k| value(e, k, 1, 2)).collect()),
        extras: h
            .extras
            .iter()
            .enumerate()
            .map(|(k, x)| (0..x.slab_len()).map(|v| value(e, v, k, 5)).collect())
            .collect(),
    }
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

fn cbits(v: &[Complex64]) -> Vec<(u64, u64)> {
    v.iter().map(|z| (z.re.to_bits(), z.im.to_bits())).collect()
}

/// Bit-for-bit equality of two results (NaN-safe, distinguishes -0.0).
pub fn assert_same(a: &EnergyResult, b: &EnergyResult) {
    assert_eq!(a.grid_index, b.grid_index);
    assert_eq!(
        bits(&a.probability),
        bits(&b.probability),
        "probability of energy {}",
        a.grid_index
    );
    assert_eq!(
        a.amplitude.as_deref().map(cbits),
        b.amplitude.as_deref().map(cbits)
    );
    assert_eq!((a.steps, a.rejected), (b.steps, b.rejected));
    assert_eq!(a.unitarity_error.to_bits(), b.unitarity_error.to_bits());
    assert_eq!(
        a.step_x_km.as_deref().map(bits),
        b.step_x_km.as_deref().map(bits)
    );
    assert_eq!(
        a.step_probability.as_deref().map(bits),
        b.step_probability.as_deref().map(bits)
    );
}

/// Bit-for-bit equality of two headers.
pub fn assert_same_header(a: &RunHeader, b: &RunHeader) {
    assert_eq!(a, b);
    assert_eq!(bits(&a.energy_mev), bits(&b.energy_mev));
    assert_eq!(bits(&a.x_km), bits(&b.x_km));
    if let (Some(ma), Some(mb)) = (&a.medium_samples, &b.medium_samples) {
        for (qa, qb) in ma.quantities.iter().zip(&mb.quantities) {
            assert_eq!(bits(&qa.2), bits(&qb.2), "medium {}", qa.0);
        }
    }
}

/// The adiabatic solar formula of docs/physics.md ("Built-in media") with the nufit-5.2-no angles:
/// P_ee = s13⁴ + c13⁴ (½ + ½ cos 2θ12 cos 2θ12ᵐ(r₀)), θ12ᵐ at the production density
/// `ne_cm3` for a neutrino of `energy_mev`.
pub fn adiabatic_solar_pee(ne_cm3: f64, energy_mev: f64) -> f64 {
    use nuspin::units::{density_cm3_to_ev3, sqrt2_gf_ev2};
    let (t12, t13, dm21_ev2) = (33.41f64.to_radians(), 8.54f64.to_radians(), 7.41e-5);
    let v_cc_ev = sqrt2_gf_ev2() * density_cm3_to_ev3(ne_cm3);
    let beta = 2.0 * v_cc_ev * energy_mev * 1e6 * t13.cos().powi(2) / dm21_ev2;
    let c2 = (2.0 * t12).cos();
    let cos2_m = (c2 - beta) / ((c2 - beta).powi(2) + (2.0 * t12).sin().powi(2)).sqrt();
    t13.sin().powi(4) + t13.cos().powi(4) * (0.5 + 0.5 * c2 * cos2_m)
}

/// Every grid point of `s` solved (in parallel), and the run's derived datasets.
pub fn solve_all(
    s: &nuspin::scenario::Scenario,
) -> (Vec<EnergyResult>, Vec<nuspin::output::DerivedDataset>) {
    use rayon::prelude::*;
    let results: Vec<EnergyResult> = (0..s.n_grid())
        .into_par_iter()
        .map(|g| nuspin::run::solve_energy(s, g).unwrap())
        .collect();
    let header = nuspin::run::header_for(s, "test".into()).unwrap();
    let derived = nuspin::run::derived_datasets(s, &header, &results);
    (results, derived)
}

/// Composite Simpson of `f` on [a, b] with `n` (even) intervals: the independent quadrature
/// the folding tests check nuspin's detector integrals against.
pub fn simpson(f: impl Fn(f64) -> f64, a: f64, b: f64, n: usize) -> f64 {
    let h = (b - a) / n as f64;
    let inner: f64 = (1..n)
        .map(|i| f(a + h * i as f64) * if i % 2 == 1 { 4.0 } else { 2.0 })
        .sum();
    (f(a) + f(b) + inner) * h / 3.0
}
