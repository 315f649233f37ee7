//! Behaviour beyond the examples, with real compiles and confined runs:
//! generated inputs, properties, consensus, questions, and the behaviour
//! pinned for model upgrades. Candidates come from the scripted provider.

use std::path::Path;
use std::time::Duration;

use intent_build::generate::{generate, Options};
use intent_build::judge::behaviour::{Behaviour, CallOutcome};
use intent_build::provider::router::Router;
use intent_build::spec::{parse_str, SpecFile};
use intent_build::{
    gate::Gate,
    judge::gates::{GateRunner, Verdict},
};

mod support;
use support::Scripted;

fn spec(text: &str) -> SpecFile {
    parse_str(text, Path::new("intents/clamp.intent.toml")).unwrap()
}

const CLAMP: &str = r#"signature = "pub fn clamp(n: i32, lo: i32, hi: i32) -> i32"
description = "n limited to the range lo..=hi."
examples = [{ call = "clamp(5, 0, 3)", expect = "3" }]
"#;

fn fence(code: &str) -> String {
    format!("```rust\n{code}\n```")
}

const RIGHT: &str = "pub fn clamp(n: i32, lo: i32, hi: i32) -> i32 { if n < lo { lo } else if n > hi { hi } else { n } }";
const ALSO_RIGHT: &str = "pub fn clamp(n: i32, lo: i32, hi: i32) -> i32 { if n < lo { return lo; } if n > hi { return hi; } n }";
/// Passes the example, wrong whenever n < lo.
const WRONG: &str = "pub fn clamp(n: i32, lo: i32, hi: i32) -> i32 { if n > hi { hi } else { n } }";

fn runner(dir: &Path) -> GateRunner {
    GateRunner::new(dir, Duration::from_secs(10))
}

/// The arguments of a generated `clamp(…)` call.
fn clamp_args(call: &str) -> Vec<i64> {
    call.trim_start_matches("clamp(")
        .trim_end_matches(')')
        .split(", ")
        .map(|a| match a {
            "i32::MIN" => i64::from(i32::MIN),
            "i32::MAX" => i64::from(i32::MAX),
            n => n.parse().unwrap(),
        })
        .collect()
}

fn behaviour_of(verdict: &Verdict) -> &Behaviour {
    match verdict {
        Verdict::Passed {
            behaviour: Some(b), ..
        } => b,
        other => panic!("expected a pass with behaviour: {other:?}"),
    }
}

#[test]
fn candidates_run_on_generated_inputs_and_differ_where_the_examples_did_not_look() {
    let scratch = tempfile::tempdir().unwrap();
    let spec = spec(CLAMP);
    let codes = vec![RIGHT.to_string(), WRONG.to_string(), ALSO_RIGHT.to_string()];
    let verdicts = runner(scratch.path())
        .check_all(&spec.spec, &codes, "r")
        .unwrap();
    let (right, wrong, also) = (
        behaviour_of(&verdicts[0]),
        behaviour_of(&verdicts[1]),
        behaviour_of(&verdicts[2]),
    );
    assert!(right.calls.len() >= 100, "{}", right.calls.len());
    assert!(right
        .outcomes
        .iter()
        .all(|o| matches!(o, CallOutcome::Value(_))));
    assert_eq!(right, also, "two right candidates behave the same");
    let differences = right.differences(wrong, false);
    assert!(!differences.is_empty());
    // Every difference is an input with n < lo, where WRONG ignores lo.
    for change in &differences {
        let (call, got) = (&change.call, &change.after);
        let args = clamp_args(call);
        assert!(args[0] < args[1], "{call}");
        let wrong = if args[0] > args[2] { args[2] } else { args[0] };
        assert_eq!(got, &wrong.to_string(), "{call}");
    }
}

