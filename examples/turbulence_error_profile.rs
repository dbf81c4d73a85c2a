//! Where the global error of `magnus` builds up in a turbulent medium: S(x) of `magnus` and of
//! `dop853` (rtol 1e-11, atol 1e-13) at evenly spaced points on the supernova of
//! `nuspin::reference::turbulence`, with the Frobenius norm of their difference (which a
//! unitary propagation carries unchanged, so its growth between two points is what the steps
//! there added) and the largest |ΔP| of the propagator's entries.
//! `cargo run --release --features tools --example turbulence_error_profile [SHORT_KM] [C*] [LONG_KM] [RTOL] [E_MEV] [POINTS]`.

use std::path::Path;

use nuspin::evolve::{solve, Method, Record, SolverOptions};
use nuspin::hamiltonian::{EnergyHamiltonian, MediumHamiltonian};
use nuspin::reference::turbulence::{density_table, supernova_toml, REGION_KM};
use nuspin::scenario::parse;
use nuspin::units::mev_to_ev;

fn arg(i: usize, default: f64) -> f64 {
    std::env::args()
        .nth(i)
        .map_or(default, |s| s.parse().expect("a number"))
}

fn main() {
    let (short_km, c, long_km, tol, e_mev, n) = (
        arg(1, 10.0),
        arg(2, 0.01),
        arg(3, 1000.0),
        arg(4, 1e-6),
        arg(5, 10.0),
        arg(6, 56.0) as usize,
    );
    let text = supernova_toml("magnus", &[e_mev], &density_table(c, long_km, short_km));
    let s = parse(Path::new("profile.toml"), &text).expect("valid scenario");
    let eh = EnergyHamiltonian::<6>::new(&s.model, mev_to_ev(e_mev));
    let h = MediumHamiltonian::new(eh, s.medium.as_ref());
    let (a, b) = (REGION_KM.0 - 100.0, REGION_KM.1 + 100.0);
    let points: Vec<f64> = (1..=n).map(|i| a + (b - a) * i as f64 / n as f64).collect();
    let o = |method, rtol: f64, atol: f64| SolverOptions {
        method,
        rtol,
        atol,
        ..SolverOptions::default()
    };
    // `magnus` from a to each point separately: record points inside a run would cut its
    // segments, and the fallback's threshold is relative to the segment's length.
    let m: Vec<_> = points
        .iter()
        .map(|&x| {
            let o = o(Method::Magnus, tol, tol * 1e-2);
            solve(&h, a, x, &Record::End, &o).expect("magnus")
        })
        .collect();
    let rec = Record::Points(points.clone());
    let d = solve(&h, a, b, &rec, &o(Method::Dop853, 1e-11, 1e-13)).expect("dop853");
    println!("# {:?}", m.last().expect("a point").stats);
    println!("# x_km |dS|_F max|dP| added|dS|_F");
    let mut last = 0.0;
    let m = m.iter().map(|s| &s.propagators[0]);
    for ((x, sm), sd) in points.iter().zip(m).zip(&d.propagators) {
        let e = (sm - sd).norm();
        let dp = sm
            .iter()
            .zip(sd.iter())
            .map(|(p, q)| (p.norm_sqr() - q.norm_sqr()).abs())
            .fold(0.0, f64::max);
        println!("{x:.4e} {e:.3e} {dp:.3e} {:+.2e}", e - last);
        last = e;
    }
}
