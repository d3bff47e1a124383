//! The syntax errors CPython finds after parsing, in its symbol-table and compiler
//! passes (`'return' outside function`, `name 'x' is used prior to global declaration`,
//! `'break' outside loop`, ...): a script that has one never starts, so they belong here.
//!
//! As in CPython, all symbol-table errors come before compiler errors, and each pass
//! reports the first error in its own visiting order.

use super::{PResult, Parser};
use crate::ast::{
    Comprehension, Expr, ExprKind, FStringPart, FunctionDef, Keyword, Params, Span, Stmt, StmtKind,
};
use crate::syntax_error::SyntaxError;
use std::collections::HashMap;

const PARAM: u8 = 1;
const LOCAL: u8 = 2;
const USE: u8 = 4;
const ANNOT: u8 = 8;
const GLOBAL: u8 = 16;
const NONLOCAL: u8 = 32;

#[derive(Clone, Copy, PartialEq, Eq)]
enum ScopeKind {
    Module,
    Function,
    Class,
    /// A comprehension's own scope; the string names it in messages.
    Comprehension(&'static str),
}

struct Scope {
    kind: ScopeKind,
    parent: Option<usize>,
    names: HashMap<String, u8>,
    /// `nonlocal` names with their statement, checked once every scope is known.
    nonlocals: Vec<(String, Span)>,
}

/// The symbol-table pass.
struct Symtable<'p> {
    p: &'p Parser,
    scopes: Vec<Scope>,
    cur: usize,
}

