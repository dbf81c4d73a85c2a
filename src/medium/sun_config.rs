//! `kind = "solar"`: [`SolarParams`] → [`SolarMedium`], every field checked (model, start
//! radius, the Gaussian `production_average`, the tabulated `production = "<source>"`).

use super::config::MediumConfigError;
use super::params::SolarParams;
use super::solar_production::{SolarSource, DEFAULT_TABLE_POINTS};
use super::sun::{SolarMedium, SolarModel, DEFAULT_PRODUCTION_POINTS, PRODUCTION_MEAN_RSUN};
use super::Medium;

fn conflict(message: &str) -> MediumConfigError {
    MediumConfigError::Conflict(message.into())
}

pub(super) fn build_solar(s: SolarParams) -> Result<Box<dyn Medium>, MediumConfigError> {
    let model = SolarModel::from_name(&s.model).ok_or_else(|| MediumConfigError::Invalid {
        field: "model",
        expected: format!(
            "one of {}",
            SolarModel::NAMES.map(|n| format!("\"{n}\"")).join(", ")
        ),
        got: format!("'{}'", s.model),
    })?;
    let source = s
        .production
        .as_deref()
        .map(|name| {
            SolarSource::from_name(name).ok_or_else(|| MediumConfigError::Invalid {
                field: "production",
                expected: format!("one of {}", SolarSource::names()),
                got: format!("'{name}'"),
            })
        })
        .transpose()?;
    if s.production_average && s.production_radius_rsun.is_some() {
        return Err(conflict(
            "production_radius_rsun and production_average = true exclude each other",
        ));
    }
    if source.is_some() && (s.production_average || s.production_radius_rsun.is_some()) {
        return Err(conflict(
            "production = \"<source>\" averages over that source's production zones: it excludes production_average and production_radius_rsun",
        ));
    }
    if s.production_average_points.is_some() && !s.production_average && source.is_none() {
        return Err(conflict(
            "production_average_points needs production_average = true or production = \"<source>\"",
        ));
    }
    let r0 = s.production_radius_rsun.unwrap_or(PRODUCTION_MEAN_RSUN);
    if !(r0.is_finite() && (0.0..1.0).contains(&r0)) {
        return Err(MediumConfigError::Invalid {
            field: "production_radius_rsun",
            expected: "in [0, 1)".into(),
            got: r0.to_string(),
        });
    }
    let default_points = if source.is_some() {
        DEFAULT_TABLE_POINTS
    } else {
        DEFAULT_PRODUCTION_POINTS
    };
    let points = s.production_average_points.unwrap_or(default_points);
    if points == 0 || points > 256 {
        return Err(MediumConfigError::Invalid {
            field: "production_average_points",
            expected: "in 1..=256".into(),
            got: points.to_string(),
        });
    }
    let average = s.production_average.then_some(points);
    let sun = SolarMedium::new(model, r0, average).map_err(MediumConfigError::Model)?;
    let Some(source) = source else {
        return Ok(Box::new(sun));
    };
    let (starts, how) = super::sun_b16::production_starts(model, source, points).map_err(|e| {
        MediumConfigError::Invalid {
            field: "production",
            expected: "a source with a production table".into(),
            got: e,
        }
    })?;
    Ok(Box::new(sun.with_production(starts, how)))
}
