//! The builtin functions (`print`, `len`, `input`, ...): the `builtins` module's table.

use std::cell::RefCell;
use std::rc::Rc;

use crate::builtins::{Args, NativeTable};
use crate::exc::{new_exc, type_error, PyResult};
use crate::host::{Op, Reply, Stream};
use crate::types::types;
use crate::value::{IterState, Value};
use crate::vm::Vm;

/// Every builtin function, installed in the `builtins` namespace.
pub const FUNCTIONS: NativeTable = &[
    ("print", print),
    ("input", input),
    ("len", len),
    ("repr", repr),
    ("ascii", ascii),
    ("format", format),
    ("isinstance", isinstance),
    ("issubclass", issubclass),
    ("id", id),
    ("hash", hash),
    ("iter", iter),
    ("next", next),
    ("getattr", getattr),
    ("setattr", setattr),
    ("hasattr", hasattr),
    ("delattr", delattr),
    ("callable", callable),
    ("enumerate", enumerate),
    ("zip", zip),
    ("map", map),
    ("filter", filter),
    ("globals", globals),
    ("vars", vars),
];

/// `print(*objects, sep=' ', end='\n', file=None, flush=False)` — the example native:
/// keyword arguments taken by name, `str()` of each object through the VM (which calls
/// `__str__` of instances), output through the host or the `file`'s `write`.
pub fn print(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let sep = args.take_kw("sep");
    let end = args.take_kw("end");
    let file = args.take_kw("file");
    let _flush = args.take_kw("flush");
    if let Some((k, _)) = args.kw.first() {
        return Err(type_error(format!("'{k}' is an invalid keyword argument for print()")));
    }
    let text_arg = |v: Option<Value>, what: &str, default: &str| -> PyResult<String> {
        match v {
            None | Some(Value::None) => Ok(default.to_string()),
            Some(Value::Str(s)) => Ok(s.as_str().to_string()),
            Some(other) => Err(type_error(format!(
                "{what} must be None or a string, not {}",
                other.type_name()
            ))),
        }
    };
    let sep = text_arg(sep, "sep", " ")?;
    let end = text_arg(end, "end", "\n")?;
    let mut out = String::new();
    for (i, v) in args.pos.iter().enumerate() {
        if i > 0 {
            out.push_str(&sep);
        }
        match v {
            Value::Str(s) => out.push_str(s.as_str()),
            other => out.push_str(&vm.str(other)?),
        }
    }
    out.push_str(&end);
    match file {
        None | Some(Value::None) => vm.write(Stream::Stdout, &out),
        Some(f) => match crate::modules::sys::std_stream(&f) {
            Some(stream) => vm.write(stream, &out),
            None => {
                let w = vm.getattr(&f, "write")?;
                vm.call(&w, vec![Value::str(out)])?;
            }
        },
    }
    Ok(Value::None)
}

/// `input(prompt='')`: the prompt goes to stdout, then the thread waits for a line.
pub fn input(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [prompt] = args.bind("input", ["*prompt"], 0)?;
    if let Some(p) = prompt {
        let s = vm.str(&p)?;
        vm.write(Stream::Stdout, &s);
    }
    vm.block(Op::Input, |_vm, reply| match reply {
        Reply::Line(Some(s)) => Ok(Value::str(s)),
        Reply::Line(None) => Err(new_exc("EOFError", "EOF when reading a line")),
        Reply::Err(e) => Err(crate::exc::from_os(&e)),
        other => Err(crate::exc::runtime_error(format!("unexpected reply to input: {other:?}"))),
    })
}

fn len(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj] = args.bind("len", ["*obj"], 1)?;
    Ok(Value::Int(vm.len(&obj.expect("arg"))? as i64))
}

fn repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj] = args.bind("repr", ["*obj"], 1)?;
    Ok(Value::str(vm.repr(&obj.expect("arg"))?))
}

fn ascii(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj] = args.bind("ascii", ["*obj"], 1)?;
    Ok(Value::str(vm.ascii(&obj.expect("arg"))?))
}

fn format(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [v, spec] = args.bind("format", ["*value", "*format_spec"], 1)?;
    let spec = match spec {
        Some(Value::Str(s)) => s.as_str().to_string(),
        Some(other) => {
            return Err(type_error(format!(
                "format() argument 2 must be str, not {}",
                other.type_name()
            )))
        }
        None => String::new(),
    };
    Ok(Value::str(vm.format(&v.expect("arg"), &spec)?))
}

fn class_matches(v: &Value, cls: &Value, fname: &str) -> PyResult<bool> {
    match cls {
        Value::Class(c) => Ok(types().class_of(v).is_subclass(c)),
        Value::Tuple(t) => {
            for c in t.iter() {
                if class_matches(v, c, fname)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        _ => Err(type_error(format!(
            "{fname}() arg 2 must be a type, a tuple of types, or a union"
        ))),
    }
}

fn isinstance(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj, cls] = args.bind("isinstance", ["*obj", "*class_or_tuple"], 2)?;
    Ok(Value::Bool(class_matches(&obj.expect("arg"), &cls.expect("arg"), "isinstance")?))
}

fn issubclass(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [c, cls] = args.bind("issubclass", ["*cls", "*class_or_tuple"], 2)?;
    let Some(Value::Class(c)) = c else {
        return Err(type_error("issubclass() arg 1 must be a class"));
    };
    let check = |k: &Value| match k {
        Value::Class(k) => Ok(c.is_subclass(k)),
        _ => Err(type_error("issubclass() arg 2 must be a class, a tuple of classes, or a union")),
    };
    match cls.expect("arg") {
        Value::Tuple(t) => {
            for k in t.iter() {
                if check(k)? {
                    return Ok(Value::Bool(true));
                }
            }
            Ok(Value::Bool(false))
        }
        k => Ok(Value::Bool(check(&k)?)),
    }
}

fn id(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj] = args.bind("id", ["*obj"], 1)?;
    Ok(Value::Int(obj.expect("arg").id() as i64))
}

