//! Python exceptions as Rust errors: [`PyErr`], constructors worded like CPython, the
//! errno → OSError-subclass mapping, and traceback rendering in CPython 3.11's format.

use std::cell::RefCell;
use std::rc::Rc;

use crate::code::SpanInfo;
use crate::host::{errno, OsError};
use crate::types::types;
use crate::value::{Class, ExcData, Instance, Payload, TbEntry, Value};

/// A raised Python exception (always an instance of a BaseException subclass).
#[derive(Clone)]
pub struct PyErr(pub Rc<Instance>);

impl std::fmt::Debug for PyErr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.0.class.name, exc_str_plain(&self.0))
    }
}

pub type PyResult<T> = Result<T, PyErr>;

impl PyErr {
    pub fn value(&self) -> Value {
        Value::Instance(self.0.clone())
    }
    pub fn class(&self) -> &Rc<Class> {
        &self.0.class
    }
    /// Is this exception an instance of the builtin exception class `name`?
    pub fn is(&self, name: &str) -> bool {
        match types().exc(name) {
            Some(c) => self.0.class.is_subclass(&c),
            None => false,
        }
    }
    pub fn data(&self) -> std::cell::RefMut<'_, ExcData> {
        self.0.exc().expect("exception instance").borrow_mut()
    }
    /// Wrap an exception instance value (must be a BaseException instance).
    pub fn from_value(v: &Value) -> Option<PyErr> {
        match v {
            Value::Instance(i) if i.exc().is_some() => Some(PyErr(i.clone())),
            _ => None,
        }
    }
    /// Record that the exception passed through a frame at `span`.
    pub fn add_tb(&self, filename: &Rc<str>, name: &Rc<str>, span: SpanInfo, hidden: bool) {
        self.data().traceback.push(TbEntry {
            filename: filename.clone(),
            name: name.clone(),
            line: span.line,
            span,
            hidden,
        });
    }
}

/// Create an exception instance of a class with the given args.
pub fn instantiate(class: &Rc<Class>, args: Vec<Value>) -> PyErr {
    let inst = Instance::new(
        class.clone(),
        Payload::Exception(RefCell::new(ExcData {
            args,
            ..Default::default()
        })),
    );
    let e = PyErr(Rc::new(inst));
    if types()
        .exc("OSError")
        .is_some_and(|os| class.is_subclass(&os))
    {
        set_os_attrs(&e.0);
    }
    e
}

/// An exception of the builtin class `name` with one message argument.
pub fn new_exc(name: &str, msg: impl Into<String>) -> PyErr {
    let cls = types()
        .exc(name)
        .unwrap_or_else(|| types().exc("Exception").expect("Exception"));
    instantiate(&cls, vec![Value::str(msg)])
}

/// An exception of the builtin class `name` without arguments (`raise KeyboardInterrupt`).
pub fn new_exc_noargs(name: &str) -> PyErr {
    let cls = types()
        .exc(name)
        .unwrap_or_else(|| types().exc("Exception").expect("Exception"));
    instantiate(&cls, vec![])
}

pub fn type_error(msg: impl Into<String>) -> PyErr {
    new_exc("TypeError", msg)
}
pub fn value_error(msg: impl Into<String>) -> PyErr {
    new_exc("ValueError", msg)
}
pub fn index_error(msg: impl Into<String>) -> PyErr {
    new_exc("IndexError", msg)
}
pub fn attribute_error(msg: impl Into<String>) -> PyErr {
    new_exc("AttributeError", msg)
}
pub fn runtime_error(msg: impl Into<String>) -> PyErr {
    new_exc("RuntimeError", msg)
}
pub fn overflow_error(msg: impl Into<String>) -> PyErr {
    new_exc("OverflowError", msg)
}
pub fn zero_division(msg: impl Into<String>) -> PyErr {
    new_exc("ZeroDivisionError", msg)
}
/// `KeyError(key)`: printed as the key's repr.
pub fn key_error(key: Value) -> PyErr {
    let cls = types().exc("KeyError").expect("KeyError");
    instantiate(&cls, vec![key])
}
pub fn stop_iteration(value: Option<Value>) -> PyErr {
    let cls = types().exc("StopIteration").expect("StopIteration");
    instantiate(&cls, value.into_iter().collect())
}

