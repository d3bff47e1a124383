//! Parser tests: every lesson parses, the tree has the right shape, and syntax errors
//! render exactly as CPython 3.11 prints them.

use socklab_lang::parser::parse;

#[test]
fn every_lesson_script_parses() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../lessons");
    let mut count = 0;
    for lesson in std::fs::read_dir(root).expect("lessons dir") {
        let dir = lesson.expect("entry").path();
        if !dir.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&dir).expect("lesson dir") {
            let path = file.expect("entry").path();
            if path.extension().is_some_and(|e| e == "py") {
                let src = std::fs::read_to_string(&path).expect("readable");
                if let Err(e) = parse(&src, &path.display().to_string()) {
                    panic!("{} does not parse:\n{}", path.display(), e.render());
                }
                count += 1;
            }
        }
    }
    assert!(count >= 13, "found only {count} lesson scripts");
}
