//! `cargo intent verify`: every accepted intent judged again by today's
//! gates, without a model.
//!
//! Accepted code was judged by the gates of the `cargo-intent` that accepted
//! it. After an upgrade (a stricter policy, behaviour judged where it was
//! not) the lock may hold code today's gates would refuse: this finds it.
//! Each intent's snapshot is extracted as a model's answer would be (which
//! strips model-written documentation) and runs through policy, compile,
//! examples, tests, properties and behaviour, with the accepted code of the
//! intents it uses. Its behaviour is compared with the pinned one, or
//! pinned where none is yet.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::lockfile::{Confidence, Lockfile};
use crate::judge::behaviour::Behaviour;
use crate::judge::extract::{extract, has_docs};
use crate::judge::gates::{GateRunner, Verdict};
use crate::generate::{gated, uses};
use crate::project::{pinned_behaviour, Project};
use crate::snapshot::{output_hash, snapshot_path, Snapshot};
use crate::spec::SpecFile;

/// What `verify` found for one intent.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    /// The intent.
    pub name: String,
    /// Its outcome.
    pub outcome: VerifyOutcome,
}

/// Whether an intent's accepted code passes today's gates.
#[derive(Debug, Clone, PartialEq)]
pub enum VerifyOutcome {
    /// It passes every gate.
    Passed {
        /// What happened to its pinned behaviour.
        pin: Pin,
        /// Whether model-written documentation was stripped from the
        /// snapshot (with `--locked`, documentation is a refusal).
        stripped: bool,
        /// How much of its behaviour the spec pins down: its mutants ruled
        /// out, of those told apart (see [`crate::judge::mutants`]).
        adequacy: Option<(usize, usize)>,
        /// What became of the checks drawn from the description.
        checks: Rerun,
    },
    /// Today's gates refuse it: the gate and its evidence.
    Refused(String),
    /// It has no accepted code to judge (missing from the lock, no
    /// snapshot, or a used intent without accepted code).
    NotAccepted(String),
}

/// What `verify` did with an intent's behaviour on the generated inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pin {
    /// Compared with the pinned behaviour: the same on every input.
    Compared,
    /// None was pinned; it is now.
    Pinned,
    /// None is pinned, and `--locked` kept it so.
    Unpinned,
    /// Inputs cannot be generated for its signature: judged on its
    /// examples, tests and properties alone.
    Unjudged,
}

/// The checks drawn from the description (`snapshots/NAME.checks`), run
/// again without a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rerun {
    /// None were recorded for it.
    None,
    /// It passed all of them.
    Passed(usize),
    /// The lock records them, but the file is missing: not run.
    Missing,
}

impl VerifyOutcome {
    /// Whether today's gates accept the code.
    pub fn is_passed(&self) -> bool {
        matches!(self, VerifyOutcome::Passed { .. })
    }
}

/// Judges every accepted intent of `project` (or only `names`) with
/// `runner`. Unless `locked`, pins behaviour where none is pinned and
/// records snapshots whose model-written documentation was stripped; with
/// `locked` nothing on disk changes.
///
/// # Errors
///
/// Spec, lock or snapshot errors, an unwritable snapshot or lock, or gates
/// that cannot run (no confinement, no `rustc`).
pub fn verify(
    project: &Project,
    runner: &GateRunner,
    store: &crate::store::Store,
    names: &[String],
    locked: bool,
) -> Result<Vec<Verified>> {
    let specs = project.specs()?;
    let lock = Lockfile::load(&project.lockfile())?;
    let by_name: BTreeMap<String, crate::spec::Spec> = specs
        .iter()
        .map(|s| (s.spec.name.clone(), s.spec.clone()))
        .collect();
    let mut accepted = BTreeMap::new();
    for spec in &specs {
        if let Some(snapshot) =
            Snapshot::read(&snapshot_path(&project.specs_dir(), &spec.spec.name))?
        {
            let hash = output_hash(&snapshot.code);
            accepted.insert(spec.spec.name.clone(), (snapshot.code, hash));
        }
    }
    let mut out = Vec::new();
    for spec in &specs {
        let name = &spec.spec.name;
        if !names.is_empty() && !names.contains(name) {
            continue;
        }
        let outcome = match (lock.entries.get(name), accepted.get(name)) {
            (Some(entry), Some((code, hash))) if *hash == entry.output_hash => {
                let context = Context {
                    runner,
                    store,
                    locked,
                    entry,
                };
                match uses::resolve(&spec.spec, None, &by_name, &accepted) {
                    Ok(used) => context.judge(spec, code, &used)?,
                    Err(by) => VerifyOutcome::NotAccepted(format!(
                        "it uses `{by}`, which has no accepted code"
                    )),
                }
            }
            (Some(_), Some(_)) => VerifyOutcome::NotAccepted(
                "its snapshot was edited by hand since it was accepted".into(),
            ),
            _ => VerifyOutcome::NotAccepted("it has no accepted code".into()),
        };
        out.push(Verified {
            name: name.clone(),
            outcome,
        });
    }
    Ok(out)
}

