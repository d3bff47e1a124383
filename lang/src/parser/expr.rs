//! Expressions: precedence climbing from `star_expressions` down to atoms, calls,
//! subscripts, displays, comprehensions, lambda and parameter lists.

use super::{is_keyword, join, PResult, Parser};
use crate::ast::{
    BinOp, BoolOp, CmpOp, Comprehension, Constant, Expr, ExprKind, Keyword, Param, Params, Span,
    UnaryOp,
};
use crate::lexer::Tok;
use crate::syntax_error::SyntaxError;

/// Deepest bracket nesting parsed. CPython allows 200; socklab stops at 100 so that
/// parsing fits in a 1 MiB stack with room to spare (about 4.5 KB per level in release).
const MAX_BRACKETS: u32 = 100;

/// Deepest recursion through brackets, unary operators, `**` and lambdas together.
const MAX_DEPTH: u32 = 200;

fn mk(kind: ExprKind, span: Span) -> Expr {
    Expr { kind, span }
}

impl Parser {
    /// Can the current token start an expression?
    pub(super) fn starts_expression(&mut self) -> bool {
        self.touch();
        match self.tok() {
            Tok::Name(n) => {
                !is_keyword(n)
                    || matches!(
                        n.as_str(),
                        "None" | "True" | "False" | "not" | "lambda" | "await" | "yield"
                    )
            }
            Tok::Int(_) | Tok::Float(_) | Tok::Imag(_) | Tok::Str(_) => true,
            Tok::Op(o) => matches!(*o, "(" | "[" | "{" | "-" | "+" | "~" | "..." | "*"),
            _ => false,
        }
    }

    /// `a, *b, c` — a tuple when there is a comma.
    pub(super) fn star_expressions(&mut self) -> PResult<Expr> {
        // A tuple starts at its first token, a parenthesis included: `(a), b`.
        let start = self.span();
        let first = self.star_expression()?;
        if !self.at_op(",") {
            return Ok(first);
        }
        let mut elts = vec![first];
        while self.eat_op(",") {
            if !self.starts_expression() {
                break;
            }
            elts.push(self.star_expression()?);
        }
        Ok(mk(ExprKind::Tuple(elts), join(start, self.prev_end())))
    }

    pub(super) fn star_expression(&mut self) -> PResult<Expr> {
        if self.at_op("*") {
            let start = self.advance().span;
            let value = self.bitwise_or()?;
            let span = join(start, self.prev_end());
            return Ok(mk(ExprKind::Starred(Box::new(value)), span));
        }
        self.expression()
    }

    /// An element of a list/set/tuple display: `*x` or a named expression.
    pub(super) fn star_named_expression(&mut self) -> PResult<Expr> {
        if self.at_op("*") {
            let start = self.advance().span;
            let value = self.bitwise_or()?;
            let span = join(start, self.prev_end());
            return Ok(mk(ExprKind::Starred(Box::new(value)), span));
        }
        self.named_expression()
    }

    /// `*x` or `x` at bitwise-or level (targets of `del`).
    pub(super) fn bitwise_or_or_star(&mut self) -> PResult<Expr> {
        if self.at_op("*") {
            let start = self.advance().span;
            let value = self.bitwise_or()?;
            let span = join(start, self.prev_end());
            return Ok(mk(ExprKind::Starred(Box::new(value)), span));
        }
        self.bitwise_or()
    }

    /// `x := value` or an expression.
    pub(super) fn named_expression(&mut self) -> PResult<Expr> {
        if self.at_name() && matches!(self.nth(1), Tok::Op(":=")) {
            let (target, start) = self.name()?;
            self.advance();
            let value = self.expression()?;
            let span = join(start, self.prev_end());
            return Ok(mk(
                ExprKind::NamedExpr {
                    target,
                    value: Box::new(value),
                },
                span,
            ));
        }
        let e = self.expression()?;
        if self.at_op(":=") {
            let span = e.span;
            let what = super::targets::expr_name(&e);
            return Err(self.error_at(
                span,
                &format!("cannot use assignment expressions with {what}"),
            ));
        }
        if self.at_op("=") && !matches!(self.nth(1), Tok::Op("=")) {
            return Err(self.maybe_meant_eq(&e));
        }
        Ok(e)
    }

    /// `if x = 1:`: CPython's `invalid_named_expression`.
    #[inline(never)]
    fn maybe_meant_eq(&mut self, e: &Expr) -> crate::syntax_error::SyntaxError {
        let save = (self.pos, self.furthest);
        self.advance();
        let rhs = self.bitwise_or();
        let followed = self.at_op("=") || self.at_op(":=");
        (self.pos, self.furthest) = save;
        match rhs {
            Ok(rhs) if !followed => {
                if let ExprKind::Name(_) = e.kind {
                    return self.error_range(
                        e.span,
                        rhs.span,
                        "invalid syntax. Maybe you meant '==' or ':=' instead of '='?",
                    );
                }
                if !matches!(
                    e.kind,
                    ExprKind::List(_)
                        | ExprKind::Tuple(_)
                        | ExprKind::GeneratorExp { .. }
                        | ExprKind::Constant(Constant::Bool(_) | Constant::None)
                ) {
                    let what = super::targets::expr_name(e);
                    return self.error_at(
                        e.span,
                        &format!(
                            "cannot assign to {what} here. Maybe you meant '==' instead of '='?"
                        ),
                    );
                }
                self.invalid_syntax()
            }
            _ => self.invalid_syntax(),
        }
    }

