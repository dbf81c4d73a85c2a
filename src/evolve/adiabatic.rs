//! One step of the adiabatic-frame Magnus integrator (integrators.md §3.4–§3.9): phases by
//! quintic Hermite, Ω₁ by Filon quadrature against the phase, Ω₂, the higher-order
//! correction R, assembly S_step = W₁ e^{−iΦ(x₁)} exp(Ω) W₀†, and the error indicator.

use num_complex::Complex64;

use super::divdiff::{filon_moments, ExpTables};
use super::frame::Node;
use super::omega2::{fast_omega2, higher_order, slow_omega2, SLOW_PHASE_RAD};
use crate::hamiltonian::CMat;
use crate::linalg::exp_minus_i_h_t;

type C = Complex64;

/// Ω₂ triples whose contribution to |Ω| is provably ≤ PRUNE × tol are skipped
/// ([`fast_omega2`]'s bound): a step has at most D³ = 216 triples, so all pruned terms together
/// stay ≤ 2.2e-3 × tol per step, far below the error the step is allowed.
const PRUNE: f64 = 1e-5;

/// Largest |Ω_ab| of an accepted step (integrators.md §3.8).
const MAX_OMEGA: f64 = 0.5;

/// Why a step must be retried with half the length (a structural rejection).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Structural {
    /// A coupled pair's levels cross (or the phase is not monotonic) inside the step.
    Crossing,
    /// |Ω| too large for the expansion (or for log U₀).
    OmegaTooLarge,
}

/// An attempted step: the propagator and the error estimate to compare with `rtol`.
#[derive(Debug, Clone, Copy)]
pub struct Attempt<const D: usize> {
    pub s_step: CMat<D>,
    pub err: f64,
}

/// Quintic-Hermite phases Φ(x_m), Φ(x₁) and the cubic Φ(x₁) for the indicator (§3.4).
fn phases<const D: usize>(n: [&Node<D>; 3], h: f64) -> ([f64; D], [f64; D], f64) {
    let hh = 0.5 * h;
    let mut mid = [0.0; D];
    let mut end = [0.0; D];
    let mut diff = [0.0; D];
    for a in 0..D {
        let [f0, fm, f1] = [n[0].lambda[a], n[1].lambda[a], n[2].lambda[a]];
        let [d0, dm, d1] = [
            hh * n[0].lambda_slope(a),
            hh * n[1].lambda_slope(a),
            hh * n[2].lambda_slope(a),
        ];
        end[a] = hh * (7.0 / 15.0 * (f0 + f1) + 16.0 / 15.0 * fm + (d0 - d1) / 15.0);
        mid[a] = hh
            * (101.0 / 240.0 * f0 + 8.0 / 15.0 * fm + 11.0 / 240.0 * f1 + 13.0 / 240.0 * d0
                - dm / 6.0
                - d1 / 80.0);
        let cubic = hh * ((f0 + f1) + (d0 - d1) / 3.0);
        diff[a] = end[a] - cubic;
    }
    // Only relative phases matter.
    let mean = diff.iter().sum::<f64>() / D as f64;
    let err = diff.iter().map(|d| (d - mean).abs()).fold(0.0, f64::max);
    (mid, end, err)
}

/// ∫ k_ab e^{iu} dx over the step by Filon quadrature in u (§3.5), and the same with g
/// linear (the indicator). `k`, `gap` (λ_a − λ_b) and `u` at x₀, x_m, x₁.
fn filon_pair(k: [C; 3], gap: [f64; 3], u: [f64; 3], h: f64) -> Result<(C, C), Structural> {
    let d = 0.5 * u[2];
    if d.abs() < 1e-6 {
        // Essentially no phase: Simpson in x, trapezoid as the lower-order partner.
        let kk: [C; 3] = std::array::from_fn(|j| k[j] * C::new(0.0, u[j]).exp());
        return Ok((
            (kk[0] + kk[1] * 4.0 + kk[2]) * (h / 6.0),
            (kk[0] + kk[2]) * (h / 2.0),
        ));
    }
    let uc = d;
    let v = [-d, u[1] - uc, d];
    if (v[1] - v[0]) * (v[2] - v[1]) <= 0.0 {
        return Err(Structural::Crossing);
    }
    let g: [C; 3] = std::array::from_fn(|j| k[j] / gap[j]);
    // Newton form through (v_j, g_j), expanded to c₀ + c₁v + c₂v².
    let c01 = (g[1] - g[0]) / (v[1] - v[0]);
    let c12 = (g[2] - g[1]) / (v[2] - v[1]);
    let c012 = (c12 - c01) / (v[2] - v[0]);
    let c2 = c012;
    let c1 = c01 - c012 * (v[0] + v[1]);
    let c0 = g[0] - c01 * v[0] + c012 * (v[0] * v[1]);
    let m = filon_moments(d);
    let e = C::new(0.0, uc).exp();
    let quad = e * (c0 * m[0] + c1 * m[1] + c2 * m[2]);
    let lin = e * ((g[0] + g[2]) * 0.5 * m[0] + (g[2] - g[0]) / (2.0 * d) * m[1]);
    Ok((quad, lin))
}