/// What judging one intent needs besides the intent.
struct Context<'a> {
    runner: &'a GateRunner,
    store: &'a crate::store::Store,
    locked: bool,
    entry: &'a crate::lockfile::LockEntry,
}

impl Context<'_> {
    fn judge(
        &self,
        spec: &SpecFile,
        code: &str,
        used: &[crate::generate::Used],
    ) -> Result<VerifyOutcome> {
        let name = &spec.spec.name;
        // Model-written documentation goes as today's extraction strips it
        // (the code is then in extraction's layout); otherwise the snapshot
        // is judged as it stands.
        let stripped = has_docs(code);
        let judged = if stripped {
            match extract(&format!("```rust\n{code}\n```"), &spec.spec) {
                Ok(judged) => judged,
                Err(why) => return Ok(VerifyOutcome::Refused(format!("parse: {why}"))),
            }
        } else {
            code.to_string()
        };
        let gated = gated(spec, used);
        let verdict = self
            .runner
            .check(&gated.spec, &judged, &format!("{name}-verify"))
            .map_err(|e| Error::setting(format!("cannot run the gates: {e}")))?;
        let behaviour = match verdict {
            Verdict::Failed { gate, evidence, .. } => {
                let first = evidence.lines().next().unwrap_or_default().to_string();
                return Ok(VerifyOutcome::Refused(format!("{gate}: {first}")));
            }
            Verdict::Passed { behaviour, .. } => behaviour,
        };
        let pinned = pinned_behaviour(&self.store.specs_dir, name);
        let pin = match self.pin(pinned.as_ref(), behaviour.as_ref()) {
            Ok(pin) => pin,
            Err(why) => return Ok(VerifyOutcome::Refused(why)),
        };
        if self.locked && stripped {
            return Ok(VerifyOutcome::Refused(
                "its snapshot holds model-written documentation, which could run as a doctest \
                 (`cargo intent verify` without --locked strips it)"
                    .into(),
            ));
        }
        // The crates it names, at the versions the build uses now.
        let crates = self.runner.externs.versions(&spec.spec.crates);
        if self.locked && crates != self.entry.crates {
            return Ok(VerifyOutcome::Refused(format!(
                "it was accepted with the crates {} and the build now uses {} \
                 (`cargo intent verify` without --locked records them)",
                versions(&self.entry.crates),
                versions(&crates)
            )));
        }
        let checks = match self.rerun_checks(&gated.spec, &judged)? {
            Ok(rerun) => rerun,
            Err(why) => return Ok(VerifyOutcome::Refused(why)),
        };
        let adequacy = self.adequacy(&gated.spec, &judged, behaviour.as_ref())?;
        // Code accepted before confidence was recorded gets what this
        // judgement vouches for.
        let vouch = self.entry.confidence.is_none();
        let upgraded = crates != self.entry.crates;
        let measured = self.entry.confidence.is_some_and(|c| c.adequacy != adequacy);
        if !self.locked && (stripped || pin == Pin::Pinned || vouch || upgraded || measured) {
            let mut entry = self.entry.clone();
            entry.crates = crates;
            self.record(spec, &judged, &behaviour, pinned.as_ref(), (entry, adequacy))?;
        }
        Ok(VerifyOutcome::Passed {
            pin,
            stripped,
            adequacy,
            checks,
        })
    }

    /// What becomes of the `pinned` behaviour given the code's: compared,
    /// pinned now, left unpinned, or why the code is refused (it differs).
    fn pin(&self, pinned: Option<&Behaviour>, behaviour: Option<&Behaviour>) -> std::result::Result<Pin, String> {
        Ok(match (pinned, behaviour) {
            (_, None) => Pin::Unjudged,
            (Some(old), Some(new)) => match old.differences(new, false).first() {
                Some(change) => return Err(format!("its behaviour differs from the pinned one: {change}")),
                None => Pin::Compared,
            },
            (None, Some(_)) if self.locked => Pin::Unpinned,
            (None, Some(_)) => Pin::Pinned,
        })
    }

    /// The checks of the lock entry run on `code` again: how it went, or
    /// why the code is refused (a check fails, or the file was edited
    /// since it was accepted).
    fn rerun_checks(&self, spec: &crate::spec::Spec, code: &str) -> Result<std::result::Result<Rerun, String>> {
        let Some(hash) = &self.entry.checks_hash else {
            return Ok(Ok(Rerun::None));
        };
        let path = crate::snapshot::checks_path(&self.store.specs_dir, &spec.name);
        let Ok(text) = std::fs::read_to_string(&path) else {
            return Ok(Ok(Rerun::Missing));
        };
        if crate::files::sha256_hex(text.as_bytes()) != *hash {
            return Ok(Err(format!(
                "{} was edited since the code was accepted (`cargo intent lock --force {}` draws them again)",
                path.display(),
                spec.name
            )));
        }
        let agreed = match crate::judge::checks::read(&text) {
            Ok(agreed) => agreed,
            Err(why) => return Ok(Err(format!("{} cannot be read: {why}", path.display()))),
        };
        let outcomes = self
            .runner
            .run_on_checks(spec, &[code.to_string()], &agreed)
            .map_err(|e| Error::setting(format!("cannot run the gates: {e}")))?;
        let floats = crate::judge::inputs::plan(spec).is_ok_and(|p| p.floats);
        let Some(Some(outcomes)) = outcomes.into_iter().next() else {
            return Ok(Err("its checks drawn from the description could not be run".into()));
        };
        Ok(match crate::judge::checks::failures(&agreed, &outcomes, floats).first() {
            Some(failure) => Err(format!(
                "`{}` returned {}, and the checks drawn from the description expect {}",
                agreed[failure.check].call, failure.got, agreed[failure.check].value
            )),
            None => Ok(Rerun::Passed(agreed.len())),
        })
    }

    /// How much of `code`'s behaviour `spec` pins down: its mutants ruled
    /// out, of those told apart.
    fn adequacy(&self, spec: &crate::spec::Spec, code: &str, behaviour: Option<&Behaviour>) -> Result<Option<(usize, usize)>> {
        Ok(crate::judge::mutants::adequacy(self.runner, spec, code, behaviour)
            .map_err(|e| Error::setting(format!("cannot run the gates: {e}")))?
            .map(|a| (a.ruled_out, a.ruled_out + a.open.len())))
    }

    /// Records `code` (the snapshot as judged) and its behaviour in
    /// `entry` (the lock entry's, with today's crate versions) with its adequacy, keeping its
    /// model and spec: only what the code is and what it passed change.
    fn record(
        &self,
        spec: &SpecFile,
        code: &str,
        behaviour: &Option<Behaviour>,
        pinned: Option<&Behaviour>,
        (mut entry, adequacy): (crate::lockfile::LockEntry, Option<(usize, usize)>),
    ) -> Result<()> {
        let confidence = entry.confidence.get_or_insert(Confidence::verified(
            spec.spec.examples.len(),
            spec.spec.properties.len(),
            behaviour.as_ref().map_or(0, |b| b.calls.len()),
        ));
        confidence.adequacy = adequacy;
        entry.output_hash = output_hash(code);
        if let Some(behaviour) = behaviour {
            entry.functional_hash = behaviour.hash();
        }
        entry.gates = crate::gate::Gate::passed(&spec.spec, behaviour.is_some())
            .iter()
            .map(|g| g.name().to_string())
            .collect();
        // A pin keeps the agreement it was accepted with.
        let agreement = pinned.and_then(|_| {
            std::fs::read_to_string(crate::snapshot::behaviour_path(
                &self.store.specs_dir,
                &spec.spec.name,
            ))
            .ok()
            .and_then(|text| Behaviour::agreement_in(&text))
        });
        let text = behaviour.as_ref().map(|b| b.render(agreement));
        self.store.record(spec, code, entry, text)?;
        Ok(())
    }
}

/// `regex 1.10.2, serde_json 1.0.100`, or `none`.
fn versions(crates: &BTreeMap<String, String>) -> String {
    if crates.is_empty() {
        return "none".into();
    }
    crates
        .iter()
        .map(|(name, version)| format!("{name} {version}"))
        .collect::<Vec<_>>()
        .join(", ")
}
