//! The standard-library modules beyond the socket essentials: native ones (`struct`,
//! `math`, `_random`, `_json`) and Python-written ones under `py/` (`json`, `random`,
//! `queue`, `socketserver`, `os`, `errno`, `datetime`, `shlex`, `string`, `collections`).

use super::PySource;
use crate::exc::PyResult;
use crate::value::Value;
use crate::vm::Vm;

/// A native stdlib module by name (`Ok(None)` if there is none of that name).
pub fn native_module(vm: &mut Vm, name: &str) -> PyResult<Option<Value>> {
    Ok(Some(match name {
        "struct" | "_struct" => super::struct_mod::module(vm),
        "math" => super::math::module(vm),
        "_random" => super::random_mt::module(vm),
        "_json" => super::json_native::module(vm),
        "_os" => super::os_native::module(vm),
        "_hashlib" => super::hashlib_native::module(vm),
        "traceback" => super::traceback_mod::module(vm),
        // Python-written, but built here so that `import os.path` works as a first import
        // (the importer walks dotted names only below modules it already has).
        "os" => vm.import("_os_py")?,
        _ => return Ok(None),
    }))
}

/// A Python-written stdlib module. Most hide their frames from tracebacks, as C modules
/// would (the real CPython modules are Python, but their line numbers could not match);
/// `socketserver` and the json modules show theirs at CPython's line numbers instead.
pub fn python_source(name: &str) -> Option<PySource> {
    macro_rules! aligned {
        ($file:literal, $path:literal) => {{
            static SRC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
            let source = SRC.get_or_init(|| align_lines(include_str!($file)));
            return Some(PySource {
                filename: $path,
                source,
                hidden: false,
            });
        }};
    }
    let (filename, source) = match name {
        "socketserver" => aligned!("py/socketserver.py", "/usr/lib/python3.11/socketserver.py"),
        "json" => aligned!("py/json.py", "/usr/lib/python3.11/json/__init__.py"),
        "_json_decoder" => aligned!("py/json_decoder.py", "/usr/lib/python3.11/json/decoder.py"),
        "_json_encoder" => aligned!("py/json_encoder.py", "/usr/lib/python3.11/json/encoder.py"),
        "_json_impl" => (
            "/usr/lib/python3.11/json/scanner.py",
            include_str!("py/json_impl.py"),
        ),
        "random" => (
            "/usr/lib/python3.11/random.py",
            include_str!("py/random.py"),
        ),
        "queue" => ("/usr/lib/python3.11/queue.py", include_str!("py/queue.py")),
        "_os_py" => ("/usr/lib/python3.11/os.py", include_str!("py/os.py")),
        "posixpath" | "os.path" => (
            "/usr/lib/python3.11/posixpath.py",
            include_str!("py/posixpath.py"),
        ),
        "errno" => ("errno", include_str!("py/errno.py")),
        "datetime" => (
            "/usr/lib/python3.11/datetime.py",
            include_str!("py/datetime.py"),
        ),
        "shlex" => ("/usr/lib/python3.11/shlex.py", include_str!("py/shlex.py")),
        "string" => (
            "/usr/lib/python3.11/string.py",
            include_str!("py/string.py"),
        ),
        "collections" => (
            "/usr/lib/python3.11/collections/__init__.py",
            include_str!("py/collections.py"),
        ),
        "hashlib" => (
            "/usr/lib/python3.11/hashlib.py",
            include_str!("py/hashlib.py"),
        ),
        "base64" => (
            "/usr/lib/python3.11/base64.py",
            include_str!("py/base64.py"),
        ),
        "binascii" => ("binascii", include_str!("py/binascii.py")),
        "zlib" => ("zlib", include_str!("py/zlib.py")),
        "logging" => (
            "/usr/lib/python3.11/logging/__init__.py",
            include_str!("py/logging.py"),
        ),
        "typing" => (
            "/usr/lib/python3.11/typing.py",
            include_str!("py/typing.py"),
        ),
        "itertools" => ("itertools", include_str!("py/itertools.py")),
        "functools" => (
            "/usr/lib/python3.11/functools.py",
            include_str!("py/functools.py"),
        ),
        "signal" => (
            "/usr/lib/python3.11/signal.py",
            include_str!("py/signal.py"),
        ),
        "copy" => ("/usr/lib/python3.11/copy.py", include_str!("py/copy.py")),
        "selectors" => (
            "/usr/lib/python3.11/selectors.py",
            include_str!("py/selectors.py"),
        ),
        "types" => ("/usr/lib/python3.11/types.py", include_str!("py/types.py")),
        "uuid" => ("/usr/lib/python3.11/uuid.py", include_str!("py/uuid.py")),
        "argparse" => (
            "/usr/lib/python3.11/argparse.py",
            include_str!("py/argparse.py"),
        ),
        "textwrap" => (
            "/usr/lib/python3.11/textwrap.py",
            include_str!("py/textwrap.py"),
        ),
        _ => return None,
    };
    Some(PySource {
        filename,
        source,
        hidden: true,
    })
}

/// Lay out a module so that each line ending in `  #@N` is line N (blank lines are
/// inserted before it; the marker is removed): tracebacks through it then name
/// CPython's line numbers and show CPython's source lines.
pub fn align_lines(src: &str) -> String {
    let mut out = String::with_capacity(src.len() * 3);
    let mut n = 0usize;
    for line in src.lines() {
        let (text, target) = match line.rsplit_once("  #@") {
            Some((text, num)) if num.bytes().all(|b| b.is_ascii_digit()) && !num.is_empty() => {
                (text, num.parse::<usize>().ok())
            }
            _ => (line, None),
        };
        if let Some(t) = target {
            assert!(
                n < t,
                "line {t} is already taken (the module has {n} lines before it)"
            );
            while n + 1 < t {
                out.push('\n');
                n += 1;
            }
        }
        out.push_str(text);
        out.push('\n');
        n += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligned_lines_land_where_marked() {
        assert_eq!(align_lines("a\nb  #@4\nc\n"), "a\n\n\nb\nc\n");
    }

    #[test]
    fn socketserver_lines_match_cpython() {
        let src = align_lines(include_str!("py/socketserver.py"));
        let lines: Vec<&str> = src.lines().collect();
        assert_eq!(
            lines[316].trim(),
            "self.process_request(request, client_address)"
        );
        assert_eq!(lines[754].trim(), "self.handle()");
        assert_eq!(
            lines[840],
            "class DatagramRequestHandler(BaseRequestHandler):"
        );
    }

    #[test]
    fn json_lines_match_cpython() {
        let init = align_lines(include_str!("py/json.py"));
        let line = |src: &str, n: usize| src.lines().nth(n - 1).map(|l| l.trim().to_string());
        assert_eq!(
            line(&init, 346).as_deref(),
            Some("return _default_decoder.decode(s)")
        );
        assert_eq!(line(&init, 238).as_deref(), Some("**kw).encode(obj)"));
        let dec = align_lines(include_str!("py/json_decoder.py"));
        assert_eq!(
            line(&dec, 337).as_deref(),
            Some("obj, end = self.raw_decode(s, idx=_w(s, 0).end())")
        );
        assert_eq!(
            line(&dec, 355).as_deref(),
            Some("raise JSONDecodeError(\"Expecting value\", s, err.value) from None")
        );
        let enc = align_lines(include_str!("py/json_encoder.py"));
        assert_eq!(line(&enc, 258).as_deref(), Some("return _iterencode(o, 0)"));
    }
}
