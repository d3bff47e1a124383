//! `open()` on the host's sandboxed file area: text and binary files, read whole at open
//! and written through to the host at each `write`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::builtins::{arg_int, Args, NativeTable};
use crate::exc::{os_error_file, type_error, value_error, PyResult};
use crate::types::{new_class, types};
use crate::value::{Class, ClassKind, Instance, Payload, Value};
use crate::vm::Vm;

/// An open file.
pub struct FileState {
    pub name: String,
    pub mode: String,
    pub binary: bool,
    pub writable: bool,
    pub readable: bool,
    pub encoding: String,
    /// The whole content, for reading.
    pub data: RefCell<Vec<u8>>,
    pub pos: Cell<usize>,
    pub closed: Cell<bool>,
}

const METHODS: NativeTable = &[
    ("read", file_read),
    ("readline", file_readline),
    ("readlines", file_readlines),
    ("write", file_write),
    ("writelines", file_writelines),
    ("close", file_close),
    ("flush", file_flush),
    ("seek", file_seek),
    ("tell", file_tell),
    ("readable", file_readable),
    ("writable", file_writable),
    ("__enter__", file_enter),
    ("__exit__", file_exit),
    ("__iter__", file_enter),
    ("__next__", file_next),
    ("__repr__", file_repr),
    ("__getattr__", file_getattr),
];

pub const FUNCTIONS: NativeTable = &[("open", open)];

thread_local! {
    static TEXT: Rc<Class> = new_class("TextIOWrapper", "_io", vec![types().object.clone()], ClassKind::Object, None, METHODS, true);
    static BREADER: Rc<Class> = new_class("BufferedReader", "_io", vec![types().object.clone()], ClassKind::Object, None, METHODS, true);
    static BWRITER: Rc<Class> = new_class("BufferedWriter", "_io", vec![types().object.clone()], ClassKind::Object, None, METHODS, true);
}

fn st(v: &Value) -> PyResult<&FileState> {
    match v {
        Value::Instance(i) => i
            .native::<FileState>()
            .ok_or_else(|| type_error("a file object is required")),
        _ => Err(type_error("a file object is required")),
    }
}

fn check_open(f: &FileState) -> PyResult<()> {
    if f.closed.get() {
        Err(value_error("I/O operation on closed file."))
    } else {
        Ok(())
    }
}

/// `open(file, mode='r', buffering=-1, encoding=None, errors=None, newline=None)`.
pub fn open(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [file, mode, _buffering, encoding, _errors, _newline] = args.bind(
        "open",
        ["file", "mode", "buffering", "encoding", "errors", "newline"],
        1,
    )?;
    let name = match file.expect("arg") {
        Value::Str(s) => s.as_str().to_string(),
        Value::Int(fd) => {
            return Err(crate::exc::os_error(
                crate::host::errno::EBADF,
                format!("Bad file descriptor: {fd}"),
            ))
        }
        other => {
            return Err(type_error(format!(
                "expected str, bytes or os.PathLike object, not {}",
                other.type_name()
            )))
        }
    };
    let mode = match mode {
        Some(Value::Str(s)) => s.as_str().to_string(),
        Some(other) => {
            return Err(type_error(format!(
                "open() argument 'mode' must be str, not {}",
                other.type_name()
            )))
        }
        None => "r".to_string(),
    };
    let valid = mode.chars().all(|c| "rwaxbt+".contains(c))
        && mode.chars().filter(|c| "rwax".contains(*c)).count() == 1;
    if !valid {
        return Err(value_error(format!("invalid mode: '{mode}'")));
    }
    let binary = mode.contains('b');
    if binary && encoding.as_ref().is_some_and(|e| !e.is_none()) {
        return Err(value_error("binary mode doesn't take an encoding argument"));
    }
    let encoding = encoding
        .and_then(|e| e.as_str().map(String::from))
        .unwrap_or_else(|| "UTF-8".to_string());
    let plus = mode.contains('+');
    let (readable, writable) = match mode.chars().find(|c| "rwax".contains(*c)) {
        Some('r') => (true, plus),
        _ => (plus, true),
    };
    let mut data = Vec::new();
    if mode.contains('r') || mode.contains('a') && readable {
        match vm.host.read_file(&name) {
            Ok(d) => data = d,
            Err(e) => {
                if mode.contains('r') {
                    return Err(os_error_file(e.errno, e.message, &name));
                }
            }
        }
    }
    if mode.contains('x') && vm.host.file_exists(&name) {
        return Err(os_error_file(17, "File exists", &name));
    }
    if mode.contains('w') || mode.contains('x') {
        vm.host
            .write_file(&name, &[], false)
            .map_err(|e| os_error_file(e.errno, e.message, &name))?;
    }
    if mode.contains('a') {
        vm.host
            .write_file(&name, &[], true)
            .map_err(|e| os_error_file(e.errno, e.message, &name))?;
    }
    let cls = if !binary {
        TEXT.with(|c| c.clone())
    } else if readable && !writable {
        BREADER.with(|c| c.clone())
    } else {
        BWRITER.with(|c| c.clone())
    };
    let f = FileState {
        name,
        mode,
        binary,
        writable,
        readable,
        encoding,
        data: RefCell::new(data),
        pos: Cell::new(0),
        closed: Cell::new(false),
    };
    Ok(Value::Instance(Rc::new(Instance::new(
        cls,
        Payload::Native(Box::new(f)),
    ))))
}

