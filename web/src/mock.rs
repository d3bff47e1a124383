//! An in-page network simulation: TCP and UDP between the scripts of one page, no relay.
//!
//! Used when the page is opened without a relay (`?relay=none`) and in native tests of
//! the app logic. It is deliberately simple: no timeouts, no flow control, delivery is
//! immediate; a real relay is what the lessons are about.

use socklab_lang::host::{
    errno, Addr, Location, Op, OpId, OsError, Reply, SockType, SocketCall, SocketHandle,
};
use std::collections::{HashMap, VecDeque};

use crate::net::{Net, NetOutput};
use crate::wire::{Arrival, ProcId};

type Key = (ProcId, SocketHandle);

#[derive(Default)]
struct Sock {
    udp: bool,
    local: Option<Addr>,
    peer: Option<Key>,
    peer_addr: Option<Addr>,
    listening: bool,
    backlog: VecDeque<Key>,
    stream: VecDeque<u8>,
    datagrams: VecDeque<(Vec<u8>, Addr)>,
    eof: bool,
}

/// The simulated network of one page.
#[derive(Default)]
pub struct MockNet {
    socks: HashMap<Key, Sock>,
    next_handle: HashMap<ProcId, i32>,
    next_port: u16,
    /// Ops that wait (accept, recv, recvfrom), in arrival order.
    waiting: Vec<(ProcId, OpId, SocketHandle, SocketCall)>,
    done: Vec<NetOutput>,
    /// Arrivals the op being answered caused; they follow its completion.
    arrived: Vec<NetOutput>,
}

fn err(errno: i32, message: &str) -> Reply {
    Reply::Err(OsError {
        errno,
        message: message.to_string(),
    })
}

fn host_of(addr: &Addr) -> String {
    match addr.host.as_str() {
        "" | "localhost" => "127.0.0.1".to_string(),
        h => h.to_string(),
    }
}

impl MockNet {
    fn new_handle(&mut self, proc: ProcId) -> SocketHandle {
        let next = self.next_handle.entry(proc).or_insert(3);
        *next += 1;
        SocketHandle(*next - 1)
    }

    fn ephemeral(&mut self) -> u16 {
        self.next_port = if self.next_port < 40000 {
            40000
        } else {
            self.next_port + 1
        };
        self.next_port
    }

    fn find_bound(&self, addr: &Addr, udp: bool) -> Option<Key> {
        self.socks
            .iter()
            .find(|(_, s)| {
                s.udp == udp
                    && s.local.as_ref().is_some_and(|l| {
                        l.port == addr.port && (l.host == "0.0.0.0" || host_of(l) == host_of(addr))
                    })
                    && (udp || s.listening)
            })
            .map(|(k, _)| *k)
    }

    fn local_or_bind(&mut self, key: Key) -> Addr {
        if let Some(local) = self.socks.get(&key).and_then(|s| s.local.clone()) {
            return local;
        }
        let port = self.ephemeral();
        let local = Addr::new("127.0.0.1", port);
        if let Some(s) = self.socks.get_mut(&key) {
            s.local = Some(local.clone());
        }
        local
    }

