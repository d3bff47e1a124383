//! The engine against a scripted fake relay: proto frames in, frames, completions and events out.

use socklab_client::{Config, Engine, EngineError, ScriptId, WireEventKind, LOST_MESSAGE};
use socklab_lang::host::{
    errno, Addr, Family, Location, Op, OpId, OsError, Reply, Shutdown, SockOpt, SockType,
    SocketCall, SocketHandle,
};
use socklab_proto::{self as proto, ClientMsg, Done, RequestId, ServerMsg, SocketId};

const A: ScriptId = ScriptId(1);
const B: ScriptId = ScriptId(2);
const WINDOW: u32 = 1000;

/// An engine with the relay's side played by the test.
struct Relay {
    engine: Engine,
    now: f64,
    next_op: OpId,
}

fn at(line: u32) -> Location {
    Location { thread: 0, line }
}

fn addr(host: &str, port: u16) -> Addr {
    Addr::new(host, port)
}

fn paddr(host: &str, port: u16) -> proto::Addr {
    proto::Addr::new(host, port)
}

fn err(errno: i32) -> OsError {
    OsError {
        errno,
        message: proto::errno::strerror(errno).to_string(),
    }
}

impl Relay {
    /// Hello checked, Welcome given.
    fn new() -> Relay {
        let mut engine = Engine::new(Config {
            token: "join".into(),
            recv_window: WINDOW,
        });
        let hello = ClientMsg::decode(&engine.poll_transmit().expect("hello")).unwrap();
        assert_eq!(
            hello,
            ClientMsg::Hello {
                version: proto::PROTOCOL_VERSION,
                token: "join".into()
            }
        );
        let mut relay = Relay {
            engine,
            now: 0.0,
            next_op: 1,
        };
        relay.feed(ServerMsg::Welcome {
            version: proto::PROTOCOL_VERSION,
            hostname: "labhost".into(),
            max_data: 100,
        });
        relay
    }

    fn feed(&mut self, msg: ServerMsg) {
        self.engine.receive(&msg.encode()).expect("a good frame");
    }

    fn sent(&mut self) -> Vec<ClientMsg> {
        let mut out = Vec::new();
        while let Some(frame) = self.engine.poll_transmit() {
            out.push(ClientMsg::decode(&frame).expect("engine frames decode"));
        }
        out
    }

    /// The one request the engine sent.
    fn request(&mut self) -> (RequestId, proto::Op) {
        match self.sent().as_slice() {
            [ClientMsg::Request { id, op }] => (*id, op.clone()),
            other => panic!("expected one request, got {other:?}"),
        }
    }

    fn reply(&mut self, id: RequestId, result: Result<Done, proto::OsError>) {
        self.feed(ServerMsg::Reply { id, result });
    }

    fn submit(&mut self, script: ScriptId, op: Op, line: u32) -> OpId {
        let id = self.next_op;
        self.next_op += 1;
        self.engine.submit(script, id, op, at(line), self.now);
        id
    }

    fn call(&mut self, script: ScriptId, fd: i32, call: SocketCall, timeout: Option<f64>) -> OpId {
        let op = Op::Socket {
            sock: SocketHandle(fd),
            call,
            timeout,
        };
        self.submit(script, op, 10)
    }

    fn done(&mut self) -> Vec<(ScriptId, OpId, Reply)> {
        std::iter::from_fn(|| self.engine.poll_completion()).collect()
    }

    /// The single completion, which must be for `id`.
    fn reply_of(&mut self, id: OpId) -> Reply {
        match self.done().as_slice() {
            [(_, got, reply)] if *got == id => reply.clone(),
            other => panic!("expected one completion for op {id}, got {other:?}"),
        }
    }

    fn events(&mut self) -> Vec<WireEventKind> {
        std::iter::from_fn(|| self.engine.poll_event())
            .map(|e| e.kind)
            .collect()
    }

    /// A socket created for `script`: its fd and relay id.
    fn socket(&mut self, script: ScriptId, kind: SockType) -> (i32, SocketId) {
        let op = self.submit(
            script,
            Op::Create {
                family: Family::Inet,
                kind,
            },
            2,
        );
        let (rid, req) = self.request();
        let proto::Op::Socket { sock, .. } = req else {
            panic!("not a Socket request: {req:?}")
        };
        self.reply(rid, Ok(Done::Unit));
        let Reply::Created(SocketHandle(fd)) = self.reply_of(op) else {
            panic!("not created")
        };
        (fd, sock)
    }

    /// A connected TCP socket with `credit` bytes of send credit; the initial receive
    /// credit frame is consumed.
    fn connected(&mut self, script: ScriptId, credit: u32) -> (i32, SocketId) {
        let (fd, sock) = self.socket(script, SockType::Stream);
        let op = self.call(script, fd, SocketCall::Connect(addr("127.0.0.1", 80)), None);
        let (rid, _) = self.request();
        self.reply(
            rid,
            Ok(Done::Conn {
                local: paddr("127.0.0.1", 40000),
                peer: paddr("127.0.0.1", 80),
            }),
        );
        assert!(matches!(self.reply_of(op), Reply::Connected { .. }));
        assert_eq!(
            self.sent(),
            [ClientMsg::Credit {
                sock,
                bytes: WINDOW
            }]
        );
        if credit > 0 {
            self.feed(ServerMsg::SendCredit {
                sock,
                bytes: credit,
            });
        }
        self.events();
        (fd, sock)
    }

    /// A bound UDP socket (its initial receive credit consumed).
    fn udp(&mut self, script: ScriptId) -> (i32, SocketId) {
        let (fd, sock) = self.socket(script, SockType::Dgram);
        let op = self.call(script, fd, SocketCall::Bind(addr("", 9999)), None);
        let (rid, _) = self.request();
        self.reply(rid, Ok(Done::Addr(paddr("0.0.0.0", 9999))));
        assert!(matches!(self.reply_of(op), Reply::Bound { .. }));
        assert_eq!(
            self.sent(),
            [ClientMsg::Credit {
                sock,
                bytes: WINDOW
            }]
        );
        self.events();
        (fd, sock)
    }

    fn data(&mut self, sock: SocketId, bytes: &[u8]) {
        self.feed(ServerMsg::Data {
            sock,
            data: bytes.to_vec(),
        });
    }
}

fn recv(max: usize) -> SocketCall {
    SocketCall::Recv { max }
}

// ---- session ----

