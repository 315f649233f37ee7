//! Aligned tables for the terminal: columns sized to their content,
//! shortened with `…` to fit the terminal's width, styled cells coloured
//! only where the output supports it (through `anstream`).

use anstyle::Style;

/// A table of text cells with an optional style per cell.
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<(String, Style)>>,
    /// Columns that may be shortened, most willing first.
    shrinkable: Vec<usize>,
}

/// The narrowest a shortened column becomes.
const MIN_WIDTH: usize = 6;

impl Table {
    /// A table with these column names.
    pub fn new(header: &[&str]) -> Table {
        Table {
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
            shrinkable: Vec::new(),
        }
    }

    /// Which columns may be shortened to fit, in the order they give way.
    pub fn shrink(mut self, columns: &[usize]) -> Table {
        self.shrinkable = columns.to_vec();
        self
    }

    /// Adds a row of (text, style) cells.
    pub fn row(&mut self, cells: Vec<(String, Style)>) {
        self.rows.push(cells);
    }

    /// The table as lines (ANSI styles included; `anstream` strips them
    /// where colour is off), at most `limit` columns wide when given.
    pub fn render(&self, limit: Option<usize>) -> String {
        let widths = self.widths(limit);
        let mut out = String::new();
        let bold = Style::new().bold();
        let header: Vec<(String, Style)> = self.header.iter().map(|h| (h.clone(), bold)).collect();
        for row in std::iter::once(&header).chain(&self.rows) {
            let last = row.len() - 1;
            for (i, (text, style)) in row.iter().enumerate() {
                let cell = fit(text, widths[i]);
                let pad = if i == last {
                    0
                } else {
                    widths[i] - cell.chars().count() + 1
                };
                out.push_str(&format!("{style}{cell}{style:#}{}", " ".repeat(pad)));
            }
            out.push('\n');
        }
        out
    }

    /// Each column's width: its widest cell, then the shrinkable columns
    /// narrowed in their order (each down to [`MIN_WIDTH`] before the
    /// next gives way) until the table fits `limit`.
    fn widths(&self, limit: Option<usize>) -> Vec<usize> {
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (i, (text, _)) in row.iter().enumerate() {
                widths[i] = widths[i].max(text.chars().count());
            }
        }
        let Some(limit) = limit else {
            return widths;
        };
        let total = |w: &[usize]| w.iter().sum::<usize>() + w.len().saturating_sub(1);
        for &column in &self.shrinkable {
            let excess = total(&widths).saturating_sub(limit);
            let room = widths[column].saturating_sub(MIN_WIDTH);
            widths[column] -= excess.min(room);
        }
        widths
    }
}

/// `text` in `width` characters: as it is, or cut with `…`.
fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// The width to fit a table in: `COLUMNS` when set, else the terminal's
/// when stdout is one; `None` (no limit) into a pipe or file.
pub fn width() -> Option<usize> {
    if let Some(columns) = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()) {
        return Some(columns);
    }
    let term = console::Term::stdout();
    term.is_term()
        .then(|| term.size_checked().map(|(_, cols)| cols as usize))
        .flatten()
}

/// Applies `CARGO_TERM_COLOR` (`always`, `never`, `auto`) as cargo does;
/// `NO_COLOR` and `CLICOLOR_FORCE` are honoured by `anstream` itself.
pub fn init_color() {
    let choice = match std::env::var("CARGO_TERM_COLOR").as_deref() {
        Ok("always") => anstream::ColorChoice::Always,
        Ok("never") => anstream::ColorChoice::Never,
        _ => return,
    };
    choice.write_global();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(cells: &[&str]) -> Vec<(String, Style)> {
        cells
            .iter()
            .map(|c| (c.to_string(), Style::new()))
            .collect()
    }

    #[test]
    fn columns_are_as_wide_as_their_widest_cell() {
        let mut table = Table::new(&["a", "bb"]);
        table.row(plain(&["long cell", "x"]));
        let text = anstream::adapter::strip_str(&table.render(None)).to_string();
        assert_eq!(text, "a         bb\nlong cell x\n");
    }

    #[test]
    fn a_table_too_wide_shortens_the_shrinkable_columns_with_an_ellipsis() {
        let mut table = Table::new(&["name", "gates"]).shrink(&[1]);
        table.row(plain(&["add", "parse,compile,policy,examples"]));
        let text = anstream::adapter::strip_str(&table.render(Some(16))).to_string();
        for line in text.lines() {
            assert!(line.chars().count() <= 16, "{line:?}");
        }
        assert!(text.contains("add  parse,comp…"), "{text}");
    }
}
