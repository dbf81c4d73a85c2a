//! The hot path allocates nothing, measured with a counting global allocator (this test binary
//! only). Allocations are counted per thread, so the other tests of this binary running in
//! parallel do not disturb a measurement.
//!
//! - H (and H′) at a point of every example medium, the Hermitian eigensolver and exp(−iHt)
//!   (4×4 and 6×6): zero allocations.
//! - A whole `solve` with `Record::End`: what it allocates (the stop list, the recorder) does
//!   not grow with the number of steps.
//!
//! To find an allocating call, run with `NUSPIN_ALLOC_TRACE=1 cargo test --release --test
//! alloc_free -- --nocapture`: every allocation inside a measured region prints a backtrace.

#[path = "../benches/common/mod.rs"]
mod scenarios;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use nuspin::evolve::{solve, Method, Record, SolverOptions};
use nuspin::hamiltonian::{CMat, MediumHamiltonian, PathHamiltonian};
use nuspin::linalg::{exp_minus_i_h_t, hermitian_eigen, hermitian_eigen_in_blocks};
use nuspin::medium::{ConstantMedium, Side};
use nuspin::prelude::*;
use nuspin::scenario::Scenario;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
    /// Bytes allocated minus bytes freed on this thread, and the highest value it reached.
    static LIVE: Cell<i64> = const { Cell::new(0) };
    static PEAK: Cell<i64> = const { Cell::new(0) };
    static TRACE: Cell<bool> = const { Cell::new(false) };
    static IN_TRACE: Cell<bool> = const { Cell::new(false) };
}

fn note_bytes(delta: i64) {
    // `try_with`: the thread-locals may be gone while a thread shuts down.
    if let Ok(live) = LIVE.try_with(|l| {
        l.set(l.get() + delta);
        l.get()
    }) {
        let _ = PEAK.try_with(|p| p.set(p.get().max(live)));
    }
}

fn note_allocation(bytes: usize) {
    note_bytes(bytes as i64);
    let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
    if TRACE.try_with(Cell::get).unwrap_or(false) && !IN_TRACE.with(Cell::get) {
        IN_TRACE.with(|t| t.set(true));
        eprintln!(
            "allocation in a measured region:\n{}",
            std::backtrace::Backtrace::force_capture()
        );
        IN_TRACE.with(|t| t.set(false));
    }
}

// SAFETY: every call is forwarded unchanged to the system allocator; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_allocation(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_allocation(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_allocation(new_size);
        note_bytes(-(layout.size() as i64));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note_bytes(-(layout.size() as i64));
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// What `f` allocated on this thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Usage {
    /// alloc, alloc_zeroed and realloc calls.
    calls: u64,
    /// The most bytes live at once beyond those live at the start.
    peak_bytes: i64,
}

/// Allocations made by `f` on this thread, and its result.
fn usage<T>(f: impl FnOnce() -> T) -> (Usage, T) {
    let trace = std::env::var_os("NUSPIN_ALLOC_TRACE").is_some();
    let calls = ALLOCATIONS.with(Cell::get);
    let live = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(live));
    TRACE.with(|t| t.set(trace));
    let out = std::hint::black_box(f());
    TRACE.with(|t| t.set(false));
    let usage = Usage {
        calls: ALLOCATIONS.with(Cell::get) - calls,
        peak_bytes: PEAK.with(Cell::get) - live,
    };
    (usage, out)
}

/// Allocation calls made by `f` on this thread, and its result.
fn allocations<T>(f: impl FnOnce() -> T) -> (u64, T) {
    let (u, out) = usage(f);
    (u.calls, out)
}

#[test]
fn the_counter_sees_allocations() {
    let (n, v) = allocations(|| {
        let mut v = Vec::with_capacity(4);
        v.extend([1.0_f64; 4]);
        v.push(5.0); // grows: a realloc
        Box::new(v) // and the box
    });
    assert_eq!(n, 3, "alloc, realloc, box");
    assert_eq!(v.len(), 5);
    assert_eq!(allocations(|| 1 + 1).0, 0);
    // 1000 f64 live at once, freed before the end: the peak sees them.
    let (u, ()) = usage(|| drop(std::hint::black_box(vec![0.0_f64; 1000])));
    assert_eq!(
        u,
        Usage {
            calls: 1,
            peak_bytes: 8000
        }
    );
}

