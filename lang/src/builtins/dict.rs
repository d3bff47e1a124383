//! dict: the constructor, its methods, and the `keys()`/`values()`/`items()` views
//! (live views over the dict, as in CPython: they see later changes).

use std::cell::RefCell;
use std::rc::Rc;

use crate::builtins::str::{drop_class_receiver, pos_args, receiver};
use crate::builtins::{Args, NativeTable};
use crate::exc::{key_error, type_error, value_error, PyResult};
use crate::types::{new_class, types};
use crate::value::{
    Class, ClassKind, Dict, DictPart, Instance, IterState, Key, Payload, Set, Value,
};
use crate::vm::Vm;

pub const METHODS: NativeTable = &[
    ("__init__", dict_init),
    ("get", dict_get),
    ("setdefault", dict_setdefault),
    ("pop", dict_pop),
    ("popitem", dict_popitem),
    ("update", dict_update),
    ("keys", dict_keys),
    ("values", dict_values),
    ("items", dict_items),
    ("fromkeys", dict_fromkeys),
    ("copy", dict_copy),
    ("clear", dict_clear),
    ("__contains__", dict_contains),
    ("__getitem__", dict_getitem),
    ("__setitem__", dict_setitem),
    ("__delitem__", dict_delitem),
    ("__len__", dict_len),
];

type DictRef = Rc<RefCell<Dict>>;

fn this(args: &mut Args, name: &str) -> PyResult<DictRef> {
    match receiver(args, "dict", name, |v| matches!(v, Value::Dict(_)))? {
        Value::Dict(d) => Ok(d),
        _ => unreachable!("checked by receiver"),
    }
}

// ---------------------------------------------------------------------------------------
// constructor and update

/// The `(key, value)` pairs of `dict.update`'s positional argument: a dict, an object
/// with `keys()`, or an iterable of pairs.
fn pairs_of(vm: &mut Vm, src: &Value) -> PyResult<Vec<(Key, Value)>> {
    if let Value::Dict(m) = src {
        return Ok(m
            .borrow()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect());
    }
    if let Value::Instance(i) = src {
        if i.class.lookup("keys").is_some() {
            let keys_fn = vm.getattr(src, "keys")?;
            let keys = vm.call(&keys_fn, vec![])?;
            let mut out = Vec::new();
            for k in vm.iterate(&keys)? {
                let v = vm.getitem(src, &k)?;
                out.push((vm.hash_key(k)?, v));
            }
            return Ok(out);
        }
    }
    let items = vm.iterate(src)?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let pair = match &item {
            Value::Tuple(t) => t.to_vec(),
            Value::List(l) => l.borrow().clone(),
            Value::Str(_)
            | Value::Bytes(_)
            | Value::Instance(_)
            | Value::Generator(_)
            | Value::Iterator(_) => vm.iterate(&item)?,
            _ => {
                return Err(type_error(format!(
                    "cannot convert dictionary update sequence element #{i} to a sequence"
                )))
            }
        };
        if pair.len() != 2 {
            return Err(value_error(format!(
                "dictionary update sequence element #{i} has length {}; 2 is required",
                pair.len()
            )));
        }
        let mut pair = pair.into_iter();
        let k = pair.next().expect("two items");
        let v = pair.next().expect("two items");
        out.push((vm.hash_key(k)?, v));
    }
    Ok(out)
}

/// `dict(mapping_or_pairs=(), **kwargs)`.
pub fn dict_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    args.this();
    let kw = std::mem::take(&mut args.kw);
    if args.pos.len() > 1 {
        return Err(type_error(format!(
            "dict expected at most 1 argument, got {}",
            args.pos.len()
        )));
    }
    let mut d = Dict::new();
    if let Some(src) = args.pos.first() {
        if let Value::Dict(m) = src {
            d = m.borrow().clone();
        } else {
            for (k, v) in pairs_of(vm, src)? {
                let k = vm.local_key(&d, k)?;
                d.insert(k, v);
            }
        }
    }
    for (k, v) in kw {
        d.set_str(&k, v);
    }
    Ok(Value::dict(d))
}

/// `dict.__init__(self, [other], **kwargs)`, for subclasses: adds the pairs, as `update`.
fn dict_init(vm: &mut Vm, args: Args) -> PyResult<Value> {
    dict_update(vm, args)
}

/// `dict.update([other], **kwargs)`.
fn dict_update(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let d = this(&mut args, "update")?;
    let kw = std::mem::take(&mut args.kw);
    if args.pos.len() > 1 {
        return Err(type_error(format!(
            "update expected at most 1 argument, got {}",
            args.pos.len()
        )));
    }
    if let Some(src) = args.pos.first() {
        let pairs = pairs_of(vm, src)?;
        for (k, v) in pairs {
            let cands = d.borrow().candidates(&k);
            let k = vm.canon_key(cands, k)?;
            d.borrow_mut().insert(k, v);
        }
    }
    let mut m = d.borrow_mut();
    for (k, v) in kw {
        m.set_str(&k, v);
    }
    Ok(Value::None)
}

