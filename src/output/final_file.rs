//! The final output file: written whole with `FileBuilder` under `<out>.tmp-<pid>`, fsynced,
//! renamed onto `<out>`, and then `<out>.partial` removed (docs/output.md, "Finished,
//! interrupted and failed runs").
//! The values come from results in memory or, for a run, from its partial file
//! ([`super::grid_data`]), one dataset at a time into the bytes handed to the builder. Whether the
//! per-grid-point datasets are deflated or stored contiguous is the final write's memory peak: see
//! [`Storage`].

use std::path::Path;

use hdf5_pure::{make_f64_type, AttrValue, DatasetBuilder, FileBuilder, GroupBuilder};

use super::encode::{self, described, COMPLEX_SIZE};
use super::error::{OutputError, Result};
use super::grid_data::{FromPartial, GridData, InMemory, Slab};
use super::header::{check_added_path, DerivedDataset, EnergyResult, RunHeader};
use super::layout;
use super::paths;

/// Elements per chunk of `/probability` and `/amplitude` (1 MiB of f64).
const CHUNK_ELEMENTS: u64 = 1 << 17;
/// Deflate level of the big datasets, after the shuffle filter (0–9 only: 10 writes files
/// libhdf5 cannot read). Measured on 50 × 2000 × 6 × 6 with amplitudes: level 1 writes in
/// 1.8 s to 36 MB, level 4 in 4.9 s to 29 MB, no compression in 1.7 s to 87 MB.
const DEFLATE_LEVEL: u32 = 1;

/// Writes the complete output file `final_path` from `results`.
///
/// `results` may come in any order and may miss energies: those get NaN probabilities and
/// amplitudes, NaN unitarity error, zero step counts and `energy_done = 0`. `complete` is
/// stored as the root attribute `complete` (1/0). The file appears under its name only once
/// fully written and synced; `<final_path>.partial` is removed afterwards.
pub fn write_final(
    final_path: &Path,
    header: &RunHeader,
    results: &[EnergyResult],
    complete: bool,
) -> Result<()> {
    write_final_with(final_path, header, results, complete, &[])
}

/// [`write_final`] plus whole-run datasets computed at the end (`derived`), listed in the
/// root attribute `derived_datasets`.
pub fn write_final_with(
    final_path: &Path,
    header: &RunHeader,
    results: &[EnergyResult],
    complete: bool,
    derived: &[DerivedDataset],
) -> Result<()> {
    header.validate(final_path)?;
    let data = InMemory::new(final_path, header, results)?;
    write_grid(final_path, header, &data, complete, derived)
}

/// [`write_final_with`] from the closed `<final_path>.partial` of a run (written for
/// `header`) and the results that never reached it (`late`): each dataset is read from the
/// partial file straight into the bytes the writer stores, so the run's results are never
/// held in memory twice.
pub fn write_final_from_partial(
    final_path: &Path,
    header: &RunHeader,
    late: &[EnergyResult],
    complete: bool,
    derived: &[DerivedDataset],
) -> Result<()> {
    header.validate(final_path)?;
    let partial = paths::partial_path(final_path);
    let data = FromPartial::open(&partial, final_path, header, late)?;
    write_grid(final_path, header, &data, complete, derived)
}

