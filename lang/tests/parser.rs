//! Parser tests: every lesson parses; the tree matches CPython's (`ast.parse`, compared
//! node by node with spans through `parser/pydump.py`); syntax errors render exactly
//! as CPython 3.11 prints them when it runs the same file.

#[path = "parser/dump.rs"]
mod dump;

use socklab_lang::parser::{parse, parse_with_warnings};
use socklab_lang::source::decode_source;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// The real CPython binary (a version manager's `python3` shim costs a shell per call).
fn python() -> &'static str {
    static PYTHON: OnceLock<String> = OnceLock::new();
    PYTHON.get_or_init(|| {
        let out = Command::new("python3")
            .args(["-c", "import sys; print(sys.executable)"])
            .output()
            .expect("python3 runs");
        String::from_utf8(out.stdout)
            .expect("utf-8")
            .trim()
            .to_string()
    })
}

/// Writes `src` to a fresh file in the temp dir (bytes as given: CRLF, BOM, tabs survive).
fn temp_script(src: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("socklab-parser-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let path = dir.join(format!("case{n}.py"));
    std::fs::write(&path, src).expect("write script");
    path
}

/// Collects every failing case of a test, so one run shows them all.
#[derive(Default)]
struct Cases {
    failures: Vec<String>,
}

impl Cases {
    fn tree(&mut self, src: &str) {
        if let Err(e) = std::panic::catch_unwind(|| check_tree(src)) {
            self.failures.push(panic_text(e));
        }
    }

    fn warnings(&mut self, src: &str) {
        if let Err(e) = std::panic::catch_unwind(|| check_warnings(src)) {
            self.failures.push(panic_text(e));
        }
    }

    fn error(&mut self, src: &str) {
        if let Err(e) = std::panic::catch_unwind(|| check_syntax_error(src)) {
            self.failures.push(panic_text(e));
        }
    }
}

impl Drop for Cases {
    fn drop(&mut self) {
        if !self.failures.is_empty() && !std::thread::panicking() {
            panic!(
                "{} case(s) failed:\n\n{}",
                self.failures.len(),
                self.failures.join("\n")
            );
        }
    }
}

fn panic_text(e: Box<dyn std::any::Any + Send>) -> String {
    e.downcast_ref::<String>()
        .cloned()
        .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

/// Parses `src` with socklab and with CPython and compares the two trees, spans included.
fn check_tree(src: &str) {
    let path = temp_script(src);
    let pydump = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/parser/pydump.py");
    let out = Command::new(python())
        .arg("-S")
        .arg(pydump)
        .arg(&path)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "CPython rejects the case:\n{src}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected = String::from_utf8(out.stdout)
        .expect("utf-8")
        .trim_end()
        .to_string();
    let module = match parse(src, &path.display().to_string()) {
        Ok(m) => m,
        Err(e) => panic!("socklab rejects:\n{src}\n{}", e.render()),
    };
    let actual = dump::module(&module);
    if actual != expected {
        panic!("tree differs for:\n{src}\n--- CPython\n{expected}\n--- socklab\n{actual}\n");
    }
}

/// Runs `src` (which must not be valid Python) under CPython and compares its stderr
/// with socklab's rendering of the syntax error.
fn check_syntax_error(src: &str) {
    let path = temp_script(src);
    let out = Command::new(python())
        .arg("-S")
        .arg(&path)
        .output()
        .expect("python3 runs");
    let expected = String::from_utf8(out.stderr).expect("utf-8");
    assert!(
        !out.status.success() && expected.contains("Error"),
        "CPython accepts the case:\n{src}"
    );
    let actual = match parse(src, &path.display().to_string()) {
        Ok(_) => "(socklab parsed it)\n".to_string(),
        Err(e) => e.render(),
    };
    if actual != expected {
        panic!("syntax error differs for:\n{src}\n--- CPython\n{expected}--- socklab\n{actual}");
    }
}

/// Compiles `src` with CPython (without running it) and compares the SyntaxWarnings it
/// prints with socklab's.
fn check_warnings(src: &str) {
    let path = temp_script(src);
    let out = Command::new(python())
        .args(["-S", "-c"])
        .arg(
            "import sys\np = sys.argv[1]\ntry:\n    compile(open(p, encoding='utf-8').read(), p, 'exec')\nexcept SyntaxError:\n    pass\n",
        )
        .arg(&path)
        .output()
        .expect("python3 runs");
    let expected = String::from_utf8(out.stderr).expect("utf-8");
    let (_, warnings) = parse_with_warnings(src, &path.display().to_string());
    let actual: String = warnings.iter().map(|w| w.render()).collect();
    if actual != expected {
        panic!("warnings differ for:\n{src}\n--- CPython\n{expected}--- socklab\n{actual}");
    }
}

#[test]
fn every_lesson_script_parses() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../lessons");
    let mut count = 0;
    let mut c = Cases::default();
    for lesson in std::fs::read_dir(root).expect("lessons dir") {
        let dir = lesson.expect("entry").path();
        if !dir.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&dir).expect("lesson dir") {
            let path = file.expect("entry").path();
            if path.extension().is_some_and(|e| e == "py") {
                let src = std::fs::read_to_string(&path).expect("readable");
                c.tree(&src);
                count += 1;
            }
        }
    }
    assert!(count >= 13, "found only {count} lesson scripts");
}

