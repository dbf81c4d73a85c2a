//! Round trips of the output items beyond the fixed layout: per-grid-point extra datasets,
//! whole-run derived datasets, scan axes (leading dimensions) and shard files.

use crate::common;

use common::{assert_same, header, result, SMALL};
use nuspin::output::{
    read_output, write_final_with, DerivedDataset, ExtraSpec, PartialWriter, RunHeader, ScanAxis,
};

fn with_extras_and_scan() -> RunHeader {
    let mut h = header(SMALL);
    h.extras = vec![
        ExtraSpec {
            path: "mass/population".into(),
            unit: "1".into(),
            description: "test slab [nX, nI, 3]".into(),
            shape: vec![h.x_km.len(), h.initial_states.len(), 3],
        },
        ExtraSpec {
            path: "scalar_per_point".into(),
            unit: "MeV".into(),
            description: "one number per grid point".into(),
            shape: vec![],
        },
        ExtraSpec {
            path: "mass/other".into(),
            unit: "1".into(),
            description: "a second dataset in the same group".into(),
            shape: vec![2],
        },
    ];
    h.scan = vec![
        ScanAxis {
            field: "moments.magnetic_mu_b.e_mu".into(),
            values: vec![1e-12, 1e-11],
        },
        ScanAxis {
            field: "medium.b0_gauss".into(),
            values: vec![1.0, 2.0, 3.0],
        },
    ];
    h
}

fn derived() -> Vec<DerivedDataset> {
    vec![DerivedDataset {
        path: "detector/recoil_spectrum".into(),
        unit: "events / MeV".into(),
        description: "test".into(),
        shape: vec![2, 3],
        values: vec![1.0, 2.0, 3.0, 4.0, 5.0, f64::MIN_POSITIVE],
        f64_attrs: vec![("asymmetry".into(), -0.025)],
        text_attrs: vec![("warning".into(), "none".into())],
    }]
}

#[test]
fn extras_scan_and_derived_read_back_bit_for_bit() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run.h5");
    let h = with_extras_and_scan();
    let n = h.n_grid();
    assert_eq!(n, 2 * 3 * 5);
    let results: Vec<_> = (0..n).rev().map(|g| result(&h, g)).collect();

    // Partial file: appended in two batches, read back whole.
    let mut writer = PartialWriter::create(&out, &h).unwrap();
    writer.append_batch(&results[..7]).unwrap();
    writer.append_batch(&results[7..]).unwrap();
    drop(writer);
    let partial = read_output(&nuspin::output::partial_path(&out)).unwrap();
    assert!(partial.is_partial);
    assert_eq!(partial.header.extras, h.extras);
    assert_eq!(partial.header.scan, h.scan);
    for (g, r) in partial.finished_results().iter().enumerate() {
        assert_same(r, &result(&h, g));
        assert_eq!(r.extras, result(&h, g).extras);
    }

    write_final_with(&out, &h, &results, true, &derived()).unwrap();
    let back = read_output(&out).unwrap();
    assert_eq!(back.header.extras, h.extras);
    assert_eq!(back.header.scan, h.scan);
    assert_eq!(back.derived, derived());
    assert_eq!(back.energy_done, vec![1; n]);
    let nd = back.probability_nd();
    let nf = h.final_states.len();
    assert_eq!(nd.shape(), &[2, 3, 5, h.x_km.len(), 2, nf]);
    // Grid point (scan 1, 2; energy 4) is flat index (1 * 3 + 2) * 5 + 4 = 29.
    assert_eq!(
        nd[[1, 2, 4, 0, 1, 3]].to_bits(),
        result(&h, 29).probability[nf + 3].to_bits()
    );
    let population = back.extra("mass/population").unwrap();
    assert_eq!(population.shape(), &[n, h.x_km.len(), 2, 3]);
    for (g, r) in back.finished_results().iter().enumerate() {
        assert_same(r, &result(&h, g));
        assert_eq!(r.extras, result(&h, g).extras);
    }
}

#[test]
fn a_shard_file_holds_only_its_grid_points() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("shard.h5");
    let mut h = with_extras_and_scan();
    h.shard = Some((2, 3));
    let mine: Vec<_> = (0..h.n_grid())
        .filter(|g| g % 3 == 1)
        .map(|g| result(&h, g))
        .collect();
    let mut writer = PartialWriter::create(&out, &h).unwrap();
    let foreign = result(&h, 0);
    let err = writer.append(&foreign).unwrap_err().to_string();
    assert!(err.contains("not in this file's shard"), "{err}");
    writer.append_batch(&mine).unwrap();
    drop(writer);
    write_final_with(&out, &h, &mine, false, &[]).unwrap();
    let back = read_output(&out).unwrap();
    assert_eq!(back.header.shard, Some((2, 3)));
    let done: Vec<u8> = (0..h.n_grid()).map(|g| u8::from(g % 3 == 1)).collect();
    assert_eq!(back.energy_done, done);
    assert!(back.extra("scalar_per_point").unwrap()[[0]].is_nan());
}

#[test]
fn added_paths_may_not_clash_with_the_layout() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bad.h5");
    for bad in [
        "probability",
        "solver/x",
        "a/b/c",
        "",
        "scan/x",
        "partial/y",
    ] {
        let mut h = header(SMALL);
        h.extras = vec![ExtraSpec {
            path: bad.into(),
            unit: "1".into(),
            description: "d".into(),
            shape: vec![1],
        }];
        assert!(PartialWriter::create(&out, &h).is_err(), "{bad:?} accepted");
    }
}

/// A failed append (here: an energy appended twice) stops the timed writer; the partial file
/// keeps what was appended before it, the next push reports the error and every later result
/// is handed back by `finish` for the final file.
#[test]
fn timed_partial_hands_back_what_a_failed_append_did_not_write() {
    use nuspin::output::TimedPartial;
    use std::time::Duration;

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run.h5");
    let h = header(SMALL);
    let writer = PartialWriter::create(&out, &h).unwrap();
    let timed = TimedPartial::start(writer, Duration::ZERO);
    timed.push(vec![result(&h, 0), result(&h, 1)]).unwrap();
    // Sent alone, after the first batch was written (an interval of zero flushes at once).
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while read_output(&nuspin::output::partial_path(&out))
        .map(|f| f.finished_results().len() < 2)
        .unwrap_or(true)
    {
        assert!(
            std::time::Instant::now() < deadline,
            "first batch never written"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    timed.push(vec![result(&h, 1), result(&h, 2)]).unwrap();
    // The failure surfaces on a later push, whose batch is kept as well.
    let mut error = None;
    let mut pushed = vec![1, 2];
    for g in 3..h.n_grid() {
        std::thread::sleep(Duration::from_millis(20));
        pushed.push(g);
        if let Err(e) = timed.push(vec![result(&h, g)]) {
            error = Some(e);
            break;
        }
    }
    let (unwritten, finish_error) = timed.finish();
    let error = error
        .or(finish_error)
        .expect("the duplicate append was not reported");
    assert!(error.to_string().contains("already appended"), "{error}");
    let kept: Vec<usize> = unwritten.iter().map(|r| r.grid_index).collect();
    assert_eq!(
        kept, pushed,
        "results after the failed append must come back"
    );
    let partial = read_output(&nuspin::output::partial_path(&out)).unwrap();
    let on_disk: Vec<usize> = partial
        .finished_results()
        .iter()
        .map(|r| r.grid_index)
        .collect();
    assert_eq!(on_disk, vec![0, 1]);
}