    pub(super) fn expression(&mut self) -> PResult<Expr> {
        if self.at_kw("lambda") {
            return self.lambda();
        }
        let start_pos = self.pos;
        let start = self.span();
        let body = self.disjunction()?;
        if self.at_kw("if") {
            self.advance();
            let test = self.disjunction()?;
            if !self.eat_kw("else") {
                if self.at_op(":") {
                    // `x if y:` is a statement gone wrong, not a conditional.
                    return Err(self.invalid_syntax());
                }
                let span = join(body.span, test.span);
                return Err(self.error_at(span, "expected 'else' after 'if' expression"));
            }
            let orelse = self.expression()?;
            let span = join(start, self.prev_end());
            return Ok(mk(
                ExprKind::IfExp {
                    test: Box::new(test),
                    body: Box::new(body),
                    orelse: Box::new(orelse),
                },
                span,
            ));
        }
        self.check_missing_comma(start_pos, &body)?;
        Ok(body)
    }

    /// CPython's `invalid_expression`: inside brackets, two expressions in a row are
    /// probably a missing comma.
    #[inline(never)]
    fn check_missing_comma(&mut self, start_pos: usize, a: &Expr) -> PResult<()> {
        if !self.starts_expression() || self.at_op("*") || self.at_op("-") || self.at_op("+") {
            return Ok(());
        }
        if self.at_kw("yield") || self.at_kw("await") {
            return Ok(());
        }
        // `!(NAME STRING | SOFT_KEYWORD)` at the start of the first expression. CPython
        // matches soft keywords by prefix, so `c`, `ma` and the like count as well.
        let excluded = match &self.toks[start_pos].tok {
            Tok::Name(n) => {
                matches!(self.toks[start_pos + 1].tok, Tok::Str(_))
                    || "match".starts_with(n.as_str())
                    || "case".starts_with(n.as_str())
                    || n == "_"
            }
            _ => false,
        };
        if !excluded {
            let save = (self.pos, self.furthest);
            let b = self.expression_plain();
            let level = self.levels[self.pos.saturating_sub(1)];
            (self.pos, self.furthest) = save;
            if let (Ok(b), true) = (b, level > 0) {
                return Err(self.error_range(
                    a.span,
                    b.span,
                    "invalid syntax. Perhaps you forgot a comma?",
                ));
            }
        }
        self.check_legacy_expression(start_pos, a)
    }

    /// CPython's `invalid_legacy_expression`: a name followed by an expression is tried
    /// as `print x`; parsing that expression can itself raise a specific error.
    fn check_legacy_expression(&mut self, start_pos: usize, a: &Expr) -> PResult<()> {
        let ExprKind::Name(name) = &a.kind else {
            return Ok(());
        };
        if start_pos + 1 != self.pos {
            return Ok(());
        }
        let name = name.clone();
        let b = self.speculate(Parser::star_expressions)?;
        if let (Some(b), "print" | "exec") = (b, name.as_str()) {
            return Err(self.error_range(
                a.span,
                b.span,
                &format!("Missing parentheses in call to '{name}'. Did you mean {name}(...)?"),
            ));
        }
        Ok(())
    }

    /// Runs a parse as CPython's second pass would try an alternative: a specific error
    /// it raises is returned, a plain failure is not (and the position is restored).
    pub(super) fn speculate(
        &mut self,
        f: fn(&mut Parser) -> PResult<Expr>,
    ) -> PResult<Option<Expr>> {
        let save = (self.pos, self.furthest);
        let r = f(self);
        (self.pos, self.furthest) = save;
        match r {
            Ok(e) => Ok(Some(e)),
            Err(e) if self.is_specific(&e) => Err(e),
            Err(_) => Ok(None),
        }
    }

    /// An expression without the missing-comma check (CPython's `expression_without_invalid`).
    #[inline(never)]
    fn expression_plain(&mut self) -> PResult<Expr> {
        if self.at_kw("lambda") {
            return self.lambda();
        }
        let start = self.span();
        let body = self.disjunction()?;
        if !self.at_kw("if") {
            return Ok(body);
        }
        // An incomplete conditional falls back to its first operand, as PEG does.
        let save = self.pos;
        self.advance();
        let rest = (|| -> PResult<(Expr, Expr)> {
            let test = self.disjunction()?;
            if !self.eat_kw("else") {
                return Err(self.invalid_syntax());
            }
            Ok((test, self.expression_plain()?))
        })();
        let Ok((test, orelse)) = rest else {
            self.pos = save;
            return Ok(body);
        };
        let span = join(start, self.prev_end());
        Ok(mk(
            ExprKind::IfExp {
                test: Box::new(test),
                body: Box::new(body),
                orelse: Box::new(orelse),
            },
            span,
        ))
    }

