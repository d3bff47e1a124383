//! Dumps Rust's own case properties and mappings for every code point, so that
//! `unicode_tables.py` can list where CPython 3.11 (Unicode 14) disagrees with this Rust.
//! Output lines: `cp upper lower UPPERMAP LOWERMAP` (hex, maps as `+`-joined code points).

use std::io::Write;

fn main() {
    let mut out = std::io::BufWriter::new(std::io::stdout());
    for cp in 0..0x110000u32 {
        let Some(c) = char::from_u32(cp) else {
            continue;
        };
        let map = |it: &mut dyn Iterator<Item = char>| {
            it.map(|m| format!("{:x}", m as u32)).collect::<Vec<_>>().join("+")
        };
        writeln!(
            out,
            "{cp:x} {} {} {} {}",
            u8::from(c.is_uppercase()),
            u8::from(c.is_lowercase()),
            map(&mut c.to_uppercase()),
            map(&mut c.to_lowercase())
        )
        .unwrap();
    }
}
