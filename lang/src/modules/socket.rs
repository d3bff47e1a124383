//! `socket`: the socket class and module functions. Every call that reaches the network
//! is a host [`Op`]; the calling green thread waits for the reply.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::builtins::{arg_bytes_like, arg_float, arg_int, Args, NativeTable};
use crate::exc::{from_os, new_exc, os_error, timed_out, type_error, value_error, PyResult};
use crate::host::{Addr, Family, Op, Reply, Shutdown, SockOpt, SockType, SocketCall, SocketHandle};
use crate::types::{new_class, types};
use crate::value::{Class, ClassKind, Instance, Payload, Value};
use crate::vm::Vm;

/// The state of a socket object.
pub struct SockState {
    pub handle: Cell<i32>,
    pub family: Family,
    pub kind: SockType,
    pub proto: i64,
    /// `None`: blocking; `Some(0.0)`: non-blocking; else seconds.
    pub timeout: Cell<Option<f64>>,
    pub laddr: RefCell<Option<Addr>>,
    pub raddr: RefCell<Option<Addr>>,
    /// Bytes received but not yet consumed (`recv(n, MSG_PEEK)`, and makefile readers
    /// that read ahead of a line end).
    pub pushback: RefCell<Vec<u8>>,
    pub listening: Cell<bool>,
    /// Options the host does not carry (SO_LINGER...), as set by the script.
    pub local_opts: RefCell<Vec<((i64, i64), Value)>>,
}

