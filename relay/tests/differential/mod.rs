//! The differential driver shared by `lessons.rs` and `corpus.rs`: `tests/tools/run-lessons`
//! runs a folder of scenarios under the `socklab` binary cargo built for the test and under
//! CPython, alone and mixed (socklab server + CPython client and back).

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("relay/ has a parent")
        .to_path_buf()
}

/// Runs every scenario folder in `dir` three ways and asserts that all transcripts match
/// CPython's; `at_least` guards against a folder that lost its scenarios.
pub fn assert_matches_cpython(dir: &Path, at_least: usize) {
    let root = repo_root();
    let socklab = env!("CARGO_BIN_EXE_socklab");
    let output = Command::new("python3")
        .arg(root.join("tests/tools/run-lessons"))
        .arg("--lessons")
        .arg(dir)
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
    assert_eq!(
        summary,
        format!("lessons: {} passed, 0 failed", scenarios * 3),
        "run-lessons reported differences:\n{stdout}\n{stderr}"
    );
    assert!(
        output.status.success(),
        "run-lessons failed:\n{stdout}\n{stderr}"
    );
}
