//! The final output file: written whole with `FileBuilder` under `<out>.tmp-<pid>`, fsynced,
//! renamed onto `<out>`, and then `<out>.partial` removed (output.md, "Rules").

use std::path::Path;

use hdf5_pure::{AttrValue, FileBuilder};

use super::encode::{self, described};
use super::error::{OutputError, Result};
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
    let n_e = header.n_grid();
    let slab = header.slab_len();
    let mut by_energy: Vec<Option<&EnergyResult>> = vec![None; n_e];
    for r in results {
        r.validate(header, final_path)?;
        if by_energy[r.grid_index].replace(r).is_some() {
            let what = format!("energy {} appears twice in the results", r.grid_index);
            return Err(OutputError::mismatch(final_path, what));
        }
    }

    let mut builder = FileBuilder::new();
    encode::root_attrs(&mut builder, header, complete);
    if !derived.is_empty() {
        let paths = derived.iter().map(|d| d.path.clone()).collect();
        builder.set_attr(layout::ATTR_DERIVED, AttrValue::VarLenStringArray(paths));
    }
    let mut solver = encode::common_items(&mut builder, header);

    let grid_shape: Vec<u64> = header.grid_shape().iter().map(|&d| d as u64).collect();
    let mut shape = grid_shape.clone();
    shape.extend([
        header.x_km.len() as u64,
        header.initial_states.len() as u64,
        header.final_states.len() as u64,
    ]);
    let chunks = encode::chunk_shape(&shape, CHUNK_ELEMENTS);

    let mut probability = vec![f64::NAN; n_e * slab];
    for (e, r) in by_energy.iter().enumerate() {
        if let Some(r) = r {
            probability[e * slab..(e + 1) * slab].copy_from_slice(&r.probability);
        }
    }
    described(&mut builder, &layout::PROBABILITY)
        .with_f64_data(&probability)
        .with_shape(&shape)
        .with_chunks(&chunks)
        .with_shuffle()
        .with_deflate(DEFLATE_LEVEL);
    drop(probability);

    if header.amplitudes {
        let nan = num_complex::Complex64::new(f64::NAN, f64::NAN);
        let mut amplitude = vec![nan; n_e * slab];
        for (e, r) in by_energy.iter().enumerate() {
            if let Some(a) = r.and_then(|r| r.amplitude.as_ref()) {
                amplitude[e * slab..(e + 1) * slab].copy_from_slice(a);
            }
        }
        let raw = encode::complex_bytes(&amplitude);
        described(&mut builder, &layout::AMPLITUDE)
            .with_compound_data(encode::complex_type(), raw, amplitude.len() as u64)
            .with_shape(&shape)
            .with_chunks(&chunks)
            .with_shuffle()
            .with_deflate(DEFLATE_LEVEL);
    }

    let done: Vec<u8> = by_energy.iter().map(|r| u8::from(r.is_some())).collect();
    described(&mut builder, &layout::ENERGY_DONE)
        .with_u8_data(&done)
        .with_shape(&grid_shape);

    let steps: Vec<u64> = by_energy.iter().map(|r| r.map_or(0, |r| r.steps)).collect();
    let rejected: Vec<u64> = by_energy
        .iter()
        .map(|r| r.map_or(0, |r| r.rejected))
        .collect();
    let unitarity: Vec<f64> = by_energy
        .iter()
        .map(|r| r.map_or(f64::NAN, |r| r.unitarity_error))
        .collect();
    described(&mut solver, &layout::SOLVER_STEPS)
        .with_u64_data(&steps)
        .with_shape(&grid_shape);
    described(&mut solver, &layout::SOLVER_REJECTED)
        .with_u64_data(&rejected)
        .with_shape(&grid_shape);
    described(&mut solver, &layout::SOLVER_UNITARITY)
        .with_f64_data(&unitarity)
        .with_shape(&grid_shape);
    builder.add_group(solver.finish());

    add_extras(&mut builder, header, &by_energy, &grid_shape, derived);

    if header.all_steps {
        add_steps(&mut builder, header, &by_energy);
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

/// A dataset to add at `path` (`name` or `group/name`).
struct Added<'a> {
    path: &'a str,
    unit: &'a str,
    description: &'a str,
    shape: Vec<u64>,
    values: std::borrow::Cow<'a, [f64]>,
    f64_attrs: &'a [(String, f64)],
    text_attrs: &'a [(String, String)],
}

