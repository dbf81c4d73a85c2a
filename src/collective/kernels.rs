//! The per-bin kernels of the Lie-group step: exp(−i h X) of a Hermitian stage Hamiltonian
//! and the conjugation U ρ U†, both aware of the helicity blocks.
//!
//! Without a helicity-flip term (μB = 0) every Hamiltonian, ρ and Ψ of the collective problem is
//! block-diagonal in (L, R): the exponential then factors into two N×N ones and a product into
//! two N×N products. For N = 2 the 2×2 exponential is closed form (an SU(2) rotation times a
//! phase), about thirty times cheaper than the 4×4 Taylor series with the squarings that the
//! ≈10⁵ km⁻¹ diagonal near R_ν demands. The blocks are detected exactly (entries equal to 0.0),
//! so a problem with a moment takes the dense path and gets the same result as before.

use nalgebra::{Matrix2, Matrix3, SMatrix};
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

type Block<const K: usize> = SMatrix<Complex64, K, K>;

/// sin(x)/x without 0/0: 1 − x²/6 is exact to 1e-17 relative below 1e-4.
fn sinc(x: f64) -> f64 {
    if x.abs() < 1e-4 {
        1.0 - x * x / 6.0
    } else {
        x.sin() / x
    }
}

/// exp(−i h (X − m)) for a Hermitian 2×2 X, m = tr X/2, and m: cos(hq) − i sin(hq)/q (X − m)
/// with q the half-splitting. The phase e^{−ihm} is left to the caller: it cancels in a
/// conjugation, and a product of two exponentials needs only one. Unitary to round-off.
fn exp2_unphased(x: &Matrix2<Complex64>, h: f64) -> (Matrix2<Complex64>, f64) {
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
    let i = Complex64::new(0.0, 1.0);
    let e = Matrix2::new(
        Complex64::new(c, -s_over_q * delta),
        -i * s_over_q * b,
        -i * s_over_q * b.conj(),
        Complex64::new(c, s_over_q * delta),
    );
    (e, m)
}

