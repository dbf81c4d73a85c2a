//! Restoring the vacuum-axis lepton numbers L_k after a Lie-group step by the smallest move
//! that keeps every ρ's spectrum (docs/collective.md, "Conservation laws" and "The vacuum-axis
//! lepton number").
//!
//! L_k = Tr(P M_k) is a sum over systems, L_k = Σ_s Tr(ρ_s M̂_k,s), with M̂ the axis embedded
//! in the system's form (Majorana blockdiag(M, −Mᵀ); Dirac blockdiag(M, 0) for the neutrinos,
//! blockdiag(−Mᵀ, 0) for the antineutrinos). Each ρ_s is turned by its OWN unitary
//! exp(X_s), X_s = Σ_k ε_k G_k,s with G_k,s the helicity-block-diagonal part of [ρ_s, M̂_k,s]:
//! the steepest direction of L_k on the manifold of matrices with ρ_s's spectrum, so the
//! correction is the smallest isospectral move. ε comes from Newton's method.
//!
//! Why not one common rotation of P (the previous scheme): turning all systems by one W moves
//! every ρ by an angle of (L error)/(|P| |[P, M]|/|P|), and it moves the large sum S = Σ(ρ_LL +
//! ρ_RRᵀ) as much as the small difference P that L depends on. On the bipolar pendulum (|S|/|P|
//! ≈ 9, |[P, M]|/|P| ≈ 0.02) that amplifies each round-off-sized L residual by ~10³ in a
//! direction the unstable flow then grows: a fixed-step error floor of ≈ 6e-8. The per-system
//! steepest move amplifies by |ρ_s|/|[ρ_s, M]| only.

use num_complex::Complex64;

use super::invariants::VacuumAxes;
use super::kernels::{conjugate, exp_minus_i, mul_blocks};
use super::system::{CollectiveProblem, FlavourBlock};
use crate::basis::Nature;
use crate::hamiltonian::CMat;

/// Relative size of an L residual that triggers a correction (of the largest |P| entry): not
/// chasing round-off, see `VacuumAxes::correction`'s history in docs/collective.md.
const TRIGGER: f64 = 1e-13;
/// Newton runs to this once triggered.
const TINY: f64 = 1e-14;

fn tr_mul<const D: usize>(a: &CMat<D>, b: &CMat<D>) -> f64 {
    let mut t = 0.0;
    for i in 0..D {
        for k in 0..D {
            t += (a[(i, k)] * b[(k, i)]).re;
        }
    }
    t
}

/// The axis M embedded in each kind of system (index s % systems).
fn embedded<const D: usize>(problem: &CollectiveProblem<'_, D>, m: &FlavourBlock) -> [CMat<D>; 2] {
    let n = problem.flavours();
    let mut out = [CMat::<D>::zeros(), CMat::<D>::zeros()];
    for i in 0..n {
        for j in 0..n {
            match problem.nature() {
                Nature::Majorana => {
                    out[0][(i, j)] = m[(i, j)];
                    out[0][(n + i, n + j)] = -m[(j, i)];
                }
                Nature::Dirac => {
                    out[0][(i, j)] = m[(i, j)];
                    out[1][(i, j)] = -m[(j, i)];
                }
            }
        }
    }
    if problem.nature() == Nature::Majorana {
        out[1] = out[0];
    }
    out
}

/// The helicity-block-diagonal part of [ρ, M̂] (anti-Hermitian): conjugating by its exponential
/// keeps Tr ρ_LL and Tr ρ_RR even where ρ has helicity coherence.
fn gradient<const D: usize>(rho: &CMat<D>, m_hat: &CMat<D>) -> CMat<D> {
    let mut g = mul_blocks(rho, m_hat) - mul_blocks(m_hat, rho);
    let n = D / 2;
    for i in 0..n {
        for j in n..D {
            g[(i, j)] = Complex64::new(0.0, 0.0);
            g[(j, i)] = Complex64::new(0.0, 0.0);
        }
    }
    g
}