/// The OSError subclass CPython raises for an errno.
pub fn os_error_class(err: i32) -> &'static str {
    match err {
        errno::EAGAIN | errno::EALREADY | errno::EINPROGRESS => "BlockingIOError",
        errno::EPIPE => "BrokenPipeError",
        errno::ECONNABORTED => "ConnectionAbortedError",
        errno::ECONNREFUSED => "ConnectionRefusedError",
        errno::ECONNRESET => "ConnectionResetError",
        errno::ENOENT => "FileNotFoundError",
        17 => "FileExistsError",
        errno::EINTR => "InterruptedError",
        21 => "IsADirectoryError",
        20 => "NotADirectoryError",
        errno::EACCES | errno::EPERM => "PermissionError",
        errno::ETIMEDOUT => "TimeoutError",
        _ => "OSError",
    }
}

/// `OSError(errno, strerror)` as the right subclass: `[Errno 111] Connection refused`.
pub fn os_error(err: i32, msg: impl Into<String>) -> PyErr {
    let cls = types().exc(os_error_class(err)).expect("OSError class");
    let e = instantiate(&cls, vec![Value::Int(err as i64), Value::str(msg)]);
    set_os_attrs(&e.0);
    e
}

/// An OSError with a filename: `[Errno 2] No such file or directory: 'x.txt'`.
pub fn os_error_file(err: i32, msg: impl Into<String>, filename: &str) -> PyErr {
    let cls = types().exc(os_error_class(err)).expect("OSError class");
    let e = instantiate(&cls, vec![Value::Int(err as i64), Value::str(msg)]);
    set_os_attrs(&e.0);
    e.0.set_attr("filename", Value::str(filename));
    e
}

/// The host's error as the Python exception.
pub fn from_os(e: &OsError) -> PyErr {
    os_error(e.errno, e.message.clone())
}

/// `TimeoutError: timed out` (socket timeouts).
pub fn timed_out() -> PyErr {
    new_exc("TimeoutError", "timed out")
}

/// Set `errno`/`strerror`/`filename` from the args of an OSError instance, as
/// `OSError.__init__` does.
pub fn set_os_attrs(inst: &Instance) {
    let args = inst
        .exc()
        .map(|d| d.borrow().args.clone())
        .unwrap_or_default();
    if args.len() >= 2 {
        inst.set_attr("errno", args[0].clone());
        inst.set_attr("strerror", args[1].clone());
        if args.len() >= 3 {
            inst.set_attr("filename", args[2].clone());
        }
    } else {
        inst.set_attr("errno", Value::None);
        inst.set_attr("strerror", Value::None);
    }
    if inst.get_attr("filename").is_none() {
        inst.set_attr("filename", Value::None);
    }
}

/// `str(exc)` for exceptions whose args are plain builtin values (no VM needed): used
/// where no VM is at hand. The VM's `str()` handles instances with `__str__`.
pub fn exc_str_plain(inst: &Instance) -> String {
    exc_str_with(inst, &mut |v| crate::ops::repr_plain(v), &mut |v| {
        crate::ops::str_plain(v)
    })
}

