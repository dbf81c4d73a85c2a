//! Decoupled halves (evolve::split): a model whose helicity halves never couple (Dirac or
//! Majorana without moments) is solved by `magnus` as two N×N problems. Checked against the
//! 2N×2N path (the same integrator on the whole matrix) and, for the free-streaming
//! right-handed half, against its closed form exp(−i H_RR L).

use crate::evolve_common;
use evolve_common::*;
use nuspin::evolve::magnus::solve_magnus;
use nuspin::evolve::split::solve_magnus_halves;
use nuspin::evolve::{solve, Method, Record};
use nuspin::hamiltonian::PathHamiltonian;
use nuspin::linalg::exp_minus_i_h_t;
use nuspin::medium::Side;
use nuspin::prelude::*;
use nuspin::units::R_SUN_KM;

fn max_abs(m: &CMat<6>) -> f64 {
    m.iter().map(|z| z.norm()).fold(0.0, f64::max)
}

#[test]
fn dirac_without_moments_is_two_3x3_problems_equal_to_the_6x6_path() {
    let model = model3(Basis::DiracNeutrino, None);
    let sun = exp_sun(0.0, 0.0);
    let (a, b) = (0.05 * R_SUN_KM, R_SUN_KM);
    for e_mev in [2.0, 10.0] {
        let h = ham::<6>(&model, e_mev, &sun);
        let o = opts(Method::Magnus, 1e-10);
        let split = solve(&h, a, b, &Record::End, &o).expect("halves");
        let full = solve_magnus(&h, a, b, &Record::End, &o).expect("6x6");
        let (s, f) = (last(&split), last(&full));
        // The helicity blocks never mix: the off-diagonal blocks are exactly zero.
        for r in 0..6 {
            for c in 0..6 {
                if (r < 3) != (c < 3) {
                    assert_eq!(s[(r, c)], num_complex::Complex64::new(0.0, 0.0));
                }
            }
        }
        // Free streaming: the right-handed block is exp(−i H_RR (b − a)) to round-off.
        let hrr = {
            let hx = h.h(a, Side::Right).expect("H");
            CMat::<3>::from_fn(|r, c| hx[(3 + r, 3 + c)])
        };
        let exact = exp_minus_i_h_t(&hrr, b - a);
        let rr = CMat::<3>::from_fn(|r, c| s[(3 + r, 3 + c)]);
        let rr_err = (rr - exact).iter().map(|z| z.norm()).fold(0.0, f64::max);
        // The 6×6 path agrees to within the tolerance (its steps are not the halves' steps).
        let ds = max_abs(&(s - f));
        let dp = max_dp(&s, &f);
        println!(
            "{e_mev} MeV: halves {:?}, 6x6 {:?}, |ΔS| {ds:e}, |ΔP| {dp:e}, RR {rr_err:e} (phase {:e})",
            split.stats,
            full.stats,
            hrr.norm() * (b - a)
        );
        // Round-off grows with the accumulated phase |H_RR| L (~1e5–1e6 rad here).
        let phase = hrr.norm() * (b - a);
        assert!(
            rr_err <= 1e-14 * phase,
            "{e_mev} MeV: right-handed block off by {rr_err:e} (phase {phase:e} rad)"
        );
        assert!(dp <= 1e-9, "{e_mev} MeV: |ΔP| = {dp:e}");
        assert!(ds <= 1e-8, "{e_mev} MeV: |ΔS| = {ds:e}");
        assert!(split.stats.max_unitarity_error <= 1e-10);
    }
    // At the default tolerance both stay within it of each other.
    let h = ham::<6>(&model, 10.0, &sun);
    let o = opts(Method::Magnus, 1e-6);
    let split = solve(&h, a, b, &Record::End, &o).expect("halves");
    let full = solve_magnus(&h, a, b, &Record::End, &o).expect("6x6");
    let dp = max_dp(&last(&split), &last(&full));
    assert!(dp <= 1e-6, "default tolerance: |ΔP| = {dp:e}");
}

#[test]
fn halves_are_used_only_when_they_decouple() {
    let sun = exp_sun(1e5, 1e-5);
    let (a, b) = (0.05 * R_SUN_KM, 0.2 * R_SUN_KM);
    let o = opts(Method::Magnus, 1e-6);
    let free = model3(Basis::Majorana, None);
    let h = ham::<6>(&free, 10.0, &sun);
    assert!(solve_magnus_halves::<6, 3, _>(&h, a, b, &Record::End, &o).is_some());
    // Every step recorded: the halves have no common step grid, so the 6×6 path runs.
    assert!(solve_magnus_halves::<6, 3, _>(&h, a, b, &Record::AllSteps, &o).is_none());
    // A moment in a field couples the halves.
    let coupled = model3(Basis::Majorana, Some(("e_mu", 1e-12)));
    let h = ham::<6>(&coupled, 10.0, &sun);
    assert!(solve_magnus_halves::<6, 3, _>(&h, a, b, &Record::End, &o).is_none());
    assert!(solve_magnus_halves::<6, 2, _>(&h, a, b, &Record::End, &o).is_none());
}

#[test]
fn a_block_of_h_and_its_slope_is_the_whole_matrix_s_block_to_the_bit() {
    // The halves use precomputed entry lists, other blocks filter on the fly: both must give
    // the numbers of the whole 2N×2N assembly, with and without coupling terms.
    let sun = exp_sun(1e5, 1e-5);
    for model in [
        model3(Basis::DiracNeutrino, None),
        model3(Basis::Majorana, Some(("e_mu", 1e-12))),
        model3(Basis::DiracNeutrino, Some(("e_mu", 1e-12))),
    ] {
        let h = ham::<6>(&model, 7.0, &sun);
        for x in [0.01, 0.1, 0.3, 0.7].map(|f| f * R_SUN_KM) {
            let (m, d) = h.h_and_slope(x, Side::Right).expect("H");
            for (offset, n) in [(0, 3), (3, 3), (1, 2), (2, 4), (0, 6)] {
                let mut hb = vec![num_complex::Complex64::new(0.0, 0.0); n * n];
                let mut db = hb.clone();
                h.block_h_and_slope(x, Side::Right, offset, n, &mut hb, &mut db)
                    .expect("block");
                for c in 0..n {
                    for r in 0..n {
                        let (a, b) = (m[(offset + r, offset + c)], hb[c * n + r]);
                        let (da, db) = (d[(offset + r, offset + c)], db[c * n + r]);
                        for (u, v) in [(a.re, b.re), (a.im, b.im), (da.re, db.re), (da.im, db.im)] {
                            assert_eq!(u.to_bits(), v.to_bits(), "{offset} {n} ({r}, {c})");
                        }
                    }
                }
            }
        }
    }
}
