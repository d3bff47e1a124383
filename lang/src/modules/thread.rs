//! `_thread`: green-thread creation, joins and locks, on which the Python-written
//! `threading` module is built. Waiting is `Vm::wait`: the scheduler polls the
//! condition, so a blocked thread never blocks the host.

use std::cell::Cell;
use std::rc::Rc;

use crate::builtins::{arg_float, Args, NativeTable};
use crate::exc::{runtime_error, type_error, value_error, PyResult};
use crate::host::Stream;
use crate::types::{new_class, types};
use crate::value::{Class, ClassKind, Instance, Payload, Value};
use crate::vm::{Flow, ThreadState, Vm};

/// A lock (plain or reentrant).
pub struct LockState {
    pub reentrant: bool,
    /// Owning green thread id, when held.
    pub owner: Cell<Option<u32>>,
    pub count: Cell<u32>,
}

const FUNCTIONS: NativeTable = &[
    ("start", start),
    ("start_new_thread", start_new_thread),
    ("join", join),
    ("is_alive", is_alive),
    ("get_ident", get_ident),
    ("get_native_id", get_ident),
    ("current", current),
    ("set_main", set_main),
    ("count", count),
    ("objects", objects),
    ("report", report),
    ("allocate_lock", allocate_lock),
    ("RLock", new_rlock),
    ("is_owned", is_owned),
    ("release_all", release_all),
    ("restore", restore),
];

const LOCK_METHODS: NativeTable = &[
    ("acquire", lock_acquire),
    ("release", lock_release),
    ("locked", lock_locked),
    ("__enter__", lock_acquire),
    ("__exit__", lock_exit),
    ("acquire_lock", lock_acquire),
    ("release_lock", lock_release),
    ("__repr__", lock_repr),
];

thread_local! {
    static LOCK: Rc<Class> = new_class("lock", "_thread", vec![types().object.clone()], ClassKind::Object, Some(lock_new), LOCK_METHODS, true);
    static RLOCK: Rc<Class> = new_class("RLock", "_thread", vec![types().object.clone()], ClassKind::Object, Some(rlock_new), LOCK_METHODS, true);
}

pub fn module(_vm: &mut Vm) -> Value {
    let (m, g) = super::make_module("_thread", FUNCTIONS);
    super::set(&g, "LockType", Value::Class(LOCK.with(|c| c.clone())));
    super::set(
        &g,
        "error",
        Value::Class(types().exc("RuntimeError").expect("RuntimeError")),
    );
    super::set(&g, "TIMEOUT_MAX", Value::Float(9223372036.0));
    m
}

/// The `ident` CPython would show for a green thread.
pub fn ident_of(id: u32) -> i64 {
    139_800_000_000_000 + id as i64 * 8_392_704
}

fn id_of_ident(ident: i64) -> u32 {
    ((ident - 139_800_000_000_000) / 8_392_704) as u32
}

fn thread_done(vm: &Vm, id: u32) -> bool {
    vm.threads
        .iter()
        .find(|t| t.id == id)
        .map(|t| t.is_done())
        .unwrap_or(true)
}

/// `_thread.start(func, obj, daemon)`: a new green thread running `func()`.
fn start(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [func, obj, daemon] = args.bind("start", ["*func", "*obj", "*daemon"], 1)?;
    let daemon = match daemon {
        Some(d) => vm.truthy(&d)?,
        None => false,
    };
    let id = spawn(vm, func.expect("arg"), Args::default(), obj, daemon)?;
    Ok(Value::Int(ident_of(id)))
}

/// `_thread.start_new_thread(function, args[, kwargs])`.
fn start_new_thread(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [func, fargs, kwargs] =
        args.bind("start_new_thread", ["*function", "*args", "*kwargs"], 2)?;
    let pos = match fargs.expect("arg") {
        Value::Tuple(t) => t.to_vec(),
        other => {
            return Err(type_error(format!(
                "2nd arg must be a tuple, not {}",
                other.type_name()
            )))
        }
    };
    let mut kw = Vec::new();
    if let Some(Value::Dict(d)) = kwargs {
        for (k, v) in d.borrow().items() {
            kw.push((Rc::from(k.as_str().unwrap_or("")), v));
        }
    }
    let id = spawn(vm, func.expect("arg"), Args { pos, kw }, None, true)?;
    Ok(Value::Int(ident_of(id)))
}

