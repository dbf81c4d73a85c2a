//! Special functions of the adiabatic step (docs/integrators.md, "The step in formulas"): divided
//! differences of exp, φ₁, the Filon moments ∫ vⁿ e^{iv} dv, and the simplex moments behind the
//! closed-form second-order Magnus term.
//!
//! Only absolute accuracy is needed (the results multiply small couplings), so the divided
//! differences use a Taylor series about the mean when the points are close and the Newton
//! recursion, dividing by the widest gap (≥ 1, so errors never grow), otherwise.

use num_complex::Complex64;

type C = Complex64;

/// Largest number of points of [`dd_exp`].
pub const MAX_DD_POINTS: usize = 5;

/// The divided difference exp[z₀, …, z_n] (1 ≤ n + 1 ≤ 5 points, repeats allowed).
pub fn dd_exp(z: &[C]) -> C {
    let n = z.len();
    debug_assert!((1..=MAX_DD_POINTS).contains(&n));
    if n == 1 {
        return z[0].exp();
    }
    // The widest pair decides between Taylor and recursion.
    let (mut ia, mut ib, mut spread) = (0, 0, 0.0);
    for i in 0..n {
        for j in (i + 1)..n {
            let d = (z[i] - z[j]).norm();
            if d > spread {
                (ia, ib, spread) = (i, j, d);
            }
        }
    }
    if spread < 1.0 {
        return dd_exp_taylor(z);
    }
    // exp[z] = (exp[z without z_a] − exp[z without z_b]) / (z_b − z_a).
    let mut without_a = [C::new(0.0, 0.0); MAX_DD_POINTS];
    let mut without_b = [C::new(0.0, 0.0); MAX_DD_POINTS];
    let (mut na, mut nb) = (0, 0);
    for (i, &zi) in z.iter().enumerate() {
        if i != ia {
            without_a[na] = zi;
            na += 1;
        }
        if i != ib {
            without_b[nb] = zi;
            nb += 1;
        }
    }
    (dd_exp(&without_a[..na]) - dd_exp(&without_b[..nb])) / (z[ib] - z[ia])
}

/// exp[z₀..z_n] = e^μ Σ_m h_m(y)/(m + n)!, y = z − μ, h_m the complete homogeneous symmetric
/// polynomials (the divided differences of yᵏ); |y| < 1, so 24 terms reach round-off.
fn dd_exp_taylor(z: &[C]) -> C {
    const TERMS: usize = 24;
    let n = z.len();
    let mu = z.iter().sum::<C>() / n as f64;
    // h[m] for the points seen so far; adding y_j: h_m ← h_m + y_j h_{m−1} (ascending m).
    let mut h = [C::new(0.0, 0.0); TERMS];
    h[0] = C::new(1.0, 0.0);
    let y0 = z[0] - mu;
    for m in 1..TERMS {
        h[m] = h[m - 1] * y0;
    }
    for &zj in &z[1..] {
        let y = zj - mu;
        for m in 1..TERMS {
            h[m] += y * h[m - 1];
        }
    }
    // Σ_m h_m / (m + n − 1)!
    let mut fact = 1.0;
    for k in 2..n {
        fact *= k as f64;
    }
    let mut sum = C::new(0.0, 0.0);
    for (m, hm) in h.iter().enumerate() {
        if m > 0 {
            fact *= (m + n - 1) as f64;
        }
        sum += hm / fact;
    }
    mu.exp() * sum
}

/// φ₁(z) = (e^z − 1)/z = exp[0, z].
pub fn phi1(z: C) -> C {
    dd_exp(&[C::new(0.0, 0.0), z])
}

