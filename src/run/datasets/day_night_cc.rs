//! `/detector/cc_*` (derived, with `[detector] deuterons` next to the ν–e day/night
//! datasets): ν_e CC on deuterium of the decoherent arrival — the electron spectrum by day
//! and by (exposure-averaged) night, after the `[detector] response`, the rates in its window
//! and A_DN per electron energy and for the rate. The ν_e probability of the arrival is
//! interpolated linearly in E like the ν–e channel's weights; the flux is the same clipped
//! table. The physics is [`crate::detector::deuteron`].

use super::day_night::{point_flux, response_of, Layout, GROUP};
use super::derived;
use crate::detector::day_night::{asymmetry, observed_spectrum, window_rate};
use crate::detector::deuteron::fold_cc_spectrum;
use crate::output::{DerivedDataset, EnergyResult, RunHeader};
use crate::scenario::Scenario;

/// The CC folds of day (k = 0) and night (k = 1): per sample [scan, nI, nT] and [scan, nI].
pub(super) struct CcFolds {
    spectra: Vec<Vec<f64>>,
    observed: Vec<Vec<f64>>,
    rates: Vec<Vec<f64>>,
    nt: usize,
    ni: usize,
}

impl CcFolds {
    /// `None` without `[detector] deuterons` or without a night (nothing to compare).
    pub(super) fn new(s: &Scenario, layout: &Layout) -> Option<CcFolds> {
        let d = s.detector.as_ref()?;
        d.deuterons?;
        let n_samples = layout.n_samples().min(2);
        let (ni, nt, n_scan) = (layout.ni, d.recoil_mev.len(), s.n_scan_points());
        Some(CcFolds {
            spectra: vec![vec![f64::NAN; n_scan * ni * nt]; n_samples],
            observed: vec![vec![f64::NAN; n_scan * ni * nt]; n_samples],
            rates: vec![vec![f64::NAN; n_scan * ni]; n_samples],
            nt,
            ni,
        })
    }

    /// Folds day and night of every initial state of scan point `p`.
    pub(super) fn fold_point(
        &mut self,
        s: &Scenario,
        p: usize,
        layout: &Layout,
        energies: &[f64],
        rows: &[&EnergyResult],
    ) {
        let (Some(clipped), Some(d)) = (point_flux(s, p, energies), s.detector.as_ref()) else {
            return;
        };
        let deuterons = d.deuterons.unwrap_or(0.0);
        let response = response_of(&d.response);
        let (ni, nt) = (self.ni, self.nt);
        for i in 0..ni {
            let samples = layout.samples(rows, &[], i);
            for (k, sample) in samples.iter().take(self.spectra.len()).enumerate() {
                let spec: Vec<f64> = fold_cc_spectrum(&clipped, &d.recoil_mev, |e| {
                    sample.at(energies, s.model.basis, e).0.neutrino[0]
                })
                .iter()
                .map(|x| deuterons * x)
                .collect();
                let obs = observed_spectrum(&d.recoil_mev, &spec, &response);
                let at = (p * ni + i) * nt;
                self.rates[k][p * ni + i] = window_rate(&d.recoil_mev, &obs, &response);
                self.spectra[k][at..at + nt].copy_from_slice(&spec);
                self.observed[k][at..at + nt].copy_from_slice(&obs);
            }
        }
    }

    /// The CC datasets.
    pub(super) fn datasets(self, header: &RunHeader, window: &str) -> Vec<DerivedDataset> {
        let mut shape_t = header.scan_shape();
        shape_t.extend([self.ni, self.nt]);
        let mut shape_r = header.scan_shape();
        shape_r.push(self.ni);
        let what = "nu_e CC on deuterium (Nakamura et al. NPA 707 (2002) 561) of the decoherent arrival, \
                    deuterons x int phi(E) P_ee(E) dsigma/dT dE over the flux inside the [energy] grid";
        let mut out = Vec::new();
        for (k, n) in ["day", "night"].iter().enumerate().take(self.spectra.len()) {
            out.push(derived(
                &format!("{GROUP}/cc_spectrum_{n}"),
                "s^-1 MeV^-1",
                format!("{n}: true electron spectrum dN/dT of {what}; axes [scan..., nI, nT] (T = detector/recoil_mev, kinetic)"),
                shape_t.clone(),
                self.spectra[k].clone(),
            ));
            out.push(derived(
                &format!("{GROUP}/cc_observed_spectrum_{n}"),
                "s^-1 MeV^-1",
                format!("{n}: the CC electron spectrum after the [detector] response, per MeV of observed kinetic energy; axes [scan..., nI, nT]"),
                shape_t.clone(),
                self.observed[k].clone(),
            ));
            out.push(derived(
                &format!("{GROUP}/cc_rate_{n}"),
                "s^-1",
                format!("{n}: CC events per second in the window ({window}); axes [scan..., nI]"),
                shape_r.clone(),
                self.rates[k].clone(),
            ));
        }
        if self.spectra.len() == 2 {
            let of = |v: &[Vec<f64>]| -> Vec<f64> {
                v[0].iter()
                    .zip(&v[1])
                    .map(|(a, b)| asymmetry(*a, *b))
                    .collect()
            };
            out.push(derived(
                &format!("{GROUP}/cc_day_night_asymmetry"),
                "1",
                "A_DN = 2(D - N)/(D + N) of the observed CC spectra per observed electron energy; axes [scan..., nI, nT]".into(),
                shape_t,
                of(&self.observed),
            ));
            out.push(derived(
                &format!("{GROUP}/cc_rate_day_night_asymmetry"),
                "1",
                format!("A_DN = 2(D - N)/(D + N) of the CC rates in the window ({window}); axes [scan..., nI]"),
                shape_r,
                of(&self.rates),
            ));
        }
        out
    }
}
