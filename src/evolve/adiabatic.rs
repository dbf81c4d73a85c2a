//! One step of the adiabatic-frame Magnus integrator (docs/integrators.md, "The step in formulas",
//! "The error estimate and the tolerance"): phases by quintic Hermite, Ω₁ by Filon quadrature
//! against the phase, Ω₂, the higher-order correction R, assembly S_step = W₁ e^{−iΦ(x₁)} exp(Ω)
//! W₀†, and the error indicator.

use num_complex::Complex64;

use super::divdiff::{filon_moments, ExpTables};
use super::frame::Node;
use super::omega2::{fast_omega2, higher_order, slow_omega2, SLOW_PHASE_RAD};
use crate::hamiltonian::CMat;
use crate::linalg::{commutator, exp_anti_hermitian, max_abs, mul_maybe_sparse};

type C = Complex64;

/// Ω₂ triples whose contribution to |Ω| is provably ≤ PRUNE × tol are skipped
/// ([`fast_omega2`]'s bound): a step has at most D³ = 216 triples, so all pruned terms together
/// stay ≤ 2.2e-3 × tol per step, far below the error the step is allowed.
const PRUNE: f64 = 1e-5;

/// Largest |Ω_ab| of an accepted step (docs/integrators.md, "The step in formulas").
const MAX_OMEGA: f64 = 0.5;

/// The phase indicator's weight in the step's error estimate (issue 15 item 3). The indicator
/// is quintic minus cubic Φ(x₁): the error of the cubic rule (h⁵ λ⁗), while the quintic the
/// step uses is good to h⁷; on media where it limits the step (the smooth Sun) the achieved
/// global |ΔP| came out 100–3000× below rtol. With this weight, measured by
/// `examples/tolerance_table.rs` (BENCHMARKS.md), the exponential Sun lands at 0.11–0.45 × rtol
/// for rtol 1e-5 … 1e-8, and no case exceeds 0.6 × rtol; the other indicators (Filon, slow
/// Magnus-6-vs-4, chirp, kink) keep weight 1.
const PHASE_CALIBRATION: f64 = 0.004;

/// Weight of the secular-Ω₂ chirp indicator |Ω₂,fast| ε² (ε: the gap's relative variation
/// over the step, from the phase's curvature). Over long kinked steps in the dense BS05 core
/// (20 MeV, examples/indicator_calibration.rs' scan of one step's length) the true local
/// error is 1.8–2.6 × |Ω₂,fast| ε², steadily, from where it dominates (h ≈ 2e4 km) to
/// 1e5 km; without the term such steps were accepted at 3–6 × their estimate and the
/// one-start BS05 track reached 5 × rtol at rtol 1e-7 (BENCHMARKS.md, stop 31).
const GAP_VARIATION_WEIGHT: f64 = 4.0;

/// Weight of the kink indicator (the couplings' departure from the linear model of Ω₂ and
/// R across a kinked step). Unlike the Filon and phase indicators, which are 10–1000×
/// conservative at the median, it is 0.6–2.4 × the step's true local error (stop 26) and,
/// with the term above, still 0.7× at its minimum on BS05 at 15.6 MeV, rtol 1e-8; weight 2
/// makes it an upper bound there, and the BS05 production average and the 300-row table
/// stopped exceeding rtol at 1e-7 … 1e-8 (BENCHMARKS.md, stop 31).
const KINK_WEIGHT: f64 = 2.0;

/// Why a step must be retried with half the length (a structural rejection).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Structural {
    /// A coupled pair's levels cross (or the phase is not monotonic) inside the step.
    Crossing,
    /// |Ω| too large for the expansion (or for log U₀).
    OmegaTooLarge,
}

/// An attempted step: the propagator and the error estimate to compare with `rtol`.
#[derive(Debug, Clone, Copy)]
pub struct Attempt<const D: usize> {
    pub s_step: CMat<D>,
    pub err: f64,
    /// The indicators behind `err`, unweighted: phase, Filon, slow Magnus-6-vs-4, chirp (the
    /// larger of its two terms, the secular one weighted), kink, and the in-cluster pairs'
    /// share of the Filon one (diagnostics).
    pub parts: [f64; 6],
}

