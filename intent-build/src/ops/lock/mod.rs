//! `cargo intent lock`: regenerates what is stale in one crate, as stages
//! over one context (`ctx.rs`), each in a file of its own and read top to
//! bottom in the run (`LockCtx::run`, below):
//!
//! 1. `plan.rs`: which intents, and what each needs — nothing (fresh), a
//!    pending result adopted, a refusal under `--locked`, its code judged
//!    again, or a model;
//! 2. `existing.rs`: code that needs no model — written by hand, adopted,
//!    or a user of an intent whose code changed — judged through the gates;
//! 3. `generate.rs`: the rest decoded and judged by workers, each accepted
//!    as soon as it passes, with its adequacy;
//! 4. `record.rs`: what became of each, into the summary and the report;
//!
//! then the same again for the users of what was recorded. [`settle`] is
//! what `cargo intent lock` does after the lock: questions, the page,
//! tightening.

mod ctx;
mod existing;
mod generate;
mod plan;
mod record;
pub mod settle;

use std::collections::BTreeSet;
use std::path::PathBuf;

pub use super::summary::{LockSummary, Note, Settled};
pub use crate::provider::factory::Cores;
pub use ctx::LockOptions;
use ctx::LockCtx;
pub(in crate::ops) use plan::Known;
use crate::env::Env;
use crate::error::Result;
use crate::progress::Progress;
use crate::project::Project;
use crate::report::{self, IntentReport};
use crate::state::State;

/// Regenerates what is stale in `project`, adopts pending results, and
/// records everything that passes its gates.
///
/// # Errors
///
/// Spec, lock or configuration errors; generation failures are reported in
/// the summary, not as errors.
pub fn lock(
    project: &Project,
    options: &LockOptions,
    env: &Env,
    progress: &Progress,
) -> Result<LockSummary> {
    let ctx = LockCtx {
        project,
        options,
        env,
        progress,
    };
    ctx.run(&mut BTreeSet::new())
}

impl LockCtx<'_> {
    /// The stages: select → triage → re-verify users → check specs →
    /// generate → record → the users of what was recorded, in a run of
    /// their own. `seen` holds the intents earlier runs handled.
    fn run(&self, seen: &mut BTreeSet<String>) -> Result<LockSummary> {
        let mut summary = LockSummary::default();
        let statuses = self.project.statuses()?;
        self.check_names(&statuses)?;
        let opts = self.options;
        if opts.names.is_empty() && !opts.locked && !opts.pending_only {
            for name in plan::prune(self.project, &statuses)? {
                summary.settle(name, Settled::Removed);
            }
        }
        let known = Known::of(&statuses);
        let triage = self.triage(statuses, &mut summary)?;
        if triage.generate.is_empty() && triage.reverify.is_empty() && triage.hand.is_empty() {
            return Ok(summary);
        }
        // No model call for code that could not be judged anyway.
        crate::sandbox::ensure(self.project.settings.sandbox_mode(self.env))?;
        let runner = self.project.gate_runner(self.env, &opts.intent_dir, None);
        let judged = triage.generate.iter();
        let judged = judged.chain(triage.reverify.iter().chain(&triage.hand).map(|s| &s.spec));
        // The build script's run (pending only) never reaches the
        // registry: its own cargo has downloaded the package's crates.
        let offline = opts.offline || opts.pending_only || self.env.offline();
        let runner = self.project.with_crates(runner, judged, &opts.intent_dir, offline)?;
        let mut work = triage.generate;
        work.extend(self.reverify(&runner, &known, triage.reverify, &mut summary)?);
        work.extend(self.judge_hand(&runner, &known, triage.hand, &mut summary)?);
        if work.is_empty() {
            return Ok(summary);
        }
        self.check_specs(&runner, &work)?;
        let generated = self.generate(&runner, &known, work, &mut summary)?;
        let reports = record::record(generated, &mut summary);
        // A run that settles answered questions continues the run that
        // asked them: one report for both.
        let report_path = write_run_report(opts, reports.clone(), !opts.answered.is_empty())?;
        summary.report = Some(report_path);
        seen.extend(reports.iter().map(|r| r.name.clone()));
        self.follow_users(seen, reports, &mut summary)?;
        Ok(summary)
    }

    /// Whether a Ctrl-C asked to stop.
    fn cancelled(&self) -> bool {
        self.options
            .cancel
            .as_ref()
            .is_some_and(|c| c.load(std::sync::atomic::Ordering::SeqCst))
    }

    /// Intents that use what was just recorded, and were not part of this
    /// run, are checked again with the new code (and regenerated only if
    /// that fails): a run of their own, in the same report.
    fn follow_users(
        &self,
        seen: &mut BTreeSet<String>,
        reports: Vec<IntentReport>,
        summary: &mut LockSummary,
    ) -> Result<()> {
        if self.cancelled() || self.options.pending_only {
            return Ok(());
        }
        let touched: Vec<String> = self
            .project
            .statuses()?
            .into_iter()
            .filter(|s| matches!(s.state, State::UsesChanged { .. }))
            .map(|s| s.spec.spec.name)
            .filter(|n| !seen.contains(n))
            .collect();
        if touched.is_empty() {
            return Ok(());
        }
        let later = LockOptions {
            names: touched,
            force: false,
            ..self.options.clone()
        };
        let ctx = LockCtx {
            options: &later,
            ..*self
        };
        summary.merge(ctx.run(seen)?);
        // One report for the whole run.
        write_run_report(self.options, reports, true).map(drop)
    }
}