#[test]
fn hello_goes_first_and_the_welcome_names_the_host() {
    let mut engine = Engine::new(Config::default());
    assert!(!engine.is_ready());
    assert_eq!(engine.hostname(), None);
    let hello = ClientMsg::decode(&engine.poll_transmit().unwrap()).unwrap();
    assert!(matches!(hello, ClientMsg::Hello { version: 1, .. }));
    let welcome = ServerMsg::Welcome {
        version: 1,
        hostname: "classroom".into(),
        max_data: 65536,
    };
    engine.receive(&welcome.encode()).unwrap();
    assert!(engine.is_ready());
    assert_eq!(engine.hostname(), Some("classroom"));
}

#[test]
fn bad_frames_are_typed_errors() {
    let mut engine = Engine::new(Config::default());
    assert!(matches!(engine.receive(&[]), Err(EngineError::Decode(_))));
    assert!(matches!(
        engine.receive(&[0x01, 0, 1]),
        Err(EngineError::Decode(_))
    ));
    let welcome = ServerMsg::Welcome {
        version: 9,
        hostname: "h".into(),
        max_data: 1,
    };
    assert_eq!(
        engine.receive(&welcome.encode()),
        Err(EngineError::Version { relay: 9, ours: 1 })
    );
    assert!(!engine.is_ready());
    let stray = ServerMsg::Reply {
        id: RequestId(77),
        result: Ok(Done::Unit),
    };
    assert_eq!(
        engine.receive(&stray.encode()),
        Err(EngineError::UnknownRequest(77))
    );
}

#[test]
fn data_beyond_the_granted_credit_is_refused() {
    let mut r = Relay::new();
    let (_, sock) = r.connected(A, 0);
    let flood = ServerMsg::Data {
        sock,
        data: vec![0; WINDOW as usize + 1],
    };
    assert_eq!(
        r.engine.receive(&flood.encode()),
        Err(EngineError::CreditExceeded {
            sock: sock.0,
            got: WINDOW as usize + 1,
            granted: WINDOW
        })
    );
}

// ---- sockets and fds ----

#[test]
fn fds_count_from_3_per_script_and_socket_ids_are_engine_wide() {
    let mut r = Relay::new();
    let (a3, sa3) = r.socket(A, SockType::Stream);
    let (a4, sa4) = r.socket(A, SockType::Dgram);
    let (b3, sb3) = r.socket(B, SockType::Stream);
    assert_eq!((a3, a4, b3), (3, 4, 3));
    assert!(sa3 != sa4 && sa3 != sb3 && sa4 != sb3);
    // A closed fd is reused first, as the kernel does.
    let op = r.call(A, 3, SocketCall::Close, None);
    assert_eq!(r.reply_of(op), Reply::Done);
    assert!(matches!(r.request().1, proto::Op::Close { sock } if sock == sa3));
    let (again, _) = r.socket(A, SockType::Stream);
    assert_eq!(again, 3);
    assert!(r.events().contains(&WireEventKind::Created {
        family: Family::Inet,
        kind: SockType::Stream
    }));
}

#[test]
fn a_refused_socket_frees_its_fd() {
    let mut r = Relay::new();
    let op = r.submit(
        A,
        Op::Create {
            family: Family::Inet,
            kind: SockType::Stream,
        },
        1,
    );
    let (rid, _) = r.request();
    r.reply(rid, Err(proto::OsError::new(proto::errno::EMFILE)));
    assert_eq!(r.reply_of(op), Reply::Err(err(24)));
    assert_eq!(r.socket(A, SockType::Stream).0, 3);
}

#[test]
fn calls_on_unknown_fds_are_ebadf_and_closing_twice_is_fine() {
    let mut r = Relay::new();
    let op = r.call(A, 7, recv(10), None);
    assert_eq!(r.reply_of(op), Reply::Err(err(errno::EBADF)));
    let op = r.call(A, 7, SocketCall::Close, None);
    assert_eq!(r.reply_of(op), Reply::Done);
    assert!(r.sent().is_empty());
}

#[test]
fn ops_the_engine_does_not_own_are_refused() {
    let mut r = Relay::new();
    assert!(!Engine::handles(&Op::Input));
    assert!(Engine::handles(&Op::Resolve { host: "x".into() }));
    let op = r.submit(A, Op::Sleep { seconds: 1.0 }, 1);
    assert!(matches!(r.reply_of(op), Reply::Err(e) if e.errno == errno::EINVAL));
}

// ---- server side ----

#[test]
fn bind_listen_then_accept_waits_for_incoming() {
    let mut r = Relay::new();
    let (fd, sock) = r.socket(A, SockType::Stream);
    r.events();
    let op = r.call(A, fd, SocketCall::Bind(addr("127.0.0.1", 8000)), None);
    let (rid, req) = r.request();
    assert_eq!(
        req,
        proto::Op::Bind {
            sock,
            addr: paddr("127.0.0.1", 8000)
        }
    );
    r.reply(rid, Ok(Done::Addr(paddr("127.0.0.1", 8000))));
    assert_eq!(
        r.reply_of(op),
        Reply::Bound {
            local: addr("127.0.0.1", 8000)
        }
    );
    // A TCP socket gets no receive credit for binding: only connections carry data.
    assert!(r.sent().is_empty());
    let op = r.call(A, fd, SocketCall::Listen { backlog: 5 }, None);
    let (rid, req) = r.request();
    assert_eq!(req, proto::Op::Listen { sock, backlog: 5 });
    r.reply(rid, Ok(Done::Unit));
    assert_eq!(r.reply_of(op), Reply::Done);

    let op = r.call(A, fd, SocketCall::Accept, None);
    assert!(r.sent().is_empty(), "accept waits for Incoming");
    assert!(r.done().is_empty());
    r.feed(ServerMsg::Incoming { sock });
    let (rid, req) = r.request();
    let proto::Op::Accept { sock: l, new_sock } = req else {
        panic!("{req:?}")
    };
    assert_eq!(l, sock);
    r.reply(
        rid,
        Ok(Done::Conn {
            local: paddr("127.0.0.1", 8000),
            peer: paddr("127.0.0.1", 50000),
        }),
    );
    assert_eq!(
        r.reply_of(op),
        Reply::Accepted {
            sock: SocketHandle(4),
            local: addr("127.0.0.1", 8000),
            peer: addr("127.0.0.1", 50000)
        }
    );
    assert_eq!(
        r.sent(),
        [ClientMsg::Credit {
            sock: new_sock,
            bytes: WINDOW
        }]
    );
    assert_eq!(
        r.events(),
        [
            WireEventKind::Bound {
                local: addr("127.0.0.1", 8000)
            },
            WireEventKind::Listening { backlog: 5 },
            WireEventKind::Incoming,
            WireEventKind::Accepted {
                local: addr("127.0.0.1", 8000),
                peer: addr("127.0.0.1", 50000),
                new_fd: 4
            },
        ]
    );
}

