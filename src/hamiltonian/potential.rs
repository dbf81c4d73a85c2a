//! The effective 4-potential f^μ_α of docs/physics.md ("Matter as an effective 4-potential"),
//! reduced to the scalars the Hamiltonian is linear in: the active-neutrino potentials
//! V_α = f⁰_α − f∥_α, the transverse potentials f⊥_α = f_x − i f_y, the field along the path B∥
//! and the complex transverse field B_c = B⊥ e^{−iφ_B}.
//!
//! μ and τ feel the same potential, so two flavours (e, μ) describe all of matter.

use num_complex::Complex64;

use super::dual::{Dual, Real};
use crate::medium::MediumPoint;
use crate::units::{density_cm3_to_ev3, sqrt2_gf_ev2};

/// The real scalars multiplying the Hamiltonian's constant matrices, in this order:
/// V_e, V_μ (eV), B∥ (G), Re B_c, Im B_c (G), Re f⊥_e, Im f⊥_e, Re f⊥_μ, Im f⊥_μ (eV).
pub const N_SCALARS: usize = 9;

/// Indices into the scalar array.
pub mod idx {
    pub const V_E: usize = 0;
    pub const V_MU: usize = 1;
    pub const B_PAR: usize = 2;
    pub const B_C_RE: usize = 3;
    pub const B_C_IM: usize = 4;
    pub const FPERP_E_RE: usize = 5;
    pub const FPERP_E_IM: usize = 6;
    pub const FPERP_MU_RE: usize = 7;
    pub const FPERP_MU_IM: usize = 8;
}

/// The potential of one point in named form (eV and G).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Potential {
    /// f⁰_e − f∥_e, eV.
    pub v_e: f64,
    /// f⁰_μ − f∥_μ (= τ), eV.
    pub v_mu: f64,
    /// f⊥_e = f_x − i f_y, eV.
    pub fperp_e: Complex64,
    /// f⊥_μ (= τ), eV.
    pub fperp_mu: Complex64,
    /// B∥, G.
    pub b_par_gauss: f64,
    /// B_c = B⊥ e^{−iφ_B}, G.
    pub b_c_gauss: Complex64,
}

impl Potential {
    /// The scalars in [`idx`] order.
    pub fn scalars(&self) -> [f64; N_SCALARS] {
        [
            self.v_e,
            self.v_mu,
            self.b_par_gauss,
            self.b_c_gauss.re,
            self.b_c_gauss.im,
            self.fperp_e.re,
            self.fperp_e.im,
            self.fperp_mu.re,
            self.fperp_mu.im,
        ]
    }
}

/// The potential at a medium point (docs/physics.md, "Matter as an effective 4-potential").
pub fn potential(p: &MediumPoint) -> Potential {
    let s = scalars_generic::<f64>(&p.values());
    Potential {
        v_e: s[0],
        v_mu: s[1],
        b_par_gauss: s[2],
        b_c_gauss: Complex64::new(s[3], s[4]),
        fperp_e: Complex64::new(s[5], s[6]),
        fperp_mu: Complex64::new(s[7], s[8]),
    }
}

/// The scalars at a point and their x-derivatives, given the point's slope d/dx.
pub fn scalars_and_slopes(
    p: &MediumPoint,
    slope: &MediumPoint,
) -> ([f64; N_SCALARS], [f64; N_SCALARS]) {
    let (v, d) = (p.values(), slope.values());
    if v[2..].iter().chain(&d[2..]).all(|x| *x == 0.0) {
        return matter_at_rest(v[0], v[1], d[0], d[1]);
    }
    let duals: [Dual; 11] = std::array::from_fn(|i| Dual::new(v[i], d[i]));
    let s = scalars_generic::<Dual>(&duals);
    (s.map(|x| x.v), s.map(|x| x.d))
}

/// [`scalars_and_slopes`] of unpolarised matter at rest without a field (a Sun, the Earth,
/// a supernova without flow), where only V_e = √2G_F(n_e − n_n/2) and V_μ = −√2G_F n_n/2
/// act: the general form's arithmetic with γ = 1 and every other scalar zero, the same
/// numbers without its dual-number trigonometry (the integrators evaluate this several
/// times per table row).
fn matter_at_rest(ne: f64, nn: f64, dne: f64, dnn: f64) -> ([f64; N_SCALARS], [f64; N_SCALARS]) {
    let to_ev = sqrt2_gf_ev2() * density_cm3_to_ev3(1.0);
    let (ne_ev, nn_ev) = (ne * to_ev, nn * to_ev);
    let (dne_ev, dnn_ev) = (dne * to_ev, dnn * to_ev);
    let mut s = [0.0; N_SCALARS];
    let mut ds = [0.0; N_SCALARS];
    s[idx::V_E] = ne_ev - nn_ev * 0.5;
    s[idx::V_MU] = -(nn_ev * 0.5);
    ds[idx::V_E] = dne_ev - dnn_ev * 0.5;
    ds[idx::V_MU] = -(dnn_ev * 0.5);
    (s, ds)
}

