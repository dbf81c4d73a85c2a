//! A scenario's `[detector]` as `/detector/...` datasets (README "Output").
//!
//! Per grid point, at each record point and initial state: μ_eff² (both blocks, and the
//! active block alone), the active flavour composition and dσ/dT on the recoil grid (full and
//! Standard-Model only). Every one of them is linear in the evolved density matrix — μ_eff² =
//! ‖Λ a‖² is a quadratic form of the amplitudes, the composition is |ψ_α|², dσ/dT is linear
//! in both — so a production-region average, which averages these slabs with the weights of
//! P, stays exact. (μ_eff itself is not linear and is not stored; take the square root of an
//! averaged μ_eff².)
//!
//! Per run, when a flux table is given: the recoil spectrum folded over the flux, dN/dT =
//! electrons × ∫ φ(E) dσ/dT(E, T) dE, its Standard-Model-only counterpart (same evolved
//! composition, no moment, millicharge or charge radius) and their ratio. The evolved state
//! enters through the per-grid-point μ_eff² and composition, interpolated linearly in E
//! between the `[energy]` grid points; the flux is used only inside the grid.
//!
//! The physics is in [`crate::detector`].

use num_complex::Complex64;

use super::{derived, spec, PointInput};
use crate::detector::cross_section::dsigma_dt;
use crate::detector::fold_recoil_spectrum;
use crate::detector::state::{
    composition_slots, state_interaction, weak_only, Beam, Electromagnetic,
};
use crate::evolve::Solution;
use crate::output::{DerivedDataset, EnergyResult, ExtraSpec, RunHeader};
use crate::scenario::{DetectorSpec, Scenario};

/// μ_eff² of both blocks, `[scan..., nE, nX, nI]`.
pub const MU_EFF_SQ: &str = "detector/mu_eff_sq_mu_b2";
/// μ_eff² of the active block alone (the literature's μ_eff²).
pub const MU_EFF_SQ_ACTIVE: &str = "detector/mu_eff_sq_active_mu_b2";
/// |ψ_α|² of the active ν_e, ν_μ, ν_τ, ν̄_e, ν̄_μ, ν̄_τ, `[scan..., nE, nX, nI, 6]`.
pub const COMPOSITION: &str = "detector/composition";
/// dσ/dT per electron, `[scan..., nE, nX, nI, nT]`.
pub const DSIGMA_DT: &str = "detector/dsigma_dt_cm2_per_mev";
/// dσ/dT of the weak interaction alone.
pub const DSIGMA_DT_SM: &str = "detector/dsigma_dt_sm_cm2_per_mev";
/// The recoil grid `[nT]`.
pub const RECOIL: &str = "detector/recoil_mev";
/// The flux table's energies `[nF]`.
pub const FLUX_ENERGY: &str = "detector/flux_energy_mev";
/// The scaled flux `[nF]`.
pub const FLUX: &str = "detector/flux";
/// Folded spectra `[scan..., nX, nI, nT]`.
pub const SPECTRUM: &str = "detector/recoil_spectrum";
pub const SPECTRUM_SM: &str = "detector/recoil_spectrum_sm";
pub const RATIO: &str = "detector/recoil_ratio_to_sm";

fn electromagnetic(d: &DetectorSpec) -> Electromagnetic {
    Electromagnetic {
        millicharge_e: d.millicharge_e,
        charge_radius_cm2: d.charge_radius_cm2,
    }
}

/// The `/detector/...` datasets.
#[derive(Debug, Clone, Copy)]
pub struct DetectorDatasets;