fn listener(r: &mut Relay) -> (i32, SocketId) {
    let (fd, sock) = r.socket(A, SockType::Stream);
    let op = r.call(A, fd, SocketCall::Listen { backlog: 1 }, None);
    let (rid, _) = r.request();
    r.reply(rid, Ok(Done::Unit));
    r.reply_of(op);
    r.events();
    (fd, sock)
}

#[test]
fn a_queued_connection_is_taken_at_once() {
    let mut r = Relay::new();
    let (fd, sock) = listener(&mut r);
    r.feed(ServerMsg::Incoming { sock });
    r.feed(ServerMsg::Incoming { sock });
    assert!(r.sent().is_empty(), "no accept before the script calls it");
    r.call(A, fd, SocketCall::Accept, None);
    assert!(matches!(r.request().1, proto::Op::Accept { .. }));
    r.call(A, fd, SocketCall::Accept, Some(0.0));
    assert!(
        matches!(r.request().1, proto::Op::Accept { .. }),
        "a non-blocking accept takes the second"
    );
}

#[test]
fn accept_nonblocking_timeout_and_wrong_state() {
    let mut r = Relay::new();
    let (plain, _) = r.socket(A, SockType::Stream);
    let op = r.call(A, plain, SocketCall::Accept, None);
    assert_eq!(r.reply_of(op), Reply::Err(err(errno::EINVAL)));
    let (fd, _) = listener(&mut r);
    let op = r.call(A, fd, SocketCall::Accept, Some(0.0));
    assert_eq!(r.reply_of(op), Reply::Err(err(errno::EAGAIN)));
    r.now = 100.0;
    let op = r.call(A, fd, SocketCall::Accept, Some(2.5));
    assert_eq!(r.engine.next_deadline(), Some(102.5));
    r.engine.handle_timeout(102.4);
    assert!(r.done().is_empty());
    r.engine.handle_timeout(102.5);
    assert_eq!(r.reply_of(op), Reply::TimedOut);
    assert_eq!(r.engine.next_deadline(), None);
    assert!(r
        .events()
        .contains(&WireEventKind::TimedOut { call: "accept" }));
}

#[test]
fn an_accept_that_finds_the_queue_empty_waits_again() {
    let mut r = Relay::new();
    let (fd, sock) = listener(&mut r);
    r.feed(ServerMsg::Incoming { sock });
    let op = r.call(A, fd, SocketCall::Accept, None);
    let (rid, _) = r.request();
    r.reply(rid, Err(proto::OsError::new(proto::errno::EAGAIN)));
    assert!(r.done().is_empty());
    r.feed(ServerMsg::Incoming { sock });
    let (rid, _) = r.request();
    r.reply(
        rid,
        Ok(Done::Conn {
            local: paddr("127.0.0.1", 1),
            peer: paddr("127.0.0.1", 2),
        }),
    );
    assert!(matches!(r.reply_of(op), Reply::Accepted { .. }));
}

#[test]
fn a_cancelled_accept_closes_the_connection_it_took() {
    let mut r = Relay::new();
    let (fd, sock) = listener(&mut r);
    r.feed(ServerMsg::Incoming { sock });
    let op = r.call(A, fd, SocketCall::Accept, None);
    let (rid, req) = r.request();
    let proto::Op::Accept { new_sock, .. } = req else {
        panic!()
    };
    r.engine.cancel(A, op);
    r.reply(
        rid,
        Ok(Done::Conn {
            local: paddr("127.0.0.1", 1),
            peer: paddr("127.0.0.1", 2),
        }),
    );
    assert!(r.done().is_empty());
    assert!(matches!(r.request().1, proto::Op::Close { sock } if sock == new_sock));
}

// ---- client side ----

#[test]
fn connect_reports_both_addresses_and_grants_receive_credit() {
    let mut r = Relay::new();
    let (fd, sock) = r.socket(A, SockType::Stream);
    r.events();
    let op = r.call(A, fd, SocketCall::Connect(addr("localhost", 8000)), None);
    let (rid, req) = r.request();
    assert_eq!(
        req,
        proto::Op::Connect {
            sock,
            addr: paddr("localhost", 8000),
            timeout_ms: 0
        }
    );
    r.reply(
        rid,
        Ok(Done::Conn {
            local: paddr("127.0.0.1", 40000),
            peer: paddr("127.0.0.1", 8000),
        }),
    );
    assert_eq!(
        r.reply_of(op),
        Reply::Connected {
            local: addr("127.0.0.1", 40000),
            peer: addr("127.0.0.1", 8000)
        }
    );
    assert_eq!(
        r.sent(),
        [ClientMsg::Credit {
            sock,
            bytes: WINDOW
        }]
    );
    assert_eq!(
        r.events(),
        [
            WireEventKind::Connecting {
                to: addr("localhost", 8000)
            },
            WireEventKind::Connected {
                local: addr("127.0.0.1", 40000),
                peer: addr("127.0.0.1", 8000)
            }
        ]
    );
    let op = r.call(A, fd, SocketCall::Connect(addr("127.0.0.1", 1)), None);
    assert_eq!(r.reply_of(op), Reply::Err(err(errno::EISCONN)));
}

#[test]
fn refusals_keep_the_relays_errno_and_message() {
    let mut r = Relay::new();
    let (fd, _) = r.socket(A, SockType::Stream);
    r.events();
    let op = r.call(A, fd, SocketCall::Connect(addr("127.0.0.1", 1)), None);
    let (rid, _) = r.request();
    r.reply(rid, Err(proto::OsError::new(proto::errno::ECONNREFUSED)));
    assert_eq!(
        r.reply_of(op),
        Reply::Err(OsError {
            errno: 111,
            message: "Connection refused".into()
        })
    );
    let op = r.call(
        A,
        fd,
        SocketCall::Connect(addr("169.254.169.254", 80)),
        None,
    );
    let (rid, _) = r.request();
    let policy = "socklab relay refused 169.254.169.254:80 (rule: link-local)";
    r.reply(rid, Err(proto::OsError::with_message(13, policy)));
    let refused = OsError {
        errno: 13,
        message: policy.into(),
    };
    assert_eq!(r.reply_of(op), Reply::Err(refused.clone()));
    let events = r.events();
    assert!(events.contains(&WireEventKind::Error {
        call: "connect",
        error: refused
    }));
}

