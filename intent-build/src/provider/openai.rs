//! OpenAI-compatible servers (`/v1/chat/completions`, `/v1/models`):
//! llama-server, llama-cpp-python, LM Studio, vLLM.
//!
//! Several endpoints may serve one model; requests go to the least busy one
//! below its concurrency limit, and an endpoint that cannot be reached is
//! skipped for the others. That is how a team points intent at a GPU fleet
//! without changing anything else.

use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::http;
use super::{
    Completion, ErrorKind, Finish, GenerationParams, ModelIdentity, Provider, ProviderError,
    Request,
};

/// An OpenAI-compatible model served at one or more endpoints.
pub struct OpenAi {
    endpoints: Vec<String>,
    model: String,
    params: GenerationParams,
    api_key: Option<String>,
    per_endpoint: usize,
    client: reqwest::blocking::Client,
    in_flight: Mutex<Vec<usize>>,
    freed: Condvar,
}

/// Releases an endpoint slot when a request ends, however it ends.
struct Slot<'a> {
    provider: &'a OpenAi,
    index: usize,
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let mut in_flight = self
            .provider
            .in_flight
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        in_flight[self.index] -= 1;
        self.provider.freed.notify_one();
    }
}

impl OpenAi {
    /// A provider for `model` at `endpoints` (base URLs, with or without `/v1`).
    ///
    /// `api_key` is read by the caller from an environment variable; it is
    /// sent as a bearer token and never written anywhere.
    pub fn new(
        endpoints: Vec<String>,
        model: &str,
        params: GenerationParams,
        timeout: Duration,
        per_endpoint: usize,
        api_key: Option<String>,
    ) -> Self {
        let endpoints: Vec<String> = endpoints
            .into_iter()
            .map(|e| {
                e.trim()
                    .trim_end_matches('/')
                    .trim_end_matches("/v1")
                    .to_string()
            })
            .collect();
        OpenAi {
            in_flight: Mutex::new(vec![0; endpoints.len()]),
            endpoints,
            model: model.to_string(),
            params,
            api_key,
            per_endpoint: per_endpoint.max(1),
            client: http::client(timeout),
            freed: Condvar::new(),
        }
    }

    /// Takes a slot on the least busy endpoint not in `skip`, waiting while all are full.
    fn acquire(&self, skip: &[usize]) -> Option<Slot<'_>> {
        let mut in_flight = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let candidates = (0..self.endpoints.len()).filter(|i| !skip.contains(i));
            let best = candidates.min_by_key(|&i| in_flight[i])?;
            if in_flight[best] < self.per_endpoint {
                in_flight[best] += 1;
                return Some(Slot {
                    provider: self,
                    index: best,
                });
            }
            in_flight = self
                .freed
                .wait(in_flight)
                .unwrap_or_else(|e| e.into_inner());
        }
    }

    fn complete_at(&self, base: &str, request: &Request) -> Result<Completion, ProviderError> {
        let url = format!("{base}/v1/chat/completions");
        let label = self.label();
        let sampling = self.params.sampling(request.round, request.candidate);
        let mut body = json!({
            "model": self.model,
            "messages": request.json_messages(),
            "temperature": sampling.temperature,
            "top_k": sampling.top_k,
            "seed": sampling.seed,
            "max_tokens": request.max_tokens,
            "stop": request.stop,
            "cache_prompt": false,
            "stream": false,
        });
        if let Some(grammar) = &request.grammar {
            body["grammar"] = Value::String(grammar.clone());
        }
        // Only when configured: servers differ in their own default
        // (llama-server and llama-cpp-python cut at 0.05, vLLM not at all).
        if sampling.min_p > 0.0 {
            body["min_p"] = json!(sampling.min_p);
        }
        let start = Instant::now();
        let reply = http::post(&self.client, &label, &url, &body, self.api_key.as_deref())?;
        match reply.status {
            200 => {}
            404 => {
                return Err(ProviderError::new(
                    ErrorKind::ModelMissing,
                    format!(
                        "{label}: {url} does not serve model {} ({})",
                        self.model,
                        reply.error_text()
                    ),
                ))
            }
            s if s >= 500 => return Err(reply.server_error(&label, &url)),
            s => {
                return Err(ProviderError::new(
                    ErrorKind::BadResponse,
                    format!("{label}: {url} answered {s} ({})", reply.error_text()),
                ))
            }
        }
        let value = reply.json(&label, &url)?;
        let choice = &value["choices"][0];
        let text = choice["message"]["content"].as_str().ok_or_else(|| {
            ProviderError::new(
                ErrorKind::BadResponse,
                format!("{label}: the answer has no choices[0].message.content"),
            )
        })?;
        if choice["finish_reason"].as_str() == Some("length") {
            return Err(ProviderError::truncated(
                format!("{label}: the answer was cut at {} tokens (finish_reason \"length\"); raise `max-tokens`", request.max_tokens),
                text,
            ));
        }
        Ok(Completion {
            text: text.to_string(),
            prompt_tokens: value["usage"]["prompt_tokens"].as_u64().unwrap_or(0) as u32,
            completion_tokens: value["usage"]["completion_tokens"].as_u64().unwrap_or(0) as u32,
            elapsed: start.elapsed(),
            finish: Finish::Stop,
        })
    }
}

