//! Limits of validity (docs/scenario.md, "Limits of validity"): a scenario the equations or
//! double precision cannot answer is refused at validation, before any file exists, with the
//! field named and the reason. Each rule here answers a way a run could otherwise return
//! numbers that look fine (unitarity error 1e-15) and mean nothing:
//!
//! - the tolerances are inside the range where they mean what the docs say;
//! - every energy is far above the heaviest mass (the Hamiltonian is ultra-relativistic);
//! - every entry of H along the track is finite and far from overflow;
//! - the phase accumulated along the track, whose rounding error is ≈ ε × phase, leaves room
//!   for `rtol`;
//! - `max_step_km` leaves room for the track within `max_steps`;
//! - `method = "layers"` only on piecewise-constant media.
//!
//! The phase is estimated from H sampled along the track at the grid's lowest and highest
//! energy (every term of H is constant or ∝ 1/E, so its size is largest at one of them), with
//! the spread of H's eigenvalues bounded by √2‖H − tr H/D‖_F (exact for two levels).

mod bound;

use num_complex::Complex64;

use super::ScenarioError;
use crate::basis::Flavours;
use crate::evolve::{Method, SolverOptions};
use crate::hamiltonian::potential::{idx, scalars};
use crate::hamiltonian::{CMat, EnergyHamiltonian, Model, N_SCALARS};
use crate::medium::{Medium, Side};

/// `rtol` range: above it the answers are off by more than the tolerance suggests; below it
/// double precision cannot reach it.
pub const RTOL_RANGE: (f64, f64) = (1e-13, 1e-2);
/// `atol` range (a floor for tiny amplitudes).
pub const ATOL_RANGE: (f64, f64) = (1e-16, 1e-2);
/// Every energy must be at least this many times the heaviest mass: the neglected terms are
/// of order (m/E)².
pub const MIN_ENERGY_OVER_MASS: f64 = 10.0;
/// Largest |H_ij| accepted, km⁻¹: far above any physical medium (a neutron star's matter
/// potential is ~1e11 km⁻¹) and far below where products of H overflow.
pub const MAX_H_INV_KM: f64 = 1e100;
/// Unit roundoff of f64: the relative rounding error of a phase.
pub const EPSILON: f64 = f64::EPSILON / 2.0;
/// Largest rounding error of the accumulated phase accepted, rad: beyond it every
/// interference term is off by more than a part in a thousand. Between `rtol` and this a run
/// goes ahead with a warning ([`warnings`]).
pub const MAX_PHASE_ROUNDING_RAD: f64 = 1e-3;
/// Samples of H along the track for the phase estimate.
const SAMPLES: usize = 1024;

/// The terms of H, for messages naming what sets a scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Term {
    Vacuum,
    Matter,
    FieldAlongPath,
    TransverseField,
    MatterCurrent,
}

impl Term {
    const ALL: [Term; 5] = [
        Term::Vacuum,
        Term::Matter,
        Term::FieldAlongPath,
        Term::TransverseField,
        Term::MatterCurrent,
    ];

    /// Which potential scalars make up this term (none: the vacuum term H₀).
    fn scalars(self) -> &'static [usize] {
        match self {
            Term::Vacuum => &[],
            Term::Matter => &[idx::V_E, idx::V_MU],
            Term::FieldAlongPath => &[idx::B_PAR],
            Term::TransverseField => &[idx::B_C_RE, idx::B_C_IM],
            Term::MatterCurrent => &[
                idx::FPERP_E_RE,
                idx::FPERP_E_IM,
                idx::FPERP_MU_RE,
                idx::FPERP_MU_IM,
            ],
        }
    }

    /// The term and the scenario fields it comes from.
    pub fn describe(self) -> &'static str {
        match self {
            Term::Vacuum => "the vacuum term Δm²/2E ([mixing] and [energy])",
            Term::Matter => "the matter potential √2 G_F n ([medium] densities)",
            Term::FieldAlongPath => {
                "the field along the path, μ B∥ m/E ([moments] with [medium] b_par_gauss)"
            }
            Term::TransverseField => {
                "the transverse field μ B⊥ ([moments] with [medium] b_perp_gauss)"
            }
            Term::MatterCurrent => {
                "the transverse matter current (m/E) f⊥ ([medium] v_perp / pol_perp)"
            }
        }
    }

    /// The field to name in an error about this term: the table whose values set it.
    fn field(self) -> &'static str {
        match self {
            Term::Vacuum => "energy",
            Term::FieldAlongPath | Term::TransverseField => "moments",
            Term::Matter | Term::MatterCurrent => "medium",
        }
    }
}

