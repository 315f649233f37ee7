//! Code written by hand is a candidate like any other: judged by every
//! gate with no model call, recorded as `author = "hand"`, refused with
//! its evidence when it fails, never replaced by a model change.

mod common;
use common::intent;
use intent_tests::{run_full, Fixture, ScriptedModel};

const DOUBLE: &str = "signature = \"pub fn double(x: i32) -> i32\"\ndescription = \"Return x multiplied by 2.\"\nexamples = [{ call = \"double(2)\", expect = \"4\" }, { call = \"double(0)\", expect = \"0\" }]\n";
const DOUBLE_CODE: &str = "pub fn double(x: i32) -> i32 {\n    x * 2\n}";

/// A crate with `double`, answered by `model` and locked once.
fn locked(name: &str, model: &ScriptedModel) -> Fixture {
    let meta = format!(
        "\n[package.metadata.intent]\nrepair-rounds = 0\n{}",
        model.provider_table()
    );
    let f = Fixture::with_manifest(name, &meta, "[workspace]\n");
    f.write("intents/double.intent.toml", DOUBLE);
    let (code, _, err) = run_full(&mut intent(&f, &["lock"]));
    assert_eq!(code, 0, "{err}");
    f
}

/// Replaces the code in `double`'s snapshot with `code`, keeping its header.
fn edit_snapshot(f: &Fixture, code: &str) {
    let snap = f.read("intents/snapshots/double.snap");
    f.write(
        "intents/snapshots/double.snap",
        &snap.replace(DOUBLE_CODE, code),
    );
}

