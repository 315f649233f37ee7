//! Intent specs: the two file forms, validation, and the canonical hash.
//!
//! Both `NAME.intent.toml` and `NAME.intent.md` are read into a form-neutral
//! raw spec that remembers where each value came from, then validated once
//! here, so both forms give the same errors and the same [`Spec`].
//!
//! # Canonical form and spec hash
//!
//! The spec hash is `sha256:` followed by the hex SHA-256 of the text
//! `intent-spec/1\n` + a JSON object with these keys, in this order:
//!
//! | key | value |
//! | --- | --- |
//! | `name` | the intent name |
//! | `signature` | the signature's Rust tokens, space-separated |
//! | `description` | paragraphs with runs of white space folded to one space, joined by a blank line |
//! | `constraints` | each constraint, white space folded |
//! | `prelude` | the prelude's tokens |
//! | `examples` | `[call tokens, "returns" \| "panics", expected tokens or null, tolerance or null]` each |
//! | `tests` | the extra tests' tokens |
//! | `assume` | the `assume` expression's tokens (only when the spec has one) |
//! | `properties` | each property's tokens (only when the spec has any) |
//! | `uses` | the names of the intents it uses (only when it uses any) |
//! | `capabilities` | the declared capabilities' names, sorted (only when it declares any) |
//!
//! The last four keys are left out when empty, so specs written before they
//! existed keep their hashes.
//!
//! Tokens ignore layout and ordinary comments, and TOML key order or quoting
//! never reaches the JSON, so reformatting a spec keeps its hash; any change to
//! a token, a word of the description, an example or a constraint changes it.

mod cache;
#[cfg(feature = "engine")]
pub mod edit;
mod json;
mod markdown;
pub(crate) mod rust;
mod text;
mod toml;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::capability::Capability;
use crate::error::{Error, Result, SpecError};
use crate::files::sha256_hex;
pub use cache::SpecCache;
pub(crate) use text::{Pos, Text};

/// The file extension of TOML specs.
pub const TOML_SUFFIX: &str = ".intent.toml";
/// The file extension of Markdown specs.
pub const MARKDOWN_SUFFIX: &str = ".intent.md";

/// What a function must do: the meaning of one spec file, independent of its form.
///
/// Rust fragments are stored normalised (rustfmt-like layout), so a TOML spec
/// and a Markdown spec that say the same thing compare equal.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Spec {
    /// The intent's name, which is also the function's name.
    pub name: String,
    /// The function signature, e.g. `pub fn f(x: i32) -> i32`.
    pub signature: String,
    /// What the function must do.
    pub description: String,
    /// Extra rules for the implementation ("Use only std.").
    pub constraints: Vec<String>,
    /// Rust items placed before the function (types, `use`s); may be empty.
    pub prelude: String,
    /// Calls with their expected outcome; each becomes one test.
    pub examples: Vec<Example>,
    /// Extra test statements; may be empty.
    pub tests: String,
    /// A Rust boolean expression over the parameters that narrows the
    /// generated inputs behaviour is judged on (`n > 0 && n <= 1000`).
    #[serde(default)]
    pub assume: Option<String>,
    /// Rust boolean expressions over the parameters and `result` that must
    /// hold on every generated input (`result.len() <= s.len()`).
    #[serde(default)]
    pub properties: Vec<String>,
    /// Intents of the same crate this one may call: their accepted code is
    /// compiled with it and their signatures are in its prompt.
    #[serde(default)]
    pub uses: Vec<String>,
    /// What the generated code may do beyond computing (sorted, each once);
    /// empty means computation only.
    #[serde(default)]
    pub capabilities: Vec<Capability>,
}

/// One example: a call and what it must produce.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Example {
    /// The call expression, e.g. `f(1, 2)`.
    pub call: String,
    /// What the call must do.
    pub expected: Expected,
    /// For `f32`/`f64` results: the largest accepted absolute difference.
    pub tolerance: Option<f64>,
}

/// The outcome an example demands.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Expected {
    /// The call returns a value equal to this expression.
    Returns(String),
    /// The call panics.
    Panics,
}

