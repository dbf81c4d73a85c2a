//! [`SupernovaMedium`]: a progenitor envelope after bounce (docs/physics.md ("Built-in media"),
//! `kind = "supernova"`).
//!
//! x_km = r. ρ(r) = ρ₀ (r₀/r)^k · [1 + (J − 1) s(r)] · [1 + (J_r − 1) s_r(r)], with the shock
//! profiles s = ½(1 − tanh((r − r_s)/w)) — or, for w = 0, the sharp step (1 for r < r_s,
//! 0 after), and r_s is then a declared discontinuity. n_e = ρ Y_e N_A, n_n = ρ (1 − Y_e) N_A.
//! Field B(r) = B₀ (r₀/r)^{k_B} at angle a to the path (B∥ = B cos a, B⊥ = B sin a) with
//! azimuth φ_B = twist · (r − r₀). The matter is at rest and unpolarized.
//!
//! What does not live here: the scenario fields and their defaults ([`super::config`]).

use super::{Medium, MediumError, MediumPoint, PresentQuantities, Side};
use crate::units::AVOGADRO;

/// A shock front: the density behind it (r < r_s) is multiplied by `jump`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shock {
    /// Position r_s, km.
    pub radius_km: f64,
    /// Density ratio J behind/ahead of the front (> 0).
    pub jump: f64,
    /// tanh width w, km; 0 for a sharp front (a declared discontinuity).
    pub width_km: f64,
}

impl Shock {
    /// The factor 1 + (J − 1) s(r) and its r-derivative; at a sharp front `side` decides.
    fn factor(&self, r: f64, side: Side) -> (f64, f64) {
        let (s, ds) = if self.width_km > 0.0 {
            let u = (r - self.radius_km) / self.width_km;
            let t = u.tanh();
            (0.5 * (1.0 - t), -0.5 * (1.0 - t * t) / self.width_km)
        } else {
            let behind = r < self.radius_km || (r == self.radius_km && side == Side::Left);
            (if behind { 1.0 } else { 0.0 }, 0.0)
        };
        (1.0 + (self.jump - 1.0) * s, (self.jump - 1.0) * ds)
    }
}

/// The parameters of the supernova model, validated by [`SupernovaMedium::new`]'s caller
/// ([`super::config`]); see docs/physics.md ("Built-in media") for the defaults.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SupernovaParams {
    pub rho0_g_cm3: f64,
    pub r0_km: f64,
    pub index: f64,
    pub ye: f64,
    pub r_max_km: f64,
    pub shock: Option<Shock>,
    pub reverse_shock: Option<Shock>,
    pub b0_gauss: f64,
    pub b_index: f64,
    /// Angle between B and the path, degrees; `None`: transverse (B∥ = 0 exactly).
    pub b_angle_deg: Option<f64>,
    pub twist_rad_per_km: f64,
}

/// The supernova envelope along a radial path.
#[derive(Debug, Clone, PartialEq)]
pub struct SupernovaMedium {
    p: SupernovaParams,
    /// (cos a, sin a) of the field's angle to the path.
    cos_sin: (f64, f64),
}

impl SupernovaMedium {
    /// The medium for already validated parameters.
    pub fn new(params: SupernovaParams) -> Self {
        let cos_sin = match params.b_angle_deg {
            None => (0.0, 1.0),
            Some(90.0) => (0.0, 1.0),
            Some(a) => {
                let (s, c) = a.to_radians().sin_cos();
                (c, s.abs())
            }
        };
        SupernovaMedium { p: params, cos_sin }
    }

    /// The parameters.
    pub fn params(&self) -> &SupernovaParams {
        &self.p
    }

    /// Mass density ρ(r) in g/cm³ and dρ/dr per km.
    pub fn rho_g_cm3(&self, r_km: f64, side: Side) -> (f64, f64) {
        let p = &self.p;
        let env = p.rho0_g_cm3 * (p.r0_km / r_km).powf(p.index);
        let denv = -p.index * env / r_km;
        let (f, df) = p.shock.map_or((1.0, 0.0), |s| s.factor(r_km, side));
        let (g, dg) = p.reverse_shock.map_or((1.0, 0.0), |s| s.factor(r_km, side));
        (env * f * g, denv * f * g + env * df * g + env * f * dg)
    }

