//! The 13 seed lessons run on the in-memory fake host and print what CPython printed
//! (`lessons/cpython.txt`, recorded by `run-lessons --show`; `SOCKLAB_BLESS=1`
//! re-records it when the tool is available).

use socklab_lang::testing::{RunResult, Script};
use socklab_lessons::{Lesson, RunKind};

/// Stands in for `python3 -m http.server` serving page.html (lesson 06).
const FAKE_HTTP_SERVER: &str = r#"
import socket
s = socket.socket()
s.bind(('127.0.0.1', PORT))
s.listen(5)
while True:
    c, a = s.accept()
    c.recv(4096)
    body = open('page.html', 'rb').read()
    c.sendall(b'HTTP/1.0 200 OK\r\nServer: SimpleHTTP/0.6 Python/3.11.7\r\nContent-type: text/html\r\nContent-Length: ' + str(len(body)).encode() + b'\r\n\r\n' + body)
    c.close()
"#;

/// Stands in for urllib fetching the student's server (lesson 05).
const FAKE_HTTP_GET: &str = r#"
import socket
s = socket.create_connection(('127.0.0.1', PORT))
s.sendall(b'GET / HTTP/1.1\r\nAccept-Encoding: identity\r\nHost: 127.0.0.1:PORT\r\nUser-Agent: Python-urllib/3.11\r\nConnection: close\r\n\r\n')
data = b''
while True:
    d = s.recv(4096)
    if not d:
        break
    data += d
print('body ok' if b'EXPECT' in data else data)
"#;

fn normalise(text: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        // fd=-?\d+ -> fd=<fd>
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
        if chars[i].is_ascii_digit() && (i == 0 || !(chars[i - 1].is_ascii_digit() || chars[i - 1] == '.')) {
            let mut j = i;
            while j < chars.len() && chars[j].is_ascii_digit() {
                j += 1;
            }
            let num: String = chars[i..j].iter().collect();
            if num.len() == 5 && (32768..70000).contains(&num.parse::<u32>().unwrap_or(0)) {
                out.push_str("<eph>");
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

fn last_error(stderr: &str) -> String {
    let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
    last.split(':').next().unwrap_or("").trim().to_string()
}

/// Run one lesson and render its transcript like `run-lessons --show`.
fn run_lesson(lesson: &Lesson) -> String {
    let mut scripts = Vec::new();
    let mut meta = Vec::new();
    for (j, r) in lesson.runs.iter().enumerate() {
        match &r.kind {
            RunKind::Script { file } => {
                scripts.push(Script {
                    name: file.to_string(),
                    source: lesson.file(file).unwrap_or("").to_string(),
                    stdin: r.stdin.to_string(),
                    forever: r.forever,
                });
                meta.push((j, file.to_string(), r.forever || r.together, r.expect_exit, true));
            }
            RunKind::ServeDir { port, .. } => {
                scripts.push(Script {
                    name: "http_server.py".into(),
                    source: FAKE_HTTP_SERVER.replace("PORT", &port.to_string()),
                    stdin: String::new(),
                    forever: true,
                });
                meta.push((j, String::new(), true, None, false));
            }
            RunKind::HttpGet { url, expect_body_contains } => {
                let port = url.rsplit(':').next().unwrap_or("80").trim_end_matches('/').to_string();
                scripts.push(Script {
                    name: "http_get".into(),
                    source: FAKE_HTTP_GET.replace("PORT", &port).replace("EXPECT", expect_body_contains),
                    stdin: String::new(),
                    forever: false,
                });
                meta.push((j, "http_get".into(), false, None, true));
            }
        }
    }
    let files: Vec<(String, Vec<u8>)> = lesson.files.iter().map(|f| (f.name.to_string(), f.text.as_bytes().to_vec())).collect();
    let (results, written) = run_together_with_files(&scripts, &files);
    let mut records: Vec<(usize, String, String, String)> = Vec::new();
    for ((j, file, sorted, expect, keep), r) in meta.into_iter().zip(results) {
        if !keep {
            continue;
        }
        let status = match r.code {
            Some(0) => "0".to_string(),
            None => "stopped".to_string(),
            Some(_) => {
                let e = last_error(&r.stderr);
                if expect == Some(e.as_str()) {
                    format!("expected {e}")
                } else {
                    e
                }
            }
        };
        let mut out = normalise(&r.stdout);
        if sorted {
            let mut lines: Vec<&str> = out.lines().collect();
            lines.sort();
            out = lines.join("\n") + "\n";
        }
        if !r.stderr.is_empty() && status == "0" {
            out.push_str(&format!("[stderr]\n{}", r.stderr));
        }
        records.push((j, file, status, out));
    }
    if let Some((name, same_as, j)) = lesson_expect_file(lesson) {
        let same = written.iter().any(|(n, d)| *n == name && Some(d.as_slice()) == lesson.file(&same_as).map(|t| t.as_bytes()));
        records.push((j, name, "0".into(), if same { "file ok\n".into() } else { "file differs\n".into() }));
    }
    records.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let mut s = format!("{}: oracle ran\n", lesson.id);
    for (j, file, status, out) in records {
        s.push_str(&format!("--- run {j} {file} (exit: {status})\n{out}"));
    }
    s
}

/// Lesson 06 checks the file its client writes.
fn lesson_expect_file(lesson: &Lesson) -> Option<(String, String, usize)> {
    if lesson.id == "06-http-get" {
        let j = lesson.runs.iter().position(|r| matches!(r.kind, RunKind::Script { .. }))?;
        return Some(("baidu.html".into(), "page.html".into(), j));
    }
    None
}

fn run_together_with_files(scripts: &[Script], files: &[(String, Vec<u8>)]) -> (Vec<RunResult>, Vec<(String, Vec<u8>)>) {
    socklab_lang::testing::run_together_files(scripts, files)
}

fn expected() -> Vec<(String, String)> {
    let text = include_str!("lessons/cpython.txt");
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        if line.ends_with(": oracle ran\n") {
            out.push((line.trim_end_matches(": oracle ran\n").to_string(), String::new()));
        }
        if let Some(last) = out.last_mut() {
            last.1.push_str(line);
        }
    }
    out
}

#[test]
fn lessons_match_cpython() {
    let mut failures = Vec::new();
    let exp = expected();
    assert_eq!(exp.len(), 13, "13 lessons recorded");
    for (id, want) in exp {
        let lesson = socklab_lessons::find(&id).expect("lesson");
        let got = run_lesson(lesson);
        if got.trim_end() != want.trim_end() {
            failures.push(format!("=== {id}\n--- want\n{want}\n--- got\n{got}"));
        }
    }
    assert!(failures.is_empty(), "{} lessons differ:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn normalise_matches_run_lessons() {
    assert_eq!(normalise("fd=12 ('127.0.0.1', 40001) 8000 1.40001"), "fd=<fd> ('127.0.0.1', <eph>) 8000 1.40001");
}
