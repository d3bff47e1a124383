//! set and frozenset: constructors and methods. The operators (`| & - ^`, comparisons)
//! are the VM's; the methods here accept any iterables, as CPython's do.

use std::cell::RefCell;
use std::rc::Rc;

use crate::builtins::str::{pos_args, receiver};
use crate::builtins::{Args, NativeTable};
use crate::exc::{key_error, type_error, PyResult};
use crate::value::{Set, Value};
use crate::vm::Vm;

pub const SET_METHODS: NativeTable = &[
    ("__init__", set_init),
    ("add", set_add),
    ("discard", set_discard),
    ("remove", set_remove),
    ("pop", set_pop),
    ("clear", set_clear),
    ("copy", set_copy),
    ("update", set_update),
    ("intersection_update", set_intersection_update),
    ("difference_update", set_difference_update),
    (
        "symmetric_difference_update",
        set_symmetric_difference_update,
    ),
    ("union", set_union),
    ("intersection", set_intersection),
    ("difference", set_difference),
    ("symmetric_difference", set_symmetric_difference),
    ("issubset", set_issubset),
    ("issuperset", set_issuperset),
    ("isdisjoint", set_isdisjoint),
    ("__len__", set_len),
    ("__contains__", set_contains),
];
pub const FROZENSET_METHODS: NativeTable = &[
    ("copy", set_copy),
    ("union", set_union),
    ("intersection", set_intersection),
    ("difference", set_difference),
    ("symmetric_difference", set_symmetric_difference),
    ("issubset", set_issubset),
    ("issuperset", set_issuperset),
    ("isdisjoint", set_isdisjoint),
    ("__len__", set_len),
    ("__contains__", set_contains),
];

// ---------------------------------------------------------------------------------------
// set algebra on the Rust type (shared with dict views)

/// `a | b`, in a's order then b's new elements.
pub(crate) fn union(a: &Set, b: &Set) -> Set {
    let mut out = a.clone();
    for k in b.iter() {
        out.insert(k.clone());
    }
    out
}

/// `a & b`: CPython walks the smaller set (the right one on a tie) and keeps its order.
pub(crate) fn intersection(a: &Set, b: &Set) -> Set {
    let (walk, probe) = if b.len() > a.len() { (a, b) } else { (b, a) };
    intersection_in_order(walk, probe)
}

/// `view & other` (CPython's `_PyDictView_Intersect` walks the view unless the other
/// operand is the smaller set).
pub(crate) fn view_intersection(view: &Set, other: &Set) -> Set {
    if view.len() <= other.len() {
        intersection_in_order(view, other)
    } else {
        intersection_in_order(other, view)
    }
}

/// The elements of `walk` that are in `probe`, in `walk`'s order.
fn intersection_in_order(walk: &Set, probe: &Set) -> Set {
    let mut out = Set::new();
    for k in walk.iter().filter(|k| probe.contains(k)) {
        out.insert(k.clone());
    }
    out
}

/// `a - b`.
pub(crate) fn difference(a: &Set, b: &Set) -> Set {
    let mut out = Set::new();
    for k in a.iter().filter(|k| !b.contains(k)) {
        out.insert(k.clone());
    }
    out
}

/// `a ^ b`: CPython starts from a copy of `b`, drops the common elements, adds `a`'s.
pub(crate) fn symmetric_difference(a: &Set, b: &Set) -> Set {
    symmetric_difference_update(b, a)
}

/// `a ^= b`: `a` without the common elements, then `b`'s new ones.
pub(crate) fn symmetric_difference_update(a: &Set, b: &Set) -> Set {
    let mut out = difference(a, b);
    for k in b.iter().filter(|k| !a.contains(k)) {
        out.insert(k.clone());
    }
    out
}

// ---------------------------------------------------------------------------------------
// CPython's iteration order

