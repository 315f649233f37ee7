//! Writing into a spec file what the user answered: new examples, in the
//! file's own form, with everything else kept as the user wrote it.
//!
//! A TOML spec is edited through `toml_edit` (comments, key order and
//! layout survive; the new inline table copies the whitespace of the
//! example before it). A Markdown spec gets a `- CALL == EXPECTED` item
//! after the last line of its `# examples:` section. Either way the new
//! text must parse as a spec with the new examples before it replaces the
//! file, atomically: a wrong answer is an error, never a broken spec.

use std::path::Path;

use toml_edit::{DocumentMut, InlineTable, Item, Value};

use super::model::SpecFormat;
use super::parse::parse_str;
use super::markdown;
use super::text::Pos;
use crate::error::{Error, Result, SpecError};

/// An example the user gave: a call and the Rust expression it returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewExample {
    /// The call, e.g. `clamp(0, 1, 1)`.
    pub call: String,
    /// Its result as a Rust expression, e.g. `1`.
    pub expect: String,
}

/// Adds `examples` to the spec at `path` (its `display` name in errors).
///
/// # Errors
///
/// The file cannot be read or written, or the spec with the examples no
/// longer parses (the file is left as it was).
pub fn add_examples(path: &Path, display: &Path, examples: &[NewExample]) -> Result<()> {
    let source = std::fs::read_to_string(path).map_err(|e| Error::io(display, e))?;
    let before = parse_str(&source, display)?;
    let edited = match before.format {
        SpecFormat::Toml => with_toml_examples(&source, examples, display)?,
        SpecFormat::Markdown => with_markdown_examples(&source, examples),
    };
    let after = parse_str(&edited, display)?;
    if after.spec.examples.len() != before.spec.examples.len() + examples.len() {
        return Err(Error::Spec(vec![SpecError {
            path: display.to_path_buf(),
            line: 1,
            column: 1,
            message: "the answers did not become examples".into(),
            expected: "an `examples` list the answers can join".into(),
            help: None,
        }]));
    }
    crate::files::write_atomic(path, edited.as_bytes())
}

/// `source` with `examples` appended to its `examples` array (or array of
/// tables), created when missing.
fn with_toml_examples(source: &str, examples: &[NewExample], path: &Path) -> Result<String> {
    let mut doc: DocumentMut = source.parse().map_err(|e: toml_edit::TomlError| {
        let pos = e
            .span()
            .map_or(Pos::START, |span| Pos::at_offset(source, span.start));
        Error::Spec(vec![SpecError {
            path: path.to_path_buf(),
            line: pos.line,
            column: pos.column,
            message: format!("not TOML: {}", e.message()),
            expected: "a TOML spec".into(),
            help: None,
        }])
    })?;
    let table = doc.as_table_mut();
    if !table.contains_key("examples") {
        table.insert("examples", Item::Value(Value::Array(Default::default())));
    }
    match &mut table["examples"] {
        Item::ArrayOfTables(tables) => {
            for example in examples {
                let mut t = toml_edit::Table::new();
                t["call"] = toml_edit::value(&example.call);
                t["expect"] = toml_edit::value(&example.expect);
                tables.push(t);
            }
        }
        Item::Value(Value::Array(array)) => {
            for example in examples {
                let prefix = next_prefix(array);
                let mut inline = InlineTable::new();
                inline.insert("call", example.call.as_str().into());
                inline.insert("expect", example.expect.as_str().into());
                inline.fmt();
                let mut value = Value::InlineTable(inline);
                value.decor_mut().set_prefix(prefix);
                value.decor_mut().set_suffix("");
                array.push_formatted(value);
            }
        }
        _ => {
            return Err(Error::Spec(vec![SpecError {
                path: path.to_path_buf(),
                line: 1,
                column: 1,
                message: "`examples` is neither an array nor an array of tables".into(),
                expected: "`examples = [{ call = \"…\", expect = \"…\" }]`".into(),
                help: None,
            }]))
        }
    }
    Ok(doc.to_string())
}

/// The whitespace before a new last element of `array`: the last
/// element's, so one per line stays one per line; a comment after the old
/// last element (kept by `toml_edit` as the array's trailing text) moves
/// with it, in front of the new one.
fn next_prefix(array: &mut toml_edit::Array) -> String {
    let last = array
        .iter()
        .last()
        .and_then(|v| v.decor().prefix().and_then(|p| p.as_str()))
        .unwrap_or_default();
    // Only the indentation: a comment in the last one's prefix is its own.
    let mut prefix = match last.rfind('\n') {
        Some(newline) => last[newline..].to_string(),
        None if last.is_empty() => " ".to_string(),
        None => last.to_string(),
    };
    let trailing = array.trailing().as_str().unwrap_or_default().to_string();
    if let Some(comment) = trailing.find('#') {
        let end = trailing[comment..]
            .find('\n')
            .map_or(trailing.len(), |n| comment + n);
        prefix = format!("{}{}", &trailing[..end], prefix);
        array.set_trailing(&trailing[end..]);
    }
    prefix
}

