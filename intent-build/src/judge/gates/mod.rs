//! The gates a candidate passes before it is accepted, each a stage over a
//! round's batch in a file of its own, walked in [`Gate::ORDER`]: parse
//! (judged before the batch, by [`crate::judge::extract`]), compile, policy,
//! examples and tests (one run), properties.
//!
//! Each round's candidates are compiled together with plain `rustc --test`
//! in a scratch folder under `target/intent/` (about 0.1 s for one function;
//! a Cargo project per candidate costs several times that). Generated code
//! is hostile until proven otherwise: the compile and the test run each
//! start inside the OS sandbox of [`crate::sandbox`] (writes only in that
//! folder, no network, no other program, resource limits), the test binary
//! with a cleared environment, a wall-clock timeout and bounded output; and
//! the semantic [`policy`](crate::judge::policy) refuses code that reaches
//! outside the process before it runs at all.
//!
//! Adding a gate: a variant in [`Gate::ORDER`] (`crate::gate`), a file here
//! with its `Stage`, and its line in `stage()`.

mod answer;
mod checks;
mod compile;
pub mod diagnostics;
pub(crate) mod errors;
mod examples;
mod policy;
mod properties;
mod runner;
mod scratch;
mod spec_check;
mod verdict;

pub use runner::{GateRunner, FILE_LIMIT, MEMORY_LIMIT_KIB, OUTPUT_LIMIT};
pub use scratch::tests;
pub use verdict::Verdict;

use std::io;

use crate::gate::Gate;
use crate::judge::inputs::Input;
use crate::sandbox;
use crate::spec::Spec;
use scratch::Scratch;
use verdict::{Batch, Stage};

/// The stage that does `gate`'s work over a batch; `None` for the parse
/// gate, which judges each answer before there is a batch.
fn stage(gate: Gate) -> Option<&'static dyn Stage> {
    match gate {
        Gate::Parse => None,
        Gate::Compile => Some(&compile::Compile),
        Gate::Policy => Some(&policy::Policy),
        Gate::Examples => Some(&examples::Examples),
        Gate::Tests => Some(&examples::Tests),
        Gate::Properties => Some(&properties::Properties),
    }
}

impl GateRunner {
    /// Judges `code` with the spec's prelude and tests: policy, compile,
    /// then the examples and tests.
    ///
    /// # Errors
    ///
    /// When the gates cannot run: no confinement where it is required, no
    /// `rustc`, or the scratch folder cannot be written.
    pub fn check(&self, spec: &Spec, code: &str, tag: &str) -> io::Result<Verdict> {
        let mut verdicts = self.check_all(spec, &[code.to_string()], tag)?;
        Ok(verdicts.pop().expect("one verdict per candidate"))
    }

    /// Judges every candidate of a round together: one `rustc` for all of
    /// them (each in its own module with its own examples) and one run of
    /// the test binary, so N candidates cost about one. A candidate whose
    /// errors break the shared compile is judged by its own diagnostics and
    /// left out of the next compile; a run that does not succeed (a failing
    /// example, a hang, an abort) is repeated per candidate, so no candidate
    /// is judged by another's behaviour. Verdicts in candidate order.
    ///
    /// # Errors
    ///
    /// As [`GateRunner::check`].
    pub fn check_all(&self, spec: &Spec, codes: &[String], tag: &str) -> io::Result<Vec<Verdict>> {
        self.check_with_inputs(spec, codes, tag, &[])
    }

    /// [`GateRunner::check_all`] with `first` called before the generated
    /// inputs: their outcomes lead each behaviour. `cargo intent adopt`
    /// runs an existing function this way on the calls its tests make.
    ///
    /// # Errors
    ///
    /// As [`GateRunner::check`].
    pub fn check_with_inputs(
        &self,
        spec: &Spec,
        codes: &[String],
        tag: &str,
        first: &[Input],
    ) -> io::Result<Vec<Verdict>> {
        // Callers check this before asking a model; checked again here so
        // that no path runs generated code unconfined by mistake.
        sandbox::ensure(self.sandbox).map_err(io::Error::other)?;
        let mut batch = Batch {
            spec,
            codes,
            scratch: Scratch::write(&self.scratch.join(tag), spec, codes, first)?,
            verdicts: vec![None; codes.len()],
            compiled: Vec::new(),
            alone: Vec::new(),
        };
        let stages: Vec<&dyn Stage> = Gate::ORDER.into_iter().filter_map(stage).collect();
        for stage in &stages {
            stage.screen(self, &mut batch);
        }
        for stage in &stages {
            stage.judge(self, &mut batch)?;
        }
        for &i in &batch.alone {
            let alone = std::slice::from_ref(&codes[i]);
            let mut verdict = self.check_with_inputs(spec, alone, &format!("{tag}-{i}"), first)?;
            batch.verdicts[i] = verdict.pop();
        }
        Ok(batch
            .verdicts
            .into_iter()
            .map(|v| v.expect("every candidate judged"))
            .collect())
    }
}
