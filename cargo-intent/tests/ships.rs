//! What the gates judge is what ships. Hostile candidates served by a
//! scripted model through `cargo intent lock`, then the crate built and
//! tested as its user would (`cargo test`, doctests included, and
//! `cargo test --release`): no candidate may leave a trace there — no file
//! written, no wrong answer in either profile, no model-written doctest run.
//! And `cargo intent verify` refuses the same code when it is planted in the
//! lock as if an older `cargo-intent` had accepted it.

use std::path::PathBuf;

mod common;
use common::intent;
use intent_tests::{run_full, tree, Fixture, ScriptedModel};

/// A spec for `NAME(a: i32, b: i32) -> i32`, the sum, with `extra` lines.
fn spec(name: &str, extra: &str) -> String {
    format!(
        "signature = \"pub fn {name}(a: i32, b: i32) -> i32\"\ndescription = \"The sum of a and b.\"\n\
         examples = [{{ call = \"{name}(2, 3)\", expect = \"5\" }}, {{ call = \"{name}(-1, 1)\", expect = \"0\" }}]\n{extra}"
    )
}

/// Hostile candidates: (intent, code with MARKER for the trap file, what
/// the refusal must say). Each is right wherever the gates look and wrong
/// or harmful somewhere else in the user's build.
const HOSTILE: &[(&str, &str, &str)] = &[
    (
        "cfg_write",
        "pub fn cfg_write(a: i32, b: i32) -> i32 {\n    #[cfg(not(test))]\n    {\n        let _ = std::fs::write(\"MARKER\", \"cfg(not(test))\");\n    }\n    a + b\n}",
        "`#[cfg]` is a configuration predicate",
    ),
    (
        "cfg_wrong",
        "pub fn cfg_wrong(a: i32, b: i32) -> i32 {\n    if cfg!(test) { a + b } else { a - b }\n}",
        "`cfg!` is a configuration predicate",
    ),
    (
        "release_wrong",
        "pub fn release_wrong(a: i32, b: i32) -> i32 {\n    if cfg!(debug_assertions) { a + b } else { a - b }\n}",
        "`cfg!` is a configuration predicate",
    ),
    (
        "debug_oracle",
        "pub fn debug_oracle(a: i32, b: i32) -> i32 {\n    let mut debug = false;\n    debug_assert!({ debug = true; true });\n    if debug { a + b } else { a - b }\n}",
        "`debug_assert!` is a configuration predicate",
    ),
    (
        "overflow_oracle",
        "pub fn overflow_oracle(a: i32, b: i32) -> i32 {\n    let debug = std::panic::catch_unwind(|| std::hint::black_box(255u8) + 1).is_err();\n    if debug { a + b } else { a - b }\n}",
        "`std::panic::catch_unwind` reaches a caught panic",
    ),
    (
        "time_bomb",
        "pub fn time_bomb(a: i32, b: i32) -> i32 {\n    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();\n    if now > 1_900_000_000 { a - b } else { a + b }\n}",
        "`std::time::SystemTime::now` reaches the clock (line 2), which only a spec with `capabilities = [\"clock\"]` allows",
    ),
    (
        "call_counter",
        "static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);\npub fn call_counter(a: i32, b: i32) -> i32 {\n    if CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) > 100_000 { a - b } else { a + b }\n}",
        "reaches state shared between calls or threads",
    ),
    (
        "macro_test",
        "macro_rules! t {\n    ($i:item) => { #[test] $i };\n}\nt! { fn hidden() { let _ = std::fs::write(\"MARKER\", \"test\"); } }\npub fn macro_test(a: i32, b: i32) -> i32 {\n    a + b\n}",
        "a `#` inside a macro",
    ),
    (
        "macro_doc",
        "macro_rules! documented {\n    ($a:meta, $i:item) => { #[$a] $i };\n}\ndocumented!(doc = \"```\\nstd::fs::write(\\\"MARKER\\\", \\\"doctest\\\").unwrap();\\n```\", pub fn helper() {});\npub fn macro_doc(a: i32, b: i32) -> i32 {\n    helper();\n    a + b\n}",
        "a `#` inside a macro",
    ),
    (
        "address_bomb",
        "pub fn address_bomb(a: i32, b: i32) -> i32 {\n    let page = (&a as *const i32 as usize) >> 12;\n    if page & 0xff == 0x42 { a - b } else { a + b }\n}",
        "a pointer cast to an integer reaches a memory address",
    ),
    (
        "prints",
        "pub fn prints(a: i32, b: i32) -> i32 {\n    println!(\"adding\");\n    a + b\n}",
        "`std::io::_print` reaches the standard streams",
    ),
];