    pub(super) fn yield_expr(&mut self) -> PResult<Expr> {
        let start = self.advance().span;
        if self.eat_kw("from") {
            let value = self.expression()?;
            let span = join(start, self.prev_end());
            return Ok(mk(ExprKind::YieldFrom(Box::new(value)), span));
        }
        if self.starts_expression() {
            let value = self.star_expressions()?;
            let span = join(start, self.prev_end());
            return Ok(mk(ExprKind::Yield(Some(Box::new(value))), span));
        }
        Ok(mk(ExprKind::Yield(None), start))
    }

    #[inline(never)]
    fn lambda(&mut self) -> PResult<Expr> {
        let start = self.advance().span;
        let params = self.params(":", false)?;
        self.expect_op(":")?;
        self.scopes.push(super::ScopeKind::Function);
        let body = self.nested(Parser::expression);
        self.scopes.pop();
        let body = body?;
        let span = join(start, self.prev_end());
        Ok(mk(
            ExprKind::Lambda {
                params: Box::new(params),
                body: Box::new(body),
            },
            span,
        ))
    }

    fn disjunction(&mut self) -> PResult<Expr> {
        let start = self.span();
        let first = self.conjunction()?;
        if !self.at_kw("or") {
            return Ok(first);
        }
        let mut values = vec![first];
        while self.eat_kw("or") {
            values.push(self.conjunction()?);
        }
        let span = join(start, self.prev_end());
        Ok(mk(
            ExprKind::BoolOp {
                op: BoolOp::Or,
                values,
            },
            span,
        ))
    }

    fn conjunction(&mut self) -> PResult<Expr> {
        let start = self.span();
        let first = self.inversion()?;
        if !self.at_kw("and") {
            return Ok(first);
        }
        let mut values = vec![first];
        while self.eat_kw("and") {
            values.push(self.inversion()?);
        }
        let span = join(start, self.prev_end());
        Ok(mk(
            ExprKind::BoolOp {
                op: BoolOp::And,
                values,
            },
            span,
        ))
    }

    fn inversion(&mut self) -> PResult<Expr> {
        if self.at_kw("not") {
            let start = self.advance().span;
            let operand = self.nested(Parser::inversion)?;
            let span = join(start, self.prev_end());
            return Ok(mk(
                ExprKind::UnaryOp {
                    op: UnaryOp::Not,
                    operand: Box::new(operand),
                },
                span,
            ));
        }
        self.comparison()
    }

    fn compare_op(&mut self) -> Option<CmpOp> {
        self.touch();
        let op = match self.tok() {
            Tok::Op("==") => CmpOp::Eq,
            Tok::Op("!=") => CmpOp::NotEq,
            Tok::Op("<") => CmpOp::Lt,
            Tok::Op("<=") => CmpOp::LtE,
            Tok::Op(">") => CmpOp::Gt,
            Tok::Op(">=") => CmpOp::GtE,
            Tok::Name(n) if n == "in" => CmpOp::In,
            Tok::Name(n) if n == "is" => {
                if matches!(self.nth(1), Tok::Name(m) if m == "not") {
                    self.advance();
                    CmpOp::IsNot
                } else {
                    CmpOp::Is
                }
            }
            Tok::Name(n) if n == "not" => {
                if matches!(self.nth(1), Tok::Name(m) if m == "in") {
                    self.advance();
                    CmpOp::NotIn
                } else {
                    return None;
                }
            }
            _ => return None,
        };
        self.advance();
        Some(op)
    }

    fn comparison(&mut self) -> PResult<Expr> {
        let start = self.span();
        let left = self.bitwise_or()?;
        let mut ops = Vec::new();
        let mut comparators = Vec::new();
        while let Some(op) = self.compare_op() {
            ops.push(op);
            comparators.push(self.bitwise_or()?);
        }
        if ops.is_empty() {
            return Ok(left);
        }
        let span = join(start, self.prev_end());
        Ok(mk(
            ExprKind::Compare {
                left: Box::new(left),
                ops,
                comparators,
            },
            span,
        ))
    }

    /// The binary operator at the current token and its precedence level
    /// (`|` lowest, `* / // % @` highest; `**` is handled by [`Self::power`]).
    fn binop_here(&mut self) -> Option<(BinOp, u8)> {
        self.touch();
        let Tok::Op(o) = self.tok() else {
            return None;
        };
        Some(match *o {
            "|" => (BinOp::BitOr, 0),
            "^" => (BinOp::BitXor, 1),
            "&" => (BinOp::BitAnd, 2),
            "<<" => (BinOp::LShift, 3),
            ">>" => (BinOp::RShift, 3),
            "+" => (BinOp::Add, 4),
            "-" => (BinOp::Sub, 4),
            "*" => (BinOp::Mult, 5),
            "/" => (BinOp::Div, 5),
            "//" => (BinOp::FloorDiv, 5),
            "%" => (BinOp::Mod, 5),
            "@" => (BinOp::MatMult, 5),
            _ => return None,
        })
    }

