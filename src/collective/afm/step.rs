//! One adiabatic-frame step of the polarisation-vector form (docs/collective.md, "The
//! adiabatic-frame stepper"): every system obeys v_s′ = (ε_s b + Λ(r) + g(r) d) × v_s with
//! d = Σ v_s. In the frame R(r) (R ẑ = n = d/|d|, minimal rotation from the step start) turned
//! by Φ = ∫ g|d| about ẑ the self-interaction drops out exactly and every generator is
//! ε_s B(r) + C(r) with two common vectors (B the frame image of b, C that of Λ minus the
//! frame's angular velocity). Their Magnus integrals are taken once per step on Gauss panels
//! that resolve Φ, shared by all systems; each system then turns by one rotation. d(r) over
//! the step comes from d′ = b × S + Λ × d with S = Σ ε_s v_s fitted through the systems at
//! interior nodes, iterated until the end states stop changing.

use nalgebra::{Quaternion, UnitQuaternion, Vector3};
use rayon::prelude::*;

use super::magnus::Integrals;
use super::quad::{cumulate, inner_weights, PolyFit, FIT_COMPONENTS, FIT_NODES, GL_X, V3};
use crate::collective::system::parallel;

/// Radians of Φ per Gauss panel.
const RAD_PER_PANEL: f64 = 0.5;
/// Fewest panels per step (keeps the fit nodes on distinct panel ends).
const MIN_PANELS: usize = 64;

/// The bin-independent data of the vector problem.
pub(crate) trait CommonField: Sync {
    /// g(r).
    fn g(&self, r_km: f64) -> f64;
    /// The common single-particle field Λ(r) (matter), km⁻¹; Err when the medium is not
    /// finite or has a term that flips helicity there.
    fn common(&self, r_km: f64) -> Result<V3, StepFailure>;
}

/// The systems: ε_s (signed), their trace weights, the unit vacuum axis b.
pub(crate) struct Systems<'a> {
    pub eps: &'a [f64],
    pub trace: &'a [f64],
    pub b: V3,
}

/// Why a step did not produce a result (the driver shortens the step).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StepFailure {
    /// The d iteration did not settle within the allowed passes.
    NotConverged,
    /// |d| vanished or n turned by π, or the fit was singular: no frame.
    NoFrame,
    /// The medium or the states are not finite.
    NonFinite,
    /// The medium has a helicity-flip term (a transverse potential or field) here.
    Flip,
}

/// Fine-grid and per-system scratch of a step (allocated once, resized per step).
pub(crate) struct StepWork {
    s_lab: Vec<V3>,
    dd: Vec<V3>,
    d: Vec<V3>,
    g: Vec<f64>,
    common: Vec<V3>,
    lam: Vec<f64>,
    phi: Vec<f64>,
    /// sin Φ and cos Φ at the fine nodes (the pass's frame turn, used by `frame` and `refit`).
    phi_sc: Vec<(f64, f64)>,
    q: Vec<UnitQuaternion<f64>>,
    d_end: Vec<V3>,
    phi_end: Vec<f64>,
    mag: Integrals,
    u0: Vec<V3>,
    prev: Vec<V3>,
    /// Every system's Magnus vector Ω over the step, and the frame at the step's end, of the
    /// last pass.
    om: Vec<V3>,
    frame_end: UnitQuaternion<f64>,
    /// e^{Ω} u0 of every system over the whole step (frame coordinates), of the last pass:
    /// `refit`'s last fit node is the step's end, where it needs exactly these.
    turned: Vec<V3>,
    d0: V3,
    n0: V3,
    q0: UnitQuaternion<f64>,
    /// A converged step's S and d on its fine grid, kept by [`StepWork::keep_guess`]: the
    /// first guess of a later step inside its span (the two half steps of step doubling).
    guess: Option<Guess>,
    /// The step's rotation of every system (v_end = q v_start), the result.
    pub(crate) rot: Vec<UnitQuaternion<f64>>,
    /// Passes of the d iteration of the last step.
    pub(crate) passes: usize,
    /// The largest first-order change of an end vector by the step's Ω₃, relative to twice
    /// its trace: the embedded error estimate (the size of the highest term kept).
    pub(crate) third_size: f64,
}

