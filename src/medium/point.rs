//! [`MediumPoint`]: the medium quantities of scenario.md at one position, validated.

use crate::units::{number_density_cm3, AVOGADRO};

/// Every medium quantity of scenario.md's table at one point of the path.
///
/// Densities are proper (rest-frame) number densities; the velocity is that of the matter in
/// units of c; the polarization is the mean electron spin vector in the matter rest frame.
/// Transverse vectors are a magnitude and an azimuth in the fixed frame (x̂, ŷ) perpendicular
/// to the path. The same struct also carries x-derivatives (per km) of these quantities, where
/// a medium reports its slope.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct MediumPoint {
    /// Rest-frame electron number density, cm⁻³.
    pub ne_cm3: f64,
    /// Rest-frame neutron number density, cm⁻³.
    pub nn_cm3: f64,
    /// Magnetic field along the path, G.
    pub b_par_gauss: f64,
    /// Magnitude of the field perpendicular to the path, G.
    pub b_perp_gauss: f64,
    /// Azimuth of the transverse field, rad.
    pub b_phi_rad: f64,
    /// Matter velocity along the path, units of c.
    pub v_par: f64,
    /// Magnitude of the transverse matter velocity, units of c.
    pub v_perp: f64,
    /// Azimuth of the transverse velocity, rad.
    pub v_phi_rad: f64,
    /// Electron polarization along the path (rest frame).
    pub pol_par: f64,
    /// Magnitude of the transverse electron polarization (rest frame).
    pub pol_perp: f64,
    /// Azimuth of the transverse polarization, rad.
    pub pol_phi_rad: f64,
}

/// The scenario.md names of the quantities, in [`MediumPoint::values`] order.
pub const QUANTITY_NAMES: [&str; 11] = [
    "ne_cm3",
    "nn_cm3",
    "b_par_gauss",
    "b_perp_gauss",
    "b_phi_rad",
    "v_par",
    "v_perp",
    "v_phi_rad",
    "pol_par",
    "pol_perp",
    "pol_phi_rad",
];

/// Units of the quantities, in [`QUANTITY_NAMES`] order.
pub const QUANTITY_UNITS: [&str; 11] = [
    "cm^-3", "cm^-3", "G", "G", "rad", "c", "c", "rad", "1", "1", "rad",
];

