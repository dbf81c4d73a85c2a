//! Nearly degenerate levels in the adiabatic frame (docs/physics-extensions.md, "Degenerate and
//! nearly degenerate levels in the `magnus` method").
//!
//! Where two coupled eigenvalues of H lie within [`CLUSTER_REL`] of the matrix scale, the
//! eigensolver's vectors inside their common subspace are fixed only up to round-off divided by
//! the gap: two nodes of one step would differ by a spurious rotation that no coupling
//! accounts for (measured: max |ΔP| ≈ 0.2 ε‖H‖/gap, 4e-5 at Δm²₂₁ = 1e-14 eV²), and
//! k = G/(λ_b − λ_a) is infinite at an exact degeneracy. Such levels form a *cluster*: the
//! frame keeps the cluster's invariant subspace but not a diagonalising basis inside it. At a
//! step's right nodes the cluster's columns are the basis of the subspace closest to the left
//! node's (the unitary polar factor of the overlap, so O_PP = W₀†W restricted to the cluster is
//! Hermitian positive definite — the matrix form of "O_aa real positive"), the frame
//! Hamiltonian E_P = W_P†HW_P is then not diagonal, and its off-diagonal entries join the
//! couplings: K_ab = (k_ab + E_ab) e^{i(Φ_a − Φ_b)} with Φ the integral of diag E.
//!
//! What lives here: the partition into clusters, the polar factor, and the Sylvester solve
//! A k + k A = R behind the in-cluster gauge term. [`super::frame`] uses them.

use num_complex::Complex64;

use crate::hamiltonian::CMat;
use crate::linalg::hermitian_eigen;

type C = Complex64;

/// Coupled eigenvalues closer than this fraction of max |λ| form a cluster. Above it the
/// eigenvectors are accurate to ≈ 1e-16/1e-4 and the frame error stays ≲ 1e-12; below it a
/// cluster's own phase over a step is ≤ 1e-4 of the step's largest phase, so its couplings
/// are slow and resolved by the in-step quadrature.
pub const CLUSTER_REL: f64 = 1e-4;

/// Cluster labels of the columns with eigenvalues `lambda` in blocks `block`: the label is the
/// smallest column index of the cluster (a singleton's label is its own index).
pub fn cluster_labels<const D: usize>(lambda: &[f64; D], block: &[usize; D]) -> [usize; D] {
    let scale = lambda.iter().fold(0.0f64, |m, l| m.max(l.abs()));
    let close = |a: usize, b: usize| {
        block[a] == block[b] && (lambda[a] - lambda[b]).abs() <= CLUSTER_REL * scale
    };
    let mut label: [usize; D] = std::array::from_fn(|i| i);
    let mut changed = true;
    while changed {
        changed = false;
        for a in 0..D {
            for b in 0..D {
                if close(a, b) && label[b] < label[a] {
                    label[a] = label[b];
                    changed = true;
                }
            }
        }
    }
    label
}

/// Whether any cluster has more than one column.
pub fn has_clusters<const D: usize>(label: &[usize; D]) -> bool {
    label.iter().enumerate().any(|(a, &l)| l != a)
}

/// The columns of cluster `label`, ascending, and their number.
pub fn members<const D: usize>(cluster: &[usize; D], label: usize) -> ([usize; D], usize) {
    let mut out = [0; D];
    let mut n = 0;
    for (a, &l) in cluster.iter().enumerate() {
        if l == label {
            out[n] = a;
            n += 1;
        }
    }
    (out, n)
}

/// The unitary Q with A Q Hermitian positive definite (A = UΣY†, Q = YU† = A†UΣ⁻¹U†), for the
/// square block A = `a` on the indices `p`, and the smallest singular value of A. `a` holds
/// A on `p` × `p` and anything elsewhere; Q is returned on `p` × `p`, zero elsewhere.
pub fn polar_factor<const D: usize>(a: &CMat<D>, p: &[usize]) -> (CMat<D>, f64) {
    let mut aa = CMat::<D>::identity();
    for &i in p {
        for &j in p {
            aa[(i, j)] = p.iter().map(|&k| a[(i, k)] * a[(j, k)].conj()).sum();
        }
    }
    let e = hermitian_eigen(&aa);
    // Columns of U belonging to the cluster: those with weight on p (the identity elsewhere
    // gives eigenvectors supported off p, with eigenvalue exactly 1).
    let mut inv_sqrt = CMat::<D>::zeros();
    let mut sigma_min = f64::INFINITY;
    for c in 0..D {
        let weight: f64 = p.iter().map(|&i| e.vectors[(i, c)].norm_sqr()).sum();
        if weight < 0.5 {
            continue;
        }
        let s2 = e.values[c].max(0.0);
        sigma_min = sigma_min.min(s2.sqrt());
        let inv = if s2 > 0.0 { 1.0 / s2.sqrt() } else { 0.0 };
        for &i in p {
            for &j in p {
                inv_sqrt[(i, j)] += e.vectors[(i, c)] * e.vectors[(j, c)].conj() * inv;
            }
        }
    }
    let mut q = CMat::<D>::zeros();
    for &i in p {
        for &j in p {
            q[(i, j)] = p.iter().map(|&k| a[(k, i)].conj() * inv_sqrt[(k, j)]).sum();
        }
    }
    (q, sigma_min)
}

