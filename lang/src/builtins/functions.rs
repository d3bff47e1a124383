//! The builtin functions (`print`, `len`, `input`, ...): the `builtins` module's table.

use std::cell::RefCell;
use std::rc::Rc;

use crate::ast::{BinOp, CmpOp};
use crate::builtins::str::clinic_args;
use crate::builtins::{Args, NativeTable};
use crate::exc::{new_exc, type_error, value_error, PyResult};
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
    ("locals", locals),
    ("vars", vars),
    ("dir", dir),
    ("sorted", sorted),
    ("min", min),
    ("max", max),
    ("sum", sum),
    ("any", any),
    ("all", all),
    ("reversed", reversed),
    ("ord", ord),
    ("chr", chr),
    ("hex", hex),
    ("oct", oct),
    ("bin", bin),
    ("divmod", divmod),
    ("pow", pow),
    ("round", round),
    ("abs", abs),
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
        return Err(type_error(format!(
            "'{k}' is an invalid keyword argument for print()"
        )));
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
            None if crate::modules::socket::is_sockfile(&f) => {
                // A socket file's write is a host op: no nested call (it may block).
                return crate::modules::socket::sockfile_write(vm, &f, &out)
                    .unwrap_or(Ok(Value::None));
            }
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
        other => Err(crate::exc::runtime_error(format!(
            "unexpected reply to input: {other:?}"
        ))),
    })
}

/// `len(obj)`.
fn len(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj] = args.bind("len", ["*obj"], 1)?;
    Ok(Value::Int(vm.len(&obj.expect("arg"))? as i64))
}

/// `repr(obj)`: `__repr__` of instances, CPython's reprs of builtins.
fn repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj] = args.bind("repr", ["*obj"], 1)?;
    Ok(Value::str(vm.repr(&obj.expect("arg"))?))
}

/// `ascii(obj)`: `repr` with non-ASCII escaped.
fn ascii(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj] = args.bind("ascii", ["*obj"], 1)?;
    Ok(Value::str(vm.ascii(&obj.expect("arg"))?))
}

/// `format(value, format_spec='')`.
fn format(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [v, spec] = to_array::<2>(clinic_args(args, "format", 1, 2)?);
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

/// Is `v` an instance of `cls` (a class or a nested tuple of classes)?
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

/// `isinstance(obj, class_or_tuple)`.
fn isinstance(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj, cls] = to_array::<2>(clinic_args(args, "isinstance", 2, 2)?);
    Ok(Value::Bool(class_matches(
        &obj.expect("arg"),
        &cls.expect("arg"),
        "isinstance",
    )?))
}

/// `issubclass(cls, class_or_tuple)`.
fn issubclass(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [c, cls] = to_array::<2>(clinic_args(args, "issubclass", 2, 2)?);
    let Some(Value::Class(c)) = c else {
        return Err(type_error("issubclass() arg 1 must be a class"));
    };
    let check = |k: &Value| match k {
        Value::Class(k) => Ok(c.is_subclass(k)),
        _ => Err(type_error(
            "issubclass() arg 2 must be a class, a tuple of classes, or a union",
        )),
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

/// `id(obj)`: stable while the object lives.
fn id(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj] = args.bind("id", ["*obj"], 1)?;
    Ok(Value::Int(obj.expect("arg").id() as i64))
}

/// `hash(obj)`: CPython's exact values for numbers and tuples of them; `__hash__` of
/// instances; other values hash consistently with `==` but not to CPython's numbers.
fn hash(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj] = args.bind("hash", ["*obj"], 1)?;
    let obj = obj.expect("arg");
    Ok(Value::Int(vm.py_hash(&obj)?))
}

const HASH_MODULUS: u64 = (1 << 61) - 1;

/// CPython's exact hash for the values whose hash does not depend on a random seed or an
/// address (ints, bools, floats, tuples of those); `None` for the others.
pub(crate) fn exact_hash(v: &Value) -> Option<i64> {
    match v {
        Value::Bool(_) | Value::Int(_) | Value::Long(_) | Value::Float(_) => Some(cpython_hash(v)),
        Value::Tuple(items) if items.iter().all(|x| exact_hash(x).is_some()) => {
            Some(cpython_hash(v))
        }
        _ => None,
    }
}

