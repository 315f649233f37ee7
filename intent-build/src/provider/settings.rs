//! Provider configuration: `[package.metadata.intent]` (falling back to
//! `[workspace.metadata.intent]`), overridden by environment variables, and
//! turned into a [`Router`].
//!
//! ```toml
//! [package.metadata.intent]
//! repair-rounds = 3
//! escalate-after = 2          # after 2 failed rounds on a provider, go on with the next
//!
//! [[package.metadata.intent.providers]]
//! kind = "embedded"           # embedded | ollama | openai | command
//! model = "qwen2.5-coder-0.5b"
//! threads = 1
//!
//! [[package.metadata.intent.providers]]
//! kind = "ollama"
//! model = "qwen2.5-coder:7b"
//! url = "http://127.0.0.1:11434"
//! timeout = 300
//! ```

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use super::cache::ResponseCache;
use super::command::Command;
use super::ollama::{self, Ollama};
use super::openai::OpenAi;
use super::router::Router;
use super::{GenerationParams, Provider};
use crate::env::Env;
use crate::error::{Error, Result};
use crate::models;

/// The kinds of provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// llama.cpp in-process.
    Embedded,
    /// An Ollama server.
    Ollama,
    /// An OpenAI-compatible server.
    Openai,
    /// A subprocess.
    Command,
}

impl ProviderKind {
    /// Parses a kind as written in configuration or `INTENT_PROVIDER`;
    /// `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "embedded" => Some(ProviderKind::Embedded),
            "ollama" => Some(ProviderKind::Ollama),
            "openai" => Some(ProviderKind::Openai),
            "command" => Some(ProviderKind::Command),
            _ => None,
        }
    }
}

/// One provider's settings.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ProviderSettings {
    /// Which kind.
    pub kind: ProviderKind,
    /// Model name (embedded: a fetched model's name or a GGUF path).
    pub model: Option<String>,
    /// Server address (ollama, openai).
    pub url: Option<String>,
    /// Several server addresses for one model (openai).
    #[serde(default)]
    pub urls: Vec<String>,
    /// Threads (embedded).
    pub threads: Option<i32>,
    /// Seconds per request.
    pub timeout: Option<u64>,
    /// Requests at once (per endpoint for openai).
    pub concurrency: Option<usize>,
    /// Name of the environment variable holding an API key (openai).
    pub api_key_env: Option<String>,
    /// The command line (command).
    #[serde(default)]
    pub command: Vec<String>,
    /// The GGUF the command loads, for its identity (command).
    pub model_file: Option<PathBuf>,
    /// Context size.
    pub ctx: Option<u32>,
    /// Completion limit.
    pub max_tokens: Option<u32>,
    /// Seed.
    pub seed: Option<u32>,
    /// Temperature.
    pub temperature: Option<f32>,
    /// Independent candidates per round when this provider answers first
    /// (overrides the crate's `candidates`).
    pub candidates: Option<u32>,
}

impl ProviderSettings {
    /// A provider of `kind` with nothing else set.
    pub fn of_kind(kind: ProviderKind) -> Self {
        ProviderSettings {
            kind,
            model: None,
            url: None,
            urls: Vec::new(),
            threads: None,
            timeout: None,
            concurrency: None,
            api_key_env: None,
            command: Vec::new(),
            model_file: None,
            ctx: None,
            max_tokens: None,
            seed: None,
            temperature: None,
            candidates: None,
        }
    }

    /// The generation parameters these settings give.
    pub fn params(&self) -> GenerationParams {
        let mut params = GenerationParams::default();
        if let Some(t) = self.temperature {
            params.temperature = t;
        }
        if let Some(s) = self.seed {
            params.seed = s;
        }
        if let Some(c) = self.ctx {
            params.num_ctx = c;
        }
        if let Some(m) = self.max_tokens {
            params.max_tokens = m;
        }
        params
    }
}

