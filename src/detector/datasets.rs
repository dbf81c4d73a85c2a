//! A scenario's `[detector]` as `/detector/...` datasets (README "Output").
//!
//! Per grid point, at each record point and initial state ([`extra_specs`], [`extras_of`]):
//! μ_eff² (both blocks, and the active block alone), the active flavour composition and
//! dσ/dT on the recoil grid (full and Standard-Model only). Every one of them is linear in
//! the evolved density matrix — μ_eff² = ‖Λ a‖² is a quadratic form of the amplitudes, the
//! composition is |ψ_α|², dσ/dT is linear in both — so a production-region average, which
//! averages these slabs with the weights of P, stays exact. (μ_eff itself is not linear and
//! is not stored; take the square root of an averaged μ_eff².)
//!
//! Per run ([`derived_datasets`]), when a flux table is given: the recoil spectrum folded over
//! the flux, dN/dT = electrons × ∫ φ(E) dσ/dT(E, T) dE, its Standard-Model-only counterpart
//! (same evolved composition, no moment, millicharge or charge radius) and their ratio. The
//! evolved state enters through the per-grid-point μ_eff² and composition, interpolated
//! linearly in E between the `[energy]` grid points; the flux is used only inside the grid.

use num_complex::Complex64;

use super::cross_section::{dsigma_dt, Composition, Interaction};
use super::effective_moment::{composition, effective_moment_sq};
use super::spectrum::fold_recoil_spectrum;
use crate::evolve::Solution;
use crate::output::{DerivedDataset, EnergyResult, ExtraSpec, RunHeader};
use crate::scenario::{DetectorSpec, RecordSpec, Scenario};

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

/// Record points per grid point (all-steps records the end only).
fn n_record(s: &Scenario) -> usize {
    match &s.record {
        RecordSpec::Points(xs) => xs.len(),
        RecordSpec::End | RecordSpec::AllSteps => 1,
    }
}

/// What must agree between scan points for the datasets to share a shape: the recoil grid
/// and the flux table's energies (`None` without `[detector]`).
pub fn grid_key(s: &Scenario) -> Option<(Vec<f64>, Option<Vec<f64>>)> {
    s.detector.as_ref().map(|d| {
        (
            d.recoil_mev.clone(),
            d.flux.as_ref().map(|f| f.table.energy_mev().to_vec()),
        )
    })
}

/// The per-grid-point detector datasets of `s` (none without `[detector]`).
pub fn extra_specs(s: &Scenario) -> Vec<ExtraSpec> {
    let Some(d) = &s.detector else {
        return Vec::new();
    };
    let (nx, ni, nt) = (n_record(s), s.initial.len(), d.recoil_mev.len());
    let spec = |path: &str, unit: &str, description: &str, shape: Vec<usize>| ExtraSpec {
        path: path.into(),
        unit: unit.into(),
        description: description.into(),
        shape,
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

/// The interaction of one state with the detector's parameters, and the active-block μ_eff².
fn interaction_of(s: &Scenario, d: &DetectorSpec, amplitudes: &[Complex64]) -> (Interaction, f64) {
    // The amplitude vector always has the model's 2N entries, so neither call can fail.
    let moments = effective_moment_sq(&s.model, amplitudes).ok();
    let composition = composition(&s.model, amplitudes).unwrap_or_default();
    let interaction = Interaction {
        composition,
        mu_eff_sq_mu_b2: moments.map_or(f64::NAN, |m| m.total_mu_b2()),
        millicharge_e: d.millicharge_e,
        charge_radius_cm2: d.charge_radius_cm2,
    };
    (interaction, moments.map_or(f64::NAN, |m| m.block_a_mu_b2))
}

/// The weak part alone: same composition, no electromagnetic terms.
fn standard_model(i: &Interaction) -> Interaction {
    Interaction {
        composition: i.composition,
        ..Default::default()
    }
}

fn composition_slots(c: &Composition) -> [f64; 6] {
    let (n, a) = (c.neutrino, c.antineutrino);
    [n[0], n[1], n[2], a[0], a[1], a[2]]
}

/// The slabs of [`extra_specs`] for one solution of grid point `grid_index` (`s` is the scan
/// point's scenario).
pub fn extras_of<const D: usize>(
    s: &Scenario,
    grid_index: usize,
    solution: &Solution<D>,
) -> Vec<Vec<f64>> {
    let Some(d) = &s.detector else {
        return Vec::new();
    };
    let energy_mev = s.energies_mev[grid_index % s.energies_mev.len()];
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
            let (i, a) = interaction_of(s, d, &column);
            mu2.push(i.mu_eff_sq_mu_b2);
            active.push(a);
            comp.extend(composition_slots(&i.composition));
            let weak = standard_model(&i);
            for &t in &d.recoil_mev {
                full.push(dsigma_dt(&i, energy_mev, t));
                sm.push(dsigma_dt(&weak, energy_mev, t));
            }
        }
    }
    vec![mu2, active, comp, full, sm]
}

/// μ_eff² and composition of one (record point, initial state) over the energy grid, sorted
/// by energy, for linear interpolation.
struct Beam {
    energy_mev: Vec<f64>,
    mu_eff_sq_mu_b2: Vec<f64>,
    composition: Vec<[f64; 6]>,
}

impl Beam {
    fn at(&self, energy_mev: f64) -> (f64, [f64; 6]) {
        let e = &self.energy_mev;
        let last = e.len() - 1;
        let k = e
            .partition_point(|&x| x <= energy_mev)
            .clamp(1, last.max(1));
        if last == 0 {
            return (self.mu_eff_sq_mu_b2[0], self.composition[0]);
        }
        let w = ((energy_mev - e[k - 1]) / (e[k] - e[k - 1])).clamp(0.0, 1.0);
        let lerp = |a: f64, b: f64| a * (1.0 - w) + b * w;
        let mut c = [0.0; 6];
        for (n, slot) in c.iter_mut().enumerate() {
            *slot = lerp(self.composition[k - 1][n], self.composition[k][n]);
        }
        (
            lerp(self.mu_eff_sq_mu_b2[k - 1], self.mu_eff_sq_mu_b2[k]),
            c,
        )
    }
}