/// Weights of ∫_{−1}^{τ} of the quintic Hermite through (f, d) at t = −1, 0, 1, in the order
/// f₋, f₀, f₊, d₋, d₀, d₊, at the Gauss points τ = ∓√(3/5) (docs/integrators.md ("The step in
/// formulas") gives the ones at τ = 0 and 1).
const PHASE_AT_GAUSS: [[f64; 6]; 2] = [
    [
        503.0 / 1500.0 - 41.0 * SQRT15 / 1250.0,
        8.0 / 15.0 - 84.0 * SQRT15 / 625.0,
        197.0 / 1500.0 - 41.0 * SQRT15 / 1250.0,
        61.0 / 1500.0 - 4.0 * SQRT15 / 625.0,
        -4.0 / 375.0,
        -13.0 / 500.0 + 4.0 * SQRT15 / 625.0,
    ],
    [
        503.0 / 1500.0 + 41.0 * SQRT15 / 1250.0,
        8.0 / 15.0 + 84.0 * SQRT15 / 625.0,
        197.0 / 1500.0 + 41.0 * SQRT15 / 1250.0,
        61.0 / 1500.0 + 4.0 * SQRT15 / 625.0,
        -4.0 / 375.0,
        -13.0 / 500.0 - 4.0 * SQRT15 / 625.0,
    ],
];
const SQRT15: f64 = 3.872_983_346_207_417;

/// The quadratic Lagrange basis on t = −1, 0, 1 at τ = ∓√(3/5): τ(τ − 1)/2, 1 − τ², τ(τ + 1)/2.
const GAUSS_LAGRANGE: [[f64; 3]; 2] = [
    [0.3 + 0.5 * SQRT06, 0.4, 0.3 - 0.5 * SQRT06],
    [0.3 - 0.5 * SQRT06, 0.4, 0.3 + 0.5 * SQRT06],
];
const SQRT06: f64 = 0.774_596_669_241_483_4;

/// The step's phases from the quintic Hermite through λ and λ′ at the nodes (docs/integrators.md,
/// "The step in formulas": phases).
pub(crate) struct Phases<const D: usize> {
    /// Φ(x_m).
    pub mid: [f64; D],
    /// Φ(x₁).
    pub end: [f64; D],
    /// Φ at the outer Gauss points x_m ∓ √(3/5) h/2 (the middle one is x_m).
    pub gauss: [[f64; D]; 2],
    /// The indicator: quintic minus cubic Φ(x₁), mean over a removed.
    pub err: f64,
}

pub(crate) fn phases<const D: usize>(n: [&Node<D>; 3], h: f64) -> Phases<D> {
    let hh = 0.5 * h;
    let mut mid = [0.0; D];
    let mut end = [0.0; D];
    let mut gauss = [[0.0; D]; 2];
    let mut diff = [0.0; D];
    let mut lower = [0.0; D];
    for a in 0..D {
        let [f0, fm, f1] = [n[0].lambda[a], n[1].lambda[a], n[2].lambda[a]];
        let [d0, dm, d1] = [
            hh * n[0].lambda_slope(a),
            hh * n[1].lambda_slope(a),
            hh * n[2].lambda_slope(a),
        ];
        end[a] = hh * (7.0 / 15.0 * (f0 + f1) + 16.0 / 15.0 * fm + (d0 - d1) / 15.0);
        mid[a] = hh
            * (101.0 / 240.0 * f0 + 8.0 / 15.0 * fm + 11.0 / 240.0 * f1 + 13.0 / 240.0 * d0
                - dm / 6.0
                - d1 / 80.0);
        for (g, w) in gauss.iter_mut().zip(&PHASE_AT_GAUSS) {
            g[a] = hh * (w[0] * f0 + w[1] * fm + w[2] * f1 + w[3] * d0 + w[4] * dm + w[5] * d1);
        }
        let cubic = hh * ((f0 + f1) + (d0 - d1) / 3.0);
        diff[a] = end[a] - cubic;
        lower[a] = cubic - hh * (f0 + f1);
    }
    // Only relative phases matter.
    let spread = |v: &[f64; D]| {
        let mean = v.iter().sum::<f64>() / D as f64;
        v.iter().map(|d| (d - mean).abs()).fold(0.0, f64::max)
    };
    let err = spread(&diff);
    // The weight PHASE_CALIBRATION assumes λ resolved (the quintic's error ≪ the cubic's).
    // Where the terms of the phase do not fall off (λ oscillating within the step, e.g. with
    // turbulence at a 1 km cut-off), the quintic's error is about the cubic's times their
    // ratio ρ = |quintic − cubic| / |cubic − trapezoid|: the weight becomes max(0.004, ρ).
    let below = spread(&lower);
    let rho = if below > 0.0 {
        (err / below).min(1.0)
    } else {
        0.0
    };
    let err = err * rho.max(PHASE_CALIBRATION) / PHASE_CALIBRATION;
    Phases {
        mid,
        end,
        gauss,
        err,
    }
}

