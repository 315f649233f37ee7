//! Helpers for the end-to-end tests: real fixture crates in temporary folders,
//! built with the real `cargo`.
//!
//! Fixture crates depend on this workspace's `intent-build` by path, reuse the
//! workspace's `Cargo.lock` (so no new versions are resolved) and share one
//! target folder under the workspace's `target/`, so only the first build of a
//! test run compiles dependencies.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use intent_build::lock::{LockEntry, Lockfile, ModelIdentity};
use intent_build::snapshot::{snapshot_path, Snapshot};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A crate in a temporary folder.
pub struct Fixture {
    _dir: tempfile::TempDir,
    /// The crate root.
    pub root: PathBuf,
    /// The package name.
    pub name: String,
}

impl Fixture {
    /// A library crate named `name` whose build script runs `intent_build::compile()`.
    pub fn new(name: &str) -> Fixture {
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
        let build_dep = workspace_root().join("intent-build");
        fixture.write(
            "Cargo.toml",
            &format!(
                "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
                 [build-dependencies]\nintent-build = {{ path = {:?}, default-features = false }}\n\n[workspace]\n",
                build_dep.display().to_string()
            ),
        );
        fixture.write(
            "build.rs",
            "fn main() -> Result<(), Box<dyn std::error::Error>> {\n    intent_build::compile()?;\n    Ok(())\n}\n",
        );
        fixture.write(
            "src/lib.rs",
            "include!(concat!(env!(\"OUT_DIR\"), \"/intents.rs\"));\n",
        );
        std::fs::copy(
            workspace_root().join("Cargo.lock"),
            fixture.root.join("Cargo.lock"),
        )
        .unwrap();
        fixture
    }

    /// Writes a file relative to the crate root.
    pub fn write(&self, rel: &str, content: &str) {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }

    /// Reads a file relative to the crate root.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap()
    }

    /// Records `code` as the accepted code of the intent in `spec_rel`, the
    /// way the pipeline's acceptance step stores it: snapshot plus lock entry.
    pub fn accept(&self, spec_rel: &str, code: &str) {
        let spec =
            intent_build::spec::parse_file(&self.root.join(spec_rel), Path::new(spec_rel)).unwrap();
        let snapshot = Snapshot {
            source: spec_rel.to_string(),
            expression: spec.spec.signature.clone(),
            code: code.trim_end().to_string(),
        };
        let path = snapshot_path(&self.root.join("intents"), &spec.spec.name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, snapshot.render()).unwrap();
        Lockfile::update(&self.root.join("Intent.lock"), |lock| {
            lock.entries.insert(
                spec.spec.name.clone(),
                LockEntry {
                    name: spec.spec.name.clone(),
                    spec: spec_rel.to_string(),
                    spec_hash: spec.hash.clone(),
                    model: ModelIdentity {
                        provider: "test".into(),
                        name: "hand-written fixture".into(),
                        digest: "none".into(),
                        note: Some("written by the test suite, not a model".into()),
                    },
                    prompt: "intent-prompt/1".into(),
                    params_hash: "sha256:00".into(),
                    output_hash: snapshot.output_hash(),
                    functional_hash: "sha256:00".into(),
                    gates: vec!["parse".into(), "compile".into(), "examples".into()],
                },
            );
            Ok(())
        })
        .unwrap();
    }

    /// `cargo SUBCOMMAND` in the crate, with a shared target folder and a
    /// clean environment: no `CI`, no model, regeneration switches unset.
    pub fn cargo(&self, subcommand: &str) -> Command {
        let mut cmd = Command::new(env!("CARGO"));
        cmd.arg(subcommand)
            .arg("--quiet")
            .current_dir(&self.root)
            .env("CARGO_TARGET_DIR", workspace_root().join("target/fixtures"))
            .env("CARGO_TERM_COLOR", "never");
        for var in intent_build::env::WATCHED {
            cmd.env_remove(var);
        }
        cmd
    }
}

/// Runs `cmd` and returns its output, stdout and stderr joined, and whether it succeeded.
pub fn run(cmd: &mut Command) -> (bool, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&stdout),
        String::from_utf8_lossy(&stderr)
    );
    (status.success(), text)
}

/// Every file under `root` except `target/` and `Cargo.lock` (which Cargo
/// itself trims), with its bytes: used to prove a
/// build wrote nothing outside `OUT_DIR`.
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
