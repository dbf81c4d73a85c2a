//! `nuspin inspect FILE.h5`: what an output file holds and a probability table at one energy
//! and position, so users can look without Python. Reads `.h5.partial` files too.

use super::InspectArgs;
use crate::error::Error;
use crate::output::{read_output, OutputFile};

/// Index of the grid value nearest to `target` (the last one when `target` is None).
fn nearest(grid: &[f64], target: Option<f64>) -> usize {
    match target {
        None => grid.len().saturating_sub(1),
        Some(t) => grid
            .iter()
            .enumerate()
            .min_by(|a, b| (a.1 - t).abs().total_cmp(&(b.1 - t).abs()))
            .map(|(i, _)| i)
            .unwrap_or(0),
    }
}

/// The text `nuspin inspect` prints.
pub fn describe(file: &OutputFile, energy_mev: Option<f64>, x_km: Option<f64>) -> String {
    let mut out = summary(file);
    out += &datasets(file);
    if !file.header.energy_mev.is_empty() {
        out += &probability_table(file, energy_mev, x_km);
    }
    out
}

/// What the file holds: scenario, completeness, scan, grids, states and solver.
fn summary(file: &OutputFile) -> String {
    let h = &file.header;
    let done = file.energy_done.iter().filter(|&&d| d == 1).count();
    let mut out = String::new();
    let e = &h.energy_mev;
    out += &format!(
        "file:        {}{}\n",
        file.path.display(),
        if file.is_partial { " (partial)" } else { "" }
    );
    out += &format!("scenario:    {}\n", h.scenario_name);
    out += &format!(
        "created:     {} by nuspin {}\n",
        h.created_utc, h.nuspin_version
    );
    out += &format!(
        "complete:    {} ({done} of {} grid points done)\n",
        if file.complete { "yes" } else { "no" },
        h.n_grid()
    );
    if let Some((k, n)) = h.shard {
        out += &format!("shard:       {k} of {n}\n");
    }
    for axis in &h.scan {
        out += &format!(
            "scan:        {} over {} values from {:e} to {:e}\n",
            axis.field,
            axis.values.len(),
            axis.values.first().copied().unwrap_or(f64::NAN),
            axis.values.last().copied().unwrap_or(f64::NAN)
        );
    }
    if let (Some(first), Some(last)) = (e.first(), e.last()) {
        out += &format!("energies:    {} from {first} to {last} MeV\n", e.len());
    }
    out += &format!(
        "positions:   {} from {} to {} km\n",
        h.x_km.len(),
        h.x_km.first().copied().unwrap_or(f64::NAN),
        h.x_km.last().copied().unwrap_or(f64::NAN)
    );
    out += &format!("initial:     {}\n", h.initial_states.join(", "));
    out += &format!("final:       {}\n", h.final_states.join(", "));
    out += &format!(
        "solver:      {} (rtol {:e}, atol {:e})\n",
        h.solver_method, h.rtol, h.atol
    );
    out
}

/// One line per dataset beyond the probabilities, with the derived datasets' attributes.
fn datasets(file: &OutputFile) -> String {
    let mut out = String::new();
    for x in &file.header.extras {
        out += &format!(
            "dataset:     /{} {:?} per grid point [{}]: {}\n",
            x.path, x.shape, x.unit, x.description
        );
    }
    for d in &file.derived {
        out += &format!(
            "dataset:     /{} {:?} [{}]: {}\n",
            d.path, d.shape, d.unit, d.description
        );
        for (key, value) in &d.f64_attrs {
            out += &format!("             {key} = {value}\n");
        }
        for (key, value) in &d.text_attrs {
            out += &format!("             {key}: {value}\n");
        }
    }
    out
}

/// P(initial -> final) at one grid point and position, with its step counts.
fn probability_table(file: &OutputFile, energy_mev: Option<f64>, x_km: Option<f64>) -> String {
    let h = &file.header;
    let e = &h.energy_mev;
    let mut out = String::new();
    // Default: the last grid point that finished (a partial file may not have the last
    // one); with an energy given, the nearest energy at that scan point.
    let last_done = file.energy_done.iter().rposition(|&d| d == 1);
    let n_e = e.len();
    let ie = match (energy_mev, last_done) {
        (None, Some(g)) => g,
        (_, g) => g.map_or(0, |g| g - g % n_e) + nearest(e, energy_mev),
    };
    let ix = nearest(&h.x_km, x_km);
    let mut at_scan = String::new();
    let mut rest = ie / n_e;
    for axis in h.scan.iter().rev() {
        let n = axis.values.len();
        at_scan = format!(", {} = {:e}{at_scan}", axis.field, axis.values[rest % n]);
        rest /= n;
    }
    out += &format!(
        "\nP(initial -> final) at E = {} MeV, x = {} km{at_scan}{}:\n",
        e[ie % n_e],
        h.x_km[ix],
        if file.energy_done[ie] == 1 {
            ""
        } else {
            " (not computed)"
        }
    );
    let width = h
        .final_states
        .iter()
        .map(|s| s.len())
        .max()
        .unwrap_or(8)
        .max(12);
    out += &format!("{:>width$}", "");
    for f in &h.final_states {
        out += &format!(" {f:>width$}");
    }
    out += "\n";
    for (ii, init) in h.initial_states.iter().enumerate() {
        out += &format!("{init:>width$}");
        for j in 0..h.final_states.len() {
            out += " ";
            out += &super::format::probability(file.probability[[ie, ix, ii, j]], width);
        }
        out += "\n";
    }
    out += &format!(
        "steps: {} accepted, {} rejected; unitarity error {:.1e}\n",
        file.steps[ie], file.rejected[ie], file.unitarity_error[ie]
    );
    out
}

/// Runs `nuspin inspect`.
pub fn execute(args: &InspectArgs) -> Result<(), Error> {
    for (flag, value) in [("--energy-mev", args.energy_mev), ("--x-km", args.x_km)] {
        if let Some(v) = value.filter(|v| !v.is_finite()) {
            return Err(Error::usage(format!(
                "{flag}: expected a finite number, got {v}"
            )));
        }
    }
    let file = read_output(&args.file).map_err(Error::input)?;
    print!("{}", describe(&file, args.energy_mev, args.x_km));
    Ok(())
}