impl DetectorDatasets {
    pub(super) fn specs(&self, plan: &Scenario) -> Vec<ExtraSpec> {
        let Some(d) = &plan.detector else {
            return Vec::new();
        };
        let (nx, ni, nt) = (
            plan.record.n_recorded(),
            plan.initial.len(),
            d.recoil_mev.len(),
        );
        let spec = |path: &str, unit: &str, description: &str, shape| {
            spec(path, unit, description.into(), shape)
        };
        vec![
            spec(
                MU_EFF_SQ,
                "mu_B^2",
                "effective magnetic moment squared sum_j |sum_k a_k Lambda_jk|^2 of the state at each record point, \
                 summed over both helicity blocks (the factor of the magnetic dsigma/dT); axes [scan..., nE, nX, nI]",
                vec![nx, ni],
            ),
            spec(
                MU_EFF_SQ_ACTIVE,
                "mu_B^2",
                "mu_eff^2 of the active block alone (Dirac: the left-handed neutrinos or right-handed antineutrinos; \
                 Majorana: the neutrinos); axes [scan..., nE, nX, nI]",
                vec![nx, ni],
            ),
            spec(
                COMPOSITION,
                "1",
                "active flavour weights |psi|^2 of nu_e, nu_mu, nu_tau, nubar_e, nubar_mu, nubar_tau that scatter weakly \
                 (Dirac sterile components are not counted); axes [scan..., nE, nX, nI, 6]",
                vec![nx, ni, 6],
            ),
            spec(
                DSIGMA_DT,
                "cm^2 MeV^-1",
                "nu-e elastic dsigma/dT per electron at the grid energy and each recoil of detector/recoil_mev: weak part \
                 weighted by the composition (with charge radii), magnetic part with mu_eff^2, millicharge part; \
                 axes [scan..., nE, nX, nI, nT]",
                vec![nx, ni, nt],
            ),
            spec(
                DSIGMA_DT_SM,
                "cm^2 MeV^-1",
                "the weak (Standard-Model) part of dsigma/dT alone, same composition; axes [scan..., nE, nX, nI, nT]",
                vec![nx, ni, nt],
            ),
        ]
    }

    pub(super) fn slabs<const D: usize>(
        &self,
        input: &PointInput<'_, D>,
        solution: &Solution<D>,
        out: &mut Vec<Vec<f64>>,
    ) {
        let s = input.physics;
        let Some(d) = &s.detector else {
            return;
        };
        let em = electromagnetic(d);
        let energy_mev = input.energy_mev;
        // All-steps files hold P at the end in /probability; the detector sits there too.
        let recorded = s.record.recorded(&solution.propagators);
        let (nx, ni, nt) = (recorded.len(), s.initial.len(), d.recoil_mev.len());
        let mut mu2 = Vec::with_capacity(nx * ni);
        let mut active = Vec::with_capacity(nx * ni);
        let mut comp = Vec::with_capacity(nx * ni * 6);
        let mut full = Vec::with_capacity(nx * ni * nt);
        let mut sm = Vec::with_capacity(nx * ni * nt);
        let mut column = [Complex64::new(0.0, 0.0); D];
        for propagator in recorded {
            for &initial in &s.initial {
                for (j, slot) in column.iter_mut().enumerate() {
                    *slot = propagator[(j, initial)];
                }
                let (i, a) = state_interaction(&s.model, &em, &column);
                mu2.push(i.mu_eff_sq_mu_b2);
                active.push(a);
                comp.extend(composition_slots(&i.composition));
                let weak = weak_only(&i);
                for &t in &d.recoil_mev {
                    full.push(dsigma_dt(&i, energy_mev, t));
                    sm.push(dsigma_dt(&weak, energy_mev, t));
                }
            }
        }
        out.extend([mu2, active, comp, full, sm]);
    }

