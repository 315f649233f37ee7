//! What the router hands to judging: an answer and who gave it, or every
//! provider's failure. A module of its own below the router, so judging
//! reads answers without knowing how they were routed.

use super::{Completion, GenerationParams, ModelIdentity, ProviderError};

/// A completion and the provider that produced it.
#[non_exhaustive]
pub struct Routed {
    /// Index of the provider in configured order.
    pub provider: usize,
    /// The provider's label.
    pub label: String,
    /// Its generation parameters (what each candidate was sampled with).
    pub params: GenerationParams,
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
