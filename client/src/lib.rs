//! socklab's client-side socket engine, shared by the page (wasm) and `socklab run` (native).
//!
//! Scripts ask for sockets through `socklab_lang::host::Op`s; the [`Engine`] turns them into
//! `socklab_proto` frames for the relay and turns the relay's frames back into
//! `socklab_lang::host::Reply`s, with CPython's semantics (blocking `send` waits for credit,
//! `recv` returns what is buffered, UDP keeps datagram boundaries, timeouts, EAGAIN...). It
//! does no I/O and reads no clock, so one engine serves several scripts over one WebSocket
//! however the host moves the bytes:
//!
//! ```
//! use socklab_client::{Config, Engine, ScriptId};
//! use socklab_lang::host::{Family, Location, Op, SockType};
//! let mut engine = Engine::new(Config::default());
//! let hello = engine.poll_transmit().unwrap(); // the Hello frame: send it to the relay
//! # let _ = hello;
//! let at = Location { thread: 0, line: 2 };
//! let create = Op::Create { family: Family::Inet, kind: SockType::Stream };
//! engine.submit(ScriptId(1), 1, create, at, 0.0);
//! assert!(engine.poll_transmit().is_some()); // the Socket request
//! // ... feed relay frames to `receive`, then drain `poll_completion` and `poll_event`.
//! ```
//!
//! Layout: `engine.rs` (the engine), `event.rs` (wire-diagram events).

mod engine;
mod event;

pub use engine::{Config, Engine, EngineError, LOST_MESSAGE, RECV_WINDOW};
pub use event::{ScriptId, WireEvent, WireEventKind};
