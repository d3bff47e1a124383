//! The interpreter's only door to the world: the `Host` trait, and the operations a script waits on.
//!
//! `lang` does no I/O. Everything a script does outside itself goes through here:
//!
//! * quick, synchronous effects (writing to stdout/stderr, reading the clock, the sandboxed
//!   file area) are plain `Host` method calls;
//! * anything that can wait (every socket call, `input()`, `time.sleep`, `select.select`,
//!   name resolution) is *submitted* as an [`Op`] with an [`OpId`]. The calling green thread
//!   is suspended; the host later answers with [`crate::Interpreter::complete`] and the
//!   thread resumes. The host never blocks inside `submit`.
//!
//! The same interpreter therefore runs in the page (answers come from the relay over a
//! WebSocket, via JS promises) and in `socklab run` (answers come from tokio tasks).

use std::fmt;

/// Identifies one submitted operation; unique for the life of an interpreter.
pub type OpId = u64;

/// A socket as the host knows it. The number is what `fileno()` returns and what a
/// socket's repr shows as `fd=`; hosts start at 3 as a fresh CPython process does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SocketHandle(pub i32);

/// Which output stream a write goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// `AF_INET` (2) or `AF_INET6` (10), as CPython numbers them on Linux.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    Inet,
    Inet6,
}

impl Family {
    pub fn number(self) -> i64 {
        match self {
            Family::Inet => 2,
            Family::Inet6 => 10,
        }
    }
}

/// `SOCK_STREAM` (1) or `SOCK_DGRAM` (2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SockType {
    Stream,
    Dgram,
}

impl SockType {
    pub fn number(self) -> i64 {
        match self {
            SockType::Stream => 1,
            SockType::Dgram => 2,
        }
    }
}

/// A socket address as a script passes it: `host` may be a name (`'localhost'`,
/// `socket.gethostname()`), a numeric address, or `''` (any address). Addresses the
/// host reports back are always numeric.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Addr {
    pub host: String,
    pub port: u16,
}

impl Addr {
    pub fn new(host: impl Into<String>, port: u16) -> Addr {
        Addr {
            host: host.into(),
            port,
        }
    }
}

impl fmt::Display for Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// `shutdown(how)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shutdown {
    Read,
    Write,
    Both,
}

/// The socket options socklab carries (`setsockopt`/`getsockopt`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SockOpt {
    ReuseAddr,
    Broadcast,
    KeepAlive,
    NoDelay,
    RcvBuf,
    SndBuf,
    Type,
    Error,
    /// `SO_LINGER` (set only): the value is `l_linger` in seconds when `l_onoff` is
    /// set, -1 when it is not. With 0, closing resets the connection (the peer's
    /// `recv` fails with ECONNRESET) instead of ending it with a FIN.
    Linger,
}

/// A socket call. One line of script maps to one of these.
#[derive(Clone, Debug, PartialEq)]
pub enum SocketCall {
    /// Answered with [`Reply::Bound`] (the numeric local address actually bound).
    Bind(Addr),
    Listen {
        backlog: u32,
    },
    /// Answered with [`Reply::Accepted`].
    Accept,
    /// Answered with [`Reply::Connected`]. For UDP it only fixes the default peer.
    Connect(Addr),
    /// Answered with [`Reply::Sent`]: how many bytes were taken (may be fewer than given).
    Send(Vec<u8>),
    /// `sendall`: the host keeps sending until all is taken; answered with [`Reply::Sent`].
    SendAll(Vec<u8>),
    SendTo(Vec<u8>, Addr),
    /// Answered with [`Reply::Data`]; empty data means EOF.
    Recv {
        max: usize,
    },
    /// Answered with [`Reply::DataFrom`].
    RecvFrom {
        max: usize,
    },
    Shutdown(Shutdown),
    /// Answered with [`Reply::Done`]. Closing never fails from the script's point of view.
    Close,
    SetOpt {
        opt: SockOpt,
        value: i64,
    },
    /// Answered with [`Reply::Int`].
    GetOpt {
        opt: SockOpt,
    },
}

