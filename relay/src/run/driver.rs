//! The runner's event loop: interpreters, the shared socket engine, one relay WebSocket, timers and stdin.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use futures_util::{SinkExt, StreamExt};
use socklab_client::{Config as EngineConfig, Engine, ScriptId, WireEventKind};
use socklab_lang::host::{OpId, Reply, SockType, Stream};
use socklab_lang::{Interpreter, Limits, Status};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::host::{FileArea, LocalOp, Output, ScriptHost};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Where a script's `input()` lines come from.
#[derive(Debug)]
pub enum Input {
    /// The process's standard input.
    Terminal,
    /// Fixed lines (a lesson's sample input), then EOF.
    Lines(VecDeque<String>),
}

impl Input {
    pub fn sample(text: &str) -> Input {
        Input::Lines(text.lines().map(String::from).collect())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Runnable,
    Waiting,
    Exited(i32),
}

/// One script being run.
struct ScriptRun {
    interp: Interpreter,
    state: State,
    inbox: VecDeque<(OpId, Reply)>,
    local: Vec<LocalOp>,
    input: Input,
    input_waiters: VecDeque<OpId>,
    out: Output,
    interrupted: bool,
    /// fd → socket type and bound port, to tell when a server is ready.
    kinds: HashMap<i32, SockType>,
    ports: HashMap<i32, u16>,
}

/// A port a script made ready: a TCP listener or a bound UDP socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ready {
    Tcp(u16),
    Udp(u16),
}

/// Scripts over one engine and one relay connection.
pub struct Driver {
    engine: Engine,
    ws: Ws,
    start: Instant,
    files: FileArea,
    scripts: BTreeMap<ScriptId, ScriptRun>,
    next_script: u32,
    sleeps: BTreeMap<(Duration, u64), (ScriptId, OpId)>,
    next_sleep: u64,
    stdin: Option<mpsc::UnboundedReceiver<Option<String>>>,
    stdin_lines: VecDeque<Option<String>>,
    ready: HashSet<Ready>,
    interrupts: u32,
    sigint: Option<tokio::signal::unix::Signal>,
}