#[test]
fn an_input_that_hangs_or_panics_is_one_outcome_and_the_rest_still_run() {
    let scratch = tempfile::tempdir().unwrap();
    let spec = spec(CLAMP);
    // Hangs on n == 7 and panics on n == 9; right elsewhere.
    let code = "pub fn clamp(n: i32, lo: i32, hi: i32) -> i32 { if n == 7 { loop {} } if n == 9 { panic!(\"nine\") } n.max(lo).min(hi) }";
    let verdicts = runner(scratch.path())
        .check_all(&spec.spec, &[code.to_string()], "hang")
        .unwrap();
    let b = behaviour_of(&verdicts[0]);
    let outcome = |prefix: &str| -> Vec<&CallOutcome> {
        b.calls
            .iter()
            .zip(&b.outcomes)
            .filter(|(c, _)| c.starts_with(prefix))
            .map(|(_, o)| o)
            .collect()
    };
    assert_eq!(outcome("clamp(7,")[0], &CallOutcome::TimedOut);
    assert!(outcome("clamp(9,")
        .iter()
        .all(|o| **o == CallOutcome::Panicked));
    let after_hang = b
        .calls
        .iter()
        .position(|c| c.starts_with("clamp(7,"))
        .unwrap()
        + 1;
    assert!(
        matches!(
            b.outcomes[after_hang],
            CallOutcome::Value(_) | CallOutcome::Panicked | CallOutcome::TimedOut
        ),
        "the run resumed after the hang: {:?}",
        b.outcomes[after_hang]
    );
    assert!(
        b.outcomes
            .iter()
            .filter(|o| matches!(o, CallOutcome::Value(_)))
            .count()
            > 50
    );
}

#[test]
fn a_property_that_fails_refuses_the_candidate_with_the_smallest_counterexample() {
    let scratch = tempfile::tempdir().unwrap();
    let text = format!("{CLAMP}properties = [\"lo > hi || (result >= lo && result <= hi)\"]\n");
    let spec = spec(&text);
    let codes = vec![WRONG.to_string(), RIGHT.to_string()];
    let verdicts = runner(scratch.path())
        .check_all(&spec.spec, &codes, "p")
        .unwrap();
    match &verdicts[0] {
        Verdict::Failed { gate, evidence, .. } => {
            assert_eq!(*gate, Gate::Properties);
            assert_eq!(
                evidence,
                "property `lo > hi || (result >= lo && result <= hi)` does not hold for `clamp(0, 1, 1)`, which returned 0"
            );
        }
        other => panic!("{other:?}"),
    }
    behaviour_of(&verdicts[1]);
}

#[test]
fn assume_narrows_the_inputs() {
    let scratch = tempfile::tempdir().unwrap();
    let text = format!("{CLAMP}assume = \"lo <= hi && n >= 0\"\n");
    let spec = spec(&text);
    let verdicts = runner(scratch.path())
        .check_all(&spec.spec, &[WRONG.to_string(), RIGHT.to_string()], "a")
        .unwrap();
    let (wrong, right) = (behaviour_of(&verdicts[0]), behaviour_of(&verdicts[1]));
    assert!(right.outcomes.contains(&CallOutcome::Skipped));
    for (call, outcome) in right.calls.iter().zip(&right.outcomes) {
        if call.starts_with("clamp(-") {
            assert_eq!(outcome, &CallOutcome::Skipped, "{call}");
        }
    }
    // Still apart on some n >= 0 below lo.
    assert!(!right.differences(wrong, false).is_empty());
}

fn generate_with(
    text: &str,
    replies: &[&str],
    options: Options,
) -> intent_build::report::IntentReport {
    generate_rounds(text, &[replies], options)
}

/// Like [`generate_with`], with each round's replies of its own.
fn generate_rounds(
    text: &str,
    rounds: &[&[&str]],
    options: Options,
) -> intent_build::report::IntentReport {
    let scratch = tempfile::tempdir().unwrap();
    let replies: Vec<Vec<String>> = rounds
        .iter()
        .map(|round| round.iter().map(|r| fence(r)).collect())
        .collect();
    let grid: Vec<Vec<&str>> = replies
        .iter()
        .map(|round| round.iter().map(String::as_str).collect())
        .collect();
    let grid: Vec<&[&str]> = grid.iter().map(Vec::as_slice).collect();
    let (provider, _) = Scripted::grid(&grid, 1, Duration::ZERO);
    let router =
        Router::new(vec![Box::new(provider)], None).with_candidates(vec![grid[0].len() as u32]);
    let (report, _) = generate(
        &spec(text),
        &router,
        &runner(scratch.path()),
        &options,
        &|_| {},
    );
    report
}

