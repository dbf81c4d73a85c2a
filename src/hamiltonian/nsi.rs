//! Vector non-standard interactions in propagation (`[nsi]`).
//!
//! V_NSI = √2 G_F Σ_f n_f ε^f γ(1 − v∥) for f ∈ {e, u, d}, with n_u = 2n_p + n_n,
//! n_d = n_p + 2n_n and n_p = n_e (neutral matter). It is added per helicity block exactly as
//! the Standard Model vector potential is (docs/physics.md, "The Hamiltonian"): Dirac ν: the left
//! (active) block only; Dirac ν̄: −V* on the active antineutrino block; Majorana: +V on the ν
//! block, −V* on the ν̄ block.
//!
//! Since n_e and n_n enter the Standard Model scalars as V_e − V_μ = √2G_F n_e γ(1 − v∥) and
//! −2V_μ = √2G_F n_n γ(1 − v∥) (unpolarised matter: no axial part),
//! V_NSI = A_e (V_e − V_μ) + A_n (−2V_μ) with A_e = ε^e + 2ε^u + ε^d, A_n = ε^u + 2ε^d, so NSI
//! only change the matrices multiplying the existing scalars V_e and V_μ.
//!
//! Not implemented: NSI in the transverse-current spin-flip terms of moving (v⊥) or
//! polarised matter (Pustoshny & Studenikin, arXiv:1808.00302). Scenarios combining `[nsi]`
//! with `v_perp` or polarisation are rejected ([`Nsi::check_medium`]); with those quantities
//! the substitution above would also be wrong (the axial part of V_e, V_μ).
//!
//! OscProb mapping: `PMNS_NSI::SetEps(i, j, |ε|, φ)` sets ε_ij = |ε| e^{iφ} (i < j) of one
//! matrix relative to the electron density, i.e. OscProb's ε = Σ_f ε^f n_f/n_e
//! = ε^e + ε^u (2 + n_n/n_e) + ε^d (1 + 2 n_n/n_e); with only `e` given they are equal.

use num_complex::Complex64;

use crate::medium::PresentQuantities;
use crate::mixing::FlavourMatrix;

type C = Complex64;

/// The flavour keys of an ε table, in (row, column) order of the upper triangle.
pub const NSI_KEYS: [(&str, usize, usize); 6] = [
    ("ee", 0, 0),
    ("emu", 0, 1),
    ("etau", 0, 2),
    ("mumu", 1, 1),
    ("mutau", 1, 2),
    ("tautau", 2, 2),
];

/// The lower-triangle spellings (accepted when they are the conjugate of the upper one).
pub const NSI_LOWER_KEYS: [(&str, usize, usize); 3] =
    [("mue", 1, 0), ("taue", 2, 0), ("taumu", 2, 1)];

/// The fermions NSI couple to.
pub const NSI_FERMIONS: [&str; 3] = ["e", "u", "d"];

/// A bad NSI entry; `field` is e.g. `nsi.u.emu`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct NsiError {
    pub field: String,
    pub message: String,
}

/// ε^e, ε^u, ε^d (Hermitian flavour matrices, dimensionless).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Nsi {
    /// Indexed like [`NSI_FERMIONS`].
    eps: [FlavourMatrix; 3],
}

impl Nsi {
    /// No NSI.
    pub fn zero() -> Self {
        Nsi {
            eps: [FlavourMatrix::zeros(); 3],
        }
    }

    /// From entries (fermion, key, value), key as in [`NSI_KEYS`] or [`NSI_LOWER_KEYS`];
    /// `two_flavours` forbids τ entries. Diagonals must be real, a lower-triangle entry must
    /// be the conjugate of the upper one when both are given.
    pub fn new(entries: &[(&str, &str, C)], two_flavours: bool) -> Result<Self, NsiError> {
        let mut eps = [FlavourMatrix::zeros(); 3];
        let mut given = [[[false; 3]; 3]; 3];
        for &(fermion, key, value) in entries {
            let field = format!("nsi.{fermion}.{key}");
            let err = |message: String| NsiError {
                field: field.clone(),
                message,
            };
            let f = NSI_FERMIONS
                .iter()
                .position(|&n| n == fermion)
                .ok_or_else(|| {
                    err(format!(
                        "unknown fermion; expected one of e, u, d, got \"{fermion}\""
                    ))
                })?;
            let (r, c) = NSI_KEYS
                .iter()
                .chain(&NSI_LOWER_KEYS)
                .find(|(k, _, _)| *k == key)
                .map(|&(_, r, c)| (r, c))
                .ok_or_else(|| {
                    err(format!(
                        "unknown entry; expected one of ee, emu, etau, mumu, mutau, tautau \
                         (or mue, taue, taumu), got \"{key}\""
                    ))
                })?;
            if !(value.re.is_finite() && value.im.is_finite()) {
                return Err(err(format!("must be finite, got {value}")));
            }
            if two_flavours && (r == 2 || c == 2) {
                return Err(err("is a tau entry; flavours = 2 has only e and mu".into()));
            }
            if r == c && value.im != 0.0 {
                return Err(err(format!(
                    "a diagonal entry must be real (ε is Hermitian), got {value}"
                )));
            }
            // Stored in the upper triangle; a lower-triangle key means conj.
            let (ur, uc, v) = if r > c {
                (c, r, value.conj())
            } else {
                (r, c, value)
            };
            if given[f][ur][uc] && eps[f][(ur, uc)] != v {
                // Name both entries with their values: "this entry is a+bi, its transpose
                // a+bi" read as if equal values were at fault when the conjugate was wanted.
                // ε is stored in both triangles, so the partner's value as given is at (c, r).
                let partner = eps[f][(c, r)];
                let partner_key = NSI_KEYS
                    .iter()
                    .chain(&NSI_LOWER_KEYS)
                    .find(|&&(_, pr, pc)| (pr, pc) == (c, r))
                    .map_or("", |k| k.0);
                return Err(err(format!(
                    "ε must be Hermitian: {fermion}.{key} = {value} is not the conjugate of \
                     {fermion}.{partner_key} = {partner} (give {key} = {}, or leave it out)",
                    partner.conj()
                )));
            }
            given[f][ur][uc] = true;
            eps[f][(ur, uc)] = v;
            eps[f][(uc, ur)] = v.conj();
        }
        Ok(Nsi { eps })
    }