fn spawn(vm: &mut Vm, func: Value, args: Args, obj: Option<Value>, daemon: bool) -> PyResult<u32> {
    match vm.call_flow(func, args) {
        Flow::Call(mut frame) => {
            frame.exc_depth = 0;
            Ok(vm.spawn(frame, obj, daemon))
        }
        Flow::Raise(e, _) => Err(e),
        _ => Err(runtime_error("a thread must run a Python function")),
    }
}

/// `_thread.join(ident, timeout)`: wait until the thread ends.
fn join(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [ident, timeout] = args.bind("join", ["*ident", "*timeout"], 1)?;
    let id = id_of_ident(ident.and_then(|i| i.as_i64()).unwrap_or(0));
    let timeout = match timeout {
        None | Some(Value::None) => None,
        Some(t) => Some(arg_float(&t)?),
    };
    if thread_done(vm, id) {
        return Ok(Value::None);
    }
    vm.wait(
        move |vm| {
            if thread_done(vm, id) {
                Some(Ok(Value::None))
            } else {
                None
            }
        },
        timeout,
        |_vm| Ok(Value::None),
    )
}

fn is_alive(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [ident] = args.bind("is_alive", ["*ident"], 1)?;
    let id = id_of_ident(ident.and_then(|i| i.as_i64()).unwrap_or(0));
    Ok(Value::Bool(!thread_done(vm, id)))
}

fn get_ident(vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::Int(ident_of(vm.thread_id())))
}

fn current(vm: &mut Vm, _args: Args) -> PyResult<Value> {
    let cur = vm.cur;
    Ok(vm
        .threads
        .get(cur)
        .and_then(|t| t.obj.clone())
        .unwrap_or(Value::None))
}

fn set_main(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj] = args.bind("set_main", ["*obj"], 1)?;
    if let Some(t) = vm.threads.iter_mut().find(|t| t.id == 0) {
        t.obj = obj;
    }
    Ok(Value::None)
}

fn live(vm: &Vm) -> Vec<usize> {
    (0..vm.threads.len())
        .filter(|&i| !matches!(vm.threads[i].state, ThreadState::Done))
        .collect()
}

fn count(vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::Int(live(vm).len() as i64))
}

fn objects(vm: &mut Vm, _args: Args) -> PyResult<Value> {
    let objs = live(vm)
        .into_iter()
        .filter_map(|i| vm.threads[i].obj.clone())
        .collect();
    Ok(Value::list(objs))
}

/// `_thread.report(thread, exc)`: CPython's "Exception in thread ..." on stderr.
fn report(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [thread, exc] = args.bind("report", ["*thread", "*exc"], 2)?;
    let thread = thread.expect("arg");
    let name = vm
        .getattr(&thread, "name")
        .and_then(|n| vm.str(&n))
        .unwrap_or_else(|_| "?".into());
    if let Some(e) = crate::exc::PyErr::from_value(&exc.expect("arg")) {
        let text = vm.format_exception(&e);
        vm.write(
            Stream::Stderr,
            &format!("Exception in thread {name}:\n{text}"),
        );
    }
    Ok(Value::None)
}

// ---------------------------------------------------------------------------------------
// locks

fn make_lock(reentrant: bool) -> Value {
    let cls = if reentrant {
        RLOCK.with(|c| c.clone())
    } else {
        LOCK.with(|c| c.clone())
    };
    let st = LockState {
        reentrant,
        owner: Cell::new(None),
        count: Cell::new(0),
    };
    Value::Instance(Rc::new(Instance::new(cls, Payload::Native(Box::new(st)))))
}

fn lock_new(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(make_lock(false))
}

fn rlock_new(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(make_lock(true))
}

fn allocate_lock(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(make_lock(false))
}

fn new_rlock(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(make_lock(true))
}

fn lock_state(v: &Value) -> PyResult<&LockState> {
    match v {
        Value::Instance(i) => i
            .native::<LockState>()
            .ok_or_else(|| type_error("a lock is required")),
        _ => Err(type_error("a lock is required")),
    }
}

/// Take the lock for thread `me` if possible.
fn try_take(st: &LockState, me: u32) -> bool {
    match st.owner.get() {
        None => {
            st.owner.set(Some(me));
            st.count.set(1);
            true
        }
        Some(o) if st.reentrant && o == me => {
            st.count.set(st.count.get() + 1);
            true
        }
        _ => false,
    }
}

