//! [`SolarMedium`]: the Sun of docs/physics.md ("Built-in media") (`kind = "solar"`), x_km = r.
//!
//! - `bs05`: BS05(OP) (Bahcall, Serenelli, Basu, ApJ 621 (2005) L85). n_e from
//!   `profiles/nele_bs05op.dat`, linear in log10(n_e/N_A) against r; n_n = ρ N_A (1 − X_H)/2
//!   from `profiles/bs05op.dat`, linear in r, and beyond that table's last radius n_n = n_e
//!   times the ratio n_n/n_e at that radius. Below a table's first radius (r < 0.0016 R_sun)
//!   its first row is held (the centre is flat). Every row of either table is a kink
//!   ([`Medium::kinks`]); the repeated radius r = R_sun in the n_e table is a declared
//!   discontinuity (a breakpoint).
//!   The tables are embedded in the binary, so it runs from any directory.
//! - `exponential`: n_e = 245 N_A exp(−10.54 r/R_sun) cm⁻³ with Y_e = 0.7, so
//!   n_n = n_e (1 − Y_e)/Y_e.
//!
//! The neutrino starts at the production radius and travels radially to the surface. The
//! ⁸B production-region average uses [`production_average_nodes`].

use super::interpolate::{Interpolant, Interpolation};
use super::{Medium, MediumError, MediumPoint, PresentQuantities, Side};
use crate::units::{AVOGADRO, R_SUN_KM};

pub(super) const NELE_BS05OP: &str = include_str!("../../profiles/nele_bs05op.dat");
const BS05OP: &str = include_str!("../../profiles/bs05op.dat");

/// Mean of the Gaussian production weight in r, R_sun (the ⁸B production peak).
pub const PRODUCTION_MEAN_RSUN: f64 = 0.05;
/// Width σ of the Gaussian production weight in r, R_sun.
pub const PRODUCTION_SIGMA_RSUN: f64 = 0.02;
/// Default number of start radii of the production average.
pub const DEFAULT_PRODUCTION_POINTS: usize = 12;

/// Which solar density model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SolarModel {
    /// The BS05(OP) tables.
    Bs05,
    /// B16(AGSS09met), arXiv:1611.09867: n_e from its production table (see [`super::sun_b16`]).
    B16Agss09,
    /// B16(GS98) total fluxes; no GS98 structure or production table is shipped, so the
    /// density and production zones are B16(AGSS09met)'s (said in the provenance).
    B16Gs98,
    /// n_e = 245 N_A exp(−10.54 r/R_sun), Y_e = 0.7.
    Exponential,
}

impl SolarModel {
    /// The scenario spellings.
    pub const NAMES: [&'static str; 4] = ["bs05", "b16-agss09", "b16-gs98", "exponential"];

    /// The model spelled `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "bs05" => Some(SolarModel::Bs05),
            "b16-agss09" => Some(SolarModel::B16Agss09),
            "b16-gs98" => Some(SolarModel::B16Gs98),
            "exponential" => Some(SolarModel::Exponential),
            _ => None,
        }
    }

    /// The scenario spelling.
    pub fn name(self) -> &'static str {
        match self {
            SolarModel::Bs05 => "bs05",
            SolarModel::B16Agss09 => "b16-agss09",
            SolarModel::B16Gs98 => "b16-gs98",
            SolarModel::Exponential => "exponential",
        }
    }
}

/// A tabulated profile (BS05(OP), or B16 built by [`super::sun_b16`]): log10(n_e/N_A) and
/// n_n against r in km.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Bs05 {
    pub(super) log_ne: Interpolant,
    pub(super) nn: Interpolant,
    /// n_n/n_e at the last radius of the structure table.
    pub(super) tail_ratio: f64,
}

/// The Sun along a radial path from the production point to the surface.
#[derive(Debug, Clone, PartialEq)]
pub struct SolarMedium {
    model: SolarModel,
    bs05: Option<Bs05>,
    production_radius_rsun: f64,
    average_points: Option<usize>,
    /// `production = "<source>"`: the averaged start radii (km) and weights, and how they
    /// were obtained (provenance).
    production: Option<(Vec<(f64, f64)>, String)>,
}

