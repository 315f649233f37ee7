//! The human table of `cargo intent status`: one row per intent, its
//! cells shortened to fit the terminal.

use anstyle::{AnsiColor, Style};
use intent_build::ops;

use crate::table::Table;

/// The human table: one row per intent, `time` the last generation's;
/// package (shown only when there are several), model, gates and
/// confidence give way (shortened with `…`) on a narrow terminal — the full
/// values are in `--message-format json`.
pub(super) fn of(rows: &[ops::StatusRow], long: bool) -> Table {
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
