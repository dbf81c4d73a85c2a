//! The annual exposure of a detector site to the Sun: the distribution over a year of the
//! cosine of the Sun's zenith angle, cos θ_z (negative at night, when the neutrinos cross
//! the Earth along a chord of nadir angle η with cos η = −cos θ_z; the `[arrival] earth`
//! convention).
//!
//! At latitude φ, with solar declination δ and hour angle h, cos θ_z = sin φ sin δ +
//! cos φ cos δ cos h. Over one day δ is constant to a good approximation and h uniform, so
//! cos h has the arcsine distribution and the fraction of the day with cos θ_z ≤ c is
//! 1 − arccos(clamp((c − sin φ sin δ)/(cos φ cos δ)))/π. That is averaged over the year's
//! declination on a fine grid of days (weighted by 1/d², d the Sun–Earth distance in AU, when
//! asked, because the flux is). Declination and distance: the NOAA/Spencer-type low-order
//! formulas below (declination to ~0.2°, which is far below what moves a cos θ_z bin at
//! 1e-3), with the year's mean anomaly from perihelion on 3 January.

use std::f64::consts::{FRAC_PI_2, PI};

/// Days in a (tropical) year.
pub const YEAR_DAYS: f64 = 365.2422;
/// Obliquity of the ecliptic, degrees.
pub const OBLIQUITY_DEG: f64 = 23.44;
/// Eccentricity of the Earth's orbit.
pub const ECCENTRICITY: f64 = 0.0167;
/// cos η of the core shadow: the chord at nadir angle η passes the Earth's centre at
/// R_earth sin η, so it crosses the core (R_core = 3480 km) iff sin η < 3480/6371, i.e.
/// cos η > √(1 − (3480/6371)²) ≈ 0.8377 (SK's core bin starts at 0.84).
pub const CORE_COS_NADIR: f64 = 0.837_638_441_902_016_3;

/// Solar declination (radians) on day `day` of the year (0 = 1 January 0h), from the
/// ecliptic longitude λ = 280.46° + 0.9856°·n + 1.915° sin g + 0.020° sin 2g, g the mean
/// anomaly 357.53° + 0.9856°·n (n days from 1 January 12h): sin δ = sin ε sin λ.
pub fn declination_rad(day: f64) -> f64 {
    let n = day - 0.5;
    let g = (357.53 + 0.985_600_3 * n).to_radians();
    let lambda =
        (280.46 + 0.985_647_4 * n + 1.915 * g.sin() + 0.020 * (2.0 * g).sin()).to_radians();
    (OBLIQUITY_DEG.to_radians().sin() * lambda.sin()).asin()
}

/// Sun–Earth distance in AU on day `day`: 1.00014 − 0.01671 cos g − 0.00014 cos 2g.
pub fn distance_au(day: f64) -> f64 {
    let g = (357.53 + 0.985_600_3 * (day - 0.5)).to_radians();
    1.00014 - 0.01671 * g.cos() - 0.00014 * (2.0 * g).cos()
}

/// A detector site's exposure: cos θ_z fractions of the year.
#[derive(Debug, Clone, PartialEq)]
pub struct Exposure {
    latitude_rad: f64,
    /// (sin δ, cos δ, weight) of each day-grid point, weights summing to 1.
    days: Vec<(f64, f64, f64)>,
}

impl Exposure {
    /// The site at `latitude_deg` (in [−90, 90]); `inverse_square` weights each time by
    /// 1/d². `samples` day-grid points over the year (the integrand is periodic and smooth,
    /// so the trapezoid rule converges fast; 2000 is plenty).
    pub fn new(latitude_deg: f64, inverse_square: bool, samples: usize) -> Self {
        let samples = samples.max(1);
        let mut days: Vec<(f64, f64, f64)> = (0..samples)
            .map(|i| {
                let day = YEAR_DAYS * i as f64 / samples as f64;
                let d = declination_rad(day);
                let w = if inverse_square {
                    distance_au(day).powi(-2)
                } else {
                    1.0
                };
                (d.sin(), d.cos(), w)
            })
            .collect();
        let total: f64 = days.iter().map(|d| d.2).sum();
        days.iter_mut().for_each(|d| d.2 /= total);
        Exposure {
            latitude_rad: latitude_deg.to_radians(),
            days,
        }
    }

