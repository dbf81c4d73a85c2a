//! Named dataset producers: the per-grid-point datasets beyond `/probability` (observables,
//! detector quantities) and the whole-run datasets computed from them at the end.
//!
//! [`Datasets::new`] builds the producers once from the plan. Each declares its datasets
//! ([`ExtraSpec`]) and owns the slabs it declared: it knows where they start in
//! [`EnergyResult::extras`], so no producer looks up another's slabs by position. Per grid
//! point a producer is handed the solved [`Solution`] and the [`MediumHamiltonian`] the solve
//! used (never rebuilding it), through a [`PointInput`]. The physics lives in
//! [`crate::observables`] and [`crate::detector`]; this module only shapes it into datasets.
//!
//! Every per-grid-point slab must be linear in the evolved density matrix: a production-region
//! average averages the slabs with the weights of P. A producer that needs the averaged
//! state (the Earth crossing of the arrival datasets) does that work in
//! [`Datasets::finish`], once per grid point after the average.
//!
//! To add a dataset: write its physics as a plain function in `observables/` or `detector/`,
//! add a producer here (a variant of [`Producer`] and a file beside this one), and give it a
//! test that reads the dataset back from a run.

pub mod collective;
pub mod day_night;
mod day_night_cc;
mod day_night_nc;
mod day_night_samples;
pub mod decoherence;
pub mod detector;
pub mod mixing;
pub mod night_bins;
pub mod observables;
pub mod solar;
pub mod track;
pub mod turbulence;

use crate::evolve::{EvolveError, Solution};
use crate::hamiltonian::MediumHamiltonian;
use crate::output::{DerivedDataset, EnergyResult, ExtraSpec, RunHeader};
use crate::scenario::Scenario;

/// What a producer sees of one solved start point of one grid point.
pub struct PointInput<'a, const D: usize> {
    /// The physics of the grid point's scan point (the plan itself without a scan).
    pub physics: &'a Scenario,
    /// The neutrino energy of the grid point.
    pub energy_mev: f64,
    /// The Hamiltonian along the track at this energy, as the solve used it.
    pub path: &'a MediumHamiltonian<'a, D>,
    /// Where this solution started (one of several for a production-region average).
    pub start_km: f64,
}

/// One named producer.
#[derive(Debug, Clone)]
pub enum Producer {
    /// `/observables/mass_population`.
    Mass(observables::MassPopulations),
    /// `/observables/arrival_*`.
    Arrival(observables::Arrival),
    /// `/observables/averaged_*`.
    Averaged(observables::Averaged),
    /// `/detector/...`.
    Detector(detector::DetectorDatasets),
    /// `/collective/...` (filled by the coupled solver, not per solution).
    Collective(collective::CollectiveDatasets),
    /// `/observables/decoherent_probability`.
    Decoherent(decoherence::Decoherent),
    /// `/turbulence/...`.
    Realisations(turbulence::Realisations),
}

/// A producer and the index of its first slab in [`EnergyResult::extras`].
#[derive(Debug, Clone)]
struct Slot {
    producer: Producer,
    first: usize,
}

/// The producers of a plan, in the order their slabs appear in every result.
#[derive(Debug, Clone)]
pub struct Datasets {
    slots: Vec<Slot>,
    specs: Vec<ExtraSpec>,
}

impl Datasets {
    /// The producers `plan` asks for.
    pub fn new(plan: &Scenario) -> Datasets {
        let obs = plan.output.observables;
        let mut producers = Vec::new();
        if obs.mass {
            producers.push(Producer::Mass(observables::MassPopulations));
        }
        if obs.earth {
            producers.push(Producer::Arrival(observables::Arrival::new(plan)));
        }
        if obs.averaged {
            producers.push(Producer::Averaged(observables::Averaged));
        }
        if plan.detector.is_some() {
            producers.push(Producer::Detector(detector::DetectorDatasets));
        }
        if plan.collective.is_some() {
            producers.push(Producer::Collective(collective::CollectiveDatasets::new(
                plan,
            )));
        }
        if plan.arrival.wave_packet.is_some() {
            producers.push(Producer::Decoherent(decoherence::Decoherent));
        }
        if turbulence::has_realisations(plan) {
            producers.push(Producer::Realisations(turbulence::Realisations));
        }
        let mut specs = Vec::new();
        let slots = producers
            .into_iter()
            .map(|producer| {
                let first = specs.len();
                specs.extend(producer.specs(plan));
                Slot { producer, first }
            })
            .collect();
        Datasets { slots, specs }
    }

    /// No producers: a solve that yields only the probabilities (the pre-run probe of
    /// [`crate::run::estimate::project_steps`], which counts steps and keeps nothing).
    pub fn none() -> Datasets {
        Datasets {
            slots: Vec::new(),
            specs: Vec::new(),
        }
    }

