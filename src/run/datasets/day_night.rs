//! `/detector/{recoil,observed}_spectrum_{day,night}`, `rate_*`, `*day_night_asymmetry` (derived, with a `[detector]` flux table and the `earth`
//! observables): the ν–e recoil spectra of the decoherent arrival at the detector — day,
//! exposure-averaged night and each named night bin —, the observed spectra after the
//! `[detector] response`, the rates in its window and A_DN = 2(D − N)/(D + N) per recoil
//! energy and for the rate. The arrival probabilities are interpolated linearly in E between
//! the `[energy]` grid points and the flux is used inside the grid only.
//!
//! The physics is in [`crate::detector::day_night`].

use super::night_bins::bin_averages;
use super::observables::{ARRIVAL_DAY, ARRIVAL_NIGHT, ARRIVAL_NIGHT_ZENITH};
use super::{derived, slab_index};
use crate::basis::Basis;
use crate::detector::cross_section::{Composition, Interaction};
use crate::detector::day_night::{
    arrival_composition, asymmetry, observed_spectrum, recoil_spectrum, window_rate,
    EnergyVariable, Resolution, Response,
};
use crate::output::{DerivedDataset, EnergyResult, RunHeader};
use crate::scenario::detector_response::ResponseSpec;
use crate::scenario::Scenario;

/// Group of the datasets (`/detector/recoil_spectrum_day`, `/detector/rate_night`, ...).
pub const GROUP: &str = "detector";

/// The detector physics' response of a validated `[detector] response`.
pub fn response_of(spec: &ResponseSpec) -> Response {
    Response {
        resolution: spec.resolution.map(|(a, b, c)| Resolution {
            a_mev: a,
            b_sqrt_mev: b,
            c,
        }),
        variable: if spec.total_energy {
            EnergyVariable::Total
        } else {
            EnergyVariable::Kinetic
        },
        threshold_mev: spec.threshold_mev,
        max_mev: spec.max_mev,
    }
}

/// One arrival sample (day, night or a night bin): per sorted energy, the 2N probabilities
/// of one initial state.
type Sample = Vec<Vec<f64>>;

/// Linear interpolation of the composition in E over the sorted grid, constant beyond.
fn composition_at(energies: &[f64], sample: &Sample, majorana: bool, e: f64) -> Composition {
    let last = energies.len() - 1;
    if last == 0 {
        return arrival_composition(&sample[0], majorana);
    }
    let k = energies.partition_point(|&x| x <= e).clamp(1, last);
    let w = ((e - energies[k - 1]) / (energies[k] - energies[k - 1])).clamp(0.0, 1.0);
    let p: Vec<f64> = sample[k - 1]
        .iter()
        .zip(&sample[k])
        .map(|(a, b)| a * (1.0 - w) + b * w)
        .collect();
    arrival_composition(&p, majorana)
}

