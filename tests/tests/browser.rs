//! The page in headless Chromium against the real relay: lessons run by clicking (or by a
//! deep link), the consoles and the wire diagram show what happened, Stop ends a server,
//! a refused destination shows its error at its line, and bytes and FIN show when they arrive,
//! before the script reads them. Screenshots go to tests/artifacts/.
//!
//! Needs `www/pkg` built (`cargo xtask build-web`) and Debian's chromium + chromium-driver;
//! `cargo xtask test` provides both.

use anyhow::{ensure, Result};
use socklab_tests::{share_hash, Browser, Relay};
use std::collections::BTreeMap;

/// One browser test at a time: the lessons use fixed ports, and the machine has 2 cores.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Long enough for a slow CI machine; the waits are event-driven, so a pass is fast.
const WAIT: u64 = 60;

fn pane(file: &str) -> String {
    format!("document.querySelector('.pane[data-file=\"{file}\"]')")
}

fn console(file: &str) -> String {
    format!("{}.querySelector('.out').textContent", pane(file))
}

fn exited(file: &str) -> String {
    format!("{}.dataset.state === 'exited'", pane(file))
}

async fn console_text(b: &Browser, file: &str) -> Result<String> {
    Ok(b.eval(&console(file))
        .await?
        .as_str()
        .unwrap_or_default()
        .to_string())
}

/// Wire-diagram rows by kind (`send`, `recv`, `connect`, ...).
async fn wire_kinds(b: &Browser) -> Result<BTreeMap<String, u64>> {
    let mut out = BTreeMap::new();
    for kind in wire_order(b).await? {
        *out.entry(kind).or_insert(0) += 1;
    }
    Ok(out)
}

/// The diagram's row kinds, top to bottom.
async fn wire_order(b: &Browser) -> Result<Vec<String>> {
    let v = b
        .eval("Array.from(document.querySelectorAll('.wire .msg')).map(e => e.dataset.kind)")
        .await?;
    Ok(v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|k| k.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default())
}

/// Presses Enter in a pane's input line (an empty line for the script's `input()`).
async fn press_enter(b: &Browser, file: &str) -> Result<()> {
    b.eval(&format!(
        "(() => {{ {}.querySelector('.stdin').dispatchEvent(new KeyboardEvent('keydown', \
         {{ key: 'Enter' }})); return true; }})()",
        pane(file)
    ))
    .await?;
    Ok(())
}

fn count(kinds: &BTreeMap<String, u64>, kind: &str) -> u64 {
    kinds.get(kind).copied().unwrap_or(0)
}

async fn wait_relay(b: &Browser) -> Result<()> {
    b.wait_for(
        "the relay connection",
        "document.querySelector('.relay-status').dataset.state === 'relay_ok'",
        WAIT,
    )
    .await
}

async fn click(b: &Browser, selector: &str) -> Result<()> {
    b.client
        .find(fantoccini::Locator::Css(selector))
        .await?
        .click()
        .await?;
    Ok(())
}

/// Click a wire row: scrolled to the middle of the diagram first, since the newest rows keep
/// the view at the bottom and the sticky lane header can cover an older one.
async fn click_row(b: &Browser, kind: &str) -> Result<()> {
    let selector = format!(".wire .msg[data-kind=\"{kind}\"]");
    b.eval(&format!(
        "(() => {{ document.querySelector('{selector}').scrollIntoView({{ block: 'center' }}); \
         return true; }})()"
    ))
    .await?;
    click(b, &selector).await
}

