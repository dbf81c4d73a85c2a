//! Probabilities averaged over a Gaussian energy resolution without sampling the oscillation
//! (the `averaged` observable).
//!
//! With σ = σ_E/E (`[arrival] energy_resolution`), the flavour probability at the end of the
//! track, averaged over E′ ~ N(E, (σE)²), is computed from the one solution at E:
//!
//! 1. The exit state of initial state i in the exit eigenbasis W_f of H(x_end):
//!    ψ̃ = W_f† S e_i, so P(β) = Σ_ab W_βa ψ̃_a ψ̃_b* W_βb*. Each interference term (a ≠ b)
//!    carries the phase e^{−i(Φ_a − Φ_b)}, Φ_a = ∫ λ_a dx along the track.
//! 2. Φ′_a = ∂Φ_a/∂E and Φ″_a come from a separate adaptive Gauss–Legendre quadrature over the
//!    track (split at the medium's breakpoints): λ′_a = (W† H′ W)_aa (Hellmann–Feynman) and
//!    λ″_a = (W† H″ W)_aa + 2 Σ_{b≠a} |(W† H′ W)_ab|²/(λ_a − λ_b) (second-order perturbation
//!    theory, within each decoupled block). H = A + B/E exactly (vacuum, B∥ and transverse
//!    current terms carry 1/E; matter and μB⊥ do not), so B is taken exactly from H at E and
//!    2E, and H′ = −B/E², H″ = 2B/E³.
//! 3. Each term a ≠ b is multiplied by the Gaussian average of e^{−i(ΔΦ′δ + ΔΦ″δ²/2)}:
//!    D_ab = (1 + i s₂)^{−1/2} exp(−s₁²/(2(1 + i s₂))), s₁ = σE ΔΦ′_ab, s₂ = (σE)² ΔΦ″_ab.
//! 4. The slow (incoherent) part is averaged over energy with a Gauss–Hermite rule: with the
//!    transition probabilities T_ab = |(W_f† S W_0)_ab|² between start and exit eigenstates
//!    of the solution at E held fixed, P_slow(E′) = Σ_a |W_f(E′)_βa|² Σ_b T_ab |W_0(E′)†e_i|²_b
//!    is evaluated at the rule's energies, and Σ_k w_k P_slow(E_k) − P_slow(E) is added.
//!
//! Where it is exact and where approximate:
//! - Exact for an adiabatic track (no transitions between eigenstates) to second order in the
//!   phase's energy dependence; the cubic remainder (σE)³ΔΦ‴/6 is ~σ² smaller than s₁, and it
//!   only matters for terms that are partly averaged (s₁ ~ 1).
//! - The start and exit mixing (the smooth energy dependence of the slow part) are averaged to
//!   the order of the Gauss–Hermite rule (5 points for σ ≤ 0.21, 3 points up to 0.34, so that
//!   every node energy stays above 0.4 E, none beyond: then the slow part is taken at E).
//! - Approximate when eigenstates mix along the way (non-adiabatic crossings, spin-flavour
//!   resonances): T is kept at its value at E across the resolution, and the phase of each
//!   exit term is attributed to the exit eigenstates over the whole track, while the paths
//!   through a crossing accumulate the phase of the other level before it; the interference of
//!   two start eigenstates that meet at a crossing is kept undamped. Use a track that starts
//!   after such a crossing, or a finer energy grid, when this matters.
//! - The slow variation of the damped coherent terms themselves (s₁ ≲ 1) is not averaged.
//!
//! The smallest phase spread s₁ over the interference terms that contribute (weight > 1e-4)
//! is reported per initial state; below [`WARN_SPREAD_RAD`] the term is only partly averaged
//! and its value depends on the shape of the resolution, and the run warns.

use num_complex::Complex64;

use crate::evolve::frame::Blocks;
use crate::hamiltonian::{CMat, EnergyHamiltonian, MediumHamiltonian, Model, PathHamiltonian};
use crate::linalg::{hermitian_eigen_in_blocks, HermitianEigen};
use crate::medium::{Medium, MediumError, Side};

/// A contributing interference term whose phase spread σE|ΔΦ′| is below this (rad) is only
/// partly averaged (|D| > e^{−12.5}): the run warns.
pub const WARN_SPREAD_RAD: f64 = 5.0;

