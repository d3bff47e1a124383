//! `traceback`: print/format the handled (or a given) exception exactly as an uncaught one
//! is printed, which is what scripts and `socketserver.handle_error` use it for.

use crate::builtins::{Args, NativeTable};
use crate::exc::{type_error, PyErr, PyResult};
use crate::host::Stream;
use crate::value::Value;
use crate::vm::Vm;

const FUNCTIONS: NativeTable = &[
    ("print_exc", print_exc),
    ("format_exc", format_exc),
    ("print_exception", print_exception),
    ("format_exception", format_exception),
];

pub fn module(_vm: &mut Vm) -> Value {
    super::make_module("traceback", FUNCTIONS).0
}

/// The text for the exception being handled, or `NoneType: None` as CPython prints.
fn handled_text(vm: &mut Vm) -> String {
    match vm
        .exc_stack
        .last()
        .cloned()
        .as_ref()
        .and_then(PyErr::from_value)
    {
        Some(e) => vm.format_exception(&e),
        None => "NoneType: None\n".to_string(),
    }
}

fn given_text(vm: &mut Vm, mut args: Args, fname: &str) -> PyResult<String> {
    args.kw.clear();
    let v =
        args.pos.first().cloned().ok_or_else(|| {
            type_error(format!("{fname}() missing required argument 'exc' (pos 1)"))
        })?;
    // The 3.10+ single-argument form, or the old (etype, value, tb) form.
    let v = if args.pos.len() >= 2 {
        args.pos[1].clone()
    } else {
        v
    };
    match PyErr::from_value(&v) {
        Some(e) => Ok(vm.format_exception(&e)),
        None => Ok(format!("{}: {}\n", v.type_name(), vm.str(&v)?)),
    }
}

fn print_exc(vm: &mut Vm, _args: Args) -> PyResult<Value> {
    let t = handled_text(vm);
    vm.write(Stream::Stderr, &t);
    Ok(Value::None)
}

fn format_exc(vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::str(handled_text(vm)))
}

fn print_exception(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let t = given_text(vm, args, "print_exception")?;
    vm.write(Stream::Stderr, &t);
    Ok(Value::None)
}

fn format_exception(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let t = given_text(vm, args, "format_exception")?;
    Ok(Value::list(vec![Value::str(t)]))
}
