//! The gates a candidate passes, declared once: their names and their
//! order. Everything that depends on the order — the verdicts a report
//! records, how far a candidate got, which gates a passing candidate went
//! through — derives from [`Gate::ORDER`]; the stages that do each gate's
//! work are in `judge::gates`, one file each, dispatched from this list.
//!
//! At the bottom of the crate with the report schema, which records gates
//! by name.

use serde::{Deserialize, Serialize};

use crate::spec::Spec;

/// A gate a candidate passes before it can be accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Gate {
    /// The answer holds the spec's function (`extract`).
    Parse,
    /// It compiles (confined, with `unsafe` forbidden).
    Compile,
    /// It reaches nothing outside the process (the semantic policy).
    Policy,
    /// The spec's examples hold (confined run).
    Examples,
    /// The spec's extra tests pass.
    Tests,
    /// The spec's properties hold on every generated input, and it
    /// panics on none when a constraint says it never panics.
    Properties,
}

impl Gate {
    /// Every gate, in the order they judge a candidate: the one place the
    /// order is written down.
    pub const ORDER: [Gate; 6] = [
        Gate::Parse,
        Gate::Compile,
        Gate::Policy,
        Gate::Examples,
        Gate::Tests,
        Gate::Properties,
    ];

    /// Its name in reports and in `Intent.lock`.
    pub fn name(self) -> &'static str {
        match self {
            Gate::Parse => "parse",
            Gate::Compile => "compile",
            Gate::Policy => "policy",
            Gate::Examples => "examples",
            Gate::Tests => "tests",
            Gate::Properties => "properties",
        }
    }

    /// Its place in [`Gate::ORDER`]: a candidate refused at a later gate
    /// got further.
    pub fn rank(self) -> usize {
        Gate::ORDER
            .iter()
            .position(|g| *g == self)
            .expect("every gate is in the order")
    }

    /// Whether the gate judges candidates of `spec` at all: extra tests only
    /// when the spec has some, properties only when it has some (or
    /// promises never to panic) and behaviour on generated inputs was
    /// judged.
    pub fn applies(self, spec: &Spec, behaviour_judged: bool) -> bool {
        match self {
            Gate::Tests => !spec.tests.is_empty(),
            Gate::Properties => {
                (!spec.properties.is_empty() || spec.never_panics()) && behaviour_judged
            }
            Gate::Parse | Gate::Compile | Gate::Policy | Gate::Examples => true,
        }
    }

    /// Whether its evidence is about the raw reply rather than the code
    /// extracted from it (the parse gate saw no code to show).
    pub fn judges_the_reply(self) -> bool {
        self == Gate::Parse
    }

    /// What a refusal at this gate teaches the next round's prompt.
    pub fn teaches(self) -> Teaching {
        match self {
            Gate::Parse => Teaching::Unusable,
            Gate::Compile => Teaching::CompilerErrors,
            Gate::Policy => Teaching::ComputeOnly,
            Gate::Examples | Gate::Tests | Gate::Properties => Teaching::FailedChecks,
        }
    }

    /// The gates a candidate of `spec` that passed them all went through, in
    /// order.
    pub fn passed(spec: &Spec, behaviour_judged: bool) -> Vec<Gate> {
        Gate::ORDER
            .into_iter()
            .filter(|g| g.applies(spec, behaviour_judged))
            .collect()
    }

    /// The gates a candidate refused at `self` went through after the parse
    /// gate, each with whether it passed: every one before `self` did. A
    /// policy refusal may come before or after compiling (it judges
    /// compile-time macros first), so it is recorded alone.
    pub fn verdicts_after_parse(self) -> Vec<(Gate, bool)> {
        match self {
            Gate::Parse => return Vec::new(),
            Gate::Policy => return vec![(Gate::Policy, false)],
            _ => {}
        }
        Gate::ORDER[Gate::Parse.rank() + 1..=self.rank()]
            .iter()
            .map(|&g| (g, g != self))
            .collect()
    }
}

/// What a refusal teaches the next round, by the gate that refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Teaching {
    /// The answer could not be used at all: why, in one line.
    Unusable,
    /// rustc's errors, as rules the model can follow.
    CompilerErrors,
    /// It reached outside the process: compute in memory only.
    ComputeOnly,
    /// The checks it failed, each a line of what was expected.
    FailedChecks,
}

impl std::fmt::Display for Gate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_order_ranks_every_gate_once() {
        let ranks: Vec<usize> = Gate::ORDER.iter().map(|g| g.rank()).collect();
        assert_eq!(ranks, (0..Gate::ORDER.len()).collect::<Vec<_>>());
    }

    #[test]
    fn a_refusal_records_every_earlier_gate_as_passed() {
        assert_eq!(
            Gate::Examples.verdicts_after_parse(),
            vec![
                (Gate::Compile, true),
                (Gate::Policy, true),
                (Gate::Examples, false)
            ]
        );
        assert_eq!(
            Gate::Compile.verdicts_after_parse(),
            vec![(Gate::Compile, false)]
        );
        assert!(Gate::Parse.verdicts_after_parse().is_empty());
        assert_eq!(
            Gate::Policy.verdicts_after_parse(),
            vec![(Gate::Policy, false)]
        );
    }
}