/// Reported spread when no interference term contributes.
pub const NO_SPREAD_RAD: f64 = 1e6;

/// Weight below which an interference term counts as not contributing.
const CONTRIBUTES: f64 = 1e-4;

/// The averaged probabilities `[nI, 2N]` and the smallest contributing phase spread per
/// initial state (rad).
#[derive(Debug, Clone, PartialEq)]
pub struct Averaged {
    pub probability: Vec<f64>,
    pub min_spread_rad: Vec<f64>,
}

/// E Φ′_a and E² Φ″_a (rad) of every eigenvalue over [start_km, end_km].
#[derive(Debug, Clone, Copy)]
pub struct PhaseDerivatives<const D: usize> {
    pub e_dphi: [f64; D],
    pub e2_d2phi: [f64; D],
}

/// The two Hamiltonians H(E) and H(2E): B/(2E) = H(E) − H(2E).
struct Pair<'a, const D: usize> {
    at_e: EnergyHamiltonian<D>,
    at_2e: EnergyHamiltonian<D>,
    medium: &'a dyn Medium,
    blocks: [usize; D],
}

impl<const D: usize> Pair<'_, D> {
    /// [E λ′_a, E² λ″_a] at x (km⁻¹), a = 0..D, in block-sorted eigenvalue order.
    fn integrand(&self, x_km: f64) -> Result<[f64; 12], MediumError> {
        let p = self.medium.point(x_km, Side::Right)?;
        let h = self.at_e.at(&p);
        let k = h - self.at_2e.at(&p);
        let eig = hermitian_eigen_in_blocks(&h, &self.blocks);
        Ok(derivatives(&eig, &k, &self.blocks))
    }
}

/// From H = W diag(λ) W† and K = B/(2E): E λ′ = −2 K̃_aa, E² λ″ = 4 K̃_aa + 8 Σ |K̃_ab|²/(λ_a − λ_b)
/// with K̃ = W† K W (E H′ = −2K, E² H″ = 4K).
fn derivatives<const D: usize>(
    eig: &HermitianEigen<D>,
    k: &CMat<D>,
    blocks: &[usize; D],
) -> [f64; 12] {
    let w = &eig.vectors;
    let kt = w.adjoint() * k * w;
    // Column blocks: the eigen-solver groups columns by block in ascending label order.
    let mut col_block = *blocks;
    col_block.sort_unstable();
    let scale = eig.values.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let mut out = [0.0; 12];
    for a in 0..D {
        out[a] = -2.0 * kt[(a, a)].re;
        let mut second = 4.0 * kt[(a, a)].re;
        for b in 0..D {
            let gap = eig.values[a] - eig.values[b];
            if b != a && col_block[a] == col_block[b] && gap.abs() > 1e-14 * scale {
                second += 8.0 * kt[(a, b)].norm_sqr() / gap;
            }
        }
        out[6 + a] = second;
    }
    out
}

/// 7-point Gauss–Legendre nodes and weights on [−1, 1].
const GL7: [(f64, f64); 7] = [
    (-0.949_107_912_342_758_5, 0.129_484_966_168_869_7),
    (-0.741_531_185_599_394_4, 0.279_705_391_489_276_7),
    (-0.405_845_151_377_397_2, 0.381_830_050_505_118_9),
    (0.0, 0.417_959_183_673_469_4),
    (0.405_845_151_377_397_2, 0.381_830_050_505_118_9),
    (0.741_531_185_599_394_4, 0.279_705_391_489_276_7),
    (0.949_107_912_342_758_5, 0.129_484_966_168_869_7),
];

fn panel<const D: usize>(pair: &Pair<'_, D>, a: f64, b: f64) -> Result<[f64; 12], MediumError> {
    let (mid, half) = (0.5 * (a + b), 0.5 * (b - a));
    let mut sum = [0.0; 12];
    for (t, w) in GL7 {
        let f = pair.integrand(mid + half * t)?;
        for (s, v) in sum.iter_mut().zip(f) {
            *s += w * half * v;
        }
    }
    Ok(sum)
}

