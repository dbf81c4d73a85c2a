//! What the writer is given: the [`RunHeader`] known before the run, the [`EnergyResult`]
//! of each finished energy, and the checks that they agree with each other.

use std::collections::HashSet;
use std::path::Path;

use num_complex::Complex64;

use super::error::{OutputError, Result};

/// Everything known before the run starts; written once, at the top of the file.
///
/// A run computes one result per *grid point*: a (scan point, energy) pair, flattened in C
/// order with the energy fastest (`grid_index = scan_index * nE + energy_index`). Without a
/// scan the grid index is the energy index.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunHeader {
    /// Version of nuspin writing the file.
    pub nuspin_version: String,
    /// The scenario's `name`.
    pub scenario_name: String,
    /// Full text of the scenario file.
    pub scenario_toml: String,
    /// Absolute path of the scenario file when the run started (root attribute
    /// `scenario_file`; empty if unknown): `nuspin merge` re-reads `scenario_toml` as if it
    /// were there, so relative table paths resolve as they did in the run.
    pub scenario_file: String,
    /// When the run started, ISO 8601 UTC (see [`super::now_utc_iso8601`]).
    pub created_utc: String,
    /// The command line.
    pub command: String,
    /// Energy grid `[nE]`, MeV.
    pub energy_mev: Vec<f64>,
    /// Record positions `[nX]`, km. For `all_steps` only the end point.
    pub x_km: Vec<f64>,
    /// Labels of the initial states `[nI]`.
    pub initial_states: Vec<String>,
    /// Labels of all 2N basis states, in basis order.
    pub final_states: Vec<String>,
    /// Integration method name.
    pub solver_method: String,
    /// Relative tolerance.
    pub rtol: f64,
    /// Absolute tolerance.
    pub atol: f64,
    /// Whether `/amplitude` is written.
    pub amplitudes: bool,
    /// `record = "all-steps"`: each energy also carries its step positions and probabilities.
    pub all_steps: bool,
    /// The sampled medium for `/medium`, if any.
    pub medium_samples: Option<MediumSamples>,
    /// Per-grid-point datasets beyond `/probability` (observables, detector quantities), in
    /// the order [`EnergyResult::extras`] holds them.
    pub extras: Vec<ExtraSpec>,
    /// Scan axes (leading dimensions before the energy axis), outermost first; empty
    /// without a scan.
    pub scan: Vec<ScanAxis>,
    /// `Some((k, n))` when this file holds shard k of n (1-based) of the grid.
    pub shard: Option<(usize, usize)>,
    /// A shard holds whole scan points, not single grid points: the run solves all energies
    /// of a scan point as one state (a `[collective]` run). Set from the plan; stored (root
    /// attribute `shard_unit = "scan point"`) only in shard files, where it decides which
    /// grid points the file holds, so other files read back `false`.
    pub shard_by_scan_point: bool,
}

/// A per-grid-point f64 dataset declared before the run: each result carries a slab of
/// `shape`, and the final file holds `/<path>` of shape `[scan..., nE, shape...]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtraSpec {
    /// `name` or `group/name` (one group level), not clashing with the fixed layout.
    pub path: String,
    /// Value of the `unit` attribute.
    pub unit: String,
    /// Value of the `description` attribute; say what each axis is.
    pub description: String,
    /// Shape of one grid point's slab (may be empty for a scalar per grid point).
    pub shape: Vec<usize>,
}

impl ExtraSpec {
    /// Elements of one grid point's slab.
    pub fn slab_len(&self) -> usize {
        self.shape.iter().product()
    }
}

/// One scanned scenario field: a leading axis of every per-grid-point dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanAxis {
    /// The scenario field, dotted (`moments.magnetic_mu_b.e_mu`); its unit is in its name.
    pub field: String,
    /// The values it takes, in axis order.
    pub values: Vec<f64>,
}

/// A dataset computed from the whole run at the end (e.g. a recoil spectrum folded over all
/// energies), written only into the final file.
#[derive(Debug, Clone, PartialEq)]
pub struct DerivedDataset {
    /// `name` or `group/name` (one group level), not clashing with the fixed layout.
    pub path: String,
    /// Value of the `unit` attribute.
    pub unit: String,
    /// Value of the `description` attribute.
    pub description: String,
    /// Shape of `values` (C order).
    pub shape: Vec<usize>,
    /// The data.
    pub values: Vec<f64>,
    /// Extra numeric attributes of the dataset (e.g. an asymmetry, a threshold).
    pub f64_attrs: Vec<(String, f64)>,
    /// Extra text attributes of the dataset (e.g. a warning).
    pub text_attrs: Vec<(String, String)>,
}

