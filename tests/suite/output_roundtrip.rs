//! Round trips through the HDF5 writer and reader of `nuspin::output`: final files with
//! every item, partial files, the rename protocol and the pre-run checks.

use crate::common;

use std::fs;
use std::path::Path;

use common::{assert_same, assert_same_header, header, result, Shape, SMALL};
use nuspin::output::{
    check_writable, partial_path, read_output, write_final, OutputError, PartialWriter,
};

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn final_roundtrip(shape: Shape) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.h5");
    let h = header(shape);
    let results: Vec<_> = [3, 0, 4, 1, 2].iter().map(|&e| result(&h, e)).collect();
    write_final(&path, &h, &results, true).unwrap();
    assert_eq!(
        names_in(dir.path()),
        ["run.h5"],
        "no temporary file may remain"
    );

    let back = read_output(&path).unwrap();
    assert!(!back.is_partial);
    assert!(back.complete);
    assert_same_header(&back.header, &h);
    assert_eq!(back.energy_done, vec![1; 5]);
    assert_eq!(
        back.probability.dim(),
        (5, h.x_km.len(), shape.n_i, shape.n_f)
    );
    let finished = back.finished_results();
    assert_eq!(finished.len(), 5);
    for (e, r) in finished.iter().enumerate() {
        assert_same(r, &result(&h, e));
    }
    // The array view agrees with the per-energy view.
    assert_eq!(
        back.probability[[2, 0, 1, 3]].to_bits(),
        result(&h, 2).probability[7].to_bits()
    );
}

#[test]
fn final_file_with_every_item_reads_back_bit_for_bit() {
    final_roundtrip(SMALL);
}

#[test]
fn final_file_all_steps_reads_back_bit_for_bit() {
    final_roundtrip(Shape {
        all_steps: true,
        ..SMALL
    });
}

#[test]
fn final_file_without_optional_items() {
    final_roundtrip(Shape {
        amplitudes: false,
        medium: false,
        ..SMALL
    });
}

#[test]
fn missing_energies_are_nan_and_not_done() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.h5");
    let h = header(Shape {
        all_steps: true,
        ..SMALL
    });
    let results = vec![result(&h, 4), result(&h, 1)];
    write_final(&path, &h, &results, false).unwrap();
    let back = read_output(&path).unwrap();
    assert!(!back.complete);
    assert_eq!(back.energy_done, vec![0, 1, 0, 0, 1]);
    assert!(back
        .probability
        .index_axis(ndarray::Axis(0), 0)
        .iter()
        .all(|p| p.is_nan()));
    assert!(back.amplitude.as_ref().unwrap()[[3, 0, 0, 0]].re.is_nan());
    assert_eq!(back.steps, vec![0, 1001, 0, 0, 1004]);
    assert!(back.unitarity_error[2].is_nan());
    assert!(back.step_records[0].is_none() && back.step_records[4].is_some());
    let finished = back.finished_results();
    assert_same(&finished[0], &results[1]);
    assert_same(&finished[1], &results[0]);
}

fn partial_roundtrip(shape: Shape) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.h5");
    let h = header(shape);
    let mut writer = PartialWriter::create(&path, &h).unwrap();
    assert_eq!(writer.path(), partial_path(&path));
    let order = [4, 0, 2];
    for (k, &e) in order.iter().enumerate() {
        writer.append(&result(&h, e)).unwrap();
        // Valid HDF5 holding exactly the appended energies after every append, while the
        // writer still holds the file open.
        let now = read_output(writer.path()).unwrap();
        assert_eq!(now.energy_done.iter().filter(|&&d| d == 1).count(), k + 1);
    }
    assert_eq!(writer.finished(), 3);
    writer.close().unwrap();

    let back = read_output(&partial_path(&path)).unwrap();
    assert!(back.is_partial);
    assert!(!back.complete);
    assert_same_header(&back.header, &h);
    assert_eq!(back.energy_done, vec![1, 0, 1, 0, 1]);
    let finished = back.finished_results();
    for (r, e) in finished.iter().zip([0, 2, 4]) {
        assert_same(r, &result(&h, e));
    }
    assert!(back.probability[[1, 0, 0, 0]].is_nan());

    // Finishing the run from the partial file: the final file replaces it.
    write_final(&path, &back.header, &finished, false).unwrap();
    assert_eq!(names_in(dir.path()), ["run.h5"]);
    let fin = read_output(&path).unwrap();
    assert_eq!(fin.energy_done, vec![1, 0, 1, 0, 1]);
    for (r, e) in fin.finished_results().iter().zip([0, 2, 4]) {
        assert_same(r, &result(&h, e));
    }
}

#[test]
fn partial_file_with_three_of_five_energies() {
    partial_roundtrip(SMALL);
}

#[test]
fn partial_file_all_steps() {
    partial_roundtrip(Shape {
        all_steps: true,
        ..SMALL
    });
}

