//! Per-socket tasks: the TCP reader and writer, the listener's acceptor, the UDP reader. Each moves bytes for one socket only, so one stalled socket never stalls another.

use std::collections::VecDeque;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use socket2::SockRef;
use socklab_proto::{
    errno, Addr, Done, OsError, RequestId, ServerMsg, Shutdown, SocketId, MAX_DATA,
};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::{mpsc, Notify};
use tokio_util::sync::CancellationToken;

use crate::flow::Credit;
use crate::session::Ctx;

/// An OS error as the script should see it.
pub(crate) fn os_error(e: &io::Error) -> OsError {
    if let Some(code) = e.raw_os_error() {
        let text = errno::strerror(code);
        return if text == "Unknown error" {
            OsError::with_message(code, e.to_string())
        } else {
            OsError::new(code)
        };
    }
    use io::ErrorKind as K;
    let code = match e.kind() {
        K::TimedOut => errno::ETIMEDOUT,
        K::ConnectionRefused => errno::ECONNREFUSED,
        K::ConnectionReset => errno::ECONNRESET,
        K::ConnectionAborted => errno::ECONNABORTED,
        K::BrokenPipe => errno::EPIPE,
        K::AddrInUse => errno::EADDRINUSE,
        K::AddrNotAvailable => errno::EADDRNOTAVAIL,
        K::PermissionDenied => errno::EACCES,
        K::NotConnected => errno::ENOTCONN,
        K::WouldBlock => errno::EAGAIN,
        _ => return OsError::with_message(errno::EINVAL, e.to_string()),
    };
    OsError::new(code)
}

/// A socket address in the protocol's form (numeric host string).
pub(crate) fn to_addr(a: SocketAddr) -> Addr {
    Addr::new(a.ip().to_string(), a.port())
}

/// Work for a TCP socket's writer, in the order the page sent it.
#[derive(Debug)]
pub(crate) enum WriteCmd {
    Data(Bytes),
    Shutdown(Shutdown, RequestId),
    /// Write everything before this, then let the socket go.
    Close,
}

/// The way to a TCP socket's writer task, and how many commands it has not finished. While
/// it has none, the session may write to the socket itself (see `Session::data`): nothing
/// queued can then be overtaken.
#[derive(Debug)]
pub(crate) struct Writes {
    tx: mpsc::UnboundedSender<WriteCmd>,
    pending: Arc<AtomicUsize>,
}

/// The writer task's end of [`Writes`].
pub(crate) struct WriteQueue {
    rx: mpsc::UnboundedReceiver<WriteCmd>,
    pending: Arc<AtomicUsize>,
}

impl Writes {
    pub(crate) fn new() -> (Writes, WriteQueue) {
        let (tx, rx) = mpsc::unbounded_channel();
        let pending = Arc::new(AtomicUsize::new(0));
        (
            Writes {
                tx,
                pending: pending.clone(),
            },
            WriteQueue { rx, pending },
        )
    }
    /// Queues `cmd`; false once the writer is gone (after a close or the session's end).
    pub(crate) fn send(&self, cmd: WriteCmd) -> bool {
        self.pending.fetch_add(1, Ordering::AcqRel);
        if self.tx.send(cmd).is_err() {
            self.pending.fetch_sub(1, Ordering::AcqRel);
            return false;
        }
        true
    }
    /// True when every queued command has been carried out.
    pub(crate) fn idle(&self) -> bool {
        self.pending.load(Ordering::Acquire) == 0
    }
}

/// Most bytes one read from a TCP socket takes (credit permitting); they go to the page as
/// frames of at most [`MAX_DATA`].
const READ_MAX: usize = 4 * MAX_DATA;

