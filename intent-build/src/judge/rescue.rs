//! The parse gate's rescue: a block `syn` cannot read goes to rustc as it
//! is, for its suggestions, before the answer is refused.

use super::extract;
use super::gates::diagnostics::{apply_suggestions, rendered_errors, Suggestions};
use super::gates::{GateRunner, Verdict};
use crate::gate::Gate;
use crate::spec::SpecFile;

/// A block `syn` cannot read (a multi-character `'IV'` literal, say) goes
/// to rustc as it is: its machine-applicable suggestions may make it valid,
/// and otherwise its diagnostics are far better repair evidence than the
/// parser's message.
pub(super) fn rescue_unparsable(
    runner: &GateRunner,
    spec: &SpecFile,
    reply: &str,
    tag: &str,
    reason: extract::ExtractError,
    rustfix_applied: &mut bool,
) -> Result<String, String> {
    if !matches!(reason, extract::ExtractError::Unparsable(_)) {
        return Err(reason.to_string());
    }
    let reason = reason.to_string();
    let Some(block) = extract::primary_block(reply, &spec.spec.name) else {
        return Err(reason);
    };
    let Ok(Verdict::Failed {
        gate: Gate::Compile,
        diagnostics: Some(diagnostics),
        ..
    }) = runner.check(&spec.spec, &block, tag)
    else {
        return Err(reason);
    };
    let fixed = apply_suggestions(&block, &diagnostics, Suggestions::MachineApplicable)
        .or_else(|| apply_suggestions(&block, &diagnostics, Suggestions::Any));
    if let Some(fixed) = fixed {
        *rustfix_applied = true;
        if let Ok(code) = extract::extract(&fixed, &spec.spec) {
            return Ok(code);
        }
    }
    Err(format!(
        "{reason}\n{}",
        rendered_errors(&diagnostics)
    ))
}
