//! `nuspin._core`: the few entry points the Python package needs, each a thin call into the
//! nuspin crate (no physics, validation or file format of its own):
//!
//! - [`run_to_file`]: a scenario validated and run into an HDF5 file by the run layer, exactly
//!   as `nuspin run` does it.
//! - [`solve_amplitudes`]: every energy of a scenario solved by the run layer's driver, its
//!   amplitudes handed back as bytes (the propagators S of `nuspin.propagate`).
//! - [`validate`]: a scenario validated, with what a caller needs to know about it.
//! - [`merge`]: shard files joined (`nuspin merge`).
//! - [`final_copy`]: any output file, finished or `.partial`, written in the finished layout.
//! - [`toml_dumps`]: a dict as TOML text (the scenario schema is TOML's).
//!
//! Long work runs on a thread of its own with the GIL released; the calling thread polls
//! Python's signal handlers every 100 ms, so Ctrl-C sets the run's cancel flag and raises
//! `KeyboardInterrupt` as soon as the finished work is saved.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use pyo3::exceptions::{PyOSError, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::import_exception;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use nuspin::cli::progress::EnergyBar;
use nuspin::output::{self, RunHeader};
use nuspin::run::{self, NoProgress, RunError, RunOptions};
use nuspin::scenario::{self, Scenario};

// Defined in Python (nuspin/_errors.py), so it pickles by its module path.
import_exception!(nuspin._errors, ScenarioError);

/// The scenario at `display`: read from there when `text` is None, else `text` validated as
/// if read from there (relative table paths resolve against its folder).
fn plan(display: &str, text: Option<&str>) -> PyResult<Scenario> {
    let path = Path::new(display);
    let parsed = match text {
        None => scenario::load(path),
        Some(text) => scenario::parse(path, text),
    };
    parsed.map_err(|e| ScenarioError::new_err(e.to_string()))
}

fn run_error(e: RunError) -> PyErr {
    match e {
        // The medium could not be sampled: bad input, found before any work (as the CLI says).
        e @ RunError::MediumSamples { .. } => ScenarioError::new_err(e.to_string()),
        e => PyRuntimeError::new_err(e.to_string()),
    }
}

/// Runs `work` on a thread of its own with the GIL released, polling Python's signal handlers
/// meanwhile. On a signal (Ctrl-C) `cancel` is set, the work is waited for (it stops starting
/// new energies and saves what finished) and the signal's exception is returned beside it.
fn interruptible<T: Send>(
    py: Python<'_>,
    cancel: &AtomicBool,
    work: impl FnOnce() -> T + Send,
) -> (T, Option<PyErr>) {
    py.allow_threads(|| {
        std::thread::scope(|scope| {
            let (tx, rx) = mpsc::channel();
            scope.spawn(move || {
                let _ = tx.send(work());
            });
            let mut interrupted = None;
            loop {
                match rx.recv_timeout(Duration::from_millis(100)) {
                    Ok(value) => return (value, interrupted),
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        if interrupted.is_none() {
                            if let Err(e) = Python::with_gil(|py| py.check_signals()) {
                                cancel.store(true, Ordering::SeqCst);
                                interrupted = Some(e);
                            }
                        }
                    }
                    // The work panicked; joining the scope re-raises the panic.
                    Err(mpsc::RecvTimeoutError::Disconnected) => loop {
                        std::thread::park();
                    },
                }
            }
        })
    })
}

/// Validates the scenario and returns what a caller needs about it: `name`, `labels` (all 2N
/// states), `initial_states`, `energy_mev`, `n_grid`, `output_file` and `warnings`.
#[pyfunction]
#[pyo3(signature = (display, text=None))]
fn validate<'py>(
    py: Python<'py>,
    display: &str,
    text: Option<&str>,
) -> PyResult<Bound<'py, PyDict>> {
    let plan = plan(display, text)?;
    let out = PyDict::new(py);
    out.set_item("name", &plan.name)?;
    out.set_item("labels", &plan.labels)?;
    out.set_item("initial_states", plan.initial_labels())?;
    out.set_item("energy_mev", &plan.energies_mev)?;
    out.set_item("n_grid", plan.n_grid())?;
    out.set_item("output_file", plan.output.file.display().to_string())?;
    out.set_item("warnings", scenario::limits::warnings(&plan))?;
    Ok(out)
}

