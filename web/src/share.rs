//! Scripts to and from text that fits in a URL hash or localStorage, and parsing of `#lesson=..&run` links.
//!
//! The format is `name NUL text NUL name NUL text ...` as UTF-8, in base64url without
//! padding: small, dependency-free, and safe in a URL fragment.

/// A script as kept in a share link or in localStorage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Script {
    pub name: String,
    pub text: String,
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

pub fn base64url_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
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

pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.bytes() {
        // Accept the standard alphabet too: links get re-encoded by chat programs.
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            b'=' => continue,
            _ => return None,
        };
        acc = acc << 6 | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

pub fn encode(scripts: &[Script]) -> String {
    let mut raw = String::new();
    for s in scripts {
        raw.push_str(&s.name);
        raw.push('\0');
        raw.push_str(&s.text);
        raw.push('\0');
    }
    base64url_encode(raw.as_bytes())
}

pub fn decode(text: &str) -> Option<Vec<Script>> {
    let raw = String::from_utf8(base64url_decode(text)?).ok()?;
    let parts: Vec<&str> = raw.split('\0').collect();
    // A trailing NUL leaves one empty last part.
    if parts.len() % 2 != 1 || !parts.last()?.is_empty() {
        return None;
    }
    Some(
        parts
            .chunks(2)
            .filter(|p| p.len() == 2)
            .map(|p| Script {
                name: p[0].to_string(),
                text: p[1].to_string(),
            })
            .collect(),
    )
}

/// What a URL hash asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HashRequest {
    /// `#lesson=ID` (and `&run`: run it with its sample input).
    Lesson {
        id: String,
        run: bool,
    },
    /// `#s=...`: shared scripts.
    Shared(Vec<Script>),
    None,
}

pub fn parse_hash(hash: &str) -> HashRequest {
    let hash = hash.trim_start_matches('#');
    let mut lesson = None;
    let mut run = false;
    for part in hash.split('&') {
        let (key, value) = part.split_once('=').unwrap_or((part, ""));
        match key {
            "lesson" => lesson = Some(value.to_string()),
            "run" => run = true,
            "s" => {
                if let Some(scripts) = decode(value) {
                    return HashRequest::Shared(scripts);
                }
            }
            _ => {}
        }
    }
    match lesson {
        Some(id) => HashRequest::Lesson { id, run },
        None => HashRequest::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trip() {
        for n in 0..20 {
            let data: Vec<u8> = (0..n).map(|i| (i * 37 + 250) as u8).collect();
            let text = base64url_encode(&data);
            assert!(!text.contains('='));
            assert_eq!(base64url_decode(&text).unwrap(), data);
        }
        assert_eq!(base64url_encode(b"hello"), "aGVsbG8");
        assert_eq!(base64url_decode("aGVs bG8"), None);
    }

    #[test]
    fn scripts_round_trip() {
        let scripts = vec![
            Script {
                name: "server.py".into(),
                text: "print('你好')\n".into(),
            },
            Script {
                name: "client.py".into(),
                text: String::new(),
            },
        ];
        let text = encode(&scripts);
        assert_eq!(decode(&text).unwrap(), scripts);
        assert_eq!(
            parse_hash(&format!("#s={text}")),
            HashRequest::Shared(scripts)
        );
    }

    #[test]
    fn lesson_links() {
        assert_eq!(
            parse_hash("#lesson=08-threaded-greeter&run"),
            HashRequest::Lesson {
                id: "08-threaded-greeter".into(),
                run: true
            }
        );
        assert_eq!(
            parse_hash("lesson=01-tcp-echo"),
            HashRequest::Lesson {
                id: "01-tcp-echo".into(),
                run: false
            }
        );
        assert_eq!(parse_hash(""), HashRequest::None);
        assert_eq!(parse_hash("#s=%%%"), HashRequest::None);
    }
}
