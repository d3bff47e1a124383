//! str: the constructor and every method of CPython 3.11's `str`, worded errors included.
//!
//! The text algorithms (split, strip, case maps, padding, `is*`, format specs, codecs)
//! live in [`crate::text`]; this file binds arguments and wraps results. It also holds
//! the small argument helpers the other builtin-type files share.

use std::rc::Rc;

use crate::builtins::{arg_int, Args, NativeTable};
use crate::exc::{new_exc, type_error, value_error, PyErr, PyResult};
use crate::format::text_err;
use crate::text::format::{render_template, TemplateArgs};
use crate::text::percent::PercentError;
use crate::text::strings;
use crate::value::{Dict, PyStr, Value};
use crate::vm::Vm;

pub const METHODS: NativeTable = &[
    ("capitalize", str_capitalize),
    ("casefold", str_casefold),
    ("center", str_center),
    ("count", str_count),
    ("encode", str_encode),
    ("endswith", str_endswith),
    ("expandtabs", str_expandtabs),
    ("find", str_find),
    ("format", str_format),
    ("format_map", str_format_map),
    ("index", str_index),
    ("isalnum", str_isalnum),
    ("isalpha", str_isalpha),
    ("isascii", str_isascii),
    ("isdecimal", str_isdecimal),
    ("isdigit", str_isdigit),
    ("isidentifier", str_isidentifier),
    ("islower", str_islower),
    ("isnumeric", str_isnumeric),
    ("isprintable", str_isprintable),
    ("isspace", str_isspace),
    ("istitle", str_istitle),
    ("isupper", str_isupper),
    ("join", str_join),
    ("ljust", str_ljust),
    ("lower", str_lower),
    ("lstrip", str_lstrip),
    ("maketrans", str_maketrans),
    ("partition", str_partition),
    ("removeprefix", str_removeprefix),
    ("removesuffix", str_removesuffix),
    ("replace", str_replace),
    ("rfind", str_rfind),
    ("rindex", str_rindex),
    ("rjust", str_rjust),
    ("rpartition", str_rpartition),
    ("rsplit", str_rsplit),
    ("rstrip", str_rstrip),
    ("split", str_split),
    ("splitlines", str_splitlines),
    ("startswith", str_startswith),
    ("strip", str_strip),
    ("swapcase", str_swapcase),
    ("title", str_title),
    ("translate", str_translate),
    ("upper", str_upper),
    ("zfill", str_zfill),
    ("__len__", str_len),
    ("__contains__", str_contains),
    ("__getitem__", str_getitem),
];

// ---------------------------------------------------------------------------------------
// argument helpers shared by the builtin-type files

/// Which of CPython's argument parsers a C function uses: they word errors differently.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// METH_NOARGS / METH_O for 0 and 1 arguments, Argument Clinic otherwise.
    Auto,
    /// Argument Clinic: `reversed expected 1 argument, got 0`.
    Clinic,
    /// `PyArg_ParseTuple`: `find() takes at least 1 argument (0 given)`.
    Old,
}

/// Positional-only arguments between `min` and `max`; `qual` is `type.method` (or the
/// function name) as CPython's messages show it.
pub(crate) fn pos_args(args: Args, qual: &str, min: usize, max: usize) -> PyResult<Vec<Value>> {
    styled_args(args, qual, min, max, Style::Auto)
}

/// [`pos_args`] with Argument Clinic's wording even for one argument.
pub(crate) fn clinic_args(args: Args, qual: &str, min: usize, max: usize) -> PyResult<Vec<Value>> {
    styled_args(args, qual, min, max, Style::Clinic)
}

/// [`pos_args`] with `PyArg_ParseTuple`'s wording (str.find and friends).
pub(crate) fn old_args(args: Args, qual: &str, min: usize, max: usize) -> PyResult<Vec<Value>> {
    styled_args(args, qual, min, max, Style::Old)
}

fn styled_args(
    args: Args,
    qual: &str,
    min: usize,
    max: usize,
    style: Style,
) -> PyResult<Vec<Value>> {
    if !args.kw.is_empty() {
        return Err(type_error(format!("{qual}() takes no keyword arguments")));
    }
    let n = args.pos.len();
    if n >= min && n <= max {
        return Ok(args.pos);
    }
    let short = qual.rsplit('.').next().unwrap_or(qual);
    let s = |k: usize| if k == 1 { "" } else { "s" };
    let msg = match style {
        Style::Auto if max == 0 => format!("{qual}() takes no arguments ({n} given)"),
        Style::Auto if min == 1 && max == 1 => {
            format!("{qual}() takes exactly one argument ({n} given)")
        }
        Style::Old if n < min => format!(
            "{short}() takes at least {min} argument{} ({n} given)",
            s(min)
        ),
        Style::Old => format!(
            "{short}() takes at most {max} argument{} ({n} given)",
            s(max)
        ),
        _ if min == max => format!("{short} expected {min} argument{}, got {n}", s(min)),
        _ if n < min => format!(
            "{short} expected at least {min} argument{}, got {n}",
            s(min)
        ),
        _ => format!("{short} expected at most {max} argument{}, got {n}", s(max)),
    };
    Err(type_error(msg))
}

