//! `cargo intent lock`: regenerates what is stale in one crate, as a short
//! sequence of stages over one `LockCtx` — select the intents, triage
//! them (fresh, pending, refused, to re-verify, to generate), re-verify the
//! users of changed intents, check the specs, generate, record — then the
//! same again for the users of what was recorded.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Mutex;

use crate::env::Env;
use crate::error::{Error, Result};
use crate::lock::Lockfile;
use crate::store::{self, Accepted, Store};
use crate::judge::behaviour::Change;
use crate::judge::gates::GateRunner;
use crate::generate::replay::Answered;
use crate::generate::uses;
use crate::generate::{self, Options, Phase};
use crate::judge;
use crate::report::{self, IntentOutcome, IntentReport, StoppedAt};
use crate::progress::Progress;
use crate::project::{pinned_behaviour, staleness, Project};
use crate::provider::router::Router;
use crate::provider::settings::Cores;
use crate::snapshot::output_hash;
use crate::spec::{Spec, SpecFile};
use crate::state::{IntentStatus, State};

/// An intent that failed: where, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// The intent.
    pub name: String,
    /// Where its generation stopped.
    pub at: StoppedAt,
    /// Why, one line.
    pub reason: String,
}

/// A stale intent `--locked` kept from being regenerated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// The intent.
    pub name: String,
    /// Why it is stale (what changed since it was accepted).
    pub stale: String,
}

/// An intent not generated because one it uses has no accepted code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocked {
    /// The intent.
    pub name: String,
    /// The intent it uses that has no accepted code.
    pub by: String,
}

impl std::fmt::Display for Blocked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "it uses `{}`, which has no accepted code",
            self.by
        )
    }
}

/// How `cargo intent lock` runs.
#[derive(Debug, Clone)]
pub struct LockOptions {
    /// Only these intents (all when empty).
    pub names: Vec<String>,
    /// Regenerate fresh intents too.
    pub force: bool,
    /// Fail instead of regenerating.
    pub locked: bool,
    /// Only providers without network.
    pub offline: bool,
    /// llama.cpp logs.
    pub verbose: bool,
    /// `target/intent`.
    pub intent_dir: PathBuf,
    /// Set (e.g. by a Ctrl-C handler) to stop before the next intent or
    /// acceptance; what was accepted stays, nothing is half-written.
    pub cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// Keep verified results pending under `target/intent/pending/` instead
    /// of recording them, and touch neither the lock nor the snapshots: what
    /// `cargo build` asks for (unless `update-lock = true`).
    pub pending_only: bool,
    /// Accept code whose behaviour differs from the pinned behaviour when
    /// only the model changed.
    pub allow_behaviour_change: bool,
    /// The cores an embedded model decodes with: all of them for
    /// `cargo intent lock`, half for a build script's handoff.
    pub cores: Cores,
    /// Intents whose question the user answered (the answer is in the spec
    /// now): their earlier passing candidates are judged again before
    /// anything is decoded.
    pub answered: BTreeMap<String, Answered>,
}

