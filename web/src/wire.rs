//! The wire log: every socket call of every running script, turned into sequence-diagram events.
//!
//! Pure bookkeeping, no DOM. Each completed socket op becomes one [`Event`]: a note on
//! the lane of the script that made the call, or an arrow to the lane of the script that
//! owns the other end (found by matching addresses), or to "outside" when the other end
//! is not a script on this page (a browser, curl, another host). Sends and receives are
//! separate events, so three sends read by one `recv` show as three arrows and one note.

use socklab_lang::host::{Addr, Location, Op, Reply, Shutdown, SockType, SocketCall, SocketHandle};
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
    pub line: u32,
}

#[derive(Clone, Debug, Default)]
struct SockInfo {
    udp: bool,
    local: Option<Addr>,
    peer: Option<Addr>,
    listening: bool,
}

/// The sockets every script has, and the events so far.
#[derive(Default)]
pub struct WireLog {
    socks: HashMap<(ProcId, SocketHandle), SockInfo>,
    pub events: Vec<Event>,
    /// Interface language for labels.
    pub zh: bool,
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
        self.socks
            .iter()
            .find(|(key, other)| {
                **key != me
                    && !other.udp
                    && other.local.as_ref().is_some_and(|l| same_addr(l, peer))
                    && other.peer.as_ref().is_some_and(|p| same_addr(p, local))
            })
            .map_or(Lane::Outside, |(key, _)| Lane::Proc(key.0))
    }

    /// The lane of a listening TCP socket or bound UDP socket at `dest`.
    fn lane_at(&self, dest: &Addr, udp: bool, listening: bool) -> Lane {
        self.socks
            .iter()
            .find(|(_, s)| {
                s.udp == udp
                    && (!listening || s.listening)
                    && s.local.as_ref().is_some_and(|l| addr_matches(l, dest))
            })
            .map_or(Lane::Outside, |(key, _)| Lane::Proc(key.0))
    }

    /// A script ended: its sockets are gone (the relay closes them).
    pub fn forget_proc(&mut self, proc: ProcId) {
        self.socks.retain(|key, _| key.0 != proc);
    }

    /// Record one completed op; returns the diagram event it makes, if any.
    pub fn record(&mut self, proc: ProcId, at: Location, op: &Op, reply: &Reply) -> Option<&Event> {
        let event = self.event_for(proc, at, op, reply)?;
        self.events.push(event);
        self.events.last()
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
                        listening: false,
                    },
                );
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
                self.socks.remove(&key);
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
        create(&mut log, 1, 3, SockType::Stream);
        log.record(
            1,
            at(3),
            &sock(1, 3, SocketCall::Bind(srv.clone())),
            &Reply::Bound { local: srv.clone() },
        );
        log.record(
            1,
            at(4),
            &sock(1, 3, SocketCall::Listen { backlog: 5 }),
            &Reply::Done,
        );
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
}
