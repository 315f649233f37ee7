//! `cargo intent diff NAME`: the pending (or newest) candidate against the
//! accepted code, as a unified diff.

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::Args;
use intent_build::project::Project;

use super::Status;
use crate::cli::Global;

/// `cargo intent diff NAME`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The intent
    pub name: String,
}

pub fn exec(global: &Global, args: &DiffArgs) -> Result<Status> {
    let ws = crate::workspace::load(global)?;
    for package in &ws.packages {
        let project =
            Project::open(&package.name, &package.manifest)?.with_spec_cache(ws.intent_dir());
        let Some(status) = project
            .statuses()?
            .into_iter()
            .find(|s| s.spec.spec.name == args.name)
        else {
            continue;
        };
        let store = project.store(&ws.intent_dir());
        let accepted = status.snapshot.map(|s| s.code).unwrap_or_default();
        let (label, candidate) = match store.pending(&status.spec) {
            Some(pending) => ("pending".to_string(), pending.code),
            None => match newest_candidate(
                &ws.intent_dir().join("scratch").join(&package.name),
                &args.name,
            ) {
                Some((path, code)) => (path.display().to_string(), code),
                None => bail!(
                    "intent `{}` has no pending or generated candidate; run `cargo intent lock {}`",
                    args.name,
                    args.name
                ),
            },
        };
        let diff = similar::TextDiff::from_lines(
            &format!("{}\n", accepted.trim_end()),
            &format!("{}\n", candidate.trim_end()),
        )
        .unified_diff()
        .header(&format!("accepted/{}", args.name), &label)
        .to_string();
        out!("{diff}")?;
        return Ok(if diff.is_empty() {
            Status::Ok
        } else {
            Status::Failed
        });
    }
    bail!(
        "no intent named `{}`; `cargo intent status` lists them",
        args.name
    )
}

/// The most recent candidate the gates saw for `name`.
fn newest_candidate(scratch: &std::path::Path, name: &str) -> Option<(PathBuf, String)> {
    let mut newest: Option<(std::time::SystemTime, PathBuf)> = None;
    for entry in std::fs::read_dir(scratch).ok()?.flatten() {
        let dir_name = entry.file_name().to_string_lossy().to_string();
        if !dir_name.starts_with(&format!("{name}-r")) {
            continue;
        }
        let path = entry.path().join("candidate.rs");
        let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok()?;
        if newest.as_ref().is_none_or(|(t, _)| modified > *t) {
            newest = Some((modified, path));
        }
    }
    let (_, path) = newest?;
    let code = std::fs::read_to_string(&path).ok()?;
    Some((path, code))
}
