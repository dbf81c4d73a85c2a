//! The `[output] observables` as datasets (group `/observables`): mass-state populations,
//! decoherent arrival (day, night, A_DN) and resolution-averaged probabilities. The physics
//! is in [`crate::observables`].

use std::sync::Arc;

use super::{derived, slab_index, spec, PointInput};
use crate::detector::mixture;
use crate::evolve::{EvolveError, Solution};
use crate::hamiltonian::CMat;
use crate::medium::EarthChord;
use crate::observables::{arrival, averaged, mass};
use crate::output::{DerivedDataset, EnergyResult, ExtraSpec, RunHeader};
use crate::scenario::Scenario;

/// `/observables/mass_population`.
pub const MASS_POPULATION: &str = "observables/mass_population";
/// `/observables/arrival_day`.
pub const ARRIVAL_DAY: &str = "observables/arrival_day";
/// `/observables/arrival_night`.
pub const ARRIVAL_NIGHT: &str = "observables/arrival_night";
/// `/observables/arrival_night_zenith`.
pub const ARRIVAL_NIGHT_ZENITH: &str = "observables/arrival_night_zenith";
/// `/observables/arrival_night_cos_zenith` (derived): the chords' cos θ_z, the `nZ` axis.
pub const ARRIVAL_NIGHT_COS_ZENITH: &str = "observables/arrival_night_cos_zenith";
/// `/observables/arrival_night_chord_weight` (derived): the chords' weights in `arrival_night`.
pub const ARRIVAL_NIGHT_CHORD_WEIGHT: &str = "observables/arrival_night_chord_weight";
/// `/observables/arrival_day_mu_eff_sq_mu_b2` (with moments).
pub const ARRIVAL_DAY_MU2: &str = "observables/arrival_day_mu_eff_sq_mu_b2";
/// `/observables/arrival_night_mu_eff_sq_mu_b2` (with moments and chords).
pub const ARRIVAL_NIGHT_MU2: &str = "observables/arrival_night_mu_eff_sq_mu_b2";
/// `/observables/arrival_night_zenith_mu_eff_sq_mu_b2` (with moments and chords).
pub const ARRIVAL_NIGHT_ZENITH_MU2: &str = "observables/arrival_night_zenith_mu_eff_sq_mu_b2";
/// `/observables/day_night_asymmetry` (derived).
pub const DAY_NIGHT_ASYMMETRY: &str = "observables/day_night_asymmetry";
/// `/observables/averaged_probability`.
pub const AVERAGED_PROBABILITY: &str = "observables/averaged_probability";
/// `/observables/averaged_min_phase_spread_rad`.
pub const AVERAGED_SPREAD: &str = "observables/averaged_min_phase_spread_rad";
/// `/observables/energy_resolution` (derived; carries the `warning` attribute).
pub const ENERGY_RESOLUTION: &str = "observables/energy_resolution";

/// The vacuum mass populations of every initial state from propagator `s` (`w0`: the
/// vacuum basis of [`mass::vacuum_basis`]).
fn populations<const D: usize>(physics: &Scenario, w0: &CMat<D>, s: &CMat<D>) -> Vec<f64> {
    physics
        .initial
        .iter()
        .flat_map(|&i| mass::populations(w0, s, i))
        .collect()
}

/// The `nZ` axis of the per-chord night slabs: each chord's cos θ_z and weight per scan point
/// [scan..., nZ] (a scan of the site's latitude moves the chords); none without the per-chord
/// slab.
fn chord_axes(plan: &Scenario, header: &RunHeader) -> Vec<DerivedDataset> {
    let nz = plan.arrival.chords.len();
    let points = plan.n_scan_points();
    if nz == 0
        || slab_index(header, ARRIVAL_NIGHT_ZENITH).is_none()
        || points != header.n_scan_points()
    {
        return Vec::new();
    }
    let per_point = |value: fn(&EarthChord) -> f64| -> Vec<f64> {
        (0..points)
            .flat_map(|p| {
                let chords = &plan.scan_point(p).arrival.chords;
                (0..nz).map(move |z| chords.get(z).map_or(f64::NAN, value))
            })
            .collect()
    };
    let mut shape = header.scan_shape();
    shape.push(nz);
    vec![
        derived(
            ARRIVAL_NIGHT_COS_ZENITH,
            "1",
            "cos zenith of each Earth chord of the night arrival [scan..., nZ]: the nZ axis of observables/arrival_night_zenith".into(),
            shape.clone(),
            per_point(|c| c.cos_zenith),
        ),
        derived(
            ARRIVAL_NIGHT_CHORD_WEIGHT,
            "1",
            "weight of each chord in observables/arrival_night [scan..., nZ] (they add up to 1): [arrival] earth's weights, or the site's exposure".into(),
            shape,
            per_point(|c| c.weight),
        ),
    ]
}

