//! The properties gate: each candidate that passed its examples runs on the
//! generated inputs, confined, and the spec's properties must hold on each
//! (and no input may make it panic when a constraint says it never panics).
//! What it did there is its behaviour, which the round groups candidates by.

use std::io;
use std::path::Path;

use super::runner::GateRunner;
use super::scratch::module;
use super::verdict::{Batch, Stage, Verdict};
use crate::gate::Gate;
use crate::judge::behaviour::{self, Behaviour, Violation};
use crate::judge::inputs::Plan;

/// The properties gate's stage.
pub(super) struct Properties;

impl Stage for Properties {
    fn judge(&self, runner: &GateRunner, batch: &mut Batch<'_>) -> io::Result<()> {
        let Some(plan) = &batch.scratch.plan else {
            return Ok(());
        };
        let binary = batch.scratch.binary();
        for &i in &batch.compiled {
            let Some(Verdict::Passed { behaviour, .. }) = &mut batch.verdicts[i] else {
                continue;
            };
            let (seen, violation) = runner.behaviour(plan, &batch.scratch.dir, &binary, i)?;
            let failure = match violation {
                Some(violation) => Some(violation.evidence(batch.spec)),
                None if batch.spec.never_panics() => first_panic(&seen)
                    .map(|call| format!("`{call}` panicked, and a constraint says it never panics")),
                None => None,
            };
            match failure {
                Some(evidence) => {
                    batch.verdicts[i] = Some(Verdict::Failed {
                        gate: Gate::Properties,
                        evidence,
                        diagnostics: None,
                    })
                }
                None => *behaviour = Some(seen),
            }
        }
        Ok(())
    }
}

/// The first (smallest) generated call that panicked.
fn first_panic(seen: &Behaviour) -> Option<&str> {
    seen.outcomes
        .iter()
        .position(|o| *o == behaviour::CallOutcome::Panicked)
        .map(|k| seen.calls[k].as_str())
}

impl GateRunner {
    /// Candidate `i` on every generated input, confined, in as many runs as
    /// it takes: a run stopped by an input that hangs or crashes the process
    /// is resumed after that input (at most [`behaviour::RESUMES`] times).
    pub(super) fn behaviour(
        &self,
        plan: &Plan,
        dir: &Path,
        binary: &Path,
        i: usize,
    ) -> std::io::Result<(Behaviour, Option<Violation>)> {
        let n = plan.inputs.len();
        let mut outcomes = vec![behaviour::CallOutcome::NotRun; n];
        let mut violation = None;
        let mut from = 0;
        let test = format!("{}::__intent_tests::intent_behaviour", module(i));
        for _ in 0..=behaviour::RESUMES {
            let nonce = behaviour::nonce();
            let output = self.run_harness(dir, binary, &test, &nonce, from)?;
            let run = behaviour::read_run(&output.stdout, &nonce);
            let stopped = run
                .timed_out
                .or_else(|| run.outcomes.keys().max().map(|k| k + 1))
                .unwrap_or(from);
            for (k, outcome) in run.outcomes {
                if k < n {
                    outcomes[k] = outcome;
                }
            }
            if violation.is_none() {
                violation = run.violation.map(|(k, property, result)| Violation {
                    property,
                    call: plan
                        .inputs
                        .get(k)
                        .map_or_else(String::new, |i| i.call.clone()),
                    result,
                });
            }
            if run.done || stopped >= n {
                break;
            }
            if outcomes[stopped] == behaviour::CallOutcome::NotRun {
                outcomes[stopped] = if output.timed_out {
                    behaviour::CallOutcome::TimedOut
                } else {
                    behaviour::CallOutcome::Crashed
                };
            }
            from = stopped + 1;
        }
        let calls = plan.inputs.iter().map(|i| i.call.clone()).collect();
        Ok((Behaviour { calls, outcomes }, violation))
    }
}

