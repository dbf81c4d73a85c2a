//! Where the final writer takes the per-grid-point values from: [`InMemory`] results (a merge
//! of shard files, tests) or the [`FromPartial`] file a run appended them to, plus any
//! results that never reached it (those of a batch after Ctrl-C, or of a failed append).
//!
//! Either way the writer asks for one dataset at a time and receives it already in grid
//! order, as the little-endian bytes the file stores, so a run's final file is assembled
//! without a second in-memory copy of what it recorded: the partial file is read a block of
//! rows at a time straight into the bytes handed to the HDF5 builder.

use std::path::{Path, PathBuf};

use hdf5_pure::{Dataset, File};

use super::encode::COMPLEX_SIZE;
use super::error::{OutputError, Result};
use super::header::{EnergyResult, RunHeader};
use super::layout::{self, Item};

/// Elements read from the partial file per block (1 MiB of f64).
const BLOCK_ELEMENTS: usize = 1 << 17;

/// A per-grid-point dataset of the final file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slab {
    Probability,
    Amplitude,
    /// Extra `k` of the header.
    Extra(usize),
}

/// The values of a run, by grid point.
pub(crate) trait GridData {
    /// Which grid points are present (length n_grid).
    fn done(&self) -> &[bool];
    /// Writes the slab of every present grid point into `out` (the dataset's bytes in grid
    /// order: `slab_len` elements of `element_size` bytes per grid point), leaving the rest.
    fn fill(&self, what: Slab, slab_len: usize, out: &mut [u8]) -> Result<()>;
    /// Accepted steps, rejected steps and unitarity error per grid point (0, 0, NaN where
    /// not present).
    fn counters(&self) -> Result<(Vec<u64>, Vec<u64>, Vec<f64>)>;
    /// The step positions and step probabilities of grid point `g` (all-steps runs).
    fn steps_of(&self, g: usize) -> Result<Option<(Vec<f64>, Vec<f64>)>>;
}

fn f64_bytes(values: &[f64], out: &mut [u8]) {
    for (v, b) in values.iter().zip(out.chunks_exact_mut(8)) {
        b.copy_from_slice(&v.to_le_bytes());
    }
}

fn complex_bytes(values: &[num_complex::Complex64], out: &mut [u8]) {
    for (z, b) in values.iter().zip(out.chunks_exact_mut(COMPLEX_SIZE)) {
        b[..8].copy_from_slice(&z.re.to_le_bytes());
        b[8..].copy_from_slice(&z.im.to_le_bytes());
    }
}

fn element_size(what: Slab) -> usize {
    match what {
        Slab::Amplitude => COMPLEX_SIZE,
        _ => 8,
    }
}

/// Copies the slab `what` of `r` into its place in `out`.
fn fill_one(r: &EnergyResult, what: Slab, slab_len: usize, out: &mut [u8]) {
    let size = element_size(what);
    let at = r.grid_index * slab_len * size;
    let dst = &mut out[at..at + slab_len * size];
    match what {
        Slab::Probability => f64_bytes(&r.probability, dst),
        Slab::Amplitude => {
            if let Some(a) = &r.amplitude {
                complex_bytes(a, dst);
            }
        }
        Slab::Extra(k) => f64_bytes(&r.extras[k], dst),
    }
}

/// Results held in memory, validated against the header by the writer.
pub(crate) struct InMemory<'a> {
    by_grid: Vec<Option<&'a EnergyResult>>,
    done: Vec<bool>,
}

impl<'a> InMemory<'a> {
    /// `results` checked against `header`: each grid point at most once, every slab of the
    /// header's size.
    pub(crate) fn new(
        final_path: &Path,
        header: &RunHeader,
        results: &'a [EnergyResult],
    ) -> Result<Self> {
        let mut by_grid: Vec<Option<&EnergyResult>> = vec![None; header.n_grid()];
        for r in results {
            r.validate(header, final_path)?;
            if by_grid[r.grid_index].replace(r).is_some() {
                let what = format!("energy {} appears twice in the results", r.grid_index);
                return Err(OutputError::mismatch(final_path, what));
            }
        }
        let done = by_grid.iter().map(Option::is_some).collect();
        Ok(InMemory { by_grid, done })
    }
}

