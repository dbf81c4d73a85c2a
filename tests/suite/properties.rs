//! Property tests of the Hamiltonian and the constant-medium propagator (issue 2): Hermiticity,
//! unitarity, block decoupling, standard MSW in block A, the sterile block, the Majorana
//! CP-conjugate block, and no ν → ν̄ without moments or transverse currents.

#![allow(clippy::needless_range_loop)] // index loops mirror the matrix notation
use nalgebra::Matrix3;
use num_complex::Complex64;
use nuspin::hamiltonian::potential;
use nuspin::moments::{flavour_to_mass, mass_to_flavour};
use nuspin::prelude::*;
use nuspin::units::{EV_TO_INV_KM, MU_B_EV_PER_GAUSS};
use proptest::prelude::*;

const BASES: [Basis; 3] = [
    Basis::DiracNeutrino,
    Basis::DiracAntineutrino,
    Basis::Majorana,
];

fn c(re: f64, im: f64) -> Complex64 {
    Complex64::new(re, im)
}

prop_compose! {
    fn mixing_3nu()(t12 in 1.0..89.0f64, t13 in 0.0..30.0f64, t23 in 1.0..89.0f64,
                    delta in 0.0..360.0f64, dm21 in 1e-6..1e-3f64, dm31 in -5e-3..5e-3f64,
                    m0 in 0.0..0.5f64, a21 in 0.0..360.0f64, a31 in 0.0..360.0f64)
                   -> (ThreeFlavourParams, f64, [f64; 2]) {
        let dm31 = if dm31.abs() < 1e-4 { 2.5e-3 } else { dm31 };
        (ThreeFlavourParams { theta12_deg: t12, theta13_deg: t13, theta23_deg: t23,
            delta_cp_deg: delta, dm21_ev2: dm21, dm31_ev2: dm31 }, m0, [a21, a31])
    }
}

prop_compose! {
    fn medium_point()(rho in 0.0..1e4f64, ye in 0.0..=1.0f64, b_par in -1e12..1e12f64,
                      b_perp in 0.0..1e12f64, b_phi in -7.0..7.0f64,
                      speed in 0.0..0.999f64, v_dir in 0.0..std::f64::consts::PI, v_phi in -7.0..7.0f64,
                      pol in 0.0..=1.0f64, p_dir in 0.0..std::f64::consts::PI, p_phi in -7.0..7.0f64)
                     -> MediumPoint {
        MediumPoint {
            b_par_gauss: b_par, b_perp_gauss: b_perp, b_phi_rad: b_phi,
            v_par: speed * v_dir.cos(), v_perp: speed * v_dir.sin(), v_phi_rad: v_phi,
            pol_par: pol * p_dir.cos(), pol_perp: pol * p_dir.sin(), pol_phi_rad: p_phi,
            ..MediumPoint::from_rho_ye(rho, ye)
        }
    }
}

prop_compose! {
    fn moment_entries()(e_mu in (-1e-11..1e-11f64, -1e-11..1e-11f64),
                        e_tau in (-1e-11..1e-11f64, -1e-11..1e-11f64),
                        mu_tau in (-1e-11..1e-11f64, -1e-11..1e-11f64),
                        diag in (-1e-11..1e-11f64, -1e-11..1e-11f64),
                        eps in -1e-12..1e-12f64)
                       -> [(f64, f64); 5] {
        [e_mu, e_tau, mu_tau, diag, (eps, 0.0)]
    }
}

fn build_model(
    basis: Basis,
    (params, m0, phases): (ThreeFlavourParams, f64, [f64; 2]),
    entries: [(f64, f64); 5],
) -> Model {
    let ph: &[f64] = if basis == Basis::Majorana {
        &phases
    } else {
        &[]
    };
    let mixing = Mixing::new(OscillationParams::Three(params), m0, ph).unwrap();
    let mut magnetic = vec![
        ("e_mu".to_string(), c(entries[0].0, entries[0].1)),
        ("e_tau".to_string(), c(entries[1].0, entries[1].1)),
        ("mu_tau".to_string(), c(entries[2].0, entries[2].1)),
    ];
    if basis != Basis::Majorana {
        magnetic.push(("mu_mu".to_string(), c(entries[3].0, 0.0)));
    }
    let input = MomentInput {
        basis: Some(MomentBasis::Flavour),
        magnetic_mu_b: magnetic,
        electric_mu_b: vec![("e_tau".to_string(), c(entries[4].0, entries[4].1))],
    };
    let moments = Moments::new(&input, basis.nature(), &mixing).unwrap();
    Model::new(basis, mixing, moments)
}

fn block(h: &CMat<6>, row: usize, col: usize) -> Matrix3<Complex64> {
    Matrix3::from_fn(|i, j| h[(3 * row + i, 3 * col + j)])
}