    /// An op that can be answered now, or `None` to keep waiting.
    fn try_call(&mut self, proc: ProcId, sock: SocketHandle, call: &SocketCall) -> Option<Reply> {
        let key = (proc, sock);
        if !self.socks.contains_key(&key) {
            return Some(err(errno::EBADF, "Bad file descriptor"));
        }
        let udp = self.socks[&key].udp;
        Some(match call {
            SocketCall::Bind(addr) => {
                let mut addr = Addr::new(host_of(addr), addr.port);
                if addr.port == 0 {
                    addr.port = self.ephemeral();
                }
                let taken = self
                    .socks
                    .values()
                    .any(|s| s.udp == udp && s.local.as_ref().is_some_and(|l| l.port == addr.port));
                if taken {
                    return Some(err(errno::EADDRINUSE, "Address already in use"));
                }
                self.socks.get_mut(&key)?.local = Some(addr.clone());
                Reply::Bound { local: addr }
            }
            SocketCall::Listen { .. } => {
                self.local_or_bind(key);
                self.socks.get_mut(&key)?.listening = true;
                Reply::Done
            }
            SocketCall::Connect(addr) => {
                let local = self.local_or_bind(key);
                let peer = Addr::new(host_of(addr), addr.port);
                if udp {
                    self.socks.get_mut(&key)?.peer_addr = Some(peer.clone());
                    return Some(Reply::Connected { local, peer });
                }
                let Some(listener) = self.find_bound(&peer, false) else {
                    return Some(err(errno::ECONNREFUSED, "Connection refused"));
                };
                let server_proc = listener.0;
                let handle = self.new_handle(server_proc);
                let server_side = (server_proc, handle);
                let server_local = self.socks[&listener].local.clone()?;
                self.socks.insert(
                    server_side,
                    Sock {
                        local: Some(server_local),
                        peer: Some(key),
                        peer_addr: Some(local.clone()),
                        ..Sock::default()
                    },
                );
                let me = self.socks.get_mut(&key)?;
                me.peer = Some(server_side);
                me.peer_addr = Some(peer.clone());
                self.socks
                    .get_mut(&listener)?
                    .backlog
                    .push_back(server_side);
                self.arrive(listener, Arrival::Incoming);
                Reply::Connected { local, peer }
            }
            SocketCall::Accept => {
                let conn = self.socks.get_mut(&key)?.backlog.pop_front()?;
                let s = &self.socks[&conn];
                Reply::Accepted {
                    sock: conn.1,
                    local: s.local.clone()?,
                    peer: s.peer_addr.clone()?,
                }
            }
            SocketCall::Send(data) | SocketCall::SendAll(data) => {
                if udp {
                    let dest = self.socks[&key].peer_addr.clone();
                    let Some(dest) = dest else {
                        return Some(err(errno::EDESTADDRREQ, "Destination address required"));
                    };
                    return self.try_call(proc, sock, &SocketCall::SendTo(data.clone(), dest));
                }
                let Some(peer) = self.socks[&key].peer else {
                    return Some(err(errno::EPIPE, "Broken pipe"));
                };
                match self.socks.get_mut(&peer) {
                    Some(p) => p.stream.extend(data),
                    None => return Some(err(errno::EPIPE, "Broken pipe")),
                }
                // Sending b'' sends nothing on TCP: nothing arrives.
                if !data.is_empty() {
                    self.arrive(peer, Arrival::Bytes(data.clone()));
                }
                Reply::Sent(data.len())
            }
            SocketCall::SendTo(data, dest) => {
                let from = self.local_or_bind(key);
                if let Some(to) = self.find_bound(dest, true) {
                    self.socks
                        .get_mut(&to)?
                        .datagrams
                        .push_back((data.clone(), from.clone()));
                    let data = data.clone();
                    self.arrive(to, Arrival::Datagram { from, data });
                }
                Reply::Sent(data.len())
            }
            SocketCall::Recv { max } | SocketCall::RecvFrom { max } => {
                let s = self.socks.get_mut(&key)?;
                if udp {
                    let (mut data, from) = s.datagrams.pop_front()?;
                    data.truncate(*max);
                    return Some(if matches!(call, SocketCall::Recv { .. }) {
                        Reply::Data(data)
                    } else {
                        Reply::DataFrom(data, from)
                    });
                }
                if s.stream.is_empty() && !s.eof {
                    return None;
                }
                let n = s.stream.len().min(*max);
                let data: Vec<u8> = s.stream.drain(..n).collect();
                let from = s
                    .peer_addr
                    .clone()
                    .unwrap_or_else(|| Addr::new("0.0.0.0", 0));
                if matches!(call, SocketCall::Recv { .. }) {
                    Reply::Data(data)
                } else {
                    Reply::DataFrom(data, from)
                }
            }
            SocketCall::Shutdown(_) => {
                if let Some(peer) = self.socks[&key].peer {
                    self.peer_eof(peer);
                }
                Reply::Done
            }
            SocketCall::Close => {
                self.close(key);
                Reply::Done
            }
            SocketCall::SetOpt { .. } => Reply::Done,
            SocketCall::GetOpt { .. } => Reply::Int(0),
        })
    }

    fn close(&mut self, key: Key) {
        if let Some(peer) = self.socks.remove(&key).and_then(|s| s.peer) {
            self.peer_eof(peer);
        }
    }

