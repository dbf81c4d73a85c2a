//! Physical constants and unit conversions (docs/physics.md, "Units and constants").
//!
//! Internal units of the physics core: energies and potentials in eV, lengths in km and the
//! Hamiltonian in km⁻¹. Conversions live here and are applied at the edges only (when a
//! scenario value or a medium quantity enters the core). Every value below is the normative
//! number of docs/physics.md ("Units and constants"), which follows CODATA 2018 / PDG 2022.

/// ħc in eV·km (CODATA 2018: 197.3269804 MeV·fm).
pub const HBARC_EV_KM: f64 = 1.973269804e-10;

/// ħc in eV·cm, used to turn number densities in cm⁻³ into eV³.
pub const HBARC_EV_CM: f64 = 1.973269804e-5;

/// One eV expressed in km⁻¹ (1/ħc), computed from ħc rather than hard-coded.
pub const EV_TO_INV_KM: f64 = 1.0 / HBARC_EV_KM;

/// Fermi constant G_F in eV⁻² (PDG: 1.1663788e-5 GeV⁻²).
pub const G_F_EV2: f64 = 1.1663788e-23;

/// Avogadro's number (SI 2019, exact).
pub const AVOGADRO: f64 = 6.02214076e23;

/// Bohr magneton in eV/G (CODATA 2018).
pub const MU_B_EV_PER_GAUSS: f64 = 5.788_381_806_0e-9;

/// Weak mixing angle sin²θ_W. It only enters the electron and proton g_V, whose sum cancels
/// in electrically neutral matter; kept for completeness of the coupling table.
pub const SIN2_THETA_W: f64 = 0.23122;

/// Speed of light in km/s (exact), used for rotating-star velocities.
pub const SPEED_OF_LIGHT_KM_S: f64 = 299_792.458;

/// Solar radius in km (IAU 2015 nominal).
pub const R_SUN_KM: f64 = 6.957e5;

/// Earth radius in km (PREM).
pub const R_EARTH_KM: f64 = 6371.0;

/// Fine-structure constant α at zero momentum transfer (CODATA 2018: 1/137.035999084). Enters
/// the electromagnetic ν–e cross sections (detector module).
pub const ALPHA: f64 = 1.0 / 137.035_999_084;

/// Electron mass in MeV (CODATA 2018: 0.51099895000 MeV).
pub const M_E_MEV: f64 = 0.510_998_950_00;

/// Muon mass in MeV (PDG 2022: 105.6583755 MeV).
pub const M_MU_MEV: f64 = 105.658_375_5;

/// Tau mass in MeV (PDG 2022: 1776.86 MeV).
pub const M_TAU_MEV: f64 = 1776.86;

/// W boson mass in MeV (PDG 2022 world average: 80.377 GeV).
pub const M_W_MEV: f64 = 80_377.0;

/// Fermi constant G_F in MeV⁻² (the G_F of docs/physics.md ("Units and constants") in other units).
pub const G_F_MEV2: f64 = G_F_EV2 * 1e12;

/// ħc in MeV·cm, turning MeV⁻² into cm² through (ħc)².
pub const HBARC_MEV_CM: f64 = HBARC_EV_CM * 1e-6;

/// Reduced Planck constant ħ in eV·s (CODATA 2018: 6.582119569e-16 eV·s), turning decay
/// widths in eV into rates in s⁻¹.
pub const HBAR_EV_S: f64 = 6.582_119_569e-16;

/// √2 G_F in eV⁻².
pub fn sqrt2_gf_ev2() -> f64 {
    std::f64::consts::SQRT_2 * G_F_EV2
}

/// Converts a number density in cm⁻³ into natural units eV³.
pub fn density_cm3_to_ev3(n_cm3: f64) -> f64 {
    n_cm3 * HBARC_EV_CM * HBARC_EV_CM * HBARC_EV_CM
}

/// Number density (cm⁻³) of particles with fraction `fraction` per nucleon in matter of mass
/// density `rho_g_cm3`: n = ρ Y N_A.
pub fn number_density_cm3(rho_g_cm3: f64, fraction: f64) -> f64 {
    rho_g_cm3 * fraction * AVOGADRO
}

/// MeV → eV.
pub fn mev_to_ev(energy_mev: f64) -> f64 {
    energy_mev * 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matter_potential_per_gram_matches_physics_md() {
        // docs/physics.md ("Units and constants"): √2 G_F n_e ≈ 7.6325e-14 eV × ρ[g/cm³] Y_e
        let v = sqrt2_gf_ev2() * density_cm3_to_ev3(number_density_cm3(1.0, 1.0));
        assert!((v / 7.6325e-14 - 1.0).abs() < 1e-4, "{v}");
    }

    #[test]
    fn inverse_hbarc_matches_physics_md() {
        assert!((EV_TO_INV_KM / 5.0677307177e9 - 1.0).abs() < 1e-10);
    }
}