/// Scripts in `parser/trees/`, each compared node by node with CPython's tree.
#[test]
fn tree_files_match_cpython() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/parser/trees");
    let mut c = Cases::default();
    let mut count = 0;
    for entry in std::fs::read_dir(dir).expect("trees dir") {
        let path = entry.expect("entry").path();
        c.tree(&std::fs::read_to_string(&path).expect("readable"));
        count += 1;
    }
    assert!(count >= 5, "found only {count} files");
}

#[test]
fn simple_statements() {
    let mut c = Cases::default();
    c.tree("x = 1\ny = x + 2\nprint(x, y)\n");
    c.tree("a = b = c = 0\na += 1\nb -= 2; c *= 3;\n");
    c.tree("x: int = 5\ny: 'str'\nself.a: int = 1\n");
    c.tree("pass\nglobal a, b\ndel a, b[0], c.d\nassert x, 'msg'\nassert y\n");
    c.tree("def g():\n    q = 0\n    def f():\n        nonlocal q\n        return\n        return 1, 2\n        return *a, b\n");
    c.tree("raise\nraise ValueError('x')\nraise E from None\n");
    c.tree("def f():\n    x = yield\n    y = yield 1\n    z = yield from g()\n    yield\n");
}

#[test]
fn imports() {
    let mut c = Cases::default();
    c.tree("import socket\nimport os.path as p, sys\nfrom socket import *\n");
    c.tree("from a.b import c as d, e\nfrom . import x\nfrom ..m import (y,\n  z,)\n");
}

#[test]
fn compound_statements() {
    let mut c = Cases::default();
    c.tree("if a:\n    b\nelif c:\n    d\nelif e: f\nelse:\n    g\n");
    c.tree("while x > 0:\n    x -= 1\n    if x: break\n    continue\nelse:\n    done()\n");
    c.tree("for k, v in d.items():\n    print(k)\nelse:\n    pass\nfor (a, b), *c in x: pass\n");
    c.tree("with open('f') as f, lock:\n    pass\nwith a as (b, c): pass\n");
    c.tree("with (open('a') as f, open('b') as g):\n    pass\nwith (a): pass\n");
    c.tree(
        "try:\n    x()\nexcept (A, B) as e:\n    raise\nexcept C:\n    pass\nexcept:\n    y\nelse:\n    z\nfinally:\n    w\n",
    );
    c.tree("try:\n    pass\nfinally:\n    pass\n");
}

#[test]
fn functions_and_classes() {
    let mut c = Cases::default();
    c.tree("def f(a, b=1, *args, c, d=2, **kw):\n    '''doc'''\n    return a\n");
    c.tree("def g(a, /, b, *, c): pass\ndef h(x: int = 3, *a: str) -> bool: ...\n");
    c.tree("@dec\n@dec.attr(1)\ndef f(): pass\n@cls_dec\nclass A(B, metaclass=M):\n    x = 1\n    def m(self):\n        super().m()\n");
    c.tree("class E(Exception): pass\nclass F:\n    '''doc'''\n");
    c.tree("f = lambda: 0\ng = lambda x, y=2, *a, k, **kw: x + y\nh = lambda *, k: k\n");
}

#[test]
fn operators_and_precedence() {
    let mut c = Cases::default();
    c.tree("a = -2**2\nb = 2**-1\nc = 2**3**2\nd = not a == b\ne = -x.y[1]\n");
    c.tree("x = a | b ^ c & d << 1 >> 2 + 3 - 4 * 5 / 6 // 7 % 8 @ m\n");
    c.tree("x = a or b and not c\ny = a < b <= c != d\nz = a in b not in c is d is not e\n");
    c.tree("x = a if b else c if d else e\ny = ~x + +x\n");
    c.tree("if (n := len(a)) > 10: pass\nprint([y := 5, y ** 2])\n");
}

#[test]
fn atoms_displays_and_comprehensions() {
    let mut c = Cases::default();
    c.tree("x = ()\ny = (1,)\nz = 1, 2,\nw = [1, 2, *r]\ns = {1, 2}\nd = {}\ne = {'a': 1, **f}\n");
    c.tree(
        "l = [x * 2 for x in range(10) if x % 2 if x > 3]\nn = [(i, j) for i in a for j in b]\n",
    );
    c.tree("s = {x for x in y}\nd = {k: v for k, v in x.items()}\ng = (x for x in y)\nt = sum(x for x in y)\n");
    c.tree("a = b[1:2]\nc = d[::2]\ne = f[1:]\ng = h[:, 1]\ni = j[1:2:3, ...]\nk = l[-1]\nm = n[a, b]\n");
    c.tree("f(a, *b, c=1, **d)\nf(*a, *b)\nf(x=1, *y)\nf(a)(b)[c].d\n");
    c.tree("x = None, True, False, ...\ny = 0x1F + 0o17 + 0b101 + 1_000_000 + 1.5e-3 + .5 + 5. + 1E10\n");
    c.tree("z = 123456789012345678901234567890 * 0xFFFFFFFFFFFFFFFFFFFFFFFF\n");
}

