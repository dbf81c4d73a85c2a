//! ν_e charged current on deuterium, ν_e + d → p + p + e⁻ (SNO's CC channel): the total cross
//! section and the electron spectrum dσ/dT, and the electron spectrum folded over a flux
//! with a survival probability.
//!
//! Data: Nakamura et al., Nucl. Phys. A 707 (2002) 561, nucl-th/0201062 (the authors'
//! tables; provenance in profiles/README.md):
//! - `profiles/nue_d_nakamura_total.csv`: σ_CC(E_ν), 1.5–25 MeV, interpolated linearly in
//!   ln σ (and extrapolated so beyond 25 MeV, where no solar flux reaches).
//! - `profiles/nue_d_nakamura_cc_spectrum.csv`: dσ/dp_e at E_ν = 12.0 and 12.5 MeV.
//!
//! The spectrum at any E_ν: in the allowed approximation the rate factorises into the
//! electron's phase space p_e E_e F(E_e) (F: the Fermi function of the pp pair, Z = 2) and a
//! nuclear weight w(E_pp) of the pp pair's internal energy E_pp = E_ν − Q − T − R, with
//! Q = 1.442 MeV and R = (E_ν² + p_e²)/(2 M_pp) the pair's mean recoil energy. w is read off
//! the 12.0 and 12.5 MeV rows (E_pp < 0.55 MeV from the 12.0 MeV rows, above from 12.5 MeV;
//! the two agree to 0.5 % at 0.5–0.6 MeV; beyond the last row w is held constant: it
//! weighs the lowest electron energies of the highest neutrino energies only), and the
//! spectrum at E_ν is scaled so that ∫ dσ/dT dT = σ_CC(E_ν) of the total table. Against the
//! authors' 7.4, 7.6, 10.0 and 10.5 MeV rows (not used in building it) dσ/dT agrees to 7 %
//! (worst 6.6 % 0.2 MeV below the end point at 7.4 MeV, 0.2–2 % across the peak; at
//! 10–10.5 MeV within 1.9 % from T = 3 MeV to 0.45 MeV below the end point, then 2.4, 3.2
//! and 5.1 % at 0.36, 0.27 and 0.18 MeV below it; test
//! `the_spectrum_matches_the_tables_at_other_energies`). Within ~0.1 MeV of the end point,
//! and at E_ν below ~3 MeV, the angle dependence of the recoil (averaged here) matters and
//! the shape is not reproduced; a detector's resolution (≈ 0.9 MeV at 5 MeV at SNO) smears
//! over it.

use std::sync::OnceLock;

use crate::quadrature::trapezoid_weights;

use super::flux::FluxTable;
use crate::units::{ALPHA, M_E_MEV};

/// The reaction's threshold: E_ν − T_max of the electron (MeV), as the paper uses it.
pub const Q_MEV: f64 = 1.442;
/// Mass of the final pp pair (MeV), for its recoil.
const M_PP_MEV: f64 = 2.0 * 938.272_088_16;

/// E_nu_MeV, sigma_cc_cm2, sigma_nc_cm2, sigma_nc_bar_cm2.
const TOTAL_TABLE: &str = include_str!("../../profiles/nue_d_nakamura_total.csv");
const SPECTRUM_TABLE: &str = include_str!("../../profiles/nue_d_nakamura_cc_spectrum.csv");

/// Below this pp energy (MeV) the weight comes from the 12.0 MeV rows, above from 12.5 MeV.
const SPLICE_MEV: f64 = 0.55;

/// A total cross section tabulated in E_ν: linear in ln σ between rows, ∝ (E − threshold)³
/// from the threshold to the first positive row.
#[derive(Debug, Clone)]
pub(super) struct LogTable {
    /// (E_ν, σ) rows with σ > 0.
    rows: Vec<(f64, f64)>,
    threshold_mev: f64,
}

impl LogTable {
    /// Column `column` of the shipped total table (the rows where it is positive).
    pub(super) fn of_column(column: usize, threshold_mev: f64) -> LogTable {
        LogTable {
            rows: rows(TOTAL_TABLE)
                .map(|r| (r[0], r[column]))
                .filter(|r| r.1 > 0.0)
                .collect(),
            threshold_mev,
        }
    }

