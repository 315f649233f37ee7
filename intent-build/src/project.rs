//! Operations on one crate's intents, used by `cargo intent`: status, check,
//! and regenerating what is stale. The CLI only parses arguments and prints.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use crate::env::Env;
use crate::error::{Error, Result};
use crate::lock::{LockEntry, Lockfile};
use crate::manifest::CratePaths;
use crate::pipeline::accept::{self, Accepted, Store};
use crate::pipeline::behaviour::{Behaviour, Change};
use crate::pipeline::gates::GateRunner;
use crate::pipeline::uses;
use crate::pipeline::{self, prompt, IntentReport, Options, Outcome, Phase};
use crate::progress::Progress;
use crate::provider::settings::{Cores, ProviderKind, RouterOptions, Settings};
use crate::snapshot::output_hash;
use crate::spec::{self, Spec, SpecFile};
use crate::state::{self, short, IntentStatus, State};

/// A crate with intents.
#[derive(Debug, Clone)]
pub struct Project {
    /// Package name.
    pub name: String,
    /// Crate root.
    pub root: PathBuf,
    /// Its spec folder and lockfile.
    pub paths: CratePaths,
    /// Its settings.
    pub settings: Settings,
    /// Where parsed specs are cached between runs (`target/intent`), if anywhere.
    pub cache_dir: Option<PathBuf>,
}

/// What the configured model would record, for comparing with the lock.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Expectation {
    /// Provider kind of the first provider.
    pub provider: String,
    /// Its model name.
    pub model: String,
    /// Its digest, when known without a network or a model load.
    pub digest: Option<String>,
    /// Its params hash.
    pub params_hash: String,
}

/// Why an intent needs regeneration, for `lock --check` and `status`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Staleness {
    /// Intent name.
    pub name: String,
    /// Short state label (`stale: spec`, `stale: model`, `missing`, `edited`).
    pub label: String,
    /// What changed, old → new.
    pub reason: String,
}

impl Project {
    /// Opens the crate whose manifest is `manifest`.
    ///
    /// # Errors
    ///
    /// A configuration error in its `[package.metadata.intent]`.
    pub fn open(name: &str, manifest: &Path) -> Result<Project> {
        let root = manifest.parent().map(Path::to_path_buf).unwrap_or_default();
        let settings = Settings::from_manifest(manifest)?;
        Ok(Project {
            name: name.to_string(),
            // From the settings just read: the same keys `CratePaths::from_root`
            // reads for the build script, without reading the manifest again.
            paths: CratePaths::with(
                &root,
                settings.specs_dir.as_deref(),
                settings.lockfile.as_deref(),
            ),
            root,
            settings,
            cache_dir: None,
        })
    }

    /// The same crate with a spec folder and lockfile given explicitly (a
    /// build script's `Config` may name its own).
    pub fn with_paths(mut self, paths: CratePaths) -> Self {
        self.paths = paths;
        self
    }

    /// Reuses parses of unchanged specs from a cache in `dir` (`target/intent`).
    pub fn with_spec_cache(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cache_dir = Some(dir.into());
        self
    }

    /// The spec folder.
    pub fn specs_dir(&self) -> PathBuf {
        self.paths.specs_dir.clone()
    }

    /// `Intent.lock`.
    pub fn lockfile(&self) -> PathBuf {
        self.paths.lockfile.clone()
    }

    /// Where this crate's accepted and pending results live; `intent_dir` is `target/intent`.
    pub fn store(&self, intent_dir: &Path) -> Store {
        Store {
            lockfile: self.lockfile(),
            specs_dir: self.specs_dir(),
            pending_dir: accept::pending_dir(intent_dir, &self.name),
        }
    }

    /// The crate's router: its providers (after environment overrides) with
    /// their candidates per round, and the response cache in `intent_dir`.
    ///
    /// # Errors
    ///
    /// A provider setting that is missing or invalid.
    pub fn router(
        &self,
        env: &Env,
        intent_dir: &Path,
        offline: bool,
        verbose: bool,
        cores: Cores,
    ) -> Result<crate::provider::router::Router> {
        self.settings.router(
            env,
            &RouterOptions {
                home: crate::models::home(),
                cache_dir: Some(intent_dir.to_path_buf()),
                offline,
                verbose,
                cores,
            },
        )
    }

