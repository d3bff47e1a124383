//! int, bool and float: constructors and methods (`to_bytes`/`from_bytes`, `bit_length`,
//! `is_integer`, `hex`...), and the numeric helpers `round`/`abs`/`divmod`/`pow` share.

use num_bigint::BigInt;
use num_traits::{Signed, Zero};

use crate::builtins::str::{drop_class_receiver, kw_args, pos_args, receiver};
use crate::builtins::{arg_float, arg_int, Args, NativeTable};
use crate::exc::{overflow_error, type_error, value_error, PyResult};
use crate::format::text_err;
use crate::value::Value;
use crate::vm::Vm;

pub const INT_METHODS: NativeTable = &[
    ("bit_length", int_bit_length),
    ("bit_count", int_bit_count),
    ("to_bytes", int_to_bytes),
    ("from_bytes", int_from_bytes),
    ("conjugate", int_self),
    ("as_integer_ratio", int_as_integer_ratio),
    ("__index__", int_self),
    ("__int__", int_self),
    ("__trunc__", int_self),
    ("__float__", int_float),
    ("__abs__", int_abs),
    ("__round__", int_round),
];
pub const FLOAT_METHODS: NativeTable = &[
    ("is_integer", float_is_integer),
    ("hex", float_hex),
    ("fromhex", float_fromhex),
    ("as_integer_ratio", float_as_integer_ratio),
    ("conjugate", float_self),
    ("__int__", float_int),
    ("__trunc__", float_int),
    ("__float__", float_self),
    ("__abs__", float_abs),
    ("__round__", float_round),
];

fn is_int(v: &Value) -> bool {
    matches!(v, Value::Int(_) | Value::Long(_) | Value::Bool(_))
}

fn this_int(args: &mut Args, name: &str) -> PyResult<BigInt> {
    let v = receiver(args, "int", name, is_int)?;
    Ok(v.as_bigint().expect("checked by receiver"))
}

fn this_float(args: &mut Args, name: &str) -> PyResult<f64> {
    match receiver(args, "float", name, |v| matches!(v, Value::Float(_)))? {
        Value::Float(f) => Ok(f),
        _ => unreachable!("checked by receiver"),
    }
}

/// An int from a float, with CPython's errors for NaN and infinities.
pub(crate) fn float_to_int(f: f64) -> PyResult<Value> {
    if f.is_nan() {
        return Err(value_error("cannot convert float NaN to integer"));
    }
    if f.is_infinite() {
        return Err(overflow_error("cannot convert float infinity to integer"));
    }
    if f.abs() < 9.0e18 {
        return Ok(Value::Int(f.trunc() as i64));
    }
    Ok(Value::from_bigint(
        crate::text::int::float_to_int(f).map_err(text_err)?,
    ))
}

// ---------------------------------------------------------------------------------------
// constructors

/// `int(x=0)`, `int(str_or_bytes, base=10)`.
pub fn int_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    args.this();
    let [x, base] = args.bind("int", ["*x", "base"], 0)?;
    // `int(S("12"))`, `int(I(3))`: subclasses of str and int convert as their values.
    let x = x.map(|v| match v.base_value() {
        Some(Value::Str(_) | Value::Int(_) | Value::Long(_) | Value::Float(_)) => v.unenum(),
        _ => v,
    });
    let Some(x) = x else {
        if base.is_some() {
            return Err(type_error("int() missing string argument"));
        }
        return Ok(Value::Int(0));
    };
    let base = match base {
        Some(b) => Some(arg_int(&b)?),
        None => None,
    };
    if let Some(b) = base {
        if b != 0 && !(2..=36).contains(&b) {
            return Err(value_error("int() base must be >= 2 and <= 36, or 0"));
        }
    }
    match (&x, base) {
        (Value::Int(_) | Value::Long(_), None) => Ok(x.clone()),
        (Value::Bool(b), None) => Ok(Value::Int(*b as i64)),
        (Value::Float(f), None) => float_to_int(*f),
        (Value::Str(s), b) => {
            let n =
                crate::text::int::parse(s.as_str(), b.unwrap_or(10) as u32).map_err(text_err)?;
            Ok(Value::from_bigint(n))
        }
        (Value::Bytes(_) | Value::ByteArray(_), b) => {
            let bytes = crate::builtins::arg_bytes_like(&x)?;
            let n =
                crate::text::int::parse_bytes(&bytes, b.unwrap_or(10) as u32).map_err(text_err)?;
            Ok(Value::from_bigint(n))
        }
        (_, Some(_)) => Err(type_error(
            "int() can't convert non-string with explicit base",
        )),
        (Value::Instance(i), None) => {
            for m in ["__int__", "__index__", "__trunc__"] {
                if let Some(f) = i.class.lookup(m) {
                    let r = vm.call(&f, vec![x.clone()])?;
                    if !is_int(&r) {
                        return Err(type_error(format!(
                            "{m} returned non-int (type {})",
                            r.type_name()
                        )));
                    }
                    return Ok(r);
                }
            }
            Err(type_error(format!(
                "int() argument must be a string, a bytes-like object or a real number, not '{}'",
                x.type_name()
            )))
        }
        _ => Err(type_error(format!(
            "int() argument must be a string, a bytes-like object or a real number, not '{}'",
            x.type_name()
        ))),
    }
}

