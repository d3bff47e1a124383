//! The differential corpus (`tests/corpus`, socket programs in the style of the
//! tutorials) runs on the fake host and prints what CPython printed
//! (`corpus/cpython.txt`, recorded with `run-lessons --lessons tests/corpus --show`).

mod common;

use std::path::Path;

use common::{expected, run_scenario, Run};

fn load(dir: &Path) -> (Vec<Run>, Vec<(String, Vec<u8>)>) {
    let text = std::fs::read_to_string(dir.join("scenario.toml")).expect("scenario");
    let doc: toml::Value = text.parse().expect("toml");
    let mut runs = Vec::new();
    for r in doc
        .get("run")
        .and_then(|v| v.as_array())
        .cloned()
        .unwrap_or_default()
    {
        let s = |k: &str| r.get(k).and_then(|v| v.as_str()).map(String::from);
        let b = |k: &str| r.get(k).and_then(|v| v.as_bool()).unwrap_or(false);
        runs.push(Run {
            file: s("file"),
            stdin: s("stdin").unwrap_or_default(),
            forever: b("forever"),
            together: b("together"),
            expect_exit: s("expect_exit"),
            serve_port: r
                .get("serve_dir")
                .and(r.get("port"))
                .and_then(|p| p.as_integer())
                .map(|p| p as u16),
            http_get: s("http_get").map(|u| (u, s("expect_body_contains").unwrap_or_default())),
            expect_file: r.get("expect_file").map(|e| {
                let g = |k: &str| e.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
                (g("name"), g("same_as"))
            }),
        });
    }
    let mut files = Vec::new();
    for e in std::fs::read_dir(dir).expect("dir") {
        let p = e.expect("entry").path();
        if p.is_file() {
            let name = p
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_string();
            files.push((name, std::fs::read(&p).expect("read")));
        }
    }
    (runs, files)
}

/// Programs that still differ, and why (see the report in lang/ARCHITECTURE.md):
/// (None left: SO_LINGER resets through `SockOpt::Linger`.)
const KNOWN_DIFFERENT: &[&str] = &[];

#[test]
fn corpus_matches_cpython() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus");
    let exp = expected(include_str!("corpus/cpython.txt"));
    assert!(exp.len() >= 40, "corpus recorded: {}", exp.len());
    let mut failures = Vec::new();
    let mut passed = 0;
    for (id, want) in &exp {
        let dir = root.join(id);
        if !dir.join("scenario.toml").exists() || KNOWN_DIFFERENT.contains(&id.as_str()) {
            continue;
        }
        let (runs, files) = load(&dir);
        let got = run_scenario(id, &runs, &files);
        if got.trim_end() != want.trim_end() {
            failures.push(format!("=== {id}\n--- want\n{want}\n--- got\n{got}"));
        } else {
            passed += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{passed} passed, {} corpus programs differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