/// The Hermitian k on `p` × `p` solving A k + k A = R for Hermitian positive definite A and
/// Hermitian R (both read on `p` × `p`): in A's eigenbasis k̃_ij = R̃_ij / (α_i + α_j).
pub fn sylvester_sym<const D: usize>(a: &CMat<D>, r: &CMat<D>, p: &[usize]) -> CMat<D> {
    let mut am = CMat::<D>::identity();
    for &i in p {
        for &j in p {
            am[(i, j)] = a[(i, j)];
        }
    }
    let e = hermitian_eigen(&am);
    // A's eigenvectors supported on p (a fixed array: this runs per node, allocation-free).
    let mut cols = [0usize; D];
    let mut nc = 0;
    for c in 0..D {
        if p.iter().map(|&i| e.vectors[(i, c)].norm_sqr()).sum::<f64>() >= 0.5 {
            cols[nc] = c;
            nc += 1;
        }
    }
    let cols = &cols[..nc];
    let mut k = CMat::<D>::zeros();
    for &ci in cols {
        for &cj in cols {
            let mut rt = C::new(0.0, 0.0);
            for &i in p {
                for &j in p {
                    rt += e.vectors[(i, ci)].conj() * r[(i, j)] * e.vectors[(j, cj)];
                }
            }
            let kt = rt / (e.values[ci] + e.values[cj]);
            for &i in p {
                for &j in p {
                    k[(i, j)] += e.vectors[(i, ci)] * kt * e.vectors[(j, cj)].conj();
                }
            }
        }
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linalg::exp_minus_i_h_t;

    fn random_hermitian(seed: u64) -> CMat<4> {
        let mut s = seed;
        let mut next = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 11) as f64 / (1u64 << 53) as f64) - 0.5
        };
        let m = CMat::<4>::from_fn(|_, _| C::new(next(), next()));
        (m + m.adjoint()) * C::new(0.5, 0.0)
    }

    #[test]
    fn labels_join_close_levels_in_one_block_only() {
        let l = cluster_labels(&[1.0, 1.0 + 1e-9, 2.0, 1.0], &[0, 0, 0, 1]);
        assert_eq!(l, [0, 0, 2, 3]);
        let chain = cluster_labels(&[0.0, 0.6e-4, 1.2e-4, 1.0], &[0; 4]);
        assert_eq!(chain, [0, 0, 0, 3]);
        assert!(!has_clusters(&[0, 1, 2]));
    }

    #[test]
    fn polar_factor_makes_the_overlap_hermitian_positive() {
        let u = exp_minus_i_h_t(&random_hermitian(3), 0.7);
        let p = [1, 3];
        let (q, smin) = polar_factor(&u, &p);
        let aq = CMat::<4>::from_fn(|i, j| p.iter().map(|&k| u[(i, k)] * q[(k, j)]).sum());
        for &i in &p {
            for &j in &p {
                assert!((aq[(i, j)] - aq[(j, i)].conj()).norm() < 1e-14);
            }
            assert!(aq[(i, i)].re > 0.0);
        }
        // Q unitary on p.
        for &i in &p {
            for &j in &p {
                let d: C = p.iter().map(|&k| q[(k, i)].conj() * q[(k, j)]).sum();
                let want = if i == j { 1.0 } else { 0.0 };
                assert!((d - want).norm() < 1e-14);
            }
        }
        assert!(smin > 0.0 && smin <= 1.0);
    }

    #[test]
    fn sylvester_solution_satisfies_the_equation() {
        let a = random_hermitian(5) * C::new(0.2, 0.0) + CMat::<4>::identity();
        let r = random_hermitian(9);
        let p = [0, 2, 3];
        let k = sylvester_sym(&a, &r, &p);
        for &i in &p {
            for &j in &p {
                let lhs: C = p
                    .iter()
                    .map(|&m| a[(i, m)] * k[(m, j)] + k[(i, m)] * a[(m, j)])
                    .sum();
                assert!((lhs - r[(i, j)]).norm() < 1e-13, "{i}{j}");
            }
        }
    }
}
