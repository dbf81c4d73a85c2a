//! Assembly of H for the three bases of docs/physics.md ("Basis"), term by term as its section "The
//! Hamiltonian" writes them (cited per block below).

use nalgebra::{SMatrix, Vector3};
use num_complex::Complex64;

use super::nsi::Nsi;
use super::potential::{idx, scalars, scalars_and_slopes, N_SCALARS};
use crate::basis::{Basis, Flavours};
use crate::medium::{MediumPoint, PresentQuantities};
use crate::mixing::{FlavourMatrix, Mixing};
use crate::moments::Moments;
use crate::units::{EV_TO_INV_KM, MU_B_EV_PER_GAUSS};

/// A D×D complex matrix (D = 2N = 4 or 6), the type of H and of propagators.
pub type CMat<const D: usize> = SMatrix<Complex64, D, D>;

/// The physics model: which basis, the mixing, the moments and the NSI.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub basis: Basis,
    pub mixing: Mixing,
    pub moments: Moments,
    /// Vector NSI in propagation ([`super::nsi`]); zero unless set by [`Model::with_nsi`].
    pub nsi: Nsi,
}

impl Model {
    /// A model; the moments must have been built for `basis.nature()` and this mixing.
    pub fn new(basis: Basis, mixing: Mixing, moments: Moments) -> Self {
        Model {
            basis,
            mixing,
            moments,
            nsi: Nsi::zero(),
        }
    }

    /// The model with NSI `nsi`. Media with a transverse flow or polarisation are not
    /// covered ([`Nsi::check_medium`]; the scenario validation rejects them).
    pub fn with_nsi(mut self, nsi: Nsi) -> Self {
        self.nsi = nsi;
        self
    }

    /// Number of flavours.
    pub fn flavours(&self) -> Flavours {
        self.mixing.flavours()
    }
}

/// H(E, x) = H₀ + Σ_k s_k(x) G_k at one energy, with the scalars s_k of
/// [`mod@super::potential`] (V_e, V_μ, B∥, B_c, f⊥_e, f⊥_μ split into real parts).
#[derive(Debug, Clone)]
pub struct EnergyHamiltonian<const D: usize> {
    energy_ev: f64,
    h0: CMat<D>,
    terms: [CMat<D>; N_SCALARS],
    /// The nonzero entries of the terms, (scalar k, column-major entry index, (G_k) entry),
    /// ordered by k: H is assembled from these alone (on a Sun only V_e and V_μ act, on three
    /// or six diagonal entries, while the terms span D² entries each).
    entries: Vec<(usize, usize, Complex64)>,
    /// Scalar k's entries are `entries[first[k]..first[k + 1]]` (a zero scalar skips them).
    first: [usize; N_SCALARS + 1],
    /// For each half of the basis (indices 0..D/2 and D/2..D): the entries of `entries`
    /// inside it, in the same order, as (k, column-major index within the half, entry): what
    /// [`Self::block_at_with_slope`] adds for a decoupled half, without filtering D² indices
    /// on every evaluation.
    halves: [Vec<(usize, usize, Complex64)>; 2],
    /// H₀ on each half, column-major N×N.
    halves_h0: [Vec<Complex64>; 2],
}

/// Flavour-space blocks of one term: AA, BB and the flip block BA (AB = BA†).
struct Blocks {
    aa: FlavourMatrix,
    bb: FlavourMatrix,
    ba: FlavourMatrix,
}

impl Blocks {
    fn zero() -> Self {
        Blocks {
            aa: FlavourMatrix::zeros(),
            bb: FlavourMatrix::zeros(),
            ba: FlavourMatrix::zeros(),
        }
    }
}

fn hermitian_part(x: &FlavourMatrix) -> FlavourMatrix {
    (x + x.adjoint()) * Complex64::new(0.5, 0.0)
}

fn real_diag(d: [f64; 3]) -> FlavourMatrix {
    FlavourMatrix::from_diagonal(&Vector3::new(
        Complex64::new(d[0], 0.0),
        Complex64::new(d[1], 0.0),
        Complex64::new(d[2], 0.0),
    ))
}

