//! The B16 Suns (arXiv:1611.09867) and the production start points of every solar model.
//!
//! No B16 structure table is shipped, so the B16 density comes from the log10(n_e/N_A)
//! column of its production table `profiles/nudistr_b16_agss09.dat`. That column is rounded
//! to three decimals (n_e to ±0.12 %): interpolated as it stands, its steps put kinks of
//! ~1e-4 into P_ee as a function of the production radius, which no quadrature of the
//! production zones can then average to 1e-6. So nuspin uses BS05(OP)'s finely tabulated
//! log10 n_e plus a smooth shift, the degree-6 Chebyshev least-squares fit of (B16 − BS05)
//! over the B16 rows; its residuals are the rounding (rms 2.9e-4, max 6e-4 in log10, the
//! rms of a uniform rounding error being 2.9e-4). The B16 table ends at 0.5 R_sun; beyond
//! it the shift is held at its 0.5 R_sun value (the outer Sun only carries the state
//! adiabatically to the surface). The B16 table gives no composition: n_n is BS05(OP)'s n_n
//! times the same shift, i.e. B16's n_e times BS05's n_n/n_e = (1 − X_H)/(1 + X_H). No
//! B16-GS98 production or density table is shipped either, so `b16-gs98` is this same Sun
//! with the GS98 total fluxes; the provenance says so.

use super::interpolate::{Interpolant, Interpolation};
use super::solar_production::{ProductionTable, SolarSource};
use super::sun::{parse_columns, Bs05, SolarModel, NELE_BS05OP};
use super::Side;
use crate::units::R_SUN_KM;

/// Degree of the Chebyshev least-squares fit of log10 n_e(B16) − log10 n_e(BS05).
const FIT_DEGREE: usize = 6;

/// The smooth B16 − BS05 difference in log10(n_e/N_A): a least-squares Chebyshev fit over
/// the B16 rows (r in R_sun), constant beyond the last row.
pub(super) struct LogNeShift {
    coefficients: Vec<f64>,
    r_max: f64,
}

impl LogNeShift {
    fn fit(r: &[f64], delta: &[f64]) -> Result<Self, String> {
        let r_max = r[r.len() - 1];
        let basis = |x: f64| chebyshev(2.0 * x / r_max - 1.0);
        let a = nalgebra::DMatrix::from_fn(r.len(), FIT_DEGREE + 1, |i, k| basis(r[i])[k]);
        let y = nalgebra::DVector::from_column_slice(delta);
        let c = a
            .svd(true, true)
            .solve(&y, 1e-12)
            .map_err(|e| format!("B16 n_e fit: {e}"))?;
        Ok(LogNeShift {
            coefficients: c.iter().copied().collect(),
            r_max,
        })
    }

    /// The shift at `r_rsun`.
    pub(super) fn at(&self, r_rsun: f64) -> f64 {
        let b = chebyshev(2.0 * r_rsun.min(self.r_max) / self.r_max - 1.0);
        self.coefficients.iter().zip(b).map(|(c, b)| c * b).sum()
    }
}

fn chebyshev(x: f64) -> [f64; FIT_DEGREE + 1] {
    let mut t = [1.0; FIT_DEGREE + 1];
    t[1] = x;
    for k in 2..=FIT_DEGREE {
        t[k] = 2.0 * x * t[k - 1] - t[k - 2];
    }
    t
}

/// The shift of B16 from BS05 in log10(n_e/N_A), fitted to the B16 table's column.
pub(super) fn log_ne_shift() -> Result<LogNeShift, String> {
    let bs05 = Bs05::load()?;
    let table = ProductionTable::b16_agss09();
    let lo = bs05.log_ne.range().0;
    let delta: Vec<f64> = table
        .r_rsun
        .iter()
        .zip(&table.log_ne)
        .map(|(r, l)| {
            let l05 = bs05
                .log_ne
                .eval((r * R_SUN_KM).max(lo), Side::Left)
                .map_or(f64::NAN, |v| v.0);
            l - l05
        })
        .collect();
    LogNeShift::fit(&table.r_rsun, &delta)
}

