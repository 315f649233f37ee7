//! `cargo intent status`: each intent's state, as a table or JSON.

mod table;

use std::io::Write as _;

use anyhow::Result;
use clap::{Args, ValueEnum};
use intent_build::env::Env;
use intent_build::lockfile::{Support, BROAD_SUPPORT};
use intent_build::ops;

use crate::exit::Status;
use crate::global::Global;

/// `cargo intent status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Output format
    #[arg(long, value_enum, default_value = "human")]
    pub message_format: MessageFormat,
    /// Also each intent's seed over its code, and the crate's
    #[arg(long)]
    pub long: bool,
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
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for package in &ws.packages {
        let project = ws.open(package)?;
        rows.extend(ops::status(&project, &env, &ws.intent_dir())?);
        let expectation = project.expectation(&env, &ws.intent_dir())?;
        notes.extend(
            project
                .tool_notes(&expectation)?
                .into_iter()
                .map(|n| format!("note: {}: {n}", package.name)),
        );
    }
    match args.message_format {
        MessageFormat::Human => {
            let text = table::of(&rows, args.long).render(crate::table::width());
            let mut out = anstream::stdout().lock();
            // A closed pipe (`| head -1`) is not an error worth a message.
            let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
        }
        MessageFormat::Json => {
            for row in &rows {
                outln!("{}", serde_json::to_string(row)?)?;
            }
        }
    }
    let (total, fresh) = (rows.len(), rows.iter().filter(|r| r.is_fresh()).count());
    // The footer goes to stderr on a line of its own: the table (stdout)
    // stays machine-readable, and each row ended with its newline above.
    if args.message_format == MessageFormat::Human && !global.quiet {
        eprintln!(
            "{total} intent(s): {fresh} fresh, {} need `cargo intent lock`",
            total - fresh
        );
        for note in &notes {
            eprintln!("{note}");
        }
        if args.long {
            let all: Vec<_> = rows.iter().filter_map(|r| r.compression.as_ref()).collect();
            let total = intent_build::compression::Compression::total(all.iter().copied());
            eprintln!(
                "seed over code (spec, model identity and functional hash over the accepted code), for all: {}",
                total.shown()
            );
        }
        let thin = rows
            .iter()
            .filter(|r| r.confidence.and_then(|c| c.support()) == Some(Support::Thin))
            .count();
        if thin > 0 {
            eprintln!(
                "{thin} accepted on thin support (`thin`: fewer than {BROAD_SUPPORT} candidates agreed): review those first"
            );
        }
    }
    Ok(if fresh == total {
        Status::Ok
    } else {
        Status::Failed
    })
}
