//! A `[collective]` scenario on the run plan: the coupled solve's results and `/collective/...`
//! datasets against the library's collective solver called directly (bins, weights, record
//! positions, system and state order must all line up), the file written and read back, and
//! the validation errors (file, field, expected, got) before any output.

use std::path::Path;

use nuspin::basis::Nature;
use nuspin::collective::observables::{helicity_flip_fraction, trace_p};
use nuspin::collective::{
    solve_lie, CollectiveProblem, CollectiveState, Emission, EnergyBins, LieOptions,
    SpeciesEmission, SpectrumShape,
};
use nuspin::output::{read_output, EnergyResult};
use nuspin::run::{self, NoProgress, RunOptions};
use nuspin::scenario::{self, Scenario};

/// A small bulb: 4 bins, low luminosity (fast), a strong transition moment, to 100 km.
const BULB: &str = r#"
name = "collective-test"
[neutrino]
flavours = 2
nature = "NATURE"
particle = "PARTICLE"
initial = "all"
[mixing]
theta_deg = 5.7296
dm2_ev2 = -3e-3
[moments]
basis = "flavour"
magnetic_mu_b = { e_mu = 1e-15 }
[energy]
scale = "linear"
min_mev = 5.0
max_mev = 50.0
points = 4
[medium]
kind = "supernova"
rho0_g_cm3 = 0.0
r0_km = 10.0
index = 3
ye = 0.5
r_max_km = 1e6
b0_gauss = 1e15
b_index = 2
[collective]
r_nu_km = 10.0
nu_e = { luminosity_erg_s = 1e50, mean_energy_mev = 10.0 }
nubar_e = { luminosity_erg_s = 1e50, mean_energy_mev = 15.0, eta = 2.0 }
nu_x = { luminosity_erg_s = 1e50, mean_energy_mev = 20.0, alpha = 3.0 }
nubar_x = { luminosity_erg_s = 1e50, mean_energy_mev = 20.0 }
[track]
start_km = 10.0
end_km = 100.0
record = { values_km = [10.0, 20.0, 100.0] }
[solver]
rtol = 1e-7
[output]
profile_samples = 0
"#;

fn bulb(nature: &str, particle: &str) -> String {
    BULB.replace("NATURE", nature).replace("PARTICLE", particle)
}

fn parse(text: &str) -> Result<Scenario, scenario::ScenarioError> {
    scenario::parse(Path::new("collective-test.toml"), text)
}

fn run_all(plan: &Scenario) -> Vec<EnergyResult> {
    let mut all = Vec::new();
    let summary = run::run(plan, &RunOptions::default(), &NoProgress, |batch| {
        all.extend(batch);
        Ok(())
    })
    .unwrap();
    assert_eq!(summary.energies_done, plan.n_grid());
    all.sort_by_key(|r| r.grid_index);
    all
}

fn slab<'a>(plan: &Scenario, r: &'a EnergyResult, path: &str) -> &'a [f64] {
    let i = run::extra_specs(plan)
        .iter()
        .position(|e| e.path == path)
        .unwrap();
    &r.extras[i]
}

/// The emission of [`BULB`], written out again here (not taken from the plan).
fn emission() -> Emission {
    let s = |mean_energy_mev: f64, shape: SpectrumShape| SpeciesEmission {
        luminosity_erg_s: 1e50,
        mean_energy_mev,
        shape,
    };
    Emission {
        r_nu_km: 10.0,
        nu_e: s(10.0, SpectrumShape::FermiDirac { eta: 0.0 }),
        nubar_e: s(15.0, SpectrumShape::FermiDirac { eta: 2.0 }),
        nu_x: s(20.0, SpectrumShape::Pinched { alpha: 3.0 }),
        nubar_x: s(20.0, SpectrumShape::FermiDirac { eta: 0.0 }),
    }
}