/// S (lab frame) and d on the fine grid of a converged step from `r_km`, panels of `dt_km`.
struct Guess {
    r_km: f64,
    dt_km: f64,
    s_lab: Vec<V3>,
    d: Vec<V3>,
}

impl Guess {
    /// S and d at `t_km` by the cubic through the four Gauss nodes of its panel (None
    /// outside the span). A panel is ≤ 0.5 rad of the collective phase, so the fast part of
    /// S is good to ~1e-4 of itself: a first guess, not a result (the passes still converge
    /// to `tol`).
    fn at(&self, t_km: f64) -> Option<(V3, V3)> {
        let panels = self.s_lab.len() / 4;
        let x = (t_km - self.r_km) / self.dt_km;
        if panels == 0 || !(x >= 0.0 && x <= panels as f64) {
            return None;
        }
        let p = (x.floor() as usize).min(panels - 1);
        let u = x - p as f64;
        let mut s = V3::zeros();
        let mut d = V3::zeros();
        for (j, xj) in GL_X.iter().enumerate() {
            let w: f64 = GL_X
                .iter()
                .enumerate()
                .filter(|&(m, _)| m != j)
                .map(|(_, xm)| (u - xm) / (xj - xm))
                .product();
            s += self.s_lab[4 * p + j] * w;
            d += self.d[4 * p + j] * w;
        }
        Some((s, d))
    }
}

/// x turned about ẑ by the angle whose (sine, cosine) is `sc`: the frame's turn Φ at a fine
/// node is applied three times per pass (B and C into the frame, S out of it), so its sine and
/// cosine are taken once (sin(−Φ) = −sin Φ exactly) instead of three `sin_cos` calls.
fn rz(sc: (f64, f64), x: V3) -> V3 {
    let (s, c) = sc;
    V3::new(c * x.x - s * x.y, s * x.x + c * x.y, x.z)
}

/// Rodrigues: x turned by the rotation vector w.
fn rotate(w: V3, x: V3) -> V3 {
    let th = w.norm();
    if th == 0.0 {
        return x;
    }
    let k = w / th;
    let (s, c) = th.sin_cos();
    x * c + k.cross(&x) * s + k * (k.dot(&x) * (1.0 - c))
}

/// The minimal rotation taking the unit vector `a` to the unit vector `b` (None when they are
/// antiparallel: no unique one). Built as the quaternion (1 + a·b, a × b), normalised: its
/// angle is good to ~1e-16 rad absolute, where nalgebra's `rotation_between` takes the angle
/// from acos(a·b) and loses it for small angles (an error ≈ 1e-16/θ, and θ < 1.5e-8 rounds to
/// no rotation at all). The frame turns by θ ≈ |n′| t from the step start, so at the first
/// fine nodes of a short step θ ~ 1e-6 and acos was wrong by ~1e-10 rad: noise larger than
/// the d iteration's target (tol/100), so at tol 1e-11 the iteration sporadically failed to
/// settle, a shorter retry (smaller θ, more noise) failed again, and the step fell below
/// `min_step_km` (64 bins: hand-over at 11.24 km instead of the ratio's ≈ 25 km; stop 30).
fn rotation_between(a: &V3, b: &V3) -> Option<UnitQuaternion<f64>> {
    let w = 1.0 + a.dot(b);
    // Within ~1e-6 rad of antiparallel the axis is ill-defined (and w loses its digits).
    if w.is_nan() || w < 1e-12 {
        return None;
    }
    let c = a.cross(b);
    Some(UnitQuaternion::new_normalize(Quaternion::new(
        w, c.x, c.y, c.z,
    )))
}

