//! The reference method: ode_solvers' DOP853 on the stacked real system i dρ_i/dr = [H_i, ρ_i]
//! for all systems at once (2D² reals each) plus the position τ as a last component with
//! dτ/dr = 1, which keeps the eighth order despite ode_solvers 0.6.2's c₁₂ = 0 (see
//! [`crate::evolve::dop853`]). ode_solvers keeps every step in memory, so each segment is
//! integrated in restarted chunks of [`CHUNK_STEPS`] steps. Not unitary: ρ's spectrum drifts
//! at the tolerance level (docs/collective.md, "Conservation laws"). Amplitudes Ψ are not evolved
//! here.

use std::cell::RefCell;

use nalgebra::DVector;
use num_complex::Complex64;
use ode_solvers::dop853::Dop853;
use ode_solvers::dop_shared::{IntegrationError, OutputType};
use ode_solvers::System;

use super::lie::{CollectiveSolution, CollectiveState, CollectiveStats};
use super::system::CollectiveProblem;
use super::watch::StepWatch;
use super::CollectiveError;
use crate::evolve::dop853::CONTROLLER;
use crate::hamiltonian::CMat;

/// Steps per restarted chunk (bounds ode_solvers' stored output).
pub const CHUNK_STEPS: u64 = 2_000;

/// Options of [`solve_dop853_collective`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReferenceOptions {
    pub rtol: f64,
    pub atol: f64,
    pub max_steps: u64,
}

impl Default for ReferenceOptions {
    fn default() -> Self {
        ReferenceOptions {
            rtol: 1e-10,
            atol: 1e-12,
            max_steps: 20_000_000,
        }
    }
}

fn pack<const D: usize>(rho: &[CMat<D>], scale: &[f64], tau: f64) -> DVector<f64> {
    let n = 2 * D * D;
    let mut y = DVector::<f64>::zeros(rho.len() * n + 1);
    for (k, r) in rho.iter().enumerate() {
        for (m, z) in r.iter().enumerate() {
            y[k * n + 2 * m] = z.re / scale[k];
            y[k * n + 2 * m + 1] = z.im / scale[k];
        }
    }
    y[rho.len() * n] = tau;
    y
}

fn unpack<const D: usize>(y: &DVector<f64>, scale: &[f64], out: &mut [CMat<D>]) {
    let n = 2 * D * D;
    for (k, r) in out.iter_mut().enumerate() {
        for (m, z) in r.iter_mut().enumerate() {
            *z = Complex64::new(y[k * n + 2 * m], y[k * n + 2 * m + 1]) * scale[k];
        }
    }
}

struct Stacked<'p, 'm, const D: usize> {
    problem: &'p CollectiveProblem<'m, D>,
    r0: f64,
    /// Each system's trace: ρ is integrated normalised, so atol means the same in every bin.
    scale: &'p [f64],
    scratch: RefCell<(Vec<CMat<D>>, Vec<CMat<D>>)>,
    error: &'p RefCell<Option<CollectiveError>>,
    steps: u64,
}

impl<const D: usize> System<f64, DVector<f64>> for Stacked<'_, '_, D> {
    fn system(&self, _t: f64, y: &DVector<f64>, dy: &mut DVector<f64>) {
        let last = y.len() - 1;
        let r = self.r0 + y[last];
        let mut guard = self.scratch.borrow_mut();
        let (rho, h) = &mut *guard;
        unpack(y, self.scale, rho);
        if let Err(e) = self.problem.hamiltonians(r, rho, h) {
            self.error.borrow_mut().get_or_insert(e);
            dy.fill(0.0);
            return;
        }
        let n = 2 * D * D;
        for k in 0..rho.len() {
            // dρ/dr = −i [H, ρ], ρ normalised by its trace.
            let d = (h[k] * rho[k] - rho[k] * h[k]) * Complex64::new(0.0, -1.0 / self.scale[k]);
            for (m, z) in d.iter().enumerate() {
                dy[k * n + 2 * m] = z.re;
                dy[k * n + 2 * m + 1] = z.im;
            }
        }
        dy[last] = 1.0;
    }

    fn solout(&mut self, _t: f64, _y: &DVector<f64>, _dy: &DVector<f64>) -> bool {
        self.steps += 1;
        self.error.borrow().is_some() || self.steps >= CHUNK_STEPS
    }
}

/// DOP853 from `start` to `end_km`, recording like [`super::solve_lie`] (Ψ is left at its
/// start value in the records).
pub fn solve_dop853_collective<const D: usize>(
    problem: &CollectiveProblem<'_, D>,
    start: CollectiveState<D>,
    end_km: f64,
    record_km: &[f64],
    options: &ReferenceOptions,
) -> Result<CollectiveSolution<D>, CollectiveError> {
    solve_dop853_collective_until(problem, start, end_km, record_km, options, &|| false)
}