/// The grid points' results with only the extras named in `paths` filled (the others empty,
/// no probabilities): what whole-run datasets are computed from, read from the closed
/// `<final_path>.partial` and `late` without loading the rest.
pub fn partial_extras(
    final_path: &Path,
    header: &RunHeader,
    late: &[EnergyResult],
    paths: &[&str],
) -> Result<Vec<EnergyResult>> {
    let partial = paths::partial_path(final_path);
    let data = FromPartial::open(&partial, final_path, header, late)?;
    let done: Vec<usize> = (0..header.n_grid()).filter(|&g| data.done()[g]).collect();
    let mut out: Vec<EnergyResult> = done
        .iter()
        .map(|&g| EnergyResult {
            grid_index: g,
            probability: Vec::new(),
            amplitude: None,
            steps: 0,
            rejected: 0,
            unitarity_error: f64::NAN,
            step_x_km: None,
            step_probability: None,
            extras: vec![Vec::new(); header.extras.len()],
        })
        .collect();
    for (k, extra) in header.extras.iter().enumerate() {
        if !paths.contains(&extra.path.as_str()) {
            continue;
        }
        let slab = extra.slab_len();
        let mut bytes = vec![0u8; header.n_grid() * slab * 8];
        data.fill(Slab::Extra(k), slab, &mut bytes)?;
        for r in &mut out {
            let b = &bytes[r.grid_index * slab * 8..(r.grid_index + 1) * slab * 8];
            r.extras[k] = b
                .chunks_exact(8)
                .map(|c| f64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
                .collect();
        }
    }
    Ok(out)
}

/// Checks the whole-run datasets against the header.
fn check_derived(final_path: &Path, header: &RunHeader, derived: &[DerivedDataset]) -> Result<()> {
    for d in derived {
        check_added_path(&d.path).map_err(|what| OutputError::mismatch(final_path, what))?;
        if d.values.len() != d.shape.iter().product::<usize>() {
            let what = format!(
                "/{} has {} values for shape {:?}",
                d.path,
                d.values.len(),
                d.shape
            );
            return Err(OutputError::mismatch(final_path, what));
        }
        if header.extras.iter().any(|e| e.path == d.path) {
            let what = format!("/{} is both an extra and a derived dataset", d.path);
            return Err(OutputError::mismatch(final_path, what));
        }
    }
    Ok(())
}

/// `n` elements of NaN (f64, or a complex of two f64 for 16-byte elements) as bytes.
fn nan_bytes(n: usize, element_size: usize) -> Vec<u8> {
    let nan = f64::NAN.to_le_bytes();
    let mut out = Vec::with_capacity(n * element_size);
    for _ in 0..n * element_size / 8 {
        out.extend_from_slice(&nan);
    }
    out
}

/// Writes the final file from `data`.
fn write_grid(
    final_path: &Path,
    header: &RunHeader,
    data: &dyn GridData,
    complete: bool,
    derived: &[DerivedDataset],
) -> Result<()> {
    check_derived(final_path, header, derived)?;
    let storage = Storage::of(header);
    let grid_shape: Vec<u64> = header.grid_shape().iter().map(|&d| d as u64).collect();
    let mut builder = FileBuilder::new();
    encode::root_attrs(&mut builder, header, complete);
    if !derived.is_empty() {
        let paths = derived.iter().map(|d| d.path.clone()).collect();
        builder.set_attr(layout::ATTR_DERIVED, AttrValue::VarLenStringArray(paths));
    }
    let solver = encode::common_items(&mut builder, header);
    add_states(&mut builder, header, data, &grid_shape, storage)?;
    add_counters(&mut builder, solver, data, &grid_shape)?;
    add_extras(&mut builder, header, data, &grid_shape, derived, storage)?;
    if header.all_steps {
        add_steps(&mut builder, header, data)?;
    }
    paths::write_atomically(builder, final_path)?;
    paths::remove_if_exists(&paths::partial_path(final_path))?;
    paths::sync_dir(
        final_path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new(".")),
    )
}

/// How the per-grid-point datasets are stored: the choice is the final write's memory.
///
/// `hdf5-pure` 0.47 writes an N-d dataset only from all of its bytes at once, and to
/// deflate it, it splits them into chunk copies and keeps every compressed chunk (with its
/// `Vec` slack) until the file is laid out: measured, 2.5 × the dataset's bytes at once.
/// A contiguous dataset is written straight from the bytes handed over: 1 ×. So the grid
/// datasets are deflated while their bytes stay below [`DEFLATE_MAX_BYTES`] (the cost is
/// then a fixed overhead) and stored contiguous above it, where a second and third copy
/// would be what limits the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Storage {
    /// Chunked, shuffled and deflated.
    Deflated,
    /// Contiguous, uncompressed.
    Contiguous,
}

/// Bytes of per-grid-point data (probability, amplitude and extras together) above which
/// the final file stores them contiguous and uncompressed, written from the one copy handed
/// to the HDF5 writer; up to it they are deflated, which holds 2.5 × them at once.
pub const DEFLATE_MAX_BYTES: usize = 8 << 20;

impl Storage {
    fn of(header: &RunHeader) -> Self {
        if grid_data_bytes(header) > DEFLATE_MAX_BYTES {
            Storage::Contiguous
        } else {
            Storage::Deflated
        }
    }
}

