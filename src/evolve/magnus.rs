//! The `magnus` method's driver (docs/integrators.md, "The error estimate and the tolerance",
//! "Breakpoints, kinks and table rows"): step-size control, stops at breakpoints and record points,
//! reuse of the right node as the next left node, and the flavour-frame Magnus-6 fallback when the
//! adiabatic step size collapses.

use num_complex::Complex64;

use super::adiabatic::{adiabatic_step, Attempt, Piece};
use super::eval::Evaluator;
use super::flavour::{gauss_defect, magnus46, traceless_norm, GAUSS3, MAX_PHASE_RAD};
use super::frame::{Blocks, Node};
use super::kinked::kinked_step;
use super::options::{EvolveError, Record, SolverOptions};
use super::track::{stops, Recorder, Stop};
use super::Solution;
use crate::hamiltonian::{CMat, PathHamiltonian};
use crate::linalg::{exp_minus_i_h_t, mul};
use crate::medium::Side;

type C = Complex64;

/// The adiabatic step has collapsed below this fraction of its segment (docs/integrators.md, "The
/// error estimate and the tolerance": the fallback).
const COLLAPSE: f64 = 1e-6;
/// The fallback integrates this many collapsed step lengths before restarting (the same).
const FALLBACK_SPAN: f64 = 50.0;
/// A step that overlaps a stretch with a step limit (docs/integrators.md, "Step limits") must meet
/// this fraction of rtol. The limit makes each step's estimate honest, but such stretches take
/// 5e4–1e6 steps whose small errors added up to 0.2–5 × rtol at rtol 1e-6, with no trend in
/// the number of steps (so a factor scaled by N or √N would not follow the measurements): a
/// fixed margin of ~3 brought every measured case within rtol at 1e-6 and 1e-8 (BENCHMARKS.md,
/// "Stop 30: turbulence tolerance inside the region").
const LIMITED_STRETCH_TOL_FACTOR: f64 = 0.3;

/// Steps across kinks meet rtol × (rtol / [`TOL_REF_RTOL`])^[`KINKED_TOL_EXPONENT`]
/// below the reference rtol (tolerance proportionality; docs/integrators.md, "The error
/// estimate and the tolerance"). With the
/// error-per-step control of these steps, the global |ΔP| over a kinked track grew like
/// rtol^0.6 instead of rtol: achieved/rtol rose ×2–3 per decade from 1e-6 to 1e-8 on the BS05
/// Sun and the 300-row table, to 2.6 × rtol at 1e-8, while on smooth media it stayed flat
/// (BENCHMARKS.md, "Issue 15, stop 33"). If the global error goes like tol^(1−α) with
/// α ≈ 0.4, a local tolerance rtol^(1/(1−α)) makes it proportional to rtol: exponent
/// α/(1−α) = 2/3. At and above the reference (the default rtol) nothing changes.
const KINKED_TOL_EXPONENT: f64 = 2.0 / 3.0;
/// The same construction for smooth steps, from the growth the smooth tracks show: the
/// shocked supernova's achieved/rtol grows like rtol^−0.11 from 1e-5 to 1e-8 (geometric
/// means 0.18 / 0.26 / 0.30 / 0.39), many steps each well inside their estimate adding up
/// (Σ true local errors 18–30 × rtol), which took 2 of 704 swept cells to 1.05–1.16 × rtol
/// (BENCHMARKS.md, "Issue 15, stop 34"). α = 0.11 gives α/(1−α) ≈ 1/8: a factor 0.75 at
/// rtol 1e-7 and 0.56 at 1e-8.
const SMOOTH_TOL_EXPONENT: f64 = 1.0 / 8.0;
/// The rtol at and above which every step keeps rtol itself: the default, whose cost is the
/// benchmark's (`solar-8b`), and whose achieved/rtol stayed below 1 in every swept cell.
const TOL_REF_RTOL: f64 = 1e-6;
/// Below this rtol the factors are held at their values here (0.046 across kinks, 0.56 on
/// smooth steps): the rules were measured down to rtol 1e-8, and a further power would push
/// the steps of a 1e-12 reference into round-off (rtol 1e-12 would ask 1e-16 of a kinked step).
const TOL_FLOOR_RTOL: f64 = 1e-8;

