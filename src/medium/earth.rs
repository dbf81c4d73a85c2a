//! [`EarthMedium`]: PREM along a chord (physics.md §8, `kind = "earth"`).
//!
//! The Earth is the piecewise-constant radial profile of `profiles/prem_earth.dat`
//! (Dziewonski & Anderson, PEPI 25 (1981) 297; Y_e 0.4656 core, 0.4957 mantle): shell i spans
//! [r_i, r_{i+1}) with row i's ρ and Y_e (the last row only closes the last shell). A neutrino
//! arriving at zenith angle θ_z (cos θ_z < 0) crosses the chord of length L = −2 R_⊕ cos θ_z;
//! x_km is the distance from the entry point, so the distance from the centre is
//! R(x)² = b² + (x − L/2)² with b² = R_⊕² − (L/2)². Every shell boundary the chord crosses is a
//! declared discontinuity, and the medium is constant between them, so `layers` is exact.

use super::{Medium, MediumError, MediumPoint, PresentQuantities, Side};
use crate::units::{AVOGADRO, R_EARTH_KM};

const PREM: &str = include_str!("../../profiles/prem_earth.dat");

/// The PREM shells: (r_i/R_⊕, ρ_i, Y_e,i) for i = 0..=200.
fn prem_rows() -> Result<Vec<[f64; 3]>, String> {
    let mut rows = Vec::new();
    for (i, line) in PREM.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<f64> = line
            .split_whitespace()
            .map(str::parse)
            .collect::<Result<_, _>>()
            .map_err(|e| format!("profiles/prem_earth.dat:{}: {e}", i + 1))?;
        match f.as_slice() {
            [r, rho, ye] => rows.push([*r, *rho, *ye]),
            _ => {
                return Err(format!(
                    "profiles/prem_earth.dat:{}: expected 3 columns",
                    i + 1
                ))
            }
        }
    }
    if rows.len() < 2 {
        return Err("profiles/prem_earth.dat: no shells".into());
    }
    Ok(rows)
}

/// PREM along one chord.
#[derive(Debug, Clone, PartialEq)]
pub struct EarthMedium {
    cos_zenith: f64,
    length_km: f64,
    /// Segment edges: 0, the crossings, L.
    edges: Vec<f64>,
    /// The matter of each segment (edges.len() − 1 of them).
    layers: Vec<MediumPoint>,
}

impl EarthMedium {
    /// The chord for `cos_zenith` in [−1, 0) (checked by the caller, [`super::config`]).
    pub fn new(cos_zenith: f64) -> Result<Self, String> {
        let rows = prem_rows()?;
        let length_km = -2.0 * R_EARTH_KM * cos_zenith;
        let half = 0.5 * length_km;
        let b2 = (R_EARTH_KM * R_EARTH_KM - half * half).max(0.0);
        // Shell boundaries r_1 .. r_{n-2} (r_0 = 0 and r_{n-1} = R_⊕ are no crossings).
        let mut edges = vec![0.0, length_km];
        for row in &rows[1..rows.len() - 1] {
            let r = row[0] * R_EARTH_KM;
            if r * r > b2 {
                let s = (r * r - b2).sqrt();
                edges.extend([half - s, half + s]);
            }
        }
        edges.sort_by(f64::total_cmp);
        edges.dedup();
        let shells: Vec<f64> = rows.iter().map(|r| r[0] * R_EARTH_KM).collect();
        let layers = edges
            .windows(2)
            .map(|w| {
                let mid = 0.5 * (w[0] + w[1]) - half;
                let radius = (b2 + mid * mid).sqrt();
                // Shell i with r_i <= R < r_{i+1}, the last shell closed at R_⊕.
                let i = shells
                    .partition_point(|&r| r <= radius)
                    .clamp(1, rows.len() - 1)
                    - 1;
                let [_, rho, ye] = rows[i];
                MediumPoint {
                    ne_cm3: rho * ye * AVOGADRO,
                    nn_cm3: rho * (1.0 - ye) * AVOGADRO,
                    ..Default::default()
                }
            })
            .collect();
        Ok(EarthMedium {
            cos_zenith,
            length_km,
            edges,
            layers,
        })
    }

    /// The chord length −2 R_⊕ cos θ_z, km.
    pub fn length_km(&self) -> f64 {
        self.length_km
    }

    /// cos θ_z of the chord.
    pub fn cos_zenith(&self) -> f64 {
        self.cos_zenith
    }

