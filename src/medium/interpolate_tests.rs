use super::*;

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + b.abs())
}

/// Reference values from scipy 1.x:
/// `p = scipy.interpolate.PchipInterpolator(x, y); p(v), p.derivative()(v)`, printed with
/// `repr`. The first set exercises the sign-change zeroing inside and the 3 m0 limit at the
/// right end; the second the zero-sign rule at the left end.
#[test]
fn pchip_matches_scipy() {
    let x = [0.0, 1.0, 2.5, 3.0, 4.5, 6.0];
    let y = [1.0, 3.0, 2.0, 2.0, 5.0, 4.5];
    let p = Interpolant::new(&x, &y, Interpolation::Pchip).unwrap();
    let reference = [
        (0.3, 1.8828, 2.734666666666667),
        (1.0, 3.0, 0.0),
        (1.7, 2.5499259259259257, -0.9955555555555555),
        (2.75, 2.0, 0.0),
        (3.9, 3.944, 2.880000000000001),
        (5.2, 4.949185185185185, -0.2177777777777779),
        (6.0, 4.5, -1.0000000000000002),
    ];
    for (v, value, slope) in reference {
        for side in [Side::Left, Side::Right] {
            let (a, da) = p.eval(v, side).unwrap();
            assert!(close(a, value, 1e-13), "{v}: {a} vs {value}");
            assert!(close(da, slope, 1e-12), "{v}: {da} vs {slope}");
        }
    }
    assert!(close(
        p.eval(0.0, Side::Right).unwrap().1,
        3.066666666666667,
        1e-13
    ));

    let x = [0.0, 1.0, 2.0, 4.0];
    let y = [0.0, 1.0, 8.0, 9.0];
    let p = Interpolant::new(&x, &y, Interpolation::Pchip).unwrap();
    let reference = [
        (0.5, 0.28125, 1.0625),
        (1.5, 4.589651639344263, 9.804303278688526),
        (3.0, 8.758196721311476, 0.4918032786885246),
    ];
    for (v, value, slope) in reference {
        let (a, da) = p.eval(v, Side::Left).unwrap();
        assert!(close(a, value, 1e-13), "{v}: {a} vs {value}");
        assert!(close(da, slope, 1e-12), "{v}: {da} vs {slope}");
    }
    let nodes = [0.0, 1.75, 1.0327868852459017, 0.0];
    for (xi, d) in x.iter().zip(nodes) {
        assert!(close(p.eval(*xi, Side::Right).unwrap().1, d, 1e-13));
    }
}

#[test]
fn linear_is_one_sided_at_rows() {
    let p = Interpolant::new(&[0.0, 1.0, 3.0], &[0.0, 2.0, 3.0], Interpolation::Linear).unwrap();
    assert_eq!(p.eval(1.0, Side::Left), Some((2.0, 2.0)));
    assert_eq!(p.eval(1.0, Side::Right), Some((2.0, 0.5)));
    assert_eq!(p.eval(2.0, Side::Left), Some((2.5, 0.5)));
    assert_eq!(p.eval(-0.1, Side::Left), None);
    assert_eq!(p.eval(3.1, Side::Left), None);
    assert_eq!(p.eval(3.0, Side::Right), Some((3.0, 0.5)));
    assert_eq!(p.rows(), vec![0.0, 1.0, 3.0]);
    assert!(p.discontinuities().is_empty());
}