/// `bool(x=False)`.
pub fn bool_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    args.this();
    let x = crate::builtins::str::clinic_args(args, "bool", 0, 1)?
        .into_iter()
        .next();
    match x {
        None => Ok(Value::Bool(false)),
        Some(v) => Ok(Value::Bool(vm.truthy(&v)?)),
    }
}

/// `float(x=0.0)`: from a number, a str/bytes (`'inf'`, `' 1e3 '`) or `__float__`.
pub fn float_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    args.this();
    let x = crate::builtins::str::clinic_args(args, "float", 0, 1)?
        .into_iter()
        .next();
    let x = x.map(|v| match v.base_value() {
        Some(Value::Str(_) | Value::Int(_) | Value::Long(_) | Value::Float(_)) => v.unenum(),
        _ => v,
    });
    let Some(x) = x else {
        return Ok(Value::Float(0.0));
    };
    match &x {
        Value::Str(s) => crate::text::float::parse(s.as_str())
            .map(Value::Float)
            .ok_or_else(|| value_error(crate::text::float::parse_error(s.as_str()))),
        Value::Bytes(_) | Value::ByteArray(_) => {
            let b = crate::builtins::arg_bytes_like(&x)?;
            crate::text::float::parse_bytes(&b)
                .map(Value::Float)
                .ok_or_else(|| {
                    value_error(format!(
                        "could not convert string to float: {}",
                        crate::text::repr::bytes_repr(&b)
                    ))
                })
        }
        Value::Float(_) => Ok(x.clone()),
        Value::Instance(i) => {
            for m in ["__float__", "__index__"] {
                if let Some(f) = i.class.lookup(m) {
                    let r = vm.call(&f, vec![x.clone()])?;
                    return Ok(Value::Float(arg_float(&r)?));
                }
            }
            Err(type_error(format!(
                "float() argument must be a string or a real number, not '{}'",
                x.type_name()
            )))
        }
        _ => arg_float(&x).map(Value::Float).map_err(|e| {
            if e.is("OverflowError") {
                e
            } else {
                type_error(format!(
                    "float() argument must be a string or a real number, not '{}'",
                    x.type_name()
                ))
            }
        }),
    }
}

// ---------------------------------------------------------------------------------------
// int methods

/// `int.bit_length()`: bits needed for `abs(self)`.
fn int_bit_length(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let n = this_int(&mut args, "bit_length")?;
    pos_args(args, "int.bit_length", 0, 0)?;
    Ok(Value::Int(n.bits() as i64))
}

/// `int.bit_count()`: ones in the binary form of `abs(self)`.
fn int_bit_count(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let n = this_int(&mut args, "bit_count")?;
    pos_args(args, "int.bit_count", 0, 0)?;
    let ones: u32 = n
        .magnitude()
        .to_u32_digits()
        .iter()
        .map(|d| d.count_ones())
        .sum();
    Ok(Value::Int(ones as i64))
}

