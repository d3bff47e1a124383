//! `struct`: packing values into bytes by format string, with CPython 3.11's byte orders,
//! native alignment and `struct.error` messages (x86-64 Linux sizes for `@`).

use std::rc::Rc;

use num_traits::ToPrimitive;

use crate::builtins::{arg_int, Args, NativeTable};
use crate::exc::{instantiate, new_exc, type_error, PyErr, PyResult};
use crate::types::{new_class, types};
use crate::value::{Class, ClassKind, Instance, Payload, Value};
use crate::vm::Vm;

const FUNCTIONS: NativeTable = &[
    ("pack", pack),
    ("unpack", unpack),
    ("calcsize", calcsize),
    ("iter_unpack", iter_unpack),
    ("unpack_from", unpack_from),
    ("pack_into", pack_into),
];

const STRUCT_METHODS: NativeTable = &[
    ("pack", s_pack),
    ("unpack", s_unpack),
    ("iter_unpack", s_iter_unpack),
    ("unpack_from", s_unpack_from),
    ("pack_into", s_pack_into),
    ("__getattr__", s_getattr),
];

thread_local! {
    static ERROR: Rc<Class> = new_class("error", "struct", vec![types().exc("Exception").expect("Exception")], ClassKind::Exception, None, &[], false);
    static STRUCT: Rc<Class> = new_class("Struct", "_struct", vec![types().object.clone()], ClassKind::Object, Some(struct_new), STRUCT_METHODS, true);
}

pub fn module(_vm: &mut Vm) -> Value {
    let (m, g) = super::make_module("struct", FUNCTIONS);
    super::set(&g, "error", Value::Class(ERROR.with(|c| c.clone())));
    super::set(&g, "Struct", Value::Class(STRUCT.with(|c| c.clone())));
    m
}

fn error(msg: impl Into<String>) -> PyErr {
    let cls = ERROR.with(|c| c.clone());
    instantiate(&cls, vec![Value::str(msg)])
}

#[derive(Clone, Copy, PartialEq)]
enum Order {
    Native,
    Little,
    Big,
}

/// One format code with its repeat count and offset in the packed bytes.
#[derive(Clone, Copy)]
struct Item {
    code: u8,
    count: usize,
    offset: usize,
}

/// A compiled format: what `Struct` holds.
pub struct Format {
    text: String,
    order: Order,
    items: Vec<Item>,
    size: usize,
    /// How many values pack takes / unpack returns.
    nvalues: usize,
}

fn item_size(code: u8, native: bool) -> Option<usize> {
    Some(match code {
        b'x' | b'c' | b'b' | b'B' | b'?' | b's' | b'p' => 1,
        b'h' | b'H' | b'e' => 2,
        b'i' | b'I' | b'f' => 4,
        b'l' | b'L' => {
            if native {
                8
            } else {
                4
            }
        }
        b'q' | b'Q' | b'd' => 8,
        b'n' | b'N' | b'P' if native => 8,
        _ => return None,
    })
}

fn compile(text: &str) -> PyResult<Format> {
    let b = text.as_bytes();
    let mut i = 0;
    let order = match b.first() {
        Some(b'@') => {
            i = 1;
            Order::Native
        }
        Some(b'=') | Some(b'<') => {
            i = 1;
            Order::Little
        }
        Some(b'>') | Some(b'!') => {
            i = 1;
            Order::Big
        }
        _ => Order::Native,
    };
    let native = b.first().is_none_or(|c| *c == b'@' || !b"=<>!".contains(c));
    let mut items = Vec::new();
    let mut size = 0usize;
    let mut nvalues = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let mut count = 1usize;
        if c.is_ascii_digit() {
            let mut n = 0usize;
            while i < b.len() && b[i].is_ascii_digit() {
                n = n
                    .checked_mul(10)
                    .and_then(|n| n.checked_add((b[i] - b'0') as usize))
                    .ok_or_else(|| error("total struct size too long"))?;
                i += 1;
            }
            if i >= b.len() {
                return Err(error("repeat count given without format specifier"));
            }
            count = n;
        }
        let code = b[i];
        i += 1;
        let isz = item_size(code, native).ok_or_else(|| error("bad char in struct format"))?;
        if native && !matches!(code, b's' | b'p') {
            size = size.div_ceil(isz) * isz;
        }
        items.push(Item {
            code,
            count,
            offset: size,
        });
        size += isz * count;
        nvalues += match code {
            b'x' => 0,
            b's' | b'p' => 1,
            _ => count,
        };
    }
    Ok(Format {
        text: text.to_string(),
        order,
        items,
        size,
        nvalues,
    })
}

