//! Reading an output file back: a final file, or the `.partial` file a killed run left.
//!
//! [`read_output`] tells the two apart by the `/partial` group and returns the same
//! [`OutputFile`] for both; for a partial file `energy_done` is rebuilt from
//! `/partial/energy_index` (only its first `len` entries count, see [`super::partial`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use hdf5_pure::{AttrValue, File};
use ndarray::{Array3, Array4, ArrayD, IxDyn};
use num_complex::Complex64;

use super::decode::{self, Reader};
use super::error::{OutputError, Result};
use super::header::{DerivedDataset, EnergyResult, ExtraSpec, MediumSamples, RunHeader, ScanAxis};
use super::layout;

/// The contents of an output file, final or partial.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputFile {
    /// The file read.
    pub path: PathBuf,
    /// Whether this was a `.partial` file (energies rebuilt from `/partial`).
    pub is_partial: bool,
    /// The run description; `amplitudes` and `all_steps` say what the file holds.
    pub header: RunHeader,
    /// Root attribute `complete` (always false for a partial file).
    pub complete: bool,
    /// P `[grid, nX, nI, 2N]` with the `[scan..., nE]` grid flattened (the energy axis
    /// without a scan; [`OutputFile::probability_nd`] gives the file's own shape); NaN
    /// where `energy_done` is 0.
    pub probability: Array4<f64>,
    /// Amplitudes `[grid, nX, nI, 2N]`, when the file has them.
    pub amplitude: Option<Array4<Complex64>>,
    /// 1 where that grid point finished (flat grid index).
    pub energy_done: Vec<u8>,
    /// Accepted steps per grid point (0 where not done).
    pub steps: Vec<u64>,
    /// Rejected steps per grid point (0 where not done).
    pub rejected: Vec<u64>,
    /// Unitarity error per grid point (NaN where not done).
    pub unitarity_error: Vec<f64>,
    /// All-steps records, one slot per grid point (`None` where not done); empty otherwise.
    pub step_records: Vec<Option<StepRecord>>,
    /// Each [`RunHeader::extras`] dataset, `[grid, slab...]` with the grid flattened; NaN
    /// where not done.
    pub extras: Vec<ArrayD<f64>>,
    /// The whole-run datasets of a final file, in the order written.
    pub derived: Vec<DerivedDataset>,
}

/// The steps of one energy under `record = "all-steps"`.
#[derive(Debug, Clone, PartialEq)]
pub struct StepRecord {
    /// Step positions `[nS]`, km.
    pub x_km: Vec<f64>,
    /// P after each step `[nS, nI, 2N]`.
    pub probability: Array3<f64>,
}

/// Reads a final output file or a `.partial` file. A file shorter than its own superblock
/// says (copied or cut while being written) is reported as truncated, whatever the first
/// unreadable item was.
pub fn read_output(path: &Path) -> Result<OutputFile> {
    read_whole(path).map_err(|e| or_truncated(path, e))
}

/// `e`, or that the file is truncated when it is (whatever the first unreadable item was).
fn or_truncated(path: &Path, e: OutputError) -> OutputError {
    match truncated(path) {
        Some((len, expected)) => OutputError::Truncated {
            path: path.to_path_buf(),
            len,
            expected,
        },
        None => e,
    }
}

/// `(actual, expected)` length when `path` is an HDF5 file (superblock version 2 or 3, 8-byte
/// addresses, as written here) shorter than the end-of-file address its superblock records.
fn truncated(path: &Path) -> Option<(u64, u64)> {
    use std::io::Read;
    let mut head = [0u8; 36];
    let mut f = std::fs::File::open(path).ok()?;
    let len = f.metadata().ok()?.len();
    f.read_exact(&mut head).ok()?;
    let signature = head.starts_with(b"\x89HDF\r\n\x1a\n");
    if !signature || !(2..=3).contains(&head[8]) || head[9] != 8 {
        return None;
    }
    // Signature, version, offset and length sizes, flags (12 bytes); then the base address,
    // the superblock extension address and the end-of-file address, 8 bytes each.
    let eof = u64::from_le_bytes(head[28..36].try_into().ok()?);
    (len < eof).then_some((len, eof))
}

