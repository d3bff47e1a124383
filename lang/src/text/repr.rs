//! `repr()` and `ascii()` of str and bytes, character for character as CPython 3.11 prints them.

use super::unicode::is_printable;
use std::fmt::Write as _;

/// The quote CPython picks: `'` unless the text has a `'` and no `"`.
fn pick_quote(has_single: bool, has_double: bool) -> char {
    if has_single && !has_double {
        '"'
    } else {
        '\''
    }
}

fn push_escaped(out: &mut String, c: char, quote: char, ascii_only: bool) {
    match c {
        '\\' => out.push_str("\\\\"),
        '\t' => out.push_str("\\t"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        c if c == quote => {
            out.push('\\');
            out.push(c);
        }
        ' '..='~' => out.push(c),
        c if !c.is_ascii() && !ascii_only && is_printable(c) => out.push(c),
        c => {
            let cp = c as u32;
            // Writing to a String cannot fail.
            let _ = if cp <= 0xff {
                write!(out, "\\x{cp:02x}")
            } else if cp <= 0xffff {
                write!(out, "\\u{cp:04x}")
            } else {
                write!(out, "\\U{cp:08x}")
            };
        }
    }
}

fn quoted(s: &str, ascii_only: bool) -> String {
    let quote = pick_quote(s.contains('\''), s.contains('"'));
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        push_escaped(&mut out, c, quote, ascii_only);
    }
    out.push(quote);
    out
}

/// `repr(str)`: `str_repr("it's 你好\n") == "\"it's 你好\\n\""`.
pub fn str_repr(s: &str) -> String {
    quoted(s, false)
}

/// `ascii(str)`: `str_ascii("你") == "'\\u4f60'"`.
pub fn str_ascii(s: &str) -> String {
    quoted(s, true)
}

/// `repr(bytes)`: `bytes_repr(b"GET /\r\n\xff") == "b'GET /\\r\\n\\xff'"`.
pub fn bytes_repr(b: &[u8]) -> String {
    bytes_repr_with_prefix(b, "b")
}

/// `repr(bytearray)`: `bytearray_repr(b"it's") == "bytearray(b\"it\\'s\")"`.
pub fn bytearray_repr(b: &[u8]) -> String {
    // CPython's bytearray repr escapes `'` even inside double quotes.
    format!("bytearray({})", quoted_bytes(b, "b", true))
}

/// The quoted bytes literal after `prefix`: `bytes_repr_with_prefix(b"x", "b") == "b'x'"`.
pub fn bytes_repr_with_prefix(b: &[u8], prefix: &str) -> String {
    quoted_bytes(b, prefix, false)
}

fn quoted_bytes(b: &[u8], prefix: &str, always_escape_single: bool) -> String {
    let quote = pick_quote(b.contains(&b'\''), b.contains(&b'"')) as u8;
    let mut out = String::with_capacity(b.len() + 3 + prefix.len());
    out.push_str(prefix);
    out.push(quote as char);
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            c if c == quote || (always_escape_single && c == b'\'') => {
                out.push('\\');
                out.push(c as char);
            }
            b' '..=b'~' => out.push(c as char),
            c => {
                let _ = write!(out, "\\x{c:02x}");
            }
        }
    }
    out.push(quote as char);
    out
}
