//! Where scripts' socket ops go: the relay over a WebSocket ([`crate::relay_net`]), or an
//! in-page simulation ([`crate::mock`]).
//!
//! Both are sans-IO from the app's point of view: ops go in with [`Net::submit`], network
//! happenings (a WebSocket frame, a timer) with [`Net::handle`], and completions and arrivals
//! come out of [`Net::take_output`], in the order they happened, whenever the app asks, after
//! each message it handled.

use socklab_lang::host::{Location, Op, OpId, Reply, SocketHandle};

use crate::wire::{Arrival, ProcId};

/// What the app learns from the network.
#[derive(Debug)]
pub enum NetOutput {
    /// An op finished.
    Completed(ProcId, OpId, Reply),
    /// The network did something by itself on a socket (bytes or a connection arriving, the
    /// peer's FIN, a reset).
    Arrived(ProcId, SocketHandle, Arrival),
}

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
    /// Completions and arrivals ready now, in the order they happened: data arriving comes
    /// before the `recv` it completes, and after the `send` that sent it.
    fn take_output(&mut self) -> Vec<NetOutput>;
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
