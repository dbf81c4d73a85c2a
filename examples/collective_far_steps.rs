//! What limits CF4's step after the collective rate stops dominating (issue #21): the reference
//! bulb (2 flavours, Majorana, vacuum, no moment, `bins` equal bins to 80 MeV) by CF4 from
//! R_ν = 10 km to `r1_km` at `tol`, with the bins below `e_min_mev` dropped (the others keep
//! their emitted weights, renormalised per species) to lower the largest vacuum frequency.
//! Prints, per radius band: accepted and rejected steps, the mean accepted step, the collective
//! rate g|P| (eigenvalue splitting of g·P at the band's start), ω_max = |Δm²|/2E_min, and
//! h·ω_max; then the steps CF4's local error model g|P| ω_max⁴ h⁵ ≈ tol would predict.
//! `rho0_g_cm3` > 0 adds the matter envelope ρ₀ (10 km/r)³, Y_e = 0.5 (`bulb::envelope`).
//! `cargo run --release --features tools --example collective_far_steps -- [bins] [tol] [e_min_mev] [r1_km]
//! [rho0_g_cm3]`.

use std::cell::RefCell;
use std::time::Instant;

use nuspin::collective::{
    solve_lie_until, CollectiveProblem, CollectiveState, EnergyBins, LieOptions, StepWatch,
};
use nuspin::reference::bulb;

/// ħc in eV·km.
const HBARC_EV_KM: f64 = 1.973_269_804e-10;

/// Records the radius before every step (accepted or rejected).
struct Radii(RefCell<Vec<f64>>);

impl StepWatch for Radii {
    fn before_step(&self, r_km: f64) -> bool {
        self.0.borrow_mut().push(r_km);
        false
    }
}

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let arg = |i: usize, d: f64| a.get(i).and_then(|s| s.parse().ok()).unwrap_or(d);
    let nbins = arg(1, 200.0) as usize;
    let tol = arg(2, 1e-6);
    let e_min = arg(3, 0.0);
    let r1 = arg(4, 1000.0);
    let mut bins = EnergyBins::uniform(nbins, 80.0);
    bins.centres_mev.retain(|&e| e >= e_min);
    let lowest = bins.centres_mev[0];
    let omega_max = 3e-3 / (2.0 * lowest * 1e6) / HBARC_EV_KM;
    let rho0 = arg(5, 0.0);
    let medium = bulb::envelope(rho0, 0.0, 2.0);
    let problem = bulb::majorana_problem(&medium, &bins);
    let edges: Vec<f64> = [
        10.0, 10.5, 12.0, 15.0, 22.57, 30.0, 50.0, 100.0, 200.0, 500.0,
    ]
    .into_iter()
    .chain([r1])
    .filter(|&x| x <= r1)
    .collect();
    let opts = LieOptions {
        tol,
        ..LieOptions::default()
    };
    let radii = Radii(RefCell::new(Vec::new()));
    let t = Instant::now();
    let start = CollectiveState::initial(&problem, 10.0);
    let sol = solve_lie_until(&problem, start, r1, &edges, &opts, &radii).unwrap();
    println!(
        "{} bins from {lowest:.2} MeV (omega_max {omega_max:.2}/km), tol {tol:e}, rho0 {rho0:e}, 10 -> {r1} km: \
         {} accepted, {} rejected, {:.1} s wall",
        problem.len(),
        sol.stats.accepted,
        sol.stats.rejected,
        t.elapsed().as_secs_f64()
    );
    let r = radii.0.borrow();
    let geometry = problem.geometry();
    println!("band_km acc rej mean_h_km g|P|_per_km h*omega_max predicted_h_km");
    let mut rates = vec![omega_rate(
        &problem,
        &problem.initial_state(),
        geometry.g(10.0),
    )];
    rates.extend(
        sol.records
            .iter()
            .map(|s| omega_rate(&problem, &s.rho, geometry.g(s.r_km))),
    );
    for (k, w) in edges.windows(2).enumerate() {
        let (lo, hi) = (w[0], w[1]);
        let (mut acc, mut rej, mut sum) = (0u64, 0u64, 0.0);
        for (i, &x) in r.iter().enumerate() {
            if x < lo || x >= hi {
                continue;
            }
            match r.get(i + 1) {
                Some(&y) if y == x => rej += 1,
                Some(&y) => {
                    acc += 1;
                    sum += y - x;
                }
                None => acc += 1,
            }
        }
        let mean = if acc > 0 { sum / acc as f64 } else { 0.0 };
        let gp = rates[k];
        let predicted = (tol / (gp * omega_max.powi(4))).powf(0.2);
        println!(
            "{lo:.2}-{hi:.2} {acc} {rej} {mean:.3e} {gp:.3e} {:.3} {predicted:.3e}",
            mean * omega_max
        );
    }
}

/// The eigenvalue splitting of g·P (km⁻¹): the collective precession rate.
fn omega_rate(
    problem: &CollectiveProblem<'_, 4>,
    rho: &[nuspin::hamiltonian::CMat<4>],
    g: f64,
) -> f64 {
    let p = problem.potential_matrix(rho);
    let d = (p[(0, 0)] - p[(1, 1)]).re;
    g * (d * d + 4.0 * p[(0, 1)].norm_sqr()).sqrt()
}