#[test]
fn partial_file_without_amplitudes() {
    partial_roundtrip(Shape {
        amplitudes: false,
        medium: false,
        ..SMALL
    });
}

#[test]
fn append_refuses_wrong_shapes_and_repeats() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.h5");
    let h = header(SMALL);
    let mut writer = PartialWriter::create(&path, &h).unwrap();
    let mut bad = result(&h, 1);
    bad.probability.pop();
    let err = writer.append(&bad).unwrap_err().to_string();
    assert!(
        err.contains("run.h5.partial") && err.contains("probability has 23 values"),
        "{err}"
    );
    let mut bad = result(&h, 1);
    bad.grid_index = 5;
    assert!(writer
        .append(&bad)
        .unwrap_err()
        .to_string()
        .contains("out of range"));
    let mut bad = result(&h, 1);
    bad.amplitude = None;
    assert!(writer
        .append(&bad)
        .unwrap_err()
        .to_string()
        .contains("amplitudes are on"));
    writer.append(&result(&h, 1)).unwrap();
    let err = writer.append(&result(&h, 1)).unwrap_err().to_string();
    assert!(err.contains("already appended"), "{err}");
    drop(writer);
    assert_eq!(
        read_output(&partial_path(&path)).unwrap().energy_done,
        vec![0, 1, 0, 0, 0]
    );
}

#[test]
fn write_final_refuses_duplicates_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.h5");
    let h = header(SMALL);
    let err = write_final(&path, &h, &[result(&h, 2), result(&h, 2)], true).unwrap_err();
    assert!(err.to_string().contains("energy 2 appears twice"), "{err}");
    assert!(names_in(dir.path()).is_empty());
}

#[test]
fn write_final_replaces_an_existing_file_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.h5");
    fs::write(&path, b"old contents").unwrap();
    let h = header(SMALL);
    write_final(&path, &h, &[result(&h, 0)], false).unwrap();
    assert_eq!(read_output(&path).unwrap().energy_done, vec![1, 0, 0, 0, 0]);
    assert_eq!(names_in(dir.path()), ["run.h5"]);
}

#[test]
fn check_writable_refuses_existing_files_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/deeper/run.h5");
    check_writable(&path, false).unwrap();
    assert!(
        path.parent().unwrap().is_dir(),
        "parent directories are created"
    );
    assert_eq!(
        names_in(path.parent().unwrap()),
        Vec::<String>::new(),
        "the probe is removed"
    );

    fs::write(&path, b"x").unwrap();
    let err = check_writable(&path, false).unwrap_err();
    assert!(matches!(err, OutputError::Exists { .. }));
    assert_eq!(
        err.to_string(),
        format!(
            "{}: already exists (use --force to overwrite it)",
            path.display()
        )
    );
    check_writable(&path, true).unwrap();

    fs::remove_file(&path).unwrap();
    fs::write(partial_path(&path), b"x").unwrap();
    let err = check_writable(&path, false).unwrap_err().to_string();
    assert!(
        err.contains("run.h5.partial: left by an interrupted run (no run is writing it)"),
        "{err}"
    );
    // --force: the stale partial file is superseded (removed); the final name is untouched.
    check_writable(&path, true).unwrap();
    assert!(!partial_path(&path).exists());
    // A partial file some process holds the lock of is never taken over.
    fs::write(partial_path(&path), b"x").unwrap();
    let held = fs::File::open(partial_path(&path)).unwrap();
    held.lock().unwrap();
    let err = check_writable(&path, true).unwrap_err();
    assert!(matches!(err, OutputError::InUse { .. }), "{err}");
    drop(held);
}

#[test]
fn check_writable_refuses_a_directory_as_output() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.h5");
    fs::create_dir(&path).unwrap();
    let err = check_writable(&path, true).unwrap_err().to_string();
    assert!(err.contains("run.h5: cannot be used as output"), "{err}");
}

#[test]
fn unwritable_directory_is_an_error_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    // A parent that is a regular file: no directory can be created there, even by root.
    let blocker = dir.path().join("blocker");
    fs::write(&blocker, b"").unwrap();
    let err = check_writable(&blocker.join("run.h5"), true)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(&format!("{}: cannot create directory", blocker.display())),
        "{err}"
    );

    // A read-only directory (only meaningful when not running as root).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let ro = dir.path().join("ro");
        fs::create_dir(&ro).unwrap();
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).unwrap();
        let root_bypasses = fs::write(ro.join("probe"), b"").is_ok();
        if root_bypasses {
            eprintln!("note: running as root, read-only directory check skipped");
        } else {
            let err = check_writable(&ro.join("run.h5"), false)
                .unwrap_err()
                .to_string();
            assert!(
                err.starts_with(&format!("{}: directory is not writable", ro.display())),
                "{err}"
            );
            let err = write_final(&ro.join("run.h5"), &header(SMALL), &[], false).unwrap_err();
            assert!(err.to_string().contains("run.h5.tmp-"), "{err}");
        }
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn reading_a_non_hdf5_file_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.h5");
    fs::write(&path, b"this is not HDF5").unwrap();
    let err = read_output(&path).unwrap_err().to_string();
    assert!(
        err.starts_with(&format!("{}: cannot open", path.display())),
        "{err}"
    );
    let err = read_output(&dir.path().join("absent.h5"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("absent.h5: cannot open"), "{err}");
}