/// `mass`: the populations of the vacuum propagation eigenstates at every record point.
#[derive(Debug, Clone, Copy)]
pub struct MassPopulations;

impl MassPopulations {
    pub(super) fn specs(&self, plan: &Scenario) -> Vec<ExtraSpec> {
        let (ni, d) = (plan.initial.len(), plan.labels.len());
        let labels = mass::mass_labels(plan.model.basis, d / 2).join(", ");
        vec![spec(
            MASS_POPULATION,
            "1",
            format!(
                "populations of the vacuum propagation eigenstates (mass i x helicity block, each block in its own vacuum basis) [scan..., nE, nX, nI, 2N]; last axis: {labels}"
            ),
            vec![plan.record.n_recorded(), ni, d],
        )]
    }

    pub(super) fn slabs<const D: usize>(
        &self,
        input: &PointInput<'_, D>,
        solution: &Solution<D>,
        out: &mut Vec<Vec<f64>>,
    ) {
        let w0 = mass::vacuum_basis::<D>(&input.physics.model);
        let recorded = input.physics.record.recorded(&solution.propagators);
        out.push(
            recorded
                .iter()
                .flat_map(|s| populations(input.physics, &w0, s))
                .collect(),
        );
    }
}

/// `earth`: decoherent arrival at a distant detector, day and (with `[arrival] earth`) night.
/// Until `finish` its slabs hold the exit mass populations (linear in the state,
/// so a production average stays exact); `finish` crosses the Earth chords once per energy.
#[derive(Debug, Clone)]
pub struct Arrival {
    /// Number of night chords (0: day only).
    n_chords: usize,
    /// Whether the arrival's μ_eff² is written (some scan point has a moment).
    moments: bool,
    /// The chords' shared layers, found once per run (`None`: no chords, or an error that
    /// `finish` reports).
    night: Option<Arc<arrival::NightLayers>>,
}

impl Arrival {
    pub(super) fn new(plan: &Scenario) -> Arrival {
        let chords = &plan.arrival.chords;
        Arrival {
            n_chords: chords.len(),
            moments: (0..plan.n_scan_points()).any(|p| !plan.scan_point(p).model.moments.is_zero()),
            night: (!chords.is_empty())
                .then(|| arrival::NightLayers::new(chords).ok().map(Arc::new))
                .flatten(),
        }
    }

    pub(super) fn specs(&self, plan: &Scenario) -> Vec<ExtraSpec> {
        let (ni, d) = (plan.initial.len(), plan.labels.len());
        let mut specs = vec![spec(
            ARRIVAL_DAY,
            "1",
            "decoherent arrival at a distant detector without the Earth (day): P(initial -> final) = sum_k |W0_final,k|^2 p_k from the exit mass populations p_k [scan..., nE, nI, 2N]".into(),
            vec![ni, d],
        )];
        let nz = self.n_chords;
        if nz > 0 {
            specs.push(spec(
                ARRIVAL_NIGHT,
                "1",
                "decoherent arrival after the Earth (night), each mass state through the PREM chords of [arrival] earth or [arrival] site, averaged with their weights [scan..., nE, nI, 2N]".into(),
                vec![ni, d],
            ));
            specs.push(spec(
                ARRIVAL_NIGHT_ZENITH,
                "1",
                "night arrival per chord [scan..., nE, nZ, nI, 2N]; the chords' cos zenith and weights are observables/arrival_night_cos_zenith and arrival_night_chord_weight".into(),
                vec![nz, ni, d],
            ));
        }
        if self.moments {
            specs.extend(self.moment_specs(ni));
        }
        specs
    }

    /// The arrival's μ_eff² (day, and night with chords), after the probabilities.
    fn moment_specs(&self, ni: usize) -> Vec<ExtraSpec> {
        let what = "mu_eff^2 (both helicity blocks) of the decoherent arrival, sum_k p_k mu_eff^2(state k), the factor of the magnetic nu-e cross section";
        let mut specs = vec![spec(
            ARRIVAL_DAY_MU2,
            "mu_B^2",
            format!("{what}, without the Earth (day) [scan..., nE, nI]"),
            vec![ni],
        )];
        if self.n_chords > 0 {
            specs.push(spec(
                ARRIVAL_NIGHT_MU2,
                "mu_B^2",
                format!("{what}, after the Earth chords (night), averaged with their weights [scan..., nE, nI]"),
                vec![ni],
            ));
            specs.push(spec(
                ARRIVAL_NIGHT_ZENITH_MU2,
                "mu_B^2",
                format!("{what}, per night chord [scan..., nE, nZ, nI]"),
                vec![self.n_chords, ni],
            ));
        }
        specs
    }