/// Which file form a spec was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SpecFormat {
    /// `NAME.intent.toml`.
    Toml,
    /// `NAME.intent.md`.
    Markdown,
}

/// A parsed spec file.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SpecFile {
    /// The file, relative to the crate root when it lies inside it.
    pub path: PathBuf,
    /// Which form it is written in.
    pub format: SpecFormat,
    /// What it says.
    pub spec: Spec,
    /// `sha256:…` of the canonical form.
    pub hash: String,
    /// Where `assume` and each property were written, for errors found
    /// when they are compiled.
    #[serde(default)]
    pub locations: Locations,
}

/// A 1-based line and column in a spec file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Location {
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
}

/// Where the spec's Rust checks start in its file.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Locations {
    /// The `assume` expression.
    pub assume: Option<Location>,
    /// Each property, in order.
    pub properties: Vec<Location>,
    /// Each name in `uses`, in order.
    #[serde(default)]
    pub uses: Vec<Location>,
}

impl SpecFile {
    /// A spec error at `at` in this file.
    pub fn error_at(
        &self,
        at: Location,
        message: impl Into<String>,
        expected: impl Into<String>,
    ) -> SpecError {
        located(&self.path, at.line, at.column, message, expected)
    }
}

/// A spec error at `line:column` of `path`.
fn located(
    path: &Path,
    line: usize,
    column: usize,
    message: impl Into<String>,
    expected: impl Into<String>,
) -> SpecError {
    SpecError {
        path: path.to_path_buf(),
        line,
        column,
        message: message.into(),
        expected: expected.into(),
    }
}

/// A spec as read from a file, before validation; each value knows its position.
pub(crate) struct RawSpec {
    pub path: PathBuf,
    pub default_name: String,
    /// Position used for errors about the whole file (a missing key).
    pub file_pos: Pos,
    pub name: Option<Text>,
    pub signature: Option<Text>,
    pub description: Option<Text>,
    pub constraints: Vec<Text>,
    pub prelude: Option<Text>,
    pub examples: Vec<RawExample>,
    pub tests: Option<Text>,
    pub assume: Option<Text>,
    pub properties: Vec<Text>,
    pub uses: Vec<Text>,
    pub capabilities: Vec<Text>,
}

pub(crate) struct RawExample {
    pub pos: Pos,
    pub call: Text,
    pub expect: Option<Text>,
    pub panics: bool,
    pub tolerance: Option<(f64, Pos)>,
}

impl RawSpec {
    pub(crate) fn error(
        &self,
        pos: Pos,
        message: impl Into<String>,
        expected: impl Into<String>,
    ) -> SpecError {
        located(&self.path, pos.line, pos.column, message, expected)
    }
}

/// Parses one spec file.
///
/// `display_path` is the path used in errors and recorded in the lock
/// (normally relative to the crate root).
///
/// # Errors
///
/// [`Error::Spec`] with every problem found, each with file, line and column;
/// [`Error::Io`] when the file cannot be read.
pub fn parse_file(path: &Path, display_path: &Path) -> Result<SpecFile> {
    let source = std::fs::read_to_string(path).map_err(|e| Error::io(display_path, e))?;
    parse_str(&source, display_path)
}

/// Parses spec text; the form is chosen by the suffix of `path`.
///
/// # Errors
///
/// As [`parse_file`].
pub fn parse_str(source: &str, path: &Path) -> Result<SpecFile> {
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let (format, stem) = if let Some(stem) = file_name.strip_suffix(TOML_SUFFIX) {
        (SpecFormat::Toml, stem)
    } else if let Some(stem) = file_name.strip_suffix(MARKDOWN_SUFFIX) {
        (SpecFormat::Markdown, stem)
    } else {
        return Err(SpecError {
            path: path.to_path_buf(),
            line: 1,
            column: 1,
            message: "not a spec file name".into(),
            expected: format!("a name ending in `{TOML_SUFFIX}` or `{MARKDOWN_SUFFIX}`"),
        }
        .into());
    };
    let raw = match format {
        SpecFormat::Toml => toml::read(source, path, stem)?,
        SpecFormat::Markdown => markdown::read(source, path, stem)?,
    };
    let spec = validate(&raw).map_err(Error::Spec)?;
    let hash = spec.hash();
    let location = |text: &Text| Location {
        line: text.start.line,
        column: text.start.column,
    };
    Ok(SpecFile {
        path: path.to_path_buf(),
        format,
        spec,
        hash,
        locations: Locations {
            assume: raw.assume.as_ref().map(location),
            properties: raw
                .properties
                .iter()
                .filter(|p| !p.value.trim().is_empty())
                .map(location)
                .collect(),
            uses: raw.uses.iter().map(location).collect(),
        },
    })
}

