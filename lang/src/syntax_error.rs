//! Syntax errors as CPython 3.11 reports them: kind, message, position, and the exact
//! `File ..., line N` / source / caret block it prints on stderr.

use std::fmt;

/// Which exception class CPython would raise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    SyntaxError,
    IndentationError,
    TabError,
}

impl SyntaxErrorKind {
    /// The Python class name.
    pub fn name(self) -> &'static str {
        match self {
            SyntaxErrorKind::SyntaxError => "SyntaxError",
            SyntaxErrorKind::IndentationError => "IndentationError",
            SyntaxErrorKind::TabError => "TabError",
        }
    }
}

/// A syntax error found while tokenizing or parsing.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{} ({}, line {})", self.msg, self.filename, self.line)]
pub struct SyntaxError {
    pub kind: SyntaxErrorKind,
    pub msg: String,
    pub filename: String,
    /// 1-based line.
    pub line: u32,
    /// 0-based character column where the caret starts.
    pub col: u32,
    /// 0-based character column where the caret ends (exclusive); `<= col` means one caret.
    pub end_col: u32,
    /// The source line (without its newline), when there is one.
    pub text: Option<String>,
}

impl SyntaxError {
    /// The block CPython 3.11 prints on stderr for this error when it is uncaught
    /// (without a `Traceback` header: a script with a syntax error never starts).
    pub fn render(&self) -> String {
        let mut out = format!("  File \"{}\", line {}\n", self.filename, self.line);
        if let Some(text) = &self.text {
            out.push_str(&render_text(text, self.col, self.end_col));
        }
        out.push_str(self.kind.name());
        out.push_str(": ");
        out.push_str(&self.msg);
        out.push('\n');
        out
    }
}

impl fmt::Display for SyntaxErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The source line and caret line, as CPython's `print_error_text` writes them: leading
/// blanks stripped (the caret moves with them), the caret clipped to the line's end.
fn render_text(text: &str, col: u32, end_col: u32) -> String {
    let chars: Vec<char> = text.chars().collect();
    let lead = chars
        .iter()
        .take_while(|c| matches!(c, ' ' | '\t' | '\x0c'))
        .count();
    let shown: String = chars[lead..].iter().collect();
    let len = (chars.len() - lead) as i64;
    let mut offset = col as i64 - lead as i64;
    let mut end = end_col as i64 - lead as i64;
    if offset > len {
        offset = len;
    }
    if end > len + 1 {
        end = len + 1;
    }
    let mut out = format!("    {shown}\n");
    if offset < 0 {
        return out;
    }
    let carets = (end - offset).max(1);
    out.push_str("    ");
    for _ in 0..offset {
        out.push(' ');
    }
    for _ in 0..carets {
        out.push('^');
    }
    out.push('\n');
    out
}
