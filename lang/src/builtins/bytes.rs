//! bytes and bytearray: constructors and methods.

use std::cell::RefCell;
use std::rc::Rc;

use crate::builtins::{arg_bytes_like, Args, NativeTable};
use crate::exc::{new_exc, type_error, value_error, PyResult};
use crate::value::Value;
use crate::vm::Vm;

pub const BYTES_METHODS: NativeTable = &[("decode", bytes_decode), ("join", bytes_join), ("split", bytes_split)];
pub const BYTEARRAY_METHODS: NativeTable = &[("decode", bytes_decode)];

/// Decode with CPython's errors (shared by `bytes.decode` and `str(b, enc)`).
pub fn decode(bytes: &[u8], encoding: &str, errors: &str) -> PyResult<Value> {
    match crate::text::codec::decode(bytes, encoding, errors) {
        Ok(s) => Ok(Value::str(s)),
        Err(crate::text::codec::CodecError::Decode(e)) => Err(crate::exc::instantiate(
            &crate::types::types().exc("UnicodeDecodeError").expect("class"),
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

fn bytes_from_value(vm: &mut Vm, v: &Value, encoding: Option<Value>, errors: Option<Value>) -> PyResult<Vec<u8>> {
    match v {
        Value::Str(s) => {
            let Some(enc) = encoding else {
                return Err(type_error("string argument without an encoding"));
            };
            let enc = enc.as_str().unwrap_or("utf-8").to_string();
            let err = errors.as_ref().and_then(|e| e.as_str()).unwrap_or("strict").to_string();
            crate::text::codec::encode(s.as_str(), &enc, &err).map_err(|e| new_exc(e.class_name(), e.to_string()))
        }
        Value::Int(n) => {
            if *n < 0 {
                return Err(value_error("negative count"));
            }
            Ok(vec![0; *n as usize])
        }
        Value::Bytes(_) | Value::ByteArray(_) => arg_bytes_like(v),
        other => {
            let items = vm.iterate(other).map_err(|_| {
                type_error(format!("cannot convert '{}' object to bytes", other.type_name()))
            })?;
            let mut out = Vec::with_capacity(items.len());
            for it in items {
                match it.as_i64() {
                    Some(b) if (0..256).contains(&b) => out.push(b as u8),
                    Some(_) => return Err(value_error("bytes must be in range(0, 256)")),
                    None => {
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
        Some(v) => Ok(Value::bytes(bytes_from_value(vm, &v, enc, err)?)),
    }
}

/// `bytearray(source, encoding, errors)`.
pub fn bytearray_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    args.this();
    let [src, enc, err] = args.bind("bytearray", ["source", "encoding", "errors"], 0)?;
    let v = match src {
        None => Vec::new(),
        Some(v) => bytes_from_value(vm, &v, enc, err)?,
    };
    Ok(Value::ByteArray(Rc::new(RefCell::new(v))))
}

/// `bytes.decode(encoding='utf-8', errors='strict')`.
fn bytes_decode(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [encoding, errors] = args.bind("decode", ["encoding", "errors"], 0)?;
    let b = arg_bytes_like(&this)?;
    let enc = encoding.as_ref().and_then(|e| e.as_str()).unwrap_or("utf-8").to_string();
    let err = errors.as_ref().and_then(|e| e.as_str()).unwrap_or("strict").to_string();
    decode(&b, &enc, &err)
}

/// `bytes.join(iterable)`.
fn bytes_join(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [it] = args.bind("join", ["iterable_of_bytes"], 1)?;
    let sep = arg_bytes_like(&this)?;
    let items = vm.iterate(&it.expect("arg"))?;
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
    Ok(Value::bytes(out))
}

/// `bytes.split(sep=None, maxsplit=-1)`.
fn bytes_split(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [sep, maxsplit] = args.bind("split", ["sep", "maxsplit"], 0)?;
    let b = arg_bytes_like(&this)?;
    let max = match maxsplit {
        Some(m) => crate::builtins::arg_int(&m)?,
        None => -1,
    };
    let mut out = Vec::new();
    match sep {
        Some(Value::None) | None => {
            let mut n = 0;
            let mut rest: &[u8] = &b;
            loop {
                let start = rest.iter().position(|c| !c.is_ascii_whitespace() && *c != 0x0b);
                let Some(start) = start else { break };
                rest = &rest[start..];
                if max >= 0 && n >= max {
                    out.push(Value::bytes(rest.to_vec()));
                    break;
                }
                let end = rest.iter().position(|c| c.is_ascii_whitespace() || *c == 0x0b).unwrap_or(rest.len());
                out.push(Value::bytes(rest[..end].to_vec()));
                rest = &rest[end..];
                n += 1;
            }
        }
        Some(s) => {
            let sep = arg_bytes_like(&s)?;
            if sep.is_empty() {
                return Err(value_error("empty separator"));
            }
            let mut n = 0;
            let mut start = 0;
            let mut i = 0;
            while i + sep.len() <= b.len() {
                if (max < 0 || n < max) && b[i..i + sep.len()] == sep[..] {
                    out.push(Value::bytes(b[start..i].to_vec()));
                    i += sep.len();
                    start = i;
                    n += 1;
                } else {
                    i += 1;
                }
            }
            out.push(Value::bytes(b[start..].to_vec()));
        }
    }
    Ok(Value::list(out))
}
