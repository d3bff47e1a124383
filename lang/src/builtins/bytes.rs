//! bytes and bytearray: constructors, the shared read-only methods (which return the
//! receiver's type) and bytearray's mutations, with CPython 3.11's error texts.

use std::cell::RefCell;
use std::rc::Rc;

use crate::builtins::str::{
    adjust_indices, drop_class_receiver, flag, kw_args, named_str, old_args, opt_index, pos_args,
    receiver,
};
use crate::builtins::{arg_bytes_like, arg_int, Args, NativeTable};
use crate::exc::{index_error, new_exc, type_error, value_error, PyResult};
use crate::format::text_err;
use crate::text::bytes as tb;
use crate::value::Value;
use crate::vm::Vm;

#[cfg(test)]
/// Methods both types have; transforms return the receiver's type.
const SHARED: &[(&str, crate::builtins::NativeFnPtr)] = &[
    ("decode", b_decode),
    ("hex", b_hex),
    ("join", b_join),
    ("split", b_split),
    ("rsplit", b_rsplit),
    ("splitlines", b_splitlines),
    ("strip", b_strip),
    ("lstrip", b_lstrip),
    ("rstrip", b_rstrip),
    ("find", b_find),
    ("rfind", b_rfind),
    ("index", b_index),
    ("rindex", b_rindex),
    ("count", b_count),
    ("startswith", b_startswith),
    ("endswith", b_endswith),
    ("replace", b_replace),
    ("partition", b_partition),
    ("rpartition", b_rpartition),
    ("removeprefix", b_removeprefix),
    ("removesuffix", b_removesuffix),
    ("upper", b_upper),
    ("lower", b_lower),
    ("title", b_title),
    ("capitalize", b_capitalize),
    ("swapcase", b_swapcase),
    ("isdigit", b_isdigit),
    ("isalpha", b_isalpha),
    ("isalnum", b_isalnum),
    ("isspace", b_isspace),
    ("isupper", b_isupper),
    ("islower", b_islower),
    ("istitle", b_istitle),
    ("isascii", b_isascii),
    ("center", b_center),
    ("ljust", b_ljust),
    ("rjust", b_rjust),
    ("zfill", b_zfill),
    ("expandtabs", b_expandtabs),
];

pub const BYTES_METHODS: NativeTable = &[
    ("decode", b_decode),
    ("hex", b_hex),
    ("join", b_join),
    ("split", b_split),
    ("rsplit", b_rsplit),
    ("splitlines", b_splitlines),
    ("strip", b_strip),
    ("lstrip", b_lstrip),
    ("rstrip", b_rstrip),
    ("find", b_find),
    ("rfind", b_rfind),
    ("index", b_index),
    ("rindex", b_rindex),
    ("count", b_count),
    ("startswith", b_startswith),
    ("endswith", b_endswith),
    ("replace", b_replace),
    ("partition", b_partition),
    ("rpartition", b_rpartition),
    ("removeprefix", b_removeprefix),
    ("removesuffix", b_removesuffix),
    ("upper", b_upper),
    ("lower", b_lower),
    ("title", b_title),
    ("capitalize", b_capitalize),
    ("swapcase", b_swapcase),
    ("isdigit", b_isdigit),
    ("isalpha", b_isalpha),
    ("isalnum", b_isalnum),
    ("isspace", b_isspace),
    ("isupper", b_isupper),
    ("islower", b_islower),
    ("istitle", b_istitle),
    ("isascii", b_isascii),
    ("center", b_center),
    ("ljust", b_ljust),
    ("rjust", b_rjust),
    ("zfill", b_zfill),
    ("expandtabs", b_expandtabs),
    ("fromhex", bytes_fromhex),
    ("__len__", b_len),
];