/// Every spec file under `dir`, in subfolders too, sorted by path: what
/// [`discover`] parses and what `cargo intent watch` watches.
///
/// # Errors
///
/// [`Error::Io`] when a folder cannot be read.
pub fn spec_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    if dir.is_dir() {
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.map_err(|e| {
                let path = e.path().unwrap_or(dir).to_path_buf();
                Error::io(path, e.into())
            })?;
            let name = entry.file_name().to_string_lossy();
            if entry.file_type().is_file()
                && (name.ends_with(TOML_SUFFIX) || name.ends_with(MARKDOWN_SUFFIX))
            {
                files.push(entry.into_path());
            }
        }
    }
    Ok(files)
}

/// Finds and parses every spec under `dir` (recursively), sorted by name.
///
/// Paths are reported relative to `crate_root`. Two specs with one name are
/// an error, as is any invalid spec; all errors are collected, not just the
/// first.
///
/// # Errors
///
/// [`Error::Spec`] listing every invalid spec and duplicate name.
pub fn discover(dir: &Path, crate_root: &Path) -> Result<Vec<SpecFile>> {
    discover_with(dir, crate_root, None)
}

/// [`discover`], reusing the parse of every file whose bytes are unchanged
/// since it was recorded in `cache`, and recording the others.
///
/// # Errors
///
/// As [`discover`].
pub fn discover_with(
    dir: &Path,
    crate_root: &Path,
    mut cache: Option<&mut SpecCache>,
) -> Result<Vec<SpecFile>> {
    let files = spec_files(dir)?;
    let mut errors = Vec::new();
    let mut specs: Vec<SpecFile> = Vec::new();
    for path in files {
        let display = path.strip_prefix(crate_root).unwrap_or(&path).to_path_buf();
        let parsed = match cache.as_deref_mut() {
            Some(cache) => cache.parse_file(&path, &display),
            None => parse_file(&path, &display),
        };
        match parsed {
            Ok(spec) => specs.push(spec),
            Err(Error::Spec(errs)) => errors.extend(errs),
            Err(other) => return Err(other),
        }
    }
    let mut seen: BTreeMap<&str, &SpecFile> = BTreeMap::new();
    for spec in &specs {
        if let Some(first) = seen.insert(&spec.spec.name, spec) {
            errors.push(SpecError {
                path: spec.path.clone(),
                line: 1,
                column: 1,
                message: format!(
                    "duplicate intent name `{}`, also declared in {}",
                    spec.spec.name,
                    first.path.display()
                ),
                expected: "each intent name once per crate".into(),
            });
        }
    }
    errors.extend(check_uses(&specs));
    if !errors.is_empty() {
        return Err(Error::Spec(errors));
    }
    specs.sort_by(|a, b| a.spec.name.cmp(&b.spec.name));
    Ok(specs)
}

