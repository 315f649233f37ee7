//! Intents that use intents (`uses = ["gcd"]`): the order `cargo intent
//! lock` works in, what a user of an intent is compiled with, and checking a
//! user again, without a model, when the code it uses changed.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::{Condvar, Mutex};

use crate::judge::behaviour::Behaviour;
use crate::judge::gates::{GateRunner, Verdict};
use crate::spec::{Spec, SpecFile};

/// An intent another uses: its spec (signature and description go into the
/// prompt) and its accepted code (compiled with every candidate).
#[derive(Debug, Clone)]
pub struct Used {
    /// Its spec.
    pub spec: Spec,
    /// Its accepted code.
    pub code: String,
    /// That code's `output-hash`, recorded in the user's lock entry.
    pub output_hash: String,
}

impl Used {
    /// What a lock entry records of `used`: each name with its `output-hash`.
    pub fn hashes(used: &[Used]) -> std::collections::BTreeMap<String, String> {
        used.iter()
            .map(|u| (u.spec.name.clone(), u.output_hash.clone()))
            .collect()
    }

    /// The module that brings the used intent into a candidate's crate, as
    /// `OUT_DIR` does: its prelude and code in a module of their own, its
    /// items re-exported.
    fn module(&self) -> String {
        let name = &self.spec.name;
        format!(
            "#[allow(unused_imports)]\npub use __uses_{name}::*;\nmod __uses_{name} {{\n#![allow(unused)]\nuse super::*;\n{}\n{}\n}}\n",
            self.spec.prelude, self.code
        )
    }
}

/// The spec as the gates judge it: the used intents' code in its prelude.
pub fn gated(spec: &SpecFile, used: &[Used]) -> SpecFile {
    let mut gated = spec.clone();
    for u in used {
        gated.spec.prelude.push('\n');
        gated.spec.prelude.push_str(&u.module());
    }
    gated
}

/// The spec as the prompt shows it: each used function's signature and
/// description among the items that already exist, never its code.
pub(super) fn prompted(spec: &Spec, used: &[Used]) -> Spec {
    let mut prompted = spec.clone();
    for u in used {
        let description = u.spec.description.split("\n\n").next().unwrap_or_default();
        if !prompted.prelude.is_empty() {
            prompted.prelude.push('\n');
        }
        prompted.prelude.push_str(&format!(
            "/// {description}\n{} {{ /* already written */ }}",
            u.spec.signature
        ));
    }
    prompted
}

/// Accepted code: (code, `output-hash`).
pub type Code = (String, String);

/// The intents to generate, handed out so that each one starts only after
/// the intents it uses are done; independent ones run concurrently.
pub struct Queue {
    state: Mutex<State>,
    changed: Condvar,
}

struct State {
    waiting: VecDeque<SpecFile>,
    running: BTreeSet<String>,
    /// Finished in this run: the verified code, or `None` when none passed.
    done: BTreeMap<String, Option<Code>>,
}

impl Queue {
    /// A queue of `work`, in its order where dependencies allow.
    pub fn new(work: Vec<SpecFile>) -> Queue {
        Queue {
            state: Mutex::new(State {
                waiting: work.into(),
                running: BTreeSet::new(),
                done: BTreeMap::new(),
            }),
            changed: Condvar::new(),
        }
    }

    /// The next intent none of whose used intents is still to be generated;
    /// waits while one is running. `None` when nothing is left to hand out.
    pub fn next(&self) -> Option<SpecFile> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if state.waiting.is_empty() {
                return None;
            }
            let pending: BTreeSet<&str> = state
                .waiting
                .iter()
                .map(|s| s.spec.name.as_str())
                .chain(state.running.iter().map(String::as_str))
                .collect();
            let ready = state
                .waiting
                .iter()
                .position(|s| s.spec.uses.iter().all(|u| !pending.contains(u.as_str())));
            match ready {
                Some(i) => {
                    let spec = state.waiting.remove(i).expect("index in range");
                    state.running.insert(spec.spec.name.clone());
                    return Some(spec);
                }
                // What is left waits for running intents (uses have no
                // cycles, so some intent always can start once they finish).
                None => state = self.changed.wait(state).unwrap_or_else(|e| e.into_inner()),
            }
        }
    }

    /// Records that `name` finished, with its verified code if any.
    pub fn finish(&self, name: &str, code: Option<Code>) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.running.remove(name);
        state.done.insert(name.to_string(), code);
        self.changed.notify_all();
    }

    /// What `name` finished with in this run, if it ran.
    pub fn done(&self, name: &str) -> Option<Option<Code>> {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .done
            .get(name)
            .cloned()
    }

    /// Drops what was not started (after an interruption).
    pub fn clear(&self) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.waiting.clear();
        self.changed.notify_all();
    }
}

/// The used intents of `spec` with the code to compile it with: what this
/// run verified, else what was accepted before. `Err` names the used intent
/// that has no code (it was refused, or never accepted): `spec` is blocked.
pub fn resolve(
    spec: &Spec,
    queue: Option<&Queue>,
    specs: &BTreeMap<String, Spec>,
    accepted: &BTreeMap<String, Code>,
) -> Result<Vec<Used>, String> {
    spec.uses
        .iter()
        .map(|name| {
            let code = match queue.and_then(|q| q.done(name)) {
                Some(done) => done,
                None => accepted.get(name).cloned(),
            };
            match (code, specs.get(name)) {
                (Some((code, output_hash)), Some(used)) => Ok(Used {
                    spec: used.clone(),
                    code,
                    output_hash,
                }),
                _ => Err(name.clone()),
            }
        })
        .collect()
}

/// Checks `code`, accepted for `spec`, again with the used intents' current
/// code: its examples, tests and properties, and its behaviour on the
/// generated inputs against `pinned`. `Err` says why it no longer holds.
///
/// # Errors
///
/// When the gates cannot run.
pub fn reverify(
    runner: &GateRunner,
    spec: &SpecFile,
    code: &str,
    used: &[Used],
    pinned: Option<&Behaviour>,
) -> std::io::Result<Result<(), String>> {
    let gated = gated(spec, used);
    let tag = format!("{}-reverify", spec.spec.name);
    Ok(match runner.check(&gated.spec, code, &tag)? {
        Verdict::Failed { gate, evidence, .. } => {
            Err(format!("{gate}: {}", super::round::first_line(&evidence)))
        }
        Verdict::Passed { behaviour, .. } => match (pinned, behaviour) {
            (Some(old), Some(new)) => match old.differences(&new, false).first() {
                Some(change) => Err(format!("its behaviour changed: {change}")),
                None => Ok(()),
            },
            _ => Ok(()),
        },
    })
}