pub const BYTEARRAY_METHODS: NativeTable = &[
    ("decode", b_decode),
    ("hex", b_hex),
    ("join", b_join),
    ("split", b_split),
    ("rsplit", b_rsplit),
    ("splitlines", b_splitlines),
    ("strip", b_strip),
    ("lstrip", b_lstrip),
    ("rstrip", b_rstrip),
    ("find", b_find),
    ("rfind", b_rfind),
    ("index", b_index),
    ("rindex", b_rindex),
    ("count", b_count),
    ("startswith", b_startswith),
    ("endswith", b_endswith),
    ("replace", b_replace),
    ("partition", b_partition),
    ("rpartition", b_rpartition),
    ("removeprefix", b_removeprefix),
    ("removesuffix", b_removesuffix),
    ("upper", b_upper),
    ("lower", b_lower),
    ("title", b_title),
    ("capitalize", b_capitalize),
    ("swapcase", b_swapcase),
    ("isdigit", b_isdigit),
    ("isalpha", b_isalpha),
    ("isalnum", b_isalnum),
    ("isspace", b_isspace),
    ("isupper", b_isupper),
    ("islower", b_islower),
    ("istitle", b_istitle),
    ("isascii", b_isascii),
    ("center", b_center),
    ("ljust", b_ljust),
    ("rjust", b_rjust),
    ("zfill", b_zfill),
    ("expandtabs", b_expandtabs),
    ("fromhex", bytearray_fromhex),
    ("__len__", b_len),
    ("__setitem__", ba_setitem),
    ("__delitem__", ba_delitem),
    ("append", ba_append),
    ("extend", ba_extend),
    ("insert", ba_insert),
    ("pop", ba_pop),
    ("remove", ba_remove),
    ("clear", ba_clear),
    ("copy", ba_copy),
    ("reverse", ba_reverse),
];

/// Both tables must list the shared methods; this keeps them from drifting apart.
#[cfg(test)]
#[test]
fn tables_share_methods() {
    for (n, _) in SHARED {
        assert!(BYTES_METHODS.iter().any(|(m, _)| m == n), "{n}");
        assert!(BYTEARRAY_METHODS.iter().any(|(m, _)| m == n), "{n}");
    }
}

// ---------------------------------------------------------------------------------------
// helpers

/// Decode with CPython's errors (shared by `bytes.decode` and `str(b, enc)`).
pub fn decode(bytes: &[u8], encoding: &str, errors: &str) -> PyResult<Value> {
    match crate::text::codec::decode(bytes, encoding, errors) {
        Ok(s) => Ok(Value::str(s)),
        Err(crate::text::codec::CodecError::Decode(e)) => Err(crate::exc::instantiate(
            &crate::types::types()
                .exc("UnicodeDecodeError")
                .expect("class"),
            vec![
                Value::str(e.encoding),
                Value::bytes(bytes.to_vec()),
                Value::Int(e.start as i64),
                Value::Int(e.end as i64),
                Value::str(e.reason),
            ],
        )),
        Err(e) => Err(new_exc(e.class_name(), e.to_string())),
    }
}

/// `bytes.name` or `bytearray.name`, for messages.
fn q(is_ba: bool, name: &str) -> String {
    format!("{}.{name}", if is_ba { "bytearray" } else { "bytes" })
}

fn is_bytes_like(v: &Value) -> bool {
    matches!(v, Value::Bytes(_) | Value::ByteArray(_))
}

/// The receiver's bytes and whether it is a bytearray.
fn this(args: &mut Args, name: &str) -> PyResult<(Vec<u8>, bool)> {
    let ty = match args.pos.first() {
        Some(Value::ByteArray(_)) => "bytearray",
        _ => "bytes",
    };
    let v = receiver(args, ty, name, is_bytes_like)?;
    Ok((arg_bytes_like(&v)?, matches!(v, Value::ByteArray(_))))
}

/// A new value of the receiver's type.
fn make(is_ba: bool, b: Vec<u8>) -> Value {
    if is_ba {
        Value::ByteArray(Rc::new(RefCell::new(b)))
    } else {
        Value::bytes(b)
    }
}

/// A byte value (0..256) from an int.
fn byte_value(v: &Value) -> PyResult<u8> {
    let n = arg_int(v)?;
    if (0..256).contains(&n) {
        Ok(n as u8)
    } else {
        Err(value_error("byte must be in range(0, 256)"))
    }
}

/// The needle of find/count/index: bytes-like or an int byte.
fn needle(v: &Value) -> PyResult<Vec<u8>> {
    match v {
        Value::Bytes(_) | Value::ByteArray(_) => arg_bytes_like(v),
        Value::Int(_) | Value::Bool(_) => Ok(vec![byte_value(v)?]),
        other => Err(type_error(format!(
            "argument should be integer or bytes-like object, not '{}'",
            other.type_name()
        ))),
    }
}

fn find_at(hay: &[u8], sub: &[u8], rev: bool) -> Option<usize> {
    if sub.len() > hay.len() {
        return None;
    }
    let mut idx = 0..=hay.len() - sub.len();
    let hit = |i: &usize| &hay[*i..*i + sub.len()] == sub;
    if rev {
        idx.rev().find(hit)
    } else {
        idx.find(hit)
    }
}