thread_local! {
    static SOCKET_CLASS: RefCell<Option<Rc<Class>>> = const { RefCell::new(None) };
    static GAIERROR: RefCell<Option<Rc<Class>>> = const { RefCell::new(None) };
    static DEFAULT_TIMEOUT: Cell<Option<f64>> = const { Cell::new(None) };
    /// The IntEnum-like members, created once per thread so `is` holds between them.
    static ENUM_MEMBERS: RefCell<Vec<(&'static str, Value)>> = const { RefCell::new(Vec::new()) };
}

/// CPython's `socket.AddressFamily` and `socket.SocketKind` members: (enum, name, value).
const ENUMS: &[(&str, &str, i64)] = &[
    ("AddressFamily", "AF_UNSPEC", 0),
    ("AddressFamily", "AF_UNIX", 1),
    ("AddressFamily", "AF_INET", 2),
    ("AddressFamily", "AF_INET6", 10),
    ("SocketKind", "SOCK_STREAM", 1),
    ("SocketKind", "SOCK_DGRAM", 2),
    ("SocketKind", "SOCK_RAW", 3),
    ("SocketKind", "SOCK_SEQPACKET", 5),
    ("SocketKind", "SOCK_NONBLOCK", 2048),
    ("SocketKind", "SOCK_CLOEXEC", 524288),
];

const ENUM_METHODS: NativeTable = &[
    ("__repr__", enum_repr),
    ("__str__", enum_str),
    ("__int__", enum_int),
    ("__index__", enum_int),
    ("__hash__", enum_int),
];

fn enum_member_of(v: &Value) -> PyResult<(&'static str, &'static str, i64)> {
    if let Value::Instance(i) = v {
        if let Some(m) = i.native::<crate::value::IntEnumMember>() {
            let cls = ENUMS
                .iter()
                .find(|(_, n, _)| *n == m.name)
                .map(|e| e.0)
                .unwrap_or("IntEnum");
            return Ok((cls, m.name, m.value));
        }
    }
    Err(type_error("descriptor requires an enum member"))
}

fn enum_repr(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (cls, name, value) = enum_member_of(&args.this())?;
    Ok(Value::str(format!("<{cls}.{name}: {value}>")))
}

/// `str()` of an IntEnum member is its int's (Python 3.11).
fn enum_str(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (_, _, value) = enum_member_of(&args.this())?;
    Ok(Value::str(value.to_string()))
}

fn enum_int(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (_, _, value) = enum_member_of(&args.this())?;
    Ok(Value::Int(value))
}

/// The member named `name` (one of [`ENUMS`]).
fn enum_member(name: &'static str) -> Value {
    ENUM_MEMBERS.with(|m| {
        if let Some((_, v)) = m.borrow().iter().find(|(n, _)| *n == name) {
            return v.clone();
        }
        let mut members = m.borrow_mut();
        let mut classes: Vec<(&'static str, Rc<Class>)> = Vec::new();
        for (cls, n, value) in ENUMS {
            let class = match classes.iter().find(|(c, _)| c == cls) {
                Some((_, c)) => c.clone(),
                None => {
                    let c = new_class(
                        cls,
                        "socket",
                        vec![types().int.clone()],
                        ClassKind::Object,
                        None,
                        ENUM_METHODS,
                        true,
                    );
                    classes.push((cls, c.clone()));
                    c
                }
            };
            let inst = Instance::new(
                class,
                Payload::Native(Box::new(crate::value::IntEnumMember {
                    name: n,
                    value: *value,
                })),
            );
            inst.dict
                .borrow_mut()
                .insert(Rc::from("name"), Value::str(*n));
            inst.dict
                .borrow_mut()
                .insert(Rc::from("value"), Value::Int(*value));
            members.push((n, Value::Instance(Rc::new(inst))));
        }
        members
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .expect("enum member")
    })
}

/// The member of `enum` whose value is `value`, or the plain int.
fn enum_value(enum_: &str, value: i64) -> Value {
    match ENUMS.iter().find(|(c, _, v)| *c == enum_ && *v == value) {
        Some((_, n, _)) => enum_member(n),
        None => Value::Int(value),
    }
}

const METHODS: NativeTable = &[
    ("bind", sock_bind),
    ("listen", sock_listen),
    ("accept", sock_accept),
    ("connect", sock_connect),
    ("connect_ex", sock_connect_ex),
    ("send", sock_send),
    ("sendall", sock_sendall),
    ("sendto", sock_sendto),
    ("recv", sock_recv),
    ("recvfrom", sock_recvfrom),
    ("recv_into", sock_recv_into),
    ("close", sock_close),
    ("shutdown", sock_shutdown),
    ("getsockname", sock_getsockname),
    ("getpeername", sock_getpeername),
    ("setsockopt", sock_setsockopt),
    ("getsockopt", sock_getsockopt),
    ("settimeout", sock_settimeout),
    ("gettimeout", sock_gettimeout),
    ("setblocking", sock_setblocking),
    ("getblocking", sock_getblocking),
    ("fileno", sock_fileno),
    ("detach", sock_detach),
    ("__enter__", sock_enter),
    ("__exit__", sock_exit),
    ("__repr__", sock_repr),
    ("__getattr__", sock_getattr),
    ("makefile", sock_makefile),
];

const FUNCTIONS: NativeTable = &[
    ("gethostname", gethostname),
    ("gethostbyname", gethostbyname),
    ("getaddrinfo", getaddrinfo),
    ("create_connection", create_connection),
    ("create_server", create_server),
    ("inet_pton", inet_pton),
    ("inet_ntop", inet_ntop),
    ("inet_aton", inet_aton),
    ("inet_ntoa", inet_ntoa),
    ("htons", htons),
    ("ntohs", htons),
    ("htonl", htonl),
    ("ntohl", htonl),
    ("getdefaulttimeout", getdefaulttimeout),
    ("setdefaulttimeout", setdefaulttimeout),
    ("getfqdn", getfqdn),
    ("getservbyname", getservbyname),
    ("getservbyport", getservbyport),
    ("gethostbyname_ex", gethostbyname_ex),
];

const CONSTANTS: &[(&str, i64)] = &[
    ("AF_UNSPEC", 0),
    ("AF_UNIX", 1),
    ("AF_INET", 2),
    ("AF_INET6", 10),
    ("SOCK_STREAM", 1),
    ("SOCK_DGRAM", 2),
    ("SOCK_RAW", 3),
    ("SOCK_NONBLOCK", 2048),
    ("SOCK_CLOEXEC", 524288),
    ("SOL_SOCKET", 1),
    ("SO_DEBUG", 1),
    ("SO_REUSEADDR", 2),
    ("SO_TYPE", 3),
    ("SO_ERROR", 4),
    ("SO_BROADCAST", 6),
    ("SO_SNDBUF", 7),
    ("SO_RCVBUF", 8),
    ("SO_KEEPALIVE", 9),
    ("SO_LINGER", 13),
    ("SO_OOBINLINE", 10),
    ("SO_RCVLOWAT", 18),
    ("SO_SNDLOWAT", 19),
    ("SO_ACCEPTCONN", 30),
    ("IP_TOS", 1),
    ("IP_MULTICAST_LOOP", 34),
    ("IP_DROP_MEMBERSHIP", 36),
    ("IPPROTO_ICMP", 1),
    ("IPV6_V6ONLY", 26),
    ("TCP_MAXSEG", 2),
    ("SOCK_SEQPACKET", 5),
    ("MSG_TRUNC", 32),
    ("EAI_NONAME", -2),
    ("AI_ADDRCONFIG", 32),
    ("NI_MAXHOST", 1025),
    ("INADDR_NONE", 0xffff_ffff),
    ("SO_REUSEPORT", 15),
    ("SO_RCVTIMEO", 20),
    ("SO_SNDTIMEO", 21),
    ("IPPROTO_IP", 0),
    ("IPPROTO_TCP", 6),
    ("IPPROTO_UDP", 17),
    ("IPPROTO_IPV6", 41),
    ("TCP_NODELAY", 1),
    ("TCP_KEEPIDLE", 4),
    ("TCP_KEEPINTVL", 5),
    ("TCP_KEEPCNT", 6),
    ("SHUT_RD", 0),
    ("SHUT_WR", 1),
    ("SHUT_RDWR", 2),
    ("SOMAXCONN", 4096),
    ("MSG_OOB", 1),
    ("MSG_PEEK", 2),
    ("MSG_DONTWAIT", 64),
    ("MSG_WAITALL", 256),
    ("AI_PASSIVE", 1),
    ("AI_CANONNAME", 2),
    ("AI_NUMERICHOST", 4),
    ("NI_NUMERICHOST", 1),
    ("INADDR_ANY", 0),
    ("INADDR_BROADCAST", 0xffff_ffff),
    ("INADDR_LOOPBACK", 0x7f00_0001),
    ("IP_TTL", 2),
    ("IP_MULTICAST_TTL", 33),
    ("IP_ADD_MEMBERSHIP", 35),
];

/// The `socket.socket` class (created with the module).
pub fn socket_class() -> Rc<Class> {
    SOCKET_CLASS.with(|c| {
        c.borrow_mut()
            .get_or_insert_with(|| {
                new_class(
                    "socket",
                    "socket",
                    vec![types().object.clone()],
                    ClassKind::Object,
                    Some(socket_new),
                    METHODS,
                    true,
                )
            })
            .clone()
    })
}

pub fn module(vm: &mut Vm) -> Value {
    let _ = vm;
    let (m, g) = super::make_module("socket", FUNCTIONS);
    super::set(&g, "socket", Value::Class(socket_class()));
    super::set(&g, "SocketType", Value::Class(socket_class()));
    for (n, v) in CONSTANTS {
        match ENUMS.iter().find(|e| e.1 == *n) {
            Some(_) => super::set(&g, n, enum_member(n)),
            None => super::set(&g, n, Value::Int(*v)),
        }
    }
    for (class, member) in [("AddressFamily", "AF_INET"), ("SocketKind", "SOCK_STREAM")] {
        if let Value::Instance(i) = enum_member(member) {
            super::set(&g, class, Value::Class(i.class.clone()));
        }
    }
    super::set(&g, "has_ipv6", Value::Bool(true));
    let os = types().exc("OSError").expect("OSError");
    super::set(&g, "error", Value::Class(os.clone()));
    super::set(
        &g,
        "timeout",
        Value::Class(types().exc("TimeoutError").expect("TimeoutError")),
    );
    super::set(&g, "gaierror", Value::Class(gaierror_class()));
    let herror = new_class(
        "herror",
        "socket",
        vec![os.clone()],
        ClassKind::Exception,
        None,
        &[],
        false,
    );
    super::set(&g, "herror", Value::Class(herror));
    m
}

fn state(v: &Value) -> PyResult<&SockState> {
    match v {
        Value::Instance(i) => i
            .native::<SockState>()
            .ok_or_else(|| type_error("descriptor requires a 'socket' object")),
        _ => Err(type_error("descriptor requires a 'socket' object")),
    }
}

fn open_handle(st: &SockState) -> PyResult<SocketHandle> {
    let h = st.handle.get();
    if h < 0 {
        Err(os_error(crate::host::errno::EBADF, "Bad file descriptor"))
    } else {
        Ok(SocketHandle(h))
    }
}

fn make_socket(
    family: Family,
    kind: SockType,
    proto: i64,
    handle: i32,
    timeout: Option<f64>,
) -> Value {
    let st = SockState {
        handle: Cell::new(handle),
        family,
        kind,
        proto,
        timeout: Cell::new(timeout),
        laddr: RefCell::new(None),
        raddr: RefCell::new(None),
        pushback: RefCell::new(Vec::new()),
        listening: Cell::new(false),
        local_opts: RefCell::new(Vec::new()),
    };
    Value::Instance(Rc::new(Instance::new(
        socket_class(),
        Payload::Native(Box::new(st)),
    )))
}

fn addr_tuple(a: &Addr, family: Family) -> Value {
    match family {
        Family::Inet6 => Value::tuple(vec![
            Value::str(a.host.as_str()),
            Value::Int(a.port as i64),
            Value::Int(0),
            Value::Int(0),
        ]),
        Family::Inet => Value::tuple(vec![Value::str(a.host.as_str()), Value::Int(a.port as i64)]),
    }
}

fn unbound_addr(family: Family) -> Addr {
    match family {
        Family::Inet => Addr::new("0.0.0.0", 0),
        Family::Inet6 => Addr::new("::", 0),
    }
}

/// Parse `(host, port)` as CPython does for AF_INET (`fname`: `bind`, `connect`...).
fn parse_addr(v: &Value, fname: &str, family: Family) -> PyResult<Addr> {
    let fam = if family == Family::Inet6 {
        "AF_INET6"
    } else {
        "AF_INET"
    };
    let Value::Tuple(t) = v else {
        return Err(type_error(format!(
            "{fname}(): {fam} address must be tuple, not {}",
            v.type_name()
        )));
    };
    if t.len() < 2 || (family == Family::Inet && t.len() != 2) {
        return Err(type_error(format!(
            "{fname}(): {fam} address must be a pair (host, port)"
        )));
    }
    let host = match &t[0] {
        Value::Str(s) => s.as_str().to_string(),
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        other => {
            return Err(type_error(format!(
                "str, bytes or bytearray expected, not {}",
                other.type_name()
            )))
        }
    };
    let port = match &t[1] {
        Value::Int(p) => *p,
        Value::Bool(b) => *b as i64,
        other => {
            return Err(type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                other.type_name()
            )))
        }
    };
    if !(0..=65535).contains(&port) {
        return Err(new_exc(
            "OverflowError",
            format!("{fname}(): port must be 0-65535."),
        ));
    }
    let host = match host.as_str() {
        "<broadcast>" => "255.255.255.255".to_string(),
        _ => host,
    };
    Ok(Addr::new(host, port as u16))
}

/// Submit a socket call and turn the reply into a value with `ok`.
fn sock_op(
    vm: &mut Vm,
    this: &Value,
    call: SocketCall,
    ok: impl FnOnce(&mut Vm, Reply) -> PyResult<Value> + 'static,
) -> PyResult<Value> {
    let st = state(this)?;
    let sock = open_handle(st)?;
    let timeout = st.timeout.get();
    vm.block(
        Op::Socket {
            sock,
            call,
            timeout,
        },
        move |vm, reply| match reply {
            Reply::Err(e) => Err(from_os(&e)),
            Reply::TimedOut => Err(timed_out()),
            other => ok(vm, other),
        },
    )
}

