//! Reading and checking user tables (scenario.md, `kind = "table"`): a CSV file whose first
//! non-comment line names the columns (`x_km` plus quantity names), `#` comment lines, one row
//! per position. Every problem is collected with its line and column so that `nuspin medium
//! check` can list them all at once.
//!
//! What does not live here: interpolation ([`super::interpolate`]) and the medium built from a
//! table ([`super::table`]).

use std::fmt;
use std::path::Path;

use super::point::QUANTITY_NAMES;

/// Column names a table may have besides `x_km`: scenario.md's quantity table, i.e. the
/// density and Y_e, then every [`QUANTITY_NAMES`] quantity.
pub const TABLE_COLUMNS: [&str; 13] = {
    let mut names = [""; 13];
    names[0] = "rho_g_cm3";
    names[1] = "ye";
    let mut i = 0;
    while i < QUANTITY_NAMES.len() {
        names[i + 2] = QUANTITY_NAMES[i];
        i += 1;
    }
    names
};

/// One problem in a table file, located by 1-based line and column (field) where known.
/// Displays as `profiles/x.csv:12:3: column 'rho_g_cm3': expected a number, got 'abc'`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableProblem {
    /// The file as the user named it.
    pub path: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl fmt::Display for TableProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for TableProblem {}

/// A parsed table: column names (without `x_km`), the x column and the value columns.
#[derive(Debug, Clone, PartialEq)]
pub struct TableData {
    pub x_km: Vec<f64>,
    /// (name, values) in header order, `x_km` excluded.
    pub columns: Vec<(String, Vec<f64>)>,
}

impl TableData {
    /// The values of column `name`, if the table has it.
    pub fn column(&self, name: &str) -> Option<&[f64]> {
        self.columns
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }
}

/// Checks the table file at `path` and returns every problem found (empty when the table is
/// valid). A missing or unreadable file is one problem without a line.
pub fn check_table(path: &Path) -> Vec<TableProblem> {
    match read_table(path) {
        Ok(_) => Vec::new(),
        Err(problems) => problems,
    }
}

/// Reads and parses the table at `path`; the problems name `path` as given.
pub fn read_table(path: &Path) -> Result<TableData, Vec<TableProblem>> {
    let name = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => parse_table(&text, &name),
        Err(e) => Err(vec![TableProblem {
            path: name,
            line: None,
            column: None,
            message: format!("cannot read the file: {e}"),
        }]),
    }
}

/// Parses table text; `path` only labels the problems.
pub fn parse_table(text: &str, path: &str) -> Result<TableData, Vec<TableProblem>> {
    let mut problems = Vec::new();
    let mut report = |line: Option<usize>, column: Option<usize>, message: String| {
        problems.push(TableProblem {
            path: path.to_string(),
            line,
            column,
            message,
        })
    };
    let mut lines = crate::text_table::rows(text).map(|r| (r.line, r.text));
    let Some((header_line, header)) = lines.next() else {
        report(
            None,
            None,
            "the file is empty: expected a header row of column names such as 'x_km,rho_g_cm3,ye'"
                .into(),
        );
        return Err(problems);
    };
    if let Some(message) = separator_problem(header) {
        report(Some(header_line), None, message);
        return Err(problems);
    }
    let names: Vec<&str> = header.split(',').map(str::trim).collect();
    check_header(&names, &mut |col, msg| report(Some(header_line), col, msg));
    let x_index = names.iter().position(|n| *n == "x_km");
    let mut data = TableData {
        x_km: Vec::new(),
        columns: names
            .iter()
            .filter(|n| **n != "x_km")
            .map(|n| (n.to_string(), Vec::new()))
            .collect(),
    };
    let mut row_lines = Vec::new();
    for (line, row) in lines {
        if push_row(&mut data, &names, x_index, line, row, &mut report) {
            row_lines.push(line);
        }
    }
    if let Some(xi) = x_index {
        check_x(&data.x_km, &row_lines, xi + 1, &mut report);
    }
    if row_lines.len() < 2 && problems.is_empty() {
        let msg = format!(
            "a table needs at least two data rows, got {}",
            row_lines.len()
        );
        problems.push(TableProblem {
            path: path.to_string(),
            line: None,
            column: None,
            message: msg,
        });
    }
    if problems.is_empty() {
        Ok(data)
    } else {
        Err(problems)
    }
}

/// The message for a header whose columns are separated by tabs or semicolons, not commas.
fn separator_problem(header: &str) -> Option<String> {
    if header.contains(',') || !(header.contains('\t') || header.contains(';')) {
        return None;
    }
    let sep = if header.contains('\t') {
        "tabs"
    } else {
        "semicolons"
    };
    Some(format!("the columns are separated by {sep}; medium tables are CSV: separate them with commas (e.g. 'x_km,rho_g_cm3,ye')"))
}

