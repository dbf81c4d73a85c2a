//! Collective (single-angle bulb) cost per step: 20 fixed CF4 steps of a 200-bin Majorana bulb
//! starting at R_ν, two and three flavours, and the same stretch with the stacked DOP853
//! reference at rtol 1e-9. The whole R_ν → 1000 km runs of BENCHMARKS.md take minutes and are
//! `examples/collective_bench_run.rs`. `cargo bench --bench collective`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nuspin::basis::Nature;
use nuspin::collective::{
    solve_dop853_collective, solve_lie, CollectiveProblem, CollectiveState, EnergyBins, LieOptions,
    ReferenceOptions,
};
use nuspin::mixing::Mixing;
use nuspin::moments::Moments;
use nuspin::reference::bulb;
use std::hint::black_box;

const BINS: usize = 200;
const STEPS: u64 = 20;
/// 20 steps over 0.002 km near R_ν: ~0.5 rad of collective precession per step, as the
/// adaptive runs take there.
const END_KM: f64 = 10.002;

fn lie_steps<const D: usize>(c: &mut Criterion, name: &str, mixing: &Mixing) {
    let medium = bulb::vacuum();
    let bins = EnergyBins::uniform(BINS, 80.0);
    let problem = CollectiveProblem::<D>::bulb(
        Nature::Majorana,
        mixing,
        &Moments::zero(),
        &medium,
        &bulb::emission(),
        &bins,
    )
    .unwrap();
    let start = CollectiveState::initial(&problem, 10.0);
    let opts = LieOptions {
        fixed_steps: Some(STEPS),
        ..LieOptions::default()
    };
    let mut g = c.benchmark_group("collective");
    g.sample_size(10);
    g.throughput(Throughput::Elements(STEPS * BINS as u64));
    g.bench_function(format!("cf4/{name}/200-bins/20-steps"), |b| {
        b.iter(|| solve_lie(&problem, black_box(start.clone()), END_KM, &[], &opts).unwrap())
    });
    g.finish();
}

fn reference(c: &mut Criterion) {
    let medium = bulb::vacuum();
    let bins = EnergyBins::uniform(BINS, 80.0);
    let problem = bulb::majorana_problem(&medium, &bins);
    let start = CollectiveState::initial(&problem, 10.0);
    let opts = ReferenceOptions {
        rtol: 1e-9,
        atol: 1e-11,
        ..ReferenceOptions::default()
    };
    let mut g = c.benchmark_group("collective");
    g.sample_size(10);
    g.bench_function("dop853/2-flavour/200-bins/to-10.002-km", |b| {
        b.iter(|| {
            solve_dop853_collective(&problem, black_box(start.clone()), END_KM, &[], &opts).unwrap()
        })
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    lie_steps::<4>(c, "2-flavour", &bulb::mixing());
    lie_steps::<6>(c, "3-flavour", &bulb::mixing_three());
    reference(c);
}

criterion_group!(collective, benches);
criterion_main!(collective);
