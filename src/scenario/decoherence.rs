//! `[arrival] wave_packet = { sigma_x_nm | sigma_x_cm | sigma_e_mev }`: the width of the
//! neutrino's wave packet, which damps the interference terms at the end of the track
//! ([`crate::observables::decoherence`]; dataset `/observables/decoherent_probability`).

use serde::Deserialize;

use super::error::ScenarioError;
use super::extensions::ErrFn;
use super::number::Number;
use crate::evolve::Record;
use crate::observables::decoherence::sigma_e_mev_from_sigma_x_nm;

const FIELD: &str = "arrival.wave_packet";

/// The validated wave packet: its energy width, and the width given.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WavePacket {
    /// σ_E (MeV) = ħc/(2σ_x).
    pub sigma_e_mev: f64,
    /// σ_x at production (nm) = ħc/(2σ_E).
    pub sigma_x_nm: f64,
}

/// `[arrival] wave_packet`, as read: the widths given (any number; one is required).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWavePacket {
    pub sigma_x_nm: Option<Number>,
    pub sigma_x_cm: Option<Number>,
    pub sigma_e_mev: Option<Number>,
}

/// Validates `[arrival] wave_packet` (absent: `None`). Exactly one width, finite and > 0; the
/// track's end must be recorded (the damping applies to the state leaving the track).
pub(super) fn wave_packet(
    raw: Option<&RawWavePacket>,
    record: &Record,
    end_km: f64,
    err: ErrFn,
) -> Result<Option<WavePacket>, ScenarioError> {
    let Some(table) = raw else {
        return Ok(None);
    };
    let mut given = Vec::new();
    for (key, value) in [
        ("sigma_x_nm", table.sigma_x_nm),
        ("sigma_x_cm", table.sigma_x_cm),
        ("sigma_e_mev", table.sigma_e_mev),
    ] {
        let Some(Number(v)) = value else { continue };
        if !(v.is_finite() && v > 0.0) {
            return Err(err(
                &format!("{FIELD}.{key}"),
                format!("must be a finite width > 0, got {v}"),
            ));
        }
        given.push((key, v));
    }
    let (key, v) = match given.as_slice() {
        [one] => *one,
        [] => {
            return Err(err(
                FIELD,
                "give the width: one of sigma_x_nm, sigma_x_cm (at production) or sigma_e_mev"
                    .into(),
            ))
        }
        [a, b, ..] => {
            return Err(err(
                &format!("{FIELD}.{}", b.0),
                format!(
                    "give one width only: {} and {} are both given (sigma_E = hbar c/(2 sigma_x))",
                    a.0, b.0
                ),
            ))
        }
    };
    if matches!(record, Record::Points(xs) if xs.last() != Some(&end_km)) {
        return Err(err(
            "track.record",
            format!("[arrival] wave_packet damps the state at the end of the track: the record points must end at end_km = {end_km}"),
        ));
    }
    let packet = match key {
        "sigma_e_mev" => WavePacket {
            sigma_e_mev: v,
            sigma_x_nm: sigma_e_mev_from_sigma_x_nm(1.0) / v,
        },
        _ => {
            let nm = if key == "sigma_x_cm" { v * 1e7 } else { v };
            WavePacket {
                sigma_e_mev: sigma_e_mev_from_sigma_x_nm(nm),
                sigma_x_nm: nm,
            }
        }
    };
    Ok(Some(packet))
}