/// Runs both passes over a parsed module.
pub(super) fn check_module(
    p: &Parser,
    body: &[Stmt],
    await_error: Option<(Span, &'static str)>,
    warnings: &mut Vec<(u32, String)>,
) -> PResult<()> {
    let future_line = future_imports(p, body)?;
    let mut st = Symtable {
        p,
        scopes: vec![Scope {
            kind: ScopeKind::Module,
            parent: None,
            names: HashMap::new(),
            nonlocals: Vec::new(),
        }],
        cur: 0,
    };
    st.stmts(body)?;
    st.check_nonlocals()?;
    let mut c = Compiler {
        p,
        in_function: false,
        loops: 0,
        warnings,
        future_line,
    };
    let result = c.stmts(body);
    // An `await` (not in the tree) competes with the compiler's errors by position.
    match (result, await_error) {
        (Err(e), Some((span, msg))) if (span.line, span.col) < (e.line, e.col) => {
            Err(compile_error(p, span, msg))
        }
        (Ok(()), Some((span, msg))) => Err(compile_error(p, span, msg)),
        (result, _) => result,
    }
}

/// The features `from __future__ import` accepts (all of them no-ops in Python 3.11
/// except `annotations`, whose effect socklab does not need: annotations are not run).
const FUTURE_FEATURES: [&str; 10] = [
    "nested_scopes",
    "generators",
    "division",
    "absolute_import",
    "with_statement",
    "print_function",
    "unicode_literals",
    "barry_as_FLUFL",
    "generator_stop",
    "annotations",
];

/// CPython's `future_parse`, which runs before the symbol table: checks the future
/// imports at the top of the file (after a docstring) and returns the line of the last.
fn future_imports(p: &Parser, body: &[Stmt]) -> PResult<u32> {
    let mut line = 0;
    let (mut done, mut prev_line) = (false, 0);
    let skip = usize::from(matches!(
        body.first().map(|s| &s.kind),
        Some(StmtKind::Expr(Expr {
            kind: ExprKind::Constant(crate::ast::Constant::Str(_)),
            ..
        }))
    ));
    for s in &body[skip..] {
        if done && s.span.line > prev_line {
            break;
        }
        prev_line = s.span.line;
        match &s.kind {
            StmtKind::ImportFrom { module, names, .. } if module == "__future__" => {
                // Reported at the statement, one caret.
                let at = Span {
                    end_line: s.span.line,
                    end_col: s.span.col,
                    ..s.span
                };
                if done {
                    // Here CPython passes a 0-based column as the 1-based offset.
                    let col = s.span.col.checked_sub(1).unwrap_or(crate::lexer::NO_COL);
                    let late = Span {
                        col,
                        end_col: col,
                        ..at
                    };
                    return Err(compile_error(
                        p,
                        late,
                        "from __future__ imports must occur at the beginning of the file",
                    ));
                }
                for a in names {
                    if a.name == "braces" {
                        return Err(compile_error(p, at, "not a chance"));
                    }
                    if !FUTURE_FEATURES.contains(&a.name.as_str()) {
                        let msg = format!("future feature {} is not defined", a.name);
                        return Err(compile_error(p, at, &msg));
                    }
                }
                line = s.span.line;
            }
            _ => done = true,
        }
    }
    Ok(line)
}

/// Compile-time errors carry byte columns in CPython (no conversion to characters).
fn compile_error(p: &Parser, span: Span, msg: &str) -> SyntaxError {
    let e = p.error_chars(span, msg);
    super::to_byte_cols(e, span.end_line == span.line)
}

impl Symtable<'_> {
    fn err(&self, span: Span, msg: &str) -> SyntaxError {
        compile_error(self.p, span, msg)
    }

    fn flags(&self, name: &str) -> u8 {
        self.scopes[self.cur].names.get(name).copied().unwrap_or(0)
    }

    fn add(&mut self, name: &str, flag: u8) {
        *self.scopes[self.cur]
            .names
            .entry(name.to_string())
            .or_insert(0) |= flag;
    }

    fn push(&mut self, kind: ScopeKind) -> usize {
        let parent = self.cur;
        self.scopes.push(Scope {
            kind,
            parent: Some(parent),
            names: HashMap::new(),
            nonlocals: Vec::new(),
        });
        self.cur = self.scopes.len() - 1;
        parent
    }

    fn stmts(&mut self, body: &[Stmt]) -> PResult<()> {
        body.iter().try_for_each(|s| self.stmt(s))
    }

    fn opt(&mut self, e: &Option<Expr>) -> PResult<()> {
        e.as_ref().map_or(Ok(()), |e| self.expr(e))
    }

    fn exprs(&mut self, es: &[Expr]) -> PResult<()> {
        es.iter().try_for_each(|e| self.expr(e))
    }

    fn keywords(&mut self, ks: &[Keyword]) -> PResult<()> {
        ks.iter().try_for_each(|k| self.expr(&k.value))
    }

    /// Defaults and annotations are evaluated in the enclosing scope.
    fn param_outer(&mut self, params: &Params) -> PResult<()> {
        let all = params
            .posonly
            .iter()
            .chain(&params.args)
            .chain(&params.kwonly);
        for p in all.clone() {
            self.opt(&p.default)?;
        }
        let all = all.chain(&params.vararg).chain(&params.kwarg);
        for p in all {
            self.opt(&p.annotation)?;
        }
        Ok(())
    }

    fn params_inner(&mut self, params: &Params) -> PResult<()> {
        let all = params
            .posonly
            .iter()
            .chain(&params.args)
            .chain(&params.vararg)
            .chain(&params.kwonly)
            .chain(&params.kwarg);
        for p in all {
            if self.flags(&p.name) & PARAM != 0 {
                return Err(self.err(
                    p.span,
                    &format!("duplicate argument '{}' in function definition", p.name),
                ));
            }
            self.add(&p.name, PARAM);
        }
        Ok(())
    }

    fn function(&mut self, f: &FunctionDef) -> PResult<()> {
        self.add(&f.name, LOCAL);
        self.param_outer(&f.params)?;
        if let Some(r) = &f.returns {
            self.expr(r)?;
        }
        self.exprs(&f.decorators)?;
        let parent = self.push(ScopeKind::Function);
        self.params_inner(&f.params)?;
        self.stmts(&f.body)?;
        self.cur = parent;
        Ok(())
    }

    fn declaration(&mut self, s: &Stmt, names: &[String], global: bool) -> PResult<()> {
        let word = if global { "global" } else { "nonlocal" };
        if !global && self.scopes[self.cur].kind == ScopeKind::Module {
            return Err(self.err(s.span, "nonlocal declaration not allowed at module level"));
        }
        for name in names {
            let cur = self.flags(name);
            if cur & (PARAM | LOCAL | USE | ANNOT) != 0 {
                let msg = if cur & PARAM != 0 {
                    format!("name '{name}' is parameter and {word}")
                } else if cur & USE != 0 {
                    format!("name '{name}' is used prior to {word} declaration")
                } else if cur & ANNOT != 0 {
                    format!("annotated name '{name}' can't be {word}")
                } else {
                    format!("name '{name}' is assigned to before {word} declaration")
                };
                return Err(self.err(s.span, &msg));
            }
            self.add(name, if global { GLOBAL } else { NONLOCAL });
            if !global {
                self.scopes[self.cur].nonlocals.push((name.clone(), s.span));
            }
        }
        Ok(())
    }

    fn stmt(&mut self, s: &Stmt) -> PResult<()> {
        match &s.kind {
            StmtKind::Expr(e) => self.expr(e),
            StmtKind::Assign { targets, value } => {
                targets.iter().try_for_each(|t| self.store(t))?;
                self.expr(value)
            }
            StmtKind::AugAssign { target, value, .. } => {
                self.store(target)?;
                self.expr(value)
            }
            StmtKind::AnnAssign {
                target,
                annotation,
                value,
            } => {
                if let ExprKind::Name(n) = &target.kind {
                    let cur = self.flags(n);
                    if cur & (GLOBAL | NONLOCAL) != 0 {
                        let word = if cur & GLOBAL != 0 {
                            "global"
                        } else {
                            "nonlocal"
                        };
                        return Err(
                            self.err(s.span, &format!("annotated name '{n}' can't be {word}"))
                        );
                    }
                    self.add(n, ANNOT | if value.is_some() { LOCAL } else { 0 });
                } else {
                    self.expr(target)?;
                }
                self.expr(annotation)?;
                self.opt(value)
            }
            StmtKind::If { test, body, orelse } | StmtKind::While { test, body, orelse } => {
                self.expr(test)?;
                self.stmts(body)?;
                self.stmts(orelse)
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            } => {
                self.store(target)?;
                self.expr(iter)?;
                self.stmts(body)?;
                self.stmts(orelse)
            }
            StmtKind::Break | StmtKind::Continue | StmtKind::Pass => Ok(()),
            StmtKind::Return(v) => self.opt(v),
            StmtKind::FunctionDef(f) => self.function(f),
            StmtKind::ClassDef {
                name,
                bases,
                keywords,
                body,
                decorators,
            } => {
                self.add(name, LOCAL);
                self.exprs(bases)?;
                self.keywords(keywords)?;
                self.exprs(decorators)?;
                let parent = self.push(ScopeKind::Class);
                self.stmts(body)?;
                self.cur = parent;
                Ok(())
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                self.stmts(body)?;
                self.stmts(orelse)?;
                for h in handlers {
                    self.opt(&h.kind)?;
                    if let Some(n) = &h.name {
                        self.add(n, LOCAL);
                    }
                    self.stmts(&h.body)?;
                }
                self.stmts(finalbody)
            }
            StmtKind::Raise { exc, cause } => {
                self.opt(exc)?;
                self.opt(cause)
            }
            StmtKind::With { items, body } => {
                for item in items {
                    self.expr(&item.context)?;
                    if let Some(t) = &item.target {
                        self.store(t)?;
                    }
                }
                self.stmts(body)
            }
            StmtKind::Import(names) => {
                for a in names {
                    let bound = a
                        .asname
                        .as_deref()
                        .unwrap_or_else(|| a.name.split('.').next().unwrap_or(&a.name));
                    self.add(bound, LOCAL);
                }
                Ok(())
            }
            StmtKind::ImportFrom { names, .. } => {
                for a in names {
                    if a.name == "*" {
                        if self.scopes[self.cur].kind != ScopeKind::Module {
                            return Err(self.err(a.span, "import * only allowed at module level"));
                        }
                        continue;
                    }
                    self.add(a.asname.as_deref().unwrap_or(&a.name), LOCAL);
                }
                Ok(())
            }
            StmtKind::Global(names) => self.declaration(s, names, true),
            StmtKind::Nonlocal(names) => self.declaration(s, names, false),
            StmtKind::Assert { test, msg } => {
                self.expr(test)?;
                self.opt(msg)
            }
            StmtKind::Delete(targets) => targets.iter().try_for_each(|t| self.store(t)),
        }
    }

    /// An assignment (or `del`) target: names are bound, the rest is evaluated.
    fn store(&mut self, e: &Expr) -> PResult<()> {
        match &e.kind {
            ExprKind::Name(n) => {
                self.add(n, LOCAL);
                Ok(())
            }
            ExprKind::Tuple(x) | ExprKind::List(x) => x.iter().try_for_each(|e| self.store(e)),
            ExprKind::Starred(v) => self.store(v),
            _ => self.expr(e),
        }
    }

    /// Names read here are uses.
    fn expr(&mut self, e: &Expr) -> PResult<()> {
        match &e.kind {
            ExprKind::Name(n) => {
                self.add(n, USE);
                Ok(())
            }
            ExprKind::Constant(_) => Ok(()),
            ExprKind::FString(parts) => self.fparts(parts),
            ExprKind::List(x) | ExprKind::Tuple(x) | ExprKind::Set(x) => self.exprs(x),
            ExprKind::Dict(items) => {
                for (k, v) in items {
                    self.opt(k)?;
                    self.expr(v)?;
                }
                Ok(())
            }
            ExprKind::Starred(v) => self.expr(v),
            ExprKind::Attribute { value, .. } => self.expr(value),
            ExprKind::Subscript { value, index } => {
                self.expr(value)?;
                self.expr(index)
            }
            ExprKind::Slice { lower, upper, step } => {
                for x in [lower, upper, step].into_iter().flatten() {
                    self.expr(x)?;
                }
                Ok(())
            }
            ExprKind::Call {
                func,
                args,
                keywords,
            } => {
                self.expr(func)?;
                self.exprs(args)?;
                self.keywords(keywords)
            }
            ExprKind::BinOp { left, right, .. } => {
                self.expr(left)?;
                self.expr(right)
            }
            ExprKind::UnaryOp { operand, .. } => self.expr(operand),
            ExprKind::BoolOp { values, .. } => self.exprs(values),
            ExprKind::Compare {
                left, comparators, ..
            } => {
                self.expr(left)?;
                self.exprs(comparators)
            }
            ExprKind::IfExp { test, body, orelse } => {
                self.expr(test)?;
                self.expr(body)?;
                self.expr(orelse)
            }
            ExprKind::Lambda { params, body } => {
                self.param_outer(params)?;
                let parent = self.push(ScopeKind::Function);
                self.params_inner(params)?;
                self.expr(body)?;
                self.cur = parent;
                Ok(())
            }
            ExprKind::ListComp { elt, generators } => {
                self.comprehension("list comprehension", &[elt], generators)
            }
            ExprKind::SetComp { elt, generators } => {
                self.comprehension("set comprehension", &[elt], generators)
            }
            ExprKind::GeneratorExp { elt, generators } => {
                self.comprehension("generator expression", &[elt], generators)
            }
            ExprKind::DictComp {
                key,
                value,
                generators,
            } => self.comprehension("dict comprehension", &[key, value], generators),
            ExprKind::NamedExpr { target, value } => {
                self.expr(value)?;
                // The target binds in the nearest scope that is not a comprehension.
                let saved = self.cur;
                while let ScopeKind::Comprehension(_) = self.scopes[self.cur].kind {
                    self.cur = self.scopes[self.cur].parent.expect("module encloses all");
                }
                self.add(target, LOCAL);
                self.cur = saved;
                Ok(())
            }
            ExprKind::Yield(v) => {
                if let ScopeKind::Comprehension(what) = self.scopes[self.cur].kind {
                    return Err(self.err(e.span, &format!("'yield' inside {what}")));
                }
                v.as_ref().map_or(Ok(()), |v| self.expr(v))
            }
            ExprKind::YieldFrom(v) => {
                if let ScopeKind::Comprehension(what) = self.scopes[self.cur].kind {
                    return Err(self.err(e.span, &format!("'yield' inside {what}")));
                }
                self.expr(v)
            }
        }
    }

    fn fparts(&mut self, parts: &[FStringPart]) -> PResult<()> {
        for part in parts {
            if let FStringPart::Value { value, spec, .. } = part {
                self.expr(value)?;
                if let Some(spec) = spec {
                    self.fparts(spec)?;
                }
            }
        }
        Ok(())
    }

    fn comprehension(
        &mut self,
        what: &'static str,
        elts: &[&Expr],
        generators: &[Comprehension],
    ) -> PResult<()> {
        // The first iterable is evaluated outside; everything else in the new scope.
        self.expr(&generators[0].iter)?;
        let parent = self.push(ScopeKind::Comprehension(what));
        for (i, g) in generators.iter().enumerate() {
            self.target(&g.target);
            if i > 0 {
                self.expr(&g.iter)?;
            }
            self.exprs(&g.ifs)?;
        }
        for e in elts {
            self.expr(e)?;
        }
        self.cur = parent;
        Ok(())
    }

    /// Marks the names an assignment target binds.
    fn target(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Name(n) => self.add(n, LOCAL),
            ExprKind::Tuple(x) | ExprKind::List(x) => x.iter().for_each(|e| self.target(e)),
            ExprKind::Starred(v) => self.target(v),
            _ => {}
        }
    }

    /// `nonlocal x` needs an `x` bound in an enclosing function.
    fn check_nonlocals(&self) -> PResult<()> {
        for scope in &self.scopes {
            for (name, span) in &scope.nonlocals {
                let mut up = scope.parent;
                let mut found = false;
                while let Some(i) = up {
                    let s = &self.scopes[i];
                    if s.kind == ScopeKind::Function {
                        let f = s.names.get(name).copied().unwrap_or(0);
                        // A `global` declaration hides outer bindings from inner scopes.
                        if f & GLOBAL != 0 {
                            break;
                        }
                        if f & (PARAM | LOCAL | NONLOCAL) != 0 {
                            found = true;
                            break;
                        }
                    }
                    if s.kind == ScopeKind::Module {
                        break;
                    }
                    up = s.parent;
                }
                if !found {
                    return Err(self.err(*span, &format!("no binding for nonlocal '{name}' found")));
                }
            }
        }
        Ok(())
    }
}

