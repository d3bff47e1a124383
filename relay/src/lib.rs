//! The socklab relay: real TCP and UDP sockets for pages, over one WebSocket per page.
//!
//! Layout:
//! - `server` — shared [`Relay`] state, the axum [`router`], [`serve`];
//! - `session` — one WebSocket: handshake, the op loop, the outgoing queue;
//! - `ws` — the WebSocket frames themselves (RFC 6455, server side);
//! - `sockets` — per-socket tasks (TCP reader/writer, acceptor, UDP reader);
//! - `policy` — address normalisation and the destination/listen rules;
//! - `flow` — receive credit and rate limits; `metrics` — `/metrics`;
//! - `config` — [`Config`], the `socklab serve` flags;
//! - `run` — `socklab run script.py` (the terminal runner).
//!
//! ```no_run
//! # async fn demo() -> Result<(), socklab_relay::ServeError> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let shutdown = tokio_util::sync::CancellationToken::new();
//! socklab_relay::serve(listener, socklab_relay::Config::default(), shutdown).await
//! # }
//! ```

pub mod config;
pub mod flow;
pub mod metrics;
pub mod policy;
pub mod run;
mod server;
mod session;
mod sockets;
pub mod ws;

pub use config::{Config, PolicyMode};
pub use server::{router, serve, Relay, ServeError};
pub use session::INITIAL_SEND_CREDIT;
