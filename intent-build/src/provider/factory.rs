//! Turning the crate's provider settings ([`crate::settings`]) into a
//! [`Router`]: environment overrides, each provider's construction, and how
//! many cores an embedded model takes.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::cache::ResponseCache;
use super::command::Command;
use super::ollama::{self, Ollama};
use super::openai::OpenAi;
use super::router::Router;
use super::{GenerationParams, Provider};
use crate::env::Env;
use crate::error::{Error, Result};
use crate::models;
pub use super::cores::Cores;
use crate::settings::{ProviderKind, ProviderSettings, Settings};

impl ProviderSettings {
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
        if let Some(p) = self.min_p {
            params.min_p = p;
        }
        if let Some(t) = self.sample_temperature {
            params.repair_temperature = t;
        }
        params
    }
}

impl Settings {
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
            let mut embedded = ProviderSettings::of_kind(ProviderKind::Embedded);
            embedded.model = self.model.clone().or_else(|| self.recorded_model.clone());
            providers.push(embedded);
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
            let provider = provider(&p, index, options)?;
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

/// The provider `p` (the `index`th of the list) describes.
fn provider(
    p: &ProviderSettings,
    index: usize,
    options: &RouterOptions,
) -> Result<Box<dyn Provider>> {
    let key = |k: &str| format!("`providers[{index}].{k}`");
    let timeout = Duration::from_secs(p.timeout.unwrap_or(300));
    Ok(match p.kind {
        ProviderKind::Embedded => embedded(p, options)?,
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
        )
        .max_response_bytes(max_response_bytes(p))),
        ProviderKind::Openai => openai(p, &key, timeout)?,
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
    })
}

/// An OpenAI-compatible provider: its endpoints, model and API key.
fn openai(
    p: &ProviderSettings,
    key: &dyn Fn(&str) -> String,
    timeout: Duration,
) -> Result<Box<dyn Provider>> {
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
    Ok(Box::new(OpenAi::new(
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
    )
    .max_response_bytes(max_response_bytes(p))))
}

/// The most bytes a provider reads of one response.
fn max_response_bytes(p: &ProviderSettings) -> u64 {
    p.max_response_bytes.unwrap_or(super::http::DEFAULT_MAX_RESPONSE_BYTES)
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
    use crate::settings::*;

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

    #[test]
    fn sample_temperature_sets_the_sampled_requests_only() {
        let meta = serde_json::json!({ "intent": { "providers": [
            { "kind": "embedded", "sample-temperature": 0.3 }
        ] } });
        let settings = Settings::from_metadata(&meta, "package.metadata")
            .unwrap()
            .expect("an `intent` table");
        let params = settings.providers[0].params();
        assert_eq!(params.sampling(0, 0).temperature, 0.0, "the first stays greedy");
        assert_eq!(params.sampling(0, 1).temperature, 0.3);
        assert_eq!(params.sampling(1, 0).temperature, 0.3);
        let default = ProviderSettings::of_kind(ProviderKind::Embedded).params();
        assert_ne!(params.hash(), default.hash(), "a lock records the change");
    }
}