fn unexpected(r: Reply) -> crate::exc::PyErr {
    crate::exc::runtime_error(format!("socklab host gave an unexpected reply: {r:?}"))
}

fn family_of(v: i64) -> PyResult<Family> {
    match v {
        2 => Ok(Family::Inet),
        10 => Ok(Family::Inet6),
        _ => Err(os_error(97, "Address family not supported by protocol")),
    }
}

fn kind_of(v: i64) -> PyResult<SockType> {
    match v & !(2048 | 524288) {
        1 => Ok(SockType::Stream),
        2 => Ok(SockType::Dgram),
        _ => Err(os_error(94, "Socket type not supported")),
    }
}

/// `socket.socket(family=AF_INET, type=SOCK_STREAM, proto=0, fileno=None)`.
pub fn socket_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    args.this();
    let [family, kind, proto, _fileno] =
        args.bind("socket", ["family", "type", "proto", "fileno"], 0)?;
    let fam_n = match family {
        Some(Value::None) | None => 2,
        Some(v) => arg_int(&v)?,
    };
    let kind_n = match kind {
        Some(Value::None) | None => 1,
        Some(v) => arg_int(&v)?,
    };
    let proto = match proto {
        Some(v) => arg_int(&v)?,
        None => 0,
    };
    let family = family_of(fam_n)?;
    let kind = kind_of(kind_n)?;
    let nonblock = kind_n & 2048 != 0;
    vm.block(Op::Create { family, kind }, move |_vm, reply| match reply {
        Reply::Created(h) => {
            let timeout = if nonblock {
                Some(0.0)
            } else {
                DEFAULT_TIMEOUT.with(|d| d.get())
            };
            Ok(make_socket(family, kind, proto, h.0, timeout))
        }
        Reply::Err(e) => Err(from_os(&e)),
        other => Err(unexpected(other)),
    })
}

fn sock_bind(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [addr] = args.bind("bind", ["*address"], 1)?;
    let st = state(&this)?;
    let a = parse_addr(&addr.expect("arg"), "bind", st.family)?;
    let me = this.clone();
    sock_op(vm, &this, SocketCall::Bind(a), move |_vm, r| match r {
        Reply::Bound { local } => {
            *state(&me)?.laddr.borrow_mut() = Some(local);
            Ok(Value::None)
        }
        other => Err(unexpected(other)),
    })
}

fn sock_listen(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [backlog] = args.bind("listen", ["*backlog"], 0)?;
    let backlog = match backlog {
        Some(b) => arg_int(&b)?.clamp(0, 4096) as u32,
        None => 128,
    };
    let me = this.clone();
    sock_op(
        vm,
        &this,
        SocketCall::Listen { backlog },
        move |_vm, r| match r {
            Reply::Done => {
                let st = state(&me)?;
                st.listening.set(true);
                if st.laddr.borrow().is_none() {
                    *st.laddr.borrow_mut() = Some(unbound_addr(st.family));
                }
                Ok(Value::None)
            }
            Reply::Bound { local } => {
                *state(&me)?.laddr.borrow_mut() = Some(local);
                Ok(Value::None)
            }
            other => Err(unexpected(other)),
        },
    )
}

fn sock_accept(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    args.bind("accept", [], 0)?;
    let st = state(&this)?;
    let (family, kind, proto) = (st.family, st.kind, st.proto);
    sock_op(vm, &this, SocketCall::Accept, move |_vm, r| match r {
        Reply::Accepted { sock, local, peer } => {
            let timeout = DEFAULT_TIMEOUT.with(|d| d.get());
            let conn = make_socket(family, kind, proto, sock.0, timeout);
            let cs = state(&conn)?;
            *cs.laddr.borrow_mut() = Some(local);
            *cs.raddr.borrow_mut() = Some(peer.clone());
            Ok(Value::tuple(vec![conn.clone(), addr_tuple(&peer, family)]))
        }
        other => Err(unexpected(other)),
    })
}

fn connected(me: &Value, r: Reply) -> PyResult<Value> {
    match r {
        Reply::Connected { local, peer } => {
            let st = state(me)?;
            *st.laddr.borrow_mut() = Some(local);
            *st.raddr.borrow_mut() = Some(peer);
            Ok(Value::None)
        }
        other => Err(unexpected(other)),
    }
}

fn sock_connect(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [addr] = args.bind("connect", ["*address"], 1)?;
    let st = state(&this)?;
    let a = parse_addr(&addr.expect("arg"), "connect", st.family)?;
    let nonblocking = st.timeout.get() == Some(0.0);
    let me = this.clone();
    if nonblocking && st.kind == SockType::Stream {
        // A non-blocking connect reports EINPROGRESS; select() then shows it writable.
        let sock = open_handle(st)?;
        return vm.block(
            Op::Socket {
                sock,
                call: SocketCall::Connect(a),
                timeout: None,
            },
            move |_vm, r| match r {
                Reply::Err(e) => Err(from_os(&e)),
                other => {
                    connected(&me, other)?;
                    Err(os_error(
                        crate::host::errno::EINPROGRESS,
                        "Operation now in progress",
                    ))
                }
            },
        );
    }
    sock_op(vm, &this, SocketCall::Connect(a), move |_vm, r| {
        connected(&me, r)
    })
}

fn sock_connect_ex(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [addr] = args.bind("connect_ex", ["*address"], 1)?;
    let st = state(&this)?;
    let a = parse_addr(&addr.expect("arg"), "connect_ex", st.family)?;
    let sock = open_handle(st)?;
    let timeout = st.timeout.get();
    let nonblocking = timeout == Some(0.0) && st.kind == SockType::Stream;
    let me = this.clone();
    let timeout = if nonblocking { None } else { timeout };
    vm.block(
        Op::Socket {
            sock,
            call: SocketCall::Connect(a),
            timeout,
        },
        move |_vm, r| match r {
            Reply::Err(e) => Ok(Value::Int(e.errno as i64)),
            Reply::TimedOut => Ok(Value::Int(crate::host::errno::EAGAIN as i64)),
            other => connected(&me, other).map(|_| {
                Value::Int(if nonblocking {
                    crate::host::errno::EINPROGRESS as i64
                } else {
                    0
                })
            }),
        },
    )
}

fn sock_send(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [data, _flags] = args.bind("send", ["*data", "*flags"], 1)?;
    let data = arg_bytes_like(&data.expect("arg"))?;
    sock_op(vm, &this, SocketCall::Send(data), |_vm, r| match r {
        Reply::Sent(n) => Ok(Value::Int(n as i64)),
        other => Err(unexpected(other)),
    })
}

fn sock_sendall(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [data, _flags] = args.bind("sendall", ["*data", "*flags"], 1)?;
    let data = arg_bytes_like(&data.expect("arg"))?;
    sock_op(vm, &this, SocketCall::SendAll(data), |_vm, r| match r {
        Reply::Sent(_) | Reply::Done => Ok(Value::None),
        other => Err(unexpected(other)),
    })
}

fn sock_sendto(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    args.no_kw("sendto")?;
    let (data, addr) = match args.pos.len() {
        2 => (args.pos[0].clone(), args.pos[1].clone()),
        3 => (args.pos[0].clone(), args.pos[2].clone()),
        n => {
            return Err(type_error(format!(
                "sendto() takes 2 or 3 arguments ({n} given)"
            )))
        }
    };
    let data = arg_bytes_like(&data)?;
    let st = state(&this)?;
    let a = parse_addr(&addr, "sendto", st.family)?;
    let me = this.clone();
    sock_op(
        vm,
        &this,
        SocketCall::SendTo(data, a),
        move |_vm, r| match r {
            Reply::Sent(n) => {
                let st = state(&me)?;
                if st.laddr.borrow().is_none() {
                    *st.laddr.borrow_mut() = Some(unbound_addr(st.family));
                }
                Ok(Value::Int(n as i64))
            }
            other => Err(unexpected(other)),
        },
    )
}

