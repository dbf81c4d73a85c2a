//! The integrators' public vocabulary: [`Method`], [`SolverOptions`], [`Record`], [`Stats`],
//! [`Solution`] and [`EvolveError`] (scenario.md `[solver]` and `[track] record`).

use crate::hamiltonian::CMat;
use crate::medium::MediumError;

/// Which integrator `solve` uses (scenario.md `solver.method`; spelt as [`Method::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// The adiabatic-frame exponential integrator of docs/integrators.md ("The step", "The step in
    /// formulas") (default).
    #[default]
    Magnus,
    /// ode_solvers' DOP853 on the real-split equation: the independent reference.
    Dop853,
    /// Exact exponentiation layer by layer, for piecewise-constant media.
    Layers,
}

impl Method {
    /// The scenario spelling (`[solver] method`), also written to the output file.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Magnus => "magnus",
            Method::Dop853 => "dop853",
            Method::Layers => "layers",
        }
    }
}

/// Solver settings (scenario.md `[solver]`).
///
/// For `magnus`, `rtol` is the tolerance of each step's error estimate (docs/integrators.md, "The
/// error estimate and the tolerance"); for `dop853` it is the usual Runge–Kutta relative tolerance,
/// with `atol` the absolute one. `layers` ignores both.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SolverOptions {
    pub method: Method,
    pub rtol: f64,
    pub atol: f64,
    /// Largest step, km (`f64::INFINITY`: no cap).
    pub max_step_km: f64,
    /// Safety cap on the number of step attempts per solve.
    pub max_steps: u64,
}

impl Default for SolverOptions {
    fn default() -> Self {
        SolverOptions {
            method: Method::Magnus,
            rtol: 1e-6,
            atol: 1e-9,
            max_step_km: f64::INFINITY,
            max_steps: 10_000_000,
        }
    }
}

/// Where the propagator is recorded (scenario.md `[track] record`).
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// Only at the end of the track.
    End,
    /// At the start and at the end of every accepted step.
    AllSteps,
    /// At these positions (km), sorted, within [start, end]; steps land on them exactly.
    Points(Vec<f64>),
}

impl Record {
    /// The states of a solution that go into the `[.., nX, ..]` datasets: with `AllSteps`
    /// only the last (the steps have their own groups), otherwise every recorded one.
    pub fn recorded<'a, T>(&self, states: &'a [T]) -> &'a [T] {
        match self {
            Record::AllSteps => &states[states.len().saturating_sub(1)..],
            _ => states,
        }
    }

    /// Number of record positions nX of the `[.., nX, ..]` datasets (the end only for
    /// `AllSteps`).
    pub fn n_recorded(&self) -> usize {
        match self {
            Record::Points(xs) => xs.len(),
            Record::End | Record::AllSteps => 1,
        }
    }
}

/// Work done for one energy.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Stats {
    pub accepted: u64,
    pub rejected: u64,
    /// Evaluations of H (with or without its slope).
    pub h_evaluations: u64,
    /// Steps taken by the fallback integrator (docs/integrators.md, "The error estimate and the
    /// tolerance").
    pub fallback_steps: u64,
    /// Largest max |S†S − 1| over the recorded propagators.
    pub max_unitarity_error: f64,
}

/// The propagator S(x) (S(start) = 1) at the recorded positions.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution<const D: usize> {
    pub x_km: Vec<f64>,
    pub propagators: Vec<CMat<D>>,
    pub stats: Stats,
}

/// Why an integration stopped.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EvolveError {
    #[error(transparent)]
    Medium(#[from] MediumError),
    #[error("the Hamiltonian is not finite (NaN or infinite) at x = {x_km} km")]
    NonFinite { x_km: f64 },
    #[error("the step size underflowed ({step_km:e} km) at x = {x_km} km")]
    StepUnderflow { x_km: f64, step_km: f64 },
    #[error("more than {steps} steps were needed (stopped at x = {x_km} km); raise solver.max_steps or loosen rtol")]
    TooManySteps { x_km: f64, steps: u64 },
    #[error("the integration is stuck near x = {x_km} km: after {attempts} step attempts, the last {window} advanced only {advanced_km:e} km, so the rest of the track would need about {projected:e} attempts (solver.max_steps = {max_steps}); loosen rtol or check the medium")]
    Stagnated {
        x_km: f64,
        attempts: u64,
        window: u64,
        advanced_km: f64,
        projected: f64,
        max_steps: u64,
    },
    #[error("method \"layers\" needs a piecewise-constant medium (constant, a `steps` table, or the Earth's PREM shells); this medium varies continuously: use \"magnus\" or \"dop853\"")]
    NotPiecewiseConstant,
    #[error(
        "the track must have finite start < end, got start = {start_km} km, end = {end_km} km"
    )]
    InvalidTrack { start_km: f64, end_km: f64 },
    #[error("record point {x_km} km is not finite, not sorted, or outside the track [{start_km}, {end_km}] km")]
    InvalidRecordPoint {
        x_km: f64,
        start_km: f64,
        end_km: f64,
    },
    #[error("invalid solver option: {message}")]
    InvalidOptions { message: String },
    /// The run was asked to stop ([`super::cancel`]): not a failure of the physics.
    #[error("interrupted at x = {x_km} km")]
    Interrupted { x_km: f64 },
    #[error("dop853 supports dimensions 2, 4 and 6, got {dim}")]
    UnsupportedDimension { dim: usize },
}
