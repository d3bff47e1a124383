//! `%`-formatting of str and bytes (`"%5.2f" % x`, `b"%s" % data`), as CPython 3.11 does it.
//!
//! The VM owns the values, so the right operand is reached through [`PercentArgs`]; this
//! module does the parsing, the conversions and CPython's TypeError/ValueError messages.

use super::float::{self, Flags};
use super::int::{float_to_int, to_decimal};
use super::{ErrorKind, TextError};
use num_bigint::{BigInt, Sign};
use num_traits::{ToPrimitive, Zero};

/// What a conversion needs to know about one argument's value.
#[derive(Clone, Debug, PartialEq)]
pub enum ArgValue {
    /// An int (bool included, and objects with `__index__`).
    Int(BigInt),
    Float(f64),
    Str(String),
    /// bytes, bytearray, or what `__bytes__` returned.
    Bytes(Vec<u8>),
    /// Anything else.
    Other,
}

/// A `%(key)s` mapping key: text in str formatting, bytes in bytes formatting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key<'a> {
    Str(&'a str),
    Bytes(&'a [u8]),
}

/// The right operand of `%`, implemented by the VM.
pub trait PercentArgs {
    /// One argument (a VM value).
    type Arg;
    /// The VM's exception, for lookups and `str()`/`repr()` that can raise.
    type Error;
    /// The item count if the right operand is a tuple; `None` for any other object, which
    /// is then the single argument.
    fn tuple_len(&self) -> Option<usize>;
    /// Tuple item `index`, or the whole right operand when it is not a tuple (`index` 0).
    fn get(&mut self, index: usize) -> Self::Arg;
    /// Whether the right operand can serve `%(key)s`: CPython asks for a `__getitem__` on
    /// something that is not a tuple or a str (so dicts, but lists too).
    fn is_mapping(&self) -> bool;
    /// `operand[key]`, raising the VM's KeyError (or TypeError for a list).
    fn lookup(&mut self, key: Key<'_>) -> Result<Self::Arg, Self::Error>;
    /// `str(arg)`.
    fn str(&mut self, arg: &Self::Arg) -> Result<String, Self::Error>;
    /// `repr(arg)`.
    fn repr(&mut self, arg: &Self::Arg) -> Result<String, Self::Error>;
    /// The value behind `arg`, for the numeric, `%c` and bytes `%s` conversions.
    fn value(&mut self, arg: &Self::Arg) -> Result<ArgValue, Self::Error>;
    /// `type(arg).__name__`, for error messages.
    fn type_name(&mut self, arg: &Self::Arg) -> String;
}

/// Why `%`-formatting failed: CPython's own error, or one the VM raised for an argument.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PercentError<E> {
    #[error("{0}")]
    Text(TextError),
    #[error("argument error")]
    Arg(E),
}

impl<E> From<TextError> for PercentError<E> {
    fn from(e: TextError) -> Self {
        PercentError::Text(e)
    }
}

/// `fmt % args` for str: `format("%s=%05.1f", &mut args) == Ok("x=003.1")` with args `("x", 3.14)`.
pub fn format<A: PercentArgs + ?Sized>(
    fmt: &str,
    args: &mut A,
) -> Result<String, PercentError<A::Error>> {
    let chars: Vec<char> = fmt.chars().collect();
    let out = run(&chars, args, false)?;
    Ok(out.into_iter().collect())
}

/// `fmt % args` for bytes: `format_bytes(b"%s:%d", &mut args) == Ok(b"GET:200".to_vec())`.
pub fn format_bytes<A: PercentArgs + ?Sized>(
    fmt: &[u8],
    args: &mut A,
) -> Result<Vec<u8>, PercentError<A::Error>> {
    // Bytes are carried as the chars U+0000..U+00FF so one engine serves both.
    let chars: Vec<char> = fmt.iter().map(|&b| b as char).collect();
    let out = run(&chars, args, true)?;
    Ok(out.into_iter().map(|c| c as u32 as u8).collect())
}

const F_LJUST: u8 = 1;
const F_SIGN: u8 = 2;
const F_BLANK: u8 = 4;
const F_ALT: u8 = 8;
const F_ZERO: u8 = 16;

/// Where the next positional argument comes from (CPython's `argidx`/`arglen`).
struct Cursor<Arg> {
    /// `Some(n)` for a tuple of n items; `None` for a single object.
    len: Option<usize>,
    next: usize,
    /// The value of the last `%(key)`, which replaces the operand as CPython does.
    keyed: Option<Option<Arg>>,
}

impl<Arg> Cursor<Arg> {
    fn next_arg<A: PercentArgs<Arg = Arg> + ?Sized>(
        &mut self,
        args: &mut A,
    ) -> Result<Arg, PercentError<A::Error>> {
        let not_enough = || {
            PercentError::Text(TextError::type_error(
                "not enough arguments for format string",
            ))
        };
        if let Some(slot) = &mut self.keyed {
            return slot.take().ok_or_else(not_enough);
        }
        match self.len {
            Some(n) if self.next < n => {
                self.next += 1;
                Ok(args.get(self.next - 1))
            }
            None if self.next == 0 => {
                self.next = 1;
                Ok(args.get(0))
            }
            _ => Err(not_enough()),
        }
    }

    fn all_used(&self) -> bool {
        match &self.keyed {
            Some(slot) => slot.is_none(),
            None => match self.len {
                Some(n) => self.next >= n,
                None => self.next == 1,
            },
        }
    }
}

fn type_err<E>(message: impl Into<String>) -> PercentError<E> {
    PercentError::Text(TextError::type_error(message))
}

fn value_err<E>(message: impl Into<String>) -> PercentError<E> {
    PercentError::Text(TextError::value(message))
}

fn overflow<E>(message: impl Into<String>) -> PercentError<E> {
    PercentError::Text(TextError::overflow(message))
}

/// Reads a `*` width or precision from the next argument.
fn star_arg<A: PercentArgs + ?Sized>(
    cursor: &mut Cursor<A::Arg>,
    args: &mut A,
) -> Result<i64, PercentError<A::Error>> {
    let arg = cursor.next_arg(args)?;
    match args.value(&arg).map_err(PercentError::Arg)? {
        ArgValue::Int(n) => n
            .to_i64()
            .ok_or_else(|| overflow("Python int too large to convert to C ssize_t")),
        _ => Err(type_err("* wants int")),
    }
}

fn read_number<E>(fmt: &[char], pos: &mut usize, what: &str) -> Result<i64, PercentError<E>> {
    let mut n: i64 = 0;
    while let Some(d) = fmt.get(*pos).and_then(|c| c.to_digit(10)) {
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(i64::from(d)))
            .ok_or_else(|| value_err(format!("{what} too big")))?;
        *pos += 1;
    }
    Ok(n)
}