fn bufsize(v: Option<Value>, fname: &str) -> PyResult<usize> {
    let n = arg_int(&v.expect("arg"))?;
    if n < 0 {
        return Err(value_error(format!("negative buffersize in {fname}")));
    }
    Ok(n as usize)
}

fn sock_recv(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [n, flags] = args.bind("recv", ["*bufsize", "*flags"], 1)?;
    let max = bufsize(n, "recv")?;
    let peek = match flags {
        Some(f) => arg_int(&f)? & 2 != 0,
        None => false,
    };
    let st = state(&this)?;
    open_handle(st)?;
    {
        let mut pb = st.pushback.borrow_mut();
        if !pb.is_empty() {
            let n = max.min(pb.len());
            let out: Vec<u8> = if peek {
                pb[..n].to_vec()
            } else {
                pb.drain(..n).collect()
            };
            return Ok(Value::bytes(out));
        }
    }
    let me = this.clone();
    sock_op(vm, &this, SocketCall::Recv { max }, move |_vm, r| match r {
        Reply::Data(d) | Reply::DataFrom(d, _) => {
            if peek {
                state(&me)?.pushback.borrow_mut().extend_from_slice(&d);
            }
            Ok(Value::bytes(d))
        }
        other => Err(unexpected(other)),
    })
}

// ---------------------------------------------------------------------------------------
// makefile

/// A file over a socket (`sock.makefile(mode)`): reads fill the socket's pushback
/// buffer with host recv ops; writes are sent at once.
pub struct SockFile {
    pub sock: Value,
    pub binary: bool,
    pub readable: bool,
    pub writable: bool,
    pub encoding: String,
    pub mode: String,
    pub closed: Cell<bool>,
    pub eof: Cell<bool>,
}

const FILE_METHODS: NativeTable = &[
    ("read", sf_read),
    ("readline", sf_readline),
    ("readlines", sf_readlines),
    ("write", sf_write),
    ("flush", sf_flush),
    ("close", sf_close),
    ("__enter__", sf_enter),
    ("__exit__", sf_exit),
    ("__iter__", sf_enter),
    ("__next__", sf_next),
    ("fileno", sf_fileno),
    ("__repr__", sf_repr),
    ("__getattr__", sf_getattr),
    ("peek", sf_peek),
];

thread_local! {
    // One class per kind of file, named as CPython's io classes are.
    static SOCKFILE: [Rc<Class>; 4] = ["TextIOWrapper", "BufferedReader", "BufferedWriter", "BufferedRWPair"]
        .map(|n| new_class(n, "_io", vec![types().object.clone()], ClassKind::Object, None, FILE_METHODS, true));
}

fn sf(v: &Value) -> PyResult<&SockFile> {
    match v {
        Value::Instance(i) => i
            .native::<SockFile>()
            .ok_or_else(|| type_error("a socket file is required")),
        _ => Err(type_error("a socket file is required")),
    }
}

/// Is `v` a socket file (`makefile`)?
pub fn is_sockfile(v: &Value) -> bool {
    sf(v).is_ok()
}

/// The socket file behind `v`, if it is one (print(file=...) writes without nesting).
pub fn sockfile_write(vm: &mut Vm, file: &Value, text: &str) -> Option<PyResult<Value>> {
    let f = sf(file).ok()?;
    if f.binary {
        return Some(Err(type_error(
            "a bytes-like object is required, not 'str'",
        )));
    }
    let data = match crate::text::codec::encode(text, &f.encoding, "strict") {
        Ok(d) => d,
        Err(e) => return Some(Err(crate::exc::new_exc(e.class_name(), e.to_string()))),
    };
    let sock = f.sock.clone();
    Some(sock_op(vm, &sock, SocketCall::SendAll(data), |_vm, _r| {
        Ok(Value::None)
    }))
}

fn sock_makefile(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [mode, _buffering, encoding, _errors, _newline] = args.bind(
        "makefile",
        ["mode", "buffering", "encoding", "errors", "newline"],
        0,
    )?;
    let mode = match mode {
        Some(Value::Str(m)) => m.as_str().to_string(),
        None => "r".to_string(),
        Some(other) => {
            return Err(type_error(format!(
                "makefile() argument 'mode' must be str, not {}",
                other.type_name()
            )))
        }
    };
    if !mode.chars().all(|c| "rwb".contains(c)) || mode.is_empty() {
        return Err(value_error(format!(
            "invalid mode {mode:?} (only r, w, b allowed)"
        )));
    }
    state(&this)?;
    let binary = mode.contains('b');
    let encoding = encoding
        .and_then(|e| e.as_str().map(String::from))
        .unwrap_or_else(|| "utf-8".into());
    let f = SockFile {
        sock: this,
        binary,
        readable: mode.contains('r'),
        writable: mode.contains('w'),
        encoding,
        mode,
        closed: Cell::new(false),
        eof: Cell::new(false),
    };
    let idx = match (f.binary, f.readable, f.writable) {
        (false, _, _) => 0,
        (true, true, false) => 1,
        (true, false, true) => 2,
        _ => 3,
    };
    let cls = SOCKFILE.with(|c| c[idx].clone());
    Ok(Value::Instance(Rc::new(Instance::new(
        cls,
        Payload::Native(Box::new(f)),
    ))))
}

#[derive(Clone, Copy)]
enum Want {
    Line(Option<usize>),
    /// A line for iteration: an empty one (EOF) is StopIteration.
    NextLine,
    Bytes(usize),
    All,
    Lines,
}

/// Take what `want` asks for from the pushback buffer, if it is there (or at EOF).
fn take(f: &SockFile, st: &SockState, want: Want) -> Option<PyResult<Value>> {
    let mut pb = st.pushback.borrow_mut();
    let eof = f.eof.get();
    if let Want::NextLine = want {
        if eof && pb.is_empty() {
            return Some(Err(crate::exc::stop_iteration(None)));
        }
    }
    let cut = match want {
        Want::Line(_) | Want::NextLine => {
            let limit = if let Want::Line(l) = want { l } else { None };
            let nl = pb.iter().position(|&b| b == b'\n').map(|i| i + 1);
            match (nl, limit) {
                (Some(i), Some(l)) => Some(i.min(l)),
                (Some(i), None) => Some(i),
                (None, Some(l)) if pb.len() >= l => Some(l),
                _ if eof => Some(pb.len()),
                _ => None,
            }
        }
        Want::Bytes(n) => {
            if pb.len() >= n {
                Some(n)
            } else if eof {
                Some(pb.len())
            } else {
                None
            }
        }
        Want::All | Want::Lines => eof.then_some(pb.len()),
    }?;
    let bytes: Vec<u8> = pb.drain(..cut).collect();
    drop(pb);
    let conv = |b: &[u8]| -> Value {
        if f.binary {
            Value::bytes(b.to_vec())
        } else {
            Value::str(String::from_utf8_lossy(b).replace("\r\n", "\n"))
        }
    };
    Some(Ok(match want {
        Want::Lines => {
            let mut lines = Vec::new();
            let mut start = 0;
            for (i, &b) in bytes.iter().enumerate() {
                if b == b'\n' {
                    lines.push(conv(&bytes[start..=i]));
                    start = i + 1;
                }
            }
            if start < bytes.len() {
                lines.push(conv(&bytes[start..]));
            }
            Value::list(lines)
        }
        _ => conv(&bytes),
    }))
}