fn find_impl(b: &[u8], a: &[Value], rev: bool) -> PyResult<i64> {
    let sub = needle(&a[0])?;
    let (st, en) = adjust_indices(opt_index(a.get(1))?, opt_index(a.get(2))?, b.len());
    if st > b.len() || en < st {
        return Ok(-1);
    }
    Ok(find_at(&b[st..en], &sub, rev)
        .map(|i| (i + st) as i64)
        .unwrap_or(-1))
}

// ---------------------------------------------------------------------------------------
// constructors

fn bytes_from_value(
    vm: &mut Vm,
    v: &Value,
    encoding: Option<Value>,
    errors: Option<Value>,
    ty: &str,
) -> PyResult<Vec<u8>> {
    // Argument types are checked before their combination, as Argument Clinic does.
    if let Some(e) = &encoding {
        named_str(e, ty, "'encoding'")?;
    }
    if let Some(e) = &errors {
        named_str(e, ty, "'errors'")?;
    }
    match v {
        Value::Str(s) => {
            let Some(enc) = encoding else {
                return Err(type_error("string argument without an encoding"));
            };
            let enc = crate::builtins::arg_str(&enc, ty, 2)?;
            let err = match &errors {
                Some(e) => crate::builtins::arg_str(e, ty, 3)?.as_str().to_string(),
                None => "strict".into(),
            };
            crate::text::codec::encode(s.as_str(), enc.as_str(), &err)
                .map_err(|e| crate::builtins::str::encode_error(s.as_str(), e))
        }
        _ if encoding.is_some() => Err(type_error("encoding without a string argument")),
        _ if errors.is_some() => Err(type_error("errors without a string argument")),
        Value::Int(n) => {
            if *n < 0 {
                return Err(value_error("negative count"));
            }
            Ok(vec![0; crate::builtins::str::checked_size(*n)? as usize])
        }
        Value::Bytes(_) | Value::ByteArray(_) => arg_bytes_like(v),
        Value::Float(_) | Value::None => Err(type_error(format!(
            "cannot convert '{}' object to {ty}",
            v.type_name()
        ))),
        other => {
            if let Value::Instance(i) = other {
                if let Some(m) = i.class.lookup("__bytes__") {
                    let r = vm.call(&m, vec![other.clone()])?;
                    return arg_bytes_like(&r);
                }
            }
            let items = vm.iterate(other).map_err(|e| {
                if e.is("TypeError") {
                    type_error(format!(
                        "cannot convert '{}' object to {ty}",
                        other.type_name()
                    ))
                } else {
                    e
                }
            })?;
            let mut out = Vec::with_capacity(items.len());
            for it in items {
                match it {
                    Value::Int(_) | Value::Bool(_) => {
                        let b = it.as_i64().unwrap_or(0);
                        if !(0..256).contains(&b) {
                            return Err(value_error("bytes must be in range(0, 256)"));
                        }
                        out.push(b as u8)
                    }
                    _ => {
                        return Err(type_error(format!(
                            "'{}' object cannot be interpreted as an integer",
                            it.type_name()
                        )))
                    }
                }
            }
            Ok(out)
        }
    }
}

/// `bytes(source, encoding, errors)`.
pub fn bytes_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    args.this();
    let [src, enc, err] = args.bind("bytes", ["source", "encoding", "errors"], 0)?;
    match src {
        None => Ok(Value::bytes(Vec::new())),
        Some(v @ Value::Bytes(_)) if enc.is_none() && err.is_none() => Ok(v),
        Some(v) => Ok(Value::bytes(bytes_from_value(vm, &v, enc, err, "bytes")?)),
    }
}

/// `bytearray(source, encoding, errors)`.
pub fn bytearray_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    args.this();
    let [src, enc, err] = args.bind("bytearray", ["source", "encoding", "errors"], 0)?;
    let v = match src {
        None => Vec::new(),
        Some(v) => bytes_from_value(vm, &v, enc, err, "bytearray")?,
    };
    Ok(make(true, v))
}

fn fromhex_impl(args: Args, is_ba: bool) -> PyResult<Value> {
    let a = pos_args(args, &q(is_ba, "fromhex"), 1, 1)?;
    let s = named_str(&a[0], "fromhex", "")?;
    tb::fromhex(s.as_str())
        .map(|b| make(is_ba, b))
        .map_err(text_err)
}