/// What the phase estimate found along the track at one energy.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PhaseEstimate {
    pub energy_mev: f64,
    /// ∫ (λ_max − λ_min) dx along the track, rad (an upper estimate within √(D/2)).
    pub phase_rad: f64,
    /// The term with the largest share of that phase, and its share, rad.
    pub dominant: Term,
    pub dominant_phase_rad: f64,
    /// The largest |H_ij| met, km⁻¹, where, and which term it came from.
    pub max_entry_inv_km: f64,
    pub max_entry_x_km: f64,
    pub max_entry_term: Term,
}

/// √2 ‖A − tr A/D‖_F: the spread λ_max − λ_min of a Hermitian A (exact for two levels).
fn spread<const D: usize>(a: &CMat<D>) -> f64 {
    let mean = a.trace() / Complex64::new(D as f64, 0.0);
    let mut sum = 0.0;
    for i in 0..D {
        for j in 0..D {
            let z = if i == j { a[(i, j)] - mean } else { a[(i, j)] };
            sum += z.norm_sqr();
        }
    }
    (2.0 * sum).sqrt()
}

/// The largest |entry| of `a` by `hypot`, kept apart from [`crate::linalg::max_abs`] on
/// purpose: that one squares the entries, which overflows to infinity above ~1.3e154 km⁻¹,
/// inside the range this guard exists to report (beyond [`MAX_H_INV_KM`]); hypot keeps the
/// reported size and the position of the largest entry right there. It runs 5 × [`SAMPLES`]
/// times per checked energy, once per validation, so its cost does not matter.
///
/// A NaN entry makes the result NaN (`f64::max` alone would drop it), so that the guard
/// names the entry and the term that produced it instead of failing later on the phase.
fn max_entry<const D: usize>(a: &CMat<D>) -> f64 {
    a.iter().map(|z| z.norm()).fold(0.0, |biggest: f64, x| {
        if biggest.is_nan() || x.is_nan() {
            f64::NAN
        } else {
            biggest.max(x)
        }
    })
}

fn estimate_d<const D: usize>(
    model: &Model,
    energy_mev: f64,
    medium: &dyn Medium,
    start_km: f64,
    end_km: f64,
) -> Result<PhaseEstimate, String> {
    let h = EnergyHamiltonian::<D>::new(model, energy_mev * 1e6);
    let dx = (end_km - start_km) / SAMPLES as f64;
    let mut out = PhaseEstimate {
        energy_mev,
        phase_rad: 0.0,
        dominant: Term::Vacuum,
        dominant_phase_rad: 0.0,
        max_entry_inv_km: 0.0,
        max_entry_x_km: start_km,
        max_entry_term: Term::Vacuum,
    };
    let mut per_term = [0.0; 5];
    // Midpoints: every sample inside the track, never on its ends' breakpoints.
    for i in 0..SAMPLES {
        let x_km = start_km + (i as f64 + 0.5) * dx;
        let point = medium.point(x_km, Side::Right).map_err(|e| e.to_string())?;
        let s = scalars(&point);
        let full = h.from_scalars(&s);
        out.phase_rad += spread(&full) * dx;
        for (t, term) in Term::ALL.iter().enumerate() {
            let part = match term {
                Term::Vacuum => *h.vacuum(),
                _ => {
                    let mut only = [0.0; N_SCALARS];
                    for &k in term.scalars() {
                        only[k] = s[k];
                    }
                    h.slope_from_scalars(&only)
                }
            };
            per_term[t] += spread(&part) * dx;
            let biggest = max_entry(&part);
            if biggest.is_nan() || biggest > out.max_entry_inv_km {
                out.max_entry_inv_km = biggest;
                out.max_entry_x_km = x_km;
                out.max_entry_term = *term;
            }
        }
    }
    let (t, phase) =
        per_term
            .iter()
            .enumerate()
            .fold((0, f64::NEG_INFINITY), |(bt, bp), (t, &p)| {
                if p > bp || p.is_nan() {
                    (t, p)
                } else {
                    (bt, bp)
                }
            });
    out.dominant = Term::ALL[t];
    out.dominant_phase_rad = phase;
    Ok(out)
}

/// The phase estimate at one energy (MeV) over [start_km, end_km].
pub fn estimate_phase(
    model: &Model,
    energy_mev: f64,
    medium: &dyn Medium,
    start_km: f64,
    end_km: f64,
) -> Result<PhaseEstimate, String> {
    match model.flavours() {
        Flavours::Two => estimate_d::<4>(model, energy_mev, medium, start_km, end_km),
        Flavours::Three => estimate_d::<6>(model, energy_mev, medium, start_km, end_km),
    }
}