/// Solves J ε = res for one or two numbers; None when J is singular (no handle on L).
fn solve(j: &[[f64; 2]; 2], res: &[f64; 2], k: usize) -> Option<[f64; 2]> {
    if k == 1 {
        let d = j[0][0];
        return (d.abs() > f64::MIN_POSITIVE && d.is_finite()).then(|| [res[0] / d, 0.0]);
    }
    let det = j[0][0] * j[1][1] - j[0][1] * j[1][0];
    if det.abs() <= 1e-12 * (j[0][0] * j[1][1]).abs() || !det.is_finite() {
        return None;
    }
    Some([
        (j[1][1] * res[0] - j[0][1] * res[1]) / det,
        (j[0][0] * res[1] - j[1][0] * res[0]) / det,
    ])
}

/// The vacuum-axis lepton numbers an accepted step is restored to, with their axes; `None`
/// when the step does not project (which also ends the stretch). The numbers are measured at
/// the start of a stretch of conserving steps and kept in `target` until it ends, so that
/// sub-threshold round-off cannot accumulate from step to step.
pub(crate) fn lepton_target<'p, const D: usize>(
    problem: &'p CollectiveProblem<'_, D>,
    project: bool,
    rho: &[CMat<D>],
    target: &mut Option<[f64; 2]>,
) -> Option<(&'p VacuumAxes, [f64; 2])> {
    let Some(axes) = problem.vacuum_axes().filter(|_| project) else {
        *target = None;
        return None;
    };
    let values = *target.get_or_insert_with(|| axes.values(&problem.potential_matrix(rho)));
    Some((axes, values))
}

