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
    examples: Vec<Spanned<Example>>,
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
struct Example {
    call: Spanned<String>,
    expect: Option<Spanned<String>>,
    #[serde(default)]
    panics: bool,
    tolerance: Option<Spanned<f64>>,
}

/// The keys of a TOML spec (`File`'s fields).
const KEYS: &[&str] = &[
    "name", "signature", "description", "constraints", "prelude", "examples", "tests", "assume",
    "properties", "uses", "capabilities", "crates",
];

pub(crate) fn read(source: &str, path: &Path, stem: &str) -> Result<RawSpec, Error> {
    let file: File = serde_path_to_error::deserialize(toml::Deserializer::new(source))
        .map_err(|err| spec_error(source, path, err))?;
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

/// A TOML error as a located spec error. What was expected follows from
/// where it is (the path serde was at: a key of the spec, or inside one of
/// its examples), not from the parser's wording.
fn spec_error(source: &str, path: &Path, err: serde_path_to_error::Error<toml::de::Error>) -> Error {
    let first_key = err.path().iter().find_map(|segment| match segment {
        serde_path_to_error::Segment::Map { key } => Some(key.clone()),
        _ => None,
    });
    let expected = match first_key.as_deref() {
        Some("examples") => "an example table `{ call = \"…\", expect = \"…\" }`".to_string(),
        Some(key) if !KEYS.contains(&key) => format!(
            "one of the keys `{}` or `{}`",
            KEYS[..KEYS.len() - 1].join("`, `"),
            KEYS[KEYS.len() - 1]
        ),
        _ => "a TOML spec (see docs/src/reference/specs.md)".to_string(),
    };
    let err = err.into_inner();
    let pos = err
        .span()
        .map_or(Pos::START, |span| Pos::at_offset(source, span.start));
    Error::from(SpecError {
        path: path.to_path_buf(),
        line: pos.line,
        column: pos.column,
        message: err.message().trim().to_string(),
        expected,
        help: None,
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