/// Adaptive quadrature of the phase derivatives over [a, b] (no breakpoint inside): a panel
/// is accepted when its two halves agree with it to `tol` (rad, scaled by the panel's share).
/// `total` accumulates the integrals.
fn integrate<const D: usize>(
    pair: &Pair<'_, D>,
    a: f64,
    b: f64,
    tol: f64,
    total: &mut [f64; 12],
) -> Result<(), MediumError> {
    let length = b - a;
    let mut stack = vec![(a, b, panel(pair, a, b)?, 0u32)];
    while let Some((lo, hi, whole, depth)) = stack.pop() {
        let mid = 0.5 * (lo + hi);
        let left = panel(pair, lo, mid)?;
        let right = panel(pair, mid, hi)?;
        // E Φ′ to `tol` (or 1e-7 relative: a spread that large is damped to zero anyway),
        // E² Φ″ a hundred times looser (it enters as the small correction s₂ = σ² E² ΔΦ″).
        let share = (hi - lo) / length;
        let converged = (0..12).all(|k| {
            let (t, rel) = if k < 6 {
                (tol, 1e-7)
            } else {
                (100.0 * tol, 1e-5)
            };
            let sum = left[k] + right[k];
            (sum - whole[k]).abs() <= (t * share).max(rel * sum.abs())
        });
        // At least 8 panels, so a feature narrower than the track is not missed by luck.
        if (converged && depth >= 3) || depth >= 40 {
            for k in 0..12 {
                total[k] += left[k] + right[k];
            }
        } else {
            stack.push((lo, mid, left, depth + 1));
            stack.push((mid, hi, right, depth + 1));
        }
    }
    Ok(())
}

/// Breakpoints up to this many are honoured as panel edges; beyond it (interpolated solar
/// or supernova tables, whose rows are kinks, not jumps) the adaptive rule runs over the
/// whole track and bisects towards any jump it meets.
const MAX_SPLITS: usize = 64;

/// E Φ′ and E² Φ″ of the eigenvalues over the track, each accurate to ~`tol` rad. On a
/// piecewise-constant medium the integrand is constant between breakpoints: one evaluation per
/// layer is exact.
fn phase_derivatives<const D: usize>(
    pair: &Pair<'_, D>,
    breakpoints: &[f64],
    piecewise_constant: bool,
    start_km: f64,
    end_km: f64,
    tol: f64,
) -> Result<PhaseDerivatives<D>, MediumError> {
    let inner: Vec<f64> = breakpoints
        .iter()
        .copied()
        .filter(|&b| b > start_km && b < end_km)
        .collect();
    let mut edges = vec![start_km];
    if piecewise_constant || inner.len() <= MAX_SPLITS {
        edges.extend(&inner);
    }
    edges.push(end_km);
    let mut total = [0.0; 12];
    let n = (edges.len() - 1) as f64;
    for w in edges.windows(2) {
        if piecewise_constant {
            let f = pair.integrand(0.5 * (w[0] + w[1]))?;
            for (t, v) in total.iter_mut().zip(f) {
                *t += (w[1] - w[0]) * v;
            }
        } else {
            integrate(pair, w[0], w[1], tol / n, &mut total)?;
        }
    }
    Ok(PhaseDerivatives {
        e_dphi: std::array::from_fn(|a| total[a]),
        e2_d2phi: std::array::from_fn(|a| total[6 + a]),
    })
}

/// E Φ′_a and E² Φ″_a of the eigenvalues of `path` over [start_km, end_km] to ~`tol` rad, in
/// the block-sorted order of [`hermitian_eigen_in_blocks`] (the order of the exit eigenbasis):
/// the phase-derivative machinery of this module, for the wave-packet damping of
/// [`super::decoherence`].
pub fn track_phase_derivatives<const D: usize>(
    model: &Model,
    path: &MediumHamiltonian<'_, D>,
    start_km: f64,
    end_km: f64,
    tol: f64,
) -> Result<PhaseDerivatives<D>, MediumError> {
    let eh = path.energy_hamiltonian();
    let pair = Pair {
        at_e: eh.clone(),
        at_2e: EnergyHamiltonian::<D>::new(model, eh.energy_ev() * 2.0),
        medium: path.medium(),
        blocks: Blocks::from_pattern(&path.coupling_pattern()).label,
    };
    phase_derivatives(
        &pair,
        path.breakpoints(),
        path.is_piecewise_constant(),
        start_km,
        end_km,
        tol,
    )
}

