//! Temporary: builds a medium from its `[medium]` table (constant only until the built-in
//! media land).

use std::path::Path;

use super::{ConstantMedium, Medium, MediumPoint};

/// An invalid `[medium]` table: the field (without the `medium.` prefix) and the problem.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}{message}", field.as_ref().map(|f| format!("{f}: ")).unwrap_or_default())]
pub struct MediumConfigError {
    pub field: Option<String>,
    pub message: String,
}

impl MediumConfigError {
    fn new(field: &str, message: impl Into<String>) -> Self {
        MediumConfigError {
            field: Some(field.to_string()),
            message: message.into(),
        }
    }

    /// The field, without the `medium.` prefix.
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// What is wrong.
    pub fn message(&self) -> String {
        self.message.clone()
    }
}

/// Builds the medium of `kind` from the rest of its table.
pub fn build_medium(
    kind: &str,
    table: toml::Table,
    _base_dir: &Path,
) -> Result<Box<dyn Medium>, MediumConfigError> {
    match kind {
        "constant" => {
            let mut values = std::collections::BTreeMap::new();
            for (k, v) in &table {
                let x = match v {
                    toml::Value::Float(x) => *x,
                    toml::Value::Integer(i) => *i as f64,
                    other => return Err(MediumConfigError::new(k, format!("expected a number, got {other}"))),
                };
                values.insert(k.as_str(), x);
            }
            let get = |k: &str| values.get(k).copied();
            let mut p = match (get("rho_g_cm3"), get("ne_cm3")) {
                (Some(_), Some(_)) => {
                    return Err(MediumConfigError::new("ne_cm3", "give rho_g_cm3/ye or ne_cm3/nn_cm3, not both"))
                }
                (Some(rho), None) => MediumPoint::from_rho_ye(rho, get("ye").unwrap_or(0.5)),
                _ => MediumPoint {
                    ne_cm3: get("ne_cm3").unwrap_or(0.0),
                    nn_cm3: get("nn_cm3").unwrap_or(0.0),
                    ..Default::default()
                },
            };
            let mut v = p.values();
            for (i, name) in super::QUANTITY_NAMES.iter().enumerate().skip(2) {
                if let Some(x) = get(name) {
                    v[i] = x;
                }
            }
            p = MediumPoint::from_values(v);
            for k in values.keys() {
                if !super::QUANTITY_NAMES.contains(k) && !["rho_g_cm3", "ye"].contains(k) {
                    return Err(MediumConfigError::new(k, "unknown field"));
                }
            }
            let c = ConstantMedium::new(p).map_err(|e| MediumConfigError {
                field: None,
                message: e.to_string(),
            })?;
            Ok(Box::new(c))
        }
        other => Err(MediumConfigError::new("kind", format!("unknown medium kind \"{other}\""))),
    }
}
