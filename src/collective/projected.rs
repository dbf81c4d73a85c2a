//! A high-order explicit stepper that keeps every ρ's spectrum: DOP853 (Hairer's 8(5,3) pair,
//! 12 evaluations per step) on each system's step propagator U (i dU/dr = H(ρ) U, U = 1 at
//! the step's start, ρ = U ρ₀ U†), then U made unitary again (a projection method). Written
//! for the stretch after the AFM hand-over, where CF4's fourth order at a tight tolerance
//! takes ~10⁵ steps (BENCHMARKS.md, "Collective, stop 36").
//!
//! Why U and not ρ: an explicit step on ρ drifts its spectrum at the tolerance level; on U it
//! drifts U's unitarity instead, and re-orthonormalising U (Björck's iteration towards the
//! polar factor, quadratic in the defect) restores it to round-off. Then ρ = U ρ₀ U† has
//! ρ₀'s spectrum and Ψ ← U Ψ stays unitary. The projection moves U by O(defect) = O(local
//! error), so the order is kept.
//!
//! The error of a step is Hairer's combined 5th/3rd-order estimate computed per system on
//! U's entries (absolute: |U_ij| ≤ 1), the largest over systems compared with `tol`, like
//! CF4's per-ρ control. The vacuum-axis lepton numbers are restored after each step as CF4
//! does (`collective::projection`). Scratch is allocated once per solve; the systems are
//! processed in parallel (rayon) from [`super::system`]'s threshold on.

use num_complex::Complex64;

use super::kernels::{conjugate, is_block_diagonal, mul_blocks};
use super::lie::{
    check_inputs, record_stops, trial_step, CollectiveSolution, CollectiveState, CollectiveStats,
};
use super::projection::{lepton_target, restore_lepton_numbers};
use super::system::{per_system, CollectiveProblem};
use super::watch::StepWatch;
use super::CollectiveError;
use crate::evolve::dop853::CONTROLLER;
use crate::hamiltonian::CMat;

/// Options of [`solve_projected_until`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProjectedOptions {
    /// Local error tolerance on each system's step propagator (absolute, per entry: Hairer's
    /// norm over one system, the largest over systems).
    pub tol: f64,
    /// First trial step, km.
    pub initial_step_km: f64,
    /// Largest step, km.
    pub max_step_km: f64,
    /// Accepted + rejected steps before giving up.
    pub max_steps: u64,
    /// Restore the vacuum-axis lepton numbers after each step where the single-particle
    /// terms keep them (as [`super::LieOptions::project_vacuum_lepton_number`]).
    pub project_vacuum_lepton_number: bool,
}

impl Default for ProjectedOptions {
    fn default() -> Self {
        ProjectedOptions {
            tol: 1e-10,
            initial_step_km: 1e-4,
            max_step_km: f64::INFINITY,
            max_steps: 10_000_000,
            project_vacuum_lepton_number: true,
        }
    }
}

/// Hairer's DOP853 nodes c₁…c₁₂ (c₁₂ = 1; ode_solvers 0.6.2 has 0 there, see
/// `crate::evolve::dop853`).
const C: [f64; 12] = [
    0.0,
    0.526_001_519_587_677_3e-1,
    0.789_002_279_381_516e-1,
    0.118_350_341_907_227_4,
    0.281_649_658_092_772_6,
    1.0 / 3.0,
    0.25,
    0.307_692_307_692_307_7,
    0.651_282_051_282_051_3,
    0.6,
    0.857_142_857_142_857_1,
    1.0,
];