/// Satisfy `want`, receiving more from the socket (one host op at a time) as needed.
fn fill(vm: &mut Vm, file: Value, want: Want) -> PyResult<Value> {
    let f = sf(&file)?;
    if f.closed.get() {
        return Err(value_error("I/O operation on closed file."));
    }
    let st = state(&f.sock)?;
    if let Some(v) = take(f, st, want) {
        return v;
    }
    let sock = f.sock.clone();
    sock_op(
        vm,
        &sock,
        SocketCall::Recv { max: 8192 },
        move |vm, r| match r {
            Reply::Data(d) | Reply::DataFrom(d, _) => {
                let f = sf(&file)?;
                if d.is_empty() {
                    f.eof.set(true);
                }
                state(&f.sock)?.pushback.borrow_mut().extend_from_slice(&d);
                fill(vm, file.clone(), want)
            }
            other => Err(unexpected(other)),
        },
    )
}

fn size_arg(v: Option<Value>) -> PyResult<Option<usize>> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(v) => {
            let n = arg_int(&v)?;
            Ok(if n < 0 { None } else { Some(n as usize) })
        }
    }
}

fn sf_read(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [n] = args.bind("read", ["*size"], 0)?;
    let want = match size_arg(n)? {
        Some(n) => Want::Bytes(n),
        None => Want::All,
    };
    fill(vm, this, want)
}

fn sf_readline(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [n] = args.bind("readline", ["*size"], 0)?;
    let limit = size_arg(n)?;
    fill(vm, this, Want::Line(limit))
}

fn sf_readlines(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    fill(vm, this, Want::Lines)
}

fn sf_next(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    fill(vm, this, Want::NextLine)
}

fn sf_peek(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let f = sf(&this)?;
    let pb = state(&f.sock)?.pushback.borrow().clone();
    Ok(Value::bytes(pb))
}

fn sf_write(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [data] = args.bind("write", ["*b"], 1)?;
    let data = data.expect("arg");
    let f = sf(&this)?;
    if f.closed.get() {
        return Err(value_error("I/O operation on closed file."));
    }
    let (bytes, n) = if f.binary {
        let b = arg_bytes_like(&data)?;
        let n = b.len();
        (b, n)
    } else {
        match &data {
            Value::Str(s) => (
                crate::text::codec::encode(s.as_str(), &f.encoding, "strict")
                    .map_err(|e| crate::exc::new_exc(e.class_name(), e.to_string()))?,
                s.char_len(),
            ),
            other => {
                return Err(type_error(format!(
                    "write() argument must be str, not {}",
                    other.type_name()
                )))
            }
        }
    };
    let sock = f.sock.clone();
    sock_op(vm, &sock, SocketCall::SendAll(bytes), move |_vm, _r| {
        Ok(Value::Int(n as i64))
    })
}

fn sf_flush(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::None)
}

fn sf_close(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    sf(&this)?.closed.set(true);
    Ok(Value::None)
}

fn sf_enter(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    Ok(args.this())
}

fn sf_exit(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    sf(&this)?.closed.set(true);
    Ok(Value::Bool(false))
}

fn sf_fileno(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    Ok(Value::Int(state(&sf(&this)?.sock)?.handle.get() as i64))
}

fn sf_repr(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let f = sf(&this)?;
    let fd = state(&f.sock)?.handle.get();
    Ok(Value::str(if f.binary {
        let kind = match (f.readable, f.writable) {
            (true, true) => "BufferedRWPair",
            (true, false) => "BufferedReader",
            _ => "BufferedWriter",
        };
        if kind == "BufferedRWPair" {
            format!("<_io.{kind} object at 0x{:012x}>", this.id())
        } else {
            format!("<_io.{kind} name={fd}>")
        }
    } else {
        format!(
            "<_io.TextIOWrapper name={fd} mode='{}' encoding='{}'>",
            f.mode, f.encoding
        )
    }))
}

fn sf_getattr(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [name] = args.bind("__getattr__", ["*name"], 1)?;
    let name = name.expect("arg");
    let f = sf(&this)?;
    Ok(match name.as_str().unwrap_or("") {
        "closed" => Value::Bool(f.closed.get()),
        "mode" => Value::str(f.mode.as_str()),
        "name" => Value::Int(state(&f.sock)?.handle.get() as i64),
        "encoding" if !f.binary => Value::str(f.encoding.as_str()),
        n => {
            return Err(crate::exc::attribute_error(format!(
                "'{}' object has no attribute '{n}'",
                this.type_name()
            )))
        }
    })
}

fn sock_recv_into(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [buf, n, _flags] = args.bind("recv_into", ["buffer", "nbytes", "flags"], 1)?;
    let Some(Value::ByteArray(buf)) = buf else {
        return Err(type_error(
            "recv_into() argument 'buffer' must be read-write bytes-like object",
        ));
    };
    let len = buf.borrow().len();
    let max = match n {
        Some(v) if arg_int(&v)? > 0 => arg_int(&v)? as usize,
        _ => len,
    };
    sock_op(vm, &this, SocketCall::Recv { max }, move |_vm, r| match r {
        Reply::Data(d) => {
            let mut b = buf.borrow_mut();
            let n = d.len().min(b.len());
            b[..n].copy_from_slice(&d[..n]);
            Ok(Value::Int(n as i64))
        }
        other => Err(unexpected(other)),
    })
}

fn sock_recvfrom(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [n, _flags] = args.bind("recvfrom", ["*bufsize", "*flags"], 1)?;
    let max = bufsize(n, "recvfrom")?;
    let family = state(&this)?.family;
    sock_op(
        vm,
        &this,
        SocketCall::RecvFrom { max },
        move |_vm, r| match r {
            Reply::DataFrom(d, a) => {
                Ok(Value::tuple(vec![Value::bytes(d), addr_tuple(&a, family)]))
            }
            Reply::Data(d) => Ok(Value::tuple(vec![Value::bytes(d), Value::None])),
            other => Err(unexpected(other)),
        },
    )
}

fn sock_close(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let st = state(&this)?;
    let h = st.handle.get();
    if h < 0 {
        return Ok(Value::None);
    }
    st.handle.set(-1);
    vm.block(
        Op::Socket {
            sock: SocketHandle(h),
            call: SocketCall::Close,
            timeout: None,
        },
        |_vm, _r| Ok(Value::None),
    )
}

fn sock_detach(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let st = state(&this)?;
    let h = st.handle.get();
    st.handle.set(-1);
    Ok(Value::Int(h as i64))
}

fn sock_shutdown(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [how] = args.bind("shutdown", ["*how"], 1)?;
    let how = match arg_int(&how.expect("arg"))? {
        0 => Shutdown::Read,
        1 => Shutdown::Write,
        2 => Shutdown::Both,
        _ => return Err(os_error(crate::host::errno::EINVAL, "Invalid argument")),
    };
    sock_op(vm, &this, SocketCall::Shutdown(how), |_vm, _r| {
        Ok(Value::None)
    })
}

fn sock_getsockname(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let st = state(&this)?;
    open_handle(st)?;
    let a = st
        .laddr
        .borrow()
        .clone()
        .unwrap_or_else(|| unbound_addr(st.family));
    Ok(addr_tuple(&a, st.family))
}

fn sock_getpeername(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let st = state(&this)?;
    open_handle(st)?;
    let r = st.raddr.borrow().clone();
    match r {
        Some(a) => Ok(addr_tuple(&a, st.family)),
        None => Err(os_error(
            crate::host::errno::ENOTCONN,
            "Transport endpoint is not connected",
        )),
    }
}

fn sockopt_of(level: i64, opt: i64) -> Option<SockOpt> {
    match (level, opt) {
        (1, 2) => Some(SockOpt::ReuseAddr),
        (1, 6) => Some(SockOpt::Broadcast),
        (1, 9) => Some(SockOpt::KeepAlive),
        (1, 7) => Some(SockOpt::SndBuf),
        (1, 8) => Some(SockOpt::RcvBuf),
        (1, 3) => Some(SockOpt::Type),
        (1, 4) => Some(SockOpt::Error),
        (6, 1) => Some(SockOpt::NoDelay),
        _ => None,
    }
}