/// A rotation taking ẑ to the unit vector `n`, exact to round-off for every direction. The
/// minimal rotation loses its axis (and `rotation_between` gives up) as `n` nears −ẑ, where a
/// collective vector dominated by the other species points; there the frame first turns ẑ to
/// −ẑ by π about x̂ and then takes the (small, well-conditioned) minimal rotation −ẑ → `n`.
/// Any rotation with ẑ ↦ `n` is a valid step frame: its twist about `n` is carried by φ.
fn rotation_from_z(n: &V3) -> UnitQuaternion<f64> {
    if n.z >= 0.0 {
        rotation_between(&Vector3::z(), n).expect("1 + n·ẑ ≥ 1")
    } else {
        let flip = UnitQuaternion::from_axis_angle(&Vector3::x_axis(), std::f64::consts::PI);
        rotation_between(&-Vector3::z(), n).expect("1 − n·ẑ > 1") * flip
    }
}

impl StepWork {
    pub(crate) fn new() -> Self {
        let id = UnitQuaternion::identity();
        StepWork {
            s_lab: Vec::new(),
            dd: Vec::new(),
            d: Vec::new(),
            g: Vec::new(),
            common: Vec::new(),
            lam: Vec::new(),
            phi: Vec::new(),
            phi_sc: Vec::new(),
            q: Vec::new(),
            d_end: Vec::new(),
            phi_end: Vec::new(),
            mag: Integrals::default(),
            u0: Vec::new(),
            prev: Vec::new(),
            om: Vec::new(),
            frame_end: id,
            turned: Vec::new(),
            d0: V3::zeros(),
            n0: V3::z(),
            q0: id,
            guess: None,
            rot: Vec::new(),
            passes: 0,
            third_size: 0.0,
        }
    }

    fn resize(&mut self, fine: usize, panels: usize, systems: usize) {
        let z = V3::zeros();
        for v in [&mut self.s_lab, &mut self.dd, &mut self.d, &mut self.common] {
            v.resize(fine, z);
        }
        for v in [&mut self.g, &mut self.lam, &mut self.phi] {
            v.resize(fine, 0.0);
        }
        self.phi_sc.resize(fine, (0.0, 1.0));
        self.q.resize(fine, UnitQuaternion::identity());
        self.mag.resize(fine, panels);
        self.d_end.resize(panels + 1, z);
        self.phi_end.resize(panels + 1, 0.0);
        for v in [&mut self.u0, &mut self.prev, &mut self.om, &mut self.turned] {
            v.resize(systems, z);
        }
        self.rot.resize(systems, UnitQuaternion::identity());
    }

    /// Keeps the last converged step's S and d as the first guess of later steps inside its
    /// span (they must start from the same state there: the half steps of step doubling).
    pub(crate) fn keep_guess(&mut self, r_km: f64, h_km: f64) {
        let panels = self.s_lab.len() / 4;
        let mut g = self.guess.take().unwrap_or(Guess {
            r_km,
            dt_km: 0.0,
            s_lab: Vec::new(),
            d: Vec::new(),
        });
        g.r_km = r_km;
        g.dt_km = h_km / panels.max(1) as f64;
        g.s_lab.clone_from(&self.s_lab);
        g.d.clone_from(&self.d);
        self.guess = Some(g);
    }

    /// Forgets the first guess (a new trial from a new state).
    pub(crate) fn drop_guess(&mut self) {
        if let Some(g) = self.guess.as_mut() {
            g.s_lab.clear();
            g.d.clear();
        }
    }

