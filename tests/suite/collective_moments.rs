//! Collective evolution with helicity mixing and the Dirac / three-flavour variants:
//! the single-particle limit against the crate's own propagators, Dirac = Majorana without
//! moments, three flavours with a decoupled μ = two flavours, and the conservation laws that
//! survive a moment (docs/collective.md, "Conservation laws").

use crate::collective_common;
use collective_common::*;

use num_complex::Complex64;
use nuspin::basis::{Basis, Nature};
use nuspin::collective::observables::{helicity_flip_fraction, trace_p};
use nuspin::collective::{
    solve_lie, CollectiveProblem, CollectiveState, EnergyBins, Geometry, LieOptions,
};
use nuspin::evolve::{solve, Record, SolverOptions};
use nuspin::hamiltonian::{EnergyHamiltonian, MediumHamiltonian, Model};
use nuspin::medium::supernova::{SupernovaMedium, SupernovaParams};
use nuspin::mixing::{Mixing, OscillationParams, ThreeFlavourParams};
use nuspin::moments::{MomentInput, Moments};

fn moment(nature: Nature, mixing: &Mixing, mu_mub: f64) -> Moments {
    Moments::new(
        &MomentInput {
            basis: None,
            magnetic_mu_b: vec![("e_mu".into(), Complex64::new(mu_mub, 0.0))],
            electric_mu_b: vec![],
        },
        nature,
        mixing,
    )
    .unwrap()
}

fn supernova(rho0: f64, b0: f64, ye: f64) -> SupernovaMedium {
    SupernovaMedium::new(SupernovaParams {
        rho0_g_cm3: rho0,
        r0_km: 10.0,
        index: 3.0,
        ye,
        r_max_km: 1e6,
        shock: None,
        reverse_shock: None,
        b0_gauss: b0,
        b_index: 2.0,
        b_angle_deg: None,
        twist_rad_per_km: 0.0,
    })
}

fn dim_bulb_problem<'a>(
    nature: Nature,
    mixing: &Mixing,
    moments: &Moments,
    medium: &'a SupernovaMedium,
    bins: &EnergyBins,
) -> CollectiveProblem<'a, 4> {
    let mut em = bulb_emission();
    for s in [&mut em.nu_e, &mut em.nubar_e, &mut em.nu_x, &mut em.nubar_x] {
        s.luminosity_erg_s = 1e50;
    }
    CollectiveProblem::<4>::bulb(nature, mixing, moments, medium, &em, bins).unwrap()
}

#[test]
fn without_self_interaction_amplitudes_are_the_single_particle_propagators() {
    let mixing = bulb_mixing();
    let medium = supernova(1e6, 1e12, 0.45);
    for nature in [Nature::Majorana, Nature::Dirac] {
        let moments = moment(nature, &mixing, 1e-14);
        let energies = [5.0, 20.0];
        let systems = if nature == Nature::Majorana { 1 } else { 2 };
        let problem = CollectiveProblem::<4>::new(
            nature,
            &mixing,
            &moments,
            &medium,
            Geometry::Constant { g: 0.0 },
            &energies,
            vec![[1.0, 0.5, 0.7, 0.2]; energies.len() * systems],
        )
        .unwrap();
        let sol = solve_lie(
            &problem,
            CollectiveState::initial(&problem, 10.0),
            200.0,
            &[],
            &LieOptions {
                tol: 1e-12,
                ..LieOptions::default()
            },
        )
        .unwrap();
        let last = sol.records.last().unwrap();
        let bases: &[Basis] = match nature {
            Nature::Majorana => &[Basis::Majorana],
            Nature::Dirac => &[Basis::DiracNeutrino, Basis::DiracAntineutrino],
        };
        for (i, &e) in energies.iter().enumerate() {
            for (sys, &basis) in bases.iter().enumerate() {
                let model = Model::new(basis, mixing.clone(), moments.clone());
                let h =
                    MediumHamiltonian::new(EnergyHamiltonian::<4>::new(&model, e * 1e6), &medium);
                let s = solve(
                    &h,
                    10.0,
                    200.0,
                    &Record::End,
                    &SolverOptions {
                        rtol: 1e-12,
                        ..SolverOptions::default()
                    },
                )
                .unwrap();
                let exact = s.propagators.last().unwrap();
                let psi = last.psi[i * systems + sys];
                let d = (psi - exact).iter().map(|z| z.norm()).fold(0.0, f64::max);
                // Some spin-flavour conversion happened, so the moment term is exercised.
                let flip = psi[(2, 1)].norm_sqr() + psi[(3, 0)].norm_sqr();
                eprintln!("{nature:?} E {e} system {sys}: |Ψ − S| = {d:.2e}, flip {flip:.3e}");
                assert!(d < 1e-8, "{d}");
                assert!(flip > 1e-6);
            }
        }
    }
}

