//! Parameter scans (`[scan]`), sharding (`nuspin run --shard K/N`) and `nuspin merge`, end to
//! end: the merged shards equal the unsharded run bit for bit, whatever the thread count,
//! and each scan point equals a plain run with that value written into the file.

use crate::common;
use common::cli::Case;
use common::lab::lab_scenario;

use nuspin::output::OutputFile;

const BASE: &str = lab_scenario!(
    name: "scan",
    initial: r#"["nu_e", "nu_mu"]"#,
    points: 7,
    medium: "b_perp_gauss = 1e6\n",
    end_km: 300,
    "record = { points = 3 }\n",
    "\n[moments]\nmagnetic_mu_b = { e_mu = 1e-11 }\n",
);

const SCAN: &str = r#"
[scan]
"moments.magnetic_mu_b.e_mu" = { min = 1e-12, max = 1e-10, points = 3, scale = "log" }
"medium.rho_g_cm3" = [1.0, 5.0]
"#;

fn bits(v: impl IntoIterator<Item = f64>) -> Vec<u64> {
    v.into_iter().map(f64::to_bits).collect()
}

fn assert_same_data(a: &OutputFile, b: &OutputFile) {
    assert_eq!(
        bits(a.probability.iter().copied()),
        bits(b.probability.iter().copied())
    );
    assert_eq!(a.energy_done, b.energy_done);
    assert_eq!(a.steps, b.steps);
    assert_eq!(a.rejected, b.rejected);
    assert_eq!(
        bits(a.unitarity_error.clone()),
        bits(b.unitarity_error.clone())
    );
    assert_eq!(a.header.scan, b.header.scan);
    assert_eq!(a.header.scenario_toml, b.header.scenario_toml);
    assert_eq!(a.header.energy_mev, b.header.energy_mev);
    assert_eq!(a.complete, b.complete);
}

#[test]
fn merged_shards_equal_the_unsharded_run_bit_for_bit() {
    let case = Case::new(&format!("{BASE}{SCAN}"));
    case.ok(&["run", "s.toml", "-o", "all.h5", "--quiet", "--threads", "2"]);
    let all = case.read("all.h5");
    assert_eq!(all.header.scan.len(), 2);
    assert_eq!(all.probability_nd().shape(), &[3, 2, 7, 3, 2, 4]);
    assert!(all.complete);

    for k in 1..=3 {
        let shard = format!("{k}/3");
        let name = format!("part{k}.h5");
        case.ok(&[
            "run",
            "s.toml",
            "-o",
            &name,
            "--quiet",
            "--threads",
            "1",
            "--shard",
            &shard,
        ]);
        let part = case.read(&name);
        assert_eq!(part.header.shard, Some((k, 3)));
        let mine = part.energy_done.iter().filter(|&&d| d == 1).count();
        assert_eq!(mine, (42 + 3 - k) / 3, "shard {k}");
    }
    // Shards in any order.
    case.ok(&[
        "merge",
        "part3.h5",
        "part1.h5",
        "part2.h5",
        "-o",
        "merged.h5",
    ]);
    let merged = case.read("merged.h5");
    assert_eq!(merged.header.shard, None);
    assert_same_data(&merged, &all);

    // A missing shard leaves those grid points undone and the file incomplete.
    case.ok(&["merge", "part1.h5", "part2.h5", "-o", "two.h5"]);
    let two = case.read("two.h5");
    assert!(!two.complete);
    assert_eq!(two.energy_done.iter().filter(|&&d| d == 1).count(), 28);

    // The same shard twice, a plain file, and an existing output are refused.
    let out = case.nuspin(&["merge", "part1.h5", "part1.h5", "-o", "bad.h5"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is shard 1/3, and so is"));
    let out = case.nuspin(&["merge", "all.h5", "part1.h5", "-o", "bad.h5"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a shard file"));
    let out = case.nuspin(&["merge", "part1.h5", "-o", "merged.h5"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!case.path("bad.h5").exists());
}

#[test]
fn shards_of_different_runs_are_refused() {
    let case = Case::new(&format!("{BASE}{SCAN}"));
    case.ok(&["run", "s.toml", "-o", "a.h5", "--quiet", "--shard", "1/2"]);
    std::fs::write(
        case.path("s.toml"),
        format!("{BASE}{SCAN}").replace("ye = 0.5", "ye = 0.4"),
    )
    .unwrap();
    case.ok(&["run", "s.toml", "-o", "b.h5", "--quiet", "--shard", "2/2"]);
    let out = case.nuspin(&["merge", "a.h5", "b.h5", "-o", "m.h5"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("comes from a different run"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn each_scan_point_equals_a_plain_run_with_that_value() {
    let case = Case::new(&format!("{BASE}{SCAN}"));
    case.ok(&["run", "s.toml", "-o", "scan.h5", "--quiet"]);
    let scan = case.read("scan.h5").probability_nd();
    // Scan point (e_mu index 2 = 1e-10, rho index 0 = 1.0).
    let plain = BASE
        .replace("e_mu = 1e-11", "e_mu = 1e-10")
        .replace("rho_g_cm3 = 3", "rho_g_cm3 = 1.0");
    std::fs::write(case.path("p.toml"), plain).unwrap();
    case.ok(&["run", "p.toml", "-o", "plain.h5", "--quiet"]);
    let plain = case.read("plain.h5");
    let at = scan.slice(ndarray::s![2, 0, .., .., .., ..]);
    assert_eq!(
        bits(at.iter().copied()),
        bits(plain.probability.iter().copied())
    );
    // The scan changes the physics: the flip to the sterile states grows with mu.
    let flip = |m: usize| scan[[m, 0, 6, 2, 0, 2]] + scan[[m, 0, 6, 2, 0, 3]];
    assert!(flip(2) > 50.0 * flip(0), "{} vs {}", flip(2), flip(0));
}

#[test]
fn bad_scans_are_refused_before_any_work() {
    let cases = [
        (
            "[scan]\n\"energy.max_mev\" = [5.0, 20.0]\n",
            "[scan] energy.max_mev: changes the energies",
        ),
        (
            "[scan]\n\"medium.rho_g_cm3\" = [1.0, -2.0]\n",
            "at the scan point medium.rho_g_cm3 = -2e0",
        ),
        (
            "[scan]\n\"medium.no_such_field\" = [1.0]\n",
            "no_such_field",
        ),
        (
            "[scan]\n\"output.file\" = [1.0]\n",
            "[output] cannot be scanned",
        ),
        (
            "[scan]\n\"mixing.theta_deg\" = { min = 1.0, points = 3 }\n",
            "a range needs min, max and points",
        ),
        (
            "[scan]\n\"mixing.theta_deg\" = []\n",
            "must have at least one value",
        ),
        ("[scan]\n\"name\" = [1.0]\n", "[name] cannot be scanned"),
    ];
    for (scan, want) in cases {
        let case = Case::new(&format!("{BASE}{scan}"));
        let out = case.nuspin(&["run", "s.toml", "-o", "out.h5", "--quiet"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{scan}: {stderr}");
        assert!(stderr.contains("s.toml"), "{stderr}");
        assert!(stderr.contains(want), "{scan}: `{want}` not in {stderr}");
        assert!(!case.path("out.h5").exists());
        assert!(!case.path("out.h5.partial").exists());
    }
    let case = Case::new(BASE);
    for bad in ["0/3", "4/3", "x", "1/0"] {
        let out = case.nuspin(&["run", "s.toml", "-o", "out.h5", "--shard", bad]);
        assert_eq!(out.status.code(), Some(2), "--shard {bad}");
    }
}
