//! Checks drawn from the description: a rule only the description states
//! (`to_roman` returns None above 3999) is checked before code is accepted.
//! Two candidates agree on code that breaks it, the model's check sets
//! agree on the rule, and the lock ends in a question naming the call;
//! answered at a real terminal, the answer becomes an example and a right
//! candidate is accepted.

mod common;
use common::intent;
use intent_tests::{run_full, Fixture};

const SPEC: &str = "signature = \"pub fn to_roman(n: u32) -> Option<String>\"\n\
description = \"Write n in Roman numerals. Return None for 0 and for any value above 3999.\"\n\
examples = [\n  { call = \"to_roman(4)\", expect = \"Some(String::from(\\\"IV\\\"))\" },\n  \
{ call = \"to_roman(1994)\", expect = \"Some(String::from(\\\"MCMXCIV\\\"))\" },\n]\n";

/// Right on every example, but `Some("MMMM")` for 4000.
const UNBOUNDED: &str = "pub fn to_roman(n: u32) -> Option<String> {\n    if n == 0 {\n        return None;\n    }\n    ROMAN_BODY\n}";
/// The rule kept.
const BOUNDED: &str = "pub fn to_roman(n: u32) -> Option<String> {\n    if n == 0 || n > 3999 {\n        return None;\n    }\n    ROMAN_BODY\n}";
const ROMAN_BODY: &str = "let table = [(1000, \"M\"), (900, \"CM\"), (500, \"D\"), (400, \"CD\"), (100, \"C\"), (90, \"XC\"), (50, \"L\"), (40, \"XL\"), (10, \"X\"), (9, \"IX\"), (5, \"V\"), (4, \"IV\"), (1, \"I\")];\n    let mut n = n.min(100_000);\n    let mut out = String::new();\n    for (value, digits) in table {\n        while n >= value {\n            out.push_str(digits);\n            n -= value;\n        }\n    }\n    Some(out)";

/// What each check set says: the rule, quoted, and a check of 0.
const CHECKS: &str = "// \"Return None for 0 and for any value above 3999\"\nassert_eq!(to_roman(4000), None);\nassert_eq!(to_roman(0), None);\n";

/// A crate whose scripted model answers the checks prompt with
/// [`CHECKS`], and the code prompt with the unbounded code until the spec
/// has an example at 4000, then with the bounded one. Every prompt is
/// kept in the script's folder.
fn crate_with_checks(name: &str, dir: &std::path::Path, extra: &str) -> Fixture {
    std::fs::write(dir.join("checks.txt"), format!("```rust\n{CHECKS}```\n")).unwrap();
    let reply =
        "if grep -q 'expert Rust tester' DIR/prompt-$n.txt; then cat DIR/checks.txt; exit 0; fi\n\
        if grep -q 'to_roman(4000)' DIR/prompt-$n.txt; then cat DIR/bounded.txt; exit 0; fi\n\
        cat DIR/unbounded.txt\n";
    let settings = format!(
        "candidates = 2\nmax-candidates = 4\nrepair-rounds = 1\nseek-rival = false\n{extra}"
    );
    scripted_crate(name, dir, &settings, reply)
}

/// A crate of the `to_roman` spec whose model is a shell script: it keeps
/// each prompt (`prompt-$n.txt`), then runs `reply`, which may `cat` the
/// unbounded and bounded code (`unbounded.txt`, `bounded.txt`) and files it
/// wrote to `dir` itself.
fn scripted_crate(name: &str, dir: &std::path::Path, settings: &str, reply: &str) -> Fixture {
    let code = |text: &str| format!("```rust\n{}\n```\n", text.replace("ROMAN_BODY", ROMAN_BODY));
    std::fs::write(dir.join("unbounded.txt"), code(UNBOUNDED)).unwrap();
    std::fs::write(dir.join("bounded.txt"), code(BOUNDED)).unwrap();
    let script = format!(
        "n=$(cat DIR/calls.log 2>/dev/null | wc -l)\necho >> DIR/calls.log\ncat > DIR/prompt-$n.txt\n{reply}"
    );
    std::fs::write(
        dir.join("reply.sh"),
        script.replace("DIR", &dir.display().to_string()),
    )
    .unwrap();
    let meta = format!(
        "\n[package.metadata.intent]\n{settings}\n\
         [[package.metadata.intent.providers]]\nkind = \"command\"\ncommand = [\"sh\", \"{}/reply.sh\"]\n",
        dir.display()
    );
    let f = Fixture::with_manifest(name, &meta, "[workspace]\n");
    f.write("intents/to_roman.intent.toml", SPEC);
    f
}

