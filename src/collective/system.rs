//! The coupled problem of docs/collective.md ("The model"): one 2N×2N ρ per energy bin (Majorana)
//! or two (Dirac: neutrino and antineutrino systems), and H_i = H_single,i(r) + H_νν(r, ρ).
//!
//! The single-particle part (vacuum in both helicities, matter with the NC term, the moment
//! term) is the crate's [`EnergyHamiltonian`] for the basis of each system, evaluated from the
//! medium's potential scalars once per radius; only the self-interaction is built here.

use nalgebra::Matrix3;
use num_complex::Complex64;
use rayon::prelude::*;

use super::emission::{bulb_d, BinWeights, Emission, EnergyBins};
use super::invariants::VacuumAxes;
use super::CollectiveError;
use crate::basis::{Basis, Nature};
use crate::hamiltonian::potential::scalars;
use crate::hamiltonian::{CMat, EnergyHamiltonian, Model, N_SCALARS};
use crate::medium::{Medium, Side};
use crate::mixing::Mixing;
use crate::moments::Moments;

/// Bins per rayon task below which work stays on one thread (a 4×4 step is ~µs).
pub(crate) const PARALLEL_MIN_SYSTEMS: usize = 48;

/// Whether per-bin work over `n` systems goes to rayon: enough systems and more than one
/// thread. With one thread a parallel loop called from outside the pool hands every call to
/// the pool's single worker and waits for it, two context switches per loop (≈ 25 % of a
/// one-thread 200-bin run); running it inline gives the same numbers without that.
pub(crate) fn parallel(n: usize) -> bool {
    n >= PARALLEL_MIN_SYSTEMS && rayon::current_num_threads() > 1
}

/// Runs `f(k, item)` for every system, in parallel when [`parallel`] says so.
pub(crate) fn per_system<T: Send, F: Fn(usize, &mut T) + Sync + Send>(items: &mut [T], f: F) {
    if parallel(items.len()) {
        items.par_iter_mut().enumerate().for_each(|(k, t)| f(k, t));
    } else {
        items.iter_mut().enumerate().for_each(|(k, t)| f(k, t));
    }
}

/// The radial dependence g(r) of the self-interaction strength.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Geometry {
    /// Single-angle bulb: g = D(r/R_ν) (docs/collective.md, "The model"); weights are μ₀ f(E) dE.
    Bulb { r_nu_km: f64 },
    /// A constant g (g = 1 for the bipolar pendulum of docs/collective.md, "The reference
    /// set-ups").
    Constant { g: f64 },
}

impl Geometry {
    /// g(r).
    pub fn g(&self, r_km: f64) -> f64 {
        match *self {
            Geometry::Bulb { r_nu_km } => bulb_d(r_km / r_nu_km),
            Geometry::Constant { g } => g,
        }
    }
}

/// The flavour-space potential matrix P = Σ_i (ρ_i,LL − ρ_i,RRᵀ) (N×N in the top-left of a 3×3).
pub type FlavourBlock = Matrix3<Complex64>;

/// All the bins' Hamiltonians and initial states: the coupled system to integrate.
pub struct CollectiveProblem<'a, const D: usize> {
    nature: Nature,
    flavours: usize,
    geometry: Geometry,
    medium: &'a dyn Medium,
    energies_mev: Vec<f64>,
    /// Index `bin * systems + system`.
    hamiltonians: Vec<EnergyHamiltonian<D>>,
    /// Diagonal of ρ at the start, same indexing (km⁻¹).
    initial_diagonal: Vec<[f64; D]>,
    /// Keep Tr(P) 1 in A (the Standard-Model direct term). Only for pitfall studies.
    trace_term: bool,
    /// The axes of the vacuum-axis lepton numbers (None without mixing).
    vacuum_axes: Option<VacuumAxes>,
    /// Per potential scalar: its term is a multiple of the identity on each helicity block of
    /// every system, so it leaves the vacuum-axis lepton numbers conserved.
    flavour_blind: [bool; N_SCALARS],
}

