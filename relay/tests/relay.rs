//! The relay from outside: a real relay on 127.0.0.1:0, a tokio-tungstenite page, real sockets.

mod common;

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::*;
use socklab_proto::{
    errno, Addr, ClientMsg, Done, Family, Op, ServerMsg, Shutdown, SockOpt, SockType, SocketId,
};
use socklab_relay::{Config, PolicyMode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn public() -> Config {
    Config {
        policy: PolicyMode::Public,
        ..Config::default()
    }
}

#[tokio::test]
async fn welcome_carries_version_and_the_real_hostname() {
    let relay = TestRelay::start(Config::default()).await;
    let page = Page::connect(&relay).await;
    let want = gethostname::gethostname().to_string_lossy().into_owned();
    match page.welcome {
        Some(ServerMsg::Welcome {
            version,
            hostname,
            max_data,
        }) => {
            assert_eq!(version, socklab_proto::PROTOCOL_VERSION);
            assert_eq!(hostname, want);
            assert_eq!(max_data as usize, socklab_proto::MAX_DATA);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn tcp_echo_as_client() {
    let relay = TestRelay::start(Config::default()).await;
    let echo = echo_server().await;
    let mut page = Page::connect(&relay).await;
    let s = page.tcp_connect(1, echo, 65536).await;
    page.sender
        .send_all(s, b"hello, \xe4\xbd\xa0\xe5\xa5\xbd")
        .await;
    assert_eq!(
        page.recv_exact(s, 13).await,
        b"hello, \xe4\xbd\xa0\xe5\xa5\xbd"
    );
    assert_eq!(
        page.request(Op::GetPeerName { sock: s }).await,
        Ok(Done::Addr(addr(echo)))
    );
    match page.request(Op::GetSockName { sock: s }).await {
        Ok(Done::Addr(a)) => assert_eq!(a.host, "127.0.0.1"),
        other => panic!("{other:?}"),
    }
    assert_eq!(page.request(Op::Close { sock: s }).await, Ok(Done::Unit));
}

#[tokio::test]
async fn tcp_echo_as_server_with_a_std_client() {
    let relay = TestRelay::start(Config::default()).await;
    let mut page = Page::connect(&relay).await;
    let l = page.socket(1, Family::Inet, SockType::Stream).await;
    let bound = page
        .request(Op::Bind {
            sock: l,
            addr: Addr::new("127.0.0.1", 0),
        })
        .await;
    let Ok(Done::Addr(bound)) = bound else {
        panic!("{bound:?}")
    };
    assert_ne!(bound.port, 0);
    assert_eq!(
        page.request(Op::Listen {
            sock: l,
            backlog: 5
        })
        .await,
        Ok(Done::Unit)
    );

    // A plain blocking client, as a CPython script or curl would be.
    let port = bound.port;
    let client = tokio::task::spawn_blocking(move || {
        let mut c = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        c.set_read_timeout(Some(BOUND)).unwrap();
        c.write_all(b"ping from std").unwrap();
        c.shutdown(std::net::Shutdown::Write).unwrap();
        let mut back = Vec::new();
        c.read_to_end(&mut back).unwrap();
        (back, c.local_addr().unwrap())
    });

    page.event(|m| matches!(m, ServerMsg::Incoming { sock } if *sock == l))
        .await;
    let conn = SocketId(2);
    let r = page
        .request(Op::Accept {
            sock: l,
            new_sock: conn,
        })
        .await;
    let Ok(Done::Conn { peer, local }) = r else {
        panic!("{r:?}")
    };
    assert_eq!(local.port, port);
    page.credit(conn, 65536);
    let got = page.recv_to_eof(conn).await;
    assert_eq!(got, b"ping from std");
    page.sender.send_all(conn, &got).await;
    assert_eq!(page.request(Op::Close { sock: conn }).await, Ok(Done::Unit));
    let (back, client_addr) = client.await.unwrap();
    assert_eq!(back, b"ping from std");
    assert_eq!(peer, addr(client_addr));
    // Nothing else is queued: accept without an Incoming is EAGAIN.
    let r = page
        .request(Op::Accept {
            sock: l,
            new_sock: SocketId(3),
        })
        .await;
    assert_eq!(r.map_err(|e| e.errno), Err(errno::EAGAIN));
}

#[tokio::test]
async fn udp_echo_keeps_boundaries_and_reports_sources() {
    let relay = TestRelay::start(Config::default()).await;
    let server = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let server_addr = server.local_addr().unwrap();
    tokio::spawn(async move {
        let mut buf = vec![0u8; 65536];
        while let Ok((n, from)) = server.recv_from(&mut buf).await {
            let _ = server.send_to(&buf[..n], from).await;
        }
    });
    let mut page = Page::connect(&relay).await;
    let u = page.socket(1, Family::Inet, SockType::Dgram).await;
    page.credit(u, 1 << 20);
    let sent: [&[u8]; 4] = [b"one", b"", b"three three", &[7u8; 1400]];
    for d in sent {
        let r = page
            .request(Op::SendTo {
                sock: u,
                addr: Some(addr(server_addr)),
                data: d.to_vec(),
            })
            .await;
        assert_eq!(r, Ok(Done::Int(d.len() as i64)));
    }
    for d in sent {
        let m = page
            .event(|m| matches!(m, ServerMsg::Datagram { .. }))
            .await;
        let ServerMsg::Datagram { sock, from, data } = m else {
            unreachable!()
        };
        assert_eq!(sock, u);
        assert_eq!(from, addr(server_addr));
        assert_eq!(data, d);
    }
    // The implicit bind gave the socket a real port.
    match page.request(Op::GetSockName { sock: u }).await {
        Ok(Done::Addr(a)) => assert_ne!(a.port, 0),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn udp_server_receives_from_a_std_client() {
    let relay = TestRelay::start(Config::default()).await;
    let mut page = Page::connect(&relay).await;
    let u = page.socket(1, Family::Inet, SockType::Dgram).await;
    let r = page
        .request(Op::Bind {
            sock: u,
            addr: Addr::new("127.0.0.1", 0),
        })
        .await;
    let Ok(Done::Addr(bound)) = r else {
        panic!("{r:?}")
    };
    page.credit(u, 65536);
    let client = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    client.send_to(b"a", ("127.0.0.1", bound.port)).unwrap();
    client.send_to(b"bc", ("127.0.0.1", bound.port)).unwrap();
    for want in [&b"a"[..], b"bc"] {
        let m = page
            .event(|m| matches!(m, ServerMsg::Datagram { .. }))
            .await;
        let ServerMsg::Datagram { from, data, .. } = m else {
            unreachable!()
        };
        assert_eq!(data, want);
        assert_eq!(from, addr(client.local_addr().unwrap()));
    }
}

#[tokio::test]
async fn half_close_delivers_eof_and_the_reply_still_arrives() {
    let relay = TestRelay::start(Config::default()).await;
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let la = l.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut s, _) = l.accept().await.unwrap();
        let mut all = Vec::new();
        s.read_to_end(&mut all).await.unwrap();
        s.write_all(format!("got {} bytes", all.len()).as_bytes())
            .await
            .unwrap();
    });
    let mut page = Page::connect(&relay).await;
    let s = page.tcp_connect(1, la, 65536).await;
    page.sender.send_all(s, &[b'x'; 1000]).await;
    assert_eq!(
        page.request(Op::Shutdown {
            sock: s,
            how: Shutdown::Write
        })
        .await,
        Ok(Done::Unit)
    );
    assert_eq!(page.recv_to_eof(s).await, b"got 1000 bytes");
}

#[tokio::test]
async fn linger_zero_close_resets_the_peer_and_plain_close_ends_it() {
    let relay = TestRelay::start(Config::default()).await;
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let la = l.local_addr().unwrap();
    let mut page = Page::connect(&relay).await;
    for (id, linger) in [(1, Some(0)), (2, None)] {
        let s = page.tcp_connect(id, la, 65536).await;
        let (mut peer, _) = l.accept().await.unwrap();
        if let Some(secs) = linger {
            let set = Op::SetSockOpt {
                sock: s,
                opt: SockOpt::Linger,
                value: secs,
            };
            assert_eq!(page.request(set).await, Ok(Done::Unit));
            let get = Op::GetSockOpt {
                sock: s,
                opt: SockOpt::Linger,
            };
            assert_eq!(page.request(get).await, Ok(Done::Int(0)));
        }
        assert_eq!(page.request(Op::Close { sock: s }).await, Ok(Done::Unit));
        let mut buf = [0u8; 16];
        let r = peer.read(&mut buf).await.map_err(|e| e.kind());
        match linger {
            Some(_) => assert_eq!(r, Err(std::io::ErrorKind::ConnectionReset)),
            None => assert_eq!(r, Ok(0)),
        }
    }
}

#[tokio::test]
async fn connection_refused_is_econnrefused() {
    let relay = TestRelay::start(Config::default()).await;
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut page = Page::connect(&relay).await;
    let s = page.socket(1, Family::Inet, SockType::Stream).await;
    let r = page
        .request(Op::Connect {
            sock: s,
            addr: Addr::new("127.0.0.1", port),
            timeout_ms: 0,
        })
        .await;
    let e = r.unwrap_err();
    assert_eq!(
        (e.errno, e.message.as_str()),
        (errno::ECONNREFUSED, "Connection refused")
    );
    // As on Linux, the same socket may try again.
    let echo = echo_server().await;
    let r = page
        .request(Op::Connect {
            sock: s,
            addr: addr(echo),
            timeout_ms: 0,
        })
        .await;
    assert!(matches!(r, Ok(Done::Conn { .. })), "{r:?}");
}

#[tokio::test]
async fn address_in_use_is_eaddrinuse() {
    let relay = TestRelay::start(Config::default()).await;
    let mut page = Page::connect(&relay).await;
    let a = page.socket(1, Family::Inet, SockType::Stream).await;
    let r = page
        .request(Op::Bind {
            sock: a,
            addr: Addr::new("127.0.0.1", 0),
        })
        .await;
    let Ok(Done::Addr(bound)) = r else {
        panic!("{r:?}")
    };
    assert_eq!(
        page.request(Op::Listen {
            sock: a,
            backlog: 1
        })
        .await,
        Ok(Done::Unit)
    );
    let b = page.socket(2, Family::Inet, SockType::Stream).await;
    let r = page
        .request(Op::Bind {
            sock: b,
            addr: bound.clone(),
        })
        .await;
    assert_eq!(
        r.map_err(|e| (e.errno, e.message)),
        Err((errno::EADDRINUSE, "Address already in use".into()))
    );
    // A UDP port held by someone else.
    let held = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let u = page.socket(3, Family::Inet, SockType::Dgram).await;
    let r = page
        .request(Op::Bind {
            sock: u,
            addr: addr(held.local_addr().unwrap()),
        })
        .await;
    assert_eq!(r.map_err(|e| e.errno), Err(errno::EADDRINUSE));
}

/// A listener whose accept queue is full drops new SYNs, so a connect to it hangs: a local
/// stand-in for an unreachable host.
async fn blackhole() -> (SocketAddr, Vec<tokio::net::TcpStream>) {
    let s = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    s.bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())
        .unwrap();
    s.listen(0).unwrap();
    let l: std::net::TcpListener = s.into();
    let a = l.local_addr().unwrap();
    std::mem::forget(l); // kept open, never accepting, for the test's life
    let mut held = Vec::new();
    for _ in 0..16 {
        match tokio::time::timeout(
            std::time::Duration::from_millis(300),
            tokio::net::TcpStream::connect(a),
        )
        .await
        {
            Ok(Ok(c)) => held.push(c),
            _ => return (a, held),
        }
    }
    panic!("the accept queue never filled");
}

#[tokio::test]
async fn connect_timeout_is_etimedout() {
    let config = Config {
        connect_timeout: std::time::Duration::from_millis(200),
        ..Config::default()
    };
    let relay = TestRelay::start(config).await;
    let (hole, _held) = blackhole().await;
    let mut page = Page::connect(&relay).await;
    // The script's own timeout (settimeout) expires: socket.timeout's text.
    let s = page.socket(1, Family::Inet, SockType::Stream).await;
    let r = page
        .request(Op::Connect {
            sock: s,
            addr: addr(hole),
            timeout_ms: 100,
        })
        .await;
    assert_eq!(
        r.map_err(|e| (e.errno, e.message)),
        Err((errno::ETIMEDOUT, "timed out".into()))
    );
    // The relay's cap expires: the kernel's text.
    let r = page
        .request(Op::Connect {
            sock: s,
            addr: addr(hole),
            timeout_ms: 0,
        })
        .await;
    assert_eq!(
        r.map_err(|e| (e.errno, e.message)),
        Err((errno::ETIMEDOUT, "Connection timed out".into()))
    );
}

const BIG: usize = 64 << 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_mib_each_way_byte_for_byte() {
    let relay = TestRelay::start(Config::default()).await;
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let la = l.local_addr().unwrap();
    // The peer sends 64 MiB and checks the 64 MiB it receives, at the same time.
    let peer = tokio::spawn(async move {
        let (s, _) = l.accept().await.unwrap();
        let (mut r, mut w) = s.into_split();
        let send = tokio::spawn(async move {
            for off in (0..BIG).step_by(1 << 20) {
                w.write_all(&pattern(off, 1 << 20)).await.unwrap();
            }
            w.shutdown().await.unwrap();
        });
        let mut got = 0usize;
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = r.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            assert_eq!(
                &buf[..n],
                &pattern(got, n)[..],
                "page→peer differs at {got}"
            );
            got += n;
        }
        send.await.unwrap();
        got
    });
    let mut page = Page::connect(&relay).await;
    let s = page.tcp_connect(1, la, 1 << 20).await;
    let sender = page.sender.clone();
    let upload = tokio::spawn(async move {
        for off in (0..BIG).step_by(1 << 20) {
            sender.send_all(s, &pattern(off, 1 << 20)).await;
        }
    });
    let mut got = 0usize;
    while got < BIG {
        let chunk = page.recv_exact(s, (BIG - got).min(1 << 20)).await;
        assert_eq!(
            chunk,
            pattern(got, chunk.len()),
            "peer→page differs at {got}"
        );
        got += chunk.len();
    }
    upload.await.unwrap();
    assert_eq!(
        page.request(Op::Shutdown {
            sock: s,
            how: Shutdown::Write
        })
        .await,
        Ok(Done::Unit)
    );
    assert!(page.recv_to_eof(s).await.is_empty());
    assert_eq!(peer.await.unwrap(), BIG);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_page_pushes_back_on_a_flooding_peer_and_loses_nothing() {
    const TOTAL: usize = 32 << 20;
    const FIRST: u32 = 64 * 1024;
    let relay = TestRelay::start(Config::default()).await;
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let la = l.local_addr().unwrap();
    let (blocked_tx, blocked_rx) = tokio::sync::oneshot::channel();
    // The peer writes as fast as the kernel takes bytes and reports where it first had
    // to wait; then it writes the rest and closes.
    tokio::spawn(async move {
        let (s, _) = l.accept().await.unwrap();
        let mut off = 0usize;
        let mut blocked_tx = Some(blocked_tx);
        while off < TOTAL {
            let chunk = pattern(off, (TOTAL - off).min(1 << 16));
            match s.try_write(&chunk) {
                Ok(n) => off += n,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    if let Some(tx) = blocked_tx.take() {
                        let _ = tx.send(off);
                    }
                    s.writable().await.unwrap();
                }
                Err(e) => panic!("{e}"),
            }
        }
        if let Some(tx) = blocked_tx.take() {
            let _ = tx.send(off);
        }
    });
    let mut page = Page::connect(&relay).await;
    let s = page.tcp_connect(1, la, FIRST).await;
    // The page takes only the first 64 KiB and then stops granting credit.
    let first = page.recv_exact_no_credit(s, FIRST as usize).await;
    assert_eq!(first, pattern(0, FIRST as usize));
    let blocked_at = tokio::time::timeout(BOUND, blocked_rx)
        .await
        .unwrap()
        .unwrap();
    assert!(blocked_at < TOTAL, "the peer was never pushed back");
    // The relay read exactly what was granted: the rest waits in kernel buffers.
    assert_eq!(relay_bytes_to_page(&relay).await, u64::from(FIRST));

    // Another socket on the same WebSocket is not held up.
    let echo = echo_server().await;
    let e = page.tcp_connect(2, echo, 4096).await;
    page.sender.send_all(e, b"still alive").await;
    assert_eq!(page.recv_exact(e, 11).await, b"still alive");

    // Reading again gets every byte, in order.
    page.credit(s, 1 << 20);
    let mut got = FIRST as usize;
    while got < TOTAL {
        let chunk = page.recv_exact(s, (TOTAL - got).min(1 << 20)).await;
        assert_eq!(chunk, pattern(got, chunk.len()), "differs at {got}");
        got += chunk.len();
    }
    assert!(page.recv_to_eof(s).await.is_empty());
}

async fn relay_bytes_to_page(relay: &TestRelay) -> u64 {
    let (_, body) = relay.get("/metrics").await;
    body.lines()
        .find_map(|l| l.strip_prefix("socklab_bytes_to_page_total "))
        .and_then(|v| v.trim().parse().ok())
        .expect("metric missing")
}

/// A listener that counts every connection that reaches it.
async fn counting_listener() -> (
    SocketAddr,
    Arc<AtomicUsize>,
    tokio::sync::mpsc::UnboundedReceiver<()>,
) {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let a = l.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let c = count.clone();
    tokio::spawn(async move {
        while let Ok((s, _)) = l.accept().await {
            c.fetch_add(1, Ordering::SeqCst);
            let _ = tx.send(());
            drop(s);
        }
    });
    (a, count, rx)
}

#[tokio::test]
async fn public_mode_refuses_every_spelling_and_nothing_connects() {
    let relay = TestRelay::start(public()).await;
    let (target, count, mut accepted) = counting_listener().await;
    let port = target.port();
    let mut page = Page::connect(&relay).await;
    let cases: &[(&str, Family, &str, &str)] = &[
        ("127.1", Family::Inet, "loopback", "127.0.0.1"),
        ("2130706433", Family::Inet, "loopback", "127.0.0.1"),
        ("0x7f000001", Family::Inet, "loopback", "127.0.0.1"),
        ("0177.0.0.1", Family::Inet, "loopback", "127.0.0.1"),
        ("0.0.0.0", Family::Inet, "unspecified", "0.0.0.0"),
        ("[::]", Family::Inet6, "unspecified", "[::]"),
        ("[::ffff:127.0.0.1]", Family::Inet6, "loopback", "127.0.0.1"),
        (
            "[::ffff:169.254.169.254]",
            Family::Inet6,
            "link-local",
            "169.254.169.254",
        ),
        (
            "169.254.169.254",
            Family::Inet,
            "link-local",
            "169.254.169.254",
        ),
        ("10.0.0.1", Family::Inet, "private", "10.0.0.1"),
        ("fe80::1", Family::Inet6, "link-local", "[fe80::1]"),
        ("localhost", Family::Inet, "loopback", "127.0.0.1"),
    ];
    for (i, (host, family, rule, shown)) in cases.iter().enumerate() {
        let s = page.socket(i as u32 + 1, *family, SockType::Stream).await;
        let r = page
            .request(Op::Connect {
                sock: s,
                addr: Addr::new(*host, port),
                timeout_ms: 0,
            })
            .await;
        let e = r.expect_err(host);
        assert_eq!(e.errno, errno::EACCES, "{host}: {e:?}");
        assert_eq!(
            e.message,
            format!("socklab relay refused {shown}:{port} (rule: {rule})"),
            "{host}"
        );
    }
    // UDP is checked the same way, per datagram.
    let u = page.socket(100, Family::Inet, SockType::Dgram).await;
    let r = page
        .request(Op::SendTo {
            sock: u,
            addr: Some(Addr::new("127.1", port)),
            data: b"x".to_vec(),
        })
        .await;
    assert_eq!(r.map_err(|e| e.errno), Err(errno::EACCES));

    // A control connection made directly: once the listener has seen it, any connection
    // from the relay would have been seen before it.
    let _control = tokio::net::TcpStream::connect(target).await.unwrap();
    tokio::time::timeout(BOUND, accepted.recv()).await.unwrap();
    assert_eq!(
        count.load(Ordering::SeqCst),
        1,
        "a refused address was reached"
    );

    let (_, metrics) = relay.get("/metrics").await;
    assert!(
        metrics.contains("socklab_refusals_total{rule=\"loopback\"} 7"),
        "{metrics}"
    );
    assert!(
        metrics.contains("socklab_refusals_total{rule=\"link-local\"} 3"),
        "{metrics}"
    );
}

#[tokio::test]
async fn public_mode_reaches_loopback_at_ports_its_own_listeners_opened() {
    let relay = TestRelay::start(public()).await;
    let mut page = Page::connect(&relay).await;
    let l = page.socket(1, Family::Inet, SockType::Stream).await;
    let r = page
        .request(Op::Bind {
            sock: l,
            addr: Addr::new("", 0),
        })
        .await;
    let Ok(Done::Addr(bound)) = r else {
        panic!("{r:?}")
    };
    assert_eq!(bound.host, "0.0.0.0");
    assert_eq!(
        page.request(Op::Listen {
            sock: l,
            backlog: 5
        })
        .await,
        Ok(Done::Unit)
    );
    // Another page (a classmate's client tab) connects to it through the relay.
    let mut other = Page::connect(&relay).await;
    let c = other.socket(1, Family::Inet, SockType::Stream).await;
    let r = other
        .request(Op::Connect {
            sock: c,
            addr: Addr::new("127.0.0.1", bound.port),
            timeout_ms: 0,
        })
        .await;
    assert!(matches!(r, Ok(Done::Conn { .. })), "{r:?}");
    page.event(|m| matches!(m, ServerMsg::Incoming { .. }))
        .await;
    // Privileged and out-of-range ports are refused at bind.
    let p = page.socket(2, Family::Inet, SockType::Stream).await;
    let r = page
        .request(Op::Bind {
            sock: p,
            addr: Addr::new("", 80),
        })
        .await;
    let e = r.unwrap_err();
    assert_eq!(e.errno, errno::EACCES);
    assert!(
        e.message.ends_with("(rule: privileged-port)"),
        "{}",
        e.message
    );
    // The relay's own port is refused even in loopback mode.
    let relay2 = TestRelay::start(Config::default()).await;
    let mut p2 = Page::connect(&relay2).await;
    let s = p2.socket(1, Family::Inet, SockType::Stream).await;
    let r = p2
        .request(Op::Connect {
            sock: s,
            addr: addr(relay2.addr),
            timeout_ms: 0,
        })
        .await;
    assert!(r.unwrap_err().message.ends_with("(rule: relay-port)"));
}

#[tokio::test]
async fn malformed_requests_get_an_error_and_the_session_goes_on() {
    let relay = TestRelay::start(Config::default()).await;
    let mut page = Page::connect(&relay).await;
    // A request whose op byte is unknown: answered with EINVAL under its own id.
    page.sender
        .raw(tokio_tungstenite::tungstenite::Message::Binary(
            vec![0x02, 0, 0, 0, 42, 0xee].into(),
        ));
    let r = page.reply(socklab_proto::RequestId(42)).await;
    let e = r.unwrap_err();
    assert_eq!(e.errno, errno::EINVAL);
    assert!(e.message.starts_with("malformed request"), "{}", e.message);
    // Still usable.
    let r = page
        .request(Op::Resolve {
            host: "127.0.0.1".into(),
            family: None,
        })
        .await;
    assert_eq!(r, Ok(Done::Hosts(vec!["127.0.0.1".into()])));
}

#[tokio::test]
async fn broken_frames_close_only_their_own_session() {
    let relay = TestRelay::start(Config::default()).await;
    let echo = echo_server().await;
    let mut good = Page::connect(&relay).await;
    let g = good.tcp_connect(1, echo, 4096).await;

    let mut bad = Page::connect(&relay).await;
    bad.sender
        .raw(tokio_tungstenite::tungstenite::Message::Binary(
            vec![0x7e, 1, 2].into(),
        ));
    assert_eq!(bad.closed().await.code, 1002);

    let mut text = Page::connect(&relay).await;
    text.sender
        .raw(tokio_tungstenite::tungstenite::Message::Text(
            "hello".into(),
        ));
    assert_eq!(text.closed().await.code, 1003);

    let mut big = Page::connect(&relay).await;
    big.sender
        .raw(tokio_tungstenite::tungstenite::Message::Binary(
            vec![3u8; 200_000].into(),
        ));
    assert_eq!(big.closed().await.code, 1009);

    good.sender.send_all(g, b"unaffected").await;
    assert_eq!(good.recv_exact(g, 10).await, b"unaffected");
}

#[tokio::test]
async fn unknown_and_closed_socket_ids_are_ebadf() {
    let relay = TestRelay::start(Config::default()).await;
    let mut page = Page::connect(&relay).await;
    let r = page
        .request(Op::Bind {
            sock: SocketId(99),
            addr: Addr::new("", 0),
        })
        .await;
    assert_eq!(r.map_err(|e| e.errno), Err(errno::EBADF));
    page.send(&ClientMsg::Data {
        sock: SocketId(98),
        data: b"x".to_vec(),
    });
    let m = page
        .event(|m| matches!(m, ServerMsg::SocketError { .. }))
        .await;
    assert!(
        matches!(m, ServerMsg::SocketError { sock: SocketId(98), ref error } if error.errno == errno::EBADF),
        "{m:?}"
    );
    let s = page.socket(1, Family::Inet, SockType::Stream).await;
    assert_eq!(page.request(Op::Close { sock: s }).await, Ok(Done::Unit));
    let r = page
        .request(Op::Listen {
            sock: s,
            backlog: 1,
        })
        .await;
    assert_eq!(r.map_err(|e| e.errno), Err(errno::EBADF));
    let r = page.request(Op::Close { sock: s }).await;
    assert_eq!(r.map_err(|e| e.errno), Err(errno::EBADF));
    // A live id cannot be created twice.
    let t = page.socket(2, Family::Inet, SockType::Stream).await;
    let r = page
        .request(Op::Socket {
            sock: t,
            family: Family::Inet,
            ty: SockType::Dgram,
        })
        .await;
    assert_eq!(r.map_err(|e| e.errno), Err(errno::EINVAL));
}

#[tokio::test]
async fn data_beyond_send_credit_is_refused() {
    let relay = TestRelay::start(Config::default()).await;
    // Tiny kernel buffers on both ends and a peer that never reads: the kernel takes a few
    // KiB at most, so at most that much credit comes back during the test.
    let ls = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    ls.set_recv_buffer_size(4096).unwrap();
    ls.bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())
        .unwrap();
    ls.listen(1).unwrap();
    ls.set_nonblocking(true).unwrap();
    let l = tokio::net::TcpListener::from_std(ls.into()).unwrap();
    let la = l.local_addr().unwrap();
    let _hold = tokio::spawn(async move {
        let (s, _) = l.accept().await.unwrap();
        std::future::pending::<()>().await;
        drop(s);
    });
    let mut page = Page::connect(&relay).await;
    let s = page.socket(1, Family::Inet, SockType::Stream).await;
    let r = page
        .request(Op::SetSockOpt {
            sock: s,
            opt: SockOpt::SndBuf,
            value: 4096,
        })
        .await;
    assert_eq!(r, Ok(Done::Unit));
    let r = page
        .request(Op::Connect {
            sock: s,
            addr: addr(la),
            timeout_ms: 0,
        })
        .await;
    assert!(matches!(r, Ok(Done::Conn { .. })), "{r:?}");
    // The initial credit, then far more than the two tiny buffers can hold.
    let initial = socklab_relay::INITIAL_SEND_CREDIT as usize;
    for chunk in vec![0u8; initial + (256 << 10)].chunks(socklab_proto::MAX_DATA) {
        page.send(&ClientMsg::Data {
            sock: s,
            data: chunk.to_vec(),
        });
    }
    let m = page
        .event(|m| matches!(m, ServerMsg::SocketError { .. }))
        .await;
    assert!(
        matches!(m, ServerMsg::SocketError { ref error, .. } if error.errno == errno::ENOBUFS),
        "{m:?}"
    );
}

