//! Evolution of the 2N×2N propagator S(x), i dS/dx = H S, S(x₀) = 1 (physics.md §7).
//!
//! - [`constant`]: the exact propagator exp(−iHL) of a constant medium.
//! - [`probabilities`] and [`unitarity_error`]: the observables of a propagator.

pub mod constant;

pub use crate::linalg::unitarity_error;
pub use constant::{propagate_constant, propagator_constant};

use crate::hamiltonian::CMat;

/// P(a → b) = |S_ba|², indexed `[a][b]` (initial a, final b): S acts on column vectors of
/// initial states (physics.md §10).
pub fn probabilities<const D: usize>(s: &CMat<D>) -> [[f64; D]; D] {
    std::array::from_fn(|a| std::array::from_fn(|b| s[(b, a)].norm_sqr()))
}
