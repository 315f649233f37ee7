//! Candidates judged again instead of decoded anew.
//!
//! When the user answers a question at the terminal, the answer becomes an
//! example in the spec and the intent is decided again in the same run.
//! The candidates that passed before are still the model's independent
//! answers: they go through every gate once more, against the spec as it
//! now reads, as if the model had just given them — so what is accepted was
//! judged with the new example, and no model is asked unless none of them
//! now wins.

use std::time::Duration;

use crate::report::{CandidateReport, IntentReport};
use crate::lockfile::ModelIdentity;
use crate::provider::router::{Routed, Router, RouterError};
use crate::provider::{Completion, Finish};

/// A candidate that passed every gate in an earlier decision of this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replayed {
    /// The code the gates judged (after any repair).
    pub code: String,
    /// The label of the provider that wrote it.
    pub provider: String,
    /// That provider's model identity.
    pub model: ModelIdentity,
}

/// The candidates to judge again for an intent the user answered about.
#[derive(Debug, Clone, Default)]
pub struct Answered {
    /// How many questions the user answered (each one a vote toward the
    /// quorum, beside the candidates').
    pub answers: usize,
    /// The candidates that passed before the answer.
    pub candidates: Vec<Replayed>,
    /// Candidates decoded for the intent before the answer, every round
    /// together: they count against its budget.
    pub decoded: u32,
}

impl Answered {
    /// The same candidates, for an intent the user answered `answers`
    /// questions about (or corrected that many accepted answers of).
    pub fn with_answers(&self, answers: usize) -> Answered {
        Answered { answers, ..self.clone() }
    }

    /// What `report` offers to judge again: its passing candidates, in the
    /// order they were decoded, and what was decoded for them.
    pub fn from_report(report: &IntentReport, answers: usize) -> Answered {
        let candidates = report
            .rounds
            .iter()
            .flat_map(|r| &r.candidates)
            .filter(|c| c.passed())
            .filter_map(replayable)
            .collect();
        let decoded = report.rounds.iter().map(|r| r.candidates.len() as u32).sum();
        Answered {
            answers,
            candidates,
            decoded,
        }
    }

    /// The candidates as the router would have answered them (from the
    /// cache: no model call), or `None` when a provider that wrote one is no
    /// longer configured.
    pub(super) fn answers(&self, router: &Router) -> Option<Vec<Result<Routed, RouterError>>> {
        self.candidates
            .iter()
            .map(|c| {
                let provider = router
                    .providers()
                    .iter()
                    .position(|p| p.label() == c.provider)?;
                Some(Ok(Routed {
                    provider,
                    label: c.provider.clone(),
                    params: router.providers()[provider].params().clone(),
                    identity: c.model.clone(),
                    completion: Completion {
                        text: format!("```rust\n{}\n```\n", c.code),
                        prompt_tokens: 0,
                        completion_tokens: 0,
                        elapsed: Duration::ZERO,
                        finish: Finish::Stop,
                    },
                    cached: true,
                }))
            })
            .collect()
    }
}

/// `candidate` as a replayed one, when the report kept what it needs.
fn replayable(candidate: &CandidateReport) -> Option<Replayed> {
    Some(Replayed {
        code: candidate.code.clone()?,
        provider: candidate.provider.clone()?,
        model: candidate.model.clone()?,
    })
}
