//! Python syntax highlighting for the editor: source text to escaped HTML with `<span class=..>` tokens.
//!
//! A small line-oriented scanner, not the interpreter's lexer: it must never fail on
//! half-typed code, and it keeps the output exactly as long (in characters) as the
//! input so the highlighted `<pre>` lines up with the textarea above it.

const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

const BUILTINS: &[&str] = &[
    "print",
    "input",
    "len",
    "range",
    "int",
    "str",
    "bytes",
    "bytearray",
    "float",
    "bool",
    "list",
    "tuple",
    "dict",
    "set",
    "repr",
    "type",
    "isinstance",
    "sorted",
    "enumerate",
    "zip",
    "min",
    "max",
    "sum",
    "abs",
    "ord",
    "chr",
    "hex",
    "open",
    "self",
];

/// Escape text for HTML element content.
pub fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

fn span(class: &str, text: &str, out: &mut String) {
    out.push_str("<span class=\"");
    out.push_str(class);
    out.push_str("\">");
    escape(text, out);
    out.push_str("</span>");
}

/// Highlight Python source as HTML. Strings may span lines (triple quotes).
pub fn highlight(src: &str) -> String {
    let mut out = String::with_capacity(src.len() * 2);
    let chars: Vec<char> = src.chars().collect();
    let mut i = 0;
    let text = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
    while i < chars.len() {
        let c = chars[i];
        if c == '#' {
            let start = i;
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            span("c", &text(start, i), &mut out);
        } else if c == '"' || c == '\'' || (is_prefix(c) && string_starts(&chars, i)) {
            let start = i;
            while chars[i] != '"' && chars[i] != '\'' {
                i += 1;
            }
            let quote = chars[i];
            let triple = chars.get(i + 1) == Some(&quote) && chars.get(i + 2) == Some(&quote);
            i += if triple { 3 } else { 1 };
            loop {
                match chars.get(i) {
                    None => break,
                    Some('\\') => i += 2,
                    Some('\n') if !triple => break,
                    Some(&q) if q == quote => {
                        if !triple {
                            i += 1;
                            break;
                        }
                        if chars.get(i + 1) == Some(&quote) && chars.get(i + 2) == Some(&quote) {
                            i += 3;
                            break;
                        }
                        i += 1;
                    }
                    Some(_) => i += 1,
                }
            }
            i = i.min(chars.len());
            span("s", &text(start, i), &mut out);
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric() || chars[i] == '.' || chars[i] == '_')
            {
                i += 1;
            }
            span("n", &text(start, i), &mut out);
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word = text(start, i);
            let after_def = out.ends_with("def</span> ") || out.ends_with("class</span> ");
            if KEYWORDS.contains(&word.as_str()) {
                span("k", &word, &mut out);
            } else if after_def {
                span("f", &word, &mut out);
            } else if BUILTINS.contains(&word.as_str()) {
                span("b", &word, &mut out);
            } else {
                escape(&word, &mut out);
            }
        } else {
            let mut buf = [0u8; 4];
            escape(c.encode_utf8(&mut buf), &mut out);
            i += 1;
        }
    }
    out
}

fn is_prefix(c: char) -> bool {
    matches!(c, 'b' | 'B' | 'f' | 'F' | 'r' | 'R' | 'u' | 'U')
}

/// `b'..'`, `rb"..."`, `f'..'`: up to two prefix letters right before a quote, and not
/// the end of a longer name.
fn string_starts(chars: &[char], i: usize) -> bool {
    if i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') {
        return false;
    }
    let mut j = i;
    while j < chars.len() && j < i + 2 && is_prefix(chars[j]) {
        j += 1;
    }
    matches!(chars.get(j), Some('"') | Some('\''))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Strip tags and unescape: highlighting must not change the text.
    fn plain(html: &str) -> String {
        let mut out = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                _ if !in_tag => out.push(c),
                _ => {}
            }
        }
        out.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
    }

    #[test]
    fn keeps_text_and_marks_tokens() {
        let src = "import socket # 导入\ns.send(b'hi<')\nx = f\"{a}\" if 3 > 2 else '''a\n'b'''\ndef go(): pass\n";
        let html = highlight(src);
        assert_eq!(plain(&html), src);
        assert!(html.contains("<span class=\"k\">import</span>"));
        assert!(html.contains("<span class=\"c\"># 导入</span>"));
        assert!(html.contains("<span class=\"s\">b'hi&lt;'</span>"));
        assert!(html.contains("<span class=\"s\">'''a\n'b'''</span>"));
        assert!(html.contains("<span class=\"f\">go</span>"));
        assert!(html.contains("<span class=\"n\">3</span>"));
    }

    #[test]
    fn unterminated_strings_do_not_panic() {
        for src in ["'abc", "b'\\", "'''", "x = \"", "rb"] {
            assert_eq!(plain(&highlight(src)), src);
        }
    }
}
