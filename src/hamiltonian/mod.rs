//! The spin-flavour Hamiltonian H(E, x) of docs/physics.md ("Matter as an effective 4-potential",
//! "The Hamiltonian"), in km⁻¹.
//!
//! - [`dual`]: dual numbers for exact x-derivatives of the potential.
//! - [`mod@potential`]: the effective 4-potential reduced to the nine real scalars H is linear in.
//! - [`assemble`]: [`Model`] (basis, mixing, moments) and [`EnergyHamiltonian`], which
//!   precomputes, for one energy, H = H₀ + Σ_k s_k G_k with constant Hermitian G_k; evaluating
//!   H at a point is then 9 scaled additions of fixed-size matrices, and H′ = Σ_k s_k′ G_k.
//!   It is the only place that branches on Dirac / Majorana / antineutrino.
//! - [`path`]: [`PathHamiltonian`], H along a path at fixed energy: the seam between physics
//!   and integrators.

pub mod assemble;
pub mod dual;
pub mod nsi;
pub mod path;
pub mod potential;

pub use assemble::{CMat, EnergyHamiltonian, Model};
pub use nsi::Nsi;
pub use path::{MediumHamiltonian, PathHamiltonian};
pub use potential::{potential, Potential, N_SCALARS};