    fn layer(&self, x_km: f64, side: Side) -> Result<MediumPoint, MediumError> {
        if !(0.0..=self.length_km).contains(&x_km) {
            return Err(MediumError::OutOfRange {
                x_km,
                min_km: 0.0,
                max_km: self.length_km,
            });
        }
        let inner = &self.edges[1..self.edges.len() - 1];
        let i = match side {
            Side::Left => inner.partition_point(|&e| e < x_km),
            Side::Right => inner.partition_point(|&e| e <= x_km),
        };
        Ok(self.layers[i.min(self.layers.len() - 1)])
    }
}

impl Medium for EarthMedium {
    fn point(&self, x_km: f64, side: Side) -> Result<MediumPoint, MediumError> {
        self.layer(x_km, side)
    }

    fn point_and_slope(
        &self,
        x_km: f64,
        side: Side,
    ) -> Result<(MediumPoint, MediumPoint), MediumError> {
        Ok((self.layer(x_km, side)?, MediumPoint::default()))
    }

    /// Every shell boundary crossed, sorted.
    fn breakpoints(&self) -> Vec<f64> {
        self.edges[1..self.edges.len() - 1].to_vec()
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

    fn is_piecewise_constant(&self) -> bool {
        true
    }

    /// The whole chord.
    fn natural_track_km(&self) -> Option<(f64, f64)> {
        Some((0.0, self.length_km))
    }

    fn domain_km(&self) -> Option<(f64, f64)> {
        Some((0.0, self.length_km))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vertical_chord_crosses_the_core() {
        let e = EarthMedium::new(-1.0).unwrap();
        assert_eq!(e.length_km(), 2.0 * R_EARTH_KM);
        assert_eq!(e.natural_track_km(), Some((0.0, 2.0 * R_EARTH_KM)));
        let bp = e.breakpoints();
        // 199 inner boundaries crossed twice.
        assert_eq!(bp.len(), 398);
        for (a, b) in bp.iter().zip(bp.iter().rev()) {
            assert!((a + b - 2.0 * R_EARTH_KM).abs() < 1e-9, "{a} {b}");
        }
        // The centre: the first PREM shell, ρ = 13.0885, Y_e = 0.4656.
        let c = e.point(R_EARTH_KM, Side::Left).unwrap();
        assert!((c.ne_cm3 / (13.0885 * 0.4656 * AVOGADRO) - 1.0).abs() < 1e-12);
        // Entering: the outermost shell (row 199, ρ = 3.379938), not the ocean row.
        let s = e.point(0.0, Side::Right).unwrap();
        assert!((s.rho_g_cm3() / 3.379938 - 1.0).abs() < 1e-12);
        // The core–mantle boundary at 0.545–0.55 R_⊕: ρ jumps from ~9.9 to ~5.55.
        let x = R_EARTH_KM * (1.0 - 0.55);
        let x = *bp.iter().find(|&&b| (b - x).abs() < 1e-6).unwrap();
        let (l, r) = (
            e.point(x, Side::Left).unwrap(),
            e.point(x, Side::Right).unwrap(),
        );
        assert!((l.rho_g_cm3() / 5.5544042875 - 1.0).abs() < 1e-9);
        assert!((r.rho_g_cm3() / 9.915920696 - 1.0).abs() < 1e-9);
        assert!(e.is_piecewise_constant());
        assert!(e.point(-1.0, Side::Left).is_err());
        assert!(e.check_track(0.0, 2.0 * R_EARTH_KM + 1.0).is_err());
    }

    #[test]
    fn grazing_chord_stays_in_the_mantle() {
        let e = EarthMedium::new(-0.3).unwrap();
        assert!((e.length_km() - 0.6 * R_EARTH_KM).abs() < 1e-9);
        let half = 0.3 * R_EARTH_KM;
        let deepest = (R_EARTH_KM * R_EARTH_KM - half * half).sqrt() / R_EARTH_KM;
        let mid = e.point(half, Side::Left).unwrap();
        assert!(deepest > 0.95 && (mid.ne_cm3 / mid.nn_cm3 - 0.4957 / 0.5043).abs() < 1e-12);
        let bp = e.breakpoints();
        assert!(bp.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(bp.len() % 2, 0);
        let (_, d) = e.point_and_slope(half * 0.5, Side::Left).unwrap();
        assert_eq!(d, MediumPoint::default());
    }
}
