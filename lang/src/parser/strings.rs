//! String literals: escapes, implicit concatenation, bytes, and f-strings (whose
//! fields are parsed as expressions, with CPython 3.11's rules and messages).

use super::{join, PResult, Parser};
use crate::ast::{Constant, Expr, ExprKind, FStringPart, Span};
use crate::lexer::{self, LexErrorStrength, StrLit, Tok};
use crate::syntax_error::SyntaxError;

/// One decoded literal before concatenation.
enum Piece {
    Str(String),
    Bytes(Vec<u8>),
    F(Vec<FStringPart>),
}

/// A bad escape: the message after "(unicode error) " or "(value error) ".
struct EscapeError(String);

/// The few `\N{...}` names tutorials use; others are reported as unknown (the full
/// Unicode name table would cost far more than the rest of the parser).
const UNICODE_NAMES: &[(&str, char)] = &[
    ("SPACE", ' '),
    ("NO-BREAK SPACE", '\u{a0}'),
    ("EM DASH", '\u{2014}'),
    ("EN DASH", '\u{2013}'),
    ("BULLET", '\u{2022}'),
    ("DEGREE SIGN", '\u{b0}'),
    ("COPYRIGHT SIGN", '\u{a9}'),
    ("REGISTERED SIGN", '\u{ae}'),
    ("HORIZONTAL ELLIPSIS", '\u{2026}'),
    ("LEFT-POINTING DOUBLE ANGLE QUOTATION MARK", '\u{ab}'),
    ("RIGHT-POINTING DOUBLE ANGLE QUOTATION MARK", '\u{bb}'),
    ("EURO SIGN", '\u{20ac}'),
    ("POUND SIGN", '\u{a3}'),
    ("YEN SIGN", '\u{a5}'),
    ("MICRO SIGN", '\u{b5}'),
    ("MULTIPLICATION SIGN", '\u{d7}'),
    ("DIVISION SIGN", '\u{f7}'),
    ("PLUS-MINUS SIGN", '\u{b1}'),
    ("RIGHTWARDS ARROW", '\u{2192}'),
    ("LEFTWARDS ARROW", '\u{2190}'),
    ("CHECK MARK", '\u{2713}'),
    ("GREEK SMALL LETTER ALPHA", '\u{3b1}'),
    ("GREEK SMALL LETTER BETA", '\u{3b2}'),
    ("GREEK SMALL LETTER PI", '\u{3c0}'),
    ("GREEK CAPITAL LETTER OMEGA", '\u{3a9}'),
    ("SNOWMAN", '\u{2603}'),
    ("BLACK STAR", '\u{2605}'),
    ("WHITE STAR", '\u{2606}'),
    ("NULL", '\0'),
    ("LINE FEED", '\n'),
    ("CARRIAGE RETURN", '\r'),
    ("CHARACTER TABULATION", '\t'),
    ("ESCAPE", '\u{1b}'),
    ("REPLACEMENT CHARACTER", '\u{fffd}'),
    ("ZERO WIDTH SPACE", '\u{200b}'),
    ("IDEOGRAPHIC SPACE", '\u{3000}'),
    ("FULLWIDTH COMMA", '\u{ff0c}'),
];

/// Byte length CPython's unicode-escape decoder sees for a char: non-ASCII characters
/// are first rewritten as `\Uxxxxxxxx`, so error positions count them as 10.
fn esc_len(c: char) -> usize {
    if c.is_ascii() {
        1
    } else {
        10
    }
}

fn hex_value(chars: &[char], i: usize, n: usize) -> Result<u32, usize> {
    let mut v = 0u32;
    for k in 0..n {
        match chars.get(i + k).and_then(|c| c.to_digit(16)) {
            Some(d) => v = v * 16 + d,
            None => return Err(k),
        }
    }
    Ok(v)
}