// ---------------------------------------------------------------------------------------
// methods

/// `dict.get(key, default=None)`.
fn dict_get(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let d = this(&mut args, "get")?;
    let a = pos_args(args, "dict.get", 1, 2)?;
    let k = vm.dict_key(&d, a[0].clone())?;
    let found = d.borrow().get(&k);
    Ok(found.unwrap_or_else(|| a.get(1).cloned().unwrap_or(Value::None)))
}

/// `dict.setdefault(key, default=None)`.
fn dict_setdefault(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let d = this(&mut args, "setdefault")?;
    let a = pos_args(args, "dict.setdefault", 1, 2)?;
    let k = vm.dict_key(&d, a[0].clone())?;
    let found = d.borrow().get(&k);
    match found {
        Some(v) => Ok(v),
        None => {
            let v = a.get(1).cloned().unwrap_or(Value::None);
            d.borrow_mut().insert(k, v.clone());
            Ok(v)
        }
    }
}

/// `dict.pop(key[, default])`.
fn dict_pop(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let d = this(&mut args, "pop")?;
    let a = pos_args(args, "dict.pop", 1, 2)?;
    let k = vm.dict_key(&d, a[0].clone())?;
    let removed = d.borrow_mut().remove(&k);
    match (removed, a.get(1)) {
        (Some(v), _) => Ok(v),
        (None, Some(default)) => Ok(default.clone()),
        (None, None) => Err(key_error(a[0].clone())),
    }
}

/// `dict.popitem()`: the last inserted pair.
fn dict_popitem(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let d = this(&mut args, "popitem")?;
    pos_args(args, "dict.popitem", 0, 0)?;
    let last = d.borrow_mut().pop_last();
    match last {
        Some((k, v)) => Ok(Value::tuple(vec![k, v])),
        None => Err(key_error(Value::str("popitem(): dictionary is empty"))),
    }
}

/// `dict.fromkeys(iterable, value=None)` (class method).
fn dict_fromkeys(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    drop_class_receiver(&mut args);
    if matches!(args.pos.first(), Some(Value::Dict(_))) && args.pos.len() >= 2 {
        args.pos.remove(0);
    }
    let a = pos_args(args, "dict.fromkeys", 1, 2)?;
    let v = a.get(1).cloned().unwrap_or(Value::None);
    let mut d = Dict::new();
    for k in vm.iterate(&a[0])? {
        let k = vm.hash_key(k)?;
        let k = vm.local_key(&d, k)?;
        d.insert(k, v.clone());
    }
    Ok(Value::dict(d))
}

/// `dict.copy()`: a shallow copy.
fn dict_copy(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let d = this(&mut args, "copy")?;
    pos_args(args, "dict.copy", 0, 0)?;
    let c = d.borrow().clone();
    Ok(Value::dict(c))
}

/// `dict.clear()`.
fn dict_clear(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let d = this(&mut args, "clear")?;
    pos_args(args, "dict.clear", 0, 0)?;
    d.borrow_mut().clear();
    Ok(Value::None)
}

/// `key in d` through the method.
fn dict_contains(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let d = this(&mut args, "__contains__")?;
    let a = pos_args(args, "dict.__contains__", 1, 1)?;
    let k = vm.dict_key(&d, a[0].clone())?;
    let found = d.borrow().contains(&k);
    Ok(Value::Bool(found))
}

/// `d[key]` through the method (for `super().__getitem__` in subclasses).
fn dict_getitem(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let d = this(&mut args, "__getitem__")?;
    let a = pos_args(args, "dict.__getitem__", 1, 1)?;
    vm.getitem(&Value::Dict(d), &a[0])
}

/// `d[key] = value` through the method.
fn dict_setitem(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let d = this(&mut args, "__setitem__")?;
    let mut a = pos_args(args, "dict.__setitem__", 2, 2)?;
    let v = a.remove(1);
    vm.setitem(&Value::Dict(d), a.remove(0), v)?;
    Ok(Value::None)
}

/// `del d[key]` through the method.
fn dict_delitem(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let d = this(&mut args, "__delitem__")?;
    let a = pos_args(args, "dict.__delitem__", 1, 1)?;
    vm.delitem(&Value::Dict(d), &a[0])?;
    Ok(Value::None)
}

/// `len(d)` through the method.
fn dict_len(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let d = this(&mut args, "__len__")?;
    let n = d.borrow().len();
    Ok(Value::Int(n as i64))
}

// ---------------------------------------------------------------------------------------
// views

