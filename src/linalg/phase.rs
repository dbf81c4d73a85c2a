//! e^{−iφ} for the layer propagator's phases, without a libm call: on a long chord (hundreds
//! of shells) the phases were a fifth of a whole run in `sincos`.
//!
//! φ = n·π/64 + r with |r| ≤ π/128 (Cody–Waite: π/64 split into a 29-bit head, so n·head is
//! exact for |n| < 2²⁴, and a tail); sin and cos of n·π/64 come from a table built once from
//! the first quadrant (exact quarter-turn symmetries for the rest), and of r from Taylor
//! series to r⁷ and r⁸, whose truncation error (< 1e-20) is far below an ulp. Absolute error
//! ≤ 4e-16 for |φ| < 5e5 rad (tested against `f64::sin_cos`); larger or non-finite arguments
//! go to `f64::sin_cos`.

use std::sync::OnceLock;

use num_complex::Complex64;

/// π/64 to 29 bits.
const PI64_HEAD: f64 = 0.049_087_385_181_337_595;
/// π/64 − PI64_HEAD.
const PI64_TAIL: f64 = 3.100_292_436_501_689e-11;
/// 64/π.
const INV_PI64: f64 = 20.371_832_715_762_604;
/// |n| < 2²⁴ keeps n·PI64_HEAD exact.
const REDUCE_MAX: f64 = 5e5;
/// 1.5 · 2⁵²: adding and subtracting it rounds to the nearest integer (ties to even).
const ROUNDER: f64 = 6_755_399_441_055_744.0;

/// (sin, cos) of k·π/64, k = 0..128.
fn table() -> &'static [(f64, f64); 128] {
    static TABLE: OnceLock<[(f64, f64); 128]> = OnceLock::new();
    TABLE.get_or_init(|| {
        std::array::from_fn(|k| {
            // Only arguments below π/2 are rounded; whole quarter turns are exact.
            let (s, c) = ((k % 32) as f64 * std::f64::consts::PI / 64.0).sin_cos();
            match k / 32 {
                0 => (s, c),
                1 => (c, -s),
                2 => (-s, -c),
                _ => (-c, s),
            }
        })
    })
}

/// (sin φ, cos φ).
#[inline]
pub fn sin_cos(phi: f64) -> (f64, f64) {
    // NaN fails the comparison and goes to libm too.
    if phi.abs().partial_cmp(&REDUCE_MAX) != Some(std::cmp::Ordering::Less) {
        return phi.sin_cos();
    }
    let n = (phi * INV_PI64 + ROUNDER) - ROUNDER;
    let r = (phi - n * PI64_HEAD) - n * PI64_TAIL;
    let z = r * r;
    // sin r and cos r − 1 on |r| ≤ π/128.
    let sin_r = r + r * z * (-1.0 / 6.0 + z * (1.0 / 120.0 + z * (-1.0 / 5040.0)));
    let cos_r_m1 = z * (-0.5 + z * (1.0 / 24.0 + z * (-1.0 / 720.0 + z * (1.0 / 40_320.0))));
    let (s, c) = table()[(n as i64 & 127) as usize];
    (
        s + (s * cos_r_m1 + c * sin_r),
        c + (c * cos_r_m1 - s * sin_r),
    )
}

/// e^{−iφ}.
#[inline]
pub fn cis_minus(phi: f64) -> Complex64 {
    let (s, c) = sin_cos(phi);
    Complex64::new(c, -s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_libm() {
        let mut state = 12345u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        for scale in [1e-8, 1e-3, 0.03, 0.7, 1.0, 3.0, 100.0, 1e4, 4.9e5] {
            let mut worst: f64 = 0.0;
            for _ in 0..20_000 {
                let x = (2.0 * next() - 1.0) * scale;
                let (s, c) = sin_cos(x);
                let (s0, c0) = x.sin_cos();
                worst = worst.max((s - s0).abs()).max((c - c0).abs());
            }
            assert!(worst <= 4e-16, "|x| <= {scale}: {worst:e}");
        }
        // On and around the table's nodes and the quadrant edges.
        for k in -300..=300 {
            for d in [-1e-12, 0.0, 1e-12] {
                let x = k as f64 * std::f64::consts::PI / 64.0 + d;
                let ((s, c), (s0, c0)) = (sin_cos(x), x.sin_cos());
                assert!((s - s0).abs() <= 4e-16 && (c - c0).abs() <= 4e-16, "{x}");
            }
        }
        for x in [0.0, 1e6, -3e9, f64::INFINITY, f64::NAN] {
            let ((s, c), (s0, c0)) = (sin_cos(x), x.sin_cos());
            assert!(s == s0 || (s.is_nan() && s0.is_nan()), "{x}");
            assert!(c == c0 || (c.is_nan() && c0.is_nan()), "{x}");
        }
    }
}
