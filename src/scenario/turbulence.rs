//! `[turbulence]`: Gaussian random fields on the density and/or B⊥ of the medium
//! ([`crate::medium::turbulence`]), and `realisations = K`, which runs K realisations as a
//! leading scan axis `turbulence.realisation` (so the realisation index, not the thread or
//! shard, picks the field) and adds the summary datasets of `run::datasets::turbulence`.
//!
//! ```toml
//! [turbulence]
//! seed = 7                 # SplitMix64 seed (default 1)
//! realisations = 50        # K >= 1 (default 1)
//! realisation = 0          # the one realisation a single run uses (default 0; set per scan point when K > 1)
//! region_km = [a, b]       # default: between the supernova's shocks, the whole Sun
//! edge_km = 100            # envelope edge width (default min(longest lambda*, (b - a)/10))
//! density = { amplitude = 0.1, index = 1.6667, long_cutoff_km = 1e3, short_cutoff_km = 1, modes = 100 }
//! b_perp = { amplitude = 0.3, long_cutoff_km = 1e3, short_cutoff_km = 10 }
//! # or an additive turbulent field (also on media without B_perp, e.g. the Sun):
//! # b_perp = { rms_gauss = 1e4, long_cutoff_km = 1e4, short_cutoff_km = 100 }
//! ```

use std::sync::Arc;

use serde::Deserialize;

use super::error::ScenarioError;
use super::extensions::ErrFn;
use super::number::Number;
use super::ScanAxis;
use crate::medium::turbulence::{Spectrum, Turbulence, TurbulentMedium};
use crate::medium::Medium;

type Result<T> = std::result::Result<T, ScenarioError>;

/// The field the realisation axis sets in every scan point.
pub const REALISATION_FIELD: &str = "turbulence.realisation";

/// Largest number of realisations (each is a full scan point).
const MAX_REALISATIONS: i64 = 100_000;

/// `[turbulence]`, as read: serde refuses unknown keys and values of the wrong type at their
/// line and column; the rules are checked in `apply`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTurbulence {
    pub seed: Option<Number>,
    pub realisations: Option<Number>,
    pub realisation: Option<Number>,
    pub region_km: Option<Vec<Number>>,
    pub edge_km: Option<Number>,
    pub density: Option<RawSpectrum>,
    pub b_perp: Option<RawSpectrum>,
}

/// One quantity's spectrum: a strength (`amplitude`, or for B⊥ `rms_gauss`) and the shape.
#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a table { amplitude, index, long_cutoff_km, short_cutoff_km, modes }"
)]
pub struct RawSpectrum {
    pub amplitude: Option<Number>,
    pub rms_gauss: Option<Number>,
    pub index: Option<Number>,
    pub long_cutoff_km: Option<Number>,
    pub short_cutoff_km: Option<Number>,
    pub modes: Option<Number>,
}

/// `x` as a whole number (`4.0` is 4), if it is one that an `f64` holds exactly.
fn whole(x: f64) -> Option<i64> {
    (x.fract() == 0.0 && x.abs() < 9e15).then_some(x as i64)
}

/// `turbulence.<key>` as a whole number (an integer, or a float without a fraction).
fn integer(v: Option<Number>, key: &str, err: ErrFn) -> Result<Option<i64>> {
    let Some(Number(x)) = v else {
        return Ok(None);
    };
    match whole(x) {
        Some(k) => Ok(Some(k)),
        None => Err(err(
            &format!("turbulence.{key}"),
            format!("must be a whole number, got {x}"),
        )),
    }
}

/// One quantity's spectrum, `turbulence.<name>`. With `rms_gauss` (B⊥ only) the amplitude is
/// that of an added field in gauss: see [`b_perp_is_additive`].
fn spectrum(name: &str, t: &RawSpectrum, err: ErrFn) -> Result<Spectrum> {
    // Only B_perp has an additive form (`rms_gauss`, [`b_perp_is_additive`]).
    let additive = name == "b_perp" && t.rms_gauss.is_some();
    spectrum_strength_keys(name, t, additive, err)?;
    let (strength, value) = match additive {
        true => ("rms_gauss", t.rms_gauss),
        false => ("amplitude", t.amplitude),
    };
    let amplitude = spectrum_amplitude(name, strength, value, additive, err)?;
    let index = spectrum_number(name, "index", t.index, false, err)?.unwrap_or(5.0 / 3.0);
    if !(0.0..=10.0).contains(&index) {
        return Err(err(
            &format!("turbulence.{name}.index"),
            format!("the spectral index alpha of E(k) ~ k^-alpha must lie in [0, 10], got {index}"),
        ));
    }
    let (long_cutoff_km, short_cutoff_km) = cutoffs(name, t, err)?;
    Ok(Spectrum {
        amplitude,
        index,
        long_cutoff_km,
        short_cutoff_km,
        modes: modes(name, t.modes, err)?,
    })
}

