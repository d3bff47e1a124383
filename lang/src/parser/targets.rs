//! Assignment, augmented-assignment, annotation, `for` and `del` targets: which
//! expressions may be assigned to, and CPython's message when one may not.

use super::{PResult, Parser};
use crate::ast::{Constant, Expr, ExprKind};
use crate::lexer::Tok;

/// How CPython names an expression in "cannot assign to ..." (`_PyPegen_get_expr_name`).
pub(crate) fn expr_name(e: &Expr) -> &'static str {
    match &e.kind {
        ExprKind::Attribute { .. } => "attribute",
        ExprKind::Subscript { .. } => "subscript",
        ExprKind::Starred(_) => "starred",
        ExprKind::Name(_) => "name",
        ExprKind::List(_) => "list",
        ExprKind::Tuple(_) => "tuple",
        ExprKind::Lambda { .. } => "lambda",
        ExprKind::Call { .. } => "function call",
        ExprKind::BoolOp { .. } | ExprKind::BinOp { .. } | ExprKind::UnaryOp { .. } => "expression",
        ExprKind::GeneratorExp { .. } => "generator expression",
        ExprKind::Yield(_) | ExprKind::YieldFrom(_) => "yield expression",
        ExprKind::ListComp { .. } => "list comprehension",
        ExprKind::SetComp { .. } => "set comprehension",
        ExprKind::DictComp { .. } => "dict comprehension",
        ExprKind::Dict(_) => "dict literal",
        ExprKind::Set(_) => "set display",
        ExprKind::FString(_) => "f-string expression",
        ExprKind::Constant(Constant::None) => "None",
        ExprKind::Constant(Constant::Bool(true)) => "True",
        ExprKind::Constant(Constant::Bool(false)) => "False",
        ExprKind::Constant(Constant::Ellipsis) => "ellipsis",
        ExprKind::Constant(_) => "literal",
        ExprKind::Compare { .. } => "comparison",
        ExprKind::IfExp { .. } => "conditional expression",
        ExprKind::NamedExpr { .. } => "named expression",
        ExprKind::Slice { .. } => "slice",
    }
}

/// Whether an expression starts with a list, tuple, generator, `True`, `None` or
/// `False` (CPython's lookahead that keeps those out of the "Maybe you meant '=='" hint).
fn starts_with_display(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::List(_)
        | ExprKind::Tuple(_)
        | ExprKind::GeneratorExp { .. }
        | ExprKind::Constant(Constant::Bool(_) | Constant::None) => true,
        ExprKind::Attribute { value, .. }
        | ExprKind::Subscript { value, .. }
        | ExprKind::Call { func: value, .. } => starts_with_display(value),
        ExprKind::BinOp { left, .. } => starts_with_display(left),
        _ => false,
    }
}

