//! Integration tests that share one test binary: each `mod` below was its own
//! `tests/NAME.rs` (one binary each) and is unchanged apart from `use crate::common;` (or
//! `collective_common`, `evolve_common`).
//! Every integration-test binary links the whole of nuspin and its dependencies (≈ 60 MB
//! with the release profile's debug info), so 41 of them cost CI minutes of compile and
//! link time (BENCHMARKS.md, "CI time, stop 33"). Run one group with
//! `cargo test --release --test suite -- solar_site::`.
//!
//! Only tests that are safe to run side by side in one process live here: none installs a
//! global allocator, sends signals to the test process, asserts on its own wall time or
//! memory, or is named by a `cargo test --test NAME` command in the docs or `.ci/run`.
//! Those stay in files of their own under `tests/`.

#[path = "../collective_common/mod.rs"]
mod collective_common;
#[path = "../common/mod.rs"]
mod common;
#[path = "../evolve_common/mod.rs"]
mod evolve_common;

mod cli_moments;
mod cli_safety;
mod cli_scan;
mod closed_forms;
mod collective_accuracy;
mod collective_afm;
mod collective_invariants;
mod collective_method;
mod collective_moments;
mod collective_pendulum;
mod collective_projected;
mod collective_run;
mod decoherence;
mod decoupled_halves;
mod detector_datasets;
mod detector_pipeline;
mod earth_layers;
mod earth_zenith_scan;
mod evolve_accuracy;
mod evolve_degenerate;
mod evolve_long;
mod evolve_splitting;
mod kinked_tables;
mod mass_matrix;
mod nsi;
mod observables;
mod output_extras;
mod output_roundtrip;
mod properties;
mod readme_layout;
mod scenario_errors;
mod solar_day_night;
mod solar_day_night_cc;
mod solar_day_night_moments;
mod solar_day_night_nc;
mod solar_day_night_sno;
mod solar_exposure_sno;
mod solar_msw;
mod solar_production;
mod solar_site;
mod solve_starts;
mod step_counts;
mod tolerance_proportionality;
mod turbulence;
mod turbulence_field;
mod turbulence_tolerance;
