//! Where and how many solar neutrinos are made: the production tables of the standard solar
//! models (the radial distribution of each source) and their total fluxes.
//!
//! - BS05(OP) (`profiles/bs2005opflux.dat`, astro-ph/0412440): per zone the *fraction* of each
//!   source's neutrinos made there (each column sums to 1), columns pp, ⁸B, ¹³N, ¹⁵O, ¹⁷F,
//!   ⁷Be, pep, hep; the total fluxes are the row above the table (units 10¹⁰ cm⁻² s⁻¹, order
//!   pp, pep, hep, ⁷Be, ⁸B, ¹³N, ¹⁵O, ¹⁷F).
//! - B16(AGSS09met) (`profiles/nudistr_b16_agss09.dat`, arXiv:1611.09867): per zone a
//!   *density* in r/R_sun (each column integrates to 1 by the trapezoid rule), columns pp,
//!   pep, hep, ⁷Be, ⁸B, ¹³N, ¹⁵O, ¹⁷F; total fluxes of B16-GS98 and B16-AGSS09met from
//!   `profiles/fluxes_b16.dat`. No B16-GS98 production table is shipped: `b16-gs98` uses the
//!   AGSS09met distributions with the GS98 fluxes (the output's provenance says so).
//!
//! Both are turned into one form, a density f(r) per source on the table's radii, linear
//! between them, normalised so that the trapezoid rule on the table's radii gives 1. For
//! BS05 that is f_i = fraction_i / w_i with w_i the trapezoid weight of row i, so the
//! trapezoid average of any P over the rows is exactly Σ fraction_i P(r_i), the table's own
//! meaning. [`ProductionTable::nodes`] chooses quadrature start radii from that density.

use crate::quadrature::trapezoid_weights;
use crate::units::R_SUN_KM;

const BS05_FLUX: &str = include_str!("../../profiles/bs2005opflux.dat");
const B16_AGSS09: &str = include_str!("../../profiles/nudistr_b16_agss09.dat");
const B16_FLUXES: &str = include_str!("../../profiles/fluxes_b16.dat");

/// Default number of start radii of a tabulated production average. Measured on B16 (tests
/// `solar_production`): against 48 nodes the day P_ee of ⁸B (3, 10 MeV), ⁷Be, pp and ¹³N is
/// within 1e-6 from 6 nodes on (4 nodes: 2e-6), the remaining ~5e-7 being the solver's
/// rtol = 1e-6; 8 leaves a margin.
pub const DEFAULT_TABLE_POINTS: usize = 8;

/// A solar neutrino source (reaction).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SolarSource {
    Pp,
    Pep,
    Hep,
    Be7,
    B8,
    N13,
    O15,
    F17,
}

impl SolarSource {
    /// All sources, in the order of the flux tables (pp, pep, hep, ⁷Be, ⁸B, ¹³N, ¹⁵O, ¹⁷F).
    pub const ALL: [SolarSource; 8] = [
        SolarSource::Pp,
        SolarSource::Pep,
        SolarSource::Hep,
        SolarSource::Be7,
        SolarSource::B8,
        SolarSource::N13,
        SolarSource::O15,
        SolarSource::F17,
    ];

    /// The scenario spelling.
    pub fn name(self) -> &'static str {
        match self {
            SolarSource::Pp => "pp",
            SolarSource::Pep => "pep",
            SolarSource::Hep => "hep",
            SolarSource::Be7 => "7Be",
            SolarSource::B8 => "8B",
            SolarSource::N13 => "13N",
            SolarSource::O15 => "15O",
            SolarSource::F17 => "17F",
        }
    }

    /// The source spelled `name` (as in [`SolarSource::name`]).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Position in [`SolarSource::ALL`].
    pub fn index(self) -> usize {
        Self::ALL.iter().position(|&s| s == self).unwrap_or(0)
    }

    /// The spellings, for error messages.
    pub fn names() -> String {
        Self::ALL.map(|s| format!("\"{}\"", s.name())).join(", ")
    }
}

/// The radial production densities of one solar model, all eight sources.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductionTable {
    /// Table radii, R_sun, increasing.
    pub r_rsun: Vec<f64>,
    /// log10(n_e/N_A) (n_e in cm⁻³) at each radius, as the table gives it.
    pub log_ne: Vec<f64>,
    /// Per source (order of [`SolarSource::ALL`]) the density in r/R_sun at each radius,
    /// trapezoid-normalised to 1.
    pub density: [Vec<f64>; 8],
    /// Which file, for provenance.
    pub file: &'static str,
}

/// Numeric rows with at least `columns` fields; lines that do not start with a number (the
/// BS05 file's prose header, `#` comments) and shorter rows (its flux row) are skipped.
fn numeric_rows(text: &str, columns: usize) -> Vec<Vec<f64>> {
    text.lines()
        .filter_map(|line| {
            let row: Vec<f64> = line
                .split_whitespace()
                .map(str::parse::<f64>)
                .collect::<Result<_, _>>()
                .ok()?;
            (row.len() >= columns).then_some(row)
        })
        .collect()
}