/// ∫ k_ab e^{iu} dx over the step by Filon quadrature in u (docs/integrators.md, "The step in
/// formulas": Ω₁), and the same with g linear (the indicator). `k`, `gap` (λ_a − λ_b) and `u` at
/// x₀, x_m, x₁.
pub(crate) fn filon_pair(
    k: [C; 3],
    gap: [f64; 3],
    u: [f64; 3],
    h: f64,
) -> Result<(C, C), Structural> {
    filon_terms(k, gap, u, h).map(|(quad, lin, _)| (quad, lin))
}

/// The linear and quadratic terms c₁d and c₂d² of k/gap at the step's ends, whose sizes
/// [`Terms::sizes`] the in-cluster indicator needs (taken only there: two hypot per pair
/// and piece otherwise spent on every Filon pair).
struct Terms {
    c1: C,
    c2: C,
    d: f64,
}

impl Terms {
    /// |c₁|d and |c₂|d² (zero when the phase is too small for Filon and Simpson is used).
    fn sizes(&self) -> [f64; 2] {
        [
            self.c1.norm() * self.d.abs(),
            self.c2.norm() * self.d * self.d,
        ]
    }
}

/// [`filon_pair`] and the terms of k/gap behind [`Terms::sizes`].
fn filon_terms(k: [C; 3], gap: [f64; 3], u: [f64; 3], h: f64) -> Result<(C, C, Terms), Structural> {
    let d = 0.5 * u[2];
    if d.abs() < 1e-6 {
        let (q, l) = simpson_pair(k, u, h);
        let zero = C::new(0.0, 0.0);
        return Ok((
            q,
            l,
            Terms {
                c1: zero,
                c2: zero,
                d: 0.0,
            },
        ));
    }
    let uc = d;
    let v = [-d, u[1] - uc, d];
    if (v[1] - v[0]) * (v[2] - v[1]) <= 0.0 {
        return Err(Structural::Crossing);
    }
    let g: [C; 3] = std::array::from_fn(|j| k[j] / gap[j]);
    // Newton form through (v_j, g_j), expanded to c₀ + c₁v + c₂v².
    let c01 = (g[1] - g[0]) / (v[1] - v[0]);
    let c12 = (g[2] - g[1]) / (v[2] - v[1]);
    let c012 = (c12 - c01) / (v[2] - v[0]);
    let c2 = c012;
    let c1 = c01 - c012 * (v[0] + v[1]);
    let c0 = g[0] - c01 * v[0] + c012 * (v[0] * v[1]);
    let m = filon_moments(d);
    let e = C::new(0.0, uc).exp();
    let quad = e * (c0 * m[0] + c1 * m[1] + c2 * m[2]);
    let lin = e * ((g[0] + g[2]) * 0.5 * m[0] + (g[2] - g[0]) / (2.0 * d) * m[1]);
    Ok((quad, lin, Terms { c1, c2, d }))
}

/// ∫ k_ab e^{iu} dx by Simpson in x, with the trapezoid as the lower-order partner: for
/// pairs with essentially no phase, and inside a cluster where the gap may vanish or change
/// sign (the phase there is tiny, [`super::cluster`]).
fn simpson_pair(k: [C; 3], u: [f64; 3], h: f64) -> (C, C) {
    let kk: [C; 3] = std::array::from_fn(|j| k[j] * C::new(0.0, u[j]).exp());
    (
        (kk[0] + kk[1] * 4.0 + kk[2]) * (h / 6.0),
        (kk[0] + kk[2]) * (h / 2.0),
    )
}

