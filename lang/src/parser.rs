//! The parser: tokens to [`ast::Module`], by hand-written recursive descent, with
//! CPython 3.11's syntax error messages and locations for the common mistakes.
//!
//! * this file: the entry point, token helpers, error plumbing, statements;
//! * [`expr`]: expressions, calls, displays and comprehensions;
//! * [`strings`]: string literals, escapes, implicit concatenation and f-strings;
//! * [`targets`]: checks of assignment/for/del targets and their error messages;
//! * [`checks`]: the errors and warnings CPython finds after parsing (future imports,
//!   symbol table, compiler), so a script CPython refuses is refused here too.

mod checks;
mod expr;
mod strings;
mod targets;

use crate::ast::{self, Alias, ExceptHandler, Expr, ExprKind, Span, Stmt, StmtKind, WithItem};
use crate::lexer::{self, LexError, LexErrorStrength, Tok, Token};
use crate::syntax_error::{SyntaxError, SyntaxErrorKind, SyntaxWarning};

/// Parses a whole script.
pub fn parse(source: &str, filename: &str) -> Result<ast::Module, SyntaxError> {
    parse_with_warnings(source, filename).0
}

/// Parses a whole script and also returns the SyntaxWarnings CPython would print on
/// stderr before running it (or before the syntax error, for the ones found first).
pub fn parse_with_warnings(
    source: &str,
    filename: &str,
) -> (Result<ast::Module, SyntaxError>, Vec<SyntaxWarning>) {
    let bom = source.starts_with('\u{feff}');
    let declared = bom || crate::source::coding_cookie(source.as_bytes()).is_some();
    let source = lexer::normalize_source(source);
    let lexed = lexer::tokenize(&source, filename);
    let mut raw_warnings = lexed.warnings;
    let mut p = Parser::new(lexed.tokens, lexed.error, lexed.lines, filename);
    p.byte_cols = !declared;
    p.bom = bom;
    let result = match p.file().map_err(|e| p.finish_error(e)) {
        Ok(body) => {
            let checked = checks::check_module(&p, &body, p.await_error, &mut raw_warnings);
            checked.map(|()| ast::Module { body })
        }
        Err(e) => {
            // Only the tokenizer's warnings up to the error were printed.
            raw_warnings.retain(|(line, _)| *line <= e.line);
            Err(e)
        }
    };
    let warnings = raw_warnings
        .into_iter()
        .map(|(line, msg)| SyntaxWarning {
            filename: filename.to_string(),
            line,
            msg,
            text: p.line_text(line),
        })
        .collect();
    (result, warnings)
}

const KEYWORDS: [&str; 35] = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

pub(crate) fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

type PResult<T> = Result<T, SyntaxError>;

pub(crate) struct Parser {
    toks: Vec<Token>,
    /// Bracket depth after each token, as CPython's tokenizer records it.
    levels: Vec<u32>,
    pos: usize,
    filename: String,
    lines: Vec<String>,
    /// The line where `lines[0]` sits in the file (f-string fields are parsed on their own).
    first_line: u32,
    first_col: u32,
    lex_error: Option<LexError>,
    /// The furthest token looked at while parsing, where CPython reports a plain
    /// "invalid syntax".
    furthest: usize,
    /// The furthest token looked at at all, diagnostics included: CPython blames an
    /// unclosed bracket for an error when the bracket opened on an earlier line.
    fetched: usize,
    /// Inside an f-string field: errors get the "f-string: " prefix.
    in_fstring: bool,
    /// What encloses the code being parsed (for `await`, which the tree cannot hold).
    scopes: Vec<ScopeKind>,
    /// The first `await`: always an error in socklab, reported after the parse the way
    /// CPython's compiler does (`'await' outside function`).
    await_error: Option<(Span, &'static str)>,
    /// Open brackets and other recursion, bounded to protect the host's stack.
    brackets: u32,
    depth: u32,
    /// Report columns in UTF-8 bytes, as CPython does for a file without a coding
    /// declaration.
    byte_cols: bool,
    /// The file started with a BOM.
    bom: bool,
}

/// Where code sits, as far as `await` cares.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ScopeKind {
    Function,
    Class,
}

impl Parser {
    fn new(
        toks: Vec<Token>,
        lex_error: Option<LexError>,
        lines: Vec<String>,
        filename: &str,
    ) -> Parser {
        let mut level = 0u32;
        let levels = toks
            .iter()
            .map(|t| {
                match t.tok {
                    Tok::Op("(" | "[" | "{") => level += 1,
                    Tok::Op(")" | "]" | "}") => level = level.saturating_sub(1),
                    _ => {}
                }
                level
            })
            .collect();
        Parser {
            toks,
            levels,
            pos: 0,
            filename: filename.to_string(),
            lines,
            first_line: 1,
            first_col: 0,
            lex_error,
            furthest: 0,
            fetched: 0,
            in_fstring: false,
            scopes: Vec::new(),
            await_error: None,
            brackets: 0,
            depth: 0,
            byte_cols: false,
            bom: false,
        }
    }