/// Writes `reports` to `target/intent/report.json`, beside those of intents
/// it already holds when `keep_earlier` (a later part of the same run);
/// its path.
fn write_run_report(
    options: &LockOptions,
    reports: Vec<IntentReport>,
    keep_earlier: bool,
) -> Result<PathBuf> {
    let path = options.intent_dir.join("report.json");
    let mut all = reports;
    if keep_earlier {
        for report in report::read_report(&path).unwrap_or_default() {
            if !all.iter().any(|r| r.name == report.name) {
                all.push(report);
            }
        }
        all.sort_by(|a, b| a.name.cmp(&b.name));
    }
    report::write_report(&path, &all)?;
    Ok(path)
}

#[cfg(test)]
pub(super) mod test_crate {
    //! A crate in a temporary folder, for the stages' tests.

    use crate::ops::lock::{LockCtx, LockOptions};

    /// A crate with `manifest_extra` in its manifest and `specs` (name,
    /// TOML text) in `intents/`.
    pub(in crate::ops::lock) fn with(manifest_extra: &str, specs: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let manifest = format!("[package]\nname = \"p\"\nversion = \"0.1.0\"\nedition = \"2021\"\n{manifest_extra}");
        std::fs::write(dir.path().join("Cargo.toml"), manifest).unwrap();
        std::fs::create_dir_all(dir.path().join("intents")).unwrap();
        for (name, text) in specs {
            std::fs::write(dir.path().join(format!("intents/{name}.intent.toml")), text).unwrap();
        }
        dir
    }

    /// Options for a plain `cargo intent lock` of `dir`.
    pub(in crate::ops::lock) fn options(dir: &std::path::Path) -> LockOptions {
        LockOptions {
            names: Vec::new(),
            force: false,
            locked: false,
            offline: true,
            verbose: false,
            intent_dir: dir.join("target/intent"),
            cancel: None,
            pending_only: false,
            allow_behaviour_change: false,
            cores: crate::provider::factory::Cores::All,
            answered: Default::default(),
        }
    }

    /// Runs `f` with a context over the crate in `dir` under `options`.
    pub(in crate::ops::lock) fn in_ctx<R>(dir: &std::path::Path, options: &LockOptions, f: impl FnOnce(&LockCtx<'_>) -> R) -> R {
        let project = crate::project::Project::open("p", &dir.join("Cargo.toml")).unwrap();
        let (env, progress) = (crate::env::Env::default(), crate::progress::Progress::hidden());
        f(&LockCtx { project: &project, options, env: &env, progress: &progress })
    }
}