/// Fails the example.
const BROKEN: &str = "pub fn clamp(n: i32, lo: i32, hi: i32) -> i32 { lo }";

#[test]
fn a_lone_passing_candidate_waits_for_another_that_agrees() {
    // A budget of the four scripted: no third round seeks a rival.
    let mut options = Options::with_rounds(0);
    options.max_candidates = 4;
    let report = generate_rounds(CLAMP, &[&[BROKEN, RIGHT], &[BROKEN, ALSO_RIGHT]], options);
    assert_eq!(
        report.outcome,
        intent_build::report::IntentOutcome::Generated
    );
    assert_eq!(report.rounds.len(), 2, "{report:#?}");
    // The first of the group across rounds is accepted.
    assert!(report.rounds[0].candidates[1].accepted, "{report:#?}");
    let confidence = report.confidence.expect("recorded");
    assert_eq!(
        (
            confidence.agreed,
            confidence.passed,
            confidence.decoded,
            confidence.rounds
        ),
        (2, 2, 4, 2)
    );
    assert_eq!(confidence.examples, 1);
    assert!(confidence.inputs > 0);
    assert_eq!(confidence.summary(), "2/4 agree · 1 ex · thin");
    // Quorum 1 is the rule before quorums: the lone candidate, at once.
    let today = generate_rounds(
        CLAMP,
        &[&[BROKEN, RIGHT], &[BROKEN, ALSO_RIGHT]],
        Options::with_rounds(0).with_quorum(1),
    );
    assert_eq!(today.rounds.len(), 1);
    assert_eq!(today.confidence.unwrap().agreed, 1);
}

#[test]
fn a_lone_behaviour_when_the_budget_is_spent_is_a_question() {
    let mut options = Options::with_rounds(0);
    options.max_candidates = 4;
    let report = generate_rounds(
        CLAMP,
        &[&[BROKEN, WRONG], &[BROKEN, BROKEN], &[RIGHT, RIGHT]],
        options,
    );
    assert_eq!(
        report.outcome,
        intent_build::report::IntentOutcome::Question
    );
    assert_eq!(report.rounds.len(), 2, "the budget of 4 ends it");
    let reason = report.reason.unwrap();
    assert_eq!(
        reason,
        "only 1 of 4 candidates decoded behave as the one that would be accepted (1 passed every gate; the quorum is 2)"
    );
    let question = report.question.unwrap();
    assert_eq!(question.groups.len(), 1);
    assert_eq!(question.calls.len(), 3);
    assert!(report.confidence.is_none());
}

#[test]
fn seeking_a_rival_samples_the_budget_before_a_thin_acceptance() {
    // Two agree on a wrong reading: the quorum is met, on thin support.
    let rounds: &[&[&str]] = &[
        &[WRONG, WRONG, BROKEN, BROKEN],
        &[RIGHT, ALSO_RIGHT, RIGHT, BROKEN],
    ];
    let mut options = Options::with_rounds(0);
    options.seek_rival = false;
    let plain = generate_rounds(CLAMP, rounds, options);
    assert_eq!(plain.rounds.len(), 1);
    assert!(plain.rounds[0].candidates[0].accepted, "{plain:#?}");
    let mut options = Options::with_rounds(0);
    options.max_candidates = 8;
    options.seek_rival = true;
    let sought = generate_rounds(CLAMP, rounds, options);
    assert_eq!(sought.rounds.len(), 2, "{sought:#?}");
    // The rival reading outnumbers it over the whole pool.
    assert!(sought.rounds[1].candidates[0].accepted, "{sought:#?}");
    assert_eq!(sought.confidence.unwrap().agreed, 3);
    assert_eq!(sought.confidence.unwrap().decoded, 8);
}

#[test]
fn the_majority_is_accepted_and_its_agreement_reported() {
    // A budget of the three scripted: two agreeing is thin support, and
    // with nothing left to sample it is accepted.
    let mut options = Options::with_rounds(0);
    options.max_candidates = 3;
    let report = generate_with(CLAMP, &[WRONG, RIGHT, ALSO_RIGHT], options);
    assert_eq!(
        report.outcome,
        intent_build::report::IntentOutcome::Generated
    );
    assert!(report.rounds[0].candidates[1].accepted, "{report:#?}");
    assert_eq!(report.agreement, Some((2, 3)));
    assert_eq!(report.rounds[0].groups.len(), 2);
}

