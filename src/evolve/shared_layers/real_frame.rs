//! A common frame in which every layer's 3×3 block is real symmetric, so that the overlaps
//! of layers that meet are real and a change of layer costs half the multiplications.
//!
//! Three flavours in matter whose μ and τ potentials are equal (ordinary matter: the
//! neutral current is common to all flavours) have H = U M U† + diag(a, b, b): the μτ block
//! of every layer is the vacuum one plus b·1, so its eigenvectors u are the same in every
//! layer, and after V₁ = 1 ⊕ u the e-row is rephased to real by a diagonal P. With V = V₁P
//! (δ_CP and the Majorana-free phases rotated out), V†HV is real symmetric in every layer:
//! H = V O diag(λ) Oᵀ V† with O real orthogonal, and W_b†W_a = O_bᵀO_a. Whether this holds
//! is checked layer by layer (not assumed from the model); where it does not, the complex
//! path is used.

use nalgebra::{Matrix2, Matrix3};
use num_complex::Complex64;

use crate::linalg::eigen::HermitianEigen;
use crate::linalg::{hermitian_eigen2, hermitian_eigen3};

type C = Complex64;

/// How far from real V†HV may be (relative to its largest entry) and still count as real:
/// a few dozen units of round-off; the imaginary parts dropped are of that size.
const REAL_TOL: f64 = 1e-14;

/// The frame V from one layer's block `h0` (upper triangle and diagonal read).
pub(super) fn frame(h0: &Matrix3<C>) -> Matrix3<C> {
    let zero = C::new(0.0, 0.0);
    let mu_tau = Matrix2::new(h0[(1, 1)], h0[(1, 2)], zero, h0[(2, 2)]);
    let u = hermitian_eigen2(&mu_tau).vectors;
    let mut v = Matrix3::<C>::identity();
    for r in 0..2 {
        for c in 0..2 {
            v[(r + 1, c + 1)] = u[(r, c)];
        }
    }
    let rotated = v.adjoint() * hermitian(h0) * v;
    for j in 1..3 {
        let e = rotated[(0, j)];
        if e != zero {
            let phase = e.conj() / e.norm();
            for r in 0..3 {
                v[(r, j)] *= phase;
            }
        }
    }
    v
}

/// The eigendecomposition of `h` (upper triangle read) as V O: the eigenvalues and the real
/// orthogonal O (row-major into `o`), or None when V†hV is not real to round-off.
pub(super) fn real_eigen(
    h: &Matrix3<C>,
    v: &Matrix3<C>,
    values: &mut [f64],
    o: &mut [f64],
) -> Option<()> {
    let rotated = v.adjoint() * hermitian(h) * v;
    let scale = rotated.iter().fold(0.0f64, |m, z| m.max(z.norm()));
    for r in 0..3 {
        for c in (r + 1)..3 {
            if rotated[(r, c)].im.abs() > REAL_TOL * scale {
                return None;
            }
        }
    }
    let real = Matrix3::from_fn(|r, c| C::new(rotated[(r, c)].re, 0.0));
    let HermitianEigen { values: l, vectors } = hermitian_eigen3(&real);
    values.copy_from_slice(&l);
    for c in 0..3 {
        // The solver's column may carry any phase: take it out by the largest component.
        let big = (0..3)
            .map(|r| vectors[(r, c)])
            .fold(
                C::new(0.0, 0.0),
                |m, z| if z.norm() > m.norm() { z } else { m },
            );
        let phase = big.conj() / big.norm();
        for r in 0..3 {
            o[r * 3 + c] = (vectors[(r, c)] * phase).re;
        }
    }
    Some(())
}

/// W = V O, row-major into `w`.
pub(super) fn vectors(v: &Matrix3<C>, o: &[f64], w: &mut [C]) {
    for r in 0..3 {
        for c in 0..3 {
            w[r * 3 + c] = (0..3).map(|i| v[(r, i)] * o[i * 3 + c]).sum();
        }
    }
}

/// The full Hermitian matrix from its upper triangle and real diagonal.
fn hermitian(h: &Matrix3<C>) -> Matrix3<C> {
    Matrix3::from_fn(|r, c| match r.cmp(&c) {
        std::cmp::Ordering::Less => h[(r, c)],
        std::cmp::Ordering::Equal => C::new(h[(r, r)].re, 0.0),
        std::cmp::Ordering::Greater => h[(c, r)].conj(),
    })
}