#[test]
fn connect_timeouts_become_timed_out() {
    let mut r = Relay::new();
    let (fd, _) = r.socket(A, SockType::Stream);
    // The engine's own deadline.
    let op = r.call(A, fd, SocketCall::Connect(addr("10.9.9.9", 80)), Some(1.5));
    let (rid, req) = r.request();
    assert!(matches!(
        req,
        proto::Op::Connect {
            timeout_ms: 1500,
            ..
        }
    ));
    r.engine.handle_timeout(1.5);
    assert_eq!(r.reply_of(op), Reply::TimedOut);
    // The relay's late answer is only bookkept.
    r.reply(rid, Err(proto::OsError::with_message(110, "timed out")));
    assert!(r.done().is_empty());
    // The relay's timeout for the page's timeout_ms, arriving first.
    let (fd, _) = r.socket(A, SockType::Stream);
    let op = r.call(A, fd, SocketCall::Connect(addr("10.9.9.9", 80)), Some(1.0));
    let (rid, _) = r.request();
    r.reply(rid, Err(proto::OsError::with_message(110, "timed out")));
    assert_eq!(r.reply_of(op), Reply::TimedOut);
    // The relay's own connect timeout is the kernel's ETIMEDOUT.
    let (fd, _) = r.socket(A, SockType::Stream);
    let op = r.call(A, fd, SocketCall::Connect(addr("10.9.9.9", 80)), None);
    let (rid, _) = r.request();
    r.reply(rid, Err(proto::OsError::new(110)));
    assert_eq!(r.reply_of(op), Reply::Err(err(errno::ETIMEDOUT)));
}

#[test]
fn nonblocking_connect_is_einprogress_then_writable() {
    let mut r = Relay::new();
    let (fd, sock) = r.socket(A, SockType::Stream);
    let op = r.call(A, fd, SocketCall::Connect(addr("127.0.0.1", 80)), Some(0.0));
    assert_eq!(r.reply_of(op), Reply::Err(err(errno::EINPROGRESS)));
    let (rid, _) = r.request();
    let op = r.call(A, fd, SocketCall::Connect(addr("127.0.0.1", 80)), Some(0.0));
    assert_eq!(r.reply_of(op), Reply::Err(err(errno::EALREADY)));
    let sel = r.submit(
        A,
        Op::Select {
            read: vec![],
            write: vec![SocketHandle(fd)],
            timeout: None,
        },
        5,
    );
    assert!(r.done().is_empty());
    r.reply(
        rid,
        Ok(Done::Conn {
            local: paddr("127.0.0.1", 1),
            peer: paddr("127.0.0.1", 80),
        }),
    );
    r.feed(ServerMsg::SendCredit { sock, bytes: 10 });
    assert_eq!(
        r.reply_of(sel),
        Reply::Ready {
            read: vec![],
            write: vec![SocketHandle(fd)]
        }
    );
}

#[test]
fn a_failed_nonblocking_connect_shows_in_so_error() {
    let mut r = Relay::new();
    let (fd, _) = r.socket(A, SockType::Stream);
    r.call(A, fd, SocketCall::Connect(addr("127.0.0.1", 1)), Some(0.0));
    r.done();
    let (rid, _) = r.request();
    r.reply(rid, Err(proto::OsError::new(proto::errno::ECONNREFUSED)));
    let op = r.call(
        A,
        fd,
        SocketCall::GetOpt {
            opt: SockOpt::Error,
        },
        None,
    );
    assert_eq!(r.reply_of(op), Reply::Int(111));
    let op = r.call(
        A,
        fd,
        SocketCall::GetOpt {
            opt: SockOpt::Error,
        },
        None,
    );
    assert_eq!(r.reply_of(op), Reply::Int(0), "reading SO_ERROR clears it");
}

// ---- TCP send ----

#[test]
fn send_waits_for_credit_and_takes_what_fits() {
    let mut r = Relay::new();
    let (fd, sock) = r.connected(A, 0);
    let op = r.call(A, fd, SocketCall::Send(b"hello world".to_vec()), None);
    assert!(r.sent().is_empty() && r.done().is_empty(), "no credit yet");
    r.feed(ServerMsg::SendCredit { sock, bytes: 5 });
    assert_eq!(
        r.sent(),
        [ClientMsg::Data {
            sock,
            data: b"hello".to_vec()
        }]
    );
    assert_eq!(r.reply_of(op), Reply::Sent(5));
    assert_eq!(
        r.events(),
        [WireEventKind::Sent {
            data: b"hello".to_vec()
        }]
    );
}

#[test]
fn sendall_hands_over_everything_in_frames_of_max_data() {
    let mut r = Relay::new();
    let (fd, sock) = r.connected(A, 150);
    let payload: Vec<u8> = (0..=255).collect();
    let op = r.call(A, fd, SocketCall::SendAll(payload.clone()), None);
    let first = r.sent();
    // max_data is 100 in the Welcome: 150 bytes of credit go out as 100 + 50.
    assert_eq!(
        first,
        [
            ClientMsg::Data {
                sock,
                data: payload[..100].to_vec()
            },
            ClientMsg::Data {
                sock,
                data: payload[100..150].to_vec()
            }
        ]
    );
    assert!(r.done().is_empty());
    r.feed(ServerMsg::SendCredit { sock, bytes: 1000 });
    assert_eq!(
        r.sent(),
        [
            ClientMsg::Data {
                sock,
                data: payload[150..250].to_vec()
            },
            ClientMsg::Data {
                sock,
                data: payload[250..].to_vec()
            }
        ]
    );
    assert_eq!(r.reply_of(op), Reply::Sent(256));
}

#[test]
fn send_edge_cases_match_cpython() {
    let mut r = Relay::new();
    let (fresh, _) = r.socket(A, SockType::Stream);
    let op = r.call(A, fresh, SocketCall::Send(b"x".to_vec()), None);
    assert_eq!(r.reply_of(op), Reply::Err(err(errno::EPIPE)));
    let (fd, _) = r.connected(A, 0);
    let op = r.call(A, fd, SocketCall::Send(vec![]), None);
    assert_eq!(
        r.reply_of(op),
        Reply::Sent(0),
        "an empty send sends nothing"
    );
    assert!(r.sent().is_empty());
    let op = r.call(A, fd, SocketCall::Send(b"x".to_vec()), Some(0.0));
    assert_eq!(r.reply_of(op), Reply::Err(err(errno::EAGAIN)));
    let op = r.call(A, fd, SocketCall::SendAll(b"x".to_vec()), Some(3.0));
    r.engine.handle_timeout(3.0);
    assert_eq!(r.reply_of(op), Reply::TimedOut);
}

