//! ν–e scattering of an evolved state: its [`Interaction`] with a detector (composition,
//! μ_eff², the detector's millicharge and charge radii), the weak part alone, and a
//! [`Beam`] — the state's μ_eff² and composition tabulated over energy — for folding over a
//! flux. Plain functions of amplitudes and parameters.

use num_complex::Complex64;

use super::cross_section::{Composition, Interaction};
use super::effective_moment::{composition, effective_moment_sq};
use crate::hamiltonian::Model;

/// The electromagnetic properties of ν–e scattering beyond the magnetic moment.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Electromagnetic {
    /// Neutrino millicharge in units of e.
    pub millicharge_e: f64,
    /// Charge radii ⟨r²_ν_ℓ⟩ (e, μ, τ) in cm².
    pub charge_radius_cm2: [f64; 3],
}

/// The interaction of the state with amplitudes `amplitudes` (2N entries), and the μ_eff²
/// of its active block alone.
pub fn state_interaction(
    model: &Model,
    em: &Electromagnetic,
    amplitudes: &[Complex64],
) -> (Interaction, f64) {
    // The run hands 2N amplitudes, so neither call fails there; a wrong length gives NaN.
    let moments = effective_moment_sq(model, amplitudes).ok();
    let interaction = Interaction {
        composition: composition(model, amplitudes).unwrap_or_default(),
        mu_eff_sq_mu_b2: moments.map_or(f64::NAN, |m| m.total_mu_b2()),
        millicharge_e: em.millicharge_e,
        charge_radius_cm2: em.charge_radius_cm2,
    };
    (interaction, moments.map_or(f64::NAN, |m| m.block_a_mu_b2))
}

/// The weak part alone: same composition, no electromagnetic terms.
pub fn weak_only(i: &Interaction) -> Interaction {
    Interaction {
        composition: i.composition,
        ..Default::default()
    }
}

/// The composition as six numbers: ν_e, ν_μ, ν_τ, ν̄_e, ν̄_μ, ν̄_τ.
pub fn composition_slots(c: &Composition) -> [f64; 6] {
    let (n, a) = (c.neutrino, c.antineutrino);
    [n[0], n[1], n[2], a[0], a[1], a[2]]
}

/// The inverse of [`composition_slots`].
pub fn composition_of_slots(c: &[f64; 6]) -> Composition {
    Composition {
        neutrino: [c[0], c[1], c[2]],
        antineutrino: [c[3], c[4], c[5]],
    }
}

/// μ_eff² and composition of one state over an energy grid, sorted by energy, for linear
/// interpolation.
#[derive(Debug, Clone, PartialEq)]
pub struct Beam {
    pub energy_mev: Vec<f64>,
    pub mu_eff_sq_mu_b2: Vec<f64>,
    pub composition: Vec<[f64; 6]>,
}

impl Beam {
    /// μ_eff² and composition at `energy_mev`, linear between the grid energies and constant
    /// beyond the ends.
    pub fn at(&self, energy_mev: f64) -> (f64, [f64; 6]) {
        let e = &self.energy_mev;
        let last = e.len() - 1;
        let k = e
            .partition_point(|&x| x <= energy_mev)
            .clamp(1, last.max(1));
        if last == 0 {
            return (self.mu_eff_sq_mu_b2[0], self.composition[0]);
        }
        let w = ((energy_mev - e[k - 1]) / (e[k] - e[k - 1])).clamp(0.0, 1.0);
        let lerp = |a: f64, b: f64| a * (1.0 - w) + b * w;
        let mut c = [0.0; 6];
        for (n, slot) in c.iter_mut().enumerate() {
            *slot = lerp(self.composition[k - 1][n], self.composition[k][n]);
        }
        (
            lerp(self.mu_eff_sq_mu_b2[k - 1], self.mu_eff_sq_mu_b2[k]),
            c,
        )
    }

    /// The interaction at `energy_mev` with the detector's electromagnetic parameters.
    pub fn interaction(&self, energy_mev: f64, em: &Electromagnetic) -> Interaction {
        let (mu2, c) = self.at(energy_mev);
        Interaction {
            composition: composition_of_slots(&c),
            mu_eff_sq_mu_b2: mu2,
            millicharge_e: em.millicharge_e,
            charge_radius_cm2: em.charge_radius_cm2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beam_interpolates_linearly_and_holds_its_ends() {
        let beam = Beam {
            energy_mev: vec![1.0, 3.0],
            mu_eff_sq_mu_b2: vec![2.0, 4.0],
            composition: vec![
                [1.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                [0.0, 1.0, 0.0, 0.0, 0.0, 0.0],
            ],
        };
        let (mu2, c) = beam.at(2.0);
        assert_eq!(mu2, 3.0);
        assert_eq!(c[..2], [0.5, 0.5]);
        assert_eq!(beam.at(0.5).0, 2.0);
        assert_eq!(beam.at(9.0).0, 4.0);
    }

    #[test]
    fn composition_slots_round_trip() {
        let c = Composition {
            neutrino: [0.1, 0.2, 0.3],
            antineutrino: [0.4, 0.5, 0.6],
        };
        assert_eq!(composition_of_slots(&composition_slots(&c)), c);
    }
}