/// The factor on rtol for a step: 1 at rtol ≥ 1e-6, (rtol/1e-6)^exponent down to rtol 1e-8,
/// held below; the exponent is [`KINKED_TOL_EXPONENT`] for a step across kinks, else
/// [`SMOOTH_TOL_EXPONENT`].
fn tol_factor(rtol: f64, across_kinks: bool) -> f64 {
    let exponent = if across_kinks {
        KINKED_TOL_EXPONENT
    } else {
        SMOOTH_TOL_EXPONENT
    };
    let r = rtol.clamp(TOL_FLOOR_RTOL, TOL_REF_RTOL);
    (r / TOL_REF_RTOL).powf(exponent)
}

struct Driver<'a, const D: usize, H: PathHamiltonian<D> + ?Sized> {
    ev: Evaluator<'a, D, H>,
    blocks: Blocks<D>,
    options: &'a SolverOptions,
    s: CMat<D>,
    x: f64,
    recorder: Recorder<D>,
    attempts: u64,
    /// Keep the Berry term k_aa (always, except in the ablation test).
    berry: bool,
    end_km: f64,
    /// Position at the start of the current stagnation window.
    window_x: f64,
    /// Scratch for the pieces of a step across kinks (reused, not reallocated per step).
    pieces: Vec<Piece<D>>,
}

/// One attempted step of [`Driver::segment`]: where it ends (x₁), its length `hstep` (x₁ − x₀
/// up to round-off; the controller scales the next step from it), its tolerance, and the
/// range of the path's kinks strictly inside it (`kinks()[kinks_from..kinks_to]`).
struct Trial {
    x1: f64,
    hstep: f64,
    tol: f64,
    kinks_from: usize,
    kinks_to: usize,
}

/// Attempts per stagnation window: the progress over a window projects the attempts needed
/// for the rest of the track.
const WINDOW: u64 = 100_000;
/// Stop when the projection exceeds this multiple of `max_steps`: a stuck run then fails
/// after one window (about a second) instead of running into `max_steps` for minutes, while a
/// local slow patch that the budget could still cover is let through.
const STAGNATION_FACTOR: f64 = 10.0;

/// Integrates with the adiabatic-frame method; see [`super::solve`].
pub fn solve_magnus<const D: usize, H: PathHamiltonian<D> + ?Sized>(
    h: &H,
    start_km: f64,
    end_km: f64,
    record: &Record,
    options: &SolverOptions,
) -> Result<Solution<D>, EvolveError> {
    solve_magnus_ablated(h, start_km, end_km, record, options, true)
}

/// [`solve_magnus`] with the Berry term switchable, for its ablation test only (dropping it is
/// wrong on twisting fields; docs/integrators.md, "The step in formulas": couplings).
#[doc(hidden)]
pub fn solve_magnus_ablated<const D: usize, H: PathHamiltonian<D> + ?Sized>(
    h: &H,
    start_km: f64,
    end_km: f64,
    record: &Record,
    options: &SolverOptions,
    berry: bool,
) -> Result<Solution<D>, EvolveError> {
    let stop_list = stops(start_km, end_km, h.breakpoints(), record)?;
    let mut d = Driver {
        ev: Evaluator::new(h),
        blocks: Blocks::from_pattern(&h.coupling_pattern()),
        options,
        s: CMat::<D>::identity(),
        x: start_km,
        recorder: Recorder::new(start_km, record),
        attempts: 0,
        berry,
        end_km,
        window_x: start_km,
        pieces: Vec::new(),
    };
    let mut step = f64::INFINITY;
    for stop in &stop_list {
        step = d.segment(stop, step)?;
    }
    let mut stats = d.ev.stats;
    stats.max_unitarity_error = d.recorder.max_unitarity_error;
    Ok(d.recorder.finish(record, &d.s, stats))
}