fn sock_setsockopt(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [level, opt, value, _optlen] =
        args.bind("setsockopt", ["*level", "*optname", "*value", "*optlen"], 3)?;
    let level = arg_int(&level.expect("arg"))?;
    let opt = arg_int(&opt.expect("arg"))?;
    let raw = value.expect("arg");
    let value = match &raw {
        Value::Bytes(_) | Value::ByteArray(_) => 1,
        v => arg_int(v)?,
    };
    let st = state(&this)?;
    open_handle(st)?;
    {
        let mut lo = st.local_opts.borrow_mut();
        lo.retain(|(k, _)| *k != (level, opt));
        lo.push(((level, opt), raw.clone()));
    }
    let linger = (level, opt) == (1, 13);
    let value = match &raw {
        // `struct linger { int l_onoff; int l_linger; }` in native byte order.
        Value::Bytes(_) | Value::ByteArray(_) if linger => {
            let b = arg_bytes_like(&raw)?;
            if b.len() < 8 {
                return Err(os_error(crate::host::errno::EINVAL, "Invalid argument"));
            }
            let on = i32::from_ne_bytes([b[0], b[1], b[2], b[3]]);
            let secs = i32::from_ne_bytes([b[4], b[5], b[6], b[7]]);
            if on != 0 {
                i64::from(secs.max(0))
            } else {
                -1
            }
        }
        _ => value,
    };
    let carried = if linger && st.kind == SockType::Stream {
        Some(SockOpt::Linger)
    } else {
        sockopt_of(level, opt)
    };
    match carried {
        Some(o) => sock_op(
            vm,
            &this,
            SocketCall::SetOpt { opt: o, value },
            |_vm, _r| Ok(Value::None),
        ),
        None => Ok(Value::None),
    }
}

fn sock_getsockopt(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [level, opt, buflen] = args.bind("getsockopt", ["*level", "*optname", "*buflen"], 2)?;
    let level = arg_int(&level.expect("arg"))?;
    let opt = arg_int(&opt.expect("arg"))?;
    let st = state(&this)?;
    open_handle(st)?;
    if let Some(n) = buflen {
        // The raw option bytes, as the script set them (or zeros).
        let n = arg_int(&n)?.max(0) as usize;
        let set = st
            .local_opts
            .borrow()
            .iter()
            .find(|(k, _)| *k == (level, opt))
            .map(|(_, v)| v.clone());
        let mut bytes = match set {
            Some(Value::Bytes(b)) => b.to_vec(),
            Some(Value::ByteArray(b)) => b.borrow().clone(),
            Some(v) => (v.as_i64().unwrap_or(0) as i32).to_le_bytes().to_vec(),
            None => Vec::new(),
        };
        bytes.resize(n, 0);
        return Ok(Value::bytes(bytes));
    }
    if (level, opt) == (1, 30) {
        return Ok(Value::Int(st.listening.get() as i64));
    }
    match sockopt_of(level, opt) {
        Some(SockOpt::Type) => Ok(Value::Int(st.kind.number())),
        Some(o) => sock_op(vm, &this, SocketCall::GetOpt { opt: o }, |_vm, r| match r {
            Reply::Int(i) => Ok(Value::Int(i)),
            other => Err(unexpected(other)),
        }),
        None => {
            let set = st
                .local_opts
                .borrow()
                .iter()
                .find(|(k, _)| *k == (level, opt))
                .map(|(_, v)| v.clone());
            Ok(Value::Int(set.and_then(|v| v.as_i64()).unwrap_or(0)))
        }
    }
}

fn parse_timeout(v: Value) -> PyResult<Option<f64>> {
    match v {
        Value::None => Ok(None),
        other => {
            let t = arg_float(&other).map_err(|_| {
                type_error(format!(
                    "'{}' object cannot be interpreted as an integer or float",
                    other.type_name()
                ))
            })?;
            if t < 0.0 {
                return Err(value_error("Timeout value out of range"));
            }
            Ok(Some(t))
        }
    }
}

fn sock_settimeout(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [t] = args.bind("settimeout", ["*value"], 1)?;
    state(&this)?.timeout.set(parse_timeout(t.expect("arg"))?);
    Ok(Value::None)
}

fn sock_gettimeout(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    Ok(match state(&this)?.timeout.get() {
        None => Value::None,
        Some(t) => Value::Float(t),
    })
}

fn sock_setblocking(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [flag] = args.bind("setblocking", ["*flag"], 1)?;
    let on = flag.expect("arg").as_i64().unwrap_or(1) != 0;
    state(&this)?.timeout.set(if on { None } else { Some(0.0) });
    Ok(Value::None)
}

fn sock_getblocking(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    Ok(Value::Bool(state(&this)?.timeout.get() != Some(0.0)))
}

fn sock_fileno(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    Ok(Value::Int(state(&this)?.handle.get() as i64))
}

fn sock_enter(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    Ok(args.this())
}

fn sock_exit(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    sock_close(vm, Args::new(vec![this]))?;
    if vm.pending.is_some() {
        // The close op: its completion gives None; make the result False.
        if let Some(crate::vm::Pending::Block { op, .. }) = vm.pending.take() {
            return vm.block(op, |_vm, _r| Ok(Value::Bool(false)));
        }
    }
    Ok(Value::Bool(false))
}

/// CPython 3.11's socket repr.
fn sock_repr(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let st = state(&this)?;
    let h = st.handle.get();
    let mut s = String::from("<socket.socket ");
    if h < 0 {
        s.push_str("[closed] ");
    }
    s.push_str(&format!(
        "fd={h}, family={}, type={}, proto={}",
        st.family.number(),
        st.kind.number(),
        st.proto
    ));
    if h >= 0 {
        let l = st
            .laddr
            .borrow()
            .clone()
            .unwrap_or_else(|| unbound_addr(st.family));
        s.push_str(&format!(", laddr={}", addr_repr(&l, st.family)));
        if let Some(r) = st.raddr.borrow().as_ref() {
            s.push_str(&format!(", raddr={}", addr_repr(r, st.family)));
        }
    }
    s.push('>');
    Ok(Value::str(s))
}

fn addr_repr(a: &Addr, family: Family) -> String {
    match family {
        Family::Inet => format!("('{}', {})", a.host, a.port),
        Family::Inet6 => format!("('{}', {}, 0, 0)", a.host, a.port),
    }
}

/// `family`, `type`, `proto`, `timeout` attributes.
fn sock_getattr(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let this = args.this();
    let [name] = args.bind("__getattr__", ["*name"], 1)?;
    let name = name.expect("arg");
    let st = state(&this)?;
    Ok(match name.as_str().unwrap_or("") {
        "family" => enum_value("AddressFamily", st.family.number()),
        "type" => enum_value("SocketKind", st.kind.number()),
        "proto" => Value::Int(st.proto),
        "timeout" => st.timeout.get().map(Value::Float).unwrap_or(Value::None),
        n => {
            return Err(crate::exc::attribute_error(format!(
                "'socket' object has no attribute '{n}'"
            )));
        }
    })
}

// ---------------------------------------------------------------------------------------
// module functions

fn gethostname(vm: &mut Vm, args: Args) -> PyResult<Value> {
    args.bind("gethostname", [], 0)?;
    Ok(Value::str(vm.host.hostname()))
}

fn getfqdn(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [name] = args.bind("getfqdn", ["name"], 0)?;
    match name {
        Some(Value::Str(s)) if !s.as_str().is_empty() => Ok(Value::Str(s)),
        _ => Ok(Value::str(vm.host.hostname())),
    }
}

/// `socket.gaierror` (an OSError subclass of the socket module).
pub fn gaierror_class() -> Rc<Class> {
    GAIERROR.with(|c| {
        c.borrow_mut()
            .get_or_insert_with(|| {
                let os = types().exc("OSError").expect("OSError");
                new_class(
                    "gaierror",
                    "socket",
                    vec![os],
                    ClassKind::Exception,
                    None,
                    &[],
                    false,
                )
            })
            .clone()
    })
}

