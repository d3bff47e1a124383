//! socklab's wire protocol between a page (or `socklab run`) and the relay: message types and their binary encoding, no I/O.
//!
//! One WebSocket carries many sockets, each named by a [`SocketId`] the page picks.
//! The page sends [`ClientMsg`]s, the relay sends [`ServerMsg`]s; each WebSocket binary
//! message is exactly one frame. The full specification is `docs/protocol.md`.
//!
//! ```
//! use socklab_proto::*;
//! let msg = ClientMsg::Request {
//!     id: RequestId(1),
//!     op: Op::Connect { sock: SocketId(3), addr: Addr::new("127.0.0.1", 8000), timeout_ms: 0 },
//! };
//! let bytes = msg.encode();
//! assert_eq!(ClientMsg::decode(&bytes).unwrap(), msg);
//! ```
//!
//! Layout: `lib.rs` (types), `codec.rs` (encoding and [`DecodeError`]), `errno.rs`
//! (Linux errno numbers as CPython reports them).

mod codec;
pub mod errno;

pub use codec::{encode_data_header, peek_client_data, peek_request_id, DecodeError};

/// The protocol version exchanged in [`ClientMsg::Hello`] / [`ServerMsg::Welcome`].
pub const PROTOCOL_VERSION: u16 = 1;

/// Largest payload of one [`ClientMsg::Data`] / [`ServerMsg::Data`] frame, and of a datagram.
///
/// A UDP datagram can be at most 65,507 bytes over IPv4, so 64 KiB holds any datagram.
pub const MAX_DATA: usize = 65_536;

/// Largest whole frame either side may send: the biggest data frame plus its header room.
pub const MAX_FRAME: usize = MAX_DATA + 1024;

/// A socket, named by the page. Ids are per WebSocket; the page must not reuse a live id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SocketId(pub u32);

/// Matches a [`ServerMsg::Reply`] to its [`ClientMsg::Request`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u32);

/// Address family, with Linux's numbers (`AF_INET` = 2, `AF_INET6` = 10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    Inet,
    Inet6,
}

impl Family {
    pub fn number(self) -> u8 {
        match self {
            Family::Inet => 2,
            Family::Inet6 => 10,
        }
    }
    pub fn from_number(n: u8) -> Option<Family> {
        match n {
            2 => Some(Family::Inet),
            10 => Some(Family::Inet6),
            _ => None,
        }
    }
}

/// Socket type, with Linux's numbers (`SOCK_STREAM` = 1, `SOCK_DGRAM` = 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SockType {
    Stream,
    Dgram,
}

impl SockType {
    pub fn number(self) -> u8 {
        match self {
            SockType::Stream => 1,
            SockType::Dgram => 2,
        }
    }
    pub fn from_number(n: u8) -> Option<SockType> {
        match n {
            1 => Some(SockType::Stream),
            2 => Some(SockType::Dgram),
            _ => None,
        }
    }
}

/// `shutdown(how)`, with the `SHUT_*` numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shutdown {
    Read,
    Write,
    Both,
}

impl Shutdown {
    pub fn number(self) -> u8 {
        match self {
            Shutdown::Read => 0,
            Shutdown::Write => 1,
            Shutdown::Both => 2,
        }
    }
    pub fn from_number(n: u8) -> Option<Shutdown> {
        match n {
            0 => Some(Shutdown::Read),
            1 => Some(Shutdown::Write),
            2 => Some(Shutdown::Both),
            _ => None,
        }
    }
}

/// The socket options the relay understands; the page maps `(level, optname)` onto these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SockOpt {
    /// `SOL_SOCKET, SO_REUSEADDR`
    ReuseAddr,
    /// `SOL_SOCKET, SO_BROADCAST`
    Broadcast,
    /// `SOL_SOCKET, SO_KEEPALIVE`
    KeepAlive,
    /// `IPPROTO_TCP, TCP_NODELAY`
    TcpNoDelay,
    /// `SOL_SOCKET, SO_RCVBUF`
    RcvBuf,
    /// `SOL_SOCKET, SO_SNDBUF`
    SndBuf,
    /// `SOL_SOCKET, SO_TYPE` (read only)
    Type,
    /// `SOL_SOCKET, SO_ERROR` (read only; reading clears it)
    Error,
    /// `SOL_SOCKET, SO_LINGER` (TCP, set only): `l_linger` seconds, or -1 for off. With 0
    /// the relay's close resets the connection instead of sending a FIN.
    Linger,
}

