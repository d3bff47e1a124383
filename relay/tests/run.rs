//! End-to-end tests of `socklab run`: the real binary runs small scripts against real sockets on 127.0.0.1.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::Duration;

/// No run here should take long; a hung one is killed and fails its test.
const LIMIT: Duration = Duration::from_secs(60);

/// A fresh working directory for one run.
fn scratch() -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "socklab-run-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `socklab run [extra...] script.py` in `dir` with `stdin`.
fn run_in(dir: &Path, script: &str, extra: &[&str], stdin: &str) -> Output {
    std::fs::write(dir.join("script.py"), script).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_socklab"))
        .arg("run")
        .args(extra)
        .arg("script.py")
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("socklab starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    finish(child)
}

/// Waits for the child, killing it if it outlives [`LIMIT`].
fn finish(child: std::process::Child) -> Output {
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(LIMIT) {
        Ok(out) => out.expect("socklab ran"),
        Err(_) => {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            panic!("socklab run did not finish within {LIMIT:?}");
        }
    }
}

fn run(script: &str, stdin: &str) -> Output {
    run_in(&scratch(), script, &[], stdin)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn last_line(bytes: &[u8]) -> String {
    text(bytes).lines().last().unwrap_or_default().to_string()
}

#[test]
fn tcp_echo_between_two_threads_of_one_script() {
    let out = run(
        r#"import socket, threading
srv = socket.socket()
srv.bind(('127.0.0.1', 0))
srv.listen(1)
port = srv.getsockname()[1]
def serve():
    c, a = srv.accept()
    while True:
        d = c.recv(1024)
        if not d:
            break
        c.sendall(d.upper())
    c.close()
t = threading.Thread(target=serve)
t.start()
cl = socket.socket()
cl.connect(('127.0.0.1', port))
for w in [b'hello', b'world']:
    cl.sendall(w)
    print(cl.recv(1024))
cl.close()
t.join()
srv.close()
print('done')
"#,
        "",
    );
    assert_eq!(
        text(&out.stdout),
        "b'HELLO'\nb'WORLD'\ndone\n",
        "stderr: {}",
        text(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn connection_refused_is_cpythons_error_and_exit_1() {
    // A port nothing listens on: bound, then closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = run(
        &format!("import socket\ns = socket.socket()\ns.connect(('127.0.0.1', {port}))\n"),
        "",
    );
    assert_eq!(
        last_line(&out.stderr),
        "ConnectionRefusedError: [Errno 111] Connection refused"
    );
    assert!(
        text(&out.stderr).contains("line 3"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1));
}

/// A relay in public mode on its own thread; returns its WebSocket URL.
fn public_relay() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    let config = socklab_relay::Config {
        listen: addr,
        policy: socklab_relay::PolicyMode::Public,
        ..socklab_relay::Config::default()
    };
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let shutdown = tokio_util::sync::CancellationToken::new();
            socklab_relay::serve(listener, config, shutdown).await
        })
    });
    format!("ws://{addr}/ws")
}

