//! Exact degeneracy inside a coupled block: Dirac neutrinos whose only helicity coupling is
//! the transverse matter current (mass × v⊥ × density). Where the density vanishes the two
//! helicity blocks are exactly degenerate (both U M² U†/2E) although the coupling pattern
//! couples them; in the vacuum between two matter segments H is constant, so the exact
//! propagator is known piece by piece. The method must finish in a bounded number of steps
//! and agree with DOP853 and with the exact vacuum propagator.

use crate::evolve_common;
use evolve_common::*;
use nuspin::evolve::{propagate_constant, solve, Method, Record, SolverOptions};
use nuspin::medium::Side;
use nuspin::prelude::*;
use nuspin::units::AVOGADRO;

/// ρ = 4ρ₀ s(1 − s) on each matter segment (s the position inside it, vanishing at both
/// ends: the star's ρ_c(1 − (R/R*)²) goes to zero at the surface the same way), vacuum
/// between, with a constant transverse matter velocity.
fn two_segments(rho0: f64, v_perp: f64) -> FnMedium {
    FnMedium {
        profile: Box::new(move |x, side| {
            let seg = |a: f64| {
                let s = x - a;
                let inside = (s > 0.0 || (s == 0.0 && side == Side::Right))
                    && (s < 1.0 || (s == 1.0 && side == Side::Left));
                inside.then_some((4.0 * rho0 * s * (1.0 - s), 4.0 * rho0 * (1.0 - 2.0 * s)))
            };
            let (rho, drho) = seg(0.0).or_else(|| seg(2.0)).unwrap_or((0.0, 0.0));
            let ye = 0.1;
            let (ne, dne) = (rho * ye * AVOGADRO, drho * ye * AVOGADRO);
            let r = (1.0 - ye) / ye;
            let p = MediumPoint {
                ne_cm3: ne,
                nn_cm3: ne * r,
                v_perp: if rho > 0.0 { v_perp } else { 0.0 },
                ..Default::default()
            };
            let d = MediumPoint {
                ne_cm3: dne,
                nn_cm3: dne * r,
                ..Default::default()
            };
            (p, d)
        }),
        breaks: vec![1.0, 2.0],
        present: nuspin::medium::PresentQuantities {
            v_perp: true,
            ..MATTER
        },
        piecewise: false,
    }
}

fn model() -> Model {
    let mixing = Mixing::from_preset(Preset::Nufit52No, 0.1, &[]).expect("preset");
    Model::new(Basis::DiracNeutrino, mixing, Moments::zero())
}

#[test]
fn vacuum_between_matter_segments_with_transverse_current() {
    let model = model();
    let medium = two_segments(1e8, 0.2);
    let e_mev = 1e-3;
    let h = ham::<6>(&model, e_mev, &medium);
    let options = SolverOptions {
        max_steps: 200_000,
        ..SolverOptions::default()
    };
    let t = std::time::Instant::now();
    let m = solve(&h, 0.0, 3.0, &Record::Points(vec![1.0, 2.0, 3.0]), &options)
        .expect("magnus finishes");
    println!("magnus {:?} in {:?}", m.stats, t.elapsed());
    assert!(
        m.stats.accepted + m.stats.rejected <= 20_000,
        "{:?}",
        m.stats
    );
    assert!(m.stats.max_unitarity_error <= 1e-10);
    // The vacuum piece is exact: S(2) = exp(−iH_vac) S(1).
    let vac = propagate_constant::<6>(&model, e_mev, &MediumPoint::default(), 1.0);
    let (s1, s2) = (m.propagators[0], m.propagators[1]);
    let dv = max_dp(&(vac * s1), &s2);
    assert!(dv <= 1e-9, "vacuum piece: max |ΔP| = {dv:e}");
    let d = run(&h, 0.0, 3.0, Method::Dop853, 1e-12);
    let dp = max_dp(&m.propagators[2], &last(&d));
    println!("dop853 {:?}; max |ΔP| = {dp:e}", d.stats);
    assert!(dp <= 1e-6, "max |ΔP| = {dp:e}");
}