    /// One step of length h from r for the vectors `v`: fills `self.rot`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn step(
        &mut self,
        field: &dyn CommonField,
        sys: &Systems<'_>,
        r: f64,
        h: f64,
        v: &[V3],
        tol: f64,
        max_passes: usize,
    ) -> Result<(), StepFailure> {
        let d0: V3 = v.iter().sum();
        let s0: V3 = v.iter().zip(sys.eps).map(|(x, e)| x * *e).sum();
        let norm0 = d0.norm();
        if norm0.is_nan() || norm0 <= 0.0 {
            return Err(StepFailure::NoFrame);
        }
        let lam_max = field.g(r).max(field.g(r + h)) * norm0;
        let panels = ((lam_max * h / RAD_PER_PANEL).ceil() as usize).max(MIN_PANELS);
        let dt = h / panels as f64;
        let fine = 4 * panels;
        self.resize(fine, panels, v.len());
        self.d0 = d0;
        self.n0 = d0 / norm0;
        self.q0 = rotation_from_z(&self.n0);
        for (u, x) in self.u0.iter_mut().zip(v) {
            *u = self.q0.inverse_transform_vector(x);
        }
        for i in 0..fine {
            let t = r + ((i / 4) as f64 + GL_X[i % 4]) * dt;
            self.g[i] = field.g(t);
            self.common[i] = field.common(t)?;
            let guess = self.guess.as_ref().and_then(|g| g.at(t));
            (self.s_lab[i], self.d[i]) = guess.unwrap_or((s0, d0));
        }
        if self
            .common
            .iter()
            .chain([&d0])
            .any(|x| !x.iter().all(|c| c.is_finite()))
        {
            return Err(StepFailure::NonFinite);
        }
        let int = inner_weights();
        let nodes: [usize; FIT_NODES] = std::array::from_fn(|k| {
            let x = (std::f64::consts::PI * k as f64 / (FIT_NODES - 1) as f64).cos();
            (0.5 * (1.0 - x) * panels as f64).round() as usize
        });
        for pass in 0..max_passes {
            self.frame(sys.b, dt, &int)?;
            let change = self.end_state(sys, panels);
            // Below ~1e-16 per radian of Φ the passes only move round-off.
            let floor = 1e-15 * (1.0 + self.phi_end[panels]);
            if pass > 0 && change <= (0.01 * tol).max(floor) {
                self.rotations();
                self.passes = pass + 1;
                return Ok(());
            }
            self.refit(sys, &nodes, panels)?;
        }
        Err(StepFailure::NotConverged)
    }

    /// d, the frame, Φ and the common integrals on the fine grid from the current S (and the
    /// previous pass's d in the matter term Λ × d).
    fn frame(&mut self, b: V3, dt: f64, int: &[[f64; 4]; 4]) -> Result<(), StepFailure> {
        let z = V3::zeros();
        for i in 0..self.dd.len() {
            self.dd[i] = b.cross(&self.s_lab[i]) + self.common[i].cross(&self.d[i]);
        }
        cumulate(&self.dd, dt, int, &mut self.d_end, Some(&mut self.d), z);
        let d0 = self.d0;
        for x in self.d.iter_mut().chain(self.d_end.iter_mut()) {
            *x += d0;
        }
        for i in 0..self.d.len() {
            self.lam[i] = self.g[i] * self.d[i].norm();
        }
        cumulate(
            &self.lam,
            dt,
            int,
            &mut self.phi_end,
            Some(&mut self.phi),
            0.0,
        );
        let (n0, q0) = (self.n0, self.q0);
        for i in 0..self.d.len() {
            let nrm = self.d[i].norm();
            if nrm.is_nan() || nrm <= 0.0 {
                return Err(StepFailure::NoFrame);
            }
            let n = self.d[i] / nrm;
            let q = rotation_between(&n0, &n).ok_or(StepFailure::NoFrame)? * q0;
            // The angular velocity of the minimal-rotation frame: n × n′ plus the twist
            // about n that keeps it the rotation from n0 along the great circle.
            let ndot = (self.dd[i] - n * n.dot(&self.dd[i])) / nrm;
            let twist = -n0.dot(&n.cross(&ndot)) / (1.0 + n.dot(&n0));
            let w = n.cross(&ndot) + n * twist;
            self.q[i] = q;
            let (s, c) = self.phi[i].sin_cos();
            self.phi_sc[i] = (s, c);
            self.mag.bt[i] = rz((-s, c), q.inverse_transform_vector(&b));
            self.mag.ct[i] = rz((-s, c), q.inverse_transform_vector(&(self.common[i] - w)));
        }
        self.mag.compute(dt, int, true);
        Ok(())
    }

    /// The frame rotation R(t) Rz(Φ(t)) at panel end k.
    fn frame_at(&self, k: usize) -> Option<UnitQuaternion<f64>> {
        let n = self.d_end[k].normalize();
        let q = rotation_between(&self.n0, &n)? * self.q0;
        Some(q * UnitQuaternion::from_axis_angle(&Vector3::z_axis(), self.phi_end[k]))
    }

    /// Every system's Magnus vector over the whole step into `om` (the frame into
    /// `frame_end`); returns the largest change of an end vector against the previous pass,
    /// relative to twice its trace. The rotations themselves are built once the passes have
    /// converged ([`Self::rotations`]), not on every pass.
    fn end_state(&mut self, sys: &Systems<'_>, panels: usize) -> f64 {
        let Some(frame) = self.frame_at(panels) else {
            return f64::INFINITY;
        };
        self.frame_end = frame;
        let coeffs = self.mag.at_end(panels);
        let u0 = &self.u0;
        let work = |(s, ((om_s, turned), prev)): (usize, ((&mut V3, &mut V3), &mut V3))| {
            let om = coeffs.omega(sys.eps[s]);
            *om_s = om;
            *turned = rotate(om, u0[s]);
            let end = frame * *turned;
            let trace = (2.0 * sys.trace[s]).max(f64::MIN_POSITIVE);
            let change = (end - *prev).norm() / trace;
            *prev = end;
            let third = coeffs.third(sys.eps[s]).cross(&u0[s]).norm() / trace;
            (change, third)
        };
        let max2 = |a: (f64, f64), b: (f64, f64)| (a.0.max(b.0), a.1.max(b.1));
        let items = (self.om.iter_mut().zip(self.turned.iter_mut()))
            .zip(self.prev.iter_mut())
            .enumerate();
        let (change, third) = if parallel(sys.eps.len()) {
            let items: Vec<_> = items.collect();
            items.into_par_iter().map(work).reduce(|| (0.0, 0.0), max2)
        } else {
            items.map(work).fold((0.0, 0.0), max2)
        };
        self.third_size = third;
        change
    }

    /// Every system's rotation over the converged step into `rot` (v_end = q v_start).
    fn rotations(&mut self) {
        let (frame, q0inv) = (self.frame_end, self.q0.inverse());
        for (rot, om) in self.rot.iter_mut().zip(&self.om) {
            *rot = frame * UnitQuaternion::from_scaled_axis(*om) * q0inv;
        }
    }

    /// S = Σ ε_s v_s for the next pass. In the frame R∘Rz(Φ) it is σ = Σ ε_s e^{Ω_s} u0_s,
    /// whose fast part (the systems' free precession about n, from the fast parts of the
    /// common integrals B₁, C₁) is to first order B₁ × M₂ + C₁ × M₁ with the slow moments
    /// M_k = Σ ε_s^k u_s. So M₁, M₂ and σ − B₁ × M₂ − C₁ × M₁ (all slow) are interpolated
    /// from the fit nodes, and σ is rebuilt on every fine node with that node's B₁, C₁:
    /// nothing fast is ever interpolated (an interpolated fast part aliases into a secular
    /// error of d).
    fn refit(
        &mut self,
        sys: &Systems<'_>,
        nodes: &[usize; FIT_NODES],
        panels: usize,
    ) -> Result<(), StepFailure> {
        let mut y = [[0.0; FIT_COMPONENTS]; FIT_NODES];
        let mut x = [0.0; FIT_NODES];
        for (j, &k) in nodes.iter().enumerate() {
            let coeffs = self.mag.at_end(k);
            let (b1, c1) = coeffs.first();
            let (u0, turned) = (&self.u0, &self.turned);
            let term = |s: usize| {
                let e = sys.eps[s];
                // At the step's end (the last node) `end_state` has just turned every u0.
                let u = if k == panels {
                    turned[s]
                } else {
                    rotate(coeffs.omega(e), u0[s])
                } * e;
                [u, u * e]
            };
            let add = |a: [V3; 2], b: [V3; 2]| [a[0] + b[0], a[1] + b[1]];
            let zero = [V3::zeros(); 2];
            let [m1, m2] = if parallel(u0.len()) {
                (0..u0.len()).into_par_iter().map(term).reduce(|| zero, add)
            } else {
                (0..u0.len()).map(term).fold(zero, add)
            };
            let rest = m1 - b1.cross(&m2) - c1.cross(&m1);
            for c in 0..3 {
                y[j][c] = m1[c];
                y[j][3 + c] = m2[c];
                y[j][6 + c] = rest[c];
            }
            x[j] = 2.0 * k as f64 / panels as f64 - 1.0;
        }
        let fit = PolyFit::new(&x, &y).ok_or(StepFailure::NoFrame)?;
        for i in 0..self.s_lab.len() {
            let xi = 2.0 * ((i / 4) as f64 + GL_X[i % 4]) / panels as f64 - 1.0;
            let f = fit.at(xi);
            let m1 = V3::new(f[0], f[1], f[2]);
            let m2 = V3::new(f[3], f[4], f[5]);
            let rest = V3::new(f[6], f[7], f[8]);
            let (b1, c1) = self.mag.first_at(i);
            let sigma = rest + b1.cross(&m2) + c1.cross(&m1);
            self.s_lab[i] = self.q[i].transform_vector(&rz(self.phi_sc[i], sigma));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The frame's minimal rotation must turn n0 onto n to round-off however small the angle:
    /// at the first fine nodes of a step the angle is ~1e-6 rad or less, and the acos-based
    /// construction (nalgebra's `rotation_between`) was wrong there by ~1e-16/θ (≈ 1e-10 at
    /// 1e-6; no rotation at all below 1.5e-8), which kept the d iteration from settling at
    /// tight tolerances.
    #[test]
    fn minimal_rotation_is_exact_for_small_angles() {
        let a = V3::new(0.3, -0.4, 0.7).normalize();
        let axis = nalgebra::Unit::new_normalize(a.cross(&V3::x()));
        for theta in [1.0, 1e-3, 1e-6, 1e-9, 1e-12] {
            let b = UnitQuaternion::from_axis_angle(&axis, theta).transform_vector(&a);
            let q = rotation_between(&a, &b).expect("not antiparallel");
            let miss = (q.transform_vector(&a) - b).norm();
            // Minimal: the axis a × b is left where it is.
            let k = axis.into_inner();
            let axis_moved = (q.transform_vector(&k) - k).norm();
            assert!(
                miss < 1e-15 && axis_moved < 1e-15,
                "θ = {theta:e}: {miss:e}, {axis_moved:e}"
            );
        }
        assert_eq!(rotation_between(&a, &a), Some(UnitQuaternion::identity()));
        assert_eq!(rotation_between(&a, &-a), None);
    }

    /// The step frame must put ẑ exactly on the collective direction whichever way it points,
    /// including within a few µrad of −ẑ, where the minimal rotation from ẑ is undefined (the
    /// former fallback, π about x̂, missed such a direction by its full angle to −ẑ).
    #[test]
    fn frame_rotation_reaches_every_direction() {
        let tilt = nalgebra::Unit::new_normalize(V3::new(0.6, 0.8, 0.0));
        for from_minus_z in [0.0, 1e-12, 1e-9, 1e-7, 1.4e-6, 1e-3, 1.0, 2.0, 3.0] {
            for sign in [1.0, -1.0] {
                // Angle from +ẑ (sign 1) or from −ẑ (sign −1).
                let angle = if sign > 0.0 {
                    from_minus_z
                } else {
                    std::f64::consts::PI - from_minus_z
                };
                let n = UnitQuaternion::from_axis_angle(&tilt, angle).transform_vector(&V3::z());
                let q = rotation_from_z(&n);
                let miss = (q.transform_vector(&V3::z()) - n).norm();
                assert!(miss < 1e-15, "angle {angle:e}: ẑ lands {miss:e} from n");
            }
        }
    }
}
