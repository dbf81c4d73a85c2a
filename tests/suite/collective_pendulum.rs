//! The bipolar pendulum of docs/collective.md ("The reference set-ups") with the Lie-group
//! integrator: period and deepest dip against the exact elliptic solution (derived from HRSW,
//! astro-ph/0608695), the instability window, and conservation of the ν and ν̄ numbers.

use crate::collective_common;
use collective_common::*;

use nuspin::collective::{solve_lie, CollectiveProblem, CollectiveState, LieOptions};
use nuspin::hamiltonian::CMat;

const OMEGA: f64 = 1.0;
const THETA: f64 = 0.01;

fn b_axis() -> V3 {
    [-(2.0 * THETA).sin(), 0.0, (2.0 * THETA).cos()]
}

fn vectors(rho: &CMat<4>, mu: f64) -> (V3, V3) {
    (pol(rho, 0, mu, false), pol(rho, 2, mu, true))
}

/// d(P·B)/dt = ((ωB + μ(P − P̄)) × P)·B.
fn slope(rho: &CMat<4>, mu: f64) -> f64 {
    let (p, pb) = vectors(rho, mu);
    let b = b_axis();
    let h: V3 = std::array::from_fn(|i| OMEGA * b[i] + mu * (p[i] - pb[i]));
    dot(cross(h, p), b)
}

fn opts() -> LieOptions {
    LieOptions {
        tol: 1e-13,
        initial_step_km: 1e-3,
        ..LieOptions::default()
    }
}

/// Times and values of the minima of P·B up to `t_end`, located by the secant method on
/// d(P·B)/dt, each iterate integrated from the last grid record.
fn minima(problem: &CollectiveProblem<'_, 4>, mu: f64, t_end: f64) -> Vec<(f64, f64)> {
    let dt = 0.02;
    let grid: Vec<f64> = (1..)
        .map(|j| j as f64 * dt)
        .take_while(|t| *t < t_end)
        .collect();
    let sol = solve_lie(
        problem,
        CollectiveState::initial(problem, 0.0),
        t_end,
        &grid,
        &opts(),
    )
    .unwrap();
    let recs = &sol.records;
    let mut out = Vec::new();
    for w in recs.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        let (sa, sb) = (slope(&a.rho[0], mu), slope(&b.rho[0], mu));
        if sa < 0.0 && sb >= 0.0 {
            let at = |t: f64| -> CollectiveState<4> {
                if t <= a.r_km {
                    return a.clone();
                }
                solve_lie(problem, a.clone(), t, &[], &opts())
                    .unwrap()
                    .records
                    .pop()
                    .unwrap()
            };
            let (mut t0, mut f0, mut t1, mut f1) = (a.r_km, sa, b.r_km, sb);
            for _ in 0..40 {
                let t = t1 - f1 * (t1 - t0) / (f1 - f0);
                let f = slope(&at(t).rho[0], mu);
                (t0, f0, t1, f1) = (t1, f1, t, f);
                if (t1 - t0).abs() < 1e-13 || f1 == 0.0 {
                    break;
                }
            }
            let s = at(t1);
            let (p, _) = vectors(&s.rho[0], mu);
            out.push((t1, dot(p, b_axis())));
        }
    }
    out
}

fn check_pendulum(alpha: f64, table_period: f64, table_min: f64) {
    let medium = vacuum();
    let mixing = mixing_for_omega(THETA, -OMEGA);
    let mu = 10.0;
    let problem = pendulum(&medium, &mixing, mu, alpha);
    let (p0, pb0) = vectors(&problem.initial_state()[0], mu);
    let exact = pendulum_exact(p0, pb0, OMEGA, mu, b_axis());
    // The exact solution reproduces the spec's table (its digits).
    assert!(
        (exact.period - table_period).abs() < 1e-7,
        "{}",
        exact.period
    );
    assert!(
        (exact.min_p_dot_b - table_min).abs() < 1e-7,
        "{}",
        exact.min_p_dot_b
    );
    let m = minima(&problem, mu, 2.6 * exact.period);
    assert!(m.len() >= 2, "found minima {m:?}");
    let period = m[1].0 - m[0].0;
    let rel_t = (period / exact.period - 1.0).abs();
    let rel_half = (m[0].0 / (0.5 * exact.period) - 1.0).abs();
    let rel_min = ((m[0].1 - exact.min_p_dot_b) / exact.min_p_dot_b).abs();
    let rel_min2 = ((m[1].1 - exact.min_p_dot_b) / exact.min_p_dot_b).abs();
    eprintln!(
        "alpha {alpha}: T {period:.12} vs {:.12} ({rel_t:.1e}), first dip at {:.12} ({rel_half:.1e}), \
         min {:.12} vs {:.12} ({rel_min:.1e}, second {rel_min2:.1e})",
        exact.period, m[0].0, m[0].1, exact.min_p_dot_b
    );
    for r in [rel_t, rel_half, rel_min, rel_min2] {
        assert!(r < 1e-8, "relative error {r}");
    }
}

#[test]
fn pendulum_alpha_08_period_and_dip() {
    check_pendulum(0.8, 2.94000047, -0.60004000);
}

#[test]
fn pendulum_alpha_05_period_and_dip() {
    check_pendulum(0.5, 3.87214069, 0.22484195);
}