/// Rows a₂…a₁₂ of the DOP853 matrix (row s holds a_{s+1, 1…s}).
const A: [&[f64]; 11] = [
    &[5.260_015_195_876_773e-2],
    &[1.972_505_698_453_79e-2, 5.917_517_095_361_37e-2],
    &[2.958_758_547_680_685e-2, 0.0, 8.876_275_643_042_055e-2],
    &[
        2.413_651_341_592_667e-1,
        0.0,
        -8.845_494_793_282_861e-1,
        9.248_340_032_617_92e-1,
    ],
    &[
        3.703_703_703_703_703_7e-2,
        0.0,
        0.0,
        1.708_286_087_294_738_7e-1,
        1.254_676_875_668_224_2e-1,
    ],
    &[
        3.710_937_5e-2,
        0.0,
        0.0,
        1.702_522_110_195_440_4e-1,
        6.021_653_898_045_596e-2,
        -1.757_812_5e-2,
    ],
    &[
        3.709_200_011_850_479e-2,
        0.0,
        0.0,
        1.703_839_257_122_4e-1,
        1.072_620_304_463_732_8e-1,
        -1.531_943_774_862_440_2e-2,
        8.273_789_163_814_023e-3,
    ],
    &[
        6.241_109_587_160_757e-1,
        0.0,
        0.0,
        -3.360_892_629_446_941,
        -8.682_193_468_417_26e-1,
        2.759_209_969_944_671e1,
        2.015_406_755_047_789_3e1,
        -4.348_988_418_106_996e1,
    ],
    &[
        4.776_625_364_382_643_6e-1,
        0.0,
        0.0,
        -2.488_114_619_971_667_6,
        -5.902_908_268_368_43e-1,
        2.123_005_144_818_119_4e1,
        1.527_923_363_288_242_3e1,
        -3.328_821_096_898_486e1,
        -2.033_120_170_850_862_6e-2,
    ],
    &[
        -9.371_424_300_859_873e-1,
        0.0,
        0.0,
        5.186_372_428_844_064,
        1.091_437_348_996_729_6,
        -8.149_787_010_746_926,
        -1.852_006_565_999_696e1,
        2.273_948_709_935_050_4e1,
        2.493_605_552_679_652_4,
        -3.046_764_471_898_219_5,
    ],
    &[
        2.273_310_147_516_538,
        0.0,
        0.0,
        -1.053_449_546_673_725e1,
        -2.000_872_058_224_862_5,
        -1.795_893_186_311_88e1,
        2.794_888_452_941_996e1,
        -2.858_998_277_135_023_7,
        -8.872_856_933_530_63,
        1.236_056_717_579_430_3e1,
        6.433_927_460_157_635e-1,
    ],
];

/// Weights of the eighth-order solution.
const B: [f64; 12] = [
    5.429_373_411_656_876e-2,
    0.0,
    0.0,
    0.0,
    0.0,
    4.450_312_892_752_409,
    1.891_517_899_314_500_3,
    -5.801_203_960_010_585,
    3.111_643_669_578_199e-1,
    -1.521_609_496_625_161e-1,
    2.013_654_008_040_303_4e-1,
    4.471_061_572_777_259e-2,
];

/// The fifth-order error estimate's weights.
const E: [f64; 12] = [
    0.131_200_449_941_948_8e-1,
    0.0,
    0.0,
    0.0,
    0.0,
    -0.122_515_644_637_620_4e1,
    -0.495_758_949_657_250_2,
    0.166_437_718_245_498_65e1,
    -0.350_328_848_749_973_7,
    0.334_179_118_713_017_5,
    0.819_232_064_851_157_1e-1,
    -0.223_553_078_638_863e-1,
];

/// The third-order estimate: Σ bᵢkᵢ − (BHH₁ k₁ + BHH₂ k₉ + BHH₃ k₁₂).
const BHH: [f64; 3] = [
    0.244_094_488_188_976_4,
    0.733_846_688_281_611_9,
    0.220_588_235_294_117_66e-1,
];

/// Per-solve scratch: the stage slopes k_s = −i H_s U_s of every system, the stage
/// propagators and states, the Hamiltonians, and per system its new U and error.
struct Work<const D: usize> {
    /// H at the step's start (first-same-as-last: from the previous accepted step).
    h0: Vec<CMat<D>>,
    k: [Vec<CMat<D>>; 12],
    /// Each stage's shift per system (see [`shift`]).
    t: [Vec<[f64; 2]>; 12],
    /// Per system: whether the shift is per helicity block in this step, and whether every
    /// stage so far kept H block-diagonal.
    blocks: Vec<bool>,
    still_blocks: Vec<bool>,
    u_stage: Vec<CMat<D>>,
    rho_stage: Vec<CMat<D>>,
    h: Vec<CMat<D>>,
    out: Vec<(CMat<D>, f64)>,
    v: Vec<CMat<D>>,
    g: Vec<[CMat<D>; 2]>,
}

impl<const D: usize> Work<D> {
    fn new(n: usize) -> Self {
        let z = vec![CMat::<D>::zeros(); n];
        Work {
            h0: z.clone(),
            k: std::array::from_fn(|_| z.clone()),
            t: std::array::from_fn(|_| vec![[0.0; 2]; n]),
            blocks: vec![true; n],
            still_blocks: vec![true; n],
            u_stage: z.clone(),
            rho_stage: z.clone(),
            h: z.clone(),
            out: vec![(CMat::<D>::zeros(), 0.0); n],
            v: z,
            g: vec![[CMat::<D>::zeros(); 2]; n],
        }
    }
}