impl<'a, const D: usize> CollectiveProblem<'a, D> {
    /// A problem with explicit per-system initial diagonals (flavour basis, km⁻¹), indexed
    /// `bin * systems + system` (one system for Majorana; neutrino then antineutrino for Dirac).
    pub fn new(
        nature: Nature,
        mixing: &Mixing,
        moments: &Moments,
        medium: &'a dyn Medium,
        geometry: Geometry,
        energies_mev: &[f64],
        initial_diagonal: Vec<[f64; D]>,
    ) -> Result<Self, CollectiveError> {
        let flavours = mixing.flavours().count();
        if D != 2 * flavours {
            return Err(CollectiveError::Dimension { dim: D, flavours });
        }
        let bases: &[Basis] = match nature {
            Nature::Majorana => &[Basis::Majorana],
            Nature::Dirac => &[Basis::DiracNeutrino, Basis::DiracAntineutrino],
        };
        if initial_diagonal.len() != energies_mev.len() * bases.len() {
            return Err(CollectiveError::Input(format!(
                "{} initial states for {} bins × {} systems",
                initial_diagonal.len(),
                energies_mev.len(),
                bases.len()
            )));
        }
        if let Some(e) = energies_mev.iter().find(|e| !(e.is_finite() && **e > 0.0)) {
            return Err(CollectiveError::Input(format!(
                "bin energies must be finite and > 0 MeV, got {e}"
            )));
        }
        let mut hamiltonians = Vec::with_capacity(initial_diagonal.len());
        for &e in energies_mev {
            for &basis in bases {
                let model = Model::new(basis, mixing.clone(), moments.clone());
                hamiltonians.push(EnergyHamiltonian::<D>::new(&model, e * 1e6));
            }
        }
        let vacuum_axes = hamiltonians.first().and_then(|h| {
            let v = h.vacuum();
            VacuumAxes::new(
                &FlavourBlock::from_fn(|i, j| {
                    if i < flavours && j < flavours {
                        v[(i, j)]
                    } else {
                        Complex64::new(0.0, 0.0)
                    }
                }),
                flavours,
            )
        });
        let flavour_blind = std::array::from_fn(|k| {
            let mut unit = [0.0; N_SCALARS];
            unit[k] = 1.0;
            hamiltonians
                .iter()
                .all(|h| blockwise_identity(&h.slope_from_scalars(&unit)))
        });
        Ok(CollectiveProblem {
            nature,
            flavours,
            geometry,
            medium,
            energies_mev: energies_mev.to_vec(),
            hamiltonians,
            initial_diagonal,
            trace_term: true,
            vacuum_axes,
            flavour_blind,
        })
    }

    /// The same problem with the direct (trace) term of A dropped: A = P. Not the Standard
    /// Model when helicities mix (the trace-term pitfall of docs/collective.md, "The model"); for
    /// studying that pitfall only.
    pub fn without_trace_term(mut self) -> Self {
        self.trace_term = false;
        self
    }

    /// The bulb of docs/collective.md ("The model"): bins, emitted weights, g = D(r/R_ν). For Dirac
    /// the sterile blocks start empty.
    pub fn bulb(
        nature: Nature,
        mixing: &Mixing,
        moments: &Moments,
        medium: &'a dyn Medium,
        emission: &Emission,
        bins: &EnergyBins,
    ) -> Result<Self, CollectiveError> {
        let n = mixing.flavours().count();
        let w = emission.weights(bins);
        let diag = initial_diagonals::<D>(nature, n, &w);
        Self::new(
            nature,
            mixing,
            moments,
            medium,
            Geometry::Bulb {
                r_nu_km: emission.r_nu_km,
            },
            &bins.centres_mev,
            diag,
        )
    }

    /// Dirac or Majorana.
    pub fn nature(&self) -> Nature {
        self.nature
    }

    /// Number of flavours N.
    pub fn flavours(&self) -> usize {
        self.flavours
    }

    /// Systems per bin: 1 (Majorana) or 2 (Dirac).
    pub fn systems(&self) -> usize {
        match self.nature {
            Nature::Majorana => 1,
            Nature::Dirac => 2,
        }
    }

    /// Bin centres, MeV.
    pub fn energies_mev(&self) -> &[f64] {
        &self.energies_mev
    }

    /// Total number of density matrices (bins × systems).
    pub fn len(&self) -> usize {
        self.hamiltonians.len()
    }

    /// True when there are no bins.
    pub fn is_empty(&self) -> bool {
        self.hamiltonians.is_empty()
    }

    /// The geometry.
    pub fn geometry(&self) -> Geometry {
        self.geometry
    }

    /// ρ at the start: diag(emitted weights).
    pub fn initial_state(&self) -> Vec<CMat<D>> {
        self.initial_diagonal
            .iter()
            .map(|d| {
                CMat::<D>::from_diagonal(&nalgebra::SVector::<Complex64, D>::from_fn(|i, _| {
                    Complex64::new(d[i], 0.0)
                }))
            })
            .collect()
    }

    /// The emitted weights (diagonal of the initial ρ) per system.
    pub fn initial_diagonal(&self) -> &[[f64; D]] {
        &self.initial_diagonal
    }

    /// P = Σ_i (ρ_i,LL − ρ_i,RRᵀ) (Majorana) or Σ_i (ρ_i,AA − ρ̄_i,AAᵀ) (Dirac), as in H_νν
    /// (docs/collective.md, "The model").
    pub fn potential_matrix(&self, rho: &[CMat<D>]) -> FlavourBlock {
        let n = self.flavours;
        let mut p = FlavourBlock::zeros();
        match self.nature {
            Nature::Majorana => {
                for r in rho {
                    for a in 0..n {
                        for b in 0..n {
                            p[(a, b)] += r[(a, b)] - r[(n + b, n + a)];
                        }
                    }
                }
            }
            Nature::Dirac => {
                for pair in rho.chunks_exact(2) {
                    for a in 0..n {
                        for b in 0..n {
                            p[(a, b)] += pair[0][(a, b)] - pair[1][(b, a)];
                        }
                    }
                }
            }
        }
        p
    }

