//! Whether each intent's accepted code still matches its spec.
//!
//! This is the offline fast path: it reads only specs, the lock and the
//! snapshots, and never a model.

use std::path::{Path, PathBuf};

use std::collections::BTreeMap;

use crate::dependencies::Dependencies;
use crate::error::Result;
use crate::lockfile::{LockEntry, Lockfile};
use crate::snapshot::{snapshot_path, Snapshot};
use crate::spec::SpecFile;

/// How an intent's accepted code relates to its spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// Lock entry and snapshot match the spec.
    Fresh,
    /// The lock has no entry for this intent.
    Missing,
    /// The spec's meaning changed since its code was accepted.
    SpecChanged {
        /// Hash recorded in the lock.
        locked: String,
        /// Hash of the spec now.
        current: String,
    },
    /// The snapshot's code no longer has the hash the lock recorded.
    Edited {
        /// The snapshot file.
        path: PathBuf,
        /// Hash recorded in the lock.
        locked: String,
        /// Hash of the file's code now.
        actual: String,
    },
    /// The lock has an entry but the snapshot file is gone.
    SnapshotMissing {
        /// Where the snapshot should be.
        path: PathBuf,
    },
    /// An intent it uses has other accepted code than the code it was
    /// verified with: `cargo intent lock` checks it again (no model needed
    /// unless that fails).
    UsesChanged {
        /// The used intent.
        used: String,
    },
    /// A crate its spec names is at another version in `Cargo.lock` than
    /// the one its code was accepted with: `cargo intent lock` checks it
    /// again with the new version (no model needed unless that fails).
    CratesChanged {
        /// The crate, as code names it.
        krate: String,
        /// The version recorded in the lock.
        locked: String,
        /// The version `Cargo.lock` holds now.
        current: String,
    },
}

impl State {
    /// Whether the accepted code can be used as it is.
    pub fn is_fresh(&self) -> bool {
        matches!(self, State::Fresh)
    }

    /// A short label for tables: `fresh`, `missing`, `stale: spec`, `edited`.
    pub fn label(&self) -> &'static str {
        match self {
            State::Fresh => "fresh",
            State::Missing => "missing",
            State::SpecChanged { .. } => "stale: spec",
            State::Edited { .. } => "edited",
            State::SnapshotMissing { .. } => "missing: snapshot",
            State::UsesChanged { .. } => "stale: uses",
            State::CratesChanged { .. } => "stale: crates",
        }
    }

    /// What changed, as a phrase: `spec changed (sha256:1234abcd… → sha256:…)`.
    pub fn describe(&self) -> String {
        match self {
            State::Fresh => "fresh".into(),
            State::Missing => "has no entry in Intent.lock".into(),
            State::SpecChanged { locked, current } => {
                format!(
                    "spec changed (spec hash {} → {})",
                    short(locked),
                    short(current)
                )
            }
            State::Edited {
                path,
                locked,
                actual,
            } => format!(
                "accepted code in {} was edited by hand (lock has {}, file has {})",
                path.display(),
                short(locked),
                short(actual)
            ),
            State::SnapshotMissing { path } => {
                format!("accepted code {} is missing", path.display())
            }
            State::UsesChanged { used } => format!(
                "it uses `{used}`, whose accepted code changed since it was verified with it"
            ),
            State::CratesChanged {
                krate,
                locked,
                current,
            } => format!(
                "it uses the crate `{krate}`, now {current} in Cargo.lock (its code was accepted with {locked})"
            ),
        }
    }
}

/// `sha256:` and the first 12 hex digits: enough to tell hashes apart in messages.
pub fn short(hash: &str) -> String {
    match hash.strip_prefix("sha256:") {
        Some(hex) if hex.len() > 12 => format!("sha256:{}…", &hex[..12]),
        _ => hash.to_string(),
    }
}

/// One intent with its lock entry, snapshot and state.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct IntentStatus {
    /// The parsed spec.
    pub spec: SpecFile,
    /// Its lock entry, if any.
    pub entry: Option<LockEntry>,
    /// Its accepted snapshot, if any.
    pub snapshot: Option<Snapshot>,
    /// The verdict.
    pub state: State,
}

/// Compares each spec with its lock entry and snapshot.
///
/// `crate_root` makes snapshot paths in messages relative.
///
/// # Errors
///
/// A snapshot that exists but cannot be read or parsed.
pub fn assess(
    specs: Vec<SpecFile>,
    lock: &Lockfile,
    specs_dir: &Path,
    crate_root: &Path,
) -> Result<Vec<IntentStatus>> {
    let versions = crate_versions(&specs, lock, crate_root)?;
    specs
        .into_iter()
        .map(|spec| {
            let entry = lock.entries.get(&spec.spec.name).cloned();
            let path = snapshot_path(specs_dir, &spec.spec.name);
            let shown = path.strip_prefix(crate_root).unwrap_or(&path).to_path_buf();
            let snapshot = match &entry {
                Some(_) => Snapshot::read(&path)?,
                None => None,
            };
            let state = match (&entry, &snapshot) {
                (None, _) => State::Missing,
                (Some(entry), _) if entry.spec_hash != spec.hash => State::SpecChanged {
                    locked: entry.spec_hash.clone(),
                    current: spec.hash.clone(),
                },
                (Some(_), None) => State::SnapshotMissing { path: shown },
                (Some(entry), Some(snap)) => {
                    let actual = snap.output_hash();
                    let changed_use = entry.uses.iter().find(|(used, hash)| {
                        lock.entries.get(*used).map(|e| &e.output_hash) != Some(*hash)
                    });
                    if actual != entry.output_hash {
                        State::Edited {
                            path: shown,
                            locked: entry.output_hash.clone(),
                            actual,
                        }
                    } else if let Some((used, _)) = changed_use {
                        State::UsesChanged { used: used.clone() }
                    } else if let Some(changed) = changed_crate(entry, &versions) {
                        changed
                    } else {
                        State::Fresh
                    }
                }
            };
            Ok(IntentStatus {
                spec,
                entry,
                snapshot,
                state,
            })
        })
        .collect()
}