/// −i H U.
#[inline]
fn slope<const D: usize>(h: &CMat<D>, u: &CMat<D>) -> CMat<D> {
    mul_blocks(h, u) * Complex64::new(0.0, -1.0)
}

/// Björck's iteration U ← U (3 − U†U)/2 towards U's polar factor: each pass squares the
/// unitarity defect, so after a step's O(tol) defect two passes reach round-off. Stops when
/// the defect is below 4ε (at most 4 passes).
pub(crate) fn make_unitary<const D: usize>(u: &mut CMat<D>) {
    for _ in 0..4 {
        let m = mul_blocks(&u.adjoint(), u);
        let mut defect = 0.0f64;
        for i in 0..D {
            for j in 0..D {
                let target = if i == j { 1.0 } else { 0.0 };
                defect = defect.max((m[(i, j)] - Complex64::new(target, 0.0)).norm());
            }
        }
        if defect <= 4.0 * f64::EPSILON {
            return;
        }
        let corr = CMat::<D>::identity() * Complex64::new(1.5, 0.0) - m * Complex64::new(0.5, 0.0);
        *u = mul_blocks(u, &corr);
    }
}

/// The shift S = blockdiag(t_L 1, t_R 1) taken out of H before it drives U: each helicity
/// block's mean diagonal when `blocks` (H block-diagonal: S commutes with it), else the mean
/// of the whole diagonal (t_L = t_R: S commutes with anything). Such an S only turns U by a
/// phase per block, e^{−i∫S dr}, which is applied exactly afterwards; left in, the large
/// common rate g Tr P of the self-interaction (opposite in the ν and ν̄ blocks) would make
/// U's entries turn fast although ρ = U ρ₀ U† does not feel it, and the explicit step would
/// have to resolve it.
#[inline]
fn shift<const D: usize>(h: &CMat<D>, blocks: bool) -> [f64; 2] {
    let n = D / 2;
    let tl: f64 = (0..n).map(|i| h[(i, i)].re).sum();
    let tr: f64 = (n..D).map(|i| h[(i, i)].re).sum();
    if blocks {
        [tl / n as f64, tr / n as f64]
    } else {
        let t = (tl + tr) / D as f64;
        [t, t]
    }
}

/// −i (H − S) U with S = blockdiag(t[0] 1, t[1] 1).
#[inline]
fn shifted_slope<const D: usize>(h: &CMat<D>, t: [f64; 2], u: &CMat<D>) -> CMat<D> {
    let mut x = *h;
    let n = D / 2;
    for i in 0..D {
        x[(i, i)] -= Complex64::new(t[usize::from(i >= n)], 0.0);
    }
    slope(&x, u)
}

/// One DOP853 step of length `h` from (r, ρ) on every system's propagator, H(r, ρ) in `w.h0`
/// on entry (first-same-as-last). Fills `w.out` with the projected U and each system's error
/// (in units of `tol`). Returns whether every stage conserved L_vac. A system whose H was
/// block-diagonal at the step's start but not at a later stage (a helicity-flip term
/// switching on) is stepped again with the whole-diagonal shift.
fn step<const D: usize>(
    problem: &CollectiveProblem<'_, D>,
    r: f64,
    h: f64,
    rho: &[CMat<D>],
    tol: f64,
    w: &mut Work<D>,
) -> Result<bool, CollectiveError> {
    {
        let h0 = &w.h0;
        per_system(&mut w.blocks, |k, b| *b = is_block_diagonal(&h0[k]));
    }
    loop {
        let conserving = stages(problem, r, h, rho, w)?;
        let mut again = false;
        for (b, ok) in w.blocks.iter_mut().zip(&w.still_blocks) {
            if *b && !ok {
                *b = false;
                again = true;
            }
        }
        if !again {
            finish(h, tol, w);
            return Ok(conserving);
        }
    }
}

