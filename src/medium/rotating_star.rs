//! [`RotatingStarMedium`]: a rigidly rotating, magnetised star (proto-neutron star, magnetar)
//! crossed on a straight line (docs/physics.md ("Built-in media"), `kind = "rotating-star"`).
//!
//! Geometry: the star's centre is the origin, rotation Ω about ẑ. The path is r(x) = p + x n̂
//! with unit direction n̂ and closest point p ⟂ n̂, so x is the signed distance from p and
//! R(x)² = |p|² + x². The transverse frame is fixed along the path: x̂_T is the normalised part of
//! ẑ perpendicular to n̂ (x̂ when n̂ ∥ ẑ), ŷ_T = n̂ × x̂_T, so (x̂_T, ŷ_T, n̂) is right-handed and
//! azimuths are measured from x̂_T towards ŷ_T.
//!
//! Quantities: v = (Ω × r)/c, B the dipole B_p (R_*/R)³[3(m̂·R̂)R̂ − m̂]/2 outside and B_p m̂
//! inside, each split into the component along n̂ and a transverse magnitude and azimuth.
//! Where a transverse vector vanishes exactly its azimuth is taken along the direction it
//! grows in on the chosen side, so that v⊥ e^{iφ} and its derivative stay exact. ρ is
//! ρ_c (1 − (R/R_*)²) inside and 0 outside, or with `rho_index` n: ρ_c inside and ρ_c (R_*/R)^n
//! outside. The surface crossings are breakpoints (the field's tangential part and the
//! density's slope jump there), as are the points where v⊥ passes through zero (φ_v flips).

use nalgebra::Vector3;

use super::{Medium, MediumError, MediumPoint, PresentQuantities, Side};
use crate::units::{AVOGADRO, SPEED_OF_LIGHT_KM_S};

type V3 = Vector3<f64>;

/// Parameters of the rotating star (validated by [`super::config`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RotatingStarParams {
    pub omega_rad_s: f64,
    pub radius_km: f64,
    pub rho_c_g_cm3: f64,
    pub ye: f64,
    pub rho_index: Option<f64>,
    pub b_pole_gauss: f64,
    pub magnetic_tilt_deg: f64,
    /// Any nonzero vector; normalised.
    pub direction: [f64; 3],
    /// Must be perpendicular to `direction`.
    pub closest_point_km: [f64; 3],
}

/// The star seen along one straight path.
#[derive(Debug, Clone, PartialEq)]
pub struct RotatingStarMedium {
    p: RotatingStarParams,
    n: V3,
    closest: V3,
    frame: (V3, V3),
    m_hat: V3,
    /// √(R_*² − |p|²) when the path meets the star: inside is −h < x < h.
    half_chord: Option<f64>,
    breakpoints: Vec<f64>,
}

impl RotatingStarMedium {
    /// The medium; `direction` must be nonzero and `closest_point_km` ⟂ `direction`
    /// (the config layer reports both with field names).
    pub fn new(params: RotatingStarParams) -> Self {
        let n = V3::from(params.direction).normalize();
        let closest = V3::from(params.closest_point_km);
        let z = V3::z();
        let z_perp = z - n * n.dot(&z);
        let x_t = if z_perp.norm() > 1e-12 {
            z_perp.normalize()
        } else {
            let x = V3::x();
            (x - n * n.dot(&x)).normalize()
        };
        let y_t = n.cross(&x_t);
        let (s, c) = params.magnetic_tilt_deg.to_radians().sin_cos();
        let mut m = RotatingStarMedium {
            p: params,
            n,
            closest,
            frame: (x_t, y_t),
            m_hat: V3::new(s, 0.0, c),
            half_chord: None,
            breakpoints: Vec::new(),
        };
        let (b2, r2) = (closest.norm_squared(), params.radius_km * params.radius_km);
        m.half_chord = (b2 <= r2).then(|| (r2 - b2).sqrt());
        m.breakpoints = m.find_breakpoints();
        m
    }

