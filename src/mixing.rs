//! Oscillation parameters, the NuFIT presets, the PMNS matrix and absolute masses
//! (docs/physics.md, "Mixing and masses").
//!
//! Flavour-space matrices are always 3×3 ([`FlavourMatrix`]); two-flavour models (e, μ) use the
//! upper-left 2×2 block and leave the τ row and column as the identity, so one code path serves
//! N = 2 and N = 3.

use nalgebra::Matrix3;
use num_complex::Complex64;

use crate::basis::Flavours;

/// A 3×3 complex matrix in flavour or mass space.
pub type FlavourMatrix = Matrix3<Complex64>;

/// Three-flavour oscillation parameters (angles in degrees, splittings in eV²).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ThreeFlavourParams {
    pub theta12_deg: f64,
    pub theta13_deg: f64,
    pub theta23_deg: f64,
    pub delta_cp_deg: f64,
    pub dm21_ev2: f64,
    /// Δm²₃₁; negative for the inverted ordering.
    pub dm31_ev2: f64,
}

/// Two-flavour (e, μ) oscillation parameters: Δm² = m₂² − m₁².
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TwoFlavourParams {
    pub theta_deg: f64,
    pub dm2_ev2: f64,
}

/// Oscillation parameters for either number of flavours.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OscillationParams {
    Two(TwoFlavourParams),
    Three(ThreeFlavourParams),
}

/// A named global-fit preset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// NuFIT 5.2 (2022), normal ordering, without SK atmospheric data.
    Nufit52No,
    /// NuFIT 5.2 (2022), inverted ordering, without SK atmospheric data.
    Nufit52Io,
}

impl Preset {
    /// All presets with their scenario names.
    pub const ALL: [(&'static str, Preset); 2] = [
        ("nufit-5.2-no", Preset::Nufit52No),
        ("nufit-5.2-io", Preset::Nufit52Io),
    ];

    /// The preset called `name` in scenario files.
    pub fn from_name(name: &str) -> Option<Preset> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, p)| *p)
    }

    /// The parameters of docs/physics.md ("Mixing and masses"), exactly.
    pub fn params(self) -> ThreeFlavourParams {
        match self {
            Preset::Nufit52No => ThreeFlavourParams {
                theta12_deg: 33.41,
                theta13_deg: 8.54,
                theta23_deg: 49.1,
                delta_cp_deg: 197.0,
                dm21_ev2: 7.41e-5,
                dm31_ev2: 2.511e-3,
            },
            Preset::Nufit52Io => ThreeFlavourParams {
                theta12_deg: 33.41,
                theta13_deg: 8.57,
                theta23_deg: 49.5,
                delta_cp_deg: 286.0,
                dm21_ev2: 7.41e-5,
                // Δm²₃₁ = Δm²₃₂ + Δm²₂₁ = −2.498e-3 + 7.41e-5
                dm31_ev2: -2.498e-3 + 7.41e-5,
            },
        }
    }
}

/// Invalid oscillation parameters; the message names the parameter.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MixingError {
    #[error("{name} must be finite, got {value}")]
    NotFinite { name: &'static str, value: f64 },
    #[error("lightest_mass_ev must be >= 0, got {0}")]
    NegativeMass(f64),
    #[error("{name} must be nonzero")]
    ZeroSplitting { name: &'static str },
    #[error("the mass splittings give m{index}^2 = {m2_ev2} eV^2 < 0")]
    TachyonicMass { index: usize, m2_ev2: f64 },
    #[error("majorana_phases_deg must have {expected} entries for {flavours} flavours, got {got}")]
    PhaseCount {
        expected: usize,
        flavours: Flavours,
        got: usize,
    },
}

/// Mixing matrix, splittings and absolute masses of one model.
#[derive(Debug, Clone, PartialEq)]
pub struct Mixing {
    flavours: Flavours,
    pmns: FlavourMatrix,
    /// (0, Δm²₂₁, Δm²₃₁) in eV²; entry 2 is 0 for two flavours.
    dm2_ev2: [f64; 3],
    /// Absolute masses m_i in eV; entry 2 is 0 for two flavours.
    masses_ev: [f64; 3],
    /// The decomposition, when the mixing came from `[mixing] mass_matrix_ev`.
    mass_matrix: Option<Box<crate::mass_matrix::MassMatrixFit>>,
}

fn check_finite(name: &'static str, value: f64) -> Result<f64, MixingError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(MixingError::NotFinite { name, value })
    }
}