#[test]
fn a_split_ends_in_a_question_with_the_inputs_that_settle_it() {
    // Quorum 1: a split of one against one is asked about at once.
    let report = generate_with(
        CLAMP,
        &[WRONG, RIGHT],
        Options::with_rounds(1).with_quorum(1),
    );
    assert_eq!(
        report.outcome,
        intent_build::report::IntentOutcome::Question
    );
    assert_eq!(report.rounds.len(), 1, "a question is not retried");
    let question = report.question.expect("a question");
    assert!(!question.calls.is_empty() && question.calls.len() <= 3);
    for (k, call) in question.calls.iter().enumerate() {
        // The two answers differ on every call asked about.
        assert_ne!(question.groups[0].1[k], question.groups[1].1[k], "{call}");
    }
    let spec = spec(CLAMP);
    let shown = question.render(&spec);
    assert!(
        shown.contains(&format!(
            "{{ call = \"{}\", expect = \"?\" }},",
            question.calls[0]
        )),
        "{shown}"
    );
    // The answer, added as an example, settles it.
    let args = clamp_args(&question.calls[0]);
    let answer = if args[0] < args[1] {
        args[1]
    } else if args[0] > args[2] {
        args[2]
    } else {
        args[0]
    };
    let settled = CLAMP.replace(
        "expect = \"3\" }]",
        &format!(
            "expect = \"3\" }}, {{ call = \"{}\", expect = \"{answer}\" }}]",
            question.calls[0]
        ),
    );
    let report = generate_with(
        &settled,
        &[WRONG, RIGHT],
        Options::with_rounds(0).with_quorum(1),
    );
    assert_eq!(
        report.outcome,
        intent_build::report::IntentOutcome::Generated,
        "{report:#?}"
    );
    assert!(report.rounds[0].candidates[1].accepted);
}

#[test]
fn a_pinned_behaviour_refuses_a_change_unless_allowed() {
    let scratch = tempfile::tempdir().unwrap();
    let spec = spec(CLAMP);
    let verdicts = runner(scratch.path())
        .check_all(&spec.spec, &[RIGHT.to_string()], "pin")
        .unwrap();
    let pinned = behaviour_of(&verdicts[0]).clone();
    let mut options = Options::with_rounds(0);
    options.pinned = Some(pinned.clone());
    let report = generate_with(CLAMP, &[WRONG], options.clone());
    assert_eq!(report.outcome, intent_build::report::IntentOutcome::Failed);
    assert_eq!(report.last_gate.map(|g| g.name()), Some("behaviour"));
    assert!(
        report
            .reason
            .as_deref()
            .unwrap()
            .contains("--allow-behaviour-change"),
        "{:?}",
        report.reason
    );
    let kept = generate_with(CLAMP, &[WRONG, ALSO_RIGHT], options.clone());
    assert!(kept.rounds[0].candidates[1].accepted, "{kept:#?}");
    // A change allowed (the lock decides it): no behaviour to keep.
    options.pinned = None;
    let allowed = generate_with(CLAMP, &[WRONG], options);
    assert_eq!(
        allowed.outcome,
        intent_build::report::IntentOutcome::Generated
    );
}

#[test]
fn checks_that_do_not_compile_are_located_spec_errors() {
    let scratch = tempfile::tempdir().unwrap();
    let checks = |properties: &str| -> Vec<String> {
        let text = format!(
            "{CLAMP}assume = \"lo <= hi\"\nproperties = [\n  \"result >= lo\",\n{properties}]\n"
        );
        runner(scratch.path())
            .check_spec(&spec(&text))
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect()
    };
    let shown = checks("  \"result + 1\",\n  \"missing > 0\",\n");
    assert_eq!(shown.len(), 2, "{shown:#?}");
    assert!(
        shown[0].starts_with("intents/clamp.intent.toml:7:4: property 1 does not compile: mismatched types (expected `bool`, found `i32`)"),
        "{}",
        shown[0]
    );
    assert!(
        shown[1].starts_with("intents/clamp.intent.toml:8:4: property 2 does not compile: cannot find value `missing`"),
        "{}",
        shown[1]
    );
    // The fix names what is in scope, on a line of its own.
    assert!(
        shown[1].ends_with("\nhelp: it may use `n`, `lo`, `hi` and `result`, `clamp` itself, the prelude's items and the intents it `uses`"),
        "{}",
        shown[1]
    );
    assert!(checks("").is_empty());
}