impl<const D: usize, H: PathHamiltonian<D> + ?Sized> Driver<'_, D, H> {
    fn count_attempt(&mut self) -> Result<(), EvolveError> {
        self.attempts += 1;
        if super::cancel::requested() {
            return Err(EvolveError::Interrupted { x_km: self.x });
        }
        if self.attempts > self.options.max_steps {
            return Err(EvolveError::TooManySteps {
                x_km: self.x,
                steps: self.options.max_steps,
            });
        }
        if self.attempts.is_multiple_of(WINDOW) {
            // Stagnation: at the last window's pace the track would need far more attempts.
            let advanced = self.x - self.window_x;
            let pace = advanced / WINDOW as f64;
            let projected = self.attempts as f64 + (self.end_km - self.x) / pace.max(1e-300);
            self.window_x = self.x;
            let budget = self.options.max_steps as f64 * STAGNATION_FACTOR;
            if projected > budget {
                return Err(EvolveError::Stagnated {
                    x_km: self.x,
                    attempts: self.attempts,
                    window: WINDOW,
                    advanced_km: advanced,
                    projected: projected.min(1e300),
                    max_steps: self.options.max_steps,
                });
            }
        }
        Ok(())
    }

    /// The longest step from `x0` that the path's step limits allow (docs/integrators.md, "Step
    /// limits"): every stepper takes the smaller of this and its own choice, because a step's
    /// error estimate sees the medium only at its samples.
    fn step_cap(&self, x0: f64) -> f64 {
        self.ev
            .path()
            .step_limits()
            .iter()
            .map(|l| l.allowed_from(x0))
            .fold(f64::INFINITY, f64::min)
    }

    /// The tolerance for a step over [x0, x1]: rtol, times [`LIMITED_STRETCH_TOL_FACTOR`] if
    /// the step overlaps a stretch with a step limit (so a medium without limits keeps rtol),
    /// times [`tol_factor`] (1 at the default rtol; smaller below it, more so across kinks).
    fn step_tol(&self, x0: f64, x1: f64, across_kinks: bool) -> f64 {
        let limited = self
            .ev
            .path()
            .step_limits()
            .iter()
            .any(|l| l.overlaps(x0, x1));
        let tol = if limited {
            self.options.rtol * LIMITED_STRETCH_TOL_FACTOR
        } else {
            self.options.rtol
        };
        tol * tol_factor(self.options.rtol, across_kinks)
    }

    fn accept(&mut self, x1: f64, s_step: &CMat<D>, stop: &Stop) {
        self.s = mul(s_step, &self.s);
        self.x = x1;
        let reached = (x1 == stop.x_km).then_some(stop);
        self.recorder.after_step(x1, &self.s, reached);
    }

    /// Integrates from the current x to `stop` starting with step `step`; returns the step
    /// to try next.
    fn segment(&mut self, stop: &Stop, mut step: f64) -> Result<f64, EvolveError> {
        let seg_len = stop.x_km - self.x;
        // The first segment starts with a sixteenth of its length; later ones carry the
        // controller's step across the stop (docs/integrators.md, "Breakpoints, kinks and
        // table rows": where breakpoints are denser than that step, e.g. the rows of a
        // `steps` table, this takes exactly one step per interval instead of restarting small
        // after every row).
        if !step.is_finite() {
            step = seg_len / 16.0;
        }
        let mut left: Option<Node<D>> = None;
        while self.x < stop.x_km {
            let remaining = stop.x_km - self.x;
            let Some(node0) = self.left_node(left.take())? else {
                step = self.fallback(stop, step.min(remaining))?;
                continue;
            };
            if step < COLLAPSE * seg_len {
                step = self.fallback(stop, step * FALLBACK_SPAN)?;
                continue;
            }
            self.count_attempt()?;
            let trial = self.trial(stop, step);
            let attempt = self.attempt(&node0, &trial)?;
            step = self.conclude(attempt, node0, &trial, step, stop, &mut left);
        }
        Ok(step)
    }

    /// The step's left node: the previous step's right node if it was kept, else a fresh
    /// eigendecomposition at the current x (right-hand H and H′). None if that cannot be
    /// matched into a frame, for the fallback to take over.
    fn left_node(&mut self, kept: Option<Node<D>>) -> Result<Option<Node<D>>, EvolveError> {
        if kept.is_some() {
            return Ok(kept);
        }
        let (h0, d0) = self.ev.h_and_slope(self.x, Side::Right)?;
        Ok(Node::left(self.x, &h0, &d0, &self.blocks).ok())
    }

    /// Where a step of the controller's length `step` from the current x ends: shortened to
    /// `max_step_km`, the stop and the step limits, and stretched to the stop when it would
    /// leave a sliver; its tolerance follows from whether kinks lie inside.
    fn trial(&self, stop: &Stop, step: f64) -> Trial {
        let x0 = self.x;
        let remaining = stop.x_km - x0;
        let mut hstep = step.min(self.options.max_step_km).min(remaining);
        // Land on the stop instead of leaving a sliver, but never beyond a step limit.
        if hstep * 1.01 >= remaining {
            hstep = remaining;
        }
        hstep = hstep.min(self.step_cap(x0));
        let x1 = if hstep == remaining {
            stop.x_km
        } else {
            x0 + hstep
        };
        let kinks = self.ev.path().kinks();
        let kinks_from = kinks.partition_point(|&k| k <= x0);
        let kinks_to = kinks.partition_point(|&k| k < x1);
        let tol = self.step_tol(x0, x1, kinks_from < kinks_to);
        Trial {
            x1,
            hstep,
            tol,
            kinks_from,
            kinks_to,
        }
    }

    /// One adiabatic step from `node0` over the trial: smooth (three nodes) when no kink lies
    /// inside, else piece by piece across the kinks. The attempt and its right node, or None
    /// on a structural rejection.
    fn attempt(
        &mut self,
        node0: &Node<D>,
        trial: &Trial,
    ) -> Result<Option<(Attempt<D>, Node<D>)>, EvolveError> {
        let x1 = trial.x1;
        if trial.kinks_from < trial.kinks_to {
            let inside = &self.ev.path().kinks()[trial.kinks_from..trial.kinks_to];
            return kinked_step(
                &mut self.ev,
                node0,
                x1,
                inside,
                trial.tol,
                self.berry,
                &mut self.pieces,
            );
        }
        let xm = 0.5 * (node0.x_km + x1);
        let (hm, dm) = self.ev.h_and_slope(xm, Side::Right)?;
        let (h1, d1) = self.ev.h_and_slope(x1, Side::Left)?;
        let nodes = Node::matched(xm, &hm, &dm, node0, self.berry)
            .and_then(|nm| Node::matched(x1, &h1, &d1, node0, self.berry).map(|n1| (nm, n1)));
        Ok(nodes.ok().and_then(|(nm, n1)| {
            adiabatic_step([node0, &nm, &n1], trial.tol)
                .ok()
                .map(|a| (a, n1))
        }))
    }

    /// Accepts or rejects the attempt and returns the next step length. Accepted: advance,
    /// grow or shrink the step by the controller, and keep the right node as the next left
    /// node in `left` unless H or H′ may jump at x₁. Rejected: shrink the step and keep
    /// `node0` in `left` for the retry.
    fn conclude(
        &mut self,
        attempt: Option<(Attempt<D>, Node<D>)>,
        node0: Node<D>,
        trial: &Trial,
        step: f64,
        stop: &Stop,
        left: &mut Option<Node<D>>,
    ) -> f64 {
        let (x1, hstep, tol) = (trial.x1, trial.hstep, trial.tol);
        match attempt {
            Some((a, n1)) if a.err <= tol => {
                self.ev.stats.accepted += 1;
                self.accept(x1, &a.s_step, stop);
                let fac = (0.9 * (tol / a.err.max(1e-300)).powf(0.25)).clamp(0.2, 4.0);
                // The right node is the next left node unless H or H′ may jump here.
                let kinks = self.ev.path().kinks();
                let at_kink = kinks.binary_search_by(|k| k.total_cmp(&x1)).is_ok();
                if !(at_kink || x1 == stop.x_km && stop.breakpoint) {
                    *left = n1.into_left();
                }
                // A step cut short (by the stop, a limit or `max_step_km`) does not shrink
                // the controller's step.
                if hstep < step {
                    step.max(hstep * fac)
                } else {
                    hstep * fac
                }
            }
            Some((a, _)) => {
                self.ev.stats.rejected += 1;
                *left = Some(node0);
                hstep * (0.9 * (tol / a.err).powf(0.25)).clamp(0.2, 1.0)
            }
            None => {
                // Structural rejection (a crossing, a mismatch, |Ω| > 0.5): halve
                // (docs/integrators.md, "The error estimate and the tolerance").
                self.ev.stats.rejected += 1;
                *left = Some(node0);
                0.5 * hstep
            }
        }
    }

    /// Flavour-frame Magnus-6 over `span` (or to the stop), adaptive; returns the step for
    /// the adiabatic method to restart with (docs/integrators.md, "The error estimate and the
    /// tolerance": the fallback).
    fn fallback(&mut self, stop: &Stop, span: f64) -> Result<f64, EvolveError> {
        let target = if self.x + span >= stop.x_km {
            stop.x_km
        } else {
            self.x + span
        };
        let mut hf = span;
        // H at the step's start (reused after an accepted step unless it ends on a kink).
        let mut h_start: Option<CMat<D>> = None;
        while self.x < target {
            self.count_attempt()?;
            let x0 = self.x;
            let remaining = target - x0;
            hf = hf.min(self.options.max_step_km);
            if hf >= remaining * 0.999 {
                hf = remaining;
            }
            hf = hf.min(self.step_cap(x0));
            if hf <= f64::EPSILON * x0.abs().max(remaining) * 4.0 {
                return Err(EvolveError::StepUnderflow {
                    x_km: x0,
                    step_km: hf,
                });
            }
            let mut x1 = if hf == remaining { target } else { x0 + hf };
            // Magnus-6's Gauss points assume a smooth H: end on the next kink instead.
            let kinks = self.ev.path().kinks();
            if let Some(&k) = kinks.get(kinks.partition_point(|&k| k <= x0)) {
                if k < x1 {
                    x1 = k;
                    hf = k - x0;
                }
            }
            // Fallback steps end on the next kink, never cross one.
            let tol = self.step_tol(x0, x1, false);
            let xm = 0.5 * (x0 + x1);
            let mut hs = [CMat::<D>::zeros(); 3];
            for (k, hk) in hs.iter_mut().enumerate() {
                *hk = self.ev.h(xm + GAUSS3[k] * hf, Side::Right)?;
            }
            let phase = hs.iter().map(traceless_norm).fold(0.0, f64::max) * hf;
            if phase > MAX_PHASE_RAD {
                self.ev.stats.rejected += 1;
                hf *= 0.9 * MAX_PHASE_RAD / phase;
                continue;
            }
            let (o4, o6) = magnus46(&hs, hf);
            let h0 = match h_start.take() {
                Some(h0) => h0,
                None => self.ev.h(x0, Side::Right)?,
            };
            let h1 = self.ev.h(x1, Side::Left)?;
            let err = (o6 - o4)
                .iter()
                .map(|z| z.norm())
                .fold(0.0, f64::max)
                .max(gauss_defect(&hs, [&h0, &h1], hf));
            if err <= tol {
                h_start = kinks
                    .binary_search_by(|k| k.total_cmp(&x1))
                    .is_err()
                    .then_some(h1);
                let s_step = exp_minus_i_h_t(&(o6 * C::i()), 1.0);
                self.ev.stats.accepted += 1;
                self.ev.stats.fallback_steps += 1;
                self.accept(x1, &s_step, stop);
                hf *= (0.9 * (tol / err.max(1e-300)).powf(0.2)).clamp(0.2, 4.0);
            } else {
                h_start = Some(h0);
                self.ev.stats.rejected += 1;
                hf *= (0.9 * (tol / err).powf(0.2)).clamp(0.2, 1.0);
            }
        }
        Ok(hf)
    }
}