/// The B16(AGSS09met) profile in the form of [`Bs05`]: on BS05's n_e rows, BS05's log10 n_e
/// plus the fitted shift (see the module docs).
pub(super) fn load() -> Result<Bs05, String> {
    let bs05 = Bs05::load()?;
    let shift = log_ne_shift()?;
    let rows = parse_columns(NELE_BS05OP, "profiles/nele_bs05op.dat", 2)?;
    let r: Vec<f64> = rows.iter().map(|row| row[0] * R_SUN_KM).collect();
    let l: Vec<f64> = rows.iter().map(|row| row[1] + shift.at(row[0])).collect();
    let log_ne =
        Interpolant::new(&r, &l, Interpolation::Linear).map_err(|e| format!("B16 n_e: {e}"))?;
    // n_n = n_e(B16) · (n_n/n_e)(BS05): the same shift on the BS05 structure rows.
    let rows = bs05.nn.rows();
    let nn: Vec<f64> = rows
        .iter()
        .map(|&x| {
            let nn05 = bs05.nn.eval(x, Side::Left).map_or(f64::NAN, |v| v.0);
            nn05 * 10f64.powf(shift.at(x / R_SUN_KM))
        })
        .collect();
    let nn =
        Interpolant::new(&rows, &nn, Interpolation::Linear).map_err(|e| format!("B16 n_n: {e}"))?;
    Ok(Bs05 {
        log_ne,
        nn,
        tail_ratio: bs05.tail_ratio,
    })
}

/// The production table of a model (`None`: the exponential Sun has none).
pub fn production_table(model: SolarModel) -> Option<ProductionTable> {
    match model {
        SolarModel::Bs05 => Some(ProductionTable::bs05()),
        SolarModel::B16Agss09 | SolarModel::B16Gs98 => Some(ProductionTable::b16_agss09()),
        SolarModel::Exponential => None,
    }
}

/// Citation of a model's density, production zones and fluxes (for the output's provenance).
pub fn citation(model: SolarModel) -> &'static str {
    match model {
        SolarModel::Bs05 => "BS05(OP): Bahcall, Serenelli, Basu, ApJ 621 (2005) L85, astro-ph/0412440; n_e profiles/nele_bs05op.dat, n_n from profiles/bs05op.dat, production zones and fluxes profiles/bs2005opflux.dat",
        SolarModel::B16Agss09 => "B16(AGSS09met): Vinyoles et al., ApJ 835 (2017) 202, arXiv:1611.09867; n_e = BS05(OP) n_e times a smooth degree-6 Chebyshev fit of the B16/BS05 ratio to the (3-decimal) log10(n_e/N_A) column of profiles/nudistr_b16_agss09.dat (r <= 0.5 R_sun; ratio held beyond), n_n = n_e (n_n/n_e of BS05(OP)); production zones profiles/nudistr_b16_agss09.dat; fluxes profiles/fluxes_b16.dat (AGSS09met)",
        SolarModel::B16Gs98 => "B16(GS98): Vinyoles et al., ApJ 835 (2017) 202, arXiv:1611.09867; total fluxes profiles/fluxes_b16.dat (GS98); no B16-GS98 structure or production table is shipped: density and production zones are B16(AGSS09met)'s (profiles/nudistr_b16_agss09.dat)",
        SolarModel::Exponential => "exponential Sun n_e = 245 N_A exp(-10.54 r/R_sun) cm^-3, Y_e = 0.7 (no production table, no fluxes)",
    }
}

/// Total fluxes of the model (cm⁻² s⁻¹, order of [`SolarSource::ALL`]); `None` for the
/// exponential Sun.
pub fn total_fluxes(model: SolarModel) -> Option<super::solar_production::Fluxes> {
    use super::solar_production::{b16_fluxes, bs05_fluxes};
    match model {
        SolarModel::Bs05 => Some(bs05_fluxes()),
        SolarModel::B16Agss09 => Some(b16_fluxes(false)),
        SolarModel::B16Gs98 => Some(b16_fluxes(true)),
        SolarModel::Exponential => None,
    }
}

