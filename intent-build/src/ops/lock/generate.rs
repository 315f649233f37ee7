//! The intents a lock hands to the model: decoded and judged by workers,
//! an intent after the intents it uses, each accepted as soon as it passes
//! (so an interruption loses no finished work), with its adequacy judged.

use std::sync::Mutex;

use super::plan::Known;
use super::record::Generated;
use super::ctx::LockCtx;
use crate::ops::summary::{LockSummary, Note};
use crate::error::{Error, Result};
use crate::generate::{self, uses, Options, Phase};
use crate::judge;
use crate::judge::behaviour::Change;
use crate::judge::gates::GateRunner;
use crate::project::pinned_behaviour;
use crate::provider::router::Router;
use crate::report::IntentReport;
use crate::snapshot::output_hash;
use crate::spec::SpecFile;
use crate::store::{Accepted, Store};

impl LockCtx<'_> {
    /// Generates `work` on as many workers as the first provider serves at
    /// once, an intent after the intents it uses. Each verified result is
    /// accepted as soon as it exists (under the crate's lock), so an
    /// interruption later loses no finished work.
    pub(super) fn generate(
        &self,
        runner: &GateRunner,
        known: &Known,
        work: Vec<SpecFile>,
        summary: &mut LockSummary,
    ) -> Result<Vec<Generated>> {
        let opts = self.options;
        let router = self.project.router(
            self.env,
            &opts.intent_dir,
            opts.offline,
            opts.verbose,
            opts.cores,
        )?;
        // Every server down: one error naming each, before any intent.
        router.reachable().map_err(|e| Error::Model {
            message: e.to_string(),
            help: Some("start the model servers, or fix their URLs in [package.metadata.intent]".into()),
        })?;
        let workers = router
            .providers()
            .first()
            .map_or(1, |p| p.concurrency())
            .min(std::thread::available_parallelism().map_or(1, |n| n.get()))
            .min(work.len())
            .max(1);
        self.progress.start_run(work.len());
        let worker = Worker {
            ctx: self,
            runner,
            known,
            router: &router,
            queue: uses::Queue::new(work),
            options: self.project.generation_options(),
            store: self.project.store(&opts.intent_dir),
            generated: Mutex::new(Vec::new()),
            changes: Mutex::new(Vec::new()),
        };
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| worker.work());
            }
        });
        let mut changes = into_inner(worker.changes);
        changes.sort();
        summary.notes.extend(
            changes
                .into_iter()
                .map(|(name, changes)| (name, Note::BehaviourChanged(changes))),
        );
        let mut generated = into_inner(worker.generated);
        generated.sort_by(|a, b| a.spec.spec.name.cmp(&b.spec.spec.name));
        Ok(generated)
    }

    /// Whether regenerated code may behave otherwise than the behaviour
    /// pinned at its last acceptance when only the model changed — the one
    /// place `--allow-behaviour-change` takes effect: when asked for, or in
    /// review mode, where the change waits for the reviewer (who sees it in
    /// `cargo intent diff`) instead of being refused. Otherwise the pinned
    /// behaviour must be kept.
    pub(super) fn behaviour_change_allowed(&self) -> bool {
        self.options.allow_behaviour_change || self.project.settings.review
    }
}

/// A lock's generation worker: takes intents off the queue until it is
/// empty or the run is cancelled.
struct Worker<'a> {
    ctx: &'a LockCtx<'a>,
    runner: &'a GateRunner,
    known: &'a Known,
    router: &'a Router,
    queue: uses::Queue,
    options: Options,
    store: Store,
    generated: Mutex<Vec<Generated>>,
    changes: Mutex<Vec<(String, Vec<Change>)>>,
}

