//! `[collective] method`: the adiabatic-frame stepper (AFM, then CF4) in scenario runs. Its
//! validation errors (file, field, expected), an AFM run agreeing with a CF4 run at a tight
//! tolerance, and what the file records (`/solver` method, `/collective/afm_steps`,
//! `/collective/handover_km`, `/solver/steps` = AFM's + CF4's).

use std::path::Path;

use nuspin::output::{read_output, EnergyResult};
use nuspin::run::{self, NoProgress, RunOptions};
use nuspin::scenario::collective::{CollectiveMethod, AUTO_AFM_MIN_BINS};
use nuspin::scenario::{self, Scenario};

/// A small bulb without a moment (AFM applies): 4 bins, a tenth of the reference bulb's luminosity,
/// to 60 km through the swap; METHOD is replaced.
const BULB: &str = r#"
name = "collective-method"
[neutrino]
flavours = 2
nature = "majorana"
initial = "all"
[mixing]
theta_deg = 5.7296
dm2_ev2 = -3e-3
[energy]
scale = "linear"
min_mev = 5.0
max_mev = 50.0
points = 4
[medium]
kind = "supernova"
rho0_g_cm3 = 0.0
r0_km = 10.0
index = 3
ye = 0.5
r_max_km = 1e6
[collective]
r_nu_km = 10.0
nu_e = { luminosity_erg_s = 1e50, mean_energy_mev = 10.0 }
nubar_e = { luminosity_erg_s = 1e50, mean_energy_mev = 15.0 }
nu_x = { luminosity_erg_s = 1e50, mean_energy_mev = 20.0 }
nubar_x = { luminosity_erg_s = 1e50, mean_energy_mev = 20.0 }
METHOD
[track]
start_km = 10.0
end_km = 60.0
record = { values_km = [12.0, 60.0] }
[solver]
rtol = 1e-10
[output]
profile_samples = 0
"#;

fn bulb(method: &str) -> String {
    BULB.replace("METHOD", method)
}

fn parse(text: &str) -> Result<Scenario, scenario::ScenarioError> {
    scenario::parse(Path::new("collective-method.toml"), text)
}

fn run_all(plan: &Scenario) -> Vec<EnergyResult> {
    let mut all = Vec::new();
    let summary = run::run(plan, &RunOptions::default(), &NoProgress, |batch| {
        all.extend(batch);
        Ok(())
    })
    .unwrap();
    assert_eq!(summary.energies_done, plan.n_grid());
    all.sort_by_key(|r| r.grid_index);
    all
}

/// The one value of a per-bin scalar slab.
fn scalar(plan: &Scenario, r: &EnergyResult, path: &str) -> f64 {
    let i = run::extra_specs(plan)
        .iter()
        .position(|e| e.path == path)
        .unwrap_or_else(|| panic!("no {path}"));
    assert_eq!(r.extras[i].len(), 1);
    r.extras[i][0]
}

#[test]
fn method_defaults_and_resolution() {
    let auto = parse(&bulb("")).unwrap();
    let spec = auto.collective.as_ref().unwrap();
    assert_eq!(spec.method, CollectiveMethod::Auto);
    // 4 bins: "auto" keeps CF4 (AFM pays from AUTO_AFM_MIN_BINS bins).
    const { assert!(4 < AUTO_AFM_MIN_BINS) };
    assert!(!spec.afm);
    assert_eq!(spec.stepper_name(), "cf4");
    let many = bulb("").replace(
        "points = 4",
        &format!("points = {AUTO_AFM_MIN_BINS}\nmax_mev = 80.0"),
    );
    let many = many.replacen("max_mev = 50.0\n", "", 1);
    let plan = parse(&many).unwrap();
    assert!(plan.collective.as_ref().unwrap().afm);
    let header = run::header_for(&plan, "test".into()).unwrap();
    assert_eq!(header.solver_method, "afm+cf4");
    let afm = parse(&bulb("method = \"afm\"")).unwrap();
    assert!(afm.collective.as_ref().unwrap().afm);
    let cf4 = parse(&bulb("method = \"cf4\"")).unwrap();
    assert!(!cf4.collective.as_ref().unwrap().afm);
}

