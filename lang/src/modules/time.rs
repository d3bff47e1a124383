//! `time`: clocks from the host, `sleep` as a host op, calendar conversions in Rust.

use std::rc::Rc;

use crate::builtins::{arg_float, arg_int, Args, NativeTable};
use crate::exc::{type_error, value_error, PyResult};
use crate::host::{Op, Reply};
use crate::types::{new_class, types};
use crate::value::{Class, ClassKind, Instance, Payload, Value};
use crate::vm::Vm;

const FUNCTIONS: NativeTable = &[
    ("time", time),
    ("time_ns", time_ns),
    ("monotonic", monotonic),
    ("monotonic_ns", monotonic_ns),
    ("perf_counter", monotonic),
    ("perf_counter_ns", monotonic_ns),
    ("process_time", monotonic),
    ("sleep", sleep),
    ("ctime", ctime),
    ("asctime", asctime),
    ("localtime", localtime),
    ("gmtime", gmtime),
    ("mktime", mktime),
    ("strftime", strftime),
    ("strptime", strptime),
];

const STRUCT_TIME_METHODS: NativeTable = &[
    ("__getitem__", st_getitem),
    ("__len__", st_len),
    ("__iter__", st_iter),
    ("__repr__", st_repr),
    ("__getattr__", st_getattr),
];

const FIELDS: [&str; 9] = [
    "tm_year", "tm_mon", "tm_mday", "tm_hour", "tm_min", "tm_sec", "tm_wday", "tm_yday", "tm_isdst",
];

/// A broken-down time (`time.struct_time`).
pub struct StructTime(pub [i64; 9], pub i64);

thread_local! {
    static STRUCT_TIME: Rc<Class> = new_class("struct_time", "time", vec![types().object.clone()], ClassKind::Object, None, STRUCT_TIME_METHODS, true);
}

pub fn module(_vm: &mut Vm) -> Value {
    let (m, g) = super::make_module("time", FUNCTIONS);
    super::set(
        &g,
        "struct_time",
        Value::Class(STRUCT_TIME.with(|c| c.clone())),
    );
    super::set(&g, "timezone", Value::Int(0));
    super::set(&g, "altzone", Value::Int(0));
    super::set(&g, "daylight", Value::Int(0));
    super::set(
        &g,
        "tzname",
        Value::tuple(vec![Value::str("UTC"), Value::str("UTC")]),
    );
    m
}

fn time(vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::Float(vm.host.time()))
}
fn time_ns(vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::from_i128((vm.host.time() * 1e9) as i128))
}
fn monotonic(vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::Float(vm.host.monotonic()))
}
fn monotonic_ns(vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::from_i128((vm.host.monotonic() * 1e9) as i128))
}

/// `time.sleep(secs)`: the thread waits for the host's timer.
fn sleep(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [secs] = args.bind("sleep", ["*secs"], 1)?;
    let secs = secs.expect("arg");
    let s = arg_float(&secs).map_err(|_| {
        type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            secs.type_name()
        ))
    })?;
    if s < 0.0 {
        return Err(value_error("sleep length must be non-negative"));
    }
    vm.block(Op::Sleep { seconds: s }, |_vm, r| match r {
        Reply::Err(e) => Err(crate::exc::from_os(&e)),
        _ => Ok(Value::None),
    })
}

/// Days since 1970-01-01 → (year, month, day) (Howard Hinnant's algorithm).
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Seconds since the epoch → the 9 struct_time fields.
pub fn broken_down(secs: i64) -> [i64; 9] {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let wday = (days + 3).rem_euclid(7); // 1970-01-01 was a Thursday (Monday = 0)
    let yday = days - days_from_civil(y, 1, 1) + 1;
    [
        y,
        m,
        d,
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60,
        wday,
        yday,
        0,
    ]
}

fn make_struct(fields: [i64; 9], offset: i64) -> Value {
    let cls = STRUCT_TIME.with(|c| c.clone());
    Value::Instance(Rc::new(Instance::new(
        cls,
        Payload::Native(Box::new(StructTime(fields, offset))),
    )))
}

