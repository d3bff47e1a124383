//! The relay connection: one WebSocket carrying every pane's sockets, driven by the
//! sans-IO `socklab_client::Engine`. Reconnects with a growing delay when the relay goes away.

use socklab_client::{Engine, ScriptId, WireEvent, WireEventKind};
use socklab_lang::host::{Location, Op, OpId, SocketHandle};
use wasm_bindgen::JsCast;
use web_sys::{BinaryType, MessageEvent, WebSocket};

use crate::app::Msg;
use crate::dom::{window, Dispatch, Listener};
use crate::net::{Net, NetEvent, NetOutput};
use crate::wire::{Arrival, ProcId};

pub struct RelayNet {
    url: String,
    dispatch: Dispatch,
    engine: Engine,
    ws: Option<WebSocket>,
    open: bool,
    /// Failed attempts in a row, for the reconnect delay.
    failures: u32,
    /// The deadline a timer is already set for.
    timer_at: Option<f64>,
    output: Vec<NetOutput>,
    _listeners: Vec<Listener>,
}

fn now() -> f64 {
    window().performance().map_or(0.0, |p| p.now() / 1000.0)
}

/// The relay the page uses: `?relay=ws(s)://...`, else `/ws` on the page's own host.
pub fn relay_url() -> String {
    let location = window().location();
    let search = location.search().unwrap_or_default();
    if let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) {
        if let Some(url) = params.get("relay") {
            return url;
        }
    }
    let scheme = if location.protocol().unwrap_or_default() == "https:" {
        "wss"
    } else {
        "ws"
    };
    format!("{scheme}://{}/ws", location.host().unwrap_or_default())
}

impl RelayNet {
    pub fn new(url: String, dispatch: Dispatch) -> RelayNet {
        let mut net = RelayNet {
            url,
            dispatch,
            engine: Engine::new(socklab_client::Config::default()),
            ws: None,
            open: false,
            failures: 0,
            timer_at: None,
            output: Vec::new(),
            _listeners: Vec::new(),
        };
        net.connect();
        net
    }

    fn connect(&mut self) {
        self.engine = Engine::new(socklab_client::Config::default());
        self.open = false;
        let ws = match WebSocket::new(&self.url) {
            Ok(ws) => ws,
            Err(_) => {
                self.schedule_reconnect();
                return;
            }
        };
        ws.set_binary_type(BinaryType::Arraybuffer);
        let d = &self.dispatch;
        self._listeners = vec![
            Listener::new(&ws, "open", d, |_| Some(Msg::Net(NetEvent::Open))),
            Listener::new(&ws, "message", d, |e| {
                let e: &MessageEvent = e.unchecked_ref();
                let buf = e.data().dyn_into::<js_sys::ArrayBuffer>().ok()?;
                Some(Msg::Net(NetEvent::Frame(
                    js_sys::Uint8Array::new(&buf).to_vec(),
                )))
            }),
            Listener::new(&ws, "close", d, |_| Some(Msg::Net(NetEvent::Closed))),
        ];
        self.ws = Some(ws);
    }

    fn schedule_reconnect(&mut self) {
        self.failures += 1;
        let ms = (500 * 2i32.pow(self.failures.min(4))).min(8000);
        self.dispatch.later(ms, Msg::Net(NetEvent::Reconnect));
    }

    /// Move the engine's output: frames to the socket, completions to the app, and a timer
    /// for the nearest op timeout.
    fn pump(&mut self) {
        if self.open {
            if let Some(ws) = &self.ws {
                while let Some(frame) = self.engine.poll_transmit() {
                    if ws.send_with_u8_array(&frame).is_err() {
                        break;
                    }
                }
            }
        }
        // The app draws the script's calls from ops and replies; of the engine's events it
        // needs only what the network did by itself. Those come first: the engine reports
        // what a frame brought before the ops it completes.
        while let Some(event) = self.engine.poll_event() {
            if let Some((proc, sock, what)) = arrival(event) {
                self.output.push(NetOutput::Arrived(proc, sock, what));
            }
        }
        while let Some((script, id, reply)) = self.engine.poll_completion() {
            self.output.push(NetOutput::Completed(script.0, id, reply));
        }
        if let Some(deadline) = self.engine.next_deadline() {
            if self.timer_at.is_none_or(|t| deadline < t) {
                self.timer_at = Some(deadline);
                let ms = ((deadline - now()) * 1000.0).ceil().max(0.0) as i32;
                self.dispatch.later(ms, Msg::Net(NetEvent::Timer));
            }
        }
    }
}

impl Net for RelayNet {
    fn submit(&mut self, proc: ProcId, id: OpId, op: Op, at: Location) {
        self.engine.submit(ScriptId(proc), id, op, at, now());
        self.pump();
    }

    fn cancel(&mut self, proc: ProcId, id: OpId) {
        self.engine.cancel(ScriptId(proc), id);
        self.pump();
    }

    fn exit(&mut self, proc: ProcId) {
        self.engine.end_script(ScriptId(proc));
        self.pump();
    }

    fn take_output(&mut self) -> Vec<NetOutput> {
        std::mem::take(&mut self.output)
    }

    fn handle(&mut self, event: NetEvent) -> Option<&'static str> {
        let status = match event {
            NetEvent::Open => {
                self.open = true;
                None
            }
            NetEvent::Frame(frame) => {
                let was_ready = self.engine.is_ready();
                if let Err(e) = self.engine.receive(&frame) {
                    // A frame the engine cannot use changes nothing; say so where developers look.
                    crate::dom::log_error(&format!("socklab relay frame: {e}"));
                }
                if !was_ready && self.engine.is_ready() {
                    self.failures = 0;
                    Some("relay_ok")
                } else {
                    None
                }
            }
            NetEvent::Closed => {
                self.open = false;
                self.ws = None;
                self._listeners.clear();
                self.engine.disconnected();
                self.schedule_reconnect();
                Some("relay_gone")
            }
            NetEvent::Timer => {
                self.timer_at = None;
                self.engine.handle_timeout(now());
                None
            }
            NetEvent::Reconnect => {
                self.connect();
                Some("relay_connecting")
            }
        };
        self.pump();
        status
    }

    fn hostname(&self) -> String {
        self.engine.hostname().unwrap_or("localhost").to_string()
    }
}

/// The engine's events that no call of the script caused, as the wire log takes them.
fn arrival(event: WireEvent) -> Option<(ProcId, SocketHandle, Arrival)> {
    if event.at.is_some() {
        return None;
    }
    let what = match event.kind {
        WireEventKind::Arrived { data } => Arrival::Bytes(data),
        WireEventKind::DatagramArrived { from, data } => Arrival::Datagram { from, data },
        WireEventKind::Incoming => Arrival::Incoming,
        WireEventKind::PeerEof => Arrival::PeerClosed,
        WireEventKind::SocketError { error } => Arrival::Error(error),
        _ => return None,
    };
    Some((event.script.0, SocketHandle(event.fd), what))
}
