//! One crate with intents: its paths, settings, specs and their states, and
//! what it takes to judge them (router, gates, generation options). The
//! operations on it are in `ops/`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::env::Env;
use crate::dependencies::Dependencies;
use crate::error::{Error, Result};
use crate::externs::BuildCrates;
use crate::lockfile::{LockEntry, Lockfile};
use crate::manifest::CratePaths;
use crate::store::{self, Store};
use crate::judge::behaviour::Behaviour;
use crate::judge::gates::GateRunner;
use crate::generate::{prompt, Options};
use crate::provider::factory::{Cores, RouterOptions};
use crate::settings::{ProviderKind, Settings};
use crate::spec::{self, SpecFile};
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
    /// What is stale.
    pub stale: Stale,
    /// What changed, old → new.
    pub reason: String,
}

/// What makes an intent's accepted code stale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stale {
    /// Its lock entry, snapshot, spec or what it uses ([`State`], never
    /// [`State::Fresh`]).
    State(State),
    /// The model the crate names (its provider, name or file) is not the
    /// one that wrote the accepted code.
    Model,
}

impl Stale {
    /// Its short label: `stale: spec`, `stale: model`, `missing`, `edited`, …
    pub fn label(&self) -> &'static str {
        match self {
            Stale::State(state) => state.label(),
            Stale::Model => "stale: model",
        }
    }
}

