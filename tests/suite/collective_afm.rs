//! The adiabatic-frame stepper (AFM) of `nuspin::collective::afm`: fourth order on a one-bin
//! exact case, spectra and unitarity, agreement with DOP853 on the reference bulb near R_ν, and the
//! hand-over to CF4.

use crate::collective_common;

use collective_common::*;
use num_complex::Complex64;
use nuspin::basis::Nature;
use nuspin::collective::{
    afm_applies, solve_afm_then_lie, solve_dop853_collective, solve_lie_until, AfmOptions,
    AfmStats, CollectiveProblem, CollectiveState, Emission, Geometry, LieOptions, ReferenceOptions,
};
use nuspin::hamiltonian::CMat;
use nuspin::medium::ConstantMedium;
use nuspin::mixing::Mixing;
use nuspin::moments::Moments;
use nuspin::reference::bulb::max_population_difference;

/// Majorana bins at g = 1 (no geometry) with the given initial diagonals.
fn constant_g<'a>(
    medium: &'a ConstantMedium,
    mixing: &Mixing,
    energies_mev: &[f64],
    diag: Vec<[f64; 4]>,
) -> CollectiveProblem<'a, 4> {
    CollectiveProblem::<4>::new(
        Nature::Majorana,
        mixing,
        &Moments::zero(),
        medium,
        Geometry::Constant { g: 1.0 },
        energies_mev,
        diag,
    )
    .unwrap()
}

fn no_stop() -> bool {
    false
}

fn afm_fixed(problem: &CollectiveProblem<'_, 4>, r0: f64, r1: f64, n: u64) -> CollectiveState<4> {
    let afm = AfmOptions {
        fixed_steps: Some(n),
        ..AfmOptions::default()
    };
    let (sol, stats) = solve_afm_then_lie(
        problem,
        CollectiveState::initial(problem, r0),
        r1,
        &[],
        &LieOptions::default(),
        &afm,
        &no_stop,
    )
    .unwrap();
    assert_eq!(stats.not_applicable, None);
    assert_eq!(stats.handover_km, None);
    sol.records.last().unwrap().clone()
}

/// One ν only: d = v, so the self-interaction does nothing and the exact answer is the
/// vacuum rotation about b — while the collective rate g|d| is 10⁴ times ω.
#[test]
fn one_bin_is_fourth_order_to_the_exact_rotation() {
    let medium = vacuum();
    let mixing = mixing_for_omega(0.3, 1.0);
    let problem = constant_g(&medium, &mixing, &[1.0], vec![[1e4, 0.0, 0.0, 0.0]]);
    let (r0, r1) = (0.0, 0.4);
    // [gA, ρ] = 0 for the lone ν, so ρ(r) = e^{−iH_vac Δr} ρ₀ e^{iH_vac Δr} exactly.
    let rho0 = problem.initial_state();
    let mut h = vec![CMat::<4>::zeros()];
    problem
        .hamiltonians(r0, &[CMat::<4>::zeros()], &mut h)
        .unwrap();
    let u = (h[0] * Complex64::new(0.0, -(r1 - r0))).exp();
    let exact = &[u * rho0[0] * u.adjoint()];
    let errs: Vec<f64> = [1, 2, 4]
        .iter()
        .map(|&n| max_population_difference(&afm_fixed(&problem, r0, r1, n).rho, exact))
        .collect();
    println!("one bin, 1/2/4 steps: {errs:?}");
    // The frame follows v exactly, so only the quadrature of d' = b x S is left: round-off.
    assert!(errs.iter().all(|&e| e < 1e-13), "{errs:?}");
}

