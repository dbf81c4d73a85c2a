//! The grids of scenario.md: numpy-style `linspace`/`logspace` with exact end points, and
//! the one validator of a `min, max, points, scale` range, shared by `[energy]`, `[detector]`
//! recoil energies and `[scan]` ranges (each names its own fields in the messages).

/// How the energies are spaced (`"log"`, `"linear"`; listed in that order in messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scale {
    Log,
    Linear,
}

/// `points` energies from `min_mev` to `max_mev` inclusive (numpy's linspace/logspace:
/// start + i·step, the last point set to the end exactly).
pub fn energy_grid(scale: Scale, min_mev: f64, max_mev: f64, points: usize) -> Vec<f64> {
    if points == 1 {
        return vec![min_mev];
    }
    let (a, b) = match scale {
        Scale::Linear => (min_mev, max_mev),
        Scale::Log => (min_mev.log10(), max_mev.log10()),
    };
    let step = (b - a) / (points - 1) as f64;
    let mut grid: Vec<f64> = (0..points)
        .map(|i| {
            let t = a + i as f64 * step;
            match scale {
                Scale::Linear => t,
                Scale::Log => 10f64.powf(t),
            }
        })
        .collect();
    grid[0] = min_mev;
    grid[points - 1] = max_mev;
    grid
}

/// The names of one range's fields, for its messages (`min_mev`, `recoil_max_mev`, ...).
#[derive(Debug, Clone, Copy)]
pub struct RangeFields<'a> {
    pub min: &'a str,
    pub max: &'a str,
    pub points: &'a str,
}

/// A range as written: ends already checked finite (and > 0 where the table asks for it).
#[derive(Debug, Clone, Copy)]
pub struct Range {
    pub scale: Scale,
    pub min: f64,
    pub max: f64,
    pub points: i64,
}

/// The grid of `range`: `points` in `1..=max_points`, one point only when `min = max`,
/// `min < max` otherwise, `min > 0` on a log scale. An error is `(field, message)` with
/// `field` one of `names`.
pub fn range_grid(
    range: Range,
    names: RangeFields,
    max_points: i64,
) -> Result<Vec<f64>, (String, String)> {
    let Range {
        scale,
        min,
        max,
        points,
    } = range;
    let fail = |field: &str, message: String| Err((field.to_string(), message));
    if !(1..=max_points).contains(&points) {
        return if max_points == i64::MAX {
            fail(names.points, format!("must be >= 1, got {points}"))
        } else {
            let message = format!("must be an integer from 1 to {max_points}, got {points}");
            fail(names.points, message)
        };
    }
    if points == 1 && max != min {
        let message = format!(
            "must equal {} when {} = 1, got {max}",
            names.min, names.points
        );
        return fail(names.max, message);
    }
    if points > 1 && min >= max {
        let message = format!(
            "must be < {}, got {} = {min} and {} = {max}",
            names.max, names.min, names.max
        );
        return fail(names.min, message);
    }
    if scale == Scale::Log && min <= 0.0 {
        return fail(names.min, format!("must be > 0 on a log scale, got {min}"));
    }
    Ok(energy_grid(scale, min, max, points as usize))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grids_include_both_ends_exactly() {
        let g = energy_grid(Scale::Log, 1.0, 60.0, 200);
        assert_eq!((g[0], g[199]), (1.0, 60.0));
        // numpy.logspace(0, log10(60), 200)[1] = 1.0207902...
        assert!((g[1] - 60f64.powf(1.0 / 199.0)).abs() < 1e-14);
        let l = energy_grid(Scale::Linear, 2.0, 4.0, 5);
        assert_eq!(l, vec![2.0, 2.5, 3.0, 3.5, 4.0]);
        assert_eq!(energy_grid(Scale::Log, 5.0, 5.0, 1), vec![5.0]);
    }

    #[test]
    fn ranges_name_the_field_at_fault() {
        let names = RangeFields {
            min: "lo",
            max: "hi",
            points: "n",
        };
        let range = |min, max, points| Range {
            scale: Scale::Log,
            min,
            max,
            points,
        };
        let grid = range_grid(range(1.0, 4.0, 3), names, 10).unwrap();
        assert_eq!((grid.len(), grid[0], grid[2]), (3, 1.0, 4.0));
        let field = |r, max_points| range_grid(r, names, max_points).unwrap_err().0;
        assert_eq!(field(range(1.0, 4.0, 0), i64::MAX), "n");
        assert_eq!(field(range(1.0, 4.0, 11), 10), "n");
        assert_eq!(field(range(1.0, 4.0, 1), 10), "hi");
        assert_eq!(field(range(4.0, 1.0, 3), 10), "lo");
        assert_eq!(field(range(-1.0, 1.0, 3), 10), "lo");
        let (_, m) = range_grid(range(4.0, 4.0, 2), names, 10).unwrap_err();
        assert_eq!(m, "must be < hi, got lo = 4 and hi = 4");
    }
}
