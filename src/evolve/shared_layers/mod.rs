//! Exact propagation through piecewise-constant media, sharing work across chords.
//!
//! A run through layered matter (Earth shells, a constant slab) meets the same few layer
//! Hamiltonians again and again: every chord of a zenith grid crosses the same shells. So:
//!
//! - [`LayerSet`] collects the distinct layers (equal
//!   [`MediumPoint`](crate::medium::MediumPoint)s) of any number of chords and turns each
//!   chord into (length, layer) segments;
//! - [`LayerHamiltonians`] gives every layer's H at any energy as A + B/E (two assemblies of
//!   the model in all);
//! - [`LayerEigens`] holds, for one energy, one eigendecomposition H = W diag(λ) W† per
//!   distinct layer, computed once and reused by every chord, and the overlaps W_b† W_a of
//!   layers that meet;
//! - [`LayerEigens::propagate`] applies exp(−iHL) = W (e^{−iλL} ∘ (W† ψ)) segment by segment
//!   to a state vector, carrying ψ in the current layer's eigenbasis, so a segment costs its
//!   phases and one overlap product. When the Hamiltonian has no helicity-flip entries (no
//!   moments, or no field), its two N×N helicity blocks are decomposed (3×3 and 2×2 blocks in
//!   closed form, [`crate::linalg::eigen3`]) and propagated separately, and a block where ψ is
//!   zero is skipped (it stays zero).
//!
//! The result is unitary by construction (a product of exact exponentials of Hermitian
//! matrices with orthonormal W), so no unitarity check is made.
//!
//! Files: `layer_set.rs` (chords and their distinct layers), `hamiltonians.rs` (H = A + B/E
//! per layer), `eigens.rs` (one energy's eigensystems and overlaps), `propagate.rs` (walking
//! a chord with one vector or many columns), `real_frame.rs` (the frame in which every 3×3
//! layer block is real, so that many columns cross layers with real overlaps).

use nalgebra::SVector;
use num_complex::Complex64;

mod eigens;
mod hamiltonians;
mod layer_set;
mod propagate;
mod real_frame;

pub use eigens::LayerEigens;
pub use hamiltonians::LayerHamiltonians;
pub use layer_set::{Chord, LayerSet};

/// A state vector of the 2N-state system.
pub type CVec<const D: usize> = SVector<Complex64, D>;

/// A link between two segments of the same layer: nothing to change.
const NO_LINK: u32 = u32::MAX;
