//! The operations behind `cargo intent new`, `show`, `diff`, `accept`,
//! `status`, `lock`, `verify` and `watch`, with typed results: each command
//! parses its arguments, calls one of these and prints what it returns
//! (`lock --check` is [`Project::check`]).

pub mod adopt;
pub mod asker;
pub mod eject;
pub mod hand;
pub mod lock;
pub mod models;
pub mod questions;
pub mod tighten;
mod summary;
mod verify;

pub use verify::{verify, Pin, Rerun, Verified, VerifyOutcome};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::env::Env;
use crate::error::{Error, Result};
use crate::judge::behaviour::{Behaviour, Change};
use crate::lockfile::Author;
use crate::report::{read_report, IntentReport};
use crate::project::{staleness, Project, Stale};
use crate::state::IntentStatus;

/// `cargo intent new NAME --signature SIG`: writes `SPECS_DIR/NAME.intent.toml`
/// from a template whose name and signature are checked as `lock` would.
///
/// # Errors
///
/// [`Error::Spec`] for a bad name or signature, [`Error::Setting`] when the
/// file exists, [`Error::Io`] when it cannot be written.
pub fn new_spec(project: &Project, name: &str, signature: &str) -> Result<PathBuf> {
    let path = project.specs_dir().join(format!("{name}.intent.toml"));
    if path.exists() {
        return Err(Error::setting_help(
            format!("{} already exists", path.display()),
            format!("edit it, or choose another name than `{name}`"),
        ));
    }
    let quoted = |s: &str| serde_json::Value::String(s.to_string()).to_string();
    let text = format!(
        "signature = {}\n\
         description = \"\"\"TODO: say what `{name}` must do, including edge cases.\"\"\"\n\
         constraints = [\"Use only std.\", \"Never panic.\"]\n\
         # Each example becomes a test: `expect` is a Rust expression, or use `panics = true`.\n\
         examples = [\n  {{ call = \"{name}(/* arguments */)\", expect = \"/* expected value */\" }},\n]\n",
        quoted(signature),
    );
    // Check the signature and name now, with the errors `lock` would give;
    // the placeholder example is the user's to fill in.
    crate::spec::check_signature(&text, &path)?;
    let dir = project.specs_dir();
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    crate::files::write_atomic(&path, text.as_bytes())?;
    Ok(path)
}

/// Where an intent was looked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found<T> {
    /// The intent, and what was asked of it.
    Intent(T),
    /// The intent exists but has no accepted code yet.
    NoCode,
    /// No intent of that name in the crate.
    Missing,
}

/// `cargo intent show NAME`: the accepted code.
///
/// # Errors
///
/// Spec errors, or a snapshot that cannot be read.
pub fn show(project: &Project, name: &str) -> Result<Found<String>> {
    let Some(status) = status_of(project, name)? else {
        return Ok(Found::Missing);
    };
    Ok(status
        .snapshot
        .map_or(Found::NoCode, |snapshot| Found::Intent(snapshot.code)))
}

/// Intent `name`'s spec, lock entry, snapshot and state, if it exists.
fn status_of(project: &Project, name: &str) -> Result<Option<IntentStatus>> {
    Ok(project
        .statuses()?
        .into_iter()
        .find(|s| s.spec.spec.name == name))
}

/// The code `cargo intent diff` compares the accepted code with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Against {
    /// The result waiting for review.
    Pending,
    /// The newest candidate the gates judged.
    Candidate,
}

impl Against {
    /// Its name in the diff's header.
    pub fn name(self) -> &'static str {
        match self {
            Against::Pending => "pending",
            Against::Candidate => "candidate",
        }
    }
}

/// A candidate against the accepted code.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CodeDiff {
    /// Which code the accepted code is compared with.
    pub against: Against,
    /// The unified diff (empty when they are the same).
    pub diff: String,
    /// Where the pending result's behaviour differs from the pinned
    /// behaviour (before: accepted, after: pending).
    pub behaviour: Vec<Change>,
}

/// `cargo intent diff NAME`: the pending result, else the newest candidate
/// the gates judged, against the accepted code (empty if none).
///
/// # Errors
///
/// Spec errors, or a snapshot that cannot be read.
pub fn diff(project: &Project, intent_dir: &Path, name: &str) -> Result<Found<CodeDiff>> {
    let Some(status) = status_of(project, name)? else {
        return Ok(Found::Missing);
    };
    let accepted = status.snapshot.map(|s| s.code).unwrap_or_default();
    let mut behaviour = Vec::new();
    let (label, candidate) = match project.store(intent_dir).pending(&status.spec) {
        Some(pending) => {
            let pinned = crate::project::pinned_behaviour(&project.specs_dir(), name);
            let new = pending.behaviour.as_deref().and_then(Behaviour::parse);
            if let (Some(old), Some(new)) = (pinned, new) {
                behaviour = old.differences(&new, false);
            }
            (Against::Pending, pending.code)
        }
        None => match newest_candidate(&intent_dir.join("report.json"), name) {
            Some(code) => (Against::Candidate, code),
            None => return Ok(Found::NoCode),
        },
    };
    let diff = similar::TextDiff::from_lines(
        &format!("{}\n", accepted.trim_end()),
        &format!("{}\n", candidate.trim_end()),
    )
    .unified_diff()
    .header(&format!("accepted/{name}"), label.name())
    .to_string();
    Ok(Found::Intent(CodeDiff {
        against: label,
        diff,
        behaviour,
    }))
}

