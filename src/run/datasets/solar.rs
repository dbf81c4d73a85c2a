//! Provenance of a solar run, `/solar/total_flux`: the model's total flux of every source
//! (cm⁻² s⁻¹; NaN for the exponential Sun, which has none) with text attributes naming the
//! solar model, its citation and tables, and how the production point was chosen (the
//! model's production table, the Gaussian approximation, or one radius).

use crate::medium::sun_b16::{citation, total_fluxes};
use crate::medium::SolarSource;
use crate::output::DerivedDataset;
use crate::scenario::Scenario;

/// `/solar/total_flux`.
pub const SOLAR_TOTAL_FLUX: &str = "solar/total_flux";

/// The provenance dataset of a solar scenario (none for other media).
pub fn solar_datasets(scenario: &Scenario) -> Vec<DerivedDataset> {
    let Some(sun) = scenario.medium.as_solar() else {
        return Vec::new();
    };
    let model = sun.model();
    let production = match &scenario.arrival.production {
        Some(starts) => format!("[arrival] production: {} start points", starts.len()),
        None => sun.production_provenance(),
    };
    let names: Vec<&str> = SolarSource::ALL.iter().map(|s| s.name()).collect();
    vec![DerivedDataset {
        path: SOLAR_TOTAL_FLUX.into(),
        unit: "cm^-2 s^-1".into(),
        description: format!(
            "total flux at 1 AU of each source of the solar model [{}]; sources: {}",
            names.len(),
            names.join(", ")
        ),
        shape: vec![names.len()],
        values: total_fluxes(model).map_or_else(|| vec![f64::NAN; names.len()], |f| f.to_vec()),
        f64_attrs: Vec::new(),
        text_attrs: vec![
            ("solar_model".into(), model.name().into()),
            ("citation".into(), citation(model).into()),
            ("production".into(), production),
        ],
    }]
}
