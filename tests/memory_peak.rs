//! The final write's memory against what a run records, counted with a counting global
//! allocator (this test binary only) — bytes, not time, so the bound cannot be flaky: the
//! same run allocates the same bytes on every machine. Counted per thread (the final write
//! runs on the calling thread), so the other tests of this binary do not disturb it.
//!
//! What is pinned (BENCHMARKS.md, "Memory peak"): writing the final file from the partial
//! file holds at most what is recorded once plus fixed buffers when the output data is
//! above 8 MiB (stored contiguous), and 2.5 × it when it is deflated (below 8 MiB); and
//! the run's own estimate of its peak (`nuspin::run::estimate`, printed before a run) is
//! not below what is measured.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use nuspin::output::{write_final_from_partial, EnergyResult, PartialWriter};
use nuspin::run::{self, estimate::estimate, header_for, NoProgress, RunOptions};

struct Counting;

thread_local! {
    /// Bytes allocated minus bytes freed on this thread, and the highest value it reached.
    static LIVE: Cell<i64> = const { Cell::new(0) };
    static PEAK: Cell<i64> = const { Cell::new(0) };
}

fn note_bytes(delta: i64) {
    // `try_with`: the thread-locals may be gone while a thread shuts down.
    if let Ok(live) = LIVE.try_with(|l| {
        l.set(l.get() + delta);
        l.get()
    }) {
        let _ = PEAK.try_with(|p| p.set(p.get().max(live)));
    }
}

// SAFETY: every call is forwarded unchanged to the system allocator; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_bytes(layout.size() as i64);
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_bytes(layout.size() as i64);
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_bytes(new_size as i64 - layout.size() as i64);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note_bytes(-(layout.size() as i64));
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The largest number of bytes live at once on this thread while `f` runs, beyond what was
/// live when it started.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, i64) {
    let base = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(base));
    let out = f();
    (out, PEAK.with(Cell::get) - base)
}

/// Buffers that do not grow with the grid: a block read from the partial file, the file
/// writer's buffer, deflate's tables, the file's metadata.
const FIXED_BYTES: f64 = 4e6;

/// A 4×4 run (one initial state) of `energies` × `points` record positions through a
/// constant crust: the scenario of scripts/memory_peak.sh (one file for both).
fn scenario(energies: usize, points: usize) -> String {
    let template = include_str!("../scripts/memory_peak.toml");
    let with = |text: &str, key: &str, value: &str| {
        let line = text
            .lines()
            .find(|l| l.starts_with(key))
            .unwrap_or_else(|| panic!("scripts/memory_peak.toml has a `{key}` line"))
            .to_string();
        text.replacen(&line, &format!("{key}{value}"), 1)
    };
    let text = with(template, "points = ", &energies.to_string());
    with(&text, "record = ", &format!("{{ points = {points} }}"))
}

/// Runs `energies` × `points` into a partial file, drops the results, and writes the final
/// file from it. Returns the bytes recorded (`/probability`), the final write's peak beyond
/// what was live before it, and the run's own estimate of its memory peak on one thread.
fn final_write_peak(energies: usize, points: usize) -> (f64, f64, f64) {
    let plan =
        nuspin::scenario::parse_str("memory-peak.toml", &scenario(energies, points)).unwrap();
    let header = header_for(&plan, "test".into()).unwrap();
    let mut results: Vec<EnergyResult> = Vec::new();
    let options = RunOptions {
        threads: Some(1),
        ..Default::default()
    };
    run::run(&plan, &options, &NoProgress, |batch| {
        results.extend(batch);
        Ok(())
    })
    .unwrap();
    assert_eq!(results.len(), energies);
    let recorded = (energies * points * 4 * 8) as f64;
    assert_eq!(recorded, (header.n_grid() * header.slab_len() * 8) as f64);

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.h5");
    let mut partial = PartialWriter::create(&out, &header).unwrap();
    partial.append_batch(&results).unwrap();
    partial.close().unwrap();
    drop(results);

    let (written, peak) = peak_of(|| write_final_from_partial(&out, &header, &[], true, &[]));
    written.unwrap();
    let peak = peak as f64;
    eprintln!(
        "final write of {energies} × {points}: recorded {:.2} MB, peak {:.2} MB = {:.2} × recorded",
        recorded / 1e6,
        peak / 1e6,
        peak / recorded
    );
    let file = nuspin::output::read_output(&out).unwrap();
    assert!(file.complete);
    assert!(file.probability.iter().all(|p| p.is_finite()));
    let e = estimate(&plan, &header, header.n_grid(), 1);
    (recorded, peak, e.memory_bytes)
}

/// Above 8 MiB of output data the datasets are stored contiguous, written from the one
/// copy handed to the HDF5 writer: the final write holds what is recorded once, plus fixed
/// buffers. A second copy anywhere (the results kept, a chunked copy) fails this.
#[test]
fn a_large_final_write_holds_what_is_recorded_once() {
    let (recorded, peak, estimated) = final_write_peak(1000, 600);
    assert!(recorded > nuspin::output::DEFLATE_MAX_BYTES as f64);
    assert!(
        peak <= 1.2 * recorded + FIXED_BYTES,
        "the final write held {peak} bytes for {recorded} recorded"
    );
    // The estimate printed before a run covers it (it also counts the process itself).
    assert!(
        estimated >= peak,
        "estimate {estimated} below the measured {peak}"
    );
}

/// Up to 8 MiB the datasets are deflated, which costs the writer's chunk copies and the
/// compressed chunks on top of the data: 2.5 × measured, a fixed overhead of at most
/// 2.5 × 8 MiB. Holding the results once more (as before issue 16) fails this.
#[test]
fn a_small_final_write_is_deflated_within_two_and_a_half_times_what_is_recorded() {
    let (recorded, peak, estimated) = final_write_peak(400, 500);
    assert!(recorded <= nuspin::output::DEFLATE_MAX_BYTES as f64);
    assert!(
        peak <= 2.5 * recorded + FIXED_BYTES,
        "the final write held {peak} bytes for {recorded} recorded"
    );
    assert!(
        estimated >= peak,
        "estimate {estimated} below the measured {peak}"
    );
}
