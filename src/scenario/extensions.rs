//! Validation of the scenario fields of issue 22, kept apart from [`super::validate`]:
//! `[mixing] mass_matrix_ev` ([`crate::mass_matrix`]) and the `[nsi]` table
//! ([`crate::hamiltonian::nsi`]).

use num_complex::Complex64;

use super::error::ScenarioError;
use super::raw::RawMixing;
use crate::basis::{Flavours, Nature};
use crate::hamiltonian::nsi::{Nsi, NSI_FERMIONS};
use crate::mass_matrix::{fit_mass_matrix, MassMatrixError};
use crate::medium::Medium;
use crate::mixing::{FlavourMatrix, Mixing};

type Result<T> = std::result::Result<T, ScenarioError>;

/// Makes an error about a dotted field (the checker's `err`).
pub(super) type ErrFn<'a> = &'a dyn Fn(&str, String) -> ScenarioError;

const MASS_FIELD: &str = "mixing.mass_matrix_ev";

fn describe(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    }
}

/// A number or `[re, im]`.
fn complex(v: &toml::Value) -> Option<Complex64> {
    let real = |v: &toml::Value| match v {
        toml::Value::Float(x) => Some(*x),
        toml::Value::Integer(i) => Some(*i as f64),
        _ => None,
    };
    match v {
        toml::Value::Array(a) if a.len() == 2 => Some(Complex64::new(real(&a[0])?, real(&a[1])?)),
        other => real(other).map(|re| Complex64::new(re, 0.0)),
    }
}

/// The mixing of `[mixing] mass_matrix_ev`, or None when it is absent. Every other mixing
/// parameter is then an error (the matrix fixes them all), and so is `flavours = 2`.
pub(super) fn mass_matrix_mixing(
    m: &RawMixing,
    flavours: Flavours,
    nature: Nature,
    err: ErrFn,
) -> Result<Option<Mixing>> {
    let Some(value) = &m.mass_matrix_ev else {
        return Ok(None);
    };
    if let Some(name) = m.first_set(&RawMixing::PARAMETERS) {
        return Err(err(
            &format!("mixing.{name}"),
            "cannot be combined with mass_matrix_ev (the matrix fixes masses, angles and \
             phases)"
                .into(),
        ));
    }
    if flavours != Flavours::Three {
        return Err(err(MASS_FIELD, "needs flavours = 3 (a 3x3 matrix)".into()));
    }
    let shape_error = || {
        err(
            MASS_FIELD,
            format!(
                "expected 3 rows of 3 entries (numbers or [re, im]) in eV, got {}",
                describe(value)
            ),
        )
    };
    let rows = value
        .as_array()
        .filter(|r| r.len() == 3)
        .ok_or_else(shape_error)?;
    let mut matrix = FlavourMatrix::zeros();
    for (r, row) in rows.iter().enumerate() {
        let row = row
            .as_array()
            .filter(|c| c.len() == 3)
            .ok_or_else(shape_error)?;
        for (c, entry) in row.iter().enumerate() {
            matrix[(r, c)] = complex(entry).ok_or_else(|| {
                err(
                    &format!("{MASS_FIELD}[{r}][{c}]"),
                    format!(
                        "expected a number or [re, im] (eV), got {}",
                        describe(entry)
                    ),
                )
            })?;
        }
    }
    let fit = fit_mass_matrix(&matrix, nature).map_err(|e| {
        let field = match &e {
            MassMatrixError::NotFinite { row, col, .. } => format!("{MASS_FIELD}[{row}][{col}]"),
            _ => MASS_FIELD.to_string(),
        };
        err(&field, e.to_string())
    })?;
    Ok(Some(Mixing::from_mass_matrix_fit(fit)))
}

/// The `[nsi]` table: `e`, `u`, `d` sub-tables of entries (`ee = 0.1`, `emu = [re, im]`).
pub(super) fn nsi(table: Option<&toml::Table>, flavours: Flavours, err: ErrFn) -> Result<Nsi> {
    let Some(table) = table else {
        return Ok(Nsi::zero());
    };
    let mut entries = Vec::new();
    for (fermion, sub) in table {
        if !NSI_FERMIONS.contains(&fermion.as_str()) {
            return Err(err(
                &format!("nsi.{fermion}"),
                "unknown fermion; expected e, u or d".into(),
            ));
        }
        let sub = sub.as_table().ok_or_else(|| {
            err(
                &format!("nsi.{fermion}"),
                format!(
                    "expected a table of entries like {{ ee = 0.1, emu = [0.05, 0.02] }}, got {}",
                    describe(sub)
                ),
            )
        })?;
        for (key, v) in sub {
            let z = complex(v).ok_or_else(|| {
                err(
                    &format!("nsi.{fermion}.{key}"),
                    format!("expected a number or [re, im], got {}", describe(v)),
                )
            })?;
            entries.push((fermion.as_str(), key.as_str(), z));
        }
    }
    Nsi::new(&entries, flavours == Flavours::Two).map_err(|e| err(&e.field, e.message))
}

/// Rejects `[nsi]` on media it does not cover ([`Nsi::check_medium`]).
pub(super) fn check_nsi_medium(nsi: &Nsi, medium: &dyn Medium, err: ErrFn) -> Result<()> {
    nsi.check_medium(medium.present_quantities())
        .map_err(|m| err("nsi", m))
}