/// The compiler pass.
struct Compiler<'p, 'w> {
    p: &'p Parser,
    in_function: bool,
    /// Enclosing loops in the current function (their bodies, not their `else`).
    loops: u32,
    warnings: &'w mut Vec<(u32, String)>,
    /// The line of the last `from __future__ import` at the top of the file (0: none).
    future_line: u32,
}

/// The type of an expression CPython's optimizer folds to a constant (None if it
/// does not), as `infer_type` names it.
fn const_type(e: &Expr) -> Option<&'static str> {
    use crate::ast::{BinOp, Constant, UnaryOp};
    match &e.kind {
        ExprKind::Constant(c) => Some(match c {
            Constant::None => "NoneType",
            Constant::Bool(_) => "bool",
            Constant::Int(_) => "int",
            Constant::Float(_) => "float",
            Constant::Str(_) => "str",
            Constant::Bytes(_) => "bytes",
            Constant::Ellipsis => "ellipsis",
        }),
        ExprKind::UnaryOp { op, operand } => {
            let t = const_type(operand)?;
            match (op, t) {
                (UnaryOp::Not, _) => Some("bool"),
                (_, "bool" | "int") => Some("int"),
                (UnaryOp::Neg | UnaryOp::Pos, "float") => Some("float"),
                _ => None,
            }
        }
        ExprKind::BinOp { left, op, right } => {
            let (l, r) = (const_type(left)?, const_type(right)?);
            let number = |t: &str| matches!(t, "int" | "bool" | "float");
            match (l, op, r) {
                (_, BinOp::Div, _) if number(l) && number(r) => Some("float"),
                _ if number(l) && number(r) => Some(if l == "float" || r == "float" {
                    "float"
                } else {
                    "int"
                }),
                ("str", BinOp::Add, "str") | ("str", BinOp::Mult, "int") => Some("str"),
                ("int", BinOp::Mult, "str") => Some("str"),
                ("bytes", BinOp::Add, "bytes") | ("bytes", BinOp::Mult, "int") => Some("bytes"),
                _ => None,
            }
        }
        ExprKind::Tuple(elts) => {
            if elts.iter().all(|e| const_type(e).is_some()) {
                Some("tuple")
            } else {
                None
            }
        }
        _ => None,
    }
}