/// The run header of a final or partial file, without reading its results: what `nuspin
/// merge` checks of every shard before it reads any shard's data.
pub fn read_run_header(path: &Path) -> Result<RunHeader> {
    let opened = File::open(path)
        .map_err(|e| OutputError::hdf5(path, "cannot open", e))
        .and_then(|file| Opened::of(&Reader { path, file: &file }));
    opened.map(|o| o.header).map_err(|e| or_truncated(path, e))
}

/// What every read starts with: the root attributes, whether the file is a partial one, and
/// its checked run header.
struct Opened {
    root: HashMap<String, AttrValue>,
    is_partial: bool,
    header: RunHeader,
}

impl Opened {
    fn of(r: &Reader) -> Result<Self> {
        let root = r.attrs("")?;
        if !root.contains_key(layout::ATTR_VERSION) {
            let what = format!("no {} attribute at the root", layout::ATTR_VERSION);
            return Err(OutputError::layout(r.path, what));
        }
        let root_groups = r.group_names("")?;
        let is_partial = root_groups.iter().any(|g| g == layout::PARTIAL_GROUP);
        let header = read_header(r, &root, &root_groups, is_partial)?;
        header
            .validate(r.path)
            .map_err(|e| OutputError::layout(r.path, e.to_string()))?;
        Ok(Opened {
            root,
            is_partial,
            header,
        })
    }
}

fn read_whole(path: &Path) -> Result<OutputFile> {
    let file = File::open(path).map_err(|e| OutputError::hdf5(path, "cannot open", e))?;
    let r = Reader { path, file: &file };
    let Opened {
        root,
        is_partial,
        header,
    } = Opened::of(&r)?;
    let complete = decode::int_attr(&r, &root, layout::ATTR_COMPLETE)? != 0;
    let energies = if is_partial {
        decode::partial_energies(&r, &header)?
    } else {
        decode::final_energies(&r, &header)?
    };
    let derived = if is_partial {
        Vec::new()
    } else {
        read_derived(&r, &root)?
    };
    let mut out = OutputFile::unfilled(path, header, is_partial, complete, derived);
    for e in energies {
        out.insert(e)?;
    }
    Ok(out)
}

/// The run header of a final (`is_partial` false) or partial file.
fn read_header(
    r: &Reader,
    root: &HashMap<String, AttrValue>,
    root_groups: &[String],
    is_partial: bool,
) -> Result<RunHeader> {
    let solver = r.attrs(layout::SOLVER_GROUP)?;
    let all_steps = decode::text_attr(r, root, layout::ATTR_RECORD)
        .is_ok_and(|v| v == layout::RECORD_ALL_STEPS);
    let amplitude_path = if is_partial {
        layout::PARTIAL_AMPLITUDE.path
    } else {
        layout::AMPLITUDE.path
    };
    Ok(RunHeader {
        nuspin_version: decode::text_attr(r, root, layout::ATTR_VERSION)?,
        scenario_name: decode::text_attr(r, root, layout::ATTR_SCENARIO_NAME)?,
        scenario_toml: decode::text_attr(r, root, layout::ATTR_SCENARIO_TOML)?,
        scenario_file: decode::text_attr(r, root, layout::ATTR_SCENARIO_FILE).unwrap_or_default(),
        created_utc: decode::text_attr(r, root, layout::ATTR_CREATED_UTC)?,
        command: decode::text_attr(r, root, layout::ATTR_COMMAND)?,
        energy_mev: r.f64s(layout::ENERGY_MEV.path)?,
        x_km: r.f64s(layout::X_KM.path)?,
        initial_states: r.strings(layout::INITIAL_STATES.path)?,
        final_states: r.strings(layout::FINAL_STATES.path)?,
        solver_method: decode::text_attr(r, &solver, layout::ATTR_METHOD)?,
        rtol: decode::f64_attr(r, &solver, layout::ATTR_RTOL)?,
        atol: decode::f64_attr(r, &solver, layout::ATTR_ATOL)?,
        amplitudes: r.exists(amplitude_path)?,
        all_steps,
        medium_samples: read_medium(r, root_groups)?,
        extras: read_extra_specs(r, root, is_partial)?,
        scan: read_scan(r, root_groups)?,
        shard: read_shard(r, root)?,
        shard_by_scan_point: read_shard_unit(r, root)?,
    })
}