/// The version `Cargo.lock` holds of each crate a locked spec names; read
/// only when one does (the fast path of every other crate stays as it was).
fn crate_versions(
    specs: &[SpecFile],
    lock: &Lockfile,
    crate_root: &Path,
) -> Result<BTreeMap<String, String>> {
    let names: Vec<String> = specs
        .iter()
        .filter(|s| lock.entries.get(&s.spec.name).is_some_and(|e| !e.crates.is_empty()))
        .flat_map(|s| s.spec.crates.iter().cloned())
        .collect();
    if names.is_empty() {
        return Ok(BTreeMap::new());
    }
    Dependencies::of_package(crate_root)?.locked_versions(crate_root, &names)
}

/// The first crate `entry` was accepted with at another version than
/// `Cargo.lock` holds now.
fn changed_crate(entry: &LockEntry, versions: &BTreeMap<String, String>) -> Option<State> {
    entry.crates.iter().find_map(|(krate, locked)| {
        let current = versions.get(krate)?;
        (current != locked).then(|| State::CratesChanged {
            krate: krate.clone(),
            locked: locked.clone(),
            current: current.clone(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lockfile::ModelIdentity;

    const SPEC: &str = "signature = \"pub fn f(a: i32) -> i32\"\ndescription = \"Twice a.\"\nexamples = [{ call = \"f(2)\", expect = \"4\" }]\n";
    const CODE: &str = "pub fn f(a: i32) -> i32 {\n    a * 2\n}";

    fn entry(spec_hash: &str, output_hash: &str) -> LockEntry {
        LockEntry {
            name: "f".into(),
            spec: "intents/f.intent.toml".into(),
            spec_hash: spec_hash.into(),
            author: Default::default(),
            model: ModelIdentity {
                provider: "p".into(),
                name: "m".into(),
                digest: "d".into(),
                note: None,
            },
            prompt: "intent-prompt/2".into(),
            params_hash: String::new(),
            output_hash: output_hash.into(),
            functional_hash: String::new(),
            gates: Vec::new(),
            uses: Default::default(),
            crates: Default::default(),
            capabilities: Vec::new(),
            confidence: None,
            checks_hash: None,
        }
    }

    /// The state of `f` with `entry` in the lock and `code` (if any) in its snapshot.
    fn state_of(entry: Option<LockEntry>, code: Option<&str>) -> State {
        let dir = tempfile::tempdir().unwrap();
        let specs_dir = dir.path().join("intents");
        let spec = crate::spec::parse_str(SPEC, &specs_dir.join("f.intent.toml")).unwrap();
        if let Some(code) = code {
            let snapshot = Snapshot {
                source: "intents/f.intent.toml".into(),
                expression: "pub fn f(a: i32) -> i32".into(),
                code: code.into(),
            };
            let path = snapshot_path(&specs_dir, "f");
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, snapshot.render()).unwrap();
        }
        let entry = entry.map(|mut e| {
            if e.spec_hash == "current" {
                e.spec_hash = spec.hash.clone();
            }
            e
        });
        let mut lock = Lockfile::default();
        if let Some(e) = entry {
            lock.entries.insert("f".into(), e);
        }
        let mut statuses = assess(vec![spec], &lock, &specs_dir, dir.path()).unwrap();
        statuses.remove(0).state
    }

    #[test]
    fn each_state_is_told_apart() {
        let hash = crate::snapshot::output_hash(CODE);
        assert_eq!(state_of(None, Some(CODE)), State::Missing);
        assert_eq!(
            state_of(Some(entry("current", &hash)), Some(CODE)),
            State::Fresh
        );
        assert!(matches!(
            state_of(Some(entry("sha256:old", &hash)), Some(CODE)),
            State::SpecChanged { ref locked, .. } if locked == "sha256:old"
        ));
        assert_eq!(
            state_of(Some(entry("current", &hash)), None),
            State::SnapshotMissing {
                path: "intents/snapshots/f.snap".into()
            }
        );
        let edited = state_of(
            Some(entry("current", &hash)),
            Some("pub fn f(a: i32) -> i32 { a + a }"),
        );
        assert!(
            matches!(edited, State::Edited { ref path, .. } if path.ends_with("f.snap")),
            "{edited:?}"
        );
        assert!(!edited.is_fresh());
    }
}