/// exp(−i h (X − m)) for a Hermitian 3×3 X, m = tr X/3, and m, in closed form: the
/// eigenvalues λ₁ ≥ λ₂ ≥ λ₃ of Y = X − m from the trigonometric solution of its
/// characteristic cubic, then Newton's interpolation of f(λ) = e^{−ihλ} on them,
/// f(Y) = f[λ₁] + f[λ₁,λ₂](Y − λ₁) + f[λ₁,λ₂,λ₃](Y − λ₁)(Y − λ₂) (exact by Cayley–Hamilton).
/// The divided differences use e^{−iha} − e^{−ihb} = −2i e^{−ih(a+b)/2} sin(h(a−b)/2), so they
/// stay accurate for close eigenvalues, and the last one divides by the largest gap λ₁ − λ₃:
/// its cancellation error times |(Y − λ₁)(Y − λ₂)| ≤ (λ₁ − λ₃)² is ε h (λ₁ − λ₃). An error δ
/// in the eigenvalues (up to √ε |Y| when two nearly coincide) enters only through the
/// interpolation remainder, ∝ h³ δ (λ₁ − λ₃)². One product and eight transcendental calls,
/// instead of the 10–20 products of a Taylor series with squarings.
fn exp3_unphased(x: &Matrix3<Complex64>, h: f64) -> (Matrix3<Complex64>, f64) {
    let mut m = (x[(0, 0)].re + x[(1, 1)].re + x[(2, 2)].re) / 3.0;
    let (mut a, mut b, mut c) = (x[(0, 0)].re - m, x[(1, 1)].re - m, x[(2, 2)].re - m);
    // With a large common diagonal (≈ 10⁵ km⁻¹ near R_ν) a + b + c is off zero by the
    // rounding of that diagonal; the cubic below assumes a traceless Y, and a residual trace
    // t would shift every eigenvalue by t while Y keeps it, a unitarity error ∝ h t. So the
    // residual goes into the phase (exactly, as far as m can hold it).
    let t = (a + b + c) / 3.0;
    (a, b, c) = (a - t, b - t, c - t);
    m += t;
    // The exactly Hermitian Y from the averaged off-diagonal pairs.
    let d = (x[(0, 1)] + x[(1, 0)].conj()) * 0.5;
    let e = (x[(0, 2)] + x[(2, 0)].conj()) * 0.5;
    let f = (x[(1, 2)] + x[(2, 1)].conj()) * 0.5;
    let (dd, ee, ff) = (d.norm_sqr(), e.norm_sqr(), f.norm_sqr());
    let p = (a * a + b * b + c * c + 2.0 * (dd + ee + ff)) / 6.0;
    if p == 0.0 {
        return (Matrix3::identity(), m);
    }
    let det = a * b * c + 2.0 * (d * f * e.conj()).re - a * ff - b * ee - c * dd;
    let sp = p.sqrt();
    let phi = (0.5 * det / (p * sp)).clamp(-1.0, 1.0).acos() / 3.0;
    let l1 = 2.0 * sp * phi.cos();
    let l3 = 2.0 * sp * (phi + 2.0 * std::f64::consts::FRAC_PI_3).cos();
    let l2 = -l1 - l3;
    let i = Complex64::new(0.0, 1.0);
    let f0 = Complex64::from_polar(1.0, -h * l1);
    // f[a, b] = −ih e^{−ih(a+b)/2} sinc(h(a − b)/2).
    let dd1 = |u: f64, v: f64| {
        -i * h * sinc(0.5 * h * (u - v)) * Complex64::from_polar(1.0, -0.5 * h * (u + v))
    };
    let (f12, f23) = (dd1(l1, l2), dd1(l2, l3));
    let gap = l1 - l3;
    let f123 = if h * gap > 1e-6 {
        (f12 - f23) / gap
    } else {
        // f″/2 at the (nearly) triple eigenvalue; the neglected term is O(h³ gap).
        Complex64::new(-0.5 * h * h, 0.0) * Complex64::from_polar(1.0, -h * l2)
    };
    let y = Matrix3::new(
        Complex64::new(a, 0.0),
        d,
        e,
        d.conj(),
        Complex64::new(b, 0.0),
        f,
        e.conj(),
        f.conj(),
        Complex64::new(c, 0.0),
    );
    let id = Matrix3::<Complex64>::identity();
    let y1 = y - id * Complex64::new(l1, 0.0);
    let y2 = y - id * Complex64::new(l2, 0.0);
    let out = id * f0 + y1 * f12 + bmul(&y1, &y2) * f123;
    (out, m)
}

/// a b for one K×K block, inlined and unrolled (the blocks are 2×2 or 3×3: a call and the
/// generic product's accumulator arrays cost more than the arithmetic).
#[inline(always)]
fn bmul<const K: usize>(a: &Block<K>, b: &Block<K>) -> Block<K> {
    // Plain loops: nalgebra's `from_fn` was not inlined for K = 3 (14 % of a 3-flavour step).
    let mut out = Block::<K>::zeros();
    for j in 0..K {
        for i in 0..K {
            let mut z = a[(i, 0)] * b[(0, j)];
            for k in 1..K {
                z += a[(i, k)] * b[(k, j)];
            }
            out[(i, j)] = z;
        }
    }
    out
}

/// The same K×K block as a matrix type of size L (called with L = K only; the const
/// parameters just cannot say so). Plain loops, like [`bmul`].
#[inline(always)]
fn recast<const K: usize, const L: usize>(m: &Block<K>) -> Block<L> {
    let mut out = Block::<L>::zeros();
    for j in 0..K.min(L) {
        for i in 0..K.min(L) {
            out[(i, j)] = m[(i, j)];
        }
    }
    out
}