    // ----- token access -----

    fn tok(&self) -> &Tok {
        &self.toks[self.pos.min(self.toks.len() - 1)].tok
    }

    fn token(&self) -> &Token {
        &self.toks[self.pos.min(self.toks.len() - 1)]
    }

    fn nth(&mut self, n: usize) -> &Tok {
        let i = (self.pos + n).min(self.toks.len() - 1);
        self.furthest = self.furthest.max(i);
        self.fetched = self.fetched.max(i);
        &self.toks[i].tok
    }

    fn span(&self) -> Span {
        self.token().span
    }

    fn touch(&mut self) {
        let i = self.pos.min(self.toks.len() - 1);
        self.furthest = self.furthest.max(i);
        self.fetched = self.fetched.max(i);
    }

    fn advance(&mut self) -> Token {
        let t = self.token().clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        self.touch();
        t
    }

    /// The span of the last consumed token that is not NEWLINE/INDENT/DEDENT (a compound
    /// statement ends where its last statement ends).
    fn prev_end(&self) -> Span {
        let mut i = self.pos;
        while i > 0 {
            i -= 1;
            if !matches!(self.toks[i].tok, Tok::Newline | Tok::Indent | Tok::Dedent) {
                return self.toks[i].span;
            }
        }
        self.span()
    }

    fn at_op(&mut self, op: &str) -> bool {
        self.touch();
        matches!(self.tok(), Tok::Op(o) if *o == op)
    }

    fn at_kw(&mut self, kw: &str) -> bool {
        self.touch();
        matches!(self.tok(), Tok::Name(n) if n == kw)
    }

    fn eat_op(&mut self, op: &str) -> bool {
        if self.at_op(op) {
            self.advance();
            true
        } else {
            false
        }
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        if self.at_kw(kw) {
            self.advance();
            true
        } else {
            false
        }
    }

    fn at_newline(&mut self) -> bool {
        self.touch();
        matches!(self.tok(), Tok::Newline)
    }

    /// A plain identifier (not a keyword) at the current token.
    fn at_name(&mut self) -> bool {
        self.touch();
        matches!(self.tok(), Tok::Name(n) if !is_keyword(n))
    }

    fn expect_op(&mut self, op: &str) -> PResult<Token> {
        if self.at_op(op) {
            Ok(self.advance())
        } else {
            Err(self.invalid_syntax())
        }
    }

    /// The `:` of `if`, `while`, `for`, `with`, `except`, `class`: CPython says
    /// "expected ':'" only when the line ends there, else "invalid syntax".
    fn expect_colon(&mut self) -> PResult<Token> {
        if self.at_op(":") {
            return Ok(self.advance());
        }
        if self.at_newline() {
            let span = self.span();
            return Err(self.error_at(span, "expected ':'"));
        }
        Err(self.invalid_syntax())
    }

    /// A token CPython's grammar "forces" (`&&':'`, `&&'('`): a miss is "expected ':'".
    fn expect_forced(&mut self, op: &str) -> PResult<Token> {
        if self.at_op(op) {
            Ok(self.advance())
        } else {
            let span = self.span();
            Err(self.error_at(span, &format!("expected '{op}'")))
        }
    }

    fn name(&mut self) -> PResult<(String, Span)> {
        if self.at_name() {
            let t = self.advance();
            let Tok::Name(n) = t.tok else { unreachable!() };
            Ok((n, t.span))
        } else {
            Err(self.invalid_syntax())
        }
    }

    // ----- errors -----

    fn line_text(&self, line: u32) -> Option<String> {
        let idx = line.checked_sub(self.first_line)? as usize;
        let text = self.lines.get(idx)?;
        if idx == 0 && self.first_col > 0 {
            return Some(format!("{}{}", " ".repeat(self.first_col as usize), text));
        }
        Some(text.clone())
    }

    fn error_kind(&self, kind: SyntaxErrorKind, span: Span, msg: &str) -> SyntaxError {
        let e = self.error_kind_chars(kind, span, msg);
        self.parser_cols(e, span.end_line == span.line)
    }

