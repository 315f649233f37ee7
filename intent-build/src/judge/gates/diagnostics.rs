//! What rustc's JSON diagnostics say about the candidates: each one's own
//! errors, their rendering for evidence and lessons, and the edits its
//! suggestions make.

use super::scratch::{candidate_file, module, CANDIDATE_MODULE, FILE_PREFIX};
use std::collections::HashSet;

use crate::judge::behaviour::{self, HARNESS_FILE};
use crate::report::Fix;

/// One replacement of `code[start..end]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Byte offset in the candidate's code.
    pub start: usize,
    /// Byte offset in the candidate's code.
    pub end: usize,
    /// What replaces it.
    pub text: String,
    /// The rewrite it comes from (`None`: a rustc suggestion).
    pub fix: Option<Fix>,
}

/// rustc's error diagnostics (`--error-format=json`, one per line): each
/// line with its parsed value; warnings, notes and unparsable lines skipped.
pub(super) fn error_diagnostics(json: &str) -> impl Iterator<Item = (&str, serde_json::Value)> {
    json.lines().filter_map(|line| {
        let value = serde_json::from_str::<serde_json::Value>(line).ok()?;
        (value["level"] == "error").then_some((line, value))
    })
}

/// Whether an error is rustc's closing count ("aborting due to 2 previous
/// errors"): the one error with neither a code nor a span.
fn is_summary(value: &serde_json::Value) -> bool {
    value["code"].is_null() && spans(value).next().is_none()
}

/// The codes of rustc's errors: `E0308`, or a lint's name (`unsafe_code`).
pub(super) fn error_codes(json: &str) -> impl Iterator<Item = String> + '_ {
    error_diagnostics(json)
        .filter_map(|(_, value)| value["code"]["code"].as_str().map(str::to_string))
}

/// The lines of rustc's errors with a span in a file `wanted` accepts.
pub(super) fn errors_in(json: &str, wanted: impl Fn(&str) -> bool) -> Vec<&str> {
    error_diagnostics(json)
        .filter(|(_, value)| spans(value).any(|s| s["file_name"].as_str().is_some_and(&wanted)))
        .map(|(line, _)| line)
        .collect()
}

/// Errors whose primary span lies in one of the harness's check lines:
/// which check, and rustc's message with its label.
pub(super) fn check_errors(
    json: &str,
    spans_of: &[behaviour::CheckSpan],
) -> Vec<(behaviour::Check, String)> {
    let mut out = Vec::new();
    for (_, value) in error_diagnostics(json) {
        let Some(span) = spans(&value)
            .find(|s| s["file_name"].as_str() == Some(HARNESS_FILE) && s["is_primary"] == true)
        else {
            continue;
        };
        let line_no = span["line_start"].as_u64().unwrap_or(0) as usize;
        let Some(check) = spans_of.iter().find(|c| c.lines.contains(&line_no)) else {
            continue;
        };
        let mut message = value["message"].as_str().unwrap_or_default().to_string();
        if let Some(label) = span["label"].as_str().filter(|l| !l.is_empty()) {
            message = format!("{message} ({label})");
        }
        out.push((check.check, message));
    }
    out
}

/// The errors of candidate `i` (their spans in its file or its tests'), as
/// rustc's JSON lines; `None` when it has none.
pub(super) fn diagnostics_of(json: &str, i: usize) -> Option<String> {
    let file = candidate_file(i);
    let tests = format!("{}_tests.rs", module(i));
    let own = errors_in(json, |f| f == file || f == tests);
    (!own.is_empty()).then(|| own.join("\n"))
}

/// rustc's errors, compactly: for each (at most four) the line of the
/// candidate it points at, the message and its label, and rustc's help.
/// Notes that point into the standard library's source are left out: they
/// name files the model never saw.
pub fn rendered_errors(json: &str) -> String {
    let mut out = Vec::new();
    for (_, value) in error_diagnostics(json) {
        if is_summary(&value) {
            continue;
        }
        let message = value["message"].as_str().unwrap_or_default();
        let mut text = format!("error: {message}");
        let primary = spans(&value).find(|span| span["is_primary"] == true);
        if let Some(span) = primary {
            if let Some(label) = span["label"].as_str() {
                text.push_str(&format!(" ({label})"));
            }
            if let Some(source) = span["text"][0]["text"].as_str() {
                let source = source.trim();
                // Line 1 as the model wrote it, without the prelude import.
                let source = source
                    .strip_prefix(FILE_PREFIX.trim_end())
                    .unwrap_or(source);
                text.push_str(&format!(
                    "\n  line {}: {}",
                    span["line_start"],
                    source.trim()
                ));
            }
        }
        for child in value["children"].as_array().into_iter().flatten() {
            let Some(help) = child["message"].as_str() else {
                continue;
            };
            let in_std = spans(child).any(|span| {
                span["file_name"]
                    .as_str()
                    .is_some_and(|f| f.starts_with('/'))
            });
            if child["level"] != "help" || in_std {
                continue;
            }
            let replacement = spans(child).find_map(|span| span["suggested_replacement"].as_str());
            text.push_str(&format!("\n  help: {help}"));
            if let Some(r) = replacement.filter(|r| !r.is_empty()) {
                text.push_str(&format!(": `{}`", r.trim()));
            }
        }
        out.push(text);
        if out.len() >= 4 {
            break;
        }
    }
    if out.is_empty() {
        json.chars().take(2000).collect()
    } else {
        out.join("\n")
    }
}

