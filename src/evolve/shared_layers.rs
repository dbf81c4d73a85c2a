//! Exact propagation through piecewise-constant media, sharing work across chords.
//!
//! A run through layered matter (Earth shells, a constant slab) meets the same few layer
//! Hamiltonians again and again: every chord of a zenith grid crosses the same shells. So:
//!
//! - [`LayerSet`] collects the distinct layers (equal [`MediumPoint`]s) of any number of chords
//!   and turns each chord into (length, layer) segments;
//! - [`LayerHamiltonians`] gives every layer's H at any energy as A + B/E (two assemblies of
//!   the model in all);
//! - [`LayerEigens`] holds, for one energy, one eigendecomposition H = W diag(λ) W† per
//!   distinct layer, computed once and reused by every chord, and the overlaps W_b† W_a of
//!   layers that meet;
//! - [`LayerEigens::propagate`] applies exp(−iHL) = W (e^{−iλL} ∘ (W† ψ)) segment by segment
//!   to a state vector, carrying ψ in the current layer's eigenbasis, so a segment costs its
//!   phases and one overlap product. When the Hamiltonian has no helicity-flip entries (no
//!   moments, or no field), its two N×N helicity blocks are decomposed (3×3 and 2×2 blocks in
//!   closed form, [`crate::linalg::eigen3`]) and propagated separately, and a block where ψ is
//!   zero is skipped (it stays zero).
//!
//! The result is unitary by construction (a product of exact exponentials of Hermitian
//! matrices with orthonormal W), so no unitarity check is made.

use std::collections::HashMap;

use nalgebra::{SMatrix, SVector};
use num_complex::Complex64;

use super::options::EvolveError;
use crate::hamiltonian::{CMat, EnergyHamiltonian, Model};
use crate::linalg::eigen::{hermitian_eigen, HermitianEigen};
use crate::linalg::phase::cis_minus;
use crate::linalg::{hermitian_eigen2, hermitian_eigen3};
use crate::medium::{Medium, MediumPoint, PresentQuantities, Side};

/// A state vector of the 2N-state system.
pub type CVec<const D: usize> = SVector<Complex64, D>;

/// One chord: consecutive (length_km, layer index) segments.
#[derive(Debug, Clone, PartialEq)]
pub struct Chord {
    pub segments: Vec<(f64, u32)>,
    /// The segments in this range read the same backwards (the shells of an Earth chord, with
    /// or without a vacuum segment before them): the phases e^{−iλL} of its second half are
    /// those of its first. Empty when no such range of two or more segments exists.
    pub mirrored: std::ops::Range<usize>,
    /// Between segments k and k + 1: 2 × (index of the layer pair in the [`LayerSet`]) + 1
    /// when walked from the higher layer index to the lower, or `NO_LINK` (same layer).
    links: Vec<u32>,
}

/// The distinct layers of a set of chords.
#[derive(Debug, Clone)]
pub struct LayerSet {
    points: Vec<MediumPoint>,
    index: HashMap<[u64; 11], u32>,
    present: PresentQuantities,
    /// The pairs (a, b), a < b, of layers that meet in some chord.
    pairs: Vec<(u32, u32)>,
    pair_index: HashMap<(u32, u32), u32>,
}

impl Default for LayerSet {
    fn default() -> Self {
        LayerSet {
            points: Vec::new(),
            index: HashMap::new(),
            present: PresentQuantities {
                matter: false,
                b_par: false,
                b_perp: false,
                v_perp: false,
                pol: false,
            },
            pairs: Vec::new(),
            pair_index: HashMap::new(),
        }
    }
}

/// The longest range of two or more segments that reads the same backwards (layers equal,
/// lengths within `tol`), or `0..0`. A vacuum segment (production height) or a detector's own
/// layer may stand outside the mirrored shells: up to two segments at either end are left out.
fn mirrored_range(chord: &[(f64, u32)], tol: f64) -> std::ops::Range<usize> {
    let n = chord.len();
    let reads_back = |a: usize, b: usize| {
        (0..(b - a) / 2).all(|k| {
            let (x, y) = (chord[a + k], chord[b - 1 - k]);
            x.1 == y.1 && (x.0 - y.0).abs() <= tol
        })
    };
    let mut mirrored = 0..0;
    for a in 0..3.min(n) {
        for b in (n.saturating_sub(2).max(a)..=n).rev() {
            if b - a >= 2 && b - a > mirrored.len() && reads_back(a, b) {
                mirrored = a..b;
            }
        }
    }
    mirrored
}

