//! The second-order Magnus term of the adiabatic step (docs/integrators.md, "The step in formulas")
//! and the constant-coupling model behind the higher-order correction R (same section).
//!
//! Ω₂ = −½ ∫∫_{t₂<t₁} [K(t₁), K(t₂)]. Triples (a, b, c) whose pairs (a, b) and (b, c) both
//! advance ≤ 1.5 rad in the step use the classical Magnus-6 commutators of K at the three
//! Gauss points (k interpolated through the nodes, the phase factor exact); every other
//! triple uses the closed form for
//! K_ab(t) = (p_ab + q_ab (t − h/2)) e^{i w_ab t}, through the divided differences of exp
//! shared by all triples ([`ExpTables`]).

use num_complex::Complex64;

use super::divdiff::ExpTables;
use crate::hamiltonian::CMat;
use crate::linalg::{
    arcsin_hermitian_series, commutator, exp_minus_i_h_t, hermitian_eigen, mul_adjoint,
};

type C = Complex64;

/// A pair advancing at most this much phase in a step is "slow" (docs/integrators.md, "The step in
/// formulas").
pub const SLOW_PHASE_RAD: f64 = 1.5;

/// Slow part of Ω beyond first order, from K at the three Gauss–Legendre points of the step
/// (slow entries only; the rest zero), and its error indicator |Ω⁽⁶⁾ − Ω⁽⁴⁾|.
///
/// With A = −iK at the Gauss points A₁, A₂, A₃: a₁ = hA₂, a₂ = (√15h/3)(A₃ − A₁),
/// a₃ = (10h/3)(A₃ − 2A₂ + A₁), the combinations of Magnus-6 (see [`super::flavour`]). Its
/// second-order part is [a₂, a₁]/12 + [a₂, a₃]/240; the third-order commutators are kept too,
/// since slow couplings can be strong (|k|h ≈ 0.5) where the medium changes fast.
///
/// The caller samples K_ab = k_ab e^{iu_ab} at the Gauss points with the phase u evaluated
/// exactly there: a slow pair still advances up to 1.5 rad in the step, and a quadratic
/// through K at x₀, x_m, x₁ misrepresents e^{iu} by several per cent at that phase — an error
/// of the interpolant that Ω⁽⁶⁾ − Ω⁽⁴⁾ cannot see (it was 0.3 of the tolerance per step,
/// coherent over the ~30 steps across the supernova's H resonance: 6e-6 in P).
pub fn slow_omega2<const D: usize>(k: &[CMat<D>; 3], h: f64) -> (CMat<D>, f64) {
    // Diagonal matrices commute: without a slow coupling every commutator is exactly zero.
    let coupled = k
        .iter()
        .any(|m| (0..D).any(|a| (0..D).any(|b| a != b && m[(a, b)] != C::new(0.0, 0.0))));
    if !coupled {
        return (CMat::<D>::zeros(), 0.0);
    }
    let mi = C::new(0.0, -1.0);
    let a1 = k[1] * (mi * h);
    let a2 = (k[2] - k[0]) * (mi * (15f64.sqrt() * h / 3.0));
    let a3 = (k[2] - k[1] * C::new(2.0, 0.0) + k[0]) * (mi * (10.0 * h / 3.0));
    let c1 = commutator(&a1, &a2);
    let fourth = c1 * C::new(-1.0 / 12.0, 0.0);
    let c2 = commutator(&a1, &(a3 * C::new(2.0, 0.0) + c1)) * C::new(-1.0 / 60.0, 0.0);
    let sixth =
        commutator(&(c1 - a1 * C::new(20.0, 0.0) - a3), &(a2 + c2)) * C::new(1.0 / 240.0, 0.0);
    let err = (sixth - fourth)
        .iter()
        .map(|z| z.norm_sqr().sqrt())
        .fold(0.0, f64::max);
    (sixth, err)
}