/// Decodes a (non-raw) str body's backslash escapes.
fn decode_str(body: &str) -> Result<String, EscapeError> {
    let chars: Vec<char> = body.chars().collect();
    let mut out = String::with_capacity(body.len());
    let mut i = 0;
    let mut bytepos = 0usize;
    while i < chars.len() {
        let c = chars[i];
        if c != '\\' {
            out.push(c);
            bytepos += esc_len(c);
            i += 1;
            continue;
        }
        let start = bytepos;
        let Some(&n) = chars.get(i + 1) else {
            out.push('\\');
            break;
        };
        i += 2;
        bytepos += 1 + esc_len(n);
        match n {
            '\n' => {}
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\x0b'),
            '0'..='7' => {
                let mut v = n.to_digit(8).expect("octal");
                for _ in 0..2 {
                    match chars.get(i).and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            i += 1;
                            bytepos += 1;
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(v).expect("at most 0o777"));
            }
            'x' | 'u' | 'U' => {
                let (len, name) = match n {
                    'x' => (2, "truncated \\xXX escape"),
                    'u' => (4, "truncated \\uXXXX escape"),
                    _ => (8, "truncated \\UXXXXXXXX escape"),
                };
                match hex_value(&chars, i, len) {
                    Ok(v) => {
                        i += len;
                        bytepos += len;
                        match char::from_u32(v) {
                            Some(ch) => out.push(ch),
                            None if v < 0x110000 => out.push('\u{fffd}'),
                            None => {
                                return Err(EscapeError(format!(
                                    "'unicodeescape' codec can't decode bytes in position {}-{}: illegal Unicode character",
                                    start,
                                    bytepos - 1
                                )))
                            }
                        }
                    }
                    Err(k) => {
                        let end = bytepos + k;
                        return Err(EscapeError(format!(
                            "'unicodeescape' codec can't decode bytes in position {}-{}: {}",
                            start,
                            end - 1,
                            name
                        )));
                    }
                }
            }
            'N' => {
                let close = if chars.get(i) == Some(&'{') {
                    chars[i..].iter().position(|&c| c == '}').map(|p| i + p)
                } else {
                    None
                };
                let Some(close) = close.filter(|&c| c > i + 1) else {
                    return Err(EscapeError(format!(
                        "'unicodeescape' codec can't decode bytes in position {}-{}: malformed \\N character escape",
                        start,
                        bytepos - 1
                    )));
                };
                let name: String = chars[i + 1..close].iter().collect();
                let end = bytepos + chars[i..=close].iter().map(|&c| esc_len(c)).sum::<usize>();
                let upper = name.to_ascii_uppercase();
                match UNICODE_NAMES.iter().find(|(n, _)| *n == upper) {
                    Some((_, ch)) => out.push(*ch),
                    None => {
                        return Err(EscapeError(format!(
                            "'unicodeescape' codec can't decode bytes in position {}-{}: unknown Unicode character name",
                            start,
                            end - 1
                        )))
                    }
                }
                i = close + 1;
                bytepos = end;
            }
            other => {
                // Unknown escapes stay as written (CPython only warns).
                out.push('\\');
                out.push(other);
            }
        }
    }
    Ok(out)
}