    /// Columns as CPython's parser reports them: UTF-8 bytes unless the file declares
    /// its encoding (on lines with Chinese text the caret lands further right); on the
    /// first line of a file with a BOM, CPython counts the BOM in the line it shows and
    /// converts the byte columns against that line.
    fn parser_cols(&self, e: SyntaxError, one_line: bool) -> SyntaxError {
        if self.byte_cols {
            return to_byte_cols(e, one_line);
        }
        if !(self.bom && e.line == 1 && e.caret) {
            return e;
        }
        let Some(text) = e.text.clone() else {
            return e;
        };
        let mut e = to_byte_cols(e, one_line);
        let shown = format!("\u{feff}{text}");
        let chars_in = |offset: u32| -> u32 {
            let bytes = &shown.as_bytes()[..(offset as usize).min(shown.len())];
            String::from_utf8_lossy(bytes).chars().count() as u32
        };
        e.col = chars_in(e.col + 1).saturating_sub(1);
        if one_line {
            e.end_col = chars_in(e.end_col + 1).saturating_sub(1);
        }
        e.text = Some(shown);
        e
    }

    /// A SyntaxError at `span`, columns in characters.
    fn error_chars(&self, span: Span, msg: &str) -> SyntaxError {
        self.error_kind_chars(SyntaxErrorKind::SyntaxError, span, msg)
    }

    fn error_kind_chars(&self, kind: SyntaxErrorKind, span: Span, msg: &str) -> SyntaxError {
        if span.col == lexer::NO_COL {
            return SyntaxError {
                kind,
                msg: self.prefixed(msg),
                filename: self.filename.clone(),
                line: span.line,
                col: 0,
                end_col: 0,
                text: self.line_text(span.line),
                caret: false,
            };
        }
        let end_col = if span.end_line == span.line {
            span.end_col
        } else {
            // A range over several lines: CPython underlines to the end of the first
            // (counted in UTF-8 bytes, newline included).
            self.line_text(span.line)
                .map_or(span.col + 1, |t| t.len() as u32)
        };
        SyntaxError {
            kind,
            msg: self.prefixed(msg),
            filename: self.filename.clone(),
            line: span.line,
            col: span.col,
            end_col,
            text: self.line_text(span.line),
            caret: true,
        }
    }

    fn prefixed(&self, msg: &str) -> String {
        if self.in_fstring && !msg.starts_with("f-string: ") {
            format!("f-string: {msg}")
        } else {
            msg.to_string()
        }
    }

    fn error_at(&self, span: Span, msg: &str) -> SyntaxError {
        self.error_kind(SyntaxErrorKind::SyntaxError, span, msg)
    }

    fn error_range(&self, start: Span, end: Span, msg: &str) -> SyntaxError {
        self.error_at(join(start, end), msg)
    }

    /// The generic error, at the current token.
    /// The generic error, at the furthest token looked at (CPython's "last token" of
    /// its first pass).
    fn invalid_syntax(&mut self) -> SyntaxError {
        self.touch();
        let at = self.furthest.min(self.toks.len() - 1);
        if let Some(e) = self.lex_error_at(at) {
            return e;
        }
        let span = self.toks[at].span;
        self.error_at(span, "invalid syntax")
    }

    /// Whether an error is one of CPython's specific messages (not "invalid syntax",
    /// nor a tokenizer error that only surfaced because a parse went that far).
    fn is_specific(&self, e: &SyntaxError) -> bool {
        let generic = e.msg == "invalid syntax"
            || e.msg == "f-string: invalid syntax"
            || e.msg.ends_with("was never closed")
            || self
                .lex_error
                .as_ref()
                .is_some_and(|le| le.error.msg == e.msg);
        !generic
    }

    /// If the parser stands on the tokenizer's error token, that error is the one to report.
    fn lex_error_here(&self) -> Option<SyntaxError> {
        if !matches!(self.tok(), Tok::Error) {
            return None;
        }
        let le = self.lex_error.as_ref()?;
        if le.eof_in_brackets {
            return Some(self.unclosed_bracket(le));
        }
        Some(self.lexer_error(le))
    }

    /// A tokenizer error as CPython reports it: the ones its tokenizer raises itself
    /// count columns in characters, the ones its parser raises (indentation, line
    /// continuation, end of input) in bytes unless the file declares an encoding.
    fn lexer_error(&self, le: &LexError) -> SyntaxError {
        let e = le.error.clone();
        if le.strength == LexErrorStrength::Weak {
            return self.parser_cols(e, true);
        }
        e
    }

    fn unclosed_bracket(&self, le: &LexError) -> SyntaxError {
        let (c, line, col) = le.open_bracket.expect("eof in brackets has a bracket");
        let span = Span {
            line,
            col,
            end_line: line,
            end_col: col,
        };
        let mut e = self.error_at(span, &format!("'{c}' was never closed"));
        e.msg = format!("'{c}' was never closed");
        e
    }