fn secs_arg(vm: &mut Vm, v: Option<Value>) -> PyResult<i64> {
    match v {
        None | Some(Value::None) => Ok(vm.host.time().floor() as i64),
        Some(v) => Ok(arg_float(&v)?.floor() as i64),
    }
}

fn localtime(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [s] = args.bind("localtime", ["*seconds"], 0)?;
    let off = vm.host.utc_offset();
    let secs = secs_arg(vm, s)?;
    Ok(make_struct(broken_down(secs + off), off))
}

fn gmtime(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [s] = args.bind("gmtime", ["*seconds"], 0)?;
    let secs = secs_arg(vm, s)?;
    Ok(make_struct(broken_down(secs), 0))
}

fn tuple_fields(vm: &mut Vm, v: &Value) -> PyResult<[i64; 9]> {
    if let Value::Instance(i) = v {
        if let Some(st) = i.native::<StructTime>() {
            return Ok(st.0);
        }
    }
    let items = vm.iterate(v)?;
    if items.len() != 9 {
        return Err(type_error("time tuple must have exactly 9 elements"));
    }
    let mut f = [0i64; 9];
    for (i, it) in items.iter().enumerate() {
        f[i] = arg_int(it)?;
    }
    Ok(f)
}

fn mktime(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [t] = args.bind("mktime", ["*t"], 1)?;
    let f = tuple_fields(vm, &t.expect("arg"))?;
    let days = days_from_civil(f[0], f[1], f[2]);
    let secs = days * 86_400 + f[3] * 3600 + f[4] * 60 + f[5] - vm.host.utc_offset();
    Ok(Value::Float(secs as f64))
}

const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn asctime_of(f: &[i64; 9]) -> String {
    format!(
        "{} {} {:2} {:02}:{:02}:{:02} {}",
        &DAYS[f[6].rem_euclid(7) as usize][..3],
        &MONTHS[(f[1] - 1).rem_euclid(12) as usize][..3],
        f[2],
        f[3],
        f[4],
        f[5],
        f[0]
    )
}

fn ctime(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [s] = args.bind("ctime", ["*seconds"], 0)?;
    let off = vm.host.utc_offset();
    let secs = secs_arg(vm, s)?;
    Ok(Value::str(asctime_of(&broken_down(secs + off))))
}

fn asctime(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [t] = args.bind("asctime", ["*t"], 0)?;
    let f = match t {
        Some(t) => tuple_fields(vm, &t)?,
        None => {
            let off = vm.host.utc_offset();
            broken_down(vm.host.time().floor() as i64 + off)
        }
    };
    Ok(Value::str(asctime_of(&f)))
}

/// `time.strftime(format[, t])` for the common directives.
fn strftime(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [fmt, t] = args.bind("strftime", ["*format", "*t"], 1)?;
    let fmt = crate::builtins::arg_str(&fmt.expect("arg"), "strftime", 1)?;
    let f = match t {
        Some(t) => tuple_fields(vm, &t)?,
        None => {
            let off = vm.host.utc_offset();
            broken_down(vm.host.time().floor() as i64 + off)
        }
    };
    Ok(Value::str(format_time(fmt.as_str(), &f)))
}

