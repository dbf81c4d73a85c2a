//! `[neutrino]`: flavours, nature, particle and the initial states.

use crate::basis::{Basis, Flavours, Particle};
use crate::scenario::raw::RawNeutrino;
use crate::scenario::unions::RawInitial;

use super::{Checker, Result};

impl Checker<'_> {
    pub(super) fn neutrino(&self, n: &RawNeutrino) -> Result<(Basis, Flavours)> {
        let flavours = Flavours::from_count(n.flavours.max(0) as usize).ok_or_else(|| {
            self.err(
                "neutrino.flavours",
                format!("must be 2 or 3, got {}", n.flavours),
            )
        })?;
        let particle = n.particle.map_or(Particle::Neutrino, |w| w.0);
        let basis = Basis::new(n.nature.0, particle)
            .map_err(|e| self.err("neutrino.particle", e.to_string()))?;
        Ok((basis, flavours))
    }

    pub(super) fn initial(
        &self,
        given: Option<&RawInitial>,
        labels: &[String],
        basis: Basis,
        flavours: Flavours,
    ) -> Result<Vec<usize>> {
        let field = "neutrino.initial";
        let expected = || format!("expected \"all\" or labels from {}", labels.join(", "));
        let index = |s: &str| crate::basis::state_index(basis, flavours, s);
        let unknown = |s: &str| self.err(field, format!("unknown state \"{s}\"; {}", expected()));
        match given {
            None | Some(RawInitial::All) => Ok((0..labels.len()).collect()),
            Some(RawInitial::Word(s)) if index(s).is_some() => Err(self.err(
                field,
                format!(
                    "{}, got \"{s}\" (a list of states is written [\"{s}\"])",
                    expected()
                ),
            )),
            Some(RawInitial::Word(s)) => Err(unknown(s)),
            Some(RawInitial::Labels(items)) if items.is_empty() => {
                Err(self.err(field, format!("{}, got []", expected())))
            }
            Some(RawInitial::Labels(items)) => {
                let mut out = Vec::new();
                for s in items {
                    let i = index(s).ok_or_else(|| unknown(s))?;
                    if out.contains(&i) {
                        return Err(self.err(field, format!("state \"{s}\" is listed twice")));
                    }
                    out.push(i);
                }
                Ok(out)
            }
        }
    }
}
