//! What a `lock` run did, as typed records: how each intent it touched was
//! settled, the notes on what was accepted, and what the commands need
//! beside (the verified code, the candidates a question may replay).

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::generate::replay::Answered;
use crate::judge::behaviour::Change;
use crate::lockfile::Confidence;
use crate::report::{Question, StoppedAt};

/// How `lock` settled one intent.
#[derive(Debug, Clone, PartialEq)]
pub enum Settled {
    /// Fresh and untouched.
    Fresh,
    /// Regenerated and recorded.
    Recorded,
    /// Regenerated with the same code and behaviour.
    Unchanged,
    /// A pending result recorded without a model call.
    Adopted,
    /// Waiting for review as `NAME.snap.new`.
    Pending,
    /// Verified and kept pending for the build script
    /// ([`super::lock::LockOptions::pending_only`]), now or by an earlier run.
    KeptPending,
    /// The code it uses changed; checked again with it and still passing,
    /// its lock entry now records that code, no model asked.
    Reverified,
    /// Its snapshot, written by hand, passed every gate and is recorded
    /// with `author = "hand"`; no model asked.
    Hand,
    /// Its lock entry (and snapshot) removed: its spec is gone.
    Removed,
    /// Stale, and `--locked` kept it from being regenerated: what changed.
    Refused {
        /// Why it is stale (what changed since it was accepted).
        stale: String,
    },
    /// No candidate passed, or the result could not be recorded.
    Failed {
        /// Where its generation stopped.
        at: StoppedAt,
        /// Why, one line.
        reason: String,
    },
    /// Not generated: an intent it uses has no accepted code.
    Blocked {
        /// The intent it uses that has no accepted code.
        by: String,
    },
    /// Its passing candidates disagree, or too few agree: the question.
    Asked(Question),
}

impl Settled {
    /// Whether the intent is left stale, failed or undecided.
    pub fn is_unsettled(&self) -> bool {
        matches!(
            self,
            Settled::Refused { .. }
                | Settled::Failed { .. }
                | Settled::Blocked { .. }
                | Settled::Asked(_)
        )
    }
}

/// What to know about an intent that was accepted.
#[derive(Debug, Clone, PartialEq)]
pub enum Note {
    /// Judged on its examples alone: why no inputs could be generated.
    Unchecked(String),
    /// Accepted on [`Support::Thin`](crate::lockfile::Support::Thin)
    /// evidence: what vouched for it. What to review first.
    Thin(Confidence),
    /// Recorded with other behaviour than was pinned before (its spec
    /// changed): where.
    BehaviourChanged(Vec<Change>),
}

/// What `lock` did.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct LockSummary {
    /// Each intent the run settled, in the order it was settled.
    pub intents: Vec<(String, Settled)>,
    /// Notes on accepted intents, each kind in name order.
    pub notes: Vec<(String, Note)>,
    /// The verified code of every intent regenerated, adopted or kept
    /// pending by this run, by name.
    pub code: BTreeMap<String, String>,
    /// For each intent asked about or accepted, its passing candidates:
    /// what [`super::lock::LockOptions::answered`] judges again once the
    /// user has answered, or corrected an accepted answer.
    pub judged: BTreeMap<String, Answered>,
    /// Intents accepted by this run whose spec leaves inputs open (mutants
    /// of the accepted code it does not rule out), in name order: what
    /// tightening offers for confirmation.
    pub open: Vec<String>,
    /// `target/intent/report.json`, when anything was generated.
    pub report: Option<PathBuf>,
}

impl LockSummary {
    /// Records how `name` was settled.
    pub fn settle(&mut self, name: impl Into<String>, settled: Settled) {
        self.intents.push((name.into(), settled));
    }

    /// Whether nothing is left stale, failed or undecided.
    pub fn is_success(&self) -> bool {
        !self.intents.iter().any(|(_, s)| s.is_unsettled())
    }

    /// The intents settled as `which` says, in order.
    pub fn names<'a>(
        &'a self,
        which: impl Fn(&Settled) -> bool + 'a,
    ) -> impl Iterator<Item = &'a str> + 'a {
        self.intents
            .iter()
            .filter(move |(_, s)| which(s))
            .map(|(name, _)| name.as_str())
    }

    /// The questions asked, with their intents.
    pub fn questions(&self) -> impl Iterator<Item = (&str, &Question)> {
        self.intents.iter().filter_map(|(name, s)| match s {
            Settled::Asked(question) => Some((name.as_str(), question)),
            _ => None,
        })
    }

    /// Whether `name` was settled as `which` says.
    pub fn is(&self, name: &str, which: impl Fn(&Settled) -> bool) -> bool {
        self.intents.iter().any(|(n, s)| n == name && which(s))
    }

    /// Adds what a later run (the users of what this run recorded) did.
    pub fn merge(&mut self, later: LockSummary) {
        self.intents.extend(later.intents);
        self.notes.extend(later.notes);
        self.code.extend(later.code);
        self.judged.extend(later.judged);
        self.open.extend(later.open);
        self.report = later.report.or(self.report.take());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_succeeds_until_an_intent_is_left_unsettled() {
        let mut summary = LockSummary::default();
        summary.settle("a", Settled::Recorded);
        summary.settle("b", Settled::Fresh);
        assert!(summary.is_success());
        let mut later = LockSummary::default();
        later.settle("c", Settled::Blocked { by: "a".into() });
        summary.merge(later);
        assert!(!summary.is_success());
        assert_eq!(
            summary.names(|s| matches!(s, Settled::Recorded)).collect::<Vec<_>>(),
            ["a"]
        );
    }
}
