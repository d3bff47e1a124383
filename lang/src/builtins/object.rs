//! `object`, `type`, exceptions' methods, `property`/`staticmethod`/`classmethod`,
//! `super`, `slice`, and the generator/iterator protocol methods.

use std::cell::RefCell;
use std::rc::Rc;

use crate::builtins::{Args, NativeTable};
use crate::exc::{type_error, PyResult};
use crate::types::types;
use crate::value::{ClassKind, ExcData, Instance, Payload, SliceObj, Value};
use crate::vm::Vm;

pub const OBJECT_METHODS: NativeTable = &[
    ("__init__", object_init),
    ("__setattr__", object_setattr),
    ("__new__", new_method),
];
pub const TYPE_METHODS: NativeTable = &[];
pub const EXCEPTION_METHODS: NativeTable = &[
    ("__init__", exception_init),
    ("__str__", exception_str),
    ("__repr__", exception_repr),
    ("with_traceback", exception_with_traceback),
];
pub const PROPERTY_METHODS: NativeTable = &[
    ("setter", property_setter),
    ("getter", property_getter),
    ("deleter", property_deleter),
];
pub const GENERATOR_METHODS: NativeTable = &[
    ("__next__", generator_next),
    ("send", generator_send),
    ("close", generator_close),
    ("__iter__", iter_self),
];
pub const ITERATOR_METHODS: NativeTable = &[("__next__", iterator_next), ("__iter__", iter_self)];

/// `object.__new__(cls)`: a plain instance (or an exception instance carrying the args).
pub fn object_new(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let Some(Value::Class(cls)) = args.pos.first().cloned() else {
        return Err(type_error("object.__new__(X): X is not a type object"));
    };
    let payload = if cls.kind == ClassKind::Exception {
        Payload::Exception(RefCell::new(ExcData {
            args: args.pos[1..].to_vec(),
            ..Default::default()
        }))
    } else {
        Payload::None
    };
    Ok(Value::Instance(Rc::new(Instance::new(cls, payload))))
}

/// `object.__new__(cls, ...)` as reached from a Python `__new__` (`super().__new__(cls)`,
/// `tuple.__new__(cls, items)`): a new instance of `cls`, wrapping a builtin value made
/// from the remaining arguments when `cls` derives from a builtin value type.
pub fn new_method(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let Some(Value::Class(cls)) = args.pos.first().cloned() else {
        return Err(type_error("object.__new__(X): X is not a type object"));
    };
    let Some(new) = cls.native_new() else {
        return Err(type_error(format!(
            "cannot create '{}' instances",
            cls.name
        )));
    };
    if cls.builtin {
        return new(vm, args);
    }
    match crate::call::value_base(&cls) {
        Some(base) => {
            let rest = Args {
                pos: args.pos[1..].to_vec(),
                kw: args.kw,
            };
            let v = vm.new_base_value(&base, &rest)?;
            Ok(Value::Instance(Rc::new(Instance::new(
                cls,
                Payload::Native(Box::new(crate::value::BaseValue(v))),
            ))))
        }
        // `object.__new__(cls)`: the arguments are `__init__`'s.
        None => new(
            vm,
            Args {
                pos: vec![Value::Class(cls)],
                kw: Vec::new(),
            },
        ),
    }
}

/// `object.__init__`: accepts nothing more (the extra-arguments check is in the VM).
pub fn object_init(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::None)
}

/// `object.__setattr__(obj, name, value)`: store in the instance dict, bypassing the
/// class's own `__setattr__` (how `super().__setattr__` and frozen classes write).
pub fn object_setattr(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj, name, value] = args.bind("__setattr__", ["*self", "*name", "*value"], 3)?;
    let (obj, name, value) = (obj.expect("arg"), name.expect("arg"), value.expect("arg"));
    let Some(n) = name.as_str() else {
        return Err(type_error(format!(
            "attribute name must be string, not '{}'",
            name.type_name()
        )));
    };
    match &obj {
        Value::Instance(i) if !i.class.builtin => {
            i.dict.borrow_mut().insert(Rc::from(n), value);
            Ok(Value::None)
        }
        other => Err(type_error(format!(
            "can't apply this __setattr__ to {} object",
            other.type_name()
        ))),
    }
}

/// `type(x)` and `type(name, bases, dict)`.
pub fn type_new(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    args.this();
    match args.pos.len() {
        1 => Ok(Value::Class(types().class_of(&args.pos[0]))),
        3 => {
            let name = args.pos[0].as_str().unwrap_or("?");
            let bases = match &args.pos[1] {
                Value::Tuple(t) => t.to_vec(),
                _ => Vec::new(),
            };
            let ns = match &args.pos[2] {
                Value::Dict(d) => d.clone(),
                _ => Rc::new(RefCell::new(crate::value::Dict::new())),
            };
            crate::call::build_class(Rc::from(name), bases, ns, Rc::from("__main__"))
        }
        _ => Err(type_error("type() takes 1 or 3 arguments")),
    }
}

