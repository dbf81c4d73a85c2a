//! What the writer is given: the [`RunHeader`] known before the run, the [`EnergyResult`]
//! of each finished energy, and the checks that they agree with each other.

use std::collections::HashSet;
use std::path::Path;

use num_complex::Complex64;

use super::error::{OutputError, Result};

/// Everything known before the run starts; written once, at the top of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct RunHeader {
    /// Version of nuspin writing the file.
    pub nuspin_version: String,
    /// The scenario's `name`.
    pub scenario_name: String,
    /// Full text of the scenario file.
    pub scenario_toml: String,
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

/// The result of one finished energy.
#[derive(Debug, Clone, PartialEq)]
pub struct EnergyResult {
    /// Index into [`RunHeader::energy_mev`].
    pub energy_index: usize,
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
}

impl RunHeader {
    /// Number of energies nE.
    pub fn n_energies(&self) -> usize {
        self.energy_mev.len()
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
        Ok(())
    }
}

impl EnergyResult {
    /// Checks this result fits `header` (shapes, index, optional parts) before writing it.
    pub(crate) fn validate(&self, header: &RunHeader, path: &Path) -> Result<()> {
        let e = self.energy_index;
        let bad = |what: String| Err(OutputError::mismatch(path, format!("energy {e}: {what}")));
        if e >= header.n_energies() {
            return bad(format!("index out of range (nE = {})", header.n_energies()));
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
        Ok(())
    }
}
