//! The one reader of the crate's text tables (medium tables, flux tables, production and
//! livetime tables, solar model files): comma- or whitespace-separated rows, `#` comment lines and blank lines skipped, a
//! leading byte-order mark (spreadsheet exports) ignored, every row keeping its 1-based line
//! number for error messages. What the columns mean, and the messages, stay with each table.
//! (The Earth shell files keep their own reader: they also allow `#` after a row's numbers.)

/// One data or header row: its 1-based line in the file and its trimmed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row<'a> {
    pub line: usize,
    pub text: &'a str,
}

impl<'a> Row<'a> {
    /// The comma-separated fields, each trimmed.
    pub fn fields(&self) -> Vec<&'a str> {
        self.text.split(',').map(str::trim).collect()
    }

    /// The whitespace-separated fields.
    pub fn whitespace_fields(&self) -> Vec<&'a str> {
        self.text.split_whitespace().collect()
    }
}

/// The rows of `text` that are neither blank nor `#` comments, in order.
pub fn rows(text: &str) -> impl Iterator<Item = Row<'_>> {
    text.strip_prefix('\u{feff}')
        .unwrap_or(text)
        .lines()
        .enumerate()
        .map(|(i, l)| Row {
            line: i + 1,
            text: l.trim(),
        })
        .filter(|r| !r.text.is_empty() && !r.text.starts_with('#'))
}

/// Why a row of a two-column table was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairError {
    /// Not exactly two comma-separated fields.
    Columns,
    /// A field is not a number.
    NotNumbers,
}

/// A two-column numeric table `a,b`: rows whose text starts with `header` (the first column's
/// name) are skipped. Returns `(row, a, b)` per data row, or the first bad row.
#[allow(clippy::type_complexity)]
pub fn pairs<'a>(
    text: &'a str,
    header: &str,
) -> Result<Vec<(Row<'a>, f64, f64)>, (Row<'a>, PairError)> {
    let mut out = Vec::new();
    for row in rows(text).filter(|r| !r.text.starts_with(header)) {
        let [a, b] = row.fields()[..] else {
            return Err((row, PairError::Columns));
        };
        let (Ok(a), Ok(b)) = (a.parse::<f64>(), b.parse::<f64>()) else {
            return Err((row, PairError::NotNumbers));
        };
        out.push((row, a, b));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_skip_comments_blanks_and_a_byte_order_mark() {
        let text = "\u{feff}# note\n\n x_km , w \n1,2\n  # again\n3, 4";
        let got: Vec<(usize, &str)> = rows(text).map(|r| (r.line, r.text)).collect();
        assert_eq!(got, vec![(3, "x_km , w"), (4, "1,2"), (6, "3, 4")]);
        assert_eq!(rows(text).nth(2).unwrap().fields(), vec!["3", "4"]);
        assert_eq!(
            Row {
                line: 1,
                text: "1  2\t3"
            }
            .whitespace_fields(),
            ["1", "2", "3"]
        );
    }

    #[test]
    fn pairs_locate_the_first_bad_row() {
        let got: Vec<(usize, f64, f64)> = pairs("x_km,w\n1,2\n3,4\n", "x_km")
            .unwrap()
            .into_iter()
            .map(|(r, a, b)| (r.line, a, b))
            .collect();
        assert_eq!(got, vec![(2, 1.0, 2.0), (3, 3.0, 4.0)]);
        let (row, e) = pairs("x_km,w\n1,2\n3,4,5\n", "x_km").unwrap_err();
        assert_eq!((row.line, e), (3, PairError::Columns));
        let (row, e) = pairs("# c\n1,a\n", "x_km").unwrap_err();
        assert_eq!((row.line, row.text, e), (2, "1,a", PairError::NotNumbers));
    }
}
