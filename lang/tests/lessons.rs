//! The 13 seed lessons run on the in-memory fake host and print what CPython printed
//! (`lessons/cpython.txt`, recorded with `run-lessons --show`).

mod common;

use common::{expected, normalise, run_scenario, Run};
use socklab_lessons::{Lesson, RunKind};

fn runs_of(lesson: &Lesson) -> Vec<Run> {
    lesson
        .runs
        .iter()
        .map(|r| {
            let mut run = Run {
                stdin: r.stdin.to_string(),
                forever: r.forever,
                together: r.together,
                expect_exit: r.expect_exit.map(String::from),
                ..Run::default()
            };
            match &r.kind {
                RunKind::Script { file } => run.file = Some(file.to_string()),
                RunKind::ServeDir { port, .. } => run.serve_port = Some(*port),
                RunKind::HttpGet {
                    url,
                    expect_body_contains,
                } => run.http_get = Some((url.to_string(), expect_body_contains.to_string())),
            }
            run
        })
        .collect()
}

#[test]
fn lessons_match_cpython() {
    let mut failures = Vec::new();
    let exp = expected(include_str!("lessons/cpython.txt"));
    assert_eq!(exp.len(), 13, "13 lessons recorded");
    for (id, want) in exp {
        let lesson = socklab_lessons::find(&id).expect("lesson");
        let mut runs = runs_of(lesson);
        if id == "06-http-get" {
            // run-lessons checks the file the client writes.
            let j = runs.iter().position(|r| r.file.is_some()).expect("client");
            runs[j].expect_file = Some(("baidu.html".into(), "page.html".into()));
        }
        let files: Vec<(String, Vec<u8>)> = lesson
            .files
            .iter()
            .map(|f| (f.name.to_string(), f.text.as_bytes().to_vec()))
            .collect();
        let got = run_scenario(&id, &runs, &files);
        if got.trim_end() != want.trim_end() {
            failures.push(format!("=== {id}\n--- want\n{want}\n--- got\n{got}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} lessons differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn normalise_matches_run_lessons() {
    assert_eq!(
        normalise("fd=12 ('127.0.0.1', 40001) 8000 1.40001"),
        "fd=<fd> ('127.0.0.1', <eph>) 8000 1.40001"
    );
}
