//! The `[medium]` table of a scenario, one strict serde struct per kind, and [`build_medium`].
//!
//! The scenario layer reads `kind` and hands the remaining fields here as a TOML table. Field
//! names and defaults are those of docs/physics.md ("Built-in media") and scenario.md; every struct
//! denies unknown fields (serde's `deny_unknown_fields` does not combine with `flatten` or tagged
//! enums, hence one struct per kind). All values are validated before a medium is built, and every
//! error names the field and what was expected; the caller prefixes the scenario file and
//! `[medium]`.
//!
//! The parameter structs and their defaults live in [`super::params`].

use std::path::Path;

use serde::de::DeserializeOwned;

use super::interpolate::Interpolation;
use super::params::*;
use super::rotating_star::{RotatingStarMedium, RotatingStarParams};
use super::supernova::{Shock, SupernovaMedium, SupernovaParams};
use super::table::TableMedium;
use super::table_parse::TableProblem;
use super::{ConstantMedium, Medium, MediumPoint};

/// The medium kinds of scenario.md.
pub const MEDIUM_KINDS: [&str; 6] = [
    "constant",
    "table",
    "solar",
    "supernova",
    "rotating-star",
    "earth",
];

/// A `[medium]` table that cannot be turned into a medium; the message names the field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MediumConfigError {
    #[error("unknown medium kind '{0}': expected one of {kinds}", kinds = MEDIUM_KINDS.join(", "))]
    UnknownKind(String),
    /// A field serde rejected as unknown or missing (or a table it could not read), in serde's
    /// words.
    #[error("{0}")]
    Field(String),
    /// A value serde rejected for `key` (of the wrong type), in serde's words.
    #[error("field '{key}': {message}")]
    Value { key: String, message: String },
    #[error("{field} must be {expected}, got {got}")]
    Invalid {
        field: &'static str,
        expected: String,
        got: String,
    },
    /// Fields that exclude or require each other.
    #[error("{0}")]
    Conflict(String),
    #[error("file '{file}' is not a valid table:\n{}", join_problems(.problems))]
    Table {
        file: String,
        problems: Vec<TableProblem>,
    },
    /// The model rejected the parameters (e.g. a rotating star faster than light on its track).
    #[error("{0}")]
    Model(String),
}

impl MediumConfigError {
    /// The key of `[medium]` the error is about, so that a message can point at that key's
    /// line and column: `kind` for an unknown kind, `file` for a table that cannot be read,
    /// the field of a value out of range or of the wrong type, the name in serde's `unknown
    /// field 'k'`. `None` for a missing field (its position is its table's header) and for
    /// errors about several fields together.
    pub fn key(&self) -> Option<&str> {
        match self {
            Self::UnknownKind(_) => Some("kind"),
            Self::Invalid { field, .. } => Some(field),
            Self::Value { key, .. } => Some(key),
            Self::Table { .. } => Some("file"),
            Self::Field(message) => message
                .strip_prefix("unknown field '")
                .and_then(|rest| rest.split('\'').next()),
            Self::Conflict(_) | Self::Model(_) => None,
        }
    }

    /// What is wrong, without the key where the message would start with it (`must be >= 0,
    /// got -3` rather than `rho_g_cm3 must be >= 0, got -3`): for callers that name the key
    /// already.
    pub fn detail(&self) -> String {
        match self {
            Self::Invalid { expected, got, .. } => format!("must be {expected}, got {got}"),
            Self::Value { message, .. } => message.clone(),
            other => other.to_string(),
        }
    }
}

fn join_problems(problems: &[TableProblem]) -> String {
    let lines: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
    lines.join("\n")
}

/// Builds the medium of `kind` from the rest of the `[medium]` table. Relative table paths
/// resolve against `base_dir` (the scenario file's folder).
pub fn build_medium(
    kind: &str,
    table: toml::Table,
    base_dir: &Path,
) -> Result<Box<dyn Medium>, MediumConfigError> {
    match kind {
        "constant" => build_constant(parse(table)?),
        "table" => build_table(parse(table)?, base_dir),
        "solar" => build_solar(parse(table)?),
        "supernova" => build_supernova(parse(table)?),
        "rotating-star" => build_rotating_star(parse(table)?),
        "earth" => build_earth(parse(table)?, base_dir),
        other => Err(MediumConfigError::UnknownKind(other.to_string())),
    }
}