/// exp(−i h (X − m)) and m = tr X/K for one Hermitian K×K block (K = 2 or 3 in closed form,
/// other K by the shifted Taylor series).
#[inline]
fn exp_block_unphased<const K: usize>(x: &Block<K>, h: f64) -> (Block<K>, f64) {
    match K {
        2 => {
            let (e, m) = exp2_unphased(&recast(x), h);
            (recast(&e), m)
        }
        3 => {
            let (e, m) = exp3_unphased(&recast(x), h);
            (recast(&e), m)
        }
        _ => {
            let mean = (0..K).map(|k| x[(k, k)].re).sum::<f64>() / K as f64;
            let mut y = *x;
            for k in 0..K {
                y[(k, k)] -= mean;
            }
            (exp_anti_hermitian(&(y * Complex64::new(0.0, -h))), mean)
        }
    }
}

/// exp(−i h X) for Hermitian X of any size: the mean diagonal is taken out as a phase so the
/// Taylor series sees only the splitting.
fn exp_shifted<const K: usize>(x: &Block<K>, h: f64) -> Block<K> {
    let mean = (0..K).map(|k| x[(k, k)].re).sum::<f64>() / K as f64;
    let mut y = *x;
    for k in 0..K {
        y[(k, k)] -= mean;
    }
    exp_anti_hermitian(&(y * Complex64::new(0.0, -h))) * Complex64::from_polar(1.0, -h * mean)
}

/// Copies the diagonal block starting at `o` of size K out of `m`.
#[inline]
fn block<const D: usize, const K: usize>(m: &CMat<D>, o: usize) -> Block<K> {
    let mut b = Block::<K>::zeros();
    for j in 0..K {
        for i in 0..K {
            b[(i, j)] = m[(o + i, o + j)];
        }
    }
    b
}

#[inline]
fn put<const D: usize, const K: usize>(m: &mut CMat<D>, o: usize, b: &Block<K>) {
    for i in 0..K {
        for j in 0..K {
            m[(o + i, o + j)] = b[(i, j)];
        }
    }
}

/// The helicity-block size K = D/2 when both blocks can be handled by the closed forms here
/// (N = 2 or 3 flavours) and every matrix in `ms` has no (L, R) coupling; else 0 (dense).
fn block_size<const D: usize>(ms: &[&CMat<D>]) -> usize {
    let n = D / 2;
    if D.is_multiple_of(2) && (n == 2 || n == 3) && ms.iter().all(|m| is_block_diagonal(*m)) {
        n
    } else {
        0
    }
}

/// Applies `f` to the two diagonal K×K blocks of the inputs and assembles the outputs.
#[inline]
fn per_block<const D: usize, const K: usize>(
    ms: [&CMat<D>; 2],
    f: impl Fn(&Block<K>, &Block<K>) -> Block<K>,
) -> CMat<D> {
    let mut out = CMat::<D>::zeros();
    for o in [0, K] {
        put(&mut out, o, &f(&block(ms[0], o), &block(ms[1], o)));
    }
    out
}

/// exp(−i h X) for Hermitian X (D×D, D = 2N): blockwise when X has no (L, R) coupling.
pub(crate) fn exp_minus_i<const D: usize>(x: &CMat<D>, h: f64) -> CMat<D> {
    fn phased<const K: usize>(x: &Block<K>, h: f64) -> Block<K> {
        let (e, m) = exp_block_unphased(x, h);
        e * Complex64::from_polar(1.0, -h * m)
    }
    match block_size(&[x]) {
        2 => per_block::<D, 2>([x, x], |b, _| phased(b, h)),
        3 => per_block::<D, 3>([x, x], |b, _| phased(b, h)),
        _ => exp_shifted(x, h),
    }
}

/// exp(−i h B) exp(−i h A) for Hermitian A, B: blockwise with one phase per block when both
/// have no (L, R) coupling.
pub(crate) fn exp_product<const D: usize>(b: &CMat<D>, a: &CMat<D>, h: f64) -> CMat<D> {
    fn pair<const K: usize>(b: &Block<K>, a: &Block<K>, h: f64) -> Block<K> {
        let (eb, mb) = exp_block_unphased(b, h);
        let (ea, ma) = exp_block_unphased(a, h);
        bmul(&eb, &ea) * Complex64::from_polar(1.0, -h * (ma + mb))
    }
    match block_size(&[b, a]) {
        2 => per_block::<D, 2>([b, a], |x, y| pair(x, y, h)),
        3 => per_block::<D, 3>([b, a], |x, y| pair(x, y, h)),
        _ => mul(&exp_minus_i(b, h), &exp_minus_i(a, h)),
    }
}