fn key(p: &MediumPoint) -> [u64; 11] {
    [
        p.ne_cm3,
        p.nn_cm3,
        p.b_par_gauss,
        p.b_perp_gauss,
        p.b_phi_rad,
        p.v_par,
        p.v_perp,
        p.v_phi_rad,
        p.pol_par,
        p.pol_perp,
        p.pol_phi_rad,
    ]
    .map(f64::to_bits)
}

impl LayerSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// The segments of `medium` from `start_km` to `end_km`: one per interval between the
    /// breakpoints inside the track, with the matter at the interval's midpoint (as the
    /// `layers` method takes it). Fails on media that are not piecewise constant.
    pub fn chord(
        &mut self,
        medium: &dyn Medium,
        start_km: f64,
        end_km: f64,
    ) -> Result<Chord, EvolveError> {
        if !medium.is_piecewise_constant() {
            return Err(EvolveError::NotPiecewiseConstant);
        }
        if !(start_km.is_finite() && end_km.is_finite() && start_km < end_km) {
            return Err(EvolveError::InvalidTrack { start_km, end_km });
        }
        let q = medium.present_quantities();
        let p = &mut self.present;
        p.matter |= q.matter;
        p.b_par |= q.b_par;
        p.b_perp |= q.b_perp;
        p.v_perp |= q.v_perp;
        p.pol |= q.pol;
        let mut chord = self.segments(medium, start_km, end_km)?;
        // Mirrored segments differ in length by round-off of the edges (a few ulps of the
        // track's end); they are given the same length, which moves the phase by < 1e-14.
        let tol = 8.0 * f64::EPSILON * start_km.abs().max(end_km.abs());
        let mirrored = mirrored_range(&chord, tol);
        let (a, b) = (mirrored.start, mirrored.end);
        for k in 0..(b - a) / 2 {
            chord[b - 1 - k].0 = chord[a + k].0;
        }
        let links = self.links(&chord);
        Ok(Chord {
            segments: chord,
            mirrored,
            links,
        })
    }

    /// One (length, layer) segment per interval between the breakpoints inside the track,
    /// new layers added to the set.
    fn segments(
        &mut self,
        medium: &dyn Medium,
        start_km: f64,
        end_km: f64,
    ) -> Result<Vec<(f64, u32)>, EvolveError> {
        let mut edges: Vec<f64> = medium
            .breakpoints()
            .into_iter()
            .filter(|&b| b > start_km && b < end_km)
            .collect();
        edges.sort_by(f64::total_cmp);
        edges.dedup();
        let mut chord: Vec<(f64, u32)> = Vec::with_capacity(edges.len() + 1);
        let mut x = start_km;
        for &next in edges.iter().chain(std::iter::once(&end_km)) {
            let point = medium.point(0.5 * (x + next), Side::Right)?;
            let n = self.points.len() as u32;
            let layer = *self.index.entry(key(&point)).or_insert_with(|| {
                self.points.push(point);
                n
            });
            chord.push((next - x, layer));
            x = next;
        }
        Ok(chord)
    }

    /// Between consecutive segments: the layer pair's link (see [`Chord`]), pairs added to
    /// the set.
    fn links(&mut self, chord: &[(f64, u32)]) -> Vec<u32> {
        chord
            .windows(2)
            .map(|w| {
                let (a, b) = (w[0].1, w[1].1);
                if a == b {
                    return NO_LINK;
                }
                let key = (a.min(b), a.max(b));
                let next = self.pairs.len() as u32;
                let pair = *self.pair_index.entry(key).or_insert_with(|| {
                    self.pairs.push(key);
                    next
                });
                2 * pair + u32::from(a > b)
            })
            .collect()
    }

    /// The distinct layers, indexed as in the chords.
    pub fn points(&self) -> &[MediumPoint] {
        &self.points
    }

    /// Which quantities any of the chords' media has.
    pub fn present(&self) -> PresentQuantities {
        self.present
    }
}

