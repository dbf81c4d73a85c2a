//! The vacuum-axis lepton numbers L_k = Tr(P M_k) (collective.md §6.3) and their projection.
//!
//! Without matter and without a helicity-flip term every bin's single-particle Hamiltonian is,
//! in the flavour block, a multiple of one matrix M (U m² U†) plus the identity, and the
//! self-interaction A commutes with P: so Tr(P f(M)) is conserved for every f — one independent
//! number for two flavours (M), two for three (M and M²). These are LINEAR invariants, which
//! Runge–Kutta methods keep and Lie-group methods in general do not (they keep the spectra
//! instead): CF4 lets them drift by its truncation error.
//!
//! Both can be had at once. After a step, every system is turned by one COMMON unitary of the
//! self-interaction's own form, W = e^{−iY} on the flavour block (Majorana: blockdiag(W, W*);
//! Dirac: W on the neutrinos' active block, W* on the antineutrinos'), which moves P to
//! W P W† and leaves every ρ's spectrum, every Tr ρ_LL, Tr ρ_RR and Tr P untouched. Y is a
//! combination of the directions i[P, M_k] along which the L_k change fastest, fixed by
//! Newton's method on the N×N matrix P alone (two or three iterations to round-off). The
//! correction is as large as the step's own error in L_k, so the method keeps its order.

use nalgebra::Matrix3;
use num_complex::Complex64;

use super::system::FlavourBlock;
use crate::linalg::expm::exp_anti_hermitian;

/// The vacuum axes M_k (traceless, unit Frobenius norm) of one problem.
#[derive(Debug, Clone)]
pub(crate) struct VacuumAxes {
    axes: Vec<FlavourBlock>,
}

fn tr_mul(a: &FlavourBlock, b: &FlavourBlock) -> Complex64 {
    let mut t = Complex64::new(0.0, 0.0);
    for i in 0..3 {
        for k in 0..3 {
            t += a[(i, k)] * b[(k, i)];
        }
    }
    t
}

fn traceless_unit(m: &FlavourBlock, n: usize) -> Option<FlavourBlock> {
    let mean = (0..n).map(|k| m[(k, k)]).sum::<Complex64>() / n as f64;
    let mut x = *m;
    for k in 0..n {
        x[(k, k)] -= mean;
    }
    let norm = x.iter().map(|z| z.norm_sqr()).sum::<f64>().sqrt();
    (norm > 0.0 && norm.is_finite()).then(|| x / Complex64::new(norm, 0.0))
}

impl VacuumAxes {
    /// From the flavour block of one bin's vacuum Hamiltonian (n×n in the top-left).
    /// None when it is a multiple of the identity (no mixing: nothing to conserve beyond Tr P).
    pub(crate) fn new(vacuum_block: &FlavourBlock, n: usize) -> Option<Self> {
        let m1 = traceless_unit(vacuum_block, n)?;
        let mut axes = vec![m1];
        if n == 3 {
            // M² is independent of M unless two masses coincide; Gram–Schmidt keeps J well
            // conditioned.
            let m2 = m1 * m1;
            let mut m2 = m2 - m1 * tr_mul(&m1, &m2);
            let mean = (0..3).map(|k| m2[(k, k)]).sum::<Complex64>() / 3.0;
            for k in 0..3 {
                m2[(k, k)] -= mean;
            }
            if let Some(m2) = traceless_unit(&m2, 3) {
                axes.push(m2);
            }
        }
        Some(VacuumAxes { axes })
    }

    /// L_k = Tr(P M_k) (real for Hermitian P), in the units of P.
    pub(crate) fn values(&self, p: &FlavourBlock) -> [f64; 2] {
        let mut out = [0.0; 2];
        for (o, m) in out.iter_mut().zip(&self.axes) {
            *o = tr_mul(p, m).re;
        }
        out
    }

