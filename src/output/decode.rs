//! Low-level reading for [`super::read`]: typed dataset and attribute access with errors
//! naming the file and item, and the per-energy results of a final or a partial file.

use std::collections::HashMap;
use std::path::Path;

use hdf5_pure::{AttrValue, Datatype, File};
use num_complex::Complex64;

use super::encode::COMPLEX_SIZE;
use super::error::{OutputError, Result};
use super::header::{EnergyResult, RunHeader};
use super::layout;

/// An open file plus its path, for error messages.
pub(crate) struct Reader<'a> {
    pub(crate) path: &'a Path,
    pub(crate) file: &'a File,
}

impl Reader<'_> {
    fn fail(&self, what: &str, e: hdf5_pure::Error) -> OutputError {
        OutputError::hdf5(self.path, format!("cannot read {what}"), e)
    }

    fn dataset(&self, path: &str) -> Result<hdf5_pure::Dataset> {
        self.file
            .dataset(path)
            .map_err(|e| self.fail(&format!("/{path}"), e))
    }

    /// Whether a dataset exists at `path`.
    pub(crate) fn exists(&self, path: &str) -> Result<bool> {
        let (group, name) = path.rsplit_once('/').unwrap_or(("", path));
        let g = self.group(group)?;
        let names = g
            .datasets()
            .map_err(|e| self.fail(&format!("/{group}"), e))?;
        Ok(names.iter().any(|n| n == name))
    }

    fn group(&self, path: &str) -> Result<hdf5_pure::Group> {
        if path.is_empty() {
            return Ok(self.file.root());
        }
        self.file
            .group(path)
            .map_err(|e| self.fail(&format!("/{path}"), e))
    }

    /// Names of the groups in group `path` (`""` for the root).
    pub(crate) fn group_names(&self, path: &str) -> Result<Vec<String>> {
        self.group(path)?
            .groups()
            .map_err(|e| self.fail(&format!("/{path}"), e))
    }

    /// Attributes of group `path` (`""` for the root).
    pub(crate) fn attrs(&self, path: &str) -> Result<HashMap<String, AttrValue>> {
        self.group(path)?
            .attrs()
            .map_err(|e| self.fail(&format!("attributes of /{path}"), e))
    }

    /// Attributes of dataset `path`.
    pub(crate) fn attrs_of_dataset(&self, path: &str) -> Result<HashMap<String, AttrValue>> {
        self.dataset(path)?
            .attrs()
            .map_err(|e| self.fail(&format!("attributes of /{path}"), e))
    }

    /// The dataspace dimensions of dataset `path`.
    pub(crate) fn shape(&self, path: &str) -> Result<Vec<u64>> {
        self.dataset(path)?
            .shape()
            .map_err(|e| self.fail(&format!("shape of /{path}"), e))
    }

    pub(crate) fn f64s(&self, path: &str) -> Result<Vec<f64>> {
        self.dataset(path)?
            .read_f64()
            .map_err(|e| self.fail(&format!("/{path}"), e))
    }

    pub(crate) fn u64s(&self, path: &str) -> Result<Vec<u64>> {
        self.dataset(path)?
            .read_u64()
            .map_err(|e| self.fail(&format!("/{path}"), e))
    }

    pub(crate) fn u8s(&self, path: &str) -> Result<Vec<u8>> {
        self.dataset(path)?
            .read_u8()
            .map_err(|e| self.fail(&format!("/{path}"), e))
    }

    pub(crate) fn strings(&self, path: &str) -> Result<Vec<String>> {
        self.dataset(path)?
            .read_string()
            .map_err(|e| self.fail(&format!("/{path}"), e))
    }

    /// A `{r, i}` compound dataset of two little-endian f64.
    pub(crate) fn complexes(&self, path: &str) -> Result<Vec<Complex64>> {
        let ds = self.dataset(path)?;
        let dtype = ds
            .datatype()
            .map_err(|e| self.fail(&format!("/{path}"), e))?;
        let offsets = complex_offsets(&dtype).ok_or_else(|| {
            OutputError::layout(
                self.path,
                format!("/{path} is not a compound {{r, i}} of f64"),
            )
        })?;
        let raw = ds
            .read_raw()
            .map_err(|e| self.fail(&format!("/{path}"), e))?;
        let f = |rec: &[u8], at: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&rec[at..at + 8]);
            f64::from_le_bytes(b)
        };
        Ok(raw
            .chunks_exact(COMPLEX_SIZE)
            .map(|rec| Complex64::new(f(rec, offsets.0), f(rec, offsets.1)))
            .collect())
    }

    /// The first `want` values of `v`, which must have at least that many.
    fn at_least<T>(&self, what: &str, mut v: Vec<T>, want: usize) -> Result<Vec<T>> {
        if v.len() < want {
            let msg = format!("/{what} has {} values, expected at least {want}", v.len());
            return Err(OutputError::layout(self.path, msg));
        }
        v.truncate(want);
        Ok(v)
    }

    fn len_check<T>(&self, what: &str, v: Vec<T>, want: usize) -> Result<Vec<T>> {
        if v.len() == want {
            Ok(v)
        } else {
            let msg = format!("{what} has {} values, expected {want}", v.len());
            Err(OutputError::layout(self.path, msg))
        }
    }
}