/// The Hamiltonian of every layer of a [`LayerSet`] as a function of energy:
/// H(E) = A + B · (E_ref / E). Every term of H is constant or ∝ 1/E (physics.md §5), so two
/// assemblies give every energy's H without assembling the model again (the assembly costs
/// more than solving a 3×3 layer). Checked at construction against direct assembly at three
/// more energies; if a model ever breaks the form, every energy is assembled directly.
///
/// E_ref lies below every energy the ultra-relativistic Hamiltonian admits, so the factor
/// E_ref/E is ≤ 1: B = H(E_ref) − A carries the rounding of A at the scale of the 1/E terms
/// at E_ref, and the factor only shrinks it. (With E_ref above the run's energies the
/// rounding of large constant terms — fields, moments, dense matter — was amplified by
/// E_ref/E, and over ~1e6 rad of phase that cost ~1e-7 in P.)
#[derive(Debug, Clone)]
pub struct LayerHamiltonians<const D: usize> {
    /// H has no entries between the two helicity blocks [0, N) and [N, 2N).
    halves: bool,
    reference_ev: f64,
    /// `Some((A, B))` per layer when the form holds.
    parts: Option<(Vec<CMat<D>>, Vec<CMat<D>>)>,
    model: Model,
    points: Vec<MediumPoint>,
}

/// The energy at which the 1/E terms are taken: below any neutrino energy nuspin accepts
/// (≥ 10 × the heaviest mass), so that E_ref/E ≤ 1.
const REFERENCE_EV: f64 = 1e-6;
/// An energy at which every 1/E term is far below an ulp of every constant one.
const HUGE_EV: f64 = 1e200;

impl<const D: usize> LayerHamiltonians<D> {
    /// The layer Hamiltonians of `layers` in `model`.
    pub fn new(model: &Model, layers: &LayerSet) -> Self {
        let n = D / 2;
        let reference = EnergyHamiltonian::<D>::new(model, REFERENCE_EV);
        let pattern = reference.coupling_pattern(layers.present());
        let halves = (0..D).all(|i| (0..D).all(|j| (i < n) == (j < n) || !pattern[i][j]));
        let huge = EnergyHamiltonian::<D>::new(model, HUGE_EV);
        let a: Vec<CMat<D>> = layers.points.iter().map(|p| huge.at(p)).collect();
        let b: Vec<CMat<D>> = layers
            .points
            .iter()
            .zip(&a)
            .map(|(p, a)| reference.at(p) - a)
            .collect();
        let mut out = LayerHamiltonians {
            halves,
            reference_ev: REFERENCE_EV,
            parts: Some((a, b)),
            model: model.clone(),
            points: layers.points.clone(),
        };
        let holds = [1e6, 3.7e10, 2e12].iter().all(|&e| {
            let direct = EnergyHamiltonian::<D>::new(model, e);
            (0..out.points.len()).all(|l| {
                let want = direct.at(&out.points[l]);
                (out.at(l, e) - want).norm() <= 1e-13 * want.norm()
            })
        });
        if !holds {
            out.parts = None;
        }
        out
    }

    /// Whether the two helicity blocks are decoupled.
    pub fn split_in_halves(&self) -> bool {
        self.halves
    }

    /// H of layer `layer` at `energy_ev`, km⁻¹.
    pub fn at(&self, layer: usize, energy_ev: f64) -> CMat<D> {
        match &self.parts {
            Some((a, b)) => {
                a[layer] + b[layer] * Complex64::new(self.reference_ev / energy_ev, 0.0)
            }
            None => EnergyHamiltonian::<D>::new(&self.model, energy_ev).at(&self.points[layer]),
        }
    }

