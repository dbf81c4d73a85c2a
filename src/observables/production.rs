//! `[arrival] production`: a Gaussian distribution of the start point, for any medium (the
//! solar medium has its own, `production_average`). The run layer solves each start to the
//! track's end and averages every dataset with these weights (probabilities, never
//! amplitudes).

pub use crate::quadrature::gaussian_nodes;