/// Deserialises a kind's struct. The table is re-serialised so that toml's own deserialiser
/// (integers accepted as reals) reports a span, from which the offending key is recovered.
fn parse<T: DeserializeOwned>(table: toml::Table) -> Result<T, MediumConfigError> {
    let text = toml::to_string(&table).map_err(|e| MediumConfigError::Field(e.to_string()))?;
    toml::from_str(&text).map_err(|e| {
        let message = e.message().trim().replace('`', "'");
        if message.starts_with("unknown field") || message.starts_with("missing field") {
            return MediumConfigError::Field(message);
        }
        let key = e.span().and_then(|s| {
            let line = text.get(..s.start)?.rsplit('\n').next()?;
            let key = line.split('=').next()?.trim();
            (!key.is_empty()).then(|| key.to_string())
        });
        match key {
            Some(key) => MediumConfigError::Value { key, message },
            None => MediumConfigError::Field(message),
        }
    })
}

/// Checks `value` with `ok`, else an error saying it must be `expected`.
pub(super) fn check(
    field: &'static str,
    value: f64,
    expected: &str,
    ok: impl Fn(f64) -> bool,
) -> Result<f64, MediumConfigError> {
    if value.is_finite() && ok(value) {
        Ok(value)
    } else {
        Err(MediumConfigError::Invalid {
            field,
            expected: expected.to_string(),
            got: value.to_string(),
        })
    }
}

fn finite(field: &'static str, value: f64) -> Result<f64, MediumConfigError> {
    check(field, value, "a finite number", |_| true)
}

fn build_constant(c: ConstantParams) -> Result<Box<dyn Medium>, MediumConfigError> {
    let point = c.point()?;
    ConstantMedium::new(point)
        .map(|m| Box::new(m) as Box<dyn Medium>)
        .map_err(|e| MediumConfigError::Model(e.to_string()))
}

impl ConstantParams {
    /// The validated medium point of a `constant` medium.
    pub fn point(&self) -> Result<MediumPoint, MediumConfigError> {
        let matter_pair = self.rho_g_cm3.is_some() || self.ye.is_some();
        if matter_pair && (self.ne_cm3.is_some() || self.nn_cm3.is_some()) {
            return Err(MediumConfigError::Conflict(
                "give the matter as rho_g_cm3/ye or as ne_cm3/nn_cm3, not both".into(),
            ));
        }
        if self.ye.is_some() && self.rho_g_cm3.is_none() {
            return Err(MediumConfigError::Conflict("ye needs rho_g_cm3".into()));
        }
        let mut point = match self.rho_g_cm3 {
            Some(rho) => {
                let rho = check("rho_g_cm3", rho, ">= 0", |v| v >= 0.0)?;
                let ye = check("ye", self.ye.unwrap_or(0.5), "in [0, 1]", |v| {
                    (0.0..=1.0).contains(&v)
                })?;
                MediumPoint::from_rho_ye(rho, ye)
            }
            None => MediumPoint {
                ne_cm3: check("ne_cm3", self.ne_cm3.unwrap_or(0.0), ">= 0", |v| v >= 0.0)?,
                nn_cm3: check("nn_cm3", self.nn_cm3.unwrap_or(0.0), ">= 0", |v| v >= 0.0)?,
                ..Default::default()
            },
        };
        let nonneg =
            |f: &'static str, v: Option<f64>| check(f, v.unwrap_or(0.0), ">= 0", |v| v >= 0.0);
        point.b_par_gauss = finite("b_par_gauss", self.b_par_gauss.unwrap_or(0.0))?;
        point.b_perp_gauss = nonneg("b_perp_gauss", self.b_perp_gauss)?;
        point.b_phi_rad = finite("b_phi_rad", self.b_phi_rad.unwrap_or(0.0))?;
        point.v_par = finite("v_par", self.v_par.unwrap_or(0.0))?;
        point.v_perp = nonneg("v_perp", self.v_perp)?;
        point.v_phi_rad = finite("v_phi_rad", self.v_phi_rad.unwrap_or(0.0))?;
        point.pol_par = finite("pol_par", self.pol_par.unwrap_or(0.0))?;
        point.pol_perp = nonneg("pol_perp", self.pol_perp)?;
        point.pol_phi_rad = finite("pol_phi_rad", self.pol_phi_rad.unwrap_or(0.0))?;
        point
            .validate()
            .map_err(|e| MediumConfigError::Model(e.to_string()))?;
        Ok(point)
    }
}

