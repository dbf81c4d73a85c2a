//! The default collective integrator: CF4, the fourth-order commutator-free Lie-group method
//! of Celledoni, Marthinsen & Owren (FGCS 19 (2003) 341) for y′ = A(r, y) y, acting on every
//! ρ_i by conjugation and on the amplitudes Ψ_i from the left. With F_k the stage
//! Hamiltonians and E(X) = exp(−i X):
//!
//! ```text
//! F1 = H(r, ρ);   Y2 = E(h F1/2) ρ;          F2 = H(r + h/2, Y2)
//! Y3 = E(h F2/2) ρ;                          F3 = H(r + h/2, Y3)
//! Y4 = E(h (F3 − F1/2)) Y2;                  F4 = H(r + h, Y4)
//! U  = E(h (−F1 + 2F2 + 2F3 + 3F4)/12) E(h (3F1 + 2F2 + 2F3 − F4)/12)
//! ```
//!
//! The self-interaction of each stage comes from that stage's predicted states (a global sum
//! over bins, then per-bin work in parallel). The error estimate compares U ρ U† with the
//! single exponential of the fourth-order Magnus formula through the same stages,
//! Ω = −i h (F1 + 2F2 + 2F3 + F4)/6 + h² [F1, F4]/12, whose error is O(h⁴): the difference is
//! an O(h⁴) estimate for the controller. Both are exact for a constant H of any size, so the
//! fast diagonal phases near R_ν (≈ 10⁵ km⁻¹) do not limit the step; only their variation
//! does. The column-phase term −Ψ diag(H) that some formulations add to i dΨ/dr = HΨ (to strip its
//! large diagonal phases) is not needed: phases are applied by exact exponentials and never enter
//! |Ψ|².

use num_complex::Complex64;

use super::kernels::{cf4_last_stage, conjugate, conjugate_exp, exp_product, mul_blocks};
use super::projection::{lepton_target, restore_lepton_numbers};
use super::system::{per_system, CollectiveProblem};
use super::watch::StepWatch;
use super::CollectiveError;
use crate::hamiltonian::CMat;
use crate::linalg::max_abs;

/// Options of [`solve_lie`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LieOptions {
    /// Local error tolerance on each ρ_i relative to its trace (max-entry norm). The default
    /// 1e-11 is what keeps the populations within 1e-6 of DOP853 on the non-chaotic bulb cases
    /// (the global error is ≈ 10⁴ × tol there; docs/collective.md, "Accuracy").
    pub tol: f64,
    /// First trial step, km (near R_ν the rates are ~10⁵ km⁻¹).
    pub initial_step_km: f64,
    /// Largest step, km.
    pub max_step_km: f64,
    /// Accepted + rejected steps before giving up.
    pub max_steps: u64,
    /// When set, take exactly this many equal steps per record interval, no control (for
    /// convergence-order tests).
    pub fixed_steps: Option<u64>,
    /// After each step on which the single-particle terms keep them (no matter asymmetry, no
    /// helicity flip), restore the vacuum-axis lepton numbers by the smallest move that keeps
    /// every ρ's spectrum (module `collective::projection`): L_vac exact, spectra untouched,
    /// order kept. On by default.
    pub project_vacuum_lepton_number: bool,
}

impl Default for LieOptions {
    fn default() -> Self {
        LieOptions {
            tol: 1e-11,
            initial_step_km: 1e-5,
            max_step_km: f64::INFINITY,
            max_steps: 10_000_000,
            fixed_steps: None,
            project_vacuum_lepton_number: true,
        }
    }
}

/// The state at one radius: every ρ_i and every amplitude matrix Ψ_i (Ψ(r₀) = 1).
#[derive(Debug, Clone)]
pub struct CollectiveState<const D: usize> {
    pub r_km: f64,
    pub rho: Vec<CMat<D>>,
    pub psi: Vec<CMat<D>>,
}

impl<const D: usize> CollectiveState<D> {
    /// The problem's initial state at `r_km` with Ψ = 1.
    pub fn initial(problem: &CollectiveProblem<'_, D>, r_km: f64) -> Self {
        let rho = problem.initial_state();
        let psi = vec![CMat::<D>::identity(); rho.len()];
        CollectiveState { r_km, rho, psi }
    }
}

/// The solver's work.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CollectiveStats {
    pub accepted: u64,
    pub rejected: u64,
    /// Evaluations of the whole coupled H (all bins at once).
    pub h_evaluations: u64,
}

/// The recorded states (each requested radius, then the end) and the work done.
#[derive(Debug, Clone)]
pub struct CollectiveSolution<const D: usize> {
    pub records: Vec<CollectiveState<D>>,
    pub stats: CollectiveStats,
}