/// The order CPython 3.11 iterates a set built by adding `items` one by one: the order of
/// their slots in its open-addressing table (`setobject.c`: 8 slots to start, 9 linear
/// probes then perturbation, growth to 4x used at 60% fill). `None` when some element's
/// hash is seeded or address-based (str, None...), where no order is CPython's.
pub fn cpython_order(items: &[Value]) -> Option<Vec<usize>> {
    const LINEAR_PROBES: usize = 9;
    let hashes: Vec<u64> = items
        .iter()
        .map(|v| {
            // An instance's Python `__hash__` result places it as in CPython's table.
            crate::value::slow_hash(v)
                .or_else(|| crate::builtins::functions::exact_hash(v))
                .map(|h| h as u64)
        })
        .collect::<Option<_>>()?;
    fn insert(table: &mut [Option<usize>], hash: u64, idx: usize) {
        let mask = table.len() - 1;
        let mut perturb = hash;
        let mut i = (hash as usize) & mask;
        loop {
            let probes = if i + LINEAR_PROBES <= mask {
                LINEAR_PROBES
            } else {
                0
            };
            if let Some(slot) = table
                .iter_mut()
                .skip(i)
                .take(probes + 1)
                .find(|s| s.is_none())
            {
                *slot = Some(idx);
                return;
            }
            perturb >>= 5;
            i = (i
                .wrapping_mul(5)
                .wrapping_add(1)
                .wrapping_add(perturb as usize))
                & mask;
        }
    }
    let mut table: Vec<Option<usize>> = vec![None; 8];
    for (idx, &h) in hashes.iter().enumerate() {
        insert(&mut table, h, idx);
        let used = idx + 1;
        let mask = table.len() - 1;
        if used * 5 >= mask * 3 {
            let minused = if used > 50000 { used * 2 } else { used * 4 };
            let mut size = 8;
            while size <= minused {
                size <<= 1;
            }
            let old = std::mem::replace(&mut table, vec![None; size]);
            for k in old.into_iter().flatten() {
                insert(&mut table, hashes[k], k);
            }
        }
    }
    Some(table.into_iter().flatten().collect())
}

/// Rebuild `s` so that its (insertion) order is the order CPython would print it in.
/// Large sets are left alone: the cost is linear per call and their order is rarely shown.
///
/// Exact for a set built in one go; after later `add`s the simulation restarts from the
/// current order instead of the true history, so colliding hashes may then land in a
/// different order than CPython's (deletions' dummy slots are not modelled either).
pub fn reorder_like_cpython(s: &mut Set) {
    if s.len() < 2 || s.len() > 4096 {
        return;
    }
    let keys: Vec<crate::value::Key> = s.iter().cloned().collect();
    let values: Vec<Value> = keys.iter().map(|k| k.0.clone()).collect();
    if let Some(order) = cpython_order(&values) {
        let mut out = Set::new();
        for i in order {
            out.insert(keys[i].clone());
        }
        *s = out;
    }
}

// ---------------------------------------------------------------------------------------
// helpers

fn collect(vm: &mut Vm, it: Option<&Value>) -> PyResult<Set> {
    let mut s = Set::new();
    match it {
        None => {}
        Some(Value::Set(x)) => return Ok(x.borrow().clone()),
        Some(Value::FrozenSet(x)) => return Ok((**x).clone()),
        Some(v) => {
            for x in vm.iterate(v)? {
                let k = vm.hash_key(x)?;
                let k = vm.local_key(&s.items, k)?;
                s.insert(k);
            }
        }
    }
    Ok(s)
}

fn is_set(v: &Value) -> bool {
    matches!(v, Value::Set(_) | Value::FrozenSet(_))
}

/// The receiver's elements (a copy) and whether it is a frozenset.
fn this(args: &mut Args, name: &str) -> PyResult<(Set, bool)> {
    let ty = if matches!(args.pos.first(), Some(Value::FrozenSet(_))) {
        "frozenset"
    } else {
        "set"
    };
    match receiver(args, ty, name, is_set)? {
        Value::Set(s) => Ok((s.borrow().clone(), false)),
        Value::FrozenSet(s) => Ok(((*s).clone(), true)),
        _ => unreachable!("checked by receiver"),
    }
}

fn this_mut(args: &mut Args, name: &str) -> PyResult<Rc<RefCell<Set>>> {
    match receiver(args, "set", name, |v| matches!(v, Value::Set(_)))? {
        Value::Set(s) => Ok(s),
        _ => unreachable!("checked by receiver"),
    }
}

fn make(frozen: bool, mut s: Set) -> Value {
    reorder_like_cpython(&mut s);
    if frozen {
        Value::FrozenSet(Rc::new(s))
    } else {
        Value::Set(Rc::new(RefCell::new(s)))
    }
}

// ---------------------------------------------------------------------------------------
// constructors

/// `set(iterable=())`.
pub fn set_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    args.this();
    if !args.kw.is_empty() {
        return Err(type_error("set() takes no keyword arguments"));
    }
    let a = pos_args(args, "set", 0, 1)?;
    Ok(make(false, collect(vm, a.first())?))
}

/// `frozenset(iterable=())`.
pub fn frozenset_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    args.this();
    if !args.kw.is_empty() {
        return Err(type_error("frozenset() takes no keyword arguments"));
    }
    let a = pos_args(args, "frozenset", 0, 1)?;
    if let Some(v @ Value::FrozenSet(_)) = a.first() {
        return Ok(v.clone());
    }
    Ok(make(true, collect(vm, a.first())?))
}

