//! Exact evolution through a constant medium: S = exp(−iHL) by Hermitian
//! eigendecomposition.

use crate::hamiltonian::{CMat, EnergyHamiltonian, Model};
use crate::linalg::exp_minus_i_h_t;
use crate::medium::MediumPoint;
use crate::units::mev_to_ev;

/// S = exp(−i H L) for a constant H (km⁻¹) over `length_km`.
pub fn propagator_constant<const D: usize>(h: &CMat<D>, length_km: f64) -> CMat<D> {
    exp_minus_i_h_t(h, length_km)
}

/// The propagator of `model` at `energy_mev` through `length_km` of the constant medium
/// `point`. D must be 2N (4 for two flavours, 6 for three).
///
/// ```
/// use nuspin::prelude::*;
///
/// let mixing = Mixing::from_preset(Preset::Nufit52No, 0.0, &[]).unwrap();
/// let model = Model::new(Basis::DiracNeutrino, mixing, Moments::zero());
/// let rock = MediumPoint::from_rho_ye(3.0, 0.5);
/// let s = propagate_constant::<6>(&model, 2000.0, &rock, 1300.0); // 2 GeV over 1300 km
/// let p = probabilities(&s);
/// let (nu_mu, nu_e) = (1, 0);
/// assert!(p[nu_mu][nu_e] > 0.0 && p[nu_mu][nu_e] < 0.2);
/// ```
pub fn propagate_constant<const D: usize>(
    model: &Model,
    energy_mev: f64,
    point: &MediumPoint,
    length_km: f64,
) -> CMat<D> {
    let h = EnergyHamiltonian::<D>::new(model, mev_to_ev(energy_mev)).at(point);
    propagator_constant(&h, length_km)
}
