//! The instantaneous eigenframe at one node of an adiabatic step (docs/integrators.md, "The step",
//! "The step in formulas"): block-aware eigendecomposition (warm-started from the left node's
//! eigenvectors for the other nodes), matching and gauge against the step's left node, and the
//! couplings k = −iW†W′ from G = W†H′W (no finite differences of eigenvectors).

use num_complex::Complex64;

use super::cluster::{cluster_labels, has_clusters, members, polar_factor, sylvester_sym};
use crate::hamiltonian::CMat;
use crate::linalg::{
    diagonal_mul, hermitian_eigen_from, hermitian_eigen_in_blocks, is_diagonal, mul_maybe_sparse,
};

type C = Complex64;

/// Decoupled blocks: connected components of the coupling graph (docs/integrators.md, "The step in
/// formulas").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Blocks<const D: usize> {
    /// Block label of each basis index.
    pub label: [usize; D],
}

impl<const D: usize> Blocks<D> {
    /// Components of the graph whose edges are the entries that can be nonzero.
    pub fn from_pattern(pattern: &[[bool; D]; D]) -> Self {
        let mut label: [usize; D] = std::array::from_fn(|i| i);
        // Label propagation to the smallest index in the component (D ≤ 6: a few sweeps).
        let mut changed = true;
        while changed {
            changed = false;
            for i in 0..D {
                for j in 0..D {
                    if (pattern[i][j] || pattern[j][i]) && label[j] < label[i] {
                        label[i] = label[j];
                        changed = true;
                    }
                }
            }
        }
        Blocks { label }
    }
}

/// Eigen-data at one node, in the column order and gauge of the step's left node.
#[derive(Debug, Clone, Copy)]
pub struct Node<const D: usize> {
    pub x_km: f64,
    /// Eigenvalues λ_a (km⁻¹), in matched order.
    pub lambda: [f64; D],
    /// Eigenvectors (columns), matched and gauge-fixed.
    pub w: CMat<D>,
    /// G = W†H′W; its real diagonal is λ′ (Hellmann–Feynman).
    pub g: CMat<D>,
    /// Block label of each column.
    pub block: [usize; D],
    /// The step's couplings: k = −iW†W′ in this gauge (k_ab = −iG_ab/(λ_b − λ_a), k_aa the
    /// Berry term), plus E_ab inside a cluster.
    pub k: CMat<D>,
    /// Cluster label of each column ([`super::cluster`]); a singleton's is its own index.
    pub cluster: [usize; D],
    /// The eigenvalues of H at this node, by column (inside a cluster: those of E_P).
    pub mu: [f64; D],
    /// Off-diagonal entries of the frame Hamiltonian E = W†HW inside clusters (else zero).
    pub e_off: CMat<D>,
    /// The rotation inside clusters from the raw eigenvectors (moved to this node's columns)
    /// to W: W = W_raw Z, block diagonal by cluster; the identity without clusters. Kept so
    /// that [`Self::with_slope`] can redo the cluster couplings with another H′.
    pub z: CMat<D>,
}

/// Why a node could not be matched to the left node: the step must shrink (docs/integrators.md,
/// "The step in formulas": matching, Ω₁).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mismatch {
    /// The overlap is not a clear permutation (min |O_aa| < 0.8).
    Overlap,
    /// Two coupled levels are degenerate, so k is infinite.
    Degenerate,
}

/// Smallest accepted |O_aa| of a match (docs/integrators.md, "The step in formulas").
const MIN_OVERLAP: f64 = 0.8;

impl<const D: usize> Node<D> {
    /// The left node of a step: own order and gauge, O = 1, so the Berry term is zero.
    pub fn left(
        x_km: f64,
        h: &CMat<D>,
        slope: &CMat<D>,
        blocks: &Blocks<D>,
    ) -> Result<Self, Mismatch> {
        let e = hermitian_eigen_in_blocks(h, &blocks.label);
        let block = column_blocks(&e.vectors, blocks);
        let cluster = cluster_labels(&e.values, &block);
        let mut node = Node {
            x_km,
            lambda: e.values,
            w: e.vectors,
            g: CMat::<D>::zeros(),
            block,
            k: CMat::<D>::zeros(),
            cluster,
            mu: e.values,
            e_off: CMat::<D>::zeros(),
            z: CMat::<D>::identity(),
        };
        if has_clusters(&cluster) {
            node.cluster_couplings(slope, &CMat::<D>::identity(), None);
        } else {
            node.couplings(slope, None)?;
        }
        Ok(node)
    }

