//! Turbulent media (`[turbulence]`): the sampled random field against the requested spectrum
//! and variance (its two-point function, the Fourier transform of the spectrum, by an
//! independent quadrature), the medium's envelope and slopes, reproducibility by seed,
//! independence of thread count and shard, the summary datasets against a recomputation,
//! and bad input.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use nuspin::medium::turbulence::{envelope, RandomField, Spectrum};
use nuspin::medium::Side;
use nuspin::output::read_output;
use nuspin::reference;
use nuspin::run::solve_energy;
use nuspin::scenario::parse;

/// The supernova envelope with shocks at 1.2e4 and 4e4 km ([`reference::turbulence`]), whose
/// H resonance of 5–40 MeV neutrinos lies between them, with `[turbulence]` = `turbulence`.
fn supernova(turbulence: &str, energies_mev: &[f64]) -> String {
    reference::turbulence::supernova_toml(
        "magnus",
        energies_mev,
        &format!("[turbulence]\n{turbulence}"),
    )
}

fn spectrum(index: f64) -> Spectrum {
    Spectrum {
        amplitude: 0.1,
        index,
        long_cutoff_km: 100.0,
        short_cutoff_km: 1.0,
        modes: 100,
    }
}

/// ⟨δ(x)δ(x + r)⟩ over `k` realisations and 200 positions spread over 40 λ*.
fn sampled_correlation(s: &Spectrum, r_km: f64, k: u64) -> f64 {
    let mut sum = 0.0;
    let mut n = 0.0;
    for real in 0..k {
        let f = RandomField::new(s, 0.0, 42, real, 0);
        for j in 0..200 {
            let x = 20.03 * j as f64;
            sum += f.value_and_slope(x).0 * f.value_and_slope(x + r_km).0;
            n += 1.0;
        }
    }
    sum / n
}

#[test]
fn sampled_field_has_the_requested_variance_and_spectrum() {
    let lags = [0.0, 0.5, 2.0, 8.0, 20.0, 50.0];
    let mut differ: f64 = 0.0;
    for index in [5.0 / 3.0, 3.0] {
        let s = spectrum(index);
        for r in lags {
            let got = sampled_correlation(&s, r, 300);
            let want = s.correlation(r);
            println!("alpha {index:.3} r {r:5} km: sampled {got:.4}, spectrum {want:.4}");
            // Monte Carlo error ~ 1/sqrt(modes x realisations) = 0.006.
            assert!(
                (got - want).abs() < 0.03,
                "alpha {index} r {r}: {got} vs {want}"
            );
        }
        assert!((s.correlation(0.0) - 1.0).abs() < 1e-12);
    }
    // The reference discriminates: the two indices' two-point functions differ by more
    // than the tolerance.
    for r in lags {
        differ =
            differ.max((spectrum(5.0 / 3.0).correlation(r) - spectrum(3.0).correlation(r)).abs());
    }
    assert!(differ > 0.15, "{differ}");
    // The field's slope is the derivative of its value.
    let f = RandomField::new(&spectrum(5.0 / 3.0), 3.0, 1, 0, 1);
    for x in [3.0, 17.2, 250.0] {
        let h = 1e-5;
        let fd = (f.value_and_slope(x + h).0 - f.value_and_slope(x - h).0) / (2.0 * h);
        assert!((fd - f.value_and_slope(x).1).abs() < 1e-5 * (1.0 + fd.abs()));
    }
}