/// The code of the last candidate the gates judged for `name`, from the
/// report of the last generation.
fn newest_candidate(report: &Path, name: &str) -> Option<String> {
    let reports = read_report(report)?;
    let intent = reports.into_iter().find(|r| r.name == name)?;
    let round = intent.rounds.last()?;
    let chosen = round
        .candidates
        .iter()
        .find(|c| c.accepted)
        .or_else(|| round.candidates.iter().find(|c| c.code.is_some()))?;
    chosen.code.clone()
}

/// `cargo intent accept [NAME…]`: records every pending result (of `names`,
/// or all) without a model; the names recorded.
///
/// # Errors
///
/// Spec errors, or a lock or snapshot that cannot be written.
pub fn accept(project: &Project, intent_dir: &Path, names: &[String]) -> Result<Vec<String>> {
    let store = project.store(intent_dir);
    let mut accepted = Vec::new();
    for spec in project.specs()? {
        if !names.is_empty() && !names.contains(&spec.spec.name) {
            continue;
        }
        if let Some(pending) = store.pending(&spec) {
            store.adopt(&spec, &pending)?;
            accepted.push(spec.spec.name.clone());
        }
    }
    Ok(accepted)
}

/// One intent's row in `cargo intent status`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct StatusRow {
    /// The package.
    pub package: String,
    /// The intent.
    pub intent: String,
    /// `None` when fresh; written as its label (`fresh`, `stale: spec`,
    /// `stale: model`, `missing`, `edited`, …).
    #[serde(serialize_with = "state_label")]
    pub state: Option<Stale>,
    /// Who wrote the accepted code, if any: its model's name, or `by hand`.
    pub model: Option<String>,
    /// The gates it passed.
    pub gates: Vec<String>,
    /// Seconds the last generation took, when the report has it.
    pub last_generation_seconds: Option<f64>,
    /// How many passing candidates behaved as the accepted code, of how
    /// many, when it was accepted (from its pinned behaviour file).
    pub agreement: Option<(usize, usize)>,
    /// What the spec allows the code beyond computing (`capabilities`).
    pub capabilities: Vec<String>,
    /// What vouched for the accepted code, from its lock entry.
    pub confidence: Option<crate::lockfile::Confidence>,
    /// Its seed's bytes over its code's, when it has accepted code.
    pub compression: Option<crate::compression::Compression>,
}

impl StatusRow {
    /// Whether the accepted code can be used as it is.
    pub fn is_fresh(&self) -> bool {
        self.state.is_none()
    }

    /// Its state's label: `fresh`, `stale: spec`, `stale: model`, …
    pub fn state_label(&self) -> &'static str {
        self.state.as_ref().map_or("fresh", Stale::label)
    }
}

/// `cargo intent status`: a row per intent, from specs, the lock, the
/// snapshots and the last report (`intent_dir/report.json`); no model.
///
/// # Errors
///
/// Spec errors, or a lock or snapshot that cannot be read.
pub fn status(project: &Project, env: &Env, intent_dir: &Path) -> Result<Vec<StatusRow>> {
    let reports: Vec<IntentReport> =
        read_report(&intent_dir.join("report.json")).unwrap_or_default();
    let expectation = project.expectation(env, intent_dir)?;
    Ok(project
        .statuses()?
        .into_iter()
        .map(|status| {
            let name = status.spec.spec.name.clone();
            let stale = staleness(&status, &expectation);
            StatusRow {
                package: project.name.clone(),
                state: stale.map(|s| s.stale),
                model: status.entry.as_ref().map(|e| match e.author {
                    Author::Model => e.model.name.clone(),
                    Author::Hand => "by hand".to_string(),
                    Author::Adopted => "adopted".to_string(),
                }),
                gates: status
                    .entry
                    .as_ref()
                    .map(|e| e.gates.clone())
                    .unwrap_or_default(),
                last_generation_seconds: reports
                    .iter()
                    .find(|r| r.name == name)
                    .map(IntentReport::seconds),
                agreement: std::fs::read_to_string(crate::snapshot::behaviour_path(
                    &project.specs_dir(),
                    &name,
                ))
                .ok()
                .and_then(|text| Behaviour::agreement_in(&text)),
                confidence: status.entry.as_ref().and_then(|e| e.confidence),
                compression: compression(project, &status),
                capabilities: status
                    .spec
                    .spec
                    .capabilities
                    .iter()
                    .map(|c| c.name().to_string())
                    .collect(),
                intent: name,
            }
        })
        .collect())
}

/// The seed's compression of `status`'s accepted code, when it has some.
pub fn compression(project: &Project, status: &crate::state::IntentStatus) -> Option<crate::compression::Compression> {
    let (entry, snapshot) = (status.entry.as_ref()?, status.snapshot.as_ref()?);
    let spec = std::fs::read_to_string(project.root.join(&status.spec.path)).ok()?;
    Some(crate::compression::Compression::of(&spec, entry, &snapshot.code))
}

/// Every spec file under `specs_dir` (subfolders too, as discovery finds
/// them) with its bytes: `cargo intent watch` regenerates when this changes.
/// An unreadable folder counts as empty, so it shows up as a change.
pub fn specs_fingerprint(specs_dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    crate::spec::spec_files(specs_dir)
        .unwrap_or_default()
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap_or_default();
            (path, bytes)
        })
        .collect()
}

/// A status row's state as its label (`fresh` when there is nothing stale).
fn state_label<S: serde::Serializer>(
    state: &Option<Stale>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(state.as_ref().map_or("fresh", Stale::label))
}
