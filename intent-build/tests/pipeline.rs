//! The generation pipeline driven by scripted model replies: gates, repair
//! rounds, timeouts, and what may (never) reach the lock.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use intent_build::generate::{generate, Options, Repair};
use intent_build::lockfile::{Lockfile, ModelIdentity};
use intent_build::provider::router::Router;
use intent_build::provider::Request;
use intent_build::spec::{parse_str, SpecFile};
use intent_build::store::{Accepted, Store};
use intent_build::{
    gate::Gate,
    judge::gates::{GateRunner, Verdict},
};

mod support;
use support::{Scripted, TRUNCATED};

const SPEC: &str = r#"signature = "pub fn add(a: i32, b: i32) -> i32"
description = "The sum of a and b."
examples = [
  { call = "add(2, 3)", expect = "5" },
  { call = "add(-1, 1)", expect = "0" },
]
tests = "assert_eq!(add(0, 0), 0);"
"#;

fn spec() -> SpecFile {
    parse_str(SPEC, Path::new("intents/add.intent.toml")).unwrap()
}

/// The spec with `capabilities = ["stdio"]`: its candidates may print.
fn printing_spec() -> SpecFile {
    parse_str(
        &format!("{SPEC}capabilities = [\"stdio\"]\n"),
        Path::new("intents/add.intent.toml"),
    )
    .unwrap()
}

fn fence(code: &str) -> String {
    format!("```rust\n{code}\n```")
}

struct Run {
    outcome: Option<intent_build::judge::PassingCandidate>,
    report: intent_build::report::IntentReport,
    requests: Vec<Request>,
    elapsed: Duration,
}

/// One candidate per round, lessons between rounds (the defaults).
fn run(replies: &[&str], rounds: u32) -> Run {
    let (provider, requests) = Scripted::new(replies);
    run_with(provider, requests, 1, Options::with_rounds(rounds))
}

/// Conversation repair: the failed answer and its evidence.
fn run_conversation(replies: &[&str], rounds: u32) -> Run {
    let (provider, requests) = Scripted::new(replies);
    let options = Options::with_rounds(rounds).with_repair(Repair::Conversation);
    run_with(provider, requests, 1, options)
}

fn run_with(
    provider: Scripted,
    requests: std::sync::Arc<std::sync::Mutex<Vec<Request>>>,
    candidates: u32,
    options: Options,
) -> Run {
    run_spec(&spec(), provider, requests, candidates, options)
}

/// As [`run_with`], for `spec`.
fn run_spec(
    spec: &SpecFile,
    provider: Scripted,
    requests: std::sync::Arc<std::sync::Mutex<Vec<Request>>>,
    candidates: u32,
    options: Options,
) -> Run {
    let scratch = tempfile::tempdir().unwrap();
    let router = Router::new(vec![Box::new(provider)], None).with_candidates(vec![candidates]);
    let runner = GateRunner::new(scratch.path(), Duration::from_secs(5));
    let start = Instant::now();
    let (report, outcome) = generate(spec, &router, &runner, &options, &|_| {});
    let requests = requests.lock().unwrap().clone();
    Run {
        outcome,
        report,
        requests,
        elapsed: start.elapsed(),
    }
}

const GOOD: &str = "pub fn add(a: i32, b: i32) -> i32 { a + b }";

#[test]
fn a_truncated_answer_costs_a_round_not_the_intent() {
    let run = run(&[TRUNCATED, &fence(GOOD)], 1);
    assert!(run.outcome.is_some(), "{:#?}", run.report);
    assert_eq!(
        run.report.rounds[0].candidates[0].failure.as_deref(),
        Some("every model provider failed:\n  - scripted: the answer was cut at 768 tokens")
    );
    assert!(
        run.requests[1].user.contains("Keep the answer short"),
        "{}",
        run.requests[1].user
    );
}

/// A lock, snapshots and pending records in `dir`.
fn store_in(dir: &Path) -> Store {
    Store {
        lockfile: dir.join("Intent.lock"),
        specs_dir: dir.join("intents"),
        pending_dir: dir.join("pending"),
    }
}

#[test]
fn a_correct_candidate_passes_every_gate() {
    let run = run(&[&fence(GOOD)], 0);
    let candidate = run.outcome.expect("accepted");
    use intent_build::gate::Gate;
    assert_eq!(
        candidate.gates,
        [
            Gate::Parse,
            Gate::Compile,
            Gate::Policy,
            Gate::Examples,
            Gate::Tests
        ]
    );
    assert_eq!(
        candidate.code,
        "pub fn add(a: i32, b: i32) -> i32 {\n    a + b\n}"
    );
    // The hash of its behaviour on the generated inputs, which include
    // `add(0, 0) => 0` and `add(1, 2) => 3`.
    let behaviour = candidate.behaviour.expect("i32 inputs are generated");
    assert_eq!(candidate.functional_hash, behaviour.hash());
    let text = behaviour.render(None);
    assert!(text.contains("\nadd(0, 0) => 0\n"), "{text}");
    assert!(text.contains("\nadd(1, 2) => 3\n"), "{text}");
}

#[test]
fn compile_error_is_repaired_in_round_two_with_the_diagnostics_in_the_prompt() {
    let broken = "pub fn add(a: i32, b: i32) -> i32 { a.plus_the(b) }";
    let run = run_conversation(&[&fence(broken), &fence(GOOD)], 3);
    assert!(run.outcome.is_some(), "{:#?}", run.report);
    assert_eq!(run.requests.len(), 2);
    let second = &run.requests[1];
    assert!(
        second.user.contains("no method named `plus_the` found"),
        "rustc's diagnostics must reach the repair prompt:\n{}",
        second.user
    );
    let (first_prompt, previous) = &second.history[0];
    assert_eq!(
        first_prompt, &run.requests[0].user,
        "the conversation starts with the first request"
    );
    assert!(
        previous.contains("a.plus_the(b)"),
        "the previous candidate is the assistant's turn:\n{previous}"
    );
    assert_eq!(
        run.report.rounds[0].candidates[0]
            .gates
            .last()
            .unwrap()
            .gate,
        intent_build::gate::Gate::Compile
    );
}

#[test]
fn machine_applicable_suggestions_are_applied_before_a_model_round() {
    // rustc suggests `mut` for the assignment to an immutable binding.
    let fixable = "pub fn add(a: i32, b: i32) -> i32 { let s = 0; s = a + b; s }";
    let run = run(&[&fence(fixable)], 0);
    let candidate = run.outcome.unwrap_or_else(|| panic!("{:#?}", run.report));
    assert!(candidate.code.contains("let mut s"), "{}", candidate.code);
    assert!(run.report.rounds[0].candidates[0].rustfix_saved);
    assert_eq!(run.requests.len(), 1);
}