// ---------------------------------------------------------------------------------------
// mutation (set only)

/// `set.add(elem)`.
fn set_add(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let s = this_mut(&mut args, "add")?;
    let a = pos_args(args, "set.add", 1, 1)?;
    let k = vm.set_key(&s, a[0].clone())?;
    let mut set = s.borrow_mut();
    if !set.contains(&k) {
        set.insert(k);
        reorder_like_cpython(&mut set);
    }
    Ok(Value::None)
}

/// `set.discard(elem)`: no error when missing.
fn set_discard(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let s = this_mut(&mut args, "discard")?;
    let a = pos_args(args, "set.discard", 1, 1)?;
    let k = vm.set_key(&s, a[0].clone())?;
    s.borrow_mut().remove(&k);
    Ok(Value::None)
}

/// `set.remove(elem)`: KeyError when missing.
fn set_remove(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let s = this_mut(&mut args, "remove")?;
    let a = pos_args(args, "set.remove", 1, 1)?;
    let k = vm.set_key(&s, a[0].clone())?;
    let removed = s.borrow_mut().remove(&k);
    if removed {
        Ok(Value::None)
    } else {
        Err(key_error(a[0].clone()))
    }
}

/// `set.pop()`: an arbitrary element (the first in iteration order).
fn set_pop(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let s = this_mut(&mut args, "pop")?;
    pos_args(args, "set.pop", 0, 0)?;
    let first = s.borrow().iter().next().cloned();
    match first {
        Some(k) => {
            s.borrow_mut().remove(&k);
            Ok(k.0)
        }
        None => Err(key_error(Value::str("pop from an empty set"))),
    }
}

/// `set.clear()`.
fn set_clear(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let s = this_mut(&mut args, "clear")?;
    pos_args(args, "set.clear", 0, 0)?;
    *s.borrow_mut() = Set::new();
    Ok(Value::None)
}

/// Apply `op(self, other)` for every argument and store the result in self.
fn update_with(
    vm: &mut Vm,
    mut args: Args,
    name: &str,
    op: fn(&Set, &Set) -> Set,
) -> PyResult<Value> {
    let s = this_mut(&mut args, name)?;
    if !args.kw.is_empty() {
        return Err(type_error(format!(
            "set.{name}() takes no keyword arguments"
        )));
    }
    let mut cur = s.borrow().clone();
    for other in &args.pos {
        let o = collect(vm, Some(other))?;
        let o = vm.unify_keys(&cur, o)?;
        cur = op(&cur, &o);
    }
    reorder_like_cpython(&mut cur);
    *s.borrow_mut() = cur;
    Ok(Value::None)
}

/// `set.__init__(self, iterable=())`, for subclasses: the set becomes the iterable's.
fn set_init(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let s = this_mut(&mut args, "__init__")?;
    *s.borrow_mut() = Set::new();
    args.pos.insert(0, Value::Set(s));
    update_with(vm, args, "update", union)
}

/// `set.update(*others)`.
fn set_update(vm: &mut Vm, args: Args) -> PyResult<Value> {
    update_with(vm, args, "update", union)
}

/// `set.intersection_update(*others)`.
fn set_intersection_update(vm: &mut Vm, args: Args) -> PyResult<Value> {
    update_with(vm, args, "intersection_update", intersection)
}

/// `set.difference_update(*others)`.
fn set_difference_update(vm: &mut Vm, args: Args) -> PyResult<Value> {
    update_with(vm, args, "difference_update", difference)
}

/// `set.symmetric_difference_update(other)`.
fn set_symmetric_difference_update(vm: &mut Vm, args: Args) -> PyResult<Value> {
    update_with(
        vm,
        args,
        "symmetric_difference_update",
        symmetric_difference_update,
    )
}

// ---------------------------------------------------------------------------------------
// queries (set and frozenset)

/// `s.copy()`.
fn set_copy(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (s, frozen) = this(&mut args, "copy")?;
    pos_args(
        args,
        &format!("{}.copy", if frozen { "frozenset" } else { "set" }),
        0,
        0,
    )?;
    Ok(make(frozen, s))
}

fn combine(vm: &mut Vm, mut args: Args, name: &str, op: fn(&Set, &Set) -> Set) -> PyResult<Value> {
    let (mut cur, frozen) = this(&mut args, name)?;
    if !args.kw.is_empty() {
        return Err(type_error(format!("{name}() takes no keyword arguments")));
    }
    for other in &args.pos {
        let o = collect(vm, Some(other))?;
        let o = vm.unify_keys(&cur, o)?;
        cur = op(&cur, &o);
    }
    Ok(make(frozen, cur))
}

