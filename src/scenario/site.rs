//! `[arrival] site = { latitude_deg, inverse_square, livetime_file, chords, night_bins }`:
//! a detector site whose annual exposure in the Sun's zenith angle gives the night chords
//! (instead of listing them in `[arrival] earth`).
//!
//! - `latitude_deg` (in [−90, 90]) or `livetime_file` (a CSV of `cos_zenith,livetime` rows,
//!   a livetime density linear between rows, covering [−1, 1]): where the exposure comes
//!   from ([`crate::medium::exposure`]).
//! - `inverse_square` (default false): weight each moment of the year by 1/d² (the flux).
//! - `chords` (default 200): about this many night chords in all. The night probability
//!   oscillates in cos θ_z (Earth regeneration, ~25 periods across the night at 16 MeV), so
//!   the average needs several nodes per period: 48 leaves ±0.5 % wiggles in the ⁸B night
//!   P_ee above 8 MeV, 300 none visible.
//! - `night_bins` (default `"core-mantle"`): `"sk"` (Super-Kamiokande's mantle 1–5 and
//!   core) or `"core-mantle"`; `/observables/arrival_night_bins` reports each bin's
//!   exposure-weighted night.

use std::path::Path;

use serde::Deserialize;

use super::number::Number;
use super::word::Word;
use super::{EarthChord, NightBin};
use crate::medium::earth_model::{EarthGeometry, EarthShells};
use crate::medium::exposure::{named_bins, split_at_core, Exposure, ZenithDistribution};
use crate::medium::EarthMedium;
use crate::text_table::PairError;

/// What a site gives the run: the night chords and the named bins over them.
pub struct Site {
    pub chords: Vec<EarthChord>,
    pub bins: Vec<NightBin>,
}

/// `[arrival] site`, as read (serde refuses unknown keys and values of the wrong type at
/// their line and column).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSite {
    pub latitude_deg: Option<Number>,
    pub inverse_square: Option<bool>,
    pub livetime_file: Option<String>,
    pub chords: Option<Number>,
    pub night_bins: Option<Word<NightBins>>,
}

/// `night_bins`: the named night bins of [`named_bins`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NightBins {
    /// Super-Kamiokande's mantle 1–5 and core.
    Sk,
    CoreMantle,
}

impl NightBins {
    /// The scheme's name in [`named_bins`].
    fn name(self) -> &'static str {
        match self {
            NightBins::Sk => "sk",
            NightBins::CoreMantle => "core-mantle",
        }
    }
}

/// Validates `site` (the field `arrival.site`); errors are (field, message).
pub fn validate(table: &RawSite, base_dir: &Path) -> Result<Site, (String, String)> {
    let distribution = distribution(table, base_dir)?;
    let n = table.chords.map_or(200.0, |c| c.0);
    if !(2.0..=2000.0).contains(&n) || n.fract() != 0.0 {
        return Err((
            field("chords"),
            format!("must be a whole number in 2..=2000, got {n}"),
        ));
    }
    let scheme = table.night_bins.map_or(NightBins::CoreMantle, |w| w.0);
    let named = named_bins(scheme.name()).expect("every NightBins is a named scheme");
    night_chords(&distribution, &named, n as usize)
}

/// `arrival.site.<k>`.
fn field(k: &str) -> String {
    format!("arrival.site.{k}")
}

/// The site's exposure in cos θ_z: from `latitude_deg` (and `inverse_square`) or a
/// `livetime_file`.
fn distribution(table: &RawSite, base_dir: &Path) -> Result<ZenithDistribution, (String, String)> {
    let inverse_square = table.inverse_square.unwrap_or(false);
    Ok(match (table.latitude_deg, &table.livetime_file) {
        (Some(_), Some(_)) => {
            return Err((
                "arrival.site".into(),
                "give latitude_deg or livetime_file, not both".into(),
            ))
        }
        (None, None) => {
            return Err((
                field("latitude_deg"),
                "is required (or give livetime_file = \"livetime.csv\")".into(),
            ))
        }
        (Some(Number(lat)), None) => {
            if !(-90.0..=90.0).contains(&lat) {
                return Err((
                    field("latitude_deg"),
                    format!("must lie in [-90, 90], got {lat}"),
                ));
            }
            ZenithDistribution::Site(Exposure::new(lat, inverse_square, 2000))
        }
        (None, Some(name)) => {
            if inverse_square {
                return Err((
                    field("inverse_square"),
                    "applies to latitude_deg only (a livetime table already is the exposure)"
                        .into(),
                ));
            }
            livetime(&base_dir.join(name), name)?
        }
    })
}