/// The medium sampled along the path: `/medium/x_km` and one `/medium/<quantity>` each.
#[derive(Debug, Clone, PartialEq)]
pub struct MediumSamples {
    /// Sample positions `[nS]`, km.
    pub x_km: Vec<f64>,
    /// `(name, unit, values)` with `values` of length nS, e.g. `("ne_cm3", "cm^-3", ..)`.
    pub quantities: Vec<(String, String, Vec<f64>)>,
}

impl From<&crate::medium::MediumSamples> for MediumSamples {
    /// One `/medium/<quantity>` per scenario.md quantity, with its unit.
    fn from(s: &crate::medium::MediumSamples) -> Self {
        use crate::medium::{QUANTITY_NAMES, QUANTITY_UNITS};
        let quantities = QUANTITY_NAMES
            .iter()
            .zip(QUANTITY_UNITS)
            .enumerate()
            .map(|(k, (name, unit))| {
                let values = s.values.iter().map(|v| v[k]).collect();
                (name.to_string(), unit.to_string(), values)
            })
            .collect();
        MediumSamples {
            x_km: s.x_km.clone(),
            quantities,
        }
    }
}

/// The result of one finished grid point (one energy, at one scan point).
#[derive(Debug, Clone, PartialEq)]
pub struct EnergyResult {
    /// Flat index into the `[scan..., nE]` grid (the energy index without a scan).
    pub grid_index: usize,
    /// P(i → j) `[nX, nI, 2N]`, C order.
    pub probability: Vec<f64>,
    /// Amplitudes, same shape; present exactly when [`RunHeader::amplitudes`].
    pub amplitude: Option<Vec<Complex64>>,
    /// Accepted steps.
    pub steps: u64,
    /// Rejected steps.
    pub rejected: u64,
    /// Largest absolute entry of S†S − 1.
    pub unitarity_error: f64,
    /// All-steps: positions of the steps `[nS]`.
    pub step_x_km: Option<Vec<f64>>,
    /// All-steps: probabilities after each step `[nS, nI, 2N]`, C order.
    pub step_probability: Option<Vec<f64>>,
    /// One slab per [`RunHeader::extras`] entry, in that order.
    pub extras: Vec<Vec<f64>>,
}

impl RunHeader {
    /// Number of energies nE.
    pub fn n_energies(&self) -> usize {
        self.energy_mev.len()
    }

    /// Shape of the scan: the length of each scan axis (empty without a scan).
    pub fn scan_shape(&self) -> Vec<usize> {
        self.scan.iter().map(|a| a.values.len()).collect()
    }

    /// Number of scan points (1 without a scan).
    pub fn n_scan_points(&self) -> usize {
        self.scan.iter().map(|a| a.values.len()).product()
    }

    /// Number of grid points: scan points × energies.
    pub fn n_grid(&self) -> usize {
        self.n_scan_points() * self.n_energies()
    }

    /// `[scan..., nE]`: the leading shape of every per-grid-point dataset.
    pub fn grid_shape(&self) -> Vec<usize> {
        let mut shape = self.scan_shape();
        shape.push(self.n_energies());
        shape
    }

    /// Whether grid point `grid_index` belongs to this file's shard (all do without one).
    /// Shard k of n takes every n-th unit of work starting at k − 1, so each shard gets a
    /// share of cheap and expensive energies. The unit is a grid point, or a whole scan point
    /// (`grid_index / nE`) with [`RunHeader::shard_by_scan_point`].
    pub fn in_shard(&self, grid_index: usize) -> bool {
        let unit = if self.shard_by_scan_point {
            grid_index / self.n_energies().max(1)
        } else {
            grid_index
        };
        self.shard.is_none_or(|(k, n)| unit % n == k - 1)
    }

    /// How many grid points this file's shard holds (all of them without a shard).
    pub fn grid_points_in_shard(&self) -> usize {
        (0..self.n_grid()).filter(|&g| self.in_shard(g)).count()
    }

    /// [`RunHeader::shard_by_scan_point`] as a file stores it: only with a shard.
    pub fn stored_shard_unit(&self) -> bool {
        self.shard.is_some() && self.shard_by_scan_point
    }

    /// Elements of one energy's `[nX, nI, 2N]` slab.
    pub fn slab_len(&self) -> usize {
        self.x_km.len() * self.state_pairs()
    }

    /// nI × 2N, the elements recorded per position.
    pub fn state_pairs(&self) -> usize {
        self.initial_states.len() * self.final_states.len()
    }

