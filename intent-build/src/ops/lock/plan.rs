//! The plan of a lock: which of the crate's intents it handles, and what
//! each needs — nothing, a pending result adopted, a refusal, its code
//! judged again, or a model — decided on the lock and the snapshots alone.

use std::collections::BTreeMap;

use super::ctx::LockCtx;
use crate::ops::summary::{LockSummary, Settled};
use crate::error::{Error, Result};
use crate::generate::uses;
use crate::lockfile::Lockfile;
use crate::project::{staleness, Project};
use crate::spec::{Spec, SpecFile};
use crate::state::{IntentStatus, State};

/// What every intent of the crate is, for the intents that use it.
pub(in crate::ops) struct Known {
    /// Every intent's spec.
    pub(in crate::ops) specs: BTreeMap<String, Spec>,
    /// The accepted code the lock vouches for, with its `output-hash`.
    pub(in crate::ops) accepted: BTreeMap<String, uses::Code>,
    /// The spec each lock entry was accepted for: the same spec means only
    /// the model changed, and the pinned behaviour must be kept.
    pub(super) locked_specs: BTreeMap<String, String>,
}

impl Known {
    pub(in crate::ops) fn of(statuses: &[IntentStatus]) -> Known {
        let name = |s: &IntentStatus| s.spec.spec.name.clone();
        Known {
            specs: statuses
                .iter()
                .map(|s| (name(s), s.spec.spec.clone()))
                .collect(),
            accepted: statuses
                .iter()
                .filter(|s| !matches!(s.state, State::Edited { .. } | State::Missing))
                .filter_map(|s| {
                    let code = s.snapshot.as_ref()?.code.clone();
                    Some((name(s), (code, s.entry.as_ref()?.output_hash.clone())))
                })
                .collect(),
            locked_specs: statuses
                .iter()
                .filter_map(|s| Some((name(s), s.entry.as_ref()?.spec_hash.clone())))
                .collect(),
        }
    }
}

/// What triage leaves to do.
#[derive(Default)]
pub(super) struct Triage {
    /// Stale intents to generate.
    pub(super) generate: Vec<SpecFile>,
    /// Intents whose used intents' code changed: checked again first.
    pub(super) reverify: Vec<IntentStatus>,
    /// Intents whose snapshot a person wrote: judged, never regenerated.
    pub(super) hand: Vec<IntentStatus>,
}

