//! The `layers` method: exact exponentiation on piecewise-constant media, one exp(−iHL) per
//! interval between consecutive stops, with H taken at the interval's midpoint.

use super::eval::Evaluator;
use super::options::{EvolveError, Record};
use super::track::{stops, Recorder};
use super::Solution;
use crate::hamiltonian::{CMat, PathHamiltonian};
use crate::linalg::exp_minus_i_h_t;
use crate::medium::Side;

/// Integrates a piecewise-constant H exactly; see [`super::solve`].
pub fn solve_layers<const D: usize, H: PathHamiltonian<D> + ?Sized>(
    h: &H,
    start_km: f64,
    end_km: f64,
    record: &Record,
) -> Result<Solution<D>, EvolveError> {
    if !h.is_piecewise_constant() {
        return Err(EvolveError::NotPiecewiseConstant);
    }
    let stop_list = stops(start_km, end_km, h.breakpoints(), record)?;
    let mut ev = Evaluator::new(h);
    let mut recorder = Recorder::new(start_km, record);
    let mut s = CMat::<D>::identity();
    let mut x = start_km;
    for stop in &stop_list {
        let length = stop.x_km - x;
        let hm = ev.h(0.5 * (x + stop.x_km), Side::Right)?;
        s = exp_minus_i_h_t(&hm, length) * s;
        x = stop.x_km;
        ev.stats.accepted += 1;
        recorder.after_step(x, &s, Some(stop));
    }
    Ok(recorder.finish(record, &s, ev.stats))
}