    /// The crate's gates: its scratch folder under `intent_dir`, its
    /// `gate-timeout` (unless `timeout` overrides it) and its sandbox mode.
    pub fn gate_runner(
        &self,
        env: &Env,
        intent_dir: &Path,
        timeout: Option<Duration>,
    ) -> GateRunner {
        GateRunner::new(
            intent_dir.join("scratch").join(&self.name),
            timeout.unwrap_or_else(|| self.settings.gate_time_limit()),
        )
        .with_sandbox(self.settings.sandbox_mode(env))
    }

    /// How generation runs for this crate: its rounds and repair.
    pub fn generation_options(&self) -> Options {
        let mut options =
            Options::with_rounds(self.settings.repair_rounds).with_repair(self.settings.repair);
        if let Some(agreement) = self.settings.agreement {
            options.agreement = agreement;
        }
        if let Some(quorum) = self.settings.quorum {
            options.quorum = quorum;
        }
        if let Some(max) = self.settings.max_candidates {
            options.max_candidates = max;
        }
        options
    }

    /// Every spec, parsed.
    ///
    /// # Errors
    ///
    /// Spec errors with their positions.
    pub fn specs(&self) -> Result<Vec<SpecFile>> {
        let Some(dir) = &self.cache_dir else {
            return spec::discover(&self.specs_dir(), &self.root);
        };
        let path = dir.join("spec-cache").join(format!("{}.json", self.name));
        let mut cache = spec::SpecCache::load(&path);
        let specs = spec::discover_with(&self.specs_dir(), &self.root, Some(&mut cache))?;
        // The cache only saves time; failing to write it is not an error.
        let _ = cache.save(&path);
        Ok(specs)
    }

    /// Every intent with its state (spec, snapshot and lock only).
    ///
    /// # Errors
    ///
    /// Spec, lock or snapshot errors.
    pub fn statuses(&self) -> Result<Vec<IntentStatus>> {
        let lock = Lockfile::load(&self.lockfile())?;
        state::assess(self.specs()?, &lock, &self.specs_dir(), &self.root)
    }

    /// What the first configured provider would record, without loading a
    /// model or opening a connection.
    ///
    /// # Errors
    ///
    /// Configuration errors.
    pub fn expectation(&self, env: &Env, intent_dir: &Path) -> Result<Expectation> {
        let ollama_host = std::env::var(crate::env::OLLAMA_HOST).ok();
        let providers = self
            .settings
            .effective_providers(env, ollama_host.as_deref())?;
        let first = &providers[0];
        let params_hash = first.params().hash();
        let (provider, model, digest) = match first.kind {
            ProviderKind::Embedded => {
                let (path, name) = crate::provider::settings::embedded_model(
                    first.model.as_deref(),
                    &crate::models::home(),
                );
                let digest = path
                    .is_file()
                    .then(|| crate::provider::digest::file_digest(&path, Some(intent_dir)).ok())
                    .flatten();
                ("embedded", name, digest)
            }
            ProviderKind::Ollama => ("ollama", first.model.clone().unwrap_or_default(), None),
            ProviderKind::Openai => ("openai", first.model.clone().unwrap_or_default(), None),
            ProviderKind::Command => {
                let digest = first
                    .model_file
                    .as_ref()
                    .and_then(|p| crate::provider::digest::file_digest(p, Some(intent_dir)).ok());
                let name = first
                    .model_file
                    .as_ref()
                    .and_then(|p| p.file_name())
                    .map(|n| n.to_string_lossy().to_string())
                    .or_else(|| first.command.first().cloned())
                    .unwrap_or_default();
                ("command", name, digest)
            }
        };
        Ok(Expectation {
            provider: provider.into(),
            model,
            digest,
            params_hash,
        })
    }