/// The twelve stage slopes of a step (see [`step`]); records per system whether every stage's
/// H kept the block form assumed for its shift.
fn stages<const D: usize>(
    problem: &CollectiveProblem<'_, D>,
    r: f64,
    h: f64,
    rho: &[CMat<D>],
    w: &mut Work<D>,
) -> Result<bool, CollectiveError> {
    let mut conserving = true;
    {
        let (h0, blocks) = (&w.h0, &w.blocks);
        let (k0, t0) = (&mut w.k[0], &mut w.t[0]);
        per_system(k0, |k, s| {
            let t = shift(&h0[k], blocks[k]);
            *s = shifted_slope(&h0[k], t, &CMat::<D>::identity());
        });
        for (k, t) in t0.iter_mut().enumerate() {
            *t = shift(&h0[k], blocks[k]);
        }
    }
    w.still_blocks.iter_mut().for_each(|b| *b = true);
    for s in 1..12 {
        let (done, _) = w.k.split_at(s);
        let row = A[s - 1];
        per_system(&mut w.u_stage, |k, u| {
            let mut acc = CMat::<D>::identity();
            for (j, &a) in row.iter().enumerate() {
                if a != 0.0 {
                    acc += done[j][k] * Complex64::new(h * a, 0.0);
                }
            }
            *u = acc;
        });
        let us = &w.u_stage;
        per_system(&mut w.rho_stage, |k, x| *x = conjugate(&us[k], &rho[k]));
        conserving &= problem.hamiltonians_checked(r + C[s] * h, &w.rho_stage, &mut w.h)?;
        let (hs, us, blocks) = (&w.h, &w.u_stage, &w.blocks);
        for (k, ok) in w.still_blocks.iter_mut().enumerate() {
            if blocks[k] && !is_block_diagonal(&hs[k]) {
                *ok = false;
            }
            w.t[s][k] = shift(&hs[k], blocks[k]);
        }
        let ts = &w.t[s];
        per_system(&mut w.k[s], |k, out| {
            *out = shifted_slope(&hs[k], ts[k], &us[k])
        });
    }
    Ok(conserving)
}

/// The eighth-order U of every system (the shift's phases put back, then made unitary) and
/// its error estimate, into `w.out`.
fn finish<const D: usize>(h: f64, tol: f64, w: &mut Work<D>) {
    let (ks, ts) = (&w.k, &w.t);
    per_system(&mut w.out, |k, o| {
        let mut high = CMat::<D>::zeros();
        let mut e5 = CMat::<D>::zeros();
        let mut phase = [0.0f64; 2];
        for j in 0..12 {
            if B[j] != 0.0 {
                high += ks[j][k] * Complex64::new(B[j], 0.0);
                phase[0] += B[j] * ts[j][k][0];
                phase[1] += B[j] * ts[j][k][1];
            }
            if E[j] != 0.0 {
                e5 += ks[j][k] * Complex64::new(E[j], 0.0);
            }
        }
        let e3 = high
            - ks[0][k] * Complex64::new(BHH[0], 0.0)
            - ks[8][k] * Complex64::new(BHH[1], 0.0)
            - ks[11][k] * Complex64::new(BHH[2], 0.0);
        let (s5, s3) = (e5.norm_squared(), e3.norm_squared());
        let deno = if s5 + 0.01 * s3 > 0.0 {
            s5 + 0.01 * s3
        } else {
            1.0
        };
        // Hairer's err = |h| S5 / sqrt(n (S5 + 0.01 S3)) with each entry scaled by tol; n
        // counts real components (2D² per system).
        o.1 = h.abs() * s5 / (deno * (2 * D * D) as f64).sqrt() / tol;
        let mut u = CMat::<D>::identity() + high * Complex64::new(h, 0.0);
        // U = e^{−i∫S dr} U′ (S commutes with every stage's H), ∫S dr by the same
        // eighth-order quadrature.
        let n = D / 2;
        for (b, &p) in phase.iter().enumerate() {
            let z = Complex64::from_polar(1.0, -h * p);
            for i in b * n..(b + 1) * n {
                for j in 0..D {
                    u[(i, j)] *= z;
                }
            }
        }
        make_unitary(&mut u);
        o.0 = u;
    });
}

/// The controller's factor for the next step after an error of `err` tolerances (Hairer's,
/// β = 0): 0.9 err^(−1/8) within [0.333, 6] ([`CONTROLLER`]).
fn step_factor(err: f64) -> f64 {
    if err > 0.0 {
        (CONTROLLER.safety * err.powf(-0.125)).clamp(CONTROLLER.fac_min, CONTROLLER.fac_max)
    } else {
        CONTROLLER.fac_max
    }
}

