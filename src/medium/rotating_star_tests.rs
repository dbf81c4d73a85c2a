use super::*;

fn params() -> RotatingStarParams {
    RotatingStarParams {
        omega_rad_s: 1000.0,
        radius_km: 12.0,
        rho_c_g_cm3: 1e14,
        ye: 0.1,
        rho_index: None,
        b_pole_gauss: 1e15,
        magnetic_tilt_deg: 0.0,
        direction: [0.0, 1.0, 0.0],
        closest_point_km: [0.0, 0.0, 0.0],
    }
}

#[test]
fn equatorial_path_at_closest_approach() {
    let b = 5.0;
    let m = RotatingStarMedium::new(RotatingStarParams {
        closest_point_km: [b, 0.0, 0.0],
        ..params()
    });
    let p = m.point(0.0, Side::Left).unwrap();
    let want = 1000.0 * b / SPEED_OF_LIGHT_KM_S;
    assert!((p.v_par / want - 1.0).abs() < 1e-14);
    assert_eq!(p.v_perp, 0.0);
    // Off closest approach v⊥ = Ω|x|/c along ŷ_T = x̂ (negative for x > 0: φ = −π/2).
    let q = m.point(3.0, Side::Left).unwrap();
    assert!((q.v_perp / (1000.0 * 3.0 / SPEED_OF_LIGHT_KM_S) - 1.0).abs() < 1e-14);
    assert!((q.v_phi_rad + std::f64::consts::FRAC_PI_2).abs() < 1e-14);
    assert!((q.v_par / want - 1.0).abs() < 1e-14);
    // v⊥ passes through zero at x = 0: a breakpoint, as are the surface crossings.
    let h = (144.0f64 - 25.0).sqrt();
    assert_eq!(m.breakpoints(), vec![-h, 0.0, h]);
}

#[test]
fn path_along_the_axis_has_no_velocity() {
    let m = RotatingStarMedium::new(RotatingStarParams {
        direction: [0.0, 0.0, 2.0],
        ..params()
    });
    let (x_t, y_t, n) = m.frame();
    assert!((x_t - V3::x()).norm() < 1e-15 && (x_t.cross(&y_t) - n).norm() < 1e-15);
    for x in [-20.0, -5.0, 0.0, 7.0, 24.0] {
        let p = m.point(x, Side::Left).unwrap();
        assert_eq!((p.v_par, p.v_perp), (0.0, 0.0));
    }
    // Aligned dipole on its axis: B = B_p inside, B_p (R_*/R)³ outside, all along the path.
    let inside = m.point(5.0, Side::Left).unwrap();
    assert_eq!((inside.b_par_gauss, inside.b_perp_gauss), (1e15, 0.0));
    let out = m.point(24.0, Side::Left).unwrap();
    assert!((out.b_par_gauss / (1e15 / 8.0) - 1.0).abs() < 1e-14);
    assert!(out.b_perp_gauss < 1e-3);
}

#[test]
fn density_profiles() {
    let m = RotatingStarMedium::new(params());
    let rho = |m: &RotatingStarMedium, x: f64, s: Side| m.point(x, s).unwrap().rho_g_cm3();
    assert!((rho(&m, 0.0, Side::Left) / 1e14 - 1.0).abs() < 1e-14);
    assert!((rho(&m, 6.0, Side::Left) / 0.75e14 - 1.0).abs() < 1e-14);
    assert_eq!(rho(&m, 12.0, Side::Right), 0.0);
    assert_eq!(rho(&m, 20.0, Side::Right), 0.0);
    let p = m.point(6.0, Side::Left).unwrap();
    assert!((p.ne_cm3 / (p.ne_cm3 + p.nn_cm3) - 0.1).abs() < 1e-14);
    let m = RotatingStarMedium::new(RotatingStarParams {
        rho_index: Some(3.0),
        ..params()
    });
    assert!((rho(&m, 6.0, Side::Left) / 1e14 - 1.0).abs() < 1e-14);
    assert!((rho(&m, 24.0, Side::Left) / (1e14 / 8.0) - 1.0).abs() < 1e-14);
    // The surface: the inner side has the uniform field, the outer the dipole (equator: −B_p/2).
    let (l, r) = (
        m.point(12.0, Side::Left).unwrap(),
        m.point(12.0, Side::Right).unwrap(),
    );
    assert!((l.b_perp_gauss / 1e15 - 1.0).abs() < 1e-14);
    assert!((r.b_perp_gauss / 0.5e15 - 1.0).abs() < 1e-14);
    assert_eq!(m.natural_track_km(), Some((-24.0, 24.0)));
}

#[test]
fn superluminal_rotation_is_an_error_naming_the_position() {
    // Ω R = c at R = 30 km: inside the natural track's ends (±24 km from p = 20 x̂ along ŷ).
    let m = RotatingStarMedium::new(RotatingStarParams {
        omega_rad_s: SPEED_OF_LIGHT_KM_S / 30.0,
        closest_point_km: [20.0, 0.0, 0.0],
        ..params()
    });
    let err = m.check_track(-24.0, 24.0).unwrap_err();
    assert!(
        matches!(err, MediumError::Invalid { x_km, .. } if x_km == -24.0),
        "{err}"
    );
    assert!(err.to_string().contains("x = -24 km"), "{err}");
    assert!(m.point(24.0, Side::Left).is_err());
    assert!(m.check_track(-10.0, 10.0).is_ok());
}

#[test]
fn derivatives_match_finite_differences() {
    let m = RotatingStarMedium::new(RotatingStarParams {
        direction: [1.0, 2.0, 0.5],
        closest_point_km: [2.0, -1.0, 0.0],
        magnetic_tilt_deg: 30.0,
        rho_index: Some(2.5),
        ..params()
    });
    let m2 = RotatingStarMedium::new(RotatingStarParams {
        direction: [1.0, 2.0, 0.5],
        closest_point_km: [2.0, -1.0, 0.0],
        magnetic_tilt_deg: 30.0,
        ..params()
    });
    for m in [m, m2] {
        for x in [-20.0, -4.0, 3.0, 17.0] {
            let h = 1e-5;
            let a = m.point(x + h, Side::Left).unwrap().values();
            let b = m.point(x - h, Side::Left).unwrap().values();
            let d = m.point_and_slope(x, Side::Left).unwrap().1.values();
            for k in 0..11 {
                let fd = (a[k] - b[k]) / (2.0 * h);
                let tol = 1e-6 * fd.abs() + 1e-10 * a[k].abs() + 1e-300;
                assert!((d[k] - fd).abs() <= tol, "x={x} k={k}: {} vs {fd}", d[k]);
            }
        }
    }
}

#[test]
fn zero_transverse_vector_keeps_the_derivative_exact() {
    let dt = V3::new(0.0, 2.0, 0.0);
    let (s, ds, phi, _) = polar(V3::zeros(), dt, Side::Right);
    assert_eq!((s, ds), (0.0, 2.0));
    assert!((phi - std::f64::consts::FRAC_PI_2).abs() < 1e-15);
    let (_, ds, phi, _) = polar(V3::zeros(), dt, Side::Left);
    assert_eq!(ds, -2.0);
    assert!((phi + std::f64::consts::FRAC_PI_2).abs() < 1e-15);
}
