//! Library errors: one enum callers can match on, with a spec variant that
//! always carries the file, line and column a user has to look at.

use std::fmt;
use std::path::PathBuf;

/// Result alias used across `intent-build`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where in a spec file something is wrong, and what was expected there.
///
/// Displayed as `path:line:column: message (expected …)`, the shape editors
/// and terminals turn into a clickable location, with the fix (when one can
/// be named) on a `help:` line below.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The spec file, as the user named it (relative to the crate when possible).
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// What would have been accepted instead.
    pub expected: String,
    /// The fix, when one can be named: printed on a `help:` line of its own.
    pub help: Option<String>,
}

impl SpecError {
    /// The same error with `help` as its fix.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> SpecError {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )?;
        if !self.expected.is_empty() {
            write!(f, " (expected {})", self.expected)?;
        }
        write!(f, "{}", help_line(&self.help))
    }
}

impl std::error::Error for SpecError {}

/// Everything that can go wrong in `intent-build`.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// One or more spec files are invalid; every problem found is listed.
    #[error("{}", join_lines(.0))]
    Spec(Vec<SpecError>),

    /// `Intent.lock` cannot be read as a lockfile this version understands.
    #[error("{path}: {message}")]
    Lock {
        /// The lockfile.
        path: PathBuf,
        /// What is wrong and what to do about it.
        message: String,
    },

    /// An accepted snapshot file is malformed.
    #[error("{path}: {message}")]
    Snapshot {
        /// The snapshot file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },

    /// Some intents have no accepted code matching their spec, and the build
    /// may not regenerate them. Each entry is a full sentence with its fix.
    #[error("{}", join_lines(.0))]
    Stale(Vec<String>),

    /// An environment variable has a value this crate does not accept.
    #[error("invalid value {value:?} for environment variable `{name}` (expected {expected})")]
    Env {
        /// The variable.
        name: &'static str,
        /// Its value.
        value: String,
        /// What is accepted.
        expected: &'static str,
    },

    /// `Cargo.toml` cannot be read as a manifest, or its intent settings
    /// name paths that cannot be used.
    #[error("{path}: {message}")]
    Manifest {
        /// The manifest.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },

    /// A setting under `[package.metadata.intent]` is missing or invalid.
    #[error("{message}{}", help_line(.help))]
    Setting {
        /// What is wrong, naming the key.
        message: String,
        /// How to fix it, when there is one thing to do.
        help: Option<String>,
    },

    /// Generated code cannot be confined on this machine and the crate did
    /// not opt out (`sandbox = "off"`); the message ends with its `help:` line.
    #[error("{0}")]
    Confinement(String),

    /// A model could not be fetched, verified or registered, or no model
    /// server could be reached.
    #[error("{message}{}", help_line(.help))]
    Model {
        /// What failed.
        message: String,
        /// How to fix it, when there is one thing to do.
        help: Option<String>,
    },

    /// A function for build scripts was called outside one.
    #[error("{variable} is not set; call `{call}` outside a build script")]
    NotInBuildScript {
        /// The variable Cargo sets for build scripts.
        variable: &'static str,
        /// The call that sets the value instead.
        call: &'static str,
    },

    /// A file intent writes (report, pending record, cache) could not be
    /// serialised; a bug, never the user's input.
    #[error("cannot serialise {what}: {message}")]
    Serialize {
        /// What was being written.
        what: &'static str,
        /// serde's message.
        message: String,
    },

    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

// Build scripts print `Debug` when `main` returns an error; show the same
// readable text users see everywhere else instead of a struct dump.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// `\nhelp: …` for an error's fix, on its own line as cargo prints it.
fn help_line(help: &Option<String>) -> String {
    help.as_ref()
        .map(|h| format!("\nhelp: {h}"))
        .unwrap_or_default()
}

fn join_lines<T: fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(|item| item.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

impl Error {
    /// A [`Error::Setting`] without a fix of its own.
    pub fn setting(message: impl Into<String>) -> Self {
        Error::Setting {
            message: message.into(),
            help: None,
        }
    }

    /// A [`Error::Setting`] with its `help:` line.
    pub fn setting_help(message: impl Into<String>, help: impl Into<String>) -> Self {
        Error::Setting {
            message: message.into(),
            help: Some(help.into()),
        }
    }

    /// A [`Error::Model`] without a fix of its own.
    pub fn model(message: impl Into<String>) -> Self {
        Error::Model {
            message: message.into(),
            help: None,
        }
    }

    /// Wraps an I/O error with the path it happened on.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

impl From<SpecError> for Error {
    fn from(err: SpecError) -> Self {
        Error::Spec(vec![err])
    }
}