fn decode(f: &FileState, b: &[u8]) -> PyResult<Value> {
    if f.binary {
        return Ok(Value::bytes(b.to_vec()));
    }
    let v = crate::builtins::bytes::decode(b, &f.encoding, "strict")?;
    // Universal newlines: \r\n and \r read as \n.
    match &v {
        Value::Str(s) if s.as_str().contains('\r') => Ok(Value::str(
            s.as_str().replace("\r\n", "\n").replace('\r', "\n"),
        )),
        _ => Ok(v),
    }
}

fn file_read(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [n] = args.bind("read", ["*size"], 0)?;
    let f = st(&this)?;
    check_open(f)?;
    if !f.readable {
        return Err(crate::exc::new_exc("UnsupportedOperation", "not readable"));
    }
    let data = f.data.borrow();
    let pos = f.pos.get().min(data.len());
    let n = match n {
        Some(Value::None) | None => -1,
        Some(v) => arg_int(&v)?,
    };
    if n < 0 || f.binary {
        let end = if n < 0 {
            data.len()
        } else {
            (pos + n as usize).min(data.len())
        };
        f.pos.set(end);
        return decode(f, &data[pos..end]);
    }
    // Text: n characters.
    let rest = String::from_utf8_lossy(&data[pos..]).into_owned();
    let take: String = rest.chars().take(n as usize).collect();
    f.pos.set(pos + take.len());
    decode(f, take.as_bytes())
}

fn next_line(f: &FileState) -> Option<Vec<u8>> {
    let data = f.data.borrow();
    let pos = f.pos.get();
    if pos >= data.len() {
        return None;
    }
    let end = data[pos..]
        .iter()
        .position(|&b| b == b'\n')
        .map(|i| pos + i + 1)
        .unwrap_or(data.len());
    f.pos.set(end);
    Some(data[pos..end].to_vec())
}

fn file_readline(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let f = st(&this)?;
    check_open(f)?;
    match next_line(f) {
        Some(l) => decode(f, &l),
        None => decode(f, &[]),
    }
}

fn file_readlines(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let f = st(&this)?;
    check_open(f)?;
    let mut out = Vec::new();
    while let Some(l) = next_line(f) {
        out.push(decode(f, &l)?);
    }
    Ok(Value::list(out))
}

