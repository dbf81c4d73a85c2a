//! Closed-form eigendecomposition of 3×3 (and 2×2) Hermitian matrices, for the layer
//! propagator's decoupled helicity blocks, where one decomposition per layer and energy is
//! most of the work on a single constant layer.
//!
//! The eigenvalues of the traceless, scaled matrix come from the trigonometric form of
//! Cardano's formula. Near a double root Cardano's pair is only accurate to ~√ε, so only the
//! root farthest from the other two (always accurate to ~ε) is used for an eigenvector (the
//! cross product of two rows of A − λI). The other two eigenvectors come from the exact 2×2
//! problem on the orthogonal complement (a complex Jacobi rotation, stable at any splitting,
//! exact degeneracy included), and every eigenvalue is then refined as the Rayleigh quotient
//! of its vector. The result matches the Jacobi solver ([`super::eigen`]) to round-off: the
//! tests check exact, 1e-8 and 1e-14 relative splittings.

use nalgebra::{Matrix2, Matrix3, Vector3};
use num_complex::Complex64;

use super::eigen::HermitianEigen;

type C = Complex64;

fn cross(a: &Vector3<C>, b: &Vector3<C>) -> Vector3<C> {
    // Bilinear (no conjugation): a·(a×b) = b·(a×b) = 0 in the bilinear product, so the cross
    // product of two rows of a matrix is annihilated by both rows.
    Vector3::new(
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    )
}

fn norm_sqr(v: &Vector3<C>) -> f64 {
    v.iter().map(|z| z.norm_sqr()).sum()
}

/// H = W diag(λ) W† of a 3×3 Hermitian matrix (upper triangle and real diagonal read),
/// eigenvalues ascending, as [`super::hermitian_eigen`] returns them.
pub fn hermitian_eigen3(h: &Matrix3<C>) -> HermitianEigen<3> {
    let mean = (h[(0, 0)].re + h[(1, 1)].re + h[(2, 2)].re) / 3.0;
    let mut a = Matrix3::<C>::zeros();
    for i in 0..3 {
        a[(i, i)] = C::new(h[(i, i)].re - mean, 0.0);
        for j in (i + 1)..3 {
            a[(i, j)] = h[(i, j)];
            a[(j, i)] = h[(i, j)].conj();
        }
    }
    let scale = a.iter().map(|z| z.norm_sqr()).fold(0.0, f64::max).sqrt();
    if scale == 0.0 || !scale.is_finite() {
        return HermitianEigen {
            values: [mean; 3],
            vectors: Matrix3::identity(),
        };
    }
    a /= C::new(scale, 0.0);
    // λ³ − p λ − q = 0 for traceless A: p = tr(A²)/2, q = det A.
    let (d0, d1, d2) = (a[(0, 0)].re, a[(1, 1)].re, a[(2, 2)].re);
    let (b01, b02, b12) = (a[(0, 1)], a[(0, 2)], a[(1, 2)]);
    let p = 0.5 * (d0 * d0 + d1 * d1 + d2 * d2) + b01.norm_sqr() + b02.norm_sqr() + b12.norm_sqr();
    let q = d0 * d1 * d2 + 2.0 * (b01 * b12 * b02.conj()).re
        - d0 * b12.norm_sqr()
        - d1 * b02.norm_sqr()
        - d2 * b01.norm_sqr();
    let r = 2.0 * (p / 3.0).sqrt();
    let cos3 = (4.0 * q / (r * r * r)).clamp(-1.0, 1.0);
    let (sin_t, cos_t) = super::phase::sin_cos(cos3.acos() / 3.0);
    // cos(θ − 2π/3) and cos(θ − 4π/3) from cos θ and sin θ. Descending: top ≥ middle ≥ bottom.
    let half_sqrt3 = 0.5 * 3f64.sqrt();
    let (top, middle, bottom) = (
        r * cos_t,
        r * (-0.5 * cos_t + half_sqrt3 * sin_t),
        r * (-0.5 * cos_t - half_sqrt3 * sin_t),
    );
    let lone = if top - middle >= middle - bottom {
        top
    } else {
        bottom
    };
    let rows: [Vector3<C>; 3] = std::array::from_fn(|i| {
        Vector3::from_fn(|j, _| {
            a[(i, j)]
                - if i == j {
                    C::new(lone, 0.0)
                } else {
                    C::new(0.0, 0.0)
                }
        })
    });
    let candidates = [
        cross(&rows[0], &rows[1]),
        cross(&rows[0], &rows[2]),
        cross(&rows[1], &rows[2]),
    ];
    let (mut v1, mut best) = (candidates[0], norm_sqr(&candidates[0]));
    for c in &candidates[1..] {
        let n = norm_sqr(c);
        if n > best {
            (v1, best) = (*c, n);
        }
    }
    if best == 0.0 || !best.is_finite() {
        // Cannot happen for a Hermitian matrix with a simple root; stay safe.
        return super::eigen::hermitian_eigen(h);
    }
    v1 /= C::new(best.sqrt(), 0.0);
    // An orthonormal basis (u2, u3) of the complement of v1.
    let k = (0..3)
        .min_by(|&i, &j| v1[i].norm_sqr().total_cmp(&v1[j].norm_sqr()))
        .unwrap_or(0);
    let mut u2 = -v1 * v1[k].conj();
    u2[k] += C::new(1.0, 0.0);
    u2 /= C::new(norm_sqr(&u2).sqrt(), 0.0);
    let mut u3 = cross(&v1, &u2).map(|z| z.conj());
    u3 /= C::new(norm_sqr(&u3).sqrt(), 0.0);
    // The 2×2 problem [u2 u3]† A [u2 u3], solved by one complex Jacobi rotation.
    let (au2, au3) = (a * u2, a * u3);
    let m = Matrix2::new(u2.dotc(&au2), u2.dotc(&au3), u3.dotc(&au2), u3.dotc(&au3));
    let ((g_c, g_s), (low, high)) = rotation2(&m);
    let w2 = u2 * g_c.0 + u3 * g_c.1;
    let w3 = u2 * g_s.0 + u3 * g_s.1;
    let vecs = [v1, w2, w3];
    // Refinement: the lone eigenvalue is its vector's Rayleigh quotient, the pair comes from
    // the 2×2 rotation (Cardano's near-double roots are only good to ~√ε).
    let vals = [
        v1.dotc(&(a * v1)).re * scale + mean,
        low * scale + mean,
        high * scale + mean,
    ];
    let mut order = [0usize, 1, 2];
    order.sort_by(|&i, &j| vals[i].total_cmp(&vals[j]));
    HermitianEigen {
        values: order.map(|i| vals[i]),
        vectors: Matrix3::from_fn(|r, c| vecs[order[c]][r]),
    }
}