#[test]
fn an_assume_that_keeps_no_input_is_an_error_naming_the_intent() {
    let scratch = tempfile::tempdir().unwrap();
    let text = format!("{CLAMP}assume = \"n > 5 && n < 5\"\n");
    let errors = runner(scratch.path()).check_spec(&spec(&text)).unwrap();
    assert_eq!(errors.len(), 1);
    let shown = errors[0].to_string();
    assert!(
        shown.starts_with("intents/clamp.intent.toml:4:11: `assume` rejects every one of the"),
        "{shown}"
    );
    assert!(shown.contains("generated for `clamp`"), "{shown}");
    let fine = format!("{CLAMP}assume = \"n > 5\"\n");
    assert!(runner(scratch.path())
        .check_spec(&spec(&fine))
        .unwrap()
        .is_empty());
}

const DISTANCE_TOML: &str = r#"signature = "pub fn distance(a: i32, b: i32) -> i32"
description = "How far apart a and b are."
examples = [{ call = "distance(1, 4)", expect = "3" }]
assume = "a.abs() < 1_000_000 && b.abs() < 1_000_000"
properties = ["result == distance(b, a)", "distance(a, a) == 0"]
"#;

const DISTANCE_MD: &str = "# signature: pub fn distance(a: i32, b: i32) -> i32\n# description: How far apart a and b are.\n# examples:\n- distance(1, 4) == 3\n# assume: `a.abs() < 1_000_000 && b.abs() < 1_000_000`\n# properties:\n- `result == distance(b, a)`\n- `distance(a, a) == 0`\n";

#[test]
fn properties_may_call_the_function_itself_in_both_forms() {
    let scratch = tempfile::tempdir().unwrap();
    let runner = runner(scratch.path());
    let toml = parse_str(DISTANCE_TOML, Path::new("intents/distance.intent.toml")).unwrap();
    let md = parse_str(DISTANCE_MD, Path::new("intents/distance.intent.md")).unwrap();
    assert_eq!(toml.spec, md.spec);
    for file in [&toml, &md] {
        // The spec check compiles them with no candidate at all.
        assert_eq!(runner.check_spec(file).unwrap(), Vec::new());
    }
    // Right on the example, wrong whenever a > b: only the symmetry says so.
    let one_sided = "pub fn distance(a: i32, b: i32) -> i32 { if a < b { b - a } else { 0 } }";
    match runner.check(&toml.spec, one_sided, "one-sided").unwrap() {
        Verdict::Failed { gate, evidence, .. } => {
            assert_eq!(gate, Gate::Properties);
            assert!(evidence.contains("result == distance(b, a)"), "{evidence}");
        }
        passed => panic!("a one-sided distance passed: {passed:?}"),
    }
    let right = "pub fn distance(a: i32, b: i32) -> i32 { (a - b).abs() }";
    assert!(matches!(
        runner.check(&md.spec, right, "right").unwrap(),
        Verdict::Passed {
            behaviour: Some(_),
            ..
        }
    ));
}

#[test]
fn no_rival_is_sought_where_no_inputs_compare_the_candidates() {
    // A generic function gets no generated inputs: every passing candidate
    // looks alike, so a rival could not show itself and seeking one would
    // only spend the budget.
    const TWICE: &str = r#"name = "twice"
signature = "pub fn twice<T: Copy + std::ops::Add<Output = T>>(x: T) -> T"
description = "x added to itself."
examples = [{ call = "twice(2)", expect = "4" }]
"#;
    const DOUBLED: &str = "pub fn twice<T: Copy + std::ops::Add<Output = T>>(x: T) -> T { x + x }";
    const FIRST: &str = "pub fn twice<T: Copy + std::ops::Add<Output = T>>(x: T) -> T { x }";
    let rounds: &[&[&str]] = &[
        &[DOUBLED, DOUBLED, FIRST, FIRST],
        &[FIRST, FIRST, FIRST, FIRST],
    ];
    let mut options = Options::with_rounds(0);
    options.max_candidates = 8;
    options.seek_rival = true;
    let report = generate_rounds(TWICE, rounds, options);
    assert!(report.behaviour_unchecked.is_some(), "{report:#?}");
    assert_eq!(report.rounds.len(), 1, "{report:#?}");
    assert!(report.rounds[0].candidates[0].accepted, "{report:#?}");
    assert_eq!(report.confidence.unwrap().decoded, 4);
}

