//! Relay benchmark (run with `cargo bench -p socklab-relay`): bulk throughput each way, echo round trip, 1,000 sessions — through the relay and directly, side by side.
//!
//! The relay runs as its own process (the real `socklab serve` binary) so its memory can
//! be measured; the page side is a lean tokio-tungstenite client in this process.
//! `SOCKLAB_BENCH_MIB` sets the bulk size (default 256), `SOCKLAB_BENCH_SESSIONS` the
//! session count (default 1000).

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use socklab_proto::{
    Addr, ClientMsg, Done, Family, Op, RequestId, ServerMsg, SockType, SocketId, MAX_DATA,
    PROTOCOL_VERSION,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

const CHUNK: usize = 64 * 1024;
const RTT_ROUNDS: usize = 10_000;
/// Bulk transfers per direction and path; the median is reported.
const ROUNDS: usize = 5;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct RelayProcess {
    child: Child,
    addr: SocketAddr,
}

impl Drop for RelayProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_relay(sessions: usize) -> RelayProcess {
    let mut child = Command::new(env!("CARGO_BIN_EXE_socklab"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--max-sessions-per-addr",
            &(sessions + 10).to_string(),
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start socklab serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("relay banner");
    let addr = line
        .trim()
        .trim_start_matches("socklab serving on http://")
        .trim_end_matches('/')
        .parse()
        .unwrap_or_else(|_| panic!("unexpected banner {line:?}"));
    RelayProcess { child, addr }
}

/// CPU time (user + system) the process has used so far.
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may contain spaces) start after the last ')'.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<u64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    // utime and stime are fields 14 and 15 of stat, i.e. 11 and 12 after the ')'.
    let ticks = f.get(11).copied().unwrap_or(0) + f.get(12).copied().unwrap_or(0);
    Duration::from_secs_f64(ticks as f64 / 100.0)
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// A page: one WebSocket, requests answered in order.
struct Page {
    ws: Ws,
    next: u32,
}

impl Page {
    async fn connect(relay: SocketAddr) -> Page {
        let (ws, _) =
            tokio_tungstenite::connect_async_with_config(format!("ws://{relay}/ws"), None, true)
                .await
                .expect("ws connect");
        let mut page = Page { ws, next: 1 };
        page.send(ClientMsg::Hello {
            version: PROTOCOL_VERSION,
            token: String::new(),
        })
        .await;
        match page.recv().await {
            ServerMsg::Welcome { .. } => page,
            other => panic!("{other:?}"),
        }
    }
    async fn send(&mut self, m: ClientMsg) {
        self.ws
            .send(Message::Binary(m.encode().into()))
            .await
            .expect("ws send");
    }
    async fn recv(&mut self) -> ServerMsg {
        loop {
            match self.ws.next().await.expect("ws closed").expect("ws error") {
                Message::Binary(b) => return ServerMsg::decode(&b).expect("decode"),
                _ => continue,
            }
        }
    }
    async fn request(&mut self, op: Op) -> Done {
        let id = RequestId(self.next);
        self.next += 1;
        self.send(ClientMsg::Request { id, op }).await;
        loop {
            if let ServerMsg::Reply { id: got, result } = self.recv().await {
                if got == id {
                    return result.expect("request failed");
                }
            }
        }
    }
    async fn tcp(&mut self, sock: u32, to: SocketAddr) -> SocketId {
        let s = SocketId(sock);
        self.request(Op::Socket {
            sock: s,
            family: Family::Inet,
            ty: SockType::Stream,
        })
        .await;
        self.request(Op::Connect {
            sock: s,
            addr: Addr::new(to.ip().to_string(), to.port()),
            timeout_ms: 0,
        })
        .await;
        s
    }
}

async fn echo_server() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let a = l.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            let _ = s.set_nodelay(true);
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                while let Ok(n) = s.read(&mut buf).await {
                    if n == 0 || s.write_all(&buf[..n]).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    a
}

/// A peer that swallows everything and reports how long until `total` bytes arrived.
async fn sink_peer(total: usize) -> (SocketAddr, tokio::sync::oneshot::Receiver<Instant>) {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let a = l.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let (mut s, _) = l.accept().await.unwrap();
        let mut buf = vec![0u8; 1 << 20];
        let mut got = 0;
        while got < total {
            let n = s.read(&mut buf).await.unwrap();
            assert!(n > 0, "peer saw EOF early");
            got += n;
        }
        let _ = tx.send(Instant::now());
    });
    (a, rx)
}

/// A peer that sends `total` bytes as fast as it can once connected.
async fn source_peer(total: usize) -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let a = l.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut s, _) = l.accept().await.unwrap();
        let buf = vec![0x5au8; 1 << 20];
        let mut sent = 0;
        while sent < total {
            let n = (total - sent).min(buf.len());
            s.write_all(&buf[..n]).await.unwrap();
            sent += n;
        }
    });
    a
}

fn mib_s(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / (1024.0 * 1024.0) / d.as_secs_f64()
}

