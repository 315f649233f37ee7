//! Existing code brought under specs: nine functions of a published crate
//! (`stringcase` 0.2.1, in `fixtures/stringcase`) adopted with the crate's
//! own tests passing before and after, then ejected back to plain Rust with
//! the same behaviour; functions that cannot be adopted say why, where, and
//! nothing is written.

mod common;
use common::intent;
use intent_tests::{run_full, Fixture};

const MODULES: [&str; 3] = ["snake_case", "kebab_case", "camel_case"];

/// The fixture crate: the three modules of `stringcase` with their unit
/// tests and integration tests, re-exported as the published crate does.
fn stringcase() -> Fixture {
    let f = Fixture::with_manifest("stringcase", "", "[workspace]\n");
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stringcase");
    let mut lib = f.read("src/lib.rs");
    for module in MODULES {
        for (from, to) in [
            (format!("src/{module}.rs"), format!("src/{module}.rs")),
            (
                format!("tests/{module}_test.rs"),
                format!("tests/{module}_test.rs"),
            ),
        ] {
            f.write(&to, &std::fs::read_to_string(fixture.join(from)).unwrap());
        }
        lib.push_str(&format!("mod {module};\npub use {module}::*;\n"));
    }
    f.write("src/lib.rs", &lib);
    f
}

/// `cargo test` in the fixture: its exit code and the number of tests that
/// passed outside doctests (the crate's own unit and integration tests).
fn cargo_test(f: &Fixture) -> (i32, usize, String) {
    let (code, out, err) = run_full(f.cargo("test").env("INTENT_OFFLINE", "1").arg("--tests"));
    let passed = out
        .lines()
        .filter_map(|l| l.strip_prefix("test result: ok. "))
        .filter_map(|l| l.split(' ').next()?.parse::<usize>().ok())
        .sum();
    (code, passed, format!("{out}\n{err}"))
}

#[test]
fn nine_functions_of_a_published_crate_are_adopted_and_ejected_with_its_tests_passing() {
    let f = stringcase();
    let (code, before, out) = cargo_test(&f);
    assert_eq!(code, 0, "{out}");
    assert!(before >= 90, "{before} tests: {out}");
    let originals: Vec<String> = MODULES
        .iter()
        .map(|m| f.read(&format!("src/{m}.rs")))
        .collect();

    let mut adopted = Vec::new();
    for module in MODULES {
        let started = std::time::Instant::now();
        let (code, _, err) = run_full(&mut intent(
            &f,
            &["adopt", "--all", &format!("src/{module}.rs")],
        ));
        assert_eq!(code, 0, "{err}");
        eprintln!(
            "adopt --all src/{module}.rs: {:.1} s\n{err}",
            started.elapsed().as_secs_f64()
        );
        adopted.extend(
            err.lines()
                .filter(|l| l.trim_start().starts_with("Adopted"))
                .map(str::to_string),
        );
    }
    assert_eq!(adopted.len(), 9, "{adopted:#?}");
    let lock = f.read("Intent.lock");
    assert_eq!(lock.matches("author = \"adopted\"").count(), 9, "{lock}");
    let spec = f.read("intents/snake_case.intent.toml");
    assert!(
        spec.contains("signature = \"pub fn snake_case(input: &str) -> String\""),
        "{spec}"
    );
    assert!(spec.contains("Converts a string to snake case."), "{spec}");
    // The crate's own test calls come first, with what the function returned.
    assert!(
        spec.contains(
            "{ call = \"snake_case(\\\"abcDefGHIjk\\\")\", expect = \"\\\"abc_def_gh_ijk\\\"\" }"
        ),
        "{spec}"
    );
    let examples = spec.matches("{ call = ").count();
    assert!((2..=6).contains(&examples), "{spec}");
    let source = f.read("src/snake_case.rs");
    assert!(!source.contains("pub fn snake_case("), "{source}");
    assert!(source.contains("pub use crate::snake_case;"), "{source}");
    assert!(f
        .read("intents/snapshots/snake_case.behaviour")
        .contains("snake_case("));

    // The crate's tests pass unchanged, built offline from the lock.
    let (code, after, out) = cargo_test(&f);
    assert_eq!(code, 0, "{out}");
    assert_eq!(after, before, "{out}");
    let (code, out, _) = run_full(&mut intent(&f, &["status"]));
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.matches("adopted").count(), 9, "{out}");
    let (code, _, err) = run_full(&mut intent(&f, &["lock", "--locked"]));
    assert_eq!(code, 0, "{err}");

    // Eject: each function goes back where it was, with the same code.
    for module in MODULES {
        for suffix in ["", "_with_sep", "_with_keep"] {
            let (code, _, err) =
                run_full(&mut intent(&f, &["eject", &format!("{module}{suffix}")]));
            assert_eq!(code, 0, "{err}");
        }
    }
    for (module, original) in MODULES.iter().zip(&originals) {
        let restored = f.read(&format!("src/{module}.rs"));
        for function in original.split("\npub fn ").skip(1) {
            let body = &function[..function.find("\n}\n").unwrap() + 2];
            assert!(
                restored.contains(body),
                "{module}: `pub fn {body}` is not back:\n{restored}"
            );
        }
        assert!(!restored.contains("is an intent now"), "{restored}");
    }
    assert!(!f.root.join("intents/snake_case.intent.toml").exists());
    assert!(
        !f.read("Intent.lock").contains("[[intent]]"),
        "{}",
        f.read("Intent.lock")
    );
    let (code, ejected, out) = cargo_test(&f);
    assert_eq!(code, 0, "{out}");
    assert!(
        ejected > before,
        "the examples are tests now: {ejected} against {before}\n{out}"
    );
}

