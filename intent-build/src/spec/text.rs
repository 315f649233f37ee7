//! Positions in spec files, so every error can point at a line and column.

/// A 1-based line and column (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    pub const START: Pos = Pos { line: 1, column: 1 };

    /// The position of byte `offset` in `source`.
    pub fn at_offset(source: &str, offset: usize) -> Pos {
        let offset = offset.min(source.len());
        let before = &source[..floor_char_boundary(source, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Pos { line, column }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A string value from a spec and where its first character sits in the file.
///
/// Positions inside the value (from `syn` errors) map line by line onto the
/// file. That is exact for literal strings and for Markdown; inside TOML
/// strings with escape sequences the column can be off by the escapes' length.
#[derive(Debug, Clone)]
pub(crate) struct Text {
    pub value: String,
    pub start: Pos,
    /// Column at which continuation lines start (1 unless indented, e.g. Markdown lists).
    pub continuation_column: usize,
}

impl Text {
    pub fn new(value: impl Into<String>, start: Pos) -> Self {
        Text {
            value: value.into(),
            start,
            continuation_column: 1,
        }
    }

    pub fn pos(&self) -> Pos {
        self.start
    }

    /// Maps a position inside the value (1-based line, 0-based column, as
    /// `proc_macro2` reports it) to the file.
    pub fn pos_at(&self, line: usize, column: usize) -> Pos {
        match line {
            0 | 1 => Pos {
                line: self.start.line,
                column: self.start.column + column,
            },
            n => Pos {
                line: self.start.line + n - 1,
                column: self.continuation_column + column,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_one_based_lines_and_character_columns() {
        let src = "a = 1\nbé = 2\n";
        assert_eq!(Pos::at_offset(src, 0), Pos { line: 1, column: 1 });
        assert_eq!(Pos::at_offset(src, 6), Pos { line: 2, column: 1 });
        // `é` is two bytes but one column.
        assert_eq!(Pos::at_offset(src, 9), Pos { line: 2, column: 3 });
    }
}