/// What [`check`] needs of a scenario being validated.
pub struct Inputs<'a> {
    pub model: &'a Model,
    pub energies_mev: &'a [f64],
    pub medium: &'a dyn Medium,
    pub medium_kind: &'a str,
    pub start_km: f64,
    pub end_km: f64,
    pub solver: &'a SolverOptions,
}

/// Applies every rule of the module; `err(field, message)` builds the error (with the file
/// and line).
pub fn check(
    inputs: &Inputs<'_>,
    err: &dyn Fn(&str, String) -> ScenarioError,
) -> Result<(), ScenarioError> {
    check_solver(inputs, err)?;
    check_ultra_relativistic(inputs, err)?;
    check_phase(inputs, err)
}

/// Tolerances within reach, a step bound the step budget can meet, `layers` only where exact.
fn check_solver(
    inputs: &Inputs<'_>,
    err: &dyn Fn(&str, String) -> ScenarioError,
) -> Result<(), ScenarioError> {
    let solver = inputs.solver;
    let (lo, hi) = RTOL_RANGE;
    if !(lo..=hi).contains(&solver.rtol) {
        return Err(err(
            "solver.rtol",
            format!(
                "must be in [{lo:e}, {hi:e}], got {:e}: a looser tolerance gives probabilities off by more than it suggests, a tighter one cannot be reached in double precision",
                solver.rtol
            ),
        ));
    }
    let (lo, hi) = ATOL_RANGE;
    if !(lo..=hi).contains(&solver.atol) {
        return Err(err(
            "solver.atol",
            format!(
                "must be in [{lo:e}, {hi:e}] (a floor for tiny amplitudes), got {:e}",
                solver.atol
            ),
        ));
    }
    let length_km = inputs.end_km - inputs.start_km;
    if solver.method != Method::Layers && solver.max_step_km.is_finite() {
        let needed = length_km / solver.max_step_km;
        if needed > solver.max_steps as f64 {
            return Err(err(
                "solver.max_step_km",
                format!(
                    "= {:e} km needs at least {needed:.3e} steps over the {length_km} km track, more than solver.max_steps = {}; raise max_step_km (or max_steps)",
                    solver.max_step_km, solver.max_steps
                ),
            ));
        }
    }
    if solver.method == Method::Layers && !inputs.medium.is_piecewise_constant() {
        return Err(err(
            "solver.method",
            format!(
                "\"layers\" is exact only on piecewise-constant media (constant, the Earth, tables with interpolation = \"steps\"); medium kind \"{}\" varies continuously: use \"magnus\" or \"dop853\"",
                inputs.medium_kind
            ),
        ));
    }
    Ok(())
}

/// Every energy far above the heaviest mass (the Hamiltonian drops (m/E)²).
fn check_ultra_relativistic(
    inputs: &Inputs<'_>,
    err: &dyn Fn(&str, String) -> ScenarioError,
) -> Result<(), ScenarioError> {
    let heaviest_ev = inputs
        .model
        .mixing
        .masses_ev()
        .into_iter()
        .fold(0.0, f64::max);
    for (i, &e_mev) in inputs.energies_mev.iter().enumerate() {
        if e_mev * 1e6 < MIN_ENERGY_OVER_MASS * heaviest_ev {
            return Err(err(
                "energy",
                format!(
                    "energy {} ({e_mev:e} MeV = {:e} eV) is below {MIN_ENERGY_OVER_MASS} × the heaviest neutrino mass ({heaviest_ev:.4e} eV): the Hamiltonian is ultra-relativistic (E ≫ m, terms of order (m/E)² dropped) and does not describe such neutrinos",
                    i + 1,
                    e_mev * 1e6
                ),
            ));
        }
    }
    Ok(())
}

