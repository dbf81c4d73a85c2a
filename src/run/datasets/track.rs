//! Scans that change the track (`"medium.cos_zenith"`, `"track.end_km"`, a production height,
//! ...): every scan point keeps its own track and breakpoints, and the record positions of
//! each point are written to `/track/x_km` `[scan..., nX]` (with `/track/start_km` and
//! `/track/end_km` `[scan...]`). `/x_km` stays the positions of the scenario as written.

use crate::output::DerivedDataset;

use crate::evolve::Record;
use crate::scenario::Scenario;

/// Whether the scan points of `scenario` differ in their track.
pub fn changes_track(scenario: &Scenario) -> bool {
    let (s0, e0) = (scenario.start_km, scenario.end_km);
    (0..scenario.n_scan_points()).any(|s| {
        let p = scenario.scan_point(s);
        p.start_km != s0 || p.end_km != e0
    })
}

/// The record positions of one scan point: the `[nX]` of `/x_km` (for all-steps, the end).
pub fn record_positions_km(point: &Scenario) -> Vec<f64> {
    match &point.record {
        Record::Points(xs) => xs.clone(),
        Record::End | Record::AllSteps => vec![point.end_km],
    }
}

/// `/track/x_km`, `/track/start_km` and `/track/end_km` when the scan changes the track; none
/// otherwise.
pub fn derived_datasets(scenario: &Scenario) -> Vec<DerivedDataset> {
    if !changes_track(scenario) {
        return Vec::new();
    }
    let shape: Vec<usize> = scenario
        .scan_axes()
        .iter()
        .map(|a| a.values.len())
        .collect();
    let n = scenario.n_scan_points();
    let points = (0..n).map(|s| scenario.scan_point(s));
    let x: Vec<f64> = points.clone().flat_map(record_positions_km).collect();
    let n_x = x.len() / n.max(1);
    let dataset = |name: &str, shape: Vec<usize>, values: Vec<f64>, what: &str| DerivedDataset {
        path: format!("track/{name}"),
        unit: "km".into(),
        description: what.into(),
        shape,
        values,
        f64_attrs: Vec::new(),
        text_attrs: Vec::new(),
    };
    let mut x_shape = shape.clone();
    x_shape.push(n_x);
    vec![
        dataset(
            "x_km",
            x_shape,
            x,
            "record positions of each scan point [scan..., nX] (the scan changes the track; /x_km holds the scenario as written)",
        ),
        dataset(
            "start_km",
            shape.clone(),
            points.clone().map(|p| p.start_km).collect(),
            "start of each scan point's track [scan...]",
        ),
        dataset(
            "end_km",
            shape,
            points.map(|p| p.end_km).collect(),
            "end of each scan point's track [scan...]",
        ),
    ]
}
