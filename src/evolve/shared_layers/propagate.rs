//! Walking a chord through one energy's [`LayerEigens`]: one state vector, a basis state, or
//! many columns at once (see the parent module).

use num_complex::Complex64;

use super::{CVec, Chord, LayerEigens, NO_LINK};
use crate::hamiltonian::CMat;
use crate::linalg::phase::cis_minus;

/// How [`LayerEigens::block`] starts: from any vector, or from a basis state (optionally
/// without the common phase).
#[derive(Debug, Clone, Copy)]
enum Start {
    Vector,
    Basis { common_phase: bool },
}

impl<const D: usize> LayerEigens<D> {
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
        let common_rad = self.walk::<M, _, _>(
            lo,
            slot,
            chord,
            scratch,
            &mut phi,
            (
                &self.transfers,
                #[inline(always)]
                |phi: &mut [Complex64; M], t: &[Complex64], backwards| {
                    *phi = transfer(t, backwards, phi)
                },
            ),
            #[inline(always)]
            |phi, phase| {
                for j in 1..M {
                    phi[j] *= phase[j];
                }
            },
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
    fn walk<const M: usize, S: ?Sized, T>(
        &self,
        lo: usize,
        slot: usize,
        chord: &Chord,
        scratch: &mut [Complex64],
        state: &mut S,
        (transfers, link): (&[T], impl Fn(&mut S, &[T], bool)),
        phases: impl Fn(&mut S, &[Complex64; M]),
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
            let t = &transfers[self.offset::<M>(l >> 1, slot)..][..M * M];
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
    /// propagation to the last bit, except where every layer is real in one frame: then the
    /// overlaps are the real O_bᵀO_a (half the multiplications) and the two agree to
    /// round-off.
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
        let mut cols = [0usize; D];
        let mut k = 0;
        for c in 0..D {
            if (lo..lo + M).any(|i| m[(i, c)] != zero) {
                cols[k] = c;
                k += 1;
            }
        }
        if chord.segments.is_empty() {
            return;
        }
        // The number of columns as a constant: the loops over them unroll (a zenith grid
        // walks hundreds of segments per chord with the same few columns).
        let first = |q: usize| cols[q];
        match k {
            0 => {}
            1 => self.columns::<M, 1>(lo, chord, m, scratch, std::array::from_fn(first)),
            2 => self.columns::<M, 2>(lo, chord, m, scratch, std::array::from_fn(first)),
            3 => self.columns::<M, 3>(lo, chord, m, scratch, std::array::from_fn(first)),
            4 => self.columns::<M, 4>(lo, chord, m, scratch, std::array::from_fn(first)),
            5 => self.columns::<M, 5>(lo, chord, m, scratch, std::array::from_fn(first)),
            _ => self.columns::<M, 6>(lo, chord, m, scratch, std::array::from_fn(first)),
        }
    }

    /// [`LayerEigens::block_columns`] for the K columns `cols` of `m` (a nonempty chord).
    fn columns<const M: usize, const K: usize>(
        &self,
        lo: usize,
        chord: &Chord,
        m: &mut CMat<D>,
        scratch: &mut Vec<Complex64>,
        cols: [usize; K],
    ) {
        let segments = &chord.segments;
        let last = segments[segments.len() - 1].1;
        let slot = self.prepare::<M>(lo, chord, scratch);
        // Into the eigenbasis of the first layer: phi[q] is column cols[q].
        let w = self.eigenvectors::<M>(segments[0].1, slot);
        let mut phi: [[Complex64; M]; K] =
            std::array::from_fn(|q| into_eigenbasis::<M>(w, |i| m[(lo + i, cols[q])]));
        // Real overlaps (every layer real in one frame) take half the multiplications.
        let common_rad = if self.real {
            self.walk_columns(lo, slot, chord, scratch, &mut phi, &self.real_transfers)
        } else {
            self.walk_columns(lo, slot, chord, scratch, &mut phi, &self.transfers)
        };
        // Back to flavour, with the common phase.
        let w = self.eigenvectors::<M>(last, slot);
        let common = cis_minus(common_rad);
        for (p, &c) in phi.iter().zip(&cols) {
            for i in 0..M {
                m[(lo + i, c)] = out_of_eigenbasis(w, p, i) * common;
            }
        }
    }

    /// [`LayerEigens::walk`] for K columns with overlaps `transfers` (complex or real).
    #[inline(always)]
    fn walk_columns<const M: usize, const K: usize, T: Overlap>(
        &self,
        lo: usize,
        slot: usize,
        chord: &Chord,
        scratch: &mut [Complex64],
        phi: &mut [[Complex64; M]; K],
        transfers: &[T],
    ) -> f64 {
        self.walk::<M, _, T>(
            lo,
            slot,
            chord,
            scratch,
            phi,
            (
                transfers,
                #[inline(always)]
                |phi: &mut [[Complex64; M]; K], t: &[T], backwards| {
                    for p in phi.iter_mut() {
                        *p = transfer(t, backwards, p);
                    }
                },
            ),
            #[inline(always)]
            |phi, phase| {
                for p in phi.iter_mut() {
                    for j in 1..M {
                        p[j] *= phase[j];
                    }
                }
            },
        )
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

/// An overlap entry: complex, or real when every layer is real in one frame.
trait Overlap: Copy {
    /// t x.
    fn times(self, x: Complex64) -> Complex64;
    /// t̄ x.
    fn conj_times(self, x: Complex64) -> Complex64;
}

impl Overlap for Complex64 {
    #[inline(always)]
    fn times(self, x: Complex64) -> Complex64 {
        self * x
    }
    #[inline(always)]
    fn conj_times(self, x: Complex64) -> Complex64 {
        self.conj() * x
    }
}

impl Overlap for f64 {
    #[inline(always)]
    fn times(self, x: Complex64) -> Complex64 {
        x * self
    }
    #[inline(always)]
    fn conj_times(self, x: Complex64) -> Complex64 {
        x * self
    }
}

/// T p, or T† p when `backwards`: eigen-coordinates carried across a change of layer (T is
/// row-major M×M).
#[inline(always)]
fn transfer<const M: usize, T: Overlap>(
    t: &[T],
    backwards: bool,
    p: &[Complex64; M],
) -> [Complex64; M] {
    let zero = Complex64::new(0.0, 0.0);
    let mut next = [zero; M];
    if !backwards {
        for (r, out) in next.iter_mut().enumerate() {
            let mut acc = zero;
            for (c, x) in p.iter().enumerate() {
                acc += t[r * M + c].times(*x);
            }
            *out = acc;
        }
    } else {
        for (r, out) in next.iter_mut().enumerate() {
            let mut acc = zero;
            for (c, x) in p.iter().enumerate() {
                acc += t[c * M + r].conj_times(*x);
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