/// The day/night datasets (none without a flux table or without the arrival day slab).
pub fn day_night_datasets(
    s: &Scenario,
    header: &RunHeader,
    results: &[EnergyResult],
) -> Vec<DerivedDataset> {
    let Some(d) = &s.detector else {
        return Vec::new();
    };
    let Some(iday) = slab_index(header, ARRIVAL_DAY) else {
        return Vec::new();
    };
    if d.flux.is_none() {
        return Vec::new();
    }
    let inight = slab_index(header, ARRIVAL_NIGHT);
    let izen = slab_index(header, ARRIVAL_NIGHT_ZENITH);
    let nb = if izen.is_some() {
        s.arrival.night_bins.len()
    } else {
        0
    };
    let ne = s.energies_mev.len();
    let (ni, dim) = (header.initial_states.len(), header.final_states.len());
    let nt = d.recoil_mev.len();
    let majorana = s.model.basis == Basis::Majorana;
    let response = response_of(&d.response);
    let mut order: Vec<usize> = (0..ne).collect();
    order.sort_by(|&a, &b| s.energies_mev[a].total_cmp(&s.energies_mev[b]));
    let energies: Vec<f64> = order.iter().map(|&e| s.energies_mev[e]).collect();
    let n_scan = s.n_scan_points();
    let mut by_grid: Vec<Option<&EnergyResult>> = vec![None; n_scan * ne];
    for r in results {
        if let Some(slot) = by_grid.get_mut(r.grid_index) {
            *slot = Some(r);
        }
    }
    // Samples: day, night (when chords), night bins.
    let n_samples = 1 + usize::from(inight.is_some()) + nb;
    let mut spectra = vec![vec![f64::NAN; n_scan * ni * nt]; n_samples];
    let mut observed = vec![vec![f64::NAN; n_scan * ni * nt]; n_samples];
    let mut rates = vec![vec![f64::NAN; n_scan * ni]; n_samples];
    let mut incomplete = 0;
    for p in 0..n_scan {
        let point = s.scan_point(p);
        let pd = point.detector.as_ref().unwrap_or(d);
        let Some(flux) = pd.flux.as_ref() else {
            continue;
        };
        let Some(clipped) = flux.table.clipped(energies[0], energies[ne - 1]) else {
            continue;
        };
        let Some(rows) = order
            .iter()
            .map(|&e| by_grid[p * ne + e])
            .collect::<Option<Vec<_>>>()
        else {
            incomplete += 1;
            continue;
        };
        let base = Interaction {
            millicharge_e: pd.millicharge_e,
            charge_radius_cm2: pd.charge_radius_cm2,
            ..Default::default()
        };
        let bins: Vec<Vec<f64>> = match izen {
            Some(iz) if nb > 0 => rows
                .iter()
                .map(|r| bin_averages(point, &r.extras[iz], ni * dim))
                .collect(),
            _ => Vec::new(),
        };
        for i in 0..ni {
            let slab_of = |v: &[f64]| v[i * dim..(i + 1) * dim].to_vec();
            let mut samples: Vec<Sample> =
                vec![rows.iter().map(|r| slab_of(&r.extras[iday])).collect()];
            if let Some(k) = inight {
                samples.push(rows.iter().map(|r| slab_of(&r.extras[k])).collect());
            }
            for b in 0..nb {
                samples.push(
                    bins.iter()
                        .map(|v| v[(b * ni + i) * dim..(b * ni + i + 1) * dim].to_vec())
                        .collect(),
                );
            }
            for (k, sample) in samples.iter().enumerate() {
                // The recoil grid is validated (> 0, finite), so folding cannot fail.
                let spec = recoil_spectrum(&clipped, &d.recoil_mev, &base, |e| {
                    composition_at(&energies, sample, majorana, e)
                })
                .unwrap_or_default();
                let spec: Vec<f64> = spec.iter().map(|x| pd.electrons * x).collect();
                let obs = observed_spectrum(&d.recoil_mev, &spec, &response);
                let at = (p * ni + i) * nt;
                rates[k][p * ni + i] = window_rate(&d.recoil_mev, &obs, &response);
                spectra[k][at..at + nt].copy_from_slice(&spec);
                observed[k][at..at + nt].copy_from_slice(&obs);
            }
        }
    }
    datasets(s, header, spectra, observed, rates, nb, incomplete)
}