/// `infer_type` for the displays and comprehensions that cannot be folded.
fn display_type(e: &Expr) -> Option<&'static str> {
    Some(match &e.kind {
        ExprKind::Tuple(_) => "tuple",
        ExprKind::List(_) | ExprKind::ListComp { .. } => "list",
        ExprKind::Dict(_) | ExprKind::DictComp { .. } => "dict",
        ExprKind::Set(_) | ExprKind::SetComp { .. } => "set",
        ExprKind::GeneratorExp { .. } => "generator",
        ExprKind::Lambda { .. } => "function",
        ExprKind::FString(_) => "str",
        ExprKind::Slice { .. } => "slice",
        _ => return None,
    })
}

fn infer_type(e: &Expr) -> Option<&'static str> {
    const_type(e).or_else(|| display_type(e))
}

impl Compiler<'_, '_> {
    fn err(&self, span: Span, msg: &str) -> SyntaxError {
        compile_error(self.p, span, msg)
    }

    fn warn(&mut self, span: Span, msg: String) {
        self.warnings.push((span.line, msg));
    }

    /// `x is 1`: CPython's `check_compare`.
    fn check_compare(
        &mut self,
        e: &Expr,
        left: &Expr,
        ops: &[crate::ast::CmpOp],
        comparators: &[Expr],
    ) {
        use crate::ast::CmpOp;
        let is_arg = |e: &Expr| {
            !matches!(const_type(e), Some(t) if !matches!(t, "NoneType" | "bool" | "ellipsis"))
                || matches!(e.kind, ExprKind::Constant(crate::ast::Constant::Bool(_)))
        };
        let mut left_ok = is_arg(left);
        for (op, right) in ops.iter().zip(comparators) {
            let right_ok = is_arg(right);
            if matches!(op, CmpOp::Is | CmpOp::IsNot) && (!left_ok || !right_ok) {
                let msg = if *op == CmpOp::Is {
                    "\"is\" with a literal. Did you mean \"==\"?"
                } else {
                    "\"is not\" with a literal. Did you mean \"!=\"?"
                };
                self.warn(e.span, msg.to_string());
                return;
            }
            left_ok = right_ok;
        }
    }

