//! The wire log: every socket call of every running script, turned into sequence-diagram events.
//!
//! Pure bookkeeping, no DOM. Each completed socket op becomes one [`Event`]: a note on
//! the lane of the script that made the call, or an arrow to the lane of the script that
//! owns the other end (found by matching addresses), or to "outside" when the other end
//! is not a script on this page (a browser, curl, another host). Sends and receives are
//! separate events, so three sends read by one `recv` show as three arrows and one note.
//!
//! What the network does by itself comes from the engine ([`WireLog::arrival`]) and is drawn
//! apart from the script's calls, so a row says either "the network did this" or "the script
//! did this", never both:
//! * `arrived`: bytes (or a datagram) reached the socket's buffer — an arrow from the peer's
//!   lane (a note naming the address when the page cannot tell which lane sent a datagram),
//!   at the moment it happened; the script's later `recv` is its own `recv` row, a note.
//!   Arrivals in a row on one socket, with nothing else drawn between, grow one row.
//! * `incoming`: a connection completed and waits in the listen queue; `accept` takes it.
//! * `peer-closed`: the peer's FIN; the script's `recv` that returns `b''` is the `eof` row.
//! * `net-error`: an error the relay pushed (a reset); the call that raises it is an `error` row.

use socklab_lang::host::{
    Addr, Location, Op, OsError, Reply, Shutdown, SockType, SocketCall, SocketHandle,
};
use std::collections::HashMap;

use crate::bytes_view::{byte_count, preview_with_text as preview};

/// A running script (one pane may run its script more than once at a time).
pub type ProcId = u32;

/// A column of the diagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lane {
    Proc(ProcId),
    /// Peers that are not scripts on this page.
    Outside,
}

/// What a diagram row shows; also its `data-kind` in the DOM (tests count these).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Socket,
    Bind,
    Listen,
    Connect,
    Accept,
    Send,
    Recv,
    Eof,
    SendTo,
    RecvFrom,
    Shutdown,
    Close,
    Error,
    /// Bytes or a datagram reached the socket, not yet read by the script.
    Arrived,
    /// A connection waits in a listener's queue.
    Incoming,
    /// The peer's FIN came in.
    PeerClosed,
    /// The network reported an error on the socket (a reset).
    NetError,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Socket => "socket",
            Kind::Bind => "bind",
            Kind::Listen => "listen",
            Kind::Connect => "connect",
            Kind::Accept => "accept",
            Kind::Send => "send",
            Kind::Recv => "recv",
            Kind::Eof => "eof",
            Kind::SendTo => "sendto",
            Kind::RecvFrom => "recvfrom",
            Kind::Shutdown => "shutdown",
            Kind::Close => "close",
            Kind::Error => "error",
            Kind::Arrived => "arrived",
            Kind::Incoming => "incoming",
            Kind::PeerClosed => "peer-closed",
            Kind::NetError => "net-error",
        }
    }
}

/// One row of the diagram.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub kind: Kind,
    pub from: Lane,
    /// Arrows have a destination; notes do not.
    pub to: Option<Lane>,
    pub label: String,
    /// The bytes sent or received, for the hex/text view.
    pub data: Option<Vec<u8>>,
    /// The script's line; 0 for what the network did by itself.
    pub line: u32,
}

/// Where [`WireLog::arrival`] put its row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Drawn {
    /// A new row at this index.
    New(usize),
    /// The row at this index grew (more bytes arrived on the same socket).
    Grew(usize),
}

/// What the network did by itself on a socket (the engine's unsolicited events).
#[derive(Clone, Debug, PartialEq)]
pub enum Arrival {
    Bytes(Vec<u8>),
    Datagram { from: Addr, data: Vec<u8> },
    Incoming,
    PeerClosed,
    Error(OsError),
}

/// A grown arrival row keeps at most this many bytes for the hex view (the label counts all).
const ARRIVAL_KEEP: usize = 64 * 1024;

/// Closed sockets are remembered (to name the lane a late FIN came from) up to this many.
const CLOSED_KEEP: usize = 1024;

