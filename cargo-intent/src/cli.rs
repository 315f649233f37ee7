//! Command-line arguments, in Cargo's conventions.

use std::ffi::OsString;

use anyhow::Result;
use clap::{Parser, Subcommand};

use crate::commands::{
    accept, adopt, build, diff, edit, eject, lock, models, new, report, show, status, tighten,
    verify, watch,
};
use crate::exit::Status;
use crate::global::Global;

/// Regenerate, check and review code built from intents.
#[derive(Debug, Parser)]
#[command(
    name = "cargo-intent",
    bin_name = "cargo intent",
    version,
    about,
    after_help = "Examples:\n  cargo intent lock      # regenerate what is stale, record it in Intent.lock\n  cargo intent status    # each intent's state and what vouched for it\n\nEvery command: `cargo intent help COMMAND`, and the book's CLI reference (docs/src/reference/cli.md)."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Regenerate stale intents and record them in Intent.lock
    #[command(
        after_help = "Examples:\n  cargo intent lock            # every stale intent of the crate\n  cargo intent lock --check    # exit 1 when any is stale; no model\n  cargo intent lock slugify --force"
    )]
    Lock(crate::commands::lock::LockArgs),
    /// `lock`, then `cargo build`
    #[command(after_help = "Examples:\n  cargo intent build -- --release")]
    Build(crate::commands::build::BuildArgs),
    /// Show each intent's state
    #[command(
        after_help = "Examples:\n  cargo intent status\n  cargo intent status --message-format json"
    )]
    Status(crate::commands::status::StatusArgs),
    /// Print an intent's accepted code
    #[command(after_help = "Examples:\n  cargo intent show slugify")]
    Show(crate::commands::show::ShowArgs),
    /// Show the pending or newest candidate against the accepted code
    #[command(after_help = "Examples:\n  cargo intent diff slugify")]
    Diff(crate::commands::diff::DiffArgs),
    /// Write an intent's code by hand in $EDITOR; `lock` then judges it
    #[command(after_help = "Examples:\n  cargo intent edit slugify")]
    Edit(crate::commands::edit::EditArgs),
    /// Bring existing functions of the crate under specs, as adopted code
    #[command(
        after_help = "Examples:\n  cargo intent adopt src/text.rs::slugify\n  cargo intent adopt --all src/text.rs"
    )]
    Adopt(crate::commands::adopt::AdoptArgs),
    /// Turn an intent back into ordinary Rust in the crate's sources
    #[command(after_help = "Examples:\n  cargo intent eject slugify")]
    Eject(crate::commands::eject::EjectArgs),
    /// Accept pending results (from review mode or `cargo build`)
    #[command(after_help = "Examples:\n  cargo intent accept\n  cargo intent accept slugify")]
    Accept(crate::commands::accept::AcceptArgs),
    /// Pin what accepted intents' specs leave open: confirm answers as examples
    #[command(after_help = "Examples:\n  cargo intent tighten slugify")]
    Tighten(crate::commands::tighten::TightenArgs),
    /// Judge every accepted intent again with today's gates, without a model
    #[command(after_help = "Examples:\n  cargo intent verify --locked   # in CI: writes nothing")]
    Verify(crate::commands::verify::VerifyArgs),
    /// Scaffold a new intent spec
    #[command(
        after_help = "Examples:\n  cargo intent new slugify --signature \"pub fn slugify(title: &str) -> String\""
    )]
    New(crate::commands::new::NewArgs),
    /// Show the last run as a page: target/intent/report.html
    #[command(after_help = "Examples:\n  cargo intent report --open")]
    Report(crate::commands::report::ReportArgs),
    /// Regenerate intents whenever their specs change
    #[command(after_help = "Examples:\n  cargo intent watch")]
    Watch(crate::commands::watch::WatchArgs),
    /// Models: list configured providers, fetch or register GGUFs
    #[command(
        after_help = "Examples:\n  cargo intent models\n  cargo intent models fetch qwen2.5-coder-1.5b\n  cargo intent models use qwen2.5-coder-1.5b"
    )]
    Models(crate::commands::models::ModelsArgs),
}

/// Parses arguments (with any leading `intent` already removed).
pub fn parse(args: Vec<OsString>) -> Result<Cli, clap::Error> {
    Cli::try_parse_from(args)
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