#[test]
fn medium_density_fluctuates_by_the_amplitude_between_the_shocks_only() {
    let base = parse(
        Path::new("sn.toml"),
        &supernova("", &[10.0]).replace("[turbulence]", ""),
    )
    .unwrap();
    let turb = |realisation: usize| {
        parse(
            Path::new("sn.toml"),
            &supernova(
                &format!("seed = 9\nrealisation = {realisation}\nedge_km = 500\ndensity = {{ amplitude = 0.2, long_cutoff_km = 2000, short_cutoff_km = 10 }}"),
                &[10.0],
            ),
        )
        .unwrap()
    };
    let region = (1.2e4, 4e4);
    let t0 = turb(0);
    // Outside the region, and at the shocks themselves, the medium is untouched.
    for x in [1.0e4, 1.1e4, 1.2e4, 4e4, 6e4] {
        for side in [Side::Left, Side::Right] {
            let a = base.medium.point(x, side).unwrap();
            let b = t0.medium.point(x, side).unwrap();
            assert_eq!(a.ne_cm3, b.ne_cm3, "x {x}");
        }
    }
    // Inside: (n/n0 − 1)/F has rms C* = 0.2 over positions and realisations.
    let (mut sum2, mut n) = (0.0, 0.0);
    for r in 0..40 {
        let t = turb(r);
        for j in 0..300 {
            let x = 1.4e4 + 80.0 * j as f64;
            let (f, _) = envelope(x, region, 500.0);
            let n0 = base.medium.point(x, Side::Right).unwrap().ne_cm3;
            let n1 = t.medium.point(x, Side::Right).unwrap().ne_cm3;
            let rel = (n1 / n0 - 1.0) / f;
            assert_eq!(
                t.medium.point(x, Side::Right).unwrap().nn_cm3
                    / base.medium.point(x, Side::Right).unwrap().nn_cm3,
                n1 / n0
            );
            sum2 += rel * rel;
            n += 1.0;
        }
    }
    let rms = (sum2 / n).sqrt();
    println!("rms relative density fluctuation {rms:.4} (requested 0.2)");
    assert!((rms - 0.2).abs() < 0.01, "{rms}");
    // The slope is the derivative of the perturbed density.
    for x in [1.25e4, 2.0e4, 3.9e4] {
        let h = 1e-3;
        let (p, s) = t0.medium.point_and_slope(x, Side::Right).unwrap();
        let up = t0.medium.point(x + h, Side::Right).unwrap().ne_cm3;
        let down = t0.medium.point(x - h, Side::Right).unwrap().ne_cm3;
        let fd = (up - down) / (2.0 * h);
        assert!(
            (fd - s.ne_cm3).abs() < 1e-5 * (p.ne_cm3 / 10.0),
            "x {x}: {fd} vs {}",
            s.ne_cm3
        );
    }
}

const TURB: &str = "seed = 11\nrealisations = 5\ndensity = { amplitude = 0.3, long_cutoff_km = 5000, short_cutoff_km = 500 }";

#[test]
fn realisations_are_reproducible_and_independent_of_threads() {
    let text = supernova(TURB, &[8.0, 25.0]);
    let s = parse(Path::new("sn.toml"), &text).unwrap();
    assert_eq!(s.scan_axes()[0].field, "turbulence.realisation");
    assert_eq!(s.n_grid(), 10);
    let solve_all = |threads: usize| -> Vec<Vec<u64>> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            use rayon::prelude::*;
            (0..s.n_grid())
                .into_par_iter()
                .map(|g| {
                    let r = solve_energy(&s, g).unwrap();
                    r.probability.iter().map(|p| p.to_bits()).collect()
                })
                .collect()
        })
    };
    let one = solve_all(1);
    assert_eq!(one, solve_all(2));
    // Each realisation is a plain run with `realisation = r` written into the file.
    for r in [0usize, 3] {
        let alone = parse(
            Path::new("sn.toml"),
            &supernova(
                &TURB.replace("realisations = 5", &format!("realisation = {r}")),
                &[8.0, 25.0],
            ),
        )
        .unwrap();
        for e in 0..2 {
            let p = solve_energy(&alone, e).unwrap();
            let bits: Vec<u64> = p.probability.iter().map(|p| p.to_bits()).collect();
            assert_eq!(bits, one[r * 2 + e], "realisation {r}");
        }
    }
    // Realisations differ from each other, and another seed gives other fields.
    assert_ne!(one[0], one[2]);
    let other = parse(
        Path::new("sn.toml"),
        &supernova(&TURB.replace("seed = 11", "seed = 12"), &[8.0, 25.0]),
    )
    .unwrap();
    let p: Vec<u64> = solve_energy(&other, 0)
        .unwrap()
        .probability
        .iter()
        .map(|p| p.to_bits())
        .collect();
    assert_ne!(p, one[0]);
}

