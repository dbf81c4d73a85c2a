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
//! `cargo run --release --features tools --example error_split [-- E_MEV RTOL [N_STARTS]]`

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

/// The run under study, its reference and the exit basis.
struct Study<'a> {
    h: &'a dyn PathHamiltonian<D>,
    /// (start km, weight), innermost first.
    starts: Vec<(f64, f64)>,
    t: Track,
    /// Reference S(x, innermost start) at every step boundary.
    reference: Vec<M>,
    /// Adiabatic basis at the surface (the exit frame).
    w_end: M,
    blk: [usize; D],
    rtol: f64,
}

/// One step's true local error, split in the adiabatic basis at its start.
struct Split {
    /// max |E| (flavour basis), largest relative phase error, largest off-diagonal entry.
    full: f64,
    phase: f64,
    off: f64,
    /// Largest off-diagonal amplitude between adiabatic states from the step to the exit.
    t_after: f64,
    /// The diagonal and off-diagonal parts (adiabatic basis) and that basis.
    parts: [M; 2],
    w: M,
}

impl Study<'_> {
    /// Flavour probabilities and exit populations, start-averaged, of the propagators
    /// `s_of(k)` from start k to the end.
    fn measure(&self, s_of: &dyn Fn(usize) -> M) -> [P; 2] {
        let zero = [[0.0; D]; D];
        let mut out = [zero; 2];
        for (k, &(_, w)) in self.starts.iter().enumerate() {
            let s = s_of(k);
            add(&mut out[0], &probabilities(&s), &zero, w);
            add(&mut out[1], &populations(&self.w_end, &s), &zero, w);
        }
        out
    }

    /// S(end, start k) from cumulative propagators `cum` at the step boundaries.
    fn per_start(&self, cum: &[M], k: usize) -> M {
        cum[self.t.steps.len()] * cum[self.t.start_at[k]].adjoint()
    }

    fn split(&self, i: usize) -> Split {
        let r = &self.reference;
        let s_true = r[i + 1] * r[i].adjoint();
        let e = s_true.adjoint() * self.t.steps[i] - M::identity();
        let w = basis(self.h, self.t.xs[i], Side::Right, &self.blk);
        // Only the anti-Hermitian part is an error of a unitary step (the rest is round-off
        // of S_num's unitarity, which would change the norm of the injected state).
        let et = w.adjoint() * e * w;
        let et = (et - et.adjoint()) * C::new(0.5, 0.0);
        let diag = M::from_fn(|a, b| if a == b { et[(a, b)] } else { C0 });
        let off = et - diag;
        // What the rest of the track does between adiabatic states.
        let rest = self.w_end.adjoint() * r[self.t.steps.len()] * r[i].adjoint() * w;
        let (mut phase, mut offn, mut t_after): (f64, f64, f64) = (0.0, 0.0, 0.0);
        for a in 0..D {
            for b in 0..D {
                if self.blk[a] == self.blk[b] && a != b {
                    phase = phase.max((et[(a, a)].im - et[(b, b)].im).abs());
                    offn = offn.max(off[(a, b)].norm());
                    t_after = t_after.max(rest[(a, b)].norm());
                }
            }
        }
        Split {
            full: e.iter().fold(0.0f64, |m, z| m.max(z.norm())),
            phase,
            off: offn,
            t_after,
            parts: [diag, off],
            w,
        }
    }

    /// ΔP of injecting each part of step i's error alone into the reference:
    /// [flavour, populations][diagonal, off-diagonal].
    fn inject(&self, i: usize, sp: &Split) -> [[P; 2]; 2] {
        let r = &self.reference;
        let s_end = r[self.t.steps.len()];
        let with = |x: &M| {
            let inj = sp.w * (M::identity() + x) * sp.w.adjoint();
            self.measure(&|k: usize| {
                let s0 = r[self.t.start_at[k]];
                if self.t.start_at[k] > i {
                    s_end * s0.adjoint()
                } else {
                    s_end * r[i].adjoint() * inj * r[i] * s0.adjoint()
                }
            })
        };
        // Against the unperturbed product, not the reference itself: the product's round-off
        // (the reference's unitarity, ~1e-11 in P after thousands of steps) is not part of
        // what an injected error does.
        let base = with(&M::zeros());
        let mut out = [[[[0.0; D]; D]; 2]; 2];
        for (part, x) in sp.parts.iter().enumerate() {
            let got = with(x);
            for which in 0..2 {
                add(&mut out[which][part], &got[which], &base[which], 1.0);
            }
        }
        out
    }

    /// The indicator that limits step i as the driver weights them, and its value.
    fn limiter(&self, i: usize) -> (&'static str, f64) {
        let (x0, x1) = (self.t.xs[i], self.t.xs[i + 1]);
        let parts = diagnose_step(self.h, x0, x1, self.rtol)
            .expect("eval")
            .map(|(_, p)| p)
            .unwrap_or_default();
        let weighted = [parts[0] * 0.004, parts[1], parts[2], parts[3], parts[4]];
        let names = ["phase", "filon", "slow", "chirp", "kink"];
        let (k, v) = weighted
            .iter()
            .enumerate()
            .fold((0, 0.0), |m, (k, &v)| if v > m.1 { (k, v) } else { m });
        (names[k], v)
    }
}

/// Sums over the steps.
#[derive(Default)]
struct Totals {
    /// Signed ΔP of the injected parts, [flavour, populations][diagonal, off-diagonal].
    lin: [[P; 2]; 2],
    /// Σ of each step's max |ΔP|, same layout.
    abs: [[f64; 2]; 2],
    full: f64,
    phase: f64,
    off: f64,
    /// Σ (off + 2 T_after phase): the proposed norm with the true parts.
    proposed: f64,
    /// Largest ΔP(populations, diagonal part) / (2 T_after phase) where ΔP is above round-off.
    bound_ratio: f64,
}

