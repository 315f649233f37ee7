//! `cargo intent eject NAME`: an intent turned back into ordinary Rust.
//! Its accepted code goes into a module of the crate's own sources
//! (`src/NAME.rs`, declared and re-exported from `src/lib.rs`), with the
//! spec's description as its documentation and its examples and tests as
//! `#[test]`s; its spec, snapshot, behaviour file and lock entry go. The
//! function stays where callers found it, so the crate builds and its tests
//! pass: nothing locks a team in.
//!
//! A function `cargo intent adopt` took from a file goes back where it was:
//! eject is adopt's inverse, and the file comes back byte for byte (line
//! endings and final newline included) with its examples module added at
//! the end. Adopt refuses, before it writes anything, a function it could
//! not give back so. What eject writes is the spec's description as
//! written, as `///` lines, and the snapshot's code: a description or code
//! edited since adopt comes back as edited.

use std::path::PathBuf;

use crate::docs;
use crate::error::{Error, Result};
use crate::lockfile::Lockfile;
use crate::project::Project;
use crate::snapshot::{behaviour_path, snapshot_path, Snapshot};
use crate::spec::{Expected, SpecFile};

/// What `eject` wrote and removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ejected {
    /// The module written, relative to the crate root: `src/NAME.rs`, or
    /// for a function `cargo intent adopt` took from a file, that file.
    pub module: PathBuf,
    /// Whether `src/lib.rs` declares the module now (a new module).
    pub declared: bool,
    /// The files removed (spec, snapshot, behaviour), relative to the root.
    pub removed: Vec<PathBuf>,
}

/// Ejects intent `name` of `project`.
///
/// # Errors
///
/// No such intent, no accepted code, an intent that others use, a module
/// file that exists already, a crate root that does not include the
/// intents, or a file that cannot be written or removed.
pub fn eject(project: &Project, name: &str) -> Result<Ejected> {
    let specs = project.specs()?;
    let spec = specs
        .iter()
        .find(|s| s.spec.name == name)
        .ok_or_else(|| refusal(format!("no intent named `{name}`"), "`cargo intent status` lists them"))?;
    if let Some(user) = specs.iter().find(|s| s.spec.uses.iter().any(|u| u == name)) {
        return Err(refusal(
            format!("intent `{}` uses `{name}`: ejected, it would have nothing to use", user.spec.name),
            format!("eject `{}` first, or remove `{name}` from its `uses`", user.spec.name),
        ));
    }
    let specs_dir = project.specs_dir();
    let snapshot = Snapshot::read(&snapshot_path(&specs_dir, name))?
        .ok_or_else(|| refusal(format!("intent `{name}` has no accepted code"), format!("run `cargo intent lock {name}` first")))?;
    let root_text = check_includes(project)?;
    let (module, declared) = match adopted_from(project, name)? {
        Some((file, text)) => {
            crate::files::write_atomic(&project.root.join(&file), put_back(&text, spec, &snapshot.code).as_bytes())?;
            (file, false)
        }
        None => (new_module(project, spec, &snapshot.code, &root_text)?, true),
    };
    Lockfile::update(&project.lockfile(), |lock| {
        lock.entries.remove(name);
        Ok(())
    })?;
    let mut removed = Vec::new();
    let files = [
        project.root.join(&spec.path),
        snapshot_path(&specs_dir, name),
        behaviour_path(&specs_dir, name),
    ];
    for file in files {
        match std::fs::remove_file(&file) {
            Ok(()) => removed.push(file.strip_prefix(&project.root).unwrap_or(&file).to_path_buf()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(&file, e)),
        }
    }
    Ok(Ejected { module, declared, removed })
}

/// `src/NAME.rs` with the intent's code, declared and re-exported from
/// `src/lib.rs` (whose text is `root_text`).
fn new_module(project: &Project, spec: &SpecFile, code: &str, root_text: &str) -> Result<PathBuf> {
    let name = &spec.spec.name;
    let module = PathBuf::from("src").join(format!("{name}.rs"));
    let module_file = project.root.join(&module);
    if module_file.exists() {
        return Err(refusal(
            format!("{} exists already", module.display()),
            "move it aside, or rename the intent",
        ));
    }
    crate::files::write_atomic(&module_file, module_source(spec, code).as_bytes())?;
    let declaration = format!("\nmod {name};\npub use {name}::*;\n");
    let root_file = project.root.join("src/lib.rs");
    crate::files::write_atomic(&root_file, format!("{root_text}{declaration}").as_bytes())?;
    Ok(module)
}

/// The line `cargo intent adopt` left where it took `name` from.
fn adopt_note(name: &str) -> String {
    format!("(`cargo intent eject {name}` puts it back here).")
}

