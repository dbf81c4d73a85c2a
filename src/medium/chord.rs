//! A chord through the Earth from a direction of arrival: the unit of the night side of
//! `[arrival] earth` (a zenith-angle grid is a list of them, each with its weight).

use super::EarthMedium;

/// One Earth chord: PREM along cos θ_z, with its normalised weight.
#[derive(Debug, Clone, PartialEq)]
pub struct EarthChord {
    pub cos_zenith: f64,
    /// Weights of all chords of a grid sum to 1.
    pub weight: f64,
    pub medium: EarthMedium,
}
