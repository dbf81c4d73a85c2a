//! The solver's work, pinned: accepted steps per energy for each example scenario at the
//! energy nearest 10 MeV (its lowest energy for the keV rotating-star case). A change that
//! silently doubles the work (or collapses it, which usually means lost accuracy) fails here,
//! with no wall clock involved. Update a snapshot only on purpose, saying why in the commit.

use std::path::Path;

use nuspin::run::solve_energy;
use nuspin::scenario::load;

/// (scenario, accepted steps at the chosen energy when pinned). Constant and Earth media take
/// `layers` by default: one exact exponential per layer (reactor-gemma: 1).
const SNAPSHOTS: [(&str, u64); 8] = [
    // 8 start radii in one integration (evolve::solve_starts), stepping across the BS05 rows
    // (kinks) instead of one step per row per start radius (was 15 379). Without moments the
    // helicity halves decouple (evolve::split): 30 = the left-handed 3×3 half's steps plus
    // the free-streaming right-handed half's (a few per record segment), was 19 6×6 steps.
    ("solar-8b", 30),
    ("solar-8b-earth", 30),
    ("sn-majorana-sfp", 375),
    ("sn-dirac-spin-flip", 751),
    ("rotating-star-spin", 3572),
    ("lab-2nu", 51),
    ("earth-core", 225),
    ("reactor-gemma", 1),
];

#[test]
fn accepted_steps_match_their_snapshots() {
    let mut report = Vec::new();
    for (name, pinned) in SNAPSHOTS {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{name}.toml"));
        let scenario = load(&path).unwrap();
        let target = if name == "rotating-star-spin" {
            1e-3
        } else {
            10.0
        };
        let index = (0..scenario.energies_mev.len())
            .min_by(|&a, &b| {
                let d = |i: usize| (scenario.energies_mev[i] / target).ln().abs();
                d(a).total_cmp(&d(b))
            })
            .unwrap();
        let steps = solve_energy(&scenario, index).unwrap().steps;
        report.push(format!("{name}: {steps} (pinned {pinned})"));
        let ratio = steps as f64 / pinned as f64;
        assert!(
            (0.7..=1.15).contains(&ratio),
            "{name} at E = {} MeV took {steps} accepted steps, pinned {pinned}\n{}",
            scenario.energies_mev[index],
            report.join("\n")
        );
    }
    eprintln!("{}", report.join("\n"));
}