/// `bytes.fromhex(string)` (class method): `bytes.fromhex('01 ff') == b'\x01\xff'`.
fn bytes_fromhex(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    drop_class_receiver(&mut args);
    if matches!(args.pos.first(), Some(Value::Bytes(_))) && args.pos.len() == 2 {
        args.pos.remove(0);
    }
    fromhex_impl(args, false)
}

/// `bytearray.fromhex(string)` (class method).
fn bytearray_fromhex(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    drop_class_receiver(&mut args);
    if matches!(args.pos.first(), Some(Value::ByteArray(_))) && args.pos.len() == 2 {
        args.pos.remove(0);
    }
    fromhex_impl(args, true)
}

// ---------------------------------------------------------------------------------------
// read-only methods

/// `len(b)` through the method.
fn b_len(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (b, _) = this(&mut args, "__len__")?;
    Ok(Value::Int(b.len() as i64))
}

/// `bytes.decode(encoding='utf-8', errors='strict')`.
fn b_decode(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (b, _) = this(&mut args, "decode")?;
    let [encoding, errors] = kw_args(args, "decode", ["encoding", "errors"], 0, 2)?;
    let enc = match &encoding {
        Some(e) => named_str(e, "decode", "'encoding'")?.as_str().to_string(),
        None => "utf-8".into(),
    };
    let err = match &errors {
        Some(e) => named_str(e, "decode", "'errors'")?.as_str().to_string(),
        None => "strict".into(),
    };
    decode(&b, &enc, &err)
}

/// `bytes.hex(sep=None, bytes_per_sep=1)`.
fn b_hex(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (b, _) = this(&mut args, "hex")?;
    let [sep, per] = kw_args(args, "hex", ["sep", "bytes_per_sep"], 0, 2)?;
    let sep = match sep {
        None => None,
        Some(Value::Str(s)) => {
            if s.char_len() != 1 {
                return Err(value_error("sep must be length 1."));
            }
            s.as_str().chars().next()
        }
        Some(v @ (Value::Bytes(_) | Value::ByteArray(_))) => {
            let sb = arg_bytes_like(&v)?;
            if sb.len() != 1 {
                return Err(value_error("sep must be length 1."));
            }
            Some(sb[0] as char)
        }
        Some(other) => {
            return Err(type_error(format!(
                "sep must be str or bytes, not {}",
                other.type_name()
            )))
        }
    };
    let per = match per {
        Some(p) => arg_int(&p)?,
        None => 1,
    };
    tb::hex(&b, sep, per).map(Value::str).map_err(text_err)
}

/// `bytes.join(iterable_of_bytes)`.
fn b_join(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (sep, is_ba) = this(&mut args, "join")?;
    let a = pos_args(args, &q(is_ba, "join"), 1, 1)?;
    let items = vm.iterate(&a[0]).map_err(|e| {
        if e.is("TypeError") {
            type_error("can only join an iterable")
        } else {
            e
        }
    })?;
    let mut out = Vec::new();
    for (i, v) in items.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(&sep);
        }
        match v {
            Value::Bytes(_) | Value::ByteArray(_) => out.extend(arg_bytes_like(v)?),
            other => {
                return Err(type_error(format!(
                    "sequence item {i}: expected a bytes-like object, {} found",
                    other.type_name()
                )))
            }
        }
    }
    Ok(make(is_ba, out))
}

fn split_args(args: Args, name: &str) -> PyResult<(Option<Vec<u8>>, i64)> {
    let [sep, maxsplit] = kw_args(args, name, ["sep", "maxsplit"], 0, 2)?;
    let sep = match sep {
        None | Some(Value::None) => None,
        Some(v) => Some(arg_bytes_like(&v)?),
    };
    let max = match maxsplit {
        Some(m) => arg_int(&m)?,
        None => -1,
    };
    Ok((sep, max))
}

/// `bytes.split(sep=None, maxsplit=-1)`.
fn b_split(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (b, is_ba) = this(&mut args, "split")?;
    let (sep, max) = split_args(args, "split")?;
    let parts = tb::split(&b, sep.as_deref(), max).map_err(text_err)?;
    Ok(Value::list(
        parts.into_iter().map(|p| make(is_ba, p.to_vec())).collect(),
    ))
}

