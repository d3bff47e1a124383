//! Pure text and number algorithms of socklab's Python, independent of the VM's value type.
//!
//! Every function here reproduces what CPython 3.11 does, messages included, so the VM only
//! has to wrap the results in its own values and exceptions:
//!
//! * [`repr`]: `repr()`/`ascii()` of str and bytes;
//! * [`arith`]: float `//`, `%`, `divmod`, int `/`, exact int/float comparison and the
//!   numeric `hash()`es, as CPython computes them;
//! * [`float`]: float repr (shortest round trip), fixed/exponent formatting, `float(str)`,
//!   `round(x, n)`;
//! * [`format`]: the format-spec mini-language (`format(x, spec)`, f-strings) and `str.format`
//!   templates ([`format::render_template`]);
//! * [`percent`]: `%`-formatting of str and bytes, over the [`percent::PercentArgs`] trait;
//! * [`codec`]: `str.encode`/`bytes.decode` for utf-8(-sig), gbk, gb2312, gb18030, latin-1, ascii,
//!   utf-16 and utf-32, with CPython's `UnicodeError` wording and positions;
//! * [`strings`]: the fiddly `str` methods (split, splitlines, strip, title, is*...);
//! * [`bytes`]: the same methods on bytes, with ASCII semantics;
//! * [`int`]: `int(str, base)` parsing, radix conversion, `round`, `to_bytes`/`from_bytes`;
//! * [`json`]: the string and float literals of `json.dumps`;
//! * [`unicode`]: character classes (printable, alpha, decimal...) as CPython sees them.

pub mod arith;
pub mod bytes;
pub mod codec;
pub mod float;
pub mod format;
pub mod int;
pub mod json;
pub mod percent;
pub mod repr;
pub mod strings;
pub mod unicode;
mod unicode_tables;

/// The Python exception class an error of this module becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    TypeError,
    ValueError,
    OverflowError,
    IndexError,
    ZeroDivisionError,
}

impl ErrorKind {
    /// The class name as Python prints it: `ErrorKind::ValueError.name() == "ValueError"`.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::TypeError => "TypeError",
            ErrorKind::ValueError => "ValueError",
            ErrorKind::OverflowError => "OverflowError",
            ErrorKind::IndexError => "IndexError",
            ErrorKind::ZeroDivisionError => "ZeroDivisionError",
        }
    }
}

/// A Python exception raised by a text algorithm: its class and CPython's message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TextError {
    pub kind: ErrorKind,
    pub message: String,
}

impl TextError {
    /// A `ValueError` with this message.
    pub fn value(message: impl Into<String>) -> TextError {
        TextError {
            kind: ErrorKind::ValueError,
            message: message.into(),
        }
    }

    /// A `TypeError` with this message.
    pub fn type_error(message: impl Into<String>) -> TextError {
        TextError {
            kind: ErrorKind::TypeError,
            message: message.into(),
        }
    }

    /// An `OverflowError` with this message.
    pub fn overflow(message: impl Into<String>) -> TextError {
        TextError {
            kind: ErrorKind::OverflowError,
            message: message.into(),
        }
    }
}
