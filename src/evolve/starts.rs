//! One integration for many start points on one track (production-region averages).
//!
//! With start points r₁ < … < r_K and the propagator S(x, r₁) of one integration from the
//! innermost start, every other start's propagator follows by composition:
//! S(x, r_k) = S(x, r₁) S(r_k, r₁)†, for every record point x ≥ r_k. The integration lands
//! exactly on each r_k (they are record points), and S(x, r₁) is the product of its steps,
//! S(x, r₁) = S(x, r_k) S(r_k, r₁) with both factors unitary to round-off, so the composition
//! returns the product of the steps taken from r_k to x to round-off: each start gets the
//! accuracy of an integration of its own (the same tolerance, controlled step by step), not
//! an error that grows with the number of starts, and the whole set costs one integration
//! from r₁.

use super::options::{EvolveError, Record, Solution, SolverOptions, Stats};
use super::solve;
use crate::hamiltonian::{CMat, PathHamiltonian};
use crate::linalg::unitarity_error;

/// The propagators of several start points, from one integration.
#[derive(Debug, Clone, PartialEq)]
pub struct StartsSolution<const D: usize> {
    /// One solution per start point, in the order given: S(x, start) at the record points
    /// (`Record::End`: the end only). Their `stats` hold only `max_unitarity_error`; the
    /// work is in [`StartsSolution::stats`].
    pub per_start: Vec<Solution<D>>,
    /// The work of the one integration (from the innermost start).
    pub stats: Stats,
}

/// The propagators from each of `starts_km` (any order, each < `end_km`) to the record
/// points of `record`, with one integration from the innermost start (see the module docs
/// for why this is as accurate as separate solves). `record` must be [`Record::End`] or
/// [`Record::Points`] with every point at or after the outermost start.
///
/// ```
/// use nuspin::evolve::{solve, solve_starts, Record, SolverOptions};
/// use nuspin::hamiltonian::MediumHamiltonian;
/// use nuspin::medium::{SolarMedium, SolarModel};
/// use nuspin::prelude::*;
/// use nuspin::units::R_SUN_KM;
///
/// let mixing = Mixing::from_preset(Preset::Nufit52No, 0.0, &[]).unwrap();
/// let model = Model::new(Basis::DiracNeutrino, mixing, Moments::zero());
/// let sun = SolarMedium::new(SolarModel::Exponential, 0.05, None).unwrap();
/// let h = MediumHamiltonian::new(EnergyHamiltonian::<6>::new(&model, 8e6), &sun);
/// let starts = [0.03 * R_SUN_KM, 0.05 * R_SUN_KM, 0.08 * R_SUN_KM];
/// let opts = SolverOptions::default();
/// let all = solve_starts(&h, &starts, R_SUN_KM, &Record::End, &opts).unwrap();
/// let alone = solve(&h, starts[2], R_SUN_KM, &Record::End, &opts).unwrap();
/// let p = |s: &CMat<6>| s[(0, 0)].norm_sqr();
/// assert!((p(&all.per_start[2].propagators[0]) - p(&alone.propagators[0])).abs() < 1e-6);
/// ```
pub fn solve_starts<const D: usize, H: PathHamiltonian<D> + ?Sized>(
    h: &H,
    starts_km: &[f64],
    end_km: f64,
    record: &Record,
    options: &SolverOptions,
) -> Result<StartsSolution<D>, EvolveError> {
    let mut sorted: Vec<f64> = starts_km.to_vec();
    if sorted.is_empty() || sorted.iter().any(|s| !s.is_finite()) {
        return Err(EvolveError::InvalidOptions {
            message: format!("solve_starts needs finite start points, got {starts_km:?}"),
        });
    }
    sorted.sort_by(f64::total_cmp);
    sorted.dedup();
    let (first, outermost) = (sorted[0], sorted[sorted.len() - 1]);
    if outermost >= end_km {
        return Err(EvolveError::InvalidTrack {
            start_km: outermost,
            end_km,
        });
    }
    let wanted: Vec<f64> = match record {
        Record::End => vec![end_km],
        Record::Points(p) => {
            if let Some(&x_km) = p.iter().find(|&&x| x < outermost) {
                return Err(EvolveError::InvalidRecordPoint {
                    x_km,
                    start_km: outermost,
                    end_km,
                });
            }
            p.clone()
        }
        Record::AllSteps => {
            return Err(EvolveError::InvalidOptions {
                message: "solve_starts records at the end or at record points, not at every step"
                    .into(),
            })
        }
    };
    // The starts after the first, then the wanted points: all record points of the one run.
    let mut points: Vec<f64> = sorted[1..].to_vec();
    points.extend(&wanted);
    points.sort_by(f64::total_cmp);
    let one = solve(h, first, end_km, &Record::Points(points.clone()), options)?;
    let at = |x: f64| -> CMat<D> {
        if x == first {
            return CMat::<D>::identity();
        }
        let i = points.partition_point(|&p| p < x);
        one.propagators[i]
    };
    let per_start = starts_km
        .iter()
        .map(|&r| {
            let back = at(r).adjoint();
            let propagators: Vec<CMat<D>> = wanted.iter().map(|&x| at(x) * back).collect();
            let max_unitarity_error = propagators.iter().map(unitarity_error).fold(0.0, f64::max);
            Solution {
                x_km: wanted.clone(),
                propagators,
                stats: Stats {
                    max_unitarity_error,
                    ..Stats::default()
                },
            }
        })
        .collect();
    Ok(StartsSolution {
        per_start,
        stats: one.stats,
    })
}

/// The production average of the probabilities at the track's end: Σ_k w_k P(r_k → end),
/// P indexed `[a][b]` as in [`super::probabilities`], from one integration; `starts` holds
/// (start point in km, weight) pairs (weights as given, not renormalised).
pub fn averaged_probabilities<const D: usize, H: PathHamiltonian<D> + ?Sized>(
    h: &H,
    starts: &[(f64, f64)],
    end_km: f64,
    options: &SolverOptions,
) -> Result<([[f64; D]; D], Stats), EvolveError> {
    let r: Vec<f64> = starts.iter().map(|s| s.0).collect();
    let all = solve_starts(h, &r, end_km, &Record::End, options)?;
    let mut avg = [[0.0; D]; D];
    for (sol, &(_, w)) in all.per_start.iter().zip(starts) {
        let p = super::probabilities(&sol.propagators[0]);
        for a in 0..D {
            for b in 0..D {
                avg[a][b] += w * p[a][b];
            }
        }
    }
    Ok((avg, all.stats))
}