impl Totals {
    fn add_step(&mut self, sp: &Split, dp: &[[P; 2]; 2]) {
        for ((lin, abs), dp) in self.lin.iter_mut().zip(&mut self.abs).zip(dp) {
            for ((l, a), p) in lin.iter_mut().zip(abs.iter_mut()).zip(dp) {
                add(l, p, &[[0.0; D]; D], 1.0);
                *a += max_abs_p(p);
            }
        }
        self.full += sp.full;
        self.phase += sp.phase;
        self.off += sp.off;
        self.proposed += sp.off + 2.0 * sp.t_after * sp.phase;
        let dpm = max_abs_p(&dp[1][0]);
        if dpm > 1e-14 && sp.phase * sp.t_after > 0.0 {
            self.bound_ratio = self.bound_ratio.max(dpm / (2.0 * sp.t_after * sp.phase));
        }
    }

    fn print(&self, rtol: f64) {
        let m = |p: &P| max_abs_p(p) / rtol;
        println!(
            "  sums / rtol: |E| {:.3e}, phase {:.3e}, off {:.3e}, off + 2 T phase {:.3e}",
            self.full / rtol,
            self.phase / rtol,
            self.off / rtol,
            self.proposed / rtol
        );
        for (which, name) in ["flavour:", "mass:   "].iter().enumerate() {
            println!(
                "  {name} linear sum diag {:.3e} off {:.3e}; sum of |dP| diag {:.3e} off {:.3e}",
                m(&self.lin[which][0]),
                m(&self.lin[which][1]),
                self.abs[which][0] / rtol,
                self.abs[which][1] / rtol
            );
        }
        println!(
            "  populations: max dP_diag / (2 T_after phase) above round-off {:.3}",
            self.bound_ratio
        );
    }
}

fn study<'a>(h: &'a dyn PathHamiltonian<D>, n_starts: usize, rtol: f64) -> Study<'a> {
    let mut starts: Vec<(f64, f64)> = if n_starts == 1 {
        vec![(0.05 * R_SUN_KM, 1.0)]
    } else {
        production_average_nodes(n_starts)
            .into_iter()
            .map(|(r, w)| (r * R_SUN_KM, w))
            .collect()
    };
    starts.sort_by(|a, b| a.0.total_cmp(&b.0));
    let blk = Blocks::from_pattern(&h.coupling_pattern()).label;
    let r: Vec<f64> = starts.iter().map(|s| s.0).collect();
    let t = numerical(h, &r, R_SUN_KM, rtol);
    let reference = solve(
        h,
        r[0],
        R_SUN_KM,
        &Record::Points(t.xs.clone()),
        &opts(1e-13),
    )
    .expect("reference")
    .propagators;
    assert_eq!(reference.len(), t.xs.len());
    Study {
        h,
        starts,
        t,
        reference,
        w_end: basis(h, R_SUN_KM, Side::Left, &blk),
        blk,
        rtol,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let e_mev: f64 = args.first().map_or(10.0, |s| s.parse().expect("E"));
    let rtol: f64 = args.get(1).map_or(1e-6, |s| s.parse().expect("rtol"));
    let n_starts: usize = args.get(2).map_or(8, |s| s.parse().expect("n"));
    let dirac = three_flavour_model(Basis::DiracNeutrino, None);
    let bs05 = SolarMedium::new(SolarModel::Bs05, 0.05, None).expect("bs05");
    let h = MediumHamiltonian::new(EnergyHamiltonian::<D>::new(&dirac, e_mev * 1e6), &bs05);
    let st = study(&h, n_starts, rtol);
    let n = st.t.steps.len();
    let mut cum = vec![M::identity()];
    for s in &st.t.steps {
        cum.push(s * cum.last().unwrap());
    }
    let want = st.measure(&|k| st.per_start(&st.reference, k));
    let got = st.measure(&|k| st.per_start(&cum, k));
    let mut d = [[[0.0; D]; D]; 2];
    for which in 0..2 {
        add(&mut d[which], &got[which], &want[which], 1.0);
    }
    println!(
        "E {e_mev} MeV, rtol {rtol:.0e}, {} starts, {n} steps: achieved flavour {:.3e} \
         mass {:.3e} (× rtol), worst entry {:?}",
        st.starts.len(),
        max_abs_p(&d[0]) / rtol,
        max_abs_p(&d[1]) / rtol,
        argmax(&d[0])
    );
    println!(
        "  x/Rsun    |E|      phase    off      T_after  dPf_diag dPf_off  dPm_diag dPm_off  limiter"
    );
    let mut totals = Totals::default();
    for i in 0..n {
        let sp = st.split(i);
        let dp = st.inject(i, &sp);
        totals.add_step(&sp, &dp);
        let (name, value) = st.limiter(i);
        let dps = dp.map(|w| w.map(|p| max_abs_p(&p)));
        println!(
            "  {:.4}  {:.2e} {:.2e} {:.2e} {:.2e} {:.2e} {:.2e} {:.2e} {:.2e} {name} ({value:.2e})",
            st.t.xs[i] / R_SUN_KM,
            sp.full,
            sp.phase,
            sp.off,
            sp.t_after,
            dps[0][0],
            dps[0][1],
            dps[1][0],
            dps[1][1],
        );
    }
    totals.print(rtol);
}

type C = num_complex::Complex64;
const C0: C = C::new(0.0, 0.0);