/// Decodes a bytes body (the caller checked it is ASCII).
fn decode_bytes(body: &str, raw: bool) -> Result<Vec<u8>, EscapeError> {
    let b = body.as_bytes();
    if raw {
        return Ok(b.to_vec());
    }
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c != b'\\' {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        let Some(&n) = b.get(i + 1) else {
            out.push(b'\\');
            break;
        };
        i += 2;
        match n {
            b'\n' => {}
            b'\\' => out.push(b'\\'),
            b'\'' => out.push(b'\''),
            b'"' => out.push(b'"'),
            b'a' => out.push(7),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(11),
            b'0'..=b'7' => {
                let mut v = u32::from(n - b'0');
                for _ in 0..2 {
                    match b.get(i) {
                        Some(d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                out.push((v & 0xff) as u8);
            }
            b'x' => {
                let hi = b.get(i).and_then(|c| (*c as char).to_digit(16));
                let lo = b.get(i + 1).and_then(|c| (*c as char).to_digit(16));
                match (hi, lo) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 2;
                    }
                    _ => {
                        return Err(EscapeError(format!(
                            "invalid \\x escape at position {start}"
                        )))
                    }
                }
            }
            other => {
                out.push(b'\\');
                out.push(other);
            }
        }
    }
    Ok(out)
}

impl Parser {
    /// One or more adjacent string literals, concatenated.
    #[inline(never)]
    pub(super) fn strings(&mut self) -> PResult<Expr> {
        let start = self.span();
        let mut lits: Vec<(StrLit, Span)> = Vec::new();
        while let Tok::Str(s) = self.tok().clone() {
            let t = self.advance();
            lits.push((s, t.span));
        }
        let span = join(start, lits[lits.len() - 1].1);
        let any_bytes = lits.iter().any(|(l, _)| l.bytes);
        if any_bytes && lits.iter().any(|(l, _)| !l.bytes) {
            return Err(self.string_error("cannot mix bytes and nonbytes literals".into()));
        }
        let mut pieces = Vec::new();
        for (lit, lspan) in &lits {
            pieces.push(self.piece(lit, *lspan)?);
        }
        if any_bytes {
            let mut all = Vec::new();
            for p in pieces {
                if let Piece::Bytes(b) = p {
                    all.extend(b);
                }
            }
            return Ok(Expr {
                kind: ExprKind::Constant(Constant::Bytes(all)),
                span,
            });
        }
        if !pieces.iter().any(|p| matches!(p, Piece::F(_))) {
            let mut s = String::new();
            for p in pieces {
                if let Piece::Str(x) = p {
                    s.push_str(&x);
                }
            }
            return Ok(Expr {
                kind: ExprKind::Constant(Constant::Str(s)),
                span,
            });
        }
        let mut parts: Vec<FStringPart> = Vec::new();
        for p in pieces {
            match p {
                Piece::Str(s) => push_literal(&mut parts, s),
                Piece::F(fp) => {
                    for part in fp {
                        match part {
                            FStringPart::Literal(s) => push_literal(&mut parts, s),
                            v => parts.push(v),
                        }
                    }
                }
                Piece::Bytes(_) => {}
            }
        }
        Ok(Expr {
            kind: ExprKind::FString(parts),
            span,
        })
    }

    /// A string error CPython raises after reading the strings: at the token after them.
    fn string_error(&mut self, msg: String) -> SyntaxError {
        self.touch();
        let span = self.span();
        let mut e = self.error_at(span, &msg);
        e.msg = msg;
        e
    }

    fn piece(&mut self, lit: &StrLit, span: Span) -> PResult<Piece> {
        if lit.bytes {
            if !lit.body.is_ascii() {
                return Err(self.error_at(span, "bytes can only contain ASCII literal characters"));
            }
            return decode_bytes(&lit.body, lit.raw)
                .map(Piece::Bytes)
                .map_err(|e| self.string_error(format!("(value error) {}", e.0)));
        }
        if lit.fstring {
            return self.fstring(lit, span).map(Piece::F);
        }
        if lit.raw {
            return Ok(Piece::Str(lit.body.clone()));
        }
        decode_str(&lit.body)
            .map(Piece::Str)
            .map_err(|e| self.string_error(format!("(unicode error) {}", e.0)))
    }

    fn fstring(&mut self, lit: &StrLit, span: Span) -> PResult<Vec<FStringPart>> {
        let chars: Vec<char> = lit.body.chars().collect();
        // Where each char sits in the file.
        let mut pos = Vec::with_capacity(chars.len() + 1);
        let (mut line, mut col) = (lit.body_line, lit.body_col);
        for &c in &chars {
            pos.push((line, col));
            if c == '\n' {
                line += 1;
                col = 0;
            } else {
                col += 1;
            }
        }
        pos.push((line, col));
        let mut f = FScan {
            chars,
            pos,
            i: 0,
            lit,
            token: span,
        };
        let parts = self.fstring_parts(&mut f, 0)?;
        Ok(parts)
    }

    /// Literal text and fields up to the end (or, in a format spec, up to its `}`).
    fn fstring_parts(&mut self, f: &mut FScan, depth: u32) -> PResult<Vec<FStringPart>> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        while f.i < f.chars.len() {
            let c = f.chars[f.i];
            if c == '\\' && !f.lit.raw {
                // Escapes, including `\N{...}` whose braces are not a field.
                let mut j = f.i + 1;
                if f.chars.get(j) == Some(&'N') && f.chars.get(j + 1) == Some(&'{') {
                    while j < f.chars.len() && f.chars[j] != '}' {
                        j += 1;
                    }
                }
                let end = (j + 1).min(f.chars.len());
                literal.extend(&f.chars[f.i..end]);
                f.i = end;
                continue;
            }
            if c == '{' || c == '}' {
                if depth == 0 && f.chars.get(f.i + 1) == Some(&c) {
                    literal.push(c);
                    literal.push(c);
                    f.i += 2;
                    continue;
                }
                if c == '}' {
                    if depth == 0 {
                        return Err(self.fstring_error(f, "single '}' is not allowed"));
                    }
                    break;
                }
                self.flush_literal(f, &mut literal, &mut parts)?;
                if depth >= 2 {
                    return Err(self.fstring_error(f, "expressions nested too deeply"));
                }
                f.i += 1;
                let (debug_text, value) = self.fstring_field(f, depth)?;
                if let Some(t) = debug_text {
                    // The `x=` text is printed before the value.
                    push_literal(&mut parts, t);
                }
                parts.push(value);
                continue;
            }
            literal.push(c);
            f.i += 1;
        }
        self.flush_literal(f, &mut literal, &mut parts)?;
        Ok(parts)
    }

    fn flush_literal(
        &mut self,
        f: &FScan,
        literal: &mut String,
        parts: &mut Vec<FStringPart>,
    ) -> PResult<()> {
        if literal.is_empty() {
            return Ok(());
        }
        let text = std::mem::take(literal);
        let text = if f.lit.raw {
            text
        } else {
            // Doubled braces were kept for the escape decoder; halve them after it.
            decode_str(&text).map_err(|e| self.string_error(format!("(unicode error) {}", e.0)))?
        };
        let text = text.replace("{{", "{").replace("}}", "}");
        push_literal(parts, text);
        Ok(())
    }

    /// An error CPython finds while splitting an f-string: reported, like other string
    /// errors, at the token after the strings.
    fn fstring_error(&mut self, _f: &FScan, msg: &str) -> SyntaxError {
        let msg = if msg.starts_with("expression part") {
            format!("f-string {msg}")
        } else {
            format!("f-string: {msg}")
        };
        self.string_error(msg)
    }

    /// One `{expr[=][!c][:spec]}` field; `f.i` is just after the `{`.
    /// Returns the debug text (`x=`) if any, and the value part.
    fn fstring_field(
        &mut self,
        f: &mut FScan,
        depth: u32,
    ) -> PResult<(Option<String>, FStringPart)> {
        let expr_start = f.i;
        let mut stack: Vec<char> = Vec::new();
        let mut quote: Option<(char, usize)> = None;
        while f.i < f.chars.len() {
            let c = f.chars[f.i];
            if c == '\\' {
                return Err(self.fstring_error(f, "expression part cannot include a backslash"));
            }
            if let Some((q, n)) = quote {
                if c == q && (n == 1 || f.chars[f.i..].starts_with(&[q, q, q])) {
                    f.i += n;
                    quote = None;
                    continue;
                }
                f.i += 1;
                continue;
            }
            match c {
                '\'' | '"' => {
                    let n = if f.chars[f.i..].starts_with(&[c, c, c]) {
                        3
                    } else {
                        1
                    };
                    quote = Some((c, n));
                    f.i += n;
                    continue;
                }
                '(' | '[' | '{' => {
                    stack.push(c);
                    f.i += 1;
                    continue;
                }
                ')' | ']' | '}' if !stack.is_empty() => {
                    let open = stack.pop().expect("nonempty");
                    let want = match open {
                        '(' => ')',
                        '[' => ']',
                        _ => '}',
                    };
                    if c != want {
                        return Err(self.fstring_error(
                            f,
                            &format!("closing parenthesis '{c}' does not match opening parenthesis '{open}'"),
                        ));
                    }
                    f.i += 1;
                    continue;
                }
                ')' | ']' => {
                    return Err(self.fstring_error(f, &format!("unmatched '{c}'")));
                }
                '#' => {
                    return Err(self.fstring_error(f, "expression part cannot include '#'"));
                }
                _ => {}
            }
            if stack.is_empty() && matches!(c, '!' | ':' | '}' | '=' | '<' | '>') {
                let next = f.chars.get(f.i + 1).copied();
                if next == Some('=') && matches!(c, '!' | '=' | '<' | '>') {
                    f.i += 2;
                    continue;
                }
                if c == '<' || c == '>' {
                    f.i += 1;
                    continue;
                }
                break;
            }
            f.i += 1;
        }
        if quote.is_some() {
            return Err(self.fstring_error(f, "unterminated string"));
        }
        if f.i >= f.chars.len() {
            return Err(self.fstring_error(f, "expecting '}'"));
        }
        let expr_end = f.i;
        let text: String = f.chars[expr_start..expr_end].iter().collect();
        if text.trim().is_empty() {
            return Err(self.fstring_error(f, "empty expression not allowed"));
        }
        let (line, col) = f.pos[expr_start];
        let value = self.fstring_expr(&text, line, col, field_shift(f, expr_start))?;
        let mut debug_text = None;
        if f.chars[f.i] == '=' {
            f.i += 1;
            while f.i < f.chars.len() && f.chars[f.i].is_ascii_whitespace() {
                f.i += 1;
            }
            if f.i >= f.chars.len() {
                return Err(self.fstring_error(f, "expecting '}'"));
            }
            debug_text = Some(f.chars[expr_start..f.i].iter().collect::<String>());
        }
        let mut conversion = None;
        if f.chars[f.i] == '!' {
            f.i += 1;
            let Some(&conv) = f.chars.get(f.i) else {
                return Err(self.fstring_error(f, "expecting '}'"));
            };
            if !matches!(conv, 's' | 'r' | 'a') {
                return Err(self
                    .fstring_error(f, "invalid conversion character: expected 's', 'r', or 'a'"));
            }
            conversion = Some(conv);
            f.i += 1;
        }
        let mut spec = None;
        if f.i < f.chars.len() && f.chars[f.i] == ':' {
            f.i += 1;
            if f.i >= f.chars.len() {
                return Err(self.fstring_error(f, "expecting '}'"));
            }
            spec = Some(self.fstring_parts(f, depth + 1)?);
        }
        if f.i >= f.chars.len() || f.chars[f.i] != '}' {
            return Err(self.fstring_error(f, "expecting '}'"));
        }
        f.i += 1;
        let debug = debug_text.is_some();
        Ok((
            debug_text,
            FStringPart::Value {
                value: Box::new(value),
                conversion,
                spec,
                debug,
            },
        ))
    }

    /// Parses a field's expression as CPython 3.11 does: `(text)` on its own. `shift`
    /// is CPython's `starting_col_offset`, used for errors past the field's first line.
    fn fstring_expr(&mut self, text: &str, line: u32, col: u32, shift: u32) -> PResult<Expr> {
        let wrapped = format!("({text})");
        let start_col = col.saturating_sub(1);
        let lexed = lexer::tokenize_at(&wrapped, &self.filename, line, start_col, true);
        let frag_lines = lexer::source_lines(&wrapped);
        let mut p = Parser::new(lexed.tokens, lexed.error, lexed.lines, &self.filename);
        p.first_line = line;
        p.first_col = start_col;
        p.in_fstring = true;
        let result = p.fstring_body();
        match result {
            Ok(e) => Ok(e),
            Err(e) => {
                let mut e = p.finish_error(e);
                // CPython shows the parenthesized field as the source line.
                let idx = e.line.saturating_sub(line) as usize;
                if idx == 0 {
                    e.col = e.col.saturating_sub(start_col);
                    e.end_col = e.end_col.saturating_sub(start_col);
                } else if e.col >= shift {
                    // Later lines keep file columns, yet CPython subtracts the shift.
                    e.col -= shift;
                    e.end_col = e.end_col.saturating_sub(shift);
                } else {
                    e.caret = false;
                }
                e.text = frag_lines.get(idx).cloned();
                // The field's own parser prefixes its messages and counts bytes; its
                // tokenizer's errors keep their words and count characters.
                let from_tokenizer = p.lex_error.as_ref().is_some_and(|le| {
                    le.strength == LexErrorStrength::Strong && le.error.msg == e.msg
                });
                if !from_tokenizer {
                    if !e.msg.starts_with("f-string: ") {
                        e.msg = format!("f-string: {}", e.msg);
                    }
                    e = super::to_byte_cols(e, true);
                }
                Err(e)
            }
        }
    }

    fn fstring_body(&mut self) -> PResult<Expr> {
        self.touch();
        let e = self.atom_paren_field()?;
        if !matches!(self.tok(), Tok::EndMarker) {
            return Err(self.invalid_syntax());
        }
        Ok(e)
    }
}

