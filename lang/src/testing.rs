//! An in-memory [`Host`] for tests: captured stdout/stderr, scripted stdin, a virtual
//! clock, an in-memory file area, and a fake loopback network where sockets of the same
//! script (and its threads) talk over TCP and UDP. Never touches the OS.
//!
//! ```
//! use socklab_lang::testing::run_script;
//! let r = run_script("print('hi')", "");
//! assert_eq!(r.stdout, "hi\n");
//! ```

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

use crate::host::{
    errno, Addr, Host, Location, Op, OpId, OsError, Reply, SockOpt, SockType, SocketCall,
    SocketHandle, Stream,
};
use crate::{Interpreter, Limits, Status};

/// The host name the fake host reports; it resolves to 127.0.0.1.
pub const HOSTNAME: &str = "socklab-test";

#[derive(Debug, Default)]
struct FakeSock {
    kind: Option<SockType>,
    local: Option<Addr>,
    peer: Option<Addr>,
    /// The fd of the connected peer socket (TCP).
    peer_fd: Option<i32>,
    listening: bool,
    backlog: VecDeque<i32>,
    inbuf: Vec<u8>,
    eof: bool,
    datagrams: VecDeque<(Vec<u8>, Addr)>,
    closed: bool,
    /// `shutdown(SHUT_WR)` was called: further sends fail with EPIPE.
    write_shut: bool,
    /// A send reached a closed peer (the peer's RST): the next send fails with EPIPE.
    reset: bool,
    /// The peer closed with SO_LINGER 0: the next recv fails with ECONNRESET.
    conn_reset: bool,
    opts: HashMap<u8, i64>,
}

struct PendingOp {
    id: OpId,
    op: Op,
    /// Virtual time at which a timeout or sleep fires.
    deadline: Option<f64>,
}

/// The fake network and clock, shared by the hosts of scripts that talk to each other.
#[derive(Debug)]
pub struct Net {
    pub now: f64,
    socks: HashMap<i32, FakeSock>,
    next_fd: i32,
    next_port: u16,
}

impl Default for Net {
    fn default() -> Self {
        Net {
            now: 1_700_000_000.0,
            socks: HashMap::new(),
            next_fd: 3,
            next_port: 40000,
        }
    }
}

/// The fake host. Drive an interpreter with [`FakeHost::run`].
pub struct FakeHost {
    pub stdout: String,
    pub stderr: String,
    /// Everything written, in order, tagged by stream (for interleaving checks).
    pub transcript: Vec<(Stream, String)>,
    pub stdin: VecDeque<String>,
    pub files: HashMap<String, Vec<u8>>,
    pub net: Rc<RefCell<Net>>,
    /// Sockets this script created (closed when it exits, as a process's are).
    owned: Vec<i32>,
    pending: Vec<PendingOp>,
    ready: VecDeque<(OpId, Reply)>,
    /// Every op submitted, with where the script was (for execution-model tests).
    pub submitted: Vec<(OpId, Op, Location)>,
    pub cancelled: Vec<OpId>,
}

impl Default for FakeHost {
    fn default() -> Self {
        FakeHost::new("")
    }
}

fn norm_host(h: &str) -> String {
    match h {
        "" | "0.0.0.0" => "0.0.0.0".into(),
        "localhost" | HOSTNAME => "127.0.0.1".into(),
        other => other.into(),
    }
}

fn opt_key(o: SockOpt) -> u8 {
    o as u8
}

impl Net {
    fn ephemeral(&mut self) -> u16 {
        self.next_port += 1;
        self.next_port
    }

    fn port_in_use(&self, kind: Option<SockType>, port: u16, reuse: bool) -> bool {
        self.socks.values().any(|s| {
            let shared = reuse
                && kind == Some(SockType::Dgram)
                && s.opts
                    .get(&opt_key(SockOpt::ReuseAddr))
                    .is_some_and(|v| *v != 0);
            !s.closed
                && !shared
                && s.kind == kind
                && s.local.as_ref().is_some_and(|a| a.port == port)
        })
    }

