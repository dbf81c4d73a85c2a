//! The single-angle supernova bulb of docs/collective.md ("The reference set-ups") as the tests,
//! the benches and the examples set it up: Fermi–Dirac emission (η = 0) at R_ν = 10 km with
//! L = 1e51 erg/s and ⟨E⟩ = 10 / 15 / 20 MeV for ν_e / ν̄_e / ν_x; the inverted two-flavour
//! mixing Δm² = −3e-3 eV², θ = 0.1 rad (or a three-flavour inverted set); no matter, or the
//! r⁻³ envelope with an r⁻ⁿ field for the moment scans.
//!
//! ```
//! use nuspin::collective::{CollectiveState, EnergyBins};
//! use nuspin::reference::bulb;
//!
//! let vacuum = bulb::vacuum();
//! let problem = bulb::majorana_problem(&vacuum, &EnergyBins::uniform(20, 80.0));
//! let start = CollectiveState::initial(&problem, bulb::emission().r_nu_km);
//! assert_eq!(start.rho.len(), 20);
//! ```

use num_complex::Complex64;

use crate::basis::Nature;
use crate::collective::{CollectiveProblem, Emission, EnergyBins, SpeciesEmission, SpectrumShape};
use crate::hamiltonian::CMat;
use crate::medium::supernova::{SupernovaMedium, SupernovaParams};
use crate::medium::{ConstantMedium, Medium, MediumPoint};
use crate::mixing::{Mixing, OscillationParams, ThreeFlavourParams, TwoFlavourParams};
use crate::moments::{MomentInput, Moments};

/// The two-flavour Majorana bulb without a moment in `medium` ([`vacuum`] or [`envelope`]),
/// over `bins`: the set-up of the benches and the step-counting examples.
pub fn majorana_problem<'a>(medium: &'a dyn Medium, bins: &EnergyBins) -> CollectiveProblem<'a, 4> {
    CollectiveProblem::<4>::bulb(
        Nature::Majorana,
        &mixing(),
        &Moments::zero(),
        medium,
        &emission(),
        bins,
    )
    .expect("the reference bulb is a valid problem")
}

/// The reference bulb's emission: L = 1e51 erg/s per species, ⟨E⟩ = 10 (ν_e), 15 (ν̄_e), 20 (ν_x,
/// ν̄_x) MeV, Fermi–Dirac with η = 0, from R_ν = 10 km.
pub fn emission() -> Emission {
    let s = |e: f64| SpeciesEmission {
        luminosity_erg_s: 1e51,
        mean_energy_mev: e,
        shape: SpectrumShape::FermiDirac { eta: 0.0 },
    };
    Emission {
        r_nu_km: 10.0,
        nu_e: s(10.0),
        nubar_e: s(15.0),
        nu_x: s(20.0),
        nubar_x: s(20.0),
    }
}

/// Two flavours, θ = 0.1 rad, Δm² = `dm2_ev2` (the reference bulb uses −3e-3 eV², inverted).
pub fn mixing_with_dm2(dm2_ev2: f64) -> Mixing {
    Mixing::new(
        OscillationParams::Two(TwoFlavourParams {
            theta_deg: 0.1f64.to_degrees(),
            dm2_ev2,
        }),
        0.0,
        &[],
    )
    .expect("valid two-flavour parameters")
}

/// The reference bulb's inverted two-flavour mixing: Δm² = −3e-3 eV², θ = 0.1 rad.
pub fn mixing() -> Mixing {
    mixing_with_dm2(-3e-3)
}

/// Three flavours, inverted ordering (θ12 33.4°, θ13 8.6°, θ23 49°, δ = 0, Δm²21 = 7.4e-5,
/// Δm²31 = −2.5e-3 eV²): the three-flavour bulb of BENCHMARKS.md.
pub fn mixing_three() -> Mixing {
    mixing_three_with_delta(0.0)
}

/// [`mixing_three`] with the Dirac CP phase `delta_cp_deg`.
pub fn mixing_three_with_delta(delta_cp_deg: f64) -> Mixing {
    Mixing::new(
        OscillationParams::Three(ThreeFlavourParams {
            theta12_deg: 33.4,
            theta13_deg: 8.6,
            theta23_deg: 49.0,
            delta_cp_deg,
            dm21_ev2: 7.4e-5,
            dm31_ev2: -2.5e-3,
        }),
        0.0,
        &[],
    )
    .expect("valid three-flavour parameters")
}

/// No matter and no field.
pub fn vacuum() -> ConstantMedium {
    ConstantMedium::new(MediumPoint::default()).expect("vacuum is a valid medium")
}

/// The envelope ρ = `rho0_g_cm3` (10 km/r)³, Y_e = 0.5, out to 1e6 km, with a transverse
/// field B⊥ = `b0_gauss` (10 km/r)^`b_index` and no shock.
pub fn envelope(rho0_g_cm3: f64, b0_gauss: f64, b_index: f64) -> SupernovaMedium {
    SupernovaMedium::new(SupernovaParams {
        rho0_g_cm3,
        r0_km: 10.0,
        index: 3.0,
        ye: 0.5,
        r_max_km: 1e6,
        shock: None,
        reverse_shock: None,
        b0_gauss,
        b_index,
        b_angle_deg: None,
        twist_rad_per_km: 0.0,
    })
}

/// The e–μ transition moment of `mu_mub` Bohr magnetons (in the basis `nature` defaults to),
/// or no moment when `mu_mub` is 0.
///
/// # Panics
/// When `mixing` has no e–μ entry (never for the mixings of this module).
pub fn transition_moment(nature: Nature, mixing: &Mixing, mu_mub: f64) -> Moments {
    if mu_mub == 0.0 {
        return Moments::zero();
    }
    Moments::new(
        &MomentInput {
            basis: None,
            magnetic_mu_b: vec![("e_mu".to_string(), Complex64::new(mu_mub, 0.0))],
            electric_mu_b: vec![],
        },
        nature,
        mixing,
    )
    .expect("an e-mu moment")
}

/// The largest difference between two two-flavour Majorana bulb states (one 4×4 ρ per bin,
/// same order) of a normalised population ρ_jj / Tr(block) of any ν or ν̄ block; blocks with
/// zero trace are skipped. The accuracy measure of the AFM tests and examples.
pub fn max_population_difference(a: &[CMat<4>], b: &[CMat<4>]) -> f64 {
    let mut m: f64 = 0.0;
    for (x, y) in a.iter().zip(b) {
        for blk in [0, 2] {
            let tr = (x[(blk, blk)] + x[(blk + 1, blk + 1)]).re;
            if tr > 0.0 {
                for j in blk..blk + 2 {
                    m = m.max((x[(j, j)] - y[(j, j)]).re.abs() / tr);
                }
            }
        }
    }
    m
}