/// CPython's hash of a hashable value (`Py_hash_t` semantics: -1 becomes -2).
pub(crate) fn cpython_hash(v: &Value) -> i64 {
    let h = match v {
        Value::Bool(b) => *b as i64,
        Value::Int(i) => hash_bigint(&num_bigint::BigInt::from(*i)),
        Value::Long(b) => hash_bigint(b),
        Value::Float(f) => hash_float(*f),
        Value::Tuple(items) => {
            // CPython's xxHash-based tuple hash.
            const P1: u64 = 11400714785074694791;
            const P2: u64 = 14029467366897019727;
            const P5: u64 = 2870177450012600261;
            let mut acc = P5;
            for it in items.iter() {
                let lane = cpython_hash(it) as u64;
                acc = acc.wrapping_add(lane.wrapping_mul(P2));
                acc = acc.rotate_left(31);
                acc = acc.wrapping_mul(P1);
            }
            acc = acc.wrapping_add((items.len() as u64) ^ (P5 ^ 3527539));
            if acc as i64 == -1 {
                1546275796
            } else {
                acc as i64
            }
        }
        other => crate::value::py_hash(other),
    };
    if h == -1 {
        -2
    } else {
        h
    }
}

/// CPython's hash of an int: its value mod 2**61 - 1, keeping the sign.
pub(crate) fn hash_bigint(n: &num_bigint::BigInt) -> i64 {
    use num_traits::ToPrimitive;
    let m = (n.magnitude() % HASH_MODULUS).to_i64().unwrap_or(0);
    if n.sign() == num_bigint::Sign::Minus {
        -m
    } else {
        m
    }
}

/// `_Py_HashDouble`: the value of the exact rational mod 2**61 - 1.
fn hash_float(v: f64) -> i64 {
    if v.is_nan() {
        return 0;
    }
    if v.is_infinite() {
        return if v > 0.0 { 314159 } else { -314159 };
    }
    if v == 0.0 {
        return 0;
    }
    let sign: i64 = if v < 0.0 { -1 } else { 1 };
    // frexp: v = m * 2**e with 0.5 <= m < 1.
    let bits = v.abs().to_bits();
    let (mut m, mut e) = {
        let exp = ((bits >> 52) & 0x7ff) as i32;
        if exp == 0 {
            let scaled = v.abs() * 2f64.powi(64);
            let b = scaled.to_bits();
            (
                f64::from_bits((b & !(0x7ffu64 << 52)) | (1022u64 << 52)),
                ((b >> 52) & 0x7ff) as i32 - 1022 - 64,
            )
        } else {
            (
                f64::from_bits((bits & !(0x7ffu64 << 52)) | (1022u64 << 52)),
                exp - 1022,
            )
        }
    };
    let mut x: u64 = 0;
    while m != 0.0 {
        x = ((x << 28) & HASH_MODULUS) | (x >> (61 - 28));
        m *= 268435456.0;
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        x += y;
        if x >= HASH_MODULUS {
            x -= HASH_MODULUS;
        }
    }
    let e = if e >= 0 {
        e % 61
    } else {
        61 - 1 - ((-1 - e) % 61)
    } as u32;
    x = ((x << e) & HASH_MODULUS) | (x >> (61 - e));
    x as i64 * sign
}

/// `iter(object)`, `iter(callable, sentinel)`.
fn iter(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let a = clinic_args(args, "iter", 1, 2)?;
    if a.len() == 2 {
        return callable_iterator(vm, &a[0], &a[1]);
    }
    let [obj] = to_array::<1>(a);
    vm.get_iter(&obj.expect("arg"))
}

/// `next(iterator[, default])`: generators resume as a frame (no nesting).
fn next(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [it, default] = to_array::<2>(clinic_args(args, "next", 1, 2)?);
    let it = it.expect("arg");
    if let (Value::Generator(g), None) = (&it, &default) {
        return vm.resume_generator(g.clone(), Value::None);
    }
    if !matches!(
        it,
        Value::Iterator(_) | Value::Generator(_) | Value::Instance(_)
    ) {
        return Err(type_error(format!(
            "'{}' object is not an iterator",
            it.type_name()
        )));
    }
    match vm.next_value(&it)? {
        Some(v) => Ok(v),
        None => match default {
            Some(d) => Ok(d),
            None => Err(crate::exc::stop_iteration(None)),
        },
    }
}