/// The values of checks drawn from a description, evaluated confined and
/// compared as values: a value written as `&str` where the result is a
/// `String` is taken as the `String`, `Option::None` is `None`, and a
/// check whose value or arguments do not compile, panic, or fall outside
/// `assume` has no value (it is dropped), without costing the others.
#[test]
fn check_values_are_evaluated_confined_and_a_broken_check_costs_only_itself() {
    use intent_build::judge::checks::{parse, Check};
    let spec = parse_str(
        r#"signature = "pub fn to_roman(n: u32) -> Option<String>"
description = "Roman numerals; None for 0 and above 3999."
assume = "n != 7"
examples = [{ call = "to_roman(4)", expect = "Some(String::from(\"IV\"))" }]
"#,
        Path::new("intents/to_roman.intent.toml"),
    )
    .unwrap();
    let answer = "```rust\nassert_eq!(to_roman(4000), Option::None);\nassert_eq!(to_roman(1), Some(\"I\"));\n\
                  assert_eq!(to_roman(2), Some(2));\nassert_eq!(to_roman(3), Some(\"III\".to_string()));\n\
                  assert_eq!(to_roman(7), None);\nassert_eq!(to_roman(u32::MAX + 1), None);\n```";
    let checks: Vec<Check> = parse(answer, "to_roman", 1, "");
    assert_eq!(checks.len(), 6, "{checks:?}");
    let dir = tempfile::tempdir().unwrap();
    let values = runner(dir.path())
        .expected_values(&spec.spec, &checks)
        .unwrap();
    assert_eq!(
        values,
        [
            Some("None".to_string()),
            Some("Some(\"I\")".to_string()),
            None, // `Some(2)` is no `Option<String>`
            Some("Some(\"III\")".to_string()),
            None, // `assume` rejects 7
            None, // overflows: does not compile
        ]
    );
}

/// A round's request ends the answer where it stops being the function:
/// at a trailing `fn main`, a test module or a test (the bench's
/// `INTENT_BENCH_STOPS=0` turns it off, and so does this option).
#[test]
fn a_rounds_request_stops_at_a_trailing_main_or_tests_unless_turned_off() {
    for stops in [true, false] {
        let (provider, requests) = Scripted::new(&[&fence(RIGHT)]);
        let router = Router::new(vec![Box::new(provider)], None).with_candidates(vec![1]);
        let dir = tempfile::tempdir().unwrap();
        let mut options = Options::default();
        options.answer_stops = stops;
        let _ = generate(
            &spec(CLAMP),
            &router,
            &runner(dir.path()),
            &options,
            &|_| {},
        );
        let sent = &requests.lock().unwrap()[0].stop;
        let expected: Vec<String> = if stops {
            intent_build::generate::options::ANSWER_STOPS
                .iter()
                .map(|s| s.to_string())
                .collect()
        } else {
            Vec::new()
        };
        assert_eq!(sent, &expected);
    }
}

/// `Options::check_sets` is how many independent sets of checks are asked
/// for before accepting (three by default; more only to measure them).
#[test]
fn as_many_check_sets_are_asked_for_as_the_options_say() {
    for sets in [intent_build::generate::options::DESCRIPTION_CHECK_SETS, 5] {
        let mut options = Options::with_rounds(0).with_quorum(1);
        options.max_candidates = 1;
        options.seek_rival = false;
        options.check_sets = sets;
        let report = generate_with(CLAMP, &[RIGHT], options);
        let checks = report
            .checks
            .expect("checks are asked for before accepting");
        assert_eq!(checks.sets.len(), sets as usize, "{checks:#?}");
    }
}
