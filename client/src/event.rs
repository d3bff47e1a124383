//! What the engine reports for the page's live wire diagram: one [`WireEvent`] per socket step.

use socklab_lang::host::{Addr, Family, Location, OsError, Shutdown, SockType};

/// A script, as the host numbers them (the page: one per pane; `socklab run`: one per process
/// or per scenario step).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ScriptId(pub u32);

/// One thing that happened on a socket, tagged with the script, its fd and the line of the
/// script that caused it (`None` for what the network did by itself, such as the peer's EOF).
#[derive(Clone, Debug, PartialEq)]
pub struct WireEvent {
    pub script: ScriptId,
    /// The socket's fd in that script; `-1` for events not about a socket (name resolution).
    pub fd: i32,
    pub at: Option<Location>,
    pub kind: WireEventKind,
}

/// What happened. Data-carrying variants hold exactly the bytes involved, so the page can
/// show that three sends arrived as one recv.
#[derive(Clone, Debug, PartialEq)]
pub enum WireEventKind {
    Created {
        family: Family,
        kind: SockType,
    },
    Bound {
        local: Addr,
    },
    Listening {
        backlog: u32,
    },
    /// `connect()` started, towards the address as the script named it.
    Connecting {
        to: Addr,
    },
    /// The three-way handshake completed (TCP) or the default peer was set (UDP).
    Connected {
        local: Addr,
        peer: Addr,
    },
    /// A connection came out of the listener `fd` as the new socket `new_fd`.
    Accepted {
        local: Addr,
        peer: Addr,
        new_fd: i32,
    },
    /// Bytes handed to the relay for a TCP socket (a `send`, or a piece of a `sendall`).
    Sent {
        data: Vec<u8>,
    },
    /// Exactly the bytes one `recv` returned; empty means the script saw EOF.
    Received {
        data: Vec<u8>,
    },
    /// A datagram sent; `to` is `None` on a connected UDP socket.
    DatagramOut {
        to: Option<Addr>,
        data: Vec<u8>,
    },
    /// A datagram as one `recv`/`recvfrom` returned it (truncated to the size asked for).
    DatagramIn {
        from: Addr,
        data: Vec<u8>,
    },
    /// TCP bytes the relay read from the peer, as they arrived and before any `recv`
    /// returned them (that is a later `Received`).
    Arrived {
        data: Vec<u8>,
    },
    /// A datagram that arrived, before any `recv`/`recvfrom` returned it (`DatagramIn`).
    DatagramArrived {
        from: Addr,
        data: Vec<u8>,
    },
    /// A connection completed and waits in the listener's queue for `accept()`.
    Incoming,
    /// The peer shut down its sending side (FIN).
    PeerEof,
    Shutdown {
        how: Shutdown,
    },
    Closed,
    /// A call failed. A relay policy refusal is `EACCES` with the rule in the message.
    Error {
        call: &'static str,
        error: OsError,
    },
    /// A call's timeout (`settimeout`) expired.
    TimedOut {
        call: &'static str,
    },
    /// An error that came without a call (a reset while reading, a failed write); the
    /// script sees it at its next call on the socket.
    SocketError {
        error: OsError,
    },
}