/// `str(exc)` with the given repr/str functions for the args.
pub fn exc_str_with(
    inst: &Instance,
    repr: &mut dyn FnMut(&Value) -> String,
    str_: &mut dyn FnMut(&Value) -> String,
) -> String {
    let data = match inst.exc() {
        Some(d) => d.borrow().clone(),
        None => return String::new(),
    };
    let cls = &inst.class;
    let is = |n: &str| types().exc(n).is_some_and(|c| cls.is_subclass(&c));
    if is("OSError") && data.args.len() >= 2 {
        let errno = inst.get_attr("errno").unwrap_or(data.args[0].clone());
        let strerror = inst.get_attr("strerror").unwrap_or(data.args[1].clone());
        let mut s = format!("[Errno {}] {}", str_(&errno), str_(&strerror));
        if let Some(f) = inst.get_attr("filename") {
            if !f.is_none() {
                s.push_str(&format!(": {}", repr(&f)));
            }
        }
        return s;
    }
    if is("KeyError") && data.args.len() == 1 {
        return repr(&data.args[0]);
    }
    if is("UnicodeDecodeError") && data.args.len() == 5 {
        // (encoding, object, start, end, reason)
        let enc = str_(&data.args[0]);
        let start = data.args[2].as_i64().unwrap_or(0);
        let end = data.args[3].as_i64().unwrap_or(start + 1);
        let reason = str_(&data.args[4]);
        let bytes: Vec<u8> = match &data.args[1] {
            Value::Bytes(b) => b.to_vec(),
            Value::ByteArray(b) => b.borrow().clone(),
            _ => Vec::new(),
        };
        if end - start == 1 {
            let b = bytes.get(start as usize).copied().unwrap_or(0);
            return format!(
                "'{enc}' codec can't decode byte 0x{b:02x} in position {start}: {reason}"
            );
        }
        return format!(
            "'{enc}' codec can't decode bytes in position {start}-{}: {reason}",
            end - 1
        );
    }
    if is("UnicodeEncodeError") && data.args.len() == 5 {
        let enc = str_(&data.args[0]);
        let start = data.args[2].as_i64().unwrap_or(0);
        let end = data.args[3].as_i64().unwrap_or(start + 1);
        let reason = str_(&data.args[4]);
        let text = data.args[1].as_str().unwrap_or("").to_string();
        if end - start == 1 {
            let c = text.chars().nth(start as usize).unwrap_or('\0') as u32;
            let esc = if c < 0x100 {
                format!("\\x{c:02x}")
            } else if c < 0x10000 {
                format!("\\u{c:04x}")
            } else {
                format!("\\U{c:08x}")
            };
            return format!(
                "'{enc}' codec can't encode character '{esc}' in position {start}: {reason}"
            );
        }
        return format!(
            "'{enc}' codec can't encode characters in position {start}-{}: {reason}",
            end - 1
        );
    }
    match data.args.len() {
        0 => String::new(),
        1 => str_(&data.args[0]),
        _ => repr(&Value::tuple(data.args.clone())),
    }
}

/// The name an exception's class is printed with in the last traceback line: the
/// qualified name, prefixed by the module unless it is builtins or `__main__`.
pub fn exc_type_display(cls: &Class) -> String {
    if &*cls.module == "builtins" || &*cls.module == "__main__" {
        cls.qualname.to_string()
    } else {
        format!("{}.{}", cls.module, cls.qualname)
    }
}

/// Render one traceback entry (the `File ..., line N, in f` line, the source line and
/// CPython 3.11's caret line when it prints one).
pub fn render_tb_entry(out: &mut String, e: &TbEntry, source_line: Option<&str>) {
    out.push_str(&format!(
        "  File \"{}\", line {}, in {}\n",
        e.filename, e.line, e.name
    ));
    let Some(orig) = source_line else { return };
    let stripped = orig.trim();
    if stripped.is_empty() {
        return;
    }
    out.push_str("    ");
    out.push_str(stripped);
    out.push('\n');
    let sp = e.span;
    if sp.end_line == 0 || (sp.col == 0 && sp.end_col == 0 && sp.end_line == sp.line) {
        return;
    }
    // Columns in characters; leading whitespace removed by the strip.
    let lead = orig.chars().count() - orig.trim_start().chars().count();
    let stripped_len = stripped.chars().count();
    let start = sp.col as usize;
    let (end, anchors) = if sp.end_line == sp.line {
        let a = if sp.has_anchor() {
            Some((sp.anchor_left as usize, sp.anchor_right as usize))
        } else {
            None
        };
        (sp.end_col as usize, a)
    } else {
        (lead + stripped_len, None)
    };
    if end <= start || start < lead {
        return;
    }
    if end - start >= stripped_len && anchors.is_none() {
        return;
    }
    let mut line = String::from("    ");
    line.push_str(&" ".repeat(start - lead));
    match anchors {
        Some((l, r)) => {
            for c in start..end {
                line.push(if c >= l && c < r { '^' } else { '~' });
            }
        }
        None => line.push_str(&"^".repeat(end - start)),
    }
    out.push_str(&line);
    out.push('\n');
}
