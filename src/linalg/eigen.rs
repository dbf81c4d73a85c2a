//! Eigendecomposition of Hermitian matrices by cyclic complex Jacobi rotations.

use nalgebra::SMatrix;
use num_complex::Complex64;

/// H = W diag(λ) W†, eigenvalues ascending, W unitary (columns are eigenvectors).
#[derive(Debug, Clone, Copy)]
pub struct HermitianEigen<const D: usize> {
    pub values: [f64; D],
    pub vectors: SMatrix<Complex64, D, D>,
}

/// Eigen-decomposes the Hermitian part of `h` (only the upper triangle and the real diagonal
/// are read).
pub fn hermitian_eigen<const D: usize>(h: &SMatrix<Complex64, D, D>) -> HermitianEigen<D> {
    hermitian_eigen_in_blocks(h, &[0; D])
}

/// Like [`hermitian_eigen`], but treats `h` as block diagonal: index i belongs to block
/// `block[i]`, entries between different blocks are ignored (taken as exactly zero) and no
/// rotation ever mixes two blocks. Columns come grouped by block (blocks in ascending label
/// order, each block's eigenvalues ascending), so an exact crossing of levels of two decoupled
/// blocks never reorders them (docs/integrators.md, "The step in formulas").
pub fn hermitian_eigen_in_blocks<const D: usize>(
    h: &SMatrix<Complex64, D, D>,
    block: &[usize; D],
) -> HermitianEigen<D> {
    let mut a = *h;
    // Make the working copy exactly Hermitian from the upper triangle, and exactly block
    // diagonal.
    for i in 0..D {
        a[(i, i)] = Complex64::new(a[(i, i)].re, 0.0);
        for j in (i + 1)..D {
            if block[i] != block[j] {
                a[(i, j)] = Complex64::new(0.0, 0.0);
            }
            a[(j, i)] = a[(i, j)].conj();
        }
    }
    let mut v = SMatrix::<Complex64, D, D>::identity();
    jacobi(&mut a, &mut v, block);
    let mut order: [usize; D] = std::array::from_fn(|i| i);
    order.sort_by(|&i, &j| {
        block[i]
            .cmp(&block[j])
            .then(a[(i, i)].re.total_cmp(&a[(j, j)].re))
    });
    let values = std::array::from_fn(|k| a[(order[k], order[k])].re);
    let vectors = SMatrix::<Complex64, D, D>::from_fn(|r, k| v[(r, order[k])]);
    HermitianEigen { values, vectors }
}

/// The eigen-decomposition of `h` started from an approximate eigenbasis `start` (unitary,
/// column c in block `column_block[c]` of [`hermitian_eigen_in_blocks`]' labelling): returns
/// the eigenvalues and the unitary V with h = (start V) diag(λ) (start V)†, columns **not**
/// sorted: column c of V stays close to e_c (every Jacobi rotation turns by at most π/4), so
/// V itself is the overlap start† W that matching needs.
///
/// When `start` diagonalises a nearby matrix (the left node of an integrator step), start† h
/// start is nearly diagonal and the Jacobi sweeps converge in one or two instead of five to
/// eight; the result is the same decomposition to round-off.
pub fn hermitian_eigen_from<const D: usize>(
    h: &SMatrix<Complex64, D, D>,
    start: &SMatrix<Complex64, D, D>,
    column_block: &[usize; D],
) -> ([f64; D], SMatrix<Complex64, D, D>) {
    let sparse = column_block.iter().any(|&b| b != column_block[0]);
    let hs = super::product::mul_maybe_sparse(sparse, h, start);
    let mut a = super::product::adjoint_mul_upper(sparse, start, &hs);
    for i in 0..D {
        a[(i, i)] = Complex64::new(a[(i, i)].re, 0.0);
        for j in (i + 1)..D {
            if column_block[i] != column_block[j] {
                a[(i, j)] = Complex64::new(0.0, 0.0);
            }
            a[(j, i)] = a[(i, j)].conj();
        }
    }
    let mut v = SMatrix::<Complex64, D, D>::identity();
    jacobi(&mut a, &mut v, column_block);
    (std::array::from_fn(|i| a[(i, i)].re), v)
}