    /// Find the open socket of `kind` bound to `port` (a listener for TCP).
    fn find_bound(&self, kind: SockType, port: u16, listening: bool) -> Option<i32> {
        self.socks
            .iter()
            .filter(|(_, s)| !s.closed && s.kind == Some(kind) && (!listening || s.listening))
            .find(|(_, s)| {
                s.local.as_ref().is_some_and(|a| a.port == port)
                    && (kind == SockType::Dgram || s.peer_fd.is_none())
            })
            .map(|(fd, _)| *fd)
    }

    fn autobind(&mut self, fd: i32) -> Addr {
        if let Some(a) = self.socks.get(&fd).and_then(|s| s.local.clone()) {
            return a;
        }
        let p = self.ephemeral();
        let a = Addr::new("127.0.0.1", p);
        if let Some(s) = self.socks.get_mut(&fd) {
            s.local = Some(a.clone());
        }
        a
    }

    pub fn readable(&self, fd: i32) -> bool {
        match self.socks.get(&fd) {
            Some(s) => {
                s.closed
                    || !s.inbuf.is_empty()
                    || s.eof
                    || !s.datagrams.is_empty()
                    || !s.backlog.is_empty()
            }
            None => true,
        }
    }

    pub fn try_socket(&mut self, fd: i32, call: &SocketCall) -> Option<Reply> {
        let err = |e: i32, m: &str| {
            Some(Reply::Err(OsError {
                errno: e,
                message: m.into(),
            }))
        };
        if !self.socks.contains_key(&fd) {
            return err(errno::EBADF, "Bad file descriptor");
        }
        let kind = self.socks[&fd].kind;
        match call {
            SocketCall::Bind(a) => {
                let port = if a.port == 0 {
                    self.ephemeral()
                } else {
                    a.port
                };
                let reuse = self.socks[&fd]
                    .opts
                    .get(&opt_key(SockOpt::ReuseAddr))
                    .is_some_and(|v| *v != 0);
                if self.port_in_use(kind, port, reuse) {
                    return err(errno::EADDRINUSE, "Address already in use");
                }
                let local = Addr::new(norm_host(&a.host), port);
                self.socks.get_mut(&fd).expect("sock").local = Some(local.clone());
                Some(Reply::Bound { local })
            }
            SocketCall::Listen { .. } => {
                self.autobind(fd);
                self.socks.get_mut(&fd).expect("sock").listening = true;
                Some(Reply::Done)
            }
            SocketCall::Accept => {
                let s = self.socks.get_mut(&fd).expect("sock");
                let nfd = s.backlog.pop_front()?;
                let n = &self.socks[&nfd];
                Some(Reply::Accepted {
                    sock: SocketHandle(nfd),
                    local: n.local.clone().expect("local"),
                    peer: n.peer.clone().expect("peer"),
                })
            }
            SocketCall::Connect(a) => {
                if kind == Some(SockType::Dgram) {
                    let local = self.autobind(fd);
                    let peer = Addr::new(norm_host(&a.host), a.port);
                    self.socks.get_mut(&fd).expect("sock").peer = Some(peer.clone());
                    return Some(Reply::Connected { local, peer });
                }
                let Some(lfd) = self.find_bound(SockType::Stream, a.port, true) else {
                    return err(errno::ECONNREFUSED, "Connection refused");
                };
                let local = self.autobind(fd);
                let peer = Addr::new("127.0.0.1", a.port);
                let sfd = self.next_fd;
                self.next_fd += 1;
                self.socks.insert(
                    sfd,
                    FakeSock {
                        kind: Some(SockType::Stream),
                        local: Some(peer.clone()),
                        peer: Some(local.clone()),
                        peer_fd: Some(fd),
                        ..Default::default()
                    },
                );
                let s = self.socks.get_mut(&fd).expect("sock");
                s.peer = Some(peer.clone());
                s.peer_fd = Some(sfd);
                self.socks
                    .get_mut(&lfd)
                    .expect("listener")
                    .backlog
                    .push_back(sfd);
                Some(Reply::Connected { local, peer })
            }
            SocketCall::Send(data) | SocketCall::SendAll(data) => {
                if kind == Some(SockType::Dgram) {
                    let Some(peer) = self.socks[&fd].peer.clone() else {
                        return err(errno::EDESTADDRREQ, "Destination address required");
                    };
                    return self.try_socket(fd, &SocketCall::SendTo(data.clone(), peer));
                }
                let Some(pfd) = self.socks[&fd].peer_fd else {
                    return err(errno::ENOTCONN, "Transport endpoint is not connected");
                };
                if self.socks[&fd].write_shut || self.socks[&fd].reset {
                    return err(errno::EPIPE, "Broken pipe");
                }
                match self.socks.get_mut(&pfd) {
                    Some(p) if !p.closed => {
                        p.inbuf.extend_from_slice(data);
                        Some(Reply::Sent(data.len()))
                    }
                    _ => {
                        // Like a kernel: the first send after the peer closed is taken;
                        // the peer's reset makes the next one fail.
                        self.socks.get_mut(&fd).expect("sock").reset = true;
                        Some(Reply::Sent(data.len()))
                    }
                }
            }
            SocketCall::SendTo(data, to) => {
                let from = self.autobind(fd);
                if let Some(dfd) = self.find_bound(SockType::Dgram, to.port, false) {
                    let from = Addr::new(
                        if from.host == "0.0.0.0" {
                            "127.0.0.1".to_string()
                        } else {
                            from.host
                        },
                        from.port,
                    );
                    self.socks
                        .get_mut(&dfd)
                        .expect("sock")
                        .datagrams
                        .push_back((data.clone(), from));
                }
                Some(Reply::Sent(data.len()))
            }
            SocketCall::Recv { max } => {
                let s = self.socks.get_mut(&fd).expect("sock");
                if kind == Some(SockType::Dgram) {
                    let (mut d, _) = s.datagrams.pop_front()?;
                    d.truncate(*max);
                    return Some(Reply::Data(d));
                }
                if !s.inbuf.is_empty() {
                    let n = (*max).min(s.inbuf.len());
                    let d: Vec<u8> = s.inbuf.drain(..n).collect();
                    return Some(Reply::Data(d));
                }
                if s.conn_reset {
                    s.conn_reset = false;
                    return err(errno::ECONNRESET, "Connection reset by peer");
                }
                if s.eof || s.closed {
                    return Some(Reply::Data(Vec::new()));
                }
                None
            }
            SocketCall::RecvFrom { max } => {
                let s = self.socks.get_mut(&fd).expect("sock");
                if kind == Some(SockType::Stream) {
                    let r = self.try_socket(fd, &SocketCall::Recv { max: *max })?;
                    return match r {
                        Reply::Data(d) => Some(Reply::DataFrom(d, Addr::new("0.0.0.0", 0))),
                        other => Some(other),
                    };
                }
                let (mut d, from) = s.datagrams.pop_front()?;
                d.truncate(*max);
                Some(Reply::DataFrom(d, from))
            }
            SocketCall::Shutdown(how) => {
                if matches!(
                    how,
                    crate::host::Shutdown::Write | crate::host::Shutdown::Both
                ) {
                    self.socks.get_mut(&fd).expect("sock").write_shut = true;
                    if let Some(pfd) = self.socks[&fd].peer_fd {
                        if let Some(p) = self.socks.get_mut(&pfd) {
                            p.eof = true;
                        }
                    }
                }
                Some(Reply::Done)
            }
            SocketCall::Close => {
                let pfd = self.socks[&fd].peer_fd;
                let s = self.socks.get_mut(&fd).expect("sock");
                s.closed = true;
                let abortive = s.opts.get(&opt_key(SockOpt::Linger)) == Some(&0);
                if let Some(pfd) = pfd {
                    if let Some(p) = self.socks.get_mut(&pfd) {
                        p.eof = true;
                        if abortive {
                            // A RST: once its buffered data is read, the peer's next
                            // recv fails, and its sends hit a broken pipe.
                            p.conn_reset = true;
                            p.reset = true;
                        }
                    }
                }
                Some(Reply::Done)
            }
            SocketCall::SetOpt { opt, value } => {
                self.socks
                    .get_mut(&fd)
                    .expect("sock")
                    .opts
                    .insert(opt_key(*opt), *value);
                Some(Reply::Done)
            }
            SocketCall::GetOpt { opt } => {
                let s = &self.socks[&fd];
                let v = match opt {
                    SockOpt::Type => kind.map(|k| k.number()).unwrap_or(1),
                    SockOpt::RcvBuf | SockOpt::SndBuf => {
                        *s.opts.get(&opt_key(*opt)).unwrap_or(&65536)
                    }
                    _ => *s.opts.get(&opt_key(*opt)).unwrap_or(&0),
                };
                Some(Reply::Int(v))
            }
        }
    }
}

