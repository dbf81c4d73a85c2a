//! An adiabatic step across kinks (docs/integrators.md, "Breakpoints, kinks and table rows"): H is
//! continuous but H′ jumps at the rows of `linear` and `log-linear` tables, so λ′ and the couplings
//! k are only piecewise smooth. The step is split at the kinks inside it (and at its midpoint and
//! Gauss points, where Ω₂ samples K); each smooth piece gets its own three nodes (ends with their
//! one-sided H′, and its midpoint), its own quintic Hermite phases and its own Filon quadrature of
//! Ω₁, exactly as a smooth step does. The pieces' phases and Ω₁ add up to the step's; their error
//! indicators add up too. Ω₂ and R then use the step-wide models of [`super::adiabatic`],
//! with k sampled (not interpolated) at the Gauss points, plus an indicator for the jumps and
//! curvature of k that their linear-in-x coupling model cannot follow; the slow part of Ω₂ is
//! summed piece by piece.
//!
//! The result is the propagator of the medium the user's interpolation defines (the pieces
//! are integrated as given, not smoothed); a step costs two eigendecompositions per piece,
//! but one step spans as many rows as the medium's variation allows.

use num_complex::Complex64;

use super::adiabatic::{assemble, cluster_pair, filon_pair, phases, Attempt, Core, Phases, Piece};
use super::eval::Evaluator;
use super::flavour::GAUSS3;
use super::frame::Node;
use super::options::EvolveError;
use crate::hamiltonian::{CMat, PathHamiltonian};
use crate::medium::Side;

type C = Complex64;

/// Where the step's pieces end: the kinks and the Gauss points inside (x₀, x₁) merged in
/// order, then x₁. A kink on a Gauss point ends one piece there, which is both.
struct Boundaries<'a> {
    kinks: &'a [f64],
    gauss_km: [f64; 3],
    x1: f64,
    next_kink: usize,
    next_gauss: usize,
}

/// One piece end from [`Boundaries`].
struct Boundary {
    x_km: f64,
    /// x₁: the step's last piece.
    last: bool,
    /// A kink: H′ jumps here, the piece ends with H′ from the left.
    is_kink: bool,
    /// Which Gauss point this is, if one: k and Φ are sampled here for Ω₂ and R.
    gauss: Option<usize>,
}

impl<'a> Boundaries<'a> {
    fn new(kinks: &'a [f64], gauss_km: [f64; 3], x1: f64) -> Self {
        Boundaries {
            kinks,
            gauss_km,
            x1,
            next_kink: 0,
            next_gauss: 0,
        }
    }

    #[inline]
    fn next(&mut self) -> Boundary {
        let nk = self
            .kinks
            .get(self.next_kink)
            .copied()
            .unwrap_or(f64::INFINITY);
        let ns = self
            .gauss_km
            .get(self.next_gauss)
            .copied()
            .unwrap_or(f64::INFINITY);
        let x_km = nk.min(ns).min(self.x1);
        let last = x_km >= self.x1;
        let is_kink = !last && nk == x_km;
        let gauss = (!last && ns == x_km).then_some(self.next_gauss);
        self.next_kink += usize::from(is_kink);
        self.next_gauss += usize::from(gauss.is_some());
        Boundary {
            x_km,
            last,
            is_kink,
            gauss,
        }
    }
}

impl Boundary {
    /// The side the piece ending here takes H′ from: its own (the left at a kink and at x₁).
    #[inline]
    fn end_side(&self) -> Side {
        if self.last || self.is_kink {
            Side::Left
        } else {
            Side::Right
        }
    }
}

/// Two node slots that take turns as a piece's left and right nodes, so that nodes (each
/// ~1 kB) are written in place, never moved. `cur` is the slot holding the left node, None
/// while that is the step's first node.
struct Slots<const D: usize> {
    nodes: [Node<D>; 2],
    cur: Option<usize>,
}