#[derive(Clone, Debug, Default)]
struct SockInfo {
    udp: bool,
    local: Option<Addr>,
    peer: Option<Addr>,
    listening: bool,
    /// Closed by the script or gone with it; kept to find the lane of what it sent last.
    closed: bool,
    /// Connections queued on a listener and not yet accepted.
    queued: u32,
}

/// The sockets every script has, and the events so far.
#[derive(Default)]
pub struct WireLog {
    socks: HashMap<(ProcId, SocketHandle), SockInfo>,
    pub events: Vec<Event>,
    /// Interface language for labels.
    pub zh: bool,
    /// The arrival row that more bytes on the same socket grow: socket, row, bytes so far.
    growing: Option<((ProcId, SocketHandle), usize, usize)>,
}

fn norm_host(host: &str) -> &str {
    match host {
        "localhost" | "" => "127.0.0.1",
        h => h,
    }
}

/// Does a socket bound to `bound` receive what is sent to `dest`?
fn addr_matches(bound: &Addr, dest: &Addr) -> bool {
    bound.port == dest.port
        && (norm_host(&bound.host) == norm_host(&dest.host)
            || bound.host == "0.0.0.0"
            || bound.host == "::")
}

fn same_addr(a: &Addr, b: &Addr) -> bool {
    a.port == b.port && norm_host(&a.host) == norm_host(&b.host)
}

impl WireLog {
    pub fn new(zh: bool) -> WireLog {
        WireLog {
            zh,
            ..WireLog::default()
        }
    }

    pub fn clear(&mut self) {
        self.events.clear();
        self.socks.clear();
        self.growing = None;
    }

    /// Forget the rows but not the sockets (the diagram's Clear button).
    pub fn clear_rows(&mut self) {
        self.events.clear();
        self.growing = None;
    }

    /// The address a socket listens on, once `listen` succeeded.
    pub fn listening_addr(&self, proc: ProcId, sock: SocketHandle) -> Option<Addr> {
        let info = self.socks.get(&(proc, sock))?;
        info.listening.then(|| info.local.clone()).flatten()
    }

    /// The lane that owns a TCP peer: a script's socket connected back to us.
    fn tcp_peer_lane(&self, me: (ProcId, SocketHandle)) -> Lane {
        let Some(info) = self.socks.get(&me) else {
            return Lane::Outside;
        };
        let (Some(local), Some(peer)) = (&info.local, &info.peer) else {
            return Lane::Outside;
        };
        let accepted = self
            .socks
            .iter()
            .filter(|(key, other)| {
                **key != me
                    && !other.udp
                    && other.local.as_ref().is_some_and(|l| same_addr(l, peer))
                    && other.peer.as_ref().is_some_and(|p| same_addr(p, local))
            })
            // An open socket before a closed one that had the same addresses.
            .min_by_key(|(_, other)| other.closed)
            .map(|(key, _)| Lane::Proc(key.0));
        // Not accepted yet: the connection waits in the queue of the listener at `peer`.
        accepted.unwrap_or_else(|| self.lane_at(peer, false, true))
    }

    /// The lane of a listening TCP socket or bound UDP socket at `dest`.
    fn lane_at(&self, dest: &Addr, udp: bool, listening: bool) -> Lane {
        self.socks
            .iter()
            .find(|(_, s)| {
                s.udp == udp
                    && !s.closed
                    && (!listening || s.listening)
                    && s.local.as_ref().is_some_and(|l| addr_matches(l, dest))
            })
            .map_or(Lane::Outside, |(key, _)| Lane::Proc(key.0))
    }

    /// The lane of the UDP socket a datagram came from, even if it closed since it sent.
    fn datagram_sender(&self, from: &Addr) -> Lane {
        self.socks
            .iter()
            .filter(|(_, s)| s.udp && s.local.as_ref().is_some_and(|l| addr_matches(l, from)))
            .min_by_key(|(_, s)| s.closed)
            .map_or(Lane::Outside, |(key, _)| Lane::Proc(key.0))
    }

    /// A script ended: its sockets are closed (the relay closes them).
    pub fn forget_proc(&mut self, proc: ProcId) {
        for (_, s) in self.socks.iter_mut().filter(|(key, _)| key.0 == proc) {
            s.closed = true;
        }
        self.prune_closed();
    }