/// Two bins (a ν-rich and a mixed one) at g|d| ≈ 5e3 ω over 0.1 km (550 rad of Φ): the
/// systems nutate about d. Fixed AFM steps against DOP853 at rtol 1e-14 (6e-14 from rtol
/// 1e-13). Without Ω₃ (stop 27) the errors sat on a floor ≈ 5e-9 whatever h (2.5e-8, 8.9e-9,
/// 5.3e-9, 9.2e-9, 4.7e-9, 1.3e-9, 3.5e-9 for 2..128 steps): the truncated secular part
/// of the fast frame generator's third Magnus term. With it the error falls to ~1e-12 once
/// Φ per step is ≲ 20 rad; the long steps (2–16, 35–275 rad each) stay at ≈ 1e-8, which is
/// the slow fit of S (with S summed exactly on every fine node they are 1.2e-10..2.4e-11).
#[test]
fn two_bins_converge_below_the_old_floor() {
    let medium = vacuum();
    let mixing = mixing_for_omega(0.3, 1.0);
    let problem = constant_g(
        &medium,
        &mixing,
        &[1.0, 0.5],
        vec![[1e4, 0.0, 6e3, 0.0], [5e3, 1e3, 3e3, 5e2]],
    );
    let (r0, r1) = (0.0, 0.1);
    let dop = |rtol: f64| {
        let options = ReferenceOptions {
            rtol,
            atol: 1e-3 * rtol,
            ..ReferenceOptions::default()
        };
        let start = CollectiveState::initial(&problem, r0);
        let sol = solve_dop853_collective(&problem, start, r1, &[], &options).unwrap();
        sol.records.last().unwrap().rho.clone()
    };
    let exact = dop(1e-14);
    println!(
        "DOP853 1e-14 vs 1e-13: {:.2e}",
        max_population_difference(&exact, &dop(1e-13))
    );
    let errs: Vec<f64> = [2, 4, 8, 16, 32, 64, 128, 256]
        .iter()
        .map(|&n| max_population_difference(&afm_fixed(&problem, r0, r1, n).rho, &exact))
        .collect();
    println!("two bins, 2..256 steps: {errs:?}");
    assert!(errs[..4].iter().all(|&e| e < 3e-8), "{errs:?}");
    assert!(errs[4..].iter().all(|&e| e < 3e-11), "{errs:?}");
}

/// ρ's spectra (each block's eigenvalues) and Ψ's unitarity after an adaptive AFM run.
fn assert_spectra(start: &[CMat<4>], end: &CollectiveState<4>, rel: f64) {
    for (a, b) in start.iter().zip(&end.rho) {
        for blk in [0, 2] {
            let eig = |m: &CMat<4>| {
                let (p, q, z) = (
                    m[(blk, blk)].re,
                    m[(blk + 1, blk + 1)].re,
                    m[(blk, blk + 1)],
                );
                let r = ((p - q).powi(2) / 4.0 + z.norm_sqr()).sqrt();
                [(p + q) / 2.0 - r, (p + q) / 2.0 + r]
            };
            let (ea, eb) = (eig(a), eig(b));
            let tr = ea[0].abs() + ea[1].abs();
            for k in 0..2 {
                assert!(
                    (ea[k] - eb[k]).abs() <= rel * tr.max(1e-300),
                    "{ea:?} {eb:?}"
                );
            }
        }
    }
    for p in &end.psi {
        let d = p * p.adjoint() - CMat::<4>::identity();
        assert!(d.iter().all(|z| z.norm() < rel));
    }
    // Ψ carries the same rotations as ρ (ν̄: the conjugate SU(2) block), so the channel
    // probabilities |Ψ_js|² describe the evolved ρ.
    for ((p, r0), r) in end.psi.iter().zip(start).zip(&end.rho) {
        let tr = (r0[(0, 0)] + r0[(1, 1)] + r0[(2, 2)] + r0[(3, 3)]).re;
        let d = p * r0 * p.adjoint() - r;
        assert!(d.iter().all(|z| z.norm() < 10.0 * rel * tr), "{d}");
    }
}