/// `bytes.rsplit(sep=None, maxsplit=-1)`.
fn b_rsplit(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (b, is_ba) = this(&mut args, "rsplit")?;
    let (sep, max) = split_args(args, "rsplit")?;
    let parts = tb::rsplit(&b, sep.as_deref(), max).map_err(text_err)?;
    Ok(Value::list(
        parts.into_iter().map(|p| make(is_ba, p.to_vec())).collect(),
    ))
}

/// `bytes.splitlines(keepends=False)`.
fn b_splitlines(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (b, is_ba) = this(&mut args, "splitlines")?;
    let [keep] = kw_args(args, "splitlines", ["keepends"], 0, 1)?;
    let keep = keep.as_ref().map(flag).unwrap_or(false);
    Ok(Value::list(
        tb::splitlines(&b, keep)
            .into_iter()
            .map(|p| make(is_ba, p.to_vec()))
            .collect(),
    ))
}

fn strip_arg(a: &[Value]) -> PyResult<Option<Vec<u8>>> {
    match a.first() {
        None | Some(Value::None) => Ok(None),
        Some(v) => Ok(Some(arg_bytes_like(v)?)),
    }
}

macro_rules! b_strip {
    ($($fname:ident, $name:literal, $f:expr;)*) => {$(
        #[doc = concat!("`bytes.", $name, "(bytes=None)`.")]
        fn $fname(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
            let (b, is_ba) = this(&mut args, $name)?;
            let a = pos_args(args, &q(is_ba, $name), 0, 1)?;
            let chars = strip_arg(&a)?;
            let f: for<'a> fn(&'a [u8], Option<&[u8]>) -> &'a [u8] = $f;
            Ok(make(is_ba, f(&b, chars.as_deref()).to_vec()))
        }
    )*};
}

b_strip! {
    b_strip, "strip", tb::strip;
    b_lstrip, "lstrip", tb::lstrip;
    b_rstrip, "rstrip", tb::rstrip;
}

/// `bytes.find(sub[, start[, end]])`; `sub` may be an int.
fn b_find(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (b, is_ba) = this(&mut args, "find")?;
    let a = old_args(args, &q(is_ba, "find"), 1, 3)?;
    Ok(Value::Int(find_impl(&b, &a, false)?))
}

/// `bytes.rfind(sub[, start[, end]])`.
fn b_rfind(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (b, is_ba) = this(&mut args, "rfind")?;
    let a = old_args(args, &q(is_ba, "rfind"), 1, 3)?;
    Ok(Value::Int(find_impl(&b, &a, true)?))
}

/// `bytes.index(sub[, start[, end]])`.
fn b_index(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (b, is_ba) = this(&mut args, "index")?;
    let a = old_args(args, &q(is_ba, "index"), 1, 3)?;
    match find_impl(&b, &a, false)? {
        -1 => Err(value_error("subsection not found")),
        i => Ok(Value::Int(i)),
    }
}

/// `bytes.rindex(sub[, start[, end]])`.
fn b_rindex(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (b, is_ba) = this(&mut args, "rindex")?;
    let a = old_args(args, &q(is_ba, "rindex"), 1, 3)?;
    match find_impl(&b, &a, true)? {
        -1 => Err(value_error("subsection not found")),
        i => Ok(Value::Int(i)),
    }
}

/// `bytes.count(sub[, start[, end]])`.
fn b_count(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (b, is_ba) = this(&mut args, "count")?;
    let a = old_args(args, &q(is_ba, "count"), 1, 3)?;
    let sub = needle(&a[0])?;
    let (st, en) = adjust_indices(opt_index(a.get(1))?, opt_index(a.get(2))?, b.len());
    if st > b.len() || en < st {
        return Ok(Value::Int(0));
    }
    let hay = &b[st..en];
    if sub.is_empty() {
        return Ok(Value::Int(hay.len() as i64 + 1));
    }
    let mut n = 0;
    let mut i = 0;
    while let Some(j) = find_at(&hay[i..], &sub, false) {
        n += 1;
        i += j + sub.len();
    }
    Ok(Value::Int(n))
}

