//! The shared-layer run path against an independent truth: a product of exact layer
//! exponentials built here from docs/physics.md's matrices (the PMNS matrix, the Hamiltonian
//! and the 4-potential), with the chord cut into shells by the closed form, each exponential by
//! Taylor series with scaling and squaring (no eigensolver).

use nalgebra::{SMatrix, SVector};
use num_complex::Complex64;
use nuspin::output::EnergyResult;
use nuspin::reference::earth;
use nuspin::run::{run, NoProgress, RunOptions};
use nuspin::scenario::{parse, Scenario};
use std::path::Path;

type M3 = SMatrix<Complex64, 3, 3>;

const HBAR_C_EV_KM: f64 = 1.973269804e-10;
const HBAR_C_EV_CM: f64 = 1.973269804e-5;
const GF_EV2: f64 = 1.1663788e-23;
const N_A: f64 = 6.02214076e23;
const R_E: f64 = 6371.0;

fn c(re: f64) -> Complex64 {
    Complex64::new(re, 0.0)
}

/// NuFIT 5.2 NO (docs/physics.md, "Mixing and masses"), PDG parametrisation, no Majorana phases.
fn pmns() -> M3 {
    let d = |x: f64| x.to_radians();
    let (t12, t13, t23, delta) = (d(33.41), d(8.54), d(49.1), d(197.0));
    let (s12, c12, s13, c13, s23, c23) = (
        t12.sin(),
        t12.cos(),
        t13.sin(),
        t13.cos(),
        t23.sin(),
        t23.cos(),
    );
    let r23 = M3::new(
        c(1.0),
        c(0.0),
        c(0.0),
        c(0.0),
        c(c23),
        c(s23),
        c(0.0),
        c(-s23),
        c(c23),
    );
    let e = Complex64::from_polar(1.0, -delta);
    let u13 = M3::new(
        c(c13),
        c(0.0),
        e * s13,
        c(0.0),
        c(1.0),
        c(0.0),
        -e.conj() * s13,
        c(0.0),
        c(c13),
    );
    let r12 = M3::new(
        c(c12),
        c(s12),
        c(0.0),
        c(-s12),
        c(c12),
        c(0.0),
        c(0.0),
        c(0.0),
        c(1.0),
    );
    r23 * u13 * r12
}

/// exp(−i H L) by Taylor series after scaling by 2^s to norm ≤ 1/4, then squaring.
fn expm<const D: usize>(h: &SMatrix<Complex64, D, D>, l: f64) -> SMatrix<Complex64, D, D> {
    let a = h * Complex64::new(0.0, -l);
    let norm = a.iter().map(|z| z.norm()).sum::<f64>();
    let mut s = 0;
    while norm / f64::from(1u32 << s) > 0.25 {
        s += 1;
    }
    let x = a / c(f64::from(1u32 << s));
    let mut term = SMatrix::<Complex64, D, D>::identity();
    let mut sum = term;
    for k in 1..30 {
        term = term * x / c(k as f64);
        sum += term;
    }
    for _ in 0..s {
        sum = sum * sum;
    }
    sum
}

/// Block A of H (km⁻¹) for Dirac ν at `e_gev` in matter of density ρ and Y_e.
fn h_active(u: &M3, e_gev: f64, rho: f64, ye: f64) -> M3 {
    let e_ev = e_gev * 1e9;
    let m2 = M3::from_diagonal(&SVector::from([c(0.0), c(7.41e-5), c(2.511e-3)])) / c(2.0 * e_ev);
    let n = |f: f64| rho * f * N_A * HBAR_C_EV_CM.powi(3);
    let (ne, nn) = (n(ye), n(1.0 - ye));
    let k = 2f64.sqrt() * GF_EV2;
    let v = M3::from_diagonal(&SVector::from([
        c(k * (ne - nn / 2.0)),
        c(-k * nn / 2.0),
        c(-k * nn / 2.0),
    ]));
    (u * m2 * u.adjoint() + v) / c(HBAR_C_EV_KM)
}

/// Shells (outer radius km, ρ, Y_e), innermost first.
fn prem4() -> Vec<(f64, f64, f64)> {
    vec![
        (1220.0, 13.0, 0.5),
        (3480.0, 11.3, 0.5),
        (5701.0, 5.0, 0.5),
        (6371.0, 3.3, 0.5),
    ]
}

