//! `cargo build` on real fixture crates: the offline fast path and the
//! errors users see when an intent is stale.

use intent_tests::{run, tree, Fixture, ScriptedModel};

const ADD_SPEC: &str = r#"signature = "pub fn add(a: i32, b: i32) -> i32"
description = "The sum of a and b."
examples = [{ call = "add(2, 3)", expect = "5" }]
"#;

const ADD_CODE: &str = "pub fn add(a: i32, b: i32) -> i32 {\n    a + b\n}";

const NORM_SPEC: &str = r#"# name: normalize2d
# target: rust
# description: Normalise a 2D vector.
# signature: pub fn normalize2d(x: f64, y: f64) -> Normalized
# prelude:
```rust
#[derive(Debug, PartialEq)]
pub struct Normalized { pub mag: f64, pub nx: f64, pub ny: f64 }
```
# examples:
- in: {"x":3,"y":4} out: {"mag":5,"nx":0.6,"ny":0.8}
"#;

const NORM_CODE: &str = "pub fn normalize2d(x: f64, y: f64) -> Normalized {\n    let mag = (x * x + y * y).sqrt();\n    Normalized { mag, nx: x / mag, ny: y / mag }\n}";

fn host_triple() -> String {
    let out = std::process::Command::new("rustc")
        .arg("-vV")
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("rustc -vV names the host")
        .to_string()
}

/// A crate with two accepted intents and a test that calls both.
fn fresh_fixture(name: &str) -> Fixture {
    let f = Fixture::new(name);
    f.write("intents/add.intent.toml", ADD_SPEC);
    f.write("intents/normalize2d.intent.md", NORM_SPEC);
    f.accept("intents/add.intent.toml", ADD_CODE);
    f.accept("intents/normalize2d.intent.md", NORM_CODE);
    f.write(
        "tests/uses.rs",
        "#[test]\nfn calls() {\n    assert_eq!(fresh::add(2, 3), 5);\n    assert_eq!(fresh::normalize2d(3.0, 4.0).mag, 5.0);\n}\n",
    );
    f
}

#[test]
fn fresh_lock_builds_in_ci_without_a_model_and_writes_only_out_dir() {
    let f = fresh_fixture("fresh");
    let before = tree(&f.root);
    let (ok, out) = run(f
        .cargo("test")
        .env("CI", "true")
        .env("INTENT_HOME", "/nonexistent"));
    assert!(ok, "{out}");
    assert_eq!(tree(&f.root), before, "the build wrote outside OUT_DIR");
}

#[test]
fn accepted_code_adds_no_warnings_to_the_users_build() {
    let f = Fixture::new("quiet");
    f.write("intents/add.intent.toml", ADD_SPEC);
    // Shapes the default model really writes: a deprecated import, a
    // needless `mut`, an unused binding.
    f.accept(
        "intents/add.intent.toml",
        "use std::ascii::AsciiExt;\nuse std::collections::HashSet;\npub fn add(a: i32, b: i32) -> i32 {\n    let mut sum = a + b;\n    let unused = 0;\n    sum\n}",
    );
    let (ok, out) = run(f.cargo("build").env("CI", "true"));
    assert!(ok, "{out}");
    assert!(!out.contains("warning"), "{out}");
}

#[test]
fn spec_edit_fails_the_build_with_what_changed_and_the_fix() {
    let f = fresh_fixture("edited_spec");
    let (ok, out) = run(f.cargo("build").env("CI", "true"));
    assert!(ok, "{out}");
    f.write(
        "intents/add.intent.toml",
        &ADD_SPEC.replace("The sum", "The total"),
    );
    let (ok, out) = run(f.cargo("build").env("CI", "true"));
    assert!(!ok, "{out}");
    assert!(
        out.contains(
            "error: edited_spec@0.1.0: intent `add` is stale: spec changed (spec hash sha256:"
        ),
        "{out}"
    );
    assert!(
        out.contains("regeneration is off because CI is set. Run `cargo intent lock -p edited_spec` and commit Intent.lock and intents/snapshots/"),
        "{out}"
    );
    assert!(
        !out.contains("`normalize2d`"),
        "only the changed intent is named:\n{out}"
    );
}

#[test]
fn reformatting_a_spec_keeps_it_fresh_and_rewrites_nothing() {
    let f = fresh_fixture("reformatted");
    let (ok, out) = run(f.cargo("build").env("CI", "true"));
    assert!(ok, "{out}");
    let generated = find_out_file(&f, "add.rs");
    let modified = std::fs::metadata(&generated).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(50));
    f.write(
        "intents/add.intent.toml",
        &format!(
            "# reformatted\n{}",
            ADD_SPEC.replace("add(2, 3)", "add( 2,3 )")
        ),
    );
    let (ok, out) = run(f.cargo("build").env("CI", "true"));
    assert!(ok, "{out}");
    assert_eq!(
        std::fs::metadata(&generated).unwrap().modified().unwrap(),
        modified
    );
}

