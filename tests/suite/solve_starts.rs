//! One integration for all start points (evolve::solve_starts) against one integration per
//! start point.

use nuspin::evolve::{
    averaged_probabilities, probabilities, solve, solve_starts, Method, Record, SolverOptions,
};
use nuspin::hamiltonian::MediumHamiltonian;
use nuspin::medium::TableMedium;
use nuspin::medium::{production_average_nodes, Interpolation, SolarMedium, SolarModel};
use nuspin::prelude::*;
use nuspin::units::R_SUN_KM;

fn model() -> Model {
    let mixing = Mixing::from_preset(Preset::Nufit52No, 0.01, &[]).expect("preset");
    Model::new(Basis::DiracNeutrino, mixing, Moments::zero())
}

/// Σ_k w_k P(r_k → end) from one solve per start.
fn separate<H: nuspin::hamiltonian::PathHamiltonian<6>>(
    h: &H,
    starts: &[(f64, f64)],
    end_km: f64,
    options: &SolverOptions,
) -> [[f64; 6]; 6] {
    let mut avg = [[0.0; 6]; 6];
    for &(r, w) in starts {
        let s = solve(h, r, end_km, &Record::End, options).expect("solve");
        let p = probabilities(&s.propagators[0]);
        for a in 0..6 {
            for b in 0..6 {
                avg[a][b] += w * p[a][b];
            }
        }
    }
    avg
}

fn max_diff(p: &[[f64; 6]; 6], q: &[[f64; 6]; 6]) -> f64 {
    p.iter()
        .flatten()
        .zip(q.iter().flatten())
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max)
}

/// On a layered medium every method is exact up to round-off, so the composed average and
/// the separate solves must agree to round-off too.
#[test]
fn composed_production_average_equals_separate_solves_on_layers() {
    let mut text = String::from("x_km,rho_g_cm3,ye\n");
    for i in 0..=40 {
        let x = 250.0 * i as f64;
        text.push_str(&format!("{x},{},0.5\n", 2.0 + 1.5 * (0.3 * i as f64).sin()));
    }
    let rock = TableMedium::from_text(&text, "layers.csv", Interpolation::Steps).expect("table");
    let h = MediumHamiltonian::new(EnergyHamiltonian::<6>::new(&model(), 3e9), &rock);
    let starts = [
        (10.0, 0.1),
        (777.0, 0.2),
        (1234.5, 0.3),
        (3000.0, 0.25),
        (4100.0, 0.15),
    ];
    let options = SolverOptions {
        method: Method::Layers,
        ..SolverOptions::default()
    };
    let (avg, _) = averaged_probabilities(&h, &starts, 10_000.0, &options).expect("composed");
    let want = separate(&h, &starts, 10_000.0, &options);
    let d = max_diff(&avg, &want);
    assert!(d <= 1e-10, "{d:e}");
}

/// The BS05 Sun's 8B production average (12 start radii): one magnus run against twelve,
/// at a tolerance where both are converged far below the default accuracy.
#[test]
fn composed_production_average_equals_separate_solves_in_the_sun() {
    let sun = SolarMedium::new(SolarModel::Bs05, 0.05, None).expect("bs05");
    let starts: Vec<(f64, f64)> = production_average_nodes(12)
        .into_iter()
        .map(|(r, w)| (r * R_SUN_KM, w))
        .collect();
    for e_mev in [2.0, 10.0] {
        let h = MediumHamiltonian::new(EnergyHamiltonian::<6>::new(&model(), e_mev * 1e6), &sun);
        let options = SolverOptions {
            rtol: 1e-10,
            ..SolverOptions::default()
        };
        let (avg, stats) =
            averaged_probabilities(&h, &starts, R_SUN_KM, &options).expect("composed");
        let want = separate(&h, &starts, R_SUN_KM, &options);
        let d = max_diff(&avg, &want);
        println!("{e_mev} MeV: one run {stats:?}, |ΔP| = {d:e}");
        assert!(d <= 1e-9, "{e_mev} MeV: {d:e}");
    }
}

#[test]
fn record_points_compose_and_bad_requests_are_refused() {
    let sun = SolarMedium::new(SolarModel::Exponential, 0.05, None).expect("sun");
    let h = MediumHamiltonian::new(EnergyHamiltonian::<6>::new(&model(), 8e6), &sun);
    let options = SolverOptions::default();
    let starts = [0.1 * R_SUN_KM, 0.02 * R_SUN_KM];
    let points = Record::Points(vec![0.5 * R_SUN_KM, R_SUN_KM]);
    let all = solve_starts(&h, &starts, R_SUN_KM, &points, &options).expect("composed");
    assert_eq!(all.per_start.len(), 2);
    for (sol, &r) in all.per_start.iter().zip(&starts) {
        assert_eq!(sol.x_km, vec![0.5 * R_SUN_KM, R_SUN_KM]);
        let alone = solve(&h, r, R_SUN_KM, &points, &options).expect("alone");
        for (s, t) in sol.propagators.iter().zip(&alone.propagators) {
            let (p, q) = (probabilities(s), probabilities(t));
            assert!(max_diff(&p, &q) <= 1e-6);
        }
        assert!(sol.stats.max_unitarity_error <= 1e-12);
    }
    let early = Record::Points(vec![0.05 * R_SUN_KM]);
    assert!(solve_starts(&h, &starts, R_SUN_KM, &early, &options).is_err());
    assert!(solve_starts(&h, &starts, R_SUN_KM, &Record::AllSteps, &options).is_err());
    assert!(solve_starts(&h, &[2.0 * R_SUN_KM], R_SUN_KM, &Record::End, &options).is_err());
    assert!(solve_starts(&h, &[], R_SUN_KM, &Record::End, &options).is_err());
}