/// One system's result of a step.
#[derive(Clone)]
struct Out<const D: usize> {
    u: CMat<D>,
    rho_new: CMat<D>,
    /// Error relative to the system's trace.
    err: f64,
}

/// Per-system scratch of one step (allocated once per solve).
#[derive(Clone)]
struct Work<const D: usize> {
    f: [Vec<CMat<D>>; 4],
    y2: Vec<CMat<D>>,
    ys: Vec<CMat<D>>,
    out: Vec<Out<D>>,
    /// The projection's per-system unitaries and gradients.
    v: Vec<CMat<D>>,
    g: Vec<[CMat<D>; 2]>,
}

impl<const D: usize> Work<D> {
    fn new(n: usize) -> Self {
        let z = vec![CMat::<D>::zeros(); n];
        Work {
            f: [z.clone(), z.clone(), z.clone(), z.clone()],
            y2: z.clone(),
            ys: z.clone(),
            v: z.clone(),
            g: vec![[CMat::<D>::zeros(); 2]; n],
            out: vec![
                Out {
                    u: CMat::<D>::zeros(),
                    rho_new: CMat::<D>::zeros(),
                    err: 0.0,
                };
                n
            ],
        }
    }
}

/// One CF4 step of length h from (r, ρ): fills `w.out`. Returns whether every stage's
/// single-particle terms keep the vacuum-axis lepton numbers.
fn step<const D: usize>(
    problem: &CollectiveProblem<'_, D>,
    r: f64,
    h: f64,
    rho: &[CMat<D>],
    w: &mut Work<D>,
) -> Result<bool, CollectiveError> {
    let [f1, f2, f3, f4] = &mut w.f;
    let mut conserving = problem.hamiltonians_checked(r, rho, f1)?;
    per_system(&mut w.y2, |k, y| {
        *y = conjugate_exp(&f1[k], 0.5 * h, &rho[k])
    });
    conserving &= problem.hamiltonians_checked(r + 0.5 * h, &w.y2, f2)?;
    per_system(&mut w.ys, |k, y| {
        *y = conjugate_exp(&f2[k], 0.5 * h, &rho[k])
    });
    conserving &= problem.hamiltonians_checked(r + 0.5 * h, &w.ys, f3)?;
    {
        let y2 = &w.y2;
        per_system(&mut w.ys, |k, y| {
            let x = f3[k] - f1[k] * Complex64::new(0.5, 0.0);
            *y = conjugate_exp(&x, h, &y2[k]);
        });
    }
    conserving &= problem.hamiltonians_checked(r + h, &w.ys, f4)?;
    let c = |x: f64| Complex64::new(x, 0.0);
    let (f1, f2, f3, f4) = (&*f1, &*f2, &*f3, &*f4);
    per_system(&mut w.out, |k, o| {
        let trace: f64 = (0..D).map(|i| rho[k][(i, i)].re).sum();
        let fs = [&f1[k], &f2[k], &f3[k], &f4[k]];
        if let Some(err2) = cf4_last_stage(fs, &rho[k], h, &mut o.u, &mut o.rho_new) {
            o.err = if trace > 0.0 {
                err2.sqrt() / trace
            } else {
                0.0
            };
            return;
        }
        let a = f1[k] * c(3.0) + (f2[k] + f3[k]) * c(2.0) - f4[k];
        let b = -f1[k] + (f2[k] + f3[k]) * c(2.0) + f4[k] * c(3.0);
        let uk = exp_product(&b, &a, h / 12.0);
        let new = conjugate(&uk, &rho[k]);
        // The fourth-order Magnus exponential Ω = −i h X with
        // X = (F1 + 2F2 + 2F3 + F4)/6 + i h [F1, F4]/12 (Hermitian).
        let x = (f1[k] + (f2[k] + f3[k]) * c(2.0) + f4[k]) * c(1.0 / 6.0)
            + (mul_blocks(&f1[k], &f4[k]) - mul_blocks(&f4[k], &f1[k]))
                * Complex64::new(0.0, h / 12.0);
        let low = conjugate_exp(&x, h, &rho[k]);
        o.err = if trace > 0.0 {
            max_abs(&(new - low)) / trace
        } else {
            0.0
        };
        o.u = uk;
        o.rho_new = new;
    });
    Ok(conserving)
}

/// The radii a solve stops at: the requested ones strictly inside (start, end), sorted and
/// without repeats, then `end_km`.
pub(crate) fn record_stops(start_km: f64, end_km: f64, record_km: &[f64]) -> Vec<f64> {
    let mut stops: Vec<f64> = record_km
        .iter()
        .copied()
        .filter(|&x| x > start_km && x < end_km)
        .collect();
    stops.sort_by(f64::total_cmp);
    stops.dedup();
    stops.push(end_km);
    stops
}

