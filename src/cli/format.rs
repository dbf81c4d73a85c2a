//! Numbers and counts in the messages people read: `11467.8`, not `11467.800000000001`;
//! `1 initial state`, not `1 initial states`; `0`, not `0.000000e0`.

/// `x` rounded to 10 significant digits and printed in the shortest form that reads back as
/// that rounded value (integers without a decimal point, as Rust's `{}` does).
pub fn short(x: f64) -> String {
    if !x.is_finite() || x == 0.0 {
        return format!("{x}");
    }
    let rounded: f64 = format!("{x:.9e}").parse().unwrap_or(x);
    format!("{rounded}")
}

/// `n` and the word, singular for 1.
pub fn count(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

/// A probability in a table column: `{:.6e}`, but an exact zero as `0` and an exact one as
/// `1` (exact values are common: decoupled blocks, P of a state that cannot be reached).
pub fn probability(p: f64, width: usize) -> String {
    if p == 0.0 || p == 1.0 {
        format!("{:>width$}", p as u8)
    } else {
        format!("{p:>width$.6e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_numbers() {
        assert_eq!(short(11467.800000000001), "11467.8");
        assert_eq!(short(0.0), "0");
        assert_eq!(short(1e6), "1000000");
        assert_eq!(short(0.01), "0.01");
        assert_eq!(short(1.0 / 3.0), "0.3333333333");
        assert_eq!(short(f64::INFINITY), "inf");
    }

    #[test]
    fn counts_and_probabilities() {
        assert_eq!(
            count(1, "initial state", "initial states"),
            "1 initial state"
        );
        assert_eq!(
            count(2, "initial state", "initial states"),
            "2 initial states"
        );
        assert_eq!(probability(0.0, 4), "   0");
        assert_eq!(probability(1.0, 2), " 1");
        assert_eq!(probability(0.5, 12), " 5.000000e-1");
    }
}
