//! list, tuple and range: constructors and methods, and the stable sort that `list.sort`
//! and `sorted()` share (it calls `<` through the VM, so user `__lt__` works).

use std::rc::Rc;

use crate::ast::CmpOp;
use crate::builtins::str::{adjust_indices, opt_index, pos_args, receiver};
use crate::builtins::{arg_int, Args, NativeTable};
use crate::exc::{index_error, type_error, value_error, PyResult};
use crate::value::{RangeObj, Value};
use crate::vm::Vm;

pub const LIST_METHODS: NativeTable = &[
    ("__init__", list_init),
    ("append", list_append),
    ("extend", list_extend),
    ("insert", list_insert),
    ("pop", list_pop),
    ("remove", list_remove),
    ("index", list_index),
    ("count", list_count),
    ("sort", list_sort),
    ("reverse", list_reverse),
    ("copy", list_copy),
    ("clear", list_clear),
    ("__len__", seq_len),
    ("__getitem__", seq_getitem),
    ("__setitem__", list_setitem),
    ("__delitem__", list_delitem),
    ("__contains__", seq_contains),
];
pub const TUPLE_METHODS: NativeTable = &[
    ("index", tuple_index),
    ("count", tuple_count),
    ("__len__", seq_len),
    ("__getitem__", seq_getitem),
    ("__contains__", seq_contains),
];
pub const RANGE_METHODS: NativeTable = &[("index", range_index), ("count", range_count)];

type ListRef = Rc<std::cell::RefCell<Vec<Value>>>;

fn this_list(args: &mut Args, name: &str) -> PyResult<ListRef> {
    match receiver(args, "list", name, |v| matches!(v, Value::List(_)))? {
        Value::List(l) => Ok(l),
        _ => unreachable!("checked by receiver"),
    }
}

fn this_tuple(args: &mut Args, name: &str) -> PyResult<Rc<Vec<Value>>> {
    match receiver(args, "tuple", name, |v| matches!(v, Value::Tuple(_)))? {
        Value::Tuple(t) => Ok(t),
        _ => unreachable!("checked by receiver"),
    }
}

// ---------------------------------------------------------------------------------------
// constructors

/// `list(iterable=())`.
pub fn list_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    args.this();
    if !args.kw.is_empty() {
        return Err(type_error("list() takes no keyword arguments"));
    }
    let a = pos_args(args, "list", 0, 1)?;
    match a.first() {
        None => Ok(Value::list(Vec::new())),
        Some(v) => Ok(Value::list(vm.iterate(v)?)),
    }
}

/// `list.__init__(self, iterable=())`, for subclasses (`super().__init__(items)`): the
/// list becomes the iterable's items.
fn list_init(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let l = this_list(&mut args, "__init__")?;
    if !args.kw.is_empty() {
        return Err(type_error("list() takes no keyword arguments"));
    }
    let a = pos_args(args, "list", 0, 1)?;
    let items = match a.first() {
        Some(v) => vm.iterate(v)?,
        None => Vec::new(),
    };
    *l.borrow_mut() = items;
    Ok(Value::None)
}

/// `tuple(iterable=())`.
pub fn tuple_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    args.this();
    if !args.kw.is_empty() {
        return Err(type_error("tuple() takes no keyword arguments"));
    }
    let a = pos_args(args, "tuple", 0, 1)?;
    match a.first() {
        None => Ok(Value::tuple(Vec::new())),
        Some(v @ Value::Tuple(_)) => Ok(v.clone()),
        Some(v) => Ok(Value::tuple(vm.iterate(v)?)),
    }
}

/// `range(stop)`, `range(start, stop[, step])`.
pub fn range_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    args.this();
    args.no_kw("range")?;
    let mut n = Vec::with_capacity(args.pos.len());
    for v in &args.pos {
        n.push(range_arg(vm, v)?);
    }
    let (start, stop, step) = match n.len() {
        1 => (0, n[0], 1),
        2 => (n[0], n[1], 1),
        3 => (n[0], n[1], n[2]),
        0 => return Err(type_error("range expected at least 1 argument, got 0")),
        k => {
            return Err(type_error(format!(
                "range expected at most 3 arguments, got {k}"
            )))
        }
    };
    if step == 0 {
        return Err(value_error("range() arg 3 must not be zero"));
    }
    Ok(Value::Range(Rc::new(RangeObj { start, stop, step })))
}