    /// Decides between the parser's error and a tokenizer error, as CPython does after
    /// a failed parse (`_PyPegen_tokenize_full_source_to_check_for_errors`).
    fn finish_error(&self, e: SyntaxError) -> SyntaxError {
        let Some(le) = &self.lex_error else {
            return e;
        };
        if le.error == e {
            return e;
        }
        if le.strength == LexErrorStrength::Strong {
            return self.lexer_error(le);
        }
        // An unclosed bracket opened before the line the parser had reached explains
        // the error better (CPython compares with its last fetched token's line).
        if let Some((_, bline, _)) = le.open_bracket {
            let reached = self.toks[self.fetched.min(self.toks.len() - 1)].span.line;
            if reached > bline {
                return self.unclosed_bracket(le);
            }
        }
        e
    }

    // ----- statements -----

    fn file(&mut self) -> PResult<Vec<Stmt>> {
        let mut body = Vec::new();
        loop {
            self.touch();
            match self.tok() {
                Tok::EndMarker => break,
                Tok::Newline => {
                    self.advance();
                }
                Tok::Indent => return Err(self.unexpected_indent()),
                _ => body.extend(self.statement()?),
            }
        }
        Ok(body)
    }

    fn unexpected_indent(&mut self) -> SyntaxError {
        if let Some(e) = self.lex_error_at(self.pos + 1) {
            return e;
        }
        let span = self.span();
        self.error_kind(SyntaxErrorKind::IndentationError, span, "unexpected indent")
    }

    fn lex_error_at(&self, i: usize) -> Option<SyntaxError> {
        let i = i.min(self.toks.len() - 1);
        if !matches!(self.toks[i].tok, Tok::Error) {
            return None;
        }
        let le = self.lex_error.as_ref()?;
        if le.eof_in_brackets {
            return Some(self.unclosed_bracket(le));
        }
        Some(self.lexer_error(le))
    }

    fn statement(&mut self) -> PResult<Vec<Stmt>> {
        self.touch();
        if let Tok::Name(kw) = self.tok() {
            let stmt = match kw.as_str() {
                "if" => Some(self.if_stmt()?),
                "while" => Some(self.while_stmt()?),
                "for" => Some(self.for_stmt()?),
                "def" => Some(self.funcdef(Vec::new())?),
                "class" => Some(self.classdef(Vec::new())?),
                "try" => Some(self.try_stmt()?),
                "with" => Some(self.with_stmt()?),
                _ => None,
            };
            if let Some(s) = stmt {
                return Ok(vec![s]);
            }
        }
        if self.at_op("@") {
            return Ok(vec![self.decorated()?]);
        }
        self.simple_stmts()
    }

    /// A block after a compound statement's header `:`.
    fn block(&mut self, what: &str, header_line: u32) -> PResult<Vec<Stmt>> {
        if !self.at_newline() {
            return self.simple_stmts();
        }
        self.advance();
        self.touch();
        if !matches!(self.tok(), Tok::Indent) {
            if let Some(e) = self.lex_error_here() {
                return Err(e);
            }
            let span = self.span();
            return Err(self.error_kind(
                SyntaxErrorKind::IndentationError,
                span,
                &format!("expected an indented block after {what} on line {header_line}"),
            ));
        }
        self.advance();
        let mut body = Vec::new();
        loop {
            self.touch();
            match self.tok() {
                Tok::Dedent => {
                    self.advance();
                    break;
                }
                Tok::EndMarker => break,
                Tok::Indent => return Err(self.unexpected_indent()),
                _ => body.extend(self.statement()?),
            }
        }
        Ok(body)
    }

    fn simple_stmts(&mut self) -> PResult<Vec<Stmt>> {
        let mut out = Vec::new();
        loop {
            let start_pos = self.pos;
            match self.simple_stmt() {
                Ok(s) if self.at_newline() || self.at_op(";") => out.push(s),
                Ok(s) => {
                    let e = self.end_of_statement_error(&s);
                    // A complete assignment followed by junk never reaches CPython's
                    // `invalid_assignment`.
                    let assigned = matches!(
                        s.kind,
                        StmtKind::Assign { .. }
                            | StmtKind::AugAssign { .. }
                            | StmtKind::AnnAssign { .. }
                    );
                    if assigned {
                        return Err(e);
                    }
                    return Err(self.assignment_diagnostic(start_pos, e));
                }
                Err(e) => return Err(self.assignment_diagnostic(start_pos, e)),
            }
            if !self.eat_op(";") || self.at_newline() {
                break;
            }
        }
        self.advance();
        Ok(out)
    }

