//! `_os`: what `os` and `posixpath` need from the host: the sandboxed file area's files,
//! and a process id (socklab scripts have no real process; the id is a fixed positive number).

use crate::builtins::{arg_str, Args, NativeTable};
use crate::exc::{os_error_file, PyResult};
use crate::value::Value;
use crate::vm::Vm;

const FUNCTIONS: NativeTable = &[
    ("getpid", getpid),
    ("getcwd", getcwd),
    ("exists", exists),
    ("getsize", getsize),
];

/// What `os.getcwd()` answers: the sandboxed file area looks like a home directory.
pub const CWD: &str = "/home/socklab";

pub fn module(_vm: &mut Vm) -> Value {
    super::make_module("_os", FUNCTIONS).0
}

fn getpid(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::Int(4242))
}

fn getcwd(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::str(CWD))
}

/// The host's name for a path: as `open` passes it, minus the working directory prefix.
fn area_path(p: &str) -> Option<String> {
    let rel = match p.strip_prefix(CWD) {
        Some(r) => r.trim_start_matches('/'),
        None => p,
    };
    Some(rel.to_string())
}

fn exists(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [p] = args.bind("exists", ["*path"], 1)?;
    let p = arg_str(&p.expect("arg"), "exists", 1)?;
    let p = p.as_str();
    if matches!(p, "." | "" | "/" | CWD) {
        return Ok(Value::Bool(!p.is_empty()));
    }
    Ok(Value::Bool(match area_path(p) {
        Some(r) => vm.host.file_exists(&r),
        None => false,
    }))
}

fn getsize(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [p] = args.bind("getsize", ["*path"], 1)?;
    let p = arg_str(&p.expect("arg"), "getsize", 1)?;
    let name = p.as_str().to_string();
    let not_found = || os_error_file(2, "No such file or directory", &name);
    let rel = area_path(&name).ok_or_else(not_found)?;
    match vm.host.read_file(&rel) {
        Ok(data) => Ok(Value::Int(data.len() as i64)),
        Err(e) => Err(os_error_file(e.errno, e.message, &name)),
    }
}
