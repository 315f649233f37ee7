//! Accepting a verified candidate: the snapshot and the lock entry together.
//!
//! The snapshot is written first and the lock second, each atomically (temp
//! file + rename), under the crate's lock. An interruption between the two
//! leaves the old lock intact and a snapshot the lock does not vouch for, which
//! the build reports as edited: never a silent mismatch. With review on, the
//! candidate waits as `NAME.snap.new` (insta's pending file) plus a pending
//! record under `target/intent/pending/`, and nothing accepted changes.
//!
//! Beside the snapshot, `NAME.behaviour` pins what the accepted code did on
//! the generated inputs (its hash is the lock's `functional-hash`), written
//! before the snapshot, so the lock never vouches for a file not yet there.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::judge::PassingCandidate;
use crate::error::{Error, Result};
use crate::lockfile::{LockEntry, Lockfile};
use crate::files::{sha256_hex, write_if_changed};
use crate::snapshot::{behaviour_path, checks_path, output_hash, pending_path, snapshot_path, Snapshot};
use crate::spec::SpecFile;

/// Where a crate keeps its accepted and pending results.
#[derive(Debug, Clone)]
pub struct Store {
    /// `Intent.lock`.
    pub lockfile: PathBuf,
    /// The spec folder (snapshots live in `snapshots/` under it).
    pub specs_dir: PathBuf,
    /// `target/intent/pending/PACKAGE`: results waiting to be recorded.
    pub pending_dir: PathBuf,
}

/// A result waiting to be recorded: the lock entry it would get and its code.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pending {
    /// The entry to record.
    pub entry: LockEntry,
    /// The accepted code.
    pub code: String,
    /// Written for review as `NAME.snap.new`: recorded only once a reviewer
    /// accepts it (`cargo intent accept`, or `cargo insta accept` moving it
    /// to `NAME.snap`), and dropped when they reject it.
    #[serde(default)]
    pub review: bool,
    /// The pinned behaviour file's text, when behaviour was judged.
    #[serde(default)]
    pub behaviour: Option<String>,
    /// The checks file's text, when checks drawn from the description were agreed.
    #[serde(default)]
    pub checks: Option<String>,
}

/// The pinned behaviour file's text for `candidate`.
fn behaviour_text(candidate: &PassingCandidate) -> Option<String> {
    candidate
        .behaviour
        .as_ref()
        .map(|b| b.render(candidate.agreement))
}

/// What acceptance did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepted {
    /// Snapshot and lock entry written.
    Recorded,
    /// Same code and behaviour as before; only the lock entry's inputs were updated.
    Unchanged,
    /// Written as `NAME.snap.new` for review.
    Pending,
    /// Nothing written (CI: never write).
    Skipped,
    /// Kept as a pending record only, for a later `lock` to adopt.
    Kept,
}

fn entry_for(spec: &SpecFile, candidate: &PassingCandidate) -> LockEntry {
    LockEntry {
        name: spec.spec.name.clone(),
        spec: spec.path.display().to_string().replace('\\', "/"),
        spec_hash: spec.hash.clone(),
        author: Default::default(),
        model: candidate.identity.clone(),
        prompt: candidate.prompt.clone(),
        params_hash: candidate.params_hash.clone(),
        output_hash: output_hash(&candidate.code),
        functional_hash: candidate.functional_hash.clone(),
        gates: candidate
            .gates
            .iter()
            .map(|g| g.name().to_string())
            .collect(),
        uses: candidate.uses.clone(),
        crates: candidate.crates.clone(),
        capabilities: spec
            .spec
            .capabilities
            .iter()
            .map(|c| c.name().to_string())
            .collect(),
        confidence: candidate.confidence,
        checks_hash: candidate.checks.as_deref().map(|text| sha256_hex(text.as_bytes())),
    }
}

impl Store {
    /// The snapshot that holds `code` as `spec`'s accepted code.
    pub(crate) fn snapshot(spec: &SpecFile, code: &str) -> Snapshot {
        Snapshot {
            source: spec.path.display().to_string().replace('\\', "/"),
            expression: spec.spec.signature.clone(),
            code: code.trim_end().to_string(),
        }
    }

    /// Records `candidate` for `spec` (or, with `review`, leaves it pending;
    /// with `ci`, writes nothing).
    ///
    /// # Errors
    ///
    /// When a file cannot be written; what was accepted before stays.
    pub fn accept(
        &self,
        spec: &SpecFile,
        candidate: &PassingCandidate,
        review: bool,
        ci: bool,
    ) -> Result<Accepted> {
        if ci {
            return Ok(Accepted::Skipped);
        }
        let entry = entry_for(spec, candidate);
        if review {
            let snapshot = Store::snapshot(spec, &candidate.code);
            write_if_changed(
                &pending_path(&self.specs_dir, &spec.spec.name),
                &snapshot.render(),
            )?;
            self.save_pending(spec, candidate, true)?;
            return Ok(Accepted::Pending);
        }
        self.write_checks(&spec.spec.name, candidate.checks.as_deref())?;
        self.record(spec, &candidate.code, entry, behaviour_text(candidate))
    }

