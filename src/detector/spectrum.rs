//! Electron-recoil spectra folded over a neutrino spectrum:
//!
//! dN/dT (T) = ∫_{E_min(T)} φ(E) dσ/dT(E, T) dE,   E_min(T) = (T + √(T² + 2 m_e T))/2,
//!
//! per target electron and per unit of the flux table's normalisation (for a flux in
//! cm⁻² s⁻¹ MeV⁻¹ the result is s⁻¹ MeV⁻¹ per electron; for a normalised spectrum it is the
//! flux-averaged dσ/dT in cm²/MeV). The beam's flavour composition, μ_eff² and the other
//! electromagnetic parameters may depend on energy: the caller gives them as a function
//! E ↦ [`Interaction`] (e.g. built from evolved states with
//! [`super::effective_moment_sq`] and [`super::composition`], interpolated in E).
//!
//! The E integral is the trapezoid rule on the flux table's nodes above E_min(T), plus the
//! partial interval from E_min(T) (flux interpolated linearly) to the first node above it.

use super::cross_section::{dsigma_dt, min_energy_mev, Interaction};
use super::flux::FluxTable;
use super::DetectorError;

/// dN/dT on `recoil_mev` (each T > 0 and finite), see the module docs for units.
pub fn fold_recoil_spectrum(
    flux: &FluxTable,
    recoil_mev: &[f64],
    interaction: impl Fn(f64) -> Interaction,
) -> Result<Vec<f64>, DetectorError> {
    for &t in recoil_mev {
        if !(t.is_finite() && t > 0.0) {
            return Err(DetectorError::Invalid {
                name: "recoil_mev",
                value: t,
            });
        }
    }
    let energies = flux.energy_mev();
    // The interaction at each node is evaluated once and reused for every recoil.
    let at_nodes: Vec<Interaction> = energies.iter().map(|&e| interaction(e)).collect();
    let out = recoil_mev
        .iter()
        .map(|&t| {
            let e_min = min_energy_mev(t);
            let first = energies.partition_point(|&e| e <= e_min);
            if first >= energies.len() {
                return 0.0;
            }
            let integrand = |i: usize| flux.flux()[i] * dsigma_dt(&at_nodes[i], energies[i], t);
            let mut sum = 0.0;
            let mut prev = integrand(first);
            for i in first + 1..energies.len() {
                let next = integrand(i);
                sum += 0.5 * (energies[i] - energies[i - 1]) * (prev + next);
                prev = next;
            }
            // The partial interval [E_min, E_first]; below the table φ is 0.
            let phi_min = flux.at(e_min);
            if phi_min > 0.0 {
                let f_min = phi_min * dsigma_dt(&interaction(e_min), e_min, t);
                sum += 0.5 * (energies[first] - e_min) * (f_min + integrand(first));
            }
            sum
        })
        .collect();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detector::cross_section::{max_recoil_mev, sigma_sm_cm2, Composition, Projectile};
    use crate::detector::flux::trapezoid;

    const NU_E: Projectile = Projectile {
        flavour: 0,
        antineutrino: false,
    };

    fn pure_nu_e(mu2: f64) -> impl Fn(f64) -> Interaction {
        move |_| Interaction {
            composition: Composition::pure(NU_E),
            mu_eff_sq_mu_b2: mu2,
            ..Default::default()
        }
    }

    #[test]
    fn folded_total_is_the_flux_averaged_cross_section() {
        // Independent: ⟨σ⟩ = ∫ φ σ(E) dE / ∫ φ dE with the closed-form σ(E) on the table nodes.
        let flux = FluxTable::b8();
        let e = flux.energy_mev();
        let sigma: Vec<f64> = e
            .iter()
            .map(|&x| flux.at(x) * sigma_sm_cm2(NU_E, x, 0.0))
            .collect();
        let averaged = trapezoid(e, &sigma) / flux.integral();
        // Folded: ∫ dN/dT dT on a fine recoil grid up to T_max(E_max).
        let t_max = max_recoil_mev(e[e.len() - 1]);
        let n = 8000;
        let grid: Vec<f64> = (1..=n).map(|i| t_max * i as f64 / n as f64).collect();
        let dn = fold_recoil_spectrum(&flux, &grid, pure_nu_e(0.0)).unwrap();
        let mut t = vec![0.0];
        t.extend(&grid);
        let mut y = vec![dn[0]];
        y.extend(&dn);
        let total = trapezoid(&t, &y) / flux.integral();
        println!("8B nu_e: folded <sigma> = {total:.6e} cm^2, direct {averaged:.6e} cm^2");
        assert!(
            (total / averaged - 1.0).abs() < 1e-3,
            "{total} vs {averaged}"
        );
    }

    #[test]
    fn magnetic_part_scales_with_mu_squared() {
        // dN/dT(μ²) − dN/dT(0) is linear in μ_eff² (closed form: the magnetic term ∝ μ²).
        let flux = FluxTable::b8();
        let grid = [0.01, 0.1, 1.0, 5.0];
        let sm = fold_recoil_spectrum(&flux, &grid, pure_nu_e(0.0)).unwrap();
        let a = fold_recoil_spectrum(&flux, &grid, pure_nu_e(1e-22)).unwrap();
        let b = fold_recoil_spectrum(&flux, &grid, pure_nu_e(4e-22)).unwrap();
        for i in 0..grid.len() {
            let (da, db) = (a[i] - sm[i], b[i] - sm[i]);
            assert!(da > 0.0 && (db / da - 4.0).abs() < 1e-9, "{i}: {da} {db}");
        }
        // And it dominates at low recoil only (crossover ~ 1e-3 MeV for μ = 1e-11 μ_B).
        let low = fold_recoil_spectrum(&flux, &[1e-5], pure_nu_e(1e-22)).unwrap()[0];
        let low_sm = fold_recoil_spectrum(&flux, &[1e-5], pure_nu_e(0.0)).unwrap()[0];
        assert!(low > 2.0 * low_sm);
    }

    #[test]
    fn above_the_spectrum_end_there_are_no_events() {
        let flux = FluxTable::b8();
        let dn = fold_recoil_spectrum(&flux, &[20.0], pure_nu_e(0.0)).unwrap();
        assert_eq!(dn, [0.0]);
        let e = fold_recoil_spectrum(&flux, &[-1.0], pure_nu_e(0.0)).unwrap_err();
        assert!(e.to_string().contains("recoil_mev"));
    }
}