#[tokio::test]
async fn origin_must_be_the_page_or_allowed() {
    let config = Config {
        allow_origin: vec!["https://lab.example".into()],
        ..Config::default()
    };
    let relay = TestRelay::start(config).await;
    let url = relay.ws_url();
    let err = Page::open(&url, Some("http://evil.example"))
        .await
        .err()
        .expect("evil origin accepted");
    match err {
        tokio_tungstenite::tungstenite::Error::Http(resp) => assert_eq!(resp.status(), 403),
        other => panic!("{other:?}"),
    }
    // A site rebound to 127.0.0.1 is "same origin" by Host but not a loopback name.
    assert!(Page::open(&url, Some(&format!("http://{}", relay.addr)))
        .await
        .is_ok());
    assert!(Page::open(&url, Some("https://lab.example")).await.is_ok());
    assert!(Page::open(&url, None).await.is_ok());
}

#[tokio::test]
async fn token_is_required_when_set() {
    let config = Config {
        token: Some("sesame".into()),
        ..Config::default()
    };
    let relay = TestRelay::start(config).await;
    let mut wrong = Page::open(&relay.ws_url(), None).await.unwrap();
    wrong.send(&ClientMsg::Hello {
        version: 1,
        token: "guess".into(),
    });
    let c = wrong.closed().await;
    assert_eq!((c.code, c.reason.as_str()), (1008, "bad join token"));
    let right = Page::connect_with(&relay, None, "sesame").await;
    assert!(right.welcome.is_some());
    let mut old = Page::open(&relay.ws_url(), None).await.unwrap();
    old.send(&ClientMsg::Hello {
        version: 99,
        token: "sesame".into(),
    });
    assert_eq!(old.closed().await.code, 1002);
}

