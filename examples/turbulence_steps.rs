//! Steps per energy of the supernova envelope with density turbulence between the shocks,
//! against the amplitude C* and the long cut-off λ* (the numbers in docs/physics-extensions.md):
//! `cargo run --release --features tools --example turbulence_steps [SHORT_CUTOFF_KM]` (environment variable
//! `METHOD` = magnus (default) or dop853; `ENERGIES_MEV` = a comma-separated list of energies,
//! default 5,10,20,40).

use std::path::Path;

use nuspin::reference::turbulence::{density_table, supernova_toml};
use nuspin::run::solve_energy;
use nuspin::scenario::parse;

/// The reference turbulent supernova at `$ENERGIES_MEV` (default 5, 10, 20 and 40 MeV) with
/// `$METHOD` and `tables`.
fn scenario(tables: &str) -> String {
    let method = std::env::var("METHOD").unwrap_or_else(|_| "magnus".into());
    let energies: Vec<f64> = std::env::var("ENERGIES_MEV").map_or_else(
        |_| vec![5.0, 10.0, 20.0, 40.0],
        |list| {
            list.split(',')
                .map(|e| {
                    e.trim()
                        .parse()
                        .expect("ENERGIES_MEV: comma-separated numbers")
                })
                .collect()
        },
    );
    supernova_toml(&method, &energies, tables)
}

fn steps(text: &str) -> (f64, f64) {
    let s = parse(Path::new("steps.toml"), text).expect("valid scenario");
    let n = s.energies_mev.len();
    let (mut acc, mut rej) = (0u64, 0u64);
    for g in 0..n {
        let r = solve_energy(&s, g).expect("solves");
        acc += r.steps;
        rej += r.rejected;
    }
    (acc as f64 / n as f64, rej as f64 / n as f64)
}

fn main() {
    let (a, r) = steps(&scenario(""));
    println!("no turbulence: {a:.0} accepted, {r:.0} rejected steps per energy");
    let short_km: f64 = std::env::args()
        .nth(1)
        .map_or(10.0, |s| s.parse().expect("short cut-off in km"));
    println!("short cut-off {short_km} km, region 1.2e4..4e4 km, 100 modes, seed 1");
    println!("C*      lambda*_km  accepted  rejected  region/short_cutoff");
    for c in [0.01, 0.1] {
        for lambda in [1000.0, 10000.0] {
            let (a, r) = steps(&scenario(&density_table(c, lambda, short_km)));
            println!(
                "{c:<7} {lambda:<11} {a:<9.0} {r:<9.0} {:.0}",
                2.8e4 / short_km
            );
        }
    }
}