    /// Every system's H at `r_km` for the states `rho`, written into `out` (km⁻¹).
    pub fn hamiltonians(
        &self,
        r_km: f64,
        rho: &[CMat<D>],
        out: &mut [CMat<D>],
    ) -> Result<(), CollectiveError> {
        self.hamiltonians_checked(r_km, rho, out).map(|_| ())
    }

    /// The single-particle Hamiltonians, indexed like the states.
    pub(crate) fn single_particle(&self) -> &[EnergyHamiltonian<D>] {
        &self.hamiltonians
    }

    /// The medium.
    pub(crate) fn medium(&self) -> &'a dyn Medium {
        self.medium
    }

    /// The vacuum-axis lepton-number axes, when the mixing defines any.
    pub(crate) fn vacuum_axes(&self) -> Option<&VacuumAxes> {
        self.vacuum_axes.as_ref()
    }

    /// [`Self::hamiltonians`], also saying whether the single-particle terms at `r_km` keep
    /// the vacuum-axis lepton numbers (no matter flavour asymmetry, no helicity flip).
    pub(crate) fn hamiltonians_checked(
        &self,
        r_km: f64,
        rho: &[CMat<D>],
        out: &mut [CMat<D>],
    ) -> Result<bool, CollectiveError> {
        let point = self
            .medium
            .point(r_km, Side::Right)
            .map_err(|source| CollectiveError::Medium { r_km, source })?;
        let s = scalars(&point);
        let conserving = s
            .iter()
            .zip(&self.flavour_blind)
            .all(|(&x, &blind)| x == 0.0 || blind);
        let n = self.flavours;
        let p = self.potential_matrix(rho);
        let trace: Complex64 = if self.trace_term {
            (0..n).map(|a| p[(a, a)]).sum()
        } else {
            Complex64::new(0.0, 0.0)
        };
        let g = self.geometry.g(r_km);
        // A = P + Tr(P) 1 (docs/collective.md, "The model"), times g.
        let mut a = p;
        for k in 0..n {
            a[(k, k)] += trace;
        }
        let a = a * Complex64::new(g, 0.0);
        let systems = self.systems();
        let nature = self.nature;
        let build = |(k, (h, ham)): (usize, (&mut CMat<D>, &EnergyHamiltonian<D>))| {
            *h = ham.from_scalars(&s);
            let sys = k % systems;
            for i in 0..n {
                for j in 0..n {
                    match (nature, sys) {
                        (Nature::Majorana, _) => {
                            h[(i, j)] += a[(i, j)];
                            h[(n + i, n + j)] -= a[(j, i)];
                        }
                        (Nature::Dirac, 0) => h[(i, j)] += a[(i, j)],
                        (Nature::Dirac, _) => h[(i, j)] -= a[(j, i)],
                    }
                }
            }
        };
        if parallel(out.len()) {
            out.par_iter_mut()
                .zip(self.hamiltonians.par_iter())
                .enumerate()
                .for_each(build);
        } else {
            out.iter_mut()
                .zip(self.hamiltonians.iter())
                .enumerate()
                .for_each(build);
        }
        if out
            .iter()
            .any(|h| h.iter().any(|z| !(z.re.is_finite() && z.im.is_finite())))
        {
            return Err(CollectiveError::NonFinite { r_km });
        }
        Ok(conserving)
    }
}

/// True when `m` has no (L, R) coupling and each helicity block is a multiple of its identity.
fn blockwise_identity<const D: usize>(m: &CMat<D>) -> bool {
    let n = D / 2;
    (0..D).all(|i| {
        (0..D).all(|j| {
            let z = m[(i, j)];
            if i == j {
                let first = if i < n { m[(0, 0)] } else { m[(n, n)] };
                z == first
            } else {
                z.re == 0.0 && z.im == 0.0
            }
        })
    })
}

/// The initial diagonals of docs/collective.md ("The model"): Majorana (ν_e, ν_x.., ν̄_e, ν̄_x..)
/// per bin; Dirac (ν_e, ν_x.., 0..) then (ν̄_e, ν̄_x.., 0..).
pub fn initial_diagonals<const D: usize>(
    nature: Nature,
    flavours: usize,
    w: &BinWeights,
) -> Vec<[f64; D]> {
    let mut out = Vec::new();
    for i in 0..w.nu_e.len() {
        let nu = |k: usize| if k == 0 { w.nu_e[i] } else { w.nu_x[i] };
        let nubar = |k: usize| if k == 0 { w.nubar_e[i] } else { w.nubar_x[i] };
        match nature {
            Nature::Majorana => {
                let mut d = [0.0; D];
                for k in 0..flavours {
                    d[k] = nu(k);
                    d[flavours + k] = nubar(k);
                }
                out.push(d);
            }
            Nature::Dirac => {
                let mut d = [0.0; D];
                let mut dbar = [0.0; D];
                for k in 0..flavours {
                    d[k] = nu(k);
                    dbar[k] = nubar(k);
                }
                out.push(d);
                out.push(dbar);
            }
        }
    }
    out
}
