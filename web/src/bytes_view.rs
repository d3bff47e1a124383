//! How bytes on the wire are shown: a short Python-style preview, a hex dump, and text with `\r\n` visible.

/// `b'hello\r\n'`-style preview, cut after `max` characters with `…`.
pub fn preview(data: &[u8], max: usize) -> String {
    let mut out = String::from("b'");
    for &b in data {
        if out.chars().count() >= max + 2 {
            out.push('…');
            return out;
        }
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\'' => out.push_str("\\'"),
            b'\r' => out.push_str("\\r"),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('\'');
    out
}

/// The preview, followed by the text itself when the bytes are UTF-8 with non-ASCII
/// characters (so `你好` is readable next to its escapes).
pub fn preview_with_text(data: &[u8], max: usize) -> String {
    let p = preview(data, max);
    match std::str::from_utf8(data) {
        Ok(text) if !text.is_ascii() => {
            let short: String = text.chars().take(max / 2).collect();
            let more = if short.len() < text.len() { "…" } else { "" };
            format!("{p} “{short}{more}”")
        }
        _ => p,
    }
}

/// Classic 16-bytes-a-line hex dump: offset, hex bytes, printable ASCII.
pub fn hex_dump(data: &[u8]) -> String {
    let mut out = String::new();
    for (n, chunk) in data.chunks(16).enumerate() {
        out.push_str(&format!("{:08x}  ", n * 16));
        for i in 0..16 {
            match chunk.get(i) {
                Some(b) => out.push_str(&format!("{b:02x} ")),
                None => out.push_str("   "),
            }
            if i == 7 {
                out.push(' ');
            }
        }
        out.push_str(" |");
        for &b in chunk {
            out.push(if (0x20..0x7f).contains(&b) {
                b as char
            } else {
                '.'
            });
        }
        out.push_str("|\n");
    }
    out
}

/// Decoded text with control characters made visible: `\r` and `\n` are written out
/// (the line still breaks after `\n`), other controls as `\xNN`.
pub fn visible_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// Byte counts as people read them: `5 B`, `1.5 KiB`.
pub fn byte_count(n: usize) -> String {
    if n < 1024 {
        format!("{n} B")
    } else if n < 1024 * 1024 {
        format!("{:.1} KiB", n as f64 / 1024.0)
    } else {
        format!("{:.1} MiB", n as f64 / (1024.0 * 1024.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_escapes_and_cuts() {
        assert_eq!(
            preview(b"GET / HTTP/1.1\r\n", 40),
            "b'GET / HTTP/1.1\\r\\n'"
        );
        assert_eq!(preview("你".as_bytes(), 40), "b'\\xe4\\xbd\\xa0'");
        assert_eq!(preview(b"abcdefgh", 4), "b'abcd…");
        assert_eq!(preview(b"", 4), "b''");
    }

    #[test]
    fn preview_shows_utf8_text() {
        assert_eq!(
            preview_with_text("你好".as_bytes(), 40),
            "b'\\xe4\\xbd\\xa0\\xe5\\xa5\\xbd' “你好”"
        );
        assert_eq!(preview_with_text(b"hi", 40), "b'hi'");
    }

    #[test]
    fn hex_dump_lines() {
        let dump = hex_dump(b"HTTP/1.1 200 OK\r\n\r\n");
        let lines: Vec<&str> = dump.lines().collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(
            lines[0],
            "00000000  48 54 54 50 2f 31 2e 31  20 32 30 30 20 4f 4b 0d  |HTTP/1.1 200 OK.|"
        );
        assert!(lines[1].starts_with("00000010  0a 0d 0a "));
        assert!(lines[1].ends_with("|...|"));
    }

    #[test]
    fn visible_line_ends() {
        assert_eq!(visible_text("a\r\nb"), "a\\r\\n\nb");
        assert_eq!(visible_text("\u{1}x"), "\\x01x");
    }

    #[test]
    fn counts() {
        assert_eq!(byte_count(5), "5 B");
        assert_eq!(byte_count(1536), "1.5 KiB");
    }
}