/// Bytes of the per-grid-point datasets of the final file (probability, amplitude, extras).
pub fn grid_data_bytes(header: &RunHeader) -> usize {
    let slab = header.slab_len();
    let amplitude = if header.amplitudes { COMPLEX_SIZE } else { 0 };
    let extras: usize = header.extras.iter().map(|e| e.slab_len() * 8).sum();
    header.n_grid() * (slab * (8 + amplitude) + extras)
}

/// Chunks and filters of a dataset of `shape` stored as `storage`.
fn stored<'a>(
    ds: &'a mut DatasetBuilder,
    shape: &[u64],
    storage: Storage,
) -> &'a mut DatasetBuilder {
    ds.with_shape(shape);
    match storage {
        Storage::Deflated => ds
            .with_chunks(&encode::chunk_shape(shape, CHUNK_ELEMENTS))
            .with_shuffle()
            .with_deflate(DEFLATE_LEVEL),
        Storage::Contiguous => ds,
    }
}

/// `/probability` and `/amplitude` (NaN where not done). The bytes go to the builder as
/// they are: one copy of each dataset in memory.
fn add_states(
    builder: &mut FileBuilder,
    header: &RunHeader,
    data: &dyn GridData,
    grid_shape: &[u64],
    storage: Storage,
) -> Result<()> {
    let n = header.n_grid() * header.slab_len();
    let mut shape = grid_shape.to_vec();
    shape.extend([
        header.x_km.len() as u64,
        header.initial_states.len() as u64,
        header.final_states.len() as u64,
    ]);
    let mut probability = nan_bytes(n, 8);
    data.fill(Slab::Probability, header.slab_len(), &mut probability)?;
    let ds = described(builder, &layout::PROBABILITY).with_raw_data(
        make_f64_type(),
        probability,
        n as u64,
    );
    stored(ds, &shape, storage);
    if header.amplitudes {
        let mut amplitude = nan_bytes(n, COMPLEX_SIZE);
        data.fill(Slab::Amplitude, header.slab_len(), &mut amplitude)?;
        let ds = described(builder, &layout::AMPLITUDE).with_compound_data(
            encode::complex_type(),
            amplitude,
            n as u64,
        );
        stored(ds, &shape, storage);
    }
    Ok(())
}

/// `/energy_done` and the `/solver` datasets, closing the `/solver` group.
fn add_counters(
    builder: &mut FileBuilder,
    mut solver: GroupBuilder,
    data: &dyn GridData,
    grid_shape: &[u64],
) -> Result<()> {
    let done: Vec<u8> = data.done().iter().map(|&d| u8::from(d)).collect();
    described(builder, &layout::ENERGY_DONE)
        .with_u8_data(&done)
        .with_shape(grid_shape);
    let (steps, rejected, unitarity) = data.counters()?;
    described(&mut solver, &layout::SOLVER_STEPS)
        .with_u64_data(&steps)
        .with_shape(grid_shape);
    described(&mut solver, &layout::SOLVER_REJECTED)
        .with_u64_data(&rejected)
        .with_shape(grid_shape);
    described(&mut solver, &layout::SOLVER_UNITARITY)
        .with_f64_data(&unitarity)
        .with_shape(grid_shape);
    builder.add_group(solver.finish());
    Ok(())
}

/// A dataset to add at `path` (`name` or `group/name`).
struct Added<'a> {
    path: &'a str,
    unit: &'a str,
    description: &'a str,
    shape: Vec<u64>,
    values: Values<'a>,
    f64_attrs: &'a [(String, f64)],
    text_attrs: &'a [(String, String)],
    /// Deflated only when large enough to be worth it (whole-run datasets always are).
    storage: Storage,
}

/// The values of an added dataset: bytes already in file order, or f64s to encode.
enum Values<'a> {
    Bytes(Vec<u8>),
    F64(&'a [f64]),
}

