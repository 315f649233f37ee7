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

/// A crate whose `add` intent is answered by `model`.
fn add_crate(name: &str, model: &ScriptedModel) -> Fixture {
    let meta = format!(
        "\n[package.metadata.intent]\nrepair-rounds = 0\n{}",
        model.provider_table()
    );
    let f = Fixture::with_manifest(name, &meta, "[workspace]\n");
    f.write("intents/add.intent.toml", ADD);
    f
}

#[test]
fn at_a_terminal_lock_offers_the_open_inputs_and_one_keystroke_makes_each_an_example() {
    use expectrl::{Expect, Regex, Session};
    let model = ScriptedModel::answering(ADD_CODE);
    let f = add_crate("confirm", &model);
    let target = tempfile::tempdir().unwrap();
    let mut cmd = intent(&f, &["lock"]);
    cmd.env_remove("CI")
        .env("TERM", "xterm")
        .env("CARGO_TARGET_DIR", target.path());
    let mut session = Session::spawn(cmd).unwrap();
    session.set_expect_timeout(Some(std::time::Duration::from_secs(300)));
    let asked = session
        .expect(Regex(r"`(add\(-?\d+, -?\d+\))` gives `(-?\d+)`: right\?"))
        .unwrap();
    let text = |i: usize| String::from_utf8_lossy(asked.get(i).unwrap()).to_string();
    let (call, answer) = (text(1), text(2));
    let decoded = model.calls();
    // One keystroke: `y` takes it; `q` leaves the other offers.
    session.send("y").unwrap();
    let mut screen = String::new();
    let took = session.expect("yes").unwrap();
    screen.push_str(&String::from_utf8_lossy(took.before()));
    // Any later offer is left: `q` stops.
    screen.push_str(&common::leave_offers(&mut session));
    assert!(
        screen.contains("Tightened confirm::add: 1 example(s), adequacy"),
        "{screen}"
    );
    assert_eq!(
        model.calls(),
        decoded,
        "the model was asked again: {screen}"
    );
    let spec = f.read("intents/add.intent.toml");
    assert!(
        spec.contains(&format!("{{ call = \"{call}\", expect = \"{answer}\" }}")),
        "{spec}"
    );
    // The accepted code is kept under the new spec: fresh, no model.
    let (code, out, _) =
        run_full(intent(&f, &["lock", "--check"]).env("CARGO_TARGET_DIR", target.path()));
    assert_eq!(code, 0, "{out}");
    assert!(f.read("intents/snapshots/add.snap").contains("a + b"));
}

#[test]
fn off_a_terminal_tighten_prints_the_open_inputs_and_writes_nothing() {
    let model = ScriptedModel::answering(ADD_CODE);
    let f = add_crate("tighten_off", &model);
    let target = tempfile::tempdir().unwrap();
    let (code, _, err) = run_full(intent(&f, &["lock"]).env("CARGO_TARGET_DIR", target.path()));
    assert_eq!(code, 0, "{err}");
    let (spec, lock) = (f.read("intents/add.intent.toml"), f.read("Intent.lock"));
    let (code, _, err) = run_full(intent(&f, &["tighten"]).env("CARGO_TARGET_DIR", target.path()));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(
            "note: intent `add` (intents/add.intent.toml): the spec does not say what `add("
        ),
        "{err}"
    );
    assert!(
        err.contains("`cargo intent tighten add` at a terminal pins it"),
        "{err}"
    );
    assert!(err.contains("Open tighten_off::add"), "{err}");
    assert_eq!(f.read("intents/add.intent.toml"), spec);
    assert_eq!(f.read("Intent.lock"), lock);
}

#[test]
fn a_property_that_pins_the_behaviour_leaves_nothing_open() {
    let model = ScriptedModel::answering(ADD_CODE);
    let f = add_crate("pinned", &model);
    f.write(
        "intents/add.intent.toml",
        &ADD.replace("examples", "properties = [\"result == a + b\"]\nexamples"),
    );
    let target = tempfile::tempdir().unwrap();
    let (code, _, err) = run_full(intent(&f, &["lock"]).env("CARGO_TARGET_DIR", target.path()));
    assert_eq!(code, 0, "{err}");
    let found = adequacy(target.path());
    assert_eq!(found["open"].as_array().map(Vec::len), Some(0), "{found:#}");
    let ruled_out = found["ruled_out"].as_u64().unwrap();
    assert!(ruled_out > 0, "{found:#}");
    let (_, out, _) = run_full(intent(&f, &["status"]).env("CARGO_TARGET_DIR", target.path()));
    assert!(
        out.contains(&format!("adequacy {ruled_out}/{ruled_out}")),
        "{out}"
    );

    // The seed's compression: the spec, identity and hash over the code.
    let spec_bytes = f.read("intents/add.intent.toml").len();
    let code = format!("/ {} bytes)", ADD_CODE.len());
    let (_, out, err) = run_full(
        intent(&f, &["status", "--long"])
            .env("CARGO_TARGET_DIR", target.path())
            .env("COLUMNS", "300"),
    );
    assert!(out.contains("seed/code") && out.contains(&code), "{out}");
    let seed: usize = out
        .split(" (")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .unwrap()
        .parse()
        .unwrap();
    assert!(seed > spec_bytes, "{out}");
    assert!(
        err.contains("seed over code") && err.contains(&code),
        "{err}"
    );
    let page = std::fs::read_to_string(target.path().join("intent/report.html")).unwrap();
    assert!(
        page.contains("Seed over code: ") && page.contains(&code),
        "{page}"
    );
}