/// Turns the systems so that L_k = `target`_k again. `rho` is rotated in place; `v` (one per
/// system) receives the unitaries applied (for the amplitudes and step propagators); `g` is
/// scratch for the gradients (one pair per system). Returns false, touching nothing but `g`,
/// when the residual is below the trigger or L gives no handle. Usually one Newton step: the
/// residual after it is quadratic in the step's L error (≈ 1e-18 relative for a 1e-9 drift),
/// checked from P alone.
pub(crate) fn restore_lepton_numbers<const D: usize>(
    problem: &CollectiveProblem<'_, D>,
    axes: &VacuumAxes,
    target: &[f64; 2],
    rho: &mut [CMat<D>],
    v: &mut [CMat<D>],
    g: &mut [[CMat<D>; 2]],
) -> bool {
    let k = axes.count();
    let kinds = problem.systems();
    let zero = [CMat::<D>::zeros(), CMat::<D>::zeros()];
    let mut m_hat = [zero, zero];
    for (l, m) in m_hat.iter_mut().enumerate().take(k) {
        *m = embedded(problem, axes.axis(l));
    }
    let mut moved = false;
    for _ in 0..4 {
        let p = problem.potential_matrix(rho);
        let scale = p.iter().map(|z| z.norm()).fold(0.0, f64::max);
        let now = axes.values(&p);
        let res = [target[0] - now[0], target[1] - now[1]];
        let limit = if moved { TINY } else { TRIGGER } * scale;
        if res[..k].iter().all(|r| r.abs() <= limit) {
            break;
        }
        let mut j = [[0.0; 2]; 2];
        for (s, (r, gs)) in rho.iter().zip(g.iter_mut()).enumerate() {
            for l in 0..k {
                gs[l] = gradient(r, &m_hat[l][s % kinds]);
            }
            for a in 0..k {
                for b in 0..k {
                    // δL_a = Σ_b ε_b Σ_s Tr(G_b,s G_a,s).
                    j[a][b] += tr_mul(&gs[b], &gs[a]);
                }
            }
        }
        let Some(eps) = solve(&j, &res, k) else {
            break;
        };
        for (r, (vs, gs)) in rho.iter_mut().zip(v.iter_mut().zip(g.iter())) {
            let mut x = gs[0] * Complex64::new(eps[0], 0.0);
            if k == 2 {
                x += gs[1] * Complex64::new(eps[1], 0.0);
            }
            // exp(X) = exp(−i · (iX)) with iX Hermitian.
            let u = exp_minus_i(&(x * Complex64::new(0.0, 1.0)), 1.0);
            *r = conjugate(&u, r);
            *vs = if moved { mul_blocks(&u, vs) } else { u };
        }
        moved = true;
    }
    moved
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collective::Geometry;
    use crate::medium::ConstantMedium;
    use crate::mixing::Mixing;
    use crate::moments::Moments;
    use crate::reference::bulb;

    fn random_hermitian<const D: usize>(seed: &mut u64, scale: f64) -> CMat<D> {
        let mut next = || {
            *seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((*seed >> 11) as f64 / (1u64 << 53) as f64) - 0.5
        };
        let m = CMat::<D>::from_fn(|_, _| Complex64::new(next(), next()));
        (m + m.adjoint()) * Complex64::new(0.5 * scale, 0.0)
    }

    fn check<const D: usize>(problem: &CollectiveProblem<'_, D>, seed: &mut u64) {
        let axes = problem.vacuum_axes().unwrap();
        // States far from the start (large random unitaries), then a small kick per system
        // as a step's truncation error would make.
        let mut rho: Vec<CMat<D>> = problem
            .initial_state()
            .iter()
            .map(|r| conjugate(&exp_minus_i(&random_hermitian::<D>(seed, 1.0), 1.0), r))
            .collect();
        let want = axes.values(&problem.potential_matrix(&rho));
        for r in rho.iter_mut() {
            *r = conjugate(&exp_minus_i(&random_hermitian::<D>(seed, 1e-6), 1.0), r);
        }
        let kicked = rho.clone();
        let mut v = vec![CMat::<D>::zeros(); rho.len()];
        let mut g = vec![[CMat::<D>::zeros(); 2]; rho.len()];
        assert!(restore_lepton_numbers(
            problem, axes, &want, &mut rho, &mut v, &mut g
        ));
        let got = axes.values(&problem.potential_matrix(&rho));
        let scale = problem
            .potential_matrix(&rho)
            .iter()
            .map(|z| z.norm())
            .fold(0.0, f64::max);
        for k in 0..axes.count() {
            assert!(
                (got[k] - want[k]).abs() <= 2e-14 * scale,
                "{k}: {got:?} {want:?}"
            );
        }
        let n = D / 2;
        for ((r, k), vs) in rho.iter().zip(&kicked).zip(&v) {
            // The reported unitary is the one applied; spectra and helicity traces kept; the
            // move is as small as the kick.
            assert!((conjugate(vs, k) - r).iter().all(|z| z.norm() < 1e-13));
            // Unitary, so every spectrum is kept.
            let unit = vs * vs.adjoint() - CMat::<D>::identity();
            assert!(unit.iter().all(|z| z.norm() < 1e-14));
            let tr_l = |m: &CMat<D>| (0..n).map(|i| m[(i, i)].re).sum::<f64>();
            assert!((tr_l(r) - tr_l(k)).abs() < 1e-13);
            assert!((r - k).iter().all(|z| z.norm() < 1e-4));
        }
        // Already on target: nothing to do.
        assert!(!restore_lepton_numbers(
            problem, axes, &want, &mut rho, &mut v, &mut g
        ));
    }

    fn problem<'a, const D: usize>(
        nature: Nature,
        mixing: &Mixing,
        medium: &'a ConstantMedium,
        diagonal: [f64; D],
    ) -> CollectiveProblem<'a, D> {
        let energies = [5.0, 12.0, 30.0];
        let per_bin = if nature == Nature::Majorana { 1 } else { 2 };
        let diag: Vec<[f64; D]> = (0..3 * per_bin)
            .map(|i| {
                let mut d = diagonal;
                d[0] += i as f64;
                d
            })
            .collect();
        let g = Geometry::Constant { g: 1.0 };
        CollectiveProblem::<D>::new(nature, mixing, &Moments::zero(), medium, g, &energies, diag)
            .unwrap()
    }

    #[test]
    fn restores_the_numbers_and_keeps_every_spectrum() {
        let medium = bulb::vacuum();
        let (two, three) = (bulb::mixing(), bulb::mixing_three());
        let mut seed = 11u64;
        for nature in [Nature::Majorana, Nature::Dirac] {
            check(
                &problem(nature, &two, &medium, [3.0, 1.0, 2.0, 0.5]),
                &mut seed,
            );
            let d6 = [3.0, 1.0, 0.7, 2.0, 0.5, 0.2];
            check(&problem(nature, &three, &medium, d6), &mut seed);
        }
    }
}
