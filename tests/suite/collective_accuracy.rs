//! The CF4 integrator at its DEFAULT tolerance against DOP853 at tight tolerance (issue 21:
//! max |ΔP| ≤ 1e-6 on the non-chaotic cases), and how strongly each case amplifies a tiny
//! change of its initial state (which says which cases are chaotic in the sense).
//!
//! |ΔP| is measured on the normalised populations ρ_jj / Tr ρ of every bin (the channel
//! probabilities the outputs report), |Δρ| on every entry of ρ / Tr ρ (the coherences carry
//! the fast collective phases). Numbers: docs/collective.md, "Accuracy at the default
//! tolerance".

use crate::collective_common;
use collective_common::*;

use nuspin::collective::{
    solve_dop853_collective, solve_lie, CollectiveProblem, CollectiveState, EnergyBins, LieOptions,
    ReferenceOptions,
};
use nuspin::hamiltonian::CMat;

/// (max |ΔP| over populations, max |Δρ| over all entries), both normalised per system.
fn distance(problem: &CollectiveProblem<'_, 4>, a: &[CMat<4>], b: &[CMat<4>]) -> (f64, f64) {
    let mut pop: f64 = 0.0;
    let mut all: f64 = 0.0;
    for ((x, y), d) in a.iter().zip(b).zip(problem.initial_diagonal()) {
        let t = d.iter().sum::<f64>();
        let dx = (x - y) / nalgebra::Complex::new(t, 0.0);
        all = all.max(dx.iter().map(|z| z.norm()).fold(0.0, f64::max));
        pop = pop.max((0..4).map(|i| dx[(i, i)].norm()).fold(0.0, f64::max));
    }
    (pop, all)
}

fn dop(problem: &CollectiveProblem<'_, 4>, start: CollectiveState<4>, end: f64) -> Vec<CMat<4>> {
    let opts = ReferenceOptions {
        rtol: 1e-12,
        atol: 1e-14,
        ..ReferenceOptions::default()
    };
    let sol = solve_dop853_collective(problem, start, end, &[], &opts).unwrap();
    sol.records.last().unwrap().rho.clone()
}

/// (|ΔP|, |Δρ|, CF4 steps, amplification): CF4 at the default tolerance against DOP853 at
/// rtol 1e-12; the amplification is the largest population change produced by a relative
/// 1e-9 coherence added to every initial ρ (DOP853 both), divided by 1e-9.
fn measure(problem: &CollectiveProblem<'_, 4>, r0: f64, end: f64) -> (f64, f64, u64, f64) {
    let start = CollectiveState::initial(problem, r0);
    let lie = solve_lie(problem, start.clone(), end, &[], &LieOptions::default()).unwrap();
    let truth = dop(problem, start.clone(), end);
    let (pop, all) = distance(problem, &lie.records.last().unwrap().rho, &truth);
    let mut kicked = start;
    for (r, d) in kicked.rho.iter_mut().zip(problem.initial_diagonal()) {
        let c = 1e-9 * d.iter().sum::<f64>();
        r[(0, 1)] += c;
        r[(1, 0)] += c;
    }
    let moved = dop(problem, kicked, end);
    let amplification = distance(problem, &moved, &truth).0 / 1e-9;
    (pop, all, lie.stats.accepted, amplification)
}

#[test]
fn default_tolerance_matches_dop853_on_the_non_chaotic_cases() {
    let mut worst = Vec::new();
    let medium = vacuum();
    let mixing = bulb_mixing();
    // The reference bulb at a tenth of the luminosity, 6 bins, R_ν → 60 km: the swap develops
    // (nonlinear) but nothing amplifies by more than ~10².
    let dim = dim_emission();
    let bins6 = EnergyBins::uniform(6, 60.0);
    let problem = majorana_bulb(&medium, &mixing, &dim, &bins6);
    let (pop, all, steps, amp) = measure(&problem, 10.0, 60.0);
    eprintln!("dim bulb 6 bins to 60 km: |ΔP| {pop:.2e}, |Δρ| {all:.2e}, {steps} steps, amplification {amp:.1e}");
    worst.push(pop);
    // The full-luminosity bulb near R_ν (10 → 14 km), where the step count is made.
    let full = bulb_emission();
    let problem = majorana_bulb(&medium, &mixing, &full, &bins6);
    let (pop, all, steps, amp) = measure(&problem, 10.0, 14.0);
    eprintln!("full bulb 6 bins 10-14 km: |ΔP| {pop:.2e}, |Δρ| {all:.2e}, {steps} steps, amplification {amp:.1e}");
    worst.push(pop);
    // The bipolar pendulum (α = 0.8, θ = 0.01) over half a period: an unstable flow.
    let pmix = mixing_for_omega(0.01, -1.0);
    let problem = pendulum(&medium, &pmix, 10.0, 0.8);
    let (pop, all, steps, amp) = measure(&problem, 0.0, 1.5);
    eprintln!("pendulum to t = 1.5: |ΔP| {pop:.2e}, |Δρ| {all:.2e}, {steps} steps, amplification {amp:.1e}");
    worst.push(pop);
    assert!(worst.iter().all(|&p| p < 1e-6), "{worst:?}");
}