/// Gauss–Hermite nodes t_k and weights (normalised to 1) for E′ = E(1 + √2 σ t_k), the
/// largest rule whose node energies stay ≥ 0.4 E.
fn hermite_rule(sigma: f64) -> &'static [(f64, f64)] {
    const GH5: [(f64, f64); 5] = [
        (-2.020_182_870_456_086, 0.011_257_411_327_720_69),
        (-0.958_572_464_613_818_5, 0.222_075_922_005_612_6),
        (0.0, 0.533_333_333_333_333_3),
        (0.958_572_464_613_818_5, 0.222_075_922_005_612_6),
        (2.020_182_870_456_086, 0.011_257_411_327_720_69),
    ];
    const GH3: [(f64, f64); 3] = [
        (-1.224_744_871_391_589, 1.0 / 6.0),
        (0.0, 2.0 / 3.0),
        (1.224_744_871_391_589, 1.0 / 6.0),
    ];
    const GH1: [(f64, f64); 1] = [(0.0, 1.0)];
    let ok = |t: f64| 1.0 - std::f64::consts::SQRT_2 * sigma * t >= 0.4;
    if ok(GH5[4].0) {
        &GH5
    } else if ok(GH3[2].0) {
        &GH3
    } else {
        &GH1
    }
}

/// D_ab for spreads s₁ = σE ΔΦ′ and s₂ = (σE)² ΔΦ″.
fn damping(s1: f64, s2: f64) -> Complex64 {
    let z = Complex64::new(1.0, s2);
    (-(s1 * s1) / (2.0 * z)).exp() / z.sqrt()
}

/// Accuracy (rad) of the phase derivatives of the `averaged` observable.
const AVERAGED_TOL_RAD: f64 = 1e-3;

/// E Φ′ and E² Φ″ from each of `starts_km` (any order) to `end_km`, with one quadrature over
/// the track from the innermost start: the track is cut at the start points, each piece is
/// integrated once (to its share of `tol`), and a start's integrals are the sums over the
/// pieces after it. The integrals are additive, so this is the per-start quadrature with
/// extra panel edges at the other starts: the same values to within `tol`, for the cost of
/// one track instead of K.
fn phase_derivatives_from_starts<const D: usize>(
    pair: &Pair<'_, D>,
    breakpoints: &[f64],
    piecewise_constant: bool,
    starts_km: &[f64],
    end_km: f64,
    tol: f64,
) -> Result<Vec<PhaseDerivatives<D>>, MediumError> {
    let mut cuts: Vec<f64> = starts_km.to_vec();
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    cuts.push(end_km);
    let length = end_km - cuts[0];
    // suffix[j] = the integrals from cuts[j] to the end.
    let mut suffix = vec![[0.0; 12]; cuts.len()];
    for j in (0..cuts.len() - 1).rev() {
        let share = (cuts[j + 1] - cuts[j]) / length;
        let piece = phase_derivatives(
            pair,
            breakpoints,
            piecewise_constant,
            cuts[j],
            cuts[j + 1],
            tol * share,
        )?;
        for a in 0..D {
            suffix[j][a] = suffix[j + 1][a] + piece.e_dphi[a];
            suffix[j][6 + a] = suffix[j + 1][6 + a] + piece.e2_d2phi[a];
        }
    }
    Ok(starts_km
        .iter()
        .map(|r| {
            let t = &suffix[cuts.partition_point(|c| c < r)];
            PhaseDerivatives {
                e_dphi: std::array::from_fn(|a| t[a]),
                e2_d2phi: std::array::from_fn(|a| t[6 + a]),
            }
        })
        .collect())
}

/// What the phase derivatives of one grid point's start points depend on: the run layer
/// asks for them one start at a time, in one call sequence on one thread, with one path.
#[derive(PartialEq)]
struct MemoKey {
    path: usize,
    medium: usize,
    energy_bits: u64,
    end_bits: u64,
    model: Model,
    starts_bits: Vec<u64>,
}

/// The phase derivatives of every start of the current grid point (E Φ′ in 0..6, E² Φ″ in
/// 6..12), and which starts have been served: the memo is dropped when all have.
struct Memo {
    key: MemoKey,
    phases: Vec<[f64; 12]>,
    served: Vec<bool>,
}

thread_local! {
    static MEMO: std::cell::RefCell<Option<Memo>> = const { std::cell::RefCell::new(None) };
}

