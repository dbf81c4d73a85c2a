//! The arrival samples the day/night foldings share (`/detector/*` of ν–e scattering,
//! `cc_*` and `nc_*` on deuterium): where the day, night and per-chord slabs are in every
//! result ([`Layout`]), one sample's probabilities and μ_eff² interpolated in energy
//! ([`Sample`]), and the reshaping of per-sample folds into night-bin datasets and day–night
//! asymmetries. Samples are ordered day, night, then the named night bins.

use super::night_bins::bin_averages;
use super::observables::{
    ARRIVAL_DAY, ARRIVAL_DAY_MU2, ARRIVAL_NIGHT, ARRIVAL_NIGHT_MU2, ARRIVAL_NIGHT_ZENITH,
    ARRIVAL_NIGHT_ZENITH_MU2,
};
use super::{derived, slab_index};
use crate::basis::Basis;
use crate::detector::cross_section::Composition;
use crate::detector::day_night::asymmetry;
use crate::detector::mixture::arrival_composition;
use crate::output::{DerivedDataset, EnergyResult, RunHeader};
use crate::scenario::Scenario;

/// One arrival sample (day, night or a night bin) of one initial state over the sorted
/// energies: the 2N probabilities and the μ_eff² (μ_B²; 0 without moments).
pub(super) struct Sample {
    probabilities: Vec<Vec<f64>>,
    mu_eff_sq_mu_b2: Vec<f64>,
}

impl Sample {
    /// Flavour weights and μ_eff² at `e`, linear in E over the sorted grid, constant beyond.
    pub(super) fn at(&self, energies: &[f64], basis: Basis, e: f64) -> (Composition, f64) {
        let (p, mu) = (&self.probabilities, &self.mu_eff_sq_mu_b2);
        let last = energies.len() - 1;
        if last == 0 {
            return (arrival_composition(&p[0], basis), mu[0]);
        }
        let k = energies.partition_point(|&x| x <= e).clamp(1, last);
        let w = ((e - energies[k - 1]) / (energies[k] - energies[k - 1])).clamp(0.0, 1.0);
        let lerp = |a: f64, b: f64| a * (1.0 - w) + b * w;
        let mixed: Vec<f64> = p[k - 1]
            .iter()
            .zip(&p[k])
            .map(|(a, b)| lerp(*a, *b))
            .collect();
        (arrival_composition(&mixed, basis), lerp(mu[k - 1], mu[k]))
    }
}

/// Where the arrival slabs are in every result, and the run's shape.
pub(super) struct Layout {
    day: usize,
    night: Option<usize>,
    zenith: Option<usize>,
    /// μ_eff² of day, night and per chord (with moments; `None`: the arrival has none).
    pub(super) day_mu: Option<usize>,
    night_mu: Option<usize>,
    zenith_mu: Option<usize>,
    /// Night bins folded (0 without the per-chord slab).
    pub(super) nb: usize,
    pub(super) ni: usize,
    dim: usize,
}

impl Layout {
    /// `None` without the day slab.
    pub(super) fn new(s: &Scenario, header: &RunHeader) -> Option<Layout> {
        let day = slab_index(header, ARRIVAL_DAY)?;
        let zenith = slab_index(header, ARRIVAL_NIGHT_ZENITH);
        Some(Layout {
            day,
            night: slab_index(header, ARRIVAL_NIGHT),
            zenith,
            day_mu: slab_index(header, ARRIVAL_DAY_MU2),
            night_mu: slab_index(header, ARRIVAL_NIGHT_MU2),
            zenith_mu: slab_index(header, ARRIVAL_NIGHT_ZENITH_MU2),
            nb: zenith.map_or(0, |_| s.arrival.night_bins.len()),
            ni: header.initial_states.len(),
            dim: header.final_states.len(),
        })
    }

    /// Day, night (with chords) and the night bins.
    pub(super) fn n_samples(&self) -> usize {
        1 + usize::from(self.night.is_some()) + self.nb
    }

    /// The samples of initial state `i` at one scan point (`rows`: its results by sorted
    /// energy; `bins`/`bins_mu`: the night-bin averages per row).
    pub(super) fn samples(
        &self,
        rows: &[&EnergyResult],
        bins: &[(Vec<f64>, Vec<f64>)],
        i: usize,
    ) -> Vec<Sample> {
        let dim = self.dim;
        let probs = |k: usize| -> Vec<Vec<f64>> {
            rows.iter()
                .map(|r| r.extras[k][i * dim..(i + 1) * dim].to_vec())
                .collect()
        };
        let mu = |k: Option<usize>| -> Vec<f64> {
            rows.iter()
                .map(|r| k.map_or(0.0, |k| r.extras[k][i]))
                .collect()
        };
        let mut out = vec![Sample {
            probabilities: probs(self.day),
            mu_eff_sq_mu_b2: mu(self.day_mu),
        }];
        if let Some(k) = self.night {
            out.push(Sample {
                probabilities: probs(k),
                mu_eff_sq_mu_b2: mu(self.night_mu),
            });
        }
        for b in 0..self.nb {
            let at = (b * self.ni + i) * dim;
            out.push(Sample {
                probabilities: bins.iter().map(|v| v.0[at..at + dim].to_vec()).collect(),
                mu_eff_sq_mu_b2: bins
                    .iter()
                    .map(|v| v.1.get(b * self.ni + i).copied().unwrap_or(0.0))
                    .collect(),
            });
        }
        out
    }