#[test]
fn strings_and_bytes() {
    let mut c = Cases::default();
    c.tree("a = 'x' \"y\" '''z''' \"\"\"w\"\"\"\nb = b'\\x00\\xff' rb'\\n' Br'\\d'\n");
    c.tree("c = '\\n\\t\\\\ \\' \\\" \\a\\b\\f\\v\\0\\101\\x41\\u4e2d\\U0001F600 \\q'\n");
    c.tree("d = r'\\n' R'\\x' u'u' 'line\\\ncontinued'\n");
    c.tree("e = '''multi\nline\n  string'''\nf = '中文' '，'\n");
    c.tree("g = '\\N{BULLET} \\N{EM DASH}'\nh = b'\\q\\777'\n");
}

#[test]
fn fstrings() {
    let mut c = Cases::default();
    c.tree("a = f'{x}'\nb = f\"{x!r:>10} {y=} {z = !s} {w=:5}\"\n");
    c.tree("c = f'{{literal}} {x:{width}.{prec}f} {{{y}}}'\n");
    c.tree("d = f'{\"nested\"} {d[\"k\"]} {a if b else c} {x, y} {(lambda: 1)}'\n");
    c.tree("e = 'a' f'b{c}' 'd' f'{e}'\nf = rf'\\d{x}' fr'{y}\\n'\n");
    c.tree("g = f'''{\n  x\n}''' f'{x:%H:%M}' f'{3.14!s:^{w}}' f''\n");
    c.tree("h = f'{x:}' f'{x!r}' f'\\n{x}\\t' f'{x==1} {a>=b} {a!=b}'\n");
}

#[test]
fn layout_and_encoding() {
    let mut c = Cases::default();
    c.tree("x = (1 +\n     2)\ny = [\n  1,\n  2,\n]\nz = 1 + \\\n    2\n");
    c.tree(
        "# comment\n\n\nif x:   # trailing\n\n    # indented comment\n    y = 1\n\n\n    z = 2\n",
    );
    c.tree("if x:\n\ty = 1\n\tif y:\n\t\tz = 2\n");
    c.tree("x = 1\r\nif x:\r\n    y = '中'\r\n");
    c.tree("\u{feff}print('bom')\n");
    c.tree("print('no newline at end')");
    c.tree("s = '中文字符'; t = f'{s}中{s}'  # 注释\nu = s + '，'\n");
    c.tree("");
    c.tree("\n\n# only comments\n");
    c.tree("if a:\n    if b:\n        c\n    d\ne\n");
    c.tree("x = 1if y else 2\n");
}

#[test]
fn tokenizer_errors() {
    let mut c = Cases::default();
    c.error("x = 'abc\n");
    c.error("x = 1\ny = \"abc\nz = 2\n");
    c.error("x = '''abc\ndef\n");
    c.error("x = \"\"\"abc\n\ny = 2");
    c.error("print('hi'，'there')\n");
    c.error("x = 1\nprint(x）\n");
    c.error("x = 1abc\n");
    c.error("x = 0777\n");
    c.error("x = 1__0\n");
    c.error("x = 0x\n");
    c.error("x = 0o8\n");
    c.error("x = 1e+\n");
    c.error("x = $\n");
    c.error("x = a ? b\n");
    c.error("x = 1 ! 2\n");
    c.error("x = 1\u{a0}+ 2\n");
    c.error("x = 1\u{3000}+ 2\n");
    c.error("x = 1 +\u{200b} 2\n");
    c.error("x = 1 + \u{1} 2\n");
    c.error("print（'hi'）\n");
    c.error("x = 1，2\n");
    c.error("x = a，b\n");
    c.error("x = 1 \\ 2\n");
    c.error("x = 1 + \\");
    c.error("print('中文'，x)\n");
}

#[test]
fn bracket_errors() {
    let mut c = Cases::default();
    c.error("print('hello'\n");
    c.error("x = [1, 2\ny = 3\n");
    c.error("x = (1,\ny = 2\nz = 3\n");
    c.error("print('hello'))\n");
    c.error("x = [1, 2)\n");
    c.error("x = (1,\n2]\n");
    c.error("}\n");
    c.error("foo(a, b\nif x:\n    pass\n");
}

#[test]
fn indentation_errors() {
    let mut c = Cases::default();
    c.error("if x:\nprint(1)\n");
    c.error("def f():\nreturn 1\n");
    c.error("class A:\n\nx = 1\n");
    c.error("for i in x:\n# c\nprint(i)\n");
    c.error("while x:\n");
    c.error("try:\n    x\nexcept:\ny\n");
    c.error("x = 1\n    y = 2\n");
    c.error("if x:\n    y = 1\n  z = 2\n");
    c.error("if x:\n        y = 1\n    z = 2\n");
    c.error("if x:\n\ty = 1\n        z = 2\n");
    c.error("  x = 1\n");
    c.error("if x:\n    pass\n        y\n");
}