/// Bind positional-or-keyword parameters as CPython's keyword parsers do: at most
/// `max_pos` positionally, the first `required` mandatory, unknown keywords refused with
/// `'foo' is an invalid keyword argument for split()`.
pub(crate) fn kw_args<const N: usize>(
    args: Args,
    name: &str,
    params: [&str; N],
    required: usize,
    max_pos: usize,
) -> PyResult<[Option<Value>; N]> {
    let mut out: [Option<Value>; N] = std::array::from_fn(|_| None);
    let n = args.pos.len();
    let s = |k: usize| if k == 1 { "" } else { "s" };
    if n > max_pos {
        return Err(type_error(if max_pos == N {
            format!("{name}() takes at most {N} argument{} ({n} given)", s(N))
        } else {
            format!(
                "{name}() takes at most {max_pos} positional argument{} ({n} given)",
                s(max_pos)
            )
        }));
    }
    for (slot, v) in out.iter_mut().zip(args.pos) {
        *slot = Some(v);
    }
    for (k, v) in args.kw {
        match params.iter().position(|p| *p == &*k) {
            Some(i) if out[i].is_some() => {
                return Err(type_error(format!(
                    "argument for {name}() given by name ('{k}') and position ({})",
                    i + 1
                )))
            }
            Some(i) => out[i] = Some(v),
            None => {
                return Err(type_error(format!(
                    "'{k}' is an invalid keyword argument for {name}()"
                )))
            }
        }
    }
    for (i, slot) in out.iter().enumerate().take(required) {
        if slot.is_none() {
            return Err(type_error(format!(
                "{name}() missing required argument '{}' (pos {})",
                params[i],
                i + 1
            )));
        }
    }
    Ok(out)
}

/// The receiver of a method of a builtin type, or CPython's descriptor error when an
/// unbound method is called on the wrong type (`str.upper(5)`).
pub(crate) fn receiver(
    args: &mut Args,
    ty: &str,
    name: &str,
    ok: fn(&Value) -> bool,
) -> PyResult<Value> {
    if args.pos.is_empty() {
        return Err(type_error(format!(
            "unbound method {ty}.{name}() needs an argument"
        )));
    }
    // An IntEnum member (`socket.AF_INET.bit_length()`) is its int to int's methods.
    let v = args.pos.remove(0).unenum();
    if !ok(&v) {
        return Err(type_error(format!(
            "descriptor '{name}' for '{ty}' objects doesn't apply to a '{}' object",
            v.type_name()
        )));
    }
    Ok(v)
}

/// Drop the class of a class-level call (`int.from_bytes`, `dict.fromkeys`), which the
/// VM passes when the method is reached through an instance or a subclass.
pub(crate) fn drop_class_receiver(args: &mut Args) {
    if matches!(args.pos.first(), Some(Value::Class(_))) {
        args.pos.remove(0);
    }
}

/// An optional slice bound (`None` or absent means unbounded).
pub(crate) fn opt_index(v: Option<&Value>) -> PyResult<Option<i64>> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(Value::Int(i)) => Ok(Some(*i)),
        Some(Value::Bool(b)) => Ok(Some(*b as i64)),
        Some(Value::Long(b)) => Ok(Some(if b.sign() == num_bigint::Sign::Minus {
            i64::MIN
        } else {
            i64::MAX
        })),
        Some(_) => Err(type_error(
            "slice indices must be integers or None or have an __index__ method",
        )),
    }
}

/// CPython's ADJUST_INDICES: clamp `[start:end]` against `len`. May return start > end.
pub(crate) fn adjust_indices(start: Option<i64>, end: Option<i64>, len: usize) -> (usize, usize) {
    let len = len as i64;
    let fix = |v: i64| if v < 0 { (v + len).max(0) } else { v.min(len) };
    let s = start.map(fix).unwrap_or(0);
    let e = end.map(fix).unwrap_or(len);
    // A start past the end stays past it (find then reports -1).
    let s = if let Some(st) = start {
        if st > len {
            len + 1
        } else {
            s
        }
    } else {
        s
    };
    (s as usize, e as usize)
}

