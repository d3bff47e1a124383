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
    /// 1-based line; 0 when there is no location (undecodable source).
    pub line: u32,
    /// 0-based column where the caret starts: in characters, except for the errors CPython
    /// finds after parsing (symbol table, compiler), whose columns it keeps in UTF-8 bytes.
    pub col: u32,
    /// Where the carets end (exclusive), as CPython's `end_offset - 1`; `<= col` means
    /// one caret. Like CPython 3.11, parser errors count it in UTF-8 bytes, so a line
    /// with Chinese text gets the same extra carets.
    pub end_col: u32,
    /// The source line (without its newline), when there is one.
    pub text: Option<String>,
    /// False when CPython knows no column (errors at the end of the input): then only
    /// the source line is printed, without a caret line.
    pub caret: bool,
}

impl SyntaxError {
    /// The block CPython 3.11 prints on stderr for this error when it is uncaught
    /// (without a `Traceback` header: a script with a syntax error never starts).
    pub fn render(&self) -> String {
        if self.line == 0 {
            // No location (a source that cannot be decoded): CPython prints the message only.
            return format!("{}: {}\n", self.kind.name(), self.msg);
        }
        let mut out = format!("  File \"{}\", line {}\n", self.filename, self.line);
        if let Some(text) = &self.text {
            out.push_str(&self.render_text(text));
        }
        out.push_str(self.kind.name());
        out.push_str(": ");
        out.push_str(&self.msg);
        out.push('\n');
        out
    }

    /// CPython's `offset` attribute: 1-based, 0 when unknown.
    pub fn offset(&self) -> u32 {
        if self.caret {
            self.col + 1
        } else {
            0
        }
    }

    /// The source line and caret line as CPython's `print_error_text` writes them: leading
    /// blanks stripped (the caret moves with them, and is left out if it falls among
    /// them), the caret clipped to the line. Only a plain SyntaxError gets a range of
    /// carets; its subclasses always get one.
    fn render_text(&self, text: &str) -> String {
        let lead = text
            .chars()
            .take_while(|c| matches!(c, ' ' | '\t' | '\x0c'))
            .count();
        let shown: String = text.chars().skip(lead).collect();
        let mut out = format!("    {shown}\n");
        let offset = i64::from(self.offset());
        let end_offset = i64::from(self.end_col) + 1;
        let carets = if self.kind == SyntaxErrorKind::SyntaxError && end_offset > offset {
            end_offset - offset
        } else {
            1
        };
        // CPython works on UTF-8 bytes here but writes one space per unit of the
        // (character) offset; the clip uses the byte length.
        let mut col = offset - 1 - lead as i64;
        let len = shown.len() as i64;
        if col > len {
            col = len;
        }
        if col < 0 {
            return out;
        }
        out.push_str("    ");
        for _ in 0..col {
            out.push(' ');
        }
        for _ in 0..carets {
            out.push('^');
        }
        out.push('\n');
        out
    }
}

impl fmt::Display for SyntaxErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A warning CPython prints on stderr while compiling a script that still runs
/// (`"is" with a literal. Did you mean "=="?`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxWarning {
    pub filename: String,
    pub line: u32,
    pub msg: String,
    /// The source line (without its newline).
    pub text: Option<String>,
}

impl SyntaxWarning {
    /// What CPython's `warnings` module prints for it.
    pub fn render(&self) -> String {
        let mut out = format!(
            "{}:{}: SyntaxWarning: {}\n",
            self.filename, self.line, self.msg
        );
        if let Some(text) = self
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            out.push_str("  ");
            out.push_str(text);
            out.push('\n');
        }
        out
    }
}
