//! Degenerate and nearly degenerate mass spectra: every method against exact matrix
//! exponentials while Δm²₂₁ sweeps from 1e-4 eV² down to exactly 0, in vacuum, in constant
//! matter dilute enough that the matter potential is comparable to the splitting, and on a
//! two-layer track (exact product of exponentials across a density jump).

use crate::evolve_common;

use evolve_common::{matter_point, FnMedium, MATTER};
use nuspin::evolve::{propagate_constant, solve, Method, Record, SolverOptions};
use nuspin::hamiltonian::MediumHamiltonian;
use nuspin::medium::{ConstantMedium, Interpolation, TableMedium};
use nuspin::mixing::{OscillationParams, ThreeFlavourParams};
use nuspin::prelude::*;

const SPLITTINGS_EV2: [f64; 9] = [1e-4, 7.41e-5, 1e-6, 1e-8, 1e-10, 1e-11, 1e-12, 1e-14, 0.0];
const ENERGIES_MEV: [f64; 4] = [500.0, 1200.0, 2700.0, 5000.0];

fn model(basis: Basis, dm21_ev2: f64) -> Model {
    let params = OscillationParams::Three(ThreeFlavourParams {
        theta12_deg: 33.4,
        theta13_deg: 35.26,
        theta23_deg: 45.0,
        delta_cp_deg: 60.0,
        dm21_ev2,
        dm31_ev2: 7.5e-3,
    });
    let phases: &[f64] = if basis.nature() == Nature::Majorana {
        &[40.0, 110.0]
    } else {
        &[]
    };
    Model::new(
        basis,
        Mixing::new(params, 0.01, phases).expect("valid"),
        Moments::zero(),
    )
}

fn options(method: Method) -> SolverOptions {
    SolverOptions {
        method,
        rtol: 1e-10,
        atol: 1e-10,
        ..SolverOptions::default()
    }
}

fn max_dp(s: &CMat<6>, t: &CMat<6>) -> f64 {
    let (p, q) = (probabilities(s), probabilities(t));
    let mut worst: f64 = 0.0;
    for a in 0..6 {
        for b in 0..6 {
            worst = worst.max((p[a][b] - q[a][b]).abs());
        }
    }
    worst
}

/// The worst |ΔP| over the energies for one medium of `pieces` (ρ g/cm³, length km).
fn sweep_error(basis: Basis, dm21: f64, pieces: &[(f64, f64)], method: Method) -> f64 {
    let model = model(basis, dm21);
    let mut worst: f64 = 0.0;
    for e_mev in ENERGIES_MEV {
        let eh = EnergyHamiltonian::<6>::new(&model, e_mev * 1e6);
        let mut exact = CMat::<6>::identity();
        for &(rho, len) in pieces {
            let p = MediumPoint::from_rho_ye(rho, 0.5);
            exact = propagate_constant::<6>(&model, e_mev, &p, len) * exact;
        }
        let total: f64 = pieces.iter().map(|p| p.1).sum();
        let sol = if pieces.len() == 1 {
            let medium = ConstantMedium::new(MediumPoint::from_rho_ye(pieces[0].0, 0.5)).unwrap();
            let h = MediumHamiltonian::new(eh, &medium);
            solve(&h, 0.0, total, &Record::End, &options(method))
        } else {
            // A `steps` table: each row's density holds up to the next row.
            let mut text = String::from("x_km,rho_g_cm3,ye\n");
            let mut x = 0.0;
            for &(rho, len) in pieces {
                text += &format!("{x},{rho},0.5\n");
                x += len;
            }
            text += &format!("{x},{},0.5\n", pieces[pieces.len() - 1].0);
            let medium = TableMedium::from_text(&text, "layers", Interpolation::Steps).unwrap();
            let h = MediumHamiltonian::new(eh, &medium);
            solve(&h, 0.0, total, &Record::End, &options(method))
        };
        let sol = sol.unwrap_or_else(|e| panic!("{method:?} dm21 = {dm21:e}: {e}"));
        worst = worst.max(max_dp(&sol.propagators[0], &exact));
    }
    worst
}

