//! dict: the constructor and methods.

use crate::builtins::{Args, NativeTable};
use crate::exc::{type_error, PyResult};
use crate::value::{Dict, Value};
use crate::vm::Vm;

pub const METHODS: NativeTable = &[];

/// `dict(mapping_or_pairs=(), **kwargs)`.
pub fn dict_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    args.this();
    let kw = std::mem::take(&mut args.kw);
    let [src] = args.bind("dict", ["*iterable"], 0)?;
    let mut d = Dict::new();
    match src {
        None => {}
        Some(Value::Dict(m)) => d = m.borrow().clone(),
        Some(v) => {
            for (i, item) in vm.iterate(&v)?.into_iter().enumerate() {
                let pair = vm.iterate(&item).map_err(|_| {
                    type_error(format!(
                        "cannot convert dictionary update sequence element #{i} to a sequence"
                    ))
                })?;
                if pair.len() != 2 {
                    return Err(crate::exc::value_error(format!(
                        "dictionary update sequence element #{i} has length {}; 2 is required",
                        pair.len()
                    )));
                }
                let k = vm.hash_key(pair[0].clone())?;
                d.insert(k, pair[1].clone());
            }
        }
    }
    for (k, v) in kw {
        d.set_str(&k, v);
    }
    Ok(Value::dict(d))
}