/// AFM (+ CF4) and CF4 alone at rtol 1e-10 through the swap: the same probabilities within
/// the methods' global errors, the stepper recorded per bin, and the file says which ran.
#[test]
fn afm_run_agrees_with_cf4_and_records_the_handover() {
    let afm_plan = parse(&bulb("method = \"afm\"")).unwrap();
    let cf4_plan = parse(&bulb("method = \"cf4\"")).unwrap();
    let afm = run_all(&afm_plan);
    let cf4 = run_all(&cf4_plan);
    let mut dp: f64 = 0.0;
    for (a, c) in afm.iter().zip(&cf4) {
        for (x, y) in a.probability.iter().zip(&c.probability) {
            dp = dp.max((x - y).abs());
        }
    }
    println!("AFM vs CF4 at rtol 1e-10, 4 bins to 60 km: max |dP| {dp:.2e}");
    assert!(dp < 1e-5, "{dp}");
    let afm_steps = scalar(&afm_plan, &afm[0], "collective/afm_steps");
    let handover = scalar(&afm_plan, &afm[0], "collective/handover_km");
    println!(
        "AFM {afm_steps} steps to {handover} km; steps {} against CF4 alone {}",
        afm[0].steps, cf4[0].steps
    );
    assert!(afm_steps > 0.0);
    assert!(handover > 12.0 && handover < 60.0, "{handover}");
    for r in &afm {
        assert_eq!(scalar(&afm_plan, r, "collective/afm_steps"), afm_steps);
        assert_eq!(scalar(&afm_plan, r, "collective/handover_km"), handover);
        // /solver/steps counts AFM's steps and CF4's after the hand-over.
        assert_eq!(r.steps, afm[0].steps);
        assert!(r.steps as f64 > afm_steps);
    }
    // Near R_ν AFM takes far fewer steps than CF4.
    assert!(
        afm[0].steps < cf4[0].steps / 2,
        "{} {}",
        afm[0].steps,
        cf4[0].steps
    );
    for r in &cf4 {
        assert_eq!(scalar(&cf4_plan, r, "collective/afm_steps"), 0.0);
        assert_eq!(scalar(&cf4_plan, r, "collective/handover_km"), 10.0);
    }
}

#[test]
fn afm_file_records_the_stepper() {
    let text = bulb("method = \"afm\"")
        .replace("end_km = 60.0", "end_km = 12.0")
        .replace("record = { values_km = [12.0, 60.0] }", "record = \"end\"");
    let plan = parse(&text).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("afm.h5");
    let header = run::header_for(&plan, "test".into()).unwrap();
    assert_eq!(header.solver_method, "afm+cf4");
    let done = run::run_to_file(&plan, &header, &out, &RunOptions::default(), &NoProgress).unwrap();
    assert!(done.complete());
    let file = read_output(&out).unwrap();
    assert_eq!(file.header.solver_method, "afm+cf4");
    let at = |path: &str| {
        let i = file
            .header
            .extras
            .iter()
            .position(|e| e.path == path)
            .unwrap();
        file.extras[i].clone()
    };
    let steps = at("collective/afm_steps");
    let handover = at("collective/handover_km");
    assert_eq!(steps.shape(), &[4]);
    assert_eq!(handover.shape(), &[4]);
    // g|P| stays far above 10 ω_max up to 12 km: AFM all the way, hand-over at the end.
    assert!(steps.iter().all(|&s| s > 0.0 && s as u64 == file.steps[0]));
    assert!(handover.iter().all(|&h| h == 12.0), "{handover:?}");
}

/// `(replace this, with this, the error names this field, and says this)`.
const BAD: &[(&str, &str, &str, &str)] = &[
    (
        "METHOD",
        "method = \"rk4\"",
        "[collective] method",
        "must be \"auto\", \"cf4\" or \"afm\", got \"rk4\"",
    ),
    (
        "METHOD",
        "method = 4",
        "[collective] method",
        "expected a string",
    ),
    (
        "nature = \"majorana\"",
        "nature = \"dirac\"\nparticle = \"neutrino\"",
        "[collective] method",
        "cannot be \"afm\" with Dirac neutrinos",
    ),
    (
        "theta_deg = 5.7296\ndm2_ev2 = -3e-3",
        "preset = \"nufit-5.2-io\"",
        "[collective] method",
        "cannot be \"afm\" with three flavours",
    ),
];

#[test]
fn bad_method_names_file_field_and_expected() {
    for (from, to, field, says) in BAD {
        let mut text = bulb("method = \"afm\"");
        if *from == "METHOD" {
            text = bulb(to);
        } else {
            assert!(text.contains(from), "{from}");
            text = text.replacen(from, to, 1);
            if to.contains("preset") {
                text = text.replace("flavours = 2", "flavours = 3");
            }
        }
        let e = parse(&text).unwrap_err().to_string();
        assert!(e.starts_with("collective-method.toml"), "{e}");
        assert!(e.contains(field), "{e} (wanted {field})");
        assert!(e.contains(says), "{e} (wanted {says})");
    }
    // "auto" and "cf4" are fine with three flavours and Dirac: CF4 alone.
    let three = bulb("method = \"auto\"")
        .replace("flavours = 2", "flavours = 3")
        .replace(
            "theta_deg = 5.7296\ndm2_ev2 = -3e-3",
            "preset = \"nufit-5.2-io\"",
        );
    assert!(!parse(&three).unwrap().collective.unwrap().afm);
}