impl Provider for OpenAi {
    fn label(&self) -> String {
        format!("openai {} at {}", self.model, self.endpoints.join(", "))
    }

    /// These servers expose no weights digest. The identity is the model id
    /// plus a hash of what `/v1/models` reports for it (minus timestamps),
    /// and the lock says so in its `note`.
    fn identity(&self) -> Result<ModelIdentity, ProviderError> {
        let label = self.label();
        let mut last = None;
        for base in &self.endpoints {
            let url = format!("{base}/v1/models");
            let reply = match http::get(&self.client, &label, &url, self.api_key.as_deref()) {
                Ok(reply) => reply,
                Err(e) => {
                    last = Some(e);
                    continue;
                }
            };
            if reply.status >= 500 {
                last = Some(reply.server_error(&label, &url));
                continue;
            }
            let value = reply.json(&label, &url)?;
            let models = value["data"].as_array().cloned().unwrap_or_default();
            let Some(mut entry) = models
                .into_iter()
                .find(|m| m["id"].as_str() == Some(self.model.as_str()))
            else {
                return Err(ProviderError::new(
                    ErrorKind::ModelMissing,
                    format!("{label}: {url} does not list model {}", self.model),
                ));
            };
            if let Some(object) = entry.as_object_mut() {
                object.remove("created");
            }
            return Ok(ModelIdentity {
                provider: "openai".into(),
                name: self.model.clone(),
                digest: crate::files::sha256_hex(entry.to_string().as_bytes()),
                note: Some("server exposes no weights digest: hash of its /v1/models entry".into()),
            });
        }
        Err(last.unwrap_or_else(|| {
            ProviderError::new(
                ErrorKind::Config,
                format!("{label}: no endpoints configured"),
            )
        }))
    }

    fn complete(&self, request: &Request) -> Result<Completion, ProviderError> {
        let mut skip = Vec::new();
        let mut last = None;
        while let Some(slot) = self.acquire(&skip) {
            let base = self.endpoints[slot.index].clone();
            match self.complete_at(&base, request) {
                Err(e) if e.kind == ErrorKind::Unreachable => {
                    skip.push(slot.index);
                    last = Some(e);
                }
                other => return other,
            }
        }
        Err(last.unwrap_or_else(|| {
            ProviderError::new(
                ErrorKind::Config,
                format!("{}: no endpoints configured", self.label()),
            )
        }))
    }

    fn params(&self) -> &GenerationParams {
        &self.params
    }

    fn concurrency(&self) -> usize {
        self.per_endpoint * self.endpoints.len().max(1)
    }

    fn uses_network(&self) -> bool {
        true
    }
}