/// The in-cluster indicator: the quadratic rule's error rather than its linear partner's.
/// |quad − lin| is the size of the quadratic term, i.e. the error of the *linear* rule; the
/// error of the quadratic rule the step uses is that of the terms after it. Where the
/// coupling's Taylor terms at the step's ends, a₁ (linear) and a₂ (quadratic), fall off
/// geometrically, the next term is ≈ a₂ · (a₂/a₁), so the indicator is scaled by
/// ρ = a₂/a₁ (at most 1: a coupling that is not resolved keeps the full partner difference).
/// Measured against the true local error of the steps it limits
/// (examples/indicator_calibration.rs, BENCHMARKS.md) the unscaled partner was 25–9e4× the
/// step's true error (median 1.4e3); scaled, 0.4–200× (median 70). The smaller power ρ² that
/// the geometric model gives for a symmetric rule underestimated (est/true down to 0.02,
/// global error up to 7.6 × rtol), so ρ is kept. Pairs outside clusters keep the plain
/// partner: scaling them too took the supernova envelopes to 2.7 × rtol.
fn cluster_indicator(quad: C, lin: C, terms: [f64; 2]) -> (C, C) {
    let rho = if terms[0] > 0.0 {
        (terms[1] / terms[0]).min(1.0)
    } else {
        1.0
    };
    (quad, quad - (quad - lin) * rho)
}

/// A pair inside a cluster: Filon where the gap keeps one sign and stays within a factor 4
/// (so k/gap is smooth), Simpson in x otherwise.
pub(crate) fn cluster_pair(k: [C; 3], gap: [f64; 3], u: [f64; 3], h: f64) -> (C, C) {
    let lo = gap.iter().fold(f64::INFINITY, |m, g| m.min(g.abs()));
    let hi = gap.iter().fold(0.0f64, |m, g| m.max(g.abs()));
    let one_sign = gap[0] * gap[1] > 0.0 && gap[0] * gap[2] > 0.0;
    if one_sign && lo >= 0.25 * hi {
        if let Ok((q, l, terms)) = filon_terms(k, gap, u, h) {
            return cluster_indicator(q, l, terms.sizes());
        }
    }
    let (quad, trap) = simpson_pair(k, u, h);
    let kk: [C; 3] = std::array::from_fn(|j| k[j] * C::new(0.0, u[j]).exp());
    let terms = [
        0.5 * (kk[2] - kk[0]).norm(),
        0.5 * (kk[0] + kk[2] - kk[1] * 2.0).norm(),
    ];
    cluster_indicator(quad, trap, terms)
}

