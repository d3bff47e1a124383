//! `math`: the common functions and constants with CPython's domain/range errors.

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{FromPrimitive, One, Signed, ToPrimitive, Zero};

use crate::ast::BinOp;
use crate::builtins::{arg_float, Args, NativeTable};
use crate::exc::{new_exc, type_error, value_error, PyErr, PyResult};
use crate::value::Value;
use crate::vm::Vm;

const FUNCTIONS: NativeTable = &[
    ("sqrt", sqrt),
    ("floor", floor),
    ("ceil", ceil),
    ("trunc", trunc),
    ("log", log),
    ("log2", log2),
    ("log10", log10),
    ("log1p", log1p),
    ("exp", exp),
    ("pow", pow),
    ("fabs", fabs),
    ("sin", sin),
    ("cos", cos),
    ("tan", tan),
    ("asin", asin),
    ("acos", acos),
    ("atan", atan),
    ("atan2", atan2),
    ("hypot", hypot),
    ("dist", dist),
    ("degrees", degrees),
    ("radians", radians),
    ("isnan", isnan),
    ("isinf", isinf),
    ("isfinite", isfinite),
    ("isclose", isclose),
    ("copysign", copysign),
    ("fmod", fmod),
    ("modf", modf),
    ("gcd", gcd),
    ("lcm", lcm),
    ("factorial", factorial),
    ("comb", comb),
    ("perm", perm),
    ("isqrt", isqrt),
    ("prod", prod),
    ("fsum", fsum),
];

pub fn module(_vm: &mut Vm) -> Value {
    let (m, g) = super::make_module("math", FUNCTIONS);
    super::set(&g, "pi", Value::Float(std::f64::consts::PI));
    super::set(&g, "e", Value::Float(std::f64::consts::E));
    super::set(&g, "tau", Value::Float(std::f64::consts::TAU));
    super::set(&g, "inf", Value::Float(f64::INFINITY));
    super::set(&g, "nan", Value::Float(f64::NAN));
    m
}

fn domain() -> PyErr {
    value_error("math domain error")
}
fn range() -> PyErr {
    new_exc("OverflowError", "math range error")
}

fn one(args: Args, name: &str) -> PyResult<f64> {
    let [x] = args.bind(name, ["*x"], 1)?;
    arg_float(&x.expect("arg"))
}
fn two(args: Args, name: &str) -> PyResult<(f64, f64)> {
    let [x, y] = args.bind(name, ["*x", "*y"], 2)?;
    Ok((arg_float(&x.expect("arg"))?, arg_float(&y.expect("arg"))?))
}

/// A float result, checked the way CPython's `math_1` does: nan from non-nan is a
/// domain error, inf from finite is a range error.
fn checked(x: f64, r: f64, can_overflow: bool) -> PyResult<Value> {
    if r.is_nan() && !x.is_nan() {
        return Err(domain());
    }
    if r.is_infinite() && x.is_finite() {
        return Err(if can_overflow { range() } else { domain() });
    }
    Ok(Value::Float(r))
}

macro_rules! unary {
    ($name:ident, $f:expr, $overflow:expr) => {
        fn $name(_vm: &mut Vm, args: Args) -> PyResult<Value> {
            let x = one(args, stringify!($name))?;
            let f: fn(f64) -> f64 = $f;
            checked(x, f(x), $overflow)
        }
    };
}

unary!(sqrt, f64::sqrt, false);
unary!(exp, f64::exp, true);
unary!(sin, f64::sin, false);
unary!(cos, f64::cos, false);
unary!(tan, f64::tan, false);
unary!(asin, f64::asin, false);
unary!(acos, f64::acos, false);
unary!(atan, f64::atan, false);
unary!(fabs, f64::abs, false);
unary!(degrees, f64::to_degrees, true);
unary!(radians, f64::to_radians, false);

fn float_to_int(x: f64) -> PyResult<Value> {
    if x.is_nan() {
        return Err(value_error("cannot convert float NaN to integer"));
    }
    if x.is_infinite() {
        return Err(new_exc(
            "OverflowError",
            "cannot convert float infinity to integer",
        ));
    }
    Ok(Value::from_bigint(BigInt::from_f64(x).unwrap_or_default()))
}

fn rounding(args: Args, name: &str, f: fn(f64) -> f64) -> PyResult<Value> {
    let [x] = args.bind(name, ["*x"], 1)?;
    let x = x.expect("arg");
    match x {
        Value::Int(_) | Value::Long(_) => Ok(x),
        Value::Bool(b) => Ok(Value::Int(b as i64)),
        other => float_to_int(f(arg_float(&other)?)),
    }
}

fn floor(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    rounding(args, "floor", f64::floor)
}
fn ceil(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    rounding(args, "ceil", f64::ceil)
}
fn trunc(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    rounding(args, "trunc", f64::trunc)
}

