//! Tabulated neutrino spectra: the shipped ⁸B table or a user CSV of (E_MeV, flux).
//!
//! The ⁸B spectrum is `profiles/b8_spectrum.dat` (Winter et al., PRC 73 (2006) 025503;
//! columns E in MeV, the normalised spectrum in MeV⁻¹, and its −3σ/+3σ variants), embedded in
//! the binary. A user table is CSV with two numeric columns, energy in MeV and flux in any
//! unit per MeV (the folded spectrum carries that unit); `#` lines and one leading header row
//! are skipped. The flux is linear between the tabulated energies and zero outside them.

use std::path::Path;

/// The ⁸B spectrum table as shipped.
pub const B8_TABLE: &str = include_str!("../profiles/b8_spectrum.dat");

/// A bad flux table; `line` is 1-based (0 when the problem is the table as a whole).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{source_name}: line {line}: {message}")]
pub struct FluxError {
    pub source_name: String,
    pub line: usize,
    pub message: String,
}

/// A neutrino spectrum φ(E) on increasing energies (MeV), φ ≥ 0.
#[derive(Debug, Clone, PartialEq)]
pub struct FluxTable {
    energy_mev: Vec<f64>,
    flux: Vec<f64>,
}

impl FluxTable {
    /// Checks and builds a table: at least two points, finite, E strictly increasing and
    /// ≥ 0, φ ≥ 0.
    pub fn new(energy_mev: Vec<f64>, flux: Vec<f64>) -> Result<Self, FluxError> {
        let err = |line: usize, message: String| FluxError {
            source_name: "flux table".into(),
            line,
            message,
        };
        if energy_mev.len() != flux.len() || energy_mev.len() < 2 {
            return Err(err(0, format!(
                "need at least two (energy, flux) rows of equal length, got {} energies and {} fluxes",
                energy_mev.len(),
                flux.len()
            )));
        }
        for (i, (&e, &f)) in energy_mev.iter().zip(&flux).enumerate() {
            if !(e.is_finite() && e >= 0.0) {
                return Err(err(
                    i + 1,
                    format!("energy_mev must be finite and >= 0, got {e}"),
                ));
            }
            if !(f.is_finite() && f >= 0.0) {
                return Err(err(i + 1, format!("flux must be finite and >= 0, got {f}")));
            }
            if i > 0 && e <= energy_mev[i - 1] {
                return Err(err(
                    i + 1,
                    format!(
                        "energies must increase strictly, got {e} after {}",
                        energy_mev[i - 1]
                    ),
                ));
            }
        }
        Ok(FluxTable { energy_mev, flux })
    }

    /// The ⁸B spectrum (central column), normalised to 1 over energy (MeV⁻¹).
    pub fn b8() -> Self {
        // The embedded table is fixed and checked by a test, so parsing cannot fail at run time
        // for user input; fall back to an empty-safe minimal table rather than panic.
        parse(B8_TABLE, "b8_spectrum.dat", Separator::Whitespace).unwrap_or_else(|_| FluxTable {
            energy_mev: vec![0.0, 1.0],
            flux: vec![0.0, 0.0],
        })
    }

    /// Parses CSV text (E_MeV, flux); `source_name` labels errors (e.g. the file name).
    pub fn from_csv_str(text: &str, source_name: &str) -> Result<Self, FluxError> {
        parse(text, source_name, Separator::Comma)
    }

    /// Reads a CSV file (E_MeV, flux).
    pub fn from_csv_path(path: &Path) -> Result<Self, FluxError> {
        let (name, text) = read(path)?;
        Self::from_csv_str(&text, &name)
    }

    /// Reads a table file: comma-separated if any data line has a comma (a CSV as above),
    /// whitespace-separated otherwise (e.g. `profiles/b8_spectrum.dat`; extra columns are
    /// ignored).
    pub fn from_path(path: &Path) -> Result<Self, FluxError> {
        let (name, text) = read(path)?;
        let comma = crate::text_table::rows(&text).any(|r| r.text.contains(','));
        let sep = if comma {
            Separator::Comma
        } else {
            Separator::Whitespace
        };
        parse(&text, &name, sep)
    }

