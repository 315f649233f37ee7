//! The Markdown spec form, `NAME.intent.md`, as people already write it:
//!
//! ````markdown
//! # name: normalize2d
//! # target: rust
//! # description: Normalise a 2D vector and report its length.
//! # signature: pub fn normalize2d(x: f64, y: f64) -> Normalized
//! # prelude:
//! ```rust
//! #[derive(Debug, PartialEq)]
//! pub struct Normalized { pub mag: f64, pub nx: f64, pub ny: f64 }
//! ```
//! # constraints:
//! - Use only std.
//! # examples:
//! - in: {"x":3,"y":4} out: {"mag":5,"nx":0.6,"ny":0.8}
//! - normalize2d(0.0, 2.0) == Normalized { mag: 2.0, nx: 0.0, ny: 1.0 }
//! ````
//!
//! Only `# key:` lines outside code fences start sections; other headings are
//! left alone, so a spec can carry a title or notes.

use std::path::Path;

use super::json::{structs_of, to_rust, Structs};
use super::model::{parameters_of, RawExample, RawSpec};
use super::rust;
use super::text::{Pos, Text};
use crate::error::{Error, SpecError};

const SECTIONS: &[&str] = &[
    "name",
    "target",
    "description",
    "signature",
    "prelude",
    "constraints",
    "examples",
    "tests",
    "assume",
    "properties",
    "uses",
    "capabilities",
    "crates",
];

/// One `# key:` section: the rest of the heading line and the lines below it.
struct Section {
    key: String,
    key_pos: Pos,
    /// (position of the first character, text) for each line of content.
    lines: Vec<(Pos, String)>,
}

/// Builds a spec error at `pos` in `path`.
type ErrorAt<'a> = &'a dyn Fn(Pos, String, &str) -> SpecError;

pub(crate) fn read(source: &str, path: &Path, stem: &str) -> Result<RawSpec, Error> {
    let err = |pos: Pos, message: String, expected: &str| SpecError {
        path: path.to_path_buf(),
        line: pos.line,
        column: pos.column,
        message,
        expected: expected.to_string(),
        help: None,
    };
    let mut errors = Vec::new();
    let sections = sections(source, &err, &mut errors);
    let find = |key: &str| sections.iter().find(|s| s.key == key);
    if let Some(target) = find("target") {
        check_target(target, &err, &mut errors);
    }
    let name = find("name").map(joined);
    let signature = find("signature").map(code_or_joined);
    let description = find("description").map(|s| {
        let mut text = joined_lines(s);
        text.continuation_column = 1;
        text
    });
    let prelude = find("prelude").map(code_or_joined);
    let tests = find("tests").map(code_or_joined);
    let constraints = find("constraints").map(list_items).unwrap_or_default();
    let assume = find("assume").map(|s| unquoted(code_or_joined(s)));
    let properties = find("properties")
        .map(|s| list_items(s).into_iter().map(unquoted).collect())
        .unwrap_or_default();
    let uses = find("uses").map(names).unwrap_or_default();
    let capabilities = find("capabilities").map(names).unwrap_or_default();
    let crates = find("crates").map(names).unwrap_or_default();

    let examples = find("examples")
        .map(|section| {
            let context = ExampleContext::of(signature.as_ref(), prelude.as_ref(), stem);
            examples(section, &context, &err, &mut errors)
        })
        .unwrap_or_default();
    if !errors.is_empty() {
        return Err(Error::Spec(errors));
    }
    Ok(RawSpec {
        path: path.to_path_buf(),
        default_name: stem.to_string(),
        file_pos: Pos::START,
        name,
        signature,
        description,
        constraints,
        prelude,
        examples,
        tests,
        assume,
        properties,
        uses,
        capabilities,
        crates,
    })
}


