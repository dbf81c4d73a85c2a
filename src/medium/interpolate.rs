//! One-dimensional interpolation of a tabulated column y(x), with its exact x-derivative.
//!
//! The methods are those of scenario.md's `table` kind: `linear`, `log-linear`, `pchip` and
//! `steps`. The abscissae are non-decreasing; a value of x repeated on exactly two rows declares
//! a discontinuity (the first row is the value just before it, the second just after), and the
//! data is split there into independent pieces, each interpolated on its own. Evaluation is
//! one-sided: [`Side::Left`] takes the limit from smaller x, [`Side::Right`] from larger x, which
//! matters at discontinuities and (for the derivative) at every row of a piecewise-linear
//! column.
//!
//! What does not live here: reading tables from files and checking physical ranges
//! ([`super::table_parse`]).

use super::Side;

/// How a tabulated column is interpolated between rows (scenario.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Interpolation {
    /// Straight lines between rows.
    #[default]
    Linear,
    /// Straight lines in ln y for a column that is strictly positive; linear otherwise.
    LogLinear,
    /// Monotone piecewise cubic Hermite, with the derivative rule of scipy's
    /// `PchipInterpolator` (weighted harmonic mean inside, one-sided three-point formula at the
    /// ends). C¹, so its rows are not kinks.
    Pchip,
    /// Constant layers between rows, each with the value of the row at the layer's start. The
    /// last row of a piece only closes the last layer (its value is not used).
    Steps,
}

impl Interpolation {
    /// The names used in scenario files, in the order of [`Interpolation::ALL`].
    pub const NAMES: [&'static str; 4] = ["linear", "log-linear", "pchip", "steps"];
    /// Every method.
    pub const ALL: [Interpolation; 4] = [
        Interpolation::Linear,
        Interpolation::LogLinear,
        Interpolation::Pchip,
        Interpolation::Steps,
    ];

    /// The method named `name` in a scenario file, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::NAMES
            .iter()
            .position(|n| *n == name)
            .map(|i| Self::ALL[i])
    }

    /// The scenario-file name of the method.
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// True when the derivative (or the value) may jump at every row, so that every row must be
    /// a breakpoint for the integrators.
    pub fn rows_are_breakpoints(self) -> bool {
        !matches!(self, Interpolation::Pchip)
    }
}

/// Why a column cannot be interpolated (the table reader reports these with line numbers
/// before they can occur).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InterpolateError {
    #[error("x and y have different lengths ({x} and {y})")]
    LengthMismatch { x: usize, y: usize },
    #[error("at least two rows are needed, got {0}")]
    TooFewRows(usize),
    #[error("row {index}: x and y must be finite")]
    NotFinite { index: usize },
    #[error("row {index}: x decreases")]
    Decreasing { index: usize },
    #[error("row {index}: x repeated on more than two rows")]
    TripleRepeat { index: usize },
    #[error("row {index}: a discontinuity needs rows on both sides")]
    EdgeDiscontinuity { index: usize },
}

/// One strictly increasing run of rows between discontinuities.
#[derive(Debug, Clone, PartialEq)]
struct Piece {
    x: Vec<f64>,
    /// Values, or their natural logarithms for a log-linear column.
    y: Vec<f64>,
    /// The tabulated values themselves (returned exactly at rows).
    raw: Vec<f64>,
    log: bool,
    /// PCHIP node derivatives (empty for the other methods).
    d: Vec<f64>,
    /// Where to start looking for a segment.
    index: RowIndex,
}

/// A bucket index over a piece's rows: an integration step asks for the segment of each of
/// thousands of points on tables of thousands of rows, and a bisection of the whole table
/// costs more than the interpolation itself. `starts[b]` is the number of rows before bucket
/// b of equal width over [x₀, x_last]; a search looks near it first and checks that the
/// answer it finds there is the whole table's (so it is the same index as a bisection).
#[derive(Debug, Clone, PartialEq)]
struct RowIndex {
    x0: f64,
    per_km: f64,
    starts: Vec<u32>,
}

impl RowIndex {
    fn new(x: &[f64]) -> Self {
        let n = x.len();
        let (x0, span) = (x[0], x[n - 1] - x[0]);
        let buckets = n.max(1);
        let per_km = if span > 0.0 {
            buckets as f64 / span
        } else {
            0.0
        };
        let starts = (0..=buckets)
            .map(|b| x.partition_point(|&r| (r - x0) * per_km < b as f64) as u32)
            .collect();
        RowIndex { x0, per_km, starts }
    }

