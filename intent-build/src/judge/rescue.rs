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
) -> Result<String, Unrescued> {
    let unrescued = |reason| Unrescued { reason, rustc: None };
    if !matches!(reason, extract::ExtractError::Unparsable(_)) {
        return Err(unrescued(reason));
    }
    let Some(block) = extract::primary_block(reply, &spec.spec.name) else {
        return Err(unrescued(reason));
    };
    if let Some(code) = empty_chars(&block).and_then(|b| extract::extract(&b, &spec.spec).ok()) {
        *rustfix_applied = true;
        return Ok(code);
    }
    let Ok(Verdict::Failed {
        gate: Gate::Compile,
        diagnostics: Some(diagnostics),
        ..
    }) = runner.check(&spec.spec, &block, tag)
    else {
        return Err(unrescued(reason));
    };
    let fixed = apply_suggestions(&block, &diagnostics, Suggestions::MachineApplicable)
        .or_else(|| apply_suggestions(&block, &diagnostics, Suggestions::Any));
    if let Some(fixed) = fixed {
        *rustfix_applied = true;
        if let Ok(code) = extract::extract(&fixed, &spec.spec) {
            return Ok(code);
        }
    }
    Err(Unrescued {
        reason,
        rustc: Some(rendered_errors(&diagnostics)),
    })
}

/// Why an answer fails the parse gate: extraction's reason, and rustc's
/// errors on the block when it was tried as it is.
#[derive(Debug, thiserror::Error)]
#[error("{reason}{}", rustc.as_deref().map(|r| format!("\n{r}")).unwrap_or_default())]
pub(super) struct Unrescued {
    /// Why extraction refused it.
    pub reason: extract::ExtractError,
    /// rustc's errors on the primary block, rendered.
    pub rustc: Option<String>,
}

/// `block` with each empty character literal `''` outside string literals
/// made an empty string `""`: what a model means by `s.replace('-', '')`,
/// and a parse error rustc offers no suggestion for. `None` when there is
/// none.
fn empty_chars(block: &str) -> Option<String> {
    let mut out = String::with_capacity(block.len());
    let mut chars = block.chars().peekable();
    let (mut in_string, mut escaped, mut changed) = (false, false, false);
    while let Some(c) = chars.next() {
        if in_string {
            in_string = escaped || c != '"';
            escaped = !escaped && c == '\\';
        } else if c == '"' {
            in_string = true;
        } else if c == '\'' && chars.peek() == Some(&'\'') {
            chars.next();
            out.push_str("\"\"");
            changed = true;
            continue;
        } else if c == '\'' && chars.peek() == Some(&'\\') {
            // An escaped character literal (`'\''`): its quote is not one.
            out.push(c);
            out.extend(chars.next());
            out.extend(chars.next());
            continue;
        }
        out.push(c);
    }
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::empty_chars;

    #[test]
    fn an_empty_character_literal_becomes_an_empty_string() {
        assert_eq!(
            empty_chars("fn f(s: &str) -> String { s.replace('-', '') }").unwrap(),
            "fn f(s: &str) -> String { s.replace('-', \"\") }"
        );
        // Inside a string it is text; without one there is nothing to do.
        assert_eq!(empty_chars("fn g() -> &'static str { \"it''s \\\" ''\" }"), None);
        assert_eq!(empty_chars("fn h(c: char) -> bool { c == '\\'' }"), None);
    }
}