fn affix(b: &[u8], a: &[Value], name: &str, ends: bool) -> PyResult<bool> {
    let (st, en) = adjust_indices(opt_index(a.get(1))?, opt_index(a.get(2))?, b.len());
    let check = |p: &[u8]| {
        if st > b.len() || en < st {
            return false;
        }
        let hay = &b[st..en];
        if ends {
            hay.ends_with(p)
        } else {
            hay.starts_with(p)
        }
    };
    match &a[0] {
        v @ (Value::Bytes(_) | Value::ByteArray(_)) => Ok(check(&arg_bytes_like(v)?)),
        Value::Tuple(t) => {
            for p in t.iter() {
                match p {
                    Value::Bytes(_) | Value::ByteArray(_) => {
                        if check(&arg_bytes_like(p)?) {
                            return Ok(true);
                        }
                    }
                    other => {
                        return Err(type_error(format!(
                            "a bytes-like object is required, not '{}'",
                            other.type_name()
                        )))
                    }
                }
            }
            Ok(false)
        }
        other => Err(type_error(format!(
            "{name} first arg must be bytes or a tuple of bytes, not {}",
            other.type_name()
        ))),
    }
}

/// `bytes.startswith(prefix[, start[, end]])`; the prefix may be a tuple.
fn b_startswith(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (b, is_ba) = this(&mut args, "startswith")?;
    let a = old_args(args, &q(is_ba, "startswith"), 1, 3)?;
    Ok(Value::Bool(affix(&b, &a, "startswith", false)?))
}

/// `bytes.endswith(suffix[, start[, end]])`; the suffix may be a tuple.
fn b_endswith(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (b, is_ba) = this(&mut args, "endswith")?;
    let a = old_args(args, &q(is_ba, "endswith"), 1, 3)?;
    Ok(Value::Bool(affix(&b, &a, "endswith", true)?))
}

/// `bytes.replace(old, new, count=-1)`.
fn b_replace(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (b, is_ba) = this(&mut args, "replace")?;
    let a = pos_args(args, &q(is_ba, "replace"), 2, 3)?;
    let old = arg_bytes_like(&a[0])?;
    let new = arg_bytes_like(&a[1])?;
    let count = match a.get(2) {
        Some(c) => arg_int(c)?,
        None => -1,
    };
    Ok(make(is_ba, tb::replace(&b, &old, &new, count)))
}

fn part_sep(a: &[Value]) -> PyResult<Vec<u8>> {
    let sep = arg_bytes_like(&a[0])?;
    if sep.is_empty() {
        return Err(value_error("empty separator"));
    }
    Ok(sep)
}

/// `bytes.partition(sep)`.
fn b_partition(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (b, is_ba) = this(&mut args, "partition")?;
    let a = pos_args(args, &q(is_ba, "partition"), 1, 1)?;
    let sep = part_sep(&a)?;
    Ok(Value::tuple(match find_at(&b, &sep, false) {
        Some(i) => vec![
            make(is_ba, b[..i].to_vec()),
            make(is_ba, sep.clone()),
            make(is_ba, b[i + sep.len()..].to_vec()),
        ],
        None => vec![make(is_ba, b), make(is_ba, vec![]), make(is_ba, vec![])],
    }))
}

/// `bytes.rpartition(sep)`.
fn b_rpartition(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (b, is_ba) = this(&mut args, "rpartition")?;
    let a = pos_args(args, &q(is_ba, "rpartition"), 1, 1)?;
    let sep = part_sep(&a)?;
    Ok(Value::tuple(match find_at(&b, &sep, true) {
        Some(i) => vec![
            make(is_ba, b[..i].to_vec()),
            make(is_ba, sep.clone()),
            make(is_ba, b[i + sep.len()..].to_vec()),
        ],
        None => vec![make(is_ba, vec![]), make(is_ba, vec![]), make(is_ba, b)],
    }))
}

/// `bytes.removeprefix(prefix)`.
fn b_removeprefix(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (b, is_ba) = this(&mut args, "removeprefix")?;
    let a = pos_args(args, &q(is_ba, "removeprefix"), 1, 1)?;
    let p = arg_bytes_like(&a[0])?;
    Ok(make(
        is_ba,
        b.strip_prefix(p.as_slice()).unwrap_or(&b).to_vec(),
    ))
}

/// `bytes.removesuffix(suffix)`.
fn b_removesuffix(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (b, is_ba) = this(&mut args, "removesuffix")?;
    let a = pos_args(args, &q(is_ba, "removesuffix"), 1, 1)?;
    let p = arg_bytes_like(&a[0])?;
    Ok(make(
        is_ba,
        b.strip_suffix(p.as_slice()).unwrap_or(&b).to_vec(),
    ))
}

