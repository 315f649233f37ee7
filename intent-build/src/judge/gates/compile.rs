//! The compile gate: every open candidate of the batch in one confined
//! `rustc --test`; a candidate whose own errors break the shared compile is
//! judged by them and left out of the next.

use std::io;

use super::diagnostics::{diagnostics_of, error_codes, errors_in, rendered_errors};
use super::runner::GateRunner;
use super::verdict::{Batch, Stage, Verdict};
use crate::gate::Gate;
use crate::judge::behaviour::HARNESS_FILE;

/// The compile gate's stage.
pub(super) struct Compile;

impl Stage for Compile {
    fn judge(&self, runner: &GateRunner, batch: &mut Batch<'_>) -> io::Result<()> {
        batch.compiled = runner.compile_open(batch)?;
        Ok(())
    }
}

impl GateRunner {
    /// Compiles the candidates without a verdict until what is left
    /// compiles; each failed compile settles at least one candidate (by its
    /// own diagnostics) or hands the rest to single runs (`Batch::alone`). Returns the
    /// candidates in the compiled binary.
    fn compile_open(&self, batch: &mut Batch<'_>) -> io::Result<Vec<usize>> {
        let (spec, scratch, verdicts) = (batch.spec, &mut batch.scratch, &mut batch.verdicts);
        loop {
            let open: Vec<usize> = (0..verdicts.len())
                .filter(|&i| verdicts[i].is_none())
                .collect();
            if open.is_empty() {
                return Ok(Vec::new());
            }
            scratch.write_root(spec, &open)?;
            let Some(diagnostics) = self.compile(&scratch.dir, &scratch.binary(), &spec.crates)? else {
                return Ok(open);
            };
            if scratch.plan.is_some() && !errors_in(&diagnostics, |f| f == HARNESS_FILE).is_empty()
            {
                // The inputs do not fit the types (a generator's gap, or a
                // prelude type it misread): judge without behaviour rather
                // than refuse every candidate.
                scratch.drop_plan(spec)?;
                continue;
            }
            let mut settled = false;
            for &i in &open {
                if let Some(own) = diagnostics_of(&diagnostics, i) {
                    verdicts[i] = Some(self.compile_failure(own));
                    settled = true;
                }
            }
            if !settled {
                // Errors no candidate owns (a timeout, a linker failure):
                // alone, each candidate gets its own answer.
                if let [only] = open[..] {
                    verdicts[only] = Some(Verdict::Failed {
                        gate: Gate::Compile,
                        evidence: rendered_errors(&diagnostics),
                        diagnostics: Some(diagnostics),
                    });
                } else {
                    batch.alone = open;
                }
                return Ok(Vec::new());
            }
        }
    }

    /// A candidate's own compile errors: the policy's when `unsafe` was
    /// what failed, the compile gate's otherwise.
    fn compile_failure(&self, own: String) -> Verdict {
        let gate = if self.policy && error_codes(&own).any(|code| code == "unsafe_code") {
            Gate::Policy
        } else {
            Gate::Compile
        };
        Verdict::Failed {
            gate,
            evidence: rendered_errors(&own),
            diagnostics: Some(own),
        }
    }
}

