//! Checks drawn from the description: calls with the result the
//! description implies (`to_roman(4000) == None`), written by the model in
//! a prompt of their own that shows no candidate code, in several
//! independent sets.
//!
//! Model-written checks are often wrong themselves, so they are evidence
//! to weigh and to show the author, never a verdict by themselves: a check
//! counts only when it is *agreed* ([`agreed`]) — at least two sets, and
//! more than half of the sets whose checks compiled, give it the same
//! value (compared as values: each expected expression is evaluated,
//! confined, and its `Debug` compared), and no set gives another. An
//! agreed check the code about to be accepted fails stops that acceptance
//! and becomes a question to the author (`generate::checks`). So does a
//! check only one set gave, uncontested, when the code fails it and
//! another passing candidate passes it: two independent witnesses, one
//! set and one program, against the code (CodeT's dual agreement).
//!
//! This file holds the pure parts: reading a set out of an answer
//! ([`parse`]), agreement, and scoring a candidate's outcomes on the
//! checks' calls ([`failures`]). Evaluating the expected values is the
//! gates' (`GateRunner::expected_values`).

use serde::{Deserialize, Serialize};

use super::behaviour::{round_floats, CallOutcome};
use super::calls::{expression_text, plain_value};

pub use crate::report::{Agreed, Check, CheckSet, Failure};

/// The checks of one set in `answer`: each `assert_eq!(f(…), value)`,
/// `assert!(f(…) == value)`, `assert!(f(…))` or `assert!(!f(…))` calling
/// `name` with `arity` plain arguments, with a plain expected value
/// (plain values: literals, `vec!`, `Some`, `String::from`, …); anything else is skipped. A `//` comment just above a
/// check that quotes the description (in double quotes, or the whole
/// comment) gives its quote when those words are part of `description`.
pub fn parse(answer: &str, name: &str, arity: usize, description: &str) -> Vec<Check> {
    let body = fenced(answer);
    let mut checks = Vec::new();
    let mut comment: Option<String> = None;
    let mut statement = String::new();
    for line in body.lines() {
        let trimmed = line.trim();
        if statement.is_empty() {
            if let Some(text) = trimmed.strip_prefix("//") {
                comment = Some(text.trim().to_string());
                continue;
            }
            if !trimmed.starts_with("assert") {
                if !trimmed.is_empty() {
                    comment = None;
                }
                continue;
            }
        }
        statement.push_str(trimmed);
        statement.push(' ');
        if balanced(&statement) {
            let quote = comment.take().and_then(|c| quoted(&c, description));
            if let Some(mut check) = read_assertion(&statement, name, arity) {
                check.quote = quote;
                checks.push(check);
            }
            statement.clear();
        }
    }
    checks
}

/// The first ```` ``` ```` block's text, or all of `answer` without one.
fn fenced(answer: &str) -> &str {
    let Some(open) = answer.find("```") else {
        return answer;
    };
    let rest = &answer[open + 3..];
    let rest = rest.split_once('\n').map_or("", |(_, r)| r);
    rest.find("```").map_or(rest, |close| &rest[..close])
}

/// Whether the brackets of `text` close, outside string and char literals.
fn balanced(text: &str) -> bool {
    let mut depth = 0i32;
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            _ => {}
        }
    }
    depth <= 0 && !in_string
}

/// One assertion statement as a check.
fn read_assertion(statement: &str, name: &str, arity: usize) -> Option<Check> {
    use syn::punctuated::Punctuated;
    let text = statement.trim().trim_end_matches(';');
    let syn::Expr::Macro(mac) = syn::parse_str::<syn::Expr>(text).ok()? else {
        return None;
    };
    let args = mac
        .mac
        .parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
        .ok()?;
    let args: Vec<&syn::Expr> = args.iter().collect();
    let macro_name = mac.mac.path.get_ident()?.to_string();
    let (call, expected): (&syn::Expr, syn::Expr) = match (macro_name.as_str(), args.as_slice()) {
        ("assert_eq", [a, b, ..]) => {
            if calls(a, name) {
                (a, (*b).clone())
            } else {
                (b, (*a).clone())
            }
        }
        ("assert", [condition, ..]) => match condition {
            syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::Eq(_)) => {
                if calls(&b.left, name) {
                    (&*b.left, (*b.right).clone())
                } else {
                    (&*b.right, (*b.left).clone())
                }
            }
            syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Not(_)) => (&*u.expr, syn::parse_quote!(false)),
            other => (*other, syn::parse_quote!(true)),
        },
        _ => return None,
    };
    let syn::Expr::Call(call) = call else { return None };
    if !calls_named(call, name) || call.args.len() != arity {
        return None;
    }
    if !call.args.iter().all(plain_value) || !plain_value(&expected) {
        return None;
    }
    let args: Vec<String> = call.args.iter().map(expression_text).collect();
    Some(Check {
        call: format!("{name}({})", args.join(", ")),
        args,
        expect: expression_text(&expected),
        quote: None,
        value: None,
    })
}