fn check(basis: Basis, pieces: &[(f64, f64)], label: &str) {
    for method in [Method::Magnus, Method::Dop853, Method::Layers] {
        for dm21 in SPLITTINGS_EV2 {
            let err = sweep_error(basis, dm21, pieces, method);
            println!("{label} {basis:?} {method:?} dm21 = {dm21:e}: max |dP| = {err:.2e}");
            let bound = if method == Method::Dop853 {
                1e-9
            } else {
                1e-12
            };
            assert!(
                err <= bound,
                "{label} {basis:?} {method:?} dm21 = {dm21:e}: {err:e}"
            );
        }
    }
}

#[test]
fn vacuum_sweep_to_exact_degeneracy() {
    check(Basis::DiracNeutrino, &[(0.0, 500.0)], "vacuum");
    check(Basis::Majorana, &[(0.0, 500.0)], "vacuum");
}

#[test]
fn dilute_matter_sweep_to_exact_degeneracy() {
    // 2EV at 1 GeV and 1e-4 g/cm³ is ≈ 8e-9 eV²: comparable to the swept splittings.
    check(Basis::DiracNeutrino, &[(1e-4, 500.0)], "matter");
    check(Basis::Majorana, &[(3.0, 500.0)], "rock");
}

#[test]
fn layered_sweep_to_exact_degeneracy() {
    check(
        Basis::Majorana,
        &[(1e-4, 200.0), (2.8, 150.0), (0.0, 150.0)],
        "layers",
    );
}

/// A smooth bump ρ = ρ₀ sin²(πx/L) from vacuum to matter and back: the degenerate pair splits
/// and rejoins along the track, so clusters form, rotate and dissolve inside steps. Truth:
/// DOP853 at rtol 1e-13.
#[test]
fn smooth_bump_sweep_to_exact_degeneracy() {
    const L_KM: f64 = 500.0;
    for rho0 in [1e-3, 3.0] {
        let medium = FnMedium {
            profile: Box::new(move |x, _| {
                let k = std::f64::consts::PI / L_KM;
                let (s, c) = (k * x).sin_cos();
                let ne = rho0 * s * s * 0.5 * nuspin::units::AVOGADRO;
                let dne = rho0 * 2.0 * s * c * k * 0.5 * nuspin::units::AVOGADRO;
                matter_point(ne, dne, 0.5, (0.0, 0.0), (0.0, 0.0))
            }),
            breaks: vec![],
            present: MATTER,
            piecewise: false,
        };
        for basis in [Basis::DiracNeutrino, Basis::Majorana] {
            for dm21 in SPLITTINGS_EV2 {
                let model = model(basis, dm21);
                let mut worst: f64 = 0.0;
                for e_mev in ENERGIES_MEV {
                    let eh = EnergyHamiltonian::<6>::new(&model, e_mev * 1e6);
                    let h = MediumHamiltonian::new(eh, &medium);
                    let m = solve(&h, 0.0, L_KM, &Record::End, &options(Method::Magnus))
                        .unwrap_or_else(|e| panic!("magnus rho0 = {rho0} dm21 = {dm21:e}: {e}"));
                    let truth = SolverOptions {
                        rtol: 1e-13,
                        atol: 1e-13,
                        max_steps: 10_000_000,
                        ..options(Method::Dop853)
                    };
                    let d = solve(&h, 0.0, L_KM, &Record::End, &truth).expect("dop853");
                    worst = worst.max(max_dp(&m.propagators[0], &d.propagators[0]));
                }
                println!("bump rho0 = {rho0} {basis:?} dm21 = {dm21:e}: max |dP| = {worst:.2e}");
                assert!(
                    worst <= 1e-10,
                    "rho0 = {rho0} {basis:?} dm21 = {dm21:e}: {worst:e}"
                );
            }
        }
    }
}