/// One adiabatic-frame step over the nodes x₀, x_m, x₁ (matched and gauged to x₀).
///
/// `tol` is the step's tolerance: Ω₂ triples whose contribution is bounded by `PRUNE × tol`
/// are skipped (see [`fast_omega2`]).
pub fn adiabatic_step<const D: usize>(
    n: [&Node<D>; 3],
    tol: f64,
) -> Result<Attempt<D>, Structural> {
    let h = n[2].x_km - n[0].x_km;
    let (phi_m, phi_1, phase_err) = phases(n, h);
    let u_node = |j: usize, a: usize, b: usize| match j {
        0 => 0.0,
        1 => phi_m[a] - phi_m[b],
        _ => phi_1[a] - phi_1[b],
    };
    let block = n[0].block;
    let mut omega1 = CMat::<D>::zeros();
    let mut filon_err: f64 = 0.0;
    for a in 0..D {
        omega1[(a, a)] =
            C::new(0.0, -h / 6.0) * (n[0].k[(a, a)] + n[1].k[(a, a)] * 4.0 + n[2].k[(a, a)]);
        for b in (a + 1)..D {
            if block[a] != block[b] {
                continue;
            }
            // A pair without coupling in this step (e.g. two blocks that are coupled only
            // through a quantity that vanishes here, exactly degenerate in vacuum) cannot
            // cross: its levels may touch or coincide.
            let k: [C; 3] = std::array::from_fn(|j| n[j].k[(a, b)]);
            if k.iter().all(|z| *z == C::new(0.0, 0.0)) {
                continue;
            }
            let gap: [f64; 3] = std::array::from_fn(|j| n[j].lambda[a] - n[j].lambda[b]);
            if gap[0] * gap[1] <= 0.0 || gap[0] * gap[2] <= 0.0 {
                return Err(Structural::Crossing);
            }
            let u: [f64; 3] = std::array::from_fn(|j| u_node(j, a, b));
            let (quad, lin) = filon_pair(k, gap, u, h)?;
            filon_err = filon_err.max((quad - lin).norm());
            omega1[(a, b)] = quad * C::new(0.0, -1.0);
            omega1[(b, a)] = -omega1[(a, b)].conj();
        }
    }
    let u1: [[f64; D]; D] = std::array::from_fn(|a| std::array::from_fn(|b| phi_1[a] - phi_1[b]));
    let slow: [[bool; D]; D] =
        std::array::from_fn(|a| std::array::from_fn(|b| u1[a][b].abs() <= SLOW_PHASE_RAD));

    // Slow triples: Magnus-6 on K at the nodes, slow entries only.
    let k_slow: [CMat<D>; 3] = std::array::from_fn(|j| {
        CMat::<D>::from_fn(|a, b| {
            if slow[a][b] {
                n[j].k[(a, b)] * C::new(0.0, u_node(j, a, b)).exp()
            } else {
                C::new(0.0, 0.0)
            }
        })
    });
    let (omega2_slow, slow_err) = slow_omega2(&k_slow, h);
    // Fast triples: closed form with p = k(x_m), q = (k(x₁) − k(x₀))/h, w h = Φ(x₁).
    let p = n[1].k;
    let q = (n[2].k - n[0].k) * C::new(1.0 / h, 0.0);
    let tables = ExpTables::new(&phi_1);
    let prune = PRUNE * tol;
    let [omega2_fast, omega2_kappa] = fast_omega2(&p, &q, &tables, &slow, h, prune);
    let kappa = CMat::<D>::from_fn(|a, b| {
        if slow[a][b] {
            C::new(0.0, 0.0)
        } else {
            p[(a, b)]
        }
    });
    let r =
        higher_order(&kappa, &phi_1, &tables, h, &omega2_kappa).ok_or(Structural::OmegaTooLarge)?;

    let mut omega = omega1 + omega2_slow + omega2_fast + r;
    omega = (omega - omega.adjoint()) * C::new(0.5, 0.0);
    if omega
        .iter()
        .any(|z| z.norm() > MAX_OMEGA || z.norm().is_nan())
    {
        return Err(Structural::OmegaTooLarge);
    }
    // Chirp: the linear-phase model of Ω₂ misses the phase's curvature (§3.9).
    let max_omega1 = omega1.iter().map(|z| z.norm()).fold(0.0, f64::max);
    let mut chirp: f64 = 0.0;
    for a in 0..D {
        for b in 0..D {
            if a != b {
                let c = (u_node(1, a, b) - 0.5 * u1[a][b]).abs().min(1.0);
                chirp = chirp.max(omega1[(a, b)].norm() * c);
            }
        }
    }
    let err = phase_err
        .max(filon_err)
        .max(slow_err)
        .max(max_omega1 * chirp);

    // S_step = W₁ e^{−iΦ(x₁)} exp(Ω) W₀†, exp(Ω) = exp(−i (iΩ)) with iΩ Hermitian.
    let u = exp_minus_i_h_t(&(omega * C::i()), 1.0);
    let mut w1 = n[2].w;
    for a in 0..D {
        let e = C::from_polar(1.0, -phi_1[a]);
        for r in 0..D {
            w1[(r, a)] *= e;
        }
    }
    Ok(Attempt {
        s_step: w1 * u * n[0].w.adjoint(),
        err,
    })
}