fn byteorder(v: Option<&Value>, fname: &str) -> PyResult<bool> {
    match v {
        None => Ok(true),
        Some(Value::Str(s)) => match s.as_str() {
            "big" => Ok(true),
            "little" => Ok(false),
            _ => Err(value_error("byteorder must be either 'little' or 'big'")),
        },
        Some(other) => Err(type_error(format!(
            "{fname}() argument 'byteorder' must be str, not {}",
            other.type_name()
        ))),
    }
}

/// `int.to_bytes(length=1, byteorder='big', *, signed=False)`.
fn int_to_bytes(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let n = this_int(&mut args, "to_bytes")?;
    let [length, order, signed] =
        kw_args(args, "to_bytes", ["length", "byteorder", "signed"], 0, 2)?;
    let length = match length {
        Some(l) => crate::builtins::str::checked_size(arg_int(&l)?)?,
        None => 1,
    };
    let big = byteorder(order.as_ref(), "to_bytes")?;
    let signed = match signed {
        Some(s) => vm.truthy(&s)?,
        None => false,
    };
    crate::text::int::to_bytes(&n, length, big, signed)
        .map(Value::bytes)
        .map_err(text_err)
}

/// `int.from_bytes(bytes, byteorder='big', *, signed=False)` (class method).
fn int_from_bytes(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    drop_class_receiver(&mut args);
    // Reached through an int instance: `(0).from_bytes(b, 'big')`.
    if args.pos.len() >= 2 && is_int(&args.pos[0]) && !matches!(args.pos[1], Value::Str(_)) {
        args.pos.remove(0);
    }
    let [data, order, signed] =
        kw_args(args, "from_bytes", ["bytes", "byteorder", "signed"], 1, 2)?;
    let data = data.expect("required");
    let bytes = match &data {
        Value::Bytes(_) | Value::ByteArray(_) => crate::builtins::arg_bytes_like(&data)?,
        Value::Str(_) | Value::Int(_) | Value::Float(_) | Value::None => {
            return Err(type_error(format!(
                "cannot convert '{}' object to bytes",
                data.type_name()
            )))
        }
        other => {
            let mut out = Vec::new();
            for it in vm.iterate(other)? {
                let b = arg_int(&it)?;
                if !(0..256).contains(&b) {
                    return Err(value_error("bytes must be in range(0, 256)"));
                }
                out.push(b as u8);
            }
            out
        }
    };
    let big = byteorder(order.as_ref(), "from_bytes")?;
    let signed = match signed {
        Some(s) => vm.truthy(&s)?,
        None => false,
    };
    Ok(Value::from_bigint(crate::text::int::from_bytes(
        &bytes, big, signed,
    )))
}

/// `int.__index__()`, `__int__`, `conjugate()`: the int itself (bools become ints).
fn int_self(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let n = this_int(&mut args, "__index__")?;
    Ok(Value::from_bigint(n))
}

/// `int.__float__()`.
fn int_float(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let v = receiver(&mut args, "int", "__float__", is_int)?;
    Ok(Value::Float(arg_float(&v)?))
}

/// `int.__abs__()`.
fn int_abs(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let n = this_int(&mut args, "__abs__")?;
    Ok(Value::from_bigint(n.abs()))
}

/// `int.as_integer_ratio()`: `(self, 1)`.
fn int_as_integer_ratio(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let n = this_int(&mut args, "as_integer_ratio")?;
    Ok(Value::tuple(vec![Value::from_bigint(n), Value::Int(1)]))
}

/// `int.__round__(ndigits=None)`.
fn int_round(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let n = this_int(&mut args, "__round__")?;
    let a = pos_args(args, "__round__", 0, 1)?;
    round_int(&n, a.first())
}

// ---------------------------------------------------------------------------------------
// float methods

/// `float.is_integer()`.
fn float_is_integer(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let f = this_float(&mut args, "is_integer")?;
    pos_args(args, "float.is_integer", 0, 0)?;
    Ok(Value::Bool(f.is_finite() && f.fract() == 0.0))
}

