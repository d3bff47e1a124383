//! The relay's side of a page's WebSocket (RFC 6455, server role): frames read into one buffer and unmasked in place, frames written with one `writev` per batch.
//!
//! The relay moves bulk data through a single WebSocket per page, so this is its hot path.
//! A general-purpose WebSocket library reads in small chunks, copies every payload out of
//! its read buffer and every outgoing frame into its write buffer. Here a received frame's
//! payload is handed on as a slice of the buffer it was read into (the session writes it
//! to the socket from there), and an outgoing frame is written from where it already lies:
//! its header is built beside it and both go out in one vectored write.
//!
//! Only what the protocol needs is here: binary messages (fragmented or not), ping/pong,
//! close; text messages are reported so the session can refuse them; no extensions and no
//! subprotocols are negotiated.

use std::io::{self, IoSlice};

use axum::body::Bytes;
use bytes::{Buf, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Frame opcodes (RFC 6455 §5.2).
pub mod opcode {
    pub const CONTINUATION: u8 = 0x0;
    pub const TEXT: u8 = 0x1;
    pub const BINARY: u8 = 0x2;
    pub const CLOSE: u8 = 0x8;
    pub const PING: u8 = 0x9;
    pub const PONG: u8 = 0xa;
}

/// Close codes (RFC 6455 §7.4.1) the endpoint itself needs.
pub mod close_code {
    pub const PROTOCOL: u16 = 1002;
    pub const TOO_BIG: u16 = 1009;
}

/// Largest payload of a control frame.
const MAX_CONTROL: usize = 125;
/// Longest frame header a client sends: 2 bytes, an 8-byte length, a 4-byte mask.
const MAX_CLIENT_HEADER: usize = 14;
/// Longest frame header the server sends: 2 bytes and an 8-byte length.
const MAX_SERVER_HEADER: usize = 10;

/// Why the WebSocket cannot go on.
#[derive(Debug, thiserror::Error)]
pub enum WsError {
    #[error("WebSocket connection: {0}")]
    Io(#[from] io::Error),
    #[error("WebSocket protocol error: {0}")]
    Protocol(&'static str),
    #[error("message of {len} bytes is over the limit of {max} bytes")]
    TooBig { len: u64, max: usize },
}

impl WsError {
    /// The close code that tells the page why.
    pub fn close_code(&self) -> u16 {
        match self {
            WsError::TooBig { .. } => close_code::TOO_BIG,
            WsError::Io(_) | WsError::Protocol(_) => close_code::PROTOCOL,
        }
    }
}

/// One complete message (or control frame) from the page.
#[derive(Debug, PartialEq, Eq)]
pub enum Incoming {
    Binary(Bytes),
    /// A text message (its content is not kept: the protocol has none).
    Text,
    Ping(Bytes),
    Pong,
    /// The page's close frame: its code and reason, if it gave one.
    Close(Option<(u16, String)>),
}

/// The reading half: parses frames out of one growing buffer.
#[derive(Debug)]
pub struct Reader<R> {
    io: R,
    buf: BytesMut,
    max_message: usize,
    /// How much to ask the kernel for at least, once the buffer must grow.
    read_chunk: usize,
    /// A fragmented binary message being put together.
    partial: Option<BytesMut>,
}

/// A parsed frame header.
struct Header {
    fin: bool,
    opcode: u8,
    /// Header length including the mask.
    len: usize,
    payload: usize,
    mask: [u8; 4],
}

impl<R: AsyncRead + Unpin> Reader<R> {
    /// Reads frames from `io`, refusing messages over `max_message` bytes. The buffer
    /// starts at `initial` bytes (what an idle session holds) and grows for bulk data.
    pub fn new(io: R, max_message: usize, initial: usize) -> Reader<R> {
        Reader {
            io,
            buf: BytesMut::with_capacity(initial),
            max_message,
            read_chunk: initial.max(MAX_CLIENT_HEADER),
            partial: None,
        }
    }

    /// The next message; `Ok(None)` when the page closed the connection without a close
    /// frame between messages.
    pub async fn next(&mut self) -> Result<Option<Incoming>, WsError> {
        loop {
            let need = match self.header()? {
                Some(h) if self.buf.len() >= h.len + h.payload => {
                    if let Some(msg) = self.frame(h)? {
                        return Ok(Some(msg));
                    }
                    continue;
                }
                Some(h) => h.len + h.payload,
                None => MAX_CLIENT_HEADER,
            };
            if !self.fill(need).await? {
                return if self.buf.is_empty() && self.partial.is_none() {
                    Ok(None)
                } else {
                    Err(WsError::Io(io::ErrorKind::UnexpectedEof.into()))
                };
            }
        }
    }

    /// Reads once, making room for `need` bytes in all; false at end of stream.
    async fn fill(&mut self, need: usize) -> Result<bool, WsError> {
        let want = need.saturating_sub(self.buf.len());
        if self.buf.capacity() - self.buf.len() < want {
            // Room for the rest of this frame and, in bulk, the frames behind it: one read
            // then takes several frames at once.
            self.buf.reserve(want.max(self.read_chunk));
        }
        Ok(self.io.read_buf(&mut self.buf).await? > 0)
    }

    /// The header at the front of the buffer, once it is all there.
    fn header(&self) -> Result<Option<Header>, WsError> {
        let b = &self.buf[..];
        if b.len() < 2 {
            return Ok(None);
        }
        let fin = b[0] & 0x80 != 0;
        if b[0] & 0x70 != 0 {
            return Err(WsError::Protocol("reserved bits set without an extension"));
        }
        let opcode = b[0] & 0x0f;
        if b[1] & 0x80 == 0 {
            return Err(WsError::Protocol("a client frame must be masked"));
        }
        let (payload, at) = match b[1] & 0x7f {
            126 => {
                if b.len() < 4 {
                    return Ok(None);
                }
                (u64::from(u16::from_be_bytes([b[2], b[3]])), 4)
            }
            127 => {
                if b.len() < 10 {
                    return Ok(None);
                }
                let mut n = [0u8; 8];
                n.copy_from_slice(&b[2..10]);
                let n = u64::from_be_bytes(n);
                if n >> 63 != 0 {
                    return Err(WsError::Protocol("frame length has its top bit set"));
                }
                (n, 10)
            }
            n => (u64::from(n), 2),
        };
        match opcode {
            opcode::CLOSE | opcode::PING | opcode::PONG => {
                if !fin {
                    return Err(WsError::Protocol("fragmented control frame"));
                }
                if payload > MAX_CONTROL as u64 {
                    return Err(WsError::Protocol("control frame longer than 125 bytes"));
                }
            }
            opcode::CONTINUATION | opcode::TEXT | opcode::BINARY => {
                let before = self.partial.as_ref().map_or(0, |p| p.len());
                let total = payload.saturating_add(before as u64);
                if total > self.max_message as u64 {
                    return Err(WsError::TooBig {
                        len: total,
                        max: self.max_message,
                    });
                }
            }
            _ => return Err(WsError::Protocol("unknown opcode")),
        }
        if b.len() < at + 4 {
            return Ok(None);
        }
        let mask = [b[at], b[at + 1], b[at + 2], b[at + 3]];
        Ok(Some(Header {
            fin,
            opcode,
            len: at + 4,
            // At most `max_message` (or 125), so it fits.
            payload: payload as usize,
            mask,
        }))
    }

    /// Takes the whole frame `h` off the buffer; a message when it completes one.
    fn frame(&mut self, h: Header) -> Result<Option<Incoming>, WsError> {
        self.buf.advance(h.len);
        let mut payload = self.buf.split_to(h.payload);
        unmask(&mut payload, h.mask);
        match h.opcode {
            opcode::BINARY | opcode::TEXT if self.partial.is_some() => Err(WsError::Protocol(
                "a new message began inside a fragmented one",
            )),
            // Text is refused by the session whatever it says; no need to gather it.
            opcode::TEXT => Ok(Some(Incoming::Text)),
            opcode::BINARY if h.fin => Ok(Some(Incoming::Binary(payload.freeze()))),
            opcode::BINARY => {
                self.partial = Some(payload);
                Ok(None)
            }
            opcode::CONTINUATION => {
                let Some(partial) = self.partial.as_mut() else {
                    return Err(WsError::Protocol("continuation frame outside a message"));
                };
                partial.extend_from_slice(&payload);
                if h.fin {
                    let whole = self.partial.take().unwrap_or_default();
                    Ok(Some(Incoming::Binary(whole.freeze())))
                } else {
                    Ok(None)
                }
            }
            opcode::PING => Ok(Some(Incoming::Ping(payload.freeze()))),
            opcode::PONG => Ok(Some(Incoming::Pong)),
            // CLOSE: `header` let no other opcode through.
            _ => close_payload(&payload).map(|c| Some(Incoming::Close(c))),
        }
    }
}

fn close_payload(p: &[u8]) -> Result<Option<(u16, String)>, WsError> {
    match p {
        [] => Ok(None),
        [_] => Err(WsError::Protocol("close frame with a 1-byte payload")),
        [a, b, reason @ ..] => {
            let code = u16::from_be_bytes([*a, *b]);
            let valid = matches!(code, 1000..=1003 | 1007..=1014 | 3000..=4999);
            if !valid {
                return Err(WsError::Protocol("invalid close code"));
            }
            let reason = std::str::from_utf8(reason)
                .map_err(|_| WsError::Protocol("close reason is not UTF-8"))?;
            Ok(Some((code, reason.to_string())))
        }
    }
}

/// XORs `data` with the 4-byte `mask`, starting at the mask's first byte, eight bytes at a
/// time (the compiler makes this a vector loop).
pub fn unmask(data: &mut [u8], mask: [u8; 4]) {
    let m = u32::from_ne_bytes(mask);
    // The same four bytes twice, in memory order, whatever the byte order.
    let wide = u64::from(m) | (u64::from(m) << 32);
    let (words, rest) = data.as_chunks_mut::<8>();
    for w in words {
        *w = (u64::from_ne_bytes(*w) ^ wide).to_ne_bytes();
    }
    for (i, b) in rest.iter_mut().enumerate() {
        *b ^= mask[i % 4];
    }
}

/// One frame for the page: `head` and `body` are its payload, back to back (a data frame's
/// protocol header lives apart from the bytes it carries, so those need no copy).
#[derive(Debug, Clone)]
pub struct Frame {
    pub opcode: u8,
    pub head: Head,
    pub body: Bytes,
}

/// A few bytes that go before a frame's body.
#[derive(Debug, Clone, Copy, Default)]
pub struct Head {
    bytes: [u8; 16],
    len: u8,
}

impl Head {
    /// `bytes` must be at most 16 long.
    pub fn new(bytes: &[u8]) -> Head {
        debug_assert!(bytes.len() <= 16, "a frame head of {} bytes", bytes.len());
        let mut h = Head::default();
        let n = bytes.len().min(16);
        h.bytes[..n].copy_from_slice(&bytes[..n]);
        h.len = n as u8;
        h
    }
    pub fn as_slice(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

impl Frame {
    pub fn binary(body: Bytes) -> Frame {
        Frame {
            opcode: opcode::BINARY,
            head: Head::default(),
            body,
        }
    }
    pub fn pong(body: Bytes) -> Frame {
        Frame {
            opcode: opcode::PONG,
            head: Head::default(),
            body,
        }
    }
    /// A close frame with `code` and `reason` (cut to fit a control frame).
    pub fn close(code: u16, reason: &str) -> Frame {
        let mut end = reason.len().min(MAX_CONTROL - 2);
        while !reason.is_char_boundary(end) {
            end -= 1;
        }
        let mut body = Vec::with_capacity(2 + end);
        body.extend_from_slice(&code.to_be_bytes());
        body.extend_from_slice(&reason.as_bytes()[..end]);
        Frame {
            opcode: opcode::CLOSE,
            head: Head::default(),
            body: body.into(),
        }
    }
    fn len(&self) -> usize {
        self.head.as_slice().len() + self.body.len()
    }
}

/// Frames written with one vectored write at most.
pub const MAX_BATCH: usize = 64;

/// The writing half: frames go out unmasked (the server's role), in batches.
#[derive(Debug)]
pub struct Writer<W> {
    io: W,
    /// Every frame header of a batch (with its `head`), back to back.
    headers: Vec<u8>,
}

impl<W: AsyncWrite + Unpin> Writer<W> {
    pub fn new(io: W) -> Writer<W> {
        Writer {
            io,
            headers: Vec::new(),
        }
    }

    /// Writes `frames` in order, with as few system calls as the socket allows.
    pub async fn write(&mut self, frames: &[Frame]) -> io::Result<()> {
        for batch in frames.chunks(MAX_BATCH) {
            self.headers.clear();
            let mut ends = [0usize; MAX_BATCH];
            for (f, end) in batch.iter().zip(ends.iter_mut()) {
                let len = f.len();
                self.headers.push(0x80 | f.opcode);
                match len {
                    0..=125 => self.headers.push(len as u8),
                    126..=0xffff => {
                        self.headers.push(126);
                        self.headers.extend_from_slice(&(len as u16).to_be_bytes());
                    }
                    _ => {
                        self.headers.push(127);
                        self.headers.extend_from_slice(&(len as u64).to_be_bytes());
                    }
                }
                self.headers.extend_from_slice(f.head.as_slice());
                *end = self.headers.len();
            }
            debug_assert!(self.headers.len() <= batch.len() * (MAX_SERVER_HEADER + 16));
            let mut slices = Vec::with_capacity(2 * batch.len());
            let mut start = 0;
            for (f, &end) in batch.iter().zip(&ends) {
                slices.push(IoSlice::new(&self.headers[start..end]));
                if !f.body.is_empty() {
                    slices.push(IoSlice::new(&f.body));
                }
                start = end;
            }
            let mut bufs = &mut slices[..];
            while !bufs.is_empty() {
                let n = self.io.write_vectored(bufs).await?;
                if n == 0 {
                    return Err(io::ErrorKind::WriteZero.into());
                }
                IoSlice::advance_slices(&mut bufs, n);
            }
        }
        Ok(())
    }

    /// Sends the end of the stream after what was written.
    pub async fn shutdown(&mut self) -> io::Result<()> {
        self.io.flush().await?;
        self.io.shutdown().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A client frame as a browser would send it.
    fn client_frame(fin: bool, op: u8, payload: &[u8], mask: [u8; 4]) -> Vec<u8> {
        let mut f = vec![if fin { 0x80 } else { 0 } | op];
        match payload.len() {
            n @ 0..=125 => f.push(0x80 | n as u8),
            n @ 126..=0xffff => {
                f.push(0x80 | 126);
                f.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                f.push(0x80 | 127);
                f.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        f.extend_from_slice(&mask);
        f.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        f
    }

    fn reader(bytes: Vec<u8>) -> Reader<std::io::Cursor<Vec<u8>>> {
        Reader::new(std::io::Cursor::new(bytes), 1000, 16)
    }

    #[test]
    fn unmask_matches_the_bytewise_definition_at_every_length() {
        let mask = [0x12, 0x34, 0x56, 0x78];
        for len in 0..40 {
            let data: Vec<u8> = (0..len as u8).collect();
            let mut fast = data.clone();
            unmask(&mut fast, mask);
            let slow: Vec<u8> = data
                .iter()
                .enumerate()
                .map(|(i, b)| b ^ mask[i % 4])
                .collect();
            assert_eq!(fast, slow, "length {len}");
        }
    }

    #[tokio::test]
    async fn frames_of_every_length_form_are_read_back_whole() {
        let mut wire = Vec::new();
        let sizes = [0usize, 5, 125, 126, 999];
        for &n in &sizes {
            let payload: Vec<u8> = (0..n).map(|i| i as u8).collect();
            wire.extend(client_frame(true, opcode::BINARY, &payload, [1, 2, 3, 4]));
        }
        let mut r = reader(wire);
        for &n in &sizes {
            let want: Vec<u8> = (0..n).map(|i| i as u8).collect();
            assert_eq!(r.next().await.unwrap(), Some(Incoming::Binary(want.into())));
        }
        assert_eq!(r.next().await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_frame_arriving_a_byte_at_a_time_is_read_whole() {
        let wire = client_frame(true, opcode::BINARY, &[9u8; 300], [9, 8, 7, 6]);
        let (mut tx, rx) = tokio::io::duplex(1);
        let writer = tokio::spawn(async move { tx.write_all(&wire).await });
        let mut r = Reader::new(rx, 1000, 16);
        assert_eq!(
            r.next().await.unwrap(),
            Some(Incoming::Binary(vec![9u8; 300].into()))
        );
        writer.await.unwrap().unwrap();
    }

    #[tokio::test]
    async fn fragments_are_joined_and_control_frames_pass_between_them() {
        let mut wire = client_frame(false, opcode::BINARY, b"hel", [1, 1, 1, 1]);
        wire.extend(client_frame(true, opcode::PING, b"p", [2, 2, 2, 2]));
        wire.extend(client_frame(
            false,
            opcode::CONTINUATION,
            b"lo ",
            [3, 3, 3, 3],
        ));
        wire.extend(client_frame(
            true,
            opcode::CONTINUATION,
            b"you",
            [4, 4, 4, 4],
        ));
        wire.extend(client_frame(
            true,
            opcode::CLOSE,
            b"\x03\xe8bye",
            [5, 5, 5, 5],
        ));
        let mut r = reader(wire);
        assert_eq!(
            r.next().await.unwrap(),
            Some(Incoming::Ping(b"p"[..].into()))
        );
        assert_eq!(
            r.next().await.unwrap(),
            Some(Incoming::Binary(b"hello you"[..].into()))
        );
        assert_eq!(
            r.next().await.unwrap(),
            Some(Incoming::Close(Some((1000, "bye".into()))))
        );
    }

    async fn error_of(wire: Vec<u8>) -> WsError {
        let mut r = reader(wire);
        loop {
            match r.next().await {
                Err(e) => return e,
                Ok(Some(_)) => continue,
                Ok(None) => panic!("no error"),
            }
        }
    }

    #[tokio::test]
    async fn broken_frames_are_protocol_errors_and_big_messages_too_big() {
        let unmasked = vec![0x82, 0x01, 0x00];
        assert!(matches!(error_of(unmasked).await, WsError::Protocol(_)));
        let mut rsv = client_frame(true, opcode::BINARY, b"x", [0; 4]);
        rsv[0] |= 0x40;
        assert!(matches!(error_of(rsv).await, WsError::Protocol(_)));
        let unknown = client_frame(true, 0x3, b"x", [0; 4]);
        assert!(matches!(error_of(unknown).await, WsError::Protocol(_)));
        let stray = client_frame(true, opcode::CONTINUATION, b"x", [0; 4]);
        assert!(matches!(error_of(stray).await, WsError::Protocol(_)));
        let long_ping = client_frame(true, opcode::PING, &[0; 126], [0; 4]);
        assert!(matches!(error_of(long_ping).await, WsError::Protocol(_)));
        let split_ping = client_frame(false, opcode::PING, b"x", [0; 4]);
        assert!(matches!(error_of(split_ping).await, WsError::Protocol(_)));
        let bad_code = client_frame(true, opcode::CLOSE, b"\x00\x05", [0; 4]);
        assert!(matches!(error_of(bad_code).await, WsError::Protocol(_)));
        let mut nested = client_frame(false, opcode::BINARY, b"a", [0; 4]);
        nested.extend(client_frame(true, opcode::BINARY, b"b", [0; 4]));
        assert!(matches!(error_of(nested).await, WsError::Protocol(_)));
        let cut = client_frame(true, opcode::BINARY, b"abcdef", [0; 4]);
        let cut = cut[..cut.len() - 2].to_vec();
        assert!(matches!(error_of(cut).await, WsError::Io(_)));

        // The length is judged from the header, before any of the payload is read.
        let big = client_frame(true, opcode::BINARY, &[0; 1001], [0; 4]);
        let e = error_of(big[..8].to_vec()).await;
        assert!(
            matches!(
                e,
                WsError::TooBig {
                    len: 1001,
                    max: 1000
                }
            ),
            "{e}"
        );
        assert_eq!(e.close_code(), close_code::TOO_BIG);
        let mut grows = client_frame(false, opcode::BINARY, &[0; 600], [0; 4]);
        grows.extend(client_frame(true, opcode::CONTINUATION, &[0; 600], [0; 4]));
        assert!(matches!(
            error_of(grows).await,
            WsError::TooBig { len: 1200, .. }
        ));
    }

    #[tokio::test]
    async fn written_frames_carry_head_and_body_under_one_header() {
        let (tx, mut rx) = tokio::io::duplex(1 << 20);
        let mut w = Writer::new(tx);
        let big = Bytes::from(vec![7u8; 70_000]);
        w.write(&[
            Frame {
                opcode: opcode::BINARY,
                head: Head::new(b"HD"),
                body: Bytes::from_static(b"body"),
            },
            Frame {
                opcode: opcode::BINARY,
                head: Head::new(b"H"),
                body: big.slice(..300),
            },
            Frame::binary(big.clone()),
            Frame::close(1001, "bye"),
        ])
        .await
        .unwrap();
        w.shutdown().await.unwrap();
        let mut got = Vec::new();
        rx.read_to_end(&mut got).await.unwrap();
        let mut want = vec![0x82, 6];
        want.extend_from_slice(b"HDbody");
        want.extend_from_slice(&[0x82, 126, 0x01, 0x2d, b'H']);
        want.extend_from_slice(&[7u8; 300]);
        want.extend_from_slice(&[0x82, 127, 0, 0, 0, 0, 0, 1, 0x11, 0x70]);
        want.extend_from_slice(&big);
        want.extend_from_slice(&[0x88, 5, 0x03, 0xe9]);
        want.extend_from_slice(b"bye");
        assert_eq!(got, want);
    }

    #[test]
    fn a_close_reason_is_cut_to_fit_a_control_frame_on_a_char_boundary() {
        let f = Frame::close(1000, &"é".repeat(100));
        assert!(f.body.len() <= MAX_CONTROL);
        assert!(std::str::from_utf8(&f.body[2..]).is_ok());
    }
}
