//! How nuspin values become HDF5 with `hdf5-pure`: root attributes, described datasets,
//! the `{r, i}` complex compound, and chunk shapes. Shared by the final and partial writers.
//!
//! Facts from output.md this file relies on: h5py reads a compound of two f64 named `r` and
//! `i` as complex128 (the crate's own `{real, imag}` is not); every chunk dimension must stay
//! at or below 65 535; deflate levels above 9 make files libhdf5 cannot read.

use hdf5_pure::{
    AttrValue, CompoundTypeBuilder, DatasetBuilder, Datatype, FileBuilder, GroupBuilder,
};
use num_complex::Complex64;

use super::header::RunHeader;
use super::layout::{self, Item};

/// Largest chunk dimension HDF5 2.0 accepts (output.md).
pub(crate) const MAX_CHUNK_DIM: u64 = 65_535;

/// Bytes of one `{r, i}` element.
pub(crate) const COMPLEX_SIZE: usize = 16;

/// Anything datasets can be created in: the root ([`FileBuilder`]) or a [`GroupBuilder`].
pub(crate) trait Container {
    fn new_dataset(&mut self, name: &str) -> &mut DatasetBuilder;
}

impl Container for FileBuilder {
    fn new_dataset(&mut self, name: &str) -> &mut DatasetBuilder {
        self.create_dataset(name)
    }
}

impl Container for GroupBuilder {
    fn new_dataset(&mut self, name: &str) -> &mut DatasetBuilder {
        self.create_dataset(name)
    }
}

/// A string attribute h5py reads as `str` (variable-length UTF-8).
pub(crate) fn text(value: &str) -> AttrValue {
    AttrValue::VarLenString(value.to_string())
}

/// The last component of an item's path: its link name inside its group.
pub(crate) fn leaf(item: &Item) -> &'static str {
    item.path.rsplit('/').next().unwrap_or(item.path)
}

/// Creates `item` (by its leaf name) in `container` with its `unit` and `description`.
pub(crate) fn described<'a, C: Container>(
    container: &'a mut C,
    item: &Item,
) -> &'a mut DatasetBuilder {
    with_unit(
        container.new_dataset(leaf(item)),
        item.unit,
        item.description,
    )
}

/// Sets the `unit` and `description` attributes every dataset carries.
pub(crate) fn with_unit<'a>(
    ds: &'a mut DatasetBuilder,
    unit: &str,
    description: &str,
) -> &'a mut DatasetBuilder {
    ds.set_attr("unit", text(unit))
        .set_attr("description", text(description))
}

/// Root attributes of output.md, plus `record`.
pub(crate) fn root_attrs(builder: &mut FileBuilder, header: &RunHeader, complete: bool) {
    builder.set_attr(layout::ATTR_VERSION, text(&header.nuspin_version));
    builder.set_attr(layout::ATTR_SCENARIO_NAME, text(&header.scenario_name));
    builder.set_attr(layout::ATTR_SCENARIO_TOML, text(&header.scenario_toml));
    builder.set_attr(layout::ATTR_CREATED_UTC, text(&header.created_utc));
    builder.set_attr(layout::ATTR_COMMAND, text(&header.command));
    builder.set_attr(layout::ATTR_COMPLETE, AttrValue::I64(i64::from(complete)));
    builder.set_attr(layout::ATTR_RECORD, text(header.record_attr()));
    if !header.extras.is_empty() {
        let paths = header.extras.iter().map(|e| e.path.clone()).collect();
        builder.set_attr(layout::ATTR_EXTRAS, AttrValue::VarLenStringArray(paths));
    }
    if !header.scenario_file.is_empty() {
        builder.set_attr(layout::ATTR_SCENARIO_FILE, text(&header.scenario_file));
    }
    if let Some((k, n)) = header.shard {
        builder.set_attr(layout::ATTR_SHARD, text(&format!("{k}/{n}")));
    }
    if header.stored_shard_unit() {
        builder.set_attr(layout::ATTR_SHARD_UNIT, text(layout::SHARD_UNIT_SCAN_POINT));
    }
}