    /// A node matched to `left`: columns reordered by the largest overlap and rephased so that
    /// O_aa = (W₀†W)_aa is real positive; then k with the Berry term. The blocks are the left
    /// node's (its eigenbasis is the Jacobi start).
    pub fn matched(
        x_km: f64,
        h: &CMat<D>,
        slope: &CMat<D>,
        left: &Node<D>,
        berry: bool,
    ) -> Result<Self, Mismatch> {
        let mut node = *left;
        node.rematch(x_km, h, slope, left, berry)?;
        Ok(node)
    }

    /// [`Self::matched`] written over `self` (whose content is discarded): the kinked step's
    /// nodes live in fixed slots instead of being moved through `Result`s (a node is ~1 kB).
    /// On an error `self` holds no usable node.
    pub fn rematch(
        &mut self,
        x_km: f64,
        h: &CMat<D>,
        slope: &CMat<D>,
        left: &Node<D>,
        berry: bool,
    ) -> Result<(), Mismatch> {
        // Warm start from the left node's eigenbasis: W = W₀ V, so the overlap O = W₀†W is V.
        let (values, o_raw) = hermitian_eigen_from(h, &left.w, &left.block);
        if has_clusters(&left.cluster) {
            *self = Self::matched_clusters(x_km, slope, left, berry, &values, &o_raw)?;
            return Ok(());
        }
        let mut perm = [usize::MAX; D];
        let mut used = [false; D];
        for (a, p) in perm.iter_mut().enumerate() {
            let mut best = 0;
            let mut best_abs = -1.0;
            for b in 0..D {
                let v = o_raw[(a, b)].norm_sqr().sqrt();
                if v > best_abs {
                    (best, best_abs) = (b, v);
                }
            }
            if used[best] || best_abs < MIN_OVERLAP {
                return Err(Mismatch::Overlap);
            }
            used[best] = true;
            *p = best;
        }
        // Reorder and rephase V (the overlap), then W = W₀ V.
        let mut v = CMat::<D>::zeros();
        let mut lambda = [0.0; D];
        for a in 0..D {
            let b = perm[a];
            let o = o_raw[(a, b)];
            let phase = o.conj() / o.norm_sqr().sqrt();
            lambda[a] = values[b];
            for r in 0..D {
                v[(r, a)] = o_raw[(r, b)] * phase;
            }
        }
        // W₀ V inherits W₀'s round-off, and the next step's left node is this one: without
        // re-orthonormalising, the non-unitarity would grow along the track.
        let w = orthonormalized(&mul_maybe_sparse(left.has_blocks(), &left.w, &v));
        // Field by field: a `*self = Node { .. }` builds the node aside and copies it over.
        self.x_km = x_km;
        self.lambda = lambda;
        self.w = w;
        self.block = left.block;
        self.cluster = left.cluster;
        self.mu = lambda;
        self.e_off = CMat::<D>::zeros();
        self.z = CMat::<D>::identity();
        // G and k: written by the couplings.
        self.couplings(slope, berry.then_some(&v))
    }

    /// The same node with the other one-sided slope: at a kink H is continuous, so the
    /// eigen-data (and, with clusters, the partition, gauge Z, μ and E's off-diagonal part)
    /// stay and only G and k change. `left` is the step's left node (for the Berry term's
    /// overlap O = W₀†W); `self` must have been matched to it.
    pub fn with_slope(
        &self,
        slope: &CMat<D>,
        left: &Node<D>,
        berry: bool,
    ) -> Result<Self, Mismatch> {
        let mut node = *self;
        node.set_slope(slope, left, berry)?;
        Ok(node)
    }