async fn direct_up(total: usize) -> f64 {
    let (peer, done) = sink_peer(total).await;
    let mut s = TcpStream::connect(peer).await.unwrap();
    let buf = vec![0xa5u8; CHUNK];
    let t0 = Instant::now();
    let mut sent = 0;
    while sent < total {
        s.write_all(&buf).await.unwrap();
        sent += CHUNK;
    }
    mib_s(total, done.await.unwrap() - t0)
}

async fn direct_down(total: usize) -> f64 {
    let peer = source_peer(total).await;
    let t0 = Instant::now();
    let mut s = TcpStream::connect(peer).await.unwrap();
    let mut buf = vec![0u8; 1 << 20];
    let mut got = 0;
    while got < total {
        got += s.read(&mut buf).await.unwrap();
    }
    mib_s(total, t0.elapsed())
}

async fn relay_up(relay: SocketAddr, total: usize) -> f64 {
    let (peer, done) = sink_peer(total).await;
    let mut page = Page::connect(relay).await;
    let s = page.tcp(1, peer).await;
    let (mut sink, mut stream) = page.ws.split();
    // Credit arrives on the read half; the write half sends only within it.
    let (credit_tx, mut credit_rx) = tokio::sync::mpsc::unbounded_channel::<u32>();
    let reader = tokio::spawn(async move {
        while let Some(Ok(m)) = stream.next().await {
            if let Message::Binary(b) = m {
                if let Ok(ServerMsg::SendCredit { bytes, .. }) = ServerMsg::decode(&b) {
                    if credit_tx.send(bytes).is_err() {
                        return;
                    }
                }
            }
        }
    });
    let t0 = Instant::now();
    let frame = ClientMsg::Data {
        sock: s,
        data: vec![0xa5u8; CHUNK.min(MAX_DATA)],
    }
    .encode();
    let frame = tokio_tungstenite::tungstenite::Bytes::from(frame);
    let mut credit: i64 = 0;
    let mut sent = 0;
    while sent < total {
        while credit < CHUNK as i64 {
            credit += i64::from(credit_rx.recv().await.expect("credit"));
        }
        while let Ok(c) = credit_rx.try_recv() {
            credit += i64::from(c);
        }
        sink.feed(Message::Binary(frame.clone())).await.unwrap();
        credit -= CHUNK as i64;
        sent += CHUNK;
        if credit < CHUNK as i64 {
            sink.flush().await.unwrap();
        }
    }
    sink.flush().await.unwrap();
    let r = mib_s(total, done.await.unwrap() - t0);
    reader.abort();
    r
}

async fn relay_down(relay: SocketAddr, total: usize) -> f64 {
    let peer = source_peer(total).await;
    let mut page = Page::connect(relay).await;
    let t0 = Instant::now();
    let s = page.tcp(1, peer).await;
    const WINDOW: u32 = 4 << 20;
    page.send(ClientMsg::Credit {
        sock: s,
        bytes: WINDOW,
    })
    .await;
    let mut got = 0usize;
    let mut ungranted = 0usize;
    // Data frames are counted by their header, not decoded: the page's own copying is not
    // the relay's cost, and the bench shares the machine's cores with the relay.
    let header = socklab_proto::encode_data_header(s);
    while got < total {
        let Message::Binary(b) = page.ws.next().await.expect("ws closed").expect("ws error") else {
            continue;
        };
        if b.starts_with(&header) {
            let n = b.len() - header.len();
            got += n;
            ungranted += n;
            // Grant in large steps, as a page's receive buffer would.
            if ungranted >= (WINDOW / 4) as usize {
                page.send(ClientMsg::Credit {
                    sock: s,
                    bytes: ungranted as u32,
                })
                .await;
                ungranted = 0;
            }
        }
    }
    mib_s(total, t0.elapsed())
}

fn percentiles(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    (v[v.len() / 2], v[v.len() * 99 / 100])
}

async fn direct_rtt(echo: SocketAddr) -> (Duration, Duration) {
    let mut s = TcpStream::connect(echo).await.unwrap();
    s.set_nodelay(true).unwrap();
    let msg = [7u8; 64];
    let mut buf = [0u8; 64];
    let mut times = Vec::with_capacity(RTT_ROUNDS);
    for _ in 0..RTT_ROUNDS {
        let t0 = Instant::now();
        s.write_all(&msg).await.unwrap();
        s.read_exact(&mut buf).await.unwrap();
        times.push(t0.elapsed());
    }
    percentiles(times)
}

