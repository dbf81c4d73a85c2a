//! `/detector/cc_*` (derived, with `[detector] deuterons` next to the ν–e day/night
//! datasets): ν_e CC on deuterium of the decoherent arrival — the electron spectrum by day,
//! by (exposure-averaged) night and in each named night bin, after the `[detector]
//! response`, the rates in its window and A_DN per electron energy and for the rate (each
//! night bin against the day too). The ν_e probability of the arrival is interpolated
//! linearly in E like the ν–e channel's weights; the flux is the same clipped table. The
//! physics is [`crate::detector::deuteron`].

use super::day_night::{point_flux, response_of, GROUP};
use super::day_night_samples::{
    against_day, bin_names, bins_against_day, rate_datasets, sample_name, stack_bins, Layout,
    PointRows,
};
use super::derived;
use crate::detector::day_night::{observed_spectrum, window_rate};
use crate::detector::deuteron::fold_cc_spectrum;
use crate::output::{DerivedDataset, RunHeader};
use crate::scenario::Scenario;

/// The CC folds of every sample (day, night, night bins): per sample [scan, nI, nT] and
/// [scan, nI].
pub(super) struct CcFolds {
    spectra: Vec<Vec<f64>>,
    observed: Vec<Vec<f64>>,
    rates: Vec<Vec<f64>>,
    nt: usize,
    ni: usize,
}

impl CcFolds {
    /// `None` without `[detector] deuterons`.
    pub(super) fn new(s: &Scenario, layout: &Layout) -> Option<CcFolds> {
        let d = s.detector.as_ref()?;
        d.deuterons?;
        let n_samples = layout.n_samples();
        let (ni, nt, n_scan) = (layout.ni, d.recoil_mev.len(), s.n_scan_points());
        Some(CcFolds {
            spectra: vec![vec![f64::NAN; n_scan * ni * nt]; n_samples],
            observed: vec![vec![f64::NAN; n_scan * ni * nt]; n_samples],
            rates: vec![vec![f64::NAN; n_scan * ni]; n_samples],
            nt,
            ni,
        })
    }

    /// Folds every sample of every initial state of one scan point.
    pub(super) fn fold_point(&mut self, s: &Scenario, layout: &Layout, at: &PointRows) {
        let (p, energies) = (at.p, at.energies);
        let (Some(clipped), Some(d)) = (point_flux(s, p, energies), s.detector.as_ref()) else {
            return;
        };
        let deuterons = d.deuterons.unwrap_or(0.0);
        let response = response_of(&d.response);
        let (ni, nt) = (self.ni, self.nt);
        for i in 0..ni {
            for (k, sample) in at.samples(layout, i).iter().enumerate() {
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

    /// The CC datasets; `window` names the response's window.
    pub(super) fn datasets(
        self,
        s: &Scenario,
        header: &RunHeader,
        window: &str,
    ) -> Vec<DerivedDataset> {
        let mut shape_t = header.scan_shape();
        shape_t.extend([self.ni, self.nt]);
        let what = "nu_e CC on deuterium (Nakamura et al. NPA 707 (2002) 561) of the decoherent arrival, \
                    deuterons x int phi(E) P_ee(E) dsigma/dT dE over the flux inside the [energy] grid";
        let mut out = Vec::new();
        for k in 0..self.spectra.len().min(2) {
            let n = sample_name(s, k);
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
        }
        if self.spectra.len() > 1 {
            out.push(derived(
                &format!("{GROUP}/cc_day_night_asymmetry"),
                "1",
                "A_DN = 2(D - N)/(D + N) of the observed CC spectra per observed electron energy; axes [scan..., nI, nT]".into(),
                shape_t,
                against_day(&self.observed, 1),
            ));
        }
        if self.spectra.len() > 2 {
            out.extend(self.bin_spectra(s, header));
        }
        let rates = format!("CC events per second in the window ({window})");
        out.extend(rate_datasets(
            s,
            header,
            &self.rates,
            (GROUP, "cc_"),
            &rates,
        ));
        out
    }

    /// The observed spectrum of each night bin and its A_DN against the day.
    fn bin_spectra(&self, s: &Scenario, header: &RunHeader) -> Vec<DerivedDataset> {
        let (ni, nt) = (self.ni, self.nt);
        let mut shape = header.scan_shape();
        shape.extend([self.spectra.len() - 2, ni, nt]);
        let bins = bin_names(s);
        vec![
            derived(
                &format!("{GROUP}/cc_observed_spectrum_night_bins"),
                "s^-1 MeV^-1",
                format!("observed CC electron spectrum in each night bin ({bins}), as if the Sun stayed in it all year; axes [scan..., nBins, nI, nT]"),
                shape.clone(),
                stack_bins(&self.observed, ni, nt),
            ),
            derived(
                &format!("{GROUP}/cc_day_night_asymmetry_night_bins"),
                "1",
                format!("A_DN = 2(D - N_bin)/(D + N_bin) of the observed CC spectra of the day and each night bin ({bins}) per observed electron energy; axes [scan..., nBins, nI, nT]"),
                shape,
                bins_against_day(&self.observed, ni, nt),
            ),
        ]
    }
}
