//! Turbulent media: a Gaussian random field with a power-law spectrum multiplying the density
//! and (separately) B⊥ of another medium inside a region whose envelope vanishes at its ends
//! (the supernova's shocks, the Sun's centre and surface).
//!
//! The field (Kneller & Mauney, arXiv:1302.3825 §II; the randomisation method of Kramer,
//! Kurbanmuradov & Sabelfeld, J. Comput. Phys. 226, 897 (2007)):
//!
//! δ(x) = √(2/N) Σ_{n=1..N} cos(k_n (x − a) + φ_n),
//!
//! with N independent wavenumbers k_n drawn from the one-dimensional spectrum
//! E(k) ∝ k^{−α} on [2π/λ_long, 2π/λ_short] and phases φ_n uniform on [0, 2π). Over
//! realisations δ is a stationary field of mean 0, variance 1 and two-point function
//! ⟨δ(x)δ(x + r)⟩ = ∫E(k) cos(kr) dk / ∫E(k) dk; for large N it is Gaussian (central limit).
//!
//! The perturbed quantity is q(x) = q₀(x) · max(0, 1 + C* F(x) δ(x)): C* is the rms relative
//! fluctuation, F the envelope F(x) = tanh((x − a)/w) tanh((b − x)/w) on [a, b] (0 outside),
//! w the edge width. Density turbulence scales n_e and n_n together (ρ fluctuates at fixed
//! Y_e); B⊥ turbulence scales B⊥ (its azimuth and B∥ are kept).
//!
//! B⊥ turbulence may instead be additive, a turbulent field in gauss on top of the medium's own
//! (or on a medium without one, such as the Sun): B⊥ e^{iφ} = (B⊥₀ + B_rms F δ) e^{iφ₀}, with
//! B_rms the field's rms inside the envelope and φ₀ the medium's azimuth (0 where it has no
//! field). Where B⊥₀ + B_rms F δ < 0 the magnitude is its absolute value and the azimuth
//! φ₀ + π: the transverse field passes smoothly through zero instead of being clamped.
//!
//! Random numbers: SplitMix64 (Steele, Lea & Flood, OOPSLA 2014), written out below, so a
//! field depends only on (seed, realisation, quantity) and never on a crate's version, the
//! thread count or the shard. With G = 0x9E3779B97F4A7C15 and mix the SplitMix64 output
//! function, the stream of (seed, realisation r, quantity q ∈ {0: density, 1: B⊥}) starts at
//! state₀ = mix(seed + mix(G · (2r + q + 1))) (mod 2⁶⁴); each draw adds G to the state and
//! returns mix(state); u = (word >> 11) · 2⁻⁵³ ∈ [0, 1). Each mode draws its wavenumber, then
//! its phase.

use super::{Medium, MediumError, MediumPoint, PresentQuantities, Side, SolarMedium, StepLimit};

/// Inside the turbulent region no `magnus` step may be longer than this fraction of the
/// shortest wavelength ([`TurbulentMedium::step_limits`]; docs/integrators.md, "Step limits").
pub const STEP_FRACTION_OF_SHORTEST_WAVELENGTH: f64 = 0.25;

/// SplitMix64's increment (2⁶⁴/φ).
const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's output function (a bijective 64-bit finaliser).
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The SplitMix64 generator.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// The stream of quantity `q` of realisation `r` for `seed` (module docs).
    pub fn stream(seed: u64, realisation: u64, quantity: u64) -> Self {
        let k = realisation
            .wrapping_mul(2)
            .wrapping_add(quantity)
            .wrapping_add(1);
        // Mixed, not merely offset: SplitMix64 states that differ by multiples of its
        // increment give shifted copies of one sequence (realisations would share modes).
        SplitMix64 {
            state: mix64(seed.wrapping_add(mix64(k.wrapping_mul(GOLDEN)))),
        }
    }

    /// The next 64-bit word.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN);
        mix64(self.state)
    }

    /// Uniform on [0, 1) with 53 random bits.
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// The spectrum and strength of one turbulent quantity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spectrum {
    /// C*: rms relative fluctuation (≥ 0).
    pub amplitude: f64,
    /// α of E(k) ∝ k^{−α} (5/3: Kolmogorov).
    pub index: f64,
    /// λ* (km): the longest wavelength.
    pub long_cutoff_km: f64,
    /// The shortest wavelength (km), < λ*.
    pub short_cutoff_km: f64,
    /// Number of Fourier modes N.
    pub modes: usize,
}