/// Validates the scenario and runs it into `out` as `nuspin run` does (the partial file,
/// then the final file from it), with `command` as the file's `command` attribute. Returns the
/// run's summary (`energies_done`, `energies_total`, `accepted_steps`, `rejected_steps`,
/// `max_unitarity_error`, `cancelled`, `failure`, `warnings`). Raises `ScenarioError` on bad
/// input (before any file is created), `KeyboardInterrupt` on Ctrl-C (the finished energies
/// are in `out`, `complete = 0`).
#[pyfunction]
#[pyo3(signature = (display, text, out, threads=None, shard=None, progress=false, command=String::new(), force=false))]
#[allow(clippy::too_many_arguments)]
fn run_to_file<'py>(
    py: Python<'py>,
    display: &str,
    text: Option<&str>,
    out: PathBuf,
    threads: Option<usize>,
    shard: Option<(usize, usize)>,
    progress: bool,
    command: String,
    force: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let plan = plan(display, text)?;
    if threads == Some(0) {
        return Err(PyValueError::new_err("threads must be >= 1"));
    }
    if let Some((k, n)) = shard {
        if k < 1 || k > n {
            return Err(PyValueError::new_err(format!(
                "expected shard (K, N) with 1 <= K <= N (e.g. (2, 8)), got ({k}, {n})"
            )));
        }
    }
    let mut warnings = scenario::limits::warnings(&plan);
    output::check_writable(&out, force).map_err(|e| PyOSError::new_err(e.to_string()))?;
    let header = RunHeader {
        shard,
        ..run::header_for(&plan, command).map_err(run_error)?
    };
    let options = RunOptions {
        threads,
        shard,
        ..Default::default()
    };
    let cancel = Arc::clone(&options.cancel);
    let n_points = header.grid_points_in_shard();
    let bar = EnergyBar::new(n_points, progress);
    let (outcome, interrupted) = interruptible(py, &cancel, || {
        let done = run::run_to_file(&plan, &header, &out, &options, &bar);
        bar.finish();
        done
    });
    if let Some(e) = interrupted {
        return Err(e);
    }
    let done = outcome.map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    let s = &done.summary;
    warnings.extend(done.warnings.iter().cloned());
    let dict = PyDict::new(py);
    dict.set_item("energies_done", s.energies_done)?;
    dict.set_item("energies_total", s.energies_total)?;
    dict.set_item("accepted_steps", s.accepted_steps)?;
    dict.set_item("rejected_steps", s.rejected_steps)?;
    dict.set_item("max_unitarity_error", s.max_unitarity_error)?;
    dict.set_item("cancelled", s.cancelled)?;
    dict.set_item("failure", s.failure.clone())?;
    dict.set_item("warnings", warnings)?;
    Ok(dict)
}

/// Solves every energy of the scenario (which must record the amplitudes of all 2N initial
/// states at the end of the track, without a scan) on the run layer's parallel driver.
/// Returns `(bytes, n_energies, dim, steps)`: the bytes are complex128 `[nE, nI = 2N, 2N]`,
/// entry `[e, i, j]` = S_ji at energy e.
#[pyfunction]
#[pyo3(signature = (display, text, threads=None))]
fn solve_amplitudes<'py>(
    py: Python<'py>,
    display: &str,
    text: &str,
    threads: Option<usize>,
) -> PyResult<(Bound<'py, PyBytes>, usize, usize, Vec<u64>)> {
    let plan = plan(display, Some(text))?;
    if threads == Some(0) {
        return Err(PyValueError::new_err("threads must be >= 1"));
    }
    let dim = plan.labels.len();
    if plan.scan.is_some() || !plan.output.amplitudes || plan.initial.len() != dim {
        return Err(PyValueError::new_err(
            "solve_amplitudes needs amplitudes of every initial state and no scan",
        ));
    }
    let n_e = plan.energies_mev.len();
    let options = RunOptions {
        threads,
        ..Default::default()
    };
    let cancel = Arc::clone(&options.cancel);
    let (outcome, interrupted) = interruptible(py, &cancel, || {
        let mut amplitudes = vec![num_complex::Complex64::new(0.0, 0.0); n_e * dim * dim];
        let mut steps = vec![0u64; n_e];
        let summary = run::run(&plan, &options, &NoProgress, |batch| {
            for r in batch {
                let a = r.amplitude.as_ref().ok_or("no amplitudes recorded")?;
                // record = "end": one position, so the slab is [nI, 2N].
                amplitudes[r.grid_index * dim * dim..][..dim * dim].copy_from_slice(a);
                steps[r.grid_index] = r.steps;
            }
            Ok(())
        });
        summary.map(|s| (s, amplitudes, steps))
    });
    if let Some(e) = interrupted {
        return Err(e);
    }
    let (summary, amplitudes, steps) = outcome.map_err(run_error)?;
    if let Some(failure) = summary.failure {
        return Err(PyRuntimeError::new_err(failure));
    }
    let mut bytes = Vec::with_capacity(amplitudes.len() * 16);
    for a in &amplitudes {
        bytes.extend_from_slice(&a.re.to_ne_bytes());
        bytes.extend_from_slice(&a.im.to_ne_bytes());
    }
    Ok((PyBytes::new(py, &bytes), n_e, dim, steps))
}

