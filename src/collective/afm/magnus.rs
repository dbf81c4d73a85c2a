//! The Magnus exponent of every system in the adiabatic frame, from integrals shared by all
//! systems: a system with coefficient ε has the generator a = εB(t) + C(t) (B, C common), so
//! Ω₁, Ω₂ and Ω₃ are polynomials in ε of degree 1, 2 and 3 whose vector coefficients are
//! running integrals on the step's Gauss panels.
//!
//! Ω₃ is not optional here although the method is of order 4 for a smooth generator: across
//! n the frame images B, C oscillate as e^{∓iΦ} with amplitude O(ω) while Φ′ = λ ≫ ω, and
//! the triple integrals of such a generator have parts that do not average out over Φ (the
//! averaged second-order drift ≈ ω²/λ turned by the slow O(ω) rotation, and ≈ ω³/λ² terms).
//! Truncated, they add up over a run to an error that h hardly changes: the stop-27 floor
//! ≈ 5e-9 of the two-bin test in tests/suite/collective_afm.rs, 1e-9 per step in the one-step test
//! below; with Ω₃ both fall by 10²–10³ (docs/collective.md).

use super::quad::{cumulate, V3};

/// The exponent's coefficients at one point: Ω(ε) = ε b1 + c1 + ½(ε² I_BB + ε(I_BC + I_CB)
/// + I_CC) + Σ_k ε^k tri_k, with I_XY = ∫∫_{t₂<t₁} X(t₁) × Y(t₂).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Coeffs {
    b1: V3,
    c1: V3,
    dbl: [V3; 4],
    tri: [V3; 4],
}

impl Coeffs {
    /// Ω of the system with coefficient ε.
    pub(crate) fn omega(&self, eps: f64) -> V3 {
        let [bb, bc, cb, cc] = self.dbl;
        eps * self.b1 + self.c1 + 0.5 * (eps * eps * bb + eps * (bc + cb) + cc) + self.third(eps)
    }

    /// Ω₃ alone of the system with coefficient ε.
    pub(crate) fn third(&self, eps: f64) -> V3 {
        let t = self.tri;
        ((t[3] * eps + t[2]) * eps + t[1]) * eps + t[0]
    }

    /// The first-order part ε b1 + c1 (the running single integrals).
    pub(crate) fn first(&self) -> (V3, V3) {
        (self.b1, self.c1)
    }
}

/// The common generators B, C on the fine grid (inputs) and their running integrals.
#[derive(Default)]
pub(crate) struct Integrals {
    pub(crate) bt: Vec<V3>,
    pub(crate) ct: Vec<V3>,
    b1: Vec<V3>,
    c1: Vec<V3>,
    b1_end: Vec<V3>,
    c1_end: Vec<V3>,
    dbl: [Vec<V3>; 4],
    dbl_in: [Vec<V3>; 4],
    tri: [Vec<V3>; 4],
    tri_in: [Vec<V3>; 4],
    tmp: Vec<V3>,
}

impl Integrals {
    pub(crate) fn resize(&mut self, fine: usize, panels: usize) {
        let z = V3::zeros();
        let node = [
            &mut self.bt,
            &mut self.ct,
            &mut self.b1,
            &mut self.c1,
            &mut self.tmp,
        ];
        for v in node
            .into_iter()
            .chain(&mut self.dbl_in)
            .chain(&mut self.tri_in)
        {
            v.resize(fine, z);
        }
        let ends = [&mut self.b1_end, &mut self.c1_end];
        for v in ends.into_iter().chain(&mut self.dbl).chain(&mut self.tri) {
            v.resize(panels + 1, z);
        }
    }

    /// All running integrals from `bt`, `ct` (four Gauss nodes per panel of width dt);
    /// `third`: with Ω₃ (always, except in the test that shows why).
    pub(crate) fn compute(&mut self, dt: f64, int: &[[f64; 4]; 4], third: bool) {
        let z = V3::zeros();
        cumulate(&self.bt, dt, int, &mut self.b1_end, Some(&mut self.b1), z);
        cumulate(&self.ct, dt, int, &mut self.c1_end, Some(&mut self.c1), z);
        for k in 0..4 {
            let x = if k < 2 { &self.bt } else { &self.ct };
            let y = if k % 2 == 0 { &self.b1 } else { &self.c1 };
            for i in 0..x.len() {
                self.tmp[i] = x[i].cross(&y[i]);
            }
            let inner = Some(&mut self.dbl_in[k][..]);
            cumulate(&self.tmp, dt, int, &mut self.dbl[k], inner, z);
        }
        for k in 0..4 {
            if third {
                for i in 0..self.bt.len() {
                    self.tmp[i] = self.third_rate(k, i);
                }
            } else {
                self.tmp.fill(z);
            }
            let inner = Some(&mut self.tri_in[k][..]);
            cumulate(&self.tmp, dt, int, &mut self.tri[k], inner, z);
        }
    }

