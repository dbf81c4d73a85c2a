//! Forward-mode dual numbers, so the potential's x-derivative is exact (chain rule through γ,
//! the polarization algebra and the azimuths) without finite differences.

use std::ops::{Add, Div, Mul, Neg, Sub};

/// The arithmetic the potential needs, for `f64` and [`Dual`].
pub trait Real:
    Copy
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
{
    fn from_f64(x: f64) -> Self;
    fn sqrt(self) -> Self;
    fn sin(self) -> Self;
    fn cos(self) -> Self;
    fn value(self) -> f64;
}

impl Real for f64 {
    fn from_f64(x: f64) -> Self {
        x
    }
    fn sqrt(self) -> Self {
        f64::sqrt(self)
    }
    fn sin(self) -> Self {
        f64::sin(self)
    }
    fn cos(self) -> Self {
        f64::cos(self)
    }
    fn value(self) -> f64 {
        self
    }
}

/// v + d·ε with ε² = 0: `d` carries the derivative.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dual {
    pub v: f64,
    pub d: f64,
}

impl Dual {
    pub fn new(v: f64, d: f64) -> Self {
        Dual { v, d }
    }
}

impl Add for Dual {
    type Output = Dual;
    fn add(self, o: Dual) -> Dual {
        Dual::new(self.v + o.v, self.d + o.d)
    }
}

impl Sub for Dual {
    type Output = Dual;
    fn sub(self, o: Dual) -> Dual {
        Dual::new(self.v - o.v, self.d - o.d)
    }
}

impl Mul for Dual {
    type Output = Dual;
    fn mul(self, o: Dual) -> Dual {
        Dual::new(self.v * o.v, self.d * o.v + self.v * o.d)
    }
}

impl Div for Dual {
    type Output = Dual;
    fn div(self, o: Dual) -> Dual {
        Dual::new(self.v / o.v, (self.d * o.v - self.v * o.d) / (o.v * o.v))
    }
}

impl Neg for Dual {
    type Output = Dual;
    fn neg(self) -> Dual {
        Dual::new(-self.v, -self.d)
    }
}

impl Real for Dual {
    fn from_f64(x: f64) -> Self {
        Dual::new(x, 0.0)
    }
    fn sqrt(self) -> Self {
        let s = self.v.sqrt();
        Dual::new(s, if s > 0.0 { self.d / (2.0 * s) } else { 0.0 })
    }
    fn sin(self) -> Self {
        Dual::new(self.v.sin(), self.d * self.v.cos())
    }
    fn cos(self) -> Self {
        Dual::new(self.v.cos(), -self.d * self.v.sin())
    }
    fn value(self) -> f64 {
        self.v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivative_of_a_composite_function() {
        // f(x) = sin(x) / sqrt(1 + x²) at x = 0.7
        let f = |x: Dual| x.sin() / (Dual::from_f64(1.0) + x * x).sqrt();
        let x = 0.7;
        let got = f(Dual::new(x, 1.0));
        let h = 1e-6;
        let fd = (f(Dual::new(x + h, 0.0)).v - f(Dual::new(x - h, 0.0)).v) / (2.0 * h);
        assert!((got.d - fd).abs() < 1e-9);
    }
}