/// [`solve_dop853_collective`] that tells `watch` where it is before every chunk of
/// steps and gives up with [`CollectiveError::Stopped`] when it answers true.
pub fn solve_dop853_collective_until<const D: usize>(
    problem: &CollectiveProblem<'_, D>,
    start: CollectiveState<D>,
    end_km: f64,
    record_km: &[f64],
    options: &ReferenceOptions,
    watch: &dyn StepWatch,
) -> Result<CollectiveSolution<D>, CollectiveError> {
    if !(options.rtol > 0.0 && options.atol > 0.0) {
        return Err(CollectiveError::Input("dop853 needs rtol, atol > 0".into()));
    }
    let stops = super::lie::record_stops(start.r_km, end_km, record_km);
    let scale = trace_scales(&start.rho);
    let mut state = start;
    let mut run = Chunks {
        problem,
        options,
        scale: &scale,
        stats: CollectiveStats::default(),
        error: RefCell::new(None),
        // Each chunk starts with the last step size of the one before, across stops too.
        h_last: 0.0,
    };
    let mut records = Vec::new();
    for &stop in &stops {
        let length = stop - state.r_km;
        let mut t = 0.0;
        while t < length {
            if watch.before_step(state.r_km + t) {
                return Err(CollectiveError::Stopped {
                    r_km: state.r_km + t,
                });
            }
            let Some(t_end) = run.chunk(&mut state, t, length)? else {
                break;
            };
            t = t_end;
        }
        state.r_km = stop;
        records.push(state.clone());
    }
    let stats = run.stats;
    Ok(CollectiveSolution { records, stats })
}

/// Each system's trace (1 where it is not positive): ρ is integrated divided by it, so that
/// atol means the same in every bin.
fn trace_scales<const D: usize>(rho: &[CMat<D>]) -> Vec<f64> {
    rho.iter()
        .map(|r| {
            let t: f64 = (0..D).map(|i| r[(i, i)].re).sum();
            if t > 0.0 {
                t
            } else {
                1.0
            }
        })
        .collect()
}

/// What the restarted chunks of a solve share: the problem, the options and scales, the step
/// counts so far, the first failure of H, and the last step size.
struct Chunks<'a, 'm, const D: usize> {
    problem: &'a CollectiveProblem<'m, D>,
    options: &'a ReferenceOptions,
    scale: &'a [f64],
    stats: CollectiveStats,
    error: RefCell<Option<CollectiveError>>,
    h_last: f64,
}

impl<const D: usize> Chunks<'_, '_, D> {
    /// One chunk of at most [`CHUNK_STEPS`] steps from local position `t` of a segment of
    /// `length` starting at `state.r_km`: updates `state.rho`, returns the new `t` (None when
    /// the solver stored no step, which ends the segment as it is).
    fn chunk(
        &mut self,
        state: &mut CollectiveState<D>,
        t: f64,
        length: f64,
    ) -> Result<Option<f64>, CollectiveError> {
        let options = self.options;
        let used = self.stats.accepted + self.stats.rejected;
        if used >= options.max_steps {
            return Err(CollectiveError::TooManySteps {
                r_km: state.r_km + t,
                steps: options.max_steps,
            });
        }
        let system = Stacked::<D> {
            problem: self.problem,
            r0: state.r_km,
            scale: self.scale,
            scratch: RefCell::new((state.rho.clone(), state.rho.clone())),
            error: &self.error,
            steps: 0,
        };
        let y0 = pack(&state.rho, self.scale, t);
        let n_max = (options.max_steps - used).min(u32::MAX as u64) as u32;
        let (rtol, atol, h_last) = (options.rtol, options.atol, self.h_last);
        let mut solver = Dop853::from_param(
            system,
            t,
            length,
            length,
            y0,
            rtol,
            atol,
            CONTROLLER.safety,
            CONTROLLER.beta,
            CONTROLLER.fac_min,
            CONTROLLER.fac_max,
            length,
            h_last,
            n_max,
            u32::MAX,
            OutputType::Sparse,
        );
        let result = solver.integrate();
        if let Some(e) = self.error.borrow_mut().take() {
            return Err(e);
        }
        count(result, &mut self.stats, options.max_steps, state.r_km, t)?;
        let xs = solver.x_out();
        let ys = solver.y_out();
        let (Some(&x_end), Some(y_end)) = (xs.last(), ys.last()) else {
            return Ok(None);
        };
        if xs.len() >= 2 {
            self.h_last = x_end - xs[xs.len() - 2];
        }
        let mut t = y_end[y_end.len() - 1].max(x_end);
        unpack(y_end, self.scale, &mut state.rho);
        if t >= length * (1.0 - 1e-14) {
            t = length;
        }
        Ok(Some(t))
    }
}

/// Adds a chunk's step counts to `stats`, or turns its failure into ours (the segment starts
/// at `r0_km`, the chunk at local position `t`; the solver reports local positions).
fn count(
    result: Result<ode_solvers::dop_shared::Stats, IntegrationError>,
    stats: &mut CollectiveStats,
    max_steps: u64,
    r0_km: f64,
    t: f64,
) -> Result<(), CollectiveError> {
    match result {
        Ok(st) => {
            stats.h_evaluations += st.num_eval as u64;
            stats.accepted += st.accepted_steps as u64;
            stats.rejected += st.rejected_steps as u64;
            Ok(())
        }
        Err(IntegrationError::StepSizeUnderflow { x }) => {
            Err(CollectiveError::StepUnderflow { r_km: r0_km + x })
        }
        Err(_) => Err(CollectiveError::TooManySteps {
            r_km: r0_km + t,
            steps: max_steps,
        }),
    }
}
