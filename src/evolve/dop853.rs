//! The `dop853` method: ode_solvers' DOP853 on the real-split Schrödinger equation for the
//! whole propagator (2D² reals), integrated segment by segment between stops — the
//! independent reference (its global error on long tracks is ≈ 3e4 × rtol, docs/integrators.md
//! ("Why this method")).
//!
//! ode_solvers 0.6.2's DOP853 tableau has c₁₂ = 0 instead of 1, so on a non-autonomous
//! problem its 12th stage sees H at the wrong x and the method drops to about second order
//! (measured: steps ∝ rtol^−½). The position is therefore carried as one more state component
//! τ with dτ/dt = 1, which every stage integrates exactly: the system is autonomous and
//! DOP853 is eighth order again. Each segment runs in the local coordinate τ = x − x_start.
//! ode_solvers stores every step (its dense output of 0.6.2 returned non-unitary garbage here), so
//! a segment is integrated in chunks of at most 20 000 steps, each restarted from the last one's
//! end with its last step size: memory stays bounded whatever the number of steps.

use std::cell::RefCell;

use nalgebra::SVector;
use num_complex::Complex64;
use ode_solvers::dop853::Dop853;
use ode_solvers::dop_shared::{IntegrationError, OutputType};
use ode_solvers::System;

use super::options::{EvolveError, Record, SolverOptions};
use super::track::{stops, Recorder};
use super::Solution;
use crate::hamiltonian::{CMat, PathHamiltonian};
use crate::medium::Side;

type C = Complex64;

/// The step-size controller of every DOP853 run, the propagator's here and the collective
/// reference's (`crate::collective::reference`), in the order `Dop853::from_param` takes it:
/// ode_solvers' (and Hairer's) defaults, with which both were measured. A safety factor of
/// 0.9 on the predicted step, no PI stabilisation (β = 0), and each new step between 0.333
/// and 6 times the last.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Controller {
    pub safety: f64,
    pub beta: f64,
    pub fac_min: f64,
    pub fac_max: f64,
}

/// See [`Controller`].
pub(crate) const CONTROLLER: Controller = Controller {
    safety: 0.9,
    beta: 0.0,
    fac_min: 0.333,
    fac_max: 6.0,
};

/// dS/dx = −iHS, with S stored column-major as (Re, Im) pairs in the first 2D² entries of an
/// N = 2D² + 1 vector whose last entry is the local position τ.
struct Schrodinger<'a, const D: usize, const N: usize, H: PathHamiltonian<D> + ?Sized> {
    h: &'a H,
    x0: f64,
    length: f64,
    /// The first failure of H; the integration stops at the next accepted step.
    error: &'a RefCell<Option<EvolveError>>,
    /// Accepted steps in this chunk.
    steps: u64,
}

/// Steps per restarted chunk (bounds the memory ode_solvers uses for its stored output).
const CHUNK_STEPS: u64 = 20_000;

fn unpack<const D: usize, const N: usize>(y: &SVector<f64, N>) -> CMat<D> {
    CMat::<D>::from_fn(|r, c| {
        let k = 2 * (c * D + r);
        C::new(y[k], y[k + 1])
    })
}

fn pack<const D: usize, const N: usize>(s: &CMat<D>) -> SVector<f64, N> {
    let mut y = SVector::<f64, N>::zeros();
    for c in 0..D {
        for r in 0..D {
            let k = 2 * (c * D + r);
            y[k] = s[(r, c)].re;
            y[k + 1] = s[(r, c)].im;
        }
    }
    y
}

impl<const D: usize, const N: usize, H: PathHamiltonian<D> + ?Sized> System<f64, SVector<f64, N>>
    for Schrodinger<'_, D, N, H>
{
    fn system(&self, _t: f64, y: &SVector<f64, N>, dy: &mut SVector<f64, N>) {
        // The position from the state (see the module docs); one-sided at the segment's
        // ends, where breakpoints may sit.
        let t = y[N - 1].clamp(0.0, self.length);
        let (x, side) = if t >= self.length * (1.0 - 4.0 * f64::EPSILON) {
            (self.x0 + self.length, Side::Left)
        } else {
            (self.x0 + t, Side::Right)
        };
        let hm = match self.h.h(x, side) {
            Ok(m) if m.iter().all(|z| z.re.is_finite() && z.im.is_finite()) => m,
            Ok(_) => {
                self.error
                    .borrow_mut()
                    .get_or_insert(EvolveError::NonFinite { x_km: x });
                dy.fill(0.0);
                return;
            }
            Err(e) => {
                self.error
                    .borrow_mut()
                    .get_or_insert(EvolveError::Medium(e));
                dy.fill(0.0);
                return;
            }
        };
        let s = unpack::<D, N>(y);
        *dy = pack::<D, N>(&(hm * s * C::new(0.0, -1.0)));
        dy[N - 1] = 1.0;
    }

    fn solout(&mut self, t: f64, _y: &SVector<f64, N>, _dy: &SVector<f64, N>) -> bool {
        self.steps += 1;
        if super::cancel::requested() {
            *self.error.borrow_mut() = Some(EvolveError::Interrupted { x_km: self.x0 + t });
        }
        self.error.borrow().is_some() || self.steps >= CHUNK_STEPS
    }
}

