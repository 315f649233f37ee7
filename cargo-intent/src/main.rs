//! `cargo intent`: the command-line front of `intent-build`.
//!
//! This file only maps results to exit codes: 0 ok, 1 stale intents or failed
//! gates, 2 usage or configuration errors. Everything else lives in `cli.rs`
//! (the subcommands and their dispatch), `global.rs` (the flags every one
//! takes), `workspace.rs` (which crates) and one module per subcommand.

/// `print!` to stdout that returns the write's error instead of panicking:
/// a closed pipe (`cargo intent status | head -1`) ends the command quietly.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        write!(std::io::stdout().lock(), $($arg)*)
    }};
}

/// `println!` to stdout that returns the write's error, as [`out!`] does.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)
    }};
}

mod ask;
mod cli;
mod commands;
mod exit;
mod global;
mod interrupt;
mod summary;
mod table;
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
    table::init_color();
    match cli::run(cli) {
        Ok(status) => status.into(),
        // The reader went away (`| head`): not an error, as for ripgrep.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
