//! Where the spec is silent: the accepted code's mutants that pass the
//! whole spec yet answer otherwise are reported with the input that shows
//! it, and an example on that input rules them out.

mod common;
use common::intent;
use intent_tests::{run_full, Fixture, ScriptedModel};

const ADD: &str = "signature = \"pub fn add(a: i32, b: i32) -> i32\"\ndescription = \"The sum of a and b.\"\nassume = \"a.abs() < 1000 && b.abs() < 1000\"\nexamples = [{ call = \"add(0, 0)\", expect = \"0\" }]\n";
const ADD_CODE: &str = "pub fn add(a: i32, b: i32) -> i32 {\n    a + b\n}";

/// The `add` intent's adequacy in the report of a lock run with `target`.
fn adequacy(target: &std::path::Path) -> serde_json::Value {
    let text = std::fs::read_to_string(target.join("intent/report.json")).unwrap();
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    report[0]["adequacy"].clone()
}

#[test]
fn mutants_the_examples_leave_open_are_named_with_their_input_and_an_example_rules_them_out() {
    let model = ScriptedModel::answering(ADD_CODE);
    let meta = format!(
        "\n[package.metadata.intent]\nrepair-rounds = 0\n{}",
        model.provider_table()
    );
    let f = Fixture::with_manifest("adequacy", &meta, "[workspace]\n");
    f.write("intents/add.intent.toml", ADD);
    let target = tempfile::tempdir().unwrap();
    let lock = |args: &[&str]| run_full(intent(&f, args).env("CARGO_TARGET_DIR", target.path()));
    let (code, _, err) = lock(&["lock"]);
    assert_eq!(code, 0, "{err}");
    let found = adequacy(target.path());
    let open = found["open"].as_array().unwrap();
    let minus = open
        .iter()
        .find(|o| o["mutant"] == "line 2: `+` → `-`")
        .unwrap_or_else(|| panic!("a - b is not open: {found:#}"));
    // The input that shows it, with both answers.
    let call = minus["call"].as_str().unwrap();
    assert_ne!(minus["accepted"], minus["mutated"], "{minus}");
    let ruled_out = found["ruled_out"].as_u64().unwrap();
    let judged = ruled_out + open.len() as u64;
    let lock_text = f.read("Intent.lock");
    assert!(
        lock_text.contains(&format!("adequacy = [{ruled_out}, {judged}]")),
        "{lock_text}"
    );
    let page = std::fs::read_to_string(target.path().join("intent/report.html")).unwrap();
    assert!(
        page.contains("Where the spec is silent") && page.contains(call),
        "{page}"
    );
    let (_, out, _) = run_full(intent(&f, &["status"]).env("CARGO_TARGET_DIR", target.path()));
    assert!(
        out.contains(&format!("adequacy {ruled_out}/{judged}")),
        "{out}"
    );

    // The example it proposes: that input with the accepted answer.
    let answer = minus["accepted"].as_str().unwrap();
    f.write(
        "intents/add.intent.toml",
        &ADD.replace(
            "expect = \"0\" }]",
            &format!("expect = \"0\" }}, {{ call = \"{call}\", expect = \"{answer}\" }}]"),
        ),
    );
    let (code, _, err) = lock(&["lock"]);
    assert_eq!(code, 0, "{err}");
    let after = adequacy(target.path());
    let still: Vec<&serde_json::Value> = after["open"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["mutant"] == "line 2: `+` → `-`")
        .collect();
    assert!(still.is_empty(), "a - b is still open: {after:#}");
    assert!(
        after["ruled_out"].as_u64().unwrap() > ruled_out,
        "{after:#}"
    );
}