/// Results larger than this raise MemoryError instead of aborting the host on allocation.
pub(crate) const MAX_ALLOC: i64 = 1 << 30;

/// A requested size (padding width, byte count) that is safe to allocate.
pub(crate) fn checked_size(n: i64) -> PyResult<i64> {
    if n > MAX_ALLOC {
        return Err(crate::exc::new_exc_noargs("MemoryError"));
    }
    Ok(n)
}

/// A bool from a value (for flags like `keepends`), without the VM.
pub(crate) fn flag(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Int(i) => *i != 0,
        Value::None => false,
        _ => true,
    }
}

/// A str argument, `encode() argument 'encoding' must be str, not int` (or without the
/// name when `what` is empty: `removeprefix() argument must be str, not int`).
pub(crate) fn named_str(v: &Value, fname: &str, what: &str) -> PyResult<Rc<PyStr>> {
    match v {
        Value::Str(s) => Ok(s.clone()),
        other => {
            let sep = if what.is_empty() { "" } else { " " };
            Err(type_error(format!(
                "{fname}() argument{sep}{what} must be str, not {}",
                other.type_name()
            )))
        }
    }
}

fn is_str(v: &Value) -> bool {
    matches!(v, Value::Str(_))
}

fn this(args: &mut Args, name: &str) -> PyResult<Rc<PyStr>> {
    match receiver(args, "str", name, is_str)? {
        Value::Str(s) => Ok(s),
        _ => unreachable!("checked by receiver"),
    }
}

fn must_str(v: &Value) -> PyResult<&str> {
    match v {
        Value::Str(s) => Ok(s.as_str()),
        other => Err(type_error(format!(
            "must be str, not {}",
            other.type_name()
        ))),
    }
}

// ---------------------------------------------------------------------------------------
// constructor

/// `str(object='')`, `str(bytes, encoding, errors)`.
pub fn str_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    args.this();
    let [obj, encoding, errors] = args.bind("str", ["object", "encoding", "errors"], 0)?;
    let Some(obj) = obj else {
        return Ok(Value::str(""));
    };
    if encoding.is_some() || errors.is_some() {
        let enc = match &encoding {
            Some(e) => named_str(e, "str", "'encoding'")?.as_str().to_string(),
            None => "utf-8".into(),
        };
        let err = match &errors {
            Some(e) => named_str(e, "str", "'errors'")?.as_str().to_string(),
            None => "strict".into(),
        };
        let bytes = match &obj {
            Value::Bytes(_) | Value::ByteArray(_) => crate::builtins::arg_bytes_like(&obj)?,
            other => {
                return Err(type_error(format!(
                    "decoding to str: need a bytes-like object, {} found",
                    other.type_name()
                )))
            }
        };
        return crate::builtins::bytes::decode(&bytes, &enc, &err);
    }
    if let Value::Str(_) = obj {
        return Ok(obj);
    }
    Ok(Value::str(vm.str(&obj)?))
}

// ---------------------------------------------------------------------------------------
// simple transforms and predicates

macro_rules! str_map {
    ($($fname:ident, $name:literal, $f:expr;)*) => {$(
        #[doc = concat!("`str.", $name, "()`.")]
        fn $fname(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
            let s = this(&mut args, $name)?;
            pos_args(args, concat!("str.", $name), 0, 0)?;
            let f: fn(&str) -> String = $f;
            Ok(Value::str(f(s.as_str())))
        }
    )*};
}

str_map! {
    str_lower, "lower", strings::lower;
    str_upper, "upper", strings::upper;
    str_title, "title", strings::title;
    str_capitalize, "capitalize", strings::capitalize;
    str_swapcase, "swapcase", strings::swapcase;
    str_casefold, "casefold", casefold;
}

macro_rules! str_pred {
    ($($fname:ident, $name:literal, $f:expr;)*) => {$(
        #[doc = concat!("`str.", $name, "()`.")]
        fn $fname(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
            let s = this(&mut args, $name)?;
            pos_args(args, concat!("str.", $name), 0, 0)?;
            let f: fn(&str) -> bool = $f;
            Ok(Value::Bool(f(s.as_str())))
        }
    )*};
}

str_pred! {
    str_isalnum, "isalnum", strings::isalnum;
    str_isalpha, "isalpha", strings::isalpha;
    str_isascii, "isascii", strings::isascii;
    str_isdecimal, "isdecimal", strings::isdecimal;
    str_isdigit, "isdigit", strings::isdigit;
    str_isidentifier, "isidentifier", strings::isidentifier;
    str_islower, "islower", strings::islower;
    str_isnumeric, "isnumeric", strings::isnumeric;
    str_isprintable, "isprintable", strings::isprintable;
    str_isspace, "isspace", strings::isspace;
    str_istitle, "istitle", strings::istitle;
    str_isupper, "isupper", strings::isupper;
}

