//! The relay's WebSocket at the frame level, over a raw TCP connection: the upgrade's checks and accept key, pings, fragmented messages, the close handshake.

mod common;

use common::*;
use socklab_proto::{ClientMsg, ServerMsg, PROTOCOL_VERSION};
use socklab_relay::Config;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// RFC 6455 §1.3's example key and the accept value it must get.
const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";
const ACCEPT: &str = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

/// Sends an upgrade request with `headers` and returns the response head and the stream.
async fn upgrade(relay: &TestRelay, headers: &str) -> (String, TcpStream) {
    let mut s = TcpStream::connect(relay.addr).await.unwrap();
    let req = format!("GET /ws HTTP/1.1\r\nHost: {}\r\n{headers}\r\n", relay.addr);
    s.write_all(req.as_bytes()).await.unwrap();
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut b = [0u8; 1];
        let n = tokio::time::timeout(BOUND, s.read(&mut b))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(n, 1, "connection closed in the response head: {head:?}");
        head.push(b[0]);
    }
    (String::from_utf8(head).unwrap(), s)
}

const GOOD: &str =
    "Connection: keep-alive, Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n";

/// A masked client frame.
fn frame(fin: bool, opcode: u8, payload: &[u8]) -> Vec<u8> {
    let mask = [0x37, 0xfa, 0x21, 0x3d];
    let mut f = vec![u8::from(fin) << 7 | opcode];
    if payload.len() < 126 {
        f.push(0x80 | payload.len() as u8);
    } else {
        f.push(0x80 | 126);
        f.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    }
    f.extend_from_slice(&mask);
    f.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    f
}

/// Reads one server frame: (fin, opcode, payload). Server frames are never masked.
async fn read_frame(s: &mut TcpStream) -> (bool, u8, Vec<u8>) {
    let mut h = [0u8; 2];
    tokio::time::timeout(BOUND, s.read_exact(&mut h))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(h[1] & 0x80, 0, "a server frame was masked");
    let len = match h[1] & 0x7f {
        126 => u64::from(s.read_u16().await.unwrap()),
        127 => s.read_u64().await.unwrap(),
        n => u64::from(n),
    };
    let mut payload = vec![0u8; len as usize];
    s.read_exact(&mut payload).await.unwrap();
    (h[0] & 0x80 != 0, h[0] & 0x0f, payload)
}

#[tokio::test]
async fn the_upgrade_is_checked_and_answered_with_the_rfc_accept_key() {
    let relay = TestRelay::start(Config::default()).await;

    let (head, _) = upgrade(&relay, &format!("{GOOD}Sec-WebSocket-Key: {KEY}\r\n")).await;
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    assert!(
        head.contains(&format!("sec-websocket-accept: {ACCEPT}\r\n")),
        "{head}"
    );

    let (head, _) = upgrade(&relay, GOOD).await;
    assert!(head.starts_with("HTTP/1.1 400"), "no key: {head}");
    let old = "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 8\r\n";
    let (head, _) = upgrade(&relay, &format!("{old}Sec-WebSocket-Key: {KEY}\r\n")).await;
    assert!(head.starts_with("HTTP/1.1 426"), "version 8: {head}");
    assert!(head.contains("sec-websocket-version: 13\r\n"), "{head}");
    let plain = "Connection: keep-alive\r\nSec-WebSocket-Version: 13\r\n";
    let (head, _) = upgrade(&relay, &format!("{plain}Sec-WebSocket-Key: {KEY}\r\n")).await;
    assert!(head.starts_with("HTTP/1.1 400"), "no upgrade: {head}");
}

#[tokio::test]
async fn pings_are_answered_and_a_fragmented_hello_is_joined() {
    let relay = TestRelay::start(Config::default()).await;
    let (head, mut s) = upgrade(&relay, &format!("{GOOD}Sec-WebSocket-Key: {KEY}\r\n")).await;
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");

    let hello = ClientMsg::Hello {
        version: PROTOCOL_VERSION,
        token: String::new(),
    }
    .encode();
    let (a, b) = hello.split_at(3);
    let mut wire = frame(false, 0x2, a);
    wire.extend(frame(true, 0x9, b"are you there"));
    wire.extend(frame(true, 0x0, b));
    s.write_all(&wire).await.unwrap();

    assert_eq!(
        read_frame(&mut s).await,
        (true, 0xa, b"are you there".to_vec())
    );
    let (fin, op, welcome) = read_frame(&mut s).await;
    assert!(fin);
    assert_eq!(op, 0x2);
    assert!(matches!(
        ServerMsg::decode(&welcome),
        Ok(ServerMsg::Welcome { .. })
    ));

    // The page's close is answered with a close, then the relay ends the stream.
    s.write_all(&frame(true, 0x8, b"\x03\xe8")).await.unwrap();
    let (_, op, payload) = read_frame(&mut s).await;
    assert_eq!(op, 0x8);
    assert_eq!(&payload[..2], &1000u16.to_be_bytes());
    let mut rest = Vec::new();
    tokio::time::timeout(BOUND, s.read_to_end(&mut rest))
        .await
        .unwrap()
        .unwrap();
    assert!(rest.is_empty(), "{rest:?}");
}

#[tokio::test]
async fn an_unmasked_frame_closes_the_session_with_1002() {
    let relay = TestRelay::start(Config::default()).await;
    let (_, mut s) = upgrade(&relay, &format!("{GOOD}Sec-WebSocket-Key: {KEY}\r\n")).await;
    s.write_all(&[0x82, 0x01, 0x01]).await.unwrap();
    let (_, op, payload) = read_frame(&mut s).await;
    assert_eq!(op, 0x8);
    assert_eq!(&payload[..2], &1002u16.to_be_bytes());
    assert!(
        String::from_utf8_lossy(&payload[2..]).contains("masked"),
        "{payload:?}"
    );
}