fn format_text(v: &Value) -> PyResult<String> {
    match v {
        Value::Str(s) => Ok(s.as_str().to_string()),
        Value::Bytes(b) => Ok(String::from_utf8_lossy(b).into_owned()),
        other => Err(type_error(format!(
            "Struct() argument 1 must be a str or bytes object, not {}",
            other.type_name()
        ))),
    }
}

fn int_value(v: &Value) -> PyResult<i128> {
    match v {
        Value::Int(i) => Ok(*i as i128),
        Value::Bool(b) => Ok(*b as i128),
        // Anything beyond i128 is out of range for every format anyway.
        Value::Long(b) => Ok(b
            .to_i128()
            .unwrap_or(if b.sign() == num_bigint::Sign::Minus {
                i128::MIN
            } else {
                i128::MAX
            })),
        _ => Err(error("required argument is not an integer")),
    }
}

fn pack_int(fmt: &Format, code: u8, v: &Value, out: &mut [u8]) -> PyResult<()> {
    let x = int_value(v)?;
    let big = fmt.order == Order::Big;
    let size = out.len();
    let signed = matches!(code, b'b' | b'h' | b'i' | b'l' | b'q' | b'n');
    let range = |lo: i128, hi: i128| -> String {
        format!("'{}' format requires {lo} <= number <= {hi}", code as char)
    };
    let fits64 = if signed {
        i64::try_from(x).is_ok()
    } else {
        u64::try_from(x).is_ok()
    };
    match code {
        b'b' | b'B' | b'h' | b'H' if !(big && matches!(code, b'h' | b'H')) => {
            if i64::try_from(x).is_err() {
                return Err(error("argument out of range"));
            }
            let (name, lo, hi) = match code {
                b'b' => ("byte", -128, 127),
                b'B' => ("ubyte", 0, 255),
                b'h' => ("short", -32768, 32767),
                _ => ("ushort", 0, 65535),
            };
            if x < lo || x > hi {
                return Err(error(format!(
                    "{name} format requires {lo} <= number <= {hi}"
                )));
            }
        }
        b'q' | b'Q' if big => {
            if !fits64 {
                return Err(error("int too large to convert"));
            }
        }
        b'P' => {
            if !(i64::try_from(x).is_ok() || u64::try_from(x).is_ok()) {
                return Err(error("argument out of range"));
            }
        }
        _ => {
            if !fits64 {
                return Err(error("argument out of range"));
            }
            if size < 8 {
                let bits = size as u32 * 8;
                let (lo, hi) = if signed {
                    (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
                } else {
                    (0, (1i128 << bits) - 1)
                };
                if x < lo || x > hi {
                    return Err(error(range(lo, hi)));
                }
            }
        }
    }
    let bytes = (x as u128).to_le_bytes();
    out.copy_from_slice(&bytes[..size]);
    if big {
        out.reverse();
    }
    Ok(())
}

fn float_value(v: &Value) -> PyResult<f64> {
    match v {
        Value::Float(f) => Ok(*f),
        Value::Int(_) | Value::Bool(_) | Value::Long(_) => crate::builtins::arg_float(v),
        _ => Err(error("required argument is not a float")),
    }
}

/// IEEE 754 half precision with round-half-even, as `PyFloat_Pack2`.
fn f16_bits(x: f64) -> PyResult<u16> {
    let sign: u16 = if x.is_sign_negative() { 0x8000 } else { 0 };
    if x.is_nan() {
        return Ok(sign | 0x7e00);
    }
    let a = x.abs();
    if a.is_infinite() {
        return Ok(sign | 0x7c00);
    }
    if a == 0.0 {
        return Ok(sign);
    }
    // Scale into units of the smallest subnormal (2^-24), round half to even, then
    // renormalise: this handles subnormals, normals and overflow uniformly.
    let (mut m, mut e) = frexp(a); // a = m * 2^e, 0.5 <= m < 1
    e -= 1; // a = (2m) * 2^e with 1 <= 2m < 2
    m *= 2.0;
    if e < -14 {
        // subnormal: value / 2^-24
        let units = round_half_even(a * 2f64.powi(24));
        if units >= 1024.0 {
            return Ok(sign | 0x0400); // rounds up to the smallest normal
        }
        return Ok(sign | units as u16);
    }
    let mut frac = round_half_even((m - 1.0) * 1024.0);
    if frac >= 1024.0 {
        frac = 0.0;
        e += 1;
    }
    if e > 15 {
        return Err(new_exc(
            "OverflowError",
            "float too large to pack with e format",
        ));
    }
    Ok(sign | (((e + 15) as u16) << 10) | frac as u16)
}

fn frexp(x: f64) -> (f64, i32) {
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        let (m, e) = frexp(x * 2f64.powi(64));
        return (m, e - 64);
    }
    let m = f64::from_bits((bits & !(0x7ffu64 << 52)) | (1022u64 << 52));
    (m, exp - 1022)
}

