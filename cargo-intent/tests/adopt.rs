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

/// `cargo test` in the fixture, offline: its exit code, the number of
/// tests that passed, and what it printed. `which` is `--tests` (the
/// crate's unit and integration tests) or `--doc` (its doctests).
fn cargo_test(f: &Fixture, which: &str) -> (i32, usize, String) {
    let (code, out, err) = run_full(f.cargo("test").env("INTENT_OFFLINE", "1").arg(which));
    let passed = out
        .lines()
        .filter_map(|l| l.strip_prefix("test result: ok. "))
        .filter_map(|l| l.split(' ').next()?.parse::<usize>().ok())
        .sum();
    (code, passed, format!("{out}\n{err}"))
}

/// The newest module the fixture's build script wrote for intent `name`.
fn generated(name: &str) -> String {
    let build = intent_tests::workspace_root().join("target/fixtures/debug/build");
    let newest = std::fs::read_dir(build)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("stringcase-"))
        .map(|e| e.path().join(format!("out/intents/{name}.rs")))
        .filter(|p| p.exists())
        .max_by_key(|p| p.metadata().unwrap().modified().unwrap())
        .unwrap();
    std::fs::read_to_string(newest).unwrap()
}

#[test]
fn nine_documented_functions_are_adopted_and_ejected_with_every_test_and_doctest_passing() {
    let f = stringcase();
    // One file with Windows line endings: eject gives them back too.
    let crlf = f.read("src/camel_case.rs").replace('\n', "\r\n");
    f.write("src/camel_case.rs", &crlf);
    let (code, before, out) = cargo_test(&f, "--tests");
    assert_eq!(code, 0, "{out}");
    assert!(before >= 90, "{before} tests: {out}");
    let (code, doc_before, out) = cargo_test(&f, "--doc");
    assert_eq!(code, 0, "{out}");
    assert!(doc_before >= 11, "{doc_before} doctests: {out}");
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
    // The doc comment as written, its fence and indented code included.
    assert!(
        spec.contains("description = '''\nConverts a string to snake case.\n\nThis function takes a string slice as its argument, then returns a `String`\nof which"),
        "{spec}"
    );
    assert!(
        spec.contains("\n```rust\n    let snake = stringcase::snake_case(\"fooBarBaz\");\n"),
        "{spec}"
    );
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

    // The crate's tests and doctests pass, built offline from the lock: the
    // adopted docs' own examples run as they did, beside the spec's.
    let (code, after, out) = cargo_test(&f, "--tests");
    assert_eq!(code, 0, "{out}");
    assert_eq!(after, before, "{out}");
    let (code, doc_after, out) = cargo_test(&f, "--doc");
    assert_eq!(code, 0, "{out}");
    assert!(
        doc_after >= doc_before + 9,
        "{doc_after} doctests against {doc_before}: {out}"
    );
    let documented = generated("snake_case_with_keep");
    assert!(
        documented.contains("/// ```should_panic\n/// # use stringcase::snake_case_with_keep;\n"),
        "{documented}"
    );
    assert!(
        documented.contains("/// are replaced to underscores.  \n/// Kept characters"),
        "{documented}"
    );
    assert!(
        documented.contains(
            "/// *The crate's own code, adopted under `intents/snake_case_with_keep.intent.toml`"
        ),
        "{documented}"
    );
    assert!(!documented.contains("language model"), "{documented}");
    let (code, out, _) = run_full(&mut intent(&f, &["status"]));
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.matches("adopted").count(), 9, "{out}");
    let (code, _, err) = run_full(&mut intent(&f, &["lock", "--locked"]));
    assert_eq!(code, 0, "{err}");

    // Eject: each file comes back byte for byte, its examples modules added
    // at the end in the file's own line endings.
    for module in MODULES {
        for suffix in ["", "_with_sep", "_with_keep"] {
            let (code, _, err) =
                run_full(&mut intent(&f, &["eject", &format!("{module}{suffix}")]));
            assert_eq!(code, 0, "{err}");
        }
    }
    for (module, original) in MODULES.iter().zip(&originals) {
        let restored = f.read(&format!("src/{module}.rs"));
        let added = restored.strip_prefix(original.as_str()).unwrap_or_else(|| {
            let same = original
                .bytes()
                .zip(restored.bytes())
                .take_while(|(a, b)| a == b)
                .count();
            panic!(
                "{module}: differs at byte {same}: {:?}",
                &restored[same.saturating_sub(80)..(same + 80).min(restored.len())]
            )
        });
        assert_eq!(
            added.matches("#[cfg(test)]").count(),
            3,
            "{module}: {added}"
        );
        assert!(!added.contains("pub fn"), "{module}: {added}");
        if *module == "camel_case" {
            assert!(
                !added.replace("\r\n", "").contains('\n'),
                "CRLF throughout: {added:?}"
            );
        }
    }
    assert!(!f.root.join("intents/snake_case.intent.toml").exists());
    assert!(
        !f.read("Intent.lock").contains("[[intent]]"),
        "{}",
        f.read("Intent.lock")
    );
    let (code, ejected, out) = cargo_test(&f, "--tests");
    assert_eq!(code, 0, "{out}");
    assert!(
        ejected > before,
        "the examples are tests now: {ejected} against {before}\n{out}"
    );
    let (code, doc_ejected, out) = cargo_test(&f, "--doc");
    assert_eq!(code, 0, "{out}");
    assert_eq!(doc_ejected, doc_before, "{out}");
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
    // With --all, callees come first: the chain is adopted in one run.
    let (code, _, err) = run_full(&mut intent(&f, &["adopt", "--all", "src/helped.rs"]));
    assert_eq!(code, 0, "{err}");
    let order: Vec<&str> = err
        .lines()
        .filter(|l| l.trim_start().starts_with("Adopted"))
        .collect();
    assert_eq!(order.len(), 2, "{err}");
    assert!(
        order[0].contains("::helper as") && order[1].contains("::twice as"),
        "{err}"
    );
    assert!(f
        .read("intents/twice.intent.toml")
        .contains("uses = [\"helper\"]"));

    // Functions that call each other are skipped, each naming the other;
    // a caller of one of them names the callee that was not adopted.
    let cycle = "pub fn is_even(n: u32) -> bool {\n    n == 0 || is_odd(n - 1)\n}\n\npub fn is_odd(n: u32) -> bool {\n    n != 0 && is_even(n - 1)\n}\n\npub fn parity(n: u32) -> &'static str {\n    if is_even(n) { \"even\" } else { \"odd\" }\n}\n";
    f.write("src/cycle.rs", cycle);
    let lib = f.read("src/lib.rs");
    f.write(
        "src/lib.rs",
        &format!("{lib}mod cycle;\npub use cycle::*;\n"),
    );
    let (code, _, err) = run_full(&mut intent(&f, &["adopt", "--all", "src/cycle.rs"]));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("`is_odd` and `is_even` call each other"),
        "{err}"
    );
    assert!(
        err.contains("`is_even` and `is_odd` call each other"),
        "{err}"
    );
    assert!(
        err.contains("`parity` calls `is_even`, which was not adopted"),
        "{err}"
    );
    assert_eq!(f.read("src/cycle.rs"), cycle);

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