fn lock_acquire(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [blocking, timeout] = args.bind("acquire", ["blocking", "timeout"], 0)?;
    let blocking = match blocking {
        Some(b) => vm.truthy(&b)?,
        None => true,
    };
    let timeout = match timeout {
        None => None,
        Some(t) => {
            let t = arg_float(&t)?;
            if t < 0.0 && t != -1.0 {
                return Err(value_error("timeout value must be a non-negative number"));
            }
            if !blocking && t != -1.0 {
                return Err(value_error(
                    "can't specify a timeout for a non-blocking call",
                ));
            }
            if t == -1.0 {
                None
            } else {
                Some(t)
            }
        }
    };
    let me = vm.thread_id();
    if try_take(lock_state(&this)?, me) {
        return Ok(Value::Bool(true));
    }
    if !blocking || timeout == Some(0.0) {
        return Ok(Value::Bool(false));
    }
    let lock = this.clone();
    vm.wait(
        move |_vm| match lock_state(&lock) {
            Ok(st) if try_take(st, me) => Some(Ok(Value::Bool(true))),
            Ok(_) => None,
            Err(e) => Some(Err(e)),
        },
        timeout,
        |_vm| Ok(Value::Bool(false)),
    )
}

fn lock_release(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let st = lock_state(&this)?;
    match st.owner.get() {
        None => Err(runtime_error(if st.reentrant {
            "cannot release un-acquired lock"
        } else {
            "release unlocked lock"
        })),
        Some(o) => {
            if st.reentrant && o != vm.thread_id() {
                return Err(runtime_error("cannot release un-acquired lock"));
            }
            let c = st.count.get().saturating_sub(1);
            st.count.set(c);
            if c == 0 || !st.reentrant {
                st.owner.set(None);
                st.count.set(0);
            }
            Ok(Value::None)
        }
    }
}

fn lock_exit(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    lock_release(vm, Args::new(vec![this]))?;
    Ok(Value::Bool(false))
}

fn lock_locked(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    Ok(Value::Bool(lock_state(&this)?.owner.get().is_some()))
}

fn lock_repr(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let st = lock_state(&this)?;
    let locked = if st.owner.get().is_some() {
        "locked"
    } else {
        "unlocked"
    };
    if st.reentrant {
        let owner = st.owner.get().map(ident_of).unwrap_or(0);
        Ok(Value::str(format!(
            "<{} _thread.RLock object owner={owner} count={} at 0x{:012x}>",
            locked,
            st.count.get(),
            this.id()
        )))
    } else {
        Ok(Value::str(format!(
            "<{locked} _thread.lock object at 0x{:012x}>",
            this.id()
        )))
    }
}

fn is_owned(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [lock] = args.bind("is_owned", ["*lock"], 1)?;
    let lock = lock.expect("arg");
    let st = lock_state(&lock)?;
    Ok(Value::Bool(if st.reentrant {
        st.owner.get() == Some(vm.thread_id())
    } else {
        st.owner.get().is_some()
    }))
}

/// Release a lock completely (Condition.wait); returns the count to restore.
fn release_all(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [lock] = args.bind("release_all", ["*lock"], 1)?;
    let lock = lock.expect("arg");
    let st = lock_state(&lock)?;
    let c = st.count.get();
    st.owner.set(None);
    st.count.set(0);
    Ok(Value::Int(c as i64))
}

/// Re-acquire a lock released by `release_all`, restoring its count.
fn restore(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [lock, saved] = args.bind("restore", ["*lock", "*saved"], 2)?;
    let lock = lock.expect("arg");
    let count = saved.and_then(|s| s.as_i64()).unwrap_or(1).max(1) as u32;
    let me = vm.thread_id();
    let take = move |st: &LockState| -> bool {
        if st.owner.get().is_none() {
            st.owner.set(Some(me));
            st.count.set(count);
            true
        } else {
            false
        }
    };
    if take(lock_state(&lock)?) {
        return Ok(Value::None);
    }
    vm.wait(
        move |_vm| match lock_state(&lock) {
            Ok(st) if take(st) => Some(Ok(Value::None)),
            Ok(_) => None,
            Err(e) => Some(Err(e)),
        },
        None,
        |_vm| Ok(Value::None),
    )
}