fn mass_from_square(index: usize, m2_ev2: f64) -> Result<f64, MixingError> {
    if m2_ev2 < 0.0 {
        Err(MixingError::TachyonicMass { index, m2_ev2 })
    } else {
        Ok(m2_ev2.sqrt())
    }
}

impl Mixing {
    /// Builds U = R₂₃ U₁₃(δ) R₁₂ · diag(1, e^{iα₂₁/2}, e^{iα₃₁/2}) (PDG) and the masses from
    /// the lightest one. `majorana_phases_deg` holds N − 1 phases (α₂₁[, α₃₁]); pass zeros
    /// (or an empty slice) for Dirac neutrinos.
    pub fn new(
        params: OscillationParams,
        lightest_mass_ev: f64,
        majorana_phases_deg: &[f64],
    ) -> Result<Self, MixingError> {
        check_finite("lightest_mass_ev", lightest_mass_ev)?;
        if lightest_mass_ev < 0.0 {
            return Err(MixingError::NegativeMass(lightest_mass_ev));
        }
        let flavours = match params {
            OscillationParams::Two(_) => Flavours::Two,
            OscillationParams::Three(_) => Flavours::Three,
        };
        let n_phases = flavours.count() - 1;
        if !majorana_phases_deg.is_empty() && majorana_phases_deg.len() != n_phases {
            return Err(MixingError::PhaseCount {
                expected: n_phases,
                flavours,
                got: majorana_phases_deg.len(),
            });
        }
        let mut phases = [0.0; 2];
        for (p, &deg) in phases.iter_mut().zip(majorana_phases_deg) {
            *p = check_finite("majorana_phases_deg", deg)?.to_radians();
        }
        let (rotation, dm2_ev2, masses_ev) = match params {
            OscillationParams::Two(p) => two_flavour_spectrum(p, lightest_mass_ev)?,
            OscillationParams::Three(p) => three_flavour_spectrum(p, lightest_mass_ev)?,
        };
        let majorana = FlavourMatrix::from_diagonal(&nalgebra::Vector3::new(
            Complex64::new(1.0, 0.0),
            Complex64::from_polar(1.0, phases[0] / 2.0),
            Complex64::from_polar(1.0, phases[1] / 2.0),
        ));
        Ok(Mixing {
            flavours,
            pmns: rotation * majorana,
            dm2_ev2,
            masses_ev,
            mass_matrix: None,
        })
    }

    /// Three-flavour mixing from a unitary U and masses m₁, m₂, m₃ (eV), e.g. from a mass
    /// matrix ([`crate::mass_matrix`]); Δm²ᵢ₁ = mᵢ² − m₁².
    pub fn from_pmns_and_masses(pmns: FlavourMatrix, masses_ev: [f64; 3]) -> Self {
        let m2 = masses_ev.map(|m| m * m);
        Mixing {
            flavours: Flavours::Three,
            pmns,
            dm2_ev2: [0.0, m2[1] - m2[0], m2[2] - m2[0]],
            masses_ev,
            mass_matrix: None,
        }
    }

    /// The mixing of a mass-matrix decomposition, which it keeps for the report and output.
    pub fn from_mass_matrix_fit(fit: crate::mass_matrix::MassMatrixFit) -> Self {
        Mixing {
            mass_matrix: None,
            ..Self::from_pmns_and_masses(fit.pmns, fit.masses_ev)
        }
        .with_fit(fit)
    }

    fn with_fit(mut self, fit: crate::mass_matrix::MassMatrixFit) -> Self {
        self.mass_matrix = Some(Box::new(fit));
        self
    }

