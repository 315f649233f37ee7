//! The real `cargo-intent` binary on fixture crates: output and exit codes
//! of every command, and end-to-end generation with a real model.

use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

mod common;
use common::{bin, intent};
use intent_tests::{run_full, Fixture, ScriptedModel};

const ADD: &str = "signature = \"pub fn add(a: i32, b: i32) -> i32\"\ndescription = \"The sum of a and b.\"\nexamples = [{ call = \"add(2, 3)\", expect = \"5\" }]\n";
const ADD_CODE: &str = "pub fn add(a: i32, b: i32) -> i32 {\n    a + b\n}";
const NEG: &str = "signature = \"pub fn neg(a: i32) -> i32\"\ndescription = \"Minus a.\"\nexamples = [{ call = \"neg(2)\", expect = \"-2\" }]\n";
const NEG_CODE: &str = "pub fn neg(a: i32) -> i32 {\n    -a\n}";

fn single() -> Fixture {
    let f = Fixture::new("single");
    f.write("intents/add.intent.toml", ADD);
    f.write("intents/neg.intent.toml", NEG);
    f.accept("intents/add.intent.toml", ADD_CODE);
    f.accept("intents/neg.intent.toml", NEG_CODE);
    f
}

#[test]
fn check_passes_when_fresh_and_names_exactly_the_stale_intents() {
    let f = single();
    let (code, _, err) = run_full(&mut intent(&f, &["lock", "--check"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("all intents are fresh"), "{err}");

    f.write(
        "intents/add.intent.toml",
        &ADD.replace("The sum", "The total"),
    );
    let (code, out, err) = run_full(&mut intent(&f, &["lock", "--check"]));
    assert_eq!(code, 1, "{out}{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1, "{out}");
    assert!(
        lines[0]
            .starts_with("single: intent `add` is stale: spec: spec changed (spec hash sha256:"),
        "{out}"
    );
    assert!(lines[0].contains(" → sha256:"), "{out}");
    assert!(
        err.starts_with("error: 1 intent(s) need regeneration; run `cargo intent lock`"),
        "{err}"
    );
}

#[test]
fn check_names_the_model_field_that_changed() {
    let f = single();
    let (code, out, _) =
        run_full(intent(&f, &["lock", "--check"]).env("INTENT_MODEL", "smollm2-135m"));
    assert_eq!(code, 1);
    let default = intent_build::models::DEFAULT_MODEL;
    assert!(
        out.contains(&format!(
            "single: intent `add` is stale: model: model name changed ({default} → smollm2-135m)"
        )),
        "{out}"
    );
    assert!(
        out.contains("single: intent `neg` is stale: model"),
        "{out}"
    );
    let (code, out, _) = run_full(
        intent(&f, &["lock", "--check"])
            .env("INTENT_PROVIDER", "ollama")
            .env("INTENT_MODEL", "m"),
    );
    assert_eq!(code, 1);
    assert!(
        out.contains("model provider changed (embedded → ollama)"),
        "{out}"
    );
}

/// The Qwen model that is not today's default: the one an older intent's
/// default stands for.
fn older_default() -> &'static intent_build::models::KnownModel {
    intent_build::models::KNOWN_MODELS
        .iter()
        .find(|m| m.name.starts_with("qwen") && m.name != intent_build::models::DEFAULT_MODEL)
        .unwrap()
}

/// A lock written by an older intent whose default was another model, with
/// another prompt template and generation parameters: rewritten from what
/// `Fixture::accept` records today. `neg` is marked as written by hand.
fn written_by_an_older_intent(f: &Fixture) {
    let old = intent_build::models::known(intent_build::models::DEFAULT_MODEL).unwrap();
    let other = older_default();
    let lock = f.read("Intent.lock");
    let params = lock
        .lines()
        .find_map(|l| l.strip_prefix("params-hash = "))
        .unwrap()
        .to_string();
    let lock = lock
        .replace(
            &format!("name = \"{}\", digest = \"{}\"", old.name, old.sha256),
            &format!("name = \"{}\", digest = \"{}\"", other.name, other.sha256),
        )
        .replace(
            intent_build::generate::prompt::TEMPLATE_VERSION,
            "intent-prompt/1",
        )
        .replace(&params, "\"sha256:0123456789abcdef\"")
        .replace("name = \"neg\"\n", "name = \"neg\"\nauthor = \"hand\"\n");
    assert!(
        lock.contains(other.name) && lock.contains("author = \"hand\""),
        "{lock}"
    );
    f.write("Intent.lock", &lock);
}

#[test]
fn upgrading_intent_leaves_a_lock_fresh_until_models_use_moves_the_crate() {
    let f = single();
    written_by_an_older_intent(&f);
    let (code, out, err) = run_full(&mut intent(&f, &["lock", "--check"]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("all intents are fresh"), "{err}");
    assert!(
        err.contains(
            "note: single: 1 intent(s) (add) written with prompt template intent-prompt/1"
        ),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "note: single: this crate keeps {}, the model its lock records",
            older_default().name
        )),
        "{err}"
    );
    let (code, out, err) = run_full(&mut intent(&f, &["status"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.matches("fresh").count(), 2, "{out}");
    let (code, _, err) = run_full(f.cargo("build").env("INTENT_OFFLINE", "1"));
    assert_eq!(code, 0, "{err}");

    // What `models fetch` without a name installs: the model the lock records.
    let project =
        intent_build::project::Project::open("single", &f.root.join("Cargo.toml")).unwrap();
    let env = intent_build::env::Env::default();
    assert_eq!(
        intent_build::ops::models::wanted(&project, &env).unwrap(),
        [older_default().name]
    );

    // The owner moves the crate: exactly the model-written entries go stale.
    let (code, _, err) = run_full(&mut intent(&f, &["models", "use", "smollm2-135m"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("1 model-written intent(s) are stale now (add)"),
        "{err}"
    );
    // Now the crate's model is the one it names, which the suite has
    // fetched: a fetch without a name finds it installed.
    let (code, out, err) = run_full(&mut intent(&f, &["models", "fetch"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("smollm2-135m: "), "{out}");
    assert!(
        f.read("Cargo.toml")
            .contains("[package.metadata.intent]\nmodel = \"smollm2-135m\""),
        "{}",
        f.read("Cargo.toml")
    );
    let (code, out, err) = run_full(&mut intent(&f, &["lock", "--check"]));
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(
        out.trim(),
        format!(
            "single: intent `add` is stale: model: model name changed ({} → smollm2-135m)",
            older_default().name
        ),
        "{out}"
    );
    let (code, _, err) = run_full(&mut intent(&f, &["models", "use", "no-such-model"]));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("`no-such-model` is no model intent knows"),
        "{err}"
    );
    assert!(
        err.contains("help: name one of qwen2.5-coder-0.5b, qwen2.5-coder-1.5b"),
        "{err}"
    );
}

#[test]
fn example_project_lock_stays_fresh() {
    // No spec hash moved with the documentation carried as written: the
    // hash covers the folded description, whatever the docs show.
    let manifest = intent_tests::workspace_root().join("example-project/Cargo.toml");
    let (code, out, err) = run_full(
        std::process::Command::new(bin())
            .args(["intent", "lock", "--check", "--manifest-path"])
            .arg(&manifest)
            .env_remove("INTENT_MODEL")
            .env_remove("INTENT_PROVIDER"),
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("all intents are fresh"), "{err}");
}

#[test]
fn hand_edit_is_reported_as_edited() {
    let f = single();
    let snap = f.read("intents/snapshots/neg.snap");
    f.write("intents/snapshots/neg.snap", &snap.replace("-a", "0 - a"));
    let (code, out, _) = run_full(&mut intent(&f, &["lock", "--check"]));
    assert_eq!(code, 1);
    assert!(out.contains("intent `neg` is edited: accepted code in intents/snapshots/neg.snap was edited by hand"), "{out}");
}

#[test]
fn locked_refuses_to_regenerate_and_leaves_the_lock() {
    let f = single();
    f.write(
        "intents/add.intent.toml",
        &ADD.replace("The sum", "The total"),
    );
    let before = f.read("Intent.lock");
    for flag in ["--locked", "--frozen"] {
        let (code, _, err) = run_full(&mut intent(&f, &["lock", flag]));
        assert_eq!(code, 1, "{err}");
        assert!(
            err.contains("error: intent `add` in single is stale (spec changed"),
            "{err}"
        );
        assert!(err.contains("--locked forbids regenerating it"), "{err}");
        assert_eq!(f.read("Intent.lock"), before);
    }
}

/// A loopback listener that counts connections.
fn listener() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            if stream.is_ok() {
                c.fetch_add(1, Ordering::SeqCst);
            }
        }
    });
    (url, count)
}

#[test]
fn offline_never_opens_a_socket() {
    let (ollama_url, ollama_hits) = listener();
    let (openai_url, openai_hits) = listener();
    let meta = format!(
        "\n[[package.metadata.intent.providers]]\nkind = \"ollama\"\nmodel = \"m\"\nurl = \"{ollama_url}\"\n\n\
         [[package.metadata.intent.providers]]\nkind = \"openai\"\nmodel = \"m\"\nurl = \"{openai_url}\"\n"
    );
    let f = Fixture::with_manifest("offline", &meta, "[workspace]\n");
    f.write("intents/add.intent.toml", ADD);
    let no_provider = "error: intent `add` in offline: no candidate passed (last gate: model): no model provider is configured";
    for (args, message) in [
        (&["lock", "--offline"][..], no_provider),
        (&["lock", "--frozen"], "error: intent `add` in offline is stale (has no entry in Intent.lock) and --locked forbids regenerating it"),
        (&["lock", "--check", "--offline"], "error: 1 intent(s) need regeneration"),
        (&["status", "--offline"], "1 intent(s): 0 fresh, 1 need `cargo intent lock`"),
        (&["build", "--offline"], no_provider),
    ] {
        let (code, out, err) = run_full(&mut intent(&f, args));
        assert_eq!(code, 1, "{args:?}: {out}{err}");
        assert!(err.contains(message), "{args:?}: {err}");
    }
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(
        ollama_hits.load(Ordering::SeqCst),
        0,
        "ollama listener saw a connection"
    );
    assert_eq!(
        openai_hits.load(Ordering::SeqCst),
        0,
        "openai listener saw a connection"
    );
    // Without --offline the same configuration does connect, to the first
    // provider (whose listener hangs up): the listeners would have seen it.
    // No provider answers: the run stops before its first intent.
    let (code, _, err) = run_full(&mut intent(&f, &["lock"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("error: every model provider failed:"), "{err}");
    assert!(ollama_hits.load(Ordering::SeqCst) >= 1, "{err}");
}

#[test]
fn status_ends_each_row_and_puts_its_footer_on_stderr() {
    let f = single();
    let (code, out, err) = run_full(&mut intent(&f, &["status"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.ends_with('\n'), "{out:?}");
    assert_eq!(out.lines().count(), 3, "{out}");
    assert!(out.lines().all(|l| !l.contains("fresh,")), "{out}");
    assert_eq!(err, "2 intent(s): 2 fresh, 0 need `cargo intent lock`\n");
}

#[test]
fn status_fits_a_narrow_terminal_aligned_and_colours_only_when_asked() {
    let f = single();
    let (code, out, err) = run_full(
        intent(&f, &["status"])
            .env("COLUMNS", "60")
            .env_remove("CARGO_TERM_COLOR")
            .env_remove("CLICOLOR_FORCE"),
    );
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    let header = lines[0];
    // One package: its name on every row would only take room.
    assert!(header.starts_with("intent "), "{header:?}");
    for line in &lines {
        assert!(line.chars().count() <= 60, "{line:?} is wider than 60");
        assert!(!line.contains('\u{1b}'), "no colour into a pipe: {line:?}");
    }
    // Every column starts where its name does in the header.
    let starts: Vec<usize> = ["intent", "state", "model", "time"]
        .iter()
        .map(|name| {
            let byte = header
                .find(name)
                .unwrap_or_else(|| panic!("{name} in {header:?}"));
            header[..byte].chars().count()
        })
        .collect();
    for line in &lines[1..] {
        let chars: Vec<char> = line.chars().collect();
        for &at in &starts {
            assert!(
                (at == 0 || chars[at - 1] == ' ') && chars[at] != ' ',
                "{line:?} is not aligned at {at} with {header:?}"
            );
        }
    }
    // Wide enough, nothing is shortened.
    let (_, wide, _) = run_full(intent(&f, &["status"]).env("COLUMNS", "200"));
    assert!(wide.contains("parse,compile,examples"), "{wide}");
    assert!(!wide.contains('…'), "{wide}");
    // CARGO_TERM_COLOR=always colours the state even into a pipe, as in cargo.
    let (_, coloured, _) = run_full(intent(&f, &["status"]).env("CARGO_TERM_COLOR", "always"));
    assert!(coloured.contains("\u{1b}[32mfresh"), "{coloured:?}");
    let (_, never, _) = run_full(intent(&f, &["status"]).env("CARGO_TERM_COLOR", "never"));
    assert!(!never.contains('\u{1b}'), "{never:?}");
}

#[test]
fn status_into_a_closed_pipe_exits_0_without_a_panic() {
    let f = single();
    // The reading end is closed before the command starts, so every write
    // fails with a broken pipe, as it does behind `| head -1`.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let output = intent(&f, &["status"]).stdout(writer).output().unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn status_as_a_table_and_as_json() {
    let f = single();
    f.write(
        "intents/add.intent.toml",
        &ADD.replace("The sum", "The total"),
    );
    let (code, out, _) = run_full(&mut intent(&f, &["status"]));
    assert_eq!(code, 1);
    assert!(out.lines().next().unwrap().starts_with("intent "), "{out}");
    assert!(
        out.lines()
            .any(|l| l.contains("add") && l.contains("stale: spec")),
        "{out}"
    );
    assert!(
        out.lines().any(|l| l.contains("neg")
            && l.contains("fresh")
            && l.contains("parse,compile,examples")),
        "{out}"
    );
    let (_, out, _) = run_full(&mut intent(&f, &["status", "--message-format", "json"]));
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["intent"], "add");
    assert_eq!(rows[0]["state"], "stale: spec");
    assert_eq!(rows[1]["state"], "fresh");
}

#[test]
fn show_prints_the_accepted_code_and_unknown_names_are_usage_errors() {
    let f = single();
    let (code, out, _) = run_full(&mut intent(&f, &["show", "neg"]));
    assert_eq!(code, 0);
    assert_eq!(out.trim_end(), NEG_CODE);
    let (code, _, err) = run_full(&mut intent(&f, &["show", "nope"]));
    assert_eq!(code, 2);
    assert_eq!(
        err.trim_end(),
        "error: no intent named `nope`; `cargo intent status` lists them"
    );
}

#[test]
fn new_scaffolds_a_spec_and_rejects_a_bad_signature() {
    let f = Fixture::new("scaffold");
    let (code, out, err) = run_full(&mut intent(
        &f,
        &[
            "new",
            "clamp",
            "--signature",
            "pub fn clamp(x: i32, lo: i32, hi: i32) -> i32",
        ],
    ));
    assert_eq!(code, 0, "{err}");
    // Run in the crate's folder, the path is the one the user would type.
    assert_eq!(
        out,
        "created intents/clamp.intent.toml: fill in the description and examples, then run `cargo intent lock clamp`\n"
    );
    let text = f.read("intents/clamp.intent.toml");
    assert!(
        text.contains("signature = \"pub fn clamp(x: i32, lo: i32, hi: i32) -> i32\""),
        "{text}"
    );
    let (code, _, err) = run_full(&mut intent(
        &f,
        &["new", "bad", "--signature", "pub fn bad(x i32)"],
    ));
    assert_eq!(code, 2);
    assert!(err.contains("signature does not parse"), "{err}");
    let (code, _, _) = run_full(&mut intent(
        &f,
        &["new", "clamp", "--signature", "pub fn clamp() -> i32"],
    ));
    assert_eq!(code, 2, "an existing spec is not overwritten");
}

#[test]
fn accept_and_diff_work_on_pending_results() {
    let f = single();
    f.write(
        "intents/neg.intent.toml",
        &NEG.replace("Minus a.", "The negation of a."),
    );
    let project =
        intent_build::project::Project::open("single", &f.root.join("Cargo.toml")).unwrap();
    let spec = project
        .specs()
        .unwrap()
        .into_iter()
        .find(|s| s.spec.name == "neg")
        .unwrap();
    let intent_dir = intent_tests::workspace_root().join("target/fixtures/intent");
    let store = intent_build::store::Store {
        lockfile: project.lockfile(),
        specs_dir: project.specs_dir(),
        pending_dir: intent_build::store::pending_dir(&intent_dir, "single"),
    };
    let candidate = intent_build::judge::PassingCandidate {
        code: "pub fn neg(a: i32) -> i32 {\n    0 - a\n}".into(),
        identity: intent_build::lockfile::ModelIdentity {
            provider: "embedded".into(),
            name: "qwen2.5-coder-0.5b".into(),
            digest: "sha256:x".into(),
            note: None,
        },
        prompt: intent_build::generate::prompt::TEMPLATE_VERSION.into(),
        params_hash: "sha256:p".into(),
        functional_hash: "sha256:f".into(),
        gates: {
            use intent_build::gate::Gate;
            vec![Gate::Parse, Gate::Compile, Gate::Examples]
        },
        behaviour: None,
        agreement: None,
        confidence: None,
        uses: Default::default(),
        crates: Default::default(),
        checks: None,
    };
    store.save_pending(&spec, &candidate, false).unwrap();

    let (code, out, _) = run_full(&mut intent(&f, &["diff", "neg"]));
    assert_eq!(code, 1, "a difference exits 1, like diff(1)");
    assert!(out.contains("-    -a\n+    0 - a\n"), "{out}");

    let (code, _, err) = run_full(&mut intent(&f, &["accept", "neg"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("Accepted single::neg"), "{err}");
    let (_, out, _) = run_full(&mut intent(&f, &["show", "neg"]));
    assert!(out.contains("0 - a"), "{out}");
    let lock = f.read("Intent.lock");
    assert!(lock.contains("functional-hash = \"sha256:f\""), "{lock}");
}

#[test]
fn workspace_of_two_crates_with_their_own_locks() {
    let f = Fixture::workspace(&["alpha", "beta"]);
    for crate_name in ["alpha", "beta"] {
        f.write(&format!("{crate_name}/intents/add.intent.toml"), ADD);
        f.accept_in(
            &format!("{crate_name}/"),
            "intents/add.intent.toml",
            ADD_CODE,
        );
    }
    f.write(
        "beta/intents/add.intent.toml",
        &ADD.replace("The sum", "The total"),
    );
    let (code, out, _) = run_full(&mut intent(&f, &["lock", "--check"]));
    assert_eq!(code, 1);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(
        out.starts_with("beta: intent `add` is stale: spec"),
        "{out}"
    );
    let (code, out, _) = run_full(&mut intent(&f, &["lock", "--check", "-p", "alpha"]));
    assert_eq!(code, 0, "{out}");
    let (code, _, err) = run_full(&mut intent(&f, &["lock", "--check", "-p", "gamma"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("package `gamma` is not in this workspace (members: alpha, beta)"),
        "{err}"
    );
    let (code, out, _) = run_full(&mut intent(
        &f,
        &[
            "status",
            "--manifest-path",
            f.root.join("alpha/Cargo.toml").to_str().unwrap(),
        ],
    ));
    assert_eq!(code, 0, "{out}");
    // One package: one row, and no package column.
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.starts_with("intent "), "{out}");
    // Both: a package column tells their rows apart.
    let (_, out, _) = run_full(&mut intent(&f, &["status"]));
    assert!(out.starts_with("package "), "{out}");
    assert!(
        out.lines().any(|l| l.starts_with("alpha ")) && out.lines().any(|l| l.starts_with("beta ")),
        "{out}"
    );
}

#[test]
fn build_runs_cargo_build_with_its_exit_status() {
    let f = single();
    let (code, _, err) = run_full(&mut intent(&f, &["build"]));
    assert_eq!(code, 0, "{err}");
    f.write("src/lib.rs", "include!(concat!(env!(\"OUT_DIR\"), \"/intents.rs\"));\npub fn broken() -> i32 { \"no\" }\n");
    let (code, _, err) = run_full(&mut intent(&f, &["build"]));
    assert_eq!(code, 101, "cargo build's own exit status: {err}");
}

#[test]
fn usage_errors_exit_2_and_models_lists_what_can_be_fetched() {
    let f = single();
    let (code, _, err) = run_full(&mut intent(&f, &["lock", "--bogus"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.starts_with("error:"), "{err}");
    let (code, out, _) = run_full(&mut intent(&f, &["models", "fetch", "--list"]));
    assert_eq!(code, 0);
    // Each with its size, the disk a fetch needs, and what it is for.
    for (name, size, needs) in [
        ("qwen2.5-coder-0.5b", "491 MB", "580 MB"),
        ("qwen2.5-coder-1.5b", "1117 MB", "1169 MB"),
        ("smollm2-135m", "98 MB", "196 MB"),
    ] {
        let line = out
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{out}"));
        assert!(line.contains(size) && line.contains(needs), "{line}");
    }
    assert!(out.contains("meets more specs"), "{out}");
    let (code, _, err) = run_full(&mut intent(&f, &["models", "fetch", "gpt-5"]));
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "error: unknown model `gpt-5`\nhelp: fetch one of: qwen2.5-coder-0.5b, qwen2.5-coder-1.5b, smollm2-135m;"
        ),
        "{err}"
    );
    // Invoked directly, without Cargo's `intent` argument.
    let (code, out, _) = run_full(f.command(bin()).args(["show", "add"]));
    assert_eq!(code, 0);
    assert_eq!(out.trim_end(), ADD_CODE);
}

// ---- generation end to end: a scripted model, and SmolLM2 for the plumbing ----

const DOUBLE: &str = "signature = \"pub fn double(x: i32) -> i32\"\ndescription = \"Return x multiplied by 2.\"\nexamples = [{ call = \"double(2)\", expect = \"4\" }, { call = \"double(0)\", expect = \"0\" }]\n";
const DOUBLE_CODE: &str = "pub fn double(x: i32) -> i32 {\n    x * 2\n}";

/// A crate whose only provider is the scripted model answering `code`.
fn scripted_fixture(name: &str, code: &str) -> (Fixture, ScriptedModel) {
    let model = ScriptedModel::answering(code);
    let f = model_crate(name, "repair-rounds = 1\n", &model, &[("double", DOUBLE)]);
    (f, model)
}

/// A crate named `name` whose only provider is `model`, with `settings`
/// in its `[package.metadata.intent]` and the `(name, text)` specs.
fn model_crate(
    name: &str,
    settings: &str,
    model: &ScriptedModel,
    specs: &[(&str, &str)],
) -> Fixture {
    let meta = format!(
        "\n[package.metadata.intent]\n{settings}\n{}",
        model.provider_table()
    );
    let f = Fixture::with_manifest(name, &meta, "[workspace]\n");
    for (intent, text) in specs {
        f.write(&format!("intents/{intent}.intent.toml"), text);
    }
    f
}

#[test]
fn lock_shows_each_rounds_tally_as_a_live_line_on_a_terminal_and_as_lines_off_it() {
    // Off a terminal (a pipe): one plain line per phase, no control codes.
    // A target of its own: other tests lock a `double` into the shared
    // fixtures' report at the same time.
    let target = tempfile::tempdir().unwrap();
    let (f, _model) = scripted_fixture("progress", DOUBLE_CODE);
    let (code, _, err) = run_full(
        intent(&f, &["lock"])
            .env_remove("CI")
            .env("CARGO_TARGET_DIR", target.path()),
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("intent `double`: round 0: 1 decoded, 1 passed"),
        "{err}"
    );
    assert!(!err.contains('\r') && !err.contains('\u{1b}'), "{err:?}");
    // On a terminal: `script` runs the command on a real pseudo-terminal;
    // the spinner redraws its line in place and finishes with the tally.
    let (f, _model) = scripted_fixture("progress_tty", DOUBLE_CODE);
    let screen = lock_on_a_terminal(&f, target.path());
    assert!(
        screen.contains("\u{1b}[") || screen.contains('\r'),
        "no live line: {screen:?}"
    );
    assert!(
        screen.contains("verified (round 0: 1 decoded, 1 passed"),
        "{screen:?}"
    );
    assert!(
        !screen.contains("intent `double`: "),
        "plain lines on a terminal: {screen:?}"
    );
}

#[test]
fn a_lock_of_several_intents_counts_them_done_with_the_time_left() {
    // Two intents the scripted model answers alike (the second is the
    // first's function under the spec's name).
    let twice = DOUBLE.replace("double", "twice");
    let model = ScriptedModel::answering(DOUBLE_CODE);
    let specs = [("double", DOUBLE), ("twice", twice.as_str())];
    let target = tempfile::tempdir().unwrap();
    // Off a terminal: each intent's last line carries the run's count.
    let f = model_crate("count_lines", "repair-rounds = 1\n", &model, &specs);
    let (code, _, err) = run_full(
        intent(&f, &["lock"])
            .env_remove("CI")
            .env("CARGO_TARGET_DIR", target.path()),
    );
    assert_eq!(code, 0, "{err}");
    let counted: Vec<&str> = err.lines().filter(|l| l.contains("intents done")).collect();
    assert_eq!(counted.len(), 2, "{err}");
    assert!(counted[0].contains("[1/2 intents done, about "), "{err}");
    assert!(counted[1].ends_with("[2/2 intents done]"), "{err}");
    // On a terminal the count is a live line of its own above the intents'.
    let f = model_crate("count_tty", "repair-rounds = 1\n", &model, &specs);
    let screen = lock_on_a_terminal(&f, target.path());
    assert!(screen.contains("1/2 intents done, about "), "{screen:?}");
    assert!(screen.contains("2/2 intents done"), "{screen:?}");
    assert!(
        !screen.contains("[2/2 intents done]"),
        "plain lines on a terminal: {screen:?}"
    );
}

/// `cargo intent lock` in `f` on a real pseudo-terminal (`script`), with
/// `target` as its target folder: what the screen received. It must succeed.
fn lock_on_a_terminal(f: &Fixture, target: &std::path::Path) -> String {
    let command = format!("{} intent lock", bin().display());
    let output = f
        .command(std::path::Path::new("script"))
        .args(["-qec", &command, "/dev/null"])
        .env_remove("CI")
        .env("CARGO_TARGET_DIR", target)
        .output()
        .unwrap();
    let screen = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_eq!(output.status.code(), Some(0), "{screen}");
    screen
}

/// After a successful `lock`: the entry, the snapshot, no model needed for
/// the next `lock` (byte-identical lock), and a CI build from the lock alone.
fn assert_recorded_and_needs_no_model(f: &Fixture, model_name: &str) {
    let lock = f.read("Intent.lock");
    assert!(lock.contains(&format!("name = \"{model_name}\"")), "{lock}");
    assert!(
        lock.contains("gates = [\"parse\", \"compile\", \"policy\", \"examples\"]"),
        "{lock}"
    );
    let snap = f.read("intents/snapshots/double.snap");
    assert!(snap.contains("pub fn double(x: i32) -> i32"), "{snap}");
    // Fresh now: with no model anywhere (empty INTENT_HOME), lock has nothing to do.
    let empty_home = tempfile::tempdir().unwrap();
    let (code, _, err) = run_full(intent(f, &["lock"]).env("INTENT_HOME", empty_home.path()));
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        f.read("Intent.lock"),
        lock,
        "byte-identical when nothing changed"
    );
    let (ok, out) = intent_tests::run(f.cargo("build").env("CI", "true"));
    assert!(ok, "{out}");
}

#[test]
fn scripted_model_generates_verifies_and_records_then_needs_no_model() {
    let (f, _model) = scripted_fixture("scripted", DOUBLE_CODE);
    let (code, out, err) = run_full(&mut intent(&f, &["lock"]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("Recorded scripted::double"), "{err}");
    // `status` reads the generation's time back from the report (in this
    // crate's own target folder: the shared one's report is any test's).
    let target = f.root.join("target");
    let (code, _, err) =
        run_full(intent(&f, &["lock", "--force"]).env("CARGO_TARGET_DIR", &target));
    assert_eq!(code, 0, "{err}");
    let (_, out, _) = run_full(
        intent(&f, &["status", "--message-format", "json"]).env("CARGO_TARGET_DIR", &target),
    );
    let row: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert!(row["last_generation_seconds"].as_f64().is_some(), "{row}");
    // A command provider without a model file is named by its program.
    assert_recorded_and_needs_no_model(&f, "sh");
}

#[test]
fn a_custom_spec_folder_and_lockfile_serve_every_command_and_the_build() {
    let model = ScriptedModel::answering(DOUBLE_CODE);
    let meta = format!(
        "\n[package.metadata.intent]\nspecs-dir = \"specs/fns\"\nlockfile = \"locks/Intent.lock\"\nrepair-rounds = 0\n\n{}",
        model.provider_table()
    );
    let f = Fixture::with_manifest("custom", &meta, "[workspace]\n");
    f.write("specs/fns/double.intent.toml", DOUBLE);
    let (code, out, _) = run_full(&mut intent(&f, &["lock", "--check"]));
    assert_eq!(code, 1);
    assert!(
        out.starts_with("custom: intent `double` is missing: "),
        "{out}"
    );
    let (code, _, err) = run_full(&mut intent(&f, &["lock"]));
    assert_eq!(code, 0, "{err}");
    assert!(f.read("locks/Intent.lock").contains("name = \"double\""));
    assert!(f.read("specs/fns/snapshots/double.snap").contains("x * 2"));
    assert!(!f.root.join("Intent.lock").exists());
    assert!(!f.root.join("intents").exists());
    let (code, _, err) = run_full(&mut intent(&f, &["lock", "--check"]));
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = run_full(&mut intent(&f, &["status"]));
    assert_eq!(code, 0, "{out}");
    assert!(
        out.lines()
            .any(|l| l.contains("double") && l.contains("fresh")),
        "{out}"
    );
    // The build script reads the same paths, and names them in its fix.
    let (ok, out) = intent_tests::run(f.cargo("build").env("CI", "true"));
    assert!(ok, "{out}");
    f.write(
        "specs/fns/double.intent.toml",
        &DOUBLE.replace("multiplied", "times"),
    );
    let (ok, out) = intent_tests::run(f.cargo("build").env("CI", "true"));
    assert!(!ok, "{out}");
    assert!(
        out.contains("Run `cargo intent lock -p custom` and commit locks/Intent.lock and specs/fns/snapshots/"),
        "{out}"
    );
    // `watch` watches that folder.
    let output = intent(&f, &["watch", "--interval", "100", "--exit-after", "1"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "custom::double: accepted\n"
    );
    assert!(f.read("locks/Intent.lock").contains("name = \"double\""));
}

#[test]
fn a_wrong_answer_exits_1_naming_the_gate_and_records_nothing() {
    let (f, _model) = scripted_fixture("wrong", "pub fn double(x: i32) -> i32 {\n    x + 2\n}");
    // A target of its own: its report must hold this run, while other tests
    // lock a `double` into the shared fixtures' report.
    let target = tempfile::tempdir().unwrap();
    let (code, out, err) = run_full(intent(&f, &["lock"]).env("CARGO_TARGET_DIR", target.path()));
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("error: intent `double` in wrong: no candidate passed (last gate: examples): example 1: `double(0)` returned 2, expected 0"),
        "{err}"
    );
    assert!(!f.root.join("Intent.lock").exists());
    assert!(!f.root.join("intents/snapshots/double.snap").exists());
    // No candidate passed in the first round or the repair round: the
    // report says decoding stopped there, not at the budget.
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(target.path().join("intent/report.json")).unwrap())
            .unwrap();
    assert_eq!(
        report[0]["decoding"]["stopped"], "rounds-spent",
        "{report:#}"
    );
    assert_eq!(
        report[0]["rounds"].as_array().unwrap().len(),
        2,
        "{report:#}"
    );
    // The refused candidate is still there to read, from the report.
    let (code, out, err) =
        run_full(intent(&f, &["diff", "double"]).env("CARGO_TARGET_DIR", target.path()));
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("+++ candidate") && out.contains("+    x + 2"),
        "{out}"
    );
}

/// A loopback OpenAI-compatible endpoint whose every answer is a `200`
/// with a body that never ends (each stops at 1 GiB, and the server after
/// 64 connections, so nothing here runs unbounded).
fn endless_endpoint() -> String {
    use std::io::{Read, Write};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(64) {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut request = [0u8; 65536];
                let _ = stream.read(&mut request);
                let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n");
                let chunk = [b' '; 65536];
                for _ in 0..(1 << 14) {
                    if stream.write_all(&chunk).is_err() {
                        break;
                    }
                }
            });
        }
    });
    url
}

#[test]
fn a_server_streaming_an_endless_answer_ends_the_lock_naming_the_cap() {
    let url = endless_endpoint();
    let meta = format!(
        "\n[package.metadata.intent]\nrepair-rounds = 0\n\n[[package.metadata.intent.providers]]\nkind = \"openai\"\nurl = \"{url}\"\nmodel = \"m\"\ntimeout = 60\nmax-response-bytes = 65536\n"
    );
    let f = Fixture::with_manifest("endless", &meta, "[workspace]\n");
    f.write("intents/double.intent.toml", DOUBLE);
    let started = std::time::Instant::now();
    let (code, out, err) = run_full(&mut intent(&f, &["lock"]));
    assert_ne!(code, 0, "{out}{err}");
    assert!(err.contains(&url), "{err}");
    assert!(
        err.contains("more than 65536 bytes (`max-response-bytes`)"),
        "{err}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(50),
        "ended at the cap, not the timeout"
    );
    assert!(!f.root.join("Intent.lock").exists() || !f.read("Intent.lock").contains("[[intent]]"));
    assert!(!f.root.join("intents/snapshots/double.snap").exists());
}

#[test]
fn without_confinement_lock_refuses_before_any_model_call_and_names_the_opt_out() {
    let (f, model) = scripted_fixture("unconfined", DOUBLE_CODE);
    let (code, out, err) =
        run_full(intent(&f, &["lock"]).env(intent_build::sandbox::SIMULATE_UNAVAILABLE, "1"));
    assert_eq!(code, 2, "{out}{err}");
    assert_eq!(
        err,
        format!(
            "error: cannot confine generated code on this machine: {}=1 is set\n{}\n",
            intent_build::sandbox::SIMULATE_UNAVAILABLE,
            intent_build::sandbox::OPT_OUT_HELP
        )
    );
    assert_eq!(
        model.calls() + model.check_calls(),
        0,
        "the model was asked anyway"
    );
    assert!(!f.root.join("Intent.lock").exists());
    assert!(!f.root.join("intents/snapshots/double.snap").exists());
    // `models` says the same; the documented opt-out lets it run.
    let (_, out, _) =
        run_full(intent(&f, &["models"]).env(intent_build::sandbox::SIMULATE_UNAVAILABLE, "1"));
    assert!(
        out.contains("  confinement: unavailable: __INTENT_TEST_NO_CONFINEMENT=1 is set; generated code will not be run\n"),
        "{out}"
    );
    let (code, out, err) = run_full(
        intent(&f, &["lock"])
            .env(intent_build::sandbox::SIMULATE_UNAVAILABLE, "1")
            .env("INTENT_SANDBOX", "off"),
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("Recorded unconfined::double"), "{err}");
    assert_eq!(model.calls(), 1);
    let (_, out, _) = run_full(intent(&f, &["models"]).env("INTENT_SANDBOX", "off"));
    assert!(
        out.contains("  confinement: off (`sandbox = \"off\"` or INTENT_SANDBOX=off): generated code runs with your rights\n"),
        "{out}"
    );
}

/// SmolLM2 through the embedded provider, with the thread count the suite
/// runs under. Its answer differs between CPUs, so the test asserts what holds
/// for any answer: accepted and then needing no model, or refused with the
/// failing gate named and nothing written.
#[test]
fn real_model_lock_records_or_refuses_and_corrupts_nothing() {
    let meta = format!(
        "\n[package.metadata.intent]\nrepair-rounds = 1\n\n[[package.metadata.intent.providers]]\nkind = \"embedded\"\nmodel = \"smollm2-135m\"\nthreads = {}\n",
        intent_tests::model_threads()
    );
    let f = Fixture::with_manifest("generated", &meta, "[workspace]\n");
    f.write("intents/double.intent.toml", DOUBLE);
    // Its own target folder: no response cached by another run (another
    // thread count) answers for the model, and the report is this run's.
    let target = f.root.join("target");
    let (code, out, err) = run_full(intent(&f, &["lock"]).env("CARGO_TARGET_DIR", &target));
    let report = target.join("intent/report.json");
    match code {
        0 => {
            assert!(err.contains("Recorded generated::double"), "{err}");
            assert_recorded_and_needs_no_model(&f, "smollm2-135m");
        }
        1 => {
            // Refused, or asked: candidates that split, or too few agreeing.
            let refused = err
                .contains("error: intent `double` in generated: no candidate passed (last gate: ");
            let asked = err.contains("error: intent `double` in generated: the ")
                && err.contains("disagree; which is right?")
                || err.contains("fewer than the quorum; are they right?");
            assert!(refused || asked, "{err}");
            assert!(!f.root.join("Intent.lock").exists(), "{err}");
            assert!(!f.root.join("intents/snapshots/double.snap").exists());
        }
        _ => panic!("exit {code}: neither accepted nor refused\n{out}{err}"),
    }
    // Either way every round the model ran is in the report, with its tokens.
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let rounds = report[0]["rounds"].as_array().unwrap();
    assert!(!rounds.is_empty() && rounds.len() <= 2, "{report:#}");
}

#[test]
fn watch_regenerates_after_an_edit_and_survives_a_bad_spec() {
    let (f, _model) = scripted_fixture("watched", DOUBLE_CODE);
    let mut child = intent(&f, &["watch", "--interval", "100", "--exit-after", "4"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Results on stdout, errors on stderr: both, tagged, as they come.
    let (tx, rx) = std::sync::mpsc::channel();
    let forward = |stream: Box<dyn std::io::Read + Send>, tag: &'static str| {
        let tx = tx.clone();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stream)
                .lines()
                .map_while(Result::ok)
            {
                if !line.starts_with("watching ") {
                    let _ = tx.send(format!("{tag}{line}"));
                }
            }
        });
    };
    forward(Box::new(child.stdout.take().unwrap()), "out: ");
    forward(Box::new(child.stderr.take().unwrap()), "err: ");
    let next = |what: &str| {
        rx.recv_timeout(Duration::from_secs(240))
            .unwrap_or_else(|_| panic!("no line while waiting for {what}"))
    };
    let first = next("the first generation");
    assert_eq!(first, "out: watched::double: accepted");
    f.write(
        "intents/broken.intent.toml",
        "signature = \"pub fn broken(\"\n",
    );
    let second = next("the bad spec");
    assert!(
        second.starts_with("err: watched: error: intents/broken.intent.toml:1:"),
        "{second}"
    );
    std::fs::remove_file(f.root.join("intents/broken.intent.toml")).unwrap();
    let third = next("recovery");
    assert_eq!(third, "out: watched: all intents fresh");
    // A spec in a subfolder is discovered, so it is watched too (the
    // scripted model answers `double` to it, whose types differ, so it
    // fails, visibly).
    f.write(
        "intents/more/triple.intent.toml",
        &DOUBLE.replace("double", "triple").replace("2", "3"),
    );
    let fourth = next("the spec in a subfolder");
    assert!(
        fourth.starts_with("out: watched::triple: failed at parse: "),
        "{fourth}"
    );
    assert!(child.wait().unwrap().success());
}

