//! `socklab run script.py`: runs a script natively against real sockets, through a relay.
//!
//! Layout: `mod.rs` (arguments, the in-process relay, single-script runs), `driver.rs` (the
//! event loop shared by every mode), `host.rs` (output, files, clock), `scenario.rs` (a whole
//! lesson in one process).

mod driver;
mod host;
mod scenario;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use tokio_util::sync::CancellationToken;

use driver::{Driver, Input};

/// Arguments of `socklab run`.
#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    /// The Python script to run. With `--lesson`: the name of one of the lesson's scripts
    /// (omitted: the lesson's whole scenario).
    pub script: Option<PathBuf>,
    /// Use this relay (`ws://HOST:PORT/ws`) instead of starting one in-process.
    #[arg(long)]
    pub relay: Option<String>,
    /// The relay's join code, if it asks for one.
    #[arg(long, env = "SOCKLAB_TOKEN")]
    pub token: Option<String>,
    /// Run a lesson of the embedded library (`01-tcp-echo`, ...).
    #[arg(long)]
    pub lesson: Option<String>,
    /// Arguments passed to the script as `sys.argv[1:]`.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
}

/// How long, after the last script ended, the relay may take to write what scripts sent.
const DRAIN: Duration = Duration::from_secs(5);

/// Runs the script; returns the process exit code.
pub fn main(args: RunArgs) -> anyhow::Result<i32> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    // The interpreter is not Send: everything runs on this thread.
    let local = tokio::task::LocalSet::new();
    local.block_on(&rt, run(args))
}

/// What to run, read before any relay starts so that a missing file fails fast.
enum Job {
    Script {
        source: String,
        filename: String,
        argv: Vec<String>,
    },
    Lesson(&'static socklab_lessons::Lesson),
}

async fn run(args: RunArgs) -> anyhow::Result<i32> {
    let job = match (&args.lesson, &args.script) {
        (None, None) => anyhow::bail!("give a script to run (socklab run FILE.py) or --lesson ID"),
        (None, Some(path)) => {
            let filename = path.display().to_string();
            let source = match std::fs::read(path) {
                Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                Err(e) => {
                    // CPython's words and status for a script it cannot open.
                    let errno = e.raw_os_error().unwrap_or(2);
                    let text = e.to_string();
                    let text = text.split(" (os error").next().unwrap_or(&text);
                    eprintln!("socklab: can't open file '{filename}': [Errno {errno}] {text}");
                    return Ok(2);
                }
            };
            let argv = std::iter::once(filename.clone())
                .chain(args.args.iter().cloned())
                .collect();
            Job::Script {
                source,
                filename,
                argv,
            }
        }
        (Some(id), file) => {
            let lesson = socklab_lessons::find(id).with_context(|| {
                let ids: Vec<&str> = socklab_lessons::all().iter().map(|l| l.id).collect();
                format!("no lesson {id:?}; the lessons are: {}", ids.join(", "))
            })?;
            match file {
                None => Job::Lesson(lesson),
                Some(file) => {
                    let name = file.display().to_string();
                    let source = lesson.file(&name).with_context(|| {
                        let names: Vec<&str> = lesson.scripts().map(|f| f.name).collect();
                        format!(
                            "lesson {id} has no {name}; its scripts: {}",
                            names.join(", ")
                        )
                    })?;
                    let argv = std::iter::once(name.clone())
                        .chain(args.args.iter().cloned())
                        .collect();
                    Job::Script {
                        source: source.to_string(),
                        filename: name,
                        argv,
                    }
                }
            }
        }
    };

    let mut local_relay = None;
    let url = match &args.relay {
        Some(url) => url.clone(),
        None => {
            let relay = LocalRelay::start()?;
            let url = format!("ws://{}/ws", relay.addr);
            local_relay = Some(relay);
            url
        }
    };
    let cwd = std::env::current_dir().context("finding the working directory")?;
    let token = args.token.clone().unwrap_or_default();
    let mut driver = Driver::connect(&url, &token, cwd).await?;
    let code = match job {
        Job::Script {
            source,
            filename,
            argv,
        } => {
            let id = driver.spawn(&source, &filename, argv, Input::Terminal, None);
            driver.run_until(|d| d.exited(id), None).await?;
            driver.drain(DRAIN).await?;
            driver.exit_code(id).unwrap_or(1)
        }
        Job::Lesson(lesson) => scenario::run(&mut driver, lesson).await?,
    };
    drop(local_relay);
    Ok(code)
}

/// The relay `socklab run` starts for itself on 127.0.0.1 (loopback policy), on its own
/// thread so that a script computing hard never delays the relay's socket I/O.
struct LocalRelay {
    addr: SocketAddr,
    shutdown: CancellationToken,
}

impl LocalRelay {
    fn start() -> anyhow::Result<LocalRelay> {
        // Bound here, so the address is known and connections queue before the thread runs.
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0))
            .context("binding the in-process relay")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let shutdown = CancellationToken::new();
        let stop = shutdown.clone();
        let config = crate::Config {
            listen: addr,
            policy: crate::PolicyMode::Loopback,
            ..crate::Config::default()
        };
        std::thread::Builder::new()
            .name("relay".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a runtime for the in-process relay");
                rt.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener)?;
                    crate::serve(listener, config, stop).await
                })
            })
            .context("starting the in-process relay")?;
        Ok(LocalRelay { addr, shutdown })
    }
}

impl Drop for LocalRelay {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}
