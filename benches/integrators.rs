//! Wall time per energy, magnus vs dop853 at equal accuracy (~1e-6 in P), on a solar and a
//! supernova 6×6 case (`nuspin::reference::timing_tracks`); plus one H evaluation. DOP853
//! (rtol 1e-10, ≈ 1e-6 in P on these tracks) takes seconds per energy, so it is timed once
//! outside criterion's sampling.

use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion};
use nuspin::evolve::{solve, Method, Record, SolverOptions};
use nuspin::hamiltonian::{MediumHamiltonian, PathHamiltonian};
use nuspin::medium::Side;
use nuspin::prelude::*;
use nuspin::reference::{timing_model, timing_tracks, TrackCase};

fn bench(c: &mut Criterion) {
    let model = timing_model();
    let cases = timing_tracks();
    for TrackCase {
        name,
        medium,
        start_km: a,
        end_km: b,
        energy_mev: e,
    } in &cases
    {
        let h = MediumHamiltonian::new(EnergyHamiltonian::<6>::new(&model, e * 1e6), medium);
        let magnus = SolverOptions::default();
        let dop = SolverOptions {
            method: Method::Dop853,
            rtol: 1e-10,
            atol: 1e-10,
            ..magnus
        };
        let t = Instant::now();
        let d = solve(&h, *a, *b, &Record::End, &dop).expect("dop853");
        let t_dop = t.elapsed();
        let t = Instant::now();
        let m = solve(&h, *a, *b, &Record::End, &magnus).expect("magnus");
        let t_mag = t.elapsed();
        eprintln!(
            "{name}: dop853 {} steps {t_dop:?}; magnus {} steps {t_mag:?}; step ratio {:.0}, time ratio {:.0}",
            d.stats.accepted,
            m.stats.accepted,
            d.stats.accepted as f64 / m.stats.accepted as f64,
            t_dop.as_secs_f64() / t_mag.as_secs_f64()
        );
        c.bench_function(&format!("magnus/{name}"), |bch| {
            bch.iter(|| solve(&h, *a, *b, &Record::End, &magnus).expect("magnus"))
        });
        c.bench_function(&format!("h_evaluation/{name}"), |bch| {
            bch.iter(|| h.h_and_slope(0.5 * (a + b), Side::Right).expect("h"))
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
