//! `cargo intent adopt FILE::FUNCTION` (and `--all FILE`): an existing
//! function of the crate brought under a spec. The spec takes its
//! signature, its doc comment as the description (else a `TODO` that
//! `lock` refuses to send to a model), and examples of what it returns —
//! run confined, as a candidate is, on the calls the crate's tests make and
//! on inputs generated from the signature. Its code becomes the intent's
//! accepted code (`author = "adopted"`) once it passes every gate, its
//! behaviour is pinned, and its definition in the file gives way to a
//! `use` of the intent, so every path that reached it still does.
//!
//! Nothing is written for a function that cannot be adopted: a method,
//! generics, `async`, `&mut` parameters, or code a gate refuses (the
//! policy's refusal names the capability a spec would declare).

mod calls;
mod examples;
mod order;
mod source;

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::env::Env;
use crate::error::{Error, Result, SpecError};
use crate::generate::uses;
use crate::judge::behaviour::CallOutcome;
use crate::judge::gates::{GateRunner, Verdict};
use crate::judge::inputs;
use crate::lockfile::Author;
use crate::project::Project;
use crate::spec::{Spec, SpecFile};
use examples::Observed;
use source::{Function, Unfit};

/// What to adopt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// One function of a file (relative to the crate root).
    One {
        /// The source file.
        file: PathBuf,
        /// The function.
        name: String,
    },
    /// Every free function of a file that can be adopted.
    All {
        /// The source file.
        file: PathBuf,
    },
}

impl Target {
    /// `src/text.rs::slugify` as a target; `all`: every function of the file.
    ///
    /// # Errors
    ///
    /// A target without `::FUNCTION` (and not `all`).
    pub fn parse(text: &str, all: bool) -> Result<Target> {
        if all {
            return Ok(Target::All { file: PathBuf::from(text) });
        }
        match text.rsplit_once("::") {
            Some((file, name)) if !file.is_empty() && !name.is_empty() => Ok(Target::One {
                file: PathBuf::from(file),
                name: name.to_string(),
            }),
            _ => Err(Error::setting_help(
                format!("`{text}` names no function"),
                format!("write FILE::FUNCTION, e.g. `{text}::my_function`, or `--all {text}`"),
            )),
        }
    }

    fn file(&self) -> &Path {
        match self {
            Target::One { file, .. } | Target::All { file } => file,
        }
    }
}

/// One function brought under a spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Adopted {
    /// The intent's name.
    pub name: String,
    /// Its spec, relative to the crate root.
    pub spec: PathBuf,
    /// The examples written into it.
    pub examples: usize,
    /// How many of them are calls the crate's tests make.
    pub from_tests: usize,
    /// Whether the function had a doc comment to describe it (else the
    /// description is a `TODO`).
    pub described: bool,
    /// Seconds it took.
    pub seconds: f64,
}

/// What became of each function: adopted, or why not.
pub type Adoptions = Vec<(String, std::result::Result<Adopted, Error>)>;

/// Adopts `target`'s functions in `project`.
///
/// # Errors
///
/// The file cannot be read or parsed; the crate does not include its
/// intents; for [`Target::One`], anything that keeps the function out
/// (for [`Target::All`], those are reported per function).
pub fn adopt(project: &Project, env: &Env, intent_dir: &Path, target: &Target) -> Result<Adoptions> {
    super::eject::check_includes(project)?;
    let path = project.root.join(target.file());
    let shown = PathBuf::from(source::shown(&project.root, &path));
    let located = |u: Unfit| located(&shown, u);
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&shown, e))?;
    let file = source::parse(&text).map_err(located)?;
    let planned: Vec<order::Planned> = match target {
        Target::One { name, .. } => vec![order::Planned { name: name.clone(), callees: Vec::new(), cycle_with: None }],
        Target::All { .. } => order::plan(
            &source::free_functions(&file)
                .iter()
                .map(|f| (f.sig.ident.to_string(), source::calls_of(f)))
                .collect::<Vec<_>>(),
        ),
    };
    let mut done: Adoptions = Vec::new();
    for planned in planned {
        let name = planned.name.clone();
        let result = match unordered(&planned, &done) {
            Some(refusal) => Err(refusal),
            None => {
                // Each adoption rewrites the file: read it again.
                let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&shown, e))?;
                let file = source::parse(&text).map_err(located)?;
                source::find(&file, &text, &name)
                    .map_err(located)
                    .and_then(|function| one(project, env, intent_dir, &path, &file, &text, function))
            }
        };
        match (target, result) {
            (Target::One { .. }, Err(e)) => return Err(e),
            (_, result) => done.push((name, result)),
        }
    }
    Ok(done)
}

