//! Collective (neutrino–neutrino) spin-flavour evolution in the single-angle bulb model
//! (docs/collective.md): every energy bin's density matrix evolves in a Hamiltonian that depends on
//! all of them, so all bins form one coupled nonlinear state.
//!
//! - [`emission`]: spectra, the self-interaction strength μ₀ of each species, energy bins and
//!   their weights, the bulb factor D(r/R_ν).
//! - [`system`]: [`CollectiveProblem`] — the per-bin single-particle Hamiltonians (the crate's
//!   [`crate::hamiltonian::EnergyHamiltonian`] on a [`crate::medium::Medium`]) plus the
//!   self-interaction H_νν = g(r) blockdiag(A, −Aᵀ), A = P + Tr(P) 1 (Dirac: active blocks).
//! - [`lie`]: the default integrator, a fourth-order commutator-free Lie-group method
//!   (Celledoni–Marthinsen–Owren CF4) with an embedded Magnus estimate: every ρ is moved by a
//!   unitary, so its spectrum is exact to round-off, and constant diagonal phases cost nothing.
//!   Its per-bin kernels (block-aware exponentials and products) live in `kernels`; the
//!   projection that keeps the vacuum-axis lepton numbers exact lives in `invariants`.
//! - [`afm`]: the adiabatic-frame stepper for two-flavour Majorana problems without a
//!   helicity-flip term (shared Magnus integrals in the frame rotating with P), handing over
//!   to CF4 where the collective rate no longer dominates.
//! - [`projected`]: DOP853 on each system's step propagator, made unitary after every step
//!   (spectra exact, order 8): the stepper for the stretch after the AFM hand-over.
//! - [`mod@reference`]: DOP853 on the stacked real system, the independent reference.
//! - [`observables`]: Tr P, lepton numbers, helicity-flip fraction, channel probabilities.
//! - [`watch`]: [`StepWatch`], what a solve tells its caller before every step (progress,
//!   stop).

pub mod afm;
pub mod emission;
mod invariants;
mod kernels;
pub mod lie;
pub mod observables;
pub mod projected;
mod projection;
pub mod reference;
pub mod system;
pub mod watch;

pub use afm::{afm_applies, solve_afm_then_lie, AfmOptions, AfmStats};
pub use emission::{Emission, EnergyBins, SpeciesEmission, SpectrumShape};
pub use lie::{
    solve_lie, solve_lie_until, CollectiveSolution, CollectiveState, CollectiveStats, LieOptions,
};
pub use projected::{solve_projected_until, ProjectedOptions};
pub use reference::{solve_dop853_collective, solve_dop853_collective_until, ReferenceOptions};
pub use system::{CollectiveProblem, Geometry};
pub use watch::StepWatch;

use crate::medium::MediumError;

/// Why a collective evolution failed.
#[derive(Debug, thiserror::Error)]
pub enum CollectiveError {
    #[error("collective evolution needs D = 2N: got D = {dim} for {flavours} flavours")]
    Dimension { dim: usize, flavours: usize },
    #[error("collective problem: {0}")]
    Input(String),
    #[error("medium at r = {r_km} km: {source}")]
    Medium {
        r_km: f64,
        #[source]
        source: MediumError,
    },
    #[error("the Hamiltonian is not finite at r = {r_km} km")]
    NonFinite { r_km: f64 },
    #[error("more than {steps} steps before r = {r_km} km")]
    TooManySteps { r_km: f64, steps: u64 },
    #[error("step size underflow at r = {r_km} km")]
    StepUnderflow { r_km: f64 },
    #[error("stopped at r = {r_km} km")]
    Stopped { r_km: f64 },
}
