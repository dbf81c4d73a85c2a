//! Tests of μ_eff² against the closed-form limits of Giunti & Studenikin (RMP 87 (2015) 531,
//! sec. IV.D): short baseline, decoherent long baseline, SM diagonal Dirac moments.

use super::*;
use crate::basis::Nature;
use crate::mixing::{Mixing, Preset};
use crate::moments::{MomentBasis, MomentInput, Moments};

fn c(re: f64, im: f64) -> Complex64 {
    Complex64::new(re, im)
}

fn mixing() -> Mixing {
    // Majorana phases on, so that U is genuinely complex in every column.
    Mixing::from_preset(Preset::Nufit52No, 0.02, &[35.0, 70.0]).unwrap()
}

type Entries = Vec<(&'static str, Complex64)>;

/// Flavour-basis moments (μ and ε, in μ_B) as user entries, and λ_f = μ_f − iε_f built by hand.
fn flavour_moments(nature: Nature) -> (MomentInput, FlavourMatrix) {
    let (mag, ele): (Entries, Entries) = match nature {
        Nature::Dirac => (
            vec![
                ("e_e", c(1.0e-11, 0.0)),
                ("e_mu", c(2.0e-11, 0.5e-11)),
                ("mu_tau", c(-0.7e-11, 0.3e-11)),
                ("tau_tau", c(0.4e-11, 0.0)),
            ],
            vec![("e_tau", c(0.2e-11, -0.1e-11))],
        ),
        Nature::Majorana => (
            vec![
                ("e_mu", c(2.0e-11, 0.5e-11)),
                ("mu_tau", c(-0.7e-11, 0.3e-11)),
            ],
            vec![("e_tau", c(0.2e-11, -0.1e-11))],
        ),
    };
    let mut mu = FlavourMatrix::zeros();
    let mut eps = FlavourMatrix::zeros();
    let idx = |k: &str| ["e", "mu", "tau"].iter().position(|x| *x == k).unwrap();
    for (m, entries) in [(&mut mu, &mag), (&mut eps, &ele)] {
        for (key, v) in entries.iter() {
            let (a, b) = key.split_once('_').unwrap();
            let (a, b) = (idx(a), idx(b));
            m[(a, b)] = *v;
            if a != b {
                m[(b, a)] = match nature {
                    Nature::Dirac => v.conj(),
                    Nature::Majorana => -*v,
                };
            }
        }
    }
    let to_vec = |e: &[(&str, Complex64)]| e.iter().map(|(k, v)| (k.to_string(), *v)).collect();
    let input = MomentInput {
        basis: Some(MomentBasis::Flavour),
        magnetic_mu_b: to_vec(&mag),
        electric_mu_b: to_vec(&ele),
    };
    (input, mu - eps * Complex64::i())
}

fn model(basis: Basis) -> (Model, FlavourMatrix) {
    let mixing = mixing();
    let (input, lambda_f) = flavour_moments(basis.nature());
    let moments = Moments::new(&input, basis.nature(), &mixing).unwrap();
    (Model::new(basis, mixing, moments), lambda_f)
}

fn pure(index: usize) -> Vec<Complex64> {
    let mut v = vec![c(0.0, 0.0); 6];
    v[index] = c(1.0, 0.0);
    v
}

const BASES: [Basis; 3] = [
    Basis::DiracNeutrino,
    Basis::DiracAntineutrino,
    Basis::Majorana,
];

#[test]
fn short_baseline_is_the_flavour_column_norm() {
    // Closed form: a pure flavour ℓ gives μ_eff² = Σ_α |λ_{αℓ}|² (flavour basis).
    for basis in BASES {
        let (model, lf) = model(basis);
        for l in 0..3 {
            let expected: f64 = (0..3).map(|a| lf[(a, l)].norm_sqr()).sum();
            let got = effective_moment_sq(&model, &pure(l)).unwrap();
            assert!(
                (got.block_a_mu_b2 / expected - 1.0).abs() < 1e-12,
                "{basis:?} {l}"
            );
            assert!(got.block_b_mu_b2 == 0.0);
            // Block B (Dirac sterile or Majorana ν̄) pure in flavour ℓ: the row norm Σ_α |λ_{ℓα}|².
            let row: f64 = (0..3).map(|a| lf[(l, a)].norm_sqr()).sum();
            let got_b = effective_moment_sq(&model, &pure(3 + l)).unwrap();
            assert!(
                (got_b.block_b_mu_b2 / row - 1.0).abs() < 1e-12,
                "{basis:?} B {l}"
            );
        }
    }
}

#[test]
fn decoherent_limit_averages_the_phases() {
    // Closed form: averaging over independent phases of the mass components gives
    // Σ_jk |U_ℓk|² |λ_jk|². The phases run over a 4×4×4 grid of multiples of π/2, over which
    // every cross term e^{i(φ_k − φ_k')} averages to exactly zero.
    for basis in BASES {
        let (model, _) = model(basis);
        let u = *model.mixing.pmns();
        let lambda = model.moments.lambda();
        let anti = basis == Basis::DiracAntineutrino;
        for l in 0..3 {
            let expected: f64 = (0..3)
                .flat_map(|j| (0..3).map(move |k| (j, k)))
                .map(|(j, k)| u[(l, k)].norm_sqr() * lambda[(j, k)].norm_sqr())
                .sum();
            let mut sum = 0.0;
            let mut count = 0.0;
            for n in 0..64 {
                let phase = |k: usize| {
                    let step = [n % 4, (n / 4) % 4, n / 16][k] as f64;
                    Complex64::from_polar(1.0, step * std::f64::consts::FRAC_PI_2)
                };
                // Evolved mass amplitudes of an initial flavour ℓ, back in the flavour basis.
                let mut psi = vec![c(0.0, 0.0); 6];
                for (a, slot) in psi.iter_mut().take(3).enumerate() {
                    *slot = (0..3)
                        .map(|k| {
                            if anti {
                                u[(a, k)].conj() * u[(l, k)] * phase(k)
                            } else {
                                u[(a, k)] * u[(l, k)].conj() * phase(k)
                            }
                        })
                        .sum();
                }
                sum += effective_moment_sq(&model, &psi).unwrap().block_a_mu_b2;
                count += 1.0;
            }
            let got = sum / count;
            assert!(
                (got / expected - 1.0).abs() < 1e-12,
                "{basis:?} {l}: {got} vs {expected}"
            );
        }
    }
}

#[test]
fn sm_dirac_diagonal_moments() {
    // Closed form: diagonal mass-basis moments give μ_eff² = Σ_i |U_ℓi|² μ_ii² for any phases.
    let mixing = mixing();
    let mu = [3.2e-21, 5.0e-21, 1.6e-20];
    let input = MomentInput {
        basis: Some(MomentBasis::Mass),
        magnetic_mu_b: (0..3)
            .map(|i| (format!("{0}_{0}", i + 1), c(mu[i], 0.0)))
            .collect(),
        electric_mu_b: vec![],
    };
    let moments = Moments::new(&input, Nature::Dirac, &mixing).unwrap();
    let model = Model::new(Basis::DiracNeutrino, mixing, moments);
    let u = *model.mixing.pmns();
    for l in 0..3 {
        let expected: f64 = (0..3).map(|i| u[(l, i)].norm_sqr() * mu[i] * mu[i]).sum();
        let got = effective_moment_sq(&model, &pure(l)).unwrap().block_a_mu_b2;
        assert!((got / expected - 1.0).abs() < 1e-12);
    }
}

#[test]
fn composition_counts_active_components_only() {
    let amps = [
        c(0.6, 0.0),
        c(0.0, 0.48),
        c(0.0, 0.0),
        c(0.64, 0.0),
        c(0.0, 0.0),
        c(0.0, 0.0),
    ];
    let (dirac, _) = model(Basis::DiracNeutrino);
    let cd = composition(&dirac, &amps).unwrap();
    assert_eq!(cd.neutrino, [0.36, 0.48 * 0.48, 0.0]);
    assert_eq!(cd.antineutrino, [0.0; 3]);
    let (maj, _) = model(Basis::Majorana);
    let cm = composition(&maj, &amps).unwrap();
    assert_eq!(cm.antineutrino, [0.64 * 0.64, 0.0, 0.0]);
}

#[test]
fn wrong_length_is_an_error() {
    let (m, _) = model(Basis::Majorana);
    let e = effective_moment_sq(&m, &[c(1.0, 0.0); 4])
        .unwrap_err()
        .to_string();
    assert!(e.contains("expected 6") && e.contains("got 4"), "{e}");
}

#[test]
fn interaction_from_a_state_combines_both_blocks() {
    // Majorana: ν_e (block A) and ν̄_μ (block B) in equal parts; μ_eff² adds over the blocks.
    let (m, lf) = model(Basis::Majorana);
    let h = std::f64::consts::FRAC_1_SQRT_2;
    let amps = [
        c(h, 0.0),
        c(0.0, 0.0),
        c(0.0, 0.0),
        c(0.0, 0.0),
        c(0.0, h),
        c(0.0, 0.0),
    ];
    let i = interaction_from_state(&m, &amps).unwrap();
    assert!((i.composition.neutrino[0] - 0.5).abs() < 1e-15);
    assert!((i.composition.antineutrino[1] - 0.5).abs() < 1e-15);
    let expected: f64 = 0.5
        * (0..3)
            .map(|a| lf[(a, 0)].norm_sqr() + lf[(1, a)].norm_sqr())
            .sum::<f64>();
    assert!((i.mu_eff_sq_mu_b2 / expected - 1.0).abs() < 1e-12);
}

#[test]
fn decoherent_limit_with_random_phases() {
    // The same limit as above with pseudo-random phases (a fixed-seed LCG, 20000 draws): the
    // sample mean approaches Σ_jk |U_ℓk|² |λ_jk|² to within its ~1 % statistical error.
    let (model, _) = model(Basis::DiracNeutrino);
    let u = *model.mixing.pmns();
    let lambda = model.moments.lambda();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut uniform = move || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    let l = 1;
    let expected: f64 = (0..3)
        .flat_map(|j| (0..3).map(move |k| (j, k)))
        .map(|(j, k)| u[(l, k)].norm_sqr() * lambda[(j, k)].norm_sqr())
        .sum();
    let draws = 20_000;
    let mut sum = 0.0;
    for _ in 0..draws {
        let phases: Vec<Complex64> = (0..3)
            .map(|_| Complex64::from_polar(1.0, std::f64::consts::TAU * uniform()))
            .collect();
        let mut psi = vec![c(0.0, 0.0); 6];
        for (a, slot) in psi.iter_mut().take(3).enumerate() {
            *slot = (0..3)
                .map(|k| u[(a, k)] * u[(l, k)].conj() * phases[k])
                .sum();
        }
        sum += effective_moment_sq(&model, &psi).unwrap().block_a_mu_b2;
    }
    let got = sum / draws as f64;
    assert!((got / expected - 1.0).abs() < 0.03, "{got} vs {expected}");
}
