//! The `nuspin` command end to end (assert_cmd): success, and every class of bad input gives
//! exit code 2, a message naming the file and field, no panic and no output file.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

const LAB: &str = r#"
name = "lab"

[neutrino]
flavours = 2
nature = "dirac"
initial = ["nu_e"]

[mixing]
theta_deg = 33.0
dm2_ev2 = 7.5e-5

[energy]
min_mev = 1
max_mev = 10
points = 5

[medium]
kind = "constant"
rho_g_cm3 = 3
ye = 0.5

[track]
start_km = 0
end_km = 300

[output]
profile_samples = 10
"#;

struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new(scenario: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("s.toml"), scenario).unwrap();
        Case { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn nuspin(&self) -> Command {
        let mut cmd = Command::cargo_bin("nuspin").unwrap();
        cmd.current_dir(self.dir.path());
        cmd
    }

    fn run(&self, extra: &[&str]) -> std::process::Output {
        let mut cmd = self.nuspin();
        cmd.args(["run", "s.toml", "-o", "out.h5", "--quiet"])
            .args(extra);
        cmd.output().unwrap()
    }

    /// Exit code 2, every part in stderr, no panic, no output written.
    fn expect_input_error(&self, parts: &[&str]) {
        let out = self.run(&[]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        for p in parts {
            assert!(stderr.contains(p), "`{p}` not in: {stderr}");
        }
        assert!(!self.path("out.h5").exists());
        assert!(!self.path("out.h5.partial").exists());
    }
}

fn with(old: &str, new: &str) -> String {
    assert!(LAB.contains(old), "{old}");
    LAB.replacen(old, new, 1)
}

#[test]
fn runs_a_scenario_and_writes_a_complete_file() {
    let case = Case::new(LAB);
    let out = case.run(&[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = nuspin::output::read_output(&case.path("out.h5")).unwrap();
    assert!(file.complete);
    assert_eq!(file.energy_done, vec![1; 5]);
    assert!(!case.path("out.h5.partial").exists());
    // C1-like vacuum check is elsewhere; here: probabilities of nu_e sum to one.
    for e in 0..5 {
        let sum: f64 = (0..4).map(|j| file.probability[[e, 0, 0, j]]).sum();
        assert!((sum - 1.0).abs() < 1e-5, "{sum}");
    }
}

#[test]
fn existing_output_needs_force() {
    let case = Case::new(LAB);
    std::fs::write(case.path("out.h5"), b"keep me").unwrap();
    let out = case.run(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(std::fs::read(case.path("out.h5")).unwrap(), b"keep me");
    let out = case.run(&["--force"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        nuspin::output::read_output(&case.path("out.h5"))
            .unwrap()
            .complete
    );
}

#[test]
fn missing_scenario_file() {
    let case = Case::new(LAB);
    let out = case
        .nuspin()
        .args(["run", "nope.toml", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.toml"));
}

#[test]
fn toml_syntax_error_names_the_line() {
    Case::new(&with("points = 5", "points = = 5")).expect_input_error(&["s.toml:16"]);
}

#[test]
fn unknown_field() {
    Case::new(&with("ye = 0.5", "ye = 0.5\nrho0 = 3"))
        .expect_input_error(&["s.toml", "[medium]", "rho0"]);
    Case::new(&with(
        "nature = \"dirac\"",
        "nature = \"dirac\"\nflavor = 2",
    ))
    .expect_input_error(&["s.toml", "flavor"]);
}

#[test]
fn wrong_type() {
    Case::new(&with("flavours = 2", "flavours = \"two\""))
        .expect_input_error(&["[neutrino] flavours"]);
}

#[test]
fn out_of_range_values() {
    Case::new(&with("rho_g_cm3 = 3", "rho_g_cm3 = -3"))
        .expect_input_error(&["[medium]", "rho_g_cm3"]);
    Case::new(&with("ye = 0.5", "ye = 0.5\nv_par = 1.0")).expect_input_error(&["[medium]", "< 1"]);
    Case::new(&with("min_mev = 1", "min_mev = 0")).expect_input_error(&["[energy] min_mev"]);
    Case::new(&with("min_mev = 1", "min_mev = 20"))
        .expect_input_error(&["[energy] min_mev", "max_mev"]);
    Case::new(&with("points = 5", "points = 0")).expect_input_error(&["[energy] points"]);
}

#[test]
fn majorana_diagonal_moment() {
    let s = with("nature = \"dirac\"", "nature = \"majorana\"")
        + "\n[moments]\nmagnetic_mu_b = { mu_mu = 1e-12 }\n";
    Case::new(&s).expect_input_error(&["[moments] magnetic_mu_b.mu_mu", "diagonal"]);
}

#[test]
fn unknown_state_label_and_preset() {
    Case::new(&with("initial = [\"nu_e\"]", "initial = [\"nu_x\"]"))
        .expect_input_error(&["[neutrino] initial", "nu_x"]);
    let three = with("flavours = 2", "flavours = 3").replace(
        "theta_deg = 33.0\ndm2_ev2 = 7.5e-5",
        "preset = \"nufit-6.0\"",
    );
    Case::new(&three).expect_input_error(&["[mixing] preset", "nufit-6.0"]);
}

#[test]
fn missing_table_file() {
    let s = with(
        "kind = \"constant\"\nrho_g_cm3 = 3\nye = 0.5",
        "kind = \"table\"\nfile = \"missing.csv\"",
    );
    Case::new(&s).expect_input_error(&["missing.csv"]);
}

#[test]
fn unwritable_output() {
    let case = Case::new(LAB);
    std::fs::write(case.path("blocker"), b"a file, not a folder").unwrap();
    let out = case
        .nuspin()
        .args(["run", "s.toml", "-o", "blocker/out.h5", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("blocker"));
    assert!(!Path::new(&case.path("blocker/out.h5")).exists());
}

#[test]
fn inspect_shows_the_file() {
    let case = Case::new(LAB);
    assert!(case.run(&[]).status.success());
    let out = case
        .nuspin()
        .args(["inspect", "out.h5", "--energy-mev", "10"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for part in ["lab", "complete", "nu_e", "nuR_mu", "10"] {
        assert!(stdout.contains(part), "`{part}` not in: {stdout}");
    }
}