fn file_next(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let f = st(&this)?;
    check_open(f)?;
    match next_line(f) {
        Some(l) => decode(f, &l),
        None => Err(crate::exc::stop_iteration(None)),
    }
}

fn write_value(vm: &mut Vm, f: &FileState, v: &Value) -> PyResult<usize> {
    check_open(f)?;
    if !f.writable {
        return Err(crate::exc::new_exc("UnsupportedOperation", "not writable"));
    }
    let (bytes, n) = if f.binary {
        let b = crate::builtins::arg_bytes_like(v)?;
        let n = b.len();
        (b, n)
    } else {
        match v {
            Value::Str(s) => {
                let enc = crate::text::codec::encode(s.as_str(), &f.encoding, "strict")
                    .map_err(|e| crate::exc::new_exc(e.class_name(), e.to_string()))?;
                (enc, s.char_len())
            }
            other => {
                return Err(type_error(format!(
                    "write() argument must be str, not {}",
                    other.type_name()
                )))
            }
        }
    };
    vm.host
        .write_file(&f.name, &bytes, true)
        .map_err(|e| os_error_file(e.errno, e.message, &f.name))?;
    Ok(n)
}

fn file_write(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [v] = args.bind("write", ["*s"], 1)?;
    let f = st(&this)?;
    let n = write_value(vm, f, &v.expect("arg"))?;
    Ok(Value::Int(n as i64))
}

fn file_writelines(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [lines] = args.bind("writelines", ["*lines"], 1)?;
    let items = vm.iterate(&lines.expect("arg"))?;
    let f = st(&this)?;
    for it in items {
        write_value(vm, f, &it)?;
    }
    Ok(Value::None)
}

fn file_close(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    st(&this)?.closed.set(true);
    Ok(Value::None)
}

fn file_flush(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    check_open(st(&this)?)?;
    Ok(Value::None)
}

fn file_seek(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [off, whence] = args.bind("seek", ["*offset", "*whence"], 1)?;
    let f = st(&this)?;
    let off = arg_int(&off.expect("arg"))?;
    let len = f.data.borrow().len() as i64;
    let base = match whence.map(|w| w.as_i64().unwrap_or(0)).unwrap_or(0) {
        1 => f.pos.get() as i64,
        2 => len,
        _ => 0,
    };
    let p = (base + off).max(0) as usize;
    f.pos.set(p);
    Ok(Value::Int(p as i64))
}

fn file_tell(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    Ok(Value::Int(st(&this)?.pos.get() as i64))
}

fn file_readable(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    Ok(Value::Bool(st(&this)?.readable))
}

fn file_writable(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    Ok(Value::Bool(st(&this)?.writable))
}

fn file_enter(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    check_open(st(&this)?)?;
    Ok(this)
}

fn file_exit(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    st(&this)?.closed.set(true);
    Ok(Value::Bool(false))
}

fn file_repr(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let f = st(&this)?;
    let name = crate::ops::str_repr(&f.name);
    Ok(Value::str(if f.binary {
        format!(
            "<_io.{} name={name}>",
            if f.readable && !f.writable {
                "BufferedReader"
            } else {
                "BufferedWriter"
            }
        )
    } else {
        format!(
            "<_io.TextIOWrapper name={name} mode='{}' encoding='{}'>",
            f.mode, f.encoding
        )
    }))
}

fn file_getattr(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [name] = args.bind("__getattr__", ["*name"], 1)?;
    let name = name.expect("arg");
    let f = st(&this)?;
    Ok(match name.as_str().unwrap_or("") {
        "name" => Value::str(f.name.as_str()),
        "mode" => Value::str(f.mode.as_str()),
        "closed" => Value::Bool(f.closed.get()),
        "encoding" if !f.binary => Value::str(f.encoding.as_str()),
        n => {
            return Err(crate::exc::attribute_error(format!(
                "'{}' object has no attribute '{n}'",
                this.type_name()
            )))
        }
    })
}
