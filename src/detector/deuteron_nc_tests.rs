use super::*;
use crate::detector::flux::trapezoid;

#[test]
fn the_totals_are_the_papers_table() {
    // Nakamura et al. (nucl-th/0201062), the authors' table: σ_NC(ν d) and σ_NC(ν̄ d) at
    // 5, 10 and 15 MeV.
    let nc = DeuteronNc::nakamura();
    for (e, nu, nubar) in [
        (5.0, 9.57e-44, 9.364e-44),
        (10.0, 1.107e-42, 1.053e-42),
        (15.0, 3.382e-42, 3.125e-42),
    ] {
        assert!((nc.neutrino_cm2(e) / nu - 1.0).abs() < 1e-12, "{e}");
        assert!((nc.antineutrino_cm2(e) / nubar - 1.0).abs() < 1e-12, "{e}");
    }
    // Between rows: linear in ln σ (10.0 and 10.2 MeV rows).
    let mid = (1.107e-42_f64 * 1.173e-42_f64).sqrt();
    assert!((nc.neutrino_cm2(10.1) / mid - 1.0).abs() < 1e-12);
    // Nothing at or below the binding energy; continuous at the first positive row.
    assert_eq!(nc.neutrino_cm2(BINDING_MEV), 0.0);
    assert_eq!(nc.antineutrino_cm2(2.0), 0.0);
    let below = nc.neutrino_cm2(2.4 - 1e-9);
    assert!((below / 4.346e-47 - 1.0).abs() < 1e-6, "{below}");
}

#[test]
fn nc_counts_active_neutrinos_alike_and_sterile_ones_not_at_all() {
    let nc = DeuteronNc::nakamura();
    let e = 9.0;
    let (nu, nubar) = (nc.neutrino_cm2(e), nc.antineutrino_cm2(e));
    let beam = |n: [f64; 3], a: [f64; 3]| Composition {
        neutrino: n,
        antineutrino: a,
    };
    for flavour in 0..3 {
        let mut n = [0.0; 3];
        n[flavour] = 1.0;
        assert_eq!(nc.of_beam_cm2(&beam(n, [0.0; 3]), e), nu);
        assert_eq!(nc.of_beam_cm2(&beam([0.0; 3], n), e), nubar);
    }
    // A mixed beam that lost 30 % to sterile states (not in the composition), and a
    // Majorana beam 30 % flipped to antineutrinos.
    let sterile = nc.of_beam_cm2(&beam([0.4, 0.2, 0.1], [0.0; 3]), e);
    assert!((sterile - 0.7 * nu).abs() < 1e-15 * nu);
    let flipped = nc.of_beam_cm2(&beam([0.4, 0.2, 0.1], [0.1, 0.1, 0.1]), e);
    assert!((flipped - (0.7 * nu + 0.3 * nubar)).abs() < 1e-15 * nu);
    assert!(nubar < nu);
}

#[test]
fn the_fold_is_the_flux_weighted_cross_section() {
    // An independent trapezoid of φ σ_NC on the same nodes (flux::trapezoid), and a beam
    // with a constant active fraction scales it.
    let flux = FluxTable::b8();
    let nc = DeuteronNc::nakamura();
    let e = flux.energy_mev();
    let y: Vec<f64> = e
        .iter()
        .zip(flux.flux())
        .map(|(&x, &f)| f * nc.neutrino_cm2(x))
        .collect();
    let direct = trapezoid(e, &y);
    let all = fold_nc_rate(&flux, |_| Composition {
        neutrino: [1.0, 0.0, 0.0],
        antineutrino: [0.0; 3],
    });
    assert!((all / direct - 1.0).abs() < 1e-12, "{all} vs {direct}");
    let part = fold_nc_rate(&flux, |_| Composition {
        neutrino: [0.31, 0.4, 0.0],
        antineutrino: [0.0; 3],
    });
    assert!((part / (0.71 * all) - 1.0).abs() < 1e-13);
    // The flux-averaged σ_NC of ⁸B: 4.80e-43 cm², σ_NC near 7.65 MeV, above the spectrum's
    // mean energy (6.7 MeV) because σ_NC grows like ~E^2.5 there.
    let mean = all / flux.integral();
    assert!(mean > 4.7e-43 && mean < 4.9e-43, "{mean}");
}
