//! The positions every method must land on exactly — the medium's breakpoints and the record
//! points — and the recorder that keeps S at the record points (memory grows with what is
//! recorded, never with the number of steps).

use super::options::{EvolveError, Record, Stats};
use crate::hamiltonian::CMat;
use crate::linalg::unitarity_error;

/// A position steps must end on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Stop {
    pub x_km: f64,
    /// H or H′ may jump here: evaluate one-sided and do not reuse the left node.
    pub breakpoint: bool,
    /// S is recorded here.
    pub record: bool,
}

/// Checks the track and builds the sorted stops in (start, end]; the last is `end`.
pub(crate) fn stops(
    start_km: f64,
    end_km: f64,
    breakpoints: &[f64],
    record: &Record,
) -> Result<Vec<Stop>, EvolveError> {
    if !(start_km.is_finite() && end_km.is_finite() && start_km < end_km) {
        return Err(EvolveError::InvalidTrack { start_km, end_km });
    }
    let mut out: Vec<Stop> = breakpoints
        .iter()
        .filter(|&&b| b > start_km && b < end_km)
        .map(|&x_km| Stop {
            x_km,
            breakpoint: true,
            record: false,
        })
        .collect();
    if let Record::Points(points) = record {
        let mut last = start_km;
        for &x_km in points {
            if !(x_km.is_finite() && x_km >= last && x_km <= end_km) {
                return Err(EvolveError::InvalidRecordPoint {
                    x_km,
                    start_km,
                    end_km,
                });
            }
            last = x_km;
            if x_km > start_km {
                out.push(Stop {
                    x_km,
                    breakpoint: false,
                    record: true,
                });
            }
        }
    }
    out.push(Stop {
        x_km: end_km,
        breakpoint: false,
        record: matches!(record, Record::End),
    });
    out.sort_by(|a, b| a.x_km.total_cmp(&b.x_km));
    // Merge duplicates, keeping every flag.
    let mut merged: Vec<Stop> = Vec::with_capacity(out.len());
    for s in out {
        match merged.last_mut() {
            Some(m) if m.x_km == s.x_km => {
                m.breakpoint |= s.breakpoint;
                m.record |= s.record;
            }
            _ => merged.push(s),
        }
    }
    Ok(merged)
}

/// Collects S at the record points.
pub(crate) struct Recorder<const D: usize> {
    all_steps: bool,
    pub x_km: Vec<f64>,
    pub propagators: Vec<CMat<D>>,
    pub max_unitarity_error: f64,
}

impl<const D: usize> Recorder<D> {
    /// Records S(start) = 1 when the record asks for it.
    pub fn new(start_km: f64, record: &Record) -> Self {
        let mut r = Recorder {
            all_steps: matches!(record, Record::AllSteps),
            x_km: Vec::new(),
            propagators: Vec::new(),
            max_unitarity_error: 0.0,
        };
        let at_start = match record {
            Record::AllSteps => true,
            Record::Points(p) => p.contains(&start_km),
            Record::End => false,
        };
        if at_start {
            r.x_km.push(start_km);
            r.propagators.push(CMat::<D>::identity());
        }
        r
    }

    /// Called after every accepted step ending at `x_km`; `stop` is the stop reached, if any.
    pub fn after_step(&mut self, x_km: f64, s: &CMat<D>, stop: Option<&Stop>) {
        let at_record = stop.is_some_and(|st| st.record);
        if self.all_steps || at_record {
            self.x_km.push(x_km);
            self.propagators.push(*s);
            self.max_unitarity_error = self.max_unitarity_error.max(unitarity_error(s));
        }
    }

    /// Repeats the last record for record points given more than once.
    pub fn duplicate_points(&mut self, record: &Record) {
        if let Record::Points(points) = record {
            let mut x = Vec::with_capacity(points.len());
            let mut s = Vec::with_capacity(points.len());
            let mut k = 0;
            for &p in points {
                while k + 1 < self.x_km.len() && self.x_km[k] < p {
                    k += 1;
                }
                if let Some(&found) = self.x_km.get(k) {
                    debug_assert!(found == p);
                    x.push(p);
                    s.push(self.propagators[k]);
                }
            }
            self.x_km = x;
            self.propagators = s;
        }
    }

    /// The recorded data with the final statistics.
    pub fn finish(
        mut self,
        record: &Record,
        s_end: &CMat<D>,
        mut stats: Stats,
    ) -> super::Solution<D> {
        self.duplicate_points(record);
        stats.max_unitarity_error = self.max_unitarity_error.max(unitarity_error(s_end));
        super::Solution {
            x_km: self.x_km,
            propagators: self.propagators,
            stats,
        }
    }
}