/// Byte offsets of `r` and `i` in a 16-byte compound of two 8-byte floats.
fn complex_offsets(dtype: &Datatype) -> Option<(usize, usize)> {
    let Datatype::Compound { size: 16, members } = dtype else {
        return None;
    };
    let offset = |name: &str| {
        members.iter().find(|m| m.name == name).and_then(|m| {
            let float8 = matches!(m.datatype, Datatype::FloatingPoint { size: 8, .. });
            (float8 && m.byte_offset <= 8).then_some(m.byte_offset as usize)
        })
    };
    Some((offset("r")?, offset("i")?))
}

fn missing(path: &Path, name: &str) -> OutputError {
    OutputError::layout(
        path,
        format!("attribute {name} is missing or has the wrong type"),
    )
}

pub(crate) fn text_attr(
    r: &Reader,
    attrs: &HashMap<String, AttrValue>,
    name: &str,
) -> Result<String> {
    attrs
        .get(name)
        .and_then(AttrValue::as_str)
        .map(str::to_string)
        .ok_or_else(|| missing(r.path, name))
}

pub(crate) fn f64_attr(r: &Reader, attrs: &HashMap<String, AttrValue>, name: &str) -> Result<f64> {
    attrs
        .get(name)
        .and_then(AttrValue::as_f64)
        .ok_or_else(|| missing(r.path, name))
}

pub(crate) fn int_attr(r: &Reader, attrs: &HashMap<String, AttrValue>, name: &str) -> Result<i64> {
    attrs
        .get(name)
        .and_then(AttrValue::as_i64)
        .ok_or_else(|| missing(r.path, name))
}

/// The finished energies of a final file (those with `energy_done = 1`).
pub(crate) fn final_energies(r: &Reader, h: &RunHeader) -> Result<Vec<EnergyResult>> {
    let n_e = h.n_grid();
    let slab = h.slab_len();
    let done = r.len_check("/energy_done", r.u8s(layout::ENERGY_DONE.path)?, n_e)?;
    let probability = r.len_check(
        "/probability",
        r.f64s(layout::PROBABILITY.path)?,
        n_e * slab,
    )?;
    let amplitude = match h.amplitudes {
        true => Some(r.len_check(
            "/amplitude",
            r.complexes(layout::AMPLITUDE.path)?,
            n_e * slab,
        )?),
        false => None,
    };
    let steps = r.len_check("/solver/steps", r.u64s(layout::SOLVER_STEPS.path)?, n_e)?;
    let rejected = r.len_check(
        "/solver/rejected",
        r.u64s(layout::SOLVER_REJECTED.path)?,
        n_e,
    )?;
    let unitarity = r.len_check(
        "/solver/unitarity_error",
        r.f64s(layout::SOLVER_UNITARITY.path)?,
        n_e,
    )?;
    let extras = h
        .extras
        .iter()
        .map(|x| {
            r.len_check(
                &format!("/{}", x.path),
                r.f64s(&x.path)?,
                n_e * x.slab_len(),
            )
        })
        .collect::<Result<Vec<_>>>()?;
    let mut out = Vec::new();
    for e in (0..n_e).filter(|&e| done[e] == 1) {
        let (step_x_km, step_probability) = if h.all_steps {
            let group = format!("{}/{}", layout::STEPS_GROUP, layout::step_group_name(e));
            let x = r.f64s(&format!("{group}/{}", layout::STEP_X_KM.path))?;
            let p = r.f64s(&format!("{group}/{}", layout::STEP_PROBABILITY.path))?;
            (Some(x), Some(p))
        } else {
            (None, None)
        };
        out.push(EnergyResult {
            grid_index: e,
            probability: probability[e * slab..(e + 1) * slab].to_vec(),
            amplitude: amplitude
                .as_ref()
                .map(|a| a[e * slab..(e + 1) * slab].to_vec()),
            steps: steps[e],
            rejected: rejected[e],
            unitarity_error: unitarity[e],
            step_x_km,
            step_probability,
            extras: slabs(&extras, h, e),
        });
    }
    Ok(out)
}

/// Grid point `at`'s slab of every extra, from per-extra arrays holding consecutive slabs.
fn slabs(extras: &[Vec<f64>], h: &RunHeader, at: usize) -> Vec<Vec<f64>> {
    extras
        .iter()
        .zip(&h.extras)
        .map(|(values, spec)| {
            let n = spec.slab_len();
            values[at * n..(at + 1) * n].to_vec()
        })
        .collect()
}

