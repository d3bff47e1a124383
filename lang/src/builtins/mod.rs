//! Builtin functions and the methods of builtin types, and the native calling convention.
//!
//! # Writing a native (a builtin function or method in Rust)
//!
//! Every native has the same signature, [`NativeFnPtr`]:
//!
//! ```text
//! fn len(vm: &mut Vm, args: Args) -> PyResult<Value> {
//!     let [obj] = args.bind("len", ["obj"], 1)?;   // positional/keyword binding, CPython-worded errors
//!     vm.len(&obj.unwrap())                          // may raise TypeError: object of type 'int' has no len()
//! }
//! ```
//!
//! * **Arguments**: [`Args`] holds the positional arguments (`args.pos`) and keyword
//!   arguments (`args.kw`, in call order). For a method, `args.pos[0]` is the receiver
//!   (`self`): `"ab".upper()` calls `str_upper(vm, Args { pos: ["ab"], kw: [] })`.
//!   [`Args::bind`] maps them onto named parameters; [`Args::this`] takes the receiver.
//! * **Returning**: `Ok(value)`.
//! * **Raising**: `Err(PyErr)`; build one with the helpers in [`crate::exc`]:
//!   `Err(type_error(format!("can only concatenate str (not \"{}\") to str", v.type_name())))`,
//!   `value_error`, `index_error`, `key_error(key)`, `os_error(errno, msg)` (picks the
//!   OSError subclass for the errno), `new_exc("UnicodeDecodeError", ...)`...
//! * **Blocking** (socket calls, `input`, `sleep`): `return vm.block(op, then)` submits
//!   `op` to the host and suspends the green thread; when the host answers, `then(vm,
//!   reply)` runs and its result (value or exception) becomes the call's result. A
//!   thread-sync wait (a lock, a join, an event) is `vm.wait(poll, timeout)`: `poll` is
//!   called each time the scheduler considers the thread and resumes it by returning
//!   `Some(result)`. Never loop waiting inside a native.
//! * **Calling Python** from a native (a `key=` function, `__str__`, `__eq__`): `vm.call(f,
//!   args)` runs a nested loop to completion. Blocking inside such a call raises
//!   RuntimeError (documented in lang/ARCHITECTURE.md). To hand a call over to Python
//!   as the native's *result* (no nesting), `return vm.tail_call(f, args)`.
//! * **Useful `Vm` helpers**: `vm.repr(&v)`, `vm.str(&v)` (call `__repr__`/`__str__` of
//!   instances), `vm.eq(&a, &b)`, `vm.iterate(&v)` (collect any iterable into a Vec),
//!   `vm.getattr(&v, "name")`, `vm.truthy(&v)`, `vm.hash_key(v)` (a dict [`Key`]).
//!   Arguments: [`arg_int`], [`arg_index`], [`arg_str`], [`arg_bytes_like`], [`arg_float`].
//!
//! # Declaring
//!
//! Builtin functions are listed in [`functions::FUNCTIONS`] (name, fn); the methods of a
//! builtin type in its file's `METHODS` table (e.g. [`str::METHODS`]); constructors are
//! the `new` functions referenced in [`crate::types`] (called as `new(vm, Args { pos:
//! [cls, ...call args] })`). The tables are installed once per thread by
//! [`crate::types`].
//!
//! Files: `functions.rs` (print, len, range...), `str.rs`, `bytes.rs` (bytes and
//! bytearray), `list.rs` (list and tuple), `dict.rs`, `set.rs`, `number.rs` (int, float,
//! bool), `object.rs` (object, type, exceptions' methods, property, super).

pub mod bytes;
pub mod dict;
pub mod functions;
pub mod list;
pub mod number;
pub mod object;
pub mod set;
pub mod str;

use std::rc::Rc;

use crate::exc::{type_error, PyResult};
use crate::value::Value;
use crate::vm::Vm;

/// The signature of every function written in Rust.
pub type NativeFnPtr = fn(&mut Vm, Args) -> PyResult<Value>;

/// A table of natives: (Python name, function).
pub type NativeTable = &'static [(&'static str, NativeFnPtr)];

/// The arguments of a native call.
#[derive(Default, Debug)]
pub struct Args {
    /// Positional arguments; for methods, `pos[0]` is the receiver.
    pub pos: Vec<Value>,
    /// Keyword arguments in call order.
    pub kw: Vec<(Rc<str>, Value)>,
}

