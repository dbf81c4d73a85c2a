//! Wave-packet decoherence (`[arrival] wave_packet`, `/observables/decoherent_probability`)
//! against independent computations done here: the vacuum closed form
//! P = Σ|U_αi|²|U_βi|² + 2Σ_{i>j} Re(U_αi* U_βi U_αj U_βj* e^{−iφ_ij}) exp(−(L/L_coh,ij)²) with
//! L_coh = 4√2E²σ_x/|Δm²| (Giunti & Kim, PRD 58, 017301), constant matter from nalgebra's
//! eigenbasis of the 3×3 flavour Hamiltonian (group velocities by Hellmann–Feynman), and the
//! limits σ_x → ∞ (coherent `/probability`) and σ_x → 0 (the `averaged` observable).
#![allow(clippy::needless_range_loop)] // index loops mirror the matrix notation

use std::path::Path;

use nalgebra::{Matrix3, Vector3};
use num_complex::Complex64;
use nuspin::output::EnergyResult;
use nuspin::run::{extra_specs, solve_energy};
use nuspin::scenario::{parse, Scenario};
use nuspin::units::{density_cm3_to_ev3, sqrt2_gf_ev2, AVOGADRO, EV_TO_INV_KM};

type C = Complex64;

const DECOHERENT: &str = "observables/decoherent_probability";

fn text(rho: f64, end_km: f64, energies: &str, packet: &str, extra: &str) -> String {
    format!(
        r#"
name = "wave-packet"
[neutrino]
flavours = 3
nature = "dirac"
initial = ["nu_e", "nu_mu"]
[mixing]
delta_cp_deg = 232.0
[energy]
values_mev = {energies}
[medium]
kind = "constant"
rho_g_cm3 = {rho}
ye = 0.5
[track]
start_km = 0
end_km = {end_km}
[solver]
rtol = 1e-11
atol = 1e-12
[arrival]
wave_packet = {packet}
{extra}
"#
    )
}

fn slab<'a>(s: &Scenario, r: &'a EnergyResult, path: &str) -> &'a [f64] {
    let i = extra_specs(s)
        .iter()
        .position(|e| e.path == path)
        .unwrap_or_else(|| panic!("no {path}"));
    &r.extras[i]
}

/// The independent result: the flavour Hamiltonian of the active block (km⁻¹) diagonalised
/// by nalgebra, each interference term damped by exp(−(σ_E Δλ′ L)²/2) with λ′ = dλ/dE by
/// Hellmann–Feynman (dH/dE = −H_vac/E). In vacuum this is the closed form with L_coh.
fn independent(s: &Scenario, rho: f64, e_mev: f64, l_km: f64, sigma_e_mev: f64) -> [[f64; 3]; 2] {
    let u = *s.model.mixing.pmns();
    let dm2 = s.model.mixing.dm2_ev2();
    let e_ev = e_mev * 1e6;
    let vac =
        u * Matrix3::from_diagonal(&Vector3::from_fn(|i, _| {
            C::new(dm2[i] / (2.0 * e_ev) * EV_TO_INV_KM, 0.0)
        })) * u.adjoint();
    let mut h = vac;
    let v = sqrt2_gf_ev2() * density_cm3_to_ev3(rho * 0.5 * AVOGADRO) * EV_TO_INV_KM;
    h[(0, 0)] += C::new(v, 0.0);
    let eig = h.symmetric_eigen();
    let w = eig.eigenvectors;
    let lambda = eig.eigenvalues;
    // dλ_a/dE per eV.
    let dl: [f64; 3] = std::array::from_fn(|a| {
        let col = w.column(a);
        -(col.adjoint() * vac * col)[(0, 0)].re / e_ev
    });
    let sigma_e_ev = sigma_e_mev * 1e6;
    let mut out = [[0.0; 3]; 2];
    for (k, alpha) in [0usize, 1].into_iter().enumerate() {
        for beta in 0..3 {
            let mut p = 0.0;
            for a in 0..3 {
                for b in 0..3 {
                    let term = w[(beta, a)]
                        * w[(alpha, a)].conj()
                        * w[(alpha, b)]
                        * w[(beta, b)].conj()
                        * C::from_polar(1.0, -(lambda[a] - lambda[b]) * l_km);
                    let spread = sigma_e_ev * (dl[a] - dl[b]) * l_km;
                    p += term.re * (-0.5 * spread * spread).exp();
                }
            }
            out[k][beta] = p;
        }
    }
    out
}