    /// The mass-matrix decomposition this mixing came from, if any.
    pub fn mass_matrix(&self) -> Option<&crate::mass_matrix::MassMatrixFit> {
        self.mass_matrix.as_deref()
    }

    /// The preset's parameters with the given lightest mass and Majorana phases.
    pub fn from_preset(
        preset: Preset,
        lightest_mass_ev: f64,
        majorana_phases_deg: &[f64],
    ) -> Result<Self, MixingError> {
        Self::new(
            OscillationParams::Three(preset.params()),
            lightest_mass_ev,
            majorana_phases_deg,
        )
    }

    /// Number of flavours.
    pub fn flavours(&self) -> Flavours {
        self.flavours
    }

    /// U_{αi}: rows are flavours, columns mass states (identity in the unused τ slot).
    pub fn pmns(&self) -> &FlavourMatrix {
        &self.pmns
    }

    /// (0, Δm²₂₁, Δm²₃₁) in eV²: the mass-squared differences to m₁², the vacuum term's
    /// diagonal (the common m₁² is dropped, docs/physics.md ("Basis")).
    pub fn dm2_ev2(&self) -> [f64; 3] {
        self.dm2_ev2
    }

    /// Absolute masses m_i in eV (docs/physics.md, "Mixing and masses").
    pub fn masses_ev(&self) -> [f64; 3] {
        self.masses_ev
    }
}

/// R₂₃ U₁₃(δ) R₁₂ (PDG, no Majorana phases), angles in radians.
pub(crate) fn pdg_matrix(t12: f64, t13: f64, t23: f64, delta: f64) -> FlavourMatrix {
    pdg_rotation(t12, t13, t23, delta)
}

/// R₂₃ U₁₃(δ) R₁₂ of docs/physics.md ("Mixing and masses").
fn pdg_rotation(t12: f64, t13: f64, t23: f64, delta: f64) -> FlavourMatrix {
    let (s12, c12) = t12.sin_cos();
    let (s13, c13) = t13.sin_cos();
    let (s23, c23) = t23.sin_cos();
    let r = |x: f64| Complex64::new(x, 0.0);
    let e_minus = Complex64::from_polar(1.0, -delta);
    #[rustfmt::skip]
    let r23 = FlavourMatrix::new(
        r(1.0), r(0.0), r(0.0),
        r(0.0), r(c23), r(s23),
        r(0.0), r(-s23), r(c23),
    );
    #[rustfmt::skip]
    let u13 = FlavourMatrix::new(
        r(c13), r(0.0), e_minus * s13,
        r(0.0), r(1.0), r(0.0),
        -e_minus.conj() * s13, r(0.0), r(c13),
    );
    #[rustfmt::skip]
    let r12 = FlavourMatrix::new(
        r(c12), r(s12), r(0.0),
        r(-s12), r(c12), r(0.0),
        r(0.0), r(0.0), r(1.0),
    );
    r23 * u13 * r12
}

/// The rotation (before the Majorana phases), Δm²ᵢ₁ and the masses (eV) of a mixing.
type Spectrum = (FlavourMatrix, [f64; 3], [f64; 3]);

/// Two flavours: a real rotation by θ and the masses from the lightest, `m0`.
fn two_flavour_spectrum(p: TwoFlavourParams, m0: f64) -> Result<Spectrum, MixingError> {
    let theta = check_finite("theta_deg", p.theta_deg)?.to_radians();
    let dm2 = check_finite("dm2_ev2", p.dm2_ev2)?;
    let (s, c) = theta.sin_cos();
    let r = |x: f64| Complex64::new(x, 0.0);
    #[rustfmt::skip]
        let u = FlavourMatrix::new(
            r(c), r(s), r(0.0),
            r(-s), r(c), r(0.0),
            r(0.0), r(0.0), r(1.0),
        );
    let masses = if dm2 > 0.0 {
        [m0, mass_from_square(2, m0 * m0 + dm2)?, 0.0]
    } else {
        [mass_from_square(1, m0 * m0 - dm2)?, m0, 0.0]
    };
    Ok((u, [0.0, dm2, 0.0], masses))
}

