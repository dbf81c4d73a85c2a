//! `[mixing] mass_matrix_ev`: the democratic example against its closed form, a random complex
//! symmetric matrix reconstructed from the model's U and masses, the output datasets, and bad
//! input rejected with the field named.

use std::path::Path;

use nalgebra::{Matrix3, Vector3};
use num_complex::Complex64;
use nuspin::evolve::{solve, Record, SolverOptions};
use nuspin::hamiltonian::MediumHamiltonian;
use nuspin::prelude::*;
use nuspin::scenario::parse;
use nuspin::units::EV_TO_INV_KM;

type C = Complex64;

fn democratic() -> nuspin::scenario::Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/democratic.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    parse(&path, &text).unwrap()
}

#[test]
fn democratic_example_matches_the_closed_form() {
    let s = democratic();
    let m = 0.05;
    let masses = s.model.mixing.masses_ev();
    assert!((masses[0] - m).abs() < 1e-15 && (masses[1] - m).abs() < 1e-15);
    assert!((masses[2] - 2.0 * m).abs() < 1e-15);
    assert_eq!(s.model.mixing.dm2_ev2()[1], 0.0);
    let dm2 = 3.0 * m * m;
    let options = SolverOptions {
        rtol: s.solver.rtol,
        atol: s.solver.atol,
        ..SolverOptions::default()
    };
    let mut worst: f64 = 0.0;
    for &e_mev in &s.energies_mev {
        let eh = EnergyHamiltonian::<6>::new(&s.model, e_mev * 1e6);
        let h = MediumHamiltonian::new(eh, s.medium.as_ref());
        let sol = solve(&h, s.start_km, s.end_km, &Record::End, &options).unwrap();
        let p = probabilities(&sol.propagators[0]);
        let phase = dm2 * s.end_km * EV_TO_INV_KM / (4.0 * e_mev * 1e6);
        let off = 4.0 / 9.0 * phase.sin().powi(2);
        for (a, row) in p.iter().take(3).enumerate() {
            for (b, pab) in row.iter().take(3).enumerate() {
                let want = if a == b { 1.0 - 2.0 * off } else { off };
                worst = worst.max((pab - want).abs());
            }
        }
    }
    println!("democratic: max |P - closed form| = {worst:.2e}");
    assert!(worst < 1e-12, "{worst:e}");
}

fn scenario_with_matrix(nature: &str, matrix: &str) -> String {
    format!(
        r#"
name = "mm"
[neutrino]
flavours = 3
nature = "{nature}"
[mixing]
mass_matrix_ev = {matrix}
[energy]
min_mev = 1
max_mev = 10
points = 2
[medium]
kind = "constant"
rho_g_cm3 = 3
[track]
start_km = 0
end_km = 100
"#
    )
}

fn error_of(text: &str) -> String {
    match parse(Path::new("scenarios/t.toml"), text) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn random_complex_symmetric_matrix_is_reconstructed_from_u_and_masses() {
    let mut seed = 12345u64;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 11) as f64 / (1u64 << 53) as f64) * 0.1 - 0.05
    };
    for _ in 0..10 {
        let a = Matrix3::<C>::from_fn(|_, _| C::new(next(), next()));
        let m = (a + a.transpose()) * C::new(0.5, 0.0);
        let toml_matrix = format!(
            "[{}]",
            (0..3)
                .map(|r| format!(
                    "[{}]",
                    (0..3)
                        .map(|c| format!("[{:e}, {:e}]", m[(r, c)].re, m[(r, c)].im))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let s = parse(
            Path::new("scenarios/t.toml"),
            &scenario_with_matrix("majorana", &toml_matrix),
        )
        .unwrap();
        let u = *s.model.mixing.pmns();
        let d = Matrix3::from_diagonal(&Vector3::from_fn(|i, _| {
            C::new(s.model.mixing.masses_ev()[i], 0.0)
        }));
        let back = u.conjugate() * d * u.adjoint();
        let err = (back - m).iter().map(|z| z.norm()).fold(0.0, f64::max);
        assert!(err < 1e-12 * 0.05, "reconstruction error {err:e}");
        assert!((u * u.adjoint() - Matrix3::identity()).norm() < 1e-14);
        let ms = s.model.mixing.masses_ev();
        assert!(ms[1] >= ms[0]);
        // The derived output datasets carry the same U and masses.
        let ds = nuspin::run::datasets::mixing::derived_datasets(&s.model.mixing);
        let pmns = ds.iter().find(|d| d.path == "mixing/pmns").unwrap();
        assert_eq!(pmns.values[0], u[(0, 0)].re);
        assert_eq!(pmns.values[3], u[(0, 1)].im);
        let masses = ds.iter().find(|d| d.path == "mixing/masses_ev").unwrap();
        assert_eq!(masses.values, ms.to_vec());
    }
}

#[test]
fn bad_mass_matrices_are_rejected_with_the_field() {
    let sym = "[[0.0, 0.05, 0.05], [0.05, 0.0, 0.05], [0.05, 0.05, 0.0]]";
    let asym = "[[0.0, 0.05, 0.02], [0.05, 0.0, 0.05], [0.05, 0.05, 0.0]]";
    let e = error_of(&scenario_with_matrix("majorana", asym));
    assert!(
        e.contains("[mixing] mass_matrix_ev") && e.contains("symmetric"),
        "{e}"
    );
    // A Dirac mass matrix need not be symmetric.
    assert!(parse(
        Path::new("scenarios/t.toml"),
        &scenario_with_matrix("dirac", asym)
    )
    .is_ok());
    let e = error_of(&scenario_with_matrix("dirac", "[[1, 2], [3, 4]]"));
    assert!(
        e.contains("mass_matrix_ev") && e.contains("3 rows of 3"),
        "{e}"
    );
    let e = error_of(&scenario_with_matrix(
        "dirac",
        "[[1, 2, 3], [3, \"x\", 4], [1, 1, 1]]",
    ));
    assert!(e.contains("mass_matrix_ev[1][1]"), "{e}");
    let e = error_of(
        &scenario_with_matrix("majorana", sym).replace("[mixing]", "[mixing]\ntheta12_deg = 30"),
    );
    assert!(
        e.contains("[mixing] theta12_deg") && e.contains("mass_matrix_ev"),
        "{e}"
    );
    let zero = "[[0, 0, 0], [0, 0, 0], [0, 0, 0]]";
    let e = error_of(&scenario_with_matrix("majorana", zero));
    assert!(e.contains("zero matrix"), "{e}");
}
