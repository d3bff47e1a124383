//! The compiler: syntax tree → [`Code`] objects.
//!
//! Two passes: a scope analysis (which names are locals, cells, free or global in each
//! function, as CPython's symtable decides), then code generation. Locals get fixed
//! slots (`LoadFast`), so a function's variables never go through a dict.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use crate::ast::*;
use crate::code::{Code, CodeKind, Instr, SpanInfo};
use crate::value::Value;

/// A compile error (after parsing succeeded): CPython-style text for stderr.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{rendered}")]
pub struct CompileError {
    pub line: u32,
    pub msg: String,
    pub rendered: String,
}

/// Parse and compile a module. The error is the text CPython prints (syntax errors).
pub fn compile_source(
    source: &str,
    filename: &str,
    hidden: bool,
) -> Result<Rc<Code>, CompileError> {
    let module = crate::parser::parse(source, filename).map_err(|e| CompileError {
        line: e.line,
        msg: format!("{}: {}", e.kind.name(), e.msg),
        rendered: e.render(),
    })?;
    compile_module(&module, source, filename, hidden)
}

/// Compile a parsed module.
pub fn compile_module(
    module: &Module,
    source: &str,
    filename: &str,
    hidden: bool,
) -> Result<Rc<Code>, CompileError> {
    let mut an = Analyzer::default();
    an.scopes.push(ScopeInfo {
        kind: Kind::Module,
        ..Default::default()
    });
    an.visit_stmts(0, &module.body);
    an.resolve(0, &[])
        .map_err(|(line, msg)| syntax_error(source, filename, line, &msg))?;
    let lines: Vec<Vec<char>> = source.lines().map(|l| l.chars().collect()).collect();
    let mut c = Compiler {
        filename: Rc::from(filename),
        scopes: an.scopes,
        by_node: an.by_node,
        units: Vec::new(),
        hidden,
        lines,
        classes: Vec::new(),
    };
    c.push_unit(0, "<module>", "<module>".into(), CodeKind::Module);
    c.compile_body(&module.body)
        .map_err(|(line, msg)| syntax_error(source, filename, line, &msg))?;
    let end = SpanInfo::default();
    c.emit_const(Value::None, end);
    c.emit(Instr::ReturnValue, end);
    Ok(c.pop_unit(0, 0, false))
}

fn syntax_error(source: &str, filename: &str, line: u32, msg: &str) -> CompileError {
    let text = source
        .lines()
        .nth(line.saturating_sub(1) as usize)
        .unwrap_or("");
    let stripped = text.trim();
    let rendered = format!(
        "  File \"{filename}\", line {line}\n    {stripped}\n    ^^^^^^^^\nSyntaxError: {msg}\n"
    );
    CompileError {
        line,
        msg: format!("SyntaxError: {msg}"),
        rendered,
    }
}

type CResult<T> = Result<T, (u32, String)>;

// ---------------------------------------------------------------------------------------
// scope analysis

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
enum Kind {
    #[default]
    Module,
    Function,
    Class,
}

#[derive(Default, Debug)]
struct ScopeInfo {
    kind: Kind,
    params: Vec<String>,
    assigned: Vec<String>,
    assigned_set: HashSet<String>,
    used: HashSet<String>,
    globals: HashSet<String>,
    nonlocals: HashSet<String>,
    children: Vec<usize>,
    is_generator: bool,
    /// Resolved: local names in slot order.
    locals: Vec<String>,
    local_set: HashSet<String>,
    cells: Vec<String>,
    frees: Vec<String>,
    line: u32,
}

impl ScopeInfo {
    fn assign(&mut self, name: &str) {
        if self.assigned_set.insert(name.to_string()) {
            self.assigned.push(name.to_string());
        }
    }
}

#[derive(Default)]
struct Analyzer {
    scopes: Vec<ScopeInfo>,
    by_node: HashMap<usize, usize>,
}

fn addr<T>(t: &T) -> usize {
    t as *const T as usize
}

impl Analyzer {
    fn new_scope(&mut self, parent: usize, kind: Kind, node: usize, line: u32) -> usize {
        let id = self.scopes.len();
        self.scopes.push(ScopeInfo {
            kind,
            line,
            ..Default::default()
        });
        self.scopes[parent].children.push(id);
        self.by_node.insert(node, id);
        id
    }

    fn visit_stmts(&mut self, s: usize, stmts: &[Stmt]) {
        for st in stmts {
            self.visit_stmt(s, st);
        }
    }

    fn visit_params(&mut self, s: usize, p: &Params) {
        // Defaults and annotations are evaluated in the enclosing scope.
        for prm in p.posonly.iter().chain(p.args.iter()).chain(p.kwonly.iter()) {
            if let Some(d) = &prm.default {
                self.visit_expr(s, d);
            }
        }
    }

    fn add_params(&mut self, f: usize, p: &Params) {
        let mut names = Vec::new();
        for prm in p.posonly.iter().chain(p.args.iter()).chain(p.kwonly.iter()) {
            names.push(prm.name.clone());
        }
        if let Some(v) = &p.vararg {
            names.push(v.name.clone());
        }
        if let Some(k) = &p.kwarg {
            names.push(k.name.clone());
        }
        self.scopes[f].params = names;
    }

    fn visit_stmt(&mut self, s: usize, st: &Stmt) {
        match &st.kind {
            StmtKind::Expr(e) => self.visit_expr(s, e),
            StmtKind::Assign { targets, value } => {
                self.visit_expr(s, value);
                for t in targets {
                    self.visit_target(s, t);
                }
            }
            StmtKind::AugAssign { target, value, .. } => {
                self.visit_expr(s, value);
                if let ExprKind::Name(n) = &target.kind {
                    self.scopes[s].used.insert(n.clone());
                }
                self.visit_target(s, target);
            }
            StmtKind::AnnAssign { target, value, .. } => {
                if let Some(v) = value {
                    self.visit_expr(s, v);
                    self.visit_target(s, target);
                } else if let ExprKind::Name(n) = &target.kind {
                    // `x: int` alone makes x local in a function.
                    if self.scopes[s].kind == Kind::Function {
                        self.scopes[s].assign(n);
                    }
                }
            }
            StmtKind::If { test, body, orelse } | StmtKind::While { test, body, orelse } => {
                self.visit_expr(s, test);
                self.visit_stmts(s, body);
                self.visit_stmts(s, orelse);
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            } => {
                self.visit_expr(s, iter);
                self.visit_target(s, target);
                self.visit_stmts(s, body);
                self.visit_stmts(s, orelse);
            }
            StmtKind::Break | StmtKind::Continue | StmtKind::Pass => {}
            StmtKind::Return(v) => {
                if let Some(v) = v {
                    self.visit_expr(s, v);
                }
            }
            StmtKind::FunctionDef(fd) => {
                for d in &fd.decorators {
                    self.visit_expr(s, d);
                }
                self.visit_params(s, &fd.params);
                self.scopes[s].assign(&fd.name);
                let f = self.new_scope(s, Kind::Function, addr(fd), st.span.line);
                self.add_params(f, &fd.params);
                self.visit_stmts(f, &fd.body);
            }
            StmtKind::ClassDef {
                name,
                bases,
                keywords,
                body,
                decorators,
            } => {
                for d in decorators {
                    self.visit_expr(s, d);
                }
                for b in bases {
                    self.visit_expr(s, b);
                }
                for k in keywords {
                    self.visit_expr(s, &k.value);
                }
                self.scopes[s].assign(name);
                let c = self.new_scope(s, Kind::Class, addr(st), st.span.line);
                self.visit_stmts(c, body);
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                self.visit_stmts(s, body);
                for h in handlers {
                    if let Some(k) = &h.kind {
                        self.visit_expr(s, k);
                    }
                    if let Some(n) = &h.name {
                        self.scopes[s].assign(n);
                    }
                    self.visit_stmts(s, &h.body);
                }
                self.visit_stmts(s, orelse);
                self.visit_stmts(s, finalbody);
            }
            StmtKind::Raise { exc, cause } => {
                if let Some(e) = exc {
                    self.visit_expr(s, e);
                }
                if let Some(c) = cause {
                    self.visit_expr(s, c);
                }
            }
            StmtKind::With { items, body } => {
                for it in items {
                    self.visit_expr(s, &it.context);
                    if let Some(t) = &it.target {
                        self.visit_target(s, t);
                    }
                }
                self.visit_stmts(s, body);
            }
            StmtKind::Import(aliases) => {
                for a in aliases {
                    let bound = a
                        .asname
                        .clone()
                        .unwrap_or_else(|| a.name.split('.').next().unwrap_or("").to_string());
                    self.scopes[s].assign(&bound);
                }
            }
            StmtKind::ImportFrom { names, .. } => {
                for a in names {
                    if a.name != "*" {
                        let bound = a.asname.clone().unwrap_or_else(|| a.name.clone());
                        self.scopes[s].assign(&bound);
                    }
                }
            }
            StmtKind::Global(names) => {
                for n in names {
                    self.scopes[s].globals.insert(n.clone());
                }
            }
            StmtKind::Nonlocal(names) => {
                for n in names {
                    self.scopes[s].nonlocals.insert(n.clone());
                }
            }
            StmtKind::Assert { test, msg } => {
                self.visit_expr(s, test);
                if let Some(m) = msg {
                    self.visit_expr(s, m);
                }
            }
            StmtKind::Delete(targets) => {
                for t in targets {
                    self.visit_target(s, t);
                }
            }
        }
    }