    /// CPython's `bitwise_or` down to `term`, by precedence climbing: one frame per
    /// operator level in use rather than one per grammar rule, which keeps deeply
    /// parenthesized expressions within a small (wasm) stack.
    pub(super) fn bitwise_or(&mut self) -> PResult<Expr> {
        self.binop_expr(0)
    }

    fn binop_expr(&mut self, min_level: u8) -> PResult<Expr> {
        let start = self.span();
        let mut left = self.factor()?;
        while let Some((op, level)) = self.binop_here() {
            if level < min_level {
                break;
            }
            self.advance();
            // Left-associative: the right operand binds only tighter operators.
            let right = self.binop_expr(level + 1)?;
            let span = join(start, self.prev_end());
            left = mk(
                ExprKind::BinOp {
                    left: Box::new(left),
                    op,
                    right: Box::new(right),
                },
                span,
            );
        }
        Ok(left)
    }

    fn factor(&mut self) -> PResult<Expr> {
        self.touch();
        let op = match self.tok() {
            Tok::Op("-") => Some(UnaryOp::Neg),
            Tok::Op("+") => Some(UnaryOp::Pos),
            Tok::Op("~") => Some(UnaryOp::Invert),
            _ => None,
        };
        if let Some(op) = op {
            let start = self.advance().span;
            let operand = self.nested(Parser::factor)?;
            let span = join(start, self.prev_end());
            return Ok(mk(
                ExprKind::UnaryOp {
                    op,
                    operand: Box::new(operand),
                },
                span,
            ));
        }
        self.power()
    }

    fn power(&mut self) -> PResult<Expr> {
        let start = self.span();
        let base = self.primary()?;
        if self.eat_op("**") {
            let exp = self.nested(Parser::factor)?;
            let span = join(start, self.prev_end());
            return Ok(mk(
                ExprKind::BinOp {
                    left: Box::new(base),
                    op: BinOp::Pow,
                    right: Box::new(exp),
                },
                span,
            ));
        }
        Ok(base)
    }

    /// An atom followed by `.name`, `(args)` and `[index]` trailers.
    fn primary(&mut self) -> PResult<Expr> {
        if self.at_kw("await") {
            // socklab runs no coroutines, but the error must be CPython's, and come after
            // any syntax error: parse the operand and report it at the end.
            let start = self.advance().span;
            let operand = self.primary()?;
            if self.await_error.is_none() {
                let msg = if self.scopes.last() == Some(&super::ScopeKind::Function) {
                    "'await' outside async function"
                } else {
                    "'await' outside function"
                };
                self.await_error = Some((join(start, self.prev_end()), msg));
            }
            return Ok(operand);
        }
        // Trailers start where the atom's first token does (a parenthesized atom's
        // own span leaves the parentheses out, but `(a).b` starts at the `(`).
        let start = self.span();
        let mut e = self.atom()?;
        loop {
            if self.eat_op(".") {
                let (attr, _) = self.name()?;
                let span = join(start, self.prev_end());
                e = mk(
                    ExprKind::Attribute {
                        value: Box::new(e),
                        attr,
                    },
                    span,
                );
            } else if self.eat_op("(") {
                let (args, keywords) = self.call_args()?;
                self.expect_op(")")?;
                let span = join(start, self.prev_end());
                e = mk(
                    ExprKind::Call {
                        func: Box::new(e),
                        args,
                        keywords,
                    },
                    span,
                );
            } else if self.eat_op("[") {
                let index = self.slices()?;
                self.expect_op("]")?;
                let span = join(start, self.prev_end());
                e = mk(
                    ExprKind::Subscript {
                        value: Box::new(e),
                        index: Box::new(index),
                    },
                    span,
                );
            } else {
                return Ok(e);
            }
        }
    }

    #[inline(never)]
    fn slices(&mut self) -> PResult<Expr> {
        let start = self.span();
        let first = self.slice()?;
        if !self.at_op(",") {
            if let ExprKind::Starred(_) = first.kind {
                // `a[*b]` indexes with a tuple.
                let span = first.span;
                return Ok(mk(ExprKind::Tuple(vec![first]), span));
            }
            return Ok(first);
        }
        let mut elts = vec![first];
        while self.eat_op(",") {
            if self.at_op("]") {
                break;
            }
            elts.push(self.slice()?);
        }
        Ok(mk(ExprKind::Tuple(elts), join(start, self.prev_end())))
    }

