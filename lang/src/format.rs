//! Glue between the VM's values and the pure text algorithms in [`crate::text`]:
//! `format(value, spec)` and `%`-formatting of str and bytes.

use num_bigint::BigInt;

use crate::exc::{new_exc, type_error, PyErr, PyResult};
use crate::text::format::{format_float, format_int, format_str, FormatSpec};
use crate::text::percent::{self, ArgValue, PercentArgs, PercentError};
use crate::text::TextError;
use crate::value::Value;
use crate::vm::Vm;

/// A text-algorithm error as the Python exception.
pub fn text_err(e: TextError) -> PyErr {
    new_exc(e.kind.name(), e.message)
}

/// `format(v, spec)` for builtin values (spec non-empty).
pub fn format_value(vm: &mut Vm, v: &Value, spec: &str) -> PyResult<String> {
    let tn = v.type_name();
    let parsed = FormatSpec::parse(spec, &tn).map_err(|m| new_exc("ValueError", m))?;
    match v {
        Value::Int(_) | Value::Long(_) | Value::Bool(_) => {
            let n = v.as_bigint().expect("int");
            if matches!(parsed.ty, Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%')) {
                let f = crate::builtins::arg_float(v)?;
                return format_float(f, &parsed).map_err(text_err);
            }
            if let (Value::Bool(b), None) = (v, parsed.ty) {
                return format_str(if *b { "True" } else { "False" }, &parsed).map_err(text_err);
            }
            format_int(&n, &parsed).map_err(text_err)
        }
        Value::Float(f) => format_float(*f, &parsed).map_err(text_err),
        Value::Str(s) => format_str(s.as_str(), &parsed).map_err(text_err),
        other => {
            if matches!(other, Value::Instance(_)) || !spec.is_empty() {
                // object.__format__ refuses a non-empty spec.
                if !spec.is_empty() && !matches!(other, Value::None) {
                    return Err(type_error(format!(
                        "unsupported format string passed to {}.__format__",
                        other.type_name()
                    )));
                }
            }
            let s = vm.str(other)?;
            format_str(&s, &parsed).map_err(text_err)
        }
    }
}

/// The right operand of `%` as the text module sees it.
struct Operand<'a, 'h> {
    vm: &'a mut Vm<'h>,
    v: Value,
}

impl PercentArgs for Operand<'_, '_> {
    type Arg = Value;
    type Error = PyErr;
    fn tuple_len(&self) -> Option<usize> {
        match &self.v {
            Value::Tuple(t) => Some(t.len()),
            _ => None,
        }
    }
    fn get(&mut self, index: usize) -> Value {
        match &self.v {
            Value::Tuple(t) => t.get(index).cloned().unwrap_or(Value::None),
            other => other.clone(),
        }
    }
    fn is_mapping(&self) -> bool {
        match &self.v {
            Value::Dict(_) | Value::List(_) => true,
            Value::Instance(i) => i.class.lookup("__getitem__").is_some(),
            _ => false,
        }
    }
    fn lookup(&mut self, key: percent::Key<'_>) -> Result<Value, PyErr> {
        let k = match key {
            percent::Key::Str(s) => Value::str(s),
            percent::Key::Bytes(b) => Value::bytes(b.to_vec()),
        };
        let v = self.v.clone();
        self.vm.getitem(&v, &k)
    }
    fn str(&mut self, arg: &Value) -> Result<String, PyErr> {
        self.vm.str(arg)
    }
    fn repr(&mut self, arg: &Value) -> Result<String, PyErr> {
        self.vm.repr(arg)
    }
    fn value(&mut self, arg: &Value) -> Result<ArgValue, PyErr> {
        Ok(match arg {
            Value::Int(i) => ArgValue::Int(BigInt::from(*i)),
            Value::Bool(b) => ArgValue::Int(BigInt::from(*b as i64)),
            Value::Long(b) => ArgValue::Int((**b).clone()),
            Value::Float(f) => ArgValue::Float(*f),
            Value::Str(s) => ArgValue::Str(s.as_str().to_string()),
            Value::Bytes(b) => ArgValue::Bytes(b.to_vec()),
            Value::ByteArray(b) => ArgValue::Bytes(b.borrow().clone()),
            Value::Instance(_) => match arg.int_enum() {
                Some(i) => ArgValue::Int(BigInt::from(i)),
                None => ArgValue::Other,
            },
            _ => ArgValue::Other,
        })
    }
    fn type_name(&mut self, arg: &Value) -> String {
        arg.type_name()
    }
}

fn percent_err(e: PercentError<PyErr>) -> PyErr {
    match e {
        PercentError::Text(t) => text_err(t),
        PercentError::Arg(e) => e,
    }
}

impl Vm<'_> {
    /// `fmt % args` for str.
    pub fn percent_format_str(&mut self, fmt: &str, args: &Value) -> PyResult<String> {
        let mut op = Operand {
            vm: self,
            v: args.clone(),
        };
        percent::format(fmt, &mut op).map_err(percent_err)
    }

    /// `fmt % args` for bytes.
    pub fn percent_format_bytes(&mut self, fmt: &[u8], args: &Value) -> PyResult<Vec<u8>> {
        let mut op = Operand {
            vm: self,
            v: args.clone(),
        };
        percent::format_bytes(fmt, &mut op).map_err(percent_err)
    }
}