    /// The flavour-block unitary W with Tr(W P W† M_k) = target_k, or None when every L_k is
    /// within 1e-13 of the largest |P| entry of its target (no correction) or P gives no
    /// handle (P commuting with every M_k).
    ///
    /// Why not chase round-off: the correction angle is the residual over |[P, M]|, so
    /// correcting a residual of a few ulps every step injects noise amplified by
    /// |P|/|[P, M]| (≈ 50 for θ = 0.01), which an unstable flow (the bipolar pendulum) then
    /// grows; it spoiled the fixed-step convergence test. Once triggered, Newton's method runs
    /// to round-off.
    pub(crate) fn correction(&self, p: &FlavourBlock, target: &[f64; 2]) -> Option<FlavourBlock> {
        let scale = p.iter().map(|z| z.norm()).fold(0.0, f64::max);
        let trigger = 1e-13 * scale;
        let tiny = 1e-14 * scale;
        let k = self.axes.len();
        let mut w = FlavourBlock::identity();
        let mut q = *p;
        let mut moved = false;
        for _ in 0..4 {
            let now = self.values(&q);
            let res: Vec<f64> = (0..k).map(|i| target[i] - now[i]).collect();
            let limit = if moved { tiny } else { trigger };
            if res.iter().all(|r| r.abs() <= limit) {
                break;
            }
            // C_l = [P, M_l] (anti-Hermitian); dL_k/dε_l = Tr(C_l C_k) for Y = Σ ε_l i C_l.
            let c: Vec<FlavourBlock> = self.axes.iter().map(|m| q * m - m * q).collect();
            let j = |a: usize, b: usize| tr_mul(&c[a], &c[b]).re;
            let eps: Vec<f64> = if k == 1 {
                let d = j(0, 0);
                if d.abs() <= f64::MIN_POSITIVE || !d.is_finite() {
                    return None;
                }
                vec![res[0] / d]
            } else {
                let (a, b, cc, d) = (j(0, 0), j(0, 1), j(1, 0), j(1, 1));
                let det = a * d - b * cc;
                if det.abs() <= 1e-12 * (a * d).abs() || !det.is_finite() {
                    return None;
                }
                vec![
                    (d * res[0] - b * res[1]) / det,
                    (a * res[1] - cc * res[0]) / det,
                ]
            };
            // −iY = Σ ε_l (−i)(i C_l) = Σ ε_l C_l.
            let mut minus_i_y = Matrix3::<Complex64>::zeros();
            for (e, cl) in eps.iter().zip(&c) {
                minus_i_y += cl * Complex64::new(*e, 0.0);
            }
            let step = exp_anti_hermitian(&minus_i_y);
            w = step * w;
            q = w * p * w.adjoint();
            moved = true;
        }
        moved.then_some(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hermitian(seed: &mut u64, n: usize) -> FlavourBlock {
        let mut next = || {
            *seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((*seed >> 11) as f64 / (1u64 << 53) as f64) - 0.5
        };
        let mut m = FlavourBlock::zeros();
        for i in 0..n {
            for j in 0..n {
                m[(i, j)] = Complex64::new(next(), next());
            }
        }
        (m + m.adjoint()) * Complex64::new(0.5, 0.0)
    }

    #[test]
    fn the_correction_restores_the_numbers_and_keeps_the_spectrum() {
        let mut seed = 5u64;
        for n in [2usize, 3] {
            for _ in 0..20 {
                let axes = VacuumAxes::new(&hermitian(&mut seed, n), n).unwrap();
                assert_eq!(axes.axes.len(), n - 1);
                let p = hermitian(&mut seed, n) * Complex64::new(7e4, 0.0);
                let want = axes.values(&p);
                // A small rotation off the target, as a step's truncation error would make.
                let kick =
                    exp_anti_hermitian(&(hermitian(&mut seed, n) * Complex64::new(0.0, 1e-6)));
                let off = kick * p * kick.adjoint();
                let w = axes.correction(&off, &want).unwrap();
                let fixed = w * off * w.adjoint();
                let got = axes.values(&fixed);
                for k in 0..n - 1 {
                    assert!(
                        (got[k] - want[k]).abs() < 1e-14 * 7e4,
                        "n {n}: {:e}",
                        got[k] - want[k]
                    );
                }
                // The rotation is as small as the error it repairs.
                let dist = (w - FlavourBlock::identity())
                    .iter()
                    .map(|z| z.norm())
                    .fold(0.0, f64::max);
                assert!(dist < 1e-5, "{dist:e}");
                let tr = |m: &FlavourBlock| (0..3).map(|k| m[(k, k)].re).sum::<f64>();
                assert!((tr(&fixed) - tr(&p)).abs() < 1e-10);
                assert!(((fixed * fixed).trace() - (p * p).trace()).norm() < 1e-4);
            }
        }
    }
}
