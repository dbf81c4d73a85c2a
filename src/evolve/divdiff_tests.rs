//! Unit tests of the adiabatic step's special functions against quadrature and series.

use super::*;

/// Composite Gauss–Legendre (5 points per panel) on [a, b].
fn quad(f: impl Fn(f64) -> C, a: f64, b: f64, panels: usize) -> C {
    const X: [f64; 5] = [
        -0.906_179_845_938_664,
        -0.538_469_310_105_683,
        0.0,
        0.538_469_310_105_683,
        0.906_179_845_938_664,
    ];
    const W: [f64; 5] = [
        0.236_926_885_056_189,
        0.478_628_670_499_366,
        0.568_888_888_888_889,
        0.478_628_670_499_366,
        0.236_926_885_056_189,
    ];
    let hp = (b - a) / panels as f64;
    let mut s = C::new(0.0, 0.0);
    for p in 0..panels {
        let c = a + (p as f64 + 0.5) * hp;
        for k in 0..5 {
            s += f(c + 0.5 * hp * X[k]) * (W[k] * 0.5 * hp);
        }
    }
    s
}

#[test]
fn filon_moments_taylor_branch_is_the_term_by_term_sum_to_the_bit() {
    // The series as first written: iᵏ, k! and d^{n+k+1} recomputed for every term.
    let term_by_term = |d: f64| {
        let mut m = [C::new(0.0, 0.0); 3];
        for (n, mn) in m.iter_mut().enumerate() {
            let mut ik = C::new(1.0, 0.0);
            let mut fact = 1.0;
            for k in 0..20 {
                if k > 0 {
                    ik *= C::i();
                    fact *= k as f64;
                }
                let p = n + k;
                if p % 2 == 0 {
                    *mn += ik * (2.0 * d.powi(p as i32 + 1) / ((p + 1) as f64 * fact));
                }
            }
        }
        m
    };
    for d in [1e-9, -3e-4, 0.01, 0.123456789, -0.3, 0.49, 0.4999999] {
        let (a, b) = (filon_moments(d), term_by_term(d));
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.re.to_bits(), y.re.to_bits(), "d={d}");
            assert_eq!(x.im.to_bits(), y.im.to_bits(), "d={d}");
        }
    }
}

#[test]
fn filon_moments_match_quadrature_on_both_branches() {
    for d in [1e-9, 0.01, 0.3, 0.49, 0.51, 1.7, -2.3, 40.0] {
        let m = filon_moments(d);
        for (n, mn) in m.iter().enumerate() {
            let q = quad(|v| v.powi(n as i32) * C::new(0.0, v).exp(), -d, d, 400);
            let scale = d.abs().powi(n as i32 + 1).max(1e-300);
            assert!(
                (mn - q).norm() <= 1e-13 * scale.max(1.0),
                "d={d} n={n} {mn} {q}"
            );
        }
    }
}

#[test]
fn dd_exp_matches_contour_integral() {
    // exp[z₀..z_n] = (1/2πi)∮ e^ζ / Π(ζ − z_k) dζ on a circle enclosing all points —
    // an independent evaluation (trapezoid rule on a circle converges geometrically).
    let cases: [&[C]; 6] = [
        &[C::new(0.0, 0.0), C::new(0.0, 3.0), C::new(0.0, 3.0 + 1e-7)],
        &[
            C::new(0.0, 0.0),
            C::new(0.0, 0.2),
            C::new(0.0, -0.1),
            C::new(0.0, 0.2),
        ],
        &[
            C::new(0.0, 0.0),
            C::new(0.0, 5.0),
            C::new(0.0, 5.5),
            C::new(0.0, 5.0),
            C::new(0.0, 5.5),
        ],
        &[
            C::new(0.0, 0.0),
            C::new(0.0, -9.0),
            C::new(0.0, 1e-9),
            C::new(0.0, -9.0),
            C::new(0.0, 1e-9),
        ],
        &[
            C::new(0.0, 2.0),
            C::new(0.0, 2.0),
            C::new(0.0, 2.0),
            C::new(0.0, 2.0),
            C::new(0.0, 2.0),
        ],
        &[C::new(0.0, 0.0), C::new(0.0, 0.9), C::new(0.0, 1.8)],
    ];
    for z in cases {
        let centre = z.iter().sum::<C>() / z.len() as f64;
        let radius = z.iter().map(|p| (p - centre).norm()).fold(0.0, f64::max) + 2.0;
        let n = 4096;
        let mut s = C::new(0.0, 0.0);
        for k in 0..n {
            let t = 2.0 * std::f64::consts::PI * k as f64 / n as f64;
            let e = C::new(0.0, t).exp();
            let zeta = centre + e * radius;
            let den: C = z.iter().map(|p| zeta - p).product();
            s += zeta.exp() / den * e * radius;
        }
        let want = s / n as f64;
        let got = dd_exp(z);
        assert!((got - want).norm() < 1e-13, "{z:?}: {got} vs {want}");
    }
}

