//! `cargo intent status`: each intent's state, as a table or JSON.

use std::io::Write as _;

use anstyle::{AnsiColor, Style};
use anyhow::Result;
use clap::{Args, ValueEnum};
use intent_build::env::Env;
use intent_build::lockfile::{Support, BROAD_SUPPORT};
use intent_build::ops;
use intent_build::project::Project;

use crate::exit::Status;
use crate::global::Global;
use crate::table::Table;

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
        let project =
            Project::open(&package.name, &package.manifest)?.with_spec_cache(ws.intent_dir());
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
            let text = table(&rows, args.long).render(crate::table::width());
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

/// The human table: one row per intent, `time` the last generation's;
/// package (shown only when there are several), model, gates and
/// confidence give way (shortened with `…`) on a narrow terminal — the full
/// values are in `--message-format json`.
fn table(rows: &[ops::StatusRow], long: bool) -> Table {
    let packages = rows.iter().any(|r| r.package != rows[0].package);
    let mut columns = vec![
        "package",
        "intent",
        "state",
        "model",
        "gates",
        "confidence",
        "time",
    ];
    if long {
        columns.push("seed/code");
    }
    let skip = usize::from(!packages);
    let shrink: Vec<usize> = [0usize, 3, 4, 5]
        .iter()
        .filter_map(|&c| c.checked_sub(skip))
        .collect();
    let mut table = Table::new(&columns[skip..]).shrink(&shrink);
    let plain = Style::new();
    for row in rows {
        let state = if row.is_fresh() {
            AnsiColor::Green.on_default()
        } else {
            AnsiColor::Yellow.on_default().bold()
        };
        let mut cells = vec![
            (row.package.clone(), plain),
            (row.intent.clone(), plain),
            (row.state_label().to_string(), state),
            (row.model.clone().unwrap_or_else(|| "-".into()), plain),
            (gates_cell(row), plain),
            (confidence_cell(row), plain),
            (
                row.last_generation_seconds
                    .map_or("-".to_string(), |s| format!("{s:.1} s")),
                plain,
            ),
        ];
        if long {
            let figure = row.compression.map_or("-".to_string(), |c| c.shown());
            cells.push((figure, plain));
        }
        table.row(cells.into_iter().skip(skip).collect());
    }
    table
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
