//! The vacuum propagation eigenstates (mass i × helicity block) and their populations.
//!
//! Each block of docs/physics.md ("Basis") has its own vacuum mixing: the vacuum H of the block is
//! V M² V† with V = U (Dirac neutrino, both blocks; Majorana block A) or V = U* (Majorana
//! block B, the antineutrinos; Dirac antineutrino, both blocks: m̄m̄† = U* D² Uᵀ). The
//! propagation eigenstate |b, i⟩ is the column i of V placed in block b, so the D×D matrix
//! [`vacuum_basis`] (block diagonal, columns = eigenstates) diagonalises the vacuum H, and the
//! population of |b, i⟩ in a state ψ is |(W₀† ψ)_{b,i}|². The populations sum to 1 and do not
//! change in vacuum (no field): that is the test.

use num_complex::Complex64;

use crate::basis::Basis;
use crate::hamiltonian::{CMat, Model};

/// Whether block B of `basis` (and block A) mixes with U* rather than U.
fn conjugate_blocks(basis: Basis) -> (bool, bool) {
    match basis {
        Basis::DiracNeutrino => (false, false),
        Basis::Majorana => (false, true),
        Basis::DiracAntineutrino => (true, true),
    }
}

/// W₀: block-diagonal, column (b, i) is the vacuum eigenstate of mass i in block b, in the
/// flavour/helicity basis (W₀† H_vac W₀ = diag(Δm²_{i1}/2E) per block).
pub fn vacuum_basis<const D: usize>(model: &Model) -> CMat<D> {
    let n = D / 2;
    let u = model.mixing.pmns();
    let (conj_a, conj_b) = conjugate_blocks(model.basis);
    let mut w = CMat::<D>::zeros();
    for (offset, conj) in [(0, conj_a), (n, conj_b)] {
        for a in 0..n {
            for i in 0..n {
                let z: Complex64 = u[(a, i)];
                w[(offset + a, offset + i)] = if conj { z.conj() } else { z };
            }
        }
    }
    w
}

/// Labels of the 2N propagation eigenstates in [`vacuum_basis`] column order: the block
/// prefixes of the state labels with the mass index, e.g. `nu_1 … nu_3, nuR_1 … nuR_3`.
pub fn mass_labels(basis: Basis, n_flavours: usize) -> Vec<String> {
    let (a, b) = basis.block_prefixes();
    (1..=n_flavours)
        .map(|i| format!("{a}_{i}"))
        .chain((1..=n_flavours).map(|i| format!("{b}_{i}")))
        .collect()
}

/// Populations |(W₀† ψ)_k|² of the state ψ = column `initial` of the propagator `s`.
pub fn populations<const D: usize>(w0: &CMat<D>, s: &CMat<D>, initial: usize) -> [f64; D] {
    std::array::from_fn(|k| {
        (0..D)
            .map(|a| w0[(a, k)].conj() * s[(a, initial)])
            .sum::<Complex64>()
            .norm_sqr()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evolve::propagate_constant;
    use crate::hamiltonian::EnergyHamiltonian;
    use crate::medium::MediumPoint;
    use crate::mixing::{Mixing, Preset};
    use crate::moments::Moments;

    fn model(basis: Basis) -> Model {
        let mixing = Mixing::from_preset(Preset::Nufit52No, 0.01, &[30.0, 70.0]).unwrap();
        let mixing = if basis == Basis::Majorana {
            mixing
        } else {
            Mixing::from_preset(Preset::Nufit52No, 0.01, &[]).unwrap()
        };
        Model::new(basis, mixing, Moments::zero())
    }

    #[test]
    fn the_basis_diagonalises_the_vacuum_hamiltonian_of_every_basis() {
        for basis in [
            Basis::DiracNeutrino,
            Basis::Majorana,
            Basis::DiracAntineutrino,
        ] {
            let m = model(basis);
            let h = *EnergyHamiltonian::<6>::new(&m, 1e7).vacuum();
            let w = vacuum_basis::<6>(&m);
            let d = w.adjoint() * h * w;
            let scale = h.norm();
            for i in 0..6 {
                for j in 0..6 {
                    if i != j {
                        assert!(d[(i, j)].norm() < 1e-13 * scale, "{basis:?} {i} {j}");
                    }
                }
            }
            assert!((w.adjoint() * w - CMat::<6>::identity()).norm() < 1e-14);
        }
    }

    #[test]
    fn populations_sum_to_one_and_are_conserved_in_vacuum() {
        for basis in [
            Basis::DiracNeutrino,
            Basis::Majorana,
            Basis::DiracAntineutrino,
        ] {
            let m = model(basis);
            let w = vacuum_basis::<6>(&m);
            // Through 3000 km of rock, then 1e5 km of vacuum.
            let rock = propagate_constant::<6>(&m, 10.0, &MediumPoint::from_rho_ye(3.0, 0.5), 3e3);
            let vac = propagate_constant::<6>(&m, 10.0, &MediumPoint::default(), 1e5);
            for i in 0..6 {
                let before = populations(&w, &rock, i);
                let after = populations(&w, &(vac * rock), i);
                assert!((before.iter().sum::<f64>() - 1.0).abs() < 1e-12);
                for k in 0..6 {
                    assert!((before[k] - after[k]).abs() < 1e-11, "{basis:?} {i} {k}");
                }
            }
        }
        assert_eq!(
            mass_labels(Basis::DiracAntineutrino, 2),
            ["nubar_1", "nubar_2", "nubarL_1", "nubarL_2"]
        );
    }
}
