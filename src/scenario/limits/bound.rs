//! A cheap upper bound on the phase estimate and on |H_ij| for piecewise-constant media, so
//! that the limits check does not sample H 1024 times per energy and scan point (for a zenith
//! grid of 100 chords that sampling was most of a run's time).
//!
//! Every sample of the estimate lies in one of the track's constant segments, so with
//! H = H₀ + Σ_k s_k G_k and the spread √2‖A − tr A/D‖_F a seminorm,
//! spread(H(x)) ≤ spread(H₀) + Σ_k |s_k(x)| spread(G_k) ≤ spread(H₀) + Σ_k max_seg |s_k| spread(G_k),
//! and likewise every term's largest entry is ≤ max(max|H₀|, Σ_k max_seg |s_k| max|G_k|). When
//! the bound is within a limit, the estimate is too and the check passes; otherwise the full
//! estimate decides (same verdicts and messages as before).

use super::{max_entry, spread};
use crate::basis::Flavours;
use crate::hamiltonian::potential::scalars;
use crate::hamiltonian::{EnergyHamiltonian, Model, N_SCALARS};
use crate::medium::{Medium, Side};

/// Rounding margin of the sampled sums against the bound.
const MARGIN: f64 = 1.01;

/// The largest |s_k| over the constant segments of a track.
pub(super) struct SegmentScalars {
    max_abs: [f64; N_SCALARS],
    length_km: f64,
}

impl SegmentScalars {
    /// `None` when the medium is not piecewise constant or cannot be evaluated (the full
    /// estimate then decides and reports).
    pub(super) fn of(medium: &dyn Medium, start_km: f64, end_km: f64) -> Option<Self> {
        if !medium.is_piecewise_constant()
            || start_km.partial_cmp(&end_km) != Some(std::cmp::Ordering::Less)
        {
            return None;
        }
        let mut edges: Vec<f64> = medium
            .breakpoints()
            .into_iter()
            .filter(|&b| b > start_km && b < end_km)
            .collect();
        edges.sort_by(f64::total_cmp);
        let mut max_abs = [0.0_f64; N_SCALARS];
        let mut x = start_km;
        for &next in edges.iter().chain(std::iter::once(&end_km)) {
            if next > x {
                let s = scalars(&medium.point(0.5 * (x + next), Side::Right).ok()?);
                if s.iter().any(|v| !v.is_finite()) {
                    return None;
                }
                for (m, v) in max_abs.iter_mut().zip(s) {
                    *m = m.max(v.abs());
                }
            }
            x = next;
        }
        // Samples exactly on a breakpoint take its right side: a segment value too.
        Some(SegmentScalars {
            max_abs,
            length_km: end_km - start_km,
        })
    }

    /// (bound on the phase estimate in rad, bound on the largest entry in km⁻¹) at one energy.
    pub(super) fn bounds(&self, model: &Model, energy_mev: f64) -> (f64, f64) {
        match model.flavours() {
            Flavours::Two => self.bounds_d::<4>(model, energy_mev),
            Flavours::Three => self.bounds_d::<6>(model, energy_mev),
        }
    }

    fn bounds_d<const D: usize>(&self, model: &Model, energy_mev: f64) -> (f64, f64) {
        let h = EnergyHamiltonian::<D>::new(model, energy_mev * 1e6);
        let mut rate = spread(h.vacuum());
        let mut entry = 0.0;
        for k in 0..N_SCALARS {
            if self.max_abs[k] == 0.0 {
                continue;
            }
            let mut unit = [0.0; N_SCALARS];
            unit[k] = 1.0;
            let g = h.slope_from_scalars(&unit);
            rate += self.max_abs[k] * spread(&g);
            entry += self.max_abs[k] * max_entry(&g);
        }
        (
            MARGIN * rate * self.length_km,
            MARGIN * entry.max(max_entry(h.vacuum())),
        )
    }
}