/// The attribute-name argument of getattr & co.
fn attr_name(v: Option<Value>, fname: &str) -> PyResult<String> {
    match v {
        Some(Value::Str(s)) => Ok(s.as_str().to_string()),
        Some(other) => Err(type_error(format!(
            "attribute name must be string, not '{}'",
            other.type_name()
        ))),
        None => Err(type_error(format!("{fname} expected 2 arguments, got 1"))),
    }
}

/// `getattr(object, name[, default])`.
fn getattr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj, name, default] = to_array::<3>(clinic_args(args, "getattr", 2, 3)?);
    let name = attr_name(name, "getattr")?;
    match vm.getattr(&obj.expect("arg"), &name) {
        Ok(v) => Ok(v),
        Err(e) if e.is("AttributeError") && default.is_some() => Ok(default.expect("default")),
        Err(e) => Err(e),
    }
}

/// `setattr(obj, name, value)`.
fn setattr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj, name, v] = to_array::<3>(clinic_args(args, "setattr", 3, 3)?);
    let name = attr_name(name, "setattr")?;
    vm.setattr(&obj.expect("arg"), &name, v.expect("arg"))?;
    Ok(Value::None)
}

/// `hasattr(obj, name)`: only AttributeError means False.
fn hasattr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj, name] = to_array::<2>(clinic_args(args, "hasattr", 2, 2)?);
    let name = attr_name(name, "hasattr")?;
    match vm.getattr(&obj.expect("arg"), &name) {
        Ok(_) => Ok(Value::Bool(true)),
        Err(e) if e.is("AttributeError") => Ok(Value::Bool(false)),
        Err(e) => Err(e),
    }
}

/// `delattr(obj, name)`.
fn delattr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj, name] = to_array::<2>(clinic_args(args, "delattr", 2, 2)?);
    let name = attr_name(name, "delattr")?;
    vm.delattr(&obj.expect("arg"), &name)?;
    Ok(Value::None)
}

/// `callable(obj)`.
fn callable(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj] = args.bind("callable", ["*obj"], 1)?;
    Ok(Value::Bool(match obj.expect("arg") {
        Value::Function(_) | Value::Native(_) | Value::BoundMethod(_) | Value::Class(_) => true,
        Value::Instance(i) => i.class.lookup("__call__").is_some(),
        _ => false,
    }))
}

/// Spread positional arguments over `N` optional slots.
fn to_array<const N: usize>(v: Vec<Value>) -> [Option<Value>; N] {
    let mut it = v.into_iter();
    std::array::from_fn(|_| it.next())
}

/// A builtin iterator value.
fn iterator(st: IterState) -> Value {
    Value::Iterator(Rc::new(RefCell::new(st)))
}

/// `enumerate(iterable, start=0)`.
fn enumerate(vm: &mut Vm, args: Args) -> PyResult<Value> {
    if args.pos.is_empty() && !args.kw.iter().any(|(k, _)| &**k == "iterable") {
        return Err(type_error(
            "enumerate() missing required argument 'iterable'",
        ));
    }
    let [it, start] =
        crate::builtins::str::kw_args(args, "enumerate", ["iterable", "start"], 1, 2)?;
    let inner = vm.get_iter(&it.expect("arg"))?;
    if let Value::Instance(_) = inner {
        // Its __next__ may block (a socket file): iterate in a Python generator.
        let helper = vm.import("_iterhelp")?;
        let f = vm.getattr(&helper, "enumerate")?;
        return vm.call(&f, vec![inner, start.unwrap_or(Value::Int(0))]);
    }
    let count = match start {
        Some(s) => crate::builtins::arg_int(&s)?,
        None => 0,
    };
    Ok(iterator(IterState::Enumerate { inner, count }))
}