/// A Hamiltonian the arithmetic can hold and a total phase whose rounding stays below
/// [`MAX_PHASE_ROUNDING_RAD`], at the extreme energies (a cheap bound first, the estimate
/// along the track only when the bound does not settle it).
fn check_phase(
    inputs: &Inputs<'_>,
    err: &dyn Fn(&str, String) -> ScenarioError,
) -> Result<(), ScenarioError> {
    let solver = inputs.solver;
    let quick = bound::SegmentScalars::of(inputs.medium, inputs.start_km, inputs.end_km);
    for e_mev in extreme_energies(inputs.energies_mev) {
        if let Some(q) = &quick {
            let (phase, entry) = q.bounds(inputs.model, e_mev);
            if entry <= MAX_H_INV_KM && EPSILON * phase <= MAX_PHASE_ROUNDING_RAD {
                continue;
            }
        }
        let est = estimate_phase(
            inputs.model,
            e_mev,
            inputs.medium,
            inputs.start_km,
            inputs.end_km,
        )
        .map_err(|m| err("medium", m))?;
        if est.max_entry_inv_km.is_nan() || est.max_entry_inv_km > MAX_H_INV_KM {
            return Err(err(
                est.max_entry_term.field(),
                format!(
                    "the Hamiltonian has an entry of {:.3e} km⁻¹ at x = {} km (E = {e_mev} MeV) from {}: not finite or beyond {MAX_H_INV_KM:e} km⁻¹, where the solver's arithmetic overflows; no physical medium comes near this",
                    est.max_entry_inv_km,
                    est.max_entry_x_km,
                    est.max_entry_term.describe()
                ),
            ));
        }
        let rounding_rad = EPSILON * est.phase_rad;
        if rounding_rad.is_nan() || rounding_rad > MAX_PHASE_ROUNDING_RAD {
            return Err(err(
                est.dominant.field(),
                format!(
                    "the phase accumulated along the track is ~{:.1e} rad at E = {e_mev} MeV, set by {} (~{:.1e} rad); double precision rounds it by ~{rounding_rad:.1e} rad (more than {MAX_PHASE_ROUNDING_RAD:e} rad, and than solver.rtol = {:e}), so the probabilities would be meaningless. Shorten the track or reduce that term",
                    est.phase_rad,
                    est.dominant.describe(),
                    est.dominant_phase_rad,
                    solver.rtol
                ),
            ));
        }
    }
    Ok(())
}

/// The energies at which [`check`] estimates the phase: the grid's lowest and highest.
fn extreme_energies(energies_mev: &[f64]) -> Vec<f64> {
    let (e_min, e_max) = energies_mev
        .iter()
        .fold((f64::INFINITY, 0.0_f64), |(a, b), &e| (a.min(e), b.max(e)));
    if e_min == e_max {
        vec![e_min]
    } else {
        vec![e_min, e_max]
    }
}

/// What a valid scenario should be told before it runs: the rounding error of the
/// accumulated phase when it exceeds `rtol` (but not [`MAX_PHASE_ROUNDING_RAD`]), for the
/// scenario and each scan point.
pub fn warnings(scenario: &super::Scenario) -> Vec<String> {
    let mut out = Vec::new();
    for s in 0..scenario.n_scan_points() {
        let point = scenario.scan_point(s);
        let quick = bound::SegmentScalars::of(point.medium.as_ref(), point.start_km, point.end_km);
        for e_mev in extreme_energies(&point.energies_mev) {
            if let Some(q) = &quick {
                if EPSILON * q.bounds(&point.model, e_mev).0 <= point.solver.rtol {
                    continue;
                }
            }
            let Ok(est) = estimate_phase(
                &point.model,
                e_mev,
                point.medium.as_ref(),
                point.start_km,
                point.end_km,
            ) else {
                continue;
            };
            let rounding_rad = EPSILON * est.phase_rad;
            if rounding_rad > point.solver.rtol {
                let at = if scenario.scan.is_some() {
                    format!(" (scan point {})", s + 1)
                } else {
                    String::new()
                };
                out.push(format!(
                    "{}: the phase accumulated along the track is ~{:.1e} rad at E = {e_mev} MeV{at}, set by {}; double precision rounds it by ~{rounding_rad:.1e} rad, more than solver.rtol = {:e}: interference (oscillation) terms are good to about {rounding_rad:.0e} times their amplitude, not to rtol",
                    scenario.path.display(),
                    est.phase_rad,
                    est.dominant.describe(),
                    point.solver.rtol
                ));
                break;
            }
        }
        if !out.is_empty() {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_entry_is_the_largest_modulus_and_keeps_a_nan() {
        let mut a = CMat::<4>::zeros();
        a[(1, 2)] = Complex64::new(3.0, -4.0);
        a[(3, 0)] = Complex64::new(-2.0, 0.0);
        assert_eq!(max_entry(&a), 5.0);
        a[(0, 0)] = Complex64::new(f64::NAN, 0.0);
        assert!(max_entry(&a).is_nan());
        // Above ~1.3e154 a squared modulus overflows; hypot does not.
        a[(0, 0)] = Complex64::new(3e200, 4e200);
        assert!((max_entry(&a) / 5e200 - 1.0).abs() < 1e-15);
    }
}