impl LockCtx<'_> {
    /// Every name asked for is an intent of the crate.
    pub(super) fn check_names(&self, statuses: &[IntentStatus]) -> Result<()> {
        let known: Vec<&str> = statuses.iter().map(|s| s.spec.spec.name.as_str()).collect();
        let project = &self.project.name;
        match self
            .options
            .names
            .iter()
            .find(|n| !known.contains(&n.as_str()))
        {
            None => Ok(()),
            Some(name) => Err(Error::Setting {
                message: format!("no intent named `{name}` in {project}"),
                help: Some(if known.is_empty() {
                    format!(
                        "{project} has no intents; `cargo intent new NAME --signature SIG` writes one"
                    )
                } else {
                    format!("its intents are: {}", known.join(", "))
                }),
            }),
        }
    }

    /// Sorts the selected intents: fresh, pending results adopted (or
    /// kept), refused under `--locked`, to re-verify, or to generate.
    pub(super) fn triage(&self, statuses: Vec<IntentStatus>, summary: &mut LockSummary) -> Result<Triage> {
        let opts = self.options;
        let store = self.project.store(&opts.intent_dir);
        let expectation = self.project.expectation(self.env, &opts.intent_dir)?;
        let mut triage = Triage::default();
        for status in statuses {
            let name = status.spec.spec.name.clone();
            if !opts.names.is_empty() && !opts.names.contains(&name) {
                continue;
            }
            let why = staleness(&status, &expectation).map(|s| s.reason);
            if why.is_none() && !opts.force {
                summary.settle(name, Settled::Fresh);
            } else if self.written_by_hand(&status) && !opts.force {
                match why {
                    // The build script's run and `--locked` write nothing.
                    Some(stale) if opts.locked || opts.pending_only => {
                        let stale = format!("{stale}; `cargo intent lock` judges code written by hand");
                        summary.settle(name, Settled::Refused { stale });
                    }
                    _ => triage.hand.push(status),
                }
            } else if matches!(
                status.state,
                State::UsesChanged { .. } | State::CratesChanged { .. }
            ) && !opts.force
            {
                triage.reverify.push(status);
            } else if let Some(pending) = store.pending(&status.spec).filter(|_| !opts.force) {
                self.adopt(&store, &status.spec, pending, summary)?;
            } else if opts.locked {
                let stale = why.unwrap_or_else(|| "--force".into());
                summary.settle(name, Settled::Refused { stale });
            } else {
                triage.generate.push(status.spec);
            }
        }
        Ok(triage)
    }

    /// Whether `status`'s snapshot holds code a person wrote: edited since
    /// it was accepted, written for an intent never accepted, or recorded
    /// as `author = "hand"` and stale since (its spec changed).
    fn written_by_hand(&self, status: &IntentStatus) -> bool {
        let snapshot = || {
            let path = crate::snapshot::snapshot_path(&self.project.specs_dir(), &status.spec.spec.name);
            path.is_file()
        };
        match &status.state {
            State::Edited { .. } => true,
            State::Missing => snapshot(),
            State::SpecChanged { .. } => {
                status.entry.as_ref().is_some_and(|e| !e.author.is_model()) && snapshot()
            }
            _ => false,
        }
    }
}

