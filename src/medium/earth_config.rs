//! `kind = "earth"` fields to an [`EarthMedium`]: the model, the detector depth, the
//! production height and the zenith angle, each checked (and named) before anything is built.

use std::path::Path;

use super::config::{check, MediumConfigError};
use super::earth_model::{EarthGeometry, EarthShells};
use super::params::EarthParams;
use super::EarthMedium;

/// The Earth models `model` accepts.
pub const EARTH_MODELS: [&str; 3] = ["prem", "prem4", "file"];

/// Builds the medium of `[medium] kind = "earth"`.
pub(super) fn build(e: EarthParams, base_dir: &Path) -> Result<EarthMedium, MediumConfigError> {
    let model = e.model.as_deref().unwrap_or("prem");
    let invalid = |field: &'static str, expected: &str, got: String| MediumConfigError::Invalid {
        field,
        expected: expected.to_string(),
        got,
    };
    if !EARTH_MODELS.contains(&model) {
        return Err(invalid(
            "model",
            "one of \"prem\" (200 shells), \"prem4\" (4 layers), \"file\"",
            format!("\"{model}\""),
        ));
    }
    match (model, &e.file) {
        ("file", None) => {
            return Err(MediumConfigError::Conflict(
                "model = \"file\" needs file = \"<shells file>\" (rows: outer_radius_km density_g_cm3 y_e)".into(),
            ))
        }
        (m, Some(_)) if m != "file" => {
            return Err(MediumConfigError::Conflict(format!(
                "file is only read with model = \"file\", not model = \"{m}\""
            )))
        }
        _ => {}
    }
    let height = check(
        "production_height_km",
        e.production_height_km,
        ">= 0",
        |v| v >= 0.0,
    )?;
    let depth = check("detector_depth_km", e.detector_depth_km, ">= 0", |v| {
        v >= 0.0
    })?;
    let shells = match model {
        "prem" => EarthShells::prem().map_err(MediumConfigError::Model)?,
        "prem4" => EarthShells::prem4(),
        _ => {
            let file = e.file.as_deref().unwrap_or_default();
            EarthShells::from_file(&base_dir.join(file)).map_err(MediumConfigError::Model)?
        }
    };
    let radius = shells.radius_km();
    if depth >= radius {
        return Err(invalid(
            "detector_depth_km",
            &format!("below the Earth's radius {radius} km"),
            depth.to_string(),
        ));
    }
    let geometry = EarthGeometry {
        cos_zenith: e.cos_zenith,
        detector_depth_km: depth,
        production_height_km: height,
    };
    let cos_zenith = if geometry.is_surface_chord() {
        check(
            "cos_zenith",
            e.cos_zenith,
            "in [-1, 0) (a chord through the Earth; down-going directions need a detector_depth_km or production_height_km)",
            |v| (-1.0..0.0).contains(&v),
        )?
    } else {
        check("cos_zenith", e.cos_zenith, "in [-1, 1]", |v| {
            (-1.0..=1.0).contains(&v)
        })?
    };
    Ok(EarthMedium::with_model(
        &shells,
        &EarthGeometry {
            cos_zenith,
            ..geometry
        },
    ))
}