/// Every `uses` names an intent of the crate, and no intent uses itself
/// through others (each cycle is reported once, at the name that closes it).
fn check_uses(specs: &[SpecFile]) -> Vec<SpecError> {
    let by_name: BTreeMap<&str, &SpecFile> =
        specs.iter().map(|s| (s.spec.name.as_str(), s)).collect();
    let at = |spec: &SpecFile, i: usize| spec.locations.uses.get(i).copied().unwrap_or_default();
    let mut errors = Vec::new();
    for spec in specs {
        for (i, used) in spec.spec.uses.iter().enumerate() {
            if !by_name.contains_key(used.as_str()) {
                let known: Vec<&str> = by_name
                    .keys()
                    .copied()
                    .filter(|n| *n != spec.spec.name)
                    .collect();
                errors.push(spec.error_at(
                    at(spec, i),
                    format!("`uses` names `{used}`, which is not an intent of this crate"),
                    if known.is_empty() {
                        "an intent of this crate (it has no other)".to_string()
                    } else {
                        format!("one of: {}", known.join(", "))
                    },
                ));
            }
        }
    }
    // Depth-first search from each intent, in name order: a path that comes
    // back to its start is a cycle, reported once (from its smallest name).
    let mut reported: Vec<Vec<String>> = Vec::new();
    for start in by_name.values() {
        let mut stack: Vec<(String, Vec<String>)> =
            vec![(start.spec.name.clone(), vec![start.spec.name.clone()])];
        while let Some((current, path)) = stack.pop() {
            let Some(spec) = by_name.get(current.as_str()) else {
                continue;
            };
            for (i, used) in spec.spec.uses.iter().enumerate() {
                if *used == start.spec.name {
                    let mut cycle = path.clone();
                    cycle.sort();
                    if !reported.contains(&cycle) && path.iter().min() == Some(&start.spec.name) {
                        reported.push(cycle);
                        let shown: Vec<String> = path
                            .iter()
                            .chain(std::iter::once(used))
                            .map(|n| format!("`{n}`"))
                            .collect();
                        errors.push(spec.error_at(
                            at(spec, i),
                            format!("intents use each other in a cycle: {}", shown.join(" → ")),
                            "uses that end at intents which use nothing in turn",
                        ));
                    }
                } else if !path.contains(used) {
                    let mut next = path.clone();
                    next.push(used.clone());
                    stack.push((used.clone(), next));
                }
            }
        }
    }
    errors
}

fn syn_error(
    raw: &RawSpec,
    text: &Text,
    err: &syn::Error,
    what: &str,
    expected: &str,
) -> SpecError {
    let start = err.span().start();
    let pos = text.pos_at(start.line, start.column);
    raw.error(pos, format!("{what}: {err}"), expected)
}

/// Validates a raw spec into a [`Spec`], collecting every error: each
/// key by its own check, in the order the spec states them.
fn validate(raw: &RawSpec) -> std::result::Result<Spec, Vec<SpecError>> {
    let mut errors = Vec::new();
    let signature = signature(raw, &mut errors);
    let name = name(raw, signature.as_ref(), &mut errors);
    let description = description(raw, &mut errors);
    let constraints = raw
        .constraints
        .iter()
        .map(|c| fold_whitespace(&c.value))
        .filter(|c| !c.is_empty())
        .collect();
    let prelude = prelude(raw, &mut errors);
    let examples = examples(raw, &mut errors);
    let tests = tests(raw, &mut errors);
    let (assume, properties) = assume_and_properties(raw, &mut errors);
    let uses = uses(raw, &name, &mut errors);
    let capabilities = capabilities(raw, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Spec {
        name,
        signature: signature.map(|s| s.pretty()).unwrap_or_default(),
        description,
        constraints,
        prelude,
        examples,
        tests,
        assume,
        properties,
        uses,
        capabilities,
    })
}

/// `signature`: a function signature the crate can call.
fn signature(raw: &RawSpec, errors: &mut Vec<SpecError>) -> Option<rust::FnSignature> {
    let signature = match &raw.signature {
        None => {
            errors.push(raw.error(
                raw.file_pos,
                "missing `signature`",
                "a function signature such as `pub fn name(x: i32) -> i32`",
            ));
            None
        }
        Some(text) => match rust::parse_signature(&text.value) {
            Ok(sig) if matches!(sig.vis, syn::Visibility::Inherited) => {
                errors.push(raw.error(
                    text.pos(),
                    format!(
                        "function `{}` has no visibility, so the crate could not call it",
                        sig.sig.ident
                    ),
                    "`pub fn` or `pub(crate) fn`",
                ));
                Some(sig)
            }
            Ok(sig) => Some(sig),
            Err(err) => {
                errors.push(syn_error(
                    raw,
                    text,
                    &err,
                    "signature does not parse",
                    "a function signature such as `pub fn name(x: i32) -> i32`",
                ));
                None
            }
        },
    };
    signature
}