    /// `(1, 2) (3, 4)`: CPython's `check_caller`.
    fn check_caller(&mut self, call: &Expr, func: &Expr) {
        if let Some(t) = infer_type(func).filter(|_| {
            !matches!(
                func.kind,
                ExprKind::Lambda { .. }
                    | ExprKind::Slice { .. }
                    | ExprKind::UnaryOp { .. }
                    | ExprKind::BinOp { .. }
            ) || const_type(func).is_some()
        }) {
            self.warn(
                call.span,
                format!("'{t}' object is not callable; perhaps you missed a comma?"),
            );
        }
    }

    /// `5 [0]`, `[1, 2] ['a']`: CPython's `check_subscripter` and `check_index`.
    fn check_subscript(&mut self, e: &Expr, value: &Expr, index: &Expr) {
        let subscripter = match const_type(value) {
            Some(t @ ("NoneType" | "ellipsis" | "int" | "float" | "bool")) => Some(t),
            Some(_) => None,
            None => match value.kind {
                ExprKind::Set(_)
                | ExprKind::SetComp { .. }
                | ExprKind::GeneratorExp { .. }
                | ExprKind::Lambda { .. } => display_type(value),
                _ => None,
            },
        };
        if let Some(t) = subscripter {
            self.warn(
                e.span,
                format!("'{t}' object is not subscriptable; perhaps you missed a comma?"),
            );
            return;
        }
        let Some(index_type) = infer_type(index) else {
            return;
        };
        if matches!(index_type, "int" | "bool" | "slice") {
            return;
        }
        let container = match const_type(value) {
            Some(t @ ("str" | "bytes" | "tuple")) => Some(t),
            Some(_) => None,
            None => match value.kind {
                ExprKind::Tuple(_)
                | ExprKind::List(_)
                | ExprKind::ListComp { .. }
                | ExprKind::FString(_) => display_type(value),
                _ => None,
            },
        };
        if let Some(t) = container {
            self.warn(
                e.span,
                format!("{t} indices must be integers or slices, not {index_type}; perhaps you missed a comma?"),
            );
        }
    }

