//! output.md as data: the name, unit and description of every item of the file.
//!
//! The writers loop over these entries and the reader looks items up by the same names, so
//! the layout contract lives in one place. Names are fixed by output.md; the items marked
//! "nuspin addition" are extra and allowed by it.

/// One dataset of the file: where it lives, its `unit` attribute and its `description`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    /// Path inside the file, without the leading `/`.
    pub path: &'static str,
    /// Value of the `unit` attribute (`"1"` for dimensionless).
    pub unit: &'static str,
    /// Value of the `description` attribute.
    pub description: &'static str,
}

const fn item(path: &'static str, unit: &'static str, description: &'static str) -> Item {
    Item {
        path,
        unit,
        description,
    }
}

/// Root attribute: the nuspin version that wrote the file.
pub const ATTR_VERSION: &str = "nuspin_version";
/// Root attribute: the scenario's `name`.
pub const ATTR_SCENARIO_NAME: &str = "scenario_name";
/// Root attribute: the full scenario TOML text.
pub const ATTR_SCENARIO_TOML: &str = "scenario_toml";
/// Root attribute: when the run started, ISO 8601 UTC.
pub const ATTR_CREATED_UTC: &str = "created_utc";
/// Root attribute: the command line.
pub const ATTR_COMMAND: &str = "command";
/// Root attribute: 1 when every energy finished, else 0.
pub const ATTR_COMPLETE: &str = "complete";
/// Root attribute (nuspin addition): `"all-steps"` or `"points"`, how positions were recorded.
pub const ATTR_RECORD: &str = "record";
/// Value of [`ATTR_RECORD`] for `record = "all-steps"`.
pub const RECORD_ALL_STEPS: &str = "all-steps";
/// Value of [`ATTR_RECORD`] for every other record mode (end point, uniform points, values).
pub const RECORD_POINTS: &str = "points";

/// Group holding the solver attributes and statistics.
pub const SOLVER_GROUP: &str = "solver";
/// `/solver` attribute: integration method.
pub const ATTR_METHOD: &str = "method";
/// `/solver` attribute: relative tolerance.
pub const ATTR_RTOL: &str = "rtol";
/// `/solver` attribute: absolute tolerance.
pub const ATTR_ATOL: &str = "atol";
/// Group of the medium samples.
pub const MEDIUM_GROUP: &str = "medium";
/// Group of the per-energy step records (`record = "all-steps"`).
pub const STEPS_GROUP: &str = "steps";
/// Group of the appended datasets of a `.partial` file.
pub const PARTIAL_GROUP: &str = "partial";
/// Group of the scan axes: one dataset per scanned field, named by the field.
pub const SCAN_GROUP: &str = "scan";
/// `/scan` attribute: the scanned fields, outermost axis first.
pub const ATTR_SCAN_FIELDS: &str = "fields";
/// Description of every `/scan/<field>` dataset.
pub const SCAN_AXIS_DESCRIPTION: &str = "values of this scenario field along its scan axis";
/// Root attribute (nuspin addition): the per-grid-point datasets beyond /probability.
pub const ATTR_EXTRAS: &str = "extra_datasets";
/// Root attribute (nuspin addition): the whole-run datasets computed at the end.
pub const ATTR_DERIVED: &str = "derived_datasets";
/// Root attribute (nuspin addition): absolute path of the scenario file of the run.
pub const ATTR_SCENARIO_FILE: &str = "scenario_file";
/// Root attribute (nuspin addition): `"K/N"` when the file is shard K of N.
pub const ATTR_SHARD: &str = "shard";
/// Root attribute (nuspin addition) of a shard file whose shards hold whole scan points (a
/// coupled run): [`SHARD_UNIT_SCAN_POINT`]. Absent: the shards hold grid points.
pub const ATTR_SHARD_UNIT: &str = "shard_unit";
/// The value of [`ATTR_SHARD_UNIT`].
pub const SHARD_UNIT_SCAN_POINT: &str = "scan point";
/// Attribute of an appended extra dataset of a `.partial` file: its per-grid-point shape.
pub const ATTR_SLAB_SHAPE: &str = "slab_shape";