/// `len(s)` through the method (`str.__len__`).
fn str_len(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let s = this(&mut args, "__len__")?;
    Ok(Value::Int(s.char_len() as i64))
}

/// `str.__contains__(sub)`.
fn str_contains(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let s = this(&mut args, "__contains__")?;
    let a = pos_args(args, "str.__contains__", 1, 1)?;
    Ok(Value::Bool(vm.contains(&Value::Str(s), &a[0])?))
}

/// `str.__getitem__(index)`.
fn str_getitem(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let s = this(&mut args, "__getitem__")?;
    let a = pos_args(args, "str.__getitem__", 1, 1)?;
    vm.getitem(&Value::Str(s), &a[0])
}

// ---------------------------------------------------------------------------------------
// padding

fn fill_char(v: Option<&Value>) -> PyResult<char> {
    match v {
        None => Ok(' '),
        Some(Value::Str(s)) if s.char_len() == 1 => Ok(s.as_str().chars().next().unwrap_or(' ')),
        Some(Value::Str(_)) => Err(type_error(
            "The fill character must be exactly one character long",
        )),
        Some(other) => Err(type_error(format!(
            "The fill character must be a unicode character, not {}",
            other.type_name()
        ))),
    }
}

macro_rules! str_pad {
    ($($fname:ident, $name:literal, $f:expr;)*) => {$(
        #[doc = concat!("`str.", $name, "(width, fillchar=' ')`.")]
        fn $fname(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
            let s = this(&mut args, $name)?;
            let a = pos_args(args, concat!("str.", $name), 1, 2)?;
            let width = checked_size(arg_int(&a[0])?)?;
            let fill = fill_char(a.get(1))?;
            let f: fn(&str, i64, char) -> String = $f;
            if width <= s.char_len() as i64 {
                return Ok(Value::Str(s));
            }
            Ok(Value::str(f(s.as_str(), width, fill)))
        }
    )*};
}

str_pad! {
    str_center, "center", strings::center;
    str_ljust, "ljust", strings::ljust;
    str_rjust, "rjust", strings::rjust;
}

/// `str.zfill(width)`.
fn str_zfill(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let s = this(&mut args, "zfill")?;
    let a = pos_args(args, "str.zfill", 1, 1)?;
    let width = checked_size(arg_int(&a[0])?)?;
    Ok(Value::str(strings::zfill(s.as_str(), width)))
}

/// `str.expandtabs(tabsize=8)`.
fn str_expandtabs(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let s = this(&mut args, "expandtabs")?;
    let [tab] = kw_args(args, "expandtabs", ["tabsize"], 0, 1)?;
    let tab = match tab {
        Some(t) => arg_int(&t)?,
        None => 8,
    };
    Ok(Value::str(strings::expandtabs(s.as_str(), tab)))
}

// ---------------------------------------------------------------------------------------
// strip, split, partition

fn strip_chars(v: Option<&Value>, name: &str) -> PyResult<Option<String>> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(Value::Str(s)) => Ok(Some(s.as_str().to_string())),
        Some(_) => Err(type_error(format!("{name} arg must be None or str"))),
    }
}

macro_rules! str_strip {
    ($($fname:ident, $name:literal, $f:expr;)*) => {$(
        #[doc = concat!("`str.", $name, "(chars=None)`.")]
        fn $fname(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
            let s = this(&mut args, $name)?;
            let a = pos_args(args, concat!("str.", $name), 0, 1)?;
            let chars = strip_chars(a.first(), $name)?;
            let f: for<'a> fn(&'a str, Option<&str>) -> &'a str = $f;
            Ok(Value::str(f(s.as_str(), chars.as_deref())))
        }
    )*};
}

str_strip! {
    str_strip, "strip", strings::strip;
    str_lstrip, "lstrip", strings::lstrip;
    str_rstrip, "rstrip", strings::rstrip;
}

fn split_args(args: Args, name: &str) -> PyResult<(Option<String>, i64)> {
    let [sep, maxsplit] = kw_args(args, name, ["sep", "maxsplit"], 0, 2)?;
    let sep = match sep {
        None | Some(Value::None) => None,
        Some(Value::Str(s)) => Some(s.as_str().to_string()),
        Some(other) => {
            return Err(type_error(format!(
                "must be str or None, not {}",
                other.type_name()
            )))
        }
    };
    let max = match maxsplit {
        Some(m) => arg_int(&m)?,
        None => -1,
    };
    Ok((sep, max))
}

