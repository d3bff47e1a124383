//! `sys`: argv, exit, stdout/stderr (write/flush), modules, maxsize, version.

use std::rc::Rc;

use crate::builtins::{Args, NativeTable};
use crate::exc::{instantiate, PyResult};
use crate::host::Stream;
use crate::types::{new_class, types};
use crate::value::{ClassKind, Instance, Payload, Value};
use crate::vm::Vm;

/// The native state of `sys.stdout` / `sys.stderr`.
pub struct StdStream(pub Stream);

/// The stream behind `sys.stdout`/`sys.stderr`, if `v` is one.
pub fn std_stream(v: &Value) -> Option<Stream> {
    match v {
        Value::Instance(i) => i.native::<StdStream>().map(|s| s.0),
        _ => None,
    }
}

const STREAM_METHODS: NativeTable = &[
    ("write", stream_write),
    ("flush", stream_flush),
    ("readline", stdin_readline),
    ("read", stdin_read),
    ("readlines", stdin_readlines),
    ("__iter__", stdin_iter),
    ("__next__", stdin_next),
    ("fileno", stream_fileno),
    ("isatty", stream_isatty),
];

/// The state of `sys.stdin` (lines come from the host's `Op::Input`).
pub struct StdIn {
    pub eof: std::cell::Cell<bool>,
}

fn is_stdin(v: &Value) -> bool {
    matches!(v, Value::Instance(i) if i.native::<StdIn>().is_some())
}

/// One line from the host, with its newline ('' at EOF).
fn read_line(vm: &mut Vm, this: &Value, stop_at_eof: bool) -> PyResult<Value> {
    if !is_stdin(this) {
        return Err(crate::exc::new_exc("UnsupportedOperation", "not readable"));
    }
    let me = this.clone();
    vm.block(crate::host::Op::Input, move |_vm, r| match r {
        crate::host::Reply::Line(Some(l)) => Ok(Value::str(format!("{l}\n"))),
        crate::host::Reply::Line(None) => {
            if let Value::Instance(i) = &me {
                if let Some(s) = i.native::<StdIn>() {
                    s.eof.set(true);
                }
            }
            if stop_at_eof {
                Err(crate::exc::stop_iteration(None))
            } else {
                Ok(Value::str(""))
            }
        }
        crate::host::Reply::Err(e) => Err(crate::exc::from_os(&e)),
        other => Err(crate::exc::runtime_error(format!(
            "unexpected reply to input: {other:?}"
        ))),
    })
}

fn stdin_readline(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    read_line(vm, &this, false)
}

fn stdin_next(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    read_line(vm, &this, true)
}

fn stdin_iter(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    Ok(args.this())
}

/// `sys.stdin.read()`: every remaining line, one host op per line.
fn stdin_read(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    read_rest(vm, this, String::new(), false)
}

fn stdin_readlines(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    read_rest(vm, this, String::new(), true)
}

fn read_rest(vm: &mut Vm, this: Value, acc: String, lines: bool) -> PyResult<Value> {
    let me = this.clone();
    vm.block(crate::host::Op::Input, move |vm, r| match r {
        crate::host::Reply::Line(Some(l)) => read_rest(vm, me, format!("{acc}{l}\n"), lines),
        _ => Ok(if lines {
            Value::list(acc.split_inclusive('\n').map(Value::str).collect())
        } else {
            Value::str(acc)
        }),
    })
}

fn stream_fileno(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    Ok(Value::Int(match std_stream(&this) {
        Some(Stream::Stdout) => 1,
        Some(Stream::Stderr) => 2,
        None => 0,
    }))
}

fn stream_isatty(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::Bool(false))
}
const FUNCTIONS: NativeTable = &[
    ("exit", exit),
    ("exc_info", exc_info),
    ("exception", exception),
    ("getrecursionlimit", getrecursionlimit),
    ("setrecursionlimit", setrecursionlimit),
    ("getdefaultencoding", getdefaultencoding),
    ("getsizeof", getsizeof),
];

/// `sys.exc_info()`: the exception being handled, as (type, value, None).
fn exc_info(vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(match vm.exc_stack.last().cloned() {
        Some(e) => Value::tuple(vec![Value::Class(types().class_of(&e)), e, Value::None]),
        None => Value::tuple(vec![Value::None, Value::None, Value::None]),
    })
}

/// `sys.exception()` (3.11): the exception being handled, or None.
fn exception(vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(vm.exc_stack.last().cloned().unwrap_or(Value::None))
}