/// How many errors rustc reported (its closing "aborting" line aside).
pub fn error_count(json: &str) -> usize {
    error_diagnostics(json)
        .filter(|(_, value)| !is_summary(value))
        .count()
}

/// What rustc's errors teach a later round, without the candidate's code:
/// each error's message with its first help or note, and for a crate that
/// is not there, that only the standard library is (at most three).
pub fn error_lessons(json: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (_, value) in error_diagnostics(json) {
        if is_summary(&value) {
            continue;
        }
        let message = value["message"].as_str().unwrap_or_default();
        let children = value["children"].as_array().into_iter().flatten();
        let lesson = match missing_crate(&value) {
            Some(name) => {
                format!("Only the standard library is available: the `{name}` crate is not.")
            }
            None => {
                let hint = children
                    .filter(|c| c["level"] == "help" || c["level"] == "note")
                    .filter(|c| {
                        !spans(c)
                            .any(|s| s["file_name"].as_str().is_some_and(|f| f.starts_with('/')))
                    })
                    .find_map(|c| {
                        let text = c["message"].as_str()?.lines().next()?.to_string();
                        let replacement = spans(c)
                            .find_map(|s| s["suggested_replacement"].as_str())
                            .filter(|r| !r.trim().is_empty());
                        Some(match replacement {
                            Some(r) => format!("{text}: `{}`", r.trim()),
                            None => text,
                        })
                    });
                match hint {
                    Some(hint) => format!("Avoid this error: {message}; {hint}."),
                    None => format!("Avoid this error: {message}."),
                }
            }
        };
        if !out.contains(&lesson) {
            out.push(lesson);
        }
        if out.len() >= 3 {
            break;
        }
    }
    out
}

/// The code fragments `text` quotes in backticks, in order.
pub(crate) fn quoted(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// The crate an unresolved path starts with (`regex` in `regex::Regex`):
/// an unresolved import or path (`E0432`, `E0433`) whose label quotes one
/// plain name alone, which is not one of the standard library's crates.
/// (A missing item further down a path quotes the item and its parent.)
fn missing_crate(value: &serde_json::Value) -> Option<String> {
    let code = value["code"]["code"].as_str()?;
    if code != "E0432" && code != "E0433" {
        return None;
    }
    let primary = spans(value).find(|s| s["is_primary"] == true)?;
    let [name] = <[String; 1]>::try_from(quoted(primary["label"].as_str()?)).ok()?;
    let plain = name.chars().all(|c| c.is_alphanumeric() || c == '_');
    let own = ["std", "core", "alloc", "crate", "self", "super"].contains(&name.as_str());
    (plain && !own).then_some(name)
}

/// The spans of a rustc diagnostic (or of one of its children).
pub(super) fn spans(diagnostic: &serde_json::Value) -> impl Iterator<Item = &serde_json::Value> {
    diagnostic["spans"].as_array().into_iter().flatten()
}

/// Which of rustc's suggestions to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suggestions {
    /// Only machine-applicable ones, as `cargo fix` applies them.
    MachineApplicable,
    /// Every suggestion, "maybe incorrect" ones included: `cargo fix` cannot
    /// check those, but the gates re-run the examples on the result, so a
    /// wrong guess is caught like any wrong candidate.
    Any,
}

/// Applies rustc's suggestions for a candidate's file to its `code`. `None`
/// when there were none to apply.
///
/// The diagnostics are one candidate's (as [`super::Verdict::Failed`] holds them);
/// their byte offsets are in its file, whose first line starts with the
/// prelude import, so the suggestions are applied to that text and the
/// import taken out again. A suggestion outside the code (in the tests the
/// file includes) is not the candidate's to take.
pub fn apply_suggestions(code: &str, diagnostics: &str, which: Suggestions) -> Option<String> {
    let text = format!("{FILE_PREFIX}{code}");
    let ours = own_suggestions(&text, diagnostics, which);
    if ours.is_empty() {
        return None;
    }
    let fixed = rustfix::apply_suggestions(&text, &ours).ok()?;
    // An inserted `use` may come before the prelude import.
    let fixed = fixed.replacen(FILE_PREFIX, "", 1);
    (fixed != code).then_some(fixed)
}

