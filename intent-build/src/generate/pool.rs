//! Every candidate judged for one intent, all rounds together, and how a
//! generation that accepted nothing ends.

use super::options::Options;
use super::round;
use super::uses::Used;
use crate::judge::{Judged, PassingCandidate};
use crate::lockfile::Confidence;
use crate::judge::behaviour;
use crate::report::{IntentOutcome, IntentReport, StoppedAt};
use crate::spec::SpecFile;

/// Every candidate judged for one intent, all rounds together, and where
/// each came from.
#[derive(Default)]
pub(super) struct Pool {
    /// In round order.
    pub(super) all: Vec<Judged>,
    /// (round, index in its round) of each.
    pub(super) origin: Vec<(usize, usize)>,
    /// Candidates decoded so far.
    pub(super) decoded: u32,
}

impl Pool {
    /// Adds a round's candidates; their indices in the pool.
    pub(super) fn add(&mut self, round: u32, judged: Vec<Judged>) -> std::ops::Range<usize> {
        let start = self.all.len();
        self.origin
            .extend((0..judged.len()).map(|i| (round as usize, i)));
        self.all.extend(judged);
        start..self.all.len()
    }

    pub(super) fn any_passed(&self) -> bool {
        self.all.iter().any(Judged::passed)
    }

    pub(super) fn passed(&self) -> usize {
        self.all.iter().filter(|j| j.passed()).count()
    }

    /// How many candidates vouch for the one at `index`: its behaviour
    /// group, or every passing candidate when behaviour is unknown.
    pub(super) fn support(&self, index: usize, floats: bool) -> usize {
        round::agreement(&self.all, index, floats).map_or_else(|| self.passed(), |(agree, _)| agree)
    }

    /// Accepts the candidate at `index`: marks it in the report and records
    /// what vouched for it.
    pub(super) fn accept(
        mut self,
        mut report: IntentReport,
        index: usize,
        spec: &SpecFile,
        options: &Options,
        floats: bool,
    ) -> (IntentReport, Option<PassingCandidate>) {
        let (round, at) = self.origin[index];
        report.rounds[round].candidates[at].accepted = true;
        report.outcome = IntentOutcome::Generated;
        report.last_gate = None;
        report.reason = None;
        report.agreement = round::agreement(&self.all, index, floats);
        let support = self.support(index, floats);
        let (passed, decoded, rounds) = (self.passed(), self.decoded, report.rounds.len());
        let candidate = self.all.swap_remove(index).into_candidate().map(|c| {
            let confidence = Confidence {
                agreed: support,
                passed,
                decoded: decoded as usize,
                examples: spec.spec.examples.len(),
                properties: spec.spec.properties.len(),
                inputs: c.behaviour.as_ref().map_or(0, |b| b.calls.len()),
                rounds,
                answered: options.answered.as_ref().map_or(0, |a| a.answers),
                adequacy: None,
                // Accepted only with no agreed check failed.
                checks: report.checks.as_ref().and_then(|c| c.score(0)),
            };
            report.confidence = Some(confidence);
            PassingCandidate {
                prompt: super::prompt::TEMPLATE_VERSION.to_string(),
                agreement: report.agreement,
                confidence: Some(confidence),
                uses: Used::hashes(&options.used),
                checks: report
                    .checks
                    .as_ref()
                    .filter(|c| !c.agreed.is_empty())
                    .map(|c| crate::judge::checks::render(&spec.spec.name, &c.agreed)),
                ..c
            }
        });
        (report, candidate)
    }
}

/// How a generation that accepted nothing ends.
pub(super) enum Unaccepted {
    /// Passing candidates agree, but fewer than the quorum: the candidate
    /// at this pool index and its support.
    Thin(usize, usize),
    /// They split.
    Ask(crate::report::Question),
    /// The pinned behaviour would change.
    Changed(Vec<behaviour::Change>),
    /// The candidate about to be accepted fails checks drawn from the
    /// description: the question, and the reason that says so.
    Checks(crate::report::Question, String),
}

impl Unaccepted {
    /// Writes the outcome into `report`.
    pub(super) fn conclude(self, report: &mut IntentReport, pool: &Pool, quorum: usize, floats: bool) {
        report.last_gate = Some(StoppedAt::Behaviour);
        match self {
            Unaccepted::Thin(index, support) => {
                let (passed, decoded) = (pool.passed(), pool.decoded);
                report.reason = Some(format!(
                    "only {support} of {decoded} candidates decoded behave as the one that would be \
                     accepted ({passed} passed every gate; the quorum is {quorum})"
                ));
                match round::lone_question(&pool.all, index, floats) {
                    Some(question) => {
                        report.outcome = IntentOutcome::Question;
                        report.question = Some(question);
                    }
                    None => report.last_gate = Some(StoppedAt::Quorum),
                }
            }
            Unaccepted::Ask(question) => {
                report.outcome = IntentOutcome::Question;
                report.reason = Some(format!(
                    "the {} passing candidates disagree on {}",
                    question.passing,
                    question
                        .calls
                        .iter()
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                report.question = Some(question);
            }
            Unaccepted::Checks(question, reason) => {
                report.last_gate = Some(StoppedAt::Checks);
                report.outcome = IntentOutcome::Question;
                report.reason = Some(reason);
                report.question = Some(question);
            }
            Unaccepted::Changed(changes) => {
                let shown: Vec<String> = changes
                    .iter()
                    .take(3)
                    .map(|c| format!("`{}` was {}, now {}", c.call, c.before, c.after))
                    .collect();
                report.reason = Some(format!(
                    "the new model's code changes the pinned behaviour on {} input(s): {} \
                     (`--allow-behaviour-change` accepts it)",
                    changes.len(),
                    shown.join("; ")
                ));
                report.behaviour_change = changes;
            }
        }
    }
}