/// The file's `# key:` sections in order, outside code fences; unknown
/// and repeated keys are errors.
/// The 1-based line after which a new example belongs: the last non-blank
/// line of `# examples:`, or `None` when the file has no such section.
pub(crate) fn examples_end(source: &str) -> Option<usize> {
    let err = |pos: Pos, message: String, expected: &str| SpecError {
        path: Default::default(),
        line: pos.line,
        column: pos.column,
        message,
        expected: expected.to_string(),
        help: None,
    };
    let sections = sections(source, &err, &mut Vec::new());
    let examples = sections.iter().find(|s| s.key == "examples")?;
    let last = examples
        .lines
        .iter()
        .rev()
        .find(|(_, l)| !l.trim().is_empty())
        .map_or(examples.key_pos.line, |(pos, _)| pos.line);
    Some(last)
}

fn sections(source: &str, err: ErrorAt<'_>, errors: &mut Vec<SpecError>) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    let mut in_fence = false;
    for (index, line) in source.lines().enumerate() {
        let line_no = index + 1;
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        }
        if !in_fence {
            if let Some((key, rest_col, rest)) = heading(line) {
                let key_pos = Pos {
                    line: line_no,
                    column: 1,
                };
                if !SECTIONS.contains(&key.as_str()) {
                    errors.push(err(key_pos, format!("unknown section `# {key}:`"), "one of `# name:`, `# target:`, `# description:`, `# signature:`, `# prelude:`, `# constraints:`, `# examples:`, `# tests:`, `# assume:`, `# properties:`, `# uses:`, `# capabilities:`, `# crates:`"));
                } else if sections.iter().any(|s| s.key == key) {
                    errors.push(err(
                        key_pos,
                        format!("section `# {key}:` appears twice"),
                        "each section once",
                    ));
                }
                let mut lines = Vec::new();
                if !rest.trim().is_empty() {
                    let lead = rest.len() - rest.trim_start().len();
                    lines.push((
                        Pos {
                            line: line_no,
                            column: rest_col + lead,
                        },
                        rest.trim().to_string(),
                    ));
                }
                sections.push(Section {
                    key,
                    key_pos,
                    lines,
                });
                continue;
            }
        }
        if let Some(section) = sections.last_mut() {
            section.lines.push((
                Pos {
                    line: line_no,
                    column: 1,
                },
                line.to_string(),
            ));
        }
    }
    sections
}

/// `# target:` must name Rust.
fn check_target(target: &Section, err: ErrorAt<'_>, errors: &mut Vec<SpecError>) {
    let value = joined(target);
    if !value.value.to_ascii_lowercase().contains("rust") {
        errors.push(err(
            value.start,
            format!("target `{}` names no Rust", value.value.trim()),
            "`# target: rust`",
        ));
    }
}

/// What JSON examples are read against: the parameters and return type,
/// the prelude's structs, the function's name. When the signature or
/// prelude is broken, validation reports that and examples are skipped.
struct ExampleContext {
    params: Vec<(String, syn::Type)>,
    ret: Option<syn::Type>,
    structs: Structs,
    fn_name: String,
}

impl ExampleContext {
    fn of(signature: Option<&Text>, prelude: Option<&Text>, stem: &str) -> ExampleContext {
        let parsed = signature.and_then(|s| rust::parse_signature(&s.value).ok());
        ExampleContext {
            params: signature.map(|s| parameters_of(&s.value)).unwrap_or_default(),
            ret: parsed.as_ref().map(|s| match &s.sig.output {
                syn::ReturnType::Default => syn::parse_quote!(()),
                syn::ReturnType::Type(_, ty) => (**ty).clone(),
            }),
            structs: prelude
                .and_then(|p| rust::parse_items(&p.value).ok())
                .map(|f| structs_of(&f))
                .unwrap_or_default(),
            fn_name: parsed.map_or_else(|| stem.to_string(), |s| s.sig.ident.to_string()),
        }
    }
}

