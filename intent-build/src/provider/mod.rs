//! Local model providers behind one small interface.
//!
//! A [`Provider`] turns a chat [`Request`] into a [`Completion`] and reports
//! the exact [`ModelIdentity`] that the lock records. The router and the
//! response cache wrap the trait; they never need to know which kind of
//! provider they hold.

pub mod cache;
pub mod command;
pub mod cores;
#[cfg(feature = "embedded")]
pub mod embedded;
pub(crate) mod http;
pub mod ollama;
pub mod openai;
pub mod routed;
pub mod router;
pub mod factory;

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use crate::lockfile::ModelIdentity;

/// One chat request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The system message.
    pub system: String,
    /// Earlier turns of the conversation, as (user, assistant) pairs, before `user`.
    #[serde(default)]
    pub history: Vec<(String, String)>,
    /// The user message.
    pub user: String,
    /// Generation stops before any of these strings.
    pub stop: Vec<String>,
    /// The most tokens to generate; reaching it is an error, not a silent cut.
    pub max_tokens: u32,
    /// A GBNF grammar the output must follow, where the provider supports one.
    pub grammar: Option<String>,
    /// The repair round this request belongs to (0: the first round); see
    /// [`GenerationParams::sampling`].
    #[serde(default)]
    pub round: u32,
    /// Which of the round's independent candidates this is (0: the first,
    /// greedy in round 0); see [`GenerationParams::sampling`].
    #[serde(default)]
    pub candidate: u32,
    /// What a batching provider may do on its own to spend less; written
    /// (and so part of a cached answer's key) only when a part is off.
    #[serde(default, skip_serializing_if = "Batching::all")]
    pub batching: Batching,
}

/// What a provider that decodes a batch may do on its own to spend less
/// on it, beyond `stop` and `max_tokens` (the embedded provider; an HTTP
/// server decodes each answer apart and does none of it). A batch runs
/// until its longest sequence ends, and on two cores every row of a step
/// is paid in arithmetic. Everything is on by default; turning a part off
/// is for measuring it (the `mbpp` bench's `INTENT_BENCH_CUTS=0` and
/// `INTENT_BENCH_SHARED=0`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batching {
    /// Cut a sequence running far longer than the batch's finished
    /// answers (a *straggler*).
    pub stragglers: bool,
    /// Stop a sequence that writes one line three times in a row (it
    /// *repeated itself*).
    pub repeats: bool,
    /// Decode a token once for every sequence whose answer so far is the
    /// same and that picked it: their logits are the same, so each still
    /// samples its own next token from them, and the answers are those
    /// decoded apart (up to the order of float sums).
    pub shared_prefixes: bool,
}

impl Batching {
    /// Everything on: the default.
    pub const ALL: Batching = Batching {
        stragglers: true,
        repeats: true,
        shared_prefixes: true,
    };
    /// Nothing: each sequence decoded apart, ending at its answer's end, a
    /// stop string or `max_tokens` only.
    pub const NONE: Batching = Batching {
        stragglers: false,
        repeats: false,
        shared_prefixes: false,
    };

    /// Whether everything is on.
    pub fn all(&self) -> bool {
        *self == Batching::ALL
    }
}

impl Default for Batching {
    fn default() -> Batching {
        Batching::ALL
    }
}

/// Why generation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Finish {
    /// The model ended its turn or hit a stop sequence.
    Stop,
    /// The token limit was reached.
    Length,
}

/// A model's answer, with what it cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Completion {
    /// The generated text.
    pub text: String,
    /// Tokens in the prompt, as the provider counted them (0 if unknown).
    pub prompt_tokens: u32,
    /// Tokens generated.
    pub completion_tokens: u32,
    /// Wall-clock time of the request.
    pub elapsed: Duration,
    /// Why generation ended.
    pub finish: Finish,
}

impl Request {
    /// The conversation as (role, content) pairs: system, history, user.
    pub fn messages(&self) -> Vec<(&'static str, &str)> {
        let mut messages = vec![("system", self.system.as_str())];
        for (user, assistant) in &self.history {
            messages.push(("user", user.as_str()));
            messages.push(("assistant", assistant.as_str()));
        }
        messages.push(("user", self.user.as_str()));
        messages
    }

