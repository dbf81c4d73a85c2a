//! Where the local errors of `magnus` go on the BS05 production average (issue 15 item 3):
//! every accepted step's true local error E (S_num = S_true (1 + E)) is split, in the
//! adiabatic basis at the step's start, into its diagonal part (phase errors δφ_j) and its
//! off-diagonal part, and each part is injected alone into the reference solution to see what
//! it does to the final probabilities: the flavour probability at the solar surface (what the
//! tolerance tests and `solar-8b` report; it keeps the Δm²₂₁ interference term) and the
//! incoherent one, the adiabatic-state populations at the surface. It also prints the
//! realised T_after(x), the largest off-diagonal amplitude between adiabatic states that the
//! rest of the track generates. The segments between start points are solved one by one
//! (each from its own first step), so a run here takes a few more steps than the one
//! integration of `averaged_probabilities`; the split is what it measures.
//!
//! `cargo run --release --example error_split [-- E_MEV RTOL [N_STARTS]]`

use nuspin::evolve::frame::Blocks;
use nuspin::evolve::magnus::diagnose_step;
use nuspin::evolve::{probabilities, solve, Method, Record, SolverOptions};
use nuspin::hamiltonian::{MediumHamiltonian, PathHamiltonian};
use nuspin::linalg::hermitian_eigen_in_blocks;
use nuspin::medium::{production_average_nodes, Side, SolarMedium, SolarModel};
use nuspin::prelude::*;
use nuspin::reference::three_flavour_model;
use nuspin::units::R_SUN_KM;

const D: usize = 6;
type M = CMat<D>;
type P = [[f64; D]; D];

fn opts(rtol: f64) -> SolverOptions {
    SolverOptions {
        method: Method::Magnus,
        rtol,
        atol: rtol,
        max_steps: 200_000_000,
        ..SolverOptions::default()
    }
}

fn basis(h: &dyn PathHamiltonian<D>, x: f64, side: Side, blk: &[usize; D]) -> M {
    hermitian_eigen_in_blocks(&h.h(x, side).expect("h"), blk).vectors
}

/// Populations of the exit basis `w_end`: [state j][initial a] = |(W† S)_{ja}|², stored
/// like [`probabilities`] ([a][j]).
fn populations(w_end: &M, s: &M) -> P {
    probabilities(&(w_end.adjoint() * s))
}

fn max_abs_p(p: &P) -> f64 {
    p.iter().flatten().fold(0.0, |m, x| m.max(x.abs()))
}

fn argmax(p: &P) -> (usize, usize) {
    let mut best = (0, 0);
    for a in 0..D {
        for b in 0..D {
            if p[a][b].abs() > p[best.0][best.1].abs() {
                best = (a, b);
            }
        }
    }
    best
}

fn add(acc: &mut P, p: &P, q: &P, w: f64) {
    for a in 0..D {
        for b in 0..D {
            acc[a][b] += w * (p[a][b] - q[a][b]);
        }
    }
}

struct Track {
    /// Step boundaries (the starts are among them).
    xs: Vec<f64>,
    /// Numerical step propagators, xs[i] → xs[i + 1].
    steps: Vec<M>,
    /// Index into xs of each start.
    start_at: Vec<usize>,
}