impl Driver {
    /// Connects to the relay and waits for its Welcome (scripts need its host name).
    pub async fn connect(url: &str, token: &str, files: PathBuf) -> anyhow::Result<Driver> {
        let (ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .with_context(|| format!("connecting to the relay at {url}"))?;
        let engine = Engine::new(EngineConfig {
            token: token.to_string(),
            ..EngineConfig::default()
        });
        let mut driver = Driver {
            engine,
            ws,
            start: Instant::now(),
            files: FileArea::new(files),
            scripts: BTreeMap::new(),
            next_script: 1,
            sleeps: BTreeMap::new(),
            next_sleep: 0,
            stdin: None,
            stdin_lines: VecDeque::new(),
            ready: HashSet::new(),
            interrupts: 0,
            sigint: tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok(),
        };
        driver.flush().await?;
        let welcome = tokio::time::timeout(Duration::from_secs(10), async {
            while !driver.engine.is_ready() {
                match driver.ws.next().await {
                    Some(Ok(Message::Binary(frame))) => driver
                        .engine
                        .receive(&frame)
                        .context("the relay's first frame")?,
                    Some(Ok(Message::Close(Some(close)))) => {
                        anyhow::bail!("the relay refused the session: {}", close.reason)
                    }
                    Some(Ok(_)) => {}
                    Some(Err(e)) => return Err(e).context("reading the relay's Welcome"),
                    None => anyhow::bail!("the relay closed the connection before its Welcome"),
                }
            }
            Ok(())
        })
        .await;
        welcome.context("waiting for the relay's Welcome")??;
        Ok(driver)
    }

    /// Starts a script; it runs as the driver runs.
    pub fn spawn(
        &mut self,
        source: &str,
        filename: &str,
        argv: Vec<String>,
        input: Input,
        prefix: Option<String>,
    ) -> ScriptId {
        let id = ScriptId(self.next_script);
        self.next_script += 1;
        let interp = Interpreter::new(source, filename, argv, Limits::default());
        self.scripts.insert(
            id,
            ScriptRun {
                interp,
                state: State::Runnable,
                inbox: VecDeque::new(),
                local: Vec::new(),
                input,
                input_waiters: VecDeque::new(),
                out: Output::new(prefix),
                interrupted: false,
                kinds: HashMap::new(),
                ports: HashMap::new(),
            },
        );
        id
    }

    /// The exit status of a script that ended (130 after Ctrl-C, as CPython).
    pub fn exit_code(&self, script: ScriptId) -> Option<i32> {
        let run = self.scripts.get(&script)?;
        match run.state {
            State::Exited(1) if run.interrupted => {
                let by_interrupt = run
                    .interp
                    .error()
                    .is_some_and(|(_, msg)| msg.starts_with("KeyboardInterrupt"));
                Some(if by_interrupt { 130 } else { 1 })
            }
            State::Exited(code) => Some(code),
            _ => None,
        }
    }

    /// The last line of the uncaught exception a script ended with.
    pub fn error(&self, script: ScriptId) -> Option<String> {
        self.scripts.get(&script)?.interp.error().map(|(_, m)| m)
    }

    pub fn is_ready(&self, ready: Ready) -> bool {
        self.ready.contains(&ready)
    }

    /// Stops a script where it is, as SIGTERM stops a process: its sockets are closed.
    pub fn stop(&mut self, script: ScriptId) {
        if let Some(run) = self.scripts.get_mut(&script) {
            if !matches!(run.state, State::Exited(_)) {
                run.state = State::Exited(-15);
                self.engine.end_script(script);
            }
        }
    }

    /// Runs until `done` holds or `limit` passes; returns whether `done` held.
    pub async fn run_until(
        &mut self,
        mut done: impl FnMut(&Driver) -> bool,
        limit: Option<Instant>,
    ) -> anyhow::Result<bool> {
        loop {
            self.step();
            self.flush().await?;
            if done(self) {
                return Ok(true);
            }
            let now = Instant::now();
            if limit.is_some_and(|l| l <= now) {
                return Ok(false);
            }
            let busy = self.any_runnable();
            let wake = [
                self.engine
                    .next_deadline()
                    .map(|d| self.start + Duration::from_secs_f64(d.max(0.0))),
                self.sleeps.keys().next().map(|(d, _)| self.start + *d),
                limit,
            ]
            .into_iter()
            .flatten()
            .min();
            let want_stdin = self.stdin.is_some() && self.wants_terminal_input();
            tokio::select! {
                biased;
                Some(()) = recv_signal(&mut self.sigint) => self.on_interrupt(),
                line = recv_line(&mut self.stdin), if want_stdin => self.on_stdin(line),
                msg = self.ws.next(), if !self.engine.is_lost() => self.on_ws(msg),
                () = sleep_until(wake), if wake.is_some() && !busy => {}
                () = tokio::task::yield_now(), if busy => {}
            }
            self.fire_timers();
        }
    }

    pub fn exited(&self, script: ScriptId) -> bool {
        self.exit_code(script).is_some()
    }

    /// Waits (at most `limit`) until the relay has written everything scripts sent and
    /// closed their sockets, as the kernel finishes a CPython process's sends after exit.
    pub async fn drain(&mut self, limit: Duration) -> anyhow::Result<()> {
        let until = Instant::now() + limit;
        self.run_until(|d| d.engine.is_flushed(), Some(until))
            .await?;
        let _ = self.ws.close(None).await;
        Ok(())
    }

    // ---- one turn ----

    fn step(&mut self) {
        self.route();
        let ids: Vec<ScriptId> = self.scripts.keys().copied().collect();
        for id in ids {
            let run = self.scripts.get_mut(&id).expect("listed");
            if matches!(run.state, State::Exited(_)) {
                continue;
            }
            for (op, reply) in run.inbox.drain(..) {
                run.interp.complete(op, reply);
                run.state = State::Runnable;
            }
            if run.state != State::Runnable {
                continue;
            }
            let mut host = ScriptHost {
                script: id,
                engine: &mut self.engine,
                out: &mut run.out,
                files: &self.files,
                local: &mut run.local,
                start: self.start,
            };
            let status = run.interp.run(&mut host);
            run.state = match status {
                Status::Yielded | Status::Paused { .. } => State::Runnable,
                Status::Waiting => State::Waiting,
                Status::Exited(code) => State::Exited(code),
            };
            self.local_ops(id);
            if matches!(status, Status::Exited(_)) {
                self.engine.end_script(id);
            }
        }
        self.route();
        self.serve_inputs();
    }

    /// Engine completions to their scripts; engine events to the readiness table.
    fn route(&mut self) {
        while let Some((script, op, reply)) = self.engine.poll_completion() {
            if let Some(run) = self.scripts.get_mut(&script) {
                run.inbox.push_back((op, reply));
            }
        }
        while let Some(event) = self.engine.poll_event() {
            let Some(run) = self.scripts.get_mut(&event.script) else {
                continue;
            };
            match event.kind {
                WireEventKind::Created { kind, .. } => {
                    run.kinds.insert(event.fd, kind);
                    run.ports.remove(&event.fd);
                }
                WireEventKind::Bound { local } => {
                    run.ports.insert(event.fd, local.port);
                    if run.kinds.get(&event.fd) == Some(&SockType::Dgram) {
                        self.ready.insert(Ready::Udp(local.port));
                    }
                }
                WireEventKind::Listening { .. } => {
                    if let Some(&port) = run.ports.get(&event.fd) {
                        self.ready.insert(Ready::Tcp(port));
                    }
                }
                _ => {}
            }
        }
    }

    fn local_ops(&mut self, id: ScriptId) {
        let run = self.scripts.get_mut(&id).expect("listed");
        let now = self.start.elapsed();
        for op in std::mem::take(&mut run.local) {
            match op {
                LocalOp::Sleep { id: op, seconds } => {
                    let at = now
                        + Duration::try_from_secs_f64(seconds.max(0.0))
                            .unwrap_or(Duration::MAX / 4);
                    self.sleeps.insert((at, self.next_sleep), (id, op));
                    self.next_sleep += 1;
                }
                LocalOp::Input { id: op } => run.input_waiters.push_back(op),
                LocalOp::Cancel { id: op } => {
                    run.input_waiters.retain(|w| *w != op);
                    self.sleeps.retain(|_, (s, o)| !(*s == id && *o == op));
                }
            }
        }
    }

    fn serve_inputs(&mut self) {
        for run in self.scripts.values_mut() {
            while let Some(&op) = run.input_waiters.front() {
                let line = match &mut run.input {
                    Input::Lines(lines) => lines.pop_front(),
                    Input::Terminal => match self.stdin_lines.front() {
                        Some(None) => None,
                        Some(Some(_)) => self.stdin_lines.pop_front().flatten(),
                        None => break,
                    },
                };
                run.input_waiters.pop_front();
                run.inbox.push_back((op, Reply::Line(line)));
            }
        }
        if self.wants_terminal_input() && self.stdin.is_none() {
            self.stdin = Some(spawn_stdin_reader());
        }
    }

    fn wants_terminal_input(&self) -> bool {
        self.scripts.values().any(|r| {
            matches!(r.input, Input::Terminal)
                && !r.input_waiters.is_empty()
                && !matches!(r.state, State::Exited(_))
        })
    }

    fn any_runnable(&self) -> bool {
        self.scripts.values().any(|r| {
            !matches!(r.state, State::Exited(_))
                && (r.state == State::Runnable || !r.inbox.is_empty())
        })
    }

    fn fire_timers(&mut self) {
        let now = self.start.elapsed();
        while let Some(entry) = self.sleeps.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let (script, op) = entry.remove();
            if let Some(run) = self.scripts.get_mut(&script) {
                run.inbox.push_back((op, Reply::Done));
            }
        }
        self.engine.handle_timeout(now.as_secs_f64());
    }