/// `# examples:`: one example per list item.
fn examples(
    section: &Section,
    context: &ExampleContext,
    err: ErrorAt<'_>,
    errors: &mut Vec<SpecError>,
) -> Vec<RawExample> {
    let mut examples = Vec::new();
    for item in list_items(section) {
        match example(&item, context) {
            Ok(Some(example)) => examples.push(example),
            Ok(None) => {}
            Err((pos, message, expected)) => errors.push(err(pos, message, expected)),
        }
    }
    if section.lines.iter().all(|(_, l)| l.trim().is_empty()) {
        errors.push(err(
            section.key_pos,
            "`# examples:` is empty".into(),
            "lines like `- in: {\"x\": 1} out: 2`",
        ));
    }
    examples
}

/// `# uses: gcd, lcm` (or `# capabilities: clock`, `# crates: regex`) or a list of names, each with its position.
fn names(section: &Section) -> Vec<Text> {
    let listed = section.lines.iter().any(|(_, l)| {
        let t = l.trim_start();
        t.starts_with("- ") || t.starts_with("* ")
    });
    let lines: Vec<Text> = if listed {
        list_items(section)
    } else {
        section
            .lines
            .iter()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(pos, l)| Text::new(l.clone(), *pos))
            .collect()
    };
    let mut out = Vec::new();
    for line in lines {
        let mut offset = 0;
        for part in line.value.split(',') {
            let lead = part.len() - part.trim_start().len();
            if !part.trim().is_empty() {
                let column = line.start.column + line.value[..offset + lead].chars().count();
                out.push(unquoted(Text::new(
                    part.trim().to_string(),
                    Pos {
                        line: line.start.line,
                        column,
                    },
                )));
            }
            offset += part.len() + 1;
        }
    }
    out
}

/// A Rust expression written as inline code (`` `n > 0` ``) without its backticks.
fn unquoted(mut text: Text) -> Text {
    let trimmed = text.value.trim();
    if let Some(inner) = trimmed
        .strip_prefix('`')
        .and_then(|t| t.strip_suffix('`'))
        .filter(|t| !t.contains('`'))
    {
        text.value = inner.to_string();
        text.start.column += 1;
    }
    text
}

/// `# key: rest` → (key, 1-based column where `rest` starts, rest).
fn heading(line: &str) -> Option<(String, usize, &str)> {
    let after_hashes = line.trim_start_matches('#');
    if after_hashes.len() == line.len()
        || after_hashes.starts_with('[')
        || after_hashes.starts_with('!')
    {
        return None;
    }
    let trimmed = after_hashes.trim_start();
    let colon = trimmed.find(':')?;
    let key = trimmed[..colon].trim();
    if key.is_empty()
        || !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return None;
    }
    let rest = &trimmed[colon + 1..];
    let rest_col = line[..line.len() - rest.len()].chars().count() + 1;
    Some((key.to_ascii_lowercase(), rest_col, rest))
}

