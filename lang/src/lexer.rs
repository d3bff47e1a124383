//! The tokenizer: source text to tokens (with INDENT/DEDENT/NEWLINE), following
//! CPython 3.11's tokenizer, including its error messages and where it reports them.
//!
//! Columns count characters, not bytes (lessons have Chinese comments and strings).
//! Strings are kept raw here (prefix, quotes, body); the parser decodes them, because
//! an f-string's fields are parsed as expressions.

use crate::ast::Span;
use crate::syntax_error::{SyntaxError, SyntaxErrorKind};
use num_bigint::BigInt;

/// The column of tokens CPython places at no column (DEDENT and ENDMARKER at the end
/// of input): an error there is printed without a caret line.
pub const NO_COL: u32 = u32::MAX;

/// CPython's limit on nested indented blocks.
const MAX_INDENT: usize = 100;

/// One token.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// An identifier or a keyword.
    Name(String),
    Int(BigInt),
    Float(f64),
    /// An imaginary literal (`2j`), which socklab does not support.
    Imag(f64),
    Str(StrLit),
    Op(&'static str),
    /// An ASCII character that starts no token (`$`, `?`, a lone `!`).
    Unknown(char),
    Newline,
    Indent,
    Dedent,
    EndMarker,
    /// Where tokenizing stopped with [`Lexed::error`].
    Error,
}

/// A string literal as written.
#[derive(Clone, Debug, PartialEq)]
pub struct StrLit {
    pub raw: bool,
    pub bytes: bool,
    pub fstring: bool,
    /// 1 or 3.
    pub quote_len: u8,
    pub quote: char,
    /// The characters between the quotes (newlines normalised to `\n`).
    pub body: String,
    /// Where the body starts.
    pub body_line: u32,
    pub body_col: u32,
}

/// How a tokenizer error competes with a parser error (CPython's two kinds: the ones the
/// tokenizer raises itself always win; the others only when the parser reaches them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LexErrorStrength {
    Strong,
    Weak,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LexError {
    pub error: SyntaxError,
    pub strength: LexErrorStrength,
    /// The innermost open bracket when tokenizing stopped: (char, line, col).
    pub open_bracket: Option<(char, u32, u32)>,
    /// Stopped at end of input inside brackets: the error is then "'(' was never closed".
    pub eof_in_brackets: bool,
}

/// The result of tokenizing: tokens up to the first error (ending with [`Tok::Error`]
/// if there is one, else with [`Tok::EndMarker`]).
#[derive(Clone, Debug)]
pub struct Lexed {
    pub tokens: Vec<Token>,
    pub error: Option<LexError>,
    /// SyntaxWarnings (line, message), such as `1if` ("invalid decimal literal").
    pub warnings: Vec<(u32, String)>,
    /// The source lines without their line ends, for error messages.
    pub lines: Vec<String>,
}

