//! `[moments]`: magnetic and electric dipole moments in either basis.

use num_complex::Complex64;

use crate::basis::Nature;
use crate::mixing::Mixing;
use crate::moments::{MomentBasis, MomentInput, Moments};
use crate::scenario::raw::RawMoments;

use super::{as_f64, describe, Checker, Result};

impl Checker<'_> {
    pub(super) fn moments(
        &self,
        m: RawMoments,
        nature: Nature,
        mixing: &Mixing,
    ) -> Result<Moments> {
        let basis = m.basis.map_or(MomentBasis::Flavour, |w| w.0);
        let entries = |table: &str, map: &std::collections::BTreeMap<String, toml::Value>| {
            map.iter()
                .map(|(k, v)| {
                    let field = format!("moments.{table}.{k}");
                    let value = match v {
                        toml::Value::Array(a) if a.len() == 2 => {
                            match (as_f64(&a[0]), as_f64(&a[1])) {
                                (Some(re), Some(im)) => Some(Complex64::new(re, im)),
                                _ => None,
                            }
                        }
                        other => as_f64(other).map(|re| Complex64::new(re, 0.0)),
                    };
                    value.map(|z| (k.clone(), z)).ok_or_else(|| {
                        self.err(
                            &field,
                            format!("expected a number or [re, im], got {}", describe(v)),
                        )
                    })
                })
                .collect::<Result<Vec<_>>>()
        };
        let input = MomentInput {
            basis: Some(basis),
            magnetic_mu_b: entries("magnetic_mu_b", &m.magnetic_mu_b)?,
            electric_mu_b: entries("electric_mu_b", &m.electric_mu_b)?,
        };
        Moments::new(&input, nature, mixing).map_err(|e| {
            let field = match &e {
                crate::moments::MomentError::UnknownKey { field, .. }
                | crate::moments::MomentError::NotFinite { field, .. }
                | crate::moments::MomentError::MajoranaDiagonal { field }
                | crate::moments::MomentError::BothEntries { field, .. }
                | crate::moments::MomentError::ComplexDiagonal { field, .. } => field.clone(),
            };
            let full = format!("moments.{field}");
            let message = e.to_string();
            let message = message
                .strip_prefix(&format!("{field}: "))
                .unwrap_or(&message)
                .to_string();
            self.err(&full, message)
        })
    }
}
