//! Solve-only timing of the atmospheric grids, best of N repetitions (on a loaded machine the
//! best repetition is the one least disturbed; criterion's means are in `benches/earth.rs`).
//! Same cases as the benchmark (`nuspin::reference::earth::timing_cases`): 200 energies
//! (1–100 GeV) × 100 zenith cosines on prem4 and on the 200 PREM shells, and 10 000 energies
//! through a constant 1300 km slab; NuFIT 5.2 NO, ν_μ, one thread. Each repetition builds the shared-layer state and solves every grid point.
//!
//! `cargo run --release --features tools --example earth_timing -- [repetitions] [case prefix]`

use std::time::Instant;

use nuspin::reference::earth;
use nuspin::run::layers::LayerRun;

fn main() {
    let reps: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let cases = earth::timing_cases();
    let only = std::env::args().nth(2);
    for (label, s) in &cases {
        if only.as_deref().is_some_and(|o| !label.starts_with(o)) {
            continue;
        }
        let n = s.n_grid();
        let n_e = s.energies_mev.len();
        let mut segments = 0;
        for point in 0..s.n_scan_points() {
            segments += LayerRun::new(s).map_or(0, |r| r.steps(point));
        }
        let mut best = f64::INFINITY;
        let mut check = 0.0;
        let mut p = [0.0; 6];
        for _ in 0..reps {
            let t = Instant::now();
            let run = LayerRun::new(s).expect("the shared-layer path applies");
            for e in 0..n_e {
                for point in 0..s.n_scan_points() {
                    run.probabilities_into(s, point * n_e + e, &mut p);
                    check += p[1];
                }
            }
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!(
            "{label}: {n} points ({:.1} segments per chord), best of {reps}: {:.3} ms = {:.3} us/point (check {:.6})",
            segments as f64 / s.n_scan_points() as f64,
            best * 1e3,
            best * 1e6 / n as f64,
            check / reps as f64
        );
    }
}
