//! Whole runs per energy: `nuspin::run::solve_energy` on the example scenarios (loaded from
//! scenarios/*.toml through the scenario API) at one energy each; the three methods side by
//! side on cases where all apply (PREM's shells, a constant crust); 4×4 against 6×6 on the
//! same crust. `cargo bench --bench scenarios`.

#[path = "common/mod.rs"]
mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use nuspin::evolve::Method;
use nuspin::run::solve_energy;
use nuspin::scenario::Scenario;

fn bench_energy(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    label: &str,
    scenario: &Scenario,
    index: usize,
) {
    let r = solve_energy(scenario, index).expect("solve");
    eprintln!(
        "{label}: E = {:.4} MeV, {} accepted + {} rejected steps",
        scenario.energies_mev[index], r.steps, r.rejected
    );
    g.bench_function(label, |b| {
        b.iter(|| solve_energy(scenario, index).expect("solve"))
    });
}

fn examples(c: &mut Criterion) {
    let mut g = c.benchmark_group("per_energy");
    for (name, e_mev) in common::EXAMPLES {
        let s = common::example(name);
        let i = common::nearest_energy(&s, e_mev);
        bench_energy(&mut g, name, &s, i);
    }
    let lab3 = common::lab_3nu();
    let i = common::nearest_energy(&lab3, 10.0);
    bench_energy(&mut g, "lab-3nu", &lab3, i);
    g.finish();
}

/// magnus (rtol 1e-6), dop853 (rtol = atol = 1e-10, and 1e-6) and layers on one energy of
/// `scenario` (examples/bench_report.rs prints their errors against layers).
fn methods_on(c: &mut Criterion, name: &str, mut scenario: Scenario, e_mev: f64) {
    let mut g = c.benchmark_group(format!("methods/{name}"));
    let i = common::nearest_energy(&scenario, e_mev);
    let methods = [
        ("magnus", Method::Magnus, 1e-6, 1e-9),
        ("dop853-1e-10", Method::Dop853, 1e-10, 1e-10),
        ("dop853-1e-6", Method::Dop853, 1e-6, 1e-6),
        ("layers", Method::Layers, 1e-6, 1e-9),
    ];
    for (label, method, rtol, atol) in methods {
        scenario.solver.method = method;
        (scenario.solver.rtol, scenario.solver.atol) = (rtol, atol);
        bench_energy(&mut g, label, &scenario, i);
    }
    g.finish();
}

fn methods(c: &mut Criterion) {
    methods_on(c, "earth-core", common::example("earth-core"), 2000.0);
    methods_on(c, "lab-2nu", common::example("lab-2nu"), 10.0);
    methods_on(c, "lab-3nu", common::lab_3nu(), 10.0);
}

criterion_group! {
    name = benches;
    config = common::short_runs(500, 2000);
    targets = examples, methods
}
criterion_main!(benches);
