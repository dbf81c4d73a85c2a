//! The mixture's μ_eff² and composition against an independent average: the surface state
//! flown through vacuum (a matrix exponential of the vacuum Hamiltonian, not its eigenbasis)
//! and scattered as a pure state at equally spaced distances over one oscillation length.

use super::*;
use crate::basis::Nature;
use crate::detector::effective_moment::{composition, interaction_from_state};
use crate::evolve::propagate_constant;
use crate::hamiltonian::EnergyHamiltonian;
use crate::medium::MediumPoint;
use crate::mixing::{Mixing, OscillationParams, TwoFlavourParams};
use crate::moments::{MomentBasis, MomentInput, Moments};
use crate::observables::mass::vacuum_basis;
use crate::units::mev_to_ev;

fn c(re: f64, im: f64) -> Complex64 {
    Complex64::new(re, im)
}

const BASES: [Basis; 3] = [
    Basis::DiracNeutrino,
    Basis::DiracAntineutrino,
    Basis::Majorana,
];

/// Two flavours (one oscillation frequency per block) with flavour-basis moments.
fn model(basis: Basis) -> Model {
    let params = OscillationParams::Two(TwoFlavourParams {
        theta_deg: 33.0,
        dm2_ev2: 7.4e-5,
    });
    let phases: &[f64] = if basis == Basis::Majorana {
        &[40.0]
    } else {
        &[]
    };
    let mixing = Mixing::new(params, 0.01, phases).unwrap();
    let magnetic = match basis.nature() {
        Nature::Dirac => vec![
            ("e_e".to_string(), c(1.0e-11, 0.0)),
            ("e_mu".to_string(), c(2.0e-11, 0.7e-11)),
        ],
        Nature::Majorana => vec![("e_mu".to_string(), c(2.0e-11, 0.7e-11))],
    };
    let input = MomentInput {
        basis: Some(MomentBasis::Flavour),
        magnetic_mu_b: magnetic,
        electric_mu_b: vec![("e_mu".to_string(), c(0.3e-11, -0.2e-11))],
    };
    let moments = Moments::new(&input, basis.nature(), &mixing).unwrap();
    Model::new(basis, mixing, moments)
}

/// A normalised surface state with weight and phases in both helicity blocks.
fn surface_state() -> [Complex64; 4] {
    let raw = [c(0.6, 0.1), c(-0.3, 0.5), c(0.2, -0.25), c(0.05, 0.4)];
    let norm = raw.iter().map(|z| z.norm_sqr()).sum::<f64>().sqrt();
    raw.map(|z| z / norm)
}

#[test]
fn the_vacuum_flight_averages_a_state_to_the_mixture() {
    let energy_mev = 8.0;
    for basis in BASES {
        let model = model(basis);
        let psi = surface_state();
        // One block's vacuum splitting, closed form for a 2×2 Hermitian block.
        let h = *EnergyHamiltonian::<4>::new(&model, mev_to_ev(energy_mev)).vacuum();
        let split = ((h[(0, 0)].re - h[(1, 1)].re).powi(2) + 4.0 * h[(0, 1)].norm_sqr()).sqrt();
        let period_km = 2.0 * std::f64::consts::PI / split;
        // Averaging e^{iφ} over n equally spaced phases of one period is exact for n ≥ 2.
        let n = 7;
        let (mut mu2, mut comp) = (0.0, [0.0; 6]);
        for m in 0..n {
            let s = propagate_constant::<4>(
                &model,
                energy_mev,
                &MediumPoint::default(),
                period_km * (m as f64 + 0.3) / n as f64,
            );
            let flown: Vec<Complex64> = (0..4)
                .map(|a| (0..4).map(|b| s[(a, b)] * psi[b]).sum())
                .collect();
            let i = interaction_from_state(&model, &flown).unwrap();
            mu2 += i.mu_eff_sq_mu_b2 / n as f64;
            for f in 0..3 {
                comp[f] += i.composition.neutrino[f] / n as f64;
                comp[3 + f] += i.composition.antineutrino[f] / n as f64;
            }
        }
        // The mixture: populations of the vacuum eigenstates, their moments and transfers.
        let w0 = vacuum_basis::<4>(&model);
        let p: Vec<f64> = (0..4)
            .map(|k| {
                (0..4)
                    .map(|a| w0[(a, k)].conj() * psi[a])
                    .sum::<Complex64>()
                    .norm_sqr()
            })
            .collect();
        let ours = mixture_moment(&state_moments::<4>(&model, &w0), &p);
        let probs: Vec<f64> = (0..4)
            .map(|b| (0..4).map(|k| w0[(b, k)].norm_sqr() * p[k]).sum())
            .collect();
        let cc = arrival_composition(&probs, basis);
        println!("{basis:?}: mixture mu2 {ours:e}, flown average {mu2:e}");
        assert!(
            (ours / mu2 - 1.0).abs() < 1e-10,
            "{basis:?}: {ours} vs {mu2}"
        );
        for f in 0..2 {
            assert!((cc.neutrino[f] - comp[f]).abs() < 1e-12, "{basis:?} ν {f}");
            assert!(
                (cc.antineutrino[f] - comp[3 + f]).abs() < 1e-12,
                "{basis:?} ν̄ {f}"
            );
        }
        // The coherences matter: the surface state's own μ_eff² is not the mixture's.
        let surface = interaction_from_state(&model, &psi)
            .unwrap()
            .mu_eff_sq_mu_b2;
        // (Two Majorana flavours have Λ†Λ = |λ₁₂|² 1: no coherence can show there.)
        if basis != Basis::Majorana {
            assert!((surface / mu2 - 1.0).abs() > 1e-3, "{basis:?}");
        }
    }
}

#[test]
fn arrival_composition_reads_blocks_as_the_state_composition_does() {
    // A pure flavour/helicity state: |ψ|² as an arrival vector must scatter as the state.
    let psi = surface_state();
    let p: Vec<f64> = psi.iter().map(|z| z.norm_sqr()).collect();
    for basis in BASES {
        let model = model(basis);
        assert_eq!(
            arrival_composition(&p, basis),
            composition(&model, &psi).unwrap(),
            "{basis:?}"
        );
    }
    assert!(mixture_moment(&[1.0, 2.0], &[0.25, 0.5]) == 1.25);
}
