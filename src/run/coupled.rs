//! The coupled solve of a `[collective]` plan: the unit of work is a scan point, whose energy
//! bins evolve as one state ([`crate::collective`]: the single-angle bulb, CF4 Lie-group
//! step). It returns the nE [`EnergyResult`]s of its point at once; the driver, the partial
//! file and the final write take them like any other batch.
//!
//! Per bin: `/probability` is P(s → j) = |Ψ[j, s]|² of the plan's initial states in the
//! reported system (Majorana: the one system; Dirac: `[neutrino] particle`), amplitudes when
//! asked, and the `/collective/...` slabs of [`CollectiveDatasets`]. Every bin carries the
//! coupled solve's step counts (the driver counts them once per scan point).

use num_complex::Complex64;

use super::datasets::collective::CollectiveDatasets;
use super::datasets::Datasets;
use super::RunError;
use crate::basis::{Basis, Flavours};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::collective::{
    solve_lie_until, CollectiveError, CollectiveProblem, CollectiveState, EnergyBins, LieOptions,
};
use crate::evolve::Record;
use crate::hamiltonian::CMat;
use crate::output::EnergyResult;
use crate::scenario::Scenario;

/// The bins of a plan's energies: equally spaced centres (validated by `[collective]`).
pub fn energy_bins(energies_mev: &[f64]) -> EnergyBins {
    let width_mev = match energies_mev {
        [a, b, ..] => b - a,
        [a] => 2.0 * a,
        [] => 0.0,
    };
    EnergyBins {
        width_mev,
        centres_mev: energies_mev.to_vec(),
    }
}

/// Solves scan point `scan` of a `[collective]` plan: every energy of it, as results. When
/// `cancel` is set during the solve it stops at the next step and returns no results (the
/// scan point stays undone).
pub fn solve_scan_point(
    plan: &Scenario,
    datasets: &Datasets,
    scan: usize,
    cancel: &AtomicBool,
) -> Result<Vec<EnergyResult>, RunError> {
    let physics = plan.scan_point(scan);
    let producer = datasets
        .collective()
        .expect("a coupled run has the /collective producer");
    match physics.flavours() {
        Flavours::Two => solve::<4>(physics, producer, scan, cancel),
        Flavours::Three => solve::<6>(physics, producer, scan, cancel),
    }
}

fn solve<const D: usize>(
    physics: &Scenario,
    producer: &CollectiveDatasets,
    scan: usize,
    cancel: &AtomicBool,
) -> Result<Vec<EnergyResult>, RunError> {
    let spec = physics
        .collective
        .as_ref()
        .expect("a coupled run has [collective]");
    let fail = |source: CollectiveError| RunError::Collective { scan, source };
    let nature = physics.model.basis.nature();
    let bins = energy_bins(&physics.energies_mev);
    let problem = CollectiveProblem::<D>::bulb(
        nature,
        &physics.model.mixing,
        &physics.model.moments,
        physics.medium.as_ref(),
        &spec.emission,
        &bins,
    )
    .map_err(fail)?;
    let start = CollectiveState::initial(&problem, physics.start_km);
    let record_km: Vec<f64> = match &physics.record {
        Record::Points(xs) => xs.clone(),
        Record::End | Record::AllSteps => Vec::new(),
    };
    let options = LieOptions {
        tol: spec.tol,
        max_step_km: physics.solver.max_step_km,
        max_steps: physics.solver.max_steps,
        ..LieOptions::default()
    };
    let solution = match solve_lie_until(
        &problem,
        start.clone(),
        physics.end_km,
        &record_km,
        &options,
        &|| cancel.load(Ordering::Relaxed),
    ) {
        Ok(s) => s,
        Err(CollectiveError::Stopped { .. }) => return Ok(Vec::new()),
        Err(e) => return Err(fail(e)),
    };
    // The states at the plan's record positions (a position at the start is the start).
    let end_state = solution.records.last().expect("the end is recorded");
    let states: Vec<&CollectiveState<D>> = match &physics.record {
        Record::Points(xs) => xs
            .iter()
            .map(|&x| {
                if x <= start.r_km {
                    &start
                } else {
                    solution
                        .records
                        .iter()
                        .find(|s| s.r_km == x)
                        .unwrap_or(end_state)
                }
            })
            .collect(),
        Record::End | Record::AllSteps => vec![end_state],
    };
    let systems = problem.systems();
    let reported = match physics.model.basis {
        Basis::DiracAntineutrino => 1,
        Basis::DiracNeutrino | Basis::Majorana => 0,
    };
    let n_e = physics.energies_mev.len();
    let emitted = problem.initial_diagonal();
    let mut results = Vec::with_capacity(n_e);
    for bin in 0..n_e {
        let k = |system: usize| bin * systems + system;
        let rho: Vec<Vec<CMat<D>>> = states
            .iter()
            .map(|s| (0..systems).map(|j| s.rho[k(j)]).collect())
            .collect();
        let psi: Vec<Vec<CMat<D>>> = states
            .iter()
            .map(|s| (0..systems).map(|j| s.psi[k(j)]).collect())
            .collect();
        let extras = producer.slabs(&emitted[k(0)..k(0) + systems], &rho, &psi);
        let mut probability = Vec::with_capacity(states.len() * physics.initial.len() * D);
        let mut amplitude = Vec::with_capacity(probability.capacity());
        let mut unitarity_error = 0.0f64;
        for psi_x in &psi {
            let p = &psi_x[reported];
            for &s in &physics.initial {
                for j in 0..D {
                    let a: Complex64 = p[(j, s)];
                    probability.push(a.norm_sqr());
                    amplitude.push(a);
                }
            }
            for u in psi_x {
                let defect = u.adjoint() * u - CMat::<D>::identity();
                unitarity_error = defect.iter().fold(unitarity_error, |m, z| m.max(z.norm()));
            }
        }
        results.push(EnergyResult {
            grid_index: scan * n_e + bin,
            probability,
            amplitude: physics.output.amplitudes.then_some(amplitude),
            steps: solution.stats.accepted,
            rejected: solution.stats.rejected,
            unitarity_error,
            step_x_km: None,
            step_probability: None,
            extras,
        });
    }
    Ok(results)
}