#[tokio::test]
async fn caps_on_sockets_and_sessions() {
    let config = Config {
        max_sockets_per_session: 2,
        max_sessions_per_addr: 1,
        ..Config::default()
    };
    let relay = TestRelay::start(config).await;
    let mut page = Page::connect(&relay).await;
    page.socket(1, Family::Inet, SockType::Stream).await;
    page.socket(2, Family::Inet, SockType::Dgram).await;
    let r = page
        .request(Op::Socket {
            sock: SocketId(3),
            family: Family::Inet,
            ty: SockType::Stream,
        })
        .await;
    assert_eq!(r.map_err(|e| e.errno), Err(errno::EMFILE));
    match Page::open(&relay.ws_url(), None).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => assert_eq!(resp.status(), 429),
        Err(other) => panic!("{other:?}"),
        Ok(_) => panic!("second session admitted"),
    }
}

#[tokio::test]
async fn socket_options_and_names() {
    let relay = TestRelay::start(Config::default()).await;
    let mut page = Page::connect(&relay).await;
    let s = page.socket(1, Family::Inet, SockType::Stream).await;
    let get = |opt| Op::GetSockOpt { sock: s, opt };
    assert_eq!(page.request(get(SockOpt::Type)).await, Ok(Done::Int(1)));
    assert_eq!(
        page.request(get(SockOpt::ReuseAddr)).await,
        Ok(Done::Int(0))
    );
    assert_eq!(
        page.request(Op::SetSockOpt {
            sock: s,
            opt: SockOpt::ReuseAddr,
            value: 1
        })
        .await,
        Ok(Done::Unit)
    );
    assert_eq!(
        page.request(get(SockOpt::ReuseAddr)).await,
        Ok(Done::Int(1))
    );
    assert_eq!(
        page.request(Op::SetSockOpt {
            sock: s,
            opt: SockOpt::TcpNoDelay,
            value: 1
        })
        .await,
        Ok(Done::Unit)
    );
    assert_eq!(
        page.request(get(SockOpt::TcpNoDelay)).await,
        Ok(Done::Int(1))
    );
    assert_eq!(page.request(get(SockOpt::Error)).await, Ok(Done::Int(0)));
    assert_eq!(
        page.request(Op::GetSockName { sock: s }).await,
        Ok(Done::Addr(Addr::new("0.0.0.0", 0)))
    );
    assert_eq!(
        page.request(Op::GetPeerName { sock: s })
            .await
            .map_err(|e| e.errno),
        Err(errno::ENOTCONN)
    );
    let u = page.socket(2, Family::Inet, SockType::Dgram).await;
    assert_eq!(
        page.request(Op::GetSockOpt {
            sock: u,
            opt: SockOpt::Type
        })
        .await,
        Ok(Done::Int(2))
    );
    assert_eq!(
        page.request(Op::SetSockOpt {
            sock: u,
            opt: SockOpt::Broadcast,
            value: 1
        })
        .await,
        Ok(Done::Unit)
    );
    assert_eq!(
        page.request(Op::GetSockOpt {
            sock: u,
            opt: SockOpt::Broadcast
        })
        .await,
        Ok(Done::Int(1))
    );
}

