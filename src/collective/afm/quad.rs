//! The quadrature and fit helpers of the adiabatic-frame step: four-point Gauss–Legendre
//! panels with running integrals (also at the panel's own nodes), and the fit of the frame
//! image of S over a step as slow(r) + e^{iΦ(r)} slow(r) across n plus a polynomial along n.

use std::ops::{Add, Mul};

use nalgebra::{DMatrix, DVector, Vector3};

pub(crate) type V3 = Vector3<f64>;

/// Gauss–Legendre nodes on [0, 1].
pub(crate) const GL_X: [f64; 4] = [
    0.069_431_844_202_973_71,
    0.330_009_478_207_571_9,
    0.669_990_521_792_428_1,
    0.930_568_155_797_026_3,
];
/// Gauss–Legendre weights on [0, 1].
const GL_W: [f64; 4] = [
    0.173_927_422_568_726_9,
    0.326_072_577_431_273_1,
    0.326_072_577_431_273_1,
    0.173_927_422_568_726_9,
];

/// `INT[j][k]` = ∫₀^{x_j} ℓ_k(x) dx for the Lagrange basis ℓ_k of the four nodes on [0, 1]:
/// the running integral inside a panel from the samples at its nodes (order 4 per panel).
pub(crate) fn inner_weights() -> [[f64; 4]; 4] {
    let v = nalgebra::Matrix4::from_fn(|i, m| GL_X[i].powi(m as i32));
    // Columns of the inverse: the basis polynomials' monomial coefficients.
    let c = v.try_inverse().expect("distinct Gauss nodes");
    let mut out = [[0.0; 4]; 4];
    for (j, row) in out.iter_mut().enumerate() {
        for (k, w) in row.iter_mut().enumerate() {
            *w = (0..4)
                .map(|m| c[(m, k)] * GL_X[j].powi(m as i32 + 1) / (m as f64 + 1.0))
                .sum();
        }
    }
    out
}

/// Running integrals of samples `x` (four per panel of width `dt`) from 0: `ends[p]` at the
/// start of panel p (`ends` has one more entry, the total), `inner` (when given) at every node.
pub(crate) fn cumulate<T>(
    x: &[T],
    dt: f64,
    int: &[[f64; 4]; 4],
    ends: &mut [T],
    mut inner: Option<&mut [T]>,
    zero: T,
) where
    T: Copy + Add<Output = T> + Mul<f64, Output = T>,
{
    ends[0] = zero;
    for (p, panel) in x.chunks_exact(4).enumerate() {
        if let Some(inner) = inner.as_deref_mut() {
            for j in 0..4 {
                let s = (0..4).fold(zero, |a, k| a + panel[k] * int[j][k]);
                inner[4 * p + j] = ends[p] + s * dt;
            }
        }
        let s = (0..4).fold(zero, |a, k| a + panel[k] * GL_W[k]);
        ends[p + 1] = ends[p] + s * dt;
    }
}

/// Chebyshev polynomials T_0..T_{n-1} at x.
fn chebyshev(x: f64, out: &mut [f64]) {
    out[0] = 1.0;
    if out.len() > 1 {
        out[1] = x;
    }
    for j in 2..out.len() {
        out[j] = 2.0 * x * out[j - 1] - out[j - 2];
    }
}

/// Nodes of the fit per step (Chebyshev points moved to panel ends).
pub(crate) const FIT_NODES: usize = 13;
/// Components fitted at once.
pub(crate) const FIT_COMPONENTS: usize = 9;

/// The polynomial (degree `FIT_NODES` − 1, Chebyshev basis) through samples of several
/// components at the fit nodes: only for the slow parts of S (the fast part is built on the
/// fine grid from the common integrals, never interpolated).
pub(crate) struct PolyFit {
    coef: [[f64; FIT_COMPONENTS]; FIT_NODES],
}

impl PolyFit {
    /// Interpolates samples `y` at the scaled nodes `x` ∈ [−1, 1] (None: repeated nodes).
    pub(crate) fn new(
        x: &[f64; FIT_NODES],
        y: &[[f64; FIT_COMPONENTS]; FIT_NODES],
    ) -> Option<Self> {
        let mut t = [0.0; FIT_NODES];
        let mut v = DMatrix::<f64>::zeros(FIT_NODES, FIT_NODES);
        for k in 0..FIT_NODES {
            chebyshev(x[k], &mut t);
            for j in 0..FIT_NODES {
                v[(k, j)] = t[j];
            }
        }
        let lu = v.lu();
        let mut coef = [[0.0; FIT_COMPONENTS]; FIT_NODES];
        for c in 0..FIT_COMPONENTS {
            let rhs = DVector::<f64>::from_fn(FIT_NODES, |k, _| y[k][c]);
            let sol = lu.solve(&rhs)?;
            for j in 0..FIT_NODES {
                coef[j][c] = sol[j];
            }
        }
        Some(PolyFit { coef })
    }

    /// The fitted components at scaled position x.
    pub(crate) fn at(&self, x: f64) -> [f64; FIT_COMPONENTS] {
        let mut t = [0.0; FIT_NODES];
        chebyshev(x, &mut t);
        let mut out = [0.0; FIT_COMPONENTS];
        for (j, row) in self.coef.iter().enumerate() {
            for c in 0..FIT_COMPONENTS {
                out[c] += row[c] * t[j];
            }
        }
        out
    }
}

#[cfg(test)]
#[allow(clippy::needless_range_loop)]
mod tests {
    use super::*;

    #[test]
    fn running_integrals_are_exact_for_cubics() {
        let int = inner_weights();
        let panels = 3;
        let dt = 0.25;
        let f = |t: f64| 1.0 - 2.0 * t + 3.0 * t * t * t;
        let anti = |t: f64| t - t * t + 0.75 * t.powi(4);
        let x: Vec<f64> = (0..panels)
            .flat_map(|p| GL_X.iter().map(move |g| f((p as f64 + g) * dt)))
            .collect();
        let mut ends = vec![0.0; panels + 1];
        let mut inner = vec![0.0; 4 * panels];
        cumulate(&x, dt, &int, &mut ends, Some(&mut inner), 0.0);
        for p in 0..=panels {
            assert!((ends[p] - anti(p as f64 * dt)).abs() < 1e-14);
        }
        for p in 0..panels {
            for j in 0..4 {
                let t = (p as f64 + GL_X[j]) * dt;
                assert!((inner[4 * p + j] - anti(t)).abs() < 1e-14, "{p} {j}");
            }
        }
    }

    #[test]
    fn the_fit_reproduces_polynomials() {
        let x: [f64; FIT_NODES] =
            std::array::from_fn(|k| -(std::f64::consts::PI * k as f64 / 12.0).cos());
        let f = |x: f64, c: usize| (c as f64 + 1.0) * x.powi(12) - x.powi(c as i32) + 0.5;
        let y: [[f64; FIT_COMPONENTS]; FIT_NODES] =
            std::array::from_fn(|k| std::array::from_fn(|c| f(x[k], c)));
        let fit = PolyFit::new(&x, &y).unwrap();
        for z in [-0.9, -0.3, 0.1, 0.77] {
            let got = fit.at(z);
            for c in 0..FIT_COMPONENTS {
                assert!((got[c] - f(z, c)).abs() < 1e-12);
            }
        }
    }
}
