//! One module per subcommand, each with its own arguments and an `exec`
//! that calls into `intent-build`.

pub mod accept;
pub mod adopt;
pub mod build;
pub mod diff;
pub mod edit;
pub mod eject;
pub mod lock;
pub mod models;
pub mod new;
pub mod report;
pub mod show;
pub mod status;
pub mod tighten;
pub mod verify;
pub mod watch;

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{Cli, Command};

/// How a command ended, beyond success.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Everything fresh, everything passed.
    Ok,
    /// Stale intents or failed gates (exit 1).
    Failed,
    /// A child process's exit code, passed through.
    Code(u8),
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> Self {
        match status {
            Status::Ok => ExitCode::SUCCESS,
            Status::Failed => ExitCode::from(1),
            Status::Code(code) => ExitCode::from(code),
        }
    }
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> Result<Status> {
    match cli.command {
        Command::Lock(args) => lock::exec(&cli.global, &args),
        Command::Build(args) => build::exec(&cli.global, &args),
        Command::Status(args) => status::exec(&cli.global, &args),
        Command::Show(args) => show::exec(&cli.global, &args),
        Command::Diff(args) => diff::exec(&cli.global, &args),
        Command::Edit(args) => edit::exec(&cli.global, &args),
        Command::Eject(args) => eject::exec(&cli.global, &args),
        Command::Adopt(args) => adopt::exec(&cli.global, &args),
        Command::Accept(args) => accept::exec(&cli.global, &args),
        Command::Verify(args) => verify::exec(&cli.global, &args),
        Command::Tighten(args) => tighten::exec(&cli.global, &args),
        Command::New(args) => new::exec(&cli.global, &args),
        Command::Report(args) => report::exec(&cli.global, &args),
        Command::Watch(args) => watch::exec(&cli.global, &args),
        Command::Models(args) => models::exec(&cli.global, &args),
    }
}
