//! Closed-form eigendecomposition of 3×3 (and 2×2) Hermitian matrices, for the layer
//! propagator's decoupled helicity blocks, where one decomposition per layer and energy is
//! most of the work on a single constant layer.
//!
//! The eigenvalues of the traceless, scaled matrix come from the trigonometric form of
//! Cardano's formula. Near a double root Cardano's pair is only accurate to ~√ε, so only the
//! root farthest from the other two (always accurate to ~ε) is used for an eigenvector (the
//! cross product of two rows of A − λI). The other two eigenvectors come from the exact 2×2
//! problem on the orthogonal complement (a complex Jacobi rotation, stable at any splitting,
//! exact degeneracy included); the pair's eigenvalues are that problem's, the lone one is the
//! Rayleigh quotient of its vector (taken from the trace, as the three vectors are
//! orthonormal). The result matches the Jacobi solver ([`super::eigen`]) to round-off: the
//! tests check exact, 1e-8 and 1e-14 relative splittings.

use nalgebra::{Matrix2, Matrix3};
use num_complex::Complex64;

use super::eigen::HermitianEigen;

type C = Complex64;

/// x · y* (no conjugation of x).
fn mul_conj(x: C, y: C) -> C {
    C::new(x.re * y.re + x.im * y.im, x.im * y.re - x.re * y.im)
}

/// Re(x* · y).
fn re_conj_mul(x: C, y: C) -> f64 {
    x.re * y.re + x.im * y.im
}

fn norm_sqr(v: &[C; 3]) -> f64 {
    v[0].norm_sqr() + v[1].norm_sqr() + v[2].norm_sqr()
}

fn scaled(v: [C; 3], by: f64) -> [C; 3] {
    v.map(|z| z * by)
}

/// H = W diag(λ) W† of a 3×3 Hermitian matrix (upper triangle and real diagonal read),
/// eigenvalues ascending, as [`super::hermitian_eigen`] returns them.
///
/// Written out on the upper triangle (d, b) of the traceless scaled matrix A: its diagonal is
/// real, which halves most products (a cyclic Jacobi solve costs several times more).
pub fn hermitian_eigen3(h: &Matrix3<C>) -> HermitianEigen<3> {
    let mean = (h[(0, 0)].re + h[(1, 1)].re + h[(2, 2)].re) / 3.0;
    let d = [
        h[(0, 0)].re - mean,
        h[(1, 1)].re - mean,
        h[(2, 2)].re - mean,
    ];
    let (b01, b02, b12) = (h[(0, 1)], h[(0, 2)], h[(1, 2)]);
    let largest = (d[0] * d[0])
        .max(d[1] * d[1])
        .max(d[2] * d[2])
        .max(b01.norm_sqr())
        .max(b02.norm_sqr())
        .max(b12.norm_sqr());
    if largest == 0.0 || !largest.is_finite() {
        return HermitianEigen {
            values: [mean; 3],
            vectors: Matrix3::identity(),
        };
    }
    let (scale, inv) = power_of_two_scale(largest);
    let a = Traceless::new(d.map(|x| x * inv), b01 * inv, b02 * inv, b12 * inv);
    let Some(v1) = a.lone_vector(a.lone_root()) else {
        // Cannot happen for a Hermitian matrix with a simple root; stay safe.
        return super::eigen::hermitian_eigen(h);
    };
    let (u2, u3) = complement(&v1);
    let (m00, m11, w2, w3, low, high) = a.pair_on(&u2, &u3);
    // The lone eigenvalue from the trace (the Rayleigh quotient of v1, as [v1 u2 u3] is
    // unitary); the pair from the 2×2 rotation (Cardano's near-double roots are only good to
    // ~√ε).
    let vals = [
        (a.d[0] + a.d[1] + a.d[2] - m00 - m11) * scale + mean,
        low * scale + mean,
        high * scale + mean,
    ];
    ascending(vals, [v1, w2, w3])
}

/// The traceless, scaled matrix A by its upper triangle: real diagonal `d`, off-diagonal
/// `b01`, `b02`, `b12` and their squared moduli.
struct Traceless {
    d: [f64; 3],
    b01: C,
    b02: C,
    b12: C,
    n01: f64,
    n02: f64,
    n12: f64,
}

impl Traceless {
    fn new(d: [f64; 3], b01: C, b02: C, b12: C) -> Self {
        let (n01, n02, n12) = (b01.norm_sqr(), b02.norm_sqr(), b12.norm_sqr());
        Traceless {
            d,
            b01,
            b02,
            b12,
            n01,
            n02,
            n12,
        }
    }

