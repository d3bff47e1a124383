//! `select.select` over sockets: one host op that answers when any socket is ready.

use std::collections::HashMap;

use crate::builtins::{arg_float, Args, NativeTable};
use crate::exc::{type_error, value_error, PyResult};
use crate::host::{Op, Reply, SocketHandle};
use crate::types::types;
use crate::value::Value;
use crate::vm::Vm;

const FUNCTIONS: NativeTable = &[("select", select)];

pub fn module(_vm: &mut Vm) -> Value {
    let (m, g) = super::make_module("select", FUNCTIONS);
    super::set(
        &g,
        "error",
        Value::Class(types().exc("OSError").expect("OSError")),
    );
    m
}

/// The fd of a select argument: an int, a socket, or anything with `fileno()`.
fn fd_of(vm: &mut Vm, v: &Value) -> PyResult<i32> {
    match v {
        Value::Int(i) => {
            if *i < 0 {
                return Err(value_error(format!(
                    "file descriptor cannot be a negative integer ({i})"
                )));
            }
            Ok(*i as i32)
        }
        Value::Instance(i) => {
            if let Some(st) = i.native::<super::socket::SockState>() {
                return Ok(st.handle.get());
            }
            let f = vm
                .getattr(v, "fileno")
                .map_err(|_| type_error("argument must be an int, or have a fileno() method."))?;
            let n = vm.call(&f, vec![])?;
            fd_of(vm, &n)
        }
        _ => Err(type_error(
            "argument must be an int, or have a fileno() method.",
        )),
    }
}

fn collect(vm: &mut Vm, v: &Value) -> PyResult<Vec<(i32, Value)>> {
    let items = vm
        .iterate(v)
        .map_err(|_| type_error("arguments 1-3 must be sequences"))?;
    let mut out = Vec::with_capacity(items.len());
    for it in items {
        let fd = fd_of(vm, &it)?;
        if fd < 0 {
            return Err(value_error(
                "file descriptor cannot be a negative integer (-1)",
            ));
        }
        out.push((fd, it));
    }
    Ok(out)
}

/// `select.select(rlist, wlist, xlist[, timeout])`.
fn select(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [r, w, x, timeout] = args.bind("select", ["*rlist", "*wlist", "*xlist", "*timeout"], 3)?;
    let r = collect(vm, &r.expect("arg"))?;
    let w = collect(vm, &w.expect("arg"))?;
    collect(vm, &x.expect("arg"))?;
    let timeout = match timeout {
        None | Some(Value::None) => None,
        Some(t) => {
            let t = arg_float(&t).map_err(|_| type_error("timeout must be a float or None"))?;
            if t < 0.0 {
                return Err(value_error("timeout must be non-negative"));
            }
            Some(t)
        }
    };
    let read: Vec<SocketHandle> = r.iter().map(|(fd, _)| SocketHandle(*fd)).collect();
    let write: Vec<SocketHandle> = w.iter().map(|(fd, _)| SocketHandle(*fd)).collect();
    vm.block(
        Op::Select {
            read,
            write,
            timeout,
        },
        move |_vm, reply| match reply {
            Reply::Ready { read, write } => {
                let pick = |ready: &[SocketHandle], from: &[(i32, Value)]| -> Value {
                    let set: HashMap<i32, ()> = ready.iter().map(|h| (h.0, ())).collect();
                    Value::list(
                        from.iter()
                            .filter(|(fd, _)| set.contains_key(fd))
                            .map(|(_, v)| v.clone())
                            .collect(),
                    )
                };
                Ok(Value::tuple(vec![
                    pick(&read, &r),
                    pick(&write, &w),
                    Value::list(vec![]),
                ]))
            }
            Reply::TimedOut | Reply::Done => Ok(Value::tuple(vec![
                Value::list(vec![]),
                Value::list(vec![]),
                Value::list(vec![]),
            ])),
            Reply::Err(e) => Err(crate::exc::from_os(&e)),
            other => Err(crate::exc::runtime_error(format!(
                "unexpected reply to select: {other:?}"
            ))),
        },
    )
}