    fn visit_target(&mut self, s: usize, t: &Expr) {
        match &t.kind {
            ExprKind::Name(n) => self.scopes[s].assign(n),
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                for i in items {
                    self.visit_target(s, i);
                }
            }
            ExprKind::Starred(inner) => self.visit_target(s, inner),
            _ => self.visit_expr(s, t),
        }
    }

    fn visit_comprehension(&mut self, s: usize, e: &Expr, gens: &[Comprehension], elts: &[&Expr]) {
        // The first iterable is evaluated outside; everything else inside.
        if let Some(g0) = gens.first() {
            self.visit_expr(s, &g0.iter);
        }
        let c = self.new_scope(s, Kind::Function, addr(e), e.span.line);
        self.scopes[c].params = vec![".0".to_string()];
        if matches!(e.kind, ExprKind::GeneratorExp { .. }) {
            self.scopes[c].is_generator = true;
        }
        for (i, g) in gens.iter().enumerate() {
            if i > 0 {
                self.visit_expr(c, &g.iter);
            }
            self.visit_target(c, &g.target);
            for cond in &g.ifs {
                self.visit_expr(c, cond);
            }
        }
        for el in elts {
            self.visit_expr(c, el);
        }
    }

    fn visit_expr(&mut self, s: usize, e: &Expr) {
        match &e.kind {
            ExprKind::Name(n) => {
                self.scopes[s].used.insert(n.clone());
            }
            ExprKind::Constant(_) => {}
            ExprKind::FString(parts) => self.visit_fstring(s, parts),
            ExprKind::List(items) | ExprKind::Tuple(items) | ExprKind::Set(items) => {
                for i in items {
                    self.visit_expr(s, i);
                }
            }
            ExprKind::Dict(pairs) => {
                for (k, v) in pairs {
                    if let Some(k) = k {
                        self.visit_expr(s, k);
                    }
                    self.visit_expr(s, v);
                }
            }
            ExprKind::Starred(v) => self.visit_expr(s, v),
            ExprKind::Attribute { value, .. } => self.visit_expr(s, value),
            ExprKind::Subscript { value, index } => {
                self.visit_expr(s, value);
                self.visit_expr(s, index);
            }
            ExprKind::Slice { lower, upper, step } => {
                for x in [lower, upper, step].into_iter().flatten() {
                    self.visit_expr(s, x);
                }
            }
            ExprKind::Call {
                func,
                args,
                keywords,
            } => {
                self.visit_expr(s, func);
                for a in args {
                    self.visit_expr(s, a);
                }
                for k in keywords {
                    self.visit_expr(s, &k.value);
                }
            }
            ExprKind::BinOp { left, right, .. } => {
                self.visit_expr(s, left);
                self.visit_expr(s, right);
            }
            ExprKind::UnaryOp { operand, .. } => self.visit_expr(s, operand),
            ExprKind::BoolOp { values, .. } => {
                for v in values {
                    self.visit_expr(s, v);
                }
            }
            ExprKind::Compare {
                left, comparators, ..
            } => {
                self.visit_expr(s, left);
                for c in comparators {
                    self.visit_expr(s, c);
                }
            }
            ExprKind::IfExp { test, body, orelse } => {
                self.visit_expr(s, test);
                self.visit_expr(s, body);
                self.visit_expr(s, orelse);
            }
            ExprKind::Lambda { params, body } => {
                self.visit_params(s, params);
                let f = self.new_scope(s, Kind::Function, addr(e), e.span.line);
                self.add_params(f, params);
                self.visit_expr(f, body);
            }
            ExprKind::ListComp { elt, generators }
            | ExprKind::SetComp { elt, generators }
            | ExprKind::GeneratorExp { elt, generators } => {
                self.visit_comprehension(s, e, generators, &[elt]);
            }
            ExprKind::DictComp {
                key,
                value,
                generators,
            } => {
                self.visit_comprehension(s, e, generators, &[key, value]);
            }
            ExprKind::NamedExpr { target, value } => {
                self.visit_expr(s, value);
                // Binds in the nearest enclosing non-comprehension scope.
                let mut t = s;
                while self.scopes[t]
                    .params
                    .first()
                    .map(|p| p == ".0")
                    .unwrap_or(false)
                {
                    t = self.parent_of(t);
                }
                self.scopes[t].assign(target);
                if t != s {
                    self.scopes[s].used.insert(target.clone());
                }
            }
            ExprKind::Yield(v) => {
                self.scopes[s].is_generator = true;
                if let Some(v) = v {
                    self.visit_expr(s, v);
                }
            }
            ExprKind::YieldFrom(v) => {
                self.scopes[s].is_generator = true;
                self.visit_expr(s, v);
            }
        }
    }

    fn visit_fstring(&mut self, s: usize, parts: &[FStringPart]) {
        for p in parts {
            if let FStringPart::Value { value, spec, .. } = p {
                self.visit_expr(s, value);
                if let Some(sp) = spec {
                    self.visit_fstring(s, sp);
                }
            }
        }
    }

    fn parent_of(&self, id: usize) -> usize {
        self.scopes
            .iter()
            .position(|sc| sc.children.contains(&id))
            .unwrap_or(0)
    }

    /// Decide locals, cells and free variables (CPython's rules; class scopes are not
    /// visible to the functions nested in them). `env`: enclosing function scopes.
    fn resolve(&mut self, id: usize, env: &[usize]) -> CResult<()> {
        let kind = self.scopes[id].kind;
        if kind == Kind::Function {
            let sc = &mut self.scopes[id];
            let mut locals: Vec<String> = sc.params.clone();
            let mut set: HashSet<String> = locals.iter().cloned().collect();
            for n in &sc.assigned {
                if !sc.globals.contains(n) && !sc.nonlocals.contains(n) && set.insert(n.clone()) {
                    locals.push(n.clone());
                }
            }
            sc.locals = locals;
            sc.local_set = set;
        }
        for n in self.scopes[id].nonlocals.clone() {
            let found = env.iter().any(|&e| self.scopes[e].local_set.contains(&n));
            if !found {
                return Err((
                    self.scopes[id].line,
                    format!("no binding for nonlocal '{n}' found"),
                ));
            }
        }
        let mut child_env: Vec<usize> = env.to_vec();
        if kind == Kind::Function {
            child_env.push(id);
        }
        let children = self.scopes[id].children.clone();
        for &c in &children {
            self.resolve(c, &child_env)?;
        }
        // Names this scope needs from outside: its own uses/assignments that are not
        // local, and its children's free variables.
        let mut needs: Vec<String> = Vec::new();
        {
            let sc = &self.scopes[id];
            let mut cand: Vec<String> = sc.used.iter().cloned().collect();
            cand.extend(sc.nonlocals.iter().cloned());
            cand.sort();
            for &c in &children {
                for f in &self.scopes[c].frees {
                    if !cand.contains(f) {
                        cand.push(f.clone());
                    }
                }
            }
            for n in cand {
                let local = kind == Kind::Function && sc.local_set.contains(&n);
                if local || sc.globals.contains(&n) {
                    continue;
                }
                if kind == Kind::Class
                    && sc.assigned_set.contains(&n)
                    && !children.iter().any(|&c| self.scopes[c].frees.contains(&n))
                {
                    continue;
                }
                let in_env = env.iter().any(|&e| self.scopes[e].local_set.contains(&n));
                if in_env {
                    needs.push(n);
                }
            }
        }
        // Cells: locals that children capture.
        let mut cells = Vec::new();
        if kind == Kind::Function {
            let sc = &self.scopes[id];
            for n in &sc.locals {
                if children.iter().any(|&c| self.scopes[c].frees.contains(n)) {
                    cells.push(n.clone());
                }
            }
        }
        self.scopes[id].cells = cells;
        self.scopes[id].frees = needs;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// code generation

enum FBlock<'a> {
    Loop {
        is_for: bool,
        cont: usize,
        breaks: Vec<usize>,
    },
    Try,
    Finally(&'a [Stmt]),
    FinallyHandler,
    HandlerScope,
    With(u32),
}

struct Unit<'a> {
    scope: usize,
    name: Rc<str>,
    qualname: String,
    kind: CodeKind,
    instrs: Vec<Instr>,
    spans: Vec<SpanInfo>,
    consts: Vec<Value>,
    names: Vec<Rc<str>>,
    name_index: HashMap<String, u32>,
    varnames: Vec<Rc<str>>,
    var_index: HashMap<String, u32>,
    cell_index: HashMap<String, u32>,
    functions: Vec<Rc<Code>>,
    fblocks: Vec<FBlock<'a>>,
    tmp: u32,
    has_docstring: bool,
    first_line: u32,
}

