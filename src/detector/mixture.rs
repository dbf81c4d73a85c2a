//! ν–e scattering of an incoherent mixture of states: the decoherent arrival of solar
//! neutrinos at a detector, by day and by night.
//!
//! Between the Sun and the Earth the coherences between the vacuum propagation eigenstates
//! average out ([`crate::observables::arrival`]), so what arrives is ρ = Σ_k p_k |ψ_k⟩⟨ψ_k|
//! with ψ_k the eigenstate k itself by day (column k of W₀) and the same state after the Earth
//! chord by night (column k of S_c W₀). Every ingredient of dσ/dT is linear in ρ:
//!
//! - the flavour weights |ψ_α|² are the arrival probabilities (the 2N final states of
//!   `/observables/arrival_*`), read by [`arrival_composition`] with the basis's rule of
//!   which block scatters as what;
//! - μ_eff² = ‖Λa‖² is a quadratic form of one state's amplitudes
//!   ([`super::effective_moment`]), so the mixture's is Σ_k p_k μ_eff²(ψ_k)
//!   ([`state_moments`], [`mixture_moment`]). The coherences the flight averaged away do not
//!   enter, which is why the arrival's μ_eff² differs from the state's at the solar surface.
//!
//! As in the surface-state folding, μ_eff² is the total over both helicity blocks
//! ([`super::BlockMoments::total_mu_b2`]): a Dirac neutrino's sterile (right-handed)
//! components scatter only magnetically, a Majorana ν̄ component scatters weakly as an
//! antineutrino and magnetically with its own block's coupling.

use num_complex::Complex64;

use super::cross_section::Composition;
use super::effective_moment::effective_moment_sq;
use crate::basis::Basis;
use crate::hamiltonian::{CMat, Model};

/// The total μ_eff² (μ_B², both blocks) of each column of `states` (2N flavour/helicity
/// amplitudes per column, e.g. W₀ or S_c W₀).
pub fn state_moments<const D: usize>(model: &Model, states: &CMat<D>) -> [f64; D] {
    std::array::from_fn(|k| {
        let column: [Complex64; D] = std::array::from_fn(|a| states[(a, k)]);
        // D = 2N by construction, so the length check cannot fail; NaN would show if it did.
        effective_moment_sq(model, &column).map_or(f64::NAN, |m| m.total_mu_b2())
    })
}

/// μ_eff² of the mixture Σ_k p_k |ψ_k⟩⟨ψ_k|: Σ_k p_k μ_eff²(ψ_k).
pub fn mixture_moment(moments: &[f64], populations: &[f64]) -> f64 {
    moments.iter().zip(populations).map(|(m, p)| m * p).sum()
}

/// The weak-interaction flavour weights of an arrival probability vector `p` (2N entries,
/// P(initial → final) over the final states of [`crate::basis`]'s labels), as
/// [`super::composition`] reads a state: Dirac neutrinos' first block scatters as neutrinos
/// (the second is sterile), Dirac antineutrinos' first block as antineutrinos (the second is
/// sterile), Majorana's first block as neutrinos and its second as antineutrinos.
pub fn arrival_composition(p: &[f64], basis: Basis) -> Composition {
    let half = p.len() / 2;
    let n = half.min(3);
    let mut c = Composition::default();
    match basis {
        Basis::DiracNeutrino => c.neutrino[..n].copy_from_slice(&p[..n]),
        Basis::DiracAntineutrino => c.antineutrino[..n].copy_from_slice(&p[..n]),
        Basis::Majorana => {
            c.neutrino[..n].copy_from_slice(&p[..n]);
            c.antineutrino[..n].copy_from_slice(&p[half..half + n]);
        }
    }
    c
}

#[cfg(test)]
#[path = "mixture_tests.rs"]
mod tests;