impl GridData for InMemory<'_> {
    fn done(&self) -> &[bool] {
        &self.done
    }

    fn fill(&self, what: Slab, slab_len: usize, out: &mut [u8]) -> Result<()> {
        for r in self.by_grid.iter().flatten() {
            fill_one(r, what, slab_len, out);
        }
        Ok(())
    }

    fn counters(&self) -> Result<(Vec<u64>, Vec<u64>, Vec<f64>)> {
        let g = &self.by_grid;
        Ok((
            g.iter().map(|r| r.map_or(0, |r| r.steps)).collect(),
            g.iter().map(|r| r.map_or(0, |r| r.rejected)).collect(),
            g.iter()
                .map(|r| r.map_or(f64::NAN, |r| r.unitarity_error))
                .collect(),
        ))
    }

    fn steps_of(&self, g: usize) -> Result<Option<(Vec<f64>, Vec<f64>)>> {
        Ok(
            self.by_grid[g].and_then(|r| match (&r.step_x_km, &r.step_probability) {
                (Some(x), Some(p)) => Some((x.clone(), p.clone())),
                _ => None,
            }),
        )
    }
}

/// The committed rows of a closed `.partial` file, plus the results that never reached it.
pub(crate) struct FromPartial<'a> {
    path: PathBuf,
    file: File,
    header: &'a RunHeader,
    /// Grid index of each committed row.
    index: Vec<usize>,
    /// First step of each committed row, and one past the last (all-steps runs).
    step_offsets: Vec<usize>,
    /// Row of each grid point in the partial file.
    row_of: Vec<Option<usize>>,
    late: InMemory<'a>,
    done: Vec<bool>,
}

impl<'a> FromPartial<'a> {
    /// Opens `partial` (written for `header` and closed) and joins `late` to it.
    pub(crate) fn open(
        partial: &Path,
        final_path: &Path,
        header: &'a RunHeader,
        late: &'a [EnergyResult],
    ) -> Result<Self> {
        // Streaming: File::open would buffer the whole partial file in memory.
        let file = File::open_streaming(partial)
            .map_err(|e| OutputError::hdf5(partial, "cannot open to write the final file", e))?;
        let read_u64 = |item: &Item| -> Result<Vec<u64>> {
            dataset(&file, partial, item.path)?
                .read_u64()
                .map_err(|e| OutputError::hdf5(partial, format!("cannot read /{}", item.path), e))
        };
        let index: Vec<usize> = read_u64(&layout::PARTIAL_ENERGY_INDEX)?
            .into_iter()
            .map(|g| usize::try_from(g).unwrap_or(usize::MAX))
            .collect();
        let late = InMemory::new(final_path, header, late)?;
        let mut done = late.done.clone();
        let mut row_of = vec![None; header.n_grid()];
        for (row, &g) in index.iter().enumerate() {
            match done.get_mut(g) {
                Some(d) if !*d => {
                    *d = true;
                    row_of[g] = Some(row);
                }
                _ => {
                    let what = format!("energy {g} appears twice or is outside the grid");
                    return Err(OutputError::mismatch(partial, what));
                }
            }
        }
        let mut step_offsets = vec![0];
        if header.all_steps {
            let counts = read_u64(&layout::PARTIAL_STEP_COUNT)?;
            for &c in counts.iter().take(index.len()) {
                let last = step_offsets[step_offsets.len() - 1];
                step_offsets.push(last + usize::try_from(c).unwrap_or(usize::MAX / 2));
            }
        }
        Ok(FromPartial {
            path: partial.to_path_buf(),
            file,
            header,
            index,
            step_offsets,
            row_of,
            late,
            done,
        })
    }

    fn dataset(&self, path: &str) -> Result<Dataset> {
        dataset(&self.file, &self.path, path)
    }

    fn fail(&self, path: &str, e: hdf5_pure::Error) -> OutputError {
        OutputError::hdf5(&self.path, format!("cannot read /{path}"), e)
    }