    fn eval(&self, r: f64, side: Side) -> Result<(MediumPoint, MediumPoint), MediumError> {
        if r.is_nan() || r <= 0.0 || r.is_infinite() {
            return Err(MediumError::Other {
                x_km: r,
                message: "the supernova model needs a radius r > 0".into(),
            });
        }
        let p = &self.p;
        let (rho, drho) = self.rho_g_cm3(r, side);
        let b = p.b0_gauss * (p.r0_km / r).powf(p.b_index);
        let db = -p.b_index * b / r;
        let (cos_a, sin_a) = self.cos_sin;
        let twist = p.twist_rad_per_km;
        let point = MediumPoint {
            ne_cm3: rho * p.ye * AVOGADRO,
            nn_cm3: rho * (1.0 - p.ye) * AVOGADRO,
            b_par_gauss: b * cos_a,
            b_perp_gauss: b * sin_a,
            b_phi_rad: twist * (r - p.r0_km),
            ..Default::default()
        };
        let slope = MediumPoint {
            ne_cm3: drho * p.ye * AVOGADRO,
            nn_cm3: drho * (1.0 - p.ye) * AVOGADRO,
            b_par_gauss: db * cos_a,
            b_perp_gauss: db * sin_a,
            b_phi_rad: twist,
            ..Default::default()
        };
        point
            .validate()
            .map_err(|source| MediumError::Invalid { x_km: r, source })?;
        Ok((point, slope))
    }
}

impl Medium for SupernovaMedium {
    fn point_and_slope(
        &self,
        x_km: f64,
        side: Side,
    ) -> Result<(MediumPoint, MediumPoint), MediumError> {
        self.eval(x_km, side)
    }

    /// The sharp shock fronts (zero width).
    fn breakpoints(&self) -> Vec<f64> {
        let mut out: Vec<f64> = [self.p.reverse_shock, self.p.shock]
            .iter()
            .flatten()
            .filter(|s| s.width_km == 0.0)
            .map(|s| s.radius_km)
            .collect();
        out.sort_by(f64::total_cmp);
        out.dedup();
        out
    }

    fn present_quantities(&self) -> PresentQuantities {
        let field = self.p.b0_gauss != 0.0;
        PresentQuantities {
            matter: self.p.rho0_g_cm3 != 0.0,
            b_par: field && self.cos_sin.0 != 0.0,
            b_perp: field && self.cos_sin.1 != 0.0,
            v_perp: false,
            pol: false,
        }
    }

    /// From r₀ to r_max.
    fn natural_track_km(&self) -> Option<(f64, f64)> {
        Some((self.p.r0_km, self.p.r_max_km))
    }

