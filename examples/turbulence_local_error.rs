//! Per-step diagnostics of `magnus` in a turbulent medium (the supernova of
//! `nuspin::reference::turbulence`, 10 MeV by default): each accepted step's true local error
//! (the same interval recomputed by `dop853` at rtol 1e-12 from the identity) next to the
//! step's error indicators; prints the steps whose true error exceeds the tolerance or their
//! estimate by a factor 10.
//! `cargo run --release --features tools --example turbulence_local_error [SHORT_KM] [C*] [LONG_KM] [RTOL] [E_MEV]`.

use std::path::Path;

use num_complex::Complex64;
use nuspin::evolve::flavour::{magnus46, GAUSS3};
use nuspin::evolve::magnus::diagnose_step;
use nuspin::evolve::{solve, Method, Record, SolverOptions};
use nuspin::hamiltonian::{CMat, EnergyHamiltonian, MediumHamiltonian, PathHamiltonian};
use nuspin::linalg::exp_minus_i_h_t;
use nuspin::medium::Side;
use nuspin::reference::turbulence::{density_table, supernova_toml, REGION_KM};
use nuspin::scenario::parse;
use nuspin::units::mev_to_ev;

fn max_abs(m: &CMat<6>) -> f64 {
    m.iter().map(|z| z.norm()).fold(0.0, f64::max)
}

/// The flavour-frame fallback's step over [x0, x1]: its true error against `reference`, its
/// estimate |Ω₆ − Ω₄|, h × the end defect of the Gauss quadratic, and the Gauss-3 error of ∫H.
fn fallback_columns(h: &dyn PathHamiltonian<6>, x0: f64, x1: f64, reference: &CMat<6>) -> [f64; 4] {
    let hf = x1 - x0;
    let xm = 0.5 * (x0 + x1);
    let hs: [CMat<6>; 3] = std::array::from_fn(|k| h.h(xm + GAUSS3[k] * hf, Side::Right).unwrap());
    let (o4, o6) = magnus46(&hs, hf);
    let s = exp_minus_i_h_t(&(o6 * Complex64::i()), 1.0);
    let s6 = 0.6f64.sqrt();
    let c = |v: f64| Complex64::new(v, 0.0);
    let p2 = |t: f64| {
        hs[0] * c(t * (t - s6) / 1.2) + hs[1] * c(1.0 - t * t / 0.6) + hs[2] * c(t * (t + s6) / 1.2)
    };
    let d0 = max_abs(&(h.h(x0, Side::Right).unwrap() - p2(-1.0)));
    let d1 = max_abs(&(h.h(x1, Side::Left).unwrap() - p2(1.0)));
    let gauss = (hs[0] * c(5.0) + hs[1] * c(8.0) + hs[2] * c(5.0)) * c(hf / 18.0);
    let n = 64;
    let mut fine = CMat::<6>::zeros();
    for j in 0..n {
        let m = x0 + (j as f64 + 0.5) * hf / n as f64;
        for (g, w) in GAUSS3.iter().zip([5.0, 8.0, 5.0]) {
            fine +=
                h.h(m + g * hf / n as f64, Side::Right).unwrap() * c(w * hf / (18.0 * n as f64));
        }
    }
    [
        max_abs(&(s - reference)),
        max_abs(&(o6 - o4)),
        hf * d0.max(d1),
        max_abs(&(fine - gauss)),
    ]
}

fn arg(i: usize, default: f64) -> f64 {
    std::env::args()
        .nth(i)
        .map_or(default, |s| s.parse().expect("a number"))
}

fn main() {
    let (short_km, c, long_km, tol, e_mev) = (
        arg(1, 1.0),
        arg(2, 0.1),
        arg(3, 1000.0),
        arg(4, 1e-6),
        arg(5, 10.0),
    );
    let text = supernova_toml("magnus", &[e_mev], &density_table(c, long_km, short_km));
    let s = parse(Path::new("local.toml"), &text).expect("valid scenario");
    let eh = EnergyHamiltonian::<6>::new(&s.model, mev_to_ev(e_mev));
    let h = MediumHamiltonian::new(eh, s.medium.as_ref());
    let o = |method, rtol| SolverOptions {
        method,
        rtol,
        atol: rtol * 1e-2,
        ..SolverOptions::default()
    };
    let (a, b) = (
        std::env::var("FROM_KM").map_or(REGION_KM.0 - 100.0, |v| v.parse().expect("km")),
        std::env::var("TO_KM").map_or(REGION_KM.1 + 100.0, |v| v.parse().expect("km")),
    );
    let sol = solve(&h, a, b, &Record::AllSteps, &o(Method::Magnus, tol)).expect("magnus");
    println!("# {:?}", sol.stats);
    println!("# x0 h true est phase filon slow chirp kink p5 ratio");
    let (mut sum_true, mut worst): (f64, f64) = (0.0, 0.0);
    let mut bins = [0.0f64; 28];
    for i in 0..sol.x_km.len() - 1 {
        let (x0, x1) = (sol.x_km[i], sol.x_km[i + 1]);
        let s_step = sol.propagators[i + 1] * sol.propagators[i].adjoint();
        let reference = solve(&h, x0, x1, &Record::End, &o(Method::Dop853, 1e-12))
            .expect("dop853")
            .propagators[0];
        let truth = max_abs(&(s_step - reference));
        sum_true += truth;
        let bin = (((x0 - a) / (b - a)) * bins.len() as f64) as usize;
        bins[bin.min(bins.len() - 1)] += truth;
        let Some((_, p)) = diagnose_step(&h, x0, x1, tol).expect("eval") else {
            continue;
        };
        let est = p.iter().copied().fold(0.0, f64::max);
        worst = worst.max(truth / est);
        if truth > tol || truth > 10.0 * est || std::env::var("ALL_STEPS").is_ok() {
            let f = fallback_columns(&h, x0, x1, &reference);
            println!(
                "{x0:.6e} {:.3e} {truth:.2e} {est:.2e} {:.1e} {:.1e} {:.1e} {:.1e} {:.1e} {:.1e} {:.1e} fb {:.2e} {:.2e} {:.2e} {:.2e}",
                x1 - x0, p[0], p[1], p[2], p[3], p[4], p[5], truth / est, f[0], f[1], f[2], f[3]
            );
        }
    }
    println!("# sum of true local errors {sum_true:.3e}, worst true/est {worst:.2e}");
    for (k, e) in bins.iter().enumerate() {
        let x = a + (b - a) * k as f64 / bins.len() as f64;
        println!("# window from {x:.4e} km: sum of true local errors {e:.2e}");
    }
}