    /// Reads `count` elements of `size` bytes from element `start` of `path`.
    fn raw(
        &self,
        ds: &Dataset,
        path: &str,
        start: usize,
        count: usize,
        size: usize,
    ) -> Result<Vec<u8>> {
        let bytes = ds
            .read_raw_rows(start as u64, count as u64)
            .map_err(|e| self.fail(path, e))?;
        if bytes.len() != count * size {
            let what = format!("/{path} is shorter than its committed rows");
            return Err(OutputError::layout(&self.path, what));
        }
        Ok(bytes)
    }
}

fn dataset(file: &File, at: &Path, path: &str) -> Result<Dataset> {
    file.dataset(path)
        .map_err(|e| OutputError::hdf5(at, format!("cannot open /{path}"), e))
}

impl GridData for FromPartial<'_> {
    fn done(&self) -> &[bool] {
        &self.done
    }

    fn fill(&self, what: Slab, slab_len: usize, out: &mut [u8]) -> Result<()> {
        self.late.fill(what, slab_len, out)?;
        if slab_len == 0 || self.index.is_empty() {
            return Ok(());
        }
        let path = match what {
            Slab::Probability => layout::PARTIAL_PROBABILITY.path.to_string(),
            Slab::Amplitude => layout::PARTIAL_AMPLITUDE.path.to_string(),
            Slab::Extra(k) => layout::partial_extra_path(&self.header.extras[k].path),
        };
        let ds = self.dataset(&path)?;
        let size = element_size(what);
        let rows_per_block = (BLOCK_ELEMENTS / slab_len).max(1);
        for first in (0..self.index.len()).step_by(rows_per_block) {
            let rows = rows_per_block.min(self.index.len() - first);
            let block = self.raw(&ds, &path, first * slab_len, rows * slab_len, size)?;
            let bytes = slab_len * size;
            for (k, src) in block.chunks_exact(bytes).enumerate() {
                let at = self.index[first + k] * bytes;
                out[at..at + bytes].copy_from_slice(src);
            }
        }
        Ok(())
    }

    fn counters(&self) -> Result<(Vec<u64>, Vec<u64>, Vec<f64>)> {
        let (mut steps, mut rejected, mut unitarity) = self.late.counters()?;
        let n = self.index.len();
        let read_u64 = |item: &Item| -> Result<Vec<u64>> {
            let v = self
                .dataset(item.path)?
                .read_u64_rows(0, n as u64)
                .map_err(|e| self.fail(item.path, e))?;
            Ok(v)
        };
        let s = read_u64(&layout::PARTIAL_STEPS)?;
        let r = read_u64(&layout::PARTIAL_REJECTED)?;
        let u = self
            .dataset(layout::PARTIAL_UNITARITY.path)?
            .read_f64_rows(0, n as u64)
            .map_err(|e| self.fail(layout::PARTIAL_UNITARITY.path, e))?;
        if s.len() != n || r.len() != n || u.len() != n {
            let what = "the /partial counters are shorter than its committed rows".to_string();
            return Err(OutputError::layout(&self.path, what));
        }
        for (k, &g) in self.index.iter().enumerate() {
            (steps[g], rejected[g], unitarity[g]) = (s[k], r[k], u[k]);
        }
        Ok((steps, rejected, unitarity))
    }

    fn steps_of(&self, g: usize) -> Result<Option<(Vec<f64>, Vec<f64>)>> {
        let Some(row) = self.row_of[g] else {
            return self.late.steps_of(g);
        };
        let (a, b) = (self.step_offsets[row], self.step_offsets[row + 1]);
        let pairs = self.header.state_pairs();
        let read = |item: &Item, start: usize, count: usize| -> Result<Vec<f64>> {
            let v = self
                .dataset(item.path)?
                .read_f64_rows(start as u64, count as u64)
                .map_err(|e| self.fail(item.path, e))?;
            if v.len() != count {
                let what = format!("/{} is shorter than its committed rows", item.path);
                return Err(OutputError::layout(&self.path, what));
            }
            Ok(v)
        };
        Ok(Some((
            read(&layout::PARTIAL_STEP_X_KM, a, b - a)?,
            read(
                &layout::PARTIAL_STEP_PROBABILITY,
                a * pairs,
                (b - a) * pairs,
            )?,
        )))
    }
}