impl<const D: usize> Slots<D> {
    fn new(node0: &Node<D>) -> Self {
        Slots {
            nodes: [*node0, *node0],
            cur: None,
        }
    }

    /// The slot the next piece's right node goes into.
    #[inline]
    fn end_index(&self) -> usize {
        self.cur.map_or(0, |i| 1 - i)
    }

    /// The current piece's left node (`node0` for the first) and the slot for its right one.
    #[inline]
    fn left_and_end<'s>(&'s mut self, node0: &'s Node<D>) -> (&'s Node<D>, &'s mut Node<D>) {
        let (lo, hi) = self.nodes.split_at_mut(1);
        match self.cur {
            None => (node0, &mut lo[0]),
            Some(0) => (&lo[0], &mut hi[0]),
            Some(_) => (&hi[0], &mut lo[0]),
        }
    }
}

/// What the pieces add up to: Φ and Ω₁ so far, the indicators, and k and Φ at the Gauss
/// points (where Ω₂ and R sample them).
struct Sums<const D: usize> {
    phi: [f64; D],
    /// e^{iΦ_a} at the current piece boundary: D sincos per piece instead of one per entry.
    e_phi: [C; D],
    omega1: CMat<D>,
    filon_err: [[f64; D]; D],
    cluster_err: [[f64; D]; D],
    phase_err: f64,
    k_gauss: [CMat<D>; 3],
    phi_gauss: [[f64; D]; 3],
    /// Largest jump of an off-diagonal k at a kink.
    max_jump: f64,
}

impl<const D: usize> Sums<D> {
    fn new() -> Self {
        Sums {
            phi: [0.0; D],
            e_phi: [C::new(1.0, 0.0); D],
            omega1: CMat::<D>::zeros(),
            filon_err: [[0.0f64; D]; D],
            cluster_err: [[0.0f64; D]; D],
            phase_err: 0.0,
            k_gauss: [CMat::<D>::zeros(); 3],
            phi_gauss: [[0.0; D]; 3],
            max_jump: 0.0,
        }
    }

    /// Adds the smooth piece with nodes `n = [left, mid, end]` and length `dx`: its phases,
    /// its Ω₁ (into the sum and into `pieces`). False on a structural rejection.
    #[inline]
    fn add_piece(
        &mut self,
        node0: &Node<D>,
        n: [&Node<D>; 3],
        dx: f64,
        pieces: &mut Vec<Piece<D>>,
    ) -> bool {
        let ph = phases(n, dx);
        self.phase_err += ph.err;
        let Some(piece_omega1) = self.piece_omega1(node0, n, &ph, dx) else {
            return false;
        };
        self.omega1 += piece_omega1;
        let phased =
            |k: &CMat<D>, e: &[C; D]| CMat::<D>::from_fn(|a, b| k[(a, b)] * e[a] * e[b].conj());
        let k_left = phased(&n[0].k, &self.e_phi);
        for (p, e) in self.phi.iter_mut().zip(&ph.end) {
            *p += e;
        }
        self.e_phi = self.phi.map(|p| C::from_polar(1.0, p));
        pieces.push(Piece {
            len: dx,
            k_left,
            k_right: phased(&n[2].k, &self.e_phi),
            omega1: piece_omega1,
        });
        true
    }