fn resolve_err(host: &str) -> crate::exc::PyErr {
    let _ = host;
    let cls = gaierror_class();
    let e = crate::exc::instantiate(
        &cls,
        vec![Value::Int(-2), Value::str("Name or service not known")],
    );
    crate::exc::set_os_attrs(&e.0);
    e
}

fn gethostbyname(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [host] = args.bind("gethostbyname", ["*hostname"], 1)?;
    let host = crate::builtins::arg_str(&host.expect("arg"), "gethostbyname", 1)?
        .as_str()
        .to_string();
    if host.parse::<std::net::Ipv4Addr>().is_ok() {
        return Ok(Value::str(host));
    }
    let h2 = host.clone();
    vm.block(Op::Resolve { host }, move |_vm, r| match r {
        Reply::Addrs(a) => match a.iter().find(|x| !x.contains(':')).or(a.first()) {
            Some(x) => Ok(Value::str(x.as_str())),
            None => Err(resolve_err(&h2)),
        },
        Reply::Err(_) => Err(resolve_err(&h2)),
        other => Err(unexpected(other)),
    })
}

fn getaddrinfo(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [host, port, family, kind, proto, _flags] = args.bind(
        "getaddrinfo",
        ["host", "port", "family", "type", "proto", "flags"],
        2,
    )?;
    let host = match host.expect("arg") {
        Value::None => "127.0.0.1".to_string(),
        Value::Str(s) => s.as_str().to_string(),
        other => {
            return Err(type_error(format!(
                "getaddrinfo() argument 1 must be str, bytes or None, not {}",
                other.type_name()
            )))
        }
    };
    let port = match port.expect("arg") {
        Value::None => 0,
        Value::Int(p) => p,
        Value::Str(s) => s
            .as_str()
            .parse::<i64>()
            .map_err(|_| resolve_err(s.as_str()))?,
        other => {
            return Err(type_error(format!(
                "getaddrinfo() argument 2 must be int, str or None, not {}",
                other.type_name()
            )))
        }
    };
    let family = family.map(|f| f.as_i64().unwrap_or(0)).unwrap_or(0);
    let kind = kind.map(|f| f.as_i64().unwrap_or(0)).unwrap_or(0);
    let proto = proto.map(|f| f.as_i64().unwrap_or(0)).unwrap_or(0);
    let build = move |addrs: Vec<String>| -> Value {
        let mut out = Vec::new();
        for a in addrs {
            let is6 = a.contains(':');
            let fam = if is6 { 10 } else { 2 };
            if family != 0 && family != fam {
                continue;
            }
            let kinds: Vec<(i64, i64)> = match kind {
                0 => vec![(1, 6), (2, 17), (3, 0)],
                1 => vec![(1, 6)],
                2 => vec![(2, 17)],
                k => vec![(k, 0)],
            };
            for (k, p) in kinds {
                if proto != 0 && proto != p {
                    continue;
                }
                let sa = if is6 {
                    Value::tuple(vec![
                        Value::str(a.as_str()),
                        Value::Int(port),
                        Value::Int(0),
                        Value::Int(0),
                    ])
                } else {
                    Value::tuple(vec![Value::str(a.as_str()), Value::Int(port)])
                };
                out.push(Value::tuple(vec![
                    enum_value("AddressFamily", fam),
                    enum_value("SocketKind", k),
                    Value::Int(p),
                    Value::str(""),
                    sa,
                ]));
            }
        }
        Value::list(out)
    };
    if host.parse::<std::net::IpAddr>().is_ok() {
        return Ok(build(vec![host]));
    }
    let h2 = host.clone();
    vm.block(Op::Resolve { host }, move |_vm, r| match r {
        Reply::Addrs(a) if !a.is_empty() => Ok(build(a)),
        _ => Err(resolve_err(&h2)),
    })
}

/// `create_connection(address, timeout=None, source_address=None)`: socket, then connect.
fn create_connection(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [addr, timeout, _src] = args.bind(
        "create_connection",
        ["address", "timeout", "source_address"],
        1,
    )?;
    let a = parse_addr(&addr.expect("arg"), "create_connection", Family::Inet)?;
    let timeout = match timeout {
        Some(t) => parse_timeout(t)?,
        None => DEFAULT_TIMEOUT.with(|d| d.get()),
    };
    let family = if a.host.contains(':') {
        Family::Inet6
    } else {
        Family::Inet
    };
    vm.block(
        Op::Create {
            family,
            kind: SockType::Stream,
        },
        move |vm, r| match r {
            Reply::Created(h) => {
                let s = make_socket(family, SockType::Stream, 6, h.0, timeout);
                let me = s.clone();
                vm.block(
                    Op::Socket {
                        sock: h,
                        call: SocketCall::Connect(a),
                        timeout,
                    },
                    move |vm, r| match r {
                        Reply::Err(e) => {
                            close_quietly(vm, &me);
                            Err(from_os(&e))
                        }
                        Reply::TimedOut => {
                            close_quietly(vm, &me);
                            Err(timed_out())
                        }
                        other => connected(&me, other).map(|_| me.clone()),
                    },
                )
            }
            Reply::Err(e) => Err(from_os(&e)),
            other => Err(unexpected(other)),
        },
    )
}

/// `create_server(address, *, family=AF_INET, backlog=None, reuse_port=False)`:
/// socket, SO_REUSEADDR, bind, listen — one host op after the other.
fn create_server(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [addr, family, backlog, _reuse_port, _dualstack] = args.bind(
        "create_server",
        [
            "address",
            "family",
            "backlog",
            "reuse_port",
            "dualstack_ipv6",
        ],
        1,
    )?;
    let family = match family {
        Some(f) => family_of(arg_int(&f)?)?,
        None => Family::Inet,
    };
    let a = parse_addr(&addr.expect("arg"), "bind", family)?;
    let backlog = match backlog {
        Some(Value::None) | None => 128,
        Some(b) => arg_int(&b)?.clamp(0, 4096) as u32,
    };
    let timeout = DEFAULT_TIMEOUT.with(|d| d.get());
    vm.block(
        Op::Create {
            family,
            kind: SockType::Stream,
        },
        move |vm, r| match r {
            Reply::Created(h) => {
                let s = make_socket(family, SockType::Stream, 0, h.0, timeout);
                let me = s.clone();
                state(&s)?
                    .local_opts
                    .borrow_mut()
                    .push(((1, 2), Value::Int(1)));
                vm.block(
                    Op::Socket {
                        sock: h,
                        call: SocketCall::SetOpt {
                            opt: SockOpt::ReuseAddr,
                            value: 1,
                        },
                        timeout: None,
                    },
                    move |vm, _r| {
                        vm.block(
                            Op::Socket {
                                sock: h,
                                call: SocketCall::Bind(a),
                                timeout: None,
                            },
                            move |vm, r| match r {
                                Reply::Bound { local } => {
                                    *state(&me)?.laddr.borrow_mut() = Some(local);
                                    vm.block(
                                        Op::Socket {
                                            sock: h,
                                            call: SocketCall::Listen { backlog },
                                            timeout: None,
                                        },
                                        move |_vm, r| match r {
                                            Reply::Err(e) => Err(from_os(&e)),
                                            _ => {
                                                state(&me)?.listening.set(true);
                                                Ok(me.clone())
                                            }
                                        },
                                    )
                                }
                                Reply::Err(e) => {
                                    close_quietly(vm, &me);
                                    Err(from_os(&e))
                                }
                                other => Err(unexpected(other)),
                            },
                        )
                    },
                )
            }
            Reply::Err(e) => Err(from_os(&e)),
            other => Err(unexpected(other)),
        },
    )
}

