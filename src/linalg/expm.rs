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