/// `str.split(sep=None, maxsplit=-1)`.
fn str_split(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let s = this(&mut args, "split")?;
    let (sep, max) = split_args(args, "split")?;
    let parts = strings::split(s.as_str(), sep.as_deref(), max).map_err(text_err)?;
    Ok(Value::list(parts.into_iter().map(Value::str).collect()))
}

/// `str.rsplit(sep=None, maxsplit=-1)`.
fn str_rsplit(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let s = this(&mut args, "rsplit")?;
    let (sep, max) = split_args(args, "rsplit")?;
    let parts = strings::rsplit(s.as_str(), sep.as_deref(), max).map_err(text_err)?;
    Ok(Value::list(parts.into_iter().map(Value::str).collect()))
}

/// `str.splitlines(keepends=False)`.
fn str_splitlines(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let s = this(&mut args, "splitlines")?;
    let [keep] = kw_args(args, "splitlines", ["keepends"], 0, 1)?;
    let keep = keep.as_ref().map(flag).unwrap_or(false);
    let parts = strings::splitlines(s.as_str(), keep);
    Ok(Value::list(parts.into_iter().map(Value::str).collect()))
}

fn partition_sep(a: &[Value]) -> PyResult<&str> {
    let sep = must_str(&a[0])?;
    if sep.is_empty() {
        return Err(value_error("empty separator"));
    }
    Ok(sep)
}

/// `str.partition(sep)`.
fn str_partition(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let s = this(&mut args, "partition")?;
    let a = pos_args(args, "str.partition", 1, 1)?;
    let sep = partition_sep(&a)?;
    let t = s.as_str();
    Ok(Value::tuple(match t.find(sep) {
        Some(i) => vec![
            Value::str(&t[..i]),
            a[0].clone(),
            Value::str(&t[i + sep.len()..]),
        ],
        None => vec![Value::Str(s.clone()), Value::str(""), Value::str("")],
    }))
}

/// `str.rpartition(sep)`.
fn str_rpartition(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let s = this(&mut args, "rpartition")?;
    let a = pos_args(args, "str.rpartition", 1, 1)?;
    let sep = partition_sep(&a)?;
    let t = s.as_str();
    Ok(Value::tuple(match t.rfind(sep) {
        Some(i) => vec![
            Value::str(&t[..i]),
            a[0].clone(),
            Value::str(&t[i + sep.len()..]),
        ],
        None => vec![Value::str(""), Value::str(""), Value::Str(s.clone())],
    }))
}

// ---------------------------------------------------------------------------------------
// searching

/// `(sub, start, end)` of find/index/count: the haystack window as a str slice plus its
/// character offset; `None` when the window is empty (start past the end, or end < start).
fn window<'a>(s: &'a PyStr, a: &[Value]) -> PyResult<Option<(&'a str, usize)>> {
    let start = opt_index(a.get(1))?;
    let end = opt_index(a.get(2))?;
    let (st, en) = adjust_indices(start, end, s.char_len());
    // A start past the end, or an empty window, matches nothing (not even "").
    if st > s.char_len() || en < st {
        return Ok(None);
    }
    Ok(Some((s.substr(st, en), st)))
}

fn find_impl(s: &PyStr, a: &[Value], rev: bool) -> PyResult<i64> {
    let sub = must_str(&a[0])?;
    let Some((hay, off)) = window(s, a)? else {
        return Ok(-1);
    };
    let found = if rev { hay.rfind(sub) } else { hay.find(sub) };
    Ok(match found {
        Some(b) => {
            let ci = if s.is_ascii() {
                b
            } else {
                hay[..b].chars().count()
            };
            (off + ci) as i64
        }
        None => -1,
    })
}

/// `str.find(sub[, start[, end]])`.
fn str_find(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let s = this(&mut args, "find")?;
    let a = old_args(args, "str.find", 1, 3)?;
    Ok(Value::Int(find_impl(&s, &a, false)?))
}

/// `str.rfind(sub[, start[, end]])`.
fn str_rfind(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let s = this(&mut args, "rfind")?;
    let a = old_args(args, "str.rfind", 1, 3)?;
    Ok(Value::Int(find_impl(&s, &a, true)?))
}

/// `str.index(sub[, start[, end]])`: like find, ValueError when missing.
fn str_index(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let s = this(&mut args, "index")?;
    let a = old_args(args, "str.index", 1, 3)?;
    match find_impl(&s, &a, false)? {
        -1 => Err(value_error("substring not found")),
        i => Ok(Value::Int(i)),
    }
}

