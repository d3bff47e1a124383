//! Where scripts' socket ops go: the relay over a WebSocket, or an in-page simulation.
//!
//! Both are sans-IO from the app's point of view: ops go in with [`Net::submit`], and
//! completions come out of [`Net::take_completions`] whenever the app asks (after it
//! handled a message, e.g. a WebSocket frame).

use socklab_lang::host::{Op, OpId, Reply};

use crate::wire::ProcId;

pub trait Net {
    /// Start a socket op (or `Create`, `Resolve`, `Select`) for a script.
    fn submit(&mut self, proc: ProcId, id: OpId, op: Op);
    /// The script no longer waits for `id`.
    fn cancel(&mut self, proc: ProcId, id: OpId);
    /// The script ended: close every socket it still has, as process exit would.
    fn exit(&mut self, proc: ProcId);
    /// Completions ready now.
    fn take_completions(&mut self) -> Vec<(ProcId, OpId, Reply)>;
}
