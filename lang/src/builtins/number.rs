//! int, bool and float: constructors and methods.

use crate::builtins::{arg_float, Args, NativeTable};
use crate::exc::{type_error, value_error, PyResult};
use crate::format::text_err;
use crate::value::Value;
use crate::vm::Vm;

pub const INT_METHODS: NativeTable = &[];
pub const FLOAT_METHODS: NativeTable = &[];

/// `int(x=0, base=10)`.
pub fn int_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    args.this();
    let [x, base] = args.bind("int", ["x", "base"], 0)?;
    let Some(x) = x else { return Ok(Value::Int(0)) };
    let base = match base {
        Some(b) => Some(crate::builtins::arg_int(&b)?),
        None => None,
    };
    match (&x, base) {
        (Value::Int(_) | Value::Long(_), None) => Ok(x.clone()),
        (Value::Bool(b), None) => Ok(Value::Int(*b as i64)),
        (Value::Float(f), None) => {
            if f.is_nan() {
                return Err(value_error("cannot convert float NaN to integer"));
            }
            if f.is_infinite() {
                return Err(crate::exc::overflow_error("cannot convert float infinity to integer"));
            }
            Ok(Value::from_bigint(crate::text::int::float_to_int(*f).map_err(text_err)?))
        }
        (Value::Str(s), b) => {
            let n = crate::text::int::parse(s.as_str(), b.unwrap_or(10) as u32).map_err(text_err)?;
            Ok(Value::from_bigint(n))
        }
        (Value::Bytes(_) | Value::ByteArray(_), b) => {
            let bytes = crate::builtins::arg_bytes_like(&x)?;
            let n = crate::text::int::parse_bytes(&bytes, b.unwrap_or(10) as u32).map_err(text_err)?;
            Ok(Value::from_bigint(n))
        }
        (_, Some(_)) => Err(type_error("int() can't convert non-string with explicit base")),
        (Value::Instance(i), None) => {
            for m in ["__int__", "__index__"] {
                if let Some(f) = i.class.lookup(m) {
                    return vm.call(&f, vec![x.clone()]);
                }
            }
            Err(type_error(format!(
                "int() argument must be a string, a bytes-like object or a real number, not '{}'",
                x.type_name()
            )))
        }
        _ => Err(type_error(format!(
            "int() argument must be a string, a bytes-like object or a real number, not '{}'",
            x.type_name()
        ))),
    }
}

/// `bool(x=False)`.
pub fn bool_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    args.this();
    let [x] = args.bind("bool", ["x"], 0)?;
    match x {
        None => Ok(Value::Bool(false)),
        Some(v) => Ok(Value::Bool(vm.truthy(&v)?)),
    }
}

/// `float(x=0.0)`.
pub fn float_new(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    args.this();
    let [x] = args.bind("float", ["x"], 0)?;
    let Some(x) = x else { return Ok(Value::Float(0.0)) };
    match &x {
        Value::Str(s) => crate::text::float::parse(s.as_str())
            .map(Value::Float)
            .ok_or_else(|| value_error(crate::text::float::parse_error(s.as_str()))),
        Value::Float(_) => Ok(x.clone()),
        _ => arg_float(&x).map(Value::Float).map_err(|_| {
            type_error(format!(
                "float() argument must be a string or a real number, not '{}'",
                x.type_name()
            ))
        }),
    }
}
