//! Decoherent arrival at a distant detector, and the Earth on the way (the `earth`
//! observable).
//!
//! Between the end of the track and a detector an astronomical distance away (the Sun–Earth
//! distance, a supernova's kiloparsecs) the state crosses vacuum, where the propagation
//! eigenstates |b, i⟩ of [`super::mass`] pick up phases Δm²L/2E that vary by many radians
//! across any energy bin and across the spread of L (the Earth's orbit, the source's size). What
//! arrives is therefore the incoherent mixture Σ_k p_k |k⟩⟨k| with the mass populations p_k at
//! the exit. This is exact for every diagonal probability when every coherence between
//! non-degenerate vacuum states averages out; the coherences between degenerate states (the two
//! helicities of one mass, which vacuum does not split) survive, but they cannot reach any
//! probability because neither vacuum nor the Earth (no magnetic field) couples the two blocks.
//!
//! - Day (no Earth): P(β) = Σ_k |W₀_βk|² p_k, i.e. Σ_i |U_αi|² P_i in each block, active and
//!   sterile/antineutrino states reported separately (the 2N final states).
//! - Night: each |k⟩ crosses the PREM chord of physics.md §8 (`layers`, exact on its shells),
//!   P_c(β) = Σ_k |(S_c W₀)_βk|² p_k, and the chords are averaged with their weights.
//! - The day–night asymmetry A_DN = 2(D − N)/(D + N) of the active flavours is derived from
//!   the two at the end of the run.

use super::mass::vacuum_basis;
use crate::evolve::{self, EvolveError, Method, Record, SolverOptions};
use crate::hamiltonian::{CMat, EnergyHamiltonian, MediumHamiltonian, Model};
use crate::medium::EarthChord;
use crate::units::mev_to_ev;

/// A transfer matrix `T[β][k]`: P(β) = Σ_k `T[β][k]` p_k.
pub type Transfer<const D: usize> = [[f64; D]; D];

/// |M_βk|² of a matrix whose columns are states.
fn squared<const D: usize>(m: &CMat<D>) -> Transfer<D> {
    std::array::from_fn(|b| std::array::from_fn(|k| m[(b, k)].norm_sqr()))
}

/// The day transfer |W₀_βk|².
pub fn day_transfer<const D: usize>(model: &Model) -> Transfer<D> {
    squared(&vacuum_basis::<D>(model))
}

/// The propagator of one Earth chord at `energy_mev` (exact on the PREM shells).
pub fn chord_propagator<const D: usize>(
    model: &Model,
    energy_mev: f64,
    chord: &EarthChord,
) -> Result<CMat<D>, EvolveError> {
    let eh = EnergyHamiltonian::<D>::new(model, mev_to_ev(energy_mev));
    let path = MediumHamiltonian::new(eh, &chord.medium);
    let options = SolverOptions {
        method: Method::Layers,
        ..Default::default()
    };
    let sol = evolve::solve(&path, 0.0, chord.medium.length_km(), &Record::End, &options)?;
    Ok(sol.propagators[0])
}

/// The night transfer of each chord, |(S_c W₀)_βk|², in chord order.
pub fn night_transfers<const D: usize>(
    model: &Model,
    energy_mev: f64,
    chords: &[EarthChord],
) -> Result<Vec<Transfer<D>>, EvolveError> {
    let w0 = vacuum_basis::<D>(model);
    chords
        .iter()
        .map(|c| {
            Ok(squared(
                &(chord_propagator::<D>(model, energy_mev, c)? * w0),
            ))
        })
        .collect()
}

/// T p for populations `p` (length D), written into `out`.
pub fn apply<const D: usize>(t: &Transfer<D>, p: &[f64], out: &mut [f64]) {
    for (b, o) in out.iter_mut().enumerate().take(D) {
        *o = (0..D).map(|k| t[b][k] * p[k]).sum();
    }
}

/// A_DN = 2(D − N)/(D + N), 0 where both vanish.
pub fn day_night_asymmetry(day: f64, night: f64) -> f64 {
    if day + night == 0.0 {
        0.0
    } else {
        2.0 * (day - night) / (day + night)
    }
}