/// `str.rindex(sub[, start[, end]])`.
fn str_rindex(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let s = this(&mut args, "rindex")?;
    let a = old_args(args, "str.rindex", 1, 3)?;
    match find_impl(&s, &a, true)? {
        -1 => Err(value_error("substring not found")),
        i => Ok(Value::Int(i)),
    }
}

/// `str.count(sub[, start[, end]])`: non-overlapping occurrences.
fn str_count(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let s = this(&mut args, "count")?;
    let a = old_args(args, "str.count", 1, 3)?;
    let sub = must_str(&a[0])?;
    let Some((hay, _)) = window(&s, &a)? else {
        return Ok(Value::Int(0));
    };
    let n = if sub.is_empty() {
        hay.chars().count() + 1
    } else {
        hay.matches(sub).count()
    };
    Ok(Value::Int(n as i64))
}

fn affix_match(s: &PyStr, a: &[Value], name: &str, ends: bool) -> PyResult<bool> {
    let start = opt_index(a.get(1))?;
    let end = opt_index(a.get(2))?;
    let (st, en) = adjust_indices(start, end, s.char_len());
    let check = |p: &str| -> bool {
        if st > s.char_len() {
            return false;
        }
        if en < st {
            return false;
        }
        let hay = s.substr(st, en);
        if ends {
            hay.ends_with(p)
        } else {
            hay.starts_with(p)
        }
    };
    match &a[0] {
        Value::Str(p) => Ok(check(p.as_str())),
        Value::Tuple(t) => {
            for p in t.iter() {
                match p {
                    Value::Str(p) => {
                        if check(p.as_str()) {
                            return Ok(true);
                        }
                    }
                    other => {
                        return Err(type_error(format!(
                            "tuple for {name} must only contain str, not {}",
                            other.type_name()
                        )))
                    }
                }
            }
            Ok(false)
        }
        other => Err(type_error(format!(
            "{name} first arg must be str or a tuple of str, not {}",
            other.type_name()
        ))),
    }
}

/// `str.startswith(prefix[, start[, end]])`; the prefix may be a tuple of str.
fn str_startswith(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let s = this(&mut args, "startswith")?;
    let a = old_args(args, "str.startswith", 1, 3)?;
    Ok(Value::Bool(affix_match(&s, &a, "startswith", false)?))
}

/// `str.endswith(suffix[, start[, end]])`; the suffix may be a tuple of str.
fn str_endswith(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let s = this(&mut args, "endswith")?;
    let a = old_args(args, "str.endswith", 1, 3)?;
    Ok(Value::Bool(affix_match(&s, &a, "endswith", true)?))
}

/// `str.replace(old, new, count=-1)`.
fn str_replace(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let s = this(&mut args, "replace")?;
    let a = pos_args(args, "str.replace", 2, 3)?;
    let old = crate::builtins::arg_str(&a[0], "replace", 1)?;
    let new = crate::builtins::arg_str(&a[1], "replace", 2)?;
    let count = match a.get(2) {
        Some(c) => arg_int(c)?,
        None => -1,
    };
    Ok(Value::str(strings::replace(
        s.as_str(),
        old.as_str(),
        new.as_str(),
        count,
    )))
}

/// `str.removeprefix(prefix)`.
fn str_removeprefix(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let s = this(&mut args, "removeprefix")?;
    let a = pos_args(args, "str.removeprefix", 1, 1)?;
    let p = named_str(&a[0], "removeprefix", "")?;
    Ok(match s.as_str().strip_prefix(p.as_str()) {
        Some(rest) if !p.as_str().is_empty() => Value::str(rest),
        _ => Value::Str(s),
    })
}

/// `str.removesuffix(suffix)`.
fn str_removesuffix(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let s = this(&mut args, "removesuffix")?;
    let a = pos_args(args, "str.removesuffix", 1, 1)?;
    let p = named_str(&a[0], "removesuffix", "")?;
    Ok(match s.as_str().strip_suffix(p.as_str()) {
        Some(rest) if !p.as_str().is_empty() => Value::str(rest),
        _ => Value::Str(s),
    })
}

// ---------------------------------------------------------------------------------------
// join, encode

