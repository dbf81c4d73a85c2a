//! [`EarthShells`]: the radial Earth models of `kind = "earth"` (`model = ...`), each a list of
//! concentric constant-density shells; and [`EarthGeometry`], where a chord starts and ends.
//!
//! - `"prem"` (default): the 200 shells of `profiles/prem_earth.dat` (PREM, Dziewonski &
//!   Anderson 1981; Y_e 0.4656 core, 0.4957 mantle).
//! - `"prem4"`: the 4 constant layers Prob3++ uses (outer radii 1220, 3480, 5701, 6371 km;
//!   13.0, 11.3, 5.0, 3.3 g/cm³), with Y_e = 0.5 in every layer (our choice, as Prob3++'s
//!   default; it is not PREM's composition).
//! - `"file"`: user shells, one `outer_radius_km density_g_cm3 y_e` row per shell from the
//!   centre out (whitespace or commas; `#` comments); the last outer radius is the Earth's.

use std::path::Path;

use super::MediumPoint;
use crate::units::{AVOGADRO, R_EARTH_KM};

const PREM: &str = include_str!("../../profiles/prem_earth.dat");

/// Concentric constant shells, innermost first.
#[derive(Debug, Clone, PartialEq)]
pub struct EarthShells {
    /// Outer radius of each shell, km, strictly increasing; the last is the Earth's radius.
    pub outer_km: Vec<f64>,
    /// The matter of each shell.
    pub points: Vec<MediumPoint>,
}

fn matter(rho_g_cm3: f64, ye: f64) -> MediumPoint {
    MediumPoint {
        ne_cm3: rho_g_cm3 * ye * AVOGADRO,
        nn_cm3: rho_g_cm3 * (1.0 - ye) * AVOGADRO,
        ..Default::default()
    }
}

/// The numeric columns of one data line, or `None` for blank and comment lines.
fn columns(line: &str) -> Option<Result<Vec<f64>, String>> {
    let line = line.split('#').next().unwrap_or("").trim();
    if line.is_empty() {
        return None;
    }
    Some(
        line.split(|c: char| c.is_whitespace() || c == ',')
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<f64>()
                    .map_err(|_| format!("'{s}' is not a number"))
            })
            .collect(),
    )
}

impl EarthShells {
    /// The 200 PREM shells of `profiles/prem_earth.dat` (rows r_i/R_⊕, ρ_i, Y_e,i: shell i
    /// spans [r_i, r_{i+1}) with row i's matter; the last row only closes the last shell).
    pub fn prem() -> Result<Self, String> {
        let mut rows = Vec::new();
        for (i, line) in PREM.lines().enumerate() {
            let Some(f) = columns(line) else { continue };
            let f = f.map_err(|e| format!("profiles/prem_earth.dat:{}: {e}", i + 1))?;
            match f.as_slice() {
                [r, rho, ye] => rows.push([*r, *rho, *ye]),
                _ => {
                    return Err(format!(
                        "profiles/prem_earth.dat:{}: expected 3 columns",
                        i + 1
                    ))
                }
            }
        }
        if rows.len() < 2 {
            return Err("profiles/prem_earth.dat: no shells".into());
        }
        Ok(EarthShells {
            outer_km: rows[1..].iter().map(|r| r[0] * R_EARTH_KM).collect(),
            points: rows[..rows.len() - 1]
                .iter()
                .map(|r| matter(r[1], r[2]))
                .collect(),
        })
    }

    /// Prob3++'s four layers (inner core, outer core, lower mantle, upper mantle + crust),
    /// Y_e = 0.5 throughout.
    pub fn prem4() -> Self {
        let layers = [(1220.0, 13.0), (3480.0, 11.3), (5701.0, 5.0), (6371.0, 3.3)];
        EarthShells {
            outer_km: layers.iter().map(|l| l.0).collect(),
            points: layers.iter().map(|l| matter(l.1, 0.5)).collect(),
        }
    }

    /// User shells from a text file (see the module docs). Errors name the file and line.
    pub fn from_file(path: &Path) -> Result<Self, String> {
        let shown = path.display();
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read Earth shells file '{shown}': {e}"))?;
        let mut shells = EarthShells {
            outer_km: Vec::new(),
            points: Vec::new(),
        };
        for (i, line) in text.lines().enumerate() {
            let at = |m: String| format!("Earth shells file '{shown}' line {}: {m}", i + 1);
            let Some(f) = columns(line) else { continue };
            let f = f.map_err(at)?;
            let [r, rho, ye] = f.as_slice() else {
                return Err(at(format!(
                    "expected 3 numbers (outer_radius_km density_g_cm3 y_e), got {}",
                    f.len()
                )));
            };
            let previous = shells.outer_km.last().copied().unwrap_or(0.0);
            if !(r.is_finite() && *r > previous) {
                return Err(at(format!(
                    "outer_radius_km must be finite and larger than the previous shell's ({previous}), got {r}"
                )));
            }
            if !(rho.is_finite() && *rho >= 0.0) {
                return Err(at(format!(
                    "density_g_cm3 must be finite and >= 0, got {rho}"
                )));
            }
            if !(0.0..=1.0).contains(ye) {
                return Err(at(format!("y_e must be in [0, 1], got {ye}")));
            }
            shells.outer_km.push(*r);
            shells.points.push(matter(*rho, *ye));
        }
        if shells.outer_km.is_empty() {
            return Err(format!(
                "Earth shells file '{shown}' has no shells (rows: outer_radius_km density_g_cm3 y_e)"
            ));
        }
        Ok(shells)
    }

    /// The Earth's radius: the last shell's outer radius, km.
    pub fn radius_km(&self) -> f64 {
        *self.outer_km.last().expect("at least one shell")
    }
}

/// Where the detector sits and where the neutrino starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EarthGeometry {
    /// cos θ_z at the detector: −1 up-going through the centre, 0 horizontal, +1 down-going.
    pub cos_zenith: f64,
    /// Depth of the detector below the surface, km (0: at the surface).
    pub detector_depth_km: f64,
    /// Height of the production point above the surface, km (0: the chord starts at the
    /// surface; atmospheric neutrinos are made ~15 km up). Above the surface is vacuum.
    pub production_height_km: f64,
}

impl EarthGeometry {
    /// A detector at the surface and a start on the surface: the plain chord.
    pub fn surface(cos_zenith: f64) -> Self {
        EarthGeometry {
            cos_zenith,
            detector_depth_km: 0.0,
            production_height_km: 0.0,
        }
    }

    /// The plain chord −2 R cos θ_z, which needs cos θ_z < 0.
    pub fn is_surface_chord(&self) -> bool {
        self.detector_depth_km == 0.0 && self.production_height_km == 0.0
    }
}
