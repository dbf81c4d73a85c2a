//! Chord geometry against closed forms, the models, and the `[medium]` errors.

use super::*;
use crate::medium::{build_medium, EarthGeometry, EarthShells, MediumConfigError};
use crate::units::{AVOGADRO, R_EARTH_KM};
use std::path::Path;

/// The chord of the first release (PREM, surface detector), kept verbatim as the reference
/// the default model must reproduce bit for bit.
fn old_chord(cos_zenith: f64) -> (Vec<f64>, Vec<MediumPoint>) {
    let prem = include_str!("../../profiles/prem_earth.dat");
    let rows: Vec<[f64; 3]> = prem
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim().starts_with('#'))
        .map(|l| {
            let f: Vec<f64> = l.split_whitespace().map(|x| x.parse().unwrap()).collect();
            [f[0], f[1], f[2]]
        })
        .collect();
    let length_km = -2.0 * R_EARTH_KM * cos_zenith;
    let half = 0.5 * length_km;
    let b2 = (R_EARTH_KM * R_EARTH_KM - half * half).max(0.0);
    let mut edges = vec![0.0, length_km];
    for row in &rows[1..rows.len() - 1] {
        let r = row[0] * R_EARTH_KM;
        if r * r > b2 {
            let s = (r * r - b2).sqrt();
            edges.extend([half - s, half + s]);
        }
    }
    edges.sort_by(f64::total_cmp);
    edges.dedup();
    let shells: Vec<f64> = rows.iter().map(|r| r[0] * R_EARTH_KM).collect();
    let layers = edges
        .windows(2)
        .map(|w| {
            let mid = 0.5 * (w[0] + w[1]) - half;
            let radius = (b2 + mid * mid).sqrt();
            let i = shells
                .partition_point(|&r| r <= radius)
                .clamp(1, rows.len() - 1)
                - 1;
            let [_, rho, ye] = rows[i];
            MediumPoint {
                ne_cm3: rho * ye * AVOGADRO,
                nn_cm3: rho * (1.0 - ye) * AVOGADRO,
                ..Default::default()
            }
        })
        .collect();
    (edges, layers)
}

#[test]
fn default_prem_chord_is_bit_identical_to_the_first_release() {
    for c in [-1.0, -0.9, -0.8371, -0.5, -0.3, -0.1, -0.013, -1e-4] {
        let e = EarthMedium::new(c).unwrap();
        let (edges, layers) = old_chord(c);
        assert_eq!(e.edges, edges, "cos_zenith {c}");
        assert_eq!(e.layers, layers, "cos_zenith {c}");
    }
}

fn rho(p: &MediumPoint) -> f64 {
    p.rho_g_cm3()
}

/// Segment lengths and densities of a chord.
fn segments(e: &EarthMedium) -> Vec<(f64, f64)> {
    e.edges
        .windows(2)
        .zip(&e.layers)
        .map(|(w, p)| (w[1] - w[0], rho(p)))
        .collect()
}

#[test]
fn prem4_vertical_chord_crosses_each_layer_twice() {
    let e = EarthMedium::with_model(&EarthShells::prem4(), &EarthGeometry::surface(-1.0));
    let want = [
        (6371.0 - 5701.0, 3.3),
        (5701.0 - 3480.0, 5.0),
        (3480.0 - 1220.0, 11.3),
        (2.0 * 1220.0, 13.0),
        (3480.0 - 1220.0, 11.3),
        (5701.0 - 3480.0, 5.0),
        (6371.0 - 5701.0, 3.3),
    ];
    let got = segments(&e);
    assert_eq!(got.len(), want.len());
    for ((l, r), (wl, wr)) in got.iter().zip(want) {
        assert!(
            (l - wl).abs() < 1e-9 && (r / wr - 1.0).abs() < 1e-14,
            "{got:?}"
        );
    }
    // Y_e = 0.5 in every layer.
    assert!(e.layers.iter().all(|p| p.ne_cm3 == p.nn_cm3));
}