/// The reference bulb of `emission`, 6 bins, R_ν → `r1`: AFM (+ CF4) at the default tolerance,
/// and its largest population difference to DOP853 at rtol 1e-12. Spectra and Ψ are checked
/// to `rel`.
fn afm_against_dop853(
    emission: &Emission,
    r1: f64,
    rel: f64,
    step_doubling: bool,
) -> (AfmStats, u64, f64) {
    let medium = vacuum();
    let bins = bins(6, 80.0);
    let problem = majorana_bulb(&medium, &bulb_mixing(), emission, &bins);
    assert!(afm_applies(&problem).is_ok());
    let start = CollectiveState::initial(&problem, emission.r_nu_km);
    let lie = LieOptions::default();
    let afm = AfmOptions {
        step_doubling,
        ..AfmOptions::default()
    };
    let (sol, stats) =
        solve_afm_then_lie(&problem, start.clone(), r1, &[], &lie, &afm, &no_stop).unwrap();
    let end = sol.records.last().unwrap();
    assert_spectra(&start.rho, end, rel);
    let options = ReferenceOptions {
        rtol: 1e-12,
        atol: 1e-14,
        ..ReferenceOptions::default()
    };
    let reference = solve_dop853_collective(&problem, start, r1, &[], &options).unwrap();
    let dp = max_population_difference(&end.rho, &reference.records.last().unwrap().rho);
    (stats, sol.stats.accepted, dp)
}

/// The reference bulb, 6 bins, from R_ν to 11 km: adaptive AFM at the default tolerance against
/// DOP853 at rtol 1e-12 (CF4 takes 83 658 steps below 11 km).
#[test]
fn bulb_near_r_nu_matches_dop853() {
    for doubling in [true, false] {
        let (stats, _, dp) = afm_against_dop853(&bulb_emission(), 11.0, 1e-13, doubling);
        println!(
            "6 bins R_nu -> 11 km, doubling {doubling}: AFM {stats:?}, |dP| vs DOP853 {dp:.2e}"
        );
        assert_eq!(stats.handover_km, None);
        assert!(stats.accepted < 2000, "{stats:?}");
        assert!(dp < 1e-8, "{dp}");
    }
}

/// The reference bulb at a tenth of the luminosity, 6 bins, R_ν → 60 km (the swap develops):
/// AFM with the hand-over to CF4 against DOP853 at rtol 1e-12, ρ and Ψ carried across
/// (~1e5 CF4 steps after the hand-over accumulate round-off in the spectra).
#[test]
fn handover_through_the_swap_matches_dop853() {
    let (stats, cf4_steps, dp) = afm_against_dop853(&dim_emission(), 60.0, 1e-11, true);
    let handover = stats.handover_km.expect("CF4 takes over before 60 km");
    println!(
        "dim bulb R_nu -> 60 km: AFM {} steps to {handover:.2} km, CF4 {cf4_steps} steps, |dP| vs DOP853 {dp:.2e}",
        stats.accepted
    );
    assert!(handover > 20.0 && handover < 60.0);
    assert!(dp < 1e-7, "{dp}");
}

/// A dimmer bulb in matter (L = 3e48 erg/s per species, normal Δm² = 3e-4 eV², 6 bins of
/// 3–33 MeV, ρ = 1e5 g/cm³ (10 km/r)³; as the reference script's AFM cases), R_ν → 25 km at
/// the default tolerance: AFM must run until g|P| falls below 10 max|ω| (18.75 km) and agree
/// with DOP853. Before stop 30 the frame's minimal rotation took its angle from acos, which
/// is wrong by ~1e-16/θ for the tiny angles near a step's start: that noise kept the d
/// iteration from settling to tol/100, shorter retries were noisier still, and the step fell
/// below `min_step_km` at 10.22 km (86 AFM steps).
#[test]
fn tight_tolerance_runs_to_the_ratio_handover() {
    let medium = nuspin::reference::bulb::envelope(1e5, 0.0, 2.0);
    let mut emission = bulb_emission();
    for s in [
        &mut emission.nu_e,
        &mut emission.nubar_e,
        &mut emission.nu_x,
        &mut emission.nubar_x,
    ] {
        s.luminosity_erg_s = 3e48;
    }
    let problem = CollectiveProblem::<4>::bulb(
        Nature::Majorana,
        &nuspin::reference::bulb::mixing_with_dm2(3e-4),
        &Moments::zero(),
        &medium,
        &emission,
        &bins(6, 36.0),
    )
    .unwrap();
    let start = CollectiveState::initial(&problem, emission.r_nu_km);
    let (sol, stats) = solve_afm_then_lie(
        &problem,
        start.clone(),
        25.0,
        &[],
        &LieOptions::default(),
        &AfmOptions::default(),
        &no_stop,
    )
    .unwrap();
    let options = ReferenceOptions {
        rtol: 1e-12,
        atol: 1e-14,
        ..ReferenceOptions::default()
    };
    let reference = solve_dop853_collective(&problem, start, 25.0, &[], &options).unwrap();
    let dp = max_population_difference(
        &sol.records.last().unwrap().rho,
        &reference.records.last().unwrap().rho,
    );
    println!("matter bulb R_nu -> 25 km: AFM {stats:?}, |dP| vs DOP853 {dp:.2e}");
    let handover = stats
        .handover_km
        .expect("the ratio hand-over lies before 25 km");
    assert!(handover > 18.0, "AFM stopped at {handover} km: {stats:?}");
    // Measured 7.3e-11 (stop 30).
    assert!(dp < 1e-9, "{dp}");
}

