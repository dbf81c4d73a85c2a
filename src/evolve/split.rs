//! Decoupled halves (issue 15 item 4): when H never couples the first half of the basis to
//! the second (a Dirac model without moments or fields: left- and right-handed states evolve
//! independently, the right-handed ones free-streaming), `magnus` solves two N×N problems
//! instead of one 2N×2N problem and joins the propagators block-diagonally.
//!
//! Each half is an ordinary [`PathHamiltonian`] ([`Half`]: the sub-matrices of H and H′),
//! so it gets the same adaptive integrator and the same tolerance. A half none of whose
//! entries can vary along the path ([`PathHamiltonian::varying_pattern`]: the free-streaming
//! right-handed block) is not integrated at all: its propagator is exp(−iH L) in closed form
//! at every record point, with no steps, however many table rows the track crosses.
//! The result is the same propagator to within the tolerance, not to round-off: the 2N×2N
//! step's controller sees both halves at once, so its steps are not the halves' steps.

use super::magnus::solve_magnus;
use super::options::{EvolveError, Record, SolverOptions, Stats};
use super::track::stops;
use super::Solution;
use crate::hamiltonian::{CMat, PathHamiltonian};
use crate::linalg::{exp_minus_i_h_t, unitarity_error};
use crate::medium::{MediumError, Side, StepLimit};

/// H restricted to the indices `offset .. offset + N` of a D×D path Hamiltonian.
pub struct Half<'a, const D: usize, const N: usize, H: PathHamiltonian<D> + ?Sized> {
    h: &'a H,
    offset: usize,
}

impl<'a, const D: usize, const N: usize, H: PathHamiltonian<D> + ?Sized> Half<'a, D, N, H> {
    /// The half starting at basis index `offset` (0 or N).
    pub fn new(h: &'a H, offset: usize) -> Self {
        assert!(offset + N <= D, "the half must lie inside the basis");
        Half { h, offset }
    }

    fn sub(&self, m: &CMat<D>) -> CMat<N> {
        CMat::<N>::from_fn(|r, c| m[(self.offset + r, self.offset + c)])
    }

    fn sub_pattern(&self, p: &[[bool; D]; D]) -> [[bool; N]; N] {
        std::array::from_fn(|r| std::array::from_fn(|c| p[self.offset + r][self.offset + c]))
    }

    /// No entry of this half can change along the path: H is one constant matrix.
    pub fn is_constant(&self) -> bool {
        self.sub_pattern(&self.h.varying_pattern())
            .iter()
            .flatten()
            .all(|v| !v)
    }
}

impl<const D: usize, const N: usize, H: PathHamiltonian<D> + ?Sized> PathHamiltonian<N>
    for Half<'_, D, N, H>
{
    fn h(&self, x_km: f64, side: Side) -> Result<CMat<N>, MediumError> {
        Ok(self.sub(&self.h.h(x_km, side)?))
    }

    fn h_and_slope(&self, x_km: f64, side: Side) -> Result<(CMat<N>, CMat<N>), MediumError> {
        let mut h = CMat::<N>::zeros();
        let mut d = CMat::<N>::zeros();
        self.h_and_slope_into(x_km, side, &mut h, &mut d)?;
        Ok((h, d))
    }

    fn h_and_slope_into(
        &self,
        x_km: f64,
        side: Side,
        h: &mut CMat<N>,
        slope: &mut CMat<N>,
    ) -> Result<(), MediumError> {
        self.h.block_h_and_slope(
            x_km,
            side,
            self.offset,
            N,
            h.as_mut_slice(),
            slope.as_mut_slice(),
        )
    }

    fn breakpoints(&self) -> &[f64] {
        self.h.breakpoints()
    }

    fn kinks(&self) -> &[f64] {
        self.h.kinks()
    }

    fn step_limits(&self) -> &[StepLimit] {
        self.h.step_limits()
    }

    fn coupling_pattern(&self) -> [[bool; N]; N] {
        self.sub_pattern(&self.h.coupling_pattern())
    }

    fn varying_pattern(&self) -> [[bool; N]; N] {
        self.sub_pattern(&self.h.varying_pattern())
    }

    fn is_piecewise_constant(&self) -> bool {
        self.h.is_piecewise_constant()
    }
}

