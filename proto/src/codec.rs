//! The binary encoding of [`ClientMsg`] and [`ServerMsg`]: one tag byte, then fixed-width
//! big-endian fields; data payloads run to the end of the frame, so they are not copied
//! through any intermediate form.

use crate::{
    Addr, ClientMsg, Done, Family, Op, OsError, RequestId, ServerMsg, Shutdown, SockOpt, SockType,
    SocketId,
};

/// Why a frame could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("empty frame")]
    Empty,
    #[error("frame truncated: needed {needed} more bytes at offset {at}")]
    Truncated { at: usize, needed: usize },
    #[error("unknown {what} tag {tag:#04x}")]
    UnknownTag { what: &'static str, tag: u8 },
    #[error("invalid {what} value {value}")]
    BadValue { what: &'static str, value: u32 },
    #[error("string at offset {at} is not UTF-8")]
    BadUtf8 { at: usize },
    #[error("{count} trailing bytes after the message")]
    Trailing { count: usize },
    #[error("data payload of {len} bytes exceeds the limit of {max}")]
    TooLong { len: usize, max: usize },
}

// Frame tags. Page → relay in 0x01..=0x7f, relay → page in 0x81..=0xff, so a frame sent
// the wrong way is an unknown tag rather than a misread message.
const C_HELLO: u8 = 0x01;
const C_REQUEST: u8 = 0x02;
const C_DATA: u8 = 0x03;
const C_CREDIT: u8 = 0x04;

const S_WELCOME: u8 = 0x81;
const S_REPLY: u8 = 0x82;
const S_DATA: u8 = 0x83;
const S_DATAGRAM: u8 = 0x84;
const S_EOF: u8 = 0x85;
const S_INCOMING: u8 = 0x86;
const S_SEND_CREDIT: u8 = 0x87;
const S_SOCKET_ERROR: u8 = 0x88;

const OP_SOCKET: u8 = 1;
const OP_BIND: u8 = 2;
const OP_LISTEN: u8 = 3;
const OP_ACCEPT: u8 = 4;
const OP_CONNECT: u8 = 5;
const OP_SENDTO: u8 = 6;
const OP_SHUTDOWN: u8 = 7;
const OP_CLOSE: u8 = 8;
const OP_SETSOCKOPT: u8 = 9;
const OP_GETSOCKOPT: u8 = 10;
const OP_GETSOCKNAME: u8 = 11;
const OP_GETPEERNAME: u8 = 12;
const OP_RESOLVE: u8 = 13;

const DONE_UNIT: u8 = 0;
const DONE_ADDR: u8 = 1;
const DONE_CONN: u8 = 2;
const DONE_INT: u8 = 3;
const DONE_HOSTS: u8 = 4;
const RESULT_ERR: u8 = 0xff;

struct Writer<'a>(&'a mut Vec<u8>);

