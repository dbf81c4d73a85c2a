//! [`EarthMedium`]: an Earth model along a chord (docs/physics.md, "Built-in media";
//! `kind = "earth"`).
//!
//! The Earth is a set of concentric constant shells ([`EarthShells`]: PREM's 200, Prob3++'s
//! 4, or the user's), the detector at depth d below the surface of radius R (R_d = R − d), the
//! neutrino made at height h above it (vacuum outside R). It arrives at zenith angle θ_z, so
//! it starts at distance L = −R_d cos θ_z + √((R + h)² − R_d² sin²θ_z) from the detector;
//! x_km is the distance from the start, and the distance from the centre is
//! r(x)² = b² + (x − x_c)² with b² = R_d² sin²θ_z and x_c = L + R_d cos θ_z (for d = h = 0:
//! L = −2 R cos θ_z, x_c = L/2). Every shell boundary (and, for h > 0, the surface) the chord
//! crosses is a declared discontinuity, and the medium is constant between them, so `layers`
//! is exact.

use super::earth_model::{EarthGeometry, EarthShells};
use super::{Medium, MediumError, MediumPoint, PresentQuantities, Side};

/// An Earth model along one chord.
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
    /// PREM's chord for `cos_zenith` in [−1, 0), detector and start at the surface.
    pub fn new(cos_zenith: f64) -> Result<Self, String> {
        Ok(Self::with_model(
            &EarthShells::prem()?,
            &EarthGeometry::surface(cos_zenith),
        ))
    }

    /// The chord of `geometry` through `shells`. The caller checks the geometry: depth in
    /// [0, R), height >= 0, cos θ_z in [−1, 1], and cos θ_z < 0 for the plain surface chord.
    pub fn with_model(shells: &EarthShells, geometry: &EarthGeometry) -> Self {
        let radius = shells.radius_km();
        let c = geometry.cos_zenith;
        let h = geometry.production_height_km;
        let (length_km, x_c, b2) = if geometry.is_surface_chord() {
            let length_km = -2.0 * radius * c;
            let half = 0.5 * length_km;
            (length_km, half, (radius * radius - half * half).max(0.0))
        } else {
            let r_d = radius - geometry.detector_depth_km;
            let b2 = (r_d * r_d * (1.0 - c * c)).max(0.0);
            let top = radius + h;
            let length_km = -r_d * c + (top * top - b2).max(0.0).sqrt();
            (length_km, length_km + r_d * c, b2)
        };
        // Inner shell boundaries, and the surface when the neutrino starts above it.
        let n = shells.outer_km.len();
        let boundaries = if h > 0.0 {
            &shells.outer_km[..]
        } else {
            &shells.outer_km[..n - 1]
        };
        let mut edges = vec![0.0, length_km];
        for &r in boundaries {
            if r * r > b2 {
                let s = (r * r - b2).sqrt();
                edges.extend(
                    [x_c - s, x_c + s]
                        .into_iter()
                        .filter(|&x| x > 0.0 && x < length_km),
                );
            }
        }
        edges.sort_by(f64::total_cmp);
        edges.dedup();
        let layers = edges
            .windows(2)
            .map(|w| {
                let mid = 0.5 * (w[0] + w[1]) - x_c;
                let r_mid = (b2 + mid * mid).sqrt();
                // The shell with outer radius above r_mid (the last one at the surface).
                let i = shells.outer_km.partition_point(|&r| r <= r_mid);
                if i >= n && h > 0.0 && r_mid > radius {
                    MediumPoint::default()
                } else {
                    shells.points[i.min(n - 1)]
                }
            })
            .collect();
        EarthMedium {
            cos_zenith: c,
            length_km,
            edges,
            layers,
        }
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
    use crate::units::{AVOGADRO, R_EARTH_KM};

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

#[cfg(test)]
#[path = "earth_tests.rs"]
mod model_tests;