/// `[package.metadata.intent]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Settings {
    /// Providers in the order they are tried; empty means the embedded default.
    #[serde(default)]
    pub providers: Vec<ProviderSettings>,
    /// Repair rounds after the first candidate.
    #[serde(default = "default_rounds")]
    pub repair_rounds: u32,
    /// Failed rounds on one provider before continuing on the next.
    pub escalate_after: Option<u32>,
    /// Independent candidates per round (each provider may override it).
    pub candidates: Option<u32>,
    /// How a failed round informs the next: `lessons` (the default) or
    /// `conversation`.
    #[serde(default)]
    pub repair: crate::pipeline::Repair,
    /// Share of the passing candidates whose behaviour on generated inputs
    /// must agree before one is accepted (default 0.34, and more than any
    /// other group); below
    /// it the user is asked.
    pub agreement: Option<f64>,
    /// Independent candidates that must behave as the accepted one,
    /// counted over every round (default 2; 1 accepts a lone passing
    /// candidate, the rule before quorums).
    pub quorum: Option<usize>,
    /// The most candidates decoded for one intent, rounds together
    /// (default 16): more are sampled up to this while too few agree.
    pub max_candidates: Option<u32>,
    /// New or changed code waits as `NAME.snap.new` for review.
    #[serde(default)]
    pub review: bool,
    /// `cargo build` may update the lock and snapshots itself (never in CI).
    #[serde(default)]
    pub update_lock: bool,
    /// Seconds each gate may run generated code.
    pub gate_timeout: Option<u64>,
    /// `required` (the default) or `off`: whether generated code may run
    /// only inside the OS sandbox (see [`crate::sandbox`]).
    pub sandbox: Option<crate::sandbox::SandboxMode>,
    /// The spec folder; resolved with the lockfile by
    /// [`CratePaths`](crate::manifest::CratePaths).
    pub specs_dir: Option<PathBuf>,
    /// The lockfile (see `specs_dir`).
    pub lockfile: Option<PathBuf>,
    /// Whether `OUT_DIR` code carries the specs as documentation (read by
    /// the build script through [`CratePaths`](crate::manifest::CratePaths)).
    pub docs: Option<bool>,
}

/// Candidates per round of the embedded provider when nothing is
/// configured: 8 decode in about 3x the time of one (the `candidates` bench).
pub const DEFAULT_CANDIDATES: u32 = 8;

/// The most candidates a round may ask for: beyond this a round costs more
/// than rounds with lessons gain.
pub const MAX_CANDIDATES: u32 = 32;

fn default_rounds() -> u32 {
    1
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            providers: Vec::new(),
            repair_rounds: default_rounds(),
            escalate_after: None,
            candidates: None,
            repair: crate::pipeline::Repair::default(),
            agreement: None,
            quorum: None,
            max_candidates: None,
            review: false,
            update_lock: false,
            gate_timeout: None,
            sandbox: None,
            specs_dir: None,
            lockfile: None,
            docs: None,
        }
    }
}

/// Where settings are found and what the router may touch.
#[derive(Debug, Clone)]
pub struct RouterOptions {
    /// `$INTENT_HOME`.
    pub home: PathBuf,
    /// `target/intent`: response cache and model digests.
    pub cache_dir: Option<PathBuf>,
    /// Keep only providers that open no network connection.
    pub offline: bool,
    /// Show llama.cpp's logs.
    pub verbose: bool,
    /// The cores an embedded model decodes with when its `threads` is not set.
    pub cores: Cores,
}

/// The share of the machine an embedded model's decoding takes when its
/// `threads` setting is not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Cores {
    /// Half the physical cores, at least one: decoding for a build script,
    /// beside which cargo compiles other crates. On a busy 2-core machine
    /// every core measured about 6 s per token against 7 ms with one
    /// thread, because llama.cpp's threads spin against the build.
    #[default]
    Half,
    /// Every physical core: `cargo intent lock`, where nothing else runs —
    /// the gates run between decodes, never beside them.
    All,
}