#[test]
fn lock_drops_entries_and_snapshots_of_deleted_specs() {
    let f = single();
    std::fs::remove_file(f.root.join("intents/neg.intent.toml")).unwrap();
    let (code, _, err) = run_full(&mut intent(&f, &["lock"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("Removed single::neg"), "{err}");
    let lock = f.read("Intent.lock");
    assert!(
        !lock.contains("\"neg\"") && lock.contains("\"add\""),
        "{lock}"
    );
    assert!(!f.root.join("intents/snapshots/neg.snap").exists());
    assert!(f.root.join("intents/snapshots/add.snap").exists());
}

// ---- behaviour: questions, pinned behaviour, model upgrades ----

const CLAMP: &str = "signature = \"pub fn clamp(n: i32, lo: i32, hi: i32) -> i32\"\ndescription = \"n limited to lo..=hi.\"\nexamples = [{ call = \"clamp(5, 0, 3)\", expect = \"3\" }]\n";
const CLAMP_RIGHT: &str =
    "pub fn clamp(n: i32, lo: i32, hi: i32) -> i32 { if n < lo { lo } else if n > hi { hi } else { n } }";
const CLAMP_ALSO_RIGHT: &str =
    "pub fn clamp(n: i32, lo: i32, hi: i32) -> i32 { if n < lo { return lo; } if n > hi { return hi; } n }";
/// Passes the example; wrong whenever n < lo.
const CLAMP_WRONG: &str =
    "pub fn clamp(n: i32, lo: i32, hi: i32) -> i32 { if n > hi { hi } else { n } }";

fn clamp_fixture(codes: &[&str]) -> (Fixture, ScriptedModel) {
    let model = ScriptedModel::answering_in_turn(codes);
    // Without seeking a rival the scripted answers go as far as they say:
    // two that agree are accepted (thin) at once.
    let settings = "repair-rounds = 0\ncandidates = 2\nseek-rival = false\n";
    let f = model_crate("clamped", settings, &model, &[("clamp", CLAMP)]);
    (f, model)
}

/// Swaps the crate's provider: a new model identity, the same spec.
fn use_model(f: &Fixture, old: &ScriptedModel, new: &ScriptedModel) {
    let manifest = f.read("Cargo.toml");
    assert!(manifest.contains(&old.provider_table()));
    f.write(
        "Cargo.toml",
        &manifest.replace(&old.provider_table(), &new.provider_table()),
    );
}

#[test]
fn disagreeing_candidates_ask_and_an_agreed_answer_pins_its_behaviour() {
    let (f, split) = clamp_fixture(&[CLAMP_WRONG, CLAMP_RIGHT]);
    let (code, _, err) = run_full(&mut intent(&f, &["lock"]));
    assert_eq!(code, 1, "{err}");
    // One against one is below the quorum of 2: a second round samples
    // more (the same two answers again), and two against two is asked.
    assert!(
        err.contains(
            "error: intent `clamp` in clamped: the 4 passing candidates disagree; which is right?"
        ),
        "{err}"
    );
    assert!(err.contains("2 of 4 (candidate 0, 2)"), "{err}");
    assert!(err.contains("{ call = \"clamp("), "{err}");
    assert!(err.contains("expect = \"?\" },"), "{err}");
    assert!(!f.root.join("intents/snapshots/clamp.snap").exists());
    assert!(!std::fs::read_to_string(f.root.join("Intent.lock"))
        .unwrap_or_default()
        .contains("clamp"));

    // Two right answers agree: accepted, behaviour pinned, agreement shown.
    let right = ScriptedModel::answering_in_turn(&[CLAMP_RIGHT, CLAMP_ALSO_RIGHT]);
    use_model(&f, &split, &right);
    let (code, _, err) = run_full(&mut intent(&f, &["lock"]));
    assert_eq!(code, 0, "{err}");
    // Two agreeing meet the quorum, but that is thin support: said so.
    assert!(
        err.contains(
            "note: intent `clamp` was accepted on thin support (2/2 agree · 1 ex · adequacy "
        ) && err.contains(" · thin): fewer than 5"),
        "{err}"
    );
    let pinned = f.read("intents/snapshots/clamp.behaviour");
    assert!(
        pinned.contains("# agreement: 2 of 2 passing candidates"),
        "{pinned}"
    );
    assert!(pinned.contains("clamp(0, 1, 1) => 1\n"), "{pinned}");
    let (_, out, _) = run_full(&mut intent(&f, &["status", "--message-format", "json"]));
    let row: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(row["agreement"], serde_json::json!([2, 2]), "{row}");
    assert_eq!(row["confidence"]["agreed"], 2, "{row}");
    assert_eq!(row["confidence"]["decoded"], 2, "{row}");
    let (_, table, footer) = run_full(intent(&f, &["status"]).env("COLUMNS", "200"));
    assert!(table.contains("2/2 agree · 1 ex · adequacy "), "{table}");
    assert!(table.contains(" · thin"), "{table}");
    assert!(footer.contains("1 accepted on thin support"), "{footer}");
    let lock = f.read("Intent.lock");
    assert!(
        lock.contains("confidence = { agreed = 2, passed = 2, decoded = 2, examples = 1, properties = 0, inputs = "),
        "{lock}"
    );

    // A new model whose code behaves differently is refused: same spec.
    // (A command provider's identity is known only once it answers, so
    // `--force` asks it.)
    let upgrade = ScriptedModel::answering_in_turn(&[CLAMP_WRONG]);
    use_model(&f, &right, &upgrade);
    let (code, _, err) = run_full(&mut intent(&f, &["lock", "--force"]));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("changes the pinned behaviour"), "{err}");
    assert!(err.contains("`clamp(0, 1, 1)` was 1, now 0"), "{err}");
    assert!(err.contains("--allow-behaviour-change"), "{err}");
    assert_eq!(f.read("Intent.lock"), lock, "nothing recorded");
    assert_eq!(f.read("intents/snapshots/clamp.behaviour"), pinned);

    // In review mode it waits for the reviewer, and `diff` shows the
    // behaviour change beside the code change.
    let manifest = f.read("Cargo.toml");
    f.write(
        "Cargo.toml",
        &manifest.replace("candidates = 2\n", "candidates = 2\nreview = true\n"),
    );
    let (code, _, err) = run_full(&mut intent(&f, &["lock", "--force"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("Pending clamped::clamp"), "{err}");
    let (code, out, _) = run_full(&mut intent(&f, &["diff", "clamp"]));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("behaviour changes on"), "{out}");
    assert!(out.contains("  clamp(0, 1, 1): 1 -> 0\n"), "{out}");
    assert_eq!(f.read("intents/snapshots/clamp.behaviour"), pinned);
    f.write("Cargo.toml", &manifest);

    // Allowed explicitly, it is recorded with its own behaviour.
    let (code, _, err) = run_full(&mut intent(
        &f,
        &["lock", "--force", "--allow-behaviour-change"],
    ));
    assert_eq!(code, 0, "{err}");
    assert!(f
        .read("intents/snapshots/clamp.behaviour")
        .contains("clamp(0, 1, 1) => 0\n"));
}

#[test]
fn watch_keeps_the_pinned_behaviour_unless_allowed_to_change_it() {
    let (f, right) = clamp_fixture(&[CLAMP_RIGHT]);
    let (code, _, err) = run_full(&mut intent(&f, &["lock"]));
    assert_eq!(code, 0, "{err}");
    let pinned = f.read("intents/snapshots/clamp.behaviour");
    assert!(pinned.contains("clamp(0, 1, 1) => 1\n"), "{pinned}");
    // Another model, whose code behaves otherwise; the lock says an older
    // one wrote the code, so the intent is stale with the same spec.
    let upgrade = ScriptedModel::answering_in_turn(&[CLAMP_WRONG]);
    use_model(&f, &right, &upgrade);
    let lock = f.read("Intent.lock");
    let at = lock.find("provider = \"command\", name = \"").expect(&lock)
        + "provider = \"command\", name = \"".len();
    let end = at + lock[at..].find('"').unwrap();
    let lock = format!("{}an-older-model{}", &lock[..at], &lock[end..]);
    f.write("Intent.lock", &lock);
    let watch = |extra: &[&str]| {
        let mut args = vec!["watch", "--interval", "100", "--exit-after", "1"];
        args.extend_from_slice(extra);
        run_full(&mut intent(&f, &args))
    };
    let (code, out, err) = watch(&[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("clamped::clamp: failed at") && out.contains("changes the pinned behaviour"),
        "{out}{err}"
    );
    assert_eq!(f.read("Intent.lock"), lock, "nothing recorded");
    assert_eq!(f.read("intents/snapshots/clamp.behaviour"), pinned);
    let (code, out, err) = watch(&["--allow-behaviour-change"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("clamped::clamp: accepted"), "{out}{err}");
    assert!(f
        .read("intents/snapshots/clamp.behaviour")
        .contains("clamp(0, 1, 1) => 0\n"));
}

#[test]
fn a_property_that_does_not_compile_is_a_located_error_before_any_model_call() {
    let (f, model) = clamp_fixture(&[CLAMP_RIGHT]);
    f.write(
        "intents/clamp.intent.toml",
        &format!("{CLAMP}properties = [\"result + 1\"]\n"),
    );
    let (code, _, err) = run_full(&mut intent(&f, &["lock"]));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(
            "intents/clamp.intent.toml:4:16: property 0 does not compile: mismatched types"
        ),
        "{err}"
    );
    assert_eq!(model.calls(), 0, "no model was asked");
}

// ---- intents that use intents ----

const GCD: &str = "signature = \"pub fn gcd(a: u64, b: u64) -> u64\"\ndescription = \"The greatest common divisor of a and b.\"\nexamples = [{ call = \"gcd(12, 18)\", expect = \"6\" }]\n";
const GCD_CODE: &str =
    "pub fn gcd(a: u64, b: u64) -> u64 { if b == 0 { a } else { gcd(b, a % b) } }";
const GCD_LOOP: &str =
    "pub fn gcd(mut a: u64, mut b: u64) -> u64 { while b != 0 { let t = a % b; a = b; b = t; } a }";
const LCM: &str = "signature = \"pub fn lcm(a: u64, b: u64) -> u64\"\ndescription = \"The least common multiple of a and b, 0 when either is 0.\"\nuses = [\"gcd\"]\nexamples = [{ call = \"lcm(4, 6)\", expect = \"12\" }]\n";
/// Calls the used `gcd`: compiles only with it.
const LCM_CODE: &str =
    "pub fn lcm(a: u64, b: u64) -> u64 { if a == 0 || b == 0 { 0 } else { a / gcd(a, b) * b } }";

fn uses_fixture(name: &str, model: &ScriptedModel) -> Fixture {
    let settings = "repair-rounds = 0\ncandidates = 1\n";
    model_crate(name, settings, model, &[("gcd", GCD), ("lcm", LCM)])
}

#[test]
fn an_intent_uses_another_and_is_checked_again_when_that_code_changes() {
    let model = ScriptedModel::answering_by_name(&[("gcd", GCD_CODE), ("lcm", LCM_CODE)]);
    let f = uses_fixture("composed", &model);
    let (code, _, err) = run_full(&mut intent(&f, &["lock"]));
    assert_eq!(code, 0, "{err}");
    // gcd first; lcm's prompt shows gcd's signature and description, not its code.
    let prompts = model.prompts();
    assert_eq!(prompts.len(), 2, "{prompts:#?}");
    assert!(prompts[0].contains("complete function `gcd`"));
    assert!(prompts[1].contains("/// The greatest common divisor of a and b.\npub fn gcd(a: u64, b: u64) -> u64 { /* already written */ }"), "{}", prompts[1]);
    assert!(!prompts[1].contains("a % b"), "{}", prompts[1]);
    let lock = f.read("Intent.lock");
    assert!(lock.contains("uses = { gcd = \"sha256:"), "{lock}");
    // The crate builds from the lock alone: lcm calls gcd.
    f.write(
        "tests/uses.rs",
        "#[test]\nfn calls() {\n    assert_eq!(composed::lcm(21, 6), 42);\n}\n",
    );
    let (ok, out) = intent_tests::run(f.cargo("test").env("CI", "true"));
    assert!(ok, "{out}");

    // gcd's spec changes and its new code differs: lcm is checked again
    // with it, without a model call, and keeps its code.
    model.set_answer("gcd", GCD_LOOP);
    f.write(
        "intents/gcd.intent.toml",
        &GCD.replace("divisor of a and b.", "divisor of a and b (Euclid)."),
    );
    let (code, _, err) = run_full(&mut intent(&f, &["lock"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("Recorded composed::gcd"), "{err}");
    assert!(err.contains("Reverified composed::lcm"), "{err}");
    assert_eq!(model.calls(), 3, "only gcd asked the model");
    let (code, _, err) = run_full(&mut intent(&f, &["lock", "--check"]));
    assert_eq!(code, 0, "{err}");

    // A lock whose recorded use no longer matches says which used intent changed.
    let lock = f.read("Intent.lock");
    let start = lock.find("uses = { gcd = \"").unwrap() + "uses = { gcd = \"".len();
    let mut edited = lock.clone();
    edited.replace_range(start..start + 10, "sha256:000");
    f.write("Intent.lock", &edited);
    let (code, out, _) = run_full(&mut intent(&f, &["lock", "--check"]));
    assert_eq!(code, 1);
    assert!(
        out.contains("intent `lcm` is stale: uses: it uses `gcd`, whose accepted code changed"),
        "{out}"
    );
}

#[test]
fn a_user_of_a_refused_intent_is_blocked_and_bad_uses_are_located() {
    let model = ScriptedModel::answering_by_name(&[
        ("gcd", "pub fn gcd(a: u64, b: u64) -> u64 { a * b }"),
        ("lcm", LCM_CODE),
    ]);
    // A crate of its own name: concurrent runs of one crate share its
    // scratch folders under the target folder.
    let f = uses_fixture("blocked", &model);
    let (code, _, err) = run_full(&mut intent(&f, &["lock"]));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("error: intent `gcd` in blocked: no candidate passed"),
        "{err}"
    );
    assert!(
        err.contains("error: intent `lcm` in blocked was not generated: blocked: it uses `gcd`, which has no accepted code"),
        "{err}"
    );
    assert_eq!(model.calls(), 1, "lcm asked no model");

    f.write(
        "intents/lcm.intent.toml",
        &LCM.replace("[\"gcd\"]", "[\"gdc\"]"),
    );
    let (code, _, err) = run_full(&mut intent(&f, &["lock"]));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("intents/lcm.intent.toml:3:10: `uses` names `gdc`, which is not an intent of this crate (expected one of: gcd)"),
        "{err}"
    );
    f.write(
        "intents/gcd.intent.toml",
        &format!("{GCD}uses = [\"lcm\"]\n"),
    );
    f.write("intents/lcm.intent.toml", LCM);
    let (code, _, err) = run_full(&mut intent(&f, &["lock"]));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("intents use each other in a cycle: `gcd` → `lcm` → `gcd`"),
        "{err}"
    );
}

/// A clamp spec laid out by hand, with comments the answer must keep.
const CLAMP_COMMENTED: &str = r#"# Limits n; this comment must survive the answer.
signature = "pub fn clamp(n: i32, lo: i32, hi: i32) -> i32"
description = "n limited to lo..=hi."
examples = [
    # Above the range.
    { call = "clamp(5, 0, 3)", expect = "3" },
]
"#;

/// What settling the clamp question at a terminal saw: the call answered,
/// its right value, the model calls made before answering, and the whole
/// screen from the answer on.
struct Settled {
    call: String,
    right: i32,
    decoded: usize,
    screen: String,
}

/// Runs `cargo intent lock` on a real pseudo-terminal, picks the right
/// group's answer for the first splitting call of `clamp` and skips the
/// later ones, until `done` is printed; asserts exit 0.
fn settle_clamp_at_a_terminal(f: &Fixture, model: &ScriptedModel, done: &str) -> Settled {
    use expectrl::{Expect, Regex, Session};
    let target = tempfile::tempdir().unwrap();
    let mut cmd = intent(f, &["lock"]);
    cmd.env_remove("CI")
        .env("TERM", "xterm")
        .env("CARGO_TARGET_DIR", target.path());
    let mut session = Session::spawn(cmd).unwrap();
    session.set_expect_timeout(Some(Duration::from_secs(300)));

    // The first splitting call, then each group's answer, then the choices.
    let asked = session
        .expect(Regex(r"clamp\((-?\d+), (-?\d+), (-?\d+)\) returns"))
        .unwrap();
    let number = |i: usize| -> i32 {
        String::from_utf8_lossy(asked.get(i).unwrap())
            .parse()
            .unwrap()
    };
    let (n, lo, hi) = (number(1), number(2), number(3));
    let call = format!("clamp({n}, {lo}, {hi})");
    // What CLAMP_RIGHT and CLAMP_WRONG return (lo > hi is a generated input too).
    let right = if n < lo {
        lo
    } else if n > hi {
        hi
    } else {
        n
    };
    let wrong = if n > hi { hi } else { n };
    assert_ne!(right, wrong, "{call} does not split the groups");
    let listed = session.expect("skip").unwrap();
    let menu = String::from_utf8_lossy(listed.before()).to_string();
    let place = |value: i32| menu.find(&format!("{value}    (2 of 4 candidates)"));
    let (Some(right_at), Some(wrong_at)) = (place(right), place(wrong)) else {
        panic!("both groups' answers with their counts: {menu:?}");
    };
    let decoded = model.calls();
    if wrong_at < right_at {
        session.send("\x1b[B").unwrap();
    }
    session.send("\r").unwrap();
    // Later calls (if any) are skipped: one answer settles it.
    let mut screen = String::new();
    loop {
        let next = session
            .expect(expectrl::Any(vec![
                Box::new(Regex(r"returns")) as Box<dyn expectrl::Needle>,
                Box::new(done.to_string()),
            ]))
            .unwrap();
        screen.push_str(&String::from_utf8_lossy(next.before()));
        let matched = String::from_utf8_lossy(next.as_bytes()).to_string();
        screen.push_str(&matched);
        if matched.contains(done) {
            break;
        }
        session.expect("skip").unwrap();
        // `q` leaves this call and the later ones unanswered (an escape
        // sequence split across reads would be read as Esc and the rest
        // typed ahead into the next prompt).
        session.send("q").unwrap();
    }
    // The accepted code's open inputs are offered next: `q` leaves them.
    screen.push_str(&common::leave_offers(&mut session));
    Settled {
        call,
        right,
        decoded,
        screen,
    }
}

#[test]
fn a_question_is_settled_at_the_terminal_without_a_second_decode() {
    let model = ScriptedModel::answering_in_turn(&[CLAMP_WRONG, CLAMP_RIGHT]);
    let settings = "repair-rounds = 0\ncandidates = 2\n";
    let f = model_crate("answered", settings, &model, &[("clamp", CLAMP_COMMENTED)]);
    let Settled {
        call,
        right,
        decoded,
        ..
    } = settle_clamp_at_a_terminal(&f, &model, "Recorded answered::clamp");

    assert_eq!(model.calls(), decoded, "the model was asked again");
    let spec = f.read("intents/clamp.intent.toml");
    let added = format!("    {{ call = \"{call}\", expect = \"{right}\" }},\n");
    assert_eq!(
        spec,
        CLAMP_COMMENTED.replace("]\n", &format!("{added}]\n")),
        "the answer joins the examples, the rest as written"
    );
    let lock = f.read("Intent.lock");
    assert!(lock.contains("answered = 1"), "{lock}");
    assert!(
        f.read("intents/snapshots/clamp.snap").contains("if n < lo"),
        "the right candidate was accepted"
    );
}

#[test]
fn an_intent_waiting_for_an_answered_one_is_generated_in_the_same_run() {
    const BYTE: &str = "signature = \"pub fn to_byte(n: i32) -> i32\"\ndescription = \"n limited to 0..=255, with clamp.\"\nuses = [\"clamp\"]\nexamples = [{ call = \"to_byte(300)\", expect = \"255\" }]\n";
    const BYTE_CODE: &str = "pub fn to_byte(n: i32) -> i32 { clamp(n, 0, 255) }";
    // clamp's four candidates split two against two; to_byte, which waits
    // for clamp, gets the last two answers once clamp is settled.
    let model = ScriptedModel::answering_in_turn(&[
        CLAMP_WRONG,
        CLAMP_RIGHT,
        CLAMP_WRONG,
        CLAMP_RIGHT,
        BYTE_CODE,
        BYTE_CODE,
    ]);
    let settings = "repair-rounds = 0\ncandidates = 2\nseek-rival = false\n";
    let specs = [("clamp", CLAMP_COMMENTED), ("to_byte", BYTE)];
    let f = model_crate("waiting", settings, &model, &specs);
    let settled = settle_clamp_at_a_terminal(&f, &model, "Recorded waiting::to_byte");
    assert!(
        settled.screen.contains("Recorded waiting::clamp"),
        "{}",
        settled.screen
    );
    assert!(
        !settled.screen.contains("was not generated"),
        "{}",
        settled.screen
    );
    assert_eq!(
        model.calls(),
        settled.decoded + 2,
        "to_byte's two candidates"
    );
    assert!(f.read("Intent.lock").contains("name = \"to_byte\""));
}

/// Headless Chromium from the distribution (`scripts/test` installs it).
fn chromium(args: &[&str]) -> String {
    let output = std::process::Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
        ])
        .args(args)
        .output()
        .expect("chromium is on PATH (scripts/test installs it: apt-get install chromium)");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn the_run_is_a_page_a_browser_renders_with_the_groups_table() {
    let target = tempfile::tempdir().unwrap();
    let (f, _model) = clamp_fixture(&[CLAMP_WRONG, CLAMP_RIGHT]);
    let report = || run_full(intent(&f, &["report"]).env("CARGO_TARGET_DIR", target.path()));
    let (code, _, err) = report();
    assert_eq!(code, 2, "no page before a run: {err}");
    assert!(err.contains("help: run `cargo intent lock`"), "{err}");
    let (code, _, err) = run_full(intent(&f, &["lock"]).env("CARGO_TARGET_DIR", target.path()));
    assert_eq!(code, 1, "{err}");
    let page = target.path().join("intent/report.html");
    let (code, out, shown) = report();
    assert_eq!((code, out.trim()), (0, page.to_str().unwrap()), "{shown}");
    assert!(
        err.contains(&format!(
            "note: the run, every candidate and round, is in {}",
            page.display()
        )),
        "{err}"
    );
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        !html.contains("<script") && !html.contains("src=\"http") && !html.contains("href=\"http"),
        "self-contained, no script: {html}"
    );

    let url = format!("file://{}", page.display());
    let dom = chromium(&["--dump-dom", &url]);
    // The index: the intent, its outcome, a link to its section.
    assert!(dom.contains("<a href=\"#clamp\">clamp</a>"), "{dom}");
    assert!(
        dom.contains("class=\"outcome question\">question</span>"),
        "{dom}"
    );
    // The groups table: two groups of two, the splitting input, each
    // group's answer there (the wrong one returns n, the right one lo).
    let table = &dom[dom
        .find("<table class=\"question\">")
        .expect("the groups table")..];
    let table = &table[..table.find("</table>").unwrap()];
    assert_eq!(table.matches("2 of 4 candidates").count(), 2, "{table}");
    assert!(table.contains("<code>clamp("), "{table}");
    // The spec and both rounds with each candidate's verdict.
    assert!(dom.contains("n limited to lo..=hi."), "{dom}");
    assert!(dom.contains("Round 0") && dom.contains("Round 1"), "{dom}");
    assert_eq!(dom.matches("<td>passed</td>").count(), 4, "{dom}");

    // What the book shows: the page as this browser draws it.
    let shot = target.path().join("report.png");
    chromium(&[
        &format!("--screenshot={}", shot.display()),
        "--window-size=900,1100",
        &url,
    ]);
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
    if let Ok(keep) = std::env::var("INTENT_REPORT_SCREENSHOT") {
        std::fs::copy(&shot, keep).unwrap();
    }
}