/// Lesson 01: Run all; the client's sample input goes through the server and back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lesson_01_tcp_echo_runs_by_clicking() -> Result<()> {
    let _serial = SERIAL.lock().await;
    let relay = Relay::start(socklab_relay::Config::default()).await?;
    let b = Browser::start().await?;
    b.client.goto(&relay.url("/#lesson=01-tcp-echo")).await?;
    wait_relay(&b).await?;
    click(&b, ".run-all").await?;
    b.wait_for(
        "both scripts to end",
        &format!("{} && {}", exited("server.py"), exited("client.py")),
        WAIT,
    )
    .await?;
    b.screenshot("lesson-01-tcp-echo").await?;
    let server = console_text(&b, "server.py").await?;
    let client = console_text(&b, "client.py").await?;
    ensure!(
        server.contains("connect from ('127.0.0.1', "),
        "server console: {server}"
    );
    ensure!(
        server.contains("接收到来自客户端的消息:hello"),
        "server console: {server}"
    );
    ensure!(
        server.contains("接收到来自客户端的消息:你好"),
        "server console: {server}"
    );
    ensure!(
        client.contains("接收来自服务端的数据:hello"),
        "client console: {client}"
    );
    ensure!(
        client.contains("接收来自服务端的数据:你好"),
        "client console: {client}"
    );
    let kinds = wire_kinds(&b).await?;
    // One handshake; the client sends hello, 你好 and b'' (nothing), the server echoes two;
    // four recvs carry data and the server's last recv sees EOF.
    ensure!(count(&kinds, "connect") == 1, "{kinds:?}");
    ensure!(count(&kinds, "accept") == 1, "{kinds:?}");
    ensure!(count(&kinds, "send") == 5, "{kinds:?}");
    ensure!(count(&kinds, "recv") == 4, "{kinds:?}");
    ensure!(count(&kinds, "eof") == 1, "{kinds:?}");
    ensure!(count(&kinds, "error") == 0, "{kinds:?}");
    // What the network did by itself: each of the four messages arrived, then was read; the
    // client's close reached the server as a FIN before its last recv saw b''.
    ensure!(count(&kinds, "arrived") == 4, "{kinds:?}");
    ensure!(count(&kinds, "incoming") == 1, "{kinds:?}");
    ensure!(count(&kinds, "peer-closed") == 1, "{kinds:?}");
    // A message opens as hex and text.
    click_row(&b, "recv").await?;
    let hex = b
        .eval("document.querySelector('.detail .hex').textContent")
        .await?;
    ensure!(
        hex.as_str().unwrap_or_default().contains("68 65 6c 6c 6f"),
        "hex view: {hex}"
    );
    b.close().await;
    relay.stop().await;
    Ok(())
}

/// Lesson 08 from the deep link alone: the threaded server greets two clients at once;
/// then Stop ends the server, which would otherwise run forever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lesson_08_deep_link_runs_and_stop_ends_the_server() -> Result<()> {
    let _serial = SERIAL.lock().await;
    let relay = Relay::start(socklab_relay::Config::default()).await?;
    let b = Browser::start().await?;
    b.client
        .goto(&relay.url("/#lesson=08-threaded-greeter&run"))
        .await?;
    b.wait_for("both clients to end", &exited("client.py"), WAIT)
        .await?;
    b.wait_for(
        "the server to see both connections close",
        &format!(
            // Count the lines, not the word: the closed socket's repr says `[closed]` too.
            "({}).split('\\n').filter(l => l.startsWith('Connection from') && l.endsWith(' closed')).length === 2",
            console("server.py")
        ),
        WAIT,
    )
    .await?;
    b.screenshot("lesson-08-threaded-greeter").await?;
    let client = console_text(&b, "client.py").await?;
    ensure!(
        client.matches("Welcome!").count() == 2,
        "client console: {client}"
    );
    for name in ["Michael", "Tracy", "Sarah"] {
        ensure!(
            client.matches(&format!("Hello,{name}!")).count() == 2,
            "client console: {client}"
        );
    }
    let server = console_text(&b, "server.py").await?;
    ensure!(
        server.starts_with("Waiting for connection..."),
        "server console: {server}"
    );
    ensure!(
        server.matches("Accept new connection from").count() == 2,
        "server console: {server}"
    );
    let kinds = wire_kinds(&b).await?;
    ensure!(
        count(&kinds, "connect") == 2 && count(&kinds, "accept") == 2,
        "{kinds:?}"
    );
    // Each client sends 3 names and 'exit'; the server sends a welcome and 3 greetings each.
    ensure!(count(&kinds, "send") == 16, "{kinds:?}");
    ensure!(
        b.eval(&format!("{}.dataset.state", pane("server.py")))
            .await?
            != "exited",
        "the server runs forever until stopped"
    );
    click(&b, ".pane[data-file=\"server.py\"] .stop").await?;
    b.wait_for("the server to stop", &exited("server.py"), WAIT)
        .await?;
    let server = console_text(&b, "server.py").await?;
    ensure!(
        server.contains("KeyboardInterrupt"),
        "server console: {server}"
    );
    b.screenshot("lesson-08-stopped").await?;
    b.close().await;
    relay.stop().await;
    Ok(())
}