#[test]
fn parser_errors() {
    let mut c = Cases::default();
    c.error("if x\n    pass\n");
    c.error("while True\n    pass\n");
    c.error("def f()\n    pass\n");
    c.error("for i in range(3)\n    pass\n");
    c.error("class A\n    pass\n");
    c.error("else:\n    pass\n");
    c.error("x = = 1\n");
    c.error("x = 1 +\n");
    c.error("print 'hello'\n");
    c.error("print \"a\", x\n");
    c.error("f() = 1\n");
    c.error("1 = x\n");
    c.error("if x = 1:\n    pass\n");
    c.error("print(a b)\n");
    c.error("x = [1 2 3]\n");
    c.error("f(a for a in b, c)\n");
    c.error("f(a=1, b)\n");
    c.error("f(**a, *b)\n");
    c.error("def f(a=1, b): pass\n");
    c.error("def f(a, a): pass\n");
    c.error("x = 1 if y\n");
    c.error("a, b += 1\n");
    c.error("f() += 1\n");
    c.error("for f() in x: pass\n");
    c.error("del f()\n");
    c.error("x = 'a' b'b'\n");
    c.error("x = b'中'\n");
    c.error("s = socket.socket(socket.AF_INET socket.SOCK_STREAM)\n");
    c.error("try:\n    pass\nx = 1\n");
    c.error("import\n");
    c.error("from x import a,\n");
    c.error("return x y\n");
    c.error("x = (a b)\n");
    c.error("x = {'a' 1}\n");
    c.error("x = {'a': 1, 'b'}\n");
    c.error("a b\n");
}

#[test]
fn string_content_errors() {
    let mut c = Cases::default();
    c.error("x = '\\x4'\n");
    c.error("x = '\\N{NO SUCH NAME}'\n");
    c.error("x = b'\\x4'\n");
    c.error("x = f'{}'\n");
    c.error("x = f'{a b}'\n");
    c.error("x = f'}'\n");
    c.error("x = f'{x!z}'\n");
    c.error("x = f'{x'\n");
    c.error("x = f'{\\n}'\n");
}

#[test]
fn imaginary_literals_are_reported() {
    let e = parse("x = 1.5j\n", "t.py").expect_err("not supported");
    assert_eq!(e.msg, "imaginary numbers are not supported by socklab");
    assert_eq!((e.line, e.col), (1, 4));
}

#[test]
fn compile_time_errors() {
    let mut c = Cases::default();
    c.error("try:\n  pass\nexcept:\n  pass\nexcept ValueError:\n  pass\n");
    c.error("f(a=1, a=2)\n");
    c.error("def f():\n  x = 1\n  global x\n");
    c.error("def f():\n  print(x)\n  global x\n");
    c.error("def f(x):\n  global x\n");
    c.error("def f():\n  nonlocal x\n");
    c.error("nonlocal x\n");
    c.error("def f():\n  from os import *\n");
    c.error("for x in y:\n  pass\nelse:\n  break\n");
    c.error("class A:\n  return 1\n");
    c.error("x = [(yield) for a in b]\n");
    c.error("def f():\n  x: int = 1\n  global x\n");
    c.error("print(*a)\nprint(**a)\nx = *a, *b\n*a, = b\nreturn *a\n");
    c.error("def f():\n  return *a\n");
    c.error("def f():\n  x = await y\n");
    c.error("x = await y\n");
    c.error("class A:\n  x = await y\n");
    c.error("break\nx = (\n");
    c.error("break\nreturn\n");
    c.error("def f():\n    break\ncontinue\n");
    c.error("def f(a, a): pass\nx = (\n");
    c.error("def f(a, a): pass\nreturn\n");
    c.error("def f():\n  global x\n  x = 1\n  def g():\n    nonlocal x\n");
    c.error("def f():\n  x = 1\n  class C:\n    def g(self):\n      nonlocal x\n      x = 2\n  return C\nreturn\n");
    c.error("x = *a\n");
    c.error("*a = 1\n");
    c.error("a, *b, *c = d\n");
    c.error("for *a in b: pass\n");
    c.error("*a\n");
    c.error("for x in *a: pass\n");
    c.error("x = yield\n");
    c.error("while True:\n    def f():\n        break\n");
    c.error("while True:\n    class A:\n        continue\n");
    c.error("def f():\n    yield\n    return 1\nprint(f\"{(yield)}\")\n");
    c.error("count = 0\ndef inc():\n    count += 1\n    global count\n");
    c.error("f(**a, b=1, b=2)\n");
    c.error("class A(metaclass=M, metaclass=N): pass\n");
    c.error("x = {**a for a in b}\n");
    c.error("x = 1\ndef f():\n    global x\n    x: int\n");
    c.error("lambda a, a: 1\n");
    c.error("def f(a, *, a): pass\n");
    c.error("def f():\n    from socket import *\n    return 1\n");
    c.error("for i in range(3):\n    pass\nelse:\n    continue\n");
    c.error("try:\n    pass\nfinally:\n    break\n");
    c.error("while x:\n    try:\n        pass\n    finally:\n        break\nreturn\n");
    c.error("x = [i for i in range(3) if (yield)]\n");
    c.error("def g():\n    x = [(yield i) for i in y]\n");
    c.error("def f():\n    def g():\n        nonlocal y\n    y = 1\nreturn\n");
    c.error("def f():\n    y = 1\n    def g():\n        global y\n        def h():\n            nonlocal y\n");
    c.error("def f(a):\n    nonlocal a\n");
}

