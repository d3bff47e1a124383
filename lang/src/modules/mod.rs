//! The modules a script can import: native ones built in Rust (`socket`, `time`, `sys`,
//! `select`, `_thread`) and socklab's Python-written library (`threading`, ...),
//! compiled from embedded source on first import.

pub mod sys;

use std::rc::Rc;

use crate::builtins::NativeTable;
use crate::call::new_module;
use crate::exc::PyResult;
use crate::types::native;
use crate::value::{Globals, Value};
use crate::vm::Vm;

/// Builtin functions that live with the modules (`open`, `exit`...).
pub const BUILTIN_EXTRAS: NativeTable = &[];

/// Build a native module by name (`Ok(None)` if there is no native module of that name).
pub fn native_module(vm: &mut Vm, name: &str) -> PyResult<Option<Value>> {
    Ok(Some(match name {
        "sys" => sys::module(vm),
        _ => return Ok(None),
    }))
}

/// The source of a Python-written library module.
pub fn python_source(name: &str) -> Option<&'static str> {
    let _ = name;
    None
}

/// A module with `functions` in its namespace; returns it with its globals.
pub fn make_module(name: &'static str, functions: NativeTable) -> (Value, Globals) {
    let (m, g) = new_module(name);
    {
        let mut d = g.borrow_mut();
        for (n, f) in functions {
            d.set_str(n, native(n, "", *f));
        }
    }
    (m, g)
}

/// Set a module attribute.
pub fn set(g: &Globals, name: &str, v: Value) {
    g.borrow_mut().set_str(name, v);
}

pub fn rc_str(s: &str) -> Rc<str> {
    Rc::from(s)
}