fn build_table(t: TableParams, base_dir: &Path) -> Result<Box<dyn Medium>, MediumConfigError> {
    let interpolation =
        Interpolation::from_name(&t.interpolation).ok_or_else(|| MediumConfigError::Invalid {
            field: "interpolation",
            expected: format!("one of {}", Interpolation::NAMES.join(", ")),
            got: format!("'{}'", t.interpolation),
        })?;
    let path = base_dir.join(&t.file);
    let table = TableMedium::from_file(&path, interpolation).map_err(|problems| {
        // Name the file as the user wrote it, not as resolved.
        let problems = problems
            .into_iter()
            .map(|p| TableProblem {
                path: t.file.clone(),
                ..p
            })
            .collect();
        MediumConfigError::Table {
            file: t.file.clone(),
            problems,
        }
    })?;
    Ok(Box::new(table))
}

fn build_solar(s: SolarParams) -> Result<Box<dyn Medium>, MediumConfigError> {
    super::sun_config::build_solar(s)
}

fn shock(
    (r_field, j_field, w_field): (&'static str, &'static str, &'static str),
    radius: Option<f64>,
    jump: f64,
    width: f64,
) -> Result<Option<Shock>, MediumConfigError> {
    let Some(radius) = radius else {
        return Ok(None);
    };
    Ok(Some(Shock {
        radius_km: check(r_field, radius, "> 0", |v| v > 0.0)?,
        jump: check(j_field, jump, "> 0", |v| v > 0.0)?,
        width_km: check(w_field, width, ">= 0", |v| v >= 0.0)?,
    }))
}

fn build_supernova(s: SupernovaConfig) -> Result<Box<dyn Medium>, MediumConfigError> {
    let orphan = |given: bool, field: &str, needs: &str| {
        if given {
            Err(MediumConfigError::Conflict(format!(
                "{field} needs {needs}"
            )))
        } else {
            Ok(())
        }
    };
    if s.shock_km.is_none() {
        orphan(s.shock_jump.is_some(), "shock_jump", "shock_km")?;
        orphan(s.shock_width_km.is_some(), "shock_width_km", "shock_km")?;
        orphan(s.reverse_shock_km.is_some(), "reverse_shock_km", "shock_km")?;
    }
    if s.reverse_shock_km.is_none() {
        let needs = "reverse_shock_km";
        orphan(s.reverse_shock_jump.is_some(), "reverse_shock_jump", needs)?;
        orphan(
            s.reverse_shock_width_km.is_some(),
            "reverse_shock_width_km",
            needs,
        )?;
    }
    let r0 = check("r0_km", s.r0_km, "> 0", |v| v > 0.0)?;
    let forward = shock(
        ("shock_km", "shock_jump", "shock_width_km"),
        s.shock_km,
        s.shock_jump.unwrap_or(DEFAULT_SHOCK_JUMP),
        s.shock_width_km.unwrap_or(0.0),
    )?;
    let reverse = shock(
        (
            "reverse_shock_km",
            "reverse_shock_jump",
            "reverse_shock_width_km",
        ),
        s.reverse_shock_km,
        s.reverse_shock_jump.unwrap_or(DEFAULT_REVERSE_SHOCK_JUMP),
        s.reverse_shock_width_km.unwrap_or(0.0),
    )?;
    if let (Some(f), Some(r)) = (forward, reverse) {
        check(
            "reverse_shock_km",
            r.radius_km,
            &format!("< shock_km = {}", f.radius_km),
            |v| v < f.radius_km,
        )?;
    }
    let params = SupernovaParams {
        rho0_g_cm3: check("rho0_g_cm3", s.rho0_g_cm3, ">= 0", |v| v >= 0.0)?,
        r0_km: r0,
        index: finite("index", s.index)?,
        ye: check("ye", s.ye, "in [0, 1]", |v| (0.0..=1.0).contains(&v))?,
        r_max_km: check("r_max_km", s.r_max_km, &format!("> r0_km = {r0}"), |v| {
            v > r0
        })?,
        shock: forward,
        reverse_shock: reverse,
        b0_gauss: check("b0_gauss", s.b0_gauss, ">= 0", |v| v >= 0.0)?,
        b_index: finite("b_index", s.b_index)?,
        b_angle_deg: s
            .b_angle_deg
            .map(|a| {
                check("b_angle_deg", a, "in [0, 180]", |v| {
                    (0.0..=180.0).contains(&v)
                })
            })
            .transpose()?,
        twist_rad_per_km: finite("twist_rad_per_km", s.twist_rad_per_km)?,
    };
    Ok(Box::new(SupernovaMedium::new(params)))
}

fn build_rotating_star(s: RotatingStarConfig) -> Result<Box<dyn Medium>, MediumConfigError> {
    let radius = check("radius_km", s.radius_km, "> 0", |v| v > 0.0)?;
    for (field, v) in [
        ("direction", s.direction),
        ("closest_point_km", s.closest_point_km),
    ] {
        for c in v {
            finite(field, c)?;
        }
    }
    let [nx, ny, nz] = s.direction;
    let norm = (nx * nx + ny * ny + nz * nz).sqrt();
    if norm == 0.0 || !norm.is_finite() {
        return Err(MediumConfigError::Invalid {
            field: "direction",
            expected: "a nonzero vector".into(),
            got: format!("{:?}", s.direction),
        });
    }
    let p = s.closest_point_km;
    let along = (p[0] * nx + p[1] * ny + p[2] * nz) / norm;
    let size = (p[0] * p[0] + p[1] * p[1] + p[2] * p[2]).sqrt();
    if along.abs() > 1e-9 * (size + radius) {
        return Err(MediumConfigError::Invalid {
            field: "closest_point_km",
            expected: "perpendicular to direction".into(),
            got: format!("{p:?}, whose component along direction is {along} km"),
        });
    }
    let params = RotatingStarParams {
        omega_rad_s: finite("omega_rad_s", s.omega_rad_s)?,
        radius_km: radius,
        rho_c_g_cm3: check("rho_c_g_cm3", s.rho_c_g_cm3, ">= 0", |v| v >= 0.0)?,
        ye: check("ye", s.ye, "in [0, 1]", |v| (0.0..=1.0).contains(&v))?,
        rho_index: s
            .rho_index
            .map(|n| check("rho_index", n, ">= 0", |v| v >= 0.0))
            .transpose()?,
        b_pole_gauss: finite("b_pole_gauss", s.b_pole_gauss)?,
        magnetic_tilt_deg: finite("magnetic_tilt_deg", s.magnetic_tilt_deg)?,
        direction: s.direction,
        closest_point_km: p,
    };
    let star = RotatingStarMedium::new(params);
    let (a, b) = (-2.0 * radius, 2.0 * radius);
    star.check_track(a, b).map_err(|e| {
        MediumConfigError::Model(format!(
            "omega_rad_s = {} is too fast for the default track [{a}, {b}] km: {e}",
            s.omega_rad_s
        ))
    })?;
    Ok(Box::new(star))
}

fn build_earth(e: EarthParams, base_dir: &Path) -> Result<Box<dyn Medium>, MediumConfigError> {
    Ok(Box::new(super::earth_config::build(e, base_dir)?))
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
