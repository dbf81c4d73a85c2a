//! Exact propagation through piecewise-constant media, sharing work across chords.
//!
//! A run through layered matter (Earth shells, a constant slab) meets the same few layer
//! Hamiltonians again and again: every chord of a zenith grid crosses the same shells. So:
//!
//! - [`LayerSet`] collects the distinct layers (equal [`MediumPoint`]s) of any number of chords
//!   and turns each chord into (length, layer) segments;
//! - [`LayerEigens`] holds, for one energy, one eigendecomposition H = W diag(λ) W† per
//!   distinct layer, computed once and reused by every chord;
//! - [`LayerEigens::propagate`] applies exp(−iHL) = W (e^{−iλL} ∘ (W† ψ)) segment by segment
//!   to a state vector, so a chord costs O(D²) per segment instead of a D×D matrix product and
//!   an eigendecomposition. When the Hamiltonian has no helicity-flip entries (no moments, or
//!   no field), its two N×N helicity blocks are decomposed and propagated separately, and a
//!   block where ψ is zero is skipped (it stays zero).
//!
//! The result is unitary by construction (a product of exact exponentials of Hermitian
//! matrices with orthonormal W), so no unitarity check is made.

use std::collections::HashMap;

use nalgebra::SVector;
use num_complex::Complex64;

use super::options::EvolveError;
use crate::hamiltonian::{CMat, EnergyHamiltonian};
use crate::linalg::eigen::hermitian_eigen;
use crate::medium::{Medium, MediumPoint, PresentQuantities, Side};
use nalgebra::SMatrix;

/// A state vector of the 2N-state system.
pub type CVec<const D: usize> = SVector<Complex64, D>;

/// One chord: consecutive (length_km, layer index) segments.
#[derive(Debug, Clone, PartialEq)]
pub struct Chord {
    pub segments: Vec<(f64, u32)>,
    /// The segments read the same backwards (an Earth chord with detector and production at
    /// the surface): the phases e^{−iλL} of the second half are those of the first.
    pub palindrome: bool,
}

/// The distinct layers of a set of chords.
#[derive(Debug, Clone)]
pub struct LayerSet {
    points: Vec<MediumPoint>,
    index: HashMap<[u64; 11], u32>,
    present: PresentQuantities,
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
        }
    }
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
        // Mirrored segments differ in length by round-off of the edges (a few ulps of the
        // track's end); they are given the same length, which moves the phase by < 1e-14.
        let tol = 8.0 * f64::EPSILON * start_km.abs().max(end_km.abs());
        let n = chord.len();
        let palindrome = (0..n / 2).all(|k| {
            let (a, b) = (chord[k], chord[n - 1 - k]);
            a.1 == b.1 && (a.0 - b.0).abs() <= tol
        });
        if palindrome {
            for k in 0..n / 2 {
                chord[n - 1 - k].0 = chord[k].0;
            }
        }
        Ok(Chord {
            segments: chord,
            palindrome,
        })
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

/// One energy's eigendecompositions of every layer of a [`LayerSet`].
#[derive(Debug, Clone)]
pub struct LayerEigens<const D: usize> {
    /// H has no entries between the two helicity blocks [0, N) and [N, 2N).
    halves: bool,
    values: Vec<[f64; D]>,
    vectors: Vec<CMat<D>>,
}