/// `s.union(*others)`.
fn set_union(vm: &mut Vm, args: Args) -> PyResult<Value> {
    combine(vm, args, "union", union)
}

/// `s.intersection(*others)`; a non-set argument is walked in its own order, as CPython does.
fn set_intersection(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (mut cur, frozen) = this(&mut args, "intersection")?;
    if !args.kw.is_empty() {
        return Err(type_error("intersection() takes no keyword arguments"));
    }
    for other in &args.pos {
        let o = collect(vm, Some(other))?;
        let o = vm.unify_keys(&cur, o)?;
        cur = if is_set(other) {
            intersection(&cur, &o)
        } else {
            intersection_in_order(&o, &cur)
        };
    }
    Ok(make(frozen, cur))
}

/// `s.difference(*others)`.
fn set_difference(vm: &mut Vm, args: Args) -> PyResult<Value> {
    combine(vm, args, "difference", difference)
}

/// `s.symmetric_difference(other)`.
fn set_symmetric_difference(vm: &mut Vm, args: Args) -> PyResult<Value> {
    if args.pos.len() != 2 {
        let n = args.pos.len().saturating_sub(1);
        return Err(type_error(format!(
            "set.symmetric_difference() takes exactly one argument ({n} given)"
        )));
    }
    combine(vm, args, "symmetric_difference", symmetric_difference)
}

/// `s.issubset(other)`.
fn set_issubset(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (s, frozen) = this(&mut args, "issubset")?;
    let a = pos_args(
        args,
        &format!("{}.issubset", if frozen { "frozenset" } else { "set" }),
        1,
        1,
    )?;
    let o = collect(vm, Some(&a[0]))?;
    let o = vm.unify_keys(&s, o)?;
    let r = s.iter().all(|k| o.contains(k));
    Ok(Value::Bool(r))
}

/// `s.issuperset(other)`.
fn set_issuperset(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (s, frozen) = this(&mut args, "issuperset")?;
    let a = pos_args(
        args,
        &format!("{}.issuperset", if frozen { "frozenset" } else { "set" }),
        1,
        1,
    )?;
    let o = collect(vm, Some(&a[0]))?;
    let o = vm.unify_keys(&s, o)?;
    let r = o.iter().all(|k| s.contains(k));
    Ok(Value::Bool(r))
}

/// `s.isdisjoint(other)`.
fn set_isdisjoint(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (s, frozen) = this(&mut args, "isdisjoint")?;
    let a = pos_args(
        args,
        &format!("{}.isdisjoint", if frozen { "frozenset" } else { "set" }),
        1,
        1,
    )?;
    let o = collect(vm, Some(&a[0]))?;
    let o = vm.unify_keys(&s, o)?;
    let r = s.iter().all(|k| !o.contains(k));
    Ok(Value::Bool(r))
}

/// `len(s)` through the method.
fn set_len(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (s, _) = this(&mut args, "__len__")?;
    Ok(Value::Int(s.len() as i64))
}

/// `x in s` through the method.
fn set_contains(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (s, _) = this(&mut args, "__contains__")?;
    let a = pos_args(args, "__contains__", 1, 1)?;
    let k = vm.hash_key(a[0].clone())?;
    let k = vm.local_key(&s.items, k)?;
    Ok(Value::Bool(s.contains(&k)))
}

#[cfg(test)]
mod tests {
    use super::cpython_order;
    use crate::value::Value;

    fn order(items: &[i64]) -> Vec<i64> {
        let vals: Vec<Value> = items.iter().map(|&i| Value::Int(i)).collect();
        cpython_order(&vals)
            .expect("ints")
            .into_iter()
            .map(|i| items[i])
            .collect()
    }

    /// Orders printed by CPython 3.11 for these insertion sequences.
    #[test]
    fn matches_cpython_int_orders() {
        assert_eq!(order(&[3, 1, 2]), vec![1, 2, 3]);
        assert_eq!(order(&[10, 2, 8]), vec![8, 10, 2]);
        assert_eq!(order(&[100, 5, 17, 33]), vec![17, 100, 5, 33]);
        assert_eq!(order(&[-1, -5, 7]), vec![-5, -1, 7]);
        assert_eq!(
            order(&(0..20).rev().collect::<Vec<_>>()),
            (0..20).collect::<Vec<_>>()
        );
    }

    #[test]
    fn strings_have_no_cpython_order() {
        assert!(cpython_order(&[Value::str("a"), Value::Int(1)]).is_none());
    }
}