/// Cyclic Jacobi sweeps on the exactly Hermitian, block-diagonal `a` until its off-diagonal
/// mass is below round-off of the whole matrix; the rotations accumulate into `v`.
fn jacobi<const D: usize>(
    a: &mut SMatrix<Complex64, D, D>,
    v: &mut SMatrix<Complex64, D, D>,
    block: &[usize; D],
) {
    let scale: f64 = a.iter().map(|z| z.norm_sqr()).sum::<f64>();
    if scale == 0.0 {
        return;
    }
    for _sweep in 0..64 {
        let mut off = 0.0;
        for p in 0..D {
            for q in (p + 1)..D {
                off += a[(p, q)].norm_sqr();
            }
        }
        if off <= scale * 1e-36 {
            break;
        }
        // Entries already below the convergence level are left alone (threshold Jacobi):
        // the last sweeps then rotate only the few pairs that still matter.
        let negligible = scale * 1e-38;
        for p in 0..D {
            for q in (p + 1)..D {
                if block[p] == block[q] && a[(p, q)].norm_sqr() > negligible {
                    rotate(a, v, p, q);
                }
            }
        }
    }
}

/// One Jacobi rotation J = [[c, s e^{iφ}], [−s e^{−iφ}, c]] in the (p, q) plane that zeroes
/// a_pq of the Hermitian matrix `a` (a ← J† a J, v ← v J).
fn rotate<const D: usize>(
    a: &mut SMatrix<Complex64, D, D>,
    v: &mut SMatrix<Complex64, D, D>,
    p: usize,
    q: usize,
) {
    let apq = a[(p, q)];
    // |a_pq| without hypot's care for overflow: entries are far from 1e±154.
    let b = apq.norm_sqr().sqrt();
    if b == 0.0 {
        return;
    }
    let phase = apq / b;
    let (app, aqq) = (a[(p, p)].re, a[(q, q)].re);
    let theta = (aqq - app) / (2.0 * b);
    let t = if theta.is_finite() {
        theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt())
    } else {
        0.0
    };
    if t == 0.0 {
        return;
    }
    let c = 1.0 / (t * t + 1.0).sqrt();
    let s = t * c;
    let jpq = phase * s;
    let jqp = -phase.conj() * s;
    // Columns p, q outside the 2×2 block: a ← a J; the rows follow by Hermiticity
    // (J† a J is Hermitian), which halves the work of a full row pass.
    for k in 0..D {
        let (vkp, vkq) = (v[(k, p)], v[(k, q)]);
        v[(k, p)] = vkp * c + vkq * jqp;
        v[(k, q)] = vkp * jpq + vkq * c;
        if k == p || k == q {
            continue;
        }
        let (akp, akq) = (a[(k, p)], a[(k, q)]);
        let (np, nq) = (akp * c + akq * jqp, akp * jpq + akq * c);
        a[(k, p)] = np;
        a[(k, q)] = nq;
        a[(p, k)] = np.conj();
        a[(q, k)] = nq.conj();
    }
    // The 2×2 block: the rotation zeroes a_pq and moves t|a_pq| between the diagonals.
    a[(p, p)] = Complex64::new(app - t * b, 0.0);
    a[(q, q)] = Complex64::new(aqq + t * b, 0.0);
    a[(p, q)] = Complex64::new(0.0, 0.0);
    a[(q, p)] = Complex64::new(0.0, 0.0);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn random_hermitian<const D: usize>(seed: u64) -> SMatrix<Complex64, D, D> {
        let mut state = seed;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 11) as f64 / (1u64 << 53) as f64) - 0.5
        };
        let m = SMatrix::<Complex64, D, D>::from_fn(|_, _| Complex64::new(next(), next()));
        m + m.adjoint()
    }

    #[test]
    fn reconstructs_random_hermitian_matrices() {
        for seed in 0..50 {
            let h = random_hermitian::<6>(seed);
            let e = hermitian_eigen(&h);
            let w = e.vectors;
            let lam = SMatrix::<Complex64, 6, 6>::from_fn(|i, j| {
                if i == j {
                    Complex64::new(e.values[i], 0.0)
                } else {
                    Complex64::new(0.0, 0.0)
                }
            });
            assert!((w * lam * w.adjoint() - h).norm() < 1e-13);
            assert!((w.adjoint() * w - SMatrix::<Complex64, 6, 6>::identity()).norm() < 1e-14);
            assert!(e.values.windows(2).all(|p| p[0] <= p[1]));
        }
    }

    #[test]
    fn blocks_are_never_mixed() {
        let mut h = random_hermitian::<6>(7);
        let block = [0, 0, 0, 1, 1, 1];
        for i in 0..3 {
            for j in 3..6 {
                h[(i, j)] = Complex64::new(0.0, 0.0);
                h[(j, i)] = Complex64::new(0.0, 0.0);
            }
        }
        // Shift block 1 so that its levels interleave with block 0's.
        for i in 3..6 {
            h[(i, i)] += Complex64::new(0.05, 0.0);
        }
        let e = hermitian_eigen_in_blocks(&h, &block);
        for k in 0..6 {
            for r in 0..6 {
                let in_block = (r < 3) == (k < 3);
                assert!(in_block || e.vectors[(r, k)] == Complex64::new(0.0, 0.0));
            }
        }
        assert!(e.values[0..3].windows(2).all(|p| p[0] <= p[1]));
        assert!(e.values[3..6].windows(2).all(|p| p[0] <= p[1]));
        let lam = SMatrix::<Complex64, 6, 6>::from_fn(|i, j| {
            if i == j {
                Complex64::new(e.values[i], 0.0)
            } else {
                Complex64::new(0.0, 0.0)
            }
        });
        assert!((e.vectors * lam * e.vectors.adjoint() - h).norm() < 1e-13);
    }

    #[test]
    fn warm_start_gives_the_same_decomposition_with_the_overlap() {
        let block = [0, 0, 0, 1, 1, 1];
        let decoupled = |seed| {
            let mut h = random_hermitian::<6>(seed);
            for i in 0..3 {
                for j in 3..6 {
                    h[(i, j)] = Complex64::new(0.0, 0.0);
                    h[(j, i)] = Complex64::new(0.0, 0.0);
                }
            }
            h
        };
        for seed in 0..20 {
            let h0 = decoupled(seed);
            let h1 = h0 + decoupled(seed + 100) * Complex64::new(0.05, 0.0);
            let start = hermitian_eigen_in_blocks(&h0, &block);
            let cold = hermitian_eigen_in_blocks(&h1, &block);
            let column_block = [0, 0, 0, 1, 1, 1];
            let (values, v) = hermitian_eigen_from(&h1, &start.vectors, &column_block);
            let w = start.vectors * v;
            for c in 0..6 {
                let resid = h1 * w.column(c) - w.column(c) * Complex64::new(values[c], 0.0);
                assert!(resid.norm() < 1e-13, "seed {seed} column {c}");
                // Column c stays closest to the start's column c: V is the overlap matrix.
                let best = (0..6)
                    .max_by(|&i, &j| v[(i, c)].norm().total_cmp(&v[(j, c)].norm()))
                    .unwrap();
                assert_eq!(best, c);
                // The same eigenvector as a cold start (up to phase), same eigenvalue.
                assert!((cold.values[c] - values[c]).abs() < 1e-13);
                let overlap = (cold.vectors.column(c).adjoint() * w.column(c))[(0, 0)].norm();
                assert!(
                    (overlap - 1.0).abs() < 1e-12,
                    "seed {seed} column {c}: {overlap}"
                );
            }
            assert!((v.adjoint() * v - SMatrix::<Complex64, 6, 6>::identity()).norm() < 1e-14);
        }
    }

    #[test]
    fn degenerate_and_zero_matrices() {
        let z = SMatrix::<Complex64, 4, 4>::zeros();
        assert_eq!(hermitian_eigen(&z).values, [0.0; 4]);
        let i = SMatrix::<Complex64, 4, 4>::identity();
        assert_eq!(hermitian_eigen(&i).values, [1.0; 4]);
    }
}
