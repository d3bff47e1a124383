//! One page's session over one WebSocket: the Hello handshake, then the loop that turns frames into socket operations and replies.
//!
//! The loop owns the table of sockets; slow work (name resolution, connect, sending a
//! datagram) runs in tracked tasks that reply themselves or report back over `internal`.
//! Everything to the page goes through one bounded queue drained by the writer task.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use hyper::upgrade::Upgraded;
use hyper_util::rt::TokioIo;
use socket2::{Domain, SockRef, Socket, Type};
use socklab_proto::{
    errno, peek_request_id, ClientMsg, DecodeError, Done, Family, Op, OsError, RequestId,
    ServerMsg, SockOpt, SockType, SocketId, MAX_DATA, PROTOCOL_VERSION,
};
use tokio::io::{ReadHalf, WriteHalf};
use tokio::net::{TcpListener, TcpSocket, TcpStream, UdpSocket};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::flow::{Credit, RateLimit};
use crate::metrics::SockKind;
use crate::policy::{parse_numeric_host, OpenedPort, Refusal, Transport};
use crate::server::{Relay, SessionSlot};
use crate::sockets::{self, os_error, to_addr, AcceptQueue, WriteCmd, Writes};
use crate::ws::{self, Incoming};

/// The page's end of the upgraded HTTP connection.
type Io = TokioIo<Upgraded>;
type WsReader = ws::Reader<ReadHalf<Io>>;
type WsWriter = ws::Writer<WriteHalf<Io>>;

/// Send credit a TCP socket starts with: what the page may send before the relay has
/// written anything (like a kernel send buffer).
pub const INITIAL_SEND_CREDIT: u32 = 256 * 1024;
/// Frames queued for the page at most; with [`MAX_DATA`] per frame, ~4 MiB of payload per
/// session (a TCP reader's frames are slices of one read buffer, which it shrinks when a read
/// fills less than a quarter of it, so the buffers hold at most four times that).
const OUT_QUEUE: usize = 64;
/// The read buffer an idle session holds; it grows while bulk data flows.
const READ_BUFFER: usize = 16 * 1024;
/// Requests handled by background tasks at once per session.
const MAX_INFLIGHT: usize = 256;
/// How long a page has to say Hello.
const HELLO_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the close frame may take to go out when a session ends.
const CLOSE_GRACE: Duration = Duration::from_secs(2);

/// WebSocket close codes the relay uses.
mod close {
    pub const NORMAL: u16 = 1000;
    pub const GOING_AWAY: u16 = 1001;
    pub const PROTOCOL: u16 = 1002;
    pub const UNSUPPORTED: u16 = 1003;
    pub const POLICY: u16 = 1008;
    pub const TOO_BIG: u16 = 1009;
}

enum Out {
    Frame(ws::Frame),
    Close(u16, String),
}

/// What a session's tasks share.
pub(crate) struct Ctx {
    pub(crate) relay: Arc<Relay>,
    pub(crate) id: u64,
    out: mpsc::Sender<Out>,
    /// Cancelled when the session ends; every socket task stops with it.
    pub(crate) cancel: CancellationToken,
    pub(crate) rate_in: RateLimit,
    pub(crate) rate_out: RateLimit,
    logged: Mutex<HashSet<crate::policy::Rule>>,
    /// Requests being worked on outside the loop (tasks, socket writers).
    pub(crate) inflight: AtomicUsize,
}

impl Ctx {
    /// Queues a frame for the page; false once the session is over.
    async fn queue(&self, frame: ws::Frame) -> bool {
        tokio::select! {
            biased;
            _ = self.cancel.cancelled() => false,
            r = self.out.send(Out::Frame(frame)) => r.is_ok(),
        }
    }
    /// Queues an encoded protocol frame for the page; false once the session is over.
    pub(crate) async fn send_frame(&self, frame: Vec<u8>) -> bool {
        self.queue(ws::Frame::binary(Bytes::from(frame))).await
    }
    /// Queues a `Data` frame for `sock` carrying `data` (at most [`MAX_DATA`] bytes) as it
    /// is: its header goes beside it.
    pub(crate) async fn send_data(&self, sock: SocketId, data: Bytes) -> bool {
        self.queue(ws::Frame {
            opcode: ws::opcode::BINARY,
            head: ws::Head::new(&socklab_proto::encode_data_header(sock)),
            body: data,
        })
        .await
    }
    pub(crate) async fn send(&self, msg: ServerMsg) -> bool {
        self.send_frame(msg.encode()).await
    }
    /// Counts a request handed to a task; `false` (and nothing counted) at the cap.
    pub(crate) fn start_inflight(&self) -> bool {
        if self.inflight.fetch_add(1, Ordering::AcqRel) >= MAX_INFLIGHT {
            self.inflight.fetch_sub(1, Ordering::AcqRel);
            return false;
        }
        true
    }
    pub(crate) fn end_inflight(&self) {
        self.inflight.fetch_sub(1, Ordering::AcqRel);
    }

    pub(crate) async fn reply(&self, id: RequestId, result: Result<Done, OsError>) -> bool {
        self.send(ServerMsg::Reply { id, result }).await
    }

    /// Counts a refusal, logs it once per rule in this session, and makes the error.
    fn refused(&self, r: Refusal) -> OsError {
        self.relay.metrics.refused(r.rule);
        let first = self
            .logged
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(r.rule);
        if first {
            tracing::warn!(session = self.id, rule = r.rule.name(), addr = %r.addr, "policy refused");
        }
        r.to_os_error()
    }
}