/// Smallest P·B over a long run.
fn deepest(mu: f64, alpha: f64, t_end: f64) -> f64 {
    let medium = vacuum();
    let mixing = mixing_for_omega(THETA, -OMEGA);
    let problem = pendulum(&medium, &mixing, mu, alpha);
    let grid: Vec<f64> = (1..400).map(|j| j as f64 * t_end / 400.0).collect();
    let sol = solve_lie(
        &problem,
        CollectiveState::initial(&problem, 0.0),
        t_end,
        &grid,
        &LieOptions {
            tol: 1e-10,
            ..LieOptions::default()
        },
    )
    .unwrap();
    sol.records
        .iter()
        .map(|s| dot(pol(&s.rho[0], 0, mu, false), b_axis()))
        .fold(1.0, f64::min)
}

#[test]
fn instability_window() {
    // Inverted ordering, α = 0.5: unstable for 2ω/(1 + √α)² = 0.686 < μ < 2ω/(1 − √α)² = 23.3.
    let alpha: f64 = 0.5;
    let lo = 2.0 * OMEGA / (1.0 + alpha.sqrt()).powi(2);
    let hi = 2.0 * OMEGA / (1.0 - alpha.sqrt()).powi(2);
    for (mu, unstable) in [
        (0.5 * lo, false),
        (1.5 * lo, true),
        (10.0, true),
        (0.8 * hi, true),
        (1.5 * hi, false),
    ] {
        let d = deepest(mu, alpha, 60.0);
        eprintln!("mu {mu:.3}: min P.B {d:.4}");
        if unstable {
            assert!(d < 0.9, "mu = {mu} should swing, min P.B = {d}");
        } else {
            assert!(d > 0.99, "mu = {mu} should stay, min P.B = {d}");
        }
    }
}

#[test]
fn numbers_and_spectrum_are_conserved_without_moment() {
    let medium = vacuum();
    let mixing = mixing_for_omega(THETA, -OMEGA);
    let (mu, alpha) = (10.0, 0.8);
    let problem = pendulum(&medium, &mixing, mu, alpha);
    let sol = solve_lie(
        &problem,
        CollectiveState::initial(&problem, 0.0),
        20.0,
        &[5.0, 10.0, 15.0],
        &LieOptions::default(),
    )
    .unwrap();
    for s in &sol.records {
        let r = &s.rho[0];
        let nu = r[(0, 0)].re + r[(1, 1)].re;
        let nubar = r[(2, 2)].re + r[(3, 3)].re;
        assert!((nu - mu).abs() < 1e-12 * mu, "{nu}");
        assert!((nubar - alpha * mu).abs() < 1e-12 * mu, "{nubar}");
        // Eigenvalues of ρ stay {μ, αμ, 0, 0}: Tr ρ² and Tr ρ³.
        let r2 = r * r;
        let t2: f64 = (0..4).map(|i| r2[(i, i)].re).sum();
        let t3: f64 = (0..4).map(|i| (r2 * r)[(i, i)].re).sum();
        assert!((t2 / (mu * mu * (1.0 + alpha * alpha)) - 1.0).abs() < 1e-13);
        assert!((t3 / (mu.powi(3) * (1.0 + alpha.powi(3))) - 1.0).abs() < 1e-13);
        // Ψ stays unitary and reproduces ρ = Ψ diag(w) Ψ†.
        let psi = s.psi[0];
        let w = CMat::<4>::from_diagonal(&nalgebra::Vector4::new(
            mu.into(),
            0.0.into(),
            (alpha * mu).into(),
            0.0.into(),
        ));
        let back = psi * w * psi.adjoint();
        assert!((back - r).camax() < 1e-12 * mu);
        assert!((psi.adjoint() * psi - CMat::<4>::identity()).camax() < 1e-13);
    }
}

#[test]
fn trace_term_matters_only_with_a_moment() {
    use nuspin::basis::Nature;
    use nuspin::collective::Geometry;
    use nuspin::medium::{ConstantMedium, MediumPoint};
    use nuspin::moments::{MomentInput, Moments};
    let mixing = mixing_for_omega(THETA, -OMEGA);
    let run = |medium: &ConstantMedium, moments: &Moments, trace: bool| {
        let p = CollectiveProblem::<4>::new(
            Nature::Majorana,
            &mixing,
            moments,
            medium,
            Geometry::Constant { g: 1.0 },
            &[1.0],
            vec![[1.0, 0.0, 0.8, 0.0]],
        )
        .unwrap();
        let p = if trace { p } else { p.without_trace_term() };
        solve_lie(
            &p,
            CollectiveState::initial(&p, 0.0),
            20.0,
            &[],
            &LieOptions::default(),
        )
        .unwrap()
        .records
        .pop()
        .unwrap()
        .rho[0]
    };
    let diff = |a: CMat<4>, b: CMat<4>| (a - b).iter().map(|z| z.norm()).fold(0.0, f64::max);
    // No moment: Tr(P) G commutes with every block-diagonal H and Tr P is constant.
    let vacuum = vacuum();
    let none = Moments::zero();
    assert!(diff(run(&vacuum, &none, true), run(&vacuum, &none, false)) < 1e-9);
    // A moment in a field: μB = 0.29 km⁻¹ against Tr P = 0.2 km⁻¹ — the trace term moves
    // the ν ↔ ν̄ levels and changes the answer at O(1).
    let field = ConstantMedium::new(MediumPoint {
        b_perp_gauss: 1e13,
        ..Default::default()
    })
    .unwrap();
    let moment = Moments::new(
        &MomentInput {
            basis: None,
            magnetic_mu_b: vec![("e_mu".into(), num_complex::Complex64::new(1e-15, 0.0))],
            electric_mu_b: vec![],
        },
        Nature::Majorana,
        &mixing,
    )
    .unwrap();
    let d = diff(run(&field, &moment, true), run(&field, &moment, false));
    eprintln!("with a moment, trace term changes ρ by {d:.3}");
    assert!(d > 1e-2, "{d}");
}