    /// Per row, the night-bin averages of the per-chord probabilities and μ_eff² (empty
    /// without night bins; the μ_eff² part empty without moments).
    pub(super) fn bins(
        &self,
        point: &Scenario,
        rows: &[&EnergyResult],
    ) -> Vec<(Vec<f64>, Vec<f64>)> {
        let Some(iz) = self.zenith.filter(|_| self.nb > 0) else {
            return Vec::new();
        };
        rows.iter()
            .map(|r| {
                let mu = self
                    .zenith_mu
                    .map(|k| bin_averages(point, &r.extras[k], self.ni))
                    .unwrap_or_default();
                (bin_averages(point, &r.extras[iz], self.ni * self.dim), mu)
            })
            .collect()
    }
}

/// The name of sample `k`: day, night, then the night bins.
pub(super) fn sample_name(s: &Scenario, k: usize) -> String {
    match k {
        0 => "day".into(),
        1 => "night".into(),
        _ => s.arrival.night_bins[k - 2].name.clone(),
    }
}

/// The night-bin samples (k ≥ 2) of per-sample folds `v` ([scan, nI, per] each) stacked as
/// [scan, nBins, nI, per].
pub(super) fn stack_bins(v: &[Vec<f64>], ni: usize, per: usize) -> Vec<f64> {
    let bins = &v[2.min(v.len())..];
    let Some(first) = bins.first() else {
        return Vec::new();
    };
    let n_scan = first.len() / (ni * per);
    let mut out = Vec::with_capacity(n_scan * bins.len() * ni * per);
    for p in 0..n_scan {
        for item in bins {
            out.extend_from_slice(&item[p * ni * per..(p + 1) * ni * per]);
        }
    }
    out
}

/// A_DN = 2(D − N)/(D + N) of sample `k` against the day (sample 0), entry by entry.
pub(super) fn against_day(v: &[Vec<f64>], k: usize) -> Vec<f64> {
    v[0].iter()
        .zip(&v[k])
        .map(|(d, n)| asymmetry(*d, *n))
        .collect()
}

/// A_DN of every night bin against the day, stacked like [`stack_bins`].
pub(super) fn bins_against_day(v: &[Vec<f64>], ni: usize, per: usize) -> Vec<f64> {
    let per_bin: Vec<Vec<f64>> = (0..v.len())
        .map(|k| if k < 2 { Vec::new() } else { against_day(v, k) })
        .collect();
    stack_bins(&per_bin, ni, per)
}

/// One scan point's finished rows, sorted by energy, with their night-bin averages: what
/// every day/night folding of that point reads.
pub(super) struct PointRows<'a> {
    /// The scan point.
    pub(super) p: usize,
    /// The sorted energy grid (MeV).
    pub(super) energies: &'a [f64],
    pub(super) rows: Vec<&'a EnergyResult>,
    /// [`Layout::bins`] of the rows.
    pub(super) bins: Vec<(Vec<f64>, Vec<f64>)>,
}

impl PointRows<'_> {
    /// The samples of initial state `i`: day, night, night bins.
    pub(super) fn samples(&self, layout: &Layout, i: usize) -> Vec<Sample> {
        layout.samples(&self.rows, &self.bins, i)
    }
}

/// The bins' names as the datasets' descriptions list them.
pub(super) fn bin_names(s: &Scenario) -> String {
    let names: Vec<&str> = s
        .arrival
        .night_bins
        .iter()
        .map(|b| b.name.as_str())
        .collect();
    names.join(", ")
}

/// Per-sample rates [scan, nI] as datasets under `group`: `{prefix}rate_day`, `_night`,
/// `{prefix}rate_day_night_asymmetry` and, with night bins, `{prefix}rate_night_bins`
/// [scan, nBins, nI] and `{prefix}rate_day_night_asymmetry_night_bins` (each bin against
/// the day). `what` says what a rate counts.
pub(super) fn rate_datasets(
    s: &Scenario,
    header: &RunHeader,
    rates: &[Vec<f64>],
    name: (&str, &str),
    what: &str,
) -> Vec<DerivedDataset> {
    let (group, prefix) = name;
    let ni = header.initial_states.len();
    let mut shape = header.scan_shape();
    shape.push(ni);
    let mut out: Vec<DerivedDataset> = rates
        .iter()
        .take(2)
        .enumerate()
        .map(|(k, r)| {
            let n = sample_name(s, k);
            derived(
                &format!("{group}/{prefix}rate_{n}"),
                "s^-1",
                format!("{n}: {what}; axes [scan..., nI]"),
                shape.clone(),
                r.clone(),
            )
        })
        .collect();
    if rates.len() > 1 {
        out.push(derived(
            &format!("{group}/{prefix}rate_day_night_asymmetry"),
            "1",
            format!("A_DN = 2(D - N)/(D + N) of the rates ({what}); axes [scan..., nI]"),
            shape.clone(),
            against_day(rates, 1),
        ));
    }
    if rates.len() > 2 {
        let bins = bin_names(s);
        let mut shape_b = header.scan_shape();
        shape_b.extend([rates.len() - 2, ni]);
        out.push(derived(
            &format!("{group}/{prefix}rate_night_bins"),
            "s^-1",
            format!("each night bin ({bins}), as if the Sun stayed in it all year: {what}; axes [scan..., nBins, nI]"),
            shape_b.clone(),
            stack_bins(rates, ni, 1),
        ));
        out.push(derived(
            &format!("{group}/{prefix}rate_day_night_asymmetry_night_bins"),
            "1",
            format!("A_DN = 2(D - N_bin)/(D + N_bin) of the day rate and each night bin's ({bins}); axes [scan..., nBins, nI]"),
            shape_b,
            bins_against_day(rates, ni, 1),
        ));
    }
    out
}