/// Reads data row `row` (file line `line`) into `data`, reporting its problems; false when it
/// has the wrong number of fields (nothing is added).
fn push_row(
    data: &mut TableData,
    names: &[&str],
    x_index: Option<usize>,
    line: usize,
    row: &str,
    report: &mut dyn FnMut(Option<usize>, Option<usize>, String),
) -> bool {
    let fields: Vec<&str> = row.split(',').map(str::trim).collect();
    if fields.len() != names.len() {
        let msg = format!(
            "expected {} fields as in the header, got {}",
            names.len(),
            fields.len()
        );
        report(Some(line), None, msg);
        return false;
    }
    let mut values = Vec::with_capacity(names.len());
    for (c, (name, field)) in names.iter().zip(&fields).enumerate() {
        match check_value(name, field) {
            Ok(v) => values.push(v),
            Err(msg) => {
                report(Some(line), Some(c + 1), format!("column '{name}': {msg}"));
                values.push(f64::NAN);
            }
        }
    }
    for (c, msg) in check_row(names, &values) {
        report(Some(line), Some(c + 1), msg);
    }
    let mut columns = data.columns.iter_mut();
    for (c, v) in values.into_iter().enumerate() {
        if Some(c) == x_index {
            data.x_km.push(v);
        } else if let Some((_, col)) = columns.next() {
            col.push(v);
        }
    }
    true
}

/// Column names: known, not repeated, `x_km` present, one density pair.
fn check_header(names: &[&str], report: &mut dyn FnMut(Option<usize>, String)) {
    for (c, name) in names.iter().enumerate() {
        if *name != "x_km" && !TABLE_COLUMNS.contains(name) {
            let msg = format!(
                "unknown column '{name}': expected x_km or one of {}",
                TABLE_COLUMNS.join(", ")
            );
            report(Some(c + 1), msg);
        } else if names[..c].contains(name) {
            report(Some(c + 1), format!("column '{name}' appears twice"));
        }
    }
    if !names.contains(&"x_km") {
        report(
            None,
            "missing column 'x_km' (the position along the path)".into(),
        );
    }
    let has = |n: &str| names.contains(&n);
    if (has("rho_g_cm3") || has("ye")) && (has("ne_cm3") || has("nn_cm3")) {
        let msg = "give the matter as rho_g_cm3/ye or as ne_cm3/nn_cm3, not both".to_string();
        report(None, msg);
    }
    if has("ye") && !has("rho_g_cm3") {
        report(None, "column 'ye' needs a 'rho_g_cm3' column".into());
    }
}

/// One cell: a finite number within the quantity's own range.
fn check_value(name: &str, field: &str) -> Result<f64, String> {
    let value: f64 = field
        .parse()
        .map_err(|_| format!("expected a number, got '{field}'"))?;
    if !value.is_finite() {
        return Err(format!("expected a finite number, got '{field}'"));
    }
    match name {
        "rho_g_cm3" | "ne_cm3" | "nn_cm3" if value < 0.0 => {
            Err(format!("a density must be >= 0, got {value}"))
        }
        "b_perp_gauss" | "v_perp" | "pol_perp" if value < 0.0 => {
            Err(format!("a transverse magnitude must be >= 0, got {value}"))
        }
        "ye" if !(0.0..=1.0).contains(&value) => Err(format!("ye must be in [0, 1], got {value}")),
        _ => Ok(value),
    }
}

/// Whole-row ranges: |v| < 1 and |pol| <= 1, reported at the row's first component column.
fn check_row(names: &[&str], values: &[f64]) -> Vec<(usize, String)> {
    let get = |n: &str| names.iter().position(|c| *c == n);
    let mut out = Vec::new();
    let pairs = [("v_par", "v_perp", true), ("pol_par", "pol_perp", false)];
    for (par, perp, strict) in pairs {
        let (ip, it) = (get(par), get(perp));
        let Some(col) = ip.or(it) else { continue };
        let a = ip.map_or(0.0, |i| values[i]);
        let b = it.map_or(0.0, |i| values[i]);
        if !a.is_finite() || !b.is_finite() {
            continue;
        }
        let size = a.hypot(b);
        if strict && (1.0 - a) * (1.0 + a) - b * b <= 0.0 {
            let msg =
                format!("the matter speed |v| = hypot(v_par, v_perp) must be < 1, got {size}");
            out.push((col, msg));
        } else if !strict && size > 1.0 {
            let msg = format!(
                "the polarization |pol| = hypot(pol_par, pol_perp) must be <= 1, got {size}"
            );
            out.push((col, msg));
        }
    }
    out
}

/// The x column: non-decreasing, a value on at most two rows, no discontinuity at the ends.
fn check_x(
    x: &[f64],
    lines: &[usize],
    column: usize,
    report: &mut dyn FnMut(Option<usize>, Option<usize>, String),
) {
    for i in 1..x.len() {
        let (prev, cur) = (x[i - 1], x[i]);
        if !prev.is_finite() || !cur.is_finite() {
            continue;
        }
        let at = (Some(lines[i]), Some(column));
        if cur < prev {
            let msg = format!(
                "column 'x_km': x must not decrease, got {cur} after {prev} (line {})",
                lines[i - 1]
            );
            report(at.0, at.1, msg);
        } else if cur == prev && i >= 2 && x[i - 2] == cur {
            let msg = format!("column 'x_km': x = {cur} appears on more than two rows; a discontinuity is exactly two rows");
            report(at.0, at.1, msg);
        } else if cur == prev && (i == 1 || i == x.len() - 1) {
            let msg =
                format!("column 'x_km': the discontinuity at x = {cur} needs rows on both sides");
            report(at.0, at.1, msg);
        }
    }
}
