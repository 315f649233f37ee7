//! Trying providers in order, and escalating to bigger ones after failed
//! repair rounds ("draft small, repair big").

use super::cache::ResponseCache;
use super::{Completion, ModelIdentity, Provider, ProviderError};

/// Providers in configured order.
pub struct Router {
    providers: Vec<Box<dyn Provider>>,
    escalate_after: Option<u32>,
    cache: Option<ResponseCache>,
}

/// A completion and the provider that produced it.
pub struct Routed {
    /// Index of the provider in configured order.
    pub provider: usize,
    /// The provider's label.
    pub label: String,
    /// Its model identity, as the lock records it.
    pub identity: ModelIdentity,
    /// The completion.
    pub completion: Completion,
    /// Whether it came from the response cache (no model call).
    pub cached: bool,
}

/// Every provider failed; each reason is kept.
#[derive(Debug, Clone)]
pub struct RouterError {
    /// (provider label, its error) in the order tried.
    pub failures: Vec<(String, ProviderError)>,
}

impl std::fmt::Display for RouterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.failures.is_empty() {
            return f.write_str("no model provider is configured");
        }
        write!(f, "every model provider failed:")?;
        // Provider errors name their provider already.
        for (_, error) in &self.failures {
            write!(f, "\n  - {error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for RouterError {}

impl Router {
    /// A router over `providers`; with `escalate_after = Some(n)`, repair
    /// round `r` starts at provider `r / n` (clamped to the last one).
    pub fn new(providers: Vec<Box<dyn Provider>>, escalate_after: Option<u32>) -> Self {
        Router {
            providers,
            escalate_after,
            cache: None,
        }
    }

    /// Answers repeated requests from `cache` without calling a model.
    pub fn with_cache(mut self, cache: ResponseCache) -> Self {
        self.cache = Some(cache);
        self
    }

    /// The providers, in order.
    pub fn providers(&self) -> &[Box<dyn Provider>] {
        &self.providers
    }

    /// The order in which providers are tried for `round` (0 is the first generation).
    pub fn order(&self, round: u32) -> Vec<usize> {
        let n = self.providers.len();
        if n == 0 {
            return Vec::new();
        }
        let first = match self.escalate_after {
            Some(after) if after > 0 => ((round / after) as usize).min(n - 1),
            _ => 0,
        };
        // Escalated rounds fall back to the earlier providers only after the later ones.
        (first..n).chain(0..first).collect()
    }

    /// Completes `request` on the first provider that can, for repair `round`.
    ///
    /// A provider is skipped on a connection error, timeout, 5xx or missing
    /// model; any other failure (bad output, truncation) is returned as is,
    /// since another provider would not make the request valid.
    ///
    /// # Errors
    ///
    /// [`RouterError`] listing every provider tried with its reason.
    pub fn complete(&self, request: &super::Request, round: u32) -> Result<Routed, RouterError> {
        let mut failures = Vec::new();
        for index in self.order(round) {
            let provider = &self.providers[index];
            let label = provider.label();
            // The completion limit is the provider's generation parameter
            // (`max-tokens`), part of its params hash, not the caller's.
            let request = &super::Request {
                max_tokens: provider.params().max_tokens,
                ..request.clone()
            };
            let result = provider.identity().and_then(|identity| {
                let key = ResponseCache::key(&identity, provider.params(), request);
                if let Some(hit) = self.cache.as_ref().and_then(|c| c.get(&key)) {
                    return Ok((identity, hit, true));
                }
                let completion = provider.complete(request)?;
                if let Some(cache) = &self.cache {
                    cache.put(&key, &completion);
                }
                Ok((identity, completion, false))
            });
            match result {
                Ok((identity, completion, cached)) => {
                    return Ok(Routed {
                        provider: index,
                        label,
                        identity,
                        completion,
                        cached,
                    });
                }
                Err(error) => {
                    let next = error.try_next();
                    failures.push((label, error));
                    if !next {
                        break;
                    }
                }
            }
        }
        Err(RouterError { failures })
    }
}
