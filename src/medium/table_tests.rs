use super::*;
use crate::medium::check_table;

const NAME: &str = "profiles/x.csv";

/// The single problem of `text`, as displayed.
fn problem(text: &str) -> String {
    let problems = parse_table(text, NAME).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    problems[0].to_string()
}

#[test]
fn bad_number_names_line_and_column() {
    let text = "# comment\nx_km,ye,rho_g_cm3\n0,0.5,1\n1,0.5,abc\n";
    assert_eq!(
        problem(text),
        "profiles/x.csv:4:3: column 'rho_g_cm3': expected a number, got 'abc'"
    );
}

#[test]
fn decreasing_x_is_reported() {
    let text = "x_km,rho_g_cm3\n0,1\n2,1\n1,1\n";
    let p = problem(text);
    assert!(
        p.starts_with("profiles/x.csv:4:1: column 'x_km': x must not decrease"),
        "{p}"
    );
}

#[test]
fn unknown_column_is_reported() {
    let p = problem("x_km,rho\n0,1\n1,1\n");
    assert!(
        p.starts_with("profiles/x.csv:1:2: unknown column 'rho'"),
        "{p}"
    );
}

#[test]
fn nan_and_inf_are_reported() {
    let p = problem("x_km,b_perp_gauss\n0,NaN\n1,1\n");
    assert_eq!(
        p,
        "profiles/x.csv:2:2: column 'b_perp_gauss': expected a finite number, got 'NaN'"
    );
    let p = problem("x_km,b_par_gauss\n0,1\n1,inf\n");
    assert!(p.starts_with("profiles/x.csv:3:2:"), "{p}");
}

#[test]
fn negative_density_is_reported() {
    let p = problem("x_km,ne_cm3,nn_cm3\n0,1e20,1e20\n1,1e20,-3\n");
    assert_eq!(
        p,
        "profiles/x.csv:3:3: column 'nn_cm3': a density must be >= 0, got -3"
    );
}

#[test]
fn superluminal_velocity_is_reported() {
    let p = problem("x_km,v_par,v_perp\n0,0.5,0\n1,0.8,0.6\n");
    assert!(
        p.starts_with("profiles/x.csv:3:2: the matter speed |v|"),
        "{p}"
    );
    let p = problem("x_km,v_perp\n0,1.0\n1,0\n");
    assert!(
        p.starts_with("profiles/x.csv:2:2: the matter speed |v|"),
        "{p}"
    );
}

#[test]
fn other_ranges_are_reported() {
    let p = problem("x_km,pol_par,pol_perp\n0,0.8,0.7\n1,0,0\n");
    assert!(p.starts_with("profiles/x.csv:2:2: the polarization"), "{p}");
    let p = problem("x_km,rho_g_cm3,ye\n0,1,1.5\n1,1,0.5\n");
    assert!(
        p.starts_with("profiles/x.csv:2:3: column 'ye': ye must be in [0, 1]"),
        "{p}"
    );
    let p = problem("x_km,rho_g_cm3\n0,1\n1,1\n1,1\n1,1\n2,1\n");
    assert!(
        p.starts_with("profiles/x.csv:5:1: column 'x_km': x = 1 appears on more than two"),
        "{p}"
    );
    let p = problem("x_km,rho_g_cm3,ne_cm3\n0,1,1\n1,1,1\n");
    assert!(p.contains("not both"), "{p}");
    let p = problem("x_km,rho_g_cm3\n0,1\n1,1,3\n");
    assert_eq!(
        p,
        "profiles/x.csv:3: expected 2 fields as in the header, got 3"
    );
    let p = problem("rho_g_cm3\n1\n1\n");
    assert!(p.contains("missing column 'x_km'"), "{p}");
}

#[test]
fn every_problem_is_listed() {
    let text = "x_km,rho_g_cm3,v_par\n0,abc,0\n1,-1,2\n0.5,1,0\n";
    let problems = parse_table(text, NAME).unwrap_err();
    assert_eq!(problems.len(), 4, "{problems:?}");
}

#[test]
fn empty_and_missing_files_are_reported() {
    let p = problem("# only a comment\n\n");
    assert!(p.starts_with("profiles/x.csv: the file is empty"), "{p}");
    let p = problem("x_km,rho_g_cm3\n0,1\n");
    assert!(p.contains("at least two data rows, got 1"), "{p}");
    let problems = check_table(Path::new("no/such/file.csv"));
    assert_eq!(problems.len(), 1);
    let p = problems[0].to_string();
    assert!(
        p.starts_with("no/such/file.csv: cannot read the file"),
        "{p}"
    );
}

