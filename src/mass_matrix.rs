//! Mixing from a neutrino mass matrix (`[mixing] mass_matrix_ev`): masses, the PMNS matrix and
//! its PDG parameters.
//!
//! Conventions (flavour basis, charged leptons diagonal):
//! - Majorana: L ⊃ −½ ν̄ᶜ_L M ν_L + h.c. with M complex symmetric; Takagi factorisation
//!   M = V diag(m) Vᵀ (V unitary, m ≥ 0) and U = V*, i.e. M = U* diag(m) U†.
//! - Dirac: L ⊃ −ν̄_L M ν_R + h.c. (rows: left-handed flavours), any complex 3×3; singular
//!   values M = U diag(m) W†, U the PMNS matrix (W rotates the sterile partners).
//! - Ordering: the two states with the smaller mass-squared splitting are ν₁, ν₂ with
//!   m₂ ≥ m₁; ν₃ is the third (normal ordering if it is the heaviest, inverted if lightest).
//! - An exactly degenerate pair (m₂ − m₁ ≤ 1e-12 m_max) has no preferred basis; the one with
//!   U_e2 = 0 is chosen (θ₁₂ = 0), rotated by a real angle for Majorana neutrinos (only
//!   orthogonal rotations keep M = U* m U†), by a unitary one for Dirac.
//!
//! U is kept exactly as it diagonalises M (M = U* m U† to round-off). The PDG parameters
//! (θ₁₂, θ₁₃, θ₂₃, δ, α₂₁, α₃₁) describe it up to unphysical charged-lepton row phases:
//! U = diag(e^{iφ_α}) U_PDG(θ, δ) diag(1, e^{iα₂₁/2}, e^{iα₃₁/2}) e^{iφ₀}. δ is extracted from
//! the rephasing invariant U*_e1 U_e3 U_τ1 U*_τ3 (as REAP does), the Majorana phases from the
//! column phases relative to U_PDG.

use nalgebra::{SMatrix, Vector3};
use num_complex::Complex64;

use crate::basis::Nature;
use crate::mixing::FlavourMatrix;

type C = Complex64;

/// A bad mass matrix; `field` is the scenario field (`mixing.mass_matrix_ev`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MassMatrixError {
    #[error("entry [{row}][{col}] must be finite, got {value}")]
    NotFinite { row: usize, col: usize, value: C },
    #[error(
        "must be symmetric for Majorana neutrinos (M = Mᵀ), but [{row}][{col}] = {a} differs \
         from [{col}][{row}] = {b}"
    )]
    NotSymmetric { row: usize, col: usize, a: C, b: C },
    #[error("is the zero matrix: no masses, no mixing")]
    Zero,
}

/// Which state is lightest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ordering {
    Normal,
    Inverted,
}

/// The PDG parameters of a mixing matrix, in degrees (angles in [0, 90], phases in [0, 360)).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PdgParameters {
    pub theta12_deg: f64,
    pub theta13_deg: f64,
    pub theta23_deg: f64,
    pub delta_cp_deg: f64,
    /// α₂₁, α₃₁ (meaningful for Majorana neutrinos only).
    pub majorana_phases_deg: [f64; 2],
}

/// The decomposition of a mass matrix: what `nuspin moments` prints and the output stores.
#[derive(Debug, Clone, PartialEq)]
pub struct MassMatrixFit {
    /// M as given, eV.
    pub matrix_ev: FlavourMatrix,
    pub nature: Nature,
    /// m₁, m₂, m₃ in eV (ordered as described in the module docs).
    pub masses_ev: [f64; 3],
    /// U_{αi}, exactly as it diagonalises M.
    pub pmns: FlavourMatrix,
    pub ordering: Ordering,
    pub pdg: PdgParameters,
}

/// Relative mass difference below which a pair counts as exactly degenerate.
const DEGENERATE_REL: f64 = 1e-12;

/// Checks `m` (finite; symmetric for Majorana, to 1e-12 of its largest entry) before any work.
pub fn check_mass_matrix(m: &FlavourMatrix, nature: Nature) -> Result<(), MassMatrixError> {
    for r in 0..3 {
        for c in 0..3 {
            let z = m[(r, c)];
            if !(z.re.is_finite() && z.im.is_finite()) {
                return Err(MassMatrixError::NotFinite {
                    row: r,
                    col: c,
                    value: z,
                });
            }
        }
    }
    let scale = m.iter().fold(0.0f64, |s, z| s.max(z.norm()));
    if scale == 0.0 {
        return Err(MassMatrixError::Zero);
    }
    if nature == Nature::Majorana {
        for r in 0..3 {
            for c in (r + 1)..3 {
                if (m[(r, c)] - m[(c, r)]).norm() > 1e-12 * scale {
                    return Err(MassMatrixError::NotSymmetric {
                        row: r,
                        col: c,
                        a: m[(r, c)],
                        b: m[(c, r)],
                    });
                }
            }
        }
    }
    Ok(())
}

