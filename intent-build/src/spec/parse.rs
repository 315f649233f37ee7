//! Reading one spec file: its syntax into the raw form, then every field
//! validated into a [`Spec`], each error located.

use std::path::Path;

use super::model::{
    as_written, fold_whitespace, normalize_prose, Example, Expected, Location, Locations, RawSpec, Spec,
    SpecFile, SpecFormat,
};
use super::text::Text;
use super::model::{MARKDOWN_SUFFIX, TOML_SUFFIX};
use super::{markdown, rust, toml};
use crate::capability::Capability;
use crate::error::{Error, Result, SpecError};

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
    let source = crate::files::read_to_string_capped(path, crate::files::MAX_SPEC_BYTES)
        .map_err(|e| Error::io(display_path, e))?;
    parse_str(&source, display_path)
}

/// Parses spec text; the form is chosen by the suffix of `path`.
///
/// # Errors
///
/// As [`parse_file`].
pub fn parse_str(source: &str, path: &Path) -> Result<SpecFile> {
    let (format, raw) = read_raw(source, path)?;
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
        description_as_written: raw.description.as_ref().map(|d| as_written(&d.value)).unwrap_or_default(),
        locations: Locations {
            assume: raw.assume.as_ref().map(location),
            properties: raw
                .properties
                .iter()
                .filter(|p| !p.value.trim().is_empty())
                .map(location)
                .collect(),
            uses: raw.uses.iter().map(location).collect(),
            crates: raw.crates.iter().map(location).collect(),
        },
    })
}

/// Checks only the `signature` of spec text, and the name it gives the
/// intent, with the errors [`parse_str`] would give for them: what
/// `cargo intent new` checks before the rest of the spec is written.
///
/// # Errors
///
/// [`Error::Spec`] for a bad signature or name, or text that is not a spec.
pub fn check_signature(source: &str, path: &Path) -> Result<()> {
    let (_, raw) = read_raw(source, path)?;
    let mut errors = Vec::new();
    let signature = signature(&raw, &mut errors);
    name(&raw, signature.as_ref(), &mut errors);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Spec(errors))
    }
}

/// The raw form of spec text, read by the syntax `path`'s suffix names.
fn read_raw(source: &str, path: &Path) -> Result<(SpecFormat, RawSpec)> {
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
            help: None,
        }
        .into());
    };
    let raw = match format {
        SpecFormat::Toml => toml::read(source, path, stem)?,
        SpecFormat::Markdown => markdown::read(source, path, stem)?,
    };
    Ok((format, raw))
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
    let crates = crates(raw, &mut errors);
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
        crates,
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
            ).with_help("add the function's signature: `signature = \"pub fn name(x: i32) -> i32\"` (Markdown: `# signature: pub fn …`)"));
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
                ).with_help(format!("write `pub fn {}` (or `pub(crate) fn {}`)", sig.sig.ident, sig.sig.ident)));
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
                    ).with_help(format!("rename one of them: `name = \"{}\"`, or `fn {name}` in the signature", sig.sig.ident)));
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
                    ).with_help(format!("rename the function to `{name}`, or add `name = \"{}\"`", sig.sig.ident)));
                }
            }
            name
        }
    };
    name
}

/// The fix of a missing or empty description.
const DESCRIPTION_HELP: &str =
    "say in a sentence what the function returns, and what it does at the edges (empty input, zero, limits)";

/// `description`: present and not empty.
fn description(raw: &RawSpec, errors: &mut Vec<SpecError>) -> String {
    let description = match &raw.description {
        Some(text) if !text.value.trim().is_empty() => normalize_prose(&text.value),
        Some(text) => {
            errors.push(raw.error(
                text.pos(),
                "`description` is empty",
                "a sentence saying what the function must do",
            ).with_help(DESCRIPTION_HELP));
            String::new()
        }
        None => {
            errors.push(raw.error(
                raw.file_pos,
                "missing `description`",
                "a sentence saying what the function must do",
            ).with_help(DESCRIPTION_HELP));
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
        ).with_help("add `examples = [{ call = \"f(1)\", expect = \"2\" }]` (Markdown: an `# examples:` list with `- f(1) == 2`); the gates check nothing else"));
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
                ).with_help("keep `expect` for the value the call returns, or `panics = true` for a call that must panic"));
                None
            }
            (None, false) => {
                errors.push(raw.error(
                    example.pos,
                    format!("example {index} has neither `expect` nor `panics = true`"),
                    "`expect = \"…\"` or `panics = true`",
                ).with_help("add `expect = \"…\"` with the value the call returns, or `panics = true` if it must panic"));
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

/// `crates`: names of crates, each once, as code names them (`serde_json`
/// for `serde-json`). Whether the package depends on them is checked with
/// the crate's manifest, by `discover`.
fn crates(raw: &RawSpec, errors: &mut Vec<SpecError>) -> Vec<String> {
    let mut crates: Vec<String> = Vec::new();
    for text in &raw.crates {
        let named = text.value.trim().replace('-', "_");
        if !rust::is_identifier(&named) || matches!(named.as_str(), "std" | "core" | "alloc") {
            errors.push(raw.error(
                text.pos(),
                format!("`crates`: `{}` is not the name of a dependency", text.value.trim()),
                "names from the package's `[dependencies]`, e.g. `crates = [\"regex\"]`",
            ));
        } else if crates.contains(&named) {
            errors.push(raw.error(
                text.pos(),
                format!("`crates` names `{named}` twice"),
                "each crate once",
            ));
        } else {
            crates.push(named);
        }
    }
    crates
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
