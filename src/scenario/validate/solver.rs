//! `[solver]`: method and tolerances, stored as `evolve::SolverOptions`.

use crate::evolve::{Method, SolverOptions};
use crate::scenario::raw::RawSolver;

use super::{Checker, Result};

impl Checker<'_> {
    pub(super) fn solver(&self, s: RawSolver, default_method: Method) -> Result<SolverOptions> {
        let method = s.method.map_or(default_method, |w| w.0);
        let rtol = self.positive("solver.rtol", s.rtol.unwrap_or(1e-6))?;
        let atol = self.positive("solver.atol", s.atol.unwrap_or(1e-9))?;
        let max_step_km = s.max_step_km.unwrap_or(f64::INFINITY);
        if max_step_km.is_nan() || max_step_km <= 0.0 {
            return Err(self.err(
                "solver.max_step_km",
                format!("must be > 0 (or inf), got {max_step_km}"),
            ));
        }
        let max_steps = s.max_steps.unwrap_or(10_000_000);
        if max_steps < 1 {
            return Err(self.err("solver.max_steps", format!("must be >= 1, got {max_steps}")));
        }
        Ok(SolverOptions {
            method,
            rtol,
            atol,
            max_step_km,
            max_steps: max_steps as u64,
        })
    }
}