    fn stmts(&mut self, body: &[Stmt]) -> PResult<()> {
        body.iter().try_for_each(|s| self.stmt(s))
    }

    fn opt(&mut self, e: &Option<Expr>) -> PResult<()> {
        e.as_ref().map_or(Ok(()), |e| self.expr(e, false))
    }

    fn in_scope(
        &mut self,
        function: bool,
        f: impl FnOnce(&mut Self) -> PResult<()>,
    ) -> PResult<()> {
        let saved = (self.in_function, self.loops);
        self.in_function = function;
        self.loops = 0;
        let r = f(self);
        (self.in_function, self.loops) = saved;
        r
    }

    fn params(&mut self, params: &Params) -> PResult<()> {
        let all = params
            .posonly
            .iter()
            .chain(&params.args)
            .chain(&params.kwonly);
        for p in all.clone() {
            self.opt(&p.default)?;
        }
        for p in all.chain(&params.vararg).chain(&params.kwarg) {
            self.opt(&p.annotation)?;
        }
        Ok(())
    }

    /// An assignment target: starred items only inside a list or tuple, and one of them.
    fn target(&mut self, t: &Expr) -> PResult<()> {
        match &t.kind {
            ExprKind::Starred(_) => Err(self.err(
                t.span,
                "starred assignment target must be in a list or tuple",
            )),
            ExprKind::Tuple(elts) | ExprKind::List(elts) => {
                let stars = elts
                    .iter()
                    .filter(|e| matches!(e.kind, ExprKind::Starred(_)))
                    .count();
                if stars > 1 {
                    return Err(self.err(t.span, "multiple starred expressions in assignment"));
                }
                for e in elts {
                    match &e.kind {
                        ExprKind::Starred(v) => self.target(v)?,
                        _ => self.target(e)?,
                    }
                }
                Ok(())
            }
            ExprKind::Subscript { value, index } => {
                self.expr(value, false)?;
                self.expr(index, false)
            }
            _ => self.expr(t, false),
        }
    }

