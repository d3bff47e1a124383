"""Dumps CPython's syntax tree in the canonical form that lang/tests/parser.rs prints
for socklab's tree, so the two parsers can be compared node by node, spans included."""
import ast
import struct
import sys

src = open(sys.argv[1], encoding="utf-8-sig").read()
LINES = src.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def col(lineno, off):
    return len(LINES[lineno - 1].encode()[:off].decode("utf-8", "replace"))


def sp(n, spans):
    if not spans:
        return ""
    return "@%d:%d-%d:%d" % (n.lineno, col(n.lineno, n.col_offset), n.end_lineno,
                             col(n.end_lineno, n.end_col_offset))


def s(text):
    return '"' + "".join(c if 32 <= ord(c) < 127 and c not in '\\"' else "\\u{%x}" % ord(c)
                         for c in text) + '"'


def opt(x, f):
    return "None" if x is None else f(x)


def lst(xs, f):
    return "[" + ", ".join(f(x) for x in xs) + "]"


def const(v):
    if v is None or v is True or v is False:
        return str(v)
    if v is Ellipsis:
        return "..."
    if isinstance(v, int):
        return "int %d" % v
    if isinstance(v, float):
        return "float %x" % struct.unpack("<Q", struct.pack("<d", v))[0]
    if isinstance(v, str):
        return "str " + s(v)
    if isinstance(v, bytes):
        return "bytes " + s(v.decode("latin-1"))
    return "?" + repr(v)


OPS = {ast.Add: "Add", ast.Sub: "Sub", ast.Mult: "Mult", ast.MatMult: "MatMult",
       ast.Div: "Div", ast.FloorDiv: "FloorDiv", ast.Mod: "Mod", ast.Pow: "Pow",
       ast.LShift: "LShift", ast.RShift: "RShift", ast.BitOr: "BitOr", ast.BitXor: "BitXor",
       ast.BitAnd: "BitAnd", ast.Not: "Not", ast.USub: "Neg", ast.UAdd: "Pos",
       ast.Invert: "Invert", ast.And: "And", ast.Or: "Or", ast.Eq: "Eq", ast.NotEq: "NotEq",
       ast.Lt: "Lt", ast.LtE: "LtE", ast.Gt: "Gt", ast.GtE: "GtE", ast.Is: "Is",
       ast.IsNot: "IsNot", ast.In: "In", ast.NotIn: "NotIn"}


def op(o):
    return OPS[type(o)]


def param(a, default, spans):
    return "%s:%s=%s%s" % (a.arg, opt(a.annotation, lambda x: e(x, spans)),
                           opt(default, lambda x: e(x, spans)), sp(a, spans))


def params(a, spans):
    pos = a.posonlyargs + a.args
    defaults = [None] * (len(pos) - len(a.defaults)) + a.defaults
    pd = list(zip(pos, defaults))
    np = len(a.posonlyargs)
    return "Params(%s, %s, %s, %s, %s)" % (
        lst(pd[:np], lambda x: param(x[0], x[1], spans)),
        lst(pd[np:], lambda x: param(x[0], x[1], spans)),
        opt(a.vararg, lambda x: param(x, None, spans)),
        lst(list(zip(a.kwonlyargs, a.kw_defaults)), lambda x: param(x[0], x[1], spans)),
        opt(a.kwarg, lambda x: param(x, None, spans)))


def fparts(values, spans):
    out = []
    for v in values:
        if isinstance(v, ast.Constant):
            if out and out[-1][0] == "lit":
                out[-1] = ("lit", out[-1][1] + v.value)
            else:
                out.append(("lit", v.value))
        else:
            conv = "None" if v.conversion == -1 else chr(v.conversion)
            spec = opt(v.format_spec, lambda j: fparts(j.values, False))
            out.append(("val", "Val(%s, %s, %s)" % (e(v.value, False), conv, spec)))
    return "[" + ", ".join("Lit(" + s(x) + ")" if k == "lit" else x for k, x in out) + "]"


def comp(g, spans):
    return "comp(%s, %s, %s)" % (e(g.target, spans), e(g.iter, spans),
                                 lst(g.ifs, lambda x: e(x, spans)))


def kw(k, spans):
    return "%s=%s%s" % (k.arg, e(k.value, spans), sp(k, spans))


