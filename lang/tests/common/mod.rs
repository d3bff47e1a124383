//! Shared by the scenario tests (lessons, corpus): run a scenario's scripts together on
//! the fake host and render the transcript exactly as `run-lessons --show` does.

#![allow(dead_code)]

use socklab_lang::testing::{RunResult, Script};

/// One step of a scenario (see `lessons/*/scenario.toml`).
#[derive(Debug, Clone, Default)]
pub struct Run {
    pub file: Option<String>,
    pub stdin: String,
    pub forever: bool,
    pub together: bool,
    pub expect_exit: Option<String>,
    /// `serve_dir`: an HTTP server over page.html on this port.
    pub serve_port: Option<u16>,
    /// `http_get`: (url, expected body part).
    pub http_get: Option<(String, String)>,
    /// `expect_file`: (name, same_as).
    pub expect_file: Option<(String, String)>,
}

/// Stands in for `python3 -m http.server` serving page.html.
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

/// Stands in for urllib fetching a URL from the student's server.
const FAKE_HTTP_GET: &str = r#"
import socket
s = socket.create_connection(('127.0.0.1', PORT))
s.sendall(b'GET PATH HTTP/1.1\r\nAccept-Encoding: identity\r\nHost: 127.0.0.1:PORT\r\nUser-Agent: Python-urllib/3.11\r\nConnection: close\r\n\r\n')
data = b''
while True:
    d = s.recv(4096)
    if not d:
        break
    data += d
print('body ok' if 'EXPECT'.encode() in data else data.split(b'\r\n\r\n', 1)[-1].decode())
"#;

/// run-lessons' normalisation: fds and ephemeral ports.
pub fn normalise(text: &str) -> String {
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
        if chars[i].is_ascii_digit()
            && (i == 0 || !(chars[i - 1].is_ascii_digit() || chars[i - 1] == '.'))
        {
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

/// run-lessons' `last_error`: the exception name on stderr's last line.
pub fn last_error(stderr: &str) -> String {
    let last = stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    let name: String = last
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
        .collect();
    let rest = &last[name.len()..];
    if !name.is_empty()
        && (rest.is_empty() || rest.starts_with(':'))
        && !name.starts_with(|c: char| c.is_ascii_digit())
    {
        name.rsplit('.').next().unwrap_or("").to_string()
    } else {
        last.chars().take(80).collect()
    }
}

/// Run a scenario and render its transcript like `run-lessons --show`.
pub fn run_scenario(id: &str, runs: &[Run], files: &[(String, Vec<u8>)]) -> String {
    let mut scripts = Vec::new();
    let mut meta = Vec::new();
    for (j, r) in runs.iter().enumerate() {
        if let Some(file) = &r.file {
            let source = files
                .iter()
                .find(|(n, _)| n == file)
                .map(|(_, d)| String::from_utf8_lossy(d).into_owned())
                .unwrap_or_default();
            scripts.push(Script {
                name: file.clone(),
                source,
                stdin: r.stdin.clone(),
                forever: r.forever,
            });
            meta.push((
                j,
                file.clone(),
                r.forever || r.together,
                r.expect_exit.clone(),
                true,
            ));
        } else if let Some(port) = r.serve_port {
            scripts.push(Script {
                name: "http_server.py".into(),
                source: FAKE_HTTP_SERVER.replace("PORT", &port.to_string()),
                stdin: String::new(),
                forever: true,
            });
            meta.push((j, String::new(), true, None, false));
        } else if let Some((url, expect)) = &r.http_get {
            let rest = url.trim_start_matches("http://");
            let (hostport, path) = match rest.find('/') {
                Some(i) => (&rest[..i], &rest[i..]),
                None => (rest, "/"),
            };
            let port = hostport.rsplit(':').next().unwrap_or("80").to_string();
            scripts.push(Script {
                name: "http_get".into(),
                source: FAKE_HTTP_GET
                    .replace("PORT", &port)
                    .replace("PATH", path)
                    .replace("EXPECT", expect),
                stdin: String::new(),
                forever: false,
            });
            meta.push((j, "http_get".into(), false, None, true));
        }
    }
    let (results, written) = socklab_lang::testing::run_together_files(&scripts, files);
    let mut records: Vec<(usize, String, String, String)> = Vec::new();
    for ((j, file, sorted, expect, keep), r) in meta.into_iter().zip(results) {
        if !keep {
            continue;
        }
        records.push((
            j,
            file,
            status_of(&r, expect.as_deref()),
            render_out(&r, sorted),
        ));
    }
    for (j, r) in runs.iter().enumerate() {
        if let Some((name, same_as)) = &r.expect_file {
            let want = files
                .iter()
                .find(|(n, _)| n == same_as)
                .map(|(_, d)| d.clone());
            let same = written
                .iter()
                .any(|(n, d)| n == name && Some(d) == want.as_ref());
            records.push((
                j,
                name.clone(),
                "0".into(),
                if same {
                    "file ok\n".into()
                } else {
                    "file differs\n".into()
                },
            ));
        }
    }
    records.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let mut s = format!("{id}: oracle ran\n");
    for (j, file, status, out) in records {
        s.push_str(&format!("--- run {j} {file} (exit: {status})\n{out}"));
    }
    s
}

fn status_of(r: &RunResult, expect: Option<&str>) -> String {
    match r.code {
        Some(0) => "0".to_string(),
        None => "stopped".to_string(),
        Some(c) => {
            let e = last_error(&r.stderr);
            let e = if e.is_empty() { format!("exit {c}") } else { e };
            if expect == Some(e.as_str()) {
                format!("expected {e}")
            } else {
                e
            }
        }
    }
}

fn render_out(r: &RunResult, sorted: bool) -> String {
    let mut out = normalise(&r.stdout);
    if sorted {
        let mut lines: Vec<&str> = out.lines().collect();
        lines.sort();
        out = lines.join("\n") + "\n";
    }
    out
}

/// Split a recorded `run-lessons --show` output into (id, transcript) pairs.
pub fn expected(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        if line.ends_with(": oracle ran\n") {
            out.push((
                line.trim_end_matches(": oracle ran\n").to_string(),
                String::new(),
            ));
        }
        if let Some(last) = out.last_mut() {
            last.1.push_str(line);
        }
    }
    out
}
