//! exp(−iHt) for Hermitian H, exp(Ω) for anti-Hermitian Ω, the matrix arcsine of a small
//! Hermitian matrix, and the unitarity error of a propagator.

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

/// arcsin(S) for Hermitian `s` with ‖S‖ ≤ 0.2, by its odd power series
/// S Σ_k (2k)!/(4ᵏ (k!)² (2k + 1)) S^{2k}, cut where the remainder is below 1e-17 (at most 13
/// products); None when the norm bound exceeds 0.2 (use an eigendecomposition then).
pub fn arcsin_hermitian_series<const D: usize>(
    s: &SMatrix<Complex64, D, D>,
) -> Option<SMatrix<Complex64, D, D>> {
    // The largest column sum of |re| + |im| bounds the spectral norm (Hermitian: 1-norm = ∞-norm).
    let norm = (0..D)
        .map(|c| {
            (0..D)
                .map(|r| s[(r, c)].re.abs() + s[(r, c)].im.abs())
                .sum::<f64>()
        })
        .fold(0.0, f64::max);
    if norm > 0.2 {
        return None;
    }
    // Coefficients a_k and the number of terms: the remainder after term m is below
    // a_{m+1} ν^{2m+3}/(1 − ν²) ≤ 1.05 a_{m+1} ν^{2m+3}.
    let mut coef = [0.0f64; 24];
    coef[0] = 1.0;
    let mut terms = 1;
    let mut power = norm; // ν^{2k+1} for the current k
    let mut ratio = 1.0; // (2k)!/(4ᵏ (k!)²)
    while terms < coef.len() {
        let k = terms as f64;
        ratio *= (2.0 * k - 1.0) / (2.0 * k);
        power *= norm * norm;
        let a = ratio / (2.0 * k + 1.0);
        if a * power * 1.05 <= 1e-17 {
            break;
        }
        coef[terms] = a;
        terms += 1;
    }
    let t = super::product::mul(s, s);
    let identity = SMatrix::<Complex64, D, D>::identity();
    let mut acc = identity * Complex64::new(coef[terms - 1], 0.0);
    for k in (0..terms - 1).rev() {
        acc = identity * Complex64::new(coef[k], 0.0) + super::product::mul(&t, &acc);
    }
    Some(super::product::mul(s, &acc))
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
    fn arcsin_series_matches_the_eigendecomposition() {
        let mut state = 11u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 11) as f64 / (1u64 << 53) as f64) - 0.5
        };
        for scale in [0.0, 1e-9, 1e-4, 0.003, 0.01, 0.03, 0.06] {
            for _ in 0..5 {
                let m = SMatrix::<Complex64, 6, 6>::from_fn(|_, _| Complex64::new(next(), next()));
                let s = (m + m.adjoint()) * Complex64::new(0.5 * scale, 0.0);
                let got = arcsin_hermitian_series(&s).expect("small");
                let e = super::super::eigen::hermitian_eigen(&s);
                let want = SMatrix::<Complex64, 6, 6>::from_fn(|i, j| {
                    (0..6)
                        .map(|k| e.vectors[(i, k)] * e.vectors[(j, k)].conj() * e.values[k].asin())
                        .sum()
                });
                assert!(
                    (got - want).norm() < 1e-15,
                    "scale {scale}: {:e}",
                    (got - want).norm()
                );
            }
        }
        let big = SMatrix::<Complex64, 4, 4>::identity() * Complex64::new(0.3, 0.0);
        assert!(arcsin_hermitian_series(&big).is_none());
        // A diagonal case against f64::asin directly, near the 0.2 limit.
        let d = SMatrix::<Complex64, 4, 4>::from_diagonal(&nalgebra::Vector4::new(
            Complex64::new(0.2, 0.0),
            Complex64::new(-0.13, 0.0),
            Complex64::new(1e-3, 0.0),
            Complex64::new(0.0, 0.0),
        ));
        let got = arcsin_hermitian_series(&d).expect("small");
        for (i, x) in [0.2f64, -0.13, 1e-3, 0.0].iter().enumerate() {
            assert!((got[(i, i)].re - x.asin()).abs() < 1e-16, "{i}");
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