    /// σ(E) in cm² (0 at and below the threshold).
    pub(super) fn at(&self, e_mev: f64) -> f64 {
        let (t, q) = (&self.rows, self.threshold_mev);
        if e_mev <= q {
            return 0.0;
        }
        if e_mev < t[0].0 {
            // Between the threshold and the first positive row (4.7e-48 cm² for CC, 4.3e-47
            // for NC): negligible for any flux, so a smooth vanishing form suffices.
            return t[0].1 * ((e_mev - q) / (t[0].0 - q)).powi(3);
        }
        let k = t.partition_point(|r| r.0 <= e_mev).clamp(1, t.len() - 1);
        let (a, b) = (t[k - 1], t[k]);
        (a.1.ln() + (b.1.ln() - a.1.ln()) * (e_mev - a.0) / (b.0 - a.0)).exp()
    }
}

/// The ν_e d CC cross section of the shipped tables.
#[derive(Debug, Clone)]
pub struct DeuteronCc {
    /// σ_CC(E_ν).
    total: LogTable,
    /// (E_pp, w) nodes, increasing in E_pp, starting at (0, 0).
    weight: Vec<(f64, f64)>,
}

/// The table's rows: `#` comments and the header skipped, comma-separated numbers.
fn rows(text: &str) -> impl Iterator<Item = Vec<f64>> + '_ {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .skip(1)
        .map(|l| {
            l.split(',')
                .map(|x| x.trim().parse::<f64>().expect("shipped table"))
                .collect()
        })
}

/// The non-relativistic Fermi function of an electron in the field of charge Z = 2.
fn fermi(e_e: f64, p_e: f64) -> f64 {
    let x = 2.0 * std::f64::consts::PI * 2.0 * ALPHA * e_e / p_e.max(1e-12);
    x / (1.0 - (-x).exp())
}

/// Electron momentum (MeV) at kinetic energy `t_mev`.
fn momentum(t_mev: f64) -> f64 {
    (t_mev * (t_mev + 2.0 * M_E_MEV)).max(0.0).sqrt()
}

/// The pp pair's internal energy for neutrino energy `e` and electron kinetic energy `t`.
pub fn pp_energy_mev(e: f64, t: f64) -> f64 {
    let p = momentum(t);
    e - Q_MEV - t - (e * e + p * p) / (2.0 * M_PP_MEV)
}

impl DeuteronCc {
    /// The Nakamura et al. tables shipped in `profiles/` (parsed once).
    pub fn nakamura() -> &'static DeuteronCc {
        static CC: OnceLock<DeuteronCc> = OnceLock::new();
        CC.get_or_init(|| {
            let total = LogTable::of_column(1, Q_MEV);
            let mut weight: Vec<(f64, f64)> = rows(SPECTRUM_TABLE)
                .filter(|r| r[2] > 0.0)
                .map(|r| {
                    let t = r[1] - M_E_MEV;
                    let w = r[3] / (r[2] * r[2] * fermi(r[1], r[2]));
                    (r[0], pp_energy_mev(r[0], t), w)
                })
                .filter(|&(e, epp, _)| (e < 12.25) == (epp < SPLICE_MEV) && epp > 0.0)
                .map(|(_, epp, w)| (epp, w))
                .collect();
            weight.push((0.0, 0.0));
            weight.sort_by(|a, b| a.0.total_cmp(&b.0));
            DeuteronCc { total, weight }
        })
    }

    /// σ_CC(E_ν) in cm² (0 at and below Q).
    pub fn total_cm2(&self, e_mev: f64) -> f64 {
        self.total.at(e_mev)
    }

    /// The nuclear weight at pp energy `epp` (linear between nodes, constant beyond).
    fn weight(&self, epp: f64) -> f64 {
        let w = &self.weight;
        if epp <= 0.0 {
            return 0.0;
        }
        let k = w.partition_point(|r| r.0 <= epp);
        if k == w.len() {
            return w[k - 1].1;
        }
        let (a, b) = (w[k - 1], w[k]);
        a.1 + (b.1 - a.1) * (epp - a.0) / (b.0 - a.0)
    }

    /// The unnormalised spectrum shape in T at neutrino energy `e`.
    fn shape(&self, e: f64, t: f64) -> f64 {
        if t <= 0.0 {
            return 0.0;
        }
        let p = momentum(t);
        let e_e = t + M_E_MEV;
        p * e_e * fermi(e_e, p) * self.weight(pp_energy_mev(e, t))
    }

    /// The electron spectrum at neutrino energy `e_mev` (computes its normalisation).
    pub fn at_energy(&self, e_mev: f64) -> CcAtEnergy<'_> {
        let t_end = end_point_mev(e_mev);
        let norm = if t_end > 0.0 {
            integrate(|t| self.shape(e_mev, t), t_end)
        } else {
            0.0
        };
        let sigma = self.total_cm2(e_mev);
        CcAtEnergy {
            cc: self,
            e_mev,
            scale: if norm > 0.0 { sigma / norm } else { 0.0 },
        }
    }
}