#[test]
fn code_the_parser_rejects_is_fixed_by_rustc_suggestions() {
    // `'ab'` is not a char literal; syn cannot read the block at all, rustc
    // suggests a string literal, and the result passes without a model round.
    let unparsable = "pub fn add(a: i32, b: i32) -> i32 { let _unit = 'ab'; a + b }";
    let run = run(&[&fence(unparsable)], 0);
    let candidate = run.outcome.unwrap_or_else(|| panic!("{:#?}", run.report));
    assert!(candidate.code.contains("\"ab\""), "{}", candidate.code);
    assert!(run.report.rounds[0].candidates[0].rustfix_saved);
}

#[test]
fn rustc_diagnostics_explain_code_the_parser_rejects() {
    let unparsable = "pub fn add(a: i32, b: i32) -> i32 { a + b ) }";
    let run = run_conversation(&[&fence(unparsable), &fence(GOOD)], 1);
    assert!(run.outcome.is_some());
    let second = &run.requests[1].user;
    assert!(second.contains("the code does not parse"), "{second}");
    assert!(
        second.contains("error: mismatched closing delimiter")
            || second.contains("error: unexpected closing delimiter"),
        "{second}"
    );
}

#[test]
fn a_wrong_answer_feeds_expected_and_actual_back() {
    let wrong = "pub fn add(a: i32, b: i32) -> i32 { a * b }";
    let run = run_conversation(&[&fence(wrong), &fence(wrong)], 1);
    assert!(run.outcome.is_none());
    assert_eq!(run.report.last_gate.map(|g| g.name()), Some("examples"));
    let second = &run.requests[1].user;
    assert!(
        second.contains("example 0: `add(2, 3)` returned 6, expected 5"),
        "{second}"
    );
    assert!(!second.contains("thread '"), "test harness noise: {second}");
}

#[test]
fn lessons_carry_what_failed_without_the_failed_code() {
    let wrong = "pub fn add(a: i32, b: i32) -> i32 { a * b }";
    let broken = "pub fn add(a: i32, b: i32) -> i32 {\n    let mut s = String::new();\n    s.push(a);\n    a + b\n}";
    let run = run(&[&fence(wrong), &fence(broken), &fence(GOOD)], 2);
    assert!(run.outcome.is_some(), "{:#?}", run.report);
    let (second, third) = (&run.requests[1], &run.requests[2]);
    // Every round starts from the first prompt: no conversation to copy from.
    assert!(second.history.is_empty() && third.history.is_empty());
    assert!(second.user.starts_with(&run.requests[0].user[..40]));
    assert!(
        second.user.contains("- `add(2, 3)` must return 5, not 6."),
        "{}",
        second.user
    );
    assert!(!second.user.contains("a * b"), "{}", second.user);
    // Lessons accumulate; the compile error's lesson has rustc's words, not the line.
    assert!(
        third.user.contains("must return 5, not 6"),
        "{}",
        third.user
    );
    assert!(
        third.user.contains("Avoid this error: mismatched types"),
        "{}",
        third.user
    );
    assert!(!third.user.contains("s.push(a)"), "{}", third.user);
    assert_eq!(
        run.report.rounds[2].lessons.len(),
        3,
        "{:#?}",
        run.report.rounds[2]
    );
}

#[test]
fn a_missing_crate_becomes_a_rule_for_the_next_round() {
    let with_regex = "use regex::Regex;\npub fn add(a: i32, b: i32) -> i32 { a + b }";
    let run = run(&[&fence(with_regex), &fence(GOOD)], 1);
    assert!(run.outcome.is_some(), "{:#?}", run.report);
    assert!(
        run.requests[1]
            .user
            .contains("Only the standard library is available: the `regex` crate is not."),
        "{}",
        run.requests[1].user
    );
}

#[test]
fn the_first_passing_candidate_by_index_is_accepted_whatever_finishes_first() {
    let wrong = fence("pub fn add(a: i32, b: i32) -> i32 { a - b }");
    let (late, early) = (
        fence("pub fn add(a: i32, b: i32) -> i32 { b + a }"),
        fence("pub fn add(a: i32, b: i32) -> i32 { a + b }"),
    );
    // Candidate 0 answers last; 1 passes; 2 passes too and finishes first.
    let grid: &[&[&str]] = &[&[&wrong, &late, &early]];
    for _ in 0..2 {
        let (provider, requests) = Scripted::grid(grid, 3, Duration::from_millis(300));
        // A budget of the three scripted: no round seeks a rival.
        let mut options = Options::with_rounds(0);
        options.max_candidates = 3;
        let run = run_with(provider, requests, 3, options);
        let candidate = run.outcome.expect("candidate 1 passes");
        assert!(candidate.code.contains("b + a"), "{}", candidate.code);
        let round = &run.report.rounds[0];
        assert_eq!(round.candidates.len(), 3);
        let accepted: Vec<bool> = round.candidates.iter().map(|c| c.accepted).collect();
        assert_eq!(accepted, [false, true, false]);
        // Each candidate has its own request: greedy first, then seeded samples.
        let mut seen: Vec<u32> = run.requests.iter().map(|r| r.candidate).collect();
        seen.sort();
        assert_eq!(seen, [0, 1, 2]);
        assert_eq!(round.candidates[0].seed, None);
        assert!(round.candidates[1].seed.is_some());
        assert_ne!(round.candidates[1].seed, round.candidates[2].seed);
    }
}

#[test]
fn every_candidate_of_a_failed_round_is_in_the_report_and_teaches_the_next() {
    let grid: &[&[&str]] = &[
        &[
            &fence("pub fn add(a: i32, b: i32) -> i32 { a * b }"),
            &fence("use regex::Regex;\npub fn add(a: i32, b: i32) -> i32 { a + b }"),
        ],
        &[
            &fence("pub fn add(a: i32, b: i32) -> i32 { a - b }"),
            &fence(GOOD),
        ],
    ];
    let (provider, requests) = Scripted::grid(grid, 1, Duration::ZERO);
    // Quorum 1: this test is about lessons, not agreement.
    let run = run_with(
        provider,
        requests,
        2,
        Options::with_rounds(1).with_quorum(1),
    );
    assert!(run.outcome.is_some(), "{:#?}", run.report);
    let first = &run.report.rounds[0];
    assert_eq!(first.candidates.len(), 2);
    assert!(first
        .candidates
        .iter()
        .all(|c| c.failure.is_some() && !c.accepted));
    // The furthest-got failure names the round.
    let lessons = &run.report.rounds[1].lessons;
    assert!(
        lessons.iter().any(|l| l.contains("must return 5, not 6")),
        "{lessons:?}"
    );
    assert!(
        lessons.iter().any(|l| l.contains("`regex` crate")),
        "{lessons:?}"
    );
    assert!(run.report.rounds[1].candidates[1].accepted);
    // Both candidates of round 1 were asked with the same lessons.
    let round_one: Vec<&Request> = run.requests.iter().filter(|r| r.round == 1).collect();
    assert_eq!(round_one.len(), 2);
    assert_eq!(round_one[0].user, round_one[1].user);
}