    /// `x.partition_point(pred)` for a predicate `pred` true below `at` and false above it
    /// (as `r < at` or `r <= at`), looked up near `at`'s bucket first.
    fn partition_point(&self, x: &[f64], at: f64, pred: impl Fn(f64) -> bool) -> usize {
        let n = x.len();
        let last = self.starts.len() - 2;
        let b = ((at - self.x0) * self.per_km).max(0.0);
        let b = if b < last as f64 { b as usize } else { last };
        let lo = (self.starts[b] as usize).saturating_sub(1);
        let hi = (self.starts[b + 1] as usize + 1).min(n);
        if (lo == 0 || pred(x[lo - 1])) && (hi == n || !pred(x[hi])) {
            lo + x[lo..hi].partition_point(|&r| pred(r))
        } else {
            x.partition_point(|&r| pred(r))
        }
    }
}

/// A column interpolated against x: values and exact derivatives, one-sided at rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Interpolant {
    method: Interpolation,
    pieces: Vec<Piece>,
}

impl Interpolant {
    /// Interpolates `y` against the non-decreasing `x` with `method`.
    pub fn new(x: &[f64], y: &[f64], method: Interpolation) -> Result<Self, InterpolateError> {
        if x.len() != y.len() {
            return Err(InterpolateError::LengthMismatch {
                x: x.len(),
                y: y.len(),
            });
        }
        if x.len() < 2 {
            return Err(InterpolateError::TooFewRows(x.len()));
        }
        if let Some(index) = (0..x.len()).find(|&i| !x[i].is_finite() || !y[i].is_finite()) {
            return Err(InterpolateError::NotFinite { index });
        }
        let log = method == Interpolation::LogLinear && y.iter().all(|&v| v > 0.0);
        let mut pieces = Vec::new();
        let mut start = 0;
        for i in 1..x.len() {
            if x[i] < x[i - 1] {
                return Err(InterpolateError::Decreasing { index: i });
            }
            if x[i] == x[i - 1] {
                if i >= 2 && x[i - 2] == x[i] {
                    return Err(InterpolateError::TripleRepeat { index: i });
                }
                if i == 1 || i == x.len() - 1 {
                    return Err(InterpolateError::EdgeDiscontinuity { index: i });
                }
                pieces.push(Piece::new(&x[start..i], &y[start..i], method, log));
                start = i;
            }
        }
        pieces.push(Piece::new(&x[start..], &y[start..], method, log));
        Ok(Interpolant { method, pieces })
    }

    /// The interpolation method.
    pub fn method(&self) -> Interpolation {
        self.method
    }

    /// The tabulated range [x_first, x_last].
    pub fn range(&self) -> (f64, f64) {
        let first = self.pieces.first().map_or(f64::NAN, |p| p.x[0]);
        let last = self.pieces.last().map_or(f64::NAN, |p| p.x[p.x.len() - 1]);
        (first, last)
    }

    /// The positions of the declared discontinuities (repeated x), sorted.
    pub fn discontinuities(&self) -> Vec<f64> {
        self.pieces.iter().skip(1).map(|p| p.x[0]).collect()
    }

    /// Every distinct row position, sorted.
    pub fn rows(&self) -> Vec<f64> {
        let mut rows: Vec<f64> = self.pieces.iter().flat_map(|p| p.x.clone()).collect();
        rows.dedup();
        rows
    }

    /// (value, dvalue/dx) at `x`, the one-sided limit on `side` at rows; `None` outside
    /// [`Interpolant::range`] (the range's ends themselves are inside, from either side).
    pub fn eval(&self, x: f64, side: Side) -> Option<(f64, f64)> {
        let (lo, hi) = self.range();
        if !(lo..=hi).contains(&x) {
            return None;
        }
        let piece = match side {
            Side::Left => self.pieces.iter().find(|p| x <= p.x[p.x.len() - 1]),
            Side::Right => self.pieces.iter().rev().find(|p| x >= p.x[0]),
        }?;
        Some(piece.eval(x, side, self.method))
    }
}

impl Piece {
    fn new(x: &[f64], y: &[f64], method: Interpolation, log: bool) -> Self {
        let stored: Vec<f64> = if log {
            y.iter().map(|v| v.ln()).collect()
        } else {
            y.to_vec()
        };
        let d = if method == Interpolation::Pchip {
            pchip_derivatives(x, &stored)
        } else {
            Vec::new()
        };
        Piece {
            x: x.to_vec(),
            y: stored,
            raw: y.to_vec(),
            log,
            d,
            index: RowIndex::new(x),
        }
    }

