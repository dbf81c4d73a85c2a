//! Flavour-frame Magnus-4/6 with Gauss–Legendre nodes (Blanes–Casas–Ros): the fallback of the
//! adiabatic method where its frame breaks down (docs/integrators.md, "The error estimate and the
//! tolerance"), e.g. nearly diabatic crossings with tiny gaps. Steps are capped at 1.5 rad of ‖H −
//! tr H/D‖ so that the embedded estimate |Ω₆ − Ω₄| is not blind (docs/integrators.md, "Why this
//! method").

use num_complex::Complex64;

use crate::hamiltonian::CMat;
use crate::linalg::commutator;

type C = Complex64;

/// Gauss–Legendre offsets of the three nodes from the step's midpoint, in units of h.
pub const GAUSS3: [f64; 3] = [-0.387_298_334_620_741_7, 0.0, 0.387_298_334_620_741_7];

/// Largest phase ‖H − tr H/D‖_F h a fallback step may span, rad.
pub const MAX_PHASE_RAD: f64 = 1.5;

/// Ω₄ and Ω₆ (exp(Ω) ≈ S_step) from H at the three Gauss points of a step of length h.
///
/// With A = −iH: a₁ = hA₂, a₂ = (√15h/3)(A₃ − A₁), a₃ = (10h/3)(A₃ − 2A₂ + A₁);
/// Ω₄ = a₁ + a₃/12 + [a₂, a₁]/12 (the sign checked by the convergence order: docs/integrators.md,
/// "The error estimate and the tolerance");
/// Ω₆ = a₁ + a₃/12 + [−20a₁ − a₃ + C₁, a₂ + C₂]/240, C₁ = [a₁, a₂], C₂ = −[a₁, 2a₃ + C₁]/60.
pub fn magnus46<const D: usize>(hs: &[CMat<D>; 3], h: f64) -> (CMat<D>, CMat<D>) {
    let mi = C::new(0.0, -1.0);
    let a1 = hs[1] * (mi * h);
    let a2 = (hs[2] - hs[0]) * (mi * (15f64.sqrt() * h / 3.0));
    let a3 = (hs[2] - hs[1] * C::new(2.0, 0.0) + hs[0]) * (mi * (10.0 * h / 3.0));
    let first = a1 + a3 * C::new(1.0 / 12.0, 0.0);
    let omega4 = first + commutator(&a2, &a1) * C::new(1.0 / 12.0, 0.0);
    let c1 = commutator(&a1, &a2);
    let c2 = commutator(&a1, &(a3 * C::new(2.0, 0.0) + c1)) * C::new(-1.0 / 60.0, 0.0);
    let omega6 = first
        + commutator(&(c1 - a1 * C::new(20.0, 0.0) - a3), &(a2 + c2)) * C::new(1.0 / 240.0, 0.0);
    (omega4, omega6)
}

/// The Gauss rule's blind spot: h times the largest entry of the traceless part of
/// H(end) − P₂(end) at either end of the step, P₂ the quadratic through the three Gauss
/// points. Ω₄ and Ω₆ share their first-order term (Gauss–Legendre ∫H) and see H only through
/// P₂, so |Ω₆ − Ω₄| misses whatever of H a quadratic does not follow: in a turbulent medium
/// whose shortest wavelength is about a step (1 km against 1.5-rad steps of ~1.4 km at 10 MeV)
/// the steps' true error was the Gauss rule's error of ∫H, 1e-5–1.3e-4 each, while
/// |Ω₆ − Ω₄| < 1e-6 accepted them (docs/integrators.md, "The error estimate and the
/// tolerance": the fallback). For a smooth H this is O(h⁴ H‴) and over-estimates; for an
/// unresolved one it is about h δH, not blind.
pub fn gauss_defect<const D: usize>(hs: &[CMat<D>; 3], ends: [&CMat<D>; 2], h: f64) -> f64 {
    // Lagrange weights of the Gauss points ∓√(3/5), 0 at t = ±1 (the step's ends, t = ±1).
    let s = 0.6f64.sqrt();
    let w = |t: f64| [t * (t - s) / 1.2, 1.0 - t * t / 0.6, t * (t + s) / 1.2];
    let mut worst: f64 = 0.0;
    for (end, t) in ends.iter().zip([-1.0, 1.0]) {
        let c = w(t);
        let d = **end
            - hs[0] * C::new(c[0], 0.0)
            - hs[1] * C::new(c[1], 0.0)
            - hs[2] * C::new(c[2], 0.0);
        let tr = d.trace() / D as f64;
        for i in 0..D {
            for j in 0..D {
                let z = if i == j { d[(i, j)] - tr } else { d[(i, j)] };
                worst = worst.max(z.norm());
            }
        }
    }
    h * worst
}

/// The traceless Frobenius norm of H: a bound on its eigenvalue spread's half-width.
pub fn traceless_norm<const D: usize>(h: &CMat<D>) -> f64 {
    let tr = h.trace() / D as f64;
    let mut s = 0.0;
    for i in 0..D {
        for j in 0..D {
            let z = if i == j { h[(i, j)] - tr } else { h[(i, j)] };
            s += z.norm_sqr();
        }
    }
    s.sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linalg::exp_minus_i_h_t;

    /// A smooth 4×4 H(x) with non-commuting parts.
    fn hx(x: f64) -> CMat<4> {
        let m = CMat::<4>::from_fn(|a, b| {
            let (af, bf) = (a as f64, b as f64);
            let base = C::new((af + 1.0) * (bf + 2.0) * 0.1, (af - bf) * 0.2);
            let var = C::new(
                (x * (af + bf + 1.0)).sin() * 0.3,
                (x * 0.7).cos() * 0.1 * (af - bf),
            );
            base + var
        });
        (m + m.adjoint()) * C::new(0.5, 0.0)
    }

    fn propagate(order: usize, n: usize, length: f64) -> CMat<4> {
        let h = length / n as f64;
        let mut s = CMat::<4>::identity();
        for i in 0..n {
            let xm = (i as f64 + 0.5) * h;
            let hs = std::array::from_fn(|k| hx(xm + GAUSS3[k] * h));
            let (o4, o6) = magnus46(&hs, h);
            let o = if order == 4 { o4 } else { o6 };
            s = exp_minus_i_h_t(&(o * C::i()), 1.0) * s;
        }
        s
    }

    #[test]
    fn magnus4_and_magnus6_have_their_orders() {
        let length = 3.0;
        let truth = propagate(6, 4000, length);
        for (order, n) in [(4, 40), (6, 20)] {
            let e1 = (propagate(order, n, length) - truth).norm();
            let e2 = (propagate(order, 2 * n, length) - truth).norm();
            let measured = (e1 / e2).log2();
            assert!(
                (measured - order as f64).abs() < 0.3,
                "Magnus-{order}: measured order {measured} ({e1:e} → {e2:e})"
            );
        }
    }
}
