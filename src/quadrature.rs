//! Quadrature rules shared by the start-point averages: Gauss–Legendre nodes, and a
//! truncated Gaussian distribution sampled on them (the solar ⁸B production average and
//! `[arrival] production`); and the trapezoid weights of tabulated nodes (production
//! tables, recoil grids, flux folds).

/// Start points and weights (summing to 1) for a Gaussian of `mean_km`, `sigma_km` (any one
/// length unit for all four positions; the Sun uses R_sun) truncated
/// to [a, b]: the `n` Gauss–Legendre nodes of [a, b], each weighted by the Gaussian, so a
/// smooth P(x₀) is averaged to high order.
pub fn gaussian_nodes(mean_km: f64, sigma_km: f64, a: f64, b: f64, n: usize) -> Vec<(f64, f64)> {
    let nodes: Vec<(f64, f64)> = gauss_legendre(n)
        .into_iter()
        .map(|(t, w)| {
            let x = 0.5 * (a + b) + 0.5 * (b - a) * t;
            (x, w * (-0.5 * ((x - mean_km) / sigma_km).powi(2)).exp())
        })
        .collect();
    let total: f64 = nodes.iter().map(|(_, w)| w).sum();
    nodes.into_iter().map(|(x, w)| (x, w / total)).collect()
}

/// The `n`-point Gauss rule of a discrete measure (points `x`, weights `w` ≥ 0, any
/// normalisation): nodes and weights (summing to 1) that integrate every polynomial of
/// degree < 2n exactly against Σ_i w_i δ(x − x_i), ascending. A tabulated distribution (the
/// solar production zones) is such a measure, so a smooth function is averaged over it to
/// spectral accuracy with a few dozen nodes. Stieltjes' procedure builds the recurrence of
/// the orthonormal polynomials, whose Jacobi matrix's eigenvalues are the nodes
/// (Golub–Welsch); `n` is capped at the number of points with positive weight.
pub fn gauss_rule_of_measure(x: &[f64], w: &[f64], n: usize) -> Vec<(f64, f64)> {
    let total: f64 = w.iter().sum();
    let n = n.min(w.iter().filter(|&&v| v > 0.0).count());
    if n == 0 || total <= 0.0 {
        return Vec::new();
    }
    // Centre and scale x for a well-conditioned recurrence.
    let (lo, hi) = x
        .iter()
        .zip(w)
        .filter(|(_, &w)| w > 0.0)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (&x, _)| {
            (lo.min(x), hi.max(x))
        });
    let (mid, half) = (0.5 * (lo + hi), (0.5 * (hi - lo)).max(f64::MIN_POSITIVE));
    let t: Vec<f64> = x.iter().map(|x| (x - mid) / half).collect();
    let w: Vec<f64> = w.iter().map(|w| w / total).collect();
    let (mut a, mut b) = (vec![0.0; n], vec![0.0; n]);
    let mut p_prev = vec![0.0; t.len()];
    let mut p = vec![1.0; t.len()];
    for k in 0..n {
        a[k] = t
            .iter()
            .zip(&w)
            .zip(&p)
            .map(|((t, w), p)| w * t * p * p)
            .sum();
        if k + 1 == n {
            break;
        }
        let mut next: Vec<f64> = (0..t.len())
            .map(|i| (t[i] - a[k]) * p[i] - b[k] * p_prev[i])
            .collect();
        let norm = next
            .iter()
            .zip(&w)
            .map(|(q, w)| w * q * q)
            .sum::<f64>()
            .sqrt();
        next.iter_mut().for_each(|q| *q /= norm);
        b[k + 1] = norm;
        p_prev = std::mem::replace(&mut p, next);
    }
    let jacobi = nalgebra::DMatrix::from_fn(n, n, |i, j| match i.abs_diff(j) {
        0 => a[i],
        1 => b[i.max(j)],
        _ => 0.0,
    });
    let eig = nalgebra::SymmetricEigen::new(jacobi);
    let mut out: Vec<(f64, f64)> = (0..n)
        .map(|k| {
            let v0 = eig.eigenvectors[(0, k)];
            (mid + half * eig.eigenvalues[k], v0 * v0)
        })
        .collect();
    out.sort_by(|p, q| p.0.total_cmp(&q.0));
    let sum: f64 = out.iter().map(|(_, w)| w).sum();
    out.iter_mut().for_each(|(_, w)| *w /= sum);
    out
}

