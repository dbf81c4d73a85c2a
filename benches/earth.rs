//! The atmospheric grid, solve only, one thread: 200 energies (1–100 GeV) × 100 zenith
//! cosines (−1 … −0.01), NuFIT 5.2 NO, ν_μ, produced 15 km up, on Prob3++'s 4 layers and on the
//! 200 PREM shells;
//! and 10 000 energies through a constant 1300 km slab. Each iteration builds the shared-layer
//! state (chords, one eigendecomposition per layer and energy) and solves every grid point, as
//! a run does, without parsing or writing. Throughput is per grid point. The cases are
//! `nuspin::reference::earth::timing_cases`.
//! `cargo bench --bench earth`; whole-process numbers are in BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nuspin::reference::earth;
use nuspin::run::layers::LayerRun;
use nuspin::scenario::Scenario;

fn solve_all(s: &Scenario) -> f64 {
    let run = LayerRun::new(s).expect("the shared-layer path applies");
    let n_e = s.energies_mev.len();
    let mut sum = 0.0;
    let mut p_out = [0.0; 6];
    // Energy-major, as the run orders them.
    for e in 0..n_e {
        for p in 0..s.n_scan_points() {
            run.probabilities_into(s, p * n_e + e, &mut p_out);
            sum += p_out[1];
        }
    }
    sum
}

fn grids(c: &mut Criterion) {
    let mut g = c.benchmark_group("earth_grid_solve");
    g.sample_size(10);
    let cases = earth::timing_cases();
    for (label, s) in &cases {
        g.throughput(Throughput::Elements(s.n_grid() as u64));
        g.bench_function(*label, |b| b.iter(|| solve_all(s)));
    }
    g.finish();
}

criterion_group!(benches, grids);
criterion_main!(benches);
