//! The differential check: every lesson runs under `socklab run` and under CPython, alone and
//! mixed (socklab server + CPython client and back), and the transcripts must be identical.
//!
//! It drives `tests/tools/run-lessons` (a copy of the shared corpus runner) over the
//! product's own lesson library in `lessons/`.

mod differential;

#[test]
fn every_lesson_matches_cpython_alone_and_mixed() {
    let lessons = differential::repo_root().join("lessons");
    differential::assert_matches_cpython(&lessons, 13);
}
