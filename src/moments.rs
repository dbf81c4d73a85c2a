//! Magnetic and electric dipole moments (docs/physics.md, "Moments"): user entries → mass-basis
//! matrices, Hermitian (Dirac) or antisymmetric (Majorana) by construction, and the coupling λ = μ
//! − iε.
//!
//! Entries are keyed `"a_b"` with a, b ∈ {e, mu, tau} in the flavour basis or {1, 2, 3} in the
//! mass basis; the partner entry (b_a) is implied, so giving both is an error, as is a diagonal
//! entry for Majorana neutrinos or a complex diagonal entry for Dirac ones.

use num_complex::Complex64;

use crate::basis::{Flavours, Nature, FLAVOUR_KEYS};
use crate::mixing::{FlavourMatrix, Mixing};

/// The basis in which the user wrote the moment entries (`"flavour"`, `"mass"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MomentBasis {
    Flavour,
    Mass,
}

/// Which moment table an entry belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MomentKind {
    Magnetic,
    Electric,
}

impl MomentKind {
    /// The scenario field name of this table.
    pub fn field(self) -> &'static str {
        match self {
            MomentKind::Magnetic => "magnetic_mu_b",
            MomentKind::Electric => "electric_mu_b",
        }
    }
}

/// Moment entries as the user gave them, in units of μ_B.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MomentInput {
    pub basis: Option<MomentBasis>,
    pub magnetic_mu_b: Vec<(String, Complex64)>,
    pub electric_mu_b: Vec<(String, Complex64)>,
}

/// An invalid moment entry; `field` is e.g. `magnetic_mu_b.e_e`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MomentError {
    #[error("{field}: unknown key; expected \"a_b\" with a, b in {expected}")]
    UnknownKey { field: String, expected: String },
    #[error("{field}: value must be finite, got {value}")]
    NotFinite { field: String, value: Complex64 },
    #[error(
        "{field}: Majorana moments are antisymmetric (transition moments only); diagonal entries are not allowed"
    )]
    MajoranaDiagonal { field: String },
    #[error(
        "{field}: the partner entry {partner} is also given; give one entry per pair (the other is implied)"
    )]
    BothEntries { field: String, partner: String },
    #[error(
        "{field}: a diagonal Dirac moment must be real (the matrix is Hermitian), got {value}"
    )]
    ComplexDiagonal { field: String, value: Complex64 },
}

/// Moment matrices in the mass basis, in μ_B, with the symmetry of the neutrino nature.
#[derive(Debug, Clone, PartialEq)]
pub struct Moments {
    magnetic: FlavourMatrix,
    electric: FlavourMatrix,
}

impl Moments {
    /// No moments at all.
    pub fn zero() -> Self {
        Moments {
            magnetic: FlavourMatrix::zeros(),
            electric: FlavourMatrix::zeros(),
        }
    }

    /// Builds the mass-basis matrices from user entries. Flavour-basis input is rotated with
    /// X_m = U† X_f U (Dirac) or X_m = Uᵀ X_f U (Majorana), docs/physics.md ("Moments").
    pub fn new(input: &MomentInput, nature: Nature, mixing: &Mixing) -> Result<Self, MomentError> {
        let basis = input.basis.unwrap_or(MomentBasis::Flavour);
        let flavours = mixing.flavours();
        let build = |kind: MomentKind, entries: &[(String, Complex64)]| {
            let x = matrix_from_entries(kind, entries, basis, nature, flavours)?;
            Ok(match basis {
                MomentBasis::Mass => x,
                MomentBasis::Flavour => flavour_to_mass(&x, nature, mixing),
            })
        };
        Ok(Moments {
            magnetic: build(MomentKind::Magnetic, &input.magnetic_mu_b)?,
            electric: build(MomentKind::Electric, &input.electric_mu_b)?,
        })
    }

    /// Magnetic moments μ_ij (mass basis, μ_B).
    pub fn magnetic(&self) -> &FlavourMatrix {
        &self.magnetic
    }

