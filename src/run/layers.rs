//! The `layers` method of a whole run with work shared across grid points
//! ([`crate::evolve::shared_layers`]): every scan point's chord is cut into segments of the
//! run's distinct layers once, and per energy (and per distinct model among the scan points)
//! every layer is eigendecomposed once, on first use, for all chords.
//!
//! It applies when every scan point uses `layers`, records only the end of the track, has no
//! production-region average and asks for no dataset beyond `/probability` (`/amplitude`
//! included); otherwise [`super::solve_grid_point`] solves each grid point on its own. Only the
//! initial states are propagated (vectors). The propagator is unitary by construction, so
//! its unitarity error is reported as 0 (not measured).

use std::sync::OnceLock;

use num_complex::Complex64;

use super::RunError;
use crate::basis::Flavours;
use crate::evolve::shared_layers::{CVec, Chord, LayerEigens, LayerSet};
use crate::evolve::{Method, Record};
use crate::hamiltonian::{EnergyHamiltonian, Model};
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
    /// The chord of each scan point.
    chords: Vec<Chord>,
    /// The distinct models among the scan points, and each scan point's.
    models: Vec<Model>,
    model_of: Vec<usize>,
    n_energies: usize,
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
}

impl<const D: usize> LayerRunDim<D> {
    fn new(scenario: &Scenario) -> Option<Self> {
        let n_points = scenario.n_grid() / scenario.energies_mev.len().max(1);
        if !super::extra_specs(scenario).is_empty() {
            return None;
        }
        let mut layers = LayerSet::new();
        let mut chords = Vec::with_capacity(n_points);
        let mut models: Vec<Model> = Vec::new();
        let mut model_of = Vec::with_capacity(n_points);
        let mut needed = [false, false];
        for s in 0..n_points {
            let point = scenario.scan_point(s);
            let applies = point.solver.method == Method::Layers
                && point.record == Record::End
                && point.averaged_starts_km().is_none()
                && point.medium.is_piecewise_constant();
            if !applies {
                return None;
            }
            let chord = layers
                .chord(point.medium.as_ref(), point.start_km, point.end_km)
                .ok()?;
            chords.push(chord);
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
        let n_energies = scenario.energies_mev.len();
        let eigens = (0..models.len() * n_energies)
            .map(|_| OnceLock::new())
            .collect();
        Some(LayerRunDim {
            layers,
            chords,
            models,
            model_of,
            n_energies,
            eigens,
            needed,
        })
    }

    fn solve(&self, scenario: &Scenario, grid_index: usize) -> Result<EnergyResult, RunError> {
        let s = grid_index / self.n_energies;
        let e = grid_index % self.n_energies;
        let point = scenario.scan_point(s);
        let energy_mev = point.energies_mev[e];
        let m = self.model_of[s];
        let eig = self.eigens[m * self.n_energies + e].get_or_init(|| {
            let eh = EnergyHamiltonian::<D>::new(&self.models[m], mev_to_ev(energy_mev));
            LayerEigens::new(&eh, &self.layers, self.needed)
        });
        let chord = &self.chords[s];
        let steps = chord.segments.len() as u64;
        let n_initial = point.initial.len();
        let mut probability = Vec::with_capacity(n_initial * D);
        let mut amplitude = Vec::with_capacity(n_initial * D);
        let mut scratch = Vec::new();
        for &i in &point.initial {
            let mut psi = CVec::<D>::zeros();
            psi[i] = Complex64::new(1.0, 0.0);
            eig.propagate_with(chord, &mut psi, &mut scratch);
            for a in psi.iter() {
                probability.push(a.norm_sqr());
            }
            amplitude.extend(psi.iter().copied());
        }
        Ok(EnergyResult {
            grid_index,
            probability,
            amplitude: point.output.amplitudes.then_some(amplitude),
            steps,
            rejected: 0,
            unitarity_error: 0.0,
            step_x_km: None,
            step_probability: None,
            extras: Vec::new(),
        })
    }
}
