//! `/detector/{recoil,observed}_spectrum_{day,night}`, `rate_*`, `*day_night_asymmetry` (derived, with a `[detector]` flux table and the `earth`
//! observables): the ν–e recoil spectra of the decoherent arrival at the detector — day,
//! exposure-averaged night and each named night bin —, the observed spectra after the
//! `[detector] response`, the rates in its window and A_DN = 2(D − N)/(D + N) per recoil
//! energy and for the rate. The arrival probabilities give the weak flavour weights and, with
//! moments, the arrival's μ_eff² (`/observables/arrival_*_mu_eff_sq_mu_b2`) the magnetic term;
//! both are interpolated linearly in E between the `[energy]` grid points and the flux is used
//! inside the grid only.
//!
//! The physics is in [`crate::detector::day_night`].

use super::day_night_samples::{against_day, sample_name, stack_bins, Layout, PointRows};
use super::derived;
use crate::detector::cross_section::Interaction;
use crate::detector::day_night::{
    observed_spectrum, recoil_spectrum, window_rate, EnergyVariable, Resolution, Response,
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

/// The folded samples of a run: per sample [scan, nI, nT] spectra and [scan, nI] rates.
struct Folds {
    spectra: Vec<Vec<f64>>,
    observed: Vec<Vec<f64>>,
    rates: Vec<Vec<f64>>,
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
    let Some(layout) = Layout::new(s, header) else {
        return Vec::new();
    };
    if d.flux.is_none() {
        return Vec::new();
    }
    let ne = s.energies_mev.len();
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
    let (ni, nt) = (layout.ni, d.recoil_mev.len());
    let n_samples = layout.n_samples();
    let mut folds = Folds {
        spectra: vec![vec![f64::NAN; n_scan * ni * nt]; n_samples],
        observed: vec![vec![f64::NAN; n_scan * ni * nt]; n_samples],
        rates: vec![vec![f64::NAN; n_scan * ni]; n_samples],
    };
    let mut incomplete = 0;
    let mut cc = super::day_night_cc::CcFolds::new(s, &layout);
    let mut nc = super::day_night_nc::NcFolds::new(s, &layout);
    for p in 0..n_scan {
        let Some(rows) = order
            .iter()
            .map(|&e| by_grid[p * ne + e])
            .collect::<Option<Vec<_>>>()
        else {
            // A scan point without a flux is skipped before its rows are looked at.
            if point_flux(s, p, &energies).is_some() {
                incomplete += 1;
            }
            continue;
        };
        let bins = layout.bins(s.scan_point(p), &rows);
        let point = PointRows {
            p,
            energies: &energies,
            rows,
            bins,
        };
        fold_point(s, &layout, &point, &mut folds);
        if let Some(cc) = cc.as_mut() {
            cc.fold_point(s, &layout, &point);
        }
        if let Some(nc) = nc.as_mut() {
            nc.fold_point(s, &layout, &point);
        }
    }
    let words = Wording::new(&d.response, false);
    let mut out = datasets(s, header, folds, &layout, incomplete);
    let mut cc = cc.map_or_else(Vec::new, |cc| cc.datasets(s, header, &words.window));
    for ds in &mut cc {
        add_attributes(ds, &d.response, &words, incomplete);
    }
    out.extend(cc);
    for mut ds in nc.map_or_else(Vec::new, |nc| nc.datasets(s, header)) {
        warn_incomplete(&mut ds, incomplete);
        out.push(ds);
    }
    out
}

/// The flux of scan point `p` clipped to the energy grid (`None`: no flux there, or none
/// inside the grid).
pub(super) fn point_flux(
    s: &Scenario,
    p: usize,
    energies: &[f64],
) -> Option<crate::flux::FluxTable> {
    let d = s.detector.as_ref()?;
    let pd = s.scan_point(p).detector.as_ref().unwrap_or(d);
    pd.flux
        .as_ref()?
        .table
        .clipped(energies[0], energies[energies.len() - 1])
}

/// Folds every sample of every initial state of one scan point into `folds`.
fn fold_point(s: &Scenario, layout: &Layout, at: &PointRows, folds: &mut Folds) {
    let (p, energies) = (at.p, at.energies);
    let Some(clipped) = point_flux(s, p, energies) else {
        return;
    };
    let d = s
        .detector
        .as_ref()
        .expect("day/night datasets need [detector]");
    let pd = s.scan_point(p).detector.as_ref().unwrap_or(d);
    let response = response_of(&d.response);
    let base = Interaction {
        millicharge_e: pd.millicharge_e,
        charge_radius_cm2: pd.charge_radius_cm2,
        ..Default::default()
    };
    let (ni, nt) = (layout.ni, d.recoil_mev.len());
    for i in 0..ni {
        for (k, sample) in at.samples(layout, i).iter().enumerate() {
            // The recoil grid is validated (> 0, finite), so folding cannot fail.
            let spec = recoil_spectrum(&clipped, &d.recoil_mev, &base, |e| {
                sample.at(energies, s.model.basis, e)
            })
            .unwrap_or_default();
            let spec: Vec<f64> = spec.iter().map(|x| pd.electrons * x).collect();
            let obs = observed_spectrum(&d.recoil_mev, &spec, &response);
            let at = (p * ni + i) * nt;
            folds.rates[k][p * ni + i] = window_rate(&d.recoil_mev, &obs, &response);
            folds.spectra[k][at..at + nt].copy_from_slice(&spec);
            folds.observed[k][at..at + nt].copy_from_slice(&obs);
        }
    }
}

/// The response as the datasets' descriptions and attributes state it.
struct Wording {
    /// `"total"` or `"kinetic"`.
    variable: &'static str,
    window: String,
    resolution: String,
    /// What was folded.
    what: &'static str,
}

impl Wording {
    fn new(r: &ResponseSpec, magnetic: bool) -> Wording {
        let variable = if r.total_energy { "total" } else { "kinetic" };
        Wording {
            variable,
            window: format!(
                "observed {variable} electron energy in [{}, {}) MeV",
                r.threshold_mev, r.max_mev
            ),
            resolution: match r.resolution {
                None => "none (observed = true energy)".to_string(),
                Some((a, b, c)) => format!(
                    "{}: Gaussian sigma(E) = {a} + {b} sqrt(E) + {c} E MeV in {variable} energy",
                    r.resolution_name
                ),
            },
            what: if magnetic {
                "nu-e elastic scattering (weak part with the detector's charge radii and millicharge, magnetic part with \
                 the arrival's mu_eff^2 of observables/arrival_*_mu_eff_sq_mu_b2) of the decoherent arrival, electrons x \
                 int phi(E) dsigma/dT dE over the flux inside the [energy] grid"
            } else {
                "nu-e elastic scattering (weak part with the detector's charge radii and millicharge; no magnetic term) \
                 of the decoherent arrival, electrons x int phi(E) dsigma/dT dE over the flux inside the [energy] grid"
            },
        }
    }
}

/// Shapes the samples into datasets: day, night, night bins, asymmetries.
fn datasets(
    s: &Scenario,
    header: &RunHeader,
    folds: Folds,
    layout: &Layout,
    incomplete: usize,
) -> Vec<DerivedDataset> {
    let d = s
        .detector
        .as_ref()
        .expect("day/night datasets need [detector]");
    let words = Wording::new(&d.response, layout.day_mu.is_some());
    let (ni, nt) = (header.initial_states.len(), d.recoil_mev.len());
    let mut shape_t = header.scan_shape();
    shape_t.extend([ni, nt]);
    let mut shape_r = header.scan_shape();
    shape_r.push(ni);
    let mut out = sample_datasets(s, &folds, &words, &shape_t, &shape_r);
    if layout.nb > 0 {
        out.extend(bin_datasets(s, header, &folds, layout.nb, &words));
    }
    if folds.spectra.len() > 1 {
        out.extend(asymmetry_datasets(&folds, &words, shape_t, shape_r));
    }
    for ds in &mut out {
        add_attributes(ds, &d.response, &words, incomplete);
    }
    out
}

/// Recoil spectrum, observed spectrum and rate of the day and (with chords) the night.
fn sample_datasets(
    s: &Scenario,
    folds: &Folds,
    words: &Wording,
    shape_t: &[usize],
    shape_r: &[usize],
) -> Vec<DerivedDataset> {
    let (what, resolution, window) = (words.what, &words.resolution, &words.window);
    let mut out = Vec::new();
    for k in 0..folds.spectra.len().min(2) {
        let n = sample_name(s, k);
        out.push(derived(
            &format!("{GROUP}/recoil_spectrum_{n}"),
            "s^-1 MeV^-1",
            format!("{n}: true recoil spectrum dN/dT of {what}; axes [scan..., nI, nT] (T = detector/recoil_mev)"),
            shape_t.to_vec(),
            folds.spectra[k].clone(),
        ));
        out.push(derived(
            &format!("{GROUP}/observed_spectrum_{n}"),
            "s^-1 MeV^-1",
            format!("{n}: the recoil spectrum after the energy resolution ({resolution}), per MeV of observed kinetic energy on detector/recoil_mev; axes [scan..., nI, nT]"),
            shape_t.to_vec(),
            folds.observed[k].clone(),
        ));
        out.push(derived(
            &format!("{GROUP}/rate_{n}"),
            "s^-1",
            format!("{n}: events per second in the window ({window}) of the observed spectrum; axes [scan..., nI]"),
            shape_r.to_vec(),
            folds.rates[k].clone(),
        ));
    }
    out
}

/// The observed spectrum and rate of each night bin.
fn bin_datasets(
    s: &Scenario,
    header: &RunHeader,
    folds: &Folds,
    nb: usize,
    words: &Wording,
) -> Vec<DerivedDataset> {
    let ni = header.initial_states.len();
    let nt = s.detector.as_ref().map_or(0, |d| d.recoil_mev.len());
    let names: Vec<String> = (0..nb).map(|b| sample_name(s, b + 2)).collect();
    let mut shape_bt = header.scan_shape();
    shape_bt.extend([nb, ni, nt]);
    let mut shape_br = header.scan_shape();
    shape_br.extend([nb, ni]);
    let (resolution, window) = (&words.resolution, &words.window);
    vec![
        derived(
            &format!("{GROUP}/observed_spectrum_night_bins"),
            "s^-1 MeV^-1",
            format!("observed spectrum in each night bin ({}), resolution {resolution}; axes [scan..., nBins, nI, nT]", names.join(", ")),
            shape_bt,
            stack_bins(&folds.observed, ni, nt),
        ),
        derived(
            &format!("{GROUP}/rate_night_bins"),
            "s^-1",
            format!("rate in each night bin ({}) in the window ({window}), as if the Sun stayed in the bin all year; axes [scan..., nBins, nI]", names.join(", ")),
            shape_br,
            stack_bins(&folds.rates, ni, 1),
        ),
    ]
}

/// A_DN of the observed spectra per recoil energy and of the rates.
fn asymmetry_datasets(
    folds: &Folds,
    words: &Wording,
    shape_t: Vec<usize>,
    shape_r: Vec<usize>,
) -> Vec<DerivedDataset> {
    let of = |v: &[Vec<f64>]| against_day(v, 1);
    vec![
        derived(
            &format!("{GROUP}/day_night_asymmetry"),
            "1",
            "A_DN = 2(D - N)/(D + N) of the observed spectra per observed recoil energy; axes [scan..., nI, nT]".into(),
            shape_t,
            of(&folds.observed),
        ),
        derived(
            &format!("{GROUP}/rate_day_night_asymmetry"),
            "1",
            format!(
                "A_DN = 2(D - N)/(D + N) of the rates in the window ({}); axes [scan..., nI]",
                words.window
            ),
            shape_r,
            of(&folds.rates),
        ),
    ]
}

/// The response's attributes, and the warning of unfinished scan points.
fn add_attributes(ds: &mut DerivedDataset, r: &ResponseSpec, words: &Wording, incomplete: usize) {
    ds.f64_attrs = vec![
        ("threshold_mev".into(), r.threshold_mev),
        ("max_mev".into(), r.max_mev),
    ];
    ds.text_attrs = vec![
        ("resolution".into(), words.resolution.clone()),
        ("energy".into(), words.variable.into()),
    ];
    warn_incomplete(ds, incomplete);
}

/// The warning of unfinished scan points (none when every point finished).
fn warn_incomplete(ds: &mut DerivedDataset, incomplete: usize) {
    if incomplete > 0 {
        ds.text_attrs.push((
            "warning".into(),
            format!("{incomplete} scan point(s) had unfinished energies; their values are NaN"),
        ));
    }
}