impl SolarMedium {
    /// The Sun with `model`, the neutrino starting at `production_radius_rsun`; with
    /// `average_points = Some(n)` the observable is averaged over the n start radii of
    /// [`production_average_nodes`] instead.
    pub fn new(
        model: SolarModel,
        production_radius_rsun: f64,
        average_points: Option<usize>,
    ) -> Result<Self, String> {
        let bs05 = match model {
            SolarModel::Bs05 => Some(Bs05::load()?),
            SolarModel::B16Agss09 | SolarModel::B16Gs98 => Some(super::sun_b16::load()?),
            SolarModel::Exponential => None,
        };
        Ok(SolarMedium {
            model,
            bs05,
            production_radius_rsun,
            average_points,
            production: None,
        })
    }

    /// The same Sun with the start point averaged over `starts_km` (weights summing to 1),
    /// `how` saying where they come from (see [`super::sun_b16::production_starts`]).
    pub fn with_production(mut self, starts_km: Vec<(f64, f64)>, how: String) -> Self {
        self.production = Some((starts_km, how));
        self
    }

    /// How the start point is chosen, for the output's provenance.
    pub fn production_provenance(&self) -> String {
        match (&self.production, self.average_points) {
            (Some((_, how)), _) => how.clone(),
            (None, Some(n)) => format!(
                "Gaussian approximation of the 8B production region (mean {PRODUCTION_MEAN_RSUN} R_sun, sigma {PRODUCTION_SIGMA_RSUN} R_sun, {n} Gauss-Legendre nodes)"
            ),
            (None, None) => format!("single start radius {} R_sun", self.production_radius_rsun),
        }
    }

    /// The density model.
    pub fn model(&self) -> SolarModel {
        self.model
    }

    /// (n_e, n_n) and their r-derivatives per km.
    fn densities(&self, r: f64, side: Side) -> Result<[f64; 4], MediumError> {
        let Some(b) = &self.bs05 else {
            let ne = 245.0 * AVOGADRO * (-10.54 * r / R_SUN_KM).exp();
            let dne = -10.54 / R_SUN_KM * ne;
            let ratio = 0.3 / 0.7;
            return Ok([ne, dne, ne * ratio, dne * ratio]);
        };
        let (lo, hi) = b.log_ne.range();
        if r > hi {
            return Err(MediumError::OutOfRange {
                x_km: r,
                min_km: 0.0,
                max_km: hi,
            });
        }
        let (l, dl) = b.log_ne.eval(r.max(lo), side).unwrap_or((f64::NAN, 0.0));
        let dl = if r < lo { 0.0 } else { dl };
        let ne = AVOGADRO * 10f64.powf(l);
        let dne = ne * std::f64::consts::LN_10 * dl;
        let (nlo, nhi) = b.nn.range();
        let (nn, dnn) = if r > nhi {
            (ne * b.tail_ratio, dne * b.tail_ratio)
        } else if r < nlo {
            (b.nn.eval(nlo, Side::Right).map_or(f64::NAN, |v| v.0), 0.0)
        } else {
            b.nn.eval(r, side).unwrap_or((f64::NAN, 0.0))
        };
        Ok([ne, dne, nn, dnn])
    }

    fn eval(&self, r: f64, side: Side) -> Result<(MediumPoint, MediumPoint), MediumError> {
        if r.is_nan() || r < 0.0 {
            return Err(MediumError::Other {
                x_km: r,
                message: "the solar model needs a radius r >= 0".into(),
            });
        }
        let [ne, dne, nn, dnn] = self.densities(r, side)?;
        let point = MediumPoint {
            ne_cm3: ne,
            nn_cm3: nn,
            ..Default::default()
        };
        point
            .validate()
            .map_err(|source| MediumError::Invalid { x_km: r, source })?;
        let slope = MediumPoint {
            ne_cm3: dne,
            nn_cm3: dnn,
            ..Default::default()
        };
        Ok((point, slope))
    }
}

impl Bs05 {
    pub(super) fn load() -> Result<Self, String> {
        let nele = parse_columns(NELE_BS05OP, "profiles/nele_bs05op.dat", 2)?;
        let r: Vec<f64> = nele.iter().map(|row| row[0] * R_SUN_KM).collect();
        let l: Vec<f64> = nele.iter().map(|row| row[1]).collect();
        let log_ne = Interpolant::new(&r, &l, Interpolation::Linear)
            .map_err(|e| format!("profiles/nele_bs05op.dat: {e}"))?;
        let st = parse_columns(BS05OP, "profiles/bs05op.dat", 12)?;
        // Columns: M, R, T, rho, P, L, X(H1), ...
        let r: Vec<f64> = st.iter().map(|row| row[1] * R_SUN_KM).collect();
        let nn: Vec<f64> = st
            .iter()
            .map(|row| row[3] * AVOGADRO * (1.0 - row[6]) / 2.0)
            .collect();
        let nn_interp = Interpolant::new(&r, &nn, Interpolation::Linear)
            .map_err(|e| format!("profiles/bs05op.dat: {e}"))?;
        let (_, last) = nn_interp.range();
        let ne_last = log_ne
            .eval(last, Side::Left)
            .map(|(l, _)| AVOGADRO * 10f64.powf(l))
            .ok_or("profiles/bs05op.dat extends beyond nele_bs05op.dat")?;
        let tail_ratio = nn[nn.len() - 1] / ne_last;
        Ok(Bs05 {
            log_ne,
            nn: nn_interp,
            tail_ratio,
        })
    }
}

