//! The `layers` method of a whole run with work shared across grid points
//! ([`crate::evolve::shared_layers`]): every scan point's chord is cut into segments of the
//! run's distinct layers once, and per energy (and per distinct model among the scan points)
//! every layer is eigendecomposed once, on first use, for all chords.
//!
//! It applies when every scan point uses `layers`, records only the end of the track and asks
//! for no dataset beyond `/probability` (`/amplitude` included); a production-region average
//! (`[arrival] production`) is a weighted sum of P over one chord per start point. Otherwise
//! [`super::solve_grid_point`] solves each grid point on its own (same answers to round-off).
//! Only the initial states are propagated (vectors). The propagator is unitary by
//! construction, so its unitarity error is reported as 0 (not measured).

use std::any::Any;
use std::cell::RefCell;
use std::sync::OnceLock;

use num_complex::Complex64;

use super::RunError;
use crate::basis::Flavours;
use crate::evolve::shared_layers::{CVec, Chord, LayerEigens, LayerHamiltonians, LayerSet};
use crate::evolve::{Method, Record};
use crate::hamiltonian::Model;
use crate::output::EnergyResult;
use crate::scenario::Scenario;
use crate::units::mev_to_ev;

/// Shared-layer state of one run.
pub enum LayerRun {
    Two(LayerRunDim<4>),
    Three(LayerRunDim<6>),
}

/// [`LayerRun`] at dimension D = 2N.
pub struct LayerRunDim<const D: usize> {
    layers: LayerSet,
    /// (weight, chord) of every start point of every scan point: one of weight 1, or those
    /// of a production-region average.
    chords: Vec<(f64, Chord)>,
    /// Each scan point's range of `chords`.
    starts: Vec<std::ops::Range<usize>>,
    /// The layer Hamiltonians of each distinct model among the scan points, and each scan
    /// point's model.
    models: Vec<LayerHamiltonians<D>>,
    model_of: Vec<usize>,
    n_energies: usize,
    /// Whether more than one scan point uses the model (its eigensystems are then cached).
    shared: Vec<bool>,
    /// `[model][energy]`, filled on first use.
    eigens: Vec<OnceLock<LayerEigens<D>>>,
    /// The helicity blocks the initial states live in ([0, N), [N, 2N)).
    needed: [bool; 2],
}

impl LayerRun {
    /// The shared-layer path for `scenario`, or `None` when it does not apply.
    pub fn new(scenario: &Scenario) -> Option<Self> {
        match scenario.flavours() {
            Flavours::Two => LayerRunDim::<4>::new(scenario).map(LayerRun::Two),
            Flavours::Three => LayerRunDim::<6>::new(scenario).map(LayerRun::Three),
        }
    }

    /// Grid point `grid_index` of `scenario` (the scenario this was built for).
    pub fn solve(&self, scenario: &Scenario, grid_index: usize) -> Result<EnergyResult, RunError> {
        match self {
            LayerRun::Two(r) => r.solve(scenario, grid_index),
            LayerRun::Three(r) => r.solve(scenario, grid_index),
        }
    }

    /// The segments (constant layers) of scan point `scan_point`'s chords, all start points.
    pub fn steps(&self, scan_point: usize) -> usize {
        match self {
            LayerRun::Two(r) => r.steps(scan_point),
            LayerRun::Three(r) => r.steps(scan_point),
        }
    }

    /// The probabilities of grid point `grid_index` (initial-state-major, as
    /// [`EnergyResult::probability`]) written into `out`, without allocating: for callers that
    /// keep their own buffers (benchmarks, libraries embedding the solver).
    pub fn probabilities_into(&self, scenario: &Scenario, grid_index: usize, out: &mut [f64]) {
        match self {
            LayerRun::Two(r) => r.probabilities_into(scenario, grid_index, out),
            LayerRun::Three(r) => r.probabilities_into(scenario, grid_index, out),
        }
    }
}

thread_local! {
    /// Phases of palindromic chords, per worker thread.
    static PHASES: RefCell<Vec<Complex64>> = const { RefCell::new(Vec::new()) };
    /// Storage of the eigensystems that are not cached (a lone chord), reused from energy to
    /// energy on each worker thread: a `LayerEigens<D>` of the run's dimension.
    static SPARE: RefCell<Option<Box<dyn Any>>> = const { RefCell::new(None) };
}