/// The scalars at a point.
pub fn scalars(p: &MediumPoint) -> [f64; N_SCALARS] {
    scalars_generic::<f64>(&p.values())
}

/// 1 − v∥² − v⊥² to about 1e-32 absolute, with error-free products and sums (double-double):
/// in an oblique ultra-relativistic flow it is the difference of numbers of order 1, and the
/// plain (1 − v∥)(1 + v∥) − v⊥² keeps only ~1e-16 of it absolutely, e.g. γ off by 0.7 % at
/// 1 − v² = 1e-14 (found by `scripts/reference_constant.py --random`).
pub(crate) fn one_minus_v2_f64(v_par: f64, v_perp: f64) -> f64 {
    // a + b = s + e exactly (Knuth's two-sum).
    let two_sum = |a: f64, b: f64| {
        let s = a + b;
        let bb = s - a;
        (s, (a - (s - bb)) + (b - bb))
    };
    let (p1, e1) = (v_par * v_par, v_par.mul_add(v_par, -(v_par * v_par)));
    let (p2, e2) = (v_perp * v_perp, v_perp.mul_add(v_perp, -(v_perp * v_perp)));
    let (s1, es1) = two_sum(1.0, -p1);
    let (s2, es2) = two_sum(s1, -p2);
    s2 + (es1 + es2 - e1 - e2)
}

