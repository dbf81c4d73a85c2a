//! The `dop853` method: ode_solvers' DOP853 on the real-split Schrödinger equation for the
//! whole propagator (2D² reals), integrated segment by segment between stops — the
//! independent reference (its global error on long tracks is ≈ 3e4 × rtol, integrators.md §1).
//!
//! Each segment runs in the local coordinate t = x − x_start ≥ 0 (ode_solvers' dense output
//! compares |x|), with dense output of step L, so only the segment's ends are stored.

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

/// dS/dx = −iHS, with S stored column-major as (Re, Im) pairs in an N = 2D² vector.
struct Schrodinger<'a, const D: usize, const N: usize, H: PathHamiltonian<D> + ?Sized> {
    h: &'a H,
    x0: f64,
    length: f64,
    /// The first failure of H; the integration stops at the next accepted step.
    error: &'a RefCell<Option<EvolveError>>,
}

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
    fn system(&self, t: f64, y: &SVector<f64, N>, dy: &mut SVector<f64, N>) {
        // One-sided at the segment's ends, where breakpoints may sit.
        let (x, side) = if t >= self.length {
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
    }

    fn solout(&mut self, _t: f64, _y: &SVector<f64, N>, _dy: &SVector<f64, N>) -> bool {
        self.error.borrow().is_some()
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
        2 => run::<D, 8, H>(h, start_km, end_km, record, options),
        4 => run::<D, 32, H>(h, start_km, end_km, record, options),
        6 => run::<D, 72, H>(h, start_km, end_km, record, options),
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
    debug_assert_eq!(N, 2 * D * D);
    if !(options.rtol > 0.0 && options.atol > 0.0) {
        return Err(EvolveError::InvalidOptions {
            message: format!(
                "dop853 needs rtol > 0 and atol > 0, got {} and {}",
                options.rtol, options.atol
            ),
        });
    }
    let stop_list = stops(start_km, end_km, h.breakpoints(), record)?;
    let mut recorder = Recorder::new(start_km, record);
    let mut s = CMat::<D>::identity();
    let mut x = start_km;
    let mut stats = super::Stats::default();
    let error = RefCell::new(None);
    for stop in &stop_list {
        let length = stop.x_km - x;
        let used = stats.accepted + stats.rejected;
        let n_max = options.max_steps.saturating_sub(used).min(u32::MAX as u64) as u32;
        let system = Schrodinger::<D, N, H> {
            h,
            x0: x,
            length,
            error: &error,
        };
        let mut solver = Dop853::from_param(
            system,
            0.0,
            length,
            length,
            pack::<D, N>(&s),
            options.rtol,
            options.atol,
            0.9,
            0.0,
            0.333,
            6.0,
            options.max_step_km.min(length),
            0.0,
            n_max,
            u32::MAX,
            OutputType::Dense,
        );
        let result = solver.integrate();
        if let Some(e) = error.borrow_mut().take() {
            return Err(e);
        }
        match result {
            Ok(st) => {
                stats.h_evaluations += st.num_eval as u64;
                stats.accepted += st.accepted_steps as u64;
                stats.rejected += st.rejected_steps as u64;
            }
            Err(IntegrationError::MaxNumStepReached { x: t, .. }) => {
                return Err(EvolveError::TooManySteps {
                    x_km: x + t,
                    steps: options.max_steps,
                })
            }
            Err(IntegrationError::StepSizeUnderflow { x: t }) => {
                return Err(EvolveError::StepUnderflow {
                    x_km: x + t,
                    step_km: 0.0,
                })
            }
            Err(IntegrationError::StiffnessDetected { x: t }) => {
                return Err(EvolveError::StepUnderflow {
                    x_km: x + t,
                    step_km: 0.0,
                })
            }
        }
        let y_end = solver.y_out().last().ok_or(EvolveError::StepUnderflow {
            x_km: x,
            step_km: 0.0,
        })?;
        s = unpack::<D, N>(y_end);
        x = stop.x_km;
        recorder.after_step(x, &s, Some(stop));
    }
    Ok(recorder.finish(record, &s, stats))
}