    /// The table with every flux value multiplied by `factor` (> 0).
    pub fn scaled(&self, factor: f64) -> Self {
        FluxTable {
            energy_mev: self.energy_mev.clone(),
            flux: self.flux.iter().map(|f| f * factor).collect(),
        }
    }

    /// The table restricted to [lo, hi] MeV, with end nodes at lo and hi (flux interpolated)
    /// where they cut inside it; `None` if less than a positive-width interval remains.
    pub fn clipped(&self, lo_mev: f64, hi_mev: f64) -> Option<Self> {
        let e = &self.energy_mev;
        let lo = lo_mev.max(e[0]);
        let hi = hi_mev.min(e[e.len() - 1]);
        // NaN bounds compare false and give None too.
        if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
            return None;
        }
        let mut energy_mev = vec![lo];
        let mut flux = vec![self.at(lo)];
        for (&x, &f) in e.iter().zip(&self.flux) {
            if x > lo && x < hi {
                energy_mev.push(x);
                flux.push(f);
            }
        }
        energy_mev.push(hi);
        flux.push(self.at(hi));
        Some(FluxTable { energy_mev, flux })
    }

    /// Tabulated energies (MeV).
    pub fn energy_mev(&self) -> &[f64] {
        &self.energy_mev
    }

    /// Tabulated flux values.
    pub fn flux(&self) -> &[f64] {
        &self.flux
    }

    /// φ(E), linear between nodes and 0 outside the table.
    pub fn at(&self, energy_mev: f64) -> f64 {
        let e = &self.energy_mev;
        let last = e.len() - 1;
        if !(energy_mev >= e[0] && energy_mev <= e[last]) {
            return 0.0;
        }
        let i = e.partition_point(|&x| x <= energy_mev).clamp(1, last);
        let w = (energy_mev - e[i - 1]) / (e[i] - e[i - 1]);
        self.flux[i - 1] * (1.0 - w) + self.flux[i] * w
    }

    /// ∫ φ dE by the trapezoid rule on the nodes.
    pub fn integral(&self) -> f64 {
        trapezoid(&self.energy_mev, &self.flux)
    }
}

/// Trapezoid rule over tabulated points.
pub fn trapezoid(x: &[f64], y: &[f64]) -> f64 {
    x.windows(2)
        .zip(y.windows(2))
        .map(|(x, y)| 0.5 * (x[1] - x[0]) * (y[0] + y[1]))
        .sum()
}

#[derive(Clone, Copy)]
enum Separator {
    Comma,
    Whitespace,
}

/// A hint for a row that uses a separator nuspin does not read.
fn separator_hint(line: &str) -> &'static str {
    if line.contains(';') {
        " (columns separated by ';': use commas or spaces)"
    } else {
        ""
    }
}

/// The file's name (for errors) and text.
fn read(path: &Path) -> Result<(String, String), FluxError> {
    let name = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => Ok((name, text)),
        Err(e) => Err(FluxError {
            source_name: name,
            line: 0,
            message: format!("cannot read the file: {e}"),
        }),
    }
}