/// What `lock` did.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct LockSummary {
    /// Fresh and untouched.
    pub fresh: Vec<String>,
    /// Regenerated and recorded.
    pub recorded: Vec<String>,
    /// Regenerated with the same code and behaviour.
    pub unchanged: Vec<String>,
    /// Pending results adopted without a model call.
    pub adopted: Vec<String>,
    /// Waiting for review as `NAME.snap.new`.
    pub pending: Vec<String>,
    /// Stale and refused by `--locked`: (name, reason).
    pub refused: Vec<Refused>,
    /// Failed: where and why.
    pub failed: Vec<Failure>,
    /// `target/intent/report.json`, when anything was generated.
    pub report: Option<PathBuf>,
    /// Lock entries (and their snapshots) removed because their spec is gone.
    pub removed: Vec<String>,
    /// Verified results kept pending ([`LockOptions::pending_only`]),
    /// generated now or by an earlier run.
    pub kept_pending: Vec<String>,
    /// The verified code of every intent regenerated, adopted or kept
    /// pending by this run, by name.
    pub code: std::collections::BTreeMap<String, String>,
    /// Intents whose used intents' code changed, checked again with it and
    /// still passing: their lock entries now record that code, no model asked.
    pub reverified: Vec<String>,
    /// Intents not generated because an intent they use has no accepted
    /// code.
    pub blocked: Vec<Blocked>,
    /// Intents judged on their examples alone: (name, why no inputs could
    /// be generated).
    pub unchecked: Vec<(String, String)>,
    /// Intents whose passing candidates disagreed: the question to answer.
    pub questions: Vec<(String, crate::report::Question)>,
    /// For each intent asked about, its passing candidates: what
    /// [`LockOptions::answered`] judges again once the user has answered.
    pub judged: BTreeMap<String, Answered>,
    /// Intents recorded with behaviour other than what was pinned before
    /// (their spec changed), with where.
    pub behaviour_changes: Vec<(String, Vec<Change>)>,
    /// Intents accepted (recorded, unchanged or pending) on
    /// [`Support::Thin`](crate::lock::Support::Thin) evidence, with what
    /// vouched for them: what to review first.
    pub thin: Vec<(String, crate::lock::Confidence)>,
}

impl LockSummary {
    /// Whether anything is left stale or failed.
    pub fn is_success(&self) -> bool {
        self.failed.is_empty()
            && self.refused.is_empty()
            && self.questions.is_empty()
            && self.blocked.is_empty()
    }

    /// Adds what a follow-up run (the users of what this run recorded) did.
    fn merge(&mut self, later: LockSummary) {
        self.recorded.extend(later.recorded);
        self.unchanged.extend(later.unchanged);
        self.adopted.extend(later.adopted);
        self.pending.extend(later.pending);
        self.refused.extend(later.refused);
        self.failed.extend(later.failed);
        self.kept_pending.extend(later.kept_pending);
        self.code.extend(later.code);
        self.reverified.extend(later.reverified);
        self.blocked.extend(later.blocked);
        self.unchecked.extend(later.unchecked);
        self.questions.extend(later.questions);
        self.judged.extend(later.judged);
        self.behaviour_changes.extend(later.behaviour_changes);
        self.thin.extend(later.thin);
        self.report = later.report.or(self.report.take());
    }
}

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

/// One crate's `lock`: what every stage reads.
struct LockCtx<'a> {
    project: &'a Project,
    options: &'a LockOptions,
    env: &'a Env,
    progress: &'a Progress,
}

/// What every intent of the crate is, for the intents that use it.
struct Known {
    /// Every intent's spec.
    specs: BTreeMap<String, Spec>,
    /// The accepted code the lock vouches for, with its `output-hash`.
    accepted: BTreeMap<String, uses::Code>,
    /// The spec each lock entry was accepted for: the same spec means only
    /// the model changed, and the pinned behaviour must be kept.
    locked_specs: BTreeMap<String, String>,
}

impl Known {
    fn of(statuses: &[IntentStatus]) -> Known {
        let name = |s: &IntentStatus| s.spec.spec.name.clone();
        Known {
            specs: statuses
                .iter()
                .map(|s| (name(s), s.spec.spec.clone()))
                .collect(),
            accepted: statuses
                .iter()
                .filter(|s| !matches!(s.state, State::Edited { .. } | State::Missing))
                .filter_map(|s| {
                    let code = s.snapshot.as_ref()?.code.clone();
                    Some((name(s), (code, s.entry.as_ref()?.output_hash.clone())))
                })
                .collect(),
            locked_specs: statuses
                .iter()
                .filter_map(|s| Some((name(s), s.entry.as_ref()?.spec_hash.clone())))
                .collect(),
        }
    }
}