/// Integrates from `start` to `end_km` by the projected DOP853 step, recording at every radius
/// of `record_km` inside (start, end_km) and at `end_km`; tells `watch` where it is before
/// every step and gives up with [`CollectiveError::Stopped`] when it answers true. Every ρ
/// keeps its spectrum and every Ψ stays unitary to round-off.
pub fn solve_projected_until<const D: usize>(
    problem: &CollectiveProblem<'_, D>,
    start: CollectiveState<D>,
    end_km: f64,
    record_km: &[f64],
    options: &ProjectedOptions,
    watch: &dyn StepWatch,
) -> Result<CollectiveSolution<D>, CollectiveError> {
    check_inputs(
        [options.tol, options.initial_step_km, options.max_step_km],
        start.r_km,
        end_km,
    )?;
    let stops = record_stops(start.r_km, end_km, record_km);
    let mut state = start;
    let mut w = Work::<D>::new(state.rho.len());
    let mut stats = CollectiveStats::default();
    let mut records = Vec::with_capacity(stops.len());
    let mut h = options.initial_step_km.min(options.max_step_km);
    let mut lvac_target: Option<[f64; 2]> = None;
    let mut conserving_here = problem.hamiltonians_checked(state.r_km, &state.rho, &mut w.h0)?;
    stats.h_evaluations += 1;
    for &stop in &stops {
        while state.r_km < stop {
            if watch.before_step(state.r_km) {
                return Err(CollectiveError::Stopped { r_km: state.r_km });
            }
            if stats.accepted + stats.rejected >= options.max_steps {
                return Err(CollectiveError::TooManySteps {
                    r_km: state.r_km,
                    steps: options.max_steps,
                });
            }
            let (trial, last) = trial_step(None, h, stop - state.r_km);
            let conserving = conserving_here
                & step(problem, state.r_km, trial, &state.rho, options.tol, &mut w)?;
            stats.h_evaluations += 11;
            let err = w.out.iter().fold(0.0f64, |m, o| m.max(o.1));
            if !err.is_finite() {
                return Err(CollectiveError::NonFinite { r_km: state.r_km });
            }
            let factor = step_factor(err);
            if err <= 1.0 {
                stats.accepted += 1;
                let project = conserving && options.project_vacuum_lepton_number;
                accept(problem, project, &mut state, &mut w, &mut lvac_target);
                state.r_km = if last { stop } else { state.r_km + trial };
                if !last || trial >= h {
                    h = (trial * factor).min(options.max_step_km);
                }
                // First-same-as-last: H at the new point (after the projections) starts
                // the next step.
                conserving_here =
                    problem.hamiltonians_checked(state.r_km, &state.rho, &mut w.h0)?;
                stats.h_evaluations += 1;
            } else {
                stats.rejected += 1;
                h = trial * factor.min(1.0);
                if h < 1e-14 * state.r_km.abs().max(1.0) {
                    return Err(CollectiveError::StepUnderflow { r_km: state.r_km });
                }
            }
        }
        records.push(state.clone());
    }
    Ok(CollectiveSolution { records, stats })
}

/// Takes an accepted step's propagators into `state` (ρ ← U ρ U†, Ψ ← U Ψ), restoring the
/// vacuum-axis lepton numbers first when `project`, as CF4 does.
fn accept<const D: usize>(
    problem: &CollectiveProblem<'_, D>,
    project: bool,
    state: &mut CollectiveState<D>,
    w: &mut Work<D>,
    lvac_target: &mut Option<[f64; 2]>,
) {
    let restore = lepton_target(problem, project, &state.rho, lvac_target);
    {
        let out = &w.out;
        per_system(&mut state.rho, |k, r| *r = conjugate(&out[k].0, r));
    }
    if let Some((axes, target)) = restore {
        let (v, g) = (&mut w.v, &mut w.g);
        if restore_lepton_numbers(problem, axes, &target, &mut state.rho, v, g) {
            let v = &w.v;
            per_system(&mut w.out, |k, o| o.0 = mul_blocks(&v[k], &o.0));
        }
    }
    let out = &w.out;
    // Ψ re-orthonormalised too: U is unitary to 4ε, but the products Ψ ← U Ψ would let Ψ's
    // defect grow by round-off every step (≈ 3e-16 per step measured without this).
    per_system(&mut state.psi, |k, p| {
        *p = mul_blocks(&out[k].0, p);
        make_unitary(p);
    });
}