/// The Filon moments mₙ = ∫_{−d}^{d} vⁿ e^{iv} dv, n = 0, 1, 2 (docs/integrators.md, "The step in
/// formulas").
pub fn filon_moments(d: f64) -> [C; 3] {
    if d.abs() < 0.5 {
        // Σ_k iᵏ/k! ∫ v^{n+k}: only even n + k survive, each 2 d^{n+k+1}/(n+k+1).
        // iᵏ, k! and d^q (odd q ≤ 21) are the same for the three moments: computed once
        // (by the same operations as term by term, so the sums are unchanged to the bit).
        let mut ik = [C::new(1.0, 0.0); 20];
        let mut fact = [1.0; 20];
        for k in 1..20 {
            ik[k] = ik[k - 1] * C::i();
            fact[k] = fact[k - 1] * k as f64;
        }
        let mut power = [0.0; 22];
        for q in (1..22).step_by(2) {
            power[q] = d.powi(q as i32);
        }
        let mut m = [C::new(0.0, 0.0); 3];
        for (n, mn) in m.iter_mut().enumerate() {
            for k in 0..20 {
                let p = n + k;
                if p % 2 == 0 {
                    *mn += ik[k] * (2.0 * power[p + 1] / ((p + 1) as f64 * fact[k]));
                }
            }
        }
        m
    } else {
        let (s, c) = d.sin_cos();
        [
            C::new(2.0 * s, 0.0),
            C::new(0.0, 2.0 * (s - d * c)),
            C::new(2.0 * (d * d * s + 2.0 * d * c - 2.0 * s), 0.0),
        ]
    }
}

/// ∫∫_{0 ≤ τ₂ ≤ τ₁ ≤ 1} e^{z₁τ₁ + z₂τ₂} × {1, σ₁, σ₂, σ₁σ₂} dτ₂ dτ₁ with σ = τ − ½.
///
/// By Hermite–Genocchi with s₂ = τ₂, s₁ = τ₁ − τ₂: the integral is exp[0, z₁, z₁ + z₂] and a
/// weight s_i adds the node of slot i once more (s_i² twice, with a factor 2).
pub fn simplex_moments(z1: C, z2: C) -> [C; 4] {
    let t = ConfluentTable::new([C::new(0.0, 0.0), z1, z1 + z2]);
    let e = t.get([1, 1, 1]);
    let t1 = t.get([1, 2, 1]) + t.get([1, 1, 2]);
    let t2 = t.get([1, 1, 2]);
    let t12 = t.get([1, 2, 2]) + t.get([1, 1, 3]) * 2.0;
    [
        e,
        t1 - e * 0.5,
        t2 - e * 0.5,
        t12 - (t1 + t2) * 0.5 + e * 0.25,
    ]
}

/// Confluent divided differences exp[x₀^{m₀}, x₁^{m₁}, x₂^{m₂}] for m ≤ (1, 3, 3), filled
/// once by the same rule as [`dd_exp`] (Taylor when close, else divide by the widest gap) but
/// sharing every sub-difference.
struct ConfluentTable {
    table: [[[C; 4]; 4]; 2],
}

impl ConfluentTable {
    fn new(x: [C; 3]) -> Self {
        let zero = C::new(0.0, 0.0);
        let mut table = [[[zero; 4]; 4]; 2];
        let ex = [x[0].exp(), x[1].exp(), x[2].exp()];
        // Fill in order of increasing total multiplicity.
        for total in 1..=7usize {
            for m0 in 0..2usize {
                for m1 in 0..4usize {
                    let Some(m2) = total.checked_sub(m0 + m1) else {
                        continue;
                    };
                    if m2 > 3 {
                        continue;
                    }
                    let m = [m0, m1, m2];
                    let mut present_buf = [0usize; 3];
                    let mut np = 0;
                    for (i, &mi) in m.iter().enumerate() {
                        if mi > 0 {
                            present_buf[np] = i;
                            np += 1;
                        }
                    }
                    let present = &present_buf[..np];
                    let value = if np == 1 {
                        let i = present[0];
                        let mut fact = 1.0;
                        for k in 2..m[i] {
                            fact *= k as f64;
                        }
                        ex[i] / fact
                    } else {
                        let (mut wi, mut wj, mut spread) = (0, 0, 0.0);
                        for (pi, &i) in present.iter().enumerate() {
                            for &j in &present[pi + 1..] {
                                let d = (x[i] - x[j]).norm();
                                if d > spread {
                                    (wi, wj, spread) = (i, j, d);
                                }
                            }
                        }
                        if spread < 1.0 {
                            let mut pts = [zero; 7];
                            let mut n = 0;
                            for i in 0..3 {
                                for _ in 0..m[i] {
                                    pts[n] = x[i];
                                    n += 1;
                                }
                            }
                            dd_exp_taylor(&pts[..n])
                        } else {
                            let mut without_i = m;
                            without_i[wi] -= 1;
                            let mut without_j = m;
                            without_j[wj] -= 1;
                            let (a, b) = (Self::at(&table, without_i), Self::at(&table, without_j));
                            (a - b) / (x[wj] - x[wi])
                        }
                    };
                    table[m0][m1][m2] = value;
                }
            }
        }
        ConfluentTable { table }
    }