impl OutputFile {
    /// A file of `header`'s shape with no grid point filled in yet (NaN, not done).
    fn unfilled(
        path: &Path,
        header: RunHeader,
        is_partial: bool,
        complete: bool,
        derived: Vec<DerivedDataset>,
    ) -> Self {
        let n = header.n_grid();
        OutputFile {
            path: path.to_path_buf(),
            is_partial,
            complete,
            probability: Array4::from_elem(dims(&header), f64::NAN),
            amplitude: header
                .amplitudes
                .then(|| Array4::from_elem(dims(&header), Complex64::new(f64::NAN, f64::NAN))),
            energy_done: vec![0; n],
            steps: vec![0; n],
            rejected: vec![0; n],
            unitarity_error: vec![f64::NAN; n],
            step_records: if header.all_steps {
                vec![None; n]
            } else {
                Vec::new()
            },
            extras: header
                .extras
                .iter()
                .map(|x| {
                    let mut shape = vec![n];
                    shape.extend(&x.shape);
                    ArrayD::from_elem(IxDyn(&shape), f64::NAN)
                })
                .collect(),
            derived,
            header,
        }
    }
}

fn dims(h: &RunHeader) -> (usize, usize, usize, usize) {
    (
        h.n_grid(),
        h.x_km.len(),
        h.initial_states.len(),
        h.final_states.len(),
    )
}

fn read_medium(r: &Reader, root_groups: &[String]) -> Result<Option<MediumSamples>> {
    if !root_groups.iter().any(|g| g == layout::MEDIUM_GROUP) {
        return Ok(None);
    }
    let attrs: HashMap<String, AttrValue> = r.attrs(layout::MEDIUM_GROUP)?;
    let names = attrs
        .get("quantities")
        .and_then(AttrValue::as_strings)
        .map(<[String]>::to_vec)
        .unwrap_or_default();
    let mut quantities = Vec::with_capacity(names.len());
    for name in names {
        let ds_path = format!("{}/{name}", layout::MEDIUM_GROUP);
        let unit = decode::text_attr(r, &r.attrs_of_dataset(&ds_path)?, "unit")?;
        quantities.push((name, unit, r.f64s(&ds_path)?));
    }
    Ok(Some(MediumSamples {
        x_km: r.f64s(layout::MEDIUM_X_KM.path)?,
        quantities,
    }))
}

fn strings_attr(attrs: &HashMap<String, AttrValue>, name: &str) -> Vec<String> {
    attrs
        .get(name)
        .and_then(AttrValue::as_strings)
        .map(<[String]>::to_vec)
        .unwrap_or_default()
}

/// The extras listed in the root attribute; their slab shape is the dataset's shape after
/// the grid axes (final file) or the `slab_shape` attribute (partial file).
fn read_extra_specs(
    r: &Reader,
    root: &HashMap<String, AttrValue>,
    is_partial: bool,
) -> Result<Vec<ExtraSpec>> {
    let grid_rank = r
        .attrs(layout::SCAN_GROUP)
        .map(|a| strings_attr(&a, layout::ATTR_SCAN_FIELDS).len())
        .unwrap_or(0)
        + 1;
    let mut specs = Vec::new();
    for path in strings_attr(root, layout::ATTR_EXTRAS) {
        let at = if is_partial {
            layout::partial_extra_path(&path)
        } else {
            path.clone()
        };
        let attrs = r.attrs_of_dataset(&at)?;
        let shape = if is_partial {
            match attrs.get(layout::ATTR_SLAB_SHAPE) {
                Some(AttrValue::I64Array(v)) => v.iter().map(|&d| d.max(0) as usize).collect(),
                Some(AttrValue::I64(d)) => vec![(*d).max(0) as usize],
                _ => {
                    let what = format!("/{at} has no {} attribute", layout::ATTR_SLAB_SHAPE);
                    return Err(OutputError::layout(r.path, what));
                }
            }
        } else {
            let full = r.shape(&at)?;
            if full.len() < grid_rank {
                let what = format!(
                    "/{at} has rank {}, below the grid's {grid_rank}",
                    full.len()
                );
                return Err(OutputError::layout(r.path, what));
            }
            full[grid_rank..].iter().map(|&d| d as usize).collect()
        };
        specs.push(ExtraSpec {
            unit: decode::text_attr(r, &attrs, "unit")?,
            description: decode::text_attr(r, &attrs, "description")?,
            path,
            shape,
        });
    }
    Ok(specs)
}