/// Masses, mixing and PDG parameters of `m` for neutrinos of `nature`.
pub fn fit_mass_matrix(
    m: &FlavourMatrix,
    nature: Nature,
) -> Result<MassMatrixFit, MassMatrixError> {
    check_mass_matrix(m, nature)?;
    let (u, sigma) = match nature {
        Nature::Majorana => takagi(&((m + m.transpose()) * C::new(0.5, 0.0))),
        Nature::Dirac => {
            let svd = m.svd(true, false);
            let u = svd.u.expect("svd computed with u");
            (
                u,
                [
                    svd.singular_values[0],
                    svd.singular_values[1],
                    svd.singular_values[2],
                ],
            )
        }
    };
    let (mut u, mut masses, ordering) = order_states(&u, sigma);
    let m_max = masses.iter().fold(0.0f64, |a, &b| a.max(b));
    if masses[1] - masses[0] <= DEGENERATE_REL * m_max {
        // Round-off splits an exact degeneracy by ~1e-16 m: make Δm²21 exactly 0.
        let mean = 0.5 * (masses[0] + masses[1]);
        masses[0] = mean;
        masses[1] = mean;
        fix_degenerate_pair(&mut u, nature);
    }
    Ok(MassMatrixFit {
        matrix_ev: *m,
        nature,
        masses_ev: masses,
        pmns: u,
        ordering,
        pdg: pdg_parameters(&u),
    })
}

/// Takagi factorisation of a complex symmetric M = A + iB: the real symmetric
/// [[A, B], [B, −A]] has eigenpairs (σ, (x; y)) with M v̄ = σ v for v = x + iy (and −σ for
/// (−y; x)). The three largest eigenvalues give the Takagi values; vectors are
/// Gram–Schmidt-ed in ℂ³ so that a zero mass (a null space of dimension 2 in the real form)
/// still gives an orthonormal V. Returns (U = V*, σ).
fn takagi(m: &FlavourMatrix) -> (FlavourMatrix, [f64; 3]) {
    let mut real = SMatrix::<f64, 6, 6>::zeros();
    for r in 0..3 {
        for c in 0..3 {
            let (a, b) = (m[(r, c)].re, m[(r, c)].im);
            real[(r, c)] = a;
            real[(r, c + 3)] = b;
            real[(r + 3, c)] = b;
            real[(r + 3, c + 3)] = -a;
        }
    }
    let eig = real.symmetric_eigen();
    let mut order: Vec<usize> = (0..6).collect();
    order.sort_by(|&i, &j| eig.eigenvalues[j].total_cmp(&eig.eigenvalues[i]));
    let mut v = FlavourMatrix::zeros();
    let mut sigma = [0.0; 3];
    let mut n = 0;
    for &k in &order {
        if n == 3 {
            break;
        }
        let col = eig.eigenvectors.column(k);
        let mut w = Vector3::from_fn(|r, _| C::new(col[r], col[r + 3]));
        for p in 0..n {
            let vp = v.column(p).into_owned();
            let dot = vp.dotc(&w);
            w -= vp * dot;
        }
        let norm = w.norm();
        if norm < 0.5 {
            continue;
        }
        v.set_column(n, &(w / C::new(norm, 0.0)));
        sigma[n] = eig.eigenvalues[k].max(0.0);
        n += 1;
    }
    (v.map(|z| z.conj()), sigma)
}

/// Orders the columns of `u` and the masses `sigma` as ν₁, ν₂, ν₃ (module docs).
fn order_states(u: &FlavourMatrix, sigma: [f64; 3]) -> (FlavourMatrix, [f64; 3], Ordering) {
    let mut idx = [0, 1, 2];
    idx.sort_by(|&i, &j| sigma[i].total_cmp(&sigma[j]));
    let [a, b, c] = idx;
    let sq = |i: usize| sigma[i] * sigma[i];
    let (perm, ordering) = if sq(b) - sq(a) <= sq(c) - sq(b) {
        ([a, b, c], Ordering::Normal)
    } else {
        ([b, c, a], Ordering::Inverted)
    };
    let out = FlavourMatrix::from_fn(|r, k| u[(r, perm[k])]);
    (out, perm.map(|i| sigma[i]), ordering)
}