    /// Writes (or, with `None`, removes) `snapshots/NAME.checks` before the
    /// lock entry that vouches for it: a lock never names a checks file
    /// that is not there, and a file no entry names is one `verify` reports.
    fn write_checks(&self, name: &str, text: Option<&str>) -> Result<()> {
        let path = checks_path(&self.specs_dir, name);
        match text {
            Some(text) => write_if_changed(&path, text).map(|_| ()),
            None => match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(&path, e)),
                _ => Ok(()),
            },
        }
    }

    pub(crate) fn record(
        &self,
        spec: &SpecFile,
        code: &str,
        entry: LockEntry,
        behaviour: Option<String>,
    ) -> Result<Accepted> {
        let name = spec.spec.name.clone();
        let pinned = behaviour_path(&self.specs_dir, &name);
        match &behaviour {
            Some(text) => {
                write_if_changed(&pinned, text)?;
            }
            // Code whose behaviour could not be judged pins none: an older
            // file would describe other code.
            None => match std::fs::remove_file(&pinned) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(Error::io(&pinned, e))
                }
                _ => {}
            },
        }
        let snap_path = snapshot_path(&self.specs_dir, &name);
        let previous = Snapshot::read(&snap_path)?;
        let snapshot = Store::snapshot(spec, code);
        let unchanged = Lockfile::load(&self.lockfile)?
            .entries
            .get(&name)
            .is_some_and(|old| {
                old.functional_hash == entry.functional_hash && old.output_hash == entry.output_hash
            })
            && previous.as_ref().is_some_and(|p| p.code == snapshot.code);
        // Same source and behaviour: keep the snapshot's bytes, no churn.
        if !unchanged {
            write_if_changed(&snap_path, &snapshot.render())?;
        }
        Lockfile::update(&self.lockfile, |lock| {
            lock.entries.insert(name.clone(), entry);
            Ok(())
        })?;
        let _ = std::fs::remove_file(pending_path(&self.specs_dir, &name));
        let _ = std::fs::remove_file(self.pending_file(&name));
        Ok(if unchanged {
            Accepted::Unchanged
        } else {
            Accepted::Recorded
        })
    }

    fn pending_file(&self, name: &str) -> PathBuf {
        self.pending_dir.join(format!("{name}.json"))
    }

    /// Stores a verified result for a later `cargo intent lock` to adopt
    /// (`review`: once a reviewer accepts its `NAME.snap.new`).
    ///
    /// # Errors
    ///
    /// When the file cannot be written.
    pub fn save_pending(
        &self,
        spec: &SpecFile,
        candidate: &PassingCandidate,
        review: bool,
    ) -> Result<PathBuf> {
        let pending = Pending {
            entry: entry_for(spec, candidate),
            code: candidate.code.clone(),
            review,
            behaviour: behaviour_text(candidate),
            checks: candidate.checks.clone(),
        };
        let path = self.pending_file(&spec.spec.name);
        let text = serde_json::to_string_pretty(&pending).map_err(|e| Error::Serialize {
            what: "a pending record",
            message: e.to_string(),
        })?;
        crate::files::write_atomic(&path, text.as_bytes())?;
        Ok(path)
    }

    /// The pending result for `spec`, if one exists for its current spec
    /// hash and, when it went to review, was not rejected there. A result
    /// whose `NAME.snap.new` is gone (`cargo insta reject`) or holds other
    /// code, without `NAME.snap` holding its code, was rejected: its record
    /// is deleted so nothing adopts it later.
    pub fn pending(&self, spec: &SpecFile) -> Option<Pending> {
        let name = &spec.spec.name;
        let bytes = std::fs::read(self.pending_file(name)).ok()?;
        let pending: Pending = serde_json::from_slice(&bytes).ok()?;
        if pending.entry.spec_hash != spec.hash || &pending.entry.name != name {
            return None;
        }
        if pending.review
            && !self.holds(&pending_path(&self.specs_dir, name), &pending.code)
            && !self.holds(&snapshot_path(&self.specs_dir, name), &pending.code)
        {
            let _ = std::fs::remove_file(self.pending_file(name));
            return None;
        }
        Some(pending)
    }

    /// Whether `pending` still waits for a reviewer: its code is in
    /// `NAME.snap.new`, not yet in `NAME.snap`.
    pub fn awaits_review(&self, spec: &SpecFile, pending: &Pending) -> bool {
        pending.review
            && !self.holds(
                &snapshot_path(&self.specs_dir, &spec.spec.name),
                &pending.code,
            )
    }

    fn holds(&self, snapshot: &Path, code: &str) -> bool {
        Snapshot::read(snapshot)
            .ok()
            .flatten()
            .is_some_and(|s| s.code.trim_end() == code.trim_end())
    }

    /// Records a pending result without calling a model. Its code was
    /// verified when it was generated; [`Store::pending`] has already dropped
    /// it if a reviewer rejected it.
    ///
    /// # Errors
    ///
    /// When files cannot be written.
    pub fn adopt(&self, spec: &SpecFile, pending: &Pending) -> Result<Accepted> {
        let entry = LockEntry {
            output_hash: output_hash(&pending.code),
            ..pending.entry.clone()
        };
        self.write_checks(&spec.spec.name, pending.checks.as_deref())?;
        self.record(spec, &pending.code, entry, pending.behaviour.clone())
    }

    /// The pending record path for `name` (for messages).
    pub fn pending_path_of(&self, name: &str) -> PathBuf {
        self.pending_file(name)
    }
}

/// `target/intent/pending/PACKAGE`.
pub fn pending_dir(intent_dir: &Path, package: &str) -> PathBuf {
    intent_dir.join("pending").join(package)
}
