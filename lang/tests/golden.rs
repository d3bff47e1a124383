//! Golden tests: every `golden/<area>/<name>.py` runs on the fake host and must print
//! exactly what CPython 3.11 printed (`<name>.out`, `<name>.err`; the exit status is
//! appended to `.err` when it is not 0). `SOCKLAB_BLESS=1 cargo test -p socklab-lang
//! --test golden` regenerates the expected files by running `python3` on each script.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use socklab_lang::testing::run_script_named;

fn scripts(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("golden dir")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            scripts(&p, out);
        } else if p.extension().is_some_and(|e| e == "py") {
            out.push(p);
        }
    }
}

/// What differs from run to run: fds, ephemeral ports, addresses, thread idents.
fn normalise(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i..].starts_with(&['f', 'd', '=']) {
            let mut j = i + 3;
            if j < chars.len() && chars[j] == '-' {
                j += 1;
            }
            let k = j;
            while j < chars.len() && chars[j].is_ascii_digit() {
                j += 1;
            }
            if j > k {
                out.push_str("fd=<fd>");
                i = j;
                continue;
            }
        }
        if chars[i..].starts_with(&['0', 'x']) {
            let mut j = i + 2;
            while j < chars.len() && chars[j].is_ascii_hexdigit() {
                j += 1;
            }
            if j - i >= 8 {
                out.push_str("0x<addr>");
                i = j;
                continue;
            }
        }
        if chars[i].is_ascii_digit()
            && (i == 0 || !(chars[i - 1].is_ascii_digit() || chars[i - 1] == '.'))
        {
            let mut j = i;
            while j < chars.len() && chars[j].is_ascii_digit() {
                j += 1;
            }
            let num: String = chars[i..j].iter().collect();
            let after_dot = j < chars.len() && chars[j] == '.';
            if num.len() == 5
                && !after_dot
                && (32768..70000).contains(&num.parse::<u32>().unwrap_or(0))
            {
                out.push_str("<eph>");
            } else if num.len() >= 12 && !after_dot {
                out.push_str("<ident>");
            } else {
                out.push_str(&num);
            }
            i = j;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

fn with_code(err: &str, code: Option<i32>) -> String {
    match code {
        Some(0) => err.to_string(),
        Some(c) => format!("{err}[exit {c}]\n"),
        None => format!("{err}[did not finish]\n"),
    }
}

fn bless(py: &Path, stdin: &str) -> (String, String) {
    let dir = std::env::temp_dir().join(format!("socklab-golden-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let name = py.file_name().expect("name");
    std::fs::copy(py, dir.join(name)).expect("copy");
    let mut child = Command::new("python3")
        .arg(name)
        .current_dir(&dir)
        .env("PYTHONIOENCODING", "utf-8")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3");
    {
        use std::io::Write;
        let mut i = child.stdin.take().expect("stdin");
        i.write_all(stdin.as_bytes()).expect("write stdin");
    }
    let out = child.wait_with_output().expect("python3 output");
    let _ = std::fs::remove_dir_all(&dir);
    // CPython shows the script's absolute path; socklab is given the bare name here.
    let prefix = format!("{}/", dir.display());
    let stdout = normalise(&String::from_utf8_lossy(&out.stdout).replace(&prefix, ""));
    let stderr = with_code(
        &normalise(&String::from_utf8_lossy(&out.stderr).replace(&prefix, "")),
        out.status.code(),
    );
    (stdout, stderr)
}

#[test]
fn golden_scripts_match_cpython() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut all = Vec::new();
    scripts(&root, &mut all);
    assert!(all.len() >= 20, "golden scripts found: {}", all.len());
    let blessing = std::env::var("SOCKLAB_BLESS").is_ok_and(|v| v == "1");
    let mut failures = Vec::new();
    for py in &all {
        let src = std::fs::read_to_string(py).expect("script");
        let stdin = std::fs::read_to_string(py.with_extension("in")).unwrap_or_default();
        if blessing {
            let (o, e) = bless(py, &stdin);
            std::fs::write(py.with_extension("out"), o).expect("write .out");
            std::fs::write(py.with_extension("err"), e).expect("write .err");
        }
        let want_out = std::fs::read_to_string(py.with_extension("out")).unwrap_or_default();
        let want_err = std::fs::read_to_string(py.with_extension("err")).unwrap_or_default();
        let name = py.file_name().and_then(|n| n.to_str()).expect("name");
        let r = run_script_named(&src, name, &stdin);
        let got_out = normalise(&r.stdout);
        let got_err = with_code(&normalise(&r.stderr), r.code);
        if got_out != want_out || got_err != want_err {
            failures.push(format!(
                "=== {}\n--- want stdout\n{want_out}--- got stdout\n{got_out}--- want stderr\n{want_err}--- got stderr\n{got_err}",
                py.strip_prefix(&root).unwrap_or(py).display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} golden scripts differ:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

#[test]
fn normalise_hides_what_varies() {
    assert_eq!(
        normalise("fd=3 ('127.0.0.1', 41234) at 0x7f3a2b1c0d90 started 139823199611776"),
        "fd=<fd> ('127.0.0.1', <eph>) at 0x<addr> started <ident>"
    );
}

/// The expected files are CPython's output, not socklab's: run every golden script under
/// `python3` now and compare with what is stored (so a hand-edited expectation cannot hide
/// a difference from CPython).
#[test]
fn golden_expectations_are_what_cpython_prints() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut all = Vec::new();
    scripts(&root, &mut all);
    assert!(all.len() >= 20, "golden scripts found: {}", all.len());
    let mut stale = Vec::new();
    for py in &all {
        let stdin = std::fs::read_to_string(py.with_extension("in")).unwrap_or_default();
        let (out, err) = bless(py, &stdin);
        let want_out = std::fs::read_to_string(py.with_extension("out")).unwrap_or_default();
        let want_err = std::fs::read_to_string(py.with_extension("err")).unwrap_or_default();
        if out != want_out || err != want_err {
            stale.push(format!(
                "=== {}\n--- stored stdout\n{want_out}--- cpython stdout\n{out}--- stored stderr\n{want_err}--- cpython stderr\n{err}",
                py.strip_prefix(&root).unwrap_or(py).display()
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "{} of {} golden expectations differ from CPython:\n{}",
        stale.len(),
        all.len(),
        stale.join("\n")
    );
}