/// Integrates with DOP853; see [`super::solve`]. D must be 2, 4 or 6.
pub fn solve_dop853<const D: usize, H: PathHamiltonian<D> + ?Sized>(
    h: &H,
    start_km: f64,
    end_km: f64,
    record: &Record,
    options: &SolverOptions,
) -> Result<Solution<D>, EvolveError> {
    match D {
        2 => run::<D, 9, H>(h, start_km, end_km, record, options),
        4 => run::<D, 33, H>(h, start_km, end_km, record, options),
        6 => run::<D, 73, H>(h, start_km, end_km, record, options),
        dim => Err(EvolveError::UnsupportedDimension { dim }),
    }
}

fn run<const D: usize, const N: usize, H: PathHamiltonian<D> + ?Sized>(
    h: &H,
    start_km: f64,
    end_km: f64,
    record: &Record,
    options: &SolverOptions,
) -> Result<Solution<D>, EvolveError> {
    debug_assert_eq!(N, 2 * D * D + 1);
    check_tolerances(options)?;
    // The reference ends its steps on kinks too: a Runge–Kutta step across a jump in H′ loses
    // its order.
    let mut edges: Vec<f64> = h.breakpoints().iter().chain(h.kinks()).copied().collect();
    edges.sort_by(f64::total_cmp);
    let stop_list = stops(start_km, end_km, &edges, record)?;
    let mut recorder = Recorder::new(start_km, record);
    let mut s = CMat::<D>::identity();
    let mut x = start_km;
    let mut stats = super::Stats::default();
    let error = RefCell::new(None);
    for stop in &stop_list {
        let segment = Segment::<D, N, H> {
            h,
            x0: x,
            length: stop.x_km - x,
            options,
            error: &error,
        };
        segment.integrate(&mut s, &mut stats)?;
        x = stop.x_km;
        recorder.after_step(x, &s, Some(stop));
    }
    Ok(recorder.finish(record, &s, stats))
}

/// DOP853's tolerances must be positive (it divides by them).
fn check_tolerances(options: &SolverOptions) -> Result<(), EvolveError> {
    if !(options.rtol > 0.0 && options.atol > 0.0) {
        return Err(EvolveError::InvalidOptions {
            message: format!(
                "dop853 needs rtol > 0 and atol > 0, got {} and {}",
                options.rtol, options.atol
            ),
        });
    }
    Ok(())
}

/// One segment between stops, from `x0` over `length`, integrated in restarted chunks (each a
/// fresh ode_solvers solver, so its stored output stays bounded).
struct Segment<'a, const D: usize, const N: usize, H: PathHamiltonian<D> + ?Sized> {
    h: &'a H,
    x0: f64,
    length: f64,
    options: &'a SolverOptions,
    /// The first failure of H, shared with the chunks' systems.
    error: &'a RefCell<Option<EvolveError>>,
}