    /// Between the reverse shock (or r₀ without one) and the forward shock.
    fn turbulence_region_km(&self) -> Option<(f64, f64)> {
        let outer = self.p.shock?.radius_km;
        let inner = self.p.reverse_shock.map_or(self.p.r0_km, |s| s.radius_km);
        (inner < outer).then_some((inner, outer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> SupernovaParams {
        SupernovaParams {
            rho0_g_cm3: 1e4,
            r0_km: 1e4,
            index: 3.0,
            ye: 0.5,
            r_max_km: 1e6,
            shock: None,
            reverse_shock: None,
            b0_gauss: 0.0,
            b_index: 2.0,
            b_angle_deg: None,
            twist_rad_per_km: 0.0,
        }
    }

    fn rho(m: &SupernovaMedium, r: f64, side: Side) -> f64 {
        m.point(r, side).unwrap().rho_g_cm3()
    }

    #[test]
    fn envelope_power_law() {
        let m = SupernovaMedium::new(params());
        assert!((rho(&m, 1e4, Side::Left) / 1e4 - 1.0).abs() < 1e-14);
        // r⁻³: a decade in r is three decades in ρ.
        assert!((rho(&m, 1e5, Side::Left) / 1e1 - 1.0).abs() < 1e-13);
        let m2 = SupernovaMedium::new(SupernovaParams {
            index: 2.0,
            ..params()
        });
        assert!((rho(&m2, 1e5, Side::Left) / 1e2 - 1.0).abs() < 1e-13);
        let p = m.point(2e4, Side::Left).unwrap();
        assert!((p.ne_cm3 / p.nn_cm3 - 1.0).abs() < 1e-15);
        assert_eq!(m.natural_track_km(), Some((1e4, 1e6)));
        assert!(m.breakpoints().is_empty());
        assert!(m.point(0.0, Side::Left).is_err());
    }

    #[test]
    fn sharp_shock_is_a_breakpoint_with_the_jump() {
        let shock = Shock {
            radius_km: 5e4,
            jump: 10.0,
            width_km: 0.0,
        };
        let reverse = Shock {
            radius_km: 3e4,
            jump: 0.5,
            width_km: 0.0,
        };
        let m = SupernovaMedium::new(SupernovaParams {
            shock: Some(shock),
            reverse_shock: Some(reverse),
            ..params()
        });
        assert_eq!(m.breakpoints(), vec![3e4, 5e4]);
        let env = |r: f64| 1e4 * (1e4 / r).powi(3);
        let (l, r) = (rho(&m, 5e4, Side::Left), rho(&m, 5e4, Side::Right));
        assert!((l / (10.0 * env(5e4)) - 1.0).abs() < 1e-13);
        assert!((r / env(5e4) - 1.0).abs() < 1e-13);
        let (l, r) = (rho(&m, 3e4, Side::Left), rho(&m, 3e4, Side::Right));
        assert!((l / (5.0 * env(3e4)) - 1.0).abs() < 1e-13);
        assert!((r / (10.0 * env(3e4)) - 1.0).abs() < 1e-13);
    }

    #[test]
    fn tanh_shock_has_its_width() {
        let w = 1e3;
        let m = SupernovaMedium::new(SupernovaParams {
            shock: Some(Shock {
                radius_km: 5e4,
                jump: 10.0,
                width_km: w,
            }),
            ..params()
        });
        assert!(m.breakpoints().is_empty());
        let env = |r: f64| 1e4 * (1e4 / r).powi(3);
        // At r_s, s = ½: factor (1 + J)/2; one width out, s = ½(1 − tanh 1).
        assert!((rho(&m, 5e4, Side::Left) / (5.5 * env(5e4)) - 1.0).abs() < 1e-13);
        let s = 0.5 * (1.0 - 1f64.tanh());
        let want = env(5e4 + w) * (1.0 + 9.0 * s);
        assert!((rho(&m, 5e4 + w, Side::Left) / want - 1.0).abs() < 1e-13);
    }

    #[test]
    fn field_angle_and_twist() {
        let m = SupernovaMedium::new(SupernovaParams {
            b0_gauss: 1e10,
            b_angle_deg: Some(30.0),
            twist_rad_per_km: 1e-4,
            ..params()
        });
        let p = m.point(2e4, Side::Left).unwrap();
        let b = 1e10 / 4.0;
        assert!((p.b_par_gauss / (b * 30f64.to_radians().cos()) - 1.0).abs() < 1e-14);
        assert!((p.b_perp_gauss / (b * 0.5) - 1.0).abs() < 1e-14);
        assert!((p.b_phi_rad - 1.0).abs() < 1e-14);
        let q = m.present_quantities();
        assert!(q.b_par && q.b_perp && !q.v_perp);
        let t = SupernovaMedium::new(SupernovaParams {
            b0_gauss: 1e10,
            ..params()
        });
        assert_eq!(t.point(2e4, Side::Left).unwrap().b_par_gauss, 0.0);
        assert!(!t.present_quantities().b_par);
    }

    #[test]
    fn derivatives_match_finite_differences() {
        let m = SupernovaMedium::new(SupernovaParams {
            shock: Some(Shock {
                radius_km: 5e4,
                jump: 10.0,
                width_km: 2e3,
            }),
            reverse_shock: Some(Shock {
                radius_km: 3e4,
                jump: 0.5,
                width_km: 0.0,
            }),
            b0_gauss: 1e10,
            b_angle_deg: Some(60.0),
            twist_rad_per_km: 1e-4,
            ..params()
        });
        for r in [1.5e4, 4.9e4, 5.1e4, 2e5] {
            let h = r * 1e-6;
            let a = m.point(r + h, Side::Left).unwrap().values();
            let b = m.point(r - h, Side::Left).unwrap().values();
            let d = m.point_and_slope(r, Side::Left).unwrap().1.values();
            for k in 0..11 {
                let fd = (a[k] - b[k]) / (2.0 * h);
                assert!((d[k] - fd).abs() <= 1e-6 * fd.abs() + 1e-300, "{r} {k}");
            }
        }
    }
}