/// The source file (relative to the root) and its text where `cargo intent
/// adopt` took `name` from, when its note is still there.
fn adopted_from(project: &Project, name: &str) -> Result<Option<(PathBuf, String)>> {
    let note = adopt_note(name);
    let files = walkdir::WalkDir::new(project.root.join("src"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(std::result::Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"));
    for entry in files {
        let text = std::fs::read_to_string(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
        if text.contains(&note) {
            let rel = entry.path().strip_prefix(&project.root).unwrap_or(entry.path());
            return Ok(Some((rel.to_path_buf(), text)));
        }
    }
    Ok(None)
}

/// `text` with the function back where adopt's note stands, then its
/// examples as tests at the end of the file, in the file's line endings.
fn put_back(text: &str, spec: &SpecFile, code: &str) -> String {
    let Some(mut out) = restore(text, spec, code) else {
        return text.to_string();
    };
    let newline = line_ending(text);
    if !out.is_empty() && !out.ends_with('\n') {
        out.push_str(newline);
    }
    out.push_str(&tests_module(spec, &format!("{}_examples", spec.spec.name)).replace('\n', newline));
    out
}

/// `text` with adopt's note (and the `use` after it) replaced by the
/// function: the spec's description as written, as `///` lines, above its
/// accepted code, in the file's line endings; `None` when the note is not
/// there. For a function adopt left as it was, this is the file before
/// adopt byte for byte (adopt checks that before it writes anything); a
/// description edited since comes back as edited. A function adopted
/// private (its `use` has no visibility) is private again.
pub(crate) fn restore(text: &str, spec: &SpecFile, code: &str) -> Option<String> {
    let name = &spec.spec.name;
    let start = text.find(&format!("// `{name}` is an intent now: "))?;
    let note_end = start + text[start..].find(&adopt_note(name))? + adopt_note(name).len();
    let newline = line_ending(text);
    let after = &text[note_end..];
    let import = ["", "pub ", "pub(crate) "]
        .iter()
        .map(|vis| format!("{newline}{vis}use crate::{name};"))
        .find(|line| after.starts_with(line.as_str()));
    let end = note_end + import.as_ref().map_or(0, String::len);
    let private = import.is_some_and(|line| line == format!("{newline}use crate::{name};"));
    let code = if private { unexported(code, name) } else { code.to_string() };
    let comment = match spec.spec.description == undocumented(name) {
        true => String::new(),
        false => docs::comment(&docs::prose(spec)),
    };
    let function = docs::place(code.trim_end(), &comment, name);
    let function = function.trim_end_matches('\n').replace('\n', newline);
    Some(format!("{}{function}{}", &text[..start], &text[end..]))
}

/// The description of a function adopted without a doc comment: a `TODO`
/// that `lock` refuses to send to a model, and that `eject` gives back as
/// no doc comment.
pub(crate) fn undocumented(name: &str) -> String {
    format!("TODO: say what `{name}` must do.")
}

/// `\r\n` for a file that uses it, else `\n`.
pub(crate) fn line_ending(text: &str) -> &'static str {
    if text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// `code` with the `pub(crate) ` adopt gave function `name` removed.
fn unexported(code: &str, name: &str) -> String {
    let declaration = format!("pub(crate) fn {name}");
    match code.find(&declaration) {
        Some(at) => format!("{}{}", &code[..at], &code[at + "pub(crate) ".len()..]),
        None => code.to_string(),
    }
}

/// The text of `src/lib.rs`, which must include the intents: adopt and
/// eject move functions between it and `OUT_DIR`.
///
/// # Errors
///
/// No `src/lib.rs`, or one that does not include the intents.
pub(crate) fn check_includes(project: &Project) -> Result<String> {
    let root_file = project.root.join("src/lib.rs");
    let root_text = std::fs::read_to_string(&root_file).map_err(|e| Error::io(&root_file, e))?;
    if !root_text.contains("intents.rs\"))") {
        return Err(refusal(
            "src/lib.rs does not include the intents (`include!(concat!(env!(\"OUT_DIR\"), \"/intents.rs\"))`)".into(),
            "adopt and eject work on a library crate whose src/lib.rs includes them",
        ));
    }
    Ok(root_text)
}

fn refusal(message: String, help: impl Into<String>) -> Error {
    Error::Setting {
        message,
        help: Some(help.into()),
    }
}

/// The module: the spec's prelude, its description as the function's
/// documentation, the accepted code, and the examples and tests as tests.
pub fn module_source(spec: &SpecFile, code: &str) -> String {
    let spec_ref = &spec.spec;
    let mut out = String::new();
    if !spec_ref.prelude.is_empty() {
        out.push_str(&spec_ref.prelude);
        out.push_str("\n\n");
    }
    let comment = docs::comment(&docs::prose(spec));
    out.push_str(&docs::place(code.trim_end(), &comment, &spec_ref.name));
    out.push_str(&tests_module(spec, "tests"));
    out
}

/// The spec's examples and tests as `#[cfg(test)] mod MODULE`.
fn tests_module(spec: &SpecFile, module: &str) -> String {
    let spec_ref = &spec.spec;
    let mut out = format!("\n#[cfg(test)]\nmod {module} {{\n    use super::*;\n");
    let float = docs::returns_float(spec_ref);
    let returning: Vec<String> = spec_ref
        .examples
        .iter()
        .filter(|e| e.expected != Expected::Panics)
        .map(|e| docs::assertion(e, float))
        .collect();
    if !returning.is_empty() {
        out.push_str("\n    #[test]\n    fn examples() {\n");
        for line in returning.iter().flat_map(|a| a.lines()) {
            out.push_str(&format!("        {line}\n"));
        }
        out.push_str("    }\n");
    }
    let panicking = spec_ref.examples.iter().filter(|e| e.expected == Expected::Panics);
    for (i, example) in panicking.enumerate() {
        out.push_str(&format!(
            "\n    #[test]\n    #[should_panic]\n    fn panics_{i}() {{\n        let _ = {};\n    }}\n",
            example.call
        ));
    }
    if !spec_ref.tests.is_empty() {
        out.push_str("\n    #[test]\n    fn tests() {\n");
        for line in spec_ref.tests.lines() {
            out.push_str(&format!("        {line}\n"));
        }
        out.push_str("    }\n");
    }
    out.push_str("}\n");
    out
}
