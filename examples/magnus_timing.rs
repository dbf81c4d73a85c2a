//! Times the `magnus` method per energy and per step on the bench's solar and supernova 6×6
//! cases, `nuspin::reference::timing_tracks` (release build: `REPS=50 cargo run --release --features tools
//! --example magnus_timing`; CPU time is the number to read on a shared machine).

use std::time::Instant;

use nuspin::evolve::{solve, Record, SolverOptions};
use nuspin::hamiltonian::MediumHamiltonian;
use nuspin::prelude::*;
use nuspin::reference::{timing_model, timing_tracks};

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
    let model = timing_model();
    let cases = timing_tracks();
    // CASE=sun or CASE=supernova runs one case (e.g. under callgrind).
    let only = std::env::var("CASE").unwrap_or_default();
    for case in cases.iter().filter(|c| c.name.starts_with(only.as_str())) {
        let energy = EnergyHamiltonian::<6>::new(&model, case.energy_mev * 1e6);
        let h = MediumHamiltonian::new(energy, &case.medium);
        let (a, b) = (case.start_km, case.end_km);
        let opts = SolverOptions::default();
        let t = Instant::now();
        let c = cpu_seconds();
        let mut m = None;
        for _ in 0..reps {
            m = Some(solve(&h, a, b, &Record::End, &opts).expect("magnus"));
        }
        let dt = t.elapsed().as_secs_f64() / reps as f64;
        let dc = (cpu_seconds() - c) / reps as f64;
        let st = m.expect("ran").stats;
        let attempts = st.accepted + st.rejected;
        println!(
            "{}: {:.3} ms per energy ({:.3} ms CPU), {} accepted + {} rejected, {:.1} us \
             per attempt ({:.1} us CPU)",
            case.name,
            dt * 1e3,
            dc * 1e3,
            st.accepted,
            st.rejected,
            dt * 1e6 / attempts as f64,
            dc * 1e6 / attempts as f64
        );
    }
}