/// The 6-bin reference bulb with a transition moment of `mu_mub` μ_B (e–μ), R_ν → `r1`, by AFM
/// (then CF4) and, with `cf4`, by CF4 alone, in `medium`.
fn bulb_with_moment(
    medium: &dyn nuspin::medium::Medium,
    mu_mub: f64,
    r1: f64,
    cf4: bool,
) -> (AfmStats, CollectiveState<4>, Option<CollectiveState<4>>) {
    let emission = bulb_emission();
    let mixing = bulb_mixing();
    let moments = nuspin::reference::bulb::transition_moment(Nature::Majorana, &mixing, mu_mub);
    let problem = CollectiveProblem::<4>::bulb(
        Nature::Majorana,
        &mixing,
        &moments,
        medium,
        &emission,
        &bins(6, 80.0),
    )
    .unwrap();
    assert_eq!(afm_applies(&problem), Ok(()));
    let start = CollectiveState::initial(&problem, emission.r_nu_km);
    let lie = LieOptions::default();
    let (afm, stats) = solve_afm_then_lie(
        &problem,
        start.clone(),
        r1,
        &[],
        &lie,
        &AfmOptions::default(),
        &no_stop,
    )
    .unwrap();
    let last = |s: nuspin::collective::CollectiveSolution<4>| s.records.last().unwrap().clone();
    let cf4 = cf4.then(|| last(solve_lie_until(&problem, start, r1, &[], &lie, &no_stop).unwrap()));
    (stats, last(afm), cf4)
}

/// A moment applies to AFM (`[collective] method = "afm"`, docs/scenario.md): where no field
/// switches it on AFM runs as without it, and in a transverse field it hands over to CF4 at the
/// start. Until stop 31 any moment made AFM inapplicable — its B∥ terms μ_B(Dλ + λ†D)B∥/2E
/// differ between ν and ν̄ — so "afm" with a moment was refused with "a matter term that
/// differs between ν and ν̄" although the medium had neither matter nor B∥.
#[test]
fn a_moment_hands_over_only_where_its_field_is_on() {
    // No field: the moment does nothing, and AFM takes the same steps to the same state.
    let (with, afm, _) = bulb_with_moment(&vacuum(), 1e-16, 11.0, false);
    let (without, afm0, _) = bulb_with_moment(&vacuum(), 0.0, 11.0, false);
    println!("vacuum, moment: {with:?}; without: {without:?}");
    assert_eq!(with.handover_km, None);
    assert_eq!(with.accepted, without.accepted);
    assert!(with.accepted > 0);
    let dp = max_population_difference(&afm.rho, &afm0.rho);
    assert!(dp < 1e-13, "{dp}");
    // A transverse field B⊥ = 1e12 G (10 km/r)²: μB ≈ 3e-3 km⁻¹ flips helicity from R_ν, so
    // CF4 takes over at once and the run is CF4's.
    let field = nuspin::reference::bulb::envelope(0.0, 1e12, 2.0);
    let (stats, afm, cf4) = bulb_with_moment(&field, 1e-16, 10.05, true);
    let cf4 = cf4.unwrap();
    println!("field, moment: {stats:?}");
    assert_eq!(stats.accepted, 0, "{stats:?}");
    assert_eq!(stats.handover_km, Some(10.0), "{stats:?}");
    let dp = max_population_difference(&afm.rho, &cf4.rho);
    assert!(dp < 1e-13, "{dp}");
}