/// docs/physics.md ("Matter as an effective 4-potential") for one point, written once for values
/// and dual numbers.
///
/// With N_α = Σ_f g_V^{fα} n_f (N_e = n_e − n_n/2, N_μ = −n_n/2 in neutral matter), the
/// vector part is √2G_F N_α u^μ and the axial part −√2G_F g_A^α λ^μ. Two combinations are
/// rewritten to avoid cancellation for ultra-relativistic flows:
///   γ(1 − v∥) from 1 − v² ([`one_minus_v2_f64`]), and
///   λ⁰ − λ∥ = n_e [ζ∥(k v⊥² − γ(1 − v∥)) + (ζ⊥·v⊥) γ(1 + γ(1 − v∥))/(γ + 1)], k = γ²/(γ+1),
/// which is the definition λ^μ = n_e(γ ζ·v, ζ + k (ζ·v) v) with 1 = γ²(1 − v²) used.
fn scalars_generic<T: Real>(q: &[T; 11]) -> [T; N_SCALARS] {
    let c = |x: f64| T::from_f64(x);
    let [ne, nn, b_par, b_perp, b_phi, v_par, v_perp, v_phi, z_par, z_perp, z_phi] = *q;
    let to_ev = c(sqrt2_gf_ev2() * density_cm3_to_ev3(1.0));
    let ne_ev = ne * to_ev;
    let nn_ev = nn * to_ev;
    let n_vec_e = ne_ev - nn_ev * c(0.5);
    let n_vec_mu = -(nn_ev * c(0.5));
    let (g_a_e, g_a_mu) = (c(0.5), c(-0.5));

    let one = c(1.0);
    let one_minus_vpar = one - v_par;
    let one_minus_v2_plain = one_minus_vpar * (one + v_par) - v_perp * v_perp;
    // Its value to full precision (the slope, if any, stays the plain one's).
    let one_minus_v2 = one_minus_v2_plain
        + c(one_minus_v2_f64(v_par.value(), v_perp.value()) - one_minus_v2_plain.value());
    let gamma = one / one_minus_v2.sqrt();
    let gamma_1mv = gamma * one_minus_vpar;
    let k = gamma * gamma / (gamma + one);
    let (vx, vy) = (v_perp * v_phi.cos(), v_perp * v_phi.sin());
    let (zx, zy) = (z_perp * z_phi.cos(), z_perp * z_phi.sin());
    let zeta_dot_v = z_par * v_par + zx * vx + zy * vy;
    let zt_dot_vt = zx * vx + zy * vy;

    // Axial 4-vector λ^μ (n_e included): time minus parallel component, and transverse x, y.
    let lam_0_minus_par = ne_ev
        * (z_par * (k * v_perp * v_perp - gamma_1mv)
            + zt_dot_vt * gamma * (one + gamma_1mv) / (gamma + one));
    let lam_x = ne_ev * (zx + k * zeta_dot_v * vx);
    let lam_y = ne_ev * (zy + k * zeta_dot_v * vy);

    let v_of = |n_vec: T, g_a: T| n_vec * gamma_1mv - g_a * lam_0_minus_par;
    // f⊥ = f_x − i f_y with f = N γ v − g_A λ (spatial parts).
    let fx_of = |n_vec: T, g_a: T| n_vec * gamma * vx - g_a * lam_x;
    let fy_of = |n_vec: T, g_a: T| n_vec * gamma * vy - g_a * lam_y;

    [
        v_of(n_vec_e, g_a_e),
        v_of(n_vec_mu, g_a_mu),
        b_par,
        b_perp * b_phi.cos(),
        -(b_perp * b_phi.sin()),
        fx_of(n_vec_e, g_a_e),
        -fy_of(n_vec_e, g_a_e),
        fx_of(n_vec_mu, g_a_mu),
        -fy_of(n_vec_mu, g_a_mu),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gf_n(n_cm3: f64) -> f64 {
        sqrt2_gf_ev2() * density_cm3_to_ev3(n_cm3)
    }

    #[test]
    fn matter_at_rest_takes_the_general_forms_numbers() {
        let (p, dp) = (
            MediumPoint::from_rho_ye(150.0, 0.7),
            MediumPoint::from_rho_ye(-3.0e-4, 0.55),
        );
        let (v, d) = (p.values(), dp.values());
        let duals: [Dual; 11] = std::array::from_fn(|i| Dual::new(v[i], d[i]));
        let general = scalars_generic::<Dual>(&duals);
        let (s, ds) = scalars_and_slopes(&p, &dp);
        for k in 0..N_SCALARS {
            assert_eq!((s[k], ds[k]), (general[k].v, general[k].d), "scalar {k}");
        }
        assert!(s[idx::V_E] > 0.0 && ds[idx::V_E] < 0.0);
    }

    #[test]
    fn matter_at_rest() {
        let p = MediumPoint::from_rho_ye(100.0, 0.6);
        let f = potential(&p);
        assert!((f.v_e - gf_n(p.ne_cm3 - p.nn_cm3 / 2.0)).abs() < 1e-27);
        assert!((f.v_mu + gf_n(p.nn_cm3 / 2.0)).abs() < 1e-27);
        assert_eq!(f.fperp_e, Complex64::new(0.0, 0.0));
    }

    #[test]
    fn polarized_electrons_at_rest_match_physics_md() {
        let p = MediumPoint {
            pol_par: 0.3,
            ..MediumPoint::from_rho_ye(50.0, 0.4)
        };
        let f = potential(&p);
        let (ne, nn) = (p.ne_cm3, p.nn_cm3);
        assert!((f.v_e / gf_n(ne * (1.0 + 0.15) - nn / 2.0) - 1.0).abs() < 1e-14);
        assert!((f.v_mu / gf_n(-ne * 0.15 - nn / 2.0) - 1.0).abs() < 1e-14);
    }

    /// The cancellation-free λ⁰ − λ∥ and the transverse parts equal the definition of
    /// docs/physics.md, "Matter as an effective 4-potential" evaluated directly, for a generic
    /// moving, polarized point.
    #[test]
    fn general_point_matches_the_four_vector_definition() {
        let p = MediumPoint {
            ne_cm3: 3e24,
            nn_cm3: 1e24,
            v_par: 0.3,
            v_perp: 0.4,
            v_phi_rad: 0.7,
            pol_par: -0.5,
            pol_perp: 0.6,
            pol_phi_rad: 2.1,
            ..Default::default()
        };
        let v = [0.4 * 0.7f64.cos(), 0.4 * 0.7f64.sin(), 0.3];
        let z = [0.6 * 2.1f64.cos(), 0.6 * 2.1f64.sin(), -0.5];
        let v2: f64 = v.iter().map(|x| x * x).sum();
        let gamma = 1.0 / (1.0 - v2).sqrt();
        let zv: f64 = (0..3).map(|i| z[i] * v[i]).sum();
        let ne = gf_n(p.ne_cm3);
        let lam0 = ne * gamma * zv;
        let lam: Vec<f64> = (0..3)
            .map(|i| ne * (z[i] + gamma * gamma / (gamma + 1.0) * zv * v[i]))
            .collect();
        for (n_vec, g_a, f_v, f_perp) in [
            (
                gf_n(p.ne_cm3 - p.nn_cm3 / 2.0),
                0.5,
                potential(&p).v_e,
                potential(&p).fperp_e,
            ),
            (
                gf_n(-p.nn_cm3 / 2.0),
                -0.5,
                potential(&p).v_mu,
                potential(&p).fperp_mu,
            ),
        ] {
            let f0 = n_vec * gamma - g_a * lam0;
            let fs: Vec<f64> = (0..3)
                .map(|i| n_vec * gamma * v[i] - g_a * lam[i])
                .collect();
            assert!((f_v - (f0 - fs[2])).abs() < 1e-14 * f0.abs());
            assert!((f_perp - Complex64::new(fs[0], -fs[1])).norm() < 1e-14 * f0.abs());
        }
    }

    #[test]
    fn ultrarelativistic_longitudinal_factor_is_accurate() {
        let v_par = 1.0 - 1e-10;
        // The input's own 1 − v∥ (exact by Sterbenz), not the decimal 1e-10.
        let eps = 1.0 - v_par;
        let p = MediumPoint {
            v_par,
            pol_par: 1.0,
            ..MediumPoint::from_rho_ye(1.0, 1.0)
        };
        let f = potential(&p);
        // γ(1 − v) = sqrt(ε/(2 − ε)); V_e = (n_e)(γ(1−v))(1 + ½) for ζ∥ = 1, no neutrons.
        let g1v = (eps / (2.0 - eps)).sqrt();
        let expected = gf_n(p.ne_cm3) * g1v * 1.5;
        assert!(
            (f.v_e / expected - 1.0).abs() < 1e-12,
            "{} vs {}",
            f.v_e,
            expected
        );
    }

    #[test]
    fn slopes_match_finite_differences() {
        let p = MediumPoint {
            ne_cm3: 2e24,
            nn_cm3: 5e23,
            b_perp_gauss: 1e6,
            b_phi_rad: 0.4,
            v_par: 0.5,
            v_perp: 0.2,
            v_phi_rad: 1.0,
            pol_par: 0.1,
            pol_perp: 0.2,
            pol_phi_rad: -0.3,
            b_par_gauss: 3e5,
        };
        let slope = MediumPoint {
            ne_cm3: -1e22,
            nn_cm3: 3e21,
            b_perp_gauss: -2e4,
            b_phi_rad: 0.01,
            v_par: 1e-3,
            v_perp: -2e-3,
            v_phi_rad: 0.02,
            pol_par: 1e-3,
            pol_perp: 1e-3,
            pol_phi_rad: 0.05,
            b_par_gauss: 10.0,
        };
        let (_, d) = scalars_and_slopes(&p, &slope);
        let h = 1e-4;
        let shift = |t: f64| {
            let (a, b) = (p.values(), slope.values());
            MediumPoint::from_values(std::array::from_fn(|i| a[i] + t * b[i]))
        };
        let (sp, sm) = (scalars(&shift(h)), scalars(&shift(-h)));
        for i in 0..N_SCALARS {
            let fd = (sp[i] - sm[i]) / (2.0 * h);
            assert!(
                (d[i] - fd).abs() <= 1e-7 * (fd.abs() + 1e-30 + d[i].abs()),
                "{i}: {} {}",
                d[i],
                fd
            );
        }
    }

    /// 1 − v² exactly, for v∥, v⊥ in [0.5, 1): both are m·2⁻⁵³ with integer m < 2⁵³, so
    /// 1 − v² = (2¹⁰⁶ − m∥² − m⊥²)·2⁻¹⁰⁶ in integers.
    fn one_minus_v2_exact(v_par: f64, v_perp: f64) -> f64 {
        let m = |v: f64| {
            assert!((0.5..1.0).contains(&v));
            (v * 2f64.powi(53)) as i128
        };
        let num = (1i128 << 106) - m(v_par) * m(v_par) - m(v_perp) * m(v_perp);
        num as f64 * 2f64.powi(-106)
    }

    /// A flow at γ ≈ 1e7 in an oblique direction (v∥ = 0.6): 1 − v² ≈ 1e-14 is the difference
    /// of numbers of order 1, so rounding v⊥² or (1 − v∥)(1 + v∥) alone costs percents of γ
    /// (found by the randomised reference, scripts/reference_constant.py --random).
    #[test]
    fn ultra_relativistic_oblique_flow_keeps_gamma() {
        let v_par = 0.6;
        let v_perp = (1.0 - v_par * v_par - 1e-14f64).sqrt();
        let exact = one_minus_v2_exact(v_par, v_perp);
        assert!(exact > 0.0 && exact < 1e-13, "1 - v^2 = {exact:e}");
        let p = MediumPoint {
            ne_cm3: 1e20,
            v_par,
            v_perp,
            ..Default::default()
        };
        let f = potential(&p);
        let gamma = 1.0 / exact.sqrt();
        let n_e = gf_n(p.ne_cm3);
        // f⊥_e = N_e γ v⊥ (φ_v = 0, unpolarised) and f⁰_e − f∥_e = N_e γ (1 − v∥).
        let rel = |a: f64, b: f64| (a / b - 1.0).abs();
        assert!(
            rel(f.fperp_e.re, n_e * gamma * v_perp) < 1e-12,
            "{:e}",
            rel(f.fperp_e.re, n_e * gamma * v_perp)
        );
        assert!(
            rel(f.v_e, n_e * gamma * (1.0 - v_par)) < 1e-12,
            "{:e}",
            rel(f.v_e, n_e * gamma * (1.0 - v_par))
        );
    }
}