/// `zip(*iterables, strict=False)`; `strict=True` checks the lengths (eagerly).
fn zip(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let strict = match args.take_kw("strict") {
        Some(v) => vm.truthy(&v)?,
        None => false,
    };
    if let Some((k, _)) = args.kw.first() {
        return Err(type_error(format!(
            "'{k}' is an invalid keyword argument for zip()"
        )));
    }
    let mut inners = Vec::with_capacity(args.pos.len());
    for a in args.pos.iter() {
        match vm.get_iter(a) {
            Ok(it) => inners.push(it),
            Err(e) => return Err(e),
        }
    }
    if !strict || inners.len() < 2 {
        return Ok(iterator(IterState::Zip { inners }));
    }
    let mut out = Vec::new();
    loop {
        let mut row = Vec::with_capacity(inners.len());
        for (i, it) in inners.iter().enumerate() {
            match vm.next_value(it)? {
                Some(v) => row.push(v),
                None => {
                    if i > 0 {
                        let s = if i == 1 { " " } else { "s 1-" };
                        return Err(value_error(format!(
                            "zip() argument {} is shorter than argument{s}{i}",
                            i + 1
                        )));
                    }
                    // The first ran out: every other must be exhausted too.
                    for (j, other) in inners.iter().enumerate().skip(1) {
                        if vm.next_value(other)?.is_some() {
                            let s = if j == 1 { " " } else { "s 1-" };
                            return Err(value_error(format!(
                                "zip() argument {} is longer than argument{s}{j}",
                                j + 1
                            )));
                        }
                    }
                    return Ok(iterator(IterState::Values { items: out, pos: 0 }));
                }
            }
        }
        out.push(Value::tuple(row));
    }
}

/// `map(function, iterable, ...)`: lazy; stops at the shortest iterable.
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

/// `filter(function_or_None, iterable)`: lazy.
fn filter(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [func, it] = to_array::<2>(clinic_args(args, "filter", 2, 2)?);
    let inner = vm.get_iter(&it.expect("arg"))?;
    Ok(iterator(IterState::Filter {
        func: func.expect("arg"),
        inner,
    }))
}

/// The globals of the calling code. Natives cannot see the running frame (the VM holds
/// it outside `frames`), so this is `__main__`'s namespace, which is right for scripts.
fn current_globals(vm: &mut Vm) -> Option<crate::value::Globals> {
    match vm.modules.get("__main__") {
        Some(Value::Module(m)) => Some(m.globals.clone()),
        _ => vm.frames.last().map(|f| f.globals.clone()),
    }
}

/// `globals()`.
fn globals(vm: &mut Vm, args: Args) -> PyResult<Value> {
    crate::builtins::str::pos_args(args, "globals", 0, 0)?;
    match current_globals(vm) {
        Some(g) => Ok(Value::Dict(g)),
        None => Ok(Value::dict(crate::value::Dict::new())),
    }
}

/// `locals()`: the module namespace (see [`current_globals`] for the limitation).
fn locals(vm: &mut Vm, args: Args) -> PyResult<Value> {
    crate::builtins::str::pos_args(args, "locals", 0, 0)?;
    globals(vm, Args::default())
}

/// `vars([object])`: the object's `__dict__`, or the module namespace.
fn vars(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj] = to_array::<1>(clinic_args(args, "vars", 0, 1)?);
    match obj {
        Some(o) => vm.getattr(&o, "__dict__").map_err(|e| {
            if e.is("AttributeError") {
                type_error("vars() argument must have __dict__ attribute")
            } else {
                e
            }
        }),
        None => globals(vm, Args::default()),
    }
}

/// `dir([object])`: the sorted attribute names (instance, class and bases; a module's
/// globals; without an argument the module namespace).
fn dir(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj] = to_array::<1>(clinic_args(args, "dir", 0, 1)?);
    let mut names: Vec<String> = Vec::new();
    match &obj {
        None => {
            if let Some(g) = current_globals(vm) {
                names.extend(
                    g.borrow()
                        .keys()
                        .iter()
                        .filter_map(|k| k.as_str().map(String::from)),
                );
            }
        }
        Some(Value::Module(m)) => {
            names.extend(
                m.globals
                    .borrow()
                    .keys()
                    .iter()
                    .filter_map(|k| k.as_str().map(String::from)),
            );
        }
        Some(Value::Class(c)) => {
            for k in c.mro.borrow().iter() {
                names.extend(k.dict.borrow().keys().map(|n| n.to_string()));
            }
        }
        Some(v) => {
            if let Value::Instance(i) = v {
                names.extend(i.dict.borrow().keys().map(|n| n.to_string()));
            }
            for k in types().class_of(v).mro.borrow().iter() {
                names.extend(k.dict.borrow().keys().map(|n| n.to_string()));
            }
        }
    }
    names.sort();
    names.dedup();
    Ok(Value::list(names.into_iter().map(Value::str).collect()))
}