/// `source` with one `- CALL == EXPECTED` item per example after the last
/// line of `# examples:` (indented as the item before), or a new section
/// at the end.
fn with_markdown_examples(source: &str, examples: &[NewExample]) -> String {
    let items = |indent: &str| -> String {
        examples
            .iter()
            .map(|e| format!("{indent}- {} == {}\n", e.call, e.expect))
            .collect()
    };
    let Some(end) = markdown::examples_end(source) else {
        let mut out = source.to_string();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str("# examples:\n");
        out.push_str(&items(""));
        return out;
    };
    let mut out = String::new();
    for (index, line) in source.split_inclusive('\n').enumerate() {
        out.push_str(line);
        if index + 1 == end {
            if !line.ends_with('\n') {
                out.push('\n');
            }
            let trimmed = line.trim_start();
            let indent = if trimmed.starts_with("- ") || trimmed.starts_with("* ") {
                &line[..line.len() - trimmed.len()]
            } else {
                ""
            };
            out.push_str(&items(indent));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(call: &str, expect: &str) -> NewExample {
        NewExample {
            call: call.into(),
            expect: expect.into(),
        }
    }

    fn edited(name: &str, source: &str, examples: &[NewExample]) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, source).unwrap();
        add_examples(&path, Path::new(name), examples).unwrap();
        std::fs::read_to_string(&path).unwrap()
    }

    #[test]
    fn a_toml_answer_joins_the_examples_keeping_comments_and_layout() {
        let source = "# Clamp, as the game's physics needs it.\n\
            signature = \"pub fn clamp(n: i32, lo: i32, hi: i32) -> i32\"\n\
            description = \"n limited to lo..=hi.\" # keep it short\n\
            examples = [\n  { call = \"clamp(5, 0, 3)\", expect = \"3\" }, # the top\n]\n\
            constraints = [\"Never panic.\"]\n";
        let after = edited(
            "clamp.intent.toml",
            source,
            &[answer("clamp(0, 1, 1)", "1"), answer("clamp(\"a\")", "\"b\"")],
        );
        assert_eq!(
            after,
            "# Clamp, as the game's physics needs it.\n\
             signature = \"pub fn clamp(n: i32, lo: i32, hi: i32) -> i32\"\n\
             description = \"n limited to lo..=hi.\" # keep it short\n\
             examples = [\n  { call = \"clamp(5, 0, 3)\", expect = \"3\" }, # the top\n  \
             { call = \"clamp(0, 1, 1)\", expect = \"1\" },\n  \
             { call = 'clamp(\"a\")', expect = '\"b\"' },\n]\n\
             constraints = [\"Never panic.\"]\n"
        );
    }

    #[test]
    fn a_one_line_toml_array_stays_on_one_line() {
        let source = "signature = \"pub fn f(n: i32) -> i32\"\ndescription = \"d\"\nexamples = [{ call = \"f(1)\", expect = \"2\" }]\n";
        let after = edited("f.intent.toml", source, &[answer("f(0)", "1")]);
        assert!(
            after.ends_with(
                "examples = [{ call = \"f(1)\", expect = \"2\" }, { call = \"f(0)\", expect = \"1\" }]\n"
            ),
            "{after}"
        );
    }

    #[test]
    fn a_markdown_answer_follows_the_last_example_item() {
        let source = "# Doubling\n\n# name: double\n# description: Twice n.\n\
            # signature: pub fn double(n: i32) -> i32\n# examples:\n- double(2) == 4\n- in: {\"n\": 3} out: 6\n\n\
            # constraints:\n- Never panic.\n";
        let after = edited("double.intent.md", source, &[answer("double(-1)", "-2")]);
        assert_eq!(
            after,
            source.replace("out: 6\n", "out: 6\n- double(-1) == -2\n")
        );
    }

    #[test]
    fn an_answer_that_breaks_the_spec_leaves_the_file_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.intent.toml");
        let source = "signature = \"pub fn f(n: i32) -> i32\"\ndescription = \"d\"\nexamples = [{ call = \"f(1)\", expect = \"2\" }]\n";
        std::fs::write(&path, source).unwrap();
        let err = add_examples(
            &path,
            Path::new("f.intent.toml"),
            &[answer("f(0)", "1 +")],
        )
        .unwrap_err();
        assert!(err.to_string().contains("f.intent.toml"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), source);
    }
}