impl<const D: usize> LayerEigens<D> {
    /// Decomposes H of every layer of `layers` at the energy of `eh`; with decoupled helicity
    /// blocks only the blocks in `needed` ([0, N), [N, 2N)) are decomposed, and only states
    /// supported on them may be propagated.
    pub fn new(eh: &EnergyHamiltonian<D>, layers: &LayerSet, needed: [bool; 2]) -> Self {
        let n = D / 2;
        let pattern = eh.coupling_pattern(layers.present());
        let halves = (0..D).all(|i| (0..D).all(|j| (i < n) == (j < n) || !pattern[i][j]));
        let mut values = Vec::with_capacity(layers.points.len());
        let mut vectors = Vec::with_capacity(layers.points.len());
        for p in &layers.points {
            let h = eh.at(p);
            let (v, w) = if halves {
                let mut v = [0.0; D];
                let mut w = CMat::<D>::zeros();
                for (b, &want) in needed.iter().enumerate() {
                    if want {
                        block_eigen(&h, b * n, n, &mut v, &mut w);
                    }
                }
                (v, w)
            } else {
                let e = hermitian_eigen(&h);
                (e.values, e.vectors)
            };
            values.push(v);
            vectors.push(w);
        }
        LayerEigens {
            halves,
            values,
            vectors,
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
    pub fn propagate_with(
        &self,
        chord: &Chord,
        psi: &mut CVec<D>,
        scratch: &mut Vec<[Complex64; D]>,
    ) {
        let n = D / 2;
        let blocks: &[(usize, usize)] = if self.halves {
            &[(0, n), (n, D)]
        } else {
            &[(0, D)]
        };
        let segments = &chord.segments;
        let count = segments.len();
        if chord.palindrome {
            scratch.clear();
            scratch.resize(count.div_ceil(2), [Complex64::new(0.0, 0.0); D]);
        }
        for &(lo, hi) in blocks {
            if (lo..hi).all(|i| psi[i] == Complex64::new(0.0, 0.0)) {
                continue;
            }
            for (k, &(length_km, layer)) in segments.iter().enumerate() {
                let w = &self.vectors[layer as usize];
                let lam = &self.values[layer as usize];
                let mirror = count - 1 - k;
                let mut phase = [Complex64::new(0.0, 0.0); D];
                if chord.palindrome && mirror < k {
                    phase[lo..hi].copy_from_slice(&scratch[mirror][lo..hi]);
                } else {
                    for j in lo..hi {
                        let (s, c) = (lam[j] * length_km).sin_cos();
                        phase[j] = Complex64::new(c, -s);
                    }
                    if chord.palindrome {
                        scratch[k][lo..hi].copy_from_slice(&phase[lo..hi]);
                    }
                }
                let mut t = [Complex64::new(0.0, 0.0); D];
                for j in lo..hi {
                    let col = w.column(j);
                    let mut acc = Complex64::new(0.0, 0.0);
                    for i in lo..hi {
                        acc += col[i].conj() * psi[i];
                    }
                    t[j] = acc * phase[j];
                }
                for i in lo..hi {
                    let mut acc = Complex64::new(0.0, 0.0);
                    for j in lo..hi {
                        acc += w[(i, j)] * t[j];
                    }
                    psi[i] = acc;
                }
            }
        }
    }

    /// M ← S(chord) M for the columns of `m` (e.g. the vacuum mass states), with each
    /// segment's phases e^{−iλL} computed once for all columns (the cost of
    /// [`LayerEigens::propagate_with`] per column is dominated by them).
    pub fn propagate_columns(&self, chord: &Chord, m: &mut CMat<D>) {
        let n = D / 2;
        let blocks: &[(usize, usize)] = if self.halves {
            &[(0, n), (n, D)]
        } else {
            &[(0, D)]
        };
        let zero = Complex64::new(0.0, 0.0);
        for &(lo, hi) in blocks {
            let live: Vec<usize> = (0..D)
                .filter(|&c| (lo..hi).any(|i| m[(i, c)] != zero))
                .collect();
            if live.is_empty() {
                continue;
            }
            for &(length_km, layer) in &chord.segments {
                let w = &self.vectors[layer as usize];
                let lam = &self.values[layer as usize];
                let mut phase = [zero; D];
                for j in lo..hi {
                    let (s, c) = (lam[j] * length_km).sin_cos();
                    phase[j] = Complex64::new(c, -s);
                }
                for &c in &live {
                    let mut t = [zero; D];
                    for j in lo..hi {
                        let mut acc = zero;
                        for i in lo..hi {
                            acc += w[(i, j)].conj() * m[(i, c)];
                        }
                        t[j] = acc * phase[j];
                    }
                    for i in lo..hi {
                        let mut acc = zero;
                        for j in lo..hi {
                            acc += w[(i, j)] * t[j];
                        }
                        m[(i, c)] = acc;
                    }
                }
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

/// The eigendecomposition of the n×n diagonal block of `h` at offset `at`, written into
/// `values[at..at + n]` and the same block of `vectors`.
fn block_eigen<const D: usize>(
    h: &CMat<D>,
    at: usize,
    n: usize,
    values: &mut [f64; D],
    vectors: &mut CMat<D>,
) {
    fn fixed<const D: usize, const N: usize>(
        h: &CMat<D>,
        at: usize,
        values: &mut [f64; D],
        vectors: &mut CMat<D>,
    ) {
        let block = SMatrix::<Complex64, N, N>::from_fn(|r, c| h[(at + r, at + c)]);
        let e = hermitian_eigen(&block);
        for c in 0..N {
            values[at + c] = e.values[c];
            for r in 0..N {
                vectors[(at + r, at + c)] = e.vectors[(r, c)];
            }
        }
    }
    match n {
        1 => fixed::<D, 1>(h, at, values, vectors),
        2 => fixed::<D, 2>(h, at, values, vectors),
        3 => fixed::<D, 3>(h, at, values, vectors),
        _ => {
            let labels: [usize; D] = std::array::from_fn(|i| usize::from(i >= at + n || i < at));
            let e = crate::linalg::hermitian_eigen_in_blocks(h, &labels);
            // Block 0 is this one: its columns come first.
            for c in 0..n {
                values[at + c] = e.values[c];
                for r in 0..n {
                    vectors[(at + r, at + c)] = e.vectors[(at + r, c)];
                }
            }
        }
    }
}
