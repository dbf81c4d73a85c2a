//! The supernova envelope of the integrator tests and benches: ρ = 1e4 (1e4 km/r)³ g/cm³,
//! Y_e = 0.5, B⊥ = b₀ (1e4 km/r)², optionally with a sharp forward shock.

use super::analytic::{matter_point, FnMedium, MATTER, MATTER_B};
use crate::medium::Side;
use crate::units::AVOGADRO;

/// The envelope with B⊥ = `b0_gauss` (1e4/r)², and a shock at `shock_km` with the density
/// ×`jump` behind it (r < r_s; the left side at r_s). The shock is a breakpoint.
pub fn supernova(b0_gauss: f64, shock_km: Option<f64>, jump: f64) -> FnMedium {
    FnMedium {
        profile: Box::new(move |r, side| {
            let behind = match shock_km {
                Some(rs) => r < rs || (r == rs && side == Side::Left),
                None => false,
            };
            let factor = if behind { jump } else { 1.0 };
            let rho = 1e4 * (1e4 / r).powi(3) * factor;
            let ne = rho * 0.5 * AVOGADRO;
            let b = b0_gauss * (1e4 / r).powi(2);
            matter_point(ne, -3.0 * ne / r, 0.5, (b, -2.0 * b / r), (0.0, 0.0))
        }),
        breaks: shock_km.into_iter().collect(),
        present: if b0_gauss != 0.0 { MATTER_B } else { MATTER },
        piecewise: false,
    }
}