async fn relay_rtt(relay: SocketAddr, echo: SocketAddr) -> (Duration, Duration) {
    let mut page = Page::connect(relay).await;
    let s = page.tcp(1, echo).await;
    page.request(Op::SetSockOpt {
        sock: s,
        opt: socklab_proto::SockOpt::TcpNoDelay,
        value: 1,
    })
    .await;
    page.send(ClientMsg::Credit {
        sock: s,
        bytes: u32::MAX,
    })
    .await;
    let mut times = Vec::with_capacity(RTT_ROUNDS);
    for _ in 0..RTT_ROUNDS {
        let t0 = Instant::now();
        page.send(ClientMsg::Data {
            sock: s,
            data: vec![7u8; 64],
        })
        .await;
        let mut got = 0;
        while got < 64 {
            if let ServerMsg::Data { data, .. } = page.recv().await {
                got += data.len();
            }
        }
        times.push(t0.elapsed());
    }
    percentiles(times)
}

/// Opens `n` sessions, each with one connected TCP socket that has echoed once; returns
/// the relay's RSS before and with them open.
async fn sessions(relay: &RelayProcess, echo: SocketAddr, n: usize) -> (u64, u64, Duration) {
    let before = rss_kib(relay.child.id());
    let t0 = Instant::now();
    let mut pages = Vec::with_capacity(n);
    for _ in 0..n {
        let mut page = Page::connect(relay.addr).await;
        let s = page.tcp(1, echo).await;
        page.send(ClientMsg::Credit {
            sock: s,
            bytes: 65536,
        })
        .await;
        page.send(ClientMsg::Data {
            sock: s,
            data: b"hi".to_vec(),
        })
        .await;
        loop {
            if let ServerMsg::Data { .. } = page.recv().await {
                break;
            }
        }
        pages.push(page);
    }
    let took = t0.elapsed();
    let with = rss_kib(relay.child.id());
    drop(pages);
    (before, with, took)
}

fn main() {
    let total = env_usize("SOCKLAB_BENCH_MIB", 256) << 20;
    let n_sessions = env_usize("SOCKLAB_BENCH_SESSIONS", 1000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let relay = start_relay(n_sessions);
    rt.block_on(async {
        let echo = echo_server().await;
        let pid = relay.child.id();
        // Direct and relayed runs alternate, ROUNDS times, and each reports its median: on a
        // shared machine the load moves, and this way both see the same moments.
        let (mut d_up, mut r_up, mut d_down, mut r_down) = (vec![], vec![], vec![], vec![]);
        let (mut cpu_up, mut cpu_down) = (vec![], vec![]);
        let gib = total as f64 / f64::from(1u32 << 30);
        for _ in 0..ROUNDS {
            d_up.push(direct_up(total).await);
            let c0 = cpu_time(pid);
            r_up.push(relay_up(relay.addr, total).await);
            cpu_up.push((cpu_time(pid) - c0).as_secs_f64() / gib);
            d_down.push(direct_down(total).await);
            let c0 = cpu_time(pid);
            r_down.push(relay_down(relay.addr, total).await);
            cpu_down.push((cpu_time(pid) - c0).as_secs_f64() / gib);
        }
        let [d_up, r_up, d_down, r_down, cpu_up, cpu_down] =
            [d_up, r_up, d_down, r_down, cpu_up, cpu_down].map(median);
        let (d50, d99) = direct_rtt(echo).await;
        let (r50, r99) = relay_rtt(relay.addr, echo).await;
        let (before, with, took) = sessions(&relay, echo, n_sessions).await;
        let mib = total >> 20;
        println!("socklab relay benchmark ({mib} MiB bulk, median of {ROUNDS} alternating rounds; {RTT_ROUNDS} echo rounds of 64 B; {n_sessions} sessions)");
        println!("| measure | direct loopback TCP | through the relay | ratio / added |");
        println!("|---|---|---|---|");
        println!(
            "| throughput page→peer (MiB/s) | {d_up:.0} | {r_up:.0} | {:.2}× |",
            r_up / d_up
        );
        println!(
            "| throughput peer→page (MiB/s) | {d_down:.0} | {r_down:.0} | {:.2}× |",
            r_down / d_down
        );
        println!(
            "| relay process CPU per GiB moved (s), page→peer / peer→page | – | {cpu_up:.2} / {cpu_down:.2} | |"
        );
        println!(
            "| echo RTT p50 (µs) | {:.1} | {:.1} | +{:.1} µs |",
            d50.as_secs_f64() * 1e6,
            r50.as_secs_f64() * 1e6,
            (r50.as_secs_f64() - d50.as_secs_f64()) * 1e6
        );
        println!(
            "| echo RTT p99 (µs) | {:.1} | {:.1} | +{:.1} µs |",
            d99.as_secs_f64() * 1e6,
            r99.as_secs_f64() * 1e6,
            (r99.as_secs_f64() - d99.as_secs_f64()) * 1e6
        );
        println!(
            "| relay RSS, idle → {n_sessions} sessions (MiB) | – | {:.1} → {:.1} | {:.1} KiB/session |",
            before as f64 / 1024.0,
            with as f64 / 1024.0,
            (with.saturating_sub(before)) as f64 / n_sessions as f64
        );
        println!(
            "| time to open {n_sessions} sessions (each: handshake, connect, one echo) | – | {:.2} s | |",
            took.as_secs_f64()
        );
    });
}
