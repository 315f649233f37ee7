//! The crate's settings: `[package.metadata.intent]` (falling back to
//! `[workspace.metadata.intent]`): providers, rounds, the quorum, review,
//! the sandbox, paths. Environment overrides and the router are in
//! `provider/settings.rs`.
//!
//! ```toml
//! [package.metadata.intent]
//! repair-rounds = 3
//! escalate-after = 2          # after 2 failed rounds on a provider, go on with the next
//!
//! model = "qwen2.5-coder-1.5b" # the embedded model when no providers are listed;
//!                             # unset: the model the lock records, else the default
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

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Default wall-clock limit per gate step.
pub const DEFAULT_GATE_TIMEOUT: Duration = Duration::from_secs(10);

/// How a round after a failed one asks again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Repair {
    /// The first prompt again, with what the failures taught as short
    /// lessons, and fresh independent candidates.
    #[default]
    Lessons,
    /// The conversation so far: the first prompt, the furthest-got failed
    /// answer, then its evidence.
    Conversation,
}

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
    /// The most bytes read of one response (ollama, openai; default 16 MiB):
    /// a server that sends more fails the request, unread past the cap.
    pub max_response_bytes: Option<u64>,
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
    /// Min-p cut-off of sampled requests.
    pub min_p: Option<f32>,
    /// Temperature of the sampled requests (every candidate but a round's
    /// greedy first one); `temperature` sets every request's instead.
    pub sample_temperature: Option<f32>,
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
            max_response_bytes: None,
            concurrency: None,
            api_key_env: None,
            command: Vec::new(),
            model_file: None,
            ctx: None,
            max_tokens: None,
            seed: None,
            temperature: None,
            min_p: None,
            sample_temperature: None,
            candidates: None,
        }
    }
}

/// `[package.metadata.intent]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Settings {
    /// Providers in the order they are tried; empty means the embedded
    /// provider with [`Settings::model`].
    #[serde(default)]
    pub providers: Vec<ProviderSettings>,
    /// The embedded model when `providers` lists none: a fetched model's
    /// name or a GGUF path (`cargo intent models use NAME` writes it).
    /// Unset, the crate keeps the model its lock records, so upgrading
    /// intent never changes the model a crate's code comes from.
    pub model: Option<String>,
    /// The known model the lock records for the crate's model-written code
    /// (read by [`Project::open`](crate::project::Project::open), not from
    /// the manifest): the model when the crate names none.
    #[serde(skip)]
    pub recorded_model: Option<String>,
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
    pub repair: Repair,
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
    /// Before accepting on thin support (fewer than 5 agreeing), sample up
    /// to `max-candidates` once for a rival reading (default true).
    pub seek_rival: Option<bool>,
    /// Before accepting, ask the model for checks drawn from the
    /// description and ask the user when the code fails agreed ones
    /// (default true).
    pub description_checks: Option<bool>,
    /// With the description's checks, when they stop nothing, ask the
    /// model for the values of the calls the passing candidates split on
    /// (default false: measured, it raised more false alarms than it
    /// stopped wrong code).
    pub description_probes: Option<bool>,
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

/// Every key `[package.metadata.intent]` accepts, as the reference
/// (`docs/src/reference/configuration.md`) documents them; a test holds
/// this list to [`Settings`] and the docs' test holds the reference to it.
pub const KEYS: &[&str] = &[
    "providers",
    "model",
    "repair-rounds",
    "escalate-after",
    "candidates",
    "repair",
    "agreement",
    "quorum",
    "max-candidates",
    "seek-rival",
    "description-checks",
    "description-probes",
    "review",
    "update-lock",
    "gate-timeout",
    "sandbox",
    "specs-dir",
    "lockfile",
    "docs",
];

/// Every key a `[[package.metadata.intent.providers]]` table accepts (see
/// [`KEYS`]).
pub const PROVIDER_KEYS: &[&str] = &[
    "kind",
    "model",
    "url",
    "urls",
    "threads",
    "timeout",
    "max-response-bytes",
    "concurrency",
    "api-key-env",
    "command",
    "model-file",
    "ctx",
    "max-tokens",
    "seed",
    "temperature",
    "min-p",
    "sample-temperature",
    "candidates",
];

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
            model: None,
            recorded_model: None,
            repair_rounds: default_rounds(),
            escalate_after: None,
            candidates: None,
            repair: Repair::default(),
            agreement: None,
            quorum: None,
            max_candidates: None,
            seek_rival: None,
            description_checks: None,
            description_probes: None,
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

impl Settings {
    /// Whether generated code must run confined: `INTENT_SANDBOX`, else
    /// `sandbox`, else required.
    pub fn sandbox_mode(&self, env: &crate::env::Env) -> crate::sandbox::SandboxMode {
        env.sandbox.or(self.sandbox).unwrap_or_default()
    }

    /// The wall-clock limit for each gate step: `gate-timeout`, or the default.
    pub fn gate_time_limit(&self) -> Duration {
        self.gate_timeout
            .map_or(DEFAULT_GATE_TIMEOUT, Duration::from_secs)
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
}

#[cfg(test)]
mod keys {
    use super::*;

    /// The keys serde accepts for `T`, read from its refusal of an unknown
    /// one ("unknown field `…`, expected one of `a`, `b`, …").
    fn accepted<T: serde::de::DeserializeOwned + std::fmt::Debug>(extra: &str) -> Vec<String> {
        let err = toml::from_str::<T>(&format!("{extra}not-a-key = 1\n")).unwrap_err();
        let message = err.to_string();
        let list = message
            .split("expected one of")
            .nth(1)
            .unwrap_or_else(|| panic!("no field list in {message}"));
        let list = list.split('\n').next().unwrap();
        list.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn the_documented_keys_are_the_keys_the_settings_accept() {
        let mut keys = accepted::<Settings>("");
        keys.sort();
        let mut listed: Vec<String> = KEYS.iter().map(|k| k.to_string()).collect();
        listed.sort();
        assert_eq!(listed, keys, "settings::KEYS and Settings disagree");
    }

    #[test]
    fn the_documented_provider_keys_are_the_keys_a_provider_accepts() {
        let mut keys = accepted::<ProviderSettings>("kind = \"embedded\"\n");
        keys.sort();
        let mut listed: Vec<String> = PROVIDER_KEYS.iter().map(|k| k.to_string()).collect();
        listed.sort();
        assert_eq!(listed, keys, "settings::PROVIDER_KEYS and ProviderSettings disagree");
    }
}