impl std::fmt::Display for Stale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
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
        // From the settings just read: the same keys `CratePaths::from_root`
        // reads for the build script, without reading the manifest again.
        let paths = CratePaths::with(&root, settings.specs_dir.as_deref(), settings.lockfile.as_deref());
        Ok(Project {
            name: name.to_string(),
            root,
            settings: keeping_recorded_model(settings, &paths.lockfile),
            paths,
            cache_dir: None,
        })
    }

    /// The same crate with a spec folder and lockfile given explicitly (a
    /// build script's `Config` may name its own).
    pub fn with_paths(mut self, paths: CratePaths) -> Self {
        self.settings = keeping_recorded_model(self.settings, &paths.lockfile);
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
            pending_dir: store::pending_dir(intent_dir, &self.name),
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

    /// `runner` with the crates `specs` name built for it (by cargo, once;
    /// see `externs`) and told which crates the package has; `offline`:
    /// cargo may use only what is downloaded.
    ///
    /// # Errors
    ///
    /// The manifest cannot be read, or cargo cannot build a named crate.
    pub fn with_crates<'s>(
        &self,
        runner: GateRunner,
        specs: impl Iterator<Item = &'s SpecFile>,
        intent_dir: &Path,
        offline: bool,
    ) -> Result<GateRunner> {
        let mut names: Vec<String> = specs.flat_map(|s| s.spec.crates.iter().cloned()).collect();
        names.sort();
        names.dedup();
        let dependencies = match Dependencies::of_package(&self.root) {
            Ok(dependencies) => dependencies,
            // Only to name the key in a refusal when no spec names a crate.
            Err(_) if names.is_empty() => Dependencies::default(),
            Err(e) => return Err(e),
        };
        let rustc = runner.real_rustc().map_err(|e| Error::io(intent_dir, e))?;
        let build = BuildCrates {
            root: &self.root,
            intent_dir,
            rustc: &rustc,
            offline,
        };
        Ok(runner.with_externs(build.build(&dependencies, &names)?))
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
        if let Some(seek) = self.settings.seek_rival {
            options.seek_rival = seek;
        }
        if let Some(checks) = self.settings.description_checks {
            options.description_checks = checks;
        }
        if let Some(probes) = self.settings.description_probes {
            options.probes = probes;
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
                let (path, name) = crate::provider::factory::embedded_model(
                    first.model.as_deref(),
                    &crate::models::home(),
                );
                let digest = path
                    .is_file()
                    .then(|| crate::digest::file_digest(&path, Some(intent_dir)).ok())
                    .flatten();
                ("embedded", name, digest)
            }
            ProviderKind::Ollama => ("ollama", first.model.clone().unwrap_or_default(), None),
            ProviderKind::Openai => ("openai", first.model.clone().unwrap_or_default(), None),
            ProviderKind::Command => {
                let digest = first
                    .model_file
                    .as_ref()
                    .and_then(|p| crate::digest::file_digest(p, Some(intent_dir)).ok());
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

    /// Notes on what a newer intent would do differently, none of which
    /// makes an entry stale: entries written with an older prompt template
    /// or other generation parameters, and a crate that keeps the model its
    /// lock records while intent's default is another.
    ///
    /// # Errors
    ///
    /// Spec, lock or snapshot errors.
    pub fn tool_notes(&self, expectation: &Expectation) -> Result<Vec<String>> {
        let mut notes = Vec::new();
        let older: Vec<(String, String)> = self
            .statuses()?
            .iter()
            .filter_map(|s| Some((s.spec.spec.name.clone(), tool_change(s.entry.as_ref()?, expectation)?)))
            .collect();
        if let Some((_, first)) = older.first() {
            let names: Vec<&str> = older.iter().map(|(n, _)| n.as_str()).collect();
            notes.push(format!(
                "{} intent(s) ({}) {first}: their code stays as accepted; `cargo intent lock --force NAME` writes one anew",
                names.len(),
                names.join(", ")
            ));
        }
        if let Some(recorded) = self.settings.recorded_model.as_deref().filter(|m| *m != crate::models::DEFAULT_MODEL) {
            notes.push(format!(
                "this crate keeps {recorded}, the model its lock records (intent's default is {}); `cargo intent models use NAME` moves it",
                crate::models::DEFAULT_MODEL
            ));
        }
        Ok(notes)
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

/// `settings` with the model the lock at `lockfile` records, when they
/// name no model and list no providers: a crate keeps the model its code
/// came from until its owner moves it, whatever intent's default becomes.
/// A lock that cannot be read records nothing (reading it again later
/// reports the error).
fn keeping_recorded_model(mut settings: Settings, lockfile: &Path) -> Settings {
    settings.recorded_model = None;
    if settings.model.is_none() && settings.providers.is_empty() {
        settings.recorded_model = Lockfile::load(lockfile).ok().as_ref().and_then(recorded_model);
    }
    settings
}

/// The known embedded model most of `lock`'s model-written entries record
/// (ties go to the name that sorts first); `None` when they record none.
fn recorded_model(lock: &Lockfile) -> Option<String> {
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for entry in lock.entries.values() {
        let m = &entry.model;
        if entry.author.is_model() && m.provider == "embedded" && crate::models::known(&m.name).is_some() {
            *counts.entry(m.name.as_str()).or_default() += 1;
        }
    }
    let most = counts.values().copied().max()?;
    counts.into_iter().find(|(_, n)| *n == most).map(|(name, _)| name.to_string())
}

/// Why `status` needs regeneration — its spec, snapshot or lock entry, or a
/// change of model, prompt or parameters against `expectation` — or `None`
/// when it is fresh. The one place `check`, `status` and `lock` decide it.
pub fn staleness(status: &IntentStatus, expectation: &Expectation) -> Option<Staleness> {
    let name = status.spec.spec.name.clone();
    if !status.state.is_fresh() {
        return Some(Staleness {
            name,
            stale: Stale::State(status.state.clone()),
            reason: status.state.describe(),
        });
    }
    // A model change never replaces what a person wrote.
    let entry = status.entry.as_ref().filter(|e| e.author.is_model())?;
    let reason = model_change(entry, expectation)?;
    Some(Staleness {
        name,
        stale: Stale::Model,
        reason,
    })
}

/// How the lock entry's model differs from the one the configuration
/// names now: its provider, name or file. A newer prompt template or other
/// generation parameters in a newer intent are not a change the crate's
/// owner made: they never make an entry stale ([`tool_change`] says so).
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
    None
}

/// What this version of intent would do differently from what wrote the
/// entry — its prompt template or generation parameters — as a note: the
/// accepted code stays; `cargo intent lock --force NAME` regenerates.
pub fn tool_change(entry: &LockEntry, expected: &Expectation) -> Option<String> {
    if !entry.author.is_model() {
        return None;
    }
    if entry.prompt != prompt::TEMPLATE_VERSION {
        return Some(format!(
            "written with prompt template {} (this intent writes {})",
            entry.prompt,
            prompt::TEMPLATE_VERSION
        ));
    }
    if entry.params_hash != expected.params_hash {
        return Some(format!(
            "written with other generation parameters (params hash {} → {})",
            short(&entry.params_hash),
            short(&expected.params_hash)
        ));
    }
    None
}

/// The behaviour pinned for `name` (`snapshots/NAME.behaviour`), if any.
pub fn pinned_behaviour(specs_dir: &Path, name: &str) -> Option<Behaviour> {
    let text = std::fs::read_to_string(crate::snapshot::behaviour_path(specs_dir, name)).ok()?;
    Behaviour::parse(&text)
}
