//! Whole runs through `nuspin::run::run` with a sink that drops the results: time against the
//! number of energies (1 thread) and 1 against 2 threads, on the exponential Sun of
//! BENCHMARKS.md and on the 6×6 supernova example with fewer energies.
//! `cargo bench --bench scaling`.

#[path = "common/mod.rs"]
mod common;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use nuspin::run::{run, NoProgress, RunOptions};
use nuspin::scenario::Scenario;

fn run_dropping(scenario: &Scenario, threads: usize) -> u64 {
    let options = RunOptions {
        threads: Some(threads),
        ..RunOptions::default()
    };
    let summary = run(scenario, &options, &NoProgress, |batch| {
        drop(batch);
        Ok(())
    })
    .expect("run");
    assert_eq!(summary.energies_done, summary.energies_total);
    summary.accepted_steps
}

fn energies(c: &mut Criterion) {
    let mut g = c.benchmark_group("energies/solar-exp");
    for n in [25, 50, 100, 200] {
        let s = common::solar_exp(n);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(BenchmarkId::new("threads-1", n), |b| {
            b.iter(|| run_dropping(&s, 1))
        });
    }
    g.finish();
}

fn threads(c: &mut Criterion) {
    let cases = [
        ("solar-exp-200", common::solar_exp(200)),
        (
            "sn-majorana-sfp-20",
            common::edited("sn-majorana-sfp", |t| common::with_energies(t, 20)),
        ),
    ];
    for (name, s) in &cases {
        let mut g = c.benchmark_group(format!("threads/{name}"));
        for t in [1, 2] {
            g.bench_function(BenchmarkId::from_parameter(t), |b| {
                b.iter(|| run_dropping(s, t))
            });
        }
        g.finish();
    }
}

criterion_group! {
    name = benches;
    config = common::short_runs(500, 3000);
    targets = energies, threads
}
criterion_main!(benches);