#[tokio::test]
async fn resolve_names_and_the_hostname() {
    let relay = TestRelay::start(Config::default()).await;
    let mut page = Page::connect(&relay).await;
    let r = page
        .request(Op::Resolve {
            host: "localhost".into(),
            family: Some(Family::Inet),
        })
        .await;
    assert_eq!(r, Ok(Done::Hosts(vec!["127.0.0.1".into()])));
    let host = gethostname::gethostname().to_string_lossy().into_owned();
    let r = page
        .request(Op::Resolve {
            host: host.clone(),
            family: None,
        })
        .await;
    assert!(
        matches!(r, Ok(Done::Hosts(ref h)) if !h.is_empty()),
        "{r:?}"
    );
    let r = page
        .request(Op::Resolve {
            host: "no-such-host.invalid".into(),
            family: None,
        })
        .await;
    assert_eq!(r.map_err(|e| e.errno), Err(errno::EAI_NONAME));
    // A server binds the hostname, as lesson 03 does, and a client reaches it by name.
    let l = page.socket(1, Family::Inet, SockType::Stream).await;
    let r = page
        .request(Op::Bind {
            sock: l,
            addr: Addr::new(host.clone(), 0),
        })
        .await;
    let Ok(Done::Addr(bound)) = r else {
        panic!("{r:?}")
    };
    assert_eq!(
        page.request(Op::Listen {
            sock: l,
            backlog: 5
        })
        .await,
        Ok(Done::Unit)
    );
    let c = page.socket(2, Family::Inet, SockType::Stream).await;
    let r = page
        .request(Op::Connect {
            sock: c,
            addr: Addr::new(host, bound.port),
            timeout_ms: 0,
        })
        .await;
    assert!(matches!(r, Ok(Done::Conn { .. })), "{r:?}");
}