/// One adiabatic-frame step over the nodes x₀, x_m, x₁ (matched and gauged to x₀).
///
/// `tol` is the step's tolerance: Ω₂ triples whose contribution is bounded by `PRUNE × tol`
/// are skipped (see [`fast_omega2`]).
pub fn adiabatic_step<const D: usize>(
    n: [&Node<D>; 3],
    tol: f64,
) -> Result<Attempt<D>, Structural> {
    let h = n[2].x_km - n[0].x_km;
    let ph = phases(n, h);
    let (phi_m, phi_1, phase_err) = (ph.mid, ph.end, ph.err);
    let u_node = |j: usize, a: usize, b: usize| match j {
        0 => 0.0,
        1 => phi_m[a] - phi_m[b],
        _ => phi_1[a] - phi_1[b],
    };
    let block = n[0].block;
    let mut omega1 = CMat::<D>::zeros();
    let mut filon_err: f64 = 0.0;
    let mut cluster_err: f64 = 0.0;
    for a in 0..D {
        omega1[(a, a)] =
            C::new(0.0, -h / 6.0) * (n[0].k[(a, a)] + n[1].k[(a, a)] * 4.0 + n[2].k[(a, a)]);
        for b in (a + 1)..D {
            if block[a] != block[b] {
                continue;
            }
            // A pair without coupling in this step (e.g. two blocks that are coupled only
            // through a quantity that vanishes here, exactly degenerate in vacuum) cannot
            // cross: its levels may touch or coincide.
            let k: [C; 3] = std::array::from_fn(|j| n[j].k[(a, b)]);
            if k.iter().all(|z| *z == C::new(0.0, 0.0)) {
                continue;
            }
            let gap: [f64; 3] = std::array::from_fn(|j| n[j].lambda[a] - n[j].lambda[b]);
            let u: [f64; 3] = std::array::from_fn(|j| u_node(j, a, b));
            let (quad, lin) = if n[0].cluster[a] == n[0].cluster[b] {
                let (q, l) = cluster_pair(k, gap, u, h);
                cluster_err = cluster_err.max((q - l).norm());
                (q, l)
            } else {
                if gap[0] * gap[1] <= 0.0 || gap[0] * gap[2] <= 0.0 {
                    return Err(Structural::Crossing);
                }
                filon_pair(k, gap, u, h)?
            };
            filon_err = filon_err.max((quad - lin).norm_sqr().sqrt());
            omega1[(a, b)] = quad * C::new(0.0, -1.0);
            omega1[(b, a)] = -omega1[(a, b)].conj();
        }
    }
    // K's couplings at the Gauss points: k interpolated (quadratic through the nodes; it
    // varies with the medium), the phase exact there.
    let k_gauss: [CMat<D>; 3] = std::array::from_fn(|g| match g {
        0 => lagrange(n, &GAUSS_LAGRANGE[0]),
        1 => n[1].k,
        _ => lagrange(n, &GAUSS_LAGRANGE[1]),
    });
    let core = Core {
        omega1,
        phase_err,
        filon_err,
        cluster_err,
        phi_m,
        phi_1,
        k_gauss,
        phi_gauss: [ph.gauss[0], phi_m, ph.gauss[1]],
        p: n[1].k,
        q: (n[2].k - n[0].k) * C::new(1.0 / h, 0.0),
        model_rel: 0.0,
    };
    assemble(n[0], n[2], &core, &[], tol)
}

/// One smooth piece of a step across kinks: its length, K = k e^{iΦ} at its two ends (each
/// with its own one-sided H′) and its share of Ω₁ (−i∫K over the piece).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Piece<const D: usize> {
    pub len: f64,
    pub k_left: CMat<D>,
    pub k_right: CMat<D>,
    pub omega1: CMat<D>,
}

/// The slow part of Ω₂ (triples of slow pairs) summed over smooth pieces: with B_j the
/// pieces' Ω₁ and A = −iK, Ω₂ = Σ_j Ω₂⁽ʲ⁾ + ½ Σ_{i<j} [B_j, B_i], and within a piece the
/// fourth-order Ω₂⁽ʲ⁾ ≈ (Δ_j²/12)[A(end), A(start)] (exact for K linear in x).
fn piecewise_slow_omega2<const D: usize>(pieces: &[Piece<D>], slow: &[[bool; D]; D]) -> CMat<D> {
    let zero = C::new(0.0, 0.0);
    let coupled = pieces.iter().any(|p| {
        (0..D).any(|a| {
            (0..D).any(|b| {
                a != b && slow[a][b] && (p.omega1[(a, b)] != zero || p.k_left[(a, b)] != zero)
            })
        })
    });
    if !coupled {
        return CMat::<D>::zeros();
    }
    let mask = |m: &CMat<D>| CMat::<D>::from_fn(|a, b| if slow[a][b] { m[(a, b)] } else { zero });
    let mut prefix = CMat::<D>::zeros();
    let mut out = CMat::<D>::zeros();
    for p in pieces {
        let b = mask(&p.omega1);
        let within = commutator(&mask(&p.k_right), &mask(&p.k_left));
        out -= within * C::new(p.len * p.len / 12.0, 0.0);
        out += commutator(&b, &prefix) * C::new(0.5, 0.0);
        prefix += b;
    }
    out
}

