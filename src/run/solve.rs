//! One grid point: build the Hamiltonian of its energy once, solve from the start (or from
//! each start point of a production-region average, averaging P and every dataset slab with
//! the start weights), and hand solution and Hamiltonian to the dataset producers.

use num_complex::Complex64;

use super::datasets::{Datasets, PointInput};
use super::grid::Grid;
use super::RunError;
use crate::basis::Flavours;
use crate::evolve::{self, EvolveError, Record, Solution};
use crate::hamiltonian::{CMat, EnergyHamiltonian, MediumHamiltonian};
use crate::output::EnergyResult;
use crate::scenario::Scenario;
use crate::units::mev_to_ev;

/// Solves grid point `grid_index` of `plan` (energy `grid_index % nE` of scan point
/// `grid_index / nE`): probabilities [nX, nI, 2N], amplitudes when asked, and the slabs of
/// every dataset. Builds the producers for this one call; a run builds them once and calls
/// [`solve_grid_point`].
pub fn solve_energy(plan: &Scenario, grid_index: usize) -> Result<EnergyResult, RunError> {
    solve_grid_point(plan, &Datasets::new(plan), grid_index)
}

/// [`solve_energy`] with the plan's producers already built.
pub fn solve_grid_point(
    plan: &Scenario,
    datasets: &Datasets,
    grid_index: usize,
) -> Result<EnergyResult, RunError> {
    let at = Grid::of(plan).point(grid_index);
    let physics = plan.scan_point(at.scan);
    let energy_mev = physics.energies_mev[at.energy];
    let point = Point {
        physics,
        datasets,
        grid_index,
        energy_mev,
    };
    match physics.flavours() {
        Flavours::Two => point.solve::<4>(),
        Flavours::Three => point.solve::<6>(),
    }
}

/// One grid point being solved.
struct Point<'a> {
    physics: &'a Scenario,
    datasets: &'a Datasets,
    grid_index: usize,
    energy_mev: f64,
}

