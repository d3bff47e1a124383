//! `int(text, base)` parsing and int-to-text conversions, with CPython 3.11's messages and
//! its 4300-digit limit on decimal conversion (`sys.int_info.default_max_str_digits`).

use super::float::to_ascii_number;
use super::repr::{bytes_repr, str_repr};
use super::TextError;
use num_bigint::{BigInt, Sign};
use num_traits::{Num, Zero};

/// CPython's default limit on the digits of a decimal int conversion.
pub const MAX_STR_DIGITS: usize = 4300;

fn limit_error(digits: Option<usize>) -> TextError {
    let detail = digits.map_or(String::new(), |n| format!(": value has {n} digits"));
    TextError::value(format!(
        "Exceeds the limit ({MAX_STR_DIGITS} digits) for integer string conversion{detail}; use sys.set_int_max_str_digits() to increase the limit"
    ))
}

/// `str(n)`: `to_decimal(&(-42).into()) == Ok("-42".into())`; an int of more than 4300 digits
/// is CPython's ValueError.
pub fn to_decimal(n: &BigInt) -> Result<String, TextError> {
    // Cheap bound first: 2**14000 already has more than 4300 decimal digits.
    if n.bits() > 14300 {
        return Err(limit_error(None));
    }
    let s = n.to_string();
    let digits = s.len() - usize::from(n.sign() == Sign::Minus);
    if digits > MAX_STR_DIGITS {
        return Err(limit_error(None));
    }
    Ok(s)
}

/// `n` in `radix` with a prefix after the sign, lower case: `to_radix(&(-255).into(), 16, "0x") == "-0xff"`.
pub fn to_radix(n: &BigInt, radix: u32, prefix: &str) -> String {
    let digits = n.magnitude().to_str_radix(radix);
    let sign = if n.sign() == Sign::Minus && !n.is_zero() {
        "-"
    } else {
        ""
    };
    format!("{sign}{prefix}{digits}")
}

/// `hex(n)`: `hex(&255.into()) == "0xff"`.
pub fn hex(n: &BigInt) -> String {
    to_radix(n, 16, "0x")
}

/// `oct(n)`: `oct(&8.into()) == "0o10"`.
pub fn oct(n: &BigInt) -> String {
    to_radix(n, 8, "0o")
}

/// `bin(n)`: `bin(&(-5).into()) == "-0b101"`.
pub fn bin(n: &BigInt) -> String {
    to_radix(n, 2, "0b")
}

fn check_base(base: u32) -> Result<(), TextError> {
    if base == 1 || base > 36 {
        return Err(TextError::value("int() base must be >= 2 and <= 36, or 0"));
    }
    Ok(())
}

/// `int(s, base)` for a str: `parse(" -0x_1f ", 16) == Ok((-31).into())`, `parse("٣", 10) == Ok(3.into())`;
/// `base` is 0 (literal prefix decides) or 2..=36.
///
/// Errors: `invalid literal for int() with base 10: 'abc'`, the base range, and the
/// 4300-digit limit.
pub fn parse(s: &str, base: u32) -> Result<BigInt, TextError> {
    check_base(base)?;
    let invalid = || {
        let mut shown = str_repr(s);
        truncate_chars(&mut shown, 200);
        TextError::value(format!(
            "invalid literal for int() with base {base}: {shown}"
        ))
    };
    let ascii = to_ascii_number(s).ok_or_else(invalid)?;
    parse_ascii(&ascii, base)?.ok_or_else(invalid)
}

/// `int(b, base)` for bytes: `parse_bytes(b" 1_0 ", 10) == Ok(10.into())`.
pub fn parse_bytes(b: &[u8], base: u32) -> Result<BigInt, TextError> {
    check_base(base)?;
    let invalid = || {
        let mut shown = bytes_repr(b);
        truncate_chars(&mut shown, 200);
        TextError::value(format!(
            "invalid literal for int() with base {base}: {shown}"
        ))
    };
    let text = std::str::from_utf8(b)
        .ok()
        .filter(|t| t.is_ascii())
        .ok_or_else(invalid)?;
    parse_ascii(text, base)?.ok_or_else(invalid)
}

/// `%.200R`: CPython cuts the repr at 200 characters.
fn truncate_chars(s: &mut String, n: usize) {
    if let Some((i, _)) = s.char_indices().nth(n) {
        s.truncate(i);
    }
}

fn is_py_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c')
}