#[test]
fn sends_from_two_threads_keep_their_order() {
    let mut r = Relay::new();
    let (fd, sock) = r.connected(A, 0);
    let first = r.call(A, fd, SocketCall::SendAll(b"aaaa".to_vec()), None);
    let second = r.call(A, fd, SocketCall::SendAll(b"bb".to_vec()), None);
    r.feed(ServerMsg::SendCredit { sock, bytes: 3 });
    assert_eq!(
        r.sent(),
        [ClientMsg::Data {
            sock,
            data: b"aaa".to_vec()
        }]
    );
    r.feed(ServerMsg::SendCredit { sock, bytes: 3 });
    let frames = r.sent();
    assert_eq!(
        frames,
        [
            ClientMsg::Data {
                sock,
                data: b"a".to_vec()
            },
            ClientMsg::Data {
                sock,
                data: b"bb".to_vec()
            }
        ]
    );
    let done: Vec<OpId> = r.done().into_iter().map(|(_, id, _)| id).collect();
    assert_eq!(done, [first, second]);
}

// ---- TCP recv ----

#[test]
fn recv_returns_what_is_buffered_up_to_n() {
    let mut r = Relay::new();
    let (fd, sock) = r.connected(A, 0);
    // Three sends that arrive before the recv are one recv, as on a real socket.
    r.data(sock, b"one");
    r.data(sock, b"two");
    r.data(sock, b"three");
    let op = r.call(A, fd, recv(1024), None);
    assert_eq!(r.reply_of(op), Reply::Data(b"onetwothree".to_vec()));
    r.data(sock, b"abcdef");
    let op = r.call(A, fd, recv(4), None);
    assert_eq!(r.reply_of(op), Reply::Data(b"abcd".to_vec()));
    let op = r.call(A, fd, SocketCall::RecvFrom { max: 10 }, None);
    assert_eq!(
        r.reply_of(op),
        Reply::DataFrom(b"ef".to_vec(), addr("127.0.0.1", 80))
    );
    assert_eq!(
        r.events(),
        [
            // Three arrivals, one recv: the script sees a stream, not the sends.
            WireEventKind::Arrived {
                data: b"one".to_vec()
            },
            WireEventKind::Arrived {
                data: b"two".to_vec()
            },
            WireEventKind::Arrived {
                data: b"three".to_vec()
            },
            WireEventKind::Received {
                data: b"onetwothree".to_vec()
            },
            WireEventKind::Arrived {
                data: b"abcdef".to_vec()
            },
            WireEventKind::Received {
                data: b"abcd".to_vec()
            },
            WireEventKind::Received {
                data: b"ef".to_vec()
            },
        ]
    );
}

#[test]
fn recv_waits_then_sees_eof() {
    let mut r = Relay::new();
    let (fd, sock) = r.connected(A, 0);
    let op = r.call(A, fd, recv(10), None);
    assert!(r.done().is_empty());
    r.data(sock, b"hi");
    assert_eq!(r.reply_of(op), Reply::Data(b"hi".to_vec()));
    r.data(sock, b"last");
    r.feed(ServerMsg::Eof { sock });
    let op = r.call(A, fd, recv(10), None);
    assert_eq!(
        r.reply_of(op),
        Reply::Data(b"last".to_vec()),
        "data before EOF first"
    );
    for _ in 0..2 {
        let op = r.call(A, fd, recv(10), None);
        assert_eq!(r.reply_of(op), Reply::Data(vec![]));
    }
    let events = r.events();
    assert!(events.contains(&WireEventKind::PeerEof));
    assert!(events.contains(&WireEventKind::Received { data: vec![] }));
}

#[test]
fn recv_edge_cases_match_cpython() {
    let mut r = Relay::new();
    let (fresh, _) = r.socket(A, SockType::Stream);
    let op = r.call(A, fresh, recv(10), None);
    assert_eq!(r.reply_of(op), Reply::Err(err(errno::ENOTCONN)));
    let (fd, _) = r.connected(A, 0);
    let op = r.call(A, fd, recv(0), None);
    assert_eq!(r.reply_of(op), Reply::Data(vec![]));
    let op = r.call(A, fd, recv(10), Some(0.0));
    assert_eq!(r.reply_of(op), Reply::Err(err(errno::EAGAIN)));
    r.now = 5.0;
    let op = r.call(A, fd, recv(10), Some(0.25));
    r.engine.handle_timeout(5.25);
    assert_eq!(r.reply_of(op), Reply::TimedOut);
    assert!(r
        .events()
        .contains(&WireEventKind::TimedOut { call: "recv" }));
}

#[test]
fn receive_credit_comes_back_only_as_the_script_reads() {
    let mut r = Relay::new();
    let (fd, sock) = r.connected(A, 0);
    r.data(sock, &[7; WINDOW as usize]);
    // The script is not reading: the relay gets no more credit, whatever arrives.
    assert!(r.sent().is_empty());
    let op = r.call(A, fd, recv(300), None);
    assert_eq!(r.reply_of(op), Reply::Data(vec![7; 300]));
    assert!(r.sent().is_empty(), "less than half a window freed");
    let op = r.call(A, fd, recv(300), None);
    r.reply_of(op);
    assert_eq!(r.sent(), [ClientMsg::Credit { sock, bytes: 600 }]);
    let op = r.call(A, fd, recv(1000), None);
    assert_eq!(r.reply_of(op), Reply::Data(vec![7; 400]));
    assert!(
        r.sent().is_empty(),
        "600 bytes of credit are still outstanding"
    );
    r.data(sock, &[8; 600]);
    let op = r.call(A, fd, recv(1000), None);
    assert_eq!(r.reply_of(op), Reply::Data(vec![8; 600]));
    assert_eq!(r.sent(), [ClientMsg::Credit { sock, bytes: 1000 }]);
}

