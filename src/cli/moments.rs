//! `nuspin moments`: the minimally extended Standard Model's moment matrix for a mixing preset
//! and lightest mass, the radiative decay rates and lifetimes it implies, and the published
//! bounds to compare a scenario's μ with (library: [`crate::detector::sm_moments`],
//! [`crate::detector::bounds`]).

use std::fmt::Write as _;

use num_complex::Complex64;

use crate::basis::Nature;
use crate::detector::bounds::BOUNDS;
use crate::detector::sm_moments::{
    sm_electric_moments_mu_b, sm_moments_mu_b, sm_radiative_decay_rate_per_s,
};
use crate::error::Error;
use crate::mixing::{Mixing, Preset};

/// Largest `--lightest-mass-ev` accepted, eV.
const MAX_LIGHTEST_MASS_EV: f64 = 10.0;

/// Arguments of `nuspin moments`.
#[derive(Debug, clap::Args)]
pub struct MomentsArgs {
    /// Mixing preset (nufit-5.2-no or nufit-5.2-io).
    #[arg(long, default_value = "nufit-5.2-no")]
    pub preset: String,
    /// Lightest neutrino mass in eV.
    #[arg(long, default_value_t = 0.0)]
    pub lightest_mass_ev: f64,
    /// dirac or majorana.
    #[arg(long, default_value = "dirac")]
    pub nature: String,
    /// Majorana phases α21,α31 in degrees (majorana only; default 0,0).
    #[arg(long, value_delimiter = ',', allow_hyphen_values = true)]
    pub majorana_phases_deg: Vec<f64>,
    /// Mass matrix M in eV, row by row: 9 real entries, or 18 numbers (re,im pairs); replaces
    /// the preset, and prints the masses, ordering, PMNS matrix and PDG parameters it gives.
    #[arg(long, value_delimiter = ',', allow_hyphen_values = true)]
    pub mass_matrix_ev: Vec<f64>,
}

/// Seconds per year (Julian), for lifetimes.
const SECONDS_PER_YEAR: f64 = 3.15576e7;

/// Runs `nuspin moments` and prints the report.
pub fn execute(args: &MomentsArgs) -> Result<(), Error> {
    print!("{}", report(args)?);
    Ok(())
}

/// The report `nuspin moments` prints.
pub fn report(args: &MomentsArgs) -> Result<String, Error> {
    let (preset, nature) = checked_args(args)?;
    let phases = &args.majorana_phases_deg;
    let mixing = if args.mass_matrix_ev.is_empty() {
        Mixing::from_preset(preset, args.lightest_mass_ev, phases)
            .map_err(|e| Error::usage(format!("--lightest-mass-ev: {e}")))?
    } else {
        mass_matrix_mixing(args, nature)?
    };
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_masses(&mut out, args, &mixing);
    let _ = write_moments_and_decays(&mut out, &mixing, nature);
    let _ = write_bounds(&mut out);
    Ok(out)
}

/// The preset and nature of `args`, once every option is checked.
fn checked_args(args: &MomentsArgs) -> Result<(Preset, Nature), Error> {
    let preset = Preset::from_name(&args.preset).ok_or_else(|| {
        let names: Vec<&str> = Preset::ALL.iter().map(|(n, _)| *n).collect();
        Error::usage(format!(
            "--preset: unknown preset `{}`; expected one of {}",
            args.preset,
            names.join(", ")
        ))
    })?;
    let nature = match args.nature.as_str() {
        "dirac" => Nature::Dirac,
        "majorana" => Nature::Majorana,
        other => {
            return Err(Error::usage(format!(
                "--nature: expected `dirac` or `majorana`, got `{other}`"
            )))
        }
    };
    let phases = &args.majorana_phases_deg;
    if nature == Nature::Dirac && !phases.is_empty() {
        return Err(Error::usage(
            "--majorana-phases-deg: applies only to --nature majorana",
        ));
    }
    if !(phases.is_empty() || phases.len() == 2) || phases.iter().any(|p| !p.is_finite()) {
        return Err(Error::usage(format!(
            "--majorana-phases-deg: expected two finite angles a21,a31 in degrees, got {phases:?}"
        )));
    }
    // Beyond a few eV the mass scale is excluded many times over (KATRIN: m < 0.45 eV at
    // 90 % CL, arXiv:2406.13516), and 1e30 eV would only print overflowed rates.
    let m = args.lightest_mass_ev;
    if !(0.0..=MAX_LIGHTEST_MASS_EV).contains(&m) {
        return Err(Error::usage(format!(
            "--lightest-mass-ev: must be in [0, {MAX_LIGHTEST_MASS_EV}] eV (the laboratory bound is 0.45 eV), got {m:e}"
        )));
    }
    Ok((preset, nature))
}

