//! Every class of bad scenario input gives an error naming the file, the field, and what was
//! expected (scenario.md; issue 5). The cases themselves are data, shared with tests/cli.rs and
//! python/tests/test_errors.py: tests/data/scenario_errors.toml. Here too: what valid input
//! becomes.

use crate::common;
use common::error_cases::{base, error_cases};

use std::path::Path;

use nuspin::evolve::{Method, Record};
use nuspin::scenario::parse;

/// The valid base scenario of the shared cases.
fn good() -> String {
    base()
}

fn error_of(text: &str) -> String {
    match parse(Path::new("scenarios/t.toml"), text) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e.to_string(),
    }
}

fn with(old: &str, new: &str) -> String {
    let good = good();
    assert!(good.contains(old), "{old}");
    good.replacen(old, new, 1)
}

/// Every case of tests/data/scenario_errors.toml is refused with a message that starts with
/// the file and has every expected part (the field, what was expected, what was got).
#[test]
fn every_shared_error_case_names_the_file_and_the_field() {
    let cases = error_cases();
    assert!(cases.len() >= 30, "only {} cases", cases.len());
    for case in &cases {
        let e = match parse(Path::new("scenarios/t.toml"), &case.text) {
            Ok(_) => panic!("{}: expected an error for:\n{}", case.id, case.text),
            Err(e) => e.to_string(),
        };
        assert!(e.starts_with("scenarios/t.toml"), "{}: {e}", case.id);
        for p in &case.parts {
            assert!(e.contains(p.as_str()), "{}: `{p}` not in `{e}`", case.id);
        }
    }
}

#[test]
fn good_scenario_parses_with_defaults() {
    let s = parse(Path::new("scenarios/t.toml"), &good()).unwrap();
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
fn energy_values_keep_their_order() {
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
fn record_points_span_the_track() {
    let s = parse(
        Path::new("s.toml"),
        &with("end_km = 1000", "end_km = 1000\nrecord = { points = 3 }"),
    )
    .unwrap();
    assert_eq!(s.record, Record::Points(vec![0.0, 500.0, 1000.0]));
}

#[test]
fn max_steps_is_honoured() {
    // A varying medium (a constant one is a single exact step).
    let text = format!("{}\n[solver]\nmax_steps = 3\n", good())
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
    let s = nuspin::scenario::parse_str("<string>", &good()).unwrap();
    assert_eq!(s.energies_mev.len(), 4);
    let e = nuspin::scenario::parse_str("<string>", &good().replace("points = 4", "points = 0"))
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
        error_of(&format!("{}\n[solver]\nmethod = \"rk4\"\n", good())),
        "scenarios/t.toml:27:10: [solver] method: must be \"magnus\", \"dop853\" or \"layers\", got \"rk4\""
    );
    let majorana = with("nature = \"dirac\"", "nature = \"majorana\"")
        + "\n[moments]\nmagnetic_mu_b = { e_e = 1e-12 }\n";
    assert!(error_of(&majorana).starts_with("scenarios/t.toml:27:25: [moments] magnetic_mu_b.e_e"));
    let scan = format!("{}\n[scan]\n\"medium.ye\" = [0.5, 2.0]\n", good());
    assert!(
        error_of(&scan).starts_with("scenarios/t.toml:27:15: [scan] medium.ye: at the scan point")
    );
    assert!(
        error_of(&with("end_km = 1000", "")).starts_with("scenarios/t.toml:22:1: [track] end_km")
    );
}

/// The `[medium]` table is read by the medium module after the rest of the file, yet its
/// errors too point at the key at fault, not at the `[medium]` header (line 17 of the base):
/// a misspelled field, a value of the wrong type and a table file that cannot be read.
#[test]
fn medium_errors_point_at_the_key_at_fault() {
    let unknown = error_of(&with("ye = 0.5", "ye = 0.5\nrho_g_cm = 3"));
    assert!(
        unknown.starts_with("scenarios/t.toml:21:12: [medium] rho_g_cm: unknown field"),
        "{unknown}"
    );
    let wrong_type = error_of(&with("rho_g_cm3 = 3", "rho_g_cm3 = \"3 g/cm3\""));
    assert!(
        wrong_type.starts_with(
            "scenarios/t.toml:19:13: [medium] rho_g_cm3: invalid type: string \"3 g/cm3\", expected a number"
        ),
        "{wrong_type}"
    );
    let table = with(
        "kind = \"constant\"\nrho_g_cm3 = 3\nye = 0.5",
        "kind = \"table\"\nfile = \"missing.csv\"",
    );
    let missing = error_of(&table);
    assert!(
        missing.starts_with("scenarios/t.toml:19:8: [medium] file: file 'missing.csv'"),
        "{missing}"
    );
    // A required field that is missing keeps its table's header, as everywhere.
    let no_file = error_of(&with(
        "kind = \"constant\"\nrho_g_cm3 = 3\nye = 0.5",
        "kind = \"table\"",
    ));
    assert!(
        no_file.starts_with("scenarios/t.toml:17:1: [medium]"),
        "{no_file}"
    );
}