/// k at a Gauss point from the quadratic through the three nodes.
fn lagrange<const D: usize>(n: [&Node<D>; 3], w: &[f64; 3]) -> CMat<D> {
    n[0].k * C::new(w[0], 0.0) + n[1].k * C::new(w[1], 0.0) + n[2].k * C::new(w[2], 0.0)
}

/// What the second half of a step needs from its first: Ω₁ and its quadrature error, the
/// phases, and the couplings that the Ω₂ and R models use. A smooth step
/// ([`adiabatic_step`]) and a step across kinks ([`super::kinked`]) fill it differently.
pub(crate) struct Core<const D: usize> {
    pub omega1: CMat<D>,
    /// Phase indicator (docs/integrators.md, "The step in formulas"), summed over the step's
    /// pieces.
    pub phase_err: f64,
    /// Filon indicator (docs/integrators.md, "The step in formulas": Ω₁), summed over the step's
    /// pieces.
    pub filon_err: f64,
    /// The in-cluster pairs' share of `filon_err` (diagnostics).
    pub cluster_err: f64,
    /// Φ(x_m) and Φ(x₁).
    pub phi_m: [f64; D],
    pub phi_1: [f64; D],
    /// k and Φ at the step's three Gauss points (the middle one is x_m).
    pub k_gauss: [CMat<D>; 3],
    pub phi_gauss: [[f64; D]; 3],
    /// The linear coupling model of Ω₂ (docs/integrators.md, "The step in formulas"):
    /// p = k(x_m), q = (k(x₁) − k(x₀))/h.
    pub p: CMat<D>,
    pub q: CMat<D>,
    /// Largest departure of k from the model p + q (x − x_m) (its jumps at kinks, its value at
    /// the outer Gauss points) relative to the model's size max |p| + |q| h/2; zero for a
    /// smooth step, whose phase indicator keeps it short enough for the model. The Ω₂ and R
    /// models miss about this fraction of themselves.
    pub model_rel: f64,
}

/// Ω₂, R, the assembly S_step = W₁ e^{−iΦ(x₁)} exp(Ω) W₀† and the error estimate of a step
/// from node `n0` to node `n1` (docs/integrators.md, "The step in formulas", "The error estimate
/// and the tolerance").
pub(crate) fn assemble<const D: usize>(
    n0: &Node<D>,
    n1: &Node<D>,
    core: &Core<D>,
    pieces: &[Piece<D>],
    tol: f64,
) -> Result<Attempt<D>, Structural> {
    let h = n1.x_km - n0.x_km;
    let phi_1 = &core.phi_1;
    let u1: [[f64; D]; D] = std::array::from_fn(|a| std::array::from_fn(|b| phi_1[a] - phi_1[b]));
    let slow: [[bool; D]; D] =
        std::array::from_fn(|a| std::array::from_fn(|b| u1[a][b].abs() <= SLOW_PHASE_RAD));
    let omega = Omega::new(n0, core, pieces, &slow, h, tol)?;
    let [phase_err, filon_err] = [core.phase_err, core.filon_err];
    let slow_err = omega.slow_err;
    let chirp = chirp(core, &omega, &u1, &slow, &n0.block);
    // The linear-in-x coupling model of Ω₂ and R against the couplings seen in the step.
    let kink = if core.model_rel > 0.0 {
        (max_abs(&omega.omega2_fast) + max_abs(&omega.r)) * core.model_rel
    } else {
        0.0
    };
    let err = (PHASE_CALIBRATION * phase_err)
        .max(filon_err)
        .max(slow_err)
        .max(chirp)
        .max(KINK_WEIGHT * kink);
    Ok(Attempt {
        s_step: step_propagator(n0, n1, phi_1, &omega.omega),
        err,
        parts: [
            phase_err,
            filon_err,
            slow_err,
            chirp,
            kink,
            core.cluster_err,
        ],
    })
}

/// The Magnus exponent Ω = Ω₁ + Ω₂ + R of a step and the parts of it the error estimate
/// looks at.
struct Omega<const D: usize> {
    /// Ω, anti-Hermitian, every entry checked against [`MAX_OMEGA`].
    omega: CMat<D>,
    /// The fast triples' Ω₂ (closed form).
    omega2_fast: CMat<D>,
    /// The higher-order remainder R.
    r: CMat<D>,
    /// The slow triples' Magnus-6 indicator.
    slow_err: f64,
}

