//! The execution model: green threads interleave on socket waits, Stop interrupts a
//! busy loop and a blocked `recv`, the op budget ends a runaway loop, deep recursion is
//! a RecursionError, step mode pauses before each line.

use socklab_lang::host::{Op, SocketCall};
use socklab_lang::testing::{run_script, FakeHost};
use socklab_lang::{Interpreter, Limits, Status};

fn interp(src: &str, limits: Limits) -> Interpreter {
    Interpreter::new(src, "model.py", vec!["model.py".into()], limits)
}

#[test]
fn two_green_threads_interleave_on_socket_waits() {
    let src = r#"
import socket, threading
srv = socket.socket()
srv.bind(('127.0.0.1', 5000))
srv.listen()
def server():
    c, _ = srv.accept()
    for i in range(3):
        d = c.recv(10)
        print('server got', d)
        c.send(b'ack' + d)
threading.Thread(target=server).start()
cl = socket.create_connection(('127.0.0.1', 5000))
for i in range(3):
    cl.send(str(i).encode())
    print('client got', cl.recv(10))
"#;
    let mut host = FakeHost::new("");
    let mut it = interp(src, Limits::default());
    assert_eq!(
        host.run(&mut it, 10_000),
        Some(0),
        "stderr: {}",
        host.stderr
    );
    assert_eq!(
        host.stdout,
        "server got b'0'\nclient got b'ack0'\nserver got b'1'\nclient got b'ack1'\nserver got b'2'\nclient got b'ack2'\n"
    );
    // Both threads waited in recv, each at its own line.
    let recvs: Vec<(u32, u32)> = host
        .submitted
        .iter()
        .filter(|(_, op, _)| {
            matches!(
                op,
                Op::Socket {
                    call: SocketCall::Recv { .. },
                    ..
                }
            )
        })
        .map(|(_, _, at)| (at.thread, at.line))
        .collect();
    assert!(
        recvs.contains(&(1, 9)),
        "server thread waits at line 9: {recvs:?}"
    );
    assert!(
        recvs.contains(&(0, 16)),
        "main thread waits at line 16: {recvs:?}"
    );
}

#[test]
fn a_busy_thread_does_not_starve_the_others() {
    let src = r#"
import threading
done = False
def spin():
    n = 0
    while not done:
        n += 1
threading.Thread(target=spin).start()
total = 0
for i in range(100000):
    total += i
done = True
print(total)
"#;
    let r = run_script(src, "");
    assert_eq!(r.code, Some(0));
    assert_eq!(r.stdout, "4999950000\n");
}

#[test]
fn stop_interrupts_a_busy_loop() {
    let src = "x = 0\nwhile True:\n    x += 1\n";
    let mut host = FakeHost::new("");
    let mut it = interp(
        src,
        Limits {
            slice: 1000,
            ..Limits::default()
        },
    );
    assert_eq!(it.run(&mut host), Status::Yielded);
    assert_eq!(it.run(&mut host), Status::Yielded);
    it.interrupt();
    assert_eq!(it.run(&mut host), Status::Exited(130));
    assert!(
        host.stderr
            .starts_with("Traceback (most recent call last):\n  File \"model.py\", line "),
        "{}",
        host.stderr
    );
    assert!(
        host.stderr.ends_with("KeyboardInterrupt\n"),
        "{}",
        host.stderr
    );
}

#[test]
fn stop_interrupts_a_blocked_recv_and_cancels_its_op() {
    let src = "import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\ns.bind(('127.0.0.1', 6000))\ndata = s.recvfrom(1024)\nprint('never')\n";
    let mut host = FakeHost::new("");
    let mut it = interp(src, Limits::default());
    assert_eq!(host.run(&mut it, 100), None, "waits forever in recvfrom");
    let waiting = it.threads();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].line, 4, "blocked at line 4");
    let recv_id = host
        .submitted
        .iter()
        .find(|(_, op, _)| {
            matches!(
                op,
                Op::Socket {
                    call: SocketCall::RecvFrom { .. },
                    ..
                }
            )
        })
        .map(|(id, _, _)| *id)
        .expect("recvfrom submitted");
    it.interrupt();
    assert_eq!(it.run(&mut host), Status::Exited(130));
    assert_eq!(host.cancelled, vec![recv_id]);
    assert_eq!(
        host.stderr,
        "Traceback (most recent call last):\n  File \"model.py\", line 4, in <module>\n    data = s.recvfrom(1024)\n           ^^^^^^^^^^^^^^^^\nKeyboardInterrupt\n"
    );
    assert_eq!(host.stdout, "");
    assert_eq!(it.error(), Some((4, "KeyboardInterrupt".to_string())));
}

#[test]
fn the_op_budget_ends_a_runaway_loop_even_if_it_catches_everything() {
    let src = "while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        print('caught')\n";
    let mut host = FakeHost::new("");
    let mut it = interp(
        src,
        Limits {
            budget: Some(100_000),
            ..Limits::default()
        },
    );
    assert_eq!(host.run(&mut it, 1000), Some(1));
    assert_eq!(host.stdout, "");
    assert!(
        host.stderr
            .contains("  File \"model.py\", line 3, in <module>\n    while True:\n")
            || host
                .stderr
                .contains("  File \"model.py\", line 4, in <module>\n    pass\n"),
        "{}",
        host.stderr
    );
    assert!(
        host.stderr.ends_with(
            "RuntimeError: socklab stopped the script: it used its budget of 100000 operations\n"
        ),
        "{}",
        host.stderr
    );
}

