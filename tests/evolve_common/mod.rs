//! Shared helpers of the evolve tests: small analytic media with exact derivatives and
//! breakpoints (the real solar and supernova media live elsewhere), models, and comparisons.
#![allow(dead_code)]

use num_complex::Complex64;
use nuspin::evolve::{solve, Method, Record, Solution, SolverOptions};
use nuspin::hamiltonian::{MediumHamiltonian, PathHamiltonian};
use nuspin::medium::{MediumError, PresentQuantities, Side};
use nuspin::prelude::*;
use nuspin::units::{AVOGADRO, R_SUN_KM};

type Profile = dyn Fn(f64, Side) -> (MediumPoint, MediumPoint) + Send + Sync;

/// A medium from a closure giving the quantities and their x-derivatives.
pub struct FnMedium {
    pub profile: Box<Profile>,
    pub breaks: Vec<f64>,
    pub present: PresentQuantities,
    pub piecewise: bool,
}

impl Medium for FnMedium {
    fn point(&self, x_km: f64, side: Side) -> Result<MediumPoint, MediumError> {
        Ok((self.profile)(x_km, side).0)
    }
    fn point_and_slope(
        &self,
        x_km: f64,
        side: Side,
    ) -> Result<(MediumPoint, MediumPoint), MediumError> {
        Ok((self.profile)(x_km, side))
    }
    fn breakpoints(&self) -> Vec<f64> {
        self.breaks.clone()
    }
    fn present_quantities(&self) -> PresentQuantities {
        self.present
    }
    fn is_piecewise_constant(&self) -> bool {
        self.piecewise
    }
}

pub const MATTER: PresentQuantities = PresentQuantities {
    matter: true,
    b_par: false,
    b_perp: false,
    v_perp: false,
    pol: false,
};

pub const MATTER_B: PresentQuantities = PresentQuantities {
    b_perp: true,
    ..MATTER
};

/// Matter with n_e(x), n_e′(x), fixed Y_e, and a transverse field B⊥(x) with azimuth φ(x).
pub fn matter_point(
    ne: f64,
    dne: f64,
    ye: f64,
    b: (f64, f64),
    phi: (f64, f64),
) -> (MediumPoint, MediumPoint) {
    let r = (1.0 - ye) / ye;
    let p = MediumPoint {
        ne_cm3: ne,
        nn_cm3: ne * r,
        b_perp_gauss: b.0,
        b_phi_rad: phi.0,
        ..Default::default()
    };
    let d = MediumPoint {
        ne_cm3: dne,
        nn_cm3: dne * r,
        b_perp_gauss: b.1,
        b_phi_rad: phi.1,
        ..Default::default()
    };
    (p, d)
}

/// The exponential Sun of physics.md §8: n_e = 245 N_A exp(−10.54 r/R_sun), Y_e = 0.7, with a
/// uniform B⊥ = `b_gauss` whose azimuth twists at `twist_rad_per_km`.
pub fn exp_sun(b_gauss: f64, twist_rad_per_km: f64) -> FnMedium {
    FnMedium {
        profile: Box::new(move |r, _| {
            let k = 10.54 / R_SUN_KM;
            let ne = 245.0 * AVOGADRO * (-k * r).exp();
            matter_point(
                ne,
                -k * ne,
                0.7,
                (b_gauss, 0.0),
                (twist_rad_per_km * r, twist_rad_per_km),
            )
        }),
        breaks: vec![],
        present: if b_gauss != 0.0 { MATTER_B } else { MATTER },
        piecewise: false,
    }
}

/// The supernova envelope: ρ = 1e4 (1e4/r)³ g/cm³, Y_e 0.5, B⊥ = b0 (1e4/r)², and optionally
/// a sharp forward shock at `shock_km` with density ×`jump` behind it (r < r_s).
pub fn supernova(b0_gauss: f64, shock_km: Option<f64>, jump: f64) -> FnMedium {
    FnMedium {
        profile: Box::new(move |r, side| {
            let behind = match shock_km {
                Some(rs) => r < rs || (r == rs && side == Side::Left),
                None => false,
            };
            let factor = if behind { jump } else { 1.0 };
            let rho = 1e4 * (1e4 / r).powi(3) * factor;
            let ne = rho * 0.5 * AVOGADRO;
            let b = b0_gauss * (1e4 / r).powi(2);
            matter_point(ne, -3.0 * ne / r, 0.5, (b, -2.0 * b / r), (0.0, 0.0))
        }),
        breaks: shock_km.into_iter().collect(),
        present: if b0_gauss != 0.0 { MATTER_B } else { MATTER },
        piecewise: false,
    }
}

/// Moments with one flavour-basis magnetic entry (e.g. "e_mu"), μ_B.
pub fn moments(nature: Nature, mixing: &Mixing, key: &str, mu_b: f64) -> Moments {
    let input = MomentInput {
        basis: Some(MomentBasis::Flavour),
        magnetic_mu_b: vec![(key.to_string(), Complex64::new(mu_b, 0.0))],
        electric_mu_b: vec![],
    };
    Moments::new(&input, nature, mixing).expect("valid test moments")
}

/// Three flavours, NuFIT 5.2 NO, lightest mass 0.01 eV.
pub fn model3(basis: Basis, key_mu: Option<(&str, f64)>) -> Model {
    let mixing = Mixing::from_preset(Preset::Nufit52No, 0.01, &[]).expect("preset");
    let mom = match key_mu {
        Some((k, mu)) => moments(basis.nature(), &mixing, k, mu),
        None => Moments::zero(),
    };
    Model::new(basis, mixing, mom)
}

pub fn ham<'a, const D: usize>(
    model: &Model,
    e_mev: f64,
    medium: &'a FnMedium,
) -> MediumHamiltonian<'a, D> {
    MediumHamiltonian::new(EnergyHamiltonian::<D>::new(model, e_mev * 1e6), medium)
}

pub fn opts(method: Method, rtol: f64) -> SolverOptions {
    SolverOptions {
        method,
        rtol,
        atol: rtol,
        ..SolverOptions::default()
    }
}

pub fn run<const D: usize>(
    h: &dyn PathHamiltonian<D>,
    a: f64,
    b: f64,
    method: Method,
    rtol: f64,
) -> Solution<D> {
    solve(h, a, b, &Record::End, &opts(method, rtol)).expect("integration succeeds")
}

/// max over all (a, b) of |P_ab − P′_ab|.
pub fn max_dp<const D: usize>(s: &CMat<D>, t: &CMat<D>) -> f64 {
    let (p, q) = (probabilities(s), probabilities(t));
    let mut worst: f64 = 0.0;
    for a in 0..D {
        for b in 0..D {
            worst = worst.max((p[a][b] - q[a][b]).abs());
        }
    }
    worst
}

/// The last propagator of a solution.
pub fn last<const D: usize>(s: &Solution<D>) -> CMat<D> {
    *s.propagators.last().expect("at least one record")
}
