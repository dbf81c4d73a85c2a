//! Scenario files (scenario.md): parse, validate fully before any work, and hand the run a
//! [`Scenario`] that cannot be invalid.
//!
//! - [`raw`]: the serde mirror of the file (strict: unknown fields are errors); the values
//!   that take more than one shape are typed in [`unions`], a feature table's numbers as
//!   [`number::Number`], its words as [`word::Word`]; each feature's own table type lives
//!   in its feature file (`decoherence`, `site`, `extensions`).
//! - [`validate`]: raw → [`Scenario`], every rule of scenario.md, errors naming file and field.
//! - [`grid`]: energy grids.
//! - [`limits`]: the limits of validity (ultra-relativistic, no overflow, no phase beyond
//!   double precision, tolerance ranges), checked at validation.
//! - [`scan`]: `[scan]`, one validated scenario per scan point.
//! - [`detector`]: `[detector]`, the recoil grid, flux and target of the detector datasets.
//! - [`collective`]: `[collective]`, the emission of a coupled neutrino–neutrino run.
//! - [`decoherence`]: `[arrival] wave_packet`, the wave-packet width.
//! - [`turbulence`]: `[turbulence]`, random fields on the medium and the realisation axis.
//! - [`error`]: the error type, [`ScenarioError`].

pub mod collective;
pub mod decoherence;
pub mod detector;
pub mod detector_deuteron;
pub mod detector_response;
pub mod error;
pub mod extensions;
pub mod grid;
pub mod limits;
pub mod number;
pub mod raw;
pub mod scan;
pub mod site;
pub mod source_map;
pub mod turbulence;
pub mod unions;
pub mod validate;
pub mod word;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use detector::DetectorSpec;
pub use error::ScenarioError;
pub use scan::{Scan, ScanAxis};
pub use validate::{load, parse, parse_str};

use crate::basis::Flavours;
use crate::evolve::{Record, SolverOptions};
use crate::hamiltonian::Model;
pub use crate::medium::EarthChord;
use crate::medium::Medium;

/// `[output]`.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputSpec {
    /// Relative to the working directory.
    pub file: PathBuf,
    pub amplitudes: bool,
    pub profile_samples: usize,
    /// `observables`: what is computed beyond `/probability` (which is always written).
    pub observables: ObservableSet,
}

/// `[output] observables = ["flavour", "mass", "earth", "averaged"]`: the datasets a run adds
/// (see [`crate::observables`]). `"flavour"` is `/probability`, always written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ObservableSet {
    /// Vacuum mass-state populations at every record point.
    pub mass: bool,
    /// Decoherent arrival at a distant detector, day and (with `[arrival] earth`) night.
    pub earth: bool,
    /// Probabilities averaged over the energy resolution `[arrival] energy_resolution`.
    pub averaged: bool,
}

/// A named night bin of `[arrival] site`: its cos θ_z range, its share of the year's
/// exposure, and the indices of its chords in [`ArrivalSpec::chords`].
#[derive(Debug, Clone, PartialEq)]
pub struct NightBin {
    pub name: String,
    pub cos_zenith: (f64, f64),
    /// Fraction of the year (all of it, day included) the Sun spends in this bin.
    pub exposure: f64,
    pub chords: Vec<usize>,
}

/// `[arrival]`: how the state leaving the track reaches a detector.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ArrivalSpec {
    /// The night chords (empty: `earth = "none"`, day only).
    pub chords: Vec<EarthChord>,
    /// σ_E/E of the Gaussian energy resolution (required by the `averaged` observable).
    pub energy_resolution: Option<f64>,
    /// `production`: start points (km) and weights summing to 1 over which every dataset is
    /// averaged (a Gaussian or a tabulated distribution of the start point).
    pub production: Option<Vec<(f64, f64)>>,
    /// `site`: the named night bins over the chords (empty without a site).
    pub night_bins: Vec<NightBin>,
    /// `wave_packet`: the wave-packet width that damps the interference terms at the end of
    /// the track (`/observables/decoherent_probability`); `None`: coherent.
    pub wave_packet: Option<decoherence::WavePacket>,
}

/// A validated scenario: everything a run needs, consistent by construction.
pub struct Scenario {
    /// The file it came from and its full text (stored in the output for provenance).
    pub path: PathBuf,
    pub text: String,
    pub name: String,
    pub description: Option<String>,
    pub model: Model,
    /// Basis indices of the initial states, in the order given.
    pub initial: Vec<usize>,
    /// All 2N state labels in basis order.
    pub labels: Vec<String>,
    pub energies_mev: Vec<f64>,
    pub medium_kind: String,
    pub medium: Arc<dyn Medium>,
    pub start_km: f64,
    pub end_km: f64,
    /// `[track] record`.
    pub record: Record,
    /// `[solver]`.
    pub solver: SolverOptions,
    pub output: OutputSpec,
    /// `[detector]`: the `/detector/...` datasets; `None` without the table.
    pub detector: Option<DetectorSpec>,
    /// `[arrival]` (defaults when absent).
    pub arrival: ArrivalSpec,
    /// `[scan]`: the axes and one scenario per scan point; `None` without a scan.
    pub scan: Option<Box<Scan>>,
    /// `[collective]`: all energies of a scan point evolve as one coupled state.
    pub collective: Option<collective::CollectiveSpec>,
}

impl Scenario {
    /// Number of flavours.
    pub fn flavours(&self) -> Flavours {
        self.model.flavours()
    }

    /// The scenario file's folder, against which table paths are resolved.
    pub fn base_dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    /// Number of scan points (1 without a scan).
    pub fn n_scan_points(&self) -> usize {
        self.scan.as_ref().map_or(1, |s| s.points.len())
    }

    /// Number of grid points: scan points × energies. Grid point `g` is energy
    /// `g % nE` of scan point `g / nE`.
    pub fn n_grid(&self) -> usize {
        self.n_scan_points() * self.energies_mev.len()
    }

    /// The scenario of scan point `s` (the scenario itself without a scan).
    pub fn scan_point(&self, s: usize) -> &Scenario {
        match &self.scan {
            Some(scan) => &scan.points[s],
            None => self,
        }
    }

    /// The scan axes (empty without a scan).
    pub fn scan_axes(&self) -> &[ScanAxis] {
        self.scan.as_ref().map_or(&[], |s| s.axes.as_slice())
    }

    /// The start points (km) and weights of a start-point average: `[arrival] production`,
    /// else the medium's own (the solar `production_average`); `None`: one start.
    pub fn averaged_starts_km(&self) -> Option<Vec<(f64, f64)>> {
        self.arrival
            .production
            .clone()
            .or_else(|| self.medium.averaged_starts_km())
    }

    /// Labels of the initial states.
    pub fn initial_labels(&self) -> Vec<String> {
        self.initial
            .iter()
            .map(|&i| self.labels[i].clone())
            .collect()
    }
}

impl std::fmt::Debug for Scenario {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scenario")
            .field("path", &self.path)
            .field("name", &self.name)
            .field("model", &self.model)
            .field("initial", &self.initial)
            .field("energies_mev", &self.energies_mev.len())
            .field("medium_kind", &self.medium_kind)
            .field("track_km", &(self.start_km, self.end_km))
            .field("record", &self.record)
            .field("solver", &self.solver)
            .field("output", &self.output)
            .field("scan_points", &self.n_scan_points())
            .finish()
    }
}