/// `realisations = 5.0` is accepted as 5 (a whole float, like every whole-number field):
/// it must then run five realisations, not silently one without the summary datasets.
#[test]
fn realisations_written_as_a_whole_float_run_the_ensemble() {
    for k in ["5", "5.0"] {
        let turbulence = TURB.replace("realisations = 5", &format!("realisations = {k}"));
        let s = parse(Path::new("sn.toml"), &supernova(&turbulence, &[8.0, 25.0])).unwrap();
        let axes = s.scan_axes();
        assert_eq!(axes.len(), 1, "realisations = {k}");
        assert_eq!(
            axes[0].field, "turbulence.realisation",
            "realisations = {k}"
        );
        assert_eq!(
            axes[0].values,
            [0.0, 1.0, 2.0, 3.0, 4.0],
            "realisations = {k}"
        );
        assert_eq!(s.n_grid(), 10, "realisations = {k}");
    }
}

/// With `realisations = K > 1` the realisation axis sets `realisation` in every point, so a
/// `realisation` written beside it would be silently unused: it is refused at its line.
#[test]
fn a_realisation_beside_an_ensemble_is_refused() {
    let turbulence = TURB.replace("realisations = 5", "realisations = 5\nrealisation = 7");
    assert!(turbulence.contains("realisation = 7"));
    let text = supernova(&turbulence, &[8.0, 25.0]);
    let e = parse(Path::new("sn.toml"), &text).unwrap_err().to_string();
    let line = text
        .lines()
        .position(|l| l.starts_with("realisation = 7"))
        .unwrap()
        + 1;
    assert!(
        e.starts_with(&format!("sn.toml:{line}:"))
            && e.contains("[turbulence] realisation: cannot be given with realisations = 5"),
        "{e}"
    );
    // One realisation picked out of the ensemble stays allowed.
    let one = TURB.replace("realisations = 5", "realisations = 1\nrealisation = 7");
    assert!(parse(Path::new("sn.toml"), &supernova(&one, &[8.0])).is_ok());
}

