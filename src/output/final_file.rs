//! The final output file: written whole with `FileBuilder` under `<out>.tmp-<pid>`, fsynced,
//! renamed onto `<out>`, and then `<out>.partial` removed (output.md, "Rules").

use std::path::Path;

use hdf5_pure::{AttrValue, FileBuilder};

use super::encode::{self, described};
use super::error::{OutputError, Result};
use super::header::{EnergyResult, RunHeader};
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
    header.validate(final_path)?;
    let n_e = header.n_energies();
    let slab = header.slab_len();
    let mut by_energy: Vec<Option<&EnergyResult>> = vec![None; n_e];
    for r in results {
        r.validate(header, final_path)?;
        if by_energy[r.energy_index].replace(r).is_some() {
            let what = format!("energy {} appears twice in the results", r.energy_index);
            return Err(OutputError::mismatch(final_path, what));
        }
    }

    let mut builder = FileBuilder::new();
    encode::root_attrs(&mut builder, header, complete);
    let mut solver = encode::common_items(&mut builder, header);

    let shape = [
        n_e as u64,
        header.x_km.len() as u64,
        header.initial_states.len() as u64,
        header.final_states.len() as u64,
    ];
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
    described(&mut builder, &layout::ENERGY_DONE).with_u8_data(&done);

    let steps: Vec<u64> = by_energy.iter().map(|r| r.map_or(0, |r| r.steps)).collect();
    let rejected: Vec<u64> = by_energy
        .iter()
        .map(|r| r.map_or(0, |r| r.rejected))
        .collect();
    let unitarity: Vec<f64> = by_energy
        .iter()
        .map(|r| r.map_or(f64::NAN, |r| r.unitarity_error))
        .collect();
    described(&mut solver, &layout::SOLVER_STEPS).with_u64_data(&steps);
    described(&mut solver, &layout::SOLVER_REJECTED).with_u64_data(&rejected);
    described(&mut solver, &layout::SOLVER_UNITARITY).with_f64_data(&unitarity);
    builder.add_group(solver.finish());

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
        group.set_attr("energy_mev", AttrValue::F64(header.energy_mev[e]));
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
