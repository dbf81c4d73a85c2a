//! What a collective run reports: the net potential Tr P, the vacuum-axis lepton number
//! (docs/collective.md, "Conservation laws"), per-bin populations, the helicity-flip fraction and
//! P(s → j) from Ψ.

use num_complex::Complex64;

use super::system::CollectiveProblem;
use crate::basis::Nature;
use crate::hamiltonian::CMat;
use crate::mixing::Mixing;

/// Tr P = Σ_i (Tr ρ_LL − Tr ρ_RR) (Majorana) or the Dirac analogue (active blocks), km⁻¹.
pub fn trace_p<const D: usize>(problem: &CollectiveProblem<'_, D>, rho: &[CMat<D>]) -> f64 {
    let p = problem.potential_matrix(rho);
    (0..problem.flavours()).map(|a| p[(a, a)].re).sum()
}

/// L_vac = Σ_i Tr[(ρ_LL − ρ_RRᵀ) U diag(1, −1) U†] for two flavours (docs/collective.md,
/// "Conservation laws"): conserved without moments and matter.
pub fn vacuum_lepton_number<const D: usize>(
    problem: &CollectiveProblem<'_, D>,
    mixing: &Mixing,
    rho: &[CMat<D>],
) -> f64 {
    let p = problem.potential_matrix(rho);
    let u = mixing.pmns();
    let mut l = Complex64::new(0.0, 0.0);
    // Tr[P U σ_z U†] = Σ_k s_k (U† P U)_kk.
    for (k, s) in [(0usize, 1.0), (1, -1.0)] {
        for a in 0..2 {
            for b in 0..2 {
                l += u[(a, k)].conj() * p[(a, b)] * u[(b, k)] * s;
            }
        }
    }
    l.re
}

/// Fraction of all particles now in the opposite helicity block (Majorana: ν → ν̄ and back
/// counted by population moved; Dirac: the sterile blocks' share).
pub fn helicity_flip_fraction<const D: usize>(
    problem: &CollectiveProblem<'_, D>,
    rho: &[CMat<D>],
) -> f64 {
    let n = problem.flavours();
    let init = problem.initial_diagonal();
    let mut moved = 0.0;
    let mut total = 0.0;
    for (r, d) in rho.iter().zip(init) {
        let l_now: f64 = (0..n).map(|a| r[(a, a)].re).sum();
        let l_then: f64 = d[..n].iter().sum();
        total += d.iter().sum::<f64>();
        moved += match problem.nature() {
            Nature::Majorana => (l_now - l_then).abs(),
            Nature::Dirac => (n..2 * n).map(|a| r[(a, a)].re).sum::<f64>(),
        };
    }
    if total > 0.0 {
        moved / total
    } else {
        0.0
    }
}

/// P(s → j) = |Ψ[j, s]|².
pub fn channel_probabilities<const D: usize>(psi: &CMat<D>) -> [[f64; D]; D] {
    let mut p = [[0.0; D]; D];
    for (s, row) in p.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            *v = psi[(j, s)].norm_sqr();
        }
    }
    p
}

/// Diagonal of ρ (populations, km⁻¹) of every system.
pub fn populations<const D: usize>(rho: &[CMat<D>]) -> Vec<[f64; D]> {
    rho.iter()
        .map(|r| std::array::from_fn(|i| r[(i, i)].re))
        .collect()
}
