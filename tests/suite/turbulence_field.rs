//! Additive B⊥ turbulence (`[turbulence] b_perp = { rms_gauss = ... }`): the field added to the
//! medium's own transverse field (or to none, on the Sun) has the requested rms and two-point
//! function, equals B⊥₀ + B_rms F δ with δ recomputed independently from the seed, passes
//! through zero by turning its azimuth by π, is reproducible by seed, drives spin flips on the
//! Sun (where nothing else can), agrees between `magnus` and `dop853` there, and bad input is
//! rejected naming the field.

use std::path::Path;
use std::sync::Arc;

use nuspin::medium::turbulence::{envelope, RandomField, Spectrum, Turbulence, TurbulentMedium};
use nuspin::medium::{ConstantMedium, Medium, MediumPoint, Side};
use nuspin::run::solve_energy;
use nuspin::scenario::parse;

const RMS_GAUSS: f64 = 500.0;
const REGION: (f64, f64) = (0.0, 1e5);
const EDGE: f64 = 100.0;

fn spectrum(index: f64) -> Spectrum {
    Spectrum {
        amplitude: RMS_GAUSS,
        index,
        long_cutoff_km: 200.0,
        short_cutoff_km: 2.0,
        modes: 100,
    }
}

fn medium(own: MediumPoint, s: Spectrum, seed: u64, realisation: u64) -> TurbulentMedium {
    TurbulentMedium::new(
        Arc::new(ConstantMedium::new(own).unwrap()),
        Turbulence {
            seed,
            realisation,
            region_km: REGION,
            edge_km: EDGE,
            density: None,
            b_perp: Some(s),
            b_perp_additive: true,
        },
    )
}

/// The transverse field's component along azimuth `phi0` (signed) and its slope.
fn signed(m: &TurbulentMedium, x: f64, phi0: f64) -> (f64, f64) {
    let (p, s) = m.point_and_slope(x, Side::Right).unwrap();
    let c = (p.b_phi_rad - phi0).cos();
    // The azimuth is φ₀ or φ₀ + π exactly.
    assert!((c.abs() - 1.0).abs() < 1e-12, "azimuth {}", p.b_phi_rad);
    (p.b_perp_gauss * c, s.b_perp_gauss * c)
}

#[test]
fn added_field_has_the_requested_rms_and_two_point_function() {
    let lags = [0.0, 1.0, 5.0, 20.0, 80.0];
    for index in [5.0 / 3.0, 3.0] {
        let s = spectrum(index);
        let mut sums = [0.0; 5];
        let mut n = 0.0;
        let mut negative = 0;
        for r in 0..300 {
            let m = medium(MediumPoint::default(), s, 77, r);
            assert!(m.present_quantities().b_perp);
            for j in 0..100 {
                let x = 1000.0 + 37.3 * j as f64;
                let b0 = signed(&m, x, 0.0).0;
                negative += usize::from(b0 < 0.0);
                for (sum, lag) in sums.iter_mut().zip(lags) {
                    *sum += b0 * signed(&m, x + lag, 0.0).0;
                }
                n += 1.0;
            }
        }
        for (sum, lag) in sums.iter().zip(lags) {
            let got = sum / n / (RMS_GAUSS * RMS_GAUSS);
            let want = s.correlation(lag);
            println!("alpha {index:.3} lag {lag:4} km: sampled {got:.4}, spectrum {want:.4}");
            // Monte Carlo error ~ 1/sqrt(modes x realisations) = 0.006.
            assert!(
                (got - want).abs() < 0.03,
                "alpha {index} lag {lag}: {got} vs {want}"
            );
        }
        // A zero-mean field: about half the points have the azimuth turned by π.
        assert!(
            (negative as f64 / n - 0.5).abs() < 0.05,
            "{negative} of {n}"
        );
    }
    assert!((spectrum(5.0 / 3.0).correlation(20.0) - spectrum(3.0).correlation(20.0)).abs() > 0.15);
}