#[test]
fn compile_errors_reach_the_model_as_line_message_and_help() {
    // E0308 with a note pointing into the standard library's source, which
    // the model never saw, and no suggestion rustfix could apply.
    let broken = "pub fn add(a: i32, b: i32) -> i32 {\n    let mut s = String::new();\n    s.push(a);\n    a + b\n}";
    let run = run_conversation(&[&fence(broken), &fence(GOOD)], 1);
    assert!(run.outcome.is_some(), "{:#?}", run.report);
    let second = &run.requests[1].user;
    assert!(second.contains("error: mismatched types"), "{second}");
    assert!(second.contains("line 3: s.push(a);"), "{second}");
    assert!(second.contains("expected `char`"), "{second}");
    assert!(!second.contains("/rustc/"), "{second}");
    // The report keeps the code each round was judged on.
    assert!(
        run.report.rounds[0].candidates[0]
            .code
            .as_deref()
            .is_some_and(|c| c.contains("s.push(a)")),
        "{:#?}",
        run.report.rounds[0]
    );
}

/// Runs one candidate that must be refused within the 5 s gate timeout, with
/// a failure that mentions `reason`.
fn fails_quickly(code: &str, reason: &str) {
    let run = run(&[&fence(code)], 0);
    assert!(run.outcome.is_none());
    let got = run.report.reason.as_deref().unwrap_or_default();
    assert!(got.contains(reason), "{got:?}");
    assert!(run.elapsed < Duration::from_secs(20), "{:?}", run.elapsed);
}

#[test]
fn an_infinite_loop_fails_within_the_timeout() {
    fails_quickly(
        "pub fn add(a: i32, b: i32) -> i32 { loop {} }",
        "did not finish within 5 s",
    );
}

#[test]
fn huge_output_fails_its_gate() {
    let noisy = "pub fn add(a: i32, b: i32) -> i32 { for _ in 0..10_000_000 { println!(\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"); } a + b }";
    // Printing needs the `stdio` capability: without it the policy refuses first.
    fails_quickly(
        noisy,
        "`std::io::_print` reaches the standard streams, which only a spec with `capabilities = [\"stdio\"]` allows",
    );
    // With it, the output limit still stops the run.
    let allowed = printing_spec();
    let scratch = tempfile::tempdir().unwrap();
    let runner = GateRunner::new(scratch.path(), Duration::from_secs(5));
    let verdict = runner.check(&allowed.spec, noisy, "noisy").unwrap();
    assert!(
        matches!(&verdict, Verdict::Failed { gate: Gate::Examples, evidence, .. } if evidence.contains("printed more than")),
        "{verdict:?}"
    );
}

#[test]
fn unbounded_allocation_fails_its_gate() {
    // 8 GiB of zeroed, untouched memory: without the 4 GiB address-space
    // limit it is granted and the examples pass; with it the fifth gigabyte
    // fails at once (no seconds of page faults a loaded machine could turn
    // into a timeout).
    let hungry = "pub fn add(a: i32, b: i32) -> i32 { let v: Vec<Vec<u8>> = (0..8).map(|_| vec![0u8; 1 << 30]).collect(); a + b + v.len() as i32 - 8 }";
    let run = run(&[&fence(hungry)], 0);
    assert!(run.outcome.is_none());
    assert_eq!(run.report.last_gate.map(|g| g.name()), Some("examples"));
    assert_eq!(
        run.report.reason.as_deref(),
        Some("the tests ran out of memory (the limit is 4 GiB)")
    );
}

#[test]
fn a_panicking_example_fails_the_examples_gate() {
    let panicking = "pub fn add(a: i32, b: i32) -> i32 { if a < 0 { panic!(\"negative\") } a + b }";
    let run = run(&[&fence(panicking)], 0);
    assert!(run.outcome.is_none());
    assert_eq!(run.report.last_gate.map(|g| g.name()), Some("examples"));
    assert!(
        run.report.rounds[0].candidates[0]
            .failure
            .as_deref()
            .unwrap()
            .contains("negative"),
        "{:?}",
        run.report.rounds[0].candidates[0].failure
    );
}

#[test]
fn failing_extra_tests_fail_the_tests_gate() {
    let odd = "pub fn add(a: i32, b: i32) -> i32 { if a == 0 && b == 0 { 1 } else { a + b } }";
    let run = run(&[&fence(odd)], 0);
    assert!(run.outcome.is_none());
    assert_eq!(run.report.last_gate.map(|g| g.name()), Some("tests"));
}

#[test]
fn a_wrong_answer_never_reaches_the_lock_or_the_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(dir.path());
    let good = run(&[&fence(GOOD)], 0).outcome.unwrap();
    assert_eq!(
        store.accept(&spec(), &good, false, false).unwrap(),
        Accepted::Recorded
    );
    let lock_before = std::fs::read(&store.lockfile).unwrap();
    let snap_before = std::fs::read(dir.path().join("intents/snapshots/add.snap")).unwrap();

    let wrong = run(&[&fence("pub fn add(a: i32, b: i32) -> i32 { a - b }")], 0);
    assert!(wrong.outcome.is_none());
    // Nothing to accept: the files are exactly as before.
    assert_eq!(std::fs::read(&store.lockfile).unwrap(), lock_before);
    assert_eq!(
        std::fs::read(dir.path().join("intents/snapshots/add.snap")).unwrap(),
        snap_before
    );

    // The same code again makes no snapshot churn.
    assert_eq!(
        store.accept(&spec(), &good, false, false).unwrap(),
        Accepted::Unchanged
    );
    assert_eq!(std::fs::read(&store.lockfile).unwrap(), lock_before);
    // In CI nothing is written at all.
    assert_eq!(
        store.accept(&spec(), &good, false, true).unwrap(),
        Accepted::Skipped
    );
}