/// Runs a session until the page leaves, breaks the protocol, idles out, or the relay
/// shuts down (close 1001).
pub(crate) async fn run(relay: Arc<Relay>, io: Io, peer: SocketAddr, slot: SessionSlot) {
    let (read, write) = tokio::io::split(io);
    let mut stream = ws::Reader::new(read, relay.config.max_message_size, READ_BUFFER);
    let sink = ws::Writer::new(write);
    let (out_tx, out_rx) = mpsc::channel(OUT_QUEUE);
    let id = relay.next_session_id();
    let ctx = Arc::new(Ctx {
        id,
        out: out_tx,
        cancel: relay.shutdown.child_token(),
        rate_in: RateLimit::new(relay.config.max_bytes_per_sec),
        rate_out: RateLimit::new(relay.config.max_bytes_per_sec),
        logged: Mutex::default(),
        inflight: AtomicUsize::new(0),
        relay: relay.clone(),
    });
    let writer = relay.tracker.spawn(write_loop(sink, out_rx));
    relay
        .metrics
        .sessions_active
        .fetch_add(1, Ordering::Relaxed);
    relay.metrics.sessions_total.fetch_add(1, Ordering::Relaxed);
    tracing::info!(session = id, %peer, "session opened");

    let (code, reason) = match hello(&ctx, &mut stream).await {
        Ok(()) => {
            let (internal_tx, internal_rx) = mpsc::unbounded_channel();
            let mut session = Session {
                ctx: ctx.clone(),
                socks: HashMap::new(),
                internal_tx,
            };
            let end = session.run(&mut stream, internal_rx).await;
            session.close_all();
            end
        }
        Err(end) => end,
    };

    // Queue the close frame behind whatever is pending, but do not wait long for a page
    // that stopped reading.
    let _ = tokio::time::timeout(CLOSE_GRACE, ctx.out.send(Out::Close(code, reason.clone()))).await;
    ctx.cancel.cancel();
    if tokio::time::timeout(CLOSE_GRACE, writer).await.is_err() {
        tracing::debug!(session = id, "writer did not finish in time");
    }
    relay
        .metrics
        .sessions_active
        .fetch_sub(1, Ordering::Relaxed);
    tracing::info!(session = id, code, %reason, "session closed");
    drop(slot);
}

async fn write_loop(mut sink: WsWriter, mut rx: mpsc::Receiver<Out>) {
    let mut batch = Vec::with_capacity(ws::MAX_BATCH);
    while let Some(out) = rx.recv().await {
        // What is already queued goes out with it, in one write.
        let mut next = Some(out);
        while let Some(out) = next.take() {
            match out {
                Out::Frame(f) => batch.push(f),
                Out::Close(code, reason) => {
                    batch.push(ws::Frame::close(code, &reason));
                    if sink.write(&batch).await.is_ok() {
                        let _ = sink.shutdown().await;
                    }
                    return;
                }
            }
            if batch.len() < ws::MAX_BATCH {
                next = rx.try_recv().ok();
            }
        }
        if sink.write(&batch).await.is_err() {
            return;
        }
        batch.clear();
    }
}