#[test]
fn simplex_moments_match_double_quadrature() {
    for (w1, w2) in [
        (0.3, -0.2),
        (7.0, -7.0),
        (25.0, 3.0),
        (0.0, 12.0),
        (-40.0, 41.0),
    ] {
        let (z1, z2) = (C::new(0.0, w1), C::new(0.0, w2));
        let got = simplex_moments(z1, z2);
        let weight = |k: usize, t1: f64, t2: f64| match k {
            0 => 1.0,
            1 => t1 - 0.5,
            2 => t2 - 0.5,
            _ => (t1 - 0.5) * (t2 - 0.5),
        };
        for (k, g) in got.iter().enumerate() {
            let want = quad(
                |t1| {
                    quad(
                        |t2| (z1 * t1 + z2 * t2).exp() * weight(k, t1, t2),
                        0.0,
                        t1,
                        60,
                    )
                },
                0.0,
                1.0,
                60,
            );
            assert!(
                (g - want).norm() < 1e-12,
                "w=({w1},{w2}) k={k}: {g} vs {want}"
            );
        }
    }
}

#[test]
fn confluent_table_matches_dd_exp() {
    let x = [C::new(0.0, 0.0), C::new(0.0, 4.0), C::new(0.0, 4.3)];
    let t = ConfluentTable::new(x);
    for m in [
        [1, 1, 1],
        [1, 2, 1],
        [1, 1, 2],
        [1, 2, 2],
        [1, 1, 3],
        [0, 3, 2],
    ] {
        let mut pts = vec![];
        for i in 0..3 {
            pts.extend(std::iter::repeat_n(x[i], m[i]));
        }
        assert!((t.get(m) - dd_exp(&pts)).norm() < 1e-15, "{m:?}");
    }
}

#[test]
fn exp_tables_match_simplex_moments_and_phi1() {
    // Far, close, equal and degenerate phases, including triples with repeated indices.
    let phase = [0.0, 3.7, 3.7 + 1e-9, -0.4, 120.25, 0.55];
    let t = ExpTables::new(&phase);
    let split = ExpTables::in_blocks(&phase, &[0, 0, 1, 1, 0, 1]);
    for a in 0..6 {
        for b in 0..6 {
            let want = phi1(C::new(0.0, phase[a] - phase[b]));
            assert!((t.phi1(a, b) - want).norm() < 1e-13, "phi1 {a}{b}");
            for c in 0..6 {
                let z1 = C::new(0.0, phase[a] - phase[b]);
                let z2 = C::new(0.0, phase[b] - phase[c]);
                let want = simplex_moments(z1, z2);
                let got = t.simplex_moments(a, b, c);
                // Triples inside one block read only that block's pair tables.
                let blocks = [0, 0, 1, 1, 0, 1];
                if blocks[a] == blocks[b] && blocks[b] == blocks[c] {
                    assert_eq!(split.simplex_moments(a, b, c), got);
                }
                for k in 0..4 {
                    assert!(
                        (got[k] - want[k]).norm() < 1e-12,
                        "({a},{b},{c}) k={k}: {} vs {}",
                        got[k],
                        want[k]
                    );
                }
            }
        }
    }
}

#[test]
fn phi1_small_and_large() {
    for z in [C::new(0.0, 1e-12), C::new(0.0, 0.3), C::new(0.0, 30.0)] {
        let direct = if z.norm() > 1e-3 {
            (z.exp() - 1.0) / z
        } else {
            C::new(1.0, 0.0) + z / 2.0
        };
        assert!((phi1(z) - direct).norm() < 1e-14);
    }
}