#[test]
fn review_mode_writes_a_pending_insta_snapshot_and_keeps_the_accepted_one() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(dir.path());
    let good = run(&[&fence(GOOD)], 0).outcome.unwrap();
    assert_eq!(
        store.accept(&spec(), &good, true, false).unwrap(),
        Accepted::Pending
    );
    assert!(dir.path().join("intents/snapshots/add.snap.new").exists());
    assert!(!dir.path().join("intents/snapshots/add.snap").exists());
    assert!(!store.lockfile.exists());
    // Adoption records it without a model.
    let pending = store.pending(&spec()).expect("pending record");
    assert_eq!(store.adopt(&spec(), &pending).unwrap(), Accepted::Recorded);
    assert!(!dir.path().join("intents/snapshots/add.snap.new").exists());
    let lock = Lockfile::load(&store.lockfile).unwrap();
    assert_eq!(lock.entries["add"].functional_hash, good.functional_hash);
}

const KILL_DIR: &str = "INTENT_TEST_ACCEPT_DIR";

/// A result sent to review, and the store it waits in.
fn reviewed(dir: &Path) -> (Store, PathBuf, PathBuf) {
    let store = store_in(dir);
    let good = run(&[&fence(GOOD)], 0).outcome.unwrap();
    assert_eq!(
        store.accept(&spec(), &good, true, false).unwrap(),
        Accepted::Pending
    );
    let snaps = dir.join("intents/snapshots");
    (store, snaps.join("add.snap.new"), snaps.join("add.snap"))
}

#[test]
fn lock_leaves_a_result_to_its_reviewer() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _, _) = reviewed(dir.path());
    let pending = store.pending(&spec()).expect("pending record");
    assert!(store.awaits_review(&spec(), &pending));
}

#[test]
fn a_result_accepted_with_cargo_insta_is_adopted() {
    let dir = tempfile::tempdir().unwrap();
    let (store, new, snap) = reviewed(dir.path());
    // What `cargo insta accept` does (checked against cargo-insta 1.49).
    std::fs::rename(&new, &snap).unwrap();
    let pending = store.pending(&spec()).expect("still pending");
    assert!(!store.awaits_review(&spec(), &pending));
    assert_eq!(store.adopt(&spec(), &pending).unwrap(), Accepted::Recorded);
    assert!(Lockfile::load(&store.lockfile)
        .unwrap()
        .entries
        .contains_key("add"));
}

#[test]
fn a_result_rejected_in_review_is_never_adopted() {
    let dir = tempfile::tempdir().unwrap();
    let (store, new, _) = reviewed(dir.path());
    // What `cargo insta reject` does.
    std::fs::remove_file(&new).unwrap();
    assert!(store.pending(&spec()).is_none());
    // The record is gone, so a later `cargo intent accept` finds nothing either.
    assert!(store.pending(&spec()).is_none());
    assert!(!store.lockfile.exists());
}

#[test]
fn a_review_file_edited_by_hand_is_not_adopted() {
    let dir = tempfile::tempdir().unwrap();
    let (store, new, _) = reviewed(dir.path());
    let text = std::fs::read_to_string(&new).unwrap();
    std::fs::write(&new, text.replace("a + b", "a + b + 1")).unwrap();
    assert!(store.pending(&spec()).is_none());
}

/// Runs as a child process of `a_kill_during_acceptance_leaves_a_valid_lock`.
#[test]
#[ignore = "helper: an accepting process killed by a_kill_during_acceptance_leaves_a_valid_lock"]
fn accept_forever_process() {
    let dir = std::env::var(KILL_DIR).expect("started by the parent test");
    let store = store_in(Path::new(&dir));
    let mut candidate = intent_build::judge::PassingCandidate {
        code: GOOD.into(),
        identity: ModelIdentity {
            provider: "scripted".into(),
            name: "replies".into(),
            digest: "none".into(),
            note: None,
        },
        prompt: intent_build::generate::prompt::TEMPLATE_VERSION.into(),
        params_hash: "sha256:00".into(),
        functional_hash: "sha256:01".into(),
        gates: vec![intent_build::gate::Gate::Parse],
        behaviour: None,
        agreement: None,
        confidence: None,
        uses: Default::default(),
        crates: Default::default(),
        checks: None,
    };
    for i in 0.. {
        candidate.code = format!("pub fn add(a: i32, b: i32) -> i32 {{\n    a + b + {i} - {i}\n}}");
        store.accept(&spec(), &candidate, false, false).unwrap();
    }
}

#[test]
fn a_kill_during_acceptance_leaves_a_valid_lock() {
    let dir = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    for attempt in 0..5u64 {
        let mut child = std::process::Command::new(&exe)
            .args(["--ignored", "--exact", "accept_forever_process", "--quiet"])
            .env(KILL_DIR, dir.path())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(150 + 37 * attempt));
        child.kill().unwrap();
        child.wait().unwrap();
        let lock =
            Lockfile::load(&dir.path().join("Intent.lock")).expect("the lock must always parse");
        if let Some(entry) = lock.entries.get("add") {
            assert_eq!(entry.name, "add");
            assert!(entry.output_hash.starts_with("sha256:"));
        }
    }
}

#[test]
fn a_missing_std_import_is_added_to_the_candidates_own_text() {
    // rustc suggests `use std::collections::HashMap;` at the top of the
    // module the code is in: the candidate's own file, so the fix is kept.
    let unimported = "pub fn add(a: i32, b: i32) -> i32 {\n    let mut m = HashMap::new();\n    m.insert(a, b);\n    a + m[&a]\n}";
    let run = run(&[&fence(unimported)], 0);
    let candidate = run.outcome.unwrap_or_else(|| panic!("{:#?}", run.report));
    assert!(
        candidate.code.starts_with("use std::collections::HashMap;"),
        "{}",
        candidate.code
    );
    assert!(
        !candidate.code.contains("use super::*"),
        "{}",
        candidate.code
    );
    assert!(run.report.rounds[0].candidates[0].rustfix_saved);
}

