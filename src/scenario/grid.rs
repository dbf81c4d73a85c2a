//! Energy grids of scenario.md `[energy]`: numpy-style `linspace`/`logspace` with exact end
//! points, or explicit values.

/// How the energies are spaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    Linear,
    Log,
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
}