/// The run's results against the library solver called directly on the same physics.
fn check_against_library(nature: Nature, particle: &str) {
    let name = if nature == Nature::Dirac {
        "dirac"
    } else {
        "majorana"
    };
    let plan = parse(&bulb(name, particle)).unwrap();
    let results = run_all(&plan);
    assert_eq!(results.len(), 4);
    let bins = EnergyBins::uniform(4, 60.0); // centres 7.5, 22.5, ...: not the plan's
    let bins = EnergyBins {
        centres_mev: vec![5.0, 20.0, 35.0, 50.0],
        ..bins
    };
    let problem = CollectiveProblem::<4>::bulb(
        nature,
        &plan.model.mixing,
        &plan.model.moments,
        plan.medium.as_ref(),
        &emission(),
        &bins,
    )
    .unwrap();
    let start = CollectiveState::initial(&problem, 10.0);
    let options = LieOptions {
        tol: 1e-7,
        ..LieOptions::default()
    };
    let direct = solve_lie(&problem, start.clone(), 100.0, &[20.0], &options).unwrap();
    let states = [&start, &direct.records[0], &direct.records[1]];
    assert_eq!(direct.records[0].r_km, 20.0);
    let systems = problem.systems();
    let reported = usize::from(particle == "antineutrino");
    for (bin, r) in results.iter().enumerate() {
        assert_eq!(r.steps, direct.stats.accepted);
        // /probability: [x, initial (all 4), to].
        for (x, s) in states.iter().enumerate() {
            let psi = &s.psi[bin * systems + reported];
            for from in 0..4 {
                for to in 0..4 {
                    let got = r.probability[(x * 4 + from) * 4 + to];
                    let want = psi[(to, from)].norm_sqr();
                    assert!((got - want).abs() < 1e-13, "{got} vs {want}");
                }
            }
            for sys in 0..systems {
                let rho = &s.rho[bin * systems + sys];
                let evolved = slab(&plan, r, "collective/evolved");
                for a in 0..4 {
                    let got = evolved[(x * systems + sys) * 4 + a];
                    assert!((got - rho[(a, a)].re).abs() <= 1e-12 * rho[(a, a)].re.abs().max(1.0));
                }
            }
        }
        let emitted = slab(&plan, r, "collective/emitted");
        for sys in 0..systems {
            for a in 0..4 {
                assert_eq!(
                    emitted[sys * 4 + a],
                    problem.initial_diagonal()[bin * systems + sys][a]
                );
            }
        }
    }
    // The whole-run datasets: Tr P and the flip fraction of all bins at each record position.
    let header = run::header_for(&plan, "test".into()).unwrap();
    let derived = run::derived_datasets(&plan, &header, &results);
    let find = |p: &str| derived.iter().find(|d| d.path == p).unwrap();
    let tp = find("collective/trace_p");
    let flip = find("collective/flip_fraction");
    assert_eq!(tp.shape, vec![3]);
    for (x, s) in states.iter().enumerate() {
        let want = trace_p(&problem, &s.rho);
        assert!((tp.values[x] - want).abs() <= 1e-10 * want.abs(), "Tr P");
        let want = helicity_flip_fraction(&problem, &s.rho);
        assert!(
            (flip.values[x] - want).abs() <= 1e-12,
            "flip {} vs {want}",
            flip.values[x]
        );
    }
    // The moment acts: Tr P changes and particles flip helicity by 100 km.
    assert!(flip.values[2] > 1e-4, "flip {}", flip.values[2]);
    assert!((tp.values[2] - tp.values[0]).abs() > 1e-3 * tp.values[0].abs());
    assert_eq!(flip.values[0], 0.0);
}

#[test]
fn majorana_run_equals_the_library_solver() {
    check_against_library(Nature::Majorana, "neutrino");
}

#[test]
fn dirac_run_reports_the_chosen_system() {
    check_against_library(Nature::Dirac, "antineutrino");
}