    /// The number of probability slabs (day; night and per chord with chords).
    fn n_probability_slabs(&self) -> usize {
        if self.n_chords > 0 {
            3
        } else {
            1
        }
    }

    pub(super) fn slabs<const D: usize>(
        &self,
        input: &PointInput<'_, D>,
        solution: &Solution<D>,
        out: &mut Vec<Vec<f64>>,
    ) {
        let s_end = &solution.propagators[solution.propagators.len() - 1];
        let w0 = mass::vacuum_basis::<D>(&input.physics.model);
        out.push(populations(input.physics, &w0, s_end));
        let ni = input.physics.initial.len();
        if self.n_chords > 0 {
            out.push(vec![0.0; ni * D]);
            out.push(vec![0.0; self.n_chords * ni * D]);
        }
        // The μ_eff² slabs are filled by `finish` from the averaged populations.
        if self.moments {
            out.push(vec![0.0; ni]);
            if self.n_chords > 0 {
                out.push(vec![0.0; ni]);
                out.push(vec![0.0; self.n_chords * ni]);
            }
        }
    }

    /// Turns the (averaged) exit populations in `slabs[0]` into probabilities at the
    /// detector: day in `slabs[0]`, weighted night in `slabs[1]`, night per chord in
    /// `slabs[2]`.
    pub(super) fn finish<const D: usize>(
        &self,
        physics: &Scenario,
        energy_mev: f64,
        slabs: &mut [Vec<f64>],
    ) -> Result<(), EvolveError> {
        let model = &physics.model;
        let populations = slabs[0].clone();
        let day_t = arrival::day_transfer::<D>(model);
        for (p, out) in populations.chunks(D).zip(slabs[0].chunks_mut(D)) {
            arrival::apply(&day_t, p, out);
        }
        let first_mu = self.n_probability_slabs();
        if self.moments {
            let m0 = mixture::state_moments::<D>(model, &mass::vacuum_basis::<D>(model));
            slabs[first_mu] = populations
                .chunks(D)
                .map(|p| mixture::mixture_moment(&m0, p))
                .collect();
        }
        let chords = &physics.arrival.chords;
        if chords.is_empty() {
            return Ok(());
        }
        let built;
        let night = match &self.night {
            Some(night) if night.made_from(chords) => night.as_ref(),
            _ => {
                built = arrival::NightLayers::new(chords)?;
                &built
            }
        };
        let states = arrival::night_states::<D>(model, energy_mev, night);
        let weights: Vec<f64> = chords.iter().map(|c| c.weight).collect();
        let nights: Vec<[[f64; D]; D]> = states.iter().map(arrival::squared).collect();
        (slabs[1], slabs[2]) = weigh_chords(&weights, &populations, D, D, |c, p, out| {
            arrival::apply(&nights[c], p, out)
        });
        if self.moments {
            let moments: Vec<[f64; D]> = states
                .iter()
                .map(|s| mixture::state_moments::<D>(model, s))
                .collect();
            (slabs[first_mu + 1], slabs[first_mu + 2]) =
                weigh_chords(&weights, &populations, D, 1, |c, p, out| {
                    out[0] = mixture::mixture_moment(&moments[c], p)
                });
        }
        Ok(())
    }

    /// A_DN of the active flavours (with Earth chords).
    pub(super) fn derived(
        &self,
        plan: &Scenario,
        header: &RunHeader,
        results: &[EnergyResult],
    ) -> Vec<DerivedDataset> {
        let mut out = chord_axes(plan, header);
        out.extend(self.asymmetry(header, results));
        out
    }

    /// A_DN of the active flavours (none without a night slab).
    fn asymmetry(&self, header: &RunHeader, results: &[EnergyResult]) -> Vec<DerivedDataset> {
        let (Some(iday), Some(inight)) = (
            slab_index(header, ARRIVAL_DAY),
            slab_index(header, ARRIVAL_NIGHT),
        ) else {
            return Vec::new();
        };
        let ni = header.initial_states.len();
        let d = header.final_states.len();
        let n = d / 2;
        let mut values = vec![f64::NAN; header.n_grid() * ni * n];
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
        vec![derived(
            DAY_NIGHT_ASYMMETRY,
            "1",
            "A_DN = 2(D - N)/(D + N) of the active flavours from arrival_day and arrival_night [scan..., nE, nI, N] (NaN where a grid point did not finish)".into(),
            shape,
            values,
        )]
    }
}