/// The phase derivatives from `start_km` (one of `starts_km`) to the end: computed for all
/// of `starts_km` at the first request and served from a per-thread memo to the others.
/// The memo is keyed on the path (address and energy), its medium's address, the model, the
/// track's end and the start list, and dropped once every start has been served, so it
/// cannot outlive the grid point it was computed for.
fn phases_for_start<const D: usize>(
    pair: &Pair<'_, D>,
    path: &MediumHamiltonian<'_, D>,
    model: &Model,
    starts_km: &[f64],
    start_km: f64,
    end_km: f64,
) -> Result<PhaseDerivatives<D>, MediumError> {
    let Some(k) = starts_km.iter().position(|&s| s == start_km) else {
        return phase_derivatives(
            pair,
            path.breakpoints(),
            path.is_piecewise_constant(),
            start_km,
            end_km,
            AVERAGED_TOL_RAD,
        );
    };
    let key = MemoKey {
        path: path as *const MediumHamiltonian<'_, D> as usize,
        medium: path.medium() as *const dyn Medium as *const u8 as usize,
        energy_bits: path.energy_hamiltonian().energy_ev().to_bits(),
        end_bits: end_km.to_bits(),
        model: model.clone(),
        starts_bits: starts_km.iter().map(|s| s.to_bits()).collect(),
    };
    MEMO.with(|memo| {
        let mut memo = memo.borrow_mut();
        let fresh = !matches!(&*memo, Some(m) if m.key == key && !m.served[k]);
        if fresh {
            let all = phase_derivatives_from_starts(
                pair,
                path.breakpoints(),
                path.is_piecewise_constant(),
                starts_km,
                end_km,
                AVERAGED_TOL_RAD,
            )?;
            *memo = Some(Memo {
                key,
                phases: all
                    .iter()
                    .map(|p| {
                        let mut t = [0.0; 12];
                        t[..D].copy_from_slice(&p.e_dphi);
                        t[6..6 + D].copy_from_slice(&p.e2_d2phi);
                        t
                    })
                    .collect(),
                served: vec![false; starts_km.len()],
            });
        }
        let m = memo.as_mut().expect("just filled");
        m.served[k] = true;
        let t = m.phases[k];
        if m.served.iter().all(|&s| s) {
            *memo = None;
        }
        Ok(PhaseDerivatives {
            e_dphi: std::array::from_fn(|a| t[a]),
            e2_d2phi: std::array::from_fn(|a| t[6 + a]),
        })
    })
}

/// The averaged probabilities of the initial states `initial` for the propagator `s_end`
/// of `path` (the model `model` at one energy) over [start_km, end_km], resolution `sigma` = σ_E/E.
pub fn averaged<const D: usize>(
    model: &Model,
    path: &MediumHamiltonian<'_, D>,
    sigma: f64,
    start_km: f64,
    end_km: f64,
    s_end: &CMat<D>,
    initial: &[usize],
) -> Result<Averaged, MediumError> {
    averaged_of_start(model, path, sigma, &[], start_km, end_km, s_end, initial)
}

