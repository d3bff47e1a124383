//! The differential driver shared by `lessons.rs` and `corpus.rs`: `tests/tools/run-lessons`
//! runs a folder of scenarios under the `socklab` binary cargo built for the test and under
//! CPython, alone and mixed (socklab server + CPython client and back).
//!
//! CPython itself is not deterministic where threads print: `print` writes the text and the
//! newline separately, so two threads can interleave them (`AB\n\n` instead of `A\nB\n`), and
//! a CPython-only transcript can then differ from the CPython reference. A scenario that
//! differs is therefore run again on its own, up to [`RERUNS`] times; it passes only if one of
//! those runs matches in every mode. A real difference differs every time and still fails.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// How many more times a differing scenario is run on its own before it counts as failed.
const RERUNS: usize = 2;

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("relay/ has a parent")
        .to_path_buf()
}

/// One run of `run-lessons --mix` over `dir`, limited to scenarios whose folder name starts
/// with `only` when given.
fn run_lessons(dir: &Path, only: Option<&str>) -> Output {
    let root = repo_root();
    let socklab = env!("CARGO_BIN_EXE_socklab");
    let mut cmd = Command::new("python3");
    cmd.arg(root.join("tests/tools/run-lessons"))
        .arg("--lessons")
        .arg(dir)
        .arg("--impl")
        .arg(format!("{socklab} run"))
        .arg("--mix");
    if let Some(only) = only {
        cmd.arg("--only").arg(only);
    }
    cmd.output().expect("python3 runs tests/tools/run-lessons")
}

/// The summary line (`lessons: N passed, M failed`) of a run, or a panic showing its output.
fn summary(output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        .find(|line| line.starts_with("lessons: "))
        .map(str::to_owned)
        .unwrap_or_else(|| {
            panic!(
                "no summary line from run-lessons\n{stdout}\n{}",
                String::from_utf8_lossy(&output.stderr)
            )
        })
}

/// The scenario folders a run reported as differing (`ID [mode]: DIFFERS`).
fn differing(output: &Output) -> BTreeSet<String> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|line| line.ends_with(": DIFFERS"))
        .filter_map(|line| line.split_once(" [").map(|(id, _)| id.to_owned()))
        .collect()
}

/// Runs every scenario folder in `dir` three ways and asserts that all transcripts match
/// CPython's; `at_least` guards against a folder that lost its scenarios.
pub fn assert_matches_cpython(dir: &Path, at_least: usize) {
    let scenarios = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{} is not readable: {e}", dir.display()))
        .filter(|entry| {
            entry
                .as_ref()
                .map(|e| e.path().join("scenario.toml").exists())
                .unwrap_or(false)
        })
        .count();
    assert!(
        scenarios >= at_least,
        "only {scenarios} scenarios found in {}",
        dir.display()
    );
    let output = run_lessons(dir, None);
    let report = |output: &Output| {
        format!(
            "{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    };
    if summary(&output) == format!("lessons: {} passed, 0 failed", scenarios * 3) {
        assert!(
            output.status.success(),
            "run-lessons failed:\n{}",
            report(&output)
        );
        return;
    }
    let differing = differing(&output);
    assert!(
        !differing.is_empty(),
        "run-lessons failed without naming a scenario:\n{}",
        report(&output)
    );
    for id in &differing {
        let passed = (0..RERUNS).any(|attempt| {
            // `--only` takes a prefix: other scenarios may come along, and all must match.
            let again = run_lessons(dir, Some(id));
            let line = summary(&again);
            let ok = line.ends_with(" passed, 0 failed")
                && line != "lessons: 0 passed, 0 failed"
                && again.status.success();
            eprintln!(
                "{id}: differed in the full run; run again on its own ({}): {}",
                attempt + 1,
                if ok { "matches" } else { "differs" }
            );
            ok
        });
        assert!(
            passed,
            "{id} differs from CPython in the full run and in {RERUNS} runs on its own:\n{}",
            report(&output)
        );
    }
}
