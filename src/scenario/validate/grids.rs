//! `[energy]`: the energy grid (explicit values or a range).

use crate::scenario::grid::{energy_grid, Scale};
use crate::scenario::raw::RawEnergy;

use super::{Checker, Result};

impl Checker<'_> {
    pub(super) fn energy(&self, e: &RawEnergy) -> Result<Vec<f64>> {
        if let Some(values) = &e.values_mev {
            for (name, given) in [
                ("min_mev", e.min_mev.is_some()),
                ("max_mev", e.max_mev.is_some()),
                ("points", e.points.is_some()),
                ("scale", e.scale.is_some()),
            ] {
                if given {
                    return Err(self.err(
                        &format!("energy.{name}"),
                        "cannot be combined with values_mev (give either values_mev or min_mev/max_mev/points)",
                    ));
                }
            }
            if values.is_empty() {
                return Err(self.err("energy.values_mev", "must list at least one energy"));
            }
            for (i, &v) in values.iter().enumerate() {
                self.positive(&format!("energy.values_mev[{i}]"), v)?;
                if values[..i].contains(&v) {
                    return Err(self.err("energy.values_mev", format!("repeats the value {v}")));
                }
            }
            return Ok(values.clone());
        }
        let scale = match e.scale.as_deref().unwrap_or("log") {
            "log" => Scale::Log,
            "linear" => Scale::Linear,
            other => {
                return Err(self.err(
                    "energy.scale",
                    format!("must be \"log\" or \"linear\", got \"{other}\""),
                ))
            }
        };
        let need = |name: &str, v: Option<f64>| {
            v.ok_or_else(|| {
                self.err(
                    &format!("energy.{name}"),
                    "is required (give values_mev, or min_mev, max_mev and points)",
                )
            })
        };
        let min = self.positive("energy.min_mev", need("min_mev", e.min_mev)?)?;
        let max = self.positive("energy.max_mev", need("max_mev", e.max_mev)?)?;
        let points = e
            .points
            .ok_or_else(|| self.err("energy.points", "is required"))?;
        if points < 1 {
            return Err(self.err("energy.points", format!("must be >= 1, got {points}")));
        }
        if points == 1 && max != min {
            return Err(self.err(
                "energy.max_mev",
                format!("must equal min_mev when points = 1, got {max}"),
            ));
        }
        if points > 1 && min >= max {
            return Err(self.err(
                "energy.min_mev",
                format!("must be < max_mev, got min_mev = {min} and max_mev = {max}"),
            ));
        }
        Ok(energy_grid(scale, min, max, points as usize))
    }
}