struct Compiler<'a> {
    filename: Rc<str>,
    scopes: Vec<ScopeInfo>,
    by_node: HashMap<usize, usize>,
    units: Vec<Unit<'a>>,
    hidden: bool,
    lines: Vec<Vec<char>>,
    /// Names of the classes whose bodies enclose the code being compiled (innermost
    /// last), for private name mangling (`self.__x` in class `C` is `self._C__x`).
    classes: Vec<&'a str>,
}

/// CPython's private name mangling: `__x` (not `__x__`) inside class `_C` is `_C__x`.
fn mangle(class: Option<&str>, n: &str) -> Option<String> {
    let class = class?.trim_start_matches('_');
    if class.is_empty() || !n.starts_with("__") || n.ends_with("__") || n.contains('.') {
        return None;
    }
    Some(format!("_{class}{n}"))
}

enum NameOp {
    Fast(u32),
    Deref(u32),
    Global(u32),
    Name(u32),
}

/// A subscript's span with CPython's anchors: `~` under the value, `^` under `[index]`.
fn subscript_span(e: &Expr, value: &Expr, index: &Expr) -> SpanInfo {
    let mut ss = sp(e.span);
    if e.span.line == e.span.end_line {
        ss.anchor_left = value.span.end_col;
        ss.anchor_right = index.span.end_col + 1;
        if index.span.end_line != e.span.line || ss.anchor_right > e.span.end_col {
            ss.anchor_right = e.span.end_col;
        }
    }
    ss
}

fn sp(s: Span) -> SpanInfo {
    SpanInfo {
        line: s.line,
        col: s.col,
        end_line: s.end_line,
        end_col: s.end_col,
        anchor_left: 0,
        anchor_right: 0,
    }
}

