//! `cargo intent status`: each intent's state, as a table or JSON.

use anyhow::Result;
use clap::{Args, ValueEnum};
use intent_build::env::Env;
use intent_build::project::{staleness, Project};

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
    let report = intent_build::pipeline::read_report(&ws.intent_dir().join("report.json"))
        .unwrap_or_default();
    let (mut total, mut fresh) = (0usize, 0usize);
    if args.message_format == MessageFormat::Human {
        outln!(
            "{:<20} {:<24} {:<16} {:<20} {:<28} last generation",
            "package",
            "intent",
            "state",
            "model",
            "gates"
        )?;
    }
    for package in &ws.packages {
        let project =
            Project::open(&package.name, &package.manifest)?.with_spec_cache(ws.intent_dir());
        let expectation = project.expectation(&env, &ws.intent_dir())?;
        for status in project.statuses()? {
            let name = &status.spec.spec.name;
            let state =
                staleness(&status, &expectation).map_or_else(|| "fresh".to_string(), |s| s.label);
            total += 1;
            fresh += usize::from(state == "fresh");
            let model = status
                .entry
                .as_ref()
                .map(|e| e.model.name.clone())
                .unwrap_or_else(|| "-".into());
            let gates = status
                .entry
                .as_ref()
                .map(|e| e.gates.join(","))
                .unwrap_or_else(|| "-".into());
            let seconds = report.iter().find(|r| &r.name == name).map(|r| r.seconds());
            match args.message_format {
                MessageFormat::Human => outln!(
                    "{:<20} {:<24} {:<16} {:<20} {:<28} {}",
                    package.name,
                    name,
                    state,
                    model,
                    gates,
                    seconds.map_or("-".to_string(), |s| format!("{s:.1} s"))
                )?,
                MessageFormat::Json => outln!(
                    "{}",
                    serde_json::json!({
                        "package": package.name, "intent": name, "state": state, "model": model,
                        "gates": status.entry.as_ref().map(|e| e.gates.clone()).unwrap_or_default(),
                        "last_generation_seconds": seconds,
                    })
                )?,
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