#[test]
fn dirac_without_moment_equals_majorana() {
    let mixing = bulb_mixing();
    let medium = supernova(0.0, 0.0, 0.5);
    let bins = EnergyBins::uniform(4, 60.0);
    let opts = LieOptions {
        tol: 1e-12,
        ..LieOptions::default()
    };
    let run = |nature| {
        let p = dim_bulb_problem(nature, &mixing, &Moments::zero(), &medium, &bins);
        solve_lie(&p, CollectiveState::initial(&p, 10.0), 35.0, &[], &opts)
            .unwrap()
            .records
            .pop()
            .unwrap()
            .rho
    };
    let maj = run(Nature::Majorana);
    let dir = run(Nature::Dirac);
    let mut worst: f64 = 0.0;
    for (i, m) in maj.iter().enumerate() {
        let (nu, nubar) = (dir[2 * i], dir[2 * i + 1]);
        let scale = m.trace().re;
        for a in 0..2 {
            for b in 0..2 {
                worst = worst.max((m[(a, b)] - nu[(a, b)]).norm() / scale);
                worst = worst.max((m[(2 + a, 2 + b)] - nubar[(a, b)]).norm() / scale);
                // Sterile blocks stay empty without a moment.
                assert_eq!(nu[(2 + a, 2 + b)], Complex64::new(0.0, 0.0));
            }
        }
    }
    eprintln!("Dirac vs Majorana: {worst:.2e}");
    assert!(worst < 1e-6, "{worst}");
}

#[test]
fn three_flavours_with_decoupled_mu_equal_two_flavours() {
    let medium = supernova(0.0, 0.0, 0.5);
    let bins = EnergyBins::uniform(4, 60.0);
    let two = bulb_mixing();
    let three = Mixing::new(
        OscillationParams::Three(ThreeFlavourParams {
            theta12_deg: 0.0,
            theta13_deg: 0.1f64.to_degrees(),
            theta23_deg: 0.0,
            delta_cp_deg: 0.0,
            dm21_ev2: 7.5e-5,
            dm31_ev2: -3e-3,
        }),
        0.0,
        &[],
    )
    .unwrap();
    let mut em = bulb_emission();
    for s in [&mut em.nu_e, &mut em.nubar_e, &mut em.nu_x, &mut em.nubar_x] {
        s.luminosity_erg_s = 1e50;
    }
    let opts = LieOptions {
        tol: 1e-12,
        ..LieOptions::default()
    };
    let p2 = CollectiveProblem::<4>::bulb(
        Nature::Majorana,
        &two,
        &Moments::zero(),
        &medium,
        &em,
        &bins,
    )
    .unwrap();
    let p3 = CollectiveProblem::<6>::bulb(
        Nature::Majorana,
        &three,
        &Moments::zero(),
        &medium,
        &em,
        &bins,
    )
    .unwrap();
    let r2 = solve_lie(&p2, CollectiveState::initial(&p2, 10.0), 35.0, &[], &opts)
        .unwrap()
        .records
        .pop()
        .unwrap()
        .rho;
    let r3 = solve_lie(&p3, CollectiveState::initial(&p3, 10.0), 35.0, &[], &opts)
        .unwrap()
        .records
        .pop()
        .unwrap()
        .rho;
    // 2-flavour index → 3-flavour index: e → e, x → τ, and the same in the ν̄ block.
    let map = [0usize, 2, 3, 5];
    let mut worst: f64 = 0.0;
    for (a2, a3) in r2.iter().zip(&r3) {
        let scale = a2.trace().re;
        for i in 0..4 {
            for j in 0..4 {
                worst = worst.max((a2[(i, j)] - a3[(map[i], map[j])]).norm() / scale);
            }
        }
    }
    eprintln!("3 vs 2 flavours: {worst:.2e}");
    assert!(worst < 1e-6, "{worst}");
    // The e–τ pair did convert (the comparison is not between two unchanged states).
    let moved = r2
        .iter()
        .zip(p2.initial_diagonal())
        .any(|(r, d)| (r[(2, 2)].re - d[2]).abs() > 0.05 * d[2]);
    assert!(moved);
}

#[test]
fn with_a_moment_only_each_spectrum_survives() {
    let mixing = bulb_mixing();
    // μB(85 km) ≈ 0.4 km⁻¹ at the ν_x ↔ ν̄_e resonance 3 g Tr P = |ω| cos 2θ (collective.md (E4)).
    let medium = supernova(0.0, 1e12, 0.5);
    let bins = EnergyBins::uniform(4, 60.0);
    for nature in [Nature::Majorana, Nature::Dirac] {
        let moments = moment(nature, &mixing, 1e-12);
        let p = dim_bulb_problem(nature, &mixing, &moments, &medium, &bins);
        let start = CollectiveState::initial(&p, 10.0);
        let t0 = trace_p(&p, &start.rho);
        let sol = solve_lie(&p, start, 150.0, &[40.0], &LieOptions::default()).unwrap();
        let last = sol.records.last().unwrap();
        for (r, d) in last.rho.iter().zip(p.initial_diagonal()) {
            let tr = r.trace().re;
            let w1: f64 = d.iter().sum();
            assert!((tr / w1 - 1.0).abs() < 1e-12);
            let t2: f64 = (r * r).trace().re;
            let w2: f64 = d.iter().map(|x| x * x).sum();
            assert!((t2 / w2 - 1.0).abs() < 1e-11, "{}", t2 / w2 - 1.0);
        }
        let t1 = trace_p(&p, &last.rho);
        let flip = helicity_flip_fraction(&p, &last.rho);
        eprintln!(
            "{nature:?}: Tr P {t0:.4e} → {t1:.4e}, flip fraction {flip:.3e}, {} steps",
            sol.stats.accepted
        );
        assert!(flip > 1e-3, "{flip}");
        assert!(((t1 - t0) / t0).abs() > 1e-3);
    }
}