impl<const D: usize> EnergyHamiltonian<D> {
    /// Precomputes the constant matrices for energy `energy_ev` (eV).
    ///
    /// # Panics
    /// If D is not twice the model's number of flavours (a programming error: callers
    /// dispatch on [`Flavours`]).
    pub fn new(model: &Model, energy_ev: f64) -> Self {
        let n = model.flavours().count();
        assert_eq!(D, 2 * n, "EnergyHamiltonian<{D}> used for {n} flavours");
        let (h0, term_blocks) = blocks_for(model, energy_ev);
        let place = |b: &Blocks| {
            let mut m = CMat::<D>::zeros();
            for i in 0..n {
                for j in 0..n {
                    m[(i, j)] = b.aa[(i, j)];
                    m[(n + i, n + j)] = b.bb[(i, j)];
                    m[(n + i, j)] = b.ba[(i, j)];
                    m[(j, n + i)] = b.ba[(i, j)].conj();
                }
            }
            m * Complex64::new(EV_TO_INV_KM, 0.0)
        };
        let terms: [CMat<D>; N_SCALARS] = std::array::from_fn(|k| place(&term_blocks[k]));
        let entries = (0..N_SCALARS)
            .flat_map(|k| {
                let term = &terms[k];
                term.iter()
                    .enumerate()
                    .filter(|(_, z)| z.norm_sqr() > 0.0)
                    .map(move |(i, z)| (k, i, *z))
            })
            .collect::<Vec<_>>();
        let mut first = [0; N_SCALARS + 1];
        for (k, f) in first.iter_mut().enumerate() {
            *f = entries.partition_point(|e| e.0 < k);
        }
        let halves = [0, n].map(|offset| block_entries::<D>(&entries, (offset, n)));
        let h0 = place(&h0);
        let halves_h0 = [0, n].map(|offset| {
            (0..n * n)
                .map(|i| h0[(offset + i % n, offset + i / n)])
                .collect()
        });
        EnergyHamiltonian {
            energy_ev,
            h0,
            terms,
            entries,
            first,
            halves,
            halves_h0,
        }
    }

    /// The energy in eV.
    pub fn energy_ev(&self) -> f64 {
        self.energy_ev
    }

    /// The medium-independent part H₀ (vacuum), km⁻¹.
    pub fn vacuum(&self) -> &CMat<D> {
        &self.h0
    }

    /// H from the potential scalars.
    pub fn from_scalars(&self, s: &[f64; N_SCALARS]) -> CMat<D> {
        let mut h = self.h0;
        self.add_terms(&mut h, s);
        h
    }

    /// Σ_k s_k G_k without H₀: dH/dx from the scalars' slopes (H₀ is constant).
    pub fn slope_from_scalars(&self, ds: &[f64; N_SCALARS]) -> CMat<D> {
        let mut h = CMat::<D>::zeros();
        self.add_terms(&mut h, ds);
        h
    }

    /// h += Σ_k s_k G_k, in place, over the terms' nonzero entries only: a real scalar times
    /// each (the integrators evaluate H and H′ several times per table row, so no temporaries,
    /// no complex products and no zero entries here).
    fn add_terms(&self, h: &mut CMat<D>, s: &[f64; N_SCALARS]) {
        let flat = h.as_mut_slice();
        for (k, &d) in s.iter().enumerate() {
            if d != 0.0 {
                for &(_, i, t) in self.scalar_entries(k) {
                    flat[i].re += d * t.re;
                    flat[i].im += d * t.im;
                }
            }
        }
    }

    /// H at a medium point, km⁻¹.
    pub fn at(&self, point: &MediumPoint) -> CMat<D> {
        self.from_scalars(&scalars(point))
    }

    /// H and dH/dx at a medium point with slope `slope` (per km), both km⁻¹ (per km).
    pub fn at_with_slope(&self, point: &MediumPoint, slope: &MediumPoint) -> (CMat<D>, CMat<D>) {
        let (s, ds) = scalars_and_slopes(point, slope);
        (self.from_scalars(&s), self.slope_from_scalars(&ds))
    }