    /// The piece's Ω₁ = −i∫K over it (Simpson on the diagonal, Filon on coupled pairs),
    /// adding to the Filon and cluster indicators; None on a structural rejection.
    #[inline]
    fn piece_omega1(
        &mut self,
        node0: &Node<D>,
        n: [&Node<D>; 3],
        ph: &Phases<D>,
        dx: f64,
    ) -> Option<CMat<D>> {
        let zero = C::new(0.0, 0.0);
        let [left, mid, end] = n;
        let mut piece_omega1 = CMat::<D>::zeros();
        for a in 0..D {
            piece_omega1[(a, a)] =
                C::new(0.0, -dx / 6.0) * (left.k[(a, a)] + mid.k[(a, a)] * 4.0 + end.k[(a, a)]);
            for b in (a + 1)..D {
                if node0.block[a] != node0.block[b] {
                    continue;
                }
                let k = [left.k[(a, b)], mid.k[(a, b)], end.k[(a, b)]];
                if k.iter().all(|z| *z == zero) {
                    continue;
                }
                let gap = n.map(|n| n.lambda[a] - n.lambda[b]);
                let u = [0.0, ph.mid[a] - ph.mid[b], ph.end[a] - ph.end[b]];
                // As in a smooth step: a pair inside one of node0's clusters may touch or
                // change order (its gap is that of diag E_P, its phase tiny); any other
                // coupled pair must keep node0's order through every piece.
                let (quad, lin) = if node0.cluster[a] == node0.cluster[b] {
                    let (q, l) = cluster_pair(k, gap, u, dx);
                    self.cluster_err[a][b] += (q - l).norm();
                    (q, l)
                } else {
                    let g0 = node0.lambda[a] - node0.lambda[b];
                    if gap.iter().any(|g| g * g0 <= 0.0) {
                        return None;
                    }
                    filon_pair(k, gap, u, dx).ok()?
                };
                self.filon_err[a][b] += (quad - lin).norm();
                let v = quad * self.e_phi[a] * self.e_phi[b].conj() * C::new(0.0, -1.0);
                piece_omega1[(a, b)] = v;
                piece_omega1[(b, a)] = -v.conj();
            }
        }
        Some(piece_omega1)
    }

    /// The half of the step (of length `h`, midpoint `xm`) that [`assemble`] takes over, with
    /// right node `n1`.
    fn core(&self, node0: &Node<D>, n1: &Node<D>, gauss_km: &[f64; 3], xm: f64, h: f64) -> Core<D> {
        let p = self.k_gauss[1];
        let q = (n1.k - node0.k) * C::new(1.0 / h, 0.0);
        let max_err = |e: &[[f64; D]; D]| e.iter().flatten().fold(0.0, |m: f64, e| m.max(*e));
        Core {
            omega1: self.omega1,
            phase_err: self.phase_err,
            filon_err: max_err(&self.filon_err),
            cluster_err: max_err(&self.cluster_err),
            phi_m: self.phi_gauss[1],
            phi_1: self.phi,
            k_gauss: self.k_gauss,
            phi_gauss: self.phi_gauss,
            p,
            q,
            model_rel: self.model_rel(&p, &q, gauss_km, xm, h),
        }
    }

    /// How far k departs from the linear model p + q (x − x_m) of Ω₂ and R, relative to the
    /// model's size: its jumps at the kinks and its curvature, seen at the outer Gauss points.
    /// Smooth steps are kept short enough for that model by their phase indicator; here the
    /// phases are exact piece by piece, so nothing else would limit a step that spans a large
    /// change of the couplings.
    fn model_rel(&self, p: &CMat<D>, q: &CMat<D>, gauss_km: &[f64; 3], xm: f64, h: f64) -> f64 {
        let mut scale: f64 = 0.0;
        let mut deviation = self.max_jump;
        for a in 0..D {
            for b in 0..D {
                if a != b {
                    scale = scale.max(p[(a, b)].norm() + 0.5 * h * q[(a, b)].norm());
                    for g in [0, 2] {
                        let model = p[(a, b)] + q[(a, b)] * (gauss_km[g] - xm);
                        deviation = deviation.max((self.k_gauss[g][(a, b)] - model).norm());
                    }
                }
            }
        }
        if scale > 0.0 {
            deviation / scale
        } else {
            0.0
        }
    }
}