fn round_half_even(x: f64) -> f64 {
    x.round_ties_even()
}

fn f16_value(h: u16) -> f64 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let e = ((h >> 10) & 0x1f) as i32;
    let f = (h & 0x3ff) as f64;
    sign * match e {
        0 => f * 2f64.powi(-24),
        31 => {
            if f == 0.0 {
                f64::INFINITY
            } else {
                f64::NAN
            }
        }
        _ => (1.0 + f / 1024.0) * 2f64.powi(e - 15),
    }
}

fn pack_bytes(vm: &mut Vm, fmt: &Format, values: &[Value]) -> PyResult<Vec<u8>> {
    if values.len() != fmt.nvalues {
        return Err(error(format!(
            "pack expected {} items for packing (got {})",
            fmt.nvalues,
            values.len()
        )));
    }
    let mut out = vec![0u8; fmt.size];
    let mut vals = values.iter();
    let native = fmt.order == Order::Native;
    for it in &fmt.items {
        let isz = item_size(it.code, native).unwrap_or(1);
        match it.code {
            b'x' => {}
            b's' | b'p' => {
                let v = vals.next().expect("counted");
                let data = match v {
                    Value::Bytes(b) => b.to_vec(),
                    Value::ByteArray(b) => b.borrow().clone(),
                    _ => {
                        return Err(error(format!(
                            "argument for '{}' must be a bytes object",
                            it.code as char
                        )))
                    }
                };
                let dst = &mut out[it.offset..it.offset + it.count];
                if it.code == b's' {
                    let n = data.len().min(it.count);
                    dst[..n].copy_from_slice(&data[..n]);
                } else if it.count > 0 {
                    let n = data.len().min(it.count - 1).min(255);
                    dst[1..1 + n].copy_from_slice(&data[..n]);
                    dst[0] = n as u8;
                }
            }
            code => {
                for k in 0..it.count {
                    let v = vals.next().expect("counted");
                    let at = it.offset + k * isz;
                    let dst = &mut out[at..at + isz];
                    match code {
                        b'c' => match v {
                            Value::Bytes(b) if b.len() == 1 => dst[0] = b[0],
                            Value::ByteArray(b) if b.borrow().len() == 1 => dst[0] = b.borrow()[0],
                            _ => {
                                return Err(error(
                                    "char format requires a bytes object of length 1",
                                ))
                            }
                        },
                        b'?' => dst[0] = vm.truthy(v)? as u8,
                        b'e' => {
                            let h = f16_bits(float_value(v)?)?;
                            dst.copy_from_slice(&h.to_le_bytes());
                        }
                        b'f' => {
                            let x = float_value(v)?;
                            let f = x as f32;
                            if f.is_infinite() && x.is_finite() && !native {
                                return Err(new_exc(
                                    "OverflowError",
                                    "float too large to pack with f format",
                                ));
                            }
                            dst.copy_from_slice(&f.to_le_bytes());
                        }
                        b'd' => dst.copy_from_slice(&float_value(v)?.to_le_bytes()),
                        _ => {
                            pack_int(fmt, code, v, dst)?;
                            continue;
                        }
                    }
                    if fmt.order == Order::Big && matches!(code, b'e' | b'f' | b'd') {
                        dst.reverse();
                    }
                }
            }
        }
    }
    Ok(out)
}

