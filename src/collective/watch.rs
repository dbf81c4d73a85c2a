//! What a collective solve tells its caller before every step: how far it is (a progress bar
//! inside one coupled solve) and whether to stop (Ctrl-C in a run).

/// Asked by the collective solvers ([`super::solve_lie_until`],
/// [`super::reference::solve_dop853_collective_until`]) before every step.
///
/// A plain stop flag is a closure: `&|| cancel.load(Ordering::Relaxed)` is a `StepWatch`.
pub trait StepWatch {
    /// The solve is at `r_km` and about to step; `true` stops it with
    /// [`super::CollectiveError::Stopped`].
    fn before_step(&self, r_km: f64) -> bool;
}

impl<F: Fn() -> bool> StepWatch for F {
    fn before_step(&self, _r_km: f64) -> bool {
        self()
    }
}