impl<const D: usize> Omega<D> {
    /// Ω of the step of length `h` from `n0` with the first half `core` (and `pieces` when
    /// it crosses kinks), `slow` marking the pairs whose phase stays small.
    fn new(
        n0: &Node<D>,
        core: &Core<D>,
        pieces: &[Piece<D>],
        slow: &[[bool; D]; D],
        h: f64,
        tol: f64,
    ) -> Result<Self, Structural> {
        let phi_1 = &core.phi_1;
        // Slow triples: Magnus-6 on K at the Gauss points, slow entries only.
        let k_slow: [CMat<D>; 3] = std::array::from_fn(|g| {
            let phase = &core.phi_gauss[g];
            let e: [C; D] = std::array::from_fn(|a| C::from_polar(1.0, phase[a]));
            CMat::<D>::from_fn(|a, b| {
                if slow[a][b] {
                    core.k_gauss[g][(a, b)] * e[a] * e[b].conj()
                } else {
                    C::new(0.0, 0.0)
                }
            })
        });
        let (omega2_slow, slow_err) = slow_omega2(&k_slow, h);
        // Across kinks K jumps: the Gauss rule above would miss that, so the slow part is
        // summed piece by piece instead (its indicator stays the step-wide one).
        let omega2_slow = if pieces.is_empty() {
            omega2_slow
        } else {
            piecewise_slow_omega2(pieces, slow)
        };
        // Fast triples: closed form with p = k(x_m), q = (k(x₁) − k(x₀))/h, w h = Φ(x₁).
        let (p, q) = (core.p, core.q);
        let tables = ExpTables::in_blocks(phi_1, &n0.block);
        let prune = PRUNE * tol;
        let [omega2_fast, omega2_kappa] = fast_omega2(&p, &q, &tables, slow, h, prune);
        let kappa = CMat::<D>::from_fn(|a, b| {
            if slow[a][b] {
                C::new(0.0, 0.0)
            } else {
                p[(a, b)]
            }
        });
        let r = higher_order(&kappa, phi_1, &tables, h, &omega2_kappa)
            .ok_or(Structural::OmegaTooLarge)?;
        let mut omega = core.omega1 + omega2_slow + omega2_fast + r;
        omega = (omega - omega.adjoint()) * C::new(0.5, 0.0);
        if omega
            .iter()
            .any(|z| z.norm_sqr().sqrt() > MAX_OMEGA || z.norm_sqr().sqrt().is_nan())
        {
            return Err(Structural::OmegaTooLarge);
        }
        Ok(Omega {
            omega,
            omega2_fast,
            r,
            slow_err,
        })
    }
}

/// The chirp indicator: what the linear-phase model of Ω₂ misses of the phase's curvature
/// (docs/integrators.md, "The error estimate and the tolerance"), in Ω₁'s coupled pairs and in the
/// secular part of the fast Ω₂ ([`gap_variation`]).
fn chirp<const D: usize, B: PartialEq>(
    core: &Core<D>,
    omega: &Omega<D>,
    u1: &[[f64; D]; D],
    slow: &[[bool; D]; D],
    block: &[B; D],
) -> f64 {
    let (omega1, phi_m) = (&core.omega1, &core.phi_m);
    let max_omega1 = max_abs(omega1);
    let mut chirp: f64 = 0.0;
    for a in 0..D {
        for b in 0..D {
            if a != b {
                let c = (phi_m[a] - phi_m[b] - 0.5 * u1[a][b]).abs().min(1.0);
                chirp = chirp.max(omega1[(a, b)].norm_sqr().sqrt() * c);
            }
        }
    }
    let eps = gap_variation(phi_m, u1, slow, block);
    let chirp_secular = GAP_VARIATION_WEIGHT * max_abs(&omega.omega2_fast) * eps * eps;
    (max_omega1 * chirp).max(chirp_secular)
}