    /// The messages as JSON chat messages (`[{"role", "content"}]`).
    pub fn json_messages(&self) -> serde_json::Value {
        self.messages()
            .into_iter()
            .map(|(role, content)| serde_json::json!({ "role": role, "content": content }))
            .collect()
    }
}

impl Completion {
    /// Generated tokens per second, or 0 when the time is unknown.
    pub fn tokens_per_second(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            f64::from(self.completion_tokens) / secs
        } else {
            0.0
        }
    }
}

/// Sampling and limit settings, recorded in the lock through their hash.
///
/// The defaults are greedy decoding with a fixed seed: the most repeatable
/// setting a local engine offers (see DESIGN.md on why storage, not
/// determinism, is the promise).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenerationParams {
    /// Sampling temperature; 0 is greedy.
    pub temperature: f32,
    /// Top-k cut-off (1 with greedy decoding).
    pub top_k: i32,
    /// Random seed.
    pub seed: u32,
    /// Context size in tokens.
    pub num_ctx: u32,
    /// Default completion limit in tokens.
    pub max_tokens: u32,
    /// Temperature of every sampled request: repair rounds and the other
    /// candidates of a round. Greedy decoding makes a small model repeat its
    /// answer word for word; these sample instead, each with its own seed,
    /// so they stay reproducible. (The name is kept: it is part of the
    /// `params-hash` every lock records.)
    pub repair_temperature: f32,
    /// Min-p cut-off of every sampled request: tokens less likely than
    /// this share of the likeliest token are never drawn (0: off). Left out
    /// of the parameters' hash at its default ([`DEFAULT_MIN_P`]), as the
    /// sampled top-k is: locks written before it existed stay fresh, and a
    /// configured value is hashed.
    #[serde(default = "default_min_p", skip_serializing_if = "is_default_min_p")]
    pub min_p: f32,
}

/// The default [`GenerationParams::min_p`]: off. Measured on 29 MBPP specs
/// side by side (the `mbpp` bench section, `INTENT_BENCH_MIN_P=0.05`): the
/// same 87 of 360 candidates passed, compile deaths moved to the examples
/// (135 → 122 and 126 → 138), one intent fewer had a passing candidate.
pub const DEFAULT_MIN_P: f32 = 0.0;

fn default_min_p() -> f32 {
    DEFAULT_MIN_P
}

fn is_default_min_p(value: &f32) -> bool {
    *value == DEFAULT_MIN_P
}

impl Default for GenerationParams {
    fn default() -> Self {
        GenerationParams {
            temperature: 0.0,
            top_k: 1,
            seed: 42,
            num_ctx: 4096,
            max_tokens: 768,
            repair_temperature: 0.7,
            min_p: DEFAULT_MIN_P,
        }
    }
}

/// Top-k whenever a request is sampled rather than greedy.
const SAMPLED_TOP_K: i32 = 40;

/// Seed distance between a round's candidates: larger than any round count.
const CANDIDATE_SEED_STRIDE: u32 = 7919;

/// Sampling settings for one request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sampling {
    /// Temperature (0: greedy).
    pub temperature: f32,
    /// Top-k.
    pub top_k: i32,
    /// Seed.
    pub seed: u32,
    /// Min-p cut-off (0: off; always 0 when greedy).
    pub min_p: f32,
}

impl GenerationParams {
    /// The sampling for candidate `candidate` of round `round`. Candidate 0
    /// of round 0 uses the configured (greedy) settings, so a fully greedy
    /// setting stays possible and repeatable; every other request samples
    /// at `repair_temperature` with a seed of its own. A configured
    /// temperature applies to every request, still with distinct seeds.
    pub fn sampling(&self, round: u32, candidate: u32) -> Sampling {
        let temperature = if self.temperature > 0.0 {
            self.temperature
        } else if round == 0 && candidate == 0 {
            return Sampling {
                temperature: 0.0,
                top_k: self.top_k,
                seed: self.seed,
                min_p: 0.0,
            };
        } else {
            self.repair_temperature
        };
        Sampling {
            temperature,
            // Greedy's top-k of 1 would make any temperature greedy again.
            top_k: self.top_k.max(SAMPLED_TOP_K),
            min_p: self.min_p,
            // Candidate 0 keeps the seed it had before candidates existed
            // (`seed + round`), so cached responses stay valid; the others
            // are spread far enough apart never to meet another round's.
            seed: self
                .seed
                .wrapping_add(round)
                .wrapping_add(candidate.wrapping_mul(CANDIDATE_SEED_STRIDE)),
        }
    }

