//! The `socklab` command: `serve` runs the relay and the page, `run` runs a script in the terminal.

use anyhow::Context;
use clap::{Parser, Subcommand};
use tokio_util::sync::CancellationToken;

/// See relay/Cargo.toml: fewer page faults than glibc malloc on bulk transfers.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(
    name = "socklab",
    version,
    about = "A socket-programming playground: real sockets for Python scripts in the browser"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the playground page and the socket relay.
    Serve(socklab_relay::Config),
    /// Run a script in the terminal against real sockets.
    Run(socklab_relay::run::RunArgs),
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(config) => serve(config),
        Command::Run(args) => {
            let code = socklab_relay::run::main(args)?;
            std::process::exit(code);
        }
    }
}

fn serve(config: socklab_relay::Config) -> anyhow::Result<()> {
    // Logs on stderr; stdout carries only the "serving on" line, for scripts to read.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let rt = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("listening on {}", config.listen))?;
        let local = listener.local_addr()?;
        println!("socklab serving on http://{local}/");
        let shutdown = CancellationToken::new();
        let signal = shutdown.clone();
        tokio::spawn(async move {
            wait_for_signal().await;
            tracing::info!("shutting down: closing sessions");
            signal.cancel();
        });
        socklab_relay::serve(listener, config, shutdown)
            .await
            .context("serving")
    })
}

async fn wait_for_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = match signal(SignalKind::terminate()) {
        Ok(s) => s,
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}
