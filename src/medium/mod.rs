//! What the neutrino meets along its path.
//!
//! - [`point`]: [`MediumPoint`], the scenario.md quantities at one position, validated.
//! - [`constant`]: a homogeneous medium.
//! - [`interpolate`]: linear, log-linear, PCHIP and step interpolation with exact derivatives.
//! - [`table_parse`] and [`table`]: user tables (CSV) — reading, checking, interpolating.
//! - [`sun`], [`supernova`], [`rotating_star`], [`earth`]: the built-in media of docs/physics.md
//!   ("Built-in media").
//! - [`config`]: one strict serde struct per medium kind and [`build_medium`].
//! - [`chord`]: [`EarthChord`], one direction through the Earth with its weight.
//! - [`exposure`]: a detector site's annual exposure in the Sun's zenith angle (night chords).
//! - [`turbulence`]: [`turbulence::TurbulentMedium`], Gaussian random fields (randomisation
//!   method) on the density and B⊥ of another medium, between the supernova's shocks.
//! - [`sample`]: the quantities along a track, as written by `nuspin medium sample`.
//! - The [`Medium`] trait: quantities and their x-derivatives at any position, one-sided at the
//!   declared discontinuities ([`Medium::breakpoints`]), which integrators land on exactly, and
//!   at the kinks of piecewise-linear interpolation ([`Medium::kinks`]).

pub mod chord;
pub mod config;
pub mod constant;
pub mod earth;
mod earth_config;
pub mod earth_model;
pub mod exposure;
pub mod interpolate;
pub mod params;
pub mod point;
pub mod rotating_star;
pub mod sample;
pub mod solar_production;
pub mod sun;
pub mod sun_b16;
mod sun_config;
pub mod supernova;
pub mod table;
pub mod table_parse;
pub mod turbulence;

pub use chord::EarthChord;
pub use config::{build_medium, MediumConfigError};
pub use constant::ConstantMedium;
pub use earth::EarthMedium;
pub use earth_model::{EarthGeometry, EarthShells};
pub use interpolate::{Interpolant, Interpolation};
pub use point::{MediumPoint, MediumPointError, QUANTITY_NAMES, QUANTITY_UNITS};
pub use rotating_star::RotatingStarMedium;
pub use sample::{sample_medium, MediumSamples, SampleError};
pub use solar_production::{ProductionTable, SolarSource};
pub use sun::{production_average_nodes, SolarMedium, SolarModel};
pub use supernova::SupernovaMedium;
pub use table::TableMedium;
pub use table_parse::{check_table, TableProblem};

/// A stretch of the track where no integration step may be longer than `max_step_km`: where
/// the medium varies on a scale that an error estimate built from a few samples per step
/// cannot see (a turbulent medium's shortest wavelength, [`turbulence::TurbulentMedium`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepLimit {
    /// The stretch [from_km, to_km].
    pub from_km: f64,
    pub to_km: f64,
    /// The longest step (km) that may overlap the stretch.
    pub max_step_km: f64,
}

impl StepLimit {
    /// The longest step from `x_km` (towards larger x) that this limit allows: unlimited when
    /// the stretch lies behind `x_km`; up to the stretch's start (or `max_step_km` if that is
    /// longer) when it lies ahead, so a step may reach the stretch but not run into it.
    pub fn allowed_from(&self, x_km: f64) -> f64 {
        if x_km >= self.to_km {
            f64::INFINITY
        } else if x_km >= self.from_km {
            self.max_step_km
        } else {
            (self.from_km - x_km).max(self.max_step_km)
        }
    }

    /// Whether a step over [x0_km, x1_km] runs into the stretch (touching an end does not).
    pub fn overlaps(&self, x0_km: f64, x1_km: f64) -> bool {
        x1_km > self.from_km && x0_km < self.to_km
    }
}

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
/// docs/physics.md ("Built-in media")) and their x-derivatives.
///
/// Implementations must be deterministic and thread-safe; integrators call them from many
/// threads at once.
pub trait Medium: Send + Sync {
    /// The quantities at `x_km`, validated. At a breakpoint `side` selects the one-sided limit.
    /// By default the value part of [`Medium::point_and_slope`].
    fn point(&self, x_km: f64, side: Side) -> Result<MediumPoint, MediumError> {
        self.point_and_slope(x_km, side).map(|(p, _)| p)
    }

    /// The quantities and their derivatives d/dx (per km) at `x_km`, one-sided at breakpoints.
    fn point_and_slope(
        &self,
        x_km: f64,
        side: Side,
    ) -> Result<(MediumPoint, MediumPoint), MediumError>;

    /// Sorted positions where a quantity jumps (shocks, repeated rows of tables, rows of
    /// `steps` tables, layer boundaries): steps must end exactly on them.
    fn breakpoints(&self) -> Vec<f64>;

    /// Sorted positions where the quantities are continuous but their derivative jumps (the
    /// rows of `linear` and `log-linear` tables): the `magnus` method steps across them,
    /// integrating each smooth piece on its own (docs/integrators.md, "Breakpoints, kinks and table
    /// rows"); the other methods end steps on them. Default: none.
    fn kinks(&self) -> Vec<f64> {
        Vec::new()
    }

    /// Stretches where steps must stay short ([`StepLimit`]): the `magnus` method respects them
    /// in every stepper (docs/integrators.md, "Step limits"). Default: none.
    fn step_limits(&self) -> Vec<StepLimit> {
        Vec::new()
    }

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

    /// The closed range of x where the medium is defined, when it is bounded (tables, the
    /// Earth's chord, the solar tables); `None` when any x the model accepts is fine.
    fn domain_km(&self) -> Option<(f64, f64)> {
        None
    }

    /// Checks up front that a track [start_km, end_km] can be run: by default that it lies
    /// within [`Medium::domain_km`] (the error names the offending end and the medium's range).
    /// Media with further conditions along the whole track (a rotating star's |v| < 1) add
    /// them.
    fn check_track(&self, start_km: f64, end_km: f64) -> Result<(), MediumError> {
        if let Some((min_km, max_km)) = self.domain_km() {
            for x_km in [start_km, end_km] {
                if !(min_km..=max_km).contains(&x_km) {
                    return Err(MediumError::OutOfRange {
                        x_km,
                        min_km,
                        max_km,
                    });
                }
            }
        }
        Ok(())
    }

    /// When the observable is an average over several start positions (the solar
    /// `production_average`), those positions in km with weights summing to 1; the run layer
    /// then runs each start to the track's end and averages P (never amplitudes). `None`: one
    /// start, the track's.
    /// The solar medium, for the provenance datasets of a solar run (`None` for the others).
    fn as_solar(&self) -> Option<&SolarMedium> {
        None
    }

    fn averaged_starts_km(&self) -> Option<Vec<(f64, f64)>> {
        None
    }

    /// Where `[turbulence]` perturbs this medium by default (its envelope vanishes at both
    /// ends): between the supernova's shocks, the Sun from centre to surface; `None`: the
    /// scenario must give `turbulence.region_km`.
    fn turbulence_region_km(&self) -> Option<(f64, f64)> {
        None
    }
}
