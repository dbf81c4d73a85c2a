//! The hot path piece by piece: assembling H for one energy (4×4, 6×6), H and H′ at a point
//! of each example medium, the Hermitian eigensolver and exp(−iHt), and the cost of one magnus
//! step (a solve over a track that takes exactly one step, and over a whole track with the
//! throughput in step attempts). `cargo bench --bench kernels`.

#[path = "common/mod.rs"]
mod common;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use nuspin::evolve::{solve, Record, SolverOptions};
use nuspin::hamiltonian::{CMat, MediumHamiltonian, PathHamiltonian};
use nuspin::linalg::{exp_minus_i_h_t, hermitian_eigen};
use nuspin::medium::{ConstantMedium, Medium, Side};
use nuspin::prelude::*;
use nuspin::scenario::Scenario;
use nuspin::units::mev_to_ev;
use std::hint::black_box;

fn hamiltonian<'a, const D: usize>(
    scenario: &'a Scenario,
    energy_mev: f64,
) -> MediumHamiltonian<'a, D> {
    let eh = EnergyHamiltonian::<D>::new(&scenario.model, mev_to_ev(energy_mev));
    MediumHamiltonian::new(eh, scenario.medium.as_ref())
}

fn assembly(c: &mut Criterion) {
    let lab2 = common::example("lab-2nu");
    let lab3 = common::lab_3nu();
    let sn = common::example("sn-majorana-sfp");
    let mut g = c.benchmark_group("assembly");
    g.bench_function("4x4/lab-2nu", |b| {
        b.iter(|| EnergyHamiltonian::<4>::new(black_box(&lab2.model), 1e7))
    });
    g.bench_function("6x6/lab-3nu", |b| {
        b.iter(|| EnergyHamiltonian::<6>::new(black_box(&lab3.model), 1e7))
    });
    g.bench_function("6x6/sn-majorana-sfp", |b| {
        b.iter(|| EnergyHamiltonian::<6>::new(black_box(&sn.model), 1e7))
    });
    g.finish();
}

fn h_at_point<const D: usize>(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    scenario: &Scenario,
    energy_mev: f64,
) {
    let h = hamiltonian::<D>(scenario, energy_mev);
    let x = 0.5 * (scenario.start_km + scenario.end_km) + 1e-3;
    g.bench_function(BenchmarkId::new("h_and_slope", name), |b| {
        b.iter(|| h.h_and_slope(black_box(x), Side::Right).expect("h"))
    });
    g.bench_function(BenchmarkId::new("h", name), |b| {
        b.iter(|| h.h(black_box(x), Side::Right).expect("h"))
    });
}

fn h_evaluation(c: &mut Criterion) {
    let mut g = c.benchmark_group("h_at_point");
    for (name, e) in common::EXAMPLES {
        let s = common::example(name);
        if name == "lab-2nu" {
            h_at_point::<4>(&mut g, name, &s, e);
        } else {
            h_at_point::<6>(&mut g, name, &s, e);
        }
    }
    h_at_point::<6>(&mut g, "lab-3nu", &common::lab_3nu(), 10.0);
    g.finish();
}

/// H of the supernova example at 10 MeV at r = 2e4 km, 4×4 (its 2-flavour sibling: the
/// lab-2nu model in the same medium) and 6×6.
fn realistic_h<const D: usize>(scenario: &Scenario, medium: &dyn Medium) -> CMat<D> {
    let eh = EnergyHamiltonian::<D>::new(&scenario.model, 1e7);
    MediumHamiltonian::new(eh, medium)
        .h(2e4, Side::Right)
        .expect("h")
}

