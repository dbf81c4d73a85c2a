//! Shared set-ups of the collective tests: the bipolar pendulum of docs/collective.md ("The
//! reference set-ups") and its exact solution, the reference bulb (from `nuspin::reference::bulb`),
//! polarisation vectors.
#![allow(dead_code)]
// Each test binary uses a different subset of the re-exported reference problems.
#![allow(unused_imports)]

use nuspin::basis::Nature;
use nuspin::collective::{CollectiveProblem, Emission, EnergyBins, Geometry};
use nuspin::hamiltonian::CMat;
use nuspin::medium::ConstantMedium;
use nuspin::mixing::{Mixing, OscillationParams, TwoFlavourParams};
use nuspin::moments::Moments;
use nuspin::units::EV_TO_INV_KM;

pub type V3 = [f64; 3];

/// The bulb of docs/collective.md ("The reference set-ups") (emission, inverted two-flavour mixing,
/// vacuum): the library's reference problem.
pub use nuspin::reference::bulb::{emission as bulb_emission, mixing as bulb_mixing, vacuum};

/// The reference bulb at a tenth of the luminosity: the same physics with ten times slower
/// collective precession near R_ν, so that the default suite stays fast.
pub fn dim_emission() -> Emission {
    let mut e = bulb_emission();
    for s in [&mut e.nu_e, &mut e.nubar_e, &mut e.nu_x, &mut e.nubar_x] {
        s.luminosity_erg_s = 1e50;
    }
    e
}

/// Two flavours with mixing angle `theta_rad` and Δm² chosen so that ω = Δm²/2E equals
/// `omega_inv_km` at E = 1 MeV.
pub fn mixing_for_omega(theta_rad: f64, omega_inv_km: f64) -> Mixing {
    let dm2 = omega_inv_km * 2.0 * 1e6 / EV_TO_INV_KM;
    Mixing::new(
        OscillationParams::Two(TwoFlavourParams {
            theta_deg: theta_rad.to_degrees(),
            dm2_ev2: dm2,
        }),
        0.0,
        &[],
    )
    .unwrap()
}

/// The pendulum: one 1-MeV bin, g = 1, ρ(0) = diag(μ, 0, αμ, 0), ω = −1 km⁻¹, θ.
pub fn pendulum<'a>(
    medium: &'a ConstantMedium,
    mixing: &Mixing,
    mu: f64,
    alpha: f64,
) -> CollectiveProblem<'a, 4> {
    CollectiveProblem::<4>::new(
        Nature::Majorana,
        mixing,
        &Moments::zero(),
        medium,
        Geometry::Constant { g: 1.0 },
        &[1.0],
        vec![[mu, 0.0, alpha * mu, 0.0]],
    )
    .unwrap()
}

/// Polarisation vector of a 2×2 block at offset `o` divided by `norm`, mirrored in y when
/// `mirror` (HRSW's P̄ from ρ_RR in the amplitude convention).
pub fn pol(rho: &CMat<4>, o: usize, norm: f64, mirror: bool) -> V3 {
    let y = -2.0 * rho[(o, o + 1)].im / norm;
    [
        2.0 * rho[(o, o + 1)].re / norm,
        if mirror { -y } else { y },
        (rho[(o, o)].re - rho[(o + 1, o + 1)].re) / norm,
    ]
}

pub fn dot(a: V3, b: V3) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

pub fn cross(a: V3, b: V3) -> V3 {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

/// Complete elliptic integral K(m), parameter m = k², by the arithmetic–geometric mean.
pub fn ellip_k(m: f64) -> f64 {
    let (mut a, mut b) = (1.0f64, (1.0 - m).sqrt());
    for _ in 0..60 {
        let (an, bn) = (0.5 * (a + b), (a * b).sqrt());
        a = an;
        b = bn;
        if (a - b).abs() < 1e-17 {
            break;
        }
    }
    std::f64::consts::PI / (2.0 * a)
}

/// The exact pendulum of docs/collective.md ("The reference set-ups") (from HRSW's S, D): period
/// and min P·B, for initial P, P̄ (|P| = 1 units), ω = |ω|, μ, B.
pub struct PendulumExact {
    pub period: f64,
    pub min_p_dot_b: f64,
    pub roots: [f64; 3],
}

pub fn pendulum_exact(p: V3, pbar: V3, omega: f64, mu: f64, b: V3) -> PendulumExact {
    let s: V3 = std::array::from_fn(|i| p[i] + pbar[i]);
    let d: V3 = std::array::from_fn(|i| p[i] - pbar[i]);
    let q_vec: V3 = std::array::from_fn(|i| s[i] - omega / mu * b[i]);
    let q0 = dot(q_vec, q_vec).sqrt();
    let q: V3 = std::array::from_fn(|i| q_vec[i] / q0);
    let sigma = dot(d, q);
    let db = dot(d, b);
    let energy = mu * dot(d, d) / 2.0 + omega * dot(b, q_vec);
    let a = 2.0 * mu * energy - mu * mu * sigma * sigma;
    let bb = 2.0 * mu * omega * q0;
    // f(c) = (1 − c²)(a − bb c) − μ²(db − σ c)² = −[bb c³ + c2 c² + c1 c + c0] ... expand:
    // f = bb c³ − (a + μ²σ²) c² + (2μ² db σ − bb) c + (a − μ² db²).
    let coef = [
        a - mu * mu * db * db,
        2.0 * mu * mu * db * sigma - bb,
        -(a + mu * mu * sigma * sigma),
        bb,
    ];
    let f = |c: f64| ((coef[3] * c + coef[2]) * c + coef[1]) * c + coef[0];
    let df = |c: f64| (3.0 * coef[3] * c + 2.0 * coef[2]) * c + coef[1];
    // Trigonometric roots of the monic cubic, then Newton polish.
    let (a2, a1, a0) = (coef[2] / coef[3], coef[1] / coef[3], coef[0] / coef[3]);
    let qq = (3.0 * a1 - a2 * a2) / 9.0;
    let rr = (9.0 * a2 * a1 - 27.0 * a0 - 2.0 * a2 * a2 * a2) / 54.0;
    let theta = (rr / (-qq * qq * qq).sqrt()).clamp(-1.0, 1.0).acos();
    let mut roots: [f64; 3] = std::array::from_fn(|k| {
        2.0 * (-qq).sqrt() * ((theta + 2.0 * std::f64::consts::PI * k as f64) / 3.0).cos()
            - a2 / 3.0
    });
    for r in roots.iter_mut() {
        for _ in 0..5 {
            let d = df(*r);
            if d != 0.0 {
                *r -= f(*r) / d;
            }
        }
    }
    roots.sort_by(f64::total_cmp);
    let [c1, c2, c3] = roots;
    let k2 = (c2 - c1) / (c3 - c1);
    PendulumExact {
        period: 4.0 * ellip_k(k2) / (bb * (c3 - c1)).sqrt(),
        min_p_dot_b: (q0 * c1 + omega / mu + db) / 2.0,
        roots,
    }
}

/// The Majorana flavour-only bulb (no moment) of `emission` over `bins` on `medium`.
pub fn majorana_bulb<'a>(
    medium: &'a ConstantMedium,
    mixing: &Mixing,
    emission: &Emission,
    bins: &EnergyBins,
) -> CollectiveProblem<'a, 4> {
    CollectiveProblem::<4>::bulb(
        Nature::Majorana,
        mixing,
        &Moments::zero(),
        medium,
        emission,
        bins,
    )
    .unwrap()
}

pub fn bins(count: usize, e_max_mev: f64) -> EnergyBins {
    EnergyBins::uniform(count, e_max_mev)
}
