use super::*;
use crate::linalg::eigen::hermitian_eigen;
use nalgebra::SMatrix;

fn rng(seed: u64) -> impl FnMut() -> f64 {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 11) as f64 / (1u64 << 53) as f64) - 0.5
    }
}

fn random_hermitian<const D: usize>(seed: u64) -> SMatrix<C, D, D> {
    let mut next = rng(seed);
    let m = SMatrix::<C, D, D>::from_fn(|_, _| C::new(next(), next()));
    m + m.adjoint()
}

/// A random unitary (the eigenvectors of a random Hermitian matrix, by Jacobi).
fn random_unitary<const D: usize>(seed: u64) -> SMatrix<C, D, D> {
    hermitian_eigen(&random_hermitian::<D>(seed)).vectors
}

fn with_spectrum<const D: usize>(u: &SMatrix<C, D, D>, values: [f64; D]) -> SMatrix<C, D, D> {
    let d = SMatrix::<C, D, D>::from_fn(|i, j| {
        if i == j {
            C::new(values[i], 0.0)
        } else {
            C::new(0.0, 0.0)
        }
    });
    let h = u * d * u.adjoint();
    // Exactly Hermitian, as the solvers read it.
    SMatrix::<C, D, D>::from_fn(|i, j| match i.cmp(&j) {
        std::cmp::Ordering::Less => h[(i, j)],
        std::cmp::Ordering::Equal => C::new(h[(i, i)].re, 0.0),
        std::cmp::Ordering::Greater => h[(j, i)].conj(),
    })
}

/// exp(−i(H − shift)L) from an eigendecomposition.
fn propagator<const D: usize>(e: &HermitianEigen<D>, shift: f64, length: f64) -> SMatrix<C, D, D> {
    let w = e.vectors;
    let phases = SMatrix::<C, D, D>::from_fn(|i, j| {
        if i == j {
            C::new(0.0, -(e.values[i] - shift) * length).exp()
        } else {
            C::new(0.0, 0.0)
        }
    });
    w * phases * w.adjoint()
}

/// Reconstruction, unitarity, eigenvalues and exp(−iHL) (at ‖H‖L = 100 rad, without the common
/// phase) against the Jacobi solver.
fn check_against_jacobi<const D: usize>(h: &SMatrix<C, D, D>, e: &HermitianEigen<D>, what: &str) {
    let j = hermitian_eigen(h);
    let mean = h.trace().re / D as f64;
    let full = h.norm();
    let w = e.vectors;
    let rebuilt = with_spectrum(&w, e.values);
    let rec = (rebuilt - h).norm() / full;
    assert!(rec < 1e-14, "{what}: reconstruction {rec:e}");
    let unit = (w.adjoint() * w - SMatrix::<C, D, D>::identity()).norm();
    assert!(unit < 1e-14, "{what}: unitarity {unit:e}");
    for k in 0..D {
        let dv = (e.values[k] - j.values[k]).abs() / full;
        assert!(dv < 1e-14, "{what}: eigenvalue {k} differs by {dv:e}");
    }
    assert!(
        e.values.windows(2).all(|p| p[0] <= p[1]),
        "{what}: not ascending"
    );
    let length = 100.0 / full;
    let dp = (propagator(e, mean, length) - propagator(&j, mean, length)).norm();
    assert!(
        dp < 1e-12,
        "{what}: exp(-iHL) differs from Jacobi's by {dp:e}"
    );
}

#[test]
fn random_matrices_match_jacobi() {
    for seed in 0..300 {
        let mut h = random_hermitian::<3>(seed);
        // Scales and trace shifts as in neutrino Hamiltonians (km⁻¹), up to a large common
        // potential.
        let scale = 10f64.powi((seed % 7) as i32 - 4);
        let shift = if seed % 3 == 0 { 30.0 } else { 0.0 };
        h = h * C::new(scale, 0.0) + SMatrix::<C, 3, 3>::identity() * C::new(shift * scale, 0.0);
        check_against_jacobi(&h, &hermitian_eigen3(&h), &format!("seed {seed}"));
    }
}

#[test]
fn near_degenerate_spectra_match_jacobi() {
    for seed in 0..40 {
        let u = random_unitary::<3>(100 + seed);
        for delta in [0.0, 1e-8, 1e-14] {
            for (label, values) in [
                ("low pair", [-1.0, -1.0 + delta, 2.0]),
                ("high pair", [-2.0, 1.0, 1.0 + delta]),
                ("triple", [1.0, 1.0 + delta, 1.0 + 2.0 * delta]),
                ("pair beside zero", [0.0, delta, 1.0]),
            ] {
                for shift in [0.0, 50.0] {
                    let v = values.map(|x| x + shift);
                    let h = with_spectrum(&u, v);
                    let e = hermitian_eigen3(&h);
                    let what = format!("seed {seed} {label} delta {delta:e} shift {shift}");
                    check_against_jacobi(&h, &e, &what);
                    // And against the spectrum it was built from.
                    let mut want = v;
                    want.sort_by(f64::total_cmp);
                    for (k, (got, want)) in e.values.iter().zip(want).enumerate() {
                        let dv = (got - want).abs() / h.norm();
                        assert!(dv < 1e-14, "{what}: eigenvalue {k} off by {dv:e}");
                    }
                }
            }
        }
    }
}

#[test]
fn diagonal_and_zero_matrices() {
    let zero = SMatrix::<C, 3, 3>::zeros();
    let e = hermitian_eigen3(&zero);
    assert_eq!(e.values, [0.0; 3]);
    assert_eq!(e.vectors, SMatrix::<C, 3, 3>::identity());
    let d = with_spectrum(&SMatrix::<C, 3, 3>::identity(), [3.0, -1.0, 2.0]);
    let e = hermitian_eigen3(&d);
    check_against_jacobi(&d, &e, "diagonal");
    for (got, want) in e.values.iter().zip([-1.0, 2.0, 3.0]) {
        assert!((got - want).abs() < 1e-15, "{got} != {want}");
    }
}

#[test]
fn two_by_two_matches_jacobi() {
    for seed in 0..200 {
        let h = random_hermitian::<2>(seed) * C::new(10f64.powi((seed % 5) as i32 - 2), 0.0);
        check_against_jacobi(&h, &hermitian_eigen2(&h), &format!("2x2 seed {seed}"));
    }
    for seed in 0..20 {
        let u = random_unitary::<2>(500 + seed);
        for delta in [0.0, 1e-8, 1e-14] {
            let h = with_spectrum(&u, [1.0, 1.0 + delta]);
            check_against_jacobi(&h, &hermitian_eigen2(&h), &format!("2x2 delta {delta:e}"));
        }
    }
}