impl Spectrum {
    /// A wavenumber (rad/km) drawn from E(k) ∝ k^{−α} on [k_min, k_max] by inverting its
    /// cumulative distribution at `u` ∈ [0, 1).
    pub fn wavenumber(&self, u: f64) -> f64 {
        let two_pi = std::f64::consts::TAU;
        let (k0, k1) = (two_pi / self.long_cutoff_km, two_pi / self.short_cutoff_km);
        let p = 1.0 - self.index;
        if p.abs() < 1e-12 {
            k0 * (k1 / k0).powf(u)
        } else {
            let (a, b) = (k0.powf(p), k1.powf(p));
            (a + u * (b - a)).powf(1.0 / p)
        }
    }

    /// The normalised two-point function ⟨δ(x)δ(x + r)⟩ = ∫E cos(kr) dk / ∫E dk, by
    /// Gauss–Legendre quadrature in ln k (the reference the sampled field is tested against).
    pub fn correlation(&self, r_km: f64) -> f64 {
        let two_pi = std::f64::consts::TAU;
        let (l0, l1) = (
            (two_pi / self.long_cutoff_km).ln(),
            (two_pi / self.short_cutoff_km).ln(),
        );
        // Panels fine enough for cos(kr) at the largest k: 32 points per oscillation.
        let panels = ((l1 - l0) * 64.0 + (two_pi / self.short_cutoff_km * r_km.abs()) * 8.0)
            .ceil()
            .max(64.0) as usize;
        let h = (l1 - l0) / panels as f64;
        let (mut num, mut den) = (0.0, 0.0);
        // 3-point Gauss–Legendre per panel.
        let nodes = [
            (-(0.6f64).sqrt(), 5.0 / 9.0),
            (0.0, 8.0 / 9.0),
            ((0.6f64).sqrt(), 5.0 / 9.0),
        ];
        for j in 0..panels {
            let mid = l0 + (j as f64 + 0.5) * h;
            for (t, w) in nodes {
                let k = (mid + 0.5 * h * t).exp();
                // E(k) dk = k^{1−α} d ln k.
                let e = k.powf(1.0 - self.index) * w;
                num += e * (k * r_km).cos();
                den += e;
            }
        }
        num / den
    }
}

/// One realisation of δ(x): the modes' wavenumbers (rad/km) and phases, from the origin `a`.
#[derive(Debug, Clone, PartialEq)]
pub struct RandomField {
    origin_km: f64,
    norm: f64,
    modes: Vec<(f64, f64)>,
}

impl RandomField {
    /// Realisation `realisation` of quantity `quantity` (0 density, 1 B⊥) for `seed`.
    pub fn new(
        spectrum: &Spectrum,
        origin_km: f64,
        seed: u64,
        realisation: u64,
        quantity: u64,
    ) -> RandomField {
        let mut rng = SplitMix64::stream(seed, realisation, quantity);
        let modes = (0..spectrum.modes)
            .map(|_| {
                let k = spectrum.wavenumber(rng.uniform());
                (k, std::f64::consts::TAU * rng.uniform())
            })
            .collect();
        RandomField {
            origin_km,
            norm: (2.0 / spectrum.modes as f64).sqrt(),
            modes,
        }
    }

    /// δ(x) and dδ/dx (per km).
    pub fn value_and_slope(&self, x_km: f64) -> (f64, f64) {
        let y = x_km - self.origin_km;
        let (mut v, mut d) = (0.0, 0.0);
        for &(k, phi) in &self.modes {
            let (s, c) = (k * y + phi).sin_cos();
            v += c;
            d -= k * s;
        }
        (self.norm * v, self.norm * d)
    }