/// `str.join(iterable)`: every item must be a str.
fn str_join(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let sep = this(&mut args, "join")?;
    let a = pos_args(args, "str.join", 1, 1)?;
    let items = match &a[0] {
        Value::List(l) => l.borrow().clone(),
        Value::Tuple(t) => t.to_vec(),
        other => vm.iterate(other).map_err(|e| {
            if e.is("TypeError") && !matches!(other, Value::Instance(_) | Value::Generator(_)) {
                type_error("can only join an iterable")
            } else {
                e
            }
        })?,
    };
    let sep = sep.as_str();
    let mut out = String::new();
    for (i, v) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        match v.base_value().unwrap_or(v) {
            Value::Str(s) => out.push_str(s.as_str()),
            _ => {
                let other = v;
                return Err(type_error(format!(
                    "sequence item {i}: expected str instance, {} found",
                    other.type_name()
                )));
            }
        }
    }
    Ok(Value::str(out))
}

/// A codec failure as the Python exception (UnicodeEncodeError carries its attributes).
pub(crate) fn encode_error(s: &str, e: crate::text::codec::CodecError) -> PyErr {
    match e {
        crate::text::codec::CodecError::Encode(e) => crate::exc::instantiate(
            &crate::types::types()
                .exc("UnicodeEncodeError")
                .expect("class"),
            vec![
                Value::str(e.encoding),
                Value::str(s),
                Value::Int(e.start as i64),
                Value::Int(e.end as i64),
                Value::str(e.reason),
            ],
        ),
        e => new_exc(e.class_name(), e.to_string()),
    }
}

/// `str.encode(encoding='utf-8', errors='strict')`.
fn str_encode(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let s = this(&mut args, "encode")?;
    let [encoding, errors] = kw_args(args, "encode", ["encoding", "errors"], 0, 2)?;
    let enc = match &encoding {
        Some(e) => named_str(e, "encode", "'encoding'")?.as_str().to_string(),
        None => "utf-8".into(),
    };
    let err = match &errors {
        Some(e) => named_str(e, "encode", "'errors'")?.as_str().to_string(),
        None => "strict".into(),
    };
    crate::text::codec::encode(s.as_str(), &enc, &err)
        .map(Value::bytes)
        .map_err(|e| encode_error(s.as_str(), e))
}

// ---------------------------------------------------------------------------------------
// format, format_map

/// The arguments of `str.format` as the template renderer sees them.
struct FormatArgs<'a, 'h> {
    vm: &'a mut Vm<'h>,
    pos: Vec<Value>,
    kw: Vec<(Rc<str>, Value)>,
    /// `format_map`'s mapping (looked up with `[]`).
    mapping: Option<Value>,
}

impl TemplateArgs for FormatArgs<'_, '_> {
    type Arg = Value;
    type Error = PyErr;
    fn positional(&mut self, index: usize) -> Option<Value> {
        self.pos.get(index).cloned()
    }
    fn keyword(&mut self, name: &str) -> Result<Value, PyErr> {
        if let Some(m) = self.mapping.clone() {
            return self.vm.getitem(&m, &Value::str(name));
        }
        self.kw
            .iter()
            .find(|(k, _)| &**k == name)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| crate::exc::key_error(Value::str(name)))
    }
    fn getattr(&mut self, obj: &Value, name: &str) -> Result<Value, PyErr> {
        self.vm.getattr(obj, name)
    }
    fn getitem_int(&mut self, obj: &Value, index: usize) -> Result<Value, PyErr> {
        self.vm.getitem(obj, &Value::Int(index as i64))
    }
    fn getitem_str(&mut self, obj: &Value, key: &str) -> Result<Value, PyErr> {
        self.vm.getitem(obj, &Value::str(key))
    }
    fn str(&mut self, obj: &Value) -> Result<String, PyErr> {
        self.vm.str(obj)
    }
    fn repr(&mut self, obj: &Value) -> Result<String, PyErr> {
        self.vm.repr(obj)
    }
    fn format(&mut self, obj: &Value, spec: &str) -> Result<String, PyErr> {
        self.vm.format(obj, spec)
    }
    fn allows_positional(&self) -> bool {
        self.mapping.is_none()
    }
}

fn template_err(e: PercentError<PyErr>) -> PyErr {
    match e {
        PercentError::Text(t) => text_err(t),
        PercentError::Arg(e) => e,
    }
}

/// `str.format(*args, **kwargs)`: `{}`, `{0}`, `{name}`, `{0.attr}`, `{0[1]}`, `{!r}`, specs.
fn str_format(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let s = this(&mut args, "format")?;
    let mut fa = FormatArgs {
        vm,
        pos: args.pos,
        kw: args.kw,
        mapping: None,
    };
    render_template(s.as_str(), &mut fa)
        .map(Value::str)
        .map_err(template_err)
}