/// `sorted(iterable, /, *, key=None, reverse=False)`: a new stable-sorted list.
fn sorted(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (key, reverse) = crate::builtins::list::sort_options(vm, &mut args, "sort")?;
    if args.pos.len() != 1 {
        return Err(type_error(format!(
            "sorted expected 1 argument, got {}",
            args.pos.len()
        )));
    }
    let items = vm.iterate(&args.pos[0])?;
    let out = crate::builtins::list::sort_values(vm, items, key.as_ref(), reverse)?;
    Ok(Value::list(out))
}

/// Shared body of `min` and `max`: one iterable or several arguments, `key=`, `default=`.
fn min_max(vm: &mut Vm, mut args: Args, name: &str, op: CmpOp) -> PyResult<Value> {
    let key = args.take_kw("key").filter(|k| !k.is_none());
    let default = args.take_kw("default");
    if let Some((k, _)) = args.kw.first() {
        return Err(type_error(format!(
            "'{k}' is an invalid keyword argument for {name}()"
        )));
    }
    let items = match args.pos.len() {
        0 => {
            return Err(type_error(format!(
                "{name} expected at least 1 argument, got 0"
            )))
        }
        1 => vm.iterate(&args.pos[0])?,
        _ => {
            if default.is_some() {
                return Err(type_error(format!(
                    "Cannot specify a default for {name}() with multiple positional arguments"
                )));
            }
            std::mem::take(&mut args.pos)
        }
    };
    let mut best: Option<(Value, Value)> = None;
    for item in items {
        let k = match &key {
            Some(f) => vm.call(f, vec![item.clone()])?,
            None => item.clone(),
        };
        let better = match &best {
            None => true,
            Some((bk, _)) => {
                let r = vm.compare(op, &k, bk)?;
                vm.truthy(&r)?
            }
        };
        if better {
            best = Some((k, item));
        }
    }
    match (best, default) {
        (Some((_, v)), _) => Ok(v),
        (None, Some(d)) => Ok(d),
        (None, None) => Err(value_error(format!("{name}() arg is an empty sequence"))),
    }
}

/// `min(iterable, *, key=None, default=...)`, `min(a, b, *rest, key=None)`.
fn min(vm: &mut Vm, args: Args) -> PyResult<Value> {
    min_max(vm, args, "min", CmpOp::Lt)
}

/// `max(iterable, *, key=None, default=...)`, `max(a, b, *rest, key=None)`.
fn max(vm: &mut Vm, args: Args) -> PyResult<Value> {
    min_max(vm, args, "max", CmpOp::Gt)
}

/// `sum(iterable, /, start=0)`: `+` from the start value; strings are refused.
fn sum(vm: &mut Vm, args: Args) -> PyResult<Value> {
    if args.pos.is_empty() {
        return Err(type_error(
            "sum() takes at least 1 positional argument (0 given)",
        ));
    }
    let [it, start] = crate::builtins::str::kw_args(args, "sum", ["iterable", "start"], 1, 2)?;
    let mut acc = start.unwrap_or(Value::Int(0));
    match &acc {
        Value::Str(_) => {
            return Err(type_error(
                "sum() can't sum strings [use ''.join(seq) instead]",
            ))
        }
        Value::Bytes(_) => {
            return Err(type_error(
                "sum() can't sum bytes [use b''.join(seq) instead]",
            ))
        }
        Value::ByteArray(_) => {
            return Err(type_error(
                "sum() can't sum bytearray [use b''.join(seq) instead]",
            ))
        }
        _ => {}
    }
    let iter = vm.get_iter(&it.expect("required"))?;
    while let Some(x) = vm.next_value(&iter)? {
        acc = match (&acc, &x) {
            (Value::Int(a), Value::Int(b)) => match a.checked_add(*b) {
                Some(n) => Value::Int(n),
                None => vm.binary_op(BinOp::Add, acc.clone(), x, false)?,
            },
            (Value::Float(a), Value::Float(b)) => Value::Float(a + b),
            _ => vm.binary_op(BinOp::Add, acc.clone(), x, false)?,
        };
    }
    Ok(acc)
}