#[test]
fn a_large_scenario_text_survives() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.h5");
    let mut h = header(SMALL);
    h.scenario_toml = "# padding line for a long scenario file\n".repeat(4000); // ~160 kB
    write_final(&path, &h, &[], false).unwrap();
    assert_eq!(
        read_output(&path).unwrap().header.scenario_toml,
        h.scenario_toml
    );
}

#[test]
fn an_append_interrupted_before_its_index_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.h5");
    let h = header(Shape {
        all_steps: true,
        ..SMALL
    });
    let mut writer = PartialWriter::create(&path, &h).unwrap();
    writer.append(&result(&h, 3)).unwrap();
    writer.append(&result(&h, 1)).unwrap();
    writer.close().unwrap();

    // What a kill between the data appends and the /partial/energy_index append leaves:
    // every data dataset one energy longer than the index.
    let partial = partial_path(&path);
    let file = hdf5_pure::File::open_rw(&partial).unwrap();
    let extra = result(&h, 4);
    let steps = extra.step_x_km.clone().unwrap();
    file.dataset("partial/step_x_km")
        .unwrap()
        .append(&steps)
        .unwrap();
    let sp = extra.step_probability.clone().unwrap();
    file.dataset("partial/step_probability")
        .unwrap()
        .append(&sp)
        .unwrap();
    file.dataset("partial/step_count")
        .unwrap()
        .append(&[steps.len() as u64])
        .unwrap();
    file.dataset("partial/probability")
        .unwrap()
        .append(&extra.probability)
        .unwrap();
    file.dataset("partial/steps")
        .unwrap()
        .append(&[77u64])
        .unwrap();
    file.close().unwrap();

    let back = read_output(&partial).unwrap();
    assert_eq!(back.energy_done, vec![0, 1, 0, 1, 0]);
    let finished = back.finished_results();
    assert_same(&finished[0], &result(&h, 1));
    assert_same(&finished[1], &result(&h, 3));
}

#[test]
fn reading_a_foreign_hdf5_file_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.h5");
    let mut builder = hdf5_pure::FileBuilder::new();
    builder.create_dataset("data").with_f64_data(&[1.0]);
    builder.write(&path).unwrap();
    let err = read_output(&path).unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "{}: not a nuspin output file: no nuspin_version attribute at the root",
            path.display()
        )
    );
}

#[test]
fn hundreds_of_step_groups() {
    // Past the 8-link compact-group threshold, where HDF5 switches to dense link storage.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.h5");
    let shape = Shape {
        n_e: 300,
        n_x: 1,
        n_i: 1,
        n_f: 2,
        all_steps: true,
        ..SMALL
    };
    let h = header(shape);
    let results: Vec<_> = (0..300).map(|e| result(&h, e)).collect();
    write_final(&path, &h, &results, true).unwrap();
    let back = read_output(&path).unwrap();
    assert_eq!(
        back.step_records.iter().filter(|r| r.is_some()).count(),
        300
    );
    for (r, want) in back.finished_results().iter().zip(&results) {
        assert_same(r, want);
    }
}

/// A batch append gives exactly the file that appending the same energies one by one gives,
/// for plain, amplitude and all-steps layouts; a batch repeating a finished energy is refused
/// whole.
#[test]
fn batch_append_equals_single_appends() {
    let steps = Shape {
        all_steps: true,
        ..SMALL
    };
    for shape in [SMALL, steps] {
        let dir = tempfile::tempdir().unwrap();
        let h = header(shape);
        let (one, many) = (dir.path().join("one.h5"), dir.path().join("many.h5"));
        let mut w1 = PartialWriter::create(&one, &h).unwrap();
        for e in [3, 1, 4] {
            w1.append(&result(&h, e)).unwrap();
        }
        w1.close().unwrap();
        let mut w2 = PartialWriter::create(&many, &h).unwrap();
        w2.append_batch(&[result(&h, 3), result(&h, 1)]).unwrap();
        assert!(w2.append_batch(&[result(&h, 4), result(&h, 1)]).is_err());
        w2.append_batch(&[result(&h, 4)]).unwrap();
        w2.close().unwrap();
        let (a, b) = (
            read_output(&partial_path(&one)).unwrap(),
            read_output(&partial_path(&many)).unwrap(),
        );
        assert_eq!(a.energy_done, b.energy_done);
        for (x, y) in a.finished_results().iter().zip(b.finished_results().iter()) {
            assert_same(x, y);
        }
    }
}
