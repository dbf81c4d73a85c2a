//! The `/detector/...` datasets through the library's run hooks: exact under a
//! production-region average (they are linear in the density matrix), the millicharge and
//! charge-radius options against their closed forms, and a `[scan]` over a detector field.

use std::path::Path;

use nuspin::output::{EnergyResult, RunHeader, ScanAxis};
use nuspin::run::datasets::detector::{
    COMPOSITION, DSIGMA_DT, DSIGMA_DT_SM, MU_EFF_SQ, RATIO, SPECTRUM, SPECTRUM_SM,
};
use nuspin::run::{derived_datasets, extra_specs, solve_energy};
use nuspin::scenario::{parse, Scenario};

const MU: f64 = 3e-11;
// Constants written out (CODATA 2018, PDG).
const ME: f64 = 0.51099895;
const ALPHA: f64 = 1.0 / 137.035999084;
const GF: f64 = 1.1663788e-11; // MeV⁻²
const HC: f64 = 1.973269804e-11; // MeV cm
const S2W: f64 = 0.23122;
const MW: f64 = 80377.0; // MeV

fn scenario(dir: &Path, text: &str) -> Scenario {
    std::fs::write(dir.join("flat.csv"), "E_MeV, flux\n1.0, 2.0\n20.0, 2.0\n").unwrap();
    parse(&dir.join("s.toml"), text).unwrap()
}

fn header(s: &Scenario) -> RunHeader {
    RunHeader {
        energy_mev: s.energies_mev.clone(),
        extras: extra_specs(s),
        scan: s
            .scan_axes()
            .iter()
            .map(|a| ScanAxis {
                field: a.field.clone(),
                values: a.values.clone(),
            })
            .collect(),
        ..Default::default()
    }
}

fn all_results(s: &Scenario) -> Vec<EnergyResult> {
    (0..s.n_grid())
        .map(|g| solve_energy(s, g).unwrap())
        .collect()
}

fn extra<'a>(s: &Scenario, r: &'a EnergyResult, path: &str) -> &'a [f64] {
    let k = extra_specs(s).iter().position(|e| e.path == path).unwrap();
    &r.extras[k]
}

/// Weak ν–e dσ/dT (cm²/MeV) for couplings (g_V, g_A), written out.
fn weak(gv: f64, ga: f64, e: f64, t: f64) -> f64 {
    let y = 1.0 - t / e;
    GF * GF * ME / (2.0 * std::f64::consts::PI)
        * ((gv + ga).powi(2) + (gv - ga).powi(2) * y * y - (gv * gv - ga * ga) * ME * t / (e * e))
        * HC
        * HC
}

#[test]
fn production_average_keeps_mu_eff_squared_exact() {
    // Solar ν_e averaged over production radii. With only μ_ee (flavour basis) the closed form
    // is μ_eff² = ‖λ_f ψ‖² = μ² |ψ_e|² for every start, hence also for the P-weighted average:
    // the stored μ_eff² equals μ² times the averaged P_ee, and the composition equals P.
    let dir = tempfile::tempdir().unwrap();
    let s = scenario(
        dir.path(),
        &format!(
            r#"
name = "sun"
[neutrino]
flavours = 3
nature = "dirac"
initial = ["nu_e", "nu_mu"]
[moments]
magnetic_mu_b = {{ e_e = {MU} }}
[energy]
values_mev = [0.8, 10.0]
[medium]
kind = "solar"
model = "exponential"
production_average = true
production_average_points = 3
[detector]
recoil_min_mev = 0.01
recoil_max_mev = 1.0
recoil_points = 3
"#
        ),
    );
    assert!(s.medium.averaged_starts_km().is_some());
    for g in 0..2 {
        let r = solve_energy(&s, g).unwrap();
        let mu2 = extra(&s, &r, MU_EFF_SQ);
        let comp = extra(&s, &r, COMPOSITION);
        for i in 0..2 {
            let p_ee = r.probability[i * 6];
            assert!((mu2[i] / (MU * MU * p_ee) - 1.0).abs() < 1e-10, "{g} {i}");
            for a in 0..3 {
                assert!((comp[i * 6 + a] - r.probability[i * 6 + a]).abs() < 1e-14);
            }
        }
        // At 10 MeV the MSW transition leaves P_ee well below the vacuum average 0.55.
        if g == 1 {
            assert!(r.probability[0] < 0.45, "{}", r.probability[0]);
        }
    }
}

