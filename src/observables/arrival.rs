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
//! - Night: each |k⟩ crosses the PREM chord of docs/physics.md ("Built-in media") (`layers`, exact
//!   on its shells), P_c(β) = Σ_k |(S_c W₀)_βk|² p_k, and the chords are averaged with their
//!   weights.
//! - The day–night asymmetry A_DN = 2(D − N)/(D + N) of the active flavours is derived from
//!   the two at the end of the run.

use super::mass::vacuum_basis;
use crate::evolve::shared_layers::{Chord, LayerEigens, LayerHamiltonians, LayerSet};
use crate::evolve::{self, EvolveError, Method, Record, SolverOptions};
use crate::hamiltonian::{CMat, EnergyHamiltonian, MediumHamiltonian, Model};
use crate::linalg::phase::cis_minus;
use crate::linalg::{hermitian_eigen_in_blocks, HermitianEigen};
use crate::medium::EarthChord;
use crate::units::mev_to_ev;
use num_complex::Complex64;

/// A transfer matrix `T[β][k]`: P(β) = Σ_k `T[β][k]` p_k.
pub type Transfer<const D: usize> = [[f64; D]; D];

/// |M_βk|² of a matrix whose columns are states (the transfer of those states).
pub fn squared<const D: usize>(m: &CMat<D>) -> Transfer<D> {
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

/// The night chords as shared layers: every chord crosses the same few PREM shells, so the
/// distinct shells and each chord's segments are found once per run (not per energy).
#[derive(Debug, Clone)]
pub struct NightLayers {
    layers: LayerSet,
    chords: Vec<Chord>,
    /// (cos θ_z, length) of the chords these were made from ([`NightLayers::made_from`]).
    source: Vec<(f64, f64)>,
}

impl NightLayers {
    /// The layers and segments of `chords` (fails only on a medium that is not piecewise
    /// constant or an empty chord).
    pub fn new(chords_in: &[EarthChord]) -> Result<Self, EvolveError> {
        let mut layers = LayerSet::new();
        let chords = chords_in
            .iter()
            .map(|c| layers.chord(&c.medium, 0.0, c.medium.length_km()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(NightLayers {
            layers,
            chords,
            source: chords_in
                .iter()
                .map(|c| (c.cos_zenith, c.medium.length_km()))
                .collect(),
        })
    }

    /// Whether these are the layers of `chords`: the same directions and lengths in the same
    /// order (a scan point may move the chords, e.g. the site's latitude). A chord's medium is
    /// PREM along its direction (`[arrival] earth` and `site` both make it so, and the Earth
    /// model cannot be scanned), so the direction and length identify it; comparing the
    /// media shell by shell cost ~0.4 ms per energy.
    pub fn made_from(&self, chords: &[EarthChord]) -> bool {
        self.source.len() == chords.len()
            && self.source.iter().zip(chords).all(|(a, b)| {
                a.0.to_bits() == b.cos_zenith.to_bits()
                    && a.1.to_bits() == b.medium.length_km().to_bits()
            })
    }

    /// The number of chords.
    pub fn len(&self) -> usize {
        self.chords.len()
    }

    /// Whether there are no chords.
    pub fn is_empty(&self) -> bool {
        self.chords.is_empty()
    }
}

/// The night transfer of each chord, |(S_c W₀)_βk|², in chord order. Each distinct shell is
/// eigendecomposed once per energy and shared by all chords ([`LayerEigens`]); the columns
/// of W₀ are then propagated together through each chord's segments exactly (the same
/// midpoint matter per shell as [`chord_propagator`]).
///
/// A helicity block whose Hamiltonian is the same in every shell (Dirac's ν_R: no potential,
/// and no field to couple it) is not walked shell by shell: over a chord of length L it is
/// the one exponential V e^{−iμL} V† of its single decomposition H = V diag(μ) V†.
pub fn night_transfers<const D: usize>(
    model: &Model,
    energy_mev: f64,
    night: &NightLayers,
) -> Vec<Transfer<D>> {
    night_states::<D>(model, energy_mev, night)
        .iter()
        .map(squared)
        .collect()
}

/// The states behind [`night_transfers`]: per chord, S_c W₀ (column k is the vacuum
/// propagation eigenstate k after the chord, amplitudes in the flavour basis). Quantities that
/// are not diagonal in the flavour basis, such as the effective magnetic moment of the arrival
/// ([`crate::detector::mixture`]), need these amplitudes rather than their squares.
pub fn night_states<const D: usize>(
    model: &Model,
    energy_mev: f64,
    night: &NightLayers,
) -> Vec<CMat<D>> {
    let energy_ev = mev_to_ev(energy_mev);
    let w0 = vacuum_basis::<D>(model);
    let hs = LayerHamiltonians::<D>::new(model, &night.layers);
    let uniform = uniform_blocks(&hs, night.layers.points().len(), energy_ev);
    let needed = [uniform[0].is_none(), uniform[1].is_none()];
    let eigens = LayerEigens::at_energy(&hs, &night.layers, energy_ev, needed);
    let n = D / 2;
    // W₀ without the uniform blocks' rows (those are propagated in one step).
    let mut layered = w0;
    for (b, u) in uniform.iter().enumerate() {
        if u.is_some() {
            layered.rows_mut(b * n, n).fill(Complex64::new(0.0, 0.0));
        }
    }
    let mut scratch = Vec::new();
    night
        .chords
        .iter()
        .map(|chord| {
            let mut m = layered;
            eigens.propagate_columns_with(chord, &mut m, &mut scratch);
            let length_km: f64 = chord.segments.iter().map(|s| s.0).sum();
            for (b, u) in uniform.iter().enumerate() {
                if let Some(e) = u {
                    let lo = b * n;
                    let phases: [Complex64; D] = std::array::from_fn(|j| {
                        if (lo..lo + n).contains(&j) {
                            cis_minus(e.values[j] * length_km)
                        } else {
                            Complex64::new(0.0, 0.0)
                        }
                    });
                    for c in 0..D {
                        // ψ_b ← V e^{−iμL} V† ψ_b on the rows of block b.
                        let coords: [Complex64; D] = std::array::from_fn(|j| {
                            (lo..lo + n)
                                .map(|i| e.vectors[(i, j)].conj() * w0[(i, c)])
                                .sum::<Complex64>()
                                * phases[j]
                        });
                        for i in lo..lo + n {
                            m[(i, c)] = (lo..lo + n).map(|j| e.vectors[(i, j)] * coords[j]).sum();
                        }
                    }
                }
            }
            m
        })
        .collect()
}

/// For each helicity block (when H splits into the two), its eigendecomposition when the
/// block's H is the same in all `layers` layers at `energy_ev` (exactly: equal A and B/E
/// parts give equal sums), else `None`. The decomposition's other block is left out: its
/// columns are labelled apart ([`hermitian_eigen_in_blocks`]) and never used.
fn uniform_blocks<const D: usize>(
    hs: &LayerHamiltonians<D>,
    layers: usize,
    energy_ev: f64,
) -> [Option<HermitianEigen<D>>; 2] {
    let n = D / 2;
    if !hs.split_in_halves() || layers == 0 {
        return [None, None];
    }
    let first = hs.at(0, energy_ev);
    let same = |b: usize| {
        (1..layers).all(|l| {
            let h = hs.at(l, energy_ev);
            (b * n..(b + 1) * n).all(|i| (b * n..(b + 1) * n).all(|j| h[(i, j)] == first[(i, j)]))
        })
    };
    let labels: [usize; D] = std::array::from_fn(|i| usize::from(i >= n));
    std::array::from_fn(|b| same(b).then(|| hermitian_eigen_in_blocks(&first, &labels)))
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

    fn chords(cos: &[f64]) -> Vec<EarthChord> {
        cos.iter()
            .map(|&c| EarthChord {
                cos_zenith: c,
                weight: 1.0 / cos.len() as f64,
                medium: EarthMedium::new(c).unwrap(),
            })
            .collect()
    }

    #[test]
    fn shared_layer_nights_equal_one_solve_per_chord() {
        // Independent: each chord solved on its own by the `layers` method (one
        // eigendecomposition per segment, the whole 2N×2N propagator), against the shared
        // per-shell decompositions with the columns propagated together. Dirac's ν_R block is
        // uniform (one exponential per chord), Majorana's ν̄ block is walked shell by shell.
        let chords = chords(&[-0.05, -0.3, -0.7, -0.85, -0.99]);
        let night = NightLayers::new(&chords).unwrap();
        assert!(night.made_from(&chords));
        for basis in [
            Basis::DiracNeutrino,
            Basis::DiracAntineutrino,
            Basis::Majorana,
        ] {
            let mixing = Mixing::from_preset(Preset::Nufit52No, 0.0, &[]).unwrap();
            let model = Model::new(basis, mixing, Moments::zero());
            let w0 = vacuum_basis::<6>(&model);
            // The sterile block takes the one-exponential path, the others the shells.
            let hs = LayerHamiltonians::<6>::new(&model, &night.layers);
            let uniform = uniform_blocks(&hs, night.layers.points().len(), mev_to_ev(5.0));
            assert!(uniform[0].is_none());
            assert_eq!(uniform[1].is_some(), basis != Basis::Majorana, "{basis:?}");
            for energy_mev in [3.0, 10.0] {
                let shared = night_transfers::<6>(&model, energy_mev, &night);
                for (c, t) in chords.iter().zip(&shared) {
                    let direct =
                        squared(&(chord_propagator::<6>(&model, energy_mev, c).unwrap() * w0));
                    for b in 0..6 {
                        for k in 0..6 {
                            assert!(
                                (t[b][k] - direct[b][k]).abs() < 1e-12,
                                "{basis:?} {energy_mev} MeV cos {}: {b}{k} {} vs {}",
                                c.cos_zenith,
                                t[b][k],
                                direct[b][k]
                            );
                        }
                    }
                }
            }
        }
        // Other chords are not these layers.
        assert!(!night.made_from(&chords[1..]));
        let mut moved = chords.clone();
        moved[2] = EarthChord {
            cos_zenith: -0.71,
            weight: 0.2,
            medium: EarthMedium::new(-0.71).unwrap(),
        };
        assert!(!night.made_from(&moved));
    }

    #[test]
    fn columns_propagated_together_equal_one_at_a_time() {
        // The block version carries all columns through each segment at once; it must give
        // the column-by-column propagation of the same chord: to round-off, since with μ and
        // τ potentials equal the columns cross layers with the real overlaps of the frame
        // where every block is real, the single vector with the complex ones.
        let mixing = Mixing::from_preset(Preset::Nufit52No, 0.0, &[]).unwrap();
        for basis in [Basis::DiracNeutrino, Basis::Majorana] {
            let model = Model::new(basis, mixing.clone(), Moments::zero());
            let chords = chords(&[-0.02, -0.5, -0.95]);
            let night = NightLayers::new(&chords).unwrap();
            let eigens = LayerEigens::<6>::new(&model, mev_to_ev(7.0), &night.layers, [true, true]);
            let mut w = vacuum_basis::<6>(&model);
            // A column with support in both helicity blocks, and a zero column.
            for i in 0..6 {
                w[(i, 1)] = Complex64::new(0.1 * i as f64 + 0.05, -0.03 * i as f64);
            }
            w.column_mut(4).fill(Complex64::new(0.0, 0.0));
            for chord in &night.chords {
                let mut together = w;
                eigens.propagate_columns(chord, &mut together);
                for c in 0..6 {
                    let mut psi: crate::evolve::shared_layers::CVec<6> = w.column(c).into_owned();
                    eigens.propagate(chord, &mut psi);
                    for i in 0..6 {
                        let diff = (together[(i, c)] - psi[i]).norm();
                        assert!(diff < 1e-13, "{basis:?} column {c} row {i}: {diff:e}");
                    }
                }
            }
        }
    }
}