#[test]
fn identical_candidates_are_each_repaired_and_each_count() {
    // Sampled candidates often repeat. The repair of one copy is judged
    // once and serves every copy: two decodes, two votes.
    let immutable = fence("pub fn add(a: i32, b: i32) -> i32 {\n    a += b;\n    a\n}");
    let (provider, requests) = Scripted::new(&[&immutable, &immutable]);
    let mut options = Options::with_rounds(0);
    options.max_candidates = 2;
    let run = run_with(provider, requests, 2, options);
    assert!(run.outcome.is_some(), "{:#?}", run.report);
    for candidate in &run.report.rounds[0].candidates {
        assert!(candidate.passed(), "{candidate:#?}");
        assert_eq!(
            candidate.fixes,
            [intent_build::judge::variants::Fix::MachineApplicable]
        );
    }
    assert_eq!(run.report.agreement, Some((2, 2)));
}

#[test]
fn a_str_index_and_a_reference_pattern_are_rewritten_without_a_model_round() {
    // rustc offers nothing for either: `s[0]` on a `str`, and `&c` over
    // the owned `char`s of `chars()`.
    let code = "pub fn add(a: i32, b: i32) -> i32 {\n    let s = String::from(\"0\");\n    let mut zero = 0;\n    for &c in s.chars() {\n        if c == s[0] {\n            zero = c as i32 - '0' as i32;\n        }\n    }\n    a + b + zero\n}";
    let run = run(&[&fence(code)], 0);
    let candidate = run.outcome.unwrap_or_else(|| panic!("{:#?}", run.report));
    assert!(
        candidate.code.contains("for c in s.chars()"),
        "{}",
        candidate.code
    );
    assert!(
        candidate.code.contains("c == s.chars().nth(0).unwrap()"),
        "{}",
        candidate.code
    );
    use intent_build::judge::variants::Fix;
    let fixes = &run.report.rounds[0].candidates[0].fixes;
    assert!(
        fixes.contains(&Fix::RefPattern) && fixes.contains(&Fix::StrIndex),
        "{fixes:?}"
    );
    assert_eq!(run.requests.len(), 1);
}

#[test]
fn a_length_added_to_an_i32_is_cast_without_a_model_round() {
    // `usize` where `i32` is expected: rustc's own suggestion
    // (`n.try_into().unwrap()`) leaves the addition's type ambiguous.
    let code =
        "pub fn add(a: i32, b: i32) -> i32 {\n    let n = [a, b].len();\n    a + b + n - 2\n}";
    let run = run(&[&fence(code)], 0);
    let candidate = run.outcome.unwrap_or_else(|| panic!("{:#?}", run.report));
    assert!(
        candidate.code.contains("a + b + (n as i32) - 2"),
        "{}",
        candidate.code
    );
    let fixes = &run.report.rounds[0].candidates[0].fixes;
    assert!(
        fixes.contains(&intent_build::judge::variants::Fix::NumericCast),
        "{fixes:?}"
    );
}

#[test]
fn an_iterator_sorted_like_a_vec_is_rewritten_without_a_model_round() {
    let code = "pub fn add(a: i32, b: i32) -> i32 {\n    let v: Vec<i32> = vec![b, a].into_iter().sort_unstable().collect();\n    v[0] + v[1]\n}";
    let run = run(&[&fence(code)], 0);
    let candidate = run.outcome.unwrap_or_else(|| panic!("{:#?}", run.report));
    assert!(
        candidate.code.contains("sorted.sort_unstable()"),
        "{}",
        candidate.code
    );
    assert_eq!(
        run.report.rounds[0].candidates[0].fixes,
        [intent_build::judge::variants::Fix::IterSort]
    );
}

#[test]
fn case_changes_and_collected_strs_are_rewritten_without_a_model_round() {
    let code = "pub fn add(a: i32, b: i32) -> i32 {\n    let t: String = \"aB\".chars().map(|c| if c.is_lowercase() { c.to_uppercase() } else { c.to_lowercase() }).collect();\n    let words: Vec<String> = t.split('x').collect();\n    a + b + words.len() as i32 - 1\n}";
    let run = run(&[&fence(code)], 0);
    let candidate = run.outcome.unwrap_or_else(|| panic!("{:#?}", run.report));
    assert!(
        candidate.code.contains("c.to_lowercase().to_string()"),
        "{}",
        candidate.code
    );
    use intent_build::judge::variants::Fix;
    let fixes = &run.report.rounds[0].candidates[0].fixes;
    assert!(
        fixes.contains(&Fix::CaseString) && fixes.contains(&Fix::CollectOwned),
        "{fixes:?}"
    );
}

#[test]
fn strings_given_to_char_methods_are_rewritten_without_a_model_round() {
    // A map declared `char` to `char` and filled with strings, read back
    // into `push`; a `push_str` given a `char` and an `insert` given a
    // `String`. rustc suggests none of these; two passes mend them all.
    let code = "pub fn add(a: i32, b: i32) -> i32 {\n    let mut map: HashMap<char, char> = HashMap::new();\n    map.insert('&', \"&amp;\");\n    let mut s = String::new();\n    if let Some(&e) = map.get(&'&') {\n        s.push(e);\n    }\n    let c = 'x';\n    s.push_str(c);\n    s.insert(0, c.to_string());\n    a + b + s.len() as i32 - 7\n}";
    let run = run(
        &[&fence(&format!("use std::collections::HashMap;\n{code}"))],
        0,
    );
    let candidate = run.outcome.unwrap_or_else(|| panic!("{:#?}", run.report));
    for mended in [
        "let mut map = HashMap::new()",
        "s.push_str(e)",
        "s.push(c)",
        "s.insert_str(0, &c.to_string())",
    ] {
        assert!(
            candidate.code.contains(mended),
            "{mended}: {}",
            candidate.code
        );
    }
    use intent_build::judge::variants::Fix;
    let fixes = &run.report.rounds[0].candidates[0].fixes;
    assert!(
        fixes.contains(&Fix::Undeclared) && fixes.contains(&Fix::StringMethod),
        "{fixes:?}"
    );
    assert_eq!(run.requests.len(), 1);
}

#[test]
fn iterators_used_as_vecs_are_collected_without_a_model_round() {
    // A split bound and then measured and indexed, one measured in place,
    // and one where a `Vec` is declared.
    let code = "pub fn add(a: i32, b: i32) -> i32 {\n    let text = \"1.2\";\n    let parts = text.split('.');\n    let first = parts[0];\n    let words: Vec<&str> = text.split('.');\n    let n = parts.len() + text.split('.').len() + words.len() + first.len();\n    a + b + n as i32 - 7\n}";
    let run = run(&[&fence(code)], 0);
    let candidate = run.outcome.unwrap_or_else(|| panic!("{:#?}", run.report));
    for mended in [
        "let parts = text.split('.').collect::<Vec<_>>();",
        "text.split('.').collect::<Vec<_>>().len()",
        "let words: Vec<&str> = text.split('.').collect();",
    ] {
        assert!(
            candidate.code.contains(mended),
            "{mended}: {}",
            candidate.code
        );
    }
    let fixes = &run.report.rounds[0].candidates[0].fixes;
    assert!(
        fixes.contains(&intent_build::judge::variants::Fix::CollectFirst),
        "{fixes:?}"
    );
    assert_eq!(run.requests.len(), 1);
}