    /// Keep memory bounded on a long-running server: forget closed sockets beyond a limit.
    fn prune_closed(&mut self) {
        if self.socks.values().filter(|s| s.closed).count() > CLOSED_KEEP {
            self.socks.retain(|_, s| !s.closed);
        }
    }

    fn push(&mut self, event: Event) -> usize {
        self.growing = None;
        self.events.push(event);
        self.events.len() - 1
    }

    /// Record one completed op; returns the diagram event it makes, if any.
    pub fn record(&mut self, proc: ProcId, at: Location, op: &Op, reply: &Reply) -> Option<&Event> {
        let event = self.event_for(proc, at, op, reply)?;
        let index = self.push(event);
        self.events.get(index)
    }

    /// Record what the network did by itself on socket `sock` of script `proc`.
    pub fn arrival(&mut self, proc: ProcId, sock: SocketHandle, what: Arrival) -> Drawn {
        let key = (proc, sock);
        let zh = self.zh;
        let to = Lane::Proc(proc);
        let peer = self.tcp_peer_lane(key);
        let arrow = |kind, from, label: String, data| Event {
            kind,
            from,
            to: Some(to),
            label,
            data,
            line: 0,
        };
        let event = match what {
            Arrival::Bytes(data) => {
                if let Some((k, index, total)) = self.growing {
                    if k == key && index < self.events.len() {
                        let total = total + data.len();
                        self.growing = Some((k, index, total));
                        let e = &mut self.events[index];
                        let kept = e.data.get_or_insert_with(Vec::new);
                        let room = ARRIVAL_KEEP.saturating_sub(kept.len());
                        kept.extend_from_slice(&data[..room.min(data.len())]);
                        e.label = arrived_label(zh, total, kept, None);
                        return Drawn::Grew(index);
                    }
                }
                let label = arrived_label(zh, data.len(), &data, None);
                let index = self.push(arrow(Kind::Arrived, peer, label, Some(data.clone())));
                self.growing = Some((key, index, data.len()));
                return Drawn::New(index);
            }
            Arrival::Datagram { from, data } => {
                let label = arrived_label(zh, data.len(), &data, Some(&from));
                match self.datagram_sender(&from) {
                    // The page cannot tell an unbound client's port from a stranger's: no
                    // guessed lane, the label names the address.
                    Lane::Outside => Event {
                        kind: Kind::Arrived,
                        from: to,
                        to: None,
                        label,
                        data: Some(data),
                        line: 0,
                    },
                    lane => arrow(Kind::Arrived, lane, label, Some(data)),
                }
            }
            Arrival::Incoming => {
                let info = self.socks.entry(key).or_default();
                info.queued += 1;
                let n = info.queued;
                let label = if zh {
                    format!("⇣ 新连接到达 · 在监听队列中等待 accept()(排队 {n} 个)")
                } else {
                    format!("⇣ connection arrived · queued until accept() ({n} waiting)")
                };
                Event {
                    kind: Kind::Incoming,
                    from: to,
                    to: None,
                    label,
                    data: None,
                    line: 0,
                }
            }
            Arrival::PeerClosed => {
                let label = if zh {
                    "⇣ FIN · 对端关闭了发送方向"
                } else {
                    "⇣ FIN · the peer closed its sending side"
                };
                arrow(Kind::PeerClosed, peer, label.to_string(), None)
            }
            Arrival::Error(e) => {
                let label = if zh {
                    format!("⇣ [Errno {}] {} · 下一次调用时抛出", e.errno, e.message)
                } else {
                    format!(
                        "⇣ [Errno {}] {} · raised at the next call",
                        e.errno, e.message
                    )
                };
                arrow(Kind::NetError, peer, label, None)
            }
        };
        Drawn::New(self.push(event))
    }

    fn note(&self, kind: Kind, proc: ProcId, at: Location, label: String) -> Event {
        Event {
            kind,
            from: Lane::Proc(proc),
            to: None,
            label,
            data: None,
            line: at.line,
        }
    }

