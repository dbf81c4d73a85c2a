//! The atmospheric grid, solve only, one thread: 200 energies (1–100 GeV) × 100 zenith
//! cosines (−1 … −0.01), NuFIT 5.2 NO, ν_μ, produced 15 km up, on Prob3++'s 4 layers and on the
//! 200 PREM shells;
//! and 10 000 energies through a constant 1300 km slab. Each iteration builds the shared-layer
//! state (chords, one eigendecomposition per layer and energy) and solves every grid point, as
//! a run does, without parsing or writing. Throughput is per grid point.
//! `cargo bench --bench earth`; whole-process numbers are in BENCHMARKS.md.

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nuspin::run::layers::LayerRun;
use nuspin::scenario::{parse, Scenario};

fn scenario(medium: &str, energies: usize, rest: &str) -> Scenario {
    let text = format!(
        "name = \"bench\"\n[neutrino]\nflavours = 3\nnature = \"dirac\"\ninitial = [\"nu_mu\"]\n\
         [mixing]\npreset = \"nufit-5.2-no\"\n[energy]\nscale = \"log\"\nmin_mev = 1000.0\n\
         max_mev = 100000.0\npoints = {energies}\n[medium]\n{medium}\n{rest}"
    );
    parse(Path::new("bench.toml"), &text).expect("scenario")
}

fn zenith_grid(model: &str) -> Scenario {
    scenario(
        &format!("kind = \"earth\"\nmodel = \"{model}\"\nproduction_height_km = 15.0"),
        200,
        "[scan]\n\"medium.cos_zenith\" = { min = -1.0, max = -0.01, points = 100 }\n",
    )
}

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
    let cases = [
        ("prem4 200E x 100cz", zenith_grid("prem4")),
        ("prem 200E x 100cz", zenith_grid("prem")),
        (
            "constant 1300 km 10000E",
            scenario(
                "kind = \"constant\"\nrho_g_cm3 = 2.8\nye = 0.5",
                10_000,
                "[track]\nstart_km = 0.0\nend_km = 1300.0\n",
            ),
        ),
    ];
    for (label, s) in &cases {
        g.throughput(Throughput::Elements(s.n_grid() as u64));
        g.bench_function(*label, |b| b.iter(|| solve_all(s)));
    }
    g.finish();
}

criterion_group!(benches, grids);
criterion_main!(benches);
