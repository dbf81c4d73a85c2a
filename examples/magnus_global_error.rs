//! Global error of `magnus` on the smooth supernova envelope and the shocked one against a
//! DOP853 rtol 1e-12 truth cached in /tmp (diagnostics only:
//! `cargo run --release --features tools --example magnus_global_error -- RTOL`).

#[path = "../tests/evolve_common/mod.rs"]
mod evolve_common;

use evolve_common::*;
use nuspin::evolve::Method;
use nuspin::prelude::*;
use nuspin::units::R_SUN_KM;

fn truth(name: &str, h: &dyn nuspin::hamiltonian::PathHamiltonian<6>, a: f64, b: f64) -> CMat<6> {
    let path = format!("/tmp/truth-{name}.txt");
    if let Ok(text) = std::fs::read_to_string(&path) {
        let v: Vec<f64> = text
            .split_whitespace()
            .map(|s| s.parse().unwrap())
            .collect();
        return CMat::<6>::from_fn(|r, c| {
            num_complex::Complex64::new(v[2 * (6 * r + c)], v[2 * (6 * r + c) + 1])
        });
    }
    let s = last(&run(h, a, b, Method::Dop853, 1e-12));
    let mut out = String::new();
    for r in 0..6 {
        for c in 0..6 {
            out += &format!("{:e} {:e} ", s[(r, c)].re, s[(r, c)].im);
        }
    }
    std::fs::write(&path, out).unwrap();
    s
}

fn main() {
    let rtol: f64 = std::env::args().nth(1).map_or(1e-6, |s| s.parse().unwrap());
    let maj = model3(Basis::Majorana, Some(("e_mu", 1e-12)));
    let dirac = model3(Basis::DiracNeutrino, Some(("e_mu", 1e-11)));
    let smooth = supernova(1e10, None, 1.0);
    let shock = supernova(1e10, Some(3e5), 10.0);
    let sun = exp_sun(1e5, 1e-5);
    let cases: [(&str, &Model, &FnMedium, f64, f64, f64); 4] = [
        ("sn10", &maj, &smooth, 1e4, 1e6, 10.0),
        ("sn20", &maj, &smooth, 1e4, 1e6, 20.0),
        ("snshock20", &maj, &shock, 1e4, 1e6, 20.0),
        ("sun10", &dirac, &sun, 0.05 * R_SUN_KM, R_SUN_KM, 10.0),
    ];
    for (name, model, medium, a, b, e) in cases {
        let h = ham::<6>(model, e, medium);
        let t = truth(name, &h, a, b);
        let m = run(&h, a, b, Method::Magnus, rtol);
        println!(
            "{name}: max |dP| {:.3e}, accepted {} rejected {} unitarity {:.1e}",
            max_dp(&last(&m), &t),
            m.stats.accepted,
            m.stats.rejected,
            m.stats.max_unitarity_error
        );
    }
}
