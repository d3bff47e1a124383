//! The socket engine: script socket ops in, relay frames out; relay frames in, replies and wire events out.
//!
//! Everything here is synchronous and clock-free: the host passes `now` (seconds on any
//! monotonic clock) and moves frames between [`Engine`] and the WebSocket itself. That keeps
//! the same code in the page (wasm, browser WebSocket) and in `socklab run` (tokio).

use std::collections::{BTreeMap, HashMap, VecDeque};

use socklab_lang::host::{
    self, errno, Location, Op, OpId, OsError, Reply, SocketCall, SocketHandle,
};
use socklab_proto::{self as proto, ClientMsg, Done, RequestId, ServerMsg, SocketId};

use crate::event::{ScriptId, WireEvent, WireEventKind};

/// How much each socket lets the relay read ahead for it (its receive buffer), in bytes.
pub const RECV_WINDOW: u32 = 256 * 1024;

/// The message every pending op fails with once the relay connection is gone.
pub const LOST_MESSAGE: &str = "socklab relay connection lost";

/// Why the engine rejected a frame from the relay.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    #[error("undecodable frame from the relay: {0}")]
    Decode(#[from] proto::DecodeError),
    #[error("the relay speaks protocol version {relay}, this client speaks {ours}")]
    Version { relay: u16, ours: u16 },
    #[error("the relay answered request {0}, which is not pending")]
    UnknownRequest(u32),
    #[error("the relay sent {got} bytes for socket {sock} with only {granted} bytes of credit")]
    CreditExceeded { sock: u32, got: usize, granted: u32 },
}

/// Engine settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// The relay's join code, empty if none.
    pub token: String,
    /// Receive buffer per socket (see [`RECV_WINDOW`]).
    pub recv_window: u32,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            token: String::new(),
            recv_window: RECV_WINDOW,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Link {
    /// Hello sent, no Welcome yet.
    Greeting,
    Ready {
        hostname: String,
        max_data: usize,
    },
    Lost,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// `Socket` request in flight.
    Creating,
    Open,
    Listening,
    Connecting,
    Connected,
}

/// One socket the engine knows, from `Socket` request to `Close`.
#[derive(Debug)]
struct Sock {
    script: ScriptId,
    fd: i32,
    kind: host::SockType,
    phase: Phase,
    peer: Option<host::Addr>,
    /// TCP bytes received and not yet returned by a `recv`.
    rx: VecDeque<u8>,
    /// UDP datagrams received and not yet returned, with their credit cost.
    dgrams: VecDeque<(Vec<u8>, host::Addr)>,
    dgram_cost: usize,
    /// Receive credit granted to the relay and not yet used.
    outstanding: u32,
    /// Set once the relay may start reading for this socket.
    receiving: bool,
    /// The peer sent FIN (or reading ended after an error was reported).
    eof: bool,
    shut_rd: bool,
    shut_wr: bool,
    /// An asynchronous error, raised at the next call and then forgotten.
    error: Option<OsError>,
    /// Writing failed for good: later sends raise EPIPE.
    broken: bool,
    send_credit: u64,
    first_credit: Option<u64>,
    credit_total: u64,
    sent_total: u64,
    /// Connections waiting in the listener's queue on the relay.
    incoming: u32,
    /// The script closed it; the `Close` frame waits until the relay wrote all it was given.
    closing: bool,
}

impl Sock {
    fn new(script: ScriptId, fd: i32, kind: host::SockType, phase: Phase) -> Sock {
        Sock {
            script,
            fd,
            kind,
            phase,
            peer: None,
            rx: VecDeque::new(),
            dgrams: VecDeque::new(),
            dgram_cost: 0,
            outstanding: 0,
            receiving: false,
            eof: false,
            shut_rd: false,
            shut_wr: false,
            error: None,
            broken: false,
            send_credit: 0,
            first_credit: None,
            credit_total: 0,
            sent_total: 0,
            incoming: 0,
            closing: false,
        }
    }

    fn tcp(&self) -> bool {
        self.kind == host::SockType::Stream
    }

    /// Bytes given to the relay that it has not yet reported written.
    fn unwritten(&self) -> u64 {
        let written = self.credit_total - self.first_credit.unwrap_or(self.credit_total);
        self.sent_total.saturating_sub(written)
    }

    fn readable(&self) -> bool {
        match self.phase {
            Phase::Listening => self.incoming > 0 || self.error.is_some(),
            _ if self.tcp() => {
                !self.rx.is_empty()
                    || self.error.is_some()
                    || ((self.eof || self.shut_rd) && self.phase == Phase::Connected)
            }
            _ => !self.dgrams.is_empty() || self.error.is_some(),
        }
    }

    fn writable(&self) -> bool {
        if !self.tcp() {
            return true;
        }
        match self.phase {
            Phase::Connected => {
                self.send_credit > 0 || self.error.is_some() || self.broken || self.shut_wr
            }
            Phase::Connecting | Phase::Listening | Phase::Creating => false,
            Phase::Open => self.error.is_some(),
        }
    }
}

/// What a pending op is waiting for.
#[derive(Debug)]
enum Wait {
    Recv {
        sock: SocketId,
        max: usize,
        from: bool,
    },
    Accept {
        sock: SocketId,
    },
    Send {
        sock: SocketId,
        data: Vec<u8>,
        done: usize,
        all: bool,
    },
    Select {
        read: Vec<SocketHandle>,
        write: Vec<SocketHandle>,
    },
    /// The relay's reply to this request.
    Reply(RequestId),
}

/// Who is waiting: the op, where in the script it was called, and on which socket.
#[derive(Clone, Copy, Debug)]
struct Caller {
    seq: u64,
    script: ScriptId,
    id: OpId,
    at: Location,
    /// The Python call, for events ("recv", "connect", ...).
    call: &'static str,
    /// The socket's fd in the script, -1 for ops not on a socket.
    fd: i32,
}

#[derive(Debug)]
struct Pending {
    caller: Caller,
    deadline: Option<f64>,
    nonblocking: bool,
    wait: Wait,
}

/// A request sent to the relay, and what its reply means.
#[derive(Debug)]
struct InFlight {
    /// The pending op (by sequence number) the reply completes; `None` once cancelled or
    /// for the engine's own requests.
    owner: Option<u64>,
    req: Req,
}