#[test]
fn added_field_is_own_field_plus_rms_envelope_delta_and_its_slope_is_exact() {
    let own = MediumPoint {
        ne_cm3: 1e24,
        b_perp_gauss: 300.0,
        b_phi_rad: 0.7,
        b_par_gauss: 40.0,
        ..Default::default()
    };
    let s = spectrum(5.0 / 3.0);
    let m = medium(own, s, 5, 3);
    // δ recomputed from the seed, realisation and quantity index 1 (B⊥).
    let delta = RandomField::new(&s, REGION.0, 5, 3, 1);
    let mut turned = 0;
    for j in 0..2000 {
        let x = -50.0 + 0.731 * j as f64;
        let (f, _) = envelope(x, REGION, EDGE);
        let want = 300.0 + RMS_GAUSS * f * delta.value_and_slope(x).0;
        let (got, slope) = signed(&m, x, 0.7);
        assert!(
            (got - want).abs() < 1e-9 * RMS_GAUSS,
            "x {x}: {got} vs {want}"
        );
        turned += usize::from(got < 0.0);
        let p = m.point(x, Side::Right).unwrap();
        assert_eq!((p.ne_cm3, p.b_par_gauss), (1e24, 40.0));
        if x > 0.0 {
            let h = 1e-4;
            let fd = (signed(&m, x + h, 0.7).0 - signed(&m, x - h, 0.7).0) / (2.0 * h);
            assert!(
                (fd - slope).abs() < 1e-5 * RMS_GAUSS,
                "x {x}: {fd} vs {slope}"
            );
        }
    }
    // The field passed through zero somewhere (so the azimuth turn was exercised).
    assert!(turned > 0);
    // Outside the region the medium's own field is untouched.
    for x in [-10.0, 0.0, 1e5, 2e5] {
        let p = m.point(x, Side::Right).unwrap();
        assert_eq!((p.b_perp_gauss, p.b_phi_rad), (300.0, 0.7));
    }
}

fn sun(b_perp: &str, moments: &str, seed: u64, method: &str) -> String {
    format!(
        r#"
name = "sun-turbulent-field"
[neutrino]
flavours = 2
nature = "dirac"
initial = ["nu_e"]
[mixing]
theta_deg = 33.4
dm2_ev2 = 7.4e-5
{moments}
[energy]
values_mev = [10.0]
[medium]
kind = "solar"
[solver]
method = "{method}"
rtol = 1e-9
atol = 1e-12
[output]
profile_samples = 0
[turbulence]
seed = {seed}
{b_perp}
"#
    )
}

const FIELD: &str =
    "b_perp = { rms_gauss = 3e6, long_cutoff_km = 2e5, short_cutoff_km = 2e4, modes = 40 }";
const MOMENT: &str = "[moments]\nmagnetic_mu_b = { e_e = 1e-11, mu_mu = 1e-11, e_mu = 3e-12 }";

fn probabilities(text: &str) -> Vec<f64> {
    let s = parse(Path::new("sun.toml"), text).unwrap_or_else(|e| panic!("{e}"));
    solve_energy(&s, 0).unwrap().probability
}

#[test]
fn added_field_flips_spins_on_the_sun_reproducibly() {
    let p = probabilities(&sun(FIELD, MOMENT, 4, "magnus"));
    // Dirac, 2 flavours: ν_eL, ν_μL, ν_eR, ν_μR.
    let flipped = p[2] + p[3];
    println!("P(nu_e -> right-handed) = {flipped:.3e}");
    assert!(flipped > 1e-8, "{p:?}");
    assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-8);
    // Without the moment, the field does nothing.
    let none = probabilities(&sun(FIELD, "", 4, "magnus"));
    assert!(none[2] + none[3] < 1e-20, "{none:?}");
    // Reproducible by seed; another seed gives another field.
    assert_eq!(p, probabilities(&sun(FIELD, MOMENT, 4, "magnus")));
    let other = probabilities(&sun(FIELD, MOMENT, 5, "magnus"));
    assert!(
        (other[2] + other[3] - flipped).abs() > 1e-3 * flipped,
        "{other:?}"
    );
    // The independent integrator agrees on the same medium.
    let rk = probabilities(&sun(FIELD, MOMENT, 4, "dop853"));
    for (a, b) in p.iter().zip(&rk) {
        assert!((a - b).abs() < 1e-6, "magnus {p:?} vs dop853 {rk:?}");
    }
}

