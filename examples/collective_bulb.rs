//! The single-angle bulb of docs/collective.md ("The reference set-ups") (and variants;
//! `nuspin::reference::bulb`): spectra before/after, the split, steps and wall time.
//! `cargo run --release --example collective_bulb -- [bins] [tol] [mu_muB] [b0_gauss] [b_index] [nature]`.

use std::time::Instant;

use nuspin::basis::Nature;
use nuspin::collective::observables::{helicity_flip_fraction, trace_p};
use nuspin::collective::{solve_lie, CollectiveProblem, CollectiveState, EnergyBins, LieOptions};
use nuspin::reference::bulb;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize, d: f64| args.get(i).and_then(|s| s.parse().ok()).unwrap_or(d);
    let nbins = arg(1, 80.0) as usize;
    let tol = arg(2, 1e-9);
    let mu_mub = arg(3, 0.0);
    let b0 = arg(4, 0.0);
    let b_index = arg(5, 2.0);
    let nature = if args.get(6).map(|s| s.as_str()) == Some("dirac") {
        Nature::Dirac
    } else {
        Nature::Majorana
    };
    let rho0 = arg(7, 0.0);
    let mixing = bulb::mixing_with_dm2(arg(8, -3e-3));
    let moments = bulb::transition_moment(nature, &mixing, mu_mub);
    let medium = bulb::envelope(rho0, b0, b_index);
    let emission = bulb::emission();
    let bins = EnergyBins::uniform(nbins, 80.0);
    let problem =
        CollectiveProblem::<4>::bulb(nature, &mixing, &moments, &medium, &emission, &bins).unwrap();
    let t = Instant::now();
    let records = [11.0, 20.0, 50.0, 100.0, 200.0, 500.0];
    let segments = [
        10.01, 10.1, 11.0, 12.0, 15.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0,
    ];
    let mut state = CollectiveState::initial(&problem, 10.0);
    let mut sol = None::<nuspin::collective::CollectiveSolution<4>>;
    let mut total = nuspin::collective::CollectiveStats::default();
    for &end in &segments {
        let s = solve_lie(
            &problem,
            state.clone(),
            end,
            &[],
            &LieOptions {
                tol,
                ..LieOptions::default()
            },
        )
        .unwrap();
        println!(
            "  to {end:8.2} km: {} steps",
            s.stats.accepted + s.stats.rejected
        );
        total.accepted += s.stats.accepted;
        total.rejected += s.stats.rejected;
        state = s.records.last().unwrap().clone();
        let mut s = s;
        if let Some(prev) = sol.as_mut() {
            prev.records.append(&mut s.records);
        } else {
            sol = Some(s);
        }
    }
    let mut sol = sol.unwrap();
    sol.stats = total;
    let _ = records;
    let wall = t.elapsed().as_secs_f64();
    println!(
        "bins {nbins} tol {tol:e}: accepted {} rejected {} wall {wall:.2} s",
        sol.stats.accepted, sol.stats.rejected
    );
    for rec in &sol.records {
        println!(
            "r {:7.1} km  Tr P {:.6e}  flip {:.4e}",
            rec.r_km,
            trace_p(&problem, &rec.rho),
            helicity_flip_fraction(&problem, &rec.rho)
        );
    }
    let last = sol.records.last().unwrap();
    let sys = problem.systems();
    println!("E_MeV  Pee_nu  Pee_nubar  nu_e(init,final)  nubar_e(init,final)  nuL->R");
    for (i, e) in bins.centres_mev.iter().enumerate() {
        let k = i * sys;
        let psi = &last.psi[k];
        let pee = psi[(0, 0)].norm_sqr();
        let (pbar, d0, df) = if sys == 1 {
            (
                psi[(2, 2)].norm_sqr(),
                problem.initial_diagonal()[k],
                last.rho[k],
            )
        } else {
            (
                last.psi[k + 1][(0, 0)].norm_sqr(),
                problem.initial_diagonal()[k],
                last.rho[k],
            )
        };
        if i % (nbins / 20).max(1) == 0 {
            println!(
                "{e:6.2} {pee:.5} {pbar:.5}  {:.4e} {:.4e}  {:.4e} {:.4e}",
                d0[0],
                df[(0, 0)].re,
                d0[2],
                df[(2, 2)].re
            );
        }
    }
}