    fn slice(&mut self) -> PResult<Expr> {
        let start = self.span();
        let lower = if self.at_op(":") {
            None
        } else {
            let e = self.star_named_expression()?;
            if !self.at_op(":") {
                return Ok(e);
            }
            Some(Box::new(e))
        };
        self.expect_op(":")?;
        let upper = if self.at_op(":") || self.at_op("]") || self.at_op(",") {
            None
        } else {
            Some(Box::new(self.expression()?))
        };
        let step = if self.eat_op(":") {
            if self.at_op("]") || self.at_op(",") {
                None
            } else {
                Some(Box::new(self.expression()?))
            }
        } else {
            None
        };
        Ok(mk(
            ExprKind::Slice { lower, upper, step },
            join(start, self.prev_end()),
        ))
    }

    /// Call arguments up to (not including) the `)`.
    #[inline(never)]
    pub(super) fn call_args(&mut self) -> PResult<(Vec<Expr>, Vec<Keyword>)> {
        let mut args = Vec::new();
        let mut keywords: Vec<Keyword> = Vec::new();
        let mut seen_kwunpack = false;
        while !self.at_op(")") {
            let start = self.span();
            let start_pos = self.pos;
            if self.at_op("*") {
                self.advance();
                let value = self.expression()?;
                if seen_kwunpack {
                    return Err(self.error_at(
                        start,
                        "iterable argument unpacking follows keyword argument unpacking",
                    ));
                }
                let span = join(start, self.prev_end());
                args.push(mk(ExprKind::Starred(Box::new(value)), span));
            } else if self.at_op("**") {
                self.advance();
                let value = self.expression()?;
                seen_kwunpack = true;
                keywords.push(Keyword {
                    name: None,
                    span: join(start, self.prev_end()),
                    value,
                });
            } else if self.at_name() && matches!(self.nth(1), Tok::Op("=")) {
                let (name, _) = self.name()?;
                self.advance();
                let value = self.expression()?;
                keywords.push(Keyword {
                    name: Some(name),
                    span: join(start, self.prev_end()),
                    value,
                });
            } else {
                let e = self.named_expression_arg()?;
                if self.at_kw("for") || self.at_kw("async") {
                    let generators = self.comprehension_clauses()?;
                    // CPython's span for `f(x for x in y)` includes the call's parentheses.
                    let open = self.toks[start_pos - 1].span;
                    let close = if self.at_op(")") {
                        self.span()
                    } else {
                        self.prev_end()
                    };
                    let span = join(open, close);
                    let g = mk(
                        ExprKind::GeneratorExp {
                            elt: Box::new(e),
                            generators,
                        },
                        span,
                    );
                    if !(args.is_empty() && keywords.is_empty()) || self.at_op(",") {
                        let ExprKind::GeneratorExp { elt, generators } = &g.kind else {
                            unreachable!()
                        };
                        let last = generators.last().expect("one clause");
                        let end = last.ifs.last().unwrap_or(&last.iter).span;
                        return Err(self.error_range(
                            elt.span,
                            end,
                            "Generator expression must be parenthesized",
                        ));
                    }
                    args.push(g);
                } else {
                    if !keywords.is_empty() {
                        let msg = if seen_kwunpack {
                            "positional argument follows keyword argument unpacking"
                        } else {
                            "positional argument follows keyword argument"
                        };
                        // CPython reports it where its second try stopped: at the `)`.
                        let close = self.closing_bracket();
                        return Err(self.error_at(close, msg));
                    }
                    args.push(e);
                }
            }
            if !self.eat_op(",") {
                break;
            }
        }
        Ok((args, keywords))
    }

    /// The span of the bracket that closes the innermost open one at the current
    /// position (or of the end of the line if there is none).
    fn closing_bracket(&mut self) -> Span {
        let level = self.levels[self.pos.saturating_sub(1)];
        let mut i = self.pos;
        while i < self.toks.len() - 1 {
            if matches!(self.toks[i].tok, Tok::Op(")" | "]" | "}")) && self.levels[i] < level {
                break;
            }
            if matches!(self.toks[i].tok, Tok::Newline | Tok::Error) {
                break;
            }
            i += 1;
        }
        self.furthest = self.furthest.max(i);
        self.toks[i].span
    }

    /// A positional argument; `f(a.b=1)` gets CPython's hint.
    fn named_expression_arg(&mut self) -> PResult<Expr> {
        if self.at_name() && matches!(self.nth(1), Tok::Op(":=")) {
            return self.named_expression();
        }
        let e = self.expression()?;
        if self.at_op("=") {
            let span = join(e.span, self.span());
            if let ExprKind::Constant(Constant::None | Constant::Bool(_)) = e.kind {
                let what = super::targets::expr_name(&e);
                return Err(self.error_at(span, &format!("cannot assign to {what}")));
            }
            return Err(self.error_at(
                span,
                "expression cannot contain assignment, perhaps you meant \"==\"?",
            ));
        }
        Ok(e)
    }