    fn stmt(&mut self, s: &Stmt) -> PResult<()> {
        match &s.kind {
            StmtKind::Expr(e) => self.expr(e, false),
            StmtKind::Assign { targets, value } => {
                self.expr(value, false)?;
                targets.iter().try_for_each(|t| self.target(t))
            }
            StmtKind::AugAssign { target, value, .. } => {
                self.expr(target, false)?;
                self.expr(value, false)
            }
            StmtKind::AnnAssign {
                target,
                annotation,
                value,
            } => {
                self.opt(value)?;
                self.expr(annotation, false)?;
                self.expr(target, false)
            }
            StmtKind::If { test, body, orelse } => {
                self.expr(test, false)?;
                self.stmts(body)?;
                self.stmts(orelse)
            }
            StmtKind::While { test, body, orelse } => {
                self.expr(test, false)?;
                self.loops += 1;
                let r = self.stmts(body);
                self.loops -= 1;
                r?;
                self.stmts(orelse)
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            } => {
                self.expr(iter, false)?;
                self.target(target)?;
                self.loops += 1;
                let r = self.stmts(body);
                self.loops -= 1;
                r?;
                self.stmts(orelse)
            }
            StmtKind::Break => {
                if self.loops == 0 {
                    return Err(self.err(s.span, "'break' outside loop"));
                }
                Ok(())
            }
            StmtKind::Continue => {
                if self.loops == 0 {
                    return Err(self.err(s.span, "'continue' not properly in loop"));
                }
                Ok(())
            }
            StmtKind::Pass => Ok(()),
            StmtKind::Return(v) => {
                if !self.in_function {
                    return Err(self.err(s.span, "'return' outside function"));
                }
                self.opt(v)
            }
            StmtKind::FunctionDef(f) => {
                self.exprs(&f.decorators)?;
                self.params(&f.params)?;
                if let Some(r) = &f.returns {
                    self.expr(r, false)?;
                }
                self.in_scope(true, |c| c.stmts(&f.body))
            }
            StmtKind::ClassDef {
                bases,
                keywords,
                body,
                decorators,
                ..
            } => {
                self.exprs(decorators)?;
                self.call_args(bases, keywords)?;
                self.in_scope(false, |c| c.stmts(body))
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                self.stmts(body)?;
                for (i, h) in handlers.iter().enumerate() {
                    if h.kind.is_none() && i + 1 < handlers.len() {
                        return Err(self.err(h.span, "default 'except:' must be last"));
                    }
                    self.opt(&h.kind)?;
                    self.stmts(&h.body)?;
                }
                self.stmts(orelse)?;
                self.stmts(finalbody)
            }
            StmtKind::Raise { exc, cause } => {
                self.opt(exc)?;
                self.opt(cause)
            }
            StmtKind::With { items, body } => {
                for item in items {
                    self.expr(&item.context, false)?;
                    if let Some(t) = &item.target {
                        self.target(t)?;
                    }
                }
                self.stmts(body)
            }
            StmtKind::ImportFrom { module, .. }
                if module == "__future__" && s.span.line > self.future_line =>
            {
                Err(self.err(
                    s.span,
                    "from __future__ imports must occur at the beginning of the file",
                ))
            }
            StmtKind::Import(_)
            | StmtKind::ImportFrom { .. }
            | StmtKind::Global(_)
            | StmtKind::Nonlocal(_) => Ok(()),
            StmtKind::Assert { test, msg } => {
                if matches!(&test.kind, ExprKind::Tuple(elts) if !elts.is_empty()) {
                    self.warn(
                        s.span,
                        "assertion is always true, perhaps remove parentheses?".into(),
                    );
                }
                self.expr(test, false)?;
                self.opt(msg)
            }
            StmtKind::Delete(targets) => targets.iter().try_for_each(|t| self.target(t)),
        }
    }