    /// The other end of `peer` stopped sending (once: a later close adds no second FIN).
    fn peer_eof(&mut self, peer: Key) {
        if let Some(p) = self.socks.get_mut(&peer) {
            if !p.eof {
                p.eof = true;
                self.arrive(peer, Arrival::PeerClosed);
            }
        }
    }

    fn arrive(&mut self, (proc, sock): Key, what: Arrival) {
        self.arrived.push(NetOutput::Arrived(proc, sock, what));
    }

    /// Answer every waiting op that can be answered now.
    fn pump(&mut self) {
        loop {
            let mut progressed = false;
            let waiting = std::mem::take(&mut self.waiting);
            for (proc, id, sock, call) in waiting {
                match self.try_call(proc, sock, &call) {
                    Some(reply) => {
                        self.done.push(NetOutput::Completed(proc, id, reply));
                        self.done.append(&mut self.arrived);
                        progressed = true;
                    }
                    None => self.waiting.push((proc, id, sock, call)),
                }
            }
            if !progressed {
                break;
            }
        }
    }
}

impl Net for MockNet {
    fn submit(&mut self, proc: ProcId, id: OpId, op: Op, _at: Location) {
        match op {
            Op::Create { kind, .. } => {
                let h = self.new_handle(proc);
                self.socks.insert(
                    (proc, h),
                    Sock {
                        udp: kind == SockType::Dgram,
                        ..Sock::default()
                    },
                );
                self.done
                    .push(NetOutput::Completed(proc, id, Reply::Created(h)));
            }
            Op::Resolve { host } => {
                let addr =
                    if host.chars().all(|c| c.is_ascii_digit() || c == '.') && !host.is_empty() {
                        host
                    } else {
                        "127.0.0.1".to_string()
                    };
                self.done
                    .push(NetOutput::Completed(proc, id, Reply::Addrs(vec![addr])));
            }
            Op::Select { read, write, .. } => {
                let read = read
                    .into_iter()
                    .filter(|h| {
                        self.socks.get(&(proc, *h)).is_some_and(|s| {
                            !s.stream.is_empty()
                                || s.eof
                                || !s.datagrams.is_empty()
                                || !s.backlog.is_empty()
                        })
                    })
                    .collect();
                let ready = Reply::Ready { read, write };
                self.done.push(NetOutput::Completed(proc, id, ready));
            }
            Op::Socket { sock, call, .. } => self.waiting.push((proc, id, sock, call)),
            // Input and Sleep never reach the network.
            Op::Input | Op::Sleep { .. } => {}
        }
        self.pump();
    }

    fn cancel(&mut self, proc: ProcId, id: OpId) {
        self.waiting.retain(|w| (w.0, w.1) != (proc, id));
    }

    fn exit(&mut self, proc: ProcId) {
        self.waiting.retain(|w| w.0 != proc);
        let mine: Vec<Key> = self.socks.keys().filter(|k| k.0 == proc).copied().collect();
        for key in mine {
            self.close(key);
        }
        // Its own sockets are gone: what their closing did to each other is no news.
        self.arrived
            .retain(|a| !matches!(a, NetOutput::Arrived(p, ..) if *p == proc));
        self.done.append(&mut self.arrived);
        self.pump();
    }