#[test]
fn branches_of_two_text_types_become_strings_without_a_model_round() {
    let code = "pub fn add(a: i32, b: i32) -> i32 {\n    let s: String = \"a&b\"\n        .chars()\n        .map(|c| match c {\n            '&' => \"&amp;\",\n            _ => c,\n        })\n        .collect();\n    a + b + s.len() as i32 - 7\n}";
    let run = run(&[&fence(code)], 0);
    let candidate = run.outcome.unwrap_or_else(|| panic!("{:#?}", run.report));
    assert!(
        candidate.code.contains("'&' => \"&amp;\".to_string(),")
            && candidate.code.contains("_ => c.to_string(),"),
        "{}",
        candidate.code
    );
    let fixes = &run.report.rounds[0].candidates[0].fixes;
    assert!(
        fixes.contains(&intent_build::judge::variants::Fix::OwnedBranches),
        "{fixes:?}"
    );
}

#[test]
fn floats_beside_integers_are_mended_without_a_model_round() {
    // A mean divided by a length, floats sorted and maximised, a float
    // raised with `pow`: rustc suggests `powf` alone, which takes no `u32`.
    let code = "pub fn add(a: i32, b: i32) -> i32 {\n    let mut v = vec![2.0f64, 1.0];\n    let mean = v.iter().sum::<f64>() / v.len();\n    v.sort();\n    let top = *v.iter().max().unwrap();\n    let k: u32 = 2;\n    let square = top.pow(k);\n    a + b + (mean + square + v[0]) as i32 - 6\n}";
    let run = run(&[&fence(code)], 0);
    let candidate = run.outcome.unwrap_or_else(|| panic!("{:#?}", run.report));
    for mended in [
        "/ (v.len() as f64)",
        "v.sort_by(|a, b| a.total_cmp(b))",
        "max_by(|a, b| a.total_cmp(b))",
        "top.powi(k as i32)",
    ] {
        assert!(
            candidate.code.contains(mended),
            "{mended}: {}",
            candidate.code
        );
    }
    use intent_build::judge::variants::Fix;
    let fixes = &run.report.rounds[0].candidates[0].fixes;
    for fix in [Fix::OperandCast, Fix::TotalOrder, Fix::FloatPow] {
        assert!(fixes.contains(&fix), "{fix:?}: {fixes:?}");
    }
    assert_eq!(run.requests.len(), 1);
}

#[test]
fn an_integer_index_rustc_cannot_fix_is_cast_without_a_model_round() {
    // rustc offers no suggestion for an `i32` used as an index.
    let indexed = "pub fn add(a: i32, b: i32) -> i32 {\n    let v = [a, b];\n    let i: i32 = 0;\n    v[i] + v[i + 1]\n}";
    let run = run(&[&fence(indexed)], 0);
    let candidate = run.outcome.unwrap_or_else(|| panic!("{:#?}", run.report));
    assert!(
        candidate
            .code
            .contains("v[i as usize] + v[(i + 1) as usize]"),
        "{}",
        candidate.code
    );
    let report = &run.report.rounds[0].candidates[0];
    assert_eq!(
        report.fixes,
        [intent_build::judge::variants::Fix::IndexCast]
    );
    assert!(report.rustfix_saved);
    assert_eq!(run.requests.len(), 1);
}

#[test]
fn without_rewrites_only_rustcs_suggestions_repair() {
    // The same integer index: rustc suggests nothing, so with the rewrites
    // off the candidate stays refused at the compile gate.
    let indexed = "pub fn add(a: i32, b: i32) -> i32 {\n    let v = [a, b];\n    let i: i32 = 0;\n    v[i] + v[i + 1]\n}";
    let (provider, requests) = Scripted::new(&[&fence(indexed)]);
    let mut options = Options::with_rounds(0);
    options.rewrites = false;
    let run = run_with(provider, requests, 1, options);
    assert!(run.outcome.is_none(), "{:#?}", run.report);
    let report = &run.report.rounds[0].candidates[0];
    assert!(report.fixes.is_empty(), "{report:#?}");
    assert_eq!(
        report.gates.last().map(|g| g.gate),
        Some(intent_build::gate::Gate::Compile)
    );
}

#[test]
fn a_sum_into_another_type_is_summed_as_its_items_then_cast() {
    let summed =
        "pub fn add(a: i32, b: i32) -> i32 {\n    [i64::from(a), i64::from(b)].iter().sum()\n}";
    let run = run(&[&fence(summed)], 0);
    let candidate = run.outcome.unwrap_or_else(|| panic!("{:#?}", run.report));
    assert!(
        candidate.code.contains("sum::<i64>() as i32"),
        "{}",
        candidate.code
    );
    assert_eq!(
        run.report.rounds[0].candidates[0].fixes,
        [intent_build::judge::variants::Fix::SumCast]
    );
}

#[test]
fn a_repaired_candidate_is_one_vote_however_many_variants_pass() {
    // Two decodes: one garbage, one that compiles only once repaired (its
    // variants — rustc's suggestion, the cast — may each pass). A quorum of
    // two needs two decoded candidates: one is not enough.
    let indexed = "pub fn add(a: i32, b: i32) -> i32 {\n    let v = [a, b];\n    let i: i32 = 0;\n    let mut s = 0;\n    s = v[i] + v[i + 1];\n    s\n}";
    let (provider, requests) = Scripted::new(&[&fence(indexed), "no code here"]);
    let mut options = Options::with_rounds(0).with_quorum(2);
    options.max_candidates = 2;
    let run = run_with(provider, requests, 2, options);
    assert!(run.outcome.is_none(), "{:#?}", run.report);
    let round = &run.report.rounds[0];
    assert_eq!(round.candidates.len(), 2);
    assert_eq!(round.candidates.iter().filter(|c| c.passed()).count(), 1);
    assert!(
        !round.candidates[0].fixes.is_empty(),
        "{:#?}",
        round.candidates[0]
    );
}