    fn event_for(&mut self, proc: ProcId, at: Location, op: &Op, reply: &Reply) -> Option<Event> {
        let (sock, call) = match op {
            Op::Create { kind, .. } => {
                let Reply::Created(h) = reply else {
                    return Some(self.error(proc, at, "socket()", reply));
                };
                let udp = *kind == SockType::Dgram;
                self.socks.insert(
                    (proc, *h),
                    SockInfo {
                        udp,
                        ..SockInfo::default()
                    },
                );
                let kind_name = if udp { "UDP" } else { "TCP" };
                return Some(self.note(
                    Kind::Socket,
                    proc,
                    at,
                    format!("socket() {kind_name} · fd {}", h.0),
                ));
            }
            Op::Socket { sock, call, .. } => (*sock, call),
            _ => return None,
        };
        let key = (proc, sock);
        let udp = self.socks.get(&key).is_some_and(|s| s.udp);
        let zh = self.zh;
        match (call, reply) {
            (SocketCall::Bind(_), Reply::Bound { local }) => {
                self.socks.entry(key).or_default().local = Some(local.clone());
                Some(self.note(Kind::Bind, proc, at, format!("bind {local}")))
            }
            (SocketCall::Listen { backlog }, Reply::Done) => {
                let info = self.socks.entry(key).or_default();
                info.listening = true;
                let addr = info
                    .local
                    .as_ref()
                    .map(|a| a.to_string())
                    .unwrap_or_default();
                let text = if zh { "监听" } else { "listening on" };
                Some(self.note(
                    Kind::Listen,
                    proc,
                    at,
                    format!("listen({backlog}) · {text} {addr}"),
                ))
            }
            (SocketCall::Connect(dest), Reply::Connected { local, peer }) => {
                let info = self.socks.entry(key).or_default();
                info.local = Some(local.clone());
                info.peer = Some(peer.clone());
                if udp {
                    let text = if zh {
                        "UDP:只记下默认对端,不发送任何东西"
                    } else {
                        "UDP: sets the default peer, sends nothing"
                    };
                    return Some(self.note(
                        Kind::Connect,
                        proc,
                        at,
                        format!("connect {dest} · {text}"),
                    ));
                }
                let to = self.lane_at(peer, false, true);
                let hs = if zh {
                    "三次握手"
                } else {
                    "three-way handshake"
                };
                Some(Event {
                    kind: Kind::Connect,
                    from: Lane::Proc(proc),
                    to: Some(to),
                    label: format!("connect {local} → {peer} · {hs} SYN → SYN-ACK → ACK"),
                    data: None,
                    line: at.line,
                })
            }
            (
                SocketCall::Accept,
                Reply::Accepted {
                    sock: new,
                    local,
                    peer,
                },
            ) => {
                self.socks.insert(
                    (proc, *new),
                    SockInfo {
                        udp: false,
                        local: Some(local.clone()),
                        peer: Some(peer.clone()),
                        ..SockInfo::default()
                    },
                );
                if let Some(listener) = self.socks.get_mut(&key) {
                    listener.queued = listener.queued.saturating_sub(1);
                }
                Some(self.note(
                    Kind::Accept,
                    proc,
                    at,
                    format!("accept → fd {} · {peer} → {local}", new.0),
                ))
            }
            (SocketCall::Send(data) | SocketCall::SendAll(data), Reply::Sent(n)) => {
                let sent = &data[..(*n).min(data.len())];
                let name = if matches!(call, SocketCall::SendAll(_)) {
                    "sendall"
                } else {
                    "send"
                };
                let to = if udp {
                    let peer = self.socks.get(&key).and_then(|s| s.peer.clone());
                    peer.map_or(Lane::Outside, |p| self.lane_at(&p, true, false))
                } else {
                    self.tcp_peer_lane(key)
                };
                Some(Event {
                    kind: Kind::Send,
                    from: Lane::Proc(proc),
                    to: Some(to),
                    label: format!("{name} {} {}", byte_count(sent.len()), preview(sent, 24)),
                    data: Some(sent.to_vec()),
                    line: at.line,
                })
            }
            (SocketCall::SendTo(data, dest), Reply::Sent(n)) => {
                let sent = &data[..(*n).min(data.len())];
                let to = self.lane_at(dest, true, false);
                let from_addr = self.socks.get(&key).and_then(|s| s.local.clone());
                let from = from_addr.map(|a| format!("{a} → ")).unwrap_or_default();
                Some(Event {
                    kind: Kind::SendTo,
                    from: Lane::Proc(proc),
                    to: Some(to),
                    label: format!(
                        "sendto {from}{dest} · {} {}",
                        byte_count(sent.len()),
                        preview(sent, 24)
                    ),
                    data: Some(sent.to_vec()),
                    line: at.line,
                })
            }
            (SocketCall::Recv { max }, Reply::Data(data)) => {
                if data.is_empty() && !udp {
                    let text = if zh {
                        "对端已关闭"
                    } else {
                        "the peer closed"
                    };
                    return Some(self.note(
                        Kind::Eof,
                        proc,
                        at,
                        format!("recv({max}) → b'' · EOF, {text}"),
                    ));
                }
                let mut e = self.note(
                    Kind::Recv,
                    proc,
                    at,
                    format!(
                        "recv({max}) → {} {}",
                        byte_count(data.len()),
                        preview(data, 24)
                    ),
                );
                e.data = Some(data.clone());
                Some(e)
            }
            (SocketCall::RecvFrom { max }, Reply::DataFrom(data, from)) => {
                let mut e = self.note(
                    Kind::RecvFrom,
                    proc,
                    at,
                    format!(
                        "recvfrom({max}) → {} {} · from {from}",
                        byte_count(data.len()),
                        preview(data, 24)
                    ),
                );
                e.data = Some(data.clone());
                Some(e)
            }
            (SocketCall::Shutdown(how), Reply::Done) => {
                let how = match how {
                    Shutdown::Read => "SHUT_RD",
                    Shutdown::Write => "SHUT_WR",
                    Shutdown::Both => "SHUT_RDWR",
                };
                Some(self.note(Kind::Shutdown, proc, at, format!("shutdown({how})")))
            }
            (SocketCall::Close, _) => {
                if let Some(s) = self.socks.get_mut(&key) {
                    s.closed = true;
                }
                self.prune_closed();
                Some(self.note(Kind::Close, proc, at, "close()".to_string()))
            }
            (SocketCall::SetOpt { .. } | SocketCall::GetOpt { .. }, _) => None,
            (call, reply @ (Reply::Err(_) | Reply::TimedOut)) => {
                Some(self.error(proc, at, &call_name(call), reply))
            }
            _ => None,
        }
    }

