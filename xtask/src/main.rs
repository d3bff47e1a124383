//! `cargo xtask`: socklab build orchestration — the wasm page build, serving, and the one test command.
//!
//! * `cargo xtask build-web` — compile `web/` to wasm and write the JS glue into `www/pkg/`;
//! * `cargo xtask serve [ARGS]` — build the page, then `socklab serve ARGS` (release build);
//! * `cargo xtask test` — install what is missing, build the page, run every test, fmt and clippy.

use anyhow::{bail, Context, Result};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// What the page (wasm + JS, gzipped) may weigh; `cargo xtask test` enforces it.
const BUDGET: u64 = 1024 * 1024;

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let cmd = args.next().unwrap_or_default();
    let rest: Vec<String> = args.collect();
    match cmd.as_str() {
        "build-web" => build_web().map(|_| ()),
        "serve" => serve(&rest),
        "test" => test(),
        _ => {
            eprintln!(
                "usage: cargo xtask <command>\n\n\
                 commands:\n  \
                 build-web   build the page (wasm + JS glue) into www/pkg/\n  \
                 serve ARGS  build the page and run `socklab serve ARGS` (default 127.0.0.1:8080)\n  \
                 test        install what is missing, build the page, run every test, fmt, clippy"
            );
            if cmd.is_empty() || cmd == "help" || cmd == "--help" {
                Ok(())
            } else {
                bail!("unknown command {cmd:?}")
            }
        }
    }
}

/// The repository root (xtask lives one level below it).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask has a parent folder")
        .to_path_buf()
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

/// `cargo` as the one that runs us (so a `+toolchain` choice carries over).
fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(root());
    cmd
}

fn run(cmd: &mut Command) -> Result<()> {
    eprintln!("xtask: running {cmd:?}");
    let status = cmd
        .status()
        .with_context(|| format!("could not start {cmd:?}"))?;
    if !status.success() {
        bail!("{cmd:?} failed: {status}");
    }
    Ok(())
}

fn ensure_wasm_target() -> Result<()> {
    let out = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .context("rustup is needed to add the wasm32 target")?;
    if !String::from_utf8_lossy(&out.stdout)
        .lines()
        .any(|l| l.trim() == WASM_TARGET)
    {
        run(Command::new("rustup").args(["target", "add", WASM_TARGET]))?;
    }
    Ok(())
}

/// Sizes of the files the page loads, raw and gzipped.
struct PageSizes {
    wasm: (u64, u64),
    js: (u64, u64),
}

fn build_web() -> Result<PageSizes> {
    ensure_wasm_target()?;
    // Size over speed, LTO and one codegen unit for the page only: the wasm shrinks by
    // about a tenth (the interpreter included), and the native release build of the relay
    // and `socklab run` (same profile) keeps its speed.
    run(cargo()
        .args([
            "build",
            "-p",
            "socklab-web",
            "--release",
            "--target",
            WASM_TARGET,
        ])
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "s")
        .env("CARGO_PROFILE_RELEASE_LTO", "true")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "1"))?;
    let wasm = target_dir()
        .join(WASM_TARGET)
        .join("release")
        .join("socklab_web.wasm");
    let out_dir = root().join("www").join("pkg");
    std::fs::create_dir_all(&out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    eprintln!("xtask: generating JS glue into {}", out_dir.display());
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&wasm)
        .web(true)?
        .omit_default_module_path(false)
        .typescript(false)
        .generate(&out_dir)
        .with_context(|| format!("wasm-bindgen on {}", wasm.display()))?;
    let sizes = PageSizes {
        wasm: sizes(&out_dir.join("socklab_web_bg.wasm"))?,
        js: sizes(&out_dir.join("socklab_web.js"))?,
    };
    let total = sizes.wasm.1 + sizes.js.1;
    println!(
        "page size: wasm {} B ({} B gzipped), js {} B ({} B gzipped), total gzipped {} B ({:.1} KiB)",
        sizes.wasm.0,
        sizes.wasm.1,
        sizes.js.0,
        sizes.js.1,
        total,
        total as f64 / 1024.0
    );
    if total > BUDGET {
        eprintln!("xtask: WARNING: the page is over its 1 MiB gzipped budget ({total} B)");
    }
    Ok(sizes)
}

/// (raw, gzipped at the best level) sizes of a file.
fn sizes(path: &Path) -> Result<(u64, u64)> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&bytes)?;
    Ok((bytes.len() as u64, gz.finish()?.len() as u64))
}

fn serve(args: &[String]) -> Result<()> {
    build_web()?;
    run(cargo()
        .args([
            "run",
            "--release",
            "-p",
            "socklab-relay",
            "--bin",
            "socklab",
            "--",
            "serve",
        ])
        .args(args))
}

fn is_root() -> bool {
    // The effective uid without libc: /proc/self/status has "Uid: real effective ...".
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|u| u == "0"))
        })
        .unwrap_or(false)
}

/// Debian's Chromium and its chromedriver, for the browser tests.
fn ensure_chromium() -> Result<()> {
    if Path::new("/usr/bin/chromium").exists() && Path::new("/usr/bin/chromedriver").exists() {
        return Ok(());
    }
    let sudo = !is_root();
    let apt = |args: &[&str]| {
        let mut cmd = if sudo {
            let mut c = Command::new("sudo");
            c.arg("apt-get");
            c
        } else {
            Command::new("apt-get")
        };
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    };
    run(&mut apt(&["update"]))?;
    run(&mut apt(&["install", "-y", "chromium", "chromium-driver"]))
        .context("installing Debian's chromium and chromium-driver for the browser tests")
}

fn test() -> Result<()> {
    ensure_wasm_target()?;
    ensure_chromium()?;
    let sizes = build_web()?;
    let total = sizes.wasm.1 + sizes.js.1;
    if total > BUDGET {
        bail!("the page is over its 1 MiB gzipped budget ({total} B); see docs/BENCH.md");
    }
    // One cargo invocation for every crate's tests; the browser tests find the page in
    // www/pkg/ (built above) and start the relay in-process.
    // --no-fail-fast: one failing crate does not hide the results of the others.
    run(cargo().args(["test", "--workspace", "--no-fail-fast"]))?;
    run(cargo().args(["fmt", "--all", "--check"]))?;
    run(cargo().args([
        "clippy",
        "--workspace",
        "--exclude",
        "socklab-web",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    run(cargo().args([
        "clippy",
        "-p",
        "socklab-web",
        "--target",
        WASM_TARGET,
        "--",
        "-D",
        "warnings",
    ]))?;
    println!("xtask: every test, fmt and clippy passed");
    Ok(())
}
