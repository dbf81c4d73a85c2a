//! What the neutrino meets along its path.
//!
//! - [`point`]: [`MediumPoint`], the scenario.md quantities at one position, validated.
//! - [`constant`]: a homogeneous medium.
//! - The [`Medium`] trait: quantities and their x-derivatives at any position, one-sided at the
//!   declared discontinuities ([`Medium::breakpoints`]), which integrators land on exactly.

pub mod build;
pub mod constant;
pub mod point;

pub use build::{build_medium, MediumConfigError};

pub use constant::ConstantMedium;
pub use point::{MediumPoint, MediumPointError, QUANTITY_NAMES, QUANTITY_UNITS};

/// Which one-sided limit to take at a breakpoint (identical elsewhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The limit from smaller x (the value just before a breakpoint).
    Left,
    /// The limit from larger x (the value just after a breakpoint).
    Right,
}

/// A medium quantity that failed at a position; the message names x.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MediumError {
    #[error("medium at x = {x_km} km: {source}")]
    Invalid {
        x_km: f64,
        #[source]
        source: MediumPointError,
    },
    #[error("x = {x_km} km is outside the medium's range [{min_km}, {max_km}] km")]
    OutOfRange { x_km: f64, min_km: f64, max_km: f64 },
    #[error("medium at x = {x_km} km: {message}")]
    Other { x_km: f64, message: String },
}

/// Which medium quantities can be nonzero somewhere along the path: the Hamiltonian uses it to
/// find the exact coupling pattern (decoupled blocks) once per model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PresentQuantities {
    pub matter: bool,
    pub b_par: bool,
    pub b_perp: bool,
    pub v_perp: bool,
    pub pol: bool,
}

impl PresentQuantities {
    /// Everything may be present (the safe default).
    pub const ALL: PresentQuantities = PresentQuantities {
        matter: true,
        b_par: true,
        b_perp: true,
        v_perp: true,
        pol: true,
    };

    /// The quantities that are nonzero at one point.
    pub fn of_point(p: &MediumPoint) -> Self {
        PresentQuantities {
            matter: p.ne_cm3 != 0.0 || p.nn_cm3 != 0.0,
            b_par: p.b_par_gauss != 0.0,
            b_perp: p.b_perp_gauss != 0.0,
            v_perp: p.v_perp != 0.0,
            pol: p.pol_par != 0.0 || p.pol_perp != 0.0,
        }
    }
}

/// A medium along the path: the quantities at position `x_km` (the medium's own coordinate,
/// physics.md §8) and their x-derivatives.
///
/// Implementations must be deterministic and thread-safe; integrators call them from many
/// threads at once.
pub trait Medium: Send + Sync {
    /// The quantities at `x_km`, validated. At a breakpoint `side` selects the one-sided limit.
    fn point(&self, x_km: f64, side: Side) -> Result<MediumPoint, MediumError>;

    /// The quantities and their derivatives d/dx (per km) at `x_km`, one-sided at breakpoints.
    fn point_and_slope(
        &self,
        x_km: f64,
        side: Side,
    ) -> Result<(MediumPoint, MediumPoint), MediumError>;

    /// Sorted positions where a quantity or its derivative jumps (shocks, table rows of
    /// `linear`/`steps` tables, layer boundaries): steps must end exactly on them.
    fn breakpoints(&self) -> Vec<f64>;

    /// Which quantities can be nonzero anywhere (default: all).
    fn present_quantities(&self) -> PresentQuantities {
        PresentQuantities::ALL
    }

    /// True when the medium is constant between consecutive breakpoints (so the `layers`
    /// method is exact on it).
    fn is_piecewise_constant(&self) -> bool {
        false
    }

    /// The medium's natural track (start, end) in km, when it defines one.
    fn natural_track_km(&self) -> Option<(f64, f64)> {
        None
    }
}