    /// Fraction of the (weighted) year with cos θ_z ≤ `c`.
    pub fn cdf(&self, c: f64) -> f64 {
        self.cdf_many(std::slice::from_ref(&c))[0]
    }

    /// [`Exposure::cdf`] at every point of the ascending `cs`: for each day, the weighted
    /// fraction 1 − arccos(clamp((c − sin φ sin δ)/(cos φ cos δ)))/π, summed over the days
    /// in order. The points below the day's range of cos θ_z (term 0) and above it (term w)
    /// are found by bisection on the same monotone test, so only points inside the range pay
    /// for an acos, and the days are walked once for all points (night chords ask for
    /// thousands of points × thousands of days).
    pub fn cdf_many(&self, cs: &[f64]) -> Vec<f64> {
        debug_assert!(cs.windows(2).all(|p| p[0] <= p[1]), "cs must ascend");
        let (sp, cp) = self.latitude_rad.sin_cos();
        let mut acc = vec![std::iter::empty::<f64>().sum::<f64>(); cs.len()];
        for &(sd, cd, w) in &self.days {
            let (a, b) = (sp * sd, cp * cd);
            if b <= 1e-15 {
                for (sum, &c) in acc.iter_mut().zip(cs) {
                    *sum += w * if a <= c { 1.0 } else { 0.0 };
                }
                continue;
            }
            let below = cs.partition_point(|&c| (c - a) / b <= -1.0);
            let inside = below + cs[below..].partition_point(|&c| (c - a) / b < 1.0);
            acc[..below].iter_mut().for_each(|sum| *sum += w * 0.0);
            for (sum, &c) in acc[below..inside].iter_mut().zip(&cs[below..inside]) {
                *sum += w * (1.0 - acos((c - a) / b) / PI);
            }
            acc[inside..].iter_mut().for_each(|sum| *sum += w * 1.0);
        }
        acc
    }

    /// Fraction of the year with `lo` ≤ cos θ_z < `hi`.
    pub fn fraction(&self, lo: f64, hi: f64) -> f64 {
        self.cdf(hi) - self.cdf(lo)
    }

    /// The night fraction of the year (cos θ_z < 0).
    pub fn night_fraction(&self) -> f64 {
        self.cdf(0.0)
    }
}

/// A distribution of cos θ_z over the year: a site's [`Exposure`] or a livetime table.
#[derive(Debug, Clone, PartialEq)]
pub enum ZenithDistribution {
    Site(Exposure),
    /// Livetime density against cos θ_z, linear between rows covering [−1, 1].
    Table {
        cos_zenith: Vec<f64>,
        density: Vec<f64>,
    },
}

impl ZenithDistribution {
    /// Fraction of the year with cos θ_z ≤ `c`.
    pub fn cdf(&self, c: f64) -> f64 {
        match self {
            ZenithDistribution::Site(e) => e.cdf(c),
            ZenithDistribution::Table {
                cos_zenith: x,
                density: f,
            } => {
                let total = trapezoid(x, f, 1.0);
                trapezoid(x, f, c) / total
            }
        }
    }

    /// [`ZenithDistribution::cdf`] at every point of the ascending `cs` (the same numbers).
    pub fn cdf_many(&self, cs: &[f64]) -> Vec<f64> {
        match self {
            ZenithDistribution::Site(e) => e.cdf_many(cs),
            ZenithDistribution::Table { .. } => cs.iter().map(|&c| self.cdf(c)).collect(),
        }
    }