/// The calls of the agreed checks in a report's `checks`.
fn agreed_calls(checks: &serde_json::Value) -> Vec<&str> {
    checks["agreed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["call"].as_str().unwrap())
        .collect()
}

fn report(target: &std::path::Path) -> serde_json::Value {
    let text = std::fs::read_to_string(target.join("intent/report.json")).unwrap();
    serde_json::from_str::<serde_json::Value>(&text).unwrap()[0].clone()
}

/// Locks `f` and asserts that it ended in the checks' question with
/// nothing accepted: stderr, the intent's report and the page.
fn lock_ends_in_a_checks_question(f: &Fixture) -> (String, serde_json::Value, String) {
    let target = tempfile::tempdir().unwrap();
    let (code, _, err) = run_full(intent(f, &["lock"]).env("CARGO_TARGET_DIR", target.path()));
    assert_eq!(code, 1, "a question is not an acceptance: {err}");
    assert!(
        err.contains("to_roman(4000)"),
        "the question names the call: {err}"
    );
    assert!(
        !f.root.join("intents/snapshots/to_roman.snap").exists(),
        "nothing was accepted"
    );
    let report = report(target.path());
    assert_eq!(report["outcome"], "question", "{report:#}");
    assert_eq!(report["last_gate"], "checks", "{report:#}");
    let page = std::fs::read_to_string(target.path().join("intent/report.html")).unwrap();
    (err, report, page)
}

#[test]
fn agreeing_candidates_that_break_a_rule_of_the_description_end_in_a_question_not_an_acceptance() {
    let script = tempfile::tempdir().unwrap();
    let f = crate_with_checks("checks_question", script.path(), "");
    let (err, report, _) = lock_ends_in_a_checks_question(&f);
    assert!(
        err.contains("the description's checks (3 of 3 sets): None"),
        "{err}"
    );
    assert!(
        err.contains("from \"Return None for 0 and for any value above 3999\""),
        "{err}"
    );
    // Two of at most four decoded: the vote was decided in round 0, and
    // the report says why no more were decoded.
    assert_eq!(
        report["decoding"],
        serde_json::json!({ "decoded": 2, "budget": 4, "stopped": "decided" }),
        "{report:#}"
    );
    let checks = &report["checks"];
    assert_eq!(checks["sets"].as_array().unwrap().len(), 3, "{checks:#}");
    let agreed = agreed_calls(checks);
    assert_eq!(agreed, ["to_roman(4000)", "to_roman(0)"], "{checks:#}");
    // Both candidates fail the rule; neither fails the check of 0.
    for candidate in checks["candidates"].as_array().unwrap() {
        assert_eq!(
            candidate["failed"][0]["got"], "Some(\"MMMM\")",
            "{checks:#}"
        );
        assert_eq!(
            candidate["failed"].as_array().unwrap().len(),
            1,
            "{checks:#}"
        );
    }
    // The checks prompt showed no candidate code.
    let prompts: Vec<String> = (0..10)
        .filter_map(|n| std::fs::read_to_string(script.path().join(format!("prompt-{n}.txt"))).ok())
        .filter(|p| p.contains("expert Rust tester"))
        .collect();
    assert_eq!(prompts.len(), 3);
    assert!(prompts.iter().all(|p| !p.contains("table")), "{prompts:?}");

    // With checks off the same answers are accepted: the checks made the difference.
    let off = tempfile::tempdir().unwrap();
    let g = crate_with_checks("checks_off", off.path(), "description-checks = false");
    let target = tempfile::tempdir().unwrap();
    let (code, _, err) = run_full(intent(&g, &["lock"]).env("CARGO_TARGET_DIR", target.path()));
    assert_eq!(code, 0, "{err}");
    assert!(g
        .read("intents/snapshots/to_roman.snap")
        .contains("n == 0 {"));
}

/// A check only one set gave is not agreed, but when the code about to be
/// accepted fails it and a quorum of other passing candidates passes it, a
/// set and programs written apart stand against the code: a question, not
/// an acceptance.
#[test]
fn a_check_one_set_gave_that_a_rival_candidate_passes_ends_in_a_question() {
    let script = tempfile::tempdir().unwrap();
    // The first set states the rule; the other two only check 5.
    std::fs::write(
        script.path().join("rule.txt"),
        format!("```rust\n{CHECKS}```\n"),
    )
    .unwrap();
    let other = "```rust\nassert_eq!(to_roman(5), Some(String::from(\"V\")));\n```\n";
    std::fs::write(script.path().join("other.txt"), other).unwrap();
    // Of five candidates, the last two keep the rule: as many as the quorum.
    let reply = "if grep -q 'expert Rust tester' DIR/prompt-$n.txt; then\n\
          k=$(cat DIR/sets.log 2>/dev/null | wc -l); echo >> DIR/sets.log\n\
          if [ \"$k\" = 0 ]; then cat DIR/rule.txt; else cat DIR/other.txt; fi; exit 0\n\
        fi\n\
        k=$(cat DIR/codes.log 2>/dev/null | wc -l); echo >> DIR/codes.log\n\
        if [ \"$k\" -ge 3 ]; then cat DIR/bounded.txt; else cat DIR/unbounded.txt; fi\n";
    let settings = "candidates = 5\nmax-candidates = 5\nrepair-rounds = 1\nseek-rival = false\n";
    let f = scripted_crate("checks_seconded", script.path(), settings, reply);
    let (err, report, page) = lock_ends_in_a_checks_question(&f);
    assert!(
        page.contains("passed by other candidates, so they stopped it:")
            && page.contains("<code>to_roman(4000) == None</code> (1 of 3 sets)"),
        "the page names the check that stopped it"
    );
    assert!(
        err.contains("the description's checks (1 of 3 sets): None"),
        "{err}"
    );
    assert!(err.contains("other passing candidates pass"), "{err}");
    let checks = &report["checks"];
    // `to_roman(5)` is agreed and every candidate passes it; the rule is not.
    let agreed = agreed_calls(checks);
    assert_eq!(agreed, ["to_roman(5)"], "{checks:#}");
    assert_eq!(
        checks["seconded"][0]["call"], "to_roman(4000)",
        "{checks:#}"
    );
    assert_eq!(checks["seconded"][0]["sets"], 1, "{checks:#}");
    // The question shows both readings: the three that break the rule, the two that keep it.
    let groups = report["question"]["groups"].as_array().unwrap();
    let answers: Vec<(usize, &str)> = groups
        .iter()
        .map(|g| {
            (
                g[0]["members"].as_array().unwrap().len(),
                g[1][0].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(answers, [(3, "Some(\"MMMM\")"), (2, "None")], "{report:#}");
}

/// When the sets stop nothing and the passing candidates split, the model
/// is asked what the description says of the calls they split on (the
/// calls written for it); a value its answers agree on that the code about
/// to be accepted fails and a rival candidate returns ends in a question.
#[test]
fn a_value_the_model_gives_for_a_call_the_candidates_split_on_ends_in_a_question() {
    let script = tempfile::tempdir().unwrap();
    let other = "```rust\nassert_eq!(to_roman(5), Some(String::from(\"V\")));\n```\n";
    std::fs::write(script.path().join("other.txt"), other).unwrap();
    // The probe lists its calls in a block; each is said to return None.
    let reply = "if grep -q 'Write what each of these calls' DIR/prompt-$n.txt; then\n\
          echo '```rust'\n\
          awk '/one assert_eq! line each/{f=1;next} f&&/^```rust/{g=1;next} g&&/^```/{exit} g{print \"assert_eq!(\" $0 \", None);\"}' DIR/prompt-$n.txt\n\
          echo '```'; exit 0\n\
        fi\n\
        if grep -q 'expert Rust tester' DIR/prompt-$n.txt; then cat DIR/other.txt; exit 0; fi\n\
        k=$(cat DIR/codes.log 2>/dev/null | wc -l); echo >> DIR/codes.log\n\
        if [ \"$k\" -ge 3 ]; then cat DIR/bounded.txt; else cat DIR/unbounded.txt; fi\n";
    // Of four candidates one keeps the rule: too few to second a check.
    let settings = "candidates = 4\nmax-candidates = 4\nrepair-rounds = 1\nseek-rival = false\n\
                    description-probes = true\n";
    let f = scripted_crate("checks_probed", script.path(), settings, reply);
    let target = tempfile::tempdir().unwrap();
    let (code, _, err) = run_full(intent(&f, &["lock"]).env("CARGO_TARGET_DIR", target.path()));
    assert_eq!(code, 1, "a question is not an acceptance: {err}");
    assert!(
        err.contains("that other passing candidates return"),
        "{err}"
    );
    assert!(!f.root.join("intents/snapshots/to_roman.snap").exists());
    let report = report(target.path());
    assert_eq!(report["outcome"], "question", "{report:#}");
    let checks = &report["checks"];
    assert_eq!(agreed_calls(checks), ["to_roman(5)"], "{checks:#}");
    assert_eq!(checks["probes"].as_array().unwrap().len(), 3, "{checks:#}");
    // Every call probed is one the two readings answer differently: above 3999.
    let probed = checks["probed"].as_array().unwrap();
    assert!(!probed.is_empty(), "{checks:#}");
    for value in probed {
        assert_eq!(value["value"], "None", "{checks:#}");
        assert_eq!(value["sets"], 3, "{checks:#}");
    }
    let groups = report["question"]["groups"].as_array().unwrap();
    let sizes: Vec<usize> = groups
        .iter()
        .map(|g| g[0]["members"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, [3, 1], "{report:#}");
    assert_eq!(groups[1][1][0], "None", "{report:#}");
    let page = std::fs::read_to_string(target.path().join("intent/report.html")).unwrap();
    assert!(
        page.contains("Values the model gave for calls the passing candidates split on")
            && page.contains("Probe 3 by"),
        "the page shows the probes and what stopped the code"
    );
}

#[test]
fn at_a_terminal_one_keystroke_takes_the_checks_answer_as_an_example_and_a_right_candidate_is_accepted(
) {
    use expectrl::{Expect, Session};
    let script = tempfile::tempdir().unwrap();
    let f = crate_with_checks("checks_answered", script.path(), "");
    let target = tempfile::tempdir().unwrap();
    let mut cmd = intent(&f, &["lock"]);
    cmd.env_remove("CI")
        .env("TERM", "xterm")
        .env("CARGO_TARGET_DIR", target.path());
    let mut session = Session::spawn(cmd).unwrap();
    session.set_expect_timeout(Some(std::time::Duration::from_secs(300)));
    let asked = session.expect("to_roman(4000) returns").unwrap();
    let mut screen = String::from_utf8_lossy(asked.before()).to_string();
    // Enter takes the highlighted answer: the checks'.
    session.send("\r").unwrap();
    // Inputs the spec leaves open are offered after the acceptance: `q` leaves them.
    screen.push_str(&common::leave_offers(&mut session));
    assert!(
        screen.contains("the description's checks, 3 of 3 sets"),
        "{screen}"
    );
    let spec = f.read("intents/to_roman.intent.toml");
    assert!(
        spec.contains("{ call = \"to_roman(4000)\", expect = \"None\" }"),
        "{spec}"
    );
    let snapshot = f.read("intents/snapshots/to_roman.snap");
    assert!(
        snapshot.contains("n > 3999"),
        "the right candidate: {snapshot}"
    );
    // `to_roman(4000)` is an example now: only the check of 0 is left to count.
    let lock = f.read("Intent.lock");
    assert!(
        lock.contains("checks = [1, 1]"),
        "{lock}\n{:#}",
        report(target.path())["checks"]
    );
    let (_, out, _) = run_full(intent(&f, &["status"]).env("CARGO_TARGET_DIR", target.path()));
    assert!(out.contains("checks 1/1"), "{out}");

    // The checks that were run live beside the snapshot, and verify runs them again.
    let checks = f.read("intents/snapshots/to_roman.checks");
    assert!(
        checks.contains("call = \"to_roman(0)\"") && !checks.contains("to_roman(4000)"),
        "{checks}"
    );
    assert!(lock.contains("checks-hash = \"sha256:"), "{lock}");
    let verify =
        || run_full(intent(&f, &["verify", "--locked"]).env("CARGO_TARGET_DIR", target.path()));
    let (code, out, err) = verify();
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("checks 1/1"), "{out}");
    // Edited by hand: refused, as an edited snapshot is.
    std::fs::write(
        f.root.join("intents/snapshots/to_roman.checks"),
        checks.replace("to_roman(0)", "to_roman(5000)"),
    )
    .unwrap();
    let (code, out, _) = verify();
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("to_roman.checks was edited since the code was accepted"),
        "{out}"
    );
    // Missing: said so, and nothing else fails.
    std::fs::remove_file(f.root.join("intents/snapshots/to_roman.checks")).unwrap();
    let (code, out, err) = verify();
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("checks file missing, not run"), "{out}");
    assert!(
        err.contains("snapshots/to_roman.checks is missing"),
        "{err}"
    );
}
