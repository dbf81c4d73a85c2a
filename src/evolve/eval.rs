//! Evaluations of H (and H′) for the integrators: counted, and rejected with an error naming
//! x when not finite.

use super::options::{EvolveError, Stats};
use crate::hamiltonian::{CMat, PathHamiltonian};
use crate::medium::Side;

/// Wraps a [`PathHamiltonian`], counting evaluations into `stats`.
pub struct Evaluator<'a, const D: usize, H: PathHamiltonian<D> + ?Sized> {
    h: &'a H,
    pub stats: Stats,
}

#[allow(clippy::eq_op)] // x − x is the point
fn finite<const D: usize>(m: &CMat<D>) -> bool {
    // x − x is 0 for every finite x and NaN otherwise, and a NaN survives the sum: one
    // branch-free pass instead of 2D² tests (H and H′ are checked at every evaluation).
    m.iter().map(|z| (z.re - z.re) + (z.im - z.im)).sum::<f64>() == 0.0
}

impl<'a, const D: usize, H: PathHamiltonian<D> + ?Sized> Evaluator<'a, D, H> {
    pub fn new(h: &'a H) -> Self {
        Evaluator {
            h,
            stats: Stats::default(),
        }
    }

    /// The Hamiltonian evaluated.
    pub fn path(&self) -> &'a H {
        self.h
    }

    /// H at x (one-sided at breakpoints).
    pub fn h(&mut self, x_km: f64, side: Side) -> Result<CMat<D>, EvolveError> {
        self.stats.h_evaluations += 1;
        let m = self.h.h(x_km, side)?;
        if !finite(&m) {
            return Err(EvolveError::NonFinite { x_km });
        }
        Ok(m)
    }

    /// H and H′ at x (one-sided at breakpoints).
    pub fn h_and_slope(
        &mut self,
        x_km: f64,
        side: Side,
    ) -> Result<(CMat<D>, CMat<D>), EvolveError> {
        self.stats.h_evaluations += 1;
        let (m, d) = self.h.h_and_slope(x_km, side)?;
        if !(finite(&m) && finite(&d)) {
            return Err(EvolveError::NonFinite { x_km });
        }
        Ok((m, d))
    }

    /// [`Self::h_and_slope`] written into `h` and `slope` (the kinked step's nodes).
    pub fn h_and_slope_into(
        &mut self,
        x_km: f64,
        side: Side,
        h: &mut CMat<D>,
        slope: &mut CMat<D>,
    ) -> Result<(), EvolveError> {
        self.stats.h_evaluations += 1;
        self.h.h_and_slope_into(x_km, side, h, slope)?;
        if !(finite(h) && finite(slope)) {
            return Err(EvolveError::NonFinite { x_km });
        }
        Ok(())
    }
}