fn inet_pton(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [family, s] = args.bind("inet_pton", ["*af", "*ip_string"], 2)?;
    let family = arg_int(&family.expect("arg"))?;
    let s = crate::builtins::arg_str(&s.expect("arg"), "inet_pton", 2)?;
    let bad = || os_error(0, "illegal IP address string passed to inet_pton").with_no_errno();
    match family {
        2 => s
            .as_str()
            .parse::<std::net::Ipv4Addr>()
            .map(|a| Value::bytes(a.octets().to_vec()))
            .map_err(|_| bad()),
        10 => s
            .as_str()
            .parse::<std::net::Ipv6Addr>()
            .map(|a| Value::bytes(a.octets().to_vec()))
            .map_err(|_| bad()),
        _ => Err(os_error(97, "Address family not supported by protocol")),
    }
}

fn inet_ntop(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [family, b] = args.bind("inet_ntop", ["*af", "*packed_ip"], 2)?;
    let family = arg_int(&family.expect("arg"))?;
    let b = arg_bytes_like(&b.expect("arg"))?;
    match (family, b.len()) {
        (2, 4) => Ok(Value::str(format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3]))),
        (10, 16) => {
            let mut o = [0u8; 16];
            o.copy_from_slice(&b);
            Ok(Value::str(std::net::Ipv6Addr::from(o).to_string()))
        }
        (2 | 10, _) => Err(value_error("invalid length of packed IP address string")),
        _ => Err(os_error(97, "Address family not supported by protocol")),
    }
}

fn close_quietly(_vm: &mut Vm, s: &Value) {
    if let Ok(st) = state(s) {
        st.handle.set(-1);
    }
}

fn inet_aton(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [s] = args.bind("inet_aton", ["*string"], 1)?;
    let s = crate::builtins::arg_str(&s.expect("arg"), "inet_aton", 1)?;
    match classic_inet_aton(s.as_str()) {
        Some(a) => Ok(Value::bytes(a.to_be_bytes().to_vec())),
        None => Err(os_error(0, "illegal IP address string passed to inet_aton").with_no_errno()),
    }
}

/// C's inet_aton: 1 to 4 parts (decimal, 0-octal or 0x-hex); the last fills the rest.
fn classic_inet_aton(s: &str) -> Option<u32> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut nums = Vec::with_capacity(4);
    for p in &parts {
        let (digits, radix) = if let Some(h) = p.strip_prefix("0x").or_else(|| p.strip_prefix("0X"))
        {
            (h, 16)
        } else if p.len() > 1 && p.starts_with('0') {
            (&p[1..], 8)
        } else {
            (*p, 10)
        };
        if digits.is_empty() && radix != 8 {
            return None;
        }
        let n = if digits.is_empty() {
            0
        } else {
            u64::from_str_radix(digits, radix).ok()?
        };
        nums.push(n);
    }
    let last = *nums.last()?;
    let head = &nums[..nums.len() - 1];
    if head.iter().any(|&n| n > 255) {
        return None;
    }
    let last_bits = 8 * (4 - head.len());
    if last_bits < 64 && last >= (1u64 << last_bits) {
        return None;
    }
    let mut v: u64 = 0;
    for (i, &n) in head.iter().enumerate() {
        v |= n << (24 - 8 * i);
    }
    Some((v | last) as u32)
}

fn inet_ntoa(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [b] = args.bind("inet_ntoa", ["*packed_ip"], 1)?;
    let b = arg_bytes_like(&b.expect("arg"))?;
    if b.len() != 4 {
        return Err(os_error(0, "packed IP wrong length for inet_ntoa").with_no_errno());
    }
    Ok(Value::str(format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3])))
}

fn htons(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [x] = args.bind("htons", ["*x"], 1)?;
    let x = arg_int(&x.expect("arg"))?;
    if !(0..=0xffff).contains(&x) {
        return Err(new_exc(
            "OverflowError",
            "htons: Python int too large to convert to C 16-bit unsigned integer",
        ));
    }
    Ok(Value::Int((x as u16).swap_bytes() as i64))
}

fn htonl(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [x] = args.bind("htonl", ["*x"], 1)?;
    let x = arg_int(&x.expect("arg"))?;
    if !(0..=0xffff_ffff).contains(&x) {
        return Err(new_exc("OverflowError", "int larger than 32 bits"));
    }
    Ok(Value::Int((x as u32).swap_bytes() as i64))
}

fn getdefaulttimeout(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(DEFAULT_TIMEOUT
        .with(|d| d.get())
        .map(Value::Float)
        .unwrap_or(Value::None))
}

fn setdefaulttimeout(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [t] = args.bind("setdefaulttimeout", ["*timeout"], 1)?;
    let t = parse_timeout(t.expect("arg"))?;
    DEFAULT_TIMEOUT.with(|d| d.set(t));
    Ok(Value::None)
}

trait NoErrno {
    fn with_no_errno(self) -> Self;
}

impl NoErrno for crate::exc::PyErr {
    /// `OSError('message')` with a single argument (inet_aton's error).
    fn with_no_errno(self) -> Self {
        let msg = self.data().args.get(1).cloned().unwrap_or(Value::None);
        self.data().args = vec![msg];
        crate::exc::set_os_attrs(&self.0);
        self
    }
}

const SERVICES: &[(&str, i64, &str)] = &[
    ("echo", 7, "tcp"),
    ("discard", 9, "tcp"),
    ("daytime", 13, "tcp"),
    ("ftp-data", 20, "tcp"),
    ("ftp", 21, "tcp"),
    ("ssh", 22, "tcp"),
    ("telnet", 23, "tcp"),
    ("smtp", 25, "tcp"),
    ("time", 37, "tcp"),
    ("domain", 53, "udp"),
    ("tftp", 69, "udp"),
    ("http", 80, "tcp"),
    ("pop3", 110, "tcp"),
    ("ntp", 123, "udp"),
    ("imap2", 143, "tcp"),
    ("snmp", 161, "udp"),
    ("https", 443, "tcp"),
    ("imaps", 993, "tcp"),
    ("pop3s", 995, "tcp"),
    ("mysql", 3306, "tcp"),
];

fn getservbyname(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [name, proto] = args.bind("getservbyname", ["*servicename", "*protocolname"], 1)?;
    let name = crate::builtins::arg_str(&name.expect("arg"), "getservbyname", 1)?;
    let proto = proto.and_then(|p| p.as_str().map(String::from));
    SERVICES
        .iter()
        .find(|(n, _, p)| {
            *n == name.as_str()
                && (proto.is_none()
                    || proto.as_deref() == Some(p)
                    || matches!(
                        (proto.as_deref(), *n),
                        (Some("udp" | "tcp"), "domain" | "http" | "https")
                    ))
        })
        .map(|(_, port, _)| Value::Int(*port))
        .ok_or_else(|| crate::exc::new_exc("OSError", "service/proto not found"))
}

fn getservbyport(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [port, _proto] = args.bind("getservbyport", ["*port", "*protocolname"], 1)?;
    let port = arg_int(&port.expect("arg"))?;
    if !(0..=65535).contains(&port) {
        return Err(new_exc(
            "OverflowError",
            "getservbyport: port must be 0-65535.",
        ));
    }
    SERVICES
        .iter()
        .find(|(_, p, _)| *p == port)
        .map(|(n, _, _)| Value::str(*n))
        .ok_or_else(|| crate::exc::new_exc("OSError", "port/proto not found"))
}

fn gethostbyname_ex(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [host] = args.bind("gethostbyname_ex", ["*hostname"], 1)?;
    let host = crate::builtins::arg_str(&host.expect("arg"), "gethostbyname_ex", 1)?
        .as_str()
        .to_string();
    let h2 = host.clone();
    vm.block(Op::Resolve { host }, move |_vm, r| match r {
        Reply::Addrs(a) if !a.is_empty() => Ok(Value::tuple(vec![
            Value::str(h2.as_str()),
            Value::list(vec![]),
            Value::list(
                a.iter()
                    .filter(|x| !x.contains(':'))
                    .map(|x| Value::str(x.as_str()))
                    .collect(),
            ),
        ])),
        _ => Err(resolve_err(&h2)),
    })
}