    /// The root of the characteristic cubic farthest from the other two (accurate to ~ε).
    fn lone_root(&self) -> f64 {
        let (d, n01, n02, n12) = (&self.d, self.n01, self.n02, self.n12);
        // λ³ − p λ − q = 0 for traceless A: p = tr(A²)/2, q = det A.
        let p = 0.5 * (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]) + n01 + n02 + n12;
        let q = d[0] * d[1] * d[2] + 2.0 * re_conj_mul(self.b02, self.b01 * self.b12)
            - d[0] * n12
            - d[1] * n02
            - d[2] * n01;
        let r = 2.0 * (p / 3.0).sqrt();
        let cos3 = (4.0 * q / (r * r * r)).clamp(-1.0, 1.0);
        let (sin_t, cos_t) = super::phase::sin_cos(cos3.acos() / 3.0);
        // cos(θ − 2π/3) and cos(θ − 4π/3) from cos θ and sin θ. Descending: top ≥ middle ≥
        // bottom.
        let half_sqrt3 = 0.5 * 3f64.sqrt();
        let (top, middle, bottom) = (
            r * cos_t,
            r * (-0.5 * cos_t + half_sqrt3 * sin_t),
            r * (-0.5 * cos_t - half_sqrt3 * sin_t),
        );
        if top - middle >= middle - bottom {
            top
        } else {
            bottom
        }
    }

    /// The unit eigenvector of the simple root `lone`, or `None` if no row pair yields one.
    fn lone_vector(&self, lone: f64) -> Option<[C; 3]> {
        let (b01, b02, b12) = (self.b01, self.b02, self.b12);
        // The rows of A − lone·I are r0 = (e0, b01, b02), r1 = (b01*, e1, b12),
        // r2 = (b02*, b12*, e2). Their cross products (bilinear, no conjugation: each is
        // annihilated by both rows) are eigenvectors; the longest is the most accurate.
        let e = self.d.map(|x| x - lone);
        let candidates = [
            [
                b01 * b12 - b02 * e[1],
                mul_conj(b02, b01) - b12 * e[0],
                C::new(e[0] * e[1] - self.n01, 0.0),
            ],
            [
                b01 * e[2] - mul_conj(b02, b12),
                C::new(self.n02 - e[0] * e[2], 0.0),
                (b12 * e[0]).conj() - mul_conj(b01, b02),
            ],
            [
                C::new(e[1] * e[2] - self.n12, 0.0),
                mul_conj(b12, b02) - b01.conj() * e[2],
                (b01 * b12).conj() - b02.conj() * e[1],
            ],
        ];
        let norms = candidates.each_ref().map(norm_sqr);
        let pick = if norms[0] >= norms[1] && norms[0] >= norms[2] {
            0
        } else if norms[1] >= norms[2] {
            1
        } else {
            2
        };
        let best = norms[pick];
        if best == 0.0 || !best.is_finite() {
            return None;
        }
        Some(scaled(candidates[pick], 1.0 / best.sqrt()))
    }

    /// u† A u for a unit vector u.
    fn quadratic(&self, u: &[C; 3]) -> f64 {
        let d = &self.d;
        d[0] * u[0].norm_sqr()
            + d[1] * u[1].norm_sqr()
            + d[2] * u[2].norm_sqr()
            + 2.0
                * (re_conj_mul(u[0], self.b01 * u[1])
                    + re_conj_mul(u[0], self.b02 * u[2])
                    + re_conj_mul(u[1], self.b12 * u[2]))
    }

    /// The 2×2 problem [u2 u3]† A [u2 u3], solved by one complex Jacobi rotation: its
    /// diagonal (m00, m11), the rotated vectors and their eigenvalues (low, high).
    fn pair_on(&self, u2: &[C; 3], u3: &[C; 3]) -> (f64, f64, [C; 3], [C; 3], f64, f64) {
        let (d, b01, b02, b12) = (&self.d, self.b01, self.b02, self.b12);
        let au3 = [
            u3[0] * d[0] + b01 * u3[1] + b02 * u3[2],
            b01.conj() * u3[0] + u3[1] * d[1] + b12 * u3[2],
            b02.conj() * u3[0] + b12.conj() * u3[1] + u3[2] * d[2],
        ];
        let m00 = self.quadratic(u2);
        let m11 = self.quadratic(u3);
        let m01 = u2[0].conj() * au3[0] + u2[1].conj() * au3[1] + u2[2].conj() * au3[2];
        let (phase, c, s, low, high) = rotation(m00, m11, m01);
        let (pc, ps) = (phase * c, phase * s);
        let w2: [C; 3] = std::array::from_fn(|i| u2[i] * pc - u3[i] * s);
        let w3: [C; 3] = std::array::from_fn(|i| u2[i] * ps + u3[i] * c);
        (m00, m11, w2, w3, low, high)
    }
}

