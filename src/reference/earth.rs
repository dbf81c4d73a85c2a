//! The atmospheric set-up of the Earth tests, benches and BENCHMARKS.md: 3ν Dirac, NuFIT 5.2
//! NO, ν_μ, log-spaced energies from 1 to 100 GeV, through Earth chords (zenith grids from a
//! production height of 15 km) or a constant 1300 km slab (ρ = 2.8 g/cm³, Y_e = 0.5).
//!
//! ```
//! use nuspin::reference::earth;
//!
//! let grid = earth::zenith_grid("prem4", 20, 10).unwrap();
//! assert_eq!((grid.energies_mev.len(), grid.n_scan_points()), (20, 10));
//! ```

use std::path::Path;

use crate::scenario::{parse, Scenario, ScenarioError};

/// The `[medium]` body of the constant 1300 km slab (its `[track]` is [`SLAB_TRACK`]).
pub const SLAB_MEDIUM: &str = "kind = \"constant\"\nrho_g_cm3 = 2.8\nye = 0.5";

/// The `[track]` table of the 1300 km slab.
pub const SLAB_TRACK: &str = "[track]\nstart_km = 0.0\nend_km = 1300.0\n";

/// A scenario text named `name`: the atmospheric neutrino and mixing, `energies` log-spaced
/// energies in 1–100 GeV, `medium` as the body of `[medium]`, then `rest` (more tables).
pub fn atmospheric_toml(name: &str, medium: &str, energies: usize, rest: &str) -> String {
    format!(
        "name = \"{name}\"\n[neutrino]\nflavours = 3\nnature = \"dirac\"\ninitial = [\"nu_mu\"]\n\
         [mixing]\npreset = \"nufit-5.2-no\"\n[energy]\nscale = \"log\"\nmin_mev = 1000.0\n\
         max_mev = 100000.0\npoints = {energies}\n[medium]\n{medium}\n{rest}"
    )
}

/// [`atmospheric_toml`] validated as the file `<name>.toml`.
pub fn atmospheric(
    name: &str,
    medium: &str,
    energies: usize,
    rest: &str,
) -> Result<Scenario, ScenarioError> {
    let file = format!("{name}.toml");
    parse(
        Path::new(&file),
        &atmospheric_toml(name, medium, energies, rest),
    )
}

/// `energies` × `zeniths` grid on the Earth model `model` ("prem4", "prem", ...), produced
/// 15 km up, cos θ_z from −1 to −0.01 (a `[scan]` of `medium.cos_zenith`).
pub fn zenith_grid(
    model: &str,
    energies: usize,
    zeniths: usize,
) -> Result<Scenario, ScenarioError> {
    atmospheric(
        "atmospheric",
        &format!("kind = \"earth\"\nmodel = \"{model}\"\nproduction_height_km = 15.0"),
        energies,
        &format!(
            "[scan]\n\"medium.cos_zenith\" = {{ min = -1.0, max = -0.01, points = {zeniths} }}\n"
        ),
    )
}

/// `energies` through the constant 1300 km slab.
pub fn slab(energies: usize) -> Result<Scenario, ScenarioError> {
    atmospheric("slab", SLAB_MEDIUM, energies, SLAB_TRACK)
}

/// The cases timed by `benches/earth.rs` and `examples/earth_timing.rs` (label, scenario):
/// 200 energies × 100 zeniths on prem4 and on the 200 PREM shells, and 10 000 energies
/// through the slab.
pub fn timing_cases() -> Vec<(&'static str, Scenario)> {
    let valid = "the reference scenarios are valid";
    vec![
        (
            "prem4 200E x 100cz",
            zenith_grid("prem4", 200, 100).expect(valid),
        ),
        (
            "prem 200E x 100cz",
            zenith_grid("prem", 200, 100).expect(valid),
        ),
        ("constant 1300 km 10000E", slab(10_000).expect(valid)),
    ]
}