/// `name`, or the file's name: an identifier, the signature's function.
fn name(raw: &RawSpec, signature: Option<&rust::FnSignature>, errors: &mut Vec<SpecError>) -> String {
    let name = match &raw.name {
        Some(text) => {
            let name = text.value.trim().to_string();
            if !rust::is_identifier(&name) {
                errors.push(raw.error(
                    text.pos(),
                    format!("`{name}` is not a Rust identifier"),
                    "a name such as `parse_duration`",
                ));
            } else if let Some(sig) = signature {
                if sig.sig.ident != name {
                    errors.push(raw.error(
                        text.pos(),
                        format!(
                            "name `{name}` differs from the signature's function name `{}`",
                            sig.sig.ident
                        ),
                        "the same name in both places",
                    ));
                }
            }
            name
        }
        None => {
            let name = raw.default_name.clone();
            if !rust::is_identifier(&name) {
                errors.push(raw.error(raw.file_pos, format!("the file name gives the intent name `{name}`, which is not a Rust identifier"), "a file named like `parse_duration.intent.toml`, or a `name` key"));
            } else if let (Some(sig), Some(text)) = (signature, &raw.signature) {
                if sig.sig.ident != name {
                    errors.push(raw.error(
                        text.pos(),
                        format!("function `{}` differs from the intent name `{name}` (from the file name)", sig.sig.ident),
                        format!("`fn {name}` or a `name` key"),
                    ));
                }
            }
            name
        }
    };
    name
}

/// `description`: present and not empty.
fn description(raw: &RawSpec, errors: &mut Vec<SpecError>) -> String {
    let description = match &raw.description {
        Some(text) if !text.value.trim().is_empty() => normalize_prose(&text.value),
        Some(text) => {
            errors.push(raw.error(
                text.pos(),
                "`description` is empty",
                "a sentence saying what the function must do",
            ));
            String::new()
        }
        None => {
            errors.push(raw.error(
                raw.file_pos,
                "missing `description`",
                "a sentence saying what the function must do",
            ));
            String::new()
        }
    };
    description
}

/// `prelude`: Rust items, normalised.
fn prelude(raw: &RawSpec, errors: &mut Vec<SpecError>) -> String {
    let mut prelude_file = None;
    if let Some(text) = &raw.prelude {
        match rust::parse_items(&text.value) {
            Ok(file) => prelude_file = Some(file),
            Err(err) => errors.push(syn_error(
                raw,
                text,
                &err,
                "prelude does not parse",
                "Rust items (structs, enums, `use` declarations)",
            )),
        }
    }
    prelude_file
        .map(|f| rust::pretty_items(&f))
        .unwrap_or_default()
}

/// `examples`: at least one, each a call and one expected outcome.
fn examples(raw: &RawSpec, errors: &mut Vec<SpecError>) -> Vec<Example> {
    let mut examples = Vec::new();
    if raw.examples.is_empty() {
        errors.push(raw.error(
            raw.file_pos,
            "no examples",
            "at least one example, e.g. `{ call = \"f(1)\", expect = \"2\" }`",
        ));
    }
    for (index, example) in raw.examples.iter().enumerate() {
        let call = match rust::parse_expr(&example.call.value) {
            Ok(expr) => Some(expr),
            Err(err) => {
                errors.push(syn_error(
                    raw,
                    &example.call,
                    &err,
                    &format!("example {index}: `call` does not parse"),
                    "a Rust expression such as `f(1, 2)`",
                ));
                None
            }
        };
        let expected = match (&example.expect, example.panics) {
            (Some(_), true) => {
                errors.push(raw.error(
                    example.pos,
                    format!("example {index} has both `expect` and `panics = true`"),
                    "one of them",
                ));
                None
            }
            (None, false) => {
                errors.push(raw.error(
                    example.pos,
                    format!("example {index} has neither `expect` nor `panics = true`"),
                    "`expect = \"…\"` or `panics = true`",
                ));
                None
            }
            (None, true) => Some(Expected::Panics),
            (Some(text), false) => match rust::parse_expr(&text.value) {
                Ok(expr) => Some(Expected::Returns(rust::pretty_expr(&expr))),
                Err(err) => {
                    errors.push(syn_error(
                        raw,
                        text,
                        &err,
                        &format!("example {index}: `expect` does not parse"),
                        "a Rust expression such as `vec![1, 2]`",
                    ));
                    None
                }
            },
        };
        if let Some((tolerance, pos)) = example.tolerance {
            if !(tolerance.is_finite() && tolerance >= 0.0) {
                errors.push(raw.error(pos, format!("example {index}: tolerance {tolerance} is not a finite non-negative number"), "a number such as `1e-9`"));
            } else if example.panics {
                errors.push(raw.error(
                    pos,
                    format!("example {index}: `tolerance` on an example that panics"),
                    "`tolerance` only with `expect`",
                ));
            }
        }
        if let (Some(call), Some(expected)) = (call, expected) {
            examples.push(Example {
                call: rust::pretty_expr(&call),
                expected,
                tolerance: example.tolerance.map(|(t, _)| t),
            });
        }
    }
    examples
}

