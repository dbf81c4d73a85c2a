//! `[arrival] production`: the start points of a production-region average.

use std::path::Path;

use crate::medium::Medium;
use crate::text_table::{pairs, PairError};

use super::{Checker, Result};
use crate::scenario::unions::RawProduction;

const FIELD: &str = "arrival.production";

impl Checker<'_> {
    /// `[arrival] production`: a Gaussian `{ mean_km, sigma_km, points }` (Gauss–Legendre
    /// nodes on mean ± 5σ, cut to the medium's range and the track's end, weighted by the
    /// Gaussian) or a table `{ file }` of `x_km,weight` rows; weights normalised to 1.
    pub(super) fn production(
        &self,
        raw: Option<&crate::scenario::raw::RawArrival>,
        medium: &dyn Medium,
        end_km: f64,
    ) -> Result<Option<Vec<(f64, f64)>>> {
        let Some(table) = raw.and_then(|r| r.production.as_ref()) else {
            return Ok(None);
        };
        if medium.averaged_starts_km().is_some() {
            return Err(self.err(
                FIELD,
                "cannot be combined with the medium's own production_average (use one of them)",
            ));
        }
        let (lo, hi) = medium
            .domain_km()
            .unwrap_or((f64::NEG_INFINITY, f64::INFINITY));
        let starts = match table {
            RawProduction::File(name) => self.production_file(name)?,
            RawProduction::Gaussian {
                mean_km,
                sigma_km,
                points,
            } => self.production_gaussian(
                [*mean_km, *sigma_km, *points],
                (lo, hi.min(end_km)),
                end_km,
            )?,
        };
        let total: f64 = starts.iter().map(|(_, w)| w).sum();
        if starts.is_empty() || total <= 0.0 {
            return Err(self.err(FIELD, "has no start point with a positive weight"));
        }
        if let Some((x, _)) = starts
            .iter()
            .find(|(x, _)| !(*x >= lo && *x <= hi && *x < end_km))
        {
            return Err(self.err(FIELD, format!("start point {x} km lies outside the medium [{lo}, {hi}] km or not before end_km = {end_km}")));
        }
        Ok(Some(
            starts
                .into_iter()
                .filter(|(_, w)| *w > 0.0)
                .map(|(x, w)| (x, w / total))
                .collect(),
        ))
    }

    /// `production = { file }`: `x_km,weight` rows (a header row and `#` lines allowed).
    fn production_file(&self, name: &str) -> Result<Vec<(f64, f64)>> {
        let field = format!("{FIELD}.file");
        let path = self.path.parent().unwrap_or(Path::new(".")).join(name);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| self.err(&field, format!("cannot read {}: {e}", path.display())))?;
        let bad = |line: usize, what: String| {
            self.err(&field, format!("{}:{line}: {what}", path.display()))
        };
        let rows = pairs(&text, "x_km").map_err(|(row, e)| {
            let what = match e {
                PairError::Columns => "expected two columns x_km,weight".to_string(),
                PairError::NotNumbers => format!("expected numbers, got {:?}", row.text),
            };
            bad(row.line, what)
        })?;
        rows.into_iter()
            .map(|(row, x, w)| {
                if x.is_finite() && w.is_finite() && w >= 0.0 {
                    Ok((x, w))
                } else {
                    Err(bad(
                        row.line,
                        format!("needs a finite x_km and a weight >= 0, got {:?}", row.text),
                    ))
                }
            })
            .collect()
    }

    /// `production = { mean_km, sigma_km, points }`: Gauss–Legendre nodes on mean ± 5σ cut to
    /// `range` (the medium before the track's end).
    fn production_gaussian(
        &self,
        [mean_km, sigma_km, points]: [Option<f64>; 3],
        (lo, hi): (f64, f64),
        end_km: f64,
    ) -> Result<Vec<(f64, f64)>> {
        let number = |key: &str, x: Option<f64>| -> Result<Option<f64>> {
            match x {
                Some(x) if !x.is_finite() => Err(self.err(
                    &format!("{FIELD}.{key}"),
                    format!("expected a finite number, got {x}"),
                )),
                x => Ok(x),
            }
        };
        let mean = number("mean_km", mean_km)?.ok_or_else(|| {
            self.err(
                &format!("{FIELD}.mean_km"),
                "is required (or give file = \"starts.csv\")",
            )
        })?;
        let sigma = number("sigma_km", sigma_km)?
            .ok_or_else(|| self.err(&format!("{FIELD}.sigma_km"), "is required"))?;
        if sigma <= 0.0 {
            return Err(self.err(
                &format!("{FIELD}.sigma_km"),
                format!("must be > 0, got {sigma}"),
            ));
        }
        let points = number("points", points)?.unwrap_or(12.0);
        if !(1.0..=64.0).contains(&points) || points.fract() != 0.0 {
            return Err(self.err(
                &format!("{FIELD}.points"),
                format!("must be a whole number in 1..=64, got {points}"),
            ));
        }
        let (a, b) = ((mean - 5.0 * sigma).max(lo), (mean + 5.0 * sigma).min(hi));
        if a >= b {
            return Err(self.err(FIELD, format!("mean_km ± 5 sigma_km = [{}, {}] km has no overlap with the medium before end_km = {end_km}", mean - 5.0 * sigma, mean + 5.0 * sigma)));
        }
        Ok(crate::quadrature::gaussian_nodes(
            mean,
            sigma,
            a,
            b,
            points as usize,
        ))
    }
}
