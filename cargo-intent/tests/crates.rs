//! Intents that use crates of their package's `[dependencies]`: judged
//! against the versions the user's build uses, recorded in the lock, built
//! by the user's own `cargo test`; undeclared crates refused.

mod common;
use common::intent;
use intent_tests::{run_full, Fixture, ScriptedModel};

/// `is_version` with `crates = ["regex"]`.
const IS_VERSION: &str = r#"signature = "pub fn is_version(s: &str) -> bool"
description = "Whether s is a version like 1.2.3: three numbers joined by dots."
crates = ["regex"]
examples = [
    { call = "is_version(\"1.2.3\")", expect = "true" },
    { call = "is_version(\"1.2\")", expect = "false" },
]
"#;

/// Code that uses the crate the spec names.
const WITH_REGEX: &str = "use regex::Regex;\n\npub fn is_version(s: &str) -> bool {\n    Regex::new(r\"^\\d+\\.\\d+\\.\\d+$\").unwrap().is_match(s)\n}";

/// A package depending on `regex` (at the workspace's locked version),
/// answered by `model`, with `specs`.
fn package(name: &str, model: &ScriptedModel, specs: &[(&str, &str)]) -> Fixture {
    let meta = format!(
        "\n[package.metadata.intent]\nrepair-rounds = 1\n{}",
        model.provider_table()
    );
    let f = Fixture::with_manifest(
        name,
        &meta,
        "[dependencies]\nregex = \"1\"\n\n[workspace]\n",
    );
    for (intent, text) in specs {
        f.write(&format!("intents/{intent}.intent.toml"), text);
    }
    f
}

/// The version of `regex` the workspace's (and so each fixture's) lock holds.
fn locked_regex() -> String {
    let lock = std::fs::read_to_string(intent_tests::workspace_root().join("Cargo.lock")).unwrap();
    let at = lock.find("name = \"regex\"\nversion = \"").unwrap()
        + "name = \"regex\"\nversion = \"".len();
    lock[at..].split('"').next().unwrap().to_string()
}

#[test]
fn an_intent_using_a_declared_crate_is_accepted_recorded_with_its_version_and_built_by_cargo() {
    let model = ScriptedModel::answering(WITH_REGEX);
    let f = package("uses_regex", &model, &[("is_version", IS_VERSION)]);
    let (code, out, err) = run_full(&mut intent(&f, &["lock"]));
    assert_eq!(code, 0, "{out}\n{err}");
    let lock = f.read("Intent.lock");
    let version = locked_regex();
    assert!(
        lock.contains(&format!("crates = {{ regex = \"{version}\" }}")),
        "{lock}"
    );
    // The user's own build compiles the accepted code with the same crate.
    f.write(
        "tests/uses.rs",
        "#[test]\nfn works() {\n    assert!(uses_regex::is_version(\"10.0.1\"));\n    assert!(!uses_regex::is_version(\"a.b.c\"));\n}\n",
    );
    let (code, _, err) = run_full(f.cargo("test").env("INTENT_OFFLINE", "1"));
    assert_eq!(code, 0, "{err}");

    // A dependency upgrade (the lock says another version was judged):
    // stale, checked again without the model, and recorded.
    let calls = model.calls();
    let older = lock.replace(&format!("regex = \"{version}\""), "regex = \"1.0.0\"");
    f.write("Intent.lock", &older);
    let (code, out, _) = run_full(&mut intent(&f, &["lock", "--check"]));
    assert_ne!(code, 0, "an upgraded crate left the lock fresh: {out}");
    let (_, out, _) = run_full(&mut intent(&f, &["status"]));
    assert!(out.contains("stale: crates"), "{out}");
    let (code, out, err) = run_full(&mut intent(&f, &["lock"]));
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(model.calls(), calls, "the model was asked again: {err}");
    assert_eq!(f.read("Intent.lock"), lock, "{err}");
}

#[test]
fn a_crate_the_spec_does_not_declare_is_refused_at_the_policy_with_the_key() {
    let model = ScriptedModel::answering(WITH_REGEX);
    let undeclared = IS_VERSION.replace("crates = [\"regex\"]\n", "");
    let f = package("undeclared_regex", &model, &[("is_version", &undeclared)]);
    // A target of its own: its report is read below.
    let target = tempfile::tempdir().unwrap();
    let (code, out, err) = run_full(intent(&f, &["lock"]).env("CARGO_TARGET_DIR", target.path()));
    assert_ne!(code, 0, "{out}\n{err}");
    let report =
        std::fs::read_to_string(target.path().join("intent/report.json")).unwrap_or_default();
    let all = format!("{out}\n{err}\n{report}");
    assert!(all.contains("policy"), "{all}");
    assert!(
        all.contains(r#"crates = [\"regex\"]"#) || all.contains(r#"crates = ["regex"]"#),
        "{all}"
    );
    let lock = std::fs::read_to_string(f.root.join("Intent.lock")).unwrap_or_default();
    assert!(!lock.contains("is_version"), "{lock}");
}

#[test]
fn a_spec_naming_a_crate_the_package_lacks_is_a_located_error_with_help() {
    let model = ScriptedModel::answering(WITH_REGEX);
    let chrono = IS_VERSION.replace("\"regex\"", "\"chrono\"");
    let f = package("lacks_chrono", &model, &[("is_version", &chrono)]);
    let (code, out, err) = run_full(&mut intent(&f, &["lock"]));
    assert_ne!(code, 0, "{out}");
    assert!(
        err.contains("intents/is_version.intent.toml:3:12: `crates` names `chrono`"),
        "{err}"
    );
    assert!(
        err.contains("\nhelp: add it to the package (`cargo add chrono`)"),
        "{err}"
    );
    assert_eq!(
        model.calls(),
        0,
        "the model was asked about an invalid spec"
    );
}