/// The numerical steps at `rtol` from the innermost start, segment by segment between starts.
fn numerical(h: &dyn PathHamiltonian<D>, starts: &[f64], end: f64, rtol: f64) -> Track {
    let mut stops: Vec<f64> = starts.to_vec();
    stops.push(end);
    let mut t = Track {
        xs: vec![stops[0]],
        steps: Vec::new(),
        start_at: Vec::new(),
    };
    for w in stops.windows(2) {
        t.start_at.push(t.xs.len() - 1);
        let sol = solve(h, w[0], w[1], &Record::AllSteps, &opts(rtol)).expect("magnus");
        for k in 1..sol.x_km.len() {
            t.xs.push(sol.x_km[k]);
            t.steps
                .push(sol.propagators[k] * sol.propagators[k - 1].adjoint());
        }
    }
    t
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let e_mev: f64 = args.first().map_or(10.0, |s| s.parse().expect("E"));
    let rtol: f64 = args.get(1).map_or(1e-6, |s| s.parse().expect("rtol"));
    let n_starts: usize = args.get(2).map_or(8, |s| s.parse().expect("n"));
    let dirac = three_flavour_model(Basis::DiracNeutrino, None);
    let bs05 = SolarMedium::new(SolarModel::Bs05, 0.05, None).expect("bs05");
    let h = MediumHamiltonian::new(EnergyHamiltonian::<D>::new(&dirac, e_mev * 1e6), &bs05);
    let mut starts: Vec<(f64, f64)> = if n_starts == 1 {
        vec![(0.05 * R_SUN_KM, 1.0)]
    } else {
        production_average_nodes(n_starts)
            .into_iter()
            .map(|(r, w)| (r * R_SUN_KM, w))
            .collect()
    };
    starts.sort_by(|a, b| a.0.total_cmp(&b.0));
    let end = R_SUN_KM;
    let blk = Blocks::from_pattern(&h.coupling_pattern()).label;
    let r: Vec<f64> = starts.iter().map(|s| s.0).collect();
    let t = numerical(&h, &r, end, rtol);
    let n = t.steps.len();
    let reference = solve(&h, r[0], end, &Record::Points(t.xs.clone()), &opts(1e-13))
        .expect("reference")
        .propagators;
    assert_eq!(reference.len(), t.xs.len());
    let s_end = reference[n];
    let w_end = basis(&h, end, Side::Left, &blk);
    // Numerical cumulative propagators from the innermost start.
    let mut cum = vec![M::identity()];
    for s in &t.steps {
        cum.push(s * cum.last().unwrap());
    }
    let per_start = |cum: &[M], k: usize| cum[n] * cum[t.start_at[k]].adjoint();
    let measure = |s_of: &dyn Fn(usize) -> M| -> (P, P) {
        let mut f = [[0.0; D]; D];
        let mut m = [[0.0; D]; D];
        let zero = [[0.0; D]; D];
        for (k, &(_, w)) in starts.iter().enumerate() {
            let s = s_of(k);
            add(&mut f, &probabilities(&s), &zero, w);
            add(&mut m, &populations(&w_end, &s), &zero, w);
        }
        (f, m)
    };
    let (f_ref, m_ref) = measure(&|k| per_start(&reference, k));
    let (f_num, m_num) = measure(&|k| per_start(&cum, k));
    let mut df = [[0.0; D]; D];
    let mut dm = [[0.0; D]; D];
    add(&mut df, &f_num, &f_ref, 1.0);
    add(&mut dm, &m_num, &m_ref, 1.0);
    println!(
        "E {e_mev} MeV, rtol {rtol:.0e}, {} starts, {n} steps: achieved flavour {:.3e} mass {:.3e} (× rtol), worst entry {:?}",
        starts.len(),
        max_abs_p(&df) / rtol,
        max_abs_p(&dm) / rtol,
        argmax(&df)
    );
    // Sums over steps: [flavour, mass] × [diag, off] of signed ΔP, and of |ΔP| per step.
    let mut lin = [[[[0.0; D]; D]; 2]; 2];
    let mut abs_sum = [[0.0; 2]; 2];
    let (mut sum_full, mut sum_phase, mut sum_off, mut sum_est) = (0.0, 0.0, 0.0, 0.0);
    let mut bound_ratio: f64 = 0.0;
    println!("  x/Rsun    |E|      phase    off      T_after  dPf_diag dPf_off  dPm_diag dPm_off  limiter");
    for i in 0..n {
        let s_true = reference[i + 1] * reference[i].adjoint();
        let e = s_true.adjoint() * t.steps[i] - M::identity();
        let w = basis(&h, t.xs[i], Side::Right, &blk);
        // Only the anti-Hermitian part is an error of a unitary step (the rest is round-off
        // of S_num's unitarity, which would change the norm of the injected state).
        let et = w.adjoint() * e * w;
        let et = (et - et.adjoint()) * num_complex::Complex64::new(0.5, 0.0);
        let diag = M::from_fn(|a, b| if a == b { et[(a, b)] } else { C0 });
        let off = et - diag;
        let mut phase: f64 = 0.0;
        let mut offn: f64 = 0.0;
        for a in 0..D {
            for b in 0..D {
                if blk[a] == blk[b] && a != b {
                    phase = phase.max((et[(a, a)].im - et[(b, b)].im).abs());
                    offn = offn.max(off[(a, b)].norm());
                }
            }
        }
        let full = e.iter().fold(0.0f64, |m, z| m.max(z.norm()));
        // What the rest of the track does between adiabatic states.
        let rest = w_end.adjoint() * s_end * reference[i].adjoint() * w;
        let mut t_after: f64 = 0.0;
        for a in 0..D {
            for b in 0..D {
                if blk[a] == blk[b] && a != b {
                    t_after = t_after.max(rest[(a, b)].norm());
                }
            }
        }
        let mut dps = [[0.0; 2]; 2];
        // The unperturbed product first: its round-off (the reference's unitarity, ~1e-11 in
        // P after thousands of steps) is not part of what an injected error does.
        let mut base = (f_ref, m_ref);
        for (part, x) in [M::zeros(), diag, off].iter().enumerate() {
            let inj = w * (M::identity() + x) * w.adjoint();
            let cum_i = |k: usize| {
                let s0 = reference[t.start_at[k]];
                if t.start_at[k] > i {
                    s_end * s0.adjoint()
                } else {
                    s_end * reference[i].adjoint() * inj * reference[i] * s0.adjoint()
                }
            };
            let (f, m) = measure(&cum_i);
            if part == 0 {
                base = (f, m);
                continue;
            }
            for (which, (p, q)) in [(f, base.0), (m, base.1)].iter().enumerate() {
                let mut d = [[0.0; D]; D];
                add(&mut d, p, q, 1.0);
                add(&mut lin[which][part - 1], p, q, 1.0);
                dps[which][part - 1] = max_abs_p(&d);
                abs_sum[which][part - 1] += dps[which][part - 1];
            }
        }
        let parts = diagnose_step(&h, t.xs[i], t.xs[i + 1], rtol)
            .expect("eval")
            .map(|(_, p)| p)
            .unwrap_or_default();
        let weighted = [parts[0] * 0.004, parts[1], parts[2], parts[3], parts[4]];
        let (lim, _) = weighted
            .iter()
            .enumerate()
            .fold((0, 0.0), |m, (k, &v)| if v > m.1 { (k, v) } else { m });
        let names = ["phase", "filon", "slow", "chirp", "kink"];
        sum_full += full;
        sum_phase += phase;
        sum_off += offn;
        sum_est += offn + 2.0 * t_after * phase;
        if phase > 0.0 && t_after > 0.0 {
            bound_ratio = bound_ratio.max(dps[1][0] / (2.0 * t_after * phase));
        }
        println!(
            "  {:.4}  {full:.2e} {phase:.2e} {offn:.2e} {t_after:.2e} {:.2e} {:.2e} {:.2e} {:.2e} {} ({:.2e})",
            t.xs[i] / R_SUN_KM,
            dps[0][0],
            dps[0][1],
            dps[1][0],
            dps[1][1],
            names[lim],
            weighted[lim]
        );
    }
    let m = |p: &P| max_abs_p(p) / rtol;
    println!("  reference populations at the surface, start 0 (row: initial; col: state):");
    let pop = populations(&w_end, &per_start(&reference, 0));
    for row in pop.iter().take(3) {
        println!("    {:?}", row.map(|v| (v * 1e4).round() / 1e4));
    }
    println!(
        "  sums / rtol: |E| {:.3e}, phase {:.3e}, off {:.3e}, off + 2 T phase {:.3e}",
        sum_full / rtol,
        sum_phase / rtol,
        sum_off / rtol,
        sum_est / rtol
    );
    println!(
        "  flavour: linear sum diag {:.3e} off {:.3e}; sum of |dP| diag {:.3e} off {:.3e}",
        m(&lin[0][0]),
        m(&lin[0][1]),
        abs_sum[0][0] / rtol,
        abs_sum[0][1] / rtol
    );
    println!(
        "  mass:    linear sum diag {:.3e} off {:.3e}; sum of |dP| diag {:.3e} off {:.3e}; max dP_diag/(2 T phase) {bound_ratio:.3}",
        m(&lin[1][0]),
        m(&lin[1][1]),
        abs_sum[1][0] / rtol,
        abs_sum[1][1] / rtol
    );
}

const C0: num_complex::Complex64 = num_complex::Complex64::new(0.0, 0.0);