/// The whole-run detector datasets: the recoil grid always, the flux and the folded spectra
/// when `[detector]` has a flux table. `results` may miss grid points (a stopped run): the
/// spectra of a scan point with a missing energy are NaN and say so in a `warning` attribute.
pub fn derived_datasets(
    s: &Scenario,
    header: &RunHeader,
    results: &[EnergyResult],
) -> Vec<DerivedDataset> {
    let Some(d) = &s.detector else {
        return Vec::new();
    };
    let nt = d.recoil_mev.len();
    let dataset =
        |path: &str, unit: &str, description: String, shape: Vec<usize>, values| DerivedDataset {
            path: path.into(),
            unit: unit.into(),
            description,
            shape,
            values,
            f64_attrs: Vec::new(),
            text_attrs: Vec::new(),
        };
    let mut out = vec![dataset(
        RECOIL,
        "MeV",
        "electron recoil kinetic energies T of the detector datasets".into(),
        vec![nt],
        d.recoil_mev.clone(),
    )];
    let Some(flux) = &d.flux else {
        return out;
    };
    out.push(dataset(
        FLUX_ENERGY,
        "MeV",
        format!("energies of the flux table {}", flux.file),
        vec![flux.table.energy_mev().len()],
        flux.table.energy_mev().to_vec(),
    ));
    out.push(dataset(
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
    let ne = s.energies_mev.len();
    let (nx, ni) = (n_record(s), s.initial.len());
    let n_scan = s.n_scan_points();
    let mut by_grid: Vec<Option<&EnergyResult>> = vec![None; n_scan * ne];
    for r in results {
        if let Some(slot) = by_grid.get_mut(r.grid_index) {
            *slot = Some(r);
        }
    }
    let mut order: Vec<usize> = (0..ne).collect();
    order.sort_by(|&a, &b| s.energies_mev[a].total_cmp(&s.energies_mev[b]));
    let grid_lo = s.energies_mev[order[0]];
    let grid_hi = s.energies_mev[order[ne - 1]];

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
        let Some(clipped) = pflux.table.clipped(grid_lo, grid_hi) else {
            continue;
        };
        let rows: Option<Vec<&EnergyResult>> = order.iter().map(|&e| by_grid[p * ne + e]).collect();
        let Some(rows) = rows else {
            incomplete += 1;
            continue;
        };
        for x in 0..nx {
            for i in 0..ni {
                let slot = x * ni + i;
                let beam = Beam {
                    energy_mev: order.iter().map(|&e| s.energies_mev[e]).collect(),
                    mu_eff_sq_mu_b2: rows.iter().map(|r| r.extras[k_mu][slot]).collect(),
                    composition: rows
                        .iter()
                        .map(|r| {
                            let c = &r.extras[k_comp][slot * 6..slot * 6 + 6];
                            [c[0], c[1], c[2], c[3], c[4], c[5]]
                        })
                        .collect(),
                };
                let at = |e: f64| {
                    let (mu2, c) = beam.at(e);
                    Interaction {
                        composition: Composition {
                            neutrino: [c[0], c[1], c[2]],
                            antineutrino: [c[3], c[4], c[5]],
                        },
                        mu_eff_sq_mu_b2: mu2,
                        millicharge_e: pd.millicharge_e,
                        charge_radius_cm2: pd.charge_radius_cm2,
                    }
                };
                // The recoil grid is validated (> 0, finite), so folding cannot fail.
                let with = fold_recoil_spectrum(&clipped, &d.recoil_mev, at).unwrap_or_default();
                let weak =
                    fold_recoil_spectrum(&clipped, &d.recoil_mev, |e| standard_model(&at(e)))
                        .unwrap_or_default();
                let base = p * block + slot * nt;
                for (t, (a, b)) in with.iter().zip(&weak).enumerate() {
                    total[base + t] = pd.electrons * a;
                    sm[base + t] = pd.electrons * b;
                }
            }
        }
    }
    let ratio: Vec<f64> = total
        .iter()
        .zip(&sm)
        .map(|(a, b)| if *b > 0.0 { a / b } else { f64::NAN })
        .collect();
    let mut shape = header.scan_shape();
    shape.extend([nx, ni, nt]);
    let covered = d
        .flux
        .as_ref()
        .and_then(|f| {
            f.table
                .clipped(grid_lo, grid_hi)
                .map(|c| c.integral() / f.table.integral())
        })
        .unwrap_or(f64::NAN);
    let axes = "axes [scan..., nX, nI, nT]";
    let folded = format!(
        "over the flux {} x flux_scale (cm^-2 s^-1 MeV^-1) between the [energy] grid's ends {grid_lo} and \
         {grid_hi} MeV, with the evolved mu_eff^2 and composition interpolated linearly in E",
        flux.file
    );
    let mut spectra = vec![
        dataset(
            SPECTRUM,
            "s^-1 MeV^-1",
            format!("electron recoil spectrum dN/dT = electrons x int phi(E) dsigma/dT(E, T) dE {folded}; {axes}"),
            shape.clone(),
            total,
        ),
        dataset(
            SPECTRUM_SM,
            "s^-1 MeV^-1",
            format!("the Standard-Model (weak only) dN/dT with the same evolved composition {folded}; {axes}"),
            shape.clone(),
            sm,
        ),
        dataset(
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
    out.extend(spectra);
    out
}
