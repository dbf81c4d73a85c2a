//! Dumps a collective bulb run for external checks (scripts/adiabatic_frame_prototype.py): the
//! reference bulb (2 flavours, Majorana, no matter, no moment) with `bins` bins to 80 MeV, from
//! `r0_km` (diagonal emitted state there) to `r1_km`, by DOP853 at `rtol` (`dop`) or CF4 at
//! `tol` (`cf4`). Prints JSON: bin centres, initial diagonals, final ρ (re, im) per bin, steps.
//! `cargo run --release --features tools --example collective_dump -- bins r0_km r1_km dop|cf4 tol`.

use std::cell::RefCell;

use nuspin::collective::{
    solve_dop853_collective, solve_lie_until, CollectiveState, EnergyBins, LieOptions,
    ReferenceOptions, StepWatch,
};
use nuspin::reference::bulb;

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let nbins: usize = a.get(1).and_then(|s| s.parse().ok()).unwrap_or(6);
    let r0: f64 = a.get(2).and_then(|s| s.parse().ok()).unwrap_or(10.0);
    let r1: f64 = a.get(3).and_then(|s| s.parse().ok()).unwrap_or(11.0);
    let method = a.get(4).map(String::as_str).unwrap_or("dop");
    let tol: f64 = a.get(5).and_then(|s| s.parse().ok()).unwrap_or(1e-12);
    let bins = EnergyBins::uniform(nbins, 80.0);
    let medium = bulb::vacuum();
    let problem = bulb::majorana_problem(&medium, &bins);
    let start = CollectiveState::initial(&problem, r0);
    let radii = Radii(RefCell::new(Vec::new()));
    let (rho, steps) = if method == "cf4" {
        let opts = LieOptions {
            tol,
            project_vacuum_lepton_number: false,
            ..LieOptions::default()
        };
        let s = solve_lie_until(&problem, start, r1, &[], &opts, &radii).unwrap();
        (s.records.last().unwrap().rho.clone(), s.stats.accepted)
    } else {
        let opts = ReferenceOptions {
            rtol: tol,
            atol: 1e-14,
            ..ReferenceOptions::default()
        };
        let s = solve_dop853_collective(&problem, start, r1, &[], &opts).unwrap();
        (s.records.last().unwrap().rho.clone(), s.stats.accepted)
    };
    let diag: Vec<String> = problem
        .initial_diagonal()
        .iter()
        .map(|d| format!("{:?}", d))
        .collect();
    let mats: Vec<String> = rho
        .iter()
        .map(|m| {
            let e: Vec<String> = (0..4)
                .flat_map(|i| (0..4).map(move |j| (i, j)))
                .map(|(i, j)| format!("[{:e},{:e}]", m[(i, j)].re, m[(i, j)].im))
                .collect();
            format!("[{}]", e.join(","))
        })
        .collect();
    // Where the CF4 steps (accepted and rejected) are: count below each radius.
    let r = radii.0.borrow();
    let below: Vec<String> = [10.01, 10.1, 10.5, 11.0, 12.0, 15.0, 20.0, 30.0, 100.0, 1e4]
        .iter()
        .map(|&x| format!("[{x}, {}]", r.iter().filter(|&&y| y < x).count()))
        .collect();
    println!(
        "{{\"energies_mev\":{:?},\"diag\":[{}],\"rho\":[{}],\"steps\":{steps},\"steps_below_km\":[{}]}}",
        bins.centres_mev,
        diag.join(","),
        mats.join(","),
        below.join(",")
    );
}

/// Records the radius before every step.
struct Radii(RefCell<Vec<f64>>);

impl StepWatch for Radii {
    fn before_step(&self, r_km: f64) -> bool {
        self.0.borrow_mut().push(r_km);
        false
    }
}