#[test]
fn recvs_from_two_threads_are_served_in_order() {
    let mut r = Relay::new();
    let (fd, sock) = r.connected(A, 0);
    let first = r.call(A, fd, recv(2), None);
    let second = r.call(A, fd, recv(10), None);
    r.data(sock, b"abcde");
    assert_eq!(
        r.done(),
        [
            (A, first, Reply::Data(b"ab".to_vec())),
            (A, second, Reply::Data(b"cde".to_vec()))
        ]
    );
}

#[test]
fn a_reset_is_raised_once_after_the_buffered_data() {
    let mut r = Relay::new();
    let (fd, sock) = r.connected(A, 10);
    r.data(sock, b"abc");
    r.feed(ServerMsg::SocketError {
        sock,
        error: proto::OsError::new(proto::errno::ECONNRESET),
    });
    let op = r.call(A, fd, recv(10), None);
    assert_eq!(r.reply_of(op), Reply::Data(b"abc".to_vec()));
    let op = r.call(A, fd, recv(10), None);
    assert_eq!(r.reply_of(op), Reply::Err(err(errno::ECONNRESET)));
    let op = r.call(A, fd, recv(10), None);
    assert_eq!(r.reply_of(op), Reply::Data(vec![]));
    let op = r.call(A, fd, SocketCall::Send(b"x".to_vec()), None);
    assert_eq!(r.reply_of(op), Reply::Err(err(errno::EPIPE)));
    assert!(r.events().contains(&WireEventKind::SocketError {
        error: err(errno::ECONNRESET)
    }));
}

#[test]
fn a_write_error_fails_the_waiting_send() {
    let mut r = Relay::new();
    let (fd, sock) = r.connected(A, 0);
    let op = r.call(A, fd, SocketCall::SendAll(b"data".to_vec()), None);
    r.feed(ServerMsg::SocketError {
        sock,
        error: proto::OsError::new(proto::errno::EPIPE),
    });
    assert_eq!(r.reply_of(op), Reply::Err(err(errno::EPIPE)));
}

#[test]
fn shutdown_write_then_read() {
    let mut r = Relay::new();
    let (fd, sock) = r.connected(A, 10);
    let op = r.call(A, fd, SocketCall::Shutdown(Shutdown::Write), None);
    let (rid, req) = r.request();
    assert_eq!(
        req,
        proto::Op::Shutdown {
            sock,
            how: proto::Shutdown::Write
        }
    );
    r.reply(rid, Ok(Done::Unit));
    assert_eq!(r.reply_of(op), Reply::Done);
    let op = r.call(A, fd, SocketCall::Send(b"x".to_vec()), None);
    assert_eq!(r.reply_of(op), Reply::Err(err(errno::EPIPE)));
    let reader = r.call(A, fd, recv(5), None);
    let op = r.call(A, fd, SocketCall::Shutdown(Shutdown::Read), None);
    let (rid, _) = r.request();
    r.reply(rid, Ok(Done::Unit));
    assert_eq!(
        r.done(),
        [(A, op, Reply::Done), (A, reader, Reply::Data(vec![]))]
    );
    assert!(r.events().contains(&WireEventKind::Shutdown {
        how: Shutdown::Write
    }));
}

// ---- close ----

#[test]
fn close_waits_for_the_relay_to_write_what_it_was_given() {
    let mut r = Relay::new();
    let (fd, sock) = r.connected(A, 100);
    let op = r.call(A, fd, SocketCall::SendAll(b"bye".to_vec()), None);
    r.sent();
    r.reply_of(op);
    let op = r.call(A, fd, SocketCall::Close, None);
    assert_eq!(r.reply_of(op), Reply::Done);
    assert!(
        r.sent().is_empty(),
        "Close waits: the relay has 3 bytes unwritten"
    );
    assert!(!r.engine.is_flushed());
    r.feed(ServerMsg::SendCredit { sock, bytes: 3 });
    assert!(matches!(r.request().1, proto::Op::Close { sock: s } if s == sock));
    assert!(!r.engine.is_flushed(), "the Close reply is outstanding");
    let frames: Vec<_> = r.events();
    assert!(frames.contains(&WireEventKind::Closed));
}

#[test]
fn close_fails_threads_blocked_on_the_socket_and_frees_the_fd() {
    let mut r = Relay::new();
    let (fd, sock) = r.connected(A, 0);
    let blocked = r.call(A, fd, recv(10), None);
    let op = r.call(A, fd, SocketCall::Close, None);
    assert_eq!(
        r.done(),
        [
            (A, blocked, Reply::Err(err(errno::EBADF))),
            (A, op, Reply::Done)
        ]
    );
    assert!(matches!(r.request().1, proto::Op::Close { sock: s } if s == sock));
    let op = r.call(A, fd, recv(10), None);
    assert_eq!(r.reply_of(op), Reply::Err(err(errno::EBADF)));
    // Frames for the closed socket are ignored.
    r.feed(ServerMsg::Data {
        sock,
        data: b"late".to_vec(),
    });
    assert!(r.done().is_empty());
}

// ---- UDP ----

#[test]
fn datagrams_keep_boundaries_sources_and_are_cut_to_n() {
    let mut r = Relay::new();
    let (fd, sock) = r.udp(A);
    for (data, port) in [(&b"first"[..], 5000), (b"", 5001), (b"0123456789", 5002)] {
        r.feed(ServerMsg::Datagram {
            sock,
            from: paddr("127.0.0.1", port),
            data: data.to_vec(),
        });
    }
    let op = r.call(A, fd, SocketCall::RecvFrom { max: 1024 }, None);
    assert_eq!(
        r.reply_of(op),
        Reply::DataFrom(b"first".to_vec(), addr("127.0.0.1", 5000))
    );
    let op = r.call(A, fd, SocketCall::RecvFrom { max: 1024 }, None);
    assert_eq!(
        r.reply_of(op),
        Reply::DataFrom(vec![], addr("127.0.0.1", 5001)),
        "an empty datagram is a datagram"
    );
    let op = r.call(A, fd, recv(4), None);
    assert_eq!(
        r.reply_of(op),
        Reply::Data(b"0123".to_vec()),
        "the rest of the datagram is lost"
    );
    let op = r.call(A, fd, recv(4), Some(0.0));
    assert_eq!(r.reply_of(op), Reply::Err(err(errno::EAGAIN)));
    assert_eq!(
        r.events(),
        [
            // Each datagram as it arrived, whole, then each as a call returned it.
            WireEventKind::DatagramArrived {
                from: addr("127.0.0.1", 5000),
                data: b"first".to_vec()
            },
            WireEventKind::DatagramArrived {
                from: addr("127.0.0.1", 5001),
                data: vec![]
            },
            WireEventKind::DatagramArrived {
                from: addr("127.0.0.1", 5002),
                data: b"0123456789".to_vec()
            },
            WireEventKind::DatagramIn {
                from: addr("127.0.0.1", 5000),
                data: b"first".to_vec()
            },
            WireEventKind::DatagramIn {
                from: addr("127.0.0.1", 5001),
                data: vec![]
            },
            WireEventKind::DatagramIn {
                from: addr("127.0.0.1", 5002),
                data: b"0123".to_vec()
            },
        ]
    );
}