#[test]
fn hand_edited_snapshot_is_caught() {
    let f = fresh_fixture("hand_edited");
    let snap = f.read("intents/snapshots/add.snap");
    f.write(
        "intents/snapshots/add.snap",
        &snap.replace("a + b", "a - b"),
    );
    let (ok, out) = run(f.cargo("build").env("CI", "true"));
    assert!(!ok, "{out}");
    assert!(
        out.contains("error: hand_edited@0.1.0: intent `add`: accepted code in intents/snapshots/add.snap was edited by hand (lock has sha256:"),
        "{out}"
    );
    assert!(
        out.contains("restore it with `git checkout -- intents/snapshots/add.snap`"),
        "{out}"
    );
}

#[test]
fn new_intent_without_a_lock_entry_is_reported_as_missing() {
    let f = fresh_fixture("missing_entry");
    f.write(
        "intents/sub.intent.toml",
        &ADD_SPEC
            .replace("add", "sub")
            .replace("sum", "difference")
            .replace("5", "-1"),
    );
    let (ok, out) = run(f.cargo("build").env("INTENT_OFFLINE", "1"));
    assert!(!ok, "{out}");
    assert!(
        out.contains("error: missing_entry@0.1.0: intent `sub` is stale: has no entry in Intent.lock; regeneration is off because INTENT_OFFLINE=1."),
        "{out}"
    );
}

#[test]
fn without_cargo_intent_installed_the_error_says_how_to_install_it() {
    let f = fresh_fixture("no_engine");
    f.write(
        "intents/add.intent.toml",
        &ADD_SPEC.replace("The sum", "The total"),
    );
    // No INTENT_CARGO_INTENT, and a PATH with the toolchain and the system's
    // programs only (a developer's ~/.cargo/bin may hold an installed one).
    let sysroot = std::process::Command::new("rustc")
        .args(["--print", "sysroot"])
        .output()
        .unwrap();
    let toolchain =
        std::path::PathBuf::from(String::from_utf8(sysroot.stdout).unwrap().trim()).join("bin");
    let path = std::env::join_paths([toolchain, "/usr/bin".into(), "/bin".into()]).unwrap();
    let (ok, out) = run(f
        .cargo("build")
        .env_remove("INTENT_CARGO_INTENT")
        .env("PATH", path));
    assert!(!ok, "{out}");
    assert!(
        out.contains("intent `add` is stale: spec changed (spec hash "),
        "{out}"
    );
    assert!(
        out.contains("regenerating in `cargo build` needs the `cargo-intent` command, which is not installed (install it with `cargo install cargo-intent`, or set INTENT_CARGO_INTENT to its path)"),
        "{out}"
    );
    // A wrong INTENT_CARGO_INTENT is named as such, not searched around.
    let (ok, out) = run(f
        .cargo("build")
        .env("INTENT_CARGO_INTENT", "/nonexistent/cargo-intent"));
    assert!(!ok, "{out}");
    assert!(
        out.contains("INTENT_CARGO_INTENT names /nonexistent/cargo-intent, which is not a file"),
        "{out}"
    );
}

#[test]
fn bad_spec_fails_the_build_with_its_position() {
    let f = fresh_fixture("bad_spec");
    f.write(
        "intents/add.intent.toml",
        &ADD_SPEC.replace("a: i32, b: i32", "a: i32, b i32"),
    );
    let (ok, out) = run(f.cargo("build").env("CI", "true"));
    assert!(!ok, "{out}");
    assert!(
        out.contains(
            "error: bad_spec@0.1.0: intents/add.intent.toml:1:35: signature does not parse"
        ),
        "{out}"
    );
}

#[test]
fn future_lock_version_fails_the_build_and_is_left_alone() {
    let f = fresh_fixture("future_lock");
    let lock = f.read("Intent.lock").replace("version = 1", "version = 7");
    f.write("Intent.lock", &lock);
    let (ok, out) = run(f.cargo("build").env("CI", "true"));
    assert!(!ok, "{out}");
    assert!(
        out.contains("Intent.lock: has version 7, but this intent-build reads version 1"),
        "{out}"
    );
    assert_eq!(f.read("Intent.lock"), lock);
}

fn find_out_file(f: &Fixture, name: &str) -> std::path::PathBuf {
    let build = intent_tests::workspace_root().join("target/fixtures/debug/build");
    for entry in std::fs::read_dir(build).unwrap() {
        let dir = entry.unwrap().path();
        let dir_name = dir.file_name().unwrap().to_string_lossy().to_string();
        let candidate = dir.join("out/intents").join(name);
        if dir_name.starts_with(&format!("{}-", f.name)) && candidate.exists() {
            return candidate;
        }
    }
    panic!("no OUT_DIR file {name} for {}", f.name);
}

/// A crate with the `add` intent whose build script may regenerate through a
/// scripted provider that always answers `code`, with `settings` before the
/// provider table. Deleting the model's reply file takes the provider away.
fn answering_crate(name: &str, settings: &str, code: &str) -> (Fixture, ScriptedModel) {
    let model = ScriptedModel::answering(code);
    let meta = format!("\n{settings}{}", model.provider_table());
    let f = Fixture::with_manifest(name, &meta, "[workspace]\n");
    f.write("intents/add.intent.toml", ADD_SPEC);
    (f, model)
}

