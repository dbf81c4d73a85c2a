//! `<out>.partial`: the crash-safe file finished energies are appended to while a run works.
//!
//! Layout (docs/output.md, "Finished, interrupted and failed runs", plus the run description of the
//! final file so a reader can rebuild everything): root attributes with `complete = 0`,
//! `/energy_mev`, `/x_km`, the labels, `/solver` attributes, `/medium`, and rank-1, unlimited,
//! chunked datasets under `/partial` that grow by one energy per [`PartialWriter::append`].
//!
//! Crash safety: every `Dataset::append` of hdf5-pure is immediate, fsynced and
//! crash-atomic. Per energy the data datasets are appended first and `/partial/energy_index`
//! last, so its length is the commit point: a reader takes the first `len(grid_index)`
//! entries of every other dataset and ignores any tail a kill left behind.

use std::path::{Path, PathBuf};

use hdf5_pure::{Dataset, DatasetBuilder, File, FileBuilder, H5Element, MaxExtent};

use super::encode::{self, described};
use super::error::{OutputError, Result};
use super::header::{EnergyResult, RunHeader};
use super::layout::{self, Item};
use super::paths;

/// Chunk length of the one-value-per-energy datasets.
const SCALAR_CHUNK: u64 = 64;
/// Chunk length of the concatenated step datasets (64 KiB of f64).
const STEP_CHUNK: u64 = 8192;

/// Appends finished energies to `<out>.partial`; see the module docs.
pub struct PartialWriter {
    path: PathBuf,
    header: RunHeader,
    // Kept open for the writer's lifetime: it holds hdf5-pure's exclusive lock.
    file: Option<File>,
    handles: Handles,
    done: Vec<bool>,
    poisoned: bool,
}

struct Handles {
    probability: Dataset,
    amplitude: Option<Dataset>,
    steps: Dataset,
    rejected: Dataset,
    unitarity: Dataset,
    step_count: Option<Dataset>,
    step_x_km: Option<Dataset>,
    step_probability: Option<Dataset>,
    extras: Vec<Dataset>,
    grid_index: Dataset,
}

impl PartialWriter {
    /// Creates `<final_path>.partial` holding `header` and no energies. The name must be
    /// free: when it exists the error says whether another run is writing it
    /// ([`OutputError::InUse`]) or a stopped run left it ([`OutputError::StalePartial`]).
    pub fn create(final_path: &Path, header: &RunHeader) -> Result<Self> {
        let path = paths::partial_path(final_path);
        header.validate(&path)?;
        // Written whole and opened (locked) under a temporary name, then linked: the partial
        // file is valid HDF5 and locked from the moment it exists, and two runs on one output
        // cannot both create it.
        let mut writer = paths::write_exclusively(skeleton(header), &path, |tmp| {
            Self::open(tmp.to_path_buf(), header)
        })?;
        writer.path = path;
        Ok(writer)
    }

    /// Creates `<final_path>.partial` holding `header` and the already finished `previous`
    /// energies (a resumed run), replacing a partial file a stopped run left: the new file is
    /// complete under a temporary name before it takes the old one's place, so a kill in
    /// between loses nothing.
    pub fn create_resumed(
        final_path: &Path,
        header: &RunHeader,
        previous: &[EnergyResult],
    ) -> Result<Self> {
        let path = paths::partial_path(final_path);
        if paths::in_use(&path) {
            return Err(OutputError::InUse { path });
        }
        header.validate(&path)?;
        let staging = paths::tmp_path(&path);
        paths::write_atomically(skeleton(header), &staging)?;
        let filled = Self::open(staging.clone(), header)
            .and_then(|mut writer| {
                writer.append_batch(previous)?;
                writer.close()
            })
            .and_then(|()| {
                std::fs::rename(&staging, &path)
                    .map_err(|e| OutputError::io(&path, "cannot rename into place", e))
            });
        if let Err(e) = filled {
            let _ = std::fs::remove_file(&staging);
            return Err(e);
        }
        paths::sync_dir(paths::parent_dir(&path))?;
        let mut writer = Self::open(path, header)?;
        previous
            .iter()
            .for_each(|r| writer.done[r.grid_index] = true);
        Ok(writer)
    }

