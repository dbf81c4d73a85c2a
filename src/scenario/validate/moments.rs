//! `[moments]`: magnetic and electric dipole moments in either basis.

use crate::basis::Nature;
use crate::mixing::Mixing;
use crate::moments::{MomentBasis, MomentInput, Moments};
use crate::scenario::raw::RawMoments;
use crate::scenario::unions::RawMoment;

use super::{Checker, Result};

impl Checker<'_> {
    pub(super) fn moments(
        &self,
        m: RawMoments,
        nature: Nature,
        mixing: &Mixing,
    ) -> Result<Moments> {
        let basis = m.basis.map_or(MomentBasis::Flavour, |w| w.0);
        let entries = |map: &std::collections::BTreeMap<String, RawMoment>| {
            map.iter().map(|(k, v)| (k.clone(), v.0)).collect()
        };
        let input = MomentInput {
            basis: Some(basis),
            magnetic_mu_b: entries(&m.magnetic_mu_b),
            electric_mu_b: entries(&m.electric_mu_b),
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