fn unpack_bytes(fmt: &Format, data: &[u8]) -> Value {
    let mut out = Vec::with_capacity(fmt.nvalues);
    let native = fmt.order == Order::Native;
    for it in &fmt.items {
        let isz = item_size(it.code, native).unwrap_or(1);
        match it.code {
            b'x' => {}
            b's' => out.push(Value::bytes(data[it.offset..it.offset + it.count].to_vec())),
            b'p' => {
                if it.count == 0 {
                    out.push(Value::bytes(vec![]));
                } else {
                    let n = (data[it.offset] as usize).min(it.count - 1);
                    out.push(Value::bytes(
                        data[it.offset + 1..it.offset + 1 + n].to_vec(),
                    ));
                }
            }
            code => {
                for k in 0..it.count {
                    let at = it.offset + k * isz;
                    let mut raw = data[at..at + isz].to_vec();
                    if fmt.order == Order::Big {
                        raw.reverse();
                    }
                    let mut le = [0u8; 16];
                    le[..isz].copy_from_slice(&raw);
                    let u = u128::from_le_bytes(le);
                    out.push(match code {
                        b'c' => Value::bytes(vec![raw[0]]),
                        b'?' => Value::Bool(raw[0] != 0),
                        b'e' => Value::Float(f16_value(u as u16)),
                        b'f' => Value::Float(f32::from_bits(u as u32) as f64),
                        b'd' => Value::Float(f64::from_bits(u as u64)),
                        b'b' | b'h' | b'i' | b'l' | b'q' | b'n' => {
                            let shift = 128 - isz as u32 * 8;
                            Value::from_i128(((u << shift) as i128) >> shift)
                        }
                        _ => Value::from_i128(u as i128),
                    });
                }
            }
        }
    }
    Value::tuple(out)
}

fn buffer(v: &Value) -> PyResult<Vec<u8>> {
    crate::builtins::arg_bytes_like(v)
}

fn compiled(v: &Value) -> PyResult<Rc<Format>> {
    if let Value::Instance(i) = v {
        if let Some(f) = i.native::<Rc<Format>>() {
            return Ok(f.clone());
        }
    }
    let text = format_text(v)?;
    Ok(Rc::new(compile(&text)?))
}

fn split_format(mut args: Args, fname: &str) -> PyResult<(Rc<Format>, Args)> {
    if args.pos.is_empty() {
        if let Some(f) = args.take_kw("format") {
            return Ok((compiled(&f)?, args));
        }
        return Err(type_error(if fname == "pack" || fname == "pack_into" {
            "missing format argument".to_string()
        } else {
            format!("{fname}() missing required argument 'format' (pos 1)")
        }));
    }
    let f = args.pos.remove(0);
    Ok((compiled(&f)?, args))
}

fn do_pack(vm: &mut Vm, fmt: &Format, args: Args) -> PyResult<Value> {
    args.no_kw("pack")?;
    Ok(Value::bytes(pack_bytes(vm, fmt, &args.pos)?))
}

fn do_unpack(fmt: &Format, args: Args) -> PyResult<Value> {
    let [buf] = args.bind("unpack", ["*buffer"], 1)?;
    let data = buffer(&buf.expect("arg"))?;
    if data.len() != fmt.size {
        return Err(error(format!(
            "unpack requires a buffer of {} bytes",
            fmt.size
        )));
    }
    Ok(unpack_bytes(fmt, &data))
}

fn do_unpack_from(fmt: &Format, args: Args) -> PyResult<Value> {
    let [buf, off] = args.bind("unpack_from", ["buffer", "offset"], 1)?;
    let data = buffer(&buf.expect("arg"))?;
    let mut off = match off {
        Some(v) => arg_int(&v)?,
        None => 0,
    };
    let len = data.len() as i64;
    if off < 0 {
        if off + len < 0 {
            return Err(error(format!(
                "offset {off} out of range for {len}-byte buffer"
            )));
        }
        off += len;
    }
    if len - off < fmt.size as i64 {
        if off > len {
            return Err(error(format!(
                "offset {off} out of range for {len}-byte buffer"
            )));
        }
        return Err(error(format!(
            "unpack_from requires a buffer of at least {} bytes for unpacking {} bytes at offset {off} (actual buffer size is {len})",
            fmt.size as i64 + off,
            fmt.size
        )));
    }
    let off = off as usize;
    Ok(unpack_bytes(fmt, &data[off..off + fmt.size]))
}

fn do_iter_unpack(vm: &mut Vm, fmt: &Format, args: Args) -> PyResult<Value> {
    let [buf] = args.bind("iter_unpack", ["*buffer"], 1)?;
    let data = buffer(&buf.expect("arg"))?;
    if fmt.size == 0 {
        return Err(error("cannot iteratively unpack with a struct of length 0"));
    }
    if data.len() % fmt.size != 0 {
        return Err(error(format!(
            "iterative unpacking requires a buffer of a multiple of {} bytes",
            fmt.size
        )));
    }
    let items: Vec<Value> = data
        .chunks(fmt.size)
        .map(|c| unpack_bytes(fmt, c))
        .collect();
    // An iterator over the unpacked tuples (CPython returns an unpack_iterator).
    let list = Value::list(items);
    vm.get_iter(&list)
}