fn read_scan(r: &Reader, root_groups: &[String]) -> Result<Vec<ScanAxis>> {
    if !root_groups.iter().any(|g| g == layout::SCAN_GROUP) {
        return Ok(Vec::new());
    }
    let attrs = r.attrs(layout::SCAN_GROUP)?;
    strings_attr(&attrs, layout::ATTR_SCAN_FIELDS)
        .into_iter()
        .map(|field| {
            let values = r.f64s(&format!("{}/{field}", layout::SCAN_GROUP))?;
            Ok(ScanAxis { field, values })
        })
        .collect()
}

fn read_shard(r: &Reader, root: &HashMap<String, AttrValue>) -> Result<Option<(usize, usize)>> {
    let Some(text) = root.get(layout::ATTR_SHARD).and_then(AttrValue::as_str) else {
        return Ok(None);
    };
    let parsed = text
        .split_once('/')
        .and_then(|(k, n)| Some((k.parse().ok()?, n.parse().ok()?)));
    match parsed {
        Some(kn) => Ok(Some(kn)),
        None => Err(OutputError::layout(
            r.path,
            format!(
                "root attribute {} = {text:?} is not K/N",
                layout::ATTR_SHARD
            ),
        )),
    }
}

/// Whether the shards hold whole scan points (root attribute `shard_unit`).
fn read_shard_unit(r: &Reader, root: &HashMap<String, AttrValue>) -> Result<bool> {
    match root.get(layout::ATTR_SHARD_UNIT).map(AttrValue::as_str) {
        None => Ok(false),
        Some(Some(layout::SHARD_UNIT_SCAN_POINT)) => Ok(true),
        Some(other) => Err(OutputError::layout(
            r.path,
            format!(
                "root attribute {} = {other:?} is not {:?}",
                layout::ATTR_SHARD_UNIT,
                layout::SHARD_UNIT_SCAN_POINT
            ),
        )),
    }
}

fn read_derived(r: &Reader, root: &HashMap<String, AttrValue>) -> Result<Vec<DerivedDataset>> {
    let mut out = Vec::new();
    for path in strings_attr(root, layout::ATTR_DERIVED) {
        let attrs = r.attrs_of_dataset(&path)?;
        let mut f64_attrs = Vec::new();
        let mut text_attrs = Vec::new();
        for (key, value) in &attrs {
            if key == "unit" || key == "description" {
                continue;
            }
            if let Some(v) = value.as_f64() {
                f64_attrs.push((key.clone(), v));
            } else if let Some(v) = value.as_str() {
                text_attrs.push((key.clone(), v.to_string()));
            }
        }
        // Attribute listings come back in no fixed order.
        f64_attrs.sort_by(|a, b| a.0.cmp(&b.0));
        text_attrs.sort();
        out.push(DerivedDataset {
            unit: decode::text_attr(r, &attrs, "unit")?,
            description: decode::text_attr(r, &attrs, "description")?,
            shape: r.shape(&path)?.iter().map(|&d| d as usize).collect(),
            values: r.f64s(&path)?,
            path,
            f64_attrs,
            text_attrs,
        });
    }
    Ok(out)
}

