//! The differential check: every lesson runs under `socklab run` and under CPython, alone and
//! mixed (socklab server + CPython client and back), and the transcripts must be identical.
//!
//! It drives `tests/tools/run-lessons` (a copy of the shared corpus runner) with the `socklab`
//! binary cargo built for this test, over the product's own lesson library in `lessons/`.

use std::path::PathBuf;
use std::process::Command;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("relay/ has a parent")
        .to_path_buf()
}

#[test]
fn every_lesson_matches_cpython_alone_and_mixed() {
    let root = repo_root();
    let socklab = env!("CARGO_BIN_EXE_socklab");
    let output = Command::new("python3")
        .arg(root.join("tests/tools/run-lessons"))
        .arg("--lessons")
        .arg(root.join("lessons"))
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
    let lessons = std::fs::read_dir(root.join("lessons"))
        .expect("lessons/ is readable")
        .filter(|entry| {
            entry
                .as_ref()
                .map(|e| e.path().join("scenario.toml").exists())
                .unwrap_or(false)
        })
        .count();
    assert_eq!(
        summary,
        format!("lessons: {} passed, 0 failed", lessons * 3),
        "run-lessons reported differences:\n{stdout}\n{stderr}"
    );
    assert!(
        output.status.success(),
        "run-lessons failed:\n{stdout}\n{stderr}"
    );
}