#[test]
fn more_syntax_errors() {
    let mut c = Cases::default();
    c.error("x = (1, 2");
    c.error("if True:\n    x = 1\n   y = 2");
    c.error("def f(x):\n    return x +");
    c.error("while True\n    print(1)");
    c.error("for x in range(10):\nprint(x)");
    c.error("print(\"hello world)");
    c.error("print('hello world\")");
    c.error("s = \"\"\"abc");
    c.error("x = [1, 2, 3\nprint(x)");
    c.error("x = {'a': 1");
    c.error("def f(:\n    pass");
    c.error("class A(:\n    pass");
    c.error("import socket\ns = socket.socket()\ns.connect(('localhost', 80)\ns.send(b'hi')");
    c.error("if x == 1:\n    pass\nelif x == 2\n    pass");
    c.error("try:\n    pass\nexcept Exception as e\n    pass");
    c.error("try:\n    pass");
    c.error("x = 5 +* 3");
    c.error("def f()");
    c.error("print(f\"{x\")");
    c.error("print(f\"{x!}\")");
    c.error("print(f\"{x:{y:{z}}}\")");
    c.error("x = 1 if 2");
    c.error("x = lambda: yield");
    c.error("a = 1 = 2");
    c.error("(a, b) += 1");
    c.error("[a, b] = 1, 2\ndel (a + b)");
    c.error("x = *a");
    c.error("*a = 1");
    c.error("print(*)");
    c.error("f(x=)");
    c.error("f(=1)");
    c.error("f(a.b=1)");
    c.error("f(a, b=1, c)");
    c.error("def f(*): pass");
    c.error("def f(**k, a): pass");
    c.error("def f(a, /, /): pass");
    c.error("def f(*, **k): pass");
    c.error("def f(/, a): pass");
    c.error("x = 1 +");
    c.error("return");
    c.error("x = [i for i in]");
    c.error("x = [for i in y]");
    c.error("x.1 = 2");
    c.error("x = 3 4");
    c.error("x = \"a\" \"b\" 5");
    c.error("print(\"a\" x)");
    c.error("print(x \"a\")");
    c.error("if x:\npass");
    c.error("if x:\n    pass\n  else:\n    pass");
    c.error("else");
    c.error("x = 1; ; y = 2");
    c.error("import a.b as");
    c.error("from . import");
    c.error("from x import (a, b");
    c.error("from x import *, y");
    c.error("with open('f') as f\n    pass");
    c.error("with open('f') as f(): pass");
    c.error("class A:\ndef f(self): pass");
    c.error("@dec\nx = 1");
    c.error("global x = 1");
    c.error("nonlocal");
    c.error("assert");
    c.error("raise X from");
    c.error("x = yield = 3");
    c.error("a, *b, *c = d");
    c.error("x = 0b102");
    c.error("x = 0xg");
    c.error("x = 1_");
    c.error("x = 1.2.3");
    c.error("x = 1e5e5");
    c.error("x = 09");
    c.error("s = 'abc\\\ndef");
    c.error("s = u'abc' b'd'");
    c.error("s = f'{a!r' ");
    c.error("s = f'{a:'");
    c.error("s = f'{a:{b}'");
    c.error("s = f'{#}'");
    c.error("s = f'{a[}'");
    c.error("s = f'{a)}'");
    c.error("s = f'{a]}'");
    c.error("s = f'{a}}'");
    c.error("s = f'{{}'");
    c.error("s = f'{a b}' ");
    c.error("s = f'{a = b}'");
    c.error("s = f'''{\na b\n}'''");
    c.error("x = {1: 2, 3}");
    c.error("x = {1, 2: 3}");
    c.error("x = {**a, b}");
    c.error("x = {a: *b}");
    c.error("x = [*a for a in b]");
    c.error("x = (yield)\ny = await z");
    c.error("def f():\n    x = yield from");
    c.error("not x = 1");
    c.error("x + 1 = 2");
    c.error("x.y() = 2");
    c.error("None = 1");
    c.error("True = 1");
    c.error("... = 1");
    c.error("f'{x}' = 1");
    c.error("(x for x in y) = 1");
    c.error("[x for x in y] = 1");
    c.error("{} = 1");
    c.error("x if y else z = 1");
    c.error("lambda: 1 = 1");
    c.error("a < b = 1");
    c.error("(a := 1) = 2");
    c.error("a and b = 1");
    c.error("-x = 1");
    c.error("for 1 in x: pass");
    c.error("for f() in x: pass");
    c.error("for a, b() in x: pass");
    c.error("with a as 1: pass");
    c.error("del 1");
    c.error("del a, f()");
    c.error("del (a, b), [c, d], *e");
    c.error("x: int, y: int = 1, 2");
    c.error("(x): int = 1\n[x]: int");
    c.error("f(): int");
    c.error("x = [1, 2\ny = 3");
    c.error("def f(a, a=1): pass");
    c.error("lambda a, a: 1");
    c.error("def f(a, *a): pass");
    c.error("x = 'abc' 'def");
    c.error("x = '''a''' '''b\nc");
    c.error("if x:\n        y\n	z\n");
}