def e(n, spans=True):
    E = lambda x: e(x, spans)
    t = type(n)
    if t is ast.Name:
        r = "Name(%s)" % n.id
    elif t is ast.Constant:
        r = "Const(%s)" % const(n.value)
    elif t is ast.JoinedStr:
        r = "FString(%s)" % fparts(n.values, spans)
    elif t in (ast.List, ast.Tuple, ast.Set):
        r = "%s(%s)" % (t.__name__, lst(n.elts, E))
    elif t is ast.Dict:
        r = "Dict([%s])" % ", ".join("%s: %s" % (opt(k, E), E(v)) for k, v in zip(n.keys, n.values))
    elif t is ast.Starred:
        r = "Starred(%s)" % E(n.value)
    elif t is ast.Attribute:
        r = "Attribute(%s, %s)" % (E(n.value), n.attr)
    elif t is ast.Subscript:
        r = "Subscript(%s, %s)" % (E(n.value), E(n.slice))
    elif t is ast.Slice:
        r = "Slice(%s, %s, %s)" % (opt(n.lower, E), opt(n.upper, E), opt(n.step, E))
    elif t is ast.Call:
        r = "Call(%s, %s, %s)" % (E(n.func), lst(n.args, E), lst(n.keywords, lambda k: kw(k, spans)))
    elif t is ast.BinOp:
        r = "BinOp(%s, %s, %s)" % (E(n.left), op(n.op), E(n.right))
    elif t is ast.UnaryOp:
        r = "UnaryOp(%s, %s)" % (op(n.op), E(n.operand))
    elif t is ast.BoolOp:
        r = "BoolOp(%s, %s)" % (op(n.op), lst(n.values, E))
    elif t is ast.Compare:
        r = "Compare(%s, %s, %s)" % (E(n.left), lst(n.ops, op), lst(n.comparators, E))
    elif t is ast.IfExp:
        r = "IfExp(%s, %s, %s)" % (E(n.test), E(n.body), E(n.orelse))
    elif t is ast.Lambda:
        r = "Lambda(%s, %s)" % (params(n.args, spans), E(n.body))
    elif t in (ast.ListComp, ast.SetComp, ast.GeneratorExp):
        r = "%s(%s, %s)" % (t.__name__, E(n.elt), lst(n.generators, lambda g: comp(g, spans)))
    elif t is ast.DictComp:
        r = "DictComp(%s, %s, %s)" % (E(n.key), E(n.value), lst(n.generators, lambda g: comp(g, spans)))
    elif t is ast.NamedExpr:
        r = "NamedExpr(%s, %s)" % (n.target.id, E(n.value))
    elif t is ast.Yield:
        r = "Yield(%s)" % opt(n.value, E)
    elif t is ast.YieldFrom:
        r = "YieldFrom(%s)" % E(n.value)
    else:
        r = "?" + t.__name__
    return r + sp(n, spans)


def body(b):
    return lst(b, st)


def alias(a):
    return "%s as %s%s" % (a.name, a.asname, sp(a, True))


def st(n):
    t = type(n)
    if t is ast.Expr:
        r = "Expr(%s)" % e(n.value)
    elif t is ast.Assign:
        r = "Assign(%s, %s)" % (lst(n.targets, e), e(n.value))
    elif t is ast.AugAssign:
        r = "AugAssign(%s, %s, %s)" % (e(n.target), op(n.op), e(n.value))
    elif t is ast.AnnAssign:
        r = "AnnAssign(%s, %s, %s)" % (e(n.target), e(n.annotation), opt(n.value, e))
    elif t in (ast.If, ast.While):
        r = "%s(%s, %s, %s)" % (t.__name__, e(n.test), body(n.body), body(n.orelse))
    elif t is ast.For:
        r = "For(%s, %s, %s, %s)" % (e(n.target), e(n.iter), body(n.body), body(n.orelse))
    elif t in (ast.Break, ast.Continue, ast.Pass):
        r = t.__name__
    elif t is ast.Return:
        r = "Return(%s)" % opt(n.value, e)
    elif t is ast.FunctionDef:
        r = "FunctionDef(%s, %s, %s, %s, %s)" % (n.name, params(n.args, True), body(n.body),
                                                 lst(n.decorator_list, e), opt(n.returns, e))
    elif t is ast.ClassDef:
        r = "ClassDef(%s, %s, %s, %s, %s)" % (n.name, lst(n.bases, e), lst(n.keywords, lambda k: kw(k, True)),
                                              body(n.body), lst(n.decorator_list, e))
    elif t is ast.Try:
        r = "Try(%s, %s, %s, %s)" % (body(n.body), lst(n.handlers, lambda h: "Handler(%s, %s, %s)%s" % (
            opt(h.type, e), h.name, body(h.body), sp(h, True))), body(n.orelse), body(n.finalbody))
    elif t is ast.Raise:
        r = "Raise(%s, %s)" % (opt(n.exc, e), opt(n.cause, e))
    elif t is ast.With:
        r = "With(%s, %s)" % (lst(n.items, lambda i: "item(%s, %s)" % (e(i.context_expr), opt(i.optional_vars, e))),
                              body(n.body))
    elif t is ast.Import:
        r = "Import(%s)" % lst(n.names, alias)
    elif t is ast.ImportFrom:
        r = "ImportFrom(%s, %s, %d)" % (n.module or "", lst(n.names, alias), n.level)
    elif t in (ast.Global, ast.Nonlocal):
        r = "%s(%s)" % (t.__name__, lst(n.names, str))
    elif t is ast.Assert:
        r = "Assert(%s, %s)" % (e(n.test), opt(n.msg, e))
    elif t is ast.Delete:
        r = "Delete(%s)" % lst(n.targets, e)
    else:
        r = "?" + t.__name__
    return r + sp(n, True)


print(body(ast.parse(src).body))
