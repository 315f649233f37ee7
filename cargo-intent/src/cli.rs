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
#[command(name = "cargo-intent", bin_name = "cargo intent", version, about)]
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