impl FakeHost {
    pub fn new(stdin: &str) -> FakeHost {
        FakeHost::with_net(stdin, Rc::new(RefCell::new(Net::default())))
    }

    /// A host on a shared network (several scripts talking to each other).
    pub fn with_net(stdin: &str, net: Rc<RefCell<Net>>) -> FakeHost {
        FakeHost {
            stdout: String::new(),
            stderr: String::new(),
            transcript: Vec::new(),
            stdin: stdin.lines().map(String::from).collect(),
            files: HashMap::new(),
            net,
            owned: Vec::new(),
            pending: Vec::new(),
            ready: VecDeque::new(),
            submitted: Vec::new(),
            cancelled: Vec::new(),
        }
    }

    /// Try to answer an op now; `None` = it must wait.
    fn try_op(&mut self, op: &Op) -> Option<Reply> {
        match op {
            Op::Create { kind, .. } => {
                let mut net = self.net.borrow_mut();
                let fd = net.next_fd;
                net.next_fd += 1;
                net.socks.insert(
                    fd,
                    FakeSock {
                        kind: Some(*kind),
                        ..Default::default()
                    },
                );
                Some(Reply::Created(SocketHandle(fd)))
            }
            Op::Input => Some(Reply::Line(self.stdin.pop_front())),
            Op::Sleep { .. } => None,
            Op::Resolve { host } => Some(Reply::Addrs(vec![if host.is_empty() {
                "0.0.0.0".into()
            } else {
                norm_host(host)
            }])),
            Op::Select { read, write, .. } => {
                let net = self.net.borrow();
                let r: Vec<SocketHandle> =
                    read.iter().copied().filter(|h| net.readable(h.0)).collect();
                let w: Vec<SocketHandle> = write.clone();
                if r.is_empty() && w.is_empty() {
                    None
                } else {
                    Some(Reply::Ready { read: r, write: w })
                }
            }
            Op::Socket { sock, call, .. } => self.net.borrow_mut().try_socket(sock.0, call),
        }
    }