/// `any(iterable)`: stops at the first true item.
fn any(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [it] = args.bind("any", ["*iterable"], 1)?;
    let iter = vm.get_iter(&it.expect("required"))?;
    while let Some(x) = vm.next_value(&iter)? {
        if vm.truthy(&x)? {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

/// `all(iterable)`: stops at the first false item.
fn all(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [it] = args.bind("all", ["*iterable"], 1)?;
    let iter = vm.get_iter(&it.expect("required"))?;
    while let Some(x) = vm.next_value(&iter)? {
        if !vm.truthy(&x)? {
            return Ok(Value::Bool(false));
        }
    }
    Ok(Value::Bool(true))
}

/// `reversed(sequence)`: sequences, ranges, dicts, `__reversed__` or `__len__`+`__getitem__`.
fn reversed(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [seq] = to_array::<1>(clinic_args(args, "reversed", 1, 1)?);
    let seq = seq.expect("required");
    let mut items: Vec<Value> = match &seq {
        Value::List(l) => l.borrow().clone(),
        Value::Tuple(t) => t.to_vec(),
        Value::Str(s) => s
            .as_str()
            .chars()
            .map(|c| Value::str(c.to_string()))
            .collect(),
        Value::Bytes(_) | Value::ByteArray(_) => crate::builtins::arg_bytes_like(&seq)?
            .into_iter()
            .map(|b| Value::Int(b as i64))
            .collect(),
        Value::Range(r) => {
            let n = r.len();
            if n == 0 {
                return Ok(iterator(IterState::Range {
                    next: 0,
                    stop: 0,
                    step: 1,
                }));
            }
            let last = r.get(n - 1);
            return Ok(iterator(IterState::Range {
                next: last,
                stop: last - r.step * n as i64,
                step: -r.step,
            }));
        }
        Value::Dict(d) => d.borrow().keys(),
        Value::Instance(i) => {
            if let Some(m) = i.class.lookup("__reversed__") {
                return vm.call(&m, vec![seq.clone()]);
            }
            if i.class.lookup("__len__").is_some() && i.class.lookup("__getitem__").is_some() {
                let n = vm.len(&seq)?;
                let mut out = Vec::with_capacity(n);
                for k in 0..n {
                    out.push(vm.getitem(&seq, &Value::Int(k as i64))?);
                }
                out
            } else {
                return Err(type_error(format!(
                    "'{}' object is not reversible",
                    seq.type_name()
                )));
            }
        }
        other => {
            return Err(type_error(format!(
                "'{}' object is not reversible",
                other.type_name()
            )))
        }
    };
    items.reverse();
    Ok(iterator(IterState::Values { items, pos: 0 }))
}

/// `ord(c)`: the code point of a one-character str (or the byte of a length-1 bytes).
fn ord(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [c] = args.bind("ord", ["*c"], 1)?;
    let c = c.expect("required");
    let n = match &c {
        Value::Str(s) => {
            if s.char_len() != 1 {
                return Err(type_error(format!(
                    "ord() expected a character, but string of length {} found",
                    s.char_len()
                )));
            }
            s.as_str().chars().next().map(|c| c as i64).unwrap_or(0)
        }
        Value::Bytes(_) | Value::ByteArray(_) => {
            let b = crate::builtins::arg_bytes_like(&c)?;
            if b.len() != 1 {
                return Err(type_error(format!(
                    "ord() expected a character, but string of length {} found",
                    b.len()
                )));
            }
            b[0] as i64
        }
        other => {
            return Err(type_error(format!(
                "ord() expected string of length 1, but {} found",
                other.type_name()
            )))
        }
    };
    Ok(Value::Int(n))
}

/// `chr(i)`: the one-character string of a code point.
fn chr(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [i] = args.bind("chr", ["*i"], 1)?;
    let i = i.expect("required");
    let n = match &i {
        Value::Long(_) => {
            return Err(crate::exc::overflow_error(
                "Python int too large to convert to C int",
            ))
        }
        other => crate::builtins::arg_int(other)?,
    };
    if n > i32::MAX as i64 || n < i32::MIN as i64 {
        return Err(crate::exc::overflow_error(
            "Python int too large to convert to C int",
        ));
    }
    match u32::try_from(n).ok().and_then(char::from_u32) {
        Some(c) => Ok(Value::str(c.to_string())),
        // Lone surrogates cannot be Rust chars; CPython allows them, we cannot.
        None if (0xD800..0xE000).contains(&n) => Ok(Value::str("\u{FFFD}")),
        None => Err(value_error("chr() arg not in range(0x110000)")),
    }
}

/// An integer argument for hex/oct/bin: an int or an object with `__index__`.
fn index_arg(vm: &mut Vm, v: &Value) -> PyResult<num_bigint::BigInt> {
    if let Some(n) = v.as_bigint() {
        return Ok(n);
    }
    if let Value::Instance(i) = v {
        if let Some(m) = i.class.lookup("__index__") {
            let r = vm.call(&m, vec![v.clone()])?;
            if let Some(n) = r.as_bigint() {
                return Ok(n);
            }
            return Err(type_error(format!(
                "__index__ returned non-int (type {})",
                r.type_name()
            )));
        }
    }
    Err(type_error(format!(
        "'{}' object cannot be interpreted as an integer",
        v.type_name()
    )))
}

/// `hex(x)`: `'0xff'`, `'-0x1'`.
fn hex(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [x] = args.bind("hex", ["*number"], 1)?;
    let n = index_arg(vm, &x.expect("required"))?;
    Ok(Value::str(crate::text::int::hex(&n)))
}

/// `oct(x)`: `'0o17'`.
fn oct(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [x] = args.bind("oct", ["*number"], 1)?;
    let n = index_arg(vm, &x.expect("required"))?;
    Ok(Value::str(crate::text::int::oct(&n)))
}

/// `bin(x)`: `'0b101'`.
fn bin(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [x] = args.bind("bin", ["*number"], 1)?;
    let n = index_arg(vm, &x.expect("required"))?;
    Ok(Value::str(crate::text::int::bin(&n)))
}

/// int, bool or float.
fn is_number(v: &Value) -> bool {
    matches!(
        v,
        Value::Int(_) | Value::Bool(_) | Value::Long(_) | Value::Float(_)
    )
}

/// `divmod(a, b)`: `(a // b, a % b)`; floats follow CPython's `float_divmod`.
fn divmod(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [a, b] = to_array::<2>(clinic_args(args, "divmod", 2, 2)?);
    let (a, b) = (a.expect("required"), b.expect("required"));
    // Subclasses of int and float divide as their values.
    let unwrap = |v: Value| match v.base_value() {
        Some(Value::Int(_) | Value::Long(_) | Value::Float(_)) => v.unenum(),
        _ => v,
    };
    let (a, b) = (unwrap(a), unwrap(b));
    if !is_number(&a) || !is_number(&b) {
        for (obj, name, other) in [(&a, "__divmod__", &b), (&b, "__rdivmod__", &a)] {
            if let Value::Instance(i) = obj {
                if let Some(m) = i.class.lookup(name) {
                    let r = vm.call(&m, vec![obj.clone(), other.clone()])?;
                    if !matches!(r, Value::NotImplemented) {
                        return Ok(r);
                    }
                }
            }
        }
        return Err(type_error(format!(
            "unsupported operand type(s) for divmod(): '{}' and '{}'",
            a.type_name(),
            b.type_name()
        )));
    }
    if matches!(a, Value::Float(_)) || matches!(b, Value::Float(_)) {
        let x = crate::builtins::arg_float(&a)?;
        let y = crate::builtins::arg_float(&b)?;
        if y == 0.0 {
            return Err(crate::exc::zero_division("float divmod()"));
        }
        let mut m = x % y;
        let mut div = (x - m) / y;
        if m != 0.0 {
            if (y < 0.0) != (m < 0.0) {
                m += y;
                div -= 1.0;
            }
        } else {
            m = 0.0f64.copysign(y);
        }
        let floordiv = if div != 0.0 {
            let mut f = div.floor();
            if div - f > 0.5 {
                f += 1.0;
            }
            f
        } else {
            0.0f64.copysign(x / y)
        };
        return Ok(Value::tuple(vec![Value::Float(floordiv), Value::Float(m)]));
    }
    let q = vm.binary_op(BinOp::FloorDiv, a.clone(), b.clone(), false)?;
    let r = vm.binary_op(BinOp::Mod, a, b, false)?;
    Ok(Value::tuple(vec![q, r]))
}

/// `pow(base, exp, mod=None)`; with `mod`, modular exponentiation (a negative exponent
/// means the modular inverse, as in CPython 3.8+).
fn pow(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [base, exp, modulus] = args.bind("pow", ["base", "exp", "mod"], 2)?;
    let (base, exp) = (base.expect("required"), exp.expect("required"));
    let modulus = modulus.filter(|m| !m.is_none());
    let Some(m) = modulus else {
        return vm.binary_op(BinOp::Pow, base, exp, false);
    };
    let (Some(b), Some(e), Some(m)) = (base.as_bigint(), exp.as_bigint(), m.as_bigint()) else {
        return Err(type_error(
            "pow() 3rd argument not allowed unless all arguments are integers",
        ));
    };
    use num_traits::{Signed, Zero};
    if m.is_zero() {
        return Err(value_error("pow() 3rd argument cannot be 0"));
    }
    let (b, e) = if e.is_negative() {
        match b.modinv(&m) {
            Some(inv) => (inv, -e),
            None => return Err(value_error("base is not invertible for the given modulus")),
        }
    } else {
        (b, e)
    };
    Ok(Value::from_bigint(b.modpow(&e, &m)))
}

/// `round(number, ndigits=None)`: half to even; floats round their exact binary value.
fn round(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [x, nd] = args.bind("round", ["number", "ndigits"], 1)?;
    let x = x.expect("required");
    let x = match x.base_value() {
        Some(Value::Int(_) | Value::Long(_) | Value::Float(_)) => x.unenum(),
        _ => x,
    };
    match &x {
        Value::Float(f) => crate::builtins::number::round_float(*f, nd.as_ref()),
        Value::Int(_) | Value::Bool(_) | Value::Long(_) => {
            crate::builtins::number::round_int(&x.as_bigint().expect("int"), nd.as_ref())
        }
        Value::Instance(i) => match i.class.lookup("__round__") {
            Some(m) => {
                let mut a = vec![x.clone()];
                a.extend(nd);
                vm.call(&m, a)
            }
            None => Err(type_error(format!(
                "type {} doesn't define __round__ method",
                x.type_name()
            ))),
        },
        other => Err(type_error(format!(
            "type {} doesn't define __round__ method",
            other.type_name()
        ))),
    }
}

/// `abs(x)`.
fn abs(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [x] = args.bind("abs", ["*x"], 1)?;
    let x = x.expect("required");
    match &x {
        Value::Int(i) => Ok(match i.checked_abs() {
            Some(n) => Value::Int(n),
            None => Value::from_i128((*i as i128).abs()),
        }),
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        Value::Long(b) => {
            use num_traits::Signed;
            Ok(Value::from_bigint(b.abs()))
        }
        Value::Float(f) => Ok(Value::Float(f.abs())),
        Value::Instance(i) => match i.class.lookup("__abs__") {
            Some(m) => vm.call(&m, vec![x.clone()]),
            None => Err(type_error(format!(
                "bad operand type for abs(): '{}'",
                x.type_name()
            ))),
        },
        other => Err(type_error(format!(
            "bad operand type for abs(): '{}'",
            other.type_name()
        ))),
    }
}

/// `iter(callable, sentinel)`: a generator from `_iterhelp`, so that a `for` loop over it
/// resumes frames instead of nesting calls and the callable may block (`recv`).
fn callable_iterator(vm: &mut Vm, func: &Value, sentinel: &Value) -> PyResult<Value> {
    let is_callable = matches!(
        func,
        Value::Function(_) | Value::Native(_) | Value::BoundMethod(_) | Value::Class(_)
    ) || matches!(func, Value::Instance(i) if i.class.lookup("__call__").is_some());
    if !is_callable {
        return Err(type_error("iter(v, w): v must be callable"));
    }
    let helper = vm.import("_iterhelp")?;
    let f = vm.getattr(&helper, "callable_iter")?;
    vm.call(&f, vec![func.clone(), sentinel.clone()])
}
