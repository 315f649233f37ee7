//! What a gate run finds, the round's batch the stages work on, and the
//! stage each gate's file implements.

use std::io;

use super::runner::GateRunner;
use super::scratch::Scratch;
use crate::gate::Gate;
use crate::judge::behaviour::Behaviour;
use crate::spec::Spec;

/// What a gate run found.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Every check passed; the `Debug` output of each example result, in order.
    Passed {
        /// `Debug` of each example's result (`panicked` for expected panics).
        results: Vec<String>,
        /// What it did on the generated inputs; `None` when they could not
        /// be generated for the signature.
        behaviour: Option<Behaviour>,
    },
    /// A gate failed.
    Failed {
        /// Which gate.
        gate: Gate,
        /// What went wrong, trimmed for a repair prompt.
        evidence: String,
        /// rustc's JSON diagnostics when the compile gate failed.
        diagnostics: Option<String>,
    },
}

impl Verdict {
    pub(super) fn policy(evidence: String) -> Verdict {
        Verdict::Failed {
            gate: Gate::Policy,
            evidence,
            diagnostics: None,
        }
    }

    pub(super) fn examples(evidence: String) -> Verdict {
        Verdict::Failed {
            gate: Gate::Examples,
            evidence,
            diagnostics: None,
        }
    }
}


/// One round's extracted candidates on their way through the gates.
pub(super) struct Batch<'a> {
    /// The spec they are judged against.
    pub(super) spec: &'a Spec,
    /// Their code, in candidate order.
    pub(super) codes: &'a [String],
    /// Their scratch folder: their files, the compiled binary, its MIR.
    pub(super) scratch: Scratch,
    /// Each candidate's verdict, once a gate settled it.
    pub(super) verdicts: Vec<Option<Verdict>>,
    /// The candidates in the compiled binary (set by the compile gate).
    pub(super) compiled: Vec<usize>,
    /// Candidates the shared compile could not judge (errors none of them
    /// owns, a timeout): each is judged alone, in a batch of its own.
    pub(super) alone: Vec<usize>,
}

impl Batch<'_> {
    /// The compiled candidates no gate has settled yet.
    pub(super) fn open_compiled(&self) -> Vec<usize> {
        self.compiled
            .iter()
            .copied()
            .filter(|&i| self.verdicts[i].is_none())
            .collect()
    }
}

/// One gate's work over a round's batch; [`super::stage`] maps each gate
/// of [`Gate::ORDER`] to its stage, and the batch goes through them in that
/// order.
pub(super) trait Stage {
    /// Before anything of the batch is compiled: refusals that must keep
    /// code from the compiler (only the policy has any).
    fn screen(&self, _runner: &GateRunner, _batch: &mut Batch<'_>) {}

    /// Settles the verdicts this gate gives.
    fn judge(&self, runner: &GateRunner, batch: &mut Batch<'_>) -> io::Result<()>;
}