    /// CPython's `invalid_assignment` (second alternative), tried on a failed statement
    /// that starts with an expression: after `x,` every following expression is parsed,
    /// commas or not, and one like `name = value` gets "Maybe you meant '=='".
    fn assignment_diagnostic(&mut self, start_pos: usize, e: SyntaxError) -> SyntaxError {
        if self.is_specific(&e) {
            return e;
        }
        let starts_keyword = matches!(&self.toks[start_pos].tok, Tok::Name(n) if is_keyword(n) && !matches!(n.as_str(), "None" | "True" | "False" | "not" | "lambda" | "await"));
        if starts_keyword {
            return e;
        }
        let save = (self.pos, self.furthest);
        self.pos = start_pos;
        // CPython's `assignment` succeeds, and `invalid_assignment` is never tried, when
        // valid targets are followed by `=` and the start of a value (or by `+=`, `:`).
        let targets_ok = self.star_expressions().is_ok_and(|t| {
            let op = matches!(self.tok(), Tok::Op(op) if augassign_op(op).is_some() || *op == ":");
            let eq = self.at_op("=");
            let valid = targets::is_valid_target(&t);
            valid
                && (op
                    || (eq && {
                        self.advance();
                        self.starts_expression() || self.at_kw("yield")
                    }))
        });
        if targets_ok {
            (self.pos, self.furthest) = save;
            return e;
        }
        self.pos = start_pos;
        let found = (|| -> PResult<()> {
            self.star_named_expression()?;
            if !self.eat_op(",") {
                return Ok(());
            }
            while self.starts_expression() {
                self.star_named_expression()?;
                self.eat_op(",");
            }
            Ok(())
        })();
        (self.pos, self.furthest) = save;
        match found {
            Err(d) if self.is_specific(&d) => d,
            _ => e,
        }
    }

    /// The statement ended but the line goes on: CPython's second-pass diagnostics.
    fn end_of_statement_error(&mut self, last: &Stmt) -> SyntaxError {
        if let Some(e) = self.lex_error_here() {
            return e;
        }
        if let StmtKind::Expr(e) = &last.kind {
            if let ExprKind::Name(n) = &e.kind {
                if (n == "print" || n == "exec") && self.starts_expression() {
                    let save = self.pos;
                    let end = self.star_expressions().ok().map(|x| x.span);
                    self.pos = save;
                    if let Some(end) = end {
                        return self.error_range(
                            e.span,
                            end,
                            &format!(
                                "Missing parentheses in call to '{n}'. Did you mean {n}(...)?"
                            ),
                        );
                    }
                }
            }
        }
        self.invalid_syntax()
    }

    fn simple_stmt(&mut self) -> PResult<Stmt> {
        let start = self.span();
        self.touch();
        let kw = match self.tok() {
            Tok::Name(n) if is_keyword(n) => n.clone(),
            _ => String::new(),
        };
        let kind = match kw.as_str() {
            "pass" => {
                self.advance();
                StmtKind::Pass
            }
            "break" => {
                self.advance();
                StmtKind::Break
            }
            "continue" => {
                self.advance();
                StmtKind::Continue
            }
            "return" => {
                self.advance();
                let value = if self.at_stmt_end() {
                    None
                } else {
                    Some(self.star_expressions()?)
                };
                StmtKind::Return(value)
            }
            "raise" => {
                self.advance();
                if self.at_stmt_end() {
                    StmtKind::Raise {
                        exc: None,
                        cause: None,
                    }
                } else {
                    let exc = self.expression()?;
                    let cause = if self.eat_kw("from") {
                        Some(self.expression()?)
                    } else {
                        None
                    };
                    StmtKind::Raise {
                        exc: Some(exc),
                        cause,
                    }
                }
            }
            "global" | "nonlocal" => {
                self.advance();
                let mut names = vec![self.name()?.0];
                while self.eat_op(",") {
                    names.push(self.name()?.0);
                }
                if kw == "global" {
                    StmtKind::Global(names)
                } else {
                    StmtKind::Nonlocal(names)
                }
            }
            "del" => {
                self.advance();
                let mut targets = Vec::new();
                loop {
                    let t = self.bitwise_or_or_star()?;
                    targets.push(t);
                    if !self.eat_op(",") || self.at_stmt_end() {
                        break;
                    }
                }
                for t in &targets {
                    self.check_del_target(t)?;
                }
                StmtKind::Delete(targets)
            }
            "assert" => {
                self.advance();
                let test = self.expression()?;
                let msg = if self.eat_op(",") {
                    Some(self.expression()?)
                } else {
                    None
                };
                StmtKind::Assert { test, msg }
            }
            "import" => self.import()?,
            "from" => self.import_from()?,
            _ => return self.expr_stmt(),
        };
        Ok(Stmt {
            kind,
            span: join(start, self.prev_end()),
        })
    }

