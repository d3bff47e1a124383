//! socklab's syntax tree in the canonical text form that `pydump.py` prints for CPython's.

use socklab_lang::ast::*;

fn sp(s: Span, spans: bool) -> String {
    if !spans {
        return String::new();
    }
    format!("@{}:{}-{}:{}", s.line, s.col, s.end_line, s.end_col)
}

fn st_(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        if (32..127).contains(&(c as u32)) && c != '\\' && c != '"' {
            out.push(c);
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    out.push('"');
    out
}

fn opt<T>(x: &Option<T>, f: impl Fn(&T) -> String) -> String {
    match x {
        None => "None".into(),
        Some(v) => f(v),
    }
}

fn lst<T>(xs: &[T], f: impl Fn(&T) -> String) -> String {
    format!("[{}]", xs.iter().map(f).collect::<Vec<_>>().join(", "))
}

fn constant(c: &Constant) -> String {
    match c {
        Constant::None => "None".into(),
        Constant::Bool(b) => if *b { "True" } else { "False" }.into(),
        Constant::Ellipsis => "...".into(),
        Constant::Int(i) => format!("int {i}"),
        Constant::Float(f) => format!("float {:x}", f.to_bits()),
        Constant::Str(s) => format!("str {}", st_(s)),
        Constant::Bytes(b) => format!(
            "bytes {}",
            st_(&b.iter().map(|&x| x as char).collect::<String>())
        ),
    }
}

fn binop(o: BinOp) -> &'static str {
    match o {
        BinOp::Add => "Add",
        BinOp::Sub => "Sub",
        BinOp::Mult => "Mult",
        BinOp::MatMult => "MatMult",
        BinOp::Div => "Div",
        BinOp::FloorDiv => "FloorDiv",
        BinOp::Mod => "Mod",
        BinOp::Pow => "Pow",
        BinOp::LShift => "LShift",
        BinOp::RShift => "RShift",
        BinOp::BitOr => "BitOr",
        BinOp::BitXor => "BitXor",
        BinOp::BitAnd => "BitAnd",
    }
}

fn cmpop(o: &CmpOp) -> String {
    format!("{o:?}")
}

fn param(p: &Param, spans: bool) -> String {
    format!(
        "{}:{}={}{}",
        p.name,
        opt(&p.annotation, |x| e(x, spans)),
        opt(&p.default, |x| e(x, spans)),
        sp(p.span, spans)
    )
}

fn params(p: &Params, spans: bool) -> String {
    format!(
        "Params({}, {}, {}, {}, {})",
        lst(&p.posonly, |x| param(x, spans)),
        lst(&p.args, |x| param(x, spans)),
        opt(&p.vararg, |x| param(x, spans)),
        lst(&p.kwonly, |x| param(x, spans)),
        opt(&p.kwarg, |x| param(x, spans))
    )
}

fn fparts(parts: &[FStringPart]) -> String {
    lst(parts, |p| match p {
        FStringPart::Literal(s) => format!("Lit({})", st_(s)),
        FStringPart::Value {
            value,
            conversion,
            spec,
            debug,
        } => {
            let conv = match conversion {
                Some(c) => c.to_string(),
                None if *debug && spec.is_none() => "r".into(),
                None => "None".into(),
            };
            format!(
                "Val({}, {}, {})",
                e(value, false),
                conv,
                opt(spec, |s| fparts(s))
            )
        }
    })
}

fn comp(g: &Comprehension, spans: bool) -> String {
    format!(
        "comp({}, {}, {})",
        e(&g.target, spans),
        e(&g.iter, spans),
        lst(&g.ifs, |x| e(x, spans))
    )
}

fn kw(k: &Keyword, spans: bool) -> String {
    format!(
        "{}={}{}",
        k.name.as_deref().unwrap_or("None"),
        e(&k.value, spans),
        sp(k.span, spans)
    )
}