/// U ρ U† for one block, exactly Hermitian: the upper triangle of (U ρ) U† is computed and
/// mirrored (the lower one would equal it up to round-off), the diagonal taken real.
#[inline(always)]
fn conjugate_block<const K: usize>(u: &Block<K>, rho: &Block<K>) -> Block<K> {
    let t = bmul(u, rho);
    let mut out = Block::<K>::zeros();
    for i in 0..K {
        for j in i..K {
            let mut z = t[(i, 0)] * u[(j, 0)].conj();
            for k in 1..K {
                z += t[(i, k)] * u[(j, k)].conj();
            }
            if i == j {
                out[(i, i)] = Complex64::new(z.re, 0.0);
            } else {
                out[(i, j)] = z;
                out[(j, i)] = z.conj();
            }
        }
    }
    out
}

/// U ρ U† for a dense matrix, made exactly Hermitian.
fn conjugate_dense<const D: usize>(u: &CMat<D>, rho: &CMat<D>) -> CMat<D> {
    let m = mul_adjoint(&mul(u, rho), u);
    (m + m.adjoint()) * Complex64::new(0.5, 0.0)
}

/// exp(−i h X) ρ exp(i h X) for Hermitian X and ρ, made exactly Hermitian. When neither
/// couples the helicities, each block's exponential is taken without its phase (it cancels).
pub(crate) fn conjugate_exp<const D: usize>(x: &CMat<D>, h: f64, rho: &CMat<D>) -> CMat<D> {
    fn one<const K: usize>(x: &Block<K>, r: &Block<K>, h: f64) -> Block<K> {
        conjugate_block(&exp_block_unphased(x, h).0, r)
    }
    match block_size(&[x, rho]) {
        2 => per_block::<D, 2>([x, rho], |a, r| one(a, r, h)),
        3 => per_block::<D, 3>([x, rho], |a, r| one(a, r, h)),
        _ => conjugate(&exp_minus_i(x, h), rho),
    }
}

/// The last stage of a CF4 step for one system, blockwise when the four stage Hamiltonians
/// and ρ have no (L, R) coupling (else None: the caller takes the dense path). With
/// A = (3F1 + 2F2 + 2F3 − F4), B = (−F1 + 2F2 + 2F3 + 3F4) it writes the propagator
/// U = E(hB/12) E(hA/12) into `u` and U ρ U† into `rho_new`, and returns the largest |entry|²
/// of U ρ U† − E(hX) ρ E(hX)†, X = (F1 + 2F2 + 2F3 + F4)/6 + i h [F1, F4]/12 (the error
/// estimate, see `lie`). The same arithmetic entry by entry as the dense combination followed
/// by [`exp_product`], [`conjugate`], [`mul_blocks`] and [`conjugate_exp`] (the zero blocks
/// stay zero there), so the results are identical; doing it in one pass checks the blocks
/// once instead of six times and never builds, copies or combines the zero (L, R) blocks.
pub(crate) fn cf4_last_stage<const D: usize>(
    f: [&CMat<D>; 4],
    rho: &CMat<D>,
    h: f64,
    u: &mut CMat<D>,
    rho_new: &mut CMat<D>,
) -> Option<f64> {
    match block_size(&[f[0], f[1], f[2], f[3], rho]) {
        2 => Some(last_stage_blocks::<D, 2>(f, rho, h, u, rho_new)),
        3 => Some(last_stage_blocks::<D, 3>(f, rho, h, u, rho_new)),
        _ => None,
    }
}

