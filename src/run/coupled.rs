//! The coupled solve of a `[collective]` plan: the unit of work is a scan point, whose energy
//! bins evolve as one state ([`crate::collective`]: the single-angle bulb, CF4 Lie-group
//! step, or the adiabatic-frame stepper handing over to CF4, per `[collective] method`). It
//! returns the nE [`EnergyResult`]s of its point at once; the driver, the partial file and
//! the final write take them like any other batch.
//!
//! Per bin: `/probability` is P(s → j) = |Ψ[j, s]|² of the plan's initial states in the
//! reported system (Majorana: the one system; Dirac: `[neutrino] particle`), amplitudes when
//! asked, and the `/collective/...` slabs of [`CollectiveDatasets`]. Every bin carries the
//! coupled solve's step counts (the driver counts them once per scan point).
//!
//! Inside a scan point the solve reports the fraction of its track done to the run's
//! [`Progress`] and stops at the next step when the run is cancelled ([`Watch`]).

use num_complex::Complex64;

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};

use super::datasets::collective::CollectiveDatasets;
use super::datasets::Datasets;
use super::{Progress, RunError};
use crate::basis::{Basis, Flavours};
use crate::collective::{
    afm_applies, solve_afm_then_lie, solve_lie_until, AfmOptions, AfmStats, CollectiveError,
    CollectiveProblem, CollectiveSolution, CollectiveState, EnergyBins, LieOptions, StepWatch,
};
use crate::evolve::Record;
use crate::hamiltonian::CMat;
use crate::output::EnergyResult;
use crate::scenario::collective::{CollectiveMethod, CollectiveSpec};
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

/// What the coupled solve of one scan point reports before every step: the fraction of its
/// track done, to the run's [`Progress`] (when it has grown by a thousandth, so a bar costs
/// nothing next to a step), and whether the run was cancelled.
pub struct Watch<'a> {
    cancel: &'a AtomicBool,
    progress: &'a dyn Progress,
    scan: usize,
    energies: usize,
    start_km: f64,
    end_km: f64,
    /// The last fraction reported, in thousandths (−1 before the first report).
    reported: Cell<i64>,
}

impl<'a> Watch<'a> {
    /// The watch of scan point `scan` of `plan`.
    pub fn new(
        plan: &Scenario,
        scan: usize,
        cancel: &'a AtomicBool,
        progress: &'a dyn Progress,
    ) -> Self {
        let physics = plan.scan_point(scan);
        Watch {
            cancel,
            progress,
            scan,
            energies: physics.energies_mev.len(),
            start_km: physics.start_km,
            end_km: physics.end_km,
            reported: Cell::new(-1),
        }
    }
}

impl StepWatch for Watch<'_> {
    fn before_step(&self, r_km: f64) -> bool {
        let fraction = ((r_km - self.start_km) / (self.end_km - self.start_km)).clamp(0.0, 1.0);
        let thousandths = (fraction * 1000.0).floor() as i64;
        if thousandths > self.reported.get() {
            self.reported.set(thousandths);
            self.progress
                .scan_point_progress(self.scan, fraction, self.energies);
        }
        self.cancel.load(Ordering::Relaxed)
    }
}

/// Solves scan point `scan` of a `[collective]` plan: every energy of it, as results. When
/// `watch` says stop (the run was cancelled) it stops at the next step and returns no
/// results (the scan point stays undone).
pub fn solve_scan_point(
    plan: &Scenario,
    datasets: &Datasets,
    scan: usize,
    watch: &dyn StepWatch,
) -> Result<Vec<EnergyResult>, RunError> {
    let physics = plan.scan_point(scan);
    let producer = datasets
        .collective()
        .expect("a coupled run has the /collective producer");
    match physics.flavours() {
        Flavours::Two => solve::<4>(physics, producer, scan, watch),
        Flavours::Three => solve::<6>(physics, producer, scan, watch),
    }
}

