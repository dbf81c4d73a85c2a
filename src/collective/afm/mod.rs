//! The adiabatic-frame method ("AFM", docs/collective.md "The adiabatic-frame stepper") for
//! the case where it applies — two flavours, Majorana, no helicity-flip term, a matter term
//! common to ν and ν̄ — then CF4 ([`super::solve_lie`]) from the hand-over radius on.
//!
//! - `step`: one step of the polarisation-vector form (the frame, the shared Magnus
//!   integrals, the d iteration);
//! - `magnus`: the Magnus exponent Ω₁ + Ω₂ + Ω₃ of every system from integrals shared by
//!   all systems;
//! - `quad`: Gauss panels with running integrals and the fit of S over a step;
//! - `vectors`: ρ ↔ polarisation vectors, rotations ↔ SU(2) blocks of Ψ, and the check of
//!   whether a problem has the form the method needs;
//! - here: the adaptive driver (step doubling), records and the hand-over.

mod magnus;
mod quad;
mod step;
mod vectors;

use nalgebra::UnitQuaternion;

use self::quad::V3;
use self::step::{StepFailure, StepWork, Systems};
use self::vectors::{reduce, VectorForm};
use super::lie::{record_stops, solve_lie_until, CollectiveSolution, CollectiveState, LieOptions};
use super::system::CollectiveProblem;
use super::watch::StepWatch;
use super::CollectiveError;

/// Options of [`solve_afm_then_lie`]. The tolerance is the CF4 one ([`LieOptions::tol`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AfmOptions {
    /// AFM runs while the collective rate g|P| is at least this many times the largest
    /// vacuum rate |ω| of any bin; CF4 takes over below.
    pub handover_ratio: f64,
    /// Most passes of the d(r) iteration per step before the step is shortened.
    pub max_passes: usize,
    /// First trial step, km.
    pub initial_step_km: f64,
    /// CF4 takes over when the AFM step would fall below this (km): where the frame's
    /// truncated Magnus series or the d iteration no longer reach `tol` with long steps.
    pub min_step_km: f64,
    /// When set, exactly this many equal AFM steps per record interval, no control and no
    /// hand-over (for convergence-order tests).
    pub fixed_steps: Option<u64>,
    /// Step control by step doubling (one step of h against two of h/2: three steps per
    /// trial; the default), else by the embedded estimate: the size of the step's Ω₃ term,
    /// one step per trial. The embedded one is cheaper per trial but pessimistic (it is the
    /// error of the method without Ω₃): it takes 3.5× more steps at tol 1e-11 and costs the
    /// same at tol 1e-6 (docs/collective.md).
    pub step_doubling: bool,
}

impl Default for AfmOptions {
    fn default() -> Self {
        AfmOptions {
            handover_ratio: 10.0,
            max_passes: 40,
            initial_step_km: 1e-3,
            min_step_km: 1e-4,
            fixed_steps: None,
            step_doubling: true,
        }
    }
}

/// What the AFM part did (the CF4 part's work is in the solution's stats).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct AfmStats {
    pub accepted: u64,
    pub rejected: u64,
    /// Passes of the d iteration summed over all steps (three steps per trial).
    pub passes: u64,
    /// Where CF4 took over (None: AFM did not run, or ran to the end).
    pub handover_km: Option<f64>,
    /// Why AFM did not run at all (the problem's form), when it did not.
    pub not_applicable: Option<&'static str>,
}