/// Reads the page's Hello, checks version and token, answers Welcome.
async fn hello(ctx: &Ctx, stream: &mut WsReader) -> Result<(), (u16, String)> {
    let deadline = Instant::now() + HELLO_TIMEOUT;
    let msg = loop {
        let next = tokio::select! {
            _ = ctx.cancel.cancelled() => return Err((close::GOING_AWAY, "relay shutting down".into())),
            r = tokio::time::timeout_at(deadline, stream.next()) => r,
        };
        match next {
            Err(_) => return Err((close::POLICY, "no Hello in time".into())),
            Ok(Err(e)) => return Err((e.close_code(), e.to_string())),
            Ok(Ok(None)) => return Err((close::NORMAL, "page left".into())),
            Ok(Ok(Some(Incoming::Binary(b)))) => break ClientMsg::decode(&b),
            Ok(Ok(Some(Incoming::Ping(p)))) => {
                ctx.queue(ws::Frame::pong(p)).await;
            }
            Ok(Ok(Some(Incoming::Pong))) => {}
            Ok(Ok(Some(Incoming::Close(_)))) => return Err((close::NORMAL, "page closed".into())),
            Ok(Ok(Some(Incoming::Text))) => {
                return Err((close::UNSUPPORTED, "expected a binary Hello frame".into()))
            }
        }
    };
    match msg {
        Ok(ClientMsg::Hello { version, token }) => {
            if version != PROTOCOL_VERSION {
                return Err((
                    close::PROTOCOL,
                    format!(
                        "protocol version {version} not supported (relay speaks {PROTOCOL_VERSION})"
                    ),
                ));
            }
            if let Some(want) = &ctx.relay.config.token {
                if !constant_time_eq(want.as_bytes(), token.as_bytes()) {
                    return Err((close::POLICY, "bad join token".into()));
                }
            }
            let welcome = ServerMsg::Welcome {
                version: PROTOCOL_VERSION,
                hostname: ctx.relay.hostname.clone(),
                max_data: MAX_DATA as u32,
            };
            if ctx.send(welcome).await {
                Ok(())
            } else {
                Err((close::NORMAL, "page left".into()))
            }
        }
        Ok(_) => Err((close::PROTOCOL, "the first frame must be Hello".into())),
        Err(e) => Err((close::PROTOCOL, format!("malformed Hello: {e}"))),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Results of background work that change the socket table.
enum Internal {
    /// A name for `bind` was resolved.
    BindResolved {
        sock: SocketId,
        id: RequestId,
        result: Result<SocketAddr, OsError>,
    },
    /// A TCP connect finished (or failed, or was cancelled by close).
    Connected {
        sock: SocketId,
        id: RequestId,
        result: Result<TcpStream, OsError>,
    },
}

struct Entry {
    family: Family,
    ty: SockType,
    credit: Arc<Credit>,
    state: State,
}

enum State {
    /// Created, perhaps bound.
    Fresh(Socket),
    Connecting(CancellationToken),
    Listening(Listening),
    Stream(Stream),
    Udp(Udp),
}

impl State {
    fn kind(&self) -> SockKind {
        match self {
            State::Fresh(_) | State::Connecting(_) => SockKind::Unconnected,
            State::Listening(_) => SockKind::TcpListener,
            State::Stream(_) => SockKind::TcpStream,
            State::Udp(_) => SockKind::Udp,
        }
    }
}

struct Listening {
    listener: Arc<TcpListener>,
    queue: Arc<AcceptQueue>,
    cancel: CancellationToken,
    /// The acceptor holds the listener; `close` waits for it so the port is free when
    /// the reply goes out (a re-run server binds it again at once).
    task: JoinHandle<()>,
    _port: OpenedPort,
}

struct Stream {
    stream: Arc<TcpStream>,
    writes: Writes,
    /// Send credit the page still holds; `Data` beyond it is refused.
    window: Arc<AtomicI64>,
    reader: CancellationToken,
    local: SocketAddr,
    peer: SocketAddr,
}

struct Udp {
    sock: Arc<UdpSocket>,
    reader: CancellationToken,
    /// Holds the socket; awaited on close, as for a listener.
    task: JoinHandle<()>,
    _port: OpenedPort,
}

type OpResult = Result<Done, OsError>;

fn too_many_in_flight() -> OsError {
    OsError::with_message(errno::ENOBUFS, "too many requests in flight")
}

fn err(code: i32) -> OpResult {
    Err(OsError::new(code))
}

struct Session {
    ctx: Arc<Ctx>,
    socks: HashMap<SocketId, Entry>,
    internal_tx: mpsc::UnboundedSender<Internal>,
}

impl Session {
    async fn run(
        &mut self,
        stream: &mut WsReader,
        mut internal_rx: mpsc::UnboundedReceiver<Internal>,
    ) -> (u16, String) {
        let idle = self.ctx.relay.config.idle_timeout;
        let mut deadline = Instant::now() + idle;
        loop {
            tokio::select! {
                biased;
                _ = self.ctx.cancel.cancelled() => {
                    return (close::GOING_AWAY, "relay shutting down".into());
                }
                Some(ev) = internal_rx.recv() => self.internal(ev).await,
                _ = tokio::time::sleep_until(deadline) => {
                    return (close::GOING_AWAY, "idle timeout".into());
                }
                msg = stream.next() => {
                    deadline = Instant::now() + idle;
                    match msg {
                        Ok(None) => return (close::NORMAL, "page left".into()),
                        Err(e) => return (e.close_code(), e.to_string()),
                        Ok(Some(Incoming::Binary(b))) => {
                            if let Some(end) = self.frame(b).await {
                                return end;
                            }
                        }
                        Ok(Some(Incoming::Text)) => {
                            return (close::UNSUPPORTED, "text frames are not part of the protocol".into());
                        }
                        Ok(Some(Incoming::Close(_))) => return (close::NORMAL, "page closed".into()),
                        Ok(Some(Incoming::Ping(p))) => {
                            self.ctx.queue(ws::Frame::pong(p)).await;
                        }
                        Ok(Some(Incoming::Pong)) => {}
                    }
                }
            }
        }
    }

    /// Handles one frame; `Some` ends the session.
    async fn frame(&mut self, bytes: Bytes) -> Option<(u16, String)> {
        // The bulk path: the payload goes on as a slice of the received frame, uncopied.
        if let Some((sock, at)) = socklab_proto::peek_client_data(&bytes) {
            self.data(sock, bytes.slice(at..)).await;
            return None;
        }
        let msg = match ClientMsg::decode(&bytes) {
            Ok(m) => m,
            Err(e) => {
                self.ctx
                    .relay
                    .metrics
                    .bad_frames
                    .fetch_add(1, Ordering::Relaxed);
                if let Some(id) = peek_request_id(&bytes) {
                    let e = OsError::with_message(errno::EINVAL, format!("malformed request: {e}"));
                    self.ctx.reply(id, Err(e)).await;
                    return None;
                }
                let code = if matches!(e, DecodeError::TooLong { .. }) {
                    close::TOO_BIG
                } else {
                    close::PROTOCOL
                };
                return Some((code, format!("malformed frame: {e}")));
            }
        };
        match msg {
            ClientMsg::Hello { .. } => {
                return Some((close::PROTOCOL, "Hello sent twice".into()));
            }
            ClientMsg::Request { id, op } => self.request(id, op).await,
            ClientMsg::Data { sock, data } => self.data(sock, data.into()).await,
            ClientMsg::Credit { sock, bytes } => match self.socks.get(&sock) {
                Some(e) => e.credit.grant(bytes),
                None => {
                    self.socket_error(sock, OsError::new(errno::EBADF)).await;
                }
            },
        }
        None
    }

    async fn socket_error(&self, sock: SocketId, error: OsError) {
        self.ctx.send(ServerMsg::SocketError { sock, error }).await;
    }

    async fn data(&mut self, sock: SocketId, mut data: Bytes) {
        let error = match self.socks.get(&sock).map(|e| &e.state) {
            None => OsError::new(errno::EBADF),
            Some(State::Stream(s)) => {
                let n = data.len() as i64;
                if s.window.fetch_sub(n, Ordering::AcqRel) < n {
                    s.window.fetch_add(n, Ordering::AcqRel);
                    OsError::with_message(errno::ENOBUFS, "data beyond the granted send credit")
                } else {
                    self.ctx
                        .relay
                        .metrics
                        .bytes_from_page
                        .fetch_add(n as u64, Ordering::Relaxed);
                    // The fast path: with nothing queued for the writer task (so nothing to
                    // overtake) and no rate cap, write straight away and skip the task hop.
                    // Whatever the socket does not take now goes to the writer; so does an
                    // error, which the writer meets again and reports.
                    if s.writes.idle() && self.ctx.rate_in.is_unlimited() {
                        if let Ok(written) = s.stream.try_write(&data) {
                            if written > 0 {
                                sockets::credit_back(&self.ctx, sock, &s.window, written).await;
                            }
                            if written == data.len() {
                                return;
                            }
                            data = data.slice(written..);
                        }
                    }
                    // The writer is gone only after a close or session end.
                    let _ = s.writes.send(WriteCmd::Data(data));
                    return;
                }
            }
            Some(_) => OsError::new(errno::ENOTCONN),
        };
        self.socket_error(sock, error).await;
    }

    async fn request(&mut self, id: RequestId, op: Op) {
        if let Some(result) = self.op(id, op).await {
            self.ctx.reply(id, result).await;
        }
    }

    /// Runs an op. `None` means a task took it over and will reply itself.
    async fn op(&mut self, id: RequestId, op: Op) -> Option<OpResult> {
        Some(match op {
            Op::Socket { sock, family, ty } => self.create(sock, family, ty),
            Op::Bind { sock, addr } => {
                let family = match self.socks.get(&sock) {
                    None => return Some(err(errno::EBADF)),
                    Some(Entry {
                        state: State::Fresh(_),
                        family,
                        ..
                    }) => *family,
                    Some(_) => return Some(err(errno::EINVAL)),
                };
                match parse_numeric_host(&addr.host, family == Family::Inet6) {
                    Some(ip) => self.bind(sock, family_addr(family, ip, addr.port)),
                    None => {
                        let tx = self.internal_tx.clone();
                        self.spawn_op(id, async move {
                            let result = resolve_one(&addr.host, addr.port, family).await;
                            let _ = tx.send(Internal::BindResolved { sock, id, result });
                            None
                        })?
                    }
                }
            }
            Op::Listen { sock, backlog } => self.listen(sock, backlog),
            Op::Accept { sock, new_sock } => self.accept(id, sock, new_sock).await?,
            Op::Connect {
                sock,
                addr,
                timeout_ms,
            } => self.connect(id, sock, addr, timeout_ms)?,
            Op::SendTo { sock, addr, data } => self.send_to(id, sock, addr, data)?,
            Op::Shutdown { sock, how } => match self.socks.get(&sock).map(|e| &e.state) {
                None => err(errno::EBADF),
                Some(State::Stream(s)) => {
                    // Through the writer, so it takes effect after the data sent before it;
                    // counted, so a stalled writer cannot queue requests without bound.
                    if !self.ctx.start_inflight() {
                        return Some(Err(too_many_in_flight()));
                    }
                    if s.writes.send(WriteCmd::Shutdown(how, id)) {
                        return None;
                    }
                    self.ctx.end_inflight();
                    err(errno::ENOTCONN)
                }
                Some(_) => err(errno::ENOTCONN),
            },
            Op::Close { sock } => match self.socks.remove(&sock) {
                None => err(errno::EBADF),
                Some(e) => {
                    if let Some(task) = self.drop_entry(e) {
                        // Prompt: every await in those tasks also watches the cancel.
                        let _ = task.await;
                    }
                    Ok(Done::Unit)
                }
            },
            Op::SetSockOpt { sock, opt, value } => self.setsockopt(sock, opt, value),
            Op::GetSockOpt { sock, opt } => self.getsockopt(sock, opt),
            Op::GetSockName { sock } => self.sockname(sock),
            Op::GetPeerName { sock } => match self.socks.get(&sock).map(|e| &e.state) {
                None => err(errno::EBADF),
                Some(State::Stream(s)) => Ok(Done::Addr(to_addr(s.peer))),
                Some(State::Udp(u)) => u
                    .sock
                    .peer_addr()
                    .map(|a| Done::Addr(to_addr(a)))
                    .map_err(|e| os_error(&e)),
                Some(_) => err(errno::ENOTCONN),
            },
            Op::Resolve { host, family } => self.spawn_op(id, async move {
                Some(resolve_all(&host, family).await.map(Done::Hosts))
            })?,
        })
    }

    /// Runs `work` in a tracked task that replies with its result (if `Some`).
    /// Returns `Some(ENOBUFS)` to reply at once when too much is already in flight.
    fn spawn_op<F>(&self, id: RequestId, work: F) -> Option<OpResult>
    where
        F: std::future::Future<Output = Option<OpResult>> + Send + 'static,
    {
        let ctx = self.ctx.clone();
        if !ctx.start_inflight() {
            return Some(Err(too_many_in_flight()));
        }
        self.ctx.relay.tracker.spawn(async move {
            let result = tokio::select! {
                biased;
                _ = ctx.cancel.cancelled() => None,
                r = work => r,
            };
            ctx.end_inflight();
            if let Some(result) = result {
                ctx.reply(id, result).await;
            }
        });
        None
    }

    fn metrics_move(&self, from: SockKind, to: SockKind) {
        let m = &self.ctx.relay.metrics;
        m.socket_closed(from);
        m.socket_opened(to);
    }

    fn create(&mut self, sock: SocketId, family: Family, ty: SockType) -> OpResult {
        if self.socks.contains_key(&sock) {
            return Err(OsError::with_message(
                errno::EINVAL,
                "socket id already in use",
            ));
        }
        if self.socks.len() >= self.ctx.relay.config.max_sockets_per_session {
            return err(errno::EMFILE);
        }
        let s = new_socket(family, ty).map_err(|e| os_error(&e))?;
        self.ctx.relay.metrics.socket_opened(SockKind::Unconnected);
        self.socks.insert(
            sock,
            Entry {
                family,
                ty,
                credit: Arc::default(),
                state: State::Fresh(s),
            },
        );
        Ok(Done::Unit)
    }

    fn bind(&mut self, sock: SocketId, addr: SocketAddr) -> OpResult {
        if let Err(r) = self.ctx.relay.policy.check_bind(addr) {
            return Err(self.ctx.refused(r));
        }
        let Some(entry) = self.socks.get_mut(&sock) else {
            return err(errno::EBADF);
        };
        let State::Fresh(s) = &entry.state else {
            return err(errno::EINVAL);
        };
        if entry.ty == SockType::Stream {
            // Listeners re-bind at once after a previous run left TIME_WAIT behind.
            s.set_reuse_address(true).map_err(|e| os_error(&e))?;
        }
        s.bind(&addr.into()).map_err(|e| os_error(&e))?;
        let local = s
            .local_addr()
            .ok()
            .and_then(|a| a.as_socket())
            .unwrap_or(addr);
        if entry.ty == SockType::Dgram {
            self.start_udp(sock)?;
        }
        Ok(Done::Addr(to_addr(local)))
    }

    /// Turns a bound (or, for an implicit bind, unbound) UDP socket into a running one.
    fn start_udp(&mut self, sock: SocketId) -> Result<(), OsError> {
        let Some(entry) = self.socks.get_mut(&sock) else {
            return Err(OsError::new(errno::EBADF));
        };
        let State::Fresh(s) = &entry.state else {
            return Ok(());
        };
        if s.local_addr()
            .ok()
            .and_then(|a| a.as_socket())
            .is_none_or(|a| a.port() == 0)
        {
            let any = family_addr(entry.family, unspecified(entry.family), 0);
            s.bind(&any.into()).map_err(|e| os_error(&e))?;
        }
        let placeholder = State::Connecting(CancellationToken::new());
        let State::Fresh(s) = std::mem::replace(&mut entry.state, placeholder) else {
            return Ok(());
        };
        let udp = match UdpSocket::from_std(s.into()) {
            Ok(u) => Arc::new(u),
            Err(e) => {
                // The socket is gone; leave a fresh one so the id stays usable.
                if let Ok(f) = new_socket(entry.family, entry.ty) {
                    entry.state = State::Fresh(f);
                }
                return Err(os_error(&e));
            }
        };
        let port = udp.local_addr().map(|a| a.port()).unwrap_or(0);
        let reader = self.ctx.cancel.child_token();
        let task = self.ctx.relay.tracker.spawn(sockets::udp_reader(
            self.ctx.clone(),
            sock,
            udp.clone(),
            entry.credit.clone(),
            reader.clone(),
        ));
        entry.state = State::Udp(Udp {
            sock: udp,
            reader,
            task,
            _port: self.ctx.relay.policy.open_port(Transport::Udp, port),
        });
        self.metrics_move(SockKind::Unconnected, SockKind::Udp);
        Ok(())
    }

    fn listen(&mut self, sock: SocketId, backlog: u32) -> OpResult {
        let cap = self.ctx.relay.config.max_pending_accepts;
        let Some(entry) = self.socks.get_mut(&sock) else {
            return err(errno::EBADF);
        };
        if entry.ty != SockType::Stream {
            return err(errno::EOPNOTSUPP);
        }
        match &entry.state {
            State::Listening(_) => return Ok(Done::Unit),
            State::Fresh(_) => {}
            _ => return err(errno::EINVAL),
        }
        let backlog = backlog.clamp(1, cap.max(1));
        if let State::Fresh(s) = &entry.state {
            s.set_reuse_address(true).map_err(|e| os_error(&e))?;
            s.listen(backlog as i32).map_err(|e| os_error(&e))?;
        }
        let placeholder = State::Connecting(CancellationToken::new());
        let State::Fresh(s) = std::mem::replace(&mut entry.state, placeholder) else {
            return err(errno::EINVAL);
        };
        let listener = match TcpListener::from_std(s.into()) {
            Ok(l) => Arc::new(l),
            Err(e) => {
                if let Ok(f) = new_socket(entry.family, entry.ty) {
                    entry.state = State::Fresh(f);
                }
                return Err(os_error(&e));
            }
        };
        let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
        let queue = Arc::new(AcceptQueue::new(backlog as usize));
        let cancel = self.ctx.cancel.child_token();
        let task = self.ctx.relay.tracker.spawn(sockets::acceptor(
            self.ctx.clone(),
            sock,
            listener.clone(),
            queue.clone(),
            cancel.clone(),
        ));
        entry.state = State::Listening(Listening {
            listener,
            task,
            queue,
            cancel,
            _port: self.ctx.relay.policy.open_port(Transport::Tcp, port),
        });
        self.metrics_move(SockKind::Unconnected, SockKind::TcpListener);
        Ok(Done::Unit)
    }

    async fn accept(
        &mut self,
        id: RequestId,
        sock: SocketId,
        new_sock: SocketId,
    ) -> Option<OpResult> {
        let (family, queue) = match self.socks.get(&sock) {
            None => return Some(err(errno::EBADF)),
            Some(Entry {
                family,
                state: State::Listening(l),
                ..
            }) => (*family, l.queue.clone()),
            Some(_) => return Some(err(errno::EINVAL)),
        };
        if self.socks.contains_key(&new_sock) {
            return Some(Err(OsError::with_message(
                errno::EINVAL,
                "socket id already in use",
            )));
        }
        if self.socks.len() >= self.ctx.relay.config.max_sockets_per_session {
            return Some(err(errno::EMFILE));
        }
        let Some((stream, peer)) = queue.pop() else {
            return Some(err(errno::EAGAIN));
        };
        self.ctx.relay.metrics.socket_opened(SockKind::Unconnected);
        self.socks.insert(
            new_sock,
            Entry {
                family,
                ty: SockType::Stream,
                credit: Arc::default(),
                state: State::Connecting(CancellationToken::new()),
            },
        );
        self.install_stream(id, new_sock, stream, Some(peer)).await;
        None
    }

    /// Makes `sock` a connected TCP socket and answers request `id`: the reply, then the
    /// initial send credit, then the reader and writer start, so the page sees the socket
    /// connected before any credit or data for it.
    async fn install_stream(
        &mut self,
        id: RequestId,
        sock: SocketId,
        stream: TcpStream,
        peer: Option<SocketAddr>,
    ) {
        let addrs = stream.local_addr().and_then(|l| match peer {
            Some(p) => Ok((l, p)),
            None => stream.peer_addr().map(|p| (l, p)),
        });
        let (local, peer) = match addrs {
            Ok(a) => a,
            Err(e) => {
                // E.g. reset before we looked. An accepted id never existed for the page,
                // so it goes; a connecting socket stays usable, as after a failed connect.
                if peer.is_some() {
                    if self.socks.remove(&sock).is_some() {
                        self.ctx.relay.metrics.socket_closed(SockKind::Unconnected);
                    }
                } else if let Some(entry) = self.socks.get_mut(&sock) {
                    if let Ok(s) = new_socket(entry.family, entry.ty) {
                        entry.state = State::Fresh(s);
                    }
                }
                self.ctx.reply(id, Err(os_error(&e))).await;
                return;
            }
        };
        let Some(entry) = self.socks.get_mut(&sock) else {
            self.ctx.reply(id, err(errno::EBADF)).await;
            return;
        };
        let stream = Arc::new(stream);
        let (writes, rx) = Writes::new();
        let window = Arc::new(AtomicI64::new(i64::from(INITIAL_SEND_CREDIT)));
        let reader = self.ctx.cancel.child_token();
        let credit = entry.credit.clone();
        entry.state = State::Stream(Stream {
            stream: stream.clone(),
            writes,
            window: window.clone(),
            reader: reader.clone(),
            local,
            peer,
        });
        self.metrics_move(SockKind::Unconnected, SockKind::TcpStream);
        let done = Done::Conn {
            local: to_addr(local),
            peer: to_addr(peer),
        };
        self.ctx.reply(id, Ok(done)).await;
        self.ctx
            .send(ServerMsg::SendCredit {
                sock,
                bytes: INITIAL_SEND_CREDIT,
            })
            .await;
        let tracker = &self.ctx.relay.tracker;
        tracker.spawn(sockets::tcp_reader(
            self.ctx.clone(),
            sock,
            stream.clone(),
            credit,
            reader,
        ));
        tracker.spawn(sockets::tcp_writer(
            self.ctx.clone(),
            sock,
            stream,
            window,
            rx,
        ));
    }

    fn connect(
        &mut self,
        id: RequestId,
        sock: SocketId,
        addr: socklab_proto::Addr,
        timeout_ms: u32,
    ) -> Option<OpResult> {
        let Some(entry) = self.socks.get_mut(&sock) else {
            return Some(err(errno::EBADF));
        };
        let family = entry.family;
        match (&entry.state, entry.ty) {
            (State::Connecting(_), _) => return Some(err(errno::EALREADY)),
            (State::Stream(_), _) => return Some(err(errno::EISCONN)),
            (State::Listening(_), _) => return Some(err(errno::EINVAL)),
            (State::Fresh(_), SockType::Dgram) => {
                if let Err(e) = self.start_udp(sock) {
                    return Some(Err(e));
                }
                return self.connect_udp(id, sock, addr);
            }
            (State::Udp(_), _) => return self.connect_udp(id, sock, addr),
            (State::Fresh(_), SockType::Stream) => {}
        }
        let cancel = self.ctx.cancel.child_token();
        let State::Fresh(s) =
            std::mem::replace(&mut entry.state, State::Connecting(cancel.clone()))
        else {
            return Some(err(errno::EINVAL));
        };
        let ctx = self.ctx.clone();
        let tx = self.internal_tx.clone();
        let relay_cap = ctx.relay.config.connect_timeout;
        let own = Duration::from_millis(u64::from(timeout_ms));
        self.ctx.relay.tracker.spawn(async move {
            let work = async {
                let target = resolve_one(&addr.host, addr.port, family).await?;
                ctx.relay
                    .policy
                    .check_destination(Transport::Tcp, target)
                    .map_err(|r| ctx.refused(r))?;
                let socket = TcpSocket::from_std_stream(s.into());
                let (limit, message) = if timeout_ms > 0 && own < relay_cap {
                    (own, "timed out")
                } else {
                    (relay_cap, "Connection timed out")
                };
                match tokio::time::timeout(limit, socket.connect(target)).await {
                    Ok(r) => r.map_err(|e| os_error(&e)),
                    Err(_) => Err(OsError::with_message(errno::ETIMEDOUT, message)),
                }
            };
            let result = tokio::select! {
                biased;
                _ = cancel.cancelled() => Err(OsError::new(errno::ECONNABORTED)),
                r = work => r,
            };
            let _ = tx.send(Internal::Connected { sock, id, result });
        });
        None
    }

    fn connect_udp(
        &mut self,
        id: RequestId,
        sock: SocketId,
        addr: socklab_proto::Addr,
    ) -> Option<OpResult> {
        let Some(Entry {
            family,
            state: State::Udp(u),
            ..
        }) = self.socks.get(&sock)
        else {
            return Some(err(errno::EBADF));
        };
        let (family, udp) = (*family, u.sock.clone());
        let ctx = self.ctx.clone();
        self.spawn_op(id, async move {
            let r = async {
                let target = resolve_one(&addr.host, addr.port, family).await?;
                ctx.relay
                    .policy
                    .check_destination(Transport::Udp, target)
                    .map_err(|r| ctx.refused(r))?;
                udp.connect(target).await.map_err(|e| os_error(&e))?;
                let local = udp.local_addr().map_err(|e| os_error(&e))?;
                Ok(Done::Conn {
                    local: to_addr(local),
                    peer: to_addr(target),
                })
            };
            Some(r.await)
        })
    }

    fn send_to(
        &mut self,
        id: RequestId,
        sock: SocketId,
        addr: Option<socklab_proto::Addr>,
        data: Vec<u8>,
    ) -> Option<OpResult> {
        let Some(entry) = self.socks.get(&sock) else {
            return Some(err(errno::EBADF));
        };
        if entry.ty != SockType::Dgram {
            return Some(err(errno::EOPNOTSUPP));
        }
        if matches!(entry.state, State::Fresh(_)) {
            if let Err(e) = self.start_udp(sock) {
                return Some(Err(e));
            }
        }
        let Some(Entry {
            family,
            state: State::Udp(u),
            ..
        }) = self.socks.get(&sock)
        else {
            return Some(err(errno::EBADF));
        };
        let (family, udp) = (*family, u.sock.clone());
        let ctx = self.ctx.clone();
        self.spawn_op(id, async move {
            let r = async {
                let n = data.len();
                let sent = match addr {
                    None => {
                        ctx.rate_in.take(n).await;
                        udp.send(&data).await
                    }
                    Some(addr) => {
                        let target = resolve_one(&addr.host, addr.port, family).await?;
                        ctx.relay
                            .policy
                            .check_destination(Transport::Udp, target)
                            .map_err(|r| ctx.refused(r))?;
                        ctx.rate_in.take(n).await;
                        udp.send_to(&data, target).await
                    }
                }
                .map_err(|e| os_error(&e))?;
                let m = &ctx.relay.metrics;
                m.datagrams_from_page.fetch_add(1, Ordering::Relaxed);
                m.bytes_from_page.fetch_add(sent as u64, Ordering::Relaxed);
                Ok(Done::Int(sent as i64))
            };
            Some(r.await)
        })
    }

    async fn internal(&mut self, ev: Internal) {
        match ev {
            Internal::BindResolved { sock, id, result } => {
                let r = result.and_then(|addr| self.bind(sock, addr));
                self.ctx.reply(id, r).await;
            }
            Internal::Connected { sock, id, result } => {
                let connecting = matches!(
                    self.socks.get(&sock).map(|e| &e.state),
                    Some(State::Connecting(_))
                );
                let r = match (result, connecting) {
                    (Ok(stream), true) => {
                        self.install_stream(id, sock, stream, None).await;
                        return;
                    }
                    (Ok(_), false) => err(errno::EBADF),
                    (Err(e), true) => {
                        // Linux lets a script retry connect on the same socket.
                        if let Some(entry) = self.socks.get_mut(&sock) {
                            match new_socket(entry.family, entry.ty) {
                                Ok(s) => entry.state = State::Fresh(s),
                                Err(_) => {
                                    self.socks.remove(&sock);
                                    self.ctx.relay.metrics.socket_closed(SockKind::Unconnected);
                                }
                            }
                        }
                        Err(e)
                    }
                    (Err(e), false) => Err(e),
                };
                self.ctx.reply(id, r).await;
            }
        }
    }

    fn socket_ref(&self, sock: SocketId) -> Result<(SockRef<'_>, &Entry), OsError> {
        let entry = self
            .socks
            .get(&sock)
            .ok_or_else(|| OsError::new(errno::EBADF))?;
        let r = match &entry.state {
            State::Fresh(s) => SockRef::from(s),
            State::Connecting(_) => return Err(OsError::new(errno::EALREADY)),
            State::Listening(l) => SockRef::from(&*l.listener),
            State::Stream(s) => SockRef::from(&*s.stream),
            State::Udp(u) => SockRef::from(&*u.sock),
        };
        Ok((r, entry))
    }

    fn setsockopt(&self, sock: SocketId, opt: SockOpt, value: i32) -> OpResult {
        let (s, entry) = self.socket_ref(sock)?;
        let on = value != 0;
        let tcp_only = || {
            if entry.ty == SockType::Stream {
                Ok(())
            } else {
                Err(OsError::new(errno::EOPNOTSUPP))
            }
        };
        let r = match opt {
            SockOpt::ReuseAddr => s.set_reuse_address(on),
            SockOpt::Broadcast => s.set_broadcast(on),
            SockOpt::KeepAlive => s.set_keepalive(on),
            SockOpt::TcpNoDelay => {
                tcp_only()?;
                s.set_tcp_nodelay(on)
            }
            SockOpt::RcvBuf => s.set_recv_buffer_size(value.max(0) as usize),
            SockOpt::SndBuf => s.set_send_buffer_size(value.max(0) as usize),
            SockOpt::Linger => {
                tcp_only()?;
                // Applied now; the kernel acts on it when the relay closes the socket
                // (with 0: a reset instead of a FIN).
                s.set_linger((value >= 0).then(|| Duration::from_secs(value as u64)))
            }
            SockOpt::Type | SockOpt::Error => return err(errno::ENOPROTOOPT),
        };
        r.map(|()| Done::Unit).map_err(|e| os_error(&e))
    }

    fn getsockopt(&self, sock: SocketId, opt: SockOpt) -> OpResult {
        let (s, entry) = self.socket_ref(sock)?;
        let b = |r: std::io::Result<bool>| r.map(i64::from);
        let r = match opt {
            SockOpt::ReuseAddr => b(s.reuse_address()),
            SockOpt::Broadcast => b(s.broadcast()),
            SockOpt::KeepAlive => b(s.keepalive()),
            SockOpt::TcpNoDelay => {
                if entry.ty != SockType::Stream {
                    return err(errno::EOPNOTSUPP);
                }
                b(s.tcp_nodelay())
            }
            SockOpt::RcvBuf => s.recv_buffer_size().map(|n| n as i64),
            SockOpt::SndBuf => s.send_buffer_size().map(|n| n as i64),
            SockOpt::Type => Ok(i64::from(entry.ty.number())),
            SockOpt::Error => s
                .take_error()
                .map(|e| e.and_then(|e| e.raw_os_error()).map_or(0, i64::from)),
            SockOpt::Linger => s
                .linger()
                .map(|l| l.map_or(-1, |d| d.as_secs().min(i32::MAX as u64) as i64)),
        };
        r.map(Done::Int).map_err(|e| os_error(&e))
    }

    fn sockname(&self, sock: SocketId) -> OpResult {
        let Some(entry) = self.socks.get(&sock) else {
            return err(errno::EBADF);
        };
        let a = match &entry.state {
            State::Stream(s) => Ok(s.local),
            State::Fresh(s) => s.local_addr().map(|a| {
                a.as_socket()
                    .unwrap_or_else(|| family_addr(entry.family, unspecified(entry.family), 0))
            }),
            State::Listening(l) => l.listener.local_addr(),
            State::Udp(u) => u.sock.local_addr(),
            State::Connecting(_) => return err(errno::EALREADY),
        };
        a.map(|a| Done::Addr(to_addr(a))).map_err(|e| os_error(&e))
    }

    /// Stops a socket's tasks; queued writes still go out, then the descriptor closes.
    /// Returns the task still holding a bound port, to await if the port must be free.
    fn drop_entry(&self, e: Entry) -> Option<JoinHandle<()>> {
        let m = &self.ctx.relay.metrics;
        m.socket_closed(e.state.kind());
        match e.state {
            State::Fresh(_) => None,
            State::Connecting(c) => {
                c.cancel();
                None
            }
            State::Listening(l) => {
                l.cancel.cancel();
                Some(l.task)
            }
            State::Stream(s) => {
                s.reader.cancel();
                let _ = s.writes.send(WriteCmd::Close);
                None
            }
            State::Udp(u) => {
                u.reader.cancel();
                Some(u.task)
            }
        }
    }

    fn close_all(&mut self) {
        for (_, e) in std::mem::take(&mut self.socks) {
            self.drop_entry(e);
        }
    }
}

fn new_socket(family: Family, ty: SockType) -> std::io::Result<Socket> {
    let domain = match family {
        Family::Inet => Domain::IPV4,
        Family::Inet6 => Domain::IPV6,
    };
    let ty = match ty {
        SockType::Stream => Type::STREAM,
        SockType::Dgram => Type::DGRAM,
    };
    let s = Socket::new(domain, ty, None)?;
    s.set_nonblocking(true)?;
    Ok(s)
}

fn unspecified(family: Family) -> IpAddr {
    match family {
        Family::Inet => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        Family::Inet6 => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
    }
}

/// The address in the socket's own family: IPv4 on an `AF_INET6` socket becomes
/// IPv4-mapped (the same address, as the kernel would take it).
fn family_addr(family: Family, ip: IpAddr, port: u16) -> SocketAddr {
    match (family, ip) {
        (Family::Inet6, IpAddr::V4(v4)) => SocketAddr::new(IpAddr::V6(v4.to_ipv6_mapped()), port),
        (_, ip) => SocketAddr::new(ip, port),
    }
}

/// Resolves `host` once for a socket of `family`: the first address is the one checked
/// and used, as CPython's `connect` uses the first `getaddrinfo` result.
async fn resolve_one(host: &str, port: u16, family: Family) -> Result<SocketAddr, OsError> {
    let v6 = family == Family::Inet6;
    if let Some(ip) = parse_numeric_host(host, v6) {
        return match (family, ip) {
            (Family::Inet, IpAddr::V6(_)) => Err(OsError::new(errno::EAI_ADDRFAMILY)),
            _ => Ok(family_addr(family, ip, port)),
        };
    }
    let addrs = lookup(host).await?;
    let want = |ip: &IpAddr| match family {
        Family::Inet => ip.is_ipv4(),
        Family::Inet6 => ip.is_ipv6(),
    };
    addrs
        .into_iter()
        .find(want)
        .map(|ip| SocketAddr::new(ip, port))
        .ok_or_else(|| OsError::new(errno::EAI_NONAME))
}

/// All addresses of `host`, IPv4 first, as numeric strings.
async fn resolve_all(host: &str, family: Option<Family>) -> Result<Vec<String>, OsError> {
    let ips = match parse_numeric_host(host, false) {
        Some(ip) => vec![crate::policy::canonical(ip)],
        None => lookup(host).await?,
    };
    let mut out: Vec<String> = Vec::new();
    for v4_pass in [true, false] {
        for ip in &ips {
            if ip.is_ipv4() != v4_pass {
                continue;
            }
            let ok = match family {
                None => true,
                Some(Family::Inet) => ip.is_ipv4(),
                Some(Family::Inet6) => ip.is_ipv6(),
            };
            let s = ip.to_string();
            if ok && !out.contains(&s) {
                out.push(s);
            }
        }
    }
    if out.is_empty() {
        return Err(OsError::new(errno::EAI_NONAME));
    }
    Ok(out)
}

async fn lookup(host: &str) -> Result<Vec<IpAddr>, OsError> {
    if host.len() > 253 || host.is_empty() {
        return Err(OsError::new(errno::EAI_NONAME));
    }
    match tokio::net::lookup_host((host, 0)).await {
        Ok(it) => Ok(it.map(|a| a.ip()).collect()),
        Err(e) => {
            let code = if e.to_string().contains("Temporary failure") {
                errno::EAI_AGAIN
            } else {
                errno::EAI_NONAME
            };
            Err(OsError::new(code))
        }
    }
}
