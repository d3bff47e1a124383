//! The `socklab` command line (to be written).
fn main() {}
