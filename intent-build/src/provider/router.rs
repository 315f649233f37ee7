//! Trying providers in order, and escalating to bigger ones after failed
//! repair rounds ("draft small, repair big").

use super::cache::ResponseCache;
pub use super::routed::{Routed, RouterError};
use super::{Completion, ModelIdentity, Provider, ProviderError};

/// Providers in configured order.
pub struct Router {
    providers: Vec<Box<dyn Provider>>,
    escalate_after: Option<u32>,
    cache: Option<ResponseCache>,
    /// Candidates per round for each provider, in provider order.
    candidates: Vec<u32>,
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
            candidates: Vec::new(),
        }
    }

    /// Answers repeated requests from `cache` without calling a model.
    pub fn with_cache(mut self, cache: ResponseCache) -> Self {
        self.cache = Some(cache);
        self
    }

    /// `Ok` when a provider can be reached (its identity answers), else
    /// every provider's failure: a run should stop before its first
    /// intent rather than fail each one alike. Failures that another try
    /// would not mend (a missing model, a bad setting) are left to the
    /// requests, which report them per intent.
    ///
    /// # Errors
    ///
    /// Every provider is unreachable, timed out or answered 5xx.
    pub fn reachable(&self) -> Result<(), RouterError> {
        let mut failures = Vec::new();
        for provider in &self.providers {
            match provider.identity() {
                Ok(_) => return Ok(()),
                Err(e) if e.try_next() && e.kind != super::ErrorKind::ModelMissing => {
                    failures.push((provider.label(), e));
                }
                Err(_) => return Ok(()),
            }
        }
        if failures.is_empty() {
            Ok(())
        } else {
            Err(RouterError { failures })
        }
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

    /// How many candidates round `round` asks for: the `candidates` setting
    /// of the provider tried first in that round.
    pub fn candidates(&self, round: u32) -> u32 {
        self.order(round)
            .first()
            .and_then(|&i| self.candidates.get(i).copied())
            .unwrap_or(1)
            .max(1)
    }

    /// Sets each provider's candidates per round, in provider order.
    pub fn with_candidates(mut self, candidates: Vec<u32>) -> Self {
        self.candidates = candidates;
        self
    }

    /// Completes `request` on the first provider that can, for repair `round`.
    ///
    /// # Errors
    ///
    /// As [`Router::complete_many`].
    pub fn complete(&self, request: &super::Request, round: u32) -> Result<Routed, RouterError> {
        let mut one = self.complete_many(request, round, 1);
        one.pop().unwrap_or_else(|| {
            Err(RouterError {
                failures: Vec::new(),
            })
        })
    }

    /// Completes `n` candidates of `request` (candidate indices `0..n`, each
    /// sampled with its own seed) for repair `round`, answers in candidate
    /// order. Candidates the response cache holds cost no model call; the
    /// rest go to the provider in one batch.
    ///
    /// A provider is skipped on a connection error, timeout, 5xx or missing
    /// model; any other failure (bad output, truncation) is that candidate's
    /// answer, since another provider would not make the request valid.
    ///
    /// # Errors
    ///
    /// Per candidate, a [`RouterError`] listing every provider tried with its reason.
    pub fn complete_many(
        &self,
        request: &super::Request,
        round: u32,
        n: u32,
    ) -> Vec<Result<Routed, RouterError>> {
        let n = n as usize;
        let mut answers: Vec<Option<Result<Routed, RouterError>>> = (0..n).map(|_| None).collect();
        let mut failures: Vec<Vec<(String, ProviderError)>> = vec![Vec::new(); n];
        for index in self.order(round) {
            let open: Vec<usize> = (0..n).filter(|&i| answers[i].is_none()).collect();
            if open.is_empty() {
                break;
            }
            let provider = &self.providers[index];
            let label = provider.label();
            let identity = match provider.identity() {
                Ok(identity) => identity,
                Err(error) => {
                    for &i in &open {
                        failures[i].push((label.clone(), error.clone()));
                    }
                    if !error.try_next() {
                        break;
                    }
                    continue;
                }
            };
            let mut asked = Vec::new();
            for &i in &open {
                let request = super::Request {
                    max_tokens: token_limit(request.max_tokens, provider.params().max_tokens),
                    round,
                    candidate: i as u32,
                    ..request.clone()
                };
                let key = ResponseCache::key(&identity, provider.params(), &request);
                match self.cache.as_ref().and_then(|c| c.get(&key)) {
                    Some(hit) => answers[i] = Some(Ok(self.routed(index, &identity, hit, true))),
                    None => asked.push((i, request, key)),
                }
            }
            let requests: Vec<super::Request> = asked.iter().map(|(_, r, _)| r.clone()).collect();
            let completions = if requests.is_empty() {
                Vec::new()
            } else {
                provider.complete_batch(&requests)
            };
            for ((i, _, key), completion) in asked.into_iter().zip(completions) {
                match completion {
                    Ok(completion) => {
                        if let Some(cache) = &self.cache {
                            cache.put(&key, &completion);
                        }
                        answers[i] = Some(Ok(self.routed(index, &identity, completion, false)));
                    }
                    Err(error) => {
                        let next = error.try_next();
                        failures[i].push((label.clone(), error));
                        if !next {
                            answers[i] = Some(Err(RouterError {
                                failures: std::mem::take(&mut failures[i]),
                            }));
                        }
                    }
                }
            }
        }
        answers
            .into_iter()
            .zip(failures)
            .map(|(answer, failures)| answer.unwrap_or(Err(RouterError { failures })))
            .collect()
    }

    fn routed(
        &self,
        index: usize,
        identity: &ModelIdentity,
        completion: Completion,
        cached: bool,
    ) -> Routed {
        Routed {
            provider: index,
            label: self.providers[index].label(),
            params: self.providers[index].params().clone(),
            identity: identity.clone(),
            completion,
            cached,
        }
    }
}

