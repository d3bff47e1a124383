//! The differential corpus (issue 5): tutorial-style socket programs in `tests/corpus/` run under
//! `socklab run` and under CPython, alone and mixed, and the transcripts must be identical.
//!
//! Same driver as `lessons.rs` (`tests/tools/run-lessons`), over a wider library than the seed
//! lessons: classes, exceptions, struct, json, select, socketserver, threading, timeouts and
//! socket errors, as students bring them from other tutorials and the Python docs.

use std::path::PathBuf;
use std::process::Command;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("relay/ has a parent")
        .to_path_buf()
}

#[test]
fn every_corpus_program_matches_cpython_alone_and_mixed() {
    let root = repo_root();
    let corpus = root.join("tests/corpus");
    let socklab = env!("CARGO_BIN_EXE_socklab");
    let output = Command::new("python3")
        .arg(root.join("tests/tools/run-lessons"))
        .arg("--lessons")
        .arg(&corpus)
        .arg("--impl")
        .arg(format!("{socklab} run"))
        .arg("--mix")
        .output()
        .expect("python3 runs tests/tools/run-lessons");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let summary = stdout
        .lines()
        .find(|line| line.starts_with("lessons: "))
        .unwrap_or_else(|| panic!("no summary line from run-lessons\n{stdout}\n{stderr}"));
    let programs = std::fs::read_dir(&corpus)
        .expect("tests/corpus/ is readable")
        .filter(|entry| {
            entry
                .as_ref()
                .map(|e| e.path().join("scenario.toml").exists())
                .unwrap_or(false)
        })
        .count();
    // Issue 5 asks for at least 40; fewer means the corpus lost programs, not that socklab passed.
    assert!(programs >= 40, "only {programs} corpus programs found");
    assert_eq!(
        summary,
        format!("lessons: {} passed, 0 failed", programs * 3),
        "run-lessons reported differences:\n{stdout}\n{stderr}"
    );
    assert!(
        output.status.success(),
        "run-lessons failed:\n{stdout}\n{stderr}"
    );
}
