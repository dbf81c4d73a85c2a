//! [`TableMedium`]: a medium tabulated by the user (scenario.md, `kind = "table"`).
//!
//! Every column is interpolated on its own with the table's method; when the matter is given as
//! `rho_g_cm3` and `ye` (ye 0.5 when absent), n_e = ρ Y_e N_A and n_n = ρ (1 − Y_e) N_A are
//! formed from the interpolated ρ and Y_e, with their derivatives by the product rule. Missing
//! columns are zero. Outside the table's x range the medium is an error.
//!
//! What does not live here: reading and checking the file ([`super::table_parse`]).

use std::path::Path;

use super::interpolate::{Interpolant, Interpolation};
use super::table_parse::{parse_table, read_table, TableData, TableProblem};
use super::{Medium, MediumError, MediumPoint, PresentQuantities, Side, QUANTITY_NAMES};
use crate::units::AVOGADRO;

/// The matter columns of a table.
#[derive(Debug, Clone, PartialEq)]
enum Matter {
    /// ρ and Y_e (None: 0.5).
    RhoYe(Interpolant, Option<Interpolant>),
    /// n_e and n_n, each optional (missing = 0).
    Numbers(Option<Interpolant>, Option<Interpolant>),
    None,
}

/// A tabulated medium. Construct with [`TableMedium::from_file`] or [`TableMedium::from_text`].
#[derive(Debug, Clone, PartialEq)]
pub struct TableMedium {
    interpolation: Interpolation,
    range: (f64, f64),
    matter: Matter,
    /// Interpolants of the 9 non-density quantities (QUANTITY_NAMES[2..]); None = zero.
    others: Vec<Option<Interpolant>>,
    breakpoints: Vec<f64>,
    kinks: Vec<f64>,
    present: PresentQuantities,
}

impl TableMedium {
    /// Reads the table at `path`; the problems name `path` as given.
    pub fn from_file(path: &Path, interpolation: Interpolation) -> Result<Self, Vec<TableProblem>> {
        let data = read_table(path)?;
        Self::from_data(&data, interpolation, &path.display().to_string())
    }

    /// Parses table text; `name` labels the problems.
    pub fn from_text(
        text: &str,
        name: &str,
        interpolation: Interpolation,
    ) -> Result<Self, Vec<TableProblem>> {
        let data = parse_table(text, name)?;
        Self::from_data(&data, interpolation, name)
    }

    /// Builds the medium from checked table data.
    pub fn from_data(
        data: &TableData,
        interpolation: Interpolation,
        name: &str,
    ) -> Result<Self, Vec<TableProblem>> {
        let build = |column: &str| -> Result<Option<Interpolant>, Vec<TableProblem>> {
            data.column(column)
                .map(|y| Interpolant::new(&data.x_km, y, interpolation))
                .transpose()
                .map_err(|e| {
                    vec![TableProblem {
                        path: name.to_string(),
                        line: None,
                        column: None,
                        message: format!("column '{column}': {e}"),
                    }]
                })
        };
        let matter = match (build("rho_g_cm3")?, build("ne_cm3")?, build("nn_cm3")?) {
            (Some(rho), _, _) => Matter::RhoYe(rho, build("ye")?),
            (None, None, None) => Matter::None,
            (None, ne, nn) => Matter::Numbers(ne, nn),
        };
        let others = QUANTITY_NAMES[2..]
            .iter()
            .map(|n| build(n))
            .collect::<Result<Vec<_>, _>>()?;
        let x_axis = Interpolant::new(&data.x_km, &vec![0.0; data.x_km.len()], interpolation)
            .map_err(|e| {
                vec![TableProblem {
                    path: name.to_string(),
                    line: None,
                    column: None,
                    message: format!("column 'x_km': {e}"),
                }]
            })?;
        // Steps tables jump at every row; linear and log-linear ones only bend there (kinks).
        let breakpoints = if interpolation == Interpolation::Steps {
            x_axis.rows()
        } else {
            x_axis.discontinuities()
        };
        let kinks = if interpolation.rows_are_breakpoints() && interpolation != Interpolation::Steps
        {
            x_axis.rows()
        } else {
            Vec::new()
        };
        let nonzero = |c: &str| data.column(c).is_some_and(|v| v.iter().any(|&y| y != 0.0));
        let present = PresentQuantities {
            matter: ["rho_g_cm3", "ne_cm3", "nn_cm3"].iter().any(|c| nonzero(c)),
            b_par: nonzero("b_par_gauss"),
            b_perp: nonzero("b_perp_gauss"),
            v_perp: nonzero("v_perp"),
            pol: nonzero("pol_par") || nonzero("pol_perp"),
        };
        Ok(TableMedium {
            interpolation,
            range: x_axis.range(),
            matter,
            others,
            breakpoints,
            kinks,
            present,
        })
    }

    /// The interpolation method.
    pub fn interpolation(&self) -> Interpolation {
        self.interpolation
    }

    fn eval(&self, x_km: f64, side: Side) -> Result<(MediumPoint, MediumPoint), MediumError> {
        let out_of_range = || MediumError::OutOfRange {
            x_km,
            min_km: self.range.0,
            max_km: self.range.1,
        };
        let at = |f: &Option<Interpolant>| -> Result<(f64, f64), MediumError> {
            match f {
                Some(f) => f.eval(x_km, side).ok_or_else(out_of_range),
                None => Ok((0.0, 0.0)),
            }
        };
        if !(self.range.0..=self.range.1).contains(&x_km) {
            return Err(out_of_range());
        }
        let mut value = [0.0; 11];
        let mut slope = [0.0; 11];
        match &self.matter {
            Matter::RhoYe(rho, ye) => {
                let (r, dr) = rho.eval(x_km, side).ok_or_else(out_of_range)?;
                let (y, dy) = match ye {
                    Some(_) => at(ye)?,
                    None => (0.5, 0.0),
                };
                value[0] = AVOGADRO * r * y;
                value[1] = AVOGADRO * r * (1.0 - y);
                slope[0] = AVOGADRO * (dr * y + r * dy);
                slope[1] = AVOGADRO * (dr * (1.0 - y) - r * dy);
            }
            Matter::Numbers(ne, nn) => {
                (value[0], slope[0]) = at(ne)?;
                (value[1], slope[1]) = at(nn)?;
            }
            Matter::None => {}
        }
        for (k, f) in self.others.iter().enumerate() {
            (value[k + 2], slope[k + 2]) = at(f)?;
        }
        let point = MediumPoint::from_values(value);
        point
            .validate()
            .map_err(|source| MediumError::Invalid { x_km, source })?;
        Ok((point, MediumPoint::from_values(slope)))
    }
}

impl Medium for TableMedium {
    fn point_and_slope(
        &self,
        x_km: f64,
        side: Side,
    ) -> Result<(MediumPoint, MediumPoint), MediumError> {
        self.eval(x_km, side)
    }

    fn breakpoints(&self) -> Vec<f64> {
        self.breakpoints.clone()
    }

    fn kinks(&self) -> Vec<f64> {
        self.kinks.clone()
    }

    fn present_quantities(&self) -> PresentQuantities {
        self.present
    }

    fn is_piecewise_constant(&self) -> bool {
        self.interpolation == Interpolation::Steps
    }

    fn domain_km(&self) -> Option<(f64, f64)> {
        Some(self.range)
    }
}

#[cfg(test)]
#[path = "table_tests.rs"]
mod tests;