    /// Electric moments ε_ij (mass basis, μ_B).
    pub fn electric(&self) -> &FlavourMatrix {
        &self.electric
    }

    /// The coupling λ = μ − iε (mass basis, μ_B) that enters the flip block and P_±.
    pub fn lambda(&self) -> FlavourMatrix {
        self.magnetic - self.electric * Complex64::i()
    }

    /// True when every moment vanishes.
    pub fn is_zero(&self) -> bool {
        self.magnetic
            .iter()
            .chain(self.electric.iter())
            .all(|z| *z == Complex64::new(0.0, 0.0))
    }
}

/// Flavour → mass basis: U† X U (Dirac) or Uᵀ X U (Majorana).
pub fn flavour_to_mass(x: &FlavourMatrix, nature: Nature, mixing: &Mixing) -> FlavourMatrix {
    let u = mixing.pmns();
    match nature {
        Nature::Dirac => u.adjoint() * x * u,
        Nature::Majorana => u.transpose() * x * u,
    }
}

/// Mass → flavour basis, the inverse of [`flavour_to_mass`]: U X U† or U* X U†.
pub fn mass_to_flavour(x: &FlavourMatrix, nature: Nature, mixing: &Mixing) -> FlavourMatrix {
    let u = mixing.pmns();
    match nature {
        Nature::Dirac => u * x * u.adjoint(),
        Nature::Majorana => u.conjugate() * x * u.adjoint(),
    }
}

fn index_of(key: &str, basis: MomentBasis, flavours: Flavours) -> Option<usize> {
    let n = flavours.count();
    match basis {
        MomentBasis::Flavour => FLAVOUR_KEYS[..n].iter().position(|k| *k == key),
        MomentBasis::Mass => ["1", "2", "3"][..n].iter().position(|k| *k == key),
    }
}