    /// Answer every pending op that can be answered now; returns whether any was.
    fn progress(&mut self) -> bool {
        let mut any = false;
        let mut i = 0;
        while i < self.pending.len() {
            let op = self.pending[i].op.clone();
            if let Some(r) = self.try_op(&op) {
                if let Reply::Accepted { sock, .. } = &r {
                    self.owned.push(sock.0);
                }
                let p = self.pending.remove(i);
                self.ready.push_back((p.id, r));
                any = true;
            } else {
                i += 1;
            }
        }
        any
    }

    /// The script ended: its sockets close (peers see EOF) and its ops are dropped.
    pub fn exit(&mut self) {
        let mut net = self.net.borrow_mut();
        for fd in std::mem::take(&mut self.owned) {
            let _ = net.try_socket(fd, &SocketCall::Close);
        }
        self.pending.clear();
    }

    /// The earliest timer deadline among this host's waiting ops.
    pub fn next_deadline(&self) -> Option<f64> {
        self.pending
            .iter()
            .filter_map(|p| p.deadline)
            .min_by(|a, b| a.total_cmp(b))
    }

    /// Hand every answer that is ready to the interpreter; returns how many.
    pub fn deliver(&mut self, interp: &mut Interpreter) -> usize {
        self.progress();
        let mut n = 0;
        while let Some((id, r)) = self.ready.pop_front() {
            interp.complete(id, r);
            n += 1;
        }
        n
    }

