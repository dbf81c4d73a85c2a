//! `[neutrino]`: flavours, nature, particle and the initial states.

use crate::basis::{Basis, Flavours, Particle};
use crate::scenario::raw::RawNeutrino;

use super::{describe, Checker, Result};

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
        v: Option<&toml::Value>,
        labels: &[String],
        basis: Basis,
        flavours: Flavours,
    ) -> Result<Vec<usize>> {
        let field = "neutrino.initial";
        let all = || (0..labels.len()).collect();
        let expected = || format!("expected \"all\" or labels from {}", labels.join(", "));
        let Some(v) = v else { return Ok(all()) };
        match v {
            toml::Value::String(s) if s == "all" => Ok(all()),
            toml::Value::String(s) => {
                Err(self.err(field, format!("unknown state \"{s}\"; {}", expected())))
            }
            toml::Value::Array(items) if !items.is_empty() => {
                let mut out = Vec::new();
                for item in items {
                    let toml::Value::String(s) = item else {
                        return Err(
                            self.err(field, format!("{}, got {}", expected(), describe(item)))
                        );
                    };
                    let i = crate::basis::state_index(basis, flavours, s).ok_or_else(|| {
                        self.err(field, format!("unknown state \"{s}\"; {}", expected()))
                    })?;
                    if out.contains(&i) {
                        return Err(self.err(field, format!("state \"{s}\" is listed twice")));
                    }
                    out.push(i);
                }
                Ok(out)
            }
            other => Err(self.err(field, format!("{}, got {}", expected(), describe(other)))),
        }
    }
}
