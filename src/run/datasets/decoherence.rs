//! `[arrival] wave_packet` as datasets: `/observables/decoherent_probability` per grid point
//! and the wave packet's widths (whole run). The physics is in
//! [`crate::observables::decoherence`].

use super::{derived, spec, PointInput};
use crate::evolve::{EvolveError, Solution};
use crate::observables::decoherence;
use crate::output::{DerivedDataset, ExtraSpec};
use crate::scenario::Scenario;

/// `/observables/decoherent_probability`.
pub const DECOHERENT_PROBABILITY: &str = "observables/decoherent_probability";
/// `/observables/wave_packet_sigma_e_mev` (derived; attribute `sigma_x_nm`).
pub const WAVE_PACKET: &str = "observables/wave_packet_sigma_e_mev";

/// The producer of the wave-packet datasets.
#[derive(Debug, Clone, Copy)]
pub struct Decoherent;

impl Decoherent {
    pub(super) fn specs(&self, plan: &Scenario) -> Vec<ExtraSpec> {
        let (ni, d) = (plan.initial.len(), plan.labels.len());
        let sigma = plan.arrival.wave_packet.map_or(0.0, |w| w.sigma_e_mev);
        vec![spec(
            DECOHERENT_PROBABILITY,
            "1",
            format!(
                "P(initial -> final) at the end of the track with each interference term of the exit eigenstates damped by exp(-(sigma_E dPhi_ab/dE)^2/2) = exp(-(L/L_coh,ab)^2), wave packet sigma_E = {sigma} MeV [scan..., nE, nI, 2N]"
            ),
            vec![ni, d],
        )]
    }

    pub(super) fn slabs<const D: usize>(
        &self,
        input: &PointInput<'_, D>,
        solution: &Solution<D>,
        out: &mut Vec<Vec<f64>>,
    ) -> Result<(), EvolveError> {
        let physics = input.physics;
        let s_end = &solution.propagators[solution.propagators.len() - 1];
        let sigma = physics.arrival.wave_packet.map_or(0.0, |w| w.sigma_e_mev);
        out.push(decoherence::decoherent(
            &physics.model,
            input.path,
            sigma,
            input.start_km,
            physics.end_km,
            s_end,
            &physics.initial,
        )?);
        Ok(())
    }

    /// The wave packet's energy width, with its spatial width as an attribute.
    pub(super) fn derived(&self, plan: &Scenario) -> Vec<DerivedDataset> {
        let Some(w) = plan.arrival.wave_packet else {
            return Vec::new();
        };
        let mut ds = derived(
            WAVE_PACKET,
            "MeV",
            "energy width sigma_E of the wave packet of [arrival] wave_packet; attribute sigma_x_nm = hbar c/(2 sigma_E) is its width at production".into(),
            vec![1],
            vec![w.sigma_e_mev],
        );
        ds.f64_attrs = vec![("sigma_x_nm".into(), w.sigma_x_nm)];
        vec![ds]
    }
}