#[test]
fn prem4_chord_lengths_match_the_closed_form() {
    // Plain chord at cos θ: a layer of outer radius r is crossed over 2√(r² − R² sin²θ).
    let shells = EarthShells::prem4();
    for c in [-0.95, -0.8, -0.5, -0.2] {
        let e = EarthMedium::with_model(&shells, &EarthGeometry::surface(c));
        let b2 = R_EARTH_KM * R_EARTH_KM * (1.0 - c * c);
        let inside = |r: f64| 2.0 * (r * r - b2).max(0.0).sqrt();
        for (k, &r) in shells.outer_km.iter().enumerate() {
            let within: f64 = segments(&e)
                .iter()
                .filter(|(_, d)| {
                    shells.points[..=k]
                        .iter()
                        .any(|p| (rho(p) - d).abs() < 1e-12)
                })
                .map(|s| s.0)
                .sum();
            assert!((within - inside(r)).abs() < 1e-9, "c {c} r {r}: {within}");
        }
    }
}

/// |position| at distance x from the start, computed in 3-D: detector at (0, 0, R_d), the
/// neutrino coming from direction û = (sin θ, 0, cos θ).
fn radius_at(g: &EarthGeometry, length_km: f64, x: f64) -> f64 {
    let r_d = R_EARTH_KM - g.detector_depth_km;
    let (c, s) = (g.cos_zenith, (1.0 - g.cos_zenith * g.cos_zenith).sqrt());
    let back = length_km - x;
    ((back * s).powi(2) + (r_d + back * c).powi(2)).sqrt()
}

#[test]
fn depth_and_height_chords_match_three_d_geometry() {
    let shells = EarthShells::prem4();
    let radii: Vec<f64> = shells.outer_km.clone();
    for (c, d, h) in [
        (-1.0, 2.0, 15.0),
        (-0.7, 1.5, 15.0),
        (-0.1, 0.0, 15.0),
        (0.0, 1.0, 15.0),
        (0.3, 1.0, 20.0),
        (1.0, 2.0, 15.0),
        (-0.4, 2.0, 0.0),
        (0.5, 2.0, 0.0),
    ] {
        let g = EarthGeometry {
            cos_zenith: c,
            detector_depth_km: d,
            production_height_km: h,
        };
        let e = EarthMedium::with_model(&shells, &g);
        let l = e.length_km();
        // Start at R + h, end at the detector R − d.
        assert!(
            (radius_at(&g, l, 0.0) - (R_EARTH_KM + h)).abs() < 1e-8,
            "{g:?}"
        );
        assert!(
            (radius_at(&g, l, l) - (R_EARTH_KM - d)).abs() < 1e-8,
            "{g:?}"
        );
        // Every inner edge lies on a shell boundary (or the surface).
        for &x in e.breakpoints().iter() {
            let r = radius_at(&g, l, x);
            assert!(
                radii.iter().any(|&b| (b - r).abs() < 1e-7),
                "{g:?}: edge {x} at r {r}"
            );
        }
        // Each segment's matter is that of its midpoint's shell (vacuum above the surface).
        for (w, p) in e.edges.windows(2).zip(&e.layers) {
            let r = radius_at(&g, l, 0.5 * (w[0] + w[1]));
            let want = match radii.iter().position(|&b| r < b) {
                Some(i) => rho(&shells.points[i]),
                None => 0.0,
            };
            assert!((rho(p) - want).abs() < 1e-12, "{g:?}: r {r}");
        }
    }
    // Closed forms: vertical L = R_d + R + h; horizontal L = √((R + h)² − R_d²); straight
    // down L = d + h, h of vacuum then d of the outer layer.
    let g = |c, d, h| EarthGeometry {
        cos_zenith: c,
        detector_depth_km: d,
        production_height_km: h,
    };
    let len = |g: EarthGeometry| EarthMedium::with_model(&shells, &g).length_km();
    assert!((len(g(-1.0, 2.0, 15.0)) - (2.0 * R_EARTH_KM + 13.0)).abs() < 1e-9);
    let horizontal = ((R_EARTH_KM + 15.0).powi(2) - (R_EARTH_KM - 1.0).powi(2)).sqrt();
    assert!((len(g(0.0, 1.0, 15.0)) - horizontal).abs() < 1e-9);
    let down = EarthMedium::with_model(&shells, &g(1.0, 2.0, 15.0));
    let seg = segments(&down);
    assert_eq!(seg.len(), 2);
    assert!((seg[0].0 - 15.0).abs() < 1e-9 && seg[0].1 == 0.0);
    assert!((seg[1].0 - 2.0).abs() < 1e-9 && (seg[1].1 - 3.3).abs() < 1e-14);
}