    /// Every intent that needs regeneration and why; empty when all are fresh.
    ///
    /// # Errors
    ///
    /// Spec, lock, snapshot or configuration errors.
    pub fn check(&self, expectation: &Expectation) -> Result<Vec<Staleness>> {
        Ok(self
            .statuses()?
            .iter()
            .filter_map(|s| staleness(s, expectation))
            .collect())
    }
}

/// Why `status` needs regeneration — its spec, snapshot or lock entry, or a
/// change of model, prompt or parameters against `expectation` — or `None`
/// when it is fresh. The one place `check`, `status` and `lock` decide it.
pub fn staleness(status: &IntentStatus, expectation: &Expectation) -> Option<Staleness> {
    let name = status.spec.spec.name.clone();
    if !status.state.is_fresh() {
        return Some(Staleness {
            name,
            label: status.state.label().into(),
            reason: status.state.describe(),
        });
    }
    let reason = model_change(status.entry.as_ref()?, expectation)?;
    Some(Staleness {
        name,
        label: "stale: model".into(),
        reason,
    })
}

/// How the lock entry's model, prompt or parameters differ from what the
/// configuration would record now.
pub fn model_change(entry: &LockEntry, expected: &Expectation) -> Option<String> {
    let m = &entry.model;
    if m.provider != expected.provider {
        return Some(format!(
            "model provider changed ({} → {})",
            m.provider, expected.provider
        ));
    }
    if m.name != expected.model {
        return Some(format!(
            "model name changed ({} → {})",
            m.name, expected.model
        ));
    }
    if let Some(digest) = &expected.digest {
        if &m.digest != digest {
            return Some(format!(
                "model digest changed ({} → {})",
                short(&m.digest),
                short(digest)
            ));
        }
    }
    if entry.prompt != prompt::TEMPLATE_VERSION {
        return Some(format!(
            "prompt template changed ({} → {})",
            entry.prompt,
            prompt::TEMPLATE_VERSION
        ));
    }
    if entry.params_hash != expected.params_hash {
        return Some(format!(
            "generation parameters changed (params hash {} → {})",
            short(&entry.params_hash),
            short(&expected.params_hash)
        ));
    }
    None
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
    /// Per-gate timeout.
    pub gate_timeout: Duration,
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
    pub refused: Vec<(String, String)>,
    /// Failed: (name, last gate, reason).
    pub failed: Vec<(String, String, String)>,
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
    /// code: (name, the used intent).
    pub blocked: Vec<(String, String)>,
    /// Intents judged on their examples alone: (name, why no inputs could
    /// be generated).
    pub unchecked: Vec<(String, String)>,
    /// Intents whose passing candidates disagreed: the question to answer.
    pub questions: Vec<(String, crate::pipeline::round::Question)>,
    /// Intents recorded with behaviour other than what was pinned before
    /// (their spec changed), with where.
    pub behaviour_changes: Vec<(String, Vec<Change>)>,
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
        self.behaviour_changes.extend(later.behaviour_changes);
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
    lock_once(project, options, env, progress, &mut BTreeSet::new())
}