/// In a degenerate (ν₁, ν₂) pair, rotate so that U_e2 = 0 (module docs).
fn fix_degenerate_pair(u: &mut FlavourMatrix, nature: Nature) {
    let (a, b) = (u[(0, 0)], u[(0, 1)]);
    let n = (a.norm_sqr() + b.norm_sqr()).sqrt();
    if n == 0.0 || b.norm() == 0.0 {
        return;
    }
    let (col1, col2): (Vector3<C>, Vector3<C>) = match nature {
        Nature::Dirac => {
            let (c1, c2) = (u.column(0).into_owned(), u.column(1).into_owned());
            (
                (c1 * a.conj() + c2 * b.conj()) / C::new(n, 0.0),
                (c2 * a - c1 * b) / C::new(n, 0.0),
            )
        }
        Nature::Majorana => {
            // Only a real rotation is allowed: possible when U_e1 and U_e2 share a phase
            // (up to sign); otherwise leave the pair as the factorisation gave it.
            let phase = if a.norm() >= b.norm() {
                a / a.norm()
            } else {
                b / b.norm()
            };
            let (ca, sb) = (a / phase, b / phase);
            if ca.im.abs() > 1e-12 * n || sb.im.abs() > 1e-12 * n {
                return;
            }
            let (c, s) = (ca.re / n, sb.re / n);
            let (c1, c2) = (u.column(0).into_owned(), u.column(1).into_owned());
            (
                c1 * C::new(c, 0.0) + c2 * C::new(s, 0.0),
                c2 * C::new(c, 0.0) - c1 * C::new(s, 0.0),
            )
        }
    };
    u.set_column(0, &col1);
    u.set_column(1, &col2);
}

/// The PDG parameters of a unitary U (module docs). Where a phase is undefined (an angle of 0
/// or 90°) it is reported as 0.
pub fn pdg_parameters(u: &FlavourMatrix) -> PdgParameters {
    let s13 = u[(0, 2)].norm().min(1.0);
    let c13 = (1.0 - s13 * s13).max(0.0).sqrt();
    let t13 = s13.asin();
    let t12 = u[(0, 1)].norm().atan2(u[(0, 0)].norm());
    let t23 = u[(1, 2)].norm().atan2(u[(2, 2)].norm());
    let (s12, c12) = t12.sin_cos();
    let (s23, c23) = t23.sin_cos();
    let tiny = 1e-10;
    let delta = if [s12, c12, s13, c13, s23, c23].iter().all(|&x| x > tiny) {
        // X = U*_e1 U_e3 U_τ1 U*_τ3 = c12 c13² s13 c23 (s12 s23 e^{−iδ} − c12 c23 s13).
        let x = u[(0, 0)].conj() * u[(0, 2)] * u[(2, 0)] * u[(2, 2)].conj();
        let e = (x / (c12 * c13 * c13 * s13 * c23) + c12 * c23 * s13) / (s12 * s23);
        -e.arg()
    } else {
        0.0
    };
    let p = crate::mixing::pdg_matrix(t12, t13, t23, delta);
    // U_αi / P_αi = e^{i(φ_α + c_i)}: compare columns i and 1 on the row where both are large.
    let column_phase = |i: usize| -> f64 {
        let mut best = (0.0, 0);
        for r in 0..3 {
            let w = p[(r, 0)].norm().min(p[(r, i)].norm());
            if w > best.0 {
                best = (w, r);
            }
        }
        if best.0 < tiny {
            return 0.0;
        }
        let r = best.1;
        ((u[(r, i)] / p[(r, i)]) / (u[(r, 0)] / p[(r, 0)])).arg()
    };
    let wrap = |rad: f64| rad.to_degrees().rem_euclid(360.0);
    let clean = |deg: f64| if (360.0 - deg) < 1e-9 { 0.0 } else { deg };
    PdgParameters {
        theta12_deg: t12.to_degrees(),
        theta13_deg: t13.to_degrees(),
        theta23_deg: t23.to_degrees(),
        delta_cp_deg: clean(wrap(delta)),
        majorana_phases_deg: [
            clean(wrap(2.0 * column_phase(1))),
            clean(wrap(2.0 * column_phase(2))),
        ],
    }
}