/// At a kink: gives the right node `r` (built with H′ from the left) the slope from the right
/// (H is continuous there, so only H′ is new) and returns how far its couplings jumped (the
/// largest |Δk_ab|, a ≠ b), or None on a structural rejection.
fn take_right_slope<const D: usize, H: PathHamiltonian<D> + ?Sized>(
    ev: &mut Evaluator<'_, D, H>,
    x_km: f64,
    he: &mut CMat<D>,
    de: &mut CMat<D>,
    r: &mut Node<D>,
    node0: &Node<D>,
    berry: bool,
) -> Result<Option<f64>, EvolveError> {
    // Into `de`: the left slope served the node already.
    ev.h_and_slope_into(x_km, Side::Right, he, de)?;
    let k_end = r.k;
    if r.set_slope(de, node0, berry).is_err() {
        return Ok(None);
    }
    let mut jump = 0.0_f64;
    for a in 0..D {
        for b in 0..D {
            if a != b {
                jump = jump.max((r.k[(a, b)] - k_end[(a, b)]).norm());
            }
        }
    }
    Ok(Some(jump))
}

/// One adiabatic step from `node0` to `x1` across the sorted `kinks`, all strictly inside
/// (x₀, x₁): the attempt and the right node (left slope at x₁), or None on a structural
/// rejection (a mismatch, a crossing, |Ω| too large).
pub(crate) fn kinked_step<const D: usize, H: PathHamiltonian<D> + ?Sized>(
    ev: &mut Evaluator<'_, D, H>,
    node0: &Node<D>,
    x1: f64,
    kinks: &[f64],
    tol: f64,
    berry: bool,
    pieces: &mut Vec<Piece<D>>,
) -> Result<Option<(Attempt<D>, Node<D>)>, EvolveError> {
    pieces.clear();
    let x0 = node0.x_km;
    let h = x1 - x0;
    let xm = 0.5 * (x0 + x1);
    let gauss_km = GAUSS3.map(|g| xm + g * h);
    let mut bounds = Boundaries::new(kinks, gauss_km, x1);
    let mut sums = Sums::<D>::new();
    // The piece's midpoint node, and the left and right nodes.
    let mut mid = *node0;
    let mut slots = Slots::new(node0);
    // H and H′ at the piece's midpoint and end (and, at a kink, H′ from the right).
    let (mut hm, mut dm) = (CMat::<D>::zeros(), CMat::<D>::zeros());
    let (mut he, mut de) = (CMat::<D>::zeros(), CMat::<D>::zeros());
    let last_slot = loop {
        let bound = bounds.next();
        let s1 = bound.x_km;
        let s0 = slots.cur.map_or(node0.x_km, |i| slots.nodes[i].x_km);
        let dx = s1 - s0;
        if dx <= 0.0 {
            continue;
        }
        let xmid = 0.5 * (s0 + s1);
        ev.h_and_slope_into(xmid, Side::Right, &mut hm, &mut dm)?;
        if mid.rematch(xmid, &hm, &dm, node0, berry).is_err() {
            return Ok(None);
        }
        ev.h_and_slope_into(s1, bound.end_side(), &mut he, &mut de)?;
        let e = slots.end_index();
        let (left, end) = slots.left_and_end(node0);
        if end.rematch(s1, &he, &de, node0, berry).is_err() {
            return Ok(None);
        }
        if !sums.add_piece(node0, [left, &mid, end], dx, pieces) {
            return Ok(None);
        }
        if bound.last {
            break e;
        }
        // The right node: `end` itself, or at a kink `end` with the slope from the right.
        let r = &mut slots.nodes[e];
        if bound.is_kink {
            let Some(jump) = take_right_slope(ev, s1, &mut he, &mut de, r, node0, berry)? else {
                return Ok(None);
            };
            sums.max_jump = sums.max_jump.max(jump);
        }
        if let Some(g) = bound.gauss {
            sums.k_gauss[g] = slots.nodes[e].k;
            sums.phi_gauss[g] = sums.phi;
        }
        slots.cur = Some(e);
    };
    let n1 = slots.nodes[last_slot];
    let core = sums.core(node0, &n1, &gauss_km, xm, h);
    Ok(assemble(node0, &n1, &core, pieces, tol)
        .ok()
        .map(|a| (a, n1)))
}
