//! Quadrature rules shared by the start-point averages: Gauss–Legendre nodes, and a
//! truncated Gaussian distribution sampled on them (the solar ⁸B production average and
//! `[arrival] production`).

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
