//! Chords through piecewise-constant media as (length, layer) segments over a set of
//! distinct layers (see the parent module).

use std::collections::HashMap;

use super::NO_LINK;
use crate::evolve::options::EvolveError;
use crate::medium::{Medium, MediumPoint, PresentQuantities, Side};

/// One chord: consecutive (length_km, layer index) segments.
#[derive(Debug, Clone, PartialEq)]
pub struct Chord {
    pub segments: Vec<(f64, u32)>,
    /// The segments in this range read the same backwards (the shells of an Earth chord, with
    /// or without a vacuum segment before them): the phases e^{−iλL} of its second half are
    /// those of its first. Empty when no such range of two or more segments exists.
    pub mirrored: std::ops::Range<usize>,
    /// Between segments k and k + 1: 2 × (index of the layer pair in the [`LayerSet`]) + 1
    /// when walked from the higher layer index to the lower, or `NO_LINK` (same layer).
    pub(super) links: Vec<u32>,
}

/// The distinct layers of a set of chords.
#[derive(Debug, Clone)]
pub struct LayerSet {
    pub(super) points: Vec<MediumPoint>,
    index: HashMap<[u64; 11], u32>,
    present: PresentQuantities,
    /// The pairs (a, b), a < b, of layers that meet in some chord.
    pub(super) pairs: Vec<(u32, u32)>,
    pair_index: HashMap<(u32, u32), u32>,
}

impl Default for LayerSet {
    fn default() -> Self {
        LayerSet {
            points: Vec::new(),
            index: HashMap::new(),
            present: PresentQuantities {
                matter: false,
                b_par: false,
                b_perp: false,
                v_perp: false,
                pol: false,
            },
            pairs: Vec::new(),
            pair_index: HashMap::new(),
        }
    }
}

/// The longest range of two or more segments that reads the same backwards (layers equal,
/// lengths within `tol`), or `0..0`. A vacuum segment (production height) or a detector's own
/// layer may stand outside the mirrored shells: up to two segments at either end are left out.
fn mirrored_range(chord: &[(f64, u32)], tol: f64) -> std::ops::Range<usize> {
    let n = chord.len();
    let reads_back = |a: usize, b: usize| {
        (0..(b - a) / 2).all(|k| {
            let (x, y) = (chord[a + k], chord[b - 1 - k]);
            x.1 == y.1 && (x.0 - y.0).abs() <= tol
        })
    };
    let mut mirrored = 0..0;
    for a in 0..3.min(n) {
        for b in (n.saturating_sub(2).max(a)..=n).rev() {
            if b - a >= 2 && b - a > mirrored.len() && reads_back(a, b) {
                mirrored = a..b;
            }
        }
    }
    mirrored
}

fn key(p: &MediumPoint) -> [u64; 11] {
    [
        p.ne_cm3,
        p.nn_cm3,
        p.b_par_gauss,
        p.b_perp_gauss,
        p.b_phi_rad,
        p.v_par,
        p.v_perp,
        p.v_phi_rad,
        p.pol_par,
        p.pol_perp,
        p.pol_phi_rad,
    ]
    .map(f64::to_bits)
}

impl LayerSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// The segments of `medium` from `start_km` to `end_km`: one per interval between the
    /// breakpoints inside the track, with the matter at the interval's midpoint (as the
    /// `layers` method takes it). Fails on media that are not piecewise constant.
    pub fn chord(
        &mut self,
        medium: &dyn Medium,
        start_km: f64,
        end_km: f64,
    ) -> Result<Chord, EvolveError> {
        if !medium.is_piecewise_constant() {
            return Err(EvolveError::NotPiecewiseConstant);
        }
        if !(start_km.is_finite() && end_km.is_finite() && start_km < end_km) {
            return Err(EvolveError::InvalidTrack { start_km, end_km });
        }
        let q = medium.present_quantities();
        let p = &mut self.present;
        p.matter |= q.matter;
        p.b_par |= q.b_par;
        p.b_perp |= q.b_perp;
        p.v_perp |= q.v_perp;
        p.pol |= q.pol;
        let mut chord = self.segments(medium, start_km, end_km)?;
        // Mirrored segments differ in length by round-off of the edges (a few ulps of the
        // track's end); they are given the same length, which moves the phase by < 1e-14.
        let tol = 8.0 * f64::EPSILON * start_km.abs().max(end_km.abs());
        let mirrored = mirrored_range(&chord, tol);
        let (a, b) = (mirrored.start, mirrored.end);
        for k in 0..(b - a) / 2 {
            chord[b - 1 - k].0 = chord[a + k].0;
        }
        let links = self.links(&chord);
        Ok(Chord {
            segments: chord,
            mirrored,
            links,
        })
    }

    /// One (length, layer) segment per interval between the breakpoints inside the track,
    /// new layers added to the set.
    fn segments(
        &mut self,
        medium: &dyn Medium,
        start_km: f64,
        end_km: f64,
    ) -> Result<Vec<(f64, u32)>, EvolveError> {
        let mut edges: Vec<f64> = medium
            .breakpoints()
            .into_iter()
            .filter(|&b| b > start_km && b < end_km)
            .collect();
        edges.sort_by(f64::total_cmp);
        edges.dedup();
        let mut chord: Vec<(f64, u32)> = Vec::with_capacity(edges.len() + 1);
        let mut x = start_km;
        for &next in edges.iter().chain(std::iter::once(&end_km)) {
            let point = medium.point(0.5 * (x + next), Side::Right)?;
            let n = self.points.len() as u32;
            let layer = *self.index.entry(key(&point)).or_insert_with(|| {
                self.points.push(point);
                n
            });
            chord.push((next - x, layer));
            x = next;
        }
        Ok(chord)
    }

    /// Between consecutive segments: the layer pair's link (see [`Chord`]), pairs added to
    /// the set.
    fn links(&mut self, chord: &[(f64, u32)]) -> Vec<u32> {
        chord
            .windows(2)
            .map(|w| {
                let (a, b) = (w[0].1, w[1].1);
                if a == b {
                    return NO_LINK;
                }
                let key = (a.min(b), a.max(b));
                let next = self.pairs.len() as u32;
                let pair = *self.pair_index.entry(key).or_insert_with(|| {
                    self.pairs.push(key);
                    next
                });
                2 * pair + u32::from(a > b)
            })
            .collect()
    }

    /// The distinct layers, indexed as in the chords.
    pub fn points(&self) -> &[MediumPoint] {
        &self.points
    }

    /// Which quantities any of the chords' media has.
    pub fn present(&self) -> PresentQuantities {
        self.present
    }
}