fn run<A: PercentArgs + ?Sized>(
    fmt: &[char],
    args: &mut A,
    bytes: bool,
) -> Result<Vec<char>, PercentError<A::Error>> {
    let mapping = args.is_mapping();
    let mut cursor = Cursor {
        len: args.tuple_len(),
        next: 0,
        keyed: None,
    };
    let mut out: Vec<char> = Vec::with_capacity(fmt.len() + 16);
    let mut pos = 0;
    while pos < fmt.len() {
        if fmt[pos] != '%' {
            out.push(fmt[pos]);
            pos += 1;
            continue;
        }
        pos += 1;
        if fmt.get(pos) == Some(&'%') {
            out.push('%');
            pos += 1;
            continue;
        }
        if fmt.get(pos) == Some(&'(') {
            if !mapping {
                return Err(type_err("format requires a mapping"));
            }
            pos += 1;
            let start = pos;
            let mut depth = 1;
            while pos < fmt.len() {
                match fmt[pos] {
                    ')' => depth -= 1,
                    '(' => depth += 1,
                    _ => {}
                }
                pos += 1;
                if depth == 0 {
                    break;
                }
            }
            if depth > 0 {
                return Err(value_err("incomplete format key"));
            }
            let key_chars = &fmt[start..pos - 1];
            let value = if bytes {
                let key: Vec<u8> = key_chars.iter().map(|&c| c as u32 as u8).collect();
                args.lookup(Key::Bytes(&key))
            } else {
                let key: String = key_chars.iter().collect();
                args.lookup(Key::Str(&key))
            }
            .map_err(PercentError::Arg)?;
            cursor.keyed = Some(Some(value));
        }
        let mut flags = 0u8;
        while let Some(&c) = fmt.get(pos) {
            flags |= match c {
                '-' => F_LJUST,
                '+' => F_SIGN,
                ' ' => F_BLANK,
                '#' => F_ALT,
                '0' => F_ZERO,
                _ => break,
            };
            pos += 1;
        }
        let mut width: i64 = -1;
        if fmt.get(pos) == Some(&'*') {
            pos += 1;
            width = star_arg(&mut cursor, args)?;
            if width < 0 {
                flags |= F_LJUST;
                width = -width;
            }
        } else if fmt.get(pos).is_some_and(char::is_ascii_digit) {
            width = read_number(fmt, &mut pos, "width")?;
        }
        let mut prec: i64 = -1;
        if fmt.get(pos) == Some(&'.') {
            pos += 1;
            if fmt.get(pos) == Some(&'*') {
                pos += 1;
                prec = star_arg(&mut cursor, args)?.max(0);
            } else {
                prec = read_number(fmt, &mut pos, if bytes { "prec" } else { "precision" })?;
            }
        }
        while matches!(fmt.get(pos), Some('h' | 'l' | 'L')) {
            pos += 1;
        }
        let Some(&ch) = fmt.get(pos) else {
            return Err(value_err("incomplete format"));
        };
        pos += 1;
        let arg = cursor.next_arg(args)?;
        let spec = Spec {
            flags,
            width,
            prec,
            ch,
        };
        let (text, numeric) = convert(&spec, &arg, args, bytes, pos - 1)?;
        write_padded(&mut out, &spec, &text, numeric);
    }
    if !cursor.all_used() && !mapping {
        return Err(type_err(if bytes {
            "not all arguments converted during bytes formatting"
        } else {
            "not all arguments converted during string formatting"
        }));
    }
    Ok(out)
}