/// [`cf4_last_stage`] on the two K×K blocks.
#[inline(always)]
fn last_stage_blocks<const D: usize, const K: usize>(
    f: [&CMat<D>; 4],
    rho: &CMat<D>,
    h: f64,
    u: &mut CMat<D>,
    rho_new: &mut CMat<D>,
) -> f64 {
    let c = |x: f64| Complex64::new(x, 0.0);
    *u = CMat::<D>::zeros();
    *rho_new = CMat::<D>::zeros();
    let mut err2: f64 = 0.0;
    for o in [0, K] {
        let [f1, f2, f3, f4] = f.map(|m| block::<D, K>(m, o));
        let r = block::<D, K>(rho, o);
        let a = f1 * c(3.0) + (f2 + f3) * c(2.0) - f4;
        let b = -f1 + (f2 + f3) * c(2.0) + f4 * c(3.0);
        let (eb, mb) = exp_block_unphased(&b, h / 12.0);
        let (ea, ma) = exp_block_unphased(&a, h / 12.0);
        let uk = bmul(&eb, &ea) * Complex64::from_polar(1.0, -(h / 12.0) * (ma + mb));
        let new = conjugate_block(&uk, &r);
        let x = (f1 + (f2 + f3) * c(2.0) + f4) * c(1.0 / 6.0)
            + (bmul(&f1, &f4) - bmul(&f4, &f1)) * Complex64::new(0.0, h / 12.0);
        let low = conjugate_block(&exp_block_unphased(&x, h).0, &r);
        err2 = (new - low)
            .iter()
            .map(|z| z.norm_sqr())
            .fold(err2, f64::max);
        put(u, o, &uk);
        put(rho_new, o, &new);
    }
    err2
}

/// a b: two N×N products when both are block-diagonal (D = 2N, N = 2 or 3), else dense.
pub(crate) fn mul_blocks<const D: usize>(a: &CMat<D>, b: &CMat<D>) -> CMat<D> {
    match block_size(&[a, b]) {
        2 => per_block::<D, 2>([a, b], bmul),
        3 => per_block::<D, 3>([a, b], bmul),
        _ => mul(a, b),
    }
}