impl ProductionTable {
    /// BS05(OP): fractions per zone (columns 6–13: pp, ⁸B, ¹³N, ¹⁵O, ¹⁷F, ⁷Be, pep, hep).
    pub fn bs05() -> Self {
        let rows = numeric_rows(BS05_FLUX, 13);
        let r: Vec<f64> = rows.iter().map(|row| row[0]).collect();
        let w = trapezoid_weights(&r);
        // Column of each source of SolarSource::ALL in the file.
        let column = [5, 11, 12, 10, 6, 7, 8, 9];
        let density = column.map(|c| {
            let f: Vec<f64> = rows.iter().zip(&w).map(|(row, w)| row[c] / w).collect();
            normalised(&r, f)
        });
        ProductionTable {
            log_ne: rows.iter().map(|row| row[2]).collect(),
            r_rsun: r,
            density,
            file: "profiles/bs2005opflux.dat",
        }
    }

    /// B16(AGSS09met): densities (columns 5–12: pp, pep, hep, ⁷Be, ⁸B, ¹³N, ¹⁵O, ¹⁷F).
    pub fn b16_agss09() -> Self {
        let rows = numeric_rows(B16_AGSS09, 12);
        let r: Vec<f64> = rows.iter().map(|row| row[0]).collect();
        let density =
            std::array::from_fn(|k| normalised(&r, rows.iter().map(|row| row[4 + k]).collect()));
        ProductionTable {
            log_ne: rows.iter().map(|row| row[2]).collect(),
            r_rsun: r,
            density,
            file: "profiles/nudistr_b16_agss09.dat",
        }
    }

    /// The density of `source` at `r_rsun` (linear between rows, 0 outside the table).
    pub fn density_at(&self, source: SolarSource, r_rsun: f64) -> f64 {
        let (r, f) = (&self.r_rsun, &self.density[source.index()]);
        if !(r_rsun >= r[0] && r_rsun <= r[r.len() - 1]) {
            return 0.0;
        }
        let i = r.partition_point(|&x| x <= r_rsun).clamp(1, r.len() - 1);
        let t = (r_rsun - r[i - 1]) / (r[i] - r[i - 1]);
        f[i - 1] + t * (f[i] - f[i - 1])
    }

    /// `n` start radii (R_sun) and weights summing to 1 for the average over `source`'s
    /// production: the Gauss rule of the table itself (the discrete measure of its rows with
    /// trapezoid weights, [`crate::quadrature::gauss_rule_of_measure`]), so the average of
    /// any polynomial of degree < 2n in r equals the table's own trapezoid average exactly,
    /// and a smooth P(r) converges spectrally to it.
    pub fn nodes(&self, source: SolarSource, n: usize) -> Vec<(f64, f64)> {
        let w: Vec<f64> = trapezoid_weights(&self.r_rsun)
            .iter()
            .zip(&self.density[source.index()])
            .map(|(w, f)| w * f)
            .collect();
        crate::quadrature::gauss_rule_of_measure(&self.r_rsun, &w, n)
    }

    /// [`ProductionTable::nodes`] in km.
    pub fn nodes_km(&self, source: SolarSource, n: usize) -> Vec<(f64, f64)> {
        self.nodes(source, n)
            .into_iter()
            .map(|(r, w)| (r * R_SUN_KM, w))
            .collect()
    }
}

/// `f` divided by its trapezoid integral over `r`.
fn normalised(r: &[f64], f: Vec<f64>) -> Vec<f64> {
    let total: f64 = trapezoid_weights(r)
        .iter()
        .zip(&f)
        .map(|(w, f)| w * f)
        .sum();
    f.into_iter().map(|v| v / total).collect()
}

/// Total fluxes at the Earth (cm⁻² s⁻¹) in the order of [`SolarSource::ALL`].
pub type Fluxes = [f64; 8];

/// BS05(OP) total fluxes: the row above the table in `bs2005opflux.dat`, ×1e10 cm⁻² s⁻¹.
pub fn bs05_fluxes() -> Fluxes {
    let row = BS05_FLUX
        .lines()
        .filter_map(|line| {
            let v: Vec<f64> = line
                .split_whitespace()
                .map(str::parse::<f64>)
                .collect::<Result<_, _>>()
                .ok()?;
            (v.len() == 8).then_some(v)
        })
        .next()
        .unwrap_or_default();
    std::array::from_fn(|k| row.get(k).map_or(f64::NAN, |v| v * 1e10))
}