    fn take_output(&mut self) -> Vec<NetOutput> {
        std::mem::take(&mut self.done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use socklab_lang::host::Family;

    const AT: Location = Location { thread: 0, line: 1 };

    fn call(
        net: &mut MockNet,
        proc: ProcId,
        id: OpId,
        sock: i32,
        call: SocketCall,
    ) -> Option<Reply> {
        net.submit(
            proc,
            id,
            Op::Socket {
                sock: SocketHandle(sock),
                call,
                timeout: None,
            },
            AT,
        );
        completions(net)
            .into_iter()
            .find(|c| c.1 == id)
            .map(|c| c.2)
    }

    /// A mock network where procs 1 and 2 have each asked for a TCP socket (op 1).
    fn two_streams() -> MockNet {
        let mut net = MockNet::default();
        let stream = Op::Create {
            family: Family::Inet,
            kind: SockType::Stream,
        };
        net.submit(1, 1, stream.clone(), AT);
        net.submit(2, 1, stream, AT);
        net
    }

    fn completions(net: &mut MockNet) -> Vec<(ProcId, OpId, Reply)> {
        net.take_output()
            .into_iter()
            .filter_map(|o| match o {
                NetOutput::Completed(p, id, r) => Some((p, id, r)),
                NetOutput::Arrived(..) => None,
            })
            .collect()
    }

    /// What a step reported, shortened: "done ID" or "arrived KIND".
    fn outline(net: &mut MockNet) -> Vec<String> {
        net.take_output()
            .into_iter()
            .map(|o| match o {
                NetOutput::Completed(_, id, _) => format!("done {id}"),
                NetOutput::Arrived(_, _, Arrival::Bytes(d)) => {
                    format!("arrived {}", String::from_utf8_lossy(&d))
                }
                NetOutput::Arrived(_, _, what) => format!("arrived {what:?}"),
            })
            .collect()
    }

    /// The server waits in recv; the client's send completes, then the bytes arrive, then
    /// the recv returns: the order the diagram draws them in.
    #[test]
    fn arrivals_follow_the_send_and_precede_the_recv() {
        let mut net = two_streams();
        let addr = Addr::new("127.0.0.1", 8000);
        call(&mut net, 1, 2, 3, SocketCall::Bind(addr.clone()));
        call(&mut net, 1, 3, 3, SocketCall::Listen { backlog: 5 });
        let op = |call| Op::Socket {
            sock: SocketHandle(3),
            call,
            timeout: None,
        };
        net.submit(2, 2, op(SocketCall::Connect(addr)), AT);
        assert_eq!(outline(&mut net), ["done 2", "arrived Incoming"]);
        net.submit(1, 4, op(SocketCall::Accept), AT);
        assert_eq!(outline(&mut net), ["done 4"]);
        net.submit(
            1,
            5,
            Op::Socket {
                sock: SocketHandle(4),
                call: SocketCall::Recv { max: 10 },
                timeout: None,
            },
            AT,
        );
        net.submit(2, 3, op(SocketCall::Send(b"hi".to_vec())), AT);
        assert_eq!(outline(&mut net), ["done 3", "arrived hi", "done 5"]);
        net.submit(2, 4, op(SocketCall::Send(vec![])), AT);
        assert_eq!(outline(&mut net), ["done 4"]);
        net.exit(2);
        assert_eq!(outline(&mut net), ["arrived PeerClosed"]);
    }

    #[test]
    fn tcp_echo_and_refusal() {
        let mut net = two_streams();
        assert_eq!(completions(&mut net).len(), 2);
        let addr = Addr::new("127.0.0.1", 8000);
        assert_eq!(
            call(&mut net, 2, 2, 3, SocketCall::Connect(addr.clone())),
            Some(err(111, "Connection refused"))
        );
        call(&mut net, 1, 2, 3, SocketCall::Bind(addr.clone()));
        call(&mut net, 1, 3, 3, SocketCall::Listen { backlog: 5 });
        assert_eq!(call(&mut net, 1, 4, 3, SocketCall::Accept), None);
        net.submit(
            2,
            3,
            Op::Socket {
                sock: SocketHandle(3),
                call: SocketCall::Connect(addr),
                timeout: None,
            },
            AT,
        );
        let done = completions(&mut net);
        assert!(
            matches!(done[0], (2, 3, Reply::Connected { .. })),
            "{done:?}"
        );
        let Some((1, 4, Reply::Accepted { sock, .. })) = done.get(1).cloned() else {
            panic!("{done:?}")
        };
        for word in ["one", "two"] {
            call(&mut net, 2, 10, 3, SocketCall::Send(word.into()));
        }
        // Two sends, one recv: the stream has no boundaries.
        let got = call(&mut net, 1, 5, sock.0, SocketCall::Recv { max: 100 });
        assert_eq!(got, Some(Reply::Data(b"onetwo".to_vec())));
        net.exit(2);
        assert_eq!(
            call(&mut net, 1, 6, sock.0, SocketCall::Recv { max: 100 }),
            Some(Reply::Data(vec![]))
        );
    }
}