#[test]
fn candidates_gated_together_get_the_verdicts_they_get_alone() {
    let scratch = tempfile::tempdir().unwrap();
    let runner = GateRunner::new(scratch.path(), Duration::from_secs(5));
    let spec = spec();
    let codes: Vec<String> = [
        GOOD,
        "pub fn add(a: i32, b: i32) -> i32 { a.plus_the(b) }",
        "pub fn add(a: i32, b: i32) -> i32 { a * b }",
        "pub fn add(a: i32, b: i32) -> i32 { let _ = std::fs::read(\"/etc/passwd\"); a + b }",
        "pub fn add(a: i32, b: i32) -> i32 { if a == 0 && b == 0 { 1 } else { a + b } }",
        "pub fn add(a: i32, b: i32) -> i32 { b + a }",
    ]
    .iter()
    .map(|c| c.to_string())
    .collect();
    let together = runner.check_all(&spec.spec, &codes, "together").unwrap();
    let alone: Vec<_> = codes
        .iter()
        .enumerate()
        .map(|(i, c)| runner.check(&spec.spec, c, &format!("alone-{i}")).unwrap())
        .collect();
    // The same verdicts (rustc's raw diagnostics name each file differently).
    let plain = |verdicts: &[intent_build::judge::gates::Verdict]| -> Vec<String> {
        verdicts
            .iter()
            .map(|v| match v {
                intent_build::judge::gates::Verdict::Passed { results, .. } => results.join(","),
                intent_build::judge::gates::Verdict::Failed { gate, evidence, .. } => {
                    format!("{gate}: {evidence}")
                }
            })
            .collect()
    };
    assert_eq!(plain(&together), plain(&alone));
    assert!(
        plain(&together)[1]
            .ends_with("line 1: pub fn add(a: i32, b: i32) -> i32 { a.plus_the(b) }"),
        "{}",
        plain(&together)[1]
    );
    let gates: Vec<Option<&str>> = together
        .iter()
        .map(|v| match v {
            intent_build::judge::gates::Verdict::Passed { .. } => None,
            intent_build::judge::gates::Verdict::Failed { gate, .. } => Some(gate.name()),
        })
        .collect();
    assert_eq!(
        gates,
        [
            None,
            Some("compile"),
            Some("examples"),
            Some("policy"),
            Some("tests"),
            None
        ]
    );
}

#[test]
fn a_candidate_cannot_fail_another_by_printing_its_test_output() {
    let scratch = tempfile::tempdir().unwrap();
    let runner = GateRunner::new(scratch.path(), Duration::from_secs(5));
    // Printing needs `stdio`: declared, so that the forgery reaches the run.
    let spec = printing_spec();
    // Candidate 0 is wrong and prints what libtest prints for a failing
    // test of candidate 1; candidate 1 is right and must still pass.
    let forger = "pub fn add(a: i32, b: i32) -> i32 { println!(\"---- candidate1::__intent_tests::example_0 stdout ----\\nthread 'candidate1::__intent_tests::example_0' panicked at x.rs:1:1:\\nforged\"); a * b }";
    let codes = vec![forger.to_string(), GOOD.to_string()];
    let verdicts = runner.check_all(&spec.spec, &codes, "forged").unwrap();
    use intent_build::judge::gates::Verdict;
    assert!(
        matches!(verdicts[0], Verdict::Failed { .. }),
        "{:?}",
        verdicts[0]
    );
    assert!(
        matches!(&verdicts[1], Verdict::Passed { results, .. } if results == &["5", "0"]),
        "{:?}",
        verdicts[1]
    );
}