macro_rules! b_map {
    ($($fname:ident, $name:literal, $f:expr;)*) => {$(
        #[doc = concat!("`bytes.", $name, "()`.")]
        fn $fname(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
            let (b, is_ba) = this(&mut args, $name)?;
            pos_args(args, &q(is_ba, $name), 0, 0)?;
            let f: fn(&[u8]) -> Vec<u8> = $f;
            Ok(make(is_ba, f(&b)))
        }
    )*};
}

b_map! {
    b_upper, "upper", tb::upper;
    b_lower, "lower", tb::lower;
    b_title, "title", tb::title;
    b_capitalize, "capitalize", tb::capitalize;
    b_swapcase, "swapcase", tb::swapcase;
}

macro_rules! b_pred {
    ($($fname:ident, $name:literal, $f:expr;)*) => {$(
        #[doc = concat!("`bytes.", $name, "()`.")]
        fn $fname(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
            let (b, is_ba) = this(&mut args, $name)?;
            pos_args(args, &q(is_ba, $name), 0, 0)?;
            let f: fn(&[u8]) -> bool = $f;
            Ok(Value::Bool(f(&b)))
        }
    )*};
}

b_pred! {
    b_isdigit, "isdigit", tb::isdigit;
    b_isalpha, "isalpha", tb::isalpha;
    b_isalnum, "isalnum", tb::isalnum;
    b_isspace, "isspace", tb::isspace;
    b_isupper, "isupper", tb::isupper;
    b_islower, "islower", tb::islower;
    b_istitle, "istitle", tb::istitle;
    b_isascii, "isascii", |b| b.is_ascii();
}

fn fill_byte(a: &[Value], name: &str) -> PyResult<u8> {
    match a.get(1) {
        None => Ok(b' '),
        Some(v @ (Value::Bytes(_) | Value::ByteArray(_))) => {
            let f = arg_bytes_like(v)?;
            if f.len() == 1 {
                Ok(f[0])
            } else {
                Err(type_error(format!(
                    "{name}() argument 2 must be a byte string of length 1, not {}",
                    v.type_name()
                )))
            }
        }
        Some(other) => Err(type_error(format!(
            "{name}() argument 2 must be a byte string of length 1, not {}",
            other.type_name()
        ))),
    }
}

macro_rules! b_pad {
    ($($fname:ident, $name:literal, $f:expr;)*) => {$(
        #[doc = concat!("`bytes.", $name, "(width, fillbyte=b' ')`.")]
        fn $fname(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
            let (b, is_ba) = this(&mut args, $name)?;
            let a = pos_args(args, &q(is_ba, $name), 1, 2)?;
            let width = crate::builtins::str::checked_size(arg_int(&a[0])?)?;
            let fill = fill_byte(&a, $name)?;
            let f: fn(&[u8], i64, u8) -> Vec<u8> = $f;
            Ok(make(is_ba, f(&b, width, fill)))
        }
    )*};
}

b_pad! {
    b_center, "center", tb::center;
    b_ljust, "ljust", tb::ljust;
    b_rjust, "rjust", tb::rjust;
}

/// `bytes.zfill(width)`.
fn b_zfill(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (b, is_ba) = this(&mut args, "zfill")?;
    let a = pos_args(args, &q(is_ba, "zfill"), 1, 1)?;
    let width = crate::builtins::str::checked_size(arg_int(&a[0])?)?;
    Ok(make(is_ba, tb::zfill(&b, width)))
}

/// `bytes.expandtabs(tabsize=8)`.
fn b_expandtabs(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (b, is_ba) = this(&mut args, "expandtabs")?;
    let [tab] = kw_args(args, "expandtabs", ["tabsize"], 0, 1)?;
    let tab = match tab {
        Some(t) => arg_int(&t)?,
        None => 8,
    };
    Ok(make(is_ba, tb::expandtabs(&b, tab)))
}

// ---------------------------------------------------------------------------------------
// bytearray mutations

fn this_ba(args: &mut Args, name: &str) -> PyResult<Rc<RefCell<Vec<u8>>>> {
    match receiver(args, "bytearray", name, |v| {
        matches!(v, Value::ByteArray(_))
    })? {
        Value::ByteArray(b) => Ok(b),
        _ => unreachable!("checked by receiver"),
    }
}

/// `bytearray.append(item)`.
fn ba_append(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let b = this_ba(&mut args, "append")?;
    let a = pos_args(args, "bytearray.append", 1, 1)?;
    let x = byte_value(&a[0])?;
    b.borrow_mut().push(x);
    Ok(Value::None)
}

