//! What a detector sees, beyond the probability at the end of the track: the
//! `[output] observables` of a scenario and their datasets (group `/observables`).
//!
//! - [`mass`]: the vacuum propagation eigenstates (mass × helicity block, each block in its own
//!   basis) and their populations: `mass`.
//! - [`arrival`]: decoherent arrival at a distant detector, optionally through the Earth
//!   (day, night, A_DN): `earth`.
//! - [`averaged`]: probabilities averaged over a Gaussian energy resolution from one solution,
//!   without sampling the oscillation: `averaged`.
//! - [`exposure`]: a detector site's annual exposure in the Sun's zenith angle, night chords.
//! - [`night_bins`]: the named night bins of `[arrival] site`.
//! - [`production`]: the Gaussian start-point distribution of `[arrival] production`.
//! - [`solar`]: the solar model's provenance and total fluxes (`/solar/total_flux`).
//!
//! The run layer ([`crate::run`]) calls three hooks: [`extra_specs`] (the per-grid-point
//! datasets), [`extras_of`] (their slabs for one solved start point; every slab is linear in
//! the evolved density matrix, so a production-region average averages them with the weights
//! of P) and [`finish`] (after that average: the arrival slabs hold the exit mass populations
//! until then and are turned into probabilities here, so the Earth chords are crossed once per
//! energy, not once per start point). [`derived_datasets`] adds A_DN and the resolution
//! warning at the end of the run.

pub mod arrival;
pub mod averaged;
pub mod exposure;
pub mod mass;
pub mod night_bins;
pub mod production;
pub mod solar;

use crate::evolve::{EvolveError, Solution};
use crate::hamiltonian::{EnergyHamiltonian, MediumHamiltonian};
use crate::output::{DerivedDataset, EnergyResult, ExtraSpec, RunHeader};
use crate::scenario::{RecordSpec, Scenario};
use crate::units::mev_to_ev;

/// `/observables/mass_population`.
pub const MASS_POPULATION: &str = "observables/mass_population";
/// `/observables/arrival_day`.
pub const ARRIVAL_DAY: &str = "observables/arrival_day";
/// `/observables/arrival_night`.
pub const ARRIVAL_NIGHT: &str = "observables/arrival_night";
/// `/observables/arrival_night_zenith`.
pub const ARRIVAL_NIGHT_ZENITH: &str = "observables/arrival_night_zenith";
/// `/observables/arrival_night_bins` (derived, `[arrival] site`).
pub const ARRIVAL_NIGHT_BINS: &str = "observables/arrival_night_bins";
/// `/observables/day_night_asymmetry` (derived).
pub const DAY_NIGHT_ASYMMETRY: &str = "observables/day_night_asymmetry";
/// `/observables/averaged_probability`.
pub const AVERAGED_PROBABILITY: &str = "observables/averaged_probability";
/// `/observables/averaged_min_phase_spread_rad`.
pub const AVERAGED_SPREAD: &str = "observables/averaged_min_phase_spread_rad";
/// `/observables/energy_resolution` (derived; carries the `warning` attribute).
pub const ENERGY_RESOLUTION: &str = "observables/energy_resolution";

/// Number of recorded positions nX of the scenario (the end only for `all-steps`).
fn n_record(scenario: &Scenario) -> usize {
    match &scenario.record {
        RecordSpec::Points(xs) => xs.len(),
        RecordSpec::End | RecordSpec::AllSteps => 1,
    }
}