/// Shapes the samples into datasets: day, night, night bins, asymmetries.
fn datasets(
    s: &Scenario,
    header: &RunHeader,
    spectra: Vec<Vec<f64>>,
    observed: Vec<Vec<f64>>,
    rates: Vec<Vec<f64>>,
    nb: usize,
    incomplete: usize,
) -> Vec<DerivedDataset> {
    let d = s
        .detector
        .as_ref()
        .expect("day/night datasets need [detector]");
    let r = &d.response;
    let (ni, nt) = (header.initial_states.len(), d.recoil_mev.len());
    let variable = if r.total_energy { "total" } else { "kinetic" };
    let window = format!(
        "observed {variable} electron energy in [{}, {}) MeV",
        r.threshold_mev, r.max_mev
    );
    let resolution = match r.resolution {
        None => "none (observed = true energy)".to_string(),
        Some((a, b, c)) => format!(
            "{}: Gaussian sigma(E) = {a} + {b} sqrt(E) + {c} E MeV in {variable} energy",
            r.resolution_name
        ),
    };
    let what = "nu-e elastic scattering (weak part with the detector's charge radii and millicharge; no magnetic term) \
                of the decoherent arrival, electrons x int phi(E) dsigma/dT dE over the flux inside the [energy] grid";
    let mut shape_t = header.scan_shape();
    shape_t.extend([ni, nt]);
    let mut shape_r = header.scan_shape();
    shape_r.push(ni);
    let mut out = Vec::new();
    let name = |k: usize| -> String {
        match k {
            0 => "day".into(),
            1 => "night".into(),
            _ => s.arrival.night_bins[k - 2].name.clone(),
        }
    };
    let has_night = spectra.len() > 1;
    for k in 0..spectra.len().min(if has_night { 2 } else { 1 }) {
        let n = name(k);
        out.push(derived(
            &format!("{GROUP}/recoil_spectrum_{n}"),
            "s^-1 MeV^-1",
            format!("{n}: true recoil spectrum dN/dT of {what}; axes [scan..., nI, nT] (T = detector/recoil_mev)"),
            shape_t.clone(),
            spectra[k].clone(),
        ));
        out.push(derived(
            &format!("{GROUP}/observed_spectrum_{n}"),
            "s^-1 MeV^-1",
            format!("{n}: the recoil spectrum after the energy resolution ({resolution}), per MeV of observed kinetic energy on detector/recoil_mev; axes [scan..., nI, nT]"),
            shape_t.clone(),
            observed[k].clone(),
        ));
        out.push(derived(
            &format!("{GROUP}/rate_{n}"),
            "s^-1",
            format!("{n}: events per second in the window ({window}) of the observed spectrum; axes [scan..., nI]"),
            shape_r.clone(),
            rates[k].clone(),
        ));
    }
    if nb > 0 {
        let names: Vec<String> = (0..nb).map(|b| name(b + 2)).collect();
        let stack = |v: &[Vec<f64>], per: usize| -> Vec<f64> {
            // [nb][scan, ni, per] -> [scan, nb, ni, per]
            let n_scan = v[2].len() / (ni * per);
            let mut out = Vec::with_capacity(n_scan * nb * ni * per);
            for p in 0..n_scan {
                for item in v.iter().skip(2) {
                    out.extend_from_slice(&item[p * ni * per..(p + 1) * ni * per]);
                }
            }
            out
        };
        let mut shape_bt = header.scan_shape();
        shape_bt.extend([nb, ni, nt]);
        let mut shape_br = header.scan_shape();
        shape_br.extend([nb, ni]);
        out.push(derived(
            &format!("{GROUP}/observed_spectrum_night_bins"),
            "s^-1 MeV^-1",
            format!("observed spectrum in each night bin ({}), resolution {resolution}; axes [scan..., nBins, nI, nT]", names.join(", ")),
            shape_bt,
            stack(&observed, nt),
        ));
        out.push(derived(
            &format!("{GROUP}/rate_night_bins"),
            "s^-1",
            format!("rate in each night bin ({}) in the window ({window}), as if the Sun stayed in the bin all year; axes [scan..., nBins, nI]", names.join(", ")),
            shape_br,
            stack(&rates, 1),
        ));
    }
    if has_night {
        let per_t: Vec<f64> = observed[0]
            .iter()
            .zip(&observed[1])
            .map(|(a, b)| asymmetry(*a, *b))
            .collect();
        out.push(derived(
            &format!("{GROUP}/day_night_asymmetry"),
            "1",
            "A_DN = 2(D - N)/(D + N) of the observed spectra per observed recoil energy; axes [scan..., nI, nT]".into(),
            shape_t,
            per_t,
        ));
        let rate: Vec<f64> = rates[0]
            .iter()
            .zip(&rates[1])
            .map(|(a, b)| asymmetry(*a, *b))
            .collect();
        out.push(derived(
            &format!("{GROUP}/rate_day_night_asymmetry"),
            "1",
            format!(
                "A_DN = 2(D - N)/(D + N) of the rates in the window ({window}); axes [scan..., nI]"
            ),
            shape_r,
            rate,
        ));
    }
    for ds in &mut out {
        ds.f64_attrs = vec![
            ("threshold_mev".into(), r.threshold_mev),
            ("max_mev".into(), r.max_mev),
        ];
        ds.text_attrs = vec![
            ("resolution".into(), resolution.clone()),
            ("energy".into(), variable.into()),
        ];
        if incomplete > 0 {
            ds.text_attrs.push((
                "warning".into(),
                format!("{incomplete} scan point(s) had unfinished energies; their values are NaN"),
            ));
        }
    }
    out
}