impl SockOpt {
    pub const ALL: [SockOpt; 9] = [
        SockOpt::ReuseAddr,
        SockOpt::Broadcast,
        SockOpt::KeepAlive,
        SockOpt::TcpNoDelay,
        SockOpt::RcvBuf,
        SockOpt::SndBuf,
        SockOpt::Type,
        SockOpt::Error,
        SockOpt::Linger,
    ];
    pub fn number(self) -> u8 {
        match self {
            SockOpt::ReuseAddr => 1,
            SockOpt::Broadcast => 2,
            SockOpt::KeepAlive => 3,
            SockOpt::TcpNoDelay => 4,
            SockOpt::RcvBuf => 5,
            SockOpt::SndBuf => 6,
            SockOpt::Type => 7,
            SockOpt::Error => 8,
            SockOpt::Linger => 9,
        }
    }
    pub fn from_number(n: u8) -> Option<SockOpt> {
        SockOpt::ALL.into_iter().find(|o| o.number() == n)
    }
}

/// A socket address: a host string and a port.
///
/// In replies and events `host` is always numeric (`"127.0.0.1"`, `"::1"`). In requests it
/// may also be a name, which the relay resolves once, checks, and uses as checked.
/// `""` in `bind` means any address (`INADDR_ANY` / `in6addr_any`), as in Python.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
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

impl std::fmt::Display for Addr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// An OS error as CPython would raise it: `OSError(errno, message)`.
///
/// `errno` is a Linux number (see [`errno`]); `message` is what CPython prints after
/// `[Errno N]`, usually `strerror(errno)`. A policy refusal is `EACCES` with a message
/// naming the rule and the address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OsError {
    pub errno: i32,
    pub message: String,
}

impl OsError {
    /// An error with the standard `strerror` text for `errno`.
    pub fn new(errno: i32) -> OsError {
        OsError {
            errno,
            message: errno::strerror(errno).to_string(),
        }
    }
    pub fn with_message(errno: i32, message: impl Into<String>) -> OsError {
        OsError {
            errno,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for OsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[Errno {}] {}", self.errno, self.message)
    }
}

impl std::error::Error for OsError {}

/// A socket operation; each is sent in a [`ClientMsg::Request`] and gets exactly one reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// `socket(family, type)` under the page-chosen id. Reply: [`Done::Unit`].
    Socket {
        sock: SocketId,
        family: Family,
        ty: SockType,
    },
    /// `bind(addr)`. Reply: [`Done::Addr`] with the bound local address.
    Bind { sock: SocketId, addr: Addr },
    /// `listen(backlog)`. Reply: [`Done::Unit`]. Afterwards [`ServerMsg::Incoming`] events
    /// announce each queued connection.
    Listen { sock: SocketId, backlog: u32 },
    /// Take one queued connection as the new socket `new_sock`; never waits (`EAGAIN` when
    /// the queue is empty). Reply: [`Done::Conn`].
    Accept { sock: SocketId, new_sock: SocketId },
    /// `connect(addr)`; waits up to `timeout_ms` (0: the relay's connect timeout; the relay
    /// caps it). Reply: [`Done::Conn`]. For UDP it only sets the default peer.
    Connect {
        sock: SocketId,
        addr: Addr,
        timeout_ms: u32,
    },
    /// One datagram, to `addr` or (if `None`) to the connected peer. Reply: [`Done::Int`]
    /// with the bytes sent.
    SendTo {
        sock: SocketId,
        addr: Option<Addr>,
        data: Vec<u8>,
    },
    /// `shutdown(how)`. Reply: [`Done::Unit`].
    Shutdown { sock: SocketId, how: Shutdown },
    /// `close()`. Reply: [`Done::Unit`]. The id may be reused after the reply.
    Close { sock: SocketId },
    /// `setsockopt`. Reply: [`Done::Unit`].
    SetSockOpt {
        sock: SocketId,
        opt: SockOpt,
        value: i32,
    },
    /// `getsockopt`. Reply: [`Done::Int`].
    GetSockOpt { sock: SocketId, opt: SockOpt },
    /// `getsockname()`. Reply: [`Done::Addr`].
    GetSockName { sock: SocketId },
    /// `getpeername()`. Reply: [`Done::Addr`].
    GetPeerName { sock: SocketId },
    /// Resolve a name on the relay host (`gethostbyname`, `getaddrinfo`). `family` `None`
    /// means both. Reply: [`Done::Hosts`] with numeric addresses, IPv4 first.
    Resolve {
        host: String,
        family: Option<Family>,
    },
}

