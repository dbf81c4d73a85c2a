//! nuspin