/// The per-grid-point extras (NaN where not done) and the derived datasets, each group
/// created once.
fn add_extras(
    builder: &mut FileBuilder,
    header: &RunHeader,
    data: &dyn GridData,
    grid_shape: &[u64],
    derived: &[DerivedDataset],
    storage: Storage,
) -> Result<()> {
    let mut added: Vec<Added> = Vec::new();
    for (k, extra) in header.extras.iter().enumerate() {
        let slab = extra.slab_len();
        let mut values = nan_bytes(header.n_grid() * slab, 8);
        data.fill(Slab::Extra(k), slab, &mut values)?;
        let mut shape = grid_shape.to_vec();
        shape.extend(extra.shape.iter().map(|&d| d as u64));
        added.push(Added {
            path: &extra.path,
            unit: &extra.unit,
            description: &extra.description,
            shape,
            values: Values::Bytes(values),
            f64_attrs: &[],
            text_attrs: &[],
            storage,
        });
    }
    for d in derived {
        added.push(Added {
            path: &d.path,
            unit: &d.unit,
            description: &d.description,
            shape: d.shape.iter().map(|&n| n as u64).collect(),
            values: Values::F64(&d.values),
            f64_attrs: &d.f64_attrs,
            text_attrs: &d.text_attrs,
            storage: Storage::Deflated,
        });
    }
    let group_of = |a: &Added<'_>| a.path.split_once('/').map(|(g, _)| g.to_string());
    let mut groups: Vec<String> = added.iter().filter_map(group_of).collect();
    groups.sort();
    groups.dedup();
    let (grouped, top): (Vec<Added>, Vec<Added>) =
        added.into_iter().partition(|a| group_of(a).is_some());
    for a in top {
        let name = a.path;
        write_added(builder, a, name);
    }
    let mut grouped: Vec<Option<Added>> = grouped.into_iter().map(Some).collect();
    for g in groups {
        let mut group = builder.create_group(&g);
        for slot in grouped.iter_mut() {
            if slot.as_ref().and_then(group_of).as_deref() != Some(g.as_str()) {
                continue;
            }
            if let Some(a) = slot.take() {
                let name = a.path.rsplit('/').next().unwrap_or(a.path);
                write_added(&mut group, a, name);
            }
        }
        builder.add_group(group.finish());
    }
    Ok(())
}

fn write_added<C: encode::Container>(container: &mut C, a: Added<'_>, name: &str) {
    let ds = encode::with_unit(container.new_dataset(name), a.unit, a.description);
    for (key, value) in a.f64_attrs {
        ds.set_attr(key, AttrValue::F64(*value));
    }
    for (key, value) in a.text_attrs {
        ds.set_attr(key, encode::text(value));
    }
    let elements: u64 = a.shape.iter().product();
    match a.values {
        Values::Bytes(bytes) => ds.with_raw_data(make_f64_type(), bytes, elements),
        Values::F64(values) => ds.with_f64_data(values),
    };
    let storage = match a.storage {
        Storage::Deflated if elements > CHUNK_ELEMENTS => Storage::Deflated,
        _ => Storage::Contiguous,
    };
    stored(ds, &a.shape, storage);
}

/// `/steps/<iE>/x_km` and `/steps/<iE>/probability` for every finished energy.
fn add_steps(builder: &mut FileBuilder, header: &RunHeader, data: &dyn GridData) -> Result<()> {
    let mut steps = builder.create_group(layout::STEPS_GROUP);
    steps.set_attr(
        "description",
        encode::text("per finished energy index iE: the state after every accepted step"),
    );
    for e in 0..header.n_grid() {
        if !data.done()[e] {
            continue;
        }
        let Some((x, p)) = data.steps_of(e)? else {
            continue;
        };
        let mut group = steps.create_group(&layout::step_group_name(e));
        group.set_attr(
            "energy_mev",
            AttrValue::F64(header.energy_mev[e % header.n_energies()]),
        );
        described(&mut group, &layout::STEP_X_KM).with_f64_data(&x);
        let shape = [
            x.len() as u64,
            header.initial_states.len() as u64,
            header.final_states.len() as u64,
        ];
        let ds = described(&mut group, &layout::STEP_PROBABILITY)
            .with_f64_data(&p)
            .with_shape(&shape);
        if !x.is_empty() {
            ds.with_chunks(&encode::chunk_shape(&shape, CHUNK_ELEMENTS))
                .with_shuffle()
                .with_deflate(DEFLATE_LEVEL);
        }
        steps.add_group(group.finish());
    }
    builder.add_group(steps.finish());
    Ok(())
}