#[test]
fn scan_points_are_coupled_solves_written_to_the_file() {
    let text = bulb("majorana", "neutrino").replace(
        "[output]",
        "[scan]\n\"moments.magnetic_mu_b.e_mu\" = [0.0, 1e-15]\n[output]",
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("c.h5");
    let plan = parse(&text).unwrap();
    assert_eq!(plan.n_grid(), 8);
    let header = run::header_for(&plan, "test".into()).unwrap();
    assert_eq!(header.solver_method, "cf4");
    assert_eq!(header.rtol, 1e-7);
    let done = run::run_to_file(&plan, &header, &out, &RunOptions::default(), &NoProgress).unwrap();
    assert!(done.complete());
    let file = read_output(&out).unwrap();
    assert!(file.complete);
    let tp = file
        .derived
        .iter()
        .find(|d| d.path == "collective/trace_p")
        .unwrap();
    assert_eq!(tp.shape, vec![2, 3]);
    // Without a moment Tr P is conserved (round-off); with one it is not.
    assert!((tp.values[2] - tp.values[0]).abs() < 1e-9 * tp.values[0]);
    assert!((tp.values[5] - tp.values[3]).abs() > 1e-3 * tp.values[3]);
    // Each scan point's bins share one solve: equal step counts within a point.
    assert_eq!(file.steps[0], file.steps[3]);
    assert_eq!(file.steps[4], file.steps[7]);
    // Probabilities of every initial state sum to 1 over final states.
    for g in 0..8 {
        for i in 0..4 {
            let sum: f64 = (0..4).map(|j| file.probability[[g, 2, i, j]]).sum();
            assert!((sum - 1.0).abs() < 1e-10);
        }
    }
}

/// Three flavours with matter (ρ ∝ r⁻³) through the run layer: 6×6 per bin, each P(s → ·)
/// sums to 1, Tr P is conserved without a moment, and the ν_e of the lowest bin (which matter
/// and the collective field both act on) is a probability.
#[test]
fn three_flavours_with_matter_run_coupled() {
    let text = bulb("majorana", "neutrino")
        .replace("flavours = 2", "flavours = 3")
        .replace(
            "theta_deg = 5.7296\ndm2_ev2 = -3e-3",
            "preset = \"nufit-5.2-io\"",
        )
        .replace(
            "magnetic_mu_b = { e_mu = 1e-15 }",
            "magnetic_mu_b = { e_mu = 0.0 }",
        )
        .replace("rho0_g_cm3 = 0.0", "rho0_g_cm3 = 1e6");
    let plan = parse(&text).unwrap();
    assert_eq!(plan.labels.len(), 6);
    let results = run_all(&plan);
    for r in &results {
        assert_eq!(r.probability.len(), 3 * 6 * 6);
        for x in 0..3 {
            for i in 0..6 {
                let sum: f64 = (0..6).map(|j| r.probability[(x * 6 + i) * 6 + j]).sum();
                assert!((sum - 1.0).abs() < 1e-10, "{sum}");
            }
        }
        assert!(r.unitarity_error < 1e-10);
    }
    let header = run::header_for(&plan, "test".into()).unwrap();
    let derived = run::derived_datasets(&plan, &header, &results);
    let tp = derived
        .iter()
        .find(|d| d.path == "collective/trace_p")
        .unwrap();
    assert!((tp.values[2] - tp.values[0]).abs() < 1e-9 * tp.values[0]);
    let flip = derived
        .iter()
        .find(|d| d.path == "collective/flip_fraction")
        .unwrap();
    assert!(flip.values.iter().all(|&f| f < 1e-12));
}

#[test]
fn a_cancelled_coupled_solve_leaves_its_scan_point_undone() {
    let plan = parse(&bulb("majorana", "neutrino")).unwrap();
    let datasets = run::Datasets::new(&plan);
    let stop = std::sync::atomic::AtomicBool::new(true);
    let watch = run::coupled::Watch::new(&plan, 0, &stop, &NoProgress);
    let got = run::coupled::solve_scan_point(&plan, &datasets, 0, &watch).unwrap();
    assert!(got.is_empty());
}

/// `(replace this, with this, the error names this field, and says this)`.
const BAD: &[(&str, &str, &str, &str)] = &[
    (
        "nu_e = { luminosity_erg_s = 1e50, mean_energy_mev = 10.0 }",
        "nu_e = { luminosity_erg_s = 1e50, mean_energy_mev = -1.0 }",
        "[collective] nu_e.mean_energy_mev",
        "must be > 0, got -1",
    ),
    (
        // A large value is shown as the user wrote it, not as its 51 digits.
        "nu_e = { luminosity_erg_s = 1e50, mean_energy_mev = 10.0 }",
        "nu_e = { luminosity_erg_s = -1e50, mean_energy_mev = 10.0 }",
        "[collective] nu_e.luminosity_erg_s",
        "must be > 0, got -1e50",
    ),
    (
        "nu_e = { luminosity_erg_s = 1e50, mean_energy_mev = 10.0 }",
        "nu_e = { luminosity_erg_s = 1e50, mean_energy_mev = 10.0, eta = 1, alpha = 2 }",
        "[collective] nu_e.alpha",
        "cannot be combined with eta",
    ),
    (
        "nu_e = { luminosity_erg_s = 1e50, mean_energy_mev = 10.0 }",
        "nu_e = { luminosity = 1e50, mean_energy_mev = 10.0 }",
        "[collective] nu_e.luminosity",
        "unknown field",
    ),
    (
        "nubar_x = { luminosity_erg_s = 1e50, mean_energy_mev = 20.0 }",
        "",
        "[collective] nubar_x",
        "is required",
    ),
    (
        "r_nu_km = 10.0",
        "r_nu_km = \"ten\"",
        "[collective] r_nu_km",
        "must be a number, got \"ten\"",
    ),
    (
        "scale = \"linear\"",
        "scale = \"log\"",
        "[energy] scale",
        "must be \"linear\" with [collective]",
    ),
    (
        "start_km = 10.0",
        "start_km = 5.0",
        "[track] start_km",
        "must be >= [collective] r_nu_km = 10 (neutrinos are emitted there), got 5",
    ),
    (
        "record = { values_km = [10.0, 20.0, 100.0] }",
        "record = \"all-steps\"",
        "[track] record",
        "cannot be \"all-steps\"",
    ),
    (
        "rtol = 1e-7",
        "rtol = 1e-7\nmethod = \"dop853\"",
        "[solver] method",
        "must be \"magnus\" with [collective]",
    ),
    (
        "profile_samples = 0",
        "profile_samples = 0\nobservables = [\"flavour\", \"mass\"]",
        "[output] observables",
        "the observable \"mass\"",
    ),
];

#[test]
fn bad_collective_input_names_file_field_expected_and_got() {
    let good = bulb("majorana", "neutrino");
    for (from, to, field, says) in BAD {
        assert!(good.contains(from), "{from}");
        let e = parse(&good.replacen(from, to, 1)).unwrap_err().to_string();
        assert!(e.starts_with("collective-test.toml"), "{e}");
        assert!(e.contains(field), "{e} (wanted {field})");
        assert!(e.contains(says), "{e} (wanted {says})");
    }
}