/// Reads from a connected TCP socket while the page has granted credit.
pub(crate) async fn tcp_reader(
    ctx: Arc<Ctx>,
    sock: SocketId,
    stream: Arc<TcpStream>,
    credit: Arc<Credit>,
    cancel: CancellationToken,
) {
    loop {
        let budget = tokio::select! {
            biased;
            _ = cancel.cancelled() => return,
            b = credit.take_up_to(READ_MAX) => b,
        };
        // Wait for bytes before allocating, so an idle socket holds no buffer.
        let mut buf: Vec<u8> = Vec::new();
        let res = loop {
            tokio::select! {
                biased;
                _ = cancel.cancelled() => {
                    credit.give_back(budget);
                    return;
                }
                r = stream.readable() => {
                    if let Err(e) = r {
                        break Err(e);
                    }
                }
            }
            if buf.capacity() == 0 {
                // Read into spare capacity, so nothing is zeroed first. `with_capacity`
                // is exact, so a read can never exceed the credit.
                buf = Vec::with_capacity(budget);
            }
            match stream.try_read_buf(&mut buf) {
                Ok(n) => break Ok(n),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                Err(e) => break Err(e),
            }
        };
        match res {
            Ok(0) => {
                credit.give_back(budget);
                ctx.send(ServerMsg::Eof { sock }).await;
                return;
            }
            Ok(n) => {
                credit.give_back(budget - n);
                if n < budget / 4 {
                    buf.shrink_to_fit();
                }
                ctx.relay
                    .metrics
                    .bytes_to_page
                    .fetch_add(n as u64, Ordering::Relaxed);
                tokio::select! {
                    biased;
                    _ = cancel.cancelled() => return,
                    _ = ctx.rate_out.take(n) => {}
                }
                // One read, several frames: each a slice of the same buffer, uncopied.
                let bytes = Bytes::from(buf);
                for at in (0..n).step_by(MAX_DATA) {
                    let piece = bytes.slice(at..n.min(at + MAX_DATA));
                    tokio::select! {
                        biased;
                        _ = cancel.cancelled() => return,
                        ok = ctx.send_data(sock, piece) => if !ok { return },
                    }
                }
            }
            Err(e) => {
                credit.give_back(budget);
                ctx.send(ServerMsg::SocketError {
                    sock,
                    error: os_error(&e),
                })
                .await;
                return;
            }
        }
    }
}

/// Hands the page back send credit for `n` bytes the kernel took from the socket.
pub(crate) async fn credit_back(ctx: &Ctx, sock: SocketId, window: &AtomicI64, n: usize) {
    window.fetch_add(n as i64, Ordering::AcqRel);
    ctx.send(ServerMsg::SendCredit {
        sock,
        bytes: n as u32,
    })
    .await;
}

/// Writes `chunks` in order with vectored writes, dropping each one once it is written.
async fn write_all_vectored(stream: &TcpStream, chunks: &mut VecDeque<Bytes>) -> io::Result<()> {
    while !chunks.is_empty() {
        stream.writable().await?;
        let slices: Vec<io::IoSlice<'_>> = chunks
            .iter()
            .take(MAX_IOVECS)
            .map(|c| io::IoSlice::new(c))
            .collect();
        let mut n = match stream.try_write_vectored(&slices) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(e) => return Err(e),
        };
        while n > 0 {
            let Some(front) = chunks.front_mut() else {
                break;
            };
            if n >= front.len() {
                n -= front.len();
                chunks.pop_front();
            } else {
                *front = front.slice(n..);
                n = 0;
            }
        }
    }
    Ok(())
}

/// Chunks gathered into one write at most (each is at most `MAX_DATA`).
const MAX_IOVECS: usize = 16;
/// Bytes gathered into one write and one credit grant at most: a quarter of the initial
/// send credit, so the page keeps sending while a batch is written.
const BATCH_BYTES: usize = crate::session::INITIAL_SEND_CREDIT as usize / 4;

/// Writes the page's data to a TCP socket and hands the credit back as it goes. Chunks
/// already queued behind the first are written together (one `writev`, one credit frame).
pub(crate) async fn tcp_writer(
    ctx: Arc<Ctx>,
    sock: SocketId,
    stream: Arc<TcpStream>,
    window: Arc<AtomicI64>,
    queue: WriteQueue,
) {
    let WriteQueue { mut rx, pending } = queue;
    let mut failed = false;
    let mut next = None;
    let mut batch = VecDeque::new();
    loop {
        let cmd = match next.take() {
            Some(cmd) => Some(cmd),
            None => tokio::select! {
                biased;
                _ = ctx.cancel.cancelled() => return,
                c = rx.recv() => c,
            },
        };
        match cmd {
            None | Some(WriteCmd::Close) => return,
            Some(WriteCmd::Data(data)) => {
                let mut n = data.len();
                batch.push_back(data);
                // Every chunk of the batch counts as one command carried out once written.
                let mut commands = 1;
                while n < BATCH_BYTES && batch.len() < MAX_IOVECS {
                    match rx.try_recv() {
                        Ok(WriteCmd::Data(more)) => {
                            n += more.len();
                            commands += 1;
                            batch.push_back(more);
                        }
                        Ok(other) => {
                            next = Some(other);
                            break;
                        }
                        Err(_) => break,
                    }
                }
                if failed {
                    batch.clear();
                    pending.fetch_sub(commands, Ordering::AcqRel);
                    continue;
                }
                let r = tokio::select! {
                    biased;
                    _ = ctx.cancel.cancelled() => return,
                    r = async {
                        ctx.rate_in.take(n).await;
                        write_all_vectored(&stream, &mut batch).await
                    } => r,
                };
                pending.fetch_sub(commands, Ordering::AcqRel);
                match r {
                    Ok(()) => credit_back(&ctx, sock, &window, n).await,
                    Err(e) => {
                        failed = true;
                        batch.clear();
                        ctx.send(ServerMsg::SocketError {
                            sock,
                            error: os_error(&e),
                        })
                        .await;
                    }
                }
            }
            Some(WriteCmd::Shutdown(how, id)) => {
                let how = match how {
                    Shutdown::Read => std::net::Shutdown::Read,
                    Shutdown::Write => std::net::Shutdown::Write,
                    Shutdown::Both => std::net::Shutdown::Both,
                };
                let r = SockRef::from(&*stream)
                    .shutdown(how)
                    .map(|()| Done::Unit)
                    .map_err(|e| os_error(&e));
                ctx.end_inflight();
                pending.fetch_sub(1, Ordering::AcqRel);
                ctx.reply(id, r).await;
            }
        }
    }
}