/// `bytearray.extend(iterable_of_ints)`; bytes-like values extend byte by byte.
fn ba_extend(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let b = this_ba(&mut args, "extend")?;
    let a = pos_args(args, "bytearray.extend", 1, 1)?;
    let more = match &a[0] {
        v @ (Value::Bytes(_) | Value::ByteArray(_)) => arg_bytes_like(v)?,
        other => {
            let items = vm.iterate(other).map_err(|e| {
                if e.is("TypeError") {
                    type_error(format!("can't extend bytearray with {}", other.type_name()))
                } else {
                    e
                }
            })?;
            let mut out = Vec::with_capacity(items.len());
            for it in &items {
                out.push(byte_value(it)?);
            }
            out
        }
    };
    b.borrow_mut().extend(more);
    Ok(Value::None)
}

/// `bytearray.insert(index, item)`.
fn ba_insert(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let b = this_ba(&mut args, "insert")?;
    let a = pos_args(args, "bytearray.insert", 2, 2)?;
    let i = arg_int(&a[0])?;
    let x = byte_value(&a[1])?;
    let mut v = b.borrow_mut();
    let n = v.len() as i64;
    let i = if i < 0 { (i + n).max(0) } else { i.min(n) };
    v.insert(i as usize, x);
    Ok(Value::None)
}

/// `bytearray.pop(index=-1)`.
fn ba_pop(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let b = this_ba(&mut args, "pop")?;
    let a = pos_args(args, "bytearray.pop", 0, 1)?;
    let i = match a.first() {
        Some(v) => arg_int(v)?,
        None => -1,
    };
    let mut v = b.borrow_mut();
    if v.is_empty() {
        return Err(index_error("pop from empty bytearray"));
    }
    let n = v.len() as i64;
    let j = if i < 0 { i + n } else { i };
    if j < 0 || j >= n {
        return Err(index_error("pop index out of range"));
    }
    Ok(Value::Int(v.remove(j as usize) as i64))
}

/// `bytearray.remove(value)`.
fn ba_remove(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let b = this_ba(&mut args, "remove")?;
    let a = pos_args(args, "bytearray.remove", 1, 1)?;
    let x = byte_value(&a[0])?;
    let mut v = b.borrow_mut();
    match v.iter().position(|c| *c == x) {
        Some(i) => {
            v.remove(i);
            Ok(Value::None)
        }
        None => Err(value_error("value not found in bytearray")),
    }
}

/// `bytearray.clear()`.
fn ba_clear(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let b = this_ba(&mut args, "clear")?;
    pos_args(args, "bytearray.clear", 0, 0)?;
    b.borrow_mut().clear();
    Ok(Value::None)
}

/// `bytearray.copy()`.
fn ba_copy(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let b = this_ba(&mut args, "copy")?;
    pos_args(args, "bytearray.copy", 0, 0)?;
    let v = b.borrow().clone();
    Ok(make(true, v))
}

/// `bytearray.reverse()`.
fn ba_reverse(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let b = this_ba(&mut args, "reverse")?;
    pos_args(args, "bytearray.reverse", 0, 0)?;
    b.borrow_mut().reverse();
    Ok(Value::None)
}

/// `ba[i] = x` through the method.
fn ba_setitem(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let b = this_ba(&mut args, "__setitem__")?;
    let mut a = pos_args(args, "bytearray.__setitem__", 2, 2)?;
    let v = a.remove(1);
    vm.setitem(&Value::ByteArray(b), a.remove(0), v)?;
    Ok(Value::None)
}

/// `del ba[i]` / `del ba[a:b]` (the VM's `del` statement does not cover bytearray).
fn ba_delitem(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let b = this_ba(&mut args, "__delitem__")?;
    let a = pos_args(args, "bytearray.__delitem__", 1, 1)?;
    let len = b.borrow().len();
    match &a[0] {
        Value::Slice(s) => {
            let (start, _, step, n) = crate::ops::slice_indices(vm, s, len)?;
            let mut idx: Vec<usize> = (0..n).map(|k| (start + step * k as i64) as usize).collect();
            idx.sort_unstable();
            let mut v = b.borrow_mut();
            for i in idx.into_iter().rev() {
                v.remove(i);
            }
        }
        other => {
            let i = arg_int(other)?;
            let j = if i < 0 { i + len as i64 } else { i };
            if j < 0 || j >= len as i64 {
                return Err(index_error("bytearray index out of range"));
            }
            b.borrow_mut().remove(j as usize);
        }
    }
    Ok(Value::None)
}
