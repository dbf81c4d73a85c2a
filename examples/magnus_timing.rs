//! Times the `magnus` method per energy and per step on the bench's solar and supernova 6×6
//! cases (release build: `REPS=50 cargo run --release --example magnus_timing`; CPU time is
//! the number to read on a shared machine).

use std::time::Instant;

use nuspin::evolve::{solve, Record, SolverOptions};
use nuspin::hamiltonian::MediumHamiltonian;
use nuspin::medium::{Medium, MediumError, PresentQuantities, Side};
use nuspin::prelude::*;
use nuspin::units::{AVOGADRO, R_SUN_KM};

/// n_e(x) = n₀ f(x), Y_e fixed, B⊥(x) = b₀ g(x): the exponential Sun or the supernova.
struct Analytic {
    sun: bool,
}

impl Medium for Analytic {
    fn point(&self, x: f64, side: Side) -> Result<MediumPoint, MediumError> {
        Ok(self.point_and_slope(x, side)?.0)
    }
    fn point_and_slope(&self, x: f64, _s: Side) -> Result<(MediumPoint, MediumPoint), MediumError> {
        let (ne, dne, ye, b, db) = if self.sun {
            let k = 10.54 / R_SUN_KM;
            let ne = 245.0 * AVOGADRO * (-k * x).exp();
            (ne, -k * ne, 0.7, 0.0, 0.0)
        } else {
            let ne = 1e4 * (1e4 / x).powi(3) * 0.5 * AVOGADRO;
            let b = 1e10 * (1e4 / x).powi(2);
            (ne, -3.0 * ne / x, 0.5, b, -2.0 * b / x)
        };
        let r = (1.0 - ye) / ye;
        let p = MediumPoint {
            ne_cm3: ne,
            nn_cm3: ne * r,
            b_perp_gauss: b,
            ..Default::default()
        };
        let d = MediumPoint {
            ne_cm3: dne,
            nn_cm3: dne * r,
            b_perp_gauss: db,
            ..Default::default()
        };
        Ok((p, d))
    }
    fn breakpoints(&self) -> Vec<f64> {
        vec![]
    }
    fn present_quantities(&self) -> PresentQuantities {
        PresentQuantities {
            matter: true,
            b_par: false,
            b_perp: !self.sun,
            v_perp: false,
            pol: false,
        }
    }
}

fn model() -> Model {
    let mixing = Mixing::from_preset(Preset::Nufit52No, 0.01, &[]).expect("preset");
    let input = MomentInput {
        basis: Some(MomentBasis::Flavour),
        magnetic_mu_b: vec![("e_mu".into(), num_complex::Complex64::new(1e-12, 0.0))],
        electric_mu_b: vec![],
    };
    let moments = Moments::new(&input, Nature::Majorana, &mixing).expect("moments");
    Model::new(Basis::Majorana, mixing, moments)
}

/// CPU time of this process (user + system), s, from /proc/self/stat (Linux; 0 elsewhere):
/// wall time is meaningless on a loaded machine.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

fn main() {
    let reps: usize = std::env::var("REPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let model = model();
    let cases = [
        (
            "sun-10MeV",
            Analytic { sun: true },
            0.05 * R_SUN_KM,
            R_SUN_KM,
            10.0,
        ),
        ("supernova-20MeV", Analytic { sun: false }, 1e4, 1e6, 20.0),
    ];
    // CASE=sun or CASE=supernova runs one case (e.g. under callgrind).
    let only = std::env::var("CASE").unwrap_or_default();
    for (name, medium, a, b, e) in cases.iter().filter(|c| c.0.starts_with(only.as_str())) {
        let h = MediumHamiltonian::new(EnergyHamiltonian::<6>::new(&model, e * 1e6), medium);
        let opts = SolverOptions::default();
        let t = Instant::now();
        let c = cpu_seconds();
        let mut m = None;
        for _ in 0..reps {
            m = Some(solve(&h, *a, *b, &Record::End, &opts).expect("magnus"));
        }
        let dt = t.elapsed().as_secs_f64() / reps as f64;
        let dc = (cpu_seconds() - c) / reps as f64;
        let st = m.expect("ran").stats;
        let attempts = st.accepted + st.rejected;
        println!(
            "{name}: {:.3} ms per energy ({:.3} ms CPU), {} accepted + {} rejected, {:.1} us \
             per attempt ({:.1} us CPU)",
            dt * 1e3,
            dc * 1e3,
            st.accepted,
            st.rejected,
            dt * 1e6 / attempts as f64,
            dc * 1e6 / attempts as f64
        );
    }
}
