//! One energy's eigensystem per layer and the overlaps of layers that meet (see the parent
//! module).

use nalgebra::Matrix3;
use num_complex::Complex64;

use super::real_frame;

use super::{LayerHamiltonians, LayerSet};
use crate::hamiltonian::{EnergyHamiltonian, Model};
use crate::linalg::eigen::{hermitian_eigen, HermitianEigen};
use crate::linalg::{hermitian_eigen2, hermitian_eigen3};

/// One energy's eigendecompositions of every layer of a [`LayerSet`], and the overlaps
/// T = W_b† W_a of the eigenbases of every pair of layers that meet in a chord.
#[derive(Debug, Clone)]
pub struct LayerEigens<const D: usize> {
    /// H has no entries between the two helicity blocks [0, N) and [N, 2N).
    pub(super) halves: bool,
    /// The size of a propagated block: N with `halves`, else 2N.
    pub(super) m: usize,
    /// The storage slot of helicity block k (the only block when not `halves`), `usize::MAX`
    /// when that block is not decomposed; `slots` of them are stored.
    pub(super) slot: [usize; 2],
    pub(super) slots: usize,
    pub(super) values: Vec<[f64; D]>,
    /// Per layer and slot, the m×m block of W, row-major: only what is propagated is kept
    /// (a quarter of a full 2N×2N matrix for one helicity block; a zenith grid on 200 shells
    /// holds one set per energy).
    pub(super) vectors: Vec<Complex64>,
    /// Per [`LayerSet`] pair (a, b), a < b, and slot: the block of W_b† W_a, which takes
    /// eigen-coordinates in a to eigen-coordinates in b (its adjoint goes back).
    pub(super) transfers: Vec<Complex64>,
    /// Every decomposed block is 3×3 and real symmetric in one frame V ([`super::real_frame`]):
    /// `real_transfers` then hold the same overlaps as `transfers`, real (O_bᵀO_a).
    pub(super) real: bool,
    /// Per layer and slot, the real O of W = V O (row-major), when `real`.
    real_vectors: Vec<f64>,
    /// Per pair and slot, O_bᵀO_a (row-major), when `real`.
    pub(super) real_transfers: Vec<f64>,
}

impl<const D: usize> LayerEigens<D> {
    /// Decomposes H of every layer of `layers` in `model` at `energy_ev`; with decoupled helicity
    /// blocks only the blocks in `needed` ([0, N), [N, 2N)) are decomposed, and only states
    /// supported on them may be propagated.
    pub fn new(model: &Model, energy_ev: f64, layers: &LayerSet, needed: [bool; 2]) -> Self {
        let hs = LayerHamiltonians::<D>::new(model, layers);
        Self::at_energy(&hs, layers, energy_ev, needed)
    }

    /// [`LayerEigens::new`] from the layer Hamiltonians of `hamiltonians` at `energy_ev`.
    pub fn at_energy(
        hamiltonians: &LayerHamiltonians<D>,
        layers: &LayerSet,
        energy_ev: f64,
        needed: [bool; 2],
    ) -> Self {
        let mut out = Self::empty();
        out.recompute(hamiltonians, layers, energy_ev, needed);
        out
    }

    /// Storage for [`LayerEigens::recompute`]; propagates nothing until then.
    pub fn empty() -> Self {
        LayerEigens {
            halves: false,
            m: D,
            slot: [usize::MAX; 2],
            slots: 0,
            values: Vec::new(),
            vectors: Vec::new(),
            transfers: Vec::new(),
            real: false,
            real_vectors: Vec::new(),
            real_transfers: Vec::new(),
        }
    }