/// What triage leaves to do.
#[derive(Default)]
struct Triage {
    /// Stale intents to generate.
    generate: Vec<SpecFile>,
    /// Intents whose used intents' code changed: checked again first.
    reverify: Vec<IntentStatus>,
}

/// An intent generated by this run, and what became of its result.
struct Generated {
    spec: SpecFile,
    report: IntentReport,
    /// The verified code and how it was kept; `None`: nothing passed.
    accepted: Option<Result<(Accepted, String)>>,
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
            summary.removed = prune(self.project, &statuses)?;
        }
        let known = Known::of(&statuses);
        let triage = self.triage(statuses, &mut summary)?;
        if triage.generate.is_empty() && triage.reverify.is_empty() {
            return Ok(summary);
        }
        // No model call for code that could not be judged anyway.
        crate::sandbox::ensure(self.project.settings.sandbox_mode(self.env))?;
        let runner = self.project.gate_runner(self.env, &opts.intent_dir, None);
        let mut work = triage.generate;
        work.extend(self.reverify(&runner, &known, triage.reverify, &mut summary)?);
        if work.is_empty() {
            return Ok(summary);
        }
        self.check_specs(&runner, &work)?;
        let generated = self.generate(&runner, &known, work, &mut summary)?;
        let reports = record(generated, &mut summary);
        // A run that settles answered questions continues the run that
        // asked them: one report for both.
        let report_path = write_run_report(opts, reports.clone(), !opts.answered.is_empty())?;
        summary.report = Some(report_path);
        seen.extend(reports.iter().map(|r| r.name.clone()));
        self.follow_users(seen, reports, &mut summary)?;
        Ok(summary)
    }

    /// Every name asked for is an intent of the crate.
    fn check_names(&self, statuses: &[IntentStatus]) -> Result<()> {
        let known: Vec<&str> = statuses.iter().map(|s| s.spec.spec.name.as_str()).collect();
        let project = &self.project.name;
        match self
            .options
            .names
            .iter()
            .find(|n| !known.contains(&n.as_str()))
        {
            None => Ok(()),
            Some(name) => Err(Error::Setting {
                message: format!("no intent named `{name}` in {project}"),
                help: Some(if known.is_empty() {
                    format!(
                        "{project} has no intents; `cargo intent new NAME --signature SIG` writes one"
                    )
                } else {
                    format!("its intents are: {}", known.join(", "))
                }),
            }),
        }
    }

    /// Sorts the selected intents: fresh, pending results adopted (or
    /// kept), refused under `--locked`, to re-verify, or to generate.
    fn triage(&self, statuses: Vec<IntentStatus>, summary: &mut LockSummary) -> Result<Triage> {
        let opts = self.options;
        let store = self.project.store(&opts.intent_dir);
        let expectation = self.project.expectation(self.env, &opts.intent_dir)?;
        let mut triage = Triage::default();
        for status in statuses {
            let name = status.spec.spec.name.clone();
            if !opts.names.is_empty() && !opts.names.contains(&name) {
                continue;
            }
            let why = staleness(&status, &expectation).map(|s| s.reason);
            if why.is_none() && !opts.force {
                summary.fresh.push(name);
            } else if matches!(status.state, State::UsesChanged { .. }) && !opts.force {
                triage.reverify.push(status);
            } else if let Some(pending) = store.pending(&status.spec).filter(|_| !opts.force) {
                self.adopt(&store, &status.spec, pending, summary)?;
            } else if opts.locked {
                summary.refused.push(Refused {
                    name,
                    stale: why.unwrap_or_else(|| "--force".into()),
                });
            } else {
                triage.generate.push(status.spec);
            }
        }
        Ok(triage)
    }

    /// A verified result an earlier run left pending: kept for the build
    /// script, left to a reviewer, or recorded without a model call.
    fn adopt(
        &self,
        store: &Store,
        spec: &SpecFile,
        pending: store::Pending,
        summary: &mut LockSummary,
    ) -> Result<()> {
        let name = spec.spec.name.clone();
        if self.options.pending_only {
            summary.code.insert(name.clone(), pending.code);
            summary.kept_pending.push(name);
        } else if store.awaits_review(spec, &pending) {
            // Review mode: `lock` leaves a result to its reviewer.
            summary.pending.push(name);
        } else {
            store.adopt(spec, &pending)?;
            summary.code.insert(name.clone(), pending.code);
            summary.adopted.push(name);
        }
        Ok(())
    }

    /// A used intent's code changed: the user's accepted code, checked
    /// again with it, keeps its place unless it no longer passes. Returns
    /// the intents to generate after all.
    fn reverify(
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
                    if opts.pending_only {
                        summary.kept_pending.push(name);
                    } else {
                        summary.pending.push(name);
                    }
                }
                (Ok(used), _) => {
                    Lockfile::update(&self.project.lockfile(), |lock| {
                        if let Some(entry) = lock.entries.get_mut(&name) {
                            entry.uses = generate::Used::hashes(&used);
                        }
                        Ok(())
                    })?;
                    summary.reverified.push(name);
                }
                (Err(why), opts) if opts.locked => summary.refused.push(Refused {
                    name,
                    stale: format!(
                        "{}; checked again, it fails ({why})",
                        status.state.describe()
                    ),
                }),
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

    /// A spec whose `assume` or properties do not compile is an error in
    /// the spec, found before any model is asked.
    fn check_specs(&self, runner: &GateRunner, work: &[SpecFile]) -> Result<()> {
        let mut errors = Vec::new();
        for spec in work {
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

    /// Generates `work` on as many workers as the first provider serves at
    /// once, an intent after the intents it uses. Each verified result is
    /// accepted as soon as it exists (under the crate's lock), so an
    /// interruption later loses no finished work.
    fn generate(
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
        let workers = router
            .providers()
            .first()
            .map_or(1, |p| p.concurrency())
            .min(std::thread::available_parallelism().map_or(1, |n| n.get()))
            .min(work.len())
            .max(1);
        let worker = Worker {
            ctx: self,
            runner,
            known,
            router: &router,
            queue: uses::Queue::new(work),
            options: self.generation_options(),
            store: self.project.store(&opts.intent_dir),
            generated: Mutex::new(Vec::new()),
            changes: Mutex::new(Vec::new()),
        };
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| worker.work());
            }
        });
        summary.behaviour_changes = into_inner(worker.changes);
        summary.behaviour_changes.sort();
        let mut generated = into_inner(worker.generated);
        generated.sort_by(|a, b| a.spec.spec.name.cmp(&b.spec.spec.name));
        Ok(generated)
    }

    /// The crate's generation options for this run: in review mode a
    /// behaviour change waits for the reviewer, who sees it in `cargo
    /// intent diff`, instead of being refused.
    fn generation_options(&self) -> Options {
        let mut options = self.project.generation_options();
        options.allow_behaviour_change =
            self.options.allow_behaviour_change || self.project.settings.review;
        options
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
                    Some(Generated {
                        spec,
                        report,
                        accepted: None,
                    })
                }
            };
            match generated {
                Some(generated) => lock_ignoring_poison(&self.generated).push(generated),
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
        // When only the model changed, the behaviour pinned at the last
        // acceptance must be kept.
        let pinned = pinned_behaviour(&self.ctx.project.specs_dir(), &name);
        let same_spec = self.known.locked_specs.get(&name) == Some(&spec.hash);
        let options = Options {
            pinned: pinned.clone().filter(|_| same_spec),
            used,
            answered: self.ctx.options.answered.get(&name).cloned(),
            ..self.options.clone()
        };
        let (mut report, candidate) =
            generate::generate(&spec, self.router, self.runner, &options, &phase);
        let new = candidate.as_ref().and_then(|c| c.behaviour.as_ref());
        if let (Some(old), Some(new), false) = (&pinned, new, same_spec) {
            let changes = old.differences(new, false);
            if !changes.is_empty() {
                report.behaviour_change = changes.clone();
                lock_ignoring_poison(&self.changes).push((name.clone(), changes));
            }
        }
        bar.finish(candidate.is_some(), report.reason.as_deref());
        if self.ctx.cancelled() {
            self.queue.finish(&name, None);
            self.queue.clear();
            return None;
        }
        let accepted = candidate.map(|c| self.keep(&spec, c));
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

/// Writes what became of each generated intent into `summary` and its
/// report; the reports, in name order.
fn record(generated: Vec<Generated>, summary: &mut LockSummary) -> Vec<IntentReport> {
    let mut reports = Vec::new();
    for Generated {
        spec,
        mut report,
        accepted,
    } in generated
    {
        let name = spec.spec.name.clone();
        if let Some(why) = &report.behaviour_unchecked {
            summary.unchecked.push((name.clone(), why.clone()));
        }
        if let Some(Ok((_, code))) = &accepted {
            summary.code.insert(name.clone(), code.clone());
            if let Some(confidence) = report.confidence {
                if confidence.support() == Some(crate::lock::Support::Thin) {
                    summary.thin.push((name.clone(), confidence));
                }
            }
        }
        match accepted.map(|r| r.map(|(a, _)| a)) {
            Some(Ok(kept)) => {
                let (outcome, list) = match kept {
                    Accepted::Recorded => (IntentOutcome::Accepted, &mut summary.recorded),
                    Accepted::Unchanged => (IntentOutcome::Unchanged, &mut summary.unchanged),
                    Accepted::Kept => (IntentOutcome::Pending, &mut summary.kept_pending),
                    Accepted::Pending | Accepted::Skipped => {
                        (IntentOutcome::Pending, &mut summary.pending)
                    }
                };
                report.outcome = outcome;
                list.push(name);
            }
            Some(Err(e)) => summary.failed.push(Failure {
                name,
                at: StoppedAt::Accept,
                reason: e.to_string(),
            }),
            None => match (&report.question, report.last_gate) {
                (Some(question), _) => {
                    summary
                        .judged
                        .insert(name.clone(), Answered::from_report(&report, 0));
                    summary.questions.push((name, question.clone()));
                }
                (None, Some(StoppedAt::Uses)) => summary.blocked.push(Blocked {
                    name,
                    by: report.blocked_by.clone().unwrap_or_default(),
                }),
                (None, at) => summary.failed.push(Failure {
                    name,
                    at: at.unwrap_or(StoppedAt::Model),
                    reason: report.reason.clone().unwrap_or_default(),
                }),
            },
        }
        reports.push(report);
    }
    reports
}

fn lock_ignoring_poison<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

fn into_inner<T>(mutex: Mutex<T>) -> T {
    mutex.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// Drops lock entries whose spec no longer exists, and their snapshots
/// (files intent owns: `intents/snapshots/NAME.snap` of a listed entry).
fn prune(project: &Project, statuses: &[IntentStatus]) -> Result<Vec<String>> {
    let lockfile = project.lockfile();
    if !lockfile.exists() {
        return Ok(Vec::new());
    }
    let removed = Lockfile::update(&lockfile, |lock| {
        let gone: Vec<String> = lock
            .entries
            .keys()
            .filter(|name| !statuses.iter().any(|s| &s.spec.spec.name == *name))
            .cloned()
            .collect();
        for name in &gone {
            lock.entries.remove(name);
        }
        Ok(gone)
    })?;
    for name in &removed {
        let _ = std::fs::remove_file(crate::snapshot::snapshot_path(&project.specs_dir(), name));
        let _ = std::fs::remove_file(crate::snapshot::behaviour_path(&project.specs_dir(), name));
    }
    Ok(removed)
}