/// `tests`: Rust statements, normalised.
fn tests(raw: &RawSpec, errors: &mut Vec<SpecError>) -> String {
    let mut tests = String::new();
    if let Some(text) = &raw.tests {
        match rust::parse_stmts(&text.value) {
            Ok(stmts) => tests = rust::pretty_stmts(&stmts),
            Err(err) => errors.push(syn_error(
                raw,
                text,
                &err,
                "tests do not parse",
                "Rust statements such as `assert!(f(1) == 2);`",
            )),
        }
    }
    tests
}

/// `assume` and `properties`: Rust boolean expressions, normalised.
fn assume_and_properties(
    raw: &RawSpec,
    errors: &mut Vec<SpecError>,
) -> (Option<String>, Vec<String>) {
    let mut check = |text: &Text, what: &str, example: &str| match rust::parse_expr(&text.value) {
        Ok(expr) => Some(rust::pretty_expr(&expr)),
        Err(err) => {
            errors.push(syn_error(
                raw,
                text,
                &err,
                &format!("{what} does not parse"),
                &format!("a Rust boolean expression such as `{example}`"),
            ));
            None
        }
    };
    let assume = raw
        .assume
        .as_ref()
        .and_then(|text| check(text, "`assume`", "n > 0 && n <= 1000"));
    let properties = raw
        .properties
        .iter()
        .enumerate()
        .filter(|(_, text)| !text.value.trim().is_empty())
        .filter_map(|(i, text)| check(text, &format!("property {i}"), "result.len() <= s.len()"))
        .collect();
    (assume, properties)
}

/// `uses`: other intents of the crate, each once.
fn uses(raw: &RawSpec, name: &str, errors: &mut Vec<SpecError>) -> Vec<String> {
    let mut uses: Vec<String> = Vec::new();
    for text in &raw.uses {
        let used = text.value.trim().to_string();
        if !rust::is_identifier(&used) {
            errors.push(raw.error(
                text.pos(),
                format!("`uses`: `{used}` is not an intent name"),
                "names of intents in this crate, e.g. `uses = [\"gcd\"]`",
            ));
        } else if used == name {
            errors.push(raw.error(
                text.pos(),
                format!("`uses` names `{used}` itself"),
                "names of other intents in this crate",
            ));
        } else if uses.contains(&used) {
            errors.push(raw.error(
                text.pos(),
                format!("`uses` names `{used}` twice"),
                "each used intent once",
            ));
        } else {
            uses.push(used);
        }
    }
    uses
}

/// The declared capabilities, sorted and each once; an unknown name is an
/// error at its position.
fn capabilities(raw: &RawSpec, errors: &mut Vec<SpecError>) -> Vec<Capability> {
    let mut out = Vec::new();
    for text in &raw.capabilities {
        let name = text.value.trim();
        match Capability::from_name(name) {
            Some(capability) if !out.contains(&capability) => out.push(capability),
            Some(_) => errors.push(raw.error(
                text.pos(),
                format!("`capabilities` names `{name}` twice"),
                "each capability once",
            )),
            None => errors.push(raw.error(
                text.pos(),
                format!("`{name}` is not a capability"),
                format!("one of {}", Capability::names()),
            )),
        }
    }
    out.sort();
    out
}