/// Gauss–Legendre nodes and weights on [−1, 1], ascending (Newton iteration on P_n).
pub fn gauss_legendre(n: usize) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let mut t = (std::f64::consts::PI * (i as f64 + 0.75) / (n as f64 + 0.5)).cos();
        let mut dp = 1.0;
        for _ in 0..100 {
            let (mut p0, mut p1) = (1.0, t);
            for k in 2..=n {
                let k = k as f64;
                (p0, p1) = (p1, ((2.0 * k - 1.0) * t * p1 - (k - 1.0) * p0) / k);
            }
            dp = n as f64 * (t * p1 - p0) / (t * t - 1.0);
            let step = p1 / dp;
            t -= step;
            if step.abs() < 1e-15 {
                break;
            }
        }
        out.push((t, 2.0 / ((1.0 - t * t) * dp * dp)));
    }
    out.reverse();
    out
}

/// Trapezoid weights of the points `x` (increasing; a single point gets weight 0).
pub fn trapezoid_weights(x: &[f64]) -> Vec<f64> {
    let n = x.len();
    (0..n)
        .map(|i| {
            let left = if i > 0 { x[i] - x[i - 1] } else { 0.0 };
            let right = if i + 1 < n { x[i + 1] - x[i] } else { 0.0 };
            0.5 * (left + right)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauss_legendre_is_exact_for_polynomials() {
        let nodes = gauss_legendre(5);
        let integral = |k: i32| nodes.iter().map(|(t, w)| w * t.powi(k)).sum::<f64>();
        assert!((integral(0) - 2.0).abs() < 1e-14);
        assert!((integral(8) - 2.0 / 9.0).abs() < 1e-14);
        assert!(integral(7).abs() < 1e-14);
    }

    #[test]
    fn measure_rule_is_exact_for_polynomials_and_reduces_to_legendre() {
        // A lumpy discrete measure: exact moments up to degree 2n − 1.
        let x: Vec<f64> = (0..400).map(|i| 0.37 + 0.01 * i as f64).collect();
        let w: Vec<f64> = x
            .iter()
            .map(|x| x * x * (-(x - 1.5f64).powi(2)).exp())
            .collect();
        let total: f64 = w.iter().sum();
        let rule = gauss_rule_of_measure(&x, &w, 8);
        assert_eq!(rule.len(), 8);
        for k in 0..16 {
            let exact: f64 = x.iter().zip(&w).map(|(x, w)| w * x.powi(k)).sum::<f64>() / total;
            let q: f64 = rule.iter().map(|(x, w)| w * x.powi(k)).sum();
            assert!(
                (q / exact - 1.0).abs() < 1e-11,
                "degree {k}: {q} vs {exact}"
            );
        }
        // Uniform weights on a fine grid of [-1, 1] approach Gauss–Legendre.
        let x: Vec<f64> = (0..=20000).map(|i| -1.0 + 1e-4 * i as f64).collect();
        let w: Vec<f64> = (0..x.len())
            .map(|i| if i == 0 || i == x.len() - 1 { 0.5 } else { 1.0 })
            .collect();
        for ((xm, _), (xl, _)) in gauss_rule_of_measure(&x, &w, 5)
            .iter()
            .zip(gauss_legendre(5))
        {
            // The trapezoid measure differs from dx by O(h²) = 1e-8.
            assert!((xm - xl).abs() < 1e-7, "{xm} {xl}");
        }
        assert!(gauss_rule_of_measure(&[1.0, 2.0], &[0.0, 1.0], 4) == vec![(2.0, 1.0)]);
    }

    #[test]
    fn nodes_integrate_the_gaussian_moments() {
        // ±5σ: mean and variance of the normal distribution (the cut removes 6e-7 of it,
        // and 1.5e-5 of the variance), to the accuracy the rule's order allows.
        for (n, tol) in [(12, 1e-3), (24, 3e-5)] {
            let nodes = gaussian_nodes(100.0, 10.0, 50.0, 150.0, n);
            let sum: f64 = nodes.iter().map(|(_, w)| w).sum();
            let mean: f64 = nodes.iter().map(|(x, w)| w * x).sum();
            let var: f64 = nodes.iter().map(|(x, w)| w * (x - 100.0).powi(2)).sum();
            assert!((sum - 1.0).abs() < 1e-14);
            assert!((mean - 100.0).abs() < 1e-9);
            assert!((var / 100.0 - 1.0).abs() < tol, "{n}: {var}");
            assert!(nodes.windows(2).all(|w| w[0].0 < w[1].0));
        }
        assert_eq!(gaussian_nodes(0.0, 1.0, -1.0, 1.0, 1), vec![(0.0, 1.0)]);
    }
}