/// The per-grid-point datasets the scenario's observables add, in slab order.
pub fn extra_specs(scenario: &Scenario) -> Vec<ExtraSpec> {
    let obs = scenario.output.observables;
    let (ni, d) = (scenario.initial.len(), scenario.labels.len());
    let n = d / 2;
    let mut specs = Vec::new();
    let spec = |path: &str, unit: &str, description: String, shape: Vec<usize>| ExtraSpec {
        path: path.into(),
        unit: unit.into(),
        description,
        shape,
    };
    if obs.mass {
        let labels = mass::mass_labels(scenario.model.basis, n).join(", ");
        specs.push(spec(
            MASS_POPULATION,
            "1",
            format!(
                "populations of the vacuum propagation eigenstates (mass i x helicity block, each block in its own vacuum basis) [scan..., nE, nX, nI, 2N]; last axis: {labels}"
            ),
            vec![n_record(scenario), ni, d],
        ));
    }
    if obs.earth {
        specs.push(spec(
            ARRIVAL_DAY,
            "1",
            "decoherent arrival at a distant detector without the Earth (day): P(initial -> final) = sum_k |W0_final,k|^2 p_k from the exit mass populations p_k [scan..., nE, nI, 2N]".into(),
            vec![ni, d],
        ));
        let nz = scenario.arrival.chords.len();
        if nz > 0 {
            specs.push(spec(
                ARRIVAL_NIGHT,
                "1",
                "decoherent arrival after the Earth (night), each mass state through the PREM chords of [arrival] earth, averaged with their weights [scan..., nE, nI, 2N]".into(),
                vec![ni, d],
            ));
            let cos: Vec<String> = scenario
                .arrival
                .chords
                .iter()
                .map(|c| format!("{}", c.cos_zenith))
                .collect();
            specs.push(spec(
                ARRIVAL_NIGHT_ZENITH,
                "1",
                format!(
                    "night arrival per chord [scan..., nE, nZ, nI, 2N]; cos_zenith = [{}]",
                    cos.join(", ")
                ),
                vec![nz, ni, d],
            ));
        }
    }
    if obs.averaged {
        let sigma = scenario.arrival.energy_resolution.unwrap_or(0.0);
        specs.push(spec(
            AVERAGED_PROBABILITY,
            "1",
            format!(
                "P(initial -> final) at the end of the track averaged over a Gaussian energy resolution sigma_E/E = {sigma} (fast phases damped, slow part Gauss-Hermite averaged) [scan..., nE, nI, 2N]"
            ),
            vec![ni, d],
        ));
        specs.push(spec(
            AVERAGED_SPREAD,
            "rad",
            format!(
                "smallest phase spread sigma_E |dPhi_ab/dE| of a contributing interference term (weighted mean over averaged start points; {} = none); below {} rad the term is only partly averaged [scan..., nE, nI]",
                averaged::NO_SPREAD_RAD,
                averaged::WARN_SPREAD_RAD
            ),
            vec![ni],
        ));
    }
    specs
}

/// The slabs of [`extra_specs`] for one solved start point (the arrival slabs hold the exit
/// mass populations until [`finish`]).
pub fn extras_of<const D: usize>(
    scenario: &Scenario,
    grid_index: usize,
    start_km: f64,
    solution: &Solution<D>,
) -> Result<Vec<Vec<f64>>, EvolveError> {
    let obs = scenario.output.observables;
    let mut out = Vec::new();
    if !(obs.mass || obs.earth || obs.averaged) {
        return Ok(out);
    }
    let w0 = mass::vacuum_basis::<D>(&scenario.model);
    let recorded = scenario.record.recorded(&solution.propagators);
    let s_end = solution.propagators[solution.propagators.len() - 1];
    let populations = |s| {
        scenario
            .initial
            .iter()
            .flat_map(|&i| mass::populations(&w0, s, i))
            .collect::<Vec<f64>>()
    };
    if obs.mass {
        out.push(recorded.iter().flat_map(&populations).collect());
    }
    if obs.earth {
        out.push(populations(&s_end));
        let nz = scenario.arrival.chords.len();
        if nz > 0 {
            let slab = scenario.initial.len() * D;
            out.push(vec![0.0; slab]);
            out.push(vec![0.0; nz * slab]);
        }
    }
    if obs.averaged {
        let energy_mev = scenario.energies_mev[grid_index % scenario.energies_mev.len()];
        let eh = EnergyHamiltonian::<D>::new(&scenario.model, mev_to_ev(energy_mev));
        let path = MediumHamiltonian::new(eh, scenario.medium.as_ref());
        let sigma = scenario.arrival.energy_resolution.unwrap_or(0.0);
        let a = averaged::averaged(
            &scenario.model,
            &path,
            sigma,
            start_km,
            scenario.end_km,
            &s_end,
            &scenario.initial,
        )?;
        out.push(a.probability);
        out.push(a.min_spread_rad);
    }
    Ok(out)
}