/// Closed-form Ω₂ of the linear-coupling model over triples that involve a fast pair (or all
/// triples when `slow` is all false), and in the same pass the Ω₂⁽⁰⁾ of the constant-coupling
/// model of [`higher_order`] (p on fast pairs only, q = 0, triples of two fast pairs), which
/// shares the divided differences. `tables` holds the divided differences of exp at the
/// step's phases Φ(x₁) (so w_ab h = Φ_a − Φ_b); pairs with p = q = 0 are skipped.
///
/// Pruning: with A_ab = |p_ab| + |q_ab| h/2 ≥ max_t |K_ab(t)|, each of the two simplex
/// integrals of a triple is at most ½ A_ab A_bc, so the triple adds at most ½ h² A_ab A_bc to
/// |Ω₂,ac|; triples below `prune` (an absolute bound on |Ω| per triple) are skipped.
pub fn fast_omega2<const D: usize>(
    p: &CMat<D>,
    q: &CMat<D>,
    tables: &ExpTables<D>,
    slow: &[[bool; D]; D],
    h: f64,
    prune: f64,
) -> [CMat<D>; 2] {
    let zero = C::new(0.0, 0.0);
    let bound: [[f64; D]; D] = std::array::from_fn(|a| {
        std::array::from_fn(|b| {
            p[(a, b)].norm_sqr().sqrt() + q[(a, b)].norm_sqr().sqrt() * (0.5 * h)
        })
    });
    let nonzero: [[bool; D]; D] =
        std::array::from_fn(|a| std::array::from_fn(|b| p[(a, b)] != zero || q[(a, b)] != zero));
    let h2 = h * h;
    let wanted = |a: usize, b: usize, c: usize| {
        nonzero[a][b]
            && nonzero[b][c]
            && !(slow[a][b] && slow[b][c])
            && 0.5 * h2 * bound[a][b] * bound[b][c] > prune
    };
    let both_fast = |a: usize, b: usize, c: usize| {
        !slow[a][b] && !slow[b][c] && p[(a, b)] != zero && p[(b, c)] != zero
    };
    // Triple (a, b, c) for out_ac, with K_ab at the later time t₁ or at t₂ < t₁.
    let triple = |a: usize, b: usize, c: usize, m_later: &[C; 4], m_earlier: &[C; 4]| -> C {
        let (pab, qab, pbc, qbc) = (p[(a, b)], q[(a, b)], p[(b, c)], q[(b, c)]);
        let t1 = pab * pbc * m_later[0]
            + (qab * pbc * m_later[1] + pab * qbc * m_later[2]) * h
            + qab * qbc * m_later[3] * h2;
        let t2 = pab * pbc * m_earlier[0]
            + (qbc * pab * m_earlier[1] + pbc * qab * m_earlier[2]) * h
            + qab * qbc * m_earlier[3] * h2;
        (t1 - t2) * (-0.5 * h2)
    };
    let triple0 = |a: usize, b: usize, c: usize, m_later: &[C; 4], m_earlier: &[C; 4]| -> C {
        p[(a, b)] * p[(b, c)] * (m_later[0] - m_earlier[0]) * (-0.5 * h2)
    };
    let mut out = CMat::<D>::zeros();
    let mut out0 = CMat::<D>::zeros();
    // p and q are Hermitian, so K(t) is and both Ω₂ are anti-Hermitian: the upper triangle
    // (with the diagonal) is summed, the lower one mirrored. The bounds, the zero pattern
    // and `slow` are symmetric, so the pruning is too.
    for a in 0..D {
        for c in a..D {
            for b in 0..D {
                if !wanted(a, b, c) {
                    continue;
                }
                // simplex_moments(z_ab, z_bc) and, by conjugation,
                // simplex_moments(z_bc, z_ab) = conj(simplex_moments(z_cb, z_ba)).
                let m_abc = tables.simplex_moments(a, b, c);
                let m_cba = if c == a {
                    m_abc
                } else {
                    tables.simplex_moments(c, b, a)
                };
                let c_cba = m_cba.map(|z| z.conj());
                out[(a, c)] += triple(a, b, c, &m_abc, &c_cba);
                if both_fast(a, b, c) {
                    out0[(a, c)] += triple0(a, b, c, &m_abc, &c_cba);
                }
            }
        }
    }
    for a in 0..D {
        for c in (a + 1)..D {
            out[(c, a)] = -out[(a, c)].conj();
            out0[(c, a)] = -out0[(a, c)].conj();
        }
    }
    [out, out0]
}

