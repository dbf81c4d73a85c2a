//! The fields of `[medium]` for each kind (everything but `kind`), as strict serde structs with
//! the defaults of docs/physics.md ("Built-in media") and scenario.md. Numbers may be written as
//! integers or floats. Validation and model building live in [`super::config`].

use serde::Deserialize;

/// Default density ratio across a forward shock.
pub const DEFAULT_SHOCK_JUMP: f64 = 10.0;
/// Default density ratio across a reverse shock (the matter behind it is rarefied).
pub const DEFAULT_REVERSE_SHOCK_JUMP: f64 = 0.5;

/// `kind = "constant"`: scenario.md's quantities as scalars. Give the matter as `rho_g_cm3`
/// (with `ye`, default 0.5) or as `ne_cm3`/`nn_cm3`, not both; anything missing is zero.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConstantParams {
    /// Rest-frame mass density, g/cm³.
    pub rho_g_cm3: Option<f64>,
    /// Electron fraction (default 0.5 when `rho_g_cm3` is given).
    pub ye: Option<f64>,
    /// Rest-frame electron density, cm⁻³.
    pub ne_cm3: Option<f64>,
    /// Rest-frame neutron density, cm⁻³.
    pub nn_cm3: Option<f64>,
    /// Field along the path, G.
    pub b_par_gauss: Option<f64>,
    /// Transverse field magnitude, G.
    pub b_perp_gauss: Option<f64>,
    /// Transverse field azimuth, rad.
    pub b_phi_rad: Option<f64>,
    /// Matter velocity along the path, c.
    pub v_par: Option<f64>,
    /// Transverse matter speed, c.
    pub v_perp: Option<f64>,
    /// Transverse velocity azimuth, rad.
    pub v_phi_rad: Option<f64>,
    /// Electron polarization along the path.
    pub pol_par: Option<f64>,
    /// Transverse electron polarization.
    pub pol_perp: Option<f64>,
    /// Transverse polarization azimuth, rad.
    pub pol_phi_rad: Option<f64>,
}

/// `kind = "table"`: a CSV file (see [`super::table_parse`]).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableParams {
    /// Path of the CSV file, relative to the scenario file's folder. Required.
    pub file: String,
    /// `"linear"` (default) | `"log-linear"` | `"pchip"` | `"steps"`.
    #[serde(default = "default_interpolation")]
    pub interpolation: String,
}

fn default_interpolation() -> String {
    "linear".into()
}

/// `kind = "solar"`: the Sun of docs/physics.md ("Built-in media").
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SolarParams {
    /// `"bs05"` (default, the BS05(OP) tables) | `"b16-agss09"` | `"b16-gs98"` |
    /// `"exponential"`.
    #[serde(default = "default_solar_model")]
    pub model: String,
    /// Start radius in R_sun (default 0.05, the ⁸B production peak). Excludes
    /// `production_average`.
    pub production_radius_rsun: Option<f64>,
    /// Average P over the Gaussian production region (default false).
    #[serde(default)]
    pub production_average: bool,
    /// Number of start radii of that average (default 12; nuspin's addition), or of the
    /// `production` average (default 8).
    pub production_average_points: Option<usize>,
    /// Average over the model's own production zones of this source (`"pp"`, `"pep"`,
    /// `"hep"`, `"7Be"`, `"8B"`, `"13N"`, `"15O"`, `"17F"`); validated in
    /// the solar medium builder.
    pub production: Option<String>,
}

fn default_solar_model() -> String {
    "bs05".into()
}