/// Something a green thread waits for.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// A socket call. `timeout`: `None` blocks forever, `Some(0.0)` is non-blocking
    /// (answer `Reply::Err` with EAGAIN/EWOULDBLOCK when it would block), otherwise
    /// seconds after which the host answers [`Reply::TimedOut`].
    Socket {
        sock: SocketHandle,
        call: SocketCall,
        timeout: Option<f64>,
    },
    /// `socket.socket()` itself: the host allocates the handle. Answered with [`Reply::Created`].
    Create { family: Family, kind: SockType },
    /// One line of standard input, without its newline; `Reply::Line(None)` at EOF.
    /// The prompt has already been written to stdout by the interpreter.
    Input,
    /// `time.sleep(seconds)`; answered with [`Reply::Done`].
    Sleep { seconds: f64 },
    /// `gethostbyname`/`getaddrinfo`: answered with [`Reply::Addrs`] (numeric hosts).
    Resolve { host: String },
    /// `select.select`; answered with [`Reply::Ready`].
    Select {
        read: Vec<SocketHandle>,
        write: Vec<SocketHandle>,
        timeout: Option<f64>,
    },
}

/// An OS-level error as CPython would see it: an errno and its strerror text. A relay
/// policy refusal is `EACCES` with a message naming the rule and the address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OsError {
    pub errno: i32,
    pub message: String,
}

/// The host's answer to an [`Op`].
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    Done,
    Created(SocketHandle),
    Bound {
        local: Addr,
    },
    Accepted {
        sock: SocketHandle,
        local: Addr,
        peer: Addr,
    },
    Connected {
        local: Addr,
        peer: Addr,
    },
    Sent(usize),
    Data(Vec<u8>),
    DataFrom(Vec<u8>, Addr),
    Int(i64),
    Line(Option<String>),
    Addrs(Vec<String>),
    Ready {
        read: Vec<SocketHandle>,
        write: Vec<SocketHandle>,
    },
    /// A socket timeout (`settimeout`) expired: `TimeoutError: timed out`.
    TimedOut,
    Err(OsError),
}

/// Where a script is when it submits an op (for "blocked in recv() at line 8").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location {
    /// The green thread, 0 for the main thread.
    pub thread: u32,
    /// 1-based source line.
    pub line: u32,
}

/// Everything the interpreter needs from the world. Implemented by the page (web) and by
/// `socklab run` (relay crate), and by test fakes.
pub trait Host {
    /// Write script output. Called at every `print` (the host decides how to flush).
    fn write(&mut self, stream: Stream, text: &str);
    /// Start an operation; answer later with `Interpreter::complete(id, reply)`.
    /// Must not block. May be answered before `run` returns to the host loop.
    fn submit(&mut self, id: OpId, op: Op, at: Location);
    /// The script no longer waits for `id` (Stop, or the thread died); the host should
    /// drop it and may ignore any later completion.
    fn cancel(&mut self, id: OpId) {
        let _ = id;
    }
    /// `time.time()`: seconds since the Unix epoch.
    fn time(&self) -> f64;
    /// `time.monotonic()` / `perf_counter()`: seconds from an arbitrary start.
    fn monotonic(&self) -> f64;
    /// `socket.gethostname()`.
    fn hostname(&self) -> String;
    /// Seconds east of UTC for `time.localtime` (0 if unknown).
    fn utc_offset(&self) -> i64 {
        0
    }
    /// Read a file in the sandboxed file area.
    fn read_file(&mut self, path: &str) -> Result<Vec<u8>, OsError>;
    /// Write (or append to) a file in the sandboxed file area.
    fn write_file(&mut self, path: &str, data: &[u8], append: bool) -> Result<(), OsError>;
    /// Does a file exist in the sandboxed file area?
    fn file_exists(&mut self, path: &str) -> bool;
}

/// Well-known Linux errno values, as CPython reports them.
pub mod errno {
    pub const EPERM: i32 = 1;
    pub const ENOENT: i32 = 2;
    pub const EINTR: i32 = 4;
    pub const EBADF: i32 = 9;
    pub const EAGAIN: i32 = 11;
    pub const EACCES: i32 = 13;
    pub const EINVAL: i32 = 22;
    pub const EPIPE: i32 = 32;
    pub const EMSGSIZE: i32 = 90;
    pub const ENOTSOCK: i32 = 88;
    pub const EDESTADDRREQ: i32 = 89;
    pub const EOPNOTSUPP: i32 = 95;
    pub const EADDRINUSE: i32 = 98;
    pub const EADDRNOTAVAIL: i32 = 99;
    pub const ENETUNREACH: i32 = 101;
    pub const ECONNABORTED: i32 = 103;
    pub const ECONNRESET: i32 = 104;
    pub const EISCONN: i32 = 106;
    pub const ENOTCONN: i32 = 107;
    pub const ETIMEDOUT: i32 = 110;
    pub const ECONNREFUSED: i32 = 111;
    pub const EHOSTUNREACH: i32 = 113;
    pub const EALREADY: i32 = 114;
    pub const EINPROGRESS: i32 = 115;
}
