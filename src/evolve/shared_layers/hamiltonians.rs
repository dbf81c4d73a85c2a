//! Every layer's Hamiltonian as A + B · E_ref/E (see the parent module).

use nalgebra::SMatrix;
use num_complex::Complex64;

use super::LayerSet;
use crate::hamiltonian::{CMat, EnergyHamiltonian, Model};
use crate::medium::MediumPoint;

/// The Hamiltonian of every layer of a [`LayerSet`] as a function of energy:
/// H(E) = A + B · (E_ref / E). Every term of H is constant or ∝ 1/E (docs/physics.md, "The
/// Hamiltonian"), so two assemblies give every energy's H without assembling the model again (the
/// assembly costs more than solving a 3×3 layer). Checked at construction against direct assembly
/// at three more energies; if a model ever breaks the form, every energy is assembled directly.
///
/// E_ref lies below every energy the ultra-relativistic Hamiltonian admits, so the factor
/// E_ref/E is ≤ 1: B = H(E_ref) − A carries the rounding of A at the scale of the 1/E terms
/// at E_ref, and the factor only shrinks it. (With E_ref above the run's energies the
/// rounding of large constant terms — fields, moments, dense matter — was amplified by
/// E_ref/E, and over ~1e6 rad of phase that cost ~1e-7 in P.)
#[derive(Debug, Clone)]
pub struct LayerHamiltonians<const D: usize> {
    /// H has no entries between the two helicity blocks [0, N) and [N, 2N).
    pub(super) halves: bool,
    pub(super) reference_ev: f64,
    /// `Some((A, B))` per layer when the form holds.
    pub(super) parts: Option<(Vec<CMat<D>>, Vec<CMat<D>>)>,
    pub(super) model: Model,
    points: Vec<MediumPoint>,
}

/// The energy at which the 1/E terms are taken: below any neutrino energy nuspin accepts
/// (≥ 10 × the heaviest mass), so that E_ref/E ≤ 1.
const REFERENCE_EV: f64 = 1e-6;
/// An energy at which every 1/E term is far below an ulp of every constant one.
const HUGE_EV: f64 = 1e200;

impl<const D: usize> LayerHamiltonians<D> {
    /// The layer Hamiltonians of `layers` in `model`.
    pub fn new(model: &Model, layers: &LayerSet) -> Self {
        let n = D / 2;
        let reference = EnergyHamiltonian::<D>::new(model, REFERENCE_EV);
        let pattern = reference.coupling_pattern(layers.present());
        let halves = (0..D).all(|i| (0..D).all(|j| (i < n) == (j < n) || !pattern[i][j]));
        let huge = EnergyHamiltonian::<D>::new(model, HUGE_EV);
        let a: Vec<CMat<D>> = layers.points.iter().map(|p| huge.at(p)).collect();
        let b: Vec<CMat<D>> = layers
            .points
            .iter()
            .zip(&a)
            .map(|(p, a)| reference.at(p) - a)
            .collect();
        let mut out = LayerHamiltonians {
            halves,
            reference_ev: REFERENCE_EV,
            parts: Some((a, b)),
            model: model.clone(),
            points: layers.points.clone(),
        };
        let holds = [1e6, 3.7e10, 2e12].iter().all(|&e| {
            let direct = EnergyHamiltonian::<D>::new(model, e);
            (0..out.points.len()).all(|l| {
                let want = direct.at(&out.points[l]);
                (out.at(l, e) - want).norm() <= 1e-13 * want.norm()
            })
        });
        if !holds {
            out.parts = None;
        }
        out
    }

    /// Whether the two helicity blocks are decoupled.
    pub fn split_in_halves(&self) -> bool {
        self.halves
    }

    /// H of layer `layer` at `energy_ev`, km⁻¹.
    pub fn at(&self, layer: usize, energy_ev: f64) -> CMat<D> {
        match &self.parts {
            Some((a, b)) => {
                a[layer] + b[layer] * Complex64::new(self.reference_ev / energy_ev, 0.0)
            }
            None => EnergyHamiltonian::<D>::new(&self.model, energy_ev).at(&self.points[layer]),
        }
    }

    /// The M×M diagonal block at `lo` of layer `layer`'s H, upper triangle and diagonal only
    /// (all the eigensolvers read), from A + B·x with x = E_ref/E, or from `direct` (the
    /// model assembled at this energy) when the form does not hold.
    pub(super) fn block<const M: usize>(
        &self,
        layer: usize,
        lo: usize,
        x: f64,
        direct: Option<&EnergyHamiltonian<D>>,
    ) -> SMatrix<Complex64, M, M> {
        let zero = Complex64::new(0.0, 0.0);
        match (&self.parts, direct) {
            (Some((a, b)), _) => {
                let (a, b) = (&a[layer], &b[layer]);
                SMatrix::from_fn(|r, c| {
                    if r <= c {
                        a[(lo + r, lo + c)] + b[(lo + r, lo + c)] * x
                    } else {
                        zero
                    }
                })
            }
            (None, Some(eh)) => {
                let h = eh.at(&self.points[layer]);
                SMatrix::from_fn(|r, c| h[(lo + r, lo + c)])
            }
            (None, None) => unreachable!("the model is assembled when the form does not hold"),
        }
    }
}