/// Drops lock entries whose spec no longer exists, and their snapshots
/// (files intent owns: `intents/snapshots/NAME.snap` of a listed entry).
pub(super) fn prune(project: &Project, statuses: &[IntentStatus]) -> Result<Vec<String>> {
    let lockfile = project.lockfile();
    if !lockfile.exists() {
        return Ok(Vec::new());
    }
    let removed = Lockfile::update(&lockfile, |lock| {
        let gone: Vec<String> = lock
            .entries
            .keys()
            .filter(|name| !statuses.iter().any(|s| &s.spec.spec.name == *name))
            .cloned()
            .collect();
        for name in &gone {
            lock.entries.remove(name);
        }
        Ok(gone)
    })?;
    for name in &removed {
        let _ = std::fs::remove_file(crate::snapshot::snapshot_path(&project.specs_dir(), name));
        let _ = std::fs::remove_file(crate::snapshot::behaviour_path(&project.specs_dir(), name));
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lockfile::{LockEntry, ModelIdentity};
    use crate::ops::lock::test_crate;
    use crate::snapshot::{snapshot_path, Snapshot};

    const CODE: &str = "pub fn NAME() -> i32 {\n    1\n}";

    /// A crate with intents `a` (fresh), `b` (never locked), `c` (its
    /// snapshot edited since) and a lock entry `gone` whose spec is gone.
    fn crate_dir() -> tempfile::TempDir {
        let dir = test_crate::with("", &[]);
        let root = dir.path();
        let specs = root.join("intents");
        let mut lock = Lockfile::default();
        for name in ["a", "b", "c", "gone"] {
            let text = format!("signature = \"pub fn {name}() -> i32\"\ndescription = \"One.\"\nexamples = [{{ call = \"{name}()\", expect = \"1\" }}]\n");
            let rel = format!("intents/{name}.intent.toml");
            let spec = crate::spec::parse_str(&text, std::path::Path::new(&rel)).unwrap();
            let code = CODE.replace("NAME", name);
            if name != "gone" {
                std::fs::write(root.join(&rel), &text).unwrap();
            }
            if name == "b" {
                continue;
            }
            let snapshot = Snapshot { source: rel.clone(), expression: spec.spec.signature.clone(), code: code.clone() };
            let path = snapshot_path(&specs, name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, snapshot.render()).unwrap();
            let default = crate::models::known(crate::models::DEFAULT_MODEL).unwrap();
            lock.entries.insert(
                name.into(),
                LockEntry {
                    name: name.into(),
                    spec: rel,
                    spec_hash: spec.hash.clone(),
                    author: Default::default(),
                    model: ModelIdentity { provider: "embedded".into(), name: default.name.into(), digest: default.sha256.into(), note: None },
                    prompt: String::new(),
                    params_hash: String::new(),
                    output_hash: crate::snapshot::output_hash(&code),
                    functional_hash: String::new(),
                    gates: Vec::new(),
                    uses: Default::default(),
                    crates: Default::default(),
                    capabilities: Vec::new(),
                    confidence: None,
            checks_hash: None,
                },
            );
        }
        std::fs::write(root.join("Intent.lock"), lock.render()).unwrap();
        let edited = Snapshot { source: "intents/c.intent.toml".into(), expression: "pub fn c() -> i32".into(), code: "pub fn c() -> i32 {\n    2 - 1\n}".into() };
        std::fs::write(snapshot_path(&specs, "c"), edited.render()).unwrap();
        dir
    }

    /// `triage` of the crate under `options`: what it left to do, and the summary.
    fn triaged(dir: &std::path::Path, names: &[&str], locked: bool) -> (Triage, LockSummary) {
        let mut options = test_crate::options(dir);
        options.names = names.iter().map(|n| n.to_string()).collect();
        options.locked = locked;
        test_crate::in_ctx(dir, &options, |ctx| {
            let mut summary = LockSummary::default();
            let triage = ctx.triage(ctx.project.statuses().unwrap(), &mut summary).unwrap();
            (triage, summary)
        })
    }

    fn names(specs: &[SpecFile]) -> Vec<&str> {
        specs.iter().map(|s| s.spec.name.as_str()).collect()
    }

    #[test]
    fn each_intent_goes_where_its_state_sends_it() {
        let dir = crate_dir();
        let (triage, summary) = triaged(dir.path(), &[], false);
        assert!(summary.is("a", |s| *s == Settled::Fresh));
        assert_eq!(names(&triage.generate), ["b"]);
        let hand: Vec<&str> = triage.hand.iter().map(|s| s.spec.spec.name.as_str()).collect();
        assert_eq!(hand, ["c"], "an edited snapshot is judged, never regenerated");
        assert!(triage.reverify.is_empty());

        let (triage, summary) = triaged(dir.path(), &["b"], true);
        assert!(triage.generate.is_empty(), "--locked generates nothing");
        assert!(summary.is("b", |s| matches!(s, Settled::Refused { stale } if stale.contains("no entry"))));
        assert_eq!(summary.intents.len(), 1, "only the intents named");
    }

    #[test]
    fn unknown_names_are_refused_and_entries_without_a_spec_pruned() {
        let dir = crate_dir();
        let mut options = test_crate::options(dir.path());
        options.names = vec!["zz".into()];
        let error = test_crate::in_ctx(dir.path(), &options, |ctx| {
            ctx.check_names(&ctx.project.statuses().unwrap()).unwrap_err().to_string()
        });
        let project = Project::open("p", &dir.path().join("Cargo.toml")).unwrap();
        let statuses = project.statuses().unwrap();
        assert!(error.contains("no intent named `zz` in p"), "{error}");
        assert!(error.contains("its intents are: a, b, c"), "{error}");
        assert_eq!(prune(&project, &statuses).unwrap(), ["gone"]);
        let lock = Lockfile::load(&project.lockfile()).unwrap();
        assert!(!lock.entries.contains_key("gone") && lock.entries.contains_key("a"));
        assert!(!snapshot_path(&project.specs_dir(), "gone").exists());
    }
}