fn scale(h: &CMat<6>) -> f64 {
    h.iter().map(|z| z.norm()).fold(0.0, f64::max)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn hamiltonian_is_hermitian_and_propagator_unitary(
        basis_i in 0..3usize, mix in mixing_3nu(), entries in moment_entries(),
        p in medium_point(), log_e in -4.0..3.0f64, log_l in -2.0..4.0f64,
    ) {
        let model = build_model(BASES[basis_i], mix, entries);
        let h = EnergyHamiltonian::<6>::new(&model, 10f64.powf(log_e) * 1e6).at(&p);
        prop_assert!((h - h.adjoint()).norm() <= 1e-15 * scale(&h));
        let s = propagator_constant(&h, 10f64.powf(log_l));
        prop_assert!(unitarity_error(&s) < 1e-12);
    }

    #[test]
    fn without_flip_sources_blocks_decouple_and_block_a_is_standard_msw(
        basis_i in 0..3usize, mix in mixing_3nu(), entries in moment_entries(),
        p in medium_point(), log_e in -1.0..3.0f64,
    ) {
        let basis = BASES[basis_i];
        let model = build_model(basis, mix, entries);
        let p = MediumPoint { b_par_gauss: 0.0, b_perp_gauss: 0.0, v_perp: 0.0, pol_perp: 0.0, ..p };
        let e_ev = 10f64.powf(log_e) * 1e6;
        let h = EnergyHamiltonian::<6>::new(&model, e_ev).at(&p);
        prop_assert_eq!(block(&h, 1, 0), Matrix3::zeros());
        // Standard MSW, built independently: U diag(0, Δm²₂₁, Δm²₃₁)U†/2E ± diag(V_e, V_μ, V_μ),
        // with U* for the antineutrino block.
        let u = *model.mixing.pmns();
        let dm = model.mixing.dm2_ev2();
        let m2 = Matrix3::from_diagonal(&nalgebra::Vector3::new(c(dm[0], 0.0), c(dm[1], 0.0), c(dm[2], 0.0)))
            / c(2.0 * e_ev, 0.0);
        let f = potential(&p);
        let v = Matrix3::from_diagonal(&nalgebra::Vector3::new(c(f.v_e, 0.0), c(f.v_mu, 0.0), c(f.v_mu, 0.0)));
        let (vac, sign) = match basis {
            Basis::DiracAntineutrino => (u.conjugate() * m2 * u.transpose(), -1.0),
            _ => (u * m2 * u.adjoint(), 1.0),
        };
        let expected = (vac + v * c(sign, 0.0)) * c(EV_TO_INV_KM, 0.0);
        prop_assert!((block(&h, 0, 0) - expected).norm() <= 1e-13 * expected.norm());
        // The sterile Dirac block feels no matter; the Majorana block B is the CP conjugate
        // of block A with −V.
        match basis {
            Basis::Majorana => {
                let expected_b = (vac - v).conjugate() * c(EV_TO_INV_KM, 0.0);
                prop_assert!((block(&h, 1, 1) - expected_b).norm() <= 1e-13 * expected_b.norm());
            }
            _ => {
                let h_vac = EnergyHamiltonian::<6>::new(&model, e_ev).at(&MediumPoint::default());
                prop_assert!((block(&h, 1, 1) - block(&h_vac, 1, 1)).norm() <= 1e-15 * scale(&h_vac));
            }
        }
    }

    #[test]
    fn no_moments_and_no_transverse_currents_means_no_helicity_flip(
        basis_i in 0..3usize, mix in mixing_3nu(), p in medium_point(),
        log_e in -1.0..3.0f64, log_l in 0.0..4.0f64,
    ) {
        let basis = BASES[basis_i];
        let zero = [(0.0, 0.0); 5];
        let model = build_model(basis, mix, zero);
        let p = MediumPoint { v_perp: 0.0, pol_perp: 0.0, ..p };
        let s = propagate_constant::<6>(&model, 10f64.powf(log_e), &p, 10f64.powf(log_l));
        let prob = probabilities(&s);
        for a in 0..3 {
            for b in 3..6 {
                prop_assert_eq!(prob[a][b], 0.0);
                prop_assert_eq!(prob[b][a], 0.0);
            }
        }
    }

    #[test]
    fn moments_round_trip_between_flavour_and_mass_bases(
        basis_i in 0..3usize, mix in mixing_3nu(), entries in moment_entries(),
    ) {
        let basis = BASES[basis_i];
        let model = build_model(basis, mix, entries);
        let mu = model.moments.magnetic();
        let nature = basis.nature();
        let back = flavour_to_mass(&mass_to_flavour(mu, nature, &model.mixing), nature, &model.mixing);
        prop_assert!((back - mu).norm() <= 1e-14 * (mu.norm() + 1e-30));
        let f = mass_to_flavour(mu, nature, &model.mixing);
        prop_assert!((f[(0, 1)] - c(entries[0].0, entries[0].1)).norm() < 1e-25);
    }

    /// The pure transverse-field flip with flavour-basis moments is μ_B λ_f B_c in the flavour
    /// basis (U λ U† for Dirac, U* λ U† = the user's antisymmetric matrix for Majorana): the
    /// Majorana phases drop out of it (docs/physics.md, "Mixing and masses").
    #[test]
    fn transverse_field_flip_block_is_the_flavour_moment(
        basis_i in 0..3usize, mix in mixing_3nu(), entries in moment_entries(),
        b_perp in 1.0..1e12f64, b_phi in -3.0..3.0f64,
    ) {
        let basis = BASES[basis_i];
        prop_assume!(basis != Basis::DiracAntineutrino);
        let model = build_model(basis, mix, entries);
        let p = MediumPoint { b_perp_gauss: b_perp, b_phi_rad: b_phi, ..Default::default() };
        let h = EnergyHamiltonian::<6>::new(&model, 1e7).at(&p);
        let lam_f = mass_to_flavour(&model.moments.lambda(), basis.nature(), &model.mixing);
        let expected = lam_f * Complex64::from_polar(b_perp * MU_B_EV_PER_GAUSS * EV_TO_INV_KM, -b_phi);
        prop_assert!((block(&h, 1, 0) - expected).norm() <= 1e-13 * expected.norm());
    }
}