struct Spec {
    flags: u8,
    width: i64,
    prec: i64,
    ch: char,
}

/// The text of one conversion, and whether it is numeric (signs and zero padding apply).
fn convert<A: PercentArgs + ?Sized>(
    spec: &Spec,
    arg: &A::Arg,
    args: &mut A,
    bytes: bool,
    index: usize,
) -> Result<(Vec<char>, bool), PercentError<A::Error>> {
    let ch = spec.ch;
    let text: Vec<char> = match ch {
        's' | 'b' if bytes => match args.value(arg).map_err(PercentError::Arg)? {
            ArgValue::Bytes(b) => b.into_iter().map(|b| b as char).collect(),
            _ => {
                return Err(type_err(format!(
                "%b requires a bytes-like object, or an object that implements __bytes__, not '{}'",
                args.type_name(arg)
            )))
            }
        },
        's' => args.str(arg).map_err(PercentError::Arg)?.chars().collect(),
        'r' if !bytes => args.repr(arg).map_err(PercentError::Arg)?.chars().collect(),
        'r' | 'a' => {
            let repr = args.repr(arg).map_err(PercentError::Arg)?;
            ascii_escape(&repr).chars().collect()
        }
        'd' | 'i' | 'u' | 'o' | 'x' | 'X' => {
            let n = int_arg(args, arg, ch)?;
            return Ok((format_long(&n, spec)?.chars().collect(), true));
        }
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
            let x = match args.value(arg).map_err(PercentError::Arg)? {
                ArgValue::Float(x) => x,
                ArgValue::Int(n) => int_to_f64(&n)?,
                _ => {
                    let name = args.type_name(arg);
                    return Err(type_err(if bytes {
                        format!("float argument required, not {name}")
                    } else {
                        format!("must be real number, not {name}")
                    }));
                }
            };
            let prec = if spec.prec < 0 { 6 } else { spec.prec as usize };
            let flags = Flags {
                alt: spec.flags & F_ALT != 0,
                ..Flags::default()
            };
            return Ok((float::to_string(x, ch, prec, flags).chars().collect(), true));
        }
        'c' => vec![char_arg(args, arg, bytes)?],
        _ if bytes && ch as u32 >= 0x80 => {
            // CPython passes the byte as a signed C char to its `%c`, which then fails.
            return Err(overflow("character argument not in range(0x110000)"));
        }
        _ => {
            let printable = bytes || (31..=126).contains(&(ch as u32));
            let shown = if printable { ch } else { '?' };
            return Err(value_err(format!(
                "unsupported format character '{shown}' (0x{:x}) at index {index}",
                ch as u32
            )));
        }
    };
    Ok((text, false))
}

/// `ascii()` of a repr: every non-ASCII character as `\x`, `\u` or `\U` escape.
pub(crate) fn ascii_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let cp = c as u32;
        if c.is_ascii() {
            out.push(c);
        } else if cp <= 0xff {
            out.push_str(&std::format!("\\x{cp:02x}"));
        } else if cp <= 0xffff {
            out.push_str(&std::format!("\\u{cp:04x}"));
        } else {
            out.push_str(&std::format!("\\U{cp:08x}"));
        }
    }
    out
}

fn int_to_f64<E>(n: &BigInt) -> Result<f64, PercentError<E>> {
    n.to_f64()
        .filter(|x| x.is_finite())
        .ok_or_else(|| overflow("int too large to convert to float"))
}

/// The integer a `%d`/`%x`... conversion formats: floats truncate for `d i u` only.
fn int_arg<A: PercentArgs + ?Sized>(
    args: &mut A,
    arg: &A::Arg,
    ch: char,
) -> Result<BigInt, PercentError<A::Error>> {
    match args.value(arg).map_err(PercentError::Arg)? {
        ArgValue::Int(n) => Ok(n),
        ArgValue::Float(x) if !matches!(ch, 'o' | 'x' | 'X') => Ok(float_to_int(x)?),
        ArgValue::Float(_) => Err(type_err(format!(
            "%{ch} format: an integer is required, not float"
        ))),
        _ => {
            let name = args.type_name(arg);
            Err(type_err(if matches!(ch, 'o' | 'x' | 'X') {
                format!("%{ch} format: an integer is required, not {name}")
            } else {
                format!("%{ch} format: a real number is required, not {name}")
            }))
        }
    }
}

