//! Relay benchmark (to be written).
fn main() {}