#[derive(Debug)]
enum Req {
    Create {
        sock: SocketId,
        family: host::Family,
    },
    Bind {
        sock: SocketId,
    },
    Listen {
        sock: SocketId,
        backlog: u32,
    },
    Accept {
        listener: SocketId,
        new_sock: SocketId,
    },
    Connect {
        sock: SocketId,
    },
    SendTo {
        sock: SocketId,
        to: Option<host::Addr>,
        data: Vec<u8>,
    },
    Shutdown {
        sock: SocketId,
        how: host::Shutdown,
    },
    Close,
    SetOpt,
    GetOpt,
    Resolve,
}

/// The state of one script: its fd table.
#[derive(Debug, Default)]
struct Script {
    fds: BTreeMap<i32, SocketId>,
}

impl Script {
    /// The lowest free fd from 3, as the kernel hands them out.
    fn alloc_fd(&mut self, sock: SocketId) -> i32 {
        let mut fd = 3;
        for &used in self.fds.keys() {
            if used != fd {
                break;
            }
            fd += 1;
        }
        self.fds.insert(fd, sock);
        fd
    }
}

/// What trying a waiting op led to.
enum Step {
    Blocked,
    Done(Reply),
    /// The op became a relay request (it now waits in [`Wait::Reply`]).
    Requested,
}

/// The sans-IO socket engine: many scripts' sockets over one relay connection.
///
/// The host feeds it script ops ([`Engine::submit`]), relay frames ([`Engine::receive`]) and
/// the time ([`Engine::handle_timeout`]), and drains frames to send
/// ([`Engine::poll_transmit`]), op completions ([`Engine::poll_completion`]) and wire events
/// ([`Engine::poll_event`]).
#[derive(Debug)]
pub struct Engine {
    config: Config,
    link: Link,
    scripts: HashMap<ScriptId, Script>,
    sockets: HashMap<SocketId, Sock>,
    next_sock: u32,
    next_req: u32,
    next_seq: u64,
    pending: BTreeMap<u64, Pending>,
    by_op: HashMap<(ScriptId, OpId), u64>,
    requests: HashMap<RequestId, InFlight>,
    transmit: VecDeque<Vec<u8>>,
    completions: VecDeque<(ScriptId, OpId, Reply)>,
    events: VecDeque<WireEvent>,
}

fn to_proto_addr(a: &host::Addr) -> proto::Addr {
    proto::Addr::new(a.host.clone(), a.port)
}

fn to_host_addr(a: proto::Addr) -> host::Addr {
    host::Addr::new(a.host, a.port)
}

fn to_host_error(e: proto::OsError) -> OsError {
    OsError {
        errno: e.errno,
        message: e.message,
    }
}

fn os_error(errno: i32) -> OsError {
    OsError {
        errno,
        message: proto::errno::strerror(errno).to_string(),
    }
}

fn lost() -> OsError {
    OsError {
        errno: errno::ECONNRESET,
        message: LOST_MESSAGE.to_string(),
    }
}

fn call_name(call: &SocketCall) -> &'static str {
    match call {
        SocketCall::Bind(_) => "bind",
        SocketCall::Listen { .. } => "listen",
        SocketCall::Accept => "accept",
        SocketCall::Connect(_) => "connect",
        SocketCall::Send(_) => "send",
        SocketCall::SendAll(_) => "sendall",
        SocketCall::SendTo(..) => "sendto",
        SocketCall::Recv { .. } => "recv",
        SocketCall::RecvFrom { .. } => "recvfrom",
        SocketCall::Shutdown(_) => "shutdown",
        SocketCall::Close => "close",
        SocketCall::SetOpt { .. } => "setsockopt",
        SocketCall::GetOpt { .. } => "getsockopt",
    }
}

fn proto_opt(opt: host::SockOpt) -> proto::SockOpt {
    match opt {
        host::SockOpt::ReuseAddr => proto::SockOpt::ReuseAddr,
        host::SockOpt::Broadcast => proto::SockOpt::Broadcast,
        host::SockOpt::KeepAlive => proto::SockOpt::KeepAlive,
        host::SockOpt::NoDelay => proto::SockOpt::TcpNoDelay,
        host::SockOpt::RcvBuf => proto::SockOpt::RcvBuf,
        host::SockOpt::SndBuf => proto::SockOpt::SndBuf,
        host::SockOpt::Type => proto::SockOpt::Type,
        host::SockOpt::Error => proto::SockOpt::Error,
        host::SockOpt::Linger => proto::SockOpt::Linger,
    }
}

impl Engine {
    /// A new engine; its first frame to transmit is the `Hello`.
    pub fn new(config: Config) -> Engine {
        let mut engine = Engine {
            config,
            link: Link::Greeting,
            scripts: HashMap::new(),
            sockets: HashMap::new(),
            next_sock: 1,
            next_req: 1,
            next_seq: 1,
            pending: BTreeMap::new(),
            by_op: HashMap::new(),
            requests: HashMap::new(),
            transmit: VecDeque::new(),
            completions: VecDeque::new(),
            events: VecDeque::new(),
        };
        let hello = ClientMsg::Hello {
            version: proto::PROTOCOL_VERSION,
            token: engine.config.token.clone(),
        };
        engine.send(&hello);
        engine
    }

    /// Is this op one the engine answers (sockets, name resolution, select)? `Input` and
    /// `Sleep` are the host's own.
    pub fn handles(op: &Op) -> bool {
        matches!(
            op,
            Op::Socket { .. } | Op::Create { .. } | Op::Resolve { .. } | Op::Select { .. }
        )
    }

    /// The relay's host name from its `Welcome` (what `socket.gethostname()` returns), once
    /// the Welcome has arrived.
    pub fn hostname(&self) -> Option<&str> {
        match &self.link {
            Link::Ready { hostname, .. } => Some(hostname),
            _ => None,
        }
    }

    /// True once the relay's `Welcome` has arrived and the connection is not lost.
    pub fn is_ready(&self) -> bool {
        matches!(self.link, Link::Ready { .. })
    }

    /// True once [`Engine::disconnected`] was called.
    pub fn is_lost(&self) -> bool {
        self.link == Link::Lost
    }

    /// True when nothing is left to hand to the relay: no frame queued, no request
    /// unanswered, no closed socket still waiting for its data to be written. A terminal
    /// runner waits for this before exiting so that a script's last `sendall` + `close`
    /// reach the peer, as the kernel delivers them after a CPython process exits.
    pub fn is_flushed(&self) -> bool {
        self.link == Link::Lost
            || (self.transmit.is_empty()
                && self.requests.is_empty()
                && !self.sockets.values().any(|s| s.closing))
    }