    /// [`Self::at_with_slope`] on the indices `block.0 .. block.0 + block.1` only, written
    /// column-major into `h` and `slope` (block.1² entries each): the integrators' hot path
    /// for a decoupled half of the basis, which needs neither the D×D matrices nor the
    /// other half's entries.
    pub fn block_at_with_slope(
        &self,
        point: &MediumPoint,
        slope: &MediumPoint,
        (offset, n): (usize, usize),
        h: &mut [Complex64],
        dh: &mut [Complex64],
    ) {
        let (s, ds) = scalars_and_slopes(point, slope);
        let is_half = 2 * n == D && (offset == 0 || offset == n);
        let which = usize::from(offset != 0);
        if is_half {
            h.copy_from_slice(&self.halves_h0[which]);
        } else {
            for c in 0..n {
                for r in 0..n {
                    h[c * n + r] = self.h0[(offset + r, offset + c)];
                }
            }
        }
        dh.fill(Complex64::new(0.0, 0.0));
        let other = (!is_half).then(|| block_entries::<D>(&self.entries, (offset, n)));
        let entries = other.as_deref().unwrap_or(&self.halves[which]);
        for &(k, j, t) in entries {
            for (out, d) in [(&mut *h, s[k]), (&mut *dh, ds[k])] {
                if d != 0.0 {
                    out[j].re += d * t.re;
                    out[j].im += d * t.im;
                }
            }
        }
    }

    /// The nonzero entries of scalar k's term.
    fn scalar_entries(&self, k: usize) -> &[(usize, usize, Complex64)] {
        &self.entries[self.first[k]..self.first[k + 1]]
    }

    /// Which entries of H can ever be nonzero for a medium with the given quantities: the
    /// exact zero pattern used to find decoupled blocks.
    pub fn coupling_pattern(&self, present: PresentQuantities) -> [[bool; D]; D] {
        let used = used_scalars(present);
        let mut pattern = [[false; D]; D];
        for (i, row) in pattern.iter_mut().enumerate() {
            for (j, p) in row.iter_mut().enumerate() {
                *p = i == j
                    || self.h0[(i, j)].norm_sqr() > 0.0
                    || (0..N_SCALARS).any(|k| used[k] && self.terms[k][(i, j)].norm_sqr() > 0.0);
            }
        }
        pattern
    }

    /// Which entries of H can change along a path through a medium with the given
    /// quantities: those of some scalar's term (H₀ is constant). A block none of whose entries
    /// varies (the right-handed half of a Dirac model without moments) is free streaming.
    pub fn varying_pattern(&self, present: PresentQuantities) -> [[bool; D]; D] {
        let used = used_scalars(present);
        std::array::from_fn(|i| {
            std::array::from_fn(|j| {
                (0..N_SCALARS).any(|k| used[k] && self.terms[k][(i, j)].norm_sqr() > 0.0)
            })
        })
    }
}

/// The entries (k, column-major index i of the D×D matrix, G_k entry) inside the block of
/// indices `offset .. offset + n`, as (k, column-major index within the block, entry), in
/// their order.
fn block_entries<const D: usize>(
    entries: &[(usize, usize, Complex64)],
    (offset, n): (usize, usize),
) -> Vec<(usize, usize, Complex64)> {
    let inside = offset..offset + n;
    entries
        .iter()
        .filter(|(_, i, _)| inside.contains(&(i % D)) && inside.contains(&(i / D)))
        .map(|&(k, i, t)| (k, (i / D - offset) * n + (i % D - offset), t))
        .collect()
}

/// The scalars that can be nonzero in a medium with the given quantities.
fn used_scalars(present: PresentQuantities) -> [bool; N_SCALARS] {
    let mut used = [false; N_SCALARS];
    used[idx::V_E] = present.matter || present.pol;
    used[idx::V_MU] = present.matter || present.pol;
    used[idx::B_PAR] = present.b_par;
    used[idx::B_C_RE] = present.b_perp;
    used[idx::B_C_IM] = present.b_perp;
    let transverse = (present.matter && present.v_perp) || present.pol;
    for k in [
        idx::FPERP_E_RE,
        idx::FPERP_E_IM,
        idx::FPERP_MU_RE,
        idx::FPERP_MU_IM,
    ] {
        used[k] = transverse;
    }
    used
}

/// The flavour-space blocks (in eV per unit scalar) of H₀ and of every scalar's term.
fn blocks_for(model: &Model, energy_ev: f64) -> (Blocks, [Blocks; N_SCALARS]) {
    let u = *model.mixing.pmns();
    let c = |x: f64| Complex64::new(x, 0.0);
    let two_e = 2.0 * energy_ev;
    let parts = Parts {
        u,
        u_conj: u.conjugate(),
        two_e,
        m2: real_diag(model.mixing.dm2_ev2()) / c(two_e),
        d: real_diag(model.mixing.masses_ev()),
        lam: model.moments.lambda() * c(MU_B_EV_PER_GAUSS),
        p_e: real_diag([1.0, 0.0, 0.0]),
        q_mu: real_diag([0.0, 1.0, 1.0]),
    };
    let mut h0 = Blocks::zero();
    let mut t: [Blocks; N_SCALARS] = std::array::from_fn(|_| Blocks::zero());
    match model.basis {
        Basis::DiracNeutrino => dirac_neutrino(&parts, &mut h0, &mut t),
        Basis::Majorana => majorana(&parts, &mut h0, &mut t),
        Basis::DiracAntineutrino => dirac_antineutrino(&parts, &mut h0, &mut t),
    }
    add_nsi(model, &mut t);
    (h0, t)
}