#[test]
fn datagram_credit_counts_each_datagram_at_least_one_byte() {
    let mut r = Relay::new();
    let (fd, sock) = r.udp(A);
    for _ in 0..WINDOW {
        r.feed(ServerMsg::Datagram {
            sock,
            from: paddr("127.0.0.1", 1),
            data: vec![],
        });
    }
    let extra = ServerMsg::Datagram {
        sock,
        from: paddr("127.0.0.1", 1),
        data: vec![],
    };
    assert!(matches!(
        r.engine.receive(&extra.encode()),
        Err(EngineError::CreditExceeded { .. })
    ));
    for _ in 0..WINDOW / 2 {
        let op = r.call(A, fd, recv(1), None);
        r.reply_of(op);
    }
    assert_eq!(
        r.sent(),
        [ClientMsg::Credit {
            sock,
            bytes: WINDOW / 2
        }]
    );
}

#[test]
fn sendto_and_connected_send_are_single_datagrams() {
    let mut r = Relay::new();
    let (fd, sock) = r.socket(A, SockType::Dgram);
    let op = r.call(
        A,
        fd,
        SocketCall::SendTo(b"ping".to_vec(), addr("127.0.0.1", 8001)),
        None,
    );
    let (rid, req) = r.request();
    assert_eq!(
        req,
        proto::Op::SendTo {
            sock,
            addr: Some(paddr("127.0.0.1", 8001)),
            data: b"ping".to_vec()
        }
    );
    r.reply(rid, Ok(Done::Int(4)));
    assert_eq!(r.reply_of(op), Reply::Sent(4));
    // The first sendto bound a port: replies may now be read.
    assert_eq!(
        r.sent(),
        [ClientMsg::Credit {
            sock,
            bytes: WINDOW
        }]
    );
    let op = r.call(A, fd, SocketCall::Send(b"x".to_vec()), None);
    let (rid, req) = r.request();
    assert!(matches!(req, proto::Op::SendTo { addr: None, .. }));
    r.reply(rid, Err(proto::OsError::new(proto::errno::EDESTADDRREQ)));
    assert_eq!(r.reply_of(op), Reply::Err(err(errno::EDESTADDRREQ)));
    let op = r.call(
        A,
        fd,
        SocketCall::SendTo(vec![0; 70_000], addr("127.0.0.1", 1)),
        None,
    );
    assert_eq!(r.reply_of(op), Reply::Err(err(errno::EMSGSIZE)));
    assert!(r.events().contains(&WireEventKind::DatagramOut {
        to: Some(addr("127.0.0.1", 8001)),
        data: b"ping".to_vec()
    }));
}

// ---- select, resolve, options ----

#[test]
fn select_reports_readiness_and_times_out_empty() {
    let mut r = Relay::new();
    let (lfd, lsock) = listener(&mut r);
    let (cfd, csock) = r.connected(A, 0);
    let select = |read: Vec<i32>, write: Vec<i32>, timeout| Op::Select {
        read: read.into_iter().map(SocketHandle).collect(),
        write: write.into_iter().map(SocketHandle).collect(),
        timeout,
    };
    let op = r.submit(A, select(vec![lfd, cfd], vec![cfd], Some(0.0)), 3);
    assert_eq!(
        r.reply_of(op),
        Reply::Ready {
            read: vec![],
            write: vec![]
        }
    );
    let op = r.submit(A, select(vec![lfd, cfd], vec![], None), 3);
    assert!(r.done().is_empty());
    r.feed(ServerMsg::Incoming { sock: lsock });
    assert_eq!(
        r.reply_of(op),
        Reply::Ready {
            read: vec![SocketHandle(lfd)],
            write: vec![]
        }
    );
    r.data(csock, b"x");
    r.feed(ServerMsg::SendCredit {
        sock: csock,
        bytes: 1,
    });
    let op = r.submit(A, select(vec![cfd], vec![cfd], None), 3);
    assert_eq!(
        r.reply_of(op),
        Reply::Ready {
            read: vec![SocketHandle(cfd)],
            write: vec![SocketHandle(cfd)]
        }
    );
    let (ufd, _) = r.udp(A);
    r.now = 1.0;
    let op = r.submit(A, select(vec![ufd], vec![], Some(0.5)), 3);
    assert_eq!(r.engine.next_deadline(), Some(1.5));
    r.engine.handle_timeout(2.0);
    assert_eq!(
        r.reply_of(op),
        Reply::Ready {
            read: vec![],
            write: vec![]
        }
    );
    let op = r.submit(A, select(vec![99], vec![], None), 3);
    assert_eq!(r.reply_of(op), Reply::Err(err(errno::EBADF)));
}

#[test]
fn names_are_resolved_by_the_relay() {
    let mut r = Relay::new();
    let op = r.submit(
        A,
        Op::Resolve {
            host: "localhost".into(),
        },
        4,
    );
    let (rid, req) = r.request();
    assert_eq!(
        req,
        proto::Op::Resolve {
            host: "localhost".into(),
            family: None
        }
    );
    r.reply(rid, Ok(Done::Hosts(vec!["127.0.0.1".into(), "::1".into()])));
    assert_eq!(
        r.reply_of(op),
        Reply::Addrs(vec!["127.0.0.1".into(), "::1".into()])
    );
    let op = r.submit(
        A,
        Op::Resolve {
            host: "nope.invalid".into(),
        },
        4,
    );
    let (rid, _) = r.request();
    r.reply(rid, Err(proto::OsError::new(proto::errno::EAI_NONAME)));
    assert_eq!(
        r.reply_of(op),
        Reply::Err(OsError {
            errno: -2,
            message: "Name or service not known".into()
        })
    );
}