/// True when no entry of H couples indices below `n` to indices at or above it.
pub fn halves_decouple<const D: usize>(pattern: &[[bool; D]; D], n: usize) -> bool {
    (0..D).all(|r| (0..D).all(|c| (r < n) == (c < n) || !pattern[r][c]))
}

/// `magnus` on a 2N×2N H whose halves decouple: each half solved as an N×N problem and
/// the propagators joined block-diagonally. None when the halves are coupled, D ≠ 2N, or
/// every step is recorded (the halves' steps differ, so `AllSteps` has no common grid).
pub fn solve_magnus_halves<const D: usize, const N: usize, H: PathHamiltonian<D> + ?Sized>(
    h: &H,
    start_km: f64,
    end_km: f64,
    record: &Record,
    options: &SolverOptions,
) -> Option<Result<Solution<D>, EvolveError>> {
    if D != 2 * N
        || matches!(record, Record::AllSteps)
        || !halves_decouple(&h.coupling_pattern(), N)
    {
        return None;
    }
    let half = |offset: usize| -> Result<Solution<N>, EvolveError> {
        let part = Half::<D, N, H>::new(h, offset);
        if part.is_constant() {
            solve_constant(&part, start_km, end_km, record)
        } else {
            solve_magnus(&part, start_km, end_km, record, options)
        }
    };
    let run = || -> Result<Solution<D>, EvolveError> {
        let a = half(0)?;
        let b = half(N)?;
        let propagators = a
            .propagators
            .iter()
            .zip(&b.propagators)
            .map(|(sa, sb)| {
                let mut s = CMat::<D>::zeros();
                for r in 0..N {
                    for c in 0..N {
                        s[(r, c)] = sa[(r, c)];
                        s[(N + r, N + c)] = sb[(r, c)];
                    }
                }
                s
            })
            .collect();
        let mut stats = a.stats;
        stats.accepted += b.stats.accepted;
        stats.rejected += b.stats.rejected;
        stats.h_evaluations += b.stats.h_evaluations;
        stats.fallback_steps += b.stats.fallback_steps;
        stats.max_unitarity_error = stats.max_unitarity_error.max(b.stats.max_unitarity_error);
        Ok(Solution {
            x_km: a.x_km,
            propagators,
            stats,
        })
    };
    Some(run())
}

/// The propagator of a constant `h` at the record points, exp(−iH (x − start)) in closed
/// form: no steps (the statistics count the one evaluation of H). The track and the record
/// points are checked as for an integration.
pub fn solve_constant<const N: usize, H: PathHamiltonian<N> + ?Sized>(
    h: &H,
    start_km: f64,
    end_km: f64,
    record: &Record,
) -> Result<Solution<N>, EvolveError> {
    stops(start_km, end_km, &[], record)?;
    let hc = h.h(start_km, crate::medium::Side::Right)?;
    if !hc.iter().all(|z| z.re.is_finite() && z.im.is_finite()) {
        return Err(EvolveError::NonFinite { x_km: start_km });
    }
    let x_km: Vec<f64> = match record {
        Record::End => vec![end_km],
        Record::Points(points) => points.clone(),
        Record::AllSteps => vec![start_km, end_km],
    };
    let propagators: Vec<CMat<N>> = x_km
        .iter()
        .map(|&x| {
            if x == start_km {
                CMat::<N>::identity()
            } else {
                exp_minus_i_h_t(&hc, x - start_km)
            }
        })
        .collect();
    let max_unitarity_error = propagators.iter().map(unitarity_error).fold(0.0, f64::max);
    Ok(Solution {
        x_km,
        propagators,
        stats: Stats {
            h_evaluations: 1,
            max_unitarity_error,
            ..Stats::default()
        },
    })
}