    /// The wavenumbers (rad/km).
    pub fn wavenumbers(&self) -> impl Iterator<Item = f64> + '_ {
        self.modes.iter().map(|m| m.0)
    }
}

/// The envelope F(x) = tanh((x − a)/w) tanh((b − x)/w) on [a, b], 0 outside, and F′.
pub fn envelope(x_km: f64, (a, b): (f64, f64), edge_km: f64) -> (f64, f64) {
    if x_km <= a || x_km >= b {
        return (0.0, 0.0);
    }
    let (t1, t2) = (((x_km - a) / edge_km).tanh(), ((b - x_km) / edge_km).tanh());
    let (d1, d2) = ((1.0 - t1 * t1) / edge_km, -(1.0 - t2 * t2) / edge_km);
    (t1 * t2, d1 * t2 + t1 * d2)
}

/// [`envelope`] seen from `side`: at the region's ends F is 0 but its slope from inside is
/// not, and a step that starts at a (ends at b) needs that one-sided slope in H′ (the ends are
/// the supernova's shocks, breakpoints where the driver starts afresh). Without it the first
/// step behind the reverse shock had a true error of 1.9e-4 at rtol 1e-6 (C* 0.1, 10 MeV).
pub fn envelope_on(x_km: f64, side: Side, (a, b): (f64, f64), edge_km: f64) -> (f64, f64) {
    let t = ((b - a) / edge_km).tanh() / edge_km;
    match side {
        Side::Right if x_km == a && a < b => (0.0, t),
        Side::Left if x_km == b && a < b => (0.0, -t),
        _ => envelope(x_km, (a, b), edge_km),
    }
}

/// Where `g` changes sign on [a, b] (`n` equal samples, each sign change refined by 60
/// bisections); changes closer together than a sample spacing may be missed.
fn sign_changes(g: impl Fn(f64) -> f64, (a, b): (f64, f64), n: usize) -> Vec<f64> {
    let mut out = Vec::new();
    let (mut x0, mut g0) = (a, g(a));
    for i in 1..=n {
        let x1 = a + (b - a) * i as f64 / n as f64;
        let g1 = g(x1);
        if (g0 > 0.0) != (g1 > 0.0) {
            let (mut lo, mut hi) = (x0, x1);
            for _ in 0..60 {
                let mid = 0.5 * (lo + hi);
                if (g(mid) > 0.0) == (g0 > 0.0) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            out.push(0.5 * (lo + hi));
        }
        (x0, g0) = (x1, g1);
    }
    out
}

/// The turbulence of one run: which quantities, where, and which realisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Turbulence {
    pub seed: u64,
    pub realisation: u64,
    /// [a, b] (km) where the envelope is nonzero.
    pub region_km: (f64, f64),
    /// The envelope's edge width w (km).
    pub edge_km: f64,
    pub density: Option<Spectrum>,
    pub b_perp: Option<Spectrum>,
    /// B⊥ turbulence is additive (module docs): `b_perp`'s amplitude is then the rms of the
    /// added field in gauss, not a relative C*.
    pub b_perp_additive: bool,
}

/// A medium with turbulent density and/or B⊥ (module docs).
pub struct TurbulentMedium {
    inner: std::sync::Arc<dyn Medium>,
    turbulence: Turbulence,
    density: Option<(f64, RandomField)>,
    b_perp: Option<(f64, RandomField)>,
    /// Where a multiplicative factor 1 + C* F δ crosses 0 (the clamp's kinks), sorted.
    clamp_kinks_km: Vec<f64>,
}

impl TurbulentMedium {
    /// `inner` perturbed by `turbulence`.
    pub fn new(inner: std::sync::Arc<dyn Medium>, turbulence: Turbulence) -> TurbulentMedium {
        let t = &turbulence;
        let field = |s: &Option<Spectrum>, q: u64| {
            s.map(|s| {
                let f = RandomField::new(&s, t.region_km.0, t.seed, t.realisation, q);
                (s.amplitude, f)
            })
        };
        let mut m = TurbulentMedium {
            density: field(&t.density, 0),
            b_perp: field(&t.b_perp, 1),
            inner,
            turbulence,
            clamp_kinks_km: Vec::new(),
        };
        m.clamp_kinks_km = m.clamp_kinks();
        m
    }