/// An orthonormal basis (u2, u3) of the complement of the unit vector v1: u2 ∝ e_k − v1 v1_k*
/// for the smallest component k, u3 = (v1 × u2)* (a unit vector to round-off, as v1 and u2
/// are orthonormal to round-off).
fn complement(v1: &[C; 3]) -> ([C; 3], [C; 3]) {
    let mags = v1.map(|z| z.norm_sqr());
    let k = if mags[0] <= mags[1] && mags[0] <= mags[2] {
        0
    } else if mags[1] <= mags[2] {
        1
    } else {
        2
    };
    let mut u2 = v1.map(|z| -mul_conj(z, v1[k]));
    u2[k] += C::new(1.0, 0.0);
    let u2 = scaled(u2, 1.0 / norm_sqr(&u2).sqrt());
    let u3 = [
        (v1[1] * u2[2] - v1[2] * u2[1]).conj(),
        (v1[2] * u2[0] - v1[0] * u2[2]).conj(),
        (v1[0] * u2[1] - v1[1] * u2[0]).conj(),
    ];
    (u2, u3)
}

/// The eigenpairs `vals`, `vecs` in ascending order of value (a three-comparison network).
fn ascending(vals: [f64; 3], vecs: [[C; 3]; 3]) -> HermitianEigen<3> {
    let mut order = [0usize, 1, 2];
    if vals[order[1]] < vals[order[0]] {
        order.swap(0, 1);
    }
    if vals[order[2]] < vals[order[1]] {
        order.swap(1, 2);
    }
    if vals[order[1]] < vals[order[0]] {
        order.swap(0, 1);
    }
    HermitianEigen {
        values: order.map(|i| vals[i]),
        vectors: Matrix3::from_fn(|r, c| vecs[order[c]][r]),
    }
}

/// A power of two near √`largest` and its inverse: scaling by it is exact and costs no
/// division (for a subnormal `largest`, √`largest` itself).
fn power_of_two_scale(largest: f64) -> (f64, f64) {
    let biased = ((largest.to_bits() >> 52) & 0x7ff) as i64;
    if biased == 0 {
        let scale = largest.sqrt();
        return (scale, 1.0 / scale);
    }
    // largest ∈ [2^e, 2^(e+1)): √largest / 2^k ∈ [1, 2) for k = ⌊e/2⌋, |k| ≤ 511.
    let k = (biased - 1023).div_euclid(2);
    let power = |k: i64| f64::from_bits(((1023 + k) as u64) << 52);
    (power(k), power(-k))
}

/// The Jacobi rotation of the 2×2 Hermitian [[a, b], [b*, d]]: (phase, c, s, λ₁, λ₂) with
/// eigenvectors (phase·c, −s) for λ₁ and (phase·s, c) for λ₂ (stable for any splitting, exact
/// degeneracy included).
fn rotation(a: f64, d: f64, b: C) -> (C, f64, f64, f64, f64) {
    // Not `norm()`: hypot's care for overflow costs more than this whole rotation.
    let nb2 = b.norm_sqr();
    if nb2 == 0.0 {
        return (C::new(1.0, 0.0), 1.0, 0.0, a, d);
    }
    let nb = nb2.sqrt();
    let phase = b * (1.0 / nb);
    // t = tan of the rotation angle, the smaller root of t² + 2τt − 1 = 0 with τ = δ/|b|,
    // written as |b| / (|δ| + √(δ² + |b|²)) (no cancellation; both roots from |b|² at once).
    let delta = 0.5 * (d - a);
    let t = nb / (delta.abs() + (delta * delta + nb2).sqrt());
    let t = if delta >= 0.0 { t } else { -t };
    let c = 1.0 / (1.0 + t * t).sqrt();
    // M = D M' D† with D = diag(phase, 1) and M' real: eigenvectors D (c, −s), D (s, c).
    // The rotated diagonal: a − t|b| and d + t|b|.
    (phase, c, t * c, a - t * nb, d + t * nb)
}

/// H = W diag(λ) W† of a 2×2 Hermitian matrix, eigenvalues ascending.
pub fn hermitian_eigen2(h: &Matrix2<C>) -> HermitianEigen<2> {
    let (phase, c, s, low, high) = rotation(h[(0, 0)].re, h[(1, 1)].re, h[(0, 1)]);
    let w = Matrix2::new(phase * c, phase * s, C::new(-s, 0.0), C::new(c, 0.0));
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