/// The completion limit a request gets: the provider's `max-tokens` (a
/// generation parameter, part of its params hash), or less where the
/// caller asked for less (`asked`, 0 for none): an answer useful cut short.
fn token_limit(asked: u32, provider: u32) -> u32 {
    match asked {
        0 => provider,
        asked => asked.min(provider),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::{GenerationParams, Request};

    struct Named(&'static str, GenerationParams);

    impl Provider for Named {
        fn label(&self) -> String {
            self.0.into()
        }
        fn identity(&self) -> Result<ModelIdentity, ProviderError> {
            Err(ProviderError::new(
                crate::provider::ErrorKind::Unreachable,
                format!("{}: down", self.0),
            ))
        }
        fn complete(&self, _: &Request) -> Result<Completion, ProviderError> {
            unreachable!("identity fails first")
        }
        fn params(&self) -> &GenerationParams {
            &self.1
        }
        fn uses_network(&self) -> bool {
            false
        }
    }

    fn router(escalate_after: Option<u32>) -> Router {
        let providers: Vec<Box<dyn Provider>> = ["small", "medium", "big"]
            .into_iter()
            .map(|n| Box::new(Named(n, GenerationParams::default())) as Box<dyn Provider>)
            .collect();
        Router::new(providers, escalate_after).with_candidates(vec![4, 2, 1])
    }

    #[test]
    fn configured_order_without_escalation() {
        let r = router(None);
        for round in 0..5 {
            assert_eq!(r.order(round), [0, 1, 2]);
        }
        assert_eq!(r.candidates(3), 4);
    }

    #[test]
    fn escalation_starts_later_providers_and_falls_back_to_earlier_ones() {
        let r = router(Some(2));
        assert_eq!(r.order(0), [0, 1, 2]);
        assert_eq!(r.order(1), [0, 1, 2]);
        assert_eq!(r.order(2), [1, 2, 0]);
        assert_eq!(r.order(4), [2, 0, 1]);
        assert_eq!(r.order(40), [2, 0, 1]);
        // The provider asked first decides how many candidates a round has.
        assert_eq!(
            (r.candidates(0), r.candidates(2), r.candidates(4)),
            (4, 2, 1)
        );
    }

    #[test]
    fn every_candidate_lists_every_provider_that_failed_it() {
        let r = router(None);
        let request = Request {
            system: String::new(),
            history: Vec::new(),
            user: "hi".into(),
            stop: Vec::new(),
            max_tokens: 8,
            grammar: None,
            round: 0,
            candidate: 0,
            batching: super::super::Batching::ALL,
        };
        let answers = r.complete_many(&request, 0, 3);
        assert_eq!(answers.len(), 3);
        for answer in answers {
            let labels: Vec<String> = answer
                .err()
                .unwrap()
                .failures
                .into_iter()
                .map(|f| f.0)
                .collect();
            assert_eq!(labels, ["small", "medium", "big"]);
        }
    }
}