fn getrecursionlimit(vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::Int(vm.limits.max_depth as i64))
}

/// `sys.setrecursionlimit(n)`: the frame limit (the host's own cap is not raised).
fn setrecursionlimit(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [n] = args.bind("setrecursionlimit", ["*limit"], 1)?;
    let n = crate::builtins::arg_int(&n.expect("arg"))?;
    if n < 1 {
        return Err(crate::exc::value_error(
            "recursion limit must be greater or equal than 1",
        ));
    }
    vm.limits.max_depth = (n as usize).min(100_000);
    Ok(Value::None)
}

fn getdefaultencoding(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::str("utf-8"))
}

/// `sys.getsizeof(obj)`: CPython's sizes for the common small objects, estimates otherwise.
fn getsizeof(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj] = args.bind("getsizeof", ["*object"], 1)?;
    let obj = obj.expect("arg");
    let n = match &obj {
        Value::Int(0) | Value::Bool(false) => 24,
        Value::Int(i) => 28 + 4 * ((64 - i.unsigned_abs().leading_zeros() as i64) / 30),
        Value::Bool(_) => 28,
        Value::Float(_) => 24,
        Value::None => 16,
        Value::Str(s) => {
            if s.is_ascii() {
                49 + s.as_str().len() as i64
            } else {
                74 + 2 * s.char_len() as i64
            }
        }
        Value::Bytes(b) => 33 + b.len() as i64,
        Value::List(l) => 56 + 8 * l.borrow().len() as i64,
        Value::Tuple(t) => 40 + 8 * t.len() as i64,
        Value::Dict(_) => 232,
        _ => 48 + 8 * vm.len(&obj).unwrap_or(0) as i64,
    };
    Ok(Value::Int(n))
}

fn stream_write(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [s] = args.bind("write", ["*s"], 1)?;
    let s = s.expect("arg");
    let Value::Str(text) = &s else {
        return Err(crate::exc::type_error(format!(
            "write() argument must be str, not {}",
            s.type_name()
        )));
    };
    if let Some(stream) = std_stream(&this) {
        vm.write(stream, text.as_str());
    }
    Ok(Value::Int(text.char_len() as i64))
}

fn stream_flush(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::None)
}

/// `sys.exit([arg])`: raises SystemExit.
pub fn exit(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [code] = args.bind("exit", ["*status"], 0)?;
    let cls = types().exc("SystemExit").expect("SystemExit");
    Err(instantiate(&cls, code.into_iter().collect()))
}

pub fn module(vm: &mut Vm) -> Value {
    let (m, g) = super::make_module("sys", FUNCTIONS);
    let cls = new_class(
        "TextIOWrapper",
        "_io",
        vec![types().object.clone()],
        ClassKind::Object,
        None,
        STREAM_METHODS,
        true,
    );
    let stream = |s: Stream| {
        Value::Instance(Rc::new(Instance::new(
            cls.clone(),
            Payload::Native(Box::new(StdStream(s))),
        )))
    };
    let stdin = Value::Instance(Rc::new(Instance::new(
        cls.clone(),
        Payload::Native(Box::new(StdIn {
            eof: std::cell::Cell::new(false),
        })),
    )));
    super::set(&g, "stdin", stdin.clone());
    super::set(&g, "__stdin__", stdin);
    super::set(&g, "stdout", stream(Stream::Stdout));
    super::set(&g, "stderr", stream(Stream::Stderr));
    super::set(&g, "__stdout__", stream(Stream::Stdout));
    super::set(&g, "__stderr__", stream(Stream::Stderr));
    let argv: Vec<Value> = vm.argv.iter().map(|a| Value::str(a.as_str())).collect();
    super::set(&g, "argv", Value::list(argv));
    super::set(&g, "maxsize", Value::Int(i64::MAX));
    super::set(&g, "path", Value::list(vec![Value::str("")]));
    super::set(&g, "executable", Value::str("/usr/bin/python3"));
    super::set(&g, "implementation", Value::str("socklab"));
    super::set(&g, "api_version", Value::Int(1013));
    super::set(&g, "hexversion", Value::Int(0x030b07f0));
    super::set(&g, "platform", Value::str("linux"));
    super::set(&g, "byteorder", Value::str("little"));
    super::set(&g, "version", Value::str("3.11.7 (socklab)"));
    super::set(
        &g,
        "version_info",
        Value::tuple(vec![
            Value::Int(3),
            Value::Int(11),
            Value::Int(7),
            Value::str("final"),
            Value::Int(0),
        ]),
    );
    m
}
