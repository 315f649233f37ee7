//! `cargo intent`: the command-line front of `intent-build`.
//!
//! This file only maps results to exit codes: 0 ok, 1 stale intents or failed
//! gates, 2 usage or configuration errors. Everything else lives in `cli.rs`
//! (arguments), `workspace.rs` (which crates) and one module per subcommand.

mod cli;
mod commands;
mod interrupt;
mod workspace;

use std::process::ExitCode;

fn main() -> ExitCode {
    // Cargo runs `cargo-intent intent ARGS…`; run directly, there is no `intent`.
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "intent") {
        args.remove(1);
    }
    let cli = match cli::parse(args) {
        Ok(cli) => cli,
        Err(err) => {
            let code = if err.use_stderr() { 2 } else { 0 };
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    interrupt::install();
    match commands::run(cli) {
        Ok(status) => status.into(),
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