    /// `sha256:…` of the parameters' canonical JSON, as the lock's `params-hash`.
    pub fn hash(&self) -> String {
        crate::files::sha256_hex(serde_json::to_string(self).unwrap_or_default().as_bytes())
    }
}

/// What kind of failure a provider met; the router decides from this whether
/// trying the next provider can help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Could not connect (nothing listening, DNS, refused).
    Unreachable,
    /// No answer within the timeout.
    Timeout,
    /// The server answered with a 5xx status.
    Server,
    /// The model is not available there (not pulled, not loaded, no file).
    ModelMissing,
    /// The answer was not in the expected shape.
    BadResponse,
    /// The output hit the token limit.
    Truncated,
    /// The prompt does not fit the context.
    ContextOverflow,
    /// The request was refused on principle (e.g. a cloud model).
    Refused,
    /// A configuration problem (bad grammar, bad settings).
    Config,
    /// A subprocess failed.
    Process,
}

/// A provider failure, with the provider named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderError {
    /// What kind of failure.
    pub kind: ErrorKind,
    /// A full sentence, naming the provider and what to do.
    pub message: String,
    /// The text generated before the answer was cut ([`ErrorKind::Truncated`]),
    /// for reports and for checks that hold for any answer.
    pub partial: Option<String>,
}

impl ProviderError {
    /// A new error.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        ProviderError {
            kind,
            message: message.into(),
            partial: None,
        }
    }

    /// A [`ErrorKind::Truncated`] error that keeps the text generated so far.
    pub fn truncated(message: impl Into<String>, partial: impl Into<String>) -> Self {
        ProviderError {
            partial: Some(partial.into()),
            ..ProviderError::new(ErrorKind::Truncated, message)
        }
    }

    /// Whether another provider may succeed where this one failed.
    pub fn try_next(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::Unreachable
                | ErrorKind::Timeout
                | ErrorKind::Server
                | ErrorKind::ModelMissing
        )
    }
}

impl fmt::Display for ProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ProviderError {}

/// A local language model.
pub trait Provider: Send + Sync {
    /// A short description for messages: `ollama qwen2.5-coder:0.5b at http://127.0.0.1:11434`.
    fn label(&self) -> String;

    /// The exact model identity recorded in the lock.
    ///
    /// # Errors
    ///
    /// When the model cannot be identified (server down, file missing).
    fn identity(&self) -> Result<ModelIdentity, ProviderError>;

    /// Generates a completion with the provider's generation parameters.
    ///
    /// # Errors
    ///
    /// A [`ProviderError`] whose kind says whether another provider may help.
    fn complete(&self, request: &Request) -> Result<Completion, ProviderError>;

    /// Completes several requests that differ only in their candidate index
    /// (one prompt, several samples), answers in request order.
    ///
    /// The default runs up to [`Provider::concurrency`] requests at once; a
    /// provider that can share work between them (one prompt evaluation for
    /// all, one batch for every sequence) overrides it.
    fn complete_batch(&self, requests: &[Request]) -> Vec<Result<Completion, ProviderError>> {
        let width = self.concurrency().max(1);
        let mut answers = Vec::with_capacity(requests.len());
        for chunk in requests.chunks(width) {
            if chunk.len() == 1 {
                answers.push(self.complete(&chunk[0]));
                continue;
            }
            std::thread::scope(|scope| {
                let running: Vec<_> = chunk
                    .iter()
                    .map(|request| scope.spawn(move || self.complete(request)))
                    .collect();
                for handle in running {
                    answers.push(handle.join().unwrap_or_else(|_| {
                        Err(ProviderError::new(
                            ErrorKind::Process,
                            format!("{}: a request thread panicked", self.label()),
                        ))
                    }));
                }
            });
        }
        answers
    }