/// H and H′ at 64 points across the track of `scenario` at `energy_mev`, both sides.
fn h_allocations<const D: usize>(scenario: &Scenario, energy_mev: f64) -> u64 {
    let eh = EnergyHamiltonian::<D>::new(&scenario.model, energy_mev * 1e6);
    let h = MediumHamiltonian::new(eh, scenario.medium.as_ref());
    let (a, b) = (scenario.start_km, scenario.end_km);
    let (n, sum) = allocations(|| {
        let mut sum = 0.0;
        for k in 0..64 {
            let x = a + (b - a) * (k as f64 + 0.37) / 64.0;
            for side in [Side::Left, Side::Right] {
                let (m, d) = h.h_and_slope(x, side).expect("h");
                sum += m[(0, 0)].re + d[(0, 0)].re + h.h(x, side).expect("h")[(1, 1)].re;
            }
        }
        sum
    });
    assert!(sum.is_finite());
    n
}

#[test]
fn h_at_a_point_allocates_nothing() {
    let mut report = Vec::new();
    for (name, e_mev) in scenarios::EXAMPLES {
        let s = scenarios::example(name);
        let n = if name == "lab-2nu" {
            h_allocations::<4>(&s, e_mev)
        } else {
            h_allocations::<6>(&s, e_mev)
        };
        report.push(format!("{name}: {n}"));
    }
    let n = h_allocations::<6>(&scenarios::lab_3nu(), 10.0);
    report.push(format!("lab-3nu: {n}"));
    eprintln!(
        "allocations for 64 × 2 sides × (h_and_slope + h):\n{}",
        report.join("\n")
    );
    assert!(report.iter().all(|r| r.ends_with(": 0")), "{report:?}");
}

fn h_of<const D: usize>(scenario: &Scenario) -> CMat<D> {
    let eh = EnergyHamiltonian::<D>::new(&scenario.model, 1e7);
    let sn = scenarios::example("sn-majorana-sfp");
    MediumHamiltonian::new(eh, sn.medium.as_ref())
        .h(2e4, Side::Right)
        .expect("h")
}

fn linalg_allocations<const D: usize>(h: &CMat<D>) -> u64 {
    let block: [usize; D] = std::array::from_fn(|i| usize::from(i >= D / 2));
    let (n, s) = allocations(|| {
        let e = hermitian_eigen(h);
        let b = hermitian_eigen_in_blocks(h, &block);
        let s = exp_minus_i_h_t(h, 3.0);
        (e.values[0] + b.values[0], s)
    });
    // The results are real ones: exp(−iHt) of a Hermitian H is unitary.
    assert!((s.1.adjoint() * s.1 - CMat::<D>::identity()).norm() < 1e-12);
    n
}

#[test]
fn eigensolver_and_exponential_allocate_nothing() {
    let h4: CMat<4> = h_of(&scenarios::example("lab-2nu"));
    let h6: CMat<6> = h_of(&scenarios::example("sn-majorana-sfp"));
    assert_eq!(linalg_allocations(&h4), 0, "4×4");
    assert_eq!(linalg_allocations(&h6), 0, "6×6");
}

/// One `Record::End` solve: its allocations and accepted steps.
#[derive(Debug, Clone, Copy)]
struct Solve {
    usage: Usage,
    steps: u64,
}

fn measure_solve<const D: usize, H: PathHamiltonian<D>>(
    h: &H,
    start_km: f64,
    end_km: f64,
    options: &SolverOptions,
) -> Solve {
    let (usage, sol) = usage(|| solve(h, start_km, end_km, &Record::End, options));
    let steps = sol.expect("solve").stats.accepted;
    Solve { usage, steps }
}

/// A short and a long track from `start_km`; the long one takes ≥ 10× the steps.
fn short_and_long<const D: usize, H: PathHamiltonian<D>>(
    h: &H,
    start_km: f64,
    short_end_km: f64,
    long_end_km: f64,
    options: &SolverOptions,
) -> [Solve; 2] {
    let short = measure_solve(h, start_km, short_end_km, options);
    let long = measure_solve(h, start_km, long_end_km, options);
    assert!(long.steps >= 10 * short.steps, "{short:?}, {long:?}");
    [short, long]
}

/// Allocation calls, and bytes live at once, that a solve may need beyond the short track's
/// without counting as growth.
const SLACK_CALLS: u64 = 2;
const SLACK_BYTES: i64 = 1024;

/// Fails when the long track of a case allocated more than its short track plus `extra_calls`
/// (and the slack).
fn assert_no_growth(cases: &[(&str, [Solve; 2], u64)]) {
    eprintln!("(short, long track, extra calls allowed): {cases:#?}");
    for (name, [short, long], extra_calls) in cases {
        let (s, l) = (short.usage, long.usage);
        assert!(
            l.calls <= s.calls + SLACK_CALLS + extra_calls
                && l.peak_bytes <= s.peak_bytes + SLACK_BYTES,
            "{name}: {l:?} in {} steps against {s:?} in {}",
            long.steps,
            short.steps
        );
    }
}