/// `rms_gauss` only on B⊥, and then without `amplitude`.
fn spectrum_strength_keys(name: &str, t: &RawSpectrum, additive: bool, err: ErrFn) -> Result<()> {
    let what = if additive && t.amplitude.is_some() {
        "give either amplitude (relative C*) or rms_gauss (an added field in gauss), not both"
    } else if !additive && t.rms_gauss.is_some() {
        "unknown key \"rms_gauss\"; expected amplitude, index, long_cutoff_km, short_cutoff_km, modes (an added field in gauss is b_perp's only)"
    } else {
        return Ok(());
    };
    Err(err(&format!("turbulence.{name}"), what.into()))
}

/// `turbulence.<name>.<key>` as a finite number (`None` when absent and not `required`).
fn spectrum_number(
    name: &str,
    key: &str,
    value: Option<Number>,
    required: bool,
    err: ErrFn,
) -> Result<Option<f64>> {
    let field = format!("turbulence.{name}.{key}");
    match value {
        None if required => Err(err(&field, "is required".into())),
        None => Ok(None),
        Some(Number(x)) if x.is_finite() => Ok(Some(x)),
        Some(Number(x)) => Err(err(&field, format!("must be a finite number, got {x}"))),
    }
}

/// The strength: C* (`amplitude`) or the added field's rms in gauss (`rms_gauss`), >= 0.
fn spectrum_amplitude(
    name: &str,
    strength: &str,
    value: Option<Number>,
    additive: bool,
    err: ErrFn,
) -> Result<f64> {
    let amplitude = spectrum_number(name, strength, value, true, err)?.unwrap_or(0.0);
    if amplitude < 0.0 {
        let what = if additive {
            "the rms of the added field (gauss)"
        } else {
            "C* is the rms relative fluctuation:"
        };
        return Err(err(
            &format!("turbulence.{name}.{strength}"),
            format!("{what} must be >= 0, got {amplitude}"),
        ));
    }
    Ok(amplitude)
}

/// `(long_cutoff_km, short_cutoff_km)`, with 0 < short < long.
fn cutoffs(name: &str, t: &RawSpectrum, err: ErrFn) -> Result<(f64, f64)> {
    let long = spectrum_number(name, "long_cutoff_km", t.long_cutoff_km, true, err)?.unwrap_or(0.0);
    let short =
        spectrum_number(name, "short_cutoff_km", t.short_cutoff_km, true, err)?.unwrap_or(0.0);
    if long <= 0.0 {
        return Err(err(
            &format!("turbulence.{name}.long_cutoff_km"),
            format!("must be > 0, got {long}"),
        ));
    }
    if !(short > 0.0 && short < long) {
        return Err(err(
            &format!("turbulence.{name}.short_cutoff_km"),
            format!("the shortest wavelength must be > 0 and below long_cutoff_km = {long}, got {short} (cut-offs inverted?)"),
        ));
    }
    Ok((long, short))
}

/// The number of Fourier modes, `turbulence.<name>.modes` (default 100).
fn modes(name: &str, value: Option<Number>, err: ErrFn) -> Result<usize> {
    match value {
        None => Ok(100),
        Some(Number(n)) if (1.0..=100_000.0).contains(&n) && n.fract() == 0.0 => Ok(n as usize),
        Some(Number(n)) => Err(err(
            &format!("turbulence.{name}.modes"),
            format!("must be a whole number in [1, 100000], got {n}"),
        )),
    }
}

/// The medium with `[turbulence]` applied (`medium` itself without the table). Every rule is
/// checked here, before any work.
pub(super) fn apply(
    raw: Option<&RawTurbulence>,
    kind: &str,
    medium: Arc<dyn Medium>,
    err: ErrFn,
) -> Result<Arc<dyn Medium>> {
    let Some(t) = raw else {
        return Ok(medium);
    };
    let (seed, realisation) = seed_and_realisation(t, err)?;
    let density = t
        .density
        .map(|v| spectrum("density", &v, err))
        .transpose()?;
    let b_perp = t.b_perp.map(|v| spectrum("b_perp", &v, err)).transpose()?;
    if density.is_none() && b_perp.is_none() {
        return Err(err(
            "turbulence",
            "perturbs nothing: give density = { ... } and/or b_perp = { ... }".into(),
        ));
    }
    let b_perp_additive = b_perp_is_additive(t);
    if b_perp.is_some() && !b_perp_additive && !medium.present_quantities().b_perp {
        return Err(err(
            "turbulence.b_perp",
            format!("the {kind} medium has no transverse field B_perp to scale by a relative amplitude; add a turbulent field in gauss instead: b_perp = {{ rms_gauss = ..., ... }}"),
        ));
    }
    let region = region_km(t, kind, medium.as_ref(), err)?;
    let longest = [density, b_perp]
        .iter()
        .flatten()
        .map(|s| s.long_cutoff_km)
        .fold(0.0, f64::max);
    let turbulence = Turbulence {
        seed,
        realisation,
        region_km: region,
        edge_km: edge_km(t.edge_km, longest.min((region.1 - region.0) / 10.0), err)?,
        density,
        b_perp,
        b_perp_additive,
    };
    Ok(Arc::new(TurbulentMedium::new(medium, turbulence)))
}

