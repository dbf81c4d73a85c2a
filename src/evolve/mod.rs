//! Evolution of the 2N×2N propagator S(x), i dS/dx = H S, S(x₀) = 1 (docs/physics.md, opening
//! section).
//!
//! - [`solve`]: the entry point; [`Method`] selects the integrator:
//!   - `magnus` (default, [`magnus`], [`adiabatic`], [`frame`], [`cluster`], [`omega2`],
//!     [`divdiff`]):
//!     the adiabatic-frame exponential integrator of docs/integrators.md ("The step", "The step in
//!     formulas"), with the flavour-frame Magnus-6 fallback of [`flavour`]; steps across the kinks
//!     of piecewise-linear tables integrate each smooth piece on its own (`kinked`);
//!     when the two halves of the basis never couple (no moments or fields), each half is
//!     solved as an N×N problem, and a half that cannot vary along the path (free streaming)
//!     in closed form ([`split`]);
//!   - `dop853` ([`dop853`]): ode_solvers' DOP853, the independent reference;
//!   - `layers` ([`layers`]): exact exponentiation on piecewise-constant media.
//! - [`cancel`]: the stop flag (Ctrl-C, SIGTERM) the step loops check.
//! - [`options`]: options, record points, statistics, solution and errors.
//! - [`starts`]: one integration for many start points on one track ([`solve_starts`]).
//! - [`constant`]: the exact propagator exp(−iHL) of a constant medium.
//! - [`shared_layers`]: exact layer propagation of state vectors, one eigendecomposition per
//!   distinct layer and energy shared by every chord.
//! - [`probabilities`] and [`unitarity_error`]: the observables of a propagator.
//!
//! Every method lands exactly on the medium's breakpoints and the record points, evaluates H
//! one-sided there (the right limit at a step's start, the left limit at its end), and keeps
//! memory proportional to what is recorded.

pub mod adiabatic;
pub mod cancel;
pub mod cluster;
pub mod constant;
pub mod divdiff;
pub mod dop853;
mod eval;
pub mod flavour;
pub mod frame;
mod kinked;
pub mod layers;
pub mod magnus;
pub mod omega2;
pub mod options;
pub mod shared_layers;
pub mod split;
pub mod starts;
mod track;

pub use crate::linalg::unitarity_error;
pub use constant::{propagate_constant, propagator_constant};
pub use options::{EvolveError, Method, Record, Solution, SolverOptions, Stats};
pub use starts::{averaged_probabilities, solve_starts, StartsSolution};

use crate::hamiltonian::{CMat, PathHamiltonian};

/// P(a → b) = |S_ba|², indexed `[a][b]` (initial a, final b): S acts on column vectors of
/// initial states (P(a → b) = |S_ba|², docs/physics.md, opening section).
pub fn probabilities<const D: usize>(s: &CMat<D>) -> [[f64; D]; D] {
    std::array::from_fn(|a| std::array::from_fn(|b| s[(b, a)].norm_sqr()))
}

/// The propagator of `h` from `start_km` to `end_km` (S(start) = 1), recorded as `record`
/// asks, with the method and tolerances of `options`.
///
/// ```
/// use nuspin::evolve::{solve, Record, SolverOptions};
/// use nuspin::hamiltonian::MediumHamiltonian;
/// use nuspin::medium::ConstantMedium;
/// use nuspin::prelude::*;
///
/// let mixing = Mixing::from_preset(Preset::Nufit52No, 0.0, &[]).unwrap();
/// let model = Model::new(Basis::DiracNeutrino, mixing, Moments::zero());
/// let rock = ConstantMedium::new(MediumPoint::from_rho_ye(3.0, 0.5)).unwrap();
/// let h = MediumHamiltonian::new(EnergyHamiltonian::<6>::new(&model, 2e9), &rock);
/// let sol = solve(&h, 0.0, 1300.0, &Record::End, &SolverOptions::default()).unwrap();
/// let exact = propagate_constant::<6>(&model, 2000.0, &MediumPoint::from_rho_ye(3.0, 0.5), 1300.0);
/// assert!((sol.propagators[0] - exact).norm() < 1e-9);
/// ```
pub fn solve<const D: usize, H: PathHamiltonian<D> + ?Sized>(
    h: &H,
    start_km: f64,
    end_km: f64,
    record: &Record,
    options: &SolverOptions,
) -> Result<Solution<D>, EvolveError> {
    let rtol_ok = options.rtol > 0.0 && options.rtol.is_finite();
    if !rtol_ok || options.max_step_km.is_nan() || options.max_step_km <= 0.0 {
        return Err(EvolveError::InvalidOptions {
            message: format!(
                "rtol must be finite and > 0 and max_step_km > 0, got rtol = {}, max_step_km = {}",
                options.rtol, options.max_step_km
            ),
        });
    }
    match options.method {
        Method::Magnus => {
            split::solve_magnus_halves::<D, 3, H>(h, start_km, end_km, record, options)
                .or_else(|| {
                    split::solve_magnus_halves::<D, 2, H>(h, start_km, end_km, record, options)
                })
                .unwrap_or_else(|| magnus::solve_magnus(h, start_km, end_km, record, options))
        }
        Method::Dop853 => dop853::solve_dop853(h, start_km, end_km, record, options),
        Method::Layers => layers::solve_layers(h, start_km, end_km, record),
    }
}
