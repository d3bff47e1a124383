//! What the relay logs about refusals: one line per rule and session, however often a page
//! repeats a refused request (a script in a loop must not flood the instructor's terminal).

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::*;
use socklab_proto::{errno, Addr, Family, Op, SockType};
use socklab_relay::{Config, PolicyMode};

/// A log sink the test can read back.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// The captured lines that report a refusal.
    fn refusals(&self) -> Vec<String> {
        String::from_utf8_lossy(&self.0.lock().unwrap())
            .lines()
            .filter(|l| l.contains("policy refused"))
            .map(str::to_owned)
            .collect()
    }
}

async fn refused_connect(page: &mut Page, sock: u32, host: &str) {
    let s = page.socket(sock, Family::Inet, SockType::Stream).await;
    let r = page
        .request(Op::Connect {
            sock: s,
            addr: Addr::new(host, 9),
            timeout_ms: 0,
        })
        .await;
    assert_eq!(r.map_err(|e| e.errno), Err(errno::EACCES), "{host}");
}

// A current-thread runtime: the relay's tasks run on this thread, so the thread's default
// subscriber sees exactly this test's relay and nothing from other tests.
#[tokio::test(flavor = "current_thread")]
async fn a_refusal_is_logged_once_per_rule_and_session() {
    let log = Captured::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let relay = TestRelay::start(Config {
        policy: PolicyMode::Public,
        ..Config::default()
    })
    .await;
    let mut first = Page::connect(&relay).await;
    for (i, host) in ["127.0.0.1", "127.1", "2130706433", "127.0.0.2"]
        .iter()
        .enumerate()
    {
        refused_connect(&mut first, i as u32 + 1, host).await;
    }
    refused_connect(&mut first, 10, "10.0.0.1").await;
    refused_connect(&mut first, 11, "10.1.2.3").await;
    let lines = log.refusals();
    assert_eq!(lines.len(), 2, "one line per rule: {lines:#?}");
    assert!(
        lines[0].contains("rule=\"loopback\"") && lines[0].contains("127.0.0.1:9"),
        "{lines:#?}"
    );
    assert!(lines[1].contains("rule=\"private\""), "{lines:#?}");

    // Another session refused by the same rule gets its own line.
    let mut second = Page::connect(&relay).await;
    refused_connect(&mut second, 1, "127.0.0.1").await;
    let lines = log.refusals();
    assert_eq!(lines.len(), 3, "{lines:#?}");
    let session = |line: &str| {
        line.split_whitespace()
            .find_map(|w| w.strip_prefix("session="))
            .map(str::to_owned)
    };
    assert!(lines[2].contains("rule=\"loopback\""), "{lines:#?}");
    assert_ne!(session(&lines[0]), None, "{lines:#?}");
    assert_ne!(session(&lines[0]), session(&lines[2]), "{lines:#?}");
}