impl Writer<'_> {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u16(&mut self, v: u16) {
        self.0.extend_from_slice(&v.to_be_bytes());
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_be_bytes());
    }
    fn i32(&mut self, v: i32) {
        self.0.extend_from_slice(&v.to_be_bytes());
    }
    fn i64(&mut self, v: i64) {
        self.0.extend_from_slice(&v.to_be_bytes());
    }
    /// Strings are short (hosts, tokens, messages): u16 length, then UTF-8. Longer ones are
    /// cut at a char boundary rather than producing an undecodable frame.
    fn str(&mut self, s: &str) {
        let mut end = s.len().min(u16::MAX as usize);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        self.u16(end as u16);
        self.0.extend_from_slice(&s.as_bytes()[..end]);
    }
    fn addr(&mut self, a: &Addr) {
        self.str(&a.host);
        self.u16(a.port);
    }
    fn sock(&mut self, s: SocketId) {
        self.u32(s.0);
    }
    fn rest(&mut self, data: &[u8]) {
        self.0.extend_from_slice(data);
    }
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let left = self.buf.len() - self.pos;
        if left < n {
            return Err(DecodeError::Truncated {
                at: self.pos,
                needed: n - left,
            });
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, DecodeError> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Result<u32, DecodeError> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn i32(&mut self) -> Result<i32, DecodeError> {
        Ok(self.u32()? as i32)
    }
    fn i64(&mut self) -> Result<i64, DecodeError> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(i64::from_be_bytes(a))
    }
    fn str(&mut self) -> Result<String, DecodeError> {
        let len = self.u16()? as usize;
        let at = self.pos;
        let b = self.take(len)?;
        std::str::from_utf8(b)
            .map(str::to_owned)
            .map_err(|_| DecodeError::BadUtf8 { at })
    }
    fn addr(&mut self) -> Result<Addr, DecodeError> {
        let host = self.str()?;
        let port = self.u16()?;
        Ok(Addr { host, port })
    }
    fn sock(&mut self) -> Result<SocketId, DecodeError> {
        Ok(SocketId(self.u32()?))
    }
    fn data(&mut self) -> Result<Vec<u8>, DecodeError> {
        let rest = &self.buf[self.pos..];
        if rest.len() > crate::MAX_DATA {
            return Err(DecodeError::TooLong {
                len: rest.len(),
                max: crate::MAX_DATA,
            });
        }
        self.pos = self.buf.len();
        Ok(rest.to_vec())
    }
    fn finish(&self) -> Result<(), DecodeError> {
        match self.buf.len() - self.pos {
            0 => Ok(()),
            count => Err(DecodeError::Trailing { count }),
        }
    }
}

fn family(n: u8) -> Result<Family, DecodeError> {
    Family::from_number(n).ok_or(DecodeError::BadValue {
        what: "family",
        value: n.into(),
    })
}

pub(crate) fn encode_client(msg: &ClientMsg, out: &mut Vec<u8>) {
    let mut w = Writer(out);
    match msg {
        ClientMsg::Hello { version, token } => {
            w.u8(C_HELLO);
            w.u16(*version);
            w.str(token);
        }
        ClientMsg::Request { id, op } => {
            w.u8(C_REQUEST);
            w.u32(id.0);
            encode_op(&mut w, op);
        }
        ClientMsg::Data { sock, data } => {
            w.u8(C_DATA);
            w.sock(*sock);
            w.rest(data);
        }
        ClientMsg::Credit { sock, bytes } => {
            w.u8(C_CREDIT);
            w.sock(*sock);
            w.u32(*bytes);
        }
    }
}

fn encode_op(w: &mut Writer<'_>, op: &Op) {
    match op {
        Op::Socket { sock, family, ty } => {
            w.u8(OP_SOCKET);
            w.sock(*sock);
            w.u8(family.number());
            w.u8(ty.number());
        }
        Op::Bind { sock, addr } => {
            w.u8(OP_BIND);
            w.sock(*sock);
            w.addr(addr);
        }
        Op::Listen { sock, backlog } => {
            w.u8(OP_LISTEN);
            w.sock(*sock);
            w.u32(*backlog);
        }
        Op::Accept { sock, new_sock } => {
            w.u8(OP_ACCEPT);
            w.sock(*sock);
            w.sock(*new_sock);
        }
        Op::Connect {
            sock,
            addr,
            timeout_ms,
        } => {
            w.u8(OP_CONNECT);
            w.sock(*sock);
            w.addr(addr);
            w.u32(*timeout_ms);
        }
        Op::SendTo { sock, addr, data } => {
            w.u8(OP_SENDTO);
            w.sock(*sock);
            match addr {
                None => w.u8(0),
                Some(a) => {
                    w.u8(1);
                    w.addr(a);
                }
            }
            w.rest(data);
        }
        Op::Shutdown { sock, how } => {
            w.u8(OP_SHUTDOWN);
            w.sock(*sock);
            w.u8(how.number());
        }
        Op::Close { sock } => {
            w.u8(OP_CLOSE);
            w.sock(*sock);
        }
        Op::SetSockOpt { sock, opt, value } => {
            w.u8(OP_SETSOCKOPT);
            w.sock(*sock);
            w.u8(opt.number());
            w.i32(*value);
        }
        Op::GetSockOpt { sock, opt } => {
            w.u8(OP_GETSOCKOPT);
            w.sock(*sock);
            w.u8(opt.number());
        }
        Op::GetSockName { sock } => {
            w.u8(OP_GETSOCKNAME);
            w.sock(*sock);
        }
        Op::GetPeerName { sock } => {
            w.u8(OP_GETPEERNAME);
            w.sock(*sock);
        }
        Op::Resolve { host, family } => {
            w.u8(OP_RESOLVE);
            w.str(host);
            w.u8(family.map_or(0, Family::number));
        }
    }
}