fn prem200() -> Vec<(f64, f64, f64)> {
    let text = std::fs::read_to_string("profiles/prem_earth.dat").unwrap();
    let rows: Vec<Vec<f64>> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split_whitespace().map(|x| x.parse().unwrap()).collect())
        .collect();
    (0..rows.len() - 1)
        .map(|i| (rows[i + 1][0] * R_E, rows[i][1], rows[i][2]))
        .collect()
}

/// The surface chord at cos θ_z as (length, ρ, Y_e) segments, entry to exit: a shell of
/// outer radius r is crossed over 2√(r² − b²), b = R sin θ_z.
fn chord(shells: &[(f64, f64, f64)], cos_zenith: f64) -> Vec<(f64, f64, f64)> {
    let b2 = R_E * R_E * (1.0 - cos_zenith * cos_zenith);
    let half = |r: f64| (r * r - b2).max(0.0).sqrt();
    let mut inward = Vec::new();
    for (k, &(r, rho, ye)) in shells.iter().enumerate().rev() {
        let inner = if k == 0 { 0.0 } else { half(shells[k - 1].0) };
        let len = half(r) - inner;
        if len > 0.0 {
            inward.push((len, rho, ye));
        }
    }
    let last = inward.len() - 1;
    let mut out = inward.clone();
    out[last].0 *= 2.0;
    out.extend(inward[..last].iter().rev());
    out
}

/// P(ν_μ → ν_e, ν_μ, ν_τ) through `segments`.
fn truth(segments: &[(f64, f64, f64)], e_gev: f64) -> [f64; 3] {
    let u = pmns();
    let mut s = M3::identity();
    for &(len, rho, ye) in segments {
        s = expm(&h_active(&u, e_gev, rho, ye), len) * s;
    }
    std::array::from_fn(|b| s[(b, 1)].norm_sqr())
}

/// The atmospheric set-up of [`nuspin::reference::earth`] on `medium` and `track`, solved by
/// the layers method.
fn scenario(medium: &str, track: &str, energies: usize) -> Scenario {
    let rest = format!("{track}\n[solver]\nmethod = \"layers\"\n[output]\nfile = \"unused.h5\"\n");
    earth::atmospheric("t", medium, energies, &rest).unwrap()
}

fn results(s: &Scenario) -> Vec<EnergyResult> {
    let mut all = Vec::new();
    let options = RunOptions {
        threads: Some(1),
        ..Default::default()
    };
    run(s, &options, &NoProgress, |batch| {
        all.extend(batch);
        Ok(())
    })
    .unwrap();
    all.sort_by_key(|r| r.grid_index);
    all
}

fn check(s: &Scenario, segments: &[(f64, f64, f64)]) -> f64 {
    let mut worst: f64 = 0.0;
    for r in results(s) {
        let e_gev = s.energies_mev[r.grid_index] / 1000.0;
        let want = truth(segments, e_gev);
        // [nX = 1, nI = 1, 2N = 6]: the active block, then the sterile one (zero).
        for (b, w) in want.iter().enumerate() {
            worst = worst.max((r.probability[b] - w).abs());
        }
        assert!(r.probability[3..].iter().all(|&p| p == 0.0));
        assert_eq!(
            r.unitarity_error, 0.0,
            "unitary by construction, not measured"
        );
    }
    worst
}

#[test]
fn prem4_and_prem_chords_match_the_product_of_exact_exponentials() {
    for cz in [-1.0, -0.83, -0.5, -0.2] {
        let s = scenario(
            &format!("kind = \"earth\"\nmodel = \"prem4\"\ncos_zenith = {cz}"),
            "",
            12,
        );
        let err = check(&s, &chord(&prem4(), cz));
        eprintln!("prem4 cos {cz}: {err:e}");
        assert!(err <= 1e-12, "prem4 cos {cz}: {err:e}");
        let s = scenario(&format!("kind = \"earth\"\ncos_zenith = {cz}"), "", 6);
        let err = check(&s, &chord(&prem200(), cz));
        eprintln!("prem cos {cz}: {err:e}");
        assert!(err <= 1e-12, "prem cos {cz}: {err:e}");
    }
}

#[test]
fn constant_slab_matches_the_exact_exponential() {
    let s = scenario(earth::SLAB_MEDIUM, earth::SLAB_TRACK, 20);
    let err = check(&s, &[(1300.0, 2.8, 0.5)]);
    assert!(err <= 1e-12, "{err:e}");
}

