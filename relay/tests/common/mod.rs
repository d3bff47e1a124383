//! Test harness: a real relay on 127.0.0.1:0 and a page played by a tokio-tungstenite client.

#![allow(dead_code)]

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use socklab_proto::{
    Addr, ClientMsg, Done, Family, Op, OsError, RequestId, ServerMsg, SockType, SocketId, MAX_DATA,
    PROTOCOL_VERSION,
};
use socklab_relay::Config;
use tokio::sync::{mpsc, Semaphore};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;
use tokio_util::sync::CancellationToken;

/// Longest any single wait in a test may take before the test fails (a bound, not a
/// synchronisation: every wait ends as soon as its event arrives).
pub const BOUND: Duration = Duration::from_secs(30);

pub struct TestRelay {
    pub addr: SocketAddr,
    pub shutdown: CancellationToken,
    pub handle: tokio::task::JoinHandle<Result<(), socklab_relay::ServeError>>,
}

impl TestRelay {
    pub async fn start(config: Config) -> TestRelay {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let shutdown = CancellationToken::new();
        let handle = tokio::spawn(socklab_relay::serve(listener, config, shutdown.clone()));
        TestRelay {
            addr,
            shutdown,
            handle,
        }
    }

    pub fn ws_url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    /// A plain HTTP/1.0 GET against the relay, returning (status line, body).
    pub async fn get(&self, path: &str) -> (String, String) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut s = tokio::net::TcpStream::connect(self.addr).await.unwrap();
        s.write_all(format!("GET {path} HTTP/1.0\r\nHost: {}\r\n\r\n", self.addr).as_bytes())
            .await
            .unwrap();
        let mut buf = Vec::new();
        tokio::time::timeout(BOUND, s.read_to_end(&mut buf))
            .await
            .unwrap()
            .unwrap();
        let text = String::from_utf8_lossy(&buf).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        (
            head.lines().next().unwrap_or("").to_string(),
            body.to_string(),
        )
    }
}

/// How a session ended, as the page saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct Closed {
    pub code: u16,
    pub reason: String,
}

/// Send credit per socket, shared between the page's reader and its senders.
type Credits = Arc<Mutex<HashMap<SocketId, Arc<Semaphore>>>>;

fn credit_of(credits: &Credits, sock: SocketId) -> Arc<Semaphore> {
    credits
        .lock()
        .unwrap()
        .entry(sock)
        .or_insert_with(|| Arc::new(Semaphore::new(0)))
        .clone()
}

/// Sends data for one socket within the relay's send credit; usable from another task.
#[derive(Clone)]
pub struct Sender {
    tx: mpsc::UnboundedSender<Message>,
    credits: Credits,
}

impl Sender {
    pub fn raw(&self, msg: Message) {
        let _ = self.tx.send(msg);
    }
    pub fn send(&self, msg: &ClientMsg) {
        self.raw(Message::Binary(msg.encode().into()));
    }
    /// Sends all of `data`, waiting for credit as a script's `sendall` does.
    pub async fn send_all(&self, sock: SocketId, data: &[u8]) {
        let credit = credit_of(&self.credits, sock);
        for chunk in data.chunks(MAX_DATA) {
            let permit = tokio::time::timeout(BOUND, credit.acquire_many(chunk.len() as u32))
                .await
                .expect("send credit never came")
                .unwrap();
            permit.forget();
            self.send(&ClientMsg::Data {
                sock,
                data: chunk.to_vec(),
            });
        }
    }
}

/// The page: a WebSocket to the relay plus what it has received, by socket.
pub struct Page {
    pub sender: Sender,
    rx: mpsc::UnboundedReceiver<ServerMsg>,
    pub events: VecDeque<ServerMsg>,
    pub data: HashMap<SocketId, VecDeque<u8>>,
    pub eof: HashSet<SocketId>,
    pub closed: Arc<Mutex<Option<Closed>>>,
    next_id: u32,
    pub welcome: Option<ServerMsg>,
}

