//! `[detector] deuterons = N`: ν_e CC on deuterium (ν_e + d → p + p + e⁻) as a second
//! day/night channel next to ν–e scattering, with N target deuterons multiplying the CC
//! electron spectra. It needs the flux (`flux_file`) the ν–e spectra are folded over, and it
//! uses the same recoil grid (electron kinetic energy) and `response`.

use super::ScenarioError;

type Result<T> = std::result::Result<T, ScenarioError>;

/// Validates `deuterons`; `err(field, message)` builds an error about `detector.<field>`.
pub(crate) fn validate(
    deuterons: Option<f64>,
    has_flux: bool,
    err: &dyn Fn(&str, String) -> ScenarioError,
) -> Result<Option<f64>> {
    let Some(n) = deuterons else {
        return Ok(None);
    };
    if !(n.is_finite() && n > 0.0) {
        return Err(err(
            "deuterons",
            format!("must be a finite number of target deuterons > 0, got {n}"),
        ));
    }
    if !has_flux {
        return Err(err(
            "deuterons",
            "folds nu_e CC on deuterium over the flux; give flux_file as well".into(),
        ));
    }
    Ok(Some(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(field: &str, message: String) -> ScenarioError {
        ScenarioError::new(
            std::path::Path::new("s.toml"),
            format!("detector.{field}"),
            message,
        )
    }

    #[test]
    fn bad_counts_and_a_missing_flux_are_refused_with_the_field_named() {
        assert_eq!(validate(None, false, &err).unwrap(), None);
        assert_eq!(validate(Some(2.0e31), true, &err).unwrap(), Some(2.0e31));
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let e = validate(Some(bad), true, &err).unwrap_err().to_string();
            assert!(
                e.contains("s.toml: [detector] deuterons") && e.contains("> 0"),
                "{e}"
            );
        }
        let e = validate(Some(1.0), false, &err).unwrap_err().to_string();
        assert!(
            e.contains("s.toml: [detector] deuterons") && e.contains("flux_file"),
            "{e}"
        );
    }
}
