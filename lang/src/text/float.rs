//! Float to text and back as CPython 3.11 does it: `repr` (shortest round trip), the
//! `e`/`f`/`g`/`r` conversions of `PyOS_double_to_string`, and `float(str)` parsing.
//!
//! Rust's formatter already produces correctly rounded digits (shortest, or a fixed count
//! with round-half-even on the exact binary value, like David Gay's dtoa used by CPython),
//! so this module only has to take those digits and lay them out CPython's way.

use super::unicode::{decimal_value, is_space};

/// Options of [`to_string`], the `Py_DTSF_*` flags of CPython.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flags {
    /// Always write a sign (`+1.0`).
    pub sign: bool,
    /// Write `1.0` rather than `1` when the result has no decimal point.
    pub add_dot_0: bool,
    /// The `#` alternate form: keep the decimal point and trailing zeros.
    pub alt: bool,
    /// The `z` option: `-0.0` rounded to zero prints without its sign.
    pub no_neg_zero: bool,
}

/// Significant decimal digits of a finite, non-negative float: `0.d1d2d3... * 10**decpt`.
struct Digits {
    /// ASCII digits, no trailing zeros; `"0"` for zero.
    digits: Vec<u8>,
    decpt: i32,
}

impl Digits {
    /// Splits Rust's `{:e}` output (`"1.2345e-5"`) into digits and decimal point position.
    fn from_exp(s: &str) -> Digits {
        let (mant, exp) = s.split_once('e').unwrap_or((s, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let mut digits: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
        Self::trim(&mut digits);
        if digits == b"0" {
            return Digits { digits, decpt: 1 };
        }
        Digits {
            digits,
            decpt: exp + 1,
        }
    }

    /// Splits Rust's fixed output (`"0.00120"`) into digits and decimal point position.
    fn from_fixed(s: &str) -> Digits {
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        let all: Vec<u8> = int.bytes().chain(frac.bytes()).collect();
        let lead = all.iter().take_while(|&&b| b == b'0').count();
        if lead == all.len() {
            return Digits {
                digits: b"0".to_vec(),
                decpt: 1,
            };
        }
        let mut digits = all[lead..].to_vec();
        Self::trim(&mut digits);
        Digits {
            digits,
            decpt: int.len() as i32 - lead as i32,
        }
    }

    fn trim(digits: &mut Vec<u8>) {
        while digits.len() > 1 && digits.last() == Some(&b'0') {
            digits.pop();
        }
        if digits.is_empty() {
            digits.push(b'0');
        }
    }
}

/// The shortest digits that read back as `a`, choosing like David Gay's dtoa: among the
/// shortest candidates the nearest to `a`, ties to even. Rust's shortest formatter can pick
/// the other candidate of an exact tie (`2**-25` gives `...313e-8`, CPython `...312e-8`).
fn shortest_digits(a: f64) -> Digits {
    let rust = format!("{a:e}");
    let n = rust
        .split('e')
        .next()
        .map_or(1, |m| m.bytes().filter(u8::is_ascii_digit).count());
    if n >= 16 {
        let nearest = format!("{a:.prec$e}", prec = n - 1);
        if nearest != rust && nearest.parse::<f64>() == Ok(a) {
            return Digits::from_exp(&nearest);
        }
    }
    Digits::from_exp(&rust)
}

/// `PyOS_double_to_string`: `code` is one of `e E f F g G r`; `to_string(0.5, 'f', 2, Flags::default()) == "0.50"`.
///
/// `precision` counts digits after the point for `e`/`f`, significant digits for `g`
/// (0 means 1), and is ignored for `r` (shortest round trip).
pub fn to_string(x: f64, code: char, precision: usize, flags: Flags) -> String {
    let upper = code.is_ascii_uppercase();
    let code = code.to_ascii_lowercase();
    let mut out = String::new();
    if x.is_nan() {
        // CPython never writes a sign for a nan, even when asked to.
        out.push_str(if upper { "NAN" } else { "nan" });
        return out;
    }
    let negative = x.is_sign_negative();
    if x.is_infinite() {
        if negative {
            out.push('-');
        } else if flags.sign {
            out.push('+');
        }
        out.push_str(if upper { "INF" } else { "inf" });
        return out;
    }
    let a = x.abs();
    let (d, precision) = match code {
        'e' => (
            Digits::from_exp(&format!("{a:.precision$e}")),
            precision + 1,
        ),
        'f' => (Digits::from_fixed(&format!("{a:.precision$}")), precision),
        'g' => {
            let p = precision.max(1);
            (Digits::from_exp(&format!("{a:.prec$e}", prec = p - 1)), p)
        }
        _ => (shortest_digits(a), 0),
    };
    let digits = d.digits;
    let digits_len = digits.len() as i64;
    let mut decpt = d.decpt as i64;
    let precision = precision as i64;
    let is_zero = digits == b"0";

    let mut vdigits_end = digits_len;
    let mut use_exp = false;
    match code {
        'e' => {
            use_exp = true;
            vdigits_end = precision;
        }
        'f' => vdigits_end = decpt + precision,
        'g' => {
            let limit = if flags.add_dot_0 {
                precision - 1
            } else {
                precision
            };
            if decpt <= -4 || decpt > limit {
                use_exp = true;
            }
            if flags.alt {
                vdigits_end = precision;
            }
        }
        _ => {
            // repr switches to an exponent at 1e16, as CPython does.
            if decpt <= -4 || decpt > 16 {
                use_exp = true;
            }
        }
    }
    let mut exp = 0;
    if use_exp {
        exp = decpt - 1;
        decpt = 1;
    }
    let vdigits_start = if decpt <= 0 { decpt - 1 } else { 0 };
    if !use_exp && flags.add_dot_0 {
        vdigits_end = vdigits_end.max(decpt + 1);
    } else {
        vdigits_end = vdigits_end.max(decpt);
    }

    if negative && !(flags.no_neg_zero && is_zero) {
        out.push('-');
    } else if flags.sign {
        out.push('+');
    }
    let zeros = |out: &mut String, n: i64| {
        for _ in 0..n.max(0) {
            out.push('0');
        }
    };
    if decpt <= 0 {
        zeros(&mut out, decpt - vdigits_start);
        out.push('.');
        zeros(&mut out, -decpt);
    } else {
        zeros(&mut out, -vdigits_start);
    }
    let text = |b: &[u8]| b.iter().map(|&c| c as char).collect::<String>();
    if 0 < decpt && decpt <= digits_len {
        out.push_str(&text(&digits[..decpt as usize]));
        out.push('.');
        out.push_str(&text(&digits[decpt as usize..]));
    } else {
        out.push_str(&text(&digits));
    }
    if digits_len < decpt {
        zeros(&mut out, decpt - digits_len);
        out.push('.');
        zeros(&mut out, vdigits_end - decpt);
    } else {
        zeros(&mut out, vdigits_end - digits_len);
    }
    if out.ends_with('.') && !flags.alt {
        out.pop();
    }
    if use_exp {
        out.push(if upper { 'E' } else { 'e' });
        out.push(if exp < 0 { '-' } else { '+' });
        let e = exp.unsigned_abs();
        if e < 10 {
            out.push('0');
        }
        out.push_str(&e.to_string());
    }
    out
}

/// `repr(x)` and `str(x)`: `repr(1e16) == "1e+16"`, `repr(0.1) == "0.1"`, `repr(100.0) == "100.0"`.
pub fn repr(x: f64) -> String {
    to_string(
        x,
        'r',
        0,
        Flags {
            add_dot_0: true,
            ..Flags::default()
        },
    )
}

/// `format(x, spec)`: `format(3.14159, ".2f") == Ok("3.14".into())`; errors are CPython's ValueError texts.
pub fn format(x: f64, spec: &str) -> Result<String, String> {
    let spec = super::format::FormatSpec::parse(spec, "float")?;
    super::format::format_float(x, &spec).map_err(|e| e.message)
}

/// Normalises the text `float()`/`int()` accept: strips Python whitespace and maps every
/// script's decimal digits to ASCII. `None` if another non-ASCII character remains.
pub(crate) fn to_ascii_number(s: &str) -> Option<String> {
    let t = s.trim_matches(is_space);
    let mut out = String::with_capacity(t.len());
    for c in t.chars() {
        if c.is_ascii() {
            out.push(c);
        } else if let Some(d) = decimal_value(c) {
            out.push(char::from(b'0' + d as u8));
        } else if is_space(c) {
            out.push(' ');
        } else {
            return None;
        }
    }
    Some(out)
}

/// Removes underscores that sit between two digits; `None` if any other underscore exists.
pub(crate) fn strip_underscores(s: &str) -> Option<String> {
    if !s.contains('_') {
        return Some(s.to_string());
    }
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in b.iter().enumerate() {
        if c == b'_' {
            let before = i > 0 && b[i - 1].is_ascii_digit();
            let after = b.get(i + 1).is_some_and(u8::is_ascii_digit);
            if !(before && after) {
                return None;
            }
        } else {
            out.push(c as char);
        }
    }
    Some(out)
}

/// `float(s)` for a str: `parse("  1_0.5 ") == Some(10.5)`, `parse("-inf")`, `parse("nan")`;
/// `None` is CPython's "could not convert string to float" (see [`parse_error`]).
pub fn parse(s: &str) -> Option<f64> {
    let t = to_ascii_number(s)?;
    let t = strip_underscores(&t)?;
    parse_ascii(&t)
}

/// `float(b)` for bytes: ASCII only, same grammar. `parse_bytes(b" 2.5\n") == Some(2.5)`.
pub fn parse_bytes(b: &[u8]) -> Option<f64> {
    let s = std::str::from_utf8(b).ok()?;
    if !s.is_ascii() {
        return None;
    }
    parse(s)
}

/// The ValueError message for a failed `float(s)`: `could not convert string to float: 'abc'`.
pub fn parse_error(s: &str) -> String {
    format!(
        "could not convert string to float: {}",
        super::repr::str_repr(s)
    )
}

/// CPython's float grammar on trimmed ASCII: sign, then digits with an optional point and
/// exponent, or inf/infinity/nan in any case.
fn parse_ascii(t: &str) -> Option<f64> {
    let body = t.strip_prefix(['+', '-']).unwrap_or(t);
    let lower = body.to_ascii_lowercase();
    if matches!(lower.as_str(), "inf" | "infinity" | "nan") {
        return t.parse().ok();
    }
    let b = body.as_bytes();
    let mut i = 0;
    let int_digits = count_digits(&b[i..]);
    i += int_digits;
    let mut frac_digits = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        frac_digits = count_digits(&b[i..]);
        i += frac_digits;
    }
    if int_digits + frac_digits == 0 {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let n = count_digits(&b[i..]);
        if n == 0 {
            return None;
        }
        i += n;
    }
    if i != b.len() {
        return None;
    }
    t.parse().ok()
}

fn count_digits(b: &[u8]) -> usize {
    b.iter().take_while(|c| c.is_ascii_digit()).count()
}

/// `round(x, ndigits)` for a float: `round(2.675, 2) == Ok(2.67)`, `round(1234.5, -2) == Ok(1200.0)`.
///
/// Rounds the exact binary value half to even, as CPython's dtoa-based `double_round` does;
/// a result past the float range is CPython's OverflowError.
pub fn round(x: f64, ndigits: i64) -> Result<f64, super::TextError> {
    if !x.is_finite() {
        return Ok(x);
    }
    // CPython's bounds: beyond them the answer is x itself, or a signed zero.
    if ndigits > 323 {
        return Ok(x);
    }
    if ndigits < -308 {
        return Ok(0.0 * x);
    }
    if x == 0.0 {
        return Ok(x);
    }
    let text = if ndigits >= 0 {
        let p = ndigits as usize;
        format!("{x:.p$}")
    } else {
        round_to_power_of_ten(x, (-ndigits) as u32)
    };
    let rounded: f64 = text.parse().unwrap_or(f64::NAN);
    if rounded.is_infinite() {
        return Err(super::TextError::overflow(
            "rounded value too large to represent",
        ));
    }
    Ok(rounded)
}

/// The decimal text of `x` rounded half to even to a multiple of `10**k`, e.g. `"-12e2"`.
fn round_to_power_of_ten(x: f64, k: u32) -> String {
    use num_bigint::BigInt;
    use num_integer::Integer;
    let bits = x.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i64;
    let fraction = bits & ((1u64 << 52) - 1);
    // x = mantissa * 2**exp exactly.
    let (mantissa, exp) = if exponent == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1u64 << 52), exponent - 1075)
    };
    let scale = BigInt::from(10u32).pow(k);
    let (numerator, denominator) = if exp >= 0 {
        (BigInt::from(mantissa) << exp as usize, scale)
    } else {
        (BigInt::from(mantissa), scale << (-exp) as usize)
    };
    let (mut q, r) = numerator.div_rem(&denominator);
    let twice = r * 2u32;
    if twice > denominator || (twice == denominator && q.is_odd()) {
        q += 1u32;
    }
    let sign = if x.is_sign_negative() { "-" } else { "" };
    format!("{sign}{q}e{k}")
}
