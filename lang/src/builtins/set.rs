//! set and frozenset: constructors and methods.

use std::cell::RefCell;
use std::rc::Rc;

use crate::builtins::{Args, NativeTable};
use crate::exc::PyResult;
use crate::value::{Set, Value};
use crate::vm::Vm;

pub const SET_METHODS: NativeTable = &[];
pub const FROZENSET_METHODS: NativeTable = &[];

fn collect(vm: &mut Vm, it: Option<Value>) -> PyResult<Set> {
    let mut s = Set::new();
    if let Some(v) = it {
        for x in vm.iterate(&v)? {
            s.insert(vm.hash_key(x)?);
        }
    }
    Ok(s)
}

/// `set(iterable=())`.
pub fn set_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    args.this();
    let [it] = args.bind("set", ["*iterable"], 0)?;
    Ok(Value::Set(Rc::new(RefCell::new(collect(vm, it)?))))
}

/// `frozenset(iterable=())`.
pub fn frozenset_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    args.this();
    let [it] = args.bind("frozenset", ["*iterable"], 0)?;
    Ok(Value::FrozenSet(Rc::new(collect(vm, it)?)))
}