/// The higher-order correction R = log U₀ − Ω₁⁽⁰⁾ − Ω₂⁽⁰⁾ of the constant-coupling model
/// K₀(t) = e^{iνt} κ e^{−iνt}, exactly solvable as U₀ = e^{iνh} exp(−i(ν + κ)h)
/// (docs/integrators.md, "The step in formulas"). `kappa` has only the fast entries; `phase` is
/// Φ(x₁). None when log U₀ is out of the arcsin branch's range (the step is too long).
/// `omega2` is Ω₂⁽⁰⁾, the second output of [`fast_omega2`].
pub fn higher_order<const D: usize>(
    kappa: &CMat<D>,
    phase: &[f64; D],
    tables: &ExpTables<D>,
    h: f64,
    omega2: &CMat<D>,
) -> Option<CMat<D>> {
    if kappa.iter().all(|z| *z == C::new(0.0, 0.0)) {
        return Some(CMat::<D>::zeros());
    }
    // Only relative phases matter; removing the mean keeps the exponents small.
    let mean = phase.iter().sum::<f64>() / D as f64;
    let mut gen = *kappa * C::new(h, 0.0);
    for a in 0..D {
        gen[(a, a)] += C::new(phase[a] - mean, 0.0);
    }
    let mut u0 = exp_minus_i_h_t(&gen, 1.0);
    for a in 0..D {
        let e = C::from_polar(1.0, phase[a] - mean);
        for c in 0..D {
            u0[(a, c)] *= e;
        }
    }
    // log U₀ = iΘ₀ with Θ₀ = Y arcsin(s) Y† from the Hermitian part (U₀ − U₀†)/(2i) = Y s Y†.
    let herm = (u0 - u0.adjoint()) * C::new(0.0, -0.5);
    // Small s (the usual case): the odd power series, a third of an eigendecomposition.
    let theta = match arcsin_hermitian_series(&herm) {
        Some(theta) => theta,
        None => {
            let e = hermitian_eigen(&herm);
            if e.values.iter().any(|s| s.abs() > 0.9) {
                return None;
            }
            let mut scaled = e.vectors;
            for (k, s) in e.values.iter().enumerate() {
                for r in 0..D {
                    scaled[(r, k)] *= s.asin();
                }
            }
            mul_adjoint(&scaled, &e.vectors)
        }
    };
    let log_u0 = theta * C::i();
    let omega1 = CMat::<D>::from_fn(|a, b| {
        if kappa[(a, b)] == C::new(0.0, 0.0) {
            C::new(0.0, 0.0)
        } else {
            kappa[(a, b)] * C::new(0.0, -h) * tables.phi1(a, b)
        }
    });

    Some(log_u0 - omega1 - omega2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evolve::flavour::GAUSS3;

    /// Brute force −½∫∫_{t₂<t₁}[K(t₁), K(t₂)] by a midpoint rule in both variables.
    fn brute<const D: usize>(k: impl Fn(f64) -> CMat<D>, h: f64, n: usize) -> CMat<D> {
        let dt = h / n as f64;
        let ks: Vec<CMat<D>> = (0..n).map(|i| k((i as f64 + 0.5) * dt)).collect();
        let mut acc = CMat::<D>::zeros();
        let mut prefix = CMat::<D>::zeros();
        for (i, k1) in ks.iter().enumerate() {
            // Inner integral ∫_0^{t₁} K(t₂): prefix of earlier cells plus half of this one.
            let inner = prefix * C::new(dt, 0.0) + ks[i] * C::new(0.5 * dt, 0.0);
            acc += commutator(k1, &inner) * C::new(dt, 0.0);
            prefix += ks[i];
        }
        acc * C::new(-0.5, 0.0)
    }

    #[test]
    fn fast_omega2_matches_brute_force_double_integral() {
        let h = 2.0;
        let w = [0.0, 3.1, -7.3, 12.0];
        let p = CMat::<4>::from_fn(|a, b| {
            let z = C::new(0.1 * (a + 2 * b) as f64 - 0.3, 0.05 * (a as f64 - b as f64));
            if a == b {
                C::new(z.re, 0.0)
            } else {
                z
            }
        });
        let p = (p + p.adjoint()) * C::new(0.5, 0.0);
        let q =
            CMat::<4>::from_fn(|a, b| C::new(0.02 * (a * b) as f64, 0.01 * (a as f64 - b as f64)));
        let q = (q + q.adjoint()) * C::new(0.5, 0.0);
        let phase: [f64; 4] = std::array::from_fn(|a| w[a] * h);
        let got = fast_omega2(&p, &q, &ExpTables::new(&phase), &[[false; 4]; 4], h, 0.0)[0];
        let k = |t: f64| {
            CMat::<4>::from_fn(|a, b| {
                (p[(a, b)] + q[(a, b)] * (t - h / 2.0)) * C::new(0.0, (w[a] - w[b]) * t).exp()
            })
        };
        // Richardson extrapolation of the O(dt²) brute force.
        let want =
            (brute(k, h, 8000) * C::new(4.0, 0.0) - brute(k, h, 4000)) * C::new(1.0 / 3.0, 0.0);
        assert!(
            (got - want).norm() < 1e-9 * want.norm(),
            "{}",
            (got - want).norm()
        );
    }

    #[test]
    fn slow_omega2_matches_brute_force_for_quadratic_k() {
        let h = 0.7;
        let k0 =
            CMat::<4>::from_fn(|a, b| C::new(0.1 * (a + b) as f64, 0.07 * (a as f64 - b as f64)));
        let k1 =
            CMat::<4>::from_fn(|a, b| C::new(0.03 * (a * b) as f64, 0.02 * (b as f64 - a as f64)));
        let k2 = CMat::<4>::from_fn(|a, b| {
            C::new(
                0.05 * ((a + 1) * (b + 1)) as f64,
                0.01 * (a as f64 - b as f64),
            )
        });
        let kt = |s: f64| k0 + k1 * C::new(s, 0.0) + k2 * C::new(s * s, 0.0);
        let nodes = GAUSS3.map(|g| kt(g * h));
        // The second-order part is even in K, the third-order commutators odd: take the even
        // part at small scale ε (fourth order is then ε² smaller still).
        let eps = 1e-3;
        let scaled = |sign: f64| nodes.map(|k| k * C::new(sign * eps, 0.0));
        let got = (slow_omega2(&scaled(1.0), h).0 + slow_omega2(&scaled(-1.0), h).0)
            * C::new(0.5 / (eps * eps), 0.0);
        let b = |n| brute(|t| kt(t - h / 2.0), h, n);
        let want = (b(4000) * C::new(4.0, 0.0) - b(2000)) * C::new(1.0 / 3.0, 0.0);
        assert!(
            (got - want).norm() < 1e-6 * want.norm(),
            "{}",
            (got - want).norm()
        );
    }

    /// The regression behind issue 9: a slow pair advancing 1.4 rad in the step, K sampled at
    /// the Gauss points with its exact phase, against the brute-force double integral.
    #[test]
    fn slow_omega2_resolves_a_phase_of_one_and_a_half_radians() {
        let h = 1.0;
        let w = [0.0, 1.4, 0.5, -0.3];
        let k0 = CMat::<4>::from_fn(|a, b| {
            if a == b {
                C::new(0.0, 0.0)
            } else {
                C::new(0.02 * (a + b) as f64, 0.015 * (a as f64 - b as f64))
            }
        });
        let k1 = CMat::<4>::from_fn(|a, b| C::new(0.0, 0.01 * (a as f64 - b as f64)));
        let kt = |t: f64| {
            CMat::<4>::from_fn(|a, b| {
                (k0[(a, b)] + k1[(a, b)] * (t - 0.5 * h)) * C::new(0.0, (w[a] - w[b]) * t).exp()
            })
        };
        // The even (second-order) part of slow_omega2, as in the test above.
        let even = |samples: [CMat<4>; 3]| {
            let eps = 1e-3;
            let scaled = |sign: f64| samples.map(|k| k * C::new(sign * eps, 0.0));
            (slow_omega2(&scaled(1.0), h).0 + slow_omega2(&scaled(-1.0), h).0)
                * C::new(0.5 / (eps * eps), 0.0)
        };
        let got = even(GAUSS3.map(|g| kt((0.5 + g) * h)));
        let b = |n| brute(kt, h, n);
        let want = (b(4000) * C::new(4.0, 0.0) - b(2000)) * C::new(1.0 / 3.0, 0.0);
        let err = (got - want).norm();
        assert!(err < 5e-4 * want.norm(), "{err:e} vs {:e}", want.norm());
        // Sampling the same K at x₀, x_m, x₁ and fitting a quadratic (the old scheme) is
        // visibly worse here: this is what the test guards.
        let nodes = [kt(0.0), kt(0.5 * h), kt(h)];
        let quad = |s: f64| {
            nodes[1]
                + (nodes[2] - nodes[0]) * C::new(s / h, 0.0)
                + (nodes[2] - nodes[1] * C::new(2.0, 0.0) + nodes[0])
                    * C::new(2.0 * s * s / (h * h), 0.0)
        };
        let old = even(GAUSS3.map(|g| quad(g * h)));
        assert!(
            (old - want).norm() > 50.0 * err,
            "{:e}",
            (old - want).norm()
        );
    }
}