    /// Value of the `record` root attribute.
    pub(crate) fn record_attr(&self) -> &'static str {
        if self.all_steps {
            super::layout::RECORD_ALL_STEPS
        } else {
            super::layout::RECORD_POINTS
        }
    }

    /// Checks the header is self-consistent before anything is written to `path`.
    pub(crate) fn validate(&self, path: &Path) -> Result<()> {
        let bad = |what: String| Err(OutputError::mismatch(path, what));
        if self.energy_mev.is_empty() {
            return bad("the energy grid is empty".into());
        }
        if self.x_km.is_empty() || self.initial_states.is_empty() || self.final_states.is_empty() {
            return bad("x_km, initial_states and final_states must not be empty".into());
        }
        if let Some(m) = &self.medium_samples {
            let mut seen = HashSet::new();
            for (name, _, values) in &m.quantities {
                if values.len() != m.x_km.len() {
                    return bad(format!(
                        "medium quantity {name:?} has {} samples, medium x_km has {}",
                        values.len(),
                        m.x_km.len()
                    ));
                }
                let valid = !name.is_empty()
                    && name != "x_km"
                    && name != "."
                    && !name.contains('/')
                    && seen.insert(name.as_str());
                if !valid {
                    return bad(format!("medium quantity name {name:?} is empty, reserved, repeated or contains '/'"));
                }
            }
        }
        let mut paths = HashSet::new();
        for extra in &self.extras {
            check_added_path(&extra.path).or_else(bad)?;
            if !paths.insert(extra.path.as_str()) {
                return bad(format!("extra dataset /{} is declared twice", extra.path));
            }
        }
        for axis in &self.scan {
            if axis.values.is_empty() || axis.field.is_empty() || axis.field.contains('/') {
                return bad(format!(
                    "scan axis {:?} has no values or an invalid name",
                    axis.field
                ));
            }
        }
        if let Some((k, n)) = self.shard {
            if n == 0 || k == 0 || k > n {
                return bad(format!(
                    "shard {k}/{n} is not of the form K/N with 1 <= K <= N"
                ));
            }
        }
        Ok(())
    }
}

/// Groups and names of the fixed layout that added datasets must not use.
const RESERVED: [&str; 11] = [
    "energy_mev",
    "x_km",
    "initial_states",
    "final_states",
    "probability",
    "amplitude",
    "energy_done",
    "solver",
    "medium",
    "steps",
    "partial",
];

/// An added dataset's path: `name` or `group/name`, plain names, not in the fixed layout.
pub(crate) fn check_added_path(path: &str) -> std::result::Result<(), String> {
    let parts: Vec<&str> = path.split('/').collect();
    let plain = |p: &&str| !p.is_empty() && *p != "." && *p != "..";
    if parts.len() > 2 || !parts.iter().all(plain) {
        return Err(format!(
            "added dataset path {path:?} must be `name` or `group/name`"
        ));
    }
    if RESERVED.contains(&parts[0]) || parts[0] == super::layout::SCAN_GROUP {
        return Err(format!(
            "added dataset path {path:?} clashes with the fixed layout"
        ));
    }
    Ok(())
}

impl EnergyResult {
    /// Checks this result fits `header` (shapes, index, optional parts) before writing it.
    pub(crate) fn validate(&self, header: &RunHeader, path: &Path) -> Result<()> {
        let e = self.grid_index;
        let bad = |what: String| Err(OutputError::mismatch(path, format!("energy {e}: {what}")));
        if e >= header.n_grid() {
            return bad(format!(
                "grid index out of range (scan points x nE = {})",
                header.n_grid()
            ));
        }
        if !header.in_shard(e) {
            return bad("grid point is not in this file's shard".into());
        }
        let slab = header.slab_len();
        if self.probability.len() != slab {
            return bad(format!(
                "probability has {} values, expected nX*nI*2N = {slab}",
                self.probability.len()
            ));
        }
        match (&self.amplitude, header.amplitudes) {
            (Some(a), true) if a.len() != slab => {
                return bad(format!("amplitude has {} values, expected {slab}", a.len()));
            }
            (None, true) => return bad("amplitudes are on but none were given".into()),
            (Some(_), false) => return bad("amplitudes are off but some were given".into()),
            _ => {}
        }
        match (&self.step_x_km, &self.step_probability, header.all_steps) {
            (Some(x), Some(p), true) => {
                if p.len() != x.len() * header.state_pairs() {
                    return bad(format!(
                        "step_probability has {} values, expected nS*nI*2N = {}",
                        p.len(),
                        x.len() * header.state_pairs()
                    ));
                }
            }
            (None, None, false) => {}
            (_, _, true) => {
                return bad("record = all-steps needs step_x_km and step_probability".into())
            }
            (_, _, false) => return bad("step data given but record is not all-steps".into()),
        }
        if self.extras.len() != header.extras.len() {
            return bad(format!(
                "{} extra slabs given, the header declares {}",
                self.extras.len(),
                header.extras.len()
            ));
        }
        for (values, spec) in self.extras.iter().zip(&header.extras) {
            if values.len() != spec.slab_len() {
                return bad(format!(
                    "/{} has {} values, expected {:?} = {}",
                    spec.path,
                    values.len(),
                    spec.shape,
                    spec.slab_len()
                ));
            }
        }
        Ok(())
    }
}
