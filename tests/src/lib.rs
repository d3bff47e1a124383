//! Shared helpers for socklab end-to-end tests: an in-process relay on a free port, and a
//! headless Chromium driven through Debian's chromedriver.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! let relay = socklab_tests::Relay::start(socklab_relay::Config::default()).await?;
//! let browser = socklab_tests::Browser::start().await?;
//! browser.client.goto(&relay.url("/#lesson=01-tcp-echo")).await?;
//! # Ok(()) }
//! ```

use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// `socklab serve` in this process, on 127.0.0.1 and a port the OS picked.
pub struct Relay {
    pub addr: SocketAddr,
    shutdown: CancellationToken,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Relay {
    /// Serve the page from `www/` (it must have been built: `cargo xtask build-web`).
    pub async fn start(config: socklab_relay::Config) -> Result<Relay> {
        Relay::start_at(config, "127.0.0.1:0".parse()?).await
    }

    /// As [`Relay::start`], on a given address (to restart a relay where a page expects it).
    pub async fn start_at(mut config: socklab_relay::Config, addr: SocketAddr) -> Result<Relay> {
        let pkg = root().join("www/pkg/socklab_web_bg.wasm");
        if !pkg.exists() {
            bail!(
                "{} is missing: run `cargo xtask build-web` (or `cargo xtask test`) first",
                pkg.display()
            );
        }
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        config.listen = addr;
        let shutdown = CancellationToken::new();
        let token = shutdown.clone();
        let task = tokio::spawn(async move {
            if let Err(e) = socklab_relay::serve(listener, config, token).await {
                eprintln!("relay stopped with an error: {e}");
            }
        });
        Ok(Relay {
            addr,
            shutdown,
            task: Some(task),
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Stop serving and wait for every session to close.
    pub async fn stop(mut self) {
        self.shutdown.cancel();
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(10), task).await;
        }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// A chromedriver we started, and a WebDriver session on a fresh headless Chromium.
pub struct Browser {
    pub client: fantoccini::Client,
    driver: Child,
    _profile: TempDir,
}

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

impl Browser {
    pub async fn start() -> Result<Browser> {
        for path in [CHROMIUM, CHROMEDRIVER] {
            if !Path::new(path).exists() {
                bail!("{path} is missing: `apt-get install chromium chromium-driver` (cargo xtask test does it)");
            }
        }
        let port = free_port()?;
        let mut driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("starting chromedriver")?;
        // chromedriver says when it listens; read up to that line (bounded: it prints a few lines).
        let stdout = driver.stdout.take().context("chromedriver stdout")?;
        let ready = tokio::task::spawn_blocking(move || {
            let mut lines = BufReader::new(stdout).lines();
            for _ in 0..50 {
                match lines.next() {
                    Some(Ok(line)) if line.contains("started successfully") => return true,
                    Some(Ok(_)) => continue,
                    _ => return false,
                }
            }
            false
        });
        let ready = tokio::time::timeout(Duration::from_secs(30), ready).await;
        if !matches!(ready, Ok(Ok(true))) {
            let _ = driver.kill();
            let _ = driver.wait();
            bail!("chromedriver did not start");
        }
        let profile = TempDir::new("socklab-chromium")?;
        let args = serde_json::json!([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1400,1100",
            format!("--user-data-dir={}", profile.0.display()),
        ]);
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({ "binary": CHROMIUM, "args": args }),
        );
        let client = fantoccini::ClientBuilder::new(
            hyper_util::client::legacy::connect::HttpConnector::new(),
        )
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await;
        let client = match client {
            Ok(c) => c,
            Err(e) => {
                let _ = driver.kill();
                let _ = driver.wait();
                bail!("could not open a Chromium session: {e}");
            }
        };
        Ok(Browser {
            client,
            driver,
            _profile: profile,
        })
    }

    /// Wait (event-driven, via a MutationObserver in the page) until the JS expression
    /// `condition` is true; fails after `secs` seconds with `what` in the message.
    pub async fn wait_for(&self, what: &str, condition: &str, secs: u64) -> Result<()> {
        self.client
            .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
                Some(Duration::from_secs(secs)),
                Some(Duration::from_secs(60)),
                Some(Duration::from_secs(0)),
            ))
            .await?;
        let script = r#"
            const check = new Function('return (' + arguments[0] + ');');
            const done = arguments[arguments.length - 1];
            const ok = () => { try { return !!check(); } catch (e) { return false; } };
            if (ok()) { done(true); return; }
            const obs = new MutationObserver(() => { if (ok()) { obs.disconnect(); done(true); } });
            obs.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
        "#;
        match self
            .client
            .execute_async(script, vec![condition.into()])
            .await
        {
            Ok(_) => Ok(()),
            Err(e) => {
                let text = self.page_text().await.unwrap_or_default();
                bail!("timed out waiting for {what} ({condition}): {e}\n--- page text ---\n{text}")
            }
        }
    }

    /// Run a JS expression and return its value.
    pub async fn eval(&self, expr: &str) -> Result<serde_json::Value> {
        Ok(self
            .client
            .execute(&format!("return ({expr});"), vec![])
            .await?)
    }

    /// The visible text of the page, for failure messages.
    pub async fn page_text(&self) -> Result<String> {
        Ok(self
            .eval("document.body.innerText")
            .await?
            .as_str()
            .unwrap_or_default()
            .to_string())
    }

    /// Save a screenshot as `tests/artifacts/NAME.png`.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        let png = self.client.screenshot().await?;
        let dir = root().join("tests/artifacts");
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png)?;
        Ok(path)
    }

    /// End the session and chromedriver.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Ends only the chromedriver we started (by its handle); it takes its Chromium along.
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// A port the OS considers free right now (chromedriver needs a number, not a socket).
fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// A directory removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(prefix: &str) -> Result<TempDir> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .subsec_nanos();
        let path = std::env::temp_dir().join(format!("{prefix}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path)?;
        Ok(TempDir(path))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Scripts in the page's share-link format (`#s=...`): `name NUL text NUL ...`, base64url.
pub fn share_hash(scripts: &[(&str, &str)]) -> String {
    let mut raw = Vec::new();
    for (name, text) in scripts {
        raw.extend_from_slice(name.as_bytes());
        raw.push(0);
        raw.extend_from_slice(text.as_bytes());
        raw.push(0);
    }
    const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::from("#s=");
    for chunk in raw.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (b as u32) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}