/// Normalises line ends and drops a BOM, as CPython's file reader does.
pub fn normalize_source(source: &str) -> String {
    let s = source.strip_prefix('\u{feff}').unwrap_or(source);
    if !s.contains('\r') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

/// Splits normalised source into lines without their `\n`.
pub fn source_lines(source: &str) -> Vec<String> {
    source.split('\n').map(str::to_string).collect()
}

/// Tokenizes a whole source file (already normalised by [`normalize_source`]).
pub fn tokenize(source: &str, filename: &str) -> Lexed {
    tokenize_at(source, filename, 1, 0, false)
}

/// Tokenizes a fragment that starts at `line`/`col` of the file (f-string fields).
/// In `fragment` mode there is no indentation processing and no NEWLINE at the end.
pub fn tokenize_at(source: &str, filename: &str, line: u32, col: u32, fragment: bool) -> Lexed {
    let mut lx = Lexer {
        chars: source.chars().collect(),
        pos: 0,
        line,
        col,
        filename: filename.to_string(),
        lines: source_lines(source),
        first_line: line,
        first_col: col,
        tokens: Vec::new(),
        indents: vec![(0, 0)],
        brackets: Vec::new(),
        at_line_start: !fragment,
        fragment,
        warnings: Vec::new(),
    };
    let error = lx.run().err();
    let lines = std::mem::take(&mut lx.lines);
    Lexed {
        tokens: lx.tokens,
        error,
        warnings: lx.warnings,
        lines,
    }
}

struct Lexer {
    chars: Vec<char>,
    pos: usize,
    line: u32,
    col: u32,
    filename: String,
    lines: Vec<String>,
    first_line: u32,
    first_col: u32,
    tokens: Vec<Token>,
    /// (column with tabs to 8, column with tabs as 1), as CPython keeps to detect TabError.
    indents: Vec<(u32, u32)>,
    brackets: Vec<(char, u32, u32)>,
    at_line_start: bool,
    fragment: bool,
    warnings: Vec<(u32, String)>,
}

const OPERATORS3: [&str; 5] = ["**=", "//=", ">>=", "<<=", "..."];
const OPERATORS2: [&str; 22] = [
    "**", "//", "<<", ">>", "<=", ">=", "==", "!=", "->", ":=", "+=", "-=", "*=", "/=", "%=", "&=",
    "|=", "^=", "@=", "<>", "**", "//",
];
const OPERATORS1: [&str; 24] = [
    "+", "-", "*", "/", "%", "@", "&", "|", "^", "~", "<", ">", "(", ")", "[", "]", "{", "}", ",",
    ":", ".", ";", "=", "!",
];

fn is_id_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_id_continue(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// What may not directly follow a number (CPython 3.11 lets non-ASCII characters
/// through to be reported as invalid characters).
fn is_potential_id_char(c: char) -> bool {
    c == '_' || c.is_ascii_alphanumeric()
}

type LexResult<T> = Result<T, LexError>;

impl Lexer {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.chars.get(self.pos + n).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.chars.get(self.pos).copied()?;
        self.pos += 1;
        if c == '\n' {
            self.line += 1;
            self.col = 0;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn line_text(&self, line: u32) -> Option<String> {
        let idx = line.checked_sub(self.first_line)? as usize;
        let text = self.lines.get(idx)?;
        if idx == 0 && self.first_col > 0 {
            // A fragment's first line starts mid-line in the file; pad so columns match.
            return Some(format!("{}{}", " ".repeat(self.first_col as usize), text));
        }
        Some(text.clone())
    }

    fn make_error(
        &self,
        kind: SyntaxErrorKind,
        msg: String,
        line: u32,
        col: u32,
        end_col: u32,
    ) -> SyntaxError {
        SyntaxError {
            kind,
            msg,
            filename: self.filename.clone(),
            line,
            col,
            end_col,
            text: self.line_text(line),
            caret: true,
        }
    }

    fn fail(
        &mut self,
        strength: LexErrorStrength,
        error: SyntaxError,
        line: u32,
        col: u32,
    ) -> LexError {
        self.tokens.push(Token {
            tok: Tok::Error,
            span: Span {
                line,
                col,
                end_line: line,
                end_col: col + 1,
            },
        });
        LexError {
            error,
            strength,
            open_bracket: self.brackets.last().copied(),
            eof_in_brackets: false,
        }
    }

    /// A tokenizer error CPython raises itself (it beats parser errors).
    fn strong(&mut self, msg: String, line: u32, col: u32, end_col: u32) -> LexError {
        let e = self.make_error(SyntaxErrorKind::SyntaxError, msg, line, col, end_col);
        self.fail(LexErrorStrength::Strong, e, line, col)
    }

    fn push(&mut self, tok: Tok, line: u32, col: u32) {
        self.tokens.push(Token {
            tok,
            span: Span {
                line,
                col,
                end_line: self.line,
                end_col: self.col,
            },
        });
    }

    fn run(&mut self) -> LexResult<()> {
        let mut comment_start: Option<u32> = None;
        loop {
            if self.at_line_start {
                self.at_line_start = false;
                if self.indentation()? {
                    break;
                }
                continue;
            }
            let Some(c) = self.peek() else {
                break;
            };
            let (line, col) = (self.line, self.col);
            let comment = comment_start.take();
            match c {
                ' ' | '\t' | '\x0c' => {
                    self.bump();
                }
                '#' => {
                    while let Some(c) = self.peek() {
                        if c == '\n' {
                            break;
                        }
                        self.bump();
                    }
                    // CPython's NEWLINE token after a comment spans the comment.
                    comment_start = Some(col);
                    continue;
                }
                '\n' => {
                    self.bump();
                    if self.brackets.is_empty() && !self.fragment {
                        let (start, end) = match comment {
                            Some(c) => (c, col),
                            None => (col, col + 1),
                        };
                        self.tokens.push(Token {
                            tok: Tok::Newline,
                            span: Span {
                                line,
                                col: start,
                                end_line: line,
                                end_col: end,
                            },
                        });
                        self.at_line_start = true;
                    }
                }
                '\\' => self.continuation()?,
                '0'..='9' => self.number()?,
                '.' if matches!(self.peek_at(1), Some('0'..='9')) => self.number()?,
                '"' | '\'' => self.string(String::new(), line, col)?,
                c if is_id_start(c) => {
                    let mut name = String::new();
                    while let Some(c) = self.peek() {
                        if !is_id_continue(c) {
                            break;
                        }
                        name.push(c);
                        self.bump();
                    }
                    if matches!(self.peek(), Some('"' | '\'')) && is_string_prefix(&name) {
                        self.string(name, line, col)?;
                    } else {
                        self.push(Tok::Name(name), line, col);
                    }
                }
                _ => self.operator(c)?,
            }
        }
        self.finish()
    }

    /// Handles a backslash outside strings.
    fn continuation(&mut self) -> LexResult<()> {
        let (line, col) = (self.line, self.col);
        self.bump();
        match self.peek() {
            Some('\n') => {
                self.bump();
                if self.peek().is_none() {
                    return Err(self.eof_error());
                }
                Ok(())
            }
            None => Err(self.eof_error()),
            Some(_) => {
                let e = self.make_error(
                    SyntaxErrorKind::SyntaxError,
                    "unexpected character after line continuation character".into(),
                    line,
                    col + 1,
                    col + 1,
                );
                Err(self.fail(LexErrorStrength::Weak, e, line, col))
            }
        }
    }

    fn eof_error(&mut self) -> LexError {
        let (line, col) = (self.line, self.col);
        let e = self.make_error(
            SyntaxErrorKind::SyntaxError,
            "unexpected EOF while parsing".into(),
            line,
            col,
            col,
        );
        let mut err = self.fail(LexErrorStrength::Weak, e, line, col);
        err.eof_in_brackets = !self.brackets.is_empty();
        err
    }

    /// At the start of a logical line: measures indentation, skips blank and comment-only
    /// lines, and emits INDENT/DEDENT. Returns true at end of input.
    fn indentation(&mut self) -> LexResult<bool> {
        loop {
            let (mut col, mut altcol) = (0u32, 0u32);
            let mut cont: Option<(u32, u32)> = None;
            while let Some(c) = self.peek() {
                match c {
                    ' ' => {
                        col += 1;
                        altcol += 1;
                    }
                    '\t' => {
                        col = (col / 8 + 1) * 8;
                        altcol += 1;
                    }
                    '\x0c' => {
                        col = 0;
                        altcol = 0;
                    }
                    '\\' => {
                        // A backslash in the indentation continues the line; the first
                        // one fixes the indentation (CPython's `cont_line_col`).
                        if self.peek_at(1) != Some('\n') {
                            self.continuation()?;
                        }
                        cont.get_or_insert((col, altcol));
                        self.bump();
                        self.bump();
                        continue;
                    }
                    _ => break,
                }
                self.bump();
            }
            if let Some((c, a)) = cont {
                (col, altcol) = (c, a);
            }
            match self.peek() {
                None => return Ok(true),
                Some('#') | Some('\n') => {
                    while let Some(c) = self.bump() {
                        if c == '\n' {
                            break;
                        }
                    }
                    continue;
                }
                _ => {}
            }
            let (line, tcol) = (self.line, self.col);
            let &(top, alttop) = self.indents.last().expect("indent stack never empty");
            if col == top {
                if altcol != alttop {
                    return Err(self.tab_error(line, tcol));
                }
            } else if col > top {
                if altcol <= alttop {
                    return Err(self.tab_error(line, tcol));
                }
                if self.indents.len() >= MAX_INDENT {
                    let e = self.make_error(
                        SyntaxErrorKind::IndentationError,
                        "too many levels of indentation".into(),
                        line,
                        0,
                        0,
                    );
                    return Err(self.fail(LexErrorStrength::Weak, e, line, tcol));
                }
                self.indents.push((col, altcol));
                // CPython reports "unexpected indent" just before the first token.
                self.tokens.push(Token {
                    tok: Tok::Indent,
                    span: Span {
                        line,
                        col: tcol - 1,
                        end_line: line,
                        end_col: tcol - 1,
                    },
                });
            } else {
                // Like CPython, check the new level before any DEDENT is emitted.
                let keep = self
                    .indents
                    .iter()
                    .take_while(|&&(c, _)| c <= col)
                    .count()
                    .max(1);
                let (top, alttop) = self.indents[keep - 1];
                if col != top {
                    let text_len = self.line_text(line).map_or(0, |t| t.chars().count() as u32);
                    let e = self.make_error(
                        SyntaxErrorKind::IndentationError,
                        "unindent does not match any outer indentation level".into(),
                        line,
                        text_len,
                        text_len,
                    );
                    return Err(self.fail(LexErrorStrength::Weak, e, line, tcol));
                }
                if altcol != alttop {
                    return Err(self.tab_error(line, tcol));
                }
                // CPython places a DEDENT just before the line's first token, at no
                // column when that token starts the line.
                let col = tcol.checked_sub(1).unwrap_or(NO_COL);
                while self.indents.len() > keep {
                    self.indents.pop();
                    self.tokens.push(Token {
                        tok: Tok::Dedent,
                        span: Span {
                            line,
                            col,
                            end_line: line,
                            end_col: col,
                        },
                    });
                }
            }
            return Ok(false);
        }
    }

    fn tab_error(&mut self, line: u32, col: u32) -> LexError {
        let e = self.make_error(
            SyntaxErrorKind::TabError,
            "inconsistent use of tabs and spaces in indentation".into(),
            line,
            0,
            0,
        );
        self.fail(LexErrorStrength::Weak, e, line, col)
    }

    fn finish(&mut self) -> LexResult<()> {
        if !self.brackets.is_empty() {
            let mut err = self.eof_error();
            err.eof_in_brackets = true;
            return Err(err);
        }
        let (line, col) = (self.line, self.col);
        if self.fragment {
            self.tokens.push(Token {
                tok: Tok::EndMarker,
                span: Span {
                    line,
                    col,
                    end_line: line,
                    end_col: col,
                },
            });
            return Ok(());
        }
        let needs_newline = !matches!(
            self.tokens.last().map(|t| &t.tok),
            None | Some(Tok::Newline) | Some(Tok::Dedent) | Some(Tok::Indent)
        );
        if needs_newline {
            self.tokens.push(Token {
                tok: Tok::Newline,
                span: Span {
                    line,
                    col,
                    end_line: line,
                    end_col: col + 1,
                },
            });
        }
        // CPython places the end of input on the last line, at no column.
        let end_line = if col == 0 && line > 1 { line - 1 } else { line };
        let eof = Span {
            line: end_line,
            col: NO_COL,
            end_line,
            end_col: NO_COL,
        };
        while self.indents.len() > 1 {
            self.indents.pop();
            self.tokens.push(Token {
                tok: Tok::Dedent,
                span: eof,
            });
        }
        self.tokens.push(Token {
            tok: Tok::EndMarker,
            span: eof,
        });
        Ok(())
    }

    fn operator(&mut self, c: char) -> LexResult<()> {
        let (line, col) = (self.line, self.col);
        let three: String = self.chars[self.pos..(self.pos + 3).min(self.chars.len())]
            .iter()
            .collect();
        let op = OPERATORS3
            .iter()
            .find(|o| three.starts_with(**o))
            .or_else(|| OPERATORS2.iter().find(|o| three.starts_with(**o)))
            .or_else(|| OPERATORS1.iter().find(|o| three.starts_with(**o)))
            .copied();
        let printable = !(c.is_control()
            || (c.is_whitespace() && c != ' ')
            || matches!(c as u32, 0xad | 0x200b..=0x200f | 0x202a..=0x202e | 0x2060..=0x2064 | 0xfeff));
        if !printable {
            let msg = format!("invalid non-printable character U+{:04X}", c as u32);
            return Err(self.strong(msg, line, col, col));
        }
        let op = match op {
            Some("!") | None if c.is_ascii() => {
                // `$`, `?`, a backtick, a lone `!`: CPython's tokenizer passes them on and
                // the parser reports "invalid syntax" there.
                self.bump();
                self.push(Tok::Unknown(c), line, col);
                return Ok(());
            }
            Some(op) => op,
            None => {
                let msg = format!("invalid character '{}' (U+{:04X})", c, c as u32);
                return Err(self.strong(msg, line, col, col));
            }
        };
        for _ in 0..op.chars().count() {
            self.bump();
        }
        match op {
            "(" | "[" | "{" => {
                if self.brackets.len() >= 200 {
                    return Err(self.strong("too many nested parentheses".into(), line, col, col));
                }
                self.brackets.push((c, line, col));
            }
            ")" | "]" | "}" => match self.brackets.pop() {
                None => {
                    return Err(self.strong(format!("unmatched '{c}'"), line, col, col));
                }
                Some((open, oline, _)) => {
                    let expected = match open {
                        '(' => ')',
                        '[' => ']',
                        _ => '}',
                    };
                    if expected != c {
                        let msg = if oline != line {
                            format!(
                                "closing parenthesis '{c}' does not match opening parenthesis '{open}' on line {oline}"
                            )
                        } else {
                            format!(
                                "closing parenthesis '{c}' does not match opening parenthesis '{open}'"
                            )
                        };
                        return Err(self.strong(msg, line, col, col));
                    }
                }
            },
            _ => {}
        }
        self.push(Tok::Op(op), line, col);
        Ok(())
    }

    fn number(&mut self) -> LexResult<()> {
        let (line, col) = (self.line, self.col);
        let c = self.peek().expect("number start");
        if c == '0' && matches!(self.peek_at(1), Some('x' | 'X' | 'o' | 'O' | 'b' | 'B')) {
            let (radix, kind) = match self.peek_at(1) {
                Some('x' | 'X') => (16, "hexadecimal"),
                Some('o' | 'O') => (8, "octal"),
                _ => (2, "binary"),
            };
            self.bump();
            self.bump();
            let digits = self.digits(radix, kind, true)?;
            if let Some(d) = self.peek().filter(char::is_ascii_digit) {
                if radix < 10 {
                    let msg = format!("invalid digit '{d}' in {kind} literal");
                    return Err(self.strong(msg, self.line, self.col, self.col));
                }
            }
            if digits.is_empty() {
                return Err(self.number_error(kind));
            }
            self.end_of_number(kind)?;
            let value = BigInt::parse_bytes(digits.as_bytes(), radix).expect("checked digits");
            self.push(Tok::Int(value), line, col);
            return Ok(());
        }
        let mut text = self.digits(10, "decimal", false)?;
        let mut is_float = false;
        if self.peek() == Some('.') {
            is_float = true;
            self.bump();
            text.push('.');
            if matches!(self.peek(), Some('0'..='9')) {
                text.push_str(&self.digits(10, "decimal", false)?);
            }
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            let save = (self.pos, self.line, self.col);
            self.bump();
            let mut exp = String::from("e");
            if let Some(s @ ('+' | '-')) = self.peek() {
                self.bump();
                exp.push(s);
                if !matches!(self.peek(), Some('0'..='9')) {
                    return Err(self.number_error("decimal"));
                }
            }
            if matches!(self.peek(), Some('0'..='9')) {
                exp.push_str(&self.digits(10, "decimal", false)?);
                text.push_str(&exp);
                is_float = true;
            } else {
                // `1else` is valid (with a SyntaxWarning) in 3.11; anything else is an
                // error, reported at the digit before the `e`.
                (self.pos, self.line, self.col) = save;
                if !self.keyword_follows() {
                    return Err(self.number_error("decimal"));
                }
                self.warnings
                    .push((self.line, "invalid decimal literal".into()));
                self.push_number(&text, is_float, line, col)?;
                return Ok(());
            }
        }
        if matches!(self.peek(), Some('j' | 'J')) {
            self.bump();
            self.end_of_number("imaginary")?;
            let v = text.parse::<f64>().unwrap_or(f64::INFINITY);
            self.push(Tok::Imag(v), line, col);
            return Ok(());
        }
        self.end_of_number("decimal")?;
        self.push_number(&text, is_float, line, col)
    }

    fn push_number(&mut self, text: &str, is_float: bool, line: u32, col: u32) -> LexResult<()> {
        if is_float {
            let v = text.parse::<f64>().unwrap_or(f64::INFINITY);
            self.push(Tok::Float(v), line, col);
            return Ok(());
        }
        if text.len() > 1 && text.starts_with('0') && text.chars().any(|c| c != '0') {
            let zeros = text.chars().take_while(|&c| c == '0').count() as u32;
            let e = self.make_error(
                SyntaxErrorKind::SyntaxError,
                "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers".into(),
                line,
                col,
                col + zeros,
            );
            return Err(self.fail(LexErrorStrength::Strong, e, line, col));
        }
        let value = BigInt::parse_bytes(text.as_bytes(), 10).expect("checked digits");
        self.push(Tok::Int(value), line, col);
        Ok(())
    }

    /// Reads digits with single `_` separators between them.
    fn digits(&mut self, radix: u32, kind: &str, after_prefix: bool) -> LexResult<String> {
        let mut out = String::new();
        let mut first = true;
        loop {
            match self.peek() {
                Some('_') if !first || after_prefix => {
                    self.bump();
                    match self.peek() {
                        Some(d) if d.is_digit(radix) => {}
                        _ => {
                            if self.peek().is_some_and(|d| d.is_ascii_digit()) && radix < 10 {
                                let d = self.peek().expect("peeked");
                                let msg = format!("invalid digit '{d}' in {kind} literal");
                                return Err(self.strong(msg, self.line, self.col, self.col));
                            }
                            return Err(self.number_error(kind));
                        }
                    }
                }
                Some(d) if d.is_digit(radix) => {
                    out.push(d);
                    self.bump();
                }
                _ => break,
            }
            first = false;
        }
        Ok(out)
    }

    fn keyword_follows(&self) -> bool {
        let rest: String = self.chars[self.pos..(self.pos + 4).min(self.chars.len())]
            .iter()
            .collect();
        ["and", "else", "for", "if", "in", "is", "or", "not"]
            .iter()
            .any(|k| rest.starts_with(k))
    }

    /// CPython's `verify_end_of_number`.
    fn end_of_number(&mut self, kind: &str) -> LexResult<()> {
        match self.peek() {
            Some(c) if is_potential_id_char(c) => {
                if self.keyword_follows() {
                    self.warnings
                        .push((self.line, format!("invalid {kind} literal")));
                    return Ok(());
                }
                Err(self.number_error(kind))
            }
            _ => Ok(()),
        }
    }

    /// "invalid decimal literal", reported (as CPython does) at the character before
    /// the current one.
    fn number_error(&mut self, kind: &str) -> LexError {
        let (line, col) = (self.line, self.col.saturating_sub(1));
        self.strong(format!("invalid {kind} literal"), line, col, col)
    }

    fn string(&mut self, prefix: String, line: u32, col: u32) -> LexResult<()> {
        let lower = prefix.to_ascii_lowercase();
        let quote = self.bump().expect("quote");
        let quote_len = if self.peek() == Some(quote) && self.peek_at(1) == Some(quote) {
            self.bump();
            self.bump();
            3
        } else {
            1
        };
        let (body_line, body_col) = (self.line, self.col);
        let mut body = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.unterminated(quote_len, line, col));
            };
            if c == quote {
                if quote_len == 1 {
                    self.bump();
                    break;
                }
                if self.peek_at(1) == Some(quote) && self.peek_at(2) == Some(quote) {
                    self.bump();
                    self.bump();
                    self.bump();
                    break;
                }
            }
            if c == '\n' && quote_len == 1 {
                return Err(self.unterminated(quote_len, line, col));
            }
            self.bump();
            body.push(c);
            if c == '\\' {
                match self.peek() {
                    Some('\n') if quote_len == 1 => {
                        self.bump();
                        body.push('\n');
                    }
                    Some(n) => {
                        self.bump();
                        body.push(n);
                    }
                    None => {}
                }
            }
        }
        self.push(
            Tok::Str(StrLit {
                raw: lower.contains('r'),
                bytes: lower.contains('b'),
                fstring: lower.contains('f'),
                quote_len,
                quote,
                body,
                body_line,
                body_col,
            }),
            line,
            col,
        );
        Ok(())
    }

    fn unterminated(&mut self, quote_len: u8, line: u32, col: u32) -> LexError {
        let mut detected = self.line;
        if quote_len == 3 && self.col == 0 && self.line > line {
            // At end of input after a final newline: CPython counts the last real line.
            detected -= 1;
        }
        let msg = if quote_len == 3 {
            format!("unterminated triple-quoted string literal (detected at line {detected})")
        } else {
            format!("unterminated string literal (detected at line {detected})")
        };
        self.strong(msg, line, col, col)
    }
}

fn is_string_prefix(s: &str) -> bool {
    matches!(
        s.to_ascii_lowercase().as_str(),
        "r" | "u" | "b" | "br" | "rb" | "f" | "fr" | "rf"
    )
}