    #[inline(never)]
    fn comprehension_clauses(&mut self) -> PResult<Vec<Comprehension>> {
        let mut gens = Vec::new();
        while self.at_kw("for") || self.at_kw("async") {
            if self.at_kw("async") {
                return Err(self.invalid_syntax());
            }
            self.advance();
            let target = self.for_target()?;
            self.advance();
            let iter = self.disjunction()?;
            let mut ifs = Vec::new();
            while self.eat_kw("if") {
                ifs.push(self.disjunction()?);
            }
            gens.push(Comprehension { target, iter, ifs });
        }
        Ok(gens)
    }

    /// The targets of `for ... in`: a comma list of `*x`/bitwise-or expressions.
    pub(super) fn target_list(&mut self) -> PResult<Expr> {
        let start = self.span();
        let first = self.bitwise_or_or_star()?;
        if !self.at_op(",") {
            return Ok(first);
        }
        let mut elts = vec![first];
        while self.eat_op(",") {
            if self.at_kw("in") || self.at_op("=") {
                break;
            }
            elts.push(self.bitwise_or_or_star()?);
        }
        Ok(mk(ExprKind::Tuple(elts), join(start, self.prev_end())))
    }

    /// A `for` target up to (not including) its `in`. When that fails, CPython's
    /// `invalid_for_target` reads the target as an expression: that can give a specific
    /// error ("Perhaps you forgot a comma?", "cannot assign to function call").
    pub(super) fn for_target(&mut self) -> PResult<Expr> {
        let start_pos = self.pos;
        let parsed = self.target_list();
        let err = match parsed {
            Ok(t) if self.at_kw("in") => {
                self.check_for_target(&t)?;
                return Ok(t);
            }
            Ok(_) => self.invalid_syntax(),
            Err(e) if self.is_specific(&e) => return Err(e),
            Err(e) => e,
        };
        let here = self.pos;
        self.pos = start_pos;
        let spec = self.speculate(Parser::star_expressions);
        self.pos = here;
        if let Some(t) = spec? {
            self.check_for_target(&t)?;
        }
        Err(err)
    }

    /// The target of `with ... as`.
    pub(super) fn star_target(&mut self) -> PResult<Expr> {
        self.bitwise_or_or_star()
    }

    /// Parses a bracketed display, refusing nesting deeper than [`MAX_BRACKETS`]: each
    /// level costs a few KB of stack, and the page's wasm stack is small.
    fn bracket(&mut self, f: fn(&mut Parser) -> PResult<Expr>) -> PResult<Expr> {
        if self.brackets >= MAX_BRACKETS {
            let span = self.span();
            return Err(self.error_at(span, "too many nested parentheses"));
        }
        self.brackets += 1;
        let r = self.nested(f);
        self.brackets -= 1;
        r
    }

    /// A recursive step that opens no bracket (`- - x`, `not not x`, `lambda: lambda: x`).
    fn nested(&mut self, f: fn(&mut Parser) -> PResult<Expr>) -> PResult<Expr> {
        if self.depth >= MAX_DEPTH {
            let span = self.span();
            return Err(self.error_at(
                span,
                "Parser stack overflowed - Python source too complex to parse",
            ));
        }
        self.depth += 1;
        let r = f(self);
        self.depth -= 1;
        r
    }

    fn atom(&mut self) -> PResult<Expr> {
        self.touch();
        let span = self.span();
        let tok = self.tok().clone();
        match tok {
            Tok::Name(n) => {
                let kind = match n.as_str() {
                    "None" => ExprKind::Constant(Constant::None),
                    "True" => ExprKind::Constant(Constant::Bool(true)),
                    "False" => ExprKind::Constant(Constant::Bool(false)),
                    _ if is_keyword(&n) => return Err(self.invalid_syntax()),
                    _ => ExprKind::Name(n),
                };
                self.advance();
                Ok(mk(kind, span))
            }
            Tok::Int(v) => {
                self.advance();
                Ok(mk(ExprKind::Constant(Constant::Int(v)), span))
            }
            Tok::Float(v) => {
                self.advance();
                Ok(mk(ExprKind::Constant(Constant::Float(v)), span))
            }
            Tok::Imag(_) => {
                let e = self.error_at(span, "imaginary numbers are not supported by socklab");
                Err(e)
            }
            Tok::Str(_) => self.strings(),
            Tok::Op("...") => {
                self.advance();
                Ok(mk(ExprKind::Constant(Constant::Ellipsis), span))
            }
            Tok::Op("(") => self.bracket(Parser::paren),
            Tok::Op("[") => self.bracket(Parser::list_display),
            Tok::Op("{") => self.bracket(Parser::brace_display),
            _ => Err(self.invalid_syntax()),
        }
    }