/// Three flavours: the PDG rotation and the masses from the lightest, `m0`, in either ordering.
fn three_flavour_spectrum(p: ThreeFlavourParams, m0: f64) -> Result<Spectrum, MixingError> {
    let t12 = check_finite("theta12_deg", p.theta12_deg)?.to_radians();
    let t13 = check_finite("theta13_deg", p.theta13_deg)?.to_radians();
    let t23 = check_finite("theta23_deg", p.theta23_deg)?.to_radians();
    let delta = check_finite("delta_cp_deg", p.delta_cp_deg)?.to_radians();
    let dm21 = check_finite("dm21_ev2", p.dm21_ev2)?;
    let dm31 = check_finite("dm31_ev2", p.dm31_ev2)?;
    // Δm²₂₁ = 0 is a degenerate pair (allowed: the integrators are exact there);
    // Δm²₃₁ = 0 would leave the ordering undefined.
    if dm31 == 0.0 {
        return Err(MixingError::ZeroSplitting { name: "dm31_ev2" });
    }
    let masses = if dm31 > 0.0 {
        [
            m0,
            mass_from_square(2, m0 * m0 + dm21)?,
            mass_from_square(3, m0 * m0 + dm31)?,
        ]
    } else {
        let m1_sq = m0 * m0 - dm31;
        [
            mass_from_square(1, m1_sq)?,
            mass_from_square(2, m1_sq + dm21)?,
            m0,
        ]
    };
    Ok((
        pdg_rotation(t12, t13, t23, delta),
        [0.0, dm21, dm31],
        masses,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pmns_is_unitary_and_matches_standard_ue3() {
        let m = Mixing::from_preset(Preset::Nufit52No, 0.0, &[30.0, 70.0]).unwrap();
        let u = m.pmns();
        let defect = (u * u.adjoint() - FlavourMatrix::identity()).norm();
        assert!(defect < 1e-14);
        // |U_e3| = sin θ13 whatever the phases
        assert!((u[(0, 2)].norm() - 8.54f64.to_radians().sin()).abs() < 1e-15);
        // U_e3 = s13 e^{-iδ} e^{iα31/2}
        let expected_phase = -197f64.to_radians() + 35f64.to_radians();
        let d = (u[(0, 2)].arg() - expected_phase).rem_euclid(std::f64::consts::TAU);
        assert!(d < 1e-12 || (std::f64::consts::TAU - d) < 1e-12);
    }

    #[test]
    fn masses_for_both_orderings() {
        let no = Mixing::from_preset(Preset::Nufit52No, 0.01, &[]).unwrap();
        let [m1, m2, m3] = no.masses_ev();
        assert_eq!(m1, 0.01);
        assert!((m2 * m2 - m1 * m1 - 7.41e-5).abs() < 1e-18);
        assert!((m3 * m3 - m1 * m1 - 2.511e-3).abs() < 1e-17);
        let io = Mixing::from_preset(Preset::Nufit52Io, 0.0, &[]).unwrap();
        let [m1, m2, m3] = io.masses_ev();
        assert_eq!(m3, 0.0);
        assert!((m1 * m1 - 2.4239e-3).abs() < 1e-15);
        assert!((m2 * m2 - m1 * m1 - 7.41e-5).abs() < 1e-17);
    }

    #[test]
    fn rejects_bad_parameters() {
        let p = OscillationParams::Two(TwoFlavourParams {
            theta_deg: f64::NAN,
            dm2_ev2: 1e-5,
        });
        assert!(matches!(
            Mixing::new(p, 0.0, &[]),
            Err(MixingError::NotFinite {
                name: "theta_deg",
                ..
            })
        ));
        assert!(Mixing::from_preset(Preset::Nufit52No, -1.0, &[]).is_err());
        assert!(Mixing::from_preset(Preset::Nufit52No, 0.0, &[1.0]).is_err());
    }
}