    /// The zeros of 1 + C* F δ inside the region, for every multiplicative field that can
    /// reach 0 (|δ| ≤ √(2N)): there max(0, ·) makes H′ jump, and `magnus` must know (at
    /// C* = 0.3, 1 km cut-off, the clamp acted over 10.7 km beside the resonance and `magnus`
    /// missed rtol by 1e-2 at any rtol). Sampled every 1/16 of the shortest wavelength, each
    /// sign change refined by bisection; zeros closer than that may be missed.
    fn clamp_kinks(&self) -> Vec<f64> {
        let t = &self.turbulence;
        let mut out = Vec::new();
        // An additive B⊥ field is not clamped (its sign turns the azimuth instead).
        let fields = [
            (&self.density, t.density),
            (&self.b_perp, t.b_perp.filter(|_| !t.b_perp_additive)),
        ];
        for (field, spectrum) in fields {
            let (Some((c, delta)), Some(sp)) = (field, spectrum) else {
                continue;
            };
            if c * (2.0 * sp.modes as f64).sqrt() < 1.0 {
                continue;
            }
            let g = |x: f64| {
                let f = envelope(x, t.region_km, t.edge_km).0;
                1.0 + c * f * delta.value_and_slope(x).0
            };
            let (a, b) = t.region_km;
            let n = ((b - a) / (sp.short_cutoff_km / 16.0)).ceil() as usize;
            out.extend(sign_changes(g, (a, b), n));
        }
        out.sort_by(f64::total_cmp);
        out.dedup();
        out
    }

    /// The step limit inside the region: a fraction of the shortest wavelength of every
    /// turbulent quantity with a nonzero amplitude (None without one).
    fn step_limit(&self) -> Option<StepLimit> {
        let t = &self.turbulence;
        let shortest_km = [t.density, t.b_perp]
            .iter()
            .flatten()
            .filter(|sp| sp.amplitude > 0.0)
            .map(|sp| sp.short_cutoff_km)
            .fold(f64::INFINITY, f64::min);
        shortest_km.is_finite().then_some(StepLimit {
            from_km: t.region_km.0,
            to_km: t.region_km.1,
            max_step_km: STEP_FRACTION_OF_SHORTEST_WAVELENGTH * shortest_km,
        })
    }

    /// The turbulence parameters.
    pub fn turbulence(&self) -> &Turbulence {
        &self.turbulence
    }

    /// The factor max(0, 1 + C F δ) of one quantity at x and its x-derivative.
    fn factor(&self, field: &Option<(f64, RandomField)>, x_km: f64, side: Side) -> (f64, f64) {
        let Some((c, delta)) = field else {
            return (1.0, 0.0);
        };
        let t = &self.turbulence;
        let (f, df) = envelope_on(x_km, side, t.region_km, t.edge_km);
        if f == 0.0 && df == 0.0 {
            return (1.0, 0.0);
        }
        let (d, dd) = delta.value_and_slope(x_km);
        let g = 1.0 + c * f * d;
        if g <= 0.0 {
            (0.0, 0.0)
        } else {
            (g, c * (df * d + f * dd))
        }
    }
}

impl TurbulentMedium {
    /// B⊥₀ + B_rms F δ along the medium's azimuth, its sign folded into the azimuth.
    fn add_b_perp(&self, x_km: f64, side: Side, p: &mut MediumPoint, s: &mut MediumPoint) {
        let Some((rms_gauss, delta)) = &self.b_perp else {
            return;
        };
        let t = &self.turbulence;
        let (f, df) = envelope_on(x_km, side, t.region_km, t.edge_km);
        if f == 0.0 && df == 0.0 {
            return;
        }
        let (d, dd) = delta.value_and_slope(x_km);
        let b = p.b_perp_gauss + rms_gauss * f * d;
        let db = s.b_perp_gauss + rms_gauss * (df * d + f * dd);
        if b < 0.0 {
            p.b_perp_gauss = -b;
            s.b_perp_gauss = -db;
            p.b_phi_rad += std::f64::consts::PI;
        } else {
            p.b_perp_gauss = b;
            s.b_perp_gauss = db;
        }
    }
}

