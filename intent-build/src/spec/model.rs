//! What a spec means, independent of its form: [`Spec`] and the file it
//! came from, and the raw form each syntax is read into.

use std::path::{Path, PathBuf};

use super::rust;
use super::text::{Pos, Text};
use crate::capability::Capability;
use crate::error::SpecError;
use crate::files::sha256_hex;

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
    /// Crates of the package's `[dependencies]` the code may use, by the
    /// name code calls them (`regex`, `serde_json`), each once.
    #[serde(default)]
    pub crates: Vec<String>,
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
    /// The description as the file writes it: Markdown with its line
    /// breaks, blank lines, fences and hard breaks, the common indentation
    /// removed. What documentation shows (generated docs, ejected files);
    /// the hash and the prompt use the folded [`Spec::description`].
    #[serde(default)]
    pub description_as_written: String,
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
    /// Each name in `crates`, in order.
    #[serde(default)]
    pub crates: Vec<Location>,
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
pub(super) fn located(
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
        help: None,
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
    pub crates: Vec<Text>,
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

/// Folds every run of white space into one space.
pub(super) fn fold_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A description as written: line endings made `\n`, leading and
/// trailing blank lines and the final line's trailing white space dropped,
/// and the indentation every non-blank line shares removed (a TOML string
/// indented to sit under its key is not a Markdown code block). Trailing
/// spaces inside stay: two of them are a Markdown hard break.
pub(super) fn as_written(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let lines: Vec<&str> = text.lines().collect();
    let first = lines.iter().position(|l| !l.trim().is_empty());
    let last = lines.iter().rposition(|l| !l.trim().is_empty());
    let (Some(first), Some(last)) = (first, last) else {
        return String::new();
    };
    let lines = &lines[first..=last];
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    let kept: Vec<&str> = lines
        .iter()
        .map(|l| if l.trim().is_empty() { "" } else { &l[indent..] })
        .collect();
    kept.join("\n").trim_end().to_string()
}

/// Folds white space within paragraphs; paragraphs stay separated by a blank line.
pub(super) fn normalize_prose(text: &str) -> String {
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
    /// Whether a constraint promises that the function never panics (it
    /// starts with "Never panic", in any case): the one constraint the
    /// gates check, on every generated input `assume` admits, like a
    /// property. An example that expects a panic turns it off: that spec
    /// says the panic is wanted there.
    pub fn never_panics(&self) -> bool {
        let promised = self.constraints.iter().any(|c| {
            c.trim_start()
                .get(..11)
                .is_some_and(|head| head.eq_ignore_ascii_case("never panic"))
        });
        promised
            && !self
                .examples
                .iter()
                .any(|e| matches!(e.expected, Expected::Panics))
    }

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
        if !self.crates.is_empty() {
            fields.push(("crates", self.crates.clone().into()));
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
