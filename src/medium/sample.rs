//! Sampling a medium along a track: what `nuspin medium sample` prints and what a user plots
//! (`scripts/plot_medium.py`) before running.
//!
//! The CSV it writes has the columns `x_km` then scenario.md's quantity names, with a `#`
//! comment line of units; it is itself a valid `table` file (ne_cm3/nn_cm3 form).

use std::io::{self, Write};

use super::{Medium, MediumError, Side, QUANTITY_NAMES, QUANTITY_UNITS};

/// Why a medium could not be sampled.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SampleError {
    #[error("sampling needs start_km < end_km (both finite), got [{start_km}, {end_km}]")]
    BadRange { start_km: f64, end_km: f64 },
    #[error("sampling needs at least 2 points, got {0}")]
    TooFewPoints(usize),
    #[error(transparent)]
    Medium(#[from] MediumError),
}

/// The 11 quantities (in [`QUANTITY_NAMES`] order) at each sampled position.
#[derive(Debug, Clone, PartialEq)]
pub struct MediumSamples {
    pub x_km: Vec<f64>,
    pub values: Vec<[f64; 11]>,
}

/// Samples `points` positions uniformly from `start_km` to `end_km` (both included). Interior
/// positions take the limit from the right at a breakpoint, the last one from the left, so every
/// sample is a value the neutrino meets on the track.
pub fn sample_medium(
    medium: &dyn Medium,
    start_km: f64,
    end_km: f64,
    points: usize,
) -> Result<MediumSamples, SampleError> {
    let ordered = start_km.is_finite() && end_km.is_finite() && start_km < end_km;
    if !ordered {
        return Err(SampleError::BadRange { start_km, end_km });
    }
    if points < 2 {
        return Err(SampleError::TooFewPoints(points));
    }
    let step = (end_km - start_km) / (points - 1) as f64;
    let mut samples = MediumSamples {
        x_km: Vec::with_capacity(points),
        values: Vec::with_capacity(points),
    };
    for i in 0..points {
        let (x, side) = if i == points - 1 {
            (end_km, Side::Left)
        } else {
            (start_km + step * i as f64, Side::Right)
        };
        samples.x_km.push(x);
        samples.values.push(medium.point(x, side)?.values());
    }
    Ok(samples)
}

impl MediumSamples {
    /// Writes the samples as CSV: a `#` line of units, the header `x_km,ne_cm3,...`, then one
    /// row per position in shortest round-trip exponent form.
    pub fn write_csv(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "# units: x_km km, {}", units_line())?;
        writeln!(out, "x_km,{}", QUANTITY_NAMES.join(","))?;
        for (x, row) in self.x_km.iter().zip(&self.values) {
            write!(out, "{x:e}")?;
            for v in row {
                write!(out, ",{v:e}")?;
            }
            writeln!(out)?;
        }
        Ok(())
    }

    /// The samples as a CSV string.
    pub fn to_csv(&self) -> String {
        let mut out = Vec::new();
        // Writing to a Vec cannot fail.
        let _ = self.write_csv(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    }
}

fn units_line() -> String {
    let parts: Vec<String> = QUANTITY_NAMES
        .iter()
        .zip(QUANTITY_UNITS)
        .map(|(n, u)| format!("{n} {u}"))
        .collect();
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::medium::{build_medium, Interpolation, TableMedium};
    use std::path::Path;

    #[test]
    fn csv_round_trips_through_the_table_reader() {
        let table: toml::Table = toml::from_str("shock_km = 5e4\nb0_gauss = 1e9").unwrap();
        let sn = build_medium("supernova", table, Path::new(".")).unwrap();
        let s = sample_medium(sn.as_ref(), 1e4, 1e5, 7).unwrap();
        assert_eq!(s.x_km.len(), 7);
        assert_eq!(s.x_km[6], 1e5);
        let csv = s.to_csv();
        assert!(csv
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("x_km,ne_cm3,nn_cm3,b_par_gauss"));
        let back = TableMedium::from_text(&csv, "sample.csv", Interpolation::Linear).unwrap();
        for (x, row) in s.x_km.iter().zip(&s.values) {
            let side = if *x == 1e5 { Side::Left } else { Side::Right };
            assert_eq!(back.point(*x, side).unwrap().values(), *row);
        }
    }

    #[test]
    fn bad_requests_are_errors() {
        let table: toml::Table = toml::from_str("rho_g_cm3 = 1").unwrap();
        let m = build_medium("constant", table, Path::new(".")).unwrap();
        assert_eq!(
            sample_medium(m.as_ref(), 1.0, 1.0, 5),
            Err(SampleError::BadRange {
                start_km: 1.0,
                end_km: 1.0
            })
        );
        assert_eq!(
            sample_medium(m.as_ref(), 0.0, 1.0, 1),
            Err(SampleError::TooFewPoints(1))
        );
        let table: toml::Table = toml::from_str("cos_zenith = -0.5").unwrap();
        let e = build_medium("earth", table, Path::new(".")).unwrap();
        let err = sample_medium(e.as_ref(), 0.0, 1e5, 3).unwrap_err();
        assert!(
            err.to_string().contains("outside the medium's range"),
            "{err}"
        );
    }
}