/// `float.hex()`: `(1.5).hex() == '0x1.8000000000000p+0'`.
fn float_hex(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let f = this_float(&mut args, "hex")?;
    pos_args(args, "float.hex", 0, 0)?;
    Ok(Value::str(float_to_hex(f)))
}

/// CPython's `float.hex` text.
pub(crate) fn float_to_hex(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let sign = if f.is_sign_negative() { "-" } else { "" };
    if f == 0.0 {
        return format!("{sign}0x0.0p+0");
    }
    let bits = f.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let mant = bits & ((1u64 << 52) - 1);
    if exp == 0 {
        format!("{sign}0x0.{mant:013x}p-1022")
    } else {
        format!("{sign}0x1.{mant:013x}p{:+}", exp - 1023)
    }
}

/// `float.as_integer_ratio()`: the exact fraction in lowest terms.
fn float_as_integer_ratio(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let f = this_float(&mut args, "as_integer_ratio")?;
    if f.is_nan() {
        return Err(value_error("cannot convert NaN to integer ratio"));
    }
    if f.is_infinite() {
        return Err(overflow_error("cannot convert Infinity to integer ratio"));
    }
    if f == 0.0 {
        return Ok(Value::tuple(vec![Value::Int(0), Value::Int(1)]));
    }
    let bits = f.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let mut mant = (bits & ((1u64 << 52) - 1)) as i128;
    let mut e = if exp == 0 {
        -1074
    } else {
        mant |= 1 << 52;
        exp - 1075
    };
    while mant & 1 == 0 && e < 0 {
        mant >>= 1;
        e += 1;
    }
    let mut num = BigInt::from(mant);
    if f < 0.0 {
        num = -num;
    }
    let (num, den) = if e >= 0 {
        (num << (e as usize), BigInt::from(1))
    } else {
        (num, BigInt::from(1) << ((-e) as usize))
    };
    Ok(Value::tuple(vec![
        Value::from_bigint(num),
        Value::from_bigint(den),
    ]))
}

/// `float.conjugate()`, `__float__`: the float itself.
fn float_self(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    Ok(Value::Float(this_float(&mut args, "conjugate")?))
}

/// `float.__int__()`: truncation toward zero.
fn float_int(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    float_to_int(this_float(&mut args, "__int__")?)
}

/// `float.__abs__()`.
fn float_abs(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    Ok(Value::Float(this_float(&mut args, "__abs__")?.abs()))
}

/// `float.__round__(ndigits=None)`.
fn float_round(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let f = this_float(&mut args, "__round__")?;
    let a = pos_args(args, "__round__", 0, 1)?;
    round_float(f, a.first())
}

/// `round(float, ndigits)`: half to even on the exact binary value; without ndigits an int.
pub(crate) fn round_float(f: f64, ndigits: Option<&Value>) -> PyResult<Value> {
    match ndigits {
        None | Some(Value::None) => {
            let r = f.round_ties_even();
            float_to_int(r)
        }
        Some(d) => {
            let nd = match d {
                Value::Long(b) => {
                    if b.is_negative() {
                        i64::MIN
                    } else {
                        i64::MAX
                    }
                }
                other => arg_int(other)?,
            };
            crate::text::float::round(f, nd)
                .map(Value::Float)
                .map_err(text_err)
        }
    }
}

/// `round(int, ndigits)`.
pub(crate) fn round_int(n: &BigInt, ndigits: Option<&Value>) -> PyResult<Value> {
    match ndigits {
        None | Some(Value::None) => Ok(Value::from_bigint(n.clone())),
        Some(d) => {
            let nd = arg_int(d)?;
            if nd >= 0 || n.is_zero() {
                return Ok(Value::from_bigint(n.clone()));
            }
            Ok(Value::from_bigint(crate::text::int::round(n, nd)))
        }
    }
}

