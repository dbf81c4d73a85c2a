//! `/collective/...`: the datasets of a coupled neutrino–neutrino run (`[collective]`).
//!
//! Per bin (grid point) the coupled solver ([`crate::run::coupled`]) fills, through
//! [`CollectiveDatasets::slabs`]: the emitted and the evolved populations of every state of
//! every system, the channel probabilities P(s → j) of every system from the evolved
//! amplitudes, and the bin's helicity-flip fraction. The whole-run datasets — Tr P(r) and the
//! helicity-flip fraction of all bins — are sums over the bins, computed at the end from those
//! slabs (a scan point with a missing bin gets NaN).

use super::{derived, slab_index, spec};
use crate::basis::Nature;
use crate::hamiltonian::CMat;
use crate::output::{DerivedDataset, EnergyResult, ExtraSpec, RunHeader};
use crate::scenario::Scenario;

pub const EMITTED: &str = "collective/emitted";
pub const EVOLVED: &str = "collective/evolved";
pub const CHANNEL: &str = "collective/channel_probability";
pub const FLIP: &str = "collective/flip";
pub const AFM_STEPS: &str = "collective/afm_steps";
pub const HANDOVER: &str = "collective/handover_km";

/// The `/collective/...` producer.
#[derive(Debug, Clone)]
pub struct CollectiveDatasets {
    nature: Nature,
    /// N.
    flavours: usize,
    /// 2N.
    dim: usize,
    /// 1 (Majorana) or 2 (Dirac: neutrino, antineutrino).
    systems: usize,
    /// Record positions nX.
    n_x: usize,
}

impl CollectiveDatasets {
    /// The producer of a plan with `[collective]`.
    pub fn new(plan: &Scenario) -> Self {
        let nature = plan.model.basis.nature();
        let flavours = plan.flavours().count();
        CollectiveDatasets {
            nature,
            flavours,
            dim: 2 * flavours,
            systems: if nature == Nature::Dirac { 2 } else { 1 },
            n_x: plan.record.n_recorded(),
        }
    }

    /// The per-bin datasets.
    pub fn specs(&self, plan: &Scenario) -> Vec<ExtraSpec> {
        let (s, d, x) = (self.systems, self.dim, self.n_x);
        let states = plan.labels.join(", ");
        let systems = match self.nature {
            Nature::Majorana => "one system (Majorana: ν and ν̄ of the bin in one ρ)".to_string(),
            Nature::Dirac => {
                "two systems (Dirac: 0 = neutrino ν_L, ν_R; 1 = antineutrino ν̄_R, ν̄_L)".to_string()
            }
        };
        vec![
            spec(
                EMITTED,
                "km^-1",
                format!(
                    "[scan..., energy, system, state]: the emitted population of each state in this \
                     energy bin at R_nu, as a potential sqrt(2) G_F n (the bins of a species sum to its mu_0); \
                     {systems}; states in the order of the system's basis ({states} for the reported system)"
                ),
                vec![s, d],
            ),
            spec(
                EVOLVED,
                "km^-1",
                format!(
                    "[scan..., energy, x, system, state]: the diagonal of the bin's evolved density matrix \
                     at each record position, same units and order as {EMITTED}"
                ),
                vec![x, s, d],
            ),
            spec(
                CHANNEL,
                "1",
                "[scan..., energy, x, system, from, to]: P(s -> j) = |Psi[j, s]|^2 from the bin's \
                 evolved amplitudes (Psi = 1 at the start), every initial state s of every system; \
                 /probability holds the reported system's initial states"
                    .into(),
                vec![x, s, d, d],
            ),
            spec(
                FLIP,
                "1",
                "[scan..., energy, x]: the bin's helicity-flip fraction: Majorana |change of the \
                 left-handed population| / all particles of the bin; Dirac the sterile share"
                    .into(),
                vec![x],
            ),
            spec(
                AFM_STEPS,
                "1",
                "[scan..., energy]: accepted steps of the adiabatic-frame stepper (AFM) in this bin's \
                 coupled solve (the same for every bin of a scan point; 0 when it did not run); \
                 /solver/steps counts them together with CF4's"
                    .into(),
                vec![],
            ),
            spec(
                HANDOVER,
                "km",
                "[scan..., energy]: where CF4 took over from the adiabatic-frame stepper: the track's \
                 start when AFM did not run, its end when AFM ran all the way"
                    .into(),
                vec![],
            ),
        ]
    }