impl Page {
    /// Connects without saying Hello.
    pub async fn open(
        url: &str,
        origin: Option<&str>,
    ) -> Result<Page, tokio_tungstenite::tungstenite::Error> {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut req = url.into_client_request().unwrap();
        if let Some(o) = origin {
            req.headers_mut().insert("Origin", o.parse().unwrap());
        }
        let (ws, _) = tokio_tungstenite::connect_async(req).await?;
        let (mut sink, mut stream) = ws.split();
        let (tx, mut out_rx) = mpsc::unbounded_channel::<Message>();
        tokio::spawn(async move {
            while let Some(m) = out_rx.recv().await {
                if sink.send(m).await.is_err() {
                    return;
                }
            }
        });
        let credits: Credits = Arc::default();
        let (in_tx, rx) = mpsc::unbounded_channel();
        let closed = Arc::new(Mutex::new(None));
        let (c2, closed2) = (credits.clone(), closed.clone());
        tokio::spawn(async move {
            while let Some(m) = stream.next().await {
                match m {
                    Ok(Message::Binary(b)) => {
                        let msg = ServerMsg::decode(&b).expect("relay sent an undecodable frame");
                        if let ServerMsg::SendCredit { sock, bytes } = msg {
                            credit_of(&c2, sock).add_permits(bytes as usize);
                        }
                        if in_tx.send(msg).is_err() {
                            return;
                        }
                    }
                    Ok(Message::Close(f)) => {
                        *closed2.lock().unwrap() = Some(match f {
                            Some(f) => Closed {
                                code: u16::from(f.code),
                                reason: f.reason.to_string(),
                            },
                            None => Closed {
                                code: u16::from(CloseCode::Status),
                                reason: String::new(),
                            },
                        });
                    }
                    Ok(_) => {}
                    Err(_) => break,
                }
            }
        });
        Ok(Page {
            sender: Sender { tx, credits },
            rx,
            events: VecDeque::new(),
            data: HashMap::new(),
            eof: HashSet::new(),
            closed,
            next_id: 1,
            welcome: None,
        })
    }

    /// Connects and completes the handshake.
    pub async fn connect(relay: &TestRelay) -> Page {
        Page::connect_with(relay, None, "").await
    }

    pub async fn connect_with(relay: &TestRelay, origin: Option<&str>, token: &str) -> Page {
        let mut page = Page::open(&relay.ws_url(), origin).await.unwrap();
        page.send(&ClientMsg::Hello {
            version: PROTOCOL_VERSION,
            token: token.into(),
        });
        let w = page.next_msg().await.expect("no Welcome");
        assert!(matches!(w, ServerMsg::Welcome { .. }), "{w:?}");
        page.welcome = Some(w);
        page
    }

    pub fn send(&self, msg: &ClientMsg) {
        self.sender.send(msg);
    }

    /// The next frame from the relay, or `None` once the connection is closed.
    pub async fn next_msg(&mut self) -> Option<ServerMsg> {
        tokio::time::timeout(BOUND, self.rx.recv())
            .await
            .expect("relay went silent")
    }

    /// Waits until the relay closes the WebSocket; returns the close frame.
    pub async fn closed(&mut self) -> Closed {
        while self.next_msg().await.is_some() {}
        self.closed.lock().unwrap().clone().unwrap_or(Closed {
            code: 1006,
            reason: "no close frame".into(),
        })
    }

    /// Files a frame into data/eof/events.
    fn file(&mut self, msg: ServerMsg) -> Option<ServerMsg> {
        match msg {
            ServerMsg::Data { sock, data } => {
                self.data.entry(sock).or_default().extend(data);
                None
            }
            ServerMsg::Eof { sock } => {
                self.eof.insert(sock);
                None
            }
            ServerMsg::SendCredit { .. } => None,
            other => Some(other),
        }
    }

    /// Sends a request and waits for its one reply (other frames are kept).
    pub async fn request(&mut self, op: Op) -> Result<Done, OsError> {
        let id = RequestId(self.next_id);
        self.next_id += 1;
        self.send(&ClientMsg::Request { id, op });
        self.reply(id).await
    }

    pub async fn reply(&mut self, id: RequestId) -> Result<Done, OsError> {
        loop {
            let msg = self
                .next_msg()
                .await
                .expect("closed while waiting for a reply");
            match self.file(msg) {
                Some(ServerMsg::Reply { id: got, result }) if got == id => return result,
                Some(other) => self.events.push_back(other),
                None => {}
            }
        }
    }