/// What every basis builds its blocks from, at one energy.
#[derive(Clone, Copy)]
struct Parts {
    /// The PMNS matrix and its complex conjugate.
    u: FlavourMatrix,
    u_conj: FlavourMatrix,
    /// 2E in eV.
    two_e: f64,
    /// diag(Δm²ᵢ₁)/2E, eV.
    m2: FlavourMatrix,
    /// diag(mᵢ), eV.
    d: FlavourMatrix,
    /// The moment matrix λ times μ_B in eV/G.
    lam: FlavourMatrix,
    /// Projectors on e and on μ, τ (the charged- and neutral-current potentials).
    p_e: FlavourMatrix,
    q_mu: FlavourMatrix,
}

/// A complex scalar c = c_r + i c_i multiplying the flip block BA = c·Y: Re → Y, Im → iY.
fn flip(t: &mut [Blocks; N_SCALARS], re: usize, im: usize, y: FlavourMatrix) {
    t[re].ba = y;
    t[im].ba = y * Complex64::i();
}

fn dirac_neutrino(parts: &Parts, h0: &mut Blocks, t: &mut [Blocks; N_SCALARS]) {
    let Parts {
        u,
        u_conj: _,
        two_e,
        m2,
        d,
        lam,
        p_e,
        q_mu,
    } = *parts;
    let c = |x: f64| Complex64::new(x, 0.0);
    // docs/physics.md, "The Hamiltonian", Dirac ν:
    // H_AA = U M² U† + V + U μ_B P₋ U†, H_BB = U M² U† − U μ_B P₊ U†,
    // H_BA = U [μ_B λ B_c − (m_i/2E) F_ij] U†, F = U† diag(f⊥) U.
    let vac = hermitian_part(&(u * m2 * u.adjoint()));
    h0.aa = vac;
    h0.bb = vac;
    t[idx::V_E].aa = p_e;
    t[idx::V_MU].aa = q_mu;
    let p_minus = (d * lam + lam.adjoint() * d) / c(two_e);
    let p_plus = (lam * d + d * lam.adjoint()) / c(two_e);
    t[idx::B_PAR].aa = hermitian_part(&(u * p_minus * u.adjoint()));
    t[idx::B_PAR].bb = -hermitian_part(&(u * p_plus * u.adjoint()));
    flip(t, idx::B_C_RE, idx::B_C_IM, u * lam * u.adjoint());
    // U D F U† / 2E = (U D U†) diag(f⊥) / 2E.
    let udu = u * d * u.adjoint();
    flip(t, idx::FPERP_E_RE, idx::FPERP_E_IM, -(udu * p_e) / c(two_e));
    flip(
        t,
        idx::FPERP_MU_RE,
        idx::FPERP_MU_IM,
        -(udu * q_mu) / c(two_e),
    );
}

