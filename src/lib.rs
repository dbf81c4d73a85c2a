//! nuspin
pub mod output;
