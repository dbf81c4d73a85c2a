//! What a detector sees: the effective magnetic moment of an evolved state, ν–e elastic
//! scattering cross sections, electron-recoil spectra folded over a neutrino flux, and the
//! Standard-Model moment predictions with the experimental bounds to compare them with.
//!
//! - [`effective_moment`]: μ_eff² = Σ_j |Σ_k A_k λ_jk|² from a 2N amplitude vector (Giunti &
//!   Studenikin, RMP 87 (2015) 531; Beacom & Vogel, PRL 83 (1999) 5222), and the flavour
//!   composition that weights the weak cross sections.
//! - [`cross_section`]: dσ/dT for ν–e and ν̄–e scattering: weak (g_V, g_A, charge radius),
//!   magnetic and millicharge parts; totals; the kinematic limits.
//! - [`flux`] (re-exported from [`crate::flux`]): tabulated neutrino spectra (the shipped ⁸B
//!   table or a user CSV).
//! - [`spectrum`]: dN/dT folded over a flux on a recoil grid.
//! - [`sm_moments`]: minimally extended SM Dirac and Majorana moments, radiative decay rates.
//! - [`bounds`]: published experimental and astrophysical upper limits, with citations.
//! - [`day_night`]: recoil spectra of a decoherent (day or night) arrival, detector response
//!   (resolution, threshold in kinetic or total energy), window rates and A_DN.
//! - [`deuteron`]: ν_e CC on deuterium (Nakamura et al. tables): σ_CC, dσ/dT, folded CC
//!   electron spectra.
//! - [`deuteron_nc`]: NC on deuterium (ν and ν̄ tables): the rate of the active part of a beam.
//! - [`mixture`]: flavour weights and μ_eff² of an incoherent mixture of states (the
//!   decoherent arrival, day or night).
//! - [`state`]: the interaction of an evolved state with a detector, and a beam tabulated over
//!   energy for folding.
//!
//! Nothing here knows about scenarios, runs or HDF5: these are plain functions of energies,
//! amplitudes and model parameters, for the run layer (`run::datasets::detector` shapes them
//! into `/detector/...` datasets) or a user to call. Energies are in
//! MeV, cross sections in cm² (dσ/dT in cm²/MeV), moments in μ_B, charges in units of e.

pub mod bounds;
pub mod cross_section;
pub mod day_night;
pub mod deuteron;
pub mod deuteron_nc;
pub mod effective_moment;
pub mod mixture;
pub mod sm_moments;
pub mod spectrum;
pub mod state;

/// Flux tables live below the physics modules ([`crate::flux`]), so scenario validation can
/// read them without importing the detector.
pub use crate::flux::{self, FluxTable};
pub use cross_section::{Composition, Interaction};
pub use effective_moment::{
    composition, effective_moment_sq, interaction_from_state, BlockMoments,
};
pub use spectrum::fold_recoil_spectrum;

/// An invalid input to the detector functions; the message names the argument.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DetectorError {
    #[error("amplitudes: expected {expected} entries (2N for N = {flavours} flavours), got {got}")]
    AmplitudeLength {
        expected: usize,
        flavours: usize,
        got: usize,
    },
    #[error("{name} must be finite and >= 0, got {value}")]
    Invalid { name: &'static str, value: f64 },
}