/// The per-grid-point extras (NaN where not done) and the derived datasets, each group
/// created once.
fn add_extras(
    builder: &mut FileBuilder,
    header: &RunHeader,
    by_energy: &[Option<&EnergyResult>],
    grid_shape: &[u64],
    derived: &[DerivedDataset],
) {
    let mut added: Vec<Added> = Vec::new();
    for (k, extra) in header.extras.iter().enumerate() {
        let slab = extra.slab_len();
        let mut values = vec![f64::NAN; by_energy.len() * slab];
        for (e, r) in by_energy.iter().enumerate() {
            if let Some(r) = r {
                values[e * slab..(e + 1) * slab].copy_from_slice(&r.extras[k]);
            }
        }
        let mut shape = grid_shape.to_vec();
        shape.extend(extra.shape.iter().map(|&d| d as u64));
        added.push(Added {
            path: &extra.path,
            unit: &extra.unit,
            description: &extra.description,
            shape,
            values: values.into(),
            f64_attrs: &[],
            text_attrs: &[],
        });
    }
    for d in derived {
        added.push(Added {
            path: &d.path,
            unit: &d.unit,
            description: &d.description,
            shape: d.shape.iter().map(|&n| n as u64).collect(),
            values: d.values.as_slice().into(),
            f64_attrs: &d.f64_attrs,
            text_attrs: &d.text_attrs,
        });
    }
    let group_of = |a: &Added<'_>| a.path.split_once('/').map(|(g, _)| g.to_string());
    let mut groups: Vec<String> = added.iter().filter_map(group_of).collect();
    groups.dedup();
    groups.sort();
    groups.dedup();
    for a in added.iter().filter(|a| group_of(a).is_none()) {
        write_added(builder, a, a.path);
    }
    for g in groups {
        let mut group = builder.create_group(&g);
        for a in added
            .iter()
            .filter(|a| group_of(a).as_deref() == Some(g.as_str()))
        {
            write_added(&mut group, a, a.path.rsplit('/').next().unwrap_or(a.path));
        }
        builder.add_group(group.finish());
    }
}

fn write_added<C: encode::Container>(container: &mut C, a: &Added<'_>, name: &str) {
    let ds = encode::with_unit(container.new_dataset(name), a.unit, a.description);
    for (key, value) in a.f64_attrs {
        ds.set_attr(key, AttrValue::F64(*value));
    }
    for (key, value) in a.text_attrs {
        ds.set_attr(key, encode::text(value));
    }
    ds.with_f64_data(&a.values).with_shape(&a.shape);
    let elements: u64 = a.shape.iter().product();
    if elements > CHUNK_ELEMENTS {
        ds.with_chunks(&encode::chunk_shape(&a.shape, CHUNK_ELEMENTS))
            .with_shuffle()
            .with_deflate(DEFLATE_LEVEL);
    }
}

/// `/steps/<iE>/x_km` and `/steps/<iE>/probability` for every finished energy.
fn add_steps(builder: &mut FileBuilder, header: &RunHeader, by_energy: &[Option<&EnergyResult>]) {
    let mut steps = builder.create_group(layout::STEPS_GROUP);
    steps.set_attr(
        "description",
        encode::text("per finished energy index iE: the state after every accepted step"),
    );
    for (e, r) in by_energy.iter().enumerate() {
        let (Some(x), Some(p)) = r.map_or((None, None), |r| {
            (r.step_x_km.as_ref(), r.step_probability.as_ref())
        }) else {
            continue;
        };
        let mut group = steps.create_group(&layout::step_group_name(e));
        group.set_attr(
            "energy_mev",
            AttrValue::F64(header.energy_mev[e % header.n_energies()]),
        );
        described(&mut group, &layout::STEP_X_KM).with_f64_data(x);
        let shape = [
            x.len() as u64,
            header.initial_states.len() as u64,
            header.final_states.len() as u64,
        ];
        let ds = described(&mut group, &layout::STEP_PROBABILITY)
            .with_f64_data(p)
            .with_shape(&shape);
        if !x.is_empty() {
            ds.with_chunks(&encode::chunk_shape(&shape, CHUNK_ELEMENTS))
                .with_shuffle()
                .with_deflate(DEFLATE_LEVEL);
        }
        steps.add_group(group.finish());
    }
    builder.add_group(steps.finish());
}
