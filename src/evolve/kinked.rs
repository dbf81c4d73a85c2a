//! An adiabatic step across kinks (integrators.md §3.10): H is continuous but H′ jumps at the
//! rows of `linear` and `log-linear` tables, so λ′ and the couplings k are only piecewise
//! smooth. The step is split at the kinks inside it (and at its midpoint and Gauss points,
//! where Ω₂ samples K); each smooth piece gets its own three nodes (ends with their one-sided
//! H′, and its midpoint), its own quintic Hermite phases and its own Filon quadrature of Ω₁,
//! exactly as a smooth step does. The pieces' phases and Ω₁ add up to the step's; their error
//! indicators add up too. Ω₂ and R then use the step-wide models of [`super::adiabatic`],
//! with k sampled (not interpolated) at the Gauss points, plus an indicator for the jumps and
//! curvature of k that their linear-in-x coupling model cannot follow; the slow part of Ω₂ is
//! summed piece by piece.
//!
//! The result is the propagator of the medium the user's interpolation defines (the pieces
//! are integrated as given, not smoothed); a step costs two eigendecompositions per piece,
//! but one step spans as many rows as the medium's variation allows.

use num_complex::Complex64;

use super::adiabatic::{assemble, cluster_pair, filon_pair, phases, Attempt, Core, Piece};
use super::eval::Evaluator;
use super::flavour::GAUSS3;
use super::frame::Node;
use super::options::EvolveError;
use crate::hamiltonian::{CMat, PathHamiltonian};
use crate::medium::Side;