/// The vacuum closed form written with L_coh,ij.
fn closed_form(s: &Scenario, e_mev: f64, l_km: f64, sigma_x_nm: f64) -> [[f64; 3]; 2] {
    let u = *s.model.mixing.pmns();
    let m2 = s.model.mixing.dm2_ev2(); // m_i² − m_1²
    let mut out = [[0.0; 3]; 2];
    for (k, alpha) in [0usize, 1].into_iter().enumerate() {
        for beta in 0..3 {
            let mut p = 0.0;
            for i in 0..3 {
                p += u[(alpha, i)].norm_sqr() * u[(beta, i)].norm_sqr();
                for j in 0..i {
                    let dm2 = m2[i] - m2[j];
                    let phi = dm2 / (2.0 * e_mev * 1e6) * EV_TO_INV_KM * l_km;
                    let l_coh = nuspin::observables::decoherence::vacuum_coherence_length_km(
                        e_mev, sigma_x_nm, dm2,
                    );
                    let z =
                        u[(alpha, i)].conj() * u[(beta, i)] * u[(alpha, j)] * u[(beta, j)].conj();
                    // Re(z e^{−iφ}) = |z| cos(φ − arg z).
                    p += 2.0 * z.norm() * (phi - z.arg()).cos() * (-(l_km / l_coh).powi(2)).exp();
                }
            }
            out[k][beta] = p;
        }
    }
    out
}

#[test]
fn vacuum_matches_the_closed_form_with_coherence_lengths() {
    // σ_x = 0.05 nm: at 1000 km L/L_coh,31 runs from ~35 (0.5 MeV) to ~0.004 (50 MeV), and
    // L/L_coh,21 from ~1 (0.5 MeV) down: every regime of the damping.
    let (l_km, sigma_x_nm) = (1000.0, 0.05);
    let energies = "[0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 20.0, 50.0]";
    let s = parse(
        Path::new("wp.toml"),
        &text(
            0.0,
            l_km,
            energies,
            &format!("{{ sigma_x_nm = {sigma_x_nm} }}"),
            "",
        ),
    )
    .unwrap();
    let mut worst: f64 = 0.0;
    let mut damped: f64 = 0.0;
    for (g, &e) in s.energies_mev.iter().enumerate() {
        let r = solve_energy(&s, g).unwrap();
        let p = slab(&s, &r, DECOHERENT);
        let want = closed_form(&s, e, l_km, sigma_x_nm);
        for k in 0..2 {
            for beta in 0..3 {
                let got = p[k * 6 + beta];
                worst = worst.max((got - want[k][beta]).abs());
                damped = damped.max((got - r.probability[k * 6 + beta]).abs());
                assert!(
                    (got - want[k][beta]).abs() < 1e-9,
                    "E {e} MeV, {k} -> {beta}: {got} vs closed form {}",
                    want[k][beta]
                );
            }
            // Right-handed (sterile) states stay empty.
            assert!(p[k * 6 + 3..k * 6 + 6].iter().all(|v| v.abs() < 1e-14));
        }
    }
    println!("vacuum: max |P - closed form| = {worst:.2e}; max |P - coherent P| = {damped:.3}");
    // The test could not pass with the damping switched off.
    assert!(damped > 0.1, "the damping must change P visibly");
}

