//! # nuspin — neutrino spin-flavour evolution
//!
//! nuspin computes how neutrinos change flavour *and helicity* through matter and magnetic
//! fields: 2 or 3 flavours × 2 helicities, Dirac or Majorana, neutrinos or antineutrinos,
//! with moving and polarized matter and magnetic/electric dipole moments.
//!
//! ## The pipeline, module by module
//! medium along a path → Hamiltonian at a point → integrator → observables:
//! - [`units`]: constants (ħc, G_F, μ_B, N_A) and conversions at the edges.
//! - [`basis`]: Dirac/Majorana, neutrino/antineutrino, block order, state labels.
//! - [`mixing`]: oscillation parameters, presets, PMNS, absolute masses.
//! - [`moments`]: magnetic/electric moment matrices and λ = μ − iε.
//! - [`medium`]: [`medium::MediumPoint`] and the [`medium::Medium`] trait.
//! - [`hamiltonian`]: the effective potential and H(E, x) in km⁻¹.
//! - [`linalg`]: Hermitian eigensolver and exponentials on fixed-size matrices.
//! - [`evolve`]: propagators (exact for constant media) and probabilities.
//! - [`collective`]: neutrino–neutrino (collective) evolution of all energies of a single-angle
//!   supernova bulb as one coupled state, on the same Hamiltonian and media.
//! - [`observables`]: mass-state populations, decoherent arrival (day/night), resolution averaging.
//! - [`detector`]: effective moment, ν–e cross sections, recoil spectra, SM moments, bounds.
//! - [`flux`], [`quadrature`]: flux tables and quadrature rules shared by the layers above.
//!
//! None of these knows about scenario files or HDF5. Around them:
//! - [`scenario`]: a scenario file parsed and validated into a [`scenario::Scenario`], the
//!   run plan (one validated scenario per scan point).
//! - [`run`]: the run layer — the grid, one grid point solved, the dataset producers, the
//!   parallel driver, the output header and the final write.
//! - [`output`]: the HDF5 layout, the partial and final files, reading them back.
//! - [`cli`]: argument parsing and printing; [`error`]: the crate's error, with its causes.
//! - [`reference`](mod@reference): the reference problems (exponential Sun, supernova
//!   envelope, Earth chords, collective bulb) shared by the tests, benches and examples.
//!
//! ## Your first probability
//! ```
//! use nuspin::prelude::*;
//!
//! // Two flavours, vacuum: the first closed form of docs/physics.md, "How the physics is checked".
//! let params = OscillationParams::Two(TwoFlavourParams { theta_deg: 33.0, dm2_ev2: 7.5e-5 });
//! let mixing = Mixing::new(params, 0.0, &[]).unwrap();
//! let model = Model::new(Basis::DiracNeutrino, mixing, Moments::zero());
//! let vacuum = MediumPoint::default();
//! let s = propagate_constant::<4>(&model, 3.0, &vacuum, 150.0); // E = 3 MeV, L = 150 km
//! let p = probabilities(&s);
//! let (nu_e, nu_mu) = (0, 1);
//! assert!((p[nu_e][nu_mu] - 8.333219002109e-01).abs() < 1e-12);
//! ```

// Small fixed-size matrix code reads best with index loops over several arrays at once.

pub mod basis;
pub mod cli;
pub mod collective;
pub mod detector;
pub mod error;
pub mod evolve;
pub mod flux;
pub mod hamiltonian;
pub mod linalg;
pub mod mass_matrix;
pub mod medium;
pub mod mixing;
pub mod moments;
pub mod observables;
pub mod output;
pub mod quadrature;
pub mod reference;
pub mod run;
pub mod scenario;
pub mod system;
pub mod text_table;
pub mod units;

/// The types most programs need.
pub mod prelude {
    pub use crate::basis::{state_labels, Basis, Flavours, Nature, Particle};
    pub use crate::evolve::{
        probabilities, propagate_constant, propagator_constant, unitarity_error,
    };
    pub use crate::hamiltonian::{CMat, EnergyHamiltonian, Model};
    pub use crate::medium::{Medium, MediumPoint};
    pub use crate::mixing::{
        Mixing, OscillationParams, Preset, ThreeFlavourParams, TwoFlavourParams,
    };
    pub use crate::moments::{MomentBasis, MomentInput, Moments};
}

/// The README's code blocks run as doctests, so its examples stay true.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
