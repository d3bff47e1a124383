//! `cargo xtask`: socklab build orchestration (to be written).
fn main() {}