fn hash(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj] = args.bind("hash", ["*obj"], 1)?;
    let obj = obj.expect("arg");
    if let Value::Instance(i) = &obj {
        if let Some(m @ Value::Function(_)) = i.class.lookup("__hash__") {
            return vm.call(&m, vec![obj.clone()]);
        }
    }
    let k = vm.hash_key(obj)?;
    Ok(Value::Int(crate::value::py_hash(&k.0)))
}

fn iter(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj] = args.bind("iter", ["*object"], 1)?;
    vm.get_iter(&obj.expect("arg"))
}

/// `next(iterator[, default])`: generators resume as a frame (no nesting).
fn next(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [it, default] = args.bind("next", ["*iterator", "*default"], 1)?;
    let it = it.expect("arg");
    if let (Value::Generator(g), None) = (&it, &default) {
        return vm.resume_generator(g.clone(), Value::None);
    }
    if !matches!(it, Value::Iterator(_) | Value::Generator(_) | Value::Instance(_)) {
        return Err(type_error(format!("'{}' object is not an iterator", it.type_name())));
    }
    match vm.next_value(&it)? {
        Some(v) => Ok(v),
        None => match default {
            Some(d) => Ok(d),
            None => Err(crate::exc::stop_iteration(None)),
        },
    }
}

fn attr_name(v: Option<Value>, fname: &str) -> PyResult<String> {
    match v {
        Some(Value::Str(s)) => Ok(s.as_str().to_string()),
        Some(other) => Err(type_error(format!(
            "{fname}(): attribute name must be string, not '{}'",
            other.type_name()
        ))),
        None => Err(type_error(format!("{fname} expected 2 arguments, got 1"))),
    }
}

fn getattr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj, name, default] = args.bind("getattr", ["*object", "*name", "*default"], 2)?;
    let name = attr_name(name, "getattr")?;
    match vm.getattr(&obj.expect("arg"), &name) {
        Ok(v) => Ok(v),
        Err(e) if e.is("AttributeError") && default.is_some() => Ok(default.expect("default")),
        Err(e) => Err(e),
    }
}

fn setattr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj, name, v] = args.bind("setattr", ["*obj", "*name", "*value"], 3)?;
    let name = attr_name(name, "setattr")?;
    vm.setattr(&obj.expect("arg"), &name, v.expect("arg"))?;
    Ok(Value::None)
}

fn hasattr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj, name] = args.bind("hasattr", ["*obj", "*name"], 2)?;
    let name = attr_name(name, "hasattr")?;
    match vm.getattr(&obj.expect("arg"), &name) {
        Ok(_) => Ok(Value::Bool(true)),
        Err(e) if e.is("AttributeError") => Ok(Value::Bool(false)),
        Err(e) => Err(e),
    }
}

fn delattr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj, name] = args.bind("delattr", ["*obj", "*name"], 2)?;
    let name = attr_name(name, "delattr")?;
    vm.delattr(&obj.expect("arg"), &name)?;
    Ok(Value::None)
}

fn callable(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj] = args.bind("callable", ["*obj"], 1)?;
    Ok(Value::Bool(match obj.expect("arg") {
        Value::Function(_) | Value::Native(_) | Value::BoundMethod(_) | Value::Class(_) => true,
        Value::Instance(i) => i.class.lookup("__call__").is_some(),
        _ => false,
    }))
}

fn iterator(st: IterState) -> Value {
    Value::Iterator(Rc::new(RefCell::new(st)))
}

fn enumerate(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [it, start] = args.bind("enumerate", ["iterable", "start"], 1)?;
    let inner = vm.get_iter(&it.expect("arg"))?;
    let count = match start {
        Some(s) => crate::builtins::arg_int(&s)?,
        None => 0,
    };
    Ok(iterator(IterState::Enumerate { inner, count }))
}

fn zip(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut inners = Vec::with_capacity(args.pos.len());
    for a in &args.pos {
        inners.push(vm.get_iter(a)?);
    }
    Ok(iterator(IterState::Zip { inners }))
}

fn map(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    if args.pos.len() < 2 {
        return Err(type_error("map() must have at least two arguments."));
    }
    let func = args.pos.remove(0);
    let mut inners = Vec::with_capacity(args.pos.len());
    for a in &args.pos {
        inners.push(vm.get_iter(a)?);
    }
    Ok(iterator(IterState::Map { func, inners }))
}

fn filter(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [func, it] = args.bind("filter", ["*function", "*iterable"], 2)?;
    let inner = vm.get_iter(&it.expect("arg"))?;
    Ok(iterator(IterState::Filter { func: func.expect("arg"), inner }))
}

fn globals(vm: &mut Vm, _args: Args) -> PyResult<Value> {
    match vm.frames.last() {
        Some(f) => Ok(Value::Dict(f.globals.clone())),
        None => Ok(Value::None),
    }
}

fn vars(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj] = args.bind("vars", ["*object"], 0)?;
    match obj {
        Some(o) => vm.getattr(&o, "__dict__"),
        None => globals(vm, Args::default()),
    }
}
