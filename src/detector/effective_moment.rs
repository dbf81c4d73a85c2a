//! The effective magnetic moment seen in ν–e scattering by an evolved state, and its flavour
//! composition.
//!
//! Magnetic scattering flips helicity, so the final neutrino is a mass state ν_j of the
//! opposite helicity; final states j are distinguishable and add incoherently, while the
//! initial mass components k add coherently (Giunti & Studenikin, RMP 87 (2015) 531,
//! sec. IV.D on the effective moment in scattering; Beacom & Vogel, PRL 83 (1999) 5222):
//!
//! μ_eff² = Σ_j |Σ_k a_k Λ_jk|² = ‖Λ a‖²,
//!
//! with a the mass-basis amplitudes of one block and Λ the coupling of that block's mass state
//! k to the final mass state j, read off the helicity-flip block of docs/physics.md ("The
//! Hamiltonian") in the mass basis so that the convention is the one the evolution uses
//! (λ = μ − iε, μ_B):
//!
//! | basis | block | a (from flavour ψ) | Λ |
//! | --- | --- | --- | --- |
//! | Dirac ν | A (ν_L) | U†ψ | λ (H_BA = U μ_B λ B_c U†) |
//! | Dirac ν | B (ν_R) | U†ψ | λ† |
//! | Dirac ν̄ | A (ν̄_R) | Uᵀψ | λ* (H_BA ∝ μ̄†, μ̄ = −λ_fᵀ; sign dropped) |
//! | Dirac ν̄ | B (ν̄_L) | Uᵀψ | λᵀ |
//! | Majorana | A (ν) | U†ψ | λ (H_BA = U* μ_B λ B_c U†) |
//! | Majorana | B (ν̄) | Uᵀψ | λ† = −λ* (λ antisymmetric) |
//!
//! The antineutrino rows reproduce Giunti & Studenikin's rule that ν̄ scattering uses U* and
//! μ* in place of U and μ. The mass-basis amplitudes follow docs/physics.md ("Mixing and masses"):
//! ψ_α = Σ_i U_αi ψ_i for neutrinos, ψ̄_α = Σ_i U*_αi ψ̄_i for antineutrinos (Majorana block B
//! holds ν̄).
//!
//! The active block is what a detector's weak signal comes from and is the μ_eff of the
//! literature; block B is returned separately (for Dirac it is the sterile helicity, which
//! scatters only magnetically; for Majorana it is the active ν̄). Their sum is the total
//! magnetic rate factor.

use num_complex::Complex64;

use super::cross_section::{Composition, Interaction};
use super::DetectorError;
use crate::basis::Basis;
use crate::hamiltonian::Model;
use crate::mixing::FlavourMatrix;
use nalgebra::Vector3;

/// μ_eff² (in μ_B²) of the two blocks of a state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BlockMoments {
    /// From the active block A: the μ_eff² of the literature.
    pub block_a_mu_b2: f64,
    /// From block B (Dirac: sterile helicity; Majorana: antineutrinos).
    pub block_b_mu_b2: f64,
}

impl BlockMoments {
    /// Sum over both blocks: the factor that multiplies the magnetic dσ/dT per unit flux.
    pub fn total_mu_b2(&self) -> f64 {
        self.block_a_mu_b2 + self.block_b_mu_b2
    }
}

fn check_len(model: &Model, amplitudes: &[Complex64]) -> Result<usize, DetectorError> {
    let n = model.flavours().count();
    if amplitudes.len() != 2 * n {
        return Err(DetectorError::AmplitudeLength {
            expected: 2 * n,
            flavours: n,
            got: amplitudes.len(),
        });
    }
    Ok(n)
}

fn block(amplitudes: &[Complex64], n: usize, offset: usize) -> Vector3<Complex64> {
    let mut v = Vector3::zeros();
    for i in 0..n {
        v[i] = amplitudes[offset + i];
    }
    v
}

/// Whether a block holds antiparticles (amplitudes rotate with Uᵀ rather than U†).
fn is_antiparticle_block(basis: Basis, block_b: bool) -> bool {
    match basis {
        Basis::DiracNeutrino => false,
        Basis::DiracAntineutrino => true,
        Basis::Majorana => block_b,
    }
}

/// The coupling Λ of the module table for one block.
fn coupling(basis: Basis, lambda: &FlavourMatrix, block_b: bool) -> FlavourMatrix {
    match (basis, block_b) {
        (Basis::DiracNeutrino, false) | (Basis::Majorana, false) => *lambda,
        (Basis::DiracNeutrino, true) | (Basis::Majorana, true) => lambda.adjoint(),
        (Basis::DiracAntineutrino, false) => lambda.conjugate(),
        (Basis::DiracAntineutrino, true) => lambda.transpose(),
    }
}

/// Mass-basis amplitudes of one block: U†ψ (neutrinos) or Uᵀψ (antineutrinos).
pub fn mass_amplitudes(
    model: &Model,
    psi: &Vector3<Complex64>,
    block_b: bool,
) -> Vector3<Complex64> {
    let u = model.mixing.pmns();
    if is_antiparticle_block(model.basis, block_b) {
        u.transpose() * psi
    } else {
        u.adjoint() * psi
    }
}

/// μ_eff² in μ_B² of a state given as 2N flavour/helicity amplitudes in the basis order of
/// docs/physics.md ("Basis") (a column of the propagator S for one initial state).
pub fn effective_moment_sq(
    model: &Model,
    amplitudes: &[Complex64],
) -> Result<BlockMoments, DetectorError> {
    let n = check_len(model, amplitudes)?;
    let lambda = model.moments.lambda();
    let one = |block_b: bool| {
        let psi = block(amplitudes, n, if block_b { n } else { 0 });
        let a = mass_amplitudes(model, &psi, block_b);
        (coupling(model.basis, &lambda, block_b) * a).norm_squared()
    };
    Ok(BlockMoments {
        block_a_mu_b2: one(false),
        block_b_mu_b2: one(true),
    })
}

/// The flavour composition of a state at the detector: |ψ_α|² of the active neutrinos and
/// antineutrinos (docs/physics.md, "Basis"). Dirac sterile components do not scatter weakly and are
/// not counted; the weights need not sum to 1.
pub fn composition(model: &Model, amplitudes: &[Complex64]) -> Result<Composition, DetectorError> {
    let n = check_len(model, amplitudes)?;
    let mut c = Composition::default();
    for i in 0..n {
        let a = amplitudes[i].norm_sqr();
        let b = amplitudes[n + i].norm_sqr();
        match model.basis {
            Basis::DiracNeutrino => c.neutrino[i] = a,
            Basis::DiracAntineutrino => c.antineutrino[i] = a,
            Basis::Majorana => {
                c.neutrino[i] = a;
                c.antineutrino[i] = b;
            }
        }
    }
    Ok(c)
}

/// The [`Interaction`] of an evolved state: its flavour composition and the μ_eff² of both
/// blocks ([`BlockMoments::total_mu_b2`]); millicharge and charge radii are left at zero for
/// the caller to set. This is the per-energy input of [`super::spectrum::fold_recoil_spectrum`].
pub fn interaction_from_state(
    model: &Model,
    amplitudes: &[Complex64],
) -> Result<Interaction, DetectorError> {
    Ok(Interaction {
        composition: composition(model, amplitudes)?,
        mu_eff_sq_mu_b2: effective_moment_sq(model, amplitudes)?.total_mu_b2(),
        ..Default::default()
    })
}

#[cfg(test)]
#[path = "effective_moment_tests.rs"]
mod tests;