/// Why `planned` is not tried: it calls a function it is called by, or a
/// function of its file that was not adopted (`done` so far).
fn unordered(planned: &order::Planned, done: &Adoptions) -> Option<Error> {
    let name = &planned.name;
    if let Some(other) = &planned.cycle_with {
        return Some(Error::setting_help(
            format!("`{name}` and `{other}` call each other: each would have to be an intent before the other"),
            "adopt neither, or break the cycle and adopt again",
        ));
    }
    let failed = planned
        .callees
        .iter()
        .find(|c| done.iter().any(|(n, r)| n == *c && r.is_err()))?;
    Some(Error::setting_help(
        format!("`{name}` calls `{failed}`, which was not adopted (see above)"),
        format!("adopt `{failed}` first, or keep `{name}` outside intents"),
    ))
}

/// An unfit function as a located error.
fn located(file: &Path, unfit: Unfit) -> Error {
    Error::Spec(vec![SpecError {
        path: file.to_path_buf(),
        line: unfit.line.max(1),
        column: unfit.column.max(1),
        message: unfit.why,
        expected: String::new(),
        help: Some(unfit.help),
    }])
}

/// Adopts `function` of the file at `path` (its `text` and syntax `file`).
fn one(
    project: &Project,
    env: &Env,
    intent_dir: &Path,
    path: &Path,
    file: &syn::File,
    text: &str,
    function: Function,
) -> Result<Adopted> {
    let started = Instant::now();
    let spec_path = project.specs_dir().join(format!("{}{}", function.name, crate::spec::TOML_SUFFIX));
    let statuses = project.statuses()?;
    if statuses.iter().any(|s| s.spec.spec.name == function.name) || spec_path.exists() {
        return Err(Error::setting_help(
            format!("an intent named `{}` exists already", function.name),
            "remove it, or rename the function",
        ));
    }
    let spec = draft(project, file, &function, &statuses)?;
    let known = super::lock::Known::of(&statuses);
    let used = uses::resolve(&spec, None, &known.specs, &known.accepted).map_err(|name| {
        Error::setting_help(
            format!("`{}` calls intent `{name}`, which has no accepted code", function.name),
            format!("lock `{name}` first"),
        )
    })?;
    let draft_file = SpecFile {
        path: PathBuf::new(),
        format: crate::spec::SpecFormat::Toml,
        spec: spec.clone(),
        hash: String::new(),
        description_as_written: String::new(),
        locations: Default::default(),
    };
    let runner = project.gate_runner(env, intent_dir, None);
    let runner = project.with_crates(runner, std::iter::once(&draft_file), intent_dir, env.offline())?;
    let gated = crate::generate::gated(&draft_file, &used).spec;
    let observed = observe(&runner, &gated, &function, &project.root)?;
    let chosen = examples::choose(&observed);
    let written = expectations(&runner, &gated, &chosen)?;
    if written.is_empty() {
        return Err(Error::setting_help(
            format!("no call of `{}` gave an answer an example can state", function.name),
            "write the spec by hand (`cargo intent new`), with the function's code as its snapshot",
        ));
    }
    let rel = PathBuf::from(source::shown(&project.root, &spec_path));
    let toml = spec_text(&spec, &written, &source::shown(&project.root, path));
    let replaced = replaced(text, &function, &rel, path.ends_with("src/lib.rs"));
    let shown = PathBuf::from(source::shown(&project.root, path));
    check_round_trip(text, &replaced, &crate::spec::parse_str(&toml, &rel)?, &function, &shown)?;
    let dir = project.specs_dir();
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    crate::files::write_atomic(&spec_path, toml.as_bytes())?;
    let judged = judge(project, intent_dir, &runner, &spec_path, &rel, &function, &used);
    if let Err(e) = judged {
        let _ = std::fs::remove_file(&spec_path);
        return Err(e);
    }
    crate::files::write_atomic(path, replaced.as_bytes())?;
    Ok(Adopted {
        name: function.name.clone(),
        spec: rel,
        examples: written.len(),
        from_tests: written.iter().filter(|w| w.from_tests).count(),
        described: !function.doc.trim().is_empty(),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The spec as far as the source gives it, before its examples: signature,
/// description, the file's `use`s of std and the package's crates, and the
/// intents its body calls.
fn draft(
    project: &Project,
    file: &syn::File,
    function: &Function,
    statuses: &[crate::state::IntentStatus],
) -> Result<Spec> {
    let dependencies = crate::dependencies::Dependencies::of_package(&project.root).unwrap_or_default();
    let listed: Vec<String> = dependencies.listed.keys().cloned().collect();
    let (prelude, crates) = source::uses(file, &listed);
    let intents: Vec<String> = statuses.iter().map(|s| s.spec.spec.name.clone()).collect();
    let called = source::called_names(&function.code);
    Ok(Spec {
        name: function.name.clone(),
        signature: function.signature.clone(),
        description: description_of(function),
        constraints: Vec::new(),
        prelude: prelude.join("\n"),
        examples: Vec::new(),
        tests: String::new(),
        assume: None,
        properties: Vec::new(),
        uses: called.into_iter().filter(|c| intents.contains(c)).collect(),
        capabilities: Vec::new(),
        crates,
    })
}

/// The spec's description: the doc comment as written, else a `TODO`.
fn description_of(function: &Function) -> String {
    match function.doc.trim().is_empty() {
        true => super::eject::undocumented(&function.name),
        false => function.doc.clone(),
    }
}

/// The function run, confined, on its tests' calls and on generated inputs.
fn observe(runner: &GateRunner, spec: &Spec, function: &Function, root: &Path) -> Result<Vec<Observed>> {
    let plan = inputs::plan(spec).map_err(|why| {
        Error::setting_help(
            format!("`{}` cannot be run on generated inputs: {why}", function.name),
            "adopt needs to run the function to write its examples; write its spec by hand (`cargo intent new`)",
        )
    })?;
    let calls = calls::test_calls(root, &function.name, function.arity);
    let first = crate::judge::calls::inputs(&plan, &function.name, &calls);
    let code = [function.code.clone()];
    let tag = format!("{}-adopt", function.name);
    let gates_error = |e: std::io::Error| Error::setting(format!("cannot run the gates: {e}"));
    let mut verdicts = runner.check_with_inputs(spec, &code, &tag, &first).map_err(gates_error)?;
    let mut tests = first.len();
    if !matches!(verdicts.first(), Some(Verdict::Passed { behaviour: Some(_), .. })) && !first.is_empty() {
        // A test's arguments that do not build as the parameters' types
        // cost the harness: run on the generated inputs alone.
        verdicts = runner.check_with_inputs(spec, &code, &tag, &[]).map_err(gates_error)?;
        tests = 0;
    }
    match verdicts.pop() {
        Some(Verdict::Passed { behaviour: Some(b), .. }) => Ok(b
            .calls
            .into_iter()
            .zip(b.outcomes)
            .enumerate()
            .map(|(k, (call, outcome))| Observed { call, outcome, from_tests: k < tests })
            .collect()),
        Some(Verdict::Failed { gate, evidence, .. }) => Err(refused(&function.name, gate, &evidence)),
        _ => Err(Error::setting_help(
            format!("`{}` could not be run on generated inputs", function.name),
            "write its spec by hand (`cargo intent new`)",
        )),
    }
}

/// A gate's refusal of the function's code, as adopt reports it.
fn refused(name: &str, gate: crate::gate::Gate, evidence: &str) -> Error {
    use crate::gate::Gate;
    let help = match gate {
        Gate::Compile => "an intent sees only std, the package's crates and other intents: adopt the items of its file it uses first, or keep it outside intents",
        Gate::Policy => "a spec allows what the policy refuses by declaring the capability it names (`capabilities = [...]`): write that spec by hand, or keep the function outside intents",
        _ => "keep the function outside intents, or write its spec by hand (`cargo intent new`)",
    };
    Error::setting_help(format!("`{name}` fails the {} gate: {}", gate.name(), evidence.trim()), help)
}

/// One example to write: the call, and `Some(expression)` it returns or
/// `None` for a panic.
struct Written {
    call: String,
    returns: Option<String>,
    from_tests: bool,
}

/// `chosen` as examples, each answer checked to compile as the call's
/// result: as printed, else with its strings owned (`Some(String::from(…))`).
fn expectations(runner: &GateRunner, spec: &Spec, chosen: &[Observed]) -> Result<Vec<Written>> {
    let mut owned_first = false;
    let mut written = Vec::new();
    for o in chosen {
        let returns = match &o.outcome {
            CallOutcome::Value(v) => {
                let mut forms = [v.clone(), crate::judge::behaviour::owned_strings(v)];
                if owned_first {
                    forms.swap(0, 1);
                }
                let mut fits = None;
                for form in forms {
                    let error = runner
                        .check_answer(spec, &o.call, &form)
                        .map_err(|e| Error::setting(format!("cannot run the compiler: {e}")))?;
                    if error.is_none() {
                        fits = Some(form);
                        break;
                    }
                }
                let Some(form) = fits else { continue };
                owned_first = form != *v;
                Some(form)
            }
            _ => None,
        };
        written.push(Written {
            call: o.call.clone(),
            returns,
            from_tests: o.from_tests,
        });
    }
    Ok(written)
}

/// The spec file adopt writes.
fn spec_text(spec: &Spec, examples: &[Written], from: &str) -> String {
    let q = |s: &str| serde_json::Value::String(s.to_string()).to_string();
    let mut out = format!(
        "# Adopted from {from} by `cargo intent adopt`: the examples are what the\n\
         # function returned. Check them, and say more in the description.\n\
         signature = {}\n",
        q(&spec.signature)
    );
    // A literal string keeps the doc comment as written, backslashes and
    // all; the rare one holding `'''` is escaped instead.
    if spec.description.contains("'''") {
        out.push_str(&format!("description = {}\n", toml::Value::String(spec.description.clone())));
    } else {
        out.push_str(&format!("description = '''\n{}\n'''\n", spec.description));
    }
    if !spec.prelude.is_empty() {
        out.push_str(&format!("prelude = {}\n", q(&spec.prelude)));
    }
    let list = |names: &[String]| names.iter().map(|n| q(n)).collect::<Vec<_>>().join(", ");
    if !spec.uses.is_empty() {
        out.push_str(&format!("uses = [{}]\n", list(&spec.uses)));
    }
    if !spec.crates.is_empty() {
        out.push_str(&format!("crates = [{}]\n", list(&spec.crates)));
    }
    out.push_str("examples = [\n");
    for e in examples {
        match &e.returns {
            Some(value) => out.push_str(&format!("  {{ call = {}, expect = {} }},\n", q(&e.call), q(value))),
            None => out.push_str(&format!("  {{ call = {}, panics = true }},\n", q(&e.call))),
        }
    }
    out.push_str("]\n");
    out
}

/// Judges the function's code against the spec written at `spec_path`
/// through every gate and records it as adopted.
fn judge(
    project: &Project,
    intent_dir: &Path,
    runner: &GateRunner,
    spec_path: &Path,
    rel: &Path,
    function: &Function,
    used: &[crate::generate::Used],
) -> Result<()> {
    let text = std::fs::read_to_string(spec_path).map_err(|e| Error::io(rel, e))?;
    let spec = crate::spec::parse_str(&text, rel)?;
    let store = project.store(intent_dir);
    match super::hand::judge_and_record(runner, &store, &spec, &function.code, used, Author::Adopted)? {
        Ok(()) => Ok(()),
        Err((gate, evidence)) => Err(refused(&function.name, gate, &evidence)),
    }
}

/// `text` with the function's definition replaced by a `use` of the
/// intent, with a comment saying where it went (in the file's line
/// endings); in the crate root (`root`), where the intents are included,
/// by the comment alone.
fn replaced(text: &str, function: &Function, spec: &Path, root: bool) -> String {
    let name = &function.name;
    let note = format!(
        "// `{name}` is an intent now: {} (`cargo intent eject {name}` puts it back here).",
        spec.display()
    );
    let newline = super::eject::line_ending(text);
    let replacement = if root {
        note
    } else {
        let vis = if function.visibility.is_empty() { String::new() } else { format!("{} ", function.visibility) };
        format!("{note}{newline}{vis}use crate::{name};")
    };
    format!("{}{replacement}{}", &text[..function.span.start], &text[function.span.end..])
}

/// Refuses, before anything is written, a function whose file `eject`
/// could not give back byte for byte: `replaced` (the file after adopt)
/// restored from `spec` must be `text`. What differs is shown at its line
/// and column in the original.
fn check_round_trip(text: &str, replaced: &str, spec: &SpecFile, function: &Function, path: &Path) -> Result<()> {
    let back = super::eject::restore(replaced, spec, &function.code).unwrap_or_default();
    if back == text {
        return Ok(());
    }
    let at = text.bytes().zip(back.bytes()).take_while(|(a, b)| a == b).count();
    let at = (0..=at).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or_default().trim_end_matches('\r');
    let written = back[line_start..].lines().next().unwrap_or_default().trim_end_matches('\r');
    Err(Error::Spec(vec![SpecError {
        path: path.to_path_buf(),
        line: text[..line_start].matches('\n').count() + 1,
        column: text[line_start..at].chars().count() + 1,
        message: format!(
            "`cargo intent eject {}` could not give this back as written: it would write `{written}` for `{line}`",
            function.name
        ),
        expected: String::new(),
        help: Some(
            "write the doc comment as `///` lines, one space after each `///`, above the function's other attributes; then adopt again".into(),
        ),
    }]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Adopt's round-trip check on function `name` of `text`, with the spec
    /// adopt would write for it.
    fn round_trip(text: &str, name: &str) -> Result<()> {
        let file = source::parse(text).unwrap();
        let function = source::find(&file, text, name).unwrap();
        let spec = Spec {
            name: name.into(),
            signature: function.signature.clone(),
            description: description_of(&function),
            constraints: Vec::new(),
            prelude: String::new(),
            examples: Vec::new(),
            tests: String::new(),
            assume: None,
            properties: Vec::new(),
            uses: Vec::new(),
            capabilities: Vec::new(),
            crates: Vec::new(),
        };
        let example = Written { call: format!("{name}(1)"), returns: Some("2".into()), from_tests: false };
        let rel = PathBuf::from(format!("intents/{name}.intent.toml"));
        let toml = spec_text(&spec, &[example], "src/m.rs");
        let replaced = replaced(text, &function, &rel, false);
        assert!(!replaced.contains(&format!("fn {name}")), "{replaced}");
        check_round_trip(text, &replaced, &crate::spec::parse_str(&toml, &rel)?, &function, Path::new("src/m.rs"))
    }

    #[test]
    fn what_eject_gives_back_byte_for_byte_is_adopted() {
        let doc = "/// Twice `n`: see [the docs](https://example.com/a\\b).  \n/// A hard break above.\n///\n/// - a list\n///   wrapped\n///\n/// ````should_panic\n/// # use m::twice;\n/// assert_eq!(twice(1), 3);\n/// ````\n";
        let lf = format!("use std::fmt;\n\n{doc}#[inline]\n#[must_use]\nfn twice(n: i32) -> i32 {{\n    n * 2\n}}\n\npub fn other() {{}}");
        round_trip(&lf, "twice").unwrap();
        round_trip(&lf.replace('\n', "\r\n"), "twice").unwrap();
        round_trip("pub fn bare(n: i32) -> i32 {\n    n\n}\n", "bare").unwrap();
    }

    #[test]
    fn docs_eject_would_rewrite_are_refused_where_they_differ() {
        for (text, line, says) in [
            ("/** Twice. */\npub fn twice(n: i32) -> i32 { n * 2 }\n", 1, "`/** Twice. */`"),
            ("#[doc = \"Twice.\"]\npub fn twice(n: i32) -> i32 { n * 2 }\n", 1, "`#[doc = \"Twice.\"]`"),
            ("#[inline]\n/// Twice.\npub fn twice(n: i32) -> i32 { n * 2 }\n", 3, "write `/// Twice.` for `pub fn"),
            ("///Twice.\npub fn twice(n: i32) -> i32 { n * 2 }\n", 1, "`///Twice.`"),
            ("/// Twice.\n\n/// Really.\npub fn twice(n: i32) -> i32 { n * 2 }\n", 2, "for ``"),
        ] {
            let error = round_trip(text, "twice").unwrap_err().to_string();
            assert!(error.starts_with(&format!("src/m.rs:{line}:")), "{text:?}: {error}");
            assert!(error.contains(says), "{text:?}: {error}");
            assert!(error.contains("could not give this back as written"), "{error}");
            assert!(error.contains("help: write the doc comment as `///` lines"), "{error}");
        }
    }
}