impl<'a> Compiler<'a> {
    fn unit(&mut self) -> &mut Unit<'a> {
        self.units.last_mut().expect("unit")
    }

    fn push_unit(&mut self, scope: usize, name: &str, qualname: String, kind: CodeKind) {
        let sc = &self.scopes[scope];
        let mut var_index = HashMap::new();
        let mut varnames = Vec::new();
        if kind == CodeKind::Function {
            for (i, n) in sc.locals.iter().enumerate() {
                var_index.insert(n.clone(), i as u32);
                varnames.push(Rc::from(n.as_str()));
            }
        }
        let mut cell_index = HashMap::new();
        for (i, n) in sc.cells.iter().chain(sc.frees.iter()).enumerate() {
            cell_index.insert(n.clone(), i as u32);
        }
        let first_line = sc.line;
        self.units.push(Unit {
            scope,
            name: Rc::from(name),
            qualname,
            kind,
            instrs: Vec::new(),
            spans: Vec::new(),
            consts: Vec::new(),
            names: Vec::new(),
            name_index: HashMap::new(),
            varnames,
            var_index,
            cell_index,
            functions: Vec::new(),
            fblocks: Vec::new(),
            tmp: 0,
            has_docstring: false,
            first_line,
        });
    }

    fn pop_unit(&mut self, argcount: u32, kwonly: u32, _is_lambda: bool) -> Rc<Code> {
        let u = self.units.pop().expect("unit");
        let sc = &self.scopes[u.scope];
        let (has_varargs, has_varkw, posonly) = (false, false, 0);
        let mut cell_params = Vec::new();
        for (i, n) in sc.cells.iter().enumerate() {
            if let Some(&slot) = u.var_index.get(n) {
                if (slot as usize) < sc.params.len() {
                    cell_params.push((slot, i as u32));
                }
            }
        }
        // Free variables come from the enclosing unit's cells.
        let free_sources = match self.units.last() {
            Some(parent) => sc
                .frees
                .iter()
                .map(|n| parent.cell_index.get(n).copied().unwrap_or(0))
                .collect(),
            None => Vec::new(),
        };
        let name_values = u.names.iter().map(|n| Value::str(&**n)).collect();
        let gcache = u
            .names
            .iter()
            .map(|_| std::cell::Cell::new(crate::code::GlobalCache::default()))
            .collect();
        Rc::new(Code {
            name: u.name,
            qualname: Rc::from(u.qualname.as_str()),
            filename: self.filename.clone(),
            instrs: u.instrs,
            spans: u.spans,
            consts: u.consts,
            names: u.names,
            name_values,
            gcache,
            varnames: u.varnames,
            cellvars: sc.cells.iter().map(|s| Rc::from(s.as_str())).collect(),
            freevars: sc.frees.iter().map(|s| Rc::from(s.as_str())).collect(),
            free_sources,
            cell_params,
            posonly,
            argcount,
            kwonlycount: kwonly,
            has_varargs,
            has_varkw,
            is_generator: sc.is_generator,
            first_line: u.first_line,
            functions: u.functions,
            has_docstring: u.has_docstring,
            hidden: self.hidden,
            kind: u.kind,
        })
    }

    fn emit(&mut self, i: Instr, s: SpanInfo) -> usize {
        let u = self.unit();
        u.instrs.push(i);
        u.spans.push(s);
        u.instrs.len() - 1
    }

    fn here(&mut self) -> usize {
        self.unit().instrs.len()
    }

    fn patch(&mut self, at: usize, target: usize) {
        let t = target as u32;
        let u = self.unit();
        u.instrs[at] = match u.instrs[at] {
            Instr::Jump(_) => Instr::Jump(t),
            Instr::PopJumpIfFalse(_) => Instr::PopJumpIfFalse(t),
            Instr::PopJumpIfTrue(_) => Instr::PopJumpIfTrue(t),
            Instr::JumpIfFalseOrPop(_) => Instr::JumpIfFalseOrPop(t),
            Instr::JumpIfTrueOrPop(_) => Instr::JumpIfTrueOrPop(t),
            Instr::ForIter(_) => Instr::ForIter(t),
            Instr::SetupExcept(_) => Instr::SetupExcept(t),
            Instr::SetupFinally(_) => Instr::SetupFinally(t),
            other => other,
        };
    }

    fn emit_const(&mut self, v: Value, s: SpanInfo) {
        let u = self.unit();
        let idx = match &v {
            Value::None => u.consts.iter().position(|c| matches!(c, Value::None)),
            _ => None,
        };
        let idx = idx.unwrap_or_else(|| {
            u.consts.push(v);
            u.consts.len() - 1
        });
        self.emit(Instr::LoadConst(idx as u32), s);
    }

    fn name_idx(&mut self, n: &str) -> u32 {
        let u = self.unit();
        if let Some(&i) = u.name_index.get(n) {
            return i;
        }
        let i = u.names.len() as u32;
        u.names.push(Rc::from(n));
        u.name_index.insert(n.to_string(), i);
        i
    }

    /// The name index of an attribute, mangled inside a class.
    fn attr_idx(&mut self, attr: &str) -> u32 {
        match mangle(self.classes.last().copied(), attr) {
            Some(m) => self.name_idx(&m),
            None => self.name_idx(attr),
        }
    }

    fn new_tmp(&mut self) -> u32 {
        let u = self.unit();
        let name = format!(".tmp{}", u.tmp);
        u.tmp += 1;
        let slot = u.varnames.len() as u32;
        u.varnames.push(Rc::from(name.as_str()));
        u.var_index.insert(name, slot);
        slot
    }

    fn name_op(&mut self, n: &str) -> NameOp {
        let u = self.units.last().expect("unit");
        let sc = &self.scopes[u.scope];
        match u.kind {
            CodeKind::Module => NameOp::Global(self.name_idx(n)),
            CodeKind::Class => {
                if sc.globals.contains(n) {
                    NameOp::Global(self.name_idx(n))
                } else if let Some(&i) = u.cell_index.get(n) {
                    if sc.assigned_set.contains(n) {
                        NameOp::Name(self.attr_idx(n))
                    } else {
                        NameOp::Deref(i)
                    }
                } else {
                    // Names of the class body itself are mangled (`__rate = 2`,
                    // `def __helper`); names inside its methods are not (yet).
                    NameOp::Name(self.attr_idx(n))
                }
            }
            CodeKind::Function => {
                if sc.globals.contains(n) {
                    NameOp::Global(self.name_idx(n))
                } else if let Some(&i) = u.cell_index.get(n) {
                    NameOp::Deref(i)
                } else if let Some(&i) = u.var_index.get(n) {
                    NameOp::Fast(i)
                } else {
                    NameOp::Global(self.name_idx(n))
                }
            }
        }
    }

    fn load_name(&mut self, n: &str, s: SpanInfo) {
        let i = match self.name_op(n) {
            NameOp::Fast(i) => Instr::LoadFast(i),
            NameOp::Deref(i) => Instr::LoadDeref(i),
            NameOp::Global(i) => Instr::LoadGlobal(i),
            NameOp::Name(i) => Instr::LoadName(i),
        };
        self.emit(i, s);
    }

    fn store_name(&mut self, n: &str, s: SpanInfo) {
        let i = match self.name_op(n) {
            NameOp::Fast(i) => Instr::StoreFast(i),
            NameOp::Deref(i) => Instr::StoreDeref(i),
            NameOp::Global(i) => Instr::StoreGlobal(i),
            NameOp::Name(i) => Instr::StoreName(i),
        };
        self.emit(i, s);
    }

    fn delete_name(&mut self, n: &str, s: SpanInfo) {
        let i = match self.name_op(n) {
            NameOp::Fast(i) => Instr::DeleteFast(i),
            NameOp::Deref(i) => Instr::DeleteDeref(i),
            NameOp::Global(i) => Instr::DeleteGlobal(i),
            NameOp::Name(i) => Instr::DeleteName(i),
        };
        self.emit(i, s);
    }

    // -----------------------------------------------------------------------------------
    // statements

    fn compile_body(&mut self, body: &'a [Stmt]) -> CResult<()> {
        for st in body {
            self.compile_stmt(st)?;
        }
        Ok(())
    }

    fn compile_stmt(&mut self, st: &'a Stmt) -> CResult<()> {
        let s = sp(st.span);
        match &st.kind {
            StmtKind::Expr(e) => {
                self.compile_expr(e)?;
                self.emit(Instr::Pop, s);
            }
            StmtKind::Assign { targets, value } => {
                self.compile_expr(value)?;
                for (i, t) in targets.iter().enumerate() {
                    if i + 1 < targets.len() {
                        self.emit(Instr::Dup, s);
                    }
                    self.compile_store(t)?;
                }
            }
            StmtKind::AugAssign { target, op, value } => {
                self.compile_augassign(target, *op, value, s)?
            }
            StmtKind::AnnAssign { target, value, .. } => {
                if let Some(v) = value {
                    self.compile_expr(v)?;
                    self.compile_store(target)?;
                }
            }
            StmtKind::If { test, body, orelse } => {
                self.compile_expr(test)?;
                let jf = self.emit(Instr::PopJumpIfFalse(0), sp(test.span));
                self.compile_body(body)?;
                if orelse.is_empty() {
                    let h = self.here();
                    self.patch(jf, h);
                } else {
                    let j = self.emit(Instr::Jump(0), s);
                    let h = self.here();
                    self.patch(jf, h);
                    self.compile_body(orelse)?;
                    let h = self.here();
                    self.patch(j, h);
                }
            }
            StmtKind::While { test, body, orelse } => {
                let start = self.here();
                self.compile_expr(test)?;
                let jf = self.emit(Instr::PopJumpIfFalse(0), sp(test.span));
                self.unit().fblocks.push(FBlock::Loop {
                    is_for: false,
                    cont: start,
                    breaks: Vec::new(),
                });
                self.compile_body(body)?;
                self.emit(Instr::Jump(start as u32), s);
                let Some(FBlock::Loop { breaks, .. }) = self.unit().fblocks.pop() else {
                    unreachable!()
                };
                let h = self.here();
                self.patch(jf, h);
                self.compile_body(orelse)?;
                let end = self.here();
                for b in breaks {
                    self.patch(b, end);
                }
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            } => {
                self.compile_expr(iter)?;
                self.emit(Instr::GetIter, sp(iter.span));
                let start = self.here();
                let fi = self.emit(Instr::ForIter(0), sp(iter.span));
                self.compile_store(target)?;
                self.unit().fblocks.push(FBlock::Loop {
                    is_for: true,
                    cont: start,
                    breaks: Vec::new(),
                });
                self.compile_body(body)?;
                self.emit(Instr::Jump(start as u32), s);
                let Some(FBlock::Loop { breaks, .. }) = self.unit().fblocks.pop() else {
                    unreachable!()
                };
                let h = self.here();
                self.patch(fi, h);
                self.compile_body(orelse)?;
                let end = self.here();
                for b in breaks {
                    self.patch(b, end);
                }
            }
            StmtKind::Break => self.compile_break_continue(true, s)?,
            StmtKind::Continue => self.compile_break_continue(false, s)?,
            StmtKind::Pass => {
                self.emit(Instr::Nop, s);
            }
            StmtKind::Return(v) => {
                if self.unit().kind != CodeKind::Function {
                    return Err((st.span.line, "'return' outside function".into()));
                }
                match v {
                    Some(v) => self.compile_expr(v)?,
                    None => self.emit_const(Value::None, s),
                }
                self.unwind_fblocks(None, true, s)?;
                self.emit(Instr::ReturnValue, s);
            }
            StmtKind::FunctionDef(fd) => self.compile_funcdef(fd, s)?,
            StmtKind::ClassDef {
                name,
                bases,
                body,
                decorators,
                ..
            } => self.compile_classdef(st, name, bases, body, decorators, s)?,
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => self.compile_try(body, handlers, orelse, finalbody, s)?,
            StmtKind::Raise { exc, cause } => {
                let n = match (exc, cause) {
                    (None, _) => 0,
                    (Some(e), None) => {
                        self.compile_expr(e)?;
                        1
                    }
                    (Some(e), Some(c)) => {
                        self.compile_expr(e)?;
                        self.compile_expr(c)?;
                        2
                    }
                };
                self.emit(Instr::Raise(n), s);
            }
            StmtKind::With { items, body } => self.compile_with(items, body, s)?,
            StmtKind::Import(aliases) => {
                for a in aliases {
                    let asp = sp(a.span);
                    let ni = self.name_idx(&a.name);
                    self.emit(Instr::ImportName(ni), s);
                    match &a.asname {
                        Some(asname) => {
                            for part in a.name.split('.').skip(1) {
                                let pi = self.name_idx(part);
                                self.emit(Instr::LoadAttr(pi), asp);
                            }
                            self.store_name(asname, asp);
                        }
                        None => {
                            let top = a.name.split('.').next().unwrap_or("").to_string();
                            self.store_name(&top, asp);
                        }
                    }
                }
            }
            StmtKind::ImportFrom { module, names, .. } => {
                let mi = self.name_idx(module);
                self.emit(Instr::ImportName(mi), s);
                if names.len() == 1 && names[0].name == "*" {
                    self.emit(Instr::ImportStar, s);
                } else {
                    for a in names {
                        let ni = self.name_idx(&a.name);
                        self.emit(Instr::ImportFrom(ni), s);
                        let bound = a.asname.clone().unwrap_or_else(|| a.name.clone());
                        self.store_name(&bound, sp(a.span));
                    }
                    self.emit(Instr::Pop, s);
                }
            }
            StmtKind::Global(_) | StmtKind::Nonlocal(_) => {}
            StmtKind::Assert { test, msg } => {
                self.compile_expr(test)?;
                let j = self.emit(Instr::PopJumpIfTrue(0), s);
                let ai = self.name_idx("AssertionError");
                self.emit(Instr::LoadBuiltin(ai), s);
                if let Some(m) = msg {
                    self.compile_expr(m)?;
                    self.emit(Instr::Call(1), s);
                }
                self.emit(Instr::Raise(1), s);
                let h = self.here();
                self.patch(j, h);
            }
            StmtKind::Delete(targets) => {
                for t in targets {
                    self.compile_delete(t)?;
                }
            }
        }
        Ok(())
    }

    fn compile_delete(&mut self, t: &'a Expr) -> CResult<()> {
        let s = sp(t.span);
        match &t.kind {
            ExprKind::Name(n) => self.delete_name(n, s),
            ExprKind::Attribute { value, attr } => {
                self.compile_expr(value)?;
                let i = self.attr_idx(attr);
                self.emit(Instr::DeleteAttr(i), s);
            }
            ExprKind::Subscript { value, index } => {
                self.compile_expr(value)?;
                self.compile_expr(index)?;
                self.emit(Instr::DeleteSubscr, subscript_span(t, value, index));
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                for i in items {
                    self.compile_delete(i)?;
                }
            }
            _ => return Err((t.span.line, "cannot delete expression".into())),
        }
        Ok(())
    }

    fn compile_augassign(
        &mut self,
        target: &'a Expr,
        op: BinOp,
        value: &'a Expr,
        s: SpanInfo,
    ) -> CResult<()> {
        match &target.kind {
            ExprKind::Name(n) => {
                self.load_name(n, sp(target.span));
                self.compile_expr(value)?;
                self.emit(Instr::InplaceOp(op), s);
                self.store_name(n, sp(target.span));
            }
            ExprKind::Attribute { value: obj, attr } => {
                self.compile_expr(obj)?;
                self.emit(Instr::Dup, s);
                let i = self.attr_idx(attr);
                self.emit(Instr::LoadAttr(i), sp(target.span));
                self.compile_expr(value)?;
                self.emit(Instr::InplaceOp(op), s);
                self.emit(Instr::Rot2, s);
                self.emit(Instr::StoreAttr(i), sp(target.span));
            }
            ExprKind::Subscript { value: obj, index } => {
                self.compile_expr(obj)?;
                self.compile_expr(index)?;
                self.emit(Instr::Dup2, s);
                self.emit(Instr::BinarySubscr, subscript_span(target, obj, index));
                self.compile_expr(value)?;
                self.emit(Instr::InplaceOp(op), s);
                self.emit(Instr::Rot3, s);
                self.emit(Instr::StoreSubscr, subscript_span(target, obj, index));
            }
            _ => {
                return Err((
                    target.span.line,
                    "'expression' is an illegal expression for augmented assignment".into(),
                ))
            }
        }
        Ok(())
    }

    fn compile_store(&mut self, t: &'a Expr) -> CResult<()> {
        let s = sp(t.span);
        match &t.kind {
            ExprKind::Name(n) => self.store_name(n, s),
            ExprKind::Attribute { value, attr } => {
                self.compile_expr(value)?;
                let i = self.attr_idx(attr);
                self.emit(Instr::StoreAttr(i), s);
            }
            ExprKind::Subscript { value, index } => {
                self.compile_expr(value)?;
                self.compile_expr(index)?;
                self.emit(Instr::StoreSubscr, subscript_span(t, value, index));
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                let star = items
                    .iter()
                    .position(|i| matches!(i.kind, ExprKind::Starred(_)));
                match star {
                    Some(p) => {
                        let after = items.len() - p - 1;
                        self.emit(Instr::UnpackEx(p as u32 | ((after as u32) << 16)), s);
                    }
                    None => {
                        self.emit(Instr::UnpackSequence(items.len() as u32), s);
                    }
                }
                for i in items {
                    match &i.kind {
                        ExprKind::Starred(inner) => self.compile_store(inner)?,
                        _ => self.compile_store(i)?,
                    }
                }
            }
            ExprKind::Starred(inner) => self.compile_store(inner)?,
            _ => return Err((t.span.line, "cannot assign to expression".into())),
        }
        Ok(())
    }

    /// Emit the cleanup of the fblocks being left. `to_loop`: stop at the innermost
    /// loop (break/continue); `None` = everything (return, value on TOS if `has_value`).
    fn unwind_fblocks(
        &mut self,
        to_loop: Option<bool>,
        has_value: bool,
        s: SpanInfo,
    ) -> CResult<Option<usize>> {
        let mut i = self.unit().fblocks.len();
        while i > 0 {
            i -= 1;
            let fb = std::mem::replace(&mut self.unit().fblocks[i], FBlock::Try);
            let mut result = None;
            match &fb {
                FBlock::Loop { .. } if to_loop.is_some() => {
                    result = Some(i);
                }
                FBlock::Loop { .. } => {}
                FBlock::Try => {
                    self.emit(Instr::PopBlock, s);
                }
                FBlock::Finally(body) => {
                    self.emit(Instr::PopBlock, s);
                    // The finally body runs with the outer blocks only.
                    let saved: Vec<FBlock<'a>> = self.unit().fblocks.drain(i..).collect();
                    let body: &'a [Stmt] = body;
                    let r = self.compile_body(body);
                    let u = self.unit();
                    u.fblocks.extend(saved);
                    r?;
                }
                FBlock::FinallyHandler => {
                    if has_value {
                        self.emit(Instr::Rot2, s);
                    }
                    self.emit(Instr::Pop, s);
                    self.emit(Instr::PopExcept, s);
                }
                FBlock::HandlerScope => {
                    self.emit(Instr::PopExcept, s);
                }
                FBlock::With(tmp) => {
                    self.emit(Instr::PopBlock, s);
                    self.emit(Instr::LoadFast(*tmp), s);
                    self.emit_const(Value::None, s);
                    self.emit_const(Value::None, s);
                    self.emit_const(Value::None, s);
                    self.emit(Instr::Call(3), s);
                    self.emit(Instr::Pop, s);
                }
            }
            self.unit().fblocks[i] = fb;
            if result.is_some() {
                return Ok(result);
            }
        }
        Ok(None)
    }

    fn compile_break_continue(&mut self, is_break: bool, s: SpanInfo) -> CResult<()> {
        let Some(idx) = self
            .unit()
            .fblocks
            .iter()
            .rposition(|f| matches!(f, FBlock::Loop { .. }))
        else {
            return Err((
                s.line,
                if is_break {
                    "'break' outside loop".into()
                } else {
                    "'continue' not properly in loop".into()
                },
            ));
        };
        let _ = idx;
        let li = self.unwind_fblocks(Some(true), false, s)?.expect("loop");
        let (is_for, cont) = match &self.unit().fblocks[li] {
            FBlock::Loop { is_for, cont, .. } => (*is_for, *cont),
            _ => unreachable!(),
        };
        if is_break {
            if is_for {
                self.emit(Instr::Pop, s);
            }
            let j = self.emit(Instr::Jump(0), s);
            if let FBlock::Loop { breaks, .. } = &mut self.unit().fblocks[li] {
                breaks.push(j);
            }
        } else {
            self.emit(Instr::Jump(cont as u32), s);
        }
        Ok(())
    }

    fn qualname_for(&self, name: &str) -> String {
        let u = self.units.last().expect("unit");
        match u.kind {
            CodeKind::Module => name.to_string(),
            CodeKind::Class => format!("{}.{}", u.qualname, name),
            CodeKind::Function => format!("{}.<locals>.{}", u.qualname, name),
        }
    }

    /// Push defaults/kwdefaults for a parameter list; returns the MakeFunction flags.
    fn compile_defaults(&mut self, p: &'a Params, s: SpanInfo) -> CResult<u32> {
        let mut flags = 0;
        let defaults: Vec<&'a Expr> = p
            .posonly
            .iter()
            .chain(p.args.iter())
            .filter_map(|a| a.default.as_ref())
            .collect();
        if !defaults.is_empty() {
            for d in &defaults {
                self.compile_expr(d)?;
            }
            self.emit(Instr::BuildTuple(defaults.len() as u32), s);
            flags |= 1;
        }
        let kwd: Vec<(&'a String, &'a Expr)> = p
            .kwonly
            .iter()
            .filter_map(|a| a.default.as_ref().map(|d| (&a.name, d)))
            .collect();
        if !kwd.is_empty() {
            for (n, d) in &kwd {
                self.emit_const(Value::str(n.as_str()), s);
                self.compile_expr(d)?;
            }
            self.emit(Instr::BuildMap(kwd.len() as u32), s);
            flags |= 2;
        }
        Ok(flags)
    }

    fn finish_function_code(&mut self, code: Rc<Code>, p: &Params) -> Rc<Code> {
        // Parameter shape is known only here; patch it into the code object.
        let mut c = Rc::try_unwrap(code).unwrap_or_else(|rc| clone_code(&rc));
        c.posonly = p.posonly.len() as u32;
        c.argcount = (p.posonly.len() + p.args.len()) as u32;
        c.kwonlycount = p.kwonly.len() as u32;
        c.has_varargs = p.vararg.is_some();
        c.has_varkw = p.kwarg.is_some();
        Rc::new(c)
    }

    fn add_function(&mut self, code: Rc<Code>) -> u32 {
        let u = self.unit();
        u.functions.push(code);
        (u.functions.len() - 1) as u32
    }

    fn compile_funcdef(&mut self, fd: &'a FunctionDef, s: SpanInfo) -> CResult<()> {
        for d in &fd.decorators {
            self.compile_expr(d)?;
        }
        let flags = self.compile_defaults(&fd.params, s)?;
        let scope = self.by_node[&addr(fd)];
        let qual = self.qualname_for(&fd.name);
        self.push_unit(scope, &fd.name, qual, CodeKind::Function);
        let mut body: &'a [Stmt] = &fd.body;
        if let Some(doc) = &fd.doc {
            self.unit().consts.push(Value::str(doc.as_str()));
            self.unit().has_docstring = true;
            if let Some(StmtKind::Expr(Expr {
                kind: ExprKind::Constant(Constant::Str(_)),
                ..
            })) = body.first().map(|s| &s.kind)
            {
                body = &body[1..];
            }
        }
        self.compile_body(body)?;
        let end = SpanInfo {
            line: self.last_line(),
            ..Default::default()
        };
        self.emit_const(Value::None, end);
        self.emit(Instr::ReturnValue, end);
        let code = self.pop_unit(0, 0, false);
        let code = self.finish_function_code(code, &fd.params);
        let fi = self.add_function(code);
        self.emit(Instr::MakeFunction(fi | (flags << 24)), s);
        for _ in &fd.decorators {
            self.emit(Instr::Call(1), s);
        }
        self.store_name(&fd.name, s);
        Ok(())
    }

    fn last_line(&self) -> u32 {
        let u = self.units.last().expect("unit");
        u.spans.last().map(|s| s.line).unwrap_or(u.first_line)
    }

    fn compile_classdef(
        &mut self,
        st: &'a Stmt,
        name: &'a str,
        bases: &'a [Expr],
        body: &'a [Stmt],
        decorators: &'a [Expr],
        s: SpanInfo,
    ) -> CResult<()> {
        for d in decorators {
            self.compile_expr(d)?;
        }
        let scope = self.by_node[&addr(st)];
        let qual = self.qualname_for(name);
        self.push_unit(scope, name, qual, CodeKind::Class);
        self.classes.push(name);
        let r = self.compile_body(body);
        self.classes.pop();
        r?;
        let end = SpanInfo {
            line: self.last_line(),
            ..Default::default()
        };
        self.emit_const(Value::None, end);
        self.emit(Instr::ReturnValue, end);
        let code = self.pop_unit(0, 0, false);
        let fi = self.add_function(code);
        self.emit(Instr::MakeFunction(fi), s);
        self.emit_const(Value::str(name), s);
        for b in bases {
            self.compile_expr(b)?;
        }
        self.emit(Instr::BuildClass(bases.len() as u32), s);
        for _ in decorators {
            self.emit(Instr::Call(1), s);
        }
        self.store_name(name, s);
        Ok(())
    }

    fn compile_try(
        &mut self,
        body: &'a [Stmt],
        handlers: &'a [ExceptHandler],
        orelse: &'a [Stmt],
        finalbody: &'a [Stmt],
        s: SpanInfo,
    ) -> CResult<()> {
        let has_finally = !finalbody.is_empty();
        let setup_f = if has_finally {
            let f = self.emit(Instr::SetupFinally(0), s);
            self.unit().fblocks.push(FBlock::Finally(finalbody));
            Some(f)
        } else {
            None
        };
        let mut after_patches = Vec::new();
        if handlers.is_empty() {
            self.compile_body(body)?;
            self.compile_body(orelse)?;
        } else {
            let setup_e = self.emit(Instr::SetupExcept(0), s);
            self.unit().fblocks.push(FBlock::Try);
            self.compile_body(body)?;
            self.unit().fblocks.pop();
            self.emit(Instr::PopBlock, s);
            self.compile_body(orelse)?;
            let j = self.emit(Instr::Jump(0), s);
            after_patches.push(j);
            let h = self.here();
            self.patch(setup_e, h);
            for hd in handlers {
                let hs = sp(hd.span);
                let mut next = None;
                if let Some(k) = &hd.kind {
                    self.emit(Instr::Dup, hs);
                    self.compile_expr(k)?;
                    self.emit(Instr::CheckExcMatch, sp(k.span));
                    next = Some(self.emit(Instr::PopJumpIfFalse(0), hs));
                }
                match &hd.name {
                    Some(n) => self.store_name(n, hs),
                    None => {
                        self.emit(Instr::Pop, hs);
                    }
                }
                self.unit().fblocks.push(FBlock::HandlerScope);
                self.compile_body(&hd.body)?;
                self.unit().fblocks.pop();
                self.emit(Instr::PopExcept, hs);
                if let Some(n) = &hd.name {
                    self.emit_const(Value::None, hs);
                    self.store_name(n, hs);
                    self.delete_name(n, hs);
                }
                let j = self.emit(Instr::Jump(0), hs);
                after_patches.push(j);
                if let Some(nx) = next {
                    let h = self.here();
                    self.patch(nx, h);
                }
            }
            self.emit(Instr::Reraise, s);
        }
        let after = self.here();
        for p in after_patches {
            self.patch(p, after);
        }
        if let Some(f) = setup_f {
            self.unit().fblocks.pop();
            self.emit(Instr::PopBlock, s);
            self.compile_body(finalbody)?;
            let j = self.emit(Instr::Jump(0), s);
            let h = self.here();
            self.patch(f, h);
            self.unit().fblocks.push(FBlock::FinallyHandler);
            self.compile_body(finalbody)?;
            self.unit().fblocks.pop();
            self.emit(Instr::Reraise, s);
            let end = self.here();
            self.patch(j, end);
        }
        Ok(())
    }

    fn compile_with(
        &mut self,
        items: &'a [WithItem],
        body: &'a [Stmt],
        s: SpanInfo,
    ) -> CResult<()> {
        let Some((first, rest)) = items.split_first() else {
            return self.compile_body(body);
        };
        self.compile_expr(&first.context)?;
        let cs = sp(first.context.span);
        // CPython 3.11 attributes a failing __enter__ to the whole `with` line (no carets).
        let line_len = self
            .lines
            .get(s.line.saturating_sub(1) as usize)
            .map(|l| l.len() as u32)
            .unwrap_or(s.end_col);
        let whole = SpanInfo {
            end_line: s.line,
            end_col: line_len,
            ..s
        };
        self.emit(Instr::BeforeWith, whole);
        let tmp = self.new_tmp();
        self.emit(Instr::Rot2, s);
        self.emit(Instr::StoreFast(tmp), s);
        let setup = self.emit(Instr::SetupFinally(0), s);
        self.unit().fblocks.push(FBlock::With(tmp));
        match &first.target {
            Some(t) => self.compile_store(t)?,
            None => {
                self.emit(Instr::Pop, s);
            }
        }
        if rest.is_empty() {
            self.compile_body(body)?;
        } else {
            self.compile_with(rest, body, s)?;
        }
        self.unit().fblocks.pop();
        self.emit(Instr::PopBlock, s);
        self.emit(Instr::LoadFast(tmp), cs);
        self.emit_const(Value::None, cs);
        self.emit_const(Value::None, cs);
        self.emit_const(Value::None, cs);
        self.emit(Instr::Call(3), cs);
        self.emit(Instr::Pop, s);
        let j = self.emit(Instr::Jump(0), s);
        let h = self.here();
        self.patch(setup, h);
        self.emit(Instr::LoadFast(tmp), cs);
        self.emit(Instr::Rot2, cs);
        self.emit(Instr::WithExceptStart, cs);
        let js = self.emit(Instr::PopJumpIfTrue(0), cs);
        self.emit(Instr::Reraise, cs);
        let sup = self.here();
        self.patch(js, sup);
        self.emit(Instr::Pop, cs);
        self.emit(Instr::Pop, cs);
        self.emit(Instr::PopExcept, cs);
        let end = self.here();
        self.patch(j, end);
        Ok(())
    }

    // -----------------------------------------------------------------------------------
    // expressions

    fn binop_span(&self, e: &Expr, left: &Expr, right: &Expr) -> SpanInfo {
        let mut s = sp(e.span);
        if e.span.line != e.span.end_line
            || left.span.end_line != e.span.line
            || right.span.line != e.span.line
        {
            return s;
        }
        let Some(line) = self.lines.get(e.span.line.saturating_sub(1) as usize) else {
            return s;
        };
        let mut i = left.span.end_col as usize;
        let stop = right.span.col as usize;
        while i < stop && i < line.len() {
            let c = line[i];
            if c.is_whitespace() {
                i += 1;
                continue;
            }
            let mut r = i + 1;
            if i + 1 < stop && !line.get(i + 1).map(|c| c.is_whitespace()).unwrap_or(true) {
                r += 1;
            }
            if i + 1 < stop && c == ')' {
                i += 1;
                continue;
            }
            s.anchor_left = i as u32;
            s.anchor_right = r as u32;
            break;
        }
        s
    }

    fn compile_expr(&mut self, e: &'a Expr) -> CResult<()> {
        let s = sp(e.span);
        match &e.kind {
            ExprKind::Name(n) => self.load_name(n, s),
            ExprKind::Constant(c) => {
                let v = match c {
                    Constant::None => Value::None,
                    Constant::Bool(b) => Value::Bool(*b),
                    Constant::Int(i) => Value::from_bigint(i.clone()),
                    Constant::Float(f) => Value::Float(*f),
                    Constant::Str(st) => Value::str(st.as_str()),
                    Constant::Bytes(b) => Value::bytes(b.clone()),
                    Constant::Ellipsis => Value::Ellipsis,
                };
                self.emit_const(v, s);
            }
            ExprKind::FString(parts) => self.compile_fstring(parts, s)?,
            ExprKind::List(items) => self.compile_seq(items, s, 0)?,
            ExprKind::Tuple(items) => self.compile_seq(items, s, 1)?,
            ExprKind::Set(items) => self.compile_seq(items, s, 2)?,
            ExprKind::Dict(pairs) => {
                if pairs.iter().any(|(k, _)| k.is_none()) {
                    self.emit(Instr::BuildMap(0), s);
                    for (k, v) in pairs {
                        match k {
                            Some(k) => {
                                self.compile_expr(k)?;
                                self.compile_expr(v)?;
                                self.emit(Instr::MapAdd(1), s);
                            }
                            None => {
                                self.compile_expr(v)?;
                                self.emit(Instr::DictUpdate(1), s);
                            }
                        }
                    }
                } else {
                    for (k, v) in pairs {
                        self.compile_expr(k.as_ref().expect("key"))?;
                        self.compile_expr(v)?;
                    }
                    self.emit(Instr::BuildMap(pairs.len() as u32), s);
                }
            }
            ExprKind::Starred(_) => {
                return Err((e.span.line, "can't use starred expression here".into()))
            }
            ExprKind::Attribute { value, attr } => {
                self.compile_expr(value)?;
                let i = self.attr_idx(attr);
                self.emit(Instr::LoadAttr(i), s);
            }
            ExprKind::Subscript { value, index } => {
                self.compile_expr(value)?;
                self.compile_expr(index)?;
                self.emit(Instr::BinarySubscr, subscript_span(e, value, index));
            }
            ExprKind::Slice { lower, upper, step } => {
                for part in [lower, upper] {
                    match part {
                        Some(x) => self.compile_expr(x)?,
                        None => self.emit_const(Value::None, s),
                    }
                }
                match step {
                    Some(x) => {
                        self.compile_expr(x)?;
                        self.emit(Instr::BuildSlice(3), s);
                    }
                    None => {
                        self.emit(Instr::BuildSlice(2), s);
                    }
                }
            }
            ExprKind::Call {
                func,
                args,
                keywords,
            } => self.compile_call(e, func, args, keywords)?,
            ExprKind::BinOp { left, op, right } => {
                self.compile_expr(left)?;
                self.compile_expr(right)?;
                let bs = self.binop_span(e, left, right);
                self.emit(Instr::BinaryOp(*op), bs);
            }
            ExprKind::UnaryOp { op, operand } => {
                self.compile_expr(operand)?;
                self.emit(Instr::UnaryOp(*op), s);
            }
            ExprKind::BoolOp { op, values } => {
                let mut patches = Vec::new();
                for (i, v) in values.iter().enumerate() {
                    self.compile_expr(v)?;
                    if i + 1 < values.len() {
                        let j = match op {
                            BoolOp::And => self.emit(Instr::JumpIfFalseOrPop(0), s),
                            BoolOp::Or => self.emit(Instr::JumpIfTrueOrPop(0), s),
                        };
                        patches.push(j);
                    }
                }
                let end = self.here();
                for p in patches {
                    self.patch(p, end);
                }
            }
            ExprKind::Compare {
                left,
                ops,
                comparators,
            } => {
                self.compile_expr(left)?;
                if ops.len() == 1 {
                    self.compile_expr(&comparators[0])?;
                    self.emit(Instr::CompareOp(ops[0]), s);
                } else {
                    let mut cleanup = Vec::new();
                    for (i, (op, c)) in ops.iter().zip(comparators.iter()).enumerate() {
                        self.compile_expr(c)?;
                        if i + 1 < ops.len() {
                            self.emit(Instr::Dup, s);
                            self.emit(Instr::Rot3, s);
                            self.emit(Instr::CompareOp(*op), s);
                            cleanup.push(self.emit(Instr::JumpIfFalseOrPop(0), s));
                        } else {
                            self.emit(Instr::CompareOp(*op), s);
                        }
                    }
                    let j = self.emit(Instr::Jump(0), s);
                    let c = self.here();
                    for p in cleanup {
                        self.patch(p, c);
                    }
                    self.emit(Instr::Rot2, s);
                    self.emit(Instr::Pop, s);
                    let end = self.here();
                    self.patch(j, end);
                }
            }
            ExprKind::IfExp { test, body, orelse } => {
                self.compile_expr(test)?;
                let jf = self.emit(Instr::PopJumpIfFalse(0), s);
                self.compile_expr(body)?;
                let j = self.emit(Instr::Jump(0), s);
                let h = self.here();
                self.patch(jf, h);
                self.compile_expr(orelse)?;
                let end = self.here();
                self.patch(j, end);
            }
            ExprKind::Lambda { params, body } => {
                let flags = self.compile_defaults(params, s)?;
                let scope = self.by_node[&addr(e)];
                let qual = self.qualname_for("<lambda>");
                self.push_unit(scope, "<lambda>", qual, CodeKind::Function);
                self.compile_expr(body)?;
                self.emit(Instr::ReturnValue, sp(body.span));
                let code = self.pop_unit(0, 0, true);
                let code = self.finish_function_code(code, params);
                let fi = self.add_function(code);
                self.emit(Instr::MakeFunction(fi | (flags << 24)), s);
            }
            ExprKind::ListComp { elt, generators } => {
                self.compile_comp(e, generators, CompKind::List(elt))?
            }
            ExprKind::SetComp { elt, generators } => {
                self.compile_comp(e, generators, CompKind::Set(elt))?
            }
            ExprKind::GeneratorExp { elt, generators } => {
                self.compile_comp(e, generators, CompKind::Gen(elt))?
            }
            ExprKind::DictComp {
                key,
                value,
                generators,
            } => self.compile_comp(e, generators, CompKind::Dict(key, value))?,
            ExprKind::NamedExpr { target, value } => {
                self.compile_expr(value)?;
                self.emit(Instr::Dup, s);
                self.store_name(target, s);
            }
            ExprKind::Yield(v) => {
                match v {
                    Some(v) => self.compile_expr(v)?,
                    None => self.emit_const(Value::None, s),
                }
                self.emit(Instr::YieldValue, s);
            }
            ExprKind::YieldFrom(v) => {
                self.compile_expr(v)?;
                self.emit(Instr::GetIter, s);
                let start = self.here();
                let fi = self.emit(Instr::ForIter(0), s);
                self.emit(Instr::YieldValue, s);
                self.emit(Instr::Pop, s);
                self.emit(Instr::Jump(start as u32), s);
                let end = self.here();
                self.patch(fi, end);
                self.emit_const(Value::None, s);
            }
        }
        Ok(())
    }

    /// kind: 0 list, 1 tuple, 2 set.
    fn compile_seq(&mut self, items: &'a [Expr], s: SpanInfo, kind: u8) -> CResult<()> {
        let starred = items.iter().any(|i| matches!(i.kind, ExprKind::Starred(_)));
        if !starred {
            for i in items {
                self.compile_expr(i)?;
            }
            let n = items.len() as u32;
            self.emit(
                match kind {
                    0 => Instr::BuildList(n),
                    1 => Instr::BuildTuple(n),
                    _ => Instr::BuildSet(n),
                },
                s,
            );
            return Ok(());
        }
        self.emit(
            if kind == 2 {
                Instr::BuildSet(0)
            } else {
                Instr::BuildList(0)
            },
            s,
        );
        for i in items {
            match &i.kind {
                ExprKind::Starred(inner) => {
                    self.compile_expr(inner)?;
                    self.emit(
                        if kind == 2 {
                            Instr::SetUpdate(1)
                        } else {
                            Instr::ListExtend(1)
                        },
                        s,
                    );
                }
                _ => {
                    self.compile_expr(i)?;
                    self.emit(
                        if kind == 2 {
                            Instr::SetAdd(1)
                        } else {
                            Instr::ListAppend(1)
                        },
                        s,
                    );
                }
            }
        }
        if kind == 1 {
            self.emit(Instr::ListToTuple, s);
        }
        Ok(())
    }

    fn compile_fstring(&mut self, parts: &'a [FStringPart], s: SpanInfo) -> CResult<()> {
        let mut n = 0;
        for p in parts {
            match p {
                FStringPart::Literal(t) => {
                    if t.is_empty() {
                        continue;
                    }
                    self.emit_const(Value::str(t.as_str()), s);
                }
                FStringPart::Value {
                    value,
                    conversion,
                    spec,
                    debug,
                } => {
                    self.compile_expr(value)?;
                    let mut flags = match conversion {
                        Some('s') => 1,
                        Some('r') => 2,
                        Some('a') => 3,
                        _ => 0,
                    };
                    if *debug && conversion.is_none() && spec.is_none() {
                        flags = 2;
                    }
                    if let Some(sp) = spec {
                        self.compile_fstring(sp, s)?;
                        flags |= 4;
                    }
                    self.emit(Instr::FormatValue(flags), sp(value.span));
                }
            }
            n += 1;
        }
        if n == 0 {
            self.emit_const(Value::str(""), s);
        } else if n > 1
            || matches!(
                parts
                    .iter()
                    .find(|p| !matches!(p, FStringPart::Literal(t) if t.is_empty())),
                Some(FStringPart::Value { .. })
            )
        {
            self.emit(Instr::BuildString(n), s);
        }
        Ok(())
    }

    fn compile_call(
        &mut self,
        e: &'a Expr,
        func: &'a Expr,
        args: &'a [Expr],
        keywords: &'a [Keyword],
    ) -> CResult<()> {
        let s = sp(e.span);
        // Zero-argument super() inside a method.
        if let ExprKind::Name(n) = &func.kind {
            if n == "super" && args.is_empty() && keywords.is_empty() {
                let u = self.units.last().expect("unit");
                let sc = &self.scopes[u.scope];
                if u.kind == CodeKind::Function && !sc.params.is_empty() {
                    let first = sc.params[0].clone();
                    self.load_name("super", sp(func.span));
                    self.emit(Instr::LoadClassCell, s);
                    self.load_name(&first, s);
                    self.emit(Instr::Call(2), s);
                    return Ok(());
                }
            }
        }
        let starred = args.iter().any(|a| matches!(a.kind, ExprKind::Starred(_)));
        let dstar = keywords.iter().any(|k| k.name.is_none());
        if !starred && !dstar && keywords.is_empty() {
            if let ExprKind::Attribute { value, attr } = &func.kind {
                self.compile_expr(value)?;
                let i = self.attr_idx(attr);
                self.emit(Instr::LoadMethod(i), sp(func.span));
                for a in args {
                    self.compile_expr(a)?;
                }
                self.emit(Instr::CallMethod(args.len() as u32), s);
                return Ok(());
            }
        }
        self.compile_expr(func)?;
        if starred || dstar {
            self.compile_seq(args, s, 1)?;
            if !keywords.is_empty() {
                self.emit(Instr::BuildMap(0), s);
                for k in keywords {
                    match &k.name {
                        Some(n) => {
                            self.emit_const(Value::str(n.as_str()), s);
                            self.compile_expr(&k.value)?;
                            self.emit(Instr::MapAdd(1), s);
                        }
                        None => {
                            self.compile_expr(&k.value)?;
                            self.emit(Instr::DictUpdate(1), s);
                        }
                    }
                }
                self.emit(Instr::CallEx(1), s);
            } else {
                self.emit(Instr::CallEx(0), s);
            }
            return Ok(());
        }
        for a in args {
            self.compile_expr(a)?;
        }
        if keywords.is_empty() {
            self.emit(Instr::Call(args.len() as u32), s);
        } else {
            let mut names = Vec::new();
            for k in keywords {
                self.compile_expr(&k.value)?;
                names.push(Value::str(k.name.as_deref().unwrap_or("")));
            }
            self.emit_const(Value::tuple(names), s);
            self.emit(Instr::CallKw((args.len() + keywords.len()) as u32), s);
        }
        Ok(())
    }

    fn compile_comp(
        &mut self,
        e: &'a Expr,
        gens: &'a [Comprehension],
        kind: CompKind<'a>,
    ) -> CResult<()> {
        let s = sp(e.span);
        let scope = self.by_node[&addr(e)];
        let name = match kind {
            CompKind::List(_) => "<listcomp>",
            CompKind::Set(_) => "<setcomp>",
            CompKind::Dict(..) => "<dictcomp>",
            CompKind::Gen(_) => "<genexpr>",
        };
        let qual = self.qualname_for(name);
        self.push_unit(scope, name, qual, CodeKind::Function);
        match kind {
            CompKind::List(_) => {
                self.emit(Instr::BuildList(0), s);
            }
            CompKind::Set(_) => {
                self.emit(Instr::BuildSet(0), s);
            }
            CompKind::Dict(..) => {
                self.emit(Instr::BuildMap(0), s);
            }
            CompKind::Gen(_) => {}
        }
        let mut loops = Vec::new();
        for (i, g) in gens.iter().enumerate() {
            if i == 0 {
                self.emit(Instr::LoadFast(0), s);
            } else {
                self.compile_expr(&g.iter)?;
                self.emit(Instr::GetIter, s);
            }
            let start = self.here();
            let fi = self.emit(Instr::ForIter(0), sp(g.iter.span));
            self.compile_store(&g.target)?;
            for cond in &g.ifs {
                self.compile_expr(cond)?;
                self.emit(Instr::PopJumpIfFalse(start as u32), sp(cond.span));
            }
            loops.push((start, fi));
        }
        let depth = gens.len() as u32 + 1;
        match kind {
            CompKind::List(elt) => {
                self.compile_expr(elt)?;
                self.emit(Instr::ListAppend(depth), s);
            }
            CompKind::Set(elt) => {
                self.compile_expr(elt)?;
                self.emit(Instr::SetAdd(depth), s);
            }
            CompKind::Dict(k, v) => {
                self.compile_expr(k)?;
                self.compile_expr(v)?;
                self.emit(Instr::MapAdd(depth), s);
            }
            CompKind::Gen(elt) => {
                self.compile_expr(elt)?;
                self.emit(Instr::YieldValue, s);
                self.emit(Instr::Pop, s);
            }
        }
        for (start, fi) in loops.into_iter().rev() {
            self.emit(Instr::Jump(start as u32), s);
            let h = self.here();
            self.patch(fi, h);
        }
        if matches!(kind, CompKind::Gen(_)) {
            self.emit_const(Value::None, s);
        }
        self.emit(Instr::ReturnValue, s);
        let mut code = self.pop_unit(1, 0, false);
        if let Some(c) = Rc::get_mut(&mut code) {
            c.argcount = 1;
        }
        let fi = self.add_function(code);
        self.emit(Instr::MakeFunction(fi), s);
        self.compile_expr(&gens[0].iter)?;
        self.emit(Instr::GetIter, sp(gens[0].iter.span));
        self.emit(Instr::Call(1), s);
        Ok(())
    }
}

#[derive(Clone, Copy)]
enum CompKind<'a> {
    List(&'a Expr),
    Set(&'a Expr),
    Dict(&'a Expr, &'a Expr),
    Gen(&'a Expr),
}

fn clone_code(c: &Code) -> Code {
    Code {
        name: c.name.clone(),
        qualname: c.qualname.clone(),
        filename: c.filename.clone(),
        instrs: c.instrs.clone(),
        spans: c.spans.clone(),
        consts: c.consts.clone(),
        names: c.names.clone(),
        name_values: c.name_values.clone(),
        gcache: c.gcache.clone(),
        varnames: c.varnames.clone(),
        cellvars: c.cellvars.clone(),
        freevars: c.freevars.clone(),
        free_sources: c.free_sources.clone(),
        cell_params: c.cell_params.clone(),
        posonly: c.posonly,
        argcount: c.argcount,
        kwonlycount: c.kwonlycount,
        has_varargs: c.has_varargs,
        has_varkw: c.has_varkw,
        is_generator: c.is_generator,
        first_line: c.first_line,
        functions: c.functions.clone(),
        has_docstring: c.has_docstring,
        hidden: c.hidden,
        kind: c.kind,
    }
}