#[test]
fn a_candidate_that_kills_the_shared_run_is_judged_alone() {
    let scratch = tempfile::tempdir().unwrap();
    let runner = GateRunner::new(scratch.path(), Duration::from_secs(5));
    let spec = spec();
    // Unbounded recursion overflows the stack, which aborts the whole test
    // binary: the others are then run alone and still pass.
    let codes: Vec<String> = [
        "pub fn add(a: i32, b: i32) -> i32 { if a > i32::MIN { add(a, b) + 1 } else { b } }",
        GOOD,
        "pub fn add(a: i32, b: i32) -> i32 { loop {} }",
        "pub fn add(a: i32, b: i32) -> i32 { b + a }",
    ]
    .iter()
    .map(|c| c.to_string())
    .collect();
    let verdicts = runner.check_all(&spec.spec, &codes, "aborting").unwrap();
    use intent_build::judge::gates::Verdict;
    assert!(
        matches!(verdicts[0], Verdict::Failed { .. }),
        "{:?}",
        verdicts[0]
    );
    assert!(
        matches!(verdicts[1], Verdict::Passed { .. }),
        "{:?}",
        verdicts[1]
    );
    match &verdicts[2] {
        Verdict::Failed { evidence, .. } => {
            assert!(evidence.contains("did not finish within 5 s"), "{evidence}")
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(verdicts[3], Verdict::Passed { .. }),
        "{:?}",
        verdicts[3]
    );
}

#[test]
fn a_candidate_cannot_redefine_the_macros_its_tests_use() {
    let scratch = tempfile::tempdir().unwrap();
    let runner = GateRunner::new(scratch.path(), Duration::from_secs(5));
    // Wrong, with `assert_eq!` and `println!` redefined to do nothing: the
    // examples would pass if the tests used the macros in scope.
    let code = "macro_rules! assert_eq { ($($t:tt)*) => {}; }\nmacro_rules! assert { ($($t:tt)*) => {}; }\nmacro_rules! format { ($($t:tt)*) => { String::from(\"same\") }; }\npub fn add(a: i32, b: i32) -> i32 { a * b }";
    let verdict = runner.check(&spec().spec, code, "macros").unwrap();
    assert!(
        matches!(
            verdict,
            intent_build::judge::gates::Verdict::Failed {
                gate: intent_build::gate::Gate::Examples,
                ..
            }
        ),
        "{verdict:?}"
    );
    // Right on the examples, with `format!` redefined: its behaviour is
    // still what it returns.
    let code = "macro_rules! format { ($($t:tt)*) => { String::from(\"same\") }; }\npub fn add(a: i32, b: i32) -> i32 { a.wrapping_add(b) }";
    match runner.check(&spec().spec, code, "format").unwrap() {
        intent_build::judge::gates::Verdict::Passed {
            behaviour: Some(behaviour),
            ..
        } => {
            let first = behaviour
                .calls
                .iter()
                .position(|c| c == "add(1, 2)")
                .unwrap();
            assert_eq!(
                behaviour.outcomes[first],
                intent_build::judge::behaviour::CallOutcome::Value("3".into())
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_answer_is_checked_as_an_expression_of_the_return_type() {
    let scratch = tempfile::tempdir().unwrap();
    let runner = GateRunner::new(scratch.path(), Duration::from_secs(20));
    let spec = spec();
    assert_eq!(
        runner.check_answer(&spec.spec, "add(2, 3)", "5").unwrap(),
        None
    );
    assert_eq!(
        runner
            .check_answer(&spec.spec, "add(2, 3)", "2 + 3")
            .unwrap(),
        None
    );
    let wrong_type = runner
        .check_answer(&spec.spec, "add(2, 3)", "\"five\"")
        .unwrap()
        .expect("a string is not an i32");
    assert!(wrong_type.contains("i32"), "{wrong_type}");
    let not_rust = runner
        .check_answer(&spec.spec, "add(2, 3)", "5 +")
        .unwrap()
        .expect("not an expression");
    assert!(!not_rust.is_empty());
}

#[test]
fn a_candidate_one_operator_from_passing_is_mended_without_the_model() {
    let (provider, requests) =
        Scripted::new(&[&fence("pub fn add(a: i32, b: i32) -> i32 { a - b }")]);
    let mut options = Options::with_rounds(0).with_quorum(1);
    options.near_misses = true;
    let run = run_with(provider, requests, 1, options);
    let accepted = run.outcome.unwrap_or_else(|| panic!("{:#?}", run.report));
    assert!(accepted.code.contains("a + b"), "{}", accepted.code);
    let candidate = &run.report.rounds[0].candidates[0];
    assert_eq!(candidate.fixes, [intent_build::report::Fix::NearMiss]);
    assert_eq!(run.requests.len(), 1, "the model was asked again");
    // Off, the same answer is refused.
    let (provider, requests) =
        Scripted::new(&[&fence("pub fn add(a: i32, b: i32) -> i32 { a - b }")]);
    let run = run_with(
        provider,
        requests,
        1,
        Options::with_rounds(0).with_quorum(1),
    );
    assert!(run.outcome.is_none(), "{:#?}", run.report);
}

/// A spec whose constraint promises no panic, and candidates that keep and
/// break it on inputs its examples never try.
const RATIO: &str = r#"signature = "pub fn ratio(a: i32, b: i32) -> Option<i32>"
description = "a divided by b, None when it has no value."
constraints = ["Use only std.", "Never panic."]
examples = [
  { call = "ratio(6, 3)", expect = "Some(2)" },
]
"#;

#[test]
fn a_promise_never_to_panic_is_judged_on_the_generated_inputs() {
    let spec = parse_str(RATIO, Path::new("intents/ratio.intent.toml")).unwrap();
    assert!(spec.spec.never_panics());
    let scratch = tempfile::tempdir().unwrap();
    let runner = GateRunner::new(scratch.path(), Duration::from_secs(5));
    // Division by zero (and i32::MIN / -1) panics; no example tries it.
    let panicking = "pub fn ratio(a: i32, b: i32) -> Option<i32> { Some(a / b) }";
    let checked = "pub fn ratio(a: i32, b: i32) -> Option<i32> { a.checked_div(b) }";
    let verdict = runner.check(&spec.spec, panicking, "panics").unwrap();
    assert!(
        matches!(&verdict, Verdict::Failed { gate: Gate::Properties, evidence, .. }
            if evidence.contains("panicked, and a constraint says it never panics")
                && evidence.contains("ratio(")),
        "{verdict:?}"
    );
    let verdict = runner.check(&spec.spec, checked, "checked").unwrap();
    assert!(matches!(verdict, Verdict::Passed { .. }), "{verdict:?}");
    // Without the promise a panic is behaviour like any other, and an
    // example that expects one turns the promise off.
    for text in [
        RATIO.replace(", \"Never panic.\"", ""),
        RATIO.replace(
            "expect = \"Some(2)\" },",
            "expect = \"Some(2)\" },\n  { call = \"ratio(1, 0)\", panics = true },",
        ),
    ] {
        let spec = parse_str(&text, Path::new("intents/ratio.intent.toml")).unwrap();
        assert!(!spec.spec.never_panics(), "{text}");
        let verdict = runner.check(&spec.spec, panicking, "allowed").unwrap();
        assert!(
            matches!(verdict, Verdict::Passed { .. }),
            "{text}: {verdict:?}"
        );
    }
}

#[test]
fn bindings_used_wrongly_are_mended_without_a_model_round() {
    // A borrowed slice sorted in place, a clone declared `&mut [T]`, a
    // `VecDeque` sorted like a `Vec`, a result never declared: rustc
    // suggests changing the signature for the first and nothing for the
    // others.
    let spec = parse_str(
        "signature = \"pub fn spread(v: &[i32]) -> Vec<i32>\"\ndescription = \"The sorted values, then the largest minus the smallest.\"\nexamples = [{ call = \"spread(&[3, 1, 2])\", expect = \"vec![1, 2, 3, 2]\" }]\n",
        Path::new("intents/spread.intent.toml"),
    )
    .unwrap();
    let code = "use std::collections::VecDeque;\npub fn spread(v: &[i32]) -> Vec<i32> {\n    v.sort();\n    let mut copy: &mut [i32] = v.clone();\n    copy.sort();\n    let mut d: VecDeque<i32> = VecDeque::from(v);\n    d.sort();\n    for x in d.iter() {\n        out.push(*x);\n    }\n    out.push(copy[copy.len() - 1] - *d.front().unwrap());\n    out\n}";
    let (provider, requests) = Scripted::new(&[&fence(code)]);
    let run = run_spec(&spec, provider, requests, 1, Options::with_rounds(0));
    let candidate = run.outcome.unwrap_or_else(|| panic!("{:#?}", run.report));
    for mended in [
        "let mut v = v.to_owned();",
        "let mut copy: Vec<i32> = v.to_vec();",
        "let mut d: Vec<i32> = Vec::from(v);",
        "let mut out = Vec::new();",
        "*d.first().unwrap()",
    ] {
        assert!(
            candidate.code.contains(mended),
            "{mended}: {}",
            candidate.code
        );
    }
    assert!(!candidate.code.contains("VecDeque"), "{}", candidate.code);
    use intent_build::judge::variants::Fix;
    let fixes = &run.report.rounds[0].candidates[0].fixes;
    for fix in [Fix::OwnedCopy, Fix::DequeAsVec, Fix::Declare] {
        assert!(fixes.contains(&fix), "{fix:?}: {fixes:?}");
    }
    assert_eq!(run.requests.len(), 1);
}