fn majorana(parts: &Parts, h0: &mut Blocks, t: &mut [Blocks; N_SCALARS]) {
    let Parts {
        u,
        u_conj,
        two_e,
        m2,
        d,
        lam,
        p_e,
        q_mu,
    } = *parts;
    let c = |x: f64| Complex64::new(x, 0.0);
    // docs/physics.md, "The Hamiltonian", Majorana:
    // H_AA = U M² U† + V + U μ_B P₋ U†, H_BB = U* M² Uᵀ − V − U* μ_B P₊ Uᵀ,
    // H_BA = U* [μ_B λ B_c − (m_i F_ij + m_j F_ji)/2E] U†.
    h0.aa = hermitian_part(&(u * m2 * u.adjoint()));
    h0.bb = hermitian_part(&(u_conj * m2 * u.transpose()));
    t[idx::V_E].aa = p_e;
    t[idx::V_E].bb = -p_e;
    t[idx::V_MU].aa = q_mu;
    t[idx::V_MU].bb = -q_mu;
    let p_minus = (d * lam + lam.adjoint() * d) / c(two_e);
    let p_plus = (lam * d + d * lam.adjoint()) / c(two_e);
    t[idx::B_PAR].aa = hermitian_part(&(u * p_minus * u.adjoint()));
    t[idx::B_PAR].bb = -hermitian_part(&(u_conj * p_plus * u.transpose()));
    flip(t, idx::B_C_RE, idx::B_C_IM, u_conj * lam * u.adjoint());
    // U*(D F + Fᵀ D)U† with F = U† P U: (m̃ P + P m̃), m̃ = U* D U† the Majorana mass matrix.
    let m_tilde = u_conj * d * u.adjoint();
    for (p, re, im) in [
        (p_e, idx::FPERP_E_RE, idx::FPERP_E_IM),
        (q_mu, idx::FPERP_MU_RE, idx::FPERP_MU_IM),
    ] {
        flip(t, re, im, -(m_tilde * p + p * m_tilde) / c(two_e));
    }
}

fn dirac_antineutrino(parts: &Parts, h0: &mut Blocks, t: &mut [Blocks; N_SCALARS]) {
    let Parts {
        u,
        u_conj,
        two_e,
        m2,
        d,
        lam,
        p_e,
        q_mu,
    } = *parts;
    let c = |x: f64| Complex64::new(x, 0.0);
    // docs/physics.md, "The Hamiltonian", Dirac ν̄: m̄ = U* D Uᵀ (Hermitian), μ̄ = −(U λ U†)ᵀ,
    // H_AA = m̄m̄†/2E − V − μ_B(m̄μ̄† + μ̄m̄†)B∥/2E, H_BB = m̄†m̄/2E + μ_B(m̄†μ̄ + μ̄†m̄)B∥/2E,
    // H_AB = μ_B μ̄ B_c − diag(f⊥) m̄/2E. m̄m̄† = U* D² Uᵀ; its common m₁² is dropped.
    let vac = hermitian_part(&(u_conj * m2 * u.transpose()));
    h0.aa = vac;
    h0.bb = vac;
    t[idx::V_E].aa = -p_e;
    t[idx::V_MU].aa = -q_mu;
    let m_bar = u_conj * d * u.transpose();
    let mu_bar = -(u * lam * u.adjoint()).transpose();
    t[idx::B_PAR].aa =
        -hermitian_part(&(m_bar * mu_bar.adjoint() + mu_bar * m_bar.adjoint())) / c(two_e);
    t[idx::B_PAR].bb =
        hermitian_part(&(m_bar.adjoint() * mu_bar + mu_bar.adjoint() * m_bar)) / c(two_e);
    // H_AB = c X ⇒ H_BA = c̄ X†: Re → X†, Im → −i X†.
    let flip_ab = |t: &mut [Blocks; N_SCALARS], re: usize, im: usize, x: FlavourMatrix| {
        t[re].ba = x.adjoint();
        t[im].ba = -(x.adjoint() * Complex64::i());
    };
    flip_ab(t, idx::B_C_RE, idx::B_C_IM, mu_bar);
    flip_ab(
        t,
        idx::FPERP_E_RE,
        idx::FPERP_E_IM,
        -(p_e * m_bar) / c(two_e),
    );
    flip_ab(
        t,
        idx::FPERP_MU_RE,
        idx::FPERP_MU_IM,
        -(q_mu * m_bar) / c(two_e),
    );
}

/// V_NSI on the blocks where the Standard Model vector potential acts ([`super::nsi`]).
fn add_nsi(model: &Model, t: &mut [Blocks; N_SCALARS]) {
    if model.nsi.is_zero() {
        return;
    }
    let (ve, vmu) = model.nsi.v_terms();
    match model.basis {
        Basis::DiracNeutrino => {
            t[idx::V_E].aa += ve;
            t[idx::V_MU].aa += vmu;
        }
        Basis::Majorana => {
            t[idx::V_E].aa += ve;
            t[idx::V_MU].aa += vmu;
            t[idx::V_E].bb -= ve.conjugate();
            t[idx::V_MU].bb -= vmu.conjugate();
        }
        Basis::DiracAntineutrino => {
            t[idx::V_E].aa -= ve.conjugate();
            t[idx::V_MU].aa -= vmu.conjugate();
        }
    }
}