    /// ε^f for f = 0 (e), 1 (u), 2 (d).
    pub fn eps(&self, fermion: usize) -> &FlavourMatrix {
        &self.eps[fermion]
    }

    /// Whether every ε vanishes.
    pub fn is_zero(&self) -> bool {
        self.eps
            .iter()
            .all(|m| m.iter().all(|z| *z == C::new(0.0, 0.0)))
    }

    /// A_e = ε^e + 2ε^u + ε^d (multiplies √2G_F n_e γ(1 − v∥)).
    pub fn per_electron(&self) -> FlavourMatrix {
        self.eps[0] + self.eps[1] * C::new(2.0, 0.0) + self.eps[2]
    }

    /// A_n = ε^u + 2ε^d (multiplies √2G_F n_n γ(1 − v∥)).
    pub fn per_neutron(&self) -> FlavourMatrix {
        self.eps[1] + self.eps[2] * C::new(2.0, 0.0)
    }

    /// The matrices added to the terms of V_e and V_μ in the active-neutrino block:
    /// V_NSI = A_e V_e − (A_e + 2A_n) V_μ.
    pub fn v_terms(&self) -> (FlavourMatrix, FlavourMatrix) {
        let a_e = self.per_electron();
        let a_n = self.per_neutron();
        (a_e, -(a_e + a_n * C::new(2.0, 0.0)))
    }

    /// Rejects the media this implementation does not cover (module docs): NSI with a
    /// transverse flow of matter or with polarised matter.
    pub fn check_medium(&self, present: PresentQuantities) -> Result<(), String> {
        if self.is_zero() {
            return Ok(());
        }
        if present.v_perp {
            return Err(
                "[nsi] with moving matter (v_perp ≠ 0) is not supported: NSI would \
                        enter the transverse-current spin-flip terms (arXiv:1808.00302), \
                        which nuspin does not implement"
                    .into(),
            );
        }
        if present.pol {
            return Err(
                "[nsi] with polarised matter (pol_par, pol_perp ≠ 0) is not \
                        supported: NSI would enter the polarisation spin-flip terms \
                        (arXiv:1808.00302), which nuspin does not implement"
                    .into(),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_build_hermitian_matrices_and_bad_ones_name_the_field() {
        let n = Nsi::new(
            &[
                ("e", "ee", C::new(0.3, 0.0)),
                ("u", "emu", C::new(0.1, 0.2)),
                ("u", "mue", C::new(0.1, -0.2)),
                ("d", "taumu", C::new(0.0, 0.5)),
            ],
            false,
        )
        .unwrap();
        for f in 0..3 {
            assert_eq!(n.eps(f), &n.eps(f).adjoint());
        }
        assert_eq!(n.eps(2)[(1, 2)], C::new(0.0, -0.5));
        let bad = Nsi::new(
            &[
                ("u", "emu", C::new(0.1, 0.2)),
                ("u", "mue", C::new(0.1, 0.2)),
            ],
            false,
        )
        .unwrap_err();
        assert_eq!(bad.field, "nsi.u.mue");
        let diag = Nsi::new(&[("e", "mumu", C::new(0.1, 0.2))], false).unwrap_err();
        assert_eq!(diag.field, "nsi.e.mumu");
        let tau = Nsi::new(&[("d", "etau", C::new(0.1, 0.0))], true).unwrap_err();
        assert_eq!(tau.field, "nsi.d.etau");
        assert!(Nsi::new(&[("s", "ee", C::new(0.1, 0.0))], false).is_err());
        assert!(Nsi::new(&[("e", "xx", C::new(0.1, 0.0))], false).is_err());
    }
}