impl Worker<'_> {
    fn work(&self) {
        while !self.ctx.cancelled() {
            let Some(spec) = self.queue.next() else {
                break;
            };
            let generated = match uses::resolve(
                &spec.spec,
                Some(&self.queue),
                &self.known.specs,
                &self.known.accepted,
            ) {
                Ok(used) => self.one(spec, used),
                Err(blocker) => {
                    self.queue.finish(&spec.spec.name, None);
                    let report = IntentReport::blocked(&spec.spec.name, &blocker);
                    let bar = self.ctx.progress.intent(&spec.spec.name);
                    bar.finish(false, report.reason.as_deref());
                    Some(Generated {
                        spec,
                        report,
                        accepted: None,
                    })
                }
            };
            match generated {
                Some(generated) => guard_ignoring_poison(&self.generated).push(generated),
                None => break,
            }
        }
    }

    /// Generates one intent and keeps what passed; `None` when the run was
    /// cancelled meanwhile.
    fn one(&self, spec: SpecFile, used: Vec<generate::Used>) -> Option<Generated> {
        let name = spec.spec.name.clone();
        let bar = self.ctx.progress.intent(&name);
        let phase = |p: Phase| bar.phase(&p);
        let pinned = pinned_behaviour(&self.ctx.project.specs_dir(), &name);
        let same_spec = self.known.locked_specs.get(&name) == Some(&spec.hash);
        let options = Options {
            pinned: pinned.clone().filter(|_| same_spec && !self.ctx.behaviour_change_allowed()),
            used,
            answered: self.ctx.options.answered.get(&name).cloned(),
            ..self.options.clone()
        };
        let (mut report, mut candidate) =
            generate::generate(&spec, self.router, self.runner, &options, &phase);
        if let Some(accepted) = candidate.as_mut() {
            self.judge_adequacy(&spec, &options.used, accepted, &mut report);
        }
        let new = candidate.as_ref().and_then(|c| c.behaviour.as_ref());
        if let (Some(old), Some(new), false) = (&pinned, new, same_spec) {
            let changes = old.differences(new, false);
            if !changes.is_empty() {
                report.behaviour_change = changes.clone();
                guard_ignoring_poison(&self.changes).push((name.clone(), changes));
            }
        }
        bar.finish(candidate.is_some(), report.reason.as_deref());
        if self.ctx.cancelled() {
            self.queue.finish(&name, None);
            self.queue.clear();
            return None;
        }
        let accepted = candidate.map(|mut c| {
            c.crates = self.runner.externs.versions(&spec.spec.crates);
            self.keep(&spec, c)
        });
        // Users of this intent are compiled with its new code.
        let code = match &accepted {
            Some(Ok((_, code))) => Some((code.clone(), output_hash(code))),
            _ => None,
        };
        self.queue.finish(&name, code);
        Some(Generated {
            spec,
            report,
            accepted,
        })
    }

    /// Judges how much of `accepted`'s behaviour the spec pins down (its
    /// mutants, in one batch) into its report and confidence; a failure to
    /// run them costs only the figure.
    fn judge_adequacy(
        &self,
        spec: &SpecFile,
        used: &[generate::Used],
        accepted: &mut judge::PassingCandidate,
        report: &mut IntentReport,
    ) {
        let gated = generate::gated(spec, used);
        let behaviour = accepted.behaviour.as_ref();
        let Ok(Some(adequacy)) =
            judge::mutants::adequacy(self.runner, &gated.spec, &accepted.code, behaviour)
        else {
            return;
        };
        let figure = (adequacy.ruled_out, adequacy.ruled_out + adequacy.open.len());
        if let Some(confidence) = accepted.confidence.as_mut() {
            confidence.adequacy = Some(figure);
            report.confidence = Some(*confidence);
        }
        report.adequacy = Some(adequacy);
    }

    /// Records a verified candidate, or keeps it pending for the build.
    fn keep(&self, spec: &SpecFile, candidate: judge::PassingCandidate) -> Result<(Accepted, String)> {
        let ctx = self.ctx;
        let outcome = if ctx.options.pending_only {
            self.store
                .save_pending(spec, &candidate, false)
                .map(|_| Accepted::Kept)
        } else {
            let review = ctx.project.settings.review;
            self.store.accept(spec, &candidate, review, ctx.env.ci)
        };
        outcome.map(|a| (a, candidate.code))
    }
}

fn guard_ignoring_poison<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

fn into_inner<T>(mutex: Mutex<T>) -> T {
    mutex.into_inner().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use crate::ops::lock::test_crate;

    #[test]
    fn a_behaviour_change_is_allowed_when_asked_for_or_left_to_a_reviewer() {
        for (manifest, asked, allowed) in [
            ("", false, false),
            ("", true, true),
            ("\n[package.metadata.intent]\nreview = true\n", false, true),
        ] {
            let dir = test_crate::with(manifest, &[]);
            let mut options = test_crate::options(dir.path());
            options.allow_behaviour_change = asked;
            let got = test_crate::in_ctx(dir.path(), &options, |ctx| ctx.behaviour_change_allowed());
            assert_eq!(got, allowed, "{manifest:?} asked={asked}");
        }
    }
}