fn nuspin(dir: &Path, args: &[&str]) {
    let out = Command::cargo_bin("nuspin")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn summary_datasets_over_realisations_and_shards() {
    let dir = tempfile::tempdir().unwrap();
    let file: PathBuf = dir.path().join("s.toml");
    std::fs::write(&file, supernova(TURB, &[6.0, 12.0, 30.0])).unwrap();
    nuspin(
        dir.path(),
        &["run", "s.toml", "-o", "all.h5", "--quiet", "--threads", "2"],
    );
    nuspin(
        dir.path(),
        &[
            "run",
            "s.toml",
            "-o",
            "p1.h5",
            "--quiet",
            "--threads",
            "1",
            "--shard",
            "1/2",
        ],
    );
    nuspin(
        dir.path(),
        &[
            "run",
            "s.toml",
            "-o",
            "p2.h5",
            "--quiet",
            "--threads",
            "1",
            "--shard",
            "2/2",
        ],
    );
    nuspin(dir.path(), &["merge", "p2.h5", "p1.h5", "-o", "merged.h5"]);
    let all = read_output(&dir.path().join("all.h5")).unwrap();
    let merged = read_output(&dir.path().join("merged.h5")).unwrap();
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(
        bits(all.probability.as_slice().unwrap()),
        bits(merged.probability.as_slice().unwrap())
    );
    // The realisation axis leads: [K, nE, nX, nI, 2N].
    assert_eq!(all.probability_nd().shape(), &[5, 3, 1, 1, 6]);
    let k = all
        .header
        .extras
        .iter()
        .position(|e| e.path == "turbulence/probability_end")
        .unwrap();
    let end = all.extras[k].as_slice().unwrap().to_vec();
    // probability_end is /probability at the (only) record point.
    assert_eq!(bits(&end), bits(all.probability.as_slice().unwrap()));
    for name in ["mean", "std", "q05", "q50", "q95"] {
        let path = format!("turbulence/probability_{name}");
        let a = all.derived.iter().find(|d| d.path == path).unwrap();
        let m = merged.derived.iter().find(|d| d.path == path).unwrap();
        assert_eq!(a.shape, vec![3, 1, 6]);
        assert_eq!(bits(&a.values), bits(&m.values), "{path}");
    }
    let get = |name: &str| {
        all.derived
            .iter()
            .find(|d| d.path == format!("turbulence/probability_{name}"))
            .unwrap()
            .values
            .clone()
    };
    let (mean, std, q05, q50, q95) = (get("mean"), get("std"), get("q05"), get("q50"), get("q95"));
    let mut spread: f64 = 0.0;
    for c in 0..18 {
        let mut v: Vec<f64> = (0..5).map(|r| end[r * 18 + c]).collect();
        let m = v.iter().sum::<f64>() / 5.0;
        let sd = (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / 5.0).sqrt();
        v.sort_by(f64::total_cmp);
        // numpy "linear": position q (K − 1); 0.05·4 = 0.2, 0.95·4 = 3.8.
        let lin = |h: f64| v[h as usize] + h.fract() * (v[(h as usize + 1).min(4)] - v[h as usize]);
        assert!((mean[c] - m).abs() < 1e-14);
        assert!((std[c] - sd).abs() < 1e-14);
        assert!((q05[c] - lin(0.2)).abs() < 1e-14);
        assert_eq!(q50[c], v[2]);
        assert!((q95[c] - lin(3.8)).abs() < 1e-14);
        spread = spread.max(sd);
    }
    println!("largest standard deviation over realisations: {spread:.3}");
    assert!(spread > 1e-3, "the turbulence must move P");
}

#[test]
fn bad_turbulence_is_rejected_naming_the_field() {
    let d = "density = { amplitude = 0.1, long_cutoff_km = 100, short_cutoff_km = 1 }";
    let cases = [
        (
            "density = { amplitude = -0.1, long_cutoff_km = 100, short_cutoff_km = 1 }".to_string(),
            "turbulence.density.amplitude",
        ),
        (format!("realisations = 0\n{d}"), "turbulence.realisations"),
        (
            "density = { amplitude = 0.1, long_cutoff_km = 1, short_cutoff_km = 100 }".into(),
            "turbulence.density.short_cutoff_km",
        ),
        (
            "b_perp = { amplitude = 0.1, long_cutoff_km = 100, short_cutoff_km = 1 }".into(),
            "turbulence.b_perp",
        ),
        ("seed = 3".into(), "turbulence"),
        (
            format!("{d}\nregion_km = [5e4, 2e4]"),
            "turbulence.region_km",
        ),
        (format!("{d}\nrealisation = -2"), "turbulence.realisation"),
        (format!("{d}\nwhirl = 2"), "turbulence.whirl"),
        (
            "density = { amplitude = 0.1, long_cutoff_km = 100, short_cutoff_km = 1, modes = 0 }"
                .into(),
            "turbulence.density.modes",
        ),
    ];
    for (t, field) in cases {
        let e = parse(Path::new("sn.toml"), &supernova(&t, &[10.0])).unwrap_err();
        assert_eq!(e.field, field, "{t}: {e}");
    }
    // A medium without a default region needs region_km.
    let text = r#"
name = "c"
[neutrino]
flavours = 2
nature = "dirac"
[mixing]
theta_deg = 33.0
dm2_ev2 = 7.5e-5
[energy]
values_mev = [5.0]
[medium]
kind = "constant"
rho_g_cm3 = 3
[track]
start_km = 0
end_km = 100
[turbulence]
density = { amplitude = 0.1, long_cutoff_km = 10, short_cutoff_km = 1 }
"#;
    let e = parse(Path::new("c.toml"), text).unwrap_err();
    assert_eq!(e.field, "turbulence.region_km", "{e}");
    let ok = text.replace("[turbulence]", "[turbulence]\nregion_km = [10, 90]");
    if let Err(e) = parse(Path::new("c.toml"), &ok) {
        panic!("{e}");
    }
}