impl<const D: usize, const N: usize, H: PathHamiltonian<D> + ?Sized> Segment<'_, D, N, H> {
    /// Takes `s` from the segment's start to its end, counting the steps into `stats`.
    fn integrate(&self, s: &mut CMat<D>, stats: &mut super::Stats) -> Result<(), EvolveError> {
        let options = self.options;
        let mut t = 0.0;
        // Each chunk starts with the last accepted step size of the one before.
        let mut h_last = 0.0;
        while t < self.length {
            let used = stats.accepted + stats.rejected;
            if used >= options.max_steps {
                return Err(EvolveError::TooManySteps {
                    x_km: self.x0 + t,
                    steps: options.max_steps,
                });
            }
            let n_max = (options.max_steps - used).min(u32::MAX as u64) as u32;
            t = self.chunk(t, n_max, s, &mut h_last, stats)?;
        }
        Ok(())
    }

    /// One chunk of at most [`CHUNK_STEPS`] (and `n_max`) steps from local position `t` with
    /// `s` there: updates `s`, `h_last` and `stats`, returns where the chunk ended.
    fn chunk(
        &self,
        t: f64,
        n_max: u32,
        s: &mut CMat<D>,
        h_last: &mut f64,
        stats: &mut super::Stats,
    ) -> Result<f64, EvolveError> {
        let (length, options) = (self.length, self.options);
        let system = Schrodinger::<D, N, H> {
            h: self.h,
            x0: self.x0,
            length,
            error: self.error,
            steps: 0,
        };
        let mut y0 = pack::<D, N>(s);
        y0[N - 1] = t;
        let (rtol, atol) = (options.rtol, options.atol);
        let step_max = options.max_step_km.min(length);
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
            step_max,
            *h_last,
            n_max,
            u32::MAX,
            OutputType::Sparse,
        );
        let result = solver.integrate();
        if let Some(e) = self.error.borrow_mut().take() {
            return Err(e);
        }
        self.count(result, stats)?;
        let (xs, ys) = (solver.x_out(), solver.y_out());
        let (Some(&t_end), Some(y_end)) = (xs.last(), ys.last()) else {
            return Err(EvolveError::StepUnderflow {
                x_km: self.x0 + t,
                step_km: 0.0,
            });
        };
        if xs.len() >= 2 {
            *h_last = t_end - xs[xs.len() - 2];
        }
        *s = unpack::<D, N>(y_end);
        // ode_solvers lands on x_end up to rounding; the segment ends exactly on the stop.
        Ok(if length - t_end <= 1e-12 * length {
            length
        } else {
            t_end
        })
    }

    /// Adds a chunk's step counts to `stats`, or turns its failure into ours.
    fn count(
        &self,
        result: Result<ode_solvers::dop_shared::Stats, IntegrationError>,
        stats: &mut super::Stats,
    ) -> Result<(), EvolveError> {
        match result {
            Ok(st) => {
                stats.h_evaluations += st.num_eval as u64;
                stats.accepted += st.accepted_steps as u64;
                stats.rejected += st.rejected_steps as u64;
                Ok(())
            }
            Err(IntegrationError::MaxNumStepReached { x: tt, .. }) => {
                Err(EvolveError::TooManySteps {
                    x_km: self.x0 + tt,
                    steps: self.options.max_steps,
                })
            }
            Err(IntegrationError::StepSizeUnderflow { x: tt })
            | Err(IntegrationError::StiffnessDetected { x: tt }) => {
                Err(EvolveError::StepUnderflow {
                    x_km: self.x0 + tt,
                    step_km: 0.0,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linalg::exp_minus_i_h_t;

    struct Const4(CMat<4>);
    impl PathHamiltonian<4> for Const4 {
        fn h(&self, _x: f64, _s: Side) -> Result<CMat<4>, crate::medium::MediumError> {
            Ok(self.0)
        }
        fn h_and_slope(
            &self,
            _x: f64,
            _s: Side,
        ) -> Result<(CMat<4>, CMat<4>), crate::medium::MediumError> {
            Ok((self.0, CMat::<4>::zeros()))
        }
        fn breakpoints(&self) -> &[f64] {
            &[]
        }
        fn coupling_pattern(&self) -> [[bool; 4]; 4] {
            [[true; 4]; 4]
        }
    }

    #[test]
    fn constant_h_matches_the_exponential() {
        let m = CMat::<4>::from_fn(|a, b| C::new((a + b) as f64 * 0.3, a as f64 - b as f64));
        let hm = (m + m.adjoint()) * C::new(0.5, 0.0);
        let opts = SolverOptions {
            method: super::super::Method::Dop853,
            rtol: 1e-10,
            atol: 1e-10,
            ..Default::default()
        };
        // The tolerance is a stopping rule, not a guarantee: the global error stays within a
        // modest multiple of rtol and shrinks as rtol does, down to round-off.
        let mut errors = Vec::new();
        for rtol in [1e-6, 1e-8, 1e-10, 1e-12] {
            let o = SolverOptions {
                rtol,
                atol: rtol,
                ..opts
            };
            let sol = solve_dop853(&Const4(hm), 2.0, 7.0, &Record::End, &o).unwrap();
            let exact = exp_minus_i_h_t(&hm, 5.0);
            let err = (sol.propagators[0] - exact).norm();
            assert!(
                err <= 100.0 * rtol.max(1e-12),
                "rtol {rtol:e}: error {err:e}, {:?}",
                sol.stats
            );
            errors.push(err);
        }
        assert!(errors[0] > errors[2], "no convergence: {errors:?}");
        let sol = solve_dop853(&Const4(hm), 2.0, 7.0, &Record::End, &opts).unwrap();
        let exact = exp_minus_i_h_t(&hm, 5.0);
        assert!(
            (sol.propagators[0] - exact).norm() < 1e-8,
            "{:?} {}",
            sol.stats,
            (sol.propagators[0] - exact).norm()
        );
    }
}
