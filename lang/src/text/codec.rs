//! `str.encode` and `bytes.decode`: utf-8, utf-16, utf-32, latin-1, ascii, gbk, gb2312 and gb18030,
//! with CPython 3.11's error handlers, error positions and `UnicodeError` messages.
//!
//! The Chinese codecs follow CPython's `_codecs_cn`, not WHATWG: `gbk` is two-byte only and
//! leaves the user-defined areas undefined, `gb2312` is EUC-CN, `gb18030` is the 2000 edition.
//! `encoding_rs` supplies the big tables; the small tables below are where CPython differs
//! (found by comparing every code in both, see the tests).

use encoding_rs::{EncoderResult, GB18030};
use std::fmt::Write as _;

/// Why an encode or decode failed, worded as CPython's exception.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CodecError {
    /// A `LookupError`: `unknown encoding: xyz`, or an unknown error handler (CPython's
    /// message names the codec unless the codec is one of its C fast paths).
    #[error("{0}")]
    Lookup(String),
    /// `UnicodeDecodeError`
    #[error("{0}")]
    Decode(DecodeError),
    /// `UnicodeEncodeError`
    #[error("{0}")]
    Encode(EncodeError),
}

impl CodecError {
    /// The Python exception class: `"LookupError"`, `"UnicodeDecodeError"` or `"UnicodeEncodeError"`.
    pub fn class_name(&self) -> &'static str {
        match self {
            CodecError::Lookup(_) => "LookupError",
            CodecError::Decode(_) => "UnicodeDecodeError",
            CodecError::Encode(_) => "UnicodeEncodeError",
        }
    }
}

/// The attributes of a `UnicodeDecodeError`; positions are byte offsets, `end` exclusive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    pub encoding: &'static str,
    pub start: usize,
    pub end: usize,
    pub reason: &'static str,
    /// The byte at `start`, which the one-byte message shows.
    pub byte: u8,
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.end == self.start + 1 {
            write!(
                f,
                "'{}' codec can't decode byte 0x{:02x} in position {}: {}",
                self.encoding, self.byte, self.start, self.reason
            )
        } else {
            write!(
                f,
                "'{}' codec can't decode bytes in position {}-{}: {}",
                self.encoding,
                self.start,
                self.end - 1,
                self.reason
            )
        }
    }
}

/// The attributes of a `UnicodeEncodeError`; positions count characters, `end` exclusive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodeError {
    pub encoding: &'static str,
    pub start: usize,
    pub end: usize,
    pub reason: &'static str,
    /// The character at `start`, which the one-character message shows.
    pub ch: char,
}

impl std::fmt::Display for EncodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.end == self.start + 1 {
            let cp = self.ch as u32;
            let shown = if cp <= 0xff {
                format!("\\x{cp:02x}")
            } else if cp <= 0xffff {
                format!("\\u{cp:04x}")
            } else {
                format!("\\U{cp:08x}")
            };
            write!(
                f,
                "'{}' codec can't encode character '{}' in position {}: {}",
                self.encoding, shown, self.start, self.reason
            )
        } else {
            write!(
                f,
                "'{}' codec can't encode characters in position {}-{}: {}",
                self.encoding,
                self.start,
                self.end - 1,
                self.reason
            )
        }
    }
}

/// The codecs this module implements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Codec {
    Utf8,
    /// utf-8 that writes a byte order mark and skips one when reading.
    Utf8Sig,
    /// utf-16 with a byte order mark (little-endian when writing, as on CPython's hosts).
    Utf16,
    Utf16Le,
    Utf16Be,
    /// utf-32 with a byte order mark (little-endian when writing).
    Utf32,
    Utf32Le,
    Utf32Be,
    Latin1,
    Ascii,
    Gbk,
    Gb2312,
    Gb18030,
}