#[test]
fn a_hand_edit_that_passes_is_recorded_as_the_authors_and_survives_a_model_change() {
    let model = ScriptedModel::answering(DOUBLE_CODE);
    let f = locked("hand_ok", &model);
    let calls = model.calls();
    let mine = "pub fn double(x: i32) -> i32 {\n    x + x\n}";
    edit_snapshot(&f, mine);
    let (code, _, err) = run_full(&mut intent(&f, &["lock"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("Judged hand_ok::double"), "{err}");
    assert_eq!(model.calls(), calls, "the model was asked: {err}");
    let lock = f.read("Intent.lock");
    assert!(
        lock.contains("author = \"hand\"\nmodel = { provider = \"\", name = \"\", digest = \"\" }"),
        "{lock}"
    );
    assert!(f.read("intents/snapshots/double.snap").contains("x + x"));
    assert!(
        f.read("intents/snapshots/double.behaviour")
            .contains("double(-1) => -2"),
        "behaviour pinned"
    );
    let (code, out, _) = run_full(&mut intent(&f, &["status"]));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("by hand"), "{out}");
    // The page of the last run says who wrote the code now accepted.
    let (code, out, err) = run_full(&mut intent(&f, &["report"]));
    assert_eq!(code, 0, "{err}");
    let page = std::fs::read_to_string(out.trim()).unwrap();
    assert!(page.contains("<td>hand</td>"), "{page}");
    assert!(page.contains("Written by hand: double"), "{page}");

    // Another model: the hand code stays fresh, and no model is asked.
    let other = ScriptedModel::answering("pub fn double(x: i32) -> i32 {\n    2 * x\n}");
    let manifest = f.read("Cargo.toml");
    f.write(
        "Cargo.toml",
        &manifest.replace(&model.provider_table(), &other.provider_table()),
    );
    let (code, out, _) = run_full(&mut intent(&f, &["lock", "--check"]));
    assert_eq!(code, 0, "{out}");
    let (code, _, err) = run_full(&mut intent(&f, &["lock"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(other.calls(), 0, "{err}");
    assert!(f.read("intents/snapshots/double.snap").contains("x + x"));
    // A spec change: the hand code is judged against the new spec first,
    // and kept when it passes.
    let spec = f.read("intents/double.intent.toml");
    f.write(
        "intents/double.intent.toml",
        &spec.replace("]\n", ", { call = \"double(-3)\", expect = \"-6\" }]\n"),
    );
    let (code, _, err) = run_full(&mut intent(&f, &["lock"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("Judged hand_ok::double"), "{err}");
    assert_eq!(other.calls(), 0, "{err}");
    assert!(f.read("Intent.lock").contains("author = \"hand\""));
    // The build uses it with no model, offline.
    let (code, _, err) = run_full(f.cargo("build").env("INTENT_OFFLINE", "1"));
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_wrong_or_hostile_hand_edit_is_refused_with_its_evidence_and_nothing_is_written() {
    let model = ScriptedModel::answering(DOUBLE_CODE);
    let f = locked("hand_bad", &model);
    let calls = model.calls();
    let lock = f.read("Intent.lock");
    for (code, says) in [
        ("pub fn double(x: i32) -> i32 {\n    x * 3\n}", "double(2)"),
        (
            "pub fn double(x: i32) -> i32 {\n    let _ = std::fs::remove_file(\"/tmp/x\");\n    x * 2\n}",
            "the file system",
        ),
    ] {
        edit_snapshot(&f, code);
        let edited = f.read("intents/snapshots/double.snap");
        let (status, _, err) = run_full(&mut intent(&f, &["lock"]));
        assert_eq!(status, 1, "{err}");
        assert!(err.contains("the code written by hand in intents/snapshots/double.snap fails"), "{err}");
        assert!(err.contains(says), "{err}");
        assert_eq!(f.read("Intent.lock"), lock, "the lock changed");
        assert_eq!(f.read("intents/snapshots/double.snap"), edited, "the edit was overwritten");
        assert_eq!(model.calls(), calls, "the model was asked: {err}");
        let snap = f.read("intents/snapshots/double.snap");
        f.write("intents/snapshots/double.snap", &snap.replace(code, DOUBLE_CODE));
    }
}

#[test]
fn edit_opens_the_editor_on_the_code_and_judges_what_is_saved() {
    let model = ScriptedModel::answering(DOUBLE_CODE);
    let f = locked("hand_editor", &model);
    // An "editor" that rewrites the body and records what it was given.
    let seen = f.root.join("seen.rs");
    let editor = f.root.join("editor.sh");
    std::fs::write(
        &editor,
        format!(
            "cp \"$1\" {}\nsed -i 's/x \\* 2/x << 1/' \"$1\"\n",
            seen.display()
        ),
    )
    .unwrap();
    let (code, _, err) = run_full(
        intent(&f, &["edit", "double"])
            .env("EDITOR", format!("sh {}", editor.display()))
            .env_remove("VISUAL"),
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_to_string(&seen).unwrap().trim(), DOUBLE_CODE);
    assert!(f.read("intents/snapshots/double.snap").contains("x << 1"));
    assert!(f.read("Intent.lock").contains("author = \"hand\""));
}

#[test]
fn eject_leaves_ordinary_rust_that_builds_and_tests_without_intent() {
    let model = ScriptedModel::answering(DOUBLE_CODE);
    let f = locked("ejected", &model);
    // A caller in the crate's own tests, before and after.
    f.write(
        "tests/caller.rs",
        "#[test]\nfn calls() {\n    assert_eq!(ejected::double(21), 42);\n}\n",
    );
    let (code, _, err) = run_full(&mut intent(&f, &["eject", "double"]));
    assert_eq!(code, 0, "{err}");
    let module = f.read("src/double.rs");
    assert!(
        module.contains(
            "/// Return x multiplied by 2.\npub fn double(x: i32) -> i32 {\n    x * 2\n}"
        ),
        "{module}"
    );
    assert!(
        module.contains("#[test]\n    fn examples() {\n        assert_eq!(double(2), 4);"),
        "{module}"
    );
    assert!(f
        .read("src/lib.rs")
        .ends_with("\nmod double;\npub use double::*;\n"));
    for gone in [
        "intents/double.intent.toml",
        "intents/snapshots/double.snap",
        "intents/snapshots/double.behaviour",
    ] {
        assert!(!f.root.join(gone).exists(), "{gone} is still there");
    }
    assert!(!f.read("Intent.lock").contains("double"));
    // The crate builds and tests with no intent left and no model.
    let (code, _, err) = run_full(f.cargo("test").env("INTENT_OFFLINE", "1"));
    assert_eq!(code, 0, "{err}");
    assert_eq!(model.calls(), 1, "{err}");
}
