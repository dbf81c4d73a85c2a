//! Every class of bad scenario input gives an error naming the file, the field, and what was
//! expected (scenario.md; issue 5).

use std::path::Path;

use nuspin::evolve::{Method, Record};
use nuspin::scenario::parse;

const GOOD: &str = r#"
name = "lab"

[neutrino]
flavours = 2
nature = "dirac"

[mixing]
theta_deg = 33.0
dm2_ev2 = 7.5e-5

[energy]
min_mev = 1
max_mev = 10
points = 4

[medium]
kind = "constant"
rho_g_cm3 = 3
ye = 0.5

[track]
start_km = 0
end_km = 1000
"#;

fn error_of(text: &str) -> String {
    match parse(Path::new("scenarios/t.toml"), text) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e.to_string(),
    }
}

fn with(old: &str, new: &str) -> String {
    assert!(GOOD.contains(old), "{old}");
    GOOD.replacen(old, new, 1)
}

fn expect(text: &str, parts: &[&str]) {
    let e = error_of(text);
    assert!(e.starts_with("scenarios/t.toml"), "{e}");
    for p in parts {
        assert!(e.contains(p), "`{p}` not in `{e}`");
    }
}

#[test]
fn good_scenario_parses_with_defaults() {
    let s = parse(Path::new("scenarios/t.toml"), GOOD).unwrap();
    assert_eq!(s.energies_mev.len(), 4);
    assert_eq!(s.energies_mev[0], 1.0);
    assert_eq!(s.energies_mev[3], 10.0);
    assert_eq!(s.labels, ["nu_e", "nu_mu", "nuR_e", "nuR_mu"]);
    assert_eq!(s.initial, vec![0, 1, 2, 3]);
    // A constant medium: `layers` (exact) is the default on piecewise-constant media.
    assert_eq!(s.solver.method, Method::Layers);
    assert_eq!(s.solver.rtol, 1e-6);
    assert_eq!(s.record, Record::End);
    assert_eq!(s.output.file, Path::new("out/lab.h5"));
    assert_eq!(s.output.profile_samples, 2000);
    assert_eq!((s.start_km, s.end_km), (0.0, 1000.0));
}

#[test]
fn toml_syntax_error_has_a_line() {
    expect(
        &with("points = 4", "points = = 4"),
        &["scenarios/t.toml:15"],
    );
}

#[test]
fn unknown_field_is_named() {
    expect(
        &with("nature = \"dirac\"", "nature = \"dirac\"\nflavor = 2"),
        &["neutrino", "flavor", ":7"],
    );
}

#[test]
fn wrong_type_is_named() {
    expect(
        &with("flavours = 2", "flavours = \"two\""),
        &["[neutrino] flavours", ":5"],
    );
}

#[test]
fn out_of_range_values() {
    expect(
        &with("rho_g_cm3 = 3", "rho_g_cm3 = -3"),
        &["[medium]", ">= 0"],
    );
    expect(
        &with("min_mev = 1", "min_mev = 0"),
        &["[energy] min_mev", "> 0"],
    );
    expect(
        &with("min_mev = 1", "min_mev = 20"),
        &["[energy] min_mev", "< max_mev"],
    );
    expect(
        &with("points = 4", "points = 0"),
        &["[energy] points", ">= 1"],
    );
    expect(
        &with("end_km = 1000", "end_km = -1"),
        &["[track] end_km", "> start_km"],
    );
    expect(
        &with("ye = 0.5", "ye = 0.5\nv_par = 1.0"),
        &["[medium]", "< 1"],
    );
    expect(
        &with("flavours = 2", "flavours = 4"),
        &["[neutrino] flavours", "2 or 3"],
    );
}

#[test]
fn majorana_diagonal_moment_is_rejected() {
    let t = with("nature = \"dirac\"", "nature = \"majorana\"")
        + "\n[moments]\nmagnetic_mu_b = { e_e = 1e-12 }\n";
    expect(&t, &["[moments] magnetic_mu_b.e_e", "diagonal"]);
}

#[test]
fn unknown_state_label_and_preset() {
    expect(
        &with(
            "nature = \"dirac\"",
            "nature = \"dirac\"\ninitial = [\"nu_tau\"]",
        ),
        &["[neutrino] initial", "nu_tau", "nuR_mu"],
    );
    let three = with("flavours = 2", "flavours = 3")
        .replace("theta_deg = 33.0\ndm2_ev2 = 7.5e-5", "preset = \"nufit-9\"");
    expect(&three, &["[mixing] preset", "nufit-9", "nufit-5.2-no"]);
}

#[test]
fn antineutrino_majorana_is_rejected() {
    let t = with(
        "nature = \"dirac\"",
        "nature = \"majorana\"\nparticle = \"antineutrino\"",
    );
    expect(&t, &["[neutrino] particle", "block B"]);
}