pub(crate) fn decode_client(bytes: &[u8]) -> Result<ClientMsg, DecodeError> {
    let mut r = Reader::new(bytes);
    let tag = r.u8().map_err(|_| DecodeError::Empty)?;
    let msg = match tag {
        C_HELLO => ClientMsg::Hello {
            version: r.u16()?,
            token: r.str()?,
        },
        C_REQUEST => ClientMsg::Request {
            id: RequestId(r.u32()?),
            op: decode_op(&mut r)?,
        },
        C_DATA => ClientMsg::Data {
            sock: r.sock()?,
            data: r.data()?,
        },
        C_CREDIT => ClientMsg::Credit {
            sock: r.sock()?,
            bytes: r.u32()?,
        },
        tag => {
            return Err(DecodeError::UnknownTag {
                what: "page message",
                tag,
            })
        }
    };
    r.finish()?;
    Ok(msg)
}

fn decode_op(r: &mut Reader<'_>) -> Result<Op, DecodeError> {
    Ok(match r.u8()? {
        OP_SOCKET => Op::Socket {
            sock: r.sock()?,
            family: family(r.u8()?)?,
            ty: {
                let n = r.u8()?;
                SockType::from_number(n).ok_or(DecodeError::BadValue {
                    what: "socket type",
                    value: n.into(),
                })?
            },
        },
        OP_BIND => Op::Bind {
            sock: r.sock()?,
            addr: r.addr()?,
        },
        OP_LISTEN => Op::Listen {
            sock: r.sock()?,
            backlog: r.u32()?,
        },
        OP_ACCEPT => Op::Accept {
            sock: r.sock()?,
            new_sock: r.sock()?,
        },
        OP_CONNECT => Op::Connect {
            sock: r.sock()?,
            addr: r.addr()?,
            timeout_ms: r.u32()?,
        },
        OP_SENDTO => {
            let sock = r.sock()?;
            let addr = match r.u8()? {
                0 => None,
                1 => Some(r.addr()?),
                n => {
                    return Err(DecodeError::BadValue {
                        what: "address presence",
                        value: n.into(),
                    })
                }
            };
            Op::SendTo {
                sock,
                addr,
                data: r.data()?,
            }
        }
        OP_SHUTDOWN => Op::Shutdown {
            sock: r.sock()?,
            how: {
                let n = r.u8()?;
                Shutdown::from_number(n).ok_or(DecodeError::BadValue {
                    what: "shutdown how",
                    value: n.into(),
                })?
            },
        },
        OP_CLOSE => Op::Close { sock: r.sock()? },
        OP_SETSOCKOPT => Op::SetSockOpt {
            sock: r.sock()?,
            opt: sockopt(r.u8()?)?,
            value: r.i32()?,
        },
        OP_GETSOCKOPT => Op::GetSockOpt {
            sock: r.sock()?,
            opt: sockopt(r.u8()?)?,
        },
        OP_GETSOCKNAME => Op::GetSockName { sock: r.sock()? },
        OP_GETPEERNAME => Op::GetPeerName { sock: r.sock()? },
        OP_RESOLVE => Op::Resolve {
            host: r.str()?,
            family: match r.u8()? {
                0 => None,
                n => Some(family(n)?),
            },
        },
        tag => return Err(DecodeError::UnknownTag { what: "op", tag }),
    })
}

