//! Validation of the scenario fields of issue 22, kept apart from [`super::validate`]:
//! `[mixing] mass_matrix_ev` ([`crate::mass_matrix`]) and the `[nsi]` table
//! ([`crate::hamiltonian::nsi`]).

use std::fmt;

use num_complex::Complex64;
use serde::de::{Deserializer, Error, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::error::ScenarioError;
use super::raw::RawMixing;
use super::unions::RawMoment;
use crate::basis::{Flavours, Nature};
use crate::hamiltonian::nsi::{Nsi, NSI_FERMIONS};
use crate::mass_matrix::{fit_mass_matrix, MassMatrixError};
use crate::medium::Medium;
use crate::mixing::{FlavourMatrix, Mixing};

type Result<T> = std::result::Result<T, ScenarioError>;

/// Makes an error about a dotted field (the checker's `err`).
pub(super) type ErrFn<'a> = &'a dyn Fn(&str, String) -> ScenarioError;

const MASS_FIELD: &str = "mixing.mass_matrix_ev";

/// What a mass matrix must be, in its error messages.
const MATRIX: &str = "3 rows of 3 entries (numbers or [re, im]) in eV";

/// `[mixing] mass_matrix_ev`: 3 rows of 3 entries, each a number or `[re, im]` (eV). The
/// shape is checked while the file is read, at the matrix (or the row) that has the wrong
/// length; an entry of the wrong type at the entry (`mass_matrix_ev[1][2]`).
#[derive(Debug, Clone, PartialEq)]
pub struct RawMassMatrix(pub FlavourMatrix);

impl<'de> Deserialize<'de> for RawMassMatrix {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Row([Complex64; 3]);
        impl<'de> Deserialize<'de> for Row {
            fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                d.deserialize_seq(Rows(false)).map(|m| {
                    let mut row = [Complex64::new(0.0, 0.0); 3];
                    row.iter_mut().zip(m).for_each(|(r, z)| *r = z);
                    Row(row)
                })
            }
        }
        /// `Rows(true)` reads the matrix, `Rows(false)` one row of it.
        struct Rows(bool);
        impl<'de> Visitor<'de> for Rows {
            type Value = Vec<Complex64>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(MATRIX)
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Vec<Complex64>, A::Error> {
                let mut out = Vec::new();
                let mut n = 0;
                if self.0 {
                    while let Some(Row(row)) = seq.next_element::<Row>()? {
                        out.extend(row);
                        n += 1;
                    }
                } else {
                    while let Some(RawMoment(z)) = seq.next_element::<RawMoment>()? {
                        out.push(z);
                        n += 1;
                    }
                }
                match (n, self.0) {
                    (3, _) => Ok(out),
                    (n, true) => Err(A::Error::custom(format!("expected {MATRIX}, got {n} rows"))),
                    (n, false) => Err(A::Error::custom(format!(
                        "expected {MATRIX}, got a row of {n}"
                    ))),
                }
            }
        }
        let entries = d.deserialize_seq(Rows(true))?;
        Ok(RawMassMatrix(FlavourMatrix::from_row_slice(&entries)))
    }
}

/// A table read in the file's order (keys are checked in validation, which names the first
/// bad one as written).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ordered<T>(pub Vec<(String, T)>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Ordered<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Ordered<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table of entries like { ee = 0.1, emu = [0.05, 0.02] }")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Ordered<T>, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    out.push((key, map.next_value::<T>()?));
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// `[nsi]`: per fermion (`e`, `u`, `d`, checked in validation), its entries (`ee = 0.1`,
/// `emu = [re, im]`).
pub type RawNsi = Ordered<Ordered<RawMoment>>;

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
    let matrix = value.0;
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
pub(super) fn nsi(table: Option<&RawNsi>, flavours: Flavours, err: ErrFn) -> Result<Nsi> {
    let Some(table) = table else {
        return Ok(Nsi::zero());
    };
    let mut entries = Vec::new();
    for (fermion, sub) in &table.0 {
        if !NSI_FERMIONS.contains(&fermion.as_str()) {
            return Err(err(
                &format!("nsi.{fermion}"),
                "unknown fermion; expected e, u or d".into(),
            ));
        }
        for (key, RawMoment(z)) in &sub.0 {
            entries.push((fermion.as_str(), key.as_str(), *z));
        }
    }
    Nsi::new(&entries, flavours == Flavours::Two).map_err(|e| err(&e.field, e.message))
}

/// Rejects `[nsi]` on media it does not cover ([`Nsi::check_medium`]).
pub(super) fn check_nsi_medium(nsi: &Nsi, medium: &dyn Medium, err: ErrFn) -> Result<()> {
    nsi.check_medium(medium.present_quantities())
        .map_err(|m| err("nsi", m))
}