    fn at(table: &[[[C; 4]; 4]; 2], m: [usize; 3]) -> C {
        table[m[0]][m[1]][m[2]]
    }

    fn get(&self, m: [usize; 3]) -> C {
        Self::at(&self.table, m)
    }
}

/// Taylor terms of a close pair's confluent divided differences (|δ| < ½: δ¹⁸/18! < 1e-21).
const PAIR_TERMS: usize = 20;

/// Largest multiplicity of one point in [`ExpTables`]' pair tables.
const PAIR_MULT: usize = 4;

/// Divided differences of exp at the D points y_k = −iΦ_k of one step, shared by every triple
/// of the closed-form Ω₂ (docs/integrators.md, "The step in formulas"): e^{y_k} once per point, and
/// for each pair the confluent table exp[y_j^μ, y_k^ν] (μ, ν < 4) once per pair — a Newton table
/// dividing by the gap when |y_j − y_k| ≥ 1, a Taylor series about the midpoint otherwise. A triple
/// then needs only the five three-point entries of [`Self::simplex_moments`], each one Newton
/// step from the pair tables (or a Taylor series when all three points are within 1).
pub struct ExpTables<const D: usize> {
    /// The phases Φ_k with their mean removed (only differences matter).
    phase: [f64; D],
    /// e^{y_k}.
    ey: [C; D],
    /// pair[j][k][μ][ν] = exp[y_j^μ, y_k^ν] (μ + ν ≥ 1).
    pair: [[[[C; PAIR_MULT]; PAIR_MULT]; D]; D],
}

/// The coefficients c_n(μ, ν) of (1 − δt)^{−μ}(1 + δt)^{−ν} = Σ c_n δⁿ tⁿ divided by
/// (n + μ + ν − 1)!: exp[(m + δ)^μ, (m − δ)^ν] = e^m Σ_n coef[μ][ν][n] δⁿ.
fn pair_taylor_coefficients() -> &'static [[[f64; PAIR_TERMS]; PAIR_MULT]; PAIR_MULT] {
    use std::sync::OnceLock;
    static COEF: OnceLock<[[[f64; PAIR_TERMS]; PAIR_MULT]; PAIR_MULT]> = OnceLock::new();
    COEF.get_or_init(|| {
        let binom = |n: usize, k: usize| -> f64 {
            let mut r = 1.0;
            for i in 0..k {
                r = r * (n - i) as f64 / (i + 1) as f64;
            }
            r
        };
        let mut out = [[[0.0; PAIR_TERMS]; PAIR_MULT]; PAIR_MULT];
        for (mu, row) in out.iter_mut().enumerate() {
            for (nu, coef) in row.iter_mut().enumerate() {
                if mu + nu == 0 {
                    continue;
                }
                for (n, cn) in coef.iter_mut().enumerate() {
                    // Σ_{i+j=n} C(i+μ−1, i) C(j+ν−1, j) (−1)^j, with C(k−1, k) = [k = 0] for
                    // μ or ν = 0.
                    let mut c = 0.0;
                    for i in 0..=n {
                        let j = n - i;
                        let a = if mu == 0 {
                            f64::from(u8::from(i == 0))
                        } else {
                            binom(i + mu - 1, i)
                        };
                        let b = if nu == 0 {
                            f64::from(u8::from(j == 0))
                        } else {
                            binom(j + nu - 1, j)
                        };
                        c += if j % 2 == 0 { a * b } else { -a * b };
                    }
                    let mut fact = 1.0;
                    for k in 2..(n + mu + nu) {
                        fact *= k as f64;
                    }
                    *cn = c / fact;
                }
            }
        }
        out
    })
}