/// `float.fromhex(string)` (class method): `float.fromhex('0x1.8p1') == 3.0`.
fn float_fromhex(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    drop_class_receiver(&mut args);
    if args.pos.len() == 2 && matches!(args.pos[0], Value::Float(_)) {
        args.pos.remove(0);
    }
    let a = pos_args(args, "float.fromhex", 1, 1)?;
    let Value::Str(s) = &a[0] else {
        return Err(type_error(format!(
            "fromhex() argument must be str, not {}",
            a[0].type_name()
        )));
    };
    parse_hex_float(s.as_str()).map(Value::Float)
}

/// CPython's `float_fromhex`: `[sign] ['0x'] hexdigits ['.' hexdigits] ['p' [sign] digits]`,
/// or inf/nan, correctly rounded (half to even).
fn parse_hex_float(text: &str) -> PyResult<f64> {
    let invalid = || value_error("invalid hexadecimal floating-point string");
    let t = text.trim_matches(|c: char| crate::text::unicode::is_space(c));
    let (neg, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let sign = if neg { -1.0 } else { 1.0 };
    let lower = body.to_ascii_lowercase();
    if lower == "inf" || lower == "infinity" {
        return Ok(sign * f64::INFINITY);
    }
    if lower == "nan" {
        return Ok(f64::NAN);
    }
    let body = lower.strip_prefix("0x").unwrap_or(&lower);
    let (mant, exp) = match body.find('p') {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int_part, frac_part) = match mant.find('.') {
        Some(i) => (&mant[..i], &mant[i + 1..]),
        None => (mant, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return Err(invalid());
    }
    let hex_ok = |p: &str| p.bytes().all(|b| b.is_ascii_hexdigit());
    if !hex_ok(int_part) || !hex_ok(frac_part) {
        return Err(invalid());
    }
    let mut e: i64 = match exp {
        None => 0,
        Some(x) => {
            let digits = x.strip_prefix(['+', '-']).unwrap_or(x);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid());
            }
            // Exponents beyond any double's range saturate (the value is 0 or inf).
            let v: i64 = digits.parse().unwrap_or(i64::MAX / 4).min(i64::MAX / 4);
            if x.starts_with('-') {
                -v
            } else {
                v
            }
        }
    };
    let digits = format!("{int_part}{frac_part}");
    let m = num_bigint::BigUint::parse_bytes(digits.as_bytes(), 16).unwrap_or_default();
    e -= 4 * frac_part.len() as i64;
    if m.bits() == 0 {
        return Ok(sign * 0.0);
    }
    let nb = m.bits() as i64;
    let top = nb - 1 + e;
    if top > 1023 {
        return Err(overflow_error(
            "hexadecimal value too large to represent as a float",
        ));
    }
    // Significant bits available at this magnitude: 53, fewer for subnormals.
    let bits = if top >= -1022 { 53 } else { top + 1075 };
    if bits < 0 {
        return Ok(sign * 0.0);
    }
    let shift = nb - bits;
    let (mut q, mut qexp) = if shift > 0 {
        let sh = shift as usize;
        let q = &m >> sh;
        let rem = &m - (&q << sh);
        let half = num_bigint::BigUint::from(1u8) << (sh - 1);
        let odd = q.bit(0);
        let q = if rem > half || (rem == half && odd) {
            q + 1u8
        } else {
            q
        };
        (q, e + shift)
    } else {
        (m, e)
    };
    if q.bits() as i64 > bits.max(1) && bits == 53 {
        q >>= 1;
        qexp += 1;
        if q.bits() as i64 - 1 + qexp > 1023 {
            return Err(overflow_error(
                "hexadecimal value too large to represent as a float",
            ));
        }
    }
    let qf = num_traits::ToPrimitive::to_f64(&q).unwrap_or(0.0);
    Ok(sign * ldexp(qf, qexp))
}

/// `x * 2**exp` for an exactly representable result, in steps that never leave the range.
fn ldexp(mut x: f64, mut exp: i64) -> f64 {
    while exp > 0 {
        let k = exp.min(1000);
        x *= 2f64.powi(k as i32);
        exp -= k;
    }
    while exp < 0 {
        let k = (-exp).min(1000);
        x *= 2f64.powi(-(k as i32));
        exp += k;
    }
    x
}
