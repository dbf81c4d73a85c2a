//! Two output files of one run compared: every dataset bit for bit, and the header apart
//! from what legitimately differs (`created_utc`, `command`).

use nuspin::output::{OutputFile, RunHeader};

pub fn comparable(h: &RunHeader) -> RunHeader {
    RunHeader {
        created_utc: String::new(),
        command: String::new(),
        ..h.clone()
    }
}

pub fn bits(values: impl IntoIterator<Item = f64>) -> Vec<u64> {
    values.into_iter().map(f64::to_bits).collect()
}

/// Every dataset bit for bit, and the header apart from `created_utc` and `command`.
pub fn assert_same_run(a: &OutputFile, b: &OutputFile) {
    assert_eq!(comparable(&a.header), comparable(&b.header));
    assert_eq!(a.complete, b.complete);
    assert_eq!(a.energy_done, b.energy_done);
    assert_eq!(
        bits(a.probability.iter().copied()),
        bits(b.probability.iter().copied())
    );
    let amplitudes = |f: &OutputFile| {
        f.amplitude
            .as_ref()
            .map(|a| bits(a.iter().flat_map(|c| [c.re, c.im])))
    };
    assert_eq!(amplitudes(a), amplitudes(b));
    assert_eq!(a.steps, b.steps);
    assert_eq!(a.rejected, b.rejected);
    assert_eq!(
        bits(a.unitarity_error.clone()),
        bits(b.unitarity_error.clone())
    );
    assert_eq!(a.extras.len(), b.extras.len());
    for (x, y) in a.extras.iter().zip(&b.extras) {
        assert_eq!(bits(x.iter().copied()), bits(y.iter().copied()));
    }
    assert_eq!(a.derived.len(), b.derived.len());
    for (x, y) in a.derived.iter().zip(&b.derived) {
        assert_eq!(x.path, y.path);
        assert_eq!(bits(x.values.clone()), bits(y.values.clone()));
    }
}