/// `(seed, realisation)`, after checking `seed`, `realisations` and `realisation`.
fn seed_and_realisation(t: &RawTurbulence, err: ErrFn) -> Result<(u64, u64)> {
    let seed = integer(t.seed, "seed", err)?.unwrap_or(1);
    if seed < 0 {
        return Err(err("turbulence.seed", format!("must be >= 0, got {seed}")));
    }
    let realisations = integer(t.realisations, "realisations", err)?.unwrap_or(1);
    if !(1..=MAX_REALISATIONS).contains(&realisations) {
        return Err(err(
            "turbulence.realisations",
            format!("must be a whole number in [1, {MAX_REALISATIONS}], got {realisations}"),
        ));
    }
    // Set by the realisation axis in every scan point; a single run may pick one.
    let realisation = integer(t.realisation, "realisation", err)?.unwrap_or(0);
    if realisation < 0 {
        return Err(err(
            REALISATION_FIELD,
            format!("must be a whole number >= 0, got {realisation}"),
        ));
    }
    Ok((seed as u64, realisation as u64))
}

/// `turbulence.region_km`, or the medium's default region.
fn region_km(t: &RawTurbulence, kind: &str, medium: &dyn Medium, err: ErrFn) -> Result<(f64, f64)> {
    match t.region_km.as_deref() {
        Some(&[Number(lo), Number(hi)]) if lo.is_finite() && hi.is_finite() && lo < hi => {
            Ok((lo, hi))
        }
        Some(given) => {
            let given: Vec<String> = given.iter().map(|x| x.0.to_string()).collect();
            Err(err(
                "turbulence.region_km",
                format!(
                    "must be [start, end] in km with start < end, got [{}]",
                    given.join(", ")
                ),
            ))
        }
        None => medium.turbulence_region_km().ok_or_else(|| {
            err(
                "turbulence.region_km",
                format!("is required for the {kind} medium (the default region is between the supernova's shocks, or the whole Sun)"),
            )
        }),
    }
}

/// `turbulence.edge_km` (a width > 0), or `default`.
fn edge_km(value: Option<Number>, default: f64, err: ErrFn) -> Result<f64> {
    match value {
        None => Ok(default),
        Some(Number(w)) if w.is_finite() && w > 0.0 => Ok(w),
        Some(Number(w)) => Err(err(
            "turbulence.edge_km",
            format!("must be a width > 0 in km, got {w}"),
        )),
    }
}

/// Whether `turbulence.b_perp` is an added field in gauss (`rms_gauss`) rather than a
/// relative fluctuation of the medium's own B⊥ (`amplitude`).
fn b_perp_is_additive(t: &RawTurbulence) -> bool {
    t.b_perp.is_some_and(|b| b.rms_gauss.is_some())
}

/// The number of realisations `[turbulence] realisations` asks for (1 without the table).
/// A whole float (`realisations = 4.0`) counts, as validation (`integer`) accepts it: read
/// as an integer only, it gave one realisation and no summary datasets, silently.
pub fn realisations(doc: &toml::Table) -> usize {
    doc.get("turbulence")
        .and_then(|t| t.get("realisations"))
        .and_then(|v| v.as_integer().or_else(|| v.as_float().and_then(whole)))
        .filter(|&k| k >= 1)
        .map_or(1, |k| k as usize)
}

/// The leading scan axis `turbulence.realisation` = 0..K when K > 1 realisations are asked
/// for (the file as written is validated before, so K is valid).
pub(super) fn realisation_axis(doc: &toml::Table) -> Option<ScanAxis> {
    let k = realisations(doc);
    (k > 1).then(|| ScanAxis {
        field: REALISATION_FIELD.into(),
        values: (0..k).map(|r| r as f64).collect(),
    })
}
