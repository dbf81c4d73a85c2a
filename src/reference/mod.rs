//! Reference problems, written once and shared by the tests, the benches, the examples and
//! the docs: the same exponential Sun, supernova envelope, Earth chords and collective bulb
//! everywhere, so a number quoted in BENCHMARKS.md, pinned in a test and timed in a bench is
//! the number of one problem.
//!
//! - [`analytic`]: [`FnMedium`], a medium given by a closure with exact x-derivatives, for
//!   integrator tests that need no table or interpolation.
//! - [`solar`]: the exponential Sun of docs/physics.md ("Built-in media"), as an analytic medium
//!   with an optional twisting field and as the `solar-exp` scenario of BENCHMARKS.md.
//! - [`supernova`]: the r⁻³ envelope with an r⁻² field and an optional sharp shock.
//! - [`earth`]: the atmospheric set-up (ν_μ, 1–100 GeV, NuFIT 5.2 NO) through PREM chords and a
//!   constant 1300 km slab.
//! - [`turbulence`]: the two-shock supernova envelope with density turbulence between the
//!   shocks, as scenario text.
//! - [`bulb`]: the single-angle supernova bulb of docs/collective.md ("The reference set-ups")
//!   (emission, mixings, envelope).
//! - [`three_flavour_model`] and [`flavour_moments`]: the NuFIT 5.2 NO model with one
//!   flavour-basis moment that the 6×6 cases use; [`timing_tracks`], the two 6×6 tracks the
//!   integrator benches time.
//!
//! What does not live here: the closed forms the tests compare against (they stay in the
//! tests, written independently of the crate), and the shipped example scenarios
//! (`scenarios/*.toml`).
//!
//! ```
//! use nuspin::evolve::{solve, Record, SolverOptions};
//! use nuspin::hamiltonian::MediumHamiltonian;
//! use nuspin::prelude::*;
//! use nuspin::reference::{solar, three_flavour_model};
//!
//! // A 10 MeV ν_e from 0.05 R_sun through the exponential Sun (no field, no moment).
//! let sun = solar::exp_sun(0.0, 0.0);
//! let model = three_flavour_model(Basis::DiracNeutrino, None);
//! let h = MediumHamiltonian::new(EnergyHamiltonian::<6>::new(&model, 10.0e6), &sun);
//! let (start, end) = (0.05 * nuspin::units::R_SUN_KM, nuspin::units::R_SUN_KM);
//! let s = solve(&h, start, end, &Record::End, &SolverOptions::default()).unwrap();
//! let p = probabilities(s.propagators.last().unwrap());
//! // Adiabatic MSW: well below the vacuum average 1 − ½ sin² 2θ12 ≈ 0.57.
//! assert!(p[0][0] > 0.25 && p[0][0] < 0.4, "{}", p[0][0]);
//! ```

pub mod analytic;
pub mod bulb;
pub mod earth;
pub mod solar;
pub mod supernova;
pub mod turbulence;

pub use analytic::{matter_point, FnMedium, MATTER, MATTER_B};

use num_complex::Complex64;

use crate::basis::{Basis, Nature};
use crate::hamiltonian::Model;
use crate::mixing::{Mixing, Preset};
use crate::moments::{MomentBasis, MomentInput, Moments};

/// Moments with one flavour-basis magnetic entry `key` (e.g. `"e_mu"`) of `mu_b` Bohr
/// magnetons.
///
/// # Panics
/// When `key` is not an entry `nature` admits (e.g. a diagonal entry for Majorana).
pub fn flavour_moments(nature: Nature, mixing: &Mixing, key: &str, mu_b: f64) -> Moments {
    let input = MomentInput {
        basis: Some(MomentBasis::Flavour),
        magnetic_mu_b: vec![(key.to_string(), Complex64::new(mu_b, 0.0))],
        electric_mu_b: vec![],
    };
    Moments::new(&input, nature, mixing).expect("a moment entry the nature admits")
}

/// Three flavours, NuFIT 5.2 NO, lightest mass 0.01 eV, with the flavour-basis moment
/// `(key, μ_B)` when given.
pub fn three_flavour_model(basis: Basis, moment: Option<(&str, f64)>) -> Model {
    let mixing = Mixing::from_preset(Preset::Nufit52No, 0.01, &[]).expect("preset");
    let moments = match moment {
        Some((key, mu_b)) => flavour_moments(basis.nature(), &mixing, key, mu_b),
        None => Moments::zero(),
    };
    Model::new(basis, mixing, moments)
}

/// One energy along one track of an analytic medium.
pub struct TrackCase {
    /// Short label ("sun-10MeV").
    pub name: &'static str,
    pub medium: FnMedium,
    pub start_km: f64,
    pub end_km: f64,
    pub energy_mev: f64,
}

/// The Majorana model of [`timing_tracks`]: NuFIT 5.2 NO with μ_eμ = 1e-12 μ_B.
pub fn timing_model() -> Model {
    three_flavour_model(Basis::Majorana, Some(("e_mu", 1e-12)))
}

/// The 6×6 cases of `benches/integrators.rs` and `examples/magnus_timing.rs`, with
/// [`timing_model`]: a 10 MeV neutrino from 0.05 R_sun to R_sun through the exponential Sun
/// (no field), and a 20 MeV one from 1e4 to 1e6 km through the supernova envelope with
/// B⊥ = 1e10 G (1e4 km/r)².
pub fn timing_tracks() -> [TrackCase; 2] {
    use crate::units::R_SUN_KM;
    [
        TrackCase {
            name: "sun-10MeV",
            medium: solar::exp_sun(0.0, 0.0),
            start_km: 0.05 * R_SUN_KM,
            end_km: R_SUN_KM,
            energy_mev: 10.0,
        },
        TrackCase {
            name: "supernova-20MeV",
            medium: supernova::supernova(1e10, None, 1.0),
            start_km: 1e4,
            end_km: 1e6,
            energy_mev: 20.0,
        },
    ]
}