    /// The unit direction n̂ and the transverse frame (x̂_T, ŷ_T).
    pub fn frame(&self) -> (V3, V3, V3) {
        (self.frame.0, self.frame.1, self.n)
    }

    /// Surface crossings x = ±√(R_*² − |p|²) and zero crossings of the transverse velocity.
    fn find_breakpoints(&self) -> Vec<f64> {
        let mut out = Vec::new();
        if let Some(h) = self.half_chord {
            out.extend([-h, h]);
        }
        // v_T(x) = v_T(0) + x v_T' is affine; it vanishes where v_T(0) = −x v_T'.
        let (v0, dv) = (
            self.transverse(self.velocity(0.0)),
            self.transverse(self.dvelocity()),
        );
        let dd = dv.norm_squared();
        if dd > 0.0 {
            let x = -v0.dot(&dv) / dd + 0.0; // + 0.0 turns −0 into 0
            if (v0 + dv * x).norm() <= 1e-12 * (v0.norm() + dv.norm() * x.abs()) {
                out.push(x);
            }
        }
        out.sort_by(f64::total_cmp);
        out.dedup();
        out
    }

    fn position(&self, x: f64) -> V3 {
        self.closest + self.n * x
    }

    /// v = Ω ẑ × r / c.
    fn velocity(&self, x: f64) -> V3 {
        let r = self.position(x);
        V3::new(-r.y, r.x, 0.0) * (self.p.omega_rad_s / SPEED_OF_LIGHT_KM_S)
    }

    /// dv/dx = Ω ẑ × n̂ / c.
    fn dvelocity(&self) -> V3 {
        V3::new(-self.n.y, self.n.x, 0.0) * (self.p.omega_rad_s / SPEED_OF_LIGHT_KM_S)
    }

    /// The components (x̂_T, ŷ_T) of a vector, as a 2-vector in the first two slots.
    fn transverse(&self, v: V3) -> V3 {
        V3::new(v.dot(&self.frame.0), v.dot(&self.frame.1), 0.0)
    }

    /// Inside the star; decided against the breakpoints themselves so that the one-sided
    /// limits at the surface are exact.
    fn inside(&self, x: f64, side: Side) -> bool {
        self.half_chord.is_some_and(|h| {
            (x > -h && x < h) || (x == -h && side == Side::Right) || (x == h && side == Side::Left)
        })
    }

    /// ρ and dρ/dx.
    fn density(&self, x: f64, side: Side) -> (f64, f64) {
        let p = &self.p;
        let r2 = self.closest.norm_squared() + x * x;
        let rs2 = p.radius_km * p.radius_km;
        let inside = self.inside(x, side);
        match (p.rho_index, inside) {
            (None, true) => (
                (p.rho_c_g_cm3 * (1.0 - r2 / rs2)).max(0.0),
                -2.0 * p.rho_c_g_cm3 * x / rs2,
            ),
            (None, false) => (0.0, 0.0),
            (Some(_), true) => (p.rho_c_g_cm3, 0.0),
            (Some(k), false) => {
                let rho = p.rho_c_g_cm3 * (rs2 / r2).powf(0.5 * k);
                (rho, -k * rho * x / r2)
            }
        }
    }

    /// B and dB/dx.
    fn field(&self, x: f64, side: Side) -> (V3, V3) {
        let (bp, m) = (self.p.b_pole_gauss, self.m_hat);
        if self.inside(x, side) {
            return (m * bp, V3::zeros());
        }
        let r = self.position(x);
        let big_r = r.norm();
        let dr = x / big_r; // dR/dx = (r·n̂)/R = x/R
        let k = 0.5 * bp * self.p.radius_km.powi(3);
        let mr = m.dot(&r);
        let r5 = big_r.powi(5);
        let b = (r * (3.0 * mr) / r5 - m / big_r.powi(3)) * k;
        let d_first =
            (r * m.dot(&self.n) + self.n * mr) * (3.0 / r5) - r * (15.0 * mr * dr / (r5 * big_r));
        let d_second = m * (3.0 * dr / big_r.powi(4));
        (b, (d_first + d_second) * k)
    }