fn char_arg<A: PercentArgs + ?Sized>(
    args: &mut A,
    arg: &A::Arg,
    bytes: bool,
) -> Result<char, PercentError<A::Error>> {
    let value = args.value(arg).map_err(PercentError::Arg)?;
    if bytes {
        return match value {
            ArgValue::Int(n) => n
                .to_u8()
                .map(char::from)
                .ok_or_else(|| overflow("%c arg not in range(256)")),
            ArgValue::Bytes(b) if b.len() == 1 => Ok(char::from(b[0])),
            _ => Err(type_err(
                "%c requires an integer in range(256) or a single byte",
            )),
        };
    }
    match value {
        ArgValue::Int(n) => n
            .to_u32()
            .and_then(char::from_u32)
            .ok_or_else(|| overflow("%c arg not in range(0x110000)")),
        ArgValue::Str(s) if s.chars().count() == 1 => Ok(s.chars().next().unwrap_or('\0')),
        _ => Err(type_err("%c requires int or char")),
    }
}

/// `_PyUnicode_FormatLong`: sign, `0x`/`0o` prefix for `#`, digits zero-padded to the precision.
fn format_long(n: &BigInt, spec: &Spec) -> Result<String, TextError> {
    let (radix, prefix) = match spec.ch {
        'o' => (8, "0o"),
        'x' => (16, "0x"),
        'X' => (16, "0X"),
        _ => (10, ""),
    };
    let mut digits = if radix == 10 {
        to_decimal(&BigInt::from_biguint(Sign::Plus, n.magnitude().clone()))?
    } else {
        n.magnitude().to_str_radix(radix)
    };
    if spec.ch == 'X' {
        digits.make_ascii_uppercase();
    }
    let mut out = String::new();
    if n.sign() == Sign::Minus && !n.is_zero() {
        out.push('-');
    }
    if spec.flags & F_ALT != 0 {
        out.push_str(prefix);
    }
    if spec.prec > digits.len() as i64 {
        out.push_str(&"0".repeat(spec.prec as usize - digits.len()));
    }
    out.push_str(&digits);
    Ok(out)
}

/// `unicode_format_arg_output`: precision truncation, sign, prefix and padding.
fn write_padded(out: &mut Vec<char>, spec: &Spec, text: &[char], numeric: bool) {
    let flags = spec.flags;
    let fill = if numeric && flags & F_ZERO != 0 {
        '0'
    } else {
        ' '
    };
    let mut len = text.len() as i64;
    if matches!(spec.ch, 's' | 'r' | 'a' | 'b') && spec.prec >= 0 && len > spec.prec {
        len = spec.prec;
    }
    let mut start = 0usize;
    let mut sign_char = None;
    if numeric {
        match text.first() {
            Some(&c @ ('-' | '+')) => {
                sign_char = Some(c);
                len -= 1;
                start = 1;
            }
            _ if flags & F_SIGN != 0 => sign_char = Some('+'),
            _ if flags & F_BLANK != 0 => sign_char = Some(' '),
            _ => {}
        }
    }
    let mut width = spec.width.max(len);
    if let Some(c) = sign_char {
        if fill != ' ' {
            out.push(c);
        }
        if width > len {
            width -= 1;
        }
    }
    let alt_prefix = flags & F_ALT != 0 && matches!(spec.ch, 'x' | 'X' | 'o');
    if alt_prefix {
        if fill != ' ' {
            out.push('0');
            out.push(spec.ch);
        }
        width = (width - 2).max(0);
        len -= 2;
        start += 2;
    }
    if width > len && flags & F_LJUST == 0 {
        out.extend(std::iter::repeat_n(fill, (width - len) as usize));
        width = len;
    }
    if fill == ' ' {
        if let Some(c) = sign_char {
            out.push(c);
        }
        if alt_prefix {
            out.push('0');
            out.push(spec.ch);
        }
    }
    out.extend_from_slice(&text[start..start + len.max(0) as usize]);
    if width > len {
        out.extend(std::iter::repeat_n(' ', (width - len) as usize));
    }
}

/// The exception class of a [`PercentError::Text`], for the VM: `TypeError`, `ValueError`...
pub fn error_kind<E>(e: &PercentError<E>) -> Option<ErrorKind> {
    match e {
        PercentError::Text(t) => Some(t.kind),
        PercentError::Arg(_) => None,
    }
}
