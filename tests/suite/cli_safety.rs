//! Runs that cannot hurt the user (issue 18), end to end through the `nuspin` binary: physics
//! the equations do not describe is refused before any file exists, error messages say what is
//! wrong, and what users read is readable. Each test names the case it covers.

use crate::common;
use common::cli::{stderr, Case};
use common::lab::lab_scenario;

use std::path::Path;
use std::process::Output;

/// A two-flavour Dirac lab scenario; tests append or replace tables.
const LAB: &str = lab_scenario!(
    name: "lab",
    initial: r#"["nu_e"]"#,
    points: 3,
    medium: "",
    end_km: 300,
    "\n[output]\nprofile_samples = 10\n",
);

/// The run failed as bad input (exit 2), no output file was created, and the message has
/// every one of `needles`.
fn refused(case: &Case, o: &Output, needles: &[&str]) {
    let err = stderr(o);
    assert_eq!(
        o.status.code(),
        Some(2),
        "expected exit 2, got {:?}: {err}",
        o.status
    );
    assert!(!err.contains("panicked"), "{err}");
    for n in needles {
        assert!(err.contains(n), "message lacks \"{n}\": {err}");
    }
    assert!(
        case.outputs().is_empty(),
        "files were created: {:?}",
        case.outputs()
    );
}

/// `LAB` with `key = value` lines set in `[table]` (replacing a key of the same name).
fn lab_with(table: &str, lines: &[(&str, &str)]) -> String {
    let mut out = String::new();
    let mut in_table = false;
    let mut done = false;
    for line in LAB.lines() {
        if line.starts_with('[') {
            if in_table && !done {
                for (k, v) in lines {
                    out += &format!("{k} = {v}\n");
                }
                done = true;
            }
            in_table = line == format!("[{table}]");
        }
        if in_table
            && lines
                .iter()
                .any(|(k, _)| line.starts_with(&format!("{k} =")))
        {
            continue;
        }
        out += line;
        out.push('\n');
    }
    if !done {
        if !in_table {
            out += &format!("[{table}]\n");
        }
        for (k, v) in lines {
            out += &format!("{k} = {v}\n");
        }
    }
    out
}

// --- what users read ---------------------------------------------------------------------------

#[test]
fn summary_says_one_initial_state_and_prints_short_track_numbers() {
    // Cosmetic: "× 1 initial states", "track 0–11467.800000000001 km".
    let case = Case::new(&lab_with("track", &[("end_km", "11467.800000000001")]));
    let o = case.run(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("× 1 initial state of"), "{err}");
    assert!(err.contains("track 0–11467.8 km"), "{err}");
}