/// Folds every run of white space into one space.
fn fold_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Folds white space within paragraphs; paragraphs stay separated by a blank line.
fn normalize_prose(text: &str) -> String {
    let mut paragraphs = Vec::new();
    let mut current = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                paragraphs.push(fold_whitespace(&current.join(" ")));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        paragraphs.push(fold_whitespace(&current.join(" ")));
    }
    paragraphs.join("\n\n")
}

impl Spec {
    /// The canonical text the spec hash is computed over (see the module docs).
    pub fn canonical(&self) -> String {
        // The stored fragments were validated when the spec was built, so they
        // parse again; fall back to the text itself rather than panicking.
        let tokens = |text: &str, parse: fn(&str) -> Option<String>| {
            parse(text).unwrap_or_else(|| text.to_string())
        };
        let expr = |t: &str| rust::parse_expr(t).ok().map(|e| rust::canonical(&e));
        let sig = |t: &str| {
            rust::parse_signature(t).ok().map(|s| {
                format!("{} {}", rust::canonical(&s.vis), rust::canonical(&s.sig))
                    .trim()
                    .to_string()
            })
        };
        let items = |t: &str| rust::parse_items(t).ok().map(|f| rust::canonical(&f));
        let stmts = |t: &str| rust::parse_stmts(t).ok().map(|s| rust::canonical_stmts(&s));
        let examples: Vec<serde_json::Value> = self
            .examples
            .iter()
            .map(|e| {
                let (kind, expected) = match &e.expected {
                    Expected::Returns(v) => ("returns", serde_json::Value::String(tokens(v, expr))),
                    Expected::Panics => ("panics", serde_json::Value::Null),
                };
                serde_json::json!([tokens(&e.call, expr), kind, expected, e.tolerance])
            })
            .collect();
        // serde_json's `json!` keeps insertion order only with `preserve_order`;
        // build the object text by hand so the key order is fixed by this code.
        let mut fields: Vec<(&str, serde_json::Value)> = vec![
            ("name", self.name.clone().into()),
            ("signature", tokens(&self.signature, sig).into()),
            ("description", self.description.clone().into()),
            ("constraints", self.constraints.clone().into()),
            ("prelude", tokens(&self.prelude, items).into()),
            ("examples", examples.into()),
            ("tests", tokens(&self.tests, stmts).into()),
        ];
        // Added after the first release: present only when used, so older
        // specs keep their hashes.
        if let Some(assume) = &self.assume {
            fields.push(("assume", tokens(assume, expr).into()));
        }
        if !self.properties.is_empty() {
            let properties: Vec<String> = self.properties.iter().map(|p| tokens(p, expr)).collect();
            fields.push(("properties", properties.into()));
        }
        if !self.uses.is_empty() {
            fields.push(("uses", self.uses.clone().into()));
        }
        if !self.capabilities.is_empty() {
            let names: Vec<&str> = self.capabilities.iter().map(|c| c.name()).collect();
            fields.push(("capabilities", names.into()));
        }
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}:{}", serde_json::Value::from(*k), v))
            .collect::<Vec<_>>()
            .join(",");
        format!("intent-spec/1\n{{{body}}}")
    }

    /// `sha256:` + the hex SHA-256 of [`Spec::canonical`].
    pub fn hash(&self) -> String {
        sha256_hex(self.canonical().as_bytes())
    }
}

pub(crate) fn parameters_of(signature: &str) -> Vec<(String, syn::Type)> {
    let Ok(sig) = rust::parse_signature(signature) else {
        return Vec::new();
    };
    sig.sig
        .inputs
        .iter()
        .filter_map(|arg| match arg {
            syn::FnArg::Typed(pat) => {
                let name = match &*pat.pat {
                    syn::Pat::Ident(ident) => ident.ident.to_string(),
                    other => rust::canonical(other),
                };
                Some((name, (*pat.ty).clone()))
            }
            syn::FnArg::Receiver(_) => None,
        })
        .collect()
}
