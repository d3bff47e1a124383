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

const STREAM_METHODS: NativeTable = &[("write", stream_write), ("flush", stream_flush)];
const FUNCTIONS: NativeTable = &[("exit", exit)];

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
    let cls = new_class("TextIOWrapper", "_io", vec![types().object.clone()], ClassKind::Object, None, STREAM_METHODS, true);
    let stream = |s: Stream| Value::Instance(Rc::new(Instance::new(cls.clone(), Payload::Native(Box::new(StdStream(s))))));
    super::set(&g, "stdout", stream(Stream::Stdout));
    super::set(&g, "stderr", stream(Stream::Stderr));
    super::set(&g, "__stdout__", stream(Stream::Stdout));
    super::set(&g, "__stderr__", stream(Stream::Stderr));
    let argv: Vec<Value> = vm.argv.iter().map(|a| Value::str(a.as_str())).collect();
    super::set(&g, "argv", Value::list(argv));
    super::set(&g, "maxsize", Value::Int(i64::MAX));
    super::set(&g, "platform", Value::str("linux"));
    super::set(&g, "byteorder", Value::str("little"));
    super::set(&g, "version", Value::str("3.11.7 (socklab)"));
    super::set(
        &g,
        "version_info",
        Value::tuple(vec![Value::Int(3), Value::Int(11), Value::Int(7), Value::str("final"), Value::Int(0)]),
    );
    m
}