/// `n` night chords drawn from `distribution` in the `named` night bins (split at the core
/// shadow), each bin with its exposure and the indices of its chords.
fn night_chords(
    distribution: &ZenithDistribution,
    named: &[(String, f64, f64)],
    n: usize,
) -> Result<Site, (String, String)> {
    let edges: Vec<(f64, f64)> = named.iter().map(|b| (b.1, b.2)).collect();
    let regions = split_at_core(&edges);
    let region_edges: Vec<(f64, f64)> = regions.iter().map(|r| r.0).collect();
    let night = distribution.cdf(0.0);
    let mut bins: Vec<NightBin> = named
        .iter()
        .map(|(name, lo, hi)| NightBin {
            name: name.clone(),
            cos_zenith: (*lo, *hi),
            exposure: distribution.cdf(*hi) - distribution.cdf(*lo),
            chords: Vec::new(),
        })
        .collect();
    let mut chords = Vec::new();
    // PREM is read once for all chords (`EarthMedium::new` reads it per chord).
    let prem = EarthShells::prem().map_err(|e| ("arrival.site".to_string(), e))?;
    for (cos_zenith, weight, region) in distribution.night_chords(&region_edges, n) {
        let medium = EarthMedium::with_model(&prem, &EarthGeometry::surface(cos_zenith));
        bins[regions[region].1].chords.push(chords.len());
        chords.push(EarthChord {
            cos_zenith,
            weight,
            medium,
        });
    }
    if chords.is_empty() {
        return Err((
            "arrival.site".into(),
            format!("the Sun never sets there (night fraction {night}): no night to average"),
        ));
    }
    Ok(Site { chords, bins })
}

/// A livetime table: `cos_zenith,livetime` rows (header row and `#` lines allowed),
/// cos θ_z increasing from −1 to 1, livetime ≥ 0.
fn livetime(path: &Path, name: &str) -> Result<ZenithDistribution, (String, String)> {
    let field = "arrival.site.livetime_file".to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        (
            field.clone(),
            format!("cannot read {}: {e}", path.display()),
        )
    })?;
    let bad = |line: usize, what: &str| (field.clone(), format!("{name}:{line}: {what}"));
    let rows = crate::text_table::pairs(&text, "cos_zenith").map_err(|(row, e)| match e {
        PairError::Columns => bad(row.line, "expected two columns cos_zenith,livetime"),
        PairError::NotNumbers => bad(row.line, "expected numbers"),
    })?;
    let (mut x, mut f) = (Vec::new(), Vec::new());
    for (row, c, w) in rows {
        if !(c.is_finite() && w.is_finite() && w >= 0.0) {
            return Err(bad(
                row.line,
                "needs a finite cos_zenith and a livetime >= 0",
            ));
        }
        if x.last().is_some_and(|&l| c <= l) {
            return Err(bad(row.line, "cos_zenith must increase"));
        }
        x.push(c);
        f.push(w);
    }
    if x.len() < 2 || x[0] != -1.0 || x[x.len() - 1] != 1.0 {
        return Err((
            field,
            format!(
                "{name}: the rows must cover cos_zenith in [-1, 1] (first row -1, last row 1), got [{}, {}]",
                x.first().copied().unwrap_or(f64::NAN),
                x.last().copied().unwrap_or(f64::NAN)
            ),
        ));
    }
    Ok(ZenithDistribution::Table {
        cos_zenith: x,
        density: f,
    })
}
