//! Relay counters, rendered as Prometheus text at `/metrics`.

use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use crate::policy::Rule;

/// The kinds of socket counted separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SockKind {
    /// Created, not yet connected or listening.
    Unconnected,
    TcpListener,
    TcpStream,
    Udp,
}

impl SockKind {
    const ALL: [SockKind; 4] = [
        SockKind::Unconnected,
        SockKind::TcpListener,
        SockKind::TcpStream,
        SockKind::Udp,
    ];
    fn name(self) -> &'static str {
        match self {
            SockKind::Unconnected => "unconnected",
            SockKind::TcpListener => "tcp_listener",
            SockKind::TcpStream => "tcp_stream",
            SockKind::Udp => "udp",
        }
    }
}

/// All counters; cheap atomics, shared by every session.
#[derive(Debug, Default)]
pub struct Metrics {
    pub sessions_active: AtomicI64,
    pub sessions_total: AtomicU64,
    pub sessions_rejected: AtomicU64,
    sockets: [AtomicI64; 4],
    pub bytes_to_page: AtomicU64,
    pub bytes_from_page: AtomicU64,
    pub datagrams_to_page: AtomicU64,
    pub datagrams_from_page: AtomicU64,
    pub bad_frames: AtomicU64,
    refusals: [AtomicU64; Rule::ALL.len()],
}

impl Metrics {
    pub fn socket_opened(&self, kind: SockKind) {
        self.sockets[kind as usize].fetch_add(1, Ordering::Relaxed);
    }
    pub fn socket_closed(&self, kind: SockKind) {
        self.sockets[kind as usize].fetch_sub(1, Ordering::Relaxed);
    }
    pub fn sockets(&self, kind: SockKind) -> i64 {
        self.sockets[kind as usize].load(Ordering::Relaxed)
    }
    pub fn refused(&self, rule: Rule) {
        self.refusals[rule.index()].fetch_add(1, Ordering::Relaxed);
    }
    pub fn refusals(&self, rule: Rule) -> u64 {
        self.refusals[rule.index()].load(Ordering::Relaxed)
    }

    /// Prometheus text exposition format.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let r = Ordering::Relaxed;
        let mut one = |name: &str, kind: &str, help: &str, v: String| {
            let _ = writeln!(s, "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {v}");
        };
        one(
            "socklab_sessions",
            "gauge",
            "Open relay sessions (WebSockets).",
            self.sessions_active.load(r).to_string(),
        );
        one(
            "socklab_sessions_total",
            "counter",
            "Sessions accepted since start.",
            self.sessions_total.load(r).to_string(),
        );
        one(
            "socklab_sessions_rejected_total",
            "counter",
            "Session upgrades refused (origin, caps).",
            self.sessions_rejected.load(r).to_string(),
        );
        one(
            "socklab_bytes_to_page_total",
            "counter",
            "Payload bytes read from sockets and sent to pages.",
            self.bytes_to_page.load(r).to_string(),
        );
        one(
            "socklab_bytes_from_page_total",
            "counter",
            "Payload bytes received from pages for sockets.",
            self.bytes_from_page.load(r).to_string(),
        );
        one(
            "socklab_datagrams_to_page_total",
            "counter",
            "UDP datagrams delivered to pages.",
            self.datagrams_to_page.load(r).to_string(),
        );
        one(
            "socklab_datagrams_from_page_total",
            "counter",
            "UDP datagrams sent for pages.",
            self.datagrams_from_page.load(r).to_string(),
        );
        one(
            "socklab_bad_frames_total",
            "counter",
            "Frames from pages that could not be decoded.",
            self.bad_frames.load(r).to_string(),
        );
        let _ = writeln!(
            s,
            "# HELP socklab_sockets Open sockets by kind.\n# TYPE socklab_sockets gauge"
        );
        for k in SockKind::ALL {
            let _ = writeln!(
                s,
                "socklab_sockets{{kind=\"{}\"}} {}",
                k.name(),
                self.sockets(k)
            );
        }
        let _ = writeln!(
            s,
            "# HELP socklab_refusals_total Operations refused by policy, by rule.\n# TYPE socklab_refusals_total counter"
        );
        for rule in Rule::ALL {
            let _ = writeln!(
                s,
                "socklab_refusals_total{{rule=\"{}\"}} {}",
                rule.name(),
                self.refusals(rule)
            );
        }
        s
    }
}
