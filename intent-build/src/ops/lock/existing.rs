//! Code a lock judges without a model: written by hand, left pending by an
//! earlier run, or accepted before and checked again because an intent it
//! uses changed; and the specs' own checks, before any model is asked.

use super::plan::Known;
use super::ctx::LockCtx;
use crate::ops::summary::{LockSummary, Settled};
use crate::error::{Error, Result};
use crate::generate::{self, uses};
use crate::judge::gates::GateRunner;
use crate::lockfile::{Author, Lockfile};
use crate::project::pinned_behaviour;
use crate::report::StoppedAt;
use crate::spec::SpecFile;
use crate::state::{IntentStatus, State};
use crate::store::{self, Store};

impl LockCtx<'_> {
    /// Code written by hand, judged through every gate with no model call
    /// and recorded when it passes. An edit that fails is refused with its
    /// evidence and left as it is; hand code that no longer fits a changed
    /// spec goes to the model. Returns the intents to generate.
    pub(super) fn judge_hand(
        &self,
        runner: &GateRunner,
        known: &Known,
        statuses: Vec<IntentStatus>,
        summary: &mut LockSummary,
    ) -> Result<Vec<SpecFile>> {
        let store = self.project.store(&self.options.intent_dir);
        let mut regenerate = Vec::new();
        for status in statuses {
            let name = status.spec.spec.name.clone();
            let path = crate::snapshot::snapshot_path(&self.project.specs_dir(), &name);
            let Some(snapshot) = crate::snapshot::Snapshot::read(&path)? else {
                regenerate.push(status.spec);
                continue;
            };
            let used = match uses::resolve(&status.spec.spec, None, &known.specs, &known.accepted) {
                Ok(used) => used,
                Err(by) => {
                    summary.settle(name, Settled::Blocked { by });
                    continue;
                }
            };
            let spec_changed = matches!(status.state, State::SpecChanged { .. });
            // Code adopted stays adopted when its spec changes; any other
            // edit is a person's.
            let author = match status.entry.as_ref().map(|e| e.author) {
                Some(Author::Adopted) if spec_changed => Author::Adopted,
                _ => Author::Hand,
            };
            match crate::ops::hand::judge_and_record(runner, &store, &status.spec, &snapshot.code, &used, author)? {
                Ok(()) => summary.settle(name, Settled::Hand),
                Err(_) if spec_changed => regenerate.push(status.spec),
                Err((gate, evidence)) => summary.settle(
                    name,
                    Settled::Failed {
                        at: StoppedAt::Gate(gate),
                        reason: format!(
                            "the code written by hand in {} fails: {evidence}",
                            path.strip_prefix(&self.project.root).unwrap_or(&path).display()
                        ),
                    },
                ),
            }
        }
        Ok(regenerate)
    }

    /// A verified result an earlier run left pending: kept for the build
    /// script, left to a reviewer, or recorded without a model call.
    pub(super) fn adopt(
        &self,
        store: &Store,
        spec: &SpecFile,
        pending: store::Pending,
        summary: &mut LockSummary,
    ) -> Result<()> {
        let name = spec.spec.name.clone();
        if self.options.pending_only {
            summary.code.insert(name.clone(), pending.code);
            summary.settle(name, Settled::KeptPending);
        } else if store.awaits_review(spec, &pending) {
            // Review mode: `lock` leaves a result to its reviewer.
            summary.settle(name, Settled::Pending);
        } else {
            store.adopt(spec, &pending)?;
            summary.code.insert(name.clone(), pending.code);
            summary.settle(name, Settled::Adopted);
        }
        Ok(())
    }

    /// A used intent's code changed: the user's accepted code, checked
    /// again with it, keeps its place unless it no longer passes. Returns
    /// the intents to generate after all.
    pub(super) fn reverify(
        &self,
        runner: &GateRunner,
        known: &Known,
        statuses: Vec<IntentStatus>,
        summary: &mut LockSummary,
    ) -> Result<Vec<SpecFile>> {
        let mut regenerate = Vec::new();
        for status in statuses {
            let name = status.spec.spec.name.clone();
            match (self.still_passes(runner, known, &status)?, self.options) {
                // The build script's run and CI write no lock: the code is
                // verified for this build, and recorded by the next `lock`.
                (Ok(_), opts) if opts.pending_only || self.env.ci => {
                    if let Some(snapshot) = &status.snapshot {
                        summary.code.insert(name.clone(), snapshot.code.clone());
                    }
                    let settled = if opts.pending_only {
                        Settled::KeptPending
                    } else {
                        Settled::Pending
                    };
                    summary.settle(name, settled);
                }
                (Ok(used), _) => {
                    let crates = runner.externs.versions(&status.spec.spec.crates);
                    Lockfile::update(&self.project.lockfile(), |lock| {
                        if let Some(entry) = lock.entries.get_mut(&name) {
                            entry.uses = generate::Used::hashes(&used);
                            entry.crates = crates;
                        }
                        Ok(())
                    })?;
                    summary.settle(name, Settled::Reverified);
                }
                (Err(why), opts) if opts.locked => {
                    let stale = format!(
                        "{}; checked again, it fails ({why})",
                        status.state.describe()
                    );
                    summary.settle(name, Settled::Refused { stale });
                }
                (Err(_), _) => regenerate.push(status.spec),
            }
        }
        Ok(regenerate)
    }

    /// Whether `status`'s accepted code passes with the used intents' code
    /// as it is now: the used intents, or why not.
    fn still_passes(
        &self,
        runner: &GateRunner,
        known: &Known,
        status: &IntentStatus,
    ) -> Result<std::result::Result<Vec<generate::Used>, String>> {
        let used = uses::resolve(&status.spec.spec, None, &known.specs, &known.accepted);
        Ok(match (used, &status.snapshot) {
            (Ok(used), Some(snapshot)) => {
                let name = &status.spec.spec.name;
                let pinned = pinned_behaviour(&self.project.specs_dir(), name);
                uses::reverify(runner, &status.spec, &snapshot.code, &used, pinned.as_ref())
                    .map_err(|e| Error::io(&self.options.intent_dir, e))?
                    .map(|()| used)
            }
            (Err(blocker), _) => Err(format!("`{blocker}` has no accepted code")),
            (_, None) => Err("no accepted code".into()),
        })
    }

    /// A spec whose `assume` or properties do not compile, or whose
    /// description is still a `TODO` (as `adopt` leaves an undocumented
    /// function's), is an error in the spec, found before any model is asked.
    pub(super) fn check_specs(&self, runner: &GateRunner, work: &[SpecFile]) -> Result<()> {
        let mut errors = Vec::new();
        for spec in work {
            errors.extend(self.todo_description(spec));
            errors.extend(
                runner
                    .check_spec(spec)
                    .map_err(|e| Error::io(&self.options.intent_dir, e))?,
            );
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Error::Spec(errors))
        }
    }

    /// The error for a description that only says `TODO`: a model would
    /// have nothing to go on.
    fn todo_description(&self, spec: &SpecFile) -> Option<crate::error::SpecError> {
        if !spec.spec.description.trim_start().starts_with("TODO") {
            return None;
        }
        let text = std::fs::read_to_string(self.project.root.join(&spec.path)).unwrap_or_default();
        let (line, column) = text
            .lines()
            .enumerate()
            .find_map(|(i, l)| l.find("TODO").map(|c| (i + 1, l[..c].chars().count() + 1)))
            .unwrap_or((1, 1));
        let at = crate::spec::Location { line, column };
        let error = spec.error_at(at, "the description is a TODO: a model cannot write the function from it", "what the function must do");
        Some(error.with_help(format!("say what `{}` must do, in words and with its edge cases", spec.spec.name)))
    }
}

#[cfg(test)]
mod tests {
    use crate::ops::lock::test_crate;

    #[test]
    fn a_todo_description_is_a_located_spec_error_before_any_model() {
        let todo = "signature = \"pub fn f() -> i32\"\n\ndescription = \"\"\"\n  TODO: say what `f` must do.\n\"\"\"\nexamples = [{ call = \"f()\", expect = \"1\" }]\n";
        let said = "signature = \"pub fn g() -> i32\"\ndescription = \"One.\"\nexamples = [{ call = \"g()\", expect = \"1\" }]\n";
        let dir = test_crate::with("", &[("f", todo), ("g", said)]);
        let options = test_crate::options(dir.path());
        test_crate::in_ctx(dir.path(), &options, |ctx| {
            let specs = ctx.project.specs().unwrap();
            let error = ctx.todo_description(&specs[0]).expect("a TODO is refused").to_string();
            assert!(error.starts_with("intents/f.intent.toml:4:3: the description is a TODO"), "{error}");
            assert!(error.contains("help: say what `f` must do"), "{error}");
            assert!(ctx.todo_description(&specs[1]).is_none());
        });
    }
}
