//! exp(−iHt) for Hermitian H, and the unitarity error of a propagator.

use nalgebra::SMatrix;
use num_complex::Complex64;

use super::eigen::hermitian_eigen;

/// exp(−i H t) = W diag(e^{−iλt}) W† for Hermitian `h` (km⁻¹) and `t` (km).
pub fn exp_minus_i_h_t<const D: usize>(
    h: &SMatrix<Complex64, D, D>,
    t: f64,
) -> SMatrix<Complex64, D, D> {
    let e = hermitian_eigen(h);
    let mut scaled = e.vectors;
    for (k, lam) in e.values.iter().enumerate() {
        let phase = Complex64::from_polar(1.0, -lam * t);
        for r in 0..D {
            scaled[(r, k)] *= phase;
        }
    }
    super::product::mul_adjoint(&scaled, &e.vectors)
}

/// exp(Ω) for anti-Hermitian `omega` (Ω† = −Ω), by scaling and squaring of its Taylor series:
/// the series is cut where its remainder is below 1e-17 after the squarings, so the result
/// is the unitary exp(Ω) to round-off. For the small Ω of an integrator step (entries ≤ 0.5)
/// this takes 5–16 products, a third to a fifth of a Jacobi eigendecomposition.
pub fn exp_anti_hermitian<const D: usize>(
    omega: &SMatrix<Complex64, D, D>,
) -> SMatrix<Complex64, D, D> {
    // ‖Ω‖ ≤ the largest column sum of |re| + |im| (≥ the 1-norm, which bounds the 2-norm of
    // an anti-Hermitian matrix since its 1- and ∞-norms agree).
    let norm = (0..D)
        .map(|c| {
            (0..D)
                .map(|r| omega[(r, c)].re.abs() + omega[(r, c)].im.abs())
                .sum::<f64>()
        })
        .fold(0.0, f64::max);
    if norm == 0.0 {
        return SMatrix::<Complex64, D, D>::identity();
    }
    // Halve until ‖Ω/2ˢ‖ ≤ 1/2.
    let mut squarings = 0;
    let mut scaled_norm = norm;
    while scaled_norm > 0.5 {
        scaled_norm *= 0.5;
        squarings += 1;
    }
    // The remainder after degree m is ≤ ν^{m+1}/(m+1)! e^ν; each squaring doubles the error.
    let target = 1e-17 / f64::from(1u32 << squarings);
    let mut degree = 1;
    let mut term = scaled_norm;
    while term * scaled_norm / (degree + 1) as f64 * 1.65 > target && degree < 30 {
        degree += 1;
        term *= scaled_norm / degree as f64;
    }
    let x = omega * Complex64::new(0.5f64.powi(squarings), 0.0);
    // Horner: I + X(I + X/2(I + X/3(…))).
    let identity = SMatrix::<Complex64, D, D>::identity();
    let mut acc = identity;
    for k in (1..=degree).rev() {
        acc = identity + super::product::mul(&x, &acc) * Complex64::new(1.0 / k as f64, 0.0);
    }
    for _ in 0..squarings {
        acc = super::product::mul(&acc, &acc);
    }
    acc
}

/// The largest absolute entry of S†S − 1 (output.md's `unitarity_error`).
pub fn unitarity_error<const D: usize>(s: &SMatrix<Complex64, D, D>) -> f64 {
    let p = s.adjoint() * s;
    let mut worst: f64 = 0.0;
    for i in 0..D {
        for j in 0..D {
            let target = if i == j { 1.0 } else { 0.0 };
            worst = worst.max((p[(i, j)] - Complex64::new(target, 0.0)).norm());
        }
    }
    worst
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_anti_hermitian_matches_the_eigendecomposition() {
        let mut state = 7u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 11) as f64 / (1u64 << 53) as f64) - 0.5
        };
        for scale in [0.0, 1e-9, 1e-4, 0.01, 0.1, 0.5, 1.0, 3.0] {
            for _ in 0..5 {
                let m = SMatrix::<Complex64, 6, 6>::from_fn(|_, _| Complex64::new(next(), next()));
                let herm = (m + m.adjoint()) * Complex64::new(0.5 * scale, 0.0);
                let want = exp_minus_i_h_t(&herm, 1.0);
                let got = exp_anti_hermitian(&(herm * Complex64::new(0.0, -1.0)));
                assert!(
                    (got - want).norm() < 1e-14,
                    "scale {scale}: {:e}",
                    (got - want).norm()
                );
                assert!(unitarity_error(&got) < 1e-14);
            }
        }
    }

    #[test]
    fn two_level_rabi_formula() {
        // H = [[a, b], [b*, c]]: P(1→2) = 4|b|²/D² sin²(D t/2), D = √((a−c)² + 4|b|²)
        let (a, c, b) = (0.3, -0.7, Complex64::new(0.2, 0.5));
        let mut h = SMatrix::<Complex64, 4, 4>::zeros();
        h[(0, 0)] = Complex64::new(a, 0.0);
        h[(1, 1)] = Complex64::new(c, 0.0);
        h[(0, 1)] = b;
        h[(1, 0)] = b.conj();
        let t = 7.3;
        let s = exp_minus_i_h_t(&h, t);
        let d = ((a - c) * (a - c) + 4.0 * b.norm_sqr()).sqrt();
        let p = 4.0 * b.norm_sqr() / (d * d) * (d * t / 2.0).sin().powi(2);
        assert!((s[(1, 0)].norm_sqr() - p).abs() < 1e-14);
        assert!(unitarity_error(&s) < 1e-14);
        assert!((s[(2, 2)] - Complex64::new(1.0, 0.0)).norm() < 1e-15);
    }
}