/// Lesson 10: datagrams with addresses, and a big integer back as text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lesson_10_udp_factorial_runs_by_clicking() -> Result<()> {
    let _serial = SERIAL.lock().await;
    let relay = Relay::start(socklab_relay::Config::default()).await?;
    let b = Browser::start().await?;
    b.client
        .goto(&relay.url("/#lesson=10-udp-factorial"))
        .await?;
    wait_relay(&b).await?;
    click(&b, ".run-all").await?;
    b.wait_for(
        "both scripts to end",
        &format!("{} && {}", exited("server.py"), exited("client.py")),
        WAIT,
    )
    .await?;
    b.screenshot("lesson-10-udp-factorial").await?;
    let client = console_text(&b, "client.py").await?;
    ensure!(
        client.contains("请输入一个大于1的整数:100"),
        "client console: {client}"
    );
    ensure!(client.contains("计算结果: 93326215443944152681699238856266700490715968264381621468592963895217599993229915608941463976156518286253697920827223758251185210916864000000000000000000000000"), "client console: {client}");
    let server = console_text(&b, "server.py").await?;
    ensure!(
        server.contains("('127.0.0.1', "),
        "server console: {server}"
    );
    let kinds = wire_kinds(&b).await?;
    ensure!(count(&kinds, "sendto") == 2, "{kinds:?}");
    ensure!(
        count(&kinds, "recvfrom") == 1 && count(&kinds, "recv") == 1,
        "{kinds:?}"
    );
    ensure!(count(&kinds, "connect") == 0, "{kinds:?}");
    b.close().await;
    relay.stop().await;
    Ok(())
}

/// Lesson 05: the student's HTTP server answers a real HTTP client from outside the page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lesson_05_http_server_answers_a_real_client() -> Result<()> {
    let _serial = SERIAL.lock().await;
    let relay = Relay::start(socklab_relay::Config::default()).await?;
    let b = Browser::start().await?;
    b.client.goto(&relay.url("/#lesson=05-http-hello")).await?;
    wait_relay(&b).await?;
    click(&b, ".run-all").await?;
    b.wait_for(
        "the server's address link",
        &format!(
            "!{}.querySelector('.listen-link').hidden",
            pane("server.py")
        ),
        WAIT,
    )
    .await?;
    let href = b
        .eval(&format!(
            "{}.querySelector('.listen-link').href",
            pane("server.py")
        ))
        .await?;
    ensure!(href == "http://127.0.0.1:12345/", "link: {href}");
    let body = http_get("127.0.0.1:12345").await?;
    ensure!(
        body.starts_with("HTTP/1.1 200 OK\r\n\r\n"),
        "response: {body}"
    );
    ensure!(body.contains("<h1>Hello World</h1>"), "response: {body}");
    b.wait_for(
        "the request in the console",
        &format!("({}).includes('GET / HTTP/1.1')", console("server.py")),
        WAIT,
    )
    .await?;
    b.screenshot("lesson-05-http-hello").await?;
    let kinds = wire_kinds(&b).await?;
    ensure!(
        count(&kinds, "listen") == 1 && count(&kinds, "accept") == 1,
        "{kinds:?}"
    );
    ensure!(
        count(&kinds, "recv") == 1 && count(&kinds, "send") == 1,
        "{kinds:?}"
    );
    click(&b, ".pane[data-file=\"server.py\"] .stop").await?;
    b.wait_for("the server to stop", &exited("server.py"), WAIT)
        .await?;
    b.close().await;
    relay.stop().await;
    Ok(())
}

/// A destination the relay refuses (link-local metadata) raises at its line, and the
/// editor marks that line. No traffic leaves: the relay refuses before connecting.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_destination_shows_the_error_at_its_line() -> Result<()> {
    let _serial = SERIAL.lock().await;
    let relay = Relay::start(socklab_relay::Config::default()).await?;
    let b = Browser::start().await?;
    let script = "import socket\ns = socket.socket()\ns.connect(('169.254.169.254', 80))\nprint('unreachable')\n";
    b.client
        .goto(&relay.url(&format!("/{}", share_hash(&[("probe.py", script)]))))
        .await?;
    wait_relay(&b).await?;
    click(&b, ".pane[data-file=\"probe.py\"] .run").await?;
    b.wait_for("the script to fail", &exited("probe.py"), WAIT)
        .await?;
    b.screenshot("refused-destination").await?;
    let out = console_text(&b, "probe.py").await?;
    ensure!(out.contains("line 3"), "console: {out}");
    ensure!(out.contains("PermissionError"), "console: {out}");
    ensure!(!out.contains("unreachable"), "console: {out}");
    let line = b
        .eval(&format!("{}.dataset.errorLine", pane("probe.py")))
        .await?;
    ensure!(line == "3", "marked line: {line}");
    let kinds = wire_kinds(&b).await?;
    ensure!(count(&kinds, "error") == 1, "{kinds:?}");
    b.close().await;
    relay.stop().await;
    Ok(())
}