/// [`lock`], then again for the users of what it recorded; `seen` holds
/// the intents earlier runs handled, which are not handled twice.
fn lock_once(
    project: &Project,
    options: &LockOptions,
    env: &Env,
    progress: &Progress,
    seen: &mut BTreeSet<String>,
) -> Result<LockSummary> {
    let mut summary = LockSummary::default();
    let statuses = project.statuses()?;
    for name in &options.names {
        if !statuses.iter().any(|s| &s.spec.spec.name == name) {
            let known: Vec<&str> = statuses.iter().map(|s| s.spec.spec.name.as_str()).collect();
            return Err(Error::Setting {
                message: format!("no intent named `{name}` in {}", project.name),
                help: Some(if known.is_empty() {
                    format!(
                        "{} has no intents; `cargo intent new NAME --signature SIG` writes one",
                        project.name
                    )
                } else {
                    format!("its intents are: {}", known.join(", "))
                }),
            });
        }
    }
    let store = project.store(&options.intent_dir);
    let expectation = project.expectation(env, &options.intent_dir)?;
    if options.names.is_empty() && !options.locked && !options.pending_only {
        summary.removed = prune(project, &statuses)?;
    }
    // What intents that use others are compiled with: every intent's spec,
    // and the accepted code the lock vouches for.
    let specs_by_name: BTreeMap<String, Spec> = statuses
        .iter()
        .map(|s| (s.spec.spec.name.clone(), s.spec.spec.clone()))
        .collect();
    let accepted: BTreeMap<String, uses::Code> = statuses
        .iter()
        .filter(|s| !matches!(s.state, State::Edited { .. } | State::Missing))
        .filter_map(|s| {
            let code = s.snapshot.as_ref()?.code.clone();
            Some((
                s.spec.spec.name.clone(),
                (code, s.entry.as_ref()?.output_hash.clone()),
            ))
        })
        .collect();
    // Which spec each lock entry was accepted for: the same spec means only
    // the model changed, and the pinned behaviour must be kept.
    let locked_spec_hashes: BTreeMap<String, String> = statuses
        .iter()
        .filter_map(|s| {
            Some((
                s.spec.spec.name.clone(),
                s.entry.as_ref()?.spec_hash.clone(),
            ))
        })
        .collect();
    let mut work: Vec<SpecFile> = Vec::new();
    let mut to_reverify: Vec<IntentStatus> = Vec::new();
    for status in statuses {
        let name = status.spec.spec.name.clone();
        if !options.names.is_empty() && !options.names.contains(&name) {
            continue;
        }
        let why = staleness(&status, &expectation).map(|s| s.reason);
        if why.is_none() && !options.force {
            summary.fresh.push(name);
            continue;
        }
        if matches!(status.state, State::UsesChanged { .. }) && !options.force {
            to_reverify.push(status);
            continue;
        }
        if let Some(pending) = store.pending(&status.spec).filter(|_| !options.force) {
            if options.pending_only {
                summary.code.insert(name.clone(), pending.code);
                summary.kept_pending.push(name);
            } else if store.awaits_review(&status.spec, &pending) {
                // Review mode: `lock` leaves a result to its reviewer.
                summary.pending.push(name);
            } else {
                store.adopt(&status.spec, &pending)?;
                summary.code.insert(name.clone(), pending.code);
                summary.adopted.push(name);
            }
            continue;
        }
        if options.locked {
            summary
                .refused
                .push((name, why.unwrap_or_else(|| "--force".into())));
            continue;
        }
        work.push(status.spec);
    }
    if work.is_empty() && to_reverify.is_empty() {
        return Ok(summary);
    }
    // No model call for code that could not be judged anyway.
    crate::sandbox::ensure(project.settings.sandbox_mode(env))?;

    let runner = project.gate_runner(env, &options.intent_dir, Some(options.gate_timeout));
    // A used intent's code changed: the user's accepted code, checked again
    // with it, keeps its place unless it no longer passes.
    for status in to_reverify {
        let name = status.spec.spec.name.clone();
        let still = match (
            uses::resolve(&status.spec.spec, None, &specs_by_name, &accepted),
            &status.snapshot,
        ) {
            (Ok(used), Some(snapshot)) => {
                let pinned = pinned_behaviour(&project.specs_dir(), &name);
                uses::reverify(
                    &runner,
                    &status.spec,
                    &snapshot.code,
                    &used,
                    pinned.as_ref(),
                )
                .map_err(|e| Error::io(&options.intent_dir, e))?
                .map(|()| used)
            }
            (Err(blocker), _) => Err(format!("`{blocker}` has no accepted code")),
            (_, None) => Err("no accepted code".into()),
        };
        match still {
            // The build script's run and CI write no lock: the code is
            // verified for this build, and recorded by the next `lock`.
            Ok(_) if options.pending_only || env.ci => {
                if let Some(snapshot) = &status.snapshot {
                    summary.code.insert(name.clone(), snapshot.code.clone());
                }
                if options.pending_only {
                    summary.kept_pending.push(name);
                } else {
                    summary.pending.push(name);
                }
            }
            Ok(used) => {
                Lockfile::update(&project.lockfile(), |lock| {
                    if let Some(entry) = lock.entries.get_mut(&name) {
                        entry.uses = pipeline::Used::hashes(&used);
                    }
                    Ok(())
                })?;
                summary.reverified.push(name);
            }
            Err(why) if options.locked => summary.refused.push((
                name,
                format!(
                    "{}; checked again, it fails ({why})",
                    status.state.describe()
                ),
            )),
            Err(_) => work.push(status.spec),
        }
    }
    if work.is_empty() {
        return Ok(summary);
    }
    // A spec whose `assume` or properties do not compile is an error in
    // the spec, found before any model is asked.
    let mut spec_errors = Vec::new();
    for spec in &work {
        spec_errors.extend(
            runner
                .check_spec(spec)
                .map_err(|e| Error::io(&options.intent_dir, e))?,
        );
    }
    if !spec_errors.is_empty() {
        return Err(Error::Spec(spec_errors));
    }
    let router = project.router(
        env,
        &options.intent_dir,
        options.offline,
        options.verbose,
        options.cores,
    )?;
    let mut gen_options = project.generation_options();
    // In review mode a behaviour change waits for the reviewer, who sees
    // it in `cargo intent diff`, instead of being refused.
    gen_options.allow_behaviour_change = options.allow_behaviour_change || project.settings.review;
    let specs_dir = project.specs_dir();
    let workers = router
        .providers()
        .first()
        .map_or(1, |p| p.concurrency())
        .min(std::thread::available_parallelism().map_or(1, |n| n.get()))
        .min(work.len())
        .max(1);
    let queue = uses::Queue::new(work);
    // Each verified result is accepted as soon as it exists (under the
    // crate's lock), so an interruption later loses no finished work.
    type Done = (SpecFile, IntentReport, Option<Result<(Accepted, String)>>);
    let results: Mutex<Vec<Done>> = Mutex::new(Vec::new());
    let behaviour_changes = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let cancelled = || {
                    options
                        .cancel
                        .as_ref()
                        .is_some_and(|c| c.load(std::sync::atomic::Ordering::SeqCst))
                };
                if cancelled() {
                    break;
                }
                let Some(spec) = queue.next() else {
                    break;
                };
                let used = match uses::resolve(&spec.spec, Some(&queue), &specs_by_name, &accepted)
                {
                    Ok(used) => used,
                    Err(blocker) => {
                        queue.finish(&spec.spec.name, None);
                        let report = IntentReport::blocked(&spec.spec.name, &blocker);
                        results
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push((spec, report, None));
                        continue;
                    }
                };
                let bar = progress.intent(&spec.spec.name);
                let phase = |p: Phase| bar.phase(&p);
                // When only the model changed, the behaviour pinned at the
                // last acceptance must be kept.
                let pinned = pinned_behaviour(&specs_dir, &spec.spec.name);
                let same_spec = locked_spec_hashes.get(&spec.spec.name) == Some(&spec.hash);
                let intent_options = Options {
                    pinned: pinned.clone().filter(|_| same_spec),
                    used,
                    ..gen_options.clone()
                };
                let (report, candidate) =
                    pipeline::generate(&spec, &router, &runner, &intent_options, &phase);
                let changes = match (
                    &pinned,
                    candidate.as_ref().and_then(|c| c.behaviour.as_ref()),
                ) {
                    (Some(old), Some(new)) if !same_spec => old.differences(new, false),
                    _ => Vec::new(),
                };
                if !changes.is_empty() {
                    behaviour_changes
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((spec.spec.name.clone(), changes));
                }
                bar.finish(candidate.is_some(), report.reason.as_deref());
                if cancelled() {
                    queue.finish(&spec.spec.name, None);
                    queue.clear();
                    break;
                }
                let accepted = candidate.map(|c| {
                    let outcome = if options.pending_only {
                        store.save_pending(&spec, &c, false).map(|_| Accepted::Kept)
                    } else {
                        store.accept(&spec, &c, project.settings.review, env.ci)
                    };
                    outcome.map(|a| (a, c.code))
                });
                // Users of this intent are compiled with its new code.
                queue.finish(
                    &spec.spec.name,
                    match &accepted {
                        Some(Ok((_, code))) => Some((code.clone(), output_hash(code))),
                        _ => None,
                    },
                );
                results
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((spec, report, accepted));
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    summary.behaviour_changes = behaviour_changes
        .into_inner()
        .unwrap_or_else(|e| e.into_inner());
    summary.behaviour_changes.sort();
    results.sort_by(|a, b| a.0.spec.name.cmp(&b.0.spec.name));
    let mut reports = Vec::new();
    for (spec, mut report, accepted) in results {
        let name = spec.spec.name.clone();
        if let Some(why) = &report.behaviour_unchecked {
            summary.unchecked.push((name.clone(), why.clone()));
        }
        if let Some(Ok((_, code))) = &accepted {
            summary.code.insert(name.clone(), code.clone());
        }
        match accepted.map(|r| r.map(|(a, _)| a)) {
            Some(Ok(Accepted::Recorded)) => {
                report.outcome = Outcome::Accepted;
                summary.recorded.push(name);
            }
            Some(Ok(Accepted::Unchanged)) => {
                report.outcome = Outcome::Unchanged;
                summary.unchanged.push(name);
            }
            Some(Ok(Accepted::Kept)) => {
                report.outcome = Outcome::Pending;
                summary.kept_pending.push(name);
            }
            Some(Ok(Accepted::Pending | Accepted::Skipped)) => {
                report.outcome = Outcome::Pending;
                summary.pending.push(name);
            }
            Some(Err(e)) => summary.failed.push((name, "accept".into(), e.to_string())),
            None if report.question.is_some() => summary
                .questions
                .push((name, report.question.clone().expect("checked"))),
            None if report.last_gate.as_deref() == Some(pipeline::BLOCKED) => summary
                .blocked
                .push((name, report.reason.clone().unwrap_or_default())),
            None => summary.failed.push((
                name,
                report.last_gate.clone().unwrap_or_default(),
                report.reason.clone().unwrap_or_default(),
            )),
        }
        reports.push(report);
    }
    let report_path = options.intent_dir.join("report.json");
    pipeline::write_report(&report_path, &reports)?;
    summary.report = Some(report_path.clone());
    seen.extend(reports.iter().map(|r| r.name.clone()));
    // Intents that use what was just recorded, and were not part of this
    // run, are checked again with the new code (and regenerated only if
    // that fails): a run of their own.
    let interrupted = options
        .cancel
        .as_ref()
        .is_some_and(|c| c.load(std::sync::atomic::Ordering::SeqCst));
    if !interrupted && !options.pending_only {
        let touched: Vec<String> = project
            .statuses()?
            .into_iter()
            .filter(|s| matches!(s.state, State::UsesChanged { .. }))
            .map(|s| s.spec.spec.name)
            .filter(|n| !seen.contains(n))
            .collect();
        if !touched.is_empty() {
            let later = LockOptions {
                names: touched,
                force: false,
                ..options.clone()
            };
            summary.merge(lock_once(project, &later, env, progress, seen)?);
            // One report for the whole run.
            let mut all = reports;
            for report in pipeline::read_report(&report_path).unwrap_or_default() {
                if !all.iter().any(|r| r.name == report.name) {
                    all.push(report);
                }
            }
            all.sort_by(|a, b| a.name.cmp(&b.name));
            pipeline::write_report(&report_path, &all)?;
        }
    }
    Ok(summary)
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

/// The behaviour pinned for `name` (`snapshots/NAME.behaviour`), if any.
pub fn pinned_behaviour(specs_dir: &Path, name: &str) -> Option<Behaviour> {
    let text = std::fs::read_to_string(crate::snapshot::behaviour_path(specs_dir, name)).ok()?;
    Behaviour::parse(&text)
}