/// The full 6×6 H (km⁻¹) of Dirac ν with the flavour-basis moment μ_eμ in a transverse field
/// B⊥ (φ_B = 0): H_AA = U M² U† + V, H_BB = U M² U†, H_BA = μ_B μ B⊥ (docs/physics.md ("The
/// Hamiltonian"), flavour basis: U λ U† = μ).
fn h_six(
    u: &M3,
    e_gev: f64,
    rho: f64,
    ye: f64,
    mu_emu: f64,
    b_perp: f64,
) -> SMatrix<Complex64, 6, 6> {
    let aa = h_active(u, e_gev, rho, ye);
    let bb = h_active(u, e_gev, 0.0, 0.5);
    let flip = mu_emu * 5.7883818060e-9 * b_perp / HBAR_C_EV_KM;
    let mut h = SMatrix::<Complex64, 6, 6>::zeros();
    for i in 0..3 {
        for j in 0..3 {
            h[(i, j)] = aa[(i, j)];
            h[(3 + i, 3 + j)] = bb[(i, j)];
        }
    }
    for (i, j) in [(0, 1), (1, 0)] {
        h[(3 + i, j)] = c(flip);
        h[(j, 3 + i)] = c(flip);
    }
    h
}

#[test]
fn six_by_six_with_a_field_across_prem4_matches_the_exact_product() {
    // The vertical prem4 chord as a `steps` table with B⊥ = 1e6 G, μ_eμ = 1e-11 μ_B: the
    // helicity blocks couple, so the layers are 6×6 problems.
    let (mu, b) = (1e-11, 1e6);
    let segments = chord(&prem4(), -1.0);
    let dir = std::env::temp_dir().join(format!("nuspin-earth-layers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let n = |rho: f64, f: f64| rho * f * N_A;
    let mut csv = String::from("x_km,ne_cm3,nn_cm3,b_perp_gauss\n");
    let mut x = 0.0;
    for &(len, rho, ye) in &segments {
        csv += &format!(
            "{x:.17e},{:.17e},{:.17e},{b}\n",
            n(rho, ye),
            n(rho, 1.0 - ye)
        );
        x += len;
    }
    let (_, rho, ye) = segments[0];
    csv += &format!(
        "{x:.17e},{:.17e},{:.17e},{b}\n",
        n(rho, ye),
        n(rho, 1.0 - ye)
    );
    let file = dir.join("chord.csv");
    std::fs::write(&file, csv).unwrap();
    let s = scenario(
        &format!(
            "kind = \"table\"\nfile = \"{}\"\ninterpolation = \"steps\"\n\
             [moments]\nbasis = \"flavour\"\nmagnetic_mu_b = {{ e_mu = {mu} }}",
            file.display()
        ),
        &format!("[track]\nstart_km = 0.0\nend_km = {x:.17e}"),
        8,
    );
    let u = pmns();
    let mut worst: f64 = 0.0;
    let mut flip: f64 = 0.0;
    for r in results(&s) {
        let e_gev = s.energies_mev[r.grid_index] / 1000.0;
        let mut prop = SMatrix::<Complex64, 6, 6>::identity();
        for &(len, rho, ye) in &segments {
            prop = expm(&h_six(&u, e_gev, rho, ye, mu, b), len) * prop;
        }
        for k in 0..6 {
            worst = worst.max((r.probability[k] - prop[(k, 1)].norm_sqr()).abs());
        }
        flip = flip.max(r.probability[3..].iter().sum::<f64>());
    }
    std::fs::remove_dir_all(&dir).ok();
    assert!(flip > 1e-3, "the field flips helicity: {flip:e}");
    assert!(worst <= 1e-12, "{worst:e}");
}

/// A production-region average (`[arrival] production`, starts 15 km and 5 km above the
/// surface, weights 1:3) through the shared-layer path: the weighted sum of the truths of the
/// two chords (vacuum above the surface, then prem4).
#[test]
fn production_average_matches_the_weighted_exact_products() {
    let dir = std::env::temp_dir().join(format!("nuspin-earth-avg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cz: f64 = -0.6;
    // The track runs from 15 km up (production_height_km) to the detector; starts are
    // positions along it.
    let chord_km = chord(&prem4(), cz).iter().map(|s| s.0).sum::<f64>();
    let total_km = -R_E * cz + ((R_E + 15.0).powi(2) - R_E * R_E * (1.0 - cz * cz)).sqrt();
    let above_km = total_km - chord_km;
    // Start 2: 10 km further along the track than the top.
    std::fs::write(dir.join("starts.csv"), "x_km,weight\n0,1\n10,3\n").unwrap();
    let text = format!(
        "name = \"t\"\n[neutrino]\nflavours = 3\nnature = \"dirac\"\ninitial = [\"nu_mu\"]\n\
         [mixing]\npreset = \"nufit-5.2-no\"\n[energy]\nscale = \"log\"\nmin_mev = 1000.0\n\
         max_mev = 100000.0\npoints = 8\n[medium]\nkind = \"earth\"\nmodel = \"prem4\"\n\
         cos_zenith = {cz}\nproduction_height_km = 15.0\n[arrival]\n\
         production = {{ file = \"starts.csv\" }}\n[output]\nfile = \"unused.h5\"\n"
    );
    let s = parse(&dir.join("t.toml"), &text).unwrap();
    assert_eq!(s.solver.method.as_str(), "layers");
    assert!(
        nuspin::run::layers::LayerRun::new(&s).is_some(),
        "fast path"
    );
    let mut worst: f64 = 0.0;
    for r in results(&s) {
        let e_gev = s.energies_mev[r.grid_index] / 1000.0;
        let mut want = [0.0; 3];
        for (vacuum_km, weight) in [(above_km, 0.25), (above_km - 10.0, 0.75)] {
            let mut segments = vec![(vacuum_km, 0.0, 0.5)];
            segments.extend(chord(&prem4(), cz));
            let p = truth(&segments, e_gev);
            for b in 0..3 {
                want[b] += weight * p[b];
            }
        }
        for (b, w) in want.iter().enumerate() {
            worst = worst.max((r.probability[b] - w).abs());
        }
        let per_chord = 1 + chord(&prem4(), cz).len() as u64;
        assert_eq!(
            r.steps,
            2 * per_chord,
            "two chords: vacuum, then the shells"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
    eprintln!("production average: {worst:e}");
    assert!(worst <= 1e-12, "{worst:e}");
}

/// Low energies and large constant terms: 1–10 keV neutrinos through 3 km of dense matter
/// (3e7 g/cm³) with B⊥ = 3e13 G and μ_eμ = 1e-11 μ_B (~3e4 rad). The layer Hamiltonian is
/// formed as A + B/E; the rounding of the large constant A must not be amplified at low E
/// (with E_ref = 1 GeV it was, by E_ref/E ≤ 1e6: |ΔP| = 1.5e-8 here, 3.4e-6 in
/// scripts/reference_constant.py; with E_ref below every admissible energy, 1.3e-10).
#[test]
fn low_energies_with_large_constant_terms_match_the_exact_exponential() {
    let (mu, b, rho, ye, length_km) = (1e-11, 3e13, 3e7, 0.45, 3.0);
    let text = format!(
        "name = \"t\"\n[neutrino]\nflavours = 3\nnature = \"dirac\"\ninitial = [\"nu_mu\"]\n\
         [mixing]\npreset = \"nufit-5.2-no\"\n[energy]\nscale = \"log\"\nmin_mev = 1e-3\n\
         max_mev = 1e-2\npoints = 7\n[medium]\nkind = \"constant\"\nrho_g_cm3 = {rho}\n\
         ye = {ye}\nb_perp_gauss = {b}\n[moments]\nbasis = \"flavour\"\n\
         magnetic_mu_b = {{ e_mu = {mu} }}\n[track]\nstart_km = 0.0\nend_km = {length_km}\n\
         [solver]\nmethod = \"layers\"\n[output]\nfile = \"unused.h5\"\n"
    );
    let s = parse(Path::new("t.toml"), &text).unwrap();
    let u = pmns();
    let mut worst: f64 = 0.0;
    let mut flip: f64 = 0.0;
    for r in results(&s) {
        let e_gev = s.energies_mev[r.grid_index] / 1000.0;
        let prop = expm(&h_six(&u, e_gev, rho, ye, mu, b), length_km);
        for k in 0..6 {
            worst = worst.max((r.probability[k] - prop[(k, 1)].norm_sqr()).abs());
        }
        flip = flip.max(r.probability[3..].iter().sum::<f64>());
    }
    assert!(flip > 1e-3, "the field flips helicity: {flip:e}");
    assert!(worst <= 1e-9, "{worst:e}");
}

/// `propagate_basis` (the run path's start from a basis state, with and without the common
/// phase) against `propagate` of the same basis vector, on a prem4 chord with decoupled
/// helicity blocks: the amplitudes agree to round-off with the phase, |ψ| without it.
#[test]
fn basis_state_propagation_matches_the_vector_path() {
    use nuspin::evolve::shared_layers::{CVec, LayerEigens, LayerSet};
    let s = scenario(
        "kind = \"earth\"\nmodel = \"prem4\"\ncos_zenith = -0.7\nproduction_height_km = 15.0",
        "",
        3,
    );
    let mut layers = LayerSet::new();
    let chord = layers
        .chord(s.medium.as_ref(), s.start_km, s.end_km)
        .unwrap();
    let mut scratch = Vec::new();
    for &energy_mev in &s.energies_mev {
        let eig = LayerEigens::<6>::new(&s.model, energy_mev * 1e6, &layers, [true, true]);
        assert!(eig.split_in_halves());
        for i in 0..6 {
            let mut want = CVec::<6>::zeros();
            want[i] = c(1.0);
            eig.propagate(&chord, &mut want);
            let mut got = CVec::<6>::zeros();
            eig.propagate_basis(&chord, i, &mut got, &mut scratch, true);
            assert!(
                (got - want).norm() < 1e-13,
                "state {i}: {:e}",
                (got - want).norm()
            );
            eig.propagate_basis(&chord, i, &mut got, &mut scratch, false);
            for k in 0..6 {
                assert!((got[k].norm() - want[k].norm()).abs() < 1e-13);
            }
            // The block of the other helicity is untouched (zero).
            let other = if i < 3 { 3..6 } else { 0..3 };
            assert!(other.into_iter().all(|k| got[k] == c(0.0)));
        }
    }
}

/// A slab so dense that the matter term dominates: two of the three levels lie within
/// Δm²/2E of each other against a spread of V (relative splittings 1e-4 … 1e-6 over the
/// energies), the near-degenerate case of the closed-form 3×3 eigensolver on the run path.
/// 1 km (VL ≈ 19 rad): at 10 km (190 rad) both sides carry ~ε·VL of phase round-off and
/// differ by 7e-13, here by 3e-14.
#[test]
fn dense_slab_with_a_near_degenerate_pair_matches_the_exact_exponential() {
    let s = scenario(
        "kind = \"constant\"\nrho_g_cm3 = 1.0e5\nye = 0.5",
        "[track]\nstart_km = 0.0\nend_km = 1.0",
        12,
    );
    let err = check(&s, &[(1.0, 1.0e5, 0.5)]);
    eprintln!("dense slab: {err:e}");
    assert!(err <= 1e-12, "{err:e}");
}

/// Columns walked with the real overlaps of the δ_CP-free frame (3 flavours in ordinary
/// matter: μ and τ potentials equal) against the vector path, which uses the complex
/// overlaps W_b†W_a, on a PREM chord through the core (~100 changes of layer, phases of
/// up to ~1e3 rad): agreement to round-off (1.0e-13 measured; each path carries ~ε per
/// segment).
#[test]
fn real_frame_columns_match_the_complex_vector_path() {
    use nuspin::evolve::shared_layers::{CVec, LayerEigens, LayerSet};
    let s = scenario(
        "kind = \"earth\"\nmodel = \"prem\"\ncos_zenith = -0.95\nproduction_height_km = 15.0",
        "",
        4,
    );
    let mut layers = LayerSet::new();
    let chord = layers
        .chord(s.medium.as_ref(), s.start_km, s.end_km)
        .unwrap();
    let mut worst: f64 = 0.0;
    for &energy_mev in &s.energies_mev {
        let eig = LayerEigens::<6>::new(&s.model, energy_mev * 1e6, &layers, [true, true]);
        assert!(eig.real_in_one_frame());
        let mut columns = nuspin::hamiltonian::CMat::<6>::identity();
        eig.propagate_columns(&chord, &mut columns);
        for i in 0..6 {
            let mut want = CVec::<6>::zeros();
            want[i] = c(1.0);
            eig.propagate(&chord, &mut want);
            worst = worst.max((columns.column(i) - want).norm());
        }
    }
    assert!(worst < 5e-13, "{worst:e}");
}
