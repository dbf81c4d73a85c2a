//! Shared helpers of the evolve tests: Hamiltonians, solver options and comparisons. The
//! analytic media (exponential Sun, supernova envelope, `FnMedium`) and the NuFIT model are
//! the library's reference problems ([`nuspin::reference`]), re-exported here.
#![allow(dead_code)]
// Each test binary uses a different subset of the re-exported reference problems.
#![allow(unused_imports)]

use nuspin::evolve::{solve, Method, Record, Solution, SolverOptions};
use nuspin::hamiltonian::{MediumHamiltonian, PathHamiltonian};
use nuspin::prelude::*;

pub use nuspin::reference::supernova::supernova;
pub use nuspin::reference::{
    flavour_moments as moments, matter_point, solar::exp_sun, three_flavour_model as model3,
    FnMedium, MATTER, MATTER_B,
};

pub fn ham<'a, const D: usize>(
    model: &Model,
    e_mev: f64,
    medium: &'a FnMedium,
) -> MediumHamiltonian<'a, D> {
    MediumHamiltonian::new(EnergyHamiltonian::<D>::new(model, e_mev * 1e6), medium)
}

pub fn opts(method: Method, rtol: f64) -> SolverOptions {
    SolverOptions {
        method,
        rtol,
        atol: rtol,
        ..SolverOptions::default()
    }
}

pub fn run<const D: usize>(
    h: &dyn PathHamiltonian<D>,
    a: f64,
    b: f64,
    method: Method,
    rtol: f64,
) -> Solution<D> {
    solve(h, a, b, &Record::End, &opts(method, rtol)).expect("integration succeeds")
}

/// max over all (a, b) of |P_ab − P′_ab|.
pub fn max_dp<const D: usize>(s: &CMat<D>, t: &CMat<D>) -> f64 {
    let (p, q) = (probabilities(s), probabilities(t));
    let mut worst: f64 = 0.0;
    for a in 0..D {
        for b in 0..D {
            worst = worst.max((p[a][b] - q[a][b]).abs());
        }
    }
    worst
}

/// The last propagator of a solution.
pub fn last<const D: usize>(s: &Solution<D>) -> CMat<D> {
    *s.propagators.last().expect("at least one record")
}