fn matrix_from_entries(
    kind: MomentKind,
    entries: &[(String, Complex64)],
    basis: MomentBasis,
    nature: Nature,
    flavours: Flavours,
) -> Result<FlavourMatrix, MomentError> {
    let n = flavours.count();
    let expected = match basis {
        MomentBasis::Flavour => FLAVOUR_KEYS[..n].join(", "),
        MomentBasis::Mass => ["1", "2", "3"][..n].join(", "),
    };
    let mut x = FlavourMatrix::zeros();
    let mut given = [[false; 3]; 3];
    for (key, value) in entries {
        let field = format!("{}.{}", kind.field(), key);
        let parsed = key.split_once('_').and_then(|(a, b)| {
            Some((index_of(a, basis, flavours)?, index_of(b, basis, flavours)?))
        });
        let Some((a, b)) = parsed else {
            return Err(MomentError::UnknownKey { field, expected });
        };
        if !(value.re.is_finite() && value.im.is_finite()) {
            return Err(MomentError::NotFinite {
                field,
                value: *value,
            });
        }
        if given[b][a] {
            let partner = entries
                .iter()
                .map(|(k, _)| k.clone())
                .find(|k| {
                    k.split_once('_').and_then(|(p, q)| {
                        Some((index_of(p, basis, flavours)?, index_of(q, basis, flavours)?))
                    }) == Some((b, a))
                })
                .unwrap_or_default();
            return Err(MomentError::BothEntries { field, partner });
        }
        given[a][b] = true;
        match nature {
            Nature::Majorana if a == b => return Err(MomentError::MajoranaDiagonal { field }),
            Nature::Majorana => {
                x[(a, b)] = *value;
                x[(b, a)] = -*value;
            }
            Nature::Dirac if a == b => {
                if value.im != 0.0 {
                    return Err(MomentError::ComplexDiagonal {
                        field,
                        value: *value,
                    });
                }
                x[(a, a)] = *value;
            }
            Nature::Dirac => {
                x[(a, b)] = *value;
                x[(b, a)] = value.conj();
            }
        }
    }
    Ok(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mixing::Preset;

    fn c(re: f64, im: f64) -> Complex64 {
        Complex64::new(re, im)
    }

    fn input(basis: MomentBasis, entries: &[(&str, Complex64)]) -> MomentInput {
        MomentInput {
            basis: Some(basis),
            magnetic_mu_b: entries.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            electric_mu_b: vec![],
        }
    }

    #[test]
    fn symmetry_by_construction_and_round_trip() {
        let mixing = Mixing::from_preset(Preset::Nufit52No, 0.05, &[40.0, 10.0]).unwrap();
        let entries = [("e_mu", c(1e-12, 2e-13)), ("mu_tau", c(-3e-12, 0.0))];
        for nature in [Nature::Dirac, Nature::Majorana] {
            let m = Moments::new(&input(MomentBasis::Flavour, &entries), nature, &mixing).unwrap();
            let mu = m.magnetic();
            let back = mass_to_flavour(mu, nature, &mixing);
            assert!((back[(0, 1)] - entries[0].1).norm() < 1e-25);
            assert!((back[(1, 2)] - entries[1].1).norm() < 1e-25);
            match nature {
                Nature::Dirac => assert!((mu - mu.adjoint()).norm() < 1e-26),
                Nature::Majorana => assert!((mu + mu.transpose()).norm() < 1e-26),
            }
        }
    }

    #[test]
    fn invalid_entries_name_the_field() {
        let mixing = Mixing::from_preset(Preset::Nufit52No, 0.0, &[]).unwrap();
        let err = |entries: &[(&str, Complex64)], nature| {
            Moments::new(&input(MomentBasis::Flavour, entries), nature, &mixing)
                .unwrap_err()
                .to_string()
        };
        let e = err(&[("e_e", c(1e-12, 0.0))], Nature::Majorana);
        assert!(
            e.contains("magnetic_mu_b.e_e") && e.contains("diagonal"),
            "{e}"
        );
        let e = err(
            &[("e_mu", c(1.0, 0.0)), ("mu_e", c(1.0, 0.0))],
            Nature::Dirac,
        );
        assert!(e.contains("mu_e") && e.contains("e_mu"), "{e}");
        let e = err(&[("e_x", c(1.0, 0.0))], Nature::Dirac);
        assert!(
            e.contains("magnetic_mu_b.e_x") && e.contains("unknown key"),
            "{e}"
        );
        let e = err(&[("e_mu", c(f64::INFINITY, 0.0))], Nature::Dirac);
        assert!(e.contains("finite"), "{e}");
        let e = err(&[("mu_mu", c(1.0, 1.0))], Nature::Dirac);
        assert!(e.contains("real"), "{e}");
    }

    #[test]
    fn tau_key_is_unknown_for_two_flavours() {
        let two = Mixing::new(
            crate::mixing::OscillationParams::Two(crate::mixing::TwoFlavourParams {
                theta_deg: 30.0,
                dm2_ev2: 7.5e-5,
            }),
            0.0,
            &[],
        )
        .unwrap();
        let r = Moments::new(
            &input(MomentBasis::Flavour, &[("e_tau", c(1.0, 0.0))]),
            Nature::Dirac,
            &two,
        );
        assert!(matches!(r, Err(MomentError::UnknownKey { .. })));
    }

    #[test]
    fn lambda_is_mu_minus_i_epsilon() {
        let mixing = Mixing::from_preset(Preset::Nufit52No, 0.0, &[]).unwrap();
        let mut inp = input(MomentBasis::Mass, &[("1_2", c(2.0, 0.0))]);
        inp.electric_mu_b = vec![("1_2".into(), c(0.5, 0.0))];
        let m = Moments::new(&inp, Nature::Majorana, &mixing).unwrap();
        assert_eq!(m.lambda()[(0, 1)], c(2.0, -0.5));
        assert_eq!(m.lambda()[(1, 0)], c(-2.0, 0.5));
    }
}