/// What a successful request returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Done {
    Unit,
    Addr(Addr),
    /// A connected socket: its local and peer addresses (`connect`, `accept`).
    Conn {
        local: Addr,
        peer: Addr,
    },
    Int(i64),
    Hosts(Vec<String>),
}

/// Page → relay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientMsg {
    /// First frame on a WebSocket. `token` is the join code, empty if none.
    Hello { version: u16, token: String },
    /// A socket call; answered by exactly one [`ServerMsg::Reply`] with the same id.
    Request { id: RequestId, op: Op },
    /// Bytes for a connected TCP socket. The page may only send what the relay granted in
    /// [`ServerMsg::SendCredit`]; at most [`MAX_DATA`] per frame. No reply; a failure
    /// arrives as [`ServerMsg::SocketError`].
    Data { sock: SocketId, data: Vec<u8> },
    /// Lets the relay read `bytes` more from the socket for the page.
    Credit { sock: SocketId, bytes: u32 },
}

/// Relay → page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerMsg {
    /// Answer to Hello. `hostname` is what `socket.gethostname()` returns in scripts.
    Welcome {
        version: u16,
        hostname: String,
        max_data: u32,
    },
    /// The answer to one request.
    Reply {
        id: RequestId,
        result: Result<Done, OsError>,
    },
    /// Bytes read from a TCP socket (never more than the credit the page granted).
    Data { sock: SocketId, data: Vec<u8> },
    /// One datagram read from a UDP socket, with its source.
    Datagram {
        sock: SocketId,
        from: Addr,
        data: Vec<u8>,
    },
    /// The peer closed its sending side: `recv` returns `b''` from now on.
    Eof { sock: SocketId },
    /// One more connection waits in the listener's accept queue.
    Incoming { sock: SocketId },
    /// The page may send `bytes` more on this socket.
    SendCredit { sock: SocketId, bytes: u32 },
    /// An error not tied to a request (a reset while reading, a failed write, data for an
    /// unknown socket). The page raises it at the socket's next call.
    SocketError { sock: SocketId, error: OsError },
}

impl ClientMsg {
    /// Encodes into a fresh buffer.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode_into(&mut out);
        out
    }
    /// Appends the encoding to `out`.
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        codec::encode_client(self, out)
    }
    /// Decodes one whole frame.
    pub fn decode(bytes: &[u8]) -> Result<ClientMsg, DecodeError> {
        codec::decode_client(bytes)
    }
}

impl ServerMsg {
    /// Encodes into a fresh buffer.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode_into(&mut out);
        out
    }
    /// Appends the encoding to `out`.
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        codec::encode_server(self, out)
    }
    /// Decodes one whole frame.
    pub fn decode(bytes: &[u8]) -> Result<ServerMsg, DecodeError> {
        codec::decode_server(bytes)
    }
}

impl Op {
    /// The socket this operation is about, if any.
    pub fn sock(&self) -> Option<SocketId> {
        match self {
            Op::Socket { sock, .. }
            | Op::Bind { sock, .. }
            | Op::Listen { sock, .. }
            | Op::Accept { sock, .. }
            | Op::Connect { sock, .. }
            | Op::SendTo { sock, .. }
            | Op::Shutdown { sock, .. }
            | Op::Close { sock }
            | Op::SetSockOpt { sock, .. }
            | Op::GetSockOpt { sock, .. }
            | Op::GetSockName { sock }
            | Op::GetPeerName { sock } => Some(*sock),
            Op::Resolve { .. } => None,
        }
    }
}
