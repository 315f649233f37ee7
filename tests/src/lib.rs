//! Helpers for the end-to-end tests: real fixture crates in temporary folders,
//! built with the real `cargo`.
//!
//! Fixture crates depend on this workspace's `intent-build` by path, reuse the
//! workspace's `Cargo.lock` (so no new versions are resolved) and share one
//! target folder under the workspace's `target/`, so only the first build of a
//! test run compiles dependencies.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use intent_build::lockfile::{LockEntry, Lockfile, ModelIdentity};
use intent_build::settings::{ProviderKind, ProviderSettings};
use intent_build::snapshot::{snapshot_path, Snapshot};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A crate (or a workspace of crates) in a temporary folder.
pub struct Fixture {
    _dir: tempfile::TempDir,
    /// The crate or workspace root.
    pub root: PathBuf,
    /// The package (or workspace folder) name.
    pub name: String,
}

impl Fixture {
    /// A library crate named `name` whose build script runs `intent_build::compile()`.
    pub fn new(name: &str) -> Fixture {
        Fixture::with_manifest(name, "", "[workspace]\n")
    }

    /// Like [`Fixture::new`], with `package_extra` inside `[package]` (e.g. a
    /// `[package.metadata.intent]` table) and `tail` at the end of Cargo.toml.
    pub fn with_manifest(name: &str, package_extra: &str, tail: &str) -> Fixture {
        let dir = tempfile::Builder::new()
            .prefix("intent-fixture-")
            .tempdir()
            .unwrap();
        let root = dir.path().join(name);
        let fixture = Fixture {
            _dir: dir,
            root,
            name: name.to_string(),
        };
        fixture.write_crate("", name, package_extra, tail);
        std::fs::copy(
            workspace_root().join("Cargo.lock"),
            fixture.root.join("Cargo.lock"),
        )
        .unwrap();
        fixture
    }

    /// A virtual workspace with one crate per name in its own folder, each
    /// with its own intents and lock.
    pub fn workspace(names: &[&str]) -> Fixture {
        let dir = tempfile::Builder::new()
            .prefix("intent-fixture-")
            .tempdir()
            .unwrap();
        let root = dir.path().join("ws");
        let fixture = Fixture {
            _dir: dir,
            root,
            name: "ws".into(),
        };
        let members = names
            .iter()
            .map(|n| format!("{n:?}"))
            .collect::<Vec<_>>()
            .join(", ");
        fixture.write(
            "Cargo.toml",
            &format!("[workspace]\nresolver = \"2\"\nmembers = [{members}]\n"),
        );
        for name in names {
            fixture.write_crate(&format!("{name}/"), name, "", "");
        }
        std::fs::copy(
            workspace_root().join("Cargo.lock"),
            fixture.root.join("Cargo.lock"),
        )
        .unwrap();
        fixture
    }

    fn write_crate(&self, prefix: &str, name: &str, package_extra: &str, tail: &str) {
        let build_dep = workspace_root().join("intent-build");
        self.write(
            &format!("{prefix}Cargo.toml"),
            &format!(
                "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n{package_extra}\n\
                 [build-dependencies]\nintent-build = {{ path = {:?}, default-features = false }}\n\n{tail}",
                build_dep.display().to_string()
            ),
        );
        self.write(
            &format!("{prefix}build.rs"),
            "fn main() -> Result<(), Box<dyn std::error::Error>> {\n    intent_build::compile()?;\n    Ok(())\n}\n",
        );
        self.write(
            &format!("{prefix}src/lib.rs"),
            "include!(concat!(env!(\"OUT_DIR\"), \"/intents.rs\"));\n",
        );
    }

    /// Writes a file relative to the root.
    pub fn write(&self, rel: &str, content: &str) {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }

