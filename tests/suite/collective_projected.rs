//! The projected DOP853 stepper (`collective::projected`): against the stacked DOP853
//! reference at tight tolerance, its error falling with its tolerance; every ρ keeps its
//! spectrum and every Ψ stays unitary to round-off (the projection), with and without a
//! transition moment (dense 4×4 matrices) and for three flavours; the vacuum-axis lepton
//! numbers stay exact like CF4's.

use crate::collective_common;
use collective_common::*;

use num_complex::Complex64;
use nuspin::basis::Nature;
use nuspin::collective::{
    solve_dop853_collective, solve_projected_until, CollectiveProblem, CollectiveState, EnergyBins,
    ProjectedOptions, ReferenceOptions,
};
use nuspin::hamiltonian::CMat;
use nuspin::moments::Moments;
use nuspin::reference::bulb;

fn eigenvalues<const D: usize>(m: &CMat<D>) -> Vec<f64> {
    let mut v: Vec<f64> = nuspin::linalg::hermitian_eigen(m).values.to_vec();
    v.sort_by(f64::total_cmp);
    v
}

/// Max |ΔP| over the normalised populations of every system.
fn population_distance<const D: usize>(
    problem: &CollectiveProblem<'_, D>,
    a: &[CMat<D>],
    b: &[CMat<D>],
) -> f64 {
    let mut worst: f64 = 0.0;
    for ((x, y), d) in a.iter().zip(b).zip(problem.initial_diagonal()) {
        let t: f64 = d.iter().sum();
        for i in 0..D {
            worst = worst.max((x[(i, i)] - y[(i, i)]).norm() / t);
        }
    }
    worst
}

fn projected<const D: usize>(
    problem: &CollectiveProblem<'_, D>,
    start: CollectiveState<D>,
    end_km: f64,
    tol: f64,
) -> (CollectiveState<D>, u64) {
    let opts = ProjectedOptions {
        tol,
        ..ProjectedOptions::default()
    };
    let sol = solve_projected_until(problem, start, end_km, &[], &opts, &|| false).unwrap();
    (sol.records.last().unwrap().clone(), sol.stats.accepted)
}

/// Every ρ has its start spectrum, every Ψ is unitary and ρ = Ψ ρ₀ Ψ†, all to round-off
/// (spectra relative to the system's Σ|λ|): U and Ψ are re-orthonormalised after every step,
/// so Ψ's defect does not grow with the steps (1e-13; without Ψ's re-orthonormalisation it
/// reached 1.1e-12 after 3 713 steps here).
fn assert_exact_spectra<const D: usize>(
    start: &CollectiveState<D>,
    end: &CollectiveState<D>,
    steps: u64,
) {
    let psi_bound = 1e-13;
    for ((r0, r), psi) in start.rho.iter().zip(&end.rho).zip(&end.psi) {
        let (e0, e1) = (eigenvalues(r0), eigenvalues(r));
        let scale: f64 = e0.iter().map(|x| x.abs()).sum();
        for (a, b) in e0.iter().zip(&e1) {
            assert!((a - b).abs() < 1e-12 * scale, "spectrum {a} vs {b}");
        }
        let defect = (psi.adjoint() * psi - CMat::<D>::identity())
            .iter()
            .map(|z| z.norm())
            .fold(0.0, f64::max);
        assert!(
            defect < psi_bound,
            "Ψ†Ψ − 1 = {defect:e} after {steps} steps"
        );
        let rebuilt = psi * r0 * psi.adjoint();
        let diff = (rebuilt - r).iter().map(|z| z.norm()).fold(0.0, f64::max);
        // ρ and Ψ are moved by the same U but rounded separately: their round-off may
        // part by a few ε per step.
        let drift = 1e-13 + 1e-15 * steps as f64;
        assert!(diff < drift * scale, "ρ vs Ψ ρ₀ Ψ†: {diff:e}");
    }
}

#[test]
fn projected_dop853_matches_the_reference_and_converges() {
    // The dim bulb's swap region (6 bins, 10 → 40 km from the emitted state): nonlinear but
    // not chaotic (amplification ≲ 10², collective_accuracy).
    let medium = vacuum();
    let mixing = bulb_mixing();
    let problem = majorana_bulb(
        &medium,
        &mixing,
        &dim_emission(),
        &EnergyBins::uniform(6, 60.0),
    );
    let start = CollectiveState::initial(&problem, 10.0);
    let reference = ReferenceOptions {
        rtol: 1e-13,
        atol: 1e-15,
        ..ReferenceOptions::default()
    };
    let truth = solve_dop853_collective(&problem, start.clone(), 40.0, &[], &reference).unwrap();
    let truth = &truth.records.last().unwrap().rho;
    let mut errors = Vec::new();
    for tol in [1e-7, 1e-9, 1e-11] {
        let (end, steps) = projected(&problem, start.clone(), 40.0, tol);
        let err = population_distance(&problem, &end.rho, truth);
        eprintln!("projected tol {tol:e}: {steps} steps, max |ΔP| {err:.2e}");
        assert_exact_spectra(&start, &end, steps);
        errors.push(err);
    }
    // Each factor 100 of tolerance buys at least a factor 10 in the result, and the tight
    // run is within 1e-8 of the reference.
    assert!(errors[1] < errors[0] / 10.0, "{errors:?}");
    assert!(
        errors[2] < errors[1] / 10.0 || errors[2] < 1e-10,
        "{errors:?}"
    );
    assert!(errors[2] < 1e-8, "{errors:?}");
}

#[test]
fn projected_dop853_keeps_spectra_with_a_moment_and_three_flavours() {
    let medium = bulb::envelope(1e6, 1e14, 2.0);
    let mixing = bulb_mixing();
    let moments = bulb::transition_moment(Nature::Majorana, &mixing, 1e-15);
    let bins = EnergyBins::uniform(4, 60.0);
    let p2 = CollectiveProblem::<4>::bulb(
        Nature::Majorana,
        &mixing,
        &moments,
        &medium,
        &dim_emission(),
        &bins,
    )
    .unwrap();
    let mut start = CollectiveState::initial(&p2, 10.0);
    // A coherence in every ρ so that the moment term has something to turn (the emitted
    // state is diagonal).
    for r in start.rho.iter_mut() {
        let c = Complex64::new(1e-3 * r.trace().re, 0.0);
        r[(0, 1)] += c;
        r[(1, 0)] += c;
    }
    let (end, steps) = projected(&p2, start.clone(), 12.0, 1e-8);
    assert_exact_spectra(&start, &end, steps);
    // The reference agrees at the tolerance's level.
    let truth =
        solve_dop853_collective(&p2, start, 12.0, &[], &ReferenceOptions::default()).unwrap();
    let err = population_distance(&p2, &end.rho, &truth.records.last().unwrap().rho);
    eprintln!("moment case: max |ΔP| {err:.2e}");
    assert!(err < 1e-5, "{err:e}");

    let m3 = bulb::mixing_three();
    let vac = vacuum();
    let p3 = CollectiveProblem::<6>::bulb(
        Nature::Majorana,
        &m3,
        &Moments::zero(),
        &vac,
        &dim_emission(),
        &bins,
    )
    .unwrap();
    let start3 = CollectiveState::initial(&p3, 10.0);
    let (end3, steps3) = projected(&p3, start3.clone(), 12.0, 1e-8);
    assert_exact_spectra(&start3, &end3, steps3);
}