    /// The segment [x_i, x_{i+1}] holding `x`, chosen by `side` at rows and clamped at the ends.
    fn segment(&self, x: f64, side: Side) -> usize {
        let n = self.x.len();
        let i = match side {
            // first i with x <= x[i+1]
            // (= x[1..].partition_point(xi < x): x[0] < x unless none is)
            Side::Left => self
                .index
                .partition_point(&self.x, x, |xi| xi < x)
                .saturating_sub(1),
            // last i with x[i] <= x
            Side::Right => self
                .index
                .partition_point(&self.x, x, |xi| xi <= x)
                .saturating_sub(1),
        };
        i.min(n - 2)
    }

    fn eval(&self, x: f64, side: Side, method: Interpolation) -> (f64, f64) {
        // A piece of one row can only arise between two discontinuities; constant there.
        if self.x.len() == 1 {
            return (self.raw[0], 0.0);
        }
        let i = self.segment(x, side);
        let (x0, x1, y0, y1) = (self.x[i], self.x[i + 1], self.y[i], self.y[i + 1]);
        let h = x1 - x0;
        match method {
            Interpolation::Steps => (self.raw[i], 0.0),
            Interpolation::Linear | Interpolation::LogLinear => {
                let slope = (y1 - y0) / h;
                // Exact row values at both ends of the segment.
                let value = if x == x0 {
                    self.raw[i]
                } else if x == x1 {
                    self.raw[i + 1]
                } else if self.log {
                    (y0 + (x - x0) * slope).exp()
                } else {
                    y0 + (x - x0) * slope
                };
                (value, if self.log { value * slope } else { slope })
            }
            Interpolation::Pchip => hermite(x0, h, y0, y1, self.d[i], self.d[i + 1], x),
        }
    }
}

/// Cubic Hermite value and derivative on [x0, x0 + h] with end values y0, y1 and slopes d0, d1.
fn hermite(x0: f64, h: f64, y0: f64, y1: f64, d0: f64, d1: f64, x: f64) -> (f64, f64) {
    let t = (x - x0) / h;
    let (t2, t3) = (t * t, t * t * t);
    let value = (2.0 * t3 - 3.0 * t2 + 1.0) * y0
        + (t3 - 2.0 * t2 + t) * h * d0
        + (-2.0 * t3 + 3.0 * t2) * y1
        + (t3 - t2) * h * d1;
    let slope = ((6.0 * t2 - 6.0 * t) * (y0 - y1)) / h
        + (3.0 * t2 - 4.0 * t + 1.0) * d0
        + (3.0 * t2 - 2.0 * t) * d1;
    (value, slope)
}

/// The node derivatives of scipy's `PchipInterpolator` (scipy/interpolate/_cubic.py,
/// `PchipInterpolator._find_derivatives`): zero where the secants change sign or vanish, else
/// the weighted harmonic mean of the neighbouring secants; the three-point end formula with
/// its limits at both ends; two rows give a straight line.
fn pchip_derivatives(x: &[f64], y: &[f64]) -> Vec<f64> {
    let n = x.len();
    if n == 1 {
        return vec![0.0];
    }
    let h: Vec<f64> = x.windows(2).map(|w| w[1] - w[0]).collect();
    let m: Vec<f64> = (0..n - 1).map(|i| (y[i + 1] - y[i]) / h[i]).collect();
    if n == 2 {
        return vec![m[0], m[0]];
    }
    let mut d = vec![0.0; n];
    for k in 1..n - 1 {
        let (m0, m1) = (m[k - 1], m[k]);
        if sign(m0) != sign(m1) || m0 == 0.0 || m1 == 0.0 {
            continue;
        }
        let w1 = 2.0 * h[k] + h[k - 1];
        let w2 = h[k] + 2.0 * h[k - 1];
        d[k] = (w1 + w2) / (w1 / m0 + w2 / m1);
    }
    d[0] = pchip_edge(h[0], h[1], m[0], m[1]);
    d[n - 1] = pchip_edge(h[n - 2], h[n - 3], m[n - 2], m[n - 3]);
    d
}

/// scipy's `_edge_case`: the one-sided three-point estimate, set to zero when its sign differs
/// from the first secant's, and limited to 3 m0 when the secants change sign.
fn pchip_edge(h0: f64, h1: f64, m0: f64, m1: f64) -> f64 {
    let d = ((2.0 * h0 + h1) * m0 - h0 * m1) / (h0 + h1);
    if sign(d) != sign(m0) {
        0.0
    } else if sign(m0) != sign(m1) && d.abs() > 3.0 * m0.abs() {
        3.0 * m0
    } else {
        d
    }
}

/// numpy's `sign`: −1, 0 or 1.
fn sign(v: f64) -> i8 {
    if v > 0.0 {
        1
    } else if v < 0.0 {
        -1
    } else {
        0
    }
}

#[cfg(test)]
#[path = "interpolate_tests.rs"]
mod tests;