    /// Reads a file relative to the root.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap()
    }

    /// Records `code` as the accepted code of the intent in `spec_rel`, the
    /// way the pipeline's acceptance step stores it: snapshot plus lock entry.
    pub fn accept(&self, spec_rel: &str, code: &str) {
        self.accept_in("", spec_rel, code);
    }

    /// [`Fixture::accept`] for the crate in folder `prefix` (`""` or `"a/"`).
    ///
    /// The entry names the default embedded model and its parameters, so
    /// `lock --check` sees it as fresh; its note says who wrote the code.
    pub fn accept_in(&self, prefix: &str, spec_rel: &str, code: &str) {
        let crate_root = self.root.join(prefix);
        let spec = intent_build::spec::parse_file(&crate_root.join(spec_rel), Path::new(spec_rel))
            .unwrap();
        let snapshot = Snapshot {
            source: spec_rel.to_string(),
            expression: spec.spec.signature.clone(),
            code: code.trim_end().to_string(),
        };
        let path = snapshot_path(&crate_root.join("intents"), &spec.spec.name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, snapshot.render()).unwrap();
        let default = intent_build::models::known(intent_build::models::DEFAULT_MODEL).unwrap();
        let params = ProviderSettings::of_kind(ProviderKind::Embedded).params();
        Lockfile::update(&crate_root.join("Intent.lock"), |lock| {
            lock.entries.insert(
                spec.spec.name.clone(),
                LockEntry {
                    name: spec.spec.name.clone(),
                    spec: spec_rel.to_string(),
                    spec_hash: spec.hash.clone(),
                    author: Default::default(),
                    model: ModelIdentity {
                        provider: "embedded".into(),
                        name: default.name.into(),
                        digest: default.sha256.into(),
                        note: Some("code written by the test suite, not a model".into()),
                    },
                    prompt: intent_build::generate::prompt::TEMPLATE_VERSION.into(),
                    params_hash: params.hash(),
                    output_hash: snapshot.output_hash(),
                    functional_hash: "sha256:00".into(),
                    gates: vec!["parse".into(), "compile".into(), "examples".into()],
                    uses: Default::default(),
                    crates: Default::default(),
                    capabilities: Vec::new(),
                    confidence: None,
                    checks_hash: None,
                },
            );
            Ok(())
        })
        .unwrap();
    }

    /// `cargo SUBCOMMAND` in the root, with a shared target folder and a clean
    /// environment: no `CI`, no model override, regeneration switches unset.
    pub fn cargo(&self, subcommand: &str) -> Command {
        let mut cmd = Command::new(env!("CARGO"));
        cmd.arg(subcommand).arg("--quiet");
        self.prepare(&mut cmd);
        cmd
    }

    /// Runs `program` (e.g. the `cargo-intent` binary) in the root with the
    /// same clean environment as [`Fixture::cargo`].
    pub fn command(&self, program: &Path) -> Command {
        let mut cmd = Command::new(program);
        self.prepare(&mut cmd);
        cmd
    }

    fn prepare(&self, cmd: &mut Command) {
        cmd.current_dir(&self.root)
            .env("CARGO_TARGET_DIR", workspace_root().join("target/fixtures"))
            .env("CARGO_TERM_COLOR", "never");
        for var in intent_build::env::WATCHED {
            if *var != intent_build::env::INTENT_HOME {
                cmd.env_remove(var);
            }
        }
        // The engine a build script hands regeneration to: this checkout's.
        if let Some(bin) = cargo_intent_bin() {
            cmd.env(intent_build::env::INTENT_CARGO_INTENT, bin);
        }
    }
}

/// Runs `cmd` and returns whether it succeeded and its stdout and stderr joined.
pub fn run(cmd: &mut Command) -> (bool, String) {
    let (code, stdout, stderr) = run_full(cmd);
    (code == 0, format!("{stdout}{stderr}"))
}

/// Runs `cmd`: exit code (-1 when killed), stdout, stderr.
pub fn run_full(cmd: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().unwrap();
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).to_string(),
        String::from_utf8_lossy(&stderr).to_string(),
    )
}