type C = Complex64;

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
    let special = GAUSS3.map(|g| xm + g * h);
    let zero = C::new(0.0, 0.0);
    let mut phi = [0.0; D];
    let mut omega1 = CMat::<D>::zeros();
    let mut filon_err = [[0.0f64; D]; D];
    let mut cluster_err = [[0.0f64; D]; D];
    let mut phase_err = 0.0;
    let mut k_gauss = [CMat::<D>::zeros(); 3];
    let mut phi_gauss = [[0.0; D]; 3];
    let mut max_jump: f64 = 0.0;
    // e^{iΦ_a} at the current piece boundary: D sincos per piece instead of one per entry.
    let mut e_phi = [C::new(1.0, 0.0); D];
    // The piece's midpoint node, and two slots that take turns as a piece's left and right
    // nodes (`cur`: the slot holding the left one, None for node0): nodes are written in
    // place, never moved (each is ~1 kB).
    let mut mid = *node0;
    let mut slots = [*node0, *node0];
    let mut cur: Option<usize> = None;
    // H and H′ at the piece's midpoint and end (and, at a kink, H′ from the right).
    let (mut hm, mut dm) = (CMat::<D>::zeros(), CMat::<D>::zeros());
    let (mut he, mut de) = (CMat::<D>::zeros(), CMat::<D>::zeros());
    let (mut ik, mut is) = (0, 0);
    let last_slot = loop {
        let nk = kinks.get(ik).copied().unwrap_or(f64::INFINITY);
        let ns = special.get(is).copied().unwrap_or(f64::INFINITY);
        let s1 = nk.min(ns).min(x1);
        let last = s1 >= x1;
        let is_kink = !last && nk == s1;
        let special_idx = (!last && ns == s1).then_some(is);
        ik += usize::from(is_kink);
        is += usize::from(special_idx.is_some());
        let s0 = cur.map_or(node0.x_km, |i| slots[i].x_km);
        let dx = s1 - s0;
        if dx <= 0.0 {
            continue;
        }
        let xmid = 0.5 * (s0 + s1);
        ev.h_and_slope_into(xmid, Side::Right, &mut hm, &mut dm)?;
        if mid.rematch(xmid, &hm, &dm, node0, berry).is_err() {
            return Ok(None);
        }
        let mid = &mid;
        // The piece ends with H′ from its own side.
        let side = if last || is_kink {
            Side::Left
        } else {
            Side::Right
        };
        ev.h_and_slope_into(s1, side, &mut he, &mut de)?;
        let e = cur.map_or(0, |i| 1 - i);
        let (lo, hi) = slots.split_at_mut(1);
        let (left, end): (&Node<D>, &mut Node<D>) = match cur {
            None => (node0, &mut lo[0]),
            Some(0) => (&lo[0], &mut hi[0]),
            Some(_) => (&hi[0], &mut lo[0]),
        };
        if end.rematch(s1, &he, &de, node0, berry).is_err() {
            return Ok(None);
        }
        let end: &Node<D> = end;
        let ph = phases([left, mid, end], dx);
        phase_err += ph.err;
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
                let gap = [left, mid, end].map(|n| n.lambda[a] - n.lambda[b]);
                let u = [0.0, ph.mid[a] - ph.mid[b], ph.end[a] - ph.end[b]];
                // As in a smooth step: a pair inside one of node0's clusters may touch or
                // change order (its gap is that of diag E_P, its phase tiny); any other
                // coupled pair must keep node0's order through every piece.
                let (quad, lin) = if node0.cluster[a] == node0.cluster[b] {
                    let (q, l) = cluster_pair(k, gap, u, dx);
                    cluster_err[a][b] += (q - l).norm();
                    (q, l)
                } else {
                    let g0 = node0.lambda[a] - node0.lambda[b];
                    if gap.iter().any(|g| g * g0 <= 0.0) {
                        return Ok(None);
                    }
                    let Ok(r) = filon_pair(k, gap, u, dx) else {
                        return Ok(None);
                    };
                    r
                };
                filon_err[a][b] += (quad - lin).norm();
                let v = quad * e_phi[a] * e_phi[b].conj() * C::new(0.0, -1.0);
                piece_omega1[(a, b)] = v;
                piece_omega1[(b, a)] = -v.conj();
            }
        }
        omega1 += piece_omega1;
        let phased =
            |k: &CMat<D>, e: &[C; D]| CMat::<D>::from_fn(|a, b| k[(a, b)] * e[a] * e[b].conj());
        let k_left = phased(&left.k, &e_phi);
        for (p, e) in phi.iter_mut().zip(&ph.end) {
            *p += e;
        }
        e_phi = phi.map(|p| C::from_polar(1.0, p));
        pieces.push(Piece {
            len: dx,
            k_left,
            k_right: phased(&end.k, &e_phi),
            omega1: piece_omega1,
        });
        if last {
            break e;
        }
        // The right node: `end` itself, or at a kink `end` with the slope from the right.
        if is_kink {
            // H is continuous at the kink: only H′ from the right is new (into `de`: the
            // left one served `end` above).
            ev.h_and_slope_into(s1, Side::Right, &mut he, &mut de)?;
            let dr = &de;
            let k_end = slots[e].k;
            let r = &mut slots[e];
            if r.set_slope(dr, node0, berry).is_err() {
                return Ok(None);
            }
            for a in 0..D {
                for b in 0..D {
                    if a != b {
                        max_jump = max_jump.max((r.k[(a, b)] - k_end[(a, b)]).norm());
                    }
                }
            }
        }
        if let Some(g) = special_idx {
            k_gauss[g] = slots[e].k;
            phi_gauss[g] = phi;
        }
        cur = Some(e);
    };
    let n1 = slots[last_slot];
    let p = k_gauss[1];
    let q = (n1.k - node0.k) * C::new(1.0 / h, 0.0);
    // How far k departs from the linear model of Ω₂ and R: its jumps at the kinks and its
    // curvature, seen at the outer Gauss points. Smooth steps are kept short enough for that
    // model by their phase indicator; here the phases are exact piece by piece, so nothing
    // else would limit a step that spans a large change of the couplings.
    let mut scale: f64 = 0.0;
    let mut deviation = max_jump;
    for a in 0..D {
        for b in 0..D {
            if a != b {
                scale = scale.max(p[(a, b)].norm() + 0.5 * h * q[(a, b)].norm());
                for g in [0, 2] {
                    let model = p[(a, b)] + q[(a, b)] * (special[g] - xm);
                    deviation = deviation.max((k_gauss[g][(a, b)] - model).norm());
                }
            }
        }
    }
    let core = Core {
        omega1,
        phase_err,
        filon_err: filon_err.iter().flatten().fold(0.0, |m: f64, e| m.max(*e)),
        cluster_err: cluster_err
            .iter()
            .flatten()
            .fold(0.0, |m: f64, e| m.max(*e)),
        phi_m: phi_gauss[1],
        phi_1: phi,
        k_gauss,
        phi_gauss,
        p,
        q,
        model_rel: if scale > 0.0 { deviation / scale } else { 0.0 },
    };
    Ok(assemble(node0, &n1, &core, pieces, tol)
        .ok()
        .map(|a| (a, n1)))
}