    /// The next frame to send to the relay, as one binary WebSocket message.
    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        self.transmit.pop_front()
    }

    /// The next finished op: the host passes it to that script's `Interpreter::complete`.
    pub fn poll_completion(&mut self) -> Option<(ScriptId, OpId, Reply)> {
        self.completions.pop_front()
    }

    /// The next event for the wire diagram.
    pub fn poll_event(&mut self) -> Option<WireEvent> {
        self.events.pop_front()
    }

    /// When [`Engine::handle_timeout`] should next be called, if any op has a timeout.
    pub fn next_deadline(&self) -> Option<f64> {
        self.pending
            .values()
            .filter_map(|p| p.deadline)
            .min_by(f64::total_cmp)
    }

    /// Start an op for a script. The answer comes out of [`Engine::poll_completion`], maybe
    /// at once. `at` is where the script called it; `now` is the host's monotonic clock in
    /// seconds (only differences matter).
    pub fn submit(&mut self, script: ScriptId, id: OpId, op: Op, at: Location, now: f64) {
        self.scripts.entry(script).or_default();
        let seq = self.next_seq;
        self.next_seq += 1;
        let mut caller = Caller {
            seq,
            script,
            id,
            at,
            call: "",
            fd: -1,
        };
        if self.link == Link::Lost {
            let close = matches!(
                op,
                Op::Socket {
                    call: SocketCall::Close,
                    ..
                }
            );
            self.answer(
                caller,
                if close {
                    Reply::Done
                } else {
                    Reply::Err(lost())
                },
            );
            return;
        }
        match op {
            Op::Create { family, kind } => {
                caller.call = "socket";
                let sock = self.alloc_sock();
                caller.fd = self.scripts.entry(script).or_default().alloc_fd(sock);
                self.sockets
                    .insert(sock, Sock::new(script, caller.fd, kind, Phase::Creating));
                let op = proto::Op::Socket {
                    sock,
                    family: match family {
                        host::Family::Inet => proto::Family::Inet,
                        host::Family::Inet6 => proto::Family::Inet6,
                    },
                    ty: match kind {
                        host::SockType::Stream => proto::SockType::Stream,
                        host::SockType::Dgram => proto::SockType::Dgram,
                    },
                };
                self.request_for(caller, None, op, Req::Create { sock, family });
            }
            Op::Resolve { host } => {
                caller.call = "getaddrinfo";
                let op = proto::Op::Resolve { host, family: None };
                self.request_for(caller, None, op, Req::Resolve);
            }
            Op::Select {
                read,
                write,
                timeout,
            } => {
                caller.call = "select";
                self.enqueue(caller, timeout, now, Wait::Select { read, write });
            }
            Op::Socket {
                sock,
                call,
                timeout,
            } => {
                caller.call = call_name(&call);
                caller.fd = sock.0;
                self.socket_call(caller, call, timeout, now);
            }
            Op::Input | Op::Sleep { .. } => {
                let err = OsError {
                    errno: errno::EINVAL,
                    message: "not a socket operation".to_string(),
                };
                self.answer(caller, Reply::Err(err));
            }
        }
    }

    /// The script stopped waiting for `id` (Stop, or its thread ended): drop it. A request
    /// already sent still gets its reply from the relay, which is then only bookkept.
    pub fn cancel(&mut self, script: ScriptId, id: OpId) {
        if let Some(seq) = self.by_op.remove(&(script, id)) {
            if let Some(p) = self.pending.remove(&seq) {
                self.detach(&p);
            }
        }
    }

    /// The script ended: forget its ops and close its sockets as the kernel closes a dead
    /// process's: at once, except that what the relay still has to write is written first.
    pub fn end_script(&mut self, script: ScriptId) {
        let ops: Vec<OpId> = self
            .pending
            .values()
            .filter(|p| p.caller.script == script)
            .map(|p| p.caller.id)
            .collect();
        for id in ops {
            self.cancel(script, id);
        }
        let mut socks: Vec<SocketId> = self
            .sockets
            .iter()
            .filter(|(_, s)| s.script == script)
            .map(|(&id, _)| id)
            .collect();
        socks.sort();
        for sock in socks {
            let s = self.sockets.get_mut(&sock).expect("listed");
            if s.phase == Phase::Creating {
                // Its Create reply closes it, now that nobody waits for it.
                continue;
            }
            let (fd, closing) = (s.fd, s.closing);
            s.closing = true;
            if !closing {
                self.event(script, fd, None, WireEventKind::Closed);
            }
            if self.link == Link::Lost {
                self.sockets.remove(&sock);
            } else {
                self.finish_close(sock);
            }
        }
        self.scripts.remove(&script);
    }

    /// The relay connection is gone: every pending op fails with ECONNRESET
    /// "socklab relay connection lost", and so does every later op (but `close`).
    pub fn disconnected(&mut self) {
        self.link = Link::Lost;
        self.transmit.clear();
        self.requests.clear();
        self.by_op.clear();
        for p in std::mem::take(&mut self.pending).into_values() {
            self.answer(p.caller, Reply::Err(lost()));
        }
        self.sockets.retain(|_, s| !s.closing);
    }

    /// Take one frame from the relay. A frame the engine cannot use is a typed error and
    /// changes nothing.
    pub fn receive(&mut self, frame: &[u8]) -> Result<(), EngineError> {
        let msg = ServerMsg::decode(frame)?;
        if self.link == Link::Lost {
            return Ok(());
        }
        match msg {
            ServerMsg::Welcome {
                version,
                hostname,
                max_data,
            } => {
                if version != proto::PROTOCOL_VERSION {
                    return Err(EngineError::Version {
                        relay: version,
                        ours: proto::PROTOCOL_VERSION,
                    });
                }
                let max_data = (max_data as usize).clamp(1, proto::MAX_DATA);
                self.link = Link::Ready { hostname, max_data };
            }
            ServerMsg::Reply { id, result } => {
                let Some(flight) = self.requests.remove(&id) else {
                    return Err(EngineError::UnknownRequest(id.0));
                };
                self.on_reply(flight, result);
            }
            ServerMsg::Data { sock, data } => {
                if let Some(s) = self.sockets.get_mut(&sock) {
                    if data.len() > s.outstanding as usize {
                        return Err(EngineError::CreditExceeded {
                            sock: sock.0,
                            got: data.len(),
                            granted: s.outstanding,
                        });
                    }
                    s.outstanding -= data.len() as u32;
                    s.rx.extend(&data);
                    let (script, fd, closing) = (s.script, s.fd, s.closing);
                    if !closing {
                        self.event(script, fd, None, WireEventKind::Arrived { data });
                    }
                }
            }
            ServerMsg::Datagram { sock, from, data } => {
                if let Some(s) = self.sockets.get_mut(&sock) {
                    let cost = data.len().max(1);
                    if cost > s.outstanding as usize {
                        return Err(EngineError::CreditExceeded {
                            sock: sock.0,
                            got: cost,
                            granted: s.outstanding,
                        });
                    }
                    s.outstanding -= cost as u32;
                    s.dgram_cost += cost;
                    let from = to_host_addr(from);
                    s.dgrams.push_back((data.clone(), from.clone()));
                    let (script, fd, closing) = (s.script, s.fd, s.closing);
                    if !closing {
                        let arrived = WireEventKind::DatagramArrived { from, data };
                        self.event(script, fd, None, arrived);
                    }
                }
            }
            ServerMsg::Eof { sock } => {
                if let Some(s) = self.sockets.get_mut(&sock) {
                    s.eof = true;
                    let (script, fd, closing) = (s.script, s.fd, s.closing);
                    if !closing {
                        self.event(script, fd, None, WireEventKind::PeerEof);
                    }
                }
            }
            ServerMsg::Incoming { sock } => {
                if let Some(s) = self.sockets.get_mut(&sock) {
                    s.incoming += 1;
                    let (script, fd, closing) = (s.script, s.fd, s.closing);
                    if !closing {
                        self.event(script, fd, None, WireEventKind::Incoming);
                    }
                }
            }
            ServerMsg::SendCredit { sock, bytes } => {
                if let Some(s) = self.sockets.get_mut(&sock) {
                    s.send_credit += u64::from(bytes);
                    s.credit_total += u64::from(bytes);
                    if s.first_credit.is_none() {
                        s.first_credit = Some(u64::from(bytes));
                    }
                    self.finish_close(sock);
                }
            }
            ServerMsg::SocketError { sock, error } => {
                if let Some(s) = self.sockets.get_mut(&sock) {
                    let error = to_host_error(error);
                    s.error = Some(error.clone());
                    let (script, fd, closing) = (s.script, s.fd, s.closing);
                    if closing {
                        self.finish_close(sock);
                    } else {
                        self.event(script, fd, None, WireEventKind::SocketError { error });
                    }
                }
            }
        }
        self.progress();
        Ok(())
    }

    /// Time passed: ops whose timeout expired finish (`TimedOut`, or an empty select).
    pub fn handle_timeout(&mut self, now: f64) {
        let due: Vec<u64> = self
            .pending
            .iter()
            .filter(|(_, p)| p.deadline.is_some_and(|d| d <= now))
            .map(|(&seq, _)| seq)
            .collect();
        for seq in due {
            let Some(p) = self.pending.remove(&seq) else {
                continue;
            };
            self.by_op.remove(&(p.caller.script, p.caller.id));
            self.detach(&p);
            let c = p.caller;
            if let Wait::Select { .. } = p.wait {
                let empty = Reply::Ready {
                    read: vec![],
                    write: vec![],
                };
                self.answer(c, empty);
                continue;
            }
            let timed_out = WireEventKind::TimedOut { call: c.call };
            self.event(c.script, c.fd, Some(c.at), timed_out);
            self.answer(c, Reply::TimedOut);
        }
        self.progress();
    }

    // ---- submitting ----

    fn socket_call(&mut self, c: Caller, call: SocketCall, timeout: Option<f64>, now: f64) {
        let found = self
            .scripts
            .get(&c.script)
            .and_then(|s| s.fds.get(&c.fd))
            .copied()
            .filter(|sock| {
                self.sockets
                    .get(sock)
                    .is_some_and(|s| s.phase != Phase::Creating)
            });
        let Some(sock) = found else {
            // Closing twice is fine in Python; anything else on a closed fd is EBADF.
            if call == SocketCall::Close {
                return self.answer(c, Reply::Done);
            }
            return self.fail(c, os_error(errno::EBADF));
        };
        let s = &self.sockets[&sock];
        let (tcp, phase) = (s.tcp(), s.phase);
        match call {
            SocketCall::Bind(addr) => {
                let op = proto::Op::Bind {
                    sock,
                    addr: to_proto_addr(&addr),
                };
                self.request_for(c, None, op, Req::Bind { sock });
            }
            SocketCall::Listen { backlog } => {
                let op = proto::Op::Listen { sock, backlog };
                self.request_for(c, None, op, Req::Listen { sock, backlog });
            }
            SocketCall::Accept => {
                if phase != Phase::Listening {
                    return self.fail(c, os_error(errno::EINVAL));
                }
                self.enqueue(c, timeout, now, Wait::Accept { sock });
            }
            SocketCall::Connect(addr) => self.connect(c, sock, addr, timeout, now),
            SocketCall::Send(data) | SocketCall::SendAll(data) if !tcp => {
                self.sendto(c, sock, data, None);
            }
            SocketCall::SendTo(data, addr) if !tcp => self.sendto(c, sock, data, Some(addr)),
            // On a connected TCP socket CPython's sendto ignores the address.
            SocketCall::Send(data) | SocketCall::SendAll(data) | SocketCall::SendTo(data, _) => {
                if let Some(e) = self.take_error(sock) {
                    return self.fail(c, e);
                }
                let s = &self.sockets[&sock];
                if phase != Phase::Connected || s.shut_wr || s.broken {
                    return self.fail(c, os_error(errno::EPIPE));
                }
                if data.is_empty() {
                    return self.answer(c, Reply::Sent(0));
                }
                let all = c.call == "sendall";
                let wait = Wait::Send {
                    sock,
                    data,
                    done: 0,
                    all,
                };
                self.enqueue(c, timeout, now, wait);
            }
            SocketCall::Recv { max } | SocketCall::RecvFrom { max } => {
                let from = c.call == "recvfrom";
                if tcp && phase != Phase::Connected {
                    return self.fail(c, os_error(errno::ENOTCONN));
                }
                if tcp && max == 0 {
                    let reply = data_reply(vec![], s.peer.as_ref(), from);
                    return self.answer(c, reply);
                }
                self.enqueue(c, timeout, now, Wait::Recv { sock, max, from });
            }
            SocketCall::Shutdown(how) => {
                let op = proto::Op::Shutdown {
                    sock,
                    how: match how {
                        host::Shutdown::Read => proto::Shutdown::Read,
                        host::Shutdown::Write => proto::Shutdown::Write,
                        host::Shutdown::Both => proto::Shutdown::Both,
                    },
                };
                self.request_for(c, None, op, Req::Shutdown { sock, how });
            }
            SocketCall::Close => {
                self.close(c, sock);
                self.answer(c, Reply::Done);
                self.progress();
            }
            SocketCall::SetOpt { opt, value } => {
                let op = proto::Op::SetSockOpt {
                    sock,
                    opt: proto_opt(opt),
                    value: value.clamp(i32::MIN.into(), i32::MAX.into()) as i32,
                };
                self.request_for(c, None, op, Req::SetOpt);
            }
            SocketCall::GetOpt {
                opt: host::SockOpt::Type,
            } => {
                let n = s.kind.number();
                self.answer(c, Reply::Int(n));
            }
            SocketCall::GetOpt {
                opt: host::SockOpt::Error,
            } => {
                // Asynchronous errors live here, so SO_ERROR is answered (and cleared) here.
                let n = self.take_error(sock).map_or(0, |e| e.errno);
                self.answer(c, Reply::Int(n.into()));
            }
            SocketCall::GetOpt { opt } => {
                let op = proto::Op::GetSockOpt {
                    sock,
                    opt: proto_opt(opt),
                };
                self.request_for(c, None, op, Req::GetOpt);
            }
        }
    }

    fn connect(
        &mut self,
        c: Caller,
        sock: SocketId,
        addr: host::Addr,
        timeout: Option<f64>,
        now: f64,
    ) {
        let s = &self.sockets[&sock];
        let tcp = s.tcp();
        if tcp && s.phase == Phase::Connected {
            return self.fail(c, os_error(errno::EISCONN));
        }
        if tcp && s.phase == Phase::Connecting {
            return self.fail(c, os_error(errno::EALREADY));
        }
        if let Some(e) = self.take_error(sock) {
            return self.fail(c, e);
        }
        let timeout_ms = match timeout {
            Some(t) if t > 0.0 => (t * 1000.0).ceil().clamp(1.0, u32::MAX as f64) as u32,
            _ => 0,
        };
        if tcp {
            self.sockets.get_mut(&sock).expect("known").phase = Phase::Connecting;
        }
        let connecting = WireEventKind::Connecting { to: addr.clone() };
        self.event(c.script, c.fd, Some(c.at), connecting);
        let op = proto::Op::Connect {
            sock,
            addr: to_proto_addr(&addr),
            timeout_ms,
        };
        if tcp && timeout == Some(0.0) {
            // Non-blocking: EINPROGRESS now; the outcome lands on the socket (select says
            // writable, SO_ERROR or the next call reports a failure).
            self.request(op, None, Req::Connect { sock });
            return self.fail(c, os_error(errno::EINPROGRESS));
        }
        let deadline = timeout.filter(|t| *t > 0.0).map(|t| now + t);
        self.request_for(c, deadline, op, Req::Connect { sock });
    }

    fn sendto(&mut self, c: Caller, sock: SocketId, data: Vec<u8>, to: Option<host::Addr>) {
        if let Some(e) = self.take_error(sock) {
            return self.fail(c, e);
        }
        // The largest UDP payload over IPv4; the kernel refuses more the same way.
        if data.len() > proto::MAX_DATA.min(65_507) {
            return self.fail(c, os_error(errno::EMSGSIZE));
        }
        let op = proto::Op::SendTo {
            sock,
            addr: to.as_ref().map(to_proto_addr),
            data: data.clone(),
        };
        self.request_for(c, None, op, Req::SendTo { sock, to, data });
    }

    /// The script closed its fd: free the fd now; send `Close` once the relay has written
    /// what it was given (the kernel, too, delivers queued data after `close`).
    fn close(&mut self, c: Caller, sock: SocketId) {
        if let Some(sc) = self.scripts.get_mut(&c.script) {
            sc.fds.remove(&c.fd);
        }
        self.event(c.script, c.fd, Some(c.at), WireEventKind::Closed);
        // Threads still blocked on this socket get EBADF, as a closed fd gives them.
        let waiting: Vec<u64> = self
            .pending
            .iter()
            .filter(|(_, p)| p.wait.sock() == Some(sock))
            .map(|(&seq, _)| seq)
            .collect();
        for seq in waiting {
            self.complete(seq, Reply::Err(os_error(errno::EBADF)));
        }
        if let Some(s) = self.sockets.get_mut(&sock) {
            s.closing = true;
        }
        self.finish_close(sock);
    }

    fn finish_close(&mut self, sock: SocketId) {
        let Some(s) = self.sockets.get(&sock) else {
            return;
        };
        let flushed = !s.tcp()
            || s.phase != Phase::Connected
            || s.broken
            || s.error.is_some()
            || s.unwritten() == 0;
        if s.closing && flushed {
            self.sockets.remove(&sock);
            self.send_close(sock);
        }
    }

    fn send_close(&mut self, sock: SocketId) {
        self.request(proto::Op::Close { sock }, None, Req::Close);
    }

    /// Park an op that waits on socket state, and try it at once.
    fn enqueue(&mut self, c: Caller, timeout: Option<f64>, now: f64, wait: Wait) {
        let pending = Pending {
            caller: c,
            deadline: timeout.filter(|t| *t > 0.0).map(|t| now + t),
            nonblocking: timeout == Some(0.0),
            wait,
        };
        self.pending.insert(c.seq, pending);
        self.by_op.insert((c.script, c.id), c.seq);
        self.progress();
    }

    /// Send a request whose reply completes the op.
    fn request_for(&mut self, c: Caller, deadline: Option<f64>, op: proto::Op, req: Req) {
        let rid = self.request(op, Some(c.seq), req);
        let pending = Pending {
            caller: c,
            deadline,
            nonblocking: false,
            wait: Wait::Reply(rid),
        };
        self.pending.insert(c.seq, pending);
        self.by_op.insert((c.script, c.id), c.seq);
    }

    fn request(&mut self, op: proto::Op, owner: Option<u64>, req: Req) -> RequestId {
        let mut rid = RequestId(self.next_req);
        while self.requests.contains_key(&rid) {
            self.next_req = self.next_req.wrapping_add(1);
            rid = RequestId(self.next_req);
        }
        self.next_req = self.next_req.wrapping_add(1);
        self.send(&ClientMsg::Request { id: rid, op });
        self.requests.insert(rid, InFlight { owner, req });
        rid
    }

    fn alloc_sock(&mut self) -> SocketId {
        loop {
            let id = SocketId(self.next_sock);
            self.next_sock = self.next_sock.wrapping_add(1).max(1);
            if !self.sockets.contains_key(&id) && !self.requests.values().any(|f| f.req.opens(id)) {
                return id;
            }
        }
    }

    fn send(&mut self, msg: &ClientMsg) {
        self.transmit.push_back(msg.encode());
    }

    // ---- progress of waiting ops ----

    /// Try every waiting op, oldest first, so that threads sharing a socket are served in
    /// the order they called; then hand back freed receive buffer as credit.
    fn progress(&mut self) {
        let mut send_blocked: Vec<SocketId> = Vec::new();
        let seqs: Vec<u64> = self
            .pending
            .iter()
            .filter(|(_, p)| !matches!(p.wait, Wait::Reply(_)))
            .map(|(&seq, _)| seq)
            .collect();
        for seq in seqs {
            match self.try_op(seq, &mut send_blocked) {
                Step::Done(reply) => self.complete(seq, reply),
                Step::Requested => {}
                Step::Blocked => {
                    let Some(p) = self.pending.get(&seq) else {
                        continue;
                    };
                    if p.nonblocking {
                        let reply = match &p.wait {
                            Wait::Send {
                                done, all: false, ..
                            } if *done > 0 => Reply::Sent(*done),
                            Wait::Select { .. } => Reply::Ready {
                                read: vec![],
                                write: vec![],
                            },
                            _ => Reply::Err(os_error(errno::EAGAIN)),
                        };
                        self.complete(seq, reply);
                    }
                }
            }
        }
        self.grant_credit();
    }

    fn try_op(&mut self, seq: u64, send_blocked: &mut Vec<SocketId>) -> Step {
        let Some(p) = self.pending.get(&seq) else {
            return Step::Blocked;
        };
        let c = p.caller;
        match &p.wait {
            Wait::Reply(_) => Step::Blocked,
            Wait::Select { read, write } => {
                let fds = self.scripts.get(&c.script).map(|s| &s.fds);
                let sock_of = |h: &SocketHandle| {
                    fds.and_then(|f| f.get(&h.0))
                        .and_then(|id| self.sockets.get(id))
                };
                let mut ready_r = Vec::new();
                let mut ready_w = Vec::new();
                for (handles, ready, test) in [
                    (read, &mut ready_r, Sock::readable as fn(&Sock) -> bool),
                    (write, &mut ready_w, Sock::writable),
                ] {
                    for h in handles {
                        match sock_of(h) {
                            Some(s) if test(s) => ready.push(*h),
                            Some(_) => {}
                            None => return Step::Done(Reply::Err(os_error(errno::EBADF))),
                        }
                    }
                }
                if ready_r.is_empty() && ready_w.is_empty() {
                    return Step::Blocked;
                }
                Step::Done(Reply::Ready {
                    read: ready_r,
                    write: ready_w,
                })
            }
            &Wait::Accept { sock } => {
                let Some(s) = self.sockets.get_mut(&sock) else {
                    return Step::Done(Reply::Err(os_error(errno::EBADF)));
                };
                if let Some(e) = s.error.take() {
                    return Step::Done(Reply::Err(e));
                }
                if s.incoming == 0 {
                    return Step::Blocked;
                }
                s.incoming -= 1;
                let new_sock = self.alloc_sock();
                let req = Req::Accept {
                    listener: sock,
                    new_sock,
                };
                let rid = self.request(proto::Op::Accept { sock, new_sock }, Some(seq), req);
                let p = self.pending.get_mut(&seq).expect("pending");
                p.wait = Wait::Reply(rid);
                // Taking a queued connection never waits, so the timeout no longer applies.
                p.deadline = None;
                Step::Requested
            }
            &Wait::Recv { sock, max, from } => {
                let Some(s) = self.sockets.get_mut(&sock) else {
                    return Step::Done(Reply::Err(os_error(errno::EBADF)));
                };
                if s.tcp() {
                    if !s.rx.is_empty() {
                        let n = max.min(s.rx.len());
                        let data: Vec<u8> = s.rx.drain(..n).collect();
                        let reply = data_reply(data.clone(), s.peer.as_ref(), from);
                        self.event(c.script, c.fd, Some(c.at), WireEventKind::Received { data });
                        return Step::Done(reply);
                    }
                    if let Some(e) = s.error.take() {
                        // A reset is reported once; then reading sees EOF and writing EPIPE.
                        s.eof = true;
                        s.broken = true;
                        return Step::Done(Reply::Err(e));
                    }
                    if s.eof || s.shut_rd {
                        let reply = data_reply(vec![], s.peer.as_ref(), from);
                        let eof = WireEventKind::Received { data: vec![] };
                        self.event(c.script, c.fd, Some(c.at), eof);
                        return Step::Done(reply);
                    }
                    return Step::Blocked;
                }
                if let Some((mut data, addr)) = s.dgrams.pop_front() {
                    s.dgram_cost -= data.len().max(1);
                    // A datagram longer than asked for is cut, and the rest is lost (UDP).
                    data.truncate(max);
                    let reply = if from {
                        Reply::DataFrom(data.clone(), addr.clone())
                    } else {
                        Reply::Data(data.clone())
                    };
                    let got = WireEventKind::DatagramIn { from: addr, data };
                    self.event(c.script, c.fd, Some(c.at), got);
                    return Step::Done(reply);
                }
                if let Some(e) = s.error.take() {
                    return Step::Done(Reply::Err(e));
                }
                Step::Blocked
            }
            &Wait::Send { sock, .. } => self.try_send(seq, sock, send_blocked),
        }
    }

    /// Hand as much of a waiting send to the relay as the send credit allows.
    fn try_send(&mut self, seq: u64, sock: SocketId, send_blocked: &mut Vec<SocketId>) -> Step {
        if send_blocked.contains(&sock) {
            return Step::Blocked;
        }
        let max_data = match &self.link {
            Link::Ready { max_data, .. } => *max_data,
            _ => {
                send_blocked.push(sock);
                return Step::Blocked;
            }
        };
        let Some(s) = self.sockets.get_mut(&sock) else {
            return Step::Done(Reply::Err(os_error(errno::EBADF)));
        };
        if let Some(e) = s.error.take() {
            s.broken = true;
            return Step::Done(Reply::Err(e));
        }
        if s.broken || s.shut_wr {
            return Step::Done(Reply::Err(os_error(errno::EPIPE)));
        }
        let credit = usize::try_from(s.send_credit).unwrap_or(usize::MAX);
        let p = self.pending.get_mut(&seq).expect("pending");
        let c = p.caller;
        let Wait::Send {
            data, done, all, ..
        } = &mut p.wait
        else {
            unreachable!("try_send is called for sends")
        };
        let n = (data.len() - *done).min(credit);
        if n == 0 {
            send_blocked.push(sock);
            return Step::Blocked;
        }
        let piece = data[*done..*done + n].to_vec();
        *done += n;
        let (total, finished) = (*done, !*all || *done == data.len());
        let s = self.sockets.get_mut(&sock).expect("known");
        s.send_credit -= n as u64;
        s.sent_total += n as u64;
        for chunk in piece.chunks(max_data) {
            let data = chunk.to_vec();
            self.send(&ClientMsg::Data { sock, data });
        }
        self.event(
            c.script,
            c.fd,
            Some(c.at),
            WireEventKind::Sent { data: piece },
        );
        if finished {
            return Step::Done(Reply::Sent(total));
        }
        send_blocked.push(sock);
        Step::Blocked
    }

    /// Give each receiving socket back the buffer space its script freed, in batches of at
    /// least half a window so that credit frames stay rare and the relay never starves.
    fn grant_credit(&mut self) {
        let window = self.config.recv_window as usize;
        let mut grants = Vec::new();
        for (&id, s) in self.sockets.iter_mut() {
            if !s.receiving || s.closing || s.eof || s.shut_rd {
                continue;
            }
            let held = s.rx.len() + s.dgram_cost + s.outstanding as usize;
            let free = window.saturating_sub(held);
            if free > 0 && free >= window.div_ceil(2) {
                s.outstanding += free as u32;
                grants.push((id, free as u32));
            }
        }
        grants.sort();
        for (sock, bytes) in grants {
            self.send(&ClientMsg::Credit { sock, bytes });
        }
    }

    // ---- replies ----

    fn on_reply(&mut self, flight: InFlight, result: Result<Done, proto::OsError>) {
        let owner = flight
            .owner
            .and_then(|seq| self.pending.get(&seq))
            .map(|p| p.caller);
        let result = result.map_err(to_host_error);
        let reply = match flight.req {
            Req::Create { sock, family } => {
                let Some(s) = self.sockets.get_mut(&sock) else {
                    return;
                };
                let (script, fd, kind) = (s.script, s.fd, s.kind);
                match (result, owner) {
                    (Ok(_), Some(c)) => {
                        s.phase = Phase::Open;
                        let created = WireEventKind::Created { family, kind };
                        self.event(script, fd, Some(c.at), created);
                        Reply::Created(SocketHandle(fd))
                    }
                    (Ok(_), None) => {
                        self.forget_fd(script, fd);
                        self.sockets.remove(&sock);
                        self.send_close(sock);
                        return;
                    }
                    (Err(e), _) => {
                        self.forget_fd(script, fd);
                        self.sockets.remove(&sock);
                        Reply::Err(e)
                    }
                }
            }
            Req::Bind { sock } => match result {
                Ok(Done::Addr(local)) => {
                    let local = to_host_addr(local);
                    if let Some(s) = self.sockets.get_mut(&sock) {
                        // A bound UDP socket can receive: let the relay read for it.
                        s.receiving |= !s.tcp();
                    }
                    let bound = WireEventKind::Bound {
                        local: local.clone(),
                    };
                    self.sock_event(sock, owner, bound);
                    Reply::Bound { local }
                }
                Ok(other) => Reply::Err(bad_reply(&other)),
                Err(e) => Reply::Err(e),
            },
            Req::Listen { sock, backlog } => match result {
                Ok(_) => {
                    if let Some(s) = self.sockets.get_mut(&sock) {
                        s.phase = Phase::Listening;
                    }
                    self.sock_event(sock, owner, WireEventKind::Listening { backlog });
                    Reply::Done
                }
                Err(e) => Reply::Err(e),
            },
            Req::Accept { listener, new_sock } => match result {
                Ok(Done::Conn { local, peer }) => {
                    let (local, peer) = (to_host_addr(local), to_host_addr(peer));
                    let Some(c) = owner.filter(|_| self.sockets.contains_key(&listener)) else {
                        // Nobody waits for this connection any more: drop it.
                        self.send_close(new_sock);
                        return;
                    };
                    let fd = self.scripts.entry(c.script).or_default().alloc_fd(new_sock);
                    let mut s = Sock::new(c.script, fd, host::SockType::Stream, Phase::Connected);
                    s.peer = Some(peer.clone());
                    s.receiving = true;
                    self.sockets.insert(new_sock, s);
                    let accepted = WireEventKind::Accepted {
                        local: local.clone(),
                        peer: peer.clone(),
                        new_fd: fd,
                    };
                    self.event(c.script, c.fd, Some(c.at), accepted);
                    Reply::Accepted {
                        sock: SocketHandle(fd),
                        local,
                        peer,
                    }
                }
                Ok(other) => Reply::Err(bad_reply(&other)),
                Err(e) if e.errno == errno::EAGAIN => {
                    // The queued connection went away before we took it: wait for the next.
                    if let Some(p) = owner.and_then(|c| self.pending.get_mut(&c.seq)) {
                        p.wait = Wait::Accept { sock: listener };
                    }
                    return;
                }
                Err(e) => Reply::Err(e),
            },
            Req::Connect { sock } => match result {
                Ok(Done::Conn { local, peer }) => {
                    let (local, peer) = (to_host_addr(local), to_host_addr(peer));
                    let Some(s) = self.sockets.get_mut(&sock) else {
                        return;
                    };
                    s.peer = Some(peer.clone());
                    s.receiving = true;
                    if s.tcp() {
                        s.phase = Phase::Connected;
                    }
                    let (script, fd) = (s.script, s.fd);
                    let connected = WireEventKind::Connected {
                        local: local.clone(),
                        peer: peer.clone(),
                    };
                    self.event(script, fd, owner.map(|c| c.at), connected);
                    Reply::Connected { local, peer }
                }
                Ok(other) => Reply::Err(bad_reply(&other)),
                Err(e) => {
                    if let Some(s) = self.sockets.get_mut(&sock) {
                        if s.tcp() && s.phase == Phase::Connecting {
                            s.phase = Phase::Open;
                            if owner.is_none() {
                                // A non-blocking connect failed: report it at the next call.
                                s.error = Some(e.clone());
                            }
                        }
                    }
                    // The script's own timeout expired on the relay first.
                    if e.errno == errno::ETIMEDOUT && e.message == "timed out" {
                        if let Some(c) = owner {
                            let timed_out = WireEventKind::TimedOut { call: c.call };
                            self.event(c.script, c.fd, Some(c.at), timed_out);
                            self.finish(c.seq, Reply::TimedOut);
                        }
                        return;
                    }
                    Reply::Err(e)
                }
            },
            Req::SendTo { sock, to, data } => match result {
                Ok(Done::Int(n)) => {
                    if let Some(s) = self.sockets.get_mut(&sock) {
                        // The first sendto bound an ephemeral port: answers can come now.
                        s.receiving = true;
                    }
                    self.sock_event(sock, owner, WireEventKind::DatagramOut { to, data });
                    Reply::Sent(usize::try_from(n).unwrap_or(0))
                }
                Ok(other) => Reply::Err(bad_reply(&other)),
                Err(e) => Reply::Err(e),
            },
            Req::Shutdown { sock, how } => match result {
                Ok(_) => {
                    if let Some(s) = self.sockets.get_mut(&sock) {
                        s.shut_rd |= matches!(how, host::Shutdown::Read | host::Shutdown::Both);
                        s.shut_wr |= matches!(how, host::Shutdown::Write | host::Shutdown::Both);
                    }
                    self.sock_event(sock, owner, WireEventKind::Shutdown { how });
                    Reply::Done
                }
                Err(e) => Reply::Err(e),
            },
            Req::Close => return,
            Req::SetOpt => match result {
                Ok(_) => Reply::Done,
                Err(e) => Reply::Err(e),
            },
            Req::GetOpt => match result {
                Ok(Done::Int(n)) => Reply::Int(n),
                Ok(other) => Reply::Err(bad_reply(&other)),
                Err(e) => Reply::Err(e),
            },
            Req::Resolve => match result {
                Ok(Done::Hosts(hosts)) => Reply::Addrs(hosts),
                Ok(other) => Reply::Err(bad_reply(&other)),
                Err(e) => Reply::Err(e),
            },
        };
        if let Some(c) = owner {
            self.complete(c.seq, reply);
        }
    }

    fn forget_fd(&mut self, script: ScriptId, fd: i32) {
        if let Some(sc) = self.scripts.get_mut(&script) {
            sc.fds.remove(&fd);
        }
    }

    /// An event for socket `sock`, at the line of the op that caused it.
    fn sock_event(&mut self, sock: SocketId, owner: Option<Caller>, kind: WireEventKind) {
        if let Some(s) = self.sockets.get(&sock) {
            let (script, fd) = (s.script, s.fd);
            self.event(script, fd, owner.map(|c| c.at), kind);
        }
    }

    fn take_error(&mut self, sock: SocketId) -> Option<OsError> {
        self.sockets.get_mut(&sock).and_then(|s| s.error.take())
    }

    /// The op no longer waits: a request it sent completes nothing now.
    fn detach(&mut self, p: &Pending) {
        if let Wait::Reply(rid) = p.wait {
            if let Some(f) = self.requests.get_mut(&rid) {
                f.owner = None;
            }
        }
    }

    /// Finish pending op `seq`; an error also becomes a wire event.
    fn complete(&mut self, seq: u64, reply: Reply) {
        if let Some(p) = self.pending.get(&seq) {
            let c = p.caller;
            if let Reply::Err(e) = &reply {
                self.error_event(c, e);
            }
            self.finish(seq, reply);
        }
    }

    /// Finish pending op `seq` without an event.
    fn finish(&mut self, seq: u64, reply: Reply) {
        if let Some(p) = self.pending.remove(&seq) {
            self.by_op.remove(&(p.caller.script, p.caller.id));
            self.detach(&p);
            self.answer(p.caller, reply);
        }
    }

    /// Fail an op that never waited.
    fn fail(&mut self, c: Caller, error: OsError) {
        self.error_event(c, &error);
        self.answer(c, Reply::Err(error));
    }

    /// EAGAIN is no event: a polling loop would flood the diagram with it.
    fn error_event(&mut self, c: Caller, error: &OsError) {
        if error.errno != errno::EAGAIN {
            let kind = WireEventKind::Error {
                call: c.call,
                error: error.clone(),
            };
            self.event(c.script, c.fd, Some(c.at), kind);
        }
    }

    fn answer(&mut self, c: Caller, reply: Reply) {
        self.completions.push_back((c.script, c.id, reply));
    }

    fn event(&mut self, script: ScriptId, fd: i32, at: Option<Location>, kind: WireEventKind) {
        self.events.push_back(WireEvent {
            script,
            fd,
            at,
            kind,
        });
    }
}

impl Wait {
    /// The socket a parked op waits on.
    fn sock(&self) -> Option<SocketId> {
        match self {
            Wait::Recv { sock, .. } | Wait::Accept { sock } | Wait::Send { sock, .. } => {
                Some(*sock)
            }
            Wait::Select { .. } | Wait::Reply(_) => None,
        }
    }
}

impl Req {
    /// Does this request create socket `id` on the relay?
    fn opens(&self, id: SocketId) -> bool {
        match self {
            Req::Create { sock, .. } => *sock == id,
            Req::Accept { new_sock, .. } => *new_sock == id,
            _ => false,
        }
    }
}

/// `recv`'s or `recvfrom`'s answer on a TCP socket (CPython gives the peer for recvfrom).
fn data_reply(data: Vec<u8>, peer: Option<&host::Addr>, from: bool) -> Reply {
    match (peer, from) {
        (Some(peer), true) => Reply::DataFrom(data, peer.clone()),
        _ => Reply::Data(data),
    }
}

fn bad_reply(done: &Done) -> OsError {
    OsError {
        errno: errno::EINVAL,
        message: format!("unexpected reply from the relay: {done:?}"),
    }
}