fn calls(expr: &syn::Expr, name: &str) -> bool {
    matches!(expr, syn::Expr::Call(call) if calls_named(call, name))
}

/// `name(…)`, or a path ending in it (`crate::name(…)`).
fn calls_named(call: &syn::ExprCall, name: &str) -> bool {
    matches!(&*call.func, syn::Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == name))
}

/// The words `comment` quotes — between double quotes, else the whole
/// comment — when they are an exact part of `description` (spacing aside).
fn quoted(comment: &str, description: &str) -> Option<String> {
    let inner = match (comment.find('"'), comment.rfind('"')) {
        (Some(a), Some(b)) if b > a + 1 => &comment[a + 1..b],
        _ => comment,
    };
    let words = squeeze(inner.trim().trim_end_matches('.'));
    (words.split(' ').count() >= 3 && squeeze(description).contains(&words)).then_some(words)
}

/// Runs of whitespace as one space.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Each call with a value in `sets`, in order of first appearance.
fn calls_valued<'a>(sets: &[&'a CheckSet]) -> Vec<&'a str> {
    let mut calls: Vec<&str> = Vec::new();
    for set in sets {
        for check in &set.checks {
            if check.value.is_some() && !calls.contains(&check.call.as_str()) {
                calls.push(&check.call);
            }
        }
    }
    calls
}

/// For answers to the same calls (probes: the calls were asked, not
/// chosen), each call's value that at least two sets, and more than half
/// of the sets that gave it one value, give; a set that gives a call two
/// values has no vote on it.
pub fn majority(sets: &[CheckSet]) -> Vec<Agreed> {
    let counted: Vec<&CheckSet> = sets.iter().filter(|s| s.compiled()).collect();
    let mut out = Vec::new();
    for call in calls_valued(&counted) {
        let votes: Vec<&Check> = counted
            .iter()
            .filter_map(|set| {
                let mut own = set.checks.iter().filter(|c| c.call == call && c.value.is_some());
                let first = own.next()?;
                own.all(|c| c.value == first.value).then_some(first)
            })
            .collect();
        let of = votes.len();
        let winner = votes.iter().find(|v| {
            let n = votes.iter().filter(|o| o.value == v.value).count();
            n >= 2 && n * 2 > of
        });
        if let Some(check) = winner {
            out.push(Agreed {
                call: call.to_string(),
                args: check.args.clone(),
                expect: check.expect.clone(),
                value: check.value.clone().expect("voted"),
                sets: votes.iter().filter(|o| o.value == check.value).count(),
                of,
                quote: None,
            });
        }
    }
    out
}

/// The checks the sets agree on, in order of first appearance: at least
/// two sets, and more than half of the sets whose checks compiled, give the
/// same value for the call, and no set gives another.
pub fn agreed(sets: &[CheckSet]) -> Vec<Agreed> {
    uncontested(sets).into_iter().filter(is_agreed).collect()
}

/// Whether an uncontested check is agreed: at least two sets, and more
/// than half of the sets whose checks compiled, gave it.
pub fn is_agreed(check: &Agreed) -> bool {
    check.sets >= 2 && check.sets * 2 > check.of
}

/// Every call whose value no two sets dispute, in order of first
/// appearance, with how many sets gave it: the agreed checks, and those
/// one set (or too few) gave that no set contradicts.
pub fn uncontested(sets: &[CheckSet]) -> Vec<Agreed> {
    let counted: Vec<&CheckSet> = sets.iter().filter(|s| s.compiled()).collect();
    let of = counted.len();
    let mut out = Vec::new();
    for call in calls_valued(&counted) {
        // Each set's values for the call (a set may contradict itself).
        let mut values: Vec<&str> = Vec::new();
        let mut giving: Vec<&Check> = Vec::new();
        for set in &counted {
            let mut own: Vec<&Check> = set
                .checks
                .iter()
                .filter(|c| c.call == call && c.value.is_some())
                .collect();
            own.dedup_by(|a, b| a.value == b.value);
            for check in own {
                let value = check.value.as_deref().expect("filtered");
                if !values.contains(&value) {
                    values.push(value);
                }
                giving.push(check);
            }
        }
        let [value] = values.as_slice() else {
            continue;
        };
        out.push(Agreed {
            call: call.to_string(),
            args: giving[0].args.clone(),
            expect: giving[0].expect.clone(),
            value: value.to_string(),
            sets: giving.len(),
            of,
            quote: giving.iter().find_map(|c| c.quote.clone()),
        });
    }
    out
}

