//! `[collective]`: a coupled neutrino–neutrino (single-angle bulb) run, validated apart from
//! [`super::validate`] (one call from there). The table gives the neutrinosphere radius and
//! what each species emits; the energy bins are the `[energy]` grid (equally spaced centres),
//! the track starts at or beyond R_ν, and the run layer solves all energies of a scan point
//! as one state ([`crate::run::coupled`]).
//!
//! ```toml
//! [collective]
//! r_nu_km = 10.0
//! nu_e    = { luminosity_erg_s = 1e51, mean_energy_mev = 10.0 }            # Fermi–Dirac, η = 0
//! nubar_e = { luminosity_erg_s = 1e51, mean_energy_mev = 15.0, eta = 2.0 } # degenerate FD
//! nu_x    = { luminosity_erg_s = 1e51, mean_energy_mev = 20.0, alpha = 3.0 } # pinched
//! nubar_x = { luminosity_erg_s = 1e51, mean_energy_mev = 20.0 }
//! method  = "auto"   # or "cf4", "afm": the coupled stepper (docs/collective.md)
//! ```
//!
//! Everything that cannot apply to a coupled run is refused here with the field that asks for
//! it: other solver methods than the Lie-group one, all-steps recording, `[arrival]`,
//! `[detector]`, observables beyond `flavour`, `[nsi]`.

use serde::Deserialize;

use super::error::ScenarioError;
use super::grid::Scale;
use super::number::{shown, Number};
use super::raw::RawScenario;
use super::word::Word;
use crate::basis::Nature;
use crate::collective::{Emission, SpeciesEmission, SpectrumShape};
use crate::evolve::Method;

type Result<T> = std::result::Result<T, ScenarioError>;

/// Makes an error about a dotted field (the checker's `err`).
type ErrFn<'a> = &'a dyn Fn(&str, String) -> ScenarioError;

/// The default local tolerance of the collective integrator when `[solver] rtol` is not given:
/// the library's [`crate::collective::LieOptions`] default. The global error of the
/// populations is ≈ 1e4 × tol on the bulb (docs/collective.md, "Accuracy at the default
/// tolerance"), so 1e-11 gives populations good to ≈ 2e-7; 1e-9 gave ≈ 1e-5.
pub const DEFAULT_TOL: f64 = 1e-11;

/// With `method = "auto"` the adiabatic-frame stepper runs from this many energy bins up
/// (where it applies). With fewer, its step's common work (the fine grid that resolves the
/// collective phase, shared by all bins) can outweigh what it saves on the per-bin work: at
/// tol 1e-6, R_ν → 25 km, 16 bins took 1.9 s against CF4's 1.2 s, 32 bins 1.6 s against
/// 2.4 s (BENCHMARKS.md, "Collective, stop 29").
pub const AUTO_AFM_MIN_BINS: usize = 32;

/// `[collective] method`: which stepper evolves the coupled state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CollectiveMethod {
    /// The adiabatic-frame stepper where it applies and pays (two flavours, Majorana, at
    /// least [`AUTO_AFM_MIN_BINS`] bins), else CF4. The default.
    Auto,
    /// CF4 from R_ν to the end.
    Cf4,
    /// The adiabatic-frame stepper from the start while the collective rate dominates, then
    /// CF4; an error where it does not apply.
    Afm,
}

impl CollectiveMethod {
    /// The scenario spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            CollectiveMethod::Auto => "auto",
            CollectiveMethod::Cf4 => "cf4",
            CollectiveMethod::Afm => "afm",
        }
    }
}

/// A validated `[collective]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct CollectiveSpec {
    /// R_ν and the four species' emission.
    pub emission: Emission,
    /// Local error tolerance of the CF4 step (`[solver] rtol`, default [`DEFAULT_TOL`]); the
    /// adiabatic-frame stepper's too (the same meaning per step).
    pub tol: f64,
    /// The stepper asked for (`method`, default `"auto"`).
    pub method: CollectiveMethod,
    /// Whether the run starts with the adiabatic-frame stepper: `method` resolved for the
    /// plan's flavours, nature and bins (a run may still find it not applicable to a scan
    /// point's problem under `"auto"`, and then uses CF4 alone).
    pub afm: bool,
}

impl CollectiveSpec {
    /// The stepper's name in the run summary and the `/solver` attribute `method`: `"cf4"`,
    /// or `"afm+cf4"` when the run starts with the adiabatic-frame stepper.
    pub fn stepper_name(&self) -> &'static str {
        if self.afm {
            "afm+cf4"
        } else {
            "cf4"
        }
    }
}

/// `[collective]`, as read: serde refuses unknown keys and values of the wrong type at their
/// line and column; what is required, and the ranges, are checked in `validate`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCollective {
    pub r_nu_km: Option<Number>,
    pub nu_e: Option<RawSpecies>,
    pub nubar_e: Option<RawSpecies>,
    pub nu_x: Option<RawSpecies>,
    pub nubar_x: Option<RawSpecies>,
    pub method: Option<Word<CollectiveMethod>>,
}