/// B16 total fluxes (cm⁻² s⁻¹) from `fluxes_b16.dat`: `gs98 = true` the first column pair,
/// else AGSS09met. The file's units: 1e10 (pp), 1e9 (⁷Be), 1e8 (pep, ¹³N, ¹⁵O), 1e6 (⁸B,
/// ¹⁷F), 1e3 (hep).
pub fn b16_fluxes(gs98: bool) -> Fluxes {
    let rows = numeric_rows(B16_FLUXES, 4);
    let unit = [1e10, 1e8, 1e3, 1e9, 1e6, 1e8, 1e8, 1e6];
    let col = if gs98 { 0 } else { 2 };
    std::array::from_fn(|k| rows.get(k).map_or(f64::NAN, |row| row[col] * unit[k]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_round_trip_and_reject_unknown() {
        for s in SolarSource::ALL {
            assert_eq!(SolarSource::from_name(s.name()), Some(s));
        }
        assert_eq!(SolarSource::from_name("8b"), None);
        assert_eq!(SolarSource::from_name("CNO"), None);
    }

    #[test]
    fn tables_parse_with_their_own_column_orders() {
        let bs = ProductionTable::bs05();
        assert_eq!(bs.r_rsun.len(), 1219);
        assert_eq!(bs.r_rsun[0], 0.00041);
        // Fractions: the first row's ⁸B fraction 4.706e-6 (column 7) and hep 1.592e-7
        // (column 13), divided by the first row's trapezoid weight.
        let w0 = 0.5 * (0.00082 - 0.00041);
        let b8 = bs.density[SolarSource::B8.index()][0] * w0;
        let hep = bs.density[SolarSource::Hep.index()][0] * w0;
        assert!((b8 / 4.706e-6 - 1.0).abs() < 1e-4, "{b8}");
        assert!((hep / 1.592e-7 - 1.0).abs() < 1e-4, "{hep}");
        let b16 = ProductionTable::b16_agss09();
        assert_eq!(b16.r_rsun.len(), 1000);
        // Row 1: pp 1.03558709e-03, 8B 1.26006727e-02 (densities, normalised to ~1 already).
        let pp = b16.density[SolarSource::Pp.index()][0];
        let b8 = b16.density[SolarSource::B8.index()][0];
        assert!((pp / 1.03558709e-03 - 1.0).abs() < 1e-3, "{pp}");
        assert!((b8 / 1.26006727e-02 - 1.0).abs() < 1e-3, "{b8}");
        // ⁸B is made deeper than pp, in both models (mean radius ~0.05 against ~0.1).
        for t in [&bs, &b16] {
            let mean = |s: SolarSource| {
                let w = trapezoid_weights(&t.r_rsun);
                (0..t.r_rsun.len())
                    .map(|i| w[i] * t.density[s.index()][i] * t.r_rsun[i])
                    .sum::<f64>()
            };
            let (b8, pp) = (mean(SolarSource::B8), mean(SolarSource::Pp));
            assert!(
                (0.04..0.06).contains(&b8) && (0.09..0.13).contains(&pp),
                "{b8} {pp}"
            );
        }
    }

    #[test]
    fn nodes_reproduce_the_table_moments() {
        // The trapezoid moments of the table itself against the quadrature on its density.
        for t in [ProductionTable::bs05(), ProductionTable::b16_agss09()] {
            let w = trapezoid_weights(&t.r_rsun);
            for s in SolarSource::ALL {
                let f = &t.density[s.index()];
                let moment = |k: i32| {
                    (0..w.len())
                        .map(|i| w[i] * f[i] * t.r_rsun[i].powi(k))
                        .sum::<f64>()
                };
                let nodes = t.nodes(s, DEFAULT_TABLE_POINTS);
                let q = |k: i32| nodes.iter().map(|(r, w)| w * r.powi(k)).sum::<f64>();
                assert!((q(0) - 1.0).abs() < 1e-14);
                for k in [1, 2] {
                    let rel = (q(k) / moment(k) - 1.0).abs();
                    assert!(
                        rel < 1e-12,
                        "{} {}: moment {k} off by {rel}",
                        t.file,
                        s.name()
                    );
                }
            }
        }
    }

    #[test]
    fn total_fluxes_in_table_order() {
        let bs = bs05_fluxes();
        assert!((bs[0] / 5.991e10 - 1.0).abs() < 1e-12);
        assert!((bs[4] / 5.691e6 - 1.0).abs() < 1e-12);
        let gs = b16_fluxes(true);
        let ag = b16_fluxes(false);
        // arXiv:1611.09867 Table 6: ⁸B 5.46e6 (GS98), 4.50e6 (AGSS09met); ⁷Be 4.93e9, 4.50e9.
        assert_eq!((gs[4], ag[4]), (5.46e6, 4.50e6));
        assert_eq!((gs[3], ag[3]), (4.93e9, 4.50e9));
        assert_eq!((gs[2], ag[7]), (7.98e3, 3.26e6));
    }
}