    fn at_stmt_end(&mut self) -> bool {
        self.touch();
        matches!(self.tok(), Tok::Newline | Tok::Op(";") | Tok::EndMarker)
    }

    fn import(&mut self) -> PResult<StmtKind> {
        self.advance();
        let mut names = Vec::new();
        loop {
            let (mut name, start) = self.name()?;
            while self.eat_op(".") {
                name.push('.');
                name.push_str(&self.name()?.0);
            }
            let asname = if self.eat_kw("as") {
                Some(self.name()?.0)
            } else {
                None
            };
            names.push(Alias {
                name,
                asname,
                span: join(start, self.prev_end()),
            });
            if !self.eat_op(",") {
                break;
            }
        }
        Ok(StmtKind::Import(names))
    }

    fn import_from(&mut self) -> PResult<StmtKind> {
        self.advance();
        let mut level = 0;
        loop {
            if self.eat_op(".") {
                level += 1;
            } else if self.eat_op("...") {
                level += 3;
            } else {
                break;
            }
        }
        let mut module = String::new();
        if !(level > 0 && self.at_kw("import")) {
            module = self.name()?.0;
            while self.eat_op(".") {
                module.push('.');
                module.push_str(&self.name()?.0);
            }
        }
        if !self.eat_kw("import") {
            return Err(self.invalid_syntax());
        }
        let mut names = Vec::new();
        if self.at_op("*") {
            let t = self.advance();
            names.push(Alias {
                name: "*".into(),
                asname: None,
                span: t.span,
            });
            return Ok(StmtKind::ImportFrom {
                module,
                names,
                level,
            });
        }
        let paren = self.eat_op("(");
        loop {
            let (name, start) = self.name()?;
            let asname = if self.eat_kw("as") {
                Some(self.name()?.0)
            } else {
                None
            };
            names.push(Alias {
                name,
                asname,
                span: join(start, self.prev_end()),
            });
            if !self.eat_op(",") {
                break;
            }
            if paren && self.at_op(")") {
                break;
            }
            if !paren && self.at_stmt_end() {
                let span = self.span();
                return Err(self.error_at(
                    span,
                    "trailing comma not allowed without surrounding parentheses",
                ));
            }
        }
        if paren {
            self.expect_op(")")?;
        }
        Ok(StmtKind::ImportFrom {
            module,
            names,
            level,
        })
    }

    /// Expression statements and the assignments.
    fn expr_stmt(&mut self) -> PResult<Stmt> {
        let start = self.span();
        let start_pos = self.pos;
        let first = if self.at_kw("yield") {
            self.yield_expr()?
        } else {
            self.star_expressions()?
        };
        self.touch();
        let kind = match self.tok().clone() {
            Tok::Op("=") => {
                self.check_first_target(&first, start_pos)?;
                let mut exprs = vec![first];
                while self.eat_op("=") {
                    let v = if self.at_kw("yield") {
                        self.yield_expr()?
                    } else {
                        self.star_expressions()?
                    };
                    if self.at_op("=") {
                        self.check_assign_target(&v)?;
                    }
                    exprs.push(v);
                }
                let value = exprs.pop().expect("at least two");
                StmtKind::Assign {
                    targets: exprs,
                    value,
                }
            }
            Tok::Op(op) if augassign_op(op).is_some() => {
                self.check_aug_target(&first)?;
                self.advance();
                let value = if self.at_kw("yield") {
                    self.yield_expr()?
                } else {
                    self.star_expressions()?
                };
                StmtKind::AugAssign {
                    target: first,
                    op: augassign_op(op).expect("checked"),
                    value,
                }
            }
            Tok::Op(":") => {
                self.check_ann_target(&first)?;
                self.advance();
                let annotation = self.expression()?;
                let value = if self.eat_op("=") {
                    Some(if self.at_kw("yield") {
                        self.yield_expr()?
                    } else {
                        self.star_expressions()?
                    })
                } else {
                    None
                };
                StmtKind::AnnAssign {
                    target: first,
                    annotation,
                    value,
                }
            }
            _ => StmtKind::Expr(first),
        };
        Ok(Stmt {
            kind,
            span: join(start, self.prev_end()),
        })
    }