/// Accepted, with its model-written doc comment (a doctest that would
/// write the marker) stripped.
const DOCTEST: &str = "/// Adds.\n///\n/// ```\n/// std::fs::write(\"MARKER\", \"doctest\").unwrap();\n/// ```\npub fn doc_example(a: i32, b: i32) -> i32 {\n    #![doc = \"```\\nstd::fs::write(\\\"MARKER\\\", \\\"inner\\\").unwrap();\\n```\"]\n    a + b\n}";

/// Accepted, because its spec declares the clock.
const TIMED: &str =
    "pub fn timed(a: i32, b: i32) -> i32 {\n    let _started = std::time::Instant::now();\n    a + b\n}";

struct Trap {
    _dir: tempfile::TempDir,
    marker: PathBuf,
}

impl Trap {
    fn new() -> Trap {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("marker");
        Trap { _dir: dir, marker }
    }

    fn code(&self, template: &str) -> String {
        template.replace("MARKER", &self.marker.display().to_string())
    }

    fn assert_untouched(&self, when: &str) {
        assert!(
            !self.marker.exists(),
            "{when}: the marker was written: {:?}",
            std::fs::read_to_string(&self.marker)
        );
    }
}

#[test]
fn hostile_candidates_leave_no_trace_in_the_users_build() {
    let trap = Trap::new();
    let mut answers: Vec<(String, String)> = HOSTILE
        .iter()
        .map(|(name, code, _)| (name.to_string(), trap.code(code)))
        .collect();
    answers.push(("doc_example".into(), trap.code(DOCTEST)));
    answers.push(("timed".into(), TIMED.into()));
    let pairs: Vec<(&str, &str)> = answers
        .iter()
        .map(|(n, c)| (n.as_str(), c.as_str()))
        .collect();
    let model = ScriptedModel::answering_by_name(&pairs);
    let meta = format!(
        "\n[package.metadata.intent]\nrepair-rounds = 0\n\n{}",
        model.provider_table()
    );
    let f = Fixture::with_manifest("ships", &meta, "[workspace]\n");
    for (name, _, _) in HOSTILE {
        f.write(&format!("intents/{name}.intent.toml"), &spec(name, ""));
    }
    f.write("intents/doc_example.intent.toml", &spec("doc_example", ""));
    f.write(
        "intents/timed.intent.toml",
        &spec("timed", "capabilities = [\"clock\"]\n"),
    );

    let (code, out, err) = run_full(&mut intent(&f, &["lock"]));
    assert_eq!(code, 1, "{out}{err}");
    trap.assert_untouched("cargo intent lock");
    for (name, _, reason) in HOSTILE {
        let line = err
            .lines()
            .chain(out.lines())
            .find(|l| l.contains(&format!("intent `{name}`")) && l.contains("no candidate passed"))
            .unwrap_or_else(|| panic!("{name} was not refused:\n{out}{err}"));
        assert!(line.contains("(last gate: policy)"), "{line}");
        assert!(line.contains(reason), "{name}: {line}");
    }
    let lock = f.read("Intent.lock");
    assert!(lock.contains("name = \"doc_example\""), "{lock}");
    assert!(
        lock.contains("name = \"timed\"") && lock.contains("capabilities = [\"clock\"]"),
        "{lock}"
    );
    let snapshot = f.read("intents/snapshots/doc_example.snap");
    assert!(
        !snapshot.contains("```") && !snapshot.contains("///") && !snapshot.contains("#!["),
        "{snapshot}"
    );
    let (code, status, _) = run_full(&mut intent(&f, &["status"]));
    assert_eq!(code, 1, "refused intents are missing: {status}");
    let timed = status
        .lines()
        .find(|l| l.split_whitespace().next() == Some("timed"))
        .unwrap();
    assert!(timed.contains("+clock"), "{status}");

    // The user keeps what was accepted and builds it as they would.
    for (name, _, _) in HOSTILE {
        std::fs::remove_file(f.root.join(format!("intents/{name}.intent.toml"))).unwrap();
    }
    f.write(
        "tests/calls.rs",
        "#[test]\nfn sums() {\n    for (a, b) in [(2, 3), (-1, 1), (40, 2), (-7, -8)] {\n        assert_eq!(ships::doc_example(a, b), a + b);\n        assert_eq!(ships::timed(a, b), a + b);\n    }\n}\n",
    );
    for profile in [&[][..], &["--release"][..]] {
        let (code, out, err) = run_full(f.cargo("test").args(profile).env("CI", "true"));
        assert_eq!(code, 0, "cargo test {profile:?}: {out}{err}");
        // The integration test, then the doctests: one per accepted intent,
        // the spec's examples, and nothing the model wrote.
        let results: Vec<&str> = out
            .lines()
            .filter(|l| l.starts_with("test result:"))
            .collect();
        assert!(
            results
                .iter()
                .any(|l| l.starts_with("test result: ok. 1 passed")),
            "{out}"
        );
        assert!(
            results
                .last()
                .unwrap()
                .starts_with("test result: ok. 2 passed"),
            "{out}"
        );
        trap.assert_untouched(&format!("cargo test {profile:?}"));
    }
}