#[test]
fn rho_ye_table_gives_number_densities() {
    let text = "x_km, rho_g_cm3\n0, 2\n10, 4\n";
    let m = TableMedium::from_text(text, NAME, Interpolation::Linear).unwrap();
    let (p, dp) = m.point_and_slope(5.0, Side::Left).unwrap();
    assert!((p.ne_cm3 / (3.0 * 0.5 * AVOGADRO) - 1.0).abs() < 1e-15);
    assert!((p.nn_cm3 / (3.0 * 0.5 * AVOGADRO) - 1.0).abs() < 1e-15);
    assert!((dp.ne_cm3 / (0.2 * 0.5 * AVOGADRO) - 1.0).abs() < 1e-15);
    assert!(m.breakpoints().is_empty());
    assert_eq!(m.kinks(), vec![0.0, 10.0]);
    assert_eq!(m.domain_km(), Some((0.0, 10.0)));
    assert!(matches!(
        m.point(10.5, Side::Left),
        Err(MediumError::OutOfRange { .. })
    ));
    assert!(m.check_track(0.0, 11.0).is_err());
    assert!(m.check_track(0.0, 10.0).is_ok());
    assert!(!m.present_quantities().b_perp);
    assert!(m.present_quantities().matter);
}

#[test]
fn table_derivatives_match_finite_differences() {
    let text = "x_km,rho_g_cm3,ye,b_perp_gauss,b_phi_rad,v_par\n\
                0,100,0.5,1e6,0,0.1\n3,50,0.45,2e6,1,0.2\n3,500,0.45,2e6,1,0.2\n\
                7,20,0.4,1e5,2,-0.1\n12,1,0.42,3e5,2.5,0\n";
    for method in Interpolation::ALL {
        let m = TableMedium::from_text(text, NAME, method).unwrap();
        assert_eq!(m.is_piecewise_constant(), method == Interpolation::Steps);
        let bp = m.breakpoints();
        // Rows jump only in a steps table; linear and log-linear ones bend there (kinks).
        assert_eq!(bp.contains(&7.0), method == Interpolation::Steps);
        let kinked = matches!(method, Interpolation::Linear | Interpolation::LogLinear);
        assert_eq!(m.kinks().contains(&7.0), kinked);
        assert!(bp.contains(&3.0));
        let (l, r) = (
            m.point(3.0, Side::Left).unwrap(),
            m.point(3.0, Side::Right).unwrap(),
        );
        assert!(r.ne_cm3 > 2.0 * l.ne_cm3, "{method:?}");
        for x in [1.0, 5.5, 9.0] {
            let h = 1e-5;
            let a = m.point(x + h, Side::Left).unwrap().values();
            let b = m.point(x - h, Side::Left).unwrap().values();
            let d = m.point_and_slope(x, Side::Left).unwrap().1.values();
            for k in 0..11 {
                let fd = (a[k] - b[k]) / (2.0 * h);
                assert!(
                    (d[k] - fd).abs() <= 1e-6 * (fd.abs() + a[k].abs() * 1e-3 + 1e-12),
                    "{method:?} x={x} {}: {} vs {fd}",
                    QUANTITY_NAMES[k],
                    d[k]
                );
            }
        }
    }
}

#[test]
fn shipped_supernova_template_matches_the_model() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles/supernova_shock_example.csv");
    assert!(check_table(&path).is_empty());
    let m = TableMedium::from_file(&path, Interpolation::LogLinear).unwrap();
    assert_eq!(m.breakpoints(), vec![5e4]); // the shock
    assert_eq!(m.kinks().len(), 42); // every distinct radius (the shock's too)
    let rho = |x: f64, s: Side| m.point(x, s).unwrap().rho_g_cm3();
    assert!((rho(5e4, Side::Left) / 800.0 - 1.0).abs() < 1e-12);
    assert!((rho(5e4, Side::Right) / 80.0 - 1.0).abs() < 1e-12);
    // Between rows, within 0.5 % of the power law.
    for x in [1.05e4f64, 3.3e4, 2.1e5, 8.7e5] {
        let want = 1e4 * (1e4 / x).powi(3) * if x < 5e4 { 10.0 } else { 1.0 };
        assert!((rho(x, Side::Left) / want - 1.0).abs() < 5e-3, "{x}");
    }
}
