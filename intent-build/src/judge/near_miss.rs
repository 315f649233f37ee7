//! Near misses: candidates that compile and fail an example by one
//! comparison, one operator or one literal (`<` for `<=`, the separator
//! before the last word, an off-by-one bound) mended without the model. The
//! failing candidates' mutants — the edits [`super::mutants`] makes of
//! accepted code — are judged in one batch, and the first that passes every
//! gate stands in for its parent, as a compile repair does: one decode
//! stays one vote, and the quorum and behaviour consensus judge it like any
//! candidate.

use std::io;

use super::gates::{GateRunner, Verdict};
use super::mutants::mutants;
use super::variants::Attempt;
use crate::gate::Gate;
use crate::report::Fix;
use crate::spec::Spec;

/// Most failing candidates mended per round: distinct codes, first first.
const PARENTS: usize = 3;
/// Most mutants judged per round, shared among the parents: one batch.
const MOST: usize = 60;

/// Replaces each of `judged`'s candidates that failed an example or a test
/// (at most three) by its first mutant that passes every gate.
///
/// # Errors
///
/// The gates cannot run.
pub fn mend(runner: &GateRunner, spec: &Spec, judged: &mut [Attempt], tag: &str) -> io::Result<()> {
    let mut parents: Vec<usize> = Vec::new();
    for (i, attempt) in judged.iter().enumerate() {
        let near = matches!(&attempt.verdict, Verdict::Failed { gate: Gate::Examples | Gate::Tests, .. });
        if near && parents.len() < PARENTS && parents.iter().all(|&p| judged[p].code != attempt.code) {
            parents.push(i);
        }
    }
    if parents.is_empty() {
        return Ok(());
    }
    let per = MOST / parents.len();
    let (mut codes, mut owners) = (Vec::new(), Vec::new());
    for &parent in &parents {
        for mutant in mutants(&judged[parent].code, &spec.name).into_iter().take(per) {
            codes.push(mutant.code);
            owners.push(parent);
        }
    }
    let verdicts = runner.check_all(spec, &codes, &format!("{tag}-near"))?;
    let mut mended: Vec<usize> = Vec::new();
    for ((parent, code), verdict) in owners.into_iter().zip(codes).zip(verdicts) {
        if matches!(verdict, Verdict::Passed { .. }) && !mended.contains(&parent) {
            mended.push(parent);
            let mut fixes = judged[parent].fixes.clone();
            fixes.push(Fix::NearMiss);
            judged[parent] = Attempt { code, verdict, fixes };
        }
    }
    Ok(())
}