/// The state of a `dict_keys` / `dict_values` / `dict_items` object.
struct DictView {
    dict: DictRef,
    part: DictPart,
}

const KEYS_METHODS: NativeTable = &[
    ("__eq__", view_eq),
    ("__ne__", view_ne),
    ("__iter__", view_iter),
    ("__len__", view_len),
    ("__contains__", view_contains),
    ("__repr__", view_repr),
    ("__reversed__", view_reversed),
    ("isdisjoint", view_isdisjoint),
    ("__and__", view_and),
    ("__or__", view_or),
    ("__sub__", view_sub),
    ("__xor__", view_xor),
    ("__rand__", view_and),
    ("__ror__", view_or),
    ("__rxor__", view_xor),
];

const VALUES_METHODS: NativeTable = &[
    ("__iter__", view_iter),
    ("__len__", view_len),
    ("__contains__", view_contains),
    ("__repr__", view_repr),
    ("__reversed__", view_reversed),
];

struct ViewClasses {
    keys: Rc<Class>,
    values: Rc<Class>,
    items: Rc<Class>,
}

thread_local! {
    static VIEWS: ViewClasses = {
        let mk = |name: &'static str, methods: NativeTable| {
            new_class(name, "builtins", vec![types().object.clone()], ClassKind::Object, None, methods, true)
        };
        ViewClasses {
            keys: mk("dict_keys", KEYS_METHODS),
            values: mk("dict_values", VALUES_METHODS),
            items: mk("dict_items", KEYS_METHODS),
        }
    };
}

fn make_view(d: DictRef, part: DictPart) -> Value {
    let cls = VIEWS.with(|v| match part {
        DictPart::Keys => v.keys.clone(),
        DictPart::Values => v.values.clone(),
        DictPart::Items => v.items.clone(),
    });
    Value::Instance(Rc::new(Instance::new(
        cls,
        Payload::Native(Box::new(DictView { dict: d, part })),
    )))
}

fn view_of(v: &Value) -> Option<(DictRef, DictPart)> {
    match v {
        Value::Instance(i) => i.native::<DictView>().map(|dv| (dv.dict.clone(), dv.part)),
        _ => None,
    }
}

fn this_view(args: &mut Args, name: &str) -> PyResult<(DictRef, DictPart)> {
    let v = receiver(args, "dict_keys", name, |v| view_of(v).is_some())?;
    Ok(view_of(&v).expect("checked by receiver"))
}

/// The view's elements now (keys, values or `(key, value)` tuples).
fn view_items(d: &DictRef, part: DictPart) -> Vec<Value> {
    let d = d.borrow();
    match part {
        DictPart::Keys => d.keys(),
        DictPart::Values => d.values(),
        DictPart::Items => d
            .items()
            .into_iter()
            .map(|(k, v)| Value::tuple(vec![k, v]))
            .collect(),
    }
}

/// `dict.keys()`: a live view of the keys.
fn dict_keys(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let d = this(&mut args, "keys")?;
    pos_args(args, "dict.keys", 0, 0)?;
    Ok(make_view(d, DictPart::Keys))
}

/// `dict.values()`: a live view of the values.
fn dict_values(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let d = this(&mut args, "values")?;
    pos_args(args, "dict.values", 0, 0)?;
    Ok(make_view(d, DictPart::Values))
}

/// `dict.items()`: a live view of `(key, value)` pairs.
fn dict_items(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let d = this(&mut args, "items")?;
    pos_args(args, "dict.items", 0, 0)?;
    Ok(make_view(d, DictPart::Items))
}

/// `iter(view)`: walks the dict in insertion order, failing if its size changes.
fn view_iter(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (d, part) = this_view(&mut args, "__iter__")?;
    let len = d.borrow().len();
    Ok(Value::Iterator(Rc::new(RefCell::new(IterState::Dict {
        dict: d,
        pos: 0,
        len,
        part,
    }))))
}

/// `reversed(view)`.
fn view_reversed(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (d, part) = this_view(&mut args, "__reversed__")?;
    let mut items = view_items(&d, part);
    items.reverse();
    Ok(Value::Iterator(Rc::new(RefCell::new(IterState::Values {
        items,
        pos: 0,
    }))))
}

/// `len(view)`.
fn view_len(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (d, _) = this_view(&mut args, "__len__")?;
    let n = d.borrow().len();
    Ok(Value::Int(n as i64))
}