    /// [`Self::with_slope`] in place. On an error `self` holds no usable node.
    pub fn set_slope(
        &mut self,
        slope: &CMat<D>,
        left: &Node<D>,
        berry: bool,
    ) -> Result<(), Mismatch> {
        let o = berry.then(|| mul_maybe_sparse(left.has_blocks(), &left.w.adjoint(), &self.w));
        // The same rule as the node was built with: with clusters the couplings inside them
        // are E_P plus the gauge term, and the phase slope is E′_aa (not λ′ from
        // G/(λ_b − λ_a), which is meaningless, or infinite, there).
        if has_clusters(&self.cluster) {
            let z = self.z;
            self.cluster_couplings(slope, &z, o.as_ref());
            Ok(())
        } else {
            self.couplings(slope, o.as_ref())
        }
    }

    /// [`Self::matched`] when the left node has clusters: each of the left node's clusters P
    /// takes the new columns carrying most of their weight in P's subspace, rotated by the
    /// polar factor Q so that O_PP is Hermitian positive definite (a singleton: the phase
    /// gauge of [`Self::matched`]); E_P = Q† diag(μ) Q.
    fn matched_clusters(
        x_km: f64,
        slope: &CMat<D>,
        left: &Node<D>,
        berry: bool,
        values: &[f64; D],
        o_raw: &CMat<D>,
    ) -> Result<Self, Mismatch> {
        let mut used = [false; D];
        // z: new columns = raw columns (moved to the left node's positions) times z, block
        // diagonal by cluster; `raw` holds the raw columns at those positions.
        let mut z = CMat::<D>::zeros();
        let mut raw = CMat::<D>::zeros();
        let mut mu = [0.0; D];
        for label in 0..D {
            let (p, n) = members(&left.cluster, label);
            if n == 0 {
                continue;
            }
            let p = &p[..n];
            let s = cluster_columns(p, o_raw, &mut used)?;
            // A = O restricted to (left positions p) × (new columns s), stored on p × p.
            let mut a = CMat::<D>::zeros();
            for (i, &pi) in p.iter().enumerate() {
                mu[pi] = values[s[i]];
                for r in 0..D {
                    raw[(r, pi)] = o_raw[(r, s[i])];
                }
            }
            for &pi in p {
                for &pj in p {
                    a[(pi, pj)] = raw[(pi, pj)];
                }
            }
            let (q, sigma_min) = polar_factor(&a, p);
            if sigma_min < MIN_OVERLAP {
                return Err(Mismatch::Overlap);
            }
            for &pi in p {
                for &pj in p {
                    z[(pi, pj)] = q[(pi, pj)];
                }
            }
        }
        let v = raw * z;
        let (lambda, e_off) = cluster_energies(&z, &mu, &left.cluster);
        let w = orthonormalized(&mul_maybe_sparse(left.has_blocks(), &left.w, &v));
        let mut node = Node {
            x_km,
            lambda,
            w,
            g: CMat::<D>::zeros(),
            block: left.block,
            k: CMat::<D>::zeros(),
            cluster: left.cluster,
            mu,
            e_off,
            z,
        };
        node.cluster_couplings(slope, &z, berry.then_some(&v));
        Ok(node)
    }

