//! The text pieces of `json.dumps` as CPython 3.11 writes them: string quoting (with and
//! without `ensure_ascii`) and float literals.

use super::float;
use super::TextError;
use std::fmt::Write as _;

/// A JSON string literal: `quote("é\n", true) == "\"\\u00e9\\n\""`, `quote("é", false) == "\"é\""`.
pub fn quote(s: &str, ensure_ascii: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (ensure_ascii && c as u32 > 0x7e) => {
                // Outside the BMP, ensure_ascii writes a UTF-16 surrogate pair.
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON number for a float: `float_literal(0.1, true) == Ok("0.1".into())`; infinities and
/// nan become `Infinity`/`-Infinity`/`NaN`, or CPython's ValueError when `allow_nan` is off.
pub fn float_literal(x: f64, allow_nan: bool) -> Result<String, TextError> {
    if x.is_finite() {
        return Ok(float::repr(x));
    }
    if !allow_nan {
        return Err(TextError::value(
            "Out of range float values are not JSON compliant",
        ));
    }
    Ok(if x.is_nan() {
        "NaN"
    } else if x > 0.0 {
        "Infinity"
    } else {
        "-Infinity"
    }
    .to_string())
}