/// `str.format_map(mapping)`.
fn str_format_map(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let s = this(&mut args, "format_map")?;
    let a = pos_args(args, "str.format_map", 1, 1)?;
    let mut fa = FormatArgs {
        vm,
        pos: Vec::new(),
        kw: Vec::new(),
        mapping: Some(a[0].clone()),
    };
    render_template(s.as_str(), &mut fa)
        .map(Value::str)
        .map_err(template_err)
}

// ---------------------------------------------------------------------------------------
// translate, maketrans

/// `str.maketrans(x[, y[, z]])` (static): a dict from code points to str/int/None.
fn str_maketrans(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    drop_class_receiver(&mut args);
    if matches!(args.pos.first(), Some(Value::Str(_))) && args.pos.len() == 1 {
        return Err(type_error(
            "if you give only one argument to maketrans it must be a dict",
        ));
    }
    let a = pos_args(args, "str.maketrans", 1, 3)?;
    let mut d = Dict::new();
    if a.len() == 1 {
        let Value::Dict(src) = &a[0] else {
            return Err(type_error(
                "if you give only one argument to maketrans it must be a dict",
            ));
        };
        for (k, v) in src.borrow().items() {
            let key = match &k {
                Value::Str(s) if s.char_len() == 1 => {
                    Value::Int(s.as_str().chars().next().map(|c| c as i64).unwrap_or(0))
                }
                Value::Str(_) => {
                    return Err(value_error(
                        "string keys in translate table must be of length 1",
                    ))
                }
                Value::Int(_) | Value::Bool(_) => Value::Int(k.as_i64().unwrap_or(0)),
                _ => {
                    return Err(type_error(
                        "keys in translate table must be strings or integers",
                    ))
                }
            };
            d.insert(vm.hash_key(key)?, v);
        }
        return Ok(Value::dict(d));
    }
    let x = crate::builtins::arg_str(&a[0], "maketrans", 1)?;
    let y = crate::builtins::arg_str(&a[1], "maketrans", 2)?;
    if x.char_len() != y.char_len() {
        return Err(value_error(
            "the first two maketrans arguments must have equal length",
        ));
    }
    for (c, t) in x.as_str().chars().zip(y.as_str().chars()) {
        d.insert(vm.hash_key(Value::Int(c as i64))?, Value::Int(t as i64));
    }
    if let Some(z) = a.get(2) {
        let z = crate::builtins::arg_str(z, "maketrans", 3)?;
        for c in z.as_str().chars() {
            d.insert(vm.hash_key(Value::Int(c as i64))?, Value::None);
        }
    }
    Ok(Value::dict(d))
}

/// `str.translate(table)`: `table[ord(c)]` is a str, a code point or None (delete);
/// a LookupError keeps the character.
fn str_translate(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let s = this(&mut args, "translate")?;
    let a = pos_args(args, "str.translate", 1, 1)?;
    let table = &a[0];
    let mut out = String::with_capacity(s.as_str().len());
    for c in s.as_str().chars() {
        let key = Value::Int(c as i64);
        let r = match table {
            Value::Dict(d) => {
                let k = vm.hash_key(key)?;
                d.borrow().get(&k)
            }
            other => match vm.getitem(other, &key) {
                Ok(v) => Some(v),
                Err(e) if e.is("LookupError") => None,
                Err(e) => return Err(e),
            },
        };
        match r {
            None => out.push(c),
            Some(Value::None) => {}
            Some(Value::Str(t)) => out.push_str(t.as_str()),
            Some(v @ (Value::Int(_) | Value::Bool(_))) => {
                let n = v.as_i64().unwrap_or(0);
                match u32::try_from(n).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => {
                        return Err(value_error("character mapping must be in range(0x110000)"))
                    }
                }
            }
            Some(_) => {
                return Err(type_error(
                    "character mapping must return integer, None or str",
                ))
            }
        }
    }
    Ok(Value::str(out))
}

/// `str.casefold()`: lower case plus the full case foldings that lower() lacks.
fn casefold(s: &str) -> String {
    let lower = strings::lower(s);
    if lower.is_ascii() {
        return lower;
    }
    let mut out = String::with_capacity(lower.len());
    for c in lower.chars() {
        match c {
            'ß' | 'ẞ' => out.push_str("ss"),
            'ſ' => out.push('s'),
            'ς' => out.push('σ'),
            'ﬀ' => out.push_str("ff"),
            'ﬁ' => out.push_str("fi"),
            'ﬂ' => out.push_str("fl"),
            'ﬃ' => out.push_str("ffi"),
            'ﬄ' => out.push_str("ffl"),
            'ﬅ' | 'ﬆ' => out.push_str("st"),
            'µ' => out.push('μ'),
            _ => out.push(c),
        }
    }
    out
}