impl<const D: usize> ExpTables<D> {
    /// The tables for the points y_k = −iΦ_k.
    pub fn new(phase: &[f64; D]) -> Self {
        Self::in_blocks(phase, &[0; D])
    }

    /// The tables for the pairs inside each block (`block[k]` labels point k); entries
    /// between two blocks are left zero. Couplings never cross decoupled blocks, so no triple
    /// or φ₁ of the step reads them, and the Dirac 3ν case needs 12 of the 21 pair tables.
    pub fn in_blocks(phase: &[f64; D], block: &[usize; D]) -> Self {
        let mean = phase.iter().sum::<f64>() / D as f64;
        let phase: [f64; D] = std::array::from_fn(|k| phase[k] - mean);
        let ey: [C; D] = std::array::from_fn(|k| C::from_polar(1.0, -phase[k]));
        let zero = C::new(0.0, 0.0);
        // Filled in place (the tables are 9 KB for D = 6: no local copies).
        let mut out = ExpTables {
            phase,
            ey,
            pair: [[[[zero; PAIR_MULT]; PAIR_MULT]; D]; D],
        };
        let mut inv_fact = [1.0; 2 * PAIR_MULT];
        for k in 2..inv_fact.len() {
            inv_fact[k] = inv_fact[k - 1] / (k - 1) as f64;
        }
        // inv_fact[n] = 1/(n − 1)!: a single point of multiplicity n.
        for j in 0..D {
            for k in j..D {
                if block[j] != block[k] {
                    continue;
                }
                let t = &mut out.pair[j][k];
                let gap = phase[j] - phase[k];
                if j == k || gap == 0.0 {
                    for (mu, row) in t.iter_mut().enumerate() {
                        for (nu, v) in row.iter_mut().enumerate() {
                            if mu + nu > 0 {
                                *v = ey[j] * inv_fact[mu + nu];
                            }
                        }
                    }
                } else if gap.abs() >= 1.0 {
                    // exp[S] = (exp[S \ y_j] − exp[S \ y_k]) / (y_k − y_j), y_k − y_j = i gap.
                    let inv = C::new(0.0, -1.0 / gap);
                    for mu in 0..PAIR_MULT {
                        for nu in 0..PAIR_MULT {
                            t[mu][nu] = match (mu, nu) {
                                (0, 0) => zero,
                                (m, 0) => ey[j] * inv_fact[m],
                                (0, n) => ey[k] * inv_fact[n],
                                (m, n) => (t[m - 1][n] - t[m][n - 1]) * inv,
                            };
                        }
                    }
                } else {
                    // About the midpoint m = (y_j + y_k)/2, δ = (y_j − y_k)/2 = −i gap/2.
                    let coef = pair_taylor_coefficients();
                    let em = C::from_polar(1.0, -0.5 * (phase[j] + phase[k]));
                    let delta = C::new(0.0, -0.5 * gap);
                    let mut pow = [C::new(1.0, 0.0); PAIR_TERMS];
                    for n in 1..PAIR_TERMS {
                        pow[n] = pow[n - 1] * delta;
                    }
                    for (mu, row) in t.iter_mut().enumerate() {
                        for (nu, v) in row.iter_mut().enumerate() {
                            if mu + nu == 0 {
                                continue;
                            }
                            let c = &coef[mu][nu];
                            let mut sum = zero;
                            for n in (0..PAIR_TERMS).rev() {
                                sum += pow[n] * c[n];
                            }
                            *v = em * sum;
                        }
                    }
                }
                if j != k {
                    for mu in 0..PAIR_MULT {
                        for nu in 0..PAIR_MULT {
                            out.pair[k][j][nu][mu] = out.pair[j][k][mu][nu];
                        }
                    }
                }
            }
        }
        out
    }

    /// φ₁(i(Φ_a − Φ_b)) = exp[0, i(Φ_a − Φ_b)] = e^{iΦ_a} exp[y_a, y_b].
    pub fn phi1(&self, a: usize, b: usize) -> C {
        self.ey[a].conj() * self.pair[a][b][1][1]
    }

