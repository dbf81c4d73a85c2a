//! Per-step diagnostics of the `magnus` method on the smooth supernova envelope: each
//! accepted step's true local error (against DOP853 at rtol 1e-13 over the same interval)
//! next to the step's error indicators (`cargo run --release --features tools --example magnus_local_error`).

#[path = "../tests/evolve_common/mod.rs"]
mod evolve_common;

use evolve_common::*;
use nuspin::evolve::magnus::diagnose_step;
use nuspin::evolve::{solve, Method, Record};
use nuspin::prelude::*;

fn max_abs<const D: usize>(m: &CMat<D>) -> f64 {
    m.iter().map(|z| z.norm()).fold(0.0, f64::max)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let e_mev: f64 = args.get(1).map_or(20.0, |s| s.parse().expect("energy"));
    let tol: f64 = args.get(2).map_or(1e-6, |s| s.parse().expect("tol"));
    let model = model3(Basis::Majorana, Some(("e_mu", 1e-12)));
    let medium = supernova(1e10, None, 1.0);
    let h = ham::<6>(&model, e_mev, &medium);
    if let (Some(x0), Some(len)) = (args.get(3), args.get(4)) {
        // Order check of one step: true error and indicators at len, len/2, len/4, ...
        let (x0, len): (f64, f64) = (x0.parse().expect("x0"), len.parse().expect("len"));
        for k in 0..6 {
            let hk = len / f64::powi(2.0, k);
            let reference = solve(&h, x0, x0 + hk, &Record::End, &opts(Method::Dop853, 1e-14))
                .expect("dop853")
                .propagators[0];
            match diagnose_step(&h, x0, x0 + hk, tol).expect("eval") {
                Some((s, parts)) => println!(
                    "h {hk:.4e} true {:.3e} phase {:.2e} filon {:.2e} slow {:.2e} chirp {:.2e}",
                    max_abs(&(s - reference)),
                    parts[0],
                    parts[1],
                    parts[2],
                    parts[3]
                ),
                None => println!("h {hk:.4e} structural rejection"),
            }
        }
        return;
    }
    let sol = solve(&h, 1e4, 1e6, &Record::AllSteps, &opts(Method::Magnus, tol)).expect("magnus");
    println!("# {:?}", sol.stats);
    println!("# x0 h true_err est phase filon slow chirp ratio");
    let mut worst_ratio: f64 = 0.0;
    let mut sum_true = 0.0;
    for i in 0..sol.x_km.len() - 1 {
        let (x0, x1) = (sol.x_km[i], sol.x_km[i + 1]);
        let s_step = sol.propagators[i + 1] * sol.propagators[i].adjoint();
        let reference = solve(&h, x0, x1, &Record::End, &opts(Method::Dop853, 1e-13))
            .expect("dop853")
            .propagators[0];
        let truth = max_abs(&(s_step - reference));
        let (again, parts) = diagnose_step(&h, x0, x1, tol).expect("eval").expect("step");
        let est = parts.iter().copied().fold(0.0, f64::max);
        let redo = max_abs(&(again - s_step));
        sum_true += truth;
        let ratio = truth / est;
        worst_ratio = worst_ratio.max(ratio);
        println!(
            "{x0:.6e} {:.4e} {truth:.3e} {est:.3e} {:.2e} {:.2e} {:.2e} {:.2e} {ratio:.2e} {redo:.1e}",
            x1 - x0,
            parts[0],
            parts[1],
            parts[2],
            parts[3]
        );
    }
    println!("# sum of true local errors {sum_true:.3e}, worst true/est {worst_ratio:.2e}");
}