#[test]
fn millicharge_and_charge_radius_match_their_closed_forms() {
    // ν_e over 1 m of vacuum-like rock (P_ee = 1 to 1e-9) at 3 and 6 MeV; a flat flux of 2 per
    // MeV on [1, 20] MeV. Scan axis: millicharge 0 and 1e-13 e, with a ν_e charge radius of
    // 4e-32 cm² at both points.
    let dir = tempfile::tempdir().unwrap();
    let s = scenario(
        dir.path(),
        r#"
name = "q"
[neutrino]
flavours = 2
nature = "dirac"
initial = ["nu_e"]
[mixing]
theta_deg = 33.0
dm2_ev2 = 7.5e-5
[energy]
values_mev = [3.0, 6.0]
[medium]
kind = "constant"
rho_g_cm3 = 1.0
[track]
start_km = 0.0
end_km = 0.001
[detector]
recoil_min_mev = 0.001
recoil_max_mev = 1.0
recoil_points = 4
flux_file = "flat.csv"
electrons = 10.0
millicharge_e = 0.0
charge_radius_cm2 = { e = 4e-32 }
[scan]
"detector.millicharge_e" = [0.0, 1e-13]
"#,
    );
    let results = all_results(&s);
    let recoil = s.detector.as_ref().unwrap().recoil_mev.clone();
    let shift = 2.0 / 3.0 * MW * MW * 4e-32 / (HC * HC) * S2W;
    for r in &results {
        let e = s.energies_mev[r.grid_index % 2];
        let q = [0.0, 1e-13][r.grid_index / 2];
        let full = extra(&s, r, DSIGMA_DT);
        let sm = extra(&s, r, DSIGMA_DT_SM);
        for (k, &t) in recoil.iter().enumerate() {
            let sm_closed = weak(2.0 * S2W + 0.5, 0.5, e, t);
            let closed = weak(2.0 * S2W + 0.5 + shift, 0.5, e, t)
                + 2.0 * std::f64::consts::PI * ALPHA * q * q / (ME * t * t) * HC * HC;
            assert!((sm[k] / sm_closed - 1.0).abs() < 1e-8, "{e} {t}");
            assert!((full[k] / closed - 1.0).abs() < 1e-8, "{e} {t} {q}");
        }
    }
    // Folded: the millicharge term does not depend on E, so scan point 1 minus point 0 is
    // electrons × 2παq²/(m_e T²)(ħc)² × ∫ φ dE from max(E_min(T), 3 MeV) to 6 MeV (the flux is
    // used inside the [energy] grid only).
    let derived = derived_datasets(&s, &header(&s), &results);
    let get = |p: &str| derived.iter().find(|d| d.path == p).unwrap();
    let (total, sm) = (get(SPECTRUM), get(SPECTRUM_SM));
    assert_eq!(total.shape, vec![2, 1, 1, 4]);
    for (k, &t) in recoil.iter().enumerate() {
        let e_min = 0.5 * (t + (t * t + 2.0 * ME * t).sqrt());
        let span = 6.0 - e_min.max(3.0);
        let closed =
            10.0 * 2.0 * std::f64::consts::PI * ALPHA * 1e-26 / (ME * t * t) * HC * HC * 2.0 * span;
        let got = total.values[4 + k] - total.values[k];
        assert!(
            (got / closed - 1.0).abs() < 1e-9,
            "T = {t}: {got} vs {closed}"
        );
        assert_eq!(sm.values[4 + k], sm.values[k]);
    }
    // The flat table spans 1–20 MeV, the grid 3–6 MeV: 3/19 of the flux is folded.
    let fraction = total
        .f64_attrs
        .iter()
        .find(|(k, _)| k == "flux_fraction_in_energy_grid")
        .unwrap()
        .1;
    assert!((fraction - 3.0 / 19.0).abs() < 1e-12, "{fraction}");
    assert!(total
        .text_attrs
        .iter()
        .any(|(k, v)| k == "flux_warning" && v.contains("15.8 %")));
    let ratio = &get(RATIO).values;
    assert!(ratio[4] > ratio[0] && ratio[0] > 1.0);
    // A missing grid point makes that scan point's spectra NaN, with a warning.
    let partial = derived_datasets(&s, &header(&s), &results[..3]);
    let spectrum = partial.iter().find(|d| d.path == SPECTRUM).unwrap();
    assert!(spectrum.values[..4].iter().all(|v| v.is_finite()));
    assert!(spectrum.values[4..].iter().all(|v| v.is_nan()));
    assert!(spectrum.text_attrs.iter().any(|(k, _)| k == "warning"));
}