/// strftime formatting of broken-down time fields (C locale).
pub fn format_time(fmt: &str, f: &[i64; 9]) -> String {
    let mut out = String::new();
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let Some(d) = chars.next() else {
            out.push('%');
            break;
        };
        let wd = f[6].rem_euclid(7) as usize;
        let mon = (f[1] - 1).rem_euclid(12) as usize;
        let hour12 = if f[3] % 12 == 0 { 12 } else { f[3] % 12 };
        match d {
            'Y' => out.push_str(&f[0].to_string()),
            'y' => out.push_str(&format!("{:02}", f[0].rem_euclid(100))),
            'm' => out.push_str(&format!("{:02}", f[1])),
            'd' => out.push_str(&format!("{:02}", f[2])),
            'e' => out.push_str(&format!("{:2}", f[2])),
            'H' => out.push_str(&format!("{:02}", f[3])),
            'I' => out.push_str(&format!("{hour12:02}")),
            'M' => out.push_str(&format!("{:02}", f[4])),
            'S' => out.push_str(&format!("{:02}", f[5])),
            'p' => out.push_str(if f[3] < 12 { "AM" } else { "PM" }),
            'a' => out.push_str(&DAYS[wd][..3]),
            'A' => out.push_str(DAYS[wd]),
            'b' | 'h' => out.push_str(&MONTHS[mon][..3]),
            'B' => out.push_str(MONTHS[mon]),
            'j' => out.push_str(&format!("{:03}", f[7])),
            'w' => out.push_str(&((wd + 1) % 7).to_string()),
            'u' => out.push_str(&(wd + 1).to_string()),
            'Z' => out.push_str("UTC"),
            'z' => out.push_str("+0000"),
            'c' => out.push_str(&asctime_of(f)),
            'x' => out.push_str(&format!(
                "{:02}/{:02}/{:02}",
                f[1],
                f[2],
                f[0].rem_euclid(100)
            )),
            'X' | 'T' => out.push_str(&format!("{:02}:{:02}:{:02}", f[3], f[4], f[5])),
            'D' => out.push_str(&format!(
                "{:02}/{:02}/{:02}",
                f[1],
                f[2],
                f[0].rem_euclid(100)
            )),
            'F' => out.push_str(&format!("{}-{:02}-{:02}", f[0], f[1], f[2])),
            'R' => out.push_str(&format!("{:02}:{:02}", f[3], f[4])),
            'n' => out.push('\n'),
            't' => out.push('\t'),
            '%' => out.push('%'),
            other => {
                out.push('%');
                out.push(other);
            }
        }
    }
    let _ = is_leap(2000);
    out
}

fn st_fields(v: &Value) -> [i64; 9] {
    match v {
        Value::Instance(i) => i.native::<StructTime>().map(|s| s.0).unwrap_or([0; 9]),
        _ => [0; 9],
    }
}

fn st_getitem(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [i] = args.bind("__getitem__", ["*i"], 1)?;
    let t = Value::tuple(st_fields(&this).iter().map(|x| Value::Int(*x)).collect());
    vm.getitem(&t, &i.expect("arg"))
}

fn st_len(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::Int(9))
}

fn st_iter(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let t = Value::tuple(st_fields(&this).iter().map(|x| Value::Int(*x)).collect());
    vm.get_iter(&t)
}

fn st_repr(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let f = st_fields(&this);
    let parts: Vec<String> = FIELDS
        .iter()
        .zip(f.iter())
        .map(|(n, v)| format!("{n}={v}"))
        .collect();
    Ok(Value::str(format!(
        "time.struct_time({})",
        parts.join(", ")
    )))
}

fn st_getattr(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [name] = args.bind("__getattr__", ["*name"], 1)?;
    let name = name.expect("arg");
    let n = name.as_str().unwrap_or("");
    let f = st_fields(&this);
    if let Some(i) = FIELDS.iter().position(|x| *x == n) {
        return Ok(Value::Int(f[i]));
    }
    match n {
        "tm_zone" => Ok(Value::str("UTC")),
        "tm_gmtoff" => Ok(Value::Int(match &this {
            Value::Instance(i) => i.native::<StructTime>().map(|s| s.1).unwrap_or(0),
            _ => 0,
        })),
        _ => Err(crate::exc::attribute_error(format!(
            "'time.struct_time' object has no attribute '{n}'"
        ))),
    }
}

