//! The run grid: every (scan point, energy) pair of a plan, flattened in C order with the
//! energy fastest, so grid index `g` is energy `g % nE` of scan point `g / nE` (the order of
//! every `[scan..., nE, ...]` dataset).

use crate::scenario::Scenario;

/// One point of the grid: which scan point, which energy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GridPoint {
    /// Scan point (0 without a scan).
    pub scan: usize,
    /// Index into the plan's energies.
    pub energy: usize,
}

/// The shape of the grid: scan points × energies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grid {
    pub n_scan: usize,
    pub n_energies: usize,
}

impl Grid {
    /// The grid of a validated scenario.
    pub fn of(plan: &Scenario) -> Grid {
        Grid {
            n_scan: plan.n_scan_points(),
            n_energies: plan.energies_mev.len(),
        }
    }

    /// Number of grid points.
    pub fn len(&self) -> usize {
        self.n_scan * self.n_energies
    }

    /// Whether the grid has no points (never for a validated scenario).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The point of flat index `index`.
    pub fn point(&self, index: usize) -> GridPoint {
        GridPoint {
            scan: index / self.n_energies,
            energy: index % self.n_energies,
        }
    }

    /// The flat index of `point`.
    pub fn index(&self, point: GridPoint) -> usize {
        point.scan * self.n_energies + point.energy
    }
}

/// The grid points of shard `shard` (all of them for `None`), in increasing order: shard k of
/// n holds the points `g` with `g % n == k - 1`.
pub fn shard_grid_points(n_grid: usize, shard: Option<(usize, usize)>) -> Vec<usize> {
    match shard {
        None => (0..n_grid).collect(),
        Some((k, n)) => (k.saturating_sub(1)..n_grid).step_by(n.max(1)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_and_point_are_inverse_with_the_energy_fastest() {
        let grid = Grid {
            n_scan: 3,
            n_energies: 4,
        };
        assert_eq!(grid.point(5), GridPoint { scan: 1, energy: 1 });
        for g in 0..grid.len() {
            assert_eq!(grid.index(grid.point(g)), g);
        }
    }

    #[test]
    fn shards_partition_the_grid() {
        let mut all: Vec<usize> = (1..=3)
            .flat_map(|k| shard_grid_points(10, Some((k, 3))))
            .collect();
        all.sort_unstable();
        assert_eq!(all, shard_grid_points(10, None));
        assert_eq!(shard_grid_points(10, Some((2, 3))), vec![1, 4, 7]);
    }
}
