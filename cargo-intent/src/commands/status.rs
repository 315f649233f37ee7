//! `cargo intent status`: each intent's state, as a table or JSON.

use anyhow::Result;
use clap::{Args, ValueEnum};
use intent_build::env::Env;
use intent_build::ops;
use intent_build::project::Project;

use super::Status;
use crate::cli::Global;

/// `cargo intent status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Output format
    #[arg(long, value_enum, default_value = "human")]
    pub message_format: MessageFormat,
}

/// `--message-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    /// A table
    Human,
    /// One JSON object per intent
    Json,
}

pub fn exec(global: &Global, args: &StatusArgs) -> Result<Status> {
    let ws = crate::workspace::load(global)?;
    let env = Env::from_process()?;
    let (mut total, mut fresh) = (0usize, 0usize);
    if args.message_format == MessageFormat::Human {
        outln!(
            "{:<20} {:<24} {:<16} {:<20} {:<36} {:<26} last generation",
            "package",
            "intent",
            "state",
            "model",
            "gates",
            "confidence"
        )?;
    }
    for package in &ws.packages {
        let project =
            Project::open(&package.name, &package.manifest)?.with_spec_cache(ws.intent_dir());
        for row in ops::status(&project, &env, &ws.intent_dir())? {
            total += 1;
            fresh += usize::from(row.is_fresh());
            match args.message_format {
                MessageFormat::Human => outln!(
                    "{:<20} {:<24} {:<16} {:<20} {:<36} {:<26} {}",
                    row.package,
                    row.intent,
                    row.state,
                    row.model.as_deref().unwrap_or("-"),
                    gates_cell(&row),
                    confidence_cell(&row),
                    row.last_generation_seconds
                        .map_or("-".to_string(), |s| format!("{s:.1} s"))
                )?,
                MessageFormat::Json => outln!("{}", serde_json::to_string(&row)?)?,
            }
        }
    }
    // The footer goes to stderr on a line of its own: the table (stdout)
    // stays machine-readable, and each row ended with its newline above.
    if args.message_format == MessageFormat::Human && !global.quiet {
        eprintln!(
            "{total} intent(s): {fresh} fresh, {} need `cargo intent lock`",
            total - fresh
        );
    }
    Ok(if fresh == total {
        Status::Ok
    } else {
        Status::Failed
    })
}

/// The gates column: the gates passed, then `+capability` for each
/// capability the spec allows beyond computing.
fn gates_cell(row: &ops::StatusRow) -> String {
    if row.gates.is_empty() {
        return "-".to_string();
    }
    let mut cell = row.gates.join(",");
    for capability in &row.capabilities {
        cell.push_str(&format!(" +{capability}"));
    }
    cell
}

/// The confidence column: what vouched for the accepted code (`6/8 agree ·
/// 4 ex · 2 props`), or, for code accepted before that was recorded, the
/// agreement its pinned behaviour file holds.
fn confidence_cell(row: &ops::StatusRow) -> String {
    match (row.confidence, row.agreement) {
        (Some(confidence), _) => confidence.summary(),
        (None, Some((agree, of))) => format!("{agree}/{of} agree"),
        (None, None) => "-".to_string(),
    }
}
