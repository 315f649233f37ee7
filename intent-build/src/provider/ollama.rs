//! Ollama (`/api/chat`, `/api/tags`, `/api/version`).
//!
//! Every option is sent explicitly: an unset `num_ctx` depends on the machine
//! and silently truncates prompts. `done_reason == "length"` is a failure, and
//! models proxied to a cloud (`remote_host` set) are refused as not local.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::http::{self, Reply};
use super::{
    Completion, ErrorKind, Finish, GenerationParams, ModelIdentity, Provider, ProviderError,
    Request,
};

/// The address Ollama listens on by default.
pub const DEFAULT_HOST: &str = "http://127.0.0.1:11434";

/// An Ollama server and one of its models.
pub struct Ollama {
    host: String,
    model: String,
    params: GenerationParams,
    client: http::Client,
    concurrency: usize,
}

impl Ollama {
    /// Reads at most `bytes` of one response (`max-response-bytes`): a
    /// longer one fails the request, and its rest is never read.
    pub fn max_response_bytes(mut self, bytes: u64) -> Self {
        self.client.max_response_bytes = bytes;
        self
    }

    /// A provider for `model` on `host` (`OLLAMA_HOST` syntax: `host:port` or a URL).
    pub fn new(
        host: &str,
        model: &str,
        params: GenerationParams,
        timeout: Duration,
        concurrency: usize,
    ) -> Self {
        Ollama {
            host: normalize_host(host),
            model: model.to_string(),
            params,
            client: http::client(timeout),
            concurrency: concurrency.max(1),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.host)
    }

    fn not_pulled(&self) -> ProviderError {
        ProviderError::new(
            ErrorKind::ModelMissing,
            format!(
                "model {} is not pulled on {}: run `ollama pull {}`",
                self.model, self.host, self.model
            ),
        )
    }

    /// The server's version, from `/api/version`.
    ///
    /// # Errors
    ///
    /// When the server cannot be reached or answers oddly.
    pub fn version(&self) -> Result<String, ProviderError> {
        let url = self.url("/api/version");
        let reply = http::get(&self.client, &self.label(), &url, None)?;
        if reply.status != 200 {
            return Err(reply.server_error(&self.label(), &url));
        }
        Ok(reply.json(&self.label(), &url)?["version"]
            .as_str()
            .unwrap_or("unknown")
            .to_string())
    }
}

/// `OLLAMA_HOST` accepts `host`, `host:port` and URLs; make it a URL without a trailing slash.
pub fn normalize_host(host: &str) -> String {
    let host = host.trim().trim_end_matches('/');
    let with_scheme = if host.contains("://") {
        host.to_string()
    } else {
        format!("http://{host}")
    };
    let authority = with_scheme.split("://").nth(1).unwrap_or_default();
    if authority.contains(':') {
        with_scheme
    } else {
        format!("{with_scheme}:11434")
    }
}

fn same_model(listed: &str, wanted: &str) -> bool {
    let strip = |s: &str| s.strip_suffix(":latest").unwrap_or(s).to_string();
    strip(listed) == strip(wanted)
}

impl Provider for Ollama {
    fn label(&self) -> String {
        format!("ollama {} at {}", self.model, self.host)
    }

    fn identity(&self) -> Result<ModelIdentity, ProviderError> {
        let url = self.url("/api/tags");
        let reply = http::get(&self.client, &self.label(), &url, None)?;
        if reply.status >= 500 {
            return Err(reply.server_error(&self.label(), &url));
        }
        let tags = reply.json(&self.label(), &url)?;
        let models = tags["models"].as_array().cloned().unwrap_or_default();
        let entry = models
            .iter()
            .find(|m| {
                m["name"]
                    .as_str()
                    .is_some_and(|n| same_model(n, &self.model))
                    || m["model"]
                        .as_str()
                        .is_some_and(|n| same_model(n, &self.model))
            })
            .ok_or_else(|| self.not_pulled())?;
        if entry.get("remote_host").is_some_and(|h| !h.is_null()) {
            return Err(ProviderError::new(
                ErrorKind::Refused,
                format!(
                    "{}: the model is proxied to {} and is not local; pull a local model instead",
                    self.label(),
                    entry["remote_host"]
                ),
            ));
        }
        let digest = entry["digest"].as_str().ok_or_else(|| {
            ProviderError::new(
                ErrorKind::BadResponse,
                format!(
                    "{}: /api/tags lists {} without a digest",
                    self.label(),
                    self.model
                ),
            )
        })?;
        Ok(ModelIdentity {
            provider: "ollama".into(),
            name: self.model.clone(),
            digest: format!("sha256:{}", digest.trim_start_matches("sha256:")),
            note: None,
        })
    }

    fn complete(&self, request: &Request) -> Result<Completion, ProviderError> {
        let url = self.url("/api/chat");
        let p = &self.params;
        let sampling = p.sampling(request.round, request.candidate);
        let body = json!({
            "model": self.model,
            "messages": request.json_messages(),
            "stream": false,
            "think": false,
            "options": {
                "temperature": sampling.temperature,
                "top_k": sampling.top_k,
                "min_p": sampling.min_p,
                "seed": sampling.seed,
                "num_ctx": p.num_ctx,
                "num_predict": request.max_tokens,
                "stop": request.stop,
            },
        });
        let start = Instant::now();
        let reply: Reply = http::post(&self.client, &self.label(), &url, &body, None)?;
        let label = self.label();
        match reply.status {
            200 => {}
            404 => return Err(self.not_pulled()),
            s if s >= 500 => return Err(reply.server_error(&label, &url)),
            s => {
                return Err(ProviderError::new(
                    ErrorKind::BadResponse,
                    format!("{label}: {url} answered {s} ({})", reply.error_text()),
                ))
            }
        }
        let value: Value = reply.json(&label, &url)?;
        let text = value["message"]["content"].as_str().ok_or_else(|| {
            ProviderError::new(
                ErrorKind::BadResponse,
                format!("{label}: the answer has no message.content"),
            )
        })?;
        let completion_tokens = value["eval_count"].as_u64().unwrap_or(0) as u32;
        if value["done_reason"].as_str() == Some("length") {
            return Err(ProviderError::truncated(
                format!("{label}: the answer was cut at {} tokens (done_reason \"length\"); raise `max-tokens` or `ctx`", request.max_tokens),
                text,
            ));
        }
        Ok(Completion {
            text: text.to_string(),
            prompt_tokens: value["prompt_eval_count"].as_u64().unwrap_or(0) as u32,
            completion_tokens,
            elapsed: start.elapsed(),
            finish: Finish::Stop,
        })
    }

    fn params(&self) -> &GenerationParams {
        &self.params
    }

    fn concurrency(&self) -> usize {
        self.concurrency
    }

    fn uses_network(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ollama_host_forms() {
        assert_eq!(normalize_host("localhost"), "http://localhost:11434");
        assert_eq!(normalize_host("127.0.0.1:9999"), "http://127.0.0.1:9999");
        assert_eq!(normalize_host("http://h:1/"), "http://h:1");
        assert_eq!(normalize_host("https://h"), "https://h:11434");
    }
}