    /// Opens the partial file at `path` (holding no energies yet as far as `done` knows).
    fn open(path: PathBuf, header: &RunHeader) -> Result<Self> {
        let file = File::open_rw(&path)
            .map_err(|e| OutputError::hdf5(&path, "cannot open for appending", e))?;
        let open = |item: &Item| {
            file.dataset(item.path)
                .map_err(|e| OutputError::hdf5(&path, format!("cannot open /{}", item.path), e))
        };
        let open_if = |on: bool, item: &Item| on.then(|| open(item)).transpose();
        let handles = Handles {
            probability: open(&layout::PARTIAL_PROBABILITY)?,
            amplitude: open_if(header.amplitudes, &layout::PARTIAL_AMPLITUDE)?,
            steps: open(&layout::PARTIAL_STEPS)?,
            rejected: open(&layout::PARTIAL_REJECTED)?,
            unitarity: open(&layout::PARTIAL_UNITARITY)?,
            step_count: open_if(header.all_steps, &layout::PARTIAL_STEP_COUNT)?,
            step_x_km: open_if(header.all_steps, &layout::PARTIAL_STEP_X_KM)?,
            step_probability: open_if(header.all_steps, &layout::PARTIAL_STEP_PROBABILITY)?,
            extras: header
                .extras
                .iter()
                .map(|extra| {
                    let at = layout::partial_extra_path(&extra.path);
                    file.dataset(&at)
                        .map_err(|e| OutputError::hdf5(&path, format!("cannot open /{at}"), e))
                })
                .collect::<Result<_>>()?,
            grid_index: open(&layout::PARTIAL_ENERGY_INDEX)?,
        };
        Ok(PartialWriter {
            path,
            header: header.clone(),
            file: Some(file),
            handles,
            done: vec![false; header.n_grid()],
            poisoned: false,
        })
    }

    /// The `.partial` file being written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many energies have been appended.
    pub fn finished(&self) -> usize {
        self.done.iter().filter(|&&d| d).count()
    }

    /// Appends one finished energy. When this returns `Ok` the energy is durably on disk
    /// and the file is valid HDF5 holding exactly the energies appended so far.
    ///
    /// After a failed append the writer refuses further appends ([`OutputError::Poisoned`]):
    /// the file still holds every earlier energy.
    pub fn append(&mut self, result: &EnergyResult) -> Result<()> {
        self.append_batch(std::slice::from_ref(result))
    }

    /// Appends several finished energies with one append per dataset: the same file state as
    /// appending them one by one, at a fraction of the syncs. The index goes last, so a kill
    /// during the batch leaves none of it counted.
    pub fn append_batch(&mut self, results: &[EnergyResult]) -> Result<()> {
        if self.poisoned {
            return Err(OutputError::Poisoned {
                path: self.path.clone(),
            });
        }
        let mut seen = self.done.clone();
        for result in results {
            result.validate(&self.header, &self.path)?;
            if seen[result.grid_index] {
                let what = format!("energy {} was already appended", result.grid_index);
                return Err(OutputError::mismatch(&self.path, what));
            }
            seen[result.grid_index] = true;
        }
        if results.is_empty() {
            return Ok(());
        }
        self.poisoned = true;
        self.append_unchecked(results)?;
        self.poisoned = false;
        self.done = seen;
        Ok(())
    }