/// Start radii (km) and weights of `production = "<source>"` with `points` nodes, and the
/// provenance line. The exponential Sun has no table: for ⁸B it falls back to the Gaussian
/// approximation (said in the provenance); other sources are an error.
pub fn production_starts(
    model: SolarModel,
    source: SolarSource,
    points: usize,
) -> Result<(Vec<(f64, f64)>, String), String> {
    match production_table(model) {
        Some(table) => Ok((
            table.nodes_km(source, points),
            format!(
                "{} production zones of {} ({}), Gauss rule of the tabulated distribution with {points} nodes",
                source.name(),
                model.name(),
                table.file
            ),
        )),
        None if source == SolarSource::B8 => Ok((
            super::sun::production_average_nodes(points)
                .into_iter()
                .map(|(r, w)| (r * R_SUN_KM, w))
                .collect(),
            format!(
                "no production table for the {} Sun: Gaussian approximation of the 8B production region (mean {} R_sun, sigma {} R_sun, {points} Gauss-Legendre nodes)",
                model.name(),
                super::sun::PRODUCTION_MEAN_RSUN,
                super::sun::PRODUCTION_SIGMA_RSUN
            ),
        )),
        None => Err(format!(
            "the {} Sun has no production table; only \"8B\" (its Gaussian approximation) is available, got \"{}\"",
            model.name(),
            source.name()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::medium::{Medium, SolarMedium};
    use crate::units::AVOGADRO;

    #[test]
    fn b16_density_follows_its_table_and_joins_bs05() {
        let sun = SolarMedium::new(SolarModel::B16Agss09, 0.05, None).unwrap();
        let t = ProductionTable::b16_agss09();
        // Within the table's rounding (±5e-4 in log10) of every row, and unbiased.
        let mut sum_sq = 0.0;
        for (r, l) in t.r_rsun.iter().zip(&t.log_ne) {
            let ne = sun.point(r * R_SUN_KM, Side::Left).unwrap().ne_cm3;
            let d = (ne / AVOGADRO).log10() - l;
            assert!(d.abs() < 7e-4, "r = {r}: {d}");
            sum_sq += d * d;
        }
        let rms = (sum_sq / t.r_rsun.len() as f64).sqrt();
        assert!(rms < 3.2e-4, "{rms}");
        // Continuous across the join at 0.5 R_sun, and the BS05 shape beyond.
        let ne = |m: SolarModel, r: f64| {
            SolarMedium::new(m, 0.05, None)
                .unwrap()
                .point(r * R_SUN_KM, Side::Left)
                .unwrap()
                .ne_cm3
        };
        let (a, b) = (
            ne(SolarModel::B16Agss09, 0.49999),
            ne(SolarModel::B16Agss09, 0.50001),
        );
        assert!((a / b - 1.0).abs() < 1e-3);
        let ratio = |r| ne(SolarModel::B16Agss09, r) / ne(SolarModel::Bs05, r);
        assert!((ratio(0.7) / ratio(0.9) - 1.0).abs() < 1e-9);
        // B16 differs from BS05 in the core by a few per cent at most.
        assert!((ratio(0.05) - 1.0).abs() < 0.05 && ratio(0.05) != 1.0);
        // The neutron fraction is BS05's.
        let p16 = sun.point(0.2 * R_SUN_KM, Side::Left).unwrap();
        let p05 = SolarMedium::new(SolarModel::Bs05, 0.05, None)
            .unwrap()
            .point(0.2 * R_SUN_KM, Side::Left)
            .unwrap();
        let q = (p16.nn_cm3 / p16.ne_cm3) / (p05.nn_cm3 / p05.ne_cm3);
        assert!((q - 1.0).abs() < 2e-3, "{q}");
        assert!(sun.check_track(0.0, R_SUN_KM).is_ok());
    }

    #[test]
    fn exponential_sun_only_has_the_gaussian_for_8b() {
        let (starts, how) =
            production_starts(SolarModel::Exponential, SolarSource::B8, 12).unwrap();
        assert_eq!(starts.len(), 12);
        assert!(how.contains("Gaussian"));
        let err = production_starts(SolarModel::Exponential, SolarSource::Pp, 12).unwrap_err();
        assert!(err.contains("no production table"), "{err}");
        let (_, how) = production_starts(SolarModel::B16Gs98, SolarSource::Be7, 12).unwrap();
        assert!(how.contains("nudistr_b16_agss09"), "{how}");
        assert!(citation(SolarModel::B16Gs98).contains("no B16-GS98"));
    }
}