/// The natural log of any real, big ints included (CPython scales them down first).
fn ln_of(v: &Value) -> PyResult<f64> {
    if let Value::Long(b) = v {
        if !b.is_positive() {
            return Err(domain());
        }
        // As CPython's loghelper: the int as a double when it fits, else frexp-style.
        if let Some(f) = b.to_f64().filter(|f| f.is_finite()) {
            return Ok(f.ln());
        }
        let bits = b.bits();
        let shift = bits - 53;
        let top: BigInt = &**b >> shift;
        let m = top.to_f64().unwrap_or(0.0) / 2f64.powi(53);
        return Ok(m.ln() + (bits as f64) * std::f64::consts::LN_2);
    }
    let x = arg_float(v)?;
    if x <= 0.0 {
        return Err(domain());
    }
    Ok(x.ln())
}

fn log(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [x, base] = args.bind("log", ["*x", "*base"], 1)?;
    let num = ln_of(&x.expect("arg"))?;
    match base {
        None => Ok(Value::Float(num)),
        Some(b) => {
            let den = ln_of(&b)?;
            if den == 0.0 {
                return Err(new_exc("ZeroDivisionError", "float division by zero"));
            }
            Ok(Value::Float(num / den))
        }
    }
}
fn log2(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [x] = args.bind("log2", ["*x"], 1)?;
    let x = x.expect("arg");
    if let Value::Long(_) = x {
        return Ok(Value::Float(ln_of(&x)? / std::f64::consts::LN_2));
    }
    let f = arg_float(&x)?;
    if f <= 0.0 {
        return Err(domain());
    }
    Ok(Value::Float(f.log2()))
}
fn log10(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [x] = args.bind("log10", ["*x"], 1)?;
    let x = x.expect("arg");
    if let Value::Long(_) = x {
        return Ok(Value::Float(ln_of(&x)? / std::f64::consts::LN_10));
    }
    let f = arg_float(&x)?;
    if f <= 0.0 {
        return Err(domain());
    }
    Ok(Value::Float(f.log10()))
}
fn log1p(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let x = one(args, "log1p")?;
    if x <= -1.0 {
        return Err(domain());
    }
    Ok(Value::Float(x.ln_1p()))
}

fn pow(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (x, y) = two(args, "pow")?;
    if x == 0.0 && y < 0.0 && y.is_finite() {
        return Err(domain());
    }
    if x < 0.0 && x.is_finite() && y.is_finite() && y.fract() != 0.0 {
        return Err(domain());
    }
    let r = x.powf(y);
    if r.is_infinite() && x.is_finite() && y.is_finite() {
        return Err(range());
    }
    Ok(Value::Float(r))
}

fn atan2(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (y, x) = two(args, "atan2")?;
    Ok(Value::Float(y.atan2(x)))
}
fn copysign(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (x, y) = two(args, "copysign")?;
    Ok(Value::Float(x.copysign(y)))
}
fn fmod(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (x, y) = two(args, "fmod")?;
    if y == 0.0 || x.is_infinite() {
        return Err(domain());
    }
    Ok(Value::Float(x % y))
}
fn modf(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let x = one(args, "modf")?;
    let i = x.trunc();
    Ok(Value::tuple(vec![
        Value::Float((x - i).copysign(x)),
        Value::Float(i),
    ]))
}

fn hypot(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    args.no_kw("hypot")?;
    let mut acc = 0.0f64;
    for v in &args.pos {
        acc = acc.hypot(arg_float(v)?);
    }
    Ok(Value::Float(acc))
}
fn dist(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [p, q] = args.bind("dist", ["*p", "*q"], 2)?;
    let p = vm.iterate(&p.expect("arg"))?;
    let q = vm.iterate(&q.expect("arg"))?;
    if p.len() != q.len() {
        return Err(value_error(
            "both points must have the same number of dimensions",
        ));
    }
    let mut acc = 0.0f64;
    for (a, b) in p.iter().zip(&q) {
        acc = acc.hypot(arg_float(a)? - arg_float(b)?);
    }
    Ok(Value::Float(acc))
}

fn isnan(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Bool(one(args, "isnan")?.is_nan()))
}
fn isinf(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Bool(one(args, "isinf")?.is_infinite()))
}
fn isfinite(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Bool(one(args, "isfinite")?.is_finite()))
}

fn isclose(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [a, b, rel, abs] = args.bind("isclose", ["a", "b", "rel_tol", "abs_tol"], 2)?;
    let a = arg_float(&a.expect("arg"))?;
    let b = arg_float(&b.expect("arg"))?;
    let rel = rel.map(|v| arg_float(&v)).transpose()?.unwrap_or(1e-9);
    let abs = abs.map(|v| arg_float(&v)).transpose()?.unwrap_or(0.0);
    if rel < 0.0 || abs < 0.0 {
        return Err(value_error("tolerances must be non-negative"));
    }
    if a == b {
        return Ok(Value::Bool(true));
    }
    if a.is_infinite() || b.is_infinite() {
        return Ok(Value::Bool(false));
    }
    let diff = (b - a).abs();
    Ok(Value::Bool(
        diff <= (rel * b).abs() || diff <= (rel * a).abs() || diff <= abs,
    ))
}

