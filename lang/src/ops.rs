//! Operators and protocols: truthiness, arithmetic, comparison, attributes, items,
//! iteration, hashing, repr/str — dispatching to dunder methods of user instances.

use std::cell::RefCell;
use std::rc::Rc;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive, Zero};

use crate::ast::{BinOp, CmpOp, UnaryOp};
use crate::exc::{attribute_error, index_error, new_exc, type_error, value_error, PyErr, PyResult};
use crate::types::types;
use crate::value::{
    values_equal, BoundMethod, Dict, DictPart, IterState, Key, RangeObj, Set, SliceObj, Value,
};
use crate::vm::Vm;

/// Does class `c` define `name` in Python (not inherited from a builtin type)?
fn overrides(v: &Value, name: &str) -> bool {
    match v {
        Value::Instance(i) => !matches!(
            i.class.lookup(name),
            Some(Value::Native(_)) | Some(Value::None) | None
        ),
        _ => false,
    }
}

/// The builtin value behind an instance of a user subclass of a builtin type
/// (`class L(list)`), unless its class defines one of `names` in Python: the VM's
/// operations then work on that value, as the builtin type's own slots would.
fn base_unless(v: &Value, names: &[&str]) -> Option<Value> {
    let b = v.base_value()?;
    if names.iter().any(|n| overrides(v, n)) {
        return None;
    }
    Some(b.clone())
}

/// `TypeError: unhashable type: 'list'`.
fn unhashable(type_name: &str) -> PyErr {
    type_error(format!("unhashable type: '{type_name}'"))
}