/// An int argument of range(), also from an object with `__index__`.
fn range_arg(vm: &mut Vm, v: &Value) -> PyResult<i64> {
    if let Value::Instance(i) = v {
        if let Some(m) = i.class.lookup("__index__") {
            let r = vm.call(&m, vec![v.clone()])?;
            return arg_int(&r);
        }
    }
    arg_int(v)
}

// ---------------------------------------------------------------------------------------
// sorting

/// `a < b` through the VM (user `__lt__` included).
fn less(vm: &mut Vm, a: &Value, b: &Value) -> PyResult<bool> {
    if let (Value::Int(x), Value::Int(y)) = (a, b) {
        return Ok(x < y);
    }
    if let (Value::Str(x), Value::Str(y)) = (a, b) {
        return Ok(x.as_str() < y.as_str());
    }
    let r = vm.compare(CmpOp::Lt, a, b)?;
    vm.truthy(&r)
}

/// Stable merge sort of `(key, value)` pairs using only `<`, as CPython's timsort does;
/// the first comparison error aborts the sort.
fn merge_sort(vm: &mut Vm, items: Vec<(Value, Value)>) -> PyResult<Vec<(Value, Value)>> {
    let n = items.len();
    if n <= 1 {
        return Ok(items);
    }
    // Insertion sort for short runs: fewer comparisons on small inputs.
    if n <= 8 {
        let mut out: Vec<(Value, Value)> = Vec::with_capacity(n);
        for it in items {
            let mut pos = out.len();
            while pos > 0 && less(vm, &it.0, &out[pos - 1].0)? {
                pos -= 1;
            }
            out.insert(pos, it);
        }
        return Ok(out);
    }
    let mut items = items;
    let right = items.split_off(n / 2);
    let left = merge_sort(vm, items)?;
    let right = merge_sort(vm, right)?;
    let mut out = Vec::with_capacity(n);
    let mut l = left.into_iter().peekable();
    let mut r = right.into_iter().peekable();
    loop {
        match (l.peek(), r.peek()) {
            (Some(a), Some(b)) => {
                // Take from the right only when strictly smaller: stability.
                if less(vm, &b.0, &a.0)? {
                    out.push(r.next().expect("peeked"));
                } else {
                    out.push(l.next().expect("peeked"));
                }
            }
            (Some(_), None) => out.push(l.next().expect("peeked")),
            (None, Some(_)) => out.push(r.next().expect("peeked")),
            (None, None) => break,
        }
    }
    Ok(out)
}

/// Sort values stably by an optional key function, optionally reversed (a reversed sort
/// keeps equal items in their original order, as CPython's does).
pub(crate) fn sort_values(
    vm: &mut Vm,
    items: Vec<Value>,
    key: Option<&Value>,
    reverse: bool,
) -> PyResult<Vec<Value>> {
    let mut pairs = Vec::with_capacity(items.len());
    for v in items {
        let k = match key {
            Some(f) if !f.is_none() => vm.call(f, vec![v.clone()])?,
            _ => v.clone(),
        };
        pairs.push((k, v));
    }
    if reverse {
        pairs.reverse();
    }
    // Homogeneous int or str keys have a total order: Rust's stable sort gives the same
    // result as comparing with `<` through the VM, much faster.
    if pairs.iter().all(|(k, _)| matches!(k, Value::Int(_))) {
        pairs.sort_by_key(|(k, _)| k.as_i64().unwrap_or(0));
    } else if pairs.iter().all(|(k, _)| matches!(k, Value::Str(_))) {
        pairs.sort_by(|(a, _), (b, _)| a.as_str().unwrap_or("").cmp(b.as_str().unwrap_or("")));
    } else {
        pairs = merge_sort(vm, pairs)?;
    }
    let mut sorted = pairs;
    if reverse {
        sorted.reverse();
    }
    Ok(sorted.into_iter().map(|(_, v)| v).collect())
}

/// `key=` and `reverse=` of sort/sorted (keyword-only).
pub(crate) fn sort_options(
    vm: &mut Vm,
    args: &mut Args,
    fname: &str,
) -> PyResult<(Option<Value>, bool)> {
    let key = args.take_kw("key");
    let reverse = match args.take_kw("reverse") {
        Some(r) => vm.truthy(&r)?,
        None => false,
    };
    if let Some((k, _)) = args.kw.first() {
        return Err(type_error(format!(
            "'{k}' is an invalid keyword argument for {fname}()"
        )));
    }
    Ok((key, reverse))
}