#[test]
fn a_refused_destination_is_permission_error_at_its_line() {
    let url = public_relay();
    let out = run_in(
        &scratch(),
        "import socket\n\ns = socket.socket()\ntry:\n    s.connect(('10.1.2.3', 80))\nexcept PermissionError as e:\n    print('caught', e.errno)\ns.connect(('169.254.169.254', 80))\n",
        &["--relay", &url],
        "",
    );
    let stderr = text(&out.stderr);
    assert_eq!(text(&out.stdout), "caught 13\n", "stderr: {stderr}");
    let last = last_line(&out.stderr);
    assert!(
        last.starts_with("PermissionError: [Errno 13] ")
            && last.contains("169.254.169.254")
            && last.contains("link-local"),
        "{stderr}"
    );
    assert!(stderr.contains("line 8"), "{stderr}");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn files_land_in_the_working_directory_and_cannot_leave_it() {
    let dir = scratch();
    let out = run_in(
        &dir,
        "with open('page.html', 'wb') as f:\n    f.write(b'<h1>hi</h1>')\nprint(open('page.html').read())\nopen('../escape.txt', 'w')\n",
        &[],
        "",
    );
    assert_eq!(text(&out.stdout), "<h1>hi</h1>\n");
    assert_eq!(
        std::fs::read(dir.join("page.html")).unwrap(),
        b"<h1>hi</h1>"
    );
    assert!(last_line(&out.stderr).starts_with("PermissionError: [Errno 13]"));
    assert!(!dir.parent().unwrap().join("escape.txt").exists());
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn exit_statuses_follow_cpython() {
    assert_eq!(run("import sys\nsys.exit(3)\n", "").status.code(), Some(3));
    assert_eq!(run("print('ok')\n", "").status.code(), Some(0));
    let syntax = run("print('a'\n", "");
    assert_eq!(syntax.status.code(), Some(1));
    assert!(last_line(&syntax.stderr).starts_with("SyntaxError"));
    let missing = Command::new(env!("CARGO_BIN_EXE_socklab"))
        .args(["run", "/nonexistent/socklab-test.py"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("No such file or directory"));
}

#[test]
fn input_reads_lines_then_eof_is_eoferror() {
    let out = run(
        "a = input('first? ')\nprint('got', a)\ninput('second? ')\n",
        "one\n",
    );
    assert_eq!(text(&out.stdout), "first? got one\nsecond? ");
    assert_eq!(last_line(&out.stderr), "EOFError: EOF when reading a line");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn udp_keeps_datagram_boundaries() {
    let out = run(
        "import socket\nr = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\nr.bind(('127.0.0.1', 0))\nport = r.getsockname()[1]\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\nfor d in [b'one', b'', b'three']:\n    s.sendto(d, ('127.0.0.1', port))\nfor _ in range(3):\n    data, addr = r.recvfrom(1024)\n    print(data, addr[0])\nr.settimeout(0.2)\ntry:\n    r.recvfrom(10)\nexcept TimeoutError as e:\n    print('timeout:', e)\n",
        "",
    );
    assert_eq!(
        text(&out.stdout),
        "b'one' 127.0.0.1\nb'' 127.0.0.1\nb'three' 127.0.0.1\ntimeout: timed out\n",
        "stderr: {}",
        text(&out.stderr)
    );
}

#[test]
fn ctrl_c_is_keyboard_interrupt_with_status_130() {
    let dir = scratch();
    std::fs::write(
        dir.join("script.py"),
        "import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\ns.bind(('127.0.0.1', 0))\nprint('waiting', flush=True)\ns.recvfrom(10)\n",
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_socklab"))
        .args(["run", "script.py"])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The script blocks in recvfrom once it printed: then interrupt it.
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert_eq!(line, "waiting\n");
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = finish(child);
    let stderr = text(&out.stderr);
    assert_eq!(last_line(&out.stderr), "KeyboardInterrupt", "{stderr}");
    assert!(stderr.contains("line 5"), "{stderr}");
    assert_eq!(out.status.code(), Some(130));
}

#[test]
fn a_whole_lesson_runs_in_one_process() {
    let dir = scratch();
    let child = Command::new(env!("CARGO_BIN_EXE_socklab"))
        .args(["run", "--lesson", "01-tcp-echo"])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = finish(child);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("[server.py] 接收到来自客户端的消息:你好\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("[client.py] 接收来自服务端的数据:hello\n"),
        "{stdout}"
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn one_script_of_a_lesson_runs_from_the_library() {
    // The UDP chat peer talks to itself on a port nothing else uses.
    let port = std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_socklab"))
        .args(["run", "--lesson", "12-udp-chat", "peer.py"])
        .current_dir(scratch())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input = format!("{port}\n127.0.0.1\n{port}\nhello me\n");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = finish(child);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(&format!("('127.0.0.1', {port}):hello me\n")),
        "{stdout}"
    );
    assert_eq!(last_line(&out.stderr), "EOFError: EOF when reading a line");
    assert_eq!(out.status.code(), Some(1));
}