    /// The recoil grid always, the flux and the folded spectra when `[detector]` has a flux
    /// table. `results` may miss grid points (a stopped run): the spectra of a scan point with
    /// a missing energy are NaN and say so in a `warning` attribute.
    pub(super) fn derived(
        &self,
        s: &Scenario,
        header: &RunHeader,
        results: &[EnergyResult],
    ) -> Vec<DerivedDataset> {
        let Some(d) = &s.detector else {
            return Vec::new();
        };
        let nt = d.recoil_mev.len();
        let mut out = vec![derived(
            RECOIL,
            "MeV",
            "electron recoil kinetic energies T of the detector datasets".into(),
            vec![nt],
            d.recoil_mev.clone(),
        )];
        let Some(flux) = &d.flux else {
            return out;
        };
        out.push(derived(
            FLUX_ENERGY,
            "MeV",
            format!("energies of the flux table {}", flux.file),
            vec![flux.table.energy_mev().len()],
            flux.table.energy_mev().to_vec(),
        ));
        out.push(derived(
            FLUX,
            "cm^-2 s^-1 MeV^-1",
            format!(
                "neutrino flux at the detector: {} x flux_scale = {:e} (of the scenario as written)",
                flux.file, flux.scale
            ),
            vec![flux.table.energy_mev().len()],
            flux.table.flux().to_vec(),
        ));
        let index = |path: &str| header.extras.iter().position(|e| e.path == path);
        let (Some(k_mu), Some(k_comp)) = (index(MU_EFF_SQ), index(COMPOSITION)) else {
            return out;
        };
        out.extend(Folded::new(s, k_mu, k_comp).spectra(s, header, results));
        out
    }
}

/// The folded recoil spectra of a run.
struct Folded {
    /// Slab indices of μ_eff² and the composition.
    k_mu: usize,
    k_comp: usize,
    /// Energy indices sorted by energy.
    order: Vec<usize>,
    grid_lo: f64,
    grid_hi: f64,
}

impl Folded {
    fn new(s: &Scenario, k_mu: usize, k_comp: usize) -> Folded {
        let ne = s.energies_mev.len();
        let mut order: Vec<usize> = (0..ne).collect();
        order.sort_by(|&a, &b| s.energies_mev[a].total_cmp(&s.energies_mev[b]));
        Folded {
            k_mu,
            k_comp,
            grid_lo: s.energies_mev[order[0]],
            grid_hi: s.energies_mev[order[ne - 1]],
            order,
        }
    }

    /// The beam of record point × initial state `slot` over the sorted energies.
    fn beam(&self, s: &Scenario, rows: &[&EnergyResult], slot: usize) -> Beam {
        Beam {
            energy_mev: self.order.iter().map(|&e| s.energies_mev[e]).collect(),
            mu_eff_sq_mu_b2: rows.iter().map(|r| r.extras[self.k_mu][slot]).collect(),
            composition: rows
                .iter()
                .map(|r| {
                    let c = &r.extras[self.k_comp][slot * 6..slot * 6 + 6];
                    [c[0], c[1], c[2], c[3], c[4], c[5]]
                })
                .collect(),
        }
    }

    /// Full and weak-only dN/dT per scan point (NaN where a scan point is unfinished), and
    /// the number of unfinished scan points.
    fn fold(&self, s: &Scenario, results: &[EnergyResult]) -> (Vec<f64>, Vec<f64>, usize) {
        let d = s.detector.as_ref().expect("folded spectra need [detector]");
        let ne = s.energies_mev.len();
        let (nx, ni, nt) = (s.record.n_recorded(), s.initial.len(), d.recoil_mev.len());
        let n_scan = s.n_scan_points();
        let mut by_grid: Vec<Option<&EnergyResult>> = vec![None; n_scan * ne];
        for r in results {
            if let Some(slot) = by_grid.get_mut(r.grid_index) {
                *slot = Some(r);
            }
        }
        let block = nx * ni * nt;
        let mut total = vec![f64::NAN; n_scan * block];
        let mut sm = vec![f64::NAN; n_scan * block];
        let mut incomplete = 0;
        for p in 0..n_scan {
            let point = s.scan_point(p);
            let Some(Some(pflux)) = point.detector.as_ref().map(|pd| pd.flux.as_ref()) else {
                continue;
            };
            let pd = point.detector.as_ref().unwrap_or(d);
            let em = electromagnetic(pd);
            let Some(clipped) = pflux.table.clipped(self.grid_lo, self.grid_hi) else {
                continue;
            };
            let rows: Option<Vec<&EnergyResult>> =
                self.order.iter().map(|&e| by_grid[p * ne + e]).collect();
            let Some(rows) = rows else {
                incomplete += 1;
                continue;
            };
            for slot in 0..nx * ni {
                let beam = self.beam(s, &rows, slot);
                let at = |e: f64| beam.interaction(e, &em);
                // The recoil grid is validated (> 0, finite), so folding cannot fail.
                let with = fold_recoil_spectrum(&clipped, &d.recoil_mev, at).unwrap_or_default();
                let weak = fold_recoil_spectrum(&clipped, &d.recoil_mev, |e| weak_only(&at(e)))
                    .unwrap_or_default();
                let base = p * block + slot * nt;
                for (t, (a, b)) in with.iter().zip(&weak).enumerate() {
                    total[base + t] = pd.electrons * a;
                    sm[base + t] = pd.electrons * b;
                }
            }
        }
        (total, sm, incomplete)
    }

