//! The flags every subcommand takes, below the commands that read them.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

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