/// Non-empty lines joined by newlines, starting at the first one.
fn joined_lines(section: &Section) -> Text {
    let content: Vec<&(Pos, String)> = section
        .lines
        .iter()
        .skip_while(|(_, l)| l.trim().is_empty())
        .collect();
    let start = content.first().map_or(section.key_pos, |(p, _)| *p);
    let value = content
        .iter()
        .map(|(_, l)| l.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    Text::new(value.trim_end().to_string(), start)
}

fn joined(section: &Section) -> Text {
    let mut text = joined_lines(section);
    text.value = text.value.trim().to_string();
    text
}

/// The content of the first fenced code block, or all lines when there is none.
fn code_or_joined(section: &Section) -> Text {
    let open = section
        .lines
        .iter()
        .position(|(_, l)| l.trim_start().starts_with("```"));
    let Some(open) = open else {
        return joined(section);
    };
    let body: Vec<&(Pos, String)> = section.lines[open + 1..]
        .iter()
        .take_while(|(_, l)| !l.trim_start().starts_with("```"))
        .collect();
    let start = body.first().map_or(section.lines[open].0, |(p, _)| *p);
    Text::new(
        body.iter()
            .map(|(_, l)| l.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        start,
    )
}

/// `- item` / `* item` lines, with indented continuation lines folded in.
fn list_items(section: &Section) -> Vec<Text> {
    let mut items: Vec<Text> = Vec::new();
    for (pos, line) in &section.lines {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some(rest) = trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
        {
            let lead = rest.len() - rest.trim_start().len();
            let column = pos.column + line[..indent + 2 + lead].chars().count();
            let mut text = Text::new(
                rest.trim().to_string(),
                Pos {
                    line: pos.line,
                    column,
                },
            );
            text.continuation_column = column;
            items.push(text);
        } else if !trimmed.is_empty() {
            if let Some(last) = items.last_mut() {
                last.value.push(' ');
                last.value.push_str(trimmed);
            }
        }
    }
    items
}

type ExampleError = (Pos, String, &'static str);

/// One example line: `in: {JSON} out: JSON`, `in: {JSON} panics`, or `CALL == EXPECTED`.
fn example(item: &Text, context: &ExampleContext) -> Result<Option<RawExample>, ExampleError> {
    match item.value.strip_prefix("in:") {
        Some(rest) => json_example(item, rest, context),
        None => rust_example(item),
    }
}

/// Positions within one example line.
struct Line<'a> {
    item: &'a Text,
}

impl Line<'_> {
    fn text(&self) -> &str {
        &self.item.value
    }

    /// The position of byte `offset` of the line.
    fn at(&self, offset: usize) -> Pos {
        let line = self.text();
        Pos {
            line: self.item.start.line,
            column: self.item.start.column + line[..offset.min(line.len())].chars().count(),
        }
    }

    /// The offset of `rest`'s first non-blank character (`rest` a tail of the line).
    fn start_of(&self, rest: &str) -> usize {
        self.text().len() - rest.trim_start().len()
    }
}

/// `in: {JSON} out: JSON [tolerance: T]` or `in: {JSON} panics`. `None`
/// when the signature is broken (validation reports it).
fn json_example(
    item: &Text,
    rest: &str,
    context: &ExampleContext,
) -> Result<Option<RawExample>, ExampleError> {
    let line = Line { item };
    let json_start = line.start_of(rest);
    let (args, used) = json_value(&line.text()[json_start..]).map_err(|(off, msg)| {
        (
            line.at(json_start + off),
            format!("example input is not JSON: {msg}"),
            "a JSON object of arguments by parameter name, e.g. `{\"x\": 3}`",
        )
    })?;
    let call_args = call_arguments(&args, context, line.at(json_start))?;
    let call = Text::new(
        format!("{}({})", context.fn_name, call_args.join(", ")),
        item.start,
    );
    let after = json_start + used;
    let (expect, panics, rest_off) = outcome(&line, after, context)?;
    let tolerance = tolerance(&line, rest_off)?;
    if context.ret.is_none() {
        return Ok(None);
    }
    Ok(Some(RawExample {
        pos: item.start,
        call,
        expect,
        panics,
        tolerance,
    }))
}

/// The call's arguments in Rust, in the signature's order, from a JSON
/// object by parameter name.
fn call_arguments(
    args: &serde_json::Value,
    context: &ExampleContext,
    at: Pos,
) -> Result<Vec<String>, ExampleError> {
    let serde_json::Value::Object(args) = args else {
        return Err((
            at,
            "example input is not a JSON object".into(),
            "a JSON object of arguments by parameter name, e.g. `{\"x\": 3}`",
        ));
    };
    if context.ret.is_none() {
        return Ok(Vec::new());
    }
    if let Some(key) = args
        .keys()
        .find(|key| !context.params.iter().any(|(p, _)| p == *key))
    {
        return Err((
            at,
            format!("`{}` has no parameter `{key}`", context.fn_name),
            "argument names from the signature",
        ));
    }
    context
        .params
        .iter()
        .map(|(param, ty)| {
            let value = args.get(param).ok_or_else(|| {
                (
                    at,
                    format!("argument `{param}` is missing"),
                    "every parameter of the signature",
                )
            })?;
            to_rust(value, ty, &context.structs).map_err(|m| {
                (
                    at,
                    format!("argument `{param}`: {m}"),
                    "a JSON value of the parameter's type",
                )
            })
        })
        .collect()
}

/// After the input, from byte `after`: `out: JSON` or `panics`; the
/// expected value, whether it panics, and where the rest starts.
fn outcome(
    line: &Line<'_>,
    after: usize,
    context: &ExampleContext,
) -> Result<(Option<Text>, bool, usize), ExampleError> {
    let tail = &line.text()[after..];
    let tail_start = line.start_of(tail);
    let tail = tail.trim();
    if tail.starts_with("panics") {
        return Ok((None, true, tail_start + "panics".len()));
    }
    let Some(out) = tail.strip_prefix("out:") else {
        return Err((
            line.at(tail_start),
            "example has no `out:`".into(),
            "`out: JSON` or `panics` after the input",
        ));
    };
    let out_start = tail_start + "out:".len() + (out.len() - out.trim_start().len());
    let (value, used) = json_value(&line.text()[out_start..]).map_err(|(off, msg)| {
        (
            line.at(out_start + off),
            format!("example output is not JSON: {msg}"),
            "a JSON value of the return type",
        )
    })?;
    let expect = match &context.ret {
        Some(ret) => to_rust(&value, ret, &context.structs).map_err(|m| {
            (
                line.at(out_start),
                format!("example output: {m}"),
                "a JSON value of the return type",
            )
        })?,
        None => String::new(),
    };
    Ok((
        Some(Text::new(expect, line.at(out_start))),
        false,
        out_start + used,
    ))
}

/// What may follow the outcome, from byte `from`: nothing, or `tolerance: T`.
fn tolerance(line: &Line<'_>, from: usize) -> Result<Option<(f64, Pos)>, ExampleError> {
    let rest = line.text()[from..].trim();
    match rest.strip_prefix("tolerance:") {
        Some(t) => {
            let value = t.trim().parse::<f64>().map_err(|_| {
                (
                    line.at(from),
                    format!("tolerance `{}` is not a number", t.trim()),
                    "a number such as `1e-9`",
                )
            })?;
            Ok(Some((value, line.at(from))))
        }
        None if rest.is_empty() => Ok(None),
        None => Err((
            line.at(from),
            format!("unexpected `{rest}` after the example"),
            "nothing, or `tolerance: 1e-9`",
        )),
    }
}

/// `CALL == EXPECTED`, in Rust (optionally in backticks).
fn rust_example(item: &Text) -> Result<Option<RawExample>, ExampleError> {
    let line = Line { item };
    let code = line.text().trim().trim_matches('`').trim();
    let offset = line.text().find(code).unwrap_or(0);
    let code_text = Text::new(code, line.at(offset));
    match rust::parse_expr(code) {
        Ok(syn::Expr::Binary(bin)) if matches!(bin.op, syn::BinOp::Eq(_)) => Ok(Some(RawExample {
            pos: item.start,
            call: Text::new(rust::pretty_expr(&bin.left), line.at(offset)),
            expect: Some(Text::new(rust::pretty_expr(&bin.right), line.at(offset))),
            panics: false,
            tolerance: None,
        })),
        Ok(_) => Err((
            line.at(offset),
            "example is neither `in: … out: …` nor `CALL == EXPECTED`".into(),
            "`- in: {\"x\": 1} out: 2` or `- f(1) == 2`",
        )),
        Err(e) => {
            let start = e.span().start();
            Err((
                code_text.pos_at(start.line, start.column),
                format!("example does not parse as Rust: {e}"),
                "`- f(1) == 2`",
            ))
        }
    }
}

/// Reads one JSON value from the start of `text`: (value, bytes used), or
/// (byte offset, message) on error.
fn json_value(text: &str) -> Result<(serde_json::Value, usize), (usize, String)> {
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<serde_json::Value>();
    match stream.next() {
        Some(Ok(value)) => Ok((value, stream.byte_offset())),
        Some(Err(e)) => {
            let col = e.column().saturating_sub(1);
            let offset = text.char_indices().nth(col).map_or(text.len(), |(i, _)| i);
            Err((offset, e.to_string()))
        }
        None => Err((0, "no value".into())),
    }
}
