//! Accuracy of `magnus` in turbulent media: steps per energy and the largest |ΔP| against
//! `dop853` at rtol 1e-11, atol 1e-14 on the same realisation (the supernova of
//! `nuspin::reference::turbulence`, density turbulence between the shocks, 100 modes, seed 1):
//! `cargo run --release --features tools --example turbulence_accuracy [SHORT_CUTOFF_KM]` (default 10;
//! environment: `ENERGIES_MEV`, default 10; `RTOL` of `magnus`, default 1e-6; `AMPLITUDES`
//! and `LONG_CUTOFFS_KM`, comma-separated, default 0.01,0.1,0.3 and 1000; `TRUTH_DIR`: a
//! directory where the `dop853` results are kept and reused, since they do not depend on
//! `magnus`; `TRUTH_RTOL`, default 1e-11, with atol 1e-3 of it: the truth at 1e-11 is itself
//! 1.4e-8 off at a 10 km cut-off, so measuring `magnus` at rtol 1e-8 needs 1e-13).

use std::path::Path;

use nuspin::reference::turbulence::{density_table, supernova_toml};
use nuspin::run::solve_energy;
use nuspin::scenario::parse;

/// `ENERGIES_MEV`-style list from the environment variable `name`.
fn list(name: &str, default: &[f64]) -> Vec<f64> {
    std::env::var(name).map_or_else(
        |_| default.to_vec(),
        |l| {
            l.split(',')
                .map(|x| x.trim().parse().expect("comma-separated numbers"))
                .collect()
        },
    )
}

/// Accepted and rejected steps summed over the energies, and P (all energies, in order).
fn solve(
    method: &str,
    rtol: &str,
    atol: &str,
    energies: &[f64],
    tables: &str,
) -> (u64, u64, Vec<f64>) {
    let text = supernova_toml(method, energies, tables)
        .replace("rtol = 1e-6", &format!("rtol = {rtol}"))
        .replace("atol = 1e-8", &format!("atol = {atol}"));
    let s = parse(Path::new("accuracy.toml"), &text).expect("valid scenario");
    let (mut acc, mut rej, mut p) = (0, 0, Vec::new());
    for g in 0..energies.len() {
        let r = solve_energy(&s, g).expect("solves");
        acc += r.steps;
        rej += r.rejected;
        p.extend(r.probability);
    }
    (acc, rej, p)
}

/// P from `dop853` at `truth_rtol` (atol 1e-3 of it), read from (or written to) `TRUTH_DIR`
/// if set (the file name carries the rtol unless it is the default 1e-11).
fn truth(
    energies: &[f64],
    tables: &str,
    (short_km, c, lambda): (f64, f64, f64),
    truth_rtol: f64,
) -> Vec<f64> {
    let suffix = if truth_rtol == 1e-11 {
        String::new()
    } else {
        format!("-rtol{truth_rtol:e}")
    };
    let file = std::env::var("TRUTH_DIR").ok().map(|d| {
        Path::new(&d).join(format!(
            "truth-{short_km}-{c}-{lambda}-{}{suffix}.txt",
            energies
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("_")
        ))
    });
    if let Some(Ok(text)) = file.as_ref().map(std::fs::read_to_string) {
        return text
            .lines()
            .map(|l| l.parse().expect("a stored probability"))
            .collect();
    }
    let (rtol, atol) = (
        format!("{truth_rtol:e}"),
        format!("{:e}", truth_rtol * 1e-3),
    );
    let (_, _, p) = solve("dop853", &rtol, &atol, energies, tables);
    if let Some(f) = file {
        let text: String = p.iter().map(|x| format!("{x:e}\n")).collect();
        std::fs::write(f, text).expect("TRUTH_DIR is writable");
    }
    p
}

fn main() {
    let short_km: f64 = std::env::args()
        .nth(1)
        .map_or(10.0, |s| s.parse().expect("short cut-off in km"));
    let energies = list("ENERGIES_MEV", &[10.0]);
    let rtol = std::env::var("RTOL").unwrap_or_else(|_| "1e-6".into());
    let truth_rtol: f64 =
        std::env::var("TRUTH_RTOL").map_or(1e-11, |r| r.parse().expect("TRUTH_RTOL is a number"));
    let n = energies.len() as f64;
    println!("energies {energies:?} MeV, short cut-off {short_km} km, magnus rtol {rtol}");
    println!("C*      lambda*_km  accepted  rejected  max|dP| vs dop853 (rtol {truth_rtol:e})");
    for c in list("AMPLITUDES", &[0.01, 0.1, 0.3]) {
        for lambda in list("LONG_CUTOFFS_KM", &[1000.0]) {
            let t = density_table(c, lambda, short_km);
            let truth = truth(&energies, &t, (short_km, c, lambda), truth_rtol);
            let (a, r, p) = solve("magnus", &rtol, "1e-8", &energies, &t);
            let d = p
                .iter()
                .zip(&truth)
                .map(|(x, y)| (x - y).abs())
                .fold(0.0, f64::max);
            println!(
                "{c:<7} {lambda:<11} {:<9.0} {:<9.0} {d:.2e}",
                a as f64 / n,
                r as f64 / n
            );
        }
    }
}