impl Point<'_> {
    fn evolve_err(&self, source: EvolveError) -> RunError {
        RunError::Evolve {
            energy_mev: self.energy_mev,
            source,
        }
    }

    fn solve<const D: usize>(&self) -> Result<EnergyResult, RunError> {
        let physics = self.physics;
        let eh = EnergyHamiltonian::<D>::new(&physics.model, mev_to_ev(self.energy_mev));
        let path = MediumHamiltonian::new(eh, physics.medium.as_ref());
        let from = |start_km: f64| self.solve_from::<D>(&path, start_km);
        // A production-region average (docs/physics.md ("Built-in media"), solar; `[arrival]
        // production`) averages P over the start points, never amplitudes (validation refuses
        // amplitudes and record points that lie before a start). One integration from the innermost
        // start gives every start's propagator (evolve::solve_starts); recording every step needs
        // one run each.
        let mut result = match physics.averaged_starts_km() {
            Some(starts) => {
                let ones: Vec<EnergyResult> = if physics.record == Record::AllSteps {
                    starts
                        .iter()
                        .map(|&(start_km, _)| from(start_km))
                        .collect::<Result<_, _>>()?
                } else {
                    self.solve_all_starts::<D>(&path, &starts)?
                };
                let mut acc: Option<EnergyResult> = None;
                for (&(_, weight), one) in starts.iter().zip(ones) {
                    match acc.as_mut() {
                        None => acc = Some(scaled(one, weight)),
                        Some(acc) => accumulate(acc, &one, weight),
                    }
                }
                let mut acc = acc.expect("a production average has start points");
                acc.amplitude = None;
                acc.step_x_km = None;
                acc.step_probability = None;
                acc
            }
            None => from(physics.start_km)?,
        };
        self.datasets
            .finish::<D>(physics, self.energy_mev, &mut result)
            .map_err(|e| self.evolve_err(e))?;
        Ok(result)
    }

    /// Every start point's result from one integration from the innermost start
    /// (S(end, r_k) = S(end, r_1) S(r_k, r_1)†); the work is counted once.
    fn solve_all_starts<const D: usize>(
        &self,
        path: &MediumHamiltonian<'_, D>,
        starts: &[(f64, f64)],
    ) -> Result<Vec<EnergyResult>, RunError> {
        let physics = self.physics;
        let starts_km: Vec<f64> = starts.iter().map(|s| s.0).collect();
        let all = evolve::solve_starts(
            path,
            &starts_km,
            physics.end_km,
            &physics.record,
            &physics.solver,
        )
        .map_err(|e| self.evolve_err(e))?;
        let mut per_start = all.per_start;
        per_start[0].stats = evolve::Stats {
            max_unitarity_error: per_start[0].stats.max_unitarity_error,
            ..all.stats
        };
        starts_km
            .iter()
            .zip(&per_start)
            .map(|(&start_km, solution)| self.result_with_slabs(path, start_km, solution))
            .collect()
    }

    /// One solve from `start_km` to the end, as a result.
    fn solve_from<const D: usize>(
        &self,
        path: &MediumHamiltonian<'_, D>,
        start_km: f64,
    ) -> Result<EnergyResult, RunError> {
        let physics = self.physics;
        let solution = evolve::solve(
            path,
            start_km,
            physics.end_km,
            &physics.record,
            &physics.solver,
        )
        .map_err(|e| self.evolve_err(e))?;
        self.result_with_slabs(path, start_km, &solution)
    }

    /// The result of a solution from `start_km`, with every producer's slabs.
    fn result_with_slabs<const D: usize>(
        &self,
        path: &MediumHamiltonian<'_, D>,
        start_km: f64,
        solution: &Solution<D>,
    ) -> Result<EnergyResult, RunError> {
        let input = PointInput {
            physics: self.physics,
            energy_mev: self.energy_mev,
            path,
            start_km,
        };
        let extras = self
            .datasets
            .slabs(&input, solution)
            .map_err(|e| self.evolve_err(e))?;
        Ok(self.result_of(solution, extras))
    }

    /// Probabilities (and amplitudes) of the initial states from a solution.
    fn result_of<const D: usize>(
        &self,
        solution: &Solution<D>,
        extras: Vec<Vec<f64>>,
    ) -> EnergyResult {
        let physics = self.physics;
        let (step_x_km, step_probability) = if physics.record == Record::AllSteps {
            (
                Some(solution.x_km.clone()),
                Some(slab(&physics.initial, &solution.propagators).0),
            )
        } else {
            (None, None)
        };
        let recorded = physics.record.recorded(&solution.propagators);
        let (probability, amplitude) = slab(&physics.initial, recorded);
        EnergyResult {
            grid_index: self.grid_index,
            probability,
            amplitude: physics.output.amplitudes.then_some(amplitude),
            steps: solution.stats.accepted,
            rejected: solution.stats.rejected,
            unitarity_error: solution.stats.max_unitarity_error,
            step_x_km,
            step_probability,
            extras,
        }
    }
}

/// |S_ji|² and S_ji of the initial states `initial` at each propagator, [nX, nI, D].
fn slab<const D: usize>(initial: &[usize], props: &[CMat<D>]) -> (Vec<f64>, Vec<Complex64>) {
    let mut probability = Vec::with_capacity(props.len() * initial.len() * D);
    let mut amplitude = Vec::with_capacity(props.len() * initial.len() * D);
    for s in props {
        for &i in initial {
            for j in 0..D {
                let a: Complex64 = s[(j, i)];
                probability.push(a.norm_sqr());
                amplitude.push(a);
            }
        }
    }
    (probability, amplitude)
}

/// The first start point of an average, weighted.
fn scaled(mut first: EnergyResult, weight: f64) -> EnergyResult {
    first.probability.iter_mut().for_each(|p| *p *= weight);
    first.extras.iter_mut().flatten().for_each(|x| *x *= weight);
    first
}

/// Adds a further start point of an average.
fn accumulate(acc: &mut EnergyResult, one: &EnergyResult, weight: f64) {
    for (a, p) in acc.probability.iter_mut().zip(&one.probability) {
        *a += weight * p;
    }
    for (a, x) in acc
        .extras
        .iter_mut()
        .flatten()
        .zip(one.extras.iter().flatten())
    {
        *a += weight * x;
    }
    acc.steps += one.steps;
    acc.rejected += one.rejected;
    acc.unitarity_error = acc.unitarity_error.max(one.unitarity_error);
}