#[test]
fn energy_values_rules() {
    let t = with(
        "min_mev = 1\nmax_mev = 10\npoints = 4",
        "values_mev = [5.0, 10, 5.0]",
    );
    expect(&t, &["[energy] values_mev", "repeats"]);
    let t = with(
        "min_mev = 1\nmax_mev = 10\npoints = 4",
        "values_mev = [5.0, -1]",
    );
    expect(&t, &["[energy] values_mev[1]", "> 0"]);
    let s = parse(
        Path::new("s.toml"),
        &with(
            "min_mev = 1\nmax_mev = 10\npoints = 4",
            "values_mev = [10, 5.0]",
        ),
    )
    .unwrap();
    assert_eq!(s.energies_mev, vec![10.0, 5.0]);
}

#[test]
fn record_rules() {
    let t = with("end_km = 1000", "end_km = 1000\nrecord = { points = 0 }");
    expect(&t, &["[track] record.points", ">= 1"]);
    let t = with(
        "end_km = 1000",
        "end_km = 1000\nrecord = { values_km = [10, 5] }",
    );
    expect(&t, &["increasing"]);
    let s = parse(
        Path::new("s.toml"),
        &with("end_km = 1000", "end_km = 1000\nrecord = { points = 3 }"),
    )
    .unwrap();
    assert_eq!(s.record, Record::Points(vec![0.0, 500.0, 1000.0]));
}

#[test]
fn missing_required_fields() {
    expect(
        &GOOD.replace("start_km = 0\n", ""),
        &["[track] start_km", "required"],
    );
    expect(
        &GOOD.replace("[medium]\nkind = \"constant\"\n", "[medium]\n"),
        &["[medium] kind", "required"],
    );
    expect(
        &GOOD.replace("dm2_ev2 = 7.5e-5\n", ""),
        &["[mixing] dm2_ev2", "required"],
    );
}

#[test]
fn dirac_majorana_phases_are_rejected() {
    let t = with(
        "dm2_ev2 = 7.5e-5",
        "dm2_ev2 = 7.5e-5\nmajorana_phases_deg = [30]",
    );
    expect(&t, &["[mixing] majorana_phases_deg", "majorana"]);
}

#[test]
fn max_steps_is_a_solver_field_and_is_honoured() {
    expect(
        &format!("{GOOD}\n[solver]\nmax_steps = 0\n"),
        &["[solver] max_steps", "must be >= 1, got 0"],
    );
    // A varying medium (a constant one is a single exact step).
    let text = format!("{GOOD}\n[solver]\nmax_steps = 3\n")
        .replace(
            "kind = \"constant\"\nrho_g_cm3 = 3\nye = 0.5",
            "kind = \"supernova\"",
        )
        .replace("start_km = 0\nend_km = 1000", "");
    let s = parse(Path::new("scenarios/t.toml"), &text).unwrap();
    assert_eq!(s.solver.max_steps, 3);
    let err = nuspin::run::solve_energy(&s, 0).unwrap_err().to_string();
    assert!(err.contains("more than 3 steps"), "{err}");
}

/// A scenario given as a string (the Python binding's path) validates like a file and names
/// itself by the display name in errors.
#[test]
fn a_scenario_string_validates_under_its_display_name() {
    let s = nuspin::scenario::parse_str("<string>", GOOD).unwrap();
    assert_eq!(s.energies_mev.len(), 4);
    let e = nuspin::scenario::parse_str("<string>", &GOOD.replace("points = 4", "points = 0"))
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("<string>") && e.contains("[energy] points"),
        "{e}"
    );
}

/// Every error points at the value at fault, line and column (from the TOML parser's spans):
/// a value out of range, a word that is not one of the choices, an entry of an inline table,
/// a `[scan]` axis, and a required field that is missing (its table's header).
#[test]
fn errors_give_the_line_and_column_of_the_value() {
    assert!(error_of(&with("rho_g_cm3 = 3", "rho_g_cm3 = -3"))
        .starts_with("scenarios/t.toml:19:13: [medium] rho_g_cm3"));
    assert_eq!(
        error_of(&with("nature = \"dirac\"", "nature = \"dirak\"")),
        "scenarios/t.toml:6:10: [neutrino] nature: must be \"dirac\" or \"majorana\", got \"dirak\""
    );
    assert_eq!(
        error_of(&format!("{GOOD}\n[solver]\nmethod = \"rk4\"\n")),
        "scenarios/t.toml:27:10: [solver] method: must be \"magnus\", \"dop853\" or \"layers\", got \"rk4\""
    );
    let majorana = with("nature = \"dirac\"", "nature = \"majorana\"")
        + "\n[moments]\nmagnetic_mu_b = { e_e = 1e-12 }\n";
    assert!(error_of(&majorana).starts_with("scenarios/t.toml:27:25: [moments] magnetic_mu_b.e_e"));
    let scan = format!("{GOOD}\n[scan]\n\"medium.ye\" = [0.5, 2.0]\n");
    assert!(
        error_of(&scan).starts_with("scenarios/t.toml:27:15: [scan] medium.ye: at the scan point")
    );
    assert!(
        error_of(&with("end_km = 1000", "")).starts_with("scenarios/t.toml:22:1: [track] end_km")
    );
}
