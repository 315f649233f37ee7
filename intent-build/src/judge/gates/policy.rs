//! The policy gate: the semantic policy of [`crate::judge::policy`] over
//! each candidate's tokens before anything is compiled (compile-time macros
//! run inside rustc), and over the compiled MIR after.

use std::io;

use super::runner::GateRunner;
use super::scratch::{module, MIR_FILE};
use super::verdict::{Batch, Stage, Verdict};
use crate::judge::policy;

/// The policy gate's stage.
pub(super) struct Policy;

impl Stage for Policy {
    fn screen(&self, runner: &GateRunner, batch: &mut Batch<'_>) {
        if !runner.policy {
            return;
        }
        for (verdict, code) in batch.verdicts.iter_mut().zip(batch.codes) {
            if verdict.is_none() {
                let declared = &batch.spec.crates;
                *verdict = policy::refusal_in_tokens(code)
                    .or_else(|| {
                        policy::refusal_of_crates(code, declared, &runner.externs.available)
                    })
                    .map(Verdict::policy);
            }
        }
    }

    fn judge(&self, runner: &GateRunner, batch: &mut Batch<'_>) -> io::Result<()> {
        if !runner.policy || batch.compiled.is_empty() {
            return Ok(());
        }
        let mir = std::fs::read_to_string(batch.scratch.dir.join(MIR_FILE))?;
        for i in batch.open_compiled() {
            if let Some(refusal) =
                policy::refusal_in_mir(&mir, &module(i), &batch.spec.capabilities)
            {
                batch.verdicts[i] = Some(Verdict::policy(refusal));
            }
        }
        Ok(())
    }
}