/// The run description shared by final and partial files: grid, labels, `/solver` attributes
/// and `/medium`. The caller adds the `/solver` datasets to the returned group.
pub(crate) fn common_items(builder: &mut FileBuilder, header: &RunHeader) -> GroupBuilder {
    described(builder, &layout::ENERGY_MEV).with_f64_data(&header.energy_mev);
    described(builder, &layout::X_KM).with_f64_data(&header.x_km);
    let initial: Vec<&str> = header.initial_states.iter().map(String::as_str).collect();
    described(builder, &layout::INITIAL_STATES).with_vlen_strings(&initial);
    let finals: Vec<&str> = header.final_states.iter().map(String::as_str).collect();
    described(builder, &layout::FINAL_STATES).with_vlen_strings(&finals);

    if let Some(medium) = &header.medium_samples {
        let mut group = builder.create_group(layout::MEDIUM_GROUP);
        let names: Vec<String> = medium.quantities.iter().map(|q| q.0.clone()).collect();
        // Group listings come back in no fixed order; this keeps the scenario's order.
        group.set_attr("quantities", AttrValue::VarLenStringArray(names));
        described(&mut group, &layout::MEDIUM_X_KM).with_f64_data(&medium.x_km);
        for (name, unit, values) in &medium.quantities {
            let ds = group.create_dataset(name);
            with_unit(ds, unit, layout::MEDIUM_QUANTITY_DESCRIPTION).with_f64_data(values);
        }
        builder.add_group(group.finish());
    }

    if !header.scan.is_empty() {
        let mut group = builder.create_group(layout::SCAN_GROUP);
        let fields = header.scan.iter().map(|a| a.field.clone()).collect();
        group.set_attr(
            layout::ATTR_SCAN_FIELDS,
            AttrValue::VarLenStringArray(fields),
        );
        for axis in &header.scan {
            let ds = group.create_dataset(&axis.field);
            with_unit(
                ds,
                super::field_unit::unit_of_field(&axis.field),
                layout::SCAN_AXIS_DESCRIPTION,
            )
            .with_f64_data(&axis.values);
        }
        builder.add_group(group.finish());
    }

    let mut solver = builder.create_group(layout::SOLVER_GROUP);
    solver.set_attr(layout::ATTR_METHOD, text(&header.solver_method));
    solver.set_attr(layout::ATTR_RTOL, AttrValue::F64(header.rtol));
    solver.set_attr(layout::ATTR_ATOL, AttrValue::F64(header.atol));
    solver
}

/// The `{r: f64, i: f64}` compound h5py reads as complex128.
pub(crate) fn complex_type() -> Datatype {
    // Building fails only for zero-width or overlapping fields; two f64 are neither.
    CompoundTypeBuilder::new()
        .f64_field("r")
        .f64_field("i")
        .build()
        .unwrap_or_else(|e| unreachable!("two f64 fields form a compound: {e}"))
}

/// Little-endian `{r, i}` records of `values`.
pub(crate) fn complex_bytes(values: &[Complex64]) -> Vec<u8> {
    let mut raw = Vec::with_capacity(values.len() * COMPLEX_SIZE);
    for z in values {
        raw.extend_from_slice(&z.re.to_le_bytes());
        raw.extend_from_slice(&z.im.to_le_bytes());
    }
    raw
}

/// Chunk shape for a dataset of `shape`: leading dimensions of 1 where needed so a chunk holds
/// about `target` elements, every dimension between 1 and [`MAX_CHUNK_DIM`].
pub(crate) fn chunk_shape(shape: &[u64], target: u64) -> Vec<u64> {
    let mut chunk: Vec<u64> = shape.iter().map(|&d| d.clamp(1, MAX_CHUNK_DIM)).collect();
    // Shrink from the outermost dimension inwards until the chunk is small enough.
    for k in 0..chunk.len() {
        let inner: u64 = chunk[k + 1..].iter().product();
        if chunk[k] * inner <= target {
            break;
        }
        chunk[k] = (target / inner.max(1)).clamp(1, chunk[k]);
    }
    chunk
}

/// Chunk length for a rank-1 appended dataset receiving `slab` elements per append: the
/// largest divisor of `slab` not above [`MAX_CHUNK_DIM`] (so appends stay chunk-aligned and
/// never rewrite a trailing chunk), unless that divisor is uselessly small.
pub(crate) fn append_chunk(slab: usize) -> u64 {
    let slab = slab.max(1) as u64;
    if slab <= MAX_CHUNK_DIM {
        return slab;
    }
    let best = (1..=MAX_CHUNK_DIM)
        .rev()
        .find(|&d| slab.is_multiple_of(d))
        .unwrap_or(1);
    if best >= 4096 {
        best
    } else {
        MAX_CHUNK_DIM
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_stay_within_limits() {
        assert_eq!(
            chunk_shape(&[200, 2000, 6, 6], 1 << 17),
            vec![1, 2000, 6, 6]
        );
        assert_eq!(
            chunk_shape(&[3, 100_000, 6, 6], 1 << 17),
            vec![1, 3640, 6, 6]
        );
        assert_eq!(chunk_shape(&[2, 1, 1, 4], 1 << 17), vec![2, 1, 1, 4]);
        assert_eq!(chunk_shape(&[0], 10), vec![1]);
        assert_eq!(chunk_shape(&[1_000_000], 1 << 20), vec![MAX_CHUNK_DIM]);
    }

    #[test]
    fn append_chunks_divide_the_slab() {
        assert_eq!(append_chunk(72_000), 36_000);
        assert_eq!(append_chunk(36), 36);
        assert_eq!(append_chunk(0), 1);
        // 65537 is prime: no useful divisor, take the largest allowed chunk.
        assert_eq!(append_chunk(65_537), MAX_CHUNK_DIM);
    }
}