// ---------------------------------------------------------------------------------------
// list methods

/// `list.append(object)`.
fn list_append(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let l = this_list(&mut args, "append")?;
    let mut a = pos_args(args, "list.append", 1, 1)?;
    l.borrow_mut().push(a.remove(0));
    Ok(Value::None)
}

/// `list.extend(iterable)`.
fn list_extend(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let l = this_list(&mut args, "extend")?;
    let a = pos_args(args, "list.extend", 1, 1)?;
    let items = vm.iterate(&a[0])?;
    l.borrow_mut().extend(items);
    Ok(Value::None)
}

/// `list.insert(index, object)`: the index is clamped like a slice bound.
fn list_insert(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let l = this_list(&mut args, "insert")?;
    let mut a = pos_args(args, "list.insert", 2, 2)?;
    let i = arg_int(&a[0])?;
    let x = a.remove(1);
    let mut v = l.borrow_mut();
    let n = v.len() as i64;
    let i = if i < 0 { (i + n).max(0) } else { i.min(n) };
    v.insert(i as usize, x);
    Ok(Value::None)
}

/// `list.pop(index=-1)`.
fn list_pop(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let l = this_list(&mut args, "pop")?;
    let a = pos_args(args, "list.pop", 0, 1)?;
    let i = match a.first() {
        Some(v) => arg_int(v)?,
        None => -1,
    };
    let mut v = l.borrow_mut();
    if v.is_empty() {
        return Err(index_error("pop from empty list"));
    }
    let n = v.len() as i64;
    let j = if i < 0 { i + n } else { i };
    if j < 0 || j >= n {
        return Err(index_error("pop index out of range"));
    }
    Ok(v.remove(j as usize))
}