/// Whether `e` can be assigned to.
pub(super) fn is_valid_target(e: &Expr) -> bool {
    invalid_target(e, TargetsType::Star).is_none()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum TargetsType {
    Star,
    Del,
    For,
}

/// The first sub-expression that cannot be a target (`_PyPegen_get_invalid_target`).
fn invalid_target(e: &Expr, ty: TargetsType) -> Option<&Expr> {
    match &e.kind {
        ExprKind::List(elts) | ExprKind::Tuple(elts) => {
            elts.iter().find_map(|x| invalid_target(x, ty))
        }
        ExprKind::Starred(value) => {
            if ty == TargetsType::Del {
                Some(e)
            } else {
                invalid_target(value, ty)
            }
        }
        ExprKind::Compare { left, ops, .. } => {
            // `for x in y in z` / `a in b = c`: CPython blames the left side of `in`.
            if ty == TargetsType::For && ops[0] == crate::ast::CmpOp::In {
                return invalid_target(left, ty);
            }
            Some(e)
        }
        ExprKind::Name(_) | ExprKind::Subscript { .. } | ExprKind::Attribute { .. } => None,
        _ => Some(e),
    }
}

impl Parser {
    /// An `=` target (`with ... as` too).
    pub(super) fn check_assign_target(&mut self, t: &Expr) -> PResult<()> {
        if matches!(t.kind, ExprKind::Yield(_) | ExprKind::YieldFrom(_)) {
            return Err(self.error_at(t.span, "assignment to yield expression not possible"));
        }
        match invalid_target(t, TargetsType::Star) {
            None => Ok(()),
            Some(bad) => {
                let what = expr_name(bad);
                Err(self.error_at(bad.span, &format!("cannot assign to {what}")))
            }
        }
    }

    /// The first target of an assignment statement, the parser standing on its `=`.
    /// CPython (`invalid_assignment`, then `invalid_named_expression` on the target's
    /// last item) hints "Maybe you meant '=='" when that item is a name or an
    /// operand-level expression and the value after `=` is one too.
    pub(super) fn check_first_target(&mut self, t: &Expr, start_pos: usize) -> PResult<()> {
        if invalid_target(t, TargetsType::Star).is_none()
            || matches!(t.kind, ExprKind::Yield(_) | ExprKind::YieldFrom(_))
        {
            return self.check_assign_target(t);
        }
        let eq_pos = self.pos;
        // The last top-level item of the target: `a, f()` -> `f()`.
        let base = if start_pos == 0 {
            0
        } else {
            self.levels[start_pos - 1]
        };
        let last_start = (start_pos..eq_pos)
            .rev()
            .find(|&i| matches!(self.toks[i].tok, Tok::Op(",")) && self.levels[i] == base)
            .map_or(start_pos, |i| i + 1);
        if last_start == eq_pos {
            return self.check_assign_target(t);
        }
        let save = (self.pos, self.furthest);
        self.pos = last_start;
        let last = self.bitwise_or().ok().filter(|_| self.pos == eq_pos);
        let mut rhs = None;
        if last.is_some() {
            self.advance();
            rhs = self
                .bitwise_or()
                .ok()
                .filter(|_| !self.at_op("=") && !self.at_op(":="));
        }
        (self.pos, self.furthest) = save;
        if let (Some(last), Some(rhs)) = (last, rhs) {
            // A bare NAME token (not `(a)`) gets alternative 2 of the rule.
            if matches!(last.kind, ExprKind::Name(_)) && last_start + 1 == eq_pos {
                return Err(self.error_range(
                    last.span,
                    rhs.span,
                    "invalid syntax. Maybe you meant '==' or ':=' instead of '='?",
                ));
            }
            if !starts_with_display(&last) {
                let what = expr_name(&last);
                return Err(self.error_at(
                    last.span,
                    &format!("cannot assign to {what} here. Maybe you meant '==' instead of '='?"),
                ));
            }
        }
        self.check_assign_target(t)
    }

    pub(super) fn check_for_target(&mut self, t: &Expr) -> PResult<()> {
        match invalid_target(t, TargetsType::For) {
            None => Ok(()),
            Some(bad) => {
                let what = expr_name(bad);
                Err(self.error_at(bad.span, &format!("cannot assign to {what}")))
            }
        }
    }

    pub(super) fn check_del_target(&mut self, t: &Expr) -> PResult<()> {
        match invalid_target(t, TargetsType::Del) {
            None => Ok(()),
            Some(bad) => {
                let what = expr_name(bad);
                Err(self.error_at(bad.span, &format!("cannot delete {what}")))
            }
        }
    }

    pub(super) fn check_aug_target(&mut self, t: &Expr) -> PResult<()> {
        match t.kind {
            ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => Ok(()),
            _ => {
                let what = expr_name(t);
                Err(self.error_at(
                    t.span,
                    &format!("'{what}' is an illegal expression for augmented assignment"),
                ))
            }
        }
    }

    /// An annotated target, the parser standing on the `:`. CPython names a bad target
    /// only when an annotation follows; otherwise it is "invalid syntax".
    pub(super) fn check_ann_target(&mut self, t: &Expr) -> PResult<()> {
        if !matches!(
            t.kind,
            ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. }
        ) {
            let save = (self.pos, self.furthest);
            self.advance();
            let annotated = self.starts_expression();
            (self.pos, self.furthest) = save;
            if !annotated {
                return Err(self.invalid_syntax());
            }
        }
        match t.kind {
            ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => Ok(()),
            ExprKind::Tuple(_) => {
                Err(self.error_at(t.span, "only single target (not tuple) can be annotated"))
            }
            ExprKind::List(_) => {
                Err(self.error_at(t.span, "only single target (not list) can be annotated"))
            }
            _ => Err(self.error_at(t.span, "illegal target for annotation")),
        }
    }
}