/// The relay goes away: the page says so; it comes back: the page reconnects by itself
/// and runs a lesson again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_reconnects_when_the_relay_comes_back() -> Result<()> {
    let _serial = SERIAL.lock().await;
    let relay = Relay::start(socklab_relay::Config::default()).await?;
    let addr = relay.addr;
    let b = Browser::start().await?;
    b.client
        .goto(&relay.url("/#lesson=10-udp-factorial"))
        .await?;
    wait_relay(&b).await?;
    relay.stop().await;
    b.wait_for(
        "the page to say the relay is gone",
        "document.querySelector('.relay-status').dataset.state === 'relay_gone'",
        WAIT,
    )
    .await?;
    b.screenshot("relay-gone").await?;
    let relay = Relay::start_at(socklab_relay::Config::default(), addr).await?;
    wait_relay(&b).await?;
    click(&b, ".run-all").await?;
    b.wait_for(
        "the lesson to run again",
        &format!("{} && {}", exited("server.py"), exited("client.py")),
        WAIT,
    )
    .await?;
    let client = console_text(&b, "client.py").await?;
    ensure!(
        client.contains("计算结果: 9332621544394415"),
        "client console: {client}"
    );
    b.close().await;
    relay.stop().await;
    Ok(())
}

/// Bytes and the peer's FIN arrive while the script waits in input(), before any recv: the
/// diagram shows them at once as `arrived` and `peer-closed` arrows from outside the page,
/// with their hex and text; the script's own recvs come later as `recv` and `eof` rows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_and_eof_show_when_they_arrive_not_when_read() -> Result<()> {
    use tokio::io::AsyncWriteExt;
    let _serial = SERIAL.lock().await;
    let relay = Relay::start(socklab_relay::Config::default()).await?;
    // The peer outside the page: greets, then closes (FIN) at once.
    let peer = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = peer.local_addr()?.port();
    let greeter = tokio::spawn(async move {
        let (mut s, _) = peer.accept().await?;
        s.write_all("你好 hello".as_bytes()).await?;
        s.shutdown().await?;
        anyhow::Ok(s)
    });
    let b = Browser::start().await?;
    let script = format!(
        "import socket\ns = socket.socket()\ns.connect(('127.0.0.1', {port}))\ninput()\n\
         print(s.recv(1024).decode())\nprint(s.recv(1024))\ns.close()\n"
    );
    b.client
        .goto(&relay.url(&format!("/{}", share_hash(&[("peer.py", &script)]))))
        .await?;
    wait_relay(&b).await?;
    click(&b, ".pane[data-file=\"peer.py\"] .run").await?;
    b.wait_for(
        "the peer's bytes and FIN on the diagram, the script still in input()",
        &format!(
            "document.querySelector('.wire .msg[data-kind=\"peer-closed\"]') !== null \
             && {}.dataset.state === 'waiting_input'",
            pane("peer.py")
        ),
        WAIT,
    )
    .await?;
    let kinds = wire_kinds(&b).await?;
    // However the relay chunked the 12 bytes, nothing came between them: one row.
    ensure!(count(&kinds, "arrived") == 1, "{kinds:?}");
    ensure!(count(&kinds, "peer-closed") == 1, "{kinds:?}");
    ensure!(
        count(&kinds, "recv") == 0 && count(&kinds, "eof") == 0,
        "{kinds:?}"
    );
    let row =
        |kind: &str| format!("document.querySelector('.wire .msg[data-kind=\"{kind}\"] > div')");
    let arrived = b.eval(&format!("{}.textContent", row("arrived"))).await?;
    ensure!(
        arrived.as_str().unwrap_or_default().contains("12 B"),
        "arrived row: {arrived}"
    );
    // Drawn as arrows from the network side, not as notes of the script.
    for kind in ["arrived", "peer-closed"] {
        let class = b.eval(&format!("{}.className", row(kind))).await?;
        ensure!(
            class.as_str().unwrap_or_default().contains("arrow left"),
            "{kind} row: {class}"
        );
    }
    click_row(&b, "arrived").await?;
    let hex = b
        .eval("document.querySelector('.detail .hex').textContent")
        .await?;
    ensure!(
        hex.as_str()
            .unwrap_or_default()
            .contains("e4 bd a0 e5 a5 bd"),
        "hex view: {hex}"
    );
    let text = "document.querySelector('.detail .text').textContent";
    let utf8 = b.eval(text).await?;
    ensure!(
        utf8.as_str().unwrap_or_default().contains("你好 hello"),
        "text view: {utf8}"
    );
    b.eval(
        "(() => { const s = document.querySelector('.wire .encoding'); s.value = 'gbk'; \
         s.dispatchEvent(new Event('change')); return true; })()",
    )
    .await?;
    let gbk = b.eval(text).await?;
    ensure!(
        gbk.as_str().unwrap_or_default().contains("浣犲ソ hello"),
        "UTF-8 bytes read as GBK: {gbk}"
    );
    b.screenshot("arrivals-before-recv").await?;
    // Now the script reads: its recvs are rows of their own, after the arrivals.
    press_enter(&b, "peer.py").await?;
    b.wait_for("the script to end", &exited("peer.py"), WAIT)
        .await?;
    let out = console_text(&b, "peer.py").await?;
    ensure!(out.contains("你好 hello\nb''"), "console: {out}");
    let order = wire_order(&b).await?;
    ensure!(
        order.join(" ") == "socket connect arrived peer-closed recv eof close",
        "rows: {order:?}"
    );
    b.screenshot("arrivals-then-recv").await?;
    greeter.await??;
    b.close().await;
    relay.stop().await;
    Ok(())
}

