//! The per-bin kernels of the Lie-group step: exp(−i h X) of a Hermitian stage Hamiltonian
//! and the conjugation U ρ U†, both aware of the helicity blocks.
//!
//! Without a helicity-flip term (μB = 0) every Hamiltonian, ρ and Ψ of the collective problem is
//! block-diagonal in (L, R): the exponential then factors into two N×N ones and a product into
//! two N×N products. For N = 2 the 2×2 exponential is closed form (an SU(2) rotation times a
//! phase), about thirty times cheaper than the 4×4 Taylor series with the squarings that the
//! ≈10⁵ km⁻¹ diagonal near R_ν demands. The blocks are detected exactly (entries equal to 0.0),
//! so a problem with a moment takes the dense path and gets the same result as before.

use nalgebra::{Matrix2, SMatrix};
use num_complex::Complex64;

use crate::hamiltonian::CMat;
use crate::linalg::expm::exp_anti_hermitian;
use crate::linalg::product::{mul, mul_adjoint};

/// True when the off-diagonal (L, R) blocks of `m` are exactly zero (n = D/2 flavours).
pub(crate) fn is_block_diagonal<const D: usize>(m: &CMat<D>) -> bool {
    let n = D / 2;
    (0..n).all(|i| {
        (n..D).all(|j| {
            let (a, b) = (m[(i, j)], m[(j, i)]);
            a.re == 0.0 && a.im == 0.0 && b.re == 0.0 && b.im == 0.0
        })
    })
}

/// exp(−i h X) for a Hermitian 2×2 X: e^{−ihm}[cos(hq) − i sin(hq)/q (X − m)], m = tr X/2,
/// q = the half-splitting. Unitary to round-off (cos² + sin² = 1).
fn exp2(x: &Matrix2<Complex64>, h: f64) -> Matrix2<Complex64> {
    let (a, d) = (x[(0, 0)].re, x[(1, 1)].re);
    // Average the two off-diagonal entries so the generator is exactly Hermitian.
    let b = (x[(0, 1)] + x[(1, 0)].conj()) * 0.5;
    let m = 0.5 * (a + d);
    let delta = 0.5 * (a - d);
    let q = (delta * delta + b.norm_sqr()).sqrt();
    let hq = h * q;
    let (s, c) = hq.sin_cos();
    // sin(hq)/q without 0/0: h (1 − (hq)²/6) is exact to 1e-17 relative below 1e-4.
    let s_over_q = if hq < 1e-4 {
        h * (1.0 - hq * hq / 6.0)
    } else {
        s / q
    };
    let phase = Complex64::from_polar(1.0, -h * m);
    let i = Complex64::new(0.0, 1.0);
    Matrix2::new(
        phase * Complex64::new(c, -s_over_q * delta),
        phase * (-i * s_over_q * b),
        phase * (-i * s_over_q * b.conj()),
        phase * Complex64::new(c, s_over_q * delta),
    )
}

/// exp(−i h X) for Hermitian X of any size: the mean diagonal is taken out as a phase so the
/// Taylor series sees only the splitting.
fn exp_shifted<const K: usize>(x: &SMatrix<Complex64, K, K>, h: f64) -> SMatrix<Complex64, K, K> {
    let mean = (0..K).map(|k| x[(k, k)].re).sum::<f64>() / K as f64;
    let mut y = *x;
    for k in 0..K {
        y[(k, k)] -= mean;
    }
    exp_anti_hermitian(&(y * Complex64::new(0.0, -h))) * Complex64::from_polar(1.0, -h * mean)
}

/// Copies the diagonal block starting at `o` of size K out of `m`.
fn block<const D: usize, const K: usize>(m: &CMat<D>, o: usize) -> SMatrix<Complex64, K, K> {
    SMatrix::<Complex64, K, K>::from_fn(|i, j| m[(o + i, o + j)])
}

fn put<const D: usize, const K: usize>(m: &mut CMat<D>, o: usize, b: &SMatrix<Complex64, K, K>) {
    for i in 0..K {
        for j in 0..K {
            m[(o + i, o + j)] = b[(i, j)];
        }
    }
}