    /// Advance the virtual clock to the earliest deadline and fire it.
    pub fn advance_clock(&mut self) -> bool {
        let Some((i, t)) = self
            .pending
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.deadline.map(|d| (i, d)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
        else {
            return false;
        };
        let mut net = self.net.borrow_mut();
        if t > net.now {
            net.now = t;
        }
        drop(net);
        let p = self.pending.remove(i);
        let reply = match p.op {
            Op::Sleep { .. } => Reply::Done,
            Op::Select { .. } => Reply::Ready {
                read: vec![],
                write: vec![],
            },
            _ => Reply::TimedOut,
        };
        self.ready.push_back((p.id, reply));
        true
    }

    /// Run `interp` to the end (or until it deadlocks / exceeds `max_runs` run calls).
    /// Returns the exit code, `None` if every thread waits forever.
    pub fn run(&mut self, interp: &mut Interpreter, max_runs: usize) -> Option<i32> {
        for _ in 0..max_runs {
            match interp.run(self) {
                Status::Exited(c) => return Some(c),
                Status::Yielded | Status::Paused { .. } => {}
                Status::Waiting => {
                    if self.ready.is_empty() && !self.progress() && !self.advance_clock() {
                        return None;
                    }
                }
            }
            while let Some((id, r)) = self.ready.pop_front() {
                interp.complete(id, r);
            }
        }
        None
    }
}

impl Host for FakeHost {
    fn write(&mut self, stream: Stream, text: &str) {
        match stream {
            Stream::Stdout => self.stdout.push_str(text),
            Stream::Stderr => self.stderr.push_str(text),
        }
        self.transcript.push((stream, text.to_string()));
    }

    fn submit(&mut self, id: OpId, op: Op, at: Location) {
        self.submitted.push((id, op.clone(), at));
        let timeout = match &op {
            Op::Socket { timeout, .. } => *timeout,
            Op::Sleep { seconds } => Some(*seconds),
            Op::Select { timeout, .. } => *timeout,
            _ => None,
        };
        let r = self.try_op(&op);
        if let Some(Reply::Created(h)) = &r {
            self.owned.push(h.0);
        }
        if let Some(Reply::Accepted { sock, .. }) = &r {
            self.owned.push(sock.0);
        }
        match r {
            Some(r) => self.ready.push_back((id, r)),
            None => {
                if let (Op::Socket { .. }, Some(t)) = (&op, timeout) {
                    if t == 0.0 {
                        self.ready.push_back((
                            id,
                            Reply::Err(OsError {
                                errno: errno::EAGAIN,
                                message: "Resource temporarily unavailable".into(),
                            }),
                        ));
                        return;
                    }
                }
                let now = self.net.borrow().now;
                let deadline = timeout.map(|t| now + t);
                self.pending.push(PendingOp { id, op, deadline });
            }
        }
    }

    fn cancel(&mut self, id: OpId) {
        self.cancelled.push(id);
        self.pending.retain(|p| p.id != id);
        self.ready.retain(|(i, _)| *i != id);
    }

    fn time(&self) -> f64 {
        self.net.borrow().now
    }

    fn monotonic(&self) -> f64 {
        self.net.borrow().now - 1_700_000_000.0 + 1000.0
    }

    fn hostname(&self) -> String {
        HOSTNAME.into()
    }

    fn read_file(&mut self, path: &str) -> Result<Vec<u8>, OsError> {
        self.files.get(path).cloned().ok_or(OsError {
            errno: errno::ENOENT,
            message: "No such file or directory".into(),
        })
    }

    fn write_file(&mut self, path: &str, data: &[u8], append: bool) -> Result<(), OsError> {
        let f = self.files.entry(path.to_string()).or_default();
        if !append {
            f.clear();
        }
        f.extend_from_slice(data);
        Ok(())
    }

    fn file_exists(&mut self, path: &str) -> bool {
        self.files.contains_key(path)
    }
}

/// What a script printed and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunResult {
    pub stdout: String,
    pub stderr: String,
    /// `None`: the script waited forever (deadlock) or ran too long.
    pub code: Option<i32>,
}

/// One script of a multi-script scenario (a server and its clients).
#[derive(Debug, Clone)]
pub struct Script {
    pub name: String,
    pub source: String,
    pub stdin: String,
    /// A server that never ends by itself: stopped once the others are done.
    pub forever: bool,
}