impl<const D: usize> LayerRunDim<D> {
    fn new(scenario: &Scenario) -> Option<Self> {
        let n_points = scenario.n_grid() / scenario.energies_mev.len().max(1);
        if !super::extra_specs(scenario).is_empty() {
            return None;
        }
        let mut layers = LayerSet::new();
        let mut chords = Vec::with_capacity(n_points);
        let mut starts = Vec::with_capacity(n_points);
        let mut models: Vec<Model> = Vec::new();
        let mut model_of = Vec::with_capacity(n_points);
        let mut needed = [false, false];
        for s in 0..n_points {
            let point = scenario.scan_point(s);
            let averaged = point.averaged_starts_km();
            let applies = point.solver.method == Method::Layers
                && point.record == Record::End
                && point.medium.is_piecewise_constant()
                // Averages are of P only (validation refuses amplitudes with them).
                && !(averaged.is_some() && point.output.amplitudes);
            if !applies {
                return None;
            }
            let from = chords.len();
            for (start_km, weight) in averaged.unwrap_or_else(|| vec![(point.start_km, 1.0)]) {
                let chord = layers
                    .chord(point.medium.as_ref(), start_km, point.end_km)
                    .ok()?;
                chords.push((weight, chord));
            }
            starts.push(from..chords.len());
            let m = match models.iter().position(|m| *m == point.model) {
                Some(m) => m,
                None => {
                    models.push(point.model.clone());
                    models.len() - 1
                }
            };
            model_of.push(m);
            for &i in &point.initial {
                needed[usize::from(i >= D / 2)] = true;
            }
        }
        let models: Vec<LayerHamiltonians<D>> = models
            .iter()
            .map(|m| LayerHamiltonians::new(m, &layers))
            .collect();
        let shared: Vec<bool> = (0..models.len())
            .map(|m| model_of.iter().filter(|&&k| k == m).count() > 1)
            .collect();
        let n_energies = scenario.energies_mev.len();
        let eigens = (0..models.len() * n_energies)
            .map(|_| OnceLock::new())
            .take(if shared.iter().any(|&s| s) {
                usize::MAX
            } else {
                0
            })
            .collect();
        Some(LayerRunDim {
            layers,
            chords,
            starts,
            models,
            model_of,
            shared,
            n_energies,
            eigens,
            needed,
        })
    }

    /// Calls `f` with the eigensystems of grid point `grid_index`'s energy and model and
    /// with its weighted chords. The eigensystems are cached for the other scan points of the
    /// energy when there are any; a lone chord (no scan) computes them in place, so a run
    /// over many energies keeps no per-energy memory.
    fn with_parts<R>(
        &self,
        scenario: &Scenario,
        grid_index: usize,
        f: impl FnOnce(&LayerEigens<D>, &[(f64, Chord)]) -> R,
    ) -> R {
        let s = grid_index / self.n_energies;
        let e = grid_index % self.n_energies;
        let energy_ev = mev_to_ev(scenario.scan_point(s).energies_mev[e]);
        let m = self.model_of[s];
        let chords = &self.chords[self.starts[s].clone()];
        if self.shared[m] {
            let make =
                || LayerEigens::at_energy(&self.models[m], &self.layers, energy_ev, self.needed);
            f(
                self.eigens[m * self.n_energies + e].get_or_init(make),
                chords,
            )
        } else {
            SPARE.with_borrow_mut(|spare| {
                if !spare.as_ref().is_some_and(|e| e.is::<LayerEigens<D>>()) {
                    *spare = Some(Box::new(LayerEigens::<D>::empty()));
                }
                let eig = spare
                    .as_mut()
                    .and_then(|e| e.downcast_mut::<LayerEigens<D>>())
                    .expect("set just above");
                eig.recompute(&self.models[m], &self.layers, energy_ev, self.needed);
                f(eig, chords)
            })
        }
    }

    fn steps(&self, scan_point: usize) -> usize {
        self.chords[self.starts[scan_point].clone()]
            .iter()
            .map(|(_, c)| c.segments.len())
            .sum()
    }

    /// ψ of initial state `i` at the end of the chord; without the phase common to all
    /// components unless `amplitude`.
    fn propagate(eig: &LayerEigens<D>, chord: &Chord, i: usize, amplitude: bool) -> CVec<D> {
        let mut psi = CVec::<D>::zeros();
        PHASES
            .with_borrow_mut(|scratch| eig.propagate_basis(chord, i, &mut psi, scratch, amplitude));
        psi
    }

    /// P of every initial state into `out` (weighted over the start points of an average);
    /// the amplitudes of a single chord into `amplitude` when given.
    fn fill(
        &self,
        scenario: &Scenario,
        grid_index: usize,
        out: &mut [f64],
        mut amplitude: Option<&mut Vec<Complex64>>,
    ) -> u64 {
        self.with_parts(scenario, grid_index, |eig, chords| {
            let point = scenario.scan_point(grid_index / self.n_energies);
            out.fill(0.0);
            let mut steps = 0;
            for (c, (weight, chord)) in chords.iter().enumerate() {
                steps += chord.segments.len() as u64;
                for (k, &i) in point.initial.iter().enumerate() {
                    let psi = Self::propagate(eig, chord, i, amplitude.is_some());
                    if c == 0 && chords.len() == 1 {
                        if let Some(a) = amplitude.as_deref_mut() {
                            a.extend(psi.iter().copied());
                        }
                    }
                    for (o, a) in out[k * D..(k + 1) * D].iter_mut().zip(psi.iter()) {
                        *o += weight * a.norm_sqr();
                    }
                }
            }
            steps
        })
    }

    fn probabilities_into(&self, scenario: &Scenario, grid_index: usize, out: &mut [f64]) {
        self.fill(scenario, grid_index, out, None);
    }

    fn solve(&self, scenario: &Scenario, grid_index: usize) -> Result<EnergyResult, RunError> {
        let point = scenario.scan_point(grid_index / self.n_energies);
        let n_initial = point.initial.len();
        let amplitudes = point.output.amplitudes;
        let mut probability = vec![0.0; n_initial * D];
        let mut amplitude = Vec::with_capacity(if amplitudes { n_initial * D } else { 0 });
        let steps = self.fill(
            scenario,
            grid_index,
            &mut probability,
            amplitudes.then_some(&mut amplitude),
        );
        Ok(EnergyResult {
            grid_index,
            probability,
            amplitude: amplitudes.then_some(amplitude),
            steps,
            rejected: 0,
            unitarity_error: 0.0,
            step_x_km: None,
            step_probability: None,
            extras: Vec::new(),
        })
    }
}