/// One expression.
pub fn e(n: &Expr, spans: bool) -> String {
    let ee = |x: &Expr| e(x, spans);
    let r = match &n.kind {
        ExprKind::Name(id) => format!("Name({id})"),
        ExprKind::Constant(c) => format!("Const({})", constant(c)),
        ExprKind::FString(parts) => format!("FString({})", fparts(parts)),
        ExprKind::List(x) => format!("List({})", lst(x, ee)),
        ExprKind::Tuple(x) => format!("Tuple({})", lst(x, ee)),
        ExprKind::Set(x) => format!("Set({})", lst(x, ee)),
        ExprKind::Dict(items) => format!(
            "Dict([{}])",
            items
                .iter()
                .map(|(k, v)| format!("{}: {}", opt(k, ee), ee(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ExprKind::Starred(v) => format!("Starred({})", ee(v)),
        ExprKind::Attribute { value, attr } => format!("Attribute({}, {attr})", ee(value)),
        ExprKind::Subscript { value, index } => format!("Subscript({}, {})", ee(value), ee(index)),
        ExprKind::Slice { lower, upper, step } => format!(
            "Slice({}, {}, {})",
            opt(lower, |x| ee(x)),
            opt(upper, |x| ee(x)),
            opt(step, |x| ee(x))
        ),
        ExprKind::Call {
            func,
            args,
            keywords,
        } => format!(
            "Call({}, {}, {})",
            ee(func),
            lst(args, ee),
            lst(keywords, |k| kw(k, spans))
        ),
        ExprKind::BinOp { left, op, right } => {
            format!("BinOp({}, {}, {})", ee(left), binop(*op), ee(right))
        }
        ExprKind::UnaryOp { op, operand } => format!("UnaryOp({op:?}, {})", ee(operand)),
        ExprKind::BoolOp { op, values } => format!("BoolOp({op:?}, {})", lst(values, ee)),
        ExprKind::Compare {
            left,
            ops,
            comparators,
        } => format!(
            "Compare({}, {}, {})",
            ee(left),
            lst(ops, cmpop),
            lst(comparators, ee)
        ),
        ExprKind::IfExp { test, body, orelse } => {
            format!("IfExp({}, {}, {})", ee(test), ee(body), ee(orelse))
        }
        ExprKind::Lambda { params: p, body } => {
            format!("Lambda({}, {})", params(p, spans), ee(body))
        }
        ExprKind::ListComp { elt, generators } => format!(
            "ListComp({}, {})",
            ee(elt),
            lst(generators, |g| comp(g, spans))
        ),
        ExprKind::SetComp { elt, generators } => format!(
            "SetComp({}, {})",
            ee(elt),
            lst(generators, |g| comp(g, spans))
        ),
        ExprKind::GeneratorExp { elt, generators } => format!(
            "GeneratorExp({}, {})",
            ee(elt),
            lst(generators, |g| comp(g, spans))
        ),
        ExprKind::DictComp {
            key,
            value,
            generators,
        } => format!(
            "DictComp({}, {}, {})",
            ee(key),
            ee(value),
            lst(generators, |g| comp(g, spans))
        ),
        ExprKind::NamedExpr { target, value } => format!("NamedExpr({target}, {})", ee(value)),
        ExprKind::Yield(v) => format!("Yield({})", opt(v, |x| ee(x))),
        ExprKind::YieldFrom(v) => format!("YieldFrom({})", ee(v)),
    };
    r + &sp(n.span, spans)
}

fn body(b: &[Stmt]) -> String {
    lst(b, st)
}

fn alias(a: &Alias) -> String {
    format!(
        "{} as {}{}",
        a.name,
        a.asname.as_deref().unwrap_or("None"),
        sp(a.span, true)
    )
}

fn ex(x: &Expr) -> String {
    e(x, true)
}

/// One statement.
pub fn st(n: &Stmt) -> String {
    let r = match &n.kind {
        StmtKind::Expr(v) => format!("Expr({})", ex(v)),
        StmtKind::Assign { targets, value } => {
            format!("Assign({}, {})", lst(targets, ex), ex(value))
        }
        StmtKind::AugAssign { target, op, value } => {
            format!("AugAssign({}, {}, {})", ex(target), binop(*op), ex(value))
        }
        StmtKind::AnnAssign {
            target,
            annotation,
            value,
        } => format!(
            "AnnAssign({}, {}, {})",
            ex(target),
            ex(annotation),
            opt(value, ex)
        ),
        StmtKind::If {
            test,
            body: b,
            orelse,
        } => {
            format!("If({}, {}, {})", ex(test), body(b), body(orelse))
        }
        StmtKind::While {
            test,
            body: b,
            orelse,
        } => {
            format!("While({}, {}, {})", ex(test), body(b), body(orelse))
        }
        StmtKind::For {
            target,
            iter,
            body: b,
            orelse,
        } => format!(
            "For({}, {}, {}, {})",
            ex(target),
            ex(iter),
            body(b),
            body(orelse)
        ),
        StmtKind::Break => "Break".into(),
        StmtKind::Continue => "Continue".into(),
        StmtKind::Pass => "Pass".into(),
        StmtKind::Return(v) => format!("Return({})", opt(v, ex)),
        StmtKind::FunctionDef(f) => format!(
            "FunctionDef({}, {}, {}, {}, {})",
            f.name,
            params(&f.params, true),
            body(&f.body),
            lst(&f.decorators, ex),
            opt(&f.returns, |x| ex(x))
        ),
        StmtKind::ClassDef {
            name,
            bases,
            keywords,
            body: b,
            decorators,
        } => format!(
            "ClassDef({name}, {}, {}, {}, {})",
            lst(bases, ex),
            lst(keywords, |k| kw(k, true)),
            body(b),
            lst(decorators, ex)
        ),
        StmtKind::Try {
            body: b,
            handlers,
            orelse,
            finalbody,
        } => format!(
            "Try({}, {}, {}, {})",
            body(b),
            lst(handlers, |h| format!(
                "Handler({}, {}, {}){}",
                opt(&h.kind, ex),
                h.name.as_deref().unwrap_or("None"),
                body(&h.body),
                sp(h.span, true)
            )),
            body(orelse),
            body(finalbody)
        ),
        StmtKind::Raise { exc, cause } => {
            format!("Raise({}, {})", opt(exc, ex), opt(cause, ex))
        }
        StmtKind::With { items, body: b } => format!(
            "With({}, {})",
            lst(items, |i| format!(
                "item({}, {})",
                ex(&i.context),
                opt(&i.target, ex)
            )),
            body(b)
        ),
        StmtKind::Import(names) => format!("Import({})", lst(names, alias)),
        StmtKind::ImportFrom {
            module,
            names,
            level,
        } => format!("ImportFrom({module}, {}, {level})", lst(names, alias)),
        StmtKind::Global(names) => format!("Global({})", lst(names, |n| n.clone())),
        StmtKind::Nonlocal(names) => format!("Nonlocal({})", lst(names, |n| n.clone())),
        StmtKind::Assert { test, msg } => format!("Assert({}, {})", ex(test), opt(msg, ex)),
        StmtKind::Delete(targets) => format!("Delete({})", lst(targets, ex)),
    };
    r + &sp(n.span, true)
}

/// A whole module.
pub fn module(m: &Module) -> String {
    body(&m.body)
}
