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
use crate::evolve::shared_layers::{LayerEigens, LayerSet};
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

/// The night transfer of each chord, |(S_c W₀)_βk|², in chord order. Every chord crosses
/// the same few PREM shells, so each distinct shell is eigendecomposed once per energy and
/// shared by all chords ([`LayerEigens`]); each column of W₀ is then propagated through the
/// chord's segments exactly (the same midpoint matter per shell as [`chord_propagator`]).
pub fn night_transfers<const D: usize>(
    model: &Model,
    energy_mev: f64,
    chords: &[EarthChord],
) -> Result<Vec<Transfer<D>>, EvolveError> {
    let w0 = vacuum_basis::<D>(model);
    let mut layers = LayerSet::new();
    let segments = chords
        .iter()
        .map(|c| layers.chord(&c.medium, 0.0, c.medium.length_km()))
        .collect::<Result<Vec<_>, _>>()?;
    let eigens = LayerEigens::<D>::new(model, mev_to_ev(energy_mev), &layers, [true, true]);
    Ok(segments
        .iter()
        .map(|chord| {
            let mut m = w0;
            eigens.propagate_columns(chord, &mut m);
            squared(&m)
        })
        .collect())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::basis::Basis;
    use crate::medium::EarthMedium;
    use crate::mixing::{Mixing, Preset};
    use crate::moments::Moments;

    #[test]
    fn shared_layer_nights_equal_one_solve_per_chord() {
        // Independent: each chord solved on its own by the `layers` method (one
        // eigendecomposition per segment), against the shared per-shell decompositions.
        let mixing = Mixing::from_preset(Preset::Nufit52No, 0.0, &[]).unwrap();
        let model = Model::new(Basis::DiracNeutrino, mixing, Moments::zero());
        let chords: Vec<EarthChord> = [-0.05, -0.3, -0.7, -0.85, -0.99]
            .iter()
            .map(|&c| EarthChord {
                cos_zenith: c,
                weight: 0.2,
                medium: EarthMedium::new(c).unwrap(),
            })
            .collect();
        let w0 = vacuum_basis::<6>(&model);
        for energy_mev in [3.0, 10.0] {
            let shared = night_transfers::<6>(&model, energy_mev, &chords).unwrap();
            for (c, t) in chords.iter().zip(&shared) {
                let direct = squared(&(chord_propagator::<6>(&model, energy_mev, c).unwrap() * w0));
                for b in 0..6 {
                    for k in 0..6 {
                        assert!(
                            (t[b][k] - direct[b][k]).abs() < 1e-12,
                            "{energy_mev} MeV cos {}: {b}{k} {} vs {}",
                            c.cos_zenith,
                            t[b][k],
                            direct[b][k]
                        );
                    }
                }
            }
        }
    }
}
