//! Media given by closures with exact x-derivatives: the integrators see the same
//! `point_and_slope` they see from a table, without interpolation, so a test measures the
//! method and nothing else.

use crate::medium::{Medium, MediumError, MediumPoint, PresentQuantities, Side};

type Profile = dyn Fn(f64, Side) -> (MediumPoint, MediumPoint) + Send + Sync;

/// A medium from a closure giving the quantities and their x-derivatives at (x_km, side).
pub struct FnMedium {
    /// (value, d/dx) at x (km), on the given side of a breakpoint.
    pub profile: Box<Profile>,
    /// True discontinuities (km), where steps must end.
    pub breaks: Vec<f64>,
    /// Which terms of the Hamiltonian the medium can switch on.
    pub present: PresentQuantities,
    /// Constant between breakpoints (lets the exact layered solvers apply).
    pub piecewise: bool,
}

impl Medium for FnMedium {
    fn point(&self, x_km: f64, side: Side) -> Result<MediumPoint, MediumError> {
        Ok((self.profile)(x_km, side).0)
    }
    fn point_and_slope(
        &self,
        x_km: f64,
        side: Side,
    ) -> Result<(MediumPoint, MediumPoint), MediumError> {
        Ok((self.profile)(x_km, side))
    }
    fn breakpoints(&self) -> Vec<f64> {
        self.breaks.clone()
    }
    fn present_quantities(&self) -> PresentQuantities {
        self.present
    }
    fn is_piecewise_constant(&self) -> bool {
        self.piecewise
    }
}

/// Unpolarised matter at rest, nothing else.
pub const MATTER: PresentQuantities = PresentQuantities {
    matter: true,
    b_par: false,
    b_perp: false,
    v_perp: false,
    pol: false,
};

/// Matter and a transverse field.
pub const MATTER_B: PresentQuantities = PresentQuantities {
    b_perp: true,
    ..MATTER
};

/// Matter with n_e and n_e′ (cm⁻³, cm⁻³/km), a fixed Y_e (so n_n = n_e (1 − Y_e)/Y_e), and a
/// transverse field `b = (B⊥, B⊥′)` (G, G/km) with azimuth `phi = (φ, φ′)` (rad, rad/km):
/// the value and the x-derivative.
pub fn matter_point(
    ne: f64,
    dne: f64,
    ye: f64,
    b: (f64, f64),
    phi: (f64, f64),
) -> (MediumPoint, MediumPoint) {
    let r = (1.0 - ye) / ye;
    let p = MediumPoint {
        ne_cm3: ne,
        nn_cm3: ne * r,
        b_perp_gauss: b.0,
        b_phi_rad: phi.0,
        ..Default::default()
    };
    let d = MediumPoint {
        ne_cm3: dne,
        nn_cm3: dne * r,
        b_perp_gauss: b.1,
        b_phi_rad: phi.1,
        ..Default::default()
    };
    (p, d)
}