/// `kind = "supernova"`: the envelope, shocks and field of docs/physics.md ("Built-in media").
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupernovaConfig {
    /// Envelope density ρ₀ at r₀, g/cm³ (default 1e4).
    #[serde(default = "d_rho0")]
    pub rho0_g_cm3: f64,
    /// Reference radius and start of the track, km (default 1e4).
    #[serde(default = "d_r0")]
    pub r0_km: f64,
    /// Power-law index k of ρ ∝ r^−k (default 3).
    #[serde(default = "d_index")]
    pub index: f64,
    /// Electron fraction (default 0.5).
    #[serde(default = "d_ye")]
    pub ye: f64,
    /// End of the track, km (default 1e6).
    #[serde(default = "d_r_max")]
    pub r_max_km: f64,
    /// Forward shock radius, km (default: no shock).
    pub shock_km: Option<f64>,
    /// Density ratio behind/ahead of the forward shock (default 10).
    pub shock_jump: Option<f64>,
    /// tanh width of the forward shock, km (default 0: sharp, a declared discontinuity).
    pub shock_width_km: Option<f64>,
    /// Reverse shock radius, km, < `shock_km` (default: none).
    pub reverse_shock_km: Option<f64>,
    /// Density factor behind the reverse shock (default 0.5).
    pub reverse_shock_jump: Option<f64>,
    /// tanh width of the reverse shock, km (default 0: sharp).
    pub reverse_shock_width_km: Option<f64>,
    /// Field B₀ at r₀, G (default 0).
    #[serde(default)]
    pub b0_gauss: f64,
    /// Field power-law index k_B (default 2).
    #[serde(default = "d_b_index")]
    pub b_index: f64,
    /// Angle between B and the (radial) path in degrees, [0, 180] (default: transverse).
    pub b_angle_deg: Option<f64>,
    /// Twist of the transverse field azimuth, rad/km (default 0).
    #[serde(default)]
    pub twist_rad_per_km: f64,
}

fn d_rho0() -> f64 {
    1e4
}
fn d_r0() -> f64 {
    1e4
}
fn d_index() -> f64 {
    3.0
}
fn d_ye() -> f64 {
    0.5
}
fn d_r_max() -> f64 {
    1e6
}
fn d_b_index() -> f64 {
    2.0
}

/// `kind = "rotating-star"`: rigid rotation and a dipole field, crossed on a straight line.
/// The defaults (nuspin's choice; physics.md fixes only the model) are a millisecond
/// proto-neutron star without a field, crossed through its centre along ŷ.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RotatingStarConfig {
    /// Angular velocity about ẑ, rad/s (default 1000).
    #[serde(default = "d_omega")]
    pub omega_rad_s: f64,
    /// Stellar radius R_*, km (default 12).
    #[serde(default = "d_radius")]
    pub radius_km: f64,
    /// Central density ρ_c, g/cm³ (default 1e14).
    #[serde(default = "d_rho_c")]
    pub rho_c_g_cm3: f64,
    /// Electron fraction (default 0.1).
    #[serde(default = "d_star_ye")]
    pub ye: f64,
    /// With n given: ρ = ρ_c inside and ρ_c (R_*/R)^n outside (default: the parabola
    /// ρ_c (1 − (R/R_*)²) inside and nothing outside).
    pub rho_index: Option<f64>,
    /// Polar field B_p, G (default 0).
    #[serde(default)]
    pub b_pole_gauss: f64,
    /// Angle of the magnetic axis from ẑ in the x–z plane, degrees (default 0).
    #[serde(default)]
    pub magnetic_tilt_deg: f64,
    /// Direction of the path, normalised (default [0, 1, 0]).
    #[serde(default = "d_direction")]
    pub direction: [f64; 3],
    /// Point of closest approach, ⟂ direction, km (default [0, 0, 0]).
    #[serde(default)]
    pub closest_point_km: [f64; 3],
}

fn d_omega() -> f64 {
    1000.0
}
fn d_radius() -> f64 {
    12.0
}
fn d_rho_c() -> f64 {
    1e14
}
fn d_star_ye() -> f64 {
    0.1
}
fn d_direction() -> [f64; 3] {
    [0.0, 1.0, 0.0]
}

/// `kind = "earth"`: an Earth model along a chord.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EarthParams {
    /// cos θ_z (default −1: through the centre): in [−1, 0) for the plain surface chord, in
    /// [−1, 1] with a detector depth or production height.
    #[serde(default = "d_cos_zenith")]
    pub cos_zenith: f64,
    /// `"prem"` (default, 200 shells), `"prem4"` (Prob3++'s 4 layers) or `"file"`.
    #[serde(default)]
    pub model: Option<String>,
    /// The shells file of `model = "file"` (relative to the scenario's folder).
    #[serde(default)]
    pub file: Option<String>,
    /// Detector depth below the surface, km (default 0).
    #[serde(default)]
    pub detector_depth_km: f64,
    /// Production height above the surface, km (default 0).
    #[serde(default)]
    pub production_height_km: f64,
}

fn d_cos_zenith() -> f64 {
    -1.0
}