/// Turns the (averaged) exit populations of the arrival slabs into probabilities at the
/// detector: day, night per chord and weighted night.
pub fn finish<const D: usize>(
    scenario: &Scenario,
    result: &mut EnergyResult,
) -> Result<(), EvolveError> {
    let obs = scenario.output.observables;
    if !obs.earth {
        return Ok(());
    }
    let day = usize::from(obs.mass);
    let populations = result.extras[day].clone();
    let day_t = arrival::day_transfer::<D>(&scenario.model);
    for (p, out) in populations.chunks(D).zip(result.extras[day].chunks_mut(D)) {
        arrival::apply(&day_t, p, out);
    }
    let chords = &scenario.arrival.chords;
    if chords.is_empty() {
        return Ok(());
    }
    let energy_mev = scenario.energies_mev[result.grid_index % scenario.energies_mev.len()];
    let nights = arrival::night_transfers::<D>(&scenario.model, energy_mev, chords)?;
    let slab = populations.len();
    let mut night = vec![0.0; slab];
    let mut zenith = vec![0.0; chords.len() * slab];
    let mut tmp = [0.0; D];
    for (c, (t, chord)) in nights.iter().zip(chords).enumerate() {
        for (k, p) in populations.chunks(D).enumerate() {
            arrival::apply(t, p, &mut tmp);
            let at = c * slab + k * D;
            zenith[at..at + D].copy_from_slice(&tmp);
            for (n, v) in night[k * D..(k + 1) * D].iter_mut().zip(&tmp) {
                *n += chord.weight * v;
            }
        }
    }
    result.extras[day + 1] = night;
    result.extras[day + 2] = zenith;
    Ok(())
}

/// The slab index of `path` among the header's extras.
fn slab_index(header: &RunHeader, path: &str) -> Option<usize> {
    header.extras.iter().position(|e| e.path == path)
}

/// Whole-run datasets: A_DN of the active flavours (with Earth chords) and the energy
/// resolution with its warning (with `averaged`).
pub fn derived_datasets(
    scenario: &Scenario,
    header: &RunHeader,
    results: &[EnergyResult],
) -> Vec<DerivedDataset> {
    let mut out = Vec::new();
    let n_grid = header.n_grid();
    let ni = header.initial_states.len();
    let d = header.final_states.len();
    let n = d / 2;
    if let (Some(iday), Some(inight)) = (
        slab_index(header, ARRIVAL_DAY),
        slab_index(header, ARRIVAL_NIGHT),
    ) {
        let mut values = vec![f64::NAN; n_grid * ni * n];
        for r in results {
            for i in 0..ni {
                for beta in 0..n {
                    let (dv, nv) = (r.extras[iday][i * d + beta], r.extras[inight][i * d + beta]);
                    values[(r.grid_index * ni + i) * n + beta] =
                        arrival::day_night_asymmetry(dv, nv);
                }
            }
        }
        let mut shape = header.grid_shape();
        shape.extend([ni, n]);
        out.push(DerivedDataset {
            path: DAY_NIGHT_ASYMMETRY.into(),
            unit: "1".into(),
            description: "A_DN = 2(D - N)/(D + N) of the active flavours from arrival_day and arrival_night [scan..., nE, nI, N] (NaN where a grid point did not finish)".into(),
            shape,
            values,
            f64_attrs: Vec::new(),
            text_attrs: Vec::new(),
        });
    }
    if let (Some(sigma), Some(ispread)) = (
        scenario.arrival.energy_resolution,
        slab_index(header, AVERAGED_SPREAD),
    ) {
        let (mut min, mut worst) = (f64::INFINITY, None);
        for r in results {
            for (i, &s) in r.extras[ispread].iter().enumerate() {
                if s < min {
                    min = s;
                    worst = Some((r.grid_index, i));
                }
            }
        }
        let warning = match worst {
            Some((g, i)) if min < averaged::WARN_SPREAD_RAD => format!(
                "averaged: at E = {} MeV (grid point {g}), initial state {}, an interference term has a phase spread of only {min:.3} rad across sigma_E/E = {sigma}: it is not averaged away, so averaged_probability there still depends on the phase and on the shape of the resolution",
                header.energy_mev[g % header.n_energies()],
                header.initial_states[i]
            ),
            _ => "none".into(),
        };
        out.push(DerivedDataset {
            path: ENERGY_RESOLUTION.into(),
            unit: "1".into(),
            description: "sigma_E/E of the averaged observable; attribute min_phase_spread_rad is the smallest contributing phase spread of the run, warning says where averaging is incomplete".into(),
            shape: vec![1],
            values: vec![sigma],
            f64_attrs: vec![("min_phase_spread_rad".into(), min.min(averaged::NO_SPREAD_RAD))],
            text_attrs: vec![("warning".into(), warning)],
        });
    }
    out
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
