//! `cargo intent lock --build-script`: what a build script hands over when
//! it may not regenerate itself (`intent_build::handoff`).

use anyhow::{Context, Result};
use intent_build::env::Env;
use intent_build::handoff::HandoffLine;
use intent_build::manifest::CratePaths;
use intent_build::ops;
use intent_build::ops::lock::{Cores, LockOptions, Settled};
use intent_build::progress::Progress;
use intent_build::project::Project;

use super::args::{lock_options, LockArgs};
use crate::exit::Status;
use crate::global::Global;
use crate::workspace::{Package, Workspace};

/// Regenerates the named intents of one crate whose
/// paths are given, keep the results pending (or record them with
/// `update-lock = true`), print each verified intent's code as a JSON line.
pub fn exec(global: &Global, args: &LockArgs) -> Result<Status> {
    let given = |what: &Option<std::path::PathBuf>, flag: &str| {
        what.clone()
            .with_context(|| format!("--build-script needs {flag}"))
    };
    let h = &args.handoff;
    let manifest = given(&global.manifest_path, "--manifest-path")?;
    let intent_dir = given(&h.intent_dir, "--intent-dir")?;
    let package = Package {
        name: h
            .package_name
            .clone()
            .context("--build-script needs --package-name")?,
        manifest: manifest.clone(),
    };
    let root = manifest.parent().unwrap_or(std::path::Path::new("."));
    let paths = CratePaths::with(root, h.specs_dir.as_deref(), h.lockfile.as_deref());
    let project = Project::open(&package.name, &manifest)?.with_paths(paths);
    let ws = Workspace {
        packages: vec![package],
        target_dir: intent_dir.parent().map(Into::into).unwrap_or_default(),
    };
    let options = LockOptions {
        intent_dir,
        pending_only: !project.settings.update_lock,
        // cargo compiles other crates beside a build script.
        cores: Cores::Half,
        ..lock_options(global, &ws, args)
    };
    let env = Env::from_process()?;
    let summary = ops::lock::lock(&project, &options, &env, &Progress::new(global.quiet))?;
    if let Some(json) = &summary.report {
        intent_build::page::write(&project, json)?;
    }
    for (name, code) in &summary.code {
        let line = HandoffLine {
            name: name.clone(),
            code: code.clone(),
            recorded: !summary.is(name, |s| *s == Settled::KeptPending),
        };
        outln!("{}", serde_json::to_string(&line)?)?;
    }
    crate::summary::print_failures("", &summary);
    for (name, _) in summary.questions() {
        eprintln!("error: intent `{name}`: the passing candidates disagree or too few agree; `cargo intent lock {name}` asks which answers are right");
    }
    Ok(if summary.is_success() {
        Status::Ok
    } else {
        Status::Failed
    })
}