/// `time.strptime(string, format)` for the common directives (C locale).
fn strptime(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [text, fmt] = args.bind("strptime", ["*string", "*format"], 1)?;
    let text = crate::builtins::arg_str(&text.expect("arg"), "strptime", 1)?;
    let fmt = match fmt {
        Some(f) => crate::builtins::arg_str(&f, "strptime", 2)?
            .as_str()
            .to_string(),
        None => "%a %b %d %H:%M:%S %Y".to_string(),
    };
    let fail = || {
        value_error(format!(
            "time data {} does not match format {}",
            crate::ops::str_repr(text.as_str()),
            crate::ops::str_repr(&fmt)
        ))
    };
    let src: Vec<char> = text.as_str().chars().collect();
    let mut i = 0;
    let (mut y, mut mo, mut d, mut h, mut mi, mut sec) = (1900i64, 1i64, 1i64, 0i64, 0i64, 0i64);
    let mut pm: Option<bool> = None;
    let mut yday: Option<i64> = None;
    let num = |i: &mut usize, max: usize| -> Option<i64> {
        let start = *i;
        while *i < src.len() && *i - start < max && src[*i].is_ascii_digit() {
            *i += 1;
        }
        if *i == start {
            return None;
        }
        src[start..*i].iter().collect::<String>().parse().ok()
    };
    let word = |i: &mut usize, names: &[&str], full: bool| -> Option<i64> {
        for (k, n) in names.iter().enumerate() {
            let cand: String = if full {
                n.to_string()
            } else {
                n[..3].to_string()
            };
            let len = cand.chars().count();
            if *i + len <= src.len()
                && src[*i..*i + len]
                    .iter()
                    .collect::<String>()
                    .eq_ignore_ascii_case(&cand)
            {
                *i += len;
                return Some(k as i64);
            }
        }
        None
    };
    let mut fchars = fmt.chars().peekable();
    while let Some(c) = fchars.next() {
        if c == '%' {
            let Some(dch) = fchars.next() else {
                return Err(fail());
            };
            let ok = match dch {
                'Y' => num(&mut i, 4).map(|v| y = v),
                'y' => num(&mut i, 2).map(|v| y = if v < 69 { 2000 + v } else { 1900 + v }),
                'm' => num(&mut i, 2).map(|v| mo = v),
                'd' => num(&mut i, 2).map(|v| d = v),
                'H' | 'I' => num(&mut i, 2).map(|v| h = v),
                'M' => num(&mut i, 2).map(|v| mi = v),
                'S' => num(&mut i, 2).map(|v| sec = v),
                'j' => num(&mut i, 3).map(|v| yday = Some(v)),
                'b' | 'h' => word(&mut i, &MONTHS, false).map(|k| mo = k + 1),
                'B' => word(&mut i, &MONTHS, true).map(|k| mo = k + 1),
                'a' => word(&mut i, &DAYS, false).map(|_| ()),
                'A' => word(&mut i, &DAYS, true).map(|_| ()),
                'p' => word(&mut i, &["AM", "PM"], true).map(|k| pm = Some(k == 1)),
                'Z' => {
                    let start = i;
                    while i < src.len() && src[i].is_ascii_alphabetic() {
                        i += 1;
                    }
                    (i > start).then_some(())
                }
                '%' => (i < src.len() && src[i] == '%').then(|| i += 1),
                _ => None,
            };
            if ok.is_none() {
                return Err(fail());
            }
        } else if c.is_whitespace() {
            while i < src.len() && src[i].is_whitespace() {
                i += 1;
            }
        } else {
            if i >= src.len() || src[i] != c {
                return Err(fail());
            }
            i += 1;
        }
    }
    if i != src.len() {
        return Err(value_error(format!(
            "unconverted data remains: {}",
            src[i..].iter().collect::<String>()
        )));
    }
    if let Some(p) = pm {
        if p && h < 12 {
            h += 12;
        } else if !p && h == 12 {
            h = 0;
        }
    }
    let days = days_from_civil(y, mo, d);
    let wday = (days + 3).rem_euclid(7);
    let yd = yday.unwrap_or(days - days_from_civil(y, 1, 1) + 1);
    Ok(make_struct([y, mo, d, h, mi, sec, wday, yd, -1], 0))
}