    fn exprs(&mut self, es: &[Expr]) -> PResult<()> {
        es.iter().try_for_each(|e| self.expr(e, false))
    }

    fn call_args(&mut self, args: &[Expr], keywords: &[Keyword]) -> PResult<()> {
        args.iter().try_for_each(|a| self.expr(a, true))?;
        for (i, k) in keywords.iter().enumerate() {
            if let Some(name) = &k.name {
                if keywords[..i].iter().any(|o| o.name.as_ref() == Some(name)) {
                    return Err(self.err(k.span, &format!("keyword argument repeated: {name}")));
                }
            }
        }
        keywords.iter().try_for_each(|k| self.expr(&k.value, false))
    }

    fn fparts(&mut self, parts: &[FStringPart]) -> PResult<()> {
        for part in parts {
            if let FStringPart::Value { value, spec, .. } = part {
                self.expr(value, false)?;
                if let Some(spec) = spec {
                    self.fparts(spec)?;
                }
            }
        }
        Ok(())
    }

    fn generators(&mut self, generators: &[Comprehension]) -> PResult<()> {
        for g in generators {
            self.expr(&g.iter, false)?;
            self.target(&g.target)?;
            self.exprs(&g.ifs)?;
        }
        Ok(())
    }

    /// `star_ok`: a starred item is allowed here (display element, call argument).
    fn expr(&mut self, e: &Expr, star_ok: bool) -> PResult<()> {
        match &e.kind {
            ExprKind::Name(_) | ExprKind::Constant(_) => Ok(()),
            ExprKind::FString(parts) => self.fparts(parts),
            ExprKind::List(x) | ExprKind::Tuple(x) | ExprKind::Set(x) => {
                x.iter().try_for_each(|e| self.expr(e, true))
            }
            ExprKind::Dict(items) => {
                for (k, v) in items {
                    self.opt(k)?;
                    self.expr(v, false)?;
                }
                Ok(())
            }
            ExprKind::Starred(v) => {
                if !star_ok {
                    return Err(self.err(e.span, "can't use starred expression here"));
                }
                self.expr(v, false)
            }
            ExprKind::Attribute { value, .. } => self.expr(value, false),
            ExprKind::Subscript { value, index } => {
                self.check_subscript(e, value, index);
                self.expr(value, false)?;
                self.expr(index, false)
            }
            ExprKind::Slice { lower, upper, step } => {
                for x in [lower, upper, step].into_iter().flatten() {
                    self.expr(x, false)?;
                }
                Ok(())
            }
            ExprKind::Call {
                func,
                args,
                keywords,
            } => {
                self.check_caller(e, func);
                self.expr(func, false)?;
                self.call_args(args, keywords)
            }
            ExprKind::BinOp { left, right, .. } => {
                self.expr(left, false)?;
                self.expr(right, false)
            }
            ExprKind::UnaryOp { operand, .. } => self.expr(operand, false),
            ExprKind::BoolOp { values, .. } => self.exprs(values),
            ExprKind::Compare {
                left,
                ops,
                comparators,
            } => {
                self.check_compare(e, left, ops, comparators);
                self.expr(left, false)?;
                self.exprs(comparators)
            }
            ExprKind::IfExp { test, body, orelse } => {
                self.expr(test, false)?;
                self.expr(body, false)?;
                self.expr(orelse, false)
            }
            ExprKind::Lambda { params, body } => {
                self.params(params)?;
                self.in_scope(true, |c| c.expr(body, false))
            }
            ExprKind::ListComp { elt, generators }
            | ExprKind::SetComp { elt, generators }
            | ExprKind::GeneratorExp { elt, generators } => {
                self.generators(generators)?;
                self.in_scope(true, |c| c.expr(elt, false))
            }
            ExprKind::DictComp {
                key,
                value,
                generators,
            } => {
                self.generators(generators)?;
                self.in_scope(true, |c| {
                    c.expr(key, false)?;
                    c.expr(value, false)
                })
            }
            ExprKind::NamedExpr { value, .. } => self.expr(value, false),
            ExprKind::Yield(v) => {
                if !self.in_function {
                    return Err(self.err(e.span, "'yield' outside function"));
                }
                v.as_ref().map_or(Ok(()), |v| self.expr(v, false))
            }
            ExprKind::YieldFrom(v) => {
                if !self.in_function {
                    return Err(self.err(e.span, "'yield' outside function"));
                }
                self.expr(v, false)
            }
        }
    }
}