impl Args {
    pub fn new(pos: Vec<Value>) -> Args {
        Args {
            pos,
            kw: Vec::new(),
        }
    }
    pub fn len(&self) -> usize {
        self.pos.len()
    }
    pub fn is_empty(&self) -> bool {
        self.pos.is_empty() && self.kw.is_empty()
    }
    /// Remove and return the receiver of a method call (`self`).
    pub fn this(&mut self) -> Value {
        if self.pos.is_empty() {
            Value::None
        } else {
            self.pos.remove(0)
        }
    }
    /// Take a keyword argument out by name.
    pub fn take_kw(&mut self, name: &str) -> Option<Value> {
        let i = self.kw.iter().position(|(k, _)| &**k == name)?;
        Some(self.kw.remove(i).1)
    }
    /// Fail unless there are no keyword arguments (`f() takes no keyword arguments`).
    pub fn no_kw(&self, fname: &str) -> PyResult<()> {
        if self.kw.is_empty() {
            Ok(())
        } else {
            Err(type_error(format!("{fname}() takes no keyword arguments")))
        }
    }
    /// Bind positional and keyword arguments to `N` named parameters, of which the first
    /// `required` must be given. Missing optional ones are `None`. A parameter name
    /// starting with `*` is positional-only (the `*` is not part of the name).
    pub fn bind<const N: usize>(
        self,
        fname: &str,
        params: [&str; N],
        required: usize,
    ) -> PyResult<[Option<Value>; N]> {
        let mut out: [Option<Value>; N] = std::array::from_fn(|_| None);
        let given = self.pos.len();
        if given > N {
            return Err(type_error(if N == required {
                if N == 0 {
                    format!("{fname}() takes no arguments ({given} given)")
                } else if N == 1 {
                    format!("{fname}() takes exactly one argument ({given} given)")
                } else {
                    format!("{fname}() takes exactly {N} arguments ({given} given)")
                }
            } else {
                format!("{fname}() takes at most {N} arguments ({given} given)")
            }));
        }
        for (slot, v) in out.iter_mut().zip(self.pos) {
            *slot = Some(v);
        }
        for (k, v) in self.kw {
            match params.iter().position(|p| *p == &*k) {
                Some(i) => {
                    if out[i].is_some() {
                        return Err(type_error(format!(
                            "argument for {fname}() given by name ('{k}') and position ({})",
                            i + 1
                        )));
                    }
                    out[i] = Some(v);
                }
                None => {
                    return Err(type_error(format!(
                        "{fname}() got an unexpected keyword argument '{k}'"
                    )))
                }
            }
        }
        for (i, slot) in out.iter().enumerate().take(required) {
            if slot.is_none() {
                let p = params[i].trim_start_matches('*');
                return Err(type_error(if params[i].starts_with('*') || N == 1 {
                    if required == N && N == 1 {
                        format!("{fname}() takes exactly one argument ({given} given)")
                    } else {
                        format!("{fname}() takes at least {required} arguments ({given} given)")
                    }
                } else {
                    format!("{fname}() missing required argument '{p}' (pos {})", i + 1)
                }));
            }
        }
        Ok(out)
    }
}

/// An int argument (`bool` included), as i64. `'str' object cannot be interpreted as an
/// integer` otherwise; big ints give OverflowError.
pub fn arg_int(v: &Value) -> PyResult<i64> {
    match &v.unenum() {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(*b as i64),
        Value::Long(_) => Err(crate::exc::new_exc(
            "OverflowError",
            "Python int too large to convert to C long",
        )),
        other => Err(type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            other.type_name()
        ))),
    }
}

/// An index argument (like [`arg_int`]; kept separate for CPython's wording of
/// `list indices must be integers or slices, not str` at call sites that need it).
pub fn arg_index(v: &Value) -> PyResult<i64> {
    arg_int(v)
}

/// A float argument (ints accepted): `must be real number, not str`.
pub fn arg_float(v: &Value) -> PyResult<f64> {
    match &v.unenum() {
        Value::Float(f) => Ok(*f),
        Value::Int(i) => Ok(*i as f64),
        Value::Bool(b) => Ok(*b as i64 as f64),
        Value::Long(b) => {
            use num_traits::ToPrimitive;
            b.to_f64().ok_or_else(|| {
                crate::exc::new_exc("OverflowError", "int too large to convert to float")
            })
        }
        other => Err(type_error(format!(
            "must be real number, not {}",
            other.type_name()
        ))),
    }
}

/// A str argument: `fname() argument N must be str, not int`.
pub fn arg_str(v: &Value, fname: &str, pos: usize) -> PyResult<Rc<crate::value::PyStr>> {
    match v.base_value().unwrap_or(v) {
        Value::Str(s) => Ok(s.clone()),
        other => Err(type_error(format!(
            "{fname}() argument {pos} must be str, not {}",
            other.type_name()
        ))),
    }
}

/// The bytes of a bytes-like argument (bytes, bytearray), or CPython's `a bytes-like
/// object is required, not 'str'`.
pub fn arg_bytes_like(v: &Value) -> PyResult<Vec<u8>> {
    match v {
        Value::Bytes(b) => Ok(b.to_vec()),
        Value::ByteArray(b) => Ok(b.borrow().clone()),
        other => Err(type_error(format!(
            "a bytes-like object is required, not '{}'",
            other.type_name()
        ))),
    }
}

/// Shorthand to raise a TypeError from inside a native.
pub fn raise_type<T>(msg: impl Into<String>) -> PyResult<T> {
    Err(type_error(msg))
}