#[test]
fn inspect_prints_exact_zeros_as_zero() {
    // Cosmetic: `0.000000e0` in the probability table (no moment: P(ν_e → ν_R) = 0 exactly).
    let case = Case::new(LAB);
    assert!(case.run(&[]).status.success());
    let o = case.nuspin(&["inspect", "out.h5"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(!text.contains("0.000000e0"), "{text}");
    let row = text
        .lines()
        .rfind(|l| l.trim_start().starts_with("nu_e "))
        .unwrap();
    assert_eq!(
        row.split_whitespace().filter(|w| *w == "0").count(),
        2,
        "{row}"
    );
}

#[test]
fn scan_axes_carry_the_unit_of_their_field() {
    // Cosmetic: /scan/* had unit "see name".
    let case = Case::new(&format!(
        "{LAB}\n[scan]\n\"medium.rho_g_cm3\" = [1, 2]\n\"mixing.theta_deg\" = [30, 33]\n"
    ));
    assert!(case.run(&["--quiet"]).status.success());
    let file = nuspin::output::read_output(&case.path("out.h5")).unwrap();
    assert_eq!(file.header.scan.len(), 2);
    // The unit attributes, read by h5py: tests/output_h5py.rs::
    // h5py_reads_the_unit_of_each_scan_axis (needs h5py, so ignored here; CI runs it). The
    // units themselves: output::field_unit's unit test.
}

// --- physics the equations do not describe: refused before any file exists -------------------

#[test]
fn energy_below_the_heaviest_mass_is_refused() {
    // E = 1e-9 MeV = 1e-3 eV, below m₂ = 8.7e-3 eV: the ultra-relativistic H does not apply.
    let case = Case::new(&lab_with("energy", &[("min_mev", "1e-9")]));
    refused(
        &case,
        &case.run(&[]),
        &[
            "s.toml",
            "energy",
            "heaviest neutrino mass",
            "ultra-relativistic",
        ],
    );
    // Ten times the heaviest mass is the documented limit; just above it runs.
    let case = Case::new(&lab_with(
        "energy",
        &[("min_mev", "1e-7"), ("max_mev", "2e-7"), ("points", "2")],
    ));
    let o = case.run(&["--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

const FIELD: &str = "\n[moments]\nmagnetic_mu_b = { e_mu = 1e-12 }\n";

#[test]
fn overflowing_hamiltonian_is_refused_naming_the_term() {
    // B⊥ = 1e300 G used to give P(ν_e → ν_e) = 1 exactly and exit 0.
    let text = lab_with("medium", &[("b_perp_gauss", "1e300")]) + FIELD;
    let case = Case::new(&text);
    refused(
        &case,
        &case.run(&[]),
        &["[moments]", "transverse field", "b_perp_gauss", "overflows"],
    );
}

#[test]
fn phase_beyond_double_precision_is_refused() {
    // μ = 1 μ_B with B = 1e20 G: ~1e24 rad accumulated over 300 km, rounded by ~1e8 rad.
    let text = lab_with("medium", &[("b_perp_gauss", "1e20")])
        + "\n[moments]\nmagnetic_mu_b = { e_mu = 1.0 }\n";
    let case = Case::new(&text);
    refused(
        &case,
        &case.run(&[]),
        &["phase accumulated", "double precision", "transverse field"],
    );
}

#[test]
fn supernova_with_a_one_bohr_magneton_moment_is_refused() {
    // The sn-majorana-sfp envelope with μ = 1 μ_B: ~8e15 rad, rounded by ~0.9 rad.
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sn-majorana-sfp.toml"),
    )
    .unwrap()
    .replace("e_mu = 1e-12", "e_mu = 1.0");
    let case = Case::new(&text);
    refused(
        &case,
        &case.run(&[]),
        &["phase accumulated", "rad", "transverse field"],
    );
}

#[test]
fn tolerances_outside_the_documented_range_are_refused() {
    for (field, value) in [
        ("rtol", "1"),
        ("rtol", "1e300"),
        ("rtol", "1e-20"),
        ("rtol", "0.05"),
        ("atol", "1"),
        ("atol", "1e-30"),
    ] {
        let case = Case::new(&lab_with("solver", &[(field, value)]));
        let o = case.run(&[]);
        refused(&case, &o, &[&format!("[solver] {field}"), "must be in"]);
    }
    for (field, value) in [("rtol", "1e-13"), ("rtol", "1e-2"), ("atol", "1e-16")] {
        let case = Case::new(&lab_with("solver", &[(field, value)]));
        let o = case.run(&["--quiet"]);
        assert!(o.status.success(), "{field} = {value}: {}", stderr(&o));
    }
}

#[test]
fn tiny_max_step_is_blamed_not_rtol() {
    // Pinned to magnus: `layers` (the default on this constant medium) takes no steps.
    let case = Case::new(&lab_with(
        "solver",
        &[("method", "\"magnus\""), ("max_step_km", "1e-9")],
    ));
    let o = case.run(&[]);
    refused(&case, &o, &["[solver] max_step_km", "max_steps"]);
    assert!(!stderr(&o).contains("loosen rtol"), "{}", stderr(&o));
}

#[test]
fn layers_on_a_smooth_medium_is_refused_at_validation() {
    // Used to fail at run time, after an empty output file had been created.
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sn-majorana-sfp.toml"),
    )
    .unwrap()
        + "\n[solver]\nmethod = \"layers\"\n";
    let case = Case::new(&text);
    refused(
        &case,
        &case.run(&[]),
        &["[solver] method", "piecewise-constant", "supernova"],
    );
}

#[test]
fn a_scan_point_beyond_the_limits_is_refused_naming_the_point() {
    let text = format!(
        "{}{FIELD}\n[scan]\n\"medium.b_perp_gauss\" = [1e6, 1e300]\n",
        lab_with("medium", &[("b_perp_gauss", "1e6")])
    );
    let case = Case::new(&text);
    refused(&case, &case.run(&[]), &["scan", "overflows"]);
}

// --- error messages that say what is wrong ----------------------------------------------------

#[test]
fn scan_over_a_misspelt_field_names_that_key() {
    let text =
        format!("{LAB}\n[scan]\n\"medium.rho_g_cm3\" = [1, 2]\n\"medium.b_perp_gaus\" = [1, 2]\n");
    let case = Case::new(&text);
    let o = case.run(&[]);
    refused(&case, &o, &["[scan] medium.b_perp_gaus", "b_perp_gaus"]);
    assert!(
        !stderr(&o).contains("[scan] medium.rho_g_cm3"),
        "{}",
        stderr(&o)
    );
}

/// `LAB` run as shards 1/2 and 2/2 into `a1.h5`, `a2.h5`, and as shard 1/2 of a different
/// scenario into `b1.h5`.
fn shards() -> Case {
    let case = Case::new(LAB);
    for k in 1..=2 {
        let o = case.nuspin(&[
            "run",
            "s.toml",
            "--quiet",
            "--shard",
            &format!("{k}/2"),
            "-o",
            &format!("a{k}.h5"),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    std::fs::write(
        case.path("other.toml"),
        LAB.replace("rho_g_cm3 = 3", "rho_g_cm3 = 4"),
    )
    .unwrap();
    let o = case.nuspin(&[
        "run",
        "other.toml",
        "--quiet",
        "--shard",
        "1/2",
        "-o",
        "b1.h5",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    case
}

#[test]
fn merge_says_which_mismatch() {
    let case = shards();
    let merge = |files: &[&str]| {
        let mut args = vec!["merge"];
        args.extend_from_slice(files);
        args.extend_from_slice(&["-o", "m.h5"]);
        case.nuspin(&args)
    };
    let o = merge(&["a1.h5", "b1.h5"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("cannot merge") && err.contains("different run"),
        "{err}"
    );
    assert!(err.contains("scenario text"), "{err}");
    assert!(!err.contains("not a nuspin output file"), "{err}");

    let o = merge(&["a1.h5", "a1.h5"]);
    let err = stderr(&o);
    assert!(
        err.contains("cannot merge") && err.contains("and so is"),
        "{err}"
    );

    let o = case.nuspin(&["run", "s.toml", "--quiet", "-o", "whole.h5"]);
    assert!(o.status.success());
    let o = merge(&["a1.h5", "whole.h5"]);
    let err = stderr(&o);
    assert!(
        err.contains("cannot merge") && err.contains("not a shard file"),
        "{err}"
    );

    let bytes = std::fs::read(case.path("a2.h5")).unwrap();
    std::fs::write(case.path("cut.h5"), &bytes[..bytes.len() / 2]).unwrap();
    let o = merge(&["a1.h5", "cut.h5"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("cut.h5") && err.contains("truncated"), "{err}");
    assert!(!case.path("m.h5").exists());

    let o = merge(&["a1.h5", "a2.h5"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

const DETECTOR: &str = "\n[detector]\nrecoil_min_mev = 0.001\nrecoil_max_mev = 0.5\nrecoil_points = 5\nflux_file = \"flux.csv\"\n";

#[test]
fn flux_file_with_a_byte_order_mark_before_a_comment_is_read() {
    let case = Case::new(&format!("{LAB}{DETECTOR}"));
    std::fs::write(
        case.path("flux.csv"),
        "\u{feff}# exported from a spreadsheet\nE_MeV,flux\n1,1\n5,2\n10,1\n",
    )
    .unwrap();
    let o = case.run(&["--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn semicolon_separated_flux_gets_a_hint() {
    let case = Case::new(&format!("{LAB}{DETECTOR}"));
    std::fs::write(case.path("flux.csv"), "E_MeV;flux\n1;1\n10;1\n").unwrap();
    refused(&case, &case.run(&[]), &["flux.csv", "separated by ';'"]);
}

#[test]
fn tab_or_semicolon_separated_medium_table_gets_a_hint() {
    for (sep, word) in [("\t", "tabs"), (";", "semicolons")] {
        let text = LAB.replace(
            "kind = \"constant\"\nrho_g_cm3 = 3\nye = 0.5",
            "kind = \"table\"\nfile = \"m.csv\"",
        );
        let case = Case::new(&text);
        std::fs::write(
            case.path("m.csv"),
            format!("x_km{sep}rho_g_cm3\n0{sep}1\n300{sep}1\n"),
        )
        .unwrap();
        refused(&case, &case.run(&[]), &["m.csv", word, "commas"]);
        let o = case.nuspin(&["medium", "check", "m.csv"]);
        assert_ne!(o.status.code(), Some(0));
        let all = format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(&o));
        assert!(all.contains(word), "{all}");
    }
}

#[test]
fn inspect_refuses_a_non_finite_energy() {
    let case = Case::new(LAB);
    assert!(case.run(&["--quiet"]).status.success());
    for value in ["nan", "inf"] {
        let o = case.nuspin(&["inspect", "out.h5", "--energy-mev", value]);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("--energy-mev"), "{}", stderr(&o));
        assert!(o.stdout.is_empty());
    }
}

#[test]
fn moments_refuses_an_absurd_lightest_mass() {
    let case = Case::new(LAB);
    for value in ["1e30", "nan", "-1"] {
        let o = case.nuspin(&["moments", &format!("--lightest-mass-ev={value}")]);
        assert_eq!(o.status.code(), Some(2), "{value}");
        assert!(stderr(&o).contains("--lightest-mass-ev"), "{}", stderr(&o));
    }
    let o = case.nuspin(&["moments", "--lightest-mass-ev", "0.05"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

// --- files that cannot be lost ----------------------------------------------------------------

#[test]
fn output_over_an_input_is_refused_even_with_force() {
    let text = LAB.replace(
        "kind = \"constant\"\nrho_g_cm3 = 3\nye = 0.5",
        "kind = \"table\"\nfile = \"m.csv\"",
    );
    let case = Case::new(&text);
    let table = "x_km,rho_g_cm3\n0,1\n300,1\n";
    std::fs::write(case.path("m.csv"), table).unwrap();
    for target in ["s.toml", "m.csv", "./sub/../m.csv"] {
        std::fs::create_dir_all(case.path("sub")).unwrap();
        let o = case.nuspin(&["run", "s.toml", "-o", target, "--force"]);
        assert_eq!(o.status.code(), Some(2), "{target}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("is an input of this run"),
            "{}",
            stderr(&o)
        );
    }
    assert_eq!(std::fs::read_to_string(case.path("s.toml")).unwrap(), text);
    assert_eq!(std::fs::read_to_string(case.path("m.csv")).unwrap(), table);
    assert!(case.outputs().is_empty(), "{:?}", case.outputs());
}

#[test]
fn a_name_cannot_place_the_default_output_outside_out() {
    let case = Case::new(&LAB.replace("name = \"lab\"", "name = \"../../escaped\""));
    let o = case.nuspin(&["run", "s.toml", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(case.outputs(), vec!["out/.._.._escaped.h5".to_string()]);
}
