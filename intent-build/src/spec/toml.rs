//! The primary spec form, `NAME.intent.toml`.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::model::{RawExample, RawSpec};
use super::text::{Pos, Text};
use crate::error::{Error, SpecError};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    name: Option<Spanned<String>>,
    signature: Option<Spanned<String>>,
    description: Option<Spanned<String>>,
    #[serde(default)]
    constraints: Vec<Spanned<String>>,
    prelude: Option<Spanned<String>>,
    #[serde(default)]
    examples: Vec<Spanned<ExampleTable>>,
    tests: Option<Spanned<String>>,
    assume: Option<Spanned<String>>,
    #[serde(default)]
    properties: Vec<Spanned<String>>,
    #[serde(default)]
    uses: Vec<Spanned<String>>,
    #[serde(default)]
    capabilities: Vec<Spanned<String>>,
    #[serde(default)]
    crates: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExampleTable {
    call: Spanned<String>,
    expect: Option<Spanned<String>>,
    #[serde(default)]
    panics: bool,
    tolerance: Option<Spanned<f64>>,
}

const KEYS: &str = "`name`, `signature`, `description`, `constraints`, `prelude`, `examples`, `tests`, `assume`, `properties`, `uses`, `capabilities` or `crates`";

pub(crate) fn read(source: &str, path: &Path, stem: &str) -> Result<RawSpec, Error> {
    let file: File = toml::from_str(source).map_err(|err| {
        let pos = err
            .span()
            .map_or(Pos::START, |span| Pos::at_offset(source, span.start));
        let message = err.message().trim().to_string();
        let expected = if message.starts_with("unknown field") {
            format!("one of the keys {KEYS}")
        } else if message.contains("ExampleTable") || message.contains("`call`") {
            "an example table `{ call = \"…\", expect = \"…\" }`".to_string()
        } else {
            "a TOML spec (see docs/src/reference/specs.md)".to_string()
        };
        Error::from(SpecError {
            path: path.to_path_buf(),
            line: pos.line,
            column: pos.column,
            message: message.replace("ExampleTable", "example"),
            expected,
            help: None,
        })
    })?;
    let text = |s: &Spanned<String>| string_text(source, s);
    Ok(RawSpec {
        path: path.to_path_buf(),
        default_name: stem.to_string(),
        file_pos: Pos::START,
        name: file.name.as_ref().map(text),
        signature: file.signature.as_ref().map(text),
        description: file.description.as_ref().map(text),
        constraints: file.constraints.iter().map(text).collect(),
        prelude: file.prelude.as_ref().map(text),
        examples: file
            .examples
            .iter()
            .map(|e| {
                let table = e.get_ref();
                RawExample {
                    pos: Pos::at_offset(source, e.span().start),
                    call: text(&table.call),
                    expect: table.expect.as_ref().map(text),
                    panics: table.panics,
                    tolerance: table
                        .tolerance
                        .as_ref()
                        .map(|t| (*t.get_ref(), Pos::at_offset(source, t.span().start))),
                }
            })
            .collect(),
        tests: file.tests.as_ref().map(text),
        assume: file.assume.as_ref().map(text),
        properties: file.properties.iter().map(text).collect(),
        uses: file.uses.iter().map(text).collect(),
        capabilities: file.capabilities.iter().map(text).collect(),
        crates: file.crates.iter().map(text).collect(),
    })
}

/// The value of a TOML string and the position of its first character,
/// past the opening quotes (and the newline a multi-line string trims).
fn string_text(source: &str, value: &Spanned<String>) -> Text {
    let start = value.span().start;
    let raw = &source[start..];
    let mut skip = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
        3
    } else {
        1
    };
    if skip == 3 {
        if raw[skip..].starts_with("\r\n") {
            skip += 2;
        } else if raw[skip..].starts_with('\n') {
            skip += 1;
        }
    }
    Text::new(
        value.get_ref().clone(),
        Pos::at_offset(source, start + skip),
    )
}