    fn if_stmt(&mut self) -> PResult<Stmt> {
        let start = self.advance().span;
        let test = self.named_expression()?;
        self.expect_colon()?;
        let body = self.block("'if' statement", start.line)?;
        let orelse = self.else_branch(true)?;
        Ok(Stmt {
            kind: StmtKind::If { test, body, orelse },
            span: join(start, self.prev_end()),
        })
    }

    /// `elif ...` (as a nested If) or `else: ...`, or nothing.
    fn else_branch(&mut self, allow_elif: bool) -> PResult<Vec<Stmt>> {
        if allow_elif && self.at_kw("elif") {
            let start = self.advance().span;
            let test = self.named_expression()?;
            self.expect_colon()?;
            let body = self.block("'elif' statement", start.line)?;
            let orelse = self.else_branch(true)?;
            return Ok(vec![Stmt {
                kind: StmtKind::If { test, body, orelse },
                span: join(start, self.prev_end()),
            }]);
        }
        if self.at_kw("else") {
            let start = self.advance().span;
            self.expect_forced(":")?;
            return self.block("'else' statement", start.line);
        }
        Ok(Vec::new())
    }

    fn while_stmt(&mut self) -> PResult<Stmt> {
        let start = self.advance().span;
        let test = self.named_expression()?;
        self.expect_colon()?;
        let body = self.block("'while' statement", start.line)?;
        let orelse = self.else_branch(false)?;
        Ok(Stmt {
            kind: StmtKind::While { test, body, orelse },
            span: join(start, self.prev_end()),
        })
    }

    fn for_stmt(&mut self) -> PResult<Stmt> {
        let start = self.advance().span;
        let target = self.for_target()?;
        self.advance();
        let iter = self.star_expressions()?;
        self.expect_colon()?;
        let body = self.block("'for' statement", start.line)?;
        let orelse = self.else_branch(false)?;
        Ok(Stmt {
            kind: StmtKind::For {
                target,
                iter,
                body,
                orelse,
            },
            span: join(start, self.prev_end()),
        })
    }

    fn with_stmt(&mut self) -> PResult<Stmt> {
        let start = self.advance().span;
        let mut items = Vec::new();
        // `with (a as b, c as d):` — parenthesized items, told apart from a
        // parenthesized expression by trying it first.
        if self.at_op("(") {
            let save = self.pos;
            if let Ok(parsed) = self.paren_with_items() {
                items = parsed;
            } else {
                self.pos = save;
            }
        }
        if items.is_empty() {
            loop {
                items.push(self.with_item()?);
                if !self.eat_op(",") {
                    break;
                }
            }
        }
        self.expect_colon()?;
        let body = self.block("'with' statement", start.line)?;
        Ok(Stmt {
            kind: StmtKind::With { items, body },
            span: join(start, self.prev_end()),
        })
    }

    fn paren_with_items(&mut self) -> PResult<Vec<WithItem>> {
        self.expect_op("(")?;
        let mut items = Vec::new();
        loop {
            items.push(self.with_item()?);
            if !self.eat_op(",") {
                break;
            }
            if self.at_op(")") {
                break;
            }
        }
        self.expect_op(")")?;
        if !self.at_op(":") && !self.at_newline() {
            return Err(self.invalid_syntax());
        }
        Ok(items)
    }

    fn with_item(&mut self) -> PResult<WithItem> {
        let context = self.expression()?;
        let target = if self.eat_kw("as") {
            let t = self.star_target()?;
            self.check_assign_target(&t)?;
            Some(t)
        } else {
            None
        };
        Ok(WithItem { context, target })
    }