/// Whether `outcome` is the value `check` expects (floats compared rounded).
pub fn passes(check: &Agreed, outcome: &CallOutcome, floats: bool) -> bool {
    let norm = |text: &str| if floats { round_floats(text) } else { text.to_string() };
    matches!(outcome, CallOutcome::Value(_)) && norm(&outcome.text()) == norm(&check.value)
}

/// The agreed checks (in order) that `outcomes` — what code did on each
/// agreed check's call, in the same order — fail. Time limits and crashes
/// say nothing about meaning and fail nothing; floats compare rounded.
pub fn failures(agreed: &[Agreed], outcomes: &[CallOutcome], floats: bool) -> Vec<Failure> {
    agreed
        .iter()
        .zip(outcomes)
        .enumerate()
        .filter(|(_, (check, outcome))| outcome.comparable() && !passes(check, outcome, floats))
        .map(|(k, (_, outcome))| Failure {
            check: k,
            got: outcome.text(),
        })
        .collect()
}

/// The checks file's shape: one `[[check]]` table per agreed check.
#[derive(Serialize, Deserialize)]
struct ChecksFile {
    #[serde(rename = "check")]
    checks: Vec<Agreed>,
}

/// `snapshots/NAME.checks`' text for the agreed checks of intent `name`:
/// a TOML file a reviewer reads beside the snapshot.
pub fn render(name: &str, agreed: &[Agreed]) -> String {
    let body = toml::to_string(&ChecksFile {
        checks: agreed.to_vec(),
    })
    .unwrap_or_default();
    format!(
        "# Checks drawn from the description of `{name}` by the model, each agreed by its\n\
         # independent check sets; the accepted code passes every one.\n\
         # `cargo intent verify` runs them again.\n\n{body}"
    )
}