#[test]
fn verify_refuses_hostile_code_an_older_version_accepted_and_changes_nothing_when_locked() {
    let trap = Trap::new();
    let f = Fixture::new("planted");
    for (name, code, _) in HOSTILE {
        f.write(&format!("intents/{name}.intent.toml"), &spec(name, ""));
        f.accept(&format!("intents/{name}.intent.toml"), &trap.code(code));
    }
    f.write("intents/doc_example.intent.toml", &spec("doc_example", ""));
    f.accept("intents/doc_example.intent.toml", &trap.code(DOCTEST));
    let before = tree(&f.root);

    let (code, out, err) = run_full(&mut intent(&f, &["verify", "--locked"]));
    assert_eq!(code, 1, "{out}{err}");
    trap.assert_untouched("cargo intent verify --locked");
    assert_eq!(tree(&f.root), before, "--locked wrote to the crate");
    for (name, _, reason) in HOSTILE {
        let line = out
            .lines()
            .find(|l| l.contains(&format!("planted::{name}:")))
            .unwrap_or_else(|| panic!("{name} not reported:\n{out}"));
        assert!(line.trim_start().starts_with("Refused"), "{line}");
        assert!(line.contains(reason), "{name}: {line}");
    }
    let doc = out
        .lines()
        .find(|l| l.contains("planted::doc_example"))
        .unwrap();
    assert!(
        doc.contains("Refused") && doc.contains("model-written documentation"),
        "{doc}"
    );
    assert!(err.contains("help: regenerate it with"), "{err}");

    // Without --locked: the documentation goes, the behaviour is pinned,
    // and the lock records the stripped code.
    let (code, out, err) = run_full(&mut intent(&f, &["verify", "doc_example"]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("(behaviour pinned now); model-written documentation stripped"),
        "{out}"
    );
    let snapshot = f.read("intents/snapshots/doc_example.snap");
    assert!(!snapshot.contains("```"), "{snapshot}");
    // Accepted before confidence was recorded: what this judgement vouched
    // for, with no candidates counted, and `status` says so.
    let lock = f.read("Intent.lock");
    let entry = &lock[lock.find("name = \"doc_example\"").unwrap()..];
    assert!(
        entry.contains("confidence = { agreed = 0, passed = 0, decoded = 0, examples = "),
        "{lock}"
    );
    // Where its spec is silent, measured from its mutants and recorded.
    let figure = out
        .split("; adequacy ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next());
    let (ruled_out, judged) = figure.and_then(|f| f.split_once('/')).expect(&out);
    let entry_end = entry.find("\n\n").unwrap_or(entry.len());
    assert!(
        entry[..entry_end].contains(&format!("adequacy = [{ruled_out}, {judged}]")),
        "{lock}"
    );
    let (_, status, _) = run_full(&mut intent(&f, &["status"]));
    let row = status.lines().find(|l| l.contains("doc_example")).unwrap();
    assert!(row.contains("verified · "), "{status}");
    assert!(f
        .root
        .join("intents/snapshots/doc_example.behaviour")
        .exists());
    let (code, out, err) = run_full(&mut intent(&f, &["verify", "--locked", "doc_example"]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("behaviour as pinned"), "{out}");
    let (code, out, err) = run_full(&mut intent(&f, &["lock", "--check"]));
    trap.assert_untouched("after verify");
    // The hostile ones are still in the lock; doc_example is fresh.
    assert!(!out.contains("doc_example"), "{out}{err}");
    let _ = code;
}