/// A reset pushed by the relay shows when it happens, while the client waits in input();
/// the recv that raises it later is the client's own `error` row. The connection queued
/// before accept shows as `incoming` on the server's lane.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_shows_when_it_arrives_and_again_where_it_raises() -> Result<()> {
    let _serial = SERIAL.lock().await;
    let relay = Relay::start(socklab_relay::Config::default()).await?;
    let b = Browser::start().await?;
    let server = "import socket, struct\nsrv = socket.socket()\nsrv.bind(('127.0.0.1', 24026))\n\
                  srv.listen(1)\nconn, _ = srv.accept()\nconn.recv(1024)\n\
                  conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))\n\
                  conn.close()\n";
    let client = "import socket\ns = socket.socket()\ns.connect(('127.0.0.1', 24026))\n\
                  s.sendall(b'crash')\ninput()\ntry:\n    s.recv(1024)\n\
                  except ConnectionResetError as e:\n    print('reset', e.errno)\ns.close()\n";
    let hash = share_hash(&[("server.py", server), ("client.py", client)]);
    b.client.goto(&relay.url(&format!("/{hash}"))).await?;
    wait_relay(&b).await?;
    click(&b, ".pane[data-file=\"server.py\"] .run").await?;
    b.wait_for(
        "the server to listen",
        "document.querySelector('.wire .msg[data-kind=\"listen\"]') !== null",
        WAIT,
    )
    .await?;
    click(&b, ".pane[data-file=\"client.py\"] .run").await?;
    b.wait_for(
        "the reset on the diagram, the client still in input()",
        &format!(
            "{} && document.querySelector('.wire .msg[data-kind=\"net-error\"]') !== null \
             && {}.dataset.state === 'waiting_input'",
            exited("server.py"),
            pane("client.py")
        ),
        WAIT,
    )
    .await?;
    b.screenshot("reset-before-recv").await?;
    let kinds = wire_kinds(&b).await?;
    ensure!(count(&kinds, "incoming") == 1, "{kinds:?}");
    ensure!(count(&kinds, "arrived") == 1, "{kinds:?}");
    ensure!(
        count(&kinds, "net-error") == 1 && count(&kinds, "error") == 0,
        "{kinds:?}"
    );
    let reset = b
        .eval("document.querySelector('.wire .msg[data-kind=\"net-error\"]').textContent")
        .await?;
    ensure!(
        reset.as_str().unwrap_or_default().contains("[Errno 104]"),
        "reset row: {reset}"
    );
    press_enter(&b, "client.py").await?;
    b.wait_for("the client to end", &exited("client.py"), WAIT)
        .await?;
    let out = console_text(&b, "client.py").await?;
    ensure!(out.contains("reset 104"), "console: {out}");
    let order: Vec<String> = wire_order(&b)
        .await?
        .into_iter()
        .filter(|k| k == "net-error" || k == "error")
        .collect();
    ensure!(order.join(" ") == "net-error error", "rows: {order:?}");
    b.close().await;
    relay.stop().await;
    Ok(())
}

/// A raw HTTP/1.0 GET, as a browser's first request would look on the wire.
async fn http_get(addr: &str) -> Result<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await?;
    s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1:12345\r\nConnection: close\r\n\r\n")
        .await?;
    let mut body = Vec::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(WAIT),
        s.read_to_end(&mut body),
    )
    .await??;
    Ok(String::from_utf8_lossy(&body).into_owned())
}