/// The title line, the masses and, for a mass matrix, what it gives.
fn write_masses(w: &mut String, args: &MomentsArgs, mixing: &Mixing) -> std::fmt::Result {
    let phase_text = match args.majorana_phases_deg.as_slice() {
        [a, b] => format!("Majorana phases {a}, {b} deg"),
        _ => "Majorana phases 0".to_string(),
    };
    if mixing.mass_matrix().is_some() {
        writeln!(
            w,
            "Minimally extended SM, {} neutrinos, mixing from --mass-matrix-ev",
            args.nature
        )?;
    } else {
        writeln!(
            w,
            "Minimally extended SM, {} neutrinos, {} ({phase_text}), lightest mass {} eV",
            args.nature, args.preset, args.lightest_mass_ev
        )?;
    }
    let m = mixing.masses_ev();
    writeln!(
        w,
        "masses (eV): m1 = {:.4e}, m2 = {:.4e}, m3 = {:.4e}",
        m[0], m[1], m[2]
    )?;
    if let Some(fit) = mixing.mass_matrix() {
        write!(w, "{}", crate::mass_matrix::report_lines(fit))?;
    }
    Ok(())
}

/// The magnetic and electric moment matrices and the radiative decays they cause.
fn write_moments_and_decays(w: &mut String, mixing: &Mixing, nature: Nature) -> std::fmt::Result {
    let mu = sm_moments_mu_b(mixing, nature);
    let eps = sm_electric_moments_mu_b(mixing, nature);
    for (title, matrix) in [
        ("magnetic moments mu_ij", &mu),
        ("electric moments eps_ij", &eps),
    ] {
        writeln!(w, "\n{title} (mass basis, mu_B; re + im i):")?;
        for i in 0..3 {
            let row: Vec<String> = (0..3)
                .map(|j| {
                    // Adding 0.0 turns −0.0 into +0.0 for the printout.
                    let (re, im) = (matrix[(i, j)].re + 0.0, matrix[(i, j)].im + 0.0);
                    format!("{re:>10.3e} {im:+10.3e}i")
                })
                .collect();
            writeln!(w, "  {}", row.join("   "))?;
        }
    }
    writeln!(
        w,
        "\nradiative decays nu_i -> nu_j gamma (mu_eff^2 = |mu_ij|^2 + |eps_ij|^2):"
    )?;
    writeln!(
        w,
        "  {:<6} {:>12} {:>12} {:>12}",
        "decay", "mu_eff/mu_B", "rate (1/s)", "lifetime (yr)"
    )?;
    let m = mixing.masses_ev();
    for i in 0..3 {
        for j in 0..3 {
            if m[i] > m[j] {
                let mu_eff = (mu[(i, j)].norm_sqr() + eps[(i, j)].norm_sqr()).sqrt();
                let rate = sm_radiative_decay_rate_per_s(mixing, nature, i, j);
                let life = if rate > 0.0 {
                    format!("{:.3e}", 1.0 / rate / SECONDS_PER_YEAR)
                } else {
                    "stable".to_string()
                };
                writeln!(
                    w,
                    "  {:<6} {:>12.3e} {:>12.3e} {:>12}",
                    format!("{}->{}", i + 1, j + 1),
                    mu_eff,
                    rate,
                    life
                )?;
            }
        }
    }
    Ok(())
}

/// The published upper limits on the moment.
fn write_bounds(w: &mut String) -> std::fmt::Result {
    writeln!(w, "\npublished upper limits on mu_nu (mu_B):")?;
    for b in BOUNDS {
        writeln!(
            w,
            "  {:<34} {:>8.1e}  {:<26} {}",
            b.experiment, b.mu_b, b.confidence, b.reference
        )?;
    }
    Ok(())
}

/// The mixing of `--mass-matrix-ev` (the other mixing options must be left at their defaults).
fn mass_matrix_mixing(args: &MomentsArgs, nature: Nature) -> Result<Mixing, Error> {
    if args.lightest_mass_ev != 0.0 || !args.majorana_phases_deg.is_empty() {
        return Err(Error::usage(
            "--mass-matrix-ev: fixes the masses and phases; drop --lightest-mass-ev and \
             --majorana-phases-deg"
                .to_string(),
        ));
    }
    let v = &args.mass_matrix_ev;
    let m = match v.len() {
        9 => crate::mixing::FlavourMatrix::from_fn(|r, c| Complex64::new(v[3 * r + c], 0.0)),
        18 => crate::mixing::FlavourMatrix::from_fn(|r, c| {
            Complex64::new(v[6 * r + 2 * c], v[6 * r + 2 * c + 1])
        }),
        n => {
            return Err(Error::usage(format!(
                "--mass-matrix-ev: expected 9 real entries or 18 numbers (re,im pairs) row by \
                 row, got {n}"
            )))
        }
    };
    let fit = crate::mass_matrix::fit_mass_matrix(&m, nature)
        .map_err(|e| Error::usage(format!("--mass-matrix-ev: {e}")))?;
    Ok(Mixing::from_mass_matrix_fit(fit))
}