/// A medium point outside the physical range; the message names the quantity.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MediumPointError {
    #[error("{name} must be finite, got {value}")]
    NotFinite { name: &'static str, value: f64 },
    #[error("{name} must be >= 0, got {value}")]
    Negative { name: &'static str, value: f64 },
    #[error("the matter speed |v| must be < 1 (units of c), got |v| = {speed}")]
    Superluminal { speed: f64 },
    #[error("the electron polarization |pol| must be <= 1, got {magnitude}")]
    Overpolarized { magnitude: f64 },
}

impl MediumPoint {
    /// Unpolarized matter at rest with density `rho_g_cm3` and electron fraction `ye`:
    /// n_e = ρ Y_e N_A, n_n = ρ (1 − Y_e) N_A.
    pub fn from_rho_ye(rho_g_cm3: f64, ye: f64) -> Self {
        MediumPoint {
            ne_cm3: number_density_cm3(rho_g_cm3, ye),
            nn_cm3: number_density_cm3(rho_g_cm3, 1.0 - ye),
            ..Default::default()
        }
    }

    /// The quantities as an array in [`QUANTITY_NAMES`] order.
    pub fn values(&self) -> [f64; 11] {
        [
            self.ne_cm3,
            self.nn_cm3,
            self.b_par_gauss,
            self.b_perp_gauss,
            self.b_phi_rad,
            self.v_par,
            self.v_perp,
            self.v_phi_rad,
            self.pol_par,
            self.pol_perp,
            self.pol_phi_rad,
        ]
    }

    /// The inverse of [`MediumPoint::values`].
    pub fn from_values(v: [f64; 11]) -> Self {
        MediumPoint {
            ne_cm3: v[0],
            nn_cm3: v[1],
            b_par_gauss: v[2],
            b_perp_gauss: v[3],
            b_phi_rad: v[4],
            v_par: v[5],
            v_perp: v[6],
            v_phi_rad: v[7],
            pol_par: v[8],
            pol_perp: v[9],
            pol_phi_rad: v[10],
        }
    }

    /// Mass density in g/cm³ implied by the number densities (one nucleon per neutron or
    /// electron–proton pair): ρ = (n_e + n_n)/N_A.
    pub fn rho_g_cm3(&self) -> f64 {
        (self.ne_cm3 + self.nn_cm3) / AVOGADRO
    }

    /// 1 − |v|² in double-double arithmetic, so that it keeps its relative accuracy for
    /// ultra-relativistic flows in any direction; the potential uses the same number, so a
    /// point that passes [`MediumPoint::validate`] has a finite γ.
    pub fn one_minus_v2(&self) -> f64 {
        crate::hamiltonian::potential::one_minus_v2_f64(self.v_par, self.v_perp)
    }

    /// Checks the physical ranges of scenario.md: finite values, densities ≥ 0, transverse
    /// magnitudes ≥ 0, |v| < 1, |ζ| ≤ 1.
    pub fn validate(&self) -> Result<(), MediumPointError> {
        for (name, value) in QUANTITY_NAMES.iter().zip(self.values()) {
            if !value.is_finite() {
                return Err(MediumPointError::NotFinite { name, value });
            }
        }
        for (name, value) in [
            ("ne_cm3", self.ne_cm3),
            ("nn_cm3", self.nn_cm3),
            ("b_perp_gauss", self.b_perp_gauss),
            ("v_perp", self.v_perp),
            ("pol_perp", self.pol_perp),
        ] {
            if value < 0.0 {
                return Err(MediumPointError::Negative { name, value });
            }
        }
        if self.one_minus_v2() <= 0.0 {
            let speed = self.v_par.hypot(self.v_perp);
            return Err(MediumPointError::Superluminal { speed });
        }
        // Both components within ½ bound |pol| by 0.71 (the common case, unpolarised matter,
        // skips the hypot: media validate every point they return).
        if self.pol_par.abs() <= 0.5 && self.pol_perp.abs() <= 0.5 {
            return Ok(());
        }
        let pol = self.pol_par.hypot(self.pol_perp);
        if pol > 1.0 {
            return Err(MediumPointError::Overpolarized { magnitude: pol });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_names_the_quantity() {
        let ok = MediumPoint::from_rho_ye(10.0, 0.5);
        assert!(ok.validate().is_ok());
        let bad = MediumPoint { nn_cm3: -1.0, ..ok };
        assert!(bad.validate().unwrap_err().to_string().contains("nn_cm3"));
        let bad = MediumPoint {
            v_par: 0.8,
            v_perp: 0.6,
            ..ok
        };
        assert!(matches!(
            bad.validate(),
            Err(MediumPointError::Superluminal { .. })
        ));
        let bad = MediumPoint {
            pol_par: 0.8,
            pol_perp: 0.7,
            ..ok
        };
        assert!(matches!(
            bad.validate(),
            Err(MediumPointError::Overpolarized { .. })
        ));
        let bad = MediumPoint {
            b_phi_rad: f64::NAN,
            ..ok
        };
        assert!(bad
            .validate()
            .unwrap_err()
            .to_string()
            .contains("b_phi_rad"));
        let edge = MediumPoint { pol_par: 1.0, ..ok };
        assert!(edge.validate().is_ok());
    }

    #[test]
    fn ultrarelativistic_one_minus_v2_is_accurate() {
        let p = MediumPoint {
            v_par: 1.0 - 1e-12,
            ..Default::default()
        };
        let exact = 1e-12 * (2.0 - 1e-12);
        assert!((p.one_minus_v2() / exact - 1.0).abs() < 1e-4);
    }
}