    /// Night chords over the cos θ_z `regions` (each [lo, hi) within [−1, 0)): about `n`
    /// nodes in all, split in proportion to the regions' widths (at least one each), each
    /// region's nodes the Gauss rule of the exposure within it (a region holding no exposure
    /// gets none). Returns (cos θ_z, weight, region index), weights summing to 1 over the
    /// night. Regions should not straddle the core shadow cos θ_z = −[`CORE_COS_NADIR`],
    /// where the night probability has a kink ([`split_at_core`]).
    pub fn night_chords(&self, regions: &[(f64, f64)], n: usize) -> Vec<(f64, f64, usize)> {
        let total = self.cdf(0.0);
        if total <= 0.0 {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (k, &(lo, hi)) in regions.iter().enumerate() {
            let m = ((n as f64 * (hi - lo)).round() as usize).max(1);
            // The measure of each cell of a fine grid, its mass at the cell centre: cells of
            // at most 1/CELLS_PER_UNIT in cos θ_z (the night probability oscillates with a
            // period of ~0.04 at 16 MeV, > 100 cells), and at least MIN_CELLS and
            // CELLS_PER_NODE × its nodes per region. (2000 cells per region cost 0.2 s of
            // acos at validation and moved the night average by < 5e-6, a tenth of the
            // 300-chord quadrature's own error.)
            let cells = ((CELLS_PER_UNIT * (hi - lo)).ceil() as usize)
                .max(MIN_CELLS)
                .max(CELLS_PER_NODE * m);
            let at: Vec<f64> = (0..=cells)
                .map(|i| lo + (hi - lo) * i as f64 / cells as f64)
                .collect();
            let edges = self.cdf_many(&at);
            let x: Vec<f64> = (0..cells)
                .map(|i| lo + (hi - lo) * (i as f64 + 0.5) / cells as f64)
                .collect();
            let w: Vec<f64> = edges.windows(2).map(|e| (e[1] - e[0]).max(0.0)).collect();
            let mass: f64 = w.iter().sum();
            if mass <= 0.0 {
                continue;
            }
            for (c, wc) in crate::quadrature::gauss_rule_of_measure(&x, &w, m) {
                out.push((c, wc * mass / total, k));
            }
        }
        out
    }
}

/// `bins` with any bin that straddles the core shadow split in two there; each piece keeps
/// its bin's index.
pub fn split_at_core(bins: &[(f64, f64)]) -> Vec<((f64, f64), usize)> {
    let edge = -CORE_COS_NADIR;
    let mut out = Vec::new();
    for (k, &(lo, hi)) in bins.iter().enumerate() {
        if lo < edge && edge < hi {
            out.push(((lo, edge), k));
            out.push(((edge, hi), k));
        } else {
            out.push(((lo, hi), k));
        }
    }
    out
}

/// ∫_{x_0}^{min(c, x_last)} f dx of the piecewise-linear f.
fn trapezoid(x: &[f64], f: &[f64], c: f64) -> f64 {
    let mut sum = 0.0;
    for i in 1..x.len() {
        let (a, b) = (x[i - 1], x[i]);
        if c <= a {
            break;
        }
        let end = c.min(b);
        let fe = f[i - 1] + (f[i] - f[i - 1]) * (end - a) / (b - a);
        sum += 0.5 * (f[i - 1] + fe) * (end - a);
    }
    sum
}

/// Cells per unit of cos θ_z of the discretised exposure behind [`ZenithDistribution::night_chords`].
const CELLS_PER_UNIT: f64 = 4000.0;
/// Fewest cells per night region.
const MIN_CELLS: usize = 200;
/// Fewest cells per Gauss node of a night region.
const CELLS_PER_NODE: usize = 8;

/// arccos on [−1, 1], within an ulp of `f64::acos`, in about half its instructions: the
/// night chords take millions of them (one per day-grid point and cell edge) at validation.
/// The classical reduction to asin (Cody & Waite; the rational minimax fit of Sun's fdlibm,
/// R(z) = z P(z)/Q(z) with asin x = x + x R(x²) for |x| ≤ ½) and, for |x| > ½,
/// acos x = 2 asin √((1 − |x|)/2) with its split square root so that the result keeps full
/// relative accuracy near x = 1.
fn acos(x: f64) -> f64 {
    // π/2 = FRAC_PI_2 + PIO2_LO (the tail FRAC_PI_2 drops).
    const PIO2_LO: f64 = 6.123233995736766e-17;
    fn r(z: f64) -> f64 {
        let p = z
            * (0.16666666666666666
                + z * (-0.3255658186224009
                    + z * (0.20121253213486293
                        + z * (-0.04005553450067941
                            + z * (0.0007915349942898145 + z * 3.479331075960212e-5)))));
        let q = 1.0
            + z * (-2.403394911734414
                + z * (2.0209457602335057 + z * (-0.6882839716054533 + z * 0.07703815055590194)));
        p / q
    }
    if x.abs() <= 0.5 {
        FRAC_PI_2 - (x - (PIO2_LO - x * r(x * x)))
    } else if x < 0.0 {
        let z = (1.0 + x) * 0.5;
        let s = z.sqrt();
        let w = r(z) * s - PIO2_LO;
        2.0 * (FRAC_PI_2 - (s + w))
    } else if x == 1.0 {
        0.0
    } else {
        let z = (1.0 - x) * 0.5;
        let s = z.sqrt();
        // s = df + c exactly to first order: df is s with its low 32 bits cleared, so df²
        // is exact and c carries the rest.
        let df = f64::from_bits(s.to_bits() & 0xffff_ffff_0000_0000);
        let c = (z - df * df) / (s + df);
        2.0 * (df + (r(z) * s + c))
    }
}

/// Named night bins in cos θ_z: Super-Kamiokande's (hep-ex/0205075, Fig. 1 / PRD 73 (2006)
/// 112001): mantle 1–5 at cos θ_z in [−0.16, 0), [−0.33, −0.16), [−0.50, −0.33),
/// [−0.67, −0.50), [−0.84, −0.67), and core [−1, −0.84); and the Earth's own `core` (the
/// chord crosses the core, cos θ_z < −0.8376) and `mantle` (−0.8376 ≤ cos θ_z < 0).
pub fn named_bins(scheme: &str) -> Option<Vec<(String, f64, f64)>> {
    let bins = match scheme {
        "sk" => vec![
            ("mantle1", -0.16, 0.0),
            ("mantle2", -0.33, -0.16),
            ("mantle3", -0.50, -0.33),
            ("mantle4", -0.67, -0.50),
            ("mantle5", -0.84, -0.67),
            ("core", -1.0, -0.84),
        ],
        "core-mantle" => vec![
            ("mantle", -CORE_COS_NADIR, 0.0),
            ("core", -1.0, -CORE_COS_NADIR),
        ],
        _ => return None,
    };
    Some(
        bins.into_iter()
            .map(|(n, lo, hi)| (n.to_string(), lo, hi))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_core_shadow_is_where_the_chord_grazes_the_core() {
        use crate::medium::earth::EarthMedium;
        use crate::medium::{Medium, Side};
        use crate::units::R_EARTH_KM;
        // The chord at nadir angle η passes the centre at R sin η.
        let closest_km = R_EARTH_KM * (1.0 - CORE_COS_NADIR * CORE_COS_NADIR).sqrt();
        assert!((closest_km - 3480.0).abs() < 1e-9, "{closest_km}");
        // On PREM's chords: just inside the shadow the chord's midpoint is in the core
        // (ρ ≈ 10–12 g/cm³), just outside it is in the lower mantle (ρ ≈ 5.5).
        for (cos_zenith, in_core) in [
            (-(CORE_COS_NADIR + 0.01), true),
            (-(CORE_COS_NADIR - 0.01), false),
        ] {
            let e = EarthMedium::new(cos_zenith).unwrap();
            let mid = e.point(0.5 * e.length_km(), Side::Left).unwrap();
            assert_eq!(mid.rho_g_cm3() > 9.0, in_core, "cos θ_z {cos_zenith}");
        }
    }

    #[test]
    fn declination_and_distance_at_the_solstices_and_apsides() {
        // ~21 June: +23.44°, ~21 December: −23.44°, equinoxes ~0.
        assert!((declination_rad(171.5).to_degrees() - 23.44).abs() < 0.05);
        assert!((declination_rad(354.5).to_degrees() + 23.44).abs() < 0.05);
        assert!(declination_rad(79.0).to_degrees().abs() < 0.5);
        assert!((distance_au(3.0) - 0.9833).abs() < 2e-4);
        assert!((distance_au(185.0) - 1.0167).abs() < 2e-4);
    }

    #[test]
    fn poles_and_equator_have_closed_forms() {
        // At the equator day and night are equal, and at the North Pole the Sun's
        // elevation is the declination: night from the autumn to the spring equinox.
        let eq = Exposure::new(0.0, false, 2000);
        assert!((eq.night_fraction() - 0.5).abs() < 1e-12);
        let pole = Exposure::new(90.0, false, 2000);
        let below: f64 = (0..100_000)
            .filter(|i| declination_rad(YEAR_DAYS * *i as f64 / 1e5) < 0.0)
            .count() as f64
            / 1e5;
        assert!((pole.night_fraction() - below).abs() < 1e-3);
        // At the pole cos θ_z = sin δ never drops below −sin ε.
        assert!(pole.cdf(-OBLIQUITY_DEG.to_radians().sin() - 1e-3) == 0.0);
    }

    /// The year's fraction below `c`, one day at a time with the clamped acos (the form
    /// `cdf_many` computed before it skipped the clamped days).
    fn cdf_direct(site: &Exposure, c: f64) -> f64 {
        let (sp, cp) = site.latitude_rad.sin_cos();
        site.days
            .iter()
            .map(|&(sd, cd, w)| {
                let (a, b) = (sp * sd, cp * cd);
                let below = if b <= 1e-15 {
                    f64::from(u8::from(a <= c))
                } else {
                    1.0 - acos(((c - a) / b).clamp(-1.0, 1.0)) / PI
                };
                w * below
            })
            .sum()
    }

    #[test]
    fn acos_is_the_library_acos_to_an_ulp() {
        let mut worst: f64 = 0.0;
        let n = 2_000_000;
        for i in 0..=n {
            // Dense in [−1, 1], and the ends and the branch points ±½ approached closely.
            let u = -1.0 + 2.0 * i as f64 / n as f64;
            for x in [
                u,
                u.signum() * (1.0 - (u.abs() * 40.0).exp2().recip()),
                0.5 + u * 1e-9,
            ] {
                let (ours, lib) = (acos(x), x.acos());
                worst = worst.max((ours - lib).abs() / lib.max(f64::MIN_POSITIVE));
            }
        }
        assert_eq!(acos(1.0), 0.0);
        assert_eq!(acos(-1.0), PI);
        assert!(worst <= 2.3e-16, "{worst:e}");
    }

    #[test]
    fn cdf_many_is_the_direct_sum_bit_for_bit() {
        let cs: Vec<f64> = (0..=4001).map(|i| -1.0 + 2.0 * i as f64 / 4001.0).collect();
        for (lat, inverse_square) in [(36.43, false), (46.47, true), (0.0, false), (90.0, true)] {
            let site = Exposure::new(lat, inverse_square, 700);
            let many = site.cdf_many(&cs);
            for (&c, m) in cs.iter().zip(&many) {
                assert_eq!(m.to_bits(), cdf_direct(&site, c).to_bits(), "{lat} {c}");
                assert_eq!(m.to_bits(), site.cdf(c).to_bits(), "{lat} {c}");
            }
        }
    }

    #[test]
    fn night_chords_integrate_the_exposure() {
        let site = ZenithDistribution::Site(Exposure::new(36.43, false, 2000));
        let chords = site.night_chords(&[(-1.0, -CORE_COS_NADIR), (-CORE_COS_NADIR, 0.0)], 24);
        let sum: f64 = chords.iter().map(|c| c.1).sum();
        assert!((sum - 1.0).abs() < 1e-12);
        assert!(chords.iter().all(|c| (-1.0..0.0).contains(&c.0)));
        // The mean cos θ_z at night, against the cdf directly.
        let night = site.cdf(0.0);
        let mean_cdf: f64 = -(0..20000)
            .map(|i| site.cdf(-1.0 + i as f64 * 5e-5) * 5e-5)
            .sum::<f64>()
            / night;
        let mean_q: f64 = chords.iter().map(|c| c.0 * c.1).sum();
        assert!((mean_q - mean_cdf).abs() < 1e-4, "{mean_q} {mean_cdf}");
    }
}
