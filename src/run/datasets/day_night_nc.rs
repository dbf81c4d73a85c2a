//! `/detector/nc_rate_*` (derived, with `[detector] deuterons` next to the CC datasets): the
//! NC rate on deuterium (ν + d → ν + p + n) of the decoherent arrival by day, by
//! (exposure-averaged) night and in each named night bin, and A_DN of the rate. NC counts
//! every active flavour alike, so without moments it is the unoscillated rate; sterile
//! states (a Dirac neutrino's right-handed components) do not count, and a Majorana
//! neutrino's flipped components count with the ν̄ d cross section. The rate is every NC
//! reaction: no neutron detection efficiency and no energy window (the neutron's signal does
//! not depend on the neutrino energy). The physics is [`crate::detector::deuteron_nc`].

use super::day_night::{point_flux, GROUP};
use super::day_night_samples::{rate_datasets, Layout, PointRows};
use crate::detector::deuteron_nc::fold_nc_rate;
use crate::output::{DerivedDataset, RunHeader};
use crate::scenario::Scenario;

/// The NC rates of every sample (day, night, night bins): per sample [scan, nI].
pub(super) struct NcFolds {
    rates: Vec<Vec<f64>>,
    ni: usize,
}

impl NcFolds {
    /// `None` without `[detector] deuterons`.
    pub(super) fn new(s: &Scenario, layout: &Layout) -> Option<NcFolds> {
        s.detector.as_ref()?.deuterons?;
        let n = s.n_scan_points() * layout.ni;
        Some(NcFolds {
            rates: vec![vec![f64::NAN; n]; layout.n_samples()],
            ni: layout.ni,
        })
    }

    /// Folds every sample of every initial state of one scan point.
    pub(super) fn fold_point(&mut self, s: &Scenario, layout: &Layout, at: &PointRows) {
        let (p, energies) = (at.p, at.energies);
        let (Some(clipped), Some(d)) = (point_flux(s, p, energies), s.detector.as_ref()) else {
            return;
        };
        let deuterons = d.deuterons.unwrap_or(0.0);
        for i in 0..self.ni {
            for (k, sample) in at.samples(layout, i).iter().enumerate() {
                let per_deuteron =
                    fold_nc_rate(&clipped, |e| sample.at(energies, s.model.basis, e).0);
                self.rates[k][p * self.ni + i] = deuterons * per_deuteron;
            }
        }
    }

    /// The NC datasets.
    pub(super) fn datasets(self, s: &Scenario, header: &RunHeader) -> Vec<DerivedDataset> {
        let what = "NC events per second on deuterium (nu d -> nu p n, Nakamura et al. NPA 707 (2002) 561) of the \
                    decoherent arrival: deuterons x int phi(E) [sigma_NC(nu d) P_nu(E) + sigma_NC(nubar d) P_nubar(E)] dE \
                    over the flux inside the [energy] grid, P summed over the active flavours (sterile states do not \
                    count); every reaction, no neutron detection efficiency, no window";
        rate_datasets(s, header, &self.rates, (GROUP, "nc_"), what)
    }
}