/// `/energy_mev`.
pub const ENERGY_MEV: Item = item("energy_mev", "MeV", "neutrino energy grid");
/// `/x_km`.
pub const X_KM: Item = item(
    "x_km",
    "km",
    "positions along the path where the state was recorded",
);
/// `/initial_states`.
pub const INITIAL_STATES: Item = item(
    "initial_states",
    "1",
    "labels of the initial states (scenario.md labels)",
);
/// `/final_states`.
pub const FINAL_STATES: Item = item(
    "final_states",
    "1",
    "labels of all 2N basis states, in basis order",
);
/// `/probability`.
pub const PROBABILITY: Item = item(
    "probability",
    "1",
    "P(initial i -> final j) at energy e and position x, indexed [e, x, i, j]; NaN where energy_done = 0",
);
/// `/amplitude`.
pub const AMPLITUDE: Item = item(
    "amplitude",
    "1",
    "amplitude <j|S|i> at energy e and position x, indexed [e, x, i, j]; compound {r, i} (h5py complex128)",
);
/// `/energy_done`.
pub const ENERGY_DONE: Item = item(
    "energy_done",
    "1",
    "1 where that energy's result is final, 0 where it did not finish",
);
/// `/solver/steps`.
pub const SOLVER_STEPS: Item = item("solver/steps", "1", "accepted steps per energy");
/// `/solver/rejected`.
pub const SOLVER_REJECTED: Item = item("solver/rejected", "1", "rejected steps per energy");
/// `/solver/unitarity_error`.
pub const SOLVER_UNITARITY: Item = item(
    "solver/unitarity_error",
    "1",
    "largest absolute entry of S^dagger S - 1 over the recorded positions, per energy",
);
/// `/medium/x_km`.
pub const MEDIUM_X_KM: Item = item(
    "medium/x_km",
    "km",
    "positions where the medium was sampled (provenance and plots)",
);
/// Description of every `/medium/<quantity>` dataset (its unit comes from the sampler).
pub const MEDIUM_QUANTITY_DESCRIPTION: &str = "medium quantity (scenario.md name) at /medium/x_km";
/// Unit and description of `/steps/<iE>/x_km`.
pub const STEP_X_KM: Item = item(
    "x_km",
    "km",
    "positions of the accepted steps at this energy (record = all-steps)",
);
/// Unit and description of `/steps/<iE>/probability`.
pub const STEP_PROBABILITY: Item = item(
    "probability",
    "1",
    "P(initial i -> final j) after each accepted step, indexed [step, i, j]",
);

/// `/partial/energy_index`: the commit record of a partial file, appended last per energy.
pub const PARTIAL_ENERGY_INDEX: Item = item(
    "partial/energy_index",
    "1",
    "flat index into the [scan..., nE] grid (the /energy_mev index without a scan) of each finished grid point, in the order they finished",
);
/// `/partial/probability`.
pub const PARTIAL_PROBABILITY: Item = item(
    "partial/probability",
    "1",
    "per finished energy its [nX, nI, 2N] probability slab, flattened in C order",
);
/// `/partial/amplitude`.
pub const PARTIAL_AMPLITUDE: Item = item(
    "partial/amplitude",
    "1",
    "per finished energy its [nX, nI, 2N] amplitude slab, flattened in C order; compound {r, i}",
);
/// `/partial/steps`.
pub const PARTIAL_STEPS: Item = item("partial/steps", "1", "accepted steps per finished energy");
/// `/partial/rejected`.
pub const PARTIAL_REJECTED: Item = item(
    "partial/rejected",
    "1",
    "rejected steps per finished energy",
);
/// `/partial/unitarity_error`.
pub const PARTIAL_UNITARITY: Item = item(
    "partial/unitarity_error",
    "1",
    "largest absolute entry of S^dagger S - 1 per finished energy",
);
/// `/partial/step_count` (all-steps only).
pub const PARTIAL_STEP_COUNT: Item = item(
    "partial/step_count",
    "1",
    "number of recorded steps nS of each finished energy (record = all-steps)",
);
/// `/partial/step_x_km` (all-steps only).
pub const PARTIAL_STEP_X_KM: Item = item(
    "partial/step_x_km",
    "km",
    "step positions of each finished energy, concatenated (record = all-steps)",
);
/// `/partial/step_probability` (all-steps only).
pub const PARTIAL_STEP_PROBABILITY: Item = item(
    "partial/step_probability",
    "1",
    "per finished energy its [nS, nI, 2N] step probabilities, flattened and concatenated",
);

/// Every dataset of a final file that is always present (amplitude, medium and steps are
/// conditional), for checks that walk the whole layout.
pub const FINAL_ALWAYS: [Item; 9] = [
    ENERGY_MEV,
    X_KM,
    INITIAL_STATES,
    FINAL_STATES,
    PROBABILITY,
    ENERGY_DONE,
    SOLVER_STEPS,
    SOLVER_REJECTED,
    SOLVER_UNITARITY,
];

/// Where the per-grid-point extra dataset `/<path>` is appended in a `.partial` file:
/// `/partial/extra__<path with / as __>`, rank 1, one slab per finished grid point.
pub fn partial_extra_path(path: &str) -> String {
    format!("{PARTIAL_GROUP}/extra__{}", path.replace('/', "__"))
}

/// Name of the group of energy `grid_index` under `/steps`.
pub fn step_group_name(grid_index: usize) -> String {
    grid_index.to_string()
}