/// The largest electron kinetic energy (MeV) of the spectrum at `e_mev` (E_pp = 0); below
/// E_ν − Q by the pair's recoil.
pub fn end_point_mev(e_mev: f64) -> f64 {
    let mut t = (e_mev - Q_MEV).max(0.0);
    for _ in 0..4 {
        let p = momentum(t);
        t = (e_mev - Q_MEV - (e_mev * e_mev + p * p) / (2.0 * M_PP_MEV)).max(0.0);
    }
    t
}

/// ∫₀^end f dT, piecewise 8-point Gauss–Legendre on intervals that shrink towards the end
/// point, where the spectrum has its narrow peak (the pp final-state interaction).
fn integrate(f: impl Fn(f64) -> f64, end: f64) -> f64 {
    const X: [f64; 4] = [
        0.183_434_642_495_65,
        0.525_532_409_916_329,
        0.796_666_477_413_627,
        0.960_289_856_497_536,
    ];
    const W: [f64; 4] = [
        0.362_683_783_378_362,
        0.313_706_645_877_887,
        0.222_381_034_453_374,
        0.101_228_536_290_376,
    ];
    const FROM_END: [f64; 15] = [
        0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.55, 0.7, 1.0, 1.5, 2.5, 5.0, 10.0,
    ];
    let mut edges: Vec<f64> = FROM_END
        .iter()
        .map(|d| end - d)
        .filter(|&x| x > 0.0)
        .collect();
    edges.push(0.0);
    let mut sum = 0.0;
    for w in edges.windows(2) {
        let (hi, lo) = (w[0], w[1]);
        let (mid, half) = (0.5 * (hi + lo), 0.5 * (hi - lo));
        for (x, wt) in X.iter().zip(W) {
            sum += wt * half * (f(mid - half * x) + f(mid + half * x));
        }
    }
    sum
}

/// The CC electron spectrum at one neutrino energy.
#[derive(Debug, Clone, Copy)]
pub struct CcAtEnergy<'a> {
    cc: &'a DeuteronCc,
    e_mev: f64,
    scale: f64,
}

impl CcAtEnergy<'_> {
    /// dσ/dT (cm²/MeV) at electron kinetic energy `t_mev`; 0 beyond the end point.
    pub fn dsigma_dt_cm2_per_mev(&self, t_mev: f64) -> f64 {
        self.scale * self.cc.shape(self.e_mev, t_mev)
    }
}

/// dN/dT of CC electrons per deuteron on `recoil_mev` (kinetic energies): ∫ φ(E) P_ee(E)
/// dσ/dT(E, T) dE by the trapezoid rule on the flux table's nodes, `p_ee(E)` the ν_e
/// probability of the arrival.
pub fn fold_cc_spectrum(
    flux: &FluxTable,
    recoil_mev: &[f64],
    p_ee: impl Fn(f64) -> f64,
) -> Vec<f64> {
    let cc = DeuteronCc::nakamura();
    let (e, phi) = (flux.energy_mev(), flux.flux());
    let w = trapezoid_weights(e);
    let mut out = vec![0.0; recoil_mev.len()];
    for k in 0..e.len() {
        let weight = w[k] * phi[k] * p_ee(e[k]);
        if weight == 0.0 || e[k] <= Q_MEV {
            continue;
        }
        let at = cc.at_energy(e[k]);
        for (o, &t) in out.iter_mut().zip(recoil_mev) {
            *o += weight * at.dsigma_dt_cm2_per_mev(t);
        }
    }
    out
}

#[cfg(test)]
#[path = "deuteron_tests.rs"]
mod tests;