fn solve<const D: usize>(
    physics: &Scenario,
    producer: &CollectiveDatasets,
    scan: usize,
    watch: &dyn StepWatch,
) -> Result<Vec<EnergyResult>, RunError> {
    let spec = physics
        .collective
        .as_ref()
        .expect("a coupled run has [collective]");
    let fail = |source: CollectiveError| RunError::Collective { scan, source };
    let bins = energy_bins(&physics.energies_mev);
    let problem = CollectiveProblem::<D>::bulb(
        physics.model.basis.nature(),
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
    let end_km = physics.end_km;
    let solved = solve_with(
        spec,
        &problem,
        start.clone(),
        end_km,
        &record_km,
        &options,
        watch,
    );
    let (solution, afm) = match solved {
        Ok(s) => s,
        Err(CollectiveError::Stopped { .. }) => return Ok(Vec::new()),
        Err(e) => return Err(fail(e)),
    };
    let states = recorded_states(physics, &start, &solution);
    let emitted = problem.initial_diagonal();
    let systems = problem.systems();
    let results = (0..physics.energies_mev.len())
        .map(|bin| {
            let k0 = bin * systems;
            let slabs = BinSlabs::new(&states, k0..k0 + systems);
            let mut extras = producer.slabs(&emitted[k0..k0 + systems], &slabs.rho, &slabs.psi);
            extras.extend(stepper_slabs(&afm, physics.start_km, end_km));
            bin_result(physics, scan, bin, &slabs.psi, &solution, &afm, extras)
        })
        .collect();
    Ok(results)
}

/// The coupled solve of `spec`'s stepper: CF4 alone, or the adiabatic-frame stepper (AFM)
/// from the start, then CF4 (`afm` set by the scenario's `method`). Under `"auto"` a problem
/// AFM does not apply to (found only here, from its Hamiltonians) runs CF4 alone; under
/// `"afm"` that is an error naming why.
fn solve_with<const D: usize>(
    spec: &CollectiveSpec,
    problem: &CollectiveProblem<'_, D>,
    start: CollectiveState<D>,
    end_km: f64,
    record_km: &[f64],
    options: &LieOptions,
    watch: &dyn StepWatch,
) -> Result<(CollectiveSolution<D>, AfmStats), CollectiveError> {
    let not_applicable = if spec.afm {
        match afm_applies(problem) {
            Ok(()) => {
                let afm = AfmOptions::default();
                return solve_afm_then_lie(problem, start, end_km, record_km, options, &afm, watch);
            }
            Err(why) if spec.method == CollectiveMethod::Afm => {
                return Err(CollectiveError::Input(format!(
                    "[collective] method = \"afm\" does not apply to this problem: {why} (use \"cf4\" or \"auto\")"
                )))
            }
            Err(why) => Some(why),
        }
    } else {
        None
    };
    let sol = solve_lie_until(problem, start, end_km, record_km, options, watch)?;
    let stats = AfmStats {
        not_applicable,
        ..AfmStats::default()
    };
    Ok((sol, stats))
}

/// The per-bin stepper record (`/collective/afm_steps`, `/collective/handover_km`): AFM's
/// accepted steps and where CF4 took over — the start when AFM did not run, the end when it
/// ran all the way.
fn stepper_slabs(afm: &AfmStats, start_km: f64, end_km: f64) -> [Vec<f64>; 2] {
    let handover_km = match (afm.accepted + afm.rejected, afm.handover_km) {
        (_, Some(r)) => r,
        (0, None) => start_km,
        (_, None) => end_km,
    };
    [vec![afm.accepted as f64], vec![handover_km]]
}

/// The states at the plan's record positions (a position at the start is the start; the end
/// alone without record points).
fn recorded_states<'s, const D: usize>(
    physics: &Scenario,
    start: &'s CollectiveState<D>,
    solution: &'s CollectiveSolution<D>,
) -> Vec<&'s CollectiveState<D>> {
    let end_state = solution.records.last().expect("the end is recorded");
    match &physics.record {
        Record::Points(xs) => xs
            .iter()
            .map(|&x| {
                if x <= start.r_km {
                    start
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
    }
}

/// One bin's ρ and Ψ of each system, at each recorded state (`[state][system]`).
struct BinSlabs<const D: usize> {
    rho: Vec<Vec<CMat<D>>>,
    psi: Vec<Vec<CMat<D>>>,
}

impl<const D: usize> BinSlabs<D> {
    fn new(states: &[&CollectiveState<D>], systems: std::ops::Range<usize>) -> Self {
        BinSlabs {
            rho: states
                .iter()
                .map(|s| systems.clone().map(|k| s.rho[k]).collect())
                .collect(),
            psi: states
                .iter()
                .map(|s| systems.clone().map(|k| s.psi[k]).collect())
                .collect(),
        }
    }
}

/// The result of energy bin `bin`: P(s → j) = |Ψ[j, s]|² of the reported system at each
/// recorded state, the amplitudes when asked, the unitarity defect of every Ψ, the coupled
/// solve's step counts (AFM's and CF4's together).
fn bin_result<const D: usize>(
    physics: &Scenario,
    scan: usize,
    bin: usize,
    psi: &[Vec<CMat<D>>],
    solution: &CollectiveSolution<D>,
    afm: &AfmStats,
    extras: Vec<Vec<f64>>,
) -> EnergyResult {
    let reported = match physics.model.basis {
        Basis::DiracAntineutrino => 1,
        Basis::DiracNeutrino | Basis::Majorana => 0,
    };
    let mut probability = Vec::with_capacity(psi.len() * physics.initial.len() * D);
    let mut amplitude = Vec::with_capacity(probability.capacity());
    let mut unitarity_error = 0.0f64;
    for psi_x in psi {
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
    EnergyResult {
        grid_index: scan * physics.energies_mev.len() + bin,
        probability,
        amplitude: physics.output.amplitudes.then_some(amplitude),
        // AFM's accepted trials are steps of the coupled solve like CF4's.
        steps: solution.stats.accepted + afm.accepted,
        rejected: solution.stats.rejected + afm.rejected,
        unitarity_error,
        step_x_km: None,
        step_probability: None,
        extras,
    }
}