    /// The per-grid-point datasets the whole-run datasets are computed from (the other
    /// slabs need not be loaded for [`Datasets::derived`]).
    pub fn derived_inputs(&self) -> Vec<&'static str> {
        let mut paths = Vec::new();
        for slot in &self.slots {
            match &slot.producer {
                Producer::Mass(_) => {}
                // The per-chord night slab feeds the night bins of `[arrival] site`.
                Producer::Arrival(_) => paths.extend([
                    observables::ARRIVAL_DAY,
                    observables::ARRIVAL_NIGHT,
                    observables::ARRIVAL_NIGHT_ZENITH,
                    observables::ARRIVAL_DAY_MU2,
                    observables::ARRIVAL_NIGHT_MU2,
                    observables::ARRIVAL_NIGHT_ZENITH_MU2,
                ]),
                Producer::Averaged(_) => paths.push(observables::AVERAGED_SPREAD),
                Producer::Detector(_) => paths.extend([detector::MU_EFF_SQ, detector::COMPOSITION]),
                Producer::Collective(_) => {
                    paths.extend(collective::CollectiveDatasets::derived_inputs())
                }
                Producer::Decoherent(_) => {}
                Producer::Realisations(_) => paths.push(turbulence::PROBABILITY_END),
            }
        }
        paths
    }

    /// The `/collective/...` producer, when the plan is a coupled run.
    pub fn collective(&self) -> Option<&collective::CollectiveDatasets> {
        self.slots.iter().find_map(|s| match &s.producer {
            Producer::Collective(p) => Some(p),
            _ => None,
        })
    }

    /// The per-grid-point datasets, in the order every result holds their slabs.
    pub fn specs(&self) -> &[ExtraSpec] {
        &self.specs
    }

    /// The slabs of every producer for one solved start point.
    pub fn slabs<const D: usize>(
        &self,
        input: &PointInput<'_, D>,
        solution: &Solution<D>,
    ) -> Result<Vec<Vec<f64>>, EvolveError> {
        let mut out = Vec::with_capacity(self.specs.len());
        for slot in &self.slots {
            match &slot.producer {
                Producer::Mass(p) => p.slabs(input, solution, &mut out),
                Producer::Arrival(p) => p.slabs(input, solution, &mut out),
                Producer::Averaged(p) => p.slabs(input, solution, &mut out)?,
                Producer::Detector(p) => p.slabs(input, solution, &mut out),
                // A coupled run fills its slabs itself (run::coupled); never per solution.
                Producer::Collective(_) => {}
                Producer::Decoherent(p) => p.slabs(input, solution, &mut out)?,
                Producer::Realisations(p) => p.slabs(input, solution, &mut out),
            }
        }
        Ok(out)
    }

    /// The work done once per grid point after any production-region average.
    pub fn finish<const D: usize>(
        &self,
        physics: &Scenario,
        energy_mev: f64,
        result: &mut EnergyResult,
    ) -> Result<(), EvolveError> {
        for slot in &self.slots {
            if let Producer::Arrival(p) = &slot.producer {
                p.finish::<D>(physics, energy_mev, &mut result.extras[slot.first..])?;
            }
        }
        Ok(())
    }

    /// The whole-run datasets from the finished results (`results` may miss grid points when
    /// the run stopped early). The header says where each slab is (a merged file's header
    /// comes from the shards).
    pub fn derived(
        &self,
        plan: &Scenario,
        header: &RunHeader,
        results: &[EnergyResult],
    ) -> Vec<DerivedDataset> {
        let mut out = Vec::new();
        for slot in &self.slots {
            match &slot.producer {
                Producer::Mass(_) => {}
                Producer::Arrival(p) => out.extend(p.derived(plan, header, results)),
                Producer::Averaged(p) => out.extend(p.derived(plan, header, results)),
                Producer::Detector(p) => out.extend(p.derived(plan, header, results)),
                Producer::Collective(p) => out.extend(p.derived(header, results)),
                Producer::Decoherent(p) => out.extend(p.derived(plan)),
                Producer::Realisations(p) => out.extend(p.derived(header, results)),
            }
        }
        // Scans that change the track: each scan point's record positions.
        out.extend(track::derived_datasets(plan));
        // Whole-run only: the solar model's provenance and the site's night bins.
        out.extend(solar::solar_datasets(plan));
        out.extend(night_bins::night_bin_datasets(plan, header, results));
        out.extend(day_night::day_night_datasets(plan, header, results));
        out.extend(mixing::derived_datasets(&plan.model.mixing));
        out
    }
}

impl Producer {
    /// The per-grid-point datasets of this producer.
    fn specs(&self, plan: &Scenario) -> Vec<ExtraSpec> {
        match self {
            Producer::Mass(p) => p.specs(plan),
            Producer::Arrival(p) => p.specs(plan),
            Producer::Averaged(p) => p.specs(plan),
            Producer::Detector(p) => p.specs(plan),
            Producer::Collective(p) => p.specs(plan),
            Producer::Decoherent(p) => p.specs(plan),
            Producer::Realisations(p) => p.specs(plan),
        }
    }
}

/// The position of dataset `path` among the header's slabs.
fn slab_index(header: &RunHeader, path: &str) -> Option<usize> {
    header.extras.iter().position(|e| e.path == path)
}

/// An [`ExtraSpec`] in one line.
fn spec(path: &str, unit: &str, description: String, shape: Vec<usize>) -> ExtraSpec {
    ExtraSpec {
        path: path.into(),
        unit: unit.into(),
        description,
        shape,
    }
}

/// A [`DerivedDataset`] without attributes.
fn derived(
    path: &str,
    unit: &str,
    description: String,
    shape: Vec<usize>,
    values: Vec<f64>,
) -> DerivedDataset {
    DerivedDataset {
        path: path.into(),
        unit: unit.into(),
        description,
        shape,
        values,
        f64_attrs: Vec::new(),
        text_attrs: Vec::new(),
    }
}

/// The warnings of derived datasets worth printing in the run summary (`warning` text
/// attributes other than "none").
pub fn warnings(derived: &[DerivedDataset]) -> Vec<String> {
    derived
        .iter()
        .flat_map(|d| &d.text_attrs)
        .filter(|(k, v)| k == "warning" && v != "none")
        .map(|(_, v)| v.clone())
        .collect()
}
