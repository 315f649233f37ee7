//! Checking an answer the user typed: a Rust expression the call's result
//! must equal, compiled against a stub of the signature before it becomes
//! an example, so a typo is caught at the prompt, not by the next lock.

use super::diagnostics::{error_diagnostics, rendered_errors, spans};
use super::runner::GateRunner;
use crate::sandbox;
use crate::spec::Spec;

impl GateRunner {
    /// `None` when `expected` compiles as what `call` must return (the
    /// example harness's `assert_eq!(actual, expected)`, with the spec's
    /// prelude and a stub of its signature), else rustc's first error, one
    /// line. Nothing runs: only the compiler, confined as for candidates.
    ///
    /// # Errors
    ///
    /// As [`GateRunner::check`].
    pub fn check_answer(
        &self,
        spec: &Spec,
        call: &str,
        expected: &str,
    ) -> std::io::Result<Option<String>> {
        sandbox::ensure(self.sandbox).map_err(std::io::Error::other)?;
        let dir = self.scratch.join(format!("{}-answer", spec.name));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        let dir = dir.canonicalize()?;
        std::fs::write(dir.join("main.rs"), answer_root(spec, call, expected))?;
        let Some(diagnostics) = self.compile(&dir, &dir.join("answer"), &spec.crates)? else {
            return Ok(None);
        };
        let first = error_diagnostics(&diagnostics)
            .next()
            .map(|(_, d)| with_label(&d))
            .unwrap_or_else(|| first_line(&rendered_errors(&diagnostics)));
        Ok(Some(first))
    }
}

/// The crate that type-checks `expected` against `call`'s result.
fn answer_root(spec: &Spec, call: &str, expected: &str) -> String {
    format!(
        "#![allow(unused, clippy::all)]\n{prelude}\n{signature} {{ ::core::unimplemented!() }}\n\
         fn __intent_answer() {{\n    let actual = {call};\n    ::core::assert_eq!(actual, {expected});\n}}\n",
        prelude = spec.prelude,
        signature = spec.signature,
    )
}

/// A diagnostic's message with its primary span's label (`mismatched
/// types: expected `i32`, found `&str``).
fn with_label(diagnostic: &serde_json::Value) -> String {
    let message = diagnostic["message"].as_str().unwrap_or("error").to_string();
    let label = spans(diagnostic)
        .find(|s| s["is_primary"].as_bool() == Some(true))
        .and_then(|s| s["label"].as_str());
    match label {
        Some(label) if !label.is_empty() => format!("{message}: {label}"),
        _ => message,
    }
}

/// The first line of `text`.
fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_string()
}