/// Run scripts on one fake network, starting each once the previous ones wait (a
/// server is listening before its client starts), until every non-`forever` script
/// ends. Results are in script order (`code: None` for stopped or deadlocked ones).
pub fn run_together(scripts: &[Script]) -> Vec<RunResult> {
    run_together_files(scripts, &[]).0
}

/// [`run_together`] with these files in every script's file area; also returns the
/// files the scripts wrote (or changed).
pub fn run_together_files(
    scripts: &[Script],
    files: &[(String, Vec<u8>)],
) -> (Vec<RunResult>, Vec<(String, Vec<u8>)>) {
    let net = Rc::new(RefCell::new(Net::default()));
    let mut hosts: Vec<FakeHost> = Vec::new();
    let mut interps: Vec<Interpreter> = Vec::new();
    let mut codes: Vec<Option<i32>> = Vec::new();
    let mut settled: Vec<bool> = Vec::new();
    // After the last finite script ends, forever-running servers get this much virtual
    // time to print what it caused (run-lessons' `settle`).
    let mut settle_until: Option<f64> = None;
    for _round in 0..200_000 {
        let done = |codes: &Vec<Option<i32>>| {
            codes.len() == scripts.len()
                && scripts
                    .iter()
                    .zip(codes.iter())
                    .all(|(s, c)| s.forever || c.is_some())
        };
        if done(&codes) && settle_until.is_none() {
            settle_until = Some(net.borrow().now + 1.5);
        }
        let mut progressed = false;
        for i in 0..interps.len() {
            if codes[i].is_some() {
                continue;
            }
            match interps[i].run(&mut hosts[i]) {
                Status::Exited(c) => {
                    codes[i] = Some(c);
                    hosts[i].exit();
                    progressed = true;
                }
                Status::Yielded | Status::Paused { .. } => {
                    settled[i] = false;
                    progressed = true;
                }
                Status::Waiting => settled[i] = true,
            }
        }
        for i in 0..interps.len() {
            if codes[i].is_none() && hosts[i].deliver(&mut interps[i]) > 0 {
                settled[i] = false;
                progressed = true;
            }
        }
        if progressed {
            continue;
        }
        if interps.len() < scripts.len() {
            let s = &scripts[interps.len()];
            let mut h = FakeHost::with_net(&s.stdin, net.clone());
            for (n, d) in files {
                h.files.insert(n.clone(), d.clone());
            }
            hosts.push(h);
            interps.push(Interpreter::new(
                &s.source,
                &s.name,
                vec![s.name.clone()],
                Limits::default(),
            ));
            codes.push(None);
            settled.push(false);
            continue;
        }
        // Everyone waits: fire the earliest timer, or give up (deadlock).
        let next = (0..hosts.len())
            .filter(|&i| codes[i].is_none())
            .filter_map(|i| hosts[i].next_deadline().map(|d| (i, d)))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        match next {
            Some((_, d)) if settle_until.is_some_and(|s| d > s) => break,
            Some((i, _)) => {
                hosts[i].advance_clock();
                hosts[i].deliver(&mut interps[i]);
            }
            None => break,
        }
    }
    let mut written = Vec::new();
    for h in &hosts {
        for (n, d) in &h.files {
            if !files.iter().any(|(fname, fd)| fname == n && fd == d) {
                written.push((n.clone(), d.clone()));
            }
        }
    }
    let results = hosts
        .into_iter()
        .zip(codes)
        .map(|(h, code)| RunResult {
            stdout: h.stdout,
            stderr: h.stderr,
            code,
        })
        .collect();
    (results, written)
}

/// Run a script named `test.py` with `stdin` on a fresh fake host.
pub fn run_script(source: &str, stdin: &str) -> RunResult {
    run_script_named(source, "test.py", stdin)
}

/// Run a script with a given file name.
pub fn run_script_named(source: &str, filename: &str, stdin: &str) -> RunResult {
    let mut host = FakeHost::new(stdin);
    let mut interp = Interpreter::new(
        source,
        filename,
        vec![filename.to_string()],
        Limits::default(),
    );
    let code = host.run(&mut interp, 200_000);
    RunResult {
        stdout: host.stdout,
        stderr: host.stderr,
        code,
    }
}