/// A field's `(expr)`: a tuple, a generator, a yield, or one expression.
impl Parser {
    fn atom_paren_field(&mut self) -> PResult<Expr> {
        self.expect_op("(")?;
        let e = if self.at_kw("yield") {
            self.yield_expr()?
        } else {
            self.star_expressions()?
        };
        self.expect_op(")")?;
        Ok(e)
    }
}

/// CPython's `starting_col_offset` for a field whose `{` is at `f.chars[brace + 1]`'s
/// left (`fstring_find_expr_location`): the token's column plus the brace's column on its
/// line, or just the token's column when a newline follows the brace.
fn field_shift(f: &FScan, expr_start: usize) -> u32 {
    let brace = expr_start - 1;
    let newline_after = f.chars[expr_start..]
        .iter()
        .take_while(|c| !matches!(c, '}' | '\n'))
        .all(|c| matches!(c, ' ' | '\t' | '\x0c'))
        && f.chars[expr_start..]
            .iter()
            .find(|c| !matches!(c, ' ' | '\t' | '\x0c'))
            == Some(&'\n');
    if newline_after {
        return f.token.col;
    }
    let (bline, bcol) = f.pos[brace];
    if bline == f.token.line {
        bcol
    } else {
        f.token.col + bcol
    }
}

struct FScan<'a> {
    chars: Vec<char>,
    pos: Vec<(u32, u32)>,
    i: usize,
    lit: &'a StrLit,
    /// The string token, which CPython's f-string error columns are relative to.
    token: Span,
}

fn push_literal(parts: &mut Vec<FStringPart>, s: String) {
    if s.is_empty() {
        return;
    }
    if let Some(FStringPart::Literal(prev)) = parts.last_mut() {
        prev.push_str(&s);
        return;
    }
    parts.push(FStringPart::Literal(s));
}