    /// [`simplex_moments`]`(i(Φ_f − Φ_m), i(Φ_m − Φ_l))`, from the shared tables.
    ///
    /// The nodes 0, i(Φ_f − Φ_m), i(Φ_f − Φ_l) are iΦ_f + (y_f, y_m, y_l), so every confluent
    /// entry is e^{iΦ_f} exp[y_f, y_m^μ, y_l^ν] (shift covariance).
    pub fn simplex_moments(&self, f: usize, m: usize, l: usize) -> [C; 4] {
        let ph = [self.phase[f], self.phase[m], self.phase[l]];
        // The widest pair of the three points decides: Newton step (≥ 1) or Taylor.
        let (mut wi, mut wj, mut spread) = (0, 1, (ph[0] - ph[1]).abs());
        for (i, j) in [(0, 2), (1, 2)] {
            let d = (ph[i] - ph[j]).abs();
            if d > spread {
                (wi, wj, spread) = (i, j, d);
            }
        }
        // Entries with μ_f = 1: t[μ_m][μ_l] for (1,1), (2,1), (1,2), (2,2), (1,3).
        let mut t = [[C::new(0.0, 0.0); PAIR_MULT]; 3];
        if spread >= 1.0 {
            // exp[S] = (exp[S \ p_i] − exp[S \ p_j]) / (p_j − p_i), p_j − p_i = −i(Φ_j − Φ_i),
            // written out for each widest pair: a dropped point either leaves a three-point
            // entry computed just before or, when its multiplicity reaches 0, a pair entry.
            let inv = C::new(0.0, 1.0 / (ph[wj] - ph[wi]));
            let (pml, pfl, pfm) = (&self.pair[m][l], &self.pair[f][l], &self.pair[f][m]);
            match (wi, wj) {
                // Drop f or m.
                (0, 1) => {
                    t[1][1] = (pml[1][1] - pfl[1][1]) * inv;
                    t[2][1] = (pml[2][1] - t[1][1]) * inv;
                    t[1][2] = (pml[1][2] - pfl[1][2]) * inv;
                    t[2][2] = (pml[2][2] - t[1][2]) * inv;
                    t[1][3] = (pml[1][3] - pfl[1][3]) * inv;
                }
                // Drop f or l.
                (0, 2) => {
                    t[1][1] = (pml[1][1] - pfm[1][1]) * inv;
                    t[2][1] = (pml[2][1] - pfm[1][2]) * inv;
                    t[1][2] = (pml[1][2] - t[1][1]) * inv;
                    t[2][2] = (pml[2][2] - t[2][1]) * inv;
                    t[1][3] = (pml[1][3] - t[1][2]) * inv;
                }
                // Drop m or l.
                _ => {
                    t[1][1] = (pfl[1][1] - pfm[1][1]) * inv;
                    t[2][1] = (t[1][1] - pfm[1][2]) * inv;
                    t[1][2] = (pfl[1][2] - t[1][1]) * inv;
                    t[2][2] = (t[1][2] - t[2][1]) * inv;
                    t[1][3] = (pfl[1][3] - t[1][2]) * inv;
                }
            }
        } else {
            for (mm, ml) in [(1, 1), (2, 1), (1, 2), (2, 2), (1, 3)] {
                let mut pts = [C::new(0.0, 0.0); 6];
                let mut n = 0;
                for (i, mu) in [1, mm, ml].into_iter().enumerate() {
                    for _ in 0..mu {
                        pts[n] = C::new(0.0, -ph[i]);
                        n += 1;
                    }
                }
                t[mm][ml] = dd_exp_taylor(&pts[..n]);
            }
        }
        let s = self.ey[f].conj();
        let e = t[1][1] * s;
        let t1 = (t[2][1] + t[1][2]) * s;
        let t2 = t[1][2] * s;
        let t12 = (t[2][2] + t[1][3] * 2.0) * s;
        [
            e,
            t1 - e * 0.5,
            t2 - e * 0.5,
            t12 - (t1 + t2) * 0.5 + e * 0.25,
        ]
    }
}

#[cfg(test)]
#[path = "divdiff_tests.rs"]
mod tests;