    /// `recoil_spectrum`, `recoil_spectrum_sm` and their ratio, with their attributes.
    fn spectra(
        &self,
        s: &Scenario,
        header: &RunHeader,
        results: &[EnergyResult],
    ) -> Vec<DerivedDataset> {
        let d = s.detector.as_ref().expect("folded spectra need [detector]");
        let flux = d.flux.as_ref().expect("folded spectra need a flux table");
        let (grid_lo, grid_hi) = (self.grid_lo, self.grid_hi);
        let (total, sm, incomplete) = self.fold(s, results);
        let ratio: Vec<f64> = total
            .iter()
            .zip(&sm)
            .map(|(a, b)| if *b > 0.0 { a / b } else { f64::NAN })
            .collect();
        let mut shape = header.scan_shape();
        shape.extend([s.record.n_recorded(), s.initial.len(), d.recoil_mev.len()]);
        let covered = flux
            .table
            .clipped(grid_lo, grid_hi)
            .map(|c| c.integral() / flux.table.integral())
            .unwrap_or(f64::NAN);
        let axes = "axes [scan..., nX, nI, nT]";
        let folded = format!(
            "over the flux {} x flux_scale (cm^-2 s^-1 MeV^-1) between the [energy] grid's ends {grid_lo} and \
             {grid_hi} MeV, with the evolved mu_eff^2 and composition interpolated linearly in E",
            flux.file
        );
        let mut spectra = vec![
            derived(
                SPECTRUM,
                "s^-1 MeV^-1",
                format!("electron recoil spectrum dN/dT = electrons x int phi(E) dsigma/dT(E, T) dE {folded}; {axes}"),
                shape.clone(),
                total,
            ),
            derived(
                SPECTRUM_SM,
                "s^-1 MeV^-1",
                format!("the Standard-Model (weak only) dN/dT with the same evolved composition {folded}; {axes}"),
                shape.clone(),
                sm,
            ),
            derived(
                RATIO,
                "1",
                format!("recoil_spectrum / recoil_spectrum_sm (NaN above the kinematic reach); {axes}"),
                shape,
                ratio,
            ),
        ];
        for ds in &mut spectra {
            ds.f64_attrs = vec![
                ("electrons".into(), d.electrons),
                ("flux_scale".into(), flux.scale),
                ("flux_fraction_in_energy_grid".into(), covered),
            ];
            ds.text_attrs = vec![("flux_file".into(), flux.file.clone())];
            if covered < 1.0 - 1e-12 {
                ds.text_attrs.push((
                    "flux_warning".into(),
                    format!(
                        "the flux table extends beyond the [energy] grid [{grid_lo}, {grid_hi}] MeV; \
                         only {:.1} % of its integral is folded",
                        100.0 * covered
                    ),
                ));
            }
            if incomplete > 0 {
                ds.text_attrs.push((
                    "warning".into(),
                    format!(
                        "{incomplete} scan point(s) had unfinished energies; their spectra are NaN"
                    ),
                ));
            }
        }
        spectra
    }
}
