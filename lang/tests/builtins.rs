//! The builtin types and functions against CPython: each `golden/builtins/<name>.py` runs
//! on the fake host and under `python3`, and the two must print the same thing. Where
//! `python3` is missing, the stored `<name>.out`/`<name>.err` (CPython's, written by the
//! golden harness) stand in for it.

use std::path::{Path, PathBuf};
use std::process::Command;

use socklab_lang::testing::run_script_named;

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/builtins")
        .join(format!("{name}.py"))
}

/// CPython's stdout and stderr for a script, or the stored copies.
fn cpython(py: &Path) -> (String, String) {
    let run = Command::new("python3")
        .arg(py.file_name().expect("name"))
        .current_dir(py.parent().expect("dir"))
        .env("PYTHONIOENCODING", "utf-8")
        .env("PYTHONHASHSEED", "0")
        .output();
    match run {
        Ok(out) => (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ),
        Err(_) => {
            let out = std::fs::read_to_string(py.with_extension("out")).expect("stored .out");
            let err = std::fs::read_to_string(py.with_extension("err")).unwrap_or_default();
            (out, err)
        }
    }
}

fn check(name: &str) {
    let py = script(name);
    let src = std::fs::read_to_string(&py).expect("script");
    let (want_out, want_err) = cpython(&py);
    let got = run_script_named(&src, &format!("{name}.py"), "");
    if got.stdout != want_out {
        let diff: Vec<String> = want_out
            .lines()
            .zip(got.stdout.lines().chain(std::iter::repeat("<missing>")))
            .filter(|(w, g)| w != g)
            .map(|(w, g)| format!("want: {w}\n got: {g}"))
            .collect();
        panic!(
            "{name}: stdout differs from CPython ({} lines differ)\n{}\n--- stderr\n{}",
            diff.len(),
            diff.join("\n"),
            got.stderr
        );
    }
    assert_eq!(got.stderr, want_err, "{name}: stderr differs from CPython");
    assert_eq!(got.code, Some(0), "{name}: exit status");
}

macro_rules! golden {
    ($($name:ident),* $(,)?) => {$(
        #[test]
        fn $name() {
            check(stringify!($name));
        }
    )*};
}

golden!(
    str_methods,
    str_format,
    bytes_methods,
    bytearray_ops,
    list_tuple_range,
    dict_set,
    numbers,
    functions,
    idioms,
    unicode_text,
    edge_cases,
    protocols,
    float_hex,
    set_order,
    builtin_ops,
    constructors,
);
