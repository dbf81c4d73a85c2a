//! The vacuum-axis lepton numbers L_k = Tr(P M_k) (docs/collective.md, "Conservation laws").
//!
//! Without matter and without a helicity-flip term every bin's single-particle Hamiltonian is,
//! in the flavour block, a multiple of one matrix M (U m² U†) plus the identity, and the
//! self-interaction A commutes with P: so Tr(P f(M)) is conserved for every f — one independent
//! number for two flavours (M), two for three (M and M²). These are LINEAR invariants, which
//! Runge–Kutta methods keep and Lie-group methods in general do not (they keep the spectra
//! instead): CF4 lets them drift by its truncation error.
//!
//! Both can be had at once: `collective::projection` turns each ρ back onto the L_k after a
//! step without touching its spectrum. This file holds the axes and the numbers.

use num_complex::Complex64;

use super::system::FlavourBlock;

/// The vacuum axes M_k (traceless, unit Frobenius norm) of one problem.
#[derive(Debug, Clone)]
pub(crate) struct VacuumAxes {
    axes: Vec<FlavourBlock>,
}

fn tr_mul(a: &FlavourBlock, b: &FlavourBlock) -> Complex64 {
    let mut t = Complex64::new(0.0, 0.0);
    for i in 0..3 {
        for k in 0..3 {
            t += a[(i, k)] * b[(k, i)];
        }
    }
    t
}

fn traceless_unit(m: &FlavourBlock, n: usize) -> Option<FlavourBlock> {
    let mean = (0..n).map(|k| m[(k, k)]).sum::<Complex64>() / n as f64;
    let mut x = *m;
    for k in 0..n {
        x[(k, k)] -= mean;
    }
    let norm = x.iter().map(|z| z.norm_sqr()).sum::<f64>().sqrt();
    (norm > 0.0 && norm.is_finite()).then(|| x / Complex64::new(norm, 0.0))
}

impl VacuumAxes {
    /// From the flavour block of one bin's vacuum Hamiltonian (n×n in the top-left).
    /// None when it is a multiple of the identity (no mixing: nothing to conserve beyond Tr P).
    pub(crate) fn new(vacuum_block: &FlavourBlock, n: usize) -> Option<Self> {
        let m1 = traceless_unit(vacuum_block, n)?;
        let mut axes = vec![m1];
        if n == 3 {
            // M² is independent of M unless two masses coincide; Gram–Schmidt keeps J well
            // conditioned.
            let m2 = m1 * m1;
            let mut m2 = m2 - m1 * tr_mul(&m1, &m2);
            let mean = (0..3).map(|k| m2[(k, k)]).sum::<Complex64>() / 3.0;
            for k in 0..3 {
                m2[(k, k)] -= mean;
            }
            if let Some(m2) = traceless_unit(&m2, 3) {
                axes.push(m2);
            }
        }
        Some(VacuumAxes { axes })
    }

    /// L_k = Tr(P M_k) (real for Hermitian P), in the units of P.
    pub(crate) fn values(&self, p: &FlavourBlock) -> [f64; 2] {
        let mut out = [0.0; 2];
        for (o, m) in out.iter_mut().zip(&self.axes) {
            *o = tr_mul(p, m).re;
        }
        out
    }

    /// How many independent numbers (1 for two flavours, 2 for three).
    pub(crate) fn count(&self) -> usize {
        self.axes.len()
    }

    /// The axis M_l.
    pub(crate) fn axis(&self, l: usize) -> &FlavourBlock {
        &self.axes[l]
    }
}