/// Whitespace-separated numeric rows with at least `columns` fields; `#` lines are comments.
pub(super) fn parse_columns(
    text: &str,
    name: &str,
    columns: usize,
) -> Result<Vec<Vec<f64>>, String> {
    let mut rows = Vec::new();
    for line in crate::text_table::rows(text) {
        let row: Vec<f64> = line
            .whitespace_fields()
            .iter()
            .map(|f| f.parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|e| format!("{name}:{}: {e}", line.line))?;
        if row.len() < columns {
            return Err(format!("{name}:{}: expected {columns} columns", line.line));
        }
        rows.push(row);
    }
    Ok(rows)
}

/// Start radii (in R_sun) and weights (summing to 1) approximating the ⁸B production region
/// of docs/physics.md ("Built-in media"): a Gaussian in r with mean [`PRODUCTION_MEAN_RSUN`] and σ
/// [`PRODUCTION_SIGMA_RSUN`], truncated to r ≥ 0, without an r² factor. This Gaussian is
/// itself an approximation to the ⁸B production distribution. The nodes are those of
/// `n`-point Gauss–Legendre quadrature on [0, mean + 5σ], each weighted by the Gaussian and
/// normalised, so a smooth P(r) is averaged to high order. `n = 0` gives no nodes.
pub fn production_average_nodes(n: usize) -> Vec<(f64, f64)> {
    let (mean, sigma) = (PRODUCTION_MEAN_RSUN, PRODUCTION_SIGMA_RSUN);
    let (a, b) = ((mean - 5.0 * sigma).max(0.0), mean + 5.0 * sigma);
    crate::quadrature::gaussian_nodes(mean, sigma, a, b, n)
}

impl Medium for SolarMedium {
    fn point_and_slope(
        &self,
        x_km: f64,
        side: Side,
    ) -> Result<(MediumPoint, MediumPoint), MediumError> {
        self.eval(x_km, side)
    }

    fn breakpoints(&self) -> Vec<f64> {
        let Some(b) = &self.bs05 else {
            return Vec::new();
        };
        let mut out = b.log_ne.discontinuities();
        out.extend(b.nn.discontinuities());
        out.sort_by(f64::total_cmp);
        out.dedup();
        out
    }

    fn kinks(&self) -> Vec<f64> {
        let Some(b) = &self.bs05 else {
            return Vec::new();
        };
        let mut out = b.log_ne.rows();
        out.extend(b.nn.rows());
        out.sort_by(f64::total_cmp);
        out.dedup();
        out
    }

    fn present_quantities(&self) -> PresentQuantities {
        PresentQuantities {
            matter: true,
            b_par: false,
            b_perp: false,
            v_perp: false,
            pol: false,
        }
    }

    /// From the production radius to the surface.
    fn natural_track_km(&self) -> Option<(f64, f64)> {
        Some((self.production_radius_rsun * R_SUN_KM, R_SUN_KM))
    }

    fn domain_km(&self) -> Option<(f64, f64)> {
        self.bs05
            .as_ref()
            .map(|b| (0.0, b.log_ne.range().1))
            .or(Some((0.0, f64::INFINITY)))
    }

    fn as_solar(&self) -> Option<&SolarMedium> {
        Some(self)
    }

    /// The whole Sun, centre to surface.
    fn turbulence_region_km(&self) -> Option<(f64, f64)> {
        Some((0.0, R_SUN_KM))
    }

    fn averaged_starts_km(&self) -> Option<Vec<(f64, f64)>> {
        if let Some((starts, _)) = &self.production {
            return Some(starts.clone());
        }
        self.average_points.map(|n| {
            production_average_nodes(n)
                .into_iter()
                .map(|(r, w)| (r * R_SUN_KM, w))
                .collect()
        })
    }
}

#[cfg(test)]
#[path = "sun_tests.rs"]
mod tests;