    /// The generation parameters this provider uses.
    fn params(&self) -> &GenerationParams;

    /// How many requests may run at once.
    fn concurrency(&self) -> usize {
        1
    }

    /// Whether using this provider opens a network connection.
    fn uses_network(&self) -> bool;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greedy_first_round_then_sampled_repairs_with_their_own_seeds() {
        let p = GenerationParams::default();
        assert_eq!(p.sampling(0, 0).temperature, 0.0);
        assert_eq!(p.sampling(0, 0).top_k, 1);
        let (r1, r2) = (p.sampling(1, 0), p.sampling(2, 0));
        assert_eq!(r1.temperature, p.repair_temperature);
        assert!(r1.top_k > 1);
        assert_ne!(r1.seed, r2.seed);
    }

    #[test]
    fn only_the_first_candidate_of_the_first_round_is_greedy_and_every_seed_differs() {
        let p = GenerationParams::default();
        let mut seeds = std::collections::HashSet::new();
        for round in 0..4 {
            for candidate in 0..16 {
                let s = p.sampling(round, candidate);
                assert_eq!(s.temperature == 0.0, round == 0 && candidate == 0);
                assert!(seeds.insert(s.seed), "seed reused at {round}/{candidate}");
            }
        }
        // Candidate 0 keeps the seeds responses were cached under.
        assert_eq!(p.sampling(2, 0).seed, p.seed + 2);
    }

    #[test]
    fn a_request_batched_as_by_default_is_written_as_before_batching_existed() {
        // Cached answers are keyed by the request as written: the default
        // keeps every key made before, and turning a part off makes its own.
        let request = Request {
            system: "s".into(),
            history: Vec::new(),
            user: "u".into(),
            stop: Vec::new(),
            max_tokens: 8,
            grammar: None,
            round: 0,
            candidate: 0,
            batching: Batching::ALL,
        };
        let written = serde_json::to_string(&request).unwrap();
        assert!(!written.contains("batching"), "{written}");
        let uncut = Request {
            batching: Batching::NONE,
            ..request.clone()
        };
        let written = serde_json::to_string(&uncut).unwrap();
        assert!(
            written.contains(r#""batching":{"stragglers":false,"repeats":false,"shared_prefixes":false}"#),
            "{written}"
        );
        assert_eq!(serde_json::from_str::<Request>(&written).unwrap(), uncut);
    }

    #[test]
    fn the_default_min_p_leaves_the_parameters_hash_as_it_was() {
        // The hash every lock written before min-p existed records.
        let before = r#"{"temperature":0.0,"top_k":1,"seed":42,"num_ctx":4096,"max_tokens":768,"repair_temperature":0.7}"#;
        assert_eq!(
            GenerationParams::default().hash(),
            crate::files::sha256_hex(before.as_bytes())
        );
        let configured = GenerationParams {
            min_p: DEFAULT_MIN_P + 0.1,
            ..GenerationParams::default()
        };
        assert_ne!(configured.hash(), GenerationParams::default().hash());
    }

    #[test]
    fn min_p_cuts_only_sampled_requests() {
        let p = GenerationParams {
            min_p: 0.05,
            ..GenerationParams::default()
        };
        assert_eq!(p.sampling(0, 0).min_p, 0.0, "greedy decoding has no cut-off");
        assert_eq!(p.sampling(0, 1).min_p, 0.05);
        assert_eq!(p.sampling(1, 0).min_p, 0.05);
    }

    #[test]
    fn a_configured_temperature_samples_every_round() {
        let p = GenerationParams {
            temperature: 0.8,
            ..GenerationParams::default()
        };
        // top-k 1 would silently make this greedy: every seed the same answer.
        for round in 0..3 {
            let s = p.sampling(round, 0);
            assert_eq!(s.temperature, 0.8);
            assert!(s.top_k > 1, "round {round} is greedy: {s:?}");
        }
        assert_ne!(p.sampling(0, 0).seed, p.sampling(1, 0).seed);
        assert_ne!(p.sampling(0, 0).seed, p.sampling(0, 1).seed);
    }
}
