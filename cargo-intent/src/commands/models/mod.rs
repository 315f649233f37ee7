//! `cargo intent models`: list providers, fetch known GGUFs, register others,
//! choose the crate's model.

mod choose;
mod fetch;
mod list;

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};
use intent_build::models;

use crate::exit::Status;
use crate::global::Global;

/// `cargo intent models [fetch]`.
#[derive(Debug, Args)]
pub struct ModelsArgs {
    #[command(subcommand)]
    command: Option<ModelsCommand>,
}

#[derive(Debug, Subcommand)]
enum ModelsCommand {
    /// Download a known model and verify it (default: the model each
    /// selected crate decodes with, or intent's default outside a crate)
    #[command(
        after_help = "Examples:\n  cargo intent models fetch qwen2.5-coder-1.5b\n  cargo intent models fetch -p example-project\n  cargo intent models fetch my-coder --path ./my-coder.gguf\n  cargo intent models fetch --list"
    )]
    Fetch {
        /// Model name (`cargo intent models fetch --list` shows them)
        name: Option<String>,
        /// Register this local GGUF under NAME instead of downloading
        #[arg(long, value_name = "FILE")]
        path: Option<PathBuf>,
        /// List the models that can be fetched
        #[arg(long)]
        list: bool,
    },
    /// Move the crate to another model: its model-written intents become
    /// stale, and `cargo intent lock` writes them anew (hand-written and
    /// adopted code stays). A crate that names no model keeps the one its
    /// lock records, whatever intent's default becomes.
    #[command(after_help = "Examples:\n  cargo intent models use qwen2.5-coder-1.5b")]
    Use {
        /// A fetched model's name (`qwen2.5-coder-1.5b`), a registered name
        /// or a GGUF path
        name: String,
    },
}

pub fn exec(global: &Global, args: &ModelsArgs) -> Result<Status> {
    let home = models::home();
    match &args.command {
        Some(ModelsCommand::Fetch { list: true, .. }) => {
            list::known_models(&home)?;
            Ok(Status::Ok)
        }
        Some(ModelsCommand::Fetch {
            name,
            path: Some(path),
            ..
        }) => {
            let name = name.clone().unwrap_or_else(|| {
                path.file_stem()
                    .map(|s| s.to_string_lossy().to_string())
                    .unwrap_or_default()
            });
            let absolute = models::register(&name, path, &home)?;
            if !global.quiet {
                outln!("registered {name} → {}", absolute.display())?;
            }
            Ok(Status::Ok)
        }
        Some(ModelsCommand::Fetch { name, .. }) => fetch::exec(global, name.as_deref(), &home),
        Some(ModelsCommand::Use { name }) => choose::exec(global, name),
        None => list::exec(global),
    }
}