    fn eval(&self, x: f64, side: Side) -> Result<(MediumPoint, MediumPoint), MediumError> {
        let (rho, drho) = self.density(x, side);
        let ye = self.p.ye;
        let (v, dv) = (self.velocity(x), self.dvelocity());
        let (b, db) = self.field(x, side);
        let (vp, dvp, vphi, dvphi) = polar(self.transverse(v), self.transverse(dv), side);
        let (bp, dbp, bphi, dbphi) = polar(self.transverse(b), self.transverse(db), side);
        let point = MediumPoint {
            ne_cm3: rho * ye * AVOGADRO,
            nn_cm3: rho * (1.0 - ye) * AVOGADRO,
            b_par_gauss: b.dot(&self.n),
            b_perp_gauss: bp,
            b_phi_rad: bphi,
            v_par: v.dot(&self.n),
            v_perp: vp,
            v_phi_rad: vphi,
            ..Default::default()
        };
        point
            .validate()
            .map_err(|source| MediumError::Invalid { x_km: x, source })?;
        let slope = MediumPoint {
            ne_cm3: drho * ye * AVOGADRO,
            nn_cm3: drho * (1.0 - ye) * AVOGADRO,
            b_par_gauss: db.dot(&self.n),
            b_perp_gauss: dbp,
            b_phi_rad: dbphi,
            v_par: dv.dot(&self.n),
            v_perp: dvp,
            v_phi_rad: dvphi,
            ..Default::default()
        };
        Ok((point, slope))
    }
}

/// Magnitude and azimuth of a transverse vector t (first two components) and their
/// derivatives given dt. At t = 0 the azimuth follows dt on the right, −dt on the left, and
/// the magnitude's slope is ±|dt|, so that |t| e^{iφ} has derivative dt exactly.
fn polar(t: V3, dt: V3, side: Side) -> (f64, f64, f64, f64) {
    let size = t.x.hypot(t.y);
    if size > 0.0 {
        let phi = t.y.atan2(t.x);
        let dsize = (t.x * dt.x + t.y * dt.y) / size;
        let dphi = (t.x * dt.y - t.y * dt.x) / (size * size);
        return (size, dsize, phi, dphi);
    }
    let grow = dt.x.hypot(dt.y);
    if grow == 0.0 {
        return (0.0, 0.0, 0.0, 0.0);
    }
    match side {
        Side::Right => (0.0, grow, dt.y.atan2(dt.x), 0.0),
        Side::Left => (0.0, -grow, (-dt.y).atan2(-dt.x), 0.0),
    }
}

impl Medium for RotatingStarMedium {
    fn point_and_slope(
        &self,
        x_km: f64,
        side: Side,
    ) -> Result<(MediumPoint, MediumPoint), MediumError> {
        self.eval(x_km, side)
    }

    fn breakpoints(&self) -> Vec<f64> {
        self.breakpoints.clone()
    }

    fn present_quantities(&self) -> PresentQuantities {
        let moving = self.p.omega_rad_s != 0.0;
        let field = self.p.b_pole_gauss != 0.0;
        PresentQuantities {
            matter: self.p.rho_c_g_cm3 != 0.0,
            b_par: field,
            b_perp: field,
            v_perp: moving,
            pol: false,
        }
    }

    /// From −2R_* to 2R_*.
    fn natural_track_km(&self) -> Option<(f64, f64)> {
        Some((-2.0 * self.p.radius_km, 2.0 * self.p.radius_km))
    }

    /// |v| is a convex function of x on a straight line, so |v| < 1 at both ends of the track
    /// means |v| < 1 all along it; the error names the offending end.
    fn check_track(&self, start_km: f64, end_km: f64) -> Result<(), MediumError> {
        for x_km in [start_km, end_km] {
            let v = self.velocity(x_km);
            let point = MediumPoint {
                v_par: v.dot(&self.n),
                v_perp: self.transverse(v).norm(),
                ..Default::default()
            };
            point
                .validate()
                .map_err(|source| MediumError::Invalid { x_km, source })?;
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "rotating_star_tests.rs"]
mod tests;