/// exp(−i h X) for Hermitian X (D×D, D = 2N): blockwise when X has no (L, R) coupling.
pub(crate) fn exp_minus_i<const D: usize>(x: &CMat<D>, h: f64) -> CMat<D> {
    let n = D / 2;
    if D.is_multiple_of(2) && (n == 2 || n == 3) && is_block_diagonal(x) {
        let mut out = CMat::<D>::zeros();
        for o in [0, n] {
            if n == 2 {
                put(&mut out, o, &exp2(&block::<D, 2>(x, o), h));
            } else {
                put::<D, 3>(&mut out, o, &exp_shifted::<3>(&block::<D, 3>(x, o), h));
            }
        }
        out
    } else {
        exp_shifted(x, h)
    }
}

/// a b: two N×N products when both are block-diagonal (D = 2N, N = 2 or 3), else dense.
pub(crate) fn mul_blocks<const D: usize>(a: &CMat<D>, b: &CMat<D>) -> CMat<D> {
    let n = D / 2;
    if !(n == 2 || n == 3) || !D.is_multiple_of(2) || !is_block_diagonal(a) || !is_block_diagonal(b)
    {
        return mul(a, b);
    }
    let mut out = CMat::<D>::zeros();
    for o in [0, n] {
        for i in 0..n {
            for j in 0..n {
                let mut z = Complex64::new(0.0, 0.0);
                for k in 0..n {
                    z += a[(o + i, o + k)] * b[(o + k, o + j)];
                }
                out[(o + i, o + j)] = z;
            }
        }
    }
    out
}

/// U ρ U†, made exactly Hermitian (the spectrum is that of the unitary conjugation).
pub(crate) fn conjugate<const D: usize>(u: &CMat<D>, rho: &CMat<D>) -> CMat<D> {
    let m = if is_block_diagonal(u) && is_block_diagonal(rho) {
        mul_blocks(&mul_blocks(u, rho), &u.adjoint())
    } else {
        mul_adjoint(&mul(u, rho), u)
    };
    (m + m.adjoint()) * Complex64::new(0.5, 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linalg::expm::exp_minus_i_h_t;

    fn random_hermitian<const D: usize>(seed: &mut u64, scale: f64, blocks: bool) -> CMat<D> {
        let mut next = || {
            *seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((*seed >> 11) as f64 / (1u64 << 53) as f64) - 0.5
        };
        let m = CMat::<D>::from_fn(|_, _| Complex64::new(next(), next()));
        let mut h = (m + m.adjoint()) * Complex64::new(0.5 * scale, 0.0);
        if blocks {
            let n = D / 2;
            for i in 0..n {
                for j in n..D {
                    h[(i, j)] = Complex64::new(0.0, 0.0);
                    h[(j, i)] = Complex64::new(0.0, 0.0);
                }
            }
        }
        // A large common diagonal, as near R_ν.
        for k in 0..D {
            h[(k, k)] += Complex64::new(if k < D / 2 { 7e4 } else { -7e4 } * scale, 0.0);
        }
        h
    }

    fn check<const D: usize>() {
        let mut seed = 11u64;
        for blocks in [true, false] {
            for (scale, h) in [
                (1.0, 1e-5),
                (1.0, 3e-4),
                (1e-3, 0.5),
                (0.0, 1.0),
                (2.0, 1e-9),
            ] {
                let x = random_hermitian::<D>(&mut seed, scale, blocks);
                let want = exp_minus_i_h_t(&x, h);
                let got = exp_minus_i(&x, h);
                let err = (got - want).iter().map(|z| z.norm()).fold(0.0, f64::max);
                assert!(
                    err < 1e-12,
                    "D {D} blocks {blocks} scale {scale} h {h}: {err:e}"
                );
                let unit = (got.adjoint() * got - CMat::<D>::identity())
                    .iter()
                    .map(|z| z.norm())
                    .fold(0.0, f64::max);
                assert!(unit < 5e-14, "unitarity {unit:e}");
                let rho = random_hermitian::<D>(&mut seed, 1.0, blocks);
                let dense = mul_adjoint(&mul(&got, &rho), &got);
                let fast = conjugate(&got, &rho);
                let d = (dense - fast).iter().map(|z| z.norm()).fold(0.0, f64::max);
                assert!(d < 1e-9, "conjugation {d:e}");
            }
        }
    }

    #[test]
    fn block_exponentials_and_conjugations_match_the_eigendecomposition() {
        check::<4>();
        check::<6>();
    }
}
