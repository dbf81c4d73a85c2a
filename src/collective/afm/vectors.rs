//! The polarisation-vector form of a two-flavour Majorana problem without helicity flip:
//! per bin the ν (Bloch vector of ρ_LL, field 2 vec(H_LL)) and the ν̄ (minus the Bloch vector
//! of ρ_RRᵀ, field 2 vec(−H_RRᵀ)); both see the self-interaction as g d with d = Σ v, so every
//! field is ε_s b + Λ(r) + g d when the vacuum fields are parallel and the matter fields are
//! the same for all (checked here from the Hamiltonians' constant matrices). A medium term the
//! form cannot hold (one that couples the helicities, or a moment's B∥ term, which differs
//! between ν and ν̄ and between bins) does not make the form inapplicable: it must be zero
//! where AFM steps, and where it is not the driver hands over to CF4. Rotations of the
//! vectors map back to SU(2) blocks of Ψ (ν̄: the complex conjugate), so ρ = U ρ₀ U† exactly.

use nalgebra::{Matrix2, UnitQuaternion};
use num_complex::Complex64;

use super::quad::V3;
use super::step::{CommonField, StepFailure};
use crate::basis::Nature;
use crate::collective::kernels::{conjugate, mul_blocks};
use crate::collective::lie::CollectiveState;
use crate::collective::system::{CollectiveProblem, Geometry};
use crate::hamiltonian::potential::scalars;
use crate::hamiltonian::{CMat, N_SCALARS};
use crate::medium::{Medium, Side};

/// ν field of a 4×4 H: 2 vec(H_LL).
fn field_nu<const D: usize>(h: &CMat<D>) -> V3 {
    let z = h[(0, 1)];
    V3::new(2.0 * z.re, -2.0 * z.im, (h[(0, 0)] - h[(1, 1)]).re)
}

/// ν̄ field: 2 vec(−H_RRᵀ).
fn field_nubar<const D: usize>(h: &CMat<D>) -> V3 {
    let z = h[(2, 3)];
    V3::new(-2.0 * z.re, -2.0 * z.im, -(h[(2, 2)] - h[(3, 3)]).re)
}

fn has_flip<const D: usize>(h: &CMat<D>) -> bool {
    (0..2).any(|i| (2..4).any(|j| h[(i, j)].norm() > 0.0 || h[(j, i)].norm() > 0.0))
}

/// The matter field Λ(r) = Σ_k s_k(r) m_k and g(r).
pub(crate) struct Field<'m> {
    geometry: Geometry,
    medium: &'m dyn Medium,
    per_scalar: [V3; N_SCALARS],
    any: bool,
    /// Scalars whose term the vector form cannot hold (must be zero where AFM runs): it
    /// couples the helicities, or its ν and ν̄ fields differ or vary between bins.
    excluded: [bool; N_SCALARS],
}

impl CommonField for Field<'_> {
    fn g(&self, r_km: f64) -> f64 {
        self.geometry.g(r_km)
    }

    fn common(&self, r_km: f64) -> Result<V3, StepFailure> {
        if !self.any && !self.excluded.iter().any(|&f| f) {
            return Ok(V3::zeros());
        }
        let p = self
            .medium
            .point(r_km, Side::Right)
            .map_err(|_| StepFailure::NonFinite)?;
        let s = scalars(&p);
        if (0..N_SCALARS).any(|k| self.excluded[k] && s[k] != 0.0) {
            return Err(StepFailure::Flip);
        }
        Ok((0..N_SCALARS).map(|k| self.per_scalar[k] * s[k]).sum())
    }
}

/// The reduced problem: per vector (ν then ν̄ of each bin) ε and the trace weight.
pub(crate) struct VectorForm<'m> {
    pub eps: Vec<f64>,
    pub trace: Vec<f64>,
    pub b: V3,
    pub field: Field<'m>,
}

