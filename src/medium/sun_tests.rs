use super::*;

fn bs05() -> SolarMedium {
    SolarMedium::new(SolarModel::Bs05, 0.05, None).unwrap()
}

#[test]
fn centre_density_from_the_table() {
    let sun = bs05();
    let p = sun.point(0.0, Side::Right).unwrap();
    // docs/physics.md ("Built-in media") / issue 4: n_e at the centre ≈ 10^2.0125 N_A cm⁻³.
    let want = 10f64.powf(2.0125) * AVOGADRO;
    assert!(
        (p.ne_cm3 / want - 1.0).abs() < 1e-4,
        "{}",
        p.ne_cm3 / AVOGADRO
    );
    // Neutrons: ρ N_A (1 − X_H)/2 with the first structure row ρ = 152.9, X_H = 0.34608.
    let nn = 152.9 * AVOGADRO * (1.0 - 0.34608) / 2.0;
    assert!((p.nn_cm3 / nn - 1.0).abs() < 1e-12);
}

#[test]
fn log10_ne_is_linear_between_rows() {
    let sun = bs05();
    let rows = parse_columns(NELE_BS05OP, "nele", 2).unwrap();
    let (a, b) = (&rows[1000], &rows[1001]);
    let r = 0.5 * (a[0] + b[0]) * R_SUN_KM;
    let ne = sun.point(r, Side::Left).unwrap().ne_cm3;
    let want = AVOGADRO * 10f64.powf(0.5 * (a[1] + b[1]));
    assert!((ne / want - 1.0).abs() < 1e-12);
}

#[test]
fn nn_follows_composition_then_holds_the_ratio() {
    let sun = bs05();
    let st = parse_columns(BS05OP, "bs05op", 12).unwrap();
    let row = &st[700];
    let p = sun.point(row[1] * R_SUN_KM, Side::Left).unwrap();
    let want = row[3] * AVOGADRO * (1.0 - row[6]) / 2.0;
    assert!((p.nn_cm3 / want - 1.0).abs() < 1e-12);
    let last = &st[st.len() - 1];
    let p_last = sun.point(last[1] * R_SUN_KM, Side::Left).unwrap();
    let ratio = p_last.nn_cm3 / p_last.ne_cm3;
    for r in [0.99, 0.999, 1.0] {
        let p = sun.point(r * R_SUN_KM, Side::Left).unwrap();
        assert!((p.nn_cm3 / p.ne_cm3 / ratio - 1.0).abs() < 1e-12, "{r}");
    }
    // Beyond the n_e table is outside the medium.
    assert!(sun.point(1.001 * R_SUN_KM, Side::Left).is_err());
    assert!(sun.check_track(0.05 * R_SUN_KM, R_SUN_KM).is_ok());
}

#[test]
fn surface_discontinuity_and_breakpoints() {
    let sun = bs05();
    // The repeated surface radius is the only jump; every row is a kink.
    assert_eq!(sun.breakpoints(), vec![R_SUN_KM]);
    let kinks = sun.kinks();
    assert!(kinks.len() > 3000, "{}", kinks.len());
    assert!(kinks.windows(2).all(|w| w[0] < w[1]));
    let l = sun.point(R_SUN_KM, Side::Left).unwrap().ne_cm3;
    let r = sun.point(R_SUN_KM, Side::Right).unwrap().ne_cm3;
    assert!((l / (AVOGADRO * 10f64.powf(-6.817592)) - 1.0).abs() < 1e-12);
    assert!((r / (AVOGADRO * 10f64.powf(-6.820600)) - 1.0).abs() < 1e-12);
    assert_eq!(sun.natural_track_km(), Some((0.05 * R_SUN_KM, R_SUN_KM)));
}

#[test]
fn derivatives_match_finite_differences() {
    for sun in [
        bs05(),
        SolarMedium::new(SolarModel::Exponential, 0.05, None).unwrap(),
    ] {
        let bp = sun.kinks();
        let xs: Vec<f64> = if bp.is_empty() {
            vec![1e4, 2e5, 6e5]
        } else {
            [100, 1500, 2500, 3300]
                .iter()
                .map(|&i| 0.5 * (bp[i] + bp[i + 1]))
                .collect()
        };
        for x in xs {
            let h = if bp.is_empty() { 1.0 } else { 1e-3 };
            let a = sun.point(x + h, Side::Left).unwrap();
            let b = sun.point(x - h, Side::Left).unwrap();
            let (_, d) = sun.point_and_slope(x, Side::Left).unwrap();
            let fd_e = (a.ne_cm3 - b.ne_cm3) / (2.0 * h);
            let fd_n = (a.nn_cm3 - b.nn_cm3) / (2.0 * h);
            assert!((d.ne_cm3 - fd_e).abs() <= 1e-6 * fd_e.abs(), "{x}");
            assert!(
                (d.nn_cm3 - fd_n).abs() <= 1e-6 * fd_n.abs() + 1e-9 * a.nn_cm3,
                "{x}"
            );
        }
    }
}

#[test]
fn exponential_model() {
    let sun = SolarMedium::new(SolarModel::Exponential, 0.1, None).unwrap();
    let p = sun.point(0.0, Side::Left).unwrap();
    assert!((p.ne_cm3 / (245.0 * AVOGADRO) - 1.0).abs() < 1e-15);
    assert!((p.nn_cm3 / p.ne_cm3 - 0.3 / 0.7).abs() < 1e-15);
    let s = sun.point(R_SUN_KM, Side::Left).unwrap();
    assert!((s.ne_cm3 / p.ne_cm3 - (-10.54f64).exp()).abs() < 1e-15);
    assert!(sun.breakpoints().is_empty() && sun.kinks().is_empty());
    assert_eq!(sun.natural_track_km(), Some((0.1 * R_SUN_KM, R_SUN_KM)));
    assert!(sun.averaged_starts_km().is_none());
}

#[test]
fn production_average_nodes_are_a_truncated_gaussian() {
    for n in [1, 4, 12, 24] {
        let nodes = production_average_nodes(n);
        assert_eq!(nodes.len(), n);
        let total: f64 = nodes.iter().map(|n| n.1).sum();
        assert!((total - 1.0).abs() < 1e-14);
        assert!(nodes
            .iter()
            .all(|&(r, w)| (0.0..=0.15).contains(&r) && w > 0.0));
    }
    // Moments of the Gaussian truncated at r = 0 (2.5σ below the mean): the mean shifts by
    // σ φ(2.5)/Φ(2.5) = 3.528e-4 R_sun.
    let nodes = production_average_nodes(DEFAULT_PRODUCTION_POINTS);
    let mean: f64 = nodes.iter().map(|(r, w)| r * w).sum();
    assert!((mean - (0.05 + 3.528e-4)).abs() < 2e-5, "{mean}");
    let var: f64 = nodes.iter().map(|(r, w)| (r - mean).powi(2) * w).sum();
    assert!((var.sqrt() / 0.02 - 1.0).abs() < 0.03, "{}", var.sqrt());
    let sun = SolarMedium::new(SolarModel::Bs05, 0.05, Some(8)).unwrap();
    let starts = sun.averaged_starts_km().unwrap();
    assert_eq!(starts.len(), 8);
    assert!((starts[0].0 / R_SUN_KM - production_average_nodes(8)[0].0).abs() < 1e-15);
}