#[test]
fn syntax_warnings() {
    let mut c = Cases::default();
    c.warnings("x = 1\nif x is 1:\n    pass\nif x is not \"a\": pass\ny = \"\\d\"\nz = [(1, 2) (3, 4)]\nassert (x, \"msg\")\nw = 1if x else 2\nprint(\"a\" [0])\nv = 5 [0]\nu = x is ()\nt = x is -1\n");
    c.warnings("if x is None or x is True or x is ...: pass\nif x is []: pass\nif x is (1, 2): pass\nif x is (a, 2): pass\nif 1 is x: pass\nif x is 1 + 2: pass\nif x is \"a\" * 2: pass\nif x is not -1.5: pass\nif a < b is 3: pass\n");
    c.warnings("x = [1, 2] ['a']\ny = (1, 2) ['b']\nz = 'abc' ['d']\nq = f'{x}' [1.5]\nr = [1] [1:2]\ns = {1, 2} [0]\nt = (x for x in y) [0]\nu = (lambda: 1) [0]\nv = None [0]\nw = True [0]\n");
    c.warnings("a = 1 (2)\nb = 'x' (2)\nc = [1] (2)\nd = {} (2)\ne = {1} (2)\nf = (x for x in y) ()\ng = f'' ()\nh = None ()\ni = (lambda: 1) ()\nj = -1 ()\nk = (1, a) (2)\n");
    c.warnings("def f():\n    assert (x, 'a')\n    assert ()\n    return x is 2\nf()\n");
    c.warnings("if x is 1: pass\nreturn\n");
    c.warnings("if x is 1: pass\ndef f(a, a): pass\n");
    c.warnings("print(1if x else 2)\nx = (\n");
    c.warnings("x[1]['a'] = 2\ndel y[1]['b']\n(1, 2)[0] = 3\n");
}

#[test]
fn warnings_come_before_the_syntax_error_they_precede() {
    let (result, warnings) = parse_with_warnings("print(1if x else 2)\nx = (\n", "t.py");
    assert_eq!(result.expect_err("unclosed").msg, "'(' was never closed");
    assert_eq!(
        warnings.iter().map(|w| w.render()).collect::<String>(),
        "t.py:1: SyntaxWarning: invalid decimal literal\n  print(1if x else 2)\n"
    );
}

/// Runs `f` on a thread with a large stack: debug builds use far more stack per
/// nesting level than release builds, for which the limits are set.
fn with_big_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(f)
        .expect("thread")
        .join()
        .unwrap_or_else(|e| std::panic::resume_unwind(e))
}

#[test]
fn deep_nesting_is_refused_before_it_can_overflow_the_stack() {
    let msg = |src: String| {
        with_big_stack(move || match parse(&src, "t.py") {
            Ok(_) => "ok".to_string(),
            Err(e) => e.msg,
        })
    };
    let parens = |n: usize| format!("x = {}1{}\n", "(".repeat(n), ")".repeat(n));
    assert_eq!(msg(parens(99)), "ok");
    assert_eq!(msg(parens(101)), "too many nested parentheses");
    assert_eq!(msg(format!("x = {}1\n", "-".repeat(150))), "ok");
    assert_eq!(
        msg(format!("x = {}1\n", "not ".repeat(5000))),
        "Parser stack overflowed - Python source too complex to parse"
    );
    assert_eq!(
        msg(format!("x = {}1\n", "lambda: ".repeat(5000))),
        "Parser stack overflowed - Python source too complex to parse"
    );
    // Indentation has CPython's own limit and message.
    let mut ifs = String::new();
    for i in 0..101 {
        ifs += &format!("{}if x:\n", " ".repeat(i));
    }
    ifs += &format!("{}pass\n", " ".repeat(101));
    with_big_stack(move || Cases::default().error(&ifs));
}

#[test]
fn student_mistakes() {
    let mut c = Cases::default();
    c.error("try:\n    pass\nexcept Exception, e:\n    pass");
    c.error("exec \"x = 1\"");
    c.error("print \"a %s\" % x");
    c.error("print x");
    c.error("print(x) y");
    c.error("if 1 <> 2: pass");
    c.error("x = ur'abc'");
    c.error("x = `1`");
    c.error("变量 = 1\nprint(变量 变量)");
    c.error("def f(x):\n\treturn x\n    y = 1");
    c.error("import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\ns.connect((\"localhost\", 8080)\ndata = s.recv(1024)");
    c.error("while True:\n    data = conn.recv(1024)\n    if not data: break\n    conn.sendall(data)\n  conn.close()");
    c.error("msg = input(\"> \")\nif msg == \"quit\"\n    break");
    c.error("print(\"收到：\" + data.decode()）");
    c.error("print(\"hello\"");
    c.error("print('a' 'b' c)");
    c.error("d = {\"a\": 1 \"b\": 2}");
    c.error("l = [1, 2 3]");
    c.error("f(a b=1)");
    c.error("x = (1 2)");
    c.error("def f(a b): pass");
    c.error("class A(B C): pass");
    c.error("x = 1 2");
    c.error("for i in range(10) print(i)");
    c.error("if x: else: pass");
    c.error("x = [1, 2,, 3]");
    c.error("x = f(,)");
    c.error("def f(,): pass");
    c.error("import a,");
    c.error("x = a..b");
    c.error("x = a.");
    c.error("x = 5 = y");
    c.error("f(x for x in y for)");
    c.error("x = {1: 2,: 3}");
    c.error("True = 1");
    c.error("def True(): pass");
    c.error("class None: pass");
    c.error("import None");
    c.error("x.True = 1");
    c.error("def f(None): pass");
    c.error("for None in x: pass");
    c.error("lambda None: 1");
    c.error("f(True=1)");
    c.error("with x as None: pass");
    c.error("except: pass");
    c.error("finally: pass");
    c.error("elif x: pass");
    c.error("x = 1 if else 2");
    c.error("x = if 1 else 2");
    c.error("a = 1 +* 2");
    c.error("print(1,, 2)");
    c.error("def f():\n    return\n        x = 1");
    c.error("x = \"\"\"abc\"\"\" \"\"\"def");
    c.error("s = 'it's'");
    c.error("s = \"say \"hi\"\"");
    c.error("s = f\"{x:{y}}\" f\"{");
    c.error("path = \"C:\\Users\\name\"");
    c.error("x = 'a' \\\n    'b' \\");
    c.error("x = [1,\n     2,\n     3\ny = 4");
    c.error("def f():\n    pass\n  x = 1\n");
}