impl Settings {
    /// Whether generated code must run confined: `INTENT_SANDBOX`, else
    /// `sandbox`, else required.
    pub fn sandbox_mode(&self, env: &crate::env::Env) -> crate::sandbox::SandboxMode {
        env.sandbox.or(self.sandbox).unwrap_or_default()
    }

    /// The wall-clock limit for each gate step: `gate-timeout`, or the default.
    pub fn gate_time_limit(&self) -> Duration {
        self.gate_timeout
            .map_or(crate::pipeline::DEFAULT_GATE_TIMEOUT, Duration::from_secs)
    }

    /// Candidates per round for provider `p`: its own `candidates`, else the
    /// crate's, else for the embedded provider [`DEFAULT_CANDIDATES`] (it
    /// decodes them in one batch) and for others as many as they run at
    /// once (`concurrency`, 1 by default), so a round costs one request's time.
    pub fn candidates_for(&self, p: &ProviderSettings) -> u32 {
        let default = match p.kind {
            ProviderKind::Embedded => DEFAULT_CANDIDATES,
            _ => p.concurrency.unwrap_or(1) as u32,
        };
        p.candidates
            .or(self.candidates)
            .unwrap_or(default)
            .clamp(1, MAX_CANDIDATES)
    }

    /// Reads settings from a JSON metadata value (as `cargo metadata` gives
    /// it): `metadata.intent`, or `None` when absent.
    ///
    /// # Errors
    ///
    /// [`Error::Setting`] naming the key and the accepted values.
    pub fn from_metadata(metadata: &serde_json::Value, prefix: &str) -> Result<Option<Settings>> {
        let Some(intent) = metadata.get("intent") else {
            return Ok(None);
        };
        let settings: Settings = serde_path_to_error::deserialize(intent.clone()).map_err(|e| {
            Error::setting(format!("`{prefix}.intent.{}`: {}", e.path(), e.inner()))
        })?;
        if let Some(share) = settings.agreement.filter(|a| !(0.0..1.0).contains(a)) {
            return Err(Error::Setting {
                message: format!("`{prefix}.intent.agreement`: {share} is not a share below 1"),
                help: Some(
                    "a number from 0 up to (not including) 1; 0.5 means a majority of the passing candidates, 0 the largest group"
                        .into(),
                ),
            });
        }
        if settings.quorum == Some(0) {
            return Err(Error::setting_help(
                format!("`{prefix}.intent.quorum`: 0 is not a number of candidates"),
                "a whole number from 1; 1 accepts a lone passing candidate, 2 (the default) needs two that agree",
            ));
        }
        if settings.max_candidates == Some(0) {
            return Err(Error::setting_help(
                format!("`{prefix}.intent.max-candidates`: 0 leaves nothing to decode"),
                "a whole number from 1 (the default is 16)",
            ));
        }
        Ok(Some(settings))
    }

    /// Reads settings for the crate whose manifest is `manifest`: its
    /// `[package.metadata.intent]`, else the enclosing workspace's
    /// `[workspace.metadata.intent]`, else the defaults.
    ///
    /// # Errors
    ///
    /// [`Error::Setting`] naming the key, or an unreadable manifest.
    pub fn from_manifest(manifest: &Path) -> Result<Settings> {
        match crate::manifest::intent_metadata(manifest)? {
            Some((meta, prefix)) => {
                let json = serde_json::to_value(meta).unwrap_or_default();
                Ok(Settings::from_metadata(&json, prefix)?.unwrap_or_default())
            }
            None => Ok(Settings::default()),
        }
    }

