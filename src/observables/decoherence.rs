//! Wave-packet decoherence (`[arrival] wave_packet`): the probability at the end of the track
//! with every interference term damped by the separation of the mass-state wave packets.
//!
//! A neutrino produced as a Gaussian wave packet of width σ_x (energy width σ_E = ħc/(2σ_x))
//! arrives with each interference term of the exit eigenstates a ≠ b multiplied by
//! exp(−(L/L_coh,ab)²). In vacuum L_coh,ab = 4√2 E² σ_x/|Δm²_ab| (Giunti & Kim, Phys. Rev. D
//! 58, 017301; Akhmedov & Smirnov, arXiv:0905.1903 §5), which is exactly
//! exp(−s²/2) with s = σ_E ΔΦ′_ab, ΔΦ′_ab = ∂(Φ_a − Φ_b)/∂E the energy derivative of the
//! phase difference: group velocities differ by ∂λ/∂E. Through matter the same formula holds
//! with Φ_a = ∫ λ_a dx along the track (the packets separate at the local group velocities),
//! and ΔΦ′ comes from the phase-derivative quadrature of [`super::averaged`].
//!
//! Unlike the `averaged` observable nothing else is averaged: the incoherent part keeps its
//! value at E, and the dispersion term (ΔΦ″, which only matters when the packet's spread is
//! comparable with the coherence length, Giunti & Kim's L_disp) is left out, so that the vacuum
//! result is the closed form P = Σ|U_αi|²|U_βi|² + 2Σ_{i>j}|U_αi U_βi* U_αj* U_βj|
//! cos(φ_ij − arg) exp(−(L/L_coh,ij)²). Exact for an adiabatic track (no transitions between
//! eigenstates along the way); with non-adiabatic transitions the phase of each exit term is
//! attributed to the exit eigenstates over the whole track (as in [`super::averaged`]).

use num_complex::Complex64;

use super::averaged::track_phase_derivatives;
use crate::evolve::frame::Blocks;
use crate::hamiltonian::{CMat, MediumHamiltonian, Model, PathHamiltonian};
use crate::linalg::hermitian_eigen_in_blocks;
use crate::medium::{MediumError, Side};
use crate::units::HBARC_EV_CM;

/// ħc in MeV·nm: σ_E (MeV) = [`HBARC_MEV_NM`] / (2 σ_x (nm)).
pub const HBARC_MEV_NM: f64 = HBARC_EV_CM * 1e7 * 1e-6;

/// The wave packet's energy width σ_E (MeV) from its spatial width at production σ_x (nm).
pub fn sigma_e_mev_from_sigma_x_nm(sigma_x_nm: f64) -> f64 {
    HBARC_MEV_NM / (2.0 * sigma_x_nm)
}

/// The vacuum coherence length L_coh = 4√2 E² σ_x/|Δm²| in km (E in MeV, σ_x in nm, Δm² in
/// eV²): the reference formula, used by the tests and the docs.
pub fn vacuum_coherence_length_km(energy_mev: f64, sigma_x_nm: f64, dm2_ev2: f64) -> f64 {
    let e_ev = energy_mev * 1e6;
    // E²/Δm² is a pure number: L_coh is σ_x times it.
    4.0 * std::f64::consts::SQRT_2 * e_ev * e_ev / dm2_ev2.abs() * sigma_x_nm * 1e-12
}

/// The probabilities `[nI, 2N]` at the end of the track with every interference term of the
/// exit eigenstates damped by exp(−(σ_E ΔΦ′_ab)²/2); `sigma_e_mev` is the wave packet's energy
/// width, `s_end` the propagator of `path` (the model `model` at one energy) over
/// [start_km, end_km].
pub fn decoherent<const D: usize>(
    model: &Model,
    path: &MediumHamiltonian<'_, D>,
    sigma_e_mev: f64,
    start_km: f64,
    end_km: f64,
    s_end: &CMat<D>,
    initial: &[usize],
) -> Result<Vec<f64>, MediumError> {
    let eh = path.energy_hamiltonian();
    let sigma = sigma_e_mev * 1e6 / eh.energy_ev();
    // E Φ′ to 1e-6 rad: the damping's exponent s²/2 is then right to ~s·1e-6·σ_E/E.
    let phases = track_phase_derivatives(model, path, start_km, end_km, 1e-6)?;
    let blocks = Blocks::from_pattern(&path.coupling_pattern()).label;
    let p_end = path.medium().point(end_km, Side::Left)?;
    let w_f = hermitian_eigen_in_blocks(&eh.at(&p_end), &blocks).vectors;
    let damping: [[f64; D]; D] = std::array::from_fn(|a| {
        std::array::from_fn(|b| {
            let s = sigma * (phases.e_dphi[a] - phases.e_dphi[b]);
            (-0.5 * s * s).exp()
        })
    });
    let mut probability = Vec::with_capacity(initial.len() * D);
    for &i in initial {
        // The exit state in the exit eigenbasis.
        let psi: [Complex64; D] =
            std::array::from_fn(|a| (0..D).map(|b| w_f[(b, a)].conj() * s_end[(b, i)]).sum());
        for beta in 0..D {
            let amp: [Complex64; D] = std::array::from_fn(|a| w_f[(beta, a)] * psi[a]);
            let mut p = 0.0;
            for a in 0..D {
                p += amp[a].norm_sqr();
                for b in 0..a {
                    p += 2.0 * damping[a][b] * (amp[a] * amp[b].conj()).re;
                }
            }
            probability.push(p);
        }
    }
    Ok(probability)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn energy_width_and_coherence_length_units() {
        // σ_x = 1 nm ↔ σ_E = ħc/2 = 98.66 eV.
        assert!((sigma_e_mev_from_sigma_x_nm(1.0) - 98.663_490_2e-6).abs() < 1e-12);
        // L_coh = 4√2 E²σ_x/Δm² with E = 1 MeV, σ_x = 1 nm, Δm² = 1 eV²:
        // 4√2 · 1e12 · 1e-9 m = 4√2 km.
        let want_m = 4.0 * std::f64::consts::SQRT_2 * 1e3;
        let got_km = vacuum_coherence_length_km(1.0, 1.0, 1.0);
        assert!((got_km * 1e3 / want_m - 1.0).abs() < 1e-12);
    }
}