    fn on_ws(&mut self, msg: Option<Result<Message, tokio_tungstenite::tungstenite::Error>>) {
        match msg {
            Some(Ok(Message::Binary(frame))) => {
                if let Err(e) = self.engine.receive(&frame) {
                    self.report(&format!("socklab: bad frame from the relay: {e}\n"));
                    self.engine.disconnected();
                }
            }
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => self.engine.disconnected(),
            Some(Ok(_)) => {}
        }
    }

    fn on_stdin(&mut self, line: Option<Option<String>>) {
        match line {
            Some(line) => self.stdin_lines.push_back(line),
            // The reader thread ended: EOF from now on.
            None => {
                self.stdin_lines.push_back(None);
                self.stdin = None;
            }
        }
    }

    fn on_interrupt(&mut self) {
        self.interrupts += 1;
        if self.interrupts > 1 {
            // A second Ctrl-C: the script did not stop; leave now, as CPython's
            // default handler would on a hung interpreter.
            std::process::exit(130);
        }
        for run in self.scripts.values_mut() {
            if !matches!(run.state, State::Exited(_)) {
                run.interp.interrupt();
                run.interrupted = true;
                run.state = State::Runnable;
            }
        }
    }

    fn report(&self, text: &str) {
        Output::new(None).write(Stream::Stderr, text);
    }

    async fn flush(&mut self) -> anyhow::Result<()> {
        let mut any = false;
        while let Some(frame) = self.engine.poll_transmit() {
            any = true;
            if self.ws.feed(Message::Binary(frame.into())).await.is_err() {
                self.engine.disconnected();
                return Ok(());
            }
        }
        if any && self.ws.flush().await.is_err() {
            self.engine.disconnected();
        }
        Ok(())
    }
}

async fn recv_signal(sig: &mut Option<tokio::signal::unix::Signal>) -> Option<()> {
    match sig {
        Some(s) => s.recv().await,
        None => std::future::pending().await,
    }
}

async fn recv_line(
    rx: &mut Option<mpsc::UnboundedReceiver<Option<String>>>,
) -> Option<Option<String>> {
    match rx {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at.into()).await,
        None => std::future::pending().await,
    }
}

/// Standard input is read by a plain thread (reads block), one line at a time, without the
/// line end (`\n` or `\r\n`, as CPython's text mode gives it). `None` is EOF.
fn spawn_stdin_reader() -> mpsc::UnboundedReceiver<Option<String>> {
    let (tx, rx) = mpsc::unbounded_channel();
    std::thread::Builder::new()
        .name("stdin".into())
        .spawn(move || {
            use std::io::BufRead;
            let stdin = std::io::stdin();
            let mut lock = stdin.lock();
            loop {
                let mut buf = Vec::new();
                match lock.read_until(b'\n', &mut buf) {
                    Ok(0) | Err(_) => {
                        let _ = tx.send(None);
                        return;
                    }
                    Ok(_) => {
                        if buf.ends_with(b"\n") {
                            buf.pop();
                            if buf.ends_with(b"\r") {
                                buf.pop();
                            }
                        }
                        let line = String::from_utf8_lossy(&buf).into_owned();
                        if tx.send(Some(line)).is_err() {
                            return;
                        }
                    }
                }
            }
        })
        .expect("spawning the stdin reader");
    rx
}