    /// Waits for an event matching `pred` (taking it out of the kept events).
    pub async fn event(&mut self, pred: impl Fn(&ServerMsg) -> bool) -> ServerMsg {
        if let Some(i) = self.events.iter().position(&pred) {
            return self.events.remove(i).unwrap();
        }
        loop {
            let msg = self
                .next_msg()
                .await
                .expect("closed while waiting for an event");
            if let Some(m) = self.file(msg) {
                if pred(&m) {
                    return m;
                }
                self.events.push_back(m);
            }
        }
    }

    /// Receives exactly `n` bytes on `sock` (granting credit as it consumes them).
    pub async fn recv_exact(&mut self, sock: SocketId, n: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(n);
        loop {
            let buf = self.data.entry(sock).or_default();
            let take = buf.len().min(n - out.len());
            out.extend(buf.drain(..take));
            if take > 0 {
                self.credit(sock, take as u32);
            }
            if out.len() == n {
                return out;
            }
            assert!(
                !self.eof.contains(&sock),
                "EOF after {} of {n} bytes",
                out.len()
            );
            let msg = self.next_msg().await.expect("closed while receiving");
            if let Some(m) = self.file(msg) {
                self.events.push_back(m);
            }
        }
    }

    /// Receives exactly `n` bytes without granting any more credit (a page that then
    /// stops reading).
    pub async fn recv_exact_no_credit(&mut self, sock: SocketId, n: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(n);
        loop {
            let buf = self.data.entry(sock).or_default();
            let take = buf.len().min(n - out.len());
            out.extend(buf.drain(..take));
            if out.len() == n {
                return out;
            }
            let msg = self.next_msg().await.expect("closed while receiving");
            if let Some(m) = self.file(msg) {
                self.events.push_back(m);
            }
        }
    }

    /// Receives until EOF on `sock`.
    pub async fn recv_to_eof(&mut self, sock: SocketId) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let buf = self.data.entry(sock).or_default();
            let take = buf.len();
            out.extend(buf.drain(..));
            if take > 0 {
                self.credit(sock, take as u32);
            }
            if self.eof.contains(&sock) && self.data.get(&sock).is_none_or(|b| b.is_empty()) {
                return out;
            }
            let msg = self.next_msg().await.expect("closed while receiving");
            if let Some(m) = self.file(msg) {
                self.events.push_back(m);
            }
        }
    }

    pub fn credit(&self, sock: SocketId, bytes: u32) {
        self.send(&ClientMsg::Credit { sock, bytes });
    }

    pub async fn socket(&mut self, sock: u32, family: Family, ty: SockType) -> SocketId {
        let sock = SocketId(sock);
        let r = self.request(Op::Socket { sock, family, ty }).await;
        assert_eq!(r, Ok(Done::Unit));
        sock
    }

    /// A connected TCP socket with `credit` bytes of receive credit granted.
    pub async fn tcp_connect(&mut self, sock: u32, to: SocketAddr, credit: u32) -> SocketId {
        let family = if to.is_ipv4() {
            Family::Inet
        } else {
            Family::Inet6
        };
        let s = self.socket(sock, family, SockType::Stream).await;
        let r = self
            .request(Op::Connect {
                sock: s,
                addr: addr(to),
                timeout_ms: 0,
            })
            .await;
        assert!(matches!(r, Ok(Done::Conn { .. })), "{r:?}");
        if credit > 0 {
            self.credit(s, credit);
        }
        s
    }
}

pub fn addr(a: SocketAddr) -> Addr {
    Addr::new(a.ip().to_string(), a.port())
}

/// Bytes of a reproducible pattern, so transfers can be checked byte for byte.
pub fn pattern(offset: usize, len: usize) -> Vec<u8> {
    (offset..offset + len)
        .map(|i| (i as u32).wrapping_mul(2_654_435_761).rotate_right(13) as u8)
        .collect()
}

/// A TCP echo server on 127.0.0.1:0.
pub async fn echo_server() -> SocketAddr {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let a = l.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                loop {
                    match s.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => {
                            if s.write_all(&buf[..n]).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            });
        }
    });
    a
}
