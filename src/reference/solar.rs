//! The exponential Sun of docs/physics.md ("Built-in media"): n_e = 245 N_A exp(−10.54 r/R_sun)
//! cm⁻³, Y_e = 0.7. The same medium twice: [`exp_sun`], an analytic medium with exact derivatives
//! (and an optional uniform, twisting transverse field) for integrator tests and benches; and
//! [`solar_exp`], the `solar-exp` scenario of BENCHMARKS.md, which runs the built-in
//! `model = "exponential"` through the whole pipeline.

use std::path::Path;

use super::analytic::{matter_point, FnMedium, MATTER, MATTER_B};
use crate::scenario::{parse, Scenario, ScenarioError};
use crate::units::{AVOGADRO, R_SUN_KM};

/// The exponential Sun with a uniform B⊥ = `b_gauss` whose azimuth twists at
/// `twist_rad_per_km` (φ = twist · r); r in km from the centre.
pub fn exp_sun(b_gauss: f64, twist_rad_per_km: f64) -> FnMedium {
    FnMedium {
        profile: Box::new(move |r, _| {
            let k = 10.54 / R_SUN_KM;
            let ne = 245.0 * AVOGADRO * (-k * r).exp();
            matter_point(
                ne,
                -k * ne,
                0.7,
                (b_gauss, 0.0),
                (twist_rad_per_km * r, twist_rad_per_km),
            )
        }),
        breaks: vec![],
        present: if b_gauss != 0.0 { MATTER_B } else { MATTER },
        piecewise: false,
    }
}

/// The text of the `solar-exp` scenario: 3ν Dirac, ν_e from 0.05 R_sun, no production
/// average, magnus rtol 1e-6, `points` log-spaced energies in 1–20 MeV.
pub fn solar_exp_toml(points: usize) -> String {
    format!(
        r#"name = "solar-exp"
[neutrino]
flavours = 3
nature = "dirac"
initial = ["nu_e"]
[mixing]
preset = "nufit-5.2-no"
[energy]
scale = "log"
min_mev = 1.0
max_mev = 20.0
points = {points}
[medium]
kind = "solar"
model = "exponential"
production_radius_rsun = 0.05
production_average = false
[solver]
method = "magnus"
rtol = 1e-6
[output]
file = "out/solar-exp.h5"
profile_samples = 0
"#
    )
}

/// The `solar-exp` scenario validated, as if read from `path` (relative output paths resolve
/// against its folder).
pub fn solar_exp(path: &Path, points: usize) -> Result<Scenario, ScenarioError> {
    parse(path, &solar_exp_toml(points))
}