impl Medium for TurbulentMedium {
    fn point_and_slope(
        &self,
        x_km: f64,
        side: Side,
    ) -> Result<(MediumPoint, MediumPoint), MediumError> {
        let (mut p, mut s) = self.inner.point_and_slope(x_km, side)?;
        let (g, dg) = self.factor(&self.density, x_km, side);
        s.ne_cm3 = s.ne_cm3 * g + p.ne_cm3 * dg;
        s.nn_cm3 = s.nn_cm3 * g + p.nn_cm3 * dg;
        p.ne_cm3 *= g;
        p.nn_cm3 *= g;
        if self.turbulence.b_perp_additive {
            self.add_b_perp(x_km, side, &mut p, &mut s);
        } else {
            let (h, dh) = self.factor(&self.b_perp, x_km, side);
            s.b_perp_gauss = s.b_perp_gauss * h + p.b_perp_gauss * dh;
            p.b_perp_gauss *= h;
        }
        Ok((p, s))
    }

    fn breakpoints(&self) -> Vec<f64> {
        self.inner.breakpoints()
    }

    fn kinks(&self) -> Vec<f64> {
        let mut k = self.inner.kinks();
        if !self.clamp_kinks_km.is_empty() {
            let breaks = self.inner.breakpoints();
            k.extend(self.clamp_kinks_km.iter().filter(|x| !breaks.contains(x)));
            k.sort_by(f64::total_cmp);
            k.dedup();
        }
        k
    }

    /// The inner medium's limits and, inside the turbulent region, a step of at most
    /// [`STEP_FRACTION_OF_SHORTEST_WAVELENGTH`] of the shortest wavelength: a step's error
    /// estimate sees H only at its samples (three to five per step), and a mode shorter than
    /// their spacing is aliased or missed (a step through clamped pockets had an estimate of
    /// 1e-17 for a true error of 3.5e-2).
    fn step_limits(&self) -> Vec<StepLimit> {
        let mut l = self.inner.step_limits();
        l.extend(self.step_limit());
        l
    }

    fn present_quantities(&self) -> PresentQuantities {
        let mut q = self.inner.present_quantities();
        // An added field exists where the medium had none.
        q.b_perp |= self.turbulence.b_perp_additive && self.b_perp.is_some();
        q
    }

    fn natural_track_km(&self) -> Option<(f64, f64)> {
        self.inner.natural_track_km()
    }

    fn domain_km(&self) -> Option<(f64, f64)> {
        self.inner.domain_km()
    }

    fn check_track(&self, start_km: f64, end_km: f64) -> Result<(), MediumError> {
        self.inner.check_track(start_km, end_km)
    }

    fn as_solar(&self) -> Option<&SolarMedium> {
        self.inner.as_solar()
    }

    fn averaged_starts_km(&self) -> Option<Vec<(f64, f64)>> {
        self.inner.averaged_starts_km()
    }