#[test]
fn so_linger_goes_to_the_relay_as_linger() {
    let mut r = Relay::new();
    let (fd, sock) = r.socket(A, SockType::Stream);
    let op = r.call(
        A,
        fd,
        SocketCall::SetOpt {
            opt: SockOpt::Linger,
            value: 0,
        },
        None,
    );
    let (rid, req) = r.request();
    assert_eq!(
        req,
        proto::Op::SetSockOpt {
            sock,
            opt: proto::SockOpt::Linger,
            value: 0
        }
    );
    r.reply(rid, Ok(Done::Unit));
    assert_eq!(r.reply_of(op), Reply::Done);
}

#[test]
fn socket_options_go_to_the_relay_except_type_and_error() {
    let mut r = Relay::new();
    let (fd, sock) = r.socket(A, SockType::Dgram);
    let op = r.call(
        A,
        fd,
        SocketCall::SetOpt {
            opt: SockOpt::ReuseAddr,
            value: 1,
        },
        None,
    );
    let (rid, req) = r.request();
    assert_eq!(
        req,
        proto::Op::SetSockOpt {
            sock,
            opt: proto::SockOpt::ReuseAddr,
            value: 1
        }
    );
    r.reply(rid, Ok(Done::Unit));
    assert_eq!(r.reply_of(op), Reply::Done);
    let op = r.call(
        A,
        fd,
        SocketCall::GetOpt {
            opt: SockOpt::RcvBuf,
        },
        None,
    );
    let (rid, _) = r.request();
    r.reply(rid, Ok(Done::Int(212992)));
    assert_eq!(r.reply_of(op), Reply::Int(212992));
    let op = r.call(A, fd, SocketCall::GetOpt { opt: SockOpt::Type }, None);
    assert_eq!(r.reply_of(op), Reply::Int(2));
    assert!(r.sent().is_empty());
}

// ---- scripts, cancel, disconnect ----

#[test]
fn one_stalled_script_does_not_stall_another() {
    let mut r = Relay::new();
    let (afd, _) = r.connected(A, 0);
    let (bfd, bsock) = r.connected(B, 0);
    let stalled = r.call(A, afd, SocketCall::SendAll(b"waiting".to_vec()), None);
    let blocked = r.call(A, afd, recv(10), None);
    r.data(bsock, b"for b");
    let op = r.call(B, bfd, recv(10), None);
    assert_eq!(r.done(), [(B, op, Reply::Data(b"for b".to_vec()))]);
    let _ = (stalled, blocked);
}

#[test]
fn a_cancelled_recv_leaves_the_data_for_the_next() {
    let mut r = Relay::new();
    let (fd, sock) = r.connected(A, 0);
    let op = r.call(A, fd, recv(10), None);
    r.engine.cancel(A, op);
    r.data(sock, b"kept");
    assert!(r.done().is_empty());
    let op = r.call(A, fd, recv(10), None);
    assert_eq!(r.reply_of(op), Reply::Data(b"kept".to_vec()));
}

#[test]
fn ending_a_script_closes_its_sockets_silently() {
    let mut r = Relay::new();
    let (afd, asock) = r.connected(A, 0);
    let (_, bsock) = r.connected(B, 0);
    r.call(A, afd, recv(10), None);
    r.call(A, afd, SocketCall::SendAll(b"x".to_vec()), None);
    r.engine.end_script(A);
    assert!(
        r.done().is_empty(),
        "nobody waits for a finished script's ops"
    );
    assert!(matches!(r.request().1, proto::Op::Close { sock } if sock == asock));
    assert!(r.events().contains(&WireEventKind::Closed));
    r.data(asock, b"late");
    r.data(bsock, b"b lives");
    let op = r.call(B, 3, recv(10), None);
    assert_eq!(r.reply_of(op), Reply::Data(b"b lives".to_vec()));
    // A new script A starts from fd 3 again.
    assert_eq!(r.socket(A, SockType::Stream).0, 3);
}

#[test]
fn an_ended_script_still_gets_its_last_bytes_written() {
    let mut r = Relay::new();
    let (fd, sock) = r.connected(A, 100);
    let op = r.call(A, fd, SocketCall::SendAll(b"last words".to_vec()), None);
    r.sent();
    r.reply_of(op);
    r.engine.end_script(A);
    assert!(r.sent().is_empty(), "the relay has not written them yet");
    assert!(!r.engine.is_flushed());
    r.feed(ServerMsg::SendCredit { sock, bytes: 10 });
    let (rid, req) = r.request();
    assert_eq!(req, proto::Op::Close { sock });
    r.reply(rid, Ok(Done::Unit));
    assert!(r.engine.is_flushed());
}

#[test]
fn a_lost_relay_fails_every_op_with_a_clear_error() {
    let mut r = Relay::new();
    let (fd, _) = r.connected(A, 0);
    let waiting = r.call(A, fd, recv(10), None);
    let lost = OsError {
        errno: errno::ECONNRESET,
        message: LOST_MESSAGE.into(),
    };
    r.engine.disconnected();
    assert_eq!(r.done(), [(A, waiting, Reply::Err(lost.clone()))]);
    assert!(r.engine.is_lost() && r.engine.is_flushed());
    let op = r.call(A, fd, SocketCall::Send(b"x".to_vec()), None);
    assert_eq!(r.reply_of(op), Reply::Err(lost.clone()));
    let op = r.submit(
        B,
        Op::Create {
            family: Family::Inet,
            kind: SockType::Stream,
        },
        1,
    );
    assert_eq!(r.reply_of(op), Reply::Err(lost));
    let op = r.call(A, fd, SocketCall::Close, None);
    assert_eq!(r.reply_of(op), Reply::Done);
    assert!(r.sent().is_empty());
}

#[test]
fn events_carry_script_fd_and_line() {
    let mut r = Relay::new();
    let (fd, sock) = r.connected(B, 0);
    r.data(sock, b"x");
    let arrived = r.engine.poll_event().expect("the arrival");
    assert_eq!((arrived.script, arrived.fd, arrived.at), (B, fd, None));
    assert_eq!(
        arrived.kind,
        WireEventKind::Arrived {
            data: b"x".to_vec()
        }
    );
    let op = Op::Socket {
        sock: SocketHandle(fd),
        call: recv(1),
        timeout: None,
    };
    r.engine.submit(B, 99, op, at(42), 0.0);
    let event = r.engine.poll_event().expect("an event");
    assert_eq!((event.script, event.fd), (B, fd));
    assert_eq!(event.at, Some(at(42)));
    assert_eq!(
        event.kind,
        WireEventKind::Received {
            data: b"x".to_vec()
        }
    );
}
