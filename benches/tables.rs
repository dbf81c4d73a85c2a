//! Tables read with kinks (`linear`) against the same table read smoothly (`pchip`): one
//! energy (10 MeV) across the exponential Sun tabulated on 4001 radii, and the BS05 Sun's
//! production average (`scenarios/solar-8b.toml`, one integration for its 8 start points).
//! A Dirac model without moments across the exponential Sun (as a 4001-row pchip table), 10
//! MeV: `solve` (two 3×3 halves, [`nuspin::evolve::split`]) against the 6×6 path
//! (`magnus::solve_magnus`). `cargo bench --bench tables`; the steps are printed before timing.

#[path = "common/mod.rs"]
mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use nuspin::evolve::magnus::solve_magnus;
use nuspin::evolve::{solve, Record, SolverOptions};
use nuspin::hamiltonian::MediumHamiltonian;
use nuspin::medium::{Interpolation, TableMedium};
use nuspin::prelude::*;
use nuspin::run::solve_energy;
use nuspin::units::{AVOGADRO, R_SUN_KM};

fn exp_sun_table(rows: usize, method: Interpolation) -> TableMedium {
    let mut text = String::from("x_km,ne_cm3,nn_cm3\n");
    for i in 0..rows {
        let r = R_SUN_KM * i as f64 / (rows - 1) as f64;
        let ne = 245.0 * AVOGADRO * (-10.54 * r / R_SUN_KM).exp();
        text.push_str(&format!("{r},{ne},{}\n", ne * 0.3 / 0.7));
    }
    TableMedium::from_text(&text, "exp-sun.csv", method).expect("a valid table")
}

fn tables(c: &mut Criterion) {
    let mixing = Mixing::from_preset(Preset::Nufit52No, 0.01, &[]).expect("preset");
    let model = Model::new(Basis::DiracNeutrino, mixing, Moments::zero());
    let mut g = c.benchmark_group("tables");
    for (label, method) in [
        ("exp-sun-4001-linear", Interpolation::Linear),
        ("exp-sun-4001-pchip", Interpolation::Pchip),
    ] {
        let table = exp_sun_table(4001, method);
        let h = MediumHamiltonian::new(EnergyHamiltonian::<6>::new(&model, 1e7), &table);
        let run = || {
            solve(
                &h,
                0.05 * R_SUN_KM,
                R_SUN_KM,
                &Record::End,
                &SolverOptions::default(),
            )
            .expect("solve")
        };
        eprintln!("{label}: {:?}", run().stats);
        g.bench_function(label, |b| b.iter(run));
    }
    let table = exp_sun_table(4001, Interpolation::Pchip);
    let h = MediumHamiltonian::new(EnergyHamiltonian::<6>::new(&model, 1e7), &table);
    let (a, b) = (0.05 * R_SUN_KM, R_SUN_KM);
    let options = SolverOptions::default();
    let halves = || solve(&h, a, b, &Record::End, &options).expect("solve");
    let full = || solve_magnus(&h, a, b, &Record::End, &options).expect("solve");
    eprintln!("dirac-halves: {:?}", halves().stats);
    eprintln!("dirac-6x6: {:?}", full().stats);
    g.bench_function("dirac-halves-3x3", |bch| bch.iter(halves));
    g.bench_function("dirac-full-6x6", |bch| bch.iter(full));
    let s = common::example("solar-8b");
    let i = common::nearest_energy(&s, 10.0);
    let r = solve_energy(&s, i).expect("solve");
    eprintln!(
        "solar-8b: {} accepted + {} rejected steps",
        r.steps, r.rejected
    );
    g.bench_function("solar-8b-10MeV", |b| {
        b.iter(|| solve_energy(&s, i).expect("solve"))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::short_runs(500, 2000);
    targets = tables
}
criterion_main!(benches);