/// Every file under `root` except `target/` and `Cargo.lock` (which Cargo
/// itself trims), with its bytes: used to prove a build wrote nothing
/// outside `OUT_DIR`.
pub fn tree(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = walk(root)
        .into_iter()
        .filter(|p| !p.starts_with(root.join("target")) && !p.ends_with("Cargo.lock"))
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    files.sort();
    files
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// The scripted model: a `command` provider that answers every request for
/// code with the same code in a Rust fence. Tests that need generation to
/// *succeed* use it, because a real model's greedy answer differs between
/// machines. Asked for checks drawn from a description, it writes none (an
/// empty block): [`ScriptedModel::check_calls`] counts those requests, and
/// they leave the code answers' turns, prompts and counts as they were.
pub struct ScriptedModel {
    _dir: tempfile::TempDir,
    /// The file holding the answer; deleting it takes the provider away.
    pub reply: PathBuf,
}

impl ScriptedModel {
    /// A provider whose every answer is `code`.
    pub fn answering(code: &str) -> ScriptedModel {
        let dir = tempfile::tempdir().unwrap();
        let reply = dir.path().join("reply.txt");
        std::fs::write(&reply, format!("```rust\n{code}\n```\n")).unwrap();
        let model = ScriptedModel { _dir: dir, reply };
        model.script(&format!("cat {}\n", model.reply.display()));
        model
    }

    /// A provider answering `codes` in turn: request k gets `codes[k % len]`
    /// (a round's candidates are asked one after another).
    pub fn answering_in_turn(codes: &[&str]) -> ScriptedModel {
        let model = ScriptedModel::answering(codes[0]);
        for (k, code) in codes.iter().enumerate() {
            std::fs::write(
                model._dir.path().join(format!("reply{k}.txt")),
                format!("```rust\n{code}\n```\n"),
            )
            .unwrap();
        }
        model.script(&format!("cat DIR/reply$((n % {})).txt\n", codes.len()));
        model
    }

    /// A provider answering each intent with its own code: the reply for
    /// the first `(name, code)` whose function the prompt asks for. Every
    /// prompt is kept (`prompts`).
    pub fn answering_by_name(codes: &[(&str, &str)]) -> ScriptedModel {
        let model = ScriptedModel::answering(codes[0].1);
        let dir = model._dir.path();
        let mut body = String::new();
        for (name, code) in codes {
            std::fs::write(
                dir.join(format!("{name}.txt")),
                format!("```rust\n{code}\n```\n"),
            )
            .unwrap();
            body.push_str(&format!(
                "if grep -q 'complete function `{name}`' DIR/prompt-$n.txt; then cat DIR/{name}.txt; exit 0; fi\n"
            ));
        }
        body.push_str("exit 1\n");
        model.script(&body);
        model
    }

    /// A provider answering each intent with its codes in turn: for the
    /// first `(name, codes)` whose function the prompt asks for, request N
    /// (counting every code request) gets `codes[N % codes.len()]`, so the
    /// candidates of a round can disagree.
    pub fn answering_by_name_in_turn(codes: &[(&str, Vec<&str>)]) -> ScriptedModel {
        let model = ScriptedModel::answering(codes[0].1[0]);
        let dir = model._dir.path();
        let mut body = String::new();
        for (name, answers) in codes {
            for (k, code) in answers.iter().enumerate() {
                std::fs::write(
                    dir.join(format!("{name}-{k}.txt")),
                    format!("```rust\n{code}\n```\n"),
                )
                .unwrap();
            }
            body.push_str(&format!(
                "if grep -q 'complete function `{name}`' DIR/prompt-$n.txt; then cat DIR/{name}-$((n % {})).txt; exit 0; fi\n",
                answers.len()
            ));
        }
        body.push_str("exit 1\n");
        model.script(&body);
        model
    }

    /// Writes `reply.sh`: a request for checks gets an empty block and a
    /// line in `checks.log`; a request for code a line in `calls.log`, its
    /// prompt kept as `prompt-N.txt` (N counting code requests from 0), and
    /// `body`'s answer (`$n` is N, `DIR` the script's folder).
    fn script(&self, body: &str) {
        let script = format!(
            "t=DIR/prompt.$$\ncat > $t\n\
             if grep -q 'expert Rust tester' $t; then rm -f $t; echo >> DIR/checks.log; printf '```rust\\n```\\n'; exit 0; fi\n\
             n=$(cat DIR/calls.log 2>/dev/null | wc -l)\necho >> DIR/calls.log\nmv $t DIR/prompt-$n.txt\n{body}"
        );
        let dir = self._dir.path();
        std::fs::write(
            dir.join("reply.sh"),
            script.replace("DIR", &dir.display().to_string()),
        )
        .unwrap();
    }

    /// Every code prompt it was sent, in order.
    pub fn prompts(&self) -> Vec<String> {
        (0..self.calls())
            .filter_map(|n| {
                std::fs::read_to_string(self._dir.path().join(format!("prompt-{n}.txt"))).ok()
            })
            .collect()
    }

    /// Replaces the code it answers for `name`.
    pub fn set_answer(&self, name: &str, code: &str) {
        std::fs::write(
            self._dir.path().join(format!("{name}.txt")),
            format!("```rust\n{code}\n```\n"),
        )
        .unwrap();
    }

    /// Its `[[package.metadata.intent.providers]]` table.
    pub fn provider_table(&self) -> String {
        format!(
            "[[package.metadata.intent.providers]]\nkind = \"command\"\ncommand = [\"sh\", \"{}/reply.sh\"]\n",
            self._dir.path().display()
        )
    }

    /// How many requests for code it answered.
    pub fn calls(&self) -> usize {
        Self::lines(&self._dir.path().join("calls.log"))
    }

    /// How many requests for checks drawn from a description it answered.
    pub fn check_calls(&self) -> usize {
        Self::lines(&self._dir.path().join("checks.log"))
    }

    fn lines(log: &Path) -> usize {
        std::fs::read_to_string(log).map_or(0, |log| log.lines().count())
    }
}

/// Threads for real-model tests: `INTENT_TEST_THREADS` (`scripts/test` runs
/// them with 1 and again with 2, which changes greedy output), else 1.
pub fn model_threads() -> i32 {
    std::env::var("INTENT_TEST_THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(1)
}

/// The `cargo-intent` binary that `cargo test --workspace` built beside the
/// running test, if it is there.
pub fn cargo_intent_bin() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    // target/debug/deps/TEST → target/debug/cargo-intent
    let bin = exe
        .parent()?
        .parent()?
        .join(format!("cargo-intent{}", std::env::consts::EXE_SUFFIX));
    bin.is_file().then_some(bin)
}

// One server helper for both test crates (intent-build's provider tests
// and the end-to-end ones): llama-cpp-python with the test model.
#[path = "../../intent-build/tests/support/python.rs"]
mod python;
pub use python::PythonServer;