    /// The M×M diagonal block at `lo` of layer `layer`'s H, upper triangle and diagonal only
    /// (all the eigensolvers read), from A + B·x with x = E_ref/E, or from `direct` (the
    /// model assembled at this energy) when the form does not hold.
    fn block<const M: usize>(
        &self,
        layer: usize,
        lo: usize,
        x: f64,
        direct: Option<&EnergyHamiltonian<D>>,
    ) -> SMatrix<Complex64, M, M> {
        let zero = Complex64::new(0.0, 0.0);
        match (&self.parts, direct) {
            (Some((a, b)), _) => {
                let (a, b) = (&a[layer], &b[layer]);
                SMatrix::from_fn(|r, c| {
                    if r <= c {
                        a[(lo + r, lo + c)] + b[(lo + r, lo + c)] * x
                    } else {
                        zero
                    }
                })
            }
            (None, Some(eh)) => {
                let h = eh.at(&self.points[layer]);
                SMatrix::from_fn(|r, c| h[(lo + r, lo + c)])
            }
            (None, None) => unreachable!("the model is assembled when the form does not hold"),
        }
    }
}

/// One energy's eigendecompositions of every layer of a [`LayerSet`], and the overlaps
/// T = W_b† W_a of the eigenbases of every pair of layers that meet in a chord.
#[derive(Debug, Clone)]
pub struct LayerEigens<const D: usize> {
    /// H has no entries between the two helicity blocks [0, N) and [N, 2N).
    halves: bool,
    /// The size of a propagated block: N with `halves`, else 2N.
    m: usize,
    /// The storage slot of helicity block k (the only block when not `halves`), `usize::MAX`
    /// when that block is not decomposed; `slots` of them are stored.
    slot: [usize; 2],
    slots: usize,
    values: Vec<[f64; D]>,
    /// Per layer and slot, the m×m block of W, row-major: only what is propagated is kept
    /// (a quarter of a full 2N×2N matrix for one helicity block; a zenith grid on 200 shells
    /// holds one set per energy).
    vectors: Vec<Complex64>,
    /// Per [`LayerSet`] pair (a, b), a < b, and slot: the block of W_b† W_a, which takes
    /// eigen-coordinates in a to eigen-coordinates in b (its adjoint goes back).
    transfers: Vec<Complex64>,
}

/// How [`LayerEigens::block`] starts: from any vector, or from a basis state (optionally
/// without the common phase).
#[derive(Debug, Clone, Copy)]
enum Start {
    Vector,
    Basis { common_phase: bool },
}

