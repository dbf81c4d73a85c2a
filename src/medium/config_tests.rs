use super::*;
use crate::medium::Side;
use crate::units::{AVOGADRO, R_EARTH_KM, R_SUN_KM};

fn build(kind: &str, fields: &str) -> Result<Box<dyn Medium>, MediumConfigError> {
    let table: toml::Table = toml::from_str(fields).unwrap();
    build_medium(kind, table, Path::new("."))
}

fn error(kind: &str, fields: &str) -> String {
    match build(kind, fields) {
        Ok(_) => panic!("{kind} with {fields:?} was accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_misspelt_field_is_rejected_for_every_kind() {
    for (kind, typo) in [
        ("constant", "rho = 1.0"),
        ("table", "file = 'x.csv'\ninterp = 'linear'"),
        ("solar", "production_radius = 0.1"),
        ("supernova", "rho0 = 1e4"),
        ("rotating-star", "omega = 1.0"),
        ("earth", "cos_zenit = -1.0"),
    ] {
        let field = typo.lines().last().unwrap().split(' ').next().unwrap();
        let e = error(kind, typo);
        assert!(
            e.starts_with(&format!("unknown field '{field}'")),
            "{kind}: {e}"
        );
    }
    assert!(error("vacuum", "").starts_with("unknown medium kind 'vacuum'"));
}

#[test]
fn invalid_values_name_the_field() {
    assert_eq!(
        error("supernova", "shock_km = 5e4\nshock_jump = -1"),
        "shock_jump must be > 0, got -1"
    );
    assert_eq!(
        error("supernova", "shock_jump = 3"),
        "shock_jump needs shock_km"
    );
    let e = error("supernova", "shock_km = 5e4\nreverse_shock_km = 6e4");
    assert_eq!(e, "reverse_shock_km must be < shock_km = 50000, got 60000");
    assert_eq!(
        error("supernova", "ye = 1.5"),
        "ye must be in [0, 1], got 1.5"
    );
    assert_eq!(
        error("supernova", "r_max_km = 10"),
        "r_max_km must be > r0_km = 10000, got 10"
    );
    let e = error("supernova", "index = 'three'");
    assert!(e.starts_with("field 'index': invalid type"), "{e}");
    assert_eq!(
        error("constant", "rho_g_cm3 = -1"),
        "rho_g_cm3 must be >= 0, got -1"
    );
    assert!(error("constant", "rho_g_cm3 = 1\nne_cm3 = 1").contains("not both"));
    assert!(error("constant", "v_par = 0.8\nv_perp = 0.6").contains("|v|"));
    assert_eq!(
        error("earth", "cos_zenith = 0.5")
            .split(',')
            .next()
            .unwrap(),
        "cos_zenith must be in [-1"
    );
    assert!(error("solar", "model = 'bs06'").starts_with("model must be"));
    let e = error(
        "solar",
        "production_average = true\nproduction_radius_rsun = 0.1",
    );
    assert!(e.contains("exclude each other"), "{e}");
    let e = error(
        "rotating-star",
        "direction = [0, 1, 0]\nclosest_point_km = [1, 1, 0]",
    );
    assert!(
        e.starts_with("closest_point_km must be perpendicular to direction"),
        "{e}"
    );
    assert!(error("rotating-star", "direction = [0, 0, 0]").starts_with("direction must be"));
    let e = error("rotating-star", "omega_rad_s = 2e4");
    assert!(e.contains("too fast") && e.contains("x = -24 km"), "{e}");
    assert!(error("table", "interpolation = 'pchip'").contains("missing field 'file'"));
    let e = error("table", "file = 'none.csv'\ninterpolation = 'cubic'");
    assert!(e.starts_with("interpolation must be one of linear"), "{e}");
}

#[test]
fn table_errors_name_the_file_as_written() {
    let dir = std::env::temp_dir().join(format!("nuspin-media-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("profiles")).unwrap();
    std::fs::write(dir.join("profiles/bad.csv"), "x_km,rho_g_cm3\n0,1\n1,abc\n").unwrap();
    std::fs::write(dir.join("profiles/ok.csv"), "x_km,rho_g_cm3\n0,1\n1,2\n").unwrap();
    let table: toml::Table = toml::from_str("file = 'profiles/bad.csv'").unwrap();
    let e = build_medium("table", table, &dir)
        .err()
        .unwrap()
        .to_string();
    assert_eq!(
        e,
        "file 'profiles/bad.csv' is not a valid table:\n  profiles/bad.csv:3:2: column 'rho_g_cm3': expected a number, got 'abc'"
    );
    let table: toml::Table = toml::from_str("file = 'profiles/ok.csv'").unwrap();
    let m = build_medium("table", table, &dir).unwrap();
    let p = m.point(0.5, Side::Left).unwrap();
    assert!((p.ne_cm3 / (1.5 * 0.5 * AVOGADRO) - 1.0).abs() < 1e-15);
    let table: toml::Table = toml::from_str("file = 'profiles/missing.csv'").unwrap();
    let e = build_medium("table", table, &dir)
        .err()
        .unwrap()
        .to_string();
    assert!(
        e.contains("profiles/missing.csv: cannot read the file"),
        "{e}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn defaults_are_those_documented() {
    let sn = build("supernova", "").unwrap();
    assert_eq!(sn.natural_track_km(), Some((1e4, 1e6)));
    let p = sn.point(1e4, Side::Left).unwrap();
    assert!((p.rho_g_cm3() / 1e4 - 1.0).abs() < 1e-14);
    assert!((p.ne_cm3 / p.nn_cm3 - 1.0).abs() < 1e-15);
    assert!((sn.point(1e5, Side::Left).unwrap().rho_g_cm3() / 10.0 - 1.0).abs() < 1e-13);
    assert_eq!((p.b_par_gauss, p.b_perp_gauss), (0.0, 0.0));
    assert!(sn.breakpoints().is_empty());
    // Shock defaults: jump 10, sharp; reverse jump 0.5, sharp; field index 2, transverse.
    let sn = build(
        "supernova",
        "shock_km = 5e4\nreverse_shock_km = 2e4\nb0_gauss = 1e8",
    )
    .unwrap();
    assert_eq!(sn.breakpoints(), vec![2e4, 5e4]);
    let (l, r) = (
        sn.point(5e4, Side::Left).unwrap(),
        sn.point(5e4, Side::Right).unwrap(),
    );
    assert!((l.ne_cm3 / r.ne_cm3 - 10.0).abs() < 1e-12);
    let (l, r) = (
        sn.point(2e4, Side::Left).unwrap(),
        sn.point(2e4, Side::Right).unwrap(),
    );
    assert!((l.ne_cm3 / r.ne_cm3 - 0.5).abs() < 1e-12);
    let b = sn.point(2e4, Side::Left).unwrap();
    assert_eq!(b.b_par_gauss, 0.0);
    assert!((b.b_perp_gauss / 0.25e8 - 1.0).abs() < 1e-14);

    let sun = build("solar", "").unwrap();
    assert_eq!(sun.natural_track_km(), Some((0.05 * R_SUN_KM, R_SUN_KM)));
    assert!(sun.averaged_starts_km().is_none());
    let sun = build("solar", "production_average = true").unwrap();
    assert_eq!(sun.averaged_starts_km().unwrap().len(), 12);
    let exp = build("solar", "model = 'exponential'\nproduction_radius_rsun = 0").unwrap();
    assert!((exp.point(0.0, Side::Left).unwrap().ne_cm3 / (245.0 * AVOGADRO) - 1.0).abs() < 1e-15);

    let earth = build("earth", "").unwrap();
    assert_eq!(earth.natural_track_km(), Some((0.0, 2.0 * R_EARTH_KM)));

    let star = build("rotating-star", "").unwrap();
    assert_eq!(star.natural_track_km(), Some((-24.0, 24.0)));
    let c = star.point(0.0, Side::Left).unwrap();
    assert!((c.rho_g_cm3() / 1e14 - 1.0).abs() < 1e-14);
    assert!((c.ne_cm3 / (c.ne_cm3 + c.nn_cm3) - 0.1).abs() < 1e-14);
    assert_eq!((c.b_par_gauss, c.b_perp_gauss), (0.0, 0.0));
    let q = star.point(6.0, Side::Left).unwrap();
    assert!((q.v_perp / (1000.0 * 6.0 / 299_792.458) - 1.0).abs() < 1e-14);

    let constant = build("constant", "rho_g_cm3 = 3").unwrap();
    let p = constant.point(0.0, Side::Left).unwrap();
    assert!((p.ne_cm3 / (1.5 * AVOGADRO) - 1.0).abs() < 1e-15);
    assert!(constant.is_piecewise_constant());
    let constant = build(
        "constant",
        "ne_cm3 = 1e20\nb_perp_gauss = 1e12\nv_par = 0.5",
    )
    .unwrap();
    let p = constant.point(0.0, Side::Left).unwrap();
    assert_eq!(
        (p.ne_cm3, p.nn_cm3, p.b_perp_gauss, p.v_par),
        (1e20, 0.0, 1e12, 0.5)
    );
}

#[test]
fn integers_are_accepted_as_reals() {
    let sn = build("supernova", "rho0_g_cm3 = 20000\nr0_km = 10000\nindex = 2").unwrap();
    assert!((sn.point(1e4, Side::Left).unwrap().rho_g_cm3() / 2e4 - 1.0).abs() < 1e-14);
    assert!(build(
        "rotating-star",
        "direction = [1, 0, 0]\nclosest_point_km = [0, 3, 4]"
    )
    .is_ok());
}