    /// [`LayerEigens::at_energy`] into this storage: nothing is allocated once it has held a
    /// system of the same size (a run over many energies keeps one per thread).
    pub fn recompute(
        &mut self,
        hamiltonians: &LayerHamiltonians<D>,
        layers: &LayerSet,
        energy_ev: f64,
        needed: [bool; 2],
    ) {
        let halves = hamiltonians.halves;
        let count = layers.points.len();
        let (m, slot, slots) = Self::layout(halves, needed);
        let block_len = m * m;
        let zero = Complex64::new(0.0, 0.0);
        (self.halves, self.m, self.slot, self.slots) = (halves, m, slot, slots);
        self.values.clear();
        self.values.resize(count, [0.0; D]);
        self.vectors.clear();
        self.vectors.resize(count * slots * block_len, zero);
        let x = hamiltonians.reference_ev / energy_ev;
        let direct = hamiltonians
            .parts
            .is_none()
            .then(|| EnergyHamiltonian::<D>::new(&hamiltonians.model, energy_ev));
        let direct = direct.as_ref();
        // The real frame of each decomposed 3×3 block, from its first layer.
        let frames: [Option<Matrix3<Complex64>>; 2] = std::array::from_fn(|k| {
            (m == 3 && count > 0 && slot[k] != usize::MAX)
                .then(|| real_frame::frame(&hamiltonians.block::<3>(0, k * m, x, direct)))
        });
        self.real = frames.iter().any(Option::is_some);
        self.real_vectors.clear();
        self.real_vectors.resize(count * slots * block_len, 0.0);
        for l in 0..count {
            for (k, &s) in slot.iter().enumerate() {
                if s == usize::MAX {
                    continue;
                }
                let lo = k * m;
                let out = &mut self.vectors[(l * slots + s) * block_len..][..block_len];
                let values = &mut self.values[l][lo..lo + m];
                match m {
                    2 => store(
                        &hermitian_eigen2(&hamiltonians.block::<2>(l, lo, x, direct)),
                        values,
                        out,
                    ),
                    3 => {
                        let h = hamiltonians.block::<3>(l, lo, x, direct);
                        let o = &mut self.real_vectors[(l * slots + s) * block_len..][..block_len];
                        match frames[k]
                            .filter(|v| real_frame::real_eigen(&h, v, values, o).is_some())
                        {
                            Some(v) => real_frame::vectors(&v, o, out),
                            None => {
                                self.real = false;
                                store(&hermitian_eigen3(&h), values, out);
                            }
                        }
                    }
                    _ => store(
                        &hermitian_eigen(&hamiltonians.block::<D>(l, 0, x, direct)),
                        values,
                        out,
                    ),
                }
            }
        }
        self.overlaps(layers);
        self.real_overlaps(layers);
    }

    /// The size of a propagated block, the storage slot of each helicity block
    /// (`usize::MAX`: not decomposed) and the number of slots.
    fn layout(halves: bool, needed: [bool; 2]) -> (usize, [usize; 2], usize) {
        if !halves {
            return (D, [0, usize::MAX], 1);
        }
        let first = if needed[0] { 0 } else { usize::MAX };
        let second = if needed[1] {
            usize::from(needed[0])
        } else {
            usize::MAX
        };
        let slots = usize::from(needed[0]) + usize::from(needed[1]);
        (D / 2, [first, second], slots)
    }

    /// The overlaps W_b† W_a of every pair of layers that meet, from the eigenvectors.
    fn overlaps(&mut self, layers: &LayerSet) {
        let (m, slots) = (self.m, self.slots);
        let block_len = m * m;
        let zero = Complex64::new(0.0, 0.0);
        self.transfers.clear();
        self.transfers
            .resize(layers.pairs.len() * slots * block_len, zero);
        for (p, &(a, b)) in layers.pairs.iter().enumerate() {
            for s in 0..slots {
                let wa = &self.vectors[(a as usize * slots + s) * block_len..][..block_len];
                let wb = &self.vectors[(b as usize * slots + s) * block_len..][..block_len];
                let t = &mut self.transfers[(p * slots + s) * block_len..][..block_len];
                for r in 0..m {
                    for c in 0..m {
                        let mut acc = zero;
                        for i in 0..m {
                            acc += wb[i * m + r].conj() * wa[i * m + c];
                        }
                        t[r * m + c] = acc;
                    }
                }
            }
        }
    }

    /// The overlaps O_bᵀO_a of every pair of layers that meet, when every block is real in
    /// its frame (W = V O, one V per block for all layers).
    fn real_overlaps(&mut self, layers: &LayerSet) {
        let (m, slots) = (self.m, self.slots);
        let block_len = m * m;
        self.real_transfers.clear();
        if !self.real {
            return;
        }
        self.real_transfers
            .resize(layers.pairs.len() * slots * block_len, 0.0);
        for (p, &(a, b)) in layers.pairs.iter().enumerate() {
            for s in 0..slots {
                let oa = &self.real_vectors[(a as usize * slots + s) * block_len..][..block_len];
                let ob = &self.real_vectors[(b as usize * slots + s) * block_len..][..block_len];
                let t = &mut self.real_transfers[(p * slots + s) * block_len..][..block_len];
                for r in 0..m {
                    for c in 0..m {
                        t[r * m + c] = (0..m).map(|i| ob[i * m + r] * oa[i * m + c]).sum();
                    }
                }
            }
        }
    }

    /// Whether every decomposed block is real symmetric in one frame, so that chords walked
    /// with many columns use real overlaps.
    pub fn real_in_one_frame(&self) -> bool {
        self.real
    }

    /// Whether the two helicity blocks are propagated separately.
    pub fn split_in_halves(&self) -> bool {
        self.halves
    }
}

/// Writes an eigendecomposition's values and its vectors (row-major) into a layer's slots.
fn store<const M: usize>(e: &HermitianEigen<M>, values: &mut [f64], vectors: &mut [Complex64]) {
    values.copy_from_slice(&e.values);
    for r in 0..M {
        for c in 0..M {
            vectors[r * M + c] = e.vectors[(r, c)];
        }
    }
}
