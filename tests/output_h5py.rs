//! Interop: files written by `nuspin::output` read by h5py (`scripts/check_h5.py`).
//!
//! These tests need a Python with h5py and numpy (`NUSPIN_H5PY`, else the venv `.ci/run`
//! makes at `target/ci-venv`) and h5dump (Debian `hdf5-tools`; `NUSPIN_H5DUMP`, else
//! `h5dump` on the PATH), so they are `#[ignore]`d in a plain `cargo test` and CI runs them
//! with `cargo test --release --test output_h5py -- --ignored`. Run that way without the
//! tools, they fail and say what is missing: they never pass without checking.

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{header, result, Shape, SMALL};
use num_complex::Complex64;
use nuspin::output::{read_output, write_final, EnergyResult, OutputFile, RunHeader};

/// The Python with h5py: `NUSPIN_H5PY`, else CI's venv.
fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("NUSPIN_H5PY") {
        return PathBuf::from(p);
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ci-venv/bin/python");
    assert!(
        venv.exists(),
        "no Python with h5py: set NUSPIN_H5PY or run .ci/run once to create {}",
        venv.display()
    );
    venv
}

/// The fixture made physical: each initial state's row sums to 1 and |amplitude|² = P.
fn normalized(h: &RunHeader, e: usize) -> EnergyResult {
    let mut r = result(h, e);
    let n_f = h.final_states.len();
    let normalize = |p: &mut Vec<f64>| {
        for row in p.chunks_mut(n_f) {
            let s: f64 = row.iter().sum();
            row.iter_mut().for_each(|v| *v /= s);
        }
    };
    normalize(&mut r.probability);
    if let Some(p) = r.step_probability.as_mut() {
        normalize(p);
    }
    if let Some(a) = r.amplitude.as_mut() {
        for (k, (z, p)) in a.iter_mut().zip(&r.probability).enumerate() {
            *z = Complex64::from_polar(p.sqrt(), k as f64 * 0.7);
        }
        // Make P exactly |a|² as the reader computes it, for the consistency check.
        for (p, z) in r.probability.iter_mut().zip(a.iter()) {
            *p = z.norm_sqr();
        }
    }
    r
}

fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => write!(out, "\\u{:04x}", c as u32).unwrap(),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn entry(kind: &str, shape: &[usize], values: impl Iterator<Item = String>) -> String {
    let shape: Vec<String> = shape.iter().map(usize::to_string).collect();
    let values: Vec<String> = values.collect();
    format!(
        "{{\"kind\": \"{kind}\", \"shape\": [{}], \"values\": [{}]}}",
        shape.join(", "),
        values.join(", ")
    )
}

fn f64_bits<'a>(v: impl IntoIterator<Item = &'a f64> + 'a) -> impl Iterator<Item = String> + 'a {
    v.into_iter().map(|x| x.to_bits().to_string())
}