/// One species' `{ luminosity_erg_s, mean_energy_mev, eta | alpha }`.
#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a table { luminosity_erg_s = .., mean_energy_mev = .., eta = .. or alpha = .. }"
)]
pub struct RawSpecies {
    pub luminosity_erg_s: Option<Number>,
    pub mean_energy_mev: Option<Number>,
    pub eta: Option<Number>,
    pub alpha: Option<Number>,
}

/// `[collective]` of `raw`, or None without the table. Called before any other table is
/// consumed, so it sees what the user wrote (not the defaults filled in later).
pub(super) fn validate(raw: &RawScenario, err: ErrFn) -> Result<Option<CollectiveSpec>> {
    let Some(table) = &raw.collective else {
        return Ok(None);
    };
    let r_nu_km = positive_number(table.r_nu_km, "collective.r_nu_km", err)?;
    let species =
        |name: &str, v: Option<RawSpecies>| species(v, &format!("collective.{name}"), err);
    let emission = Emission {
        r_nu_km,
        nu_e: species("nu_e", table.nu_e)?,
        nubar_e: species("nubar_e", table.nubar_e)?,
        nu_x: species("nu_x", table.nu_x)?,
        nubar_x: species("nubar_x", table.nubar_x)?,
    };
    check_track(raw, r_nu_km, err)?;
    check_energy(raw, err)?;
    let tol = check_solver(raw, err)?;
    check_unsupported(raw, err)?;
    let method = table.method.map_or(CollectiveMethod::Auto, |w| w.0);
    let afm = check_method(raw, method, err)?;
    Ok(Some(CollectiveSpec {
        emission,
        tol,
        method,
        afm,
    }))
}

/// The number of energy bins as written (`values_mev` or `points`; 0 when neither is given,
/// which the `[energy]` check refuses later).
fn bins_written(raw: &RawScenario) -> usize {
    match (&raw.energy.values_mev, raw.energy.points) {
        (Some(values), _) => values.len(),
        (None, Some(points)) => usize::try_from(points).unwrap_or(0),
        (None, None) => 0,
    }
}

/// Whether the run starts with the adiabatic-frame stepper. `"afm"` is refused where the
/// method cannot apply (it follows polarisation vectors of two-flavour Majorana systems:
/// one 2×2 block per helicity, ν and ν̄ in one matrix); `"auto"` picks it where it applies and
/// the bins are many enough for it to pay.
fn check_method(raw: &RawScenario, method: CollectiveMethod, err: ErrFn) -> Result<bool> {
    let why_not = if raw.neutrino.flavours != 2 {
        Some("three flavours (it follows two-flavour polarisation vectors)")
    } else if raw.neutrino.nature.0 != Nature::Majorana {
        Some("Dirac neutrinos (it needs ν and ν̄ of a bin in one Majorana density matrix)")
    } else {
        None
    };
    match (method, why_not) {
        (CollectiveMethod::Cf4, _) => Ok(false),
        (CollectiveMethod::Afm, Some(why)) => Err(err(
            "collective.method",
            format!("cannot be \"afm\" with {why}: use \"cf4\" or \"auto\""),
        )),
        (CollectiveMethod::Afm, None) => Ok(true),
        (CollectiveMethod::Auto, why) => {
            Ok(why.is_none() && bins_written(raw) >= AUTO_AFM_MIN_BINS)
        }
    }
}

fn positive_number(v: Option<Number>, field: &str, err: ErrFn) -> Result<f64> {
    match v {
        None => Err(err(field, "is required".into())),
        Some(Number(x)) if x.is_finite() && x > 0.0 => Ok(x),
        Some(Number(x)) => Err(err(field, format!("must be > 0, got {}", shown(x)))),
    }
}

/// `{ luminosity_erg_s, mean_energy_mev, eta | alpha }`.
fn species(v: Option<RawSpecies>, field: &str, err: ErrFn) -> Result<SpeciesEmission> {
    let expected = "{ luminosity_erg_s = .., mean_energy_mev = .., eta = .. or alpha = .. }";
    let t = v.ok_or_else(|| err(field, format!("is required: {expected}")))?;
    let luminosity_erg_s = positive_number(
        t.luminosity_erg_s,
        &format!("{field}.luminosity_erg_s"),
        err,
    )?;
    let mean_energy_mev =
        positive_number(t.mean_energy_mev, &format!("{field}.mean_energy_mev"), err)?;
    let finite = |key: &str, v: Option<Number>| -> Result<Option<f64>> {
        match v {
            Some(Number(x)) if !x.is_finite() => Err(err(
                &format!("{field}.{key}"),
                format!("must be a finite number, got {x}"),
            )),
            v => Ok(v.map(|n| n.0)),
        }
    };
    let shape = match (finite("eta", t.eta)?, finite("alpha", t.alpha)?) {
        (Some(_), Some(_)) => return Err(err(
            &format!("{field}.alpha"),
            "cannot be combined with eta (give a Fermi–Dirac degeneracy eta or a pinching alpha)"
                .into(),
        )),
        // Beyond |η| ~ 30 the Fermi integrals' fixed quadrature loses digits.
        (Some(eta), None) if eta.abs() > 30.0 => {
            return Err(err(
                &format!("{field}.eta"),
                format!("must lie in [-30, 30], got {eta}"),
            ))
        }
        (Some(eta), None) => SpectrumShape::FermiDirac { eta },
        (None, Some(alpha)) if alpha <= -1.0 => {
            return Err(err(
                &format!("{field}.alpha"),
                format!("must be > -1 (a normalisable spectrum), got {alpha}"),
            ))
        }
        (None, Some(alpha)) => SpectrumShape::Pinched { alpha },
        (None, None) => SpectrumShape::FermiDirac { eta: 0.0 },
    };
    Ok(SpeciesEmission {
        luminosity_erg_s,
        mean_energy_mev,
        shape,
    })
}