/// Position of the first item equal to `x` in `items[start:end]`.
fn position(vm: &mut Vm, items: &[Value], x: &Value, a: &[Value]) -> PyResult<Option<usize>> {
    let bound = |v: Option<&Value>| match v {
        Some(Value::None) => Err(type_error(
            "slice indices must be integers or have an __index__ method",
        )),
        other => opt_index(other)
            .map_err(|_| type_error("slice indices must be integers or have an __index__ method")),
    };
    let (st, en) = adjust_indices(bound(a.get(1))?, bound(a.get(2))?, items.len());
    let en = en.min(items.len());
    for (i, v) in items.iter().enumerate().take(en).skip(st) {
        if v.is(x) || vm.eq(v, x)? {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

/// `list.remove(value)`: the first equal item.
fn list_remove(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let l = this_list(&mut args, "remove")?;
    let a = pos_args(args, "list.remove", 1, 1)?;
    let items = l.borrow().clone();
    match position(vm, &items, &a[0], &[])? {
        Some(i) => {
            let mut v = l.borrow_mut();
            if i < v.len() {
                v.remove(i);
            }
            Ok(Value::None)
        }
        None => Err(value_error("list.remove(x): x not in list")),
    }
}

/// `list.index(value[, start[, stop]])`.
fn list_index(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let l = this_list(&mut args, "index")?;
    let a = pos_args(args, "list.index", 1, 3)?;
    let items = l.borrow().clone();
    match position(vm, &items, &a[0], &a)? {
        Some(i) => Ok(Value::Int(i as i64)),
        None => {
            let r = vm.repr(&a[0])?;
            Err(value_error(format!("{r} is not in list")))
        }
    }
}

fn count_in(vm: &mut Vm, items: &[Value], x: &Value) -> PyResult<Value> {
    let mut n = 0;
    for v in items {
        if v.is(x) || vm.eq(v, x)? {
            n += 1;
        }
    }
    Ok(Value::Int(n))
}

/// `list.count(value)`.
fn list_count(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let l = this_list(&mut args, "count")?;
    let a = pos_args(args, "list.count", 1, 1)?;
    let items = l.borrow().clone();
    count_in(vm, &items, &a[0])
}

/// `list.sort(*, key=None, reverse=False)`: stable, in place.
fn list_sort(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let l = this_list(&mut args, "sort")?;
    if !args.pos.is_empty() {
        return Err(type_error("sort() takes no positional arguments"));
    }
    let (key, reverse) = sort_options(vm, &mut args, "sort")?;
    // CPython empties the list while sorting, so a key that looks at it sees [].
    let items = std::mem::take(&mut *l.borrow_mut());
    let backup = items.clone();
    match sort_values(vm, items, key.as_ref(), reverse) {
        Ok(sorted) => {
            *l.borrow_mut() = sorted;
            Ok(Value::None)
        }
        Err(e) => {
            *l.borrow_mut() = backup;
            Err(e)
        }
    }
}

/// `list.reverse()`.
fn list_reverse(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let l = this_list(&mut args, "reverse")?;
    pos_args(args, "list.reverse", 0, 0)?;
    l.borrow_mut().reverse();
    Ok(Value::None)
}

/// `list.copy()`: a shallow copy.
fn list_copy(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let l = this_list(&mut args, "copy")?;
    pos_args(args, "list.copy", 0, 0)?;
    let v = l.borrow().clone();
    Ok(Value::list(v))
}

/// `list.clear()`.
fn list_clear(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let l = this_list(&mut args, "clear")?;
    pos_args(args, "list.clear", 0, 0)?;
    l.borrow_mut().clear();
    Ok(Value::None)
}

/// `len()` through the method (`list.__len__`, `tuple.__len__`).
fn seq_len(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this().unenum();
    Ok(Value::Int(vm.len(&this)? as i64))
}

/// `seq[i]` through the method (for subclasses calling `super().__getitem__`).
fn seq_getitem(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this().unenum();
    let a = pos_args(args, "__getitem__", 1, 1)?;
    vm.getitem(&this, &a[0])
}

/// `l[i] = x` through the method.
fn list_setitem(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let l = this_list(&mut args, "__setitem__")?;
    let mut a = pos_args(args, "list.__setitem__", 2, 2)?;
    let v = a.remove(1);
    vm.setitem(&Value::List(l), a.remove(0), v)?;
    Ok(Value::None)
}

/// `del l[i]` through the method.
fn list_delitem(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let l = this_list(&mut args, "__delitem__")?;
    let a = pos_args(args, "list.__delitem__", 1, 1)?;
    vm.delitem(&Value::List(l), &a[0])?;
    Ok(Value::None)
}

/// `x in seq` through the method.
fn seq_contains(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this().unenum();
    let a = pos_args(args, "__contains__", 1, 1)?;
    Ok(Value::Bool(vm.contains(&this, &a[0])?))
}

// ---------------------------------------------------------------------------------------
// tuple methods

/// `tuple.index(value[, start[, stop]])`.
fn tuple_index(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let t = this_tuple(&mut args, "index")?;
    let a = pos_args(args, "tuple.index", 1, 3)?;
    match position(vm, &t, &a[0], &a)? {
        Some(i) => Ok(Value::Int(i as i64)),
        None => Err(value_error("tuple.index(x): x not in tuple")),
    }
}

/// `tuple.count(value)`.
fn tuple_count(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let t = this_tuple(&mut args, "count")?;
    let a = pos_args(args, "tuple.count", 1, 1)?;
    count_in(vm, &t, &a[0])
}

// ---------------------------------------------------------------------------------------
// range methods

fn range_pos(r: &RangeObj, v: &Value) -> Option<i64> {
    let i = match v {
        Value::Int(i) => *i,
        Value::Bool(b) => *b as i64,
        _ => return None,
    };
    let inside = if r.step > 0 {
        i >= r.start && i < r.stop
    } else {
        i <= r.start && i > r.stop
    };
    if inside && (i - r.start) % r.step == 0 {
        Some((i - r.start) / r.step)
    } else {
        None
    }
}

fn this_range(args: &mut Args, name: &str) -> PyResult<Rc<RangeObj>> {
    match receiver(args, "range", name, |v| matches!(v, Value::Range(_)))? {
        Value::Range(r) => Ok(r),
        _ => unreachable!("checked by receiver"),
    }
}

/// `range.index(value)`.
fn range_index(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let r = this_range(&mut args, "index")?;
    let a = pos_args(args, "range.index", 1, 1)?;
    match range_pos(&r, &a[0]) {
        Some(i) => Ok(Value::Int(i)),
        None => {
            let s = vm.repr(&a[0])?;
            Err(value_error(format!("{s} is not in range")))
        }
    }
}

/// `range.count(value)`.
fn range_count(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let r = this_range(&mut args, "count")?;
    let a = pos_args(args, "range.count", 1, 1)?;
    Ok(Value::Int(range_pos(&r, &a[0]).is_some() as i64))
}
