//! list, tuple and range: constructors and methods.

use std::rc::Rc;

use crate::builtins::{arg_int, Args, NativeTable};
use crate::exc::{type_error, value_error, PyResult};
use crate::value::{RangeObj, Value};
use crate::vm::Vm;

pub const LIST_METHODS: NativeTable = &[("append", list_append)];
pub const TUPLE_METHODS: NativeTable = &[];
pub const RANGE_METHODS: NativeTable = &[];

/// `list(iterable=())`.
pub fn list_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    args.this();
    let [it] = args.bind("list", ["iterable"], 0)?;
    match it {
        None => Ok(Value::list(Vec::new())),
        Some(v) => Ok(Value::list(vm.iterate(&v)?)),
    }
}

/// `tuple(iterable=())`.
pub fn tuple_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    args.this();
    let [it] = args.bind("tuple", ["iterable"], 0)?;
    match it {
        None => Ok(Value::tuple(Vec::new())),
        Some(v @ Value::Tuple(_)) => Ok(v),
        Some(v) => Ok(Value::tuple(vm.iterate(&v)?)),
    }
}

/// `range(stop)`, `range(start, stop[, step])`.
pub fn range_new(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    args.this();
    args.no_kw("range")?;
    let n: Vec<i64> = args.pos.iter().map(arg_int).collect::<PyResult<_>>()?;
    let (start, stop, step) = match n.len() {
        1 => (0, n[0], 1),
        2 => (n[0], n[1], 1),
        3 => (n[0], n[1], n[2]),
        0 => return Err(type_error("range expected at least 1 argument, got 0")),
        k => return Err(type_error(format!("range expected at most 3 arguments, got {k}"))),
    };
    if step == 0 {
        return Err(value_error("range() arg 3 must not be zero"));
    }
    Ok(Value::Range(Rc::new(RangeObj { start, stop, step })))
}

/// `list.append(x)`.
fn list_append(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [x] = args.bind("list.append", ["*object"], 1)?;
    if let Value::List(l) = this {
        l.borrow_mut().push(x.expect("arg"));
    }
    Ok(Value::None)
}