/// S_step = W₁ e^{−iΦ(x₁)} exp(Ω) W₀†.
fn step_propagator<const D: usize>(
    n0: &Node<D>,
    n1: &Node<D>,
    phi_1: &[f64; D],
    omega: &CMat<D>,
) -> CMat<D> {
    let u = exp_anti_hermitian(omega);
    let sparse = n0.has_blocks();
    let mut w1 = n1.w;
    for a in 0..D {
        let e = C::from_polar(1.0, -phi_1[a]);
        for r in 0..D {
            w1[(r, a)] *= e;
        }
    }
    mul_maybe_sparse(sparse, &mul_maybe_sparse(sparse, &w1, &u), &n0.w.adjoint())
}

/// ε, the largest relative variation of a fast pair's gap ω over the step, from the phase's
/// curvature (for ω linear in x, Φ(x_m) − Φ(x₁)/2 = −ε Φ(x₁)/4), at most 1. The secular part
/// of the fast Ω₂ (the second-order adiabatic correction ∫ k²/ω, which grows with h instead of
/// oscillating, so |Ω₁|² does not bound it) is computed with the mean gap; with ω varying by
/// ε, ∫ k²/ω and the model's ∫ k²/ω̄ differ at O(ε²).
fn gap_variation<const D: usize, B: PartialEq>(
    phi_m: &[f64; D],
    u1: &[[f64; D]; D],
    slow: &[[bool; D]; D],
    block: &[B; D],
) -> f64 {
    let mut eps: f64 = 0.0;
    for a in 0..D {
        for b in 0..D {
            if a != b && !slow[a][b] && block[a] == block[b] {
                let curvature = (phi_m[a] - phi_m[b] - 0.5 * u1[a][b]).abs();
                eps = eps.max((4.0 * curvature / u1[a][b].abs()).min(1.0));
            }
        }
    }
    eps
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A node with eigenvalues λ_a(x) and slopes λ′_a(x) only (enough for [`phases`]).
    fn node(x_km: f64, lambda: [f64; 2], slope: [f64; 2]) -> Node<2> {
        let mut g = CMat::<2>::zeros();
        g[(0, 0)] = C::new(slope[0], 0.0);
        g[(1, 1)] = C::new(slope[1], 0.0);
        Node {
            x_km,
            lambda,
            w: CMat::<2>::identity(),
            g,
            block: [0, 0],
            k: CMat::<2>::zeros(),
            cluster: [0, 1],
            mu: lambda,
            e_off: CMat::<2>::zeros(),
            z: CMat::<2>::identity(),
        }
    }

    #[test]
    fn phases_integrate_quintics_exactly_at_every_node_and_gauss_point() {
        // λ₀ a quintic, λ₁ = 0: Φ₀(x) = ∫_{x₀}^{x} λ₀ in closed form.
        let c = [0.3, -1.2, 0.7, 2.1, -0.4, 0.9];
        let lam = |x: f64| c.iter().rev().fold(0.0, |acc, ci| acc * x + ci);
        let dlam = |x: f64| (1..6).rev().fold(0.0, |acc, i| acc * x + i as f64 * c[i]);
        let prim = |x: f64| {
            (0..6)
                .rev()
                .fold(0.0, |acc, i| acc * x + c[i] / (i + 1) as f64)
                * x
        };
        let (x0, h) = (0.4, 1.3);
        let nodes = [x0, x0 + 0.5 * h, x0 + h].map(|x| node(x, [lam(x), 0.0], [dlam(x), 0.0]));
        let p = phases([&nodes[0], &nodes[1], &nodes[2]], h);
        let exact = |x: f64| prim(x) - prim(x0);
        let xg = |s: f64| x0 + 0.5 * h * (1.0 + s * SQRT06);
        for (got, want) in [
            (p.mid[0], exact(x0 + 0.5 * h)),
            (p.end[0], exact(x0 + h)),
            (p.gauss[0][0], exact(xg(-1.0))),
            (p.gauss[1][0], exact(xg(1.0))),
        ] {
            assert!((got - want).abs() < 1e-13, "{got} vs {want}");
        }
        assert!((SQRT15 - 15f64.sqrt()).abs() < 1e-15 && (SQRT06 - 0.6f64.sqrt()).abs() < 1e-16);
    }
}