    /// The first four slabs of one bin (the coupled solver appends the stepper's two):
    /// `emitted[system]` and, per record position, the states of its systems (`rho[x][system]`,
    /// `psi[x][system]`).
    pub fn slabs<const D: usize>(
        &self,
        emitted: &[[f64; D]],
        rho: &[Vec<CMat<D>>],
        psi: &[Vec<CMat<D>>],
    ) -> Vec<Vec<f64>> {
        let n = self.flavours;
        let emitted_flat: Vec<f64> = emitted.iter().flatten().copied().collect();
        let total: f64 = emitted_flat.iter().sum();
        let left_then: f64 = emitted[0][..n].iter().sum();
        let mut evolved = Vec::with_capacity(self.n_x * self.systems * D);
        let mut channel = Vec::with_capacity(self.n_x * self.systems * D * D);
        let mut flip = Vec::with_capacity(self.n_x);
        for (rho_x, psi_x) in rho.iter().zip(psi) {
            for r in rho_x {
                evolved.extend((0..D).map(|a| r[(a, a)].re));
            }
            for p in psi_x {
                for s in 0..D {
                    channel.extend((0..D).map(|j| p[(j, s)].norm_sqr()));
                }
            }
            let moved = match self.nature {
                Nature::Majorana => {
                    let left_now: f64 = (0..n).map(|a| rho_x[0][(a, a)].re).sum();
                    (left_now - left_then).abs()
                }
                Nature::Dirac => rho_x
                    .iter()
                    .map(|r| (n..2 * n).map(|a| r[(a, a)].re).sum::<f64>())
                    .sum(),
            };
            flip.push(if total > 0.0 { moved / total } else { 0.0 });
        }
        vec![emitted_flat, evolved, channel, flip]
    }

    /// The per-bin datasets the whole-run datasets are computed from.
    pub fn derived_inputs() -> [&'static str; 3] {
        [EMITTED, EVOLVED, FLIP]
    }

    /// `/collective/trace_p` and `/collective/flip_fraction`, `[scan..., x]`.
    pub fn derived(&self, header: &RunHeader, results: &[EnergyResult]) -> Vec<DerivedDataset> {
        let (Some(ie), Some(iv), Some(iflip)) = (
            slab_index(header, EMITTED),
            slab_index(header, EVOLVED),
            slab_index(header, FLIP),
        ) else {
            return Vec::new();
        };
        let n_e = header.n_energies();
        let n_scan = header.n_scan_points();
        let (n, d, x) = (self.flavours, self.dim, self.n_x);
        let mut trace_p = vec![0.0; n_scan * x];
        let mut moved = vec![0.0; n_scan * x];
        let mut total = vec![0.0; n_scan];
        let mut bins = vec![0usize; n_scan];
        for r in results {
            let s = r.grid_index / n_e;
            let emitted = &r.extras[ie];
            let evolved = &r.extras[iv];
            let bin_total: f64 = emitted.iter().sum();
            total[s] += bin_total;
            bins[s] += 1;
            for k in 0..x {
                let ev = &evolved[k * self.systems * d..(k + 1) * self.systems * d];
                // Tr P: active ν minus active ν̄ (docs/collective.md, "The model").
                trace_p[s * x + k] += match self.nature {
                    Nature::Majorana => {
                        ev[..n].iter().sum::<f64>() - ev[n..2 * n].iter().sum::<f64>()
                    }
                    Nature::Dirac => ev[..n].iter().sum::<f64>() - ev[d..d + n].iter().sum::<f64>(),
                };
                moved[s * x + k] += r.extras[iflip][k] * bin_total;
            }
        }
        for s in 0..n_scan {
            for k in 0..x {
                if bins[s] != n_e {
                    trace_p[s * x + k] = f64::NAN;
                    moved[s * x + k] = f64::NAN;
                } else if total[s] > 0.0 {
                    moved[s * x + k] /= total[s];
                }
            }
        }
        let mut shape = header.scan_shape();
        shape.push(x);
        vec![
            derived(
                "collective/trace_p",
                "km^-1",
                "[scan..., x]: Tr P = sum over bins of the active neutrino minus active antineutrino \
                 populations at each record position (the bulb's self-interaction is D(r/R_nu) times \
                 this scale); NaN where a bin is missing"
                    .into(),
                shape.clone(),
                trace_p,
            ),
            derived(
                "collective/flip_fraction",
                "1",
                "[scan..., x]: the helicity-flip fraction of all bins (particle-weighted mean of \
                 /collective/flip); NaN where a bin is missing"
                    .into(),
                shape,
                moved,
            ),
        ]
    }
}
