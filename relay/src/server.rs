//! The HTTP side of the relay: shared state, the axum router (page, `/healthz`, `/metrics`, `/ws`) and `serve`.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Extension;
use axum::Router;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::{Config, PolicyMode};
use crate::metrics::Metrics;
use crate::policy::Policy;

/// Why the relay could not serve.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("relay listener: {0}")]
    Io(#[from] std::io::Error),
}

/// Everything sessions share: configuration, policy, counters, and the task tracker that
/// shutdown waits on.
#[derive(Debug)]
pub struct Relay {
    pub(crate) config: Config,
    pub(crate) policy: Policy,
    pub(crate) metrics: Metrics,
    pub(crate) hostname: String,
    pub(crate) tracker: TaskTracker,
    pub(crate) shutdown: CancellationToken,
    local_addr: SocketAddr,
    sessions_by_addr: Mutex<HashMap<IpAddr, usize>>,
    next_session: AtomicU64,
}

impl Relay {
    /// A relay served at `local_addr` (whose port scripts may not reach), stopping its
    /// sessions when `shutdown` is cancelled.
    pub fn new(config: Config, local_addr: SocketAddr, shutdown: CancellationToken) -> Arc<Relay> {
        let public = match config.policy {
            PolicyMode::Auto => !local_addr.ip().is_loopback(),
            PolicyMode::Loopback => false,
            PolicyMode::Public => true,
        };
        let own_addrs: Vec<IpAddr> = if_addrs::get_if_addrs()
            .map(|ifs| ifs.iter().map(|i| i.ip()).collect())
            .unwrap_or_default();
        let policy = Policy::new(
            public,
            config.allow.clone(),
            config.listen_ports,
            local_addr.port(),
            own_addrs,
        );
        Arc::new(Relay {
            policy,
            metrics: Metrics::default(),
            hostname: gethostname::gethostname().to_string_lossy().into_owned(),
            tracker: TaskTracker::new(),
            shutdown,
            local_addr,
            sessions_by_addr: Mutex::default(),
            next_session: AtomicU64::new(1),
            config,
        })
    }

    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }
    /// The host name scripts see from `socket.gethostname()`.
    pub fn hostname(&self) -> &str {
        &self.hostname
    }
    pub fn is_public(&self) -> bool {
        self.policy.is_public()
    }
    /// Every session and socket task; `serve` waits for it to empty after shutdown.
    pub fn tracker(&self) -> &TaskTracker {
        &self.tracker
    }

    pub(crate) fn next_session_id(&self) -> u64 {
        self.next_session.fetch_add(1, Ordering::Relaxed)
    }

    /// Counts a session for `ip`, or `None` if a cap is reached. The guard uncounts it.
    pub(crate) fn admit(self: &Arc<Self>, ip: IpAddr) -> Option<SessionSlot> {
        let mut map = self
            .sessions_by_addr
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let total: usize = map.values().sum();
        let mine = map.entry(ip).or_insert(0);
        if *mine >= self.config.max_sessions_per_addr || total >= self.config.max_sessions {
            return None;
        }
        *mine += 1;
        Some(SessionSlot {
            relay: self.clone(),
            ip,
        })
    }
}

/// One admitted session; dropping it frees the slot.
#[derive(Debug)]
pub(crate) struct SessionSlot {
    relay: Arc<Relay>,
    ip: IpAddr,
}

impl Drop for SessionSlot {
    fn drop(&mut self) {
        let mut map = self
            .relay
            .sessions_by_addr
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(n) = map.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

/// The relay's routes. Tests call this directly; `serve` wraps it with connection info.
pub fn router(relay: Arc<Relay>) -> Router {
    Router::new()
        .route("/ws", get(ws_handler))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/metrics", get(metrics_handler))
        .fallback(get(static_handler))
        .with_state(relay)
}

/// Serves the page and the relay on `listener` until `shutdown` is cancelled, then closes
/// every session with 1001 and waits for all their tasks.
pub async fn serve(
    listener: TcpListener,
    config: Config,
    shutdown: CancellationToken,
) -> Result<(), ServeError> {
    use axum::serve::ListenerExt;
    let local = listener.local_addr()?;
    let relay = Relay::new(config, local, shutdown.clone());
    tracing::info!(
        addr = %local,
        policy = if relay.is_public() { "public" } else { "loopback" },
        hostname = %relay.hostname,
        "relay listening"
    );
    // Small frames (an echo, a reply) must not wait for Nagle.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let app = router(relay.clone()).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown.clone().cancelled_owned())
        .await?;
    relay.tracker.close();
    relay.tracker.wait().await;
    tracing::info!("relay stopped");
    Ok(())
}

async fn metrics_handler(State(relay): State<Arc<Relay>>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        relay.metrics.render(),
    )
        .into_response()
}

/// Is this page origin allowed to open a session? Browsers always send `Origin` on a
/// WebSocket upgrade; non-browser clients (`socklab run`) may omit it and are accepted.
fn origin_allowed(relay: &Relay, headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    let origin = origin.trim_end_matches('/');
    if relay
        .config
        .allow_origin
        .iter()
        .any(|o| o.trim_end_matches('/').eq_ignore_ascii_case(origin))
    {
        return true;
    }
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let same = ["http://", "https://"]
        .iter()
        .any(|scheme| origin.eq_ignore_ascii_case(&format!("{scheme}{host}")));
    if !same {
        return false;
    }
    // On loopback, the Host must name this machine too: otherwise a site whose name was
    // rebound to 127.0.0.1 would be "same origin" with us.
    if relay.policy.is_public() {
        return true;
    }
    let hostname = match host.rsplit_once(':') {
        Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) => h,
        _ => host,
    };
    let hostname = hostname.trim_start_matches('[').trim_end_matches(']');
    hostname.eq_ignore_ascii_case("localhost")
        || hostname
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback() || ip == relay.local_addr.ip())
}