    fn error(&self, proc: ProcId, at: Location, what: &str, reply: &Reply) -> Event {
        let text = match reply {
            Reply::Err(e) => format!("{what} → [Errno {}] {}", e.errno, e.message),
            Reply::TimedOut => format!("{what} → timed out"),
            other => format!("{what} → {other:?}"),
        };
        self.note(Kind::Error, proc, at, text)
    }
}

/// "⇣ arrived 5 B b'hello' · not read yet" (a datagram: "· from ADDR" instead).
fn arrived_label(zh: bool, total: usize, data: &[u8], from: Option<&Addr>) -> String {
    // Short, so the row shows it whole; the hint above the diagram says what it means.
    let tail = match (from, zh) {
        (Some(a), _) => format!("from {a}"),
        (None, true) => "尚未读取".to_string(),
        (None, false) => "not read yet".to_string(),
    };
    let word = if zh { "到达" } else { "arrived" };
    format!(
        "⇣ {word} {} {} · {tail}",
        byte_count(total),
        preview(data, 24)
    )
}

fn call_name(call: &SocketCall) -> String {
    match call {
        SocketCall::Bind(a) => format!("bind {a}"),
        SocketCall::Listen { .. } => "listen".into(),
        SocketCall::Accept => "accept".into(),
        SocketCall::Connect(a) => format!("connect {a}"),
        SocketCall::Send(_) => "send".into(),
        SocketCall::SendAll(_) => "sendall".into(),
        SocketCall::SendTo(_, a) => format!("sendto {a}"),
        SocketCall::Recv { .. } => "recv".into(),
        SocketCall::RecvFrom { .. } => "recvfrom".into(),
        SocketCall::Shutdown(_) => "shutdown".into(),
        SocketCall::Close => "close".into(),
        SocketCall::SetOpt { .. } => "setsockopt".into(),
        SocketCall::GetOpt { .. } => "getsockopt".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use socklab_lang::host::{Family, OsError};

    fn at(line: u32) -> Location {
        Location { thread: 0, line }
    }
    fn sock(proc: ProcId, h: i32, call: SocketCall) -> Op {
        let _ = proc;
        Op::Socket {
            sock: SocketHandle(h),
            call,
            timeout: None,
        }
    }
    fn create(log: &mut WireLog, proc: ProcId, h: i32, kind: SockType) {
        let op = Op::Create {
            family: Family::Inet,
            kind,
        };
        log.record(proc, at(1), &op, &Reply::Created(SocketHandle(h)));
    }
    /// Proc 1's socket 3 bound to `srv` at `line` and listening at the next line.
    fn listening(log: &mut WireLog, srv: &Addr, line: u32) {
        create(log, 1, 3, SockType::Stream);
        log.record(
            1,
            at(line),
            &sock(1, 3, SocketCall::Bind(srv.clone())),
            &Reply::Bound { local: srv.clone() },
        );
        log.record(
            1,
            at(line + 1),
            &sock(1, 3, SocketCall::Listen { backlog: 5 }),
            &Reply::Done,
        );
    }
    fn kinds(log: &WireLog) -> Vec<&'static str> {
        log.events.iter().map(|e| e.kind.name()).collect()
    }

    /// Server (proc 1) and client (proc 2) on one page: the connect arrow goes to the
    /// server's lane, three sends then one coalesced recv.
    #[test]
    fn tcp_conversation_between_two_scripts() {
        let mut log = WireLog::default();
        let srv = Addr::new("127.0.0.1", 8000);
        let cli = Addr::new("127.0.0.1", 50000);
        listening(&mut log, &srv, 3);
        assert_eq!(log.listening_addr(1, SocketHandle(3)), Some(srv.clone()));
        create(&mut log, 2, 3, SockType::Stream);
        let connected = Reply::Connected {
            local: cli.clone(),
            peer: srv.clone(),
        };
        let e = log
            .record(
                2,
                at(3),
                &sock(2, 3, SocketCall::Connect(srv.clone())),
                &connected,
            )
            .unwrap();
        assert_eq!((e.from, e.to), (Lane::Proc(2), Some(Lane::Proc(1))));
        assert!(e.label.contains("three-way handshake"), "{}", e.label);
        let accepted = Reply::Accepted {
            sock: SocketHandle(4),
            local: srv.clone(),
            peer: cli.clone(),
        };
        log.record(1, at(5), &sock(1, 3, SocketCall::Accept), &accepted);
        for word in ["one", "two", "six"] {
            let e = log
                .record(
                    2,
                    at(6),
                    &sock(2, 3, SocketCall::Send(word.into())),
                    &Reply::Sent(3),
                )
                .unwrap();
            assert_eq!(e.to, Some(Lane::Proc(1)));
        }
        let e = log
            .record(
                1,
                at(8),
                &sock(1, 4, SocketCall::Recv { max: 1024 }),
                &Reply::Data(b"onetwosix".to_vec()),
            )
            .unwrap();
        assert_eq!(e.label, "recv(1024) → 9 B b'onetwosix'");
        // The server answers: its send goes back to the client's lane.
        let e = log
            .record(
                1,
                at(9),
                &sock(1, 4, SocketCall::Send(b"ok".to_vec())),
                &Reply::Sent(2),
            )
            .unwrap();
        assert_eq!(e.to, Some(Lane::Proc(2)));
        log.record(2, at(10), &sock(2, 3, SocketCall::Close), &Reply::Done);
        log.record(
            1,
            at(8),
            &sock(1, 4, SocketCall::Recv { max: 1024 }),
            &Reply::Data(vec![]),
        );
        assert_eq!(
            kinds(&log),
            [
                "socket", "bind", "listen", "socket", "connect", "accept", "send", "send", "send",
                "recv", "send", "close", "eof"
            ]
        );
    }

    #[test]
    fn partial_send_shows_only_what_was_taken() {
        let mut log = WireLog::default();
        create(&mut log, 1, 3, SockType::Stream);
        let e = log
            .record(
                1,
                at(2),
                &sock(1, 3, SocketCall::Send(b"abcdef".to_vec())),
                &Reply::Sent(2),
            )
            .unwrap();
        assert_eq!(e.data.as_deref(), Some(&b"ab"[..]));
        assert_eq!(e.to, Some(Lane::Outside));
    }

    #[test]
    fn udp_datagrams_and_errors() {
        let mut log = WireLog::default();
        let srv = Addr::new("127.0.0.1", 9999);
        create(&mut log, 1, 3, SockType::Dgram);
        log.record(
            1,
            at(2),
            &sock(1, 3, SocketCall::Bind(srv.clone())),
            &Reply::Bound { local: srv.clone() },
        );
        create(&mut log, 2, 3, SockType::Dgram);
        let e = log
            .record(
                2,
                at(4),
                &sock(2, 3, SocketCall::SendTo(b"100".to_vec(), srv.clone())),
                &Reply::Sent(3),
            )
            .unwrap();
        assert_eq!((e.kind, e.to), (Kind::SendTo, Some(Lane::Proc(1))));
        let from = Addr::new("127.0.0.1", 40000);
        let e = log
            .record(
                1,
                at(3),
                &sock(1, 3, SocketCall::RecvFrom { max: 1024 }),
                &Reply::DataFrom(b"100".to_vec(), from),
            )
            .unwrap();
        assert!(e.label.ends_with("from 127.0.0.1:40000"), "{}", e.label);
        let refused = Reply::Err(OsError {
            errno: 111,
            message: "Connection refused".into(),
        });
        let e = log
            .record(
                2,
                at(7),
                &sock(2, 3, SocketCall::Connect(Addr::new("127.0.0.1", 1))),
                &refused,
            )
            .unwrap();
        assert_eq!((e.kind, e.line), (Kind::Error, 7));
        assert_eq!(
            e.label,
            "connect 127.0.0.1:1 → [Errno 111] Connection refused"
        );
    }

    /// Two scripts talk; the server's bytes and FIN arrive at the client before it reads:
    /// arrows from the server's lane at that moment, then the client's own recv notes.
    #[test]
    fn arrivals_are_arrows_from_the_peer_and_grow_until_something_else_is_drawn() {
        let mut log = WireLog::default();
        let srv = Addr::new("127.0.0.1", 8000);
        let cli = Addr::new("127.0.0.1", 50000);
        listening(&mut log, &srv, 2);
        create(&mut log, 2, 3, SockType::Stream);
        let connected = Reply::Connected {
            local: cli.clone(),
            peer: srv.clone(),
        };
        log.record(
            2,
            at(2),
            &sock(2, 3, SocketCall::Connect(srv.clone())),
            &connected,
        );
        assert_eq!(
            log.arrival(1, SocketHandle(3), Arrival::Incoming),
            Drawn::New(5)
        );
        // Sent before the server accepted: still to the server's lane (its listen queue).
        let e = log
            .record(
                2,
                at(3),
                &sock(2, 3, SocketCall::Send(b"early".to_vec())),
                &Reply::Sent(5),
            )
            .unwrap();
        assert_eq!(e.to, Some(Lane::Proc(1)));
        log.events.pop(); // keep the row numbers below
        assert!(
            log.events[5].label.contains("(1 waiting)"),
            "{}",
            log.events[5].label
        );
        let accepted = Reply::Accepted {
            sock: SocketHandle(4),
            local: srv.clone(),
            peer: cli.clone(),
        };
        log.record(1, at(4), &sock(1, 3, SocketCall::Accept), &accepted);
        log.record(
            1,
            at(5),
            &sock(1, 4, SocketCall::SendAll(b"hello ".to_vec())),
            &Reply::Sent(6),
        );
        assert_eq!(
            log.arrival(2, SocketHandle(3), Arrival::Bytes(b"hello ".to_vec())),
            Drawn::New(8)
        );
        log.record(1, at(6), &sock(1, 4, SocketCall::Close), &Reply::Done);
        log.forget_proc(1);
        assert_eq!(
            log.arrival(2, SocketHandle(3), Arrival::Bytes(b"world".to_vec())),
            Drawn::New(10),
            "the close row came between"
        );
        assert_eq!(
            log.arrival(2, SocketHandle(3), Arrival::Bytes(b"!".to_vec())),
            Drawn::Grew(10)
        );
        let grown = &log.events[10];
        assert_eq!(grown.data.as_deref(), Some(&b"world!"[..]));
        assert!(
            grown.label.starts_with("⇣ arrived 6 B b'world!'"),
            "{}",
            grown.label
        );
        assert_eq!(
            (grown.from, grown.to, grown.line),
            (Lane::Proc(1), Some(Lane::Proc(2)), 0)
        );
        // The server has closed and ended; its FIN still comes from its lane.
        log.arrival(2, SocketHandle(3), Arrival::PeerClosed);
        assert_eq!(log.events[11].from, Lane::Proc(1));
        log.record(
            2,
            at(4),
            &sock(2, 3, SocketCall::Recv { max: 1024 }),
            &Reply::Data(b"hello world!".to_vec()),
        );
        log.record(
            2,
            at(4),
            &sock(2, 3, SocketCall::Recv { max: 1024 }),
            &Reply::Data(vec![]),
        );
        assert_eq!(
            kinds(&log),
            [
                "socket",
                "bind",
                "listen",
                "socket",
                "connect",
                "incoming",
                "accept",
                "send",
                "arrived",
                "close",
                "arrived",
                "peer-closed",
                "recv",
                "eof"
            ]
        );
        // A listener of a script that ended takes no more arrows.
        assert_eq!(log.lane_at(&srv, false, true), Lane::Outside);
        // More bytes after Clear start a new row (the grown one is gone).
        log.arrival(2, SocketHandle(3), Arrival::Bytes(b"?".to_vec()));
        log.clear_rows();
        assert_eq!(
            log.arrival(2, SocketHandle(3), Arrival::Bytes(b"?".to_vec())),
            Drawn::New(0)
        );
    }

    #[test]
    fn datagram_arrivals_keep_boundaries_and_name_unknown_senders() {
        let mut log = WireLog::new(true);
        let srv = Addr::new("0.0.0.0", 9999);
        create(&mut log, 1, 3, SockType::Dgram);
        log.record(
            1,
            at(2),
            &sock(1, 3, SocketCall::Bind(srv.clone())),
            &Reply::Bound { local: srv.clone() },
        );
        let from = Addr::new("127.0.0.1", 40000);
        for _ in 0..2 {
            let what = Arrival::Datagram {
                from: from.clone(),
                data: b"100".to_vec(),
            };
            log.arrival(1, SocketHandle(3), what);
        }
        assert_eq!(log.events.len(), 4, "two datagrams are two rows");
        let e = &log.events[3];
        assert_eq!((e.kind, e.to), (Kind::Arrived, None));
        assert!(
            e.label.contains("到达 3 B b'100' · from 127.0.0.1:40000"),
            "{}",
            e.label
        );
        // A reply to the server's address comes from the server's lane.
        create(&mut log, 2, 3, SockType::Dgram);
        let what = Arrival::Datagram {
            from: Addr::new("127.0.0.1", 9999),
            data: b"ok".to_vec(),
        };
        log.arrival(2, SocketHandle(3), what);
        let e = log.events.last().unwrap();
        assert_eq!((e.from, e.to), (Lane::Proc(1), Some(Lane::Proc(2))));
        // Still from the server's lane when the server closed right after sending.
        log.record(1, at(5), &sock(1, 3, SocketCall::Close), &Reply::Done);
        let what = Arrival::Datagram {
            from: Addr::new("127.0.0.1", 9999),
            data: b"ok".to_vec(),
        };
        log.arrival(2, SocketHandle(3), what);
        assert_eq!(log.events.last().unwrap().from, Lane::Proc(1));
        let reset = OsError {
            errno: 104,
            message: "Connection reset by peer".into(),
        };
        log.arrival(2, SocketHandle(3), Arrival::Error(reset));
        let e = log.events.last().unwrap();
        assert_eq!(e.kind, Kind::NetError);
        assert!(e.label.contains("[Errno 104]"), "{}", e.label);
    }
}