/// [`averaged`] for `start_km`, one of the start points `starts_km` of a production average
/// on the same path: the phase-derivative quadrature runs once for all of them (at the first
/// start asked for, see `phase_derivatives_from_starts`) instead of once per start. An empty
/// `starts_km`, or one without `start_km`, is the single-start [`averaged`].
#[allow(clippy::too_many_arguments)]
pub fn averaged_of_start<const D: usize>(
    model: &Model,
    path: &MediumHamiltonian<'_, D>,
    sigma: f64,
    starts_km: &[f64],
    start_km: f64,
    end_km: f64,
    s_end: &CMat<D>,
    initial: &[usize],
) -> Result<Averaged, MediumError> {
    let eh = path.energy_hamiltonian();
    let model_at = |factor: f64| EnergyHamiltonian::<D>::new(model, eh.energy_ev() * factor);
    let medium = path.medium();
    let blocks = Blocks::from_pattern(&path.coupling_pattern()).label;
    let pair = Pair {
        at_e: eh.clone(),
        at_2e: model_at(2.0),
        medium,
        blocks,
    };
    let phases = phases_for_start(&pair, path, model, starts_km, start_km, end_km)?;
    let p_start = medium.point(start_km, Side::Right)?;
    let p_end = medium.point(end_km, Side::Left)?;
    let eig_at = |h: &EnergyHamiltonian<D>, p| hermitian_eigen_in_blocks(&h.at(p), &blocks);
    let w_f = eig_at(eh, &p_end).vectors;
    let w_0 = eig_at(eh, &p_start).vectors;
    let transfer = w_f.adjoint() * s_end * w_0;
    let rule = hermite_rule(sigma);
    // Start and exit eigenbases at the rule's energies.
    let nodes: Vec<(f64, CMat<D>, CMat<D>)> = rule
        .iter()
        .map(|&(t, w)| {
            let h = model_at(1.0 + std::f64::consts::SQRT_2 * sigma * t);
            (w, eig_at(&h, &p_start).vectors, eig_at(&h, &p_end).vectors)
        })
        .collect();
    let mut probability = Vec::with_capacity(initial.len() * D);
    let mut min_spread_rad = Vec::with_capacity(initial.len());
    for &i in initial {
        let psi: [Complex64; D] =
            std::array::from_fn(|a| (0..D).map(|b| w_f[(b, a)].conj() * s_end[(b, i)]).sum());
        let (p, min_spread) = damped(&psi, &w_f, &phases, sigma);
        // The slow part across the resolution, with the transitions T held at E.
        let slow = |w0: &CMat<D>, wf: &CMat<D>| slow_part(i, &transfer, w0, wf);
        let centre = slow(&w_0, &w_f);
        let mut spread = [0.0; D];
        for (w, w0k, wfk) in &nodes {
            let s = slow(w0k, wfk);
            for beta in 0..D {
                spread[beta] += w * s[beta];
            }
        }
        for beta in 0..D {
            probability.push(p[beta] + spread[beta] - centre[beta]);
        }
        min_spread_rad.push(min_spread);
    }
    Ok(Averaged {
        probability,
        min_spread_rad,
    })
}

/// The fast part of the average for the exit state ψ (in the exit eigenbasis `w_f`): each
/// coherence ψ_a ψ_b* damped by the resolution, summed into P_β; and the smallest phase spread
/// σ E ∂φ of a coherence that contributes (`NO_SPREAD_RAD` if none).
fn damped<const D: usize>(
    psi: &[Complex64; D],
    w_f: &CMat<D>,
    phases: &PhaseDerivatives<D>,
    sigma: f64,
) -> ([f64; D], f64) {
    let mut min_spread = NO_SPREAD_RAD;
    let mut p = [0.0; D];
    for a in 0..D {
        for b in 0..D {
            let rho = psi[a] * psi[b].conj();
            let d = if a == b {
                Complex64::new(1.0, 0.0)
            } else {
                let s1 = sigma * (phases.e_dphi[a] - phases.e_dphi[b]);
                let s2 = sigma * sigma * (phases.e2_d2phi[a] - phases.e2_d2phi[b]);
                damping(s1, s2)
            };
            let mut weight = 0.0f64;
            for (beta, pb) in p.iter_mut().enumerate() {
                let term = w_f[(beta, a)] * rho * w_f[(beta, b)].conj();
                weight = weight.max(term.norm());
                *pb += (term * d).re;
            }
            if a != b && weight > CONTRIBUTES {
                let s1 = (sigma * (phases.e_dphi[a] - phases.e_dphi[b])).abs();
                min_spread = min_spread.min(s1);
            }
        }
    }
    (p, min_spread)
}

/// The incoherent (slow) part of P_β for initial state `i`: start populations in `w0`,
/// carried by |T|² (`transfer` in eigen-coordinates), projected out through `wf`.
fn slow_part<const D: usize>(i: usize, transfer: &CMat<D>, w0: &CMat<D>, wf: &CMat<D>) -> [f64; D] {
    let start: [f64; D] = std::array::from_fn(|b| w0[(i, b)].norm_sqr());
    let exit: [f64; D] =
        std::array::from_fn(|a| (0..D).map(|b| transfer[(a, b)].norm_sqr() * start[b]).sum());
    std::array::from_fn(|beta| (0..D).map(|a| wf[(beta, a)].norm_sqr() * exit[a]).sum())
}

#[cfg(test)]
#[path = "averaged_tests.rs"]
mod tests;