/// Joins the shard files `files` of one run into `out` (`nuspin merge`): the file the
/// unsharded run writes, apart from `created_utc` and `command`. Returns `(shard_files,
/// grid_points_done, grid_points_total)`.
#[pyfunction]
#[pyo3(signature = (files, out, force=false, command=String::new()))]
fn merge(
    py: Python<'_>,
    files: Vec<PathBuf>,
    out: PathBuf,
    force: bool,
    command: String,
) -> PyResult<(usize, usize, usize)> {
    output::check_writable(&out, force).map_err(|e| PyOSError::new_err(e.to_string()))?;
    let merged = py
        .allow_threads(|| run::merge::merge_files(&files, &out, &command))
        .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    Ok((
        merged.shard_files,
        merged.grid_points_done,
        merged.grid_points_total,
    ))
}

/// Writes the output file `path` (finished, or a `.partial` file of a running, killed or
/// interrupted run) to `out` in the finished layout, holding what finished
/// (`complete` as in `path`). Returns whether `path` was a partial file.
#[pyfunction]
fn final_copy(py: Python<'_>, path: PathBuf, out: PathBuf) -> PyResult<bool> {
    py.allow_threads(|| {
        let file = output::read_output(&path)?;
        let derived = file.derived.clone();
        output::write_final_with(
            &out,
            &file.header,
            &file.finished_results(),
            file.complete,
            &derived,
        )?;
        Ok(file.is_partial)
    })
    .map_err(|e: output::OutputError| PyOSError::new_err(e.to_string()))
}

/// A Python value (dict, list, str, int, float, bool) as a TOML value.
fn toml_value(value: &Bound<'_, PyAny>, at: &str) -> PyResult<toml::Value> {
    let wrong = |what: &str| {
        PyTypeError::new_err(format!(
            "{at}: a scenario value must be a dict, list, str, int, float or bool, got {what}"
        ))
    };
    if let Ok(b) = value.downcast::<PyBool>() {
        return Ok(toml::Value::Boolean(b.is_true()));
    }
    if value.is_instance_of::<PyInt>() {
        return Ok(toml::Value::Integer(value.extract()?));
    }
    if let Ok(f) = value.downcast::<PyFloat>() {
        return Ok(toml::Value::Float(f.value()));
    }
    if let Ok(s) = value.downcast::<PyString>() {
        return Ok(toml::Value::String(s.extract::<String>()?));
    }
    if let Ok(d) = value.downcast::<PyDict>() {
        let mut table = toml::Table::new();
        for (k, v) in d.iter() {
            let key: String = k
                .extract()
                .map_err(|_| wrong("a dict with a key that is not a str"))?;
            let here = if at.is_empty() {
                key.clone()
            } else {
                format!("{at}.{key}")
            };
            table.insert(key, toml_value(&v, &here)?);
        }
        return Ok(toml::Value::Table(table));
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let items = value
            .try_iter()?
            .enumerate()
            .map(|(i, v)| toml_value(&v?, &format!("{at}[{i}]")))
            .collect::<PyResult<Vec<_>>>()?;
        return Ok(toml::Value::Array(items));
    }
    Err(wrong(&value.get_type().name()?.to_string()))
}

/// `table` (a dict of the scenario schema) as TOML text.
#[pyfunction]
fn toml_dumps(table: &Bound<'_, PyDict>) -> PyResult<String> {
    match toml_value(table.as_any(), "")? {
        toml::Value::Table(t) => {
            toml::to_string(&t).map_err(|e| PyValueError::new_err(format!("not TOML: {e}")))
        }
        _ => unreachable!("a dict converts to a table"),
    }
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    // The names a medium table may use, from the Rust reader (python/nuspin/_lowlevel.py
    // checks `Medium.from_arrays` columns against them).
    m.add(
        "TABLE_COLUMNS",
        nuspin::medium::table_parse::TABLE_COLUMNS.to_vec(),
    )?;
    m.add(
        "INTERPOLATIONS",
        nuspin::medium::interpolate::Interpolation::NAMES.to_vec(),
    )?;
    m.add_function(wrap_pyfunction!(validate, m)?)?;
    m.add_function(wrap_pyfunction!(run_to_file, m)?)?;
    m.add_function(wrap_pyfunction!(solve_amplitudes, m)?)?;
    m.add_function(wrap_pyfunction!(merge, m)?)?;
    m.add_function(wrap_pyfunction!(final_copy, m)?)?;
    m.add_function(wrap_pyfunction!(toml_dumps, m)?)?;
    Ok(())
}