#[test]
fn cargo_build_regenerates_through_a_configured_provider_and_lock_adopts_it() {
    let (f, model) = answering_crate("implicit", "", ADD_CODE);
    f.write(
        "tests/uses.rs",
        "#[test]\nfn calls() {\n    assert_eq!(implicit::add(2, 3), 5);\n}\n",
    );
    // `--target` (the host's, so it runs here) nests the build under
    // `target/<triple>/`; the pending result must still land where
    // `cargo intent lock` looks. Not --quiet: Cargo shows build-script
    // warnings only then.
    let host = host_triple();
    let (ok, out) = run(f
        .command(std::path::Path::new(env!("CARGO")))
        .args(["build", "--target", &host]));
    assert!(ok, "{out}");
    assert!(out.contains("intent `add` was regenerated by this build but not recorded; run `cargo intent lock -p implicit`"), "{out}");
    let (ok, out) = run(f.cargo("test").args(["--target", &host]));
    assert!(ok, "the regenerated code is compiled in: {out}");
    assert!(
        !f.root.join("Intent.lock").exists(),
        "the build must not write the lock without update-lock"
    );

    // `cargo intent lock` adopts the build's result: the provider is gone, so
    // any model call would fail.
    std::fs::remove_file(&model.reply).unwrap();
    let project =
        intent_build::project::Project::open("implicit", &f.root.join("Cargo.toml")).unwrap();
    let options = intent_build::ops::lock::LockOptions {
        names: Vec::new(),
        force: false,
        locked: false,
        offline: false,
        verbose: false,
        intent_dir: intent_tests::workspace_root().join("target/fixtures/intent"),
        cancel: None,
        pending_only: false,
        allow_behaviour_change: false,
        cores: Default::default(),
        answered: Default::default(),
    };
    let env = intent_build::env::Env::default();
    let summary = intent_build::ops::lock::lock(
        &project,
        &options,
        &env,
        &intent_build::progress::Progress::hidden(),
    )
    .unwrap();
    let adopted: Vec<&str> = summary
        .names(|s| *s == intent_build::ops::lock::Settled::Adopted)
        .collect();
    assert_eq!(adopted, ["add"], "{summary:?}");
    assert!(f.read("intents/snapshots/add.snap").contains("a + b"));
    let (ok, out) = run(f.cargo("build").env("CI", "true"));
    assert!(ok, "{out}");
}

#[test]
fn a_failing_regeneration_in_cargo_build_changes_nothing() {
    let (f, _model) = answering_crate(
        "wrong_answer",
        "[package.metadata.intent]\nrepair-rounds = 1\nupdate-lock = true\n\n",
        "pub fn add(a: i32, b: i32) -> i32 { a - b }",
    );
    let (ok, out) = run(&mut f.cargo("build"));
    assert!(!ok, "{out}");
    assert!(
        out.contains(
            "`cargo intent` could not regenerate it: intent `add`: no candidate passed (last gate: examples): example 0: `add(2, 3)` returned -1, expected 5"
        ),
        "{out}"
    );
    assert!(!f.root.join("Intent.lock").exists());
    assert!(!f.root.join("intents/snapshots").exists());
}

#[test]
fn specs_document_their_functions_and_their_examples_run_as_doctests() {
    let f = fresh_fixture("documented");
    let (ok, out) = run(f.cargo("test").args(["--doc"]).env("CI", "true"));
    assert!(ok, "{out}");
    assert!(out.contains("test result: ok. 2 passed"), "{out}");
    let source = std::fs::read_to_string(find_out_file(&f, "add.rs")).unwrap();
    assert!(
        source.contains("/// # Examples\n///\n/// ```\n/// use documented::*;\n"),
        "{source}"
    );
    assert!(
        source.contains("\n/// assert_eq!(add(2, 3), 5);\n"),
        "{source}"
    );
    // `cargo doc` shows them at the crate root, without warnings.
    let (ok, out) = run(f.cargo("doc").args(["--no-deps"]).env("CI", "true"));
    assert!(ok, "{out}");
    assert!(!out.contains("warning"), "{out}");
    let page = std::fs::read_to_string(
        intent_tests::workspace_root().join("target/fixtures/doc/documented/fn.add.html"),
    )
    .unwrap();
    assert!(
        page.contains("The sum of a and b"),
        "the description is the doc"
    );
    // The snapshot keeps the bare code; `docs = false` leaves the docs out.
    assert!(!f.read("intents/snapshots/add.snap").contains("///"));
    let manifest = f.read("Cargo.toml");
    f.write(
        "Cargo.toml",
        &manifest.replacen("\n\n", "\n\n[package.metadata.intent]\ndocs = false\n\n", 1),
    );
    let (ok, out) = run(f.cargo("build").env("CI", "true"));
    assert!(ok, "{out}");
    let source = std::fs::read_to_string(find_out_file(&f, "add.rs")).unwrap();
    assert!(!source.contains("///"), "{source}");
}