    /// G and k with clusters. Between clusters P ≠ Q the invariant subspaces give
    /// E_P Y − Y E_Q = −G_PQ for Y = W_P†W_Q′; in the raw eigenbasis (W = W_raw Z) that is
    /// Y_raw = G_raw/(μ_Q − μ_P) entrywise, so F = Z† F_raw Z. Inside a cluster the gauge
    /// keeps O_PP Hermitian: A k_PP + k_PP A = −(X + X†), A = O_PP, X = O_P,out k_out,P (the
    /// Berry term of a singleton). The phase slope is E′_aa = G_aa − 2 Σ_b Im(E_ab k_ba).
    fn cluster_couplings(&mut self, slope: &CMat<D>, z: &CMat<D>, o: Option<&CMat<D>>) {
        let sparse = self.has_blocks();
        self.g = self.slope_in_eigenbasis(sparse, slope);
        let g_raw = z * self.g * z.adjoint();
        let mut f_raw = CMat::<D>::zeros();
        for a in 0..D {
            for b in 0..D {
                if self.block[a] != self.block[b] || self.cluster[a] == self.cluster[b] {
                    continue;
                }
                let gap = self.mu[b] - self.mu[a];
                if g_raw[(a, b)] != C::new(0.0, 0.0) && gap != 0.0 {
                    f_raw[(a, b)] = g_raw[(a, b)] / gap;
                }
            }
        }
        let f = z.adjoint() * f_raw * z;
        self.k = f * C::new(0.0, -1.0);
        if let Some(o) = o {
            for label in 0..D {
                let (p, n) = members(&self.cluster, label);
                if n == 0 {
                    continue;
                }
                let p = &p[..n];
                // R = −(X + X†), X_ij = Σ_{c ∉ P} O_ic k_cj.
                let mut x = CMat::<D>::zeros();
                for &i in p {
                    for &j in p {
                        x[(i, j)] = (0..D)
                            .filter(|&c| self.cluster[c] != label)
                            .map(|c| o[(i, c)] * self.k[(c, j)])
                            .sum();
                    }
                }
                let r = -(x + x.adjoint());
                let kp = sylvester_sym(o, &r, p);
                for &i in p {
                    for &j in p {
                        self.k[(i, j)] = kp[(i, j)];
                    }
                }
            }
        }
        for a in 0..D {
            let correction: f64 = (0..D)
                .filter(|&b| b != a && self.cluster[b] == self.cluster[a])
                .map(|b| (self.e_off[(a, b)] * self.k[(b, a)]).im)
                .sum();
            self.g[(a, a)].re -= 2.0 * correction;
        }
        self.k += self.e_off;
    }

    /// This right node as the next step's left node (O = 1 there, so the gauge part of k
    /// inside clusters vanishes), or None when its levels now group into different clusters:
    /// the caller then builds a fresh left node.
    pub fn into_left(mut self) -> Option<Self> {
        if cluster_labels(&self.mu, &self.block) != self.cluster {
            return None;
        }
        for a in 0..D {
            for b in 0..D {
                if self.cluster[a] == self.cluster[b] {
                    self.k[(a, b)] = self.e_off[(a, b)];
                }
            }
        }
        Some(self)
    }

    /// G, F and k (docs/integrators.md, "The step in formulas"). `o` = W₀†W for the Berry term
    /// (None at the left node).
    fn couplings(&mut self, slope: &CMat<D>, o: Option<&CMat<D>>) -> Result<(), Mismatch> {
        let sparse = self.has_blocks();
        self.g = self.slope_in_eigenbasis(sparse, slope);
        let mut f = CMat::<D>::zeros();
        for a in 0..D {
            for b in 0..D {
                if a == b || self.block[a] != self.block[b] {
                    continue;
                }
                let gab = self.g[(a, b)];
                if gab == C::new(0.0, 0.0) {
                    continue;
                }
                let gap = self.lambda[b] - self.lambda[a];
                if gap == 0.0 {
                    return Err(Mismatch::Degenerate);
                }
                f[(a, b)] = gab / gap;
            }
        }
        // k_ab = −i F_ab; k_aa = −Im((O F)_aa)/O_aa keeps O_aa real along the step.
        self.k = f * C::new(0.0, -1.0);
        if let Some(o) = o {
            // Only the diagonal of O F is needed: D² products, not a full D³ product.
            for a in 0..D {
                let mut of_aa = C::new(0.0, 0.0);
                for b in 0..D {
                    of_aa += o[(a, b)] * f[(b, a)];
                }
                self.k[(a, a)] = C::new(-of_aa.im / o[(a, a)].re, 0.0);
            }
        }
        Ok(())
    }

    /// G = W† H′ W. Matter at rest has a diagonal H′ in flavour: H′W is then a row scaling
    /// (the same numbers as the full product, [`diagonal_mul`]).
    fn slope_in_eigenbasis(&self, sparse: bool, slope: &CMat<D>) -> CMat<D> {
        let sw = if is_diagonal(slope) {
            diagonal_mul(slope, &self.w)
        } else {
            mul_maybe_sparse(sparse, slope, &self.w)
        };
        mul_maybe_sparse(sparse, &self.w.adjoint(), &sw)
    }