#[test]
fn constant_matter_matches_the_eigenbasis_closed_form() {
    let l_km = 3000.0;
    let sigma_x_nm = 0.1;
    for rho in [3.0, 50.0] {
        let s = parse(
            Path::new("wp.toml"),
            &text(
                rho,
                l_km,
                "[1.0, 4.0, 10.0, 30.0]",
                &format!("{{ sigma_x_cm = {} }}", sigma_x_nm * 1e-7),
                "",
            ),
        )
        .unwrap();
        let sigma_e = s.arrival.wave_packet.unwrap().sigma_e_mev;
        let mut worst: f64 = 0.0;
        for (g, &e) in s.energies_mev.iter().enumerate() {
            let r = solve_energy(&s, g).unwrap();
            let p = slab(&s, &r, DECOHERENT);
            let want = independent(&s, rho, e, l_km, sigma_e);
            for k in 0..2 {
                for beta in 0..3 {
                    worst = worst.max((p[k * 6 + beta] - want[k][beta]).abs());
                }
            }
        }
        println!("rho {rho}: max |P - eigenbasis closed form| = {worst:.2e}");
        assert!(worst < 1e-8, "rho {rho}: {worst}");
    }
}

#[test]
fn limits_coherent_and_fully_averaged() {
    // σ_x → ∞: the coherent probability.
    let s = parse(
        Path::new("wp.toml"),
        &text(3.0, 1000.0, "[1.0, 5.0]", "{ sigma_x_nm = 1e6 }", ""),
    )
    .unwrap();
    for g in 0..2 {
        let r = solve_energy(&s, g).unwrap();
        let p = slab(&s, &r, DECOHERENT);
        for (a, b) in p.iter().zip(&r.probability) {
            assert!((a - b).abs() < 1e-12, "{a} vs {b}");
        }
    }
    // σ_x → 0 in vacuum: every interference term is gone, as in the `averaged` observable
    // with a resolution wide enough to average every phase (its slow part is energy
    // independent in vacuum).
    let s = parse(
        Path::new("wp.toml"),
        &text(
            0.0,
            1e5,
            "[1.0, 2.0, 5.0]",
            "{ sigma_e_mev = 1e3 }",
            "energy_resolution = 0.05\n[output]\nobservables = [\"averaged\"]",
        ),
    )
    .unwrap();
    for g in 0..3 {
        let r = solve_energy(&s, g).unwrap();
        let p = slab(&s, &r, DECOHERENT);
        let q = slab(&s, &r, "observables/averaged_probability");
        for (a, b) in p.iter().zip(q) {
            assert!((a - b).abs() < 1e-9, "{a} vs {b}");
        }
    }
}

#[test]
fn bad_wave_packets_are_rejected_naming_the_field() {
    let cases = [
        (
            "{ sigma_x_nm = 0.0 }",
            "arrival.wave_packet.sigma_x_nm",
            "> 0",
        ),
        (
            "{ sigma_x_cm = -1e-9 }",
            "arrival.wave_packet.sigma_x_cm",
            "> 0",
        ),
        (
            "{ sigma_e_mev = -2.0 }",
            "arrival.wave_packet.sigma_e_mev",
            "> 0",
        ),
        (
            "{ sigma_x_nm = 1.0, sigma_e_mev = 1.0 }",
            "arrival.wave_packet.sigma_x_nm",
            "one width only",
        ),
        (
            "{ sigma_x = 1.0 }",
            "arrival.wave_packet.sigma_x",
            "unknown field `sigma_x`",
        ),
        ("{ }", "arrival.wave_packet", "give the width"),
        (
            "{ sigma_x_nm = \"wide\" }",
            "arrival.wave_packet.sigma_x_nm",
            "number",
        ),
    ];
    for (packet, field, words) in cases {
        let e = parse(Path::new("wp.toml"), &text(0.0, 100.0, "[1.0]", packet, "")).unwrap_err();
        // With two widths either may be named (the table's key order).
        assert!(
            e.field == field
                || (words == "one width only" && e.field.starts_with("arrival.wave_packet.")),
            "{packet}: {e}"
        );
        assert!(e.message.contains(words), "{packet}: {e}");
    }
}
