//! Interpreter speed against CPython, in one run: `cargo bench -p socklab-lang`.
//! A benchmark, not a test: it prints timings and asserts nothing about them.

use std::process::Command;
use std::time::{Duration, Instant};

use socklab_lang::testing::run_script;

const CASES: &[(&str, &str)] = &[
    (
        "compute loop (3M iterations)",
        "total = 0\nfor i in range(3000000):\n    total += i * i % 7\nprint(total)\n",
    ),
    (
        "factorial(5000)",
        "def fact(n):\n    r = 1\n    for i in range(2, n + 1):\n        r *= i\n    return r\nprint(fact(5000) % 1000000007)\n",
    ),
    (
        "recursive fib(25)",
        "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\nprint(fib(25))\n",
    ),
    (
        "method calls and attributes (300k)",
        "class C:\n    def __init__(self):\n        self.n = 0\n    def inc(self, k):\n        self.n += k\nc = C()\nfor i in range(300000):\n    c.inc(i)\nprint(c.n)\n",
    ),
    (
        "str and list work (200k)",
        "parts = []\nfor i in range(200000):\n    parts.append(str(i))\ns = ','.join(parts)\nprint(len(s), len(s.split(',')))\n",
    ),
];

fn best_of<F: FnMut() -> Duration>(n: usize, mut f: F) -> Duration {
    (0..n).map(|_| f()).min().unwrap_or_default()
}

/// CPython's time for the script body, measured inside the process (no startup).
fn python(src: &str) -> Option<Duration> {
    let wrapper = "import sys, time\nsrc = sys.stdin.read()\nt = time.perf_counter()\nexec(compile(src, 'bench.py', 'exec'), {'__name__': '__main__'})\nsys.stderr.write(repr(time.perf_counter() - t))\n";
    let run = || -> Option<Duration> {
        use std::io::Write;
        let mut child = Command::new("python3")
            .arg("-c")
            .arg(wrapper)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .ok()?;
        child.stdin.take()?.write_all(src.as_bytes()).ok()?;
        let out = child.wait_with_output().ok()?;
        let secs: f64 = String::from_utf8_lossy(&out.stderr).trim().parse().ok()?;
        Some(Duration::from_secs_f64(secs))
    };
    let times: Vec<Duration> = (0..3).filter_map(|_| run()).collect();
    times.into_iter().min()
}

fn main() {
    println!(
        "{:<38} {:>12} {:>12} {:>8}",
        "case", "socklab", "CPython", "ratio"
    );
    for (name, src) in CASES {
        let expected = Command::new("python3")
            .arg("-c")
            .arg(src)
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
        let ours = best_of(3, || {
            let t = Instant::now();
            let r = run_script(src, "");
            let d = t.elapsed();
            assert_eq!(r.code, Some(0), "{name}: {}", r.stderr);
            if let Some(e) = &expected {
                assert_eq!(&r.stdout, e, "{name}: same output as CPython");
            }
            d
        });
        match python(src) {
            Some(py) => println!(
                "{:<38} {:>10.1}ms {:>10.1}ms {:>7.2}x",
                name,
                ours.as_secs_f64() * 1e3,
                py.as_secs_f64() * 1e3,
                ours.as_secs_f64() / py.as_secs_f64().max(1e-9)
            ),
            None => println!(
                "{:<38} {:>10.1}ms {:>12} {:>8}",
                name,
                ours.as_secs_f64() * 1e3,
                "n/a",
                ""
            ),
        }
    }
}