/// What the Rust reader read, as JSON for `check_h5.py --compare`.
fn export(f: &OutputFile) -> String {
    let h = &f.header;
    let dims = f.probability.shape().to_vec();
    let mut ds = vec![
        (
            "energy_mev",
            entry("f64", &[h.energy_mev.len()], f64_bits(&h.energy_mev)),
        ),
        ("x_km", entry("f64", &[h.x_km.len()], f64_bits(&h.x_km))),
        (
            "initial_states",
            entry(
                "str",
                &[h.initial_states.len()],
                h.initial_states.iter().map(|s| json_str(s)),
            ),
        ),
        (
            "final_states",
            entry(
                "str",
                &[h.final_states.len()],
                h.final_states.iter().map(|s| json_str(s)),
            ),
        ),
        (
            "probability",
            entry("f64", &dims, f64_bits(f.probability.iter())),
        ),
        (
            "energy_done",
            entry(
                "u8",
                &[f.energy_done.len()],
                f.energy_done.iter().map(u8::to_string),
            ),
        ),
        (
            "solver/steps",
            entry("u64", &[f.steps.len()], f.steps.iter().map(u64::to_string)),
        ),
        (
            "solver/rejected",
            entry(
                "u64",
                &[f.rejected.len()],
                f.rejected.iter().map(u64::to_string),
            ),
        ),
        (
            "solver/unitarity_error",
            entry(
                "f64",
                &[f.unitarity_error.len()],
                f64_bits(&f.unitarity_error),
            ),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect::<Vec<_>>();
    if let Some(a) = &f.amplitude {
        let pairs = a
            .iter()
            .map(|z| format!("[{}, {}]", z.re.to_bits(), z.im.to_bits()));
        ds.push(("amplitude".into(), entry("c128", &dims, pairs)));
    }
    if let Some(m) = &h.medium_samples {
        ds.push((
            "medium/x_km".into(),
            entry("f64", &[m.x_km.len()], f64_bits(&m.x_km)),
        ));
        for (name, _, v) in &m.quantities {
            ds.push((
                format!("medium/{name}"),
                entry("f64", &[v.len()], f64_bits(v)),
            ));
        }
    }
    for (e, rec) in f.step_records.iter().enumerate() {
        if let Some(rec) = rec {
            ds.push((
                format!("steps/{e}/x_km"),
                entry("f64", &[rec.x_km.len()], f64_bits(&rec.x_km)),
            ));
            let shape = rec.probability.shape().to_vec();
            ds.push((
                format!("steps/{e}/probability"),
                entry("f64", &shape, f64_bits(rec.probability.iter())),
            ));
        }
    }
    let datasets: Vec<String> = ds
        .iter()
        .map(|(k, v)| format!("{}: {v}", json_str(k)))
        .collect();
    let s = |v: &str| format!("{{\"kind\": \"str\", \"value\": {}}}", json_str(v));
    let root = [
        ("nuspin_version", s(&h.nuspin_version)),
        ("scenario_name", s(&h.scenario_name)),
        ("scenario_toml", s(&h.scenario_toml)),
        ("created_utc", s(&h.created_utc)),
        ("command", s(&h.command)),
        (
            "complete",
            format!("{{\"kind\": \"int\", \"value\": {}}}", u8::from(f.complete)),
        ),
    ];
    let solver = [
        ("method", s(&h.solver_method)),
        (
            "rtol",
            format!("{{\"kind\": \"f64\", \"value\": {}}}", h.rtol.to_bits()),
        ),
        (
            "atol",
            format!("{{\"kind\": \"f64\", \"value\": {}}}", h.atol.to_bits()),
        ),
    ];
    let obj = |items: &[(&str, String)]| {
        let inner: Vec<String> = items
            .iter()
            .map(|(k, v)| format!("{}: {v}", json_str(k)))
            .collect();
        format!("{{{}}}", inner.join(", "))
    };
    format!(
        "{{\"datasets\": {{{}}}, \"attrs\": {{\"/\": {}, \"/solver\": {}}}}}",
        datasets.join(",\n"),
        obj(&root),
        obj(&solver)
    )
}

fn run_check(py: &Path, file: &Path, tol: &str, compare: Option<&Path>) -> (bool, String) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/check_h5.py");
    let mut cmd = Command::new(py);
    cmd.arg(script).arg(file).args(["--tol", tol]);
    if let Some(c) = compare {
        cmd.arg("--compare").arg(c);
    }
    let out = cmd.output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

fn interop(shape: Shape, missing: &[usize]) {
    let py = python();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.h5");
    let h = header(shape);
    let results: Vec<_> = (0..shape.n_e)
        .filter(|e| !missing.contains(e))
        .map(|e| normalized(&h, e))
        .collect();
    write_final(&path, &h, &results, missing.is_empty()).unwrap();
    let json = dir.path().join("values.json");
    std::fs::write(&json, export(&read_output(&path).unwrap())).unwrap();

    let (ok, text) = run_check(&py, &path, "1e-14", Some(&json));
    assert!(ok, "check_h5.py failed:\n{text}");

    // The checks can fail: one flipped bit in the export, and a tolerance too tight for
    // unnormalized probabilities.
    let tampered = dir.path().join("tampered.json");
    let text = std::fs::read_to_string(&json).unwrap();
    let bit = h.x_km[0].to_bits();
    std::fs::write(
        &tampered,
        text.replacen(&bit.to_string(), &(bit ^ 1).to_string(), 1),
    )
    .unwrap();
    let (ok, text) = run_check(&py, &path, "1e-14", Some(&tampered));
    assert!(!ok && text.contains("/x_km: values differ"), "{text}");

    let raw = dir.path().join("raw.h5");
    let plain = RunHeader {
        amplitudes: false,
        ..h.clone()
    };
    let unnormalized: Vec<_> = (0..shape.n_e)
        .map(|e| EnergyResult {
            amplitude: None,
            ..result(&h, e)
        })
        .collect();
    write_final(&raw, &plain, &unnormalized, true).unwrap();
    let (ok, text) = run_check(&py, &raw, "1e-3", None);
    assert!(!ok && text.contains("sum to 1 within"), "{text}");
}

#[test]
#[ignore = "needs h5py (NUSPIN_H5PY or target/ci-venv); CI runs it"]
fn h5py_reads_every_item_bit_for_bit() {
    interop(SMALL, &[]);
}

#[test]
#[ignore = "needs h5py (NUSPIN_H5PY or target/ci-venv); CI runs it"]
fn h5py_reads_all_steps_and_missing_energies() {
    interop(
        Shape {
            all_steps: true,
            ..SMALL
        },
        &[1, 3],
    );
}

/// libhdf5 1.10 (`h5dump`, from the hdf5-tools package) reads final and partial files.
#[test]
#[ignore = "needs h5dump (Debian hdf5-tools); CI installs it and runs it"]
fn h5dump_reads_final_and_partial_files() {
    let h5dump = std::env::var_os("NUSPIN_H5DUMP").unwrap_or_else(|| "h5dump".into());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.h5");
    let h = header(Shape {
        all_steps: true,
        ..SMALL
    });
    let mut writer = nuspin::output::PartialWriter::create(&path, &h).unwrap();
    for e in [2, 0] {
        writer.append(&result(&h, e)).unwrap();
    }
    writer.close().unwrap();
    let partial = nuspin::output::partial_path(&path);
    let final_copy = dir.path().join("final.h5");
    write_final(&final_copy, &h, &[result(&h, 1), result(&h, 3)], false).unwrap();

    let dump = |file: &Path| {
        let out = Command::new(&h5dump).arg(file).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            out.status.success() && err.is_empty(),
            "h5dump {}: {err}",
            file.display()
        );
        text
    };
    let text = dump(&final_copy);
    for needle in [
        "DATASET \"probability\"",
        "H5T_COMPOUND",
        "H5T_IEEE_F64LE \"r\";",
        "H5T_IEEE_F64LE \"i\";",
        "GROUP \"3\"",
        "ATTRIBUTE \"scenario_toml\"",
        "DATASET \"b_perp_gauss\"",
    ] {
        assert!(text.contains(needle), "h5dump output lacks {needle}");
    }
    let text = dump(&partial);
    for needle in [
        "DATASET \"energy_index\"",
        "DATASET \"step_probability\"",
        "(0): 2, 0",
    ] {
        assert!(
            text.contains(needle),
            "h5dump output of the partial file lacks {needle}"
        );
    }
}

#[test]
#[ignore = "needs h5py (NUSPIN_H5PY or target/ci-venv); CI runs it"]
fn h5py_reads_dense_groups() {
    // 40 step groups: past the 8-link compact-group threshold.
    let shape = Shape {
        n_e: 40,
        n_x: 1,
        n_i: 1,
        n_f: 2,
        all_steps: true,
        ..SMALL
    };
    interop(shape, &[5, 39]);
}

/// h5py reads the unit of each scan axis (`/scan/<field>` attribute `unit`) as the crate
/// writes it (moved here from cli_safety.rs, where it was skipped without h5py).
#[test]
#[ignore = "needs h5py (NUSPIN_H5PY or target/ci-venv); CI runs it"]
fn h5py_reads_the_unit_of_each_scan_axis() {
    let py = python();
    let case = common::cli::Case::new(&format!(
        "{}\n[scan]\n\"medium.rho_g_cm3\" = [1, 2]\n\"mixing.theta_deg\" = [30, 33]\n",
        common::error_cases::base()
    ));
    case.ok(&["run", "s.toml", "-o", "out.h5", "--quiet"]);
    let o = Command::new(py)
        .args([
            "-c",
            "import h5py, sys; f = h5py.File(sys.argv[1]); \
             print(f['scan/medium.rho_g_cm3'].attrs['unit'], f['scan/mixing.theta_deg'].attrs['unit'])",
        ])
        .arg(case.path("out.h5"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "g/cm^3 deg");
}
