//! OpenAI-compatible servers (`/v1/chat/completions`, `/v1/models`):
//! llama-server, llama-cpp-python, LM Studio, vLLM.
//!
//! Several endpoints may serve one model; requests go to the least busy one
//! below its concurrency limit. An endpoint that fails a request (refused,
//! reset, timed out, a 5xx) hands it to another and rests for a backoff
//! that doubles with each failure in a row; it is tried again after that,
//! never forgotten, and one answer puts it back in full service. A request
//! every endpoint failed is one error naming each endpoint and what it
//! answered. Which endpoint answers never changes what is asked: the seed
//! and sampling come from the request alone. That is how a team points
//! intent at a GPU fleet without changing anything else.

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
    client: http::Client,
    pool: Mutex<Vec<Endpoint>>,
    freed: Condvar,
}

/// One endpoint's load and health.
#[derive(Debug, Clone, Default)]
struct Endpoint {
    in_flight: usize,
    /// Failures in a row; 0 when its last request was answered.
    failures: u32,
    /// Resting until then after a failure.
    rest_until: Option<Instant>,
}

/// The first rest after a failure; each failure in a row doubles it.
const FIRST_REST: Duration = Duration::from_millis(500);

/// The longest rest.
const LONGEST_REST: Duration = Duration::from_secs(30);

/// How often one request may try one endpoint.
const TRIES_PER_ENDPOINT: usize = 2;

/// Releases an endpoint slot when a request ends, however it ends.
struct Slot<'a> {
    provider: &'a OpenAi,
    index: usize,
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let mut pool = self
            .provider
            .pool
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        pool[self.index].in_flight -= 1;
        self.provider.freed.notify_all();
    }
}

impl OpenAi {
    /// Reads at most `bytes` of one response (`max-response-bytes`): a
    /// longer one fails the request, and its rest is never read.
    pub fn max_response_bytes(mut self, bytes: u64) -> Self {
        self.client.max_response_bytes = bytes;
        self
    }

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
            pool: Mutex::new(vec![Endpoint::default(); endpoints.len()]),
            endpoints,
            model: model.to_string(),
            params,
            api_key,
            per_endpoint: per_endpoint.max(1),
            client: http::client(timeout),
            freed: Condvar::new(),
        }
    }

    /// Takes a slot on an endpoint `tries` allows (fewer than
    /// [`TRIES_PER_ENDPOINT`] tries of this request): the least busy of
    /// those not resting, else the one whose rest ends first, once it ends;
    /// waits while they are full. `None`: every endpoint was tried enough.
    fn acquire(&self, tries: &[usize]) -> Option<Slot<'_>> {
        let mut pool = self.pool.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let now = Instant::now();
            let open = |i: &usize| tries[*i] < TRIES_PER_ENDPOINT;
            let resting = |i: usize| pool[i].rest_until.is_some_and(|t| t > now);
            let awake = (0..pool.len()).filter(open).filter(|&i| !resting(i));
            let choice = match awake.min_by_key(|&i| pool[i].in_flight) {
                Some(best) => Ok(best),
                None => (0..pool.len())
                    .filter(open)
                    .min_by_key(|&i| pool[i].rest_until)
                    .map(Err)?,
            };
            match choice {
                Ok(best) if pool[best].in_flight < self.per_endpoint => {
                    pool[best].in_flight += 1;
                    return Some(Slot {
                        provider: self,
                        index: best,
                    });
                }
                // Full: wait for a slot to free.
                Ok(_) => {
                    pool = self.freed.wait(pool).unwrap_or_else(|e| e.into_inner());
                }
                // Every endpoint left rests: wait for the first to wake.
                Err(first) => {
                    let wake = pool[first].rest_until.unwrap_or(now);
                    let wait = wake.saturating_duration_since(now);
                    pool = self
                        .freed
                        .wait_timeout(pool, wait)
                        .unwrap_or_else(|e| e.into_inner())
                        .0;
                    if Instant::now() >= wake {
                        pool[first].rest_until = None;
                    }
                }
            }
        }
    }

    /// Records how a request at endpoint `index` went: an answer ends its
    /// rest; a failure starts one, twice as long as the last.
    fn note(&self, index: usize, failed: bool) {
        let mut pool = self.pool.lock().unwrap_or_else(|e| e.into_inner());
        let endpoint = &mut pool[index];
        if failed {
            endpoint.failures += 1;
            let rest = FIRST_REST
                .saturating_mul(1 << (endpoint.failures - 1).min(16))
                .min(LONGEST_REST);
            endpoint.rest_until = Some(Instant::now() + rest);
        } else {
            endpoint.failures = 0;
            endpoint.rest_until = None;
        }
        drop(pool);
        self.freed.notify_all();
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

impl OpenAi {
    /// One error for a request no endpoint answered: each endpoint with
    /// what it answered last, of the kind the last one met (so the router
    /// may try its next provider).
    fn all_failed(&self, answered: Vec<Option<ProviderError>>) -> ProviderError {
        let label = self.label();
        let kind = answered
            .iter()
            .flatten()
            .last()
            .map_or(ErrorKind::Config, |e| e.kind);
        if self.endpoints.is_empty() {
            return ProviderError::new(kind, format!("{label}: no endpoints configured"));
        }
        // One endpoint: its own error says it all.
        if let [Some(only)] = &answered[..] {
            return only.clone();
        }
        let lines: Vec<String> = self
            .endpoints
            .iter()
            .zip(&answered)
            .map(|(url, error)| {
                let what = error.as_ref().map_or("not asked".to_string(), |e| {
                    // Each message starts with the label; the endpoint names itself.
                    e.message
                        .strip_prefix(&format!("{label}: "))
                        .unwrap_or(&e.message)
                        .to_string()
                });
                format!("  {url}: {what}")
            })
            .collect();
        ProviderError::new(
            kind,
            format!("{label}: every endpoint failed:\n{}", lines.join("\n")),
        )
    }
}

/// Whether `error` says the endpoint failed rather than the request: then
/// another endpoint may answer it.
fn endpoint_failed(error: &ProviderError) -> bool {
    matches!(
        error.kind,
        ErrorKind::Unreachable | ErrorKind::Timeout | ErrorKind::Server
    )
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
        let mut answered = vec![None; self.endpoints.len()];
        for (i, base) in self.endpoints.iter().enumerate() {
            let url = format!("{base}/v1/models");
            let reply = match http::get(&self.client, &label, &url, self.api_key.as_deref()) {
                Ok(reply) => reply,
                Err(e) => {
                    answered[i] = Some(e);
                    continue;
                }
            };
            if reply.status >= 500 {
                answered[i] = Some(reply.server_error(&label, &url));
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
        Err(self.all_failed(answered))
    }

    fn complete(&self, request: &Request) -> Result<Completion, ProviderError> {
        let mut tries = vec![0; self.endpoints.len()];
        // What each endpoint answered last, for the error when none succeeds.
        let mut answered: Vec<Option<ProviderError>> = vec![None; self.endpoints.len()];
        while let Some(slot) = self.acquire(&tries) {
            let index = slot.index;
            tries[index] += 1;
            let result = self.complete_at(&self.endpoints[index], request);
            drop(slot);
            match result {
                Err(e) if endpoint_failed(&e) => {
                    self.note(index, true);
                    // A slow endpoint is not asked to be slow twice.
                    if e.kind == ErrorKind::Timeout {
                        tries[index] = TRIES_PER_ENDPOINT;
                    }
                    answered[index] = Some(e);
                }
                other => {
                    self.note(index, false);
                    return other;
                }
            }
        }
        Err(self.all_failed(answered))
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
