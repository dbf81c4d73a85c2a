//! NSI in propagation against an independent computation: the 3×3 flavour-basis Hamiltonian
//! of each helicity block written out from the definitions (n_u = 2n_p + n_n,
//! n_d = n_p + 2n_n, V = √2 G_F Σ_f n_f ε^f; ν̄: the conjugate with the opposite sign) and
//! exponentiated with nalgebra's own Hermitian eigensolver, compared with nuspin's
//! propagator of the full 2N model in a constant medium. Plus the scenario's `[nsi]` input.

use std::path::Path;

use nalgebra::{Matrix3, Vector3};
use num_complex::Complex64;
use nuspin::evolve::{solve, Method, Record, SolverOptions};
use nuspin::hamiltonian::{MediumHamiltonian, Nsi};
use nuspin::medium::ConstantMedium;
use nuspin::prelude::*;
use nuspin::scenario::parse;
use nuspin::units::{density_cm3_to_ev3, sqrt2_gf_ev2, AVOGADRO, EV_TO_INV_KM};

type C = Complex64;

fn nsi() -> Nsi {
    Nsi::new(
        &[
            ("e", "ee", C::new(0.4, 0.0)),
            ("e", "emu", C::new(0.05, -0.12)),
            ("u", "mutau", C::new(-0.08, 0.03)),
            ("u", "tautau", C::new(0.25, 0.0)),
            ("d", "etau", C::new(0.1, 0.07)),
            ("d", "mumu", C::new(-0.15, 0.0)),
        ],
        false,
    )
    .expect("valid NSI")
}

/// exp(−iHL) of a 3×3 Hermitian H (km⁻¹) by nalgebra's eigensolver.
fn expm3(h: &Matrix3<C>, l_km: f64) -> Matrix3<C> {
    let e = h.symmetric_eigen();
    let d = Matrix3::from_diagonal(&Vector3::from_fn(|i, _| {
        C::from_polar(1.0, -e.eigenvalues[i] * l_km)
    }));
    e.eigenvectors * d * e.eigenvectors.adjoint()
}

fn independent(
    model: &Model,
    eps: &Nsi,
    e_mev: f64,
    rho: f64,
    ye: f64,
    antineutrino: bool,
    l_km: f64,
) -> Matrix3<C> {
    let u = *model.mixing.pmns();
    let dm2 = model.mixing.dm2_ev2();
    let e_ev = e_mev * 1e6;
    let vac = u
        * Matrix3::from_diagonal(&Vector3::from_fn(|i, _| C::new(dm2[i] / (2.0 * e_ev), 0.0)))
        * u.adjoint();
    let n_p = rho * ye * AVOGADRO;
    let n_n = rho * (1.0 - ye) * AVOGADRO;
    let (n_u, n_d) = (2.0 * n_p + n_n, n_p + 2.0 * n_n);
    let g = |n: f64| sqrt2_gf_ev2() * density_cm3_to_ev3(n);
    let mut v = Matrix3::<C>::zeros();
    v[(0, 0)] = C::new(g(n_p), 0.0);
    v += eps.eps(0) * C::new(g(n_p), 0.0)
        + eps.eps(1) * C::new(g(n_u), 0.0)
        + eps.eps(2) * C::new(g(n_d), 0.0);
    // The neutral current is common to the three flavours: a phase, dropped.
    let h = if antineutrino {
        vac.conjugate() - v.conjugate()
    } else {
        vac + v
    };
    expm3(&(h * C::new(EV_TO_INV_KM, 0.0)), l_km)
}

