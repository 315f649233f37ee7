//! `Intent.lock` under concurrent writers.

use std::path::Path;
use std::process::Command;

use intent_build::lockfile::{LockEntry, Lockfile, ModelIdentity};

const CHILD_DIR: &str = "INTENT_TEST_LOCK_DIR";
const CHILD_PREFIX: &str = "INTENT_TEST_LOCK_PREFIX";
const PER_WRITER: usize = 40;

fn entry(name: &str) -> LockEntry {
    LockEntry {
        name: name.into(),
        spec: format!("intents/{name}.intent.toml"),
        spec_hash: format!("sha256:{name}"),
        author: Default::default(),
        model: ModelIdentity {
            provider: "embedded".into(),
            name: "m".into(),
            digest: "sha256:00".into(),
            note: None,
        },
        prompt: "intent-prompt/1".into(),
        params_hash: "sha256:01".into(),
        output_hash: "sha256:02".into(),
        functional_hash: "sha256:03".into(),
        gates: vec!["parse".into()],
        uses: Default::default(),
        crates: Default::default(),
        capabilities: Vec::new(),
        confidence: None,
        checks_hash: None,
    }
}

/// Runs as a child process of `two_processes_never_lose_an_entry`.
#[test]
#[ignore = "helper: a lock writer process started by two_processes_never_lose_an_entry"]
fn lock_writer_process() {
    let dir = std::env::var(CHILD_DIR).expect("started by the parent test");
    let prefix = std::env::var(CHILD_PREFIX).unwrap();
    let path = Path::new(&dir).join("Intent.lock");
    for i in 0..PER_WRITER {
        let name = format!("{prefix}{i}");
        Lockfile::update(&path, |lock| {
            lock.entries.insert(name.clone(), entry(&name));
            Ok(())
        })
        .unwrap();
    }
}

#[test]
fn two_processes_never_lose_an_entry() {
    let dir = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = ["a", "b"]
        .iter()
        .map(|prefix| {
            Command::new(&exe)
                .args(["--ignored", "--exact", "lock_writer_process", "--quiet"])
                .env(CHILD_DIR, dir.path())
                .env(CHILD_PREFIX, prefix)
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let lock = Lockfile::load(&dir.path().join("Intent.lock")).unwrap();
    assert_eq!(lock.entries.len(), 2 * PER_WRITER, "entries were lost");
    // No temporary files are left behind.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n != "Intent.lock")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn unchanged_lock_is_not_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Intent.lock");
    Lockfile::update(&path, |lock| {
        lock.entries.insert("a".into(), entry("a"));
        Ok(())
    })
    .unwrap();
    let before = std::fs::metadata(&path).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    Lockfile::update(&path, |_| Ok(())).unwrap();
    let after = std::fs::metadata(&path).unwrap();
    assert_eq!(before.modified().unwrap(), after.modified().unwrap());
    use std::os::unix::fs::MetadataExt;
    assert_eq!(before.ino(), after.ino(), "the file was replaced");
}

#[test]
fn a_failing_change_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Intent.lock");
    let result: intent_build::Result<()> = Lockfile::update(&path, |lock| {
        lock.entries.insert("a".into(), entry("a"));
        Err(intent_build::Error::setting("stop"))
    });
    // The closure's own error comes back, not one from writing the file.
    match result {
        Err(intent_build::Error::Setting {
            message,
            help: None,
        }) => assert_eq!(message, "stop"),
        other => panic!("expected the closure's error, got {other:?}"),
    }
    assert!(!path.exists());
}