impl Codec {
    /// The name CPython's error messages use: `Codec::Gbk.name() == "gbk"`.
    pub fn name(self) -> &'static str {
        match self {
            Codec::Utf8 => "utf-8",
            Codec::Utf8Sig => "utf-8-sig",
            Codec::Utf16 => "utf-16",
            Codec::Utf16Le => "utf-16-le",
            Codec::Utf16Be => "utf-16-be",
            Codec::Utf32 => "utf-32",
            Codec::Utf32Le => "utf-32-le",
            Codec::Utf32Be => "utf-32-be",
            Codec::Latin1 => "latin-1",
            Codec::Ascii => "ascii",
            Codec::Gbk => "gbk",
            Codec::Gb2312 => "gb2312",
            Codec::Gb18030 => "gb18030",
        }
    }

    /// `codecs.lookup(name)`: `Codec::lookup("UTF8") == Ok(Codec::Utf8)`, `"cp936"` is gbk.
    pub fn lookup(encoding: &str) -> Result<Codec, CodecError> {
        let norm = normalize_encoding(encoding);
        let codec = match norm.replace('.', "_").as_str() {
            "utf_8" | "utf8" | "u8" | "utf" | "utf8_ucs2" | "utf8_ucs4" | "cp65001" => Codec::Utf8,
            "utf_8_sig" => Codec::Utf8Sig,
            "utf_16" | "utf16" | "u16" => Codec::Utf16,
            "utf_16_le" | "utf_16le" => Codec::Utf16Le,
            "utf_16_be" | "utf_16be" => Codec::Utf16Be,
            "utf_32" | "utf32" | "u32" => Codec::Utf32,
            "utf_32_le" | "utf_32le" => Codec::Utf32Le,
            "utf_32_be" | "utf_32be" => Codec::Utf32Be,
            "latin_1" | "latin1" | "latin" | "l1" | "iso_8859_1" | "iso8859_1" | "8859"
            | "cp819" | "ibm819" | "iso_ir_100" | "csisolatin1" | "iso_8859_1_1987" => {
                Codec::Latin1
            }
            "ascii" | "us_ascii" | "646" | "ansi_x3_4_1968" | "ansi_x3_4_1986" | "cp367"
            | "csascii" | "ibm367" | "iso646_us" | "iso_646_irv_1991" | "iso_ir_6" | "us" => {
                Codec::Ascii
            }
            "gbk" | "936" | "cp936" | "ms936" => Codec::Gbk,
            "gb2312" | "chinese" | "csiso58gb231280" | "euc_cn" | "euccn" | "eucgb2312_cn"
            | "gb2312_1980" | "gb2312_80" | "iso_ir_58" => Codec::Gb2312,
            "gb18030" | "gb18030_2000" => Codec::Gb18030,
            _ => return Err(CodecError::Lookup(format!("unknown encoding: {encoding}"))),
        };
        Ok(codec)
    }
}

/// `encodings.normalize_encoding` after CPython's lower-casing: runs of punctuation between
/// alphanumerics become one `_`.
fn normalize_encoding(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut punct = false;
    for c in name.chars() {
        if c.is_alphanumeric() || c == '.' {
            if punct && !out.is_empty() {
                out.push('_');
            }
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            }
            punct = false;
        } else {
            punct = true;
        }
    }
    out
}