    /// More than one decoupled block: W, G and k are block diagonal (up to the column order).
    pub fn has_blocks(&self) -> bool {
        self.block.iter().any(|&b| b != self.block[0])
    }

    /// λ′_a = Re G_aa.
    pub fn lambda_slope(&self, a: usize) -> f64 {
        self.g[(a, a)].re
    }
}

/// The block of each eigenvector column (the label of its first nonzero component).
fn column_blocks<const D: usize>(w: &CMat<D>, blocks: &Blocks<D>) -> [usize; D] {
    std::array::from_fn(|k| {
        (0..D)
            .find(|&r| w[(r, k)] != C::new(0.0, 0.0))
            .map_or(k, |r| blocks.label[r])
    })
}

/// Modified Gram–Schmidt on the columns of a nearly unitary `w`: moves each column by about
/// its departure from orthonormality, so eigenvectors stay eigenvectors to round-off.
fn orthonormalized<const D: usize>(w: &CMat<D>) -> CMat<D> {
    let mut q = *w;
    for c in 0..D {
        for p in 0..c {
            let mut dot = C::new(0.0, 0.0);
            for r in 0..D {
                dot += q[(r, p)].conj() * q[(r, c)];
            }
            for r in 0..D {
                let qp = q[(r, p)];
                q[(r, c)] -= qp * dot;
            }
        }
        let norm = (0..D).map(|r| q[(r, c)].norm_sqr()).sum::<f64>().sqrt();
        for r in 0..D {
            q[(r, c)] /= norm;
        }
    }
    q
}

/// The new columns that carry most (> 1/2) of their weight in the subspace of the left
/// node's cluster `p` (its positions), in order, marked in `used`: exactly |p| of them, none
/// taken by another cluster, or the frames do not match.
fn cluster_columns<const D: usize>(
    p: &[usize],
    o_raw: &CMat<D>,
    used: &mut [bool; D],
) -> Result<[usize; D], Mismatch> {
    let mut s = [0usize; D];
    let mut ns = 0;
    for b in 0..D {
        let weight: f64 = p.iter().map(|&a| o_raw[(a, b)].norm_sqr()).sum();
        if weight > 0.5 {
            if used[b] || ns == p.len() {
                return Err(Mismatch::Overlap);
            }
            used[b] = true;
            s[ns] = b;
            ns += 1;
        }
    }
    if ns != p.len() {
        return Err(Mismatch::Overlap);
    }
    Ok(s)
}

/// E = Z† diag(μ) Z on each cluster: its diagonal (the eigenvalues λ carried by the frame)
/// and its off-diagonal entries inside clusters.
fn cluster_energies<const D: usize>(
    z: &CMat<D>,
    mu: &[f64; D],
    cluster: &[usize; D],
) -> ([f64; D], CMat<D>) {
    let mut lambda = [0.0; D];
    let mut e_off = CMat::<D>::zeros();
    for a in 0..D {
        for b in 0..D {
            if cluster[a] != cluster[b] {
                continue;
            }
            let e: C = (0..D).map(|c| z[(c, a)].conj() * mu[c] * z[(c, b)]).sum();
            if a == b {
                lambda[a] = e.re;
            } else {
                e_off[(a, b)] = e;
            }
        }
    }
    (lambda, e_off)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linalg::{exp_minus_i_h_t, unitarity_error};

    #[test]
    fn orthonormalized_restores_unitarity_and_barely_moves_columns() {
        let h =
            CMat::<6>::from_fn(|i, j| C::new((i + j) as f64 * 0.1, (i as f64 - j as f64) * 0.2));
        let u = exp_minus_i_h_t(&((h + h.adjoint()) * C::new(0.5, 0.0)), 1.3);
        let noise = CMat::<6>::from_fn(|i, j| C::new(1e-9 * (i * j) as f64, -1e-9 * i as f64));
        let w = u + noise;
        assert!(unitarity_error(&w) > 1e-9);
        let q = orthonormalized(&w);
        assert!(unitarity_error(&q) < 1e-15);
        assert!((q - u).norm() < 1e-7);
    }
}