#[test]
fn what_cannot_be_adopted_is_refused_with_where_and_why_and_nothing_is_written() {
    let f = Fixture::with_manifest("adopt_refused", "", "[workspace]\n");
    let extra = "pub fn generic<T: Clone>(t: &T) -> T {\n    t.clone()\n}\n\npub struct Counter;\n\nimpl Counter {\n    pub fn bump(&self, n: u32) -> u32 {\n        n + 1\n    }\n}\n\n/// Seconds since `since`.\npub fn elapsed(since: u64) -> u64 {\n    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);\n    now.map_or(0, |d| d.as_secs()).saturating_sub(since)\n}\n";
    f.write("src/extra.rs", extra);
    let lib = f.read("src/lib.rs");
    f.write(
        "src/lib.rs",
        &format!("{lib}mod extra;\npub use extra::*;\n"),
    );
    for (target, says) in [
        (
            "src/extra.rs::generic",
            "src/extra.rs:1:8: `generic` is generic",
        ),
        ("src/extra.rs::bump", "src/extra.rs:8:5: `bump` is a method"),
        ("src/extra.rs::elapsed", "fails the policy gate: the code `std::time::SystemTime::now` reaches the clock (line 2), which only a spec with `capabilities = [\"clock\"]` allows"),
        ("src/extra.rs::missing", "no free function `missing`"),
        ("src/extra.rs", "names no function"),
    ] {
        let (code, _, err) = run_full(&mut intent(&f, &["adopt", target]));
        assert_ne!(code, 0, "{target}: {err}");
        assert!(err.contains(says), "{target}: {err}");
        assert!(err.contains("help:"), "{target}: {err}");
        assert_eq!(f.read("src/extra.rs"), extra);
        assert!(!f
            .root
            .join("intents")
            .join("size_of_file.intent.toml")
            .exists());
        assert!(
            !f.root.join("Intent.lock").exists() || !f.read("Intent.lock").contains("[[intent]]")
        );
    }
    let (code, _, err) = run_full(&mut intent(&f, &["adopt", "--all", "src/extra.rs"]));
    assert_eq!(code, 1, "{err}");
    assert_eq!(err.matches("Skipped").count(), 2, "{err}");
    assert_eq!(f.read("src/extra.rs"), extra);

    // A function that calls another of its file, not an intent.
    let helped = "pub fn twice(n: i32) -> i32 {\n    helper(n) * 2\n}\n\nfn helper(n: i32) -> i32 {\n    n\n}\n";
    f.write("src/helped.rs", helped);
    let lib = f.read("src/lib.rs");
    f.write(
        "src/lib.rs",
        &format!("{lib}mod helped;\npub use helped::*;\n"),
    );
    let (code, _, err) = run_full(&mut intent(&f, &["adopt", "src/helped.rs::twice"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("`twice` fails the compile gate"), "{err}");
    assert!(err.contains("help: an intent sees only std"), "{err}");
    assert_eq!(f.read("src/helped.rs"), helped);
    assert!(!f.root.join("intents/twice.intent.toml").exists());

    // A function without a doc comment is adopted with a TODO description,
    // which a model is never sent.
    f.write(
        "src/more.rs",
        "pub fn add_one(n: i32) -> i32 {\n    n + 1\n}\n",
    );
    let lib = f.read("src/lib.rs");
    f.write("src/lib.rs", &format!("{lib}mod more;\npub use more::*;\n"));
    let (code, _, err) = run_full(&mut intent(&f, &["adopt", "src/more.rs::add_one"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("`add_one` has no doc comment"), "{err}");
    assert!(f.read("intents/add_one.intent.toml").contains("TODO"));
    let (code, _, err) = run_full(&mut intent(&f, &["lock", "--force", "add_one"]));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("intents/add_one.intent.toml:5:1: the description is a TODO"),
        "{err}"
    );
    assert!(err.contains("help: say what `add_one` must do"), "{err}");
    let (code, _, err) = run_full(f.cargo("test").env("INTENT_OFFLINE", "1"));
    assert_eq!(code, 0, "{err}");
}
