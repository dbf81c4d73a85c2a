//! `nuspin moments` end to end (assert_cmd): the SM moment matrix, decay table and bounds are
//! printed; bad input exits with code 2 and names the flag.

use assert_cmd::Command;

fn nuspin(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("nuspin")
        .unwrap()
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn prints_the_sm_matrix_decays_and_bounds() {
    let out = nuspin(&["moments", "--lightest-mass-ev", "0.1"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // μ_11 = 3.2e-19 × 0.1 eV (× (1 − ½ Σ|U|² a_ℓ) ≈ 1) = 3.202e-20 μ_B (a_τ correction included).
    assert!(stdout.contains("3.202e-20"), "{stdout}");
    for part in [
        "radiative decays",
        "electric moments eps_ij",
        "2->1",
        "3->1",
        "GEMMA",
        "2.9e-11",
        "XENONnT",
        "XENON1T",
        "Capozzi",
    ] {
        assert!(stdout.contains(part), "`{part}` not in: {stdout}");
    }
}

#[test]
fn majorana_inverted_ordering() {
    let out = nuspin(&[
        "moments",
        "--preset",
        "nufit-5.2-io",
        "--nature",
        "majorana",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        stdout.contains("majorana") && stdout.contains("nufit-5.2-io"),
        "{stdout}"
    );
    // IO: m3 is the lightest, so 1->3 and 2->3 decays are listed.
    assert!(
        stdout.contains("1->3") && stdout.contains("2->3"),
        "{stdout}"
    );
}

#[test]
fn majorana_phases_change_the_majorana_moments() {
    // μ^M = 2i Im μ^D depends on the Majorana phases: the printed matrices differ.
    let base = nuspin(&[
        "moments",
        "--nature",
        "majorana",
        "--lightest-mass-ev",
        "0.05",
    ]);
    let phased = nuspin(&[
        "moments",
        "--nature",
        "majorana",
        "--lightest-mass-ev",
        "0.05",
        "--majorana-phases-deg",
        "90,-45",
    ]);
    assert!(base.status.success() && phased.status.success());
    let (a, b) = (
        String::from_utf8_lossy(&base.stdout),
        String::from_utf8_lossy(&phased.stdout),
    );
    assert!(b.contains("Majorana phases 90, -45 deg"), "{b}");
    let matrix = |s: &str| {
        s.lines()
            .skip_while(|l| !l.starts_with("magnetic moments"))
            .take(4)
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_ne!(matrix(&a), matrix(&b));
}

#[test]
fn bad_input_exits_2_and_names_the_flag() {
    for (args, part) in [
        (vec!["moments", "--preset", "nufit-9"], "--preset"),
        (vec!["moments", "--nature", "weyl"], "--nature"),
        (
            vec!["moments", "--lightest-mass-ev=-1"],
            "--lightest-mass-ev",
        ),
        (
            vec!["moments", "--majorana-phases-deg", "10,20"],
            "--majorana-phases-deg",
        ),
        (
            vec![
                "moments",
                "--nature",
                "majorana",
                "--majorana-phases-deg",
                "10",
            ],
            "--majorana-phases-deg",
        ),
    ] {
        let out = nuspin(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(part) && !stderr.contains("panicked"),
            "{stderr}"
        );
    }
}

#[test]
fn mass_matrix_option_prints_the_decomposition() {
    let out = nuspin(&[
        "moments",
        "--nature",
        "majorana",
        "--mass-matrix-ev",
        "0,0.05,0.05,0.05,0,0.05,0.05,0.05,0",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for part in [
        "m1 = 5.0000e-2",
        "m3 = 1.0000e-1",
        "theta13 = 35.26",
        "theta23 = 45.0",
    ] {
        assert!(stdout.contains(part), "`{part}` not in: {stdout}");
    }
    let bad = nuspin(&[
        "moments",
        "--nature",
        "majorana",
        "--mass-matrix-ev",
        "0,1,2,0,0,0,0,0,0",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("symmetric"));
}