    /// The providers after environment overrides: `INTENT_PROVIDER` replaces
    /// the list with one provider of that kind, `INTENT_MODEL` sets the first
    /// provider's model, `OLLAMA_HOST` every Ollama provider's address.
    ///
    /// # Errors
    ///
    /// [`Error::Env`] for an unknown `INTENT_PROVIDER`.
    pub fn effective_providers(
        &self,
        env: &Env,
        ollama_host: Option<&str>,
    ) -> Result<Vec<ProviderSettings>> {
        let mut providers = self.providers.clone();
        if providers.is_empty() {
            providers.push(ProviderSettings::of_kind(ProviderKind::Embedded));
        }
        if let Some(kind) = &env.provider {
            let kind = ProviderKind::parse(kind).ok_or_else(|| Error::Env {
                name: crate::env::INTENT_PROVIDER,
                value: kind.clone(),
                expected: "`embedded`, `ollama`, `openai` or `command`",
            })?;
            let existing = providers.iter().find(|p| p.kind == kind).cloned();
            providers = vec![existing.unwrap_or_else(|| ProviderSettings::of_kind(kind))];
        }
        if let Some(model) = &env.model {
            providers[0].model = Some(model.clone());
        }
        if let Some(host) = ollama_host.filter(|h| !h.trim().is_empty()) {
            for p in providers
                .iter_mut()
                .filter(|p| p.kind == ProviderKind::Ollama)
            {
                p.url = Some(host.to_string());
            }
        }
        Ok(providers)
    }

    /// Builds the router for these settings.
    ///
    /// # Errors
    ///
    /// [`Error::Setting`] for a provider missing a required key, or
    /// [`Error::Env`] for a bad override.
    pub fn router(&self, env: &Env, options: &RouterOptions) -> Result<Router> {
        let ollama_host = std::env::var(crate::env::OLLAMA_HOST).ok();
        let mut providers: Vec<Box<dyn Provider>> = Vec::new();
        let mut candidates = Vec::new();
        for (index, p) in self
            .effective_providers(env, ollama_host.as_deref())?
            .into_iter()
            .enumerate()
        {
            let key = |k: &str| format!("`providers[{index}].{k}`");
            let timeout = Duration::from_secs(p.timeout.unwrap_or(300));
            let provider: Box<dyn Provider> = match p.kind {
                ProviderKind::Embedded => embedded(&p, options)?,
                ProviderKind::Ollama => Box::new(Ollama::new(
                    p.url.as_deref().unwrap_or(ollama::DEFAULT_HOST),
                    p.model.as_deref().ok_or_else(|| {
                        Error::setting_help(
                            format!("{} is required for an ollama provider", key("model")),
                            "name a pulled model, e.g. `model = \"qwen2.5-coder:7b\"` (`ollama list` shows them)",
                        )
                    })?,
                    p.params(),
                    timeout,
                    p.concurrency.unwrap_or(1),
                )),
                ProviderKind::Openai => {
                    let mut urls = p.urls.clone();
                    urls.extend(p.url.clone());
                    if urls.is_empty() {
                        return Err(Error::setting_help(
                            format!(
                                "{} or {} is required for an openai provider",
                                key("url"),
                                key("urls")
                            ),
                            "e.g. `url = \"http://127.0.0.1:8000\"`",
                        ));
                    }
                    let api_key = match &p.api_key_env {
                        Some(var) => Some(std::env::var(var).map_err(|_| {
                            Error::setting_help(
                                format!("{} names `{var}`, which is not set", key("api-key-env")),
                                format!("export {var}=… before running cargo"),
                            )
                        })?),
                        None => None,
                    };
                    Box::new(OpenAi::new(
                        urls,
                        p.model.as_deref().ok_or_else(|| {
                            Error::setting_help(
                                format!("{} is required for an openai provider", key("model")),
                                "use a name the server lists at /v1/models",
                            )
                        })?,
                        p.params(),
                        timeout,
                        p.concurrency.unwrap_or(1),
                        api_key,
                    ))
                }
                ProviderKind::Command => {
                    if p.command.is_empty() {
                        return Err(Error::setting_help(
                            format!("{} is required for a command provider", key("command")),
                            "e.g. `command = [\"llama-cli\", \"-m\", \"model.gguf\"]`",
                        ));
                    }
                    Box::new(Command::new(
                        p.command.clone(),
                        p.model_file.clone(),
                        options.cache_dir.clone(),
                        p.params(),
                        timeout,
                    ))
                }
            };
            if options.offline && provider.uses_network() {
                continue;
            }
            providers.push(provider);
            candidates.push(self.candidates_for(&p));
        }
        let mut router = Router::new(providers, self.escalate_after).with_candidates(candidates);
        if let Some(dir) = &options.cache_dir {
            router = router.with_cache(ResponseCache::new(dir.join("cache")));
        }
        Ok(router)
    }
}