#[test]
fn repeated_x_is_a_discontinuity() {
    let x = [0.0, 1.0, 1.0, 2.0];
    let y = [1.0, 1.0, 10.0, 10.0];
    for method in Interpolation::ALL {
        let p = Interpolant::new(&x, &y, method).unwrap();
        assert_eq!(p.eval(1.0, Side::Left).unwrap().0, 1.0, "{method:?}");
        assert_eq!(p.eval(1.0, Side::Right).unwrap().0, 10.0, "{method:?}");
        assert_eq!(p.discontinuities(), vec![1.0]);
        assert_eq!(p.rows(), vec![0.0, 1.0, 2.0]);
    }
    let bad = Interpolant::new(&[0.0, 1.0, 1.0, 1.0, 2.0], &[0.0; 5], Interpolation::Linear);
    assert_eq!(bad, Err(InterpolateError::TripleRepeat { index: 3 }));
    let bad = Interpolant::new(&[0.0, 0.0, 1.0], &[0.0; 3], Interpolation::Linear);
    assert_eq!(bad, Err(InterpolateError::EdgeDiscontinuity { index: 1 }));
    let bad = Interpolant::new(&[0.0, 2.0, 1.0], &[0.0; 3], Interpolation::Linear);
    assert_eq!(bad, Err(InterpolateError::Decreasing { index: 2 }));
}

#[test]
fn steps_take_the_layer_start() {
    let p = Interpolant::new(&[0.0, 1.0, 2.0], &[5.0, 7.0, 9.0], Interpolation::Steps).unwrap();
    assert_eq!(p.eval(0.5, Side::Left), Some((5.0, 0.0)));
    assert_eq!(p.eval(1.0, Side::Left), Some((5.0, 0.0)));
    assert_eq!(p.eval(1.0, Side::Right), Some((7.0, 0.0)));
    assert_eq!(p.eval(2.0, Side::Right), Some((7.0, 0.0)));
}

#[test]
fn log_linear_is_exponential_between_rows() {
    let p = Interpolant::new(&[0.0, 2.0], &[1.0, 100.0], Interpolation::LogLinear).unwrap();
    let (v, dv) = p.eval(1.0, Side::Left).unwrap();
    assert!(close(v, 10.0, 1e-14));
    assert!(close(dv, 10.0 * 100f64.ln() / 2.0, 1e-14));
    // A column with a zero is interpolated linearly.
    let p = Interpolant::new(&[0.0, 2.0], &[0.0, 100.0], Interpolation::LogLinear).unwrap();
    assert_eq!(p.eval(1.0, Side::Left), Some((50.0, 50.0)));
}

#[test]
fn derivatives_match_finite_differences() {
    let x = [0.0, 0.7, 1.1, 2.0, 2.0, 3.5, 5.0];
    let y = [2.0, 3.0, 2.5, 4.0, 1.0, 1.5, 7.0];
    for method in Interpolation::ALL {
        let p = Interpolant::new(&x, &y, method).unwrap();
        for xm in [0.3, 0.9, 1.5, 2.7, 4.2] {
            let h = 1e-6;
            let (a, _) = p.eval(xm + h, Side::Left).unwrap();
            let (b, _) = p.eval(xm - h, Side::Left).unwrap();
            let (_, d) = p.eval(xm, Side::Left).unwrap();
            assert!(close(d, (a - b) / (2.0 * h), 1e-7), "{method:?} {xm}");
        }
    }
}

#[test]
fn names_round_trip() {
    for m in Interpolation::ALL {
        assert_eq!(Interpolation::from_name(m.name()), Some(m));
    }
    assert_eq!(Interpolation::from_name("cubic"), None);
}

#[test]
fn row_index_finds_what_a_bisection_finds() {
    // Uneven rows (dense at one end, as the solar tables are) and points at, between and
    // beyond them.
    let x: Vec<f64> = (0..500)
        .map(|i| 7e5 * (1.0 - (-(i as f64) / 60.0).exp()))
        .collect();
    let index = RowIndex::new(&x);
    let mut at: Vec<f64> = x.clone();
    at.extend(x.windows(2).map(|w| 0.5 * (w[0] + w[1])));
    at.extend(x.iter().map(|r| r * (1.0 + 1e-15)));
    at.extend([
        -1.0,
        0.0,
        7e5,
        1e9,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ]);
    for &a in &at {
        assert_eq!(
            index.partition_point(&x, a, |r| r < a),
            x.partition_point(|&r| r < a),
            "{a}"
        );
        assert_eq!(
            index.partition_point(&x, a, |r| r <= a),
            x.partition_point(|&r| r <= a),
            "{a}"
        );
    }
}