/// One adiabatic step over [x0, x1] from scratch (no reuse; across the path's kinks inside
/// it, as the driver would take it): the propagator and the unweighted error indicators
/// (phase, Filon, slow, chirp, kink), or None on a structural rejection. For diagnostics
/// (examples/magnus_local_error.rs, examples/indicator_calibration.rs) only.
#[doc(hidden)]
pub fn diagnose_step<const D: usize, H: PathHamiltonian<D> + ?Sized>(
    h: &H,
    x0: f64,
    x1: f64,
    tol: f64,
) -> Result<Option<(CMat<D>, [f64; 6])>, EvolveError> {
    let blocks = Blocks::from_pattern(&h.coupling_pattern());
    let mut ev = Evaluator::new(h);
    let (h0, d0) = ev.h_and_slope(x0, Side::Right)?;
    let Ok(n0) = Node::left(x0, &h0, &d0, &blocks) else {
        return Ok(None);
    };
    let kinks = h.kinks();
    let inside = &kinks[kinks.partition_point(|&k| k <= x0)..kinks.partition_point(|&k| k < x1)];
    if !inside.is_empty() {
        let mut pieces = Vec::new();
        let step = kinked_step(&mut ev, &n0, x1, inside, tol, true, &mut pieces)?;
        return Ok(step.map(|(a, _)| (a.s_step, a.parts)));
    }
    let (hm, dm) = ev.h_and_slope(0.5 * (x0 + x1), Side::Right)?;
    let (h1, d1) = ev.h_and_slope(x1, Side::Left)?;
    let (Ok(nm), Ok(n1)) = (
        Node::matched(0.5 * (x0 + x1), &hm, &dm, &n0, true),
        Node::matched(x1, &h1, &d1, &n0, true),
    ) else {
        return Ok(None);
    };
    Ok(adiabatic_step([&n0, &nm, &n1], tol)
        .ok()
        .map(|a| (a.s_step, a.parts)))
}