fn sockopt(n: u8) -> Result<SockOpt, DecodeError> {
    SockOpt::from_number(n).ok_or(DecodeError::BadValue {
        what: "socket option",
        value: n.into(),
    })
}

/// The first 5 bytes of a relay→page `Data` frame for `sock`; the payload follows directly.
/// Lets the relay read socket bytes straight into a frame buffer without another copy.
pub fn encode_data_header(sock: SocketId) -> [u8; 5] {
    let b = sock.0.to_be_bytes();
    [S_DATA, b[0], b[1], b[2], b[3]]
}

/// Where the payload of a well-formed page→relay `Data` frame starts, and its socket; `None`
/// for any other frame (or a `Data` frame over [`crate::MAX_DATA`], which
/// [`crate::ClientMsg::decode`] then reports). Lets the relay pass the payload on as a slice
/// of the received frame instead of copying it.
pub fn peek_client_data(bytes: &[u8]) -> Option<(SocketId, usize)> {
    match bytes {
        [C_DATA, a, b, c, d, rest @ ..] if rest.len() <= crate::MAX_DATA => {
            Some((SocketId(u32::from_be_bytes([*a, *b, *c, *d])), 5))
        }
        _ => None,
    }
}

/// The request id of a frame that is a request, even if the rest of it is malformed, so the
/// relay can answer that request with an error instead of dropping the connection.
pub fn peek_request_id(bytes: &[u8]) -> Option<RequestId> {
    match bytes {
        [C_REQUEST, a, b, c, d, ..] => Some(RequestId(u32::from_be_bytes([*a, *b, *c, *d]))),
        _ => None,
    }
}

pub(crate) fn encode_server(msg: &ServerMsg, out: &mut Vec<u8>) {
    let mut w = Writer(out);
    match msg {
        ServerMsg::Welcome {
            version,
            hostname,
            max_data,
        } => {
            w.u8(S_WELCOME);
            w.u16(*version);
            w.str(hostname);
            w.u32(*max_data);
        }
        ServerMsg::Reply { id, result } => {
            w.u8(S_REPLY);
            w.u32(id.0);
            match result {
                Ok(Done::Unit) => w.u8(DONE_UNIT),
                Ok(Done::Addr(a)) => {
                    w.u8(DONE_ADDR);
                    w.addr(a);
                }
                Ok(Done::Conn { local, peer }) => {
                    w.u8(DONE_CONN);
                    w.addr(local);
                    w.addr(peer);
                }
                Ok(Done::Int(v)) => {
                    w.u8(DONE_INT);
                    w.i64(*v);
                }
                Ok(Done::Hosts(hosts)) => {
                    w.u8(DONE_HOSTS);
                    let n = hosts.len().min(u16::MAX as usize);
                    w.u16(n as u16);
                    for h in &hosts[..n] {
                        w.str(h);
                    }
                }
                Err(e) => {
                    w.u8(RESULT_ERR);
                    w.i32(e.errno);
                    w.str(&e.message);
                }
            }
        }
        ServerMsg::Data { sock, data } => {
            w.u8(S_DATA);
            w.sock(*sock);
            w.rest(data);
        }
        ServerMsg::Datagram { sock, from, data } => {
            w.u8(S_DATAGRAM);
            w.sock(*sock);
            w.addr(from);
            w.rest(data);
        }
        ServerMsg::Eof { sock } => {
            w.u8(S_EOF);
            w.sock(*sock);
        }
        ServerMsg::Incoming { sock } => {
            w.u8(S_INCOMING);
            w.sock(*sock);
        }
        ServerMsg::SendCredit { sock, bytes } => {
            w.u8(S_SEND_CREDIT);
            w.sock(*sock);
            w.u32(*bytes);
        }
        ServerMsg::SocketError { sock, error } => {
            w.u8(S_SOCKET_ERROR);
            w.sock(*sock);
            w.i32(error.errno);
            w.str(&error.message);
        }
    }
}