/// The GGUF an embedded provider's `model` setting names, and the name the
/// lock records for it: a known model's name, else the file's stem.
pub(crate) fn embedded_model(model: Option<&str>, home: &Path) -> (PathBuf, String) {
    let model = model.unwrap_or(models::DEFAULT_MODEL);
    let path = models::resolve(model, home);
    let name = if models::known(model).is_some() {
        model.to_string()
    } else {
        path.file_stem()
            .map_or_else(|| model.to_string(), |s| s.to_string_lossy().to_string())
    };
    (path, name)
}

#[cfg(feature = "embedded")]
fn embedded(p: &ProviderSettings, options: &RouterOptions) -> Result<Box<dyn Provider>> {
    let (path, name) = embedded_model(p.model.as_deref(), &options.home);
    Ok(Box::new(super::embedded::Embedded::new(
        path,
        &name,
        p.threads
            .filter(|t| *t > 0)
            .or(Some(super::embedded::threads(options.cores))),
        p.params(),
        options.verbose,
        options.cache_dir.clone(),
    )))
}

#[cfg(not(feature = "embedded"))]
fn embedded(_: &ProviderSettings, _: &RouterOptions) -> Result<Box<dyn Provider>> {
    Err(Error::setting_help(
        "the embedded provider is not compiled in",
        "enable intent-build's `embedded` feature, or configure another provider",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_kind_names_the_key_and_the_accepted_values() {
        let meta = serde_json::json!({ "intent": { "providers": [{ "kind": "olama" }] } });
        let err = Settings::from_metadata(&meta, "package.metadata").unwrap_err();
        assert_eq!(
            err.to_string(),
            "`package.metadata.intent.providers[0].kind`: unknown variant `olama`, expected one of `embedded`, `ollama`, `openai`, `command`"
        );
    }

    #[test]
    fn unknown_key_is_refused() {
        let meta = serde_json::json!({ "intent": { "repair_rounds": 2 } });
        let err = Settings::from_metadata(&meta, "package.metadata").unwrap_err();
        assert!(
            err.to_string().contains("unknown field `repair_rounds`"),
            "{err}"
        );
    }

    #[test]
    fn environment_overrides_the_configuration() {
        let settings = Settings {
            providers: vec![ProviderSettings {
                model: Some("a".into()),
                ..ProviderSettings::of_kind(ProviderKind::Ollama)
            }],
            ..Settings::default()
        };
        let env = Env {
            model: Some("b".into()),
            ..Env::default()
        };
        let providers = settings
            .effective_providers(&env, Some("10.0.0.1:1"))
            .unwrap();
        assert_eq!(providers[0].model.as_deref(), Some("b"));
        assert_eq!(providers[0].url.as_deref(), Some("10.0.0.1:1"));
        let env = Env {
            provider: Some("embedded".into()),
            ..Env::default()
        };
        assert_eq!(
            settings.effective_providers(&env, None).unwrap()[0].kind,
            ProviderKind::Embedded
        );
        let env = Env {
            provider: Some("cloud".into()),
            ..Env::default()
        };
        assert!(settings
            .effective_providers(&env, None)
            .unwrap_err()
            .to_string()
            .contains("INTENT_PROVIDER"));
    }
}
