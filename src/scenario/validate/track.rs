//! `[track]`: the start and end of the track, what is recorded, and what a production-region average allows.

use crate::evolve::Record;
use crate::medium::Medium;
use crate::scenario::raw::RawTrack;
use crate::scenario::unions::RawRecord;
use crate::scenario::OutputSpec;

use super::{Checker, Result};

impl Checker<'_> {
    pub(super) fn track(
        &self,
        t: &RawTrack,
        kind: &str,
        medium: &dyn Medium,
    ) -> Result<(f64, f64)> {
        let natural = medium.natural_track_km();
        let start = match (t.start_km, natural) {
            (Some(s), _) => self.finite("track.start_km", s)?,
            (None, Some((s, _))) => s,
            (None, None) => {
                return Err(self.err(
                    "track.start_km",
                    format!("is required for medium kind \"{kind}\""),
                ))
            }
        };
        let end = match (t.end_km, natural) {
            (Some(e), _) => self.finite("track.end_km", e)?,
            (None, Some((_, e))) => e,
            (None, None) => {
                return Err(self.err(
                    "track.end_km",
                    format!("is required for medium kind \"{kind}\""),
                ))
            }
        };
        if end <= start {
            return Err(self.err(
                "track.end_km",
                format!("must be > start_km, got start_km = {start} and end_km = {end}"),
            ));
        }
        medium.check_track(start, end).map_err(|e| {
            self.err(
                "track.",
                format!("the track [{start}, {end}] km does not fit the medium: {e}"),
            )
        })?;
        Ok((start, end))
    }

    /// `states` is the dimension 2N of the state space: a grid of record points that could
    /// not be held in memory is refused before it is built.
    pub(super) fn record(
        &self,
        given: Option<&RawRecord>,
        start: f64,
        end: f64,
        states: usize,
    ) -> Result<Record> {
        match given {
            None | Some(RawRecord::End) => Ok(Record::End),
            Some(RawRecord::AllSteps) => Ok(Record::AllSteps),
            Some(&RawRecord::Points(n)) => {
                self.record_fits(n, states)?;
                if n == 1 {
                    return Ok(Record::Points(vec![end]));
                }
                let step = (end - start) / (n - 1) as f64;
                let mut xs: Vec<f64> = (0..n).map(|i| start + i as f64 * step).collect();
                xs[n - 1] = end;
                Ok(Record::Points(xs))
            }
            Some(RawRecord::ValuesKm(xs)) => {
                let field = "track.record.values_km";
                for (i, &x) in xs.iter().enumerate() {
                    if !(x.is_finite() && (start..=end).contains(&x)) {
                        return Err(self.err(
                            field,
                            format!("{x} is outside the track [{start}, {end}] km"),
                        ));
                    }
                    if i > 0 && x <= xs[i - 1] {
                        return Err(self.err(field, "must be strictly increasing"));
                    }
                }
                if xs.is_empty() {
                    return Err(self.err(field, "must list at least one position"));
                }
                Ok(Record::Points(xs.clone()))
            }
        }
    }

    /// A production-region average runs several starts to the same end and averages P:
    /// amplitudes and per-step records are not averageable, and record points must lie after
    /// every start.
    pub(super) fn averaged_starts(
        &self,
        starts: Option<Vec<(f64, f64)>>,
        record: &Record,
        output: &OutputSpec,
    ) -> Result<()> {
        let Some(starts) = starts else {
            return Ok(());
        };
        let last_start = starts
            .iter()
            .map(|(x, _)| *x)
            .fold(f64::NEG_INFINITY, f64::max);
        if output.amplitudes {
            return Err(self.err(
                "output.amplitudes",
                "cannot be written with a production-region average (probabilities are averaged over start points, amplitudes are not)",
            ));
        }
        match record {
            Record::End => Ok(()),
            Record::AllSteps => Err(self.err(
                "track.record",
                "\"all-steps\" cannot be combined with a production-region average (each start has its own steps)",
            )),
            Record::Points(xs) => match xs.iter().find(|&&x| x < last_start) {
                Some(x) => Err(self.err(
                    "track.record",
                    format!("record point {x} km lies before the last averaged start point {last_start} km"),
                )),
                None => Ok(()),
            },
        }
    }
}

impl Checker<'_> {
    /// The solver keeps one 2N×2N propagator per record position while it solves an energy:
    /// a record grid whose propagators alone exceed the memory the machine has free is
    /// refused here, before its positions are built (the run's full estimate, with threads
    /// and `--max-memory`, comes later).
    fn record_fits(&self, points: usize, states: usize) -> Result<()> {
        let bytes = points as f64 * (states * states) as f64 * 16.0;
        let Some(free) = crate::system::available_memory() else {
            return Ok(());
        };
        if bytes <= free {
            return Ok(());
        }
        Err(self.err(
            "track.record.points",
            format!(
                "{points} record positions need {} for their propagators alone (one {states}×{states} complex matrix each, for every energy being solved), more than the {} this machine has available (MemAvailable in /proc/meminfo); record fewer positions",
                crate::system::bytes_text(bytes),
                crate::system::bytes_text(free)
            ),
        ))
    }
}
