//! An adopted function's examples: what it returned, run confined, on the
//! calls of its crate's tests and on inputs generated from its signature.
//! A few (at most [`MOST`]) are kept, each showing a behaviour the others
//! do not — a different kind of answer first (`None` and `Some`, empty and
//! not, a panic), then a different answer — readable test calls first.

use crate::judge::behaviour::CallOutcome;

/// Most examples an adopted spec gets.
pub(super) const MOST: usize = 6;
/// Longest answer taken as an example: longer ones are cut when shown.
const LONGEST: usize = 200;

/// One call the function was run on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Observed {
    /// The call, as an example writes it.
    pub call: String,
    /// What it did.
    pub outcome: CallOutcome,
    /// Whether a test of the crate makes it.
    pub from_tests: bool,
}

/// At most [`MOST`] of `observed`: one per kind of answer, test calls and
/// short calls first, then other answers.
pub(super) fn choose(observed: &[Observed]) -> Vec<Observed> {
    let mut order: Vec<&Observed> = observed.iter().filter(|o| usable(&o.outcome)).collect();
    order.sort_by_key(|o| (!o.from_tests, if o.from_tests { 0 } else { o.call.len() }));
    let mut chosen: Vec<&Observed> = Vec::new();
    let mut kinds = Vec::new();
    for o in &order {
        let kind = kind(&o.outcome);
        if chosen.len() < MOST && !kinds.contains(&kind) {
            kinds.push(kind);
            chosen.push(o);
        }
    }
    for o in &order {
        let new_answer = !chosen.iter().any(|c| c.outcome == o.outcome);
        if chosen.len() < MOST && new_answer {
            chosen.push(o);
        }
    }
    let mut chosen: Vec<Observed> = chosen.into_iter().cloned().collect();
    chosen.sort_by_key(|o| order.iter().position(|x| *x == o));
    chosen
}

/// Whether `outcome` can be an example: a panic, or an answer short
/// enough to be shown whole and written as Rust (not `NaN` or `inf`).
fn usable(outcome: &CallOutcome) -> bool {
    match outcome {
        CallOutcome::Panicked => true,
        CallOutcome::Value(v) => {
            let words = v.split(|c: char| !c.is_alphanumeric());
            v.len() <= LONGEST && !words.clone().any(|w| w == "NaN" || w == "inf")
        }
        _ => false,
    }
}

/// The kind of an answer: `panics`, `true`, `empty text`, `Some(list)`,
/// `negative`…
fn kind(outcome: &CallOutcome) -> String {
    match outcome {
        CallOutcome::Value(v) => shape(v.trim()),
        _ => "panics".into(),
    }
}

fn shape(v: &str) -> String {
    if v == "true" || v == "false" {
        return v.into();
    }
    if let Some(first) = v.chars().next() {
        match first {
            '"' => return if v == "\"\"" { "empty text" } else { "text" }.into(),
            '[' => return if v == "[]" { "empty list" } else { "list" }.into(),
            '\'' => return "char".into(),
            _ => {}
        }
    }
    if let Some((head, inner)) = v.split_once('(') {
        if !head.is_empty() && head.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return format!("{head}({})", shape(inner.strip_suffix(')').unwrap_or(inner).trim()));
        }
    }
    match v.parse::<f64>() {
        Ok(n) if n < 0.0 => "negative".into(),
        Ok(0.0) => "zero".into(),
        Ok(_) => "positive".into(),
        Err(_) => v.split(|c: char| !c.is_alphanumeric() && c != '_').next().unwrap_or(v).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(call: &str, outcome: &str, from_tests: bool) -> Observed {
        Observed {
            call: call.into(),
            outcome: if outcome == "panicked" {
                CallOutcome::Panicked
            } else {
                CallOutcome::Value(outcome.into())
            },
            from_tests,
        }
    }

    #[test]
    fn one_example_per_kind_of_answer_test_calls_first() {
        let observed = [
            seen("f(\"\")", "None", false),
            seen("f(\"abc\")", "Some(\"ABC\")", true),
            seen("f(\"a\")", "Some(\"A\")", false),
            seen("f(\"xyz\")", "Some(\"XYZ\")", true),
            seen("f(\"!\")", "panicked", false),
            seen("f(\"a b\")", "Some(\"\")", false),
            seen("f(\"NaN\")", "NaN", false),
        ];
        let chosen: Vec<String> = choose(&observed).into_iter().map(|o| o.call).collect();
        assert_eq!(chosen, ["f(\"abc\")", "f(\"xyz\")", "f(\"\")", "f(\"a\")", "f(\"!\")", "f(\"a b\")"]);
    }

    #[test]
    fn at_most_six_and_no_answer_twice() {
        let observed: Vec<Observed> = (0..20).map(|i| seen(&format!("f({i})"), &format!("{}", i % 3), false)).collect();
        let chosen = choose(&observed);
        let calls: Vec<&str> = chosen.iter().map(|o| o.call.as_str()).collect();
        assert_eq!(calls, ["f(0)", "f(1)", "f(2)"]);
    }
}