#[test]
fn deep_recursion_is_a_recursion_error_not_a_crash() {
    let src = "def f(n):\n    return f(n + 1)\ntry:\n    f(0)\nexcept RecursionError as e:\n    print('caught', e)\nf(0)\n";
    let mut host = FakeHost::new("");
    let mut it = interp(
        src,
        Limits {
            max_depth: 200,
            ..Limits::default()
        },
    );
    assert_eq!(host.run(&mut it, 1000), Some(1));
    assert_eq!(host.stdout, "caught maximum recursion depth exceeded\n");
    assert!(
        host.stderr
            .contains("  [Previous line repeated 196 more times]\n"),
        "{}",
        host.stderr
    );
    assert!(host
        .stderr
        .ends_with("RecursionError: maximum recursion depth exceeded\n"));
}

#[test]
fn deep_recursion_through_builtins_is_a_recursion_error() {
    let src = "class A:\n    def __repr__(self):\n        return repr(self)\nprint(A())\n";
    let r = run_script(src, "");
    assert_eq!(r.code, Some(1));
    assert!(
        r.stderr
            .ends_with("RecursionError: maximum recursion depth exceeded\n"),
        "{}",
        r.stderr
    );
}

#[test]
fn step_mode_pauses_before_each_line() {
    let src = "a = 1\nb = 2\nprint(a + b)\n";
    let mut host = FakeHost::new("");
    let mut it = interp(src, Limits::default());
    it.set_stepping(true);
    assert_eq!(it.run(&mut host), Status::Paused { line: 1 });
    assert_eq!(it.run(&mut host), Status::Paused { line: 2 });
    assert_eq!(it.run(&mut host), Status::Paused { line: 3 });
    assert_eq!(host.stdout, "");
    it.set_stepping(false);
    assert_eq!(it.run(&mut host), Status::Exited(0));
    assert_eq!(host.stdout, "3\n");
}

#[test]
fn long_computations_yield_to_the_host() {
    let src = "t = 0\nfor i in range(200000):\n    t += i\nprint(t)\n";
    let mut host = FakeHost::new("");
    let mut it = interp(
        src,
        Limits {
            slice: 10_000,
            ..Limits::default()
        },
    );
    let mut yields = 0;
    loop {
        match it.run(&mut host) {
            Status::Yielded => yields += 1,
            Status::Exited(c) => {
                assert_eq!(c, 0);
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(yields < 10_000);
    }
    assert!(yields >= 50, "yielded {yields} times");
    assert_eq!(host.stdout, "19999900000\n");
}

#[test]
fn input_waits_for_the_host_and_eof_is_an_eoferror() {
    let r = run_script("print(input('>'))\ninput()\n", "hello\n");
    assert_eq!(r.stdout, ">hello\n");
    assert!(r.stderr.ends_with("EOFError: EOF when reading a line\n"));
    assert_eq!(r.code, Some(1));
}

#[test]
fn a_syntax_error_is_reported_on_the_first_run() {
    let r = run_script("x = (1,\n", "");
    assert_eq!(r.code, Some(1));
    assert!(
        r.stderr.contains("SyntaxError: '(' was never closed"),
        "{}",
        r.stderr
    );
}

#[test]
fn the_end_of_the_script_cancels_what_daemon_threads_wait_on() {
    let src = "import socket, threading\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\ns.bind(('127.0.0.1', 7000))\nthreading.Thread(target=s.recvfrom, args=(10,), daemon=True).start()\nprint('bye')\n";
    let mut host = FakeHost::new("");
    let mut it = interp(src, Limits::default());
    assert_eq!(host.run(&mut it, 1000), Some(0), "{}", host.stderr);
    let recv_id = host
        .submitted
        .iter()
        .find(|(_, op, _)| {
            matches!(
                op,
                Op::Socket {
                    call: SocketCall::RecvFrom { .. },
                    ..
                }
            )
        })
        .map(|(id, _, _)| *id)
        .expect("recvfrom submitted");
    assert_eq!(host.cancelled, vec![recv_id]);
    assert_eq!(host.stdout, "bye\n");
}

#[test]
fn a_second_stop_ends_a_script_whose_main_thread_waits_for_threads() {
    let src = "import threading, time\ndef worker():\n    while True:\n        time.sleep(1)\nthreading.Thread(target=worker).start()\ninput()\n";
    let mut host = FakeHost::new("");
    host.stdin.clear();
    let mut it = interp(src, Limits::default());
    // input() at EOF would end main; keep it waiting by answering nothing.
    assert_eq!(it.run(&mut host), Status::Waiting);
    it.interrupt();
    assert_eq!(
        it.run(&mut host),
        Status::Waiting,
        "the non-daemon worker keeps the script alive"
    );
    assert!(
        host.stderr.ends_with("KeyboardInterrupt\n"),
        "{}",
        host.stderr
    );
    it.interrupt();
    assert_eq!(it.run(&mut host), Status::Exited(130));
}