/// Checks a WebSocket upgrade request (RFC 6455 §4.2.1): the 101 answer with its accept
/// key, or the response that refuses it.
fn upgrade_response(headers: &HeaderMap) -> Response {
    let has_token = |name: header::HeaderName, token: &str| {
        headers.get_all(name).iter().any(|v| {
            v.to_str()
                .is_ok_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
        })
    };
    let refuse = |status: StatusCode, why: &'static str| (status, why).into_response();
    if !has_token(header::CONNECTION, "upgrade") {
        return refuse(
            StatusCode::BAD_REQUEST,
            "Connection header did not include 'upgrade'\n",
        );
    }
    if !has_token(header::UPGRADE, "websocket") {
        return refuse(
            StatusCode::BAD_REQUEST,
            "Upgrade header did not include 'websocket'\n",
        );
    }
    if headers
        .get(header::SEC_WEBSOCKET_VERSION)
        .is_none_or(|v| v.as_bytes() != b"13")
    {
        let mut r = refuse(
            StatusCode::UPGRADE_REQUIRED,
            "Sec-WebSocket-Version must be 13\n",
        );
        r.headers_mut().insert(
            header::SEC_WEBSOCKET_VERSION,
            HeaderValue::from_static("13"),
        );
        return r;
    }
    let Some(key) = headers.get(header::SEC_WEBSOCKET_KEY) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "Sec-WebSocket-Key header missing\n",
        );
    };
    let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes());
    let Ok(accept) = HeaderValue::from_str(&accept) else {
        return refuse(StatusCode::BAD_REQUEST, "bad Sec-WebSocket-Key\n");
    };
    let mut r = StatusCode::SWITCHING_PROTOCOLS.into_response();
    let h = r.headers_mut();
    h.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
    h.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    h.insert(header::SEC_WEBSOCKET_ACCEPT, accept);
    r
}

async fn ws_handler(
    State(relay): State<Arc<Relay>>,
    connect_info: Option<Extension<ConnectInfo<SocketAddr>>>,
    mut req: Request,
) -> Response {
    let peer = connect_info.map_or(SocketAddr::from(([127, 0, 0, 1], 0)), |c| c.0 .0);
    let headers = req.headers();
    let accepted = upgrade_response(headers);
    if accepted.status() != StatusCode::SWITCHING_PROTOCOLS {
        return accepted;
    }
    if relay.shutdown.is_cancelled() {
        return (StatusCode::SERVICE_UNAVAILABLE, "relay shutting down\n").into_response();
    }
    if !origin_allowed(&relay, headers) {
        relay
            .metrics
            .sessions_rejected
            .fetch_add(1, Ordering::Relaxed);
        tracing::warn!(%peer, origin = ?headers.get(header::ORIGIN), "refused WebSocket from another origin");
        return (StatusCode::FORBIDDEN, "origin not allowed\n").into_response();
    }
    let Some(slot) = relay.admit(peer.ip()) else {
        relay
            .metrics
            .sessions_rejected
            .fetch_add(1, Ordering::Relaxed);
        tracing::warn!(%peer, "refused WebSocket: session cap reached");
        return (StatusCode::TOO_MANY_REQUESTS, "too many sessions\n").into_response();
    };
    let on_upgrade = hyper::upgrade::on(&mut req);
    let tracker = relay.tracker.clone();
    tracker.spawn(async move {
        match on_upgrade.await {
            Ok(upgraded) => {
                let io = hyper_util::rt::TokioIo::new(upgraded);
                crate::session::run(relay, io, peer, slot).await;
            }
            Err(e) => tracing::debug!(%peer, "WebSocket upgrade failed: {e}"),
        }
    });
    accepted
}

#[derive(rust_embed::RustEmbed)]
#[folder = "../www/"]
struct Assets;

async fn static_handler(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    let path = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    };
    match Assets::get(&path) {
        Some(file) => {
            let mime = mime_guess::from_path(&path).first_or_octet_stream();
            (
                [
                    (header::CONTENT_TYPE, mime.as_ref().to_string()),
                    (header::CACHE_CONTROL, "no-cache".to_string()),
                ],
                file.data.into_owned(),
            )
                .into_response()
        }
        None => (StatusCode::NOT_FOUND, "not found\n").into_response(),
    }
}
