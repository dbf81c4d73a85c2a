//! `[energy]`: the energy grid (explicit values or a range).

use crate::scenario::grid::{range_grid, Range, RangeFields, Scale};
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
        let scale = e.scale.map_or(Scale::Log, |w| w.0);
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
        let names = RangeFields {
            min: "min_mev",
            max: "max_mev",
            points: "points",
        };
        let range = Range {
            scale,
            min,
            max,
            points,
        };
        range_grid(range, names, i64::MAX).map_err(|(f, m)| self.err(&format!("energy.{f}"), m))
    }
}