/// The emitted state is the state at R_ν: the track must start there or beyond, explicitly.
fn check_track(raw: &RawScenario, r_nu_km: f64, err: ErrFn) -> Result<()> {
    let track = raw.track.as_ref();
    let Some(start) = track.and_then(|t| t.start_km) else {
        return Err(err(
            "track.start_km",
            format!("is required with [collective] (the emitted state is that at r_nu_km = {r_nu_km}; start there)"),
        ));
    };
    if start.is_finite() && start < r_nu_km {
        return Err(err(
            "track.start_km",
            format!("must be >= [collective] r_nu_km = {r_nu_km} (neutrinos are emitted there), got {start}"),
        ));
    }
    if let Some(super::unions::RawRecord::AllSteps) = track.and_then(|t| t.record.as_ref()) {
        return Err(err(
            "track.record",
            "cannot be \"all-steps\" with [collective] (give \"end\", { points = N } or { values_km = [...] })".into(),
        ));
    }
    Ok(())
}

/// The bins are the `[energy]` grid: equally spaced centres, each bin holding f(E) dE.
fn check_energy(raw: &RawScenario, err: ErrFn) -> Result<()> {
    let e = &raw.energy;
    if let Some(values) = &e.values_mev {
        if values.len() >= 2 {
            let width = values[1] - values[0];
            let uneven = values
                .windows(2)
                .map(|w| w[1] - w[0])
                .find(|d| !(*d > 0.0 && (d - width).abs() <= 1e-9 * width.abs()));
            if let Some(d) = uneven {
                return Err(err(
                    "energy.values_mev",
                    format!("must be increasing and equally spaced with [collective] (the bin centres), got spacings {width} and {d}"),
                ));
            }
        }
        return Ok(());
    }
    let got = match e.scale.map(|w| w.0) {
        Some(Scale::Linear) => return Ok(()),
        Some(Scale::Log) => "\"log\"",
        None => "the default \"log\"",
    };
    Err(err(
        "energy.scale",
        format!(
            "must be \"linear\" with [collective] (the energies are equally spaced bin centres), got {got}"
        ),
    ))
}

/// Only the Lie-group integrator fills P(s → j) from evolved amplitudes; `rtol` is its
/// tolerance.
fn check_solver(raw: &RawScenario, err: ErrFn) -> Result<f64> {
    let solver = raw.solver.as_ref();
    if let Some(method) = solver.and_then(|s| s.method).map(|w| w.0) {
        if method != Method::Magnus {
            return Err(err(
                "solver.method",
                format!("must be \"magnus\" with [collective] (the fourth-order commutator-free Lie-group step; DOP853 is the library's reference only), got \"{}\"", method.as_str()),
            ));
        }
    }
    match solver.and_then(|s| s.rtol) {
        None => Ok(DEFAULT_TOL),
        Some(tol) if (1e-13..=1e-3).contains(&tol) => Ok(tol),
        Some(tol) => Err(err(
            "solver.rtol",
            format!("must lie in [1e-13, 1e-3] with [collective], got {tol}"),
        )),
    }
}

fn check_unsupported(raw: &RawScenario, err: ErrFn) -> Result<()> {
    let refuse = |field: &str, what: &str| {
        Err(err(
            field,
            format!("{what} does not apply to a [collective] run (remove it)"),
        ))
    };
    if raw.arrival.is_some() {
        return refuse("arrival.", "[arrival]");
    }
    if raw.detector.is_some() {
        return refuse("detector.", "[detector]");
    }
    if raw.nsi.is_some() {
        return refuse("nsi.", "[nsi]");
    }
    if let Some(obs) = raw.output.as_ref().and_then(|o| o.observables.as_ref()) {
        if let Some(other) = obs.iter().find(|o| o.as_str() != "flavour") {
            return refuse(
                "output.observables",
                &format!("the observable \"{other}\" (only \"flavour\")"),
            );
        }
    }
    Ok(())
}