#[test]
fn bad_added_field_is_rejected_naming_the_field() {
    let cases = [
        (
            "b_perp = { rms_gauss = -1, long_cutoff_km = 1e4, short_cutoff_km = 10 }",
            "turbulence.b_perp.rms_gauss",
        ),
        (
            "b_perp = { rms_gauss = \"big\", long_cutoff_km = 1e4, short_cutoff_km = 10 }",
            "turbulence.b_perp.rms_gauss",
        ),
        (
            "b_perp = { rms_gauss = 1e3, amplitude = 0.1, long_cutoff_km = 1e4, short_cutoff_km = 10 }",
            "turbulence.b_perp",
        ),
        (
            "b_perp = { rms_gauss = 1e3, long_cutoff_km = 10, short_cutoff_km = 1e4 }",
            "turbulence.b_perp.short_cutoff_km",
        ),
        // A relative amplitude needs a field of the medium's own; the Sun has none.
        (
            "b_perp = { amplitude = 0.1, long_cutoff_km = 1e4, short_cutoff_km = 10 }",
            "turbulence.b_perp",
        ),
        (
            "density = { rms_gauss = 1e3, long_cutoff_km = 1e4, short_cutoff_km = 10 }",
            "turbulence.density",
        ),
    ];
    for (t, field) in cases {
        let e = parse(Path::new("sun.toml"), &sun(t, MOMENT, 1, "magnus")).unwrap_err();
        assert_eq!(e.field, field, "{t}: {e}");
        println!("{t}\n  -> {e}");
    }
}

#[test]
fn added_field_on_the_supernova_adds_to_its_own_field_between_the_shocks() {
    let text = |turbulence: &str| {
        format!(
            r#"
name = "sn-field"
[neutrino]
flavours = 3
nature = "dirac"
initial = ["nu_e"]
[energy]
values_mev = [10.0]
[medium]
kind = "supernova"
r_max_km = 1e5
shock_km = 4e4
reverse_shock_km = 1.2e4
b0_gauss = 5e3
b_index = 2
{turbulence}
"#
        )
    };
    let base = parse(Path::new("sn.toml"), &text("")).unwrap();
    let field = "[turbulence]\nseed = 3\nedge_km = 500\nb_perp = { rms_gauss = 2e3, long_cutoff_km = 2000, short_cutoff_km = 20 }";
    let turb = parse(Path::new("sn.toml"), &text(field)).unwrap();
    let delta = RandomField::new(
        &Spectrum {
            amplitude: 2e3,
            index: 5.0 / 3.0,
            long_cutoff_km: 2000.0,
            short_cutoff_km: 20.0,
            modes: 100,
        },
        1.2e4,
        3,
        0,
        1,
    );
    let mut inside = 0;
    for j in 0..400 {
        let x = 1.0e4 + 150.0 * j as f64;
        let a = base.medium.point(x, Side::Right).unwrap();
        let b = turb.medium.point(x, Side::Right).unwrap();
        let (f, _) = envelope(x, (1.2e4, 4e4), 500.0);
        let want = a.b_perp_gauss + 2e3 * f * delta.value_and_slope(x).0;
        let got = b.b_perp_gauss * (b.b_phi_rad - a.b_phi_rad).cos();
        assert!((got - want).abs() < 1e-9 * 2e3, "x {x}: {got} vs {want}");
        assert_eq!((a.ne_cm3, a.b_par_gauss), (b.ne_cm3, b.b_par_gauss));
        inside += usize::from(f > 0.0 && got != a.b_perp_gauss);
    }
    assert!(inside > 150, "{inside}");
}
