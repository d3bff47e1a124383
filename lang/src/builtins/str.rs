//! str: the constructor and methods.

use crate::builtins::{Args, NativeTable};
use crate::exc::{new_exc, type_error, PyResult};
use crate::value::Value;
use crate::vm::Vm;

pub const METHODS: NativeTable = &[("encode", str_encode), ("join", str_join), ("splitlines", str_splitlines)];

/// `str(object='')`, `str(bytes, encoding, errors)`.
pub fn str_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    args.this();
    let [obj, encoding, errors] = args.bind("str", ["object", "encoding", "errors"], 0)?;
    let Some(obj) = obj else { return Ok(Value::str("")) };
    if encoding.is_some() || errors.is_some() {
        let enc = encoding.as_ref().and_then(|e| e.as_str().map(String::from)).unwrap_or_else(|| "utf-8".into());
        let err = errors.as_ref().and_then(|e| e.as_str().map(String::from)).unwrap_or_else(|| "strict".into());
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

/// `str.encode(encoding='utf-8', errors='strict')`.
fn str_encode(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [encoding, errors] = args.bind("encode", ["encoding", "errors"], 0)?;
    let s = this.as_str().unwrap_or("");
    let enc = encoding.as_ref().and_then(|e| e.as_str()).unwrap_or("utf-8");
    let err = errors.as_ref().and_then(|e| e.as_str()).unwrap_or("strict");
    match crate::text::codec::encode(s, enc, err) {
        Ok(b) => Ok(Value::bytes(b)),
        Err(crate::text::codec::CodecError::Encode(e)) => {
            let exc = crate::exc::instantiate(
                &crate::types::types().exc("UnicodeEncodeError").expect("class"),
                vec![
                    Value::str(e.encoding),
                    Value::str(s),
                    Value::Int(e.start as i64),
                    Value::Int(e.end as i64),
                    Value::str(e.reason),
                ],
            );
            Err(exc)
        }
        Err(e) => Err(new_exc(e.class_name(), e.to_string())),
    }
}

/// `str.join(iterable)`.
fn str_join(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [it] = args.bind("join", ["iterable"], 1)?;
    let items = vm.iterate(&it.expect("arg"))?;
    let sep = this.as_str().unwrap_or("");
    let mut out = String::new();
    for (i, v) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        match v {
            Value::Str(s) => out.push_str(s.as_str()),
            other => {
                return Err(type_error(format!(
                    "sequence item {i}: expected str instance, {} found",
                    other.type_name()
                )))
            }
        }
    }
    Ok(Value::str(out))
}

/// `str.splitlines(keepends=False)`.
fn str_splitlines(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [keep] = args.bind("splitlines", ["keepends"], 0)?;
    let keep = keep.map(|k| k.as_i64().unwrap_or(0) != 0).unwrap_or(false);
    let s = this.as_str().unwrap_or("");
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (b, c) = chars[i];
        let is_break = matches!(c, '\n' | '\r' | '\x0b' | '\x0c' | '\x1c' | '\x1d' | '\x1e' | '\u{85}' | '\u{2028}' | '\u{2029}');
        if is_break {
            let mut end = b + c.len_utf8();
            if c == '\r' && i + 1 < chars.len() && chars[i + 1].1 == '\n' {
                end += 1;
                i += 1;
            }
            out.push(Value::str(if keep { &s[start..end] } else { &s[start..b] }));
            start = end;
        }
        i += 1;
    }
    if start < s.len() {
        out.push(Value::str(&s[start..]));
    }
    Ok(Value::list(out))
}