/// Does `v` hash or compare through Python code (its class defines `__eq__` or `__hash__`
/// in Python), itself or as an item of a tuple?
pub fn needs_vm_key(v: &Value) -> bool {
    match v {
        Value::Instance(i) => {
            let c = &i.class;
            !matches!(c.lookup("__eq__"), Some(Value::Native(_)) | None)
                || !matches!(
                    c.lookup("__hash__"),
                    Some(Value::Native(_)) | Some(Value::None) | None
                )
        }
        Value::Tuple(items) => items.iter().any(needs_vm_key),
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------
// fast paths (no VM)

/// `a op b` for two small ints when the result is a small int; `None` to take the
/// general path (overflow, division, shifts...).
#[inline]
pub fn int_fast(op: BinOp, a: i64, b: i64) -> Option<Value> {
    match op {
        BinOp::Add => a.checked_add(b).map(Value::Int),
        BinOp::Sub => a.checked_sub(b).map(Value::Int),
        BinOp::Mult => a.checked_mul(b).map(Value::Int),
        BinOp::FloorDiv if b != 0 => a
            .checked_div_euclid(b)
            .map(|_| Value::Int(Integer::div_floor(&a, &b))),
        BinOp::Mod if b != 0 => Some(Value::Int(a.mod_floor(&b))),
        BinOp::BitAnd => Some(Value::Int(a & b)),
        BinOp::BitOr => Some(Value::Int(a | b)),
        BinOp::BitXor => Some(Value::Int(a ^ b)),
        _ => None,
    }
}

#[inline]
pub fn int_cmp_fast(op: CmpOp, a: i64, b: i64) -> Option<bool> {
    Some(match op {
        CmpOp::Eq | CmpOp::Is => a == b,
        CmpOp::NotEq | CmpOp::IsNot => a != b,
        CmpOp::Lt => a < b,
        CmpOp::LtE => a <= b,
        CmpOp::Gt => a > b,
        CmpOp::GtE => a >= b,
        _ => return None,
    })
}

/// Python's float repr (shortest round-trip digits, CPython's notation rules).
pub fn float_repr(f: f64) -> String {
    crate::text::float::repr(f)
}

/// repr of a str, choosing quotes as CPython does.
pub fn str_repr(s: &str) -> String {
    crate::text::repr::str_repr(s)
}

/// repr of bytes: `b'...'` with CPython's escapes.
pub fn bytes_repr(b: &[u8]) -> String {
    crate::text::repr::bytes_repr(b)
}

/// repr without a VM (instances show their default repr): for exception messages.
pub fn repr_plain(v: &Value) -> String {
    match v {
        Value::None => "None".into(),
        Value::Bool(b) => if *b { "True" } else { "False" }.into(),
        Value::Int(i) => i.to_string(),
        Value::Long(b) => b.to_string(),
        Value::Float(f) => float_repr(*f),
        Value::Str(s) => str_repr(s.as_str()),
        Value::Bytes(b) => bytes_repr(b),
        Value::Tuple(t) => {
            let items: Vec<String> = t.iter().map(repr_plain).collect();
            if items.len() == 1 {
                format!("({},)", items[0])
            } else {
                format!("({})", items.join(", "))
            }
        }
        Value::List(l) => {
            let items: Vec<String> = l.borrow().iter().map(repr_plain).collect();
            format!("[{}]", items.join(", "))
        }
        other => format!("<{} object>", other.type_name()),
    }
}

/// str without a VM.
pub fn str_plain(v: &Value) -> String {
    match v {
        Value::Str(s) => s.as_str().to_string(),
        Value::Instance(i) if i.exc().is_some() => crate::exc::exc_str_plain(i),
        other => repr_plain(other),
    }
}

/// Resolve `[start:stop:step]` against a length: (start, stop, step, count).
pub fn slice_indices(vm: &mut Vm, s: &SliceObj, len: usize) -> PyResult<(i64, i64, i64, usize)> {
    let len = len as i64;
    let step = match &s.step {
        Value::None => 1,
        v => vm.index_value(v)?,
    };
    if step == 0 {
        return Err(value_error("slice step cannot be zero"));
    }
    let (lo_def, hi_def) = if step > 0 { (0, len) } else { (len - 1, -1) };
    let fix = |v: i64, neg_floor: i64, pos_ceil: i64| -> i64 {
        if v < 0 {
            let v = v + len;
            if v < 0 {
                neg_floor
            } else {
                v
            }
        } else if v > pos_ceil {
            pos_ceil
        } else {
            v
        }
    };
    let start = match &s.start {
        Value::None => lo_def,
        v => {
            let i = vm.index_value(v)?;
            if step > 0 {
                fix(i, 0, len)
            } else {
                fix(i, -1, len - 1)
            }
        }
    };
    let stop = match &s.stop {
        Value::None => hi_def,
        v => {
            let i = vm.index_value(v)?;
            if step > 0 {
                fix(i, 0, len)
            } else {
                fix(i, -1, len - 1)
            }
        }
    };
    let count = if step > 0 {
        if stop > start {
            ((stop - start + step - 1) / step) as usize
        } else {
            0
        }
    } else if start > stop {
        ((start - stop - step - 1) / (-step)) as usize
    } else {
        0
    };
    Ok((start, stop, step, count))
}

fn slice_pick<T: Clone>(items: &[T], start: i64, step: i64, count: usize) -> Vec<T> {
    let mut out = Vec::with_capacity(count);
    let mut i = start;
    for _ in 0..count {
        out.push(items[i as usize].clone());
        i += step;
    }
    out
}

fn int_pow(base: &BigInt, exp: u64) -> BigInt {
    num_traits::pow::pow(base.clone(), exp as usize)
}

impl Vm<'_> {
    /// An index from an int or an object with `__index__`.
    pub fn index_value(&mut self, v: &Value) -> PyResult<i64> {
        match &v.unenum() {
            Value::Int(i) => Ok(*i),
            Value::Bool(b) => Ok(*b as i64),
            Value::Long(b) => Ok(if b.is_negative() { i64::MIN } else { i64::MAX }),
            _ => Err(type_error(
                "slice indices must be integers or None or have an __index__ method",
            )),
        }
    }

    // -----------------------------------------------------------------------------------
    // truthiness

    pub fn truthy(&mut self, v: &Value) -> PyResult<bool> {
        if let Some(b) = base_unless(v, &["__bool__", "__len__"]) {
            return self.truthy(&b);
        }
        // (A subclass instance got here because its class defines `__bool__`/`__len__`.)
        if let (Some(i), None) = (v.int_enum(), v.base_value()) {
            return Ok(i != 0);
        }
        Ok(match v {
            Value::None => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Long(_) => true,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.as_str().is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            Value::ByteArray(b) => !b.borrow().is_empty(),
            Value::List(l) => !l.borrow().is_empty(),
            Value::Tuple(t) => !t.is_empty(),
            Value::Dict(d) => !d.borrow().is_empty(),
            Value::Set(s) => !s.borrow().is_empty(),
            Value::FrozenSet(s) => !s.is_empty(),
            Value::Range(r) => !r.is_empty(),
            Value::Instance(i) => {
                if let Some(m) = i.class.lookup("__bool__") {
                    let r = self.call(&m, vec![v.clone()])?;
                    match r {
                        Value::Bool(b) => b,
                        other => {
                            return Err(type_error(format!(
                                "__bool__ should return bool, returned {}",
                                other.type_name()
                            )))
                        }
                    }
                } else if let Some(m) = i.class.lookup("__len__") {
                    let r = self.call(&m, vec![v.clone()])?;
                    r.as_i64().unwrap_or(1) != 0
                } else {
                    true
                }
            }
            _ => true,
        })
    }

    // -----------------------------------------------------------------------------------
    // arithmetic

    pub fn binary_op(&mut self, op: BinOp, a: Value, b: Value, inplace: bool) -> PyResult<Value> {
        let (name, rname, iname) = dunder_names(op);
        let orig = a.clone();
        // An instance of a subclass of a builtin type is its value, unless its class
        // defines the operator in Python.
        let a = if overrides(&a, name) || (inplace && overrides(&a, iname)) {
            a
        } else {
            a.unenum()
        };
        let b = if overrides(&b, rname) { b } else { b.unenum() };
        if let Some(r) = self.builtin_binop(op, &a, &b, inplace)? {
            // `l += x` on a list subclass mutates its list and keeps the instance.
            if inplace && orig.base_value().is_some_and(|v| v.is(&r)) {
                return Ok(orig);
            }
            return Ok(r);
        }
        // User-defined operators.
        if inplace {
            if let Value::Instance(i) = &a {
                if let Some(m) = i.class.lookup(iname) {
                    let r = self.call(&m, vec![a.clone(), b.clone()])?;
                    if !matches!(r, Value::NotImplemented) {
                        return Ok(r);
                    }
                }
            }
        }
        if let Value::Instance(i) = &a {
            if let Some(m) = i.class.lookup(name) {
                let r = self.call(&m, vec![a.clone(), b.clone()])?;
                if !matches!(r, Value::NotImplemented) {
                    return Ok(r);
                }
            }
        }
        if let Value::Instance(i) = &b {
            if let Some(m) = i.class.lookup(rname) {
                let r = self.call(&m, vec![b.clone(), a.clone()])?;
                if !matches!(r, Value::NotImplemented) {
                    return Ok(r);
                }
            }
        }
        Err(binop_error(op, &a, &b, inplace))
    }

    /// Operators between builtin values; `Ok(None)` when not applicable.
    fn builtin_binop(
        &mut self,
        op: BinOp,
        a: &Value,
        b: &Value,
        inplace: bool,
    ) -> PyResult<Option<Value>> {
        use Value::*;
        // Numbers.
        match (a, b) {
            (Int(_) | Bool(_) | Long(_), Int(_) | Bool(_) | Long(_)) => {
                return int_binop(op, a, b).map(Some);
            }
            (Float(_), Int(_) | Bool(_) | Long(_) | Float(_))
            | (Int(_) | Bool(_) | Long(_), Float(_)) => {
                let x = crate::builtins::arg_float(a)?;
                let y = crate::builtins::arg_float(b)?;
                return float_binop(op, x, y).map(Some);
            }
            _ => {}
        }
        Ok(Some(match (op, a, b) {
            (BinOp::Add, Str(x), Str(y)) => {
                let mut s = String::with_capacity(x.as_str().len() + y.as_str().len());
                s.push_str(x.as_str());
                s.push_str(y.as_str());
                Value::str(s)
            }
            (BinOp::Add, Str(_), other) => {
                return Err(type_error(format!(
                    "can only concatenate str (not \"{}\") to str",
                    other.type_name()
                )))
            }
            (BinOp::Add, List(x), List(y)) => {
                if inplace {
                    let items = y.borrow().clone();
                    x.borrow_mut().extend(items);
                    return Ok(Some(a.clone()));
                }
                let mut v = x.borrow().clone();
                v.extend(y.borrow().iter().cloned());
                Value::list(v)
            }
            (BinOp::Add, List(x), other) if inplace => {
                let items = self.iterate(other)?;
                x.borrow_mut().extend(items);
                a.clone()
            }
            (BinOp::Add, List(_), other) => {
                return Err(type_error(format!(
                    "can only concatenate list (not \"{}\") to list",
                    other.type_name()
                )))
            }
            (BinOp::Add, Tuple(x), Tuple(y)) => {
                let mut v = x.to_vec();
                v.extend(y.iter().cloned());
                Value::tuple(v)
            }
            (BinOp::Add, Tuple(_), other) => {
                return Err(type_error(format!(
                    "can only concatenate tuple (not \"{}\") to tuple",
                    other.type_name()
                )))
            }
            (BinOp::Add, Bytes(x), Bytes(_) | ByteArray(_)) => {
                let mut v = x.to_vec();
                v.extend(crate::builtins::arg_bytes_like(b)?);
                Value::bytes(v)
            }
            (BinOp::Add, ByteArray(x), Bytes(_) | ByteArray(_)) => {
                let other = crate::builtins::arg_bytes_like(b)?;
                if inplace {
                    x.borrow_mut().extend(other);
                    return Ok(Some(a.clone()));
                }
                let mut v = x.borrow().clone();
                v.extend(other);
                Value::ByteArray(Rc::new(RefCell::new(v)))
            }
            (BinOp::Add, Bytes(_), other) => {
                return Err(type_error(format!(
                    "can't concat {} to bytes",
                    other.type_name()
                )))
            }
            (
                BinOp::Mult,
                Str(_) | List(_) | Tuple(_) | Bytes(_) | ByteArray(_),
                Int(_) | Bool(_),
            )
            | (
                BinOp::Mult,
                Int(_) | Bool(_),
                Str(_) | List(_) | Tuple(_) | Bytes(_) | ByteArray(_),
            ) => {
                let (seq, n) = if matches!(a, Int(_) | Bool(_)) {
                    (b, a)
                } else {
                    (a, b)
                };
                let n = n.as_i64().unwrap_or(0).max(0) as usize;
                match seq {
                    Str(s) => Value::str(s.as_str().repeat(n)),
                    Bytes(x) => Value::bytes(x.repeat(n)),
                    ByteArray(x) => {
                        let v = x.borrow().repeat(n);
                        if inplace {
                            *x.borrow_mut() = v;
                            return Ok(Some(a.clone()));
                        }
                        Value::ByteArray(Rc::new(RefCell::new(v)))
                    }
                    List(l) => {
                        let items = l.borrow().clone();
                        let mut v = Vec::with_capacity(items.len() * n);
                        for _ in 0..n {
                            v.extend(items.iter().cloned());
                        }
                        if inplace {
                            *l.borrow_mut() = v;
                            return Ok(Some(a.clone()));
                        }
                        Value::list(v)
                    }
                    Tuple(t) => {
                        let mut v = Vec::with_capacity(t.len() * n);
                        for _ in 0..n {
                            v.extend(t.iter().cloned());
                        }
                        Value::tuple(v)
                    }
                    _ => unreachable!(),
                }
            }
            (
                BinOp::Mult,
                Str(_) | List(_) | Tuple(_) | Bytes(_) | ByteArray(_),
                Float(_) | Str(_) | List(_) | Tuple(_) | None,
            )
            | (BinOp::Mult, Float(_), Str(_) | List(_) | Tuple(_) | Bytes(_)) => {
                let other = if matches!(a, Float(_)) { a } else { b };
                return Err(type_error(format!(
                    "can't multiply sequence by non-int of type '{}'",
                    other.type_name()
                )));
            }
            (BinOp::Mod, Str(fmt), args) => {
                return self
                    .percent_format_str(fmt.as_str(), args)
                    .map(|s| Some(Value::str(s)))
            }
            (BinOp::Mod, Bytes(fmt), args) => {
                return self
                    .percent_format_bytes(fmt, args)
                    .map(|s| Some(Value::bytes(s)))
            }
            (
                BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor,
                Set(_) | FrozenSet(_),
                Set(_) | FrozenSet(_),
            ) => {
                let x = set_items(a);
                let y = self.unify_keys(&x, set_items(b))?;
                // CPython's construction order for each operator (see builtins::set).
                let mut out = match op {
                    BinOp::BitOr => crate::builtins::set::union(&x, &y),
                    BinOp::BitAnd => crate::builtins::set::intersection(&x, &y),
                    BinOp::Sub => crate::builtins::set::difference(&x, &y),
                    _ if inplace => crate::builtins::set::symmetric_difference_update(&x, &y),
                    _ => crate::builtins::set::symmetric_difference(&x, &y),
                };
                crate::builtins::set::reorder_like_cpython(&mut out);
                match a {
                    Set(s) if inplace => {
                        *s.borrow_mut() = out;
                        a.clone()
                    }
                    FrozenSet(_) => Value::FrozenSet(Rc::new(out)),
                    _ => Value::Set(Rc::new(RefCell::new(out))),
                }
            }
            (BinOp::BitOr, Dict(x), Dict(y)) => {
                let entries: Vec<(Key, Value)> = y
                    .borrow()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                if inplace {
                    for (k, v) in entries {
                        let cands = x.borrow().candidates(&k);
                        let k = self.canon_key(cands, k)?;
                        x.borrow_mut().insert(k, v);
                    }
                    return Ok(Some(a.clone()));
                }
                let mut d = x.borrow().clone();
                for (k, v) in entries {
                    let k = self.local_key(&d, k)?;
                    d.insert(k, v);
                }
                Value::dict(d)
            }
            _ => return Ok(Option::None),
        }))
    }

    pub fn unary_op(&mut self, op: UnaryOp, v: Value) -> PyResult<Value> {
        if op == UnaryOp::Not {
            return Ok(Value::Bool(!self.truthy(&v)?));
        }
        let v = if ["__neg__", "__pos__", "__invert__"]
            .iter()
            .any(|n| overrides(&v, n))
        {
            v
        } else {
            v.unenum()
        };
        match (op, &v) {
            (UnaryOp::Not, _) => Ok(Value::Bool(!self.truthy(&v)?)),
            (UnaryOp::Neg, Value::Int(i)) => Ok(match i.checked_neg() {
                Some(n) => Value::Int(n),
                None => Value::from_bigint(-BigInt::from(*i)),
            }),
            (UnaryOp::Neg, Value::Bool(b)) => Ok(Value::Int(-(*b as i64))),
            (UnaryOp::Neg, Value::Long(b)) => Ok(Value::from_bigint(-(**b).clone())),
            (UnaryOp::Neg, Value::Float(f)) => Ok(Value::Float(-f)),
            (UnaryOp::Pos, Value::Int(_) | Value::Long(_) | Value::Float(_)) => Ok(v.clone()),
            (UnaryOp::Pos, Value::Bool(b)) => Ok(Value::Int(*b as i64)),
            (UnaryOp::Invert, Value::Int(i)) => Ok(Value::Int(!i)),
            (UnaryOp::Invert, Value::Bool(b)) => Ok(Value::Int(!(*b as i64))),
            (UnaryOp::Invert, Value::Long(b)) => Ok(Value::from_bigint(-(**b).clone() - 1)),
            (_, Value::Instance(i)) => {
                let name = match op {
                    UnaryOp::Neg => "__neg__",
                    UnaryOp::Pos => "__pos__",
                    _ => "__invert__",
                };
                match i.class.lookup(name) {
                    Some(m) => self.call(&m, vec![v.clone()]),
                    None => Err(unary_error(op, &v)),
                }
            }
            _ => Err(unary_error(op, &v)),
        }
    }

    // -----------------------------------------------------------------------------------
    // comparison

    pub fn compare(&mut self, op: CmpOp, a: &Value, b: &Value) -> PyResult<Value> {
        if matches!(op, CmpOp::Eq | CmpOp::NotEq)
            && (matches!(a, Value::Instance(_)) || matches!(b, Value::Instance(_)))
        {
            // A Python `__eq__`/`__ne__` gives the result of `==`/`!=` as it returns it.
            let name = if op == CmpOp::Eq { "__eq__" } else { "__ne__" };
            for (x, y) in [(a, b), (b, a)] {
                if let (Value::Instance(i), true) = (x, overrides(x, name)) {
                    let m = i.class.lookup(name).expect("overridden");
                    let r = self.call(&m, vec![x.clone(), y.clone()])?;
                    if !matches!(r, Value::NotImplemented) {
                        return Ok(r);
                    }
                }
            }
        }
        Ok(Value::Bool(match op {
            CmpOp::Eq => self.eq(a, b)?,
            CmpOp::NotEq => !self.eq(a, b)?,
            CmpOp::Is => a.is(b),
            CmpOp::IsNot => !a.is(b),
            CmpOp::In => self.contains(b, a)?,
            CmpOp::NotIn => !self.contains(b, a)?,
            _ => return self.rich_compare(op, a, b),
        }))
    }

    /// `a == b`, calling `__eq__` of instances.
    pub fn eq(&mut self, a: &Value, b: &Value) -> PyResult<bool> {
        if let Some(x) = base_unless(a, &["__eq__"]) {
            return self.eq(&x, b);
        }
        if let Some(y) = base_unless(b, &["__eq__"]) {
            return self.eq(a, &y);
        }
        let member = |v: &Value| v.int_enum().is_some() && v.base_value().is_none();
        if member(a) || member(b) {
            let un = |v: &Value| if member(v) { v.unenum() } else { v.clone() };
            return self.eq(&un(a), &un(b));
        }
        match (a, b) {
            (Value::Instance(i), _) if i.class.lookup("__eq__").is_some() => {
                let m = i.class.lookup("__eq__").expect("__eq__");
                if let Value::Native(n) = &m {
                    if n.owner == "object" || i.exc().is_some() {
                        return Ok(values_equal(a, b));
                    }
                    let r = (n.func)(self, crate::builtins::Args::new(vec![a.clone(), b.clone()]))?;
                    if matches!(r, Value::NotImplemented) {
                        return Ok(a.is(b));
                    }
                    return self.truthy(&r);
                }
                let r = self.call(&m, vec![a.clone(), b.clone()])?;
                if matches!(r, Value::NotImplemented) {
                    return Ok(a.is(b));
                }
                self.truthy(&r)
            }
            (_, Value::Instance(i)) if i.class.lookup("__eq__").is_some() => self.eq(b, a),
            (Value::List(x), Value::List(y)) => {
                if Rc::ptr_eq(x, y) {
                    return Ok(true);
                }
                let (x, y) = (x.borrow().clone(), y.borrow().clone());
                self.seq_eq(&x, &y)
            }
            (Value::Tuple(x), Value::Tuple(y)) => {
                let (x, y) = (x.clone(), y.clone());
                self.seq_eq(&x, &y)
            }
            (Value::Dict(x), Value::Dict(y)) if !Rc::ptr_eq(x, y) => self.dict_eq(x, y),
            (Value::Set(_) | Value::FrozenSet(_), Value::Set(_) | Value::FrozenSet(_)) => {
                let slow = |v: &Value| match v {
                    Value::Set(s) => s.borrow().items.has_slow_keys(),
                    Value::FrozenSet(s) => s.items.has_slow_keys(),
                    _ => false,
                };
                if !slow(a) && !slow(b) {
                    return Ok(values_equal(a, b));
                }
                let copy = |v: &Value| match v {
                    Value::Set(s) => s.borrow().clone(),
                    Value::FrozenSet(s) => (**s).clone(),
                    _ => Set::new(),
                };
                let (x, y) = (copy(a), copy(b));
                let y = self.unify_keys(&x, y)?;
                Ok(x == y)
            }
            _ => Ok(values_equal(a, b)),
        }
    }

    fn seq_eq(&mut self, x: &[Value], y: &[Value]) -> PyResult<bool> {
        if x.len() != y.len() {
            return Ok(false);
        }
        for (p, q) in x.iter().zip(y.iter()) {
            if !p.is(q) && !self.eq(p, q)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn rich_compare(&mut self, op: CmpOp, a: &Value, b: &Value) -> PyResult<Value> {
        use std::cmp::Ordering;
        let ord = self.partial_cmp(a, b)?;
        match ord {
            Some(o) => Ok(Value::Bool(match op {
                CmpOp::Lt => o == Ordering::Less,
                CmpOp::LtE => o != Ordering::Greater,
                CmpOp::Gt => o == Ordering::Greater,
                CmpOp::GtE => o != Ordering::Less,
                _ => false,
            })),
            None => {
                // Instances with rich comparison methods.
                let (name, swapped) = match op {
                    CmpOp::Lt => ("__lt__", "__gt__"),
                    CmpOp::LtE => ("__le__", "__ge__"),
                    CmpOp::Gt => ("__gt__", "__lt__"),
                    _ => ("__ge__", "__le__"),
                };
                if let Value::Instance(i) = a {
                    if let Some(m) = i.class.lookup(name) {
                        let r = self.call(&m, vec![a.clone(), b.clone()])?;
                        if !matches!(r, Value::NotImplemented) {
                            return Ok(r);
                        }
                    }
                }
                if let Value::Instance(i) = b {
                    if let Some(m) = i.class.lookup(swapped) {
                        let r = self.call(&m, vec![b.clone(), a.clone()])?;
                        if !matches!(r, Value::NotImplemented) {
                            return Ok(r);
                        }
                    }
                }
                if matches!((a, b), (Value::Float(x), _) | (_, Value::Float(x)) if x.is_nan()) {
                    return Ok(Value::Bool(false));
                }
                Err(type_error(format!(
                    "'{}' not supported between instances of '{}' and '{}'",
                    cmp_symbol(op),
                    a.type_name(),
                    b.type_name()
                )))
            }
        }
    }

    /// Ordering of builtin values (`None` when not comparable or NaN).
    pub fn partial_cmp(&mut self, a: &Value, b: &Value) -> PyResult<Option<std::cmp::Ordering>> {
        if let Some(x) = base_unless(a, &["__lt__", "__le__", "__gt__", "__ge__"]) {
            return self.partial_cmp(&x, b);
        }
        if let Some(y) = base_unless(b, &["__lt__", "__le__", "__gt__", "__ge__"]) {
            return self.partial_cmp(a, &y);
        }
        let member = |v: &Value| v.int_enum().is_some() && v.base_value().is_none();
        if member(a) || member(b) {
            let un = |v: &Value| if member(v) { v.unenum() } else { v.clone() };
            return self.partial_cmp(&un(a), &un(b));
        }
        use Value::*;
        Ok(match (a, b) {
            (Int(x), Int(y)) => Some(x.cmp(y)),
            (Int(_) | Bool(_) | Long(_), Int(_) | Bool(_) | Long(_)) => Some(
                a.as_bigint()
                    .expect("int")
                    .cmp(&b.as_bigint().expect("int")),
            ),
            (Float(x), Float(y)) => x.partial_cmp(y),
            // Exact, as CPython: `2**53 + 1 > 2.0**53`, `10**400 > 1e308`.
            (Int(_) | Bool(_) | Long(_), Float(y)) => {
                crate::text::arith::compare_int_float(&a.as_bigint().expect("int"), *y)
            }
            (Float(x), Int(_) | Bool(_) | Long(_)) => {
                crate::text::arith::compare_int_float(&b.as_bigint().expect("int"), *x)
                    .map(std::cmp::Ordering::reverse)
            }
            (Str(x), Str(y)) => Some(x.as_str().cmp(y.as_str())),
            (Bytes(_) | ByteArray(_), Bytes(_) | ByteArray(_)) => {
                let x = crate::builtins::arg_bytes_like(a)?;
                let y = crate::builtins::arg_bytes_like(b)?;
                Some(x.cmp(&y))
            }
            (List(x), List(y)) => {
                let (x, y) = (x.borrow().clone(), y.borrow().clone());
                self.seq_cmp(&x, &y)?
            }
            (Tuple(x), Tuple(y)) => {
                let (x, y) = (x.clone(), y.clone());
                self.seq_cmp(&x, &y)?
            }
            (Set(_) | FrozenSet(_), Set(_) | FrozenSet(_)) => {
                let x = set_items(a);
                let y = self.unify_keys(&x, set_items(b))?;
                let sub = x.iter().all(|k| y.contains(k));
                let sup = y.iter().all(|k| x.contains(k));
                match (sub, sup) {
                    (true, true) => Some(std::cmp::Ordering::Equal),
                    (true, false) => Some(std::cmp::Ordering::Less),
                    (false, true) => Some(std::cmp::Ordering::Greater),
                    _ => Option::None,
                }
            }
            _ => Option::None,
        })
    }

    fn seq_cmp(&mut self, x: &[Value], y: &[Value]) -> PyResult<Option<std::cmp::Ordering>> {
        for (p, q) in x.iter().zip(y.iter()) {
            if p.is(q) || self.eq(p, q)? {
                continue;
            }
            return match self.partial_cmp(p, q)? {
                Some(o) => Ok(Some(o)),
                None => {
                    // Instances: use __lt__.
                    let lt = self.rich_compare(CmpOp::Lt, p, q)?;
                    if self.truthy(&lt)? {
                        Ok(Some(std::cmp::Ordering::Less))
                    } else {
                        Ok(Some(std::cmp::Ordering::Greater))
                    }
                }
            };
        }
        Ok(Some(x.len().cmp(&y.len())))
    }

    /// `item in container`.
    pub fn contains(&mut self, container: &Value, item: &Value) -> PyResult<bool> {
        if let Some(c) = base_unless(container, &["__contains__"]) {
            return self.contains(&c, item);
        }
        match container {
            Value::Str(s) => match item.base_value().unwrap_or(item) {
                Value::Str(sub) => Ok(s.as_str().contains(sub.as_str())),
                other => Err(type_error(format!(
                    "'in <string>' requires string as left operand, not {}",
                    other.type_name()
                ))),
            },
            Value::Bytes(_) | Value::ByteArray(_) => {
                let hay = crate::builtins::arg_bytes_like(container)?;
                match item {
                    Value::Int(i) => Ok(hay.contains(&(*i as u8))),
                    _ => {
                        let needle = crate::builtins::arg_bytes_like(item)?;
                        Ok(needle.is_empty()
                            || hay.windows(needle.len()).any(|w| w == needle.as_slice()))
                    }
                }
            }
            Value::List(l) => {
                let items = l.borrow().clone();
                for v in items.iter() {
                    if v.is(item) || self.eq(v, item)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Value::Tuple(t) => {
                for v in t.iter() {
                    if v.is(item) || self.eq(v, item)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Value::Dict(d) => {
                let k = self.dict_key(d, item.clone())?;
                Ok(d.borrow().contains(&k))
            }
            Value::Set(s) => {
                let k = self.set_key(s, item.clone())?;
                Ok(s.borrow().contains(&k))
            }
            Value::FrozenSet(s) => {
                let k = self.hash_key(item.clone())?;
                let k = self.local_key(&s.items, k)?;
                Ok(s.contains(&k))
            }
            Value::Range(r) => match item.as_i64() {
                Some(i) => {
                    let ok = if r.step > 0 {
                        i >= r.start && i < r.stop
                    } else {
                        i <= r.start && i > r.stop
                    };
                    Ok(ok && (i - r.start) % r.step == 0)
                }
                None => Ok(false),
            },
            Value::Instance(i) if i.class.lookup("__contains__").is_some() => {
                let m = i.class.lookup("__contains__").expect("contains");
                let r = self.call(&m, vec![container.clone(), item.clone()])?;
                self.truthy(&r)
            }
            other => {
                if matches!(
                    other,
                    Value::Instance(_) | Value::Iterator(_) | Value::Generator(_)
                ) {
                    let items = self.iterate(other)?;
                    for v in items {
                        if self.eq(&v, item)? {
                            return Ok(true);
                        }
                    }
                    return Ok(false);
                }
                Err(type_error(format!(
                    "argument of type '{}' is not iterable",
                    other.type_name()
                )))
            }
        }
    }

    // -----------------------------------------------------------------------------------
    // hashing

    /// A dict/set key for `v` (`TypeError: unhashable type: 'list'`). A key whose class
    /// defines `__hash__`/`__eq__` in Python carries its Python hash (see [`Key`]); to use
    /// it in a particular dict, map it to the stored equal key with [`Vm::dict_key`] or
    /// [`Vm::canon_key`].
    pub fn hash_key(&mut self, v: Value) -> PyResult<Key> {
        if let Value::Str(_) | Value::Int(_) = v {
            return Ok(Key(v));
        }
        // A str or int subclass is the same key as its value, unless it hashes its way.
        let v = match base_unless(&v, &["__hash__", "__eq__"]) {
            Some(Value::List(_) | Value::Dict(_) | Value::Set(_) | Value::ByteArray(_)) => {
                return Err(unhashable(&v.type_name()))
            }
            Some(b) => b,
            None => v,
        };
        if matches!(v, Value::Instance(_) | Value::Tuple(_)) && needs_vm_key(&v) {
            // Records the Python hash on the instances (see `value::slow_hash`).
            self.py_hash(&v)?;
            return Ok(Key(v));
        }
        Key::new(v).map_err(|u| unhashable(&u.0))
    }

    /// `hash(v)`: CPython's numbers for ints, floats and tuples; a Python `__hash__` is
    /// called and its result reduced as CPython's `slot_tp_hash` does.
    pub fn py_hash(&mut self, v: &Value) -> PyResult<i64> {
        if let Some(b) = base_unless(v, &["__hash__", "__eq__"]) {
            if matches!(b, Value::List(_) | Value::Dict(_) | Value::Set(_)) {
                return Err(unhashable(&v.type_name()));
            }
            return self.py_hash(&b);
        }
        match v {
            Value::Instance(i) if needs_vm_key(v) => match i.class.lookup("__hash__") {
                Some(Value::None) => Err(unhashable(&i.class.name)),
                Some(m) if !matches!(m, Value::Native(_)) => {
                    let r = self.call(&m, vec![v.clone()])?;
                    let h = match r.unenum() {
                        Value::Int(h) => h,
                        Value::Bool(b) => b as i64,
                        // Out of Py_hash_t's range: reduced as an int's hash is.
                        Value::Long(b) => crate::builtins::functions::hash_bigint(&b),
                        _ => return Err(type_error("__hash__ method should return an integer")),
                    };
                    let h = if h == -1 { -2 } else { h };
                    i.py_hash.set(Some(h));
                    Ok(h)
                }
                _ => Ok(crate::builtins::functions::cpython_hash(v)),
            },
            Value::Tuple(items) if needs_vm_key(v) => {
                let mut hashes = Vec::with_capacity(items.len());
                for it in items.iter() {
                    hashes.push(self.py_hash(it)?);
                }
                Ok(crate::value::tuple_hash(hashes.into_iter(), items.len()))
            }
            _ => {
                let k = Key::new(v.clone()).map_err(|u| unhashable(&u.0))?;
                Ok(crate::builtins::functions::cpython_hash(&k.0))
            }
        }
    }

    /// The key stored among `cands` that equals `k` by `==` (CPython compares the stored
    /// key with the new one), or `k` itself. `cands` come from [`Dict::candidates`].
    pub fn canon_key(&mut self, cands: Vec<Key>, k: Key) -> PyResult<Key> {
        for c in cands {
            if c.0.is(&k.0) || c == k || self.eq(&c.0, &k.0)? {
                return Ok(c);
            }
        }
        Ok(k)
    }

    /// The key to look `v` up in (or insert it into) the dict `d`.
    pub fn dict_key(&mut self, d: &RefCell<Dict>, v: Value) -> PyResult<Key> {
        let k = self.hash_key(v)?;
        // The candidates are copied out so that `__eq__` may use the dict.
        let cands = d.borrow().candidates(&k);
        if cands.is_empty() {
            return Ok(k);
        }
        self.canon_key(cands, k)
    }

    /// [`Vm::dict_key`] for a set.
    pub fn set_key(&mut self, s: &RefCell<Set>, v: Value) -> PyResult<Key> {
        let k = self.hash_key(v)?;
        let cands = s.borrow().items.candidates(&k);
        if cands.is_empty() {
            return Ok(k);
        }
        self.canon_key(cands, k)
    }

    /// [`Vm::dict_key`] for a key already made, into a dict not shared with Python code.
    pub fn local_key(&mut self, d: &Dict, k: Key) -> PyResult<Key> {
        let cands = d.candidates(&k);
        if cands.is_empty() {
            return Ok(k);
        }
        self.canon_key(cands, k)
    }

    /// `b` with each key that equals (by a Python `__eq__`) a key of `a` replaced by
    /// `a`'s key object, so that set algebra between them can compare keys exactly.
    pub fn unify_keys(&mut self, a: &Set, b: Set) -> PyResult<Set> {
        if !a.items.has_slow_keys() && !b.items.has_slow_keys() {
            return Ok(b);
        }
        let mut out = Set::new();
        for k in b.iter() {
            let k = self.canon_key(a.items.candidates(k), k.clone())?;
            out.insert(k);
        }
        Ok(out)
    }

    /// `==` between dicts: keys by hash and `==`, values by `==` (Python `__eq__`s called).
    fn dict_eq(&mut self, x: &RefCell<Dict>, y: &RefCell<Dict>) -> PyResult<bool> {
        let entries: Vec<(Key, Value)> = x
            .borrow()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if entries.len() != y.borrow().len() {
            return Ok(false);
        }
        for (k, v) in entries {
            let cands = y.borrow().candidates(&k);
            let k = self.canon_key(cands, k)?;
            let w = y.borrow().get(&k);
            match w {
                Some(w) if v.is(&w) || self.eq(&v, &w)? => {}
                _ => return Ok(false),
            }
        }
        Ok(true)
    }

    // -----------------------------------------------------------------------------------
    // attributes

    pub fn getattr(&mut self, obj: &Value, name: &str) -> PyResult<Value> {
        match obj {
            Value::Instance(inst) if Rc::ptr_eq(&inst.class, &types().super_) => {
                let this = inst.get_attr("__thisclass__").unwrap_or(Value::None);
                let obj2 = inst.get_attr("__self__").unwrap_or(Value::None);
                let start = match (&obj2, &this) {
                    (Value::Class(c), Value::Class(t)) if c.is_subclass(t) => c.clone(),
                    _ => types().class_of(&obj2),
                };
                let mro = start.mro.borrow().clone();
                let pos = match &this {
                    Value::Class(t) => mro
                        .iter()
                        .position(|c| Rc::ptr_eq(c, t))
                        .map(|p| p + 1)
                        .unwrap_or(mro.len()),
                    _ => mro.len(),
                };
                for c in &mro[pos..] {
                    let found = c.dict.borrow().get(name).cloned();
                    if let Some(v) = found {
                        if let Value::Class(oc) = &obj2 {
                            return Ok(self.bind_class_attr(v, oc));
                        }
                        return Ok(self.bind(v, &obj2, &start));
                    }
                    // `super().__iter__()` in a subclass of a builtin value type: the
                    // builtin's special method (not object's: that would call back into
                    // the subclass's own method).
                    if c.builtin
                        && !Rc::ptr_eq(c, &types().object)
                        && dunder_supported(&c.name, name)
                    {
                        if let Value::Class(_) = &obj2 {
                            return Ok(dunder_native(name));
                        }
                        return Ok(Value::BoundMethod(Rc::new(BoundMethod {
                            receiver: obj2.clone(),
                            func: dunder_native(name),
                        })));
                    }
                }
                Err(attribute_error(format!(
                    "'super' object has no attribute '{name}'"
                )))
            }
            Value::Instance(inst) => {
                let cls = inst.class.clone();
                if cls.flags() & crate::value::CLASS_HAS_DESCRIPTOR == 0 {
                    // No data descriptors: the instance dict wins without a class lookup.
                    if let Some(v) = inst.dict.borrow().get(name) {
                        return Ok(v.clone());
                    }
                }
                let class_attr = cls.lookup(name);
                if let Some(Value::Instance(d)) = &class_attr {
                    if Rc::ptr_eq(&d.class, &types().property) {
                        let getter = d.get_attr("fget").unwrap_or(Value::None);
                        if getter.is_none() {
                            return Err(attribute_error(format!(
                                "property '{name}' of '{}' object has no getter",
                                cls.name
                            )));
                        }
                        return self.call(&getter, vec![obj.clone()]);
                    }
                }
                if let Some(v) = inst.dict.borrow().get(name) {
                    return Ok(v.clone());
                }
                if let Some(v) = class_attr {
                    return Ok(self.bind(v, obj, &cls));
                }
                if let Some(v) = self.special_attr(obj, name)? {
                    return Ok(v);
                }
                // `l.__iter__()` on a list subclass: the builtin's special method.
                if let Some(base) = crate::call::value_base(&cls) {
                    if dunder_supported(&base.name, name) {
                        return Ok(Value::BoundMethod(Rc::new(BoundMethod {
                            receiver: obj.clone(),
                            func: dunder_native(name),
                        })));
                    }
                }
                if let Some(ga) = cls.lookup("__getattr__") {
                    return self.call(&ga, vec![obj.clone(), Value::str(name)]);
                }
                let mut candidates: Vec<String> =
                    inst.dict.borrow().keys().map(|k| k.to_string()).collect();
                for c in cls.mro.borrow().iter() {
                    candidates.extend(c.dict.borrow().keys().map(|k| k.to_string()));
                }
                Err(attr_error_with(
                    format!("'{}' object has no attribute '{name}'", cls.name),
                    name,
                    obj,
                    &candidates,
                ))
            }
            Value::Module(m) => {
                if let Some(v) = m.globals.borrow().get_str(name) {
                    return Ok(v);
                }
                if name == "__dict__" {
                    return Ok(Value::Dict(m.globals.clone()));
                }
                let candidates: Vec<String> = m
                    .globals
                    .borrow()
                    .keys()
                    .iter()
                    .filter_map(|k| k.as_str().map(String::from))
                    .collect();
                Err(attr_error_with(
                    format!("module '{}' has no attribute '{name}'", m.name),
                    name,
                    obj,
                    &candidates,
                ))
            }
            Value::Class(c) => {
                if let Some(v) = c.lookup(name) {
                    return Ok(self.bind_class_attr(v, c));
                }
                if let Some(v) = self.special_attr(obj, name)? {
                    return Ok(v);
                }
                if c.builtin && dunder_supported(&c.name, name) {
                    return Ok(dunder_native(name));
                }
                let mut candidates = Vec::new();
                for k in c.mro.borrow().iter() {
                    candidates.extend(k.dict.borrow().keys().map(|k| k.to_string()));
                }
                Err(attr_error_with(
                    format!("type object '{}' has no attribute '{name}'", c.name),
                    name,
                    obj,
                    &candidates,
                ))
            }
            _ => {
                let cls = types().class_of(obj);
                if let Some(v) = self.special_attr(obj, name)? {
                    return Ok(v);
                }
                if let Some(v) = cls.lookup(name) {
                    return Ok(self.bind(v, obj, &cls));
                }
                if let Value::Function(f) = obj {
                    if let Some(v) = f.dict.borrow().get(name) {
                        return Ok(v.clone());
                    }
                }
                if dunder_supported(&cls.name, name) {
                    return Ok(Value::BoundMethod(Rc::new(BoundMethod {
                        receiver: obj.clone(),
                        func: dunder_native(name),
                    })));
                }
                let mut candidates = Vec::new();
                for k in cls.mro.borrow().iter() {
                    candidates.extend(k.dict.borrow().keys().map(|k| k.to_string()));
                }
                Err(attr_error_with(
                    format!("'{}' object has no attribute '{name}'", obj.type_name()),
                    name,
                    obj,
                    &candidates,
                ))
            }
        }
    }

    /// Bind a class attribute found through an instance (functions become methods).
    fn bind(&mut self, v: Value, obj: &Value, cls: &Rc<crate::value::Class>) -> Value {
        match &v {
            Value::Function(_) | Value::Native(_) => Value::BoundMethod(Rc::new(BoundMethod {
                receiver: obj.clone(),
                func: v,
            })),
            Value::Instance(d) if Rc::ptr_eq(&d.class, &types().staticmethod) => {
                d.get_attr("__func__").unwrap_or(Value::None)
            }
            Value::Instance(d) if Rc::ptr_eq(&d.class, &types().classmethod) => {
                let f = d.get_attr("__func__").unwrap_or(Value::None);
                Value::BoundMethod(Rc::new(BoundMethod {
                    receiver: Value::Class(cls.clone()),
                    func: f,
                }))
            }
            _ => v,
        }
    }

    fn bind_class_attr(&mut self, v: Value, cls: &Rc<crate::value::Class>) -> Value {
        match &v {
            Value::Instance(d) if Rc::ptr_eq(&d.class, &types().staticmethod) => {
                d.get_attr("__func__").unwrap_or(Value::None)
            }
            Value::Instance(d) if Rc::ptr_eq(&d.class, &types().classmethod) => {
                let f = d.get_attr("__func__").unwrap_or(Value::None);
                Value::BoundMethod(Rc::new(BoundMethod {
                    receiver: Value::Class(cls.clone()),
                    func: f,
                }))
            }
            _ => v,
        }
    }

    /// Attributes that are not in any dict (`__class__`, `__name__`, `args`, ...).
    fn special_attr(&mut self, obj: &Value, name: &str) -> PyResult<Option<Value>> {
        if name == "__class__" {
            return Ok(Some(Value::Class(types().class_of(obj))));
        }
        Ok(match (obj, name) {
            (Value::Instance(i), _) if i.exc().is_some() => {
                let d = i.exc().expect("exc").borrow();
                match name {
                    "args" => Some(Value::tuple(d.args.clone())),
                    "__cause__" => Some(d.cause.clone().unwrap_or(Value::None)),
                    "__context__" => Some(d.context.clone().unwrap_or(Value::None)),
                    "__traceback__" => Some(Value::None),
                    "__suppress_context__" => Some(Value::Bool(d.suppress_context)),
                    // SystemExit.code: None, the one argument, or the args tuple.
                    "code"
                        if types()
                            .exc("SystemExit")
                            .is_some_and(|c| i.class.is_subclass(&c)) =>
                    {
                        Some(match d.args.len() {
                            0 => Value::None,
                            1 => d.args[0].clone(),
                            _ => Value::tuple(d.args.clone()),
                        })
                    }
                    "__dict__" => None,
                    _ => None,
                }
            }
            (Value::Instance(i), "__dict__") => {
                let mut d = crate::value::Dict::new();
                for (k, v) in i.dict.borrow().iter() {
                    d.set_str(k, v.clone());
                }
                Some(Value::dict(d))
            }
            (Value::Class(c), _) => match name {
                "__name__" => Some(Value::str(&*c.name)),
                "__qualname__" => Some(Value::str(&*c.qualname)),
                "__module__" => Some(Value::str(&*c.module)),
                "__bases__" => Some(Value::tuple(
                    c.bases.iter().map(|b| Value::Class(b.clone())).collect(),
                )),
                "__base__" => Some(
                    c.bases
                        .first()
                        .map(|b| Value::Class(b.clone()))
                        .unwrap_or(Value::None),
                ),
                "__mro__" => Some(Value::tuple(
                    c.mro
                        .borrow()
                        .iter()
                        .map(|b| Value::Class(b.clone()))
                        .collect(),
                )),
                "__doc__" => Some(Value::None),
                "__dict__" => {
                    let mut d = crate::value::Dict::new();
                    for (k, v) in c.dict.borrow().iter() {
                        d.set_str(k, v.clone());
                    }
                    Some(Value::dict(d))
                }
                _ => None,
            },
            (Value::Function(f), _) => match name {
                "__name__" => Some(Value::str(&**f.name.borrow())),
                "__qualname__" => Some(Value::str(&*f.qualname)),
                // A docstring assigned later (`f.__doc__ = ...`) lives in the dict.
                "__doc__" => Some(match f.dict.borrow().get("__doc__") {
                    Some(v) => v.clone(),
                    None => f
                        .doc
                        .as_ref()
                        .map(|d| Value::str(&**d))
                        .unwrap_or(Value::None),
                }),
                "__module__" => Some(
                    f.globals
                        .borrow()
                        .get_str("__name__")
                        .unwrap_or(Value::None),
                ),
                "__defaults__" => Some(if f.defaults.is_empty() {
                    Value::None
                } else {
                    Value::tuple(f.defaults.clone())
                }),
                "__dict__" => None,
                _ => None,
            },
            (Value::Native(n), "__name__" | "__qualname__") => Some(Value::str(n.name)),
            (Value::BoundMethod(b), _) => match name {
                "__self__" => Some(b.receiver.clone()),
                "__func__" => Some(b.func.clone()),
                "__name__" | "__qualname__" => Some(self.getattr(&b.func, name)?),
                _ => None,
            },
            (Value::Int(_) | Value::Bool(_) | Value::Long(_), "real" | "numerator") => {
                Some(if let Value::Bool(b) = obj {
                    Value::Int(*b as i64)
                } else {
                    obj.clone()
                })
            }
            (Value::Int(_) | Value::Bool(_) | Value::Long(_), "imag") => Some(Value::Int(0)),
            (Value::Int(_) | Value::Bool(_) | Value::Long(_), "denominator") => Some(Value::Int(1)),
            (Value::Float(_), "real") => Some(obj.clone()),
            (Value::Float(_), "imag") => Some(Value::Float(0.0)),
            (Value::Range(r), "start") => Some(Value::Int(r.start)),
            (Value::Range(r), "stop") => Some(Value::Int(r.stop)),
            (Value::Range(r), "step") => Some(Value::Int(r.step)),
            (Value::Slice(s), "start") => Some(s.start.clone()),
            (Value::Slice(s), "stop") => Some(s.stop.clone()),
            (Value::Slice(s), "step") => Some(s.step.clone()),
            (Value::Module(m), "__name__") => Some(Value::str(&*m.name)),
            (Value::Generator(g), "__name__") => Some(Value::str(&*g.name)),
            _ => None,
        })
    }

    pub fn setattr(&mut self, obj: &Value, name: &str, v: Value) -> PyResult<()> {
        match obj {
            Value::Instance(inst) => {
                let flags = inst.class.flags();
                let descr = if flags & crate::value::CLASS_HAS_DESCRIPTOR != 0 {
                    inst.class.lookup(name)
                } else {
                    None
                };
                if let Some(Value::Instance(d)) = descr {
                    if Rc::ptr_eq(&d.class, &types().property) {
                        let setter = d.get_attr("fset").unwrap_or(Value::None);
                        if setter.is_none() {
                            return Err(attribute_error(format!(
                                "property '{name}' of '{}' object has no setter",
                                inst.class.name
                            )));
                        }
                        self.call(&setter, vec![obj.clone(), v])?;
                        return Ok(());
                    }
                }
                if flags & crate::value::CLASS_HAS_SETATTR != 0 {
                    if let Some(sa @ Value::Function(_)) = inst.class.lookup("__setattr__") {
                        self.call(&sa, vec![obj.clone(), Value::str(name), v])?;
                        return Ok(());
                    }
                }
                if inst.class.builtin
                    && inst.exc().is_none()
                    && !inst.class.dict.borrow().contains_key("__dict__")
                {
                    // Native objects (sockets, locks) have no instance dict, as in CPython.
                    if native_without_dict(inst) {
                        return Err(attribute_error(format!(
                            "'{}' object has no attribute '{name}'",
                            inst.class.name
                        )));
                    }
                }
                if let Some(d) = inst.exc() {
                    if name == "args" {
                        d.borrow_mut().args = self.iterate(&v)?;
                        return Ok(());
                    }
                    if name == "__cause__" {
                        let mut d = d.borrow_mut();
                        d.cause = if v.is_none() { None } else { Some(v) };
                        d.suppress_context = true;
                        return Ok(());
                    }
                }
                let mut d = inst.dict.borrow_mut();
                match d.get_mut(name) {
                    Some(slot) => *slot = v,
                    None => {
                        d.insert(Rc::from(name), v);
                    }
                }
                Ok(())
            }
            Value::Class(c) => {
                if c.builtin {
                    return Err(type_error(format!(
                        "cannot set '{name}' attribute of immutable type '{}'",
                        c.name
                    )));
                }
                if let Value::Function(f) = &v {
                    *f.class.borrow_mut() = Some(c.clone());
                }
                c.flags.set(0);
                c.dict.borrow_mut().insert(Rc::from(name), v);
                Ok(())
            }
            Value::Module(m) => {
                m.globals.borrow_mut().set_str(name, v);
                Ok(())
            }
            Value::Function(f) => {
                if name == "__name__" {
                    if let Value::Str(s) = &v {
                        *f.name.borrow_mut() = Rc::from(s.as_str());
                    }
                    return Ok(());
                }
                f.dict.borrow_mut().insert(Rc::from(name), v);
                Ok(())
            }
            other => {
                let exists = types().class_of(other).lookup(name).is_some();
                Err(attribute_error(if exists {
                    format!(
                        "'{}' object attribute '{name}' is read-only",
                        other.type_name()
                    )
                } else {
                    format!("'{}' object has no attribute '{name}'", other.type_name())
                }))
            }
        }
    }

    pub fn delattr(&mut self, obj: &Value, name: &str) -> PyResult<()> {
        let removed = match obj {
            Value::Instance(i) => i.dict.borrow_mut().remove(name).is_some(),
            Value::Class(c) => c.dict.borrow_mut().remove(name).is_some(),
            Value::Module(m) => m
                .globals
                .borrow_mut()
                .remove(&Key::plain(Value::str(name)))
                .is_some(),
            _ => false,
        };
        if removed {
            Ok(())
        } else {
            Err(attribute_error(format!(
                "'{}' object has no attribute '{name}'",
                obj.type_name()
            )))
        }
    }

    /// For `LoadMethod`: the unbound method when `obj.name` is a plain method of its
    /// class (so no bound-method object is allocated), else `None`.
    pub fn lookup_method(&mut self, obj: &Value, name: &str) -> PyResult<Option<Value>> {
        match obj {
            Value::Instance(inst) => {
                if inst.dict.borrow().contains_key(name) || Rc::ptr_eq(&inst.class, &types().super_)
                {
                    return Ok(None);
                }
                match inst.class.lookup(name) {
                    Some(f @ (Value::Function(_) | Value::Native(_))) => Ok(Some(f)),
                    _ => Ok(None),
                }
            }
            Value::Module(_) | Value::Class(_) | Value::Function(_) => Ok(None),
            _ => match types().class_of(obj).lookup(name) {
                Some(f @ Value::Native(_)) => Ok(Some(f)),
                _ => Ok(None),
            },
        }
    }

    /// A special method looked up on the type, bound to `obj` (`__enter__`, `__exit__`).
    pub fn lookup_special(&mut self, obj: &Value, name: &str) -> Option<Value> {
        let cls = types().class_of(obj);
        let f = cls.lookup(name)?;
        Some(Value::BoundMethod(Rc::new(BoundMethod {
            receiver: obj.clone(),
            func: f,
        })))
    }

    // -----------------------------------------------------------------------------------
    // items

    pub fn getitem(&mut self, obj: &Value, idx: &Value) -> PyResult<Value> {
        if let Some(b) = base_unless(obj, &["__getitem__"]) {
            if let (Value::Dict(d), Value::Instance(i)) = (&b, obj) {
                // A dict subclass's `__missing__` answers for absent keys.
                if let Some(m) = i.class.lookup("__missing__") {
                    let k = self.dict_key(d, idx.clone())?;
                    let found = d.borrow().get(&k);
                    return match found {
                        Some(v) => Ok(v),
                        None => self.call(&m, vec![obj.clone(), idx.clone()]),
                    };
                }
            }
            return self.getitem(&b, idx);
        }
        if idx.int_enum().is_some() && !matches!(obj, Value::Instance(_)) {
            return self.getitem(obj, &idx.unenum());
        }
        match obj {
            Value::List(l) => match idx {
                Value::Int(_) | Value::Bool(_) => {
                    let l = l.borrow();
                    let i = norm_index(idx.as_i64().unwrap_or(0), l.len())
                        .ok_or_else(|| index_error("list index out of range"))?;
                    Ok(l[i].clone())
                }
                Value::Slice(s) => {
                    let items = l.borrow().clone();
                    let (start, _, step, n) = slice_indices(self, s, items.len())?;
                    Ok(Value::list(slice_pick(&items, start, step, n)))
                }
                other => Err(type_error(format!(
                    "list indices must be integers or slices, not {}",
                    other.type_name()
                ))),
            },
            Value::Tuple(t) => match idx {
                Value::Int(_) | Value::Bool(_) => {
                    let i = norm_index(idx.as_i64().unwrap_or(0), t.len())
                        .ok_or_else(|| index_error("tuple index out of range"))?;
                    Ok(t[i].clone())
                }
                Value::Slice(s) => {
                    let (start, _, step, n) = slice_indices(self, s, t.len())?;
                    Ok(Value::tuple(slice_pick(t, start, step, n)))
                }
                other => Err(type_error(format!(
                    "tuple indices must be integers or slices, not {}",
                    other.type_name()
                ))),
            },
            Value::Str(s) => match idx {
                Value::Int(_) | Value::Bool(_) => {
                    let i = norm_index(idx.as_i64().unwrap_or(0), s.char_len())
                        .ok_or_else(|| index_error("string index out of range"))?;
                    Ok(Value::str(
                        s.char_at(i).map(String::from).unwrap_or_default(),
                    ))
                }
                Value::Slice(sl) => {
                    let (start, _, step, n) = slice_indices(self, sl, s.char_len())?;
                    if step == 1 {
                        return Ok(Value::str(s.substr(start as usize, start as usize + n)));
                    }
                    let chars: Vec<char> = s.as_str().chars().collect();
                    Ok(Value::str(
                        slice_pick(&chars, start, step, n)
                            .into_iter()
                            .collect::<String>(),
                    ))
                }
                other => Err(type_error(format!(
                    "string indices must be integers, not '{}'",
                    other.type_name()
                ))),
            },
            Value::Bytes(_) | Value::ByteArray(_) => {
                let b = crate::builtins::arg_bytes_like(obj)?;
                match idx {
                    Value::Int(_) | Value::Bool(_) => {
                        let i =
                            norm_index(idx.as_i64().unwrap_or(0), b.len()).ok_or_else(|| {
                                index_error(if matches!(obj, Value::Bytes(_)) {
                                    "index out of range"
                                } else {
                                    "bytearray index out of range"
                                })
                            })?;
                        Ok(Value::Int(b[i] as i64))
                    }
                    Value::Slice(s) => {
                        let (start, _, step, n) = slice_indices(self, s, b.len())?;
                        let v = slice_pick(&b, start, step, n);
                        Ok(if matches!(obj, Value::Bytes(_)) {
                            Value::bytes(v)
                        } else {
                            Value::ByteArray(Rc::new(RefCell::new(v)))
                        })
                    }
                    other => Err(type_error(format!(
                        "{} indices must be integers or slices, not {}",
                        if matches!(obj, Value::Bytes(_)) {
                            "byte"
                        } else {
                            "bytearray"
                        },
                        other.type_name()
                    ))),
                }
            }
            Value::Range(r) => match idx {
                Value::Int(_) | Value::Bool(_) => {
                    let i = norm_index(idx.as_i64().unwrap_or(0), r.len())
                        .ok_or_else(|| index_error("range object index out of range"))?;
                    Ok(Value::Int(r.get(i)))
                }
                Value::Slice(s) => {
                    let (start, _, step, n) = slice_indices(self, s, r.len())?;
                    let nstart = r.start + start * r.step;
                    let nstep = r.step * step;
                    Ok(Value::Range(Rc::new(RangeObj {
                        start: nstart,
                        stop: nstart + nstep * n as i64,
                        step: nstep,
                    })))
                }
                other => Err(type_error(format!(
                    "range indices must be integers or slices, not {}",
                    other.type_name()
                ))),
            },
            Value::Dict(d) => {
                let k = self.dict_key(d, idx.clone())?;
                let found = d.borrow().get(&k);
                match found {
                    Some(v) => Ok(v),
                    None => Err(crate::exc::key_error(idx.clone())),
                }
            }
            Value::Instance(i) => match i.class.lookup("__getitem__") {
                Some(m) => self.call(&m, vec![obj.clone(), idx.clone()]),
                None => Err(type_error(format!(
                    "'{}' object is not subscriptable",
                    obj.type_name()
                ))),
            },
            Value::Class(c) if c.lookup("__class_getitem__").is_some() || c.builtin => {
                Ok(obj.clone())
            }
            other => Err(type_error(format!(
                "'{}' object is not subscriptable",
                other.type_name()
            ))),
        }
    }

    pub fn setitem(&mut self, obj: &Value, idx: Value, v: Value) -> PyResult<()> {
        if let Some(b) = base_unless(obj, &["__setitem__"]) {
            return self.setitem(&b, idx, v);
        }
        if idx.int_enum().is_some() && !matches!(obj, Value::Instance(_)) {
            return self.setitem(obj, idx.unenum(), v);
        }
        match obj {
            Value::List(l) => match &idx {
                Value::Int(_) | Value::Bool(_) => {
                    let mut l = l.borrow_mut();
                    let n = l.len();
                    let i = norm_index(idx.as_i64().unwrap_or(0), n)
                        .ok_or_else(|| index_error("list assignment index out of range"))?;
                    l[i] = v;
                    Ok(())
                }
                Value::Slice(s) => {
                    let items = self.iterate(&v)?;
                    let len = l.borrow().len();
                    let (start, stop, step, n) = slice_indices(self, s, len)?;
                    let mut l = l.borrow_mut();
                    if step == 1 {
                        let stop = stop.max(start) as usize;
                        l.splice(start as usize..stop, items);
                        Ok(())
                    } else if items.len() != n {
                        Err(value_error(format!(
                            "attempt to assign sequence of size {} to extended slice of size {n}",
                            items.len()
                        )))
                    } else {
                        let mut i = start;
                        for it in items {
                            l[i as usize] = it;
                            i += step;
                        }
                        Ok(())
                    }
                }
                other => Err(type_error(format!(
                    "list indices must be integers or slices, not {}",
                    other.type_name()
                ))),
            },
            Value::Dict(d) => {
                let k = self.dict_key(d, idx)?;
                d.borrow_mut().insert(k, v);
                Ok(())
            }
            Value::ByteArray(b) => match &idx {
                Value::Int(_) | Value::Bool(_) => {
                    let byte = match v.as_i64() {
                        Some(x) if (0..256).contains(&x) => x as u8,
                        Some(_) => return Err(value_error("byte must be in range(0, 256)")),
                        None => {
                            return Err(type_error(format!(
                                "'{}' object cannot be interpreted as an integer",
                                v.type_name()
                            )))
                        }
                    };
                    let mut b = b.borrow_mut();
                    let n = b.len();
                    let i = norm_index(idx.as_i64().unwrap_or(0), n)
                        .ok_or_else(|| index_error("bytearray index out of range"))?;
                    b[i] = byte;
                    Ok(())
                }
                Value::Slice(s) => {
                    let items = match &v {
                        Value::Bytes(_) | Value::ByteArray(_) => crate::builtins::arg_bytes_like(&v)?,
                        Value::Int(_) | Value::Str(_) | Value::None | Value::Float(_) => {
                            return Err(type_error(
                                "can assign only bytes, buffers, or iterables of ints in range(0, 256)",
                            ))
                        }
                        other => {
                            let mut out = Vec::new();
                            for x in self.iterate(other)? {
                                match x.as_i64() {
                                    Some(n) if (0..256).contains(&n) => out.push(n as u8),
                                    Some(_) => return Err(value_error("byte must be in range(0, 256)")),
                                    None => {
                                        return Err(type_error(format!(
                                            "'{}' object cannot be interpreted as an integer",
                                            x.type_name()
                                        )))
                                    }
                                }
                            }
                            out
                        }
                    };
                    let len = b.borrow().len();
                    let (start, stop, _, _) = slice_indices(self, s, len)?;
                    b.borrow_mut()
                        .splice(start as usize..stop.max(start) as usize, items);
                    Ok(())
                }
                other => Err(type_error(format!(
                    "bytearray indices must be integers or slices, not {}",
                    other.type_name()
                ))),
            },
            Value::Instance(i) => match i.class.lookup("__setitem__") {
                Some(m) => self.call(&m, vec![obj.clone(), idx, v]).map(|_| ()),
                None => Err(type_error(format!(
                    "'{}' object does not support item assignment",
                    obj.type_name()
                ))),
            },
            other => Err(type_error(format!(
                "'{}' object does not support item assignment",
                other.type_name()
            ))),
        }
    }

    pub fn delitem(&mut self, obj: &Value, idx: &Value) -> PyResult<()> {
        if let Some(b) = base_unless(obj, &["__delitem__"]) {
            return self.delitem(&b, idx);
        }
        if idx.int_enum().is_some() && !matches!(obj, Value::Instance(_)) {
            return self.delitem(obj, &idx.unenum());
        }
        match obj {
            Value::List(l) => match idx {
                Value::Int(_) | Value::Bool(_) => {
                    let mut l = l.borrow_mut();
                    let n = l.len();
                    let i = norm_index(idx.as_i64().unwrap_or(0), n)
                        .ok_or_else(|| index_error("list assignment index out of range"))?;
                    l.remove(i);
                    Ok(())
                }
                Value::Slice(s) => {
                    let len = l.borrow().len();
                    let (start, _, step, n) = slice_indices(self, s, len)?;
                    let mut idxs: Vec<usize> =
                        (0..n).map(|k| (start + step * k as i64) as usize).collect();
                    idxs.sort_unstable();
                    let mut l = l.borrow_mut();
                    for i in idxs.into_iter().rev() {
                        l.remove(i);
                    }
                    Ok(())
                }
                other => Err(type_error(format!(
                    "list indices must be integers or slices, not {}",
                    other.type_name()
                ))),
            },
            Value::Dict(d) => {
                let k = self.dict_key(d, idx.clone())?;
                match d.borrow_mut().remove(&k) {
                    Some(_) => Ok(()),
                    None => Err(crate::exc::key_error(idx.clone())),
                }
            }
            Value::ByteArray(_) => {
                let m = types()
                    .bytearray
                    .lookup("__delitem__")
                    .expect("bytearray.__delitem__");
                self.call(&m, vec![obj.clone(), idx.clone()]).map(|_| ())
            }
            Value::Instance(i) => match i.class.lookup("__delitem__") {
                Some(m) => self.call(&m, vec![obj.clone(), idx.clone()]).map(|_| ()),
                None => Err(type_error(format!(
                    "'{}' object does not support item deletion",
                    obj.type_name()
                ))),
            },
            other => Err(type_error(format!(
                "'{}' object doesn't support item deletion",
                other.type_name()
            ))),
        }
    }

    // -----------------------------------------------------------------------------------
    // iteration

    pub fn get_iter(&mut self, v: &Value) -> PyResult<Value> {
        if let Some(b) = base_unless(v, &["__iter__"]) {
            return self.get_iter(&b);
        }
        let st = match v {
            Value::List(_)
            | Value::Tuple(_)
            | Value::Str(_)
            | Value::Bytes(_)
            | Value::ByteArray(_) => IterState::Seq {
                seq: v.clone(),
                pos: 0,
            },
            Value::Range(r) => IterState::Range {
                next: r.start,
                stop: r.stop,
                step: r.step,
            },
            Value::Dict(d) => {
                let len = d.borrow().len();
                IterState::Dict {
                    dict: d.clone(),
                    pos: 0,
                    len,
                    part: DictPart::Keys,
                }
            }
            Value::Set(s) => IterState::Values {
                items: s.borrow().iter().map(|k| k.0.clone()).collect(),
                pos: 0,
            },
            Value::FrozenSet(s) => IterState::Values {
                items: s.iter().map(|k| k.0.clone()).collect(),
                pos: 0,
            },
            Value::Iterator(_) | Value::Generator(_) => return Ok(v.clone()),
            Value::Instance(i) => {
                if let Some(m) = i.class.lookup("__iter__") {
                    let it = self.call(&m, vec![v.clone()])?;
                    return Ok(it);
                }
                if i.class.lookup("__getitem__").is_some() {
                    // The old sequence protocol: index from 0 until IndexError.
                    let mut items = Vec::new();
                    for k in 0.. {
                        match self.getitem(v, &Value::Int(k)) {
                            Ok(x) => items.push(x),
                            Err(e) if e.is("IndexError") || e.is("StopIteration") => break,
                            Err(e) => return Err(e),
                        }
                    }
                    return Ok(Value::Iterator(Rc::new(RefCell::new(IterState::Values {
                        items,
                        pos: 0,
                    }))));
                }
                return Err(type_error(format!(
                    "'{}' object is not iterable",
                    v.type_name()
                )));
            }
            other => {
                return Err(type_error(format!(
                    "'{}' object is not iterable",
                    other.type_name()
                )))
            }
        };
        Ok(Value::Iterator(Rc::new(RefCell::new(st))))
    }

    /// The next item of an iterator, `None` when exhausted.
    pub fn next_value(&mut self, it: &Value) -> PyResult<Option<Value>> {
        match it {
            Value::Iterator(st) => {
                // Map/filter/zip/enumerate need the VM, so take their parts out first.
                let special = {
                    let s = st.borrow();
                    match &*s {
                        IterState::Enumerate { inner, count } => {
                            Some((1u8, vec![inner.clone()], Value::Int(*count)))
                        }
                        IterState::Zip { inners } => Some((2, inners.clone(), Value::None)),
                        IterState::Map { func, inners } => Some((3, inners.clone(), func.clone())),
                        IterState::Filter { func, inner } => {
                            Some((4, vec![inner.clone()], func.clone()))
                        }
                        _ => None,
                    }
                };
                if let Some((kind, inners, extra)) = special {
                    return self.next_composite(st, kind, inners, extra);
                }
                let mut s = st.borrow_mut();
                Ok(match &mut *s {
                    IterState::Seq { seq, pos } => {
                        let i = *pos;
                        let v = match seq {
                            Value::List(l) => l.borrow().get(i).cloned(),
                            Value::Tuple(t) => t.get(i).cloned(),
                            Value::Str(st) => {
                                if st.is_ascii() {
                                    st.as_str()
                                        .as_bytes()
                                        .get(i)
                                        .map(|b| Value::str((*b as char).to_string()))
                                } else {
                                    // Track a byte offset would be faster; strings are short.
                                    st.char_at(i).map(|c| Value::str(c.to_string()))
                                }
                            }
                            Value::Bytes(b) => b.get(i).map(|x| Value::Int(*x as i64)),
                            Value::ByteArray(b) => b.borrow().get(i).map(|x| Value::Int(*x as i64)),
                            _ => None,
                        };
                        if v.is_some() {
                            *pos += 1;
                        }
                        v
                    }
                    IterState::Range { next, stop, step } => {
                        let n = *next;
                        if (*step > 0 && n < *stop) || (*step < 0 && n > *stop) {
                            *next = n + *step;
                            Some(Value::Int(n))
                        } else {
                            None
                        }
                    }
                    IterState::Dict {
                        dict,
                        pos,
                        len,
                        part,
                    } => {
                        let d = dict.borrow();
                        if d.len() != *len {
                            drop(d);
                            *s = IterState::Exhausted;
                            return Err(new_exc(
                                "RuntimeError",
                                "dictionary changed size during iteration",
                            ));
                        }
                        let e = d.entry_at(*pos);
                        *pos += 1;
                        e.map(|(k, v)| match part {
                            DictPart::Keys => k,
                            DictPart::Values => v,
                            DictPart::Items => Value::tuple(vec![k, v]),
                        })
                    }
                    IterState::Values { items, pos } => {
                        let v = items.get(*pos).cloned();
                        if v.is_some() {
                            *pos += 1;
                        }
                        v
                    }
                    _ => None,
                })
            }
            Value::Generator(g) => match self.gen_next_nested(g, Value::None) {
                Ok(v) => Ok(Some(v)),
                Err(e) if e.is("StopIteration") => Ok(None),
                Err(e) => Err(e),
            },
            Value::Instance(i) => match i.class.lookup("__next__") {
                Some(m) => match self.call(&m, vec![it.clone()]) {
                    Ok(v) => Ok(Some(v)),
                    Err(e) if e.is("StopIteration") => Ok(None),
                    Err(e) => Err(e),
                },
                None => Err(type_error(format!(
                    "'{}' object is not an iterator",
                    it.type_name()
                ))),
            },
            other => Err(type_error(format!(
                "'{}' object is not an iterator",
                other.type_name()
            ))),
        }
    }

    fn next_composite(
        &mut self,
        st: &Rc<RefCell<IterState>>,
        kind: u8,
        inners: Vec<Value>,
        extra: Value,
    ) -> PyResult<Option<Value>> {
        match kind {
            1 => {
                let Some(v) = self.next_value(&inners[0])? else {
                    return Ok(None);
                };
                let n = extra.as_i64().unwrap_or(0);
                if let IterState::Enumerate { count, .. } = &mut *st.borrow_mut() {
                    *count += 1;
                }
                Ok(Some(Value::tuple(vec![Value::Int(n), v])))
            }
            2 => {
                if inners.is_empty() {
                    return Ok(None);
                }
                let mut out = Vec::with_capacity(inners.len());
                for it in &inners {
                    match self.next_value(it)? {
                        Some(v) => out.push(v),
                        None => return Ok(None),
                    }
                }
                Ok(Some(Value::tuple(out)))
            }
            3 => {
                let mut args = Vec::with_capacity(inners.len());
                for it in &inners {
                    match self.next_value(it)? {
                        Some(v) => args.push(v),
                        None => return Ok(None),
                    }
                }
                self.call(&extra, args).map(Some)
            }
            _ => loop {
                let Some(v) = self.next_value(&inners[0])? else {
                    return Ok(None);
                };
                let keep = if extra.is_none() {
                    self.truthy(&v)?
                } else {
                    let r = self.call(&extra, vec![v.clone()])?;
                    self.truthy(&r)?
                };
                if keep {
                    return Ok(Some(v));
                }
            },
        }
    }

    /// Collect any iterable.
    pub fn iterate(&mut self, v: &Value) -> PyResult<Vec<Value>> {
        if let Some(b) = base_unless(v, &["__iter__"]) {
            return self.iterate(&b);
        }
        match v {
            Value::List(l) => Ok(l.borrow().clone()),
            Value::Tuple(t) => Ok(t.to_vec()),
            Value::Dict(d) => Ok(d.borrow().keys()),
            Value::Set(s) => Ok(s.borrow().iter().map(|k| k.0.clone()).collect()),
            Value::Range(r) => Ok((0..r.len()).map(|i| Value::Int(r.get(i))).collect()),
            _ => {
                let it = self.get_iter(v)?;
                let mut out = Vec::new();
                while let Some(x) = self.next_value(&it)? {
                    out.push(x);
                }
                Ok(out)
            }
        }
    }

    /// Unpack exactly `n` items (`a, b = x`).
    pub fn unpack(&mut self, v: &Value, n: usize) -> PyResult<Vec<Value>> {
        let items = match v {
            Value::Tuple(t) => t.to_vec(),
            Value::List(l) => l.borrow().clone(),
            other => {
                if matches!(
                    other,
                    Value::Int(_) | Value::Float(_) | Value::None | Value::Bool(_)
                ) {
                    return Err(type_error(format!(
                        "cannot unpack non-iterable {} object",
                        other.type_name()
                    )));
                }
                self.iterate(other)?
            }
        };
        if items.len() < n {
            return Err(value_error(format!(
                "not enough values to unpack (expected {n}, got {})",
                items.len()
            )));
        }
        if items.len() > n {
            return Err(value_error(format!(
                "too many values to unpack (expected {n})"
            )));
        }
        Ok(items)
    }

    /// `len(v)`.
    pub fn len(&mut self, v: &Value) -> PyResult<usize> {
        if let Some(b) = base_unless(v, &["__len__"]) {
            return self.len(&b);
        }
        Ok(match v {
            Value::Str(s) => s.char_len(),
            Value::Bytes(b) => b.len(),
            Value::ByteArray(b) => b.borrow().len(),
            Value::List(l) => l.borrow().len(),
            Value::Tuple(t) => t.len(),
            Value::Dict(d) => d.borrow().len(),
            Value::Set(s) => s.borrow().len(),
            Value::FrozenSet(s) => s.len(),
            Value::Range(r) => r.len(),
            Value::Instance(i) if i.class.lookup("__len__").is_some() => {
                let m = i.class.lookup("__len__").expect("len");
                let r = self.call(&m, vec![v.clone()])?;
                match r.as_i64() {
                    Some(n) if n >= 0 => n as usize,
                    Some(_) => return Err(value_error("__len__() should return >= 0")),
                    None => {
                        return Err(type_error(format!(
                            "'{}' object cannot be interpreted as an integer",
                            r.type_name()
                        )))
                    }
                }
            }
            other => {
                return Err(type_error(format!(
                    "object of type '{}' has no len()",
                    other.type_name()
                )))
            }
        })
    }

    // -----------------------------------------------------------------------------------
    // repr / str / format

    pub fn repr(&mut self, v: &Value) -> PyResult<String> {
        if let Some(b) = base_unless(v, &["__repr__"]) {
            // A set subclass shows its class: `St({1, 2})`, `St()`.
            if let Value::Set(_) | Value::FrozenSet(_) = &b {
                let name = v.type_name();
                if self.len(&b)? == 0 {
                    return Ok(format!("{name}()"));
                }
                let inner = match &b {
                    Value::FrozenSet(f) => Value::Set(Rc::new(RefCell::new((**f).clone()))),
                    _ => b.clone(),
                };
                return Ok(format!("{name}({})", self.repr(&inner)?));
            }
            return self.repr(&b);
        }
        Ok(match v {
            Value::None
            | Value::Bool(_)
            | Value::Int(_)
            | Value::Long(_)
            | Value::Float(_)
            | Value::Str(_)
            | Value::Bytes(_) => repr_plain(v),
            Value::ByteArray(b) => crate::text::repr::bytearray_repr(&b.borrow()),
            Value::List(l) => {
                if self.repr_enter(v) {
                    return Ok("[...]".into());
                }
                let items = l.borrow().clone();
                let r = self.repr_items(&items);
                self.repr_leave();
                format!("[{}]", r?)
            }
            Value::Tuple(t) => {
                let r = self.repr_items(t)?;
                if t.len() == 1 {
                    format!("({r},)")
                } else {
                    format!("({r})")
                }
            }
            Value::Dict(d) => {
                if self.repr_enter(v) {
                    return Ok("{...}".into());
                }
                let items = d.borrow().items();
                let mut parts = Vec::with_capacity(items.len());
                for (k, val) in items {
                    let kr = self.repr(&k);
                    let vr = self.repr(&val);
                    match (kr, vr) {
                        (Ok(k), Ok(v)) => parts.push(format!("{k}: {v}")),
                        (Err(e), _) | (_, Err(e)) => {
                            self.repr_leave();
                            return Err(e);
                        }
                    }
                }
                self.repr_leave();
                format!("{{{}}}", parts.join(", "))
            }
            Value::Set(s) => {
                let items: Vec<Value> = s.borrow().iter().map(|k| k.0.clone()).collect();
                if items.is_empty() {
                    "set()".into()
                } else {
                    format!("{{{}}}", self.repr_items(&items)?)
                }
            }
            Value::FrozenSet(s) => {
                let items: Vec<Value> = s.iter().map(|k| k.0.clone()).collect();
                if items.is_empty() {
                    "frozenset()".into()
                } else {
                    format!("frozenset({{{}}})", self.repr_items(&items)?)
                }
            }
            Value::Range(r) => {
                if r.step == 1 {
                    format!("range({}, {})", r.start, r.stop)
                } else {
                    format!("range({}, {}, {})", r.start, r.stop, r.step)
                }
            }
            Value::Slice(s) => format!(
                "slice({}, {}, {})",
                self.repr(&s.start)?,
                self.repr(&s.stop)?,
                self.repr(&s.step)?
            ),
            Value::Function(f) => format!("<function {} at 0x{:012x}>", f.qualname, v.id()),
            Value::Native(n) => {
                if n.owner.is_empty() {
                    format!("<built-in function {}>", n.name)
                } else {
                    format!("<method '{}' of '{}' objects>", n.name, n.owner)
                }
            }
            Value::BoundMethod(b) => match &b.func {
                Value::Native(n) => format!(
                    "<built-in method {} of {} object at 0x{:012x}>",
                    n.name,
                    b.receiver.type_name(),
                    b.receiver.id()
                ),
                Value::Function(f) => {
                    let r = self.repr(&b.receiver)?;
                    format!("<bound method {} of {}>", f.qualname, r)
                }
                _ => "<bound method>".into(),
            },
            Value::Class(c) => format!("<class '{}'>", c.full_name()),
            Value::Module(m) => {
                if matches!(&*m.name, "sys" | "builtins" | "time" | "select") {
                    format!("<module '{}' (built-in)>", m.name)
                } else {
                    format!("<module '{}'>", m.name)
                }
            }
            Value::Generator(g) => {
                format!("<generator object {} at 0x{:012x}>", g.qualname, v.id())
            }
            Value::Iterator(_) => format!("<{} object at 0x{:012x}>", v.type_name(), v.id()),
            Value::Ellipsis => "Ellipsis".into(),
            Value::NotImplemented => "NotImplemented".into(),
            Value::Instance(i) => {
                let m = i.class.lookup("__repr__");
                match m {
                    Some(m) => {
                        let r = self.call(&m, vec![v.clone()])?;
                        match r {
                            Value::Str(s) => s.as_str().to_string(),
                            other => {
                                return Err(type_error(format!(
                                    "__repr__ returned non-string (type {})",
                                    other.type_name()
                                )))
                            }
                        }
                    }
                    None => self.default_repr(v),
                }
            }
        })
    }

    /// `<__main__.Foo object at 0x...>` or an exception's `ValueError('x')`.
    pub fn default_repr(&mut self, v: &Value) -> String {
        match v {
            Value::Instance(i) => {
                if let Some(d) = i.exc() {
                    let args = d.borrow().args.clone();
                    let r = self.repr_items(&args).unwrap_or_default();
                    return format!("{}({})", i.class.name, r);
                }
                format!("<{} object at 0x{:012x}>", i.class.full_name(), v.id())
            }
            other => repr_plain(other),
        }
    }

    fn repr_items(&mut self, items: &[Value]) -> PyResult<String> {
        let mut parts = Vec::with_capacity(items.len());
        for it in items {
            parts.push(self.repr(it)?);
        }
        Ok(parts.join(", "))
    }

    fn repr_enter(&mut self, v: &Value) -> bool {
        let id = v.id();
        if self.repr_guard.contains(&id) {
            return true;
        }
        self.repr_guard.push(id);
        false
    }

    fn repr_leave(&mut self) {
        self.repr_guard.pop();
    }

    /// `str(v)`.
    pub fn str(&mut self, v: &Value) -> PyResult<String> {
        if let Some(b) = base_unless(v, &["__str__", "__repr__"]) {
            if let Value::Set(_) | Value::FrozenSet(_) = &b {
                return self.repr(v);
            }
            return self.str(&b);
        }
        match v {
            Value::Str(s) => Ok(s.as_str().to_string()),
            Value::Instance(i) => {
                let m = i.class.lookup("__str__");
                match m {
                    Some(m @ Value::Function(_)) => {
                        let r = self.call(&m, vec![v.clone()])?;
                        match r {
                            Value::Str(s) => Ok(s.as_str().to_string()),
                            other => Err(type_error(format!(
                                "__str__ returned non-string (type {})",
                                other.type_name()
                            ))),
                        }
                    }
                    Some(Value::Native(n)) => {
                        let r = (n.func)(self, crate::builtins::Args::new(vec![v.clone()]))?;
                        Ok(r.as_str().unwrap_or("").to_string())
                    }
                    _ => {
                        if i.exc().is_some() {
                            let inst = i.clone();
                            return self.exc_str(&inst);
                        }
                        self.repr(v)
                    }
                }
            }
            other => self.repr(other),
        }
    }

    /// `str(exc)` using the VM for the args' str/repr.
    pub fn exc_str(&mut self, inst: &Rc<crate::value::Instance>) -> PyResult<String> {
        // Args are mostly plain values; instances fall back to the VM.
        let args = inst
            .exc()
            .map(|d| d.borrow().args.clone())
            .unwrap_or_default();
        if args.iter().any(|a| matches!(a, Value::Instance(_))) && args.len() == 1 {
            return self.str(&args[0]);
        }
        Ok(crate::exc::exc_str_plain(inst))
    }

    /// `ascii(v)`.
    pub fn ascii(&mut self, v: &Value) -> PyResult<String> {
        let r = self.repr(v)?;
        let mut out = String::with_capacity(r.len());
        for c in r.chars() {
            let n = c as u32;
            if n < 0x80 {
                out.push(c);
            } else if n < 0x100 {
                out.push_str(&format!("\\x{n:02x}"));
            } else if n < 0x10000 {
                out.push_str(&format!("\\u{n:04x}"));
            } else {
                out.push_str(&format!("\\U{n:08x}"));
            }
        }
        Ok(out)
    }

    /// `format(v, spec)`.
    pub fn format(&mut self, v: &Value, spec: &str) -> PyResult<String> {
        if let Some(b) = base_unless(v, &["__format__"]) {
            // str, int, float format their value (an empty spec is `str()`, which may be
            // the class's own); containers go through str().
            if spec.is_empty() {
                return self.str(v);
            }
            if matches!(
                b,
                Value::Str(_) | Value::Int(_) | Value::Long(_) | Value::Float(_)
            ) {
                return self.format(&b, spec);
            }
        }
        if let Value::Instance(i) = v {
            if let Some(m @ Value::Function(_)) = i.class.lookup("__format__") {
                let r = self.call(&m, vec![v.clone(), Value::str(spec)])?;
                return Ok(r.as_str().unwrap_or("").to_string());
            }
        }
        if spec.is_empty() {
            return self.str(v);
        }
        crate::format::format_value(self, &v.unenum(), spec)
    }
}

fn native_without_dict(inst: &crate::value::Instance) -> bool {
    matches!(inst.payload, crate::value::Payload::Native(_))
}

fn set_items(v: &Value) -> crate::value::Set {
    match v {
        Value::Set(s) => s.borrow().clone(),
        Value::FrozenSet(s) => (**s).clone(),
        _ => crate::value::Set::new(),
    }
}

/// Normalise a possibly negative index.
pub fn norm_index(i: i64, len: usize) -> Option<usize> {
    let len = len as i64;
    let j = if i < 0 { i + len } else { i };
    if j < 0 || j >= len {
        None
    } else {
        Some(j as usize)
    }
}

fn int_binop(op: BinOp, a: &Value, b: &Value) -> PyResult<Value> {
    if let (Value::Bool(x), Value::Bool(y)) = (a, b) {
        match op {
            BinOp::BitAnd => return Ok(Value::Bool(*x & *y)),
            BinOp::BitOr => return Ok(Value::Bool(*x | *y)),
            BinOp::BitXor => return Ok(Value::Bool(*x ^ *y)),
            _ => {}
        }
    }
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        if let Some(v) = int_fast(op, x, y) {
            return Ok(v);
        }
        match op {
            BinOp::Div => {
                if y == 0 {
                    return Err(crate::exc::zero_division("division by zero"));
                }
                if x.unsigned_abs() < (1 << 53) && y.unsigned_abs() < (1 << 53) {
                    return Ok(Value::Float(x as f64 / y as f64));
                }
            }
            BinOp::LShift if (0..64).contains(&y) => {
                if let Some(r) = x.checked_mul(1i64.checked_shl(y as u32).unwrap_or(0)) {
                    if y < 63 && (x << y) >> y == x {
                        return Ok(Value::Int(r));
                    }
                }
            }
            BinOp::RShift if y >= 0 => {
                return Ok(Value::Int(if y >= 64 {
                    if x < 0 {
                        -1
                    } else {
                        0
                    }
                } else {
                    x >> y
                }))
            }
            _ => {}
        }
    }
    let x = a.as_bigint().expect("int");
    let y = b.as_bigint().expect("int");
    Ok(match op {
        BinOp::Add => Value::from_bigint(x + y),
        BinOp::Sub => Value::from_bigint(x - y),
        BinOp::Mult => Value::from_bigint(x * y),
        BinOp::FloorDiv => {
            if y.is_zero() {
                return Err(crate::exc::zero_division(
                    "integer division or modulo by zero",
                ));
            }
            Value::from_bigint(x.div_floor(&y))
        }
        BinOp::Mod => {
            if y.is_zero() {
                return Err(crate::exc::zero_division("integer modulo by zero"));
            }
            Value::from_bigint(x.mod_floor(&y))
        }
        BinOp::Div => {
            if y.is_zero() {
                return Err(crate::exc::zero_division("division by zero"));
            }
            let (q, r) = x.div_rem(&y);
            let qf = q.to_f64().unwrap_or(f64::INFINITY);
            let rf = r.to_f64().unwrap_or(0.0) / y.to_f64().unwrap_or(f64::INFINITY);
            let f = qf + rf;
            if f.is_infinite() {
                return Err(crate::exc::overflow_error(
                    "integer division result too large for a float",
                ));
            }
            Value::Float(f)
        }
        BinOp::Pow => {
            if y.is_negative() {
                let xf = x.to_f64().unwrap_or(f64::INFINITY);
                if xf == 0.0 {
                    return Err(crate::exc::zero_division(
                        "0.0 cannot be raised to a negative power",
                    ));
                }
                Value::Float(xf.powf(y.to_f64().unwrap_or(f64::NEG_INFINITY)))
            } else {
                let e = y
                    .to_u64()
                    .ok_or_else(|| crate::exc::overflow_error("exponent too large"))?;
                Value::from_bigint(int_pow(&x, e))
            }
        }
        BinOp::LShift => {
            if y.is_negative() {
                return Err(value_error("negative shift count"));
            }
            let s = y
                .to_usize()
                .ok_or_else(|| crate::exc::overflow_error("too many digits in integer"))?;
            Value::from_bigint(x << s)
        }
        BinOp::RShift => {
            if y.is_negative() {
                return Err(value_error("negative shift count"));
            }
            let s = y.to_usize().unwrap_or(usize::MAX);
            Value::from_bigint(x >> s.min(1 << 20))
        }
        BinOp::BitAnd => Value::from_bigint(x & y),
        BinOp::BitOr => Value::from_bigint(x | y),
        BinOp::BitXor => Value::from_bigint(x ^ y),
        BinOp::MatMult => {
            return Err(type_error(
                "unsupported operand type(s) for @: 'int' and 'int'".to_string(),
            ))
        }
    })
}

fn float_binop(op: BinOp, x: f64, y: f64) -> PyResult<Value> {
    Ok(Value::Float(match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mult => x * y,
        BinOp::Div => {
            if y == 0.0 {
                return Err(crate::exc::zero_division("float division by zero"));
            }
            x / y
        }
        BinOp::FloorDiv => {
            if y == 0.0 {
                return Err(crate::exc::zero_division("float floor division by zero"));
            }
            (x / y).floor()
        }
        BinOp::Mod => {
            if y == 0.0 {
                return Err(crate::exc::zero_division("float modulo"));
            }
            let r = x % y;
            if r != 0.0 && ((r < 0.0) != (y < 0.0)) {
                r + y
            } else if r == 0.0 {
                0.0f64.copysign(y)
            } else {
                r
            }
        }
        BinOp::Pow => {
            if x == 0.0 && y < 0.0 {
                return Err(crate::exc::zero_division(
                    "0.0 cannot be raised to a negative power",
                ));
            }
            let r = x.powf(y);
            if r.is_infinite() && x.is_finite() && y.is_finite() {
                return Err(new_exc(
                    "OverflowError",
                    "(34, 'Numerical result out of range')",
                ));
            }
            r
        }
        _ => {
            return Err(type_error(format!(
                "unsupported operand type(s) for {}: 'float' and 'float'",
                op.symbol()
            )))
        }
    }))
}

fn dunder_names(op: BinOp) -> (&'static str, &'static str, &'static str) {
    match op {
        BinOp::Add => ("__add__", "__radd__", "__iadd__"),
        BinOp::Sub => ("__sub__", "__rsub__", "__isub__"),
        BinOp::Mult => ("__mul__", "__rmul__", "__imul__"),
        BinOp::MatMult => ("__matmul__", "__rmatmul__", "__imatmul__"),
        BinOp::Div => ("__truediv__", "__rtruediv__", "__itruediv__"),
        BinOp::FloorDiv => ("__floordiv__", "__rfloordiv__", "__ifloordiv__"),
        BinOp::Mod => ("__mod__", "__rmod__", "__imod__"),
        BinOp::Pow => ("__pow__", "__rpow__", "__ipow__"),
        BinOp::LShift => ("__lshift__", "__rlshift__", "__ilshift__"),
        BinOp::RShift => ("__rshift__", "__rrshift__", "__irshift__"),
        BinOp::BitOr => ("__or__", "__ror__", "__ior__"),
        BinOp::BitXor => ("__xor__", "__rxor__", "__ixor__"),
        BinOp::BitAnd => ("__and__", "__rand__", "__iand__"),
    }
}

fn binop_error(op: BinOp, a: &Value, b: &Value, inplace: bool) -> PyErr {
    let sym = if inplace {
        match op {
            BinOp::Pow => "**=".to_string(),
            _ => format!("{}=", op.symbol()),
        }
    } else {
        op.symbol().to_string()
    };
    type_error(format!(
        "unsupported operand type(s) for {sym}: '{}' and '{}'",
        a.type_name(),
        b.type_name()
    ))
}

fn unary_error(op: UnaryOp, v: &Value) -> PyErr {
    let sym = match op {
        UnaryOp::Neg => "-",
        UnaryOp::Pos => "+",
        UnaryOp::Invert => "~",
        UnaryOp::Not => "not",
    };
    type_error(format!(
        "bad operand type for unary {sym}: '{}'",
        v.type_name()
    ))
}

fn cmp_symbol(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Lt => "<",
        CmpOp::LtE => "<=",
        CmpOp::Gt => ">",
        CmpOp::GtE => ">=",
        CmpOp::Eq => "==",
        CmpOp::NotEq => "!=",
        _ => "in",
    }
}

fn attr_error_with(msg: String, name: &str, obj: &Value, candidates: &[String]) -> PyErr {
    let e = attribute_error(msg);
    e.0.set_attr("name", Value::str(name));
    e.0.set_attr("obj", obj.clone());
    e.data().suggestion = crate::suggest::suggest(name, candidates);
    e
}

// ---------------------------------------------------------------------------------------
// dunder methods of builtin types (`int.__add__`, `(5).__add__(3)`, `lst.__len__()`)

const NUMBER_DUNDERS: &[&str] = &[
    "__add__",
    "__sub__",
    "__mul__",
    "__truediv__",
    "__floordiv__",
    "__mod__",
    "__pow__",
    "__radd__",
    "__rsub__",
    "__rmul__",
    "__rtruediv__",
    "__rfloordiv__",
    "__rmod__",
    "__rpow__",
    "__neg__",
    "__pos__",
    "__abs__",
    "__int__",
    "__float__",
    "__bool__",
    "__lt__",
    "__le__",
    "__gt__",
    "__ge__",
];
const INT_DUNDERS: &[&str] = &[
    "__lshift__",
    "__rshift__",
    "__and__",
    "__or__",
    "__xor__",
    "__invert__",
    "__index__",
];
const SEQ_DUNDERS: &[&str] = &[
    "__len__",
    "__getitem__",
    "__contains__",
    "__iter__",
    "__lt__",
    "__le__",
    "__gt__",
    "__ge__",
];
const CONCAT_DUNDERS: &[&str] = &["__add__", "__mul__", "__rmul__"];
const MUT_DUNDERS: &[&str] = &["__setitem__", "__delitem__", "__iadd__"];
const COMMON_DUNDERS: &[&str] = &[
    "__eq__",
    "__ne__",
    "__str__",
    "__repr__",
    "__hash__",
    "__format__",
];

/// Does the builtin type `ty` have the special method `name`?
fn dunder_supported(ty: &str, name: &str) -> bool {
    if !name.starts_with("__") || COMMON_DUNDERS.contains(&name) {
        return name.starts_with("__") && COMMON_DUNDERS.contains(&name);
    }
    let has = |t: &[&str]| t.contains(&name);
    match ty {
        "int" | "bool" => has(NUMBER_DUNDERS) || has(INT_DUNDERS),
        "float" => has(NUMBER_DUNDERS),
        "str" | "bytes" => has(SEQ_DUNDERS) || has(CONCAT_DUNDERS) || name == "__mod__",
        "tuple" => has(SEQ_DUNDERS) || has(CONCAT_DUNDERS),
        "list" | "bytearray" => has(SEQ_DUNDERS) || has(CONCAT_DUNDERS) || has(MUT_DUNDERS),
        "dict" => has(SEQ_DUNDERS) || has(MUT_DUNDERS) || name == "__or__",
        "set" | "frozenset" => {
            has(SEQ_DUNDERS) || matches!(name, "__or__" | "__and__" | "__sub__" | "__xor__")
        }
        "range" => has(SEQ_DUNDERS),
        _ => false,
    }
}

fn dunder_native(name: &str) -> Value {
    Value::Native(Rc::new(crate::value::NativeFunc {
        name: "special method",
        owner: "",
        func: dunder_call,
        data: Some(Value::str(name)),
    }))
}

fn binop_of(name: &str) -> Option<(BinOp, bool)> {
    let base = name
        .trim_start_matches("__r")
        .trim_start_matches("__i")
        .trim_start_matches("__")
        .trim_end_matches("__");
    let reflected = name.starts_with("__r") && !matches!(name, "__rshift__");
    let op = match base {
        "add" => BinOp::Add,
        "sub" => BinOp::Sub,
        "mul" => BinOp::Mult,
        "truediv" => BinOp::Div,
        "floordiv" => BinOp::FloorDiv,
        "mod" => BinOp::Mod,
        "pow" => BinOp::Pow,
        "lshift" => BinOp::LShift,
        "shift" if name == "__rshift__" => BinOp::RShift,
        "rshift" => BinOp::RShift,
        "and" => BinOp::BitAnd,
        "or" => BinOp::BitOr,
        "xor" => BinOp::BitXor,
        _ => return None,
    };
    Some((op, reflected))
}

/// A builtin type's special method, called with (name, self, args...).
fn dunder_call(vm: &mut Vm, args: crate::builtins::Args) -> PyResult<Value> {
    let mut a = args.pos;
    if a.len() < 2 {
        return Err(type_error("descriptor needs an argument"));
    }
    let name = a.remove(0);
    let name = name.as_str().unwrap_or("").to_string();
    // `super().__getitem__(k)` in a subclass of a builtin type: the builtin's own
    // operation on the wrapped value.
    let this = a.remove(0).unenum();
    let arg = |i: usize| {
        a.get(i)
            .cloned()
            .ok_or_else(|| type_error(format!("expected 1 argument, got {}", a.len())))
    };
    Ok(match name.as_str() {
        "__eq__" => Value::Bool(vm.eq(&this, &arg(0)?)?),
        "__ne__" => Value::Bool(!vm.eq(&this, &arg(0)?)?),
        "__lt__" => return vm.compare(CmpOp::Lt, &this, &arg(0)?),
        "__le__" => return vm.compare(CmpOp::LtE, &this, &arg(0)?),
        "__gt__" => return vm.compare(CmpOp::Gt, &this, &arg(0)?),
        "__ge__" => return vm.compare(CmpOp::GtE, &this, &arg(0)?),
        "__str__" => Value::str(vm.str(&this)?),
        "__repr__" => Value::str(vm.repr(&this)?),
        "__format__" => {
            let spec = arg(0)?;
            Value::str(vm.format(&this, spec.as_str().unwrap_or(""))?)
        }
        "__hash__" => match &this {
            // `object.__hash__(self)` from a Python `__hash__`: by identity.
            Value::Instance(_) => Value::Int(crate::builtins::functions::cpython_hash(&this)),
            _ => Value::Int(vm.py_hash(&this)?),
        },
        "__len__" => Value::Int(vm.len(&this)? as i64),
        "__getitem__" => return vm.getitem(&this, &arg(0)?),
        "__setitem__" => {
            vm.setitem(&this, arg(0)?, arg(1)?)?;
            Value::None
        }
        "__delitem__" => {
            vm.delitem(&this, &arg(0)?)?;
            Value::None
        }
        "__contains__" => Value::Bool(vm.contains(&this, &arg(0)?)?),
        "__iter__" => return vm.get_iter(&this),
        "__bool__" => Value::Bool(vm.truthy(&this)?),
        "__neg__" => return vm.unary_op(UnaryOp::Neg, this),
        "__pos__" => return vm.unary_op(UnaryOp::Pos, this),
        "__invert__" => return vm.unary_op(UnaryOp::Invert, this),
        "__abs__" => match this {
            Value::Float(f) => Value::Float(f.abs()),
            v => {
                if vm.partial_cmp(&v, &Value::Int(0))? == Some(std::cmp::Ordering::Less) {
                    vm.unary_op(UnaryOp::Neg, v)?
                } else {
                    v
                }
            }
        },
        "__int__" | "__index__" => {
            return crate::builtins::number::int_new(
                vm,
                crate::builtins::Args::new(vec![Value::None, this]),
            )
        }
        "__float__" => Value::Float(crate::builtins::arg_float(&this)?),
        "__iadd__" => return vm.binary_op(BinOp::Add, this, arg(0)?, true),
        _ => match binop_of(&name) {
            Some((op, reflected)) => {
                let other = arg(0)?;
                let (x, y) = if reflected {
                    (other, this)
                } else {
                    (this, other)
                };
                match vm.binary_op(op, x, y, false) {
                    Ok(v) => v,
                    Err(e) if e.is("TypeError") => Value::NotImplemented,
                    Err(e) => return Err(e),
                }
            }
            None => return Err(attribute_error(format!("no special method {name}"))),
        },
    })
}
