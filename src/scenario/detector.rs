//! `[detector]`: the recoil grid, the neutrino flux at the detector, the target and the
//! electromagnetic parameters of ν–e scattering, validated into a [`DetectorSpec`] that
//! the run layer turns into `/detector/...` datasets (plain data: the detector physics never
//! sees this type).

use std::path::{Path, PathBuf};

use super::grid::{range_grid, Range, RangeFields, Scale};
use super::raw::RawDetector;
use super::ScenarioError;
use crate::basis::Flavours;
use crate::flux::FluxTable;

type Result<T> = std::result::Result<T, ScenarioError>;

/// The flux at the detector: `flux_file` × `flux_scale`.
#[derive(Debug, Clone, PartialEq)]
pub struct FluxSpec {
    /// The file as written in the scenario (relative to the scenario's folder).
    pub file: String,
    /// The multiplier applied to the file's values.
    pub scale: f64,
    /// The scaled table (cm⁻² s⁻¹ MeV⁻¹ by convention).
    pub table: FluxTable,
}

/// A validated `[detector]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct DetectorSpec {
    /// Electron recoil energies T (MeV), increasing, > 0.
    pub recoil_mev: Vec<f64>,
    /// `None`: no folded spectra, only the per-energy (monochromatic) dσ/dT.
    pub flux: Option<FluxSpec>,
    /// Target electrons multiplying the folded spectra (1: per electron).
    pub electrons: f64,
    /// Neutrino millicharge in units of e.
    pub millicharge_e: f64,
    /// Charge radii ⟨r²_ν_ℓ⟩ (e, μ, τ) in cm².
    pub charge_radius_cm2: [f64; 3],
    /// The energy response of the day/night spectra and rates.
    pub response: super::detector_response::ResponseSpec,
    /// Target deuterons of the ν_e CC channel (`None`: no CC datasets).
    pub deuterons: Option<f64>,
}

impl DetectorSpec {
    /// What must agree between scan points for the detector datasets to share a shape: the
    /// recoil grid and the flux table's energies.
    pub fn grid_key(&self) -> (Vec<f64>, Option<Vec<f64>>) {
        (
            self.recoil_mev.clone(),
            self.flux.as_ref().map(|f| f.table.energy_mev().to_vec()),
        )
    }
}

type Err<'a> = &'a dyn Fn(&str, String) -> ScenarioError;

/// Validates `[detector]`. `err(field, message)` builds an error about `detector.<field>`;
/// `base_dir` resolves `flux_file`; the energy grid must overlap the flux table.
pub(crate) fn validate(
    raw: RawDetector,
    base_dir: &Path,
    flavours: Flavours,
    energies_mev: &[f64],
    err: Err,
) -> Result<DetectorSpec> {
    let recoil_mev = recoil_grid(&raw, err)?;
    let flux = match raw.flux_file {
        None if raw.flux_scale.is_some() => {
            return Err(err(
                "flux_scale",
                "scales flux_file; give flux_file as well".into(),
            ));
        }
        None => None,
        Some(file) => Some(flux(file, raw.flux_scale, base_dir, energies_mev, err)?),
    };
    let electrons = positive("electrons", raw.electrons.unwrap_or(1.0), err)?;
    let millicharge_e = finite("millicharge_e", raw.millicharge_e.unwrap_or(0.0), err)?;
    let mut charge_radius_cm2 = [0.0; 3];
    if let Some(r) = raw.charge_radius_cm2 {
        if r.tau.is_some() && flavours == Flavours::Two {
            return Err(err(
                "charge_radius_cm2.tau",
                "there is no tau with flavours = 2 (give e and mu)".into(),
            ));
        }
        for (k, (name, v)) in [("e", r.e), ("mu", r.mu), ("tau", r.tau)]
            .into_iter()
            .enumerate()
        {
            let field = format!("charge_radius_cm2.{name}");
            charge_radius_cm2[k] = finite(&field, v.unwrap_or(0.0), err)?;
        }
    }
    let response = super::detector_response::validate(raw.response, err)?;
    let deuterons = super::detector_deuteron::validate(raw.deuterons, flux.is_some(), err)?;
    Ok(DetectorSpec {
        response,
        recoil_mev,
        flux,
        electrons,
        millicharge_e,
        charge_radius_cm2,
        deuterons,
    })
}

fn positive(field: &str, x: f64, err: Err) -> Result<f64> {
    if x.is_finite() && x > 0.0 {
        Ok(x)
    } else {
        Err(err(field, format!("must be a finite number > 0, got {x}")))
    }
}

fn finite(field: &str, x: f64, err: Err) -> Result<f64> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(err(field, format!("must be a finite number, got {x}")))
    }
}

/// `recoil_min_mev`, `recoil_max_mev`, `recoil_points`, `recoil_scale`: the recoil grid.
fn recoil_grid(raw: &RawDetector, err: Err) -> Result<Vec<f64>> {
    let need = |field: &str, v: Option<f64>| {
        v.ok_or_else(|| {
            err(
                field,
                "is required (the recoil grid: recoil_min_mev, recoil_max_mev, recoil_points)"
                    .into(),
            )
        })
    };
    let min = positive(
        "recoil_min_mev",
        need("recoil_min_mev", raw.recoil_min_mev)?,
        err,
    )?;
    let max = positive(
        "recoil_max_mev",
        need("recoil_max_mev", raw.recoil_max_mev)?,
        err,
    )?;
    let points = raw.recoil_points.ok_or_else(|| {
        err(
            "recoil_points",
            "is required (the number of recoil energies)".into(),
        )
    })?;
    let scale = raw.recoil_scale.map_or(Scale::Log, |w| w.0);
    let names = RangeFields {
        min: "recoil_min_mev",
        max: "recoil_max_mev",
        points: "recoil_points",
    };
    let range = Range {
        scale,
        min,
        max,
        points,
    };
    range_grid(range, names, 100_000).map_err(|(f, m)| err(&f, m))
}

/// `flux_file` × `flux_scale`: the table must overlap the `[energy]` grid.
fn flux(
    file: String,
    scale: Option<f64>,
    base_dir: &Path,
    energies_mev: &[f64],
    err: Err,
) -> Result<FluxSpec> {
    if file.trim().is_empty() {
        return Err(err("flux_file", "must not be empty".into()));
    }
    let scale = positive("flux_scale", scale.unwrap_or(1.0), err)?;
    let path: PathBuf = base_dir.join(&file);
    let table = FluxTable::from_path(&path)
        .map_err(|e| err("flux_file", format!("{e} (expected rows E_MeV, flux)")))?;
    let e = table.energy_mev();
    let (lo, hi) = (e[0], e[e.len() - 1]);
    let grid_lo = energies_mev.iter().copied().fold(f64::INFINITY, f64::min);
    let grid_hi = energies_mev.iter().copied().fold(0.0, f64::max);
    if table.clipped(grid_lo, grid_hi).is_none() {
        return Err(err(
            "flux_file",
            format!(
                "the table spans [{lo}, {hi}] MeV but the [energy] grid [{grid_lo}, {grid_hi}] MeV \
                 does not overlap it: the folded spectrum needs evolved states over the flux's \
                 energies (give an [energy] grid of at least two points across the table)"
            ),
        ));
    }
    Ok(FluxSpec {
        file,
        scale,
        table: table.scaled(scale),
    })
}
