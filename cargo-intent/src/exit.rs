//! How a command ended, and the exit code that says it.

use std::process::ExitCode;

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