/// Connections accepted by the OS and not yet taken by the script's `accept()`.
#[derive(Debug)]
pub(crate) struct AcceptQueue {
    queue: Mutex<VecDeque<(TcpStream, SocketAddr)>>,
    space: Notify,
    cap: usize,
}

impl AcceptQueue {
    pub(crate) fn new(cap: usize) -> AcceptQueue {
        AcceptQueue {
            queue: Mutex::default(),
            space: Notify::new(),
            cap: cap.max(1),
        }
    }
    fn len(&self) -> usize {
        self.queue.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
    pub(crate) fn pop(&self) -> Option<(TcpStream, SocketAddr)> {
        let c = self
            .queue
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop_front();
        if c.is_some() {
            self.space.notify_one();
        }
        c
    }
}

/// Accepts connections into the queue while it has room; a full queue leaves them in the
/// kernel's backlog, as a server that does not call `accept()` would.
pub(crate) async fn acceptor(
    ctx: Arc<Ctx>,
    sock: SocketId,
    listener: Arc<TcpListener>,
    queue: Arc<AcceptQueue>,
    cancel: CancellationToken,
) {
    loop {
        while queue.len() >= queue.cap {
            tokio::select! {
                biased;
                _ = cancel.cancelled() => return,
                _ = queue.space.notified() => {}
            }
        }
        let r = tokio::select! {
            biased;
            _ = cancel.cancelled() => return,
            r = listener.accept() => r,
        };
        match r {
            Ok((stream, peer)) => {
                queue
                    .queue
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push_back((stream, peer));
                tokio::select! {
                    biased;
                    _ = cancel.cancelled() => return,
                    ok = ctx.send(ServerMsg::Incoming { sock }) => if !ok { return },
                }
            }
            Err(e) => {
                // Out of descriptors and the like: back off rather than spin.
                tracing::warn!(session = ctx.id, error = %e, "accept failed");
                tokio::select! {
                    _ = cancel.cancelled() => return,
                    _ = tokio::time::sleep(Duration::from_millis(100)) => {}
                }
            }
        }
    }
}

/// Reads datagrams while the page has granted credit; each costs its length (at least 1).
pub(crate) async fn udp_reader(
    ctx: Arc<Ctx>,
    sock: SocketId,
    udp: Arc<UdpSocket>,
    credit: Arc<Credit>,
    cancel: CancellationToken,
) {
    let mut buf = vec![0u8; 65_536];
    loop {
        let budget = tokio::select! {
            biased;
            _ = cancel.cancelled() => return,
            b = credit.take_up_to(MAX_DATA) => b,
        };
        let r = tokio::select! {
            biased;
            _ = cancel.cancelled() => {
                credit.give_back(budget);
                return;
            }
            r = udp.recv_from(&mut buf) => r,
        };
        match r {
            Ok((n, from)) => {
                let cost = n.max(1);
                if cost <= budget {
                    credit.give_back(budget - cost);
                }
                let m = &ctx.relay.metrics;
                m.bytes_to_page.fetch_add(n as u64, Ordering::Relaxed);
                m.datagrams_to_page.fetch_add(1, Ordering::Relaxed);
                tokio::select! {
                    biased;
                    _ = cancel.cancelled() => return,
                    _ = ctx.rate_out.take(n) => {}
                }
                let msg = ServerMsg::Datagram {
                    sock,
                    from: to_addr(from),
                    data: buf[..n].to_vec(),
                };
                tokio::select! {
                    biased;
                    _ = cancel.cancelled() => return,
                    ok = ctx.send(msg) => if !ok { return },
                }
            }
            Err(e) => {
                // E.g. ECONNREFUSED from an ICMP error on a connected UDP socket: the
                // script sees it at its next call, and the socket stays usable.
                credit.give_back(budget);
                let msg = ServerMsg::SocketError {
                    sock,
                    error: os_error(&e),
                };
                tokio::select! {
                    biased;
                    _ = cancel.cancelled() => return,
                    ok = ctx.send(msg) => if !ok { return },
                }
            }
        }
    }
}