/// The two eigenvectors (columns, as coefficient pairs) of a 2×2 Hermitian `m` and their
/// eigenvalues, by one complex Jacobi rotation (stable for any splitting, exact degeneracy
/// included).
#[allow(clippy::type_complexity)]
fn rotation2(m: &Matrix2<C>) -> (((C, C), (C, C)), (f64, f64)) {
    let (a, d, b) = (m[(0, 0)].re, m[(1, 1)].re, m[(0, 1)]);
    // Not `norm()`: hypot's care for overflow costs more than this whole rotation.
    let nb = b.norm_sqr().sqrt();
    if nb == 0.0 {
        let one = C::new(1.0, 0.0);
        let zero = C::new(0.0, 0.0);
        return (((one, zero), (zero, one)), (a, d));
    }
    let phase = b / nb;
    let tau = (d - a) / (2.0 * nb);
    let t = if tau >= 0.0 {
        1.0 / (tau + (1.0 + tau * tau).sqrt())
    } else {
        -1.0 / (-tau + (1.0 + tau * tau).sqrt())
    };
    let c = 1.0 / (1.0 + t * t).sqrt();
    let s = t * c;
    // M = D M' D† with D = diag(phase, 1) and M' real: eigenvectors D (c, −s), D (s, c).
    // The rotated diagonal: a − t|b| and d + t|b|.
    (
        ((phase * c, C::new(-s, 0.0)), (phase * s, C::new(c, 0.0))),
        (a - t * nb, d + t * nb),
    )
}

/// H = W diag(λ) W† of a 2×2 Hermitian matrix, eigenvalues ascending.
pub fn hermitian_eigen2(h: &Matrix2<C>) -> HermitianEigen<2> {
    let (((a0, a1), (b0, b1)), (low, high)) = rotation2(h);
    let w = Matrix2::new(a0, b0, a1, b1);
    let vals = [low, high];
    if vals[0] <= vals[1] {
        HermitianEigen {
            values: vals,
            vectors: w,
        }
    } else {
        HermitianEigen {
            values: [vals[1], vals[0]],
            vectors: Matrix2::from_columns(&[w.column(1), w.column(0)]),
        }
    }
}

#[cfg(test)]
#[path = "eigen3_tests.rs"]
mod tests;