    /// The ε^k coefficient of Ω₃′ = −½ Ω₂ × a + (1/12) Ω₁ × (Ω₁ × a) at node i, with
    /// a = εB + C, Ω₁ = εB₁ + C₁, Ω₂ = ½ I (the dexp⁻¹ series to third order).
    fn third_rate(&self, k: usize, i: usize) -> V3 {
        let (b, c, b1, c1) = (self.bt[i], self.ct[i], self.b1[i], self.c1[i]);
        let ibb = self.dbl_in[0][i];
        let ix = self.dbl_in[1][i] + self.dbl_in[2][i];
        let icc = self.dbl_in[3][i];
        // Ω₁ × (Ω₁ × a) = Ω₁ (Ω₁·a) − a |Ω₁|², with Ω₁·a = Σ p_j ε^j, |Ω₁|² = Σ q_j ε^j.
        let p = [c1.dot(&c), b1.dot(&c) + c1.dot(&b), b1.dot(&b)];
        let q = [c1.norm_squared(), 2.0 * b1.dot(&c1), b1.norm_squared()];
        match k {
            3 => -0.25 * ibb.cross(&b) + (b1 * p[2] - b * q[2]) / 12.0,
            2 => {
                -0.25 * (ibb.cross(&c) + ix.cross(&b))
                    + (b1 * p[1] + c1 * p[2] - b * q[1] - c * q[2]) / 12.0
            }
            1 => {
                -0.25 * (ix.cross(&c) + icc.cross(&b))
                    + (b1 * p[0] + c1 * p[1] - b * q[0] - c * q[1]) / 12.0
            }
            _ => -0.25 * icc.cross(&c) + (c1 * p[0] - c * q[0]) / 12.0,
        }
    }

    /// The coefficients at panel end k (k = panels: the whole step).
    pub(crate) fn at_end(&self, k: usize) -> Coeffs {
        Coeffs {
            b1: self.b1_end[k],
            c1: self.c1_end[k],
            dbl: std::array::from_fn(|j| self.dbl[j][k]),
            tri: std::array::from_fn(|j| self.tri[j][k]),
        }
    }

    /// The running B₁, C₁ at fine node i.
    pub(crate) fn first_at(&self, i: usize) -> (V3, V3) {
        (self.b1[i], self.c1[i])
    }
}

#[cfg(test)]
mod tests {
    use super::super::quad::{inner_weights, GL_X};
    use super::*;

    /// B(t) = ω(cos Φ, sin Φ, β), C(t) = ω(γ sin Φ, −γ cos Φ, δ) with Φ = λt (+ a slow
    /// modulation): the frame generators of a system nutating fast about n.
    fn generators(omega: f64, lam: f64, t: f64) -> (V3, V3) {
        let phi = lam * t + 0.3 * (2.0 * t).sin();
        let (s, c) = phi.sin_cos();
        let amp = 1.0 + 0.2 * t;
        (
            omega * V3::new(amp * c, amp * s, 0.4),
            omega * V3::new(0.5 * s, -0.5 * c, 0.1 + 0.05 * t),
        )
    }

    /// u(h) from u′ = (εB + C) × u by classical RK4 with n steps.
    fn reference(eps: f64, omega: f64, lam: f64, h: f64, u: V3, n: usize) -> V3 {
        let f = |t: f64, u: V3| {
            let (b, c) = generators(omega, lam, t);
            (b * eps + c).cross(&u)
        };
        let (mut u, dt) = (u, h / n as f64);
        for j in 0..n {
            let t = j as f64 * dt;
            let k1 = f(t, u);
            let k2 = f(t + 0.5 * dt, u + k1 * (0.5 * dt));
            let k3 = f(t + 0.5 * dt, u + k2 * (0.5 * dt));
            let k4 = f(t + dt, u + k3 * dt);
            u += (k1 + 2.0 * k2 + 2.0 * k3 + k4) * (dt / 6.0);
        }
        u
    }

    /// The largest |e^{Ω(ε)} u − u_ref| of ε = ±1, ±2 after one step h.
    fn step_error(omega: f64, lam: f64, h: f64, third: bool) -> f64 {
        let panels = ((lam * h / 0.1).ceil() as usize).max(64);
        let dt = h / panels as f64;
        let mut g = Integrals::default();
        g.resize(4 * panels, panels);
        for i in 0..4 * panels {
            let t = ((i / 4) as f64 + GL_X[i % 4]) * dt;
            (g.bt[i], g.ct[i]) = generators(omega, lam, t);
        }
        g.compute(dt, &inner_weights(), third);
        let end = g.at_end(panels);
        let u = V3::new(0.6, 0.0, 0.8);
        let n_ref = ((lam * h * 500.0) as usize).max(4000);
        [1.0, -1.0, 2.0, -2.0]
            .iter()
            .map(|&e| {
                let w = end.omega(e);
                let th = w.norm();
                let k = w / th;
                let (s, c) = th.sin_cos();
                let got = u * c + k.cross(&u) * s + k * (k.dot(&u) * (1.0 - c));
                (got - reference(e, omega, lam, h, u, n_ref)).norm()
            })
            .fold(0.0, f64::max)
    }

    /// Fast regime (λh = 200 and 600 rad, ω = 1, h = 0.2): without Ω₃ the one-step error is
    /// 5.4e-6 and 3.8e-6 (it hardly falls with λ: the non-averaging parts of Ω₃); with Ω₃
    /// 1.9e-8 and 4.9e-9.
    #[test]
    fn third_term_removes_the_secular_error_of_a_fast_generator() {
        let (omega, h) = (1.0, 0.2);
        for lam in [1e3, 3e3] {
            let without = step_error(omega, lam, h, false);
            let with = step_error(omega, lam, h, true);
            println!("λ {lam:e}: without Ω₃ {without:.2e}, with {with:.2e}");
            assert!(
                without > 0.05 * omega.powi(3) * h / (lam * lam),
                "{without}"
            );
            assert!(with < 0.01 * without, "{with} {without}");
        }
    }

    /// Slow regime (λh ≲ 1): the classical fourth order, error ∝ h⁵ per step.
    #[test]
    fn smooth_generator_is_fifth_order_per_step() {
        let errs: Vec<f64> = [0.4, 0.2, 0.1]
            .iter()
            .map(|&h| step_error(1.0, 2.0, h, true))
            .collect();
        println!("slow, h 0.4/0.2/0.1: {errs:?}");
        for w in errs.windows(2) {
            let order = (w[0] / w[1]).log2();
            assert!(order > 4.6, "{errs:?}");
        }
    }
}