fn build(fields: &str, dir: &Path) -> Result<Box<dyn Medium>, MediumConfigError> {
    build_medium("earth", toml::from_str(fields).unwrap(), dir)
}

fn error(fields: &str, dir: &Path) -> String {
    match build(fields, dir) {
        Ok(_) => panic!("{fields:?} was accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn user_shells_file_and_field_errors() {
    let dir = std::env::temp_dir().join(format!("nuspin-earth-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("two.dat"),
        "# outer_radius_km density_g_cm3 y_e\n3000, 10.0, 0.47\n6000 4.0 0.49 # mantle\n",
    )
    .unwrap();
    let m = build("model = 'file'\nfile = 'two.dat'\ncos_zenith = -1.0", &dir).unwrap();
    assert_eq!(m.natural_track_km(), Some((0.0, 12000.0)));
    let mid = m.point(6000.0, Side::Left).unwrap();
    assert!((mid.rho_g_cm3() - 10.0).abs() < 1e-12);
    assert!((mid.ne_cm3 / (10.0 * 0.47 * AVOGADRO) - 1.0).abs() < 1e-14);
    assert_eq!(m.breakpoints(), vec![3000.0, 9000.0]);
    std::fs::write(dir.join("bad.dat"), "3000 10 0.5\n2000 4 0.5\n").unwrap();
    let e = error("model = 'file'\nfile = 'bad.dat'", &dir);
    assert!(
        e.contains("bad.dat' line 2: outer_radius_km must be"),
        "{e}"
    );
    std::fs::write(dir.join("ye.dat"), "3000 10 1.5\n").unwrap();
    assert!(
        error("model = 'file'\nfile = 'ye.dat'", &dir).contains("line 1: y_e must be in [0, 1]")
    );
    std::fs::write(dir.join("cols.dat"), "3000 10\n").unwrap();
    assert!(error("model = 'file'\nfile = 'cols.dat'", &dir).contains("expected 3 numbers"));
    assert!(error("model = 'file'\nfile = 'none.dat'", &dir).contains("cannot read"));
    assert!(error("model = 'file'", &dir).contains("needs file ="));
    assert!(error("model = 'prem4'\nfile = 'two.dat'", &dir).contains("only read with model"));
    assert!(error("model = 'prem5'", &dir).starts_with("model must be one of"));
    assert!(error("detector_depth_km = -1.0", &dir).starts_with("detector_depth_km must be >= 0"));
    assert!(error("detector_depth_km = 7000.0", &dir).contains("below the Earth's radius"));
    assert!(error("production_height_km = -1.0", &dir).starts_with("production_height_km"));
    assert!(error("cos_zenith = 0.5", &dir).starts_with("cos_zenith must be in [-1, 0)"));
    assert!(error("cos_zenith = 1.5\nproduction_height_km = 15.0", &dir)
        .starts_with("cos_zenith must be in [-1, 1]"));
    // Down-going with a production height: atmosphere only.
    let m = build("cos_zenith = 0.5\nproduction_height_km = 15.0", &dir).unwrap();
    assert!((m.natural_track_km().unwrap().1 - 30.0).abs() < 0.5);
    std::fs::remove_dir_all(&dir).ok();
}