/// Integrates from `start` to `end_km`, recording at every radius of `record_km` inside
/// (start, end_km) and at `end_km`.
pub fn solve_lie<const D: usize>(
    problem: &CollectiveProblem<'_, D>,
    start: CollectiveState<D>,
    end_km: f64,
    record_km: &[f64],
    options: &LieOptions,
) -> Result<CollectiveSolution<D>, CollectiveError> {
    solve_lie_until(problem, start, end_km, record_km, options, &|| false)
}

/// [`solve_lie`] that tells `watch` where it is before every step and gives up with
/// [`CollectiveError::Stopped`] when it answers true (Ctrl-C in a run).
pub fn solve_lie_until<const D: usize>(
    problem: &CollectiveProblem<'_, D>,
    start: CollectiveState<D>,
    end_km: f64,
    record_km: &[f64],
    options: &LieOptions,
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
    for &stop in &stops {
        let fixed_h = options
            .fixed_steps
            .map(|n| (stop - state.r_km) / n.max(1) as f64);
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
            let (trial, last) = trial_step(fixed_h, h, stop - state.r_km);
            let conserving = step(problem, state.r_km, trial, &state.rho, &mut w)?;
            stats.h_evaluations += 4;
            let err = w.out.iter().fold(0.0f64, |m, o| m.max(o.err)) / options.tol;
            if fixed_h.is_none() && !err.is_finite() {
                return Err(CollectiveError::NonFinite { r_km: state.r_km });
            }
            let factor = step_factor(err);
            if fixed_h.is_some() || err <= 1.0 {
                stats.accepted += 1;
                let project = conserving && options.project_vacuum_lepton_number;
                accept(problem, project, &mut state, &mut w, &mut lvac_target);
                state.r_km = if last { stop } else { state.r_km + trial };
                if !last || trial >= h {
                    h = (trial * factor).min(options.max_step_km);
                }
            } else {
                stats.rejected += 1;
                h = trial * factor;
                if h < 1e-14 * state.r_km.abs().max(1.0) {
                    return Err(CollectiveError::StepUnderflow { r_km: state.r_km });
                }
            }
        }
        records.push(state.clone());
    }
    Ok(CollectiveSolution { records, stats })
}

/// Refuses options (`[tol, initial_step_km, max_step_km]`) and ends that no adaptive solve
/// can start from.
pub(crate) fn check_inputs(
    [tol, initial_step_km, max_step_km]: [f64; 3],
    start_km: f64,
    end_km: f64,
) -> Result<(), CollectiveError> {
    if !(tol > 0.0 && initial_step_km > 0.0 && max_step_km > 0.0) {
        return Err(CollectiveError::Input(
            "tol, initial_step_km and max_step_km must be > 0".into(),
        ));
    }
    if end_km.is_nan() || end_km <= start_km {
        return Err(CollectiveError::Input(format!(
            "end {end_km} km must be beyond the start {start_km} km"
        )));
    }
    Ok(())
}

/// The next step's length and whether it ends on the stop `remaining` ahead: the fixed step
/// `fixed_h` if given, else the controller's `h`, taken to the stop when it (nearly) reaches it.
#[inline]
pub(crate) fn trial_step(fixed_h: Option<f64>, h: f64, remaining: f64) -> (f64, bool) {
    match fixed_h {
        Some(hf) => (hf.min(remaining), hf >= remaining * (1.0 - 1e-12)),
        None if h >= remaining * (1.0 - 1e-12) => (remaining, true),
        None => (h, false),
    }
}

/// The step size factor after a step whose error is `err` tolerances: 0.9 err^(−1/4), kept
/// within [0.2, 4] so that one odd estimate cannot shrink or grow the step by much.
#[inline]
fn step_factor(err: f64) -> f64 {
    if err > 0.0 {
        (0.9 * err.powf(-0.25)).clamp(0.2, 4.0)
    } else {
        4.0
    }
}

/// Takes an accepted step's ρ and Ψ into `state`, projecting ρ back onto the vacuum-axis
/// lepton numbers when `project` (every stage conserved them and the options ask for it).
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
        per_system(&mut state.rho, |k, r| *r = out[k].rho_new);
    }
    if let Some((axes, target)) = restore {
        let (v, g) = (&mut w.v, &mut w.g);
        if restore_lepton_numbers(problem, axes, &target, &mut state.rho, v, g) {
            let v = &w.v;
            per_system(&mut w.out, |k, o| o.u = mul_blocks(&v[k], &o.u));
        }
    }
    let out = &w.out;
    per_system(&mut state.psi, |k, p| *p = mul_blocks(&out[k].u, p));
}
