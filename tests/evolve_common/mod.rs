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

/// A 6×6 table of probabilities P[a][b], as the long-track accuracy checks compare them.
pub type Probs6 = [[f64; 6]; 6];

/// max over all (a, b) of |P_ab − Q_ab|.
pub fn max_diff(p: &Probs6, q: &Probs6) -> f64 {
    p.iter()
        .flatten()
        .zip(q.iter().flatten())
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max)
}

/// A truth computed once and cached as text under `$NUSPIN_TRUTH_DIR` (default
/// /tmp/nuspin-truth) in `<stem>.txt`, because the tight-tolerance truths of whole-Sun tracks
/// take minutes each.
pub fn cached_truth(stem: &str, compute: impl FnOnce() -> Probs6) -> Probs6 {
    let dir = std::env::var("NUSPIN_TRUTH_DIR").unwrap_or_else(|_| "/tmp/nuspin-truth".into());
    let path = format!("{dir}/{stem}.txt");
    if let Ok(text) = std::fs::read_to_string(&path) {
        let v: Vec<f64> = text
            .split_whitespace()
            .map(|s| s.parse().unwrap())
            .collect();
        if v.len() == 36 {
            return std::array::from_fn(|a| std::array::from_fn(|b| v[6 * a + b]));
        }
    }
    let p = compute();
    std::fs::create_dir_all(&dir).expect("truth directory");
    let text: Vec<String> = p.iter().flatten().map(|x| format!("{x:e}")).collect();
    std::fs::write(&path, text.join(" ")).expect("write truth");
    p
}

/// The last propagator of a solution.
pub fn last<const D: usize>(s: &Solution<D>) -> CMat<D> {
    *s.propagators.last().expect("at least one record")
}

/// The exponential Sun of BENCHMARKS.md's `solar-exp` as a table of `rows` equally spaced
/// radii over [0, R_sun], with a transverse field `b_gauss` twisting at `twist` rad/km.
pub fn exp_sun_table(
    rows: usize,
    b_gauss: f64,
    twist: f64,
    method: nuspin::medium::Interpolation,
) -> nuspin::medium::TableMedium {
    use nuspin::units::{AVOGADRO, R_SUN_KM};
    let mut text = String::from("x_km,ne_cm3,nn_cm3,b_perp_gauss,b_phi_rad\n");
    for i in 0..rows {
        let r = R_SUN_KM * i as f64 / (rows - 1) as f64;
        let ne = 245.0 * AVOGADRO * (-10.54 * r / R_SUN_KM).exp();
        let nn = ne * 0.3 / 0.7;
        text.push_str(&format!("{r},{ne},{nn},{b_gauss},{}\n", twist * r));
    }
    nuspin::medium::TableMedium::from_text(&text, "exp-sun.csv", method).expect("a valid table")
}
