//! [`PathHamiltonian`]: H along a path at one fixed energy — all an integrator sees.
//!
//! Integrators are generic over this trait, so tests can hand them an analytic H(x) (a
//! Landau–Zener ramp, a rotating field) with no medium at all. [`MediumHamiltonian`] is the
//! implementation that joins an [`EnergyHamiltonian`] and a [`Medium`].

use num_complex::Complex64;

use super::assemble::{CMat, EnergyHamiltonian};
use crate::medium::{Medium, MediumError, Side, StepLimit};

/// The Hamiltonian (km⁻¹) along a path at fixed energy.
pub trait PathHamiltonian<const D: usize>: Sync {
    /// H at `x_km`; at a breakpoint, the one-sided limit `side`.
    fn h(&self, x_km: f64, side: Side) -> Result<CMat<D>, MediumError>;

    /// H and dH/dx (km⁻² ) at `x_km`, one-sided at breakpoints.
    fn h_and_slope(&self, x_km: f64, side: Side) -> Result<(CMat<D>, CMat<D>), MediumError>;

    /// [`Self::h_and_slope`] written into `h` and `slope`: the adiabatic integrators evaluate
    /// both at every node, and a pair of matrices moved through a `Result` costs copies.
    /// Default: that method.
    fn h_and_slope_into(
        &self,
        x_km: f64,
        side: Side,
        h: &mut CMat<D>,
        slope: &mut CMat<D>,
    ) -> Result<(), MediumError> {
        (*h, *slope) = self.h_and_slope(x_km, side)?;
        Ok(())
    }

    /// H and H′ on the basis indices `offset .. offset + n` only, written column-major into
    /// `h` and `slope` (n² entries each): what a decoupled half of the basis
    /// ([`crate::evolve::split::Half`]) integrates. Default: the sub-matrices of
    /// [`Self::h_and_slope`]; an implementation may assemble the block alone.
    fn block_h_and_slope(
        &self,
        x_km: f64,
        side: Side,
        offset: usize,
        n: usize,
        h: &mut [Complex64],
        slope: &mut [Complex64],
    ) -> Result<(), MediumError> {
        let (m, d) = self.h_and_slope(x_km, side)?;
        for c in 0..n {
            for r in 0..n {
                h[c * n + r] = m[(offset + r, offset + c)];
                slope[c * n + r] = d[(offset + r, offset + c)];
            }
        }
        Ok(())
    }

    /// Sorted positions where H jumps; steps end exactly on them.
    fn breakpoints(&self) -> &[f64];

    /// Sorted positions where H is continuous but H′ jumps (kinks of piecewise-linear tables),
    /// none of them a breakpoint. Default: none.
    fn kinks(&self) -> &[f64] {
        &[]
    }

    /// Stretches where no step may be longer than a limit ([`StepLimit`], from
    /// [`Medium::step_limits`]). Default: none.
    fn step_limits(&self) -> &[StepLimit] {
        &[]
    }

    /// Entries of H that can ever be nonzero (true on the diagonal): decoupled blocks are the
    /// connected components of this graph.
    fn coupling_pattern(&self) -> [[bool; D]; D];

    /// Entries of H that can change along the path. Default: every entry that can be nonzero
    /// ([`Self::coupling_pattern`]), i.e. no entry known to be constant.
    fn varying_pattern(&self) -> [[bool; D]; D] {
        self.coupling_pattern()
    }

    /// True when H is constant between consecutive breakpoints.
    fn is_piecewise_constant(&self) -> bool {
        false
    }
}

/// H(E, x) of a model in a medium.
pub struct MediumHamiltonian<'a, const D: usize> {
    hamiltonian: EnergyHamiltonian<D>,
    medium: &'a dyn Medium,
    breakpoints: Vec<f64>,
    kinks: Vec<f64>,
    step_limits: Vec<StepLimit>,
    pattern: [[bool; D]; D],
    varying: [[bool; D]; D],
}

impl<'a, const D: usize> MediumHamiltonian<'a, D> {
    /// Joins the energy's Hamiltonian with the medium.
    pub fn new(hamiltonian: EnergyHamiltonian<D>, medium: &'a dyn Medium) -> Self {
        let mut breakpoints = medium.breakpoints();
        breakpoints.sort_by(f64::total_cmp);
        breakpoints.dedup();
        let mut kinks = medium.kinks();
        kinks.sort_by(f64::total_cmp);
        kinks.dedup();
        kinks.retain(|k| breakpoints.binary_search_by(|b| b.total_cmp(k)).is_err());
        let pattern = hamiltonian.coupling_pattern(medium.present_quantities());
        let varying = hamiltonian.varying_pattern(medium.present_quantities());
        MediumHamiltonian {
            hamiltonian,
            medium,
            breakpoints,
            kinks,
            step_limits: medium.step_limits(),
            pattern,
            varying,
        }
    }

    /// The underlying energy Hamiltonian.
    pub fn energy_hamiltonian(&self) -> &EnergyHamiltonian<D> {
        &self.hamiltonian
    }

    /// The medium.
    pub fn medium(&self) -> &dyn Medium {
        self.medium
    }
}

impl<const D: usize> PathHamiltonian<D> for MediumHamiltonian<'_, D> {
    fn h(&self, x_km: f64, side: Side) -> Result<CMat<D>, MediumError> {
        let p = self.medium.point(x_km, side)?;
        Ok(self.hamiltonian.at(&p))
    }

    fn h_and_slope(&self, x_km: f64, side: Side) -> Result<(CMat<D>, CMat<D>), MediumError> {
        let (p, dp) = self.medium.point_and_slope(x_km, side)?;
        Ok(self.hamiltonian.at_with_slope(&p, &dp))
    }

    fn block_h_and_slope(
        &self,
        x_km: f64,
        side: Side,
        offset: usize,
        n: usize,
        h: &mut [Complex64],
        slope: &mut [Complex64],
    ) -> Result<(), MediumError> {
        let (p, dp) = self.medium.point_and_slope(x_km, side)?;
        self.hamiltonian
            .block_at_with_slope(&p, &dp, (offset, n), h, slope);
        Ok(())
    }

    fn breakpoints(&self) -> &[f64] {
        &self.breakpoints
    }

    fn kinks(&self) -> &[f64] {
        &self.kinks
    }

    fn step_limits(&self) -> &[StepLimit] {
        &self.step_limits
    }

    fn coupling_pattern(&self) -> [[bool; D]; D] {
        self.pattern
    }

    fn varying_pattern(&self) -> [[bool; D]; D] {
        self.varying
    }

    fn is_piecewise_constant(&self) -> bool {
        self.medium.is_piecewise_constant()
    }
}