/// The checks of a checks file, or why it cannot be read.
///
/// # Errors
///
/// The text is not a checks file.
pub fn read(text: &str) -> Result<Vec<Agreed>, String> {
    toml::from_str::<ChecksFile>(text)
        .map(|f| f.checks)
        .map_err(|e| e.message().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DESCRIPTION: &str = "Roman numerals. Return None for 0 and for any value above 3999.";

    #[test]
    fn assertions_of_every_form_become_checks_with_their_quotes() {
        let answer = "Here:\n```rust\n// \"Return None for 0 and for any value above 3999\"\nassert_eq!(to_roman(4000), None);\n// made up words here\nassert_eq!(\n    to_roman(4),\n    Some(\"IV\".to_string())\n);\nassert!(to_roman(0) == None);\nassert_eq!(Some(String::from(\"I\")), to_roman(1));\nassert_eq!(to_roman(x), None);\nassert_eq!(to_roman(std::process::exit(1)), None);\nlet y = 3;\n```\ntrailing prose";
        let checks = parse(answer, "to_roman", 1, DESCRIPTION);
        let calls: Vec<(&str, &str)> = checks.iter().map(|c| (c.call.as_str(), c.expect.as_str())).collect();
        assert_eq!(
            calls,
            [
                ("to_roman(4000)", "None"),
                ("to_roman(4)", "Some(\"IV\".to_string())"),
                ("to_roman(0)", "None"),
                ("to_roman(1)", "Some(String::from(\"I\"))"),
            ]
        );
        assert_eq!(checks[0].quote.as_deref(), Some("Return None for 0 and for any value above 3999"));
        assert_eq!(checks[1].quote, None, "a paraphrase is no quote");
    }

    #[test]
    fn boolean_assertions_expect_true_or_false() {
        let checks = parse("assert!(!is_valid(\"0 306\"));\nassert!(is_valid(\"0306406152\"));", "is_valid", 1, "");
        assert_eq!(checks[0].expect, "false");
        assert_eq!(checks[1].expect, "true");
    }

    fn set(values: &[(&str, &str)]) -> CheckSet {
        CheckSet {
            author: "m".into(),
            checks: values
                .iter()
                .map(|(call, value)| Check {
                    call: (*call).into(),
                    args: Vec::new(),
                    expect: (*value).into(),
                    quote: None,
                    value: Some((*value).into()),
                })
                .collect(),
            dropped: None,
        }
    }

    #[test]
    fn a_check_is_agreed_by_two_sets_a_majority_and_no_dissent() {
        let sets = [
            set(&[("f(4000)", "None"), ("f(1)", "Some(\"I\")")]),
            set(&[("f(4000)", "None"), ("f(1)", "Some(\"II\")")]),
            set(&[("f(4000)", "None"), ("f(9)", "Some(\"IX\")")]),
        ];
        let agreed = agreed(&sets);
        assert_eq!(agreed.len(), 1, "{agreed:?}");
        assert_eq!((agreed[0].call.as_str(), agreed[0].sets, agreed[0].of), ("f(4000)", 3, 3));
        // One set alone never makes a check agreed.
        assert!(super::agreed(&sets[2..]).is_empty());
        // A set that did not compile does not count toward the majority.
        let mut broken = set(&[("f(4000)", "None")]);
        broken.checks[0].value = None;
        let two_of_two = [sets[0].clone(), sets[1].clone(), broken];
        assert_eq!(super::agreed(&two_of_two)[0].of, 2);
    }

    #[test]
    fn a_probes_value_is_the_one_most_of_its_answers_give() {
        let sets = [
            set(&[("f(4096)", "None"), ("f(5)", "Some(\"V\")")]),
            set(&[("f(4096)", "None"), ("f(5)", "Some(\"IIIII\")")]),
            set(&[("f(4096)", "Some(\"MMMM\")"), ("f(5)", "None"), ("f(5)", "Some(\"V\")")]),
        ];
        let shown: Vec<(String, String, usize, usize)> = majority(&sets)
            .into_iter()
            .map(|a| (a.call, a.value, a.sets, a.of))
            .collect();
        // Two of three is a majority; a set that gives a call two values has
        // no vote on it, and one against one is none.
        assert_eq!(shown, [("f(4096)".to_string(), "None".to_string(), 2, 3)]);
        assert!(majority(&sets[..1]).is_empty());
    }

    #[test]
    fn a_check_one_set_gave_is_uncontested_until_another_set_disputes_it() {
        let sets = [
            set(&[("f(4000)", "None"), ("f(1)", "Some(\"I\")")]),
            set(&[("f(4000)", "None"), ("f(1)", "Some(\"II\")")]),
            set(&[("f(9)", "Some(\"IX\")")]),
        ];
        let all = uncontested(&sets);
        let shown: Vec<(&str, usize, bool)> = all.iter().map(|a| (a.call.as_str(), a.sets, is_agreed(a))).collect();
        // `f(1)` is disputed: neither value is a check at all.
        assert_eq!(shown, [("f(4000)", 2, true), ("f(9)", 1, false)]);
        assert!(passes(&all[1], &CallOutcome::Value("Some(\"IX\")".into()), false));
        assert!(!passes(&all[1], &CallOutcome::Panicked, false));
    }

    #[test]
    fn failures_compare_values_and_ignore_time_limits() {
        let agreed = agreed(&[set(&[("f(4000)", "None"), ("f(5)", "1.0")]), set(&[("f(4000)", "None"), ("f(5)", "1.0")])]);
        let got = [CallOutcome::Value("Some(\"MMMM\")".into()), CallOutcome::Value("1.0000000001".into())];
        assert_eq!(failures(&agreed, &got, true), [Failure { check: 0, got: "Some(\"MMMM\")".into() }]);
        assert_eq!(failures(&agreed, &got, false).len(), 2);
        let slow = [CallOutcome::TimedOut, CallOutcome::Panicked];
        assert_eq!(failures(&agreed, &slow, true), [Failure { check: 1, got: "panicked".into() }]);
    }

    #[test]
    fn the_checks_file_reads_back_what_was_written() {
        let agreed = agreed(&[set(&[("f(4000)", "None")]), set(&[("f(4000)", "None")])]);
        let text = render("f", &agreed);
        assert!(text.contains("[[check]]\ncall = \"f(4000)\""), "{text}");
        assert_eq!(read(&text).unwrap(), agreed);
        assert!(read("call = 1").is_err());
    }
}