impl<'m> VectorForm<'m> {
    /// The form of `problem`, or why it does not have it.
    pub(crate) fn new<const D: usize>(
        problem: &CollectiveProblem<'m, D>,
    ) -> Result<Self, &'static str> {
        if D != 4 || problem.flavours() != 2 {
            return Err("three flavours");
        }
        if problem.nature() != Nature::Majorana {
            return Err("Dirac neutrinos");
        }
        let hams = problem.single_particle();
        let Some(first) = hams.first() else {
            return Err("no bins");
        };
        let unit = |k: usize| {
            let mut u = [0.0; N_SCALARS];
            u[k] = 1.0;
            u
        };
        if hams.iter().any(|h| has_flip(h.vacuum())) {
            return Err("a helicity-flip term in vacuum");
        }
        let flips: [bool; N_SCALARS] = std::array::from_fn(|k| {
            hams.iter()
                .any(|h| has_flip(&h.slope_from_scalars(&unit(k))))
        });
        let b0 = field_nu(first.vacuum());
        if b0.norm().is_nan() || b0.norm() <= 0.0 {
            return Err("no vacuum term");
        }
        let b = b0.normalize();
        let mut eps = Vec::with_capacity(2 * hams.len());
        for h in hams {
            for f in [field_nu(h.vacuum()), field_nubar(h.vacuum())] {
                let e = f.dot(&b);
                if (f - b * e).norm() > 1e-12 * f.norm() {
                    return Err("vacuum axes that differ between ν and ν̄");
                }
                eps.push(e);
            }
        }
        let mut per_scalar: [V3; N_SCALARS] =
            std::array::from_fn(|k| field_nu(&first.slope_from_scalars(&unit(k))));
        // A term whose field differs between ν and ν̄ or between bins — with a moment, the B∥
        // terms μ_B(Dλ + λ†D)B∥/2E — is excluded like a flip term, not refused: it is zero
        // wherever B∥ is (a transverse field), and AFM must not be refused for a moment that
        // the medium never switches on (until stop 31 any moment made "afm" an error, naming
        // "a matter term that differs between ν and ν̄").
        let mut excluded = flips;
        for k in (0..N_SCALARS).filter(|&k| !flips[k]) {
            let differs = hams.iter().any(|h| {
                let m = h.slope_from_scalars(&unit(k));
                [field_nu(&m), field_nubar(&m)].iter().any(|f| {
                    (f - per_scalar[k]).norm() > 1e-12 * per_scalar[k].norm().max(f.norm())
                })
            });
            if differs {
                excluded[k] = true;
                per_scalar[k] = V3::zeros();
            }
        }
        let trace = problem
            .initial_diagonal()
            .iter()
            .flat_map(|d| [d[0] + d[1], d[2] + d[3]])
            .collect();
        Ok(VectorForm {
            eps,
            trace,
            b,
            field: Field {
                geometry: problem.geometry(),
                medium: problem.medium(),
                any: per_scalar.iter().any(|m| m.norm() > 0.0),
                per_scalar,
                excluded,
            },
        })
    }
}

/// The vectors of states ρ (ν then ν̄ per bin).
pub(crate) fn reduce<const D: usize>(rho: &[CMat<D>]) -> Vec<V3> {
    rho.iter()
        .flat_map(|r| {
            let nu = V3::new(
                2.0 * r[(0, 1)].re,
                -2.0 * r[(0, 1)].im,
                (r[(0, 0)] - r[(1, 1)]).re,
            );
            let z = r[(3, 2)];
            let bar = -V3::new(2.0 * z.re, -2.0 * z.im, (r[(2, 2)] - r[(3, 3)]).re);
            [nu, bar]
        })
        .collect()
}

/// The SU(2) matrix of a rotation of Bloch vectors.
fn su2(q: &UnitQuaternion<f64>) -> Matrix2<Complex64> {
    let c = q.quaternion().coords;
    let (x, y, z, w) = (c[0], c[1], c[2], c[3]);
    Matrix2::new(
        Complex64::new(w, -z),
        Complex64::new(-y, -x),
        Complex64::new(y, -x),
        Complex64::new(w, z),
    )
}

/// The state at `r_km` from `start` and every vector's rotation since: ρ = U ρ₀ U†, Ψ = U Ψ₀
/// with U = blockdiag(su2(q_ν), conj su2(q_ν̄)) (each block up to a phase, which no
/// probability sees).
pub(crate) fn state_from<const D: usize>(
    start: &CollectiveState<D>,
    acc: &[UnitQuaternion<f64>],
    r_km: f64,
) -> CollectiveState<D> {
    let mut rho = Vec::with_capacity(start.rho.len());
    let mut psi = Vec::with_capacity(start.rho.len());
    for (k, (r0, p0)) in start.rho.iter().zip(&start.psi).enumerate() {
        let (a, b) = (su2(&acc[2 * k]), su2(&acc[2 * k + 1]));
        let mut u = CMat::<D>::zeros();
        for i in 0..2 {
            for j in 0..2 {
                u[(i, j)] = a[(i, j)];
                u[(2 + i, 2 + j)] = b[(i, j)].conj();
            }
        }
        rho.push(conjugate(&u, r0));
        psi.push(mul_blocks(&u, p0));
    }
    CollectiveState { r_km, rho, psi }
}
