//! The modules a script can import: native ones built in Rust (`socket`, `time`, `sys`,
//! `select`, `_thread`) and socklab's Python-written library (`threading`, ...),
//! compiled from embedded source on first import.

pub mod hashlib_native;
pub mod io;
pub mod json_native;
pub mod math;
pub mod os_native;
pub mod random_mt;
pub mod select;
pub mod socket;
pub mod stdlib;
pub mod struct_mod;
pub mod sys;
pub mod thread;
pub mod time;
pub mod traceback_mod;

use std::rc::Rc;

use crate::builtins::NativeTable;
use crate::call::new_module;
use crate::exc::PyResult;
use crate::types::native;
use crate::value::{Globals, Value};
use crate::vm::Vm;

/// Builtin functions that live with the modules (`open`, `exit`...).
pub const BUILTIN_EXTRAS: NativeTable =
    &[("open", io::open), ("exit", sys::exit), ("quit", sys::exit)];

/// Build a native module by name (`Ok(None)` if there is no native module of that name).
pub fn native_module(vm: &mut Vm, name: &str) -> PyResult<Option<Value>> {
    Ok(Some(match name {
        "sys" => sys::module(vm),
        "socket" => socket::module(vm),
        "time" => time::module(vm),
        "_thread" => thread::module(vm),
        "select" => select::module(vm),
        _ => return stdlib::native_module(vm, name),
    }))
}

/// A Python-written library module: its file name (as tracebacks show it), its
/// source, and whether its frames are hidden from tracebacks.
pub struct PySource {
    pub filename: &'static str,
    pub source: &'static str,
    pub hidden: bool,
}

/// The source of a Python-written library module.
pub fn python_source(name: &str) -> Option<PySource> {
    match name {
        "threading" => Some(PySource {
            filename: THREADING_FILE,
            source: threading_source(),
            hidden: false,
        }),
        "_iterhelp" => Some(PySource {
            filename: "<socklab iterhelp>",
            source: include_str!("py/iterhelp.py"),
            hidden: true,
        }),
        _ => stdlib::python_source(name),
    }
}

/// Where CPython 3.11's threading.py lives on Debian: thread tracebacks name it.
pub const THREADING_FILE: &str = "/usr/lib/python3.11/threading.py";

/// threading.py laid out so that the two lines CPython shows in a thread's traceback
/// (`self._target(...)` at 982 and `self.run()` at 1045) are at CPython's line numbers.
fn threading_source() -> &'static str {
    static SRC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SRC.get_or_init(|| {
        let head = include_str!("py/threading_head.py");
        let run = include_str!("py/threading_run.py");
        let tail = include_str!("py/threading_tail.py");
        let mut s = String::from(head);
        let mut lines = s.lines().count();
        while lines < 978 {
            s.push('\n');
            lines += 1;
        }
        s.push_str(run);
        lines += run.lines().count();
        while lines < 1042 {
            s.push('\n');
            lines += 1;
        }
        s.push_str(tail);
        s
    })
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
