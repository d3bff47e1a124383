//! Where scripts' socket ops go: the relay over a WebSocket ([`crate::relay_net`]), or an
//! in-page simulation ([`crate::mock`]).
//!
//! Both are sans-IO from the app's point of view: ops go in with [`Net::submit`], network
//! happenings (a WebSocket frame, a timer) with [`Net::handle`], and completions come out of
//! [`Net::take_completions`] whenever the app asks, after each message it handled.

use socklab_lang::host::{Location, Op, OpId, Reply, SocketHandle};

use crate::wire::{Arrival, ProcId};

/// Something the network side reports to the app (through a `Msg`).
#[derive(Debug)]
pub enum NetEvent {
    Open,
    Frame(Vec<u8>),
    Closed,
    /// A timeout deadline passed.
    Timer,
    /// Time to try the relay again.
    Reconnect,
}

pub trait Net {
    /// Start a socket op (or `Create`, `Resolve`, `Select`) for a script.
    fn submit(&mut self, proc: ProcId, id: OpId, op: Op, at: Location);
    /// The script no longer waits for `id`.
    fn cancel(&mut self, proc: ProcId, id: OpId);
    /// The script ended: close every socket it still has, as process exit would.
    fn exit(&mut self, proc: ProcId);
    /// Completions ready now.
    fn take_completions(&mut self) -> Vec<(ProcId, OpId, Reply)>;
    /// What the network did by itself since the last call (bytes or a connection arriving,
    /// the peer's FIN, a reset), in order. The app takes these before the completions, which
    /// they may have caused (data arriving completes a waiting `recv`).
    fn take_arrivals(&mut self) -> Vec<(ProcId, SocketHandle, Arrival)> {
        Vec::new()
    }
    /// Handle a network happening; returns the new status text key if it changed.
    fn handle(&mut self, event: NetEvent) -> Option<&'static str> {
        let _ = event;
        None
    }
    /// What `socket.gethostname()` returns.
    fn hostname(&self) -> String {
        "localhost".to_string()
    }
}