#[test]
fn constant_medium_matches_independent_diagonalisation() {
    let mixing = Mixing::from_preset(Preset::Nufit52No, 0.02, &[]).unwrap();
    let eps = nsi();
    let l_km = 1300.0;
    let mut worst: f64 = 0.0;
    for (basis, anti) in [
        (Basis::DiracNeutrino, false),
        (Basis::DiracAntineutrino, true),
        (Basis::Majorana, false),
    ] {
        let model = Model::new(basis, mixing.clone(), Moments::zero()).with_nsi(eps.clone());
        for (rho, ye) in [(3.0, 0.5), (10.0, 0.3), (1e3, 0.45)] {
            let medium = ConstantMedium::new(MediumPoint::from_rho_ye(rho, ye)).unwrap();
            for e_mev in [300.0, 1500.0, 6000.0] {
                let eh = EnergyHamiltonian::<6>::new(&model, e_mev * 1e6);
                let h = MediumHamiltonian::new(eh, &medium);
                for method in [Method::Magnus, Method::Layers] {
                    let options = SolverOptions {
                        method,
                        rtol: 1e-10,
                        atol: 1e-10,
                        ..SolverOptions::default()
                    };
                    let s = solve(&h, 0.0, l_km, &Record::End, &options)
                        .unwrap()
                        .propagators[0];
                    let mut blocks =
                        vec![(0, independent(&model, &eps, e_mev, rho, ye, anti, l_km))];
                    if basis == Basis::Majorana {
                        // The ν̄ block (indices 3..6): −V* on the conjugate vacuum term.
                        blocks.push((3, independent(&model, &eps, e_mev, rho, ye, true, l_km)));
                    }
                    for (off, want) in blocks {
                        for a in 0..3 {
                            for b in 0..3 {
                                let p = s[(off + b, off + a)].norm_sqr();
                                let q = want[(b, a)].norm_sqr();
                                worst = worst.max((p - q).abs());
                                assert!(
                                    (p - q).abs() < 1e-9,
                                    "{basis:?} {method:?} rho {rho} E {e_mev}: P({a}->{b}) {p} vs {q}"
                                );
                            }
                        }
                    }
                }
            }
        }
    }
    println!("max |dP| = {worst:.2e}");
}

#[test]
fn nsi_change_the_probabilities() {
    // Guard against a test that cannot fail: the NSI above move P(μ→e) visibly.
    let mixing = Mixing::from_preset(Preset::Nufit52No, 0.0, &[]).unwrap();
    let point = MediumPoint::from_rho_ye(3.0, 0.5);
    let p = |model: &Model| {
        let s = propagate_constant::<6>(model, 2000.0, &point, 1300.0);
        s[(0, 1)].norm_sqr()
    };
    let sm = Model::new(Basis::DiracNeutrino, mixing.clone(), Moments::zero());
    let with = sm.clone().with_nsi(nsi());
    assert!((p(&sm) - p(&with)).abs() > 1e-3);
}

const SCENARIO: &str = r#"
name = "nsi"

[neutrino]
flavours = 3
nature = "dirac"

[energy]
min_mev = 500
max_mev = 5000
points = 3

[medium]
kind = "constant"
rho_g_cm3 = 3
ye = 0.5

[track]
start_km = 0
end_km = 1300

[nsi]
e = { ee = 0.4, emu = [0.05, -0.12] }
u = { mutau = [-0.08, 0.03], tautau = 0.25 }
d = { etau = [0.1, 0.07], mumu = -0.15 }
"#;

fn error_of(text: &str) -> String {
    match parse(Path::new("scenarios/t.toml"), text) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn scenario_nsi_table_builds_the_model() {
    let s = parse(Path::new("scenarios/t.toml"), SCENARIO).unwrap();
    assert_eq!(s.model.nsi, nsi());
}

#[test]
fn bad_nsi_input_is_rejected_with_the_field() {
    for (old, new, parts) in [
        (
            "ee = 0.4",
            "ee = [0.4, 0.1]",
            vec!["[nsi] e.ee", "must be real"],
        ),
        (
            "mumu = -0.15 }",
            "mumu = -0.15, taue = [0.1, 0.07] }",
            vec![
                "[nsi] d.taue",
                "Hermitian",
                // Both entries named, and the value that would be Hermitian.
                "d.taue = 0.1+0.07i is not the conjugate of d.etau = 0.1+0.07i",
                "give taue = 0.1-0.07i",
            ],
        ),
        ("d = {", "s = {", vec!["[nsi] s", "expected e, u or d"]),
        (
            "tautau = 0.25",
            "tautau = \"x\"",
            vec!["[nsi] u.tautau", "[re, im]"],
        ),
        (
            "tautau = 0.25",
            "tauta = 0.25",
            vec!["[nsi] u.tauta", "unknown entry"],
        ),
        (
            "ye = 0.5",
            "ye = 0.5\nv_perp = 0.1",
            vec!["[nsi]", "v_perp", "not supported"],
        ),
    ] {
        assert!(SCENARIO.contains(old), "{old}");
        let e = error_of(&SCENARIO.replacen(old, new, 1));
        for p in parts {
            assert!(e.contains(p), "`{p}` not in `{e}`");
        }
    }
    let two = SCENARIO.replace("flavours = 3", "flavours = 2").replace(
        "[energy]",
        "[mixing]\ntheta_deg = 33\ndm2_ev2 = 7.4e-5\n\n[energy]",
    );
    let e = error_of(&two);
    assert!(e.contains("tau entry"), "{e}");
}