#[test]
fn missing_colons_and_forced_tokens() {
    let mut c = Cases::default();
    c.error("if x y:\n    pass");
    c.error("while x y:\n    pass");
    c.error("for x in y z:\n    pass");
    c.error("def f() x:\n    pass");
    c.error("def f x:\n    pass");
    c.error("class A x:\n    pass");
    c.error("class A(B) x:\n    pass");
    c.error("with a b:\n    pass");
    c.error("with a as b c:\n    pass");
    c.error("try x:\n    pass");
    c.error("try:\n    pass\nexcept E x:\n    pass");
    c.error("try:\n    pass\nexcept E\n    pass");
    c.error("try:\n    pass\nexcept\n    pass");
    c.error("try:\n    pass\nfinally x:\n    pass");
    c.error("if x:\n    pass\nelse x:\n    pass");
    c.error("if x:\n    pass\nelif y z:\n    pass");
    c.error("if x:\n    pass\nelif y\n    pass");
    c.error("f = lambda x x: 1");
    c.error("f = lambda x");
    c.error("def f(a) -> int\n    pass");
    c.error("for x in y");
    c.error("while x");
    c.error("with open(f) as g\n    pass");
    c.error("with (open(f) as g)\n    pass\n");
}

/// Runs a script file given as bytes under CPython and compares its syntax error with
/// socklab's (decoding, then parsing).
fn check_source_error(bytes: &[u8]) {
    let path = temp_script("");
    std::fs::write(&path, bytes).expect("write script");
    let out = Command::new(python())
        .arg("-S")
        .arg(&path)
        .output()
        .expect("python3 runs");
    let expected = String::from_utf8_lossy(&out.stderr).into_owned();
    let name = path.display().to_string();
    let actual = match decode_source(bytes, &name).and_then(|text| parse(&text, &name)) {
        Ok(_) => "(socklab accepted it)\n".to_string(),
        Err(e) => e.render(),
    };
    assert_eq!(actual, expected, "for {:?}", String::from_utf8_lossy(bytes));
}

#[test]
fn source_encodings() {
    let decode = |b: &[u8]| decode_source(b, "t.py").expect("decodes");
    assert_eq!(
        decode(b"# -*- coding: gbk -*-\nprint('\xc4\xe3\xba\xc3')\n"),
        "# -*- coding: gbk -*-\nprint('\u{4f60}\u{597d}')\n"
    );
    assert_eq!(
        decode(b"#!/usr/bin/env python\n# vim: set fileencoding=latin-1 :\nx = '\xe9'\n"),
        "#!/usr/bin/env python\n# vim: set fileencoding=latin-1 :\nx = '\u{e9}'\n"
    );
    assert_eq!(decode(b"\xef\xbb\xbfprint(1)\n"), "\u{feff}print(1)\n");
    assert_eq!(
        decode(b"# coding=utf8\nx = '\xe4\xb8\xad'\n"),
        "# coding=utf8\nx = '\u{4e2d}'\n"
    );
    for bad in [
        &b"print('\xc4\xe3\xba\xc3')\n"[..],
        b"x = 1\nprint('\xc4\xe3')\n",
        b"# coding: nosuch\nprint(1)\n",
        b"# coding: gbk\nprint('\x80\x80')\n",
        b"\xef\xbb\xbf# coding: gbk\nprint(1)\n",
        b"x = 1\n\n# coding: gbk\nprint('\xc4\xe3')\n",
        b"# coding: ascii\nprint('\xe4\xb8\xad')\n",
        b"# coding: gbk\nprint('\xc4\xe3'\n",
    ] {
        check_source_error(bad);
    }
}

#[test]
fn future_imports() {
    let mut c = Cases::default();
    c.tree("\"\"\"doc\"\"\"\nfrom __future__ import print_function, division\nprint('x')\n");
    c.error("from __future__ import braces");
    c.error("x = 1\nfrom __future__ import print_function");
    c.error("\"\"\"doc\"\"\"\nfrom __future__ import print_function, division\nimport os\nfrom __future__ import nested_scopes");
    c.error("from __future__ import nosuch");
    c.error("from __future__ import (print_function,\n    nosuch)");
    c.error("def f():\n    from __future__ import division");
    c.error("from __future__ import print_function; import os; from __future__ import division");
    c.error("from __future__ import print_function\nfrom __future__ import nosuch\nx = (\n");
}