    fn append_unchecked(&mut self, results: &[EnergyResult]) -> Result<()> {
        let path = self.path.as_path();
        let h = &mut self.handles;
        let concat_f64 = |f: &dyn Fn(&EnergyResult) -> Option<&[f64]>| -> Vec<f64> {
            results.iter().filter_map(f).flatten().copied().collect()
        };
        if results.iter().any(|r| r.step_x_km.is_some()) {
            let x = concat_f64(&|r| r.step_x_km.as_deref());
            let p = concat_f64(&|r| r.step_probability.as_deref());
            let counts: Vec<u64> = results
                .iter()
                .map(|r| r.step_x_km.as_ref().map_or(0, |x| x.len() as u64))
                .collect();
            push(path, h.step_x_km.as_mut(), &layout::PARTIAL_STEP_X_KM, &x)?;
            push(
                path,
                h.step_probability.as_mut(),
                &layout::PARTIAL_STEP_PROBABILITY,
                &p,
            )?;
            push(
                path,
                h.step_count.as_mut(),
                &layout::PARTIAL_STEP_COUNT,
                &counts,
            )?;
        }
        if let Some(ds) = h.amplitude.as_mut() {
            let amplitudes: Vec<num_complex::Complex64> = results
                .iter()
                .filter_map(|r| r.amplitude.as_deref())
                .flatten()
                .copied()
                .collect();
            if !amplitudes.is_empty() {
                ds.append_raw(&encode::complex_bytes(&amplitudes))
                    .map_err(|e| append_error(path, &layout::PARTIAL_AMPLITUDE, e))?;
            }
        }
        for (k, ds) in h.extras.iter_mut().enumerate() {
            let values = concat_f64(&|r| r.extras.get(k).map(Vec::as_slice));
            if !values.is_empty() {
                let at = layout::partial_extra_path(&self.header.extras[k].path);
                ds.append(&values)
                    .map_err(|e| OutputError::hdf5(path, format!("cannot append to /{at}"), e))?;
            }
        }
        let probability = concat_f64(&|r| Some(r.probability.as_slice()));
        push(
            path,
            Some(&mut h.probability),
            &layout::PARTIAL_PROBABILITY,
            &probability,
        )?;
        let steps: Vec<u64> = results.iter().map(|r| r.steps).collect();
        let rejected: Vec<u64> = results.iter().map(|r| r.rejected).collect();
        let unitarity: Vec<f64> = results.iter().map(|r| r.unitarity_error).collect();
        push(path, Some(&mut h.steps), &layout::PARTIAL_STEPS, &steps)?;
        push(
            path,
            Some(&mut h.rejected),
            &layout::PARTIAL_REJECTED,
            &rejected,
        )?;
        push(
            path,
            Some(&mut h.unitarity),
            &layout::PARTIAL_UNITARITY,
            &unitarity,
        )?;
        // Last: publishing the index is what makes these energies count as finished.
        let index: Vec<u64> = results.iter().map(|r| r.grid_index as u64).collect();
        push(
            path,
            Some(&mut h.grid_index),
            &layout::PARTIAL_ENERGY_INDEX,
            &index,
        )
    }

    /// Closes the file (one final sync), releasing its lock. Dropping the writer does the
    /// same but cannot report a failure.
    pub fn close(mut self) -> Result<()> {
        match self.file.take() {
            Some(file) => file
                .close()
                .map_err(|e| OutputError::hdf5(&self.path, "cannot close", e)),
            None => Ok(()),
        }
    }
}

fn push<T: H5Element>(
    path: &Path,
    ds: Option<&mut Dataset>,
    item: &Item,
    data: &[T],
) -> Result<()> {
    match ds {
        Some(ds) => ds.append(data).map_err(|e| append_error(path, item, e)),
        None => Err(OutputError::mismatch(
            path,
            format!("/{} is not in this file", item.path),
        )),
    }
}

fn append_error(path: &Path, item: &Item, e: hdf5_pure::Error) -> OutputError {
    OutputError::hdf5(path, format!("cannot append to /{}", item.path), e)
}

