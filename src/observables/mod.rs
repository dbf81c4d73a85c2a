//! What a detector sees, beyond the probability at the end of the track: the physics of the
//! `[output] observables` of a scenario (their datasets, group `/observables`, are shaped by
//! `run::datasets::observables`).
//!
//! - [`mass`]: the vacuum propagation eigenstates (mass × helicity block, each block in its own
//!   basis) and their populations: `mass`.
//! - [`arrival`]: decoherent arrival at a distant detector, optionally through the Earth
//!   (day, night, A_DN): `earth`.
//! - [`averaged`]: probabilities averaged over a Gaussian energy resolution from one solution,
//!   without sampling the oscillation: `averaged`.
//! - [`decoherence`]: wave-packet decoherence, the interference terms at the end of the track
//!   damped by their coherence lengths (`[arrival] wave_packet`).
//! - [`exposure`]: re-export of [`crate::medium::exposure`] (a site's annual exposure to the Sun).
//! - [`production`]: the Gaussian start-point distribution of `[arrival] production`.
//!
//! Nothing here knows about scenario files, runs or HDF5: plain functions of the model,
//! propagators and the Hamiltonian along a path.

pub mod arrival;
pub mod averaged;
pub mod decoherence;
pub use crate::medium::exposure;
pub mod mass;
pub mod production;