/// `PyLong_FromString` on ASCII text: `Ok(None)` is an invalid literal.
fn parse_ascii(text: &str, base: u32) -> Result<Option<BigInt>, TextError> {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() && is_py_space(b[i]) {
        i += 1;
    }
    let mut negative = false;
    match b.get(i) {
        Some(b'+') => i += 1,
        Some(b'-') => {
            negative = true;
            i += 1;
        }
        _ => {}
    }
    let mut base = base;
    let next = b.get(i + 1).map(u8::to_ascii_lowercase);
    let mut error_if_nonzero = false;
    if base == 0 {
        base = match (b.get(i), next) {
            (Some(b'0'), Some(b'x')) => 16,
            (Some(b'0'), Some(b'o')) => 8,
            (Some(b'0'), Some(b'b')) => 2,
            (Some(b'0'), _) => {
                // A C-style octal literal: only zero is allowed.
                error_if_nonzero = true;
                10
            }
            _ => 10,
        };
    }
    if b.get(i) == Some(&b'0')
        && matches!(
            (base, next),
            (16, Some(b'x')) | (8, Some(b'o')) | (2, Some(b'b'))
        )
    {
        i += 2;
        if b.get(i) == Some(&b'_') {
            i += 1;
        }
    }
    if b.get(i) == Some(&b'_') {
        return Ok(None);
    }
    let mut digits = String::new();
    let mut prev_underscore = false;
    while i < b.len() {
        let c = b[i];
        if c == b'_' {
            if prev_underscore {
                return Ok(None);
            }
            prev_underscore = true;
        } else if char::from(c).is_digit(base) {
            digits.push(char::from(c));
            prev_underscore = false;
        } else {
            break;
        }
        i += 1;
    }
    if prev_underscore || digits.is_empty() {
        return Ok(None);
    }
    while i < b.len() && is_py_space(b[i]) {
        i += 1;
    }
    if i != b.len() {
        return Ok(None);
    }
    if !base.is_power_of_two() && digits.len() > MAX_STR_DIGITS {
        return Err(limit_error(Some(digits.len())));
    }
    let magnitude = BigInt::from_str_radix(&digits, base)
        .map_err(|_| TextError::value(format!("invalid literal for int() with base {base}")))?;
    if error_if_nonzero && !magnitude.is_zero() {
        return Ok(None);
    }
    Ok(Some(if negative { -magnitude } else { magnitude }))
}

/// `int(x)` for a float: truncation toward zero; `float_to_int(-3.9) == Ok((-3).into())`.
pub fn float_to_int(x: f64) -> Result<BigInt, TextError> {
    if x.is_nan() {
        return Err(TextError::value("cannot convert float NaN to integer"));
    }
    if x.is_infinite() {
        return Err(TextError::overflow(
            "cannot convert float infinity to integer",
        ));
    }
    // The fixed notation of an integral float is its exact value.
    let text = format!("{:.0}", x.trunc());
    Ok(text.parse::<BigInt>().unwrap_or_default())
}

/// `round(n, ndigits)` for an int: half to even at `10**-ndigits`; `round(&25.into(), -1) == 20`.
pub fn round(n: &BigInt, ndigits: i64) -> BigInt {
    use num_integer::Integer;
    if ndigits >= 0 {
        return n.clone();
    }
    let scale = BigInt::from(10u32).pow(ndigits.unsigned_abs().min(u64::from(u32::MAX)) as u32);
    // Floor division keeps the remainder non-negative for either sign of n.
    let (mut q, r) = n.div_mod_floor(&scale);
    let twice = r * 2u32;
    if twice > scale || (twice == scale && q.is_odd()) {
        q += 1u32;
    }
    q * scale
}

/// `n.to_bytes(length, byteorder, signed=...)`: `to_bytes(&(-1).into(), 2, true, true) == Ok(vec![0xff, 0xff])`.
pub fn to_bytes(
    n: &BigInt,
    length: i64,
    big_endian: bool,
    signed: bool,
) -> Result<Vec<u8>, TextError> {
    if length < 0 {
        return Err(TextError::value("length argument must be non-negative"));
    }
    if !signed && n.sign() == Sign::Minus {
        return Err(TextError::overflow(
            "can't convert negative int to unsigned",
        ));
    }
    // Minimal little-endian form; zero, and (a CPython quirk) -1 when signed, need no bytes.
    let minus_one = signed && *n == BigInt::from(-1);
    let mut bytes = if n.is_zero() || (minus_one && length == 0) {
        Vec::new()
    } else if signed {
        n.to_signed_bytes_le()
    } else {
        n.magnitude().to_bytes_le()
    };
    let length = usize::try_from(length).unwrap_or(usize::MAX);
    if bytes.len() > length {
        return Err(TextError::overflow("int too big to convert"));
    }
    let pad = if n.sign() == Sign::Minus { 0xff } else { 0 };
    bytes.resize(length, pad);
    if big_endian {
        bytes.reverse();
    }
    Ok(bytes)
}

/// `int.from_bytes(bytes, byteorder, signed=...)`: `from_bytes(b"\xff", true, true) == (-1).into()`.
pub fn from_bytes(bytes: &[u8], big_endian: bool, signed: bool) -> BigInt {
    match (big_endian, signed) {
        (true, true) => BigInt::from_signed_bytes_be(bytes),
        (false, true) => BigInt::from_signed_bytes_le(bytes),
        (true, false) => BigInt::from_bytes_be(Sign::Plus, bytes),
        (false, false) => BigInt::from_bytes_le(Sign::Plus, bytes),
    }
}