/// A 2.7 g/cm³ crust, and the lab-2nu model (4×4) or its 3-flavour copy (6×6) in it at
/// 10 MeV.
fn crust() -> (ConstantMedium, Scenario, Scenario) {
    let rock = ConstantMedium::new(MediumPoint::from_rho_ye(2.7, 0.5)).expect("medium");
    (rock, scenarios::example("lab-2nu"), scenarios::lab_3nu())
}

#[test]
fn magnus_solve_allocations_do_not_grow_with_steps() {
    let magnus = SolverOptions::default();
    // The supernova example at 10 MeV: the first 2 % of the envelope against all of it.
    let sn = scenarios::example("sn-majorana-sfp");
    let eh = EnergyHamiltonian::<6>::new(&sn.model, 1e7);
    let h = MediumHamiltonian::new(eh, sn.medium.as_ref());
    let sn_counts = short_and_long(&h, sn.start_km, 1.02e4, sn.end_km, &magnus);
    // The constant crust with the step capped: 11 against 10 000 steps, 4×4 and 6×6.
    let (rock, lab2, lab3) = crust();
    let capped = SolverOptions {
        max_step_km: 0.1,
        ..magnus
    };
    let h4 = MediumHamiltonian::new(EnergyHamiltonian::<4>::new(&lab2.model, 1e7), &rock);
    let c4 = short_and_long(&h4, 0.0, 1.0, 1000.0, &capped);
    let h6 = MediumHamiltonian::new(EnergyHamiltonian::<6>::new(&lab3.model, 1e7), &rock);
    let c6 = short_and_long(&h6, 0.0, 1.0, 1000.0, &capped);
    assert_no_growth(&[
        ("magnus, supernova", sn_counts, 0),
        ("magnus, crust 4×4", c4, 0),
        ("magnus, crust 6×6", c6, 0),
    ]);
}

#[test]
fn layers_solve_allocations_grow_only_with_the_stop_list() {
    // PREM along the earth-core chord: 225 shells; the short track crosses the first few.
    let earth = scenarios::example("earth-core");
    let eh = EnergyHamiltonian::<6>::new(&earth.model, 2e9);
    let h = MediumHamiltonian::new(eh, earth.medium.as_ref());
    let layers = SolverOptions {
        method: Method::Layers,
        ..SolverOptions::default()
    };
    let (a, b) = (earth.start_km, earth.end_km);
    let mut counts = short_and_long(&h, a, a + 0.02 * (b - a), b, &layers);
    // One step per shell: the list of stops (one per shell boundary, a position and two
    // flags, collected once before the first step) doubles its capacity ⌈log₂ n⌉ times, so
    // it may hold up to twice its length.
    let shells = counts[1].steps;
    let doublings = u64::from(shells.next_power_of_two().trailing_zeros());
    let stop_list_bytes = 2 * (std::mem::size_of::<(f64, bool, bool)>() * shells as usize) as i64;
    counts[1].usage.peak_bytes -= stop_list_bytes;
    assert_no_growth(&[("layers, Earth (stop list discounted)", counts, doublings)]);
}

/// ode_solvers stores every accepted step of a `Dop853` call (its `SolverResult`, about 700
/// bytes per 4×4 step), so `src/evolve/dop853.rs` restarts it in chunks of at most 20 000
/// steps and keeps only what is recorded: the memory peak is one chunk's, whatever the track.
/// (The allocation *count* grows by a few calls per chunk; that is not memory growth.)
#[test]
fn dop853_memory_is_bounded_by_one_chunk() {
    let dop = SolverOptions {
        method: Method::Dop853,
        rtol: 1e-10,
        atol: 1e-10,
        ..SolverOptions::default()
    };
    let (rock, lab2, _) = crust();
    let h4 = MediumHamiltonian::new(EnergyHamiltonian::<4>::new(&lab2.model, 1e7), &rock);
    // Both tracks span more than one chunk: ≈ 24 000 and ≈ 260 000 steps.
    let [short, long] = short_and_long(&h4, 0.0, 5e5, 5.5e6, &dop);
    eprintln!("dop853, crust 4×4: {short:?}, {long:?}");
    assert!(short.steps > 20_000, "{short:?}");
    // x and the 2D² + 1 real state components per stored step; vectors grow by doubling and
    // ode_solvers keeps its results beside the solver's own copy.
    let per_step_bytes = (2 * 16 + 2) * 8;
    let chunk_bound = 4 * 20_000 * per_step_bytes + SLACK_BYTES;
    assert!(
        long.usage.peak_bytes <= short.usage.peak_bytes + SLACK_BYTES
            && long.usage.peak_bytes <= chunk_bound,
        "peak {} bytes in {} steps against {} in {} (bound {chunk_bound})",
        long.usage.peak_bytes,
        long.steps,
        short.usage.peak_bytes,
        short.steps
    );
}