/// rustc's suggestions whose every replacement lies in the candidate's
/// own `text` (its file: prelude import and code).
pub(super) fn own_suggestions(
    text: &str,
    diagnostics: &str,
    which: Suggestions,
) -> Vec<rustfix::Suggestion> {
    let filter = match which {
        Suggestions::MachineApplicable => rustfix::Filter::MachineApplicableOnly,
        Suggestions::Any => rustfix::Filter::Everything,
    };
    let Ok(suggestions) = rustfix::get_suggestions_from_json(diagnostics, &HashSet::new(), filter)
    else {
        return Vec::new();
    };
    let in_code = |r: &rustfix::Replacement| {
        in_candidate_file(&r.snippet.file_name) && r.snippet.range.end <= text.len()
    };
    suggestions
        .into_iter()
        .filter(|s| {
            s.solutions
                .iter()
                .all(|sol| sol.replacements.iter().all(in_code))
        })
        .collect()
}

/// Whether rustc's `file` is a candidate's code (not the tests it includes).
pub(super) fn in_candidate_file(file: &str) -> bool {
    file.starts_with(CANDIDATE_MODULE) && file.ends_with(".rs") && !file.ends_with("_tests.rs")
}

/// Every rustc suggestion for the candidate as edits of `code` (offsets in
/// `code`; an insertion before the prelude import goes to its start).
pub(crate) fn suggested_edits(
    code: &str,
    diagnostics: &str,
) -> Vec<Edit> {
    let text = format!("{FILE_PREFIX}{code}");
    let offset = |at: usize| at.saturating_sub(FILE_PREFIX.len());
    own_suggestions(&text, diagnostics, Suggestions::Any)
        .iter()
        .flat_map(|s| s.solutions.first())
        .flat_map(|sol| &sol.replacements)
        .filter(|r| r.snippet.range.start >= FILE_PREFIX.len() || r.snippet.range.is_empty())
        .map(|r| Edit {
            start: offset(r.snippet.range.start),
            end: offset(r.snippet.range.end),
            text: r.replacement.clone(),
            fix: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One rustc JSON diagnostic line.
    fn diagnostic(message: &str, children: serde_json::Value) -> String {
        serde_json::json!({
            "level": "error",
            "message": message,
            "spans": [{
                "file_name": "candidate0.rs", "is_primary": true, "line_start": 3,
                "label": "expected `char`, found `i32`",
                "text": [{ "text": "    s.push(a);" }]
            }],
            "children": children,
        })
        .to_string()
    }

    #[test]
    fn rendered_errors_keep_line_message_and_help_but_not_std_notes() {
        let json = [
            diagnostic(
                "mismatched types",
                serde_json::json!([
                    { "level": "note", "message": "method defined here",
                      "spans": [{ "file_name": "/rustc/abc/library/alloc/src/string.rs" }] },
                    { "level": "help", "message": "try converting",
                      "spans": [{ "file_name": "candidate0.rs", "suggested_replacement": "char::from(a)" }] }
                ]),
            ),
            r#"{"level":"error","message":"aborting due to 1 previous error","spans":[],"children":[]}"#.into(),
        ]
        .join("\n");
        assert_eq!(
            rendered_errors(&json),
            "error: mismatched types (expected `char`, found `i32`)\n  line 3: s.push(a);\n  help: try converting: `char::from(a)`"
        );
        assert_eq!(error_count(&json), 1);
    }

    #[test]
    fn at_most_four_errors_are_rendered() {
        let json: Vec<String> = (0..6)
            .map(|i| diagnostic(&format!("error number {i}"), serde_json::json!([])))
            .collect();
        let rendered = rendered_errors(&json.join("\n"));
        assert_eq!(rendered.matches("error: ").count(), 4);
        assert!(!rendered.contains("error number 4"));
    }

    #[test]
    fn error_lessons_leave_the_code_out_and_name_missing_crates() {
        let crate_missing = serde_json::json!({
            "level": "error", "message": "unresolved import `regex`", "code": { "code": "E0432" },
            "spans": [{ "file_name": "candidate0.rs", "is_primary": true,
                        "label": "use of unresolved module or unlinked crate `regex`" }],
            "children": [],
        })
        .to_string();
        let json = [crate_missing, diagnostic("mismatched types", serde_json::json!([
            { "level": "help", "message": "try converting",
              "spans": [{ "file_name": "candidate0.rs", "suggested_replacement": "char::from(a)" }] }
        ]))]
        .join("\n");
        assert_eq!(
            error_lessons(&json),
            [
                "Only the standard library is available: the `regex` crate is not.",
                "Avoid this error: mismatched types; try converting: `char::from(a)`.",
            ]
        );
    }
}
