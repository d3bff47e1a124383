//! The socklab relay library (to be written).
