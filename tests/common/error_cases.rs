//! The shared scenario-error cases of `tests/data/scenario_errors.toml` (also read by
//! python/tests/test_errors.py): a base scenario, per case the edits that break it and the
//! parts the error message must contain.

use std::path::Path;

/// One bad scenario and what its message must say.
pub struct ErrorCase {
    pub id: String,
    /// The whole scenario text (to be saved as `t.toml`).
    pub text: String,
    pub parts: Vec<String>,
}

fn strings(value: Option<&toml::Value>) -> Vec<String> {
    value
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .map(|s| s.as_str().expect("a string").to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn table() -> toml::Table {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/scenario_errors.toml");
    std::fs::read_to_string(path)
        .unwrap()
        .parse()
        .expect("tests/data/scenario_errors.toml is TOML")
}

/// The valid scenario every case breaks (two-flavour Dirac, a constant medium, 1000 km).
pub fn base() -> String {
    table()["base"].as_str().expect("base").to_string()
}

/// Every case of the table, edits applied.
pub fn error_cases() -> Vec<ErrorCase> {
    let table = table();
    let base = table["base"].as_str().expect("base").to_string();
    let cases = table["case"].as_array().expect("[[case]]");
    cases
        .iter()
        .map(|case| {
            let id = case["id"].as_str().expect("id").to_string();
            let mut text = base.clone();
            for edit in case
                .get("edits")
                .and_then(|e| e.as_array())
                .into_iter()
                .flatten()
            {
                let pair = strings(Some(edit));
                assert!(
                    text.contains(&pair[0]),
                    "{id}: `{}` not in the scenario",
                    pair[0]
                );
                text = text.replacen(&pair[0], &pair[1], 1);
            }
            if let Some(extra) = case.get("append") {
                text += extra.as_str().expect("append is a string");
            }
            let parts = strings(case.get("parts"));
            assert!(!parts.is_empty(), "{id}: no parts");
            ErrorCase { id, text, parts }
        })
        .collect()
}