fn int_arg(v: &Value) -> PyResult<BigInt> {
    match v {
        Value::Int(_) | Value::Bool(_) | Value::Long(_) => Ok(v.as_bigint().expect("int")),
        other => Err(type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            other.type_name()
        ))),
    }
}

fn gcd(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    args.no_kw("gcd")?;
    let mut acc = BigInt::zero();
    for v in &args.pos {
        acc = acc.gcd(&int_arg(v)?);
    }
    Ok(Value::from_bigint(acc))
}
fn lcm(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    args.no_kw("lcm")?;
    let mut acc = BigInt::one();
    for v in &args.pos {
        acc = acc.lcm(&int_arg(v)?);
    }
    Ok(Value::from_bigint(acc))
}

fn factorial(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [n] = args.bind("factorial", ["*n"], 1)?;
    let n = int_arg(&n.expect("arg"))?;
    if n.is_negative() {
        return Err(value_error("factorial() not defined for negative values"));
    }
    let n = u64::try_from(&n).map_err(|_| {
        new_exc(
            "OverflowError",
            "factorial() argument should not exceed 9223372036854775807",
        )
    })?;
    let mut acc = BigInt::one();
    for k in 2..=n {
        acc *= k;
    }
    Ok(Value::from_bigint(acc))
}

fn perm_comb(args: Args, name: &str, comb: bool) -> PyResult<Value> {
    let [n, k] = args.bind(name, ["*n", "*k"], if comb { 2 } else { 1 })?;
    let n = int_arg(&n.expect("arg"))?;
    let k = match k {
        Some(Value::None) | None => n.clone(),
        Some(k) => int_arg(&k)?,
    };
    if n.is_negative() {
        return Err(value_error("n must be a non-negative integer"));
    }
    if k.is_negative() {
        return Err(value_error("k must be a non-negative integer"));
    }
    if k > n {
        return Ok(Value::Int(0));
    }
    let k = u64::try_from(&k)
        .map_err(|_| new_exc("OverflowError", "k must not exceed 9223372036854775807"))?;
    let mut acc = BigInt::one();
    for i in 0..k {
        acc *= &n - i;
    }
    if comb {
        let mut f = BigInt::one();
        for i in 2..=k {
            f *= i;
        }
        acc /= f;
    }
    Ok(Value::from_bigint(acc))
}
fn comb(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    perm_comb(args, "comb", true)
}
fn perm(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    perm_comb(args, "perm", false)
}

fn isqrt(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [n] = args.bind("isqrt", ["*n"], 1)?;
    let n = int_arg(&n.expect("arg"))?;
    if n.is_negative() {
        return Err(value_error("isqrt() argument must be nonnegative"));
    }
    Ok(Value::from_bigint(num_integer::Roots::sqrt(&n)))
}

fn prod(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let start = args.take_kw("start").unwrap_or(Value::Int(1));
    let [it] = args.bind("prod", ["*iterable"], 1)?;
    let mut acc = start;
    for v in vm.iterate(&it.expect("arg"))? {
        acc = vm.binary_op(BinOp::Mult, acc, v, false)?;
    }
    Ok(acc)
}

/// Exactly rounded sum (Shewchuk's algorithm, as CPython's `math_fsum`).
fn fsum(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [it] = args.bind("fsum", ["*seq"], 1)?;
    let mut partials: Vec<f64> = Vec::new();
    let mut special = 0.0f64;
    for v in vm.iterate(&it.expect("arg"))? {
        let mut x = arg_float(&v)?;
        if !x.is_finite() {
            special += x;
            continue;
        }
        let mut i = 0;
        for j in 0..partials.len() {
            let mut y = partials[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                partials[i] = lo;
                i += 1;
            }
            x = hi;
        }
        partials.truncate(i);
        partials.push(x);
    }
    if special != 0.0 || special.is_nan() {
        return Ok(Value::Float(special));
    }
    let mut hi = 0.0;
    if let Some(mut n) = partials.len().checked_sub(1) {
        hi = partials[n];
        let mut lo = 0.0;
        while n > 0 {
            let x = hi;
            n -= 1;
            let y = partials[n];
            hi = x + y;
            let yr = hi - x;
            lo = y - yr;
            if lo != 0.0 {
                break;
            }
        }
        if n > 0 && ((lo < 0.0 && partials[n - 1] < 0.0) || (lo > 0.0 && partials[n - 1] > 0.0)) {
            let y = lo * 2.0;
            let x = hi + y;
            if y == x - hi {
                hi = x;
            }
        }
    }
    Ok(Value::Float(hi))
}