/// `slice(stop)`, `slice(start, stop[, step])`.
pub fn slice_new(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    args.this();
    let p = args.pos;
    let (start, stop, step) = match p.len() {
        1 => (Value::None, p[0].clone(), Value::None),
        2 => (p[0].clone(), p[1].clone(), Value::None),
        3 => (p[0].clone(), p[1].clone(), p[2].clone()),
        n => {
            return Err(type_error(format!(
                "slice expected at most 3 arguments, got {n}"
            )))
        }
    };
    Ok(Value::Slice(Rc::new(SliceObj { start, stop, step })))
}

/// The exception constructor (`BaseException.__new__`): args are kept as given.
pub fn exception_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    object_new(vm, args)
}

/// `BaseException.__init__(self, *args)`.
pub fn exception_init(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    if let Value::Instance(i) = &this {
        if let Some(d) = i.exc() {
            d.borrow_mut().args = args.pos;
        }
    }
    Ok(Value::None)
}

/// `OSError.__init__(self, errno, strerror[, filename])`.
pub fn oserror_init(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let this = args.pos.first().cloned().unwrap_or(Value::None);
    exception_init(vm, args)?;
    if let Value::Instance(i) = &this {
        crate::exc::set_os_attrs(i);
    }
    Ok(Value::None)
}

/// `BaseException.__str__`.
pub fn exception_str(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    match &this {
        Value::Instance(i) => Ok(Value::str(vm.exc_str(i)?)),
        _ => Ok(Value::str("")),
    }
}

fn exception_repr(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    Ok(Value::str(vm.default_repr(&this)))
}

fn exception_with_traceback(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    Ok(args.this())
}

fn wrapper(cls: &Rc<crate::value::Class>, attrs: &[(&str, Value)]) -> Value {
    let inst = Instance::new(cls.clone(), Payload::None);
    for (k, v) in attrs {
        inst.set_attr(k, v.clone());
    }
    Value::Instance(Rc::new(inst))
}

/// `property(fget=None, fset=None, fdel=None, doc=None)`.
pub fn property_new(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    args.this();
    let [fget, fset, fdel, doc] = args.bind("property", ["fget", "fset", "fdel", "doc"], 0)?;
    Ok(wrapper(
        &types().property,
        &[
            ("fget", fget.unwrap_or(Value::None)),
            ("fset", fset.unwrap_or(Value::None)),
            ("fdel", fdel.unwrap_or(Value::None)),
            ("__doc__", doc.unwrap_or(Value::None)),
        ],
    ))
}

fn property_with(this: &Value, key: &str, f: Value) -> Value {
    let get = |k: &str| match this {
        Value::Instance(i) => i.get_attr(k).unwrap_or(Value::None),
        _ => Value::None,
    };
    let mut attrs = vec![
        ("fget", get("fget")),
        ("fset", get("fset")),
        ("fdel", get("fdel")),
        ("__doc__", get("__doc__")),
    ];
    for a in &mut attrs {
        if a.0 == key {
            a.1 = f.clone();
        }
    }
    wrapper(&types().property, &attrs)
}

fn property_setter(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [f] = args.bind("setter", ["*f"], 1)?;
    Ok(property_with(&this, "fset", f.expect("arg")))
}
fn property_getter(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [f] = args.bind("getter", ["*f"], 1)?;
    Ok(property_with(&this, "fget", f.expect("arg")))
}
fn property_deleter(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [f] = args.bind("deleter", ["*f"], 1)?;
    Ok(property_with(&this, "fdel", f.expect("arg")))
}

pub fn staticmethod_new(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    args.this();
    let [f] = args.bind("staticmethod", ["*function"], 1)?;
    Ok(wrapper(
        &types().staticmethod,
        &[("__func__", f.expect("arg"))],
    ))
}

pub fn classmethod_new(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    args.this();
    let [f] = args.bind("classmethod", ["*function"], 1)?;
    Ok(wrapper(
        &types().classmethod,
        &[("__func__", f.expect("arg"))],
    ))
}

/// `super(type, obj)` (the compiler turns a zero-argument `super()` into this).
pub fn super_new(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    args.this();
    if args.pos.len() != 2 {
        return Err(crate::exc::runtime_error("super(): no arguments"));
    }
    Ok(wrapper(
        &types().super_,
        &[
            ("__thisclass__", args.pos[0].clone()),
            ("__self__", args.pos[1].clone()),
        ],
    ))
}

fn iter_self(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    Ok(args.this())
}

fn generator_next(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    match this {
        Value::Generator(g) => vm.resume_generator(g, Value::None),
        _ => Err(type_error(
            "descriptor '__next__' requires a 'generator' object",
        )),
    }
}

fn generator_send(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [v] = args.bind("send", ["*value"], 1)?;
    match this {
        Value::Generator(g) => vm.resume_generator(g, v.expect("arg")),
        _ => Err(type_error(
            "descriptor 'send' requires a 'generator' object",
        )),
    }
}

fn generator_close(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    if let Value::Generator(g) = args.this() {
        g.frame.borrow_mut().take();
        g.finished.set(true);
    }
    Ok(Value::None)
}

fn iterator_next(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    match vm.next_value(&this)? {
        Some(v) => Ok(v),
        None => Err(crate::exc::stop_iteration(None)),
    }
}
