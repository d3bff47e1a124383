//! Source bytes to text as CPython reads a script file: a UTF-8 BOM, a PEP 263 coding
//! cookie (`# -*- coding: gbk -*-`, common in Chinese tutorials), and CPython's errors
//! when the bytes do not decode.

use crate::syntax_error::{SyntaxError, SyntaxErrorKind};

/// Decodes a script file's bytes for [`crate::parser::parse`]. A UTF-8 BOM is kept (as
/// U+FEFF): the parser drops it, but CPython's error columns on line 1 depend on it.
pub fn decode_source(bytes: &[u8], filename: &str) -> Result<String, SyntaxError> {
    let (bom, body) = match bytes.strip_prefix(b"\xef\xbb\xbf") {
        Some(rest) => (true, rest),
        None => (false, bytes),
    };
    let cookie = coding_cookie(body);
    let name = cookie.as_deref().map(normal_name);
    if bom {
        if let Some(n) = &name {
            if n != "utf-8" {
                return Err(no_location(
                    filename,
                    format!("encoding problem: {n} with BOM"),
                ));
            }
        }
    }
    match name.as_deref() {
        None | Some("utf-8") => match std::str::from_utf8(body) {
            Ok(text) if bom => Ok(format!("\u{feff}{text}")),
            Ok(text) => Ok(text.to_string()),
            Err(e) => {
                let at = e.valid_up_to();
                let line = body[..at].iter().filter(|&&b| b == b'\n').count() as u32 + 1;
                if name.is_none() {
                    Err(no_location(
                        filename,
                        format!(
                            "Non-UTF-8 code starting with '\\x{:02x}' in file {filename} on line {line}, but no encoding declared; see https://peps.python.org/pep-0263/ for details",
                            body[at]
                        ),
                    ))
                } else {
                    // Declared UTF-8: CPython fails on the string holding the bad byte.
                    let text = String::from_utf8_lossy(body);
                    let line_text = text.split('\n').nth(line as usize - 1).map(str::to_string);
                    Err(SyntaxError {
                        kind: SyntaxErrorKind::SyntaxError,
                        msg: format!(
                            "(unicode error) 'utf-8' codec can't decode byte 0x{:02x} in position 0: invalid start byte",
                            body[at]
                        ),
                        filename: filename.to_string(),
                        line,
                        col: 0,
                        end_col: 0,
                        text: line_text,
                        caret: false,
                    })
                }
            }
        },
        Some(n @ "iso-8859-1") => {
            let _ = n;
            Ok(body.iter().map(|&b| char::from(b)).collect())
        }
        Some("ascii" | "us-ascii") => {
            if body.is_ascii() {
                Ok(String::from_utf8_lossy(body).into_owned())
            } else {
                Err(no_location(filename, "encoding problem: ascii".into()))
            }
        }
        Some(n) => {
            let problem = || no_location(filename, format!("encoding problem: {n}"));
            if matches!(n, "gbk" | "gb2312" | "cp936" | "936" | "ms936") && !is_gbk(body) {
                // encoding_rs decodes GBK as GB18030, which accepts more than CPython.
                return Err(problem());
            }
            let encoding = encoding_rs::Encoding::for_label(n.as_bytes()).ok_or_else(problem)?;
            encoding
                .decode_without_bom_handling_and_without_replacement(body)
                .map(|text| text.into_owned())
                .ok_or_else(problem)
        }
    }
}

/// Two-byte GBK structure: a lead byte 0x81-0xFE, then 0x40-0xFE except 0x7F.
fn is_gbk(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            0x00..=0x7f => i += 1,
            0x81..=0xfe => match bytes.get(i + 1) {
                Some(0x40..=0x7e | 0x80..=0xfe) => i += 2,
                _ => return false,
            },
            _ => return false,
        }
    }
    true
}

fn no_location(filename: &str, msg: String) -> SyntaxError {
    SyntaxError {
        kind: SyntaxErrorKind::SyntaxError,
        msg,
        filename: filename.to_string(),
        line: 0,
        col: 0,
        end_col: 0,
        text: None,
        caret: false,
    }
}

/// The PEP 263 cookie on line 1, or on line 2 when line 1 is blank or a comment:
/// `^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)`.
pub(crate) fn coding_cookie(body: &[u8]) -> Option<String> {
    let mut lines = body.split(|&b| b == b'\n');
    let first = lines.next()?;
    if let Some(c) = cookie_in(first) {
        return Some(c);
    }
    let trimmed: Vec<u8> = first
        .iter()
        .copied()
        .skip_while(|b| matches!(b, b' ' | b'\t' | b'\x0c'))
        .collect();
    if trimmed.is_empty() || trimmed[0] == b'#' || trimmed == b"\r" {
        return lines.next().and_then(cookie_in);
    }
    None
}

fn cookie_in(line: &[u8]) -> Option<String> {
    let start = line
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\x0c'))?;
    if line[start] != b'#' {
        return None;
    }
    let rest = &line[start..];
    let at = rest.windows(6).position(|w| w == b"coding")?;
    let after = &rest[at + 6..];
    if !matches!(after.first(), Some(b':' | b'=')) {
        // `.*?` is lazy: a later "coding:" on the same line still counts.
        return cookie_in_tail(&rest[at + 6..]);
    }
    let name: String = after[1..]
        .iter()
        .skip_while(|b| matches!(b, b' ' | b'\t'))
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        .map(|&b| char::from(b))
        .collect();
    if name.is_empty() {
        None
    } else {
        Some(name)
    }
}

fn cookie_in_tail(rest: &[u8]) -> Option<String> {
    let mut line = b"#".to_vec();
    line.extend_from_slice(rest);
    cookie_in(&line)
}

/// CPython's `get_normal_name`: the spellings of UTF-8 and Latin-1 it recognises itself;
/// other names go to the codec registry (here, lower-cased for `encoding_rs` labels).
fn normal_name(name: &str) -> String {
    let lower = name.to_ascii_lowercase().replace('_', "-");
    let first12: String = lower.chars().take(12).collect();
    if lower == "utf-8" || lower.starts_with("utf-8-") || lower == "utf8" {
        return "utf-8".into();
    }
    for latin in ["latin-1", "iso-8859-1", "iso-latin-1"] {
        if first12 == latin || lower.starts_with(&format!("{latin}-")) {
            return "iso-8859-1".into();
        }
    }
    if lower == "latin1" {
        return "iso-8859-1".into();
    }
    lower
}