/// A link between two segments of the same layer: nothing to change.
const NO_LINK: u32 = u32::MAX;

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
                    3 => store(
                        &hermitian_eigen3(&hamiltonians.block::<3>(l, lo, x, direct)),
                        values,
                        out,
                    ),
                    _ => store(
                        &hermitian_eigen(&hamiltonians.block::<D>(l, 0, x, direct)),
                        values,
                        out,
                    ),
                }
            }
        }
        self.overlaps(layers);
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

    /// Whether the two helicity blocks are propagated separately.
    pub fn split_in_halves(&self) -> bool {
        self.halves
    }

    /// ψ ← S(chord) ψ.
    pub fn propagate(&self, chord: &Chord, psi: &mut CVec<D>) {
        let mut scratch = Vec::new();
        self.propagate_with(chord, psi, &mut scratch);
    }

    /// [`LayerEigens::propagate`] with a caller-owned buffer for the phases of a palindromic
    /// chord (no allocation once it has grown to the longest chord).
    ///
    /// ψ is carried in the eigenbasis of the current layer: a segment multiplies it by its
    /// phases, a change of layer by the overlap of the two eigenbases. Each layer's phases are
    /// taken relative to its lowest eigenvalue (one sincos fewer per segment); the common
    /// phase they leave out is summed and applied once at the end.
    pub fn propagate_with(&self, chord: &Chord, psi: &mut CVec<D>, scratch: &mut Vec<Complex64>) {
        let n = D / 2;
        if !self.halves {
            self.block::<D>(0, chord, psi, scratch, Start::Vector);
            return;
        }
        for lo in [0, n] {
            if (lo..lo + n).all(|i| psi[i] == Complex64::new(0.0, 0.0)) {
                continue;
            }
            match n {
                2 => self.block::<2>(lo, chord, psi, scratch, Start::Vector),
                3 => self.block::<3>(lo, chord, psi, scratch, Start::Vector),
                _ => unreachable!("2N-state systems have N = 2 or 3"),
            }
        }
    }

    /// ψ ← S(chord) e_i for basis state `i`, into `psi`; with `common_phase` false the phase
    /// common to all components is left out (enough for probabilities). `scratch` as in
    /// [`LayerEigens::propagate_with`]. A basis state needs no projection into the first
    /// layer's eigenbasis (it is a row of W) and only its own helicity block is touched.
    pub fn propagate_basis(
        &self,
        chord: &Chord,
        i: usize,
        psi: &mut CVec<D>,
        scratch: &mut Vec<Complex64>,
        common_phase: bool,
    ) {
        let n = D / 2;
        psi.fill(Complex64::new(0.0, 0.0));
        psi[i] = Complex64::new(1.0, 0.0);
        let start = Start::Basis { common_phase };
        if !self.halves {
            self.block::<D>(0, chord, psi, scratch, start);
            return;
        }
        let lo = if i < n { 0 } else { n };
        match n {
            2 => self.block::<2>(lo, chord, psi, scratch, start),
            3 => self.block::<3>(lo, chord, psi, scratch, start),
            _ => unreachable!("2N-state systems have N = 2 or 3"),
        }
    }

    /// Propagates the M components of ψ from `lo` on (a block H does not couple to the rest).
    fn block<const M: usize>(
        &self,
        lo: usize,
        chord: &Chord,
        psi: &mut CVec<D>,
        scratch: &mut Vec<Complex64>,
        start: Start,
    ) {
        let zero = Complex64::new(0.0, 0.0);
        let segments = &chord.segments;
        let Some(&(_, last)) = segments.last() else {
            return;
        };
        let slot = self.prepare::<M>(lo, chord, scratch);
        // Into the eigenbasis of the first layer.
        let w = self.eigenvectors::<M>(segments[0].1, slot);
        let (mut phi, common_phase) = match start {
            Start::Vector => (into_eigenbasis::<M>(w, |i| psi[lo + i]), true),
            Start::Basis { common_phase } => {
                let row = (0..M).find(|&i| psi[lo + i] != zero).unwrap_or(0);
                (std::array::from_fn(|j| w[row * M + j].conj()), common_phase)
            }
        };
        let common_rad = self.walk::<M, _>(
            lo,
            slot,
            chord,
            scratch,
            &mut phi,
            #[inline(always)]
            |phi, phase| {
                for j in 1..M {
                    phi[j] *= phase[j];
                }
            },
            #[inline(always)]
            |phi, t, backwards| *phi = transfer(t, backwards, phi),
        );
        // Back to flavour, with the common phase.
        let w = self.eigenvectors::<M>(last, slot);
        let common = if common_phase {
            cis_minus(common_rad)
        } else {
            Complex64::new(1.0, 0.0)
        };
        for i in 0..M {
            psi[lo + i] = out_of_eigenbasis(w, &phi, i) * common;
        }
    }

    /// Readies `scratch` for the phases of `chord`'s mirrored range and returns the storage
    /// slot of the block at `lo`.
    #[inline(always)]
    fn prepare<const M: usize>(
        &self,
        lo: usize,
        chord: &Chord,
        scratch: &mut Vec<Complex64>,
    ) -> usize {
        let (a, b) = (chord.mirrored.start, chord.mirrored.end);
        if b > a {
            scratch.clear();
            scratch.resize((b - a).div_ceil(2) * M, Complex64::new(0.0, 0.0));
        }
        debug_assert_eq!(M, self.m);
        let slot = self.slot[lo / M];
        debug_assert!(slot != usize::MAX, "a block that was not decomposed");
        slot
    }

    /// Where the M×M block of `index` (a layer in `vectors`, a pair in `transfers`) starts.
    #[inline(always)]
    fn offset<const M: usize>(&self, index: u32, slot: usize) -> usize {
        (index as usize * self.slots + slot) * M * M
    }

    /// The eigenvectors W of `layer`'s block in `slot`, row-major.
    #[inline(always)]
    fn eigenvectors<const M: usize>(&self, layer: u32, slot: usize) -> &[Complex64] {
        &self.vectors[self.offset::<M>(layer, slot)..][..M * M]
    }

    /// Walks `chord` for the block at `lo` (storage `slot`), carrying `state` in the current
    /// layer's eigenbasis: `phases` applies a segment's phases e^{−i(λ_j − λ_0)L} (j ≥ 1),
    /// `link` a change of layer (the overlap block, and whether it is walked backwards, T†).
    /// Returns the phase Σ λ_0 L the segments leave out, rad. Shared by one vector and many
    /// columns; inlined so each keeps its own tight loop.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn walk<const M: usize, S: ?Sized>(
        &self,
        lo: usize,
        slot: usize,
        chord: &Chord,
        scratch: &mut [Complex64],
        state: &mut S,
        phases: impl Fn(&mut S, &[Complex64; M]),
        link: impl Fn(&mut S, &[Complex64], bool),
    ) -> f64 {
        let segments = &chord.segments;
        let count = segments.len();
        let mirrored = (chord.mirrored.start, chord.mirrored.end);
        let mut phase = [Complex64::new(1.0, 0.0); M];
        let mut common_rad = 0.0;
        for (k, &(length_km, layer)) in segments.iter().enumerate() {
            let lam = &self.values[layer as usize][lo..lo + M];
            common_rad += lam[0] * length_km;
            segment_phases(lam, length_km, k, mirrored, scratch, &mut phase);
            phases(state, &phase);
            if k + 1 == count {
                break;
            }
            let l = chord.links[k];
            if l == NO_LINK {
                continue;
            }
            let t = &self.transfers[self.offset::<M>(l >> 1, slot)..][..M * M];
            link(state, t, l & 1 == 1);
        }
        common_rad
    }

    /// M ← S(chord) M for the columns of `m` (e.g. the vacuum mass states); zero columns
    /// are left alone.
    pub fn propagate_columns(&self, chord: &Chord, m: &mut CMat<D>) {
        let mut scratch = Vec::new();
        self.propagate_columns_with(chord, m, &mut scratch);
    }

    /// [`LayerEigens::propagate_columns`] with a caller-owned buffer for the phases of a
    /// palindromic chord.
    ///
    /// All columns are carried together in the current layer's eigenbasis, so each segment's
    /// phases are computed once for all of them (not once per column), and a change of layer
    /// is one overlap product per column. The operations on each column are those of
    /// [`LayerEigens::propagate_with`] in the same order, so the result equals column-by-column
    /// propagation to the last bit.
    pub fn propagate_columns_with(
        &self,
        chord: &Chord,
        m: &mut CMat<D>,
        scratch: &mut Vec<Complex64>,
    ) {
        let n = D / 2;
        if !self.halves {
            self.block_columns::<D>(0, chord, m, scratch);
            return;
        }
        for lo in [0, n] {
            match n {
                2 => self.block_columns::<2>(lo, chord, m, scratch),
                3 => self.block_columns::<3>(lo, chord, m, scratch),
                _ => unreachable!("2N-state systems have N = 2 or 3"),
            }
        }
    }

    /// Propagates rows `lo..lo + M` of every column of `m` that is not zero there (a block H
    /// does not couple to the rest).
    fn block_columns<const M: usize>(
        &self,
        lo: usize,
        chord: &Chord,
        m: &mut CMat<D>,
        scratch: &mut Vec<Complex64>,
    ) {
        let zero = Complex64::new(0.0, 0.0);
        let segments = &chord.segments;
        let mut cols = [0usize; D];
        let mut k = 0;
        for c in 0..D {
            if (lo..lo + M).any(|i| m[(i, c)] != zero) {
                cols[k] = c;
                k += 1;
            }
        }
        let Some(&(_, last)) = segments.last() else {
            return;
        };
        if k == 0 {
            return;
        }
        let cols = &cols[..k];
        let slot = self.prepare::<M>(lo, chord, scratch);
        // Into the eigenbasis of the first layer: phi[q] is column cols[q].
        let w = self.eigenvectors::<M>(segments[0].1, slot);
        let mut phi = [[zero; M]; D];
        for (p, &c) in phi.iter_mut().zip(cols) {
            *p = into_eigenbasis::<M>(w, |i| m[(lo + i, c)]);
        }
        let phi = &mut phi[..k];
        let common_rad = self.walk::<M, _>(
            lo,
            slot,
            chord,
            scratch,
            phi,
            #[inline(always)]
            |phi, phase| {
                for p in phi.iter_mut() {
                    for j in 1..M {
                        p[j] *= phase[j];
                    }
                }
            },
            #[inline(always)]
            |phi, t, backwards| {
                for p in phi.iter_mut() {
                    *p = transfer(t, backwards, p);
                }
            },
        );
        // Back to flavour, with the common phase.
        let w = self.eigenvectors::<M>(last, slot);
        let common = cis_minus(common_rad);
        for (p, &c) in phi.iter().zip(cols) {
            for i in 0..M {
                m[(lo + i, c)] = out_of_eigenbasis(w, p, i) * common;
            }
        }
    }

    /// The full propagator S(chord): every basis state propagated.
    pub fn propagator(&self, chord: &Chord) -> CMat<D> {
        let mut s = CMat::<D>::zeros();
        for j in 0..D {
            let mut psi = CVec::<D>::zeros();
            psi[j] = Complex64::new(1.0, 0.0);
            self.propagate(chord, &mut psi);
            s.set_column(j, &psi);
        }
        s
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

/// The phases e^{−i(λ_j − λ_0)L} (j ≥ 1) of segment `k` of length `length_km` into
/// `phase[1..]`, for a layer with eigenvalues `lam`. In the `mirrored` range (start, end) a
/// segment's phases are stored in `scratch` at its first occurrence and read back at its
/// mirror image.
#[inline(always)]
fn segment_phases<const M: usize>(
    lam: &[f64],
    length_km: f64,
    k: usize,
    (a, b): (usize, usize),
    scratch: &mut [Complex64],
    phase: &mut [Complex64; M],
) {
    let mirrored = k >= a && k < b;
    // Position in the mirrored range of this segment's first occurrence.
    let first = if mirrored { (k - a).min(b - 1 - k) } else { 0 };
    if mirrored && first < k - a {
        phase[1..].copy_from_slice(&scratch[first * M + 1..(first + 1) * M]);
    } else {
        for j in 1..M {
            phase[j] = cis_minus((lam[j] - lam[0]) * length_km);
            if mirrored {
                scratch[first * M + j] = phase[j];
            }
        }
    }
}

/// T p, or T† p when `backwards`: eigen-coordinates carried across a change of layer (T is
/// row-major M×M).
#[inline(always)]
fn transfer<const M: usize>(
    t: &[Complex64],
    backwards: bool,
    p: &[Complex64; M],
) -> [Complex64; M] {
    let zero = Complex64::new(0.0, 0.0);
    let mut next = [zero; M];
    if !backwards {
        for (r, out) in next.iter_mut().enumerate() {
            let mut acc = zero;
            for (c, x) in p.iter().enumerate() {
                acc += t[r * M + c] * x;
            }
            *out = acc;
        }
    } else {
        for (r, out) in next.iter_mut().enumerate() {
            let mut acc = zero;
            for (c, x) in p.iter().enumerate() {
                acc += t[c * M + r].conj() * x;
            }
            *out = acc;
        }
    }
    next
}

/// W† v for the row-major eigenvectors `w` and v_i = `v(i)`.
#[inline(always)]
fn into_eigenbasis<const M: usize>(
    w: &[Complex64],
    v: impl Fn(usize) -> Complex64,
) -> [Complex64; M] {
    std::array::from_fn(|j| {
        let mut acc = Complex64::new(0.0, 0.0);
        for i in 0..M {
            acc += w[i * M + j].conj() * v(i);
        }
        acc
    })
}

/// Component `i` of W φ.
#[inline(always)]
fn out_of_eigenbasis<const M: usize>(w: &[Complex64], phi: &[Complex64; M], i: usize) -> Complex64 {
    let mut acc = Complex64::new(0.0, 0.0);
    for (j, x) in phi.iter().enumerate() {
        acc += w[i * M + j] * x;
    }
    acc
}