    fn turbulence_region_km(&self) -> Option<(f64, f64)> {
        self.inner.turbulence_region_km()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_reference_values() {
        // The first outputs of SplitMix64 seeded with 1234567 (the reference sequence of
        // Vigna's splitmix64.c): the algorithm is fixed.
        let mut g = SplitMix64 { state: 1_234_567 };
        assert_eq!(g.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(g.next_u64(), 3_203_168_211_198_807_973);
    }

    #[test]
    fn wavenumbers_follow_the_spectrum() {
        let s = Spectrum {
            amplitude: 0.1,
            index: 5.0 / 3.0,
            long_cutoff_km: 100.0,
            short_cutoff_km: 1.0,
            modes: 1,
        };
        let (k0, k1) = (std::f64::consts::TAU / 100.0, std::f64::consts::TAU);
        assert!((s.wavenumber(0.0) / k0 - 1.0).abs() < 1e-12);
        assert!((s.wavenumber(1.0 - 1e-16) / k1 - 1.0).abs() < 1e-9);
        // The median of k^{−5/3}: k0^{−2/3} − k_m^{−2/3} = (k0^{−2/3} − k1^{−2/3})/2.
        let p = -2.0 / 3.0;
        let km = (0.5 * (k0.powf(p) + k1.powf(p))).powf(1.0 / p);
        assert!((s.wavenumber(0.5) / km - 1.0).abs() < 1e-12);
        let flat = Spectrum { index: 1.0, ..s };
        assert!((flat.wavenumber(0.5) / (k0 * k1).sqrt() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn envelope_has_its_one_sided_slopes_at_the_ends() {
        let (region, w, h) = ((10.0, 50.0), 3.0, 1e-6);
        let right = envelope(10.0 + h, region, w).0 / h;
        let left = -envelope(50.0 - h, region, w).0 / h;
        assert!((envelope_on(10.0, Side::Right, region, w).1 - right).abs() < 1e-6);
        assert!((envelope_on(50.0, Side::Left, region, w).1 - left).abs() < 1e-6);
        assert_eq!(envelope_on(10.0, Side::Left, region, w), (0.0, 0.0));
        assert_eq!(envelope_on(50.0, Side::Right, region, w), (0.0, 0.0));
        assert_eq!(
            envelope_on(30.0, Side::Left, region, w),
            envelope(30.0, region, w)
        );
    }

    #[test]
    fn the_step_limit_is_a_quarter_of_the_shortest_active_wavelength_inside_the_region() {
        let inner: std::sync::Arc<dyn Medium> = std::sync::Arc::new(
            crate::medium::ConstantMedium::new(MediumPoint {
                ne_cm3: 1e24,
                ..MediumPoint::default()
            })
            .expect("valid point"),
        );
        let spectrum = |amplitude, short_cutoff_km| Spectrum {
            amplitude,
            index: 5.0 / 3.0,
            long_cutoff_km: 100.0,
            short_cutoff_km,
            modes: 10,
        };
        let turbulence = |density, b_perp| Turbulence {
            seed: 1,
            realisation: 0,
            region_km: (10.0, 50.0),
            edge_km: 3.0,
            density,
            b_perp,
            b_perp_additive: true,
        };
        let limits = |t| TurbulentMedium::new(inner.clone(), t).step_limits();
        let both = limits(turbulence(
            Some(spectrum(0.1, 8.0)),
            Some(spectrum(1e3, 2.0)),
        ));
        assert_eq!(
            both,
            vec![StepLimit {
                from_km: 10.0,
                to_km: 50.0,
                max_step_km: 2.0 * STEP_FRACTION_OF_SHORTEST_WAVELENGTH,
            }]
        );
        // A quantity without fluctuation does not limit the steps.
        let density_only = limits(turbulence(
            Some(spectrum(0.1, 8.0)),
            Some(spectrum(0.0, 2.0)),
        ));
        assert_eq!(
            density_only[0].max_step_km,
            8.0 * STEP_FRACTION_OF_SHORTEST_WAVELENGTH
        );
        assert!(limits(turbulence(Some(spectrum(0.0, 8.0)), None)).is_empty());
        // From outside, a step may reach the region (or take the limit, if longer).
        let l = both[0];
        assert_eq!(l.allowed_from(2.0), 8.0);
        assert_eq!(l.allowed_from(9.9), l.max_step_km);
        assert_eq!(l.allowed_from(30.0), l.max_step_km);
        assert_eq!(l.allowed_from(50.0), f64::INFINITY);
    }

    #[test]
    fn envelope_vanishes_at_the_ends_and_its_slope_is_right() {
        let region = (10.0, 50.0);
        assert_eq!(envelope(10.0, region, 3.0).0, 0.0);
        assert_eq!(envelope(50.0, region, 3.0).0, 0.0);
        assert!((envelope(30.0, region, 3.0).0 - 1.0).abs() < 1e-5);
        for x in [11.0, 14.0, 47.5] {
            let h = 1e-6;
            let fd = (envelope(x + h, region, 3.0).0 - envelope(x - h, region, 3.0).0) / (2.0 * h);
            assert!((fd - envelope(x, region, 3.0).1).abs() < 1e-7);
        }
    }
}