impl OutputFile {
    /// `/probability` in the file's own shape `[scan..., nE, nX, nI, 2N]`.
    pub fn probability_nd(&self) -> ArrayD<f64> {
        let mut shape = self.header.grid_shape();
        let (_, nx, ni, nf) = self.probability.dim();
        shape.extend([nx, ni, nf]);
        self.probability
            .clone()
            .into_shape_with_order(IxDyn(&shape))
            .unwrap_or_else(|e| unreachable!("the grid flattens to the first axis: {e}"))
    }

    /// The extra dataset at `path` (`[grid, slab...]`, grid flattened), if the file has it.
    pub fn extra(&self, path: &str) -> Option<&ArrayD<f64>> {
        let k = self.header.extras.iter().position(|x| x.path == path)?;
        self.extras.get(k)
    }

    /// The derived dataset at `path`, if the file has it.
    pub fn derived(&self, path: &str) -> Option<&DerivedDataset> {
        self.derived.iter().find(|d| d.path == path)
    }

    fn insert(&mut self, e: EnergyResult) -> Result<()> {
        e.validate(&self.header, &self.path)
            .map_err(|err| OutputError::layout(&self.path, err.to_string()))?;
        let i = e.grid_index;
        let (_, nx, ni, nf) = self.probability.dim();
        let slab = (nx, ni, nf);
        let p = Array3::from_shape_vec(slab, e.probability).map_err(|err| self.shape_error(err))?;
        self.probability
            .index_axis_mut(ndarray::Axis(0), i)
            .assign(&p);
        if let (Some(all), Some(a)) = (self.amplitude.as_mut(), e.amplitude) {
            let a = Array3::from_shape_vec(slab, a)
                .map_err(|err| OutputError::layout(&self.path, err.to_string()))?;
            all.index_axis_mut(ndarray::Axis(0), i).assign(&a);
        }
        if let (Some(x), Some(p)) = (e.step_x_km, e.step_probability) {
            let probability = Array3::from_shape_vec((x.len(), ni, nf), p)
                .map_err(|err| self.shape_error(err))?;
            self.step_records[i] = Some(StepRecord {
                x_km: x,
                probability,
            });
        }
        for (all, values) in self.extras.iter_mut().zip(e.extras) {
            let slab_shape = all.shape()[1..].to_vec();
            let slab = ArrayD::from_shape_vec(IxDyn(&slab_shape), values)
                .map_err(|err| OutputError::layout(&self.path, err.to_string()))?;
            all.index_axis_mut(ndarray::Axis(0), i).assign(&slab);
        }
        self.energy_done[i] = 1;
        self.steps[i] = e.steps;
        self.rejected[i] = e.rejected;
        self.unitarity_error[i] = e.unitarity_error;
        Ok(())
    }

    fn shape_error(&self, err: ndarray::ShapeError) -> OutputError {
        OutputError::layout(&self.path, err.to_string())
    }

    /// The finished energies as [`EnergyResult`]s, in energy order: what a resumed run
    /// starts from, or what [`super::write_final`] needs to turn a partial file into a
    /// final one.
    pub fn finished_results(&self) -> Vec<EnergyResult> {
        let axis = ndarray::Axis(0);
        (0..self.header.n_grid())
            .filter(|&i| self.energy_done[i] == 1)
            .map(|i| {
                let step = self.step_records.get(i).and_then(Option::as_ref);
                EnergyResult {
                    grid_index: i,
                    probability: self
                        .probability
                        .index_axis(axis, i)
                        .iter()
                        .copied()
                        .collect(),
                    amplitude: self
                        .amplitude
                        .as_ref()
                        .map(|a| a.index_axis(axis, i).iter().copied().collect()),
                    steps: self.steps[i],
                    rejected: self.rejected[i],
                    unitarity_error: self.unitarity_error[i],
                    step_x_km: step.map(|s| s.x_km.clone()),
                    step_probability: step.map(|s| s.probability.iter().copied().collect()),
                    extras: self
                        .extras
                        .iter()
                        .map(|x| x.index_axis(axis, i).iter().copied().collect())
                        .collect(),
                }
            })
            .collect()
    }
}