    fn try_stmt(&mut self) -> PResult<Stmt> {
        let start = self.advance().span;
        self.expect_forced(":")?;
        let body = self.block("'try' statement", start.line)?;
        let mut handlers = Vec::new();
        while self.at_kw("except") {
            let hstart = self.advance().span;
            let (kind, name) = if self.at_op(":") || self.at_newline() {
                (None, None)
            } else {
                let e = self.expression()?;
                let e = if self.at_op(",") {
                    // `except A, B:` needs parentheses in Python 3.
                    let mut elts = vec![e];
                    while self.eat_op(",") {
                        if self.at_op(":") || self.at_kw("as") {
                            break;
                        }
                        elts.push(self.expression()?);
                    }
                    let span = join(elts[0].span, self.prev_end());
                    return Err(
                        self.error_at(span, "multiple exception types must be parenthesized")
                    );
                } else {
                    e
                };
                let name = if self.eat_kw("as") {
                    Some(self.name()?.0)
                } else {
                    None
                };
                (Some(e), name)
            };
            self.expect_colon()?;
            let hbody = self.block("'except' statement", hstart.line)?;
            handlers.push(ExceptHandler {
                kind,
                name,
                body: hbody,
                span: join(hstart, self.prev_end()),
            });
        }
        let mut orelse = Vec::new();
        if !handlers.is_empty() && self.at_kw("else") {
            let s = self.advance().span;
            self.expect_forced(":")?;
            orelse = self.block("'else' statement", s.line)?;
        }
        let mut finalbody = Vec::new();
        if self.at_kw("finally") {
            let s = self.advance().span;
            self.expect_forced(":")?;
            finalbody = self.block("'finally' statement", s.line)?;
        }
        if handlers.is_empty() && finalbody.is_empty() {
            let span = self.span();
            return Err(self.error_at(span, "expected 'except' or 'finally' block"));
        }
        Ok(Stmt {
            kind: StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            },
            span: join(start, self.prev_end()),
        })
    }

    fn decorated(&mut self) -> PResult<Stmt> {
        let mut decorators = Vec::new();
        while self.eat_op("@") {
            decorators.push(self.named_expression()?);
            if !self.at_newline() {
                return Err(self.invalid_syntax());
            }
            self.advance();
        }
        if self.at_kw("def") {
            self.funcdef(decorators)
        } else if self.at_kw("class") {
            self.classdef(decorators)
        } else {
            Err(self.invalid_syntax())
        }
    }

    fn funcdef(&mut self, decorators: Vec<Expr>) -> PResult<Stmt> {
        let def = self.advance().span;
        let (name, _) = self.name()?;
        self.expect_forced("(")?;
        let params = self.params(")", true)?;
        self.expect_op(")")?;
        let returns = if self.eat_op("->") {
            Some(Box::new(self.expression()?))
        } else {
            None
        };
        self.expect_forced(":")?;
        self.scopes.push(ScopeKind::Function);
        let body = self.block("function definition", def.line);
        self.scopes.pop();
        let body = body?;
        let doc = docstring(&body);
        Ok(Stmt {
            kind: StmtKind::FunctionDef(ast::FunctionDef {
                name,
                params,
                body,
                decorators,
                returns,
                doc,
            }),
            span: join(def, self.prev_end()),
        })
    }

    fn classdef(&mut self, decorators: Vec<Expr>) -> PResult<Stmt> {
        let class = self.advance().span;
        let (name, _) = self.name()?;
        let (mut bases, mut keywords) = (Vec::new(), Vec::new());
        if self.eat_op("(") {
            (bases, keywords) = self.call_args()?;
            self.expect_op(")")?;
        }
        self.expect_colon()?;
        self.scopes.push(ScopeKind::Class);
        let body = self.block("class definition", class.line);
        self.scopes.pop();
        let body = body?;
        Ok(Stmt {
            kind: StmtKind::ClassDef {
                name,
                bases,
                keywords,
                body,
                decorators,
            },
            span: join(class, self.prev_end()),
        })
    }
}

fn docstring(body: &[Stmt]) -> Option<String> {
    match body.first().map(|s| &s.kind) {
        Some(StmtKind::Expr(Expr {
            kind: ExprKind::Constant(ast::Constant::Str(s)),
            ..
        })) => Some(s.clone()),
        _ => None,
    }
}

fn augassign_op(op: &str) -> Option<ast::BinOp> {
    use ast::BinOp::*;
    Some(match op {
        "+=" => Add,
        "-=" => Sub,
        "*=" => Mult,
        "@=" => MatMult,
        "/=" => Div,
        "//=" => FloorDiv,
        "%=" => Mod,
        "**=" => Pow,
        "<<=" => LShift,
        ">>=" => RShift,
        "|=" => BitOr,
        "^=" => BitXor,
        "&=" => BitAnd,
        _ => return None,
    })
}

/// Converts an error's character columns to UTF-8 byte columns on its line (`end_too`:
/// the end as well, when the range is on one line).
pub(crate) fn to_byte_cols(mut e: SyntaxError, end_too: bool) -> SyntaxError {
    if let (true, Some(text)) = (e.caret, &e.text) {
        let bytes = |col: u32| -> u32 {
            let n = text.chars().count() as u32;
            text.chars()
                .take(col as usize)
                .map(char::len_utf8)
                .sum::<usize>() as u32
                + col.saturating_sub(n)
        };
        e.col = bytes(e.col);
        if end_too {
            e.end_col = bytes(e.end_col);
        }
    }
    e
}

/// The span from the start of `a` to the end of `b`.
pub(crate) fn join(a: Span, b: Span) -> Span {
    Span {
        line: a.line,
        col: a.col,
        end_line: b.end_line,
        end_col: b.end_col,
    }
}