    #[inline(never)]
    fn paren(&mut self) -> PResult<Expr> {
        let start = self.advance().span;
        if self.eat_op(")") {
            return Ok(mk(
                ExprKind::Tuple(Vec::new()),
                join(start, self.prev_end()),
            ));
        }
        if self.at_kw("yield") {
            let e = self.yield_expr()?;
            self.expect_op(")")?;
            return Ok(e);
        }
        let first = self.star_named_expression()?;
        if self.at_kw("for") || self.at_kw("async") {
            self.check_comprehension_elt(&first)?;
            let generators = self.comprehension_clauses()?;
            self.expect_op(")")?;
            return Ok(mk(
                ExprKind::GeneratorExp {
                    elt: Box::new(first),
                    generators,
                },
                join(start, self.prev_end()),
            ));
        }
        if self.eat_op(")") {
            if let ExprKind::Starred(_) = first.kind {
                return Err(self.error_at(first.span, "cannot use starred expression here"));
            }
            return Ok(first);
        }
        if !self.at_op(",") {
            return Err(self.invalid_syntax());
        }
        let mut elts = vec![first];
        while self.eat_op(",") {
            if self.at_op(")") {
                break;
            }
            elts.push(self.star_named_expression()?);
        }
        self.expect_op(")")?;
        Ok(mk(ExprKind::Tuple(elts), join(start, self.prev_end())))
    }

    #[inline(never)]
    fn list_display(&mut self) -> PResult<Expr> {
        let start = self.advance().span;
        if self.eat_op("]") {
            return Ok(mk(ExprKind::List(Vec::new()), join(start, self.prev_end())));
        }
        let first = self.star_named_expression()?;
        if self.at_kw("for") || self.at_kw("async") {
            self.check_comprehension_elt(&first)?;
            let generators = self.comprehension_clauses()?;
            self.expect_op("]")?;
            return Ok(mk(
                ExprKind::ListComp {
                    elt: Box::new(first),
                    generators,
                },
                join(start, self.prev_end()),
            ));
        }
        let mut elts = vec![first];
        while self.eat_op(",") {
            if self.at_op("]") {
                break;
            }
            elts.push(self.star_named_expression()?);
        }
        self.expect_op("]")?;
        Ok(mk(ExprKind::List(elts), join(start, self.prev_end())))
    }

    #[inline(never)]
    fn brace_display(&mut self) -> PResult<Expr> {
        let start = self.advance().span;
        if self.eat_op("}") {
            return Ok(mk(ExprKind::Dict(Vec::new()), join(start, self.prev_end())));
        }
        // A dict starts with `**x` or `key:`; anything else is a set.
        let first_start = self.span();
        let first_key = if self.eat_op("**") {
            None
        } else {
            let e = self.star_named_expression()?;
            if !self.at_op(":") {
                return self.set_rest(start, e);
            }
            Some(e)
        };
        let first_value = if first_key.is_some() {
            self.advance();
            self.dict_value()?
        } else {
            let v = self.bitwise_or()?;
            if self.at_kw("for") || self.at_kw("async") {
                let span = first_start;
                return Err(
                    self.error_at(span, "dict unpacking cannot be used in dict comprehension")
                );
            }
            v
        };
        if self.at_kw("for") || self.at_kw("async") {
            if let Some(key) = first_key {
                let generators = self.comprehension_clauses()?;
                self.expect_op("}")?;
                return Ok(mk(
                    ExprKind::DictComp {
                        key: Box::new(key),
                        value: Box::new(first_value),
                        generators,
                    },
                    join(start, self.prev_end()),
                ));
            }
        }
        let mut items = vec![(first_key, first_value)];
        while self.eat_op(",") {
            if self.at_op("}") {
                break;
            }
            if self.eat_op("**") {
                items.push((None, self.bitwise_or()?));
            } else {
                let k = self.expression()?;
                if !self.at_op(":") {
                    if self.at_op("}") || self.at_op(",") {
                        // CPython points at the key's last character.
                        let col = k.span.end_col.saturating_sub(1);
                        let span = Span {
                            line: k.span.end_line,
                            col,
                            end_line: k.span.end_line,
                            end_col: col,
                        };
                        return Err(self.error_at(span, "':' expected after dictionary key"));
                    }
                    return Err(self.invalid_syntax());
                }
                self.advance();
                let v = self.dict_value()?;
                items.push((Some(k), v));
            }
        }
        self.expect_op("}")?;
        Ok(mk(ExprKind::Dict(items), join(start, self.prev_end())))
    }

    /// A value after `key:`; `{k: *v}` gets CPython's message.
    fn dict_value(&mut self) -> PResult<Expr> {
        if self.at_op("*") {
            let start = self.advance().span;
            self.bitwise_or()?;
            let span = join(start, self.prev_end());
            return Err(self.error_at(
                span,
                "cannot use a starred expression in a dictionary value",
            ));
        }
        self.expression()
    }

    fn check_comprehension_elt(&mut self, elt: &Expr) -> PResult<()> {
        if let ExprKind::Starred(_) = elt.kind {
            return Err(self.error_at(
                elt.span,
                "iterable unpacking cannot be used in comprehension",
            ));
        }
        Ok(())
    }

