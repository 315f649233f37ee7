//! Command-line arguments, in Cargo's conventions.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Regenerate, check and review code built from intents.
#[derive(Debug, Parser)]
#[command(name = "cargo-intent", bin_name = "cargo intent", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every subcommand takes.
#[derive(Debug, Clone, Args)]
pub struct Global {
    /// Path to Cargo.toml
    #[arg(long, global = true, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// Package(s) to work on
    #[arg(short = 'p', long = "package", global = true, value_name = "SPEC")]
    pub packages: Vec<String>,
    /// Every package in the workspace (the default in a virtual workspace)
    #[arg(long, global = true)]
    pub workspace: bool,
    /// Fail instead of regenerating
    #[arg(long, global = true)]
    pub locked: bool,
    /// No network: only the embedded provider and the response cache
    #[arg(long, global = true)]
    pub offline: bool,
    /// Both --locked and --offline
    #[arg(long, global = true)]
    pub frozen: bool,
    /// Print less
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Never prompt: print questions and exit 1 (the default off a terminal and in CI)
    #[arg(long, global = true)]
    pub no_input: bool,
    /// Print more (-vv shows llama.cpp's logs)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Coloring
    #[arg(
        long,
        global = true,
        value_enum,
        env = "CARGO_TERM_COLOR",
        default_value = "auto"
    )]
    pub color: Color,
}

impl Global {
    /// `--locked` or `--frozen`.
    pub fn is_locked(&self) -> bool {
        self.locked || self.frozen
    }

    /// `--offline` or `--frozen`.
    pub fn is_offline(&self) -> bool {
        self.offline || self.frozen
    }
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// Color on a terminal
    Auto,
    /// Always
    Always,
    /// Never
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Regenerate stale intents and record them in Intent.lock
    Lock(crate::commands::lock::LockArgs),
    /// `lock`, then `cargo build`
    Build(crate::commands::build::BuildArgs),
    /// Show each intent's state
    Status(crate::commands::status::StatusArgs),
    /// Print an intent's accepted code
    Show(crate::commands::show::ShowArgs),
    /// Show the pending or newest candidate against the accepted code
    Diff(crate::commands::diff::DiffArgs),
    /// Write an intent's code by hand in $EDITOR; `lock` then judges it
    Edit(crate::commands::edit::EditArgs),
    /// Bring existing functions of the crate under specs, as adopted code
    Adopt(crate::commands::adopt::AdoptArgs),
    /// Turn an intent back into ordinary Rust in the crate's sources
    Eject(crate::commands::eject::EjectArgs),
    /// Accept pending results (from review mode or `cargo build`)
    Accept(crate::commands::accept::AcceptArgs),
    /// Pin what accepted intents' specs leave open: confirm answers as examples
    Tighten(crate::commands::tighten::TightenArgs),
    /// Judge every accepted intent again with today's gates, without a model
    Verify(crate::commands::verify::VerifyArgs),
    /// Scaffold a new intent spec
    New(crate::commands::new::NewArgs),
    /// Show the last run as a page: target/intent/report.html
    Report(crate::commands::report::ReportArgs),
    /// Regenerate intents whenever their specs change
    Watch(crate::commands::watch::WatchArgs),
    /// Models: list configured providers, fetch or register GGUFs
    Models(crate::commands::models::ModelsArgs),
}

/// Parses arguments (with any leading `intent` already removed).
pub fn parse(args: Vec<OsString>) -> Result<Cli, clap::Error> {
    Cli::try_parse_from(args)
}