fn linalg(c: &mut Criterion) {
    let sn = common::example("sn-majorana-sfp");
    let lab2 = common::example("lab-2nu");
    let h6: CMat<6> = realistic_h(&sn, sn.medium.as_ref());
    let h4: CMat<4> = realistic_h(&lab2, sn.medium.as_ref());
    let mut g = c.benchmark_group("linalg");
    g.bench_function("eigen/4x4", |b| b.iter(|| hermitian_eigen(black_box(&h4))));
    g.bench_function("eigen/6x6", |b| b.iter(|| hermitian_eigen(black_box(&h6))));
    g.bench_function("expm/4x4", |b| {
        b.iter(|| exp_minus_i_h_t(black_box(&h4), black_box(10.0)))
    });
    g.bench_function("expm/6x6", |b| {
        b.iter(|| exp_minus_i_h_t(black_box(&h6), black_box(10.0)))
    });
    g.finish();
}

/// A short track from `start` (halving from the whole) that magnus crosses with the fewest
/// steps its controller allows from a cold start (the first step is a fraction of the
/// segment) and no rejection: its end and its number of steps.
fn short_track<const D: usize, H: PathHamiltonian<D>>(h: &H, start: f64, end: f64) -> (f64, u64) {
    let mut len = end - start;
    loop {
        let s = solve(
            h,
            start,
            start + len,
            &Record::End,
            &SolverOptions::default(),
        )
        .expect("solve");
        if s.stats.accepted <= 4 && s.stats.rejected == 0 {
            return (start + len, s.stats.accepted);
        }
        len *= 0.5;
        assert!(len > 1e-9 * (end - start), "no short track found");
    }
}

fn step_cases<const D: usize>(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    h: &MediumHamiltonian<'_, D>,
    start: f64,
    end: f64,
    options: &SolverOptions,
) {
    let (short_end, short_steps) = short_track(h, start, end);
    let full = solve(h, start, end, &Record::End, options).expect("solve");
    let attempts = full.stats.accepted + full.stats.rejected;
    eprintln!(
        "magnus_step/{name}: short track {:.4e} km in {short_steps} steps; whole track {} accepted + {} rejected, {} H evaluations",
        short_end - start,
        full.stats.accepted,
        full.stats.rejected,
        full.stats.h_evaluations
    );
    g.throughput(Throughput::Elements(short_steps));
    g.bench_function(BenchmarkId::new("short_track_per_step", name), |b| {
        b.iter(|| {
            solve(h, start, short_end, &Record::End, &SolverOptions::default()).expect("solve")
        })
    });
    g.throughput(Throughput::Elements(attempts));
    g.bench_function(BenchmarkId::new("whole_track_per_attempt", name), |b| {
        b.iter(|| solve(h, start, end, &Record::End, options).expect("solve"))
    });
}

fn magnus_step(c: &mut Criterion) {
    let mut g = c.benchmark_group("magnus_step");
    let sn = common::example("sn-majorana-sfp");
    let h = hamiltonian::<6>(&sn, 10.0);
    step_cases(
        &mut g,
        "sn-majorana-sfp-10MeV",
        &h,
        sn.start_km,
        sn.end_km,
        &SolverOptions::default(),
    );
    // A constant medium, 4×4 against 6×6: the same crust, 100 steps forced by max_step_km.
    let lab2 = common::example("lab-2nu");
    let lab3 = common::lab_3nu();
    let rock = ConstantMedium::new(MediumPoint::from_rho_ye(2.7, 0.5)).expect("medium");
    let capped = SolverOptions {
        max_step_km: 1.8,
        ..SolverOptions::default()
    };
    let h4 = MediumHamiltonian::new(EnergyHamiltonian::<4>::new(&lab2.model, 1e7), &rock);
    step_cases(&mut g, "constant-4x4", &h4, 0.0, 180.0, &capped);
    let h6 = MediumHamiltonian::new(EnergyHamiltonian::<6>::new(&lab3.model, 1e7), &rock);
    step_cases(&mut g, "constant-6x6", &h6, 0.0, 180.0, &capped);
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::short_runs(300, 1000);
    targets = assembly, h_evaluation, linalg, magnus_step
}
criterion_main!(benches);
