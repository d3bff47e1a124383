//! The differential corpus (issue 5): tutorial-style socket programs in `tests/corpus/` run under
//! `socklab run` and under CPython, alone and mixed, and the transcripts must be identical.
//!
//! Same driver as `lessons.rs`, over a wider library than the seed lessons: classes,
//! exceptions, struct, json, select, socketserver, threading, timeouts and socket errors, as
//! students bring them from other tutorials and the Python docs.

mod differential;

#[test]
fn every_corpus_program_matches_cpython_alone_and_mixed() {
    let corpus = differential::repo_root().join("tests/corpus");
    // Issue 5 asks for at least 40 programs; fewer means the corpus lost some.
    differential::assert_matches_cpython(&corpus, 40);
}
