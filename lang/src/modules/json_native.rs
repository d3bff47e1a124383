//! `_json`: the string quoting of `json.dumps` in Rust (via `text::json`); the encoder and
//! decoder themselves are Python (`py/json.py`).

use crate::builtins::{arg_str, Args, NativeTable};
use crate::exc::PyResult;
use crate::text::json::quote;
use crate::value::Value;
use crate::vm::Vm;

const FUNCTIONS: NativeTable = &[
    ("encode_basestring", encode_basestring),
    ("encode_basestring_ascii", encode_basestring_ascii),
];

pub fn module(_vm: &mut Vm) -> Value {
    super::make_module("_json", FUNCTIONS).0
}

fn encode_basestring(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [s] = args.bind("encode_basestring", ["*s"], 1)?;
    let s = arg_str(&s.expect("arg"), "encode_basestring", 1)?;
    Ok(Value::str(quote(s.as_str(), false)))
}

fn encode_basestring_ascii(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [s] = args.bind("encode_basestring_ascii", ["*s"], 1)?;
    let s = arg_str(&s.expect("arg"), "encode_basestring_ascii", 1)?;
    Ok(Value::str(quote(s.as_str(), true)))
}