/// Whether [`solve_afm_then_lie`] would use AFM for this problem (Err: why not).
pub fn afm_applies<const D: usize>(problem: &CollectiveProblem<'_, D>) -> Result<(), &'static str> {
    VectorForm::new(problem).map(|_| ())
}

/// Scratch of the driver.
struct Driver<'p, 'm, const D: usize> {
    problem: &'p CollectiveProblem<'m, D>,
    form: VectorForm<'p>,
    work: StepWork,
    big: Vec<UnitQuaternion<f64>>,
    first: Vec<UnitQuaternion<f64>>,
    mid: Vec<V3>,
    tol: f64,
    max_passes: usize,
    doubling: bool,
}

/// One AFM step of `work` for the reduced problem `form`; counts its passes.
#[allow(clippy::too_many_arguments)]
fn one_step(
    work: &mut StepWork,
    form: &VectorForm<'_>,
    r: f64,
    h: f64,
    v: &[V3],
    tol: f64,
    max_passes: usize,
    passes: &mut u64,
) -> Result<(), StepFailure> {
    let sys = Systems {
        eps: &form.eps,
        trace: &form.trace,
        b: form.b,
    };
    work.step(&form.field, &sys, r, h, v, tol, max_passes)?;
    *passes += work.passes as u64;
    Ok(())
}

impl<const D: usize> Driver<'_, '_, D> {
    /// One trial: Ok(err/tol) with `first` the accepted rotations. Embedded: one step, err
    /// the size of its Ω₃ term. Doubling: a step of h and two of h/2 (kept, composed).
    fn trial(&mut self, r: f64, h: f64, v: &[V3], passes: &mut u64) -> Result<f64, StepFailure> {
        let (tol, mp) = (self.tol, self.max_passes);
        if !self.doubling {
            one_step(&mut self.work, &self.form, r, h, v, tol, mp, passes)?;
            // A retry after a rejection starts from the same state: this step's S is its guess.
            self.work.keep_guess(r, h);
            self.first.clone_from(&self.work.rot);
            return Ok(self.work.third_size / tol);
        }
        one_step(&mut self.work, &self.form, r, h, v, tol, mp, passes)?;
        // The half steps (and a retry with a shorter h) lie inside this step's span: its
        // converged S and d are their first guess (about one pass fewer per step).
        self.work.keep_guess(r, h);
        self.big.clone_from(&self.work.rot);
        one_step(&mut self.work, &self.form, r, 0.5 * h, v, tol, mp, passes)?;
        self.first.clone_from(&self.work.rot);
        for ((m, q), x) in self.mid.iter_mut().zip(&self.first).zip(v) {
            *m = q.transform_vector(x);
        }
        let mid = &self.mid;
        one_step(
            &mut self.work,
            &self.form,
            r + 0.5 * h,
            0.5 * h,
            mid,
            tol,
            mp,
            passes,
        )?;
        let mut err: f64 = 0.0;
        let rows = self.first.iter_mut().zip(&self.work.rot).zip(&self.big);
        for (s, ((first, second), big)) in rows.enumerate() {
            let two = second.transform_vector(&self.mid[s]);
            let one = big.transform_vector(&v[s]);
            let trace = (2.0 * self.form.trace[s]).max(f64::MIN_POSITIVE);
            err = err.max((two - one).norm() / trace);
            *first = second * *first;
        }
        Ok(err / tol)
    }

    /// One uncontrolled step (fixed-step runs): `first` its rotations, Ok(0).
    fn single(&mut self, r: f64, h: f64, v: &[V3], passes: &mut u64) -> Result<f64, StepFailure> {
        let (tol, mp) = (self.tol, self.max_passes);
        one_step(&mut self.work, &self.form, r, h, v, tol, mp, passes)?;
        self.first.clone_from(&self.work.rot);
        Ok(0.0)
    }

    fn collective_rate(&self, r: f64, v: &[V3]) -> f64 {
        self.problem.geometry().g(r) * v.iter().sum::<V3>().norm()
    }
}

/// Integrates like [`super::solve_lie_until`], with AFM from `start` while it applies and
/// pays (g|P| ≥ `handover_ratio` × the largest |ω|, steps ≥ `min_step_km`), then CF4 from the AFM state (ρ and Ψ) to
/// `end_km`. When the problem is not of the AFM form (three flavours, Dirac, a helicity-flip
/// term, a flavour-asymmetric ν̄ matter term) or `lie.fixed_steps` is set, this is CF4 alone.
pub fn solve_afm_then_lie<const D: usize>(
    problem: &CollectiveProblem<'_, D>,
    start: CollectiveState<D>,
    end_km: f64,
    record_km: &[f64],
    lie: &LieOptions,
    afm: &AfmOptions,
    watch: &dyn StepWatch,
) -> Result<(CollectiveSolution<D>, AfmStats), CollectiveError> {
    let mut stats = AfmStats::default();
    let form = match (lie.fixed_steps, VectorForm::new(problem)) {
        (None, Ok(form)) => form,
        (Some(_), _) => {
            stats.not_applicable = Some("fixed steps requested");
            let sol = solve_lie_until(problem, start, end_km, record_km, lie, watch)?;
            return Ok((sol, stats));
        }
        (None, Err(why)) => {
            stats.not_applicable = Some(why);
            let sol = solve_lie_until(problem, start, end_km, record_km, lie, watch)?;
            return Ok((sol, stats));
        }
    };
    if end_km.is_nan() || end_km <= start.r_km {
        return Err(CollectiveError::Input(format!(
            "end {end_km} km must be beyond the start {} km",
            start.r_km
        )));
    }
    let n = form.eps.len();
    let mut d = Driver {
        problem,
        form,
        work: StepWork::new(),
        big: vec![UnitQuaternion::identity(); n],
        first: vec![UnitQuaternion::identity(); n],
        mid: vec![V3::zeros(); n],
        tol: lie.tol,
        max_passes: afm.max_passes,
        doubling: afm.step_doubling,
    };
    let (records, state) = run_afm(
        &mut d, start, end_km, record_km, lie, afm, watch, &mut stats,
    )?;
    let Some(state) = state else {
        return Ok((
            CollectiveSolution {
                records,
                stats: Default::default(),
            },
            stats,
        ));
    };
    stats.handover_km = Some(state.r_km);
    let rest: Vec<f64> = record_km
        .iter()
        .copied()
        .filter(|&x| x > state.r_km)
        .collect();
    let mut sol = solve_lie_until(problem, state, end_km, &rest, lie, watch)?;
    let mut all = records;
    all.append(&mut sol.records);
    Ok((
        CollectiveSolution {
            records: all,
            stats: sol.stats,
        },
        stats,
    ))
}

/// AFM from `start`: the records it passes, and the hand-over state (None: it reached the end).
#[allow(clippy::too_many_arguments)]
fn run_afm<const D: usize>(
    d: &mut Driver<'_, '_, D>,
    start: CollectiveState<D>,
    end_km: f64,
    record_km: &[f64],
    lie: &LieOptions,
    afm: &AfmOptions,
    watch: &dyn StepWatch,
    stats: &mut AfmStats,
) -> Result<(Vec<CollectiveState<D>>, Option<CollectiveState<D>>), CollectiveError> {
    let stops = record_stops(start.r_km, end_km, record_km);
    let v0 = reduce(&start.rho);
    let mut v = v0.clone();
    let mut acc = vec![UnitQuaternion::identity(); v.len()];
    let omega_max = d.form.eps.iter().fold(0.0f64, |m, e| m.max(e.abs()));
    let h_cap = lie.max_step_km.min(1.0 / omega_max);
    let mut h = afm.initial_step_km.min(h_cap);
    let mut r = start.r_km;
    let mut records = Vec::new();
    for &stop in &stops {
        let fixed_h = afm.fixed_steps.map(|n| (stop - r) / n.max(1) as f64);
        while r < stop {
            if fixed_h.is_none() && d.collective_rate(r, &v) < afm.handover_ratio * omega_max {
                return Ok((records, Some(vectors::state_from(&start, &acc, r))));
            }
            if watch.before_step(r) {
                return Err(CollectiveError::Stopped { r_km: r });
            }
            if stats.accepted + stats.rejected >= lie.max_steps {
                return Err(CollectiveError::TooManySteps {
                    r_km: r,
                    steps: lie.max_steps,
                });
            }
            let remaining = stop - r;
            if let Some(hf) = fixed_h {
                h = hf;
            }
            let last = h >= remaining * (1.0 - 1e-12);
            let trial = if last { remaining } else { h };
            let outcome = match fixed_h {
                Some(_) => d.single(r, trial, &v, &mut stats.passes),
                None => d.trial(r, trial, &v, &mut stats.passes),
            };
            match judge(outcome, trial, fixed_h.is_some(), r)? {
                Verdict::Accept(err) => {
                    stats.accepted += 1;
                    // The next trial starts from a new state beyond the guess's span.
                    d.work.drop_guess();
                    let rows = acc.iter_mut().zip(v.iter_mut());
                    for ((a, x), (q, x0)) in rows.zip(d.first.iter().zip(&v0)) {
                        *a = q * *a;
                        *x = a.transform_vector(x0);
                    }
                    r = if last { stop } else { r + trial };
                    if !last || trial >= h {
                        h = (trial * (0.9 * err.powf(-0.2)).clamp(0.2, 4.0)).min(h_cap);
                    }
                }
                Verdict::Reject(next) => {
                    stats.rejected += 1;
                    h = next;
                }
                Verdict::HandOver => {
                    return Ok((records, Some(vectors::state_from(&start, &acc, r))));
                }
            }
            if fixed_h.is_none() && h < afm.min_step_km {
                return Ok((records, Some(vectors::state_from(&start, &acc, r))));
            }
        }
        records.push(vectors::state_from(&start, &acc, r));
    }
    Ok((records, None))
}

/// What a trial's outcome means for the driver.
enum Verdict {
    /// Accept; the error relative to tol.
    Accept(f64),
    /// Retry with this step.
    Reject(f64),
    /// CF4 takes over here.
    HandOver,
}

fn judge(
    outcome: Result<f64, StepFailure>,
    trial: f64,
    fixed: bool,
    r_km: f64,
) -> Result<Verdict, CollectiveError> {
    Ok(match outcome {
        Ok(err) if err <= 1.0 => Verdict::Accept(err),
        Ok(err) if err.is_finite() => {
            Verdict::Reject(trial * (0.9 * err.powf(-0.2)).clamp(0.2, 0.9))
        }
        Ok(_) | Err(StepFailure::NonFinite) => return Err(CollectiveError::NonFinite { r_km }),
        Err(StepFailure::Flip) => Verdict::HandOver,
        Err(_) if fixed => {
            return Err(CollectiveError::Input(format!(
                "AFM step failed at {r_km} km"
            )))
        }
        Err(_) => Verdict::Reject(0.25 * trial),
    })
}