fn do_pack_into(vm: &mut Vm, fmt: &Format, mut args: Args) -> PyResult<Value> {
    args.no_kw("pack_into")?;
    if args.pos.len() < 2 {
        return Err(type_error("pack_into expected buffer argument"));
    }
    let buf = args.pos.remove(0);
    let off = arg_int(&args.pos.remove(0))?;
    let Value::ByteArray(target) = &buf else {
        return Err(type_error(format!(
            "argument must be read-write bytes-like object, not {}",
            buf.type_name()
        )));
    };
    let bytes = pack_bytes(vm, fmt, &args.pos)?;
    let mut t = target.borrow_mut();
    let len = t.len() as i64;
    let mut off = off;
    if off < 0 {
        if off + len < 0 {
            return Err(error(format!(
                "offset {off} out of range for {len}-byte buffer"
            )));
        }
        off += len;
    }
    if len - off < fmt.size as i64 {
        if off > len {
            return Err(error(format!(
                "offset {off} out of range for {len}-byte buffer"
            )));
        }
        return Err(error(format!(
            "pack_into requires a buffer of at least {} bytes for packing {} bytes at offset {off} (actual buffer size is {len})",
            fmt.size as i64 + off,
            fmt.size
        )));
    }
    let off = off as usize;
    t[off..off + fmt.size].copy_from_slice(&bytes);
    Ok(Value::None)
}

fn pack(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (f, a) = split_format(args, "pack")?;
    do_pack(vm, &f, a)
}
fn unpack(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (f, a) = split_format(args, "unpack")?;
    do_unpack(&f, a)
}
fn unpack_from(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (f, a) = split_format(args, "unpack_from")?;
    do_unpack_from(&f, a)
}
fn iter_unpack(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (f, a) = split_format(args, "iter_unpack")?;
    do_iter_unpack(vm, &f, a)
}
fn pack_into(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (f, a) = split_format(args, "pack_into")?;
    do_pack_into(vm, &f, a)
}
fn calcsize(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (f, a) = split_format(args, "calcsize")?;
    a.bind("calcsize", [], 0)?;
    Ok(Value::Int(f.size as i64))
}

fn struct_new(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let cls = args.this();
    let [f] = args.bind("Struct", ["format"], 1)?;
    let text = format_text(&f.expect("arg"))?;
    let fmt = Rc::new(compile(&text)?);
    let cls = match cls {
        Value::Class(c) => c,
        _ => STRUCT.with(|c| c.clone()),
    };
    Ok(Value::Instance(Rc::new(Instance::new(
        cls,
        Payload::Native(Box::new(fmt)),
    ))))
}

fn this_format(args: &mut Args) -> PyResult<Rc<Format>> {
    let this = args.this();
    match &this {
        Value::Instance(i) => i
            .native::<Rc<Format>>()
            .cloned()
            .ok_or_else(|| type_error("descriptor requires a '_struct.Struct' object")),
        _ => Err(type_error("descriptor requires a '_struct.Struct' object")),
    }
}

fn s_pack(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let f = this_format(&mut args)?;
    do_pack(vm, &f, args)
}
fn s_unpack(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let f = this_format(&mut args)?;
    do_unpack(&f, args)
}
fn s_unpack_from(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let f = this_format(&mut args)?;
    do_unpack_from(&f, args)
}
fn s_iter_unpack(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let f = this_format(&mut args)?;
    do_iter_unpack(vm, &f, args)
}
fn s_pack_into(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let f = this_format(&mut args)?;
    do_pack_into(vm, &f, args)
}
fn s_getattr(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let f = this_format(&mut args)?;
    let [name] = args.bind("__getattr__", ["*name"], 1)?;
    let name = name.expect("arg");
    match name.as_str().unwrap_or("") {
        "format" => Ok(Value::str(f.text.clone())),
        "size" => Ok(Value::Int(f.size as i64)),
        n => Err(crate::exc::attribute_error(format!(
            "'_struct.Struct' object has no attribute '{n}'"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_floats_round_like_cpython() {
        assert_eq!(f16_bits(1.5).ok(), Some(0x3e00));
        assert_eq!(f16_bits(65504.0).ok(), Some(0x7bff));
        assert!(f16_bits(1e10).is_err());
        assert_eq!(f16_bits(5.960464477539063e-08).ok(), Some(1));
        assert_eq!(f16_value(0x3c00), 1.0);
    }

    #[test]
    fn native_alignment_pads_before_items() {
        assert_eq!(compile("@bq").map(|f| f.size).ok(), Some(16));
        assert_eq!(compile("@qb").map(|f| f.size).ok(), Some(9));
        assert_eq!(compile("<bq").map(|f| f.size).ok(), Some(9));
    }
}