/// The partial file as created: header items plus empty appendable datasets.
fn skeleton(header: &RunHeader) -> FileBuilder {
    let mut builder = FileBuilder::new();
    encode::root_attrs(&mut builder, header, false);
    let solver = encode::common_items(&mut builder, header);
    builder.add_group(solver.finish());

    let mut group = builder.create_group(layout::PARTIAL_GROUP);
    let slab_chunk = encode::append_chunk(header.slab_len());
    growable(
        described(&mut group, &layout::PARTIAL_ENERGY_INDEX),
        SCALAR_CHUNK,
    )
    .with_u64_data(&[]);
    growable(
        described(&mut group, &layout::PARTIAL_PROBABILITY),
        slab_chunk,
    )
    .with_f64_data(&[]);
    if header.amplitudes {
        growable(
            described(&mut group, &layout::PARTIAL_AMPLITUDE),
            slab_chunk,
        )
        .with_compound_data(encode::complex_type(), Vec::new(), 0);
    }
    growable(described(&mut group, &layout::PARTIAL_STEPS), SCALAR_CHUNK).with_u64_data(&[]);
    growable(
        described(&mut group, &layout::PARTIAL_REJECTED),
        SCALAR_CHUNK,
    )
    .with_u64_data(&[]);
    growable(
        described(&mut group, &layout::PARTIAL_UNITARITY),
        SCALAR_CHUNK,
    )
    .with_f64_data(&[]);
    if header.all_steps {
        growable(
            described(&mut group, &layout::PARTIAL_STEP_COUNT),
            SCALAR_CHUNK,
        )
        .with_u64_data(&[]);
        growable(
            described(&mut group, &layout::PARTIAL_STEP_X_KM),
            STEP_CHUNK,
        )
        .with_f64_data(&[]);
        growable(
            described(&mut group, &layout::PARTIAL_STEP_PROBABILITY),
            STEP_CHUNK,
        )
        .with_f64_data(&[]);
    }
    for extra in &header.extras {
        let at = layout::partial_extra_path(&extra.path);
        let name = at.rsplit('/').next().unwrap_or(&at);
        let shape: Vec<i64> = extra.shape.iter().map(|&d| d as i64).collect();
        let ds = encode::with_unit(group.create_dataset(name), &extra.unit, &extra.description);
        ds.set_attr(
            layout::ATTR_SLAB_SHAPE,
            hdf5_pure::AttrValue::I64Array(shape),
        );
        growable(ds, encode::append_chunk(extra.slab_len())).with_f64_data(&[]);
    }
    builder.add_group(group.finish());
    builder
}

/// An empty rank-1 dataset that grows without bound in chunks of `chunk` elements.
fn growable(ds: &mut DatasetBuilder, chunk: u64) -> &mut DatasetBuilder {
    ds.with_shape(&[0])
        .with_maxshape(&[MaxExtent::Unlimited])
        .with_chunks(&[chunk])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny_header() -> RunHeader {
        RunHeader {
            nuspin_version: "0".into(),
            scenario_name: "t".into(),
            scenario_toml: String::new(),
            created_utc: "1970-01-01T00:00:00Z".into(),
            command: "t".into(),
            energy_mev: vec![1.0, 2.0],
            x_km: vec![1.0],
            initial_states: vec!["nu_e".into()],
            final_states: vec!["nu_e".into(), "nu_mu".into()],
            solver_method: "magnus".into(),
            rtol: 1e-6,
            atol: 1e-9,
            amplitudes: false,
            all_steps: false,
            medium_samples: None,
            ..RunHeader::default()
        }
    }

    // A real failed append (disk full, I/O error) cannot be provoked portably: truncating
    // the file under the writer does not make hdf5-pure fail. So set the flag directly.
    #[test]
    fn a_poisoned_writer_refuses_appends() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("run.h5");
        let mut writer = PartialWriter::create(&out, &tiny_header()).unwrap();
        writer.poisoned = true;
        let r = EnergyResult {
            grid_index: 0,
            probability: vec![0.5, 0.5],
            amplitude: None,
            steps: 1,
            rejected: 0,
            unitarity_error: 0.0,
            step_x_km: None,
            step_probability: None,
            extras: Vec::new(),
        };
        let err = writer.append(&r).unwrap_err().to_string();
        let want = format!(
            "{}.partial: an earlier append failed; no further energies are written",
            out.display()
        );
        assert_eq!(err, want);
        assert_eq!(writer.finished(), 0);
    }
}