/// The night of each chord and their weighted average. `populations` holds one row of `d`
/// exit populations per initial state; `per_chord(c, row, out)` writes chord c's `width`
/// values for one row into `out`. Returns (weighted night [nI, width], per chord
/// [nZ, nI, width]).
fn weigh_chords(
    weights: &[f64],
    populations: &[f64],
    d: usize,
    width: usize,
    per_chord: impl Fn(usize, &[f64], &mut [f64]),
) -> (Vec<f64>, Vec<f64>) {
    let slab = populations.len() / d * width;
    let mut night = vec![0.0; slab];
    let mut zenith = vec![0.0; weights.len() * slab];
    let mut tmp = vec![0.0; width];
    for (c, w) in weights.iter().enumerate() {
        for (k, p) in populations.chunks(d).enumerate() {
            per_chord(c, p, &mut tmp);
            let at = c * slab + k * width;
            zenith[at..at + width].copy_from_slice(&tmp);
            for (n, v) in night[k * width..(k + 1) * width].iter_mut().zip(&tmp) {
                *n += w * v;
            }
        }
    }
    (night, zenith)
}

/// `averaged`: probabilities averaged over the energy resolution `[arrival]
/// energy_resolution`, from the solution and the Hamiltonian it was solved with.
#[derive(Debug, Clone, Copy)]
pub struct Averaged;

impl Averaged {
    pub(super) fn specs(&self, plan: &Scenario) -> Vec<ExtraSpec> {
        let (ni, d) = (plan.initial.len(), plan.labels.len());
        let sigma = plan.arrival.energy_resolution.unwrap_or(0.0);
        vec![
            spec(
                AVERAGED_PROBABILITY,
                "1",
                format!(
                    "P(initial -> final) at the end of the track averaged over a Gaussian energy resolution sigma_E/E = {sigma} (fast phases damped, slow part Gauss-Hermite averaged) [scan..., nE, nI, 2N]"
                ),
                vec![ni, d],
            ),
            spec(
                AVERAGED_SPREAD,
                "rad",
                format!(
                    "smallest phase spread sigma_E |dPhi_ab/dE| of a contributing interference term (weighted mean over averaged start points; {} = none); below {} rad the term is only partly averaged [scan..., nE, nI]",
                    averaged::NO_SPREAD_RAD,
                    averaged::WARN_SPREAD_RAD
                ),
                vec![ni],
            ),
        ]
    }

    pub(super) fn slabs<const D: usize>(
        &self,
        input: &PointInput<'_, D>,
        solution: &Solution<D>,
        out: &mut Vec<Vec<f64>>,
    ) -> Result<(), EvolveError> {
        let physics = input.physics;
        let s_end = &solution.propagators[solution.propagators.len() - 1];
        // A production average's starts share one phase-derivative quadrature.
        let starts: Vec<f64> = physics
            .averaged_starts_km()
            .map(|s| s.iter().map(|p| p.0).collect())
            .unwrap_or_default();
        let a = averaged::averaged_of_start(
            &physics.model,
            input.path,
            physics.arrival.energy_resolution.unwrap_or(0.0),
            &starts,
            input.start_km,
            physics.end_km,
            s_end,
            &physics.initial,
        )?;
        out.push(a.probability);
        out.push(a.min_spread_rad);
        Ok(())
    }

    /// The energy resolution with its `warning` attribute.
    pub(super) fn derived(
        &self,
        plan: &Scenario,
        header: &RunHeader,
        results: &[EnergyResult],
    ) -> Vec<DerivedDataset> {
        let (Some(sigma), Some(ispread)) = (
            plan.arrival.energy_resolution,
            slab_index(header, AVERAGED_SPREAD),
        ) else {
            return Vec::new();
        };
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
        let mut ds = derived(
            ENERGY_RESOLUTION,
            "1",
            "sigma_E/E of the averaged observable; attribute min_phase_spread_rad is the smallest contributing phase spread of the run, warning says where averaging is incomplete".into(),
            vec![1],
            vec![sigma],
        );
        ds.f64_attrs = vec![(
            "min_phase_spread_rad".into(),
            min.min(averaged::NO_SPREAD_RAD),
        )];
        ds.text_attrs = vec![("warning".into(), warning)];
        vec![ds]
    }
}
