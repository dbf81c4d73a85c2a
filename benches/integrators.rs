//! Wall time per energy, magnus vs dop853 at equal accuracy (~1e-6 in P), on a solar and a
//! supernova 6×6 case; plus one H evaluation. DOP853 (rtol 1e-10, ≈ 1e-6 in P on these
//! tracks) takes seconds per energy, so it is timed once outside criterion's sampling.

use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion};
use nuspin::evolve::{solve, Method, Record, SolverOptions};
use nuspin::hamiltonian::{MediumHamiltonian, PathHamiltonian};
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

fn bench(c: &mut Criterion) {
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
    for (name, medium, a, b, e) in &cases {
        let h = MediumHamiltonian::new(EnergyHamiltonian::<6>::new(&model, e * 1e6), medium);
        let magnus = SolverOptions::default();
        let dop = SolverOptions {
            method: Method::Dop853,
            rtol: 1e-10,
            atol: 1e-10,
            ..magnus
        };
        let t = Instant::now();
        let d = solve(&h, *a, *b, &Record::End, &dop).expect("dop853");
        let t_dop = t.elapsed();
        let t = Instant::now();
        let m = solve(&h, *a, *b, &Record::End, &magnus).expect("magnus");
        let t_mag = t.elapsed();
        eprintln!(
            "{name}: dop853 {} steps {t_dop:?}; magnus {} steps {t_mag:?}; step ratio {:.0}, time ratio {:.0}",
            d.stats.accepted,
            m.stats.accepted,
            d.stats.accepted as f64 / m.stats.accepted as f64,
            t_dop.as_secs_f64() / t_mag.as_secs_f64()
        );
        c.bench_function(&format!("magnus/{name}"), |bch| {
            bch.iter(|| solve(&h, *a, *b, &Record::End, &magnus).expect("magnus"))
        });
        c.bench_function(&format!("h_evaluation/{name}"), |bch| {
            bch.iter(|| h.h_and_slope(0.5 * (a + b), Side::Right).expect("h"))
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