/// `x in view`: a key lookup for keys and items, a scan for values.
fn view_contains(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (d, part) = this_view(&mut args, "__contains__")?;
    let a = pos_args(args, "__contains__", 1, 1)?;
    let x = &a[0];
    Ok(Value::Bool(match part {
        DictPart::Keys => {
            let k = vm.dict_key(&d, x.clone())?;
            let found = d.borrow().contains(&k);
            found
        }
        DictPart::Items => match x {
            Value::Tuple(t) if t.len() == 2 => {
                let k = vm.dict_key(&d, t[0].clone())?;
                let found = d.borrow().get(&k);
                match found {
                    Some(v) => v.is(&t[1]) || vm.eq(&v, &t[1])?,
                    None => false,
                }
            }
            _ => false,
        },
        DictPart::Values => {
            let vals = d.borrow().values();
            let mut hit = false;
            for v in vals {
                if v.is(x) || vm.eq(&v, x)? {
                    hit = true;
                    break;
                }
            }
            hit
        }
    }))
}

/// `repr(view)`: `dict_keys(['a', 'b'])`.
fn view_repr(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (d, part) = this_view(&mut args, "__repr__")?;
    let name = match part {
        DictPart::Keys => "dict_keys",
        DictPart::Values => "dict_values",
        DictPart::Items => "dict_items",
    };
    let items = view_items(&d, part);
    let inner = vm.repr(&Value::list(items))?;
    Ok(Value::str(format!("{name}({inner})")))
}

/// The elements of a view or any iterable, as a set (for the set operators).
fn as_set(vm: &mut Vm, v: &Value) -> PyResult<Set> {
    let items = match view_of(v) {
        Some((d, part)) => view_items(&d, part),
        None => vm.iterate(v)?,
    };
    let mut s = Set::new();
    for x in items {
        let k = vm.hash_key(x)?;
        let k = vm.local_key(&s.items, k)?;
        s.insert(k);
    }
    Ok(s)
}

fn view_setop(
    vm: &mut Vm,
    mut args: Args,
    name: &str,
    op: fn(&Set, &Set) -> Set,
) -> PyResult<Value> {
    let this = args.this();
    let a = pos_args(args, name, 1, 1)?;
    if !matches!(
        a[0],
        Value::Set(_)
            | Value::FrozenSet(_)
            | Value::List(_)
            | Value::Tuple(_)
            | Value::Dict(_)
            | Value::Instance(_)
    ) {
        return Ok(Value::NotImplemented);
    }
    let x = as_set(vm, &this)?;
    let y = as_set(vm, &a[0])?;
    let y = vm.unify_keys(&x, y)?;
    let mut out = op(&x, &y);
    crate::builtins::set::reorder_like_cpython(&mut out);
    Ok(Value::Set(Rc::new(RefCell::new(out))))
}

/// `view & other`: a set.
fn view_and(vm: &mut Vm, args: Args) -> PyResult<Value> {
    view_setop(vm, args, "__and__", crate::builtins::set::view_intersection)
}

/// `view | other`: a set.
fn view_or(vm: &mut Vm, args: Args) -> PyResult<Value> {
    view_setop(vm, args, "__or__", crate::builtins::set::union)
}

/// `view - other`: a set.
fn view_sub(vm: &mut Vm, args: Args) -> PyResult<Value> {
    view_setop(vm, args, "__sub__", crate::builtins::set::difference)
}

/// `view ^ other`: a set.
fn view_xor(vm: &mut Vm, args: Args) -> PyResult<Value> {
    view_setop(
        vm,
        args,
        "__xor__",
        crate::builtins::set::symmetric_difference_update,
    )
}

/// Set-like equality of keys/items views with sets and other views.
fn view_equal(vm: &mut Vm, this: &Value, other: &Value) -> PyResult<Option<bool>> {
    if !(matches!(other, Value::Set(_) | Value::FrozenSet(_))
        || view_of(other).is_some_and(|(_, p)| p != DictPart::Values))
    {
        return Ok(None);
    }
    let x = as_set(vm, this)?;
    let y = as_set(vm, other)?;
    let y = vm.unify_keys(&x, y)?;
    Ok(Some(x == y))
}

/// `view == other` (keys and items views compare like sets).
fn view_eq(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let a = pos_args(args, "__eq__", 1, 1)?;
    Ok(match view_equal(vm, &this, &a[0])? {
        Some(b) => Value::Bool(b),
        None => Value::NotImplemented,
    })
}

/// `view != other`.
fn view_ne(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let a = pos_args(args, "__ne__", 1, 1)?;
    Ok(match view_equal(vm, &this, &a[0])? {
        Some(b) => Value::Bool(!b),
        None => Value::NotImplemented,
    })
}

/// `view.isdisjoint(iterable)`.
fn view_isdisjoint(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let a = pos_args(args, "isdisjoint", 1, 1)?;
    let x = as_set(vm, &this)?;
    let y = as_set(vm, &a[0])?;
    let y = vm.unify_keys(&x, y)?;
    let r = x.iter().all(|k| !y.contains(k));
    Ok(Value::Bool(r))
}