pub(crate) fn decode_server(bytes: &[u8]) -> Result<ServerMsg, DecodeError> {
    let mut r = Reader::new(bytes);
    let tag = r.u8().map_err(|_| DecodeError::Empty)?;
    let msg = match tag {
        S_WELCOME => ServerMsg::Welcome {
            version: r.u16()?,
            hostname: r.str()?,
            max_data: r.u32()?,
        },
        S_REPLY => {
            let id = RequestId(r.u32()?);
            let result = match r.u8()? {
                DONE_UNIT => Ok(Done::Unit),
                DONE_ADDR => Ok(Done::Addr(r.addr()?)),
                DONE_CONN => Ok(Done::Conn {
                    local: r.addr()?,
                    peer: r.addr()?,
                }),
                DONE_INT => Ok(Done::Int(r.i64()?)),
                DONE_HOSTS => {
                    let n = r.u16()?;
                    let mut hosts = Vec::with_capacity(usize::from(n).min(64));
                    for _ in 0..n {
                        hosts.push(r.str()?);
                    }
                    Ok(Done::Hosts(hosts))
                }
                RESULT_ERR => Err(OsError {
                    errno: r.i32()?,
                    message: r.str()?,
                }),
                tag => return Err(DecodeError::UnknownTag { what: "reply", tag }),
            };
            ServerMsg::Reply { id, result }
        }
        S_DATA => ServerMsg::Data {
            sock: r.sock()?,
            data: r.data()?,
        },
        S_DATAGRAM => ServerMsg::Datagram {
            sock: r.sock()?,
            from: r.addr()?,
            data: r.data()?,
        },
        S_EOF => ServerMsg::Eof { sock: r.sock()? },
        S_INCOMING => ServerMsg::Incoming { sock: r.sock()? },
        S_SEND_CREDIT => ServerMsg::SendCredit {
            sock: r.sock()?,
            bytes: r.u32()?,
        },
        S_SOCKET_ERROR => ServerMsg::SocketError {
            sock: r.sock()?,
            error: OsError {
                errno: r.i32()?,
                message: r.str()?,
            },
        },
        tag => {
            return Err(DecodeError::UnknownTag {
                what: "relay message",
                tag,
            })
        }
    };
    r.finish()?;
    Ok(msg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::errno;

    fn every_op() -> Vec<Op> {
        let s = SocketId(7);
        let mut ops = vec![
            Op::Socket {
                sock: s,
                family: Family::Inet,
                ty: SockType::Stream,
            },
            Op::Socket {
                sock: s,
                family: Family::Inet6,
                ty: SockType::Dgram,
            },
            Op::Bind {
                sock: s,
                addr: Addr::new("", 0),
            },
            Op::Listen {
                sock: s,
                backlog: 5,
            },
            Op::Accept {
                sock: s,
                new_sock: SocketId(u32::MAX),
            },
            Op::Connect {
                sock: s,
                addr: Addr::new("::1", 8000),
                timeout_ms: 1500,
            },
            Op::SendTo {
                sock: s,
                addr: Some(Addr::new("127.0.0.1", 8001)),
                data: b"ping".to_vec(),
            },
            Op::SendTo {
                sock: s,
                addr: None,
                data: Vec::new(),
            },
            Op::Close { sock: s },
            Op::GetSockName { sock: s },
            Op::GetPeerName { sock: s },
            Op::Resolve {
                host: "localhost".into(),
                family: None,
            },
            Op::Resolve {
                host: "例え.jp".into(),
                family: Some(Family::Inet6),
            },
        ];
        for how in [Shutdown::Read, Shutdown::Write, Shutdown::Both] {
            ops.push(Op::Shutdown { sock: s, how });
        }
        for opt in SockOpt::ALL {
            ops.push(Op::SetSockOpt {
                sock: s,
                opt,
                value: -1,
            });
            ops.push(Op::GetSockOpt { sock: s, opt });
        }
        ops
    }

    fn every_client_msg() -> Vec<ClientMsg> {
        let mut msgs = vec![
            ClientMsg::Hello {
                version: crate::PROTOCOL_VERSION,
                token: "join-42".into(),
            },
            ClientMsg::Hello {
                version: 9,
                token: String::new(),
            },
            ClientMsg::Data {
                sock: SocketId(1),
                data: (0..=255).collect(),
            },
            ClientMsg::Data {
                sock: SocketId(1),
                data: Vec::new(),
            },
            ClientMsg::Credit {
                sock: SocketId(2),
                bytes: u32::MAX,
            },
        ];
        for (i, op) in every_op().into_iter().enumerate() {
            msgs.push(ClientMsg::Request {
                id: RequestId(i as u32 * 1000),
                op,
            });
        }
        msgs
    }

    fn every_server_msg() -> Vec<ServerMsg> {
        let s = SocketId(3);
        let id = RequestId(9);
        vec![
            ServerMsg::Welcome {
                version: 1,
                hostname: "lab-host".into(),
                max_data: crate::MAX_DATA as u32,
            },
            ServerMsg::Reply {
                id,
                result: Ok(Done::Unit),
            },
            ServerMsg::Reply {
                id,
                result: Ok(Done::Addr(Addr::new("0.0.0.0", 8000))),
            },
            ServerMsg::Reply {
                id,
                result: Ok(Done::Conn {
                    local: Addr::new("127.0.0.1", 40000),
                    peer: Addr::new("127.0.0.1", 8000),
                }),
            },
            ServerMsg::Reply {
                id,
                result: Ok(Done::Int(i64::MIN)),
            },
            ServerMsg::Reply {
                id,
                result: Ok(Done::Hosts(vec!["127.0.1.1".into(), "::1".into()])),
            },
            ServerMsg::Reply {
                id,
                result: Ok(Done::Hosts(vec![])),
            },
            ServerMsg::Reply {
                id,
                result: Err(OsError::new(errno::ECONNREFUSED)),
            },
            ServerMsg::Reply {
                id,
                result: Err(OsError::with_message(
                    errno::EACCES,
                    "socklab relay refused 169.254.169.254:80 (rule: link-local)",
                )),
            },
            ServerMsg::Data {
                sock: s,
                data: b"\r\n\0\xff".to_vec(),
            },
            ServerMsg::Datagram {
                sock: s,
                from: Addr::new("::ffff:127.0.0.1", 1),
                data: Vec::new(),
            },
            ServerMsg::Eof { sock: s },
            ServerMsg::Incoming { sock: s },
            ServerMsg::SendCredit {
                sock: s,
                bytes: 65536,
            },
            ServerMsg::SocketError {
                sock: s,
                error: OsError::new(errno::ECONNRESET),
            },
        ]
    }

    #[test]
    fn client_messages_round_trip() {
        for msg in every_client_msg() {
            let bytes = msg.encode();
            assert_eq!(ClientMsg::decode(&bytes), Ok(msg.clone()), "{msg:?}");
        }
    }

    #[test]
    fn server_messages_round_trip() {
        for msg in every_server_msg() {
            let bytes = msg.encode();
            assert_eq!(ServerMsg::decode(&bytes), Ok(msg.clone()), "{msg:?}");
        }
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        for msg in every_client_msg() {
            let bytes = msg.encode();
            // Data frames end in an open-ended payload, so a shorter one is still valid.
            let open_ended = matches!(
                msg,
                ClientMsg::Data { .. }
                    | ClientMsg::Request {
                        op: Op::SendTo { .. },
                        ..
                    }
            );
            for cut in 0..bytes.len() {
                let r = ClientMsg::decode(&bytes[..cut]);
                if !open_ended {
                    assert!(r.is_err(), "{msg:?} cut at {cut} decoded as {r:?}");
                }
            }
        }
        for msg in every_server_msg() {
            let bytes = msg.encode();
            let open_ended = matches!(msg, ServerMsg::Data { .. } | ServerMsg::Datagram { .. });
            for cut in 0..bytes.len() {
                let r = ServerMsg::decode(&bytes[..cut]);
                if !open_ended {
                    assert!(r.is_err(), "{msg:?} cut at {cut} decoded as {r:?}");
                }
            }
        }
    }

    #[test]
    fn typed_errors() {
        assert_eq!(ClientMsg::decode(&[]), Err(DecodeError::Empty));
        assert_eq!(
            ClientMsg::decode(&[0x81]),
            Err(DecodeError::UnknownTag {
                what: "page message",
                tag: 0x81
            })
        );
        assert_eq!(
            ClientMsg::decode(&[C_REQUEST, 0, 0, 0, 1, 99]),
            Err(DecodeError::UnknownTag {
                what: "op",
                tag: 99
            })
        );
        assert_eq!(
            ClientMsg::decode(&[C_CREDIT, 0, 0, 0, 1, 0, 0, 0, 5, 0]),
            Err(DecodeError::Trailing { count: 1 })
        );
        assert_eq!(
            ClientMsg::decode(&[C_HELLO, 0, 1, 0, 1, 0xff]),
            Err(DecodeError::BadUtf8 { at: 5 })
        );
        assert_eq!(
            ClientMsg::decode(&[C_REQUEST, 0, 0, 0, 1, OP_SOCKET, 0, 0, 0, 1, 3, 1]),
            Err(DecodeError::BadValue {
                what: "family",
                value: 3
            })
        );
        let mut big = vec![C_DATA, 0, 0, 0, 1];
        big.resize(5 + crate::MAX_DATA + 1, 0);
        assert_eq!(
            ClientMsg::decode(&big),
            Err(DecodeError::TooLong {
                len: crate::MAX_DATA + 1,
                max: crate::MAX_DATA
            })
        );
    }

    #[test]
    fn request_id_survives_a_malformed_body() {
        let bytes = [C_REQUEST, 0, 0, 1, 2, 99, 1];
        assert!(ClientMsg::decode(&bytes).is_err());
        assert_eq!(peek_request_id(&bytes), Some(RequestId(258)));
        assert_eq!(peek_request_id(&[C_DATA, 0, 0, 1, 2]), None);
    }

    #[test]
    fn peek_client_data_agrees_with_decode() {
        let frame = ClientMsg::Data {
            sock: SocketId(0x0102_0304),
            data: b"hello".to_vec(),
        }
        .encode();
        let (sock, at) = peek_client_data(&frame).expect("a data frame");
        assert_eq!(sock, SocketId(0x0102_0304));
        assert_eq!(&frame[at..], b"hello");
        let empty = ClientMsg::Data {
            sock: SocketId(9),
            data: Vec::new(),
        }
        .encode();
        assert_eq!(peek_client_data(&empty), Some((SocketId(9), 5)));
        let credit = ClientMsg::Credit {
            sock: SocketId(1),
            bytes: 5,
        }
        .encode();
        assert_eq!(peek_client_data(&credit), None);
        assert_eq!(peek_client_data(&[C_DATA, 0, 0, 1]), None, "short header");
        let mut big = vec![C_DATA, 0, 0, 0, 1];
        big.resize(5 + crate::MAX_DATA + 1, 0);
        assert_eq!(
            peek_client_data(&big),
            None,
            "oversized: left to decode's error"
        );
    }

    #[test]
    fn data_header_matches_the_encoder() {
        let msg = ServerMsg::Data {
            sock: SocketId(0x01020304),
            data: b"xyz".to_vec(),
        };
        let bytes = msg.encode();
        assert_eq!(bytes[..5], encode_data_header(SocketId(0x01020304)));
    }

    #[test]
    fn data_frame_overhead_is_five_bytes() {
        let msg = ServerMsg::Data {
            sock: SocketId(1),
            data: vec![0; 1000],
        };
        assert_eq!(msg.encode().len(), 1005);
    }

    #[test]
    fn long_strings_are_cut_at_a_char_boundary() {
        let host = "é".repeat(40_000);
        let bytes = ClientMsg::Hello {
            version: 1,
            token: host,
        }
        .encode();
        match ClientMsg::decode(&bytes) {
            Ok(ClientMsg::Hello { token, .. }) => {
                assert!(token.len() <= u16::MAX as usize);
                assert!(token.chars().all(|c| c == 'é'));
            }
            other => panic!("{other:?}"),
        }
    }
}
