//! `/observables/arrival_night_bins` (derived, with `[arrival] site`): the night arrival
//! probabilities averaged over each named night bin's chords with their exposure weights
//! [scan..., nE, nBins, nI, 2N]; attributes give each bin's cos θ_z range and its share of
//! the year. With moments, `/observables/arrival_night_bins_mu_eff_sq_mu_b2` is the same
//! average of the per-chord μ_eff² [scan..., nE, nBins, nI].

use super::observables::{ARRIVAL_NIGHT_ZENITH, ARRIVAL_NIGHT_ZENITH_MU2};
use crate::output::{DerivedDataset, EnergyResult, RunHeader};
use crate::scenario::Scenario;

/// `/observables/arrival_night_bins`.
pub const ARRIVAL_NIGHT_BINS: &str = "observables/arrival_night_bins";
/// `/observables/arrival_night_bins_mu_eff_sq_mu_b2`.
pub const ARRIVAL_NIGHT_BINS_MU2: &str = "observables/arrival_night_bins_mu_eff_sq_mu_b2";

/// The datasets (none without night bins; each only with its per-chord night slab).
pub fn night_bin_datasets(
    scenario: &Scenario,
    header: &RunHeader,
    results: &[EnergyResult],
) -> Vec<DerivedDataset> {
    let (ni, nf) = (header.initial_states.len(), header.final_states.len());
    let probabilities = Binned {
        source: ARRIVAL_NIGHT_ZENITH,
        path: ARRIVAL_NIGHT_BINS,
        unit: "1",
        tail: vec![ni, nf],
        what: "night arrival averaged over each named night bin (cos zenith of the Sun) with the site's exposure [scan..., nE, nBins, nI, 2N]",
    };
    let moments = Binned {
        source: ARRIVAL_NIGHT_ZENITH_MU2,
        path: ARRIVAL_NIGHT_BINS_MU2,
        unit: "mu_B^2",
        tail: vec![ni],
        what: "mu_eff^2 of the night arrival (the per-chord observables/arrival_night_zenith_mu_eff_sq_mu_b2) averaged over each named night bin with the site's exposure [scan..., nE, nBins, nI]",
    };
    [probabilities, moments]
        .iter()
        .filter_map(|b| b.dataset(scenario, header, results))
        .collect()
}

/// One per-chord slab averaged per night bin.
struct Binned {
    source: &'static str,
    path: &'static str,
    unit: &'static str,
    /// The slab's shape per chord.
    tail: Vec<usize>,
    what: &'static str,
}

impl Binned {
    /// `None` without night bins or without the source slab.
    fn dataset(
        &self,
        scenario: &Scenario,
        header: &RunHeader,
        results: &[EnergyResult],
    ) -> Option<DerivedDataset> {
        let bins = &scenario.arrival.night_bins;
        let iz = header.extras.iter().position(|e| e.path == self.source)?;
        if bins.is_empty() {
            return None;
        }
        let slab: usize = self.tail.iter().product();
        let nb = bins.len();
        let mut values = vec![f64::NAN; header.n_grid() * nb * slab];
        for r in results {
            let averaged = bin_averages(scenario, &r.extras[iz], slab);
            values[r.grid_index * nb * slab..][..nb * slab].copy_from_slice(&averaged);
        }
        let mut shape = header.grid_shape();
        shape.push(nb);
        shape.extend(&self.tail);
        let names: Vec<String> = bins
            .iter()
            .map(|b| format!("{} [{}, {})", b.name, b.cos_zenith.0, b.cos_zenith.1))
            .collect();
        let mut f64_attrs: Vec<(String, f64)> = bins
            .iter()
            .map(|b| (format!("exposure_{}", b.name), b.exposure))
            .collect();
        let night: f64 = bins.iter().map(|b| b.exposure).sum();
        f64_attrs.push(("exposure_night".into(), night));
        Some(DerivedDataset {
            path: self.path.into(),
            unit: self.unit.into(),
            description: format!(
                "{}; bins: {}; attributes exposure_<bin>: fraction of the year in the bin",
                self.what,
                names.join(", ")
            ),
            shape,
            values,
            f64_attrs,
            text_attrs: vec![("bins".into(), names.join("; "))],
        })
    }
}

/// The per-chord night slab `zenith` ([nZ, slab]) averaged over each night bin's chords with
/// their exposure weights: [nBins, slab].
pub fn bin_averages(scenario: &Scenario, zenith: &[f64], slab: usize) -> Vec<f64> {
    let bins = &scenario.arrival.night_bins;
    let chords = &scenario.arrival.chords;
    let mut out = vec![0.0; bins.len() * slab];
    for (b, bin) in bins.iter().enumerate() {
        let total: f64 = bin.chords.iter().map(|&c| chords[c].weight).sum();
        let o = &mut out[b * slab..(b + 1) * slab];
        for &c in &bin.chords {
            for (v, z) in o.iter_mut().zip(&zenith[c * slab..(c + 1) * slab]) {
                *v += chords[c].weight / total * z;
            }
        }
    }
    out
}