    #[inline(never)]
    fn set_rest(&mut self, start: Span, first: Expr) -> PResult<Expr> {
        if self.at_kw("for") || self.at_kw("async") {
            self.check_comprehension_elt(&first)?;
            let generators = self.comprehension_clauses()?;
            self.expect_op("}")?;
            return Ok(mk(
                ExprKind::SetComp {
                    elt: Box::new(first),
                    generators,
                },
                join(start, self.prev_end()),
            ));
        }
        let mut elts = vec![first];
        while self.eat_op(",") {
            if self.at_op("}") {
                break;
            }
            elts.push(self.star_named_expression()?);
        }
        self.expect_op("}")?;
        Ok(mk(ExprKind::Set(elts), join(start, self.prev_end())))
    }

    /// A parameter list up to `close` (`)` for def, `:` for lambda).
    pub(super) fn params(&mut self, close: &str, annotations: bool) -> PResult<Params> {
        let lambda = close == ":";
        let mut params = Params::default();
        let mut seen_default = false;
        let mut star = false;
        while !self.at_op(close) {
            let start = self.span();
            if self.at_op("(") {
                return Err(self.parenthesized_params(lambda));
            }
            if self.eat_op("/") {
                if params.posonly.is_empty() && params.args.is_empty() && !star {
                    if !self.at_op(",") {
                        return Err(self.error_at(start, "invalid syntax"));
                    }
                    return Err(self.error_at(start, "at least one argument must precede /"));
                }
                if star || !params.posonly.is_empty() {
                    let msg = if star {
                        "/ must be ahead of *"
                    } else {
                        "/ may appear only once"
                    };
                    return Err(self.error_at(start, msg));
                }
                params.posonly = std::mem::take(&mut params.args);
            } else if self.eat_op("**") {
                let p = self.param(annotations)?;
                if self.at_op("=") {
                    let span = self.span();
                    return Err(
                        self.error_at(span, "var-keyword argument cannot have default value")
                    );
                }
                params.kwarg = Some(p);
                self.eat_op(",");
                if !self.at_op(close) {
                    let span = self.span();
                    return Err(self.error_at(span, "arguments cannot follow var-keyword argument"));
                }
                break;
            } else if self.eat_op("*") {
                if star {
                    return Err(self.error_at(start, "* argument may appear only once"));
                }
                star = true;
                let bare = if self.at_op(",") {
                    matches!(self.nth(1), Tok::Op(o) if *o == close || *o == "**")
                } else {
                    self.at_op(close)
                };
                if bare {
                    // A lambda's error is where CPython's rule stopped reading.
                    let span = if lambda {
                        if self.at_op(",") {
                            self.toks[self.pos + 1].span
                        } else {
                            self.span()
                        }
                    } else {
                        start
                    };
                    return Err(self.error_at(span, "named arguments must follow bare *"));
                }
                if !self.at_op(",") {
                    let p = self.param(annotations)?;
                    if self.at_op("=") {
                        let span = self.span();
                        return Err(self
                            .error_at(span, "var-positional argument cannot have default value"));
                    }
                    params.vararg = Some(p);
                }
            } else {
                let mut p = self.param(annotations)?;
                if self.at_op("=") {
                    let eq = self.advance().span;
                    if !lambda && (self.at_op(")") || self.at_op(",")) {
                        return Err(self.error_at(eq, "expected default value expression"));
                    }
                    p.default = Some(self.expression()?);
                    if !star {
                        seen_default = true;
                    }
                } else if seen_default && !star {
                    return Err(
                        self.error_at(p.span, "non-default argument follows default argument")
                    );
                }
                if star {
                    params.kwonly.push(p);
                } else {
                    params.args.push(p);
                }
            }
            if !self.eat_op(",") {
                break;
            }
        }
        Ok(params)
    }

    /// `def f((a, b))`, a Python 2 habit: CPython names it when the parentheses hold
    /// plain names, else it is "invalid syntax".
    fn parenthesized_params(&mut self, lambda: bool) -> SyntaxError {
        let open = self.span();
        let mut i = self.pos + 1;
        let mut names = 0;
        loop {
            match &self.toks[i].tok {
                Tok::Name(n) if !is_keyword(n) => {
                    names += 1;
                    i += 1;
                    match &self.toks[i].tok {
                        Tok::Op(",") => i += 1,
                        Tok::Op(")") => break,
                        _ => return self.invalid_syntax(),
                    }
                }
                Tok::Op(")") if names > 0 => break,
                _ => return self.invalid_syntax(),
            }
        }
        let what = if lambda {
            "Lambda expression parameters cannot be parenthesized"
        } else {
            "Function parameters cannot be parenthesized"
        };
        self.furthest = self.furthest.max(i);
        let close = self.toks[i].span;
        self.error_range(open, close, what)
    }

    /// A parameter's name and annotation (its span, as CPython's, leaves out `*`, `**`
    /// and the default).
    fn param(&mut self, annotations: bool) -> PResult<Param> {
        let (name, start) = self.name()?;
        let annotation = if annotations && self.eat_op(":") {
            Some(self.expression()?)
        } else {
            None
        };
        Ok(Param {
            name,
            default: None,
            annotation,
            span: join(start, self.prev_end()),
        })
    }
}
