//! `socklab run script.py`: runs a script natively against real sockets (stub until the runner lands).

use std::path::PathBuf;

/// Arguments of `socklab run`.
#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    /// The Python script to run.
    pub script: PathBuf,
    /// Use this relay (`ws://HOST:PORT/ws`) instead of starting one in-process.
    #[arg(long)]
    pub relay: Option<String>,
    /// The lesson the script belongs to (for its files and stdin).
    #[arg(long)]
    pub lesson: Option<String>,
    /// Arguments passed to the script as `sys.argv[1:]`.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
}

/// Runs the script; returns the process exit code.
pub fn main(args: RunArgs) -> anyhow::Result<i32> {
    anyhow::bail!(
        "socklab run {} is not available yet: the script runner has not landed",
        args.script.display()
    )
}