/// U ρ U†, made exactly Hermitian (the spectrum is that of the unitary conjugation).
pub(crate) fn conjugate<const D: usize>(u: &CMat<D>, rho: &CMat<D>) -> CMat<D> {
    match block_size(&[u, rho]) {
        2 => per_block::<D, 2>([u, rho], conjugate_block),
        3 => per_block::<D, 3>([u, rho], conjugate_block),
        _ => conjugate_dense(u, rho),
    }
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
                // The unphased conjugation and the one-phase product give the same matrices.
                let fused = conjugate_exp(&x, h, &rho);
                let d = (fused - fast).iter().map(|z| z.norm()).fold(0.0, f64::max);
                assert!(d < 1e-9, "conjugate_exp {d:e}");
                let y = random_hermitian::<D>(&mut seed, scale, blocks);
                let pair = exp_product(&y, &x, h);
                let want = exp_minus_i_h_t(&y, h) * exp_minus_i_h_t(&x, h);
                let d = (pair - want).iter().map(|z| z.norm()).fold(0.0, f64::max);
                assert!(d < 1e-12, "exp_product {d:e}");
            }
        }
    }

    /// The closed-form 3×3 exponential where it is hardest: exactly and nearly repeated
    /// eigenvalues (the trigonometric eigenvalues lose up to half the digits there), a
    /// rotation angle h(λ₁ − λ₃) from 1e-9 to ≈ 60, and a large common diagonal.
    #[test]
    fn closed_form_3x3_exponential_matches_the_eigendecomposition() {
        let mut seed = 5u64;
        let spectra = [
            [1.0, 1.0, 1.0],
            [1.0, 1.0, -2.0],
            [2.0, -1.0, -1.0],
            [1.0, 1.0 + 1e-9, -2.0],
            [1.0, 1.0 + 1e-7, 1.0 - 1e-7],
            [0.3, -0.1, -0.2],
            [3.0, 0.0, -3.0],
        ];
        for spectrum in spectra {
            for h in [1e-9, 1e-3, 0.7, 10.0] {
                for shift in [0.0, 7e4] {
                    // V diag(λ + shift) V† with a random unitary V.
                    let v = exp_minus_i_h_t(&random_hermitian::<3>(&mut seed, 2.0, false), 1.0);
                    let diag = Matrix3::from_fn(|i, j| {
                        let l = if i == j { spectrum[i] + shift } else { 0.0 };
                        Complex64::new(l, 0.0)
                    });
                    let x = v * diag * v.adjoint();
                    let x = (x + x.adjoint()) * Complex64::new(0.5, 0.0);
                    let (e, m) = exp3_unphased(&x, h);
                    let got = e * Complex64::from_polar(1.0, -h * m);
                    // The reference without the common phase, which is exact either way.
                    let mut shifted = x;
                    for k in 0..3 {
                        shifted[(k, k)] -= m;
                    }
                    let want = exp_minus_i_h_t(&shifted, h) * Complex64::from_polar(1.0, -h * m);
                    // With the shift, x − m·1 holds the diagonal only to its rounding (≈ 1e-11,
                    // the same for every entry of the diagonal up to ε): a common phase of
                    // h × that, which cancels in every use. Compared up to a common phase then.
                    let z = (want.adjoint() * got).trace();
                    let align = if shift == 0.0 {
                        1.0.into()
                    } else {
                        z.conj() / z.norm()
                    };
                    let err = (got * align - want)
                        .iter()
                        .map(|z| z.norm())
                        .fold(0.0, f64::max);
                    assert!(err < 1e-12, "{spectrum:?} h {h} shift {shift}: {err:e}");
                    let unit = (e.adjoint() * e - Matrix3::identity())
                        .iter()
                        .map(|z| z.norm())
                        .fold(0.0, f64::max);
                    assert!(unit < 1e-12, "{spectrum:?} h {h}: unitarity {unit:e}");
                }
            }
        }
    }

    /// The fused last CF4 stage gives exactly (bit for bit) what the separate kernels give
    /// on block-diagonal inputs, and declines (None) when a matrix couples the helicities.
    fn check_last_stage<const D: usize>() {
        let mut seed = 3u64;
        for (scale, h) in [(1.0, 1e-5), (1e-3, 0.5), (2.0, 1e-9)] {
            let f: [CMat<D>; 4] =
                std::array::from_fn(|_| random_hermitian::<D>(&mut seed, scale, true));
            let rho = random_hermitian::<D>(&mut seed, 1.0, true);
            let c = |x: f64| Complex64::new(x, 0.0);
            let a = f[0] * c(3.0) + (f[1] + f[2]) * c(2.0) - f[3];
            let b = -f[0] + (f[1] + f[2]) * c(2.0) + f[3] * c(3.0);
            let u_want = exp_product(&b, &a, h / 12.0);
            let new_want = conjugate(&u_want, &rho);
            let x = (f[0] + (f[1] + f[2]) * c(2.0) + f[3]) * c(1.0 / 6.0)
                + (mul_blocks(&f[0], &f[3]) - mul_blocks(&f[3], &f[0]))
                    * Complex64::new(0.0, h / 12.0);
            let low = conjugate_exp(&x, h, &rho);
            let err2_want = (new_want - low)
                .iter()
                .map(|z| z.norm_sqr())
                .fold(0.0, f64::max);
            let (mut u, mut new) = (CMat::<D>::identity(), CMat::<D>::identity());
            let fs = [&f[0], &f[1], &f[2], &f[3]];
            let err2 = cf4_last_stage(fs, &rho, h, &mut u, &mut new).expect("blocks");
            assert_eq!(u, u_want, "D {D} h {h}");
            assert_eq!(new, new_want, "D {D} h {h}");
            assert_eq!(err2, err2_want, "D {D} h {h}");
            // Not a comparison of zeros: the two exponentials differ at O(h⁵).
            assert!(h < 1e-6 || err2 > 0.0);
            let dense = random_hermitian::<D>(&mut seed, scale, false);
            let fs = [&f[0], &dense, &f[2], &f[3]];
            assert!(cf4_last_stage(fs, &rho, h, &mut u, &mut new).is_none());
        }
    }

    #[test]
    fn fused_last_stage_equals_the_separate_kernels() {
        check_last_stage::<4>();
        check_last_stage::<6>();
    }

    #[test]
    fn block_exponentials_and_conjugations_match_the_eigendecomposition() {
        check::<4>();
        check::<6>();
    }
}