/// `nuspin moments`' lines for a mixing from a mass matrix (empty otherwise).
pub fn report_lines(fit: &MassMatrixFit) -> String {
    use std::fmt::Write as _;
    let mut w = String::new();
    let p = fit.pdg;
    let ordering = match fit.ordering {
        Ordering::Normal => "normal",
        Ordering::Inverted => "inverted",
    };
    let _ = writeln!(w, "mass matrix M (eV; re + im i):");
    for r in 0..3 {
        let row: Vec<String> = (0..3)
            .map(|c| {
                format!(
                    "{:>10.3e} {:+10.3e}i",
                    fit.matrix_ev[(r, c)].re,
                    fit.matrix_ev[(r, c)].im
                )
            })
            .collect();
        let _ = writeln!(w, "  {}", row.join("   "));
    }
    let _ = writeln!(
        w,
        "ordering {ordering}; theta12 = {:.6} deg, theta13 = {:.6} deg, theta23 = {:.6} deg, \
         delta_cp = {:.6} deg, alpha21 = {:.6} deg, alpha31 = {:.6} deg",
        p.theta12_deg,
        p.theta13_deg,
        p.theta23_deg,
        p.delta_cp_deg,
        p.majorana_phases_deg[0],
        p.majorana_phases_deg[1]
    );
    let _ = writeln!(w, "U (rows e, mu, tau; columns 1, 2, 3; re + im i):");
    for r in 0..3 {
        let row: Vec<String> = (0..3)
            .map(|c| {
                format!(
                    "{:>10.6} {:+10.6}i",
                    fit.pmns[(r, c)].re + 0.0,
                    fit.pmns[(r, c)].im + 0.0
                )
            })
            .collect();
        let _ = writeln!(w, "  {}", row.join("   "));
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mixing::{Mixing, OscillationParams, ThreeFlavourParams};

    fn c(re: f64, im: f64) -> C {
        C::new(re, im)
    }

    /// M = U* diag(m) U† (Majorana).
    fn reconstruct(fit: &MassMatrixFit) -> FlavourMatrix {
        let d = FlavourMatrix::from_diagonal(&Vector3::from_fn(|i, _| c(fit.masses_ev[i], 0.0)));
        fit.pmns.map(|z| z.conj()) * d * fit.pmns.adjoint()
    }

    fn random_matrix(seed: u64) -> FlavourMatrix {
        let mut s = seed;
        let mut next = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 11) as f64 / (1u64 << 53) as f64) - 0.5
        };
        FlavourMatrix::from_fn(|_, _| c(next(), next()) * 0.1)
    }

    #[test]
    fn democratic_matrix_gives_m_m_2m_and_tribimaximal_vectors() {
        let m = 0.05;
        let mat = FlavourMatrix::from_fn(|r, k| c(if r == k { 0.0 } else { m }, 0.0));
        for nature in [Nature::Majorana, Nature::Dirac] {
            let fit = fit_mass_matrix(&mat, nature).unwrap();
            let [m1, m2, m3] = fit.masses_ev;
            assert!((m1 - m).abs() < 1e-15 && (m2 - m).abs() < 1e-15);
            assert!((m3 - 2.0 * m).abs() < 1e-15);
            assert_eq!(fit.ordering, Ordering::Normal);
            // |U|² of the tri-bimaximal vectors (2,−1,−1)/√6, (0,1,−1)/√2, (1,1,1)/√3.
            let want =
                [[4.0, 0.0, 2.0], [1.0, 3.0, 2.0], [1.0, 3.0, 2.0]].map(|r| r.map(|x| x / 6.0));
            for (a, row) in want.iter().enumerate() {
                for (i, w) in row.iter().enumerate() {
                    let got = fit.pmns[(a, i)].norm_sqr();
                    assert!((got - w).abs() < 1e-14, "{nature:?} U[{a}][{i}]");
                }
            }
            let p = fit.pdg;
            assert!(p.theta12_deg.abs() < 1e-6);
            assert!((p.theta13_deg - (1.0f64 / 3.0).sqrt().asin().to_degrees()).abs() < 1e-9);
            assert!((p.theta23_deg - 45.0).abs() < 1e-9);
            if nature == Nature::Majorana {
                assert!((reconstruct(&fit) - mat).norm() < 1e-15 * 10.0);
            }
        }
    }

    #[test]
    fn random_matrices_are_reconstructed() {
        for seed in 1..20 {
            let a = random_matrix(seed);
            let sym = (a + a.transpose()) * c(0.5, 0.0);
            let fit = fit_mass_matrix(&sym, Nature::Majorana).unwrap();
            let err = (reconstruct(&fit) - sym).norm() / sym.norm();
            assert!(err < 1e-12, "majorana seed {seed}: {err:e}");
            let fit = fit_mass_matrix(&a, Nature::Dirac).unwrap();
            // Dirac: M M† = U m² U†.
            let d2 = FlavourMatrix::from_diagonal(&Vector3::from_fn(|i, _| {
                c(fit.masses_ev[i] * fit.masses_ev[i], 0.0)
            }));
            let err = (fit.pmns * d2 * fit.pmns.adjoint() - a * a.adjoint()).norm();
            assert!(
                err < 1e-12 * (a * a.adjoint()).norm(),
                "dirac seed {seed}: {err:e}"
            );
            let m = fit.masses_ev;
            assert!(m[1] >= m[0]);
            assert!((m[1] * m[1] - m[0] * m[0]) <= (m[2] * m[2] - m[1] * m[1]).abs());
        }
    }

    #[test]
    fn rank_two_majorana_matrix_has_a_massless_state() {
        let v = Vector3::new(c(0.3, 0.1), c(-0.5, 0.2), c(0.7, 0.0));
        let w = Vector3::new(c(0.1, -0.4), c(0.2, 0.2), c(-0.1, 0.6));
        let mat = v * v.transpose() * c(0.02, 0.0) + w * w.transpose() * c(0.05, 0.0);
        let fit = fit_mass_matrix(&mat, Nature::Majorana).unwrap();
        assert!(fit.masses_ev.iter().any(|&m| m < 1e-15));
        assert!((reconstruct(&fit) - mat).norm() < 1e-12 * mat.norm());
    }

    #[test]
    fn pdg_parameters_round_trip_through_mass_matrices() {
        for (ordering, dm31) in [(Ordering::Normal, 2.5e-3), (Ordering::Inverted, -2.4e-3)] {
            let params = ThreeFlavourParams {
                theta12_deg: 33.4,
                theta13_deg: 8.6,
                theta23_deg: 48.0,
                delta_cp_deg: 230.0,
                dm21_ev2: 7.4e-5,
                dm31_ev2: dm31,
            };
            let mix = Mixing::new(OscillationParams::Three(params), 0.02, &[70.0, 300.0]).unwrap();
            let u = mix.pmns();
            let d =
                FlavourMatrix::from_diagonal(&Vector3::from_fn(|i, _| c(mix.masses_ev()[i], 0.0)));
            // Charged-lepton row phases are unphysical: the parameters must not see them.
            let rows = FlavourMatrix::from_diagonal(&Vector3::new(
                C::from_polar(1.0, 0.4),
                C::from_polar(1.0, -1.1),
                C::from_polar(1.0, 2.0),
            ));
            let mat = (rows * u).map(|z| z.conj()) * d * (rows * u).adjoint();
            let fit = fit_mass_matrix(&mat, Nature::Majorana).unwrap();
            assert_eq!(fit.ordering, ordering);
            let p = fit.pdg;
            for (got, want) in [
                (p.theta12_deg, 33.4),
                (p.theta13_deg, 8.6),
                (p.theta23_deg, 48.0),
                (p.delta_cp_deg, 230.0),
                (p.majorana_phases_deg[0], 70.0),
                (p.majorana_phases_deg[1], 300.0),
            ] {
                assert!((got - want).abs() < 1e-8, "{ordering:?}: {got} vs {want}");
            }
            for i in 0..3 {
                assert!((fit.masses_ev[i] - mix.masses_ev()[i]).abs() < 1e-14);
            }
        }
    }

    #[test]
    fn bad_matrices_are_rejected_with_the_entry() {
        let mut mat = FlavourMatrix::from_fn(|r, k| c((r + k) as f64 * 0.01, 0.0));
        mat[(0, 2)] = c(0.5, 0.0);
        let e = fit_mass_matrix(&mat, Nature::Majorana).unwrap_err();
        assert!(matches!(
            e,
            MassMatrixError::NotSymmetric { row: 0, col: 2, .. }
        ));
        assert!(fit_mass_matrix(&mat, Nature::Dirac).is_ok());
        mat[(1, 1)] = c(f64::NAN, 0.0);
        assert!(matches!(
            fit_mass_matrix(&mat, Nature::Dirac),
            Err(MassMatrixError::NotFinite { row: 1, col: 1, .. })
        ));
        assert_eq!(
            fit_mass_matrix(&FlavourMatrix::zeros(), Nature::Dirac),
            Err(MassMatrixError::Zero)
        );
    }
}