#[tokio::test]
async fn http_endpoints() {
    let relay = TestRelay::start(Config::default()).await;
    let (status, body) = relay.get("/healthz").await;
    assert!(status.contains("200"), "{status}");
    assert_eq!(body, "ok\n");
    let (status, body) = relay.get("/").await;
    assert!(status.contains("200"), "{status}");
    assert!(body.to_lowercase().contains("<html"), "{body}");
    let (status, _) = relay.get("/no-such-file.txt").await;
    assert!(status.contains("404"), "{status}");
    let (_, metrics) = relay.get("/metrics").await;
    assert!(metrics.contains("# TYPE socklab_sessions gauge"));
    assert!(metrics.contains("socklab_sockets{kind=\"tcp_stream\"}"));
}

#[tokio::test]
async fn shutdown_closes_sessions_with_1001_and_serve_returns() {
    let relay = TestRelay::start(Config::default()).await;
    let echo = echo_server().await;
    let mut page = Page::connect(&relay).await;
    let _s = page.tcp_connect(1, echo, 4096).await;
    relay.shutdown.cancel();
    let c = page.closed().await;
    assert_eq!(c.code, 1001);
    tokio::time::timeout(BOUND, relay.handle)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn a_closed_server_port_can_be_bound_again_at_once() {
    let relay = TestRelay::start(Config::default()).await;
    let mut page = Page::connect(&relay).await;
    let mut port = 0;
    // Each round is a re-run of a server lesson on the same port.
    for round in 0..5u32 {
        let l = page
            .socket(10 + round, Family::Inet, SockType::Stream)
            .await;
        let r = page
            .request(Op::Bind {
                sock: l,
                addr: Addr::new("127.0.0.1", port),
            })
            .await;
        let Ok(Done::Addr(bound)) = r else {
            panic!("round {round}: {r:?}")
        };
        port = bound.port;
        assert_eq!(
            page.request(Op::Listen {
                sock: l,
                backlog: 5
            })
            .await,
            Ok(Done::Unit)
        );
        assert_eq!(page.request(Op::Close { sock: l }).await, Ok(Done::Unit));
    }
    let mut uport = 0;
    for round in 0..5u32 {
        let u = page.socket(20 + round, Family::Inet, SockType::Dgram).await;
        let r = page
            .request(Op::Bind {
                sock: u,
                addr: Addr::new("127.0.0.1", uport),
            })
            .await;
        let Ok(Done::Addr(bound)) = r else {
            panic!("round {round}: {r:?}")
        };
        uport = bound.port;
        assert_eq!(page.request(Op::Close { sock: u }).await, Ok(Done::Unit));
    }
}

#[tokio::test]
async fn an_idle_session_is_closed_with_1001() {
    let config = Config {
        idle_timeout: std::time::Duration::from_millis(300),
        ..Config::default()
    };
    let relay = TestRelay::start(config).await;
    let mut page = Page::connect(&relay).await;
    let c = page.closed().await;
    assert_eq!((c.code, c.reason.as_str()), (1001, "idle timeout"));
}

/// The bytes-per-second cap, end to end: with a cap of `RATE`, moving `TOTAL` bytes each
/// way cannot finish before the one-second burst plus `(TOTAL - RATE) / RATE` seconds,
/// however fast the machine is; the bytes still all arrive, in order. (A lower bound only:
/// a slow machine cannot make it fail, a missing cap makes it finish in milliseconds.)
#[tokio::test]
async fn the_bytes_per_second_cap_slows_each_direction_and_loses_nothing() {
    const RATE: usize = 128 * 1024;
    const TOTAL: usize = 4 * RATE;
    let floor = std::time::Duration::from_secs_f64((TOTAL - RATE) as f64 / RATE as f64 * 0.9);
    let relay = TestRelay::start(Config {
        max_bytes_per_sec: RATE as u64,
        ..Config::default()
    })
    .await;

    // page → peer: a peer that reads everything, then reports it.
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sink = l.local_addr().unwrap();
    let reader = tokio::spawn(async move {
        let (mut s, _) = l.accept().await.unwrap();
        let mut got = Vec::new();
        s.read_to_end(&mut got).await.unwrap();
        got
    });
    let mut page = Page::connect(&relay).await;
    let s = page.tcp_connect(1, sink, 0).await;
    let t0 = std::time::Instant::now();
    page.sender.send_all(s, &pattern(0, TOTAL)).await;
    assert_eq!(
        page.request(Op::Shutdown {
            sock: s,
            how: Shutdown::Write
        })
        .await,
        Ok(Done::Unit)
    );
    let got = tokio::time::timeout(BOUND, reader).await.unwrap().unwrap();
    let took = t0.elapsed();
    assert!(got == pattern(0, TOTAL), "page→peer bytes differ");
    assert!(
        took >= floor,
        "page→peer took {took:?}, the cap allows no less than {floor:?}"
    );

    // peer → page: a peer that writes everything as fast as it can, then closes.
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let source = l.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut s, _) = l.accept().await.unwrap();
        s.write_all(&pattern(0, TOTAL)).await.unwrap();
    });
    let mut page = Page::connect(&relay).await;
    let t0 = std::time::Instant::now();
    let s = page.tcp_connect(1, source, 1 << 20).await;
    let got = page.recv_to_eof(s).await;
    let took = t0.elapsed();
    assert!(got == pattern(0, TOTAL), "peer→page bytes differ");
    assert!(
        took >= floor,
        "peer→page took {took:?}, the cap allows no less than {floor:?}"
    );
}