fn parse(text: &str, source_name: &str, sep: Separator) -> Result<FluxTable, FluxError> {
    let mut energy = Vec::new();
    let mut flux = Vec::new();
    let mut data_lines = Vec::new();
    let mut header_seen = false;
    // Comments, blank lines and a byte-order mark (spreadsheet exports) are skipped.
    for row in crate::text_table::rows(text) {
        let line = row.text;
        let fields: Vec<&str> = match sep {
            Separator::Comma => row.fields(),
            Separator::Whitespace => row.whitespace_fields(),
        };
        let numbers: Option<Vec<f64>> = fields.iter().take(2).map(|f| f.parse().ok()).collect();
        match numbers {
            Some(v) if v.len() == 2 => {
                energy.push(v[0]);
                flux.push(v[1]);
                data_lines.push(row.line);
            }
            // One header row before the data is allowed.
            None if data_lines.is_empty() && !header_seen => header_seen = true,
            _ => {
                return Err(FluxError {
                    source_name: source_name.into(),
                    line: row.line,
                    message: format!(
                        "expected two numbers (E_MeV, flux), got `{line}`{}",
                        separator_hint(line)
                    ),
                })
            }
        }
    }
    FluxTable::new(energy, flux).map_err(|mut e| {
        e.source_name = source_name.into();
        if e.line > 0 {
            e.line = data_lines.get(e.line - 1).copied().unwrap_or(e.line);
        }
        e
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn b8_table_is_normalised() {
        // Published normalisation (Winter et al. 2006): ∫ φ dE = 1; the 0.02 MeV trapezoid
        // gives 0.999987. The peak is at 6.44 MeV.
        let t = FluxTable::b8();
        assert_eq!(t.energy_mev().len(), 829);
        assert!((t.integral() - 1.0).abs() < 2e-5, "{}", t.integral());
        assert!(parse(B8_TABLE, "b8", Separator::Whitespace).is_ok());
        assert!((t.at(6.44) - 0.1321716).abs() < 1e-12);
        assert!((t.at(6.45) - 0.5 * (0.1321716 + t.at(6.46))).abs() < 1e-12);
        assert_eq!(t.at(20.0), 0.0);
    }

    #[test]
    fn csv_with_header_and_comments() {
        let t = FluxTable::from_csv_str("# reactor\nE_MeV, flux\n1.0, 2.0\n2.0, 4.0\n", "r.csv")
            .unwrap();
        assert_eq!(t.energy_mev(), [1.0, 2.0]);
        assert_eq!(t.at(1.5), 3.0);
    }

    #[test]
    fn files_scaling_and_clipping() {
        let dir = tempfile::tempdir().unwrap();
        let ws = dir.path().join("t.dat");
        std::fs::write(&ws, "# E phi extra\n1.0 2.0 9\n2.0 4.0 9\n4.0 0.0 9\n").unwrap();
        let t = FluxTable::from_path(&ws).unwrap();
        assert_eq!(t.flux(), [2.0, 4.0, 0.0]);
        let csv = dir.path().join("t.csv");
        std::fs::write(&csv, "E_MeV, flux\n1.0, 2.0\n2.0, 4.0\n4.0, 0.0\n").unwrap();
        assert_eq!(FluxTable::from_path(&csv).unwrap(), t);
        assert_eq!(t.scaled(0.5).flux(), [1.0, 2.0, 0.0]);
        // Clipping keeps the interior nodes and interpolates the new ends: ∫ over [1.5, 3]
        // of the piecewise-linear φ is 0.5·(3 + 4)/2 + 1·(4 + 2)/2 = 4.75.
        let c = t.clipped(1.5, 3.0).unwrap();
        assert_eq!(c.energy_mev(), [1.5, 2.0, 3.0]);
        assert!((c.integral() - 4.75).abs() < 1e-12);
        assert_eq!(t.clipped(0.0, 10.0).unwrap(), t);
        assert!(t.clipped(5.0, 6.0).is_none());
        let missing = FluxTable::from_path(&dir.path().join("none.csv")).unwrap_err();
        assert!(missing.to_string().contains("cannot read"), "{missing}");
    }

    #[test]
    fn bad_rows_name_the_line() {
        let e = FluxTable::from_csv_str("E, f\n1, 2\n1, 3\n", "r.csv").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.to_string().contains("r.csv: line 3") && e.to_string().contains("increase"));
        let e = FluxTable::from_csv_str("1, 2\n2, x\n", "r.csv").unwrap_err();
        assert!(
            e.to_string().contains("line 2") && e.to_string().contains("two numbers"),
            "{e}"
        );
        let e = FluxTable::from_csv_str("1, 2\n2, -1\n", "r.csv").unwrap_err();
        assert!(e.to_string().contains(">= 0"), "{e}");
        let e = FluxTable::from_csv_str("1, 2\n", "r.csv").unwrap_err();
        assert!(e.to_string().contains("at least two"), "{e}");
    }
}