/// The energies of a partial file: the first `len(/partial/energy_index)` entries of every
/// `/partial` dataset (a longer dataset holds the tail of an append a kill interrupted).
pub(crate) fn partial_energies(r: &Reader, h: &RunHeader) -> Result<Vec<EnergyResult>> {
    let index = r.u64s(layout::PARTIAL_ENERGY_INDEX.path)?;
    let mut rows = PartialRows::read(r, h, index.len())?;
    let steps = PartialSteps::read(r, h, index.len())?;
    rows.read_extras(r, h, index.len())?;
    let slab = h.slab_len();
    let mut out = Vec::with_capacity(index.len());
    let mut step_start = 0;
    for (k, &e) in index.iter().enumerate() {
        let (step_x_km, step_probability) = steps.of_row(h, k, &mut step_start);
        out.push(EnergyResult {
            grid_index: usize::try_from(e).unwrap_or(usize::MAX),
            probability: rows.probability[k * slab..(k + 1) * slab].to_vec(),
            amplitude: rows
                .amplitude
                .as_ref()
                .map(|a| a[k * slab..(k + 1) * slab].to_vec()),
            steps: rows.steps[k],
            rejected: rows.rejected[k],
            unitarity_error: rows.unitarity[k],
            step_x_km,
            step_probability,
            extras: slabs(&rows.extras, h, k),
        });
    }
    Ok(out)
}

/// The first `n` rows of every per-energy `/partial` dataset, each concatenated.
struct PartialRows {
    probability: Vec<f64>,
    amplitude: Option<Vec<Complex64>>,
    steps: Vec<u64>,
    rejected: Vec<u64>,
    unitarity: Vec<f64>,
    extras: Vec<Vec<f64>>,
}

impl PartialRows {
    /// Read in the order a damaged file's first error has always been reported in:
    /// probability, counters, amplitude, then (after the steps) the extras.
    fn read(r: &Reader, h: &RunHeader, n: usize) -> Result<Self> {
        let slab = h.slab_len();
        let f64s = |path: &str, want: usize| r.at_least(path, r.f64s(path)?, want);
        let u64s = |path: &str, want: usize| r.at_least(path, r.u64s(path)?, want);
        let probability = f64s(layout::PARTIAL_PROBABILITY.path, n * slab)?;
        let steps = u64s(layout::PARTIAL_STEPS.path, n)?;
        let rejected = u64s(layout::PARTIAL_REJECTED.path, n)?;
        let unitarity = f64s(layout::PARTIAL_UNITARITY.path, n)?;
        let amplitude = match h.amplitudes {
            true => {
                let a = r.complexes(layout::PARTIAL_AMPLITUDE.path)?;
                Some(r.at_least(layout::PARTIAL_AMPLITUDE.path, a, n * slab)?)
            }
            false => None,
        };
        Ok(PartialRows {
            probability,
            amplitude,
            steps,
            rejected,
            unitarity,
            extras: Vec::new(),
        })
    }

    /// The extras' rows, read after the steps.
    fn read_extras(&mut self, r: &Reader, h: &RunHeader, n: usize) -> Result<()> {
        self.extras = h
            .extras
            .iter()
            .map(|x| {
                let at = layout::partial_extra_path(&x.path);
                r.at_least(&at, r.f64s(&at)?, n * x.slab_len())
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(())
    }
}

/// The steps of the first `n` rows of an all-steps partial file (empty otherwise).
struct PartialSteps {
    counts: Vec<u64>,
    x_km: Vec<f64>,
    probability: Vec<f64>,
}

impl PartialSteps {
    fn read(r: &Reader, h: &RunHeader, n: usize) -> Result<Self> {
        if !h.all_steps {
            return Ok(PartialSteps {
                counts: Vec::new(),
                x_km: Vec::new(),
                probability: Vec::new(),
            });
        }
        let counts = r.at_least(
            layout::PARTIAL_STEP_COUNT.path,
            r.u64s(layout::PARTIAL_STEP_COUNT.path)?,
            n,
        )?;
        // Saturating: absurd counts in a damaged file fail the length check below.
        let total = counts.iter().fold(0usize, |t, &c| {
            t.saturating_add(usize::try_from(c).unwrap_or(usize::MAX))
        });
        let x_km = r.at_least(
            layout::PARTIAL_STEP_X_KM.path,
            r.f64s(layout::PARTIAL_STEP_X_KM.path)?,
            total,
        )?;
        let p = r.f64s(layout::PARTIAL_STEP_PROBABILITY.path)?;
        let probability = r.at_least(
            layout::PARTIAL_STEP_PROBABILITY.path,
            p,
            total.saturating_mul(h.state_pairs()),
        )?;
        Ok(PartialSteps {
            counts,
            x_km,
            probability,
        })
    }

    /// Row `k`'s step positions and probabilities (`None` unless all-steps); `start` is
    /// the row's first step and is moved past it.
    fn of_row(
        &self,
        h: &RunHeader,
        k: usize,
        start: &mut usize,
    ) -> (Option<Vec<f64>>, Option<Vec<f64>>) {
        if !h.all_steps {
            return (None, None);
        }
        let (a, b) = (*start, *start + self.counts[k] as usize);
        *start = b;
        let pairs = h.state_pairs();
        (
            Some(self.x_km[a..b].to_vec()),
            Some(self.probability[a * pairs..b * pairs].to_vec()),
        )
    }
}
