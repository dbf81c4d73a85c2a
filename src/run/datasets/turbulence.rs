//! `[turbulence] realisations = K` as datasets: the probability at the last record point of
//! every realisation (`/turbulence/probability_end`, the realisation axis leading the scan
//! axes) and its summary over the realisations (whole run): mean, standard deviation and
//! the 5/50/95 % quantiles.

use super::{derived, slab_index, spec, PointInput};
use crate::evolve::Solution;
use crate::output::{DerivedDataset, EnergyResult, ExtraSpec, RunHeader};
use crate::scenario::turbulence::REALISATION_FIELD;
use crate::scenario::Scenario;

/// `/turbulence/probability_end`.
pub const PROBABILITY_END: &str = "turbulence/probability_end";

/// The summary datasets: (path suffix, description).
const SUMMARIES: [(&str, &str); 5] = [
    ("mean", "mean"),
    ("std", "standard deviation (1/K normalisation)"),
    (
        "q05",
        "5 % quantile (linear interpolation between order statistics, numpy's default)",
    ),
    ("q50", "median (50 % quantile)"),
    ("q95", "95 % quantile"),
];

/// The producer of the realisation datasets.
#[derive(Debug, Clone, Copy)]
pub struct Realisations;

/// Whether `plan` runs turbulence realisations (its first scan axis is the realisation axis).
pub fn has_realisations(plan: &Scenario) -> bool {
    plan.scan_axes()
        .first()
        .is_some_and(|a| a.field == REALISATION_FIELD)
}

/// The q-quantile of sorted values (linear interpolation, numpy's default "linear").
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

impl Realisations {
    pub(super) fn specs(&self, plan: &Scenario) -> Vec<ExtraSpec> {
        let (ni, d) = (plan.initial.len(), plan.labels.len());
        vec![spec(
            PROBABILITY_END,
            "1",
            "P(initial -> final) at the last record point of each turbulence realisation (leading scan axis turbulence.realisation) [scan..., nE, nI, 2N]".into(),
            vec![ni, d],
        )]
    }

    pub(super) fn slabs<const D: usize>(
        &self,
        input: &PointInput<'_, D>,
        solution: &Solution<D>,
        out: &mut Vec<Vec<f64>>,
    ) {
        let s = &solution.propagators[solution.propagators.len() - 1];
        out.push(
            input
                .physics
                .initial
                .iter()
                .flat_map(|&i| (0..D).map(move |beta| s[(beta, i)].norm_sqr()))
                .collect(),
        );
    }

    /// Mean, standard deviation and quantiles over the realisation axis; a grid point is
    /// NaN unless every realisation of it finished.
    pub(super) fn derived(
        &self,
        header: &RunHeader,
        results: &[EnergyResult],
    ) -> Vec<DerivedDataset> {
        let Some(k) = slab_index(header, PROBABILITY_END) else {
            return Vec::new();
        };
        let grid = header.grid_shape();
        let n_real = grid[0];
        let rest: usize = grid[1..].iter().product();
        let slab = header.extras[k].slab_len();
        let mut values = vec![f64::NAN; header.n_grid() * slab];
        let mut done = vec![false; header.n_grid()];
        for r in results {
            values[r.grid_index * slab..(r.grid_index + 1) * slab].copy_from_slice(&r.extras[k]);
            done[r.grid_index] = true;
        }
        let mut out: Vec<Vec<f64>> = vec![vec![f64::NAN; rest * slab]; SUMMARIES.len()];
        let mut sample = Vec::with_capacity(n_real);
        for g in 0..rest {
            if !(0..n_real).all(|r| done[r * rest + g]) {
                continue;
            }
            for c in 0..slab {
                sample.clear();
                sample.extend((0..n_real).map(|r| values[(r * rest + g) * slab + c]));
                let mean = sample.iter().sum::<f64>() / n_real as f64;
                let var = sample.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n_real as f64;
                sample.sort_by(f64::total_cmp);
                let at = g * slab + c;
                out[0][at] = mean;
                out[1][at] = var.sqrt();
                out[2][at] = quantile(&sample, 0.05);
                out[3][at] = quantile(&sample, 0.50);
                out[4][at] = quantile(&sample, 0.95);
            }
        }
        let mut shape = grid[1..].to_vec();
        shape.extend(&header.extras[k].shape);
        SUMMARIES
            .iter()
            .zip(out)
            .map(|((name, what), v)| {
                derived(
                    &format!("turbulence/probability_{name}"),
                    "1",
                    format!("{what} over the {n_real} turbulence realisations of probability_end [scan (without the realisation axis)..., nE, nI, 2N] (NaN where a realisation did not finish)"),
                    shape.clone(),
                    v,
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_numpy_linear() {
        // numpy.quantile([1, 2, 3, 4, 10], [0.05, 0.5, 0.95]) = [1.2, 3.0, 8.8].
        let s = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert!((quantile(&s, 0.05) - 1.2).abs() < 1e-12);
        assert_eq!(quantile(&s, 0.5), 3.0);
        assert!((quantile(&s, 0.95) - 8.8).abs() < 1e-12);
        assert_eq!(quantile(&[2.5], 0.95), 2.5);
    }
}