#[test]
fn parameter_lists() {
    let mut c = Cases::default();
    c.error("def f(a, /, b, /): pass");
    c.error("def f(*, a, /): pass");
    c.error("def f(/): pass");
    c.error("def f(*): pass");
    c.error("def f(*, **k): pass");
    c.error("def f(*a, *b): pass");
    c.error("def f(*a=1): pass");
    c.error("def f(**k=1): pass");
    c.error("def f(**k, a): pass");
    c.error("def f(**k, *a): pass");
    c.error("def f(a=1, b): pass");
    c.error("def f(a=1, /, b): pass");
    c.error("lambda a=1, b: 0");
    c.error("lambda *: 0");
    c.error("lambda **k, a: 0");
    c.error("lambda a, a: 0");
    c.error("def f(a, (b, c)): pass");
    c.error("def f(a b): pass");
    c.error("def f(a: int b): pass");
    c.error("def f(a=): pass");
    c.error("def f(a,,b): pass");
    c.error("def f(1): pass");
    c.error("class A: def f(self): pass\n");
}

#[test]
fn python2_habits() {
    let mut c = Cases::default();
    c.error("print \"a\",");
    c.error("exec code in ns");
    c.error("raise E, \"msg\"");
    c.error("def f((a, b)):\n    pass");
    c.error("f = lambda (x, y): x");
    c.error("x = 10L");
    c.error("print \"%d items\" % len(x)");
    c.error("import urllib2, socket\nprint \"connecting\"");
    c.error("s.send(\"hello\")\nprint s.recv(1024)");
    c.error("if x:\n    print \"yes\"\nelse:\n    print \"no\"");
    c.error("d = dict()\nif d.has_key('a'): print 'a'");
    c.error("print(\"a\" % (x, y)\nprint(\"b\")");
    c.error("def f(x)\n    return x");
    c.error("x = [1, 2, 3}");
    c.error("for i in range(10):\n    print(i)\n  print(\"done\")");
    c.error("class Server:\n    def __init__(self):\n        self.s = socket.socket()\n    def run(self)\n        pass");
    c.error("while True:\n    data = conn.recv(1024).decode()\n    if data == 'q':\n        break\n    print(data)\n    conn.send(data.encode()\nconn.close()");
    c.error("name = input(\"name: \")\nprint(f\"hello {name\")");
    c.error("print(f\"hello {name!}\")");
    c.error("print(f\"{name:>{10}\")");
    c.error("x = 1\ny = 2\nprint(x y)");
    c.error("print(x,y,)\nprint(x,,y)\n");
}

#[test]
fn assignment_target_hints() {
    let mut c = Cases::default();
    c.error("a, f() = 1");
    c.error("d@ata, addr = 1");
    c.error("d@ata, b, addr = 1");
    c.error("(d@ata, addr) = 1");
    c.error("d@ata, addr = b = 1");
    c.error("f(), a = 1");
    c.error("a.b(), c.d = 1, 2");
    c.error("1, a = 2");
    c.error("a, 1 = 2");
    c.error("a, b + 1 = 2");
    c.error("print(x), b = 1 2");
    c.error("f() = 1");
    c.error("(a := 1) = 2");
    c.error("not x = 1");
    c.error("a = 1 = 2");
    c.error("[a, b].c() = 1");
    c.error("f(), (a) = 1");
    c.error("f(), *a = 1\n");
}

/// CPython's parser counts columns in UTF-8 bytes unless the file declares an encoding
/// (then characters), and shows a BOM on line 1: lines with Chinese text show it.
#[test]
fn columns_on_lines_with_non_ascii_text() {
    for case in [
        &b"x = \x22\xe4\xb8\xad\xe6\x96\x87\x22 + 1 2\x0a"[..],
        &b"x = \x22\xe4\xb8\xad\xe6\x96\x87\x22 + (1 2)\x0a"[..],
        &b"# coding: utf-8\x0ax = \x22\xe4\xb8\xad\xe6\x96\x87\x22 + (1 2)\x0a"[..],
        &b"\xef\xbb\xbfx = \x22\xe4\xb8\xad\xe6\x96\x87\x22 + (1 2)\x0a"[..],
        &b"# coding: latin-1\x0ax = \x22\xe9\xe9\x22 + (1 2)\x0a"[..],
        &b"x = \x22\xe4\xb8\xad\xe6\x96\x87\x22\x0aif x:\x0a      y = 1\x0a    z = \x22\xe4\xb8\xad\xe6\x96\x87\x22 ; w = 2\x0a"[..],
        &b"x = \x22\xe4\xb8\xad\xe6\x96\x87\x22 + \x5c 2\x0a"[..],
        &b"x = \x22\xe4\xb8\xad\xe6\x96\x87\x22 + 2 \x5c"[..],
        &b"if x:\x0a  \x22\xe4\xb8\xad\xe6\x96\x87\x22\x0a\x09pass\x0a"[..],
        &b"\x22\xe4\xb8\xad\xe6\x96\x87\x22; return\x0a"[..],
        &b"x = f\x22\xe4\xb8\xad\xe6\x96\x87{a b}\x22\x0a"[..],
        &b"x = f\x22{\x22\xe4\xb8\xad\xe6\x96\x87\x22 a}\x22\x0a"[..],
    ] {
        check_source_error(case);
    }
}

#[test]
fn backslashes_and_conditionals() {
    let mut c = Cases::default();
    c.error("if x:\n  \\      break");
    c.error("if a if b:\n    pass");
    c.error("x = 1 if y:\n");
}