/// One step of a decoder at some position.
enum Decoded {
    Char(char, usize),
    /// An undecodable run of `len` bytes.
    Error(usize, &'static str),
}

/// One step of an encoder for one character.
enum Encoded {
    Bytes([u8; 4], usize),
    Error(&'static str),
}

/// `bytes.decode(encoding, errors)`: `decode("你好".as_bytes(), "gbk", "strict") == Ok("浣犲ソ".into())`.
///
/// `errors` is `strict`, `ignore`, `replace` or `backslashreplace`.
pub fn decode(bytes: &[u8], encoding: &str, errors: &str) -> Result<String, CodecError> {
    let codec = Codec::lookup(encoding)?;
    decode_with(bytes, codec, errors).map_err(|e| wrap_lookup(e, "decoding", encoding))
}

fn unknown_handler(name: &str) -> CodecError {
    CodecError::Lookup(format!("unknown error handler name '{name}'"))
}

/// CPython wraps a LookupError raised inside a codec written in Python (every codec but its
/// C fast paths for utf-8/16/32, ascii and latin-1) as "encoding with 'name' codec failed (...)".
fn wrap_lookup(err: CodecError, action: &str, encoding: &str) -> CodecError {
    let CodecError::Lookup(message) = err else {
        return err;
    };
    let fast = matches!(
        normalize_encoding(encoding).as_str(),
        "utf8"
            | "utf_8"
            | "utf16"
            | "utf_16"
            | "utf32"
            | "utf_32"
            | "ascii"
            | "us_ascii"
            | "latin1"
            | "latin_1"
            | "iso_8859_1"
            | "iso8859_1"
    );
    if fast {
        return CodecError::Lookup(message);
    }
    CodecError::Lookup(format!(
        "{action} with '{encoding}' codec failed (LookupError: {message})"
    ))
}

/// [`decode`] with an already looked-up codec: `decode_with(b"\xe4", Codec::Latin1, "strict") == Ok("ä".into())`.
pub fn decode_with(bytes: &[u8], codec: Codec, errors: &str) -> Result<String, CodecError> {
    match codec {
        Codec::Utf8 => decode_utf8(bytes, errors),
        // Positions count from after the mark, as CPython decodes the rest on its own.
        Codec::Utf8Sig => decode_utf8(bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes), errors),
        Codec::Latin1 => Ok(bytes.iter().map(|&b| b as char).collect()),
        Codec::Utf16 => {
            if bytes.starts_with(b"\xff\xfe") {
                decode_utf16(bytes, 2, false, errors)
            } else if bytes.starts_with(b"\xfe\xff") {
                decode_utf16(bytes, 2, true, errors)
            } else {
                decode_utf16(bytes, 0, false, errors)
            }
        }
        Codec::Utf16Le => decode_utf16(bytes, 0, false, errors),
        Codec::Utf16Be => decode_utf16(bytes, 0, true, errors),
        Codec::Utf32 => {
            if bytes.starts_with(b"\xff\xfe\x00\x00") {
                decode_utf32(bytes, 4, false, errors)
            } else if bytes.starts_with(b"\x00\x00\xfe\xff") {
                decode_utf32(bytes, 4, true, errors)
            } else {
                decode_utf32(bytes, 0, false, errors)
            }
        }
        Codec::Utf32Le => decode_utf32(bytes, 0, false, errors),
        Codec::Utf32Be => decode_utf32(bytes, 0, true, errors),
        Codec::Ascii => decode_steps(bytes, codec.name(), errors, |b| {
            if b[0] < 0x80 {
                Decoded::Char(b[0] as char, 1)
            } else {
                Decoded::Error(1, "ordinal not in range(128)")
            }
        }),
        Codec::Gbk => decode_steps(bytes, "gbk", errors, |b| decode_cjk(b, gbk_pair)),
        Codec::Gb2312 => decode_steps(bytes, "gb2312", errors, |b| decode_cjk(b, gb2312_pair)),
        Codec::Gb18030 => decode_steps(bytes, "gb18030", errors, decode_gb18030),
    }
}

/// Applies the error handler to one undecodable run; `Err` for strict.
fn on_decode_error(
    out: &mut String,
    errors: &str,
    err: DecodeError,
    bytes: &[u8],
) -> Result<(), CodecError> {
    match errors {
        "strict" => return Err(CodecError::Decode(err)),
        "ignore" => {}
        "replace" => out.push('\u{fffd}'),
        "backslashreplace" => {
            for b in &bytes[err.start..err.end] {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
        other => return Err(unknown_handler(other)),
    }
    Ok(())
}

fn decode_steps(
    bytes: &[u8],
    name: &'static str,
    errors: &str,
    step: impl Fn(&[u8]) -> Decoded,
) -> Result<String, CodecError> {
    let mut out = String::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match step(&bytes[i..]) {
            Decoded::Char(c, n) => {
                out.push(c);
                i += n;
            }
            Decoded::Error(n, reason) => {
                let err = DecodeError {
                    encoding: name,
                    start: i,
                    end: i + n,
                    reason,
                    byte: bytes[i],
                };
                on_decode_error(&mut out, errors, err, bytes)?;
                i += n;
            }
        }
    }
    Ok(out)
}

fn decode_utf8(bytes: &[u8], errors: &str) -> Result<String, CodecError> {
    let mut out = String::with_capacity(bytes.len());
    let mut i = 0;
    loop {
        match std::str::from_utf8(&bytes[i..]) {
            Ok(s) => {
                out.push_str(s);
                return Ok(out);
            }
            Err(e) => {
                let valid = e.valid_up_to();
                // The prefix was just validated.
                out.push_str(std::str::from_utf8(&bytes[i..i + valid]).unwrap_or_default());
                let start = i + valid;
                let (len, reason) = match e.error_len() {
                    None => (bytes.len() - start, "unexpected end of data"),
                    Some(n) => {
                        let b = bytes[start];
                        if n == 1 && !(0xc2..=0xf4).contains(&b) {
                            (1, "invalid start byte")
                        } else {
                            (n, "invalid continuation byte")
                        }
                    }
                };
                let err = DecodeError {
                    encoding: "utf-8",
                    start,
                    end: start + len,
                    reason,
                    byte: bytes[start],
                };
                on_decode_error(&mut out, errors, err, bytes)?;
                i = start + len;
            }
        }
    }
}

/// Decodes UTF-16 units from `bytes[start..]` (after any byte order mark).
fn decode_utf16(
    bytes: &[u8],
    start: usize,
    big_endian: bool,
    errors: &str,
) -> Result<String, CodecError> {
    let name = if big_endian { "utf-16-be" } else { "utf-16-le" };
    let unit = |b: &[u8]| {
        if big_endian {
            u16::from_be_bytes([b[0], b[1]])
        } else {
            u16::from_le_bytes([b[0], b[1]])
        }
    };
    let mut out = String::with_capacity(bytes.len() / 2);
    let mut i = start;
    while i < bytes.len() {
        let rest = &bytes[i..];
        let (len, reason) = if rest.len() < 2 {
            (rest.len(), "truncated data")
        } else {
            let u = unit(rest);
            match u {
                0xd800..=0xdbff if rest.len() < 4 => (rest.len(), "unexpected end of data"),
                0xd800..=0xdbff => {
                    let lo = unit(&rest[2..]);
                    if (0xdc00..=0xdfff).contains(&lo) {
                        let cp =
                            0x10000 + ((u32::from(u) - 0xd800) << 10) + (u32::from(lo) - 0xdc00);
                        out.extend(char::from_u32(cp));
                        i += 4;
                        continue;
                    }
                    (2, "illegal UTF-16 surrogate")
                }
                0xdc00..=0xdfff => (2, "illegal encoding"),
                _ => {
                    out.extend(char::from_u32(u32::from(u)));
                    i += 2;
                    continue;
                }
            }
        };
        let err = DecodeError {
            encoding: name,
            start: i,
            end: i + len,
            reason,
            byte: rest[0],
        };
        on_decode_error(&mut out, errors, err, bytes)?;
        i += len;
    }
    Ok(out)
}

/// Decodes UTF-32 units from `bytes[start..]` (after any byte order mark).
fn decode_utf32(
    bytes: &[u8],
    start: usize,
    big_endian: bool,
    errors: &str,
) -> Result<String, CodecError> {
    let name = if big_endian { "utf-32-be" } else { "utf-32-le" };
    let mut out = String::with_capacity(bytes.len() / 4);
    let mut i = start;
    while i < bytes.len() {
        let rest = &bytes[i..];
        let (len, reason) = if rest.len() < 4 {
            (rest.len(), "truncated data")
        } else {
            let unit = [rest[0], rest[1], rest[2], rest[3]];
            let cp = if big_endian {
                u32::from_be_bytes(unit)
            } else {
                u32::from_le_bytes(unit)
            };
            match cp {
                0xd800..=0xdfff => (
                    4,
                    "code point in surrogate code point range(0xd800, 0xe000)",
                ),
                0x110000.. => (4, "code point not in range(0x110000)"),
                _ => {
                    out.extend(char::from_u32(cp));
                    i += 4;
                    continue;
                }
            }
        };
        let err = DecodeError {
            encoding: name,
            start: i,
            end: i + len,
            reason,
            byte: rest[0],
        };
        on_decode_error(&mut out, errors, err, bytes)?;
        i += len;
    }
    Ok(out)
}

/// Decodes one code of `gbk`/`gb2312`: ASCII, or a two-byte code that `pair` knows.
fn decode_cjk(b: &[u8], pair: fn(u8, u8) -> Option<char>) -> Decoded {
    if b[0] < 0x80 {
        return Decoded::Char(b[0] as char, 1);
    }
    // CPython asks for the second byte before it looks at the first.
    if b.len() < 2 {
        return Decoded::Error(b.len(), "incomplete multibyte sequence");
    }
    match pair(b[0], b[1]) {
        Some(c) => Decoded::Char(c, 2),
        None => Decoded::Error(1, "illegal multibyte sequence"),
    }
}

/// GBK two-byte codes CPython's `gbk` leaves undefined although WHATWG's index maps them
/// (user-defined areas and later additions): `(first lead, last lead, first trail, last trail)`.
const GBK_UNDEFINED: &[(u8, u8, u8, u8)] = &[
    (0xA1, 0xA2, 0x40, 0xA0),
    (0xA2, 0xA2, 0xAB, 0xB0),
    (0xA2, 0xA2, 0xE3, 0xE4),
    (0xA2, 0xA2, 0xEF, 0xF0),
    (0xA2, 0xA2, 0xFD, 0xFE),
    (0xA3, 0xA4, 0x40, 0xA0),
    (0xA4, 0xA4, 0xF4, 0xFE),
    (0xA5, 0xA5, 0x40, 0xA0),
    (0xA5, 0xA5, 0xF7, 0xFE),
    (0xA6, 0xA6, 0x40, 0xA0),
    (0xA6, 0xA6, 0xB9, 0xC0),
    (0xA6, 0xA6, 0xD9, 0xDF),
    (0xA6, 0xA6, 0xEC, 0xED),
    (0xA6, 0xA6, 0xF3, 0xF3),
    (0xA6, 0xA6, 0xF6, 0xFE),
    (0xA7, 0xA7, 0x40, 0xA0),
    (0xA7, 0xA7, 0xC2, 0xD0),
    (0xA7, 0xA7, 0xF2, 0xFE),
    (0xA8, 0xA8, 0x96, 0xA0),
    (0xA8, 0xA8, 0xBC, 0xBC),
    (0xA8, 0xA8, 0xBF, 0xBF),
    (0xA8, 0xA8, 0xC1, 0xC4),
    (0xA8, 0xA8, 0xEA, 0xFE),
    (0xA9, 0xA9, 0x58, 0x58),
    (0xA9, 0xA9, 0x5B, 0x5B),
    (0xA9, 0xA9, 0x5D, 0x5F),
    (0xA9, 0xA9, 0x89, 0x95),
    (0xA9, 0xA9, 0x97, 0xA3),
    (0xA9, 0xA9, 0xF0, 0xFE),
    (0xAA, 0xAF, 0xA1, 0xFE),
    (0xD7, 0xD7, 0xFA, 0xFE),
    (0xF8, 0xFD, 0xA1, 0xFE),
    (0xFE, 0xFE, 0x50, 0xFE),
];

/// GB2312 codes where CPython's `gb2312` differs from its `gbk`: `None` is undefined.
const GB2312_DIFFERENT: &[(u16, Option<char>)] = &[
    (0xA1A4, Some('\u{30FB}')),
    (0xA1AA, Some('\u{2015}')),
    (0xA2A1, None),
    (0xA2A2, None),
    (0xA2A3, None),
    (0xA2A4, None),
    (0xA2A5, None),
    (0xA2A6, None),
    (0xA2A7, None),
    (0xA2A8, None),
    (0xA2A9, None),
    (0xA2AA, None),
    (0xA6E0, None),
    (0xA6E1, None),
    (0xA6E2, None),
    (0xA6E3, None),
    (0xA6E4, None),
    (0xA6E5, None),
    (0xA6E6, None),
    (0xA6E7, None),
    (0xA6E8, None),
    (0xA6E9, None),
    (0xA6EA, None),
    (0xA6EB, None),
    (0xA6EE, None),
    (0xA6EF, None),
    (0xA6F0, None),
    (0xA6F1, None),
    (0xA6F2, None),
    (0xA6F4, None),
    (0xA6F5, None),
    (0xA8BB, None),
    (0xA8BD, None),
    (0xA8BE, None),
    (0xA8C0, None),
];

/// Two-byte codes where CPython's `gb18030` (2000 edition) differs from WHATWG's (2005+).
const GB18030_DIFFERENT: &[(u16, char)] = &[
    (0xA3A0, '\u{E5E5}'),
    (0xA6D9, '\u{E78D}'),
    (0xA6DA, '\u{E78E}'),
    (0xA6DB, '\u{E78F}'),
    (0xA6DC, '\u{E790}'),
    (0xA6DD, '\u{E791}'),
    (0xA6DE, '\u{E792}'),
    (0xA6DF, '\u{E793}'),
    (0xA6EC, '\u{E794}'),
    (0xA6ED, '\u{E795}'),
    (0xA6F3, '\u{E796}'),
    (0xA8BC, '\u{E7C7}'),
    (0xFE59, '\u{E81E}'),
    (0xFE61, '\u{E826}'),
    (0xFE66, '\u{E82B}'),
    (0xFE67, '\u{E82C}'),
    (0xFE6D, '\u{E832}'),
    (0xFE7E, '\u{E843}'),
    (0xFE90, '\u{E854}'),
    (0xFEA0, '\u{E864}'),
];

/// The one four-byte code where CPython's `gb18030` differs from WHATWG's.
const GB18030_FOUR_BYTE_DIFFERENT: ([u8; 4], char) = ([0x81, 0x35, 0xF4, 0x37], '\u{1E3F}');

/// Characters CPython's `gb18030` encodes differently from WHATWG's encoder.
const GB18030_ENCODE_DIFFERENT: &[(char, &[u8])] = &[
    ('\u{1E3F}', b"\x81\x35\xf4\x37"),
    ('\u{9FB4}', b"\x82\x35\x90\x37"),
    ('\u{9FB5}', b"\x82\x35\x90\x38"),
    ('\u{9FB6}', b"\x82\x35\x90\x39"),
    ('\u{9FB7}', b"\x82\x35\x91\x30"),
    ('\u{9FB8}', b"\x82\x35\x91\x31"),
    ('\u{9FB9}', b"\x82\x35\x91\x32"),
    ('\u{9FBA}', b"\x82\x35\x91\x33"),
    ('\u{9FBB}', b"\x82\x35\x91\x34"),
    ('\u{E5E5}', b"\xa3\xa0"),
    ('\u{E7C7}', b"\xa8\xbc"),
    ('\u{FE10}', b"\x84\x31\x82\x36"),
    ('\u{FE11}', b"\x84\x31\x82\x37"),
    ('\u{FE12}', b"\x84\x31\x82\x38"),
    ('\u{FE13}', b"\x84\x31\x82\x39"),
    ('\u{FE14}', b"\x84\x31\x83\x30"),
    ('\u{FE15}', b"\x84\x31\x83\x31"),
    ('\u{FE16}', b"\x84\x31\x83\x32"),
    ('\u{FE17}', b"\x84\x31\x83\x33"),
    ('\u{FE18}', b"\x84\x31\x83\x34"),
    ('\u{FE19}', b"\x84\x31\x83\x35"),
];

/// WHATWG's gb18030 decoding of one complete code, if it is exactly one character.
fn whatwg_code(b: &[u8]) -> Option<char> {
    let s = GB18030.decode_without_bom_handling_and_without_replacement(b)?;
    let mut chars = s.chars();
    let c = chars.next()?;
    chars.next().is_none().then_some(c)
}

fn gbk_pair(lead: u8, trail: u8) -> Option<char> {
    if !(0x81..=0xfe).contains(&lead) || !(0x40..=0xfe).contains(&trail) || trail == 0x7f {
        return None;
    }
    if GBK_UNDEFINED
        .iter()
        .any(|&(l0, l1, t0, t1)| (l0..=l1).contains(&lead) && (t0..=t1).contains(&trail))
    {
        return None;
    }
    whatwg_code(&[lead, trail])
}

fn gb2312_pair(lead: u8, trail: u8) -> Option<char> {
    if !(0xa1..=0xf7).contains(&lead) || !(0xa1..=0xfe).contains(&trail) {
        return None;
    }
    let code = u16::from_be_bytes([lead, trail]);
    if let Ok(i) = GB2312_DIFFERENT.binary_search_by_key(&code, |&(c, _)| c) {
        return GB2312_DIFFERENT[i].1;
    }
    gbk_pair(lead, trail)
}

fn gb18030_pair(lead: u8, trail: u8) -> Option<char> {
    let code = u16::from_be_bytes([lead, trail]);
    if let Ok(i) = GB18030_DIFFERENT.binary_search_by_key(&code, |&(c, _)| c) {
        return Some(GB18030_DIFFERENT[i].1);
    }
    if !(0x81..=0xfe).contains(&lead) || !(0x40..=0xfe).contains(&trail) || trail == 0x7f {
        return None;
    }
    whatwg_code(&[lead, trail])
}

fn decode_gb18030(b: &[u8]) -> Decoded {
    if b[0] < 0x80 {
        return Decoded::Char(b[0] as char, 1);
    }
    if b.len() < 2 {
        return Decoded::Error(b.len(), "incomplete multibyte sequence");
    }
    if !(0x30..=0x39).contains(&b[1]) {
        return match gb18030_pair(b[0], b[1]) {
            Some(c) => Decoded::Char(c, 2),
            None => Decoded::Error(1, "illegal multibyte sequence"),
        };
    }
    if b.len() < 4 {
        return Decoded::Error(b.len(), "incomplete multibyte sequence");
    }
    let code = [b[0], b[1], b[2], b[3]];
    let valid_shape = (0x81..=0xfe).contains(&b[0])
        && (0x81..=0xfe).contains(&b[2])
        && (0x30..=0x39).contains(&b[3]);
    if !valid_shape {
        return Decoded::Error(1, "illegal multibyte sequence");
    }
    let c = u32::from(b[0] - 0x81);
    let lseq = ((c * 10 + u32::from(b[1] - 0x30)) * 126 + u32::from(b[2] - 0x81)) * 10
        + u32::from(b[3] - 0x30);
    let decoded = if c < 4 {
        if code == GB18030_FOUR_BYTE_DIFFERENT.0 {
            Some(GB18030_FOUR_BYTE_DIFFERENT.1)
        } else if lseq < 39420 {
            whatwg_code(&code)
        } else {
            None
        }
    } else if c >= 15 {
        let base = ((c - 15) * 10 + u32::from(b[1] - 0x30)) * 1260
            + u32::from(b[2] - 0x81) * 10
            + u32::from(b[3] - 0x30);
        char::from_u32(0x10000 + base)
    } else {
        None
    };
    match decoded {
        Some(ch) => Decoded::Char(ch, 4),
        None => Decoded::Error(1, "illegal multibyte sequence"),
    }
}

/// `str.encode(encoding, errors)`: `encode("你好", "gbk", "strict") == Ok(b"\xc4\xe3\xba\xc3".to_vec())`.
///
/// `errors` is `strict`, `ignore`, `replace`, `backslashreplace` or `xmlcharrefreplace`.
pub fn encode(s: &str, encoding: &str, errors: &str) -> Result<Vec<u8>, CodecError> {
    let codec = Codec::lookup(encoding)?;
    encode_with(s, codec, errors).map_err(|e| wrap_lookup(e, "encoding", encoding))
}

/// [`encode`] with an already looked-up codec: `encode_with("é", Codec::Latin1, "strict") == Ok(vec![0xe9])`.
pub fn encode_with(s: &str, codec: Codec, errors: &str) -> Result<Vec<u8>, CodecError> {
    match codec {
        Codec::Utf8 => Ok(s.as_bytes().to_vec()),
        Codec::Utf8Sig => Ok([&b"\xef\xbb\xbf"[..], s.as_bytes()].concat()),
        Codec::Utf16 | Codec::Utf16Le | Codec::Utf16Be => {
            let big = codec == Codec::Utf16Be;
            let mut out = Vec::with_capacity(s.len() * 2 + 2);
            if codec == Codec::Utf16 {
                out.extend_from_slice(b"\xff\xfe");
            }
            for u in s.encode_utf16() {
                out.extend_from_slice(&if big {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                });
            }
            Ok(out)
        }
        Codec::Utf32 | Codec::Utf32Le | Codec::Utf32Be => {
            let big = codec == Codec::Utf32Be;
            let mut out = Vec::with_capacity(s.len() * 4 + 4);
            if codec == Codec::Utf32 {
                out.extend_from_slice(b"\xff\xfe\x00\x00");
            }
            for c in s.chars() {
                let cp = c as u32;
                out.extend_from_slice(&if big {
                    cp.to_be_bytes()
                } else {
                    cp.to_le_bytes()
                });
            }
            Ok(out)
        }
        Codec::Latin1 => encode_steps(s, "latin-1", errors, true, |c| {
            single_byte(c, 0x100, "ordinal not in range(256)")
        }),
        Codec::Ascii => encode_steps(s, "ascii", errors, true, |c| {
            single_byte(c, 0x80, "ordinal not in range(128)")
        }),
        Codec::Gbk => encode_steps(s, "gbk", errors, false, |c| encode_two_byte(c, gbk_pair)),
        Codec::Gb2312 => encode_steps(s, "gb2312", errors, false, |c| match c {
            '\u{2015}' => Encoded::Bytes([0xa1, 0xaa, 0, 0], 2),
            '\u{30fb}' => Encoded::Bytes([0xa1, 0xa4, 0, 0], 2),
            c => encode_two_byte(c, gb2312_pair),
        }),
        Codec::Gb18030 => encode_steps(s, "gb18030", errors, false, encode_gb18030),
    }
}

fn single_byte(c: char, limit: u32, reason: &'static str) -> Encoded {
    if (c as u32) < limit {
        Encoded::Bytes([c as u32 as u8, 0, 0, 0], 1)
    } else {
        Encoded::Error(reason)
    }
}

/// WHATWG's gb18030 encoding of one character (1, 2 or 4 bytes).
fn whatwg_encode(c: char) -> Option<([u8; 4], usize)> {
    let mut buf = [0u8; 4];
    let mut utf8 = [0u8; 4];
    let mut encoder = GB18030.new_encoder();
    let (result, _, written) =
        encoder.encode_from_utf8_without_replacement(c.encode_utf8(&mut utf8), &mut buf, true);
    (result == EncoderResult::InputEmpty).then_some((buf, written))
}

/// A gbk/gb2312 code for `c`: WHATWG's two-byte code, kept only if CPython decodes it back to `c`.
fn encode_two_byte(c: char, pair: fn(u8, u8) -> Option<char>) -> Encoded {
    if c.is_ascii() {
        return Encoded::Bytes([c as u8, 0, 0, 0], 1);
    }
    match whatwg_encode(c) {
        Some((b, 2)) if pair(b[0], b[1]) == Some(c) => Encoded::Bytes(b, 2),
        _ => Encoded::Error("illegal multibyte sequence"),
    }
}

fn encode_gb18030(c: char) -> Encoded {
    if let Some(&(_, b)) = GB18030_ENCODE_DIFFERENT.iter().find(|&&(x, _)| x == c) {
        let mut out = [0u8; 4];
        out[..b.len()].copy_from_slice(b);
        return Encoded::Bytes(out, b.len());
    }
    match whatwg_encode(c) {
        Some((b, n)) => Encoded::Bytes(b, n),
        None => Encoded::Error("illegal multibyte sequence"),
    }
}

/// Runs an encoder over the characters of `s`. `runs` makes one error cover every following
/// unencodable character, as CPython's ascii and latin-1 encoders do.
fn encode_steps(
    s: &str,
    name: &'static str,
    errors: &str,
    runs: bool,
    step: impl Fn(char) -> Encoded,
) -> Result<Vec<u8>, CodecError> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        match step(chars[i]) {
            Encoded::Bytes(b, n) => {
                out.extend_from_slice(&b[..n]);
                i += 1;
            }
            Encoded::Error(reason) => {
                let mut end = i + 1;
                if runs {
                    while end < chars.len() && matches!(step(chars[end]), Encoded::Error(_)) {
                        end += 1;
                    }
                }
                let bad = &chars[i..end];
                match errors {
                    "strict" => {
                        return Err(CodecError::Encode(EncodeError {
                            encoding: name,
                            start: i,
                            end,
                            reason,
                            ch: chars[i],
                        }))
                    }
                    "ignore" => {}
                    "replace" => out.extend(bad.iter().map(|_| b'?')),
                    "backslashreplace" => {
                        for &c in bad {
                            let cp = c as u32;
                            let text = if cp <= 0xff {
                                format!("\\x{cp:02x}")
                            } else if cp <= 0xffff {
                                format!("\\u{cp:04x}")
                            } else {
                                format!("\\U{cp:08x}")
                            };
                            out.extend_from_slice(text.as_bytes());
                        }
                    }
                    "xmlcharrefreplace" => {
                        for &c in bad {
                            out.extend_from_slice(format!("&#{};", c as u32).as_bytes());
                        }
                    }
                    other => return Err(unknown_handler(other)),
                }
                i = end;
            }
        }
    }
    Ok(out)
}
