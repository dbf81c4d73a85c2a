//! Decoupled halves (issue 15 item 4): when H never couples the first half of the basis to
//! the second (a Dirac model without moments or fields: left- and right-handed states evolve
//! independently, the right-handed ones free-streaming), `magnus` solves two N×N problems
//! instead of one 2N×2N problem and joins the propagators block-diagonally.
//!
//! Each half is an ordinary [`PathHamiltonian`] ([`Half`]: the sub-matrices of H and H′),
//! so it gets the same adaptive integrator and the same tolerance; a half whose H is constant
//! (the free-streaming block) takes a handful of steps whose error estimates are exactly zero.
//! The result is the same propagator to within the tolerance, not to round-off: the 2N×2N
//! step's controller sees both halves at once, so its steps are not the halves' steps.

use super::magnus::solve_magnus;
use super::options::{EvolveError, Record, SolverOptions};
use super::Solution;
use crate::hamiltonian::{CMat, PathHamiltonian};
use crate::medium::{MediumError, Side};

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
}

impl<const D: usize, const N: usize, H: PathHamiltonian<D> + ?Sized> PathHamiltonian<N>
    for Half<'_, D, N, H>
{
    fn h(&self, x_km: f64, side: Side) -> Result<CMat<N>, MediumError> {
        Ok(self.sub(&self.h.h(x_km, side)?))
    }

    fn h_and_slope(&self, x_km: f64, side: Side) -> Result<(CMat<N>, CMat<N>), MediumError> {
        let (h, d) = self.h.h_and_slope(x_km, side)?;
        Ok((self.sub(&h), self.sub(&d)))
    }

    fn breakpoints(&self) -> &[f64] {
        self.h.breakpoints()
    }

    fn kinks(&self) -> &[f64] {
        self.h.kinks()
    }

    fn coupling_pattern(&self) -> [[bool; N]; N] {
        let p = self.h.coupling_pattern();
        std::array::from_fn(|r| std::array::from_fn(|c| p[self.offset + r][self.offset + c]))
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
    let run = || -> Result<Solution<D>, EvolveError> {
        let a = solve_magnus(
            &Half::<D, N, H>::new(h, 0),
            start_km,
            end_km,
            record,
            options,
        )?;
        let b = solve_magnus(
            &Half::<D, N, H>::new(h, N),
            start_km,
            end_km,
            record,
            options,
        )?;
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
